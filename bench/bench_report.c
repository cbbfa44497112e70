/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The report: the measurement rows as a table of ns/packet and ratios, the
 * control-plane costs per policy size, and PASS / FALL SHORT against each
 * target of the benchmark. Markdown, so that bench/RESULTS.md is the output
 * of a run as it is.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum { P_FLOOR, P_SEED, P_XF, P_XDPD, NPROGS };
enum { M_CALLS, M_BATCH, NMODES };
static const char *const mode_name[NMODES] = {"one call per packet", "back to back"};

struct mrow {
	char section[32], probe[32];
	unsigned int size;
	double t[NPROGS];
	/* distinct flows, cold and warm, [mode]: one call per packet, or back
	 * to back through the batch driver (bench/batch.h) */
	double c[NMODES][NPROGS], w[NMODES][NPROGS];
	int v[NPROGS];
};

struct orow {
	unsigned int rules;
	double start_ms, reload_ms, rss_kb;
	double map_bytes, policy_bytes; /* all the program's maps; the generation's own */
};

struct data {
	struct mrow *m;
	size_t nm;
	struct orow *o;
	size_t no;
};

static int read_meas(const char *path, struct data *d)
{
	FILE *f = fopen(path, "r");
	char line[1024];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct mrow r;
		struct mrow *nm;

		int got = sscanf(line,
				 "%31s %u %31s %lf %lf %lf %lf %d %d %d %d %lf %lf %lf %lf %lf %lf "
				 "%lf %lf %lf %lf "
				 "%lf %lf %lf %lf %lf %lf",
				 r.section, &r.size, r.probe, &r.t[0], &r.t[1], &r.t[2], &r.t[3],
				 &r.v[0], &r.v[1], &r.v[2], &r.v[3], &r.c[0][0], &r.w[0][0],
				 &r.c[0][1], &r.w[0][1], &r.c[0][2], &r.w[0][2], &r.c[0][3],
				 &r.w[0][3], &r.c[1][0], &r.w[1][0], &r.c[1][1], &r.w[1][1],
				 &r.c[1][2], &r.w[1][2], &r.c[1][3], &r.w[1][3]);

		if (got != 19 && got != 27)
			continue;
		for (int p = 0; got == 19 && p < NPROGS; p++) /* no back-to-back timing */
			r.c[M_BATCH][p] = r.w[M_BATCH][p] = -1;
		nm = realloc(d->m, (d->nm + 1) * sizeof(*nm));
		if (!nm)
			break;
		d->m = nm;
		d->m[d->nm++] = r;
	}
	fclose(f);
	return 0;
}

static int read_ops(const char *path, struct data *d)
{
	FILE *f = fopen(path, "r");
	char line[512];

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		struct orow r;
		struct orow *no;

		if (sscanf(line, "%u %lf %lf %lf %lf %lf", &r.rules, &r.start_ms, &r.reload_ms,
			   &r.rss_kb, &r.map_bytes, &r.policy_bytes) != 6)
			continue;
		no = realloc(d->o, (d->no + 1) * sizeof(*no));
		if (!no)
			break;
		d->o = no;
		d->o[d->no++] = r;
	}
	fclose(f);
	return 0;
}

static const char *verdict(int v)
{
	static const char *const names[] = {"aborted", "drop", "pass", "tx", "redirect"};

	return v >= 0 && v <= 4 ? names[v] : "-";
}

static void cell(double v, const char *fmt)
{
	if (v < 0)
		printf(" - |");
	else
		printf(fmt, v);
}

