/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Policy -> contents of the datapath's policy maps. Pure code: no kernel.
 * The bit-vector classifier ("Linear Bit Vector Search", bpf-iptables): per
 * field, values map to equivalence classes; each class owns a bitmap of the
 * rules it satisfies. Layout and meaning: bpf/xdpd_abi.h (struct xdpd_config).
 */
#ifndef XDPD_COMPILE_H
#define XDPD_COMPILE_H

#include <stddef.h>
#include <stdint.h>

#include "../bpf/xdpd_abi.h"
#include "policy.h"

struct lb_view;
struct compiled_lb;

struct cls_lpm4_entry {
	struct xdpd_lpm4 key;
	uint32_t cls;
};
struct cls_lpm6_entry {
	struct xdpd_lpm6 key;
	uint32_t cls;
};

struct cls_pfx_entry {
	struct xdpd_pfx_key key;
	uint32_t cls;
};

/* Names -> stable slots, shared with the pinned "rule_slots"/"iface_slots"
 * maps by datapath.c. compile_policy() only reads it. */
struct slot_lookup {
	/* return the slot for name, or -ENOENT */
	int (*rule_slot)(void *ctx, const char *name);
	int (*iface_slot)(void *ctx, const char *ifname);
	void *ctx;
	/* Load balancers' slots and runtime state (compile_lb.h); NULL: policy
	 * order and the policy's own states and MACs. */
	const struct lb_view *lb;
};

/* Interface name -> ifindex (so compile stays pure; tests pass a table). */
typedef int (*ifindex_fn)(void *ctx, const char *ifname);

struct cls_iface_entry {
	uint32_t ifindex;
	struct xdpd_iface_cfg cfg;
};

struct compiled_policy {
	struct xdpd_config config;

	uint32_t nclasses;
	uint64_t *words;		   /* nclasses * config.nwords */
	struct xdpd_cls_sum_word *summary; /* nclasses * config.nsum: [cls * nsum + s] */
	struct xdpd_cls_spec *spec;	   /* nclasses */

	uint32_t proto_cls[256];
	uint32_t *port_cls; /* XDPD_PORT_TABLE_SIZE entries */
	uint32_t icmp_cls[XDPD_ICMP_TABLE_SIZE];

	struct cls_lpm4_entry *src4, *dst4; size_t n_src4, n_dst4;
	struct cls_lpm6_entry *src6, *dst6; size_t n_src6, n_dst6;

	/* The address tables searched by hash (config.pfx_len): their
	 * entries (the LPM lists above hold them too), and the buckets of
	 * "cls_pfx4" and "cls_pfx6" that hold them (config.pfx4_mask + 1 and
	 * config.pfx6_mask + 1 buckets). */
	struct cls_pfx_entry *pfx; size_t n_pfx;
	struct xdpd_pfx4_bucket *pfx4;
	struct xdpd_pfx6_bucket *pfx6;

	struct cls_iface_entry *ifaces; size_t n_ifaces;

	struct xdpd_rule_info *rules; /* config.nrules entries, policy order */

	struct compiled_lb *lb; /* load balancers (compile_lb.h) */
};

/* Returns 0, or -ENOENT (a slot or ifindex missing: message in *err),
 * -E2BIG (more rules than XDPD_MAX_RULES), -ENOMEM. */
int compile_policy(const struct policy *p, const struct slot_lookup *slots,
		   ifindex_fn ifindex, void *ifindex_ctx, struct compiled_policy **out,
		   char *err, size_t errlen);
void compiled_policy_free(struct compiled_policy *c);

#endif /* XDPD_COMPILE_H */
