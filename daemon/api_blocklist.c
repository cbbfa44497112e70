// SPDX-License-Identifier: GPL-2.0-or-later
/* blocklist.add / delete / list / flush over the dynamic blocklist. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api.h"
#include "api_methods.h"
#include "blocklist.h"
#include "log.h"

/* Ten years: anything longer is a typo, not a ttl. */
#define TTL_MAX_SEC (10ULL * 366 * 24 * 3600)

/* The "prefix" param; an address alone is a host prefix (/32, /128). */
static int prefix_param(struct api_call *c, struct prefix *p)
{
	const char *s = api_param_str(c, "prefix");
	struct prefix raw;
	char fixed[64];

	if (parse_prefix(s, p) == 0)
		return 0;
	if (parse_prefix_raw(s, &raw) == 0 && prefix_host_bits_set(&raw)) {
		prefix_mask(&raw);
		format_prefix(&raw, fixed, sizeof(fixed));
		return api_fail(c, JSONRPC_INVALID_PARAMS,
				"%s: prefix '%.64s' has host bits set (did you mean %s?)",
				c->method, s, fixed);
	}
	return api_fail(c, JSONRPC_INVALID_PARAMS,
			"%s: '%.64s' is not an IPv4 or IPv6 address or prefix", c->method, s);
}

static json_object *entry_json(const struct blocklist_entry *e, uint64_t now)
{
	json_object *o = json_object_new_object();
	char buf[64];

	format_prefix(&e->prefix, buf, sizeof(buf));
	json_object_object_add(o, "prefix", json_object_new_string(buf));
	if (e->expires_ns) /* whole seconds left, rounded up: a fresh ttl 2 shows 2 */
		json_object_object_add(
		    o, "expires_in",
		    json_object_new_uint64(
			e->expires_ns > now ? (e->expires_ns - now + 999999999) / 1000000000 : 0));
	if (e->comment[0])
		json_object_object_add(o, "comment", json_object_new_string(e->comment));
	json_object_object_add(o, "packets", json_object_new_uint64(e->packets));
	json_object_object_add(o, "added_at", api_time_json(e->added_realtime_ns));
	return o;
}

/* One line of text: a NUL would cut it short silently, a newline or an
 * escape sequence would garble `xdpctl block list` and the logs. */
static bool printable(const struct api_call *c, const char *s)
{
	json_object *v;

	json_object_object_get_ex(c->params, "comment", &v);
	if ((size_t)json_object_get_string_len(v) != strlen(s))
		return false;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static int need_blocklist(struct api_call *c)
{
	if (c->bl)
		return 0;
	return api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: the blocklist maps are not available",
			c->method);
}

int api_blocklist_add(struct api_call *c)
{
	const char *comment = api_param_str(c, "comment");
	int64_t ttl = api_param_int(c, "ttl", 0);
	struct blocklist_entry e;
	struct prefix p;
	char buf[64];
	int r;

	if (need_blocklist(c) || prefix_param(c, &p))
		return c->code;
	if (c->params && json_object_object_get_ex(c->params, "ttl", NULL) &&
	    (ttl < 1 || (uint64_t)ttl > TTL_MAX_SEC))
		return api_fail(c, JSONRPC_INVALID_PARAMS,
				"%s: ttl must be a number of seconds from 1 to %llu", c->method,
				TTL_MAX_SEC);
	if (comment && strlen(comment) >= XDPD_COMMENT_MAX)
		return api_fail(c, JSONRPC_INVALID_PARAMS, "%s: comment longer than %d bytes",
				c->method, XDPD_COMMENT_MAX - 1);
	if (comment && !printable(c, comment))
		return api_fail(c, JSONRPC_INVALID_PARAMS,
				"%s: comment must be one line of text (no control characters)",
				c->method);
	r = blocklist_add(c->bl, &p, (uint64_t)ttl, comment, &e);
	format_prefix(&p, buf, sizeof(buf));
	if (r == -ENOSPC || r == -E2BIG || r == -ENOMEM)
		return api_fail(c, JSONRPC_RESOURCE_EXHAUSTED, "%s: %s: the blocklist is full",
				c->method, buf);
	if (r < 0) {
		/* not the request's fault: the operator needs it in the journal */
		log_error("blocklist: cannot add %s: %s (pid %d uid %u)", buf, strerror(-r),
			  (int)c->peer->pid, (unsigned)c->peer->uid);
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: %s: %s", c->method, buf,
				strerror(-r));
	}
	log_info("blocklist: added %s%s%s (pid %d uid %u)", buf, ttl ? " with a ttl" : "",
		 comment ? ", comment set" : "", (int)c->peer->pid, (unsigned)c->peer->uid);
	c->result = entry_json(&e, blocklist_now_ns());
	return 0;
}

