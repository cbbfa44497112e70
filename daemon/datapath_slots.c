// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Stable counter slots: a rule or interface keeps its slot (and so its
 * counters) for as long as its name stays in the policy. The tables live in
 * the pinned rule_slots / iface_slots maps so they survive restarts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "datapath_internal.h"

/* Names are found through an open-addressing index (2 * cap buckets holding
 * slot + 1) so planning 10,000 rules stays linear. */
static uint32_t name_hash(const char *name, uint32_t key_size)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < key_size && name[i]; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

int slot_table_init(struct slot_table *t, uint32_t cap, uint32_t key_size)
{
	*t = (struct slot_table){.cap = cap, .key_size = key_size};
	t->names = calloc(cap, key_size);
	t->index = calloc(2 * (size_t)cap, sizeof(*t->index));
	if (t->names && t->index)
		return 0;
	slot_table_free(t);
	return -ENOMEM;
}

void slot_table_free(struct slot_table *t)
{
	free(t->names);
	free(t->index);
	t->names = NULL;
	t->index = NULL;
}

int slot_table_copy(struct slot_table *dst, const struct slot_table *src)
{
	int r = slot_table_init(dst, src->cap, src->key_size);

	if (r == 0) {
		memcpy(dst->names, src->names, (size_t)src->cap * src->key_size);
		memcpy(dst->index, src->index, 2 * (size_t)src->cap * sizeof(*src->index));
	}
	return r;
}

static char *slot_name(const struct slot_table *t, uint32_t slot)
{
	return t->names + (size_t)slot * t->key_size;
}

int slot_table_find(const struct slot_table *t, const char *name)
{
	uint32_t nb = 2 * t->cap, b = name_hash(name, t->key_size) % nb;

	for (; t->index[b]; b = (b + 1) % nb)
		if (!strncmp(slot_name(t, t->index[b] - 1), name, t->key_size - 1))
			return (int)(t->index[b] - 1);
	return -ENOENT;
}

/* Give slot to name; the slot must be free and the name absent. */
static void slot_table_set(struct slot_table *t, uint32_t slot, const char *name)
{
	uint32_t nb = 2 * t->cap, b = name_hash(name, t->key_size) % nb;

	snprintf(slot_name(t, slot), t->key_size, "%s", name);
	while (t->index[b])
		b = (b + 1) % nb;
	t->index[b] = slot + 1;
}

/* Entries whose slot is out of range are ignored: they can only come from a
 * damaged map and would otherwise index past the counters. */
int slot_table_load(struct slot_table *t, int map_fd)
{
	char key[XDPD_NAME_MAX], next[XDPD_NAME_MAX];
	void *prev = NULL;
	uint32_t slot;

	while (bpf_map_get_next_key(map_fd, prev, next) == 0) {
		next[t->key_size - 1] = '\0';
		if (bpf_map_lookup_elem(map_fd, next, &slot) == 0 && slot < t->cap &&
		    !slot_name(t, slot)[0] && next[0] && slot_table_find(t, next) < 0)
			slot_table_set(t, slot, next);
		memcpy(key, next, t->key_size);
		prev = key;
	}
	return 0;
}

/* A slot free in cur and not yet taken in next: a slot the running
 * generation does not count into, so zeroing it is invisible. */
static int slot_alloc(const struct slot_table *cur, struct slot_table *next, const char *name)
{
	for (; next->hint < next->cap; next->hint++) {
		uint32_t i = next->hint;

		if (slot_name(cur, i)[0] || slot_name(next, i)[0])
			continue;
		slot_table_set(next, i, name);
		return (int)i;
	}
	return -ENOSPC;
}

static int plan_one(const struct slot_table *cur, struct slot_table *next, const char *name,
		    const char *what, char *err, size_t errlen)
{
	int slot = slot_table_find(cur, name);

	if (slot_table_find(next, name) >= 0)
		return 0;
	if (slot >= 0) {
		slot_table_set(next, (uint32_t)slot, name);
		return 0;
	}
	slot = slot_alloc(cur, next, name);
	if (slot < 0)
		snprintf(err, errlen, "%s '%s': no free counter slot (at most %u)", what, name,
			 next->cap);
	return slot < 0 ? slot : 0;
}

int dp_slots_plan(const struct datapath *dp, const struct policy *p, struct slot_table *rules,
		  struct slot_table *ifaces, char *err, size_t errlen)
{
	int r;

