/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpd-flows: the realistic-traffic benchmark (bench/run-flows). Many
 * distinct flows instead of one frame sent a million times: a million
 * blocklist prefixes with a realistic length mix, 65,536 random sources,
 * caches cold and warm; xdpd against a plain LPM trie on the same keys and
 * against a floor program, in one run.
 */
#ifndef XDPD_BENCH_FLOWS_H
#define XDPD_BENCH_FLOWS_H

#include <stddef.h>
#include <stdint.h>

#include "netparse.h"

/* ---- flows_gen.c ---- */

/* splitmix64: the one random source, so every run draws the same set. */
uint64_t flows_rand(uint64_t *state);
/* Prefix i of family 4 or 6 with the realistic length mix of the README of
 * bench/flows (RESULTS.md): mostly hosts, then /24 and /64, a few short. */
void flows_prefix(int family, uint64_t seed, uint32_t i, struct prefix *p);
/* A source address for flow i: inside one of the first n prefixes (random
 * host bits) one time in two, else anywhere in the same address space. */
void flows_source(int family, uint64_t seed, uint32_t i, uint32_t n, uint8_t addr[16]);

struct frames {
	uint8_t *data; /* n frames of stride bytes */
	uint32_t *len;
	size_t n, stride;
};
/* n UDP frames from the sources of flows_source with random ports. */
int frames_make(struct frames *f, int family, uint64_t seed, uint32_t nprefixes, size_t n);
void frames_free(struct frames *f);

/* ---- flows_time.c ---- */

struct pass_result {
	double ns;	/* mean of the kernel's run time per packet */
	uint64_t drops; /* frames that got XDP_DROP */
};
/* One pass over the frames with BPF_PROG_TEST_RUN, repeat 1 per frame:
 * every packet is a different flow. cold: the CPU caches are flushed
 * first. */
int time_pass(int prog_fd, int ifindex, const struct frames *f, int cold, struct pass_result *r);

/* ---- flows_round.c ---- */

/* How the flows reach the program: one BPF_PROG_TEST_RUN call per packet,
 * or back to back through the batch driver (bench/batch.h). */
enum { M_CALLS, M_BATCH, NMODES };
extern const char *const flows_mode_name[NMODES];

/* A count option's value, or -EINVAL after a message naming the option. */
int flows_count_opt(const char *name, const char *arg, unsigned long *n);

/* A program timed on the flows: its best cold and warm pass per mode. */
struct contender {
	const char *name;
	int fd;
	struct pass_result cold[NMODES], warm[NMODES];
};

struct batch;
/* rounds interleaved rounds of the n contenders on the frames, one call
 * per packet and then back to back (the frames are loaded into b). */
int flows_rounds(struct contender *c, int n, int ifindex, const struct frames *f,
		 struct batch *b, int rounds);

/* ---- read_curve.c ---- */

/* One random read per packet over arrays of 2 to 256 MiB (obj:
 * one_read.bpf.o), each timed against floor_fd on the frames, as a
 * markdown table; the read program is parked as the third of park. */
/* one_read.bpf.o with an array of 2^bits entries: its program fd, or
 * -errno. */
int one_read_load(const char *obj, unsigned bits);
/* The fd of its table (a new one), or -errno. */
int one_read_table_fd(int prog_fd);
/* Sets half its entries, at random: the read then decides the verdict. */
int one_read_fill_half(int prog_fd);
int read_curve(const char *obj, const char *park, int floor_fd, int ifindex,
	       const struct frames *f, struct batch *b, int rounds);

/* ---- flows_fill.c ---- */

struct blf;
/* Prefixes [from, to) of family into the index. */
int fill_index(struct blf *f, int family, uint64_t seed, uint32_t from, uint32_t to);
/* The plain LPM baseline: loads obj with tries of max entries each;
 * *prog_fd, *fd4, *fd6 for the program and its tries. */
int lpm_load(const char *obj, uint32_t max, int *prog_fd, int *fd4, int *fd6);
int fill_lpm(int fd, int family, uint64_t seed, uint32_t from, uint32_t to);

#endif /* XDPD_BENCH_FLOWS_H */
