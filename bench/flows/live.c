// SPDX-License-Identifier: GPL-2.0-or-later
/*
 *   xdpd-flows live --xdpd PINNED_PROG --seed OBJ --floor OBJ --ifname IF
 *                   [--bound OBJ] [--packets N] [--park IF_FLOOR,IF_SEED[,IF_BOUND]]
 *
 * Every program gets the same frame, TCP to port 8080, which all of them
 * drop (xdpd with the one rule "drop tcp dst_port 8080", as the seed
 * program), so no frame goes up the stack and the number is the program's
 * own rate. --bound adds a program that does xdpd's per-packet duties for
 * that one rule by hand (bench/flows/duties.bpf.c). Pinned to one CPU;
 * best of five interleaved rounds (the machine's slow moments hit xdpd, whose
 * footprint is larger, more than the others).
 */
#include <errno.h>
#include <getopt.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "frames.h"
#include "flows.h"
#include "prog_load.h"
#include "live.h"

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Mpps of one round, or a negative errno. */
static double live_round(int fd, int ifindex, const uint8_t *frame, uint32_t len, uint32_t n)
{
	struct xdp_md md = {.data_end = len, .ingress_ifindex = (uint32_t)ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .repeat = n, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
	double t0 = now_s();

	if (bpf_prog_test_run_opts(fd, &o))
		return -errno;
	return n / (now_s() - t0) / 1e6;
}

/* The frame every program sees: TCP to port 8080, which all three drop. */
static const struct frame_spec live_frame = {.src = "198.51.100.7",
					     .dst = "192.0.2.1",
					     .proto = IPPROTO_TCP,
					     .sport = 40000,
					     .dport = 8080,
					     .tcp_flags = FRAME_TH_SYN,
					     .payload = 6};

int live_main(int argc, char **argv)
{
	static const struct option lo[] = {{"xdpd", 1, 0, 'x'},	   {"seed", 1, 0, 's'},
					   {"floor", 1, 0, 'f'},   {"ifname", 1, 0, 'i'},
					   {"packets", 1, 0, 'n'}, {"park", 1, 0, 'P'},
					   {"bound", 1, 0, 'b'},   {0, 0, 0, 0}};
	const char *xdpd = NULL, *seed = NULL, *floor = NULL, *ifname = NULL, *park = NULL;
	const char *bound = NULL;
	/* the parked programs first (--park names their interfaces), xdpd last */
	const char *names[4] = {"floor (XDP_DROP only)", "seed (drop tcp/8080)",
				"bound: xdpd's duties by hand", "xdpd (1 rule)"};
	uint32_t n = 20000000;
	uint8_t frame[FRAME_MAX];
	double best[4] = {0, 0, 0, 0};
	int fds[4], c, len, ifindex, np, x;
	cpu_set_t one;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'x':
			xdpd = optarg;
			break;
		case 's':
			seed = optarg;
			break;
		case 'f':
			floor = optarg;
			break;
		case 'i':
			ifname = optarg;
			break;
		case 'n':
			n = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'P':
			park = optarg;
			break;
		case 'b':
			bound = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!xdpd || !seed || !floor || !ifname || !(ifindex = (int)if_nametoindex(ifname))) {
		fprintf(stderr, "xdpd-flows live: --xdpd, --seed, --floor, --ifname (existing)\n");
		return 2;
	}
	np = bound ? 4 : 3;
	x = np - 1; /* xdpd's row */
	if (!bound)
		names[2] = names[3];
	CPU_ZERO(&one);
	CPU_SET(0, &one);
	sched_setaffinity(0, sizeof(one), &one); /* one core: the kernel runs the batch here */
	len = frame_build(&live_frame, frame, sizeof(frame));
	fds[0] = bench_load_obj(floor);
	fds[1] = bench_load_obj(seed);
	if (bound)
		fds[2] = bench_load_obj(bound);
	fds[x] = bpf_obj_get(xdpd);
	for (int p = 0; p < np; p++)
		if (fds[p] < 0) {
			fprintf(stderr, "xdpd-flows live: %s: cannot load\n", names[p]);
			return 1;
		}
	if (bench_park_all(park, fds, np - 1)) {
		fprintf(stderr, "xdpd-flows live: cannot park the reference programs on %s\n",
			park);
		return 1;
	}
	/* interleaved rounds: a slow moment of the machine hits all of them */
	for (int round = 0; round < 5; round++)
		for (int p = 0; p < np; p++) {
			double m = live_round(fds[p], ifindex, frame, (uint32_t)len, n);

			if (m < 0) {
				fprintf(stderr, "xdpd-flows live: %s: %s\n", names[p],
					strerror((int)-m));
				return 1;
			}
			best[p] = m > best[p] ? m : best[p];
		}
	printf("| program | Mpps (live frames, 1 core) | of the floor | of the seed |\n"
	       "|---|---|---|---|\n");
	for (int p = 0; p < np; p++)
		printf("| %s | %.2f | %.2f | %.2f |\n", names[p], best[p], best[p] / best[0],
		       best[p] / best[1]);
	printf("\nTarget: xdpd with 1 rule at least 0.8x the seed program's Mpps: %.2fx %s\n",
	       best[x] / best[1], best[x] >= 0.8 * best[1] ? "PASS" : "FALL SHORT");
	if (bound)
		printf("\nThe bound, xdpd's per-packet duties for this one rule written by hand "
		       "(bench/flows/duties.bpf.c): %.2fx the seed's Mpps; xdpd reaches %.2f of "
		       "it.\n",
		       best[2] / best[1], best[x] / best[2]);
	return best[x] >= 0.8 * best[1] ? 0 : 1;
}

