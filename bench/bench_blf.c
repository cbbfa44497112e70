// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The benchmark's blocklist prefixes into xdpd's lookup index (bpf/blocklist.h)
 * as well as into the record maps: the datapath searches the index, so a
 * prefix only in the records would never match (helper xh13).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <bpf/bpf.h>

#include "bench.h"
#include "blf_pinned.h"

int fill_blocklist_index(const char *bpffs, int family, uint32_t from, uint32_t to)
{
	struct blf *f = NULL;
	struct prefix p;
	int r = blf_open_pinned(bpffs, &f);

	if (r < 0)
		return r;
	for (uint32_t i = from; i < to && r == 0; i++) {
		uint32_t len;

		memset(&p, 0, sizeof(p));
		p.family = family == 4 ? AF_INET : AF_INET6;
		if (family == 4)
			gen_block4(i, p.addr, &len);
		else
			gen_block6(i, p.addr, &len);
		p.len = (uint8_t)len;
		r = blf_add(f, &p, 0);
	}
	blf_free(f);
	return r;
}
