// SPDX-License-Identifier: GPL-2.0-or-later
/* The load balancers at run time: see lb_runtime.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "health.h"
#include "lb_maps.h"
#include "lb_runtime.h"
#include "lb_slots.h"
#include "lb_state.h"
#include "log.h"
#include "neigh.h"
#include "policy_names.h"

#define NEIGH_INTERVAL_USEC 1000000 /* MAC re-resolution */

struct lb_runtime;

/* One backend of the running policy. */
struct bk_rt {
	struct lb_runtime *rt;
	char lb[XDPD_NAME_MAX];
	struct ip_addr addr;
	char addr_text[64];
	bool policy_mac; /* the policy gives the MAC: nothing to resolve */
	bool healthy;
	bool mac_known;
	uint8_t mac[6];
	struct health_check *hc;
};

struct lb_runtime {
	struct datapath *dp;
	sd_event *event;
	sd_event_source *neigh_timer;
	const struct policy *policy; /* the running one (owned by the manager) */
	struct lb_slots *slots;
	struct lb_view view;
	struct bk_rt **bk;
	size_t n_bk;
};

static struct bk_rt *find_bk(const struct lb_runtime *rt, const char *lb,
			     const struct ip_addr *addr)
{
	for (size_t i = 0; i < rt->n_bk; i++)
		if (!strcmp(rt->bk[i]->lb, lb) && !memcmp(&rt->bk[i]->addr, addr, sizeof(*addr)))
			return rt->bk[i];
	return NULL;
}

/* A freshly given slot may still hold the counters of a backend removed
 * earlier: start it from zero. */
static void zero_percpu(int fd, uint32_t key)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xdpd_counter *zero;

	if (fd < 0 || ncpu <= 0)
		return;
	zero = calloc((size_t)ncpu, sizeof(*zero));
	if (zero && bpf_map_update_elem(fd, &key, zero, BPF_ANY))
		log_warning("map 'stats_backend': cannot reset slot %u: %s", key, strerror(errno));
	free(zero);
}

static int view_lb_slot(void *ctx, const struct policy_lb *lb)
{
	struct lb_runtime *rt = ctx;
	bool fresh;
	int slot = lb_slots_lb(rt->slots, lb->name, &fresh);
	int fd = datapath_map_fd(rt->dp, "lb_rr_ctr");
	uint64_t zero = 0;

	if (slot >= 0 && fresh && fd >= 0)
		bpf_map_update_elem(fd, &(uint32_t){(uint32_t)slot}, &zero, BPF_ANY);
	return slot;
}

static int view_backend_slot(void *ctx, const struct policy_lb *lb, const struct policy_backend *b)
{
	struct lb_runtime *rt = ctx;
	struct xdpd_lb_bk_key k;
	bool fresh;
	int slot;

	lb_bk_key(lb->name, &b->addr, &k);
	slot = lb_slots_backend(rt->slots, &k, &fresh);
	if (slot >= 0 && fresh)
		zero_percpu(datapath_map_fd(rt->dp, "stats_backend"), (uint32_t)slot);
	return slot;
}

static void view_backend(void *ctx, const struct policy_lb *lb, const struct policy_backend *b,
			 struct lb_backend_view *out)
{
	struct lb_runtime *rt = ctx;
	const struct bk_rt *e = find_bk(rt, lb->name, &b->addr);
	enum backend_state st;

	if (lb_override_get(datapath_map_fd(rt->dp, "lb_state"), lb->name, b, &st) == 0) {
		out->state = st;
		out->overridden = true;
	}
	out->healthy = e ? e->healthy : true;
	if (b->has_mac)
		return;
	if (e) {
		/* what the running tables were last built with */
		out->has_mac = e->mac_known;
		memcpy(out->mac, e->mac, 6);
	} else {
		/* a backend new to this policy: ask the kernel now */
		out->has_mac = neigh_lookup(&b->addr, out->mac) == 0;
	}
}

int lb_runtime_new(struct datapath *dp, struct lb_runtime **out)
{
	struct lb_runtime *rt = calloc(1, sizeof(*rt));
	int r;

	*out = NULL;
	if (!rt)
		return -ENOMEM;
	r = lb_slots_new(&rt->slots);
	if (r < 0) {
		free(rt);
		return r;
	}
	rt->dp = dp;
	lb_slots_load(rt->slots, datapath_map_fd(dp, "lb_slots"),
		      datapath_map_fd(dp, "backend_slots"));
	rt->view = (struct lb_view){.lb_slot = view_lb_slot,
				    .backend_slot = view_backend_slot,
				    .backend = view_backend,
				    .ctx = rt};
	*out = rt;
	return 0;
}