int api_blocklist_delete(struct api_call *c)
{
	struct prefix p;
	char buf[64];
	int r;

	if (need_blocklist(c) || prefix_param(c, &p))
		return c->code;
	format_prefix(&p, buf, sizeof(buf));
	r = blocklist_delete(c->bl, &p);
	if (r == -ENOENT)
		return api_fail(c, JSONRPC_NOT_FOUND, "%s: %s is not in the blocklist", c->method,
				buf);
	if (r < 0)
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: %s: %s", c->method, buf,
				strerror(-r));
	log_info("blocklist: deleted %s (pid %d uid %u)", buf, (int)c->peer->pid,
		 (unsigned)c->peer->uid);
	c->result = json_object_new_object();
	json_object_object_add(c->result, "deleted", json_object_new_int(1));
	return 0;
}

/* blocklist.list is built over loop turns, a batch of entries per turn (one
 * lookup each), from a snapshot of the keys taken when the request came: an
 * entry deleted or expired meanwhile is left out, one added meanwhile is not
 * in this answer. */
#define LIST_BATCH 2048

struct list_stream {
	struct blocklist *bl;
	struct bl_item *items;
	size_t n, next;
	bool wrote;  /* an entry is out: the next one needs a comma */
	time_t tsec; /* added_at of the last entry formatted, cached */
	char tbuf[32];
};

