// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The datapath's lifecycle: open the pinned state, then adopt it, or build a
 * new generation and swap it in (datapath_load.c, datapath_link.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpffs.h"
#include "datapath_internal.h"

int dp_path(char *buf, size_t len, const char *dir, const char *sub, const char *name)
{
	int n;

	if (name)
		n = snprintf(buf, len, "%s/%s/%s", dir, sub, name);
	else if (sub)
		n = snprintf(buf, len, "%s/%s", dir, sub);
	else
		n = snprintf(buf, len, "%s", dir);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* The program that runs now: the pinned one, else the one the first live
 * link runs (the prog pin is for bpftool; links are what the kernel uses). */
static void open_prog(struct datapath *dp)
{
	char path[PATH_MAX];

	dp_path(path, sizeof(path), dp->dir, "prog", NULL);
	dp->prog_fd = bpf_obj_get(path);
	for (size_t i = 0; dp->prog_fd < 0 && i < dp->n_links; i++)
		if (dp->links[i].prog_id)
			dp->prog_fd = bpf_prog_get_fd_by_id(dp->links[i].prog_id);
}

static int open_slots(struct datapath *dp, char *err, size_t errlen)
{
	int r = slot_table_init(&dp->rule_slots, XDPD_MAX_RULES, XDPD_NAME_MAX);
	int fd;

	if (r == 0)
		r = slot_table_init(&dp->iface_slots, XDPD_MAX_IFACES, XDPD_IFNAME_MAX);
	if (r < 0) {
		snprintf(err, errlen, "slot tables: %s", strerror(-r));
		return r;
	}
	fd = datapath_map_fd(dp, "rule_slots");
	if (fd >= 0)
		slot_table_load(&dp->rule_slots, fd);
	fd = datapath_map_fd(dp, "iface_slots");
	if (fd >= 0)
		slot_table_load(&dp->iface_slots, fd);
	return 0;
}

int datapath_open(const char *bpffs_dir, struct datapath **out, char *err, size_t errlen)
{
	struct datapath *dp = calloc(1, sizeof(*dp));
	char path[PATH_MAX];
	int r;

	*out = NULL;
	if (!dp)
		return -ENOMEM;
	dp->prog_fd = -1;
	dp->lock_fd = -1;
	snprintf(dp->dir, sizeof(dp->dir), "%s", bpffs_dir);
	r = bpffs_prepare(dp->dir, err, errlen);
	if (r == 0) {
		/* before reading anything: another daemon may be changing it */
		dp->lock_fd = bpffs_lock(dp->dir, err, errlen);
		r = dp->lock_fd < 0 ? dp->lock_fd : 0;
	}
	if (r == 0 && dp_path(path, sizeof(path), dp->dir, "maps", NULL) == 0)
		r = bpffs_mkdir(path, err, errlen);
	if (r == 0 && dp_path(path, sizeof(path), dp->dir, "links", NULL) == 0)
		r = bpffs_mkdir(path, err, errlen);
	if (r == 0)
		r = dp_links_open(dp, err, errlen);
	if (r == 0) {
		open_prog(dp);
		r = dp_maps_refresh(dp, err, errlen);
	}
	if (r == 0)
		r = open_slots(dp, err, errlen);
	if (r < 0) {
		datapath_close(dp);
		return r;
	}
	dp_meta_read(dp);
	dp_object_sha256(dp->object_sha256);
	*out = dp;
	return 0;
}

void datapath_close(struct datapath *dp)
{
	if (!dp)
		return;
	dp_links_close(dp);
	dp_maps_close(dp);
	if (dp->prog_fd >= 0)
		close(dp->prog_fd);
	slot_table_free(&dp->rule_slots);
	slot_table_free(&dp->iface_slots);
	if (dp->lock_fd >= 0)
		close(dp->lock_fd);
	free(dp);
}

static bool can_adopt(const struct datapath *dp, const struct policy *p)
{
	return dp->have_meta && !memcmp(dp->meta.policy_sha256, p->sha256, 32) &&
	       !memcmp(dp->meta.object_sha256, dp->object_sha256, 32) && dp_links_match(dp, p);
}

static int access_pin(const struct datapath *dp, const char *name)
{
	char path[PATH_MAX];

	dp_path(path, sizeof(path), dp->dir, name, NULL);
	return access(path, F_OK) < 0 ? -errno : 0;
}

/* Pin under a temporary name (bpffs refuses dots in names), then rename
 * over "prog": never a moment without a pin for bpftool. */
static int pin_prog(struct datapath *dp, char *err, size_t errlen)
{
	char tmp[PATH_MAX], path[PATH_MAX];

	dp_path(tmp, sizeof(tmp), dp->dir, "prog_new", NULL);
	dp_path(path, sizeof(path), dp->dir, "prog", NULL);
	unlink(tmp);
	if (bpf_obj_pin(dp->prog_fd, tmp) < 0 || rename(tmp, path) < 0) {
		int r = -errno;

		snprintf(err, errlen, "cannot pin the program at %.300s: %s", path,
			 strerror(errno));
		unlink(tmp);
		return r;
	}
	return 0;
}

/* The new generation runs: record it. A failure here cannot undo the swap;
 * the first one is returned in err as a warning. */
static void after_swap(struct datapath *dp, const struct policy *p, struct dp_generation *g,
		       uint64_t generation, char *err, size_t errlen)
{
	char msg[512] = "";

	err[0] = '\0';
	if (dp->prog_fd >= 0)
		close(dp->prog_fd);
	dp->prog_fd = fcntl(g->prog_fd, F_DUPFD_CLOEXEC, 3);
	if (dp->prog_fd < 0 || pin_prog(dp, msg, sizeof(msg)) < 0)
		snprintf(err, errlen, "%s", msg[0] ? msg : "cannot keep the program's fd");
	msg[0] = '\0';
	if (dp_maps_refresh(dp, msg, sizeof(msg)) < 0 && !err[0])
		snprintf(err, errlen, "%s", msg);
	msg[0] = '\0';
	if (dp_slots_commit(dp, &g->rule_slots, &g->iface_slots, msg, sizeof(msg)) < 0 && !err[0])
		snprintf(err, errlen, "%s", msg);
	msg[0] = '\0';
	if (dp_meta_write(dp, p, generation, msg, sizeof(msg)) < 0 && !err[0])
		snprintf(err, errlen, "%s", msg);
}

/* A first start that failed leaves nothing behind: the maps its load
 * created and pinned, the directories, the bpffs it mounted. */
static void remove_first_state(const struct datapath *dp)
{
	dp_remove_pins(dp->dir, NULL, 0, NULL, 0);
}

int datapath_apply(struct datapath *dp, const struct policy *p, enum dp_apply_result *res,
		   char *err, size_t errlen)
{
	uint64_t generation = dp->meta.generation + 1;
	bool had_state = dp->have_meta || dp->n_links > 0;
	struct dp_generation g;
	char warn[512] = "";
	int r;

	err[0] = '\0';
	if (can_adopt(dp, p)) {
		/* the prog pin is for bpftool only: restoring it touches no packet */
		if (access_pin(dp, "prog") == -ENOENT)
			pin_prog(dp, err, errlen);
		*res = DP_ADOPTED;
		return 0;
	}
	r = dp_generation_build(dp, p, generation, &g, err, errlen);
	if (r < 0) {
		if (!had_state)
			remove_first_state(dp);
		return r;
	}
	/* the first load created and pinned the stateful maps: open them */
	r = dp_maps_refresh(dp, err, errlen);
	if (r == 0)
		r = dp_slots_zero_new(dp, &g.rule_slots, &g.iface_slots, err, errlen);
	if (r == 0)
		r = dp_links_swap(dp, p, g.prog_fd, err, errlen, warn, sizeof(warn));
	if (r < 0) {
		dp_generation_free(&g);
		if (!had_state)
			remove_first_state(dp);
		return r;
	}
	after_swap(dp, p, &g, generation, err, errlen);
	if (!err[0] && warn[0])
		snprintf(err, errlen, "%s", warn);
	dp_generation_free(&g);
	*res = had_state ? DP_RELOADED : DP_FRESH;
	return 0;
}

int datapath_check(struct datapath *dp, const struct policy *p, char *err, size_t errlen)
{
	err[0] = '\0';
	if (can_adopt(dp, p))
		return 0;
	return dp_generation_check(dp, p, err, errlen);
}

int datapath_reapply(struct datapath *dp, const struct policy *p, enum dp_apply_result *res,
		     char *err, size_t errlen)
{
	int r;

	dp->present_only = true;
	r = datapath_apply(dp, p, res, err, errlen);
	dp->present_only = false;
	return r;
}

int datapath_detach_all(struct datapath *dp, char *err, size_t errlen)
{
	int r = dp_links_detach_all(dp, err, errlen);
	int t;

	dp_maps_close(dp);
	if (dp->prog_fd >= 0)
		close(dp->prog_fd);
	dp->prog_fd = -1;
	t = dp_remove_pins(dp->dir, NULL, 0, r < 0 ? NULL : err, r < 0 ? 0 : errlen);
	return r < 0 ? r : t < 0 ? t : 0;
}

void datapath_set_lb_view(struct datapath *dp, const struct lb_view *v)
{
	dp->lb_view = v;
}

void datapath_set_before_load(struct datapath *dp, void (*fn)(void *ctx), void *ctx)
{
	dp->before_load = fn;
	dp->before_load_ctx = ctx;
}

int datapath_prog_fd(const struct datapath *dp)
{
	return dp->prog_fd >= 0 ? dp->prog_fd : -ENOENT;
}

int datapath_rule_slot(const struct datapath *dp, const char *rule_name)
{
	return slot_table_find(&dp->rule_slots, rule_name);
}

int datapath_iface_slot(const struct datapath *dp, const char *ifname)
{
	return slot_table_find(&dp->iface_slots, ifname);
}
