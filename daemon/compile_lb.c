// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * compile_lb(): load_balancers -> lb_svc / lb_bk / lb_maglev / lb_rr
 * contents (half 0). See compile_lb.h for the layout.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "compile_lb.h"
#include "maglev.h"

void lb_view_backend(const struct lb_view *v, const struct policy_lb *lb,
		     const struct policy_backend *b, struct lb_backend_view *out)
{
	*out = (struct lb_backend_view){.state = b->state, .healthy = true, .has_mac = b->has_mac};
	memcpy(out->mac, b->mac, 6);
	if (v && v->backend)
		v->backend(v->ctx, lb, b, out);
}

uint8_t lb_datapath_state(const struct lb_backend_view *bv)
{
	if (bv->state == BACKEND_DISABLED || !bv->healthy || !bv->has_mac)
		return XDPD_BK_DOWN;
	return bv->state == BACKEND_DRAIN ? XDPD_BK_DRAIN : XDPD_BK_ACTIVE;
}

uint32_t lb_table_size(size_t n_backends)
{
	uint64_t want = (uint64_t)n_backends * 100;

	return want <= XDPD_MAGLEV_SIZE ? XDPD_MAGLEV_SIZE : maglev_prime_at_least((uint32_t)want);
}

static bool is_maglev(const struct policy_lb *lb)
{
	return lb->scheduler == LB_SCHED_MAGLEV;
}

static int lb_slot_of(const struct lb_view *v, const struct policy_lb *lb, size_t i, char *err,
		      size_t errlen)
{
	int s = v && v->lb_slot ? v->lb_slot(v->ctx, lb) : (int)i;

	if (s < 0 || s >= XDPD_MAX_LBS) {
		snprintf(err, errlen, "load balancer '%s': no slot (%s)", lb->name,
			 s < 0 ? strerror(-s) : "out of range");
		return -ENOENT;
	}
	return s;
}

static int bk_slot_of(const struct lb_view *v, const struct policy_lb *lb,
		      const struct policy_backend *b, uint32_t flat, char *err, size_t errlen)
{
	int s = v && v->backend_slot ? v->backend_slot(v->ctx, lb, b) : (int)flat;
	char addr[64];

	if (s < 0 || s >= XDPD_MAX_BACKENDS) {
		format_ip_addr(&b->addr, addr, sizeof(addr));
		snprintf(err, errlen, "load balancer '%s': backend %s: no slot (%s)", lb->name,
			 addr, s < 0 ? strerror(-s) : "out of range");
		return -ENOENT;
	}
	return s;
}

static void svc_key(const struct policy_lb *lb, struct xdpd_lb_svc_key *k)
{
	memset(k, 0, sizeof(*k));
	k->family = lb->vip.family == AF_INET ? 4 : 6;
	k->proto = (uint8_t)lb->protocol;
	k->port = lb->protocol == IPPROTO_TCP || lb->protocol == IPPROTO_UDP ? lb->port : 0;
	memcpy(k->vip, lb->vip.addr, lb->vip.family == AF_INET ? 4 : 16);
}

/* Sizes and slots: everything but the tables. */
static int plan(const struct policy *p, const struct lb_view *v, struct compiled_lb *c, char *err,
		size_t errlen)
{
	uint32_t flat = 0;

	for (size_t i = 0; i < p->n_lbs; i++) {
		const struct policy_lb *lb = &p->lbs[i];
		struct compiled_svc *s = &c->svc[i];
		int ls = lb_slot_of(v, lb, i, err, errlen);

		if (ls < 0)
			return ls;
		svc_key(lb, &s->key);
		s->val.slot = (uint32_t)ls;
		s->val.sched = is_maglev(lb) ? XDPD_LB_SCHED_MAGLEV : XDPD_LB_SCHED_RR;
		s->val.fwd = lb->forwarding == LB_FWD_DSR ? XDPD_LB_FWD_DSR : XDPD_LB_FWD_NAT;
		s->val.rr_off = flat;
		s->bk_first = flat;
		s->bk_n = (uint32_t)lb->n_backends;
		if (is_maglev(lb)) {
			s->val.tbl_off = c->tbl_entries;
			s->val.tbl_size = lb_table_size(lb->n_backends);
			c->tbl_entries += s->val.tbl_size;
		}
		if (lb->forwarding == LB_FWD_NAT)
			c->cfg.n_nat++;
		for (size_t j = 0; j < lb->n_backends; j++, flat++) {
			int bs = bk_slot_of(v, lb, &lb->backends[j], flat, err, errlen);

			if (bs < 0)
				return bs;
			c->bk_slot_list[flat] = (uint32_t)bs;
			if ((uint32_t)bs + 1 > c->n_bk_slots)
				c->n_bk_slots = (uint32_t)bs + 1;
		}
	}
	c->rr_entries = flat;
	return 0;
}

