// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpd-flows: see flows.h and bench/run-flows.
 *
 *   xdpd-flows blocklist --bpffs DIR --xdpd PINNED_PROG --floor OBJ --lpm OBJ
 *                        --one-read OBJ --batch OBJ
 *                        [--park IF_FLOOR,IF_LPM,IF_ONE_READ]
 *                        --ifname IF [--sizes N,N,...] [--flows N] [--rounds N]
 *   xdpd-flows live ...   (live.c)
 *
 * blocklist: for each total size (70% IPv4, 30% IPv6 prefixes, filled
 * cumulatively into xdpd's index and into a plain LPM trie), the ns/packet
 * of floor, plain LPM and xdpd over the same distinct flows, cold and warm,
 * timed one call per packet and back to back (the batch driver: batch.h),
 * as a markdown table (each contender's best of --rounds interleaved
 * rounds, 3 by default), with the cost of one random read of a table the size
 * of xdpd's IPv4 index (one_read.bpf.c: a bound, not a lookup); the same
 * read over arrays of 128 KiB to 256 MiB (read_curve.c); then the targets at the
 * largest size.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "batch.h"
#include "blf_pinned.h"
#include "blocklist_fast.h"
#include "flows.h"
#include "prog_load.h"
#include "live.h"

#define SEED 0x600dULL

struct opts {
	const char *bpffs, *xdpd, *floor, *lpm, *one_read, *batch, *ifname;
	const char *park; /* interfaces for the floor, the plain LPM and one_read (prog_load.h) */
	uint32_t sizes[8];
	int nsizes;
	size_t flows;
	int rounds; /* of every contender, interleaved; each keeps its best */
};

/* The contenders, in the order of the table's columns. */
enum { C_FLOOR, C_LPM, C_XDPD, C_ONE_READ, NCONT };

/* Per mode and family: the excess of xdpd and of the LPM program over the
 * floor at the first size (0 prefixes: what the rest of each program
 * costs), and at the last size measured (for the targets); the one-read
 * bound's excess at the last size. [mode][family][0 cold, 1 warm] */
static double base_x[NMODES][2][2], base_l[NMODES][2][2];
static double last_x[NMODES][2][2], last_l[NMODES][2][2], last_r[NMODES][2][2];
static int have_base[NMODES][2];

/* The part of an excess that the lookup adds over the empty-blocklist run. */
static double part(double v, double base)
{
	return v - base > 1 ? v - base : 1;
}

static void print_row(int m, int family, uint32_t total, uint32_t n, const struct contender *c)
{
	int v6 = family == 6;
	double ex[2], el[2], er[2];

	for (int w = 0; w < 2; w++) {
		double fl = w ? c[C_FLOOR].warm[m].ns : c[C_FLOOR].cold[m].ns;

		ex[w] = (w ? c[C_XDPD].warm[m].ns : c[C_XDPD].cold[m].ns) - fl;
		el[w] = (w ? c[C_LPM].warm[m].ns : c[C_LPM].cold[m].ns) - fl;
		er[w] = (w ? c[C_ONE_READ].warm[m].ns : c[C_ONE_READ].cold[m].ns) - fl;
	}
	if (!have_base[m][v6]) {
		memcpy(base_x[m][v6], ex, sizeof(ex));
		memcpy(base_l[m][v6], el, sizeof(el));
		have_base[m][v6] = 1;
	}
	memcpy(last_x[m][v6], ex, sizeof(ex));
	memcpy(last_l[m][v6], el, sizeof(el));
	memcpy(last_r[m][v6], er, sizeof(er));
	printf("| %u | IPv%d | %u | %s | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f | "
	       "%.0f / %.0f | %.0f / %.0f | %.1fx / %.1fx | %s |\n",
	       total, family, n, flows_mode_name[m], c[C_FLOOR].cold[m].ns, c[C_FLOOR].warm[m].ns,
	       el[0], el[1], ex[0], ex[1], part(el[0], base_l[m][v6][0]),
	       part(el[1], base_l[m][v6][1]), part(ex[0], base_x[m][v6][0]),
	       part(ex[1], base_x[m][v6][1]), er[0], er[1],
	       part(el[0], base_l[m][v6][0]) / part(ex[0], base_x[m][v6][0]),
	       part(el[1], base_l[m][v6][1]) / part(ex[1], base_x[m][v6][1]),
	       c[C_LPM].warm[M_CALLS].drops == c[C_XDPD].warm[M_CALLS].drops ? "same"
									     : "DIFFERENT");
}

static int row(const struct opts *o, int ifindex, int family, uint32_t total, uint32_t n,
	       struct contender *c, struct batch *b)
{
	struct frames f = {0};
	int e = frames_make(&f, family, SEED, n, o->flows);

	if (!e)
		e = flows_rounds(c, NCONT, ifindex, &f, b, o->rounds);
	frames_free(&f);
	if (e)
		return e;
	for (int m = 0; m < NMODES; m++)
		print_row(m, family, total, n, c);
	fflush(stdout);
	if (c[C_LPM].warm[M_CALLS].drops != c[C_XDPD].warm[M_CALLS].drops)
		fprintf(stderr, "xdpd-flows: IPv%d at %u: LPM dropped %llu, xdpd %llu\n", family,
			total, (unsigned long long)c[C_LPM].warm[M_CALLS].drops,
			(unsigned long long)c[C_XDPD].warm[M_CALLS].drops);
	return 0;
}

static const char *verdict(int ok)
{
	return ok ? "PASS" : "FALL SHORT";
}

static int targets_of(int m, uint32_t total, size_t flows)
{
	int short_ = 0;

	printf("\nTargets at %u prefixes, %zu distinct flows, %s (cold / warm):\n", total, flows,
	       flows_mode_name[m]);
	for (int v6 = 0; v6 < 2; v6++) {
		int fam = v6 ? 6 : 4;

		for (int w = 0; w < 2; w++) {
			double x = last_x[m][v6][w], lookup_x = part(x, base_x[m][v6][w]);
			double lookup_l = part(last_l[m][v6][w], base_l[m][v6][w]);
			int ok1 = x <= 150, ok2 = lookup_x * 10 <= lookup_l;

			printf("- IPv%d %s: xdpd's excess over floor <= 150 ns: %.0f ns %s"
			       " (the blocklist's part of it: %.0f ns)\n",
			       fam, w ? "warm" : "cold", x, verdict(ok1), lookup_x);
			printf(
			    "- IPv%d %s: blocklist lookup >= 10x faster than the plain LPM trie's"
			    " on the same keys: %.0f vs %.0f ns, %.1fx %s\n",
			    fam, w ? "warm" : "cold", lookup_x, lookup_l, lookup_l / lookup_x,
			    verdict(ok2));
			short_ += !ok1 + !ok2;
		}
	}
	printf("\nThe bound, %s: one random 8-byte read of a 256 MiB BPF array (the size of "
	       "the IPv4 index's first level) per packet, half its entries set so that the read "
	       "decides the verdict, nothing else, on the same flows, costs "
	       "%.0f / %.0f ns (IPv4, cold / warm) and %.0f / %.0f ns (IPv6) over the floor; "
	       "an exact lookup over %u prefixes reads a table of that size at least once.\n",
	       flows_mode_name[m], last_r[m][0][0], last_r[m][0][1], last_r[m][1][0], last_r[m][1][1],
	       total);
	return short_;
}

static int targets(uint32_t total, size_t flows)
{
	int short_ = 0;

	for (int m = 0; m < NMODES; m++)
		short_ += targets_of(m, total, flows);
	return short_;
}

/* The cost of one random read by table size, on the IPv4 flows of the
 * last size (read_curve.c). */
static int curve(const struct opts *o, int ifindex, int floor_fd, uint32_t n4, struct batch *b)
{
	struct frames f = {0};
	int e = frames_make(&f, 4, SEED, n4, o->flows);

	if (!e)
		e = read_curve(o->one_read, o->park, floor_fd, ifindex, &f, b, o->rounds);
	frames_free(&f);
	return e;
}

static int blocklist(const struct opts *o)
{
	int ifindex = (int)if_nametoindex(o->ifname), fd4, fd6, lpm_fd, e;
	struct contender c[NCONT] = {{.name = "floor"},
				     {.name = "lpm"},
				     {.name = "xdpd"},
				     {.name = "one read"}};
	uint32_t have4 = 0, have6 = 0, max = 0;
	struct batch *b = NULL;
	struct blf *idx;

	if (!ifindex)
		return -ENODEV;
	for (int i = 0; i < o->nsizes; i++)
		max = o->sizes[i] > max ? o->sizes[i] : max;
	c[C_FLOOR].fd = bench_load_obj(o->floor);
	c[C_ONE_READ].fd = bench_load_obj(o->one_read);
	c[C_XDPD].fd = bpf_obj_get(o->xdpd);
	if (c[C_XDPD].fd < 0)
		return -errno;
	if (c[C_FLOOR].fd < 0 || c[C_ONE_READ].fd < 0)
		return c[C_FLOOR].fd < 0 ? c[C_FLOOR].fd : c[C_ONE_READ].fd;
	e = one_read_fill_half(c[C_ONE_READ].fd); /* the read decides, as a lookup's */
	if (e)
		return e;
	e = lpm_load(o->lpm, max ? max : 1, &lpm_fd, &fd4, &fd6);
	if (e)
		return e;
	c[C_LPM].fd = lpm_fd;
	e = bench_park_all(o->park, (int[]){c[C_FLOOR].fd, c[C_LPM].fd, c[C_ONE_READ].fd}, 3);
	if (e)
		return e;
	e = batch_open(o->batch, o->flows, &b);
	if (e)
		return e;
	e = blf_open_pinned(o->bpffs, &idx);
	if (e) {
		batch_close(b);
		return e;
	}
	if (blf_count(idx)) { /* the sizes are cumulative from an empty blocklist */
		fprintf(stderr, "xdpd-flows: the blocklist under %s is not empty\n", o->bpffs);
		blf_free(idx);
		batch_close(b);
		return -EEXIST;
	}
	printf("| prefixes | family | of the family | timing | floor ns (cold / warm) | plain LPM: "
	       "excess | xdpd: excess | LPM: lookup part | xdpd: blocklist part | one random read: "
	       "excess | LPM / xdpd lookup | verdicts |\n"
	       "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (int i = 0; i < o->nsizes && !e; i++) {
		uint32_t n4 = (uint32_t)(o->sizes[i] * 0.7), n6 = o->sizes[i] - n4;

		e = fill_index(idx, 4, SEED, have4, n4);
		if (!e)
			e = fill_index(idx, 6, SEED, have6, n6);
		if (!e)
			e = fill_lpm(fd4, 4, SEED, have4, n4);
		if (!e)
			e = fill_lpm(fd6, 6, SEED, have6, n6);
		have4 = n4;
		have6 = n6;
		if (!e)
			e = row(o, ifindex, 4, o->sizes[i], n4, c, b);
		if (!e)
			e = row(o, ifindex, 6, o->sizes[i], n6, c, b);
	}
	if (!e)
		e = curve(o, ifindex, c[C_FLOOR].fd, have4, b);
	blf_free(idx);
	batch_close(b);
	if (e)
		return e;
	return targets(o->sizes[o->nsizes - 1], o->flows) ? 1 : 0;
}

/* A whole decimal number, or a message naming the option. */
int flows_count_opt(const char *name, const char *arg, unsigned long *n)
{
	char *end;

	errno = 0;
	*n = strtoul(arg, &end, 10);
	if (errno || *end || end == arg || *arg == '-') {
		fprintf(stderr, "xdpd-flows: %s '%s': not a number\n", name, arg);
		return -EINVAL;
	}
	return 0;
}

static int parse_sizes(struct opts *o, char *s)
{
	o->nsizes = 0;
	for (char *t = strtok(s, ","); t && o->nsizes < 8; t = strtok(NULL, ","))
		o->sizes[o->nsizes++] = (uint32_t)strtoul(t, NULL, 10);
	return o->nsizes ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
	    {"bpffs", 1, 0, 'b'},  {"xdpd", 1, 0, 'x'},	 {"floor", 1, 0, 'f'}, {"lpm", 1, 0, 'l'},
	    {"ifname", 1, 0, 'i'}, {"sizes", 1, 0, 's'}, {"flows", 1, 0, 'n'}, {"park", 1, 0, 'P'},
	    {"one-read", 1, 0, 'r'}, {"batch", 1, 0, 'B'}, {"rounds", 1, 0, 'R'}, {0, 0, 0, 0}};
	struct opts o = {.flows = 65536, .rounds = 3, .sizes = {0, 1000, 100000, 1000000}, .nsizes = 4};
	unsigned long n;
	int c, r;

	if (argc > 1 && !strcmp(argv[1], "live"))
		return live_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "pump"))
		return pump_main(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "blocklist")) {
		fprintf(stderr,
			"usage: xdpd-flows blocklist|live|pump [options] (see bench/run-flows)\n");
		return 2;
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			o.bpffs = optarg;
			break;
		case 'x':
			o.xdpd = optarg;
			break;
		case 'f':
			o.floor = optarg;
			break;
		case 'l':
			o.lpm = optarg;
			break;
		case 'i':
			o.ifname = optarg;
			break;
		case 's':
			if (parse_sizes(&o, optarg))
				return 2;
			break;
		case 'n':
			if (flows_count_opt("--flows", optarg, &n))
				return 2;
			o.flows = n;
			break;
		case 'R':
			if (flows_count_opt("--rounds", optarg, &n) || !n || n > 100) {
				fprintf(stderr, "xdpd-flows: --rounds '%s': 1 to 100\n", optarg);
				return 2;
			}
			o.rounds = (int)n;
			break;
		case 'P':
			o.park = optarg;
			break;
		case 'r':
			o.one_read = optarg;
			break;
		case 'B':
			o.batch = optarg;
			break;
		default:
			return 2;
		}
	}
	if (!o.bpffs || !o.xdpd || !o.floor || !o.lpm || !o.one_read || !o.batch || !o.ifname ||
	    !o.flows) {
		fprintf(stderr,
			"xdpd-flows blocklist: --bpffs, --xdpd, --floor, --lpm, --one-read, --batch, "
			"--ifname and a non-zero --flows are required\n");
		return 2;
	}
	r = blocklist(&o);
	if (r < 0) {
		fprintf(stderr, "xdpd-flows: %s\n", strerror(-r));
		return 1;
	}
	return r;
}
