// SPDX-License-Identifier: GPL-2.0-or-later
/* The lookup index over the running datapath's maps (blocklist_fast_hook.h). */
#include "blocklist_fast_bpf.h"
#include "blocklist_fast_hook.h"
#include "datapath.h"

static int dp_map_fd(void *ctx, const char *name)
{
	return datapath_map_fd(ctx, name);
}

int blf_open_datapath(const struct datapath *dp, struct blf **out)
{
	return blf_open_bpf(dp_map_fd, (void *)dp, out);
}
