/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The policy (/etc/xdpd.yaml) as a typed structure. Every node remembers
 * where it came from so later stages (compile, reload, API) can report
 * FILE:LINE:COLUMN. Parsing and validation live in policy_parse.c /
 * policy_validate.c; nothing here touches the kernel.
 */
#ifndef XDPD_POLICY_H
#define XDPD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "netparse.h"

#define POLICY_NAME_MAX	  64 /* == XDPD_NAME_MAX */
#define POLICY_IFNAME_MAX 16
#define POLICY_MAX_LBS	  1024 /* load balancers per policy */
#define POLICY_MAX_BACKENDS 1024 /* backends per load balancer */
#define POLICY_SOCKET_MAX   108	 /* control.socket: sizeof(sun_path) */
#define POLICY_BPFFS_MAX    256	 /* bpffs, as the policy holds it */

enum xdp_mode { XDP_MODE_AUTO, XDP_MODE_NATIVE, XDP_MODE_GENERIC, XDP_MODE_OFFLOAD };
enum policy_action { POLICY_PASS, POLICY_DROP };
enum on_stop { ON_STOP_KEEP, ON_STOP_DETACH };
enum rl_per { RL_PER_SOURCE, RL_PER_RULE };
enum lb_sched { LB_SCHED_ROUND_ROBIN, LB_SCHED_MAGLEV };
enum lb_fwd { LB_FWD_NAT, LB_FWD_DSR };
enum backend_state { BACKEND_ACTIVE, BACKEND_DRAIN, BACKEND_DISABLED };
enum hc_type { HC_TCP, HC_ICMP };

struct policy_iface {
	char name[POLICY_IFNAME_MAX];
	enum xdp_mode mode;
	struct src_loc loc;
};

struct policy_rule {
	char name[POLICY_NAME_MAX];
	struct src_loc loc;
	enum policy_action action;
	int protocol;	/* IPPROTO_* number, -1: any */
	struct port_range *src_ports; size_t n_src_ports; /* empty: any */
	struct port_range *dst_ports; size_t n_dst_ports;
	struct prefix *src; size_t n_src;		/* empty: any */
	struct prefix *dst; size_t n_dst;
	int icmp_type;		/* -1: any */
	uint8_t tcp_mask;	/* TCP flag bits constrained (TH_SYN...) */
	uint8_t tcp_value;	/* their required state */
	bool has_rate_limit;
	uint32_t rl_pps;
	enum rl_per rl_per;
	char (*ifaces)[POLICY_IFNAME_MAX]; size_t n_ifaces; /* empty: all */
};

struct policy_backend {
	struct ip_addr addr;
	bool has_mac;
	uint8_t mac[6];
	uint32_t weight;	/* default 1 */
	enum backend_state state;
	struct src_loc loc;
};

struct policy_health {
	bool present;
	enum hc_type type;
	uint32_t interval_ms, timeout_ms;
	uint32_t rise, fall;
};

struct policy_lb {
	char name[POLICY_NAME_MAX];
	struct src_loc loc;
	struct ip_addr vip;
	int protocol;		/* IPPROTO_ICMP (ICMPv6 for a v6 VIP), TCP or UDP */
	uint16_t port;		/* tcp/udp only */
	enum lb_sched scheduler;
	enum lb_fwd forwarding;
	struct policy_backend *backends; size_t n_backends;
	struct policy_health health;
};

struct policy_sampling {
	uint32_t rate;		/* 1 in N; 0: off */
	uint64_t ring_bytes;	/* power of two, >= 4096 */
};

struct policy_control {
	char socket[POLICY_SOCKET_MAX];
	char group[64];
	struct src_loc socket_loc; /* line 0: the default */
};

struct policy {
	char *path;
	uint8_t sha256[32];	/* of the file's bytes */
	int version;
	struct policy_iface *ifaces; size_t n_ifaces;
	enum policy_action default_action;
	enum on_stop on_stop;
	struct policy_rule *rules; size_t n_rules;
	struct policy_lb *lbs; size_t n_lbs;
	struct policy_sampling sampling;
	struct policy_control control;
	char bpffs[POLICY_BPFFS_MAX]; /* "" when the policy does not say */
	struct src_loc bpffs_loc;
};

/* Parse and validate. On success returns 0 and *out. On a policy error
 * returns -EINVAL with every problem appended to *d (FILE:LINE:COLUMN). On
 * an I/O problem (missing file, directory, too large) returns -errno with
 * one diagnostic at 0:0 naming the file. *out is NULL on any failure. */
int policy_load_file(const char *path, struct policy **out, struct diag_list *d);
int policy_load_buffer(const char *name, const char *buf, size_t len, struct policy **out,
		       struct diag_list *d);
void policy_free(struct policy *p);

/* Why s cannot be a path of the policy (control.socket, bpffs; also
 * xdpd --socket): it must be absolute, shorter than max bytes, without '.',
 * '..' or empty components and without a final '/'. The message, quoting s,
 * goes into buf and is returned; NULL when s is fine. */
const char *policy_path_problem(const char *s, size_t max, char *buf, size_t len);

const char *policy_action_name(enum policy_action a);
const char *xdp_mode_name(enum xdp_mode m);

#endif /* XDPD_POLICY_H */
