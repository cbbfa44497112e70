// SPDX-License-Identifier: GPL-2.0-or-later
/* The dynamic blocklist over the pinned LPM maps (see blocklist.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <bpf/bpf.h>

#include "blocklist.h"

/* Big enough for both key layouts (struct xdpd_lpm4 is a prefix of it): the
 * kernel reads key_size bytes of whichever map it is given. */
struct bl_key {
	xu32 prefixlen;
	xu8 addr[16];
};

enum { BL_V4, BL_V6, BL_NMAPS };

struct blocklist {
	sd_event_source *timer; /* NULL without an event loop */
	int fd[BL_NMAPS];
	size_t count;
	uint64_t next_expiry_ns; /* earliest expiry of a live entry; 0: none */
};

/* Expiry timers need no finer grain than this. */
#define REAP_ACCURACY_USEC (100 * 1000ULL)

uint64_t blocklist_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static bool expired(const struct xdpd_block_entry *v, uint64_t now)
{
	return v->expires_ns && v->expires_ns <= now;
}

static int map_for(const struct blocklist *b, const struct prefix *p, struct bl_key *k)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = p->len;
	memcpy(k->addr, p->addr, p->family == AF_INET ? 4 : 16);
	return b->fd[p->family == AF_INET ? BL_V4 : BL_V6];
}

/* ---- walking a map ---- */

typedef int (*walk_fn)(int map, const struct bl_key *k, const struct xdpd_block_entry *v,
		       void *ctx);

/* Calls fn for every entry. Nothing may be deleted during the walk: a missing
 * previous key restarts an LPM trie's iteration from its first key. */
static int walk(const struct blocklist *b, int map, walk_fn fn, void *ctx)
{
	struct bl_key key = {0}, next = {0}; /* the v4 map fills 8 of 20 bytes */
	struct xdpd_block_entry v;
	bool first = true;
	int r;

	for (;;) {
		r = bpf_map_get_next_key(b->fd[map], first ? NULL : &key, &next);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return r;
		key = next;
		first = false;
		r = bpf_map_lookup_elem(b->fd[map], &key, &v);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		r = fn(map, &key, &v, ctx);
		if (r)
			return r;
	}
}

/* Keys collected during a walk, deleted after it. */
struct key_set {
	struct bl_key *v;
	size_t n, cap;
	size_t seen;	   /* entries walked */
	uint64_t now;	   /* expiry reference */
	uint64_t next;	   /* earliest expiry among live entries */
	bool only_expired; /* collect expired entries only (else all) */
};

static int collect(int map, const struct bl_key *k, const struct xdpd_block_entry *v, void *ctx)
{
	struct key_set *s = ctx;

	s->seen++;
	if (s->only_expired && !expired(v, s->now)) {
		if (v->expires_ns && (!s->next || v->expires_ns < s->next))
			s->next = v->expires_ns;
		return 0;
	}
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct bl_key *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = *k;
	return 0;
}

/* Walk both maps and delete what collect() kept. Returns deleted count in
 * *deleted; updates count and next_expiry_ns. */
static int sweep(struct blocklist *b, bool only_expired, size_t *deleted)
{
	struct key_set s = {.now = blocklist_now_ns(), .only_expired = only_expired};
	size_t seen = 0, del = 0;
	int r = 0;

	for (int map = 0; map < BL_NMAPS && !r; map++) {
		s.n = 0;
		s.seen = 0;
		r = walk(b, map, collect, &s);
		seen += s.seen;
		for (size_t i = 0; i < s.n && !r; i++) {
			int e = bpf_map_delete_elem(b->fd[map], &s.v[i]);

			if (e == 0)
				del++;
			else if (e != -ENOENT)
				r = e;
		}
	}
	free(s.v);
	if (!r) {
		b->count = seen - del;
		b->next_expiry_ns = only_expired ? s.next : 0;
	}
	if (deleted)
		*deleted = del;
	return r;
}

/* ---- expiry timer ---- */

static void arm(struct blocklist *b)
{
	if (!b->timer)
		return;
	if (!b->next_expiry_ns) {
		sd_event_source_set_enabled(b->timer, SD_EVENT_OFF);
		return;
	}
	/* round up: firing early would find nothing to reap */
	sd_event_source_set_time(b->timer, (b->next_expiry_ns + 999) / 1000);
	sd_event_source_set_enabled(b->timer, SD_EVENT_ONESHOT);
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct blocklist *b = userdata;

	/* a failed sweep keeps the old next_expiry_ns: retry at the next tick */
	if (sweep(b, true, NULL) < 0)
		b->next_expiry_ns = blocklist_now_ns() + 1000000000ULL;
	arm(b);
	return 0;
}

