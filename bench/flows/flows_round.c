// SPDX-License-Identifier: GPL-2.0-or-later
/* Timing rounds of the contenders of bench/flows (flows.h). */
#include "batch.h"
#include "flows.h"

const char *const flows_mode_name[NMODES] = {"one call per packet", "back to back"};

/* The best pass: the machine's slow moments only ever add time. */
static void keep_best(struct pass_result *best, const struct pass_result *r, int first)
{
	if (first || r->ns < best->ns)
		*best = *r;
}

/* One round of one contender, one call per packet: a cold pass (the CPU
 * caches flushed), then a warm one. */
static int round_calls(struct contender *c, int ifindex, const struct frames *f, int first)
{
	struct pass_result r;
	int e = time_pass(c->fd, ifindex, f, 1, &r);

	if (!e)
		keep_best(&c->cold[M_CALLS], &r, first);
	if (!e)
		e = time_pass(c->fd, ifindex, f, 0, &r);
	if (!e)
		keep_best(&c->warm[M_CALLS], &r, first);
	return e;
}

/* The same through the batch driver, whose set holds the frames already;
 * it cannot see the verdicts (the calls count them). */
static int round_batch(struct contender *c, int ifindex, struct batch *b, int first)
{
	for (int warm = 0; warm < 2; warm++) {
		struct pass_result r = {.ns = batch_time(b, c->fd, ifindex, !warm)};

		if (r.ns < 0)
			return (int)r.ns;
		keep_best(warm ? &c->warm[M_BATCH] : &c->cold[M_BATCH], &r, first);
	}
	return 0;
}

static int batch_load(struct batch *b, const struct frames *f)
{
	int e = batch_set_count(b, f->n);

	for (size_t i = 0; i < f->n && !e; i++)
		e = batch_set_frame(b, i, f->data + i * f->stride, f->len[i]);
	return e;
}

/* Interleaved rounds, each contender keeping its best pass: a slow moment
 * of this shared machine (the floor moved between ~30 and ~130 ns back to
 * back within one run) then costs a round, not the row, and hits every
 * contender alike; each round starts with another contender, so that none
 * always follows the same one. */
int flows_rounds(struct contender *c, int n, int ifindex, const struct frames *f,
		 struct batch *b, int rounds)
{
	int e = 0;

	for (int k = 0; k < rounds && !e; k++)
		for (int i = 0; i < n && !e; i++)
			e = round_calls(&c[(i + k) % n], ifindex, f, k == 0);
	if (!e)
		e = batch_load(b, f);
	for (int k = 0; k < rounds && !e; k++)
		for (int i = 0; i < n && !e; i++)
			e = round_batch(&c[(i + k) % n], ifindex, b, k == 0);
	return e;
}
