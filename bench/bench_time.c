/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Timing programs with BPF_PROG_TEST_RUN. Same-frame runs read the clock
 * around the syscall rather than take the kernel's duration field, which
 * is a whole number of nanoseconds per packet: too coarse for a floor of a
 * few ns; with a repeat of a million, the syscall's own cost is below 0.01
 * ns per packet. Distinct-flow runs (repeat 1) sum the kernel's duration
 * instead: the syscall around one packet costs ~1.2 us and varies by
 * +-50 ns from run to run, more than what is measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "evict.h"

static int run(int prog_fd, int ifindex, const struct tframe *f, uint32_t repeat, uint32_t *ret,
	       uint32_t *duration)
{
	struct xdp_md md = {.data_end = f->len, .ingress_ifindex = (uint32_t)ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data, .data_size_in = f->len,
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = repeat);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		return -errno;
	if (ret)
		*ret = opts.retval;
	if (duration)
		*duration = opts.duration;
	return 0;
}

int bench_verdict(int prog_fd, int ifindex, const struct tframe *f)
{
	uint32_t ret = 0;
	int err = run(prog_fd, ifindex, f, 1, &ret, NULL);

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
	int err = run(prog_fd, ifindex, f, repeat, NULL, NULL);

	if (err)
		return err;
	return (now_ns() - t0) / repeat;
}

double bench_time_distinct(int prog_fd, int ifindex, const struct tframe *f, size_t nf, int cold)
{
	uint64_t total = 0;
	uint32_t d = 0;
	int err;

	if (cold)
		bench_evict_caches();
	for (size_t i = 0; i < nf; i++) {
		err = run(prog_fd, ifindex, &f[i], 1, NULL, &d);
		if (err)
			return err;
		total += d;
	}
	return (double)total / (double)nf;
}