int blocklist_open(sd_event *ev, int fd4, int fd6, struct blocklist **out)
{
	struct blocklist *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return -ENOMEM;
	b->fd[BL_V4] = fd4;
	b->fd[BL_V6] = fd6;
	if (ev) {
		r = sd_event_add_time(ev, &b->timer, CLOCK_MONOTONIC, 0, REAP_ACCURACY_USEC,
				      on_timer, b);
		if (r < 0) {
			free(b);
			return r;
		}
		sd_event_source_set_enabled(b->timer, SD_EVENT_OFF);
		sd_event_source_set_description(b->timer, "blocklist-expiry");
	}
	r = sweep(b, true, NULL);
	if (r < 0) {
		blocklist_free(b);
		return r;
	}
	arm(b);
	*out = b;
	return 0;
}

void blocklist_free(struct blocklist *b)
{
	if (!b)
		return;
	sd_event_source_disable_unref(b->timer);
	free(b);
}

size_t blocklist_count(const struct blocklist *b)
{
	return b->count;
}

int blocklist_reap(struct blocklist *b, size_t *reaped)
{
	int r = sweep(b, true, reaped);

	arm(b);
	return r;
}

int blocklist_flush(struct blocklist *b, size_t *flushed)
{
	int r = sweep(b, false, flushed);

	arm(b);
	return r;
}

/* ---- single entries ---- */

static void to_entry(const struct prefix *p, const struct xdpd_block_entry *v,
		     struct blocklist_entry *e)
{
	e->prefix = *p;
	e->expires_ns = v->expires_ns;
	e->packets = v->packets;
	e->added_realtime_ns = v->added_realtime_ns;
	memcpy(e->comment, v->comment, sizeof(e->comment));
	e->comment[sizeof(e->comment) - 1] = '\0';
}

int blocklist_add(struct blocklist *b, const struct prefix *p, uint64_t ttl_sec,
		  const char *comment, struct blocklist_entry *out)
{
	struct xdpd_block_entry v = {0}, old;
	struct bl_key k;
	int fd = map_for(b, p, &k);
	int r;

	if (ttl_sec)
		v.expires_ns = blocklist_now_ns() + ttl_sec * 1000000000ULL;
	v.added_realtime_ns = realtime_ns();
	if (comment)
		strncpy(v.comment, comment, sizeof(v.comment) - 1);
	r = bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST);
	if (r == -EEXIST) {
		/* the trie holds exactly this prefix, so the lookup returns it */
		if (bpf_map_lookup_elem(fd, &k, &old) == 0)
			v.packets = old.packets;
		r = bpf_map_update_elem(fd, &k, &v, BPF_ANY);
	} else if (r == 0) {
		b->count++;
	}
	if (r < 0)
		return r;
	if (v.expires_ns && (!b->next_expiry_ns || v.expires_ns < b->next_expiry_ns)) {
		b->next_expiry_ns = v.expires_ns;
		arm(b);
	}
	if (out)
		to_entry(p, &v, out);
	return 0;
}

int blocklist_delete(struct blocklist *b, const struct prefix *p)
{
	struct bl_key k;
	int fd = map_for(b, p, &k);
	int r = bpf_map_delete_elem(fd, &k);

	if (r == 0 && b->count)
		b->count--;
	return r;
}

struct foreach_ctx {
	blocklist_cb cb;
	void *ctx;
	uint64_t now;
};

static int foreach_one(int map, const struct bl_key *k, const struct xdpd_block_entry *v, void *ctx)
{
	struct foreach_ctx *c = ctx;
	struct blocklist_entry e;
	struct prefix p = {0};

	if (expired(v, c->now))
		return 0;
	p.family = map == BL_V4 ? AF_INET : AF_INET6;
	p.len = (uint8_t)k->prefixlen;
	memcpy(p.addr, k->addr, map == BL_V4 ? 4 : 16);
	to_entry(&p, v, &e);
	return c->cb(&e, c->ctx);
}

int blocklist_foreach(struct blocklist *b, blocklist_cb cb, void *ctx)
{
	struct foreach_ctx c = {.cb = cb, .ctx = ctx, .now = blocklist_now_ns()};
	int r = 0;

	for (int map = 0; map < BL_NMAPS && !r; map++)
		r = walk(b, map, foreach_one, &c);
	return r;
}
