// SPDX-License-Identifier: GPL-2.0-or-later
/* Sizing (and when it changes, replacing) the sampling ring (sample_maps.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/xdpd_abi.h"
#include "sample_maps.h"
#include "xdpd.skel.h"

static int pinned_size(const char *path, uint32_t *size)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	int fd = bpf_obj_get(path), r = 0;

	if (fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		r = -errno;
	*size = info.max_entries;
	close(fd);
	return r;
}

int sample_ring_prepare(struct xdpd *skel, uint64_t ring_bytes, char *err, size_t errlen)
{
	struct bpf_map *ring = skel->maps.sample_ring;
	const char *pin = bpf_map__pin_path(ring);
	uint32_t have = 0;
	int r;

	r = bpf_map__set_max_entries(ring, (uint32_t)ring_bytes);
	if (r < 0) {
		snprintf(err, errlen, "map 'sample_ring': ring_buffer %llu bytes: %s",
			 (unsigned long long)ring_bytes, strerror(-r));
		return r;
	}
	if (!pin || pinned_size(pin, &have) < 0 || have == ring_bytes)
		return 0;
	if (unlink(pin) < 0 && errno != ENOENT) {
		r = -errno;
		snprintf(err, errlen, "map 'sample_ring': cannot replace %s (%u bytes): %s", pin,
			 have, strerror(errno));
		return r;
	}
	return 0;
}
