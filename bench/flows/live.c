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
 * footprint is larger, more than the others). Where the kernel refuses live
 * frames, the ordinary test run takes their place (struct live_path) and
 * the target is printed NOT MEASURED.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdint.h>
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

/* How the frame goes through the program. Live frames are the kernel's
 * traffic-generator path: each run builds an xdp_frame from a page pool and
 * an XDP_TX or redirect sends it. Some kernels refuse the flag (a sandboxed
 * or hardened build with EPERM; before 5.18, EINVAL): there the ordinary
 * test run takes its place, the same program on the same frame, nothing
 * sent. The verdict, the counters and the ring buffer's samples are the
 * same; the rate leaves out the page pool's part. */
struct live_path {
	uint32_t flags; /* BPF_F_TEST_XDP_LIVE_FRAMES, or 0 */
	int refused;	/* the errno of the kernel's refusal, or 0 */
};

/* Mpps of one round, or a negative errno. */
static double live_round(int fd, int ifindex, const uint8_t *frame, uint32_t len, uint32_t n,
			 uint32_t flags)
{
	struct xdp_md md = {.data_end = len, .ingress_ifindex = (uint32_t)ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = len, .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .repeat = n, .flags = flags);
	double t0 = now_s();

	if (bpf_prog_test_run_opts(fd, &o))
		return -errno;
	return n / (now_s() - t0) / 1e6;
}

/* Live frames when this kernel runs them (one probe run), the ordinary test
 * run when it refuses them; a negative errno for any other failure. */
static int live_path_pick(int fd, int ifindex, const uint8_t *frame, uint32_t len,
			  struct live_path *lp)
{
	double m = live_round(fd, ifindex, frame, len, 1, BPF_F_TEST_XDP_LIVE_FRAMES);

	*lp = (struct live_path){.flags = BPF_F_TEST_XDP_LIVE_FRAMES};
	if (m >= 0)
		return 0;
	if (m != -EPERM && m != -EINVAL && m != -EOPNOTSUPP)
		return (int)m;
	*lp = (struct live_path){.flags = 0, .refused = (int)-m};
	m = live_round(fd, ifindex, frame, len, 1, 0);
	return m < 0 ? (int)m : 0;
}

/* The frame every program sees: TCP to port 8080, which all three drop. */
static const struct frame_spec live_frame = {.src = "198.51.100.7",
					     .dst = "192.0.2.1",
					     .proto = IPPROTO_TCP,
					     .sport = 40000,
					     .dport = 8080,
					     .tcp_flags = FRAME_TH_SYN,
					     .payload = 6};

/* The best Mpps of each program over five interleaved rounds (a slow
 * moment of the machine hits all of them); 0, or 1 after a message. */
static int live_best(const int *fds, const char *const *names, int np, int ifindex,
		     const uint8_t *frame, uint32_t len, uint32_t n, uint32_t flags, double *best)
{
	for (int round = 0; round < 5; round++)
		for (int p = 0; p < np; p++) {
			double m = live_round(fds[p], ifindex, frame, len, n, flags);

			if (m < 0) {
				fprintf(stderr, "xdpd-flows live: %s: %s\n", names[p],
					strerror((int)-m));
				return 1;
			}
			best[p] = m > best[p] ? m : best[p];
		}
	return 0;
}

/* The table and the target line; the exit status: 0 only when live frames
 * were measured and the target is met. */