static void fill_backends(const struct policy *p, const struct lb_view *v, struct compiled_lb *c)
{
	for (uint32_t s = 0; s < c->n_bk_slots; s++)
		c->bk[s].state = XDPD_BK_DOWN; /* slots of no backend of this policy */
	for (size_t i = 0; i < p->n_lbs; i++) {
		const struct policy_lb *lb = &p->lbs[i];
		const struct compiled_svc *s = &c->svc[i];

		for (size_t j = 0; j < lb->n_backends; j++) {
			const struct policy_backend *b = &lb->backends[j];
			struct xdpd_lb_backend *e = &c->bk[c->bk_slot_list[s->bk_first + j]];
			struct lb_backend_view bv;

			lb_view_backend(v, lb, b, &bv);
			memset(e, 0, sizeof(*e));
			memcpy(e->addr, b->addr.addr, b->addr.family == AF_INET ? 4 : 16);
			memcpy(e->mac, bv.mac, 6);
			e->family = b->addr.family == AF_INET ? 4 : 6;
			e->state = lb_datapath_state(&bv);
			e->lb_slot = s->val.slot;
		}
	}
}

/* Round robin: the active backends, each once, in policy order. */
static void fill_rr(const struct policy_lb *lb, struct compiled_svc *s, struct compiled_lb *c)
{
	s->val.rr_n = 0;
	for (uint32_t j = 0; j < s->bk_n; j++) {
		uint32_t slot = c->bk_slot_list[s->bk_first + j];

		if (c->bk[slot].state == XDPD_BK_ACTIVE)
			c->rr[s->val.rr_off + s->val.rr_n++] = slot;
	}
	for (uint32_t j = s->val.rr_n; j < s->bk_n; j++)
		c->rr[s->val.rr_off + j] = XDPD_LB_NONE;
}

static int fill_maglev(const struct policy_lb *lb, struct compiled_svc *s, struct compiled_lb *c)
{
	struct maglev_backend *mb = calloc(lb->n_backends ? lb->n_backends : 1, sizeof(*mb));
	uint32_t *t = c->tbl + s->val.tbl_off;
	int r;

	if (!mb)
		return -ENOMEM;
	for (size_t j = 0; j < lb->n_backends; j++) {
		const struct policy_backend *b = &lb->backends[j];
		uint32_t slot = c->bk_slot_list[s->bk_first + j];

		mb[j] = (struct maglev_backend){
		    .key = b->addr.addr,
		    .key_len = b->addr.family == AF_INET ? 4 : 16,
		    .weight = b->weight,
		    .usable = c->bk[slot].state == XDPD_BK_ACTIVE,
		};
	}
	r = maglev_build(mb, lb->n_backends, s->val.tbl_size, t);
	for (uint32_t e = 0; r == 0 && e < s->val.tbl_size; e++)
		if (t[e] != MAGLEV_EMPTY)
			t[e] = c->bk_slot_list[s->bk_first + t[e]];
	free(mb);
	return r;
}

static int alloc_arrays(struct compiled_lb *c, size_t n_lbs, size_t n_backends)
{
	c->svc = calloc(n_lbs ? n_lbs : 1, sizeof(*c->svc));
	c->bk_slot_list = calloc(n_backends ? n_backends : 1, sizeof(*c->bk_slot_list));
	return c->svc && c->bk_slot_list ? 0 : -ENOMEM;
}

static int build(const struct policy *p, const struct lb_view *v, struct compiled_lb *c, char *err,
		 size_t errlen)
{
	size_t nb = 0;
	int r;

	for (size_t i = 0; i < p->n_lbs; i++)
		nb += p->lbs[i].n_backends;
	if (p->n_lbs > XDPD_MAX_LBS || nb > XDPD_MAX_BACKENDS) {
		snprintf(err, errlen, "%zu load balancers with %zu backends: at most %u and %u",
			 p->n_lbs, nb, XDPD_MAX_LBS, XDPD_MAX_BACKENDS);
		return -E2BIG;
	}
	c->cfg.n_lbs = (uint32_t)p->n_lbs;
	c->n_backends = (uint32_t)nb;
	r = alloc_arrays(c, p->n_lbs, nb);
	if (r == 0)
		r = plan(p, v, c, err, errlen);
	if (r < 0)
		return r;
	c->bk = calloc(c->n_bk_slots ? c->n_bk_slots : 1, sizeof(*c->bk));
	c->tbl = calloc(c->tbl_entries ? c->tbl_entries : 1, sizeof(*c->tbl));
	c->rr = calloc(c->rr_entries ? c->rr_entries : 1, sizeof(*c->rr));
	if (!c->bk || !c->tbl || !c->rr)
		return -ENOMEM;
	fill_backends(p, v, c);
	for (size_t i = 0; i < p->n_lbs && r == 0; i++) {
		fill_rr(&p->lbs[i], &c->svc[i], c);
		if (is_maglev(&p->lbs[i]))
			r = fill_maglev(&p->lbs[i], &c->svc[i], c);
	}
	return r;
}

int compile_lb(const struct policy *p, const struct lb_view *view, struct compiled_lb **out,
	       char *err, size_t errlen)
{
	struct compiled_lb *c = calloc(1, sizeof(*c));
	int r;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	r = build(p, view, c, err, errlen);
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory compiling %zu load balancers", p->n_lbs);
	if (r < 0) {
		compiled_lb_free(c);
		return r;
	}
	*out = c;
	return 0;
}

void compiled_lb_free(struct compiled_lb *c)
{
	if (!c)
		return;
	free(c->svc);
	free(c->bk_slot_list);
	free(c->bk);
	free(c->tbl);
	free(c->rr);
	free(c);
}
