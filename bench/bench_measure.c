/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpd-bench measure: per probe frame, the floor, the seed program,
 * xdp-filter and xdpd are timed in turn, round after round, and each keeps
 * its best round: programs measured side by side share whatever the machine
 * was doing, so their ratios hold even when absolute times drift.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "batch.h"
#include "bench.h"
#include "prog_load.h"

enum { P_FLOOR, P_SEED, P_XF, P_XDPD, NPROGS };

struct measure {
	int fd[NPROGS]; /* -1: not measured */
	int ifindex;
	const char *section, *out;
	unsigned int size, rules, nbl, repeat, rounds, distinct;
	const char *park; /* interfaces for the floor and the seed (prog_load.h) */
	const char *batch_obj; /* the batch driver: distinct flows back to back too */
	struct batch *batch;
	char probes[512];
};

struct row {
	double best[NPROGS];
	double cold[NPROGS], warm[NPROGS];   /* distinct flows, one call per packet */
	double bcold[NPROGS], bwarm[NPROGS]; /* the same, back to back (batch.h) */
	int verdict[NPROGS];
};

static void time_rounds(const struct measure *m, const struct tframe *f, struct row *r)
{
	for (int p = 0; p < NPROGS; p++) {
		r->best[p] = -1;
		r->verdict[p] = m->fd[p] >= 0 ? bench_verdict(m->fd[p], m->ifindex, f) : -1;
		if (m->fd[p] >= 0) /* warm caches and branch predictors */
			bench_time_repeat(m->fd[p], m->ifindex, f, m->repeat / 10 + 1);
	}
	for (unsigned int k = 0; k < m->rounds; k++)
		for (int p = 0; p < NPROGS; p++) {
			double t;

			if (m->fd[p] < 0)
				continue;
			t = bench_time_repeat(m->fd[p], m->ifindex, f, m->repeat);
			if (t > 0 && (r->best[p] < 0 || t < r->best[p]))
				r->best[p] = t;
		}
}

/* Distinct flows: one call per frame, timed by the kernel (the syscall
 * around it stays out). Each round draws new flows and passes over them
 * twice: first with the CPU caches flushed (cold), then again (warm: the
 * maps' lines are cached, but there are far more flows than flow-cache
 * slots). Every round and every run draws new flows, so no earlier round
 * fills a per-flow cache for this one. */
#define SLOT 256 /* frame_build wants room for the largest frame of a kind */
#define DISTINCT_ROUNDS 3

static int build_distinct(const struct measure *m, enum probe pr, uint32_t base, uint8_t *bufs,
			  struct tframe *f)
{
	for (unsigned int i = 0; i < m->distinct; i++) {
		int len =
		    probe_build(pr, m->rules, m->nbl, base + i + 1, bufs + (size_t)i * SLOT, SLOT);

		if (len < 0)
			return len;
		f[i].data = bufs + (size_t)i * SLOT;
		f[i].len = (uint32_t)len;
	}
	return 0;
}

static void keep_best(double *best, double t)
{
	if (t > 0 && (*best < 0 || t < *best))
		*best = t;
}

/* The frames into the batch driver, then its cold and warm passes. */
static int time_batch(const struct measure *m, int p, const struct tframe *f, struct row *r)
{
	int err = batch_set_count(m->batch, m->distinct);

	for (unsigned int i = 0; i < m->distinct && !err; i++)
		err = batch_set_frame(m->batch, i, f[i].data, f[i].len);
	for (int warm = 0; warm < 2 && !err; warm++) {
		double t = batch_time(m->batch, m->fd[p], m->ifindex, !warm);

		if (t < 0)
			err = (int)t;
		else
			keep_best(warm ? &r->bwarm[p] : &r->bcold[p], t);
	}
	return err;
}

static int time_calls(const struct measure *m, int p, const struct tframe *f, struct row *r)
{
	for (int warm = 0; warm < 2; warm++) {
		double t = bench_time_distinct(m->fd[p], m->ifindex, f, m->distinct, !warm);

		if (t < 0) /* a failed run is an error, not a missing cell */
			return (int)t;
		keep_best(warm ? &r->warm[p] : &r->cold[p], t);
	}
	return 0;
}

