/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared between the datapath_*.c files; not for the rest of the daemon. */
#ifndef XDPD_DATAPATH_INTERNAL_H
#define XDPD_DATAPATH_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compile.h"
#include "datapath.h"

#define DP_MAX_MAPS 64

/* A map the API may ask for by name: stateful maps from <bpffs>/maps and the
 * running program's policy maps (kernel names, at most 15 characters). */
struct dp_map {
	char name[64];
	int fd;
	uint32_t id; /* the kernel's map id: a refresh keeps the fd of the same map */
};

/* Name <-> slot, mirrored in the pinned rule_slots / iface_slots maps. */
struct slot_table {
	uint32_t cap;	   /* XDPD_MAX_RULES or XDPD_MAX_IFACES */
	uint32_t key_size; /* XDPD_NAME_MAX or XDPD_IFNAME_MAX */
	char *names;	   /* cap * key_size; "" = free */
	uint32_t *index;   /* name hash -> slot + 1 (2 * cap buckets) */
	uint32_t hint;	   /* slots below it are known taken (allocation cursor) */
};

/* One interface's XDP attachment. */
struct dp_link {
	char name[XDPD_IFNAME_MAX];
	int ifindex;
	enum xdp_mode want; /* what the policy asks for */
	enum xdp_mode mode; /* what is attached (native/generic/offload) */
	uint32_t prog_id;
	int fd; /* bpf_link fd, -1: none */
};

struct datapath {
	char dir[PATH_MAX];
	int lock_fd; /* bpffs_lock() of dir: one daemon per state directory */
	uint8_t object_sha256[32];
	bool have_meta; /* a generation ran here before (meta pinned) */
	/* datapath_reapply(): interfaces of the policy that do not exist now
	 * keep their (dead) link and get no iface_tab entry, instead of failing
	 * the whole apply */
	bool present_only;
	struct xdpd_meta meta;
	int prog_fd; /* running program, -1: none */
	struct dp_map maps[DP_MAX_MAPS];
	size_t n_maps;
	struct slot_table rule_slots, iface_slots;
	struct dp_link *links; /* pinned links, one per interface */
	size_t n_links;
	const struct lb_view *lb_view;	/* datapath_set_lb_view() */
	void (*before_load)(void *ctx); /* datapath_set_before_load() */
	void *before_load_ctx;
};

/* A loaded, filled, not yet attached program instance. */
struct dp_generation {
	struct xdpd *skel;
	int prog_fd;				   /* owned by skel */
	struct slot_table rule_slots, iface_slots; /* the slots it was compiled with */
};

/* datapath.c */
int dp_path(char *buf, size_t len, const char *dir, const char *sub, const char *name);

/* datapath_maps.c */
bool dp_map_is_stateful(const char *name);
int dp_maps_refresh(struct datapath *dp, char *err, size_t errlen);
void dp_maps_close(struct datapath *dp);
int dp_map_zero_elem(int fd, uint32_t key);

/* datapath_meta.c */
int dp_meta_read(struct datapath *dp);
int dp_meta_write(struct datapath *dp, const struct policy *p, uint64_t generation, char *err,
		  size_t errlen);

/* datapath_slots.c */
int slot_table_init(struct slot_table *t, uint32_t cap, uint32_t key_size);
void slot_table_free(struct slot_table *t);
int slot_table_copy(struct slot_table *dst, const struct slot_table *src);
int slot_table_load(struct slot_table *t, int map_fd);
int slot_table_find(const struct slot_table *t, const char *name);
/* next = names of p, keeping cur's slots; new names take slots free in cur. */
int dp_slots_plan(const struct datapath *dp, const struct policy *p, struct slot_table *rules,
		  struct slot_table *ifaces, char *err, size_t errlen);
/* Zero the counters of slots that next gives to names cur did not have. */
int dp_slots_zero_new(const struct datapath *dp, const struct slot_table *rules,
		      const struct slot_table *ifaces, char *err, size_t errlen);
/* After the swap: make the pinned maps and dp's tables equal to next. */
int dp_slots_commit(struct datapath *dp, struct slot_table *rules, struct slot_table *ifaces,
		    char *err, size_t errlen);

/* datapath_load.c */
void dp_object_sha256(uint8_t out[32]);
int dp_generation_build(struct datapath *dp, const struct policy *p, uint64_t generation,
			struct dp_generation *g, char *err, size_t errlen);
void dp_generation_free(struct dp_generation *g);
/* dp_generation_build()'s checks up to the load, nothing kept: slots, and a
 * policy the compiler takes (every interface exists). */
int dp_generation_check(struct datapath *dp, const struct policy *p, char *err, size_t errlen);

/* datapath_link.c */
int dp_links_open(struct datapath *dp, char *err, size_t errlen);
void dp_links_close(struct datapath *dp);
/* Every policy interface is attached to dp's program by a live link. */
bool dp_links_match(const struct datapath *dp, const struct policy *p);
/* Attach or swap every policy interface to prog_fd, detach the others.
 * Fails (err) only before the swap, with everything as it was; once the new
 * program runs it returns 0, and what went wrong afterwards is in warn. */
int dp_links_swap(struct datapath *dp, const struct policy *p, int prog_fd, char *err,
		  size_t errlen, char *warn, size_t warnlen);
int dp_links_detach_all(struct datapath *dp, char *err, size_t errlen);

/* datapath_teardown.c: detach xdpd's links under dir and remove xdpd's pins
 * (links/<ifname> holding an XDP link, maps/<stateful map>, prog, prog_new),
 * then the directories left empty. Every link is opened, then every one
 * detached, before anything is unpinned. Returns how many pins were left
 * because xdpd did not make them (their names, space separated, in kept),
 * or -errno with err. kept and err may be NULL. */
int dp_remove_pins(const char *dir, char *kept, size_t keptlen, char *err, size_t errlen);

#endif /* XDPD_DATAPATH_INTERNAL_H */