/*   xdpd-flows pump --xdpd PINNED_PROG --ifname IF --pps N --seconds S
 * Traffic for the monitor benchmark: the same dropped frame through the live
 * program at about N packets per second (batches of 1,024, paced), so that
 * with sampling at rate 1 every packet is a ring-buffer event. Prints the
 * packets sent and the rate reached. */
int pump_main(int argc, char **argv)
{
	static const struct option lo[] = {{"xdpd", 1, 0, 'x'},
					   {"ifname", 1, 0, 'i'},
					   {"pps", 1, 0, 'p'},
					   {"seconds", 1, 0, 's'},
					   {0, 0, 0, 0}};
	const char *xdpd = NULL, *ifname = NULL;
	double pps = 1e6, secs = 3, t0, t;
	uint8_t frame[FRAME_MAX];
	uint64_t sent = 0;
	int c, fd, len, ifindex;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'x':
			xdpd = optarg;
			break;
		case 'i':
			ifname = optarg;
			break;
		case 'p':
			pps = strtod(optarg, NULL);
			break;
		case 's':
			secs = strtod(optarg, NULL);
			break;
		default:
			return 2;
		}
	}
	if (!xdpd || !ifname || !(ifindex = (int)if_nametoindex(ifname)) || pps <= 0) {
		fprintf(stderr, "xdpd-flows pump: --xdpd, --ifname (existing), --pps > 0\n");
		return 2;
	}
	fd = bpf_obj_get(xdpd);
	len = frame_build(&live_frame, frame, sizeof(frame));
	if (fd < 0 || len < 0)
		return 1;
	t0 = now_s();
	while ((t = now_s() - t0) < secs) {
		if (sent > t * pps) { /* ahead of the rate: wait a little */
			struct timespec ts = {0, 100000};

			nanosleep(&ts, NULL);
			continue;
		}
		if (live_round(fd, ifindex, frame, (uint32_t)len, 1024) < 0) {
			perror("xdpd-flows pump");
			return 1;
		}
		sent += 1024;
	}
	t = now_s() - t0;
	printf("{\"sent\": %llu, \"seconds\": %.3f, \"pps\": %.0f}\n", (unsigned long long)sent, t,
	       sent / t);
	return 0;
}
