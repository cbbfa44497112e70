// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The map table the API reads: stateful maps from <bpffs>/maps (pinned, so
 * they exist whether this process loaded the program or adopted it) plus the
 * running program's own policy maps, found through its map ids.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath_internal.h"

/* Maps whose content outlives a generation (bpf/maps.h, design "Generations
 * and atomic reload"). A map declared with LIBBPF_PIN_BY_NAME in the program
 * is stateful too: libbpf pins it under the same directory. */
static const char *const stateful_maps[] = {
    "stats_iface", "stats_rule", "stats_blocklist", "blocklist4", "blocklist6",  "rl_rule",
    "rl_source",   "meta",	 "rule_slots", "iface_slots",
    /* load balancers (bpf/maps_lb.h) */
    "lb_ct", "lb_rnat", "lb_rr_ctr", "stats_backend", "lb_state", "lb_slots", "backend_slots",
    /* sampling and trace (bpf/sample.h) */
    "sample_cfg", "sample_stats", "sample_ring",
    /* the blocklist's lookup index (bpf/blocklist.h) */
    "bl4_top", "bl6_top", "bl4_long", "bl6_long", "bl6_mid", "bl6_home", "bl_rec", "bl_slotkey", "bl_count",
    "bl4_none", "bl6_none", "bl_gen",
    NULL,
};

bool dp_map_is_stateful(const char *name)
{
	for (const char *const *m = stateful_maps; *m; m++)
		if (!strcmp(*m, name))
			return true;
	return false;
}

void dp_maps_close(struct datapath *dp)
{
	for (size_t i = 0; i < dp->n_maps; i++)
		close(dp->maps[i].fd);
	dp->n_maps = 0;
}

static uint32_t map_id_of(int fd)
{
	struct bpf_map_info mi = {};
	uint32_t len = sizeof(mi);

	return bpf_obj_get_info_by_fd(fd, &mi, &len) < 0 ? 0 : mi.id;
}

/* The table before a refresh: an entry the refresh finds again (same name,
 * same map) keeps its fd, so that an fd number handed out stays the same map
 * across reloads (fds closed meanwhile would otherwise shift the numbers). */
struct dp_maps_before {
	struct dp_map maps[DP_MAX_MAPS];
	bool kept[DP_MAX_MAPS];
	size_t n;
};

static int keep_same(struct dp_maps_before *old, const char *name, int fd, uint32_t id)
{
	for (size_t i = 0; old && i < old->n; i++) {
		if (old->kept[i] || !id || old->maps[i].id != id || strcmp(old->maps[i].name, name))
			continue;
		old->kept[i] = true;
		close(fd);
		return old->maps[i].fd;
	}
	return fd;
}

static int add_map(struct datapath *dp, struct dp_maps_before *old, const char *name, int fd)
{
	uint32_t id = map_id_of(fd);

	for (size_t i = 0; i < dp->n_maps; i++) {
		if (!strcmp(dp->maps[i].name, name)) {
			close(fd);
			return 0;
		}
	}
	if (dp->n_maps == DP_MAX_MAPS) {
		close(fd);
		return -E2BIG;
	}
	snprintf(dp->maps[dp->n_maps].name, sizeof(dp->maps[0].name), "%s", name);
	dp->maps[dp->n_maps].id = id;
	dp->maps[dp->n_maps++].fd = keep_same(old, name, fd, id);
	return 0;
}

static int add_pinned(struct datapath *dp, struct dp_maps_before *old, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	dp_path(dir, sizeof(dir), dp->dir, "maps", NULL);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && r == 0) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		dp_path(path, sizeof(path), dp->dir, "maps", de->d_name);
		fd = bpf_obj_get(path);
		if (fd < 0) {
			r = -errno;
			snprintf(err, errlen, "pinned map %s: %s", path, strerror(errno));
			break;
		}
		r = add_map(dp, old, de->d_name, fd);
	}
	closedir(d);
	return r;
}

static int add_prog_maps(struct datapath *dp, struct dp_maps_before *old)
{
	uint32_t ids[DP_MAX_MAPS];
	struct bpf_prog_info info = {.nr_map_ids = DP_MAX_MAPS, .map_ids = (uintptr_t)ids};
	uint32_t len = sizeof(info);

	if (dp->prog_fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(dp->prog_fd, &info, &len) < 0)
		return -errno;
	for (uint32_t i = 0; i < info.nr_map_ids && i < DP_MAX_MAPS; i++) {
		struct bpf_map_info mi = {};
		uint32_t mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]), r;

		if (fd < 0)
			return -errno;
		if (bpf_obj_get_info_by_fd(fd, &mi, &mlen) < 0) {
			r = -errno;
			close(fd);
			return r;
		}
		r = add_map(dp, old, mi.name, fd);
		if (r < 0)
			return r;
	}
	return 0;
}

int dp_maps_refresh(struct datapath *dp, char *err, size_t errlen)
{
	struct dp_maps_before *old = calloc(1, sizeof(*old));
	int r;

	if (!old)
		return -ENOMEM;
	memcpy(old->maps, dp->maps, dp->n_maps * sizeof(dp->maps[0]));
	old->n = dp->n_maps;
	dp->n_maps = 0;
	r = add_pinned(dp, old, err, errlen);
	if (r == 0) {
		r = add_prog_maps(dp, old);
		if (r < 0)
			snprintf(err, errlen, "maps of the running program: %s", strerror(-r));
	}
	for (size_t i = 0; i < old->n; i++)
		if (!old->kept[i])
			close(old->maps[i].fd);
	free(old);
	return r;
}

int datapath_map_fd(const struct datapath *dp, const char *name)
{
	for (size_t i = 0; i < dp->n_maps; i++)
		if (!strcmp(dp->maps[i].name, name))
			return dp->maps[i].fd;
	return -ENOENT;
}

/* Per-CPU maps take one value per possible CPU, each rounded up to 8 bytes. */
int dp_map_zero_elem(int fd, uint32_t key)
{
	struct bpf_map_info mi = {};
	uint32_t len = sizeof(mi);
	size_t size;
	void *zero;
	int r = 0;

	if (bpf_obj_get_info_by_fd(fd, &mi, &len) < 0)
		return -errno;
	size = mi.value_size;
	if (mi.type == BPF_MAP_TYPE_PERCPU_ARRAY || mi.type == BPF_MAP_TYPE_PERCPU_HASH) {
		int ncpu = libbpf_num_possible_cpus();

		if (ncpu < 0)
			return ncpu;
		size = ((size + 7) & ~(size_t)7) * (size_t)ncpu;
	}
	zero = calloc(1, size);
	if (!zero)
		return -ENOMEM;
	if (bpf_map_update_elem(fd, &key, zero, BPF_ANY) < 0)
		r = -errno;
	free(zero);
	return r;
}
