// SPDX-License-Identifier: GPL-2.0-or-later
/* The test datapath's blocklist index (see dp_blocklist.h). */
#include <check.h>
#include <errno.h>

#include <bpf/libbpf.h>

#include "blocklist_fast.h"
#include "blocklist_fast_bpf.h"
#include "netparse.h"
#include "xdpd.skel.h"

#include "dp_blocklist.h"
#include "dp_harness.h"

static int skel_map_fd(void *ctx, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(((struct xdpd *)ctx)->obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

struct blf *dp_blf(struct dp *d)
{
	int r;

	if (d->blf)
		return d->blf;
	r = blf_open_bpf(skel_map_fd, d->skel, &d->blf);
	ck_assert_msg(r == 0, "blocklist index: %d", r);
	return d->blf;
}

static struct prefix pfx(const char *s)
{
	struct prefix p;

	ck_assert_msg(parse_prefix(s, &p) == 0, "bad prefix %s", s);
	return p;
}

void dp_block_index(struct dp *d, const char *prefix, uint64_t expires_ns)
{
	struct prefix p = pfx(prefix);
	int r = blf_add(dp_blf(d), &p, expires_ns);

	ck_assert_msg(r == 0, "blocklist index add %s: %d", prefix, r);
}

uint64_t dp_block_index_hits(struct dp *d, const char *prefix)
{
	struct prefix p = pfx(prefix);
	struct blf_rec rec;
	int r = blf_get(dp_blf(d), &p, &rec);

	ck_assert_msg(r == 0, "blocklist index lookup %s: %d", prefix, r);
	return rec.packets;
}

void dp_unblock(struct dp *d, const char *prefix)
{
	struct prefix p = pfx(prefix);
	int r = blf_del(dp_blf(d), &p);

	ck_assert_msg(r == 0, "blocklist index delete %s: %d", prefix, r);
}
