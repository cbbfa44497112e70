// SPDX-License-Identifier: GPL-2.0-or-later
/* rules.list: the running policy's rules, in policy order, with counters. */
#include <stdio.h>

#include "api_methods.h"
#include "manager.h"
#include "policy_names.h"

static json_object *prefixes_json(const struct prefix *p, size_t n)
{
	json_object *a = json_object_new_array();
	char buf[64];

	for (size_t i = 0; i < n; i++)
		if (format_prefix(&p[i], buf, sizeof(buf)) >= 0)
			json_object_array_add(a, json_object_new_string(buf));
	return a;
}

/* The policy's own forms: a number for one port, "N-M" for a range. */
static json_object *ports_json(const struct port_range *p, size_t n)
{
	json_object *a = json_object_new_array();
	char buf[16];

	for (size_t i = 0; i < n; i++) {
		if (p[i].lo == p[i].hi) {
			json_object_array_add(a, json_object_new_int(p[i].lo));
			continue;
		}
		snprintf(buf, sizeof(buf), "%u-%u", p[i].lo, p[i].hi);
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

static json_object *name_or_number(const char *name, int v)
{
	return name ? json_object_new_string(name) : json_object_new_int(v);
}

static void add_addresses(json_object *o, const struct policy_rule *r)
{
	json_object *a;

	if (r->n_src)
		json_object_object_add(o, "src", prefixes_json(r->src, r->n_src));
	if (r->n_dst)
		json_object_object_add(o, "dst", prefixes_json(r->dst, r->n_dst));
	if (r->n_src_ports)
		json_object_object_add(o, "src_port", ports_json(r->src_ports, r->n_src_ports));
	if (r->n_dst_ports)
		json_object_object_add(o, "dst_port", ports_json(r->dst_ports, r->n_dst_ports));
	if (r->n_ifaces) {
		a = json_object_new_array();
		for (size_t i = 0; i < r->n_ifaces; i++)
			json_object_array_add(a, json_object_new_string(r->ifaces[i]));
		json_object_object_add(o, "interfaces", a);
	}
}

/* The rule's conditions as an object: only what the rule constrains. */
static json_object *match_json(const struct policy_rule *r)
{
	json_object *o = json_object_new_object();
	char flags[64];

	if (r->protocol >= 0)
		json_object_object_add(o, "protocol",
				       name_or_number(proto_name(r->protocol), r->protocol));
	add_addresses(o, r);
	if (r->icmp_type >= 0)
		json_object_object_add(
		    o, "icmp_type",
		    name_or_number(icmp_type_name(r->protocol, r->icmp_type), r->icmp_type));
	if (r->tcp_mask) {
		tcp_flags_format(r->tcp_mask, r->tcp_value, flags, sizeof(flags));
		json_object_object_add(o, "tcp_flags", json_object_new_string(flags));
	}
	if (r->has_rate_limit) {
		json_object *rl = json_object_new_object();

		json_object_object_add(rl, "pps", json_object_new_uint64(r->rl_pps));
		json_object_object_add(rl, "per", json_object_new_string(rl_per_name(r->rl_per)));
		json_object_object_add(o, "rate_limit", rl);
	}
	return o;
}

int api_rules_list(struct api_call *c)
{
	const struct manager *m = c->m;
	int fd = datapath_map_fd(m->dp, "stats_rule");
	json_object *rules = json_object_new_array();

	for (size_t i = 0; i < m->policy->n_rules; i++) {
		const struct policy_rule *r = &m->policy->rules[i];
		int slot = datapath_rule_slot(m->dp, r->name);
		uint64_t packets = 0, bytes = 0;
		json_object *o = json_object_new_object();

		/* a rule without a slot or counters has decided nothing yet */
		if (slot >= 0 && fd >= 0)
			api_percpu_counter(fd, (uint32_t)slot, &packets, &bytes);
		json_object_object_add(o, "name", json_object_new_string(r->name));
		json_object_object_add(o, "action",
				       json_object_new_string(policy_action_name(r->action)));
		json_object_object_add(o, "match", match_json(r));
		json_object_object_add(o, "packets", json_object_new_uint64(packets));
		json_object_object_add(o, "bytes", json_object_new_uint64(bytes));
		json_object_array_add(rules, o);
	}
	c->result = json_object_new_object();
	json_object_object_add(c->result, "rules", rules);
	return 0;
}
