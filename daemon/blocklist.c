// SPDX-License-Identifier: GPL-2.0-or-later
/* The dynamic blocklist over the pinned LPM maps (see blocklist.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "blocklist.h"
#include "blocklist_fast_hook.h"

enum { BL_V4, BL_V6, BL_NMAPS };

struct blocklist {
	sd_event_source *timer; /* NULL without an event loop */
	sd_event_source *fold;	/* folds the index's in-entry hit counters */
	int fd[BL_NMAPS];
	struct bl_index idx; /* every key in the maps, with its expiry */
	struct blf *fast;    /* the datapath's lookup index; NULL: none (xh13) */
};

/* Expiry timers need no finer grain than this. */
#define REAP_ACCURACY_USEC (100 * 1000ULL)
/* Deletions per timer event: a mass expiry is spread over loop turns. */
#define REAP_BATCH 1024
/* The IPv4 index counts hits in 32-bit counters in its /24 entries
 * (blocklist_abi.h): 2^19 entries a second sweeps all 2^24 in 32 s, before
 * even 100 Mpps on one /24 (43 s) could wrap one; a few ms a second. */
#define FOLD_PERIOD_USEC (1000 * 1000ULL)
#define FOLD_BATCH	 (1u << 19)

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

static uint32_t map_for(const struct prefix *p, struct bl_key *k)
{
	memset(k, 0, sizeof(*k));
	k->prefixlen = p->len;
	memcpy(k->addr, p->addr, p->family == AF_INET ? 4 : 16);
	return p->family == AF_INET ? BL_V4 : BL_V6;
}

/* ---- the index, built once from the maps ---- */

/* Every entry of one map into the index. Only at open: a walk costs two
 * syscalls per entry. */
static int index_map(struct blocklist *b, uint32_t map)
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
		r = bl_index_put(&b->idx, map, &key, v.expires_ns);
		if (r < 0)
			return r;
	}
}

/* ---- expiry ---- */

static void arm(struct blocklist *b, uint64_t at_ns)
{
	if (!b->timer)
		return;
	if (!at_ns) {
		sd_event_source_set_enabled(b->timer, SD_EVENT_OFF);
		return;
	}
	/* round up: firing early would find nothing to reap */
	sd_event_source_set_time(b->timer, (at_ns + 999) / 1000);
	sd_event_source_set_enabled(b->timer, SD_EVENT_ONESHOT);
}

/* Delete up to max expired entries: 1 when more are due, 0 when done. */
static int reap_some(struct blocklist *b, size_t max, size_t *reaped)
{
	uint64_t now = blocklist_now_ns();
	struct bl_heap_item it;
	int r;

	for (size_t i = 0; i < max; i++) {
		if (!bl_index_pop_expired(&b->idx, now, &it))
			return 0;
		r = bpf_map_delete_elem(b->fd[it.map], &it.key);
		if (r < 0 && r != -ENOENT) {
			/* keep it: the next timer tries again */
			bl_index_put(&b->idx, it.map, &it.key, it.expires_ns);
			return r;
		}
		bl_index_del(&b->idx, it.map, &it.key);
		blf_hook_del(b->fast, it.map, &it.key);
		if (reaped)
			++*reaped;
	}
	return 1;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct blocklist *b = userdata;
	int r = reap_some(b, REAP_BATCH, NULL);

	if (r > 0) /* more due: go on at the next loop turn, after other events */
		arm(b, blocklist_now_ns());
	else if (r < 0) /* a failed delete: retry in a second */
		arm(b, blocklist_now_ns() + 1000000000ULL);
	else
		arm(b, bl_index_next_expiry(&b->idx));
	return 0;
}

static int on_fold(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct blocklist *b = userdata;

	if (b->fast)
		blf_fold(b->fast, FOLD_BATCH);
	sd_event_source_set_time(s, usec + FOLD_PERIOD_USEC);
	return 0;
}