static void free_backends(struct bk_rt **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		health_check_stop(v[i]->hc);
		free(v[i]);
	}
	free(v);
}

void lb_runtime_free(struct lb_runtime *rt)
{
	if (!rt)
		return;
	sd_event_source_disable_unref(rt->neigh_timer);
	free_backends(rt->bk, rt->n_bk);
	lb_slots_free(rt->slots);
	free(rt);
}

const struct lb_view *lb_runtime_view(struct lb_runtime *rt)
{
	return &rt->view;
}

/* Rebuild the running generation's tables and switch them in. */
static void refresh(struct lb_runtime *rt)
{
	struct lb_map_fds fds = {
	    .svc = datapath_map_fd(rt->dp, "lb_svc"),
	    .bk = datapath_map_fd(rt->dp, "lb_bk"),
	    .maglev = datapath_map_fd(rt->dp, "lb_maglev"),
	    .rr = datapath_map_fd(rt->dp, "lb_rr"),
	};
	struct compiled_lb *c = NULL;
	char err[512] = "";
	int r;

	if (!rt->policy || !rt->policy->n_lbs)
		return;
	if (fds.svc < 0 || fds.bk < 0 || fds.maglev < 0 || fds.rr < 0) {
		log_error("load balancers: the running program has no balancer maps");
		return;
	}
	r = compile_lb(rt->policy, &rt->view, &c, err, sizeof(err));
	if (r == 0)
		r = lb_maps_switch(&fds, c, err, sizeof(err));
	if (r < 0)
		log_error("load balancers: updating the running tables failed: %s", err);
	compiled_lb_free(c);
}

static void log_backend(const struct bk_rt *e, int level, const char *state, const char *fmt,
			const char *detail)
{
	log_full(level,
		 LOG_FIELDS(.balancer = e->lb, .backend = e->addr_text, .backend_state = state),
		 fmt, e->lb, e->addr_text, detail);
}

static void on_health(void *ctx, bool healthy, const char *detail)
{
	struct bk_rt *e = ctx;

	e->healthy = healthy;
	if (healthy)
		log_backend(e, LOG_NOTICE, "healthy",
			    "load balancer '%s': backend %s is healthy again (%s)", detail);
	else
		log_backend(e, LOG_WARNING, "unhealthy",
			    "load balancer '%s': backend %s is unhealthy: no traffic, its flows go to the "
			    "other backends (%s)",
			    detail);
	refresh(e->rt);
}

static void start_checks(struct lb_runtime *rt)
{
	const struct policy *p = rt->policy;
	size_t k = 0;

	if (!rt->event || !p)
		return;
	for (size_t i = 0; i < p->n_lbs; i++)
		for (size_t j = 0; j < p->lbs[i].n_backends; j++, k++) {
			struct bk_rt *e = rt->bk[k];
			int r;

			if (!p->lbs[i].health.present || e->hc)
				continue;
			r = health_check_start(rt->event, &p->lbs[i], &p->lbs[i].backends[j],
					       e->healthy, on_health, e, &e->hc);
			if (r < 0)
				log_backend(e, LOG_ERR, NULL,
					    "load balancer '%s': backend %s: cannot start the "
					    "health check: %s",
					    strerror(-r));
		}
}

/* The backends of p, keeping what was known about those already there. */
static int rebuild(struct lb_runtime *rt, const struct policy *p)
{
	size_t n = 0, k = 0;
	struct bk_rt **v;

	for (size_t i = 0; i < p->n_lbs; i++)
		n += p->lbs[i].n_backends;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_lbs; i++)
		for (size_t j = 0; j < p->lbs[i].n_backends; j++, k++) {
			const struct policy_backend *b = &p->lbs[i].backends[j];
			const struct bk_rt *old = find_bk(rt, p->lbs[i].name, &b->addr);
			struct bk_rt *e = calloc(1, sizeof(*e));

			if (!e) {
				free_backends(v, k);
				return -ENOMEM;
			}
			*e = old ? *old : (struct bk_rt){.healthy = true};
			e->hc = NULL;
			e->rt = rt;
			snprintf(e->lb, sizeof(e->lb), "%s", p->lbs[i].name);
			e->addr = b->addr;
			format_ip_addr(&b->addr, e->addr_text, sizeof(e->addr_text));
			e->policy_mac = b->has_mac;
			if (!old && !b->has_mac)
				e->mac_known = neigh_lookup(&b->addr, e->mac) == 0;
			v[k] = e;
		}
	free_backends(rt->bk, rt->n_bk);
	rt->bk = v;
	rt->n_bk = n;
	return 0;
}

