/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timing programs with BPF_PROG_TEST_RUN. The clock is read around the
 * syscall rather than taken from the kernel's duration field, which is a
 * whole number of nanoseconds per packet: too coarse for a floor of a few
 * ns. With a repeat of a million, the syscall's own cost is below 0.01 ns
 * per packet.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"

static int run(int prog_fd, int ifindex, const struct tframe *f, uint32_t repeat, uint32_t *ret)
{
	struct xdp_md md = {.data_end = f->len, .ingress_ifindex = (uint32_t)ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data, .data_size_in = f->len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	if (ret)
		*ret = opts.retval;
	return 0;
}

int bench_verdict(int prog_fd, int ifindex, const struct tframe *f)
{
	uint32_t ret;
	int err = run(prog_fd, ifindex, f, 1, &ret);

	return err ? err : (int)ret;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

double bench_time_repeat(int prog_fd, int ifindex, const struct tframe *f, uint32_t repeat)
{
	double t0 = now_ns();
	int err = run(prog_fd, ifindex, f, repeat, NULL);

	if (err)
		return err;
	return (now_ns() - t0) / repeat;
}

double bench_time_distinct(int prog_fd, int ifindex, const struct tframe *f, size_t nf)
{
	double t0 = now_ns();
	size_t i;
	int err;

	for (i = 0; i < nf; i++) {
		err = run(prog_fd, ifindex, &f[i], 1, NULL);
		if (err)
			return err;
	}
	return (now_ns() - t0) / (double)nf;
}
