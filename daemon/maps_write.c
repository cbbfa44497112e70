// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A compiled policy -> one program instance: sizes and rodata before load
 * (maps_prepare), contents after load (maps_fill).
 *
 * The big arrays (cls_words: nclasses x nwords, tens of MB at 10,000 rules;
 * cls_summary; cls_spec; cls_port: 4 x 65536) are made BPF_F_MMAPABLE here
 * and filled with one memcpy into the mapping: element-wise updates, even
 * batched, cost seconds at that size. Other arrays go in with
 * BPF_MAP_UPDATE_BATCH (one element at a time on kernels without batch
 * support), LPM tries and the interface hash one element at a time.
 */
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../bpf/xdpd_abi.h"
#include "lb_maps.h"
#include "maps_write.h"
#include "xdpd.skel.h"

#define BATCH_MAX 65536u /* elements per batch syscall */
#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's "no batch ops for this map type" */
#endif

/* fill_lpm() writes an entry as key bytes followed by the class id. */
_Static_assert(offsetof(struct cls_lpm4_entry, cls) == sizeof(struct xdpd_lpm4), "lpm4 entry");
_Static_assert(offsetof(struct cls_lpm6_entry, cls) == sizeof(struct xdpd_lpm6), "lpm6 entry");

/* Never 0: the kernel refuses empty maps, and the datapath reads nothing
 * from a map the config says is empty. */
static uint32_t at_least_one(size_t n)
{
	return n ? n : 1;
}

struct map_size {
	struct bpf_map *map;
	uint32_t entries;
	bool mmap; /* filled through a memory mapping */
};

/* iface_tab is indexed by ifindex: used up to this size, beyond it (an
 * interface created with a huge index) the hash iface_cfg serves. */
#define IFACE_TAB_MAX 65536

/* Entries of iface_tab (largest ifindex + 1), 0 when the hash serves. */
static uint32_t iface_tab_entries(const struct compiled_policy *c)
{
	uint32_t max = 0;

	for (size_t i = 0; i < c->n_ifaces; i++)
		if (c->ifaces[i].ifindex > max)
			max = c->ifaces[i].ifindex;
	return max < IFACE_TAB_MAX ? max + 1 : 0;
}

static size_t policy_map_sizes(struct xdpd *skel, const struct compiled_policy *c,
			       struct map_size *out)
{
	size_t nw = (size_t)c->nclasses * c->config.nwords;
	struct map_size v[] = {
	    {skel->maps.cls_words, at_least_one(nw), true},
	    {skel->maps.cls_summary, at_least_one((size_t)c->nclasses * c->config.nsum), true},
	    {skel->maps.cls_spec, at_least_one(c->nclasses), true},
	    {skel->maps.cls_proto, 256, false},
	    {skel->maps.cls_port, XDPD_PORT_TABLE_SIZE / XDPD_PORT_LINE, true},
	    {skel->maps.cls_icmp, XDPD_ICMP_TABLE_SIZE, false},
	    {skel->maps.cls_pfx4, c->config.pfx4_mask + 1, false},
	    {skel->maps.cls_pfx6, c->config.pfx6_mask + 1, false},
	    {skel->maps.cls_src4, at_least_one(c->n_src4), false},
	    {skel->maps.cls_dst4, at_least_one(c->n_dst4), false},
	    {skel->maps.cls_src6, at_least_one(c->n_src6), false},
	    {skel->maps.cls_dst6, at_least_one(c->n_dst6), false},
	    {skel->maps.iface_cfg, iface_tab_entries(c) ? 1 : at_least_one(c->n_ifaces), false},
	    {skel->maps.iface_tab, at_least_one(iface_tab_entries(c)), true},
	    {skel->maps.rule_info, at_least_one(c->config.nrules), false},
	};

	memcpy(out, v, sizeof(v));
	return sizeof(v) / sizeof(v[0]);
}

int maps_prepare(struct xdpd *skel, const struct compiled_policy *c, char *err, size_t errlen)
{
	struct map_size sizes[16];
	size_t n = policy_map_sizes(skel, c, sizes);

	for (size_t i = 0; i < n; i++) {
		struct bpf_map *m = sizes[i].map;
		int ret = bpf_map__set_max_entries(m, sizes[i].entries);

		if (!ret && sizes[i].mmap)
			ret = bpf_map__set_map_flags(m, bpf_map__map_flags(m) | BPF_F_MMAPABLE);
		if (ret) {
			snprintf(err, errlen, "map '%s': set size %u: %s", bpf_map__name(m),
				 sizes[i].entries, strerror(-ret));
			return ret;
		}
	}
	memcpy((void *)&skel->rodata->cfg, &c->config, sizeof(c->config));
	*(uint32_t *)&skel->rodata->iface_direct = iface_tab_entries(c) != 0;
	return c->lb ? lb_maps_prepare(skel, c->lb, err, errlen) : 0;
}