static void print_costs(const struct data *d)
{
	printf("| section | size | packet | floor | seed | xdp-filter | xdpd | xdpd/floor "
	       "| xdpd/xdp-filter | xdpd verdict |\n");
	printf("|---|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
	for (size_t i = 0; i < d->nm; i++) {
		const struct mrow *r = &d->m[i];

		printf("| %s | %u | %s |", r->section, r->size, r->probe);
		for (int p = 0; p < NPROGS; p++)
			cell(r->t[p], " %.2f |");
		cell(r->t[P_XDPD] > 0 ? r->t[P_XDPD] / r->t[P_FLOOR] : -1, " %.2fx |");
		cell(r->t[P_XDPD] > 0 && r->t[P_XF] > 0 ? r->t[P_XDPD] / r->t[P_XF] : -1,
		     " %.2fx |");
		printf(" %s |\n", verdict(r->v[P_XDPD]));
	}
}

/* "cold / warm" ns over the floor of program p, or "-". */
static void extra_cell(const struct mrow *r, int m, int p)
{
	const double *c = r->c[m], *w = r->w[m];

	if (c[p] > 0 && w[p] > 0)
		printf(" %.0f / %.0f |", c[p] - c[P_FLOOR], w[p] - w[P_FLOOR]);
	else
		printf(" - |");
}

static const char *const distinct_intro[NMODES] = {
    "\nDistinct flows, one call per packet: one BPF_PROG_TEST_RUN per packet, each packet "
    "another flow of the same kind (another source, or another source port for rule probes; "
    "rule-mix: a random flow in the ranges of a random rule of the 10,000-rule policy, the "
    "same flows at every size), so no per-flow cache or warm trie path helps. The kernel's "
    "run time per packet (the syscall around it is not counted), best of 3 rounds of new "
    "flows, each timed with the CPU caches flushed (cold) and again (warm); the floor column "
    "is the test harness itself, the others the ns over it:\n\n",
    "\nDistinct flows, back to back: the same kinds of flows (new ones), replayed by the "
    "batch driver (bench/progs/batch_driver.bpf.c) inside one BPF_PROG_TEST_RUN per pass, one "
    "tail call per packet, so that no system call between two packets disturbs the caches: "
    "a flood of new flows as a NIC would deliver it. The floor column is the driver and the "
    "floor program (a map read, a copy of the frame, a tail call), the others the ns over "
    "it:\n\n",
};

static void print_distinct(const struct data *d, int m)
{
	int header = 0;

	for (size_t i = 0; i < d->nm; i++) {
		const struct mrow *r = &d->m[i];
		const double *c = r->c[m], *w = r->w[m];

		if (c[P_FLOOR] < 0)
			continue;
		if (!header++) {
			fputs(distinct_intro[m], stdout);
			printf(
			    "| section | size | packet | floor ns (cold / warm) | xdp-filter +ns "
			    "| xdpd +ns | xdpd ns/packet |\n|---|---:|---|---:|---:|---:|---:|\n");
		}
		printf("| %s | %u | %s | %.0f / %.0f |", r->section, r->size, r->probe, c[P_FLOOR],
		       w[P_FLOOR]);
		extra_cell(r, m, P_XF);
		extra_cell(r, m, P_XDPD);
		if (c[P_XDPD] > 0)
			printf(" %.0f / %.0f |", c[P_XDPD], w[P_XDPD]);
		else
			printf(" - |");
		printf("\n");
	}
}

static void print_ops(const struct data *d)
{
	if (!d->no)
		return;
	printf("\nControl plane per policy size (start: daemon exec to control socket up, "
	       "fresh bpffs; reload: the `reload` JSON-RPC round trip to a changed policy of the "
	       "same size; map memory: bytes_memlock of the program's maps from bpftool, all of "
	       "them and the generation's own, i.e. without the stateful maps pinned under "
	       "maps/):\n\n");
	printf("| rules | daemon start ms | reload ms | BPF map memory MiB, all | of which policy "
	       "maps MiB | daemon RSS MiB |\n");
	printf("|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < d->no; i++) {
		const struct orow *o = &d->o[i];

		printf("| %u | %.0f |", o->rules, o->start_ms);
		if (o->reload_ms < 0) /* the limit, negated: the answer never came */
			printf(" > %.0f (no answer yet) |", -o->reload_ms);
		else
			printf(" %.0f |", o->reload_ms);
		printf(" %.1f | %.1f | %.1f |\n", o->map_bytes / 1048576.0,
		       o->policy_bytes / 1048576.0, o->rss_kb / 1024.0);
	}
}

static const struct mrow *find(const struct data *d, const char *section, unsigned int size,
			       const char *probe)
{
	for (size_t i = 0; i < d->nm; i++)
		if (!strcmp(d->m[i].section, section) && d->m[i].size == size &&
		    !strcmp(d->m[i].probe, probe) && d->m[i].t[P_XDPD] > 0)
			return &d->m[i];
	return NULL;
}

static const struct orow *find_ops(const struct data *d, unsigned int rules)
{
	for (size_t i = 0; i < d->no; i++)
		if (d->o[i].rules == rules)
			return &d->o[i];
	return NULL;
}

static double to_floor(const struct mrow *r)
{
	return r ? r->t[P_XDPD] / r->t[P_FLOOR] : -1;
}

/* Prints one target line; returns 1 when it fell short. */
static int target(const char *what, double value, double limit, const char *unit)
{
	if (value < 0) {
		printf("- n/a: %s (not measured in this run)\n", what);
		return 0;
	}
	printf("- %s: %s: %.2f%s (limit %.2f%s)\n", value <= limit ? "PASS" : "FALL SHORT", what,
	       value, unit, limit, unit);
	return value > limit;
}

static double worst_vs_xf(const struct data *d, char *where, size_t cap)
{
	double worst = -1;

	for (size_t i = 0; i < d->nm; i++) {
		const struct mrow *r = &d->m[i];
		double q;

		if (strcmp(r->section, "rules") || r->t[P_XF] <= 0 || r->t[P_XDPD] <= 0)
			continue;
		q = r->t[P_XDPD] / r->t[P_XF];
		if (q > worst) {
			worst = q;
			snprintf(where, cap, "%u rules, %s", r->size, r->probe);
		}
	}
	return worst;
}

static double worst_blocklist(const struct data *d)
{
	double worst = -1;

	for (size_t i = 0; i < d->nm; i++)
		if (!strncmp(d->m[i].section, "blocklist", 9) && d->m[i].size == 1000000 &&
		    d->m[i].t[P_XDPD] > 0 && to_floor(&d->m[i]) > worst)
			worst = to_floor(&d->m[i]);
	return worst;
}

/* What xdpd must answer for each probe: a benchmark that times the wrong
 * verdict measures nothing (and a flow cache that answers wrongly is a bug). */
static int expected_verdict(const struct mrow *r)
{
	if (!strcmp(r->probe, "rule-first") || !strcmp(r->probe, "rule-last") ||
	    !strcmp(r->probe, "vlan-qinq"))
		return 1; /* XDP_DROP: rules 0 and n-1 drop */
	if (!strcmp(r->probe, "bl4-hit") || !strcmp(r->probe, "bl6-hit"))
		return r->size ? 1 : 2;
	if (!strcmp(r->probe, "rule-mix"))
		return -1; /* some flow of some rule: either, by the policy's size */
	return 2;	   /* XDP_PASS */
}

static int check_verdicts(const struct data *d)
{
	int wrong = 0;

	for (size_t i = 0; i < d->nm; i++) {
		const struct mrow *r = &d->m[i];

		if (r->v[P_XDPD] < 0 || expected_verdict(r) < 0 ||
		    r->v[P_XDPD] == expected_verdict(r))
			continue;
		printf("- FALL SHORT: xdpd answered %s to %s (%s, %u), expected %s\n",
		       verdict(r->v[P_XDPD]), r->probe, r->section, r->size,
		       verdict(expected_verdict(r)));
		wrong++;
	}
	if (!wrong)
		printf("- PASS: xdpd's verdict on every probe (drop for matching rules and "
		       "blocked sources, pass otherwise)\n");
	return wrong;
}

/* The realistic-traffic issue's scaling target: 65,536 random flows across
 * the rules' ranges (rule-mix), xdpd with 10,000 rules against xdpd with 1
 * rule on the same flows: the ratio of their costs per packet, cold and
 * warm. The ratio of their excess over the floor is printed with it. */
static int distinct_target(const struct data *d)
{
	const struct mrow *big = find(d, "rules", 10000, "rule-mix");
	const struct mrow *one = find(d, "rules", 1, "rule-mix");
	int short_of = 0;

	for (int m = 0; m < NMODES; m++)
		for (int warm = 0; warm < 2; warm++) {
			const double *b = big ? (warm ? big->w[m] : big->c[m]) : NULL;
			const double *o = one ? (warm ? one->w[m] : one->c[m]) : NULL;
			double ratio =
			    b && o && b[P_XDPD] > 0 && o[P_XDPD] > 0 ? b[P_XDPD] / o[P_XDPD] : -1;
			char what[320];

			snprintf(
			    what, sizeof(what),
			    "xdpd, 10,000 vs 1 rule, 65,536 random flows (rule-mix), %s, %s, "
			    "ns/packet (%.0f vs %.0f ns; over the floor: %.0f vs %.0f ns, %.1fx)",
			    mode_name[m], warm ? "warm" : "cold", b ? b[P_XDPD] : 0,
			    o ? o[P_XDPD] : 0, b ? b[P_XDPD] - b[P_FLOOR] : 0,
			    o ? o[P_XDPD] - o[P_FLOOR] : 0,
			    b && o && o[P_XDPD] > o[P_FLOOR]
				? (b[P_XDPD] - b[P_FLOOR]) / (o[P_XDPD] - o[P_FLOOR])
				: 0);
			short_of += target(what, ratio, 3, "x");
		}
	return short_of;
}

static int print_targets(const struct data *d, int quick)
{
	const struct mrow *one_none = find(d, "rules", 1, "rule-none");
	const struct mrow *one_last = find(d, "rules", 1, "rule-last");
	const struct mrow *big_last = find(d, "rules", 10000, "rule-last");
	const struct orow *big = find_ops(d, 10000);
	double scaling = one_last && big_last ? to_floor(big_last) / to_floor(one_last) : -1;
	char where[64] = "";
	double vs_xf = worst_vs_xf(d, where, sizeof(where));
	int short_of = 0, scale_short, wrong;
	char what[128];

	printf("\nTargets:\n\n");
	wrong = check_verdicts(d);
	short_of +=
	    target("xdpd, 1 rule, non-matching packet, x floor", to_floor(one_none), 2, "x");
	short_of += target("xdpd, 10,000 rules, packet matching the last rule, x floor",
			   to_floor(big_last), 3, "x");
	short_of += target("xdpd, 10,000 rules vs 1 rule, last-rule packet (ratios to floor)",
			   scaling > 0 ? scaling : -1, 1.5, "x");
	short_of += target("xdpd, 1,000,000 blocklist prefixes (worst of v4/v6, hit/miss), x floor",
			   worst_blocklist(d), 3, "x");
	snprintf(what, sizeof(what), "xdpd vs xdp-filter, same rules and packet (worst: %s)",
		 where[0] ? where : "-");
	short_of += target(what, vs_xf, 1, "x");
	short_of += target(big && big->reload_ms < 0 ? "reload of a 10,000-rule policy "
						       "(no answer within the limit)"
						     : "reload of a 10,000-rule policy",
			   big ? fabs(big->reload_ms) / 1000 : -1, 2, " s");
	short_of += target("BPF map memory for 10,000 rules (the generation's maps; all maps "
			   "in the table above)",
			   big ? big->policy_bytes / 1048576.0 : -1, 64, " MiB");
	scale_short = target("--quick scaling check: 10,000 vs 1 rule, last-rule packet "
			     "(ratios to floor)",
			     scaling > 0 ? scaling : -1, 2, "x");
	if (!quick)
		short_of += distinct_target(d);
	if (quick)
		return scaling < 0 ? 1 : scale_short + wrong;
	return short_of + scale_short + wrong;
}

int bench_report(const char *meas_path, const char *ops_path, const char *env_path, int quick)
{
	struct data d = {};
	char line[512];
	FILE *env = fopen(env_path, "r");
	int r;

	if (read_meas(meas_path, &d) < 0) {
		fprintf(stderr, "xdpd-bench: %s: %s\n", meas_path, strerror(errno));
		return -1;
	}
	read_ops(ops_path, &d); /* absent in a run without daemon restarts */
	while (env && fgets(line, sizeof(line), env))
		fputs(line, stdout);
	if (env)
		fclose(env);
	printf("\nPer-packet cost, ns/packet, BPF_PROG_TEST_RUN, best round of each program, "
	       "programs timed in turn on the same frame:\n\n");
	print_costs(&d);
	for (int m = 0; m < NMODES; m++)
		print_distinct(&d, m);
	print_ops(&d);
	r = print_targets(&d, quick);
	free(d.m);
	free(d.o);
	return r;
}
