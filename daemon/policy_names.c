/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Name tables. ICMP names follow iptables/nftables so operators can copy
 * them; aliases come after the canonical name, which is the one printed.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "policy_names.h"

const struct name_val xdp_mode_names[] = {
	{ "auto", XDP_MODE_AUTO },	 { "native", XDP_MODE_NATIVE },
	{ "generic", XDP_MODE_GENERIC }, { "offload", XDP_MODE_OFFLOAD },
	{ NULL, 0 },
};

const struct name_val policy_action_names[] = {
	{ "pass", POLICY_PASS },
	{ "drop", POLICY_DROP },
	{ NULL, 0 },
};

const struct name_val on_stop_names[] = {
	{ "keep", ON_STOP_KEEP },
	{ "detach", ON_STOP_DETACH },
	{ NULL, 0 },
};

const struct name_val rl_per_names[] = {
	{ "source", RL_PER_SOURCE },
	{ "rule", RL_PER_RULE },
	{ NULL, 0 },
};

const struct name_val lb_sched_names[] = {
	{ "round_robin", LB_SCHED_ROUND_ROBIN },
	{ "maglev", LB_SCHED_MAGLEV },
	{ NULL, 0 },
};

const struct name_val lb_fwd_names[] = {
	{ "nat", LB_FWD_NAT },
	{ "dsr", LB_FWD_DSR },
	{ NULL, 0 },
};

const struct name_val backend_state_names[] = {
	{ "active", BACKEND_ACTIVE },
	{ "drain", BACKEND_DRAIN },
	{ "disabled", BACKEND_DISABLED },
	{ NULL, 0 },
};

const struct name_val hc_type_names[] = {
	{ "tcp", HC_TCP },
	{ "icmp", HC_ICMP },
	{ NULL, 0 },
};

const struct name_val lb_proto_names[] = {
	{ "icmp", IPPROTO_ICMP },
	{ "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP },
	{ NULL, 0 },
};

const struct name_val tcp_flag_names[] = {
	{ "fin", 0x01 }, { "syn", 0x02 }, { "rst", 0x04 }, { "psh", 0x08 },
	{ "ack", 0x10 }, { "urg", 0x20 }, { "ece", 0x40 }, { "cwr", 0x80 },
	{ NULL, 0 },
};

static const struct name_val proto_names[] = {
	{ "icmp", IPPROTO_ICMP }, { "tcp", IPPROTO_TCP }, { "udp", IPPROTO_UDP },
	{ "icmpv6", IPPROTO_ICMPV6 }, { "ipv6-icmp", IPPROTO_ICMPV6 }, { "gre", IPPROTO_GRE },
	{ "esp", IPPROTO_ESP },	  { "ah", IPPROTO_AH },	  { "sctp", IPPROTO_SCTP },
	{ NULL, 0 },
};

static const struct name_val icmp4_types[] = {
	{ "echo-reply", 0 },
	{ "destination-unreachable", 3 },
	{ "source-quench", 4 },
	{ "redirect", 5 },
	{ "echo-request", 8 },
	{ "router-advertisement", 9 },
	{ "router-solicitation", 10 },
	{ "time-exceeded", 11 },
	{ "parameter-problem", 12 },
	{ "timestamp-request", 13 },
	{ "timestamp", 13 },
	{ "timestamp-reply", 14 },
	{ "info-request", 15 },
	{ "info-reply", 16 },
	{ "address-mask-request", 17 },
	{ "address-mask-reply", 18 },
	{ NULL, 0 },
};

static const struct name_val icmp6_types[] = {
	{ "destination-unreachable", 1 },
	{ "packet-too-big", 2 },
	{ "time-exceeded", 3 },
	{ "parameter-problem", 4 },
	{ "echo-request", 128 },
	{ "echo-reply", 129 },
	{ "mld-listener-query", 130 },
	{ "mld-listener-report", 131 },
	{ "mld-listener-done", 132 },
	{ "mld-listener-reduction", 132 },
	{ "router-solicitation", 133 },
	{ "nd-router-solicit", 133 },
	{ "router-advertisement", 134 },
	{ "nd-router-advert", 134 },
	{ "neighbor-solicitation", 135 },
	{ "neighbour-solicitation", 135 },
	{ "nd-neighbor-solicit", 135 },
	{ "neighbor-advertisement", 136 },
	{ "neighbour-advertisement", 136 },
	{ "nd-neighbor-advert", 136 },
	{ "redirect", 137 },
	{ "nd-redirect", 137 },
	{ "router-renumbering", 138 },
	{ "mld2-listener-report", 143 },
	{ NULL, 0 },
};

int name_lookup(const struct name_val *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t->val;
	return -1;
}

const char *name_of(const struct name_val *t, int val)
{
	for (; t->name; t++)
		if (t->val == val)
			return t->name;
	return NULL;
}

void name_list(const struct name_val *t, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (const struct name_val *e = t; e->name; e++) {
		int n;

		if (name_of(t, e->val) != e->name)
			continue; /* an alias: list the canonical name only */
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", e->name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

int proto_from_name(const char *name)
{
	return name_lookup(proto_names, name);
}

const char *proto_name(int proto)
{
	return name_of(proto_names, proto);
}

const struct name_val *icmp_type_table(int proto)
{
	if (proto == IPPROTO_ICMP)
		return icmp4_types;
	if (proto == IPPROTO_ICMPV6)
		return icmp6_types;
	return NULL;
}

int icmp_type_from_name(int proto, const char *name)
{
	const struct name_val *t = icmp_type_table(proto);

	return t ? name_lookup(t, name) : -1;
}

const char *icmp_type_name(int proto, int type)
{
	const struct name_val *t = icmp_type_table(proto);

	return t ? name_of(t, type) : NULL;
}

void tcp_flags_format(uint8_t mask, uint8_t value, char *buf, size_t len)
{
	size_t used = 0;

	if (!len)
		return;
	buf[0] = '\0';
	for (const struct name_val *e = tcp_flag_names; e->name; e++) {
		int n;

		if (!(mask & e->val))
			continue;
		n = snprintf(buf + used, len - used, "%s%s%s", used ? "," : "",
			     (value & e->val) ? "" : "!", e->name);
		if (n < 0 || (size_t)n >= len - used)
			return;
		used += (size_t)n;
	}
}

const char *policy_action_name(enum policy_action a)
{
	return name_of(policy_action_names, (int)a);
}

const char *xdp_mode_name(enum xdp_mode m)
{
	return name_of(xdp_mode_names, (int)m);
}

const char *on_stop_name(enum on_stop s)
{
	return name_of(on_stop_names, (int)s);
}

const char *rl_per_name(enum rl_per p)
{
	return name_of(rl_per_names, (int)p);
}

const char *lb_sched_name(enum lb_sched s)
{
	return name_of(lb_sched_names, (int)s);
}

const char *lb_fwd_name(enum lb_fwd f)
{
	return name_of(lb_fwd_names, (int)f);
}

const char *backend_state_name(enum backend_state s)
{
	return name_of(backend_state_names, (int)s);
}

const char *hc_type_name(enum hc_type t)
{
	return name_of(hc_type_names, (int)t);
}