static int live_report(const char *const *names, int np, int x, int bound,
		       const struct live_path *lp, const double *best)
{
	int met = best[x] >= 0.8 * best[1];

	if (lp->refused)
		printf("This kernel refuses live frames (BPF_F_TEST_XDP_LIVE_FRAMES: %s): the "
		       "rates below are the ordinary test run's, the same frame through the same "
		       "programs with nothing sent, so they leave out the page pool's part of "
		       "each packet.\n\n",
		       strerror(lp->refused));
	printf("| program | Mpps (%s, 1 core) | of the floor | of the seed |\n"
	       "|---|---|---|---|\n",
	       lp->refused ? "same frame, ordinary test run" : "live frames");
	for (int p = 0; p < np; p++)
		printf("| %s | %.2f | %.2f | %.2f |\n", names[p], best[p], best[p] / best[0],
		       best[p] / best[1]);
	if (lp->refused)
		printf("\nTarget: xdpd with 1 rule at least 0.8x the seed program's Mpps with live "
		       "frames: NOT MEASURED (refused by this kernel); without them, on the same "
		       "frame: %.2fx\n",
		       best[x] / best[1]);
	else
		printf("\nTarget: xdpd with 1 rule at least 0.8x the seed program's Mpps: %.2fx "
		       "%s\n",
		       best[x] / best[1], met ? "PASS" : "FALL SHORT");
	if (bound)
		printf("\nThe bound, xdpd's per-packet duties for this one rule written by hand "
		       "(bench/flows/duties.bpf.c): %.2fx the seed's Mpps; xdpd reaches %.2f of "
		       "it.\n",
		       best[2] / best[1], best[x] / best[2]);
	return met && !lp->refused ? 0 : 1;
}

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
	struct live_path lp;
	int fds[4], c, len, ifindex, np, x, err;
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
		case 'n': {
			unsigned long v;

			if (flows_count_opt("--packets", optarg, &v) || !v || v > UINT32_MAX) {
				fprintf(stderr, "xdpd-flows live: --packets '%s': 1 to %u\n",
					optarg, UINT32_MAX);
				return 2;
			}
			n = (uint32_t)v;
			break;
		}
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
	if ((err = live_path_pick(fds[0], ifindex, frame, (uint32_t)len, &lp))) {
		fprintf(stderr, "xdpd-flows live: %s: %s\n", names[0], strerror(-err));
		return 1;
	}
	if (live_best(fds, names, np, ifindex, frame, (uint32_t)len, n, lp.flags, best))
		return 1;
	return live_report(names, np, x, bound != NULL, &lp, best);
}

/* A finite number and nothing after it, else NaN (which every "> 0" check
 * refuses): "5x" is not 5, and "inf" seconds would never end. */
static double finite_opt(const char *arg)
{
	char *end;
	double v = strtod(arg, &end);

	return end == arg || *end || !isfinite(v) ? NAN : v;
}

/*   xdpd-flows pump --xdpd PINNED_PROG --ifname IF --pps N --seconds S
 * Traffic for the monitor benchmark: the same dropped frame through the live
 * program at about N packets per second (batches of 1,024, paced), so that
 * with sampling at rate 1 every packet is a ring-buffer event. Where the
 * kernel refuses live frames, the ordinary test run: the samples are the
 * same. Prints the packets run through the program, the rate reached and
 * whether they were live frames. */
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
	struct live_path lp;
	int c, fd, len, ifindex, err;

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
			pps = finite_opt(optarg);
			break;
		case 's':
			secs = finite_opt(optarg);
			break;
		default:
			return 2;
		}
	}
	if (!xdpd || !ifname || !(ifindex = (int)if_nametoindex(ifname)) || !(pps > 0) ||
	    !(secs > 0)) {
		fprintf(stderr,
			"xdpd-flows pump: --xdpd, --ifname (existing), --pps > 0, --seconds > 0\n");
		return 2;
	}
	fd = bpf_obj_get(xdpd);
	len = frame_build(&live_frame, frame, sizeof(frame));
	if (fd < 0 || len < 0)
		return 1;
	if ((err = live_path_pick(fd, ifindex, frame, (uint32_t)len, &lp))) {
		fprintf(stderr, "xdpd-flows pump: %s\n", strerror(-err));
		return 1;
	}
	sent = 1; /* the probe's frame went through the program too */
	t0 = now_s();
	while ((t = now_s() - t0) < secs) {
		if (sent > t * pps) { /* ahead of the rate: wait a little */
			struct timespec ts = {0, 100000};

			nanosleep(&ts, NULL);
			continue;
		}
		double m = live_round(fd, ifindex, frame, (uint32_t)len, 1024, lp.flags);

		if (m < 0) {
			fprintf(stderr, "xdpd-flows pump: %s\n", strerror((int)-m));
			return 1;
		}
		sent += 1024;
	}
	t = now_s() - t0;
	printf("{\"sent\": %llu, \"seconds\": %.3f, \"pps\": %.0f, \"live_frames\": %s}\n",
	       (unsigned long long)sent, t, sent / t, lp.refused ? "false" : "true");
	return 0;
}