static int time_distinct(const struct measure *m, enum probe pr, struct row *r)
{
	uint8_t *bufs = malloc((size_t)m->distinct * SLOT);
	struct tframe *f = calloc(m->distinct, sizeof(*f));
	uint32_t base = (uint32_t)getpid() * 2654435761u;
	unsigned int rounds = m->rounds < DISTINCT_ROUNDS ? m->rounds : DISTINCT_ROUNDS;
	int err = bufs && f ? 0 : -ENOMEM;

	for (unsigned int k = 0; k < rounds && !err; k++)
		for (int p = 0; p < NPROGS && !err; p++) {
			if (m->fd[p] < 0 || p == P_SEED)
				continue;
			base += m->distinct;
			err = build_distinct(m, pr, base, bufs, f);
			if (!err)
				err = time_calls(m, p, f, r);
			if (!err && m->batch) { /* new flows again: none seen by the calls */
				base += m->distinct;
				err = build_distinct(m, pr, base, bufs, f);
				if (!err)
					err = time_batch(m, p, f, r);
			}
		}
	free(bufs);
	free(f);
	return err;
}

static int measure_probe(const struct measure *m, enum probe pr, FILE *out)
{
	uint8_t buf[FRAME_MAX];
	struct tframe f = {.data = buf};
	struct row r = {};
	int len = probe_build(pr, m->rules, m->nbl, 0, buf, sizeof(buf));

	if (len < 0)
		return len;
	f.len = (uint32_t)len;
	time_rounds(m, &f, &r);
	for (int p = 0; p < NPROGS; p++) /* -1: not measured */
		r.cold[p] = r.warm[p] = r.bcold[p] = r.bwarm[p] = -1;
	if (m->distinct) {
		int err = time_distinct(m, pr, &r);

		if (err)
			return err;
	}
	fprintf(out, "%s\t%u\t%s", m->section, m->size, probe_name(pr));
	for (int p = 0; p < NPROGS; p++)
		fprintf(out, "\t%.3f", r.best[p]);
	for (int p = 0; p < NPROGS; p++)
		fprintf(out, "\t%d", r.verdict[p]);
	for (int p = 0; p < NPROGS; p++)
		fprintf(out, "\t%.3f\t%.3f", r.cold[p], r.warm[p]);
	for (int p = 0; p < NPROGS; p++)
		fprintf(out, "\t%.3f\t%.3f", r.bcold[p], r.bwarm[p]);
	fputc('\n', out);
	fprintf(stderr,
		"xdpd-bench: %s %u %-10s floor %.2f seed %.2f xdp-filter %.2f xdpd %.2f ns\n",
		m->section, m->size, probe_name(pr), r.best[P_FLOOR], r.best[P_SEED], r.best[P_XF],
		r.best[P_XDPD]);
	return 0;
}

static int open_attached(const char *ifname)
{
	int ifindex = (int)if_nametoindex(ifname);
	uint32_t id = 0;
	int fd;

	if (!ifindex)
		return -ENODEV;
	if (bpf_xdp_query_id(ifindex, 0, &id) || !id)
		return -ENOENT;
	fd = bpf_prog_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

static int open_pinned(const char *path)
{
	int fd = bpf_obj_get(path);

	return fd < 0 ? -errno : fd;
}

static int open_prog(struct measure *m, int p, const char *what, int fd)
{
	if (fd < 0) {
		fprintf(stderr, "xdpd-bench: %s: %s\n", what, strerror(-fd));
		return fd;
	}
	m->fd[p] = fd;
	return 0;
}

static unsigned int *number_opt(struct measure *m, int c)
{
	switch (c) {
	case 'n':
		return &m->size;
	case 'r':
		return &m->rules;
	case 'b':
		return &m->nbl;
	case 'R':
		return &m->repeat;
	case 'k':
		return &m->rounds;
	case 'd':
		return &m->distinct;
	default:
		return NULL;
	}
}

static int set_number(unsigned int *out, const char *arg)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || v > 0xffffffffUL)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int set_opt(struct measure *m, int c, const char *arg)
{
	unsigned int *num = number_opt(m, c);

	if (num)
		return set_number(num, arg);
	switch (c) {
	case 'i':
		m->ifindex = (int)if_nametoindex(arg);
		return m->ifindex ? 0 : -ENODEV;
	case 'f':
		return open_prog(m, P_FLOOR, arg, bench_load_obj(arg));
	case 's':
		return open_prog(m, P_SEED, arg, bench_load_obj(arg));
	case 'x':
		return open_prog(m, P_XDPD, arg, open_pinned(arg));
	case 'F':
		return open_prog(m, P_XF, arg, open_attached(arg));
	case 'S':
		m->section = arg;
		return 0;
	case 'o':
		m->out = arg;
		return 0;
	case 'P':
		m->park = arg;
		return 0;
	case 'B':
		m->batch_obj = arg;
		return 0;
	case 'p':
		snprintf(m->probes, sizeof(m->probes), "%s", arg);
		return 0;
	default:
		return -EINVAL;
	}
}

