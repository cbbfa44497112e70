/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The load balancers' maps (bpf/lb.h). Names are an ABI shared with
 * daemon/compile_lb.c, daemon/lb_*.c and daemon/datapath_maps.c.
 *
 * Policy maps (one generation, sized by the daemon between open and load):
 *   lb_svc     (family, proto, vip, port) -> balancer
 *   lb_bk      backend slot (+ half offset) -> address, MAC, state
 *   lb_maglev  maglev tables, two halves per balancer
 *   lb_rr      round-robin lists, two halves
 * Stateful maps (pinned, reused by every generation):
 *   lb_ct, lb_rnat, lb_rr_ctr, stats_backend, lb_state, lb_slots,
 *   backend_slots
 */
#ifndef XDPD_MAPS_LB_H
#define XDPD_MAPS_LB_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "xdpd_abi.h"

const volatile struct xdpd_lb_config lb_cfg = {};

/* ---- policy maps ---- */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct xdpd_lb_svc_key);
	__type(value, struct xdpd_lb_svc);
} lb_svc SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xdpd_lb_backend);
} lb_bk SEC(".maps");

/* entries are backend slots, XDPD_LB_NONE when no backend is usable */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lb_maglev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} lb_rr SEC(".maps");

/* ---- stateful maps ---- */

/* client 5-tuple -> backend: flows keep their backend across table changes
 * (health, drain, reloads) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XDPD_LB_CT_ENTRIES);
	__type(key, struct xdpd_lb_flow);
	__type(value, struct xdpd_lb_ct);
} lb_ct SEC(".maps");

/* NAT replies as they arrive from the backend -> VIP and client MAC */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XDPD_LB_CT_ENTRIES);
	__type(key, struct xdpd_lb_flow);
	__type(value, struct xdpd_lb_rnat);
} lb_rnat SEC(".maps");

/* balancer slot -> round-robin position, shared by all CPUs (atomic) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XDPD_MAX_LBS);
	__type(key, __u32);
	__type(value, __u64);
} lb_rr_ctr SEC(".maps");

/* backend slot -> packets and bytes sent to it */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XDPD_MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct xdpd_counter);
} stats_backend SEC(".maps");

/* Written and read by the daemon only; declared here so they are created
 * and pinned with the rest. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPD_MAX_BACKENDS);
	__type(key, struct xdpd_lb_bk_key);
	__type(value, struct xdpd_lb_override);
} lb_state SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPD_MAX_LBS);
	__type(key, char[XDPD_NAME_MAX]);
	__type(value, __u32);
} lb_slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XDPD_MAX_BACKENDS);
	__type(key, struct xdpd_lb_bk_key);
	__type(value, __u32);
} backend_slots SEC(".maps");

#endif /* XDPD_MAPS_LB_H */