/* The object and the compiler must agree on entry layouts (bpf/maps.h vs
 * bpf/xdpd_abi.h); a mismatch would silently shift every entry. */
static int check_layout(const struct bpf_map *m, size_t ksz, size_t vsz, char *err, size_t errlen)
{
	if (bpf_map__key_size(m) == ksz && bpf_map__value_size(m) == vsz)
		return 0;
	snprintf(err, errlen, "map '%s': key/value size %u/%u, expected %zu/%zu", bpf_map__name(m),
		 bpf_map__key_size(m), bpf_map__value_size(m), ksz, vsz);
	return -EINVAL;
}

static int fill_one_by_one(int fd, const uint32_t *keys, const uint8_t *vals, size_t vsz,
			   uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (bpf_map_update_elem(fd, &keys[i], vals + (size_t)i * vsz, BPF_ANY))
			return -errno;
	return 0;
}

static int fill_chunk(int fd, const uint32_t *keys, const uint8_t *vals, size_t vsz, uint32_t n,
		      bool *batch_ok)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
	uint32_t done = 0;

	while (*batch_ok && done < n) {
		uint32_t count = n - done;
		int ret =
		    bpf_map_update_batch(fd, keys + done, vals + (size_t)done * vsz, &count, &opts);

		done += count;
		if (!ret)
			continue;
		if (ret != -EINVAL && ret != -ENOTSUPP && ret != -EOPNOTSUPP && ret != -ENOTSUP)
			return ret;
		*batch_ok = false; /* an older kernel: finish element by element */
	}
	return fill_one_by_one(fd, keys + done, vals + (size_t)done * vsz, vsz, n - done);
}

/* An mmapable array is its elements back to back, each rounded up to 8 bytes. */
static int fill_mmap(struct bpf_map *m, const void *vals, size_t vsz, size_t n)
{
	size_t stride = (vsz + 7) & ~(size_t)7, page = sysconf(_SC_PAGESIZE);
	size_t len = (stride * bpf_map__max_entries(m) + page - 1) / page * page;
	uint8_t *dst;

	if (n > bpf_map__max_entries(m))
		return -E2BIG;
	dst = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(m), 0);
	if (dst == MAP_FAILED)
		return -errno;
	if (stride == vsz)
		memcpy(dst, vals, n * vsz);
	else
		for (size_t i = 0; i < n; i++)
			memcpy(dst + i * stride, (const uint8_t *)vals + i * vsz, vsz);
	munmap(dst, len);
	return 0;
}

static int fill_batched(struct bpf_map *m, const void *vals, size_t vsz, size_t n)
{
	uint32_t chunk = n < BATCH_MAX ? n : BATCH_MAX;
	uint32_t *keys = malloc(chunk * sizeof(*keys));
	bool batch_ok = true;
	int ret = 0;

	if (!keys)
		return -ENOMEM;
	for (size_t base = 0; base < n && !ret; base += chunk) {
		uint32_t len = n - base < chunk ? n - base : chunk;

		for (uint32_t i = 0; i < len; i++)
			keys[i] = base + i;
		ret = fill_chunk(bpf_map__fd(m), keys, (const uint8_t *)vals + base * vsz, vsz, len,
				 &batch_ok);
	}
	free(keys);
	return ret;
}

/* Array map m[i] = vals[i] for i < n. */
static int fill_array(struct bpf_map *m, const void *vals, size_t vsz, size_t n, char *err,
		      size_t errlen)
{
	int ret = check_layout(m, sizeof(uint32_t), vsz, err, errlen);

	if (ret || !n)
		return ret;
	if (bpf_map__map_flags(m) & BPF_F_MMAPABLE)
		ret = fill_mmap(m, vals, vsz, n);
	else
		ret = fill_batched(m, vals, vsz, n);
	if (ret)
		snprintf(err, errlen, "map '%s': write %zu entries: %s", bpf_map__name(m), n,
			 strerror(-ret));
	return ret;
}

/* LPM tries have no batch update: one syscall per prefix. */
static int fill_lpm(struct bpf_map *m, const void *entries, size_t esz, size_t ksz, size_t n,
		    char *err, size_t errlen)
{
	int ret = check_layout(m, ksz, sizeof(uint32_t), err, errlen);

	for (size_t i = 0; i < n && !ret; i++) {
		const uint8_t *e = (const uint8_t *)entries + i * esz;

		if (bpf_map_update_elem(bpf_map__fd(m), e, e + ksz, BPF_ANY)) {
			ret = -errno;
			snprintf(err, errlen, "map '%s': update: %s", bpf_map__name(m),
				 strerror(errno));
		}
	}
	return ret;
}

