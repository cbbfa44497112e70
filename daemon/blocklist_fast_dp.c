// SPDX-License-Identifier: GPL-2.0-or-later
/* The lookup index over the running datapath's maps (blocklist_fast_hook.h). */
#include "blocklist_fast_bpf.h"
#include "blocklist_fast_hook.h"
#include "datapath.h"

static int dp_map_fd(void *ctx, const char *name)
{
	return datapath_map_fd(ctx, name);
}

static void release_bpf(struct blf_store *st)
{
	blf_bpf_store_free(st);
}

int blf_open_datapath(const struct datapath *dp, struct blf **out)
{
	struct blf_store st;
	int r = blf_bpf_store(dp_map_fd, (void *)dp, &st);

	if (r < 0)
		return r;
	st.release = release_bpf;
	r = blf_new(&st, out);
	if (r < 0)
		blf_bpf_store_free(&st);
	return r;
}
