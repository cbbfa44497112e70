// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats: counters per interface and action, per rule, per backend, blocklist
 * hits and sampling. Per-CPU counters are summed over the possible CPUs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "api_methods.h"
#include "blocklist.h"
#include "manager.h"

/* xdp_action values, the per-interface counter index within a slot. */
static const char *const action_names[] = {
    [XDP_ABORTED] = "aborted", [XDP_DROP] = "drop",	    [XDP_PASS] = "pass",
    [XDP_TX] = "tx",	       [XDP_REDIRECT] = "redirect",
};
#define N_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

struct totals {
	uint64_t packets[N_ACTIONS], bytes[N_ACTIONS];
};

static json_object *iface_json(int fd, const char *name, int slot, struct totals *t)
{
	json_object *o = json_object_new_object();
	json_object *acts = json_object_new_object();

	for (size_t a = 0; a < N_ACTIONS; a++) {
		uint64_t packets = 0, bytes = 0;

		if (fd >= 0 && slot >= 0)
			api_percpu_counter(fd, (uint32_t)slot * XDPD_NACT + (uint32_t)a, &packets,
					   &bytes);
		t->packets[a] += packets;
		t->bytes[a] += bytes;
		json_object_object_add(acts, action_names[a], api_counter_json(packets, bytes));
	}
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "actions", acts);
	return o;
}

static json_object *rules_json(const struct manager *m)
{
	int fd = datapath_map_fd(m->dp, "stats_rule");
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->policy->n_rules; i++) {
		const struct policy_rule *r = &m->policy->rules[i];
		const char *name = r->name;
		int slot = datapath_rule_slot(m->dp, name);
		uint64_t packets = 0, bytes = 0;
		json_object *o;

		if (fd >= 0 && slot >= 0)
			api_percpu_counter(fd, (uint32_t)slot, &packets, &bytes);
		o = api_counter_json(packets, bytes);
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "action",
				       json_object_new_string(policy_action_name(r->action)));
		json_object_array_add(a, o);
	}
	return a;
}

/* blocklist {entries, packets, bytes}: what the datapath dropped for the
 * blocklist, a monotonic total kept in a pinned per-CPU counter (the
 * entries' own hits go away with the entries). */
static json_object *blocklist_json(const struct api_call *c)
{
	int fd = datapath_map_fd(c->m->dp, "stats_blocklist");
	uint64_t packets = 0, bytes = 0;
	json_object *o;

	if (fd >= 0)
		api_percpu_counter(fd, 0, &packets, &bytes);
	o = api_counter_json(packets, bytes);
	json_object_object_add(o, "entries",
			       json_object_new_uint64(c->bl ? blocklist_count(c->bl) : 0));
	return o;
}

int api_stats(struct api_call *c)
{
	const struct manager *m = c->m;
	int fd = datapath_map_fd(m->dp, "stats_iface");
	json_object *o = json_object_new_object();
	json_object *ifaces = json_object_new_array();
	json_object *totals = json_object_new_object();
	struct totals t = {0};

	for (size_t i = 0; i < m->policy->n_ifaces; i++) {
		const char *name = m->policy->ifaces[i].name;

		json_object_array_add(ifaces,
				      iface_json(fd, name, datapath_iface_slot(m->dp, name), &t));
	}
	for (size_t a = 0; a < N_ACTIONS; a++)
		json_object_object_add(totals, action_names[a],
				       api_counter_json(t.packets[a], t.bytes[a]));

	json_object_object_add(o, "interfaces", ifaces);
	json_object_object_add(o, "actions", totals);
	json_object_object_add(o, "rules", rules_json(m));
	json_object_object_add(o, "backends", api_lb_stats(m));
	json_object_object_add(o, "sampling", api_sampling_stats(m));
	json_object_object_add(o, "blocklist", blocklist_json(c));
	c->result = o;
	return 0;
}