/* The expiry timer (off until armed) and the fold timer (every period). */
static int add_timers(sd_event *ev, struct blocklist *b)
{
	int r = sd_event_add_time(ev, &b->timer, CLOCK_MONOTONIC, 0, REAP_ACCURACY_USEC,
				  on_timer, b);

	if (r < 0)
		return r;
	sd_event_source_set_enabled(b->timer, SD_EVENT_OFF);
	sd_event_source_set_description(b->timer, "blocklist-expiry");
	r = sd_event_add_time_relative(ev, &b->fold, CLOCK_MONOTONIC, FOLD_PERIOD_USEC,
				       FOLD_PERIOD_USEC / 10, on_fold, b);
	if (r < 0)
		return r;
	sd_event_source_set_enabled(b->fold, SD_EVENT_ON);
	sd_event_source_set_description(b->fold, "blocklist-fold");
	return 0;
}

/* The blocklist's own references: the caller's fds come from the datapath's
 * map table, which closes and reopens its fds at every reload, and an fd
 * number kept across that may name another map by then. */
static int take_fds(struct blocklist *b, int fd4, int fd6)
{
	b->fd[BL_V4] = fcntl(fd4, F_DUPFD_CLOEXEC, 3);
	b->fd[BL_V6] = fcntl(fd6, F_DUPFD_CLOEXEC, 3);
	return b->fd[BL_V4] < 0 || b->fd[BL_V6] < 0 ? -errno : 0;
}

int blocklist_open(sd_event *ev, int fd4, int fd6, struct blocklist **out)
{
	struct blocklist *b = calloc(1, sizeof(*b));
	int r;

	if (!b)
		return -ENOMEM;
	bl_index_init(&b->idx);
	r = take_fds(b, fd4, fd6);
	if (r == 0 && ev)
		r = add_timers(ev, b);
	if (r == 0)
		r = index_map(b, BL_V4);
	if (r == 0)
		r = index_map(b, BL_V6);
	if (r < 0) {
		blocklist_free(b);
		return r;
	}
	arm(b, bl_index_next_expiry(&b->idx));
	*out = b;
	return 0;
}

void blocklist_free(struct blocklist *b)
{
	if (!b)
		return;
	sd_event_source_disable_unref(b->timer);
	sd_event_source_disable_unref(b->fold);
	bl_index_free(&b->idx);
	blf_free(b->fast);
	for (int i = 0; i < BL_NMAPS; i++)
		if (b->fd[i] > 0)
			close(b->fd[i]);
	free(b);
}

size_t blocklist_count(const struct blocklist *b)
{
	return b->idx.n;
}

int blocklist_reap(struct blocklist *b, size_t *reaped)
{
	int r;

	if (reaped)
		*reaped = 0;
	while ((r = reap_some(b, REAP_BATCH, reaped)) > 0)
		;
	arm(b, bl_index_next_expiry(&b->idx));
	return r;
}

/* Delete every entry. The index goes with them; an entry the kernel would
 * not delete stays in both. */
