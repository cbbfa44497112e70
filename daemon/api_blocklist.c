// SPDX-License-Identifier: GPL-2.0-or-later
/* blocklist.add / delete / list / flush over the dynamic blocklist. */
#include <errno.h>
#include <string.h>

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
	r = blocklist_add(c->bl, &p, (uint64_t)ttl, comment, &e);
	format_prefix(&p, buf, sizeof(buf));
	if (r == -ENOSPC || r == -E2BIG || r == -ENOMEM)
		return api_fail(c, JSONRPC_RESOURCE_EXHAUSTED, "%s: %s: the blocklist is full",
				c->method, buf);
	if (r < 0)
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: %s: %s", c->method, buf,
				strerror(-r));
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

struct list_ctx {
	json_object *a;
	uint64_t now;
};

static int list_one(const struct blocklist_entry *e, void *ctx)
{
	struct list_ctx *l = ctx;

	return json_object_array_add(l->a, entry_json(e, l->now)) ? -ENOMEM : 0;
}

int api_blocklist_list(struct api_call *c)
{
	struct list_ctx l = {.a = json_object_new_array(), .now = blocklist_now_ns()};
	int r;

	if (need_blocklist(c)) {
		json_object_put(l.a);
		return c->code;
	}
	r = blocklist_foreach(c->bl, list_one, &l);
	c->result = json_object_new_object();
	json_object_object_add(c->result, "entries", l.a);
	if (r < 0)
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: %s", c->method, strerror(-r));
	return 0;
}

int api_blocklist_flush(struct api_call *c)
{
	size_t n = 0;
	int r;

	if (need_blocklist(c))
		return c->code;
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
