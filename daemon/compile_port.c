// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source and destination ports -> the 4 x 65536 port class table
 * ((dir * 2 + l4) * 65536 + port).
 *
 * Per direction and L4 protocol, one sweep over the range endpoints: a rule
 * enters the bitmap at lo and leaves at hi + 1. A per-rule count of open
 * ranges keeps overlapping ranges of one rule ("80, 70-90") right. Between
 * two consecutive endpoints the bitmap is constant, so the cost is
 * O(R log R + R * nwords + 65536) for R ranges, not 65536 x rules.
 * Rules without a constraint on the field are set everywhere; they are also
 * the miss class (a packet without ports: not TCP/UDP, or a later fragment).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"

#define NPORTS 65536u

struct port_event {
	uint32_t point; /* first port where the change applies */
	uint32_t rule;
	int32_t delta; /* +1 a range opens, -1 it closes */
};

struct port_sweep {
	struct compile_ctx *cc;
	struct port_event *ev; /* room for two per range of the field */
	uint32_t *open;	       /* per rule: ranges covering the current port */
	uint64_t *bm;
};

static int cmp_event(const void *a, const void *b)
{
	const struct port_event *x = a, *y = b;

	return x->point < y->point ? -1 : x->point > y->point;
}

static bool proto_has_table(int protocol, uint32_t l4)
{
	if (protocol < 0)
		return true;
	return protocol == (l4 == XDPD_L4_TCP ? IPPROTO_TCP : IPPROTO_UDP);
}

static size_t collect_events(struct port_sweep *s, enum xdpd_field f, uint32_t l4)
{
	size_t n = 0;

	for (uint32_t i = 0; i < s->cc->nrules; i++) {
		const struct policy_rule *r = &s->cc->p->rules[i];
		const struct port_range *v = f == XDPD_F_SPORT ? r->src_ports : r->dst_ports;
		size_t nv = f == XDPD_F_SPORT ? r->n_src_ports : r->n_dst_ports;

		if (!proto_has_table(r->protocol, l4))
			continue;
		for (size_t j = 0; j < nv; j++) {
			if (v[j].lo > v[j].hi)
				continue;
			s->ev[n++] = (struct port_event){v[j].lo, i, 1};
			if (v[j].hi < NPORTS - 1)
				s->ev[n++] = (struct port_event){v[j].hi + 1u, i, -1};
		}
	}
	qsort(s->ev, n, sizeof(*s->ev), cmp_event);
	return n;
}

/* Applies the events of one point; bits change only when a count crosses 0. */
static void apply(struct port_sweep *s, const struct port_event *e)
{
	uint32_t r = e->rule;

	if (e->delta > 0 && s->open[r]++ == 0)
		bm_set(s->bm, r);
	else if (e->delta < 0 && --s->open[r] == 0)
		s->bm[r / 64] &= ~(1ULL << (r % 64));
}

static int sweep(struct port_sweep *s, enum xdpd_field f, uint32_t l4, uint32_t *table)
{
	size_t n = collect_events(s, f, l4), i = 0;
	uint32_t from = 0, cls;
	int err;

	bm_unconstrained(s->cc, f, s->bm);
	memset(s->open, 0, s->cc->nrules * sizeof(*s->open));
	while (from < NPORTS) {
		uint32_t to;

		for (; i < n && s->ev[i].point == from; i++)
			apply(s, &s->ev[i]);
		err = cls_intern(&s->cc->store, s->bm, &cls);
		if (err)
			return err;
		to = i < n ? s->ev[i].point : NPORTS;
		for (uint32_t port = from; port < to; port++)
			table[port] = cls;
		from = to;
	}
	return 0;
}

static size_t count_ranges(const struct compile_ctx *cc)
{
	size_t n = 0;

	for (uint32_t i = 0; i < cc->nrules; i++)
		n += cc->p->rules[i].n_src_ports + cc->p->rules[i].n_dst_ports;
	return n;
}

void compile_port_runs(struct compiled_policy *c)
{
	for (uint32_t t = 0; t < 4; t++) {
		const uint32_t *table = c->port_cls + t * NPORTS;
		struct xdpd_port_run *run = c->config.pscan[t];
		uint32_t n = 0;

		for (uint32_t port = 0; port < NPORTS && n <= XDPD_PSCAN_MAX; port++) {
			if (port + 1 < NPORTS && table[port + 1] == table[port])
				continue;
			if (n < XDPD_PSCAN_MAX)
				run[n] = (struct xdpd_port_run){.last = port, .cls = table[port]};
			n++;
		}
		c->config.pscan_n[t] = n <= XDPD_PSCAN_MAX ? n : 0;
		if (!c->config.pscan_n[t])
			memset(run, 0, sizeof(c->config.pscan[t]));
	}
}

int compile_ports(struct compile_ctx *cc, struct compiled_policy *c)
{
	size_t nwords = cc->nwords ? cc->nwords : 1, nranges = count_ranges(cc);
	struct port_sweep s = {.cc = cc};
	int err;

	s.ev = malloc((2 * nranges + 1) * sizeof(*s.ev));
	s.open = malloc((cc->nrules ? cc->nrules : 1) * sizeof(*s.open));
	s.bm = malloc(nwords * sizeof(*s.bm));
	err = s.ev && s.open && s.bm ? 0 : -ENOMEM;
	if (!err)
		err = intern_unconstrained(cc, XDPD_F_SPORT, &c->config.miss_class[XDPD_F_SPORT]);
	if (!err)
		err = intern_unconstrained(cc, XDPD_F_DPORT, &c->config.miss_class[XDPD_F_DPORT]);
	for (uint32_t dir = 0; dir < 2 && !err; dir++) {
		enum xdpd_field f = dir == XDPD_DIR_SRC ? XDPD_F_SPORT : XDPD_F_DPORT;

		for (uint32_t l4 = 0; l4 < 2 && !err; l4++)
			err = sweep(&s, f, l4, c->port_cls + (dir * 2 + l4) * NPORTS);
	}
	free(s.ev);
	free(s.open);
	free(s.bm);
	return err;
}
