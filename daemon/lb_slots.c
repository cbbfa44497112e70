// SPDX-License-Identifier: GPL-2.0-or-later
/* Stable balancer and backend slots: see lb_slots.h. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <bpf/bpf.h>

#include "lb_slots.h"

/* One table per kind: key bytes -> slot, a bitmap of the slots in use. */
struct slot_map {
	size_t key_size, cap, n;
	uint8_t *keys;	 /* n * key_size */
	uint32_t *slots; /* n */
	uint8_t *used;	 /* cap / 8 */
};

struct lb_slots {
	struct slot_map lbs, bks;
};

static int map_init(struct slot_map *m, size_t key_size, size_t cap)
{
	*m = (struct slot_map){.key_size = key_size, .cap = cap};
	m->used = calloc(cap / 8, 1);
	return m->used ? 0 : -ENOMEM;
}

static void map_free(struct slot_map *m)
{
	free(m->keys);
	free(m->slots);
	free(m->used);
}

int lb_slots_new(struct lb_slots **out)
{
	struct lb_slots *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s || map_init(&s->lbs, XDPD_NAME_MAX, XDPD_MAX_LBS) ||
	    map_init(&s->bks, sizeof(struct xdpd_lb_bk_key), XDPD_MAX_BACKENDS)) {
		lb_slots_free(s);
		return -ENOMEM;
	}
	*out = s;
	return 0;
}

void lb_slots_free(struct lb_slots *s)
{
	if (!s)
		return;
	map_free(&s->lbs);
	map_free(&s->bks);
	free(s);
}

static int find(const struct slot_map *m, const void *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (!memcmp(m->keys + i * m->key_size, key, m->key_size))
			return (int)m->slots[i];
	return -ENOENT;
}

static bool is_used(const struct slot_map *m, uint32_t slot)
{
	return m->used[slot / 8] & (1u << (slot % 8));
}

static int add(struct slot_map *m, const void *key, uint32_t slot)
{
	uint8_t *k = realloc(m->keys, (m->n + 1) * m->key_size);
	uint32_t *s;

	if (!k)
		return -ENOMEM;
	m->keys = k;
	s = realloc(m->slots, (m->n + 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	m->slots = s;
	memcpy(m->keys + m->n * m->key_size, key, m->key_size);
	m->slots[m->n++] = slot;
	m->used[slot / 8] |= (uint8_t)(1u << (slot % 8));
	return 0;
}

static int get(struct slot_map *m, const void *key, bool *fresh)
{
	int slot = find(m, key);

	*fresh = false;
	if (slot >= 0)
		return slot;
	for (uint32_t i = 0; i < m->cap; i++) {
		if (is_used(m, i))
			continue;
		slot = add(m, key, i);
		*fresh = slot == 0;
		return slot < 0 ? slot : (int)i;
	}
	return -ENOSPC;
}

static void load(struct slot_map *m, int fd)
{
	uint8_t key[sizeof(struct xdpd_lb_bk_key) + XDPD_NAME_MAX], next[sizeof(key)];
	void *prev = NULL;
	uint32_t slot;

	if (fd < 0)
		return;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		if (bpf_map_lookup_elem(fd, next, &slot) == 0 && slot < m->cap &&
		    !is_used(m, slot) && find(m, next) < 0)
			add(m, next, slot);
		memcpy(key, next, m->key_size);
		prev = key;
	}
}

void lb_slots_load(struct lb_slots *s, int lb_fd, int bk_fd)
{
	load(&s->lbs, lb_fd);
	load(&s->bks, bk_fd);
}

void lb_bk_key(const char *lb, const struct ip_addr *addr, struct xdpd_lb_bk_key *k)
{
	memset(k, 0, sizeof(*k));
	strncpy(k->lb, lb, sizeof(k->lb) - 1);
	k->family = addr->family == AF_INET ? 4 : 6;
	memcpy(k->addr, addr->addr, addr->family == AF_INET ? 4 : 16);
}

int lb_slots_lb(struct lb_slots *s, const char *name, bool *fresh)
{
	char key[XDPD_NAME_MAX] = "";

	strncpy(key, name, sizeof(key) - 1);
	return get(&s->lbs, key, fresh);
}

int lb_slots_backend(struct lb_slots *s, const struct xdpd_lb_bk_key *k, bool *fresh)
{
	return get(&s->bks, k, fresh);
}

int lb_slots_find_backend(const struct lb_slots *s, const struct xdpd_lb_bk_key *k)
{
	return find(&s->bks, k);
}

static bool lb_named(const struct policy *p, const uint8_t *key)
{
	for (size_t i = 0; i < p->n_lbs; i++)
		if (!strncmp(p->lbs[i].name, (const char *)key, XDPD_NAME_MAX))
			return true;
	return false;
}

static bool backend_named(const struct policy *p, const uint8_t *key)
{
	struct xdpd_lb_bk_key k;

	for (size_t i = 0; i < p->n_lbs; i++)
		for (size_t j = 0; j < p->lbs[i].n_backends; j++) {
			lb_bk_key(p->lbs[i].name, &p->lbs[i].backends[j].addr, &k);
			if (!memcmp(&k, key, sizeof(k)))
				return true;
		}
	return false;
}

static void forget_unnamed(struct slot_map *m, const struct policy *p,
			   bool (*named)(const struct policy *, const uint8_t *))
{
	size_t w = 0;

	for (size_t i = 0; i < m->n; i++) {
		const uint8_t *k = m->keys + i * m->key_size;

		if (!named(p, k)) {
			m->used[m->slots[i] / 8] &= (uint8_t) ~(1u << (m->slots[i] % 8));
			continue;
		}
		memmove(m->keys + w * m->key_size, k, m->key_size);
		m->slots[w++] = m->slots[i];
	}
	m->n = w;
}

static int sync_map(const struct slot_map *m, int fd)
{
	uint8_t key[sizeof(struct xdpd_lb_bk_key) + XDPD_NAME_MAX], next[sizeof(key)];
	bool more = bpf_map_get_next_key(fd, NULL, next) == 0;

	/* delete what s forgot (restart the walk after each delete) */
	while (more) {
		memcpy(key, next, m->key_size);
		more = bpf_map_get_next_key(fd, key, next) == 0;
		if (find(m, key) < 0)
			bpf_map_delete_elem(fd, key);
	}
	for (size_t i = 0; i < m->n; i++)
		if (bpf_map_update_elem(fd, m->keys + i * m->key_size, &m->slots[i], BPF_ANY))
			return -errno;
	return 0;
}

int lb_slots_commit(struct lb_slots *s, const struct policy *p, int lb_fd, int bk_fd)
{
	int r = 0;

	forget_unnamed(&s->lbs, p, lb_named);
	forget_unnamed(&s->bks, p, backend_named);
	if (lb_fd >= 0)
		r = sync_map(&s->lbs, lb_fd);
	if (r == 0 && bk_fd >= 0)
		r = sync_map(&s->bks, bk_fd);
	return r;
}