int blocklist_flush(struct blocklist *b, size_t *flushed)
{
	size_t n = 0;
	int r = 0;

	for (size_t i = b->idx.n; i-- > 0;) {
		struct bl_item it = b->idx.v[i];
		int e = bpf_map_delete_elem(b->fd[it.map], &it.key);

		if (e < 0 && e != -ENOENT) {
			r = r ? r : e;
			continue;
		}
		bl_index_del(&b->idx, it.map, &it.key);
		blf_hook_del(b->fast, it.map, &it.key);
		if (e == 0)
			n++;
	}
	if (flushed)
		*flushed = n;
	arm(b, bl_index_next_expiry(&b->idx));
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

/* The entry as the maps hold it now. */
static int lookup(struct blocklist *b, uint32_t map, const struct bl_key *k,
		  struct xdpd_block_entry *v)
{
	return bpf_map_lookup_elem(b->fd[map], k, v);
}

int blocklist_add(struct blocklist *b, const struct prefix *p, uint64_t ttl_sec,
		  const char *comment, struct blocklist_entry *out)
{
	struct xdpd_block_entry v = {0}, old;
	struct bl_key k;
	uint32_t map = map_for(p, &k);
	bool existed = false;
	int r;

	if (ttl_sec)
		v.expires_ns = blocklist_now_ns() + ttl_sec * 1000000000ULL;
	v.added_realtime_ns = realtime_ns();
	if (comment)
		strncpy(v.comment, comment, sizeof(v.comment) - 1);
	r = bpf_map_update_elem(b->fd[map], &k, &v, BPF_NOEXIST);
	if (r == -EEXIST) {
		/* the trie holds exactly this prefix, so the lookup returns it */
		existed = lookup(b, map, &k, &old) == 0;
		if (existed)
			v.packets = old.packets;
		r = bpf_map_update_elem(b->fd[map], &k, &v, BPF_ANY);
	}
	if (r < 0)
		return r;
	r = bl_index_put(&b->idx, map, &k, v.expires_ns);
	/* a new prefix may not fit the lookup index: then it is not added */
	if (r == 0 && (r = blf_hook_put(b->fast, map, &k, v.expires_ns)) < 0 && !existed)
		bl_index_del(&b->idx, map, &k);
	if (r < 0) { /* out of memory: undo, the index must stay exact */
		if (existed)
			bpf_map_update_elem(b->fd[map], &k, &old, BPF_ANY);
		else
			bpf_map_delete_elem(b->fd[map], &k);
		return r;
	}
	if (v.expires_ns && v.expires_ns <= bl_index_next_expiry(&b->idx))
		arm(b, v.expires_ns);
	if (out) {
		to_entry(p, &v, out);
		out->packets = blf_hook_packets(b->fast, map, &k, v.packets);
	}
	return 0;
}

int blocklist_delete(struct blocklist *b, const struct prefix *p)
{
	struct bl_key k;
	uint32_t map = map_for(p, &k);
	int r = bpf_map_delete_elem(b->fd[map], &k);

	if (r == 0 || r == -ENOENT) {
		bl_index_del(&b->idx, map, &k);
		blf_hook_del(b->fast, map, &k);
	}
	return r;
}

int blocklist_delete_item(struct blocklist *b, const struct bl_item *it)
{
	int r = bpf_map_delete_elem(b->fd[it->map], &it->key);

	if (r == 0 || r == -ENOENT) {
		bl_index_del(&b->idx, it->map, &it->key);
		blf_hook_del(b->fast, it->map, &it->key);
	}
	return r;
}

int blocklist_snapshot(const struct blocklist *b, struct bl_item **items, size_t *n)
{
	*items = NULL;
	*n = b->idx.n;
	if (!*n)
		return 0;
	*items = malloc(*n * sizeof(**items));
	if (!*items)
		return -ENOMEM;
	memcpy(*items, b->idx.v, *n * sizeof(**items));
	return 0;
}

int blocklist_get(struct blocklist *b, const struct bl_item *it, uint64_t now,
		  struct blocklist_entry *e)
{
	struct xdpd_block_entry v;
	struct prefix p = {0};
	int r = lookup(b, it->map, &it->key, &v);

	if (r < 0)
		return r;
	if (expired(&v, now))
		return -ENOENT;
	p.family = it->map == BL_V4 ? AF_INET : AF_INET6;
	p.len = (uint8_t)it->key.prefixlen;
	memcpy(p.addr, it->key.addr, it->map == BL_V4 ? 4 : 16);
	to_entry(&p, &v, e);
	e->packets = blf_hook_packets(b->fast, it->map, &it->key, v.packets);
	return 0;
}

int blocklist_set_fast(struct blocklist *b, struct blf *f)
{
	blf_free(b->fast);
	b->fast = f;
	return blf_hook_reconcile(f, &b->idx);
}

int blocklist_foreach(struct blocklist *b, blocklist_cb cb, void *ctx)
{
	uint64_t now = blocklist_now_ns();
	struct blocklist_entry e;

	for (size_t i = 0; i < b->idx.n; i++) {
		int r = blocklist_get(b, &b->idx.v[i], now, &e);

		if (r == -ENOENT)
			continue;
		if (r == 0)
			r = cb(&e, ctx);
		if (r)
			return r;
	}
	return 0;
}
