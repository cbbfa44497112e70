/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpd-flows live: packets per second with BPF_F_TEST_XDP_LIVE_FRAMES (the
 * kernel's own traffic generator path, as xdp-trafficgen uses it), one
 * core, for a drop-only floor, the seed chapter's program and xdpd.
 */
#ifndef XDPD_BENCH_LIVE_H
#define XDPD_BENCH_LIVE_H

int live_main(int argc, char **argv);
/* Paced live traffic for the monitor benchmark (bench/run-monitor). */
int pump_main(int argc, char **argv);

#endif /* XDPD_BENCH_LIVE_H */
