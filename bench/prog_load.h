/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference programs of the benchmarks (floor, seed, plain LPM): loaded
 * from their objects, and parked on an interface of their own.
 *
 * Parking matters: BPF_PROG_TEST_RUN calls an XDP program through the
 * kernel's XDP dispatcher, which calls the programs attached to some
 * interface directly and any other one through a retpoline. Measured here:
 * the pass-only floor costs ~15 ns per run attached and ~25-29 ns not, more
 * than most of what is being compared. xdpd and xdp-filter are attached, so
 * the programs they are compared with must be too.
 */
#ifndef XDPD_BENCH_PROG_LOAD_H
#define XDPD_BENCH_PROG_LOAD_H

/* The first program of the object at path, loaded: its fd, or -errno. */
int bench_load_obj(const char *path);

struct bpf_object;
/* The same, with setup(obj, arg) called between open and load (map sizes,
 * read-only data); its error is returned. */
int bench_load_obj_with(const char *path, int (*setup)(struct bpf_object *, void *), void *arg);

/* Attaches prog_fd to ifname (native XDP, replacing what is there), so that
 * test runs call it as they call attached programs. 0 or -errno. */
int bench_park(int prog_fd, const char *ifname);

/* fds[i] on the i-th interface of the comma-separated list (n of them; a
 * negative fd is skipped). NULL list: nothing parked. 0 or -errno. */
int bench_park_all(const char *list, const int *fds, int n);

#endif /* XDPD_BENCH_PROG_LOAD_H */