	r = slot_table_init(rules, dp->rule_slots.cap, dp->rule_slots.key_size);
	if (r == 0)
		r = slot_table_init(ifaces, dp->iface_slots.cap, dp->iface_slots.key_size);
	if (r < 0) {
		snprintf(err, errlen, "slot tables: %s", strerror(-r));
		return r;
	}
	for (size_t i = 0; i < p->n_rules && r == 0; i++)
		r = plan_one(&dp->rule_slots, rules, p->rules[i].name, "rule", err, errlen);
	for (size_t i = 0; i < p->n_ifaces && r == 0; i++)
		r = plan_one(&dp->iface_slots, ifaces, p->ifaces[i].name, "interface", err, errlen);
	return r;
}

static int zero_range(int fd, uint32_t first, uint32_t n, const char *map, char *err, size_t errlen)
{
	for (uint32_t k = first; k < first + n; k++) {
		int r = dp_map_zero_elem(fd, k);

		if (r < 0) {
			snprintf(err, errlen, "map '%s': cannot reset slot %u: %s", map, k,
				 strerror(-r));
			return r;
		}
	}
	return 0;
}

static int zero_new(const struct datapath *dp, const struct slot_table *cur,
		    const struct slot_table *next, const char *const *maps, uint32_t per_slot,
		    char *err, size_t errlen)
{
	for (uint32_t i = 0; i < next->cap; i++) {
		if (!slot_name(next, i)[0] || !strcmp(slot_name(cur, i), slot_name(next, i)))
			continue;
		for (const char *const *m = maps; *m; m++) {
			int fd = datapath_map_fd(dp, *m);
			int r;

			if (fd < 0)
				continue;
			r = zero_range(fd, i * per_slot, per_slot, *m, err, errlen);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

int dp_slots_zero_new(const struct datapath *dp, const struct slot_table *rules,
		      const struct slot_table *ifaces, char *err, size_t errlen)
{
	static const char *const rule_maps[] = {"stats_rule", "rl_rule", NULL};
	static const char *const iface_maps[] = {"stats_iface", NULL};
	int r;

	r = zero_new(dp, &dp->rule_slots, rules, rule_maps, 1, err, errlen);
	if (r == 0)
		r = zero_new(dp, &dp->iface_slots, ifaces, iface_maps, XDPD_NACT, err, errlen);
	return r;
}

static int commit_table(int fd, const struct slot_table *cur, const struct slot_table *next,
			const char *map, char *err, size_t errlen)
{
	char key[XDPD_NAME_MAX];

	for (uint32_t i = 0; i < next->cap; i++) {
		const char *old = slot_name(cur, i), *new = slot_name(next, i);

		if (!strcmp(old, new))
			continue;
		if (old[0]) {
			memset(key, 0, sizeof(key));
			memcpy(key, old, strnlen(old, next->key_size));
			bpf_map_delete_elem(fd, key);
		}
		if (new[0]) {
			memset(key, 0, sizeof(key));
			memcpy(key, new, strnlen(new, next->key_size));
			if (bpf_map_update_elem(fd, key, &i, BPF_ANY) < 0) {
				int r = -errno;

				snprintf(err, errlen, "map '%s': cannot record slot of '%s': %s",
					 map, new, strerror(errno));
				return r;
			}
		}
	}
	return 0;
}

int dp_slots_commit(struct datapath *dp, struct slot_table *rules, struct slot_table *ifaces,
		    char *err, size_t errlen)
{
	int rfd = datapath_map_fd(dp, "rule_slots"), ifd = datapath_map_fd(dp, "iface_slots");
	int r;

	if (rfd < 0 || ifd < 0) {
		snprintf(err, errlen, "slot maps rule_slots/iface_slots are not pinned");
		return -ENOENT;
	}
	r = commit_table(rfd, &dp->rule_slots, rules, "rule_slots", err, errlen);
	if (r == 0)
		r = commit_table(ifd, &dp->iface_slots, ifaces, "iface_slots", err, errlen);
	/* The running generation was compiled with next: dp now describes it. */
	slot_table_free(&dp->rule_slots);
	slot_table_free(&dp->iface_slots);
	dp->rule_slots = *rules;
	dp->iface_slots = *ifaces;
	*rules = (struct slot_table){0};
	*ifaces = (struct slot_table){0};
	return r;
}
