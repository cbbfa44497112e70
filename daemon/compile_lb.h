/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Policy load_balancers -> contents of the datapath's lb maps (bpf/maps_lb.h).
 * Pure code: what the kernel or the daemon knows at run time (stable slots,
 * API state overrides, health, resolved MACs) comes in through struct
 * lb_view callbacks, so the same function builds the first generation and
 * every runtime table update.
 *
 * Layout of one generation's lb maps (two halves each, see struct
 * xdpd_lb_svc): lb_bk has 2 * n_bk_slots entries (half h, slot s at
 * h * n_bk_slots + s); lb_maglev 2 * tbl_entries; lb_rr 2 * rr_entries.
 * The compiled offsets are those of half 0.
 */
#ifndef XDPD_COMPILE_LB_H
#define XDPD_COMPILE_LB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bpf/xdpd_abi.h"
#include "policy.h"

/* What the daemon knows about a backend now. */
struct lb_backend_view {
	enum backend_state state; /* the policy's, or the API's override */
	bool overridden;	  /* state comes from lb.set_state */
	bool healthy;		  /* true without a health check */
	bool has_mac;		  /* the policy's mac, else the resolved one */
	uint8_t mac[6];
};

struct lb_view {
	/* Stable slots (< XDPD_MAX_LBS / XDPD_MAX_BACKENDS) or a negative
	 * errno. NULL: policy order. */
	int (*lb_slot)(void *ctx, const struct policy_lb *lb);
	int (*backend_slot)(void *ctx, const struct policy_lb *lb, const struct policy_backend *b);
	/* NULL: the policy's state and mac, healthy. */
	void (*backend)(void *ctx, const struct policy_lb *lb, const struct policy_backend *b,
			struct lb_backend_view *out);
	void *ctx;
};

/* The view's answer, or the policy's own when the view has no callback. */
void lb_view_backend(const struct lb_view *v, const struct policy_lb *lb,
		     const struct policy_backend *b, struct lb_backend_view *out);
/* XDPD_BK_* of a backend in this view. */
uint8_t lb_datapath_state(const struct lb_backend_view *bv);

struct compiled_svc {
	struct xdpd_lb_svc_key key;
	struct xdpd_lb_svc val;	 /* offsets of half 0 */
	uint32_t bk_first, bk_n; /* its backends' slots: bk_slot_list[bk_first ..] */
};

struct compiled_lb {
	struct xdpd_lb_config cfg;
	struct compiled_svc *svc; /* cfg.n_lbs entries, policy order */
	uint32_t *bk_slot_list;	  /* every backend's slot, policy order */
	uint32_t n_backends;
	uint32_t n_bk_slots;	    /* one half of lb_bk: highest slot + 1 */
	struct xdpd_lb_backend *bk; /* n_bk_slots entries */
	uint32_t tbl_entries;	    /* one half of lb_maglev */
	uint32_t *tbl;
	uint32_t rr_entries; /* one half of lb_rr */
	uint32_t *rr;
};

/* Maglev table size for a balancer of n backends: XDPD_MAGLEV_SIZE, or a
 * larger prime keeping 100 entries per backend. */
uint32_t lb_table_size(size_t n_backends);

/* Returns 0, -ENOENT (a slot missing: message in err), -E2BIG, -ENOMEM. */
int compile_lb(const struct policy *p, const struct lb_view *view, struct compiled_lb **out,
	       char *err, size_t errlen);
void compiled_lb_free(struct compiled_lb *c);

#endif /* XDPD_COMPILE_LB_H */
