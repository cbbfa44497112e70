// SPDX-License-Identifier: GPL-2.0-or-later
/* The pinned "meta" map: which generation runs, of which policy and object. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>

#include "datapath_internal.h"

/* 0 with dp->meta filled, -ENOENT when no generation ran here yet. */
int dp_meta_read(struct datapath *dp)
{
	int fd = datapath_map_fd(dp, "meta");
	uint32_t key = 0;

	dp->have_meta = false;
	memset(&dp->meta, 0, sizeof(dp->meta));
	if (fd < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(fd, &key, &dp->meta) < 0)
		return -errno;
	/* An all-zero record: the map was created but no generation finished. */
	if (dp->meta.generation == 0)
		return -ENOENT;
	dp->have_meta = true;
	return 0;
}

int dp_meta_write(struct datapath *dp, const struct policy *p, uint64_t generation, char *err,
		  size_t errlen)
{
	int fd = datapath_map_fd(dp, "meta");
	struct xdpd_meta m = {
	    .abi_version = XDPD_ABI_VERSION,
	    .generation = generation,
	};
	struct timespec ts;
	uint32_t key = 0;
	char *abs;

	if (fd < 0) {
		snprintf(err, errlen, "map 'meta' is not pinned under %s/maps", dp->dir);
		return -ENOENT;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	m.loaded_at_realtime_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	memcpy(m.policy_sha256, p->sha256, sizeof(m.policy_sha256));
	memcpy(m.object_sha256, dp->object_sha256, sizeof(m.object_sha256));
	/* absolute, so status makes sense whatever directory xdpd started in */
	abs = p->path ? realpath(p->path, NULL) : NULL;
	snprintf(m.policy_path, sizeof(m.policy_path), "%s", abs ? abs : p->path ? p->path : "");
	free(abs);
	if (bpf_map_update_elem(fd, &key, &m, BPF_ANY) < 0) {
		int r = -errno;

		snprintf(err, errlen, "map 'meta': cannot write generation %llu: %s",
			 (unsigned long long)generation, strerror(errno));
		return r;
	}
	dp->meta = m;
	dp->have_meta = true;
	return 0;
}

const struct xdpd_meta *datapath_meta(const struct datapath *dp)
{
	return dp->have_meta ? &dp->meta : NULL;
}