static const char *time_text(struct list_stream *l, uint64_t realtime_ns)
{
	time_t t = (time_t)(realtime_ns / 1000000000ULL);
	struct tm tm;

	if (t != l->tsec || !l->tbuf[0]) {
		l->tsec = t;
		if (!gmtime_r(&t, &tm) ||
		    !strftime(l->tbuf, sizeof(l->tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm))
			l->tbuf[0] = '\0';
	}
	return l->tbuf;
}

/* The same members as entry_json(), as text. */
static void entry_text(struct list_stream *l, const struct blocklist_entry *e, uint64_t now,
		       struct api_text *t)
{
	char buf[64];
	const char *when = time_text(l, e->added_realtime_ns);

	format_prefix(&e->prefix, buf, sizeof(buf));
	api_text_printf(t, "{\"prefix\":\"%s\"", buf);
	if (e->expires_ns)
		api_text_printf(
		    t, ",\"expires_in\":%llu",
		    (unsigned long long)(e->expires_ns > now
					     ? (e->expires_ns - now + 999999999) / 1000000000
					     : 0));
	if (e->comment[0]) {
		api_text_add(t, ",\"comment\":", 11);
		api_text_json_string(t, e->comment);
	}
	api_text_printf(t, ",\"packets\":%llu,\"added_at\":", (unsigned long long)e->packets);
	if (when[0])
		api_text_printf(t, "\"%s\"}", when);
	else
		api_text_add(t, "null}", 5);
}

static int list_step(void *ctx, struct api_text *t)
{
	struct list_stream *l = ctx;
	uint64_t now = blocklist_now_ns();
	struct blocklist_entry e;
	size_t end = l->next + LIST_BATCH < l->n ? l->next + LIST_BATCH : l->n;

	if (l->next == 0)
		api_text_add(t, "{\"entries\":[", 12);
	for (; l->next < end; l->next++) {
		int r = blocklist_get(l->bl, &l->items[l->next], now, &e);

		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		if (l->wrote)
			api_text_add(t, ",", 1);
		l->wrote = true;
		entry_text(l, &e, now, t);
	}
	if (t->oom)
		return -ENOMEM;
	if (l->next < l->n)
		return 1;
	api_text_add(t, "]}", 2);
	return t->oom ? -ENOMEM : 0;
}

static void list_free(void *ctx)
{
	struct list_stream *l = ctx;

	free(l->items);
	free(l);
}

int api_blocklist_list(struct api_call *c)
{
	struct list_stream *l;
	int r;

	if (need_blocklist(c))
		return c->code;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->bl = c->bl;
	r = blocklist_snapshot(c->bl, &l->items, &l->n);
	if (r < 0) {
		free(l);
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: %s", c->method, strerror(-r));
	}
	c->stream = (struct api_stream){.step = list_step, .free = list_free, .ctx = l};
	return 0;
}

/* A flush is spread over loop turns: the entries there when it was asked
 * for, a batch (or a turn's time) per turn. */
struct flush_stream {
	struct blocklist *bl;
	struct bl_item *items;
	size_t n, next, flushed;
	int err;
	struct api_peer peer;
};

static int flush_step(void *ctx, struct api_text *t)
{
	struct flush_stream *f = ctx;
	size_t end = f->next + LIST_BATCH < f->n ? f->next + LIST_BATCH : f->n;
	uint64_t stop = api_now_usec() + API_TURN_USEC;

	/* a batch, or what fits in a turn's time (a short IPv6 prefix costs
	 * ~0.15 s): at least one entry */
	for (size_t done = 0; f->next < end; f->next++, done++) {
		int r;

		if (done && api_now_usec() >= stop)
			break;
		r = blocklist_delete_item(f->bl, &f->items[f->next]);

		if (r == 0)
			f->flushed++;
		else if (r != -ENOENT && !f->err)
			f->err = r;
	}
	if (f->next < f->n)
		return 1;
	log_info("blocklist: flushed %zu entries (pid %d uid %u)%s%s", f->flushed, (int)f->peer.pid,
		 (unsigned)f->peer.uid, f->err ? "; some could not be deleted: " : "",
		 f->err ? strerror(-f->err) : "");
	api_text_printf(t, "{\"flushed\":%zu}", f->flushed);
	return t->oom ? -ENOMEM : 0;
}

static void flush_free(void *ctx)
{
	struct flush_stream *f = ctx;

	free(f->items);
	free(f);
}

int api_blocklist_flush(struct api_call *c)
{
	struct flush_stream *f;
	size_t n = 0;
	int r;

	if (need_blocklist(c))
		return c->code;
	if (blocklist_count(c->bl)) {
		f = calloc(1, sizeof(*f));
		if (!f)
			return -ENOMEM;
		*f = (struct flush_stream){.bl = c->bl, .peer = *c->peer};
		r = blocklist_snapshot(c->bl, &f->items, &f->n);
		if (r < 0) {
			free(f);
			return api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: %s", c->method,
					strerror(-r));
		}
		c->stream = (struct api_stream){.step = flush_step, .free = flush_free, .ctx = f};
		return 0;
	}
	r = blocklist_flush(c->bl, &n);
	log_info("blocklist: flushed %zu entries (pid %d uid %u)", n, (int)c->peer->pid,
		 (unsigned)c->peer->uid);
	if (r < 0)
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: %s (%zu entries flushed)",
				c->method, strerror(-r), n);
	c->result = json_object_new_object();
	json_object_object_add(c->result, "flushed", json_object_new_uint64(n));
	return 0;
}
