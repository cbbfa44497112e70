/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel side of xdpd: bpffs pins, stateful maps, program generations and
 * per-interface pinned bpf_links. Layout under <bpffs>:
 *   maps/<name>     stateful maps (bpf/xdpd_abi.h), reused by every generation
 *   links/<ifname>  the XDP bpf_link of each interface
 *   prog            the current generation's program (for bpftool)
 * Functions return 0 or a negative errno and fill err (for the one log line
 * the caller writes); they never log themselves.
 */
#ifndef XDPD_DATAPATH_H
#define XDPD_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/xdpd_abi.h"
#include "policy.h"

struct datapath;

struct dp_iface_status {
	char name[XDPD_IFNAME_MAX];
	int ifindex;
	enum xdp_mode mode; /* the mode actually attached (native/generic/offload) */
	uint32_t prog_id;
	bool attached;
	/* the link's device is no longer the policy's interface: renamed (to
	 * now_name) or moved to another network namespace (now_name empty) */
	bool elsewhere;
	char now_name[XDPD_IFNAME_MAX];
};

enum dp_apply_result { DP_FRESH, DP_ADOPTED, DP_RELOADED };

/* Mounts a bpffs at dir when none is mounted there, opens or creates the
 * stateful maps. */
int datapath_open(const char *bpffs_dir, struct datapath **out, char *err, size_t errlen);
/* Make the kernel run policy p: adopt when pins carry the same policy hash
 * and object hash, else load a new generation and swap it in atomically.
 * On failure nothing changed. On success err may hold a warning (something
 * after the swap, such as a pin, failed; the new generation runs). */
int datapath_apply(struct datapath *dp, const struct policy *p, enum dp_apply_result *res,
		   char *err, size_t errlen);
/* datapath_apply() for the interfaces of p that exist now: one that does not
 * keeps its dead link and is left out (iface_watch: a device came back while
 * another is still gone). */
int datapath_reapply(struct datapath *dp, const struct policy *p, enum dp_apply_result *res,
		     char *err, size_t errlen);
/* For a dry run: what datapath_apply() checks before it asks the kernel
 * (every interface exists, slots for every name), with the same error in
 * err; nothing is changed. */
int datapath_check(struct datapath *dp, const struct policy *p, char *err, size_t errlen);
/* Detach every interface and remove the pins (on_stop: detach). */
int datapath_detach_all(struct datapath *dp, char *err, size_t errlen);
/* --teardown: the same for a directory no daemon runs on, which must hold
 * xdpd's maps/meta pin (or be empty): -EINVAL else, nothing touched. Only
 * xdpd's pins are removed; returns how many others were left (their names
 * in kept), -ENOENT (no directory), -ENOTDIR (not on a bpffs) or -errno. */
int datapath_teardown(const char *bpffs_dir, char *kept, size_t keptlen, char *err, size_t errlen);
void datapath_close(struct datapath *dp);

struct lb_view;
/* What later generations compile load balancers with (compile_lb.h); NULL:
 * policy order and the policy's own states. v must outlive dp. */
void datapath_set_lb_view(struct datapath *dp, const struct lb_view *v);
/* fn(ctx) runs right before the kernel loads a new program: the load (the
 * verifier) holds the caller's thread for about half a second. NULL: none. */
void datapath_set_before_load(struct datapath *dp, void (*fn)(void *ctx), void *ctx);

/* For the API: fds of stateful maps by name ("stats_iface", "stats_rule",
 * "blocklist4", "blocklist6", "meta", ...), -ENOENT if unknown. */
int datapath_map_fd(const struct datapath *dp, const char *name);
int datapath_prog_fd(const struct datapath *dp);
const struct xdpd_meta *datapath_meta(const struct datapath *dp);
int datapath_rule_slot(const struct datapath *dp, const char *rule_name);
int datapath_iface_slot(const struct datapath *dp, const char *ifname);
size_t datapath_ifaces(const struct datapath *dp, struct dp_iface_status *out, size_t max);
/* Detaches the link of interface name (its pin stays, defunct, as after the
 * device's deletion, until the policy is applied to that name again). */
int datapath_detach_iface(struct datapath *dp, const char *name);

#endif /* XDPD_DATAPATH_H */
