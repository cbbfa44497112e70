// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Timing many flows with BPF_PROG_TEST_RUN: one call per frame (repeat 1),
 * summing the kernel's own measure of the program's run time, so that the
 * syscall and the frame copy (the same for every program, ~1 us) stay out
 * and the floor program shows what is left of the harness.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "evict.h"
#include "flows.h"

int time_pass(int prog_fd, int ifindex, const struct frames *f, int cold, struct pass_result *r)
{
	uint64_t total = 0;

	memset(r, 0, sizeof(*r));
	if (cold)
		bench_evict_caches();
	for (size_t i = 0; i < f->n; i++) {
		struct xdp_md md = {.data_end = f->len[i], .ingress_ifindex = (uint32_t)ifindex};
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->data + i * f->stride,
			    .data_size_in = f->len[i], .ctx_in = &md, .ctx_size_in = sizeof(md),
			    .repeat = 1);

		if (bpf_prog_test_run_opts(prog_fd, &o))
			return -errno;
		total += o.duration;
		r->drops += o.retval == XDP_DROP;
	}
	r->ns = (double)total / (double)f->n;
	return 0;
}

