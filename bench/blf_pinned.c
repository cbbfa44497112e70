// SPDX-License-Identifier: GPL-2.0-or-later
/* The lookup index of a running xdpd, opened from its pins (blf_pinned.h). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>

#include <bpf/bpf.h>

#include "blf_pinned.h"
#include "blocklist_fast_bpf.h"

static int pinned_fd(void *ctx, const char *name)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/maps/%s", (const char *)ctx, name);
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int blf_open_pinned(const char *bpffs, struct blf **out)
{
	return blf_open_bpf(pinned_fd, (void *)bpffs, out);
}