static int parse_opts(int argc, char **argv, struct measure *m)
{
	static const struct option opts[] = {{"ifname", required_argument, NULL, 'i'},
					     {"floor", required_argument, NULL, 'f'},
					     {"seed", required_argument, NULL, 's'},
					     {"xdpd", required_argument, NULL, 'x'},
					     {"xf", required_argument, NULL, 'F'},
					     {"section", required_argument, NULL, 'S'},
					     {"size", required_argument, NULL, 'n'},
					     {"rules", required_argument, NULL, 'r'},
					     {"nbl", required_argument, NULL, 'b'},
					     {"probes", required_argument, NULL, 'p'},
					     {"repeat", required_argument, NULL, 'R'},
					     {"rounds", required_argument, NULL, 'k'},
					     {"distinct", required_argument, NULL, 'd'},
					     {"out", required_argument, NULL, 'o'},
					     {"park", required_argument, NULL, 'P'},
					     {"batch", required_argument, NULL, 'B'},
					     {}};
	int c, err = 0;

	optind = 0; /* argv[-1] is "measure": getopt's argv[0] */
	while (!err && (c = getopt_long(argc + 1, argv - 1, "", opts, NULL)) != -1)
		err = set_opt(m, c, optarg);
	if (!err && (!m->section || !m->out || !m->probes[0] || m->fd[P_FLOOR] < 0 || !m->ifindex ||
		     !m->repeat || !m->rounds || (m->batch_obj && !m->distinct)))
		err = -EINVAL;
	if (!err && m->batch_obj) {
		err = batch_open(m->batch_obj, m->distinct, &m->batch);
		if (err)
			fprintf(stderr, "xdpd-bench: batch driver %s: %s\n", m->batch_obj,
				strerror(-err));
	}
	if (!err) {
		int ref[2] = {m->fd[P_FLOOR], m->fd[P_SEED]};

		err = bench_park_all(m->park, ref, 2);
		if (err)
			fprintf(stderr, "xdpd-bench: parking the floor and seed on %s: %s\n",
				m->park, strerror(-err));
	}
	return err;
}

int bench_measure(int argc, char **argv)
{
	struct measure m = {.fd = {-1, -1, -1, -1}, .repeat = 1000000, .rounds = 5};
	char *save = NULL, *tok;
	FILE *out;
	int err = parse_opts(argc, argv, &m);

	if (err)
		return err == -EINVAL ? 2 : 1;
	out = fopen(m.out, "a");
	if (!out) {
		fprintf(stderr, "xdpd-bench: %s: %s\n", m.out, strerror(errno));
		return 1;
	}
	for (tok = strtok_r(m.probes, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		int pr = probe_by_name(tok);

		err = pr < 0 ? pr : measure_probe(&m, (enum probe)pr, out);
		if (err)
			fprintf(stderr, "xdpd-bench: probe %s: %s\n", tok, strerror(-err));
	}
	fclose(out);
	batch_close(m.batch);
	for (int p = 0; p < NPROGS; p++)
		if (m.fd[p] >= 0)
			close(m.fd[p]);
	return err ? 1 : 0;
}
