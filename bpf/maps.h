/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every map of the datapath, in BTF syntax. The names are an ABI shared with
 * daemon/maps_write.c and daemon/datapath.c.
 *
 * Policy maps belong to one generation. Their sizes depend on the policy, so
 * the object declares them with one entry and user space sets the real size
 * with bpf_map__set_max_entries() between open and load.
 *
 * Stateful maps are created once, pinned and reused by every generation:
 * they are sized with the fixed XDPD_MAX_* capacities of xdpd_abi.h.
 */
#ifndef XDPD_MAPS_H
#define XDPD_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdpd_abi.h"

/* Set between open and load, so the verifier sees it as constant. */
const volatile struct xdpd_config cfg = {.default_action = XDPD_ACT_PASS};

/* ---- policy maps (one generation) ---- */

/* Per class: nwords rule bitmaps, then the summary of non-zero words. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} cls_words SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_cls_sum_word);
} cls_summary SEC(".maps");

/* Per class: the words where its row differs from its fields' miss rows */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_cls_spec);
} cls_spec SEC(".maps");

/* IP protocol number -> class */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cls_proto SEC(".maps");

/* ((dir * 2 + l4) * 65536 + port) / XDPD_PORT_LINE -> a line of classes */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_port_line);
} cls_port SEC(".maps");

/* is_v6 * 256 + icmp type -> class */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cls_icmp SEC(".maps");

/* prefix -> class, per direction and family */
#define XDPD_CLS_LPM(name, keytype)                                                                \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_LPM_TRIE);                                               \
		__uint(max_entries, 1);                                                            \
		__uint(map_flags, BPF_F_NO_PREALLOC);                                              \
		__type(key, keytype);                                                              \
		__type(value, __u32);                                                              \
	} name SEC(".maps")

/* The buckets of the address tables cfg.pfx_len sends to a hash search
 * (struct xdpd_pfx4_bucket): cfg.pfx4_mask + 1 and cfg.pfx6_mask + 1 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_pfx4_bucket);
} cls_pfx4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_pfx6_bucket);
} cls_pfx6 SEC(".maps");

XDPD_CLS_LPM(cls_src4, struct xdpd_lpm4);
XDPD_CLS_LPM(cls_dst4, struct xdpd_lpm4);
XDPD_CLS_LPM(cls_src6, struct xdpd_lpm6);
XDPD_CLS_LPM(cls_dst6, struct xdpd_lpm6);

/* ingress ifindex -> counter slot and interface class */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_iface_cfg);
} iface_cfg SEC(".maps");

/* The same, as an array indexed by ifindex (lookups inlined), used when
 * iface_direct: max_entries = largest ifindex + 1; the entries of other
 * ifindexes hold slot XDPD_IFACE_NONE. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_iface_cfg);
} iface_tab SEC(".maps");

/* Set between open and load: 1 when iface_tab holds the interfaces. */
const volatile __u32 iface_direct = 0;

/* rule index (policy order) -> slot, action, tcp flags, rate limit */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_rule_info);
} rule_info SEC(".maps");

/* ---- stateful maps (pinned, reused by every generation) ---- */

/* slot * XDPD_NACT + xdp action */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, (XDPD_MAX_IFACES * XDPD_NACT));
	__type(key, __u32);
	__type(value, struct xdpd_counter);
} stats_iface SEC(".maps");

/* rule slot -> packets and bytes the rule decided */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPD_MAX_RULES);
	__type(key, __u32);
	__type(value, struct xdpd_counter);
} stats_rule SEC(".maps");

/* packets and bytes the dynamic blocklist dropped: a monotonic total, while
 * the entries' own hit counters go when the entries go */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_counter);
} stats_blocklist SEC(".maps");

/* source prefix -> expiry and hits */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XDPD_MAX_BLOCKLIST);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdpd_lpm4);
	__type(value, struct xdpd_block_entry);
} blocklist4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, XDPD_MAX_BLOCKLIST);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xdpd_lpm6);
	__type(value, struct xdpd_block_entry);
} blocklist6 SEC(".maps");

/* Rate-limit windows: shared by all CPUs (a rate is a global property), per
 * rule slot, or per (rule slot, source address) in an LRU. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPD_MAX_RULES);
	__type(key, __u32);
	__type(value, struct xdpd_rl_state);
} rl_rule SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XDPD_RL_SOURCES);
	__type(key, struct xdpd_rl_src_key);
	__type(value, struct xdpd_rl_state);
} rl_source SEC(".maps");

/* Written by user space only; declared here so it is created and pinned
 * with the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_meta);
} meta SEC(".maps");

/* Name -> stable slot bookkeeping of the daemon; never read by the program. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPD_MAX_RULES);
	__type(key, char[XDPD_NAME_MAX]);
	__type(value, __u32);
} rule_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPD_MAX_IFACES);
	__type(key, char[XDPD_IFNAME_MAX]);
	__type(value, __u32);
} iface_slots SEC(".maps");

#endif /* XDPD_MAPS_H */
