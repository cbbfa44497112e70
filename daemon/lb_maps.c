// SPDX-License-Identifier: GPL-2.0-or-later
/* The load balancers' policy maps: see lb_maps.h. */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lb_maps.h"
#include "xdpd.skel.h"

#define BATCH 8192u

static uint32_t at_least_one(uint64_t n)
{
	return n ? (uint32_t)n : 1;
}

int lb_maps_prepare(struct xdpd *skel, const struct compiled_lb *c, char *err, size_t errlen)
{
	struct {
		struct bpf_map *map;
		uint64_t n;
	} sizes[] = {
	    {skel->maps.lb_svc, c->cfg.n_lbs},
	    {skel->maps.lb_bk, 2ull * c->n_bk_slots},
	    {skel->maps.lb_maglev, 2ull * c->tbl_entries},
	    {skel->maps.lb_rr, 2ull * c->rr_entries},
	};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int r = bpf_map__set_max_entries(sizes[i].map, at_least_one(sizes[i].n));

		if (r) {
			snprintf(err, errlen, "map '%s': set max_entries %llu: %s",
				 bpf_map__name(sizes[i].map), (unsigned long long)sizes[i].n,
				 strerror(-r));
			return r;
		}
	}
	memcpy((void *)&skel->rodata->lb_cfg, &c->cfg, sizeof(c->cfg));
	return 0;
}

/* fd[base + i] = vals[i] for i < n: batches, else one by one. */
static int write_range(int fd, uint32_t base, const void *vals, size_t vsz, uint32_t n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
	uint32_t keys[BATCH];

	for (uint32_t done = 0; done < n;) {
		uint32_t cnt = n - done < BATCH ? n - done : BATCH, want = cnt;
		const char *v = (const char *)vals + (size_t)done * vsz;

		for (uint32_t i = 0; i < cnt; i++)
			keys[i] = base + done + i;
		if (bpf_map_update_batch(fd, keys, v, &cnt, &opts) == 0 && cnt == want) {
			done += want;
			continue;
		}
		for (uint32_t i = 0; i < want; i++)
			if (bpf_map_update_elem(fd, &keys[i], v + (size_t)i * vsz, BPF_ANY))
				return -errno;
		done += want;
	}
	return 0;
}

static int write_svc(int fd, const struct xdpd_lb_svc_key *k, const struct xdpd_lb_svc *v)
{
	return bpf_map_update_elem(fd, k, v, BPF_ANY) ? -errno : 0;
}

static int fill_fds(const struct lb_map_fds *f, const struct compiled_lb *c, char *err,
		    size_t errlen)
{
	int r = write_range(f->bk, 0, c->bk, sizeof(*c->bk), c->n_bk_slots);

	if (r == 0)
		r = write_range(f->maglev, 0, c->tbl, sizeof(*c->tbl), c->tbl_entries);
	if (r == 0)
		r = write_range(f->rr, 0, c->rr, sizeof(*c->rr), c->rr_entries);
	for (uint32_t i = 0; r == 0 && i < c->cfg.n_lbs; i++)
		r = write_svc(f->svc, &c->svc[i].key, &c->svc[i].val);
	if (r < 0)
		snprintf(err, errlen, "load balancer maps: update: %s", strerror(-r));
	return r;
}

int lb_maps_fill(struct xdpd *skel, const struct compiled_lb *c, char *err, size_t errlen)
{
	struct lb_map_fds f = {
	    .svc = bpf_map__fd(skel->maps.lb_svc),
	    .bk = bpf_map__fd(skel->maps.lb_bk),
	    .maglev = bpf_map__fd(skel->maps.lb_maglev),
	    .rr = bpf_map__fd(skel->maps.lb_rr),
	};

	if (!c || !c->cfg.n_lbs)
		return 0;
	return fill_fds(&f, c, err, errlen);
}

static uint32_t max_entries(int fd)
{
	struct bpf_map_info mi = {};
	uint32_t len = sizeof(mi);

	return bpf_obj_get_info_by_fd(fd, &mi, &len) ? 0 : mi.max_entries;
}

static bool same_layout(const struct lb_map_fds *f, const struct compiled_lb *c)
{
	return max_entries(f->bk) == at_least_one(2ull * c->n_bk_slots) &&
	       max_entries(f->maglev) == at_least_one(2ull * c->tbl_entries) &&
	       max_entries(f->rr) == at_least_one(2ull * c->rr_entries);
}

/* One balancer: its backends, table and list into the half not in use,
 * then the lb_svc value that points at them. */
static int switch_one(const struct lb_map_fds *f, const struct compiled_lb *c,
		      const struct compiled_svc *s)
{
	struct xdpd_lb_svc cur, next = s->val;
	uint32_t h;
	int r = 0;

	if (bpf_map_lookup_elem(f->svc, &s->key, &cur))
		return -errno;
	h = cur.half ? 0 : 1;
	for (uint32_t j = 0; j < s->bk_n && r == 0; j++) {
		uint32_t slot = c->bk_slot_list[s->bk_first + j];

		r = write_range(f->bk, h * c->n_bk_slots + slot, &c->bk[slot], sizeof(c->bk[0]), 1);
	}
	if (r == 0 && s->val.tbl_size)
		r = write_range(f->maglev, h * c->tbl_entries + s->val.tbl_off,
				c->tbl + s->val.tbl_off, sizeof(*c->tbl), s->val.tbl_size);
	if (r == 0)
		r = write_range(f->rr, h * c->rr_entries + s->val.rr_off, c->rr + s->val.rr_off,
				sizeof(*c->rr), s->bk_n);
	if (r < 0)
		return r;
	next.half = (uint8_t)h;
	next.bk_off = h * c->n_bk_slots;
	next.tbl_off += h * c->tbl_entries;
	next.rr_off += h * c->rr_entries;
	return write_svc(f->svc, &s->key, &next);
}

int lb_maps_switch(const struct lb_map_fds *f, const struct compiled_lb *c, char *err,
		   size_t errlen)
{
	if (!c->cfg.n_lbs)
		return 0;
	if (!same_layout(f, c)) {
		snprintf(err, errlen,
			 "load balancer maps of the running program do not match "
			 "its policy");
		return -ESTALE;
	}
	for (uint32_t i = 0; i < c->cfg.n_lbs; i++) {
		int r = switch_one(f, c, &c->svc[i]);

		if (r < 0) {
			snprintf(err, errlen, "load balancer %u: table update: %s", i,
				 strerror(-r));
			return r;
		}
	}
	return 0;
}
