// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lb.list: the running policy's balancers with each backend's effective
 * state (the policy's, or lb.set_state's), health, MAC and counters.
 * lb.set_state: a backend's state, kept in the pinned lb_state map.
 * Also the per-backend counters of `stats`.
 */
#include <netinet/in.h>
#include <string.h>

#include "api_methods.h"
#include "lb_runtime.h"
#include "manager.h"
#include "policy_names.h"

static const char *proto_word(int protocol)
{
	return protocol == IPPROTO_TCP ? "tcp" : protocol == IPPROTO_UDP ? "udp" : "icmp";
}

static json_object *addr_json(const struct ip_addr *a)
{
	char buf[64];

	format_ip_addr(a, buf, sizeof(buf));
	return json_object_new_string(buf);
}

static void add_counters(json_object *o, const struct manager *m, int slot)
{
	int fd = datapath_map_fd(m->dp, "stats_backend");
	uint64_t packets = 0, bytes = 0;

	if (fd >= 0 && slot >= 0)
		api_percpu_counter(fd, (uint32_t)slot, &packets, &bytes);
	json_object_object_add(o, "packets", json_object_new_uint64(packets));
	json_object_object_add(o, "bytes", json_object_new_uint64(bytes));
}

static json_object *backend_json(const struct manager *m, const struct policy_lb *lb,
				 const struct policy_backend *b)
{
	json_object *o = json_object_new_object();
	struct lb_backend_status st;
	char mac[18];

	lb_runtime_status(m->lb, lb, b, &st);
	json_object_object_add(o, "address", addr_json(&b->addr));
	if (st.view.has_mac) {
		format_mac(st.view.mac, mac);
		json_object_object_add(o, "mac", json_object_new_string(mac));
	} else {
		json_object_object_add(o, "mac", NULL);
	}
	json_object_object_add(o, "weight", json_object_new_int64(b->weight));
	json_object_object_add(o, "state",
			       json_object_new_string(backend_state_name(st.view.state)));
	json_object_object_add(o, "state_source",
			       json_object_new_string(st.view.overridden ? "api" : "policy"));
	/* a backend whose MAC is unknown cannot be sent to: reported unhealthy */
	json_object_object_add(o, "healthy",
			       json_object_new_boolean(st.view.healthy && st.view.has_mac));
	json_object_object_add(o, "health_check", json_object_new_boolean(st.has_check));
	add_counters(o, m, st.slot);
	return o;
}

static json_object *balancer_json(const struct manager *m, const struct policy_lb *lb)
{
	json_object *o = json_object_new_object();
	json_object *bks = json_object_new_array();

	json_object_object_add(o, "name", json_object_new_string(lb->name));
	json_object_object_add(o, "vip", addr_json(&lb->vip));
	json_object_object_add(o, "protocol", json_object_new_string(proto_word(lb->protocol)));
	json_object_object_add(o, "port", json_object_new_int(lb->port));
	json_object_object_add(o, "scheduler",
			       json_object_new_string(lb_sched_name(lb->scheduler)));
	json_object_object_add(o, "forwarding",
			       json_object_new_string(lb_fwd_name(lb->forwarding)));
	for (size_t j = 0; j < lb->n_backends; j++)
		json_object_array_add(bks, backend_json(m, lb, &lb->backends[j]));
	json_object_object_add(o, "backends", bks);
	return o;
}

static const struct policy_lb *find_lb(const struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->n_lbs; i++)
		if (!strcmp(p->lbs[i].name, name))
			return &p->lbs[i];
	return NULL;
}

int api_lb_list(struct api_call *c)
{
	const struct policy *p = c->m->policy;
	const char *name = api_param_str(c, "balancer");
	json_object *o, *a;

	if (name && !find_lb(p, name))
		return api_fail(c, JSONRPC_NOT_FOUND, "lb.list: no load balancer '%.64s'", name);
	a = json_object_new_array();
	for (size_t i = 0; i < p->n_lbs; i++)
		if (!name || !strcmp(p->lbs[i].name, name))
			json_object_array_add(a, balancer_json(c->m, &p->lbs[i]));
	o = json_object_new_object();
	json_object_object_add(o, "balancers", a);
	c->result = o;
	return 0;
}

int api_lb_set_state(struct api_call *c)
{
	const char *name = api_param_str(c, "balancer");
	const char *addr = api_param_str(c, "backend");
	const char *word = api_param_str(c, "state");
	const struct policy_lb *lb = find_lb(c->m->policy, name);
	const struct policy_backend *b = NULL;
	struct ip_addr a;
	char err[256];
	int state;

	state = name_lookup(backend_state_names, word);
	if (state < 0)
		return api_fail(c, JSONRPC_INVALID_PARAMS,
				"lb.set_state: state '%.32s': want active, drain or disabled",
				word);
	if (parse_ip_addr(addr, &a) < 0)
		return api_fail(c, JSONRPC_INVALID_PARAMS,
				"lb.set_state: backend '%.64s' is not an IP address", addr);
	if (!lb)
		return api_fail(c, JSONRPC_NOT_FOUND, "lb.set_state: no load balancer '%.64s'",
				name);
	for (size_t j = 0; j < lb->n_backends && !b; j++)
		if (!memcmp(&lb->backends[j].addr, &a, sizeof(a)))
			b = &lb->backends[j];
	if (!b)
		return api_fail(c, JSONRPC_NOT_FOUND,
				"lb.set_state: load balancer '%s' has no backend %.64s", lb->name,
				addr);
	if (lb_runtime_set_state(c->m->lb, lb, b, (enum backend_state)state, err, sizeof(err)))
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "lb.set_state: %s", err);
	c->result = backend_json(c->m, lb, b);
	json_object_object_add(c->result, "balancer", json_object_new_string(lb->name));
	return 0;
}

json_object *api_lb_stats(const struct manager *m)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->policy->n_lbs; i++) {
		const struct policy_lb *lb = &m->policy->lbs[i];

		for (size_t j = 0; j < lb->n_backends; j++) {
			json_object *o = json_object_new_object();
			struct lb_backend_status st;

			lb_runtime_status(m->lb, lb, &lb->backends[j], &st);
			json_object_object_add(o, "balancer", json_object_new_string(lb->name));
			json_object_object_add(o, "address", addr_json(&lb->backends[j].addr));
			add_counters(o, m, st.slot);
			json_object_array_add(a, o);
		}
	}
	return a;
}