void lb_runtime_applied(struct lb_runtime *rt, const struct policy *p)
{
	int r;

	rt->policy = p;
	r = rebuild(rt, p);
	if (r < 0)
		log_error("load balancers: %s", strerror(-r));
	r = lb_slots_commit(rt->slots, p, datapath_map_fd(rt->dp, "lb_slots"),
			    datapath_map_fd(rt->dp, "backend_slots"));
	if (r < 0)
		log_warning("load balancers: cannot record slots in the pinned maps: %s",
			    strerror(-r));
	lb_override_gc(datapath_map_fd(rt->dp, "lb_state"), p);
	start_checks(rt);
	/* adoption and restarts: make the running tables agree with what this
	 * daemon knows (MACs resolved since, overrides dropped) */
	refresh(rt);
}

/* Resolve and re-resolve the MACs the policy leaves out. */
static int on_neigh_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct lb_runtime *rt = userdata;
	bool changed = false;

	for (size_t i = 0; i < rt->n_bk; i++) {
		struct bk_rt *e = rt->bk[i];
		struct neigh_entry n;
		const uint8_t *mac = n.mac;
		char text[18];
		bool known;

		if (e->policy_mac)
			continue;
		known = neigh_lookup_entry(&e->addr, &n) == 0;
		if (!known)
			neigh_solicit(&e->addr);
		else if (n.stale) /* balanced frames never confirm it */
			neigh_revalidate(&e->addr, n.ifindex);
		if (known == e->mac_known && (!known || !memcmp(mac, e->mac, 6)))
			continue;
		changed = true;
		if (known) {
			format_mac(mac, text);
			log_backend(e, LOG_NOTICE, "resolved",
				    "load balancer '%s': backend %s is at MAC %s", text);
			memcpy(e->mac, mac, 6);
		} else {
			log_backend(e, LOG_WARNING, "unresolved",
				    "load balancer '%s': backend %s: %s",
				    "its MAC is no longer in the neighbour table; no traffic until "
				    "it is");
		}
		e->mac_known = known;
	}
	if (changed)
		refresh(rt);
	sd_event_source_set_time_relative(s, NEIGH_INTERVAL_USEC);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

int lb_runtime_start(struct lb_runtime *rt, sd_event *e)
{
	int r;

	rt->event = e;
	r = sd_event_add_time_relative(e, &rt->neigh_timer, CLOCK_MONOTONIC, 0, 1000, on_neigh_tick,
				       rt);
	if (r < 0)
		return r;
	start_checks(rt);
	return 0;
}

void lb_runtime_status(struct lb_runtime *rt, const struct policy_lb *lb,
		       const struct policy_backend *b, struct lb_backend_status *out)
{
	struct xdpd_lb_bk_key k;

	lb_view_backend(rt ? &rt->view : NULL, lb, b, &out->view);
	out->has_check = lb->health.present;
	out->slot = -ENOENT;
	if (!rt)
		return;
	lb_bk_key(lb->name, &b->addr, &k);
	out->slot = lb_slots_find_backend(rt->slots, &k);
}

int lb_runtime_set_state(struct lb_runtime *rt, const struct policy_lb *lb,
			 const struct policy_backend *b, enum backend_state state, char *err,
			 size_t errlen)
{
	int fd = rt ? datapath_map_fd(rt->dp, "lb_state") : -1;
	char addr[64];
	int r;

	format_ip_addr(&b->addr, addr, sizeof(addr));
	r = rt ? lb_override_set(fd, lb->name, b, state) : -ENODEV;
	if (r < 0) {
		snprintf(err, errlen, "load balancer '%s': backend %s: cannot record the state: %s",
			 lb->name, addr, strerror(-r));
		return r;
	}
	log_full(LOG_NOTICE,
		 LOG_FIELDS(.balancer = lb->name, .backend = addr,
			    .backend_state = backend_state_name(state)),
		 "load balancer '%s': backend %s set to %s through the API%s", lb->name, addr,
		 backend_state_name(state), state == b->state ? " (the policy's own state)" : "");
	refresh(rt);
	return 0;
}