static int fill_iface_tab(struct bpf_map *m, const struct compiled_policy *c, char *err,
			  size_t errlen)
{
	uint32_t n = iface_tab_entries(c);
	struct xdpd_iface_cfg *tab = calloc(n, sizeof(*tab));
	int ret;

	if (!tab) {
		snprintf(err, errlen, "map '%s': %s", bpf_map__name(m), strerror(ENOMEM));
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < n; i++)
		tab[i].slot = XDPD_IFACE_NONE;
	for (size_t i = 0; i < c->n_ifaces; i++)
		if (c->ifaces[i].ifindex) /* 0: absent now (datapath_reapply) */
			tab[c->ifaces[i].ifindex] = c->ifaces[i].cfg;
	ret = fill_array(m, tab, sizeof(*tab), n, err, errlen);
	free(tab);
	return ret;
}

static int fill_ifaces(struct xdpd *skel, const struct compiled_policy *c, char *err,
		       size_t errlen)
{
	struct bpf_map *m = skel->maps.iface_cfg;
	int ret;

	if (iface_tab_entries(c))
		return fill_iface_tab(skel->maps.iface_tab, c, err, errlen);
	ret = check_layout(m, sizeof(uint32_t), sizeof(struct xdpd_iface_cfg), err, errlen);

	for (size_t i = 0; i < c->n_ifaces && !ret; i++) {
		if (!c->ifaces[i].ifindex)
			continue;
		if (bpf_map_update_elem(bpf_map__fd(m), &c->ifaces[i].ifindex, &c->ifaces[i].cfg,
					BPF_ANY)) {
			ret = -errno;
			snprintf(err, errlen, "map '%s': ifindex %u: %s", bpf_map__name(m),
				 c->ifaces[i].ifindex, strerror(errno));
		}
	}
	return ret;
}

int maps_fill(struct xdpd *skel, const struct compiled_policy *c, char *err, size_t errlen)
{
	size_t nw = (size_t)c->nclasses * c->config.nwords;
	int ret;

	ret = fill_array(skel->maps.cls_words, c->words, sizeof(uint64_t), nw, err, errlen);
	if (!ret)
		ret = fill_array(skel->maps.cls_summary, c->summary, sizeof(*c->summary),
				 (size_t)c->nclasses * c->config.nsum, err, errlen);
	if (!ret)
		ret = fill_array(skel->maps.cls_spec, c->spec, sizeof(*c->spec), c->nclasses, err,
				 errlen);
	if (!ret)
		ret = fill_array(skel->maps.cls_proto, c->proto_cls, sizeof(uint32_t), 256, err,
				 errlen);
	if (!ret)
		ret = fill_array(skel->maps.cls_port, c->port_cls, sizeof(struct xdpd_port_line),
				 XDPD_PORT_TABLE_SIZE / XDPD_PORT_LINE, err, errlen);
	if (!ret)
		ret = fill_array(skel->maps.cls_icmp, c->icmp_cls, sizeof(uint32_t),
				 XDPD_ICMP_TABLE_SIZE, err, errlen);
	if (!ret)
		ret = fill_array(skel->maps.rule_info, c->rules, sizeof(struct xdpd_rule_info),
				 c->config.nrules, err, errlen);
	if (!ret)
		ret = fill_lpm(skel->maps.cls_src4, c->src4, sizeof(*c->src4),
			       sizeof(struct xdpd_lpm4), c->n_src4, err, errlen);
	if (!ret)
		ret = fill_lpm(skel->maps.cls_dst4, c->dst4, sizeof(*c->dst4),
			       sizeof(struct xdpd_lpm4), c->n_dst4, err, errlen);
	if (!ret)
		ret = fill_lpm(skel->maps.cls_src6, c->src6, sizeof(*c->src6),
			       sizeof(struct xdpd_lpm6), c->n_src6, err, errlen);
	if (!ret)
		ret = fill_lpm(skel->maps.cls_dst6, c->dst6, sizeof(*c->dst6),
			       sizeof(struct xdpd_lpm6), c->n_dst6, err, errlen);
	if (!ret)
		ret = fill_array(skel->maps.cls_pfx4, c->pfx4, sizeof(*c->pfx4),
				 c->config.pfx4_mask + 1, err, errlen);
	if (!ret)
		ret = fill_array(skel->maps.cls_pfx6, c->pfx6, sizeof(*c->pfx6),
				 c->config.pfx6_mask + 1, err, errlen);
	if (!ret)
		ret = fill_ifaces(skel, c, err, errlen);
	if (!ret)
		ret = lb_maps_fill(skel, c->lb, err, errlen);
	return ret;
}
