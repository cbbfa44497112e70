/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdp-filter's maps, written with the equivalent of a generated policy.
 * Layout (xdp-tools xdp-filter/common_kern_user.h): per-CPU u64 flag words;
 * filter_ports is indexed by the port in network byte order, filter_ipv4 and
 * filter_ipv6 are hashes of exact addresses (10,000 entries each).
 * xdp-filter has no prefixes, ranges or ICMP types: a prefix becomes its
 * address, a range its ports, an ICMP rule nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"

#define XF_SRC	    (1u << 0)
#define XF_DST	    (1u << 1)
#define XF_TCP	    (1u << 2)
#define XF_UDP	    (1u << 3)
#define XF_ADDR_MAX 10000

struct xf_maps {
	int ports, ip4, ip6;
	int ncpus;
	uint64_t *pcpu; /* one value per possible CPU */
};

static int map_by_name(int prog_fd, const char *name)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info), ids[64], i, n;

	info.nr_map_ids = 64;
	info.map_ids = (uint64_t)(unsigned long)ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	n = info.nr_map_ids < 64 ? info.nr_map_ids : 64;
	for (i = 0; i < n; i++) {
		struct bpf_map_info mi = {};
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) && !strcmp(mi.name, name))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

static int xf_open(const char *ifname, struct xf_maps *m)
{
	int ifindex = (int)if_nametoindex(ifname), prog_fd;
	uint32_t id = 0;

	if (!ifindex)
		return -ENODEV;
	if (bpf_xdp_query_id(ifindex, 0, &id) || !id)
		return -ENOENT;
	prog_fd = bpf_prog_get_fd_by_id(id);
	if (prog_fd < 0)
		return -errno;
	m->ports = map_by_name(prog_fd, "filter_ports");
	m->ip4 = map_by_name(prog_fd, "filter_ipv4");
	m->ip6 = map_by_name(prog_fd, "filter_ipv6");
	close(prog_fd);
	m->ncpus = libbpf_num_possible_cpus();
	m->pcpu = m->ncpus > 0 ? calloc((size_t)m->ncpus, sizeof(uint64_t)) : NULL;
	if (m->ports < 0 || m->ip4 < 0 || m->ip6 < 0 || !m->pcpu)
		return m->pcpu ? -ENOENT : -ENOMEM;
	return 0;
}

static void xf_close(struct xf_maps *m)
{
	if (m->ports >= 0)
		close(m->ports);
	if (m->ip4 >= 0)
		close(m->ip4);
	if (m->ip6 >= 0)
		close(m->ip6);
	free(m->pcpu);
}

static int xf_or(int fd, const void *key, uint64_t flags, struct xf_maps *m)
{
	uint64_t old = 0;
	int c;

	if (!bpf_map_lookup_elem(fd, key, m->pcpu))
		old = m->pcpu[0];
	for (c = 0; c < m->ncpus; c++)
		m->pcpu[c] = old | flags;
	return bpf_map_update_elem(fd, key, m->pcpu, BPF_ANY) ? -errno : 0;
}

static int xf_clear(struct xf_maps *m)
{
	uint8_t next[16];
	int fds[2] = {m->ip4, m->ip6};

	memset(m->pcpu, 0, sizeof(uint64_t) * (size_t)m->ncpus);
	for (uint32_t p = 0; p < 65536; p++)
		if (bpf_map_update_elem(m->ports, &p, m->pcpu, BPF_ANY))
			return -errno;
	for (int i = 0; i < 2; i++)
		while (!bpf_map_get_next_key(fds[i], NULL, next))
			if (bpf_map_delete_elem(fds[i], next))
				return -errno;
	return 0;
}

static int xf_addr(struct xf_maps *m, int family, const uint8_t *a, uint64_t dir)
{
	return xf_or(family == 4 ? m->ip4 : m->ip6, a, dir, m);
}

static int xf_rule(struct xf_maps *m, const struct rule_view *r)
{
	uint64_t l4 = r->proto == IPPROTO_TCP ? XF_TCP : r->proto == IPPROTO_UDP ? XF_UDP : 0;
	int err = 0;

	if (r->src_len)
		err = xf_addr(m, r->family, r->src, XF_SRC);
	if (!err && r->dst_len)
		err = xf_addr(m, r->family, r->dst, XF_DST);
	for (uint32_t p = r->dport_lo; !err && l4 && p && p <= r->dport_hi; p++) {
		uint32_t key = htons((uint16_t)p);

		err = xf_or(m->ports, &key, XF_DST | l4, m);
	}
	return err;
}

static int xf_blocklist(struct xf_maps *m, unsigned int nbl)
{
	uint8_t a[16];
	uint32_t plen;
	int err = 0;

	for (unsigned int i = 0; i < nbl && i < XF_ADDR_MAX && !err; i++) {
		gen_block4(i, a, &plen);
		err = xf_addr(m, 4, a, XF_SRC);
		gen_block6(i, a, &plen);
		if (!err)
			err = xf_addr(m, 6, a, XF_SRC);
	}
	return err;
}

int fill_xdpfilter(const char *ifname, unsigned int n, unsigned int nbl)
{
	struct xf_maps m = {.ports = -1, .ip4 = -1, .ip6 = -1};
	struct rule_view r;
	int err = xf_open(ifname, &m);

	if (!err)
		err = xf_clear(&m);
	if (!err && nbl)
		err = xf_blocklist(&m, nbl);
	for (unsigned int i = 0; i < n && !err && !nbl; i++) {
		gen_rule(i, n, 0, &r);
		err = xf_rule(&m, &r);
	}
	if (err)
		fprintf(stderr, "xdpd-bench: xdp-filter maps on %s: %s\n", ifname, strerror(-err));
	else
		fprintf(stderr, "xdpd-bench: xdp-filter on %s: %s %u\n", ifname,
			nbl ? "blocklist addresses" : "rules",
			nbl ? (nbl < XF_ADDR_MAX ? nbl : XF_ADDR_MAX) : n);
	xf_close(&m);
	return err;
}
