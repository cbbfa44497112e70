// SPDX-License-Identifier: GPL-2.0-or-later
/* Sampled packet -> monitor.event params (monitor_event.h). */
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <string.h>

#include "monitor_event.h"
#include "policy_names.h"

const char *xdp_action_name(uint32_t action)
{
	static const char *const names[] = {
	    [XDP_ABORTED] = "aborted", [XDP_DROP] = "drop",	    [XDP_PASS] = "pass",
	    [XDP_TX] = "tx",	       [XDP_REDIRECT] = "redirect",
	};

	return action < sizeof(names) / sizeof(names[0]) ? names[action] : "unknown";
}

const char *verdict_reason_name(uint32_t reason)
{
	static const char *const names[] = {
	    [XDPD_WHY_UNPARSED] = "unparsed", [XDPD_WHY_BLOCKLIST] = "blocklist",
	    [XDPD_WHY_RULE] = "rule",	      [XDPD_WHY_BALANCER] = "balancer",
	    [XDPD_WHY_DEFAULT] = "default",   [XDPD_WHY_FOREIGN] = "interface",
	    [XDPD_WHY_FRAGMENT] = "fragment",
	};

	return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "unknown";
}

static void add_str(json_object *o, const char *key, const char *v)
{
	if (v)
		json_object_object_add(o, key, json_object_new_string(v));
}

static void add_flow(json_object *o, const struct xdpd_sample_event *ev)
{
	int af = ev->family == 6 ? AF_INET6 : AF_INET;
	char a[INET6_ADDRSTRLEN];
	const char *pname;

	add_str(o, "src", inet_ntop(af, ev->src, a, sizeof(a)));
	add_str(o, "dst", inet_ntop(af, ev->dst, a, sizeof(a)));
	json_object_object_add(o, "src_port", json_object_new_int(ev->sport));
	json_object_object_add(o, "dst_port", json_object_new_int(ev->dport));
	pname = proto_name(ev->proto);
	if (pname)
		json_object_object_add(o, "protocol", json_object_new_string(pname));
	else
		json_object_object_add(o, "protocol", json_object_new_int(ev->proto));
}

static void add_decision(json_object *o, const struct xdpd_sample_event *ev,
			 const struct event_names *n)
{
	char buf[64];

	add_str(o, "action", xdp_action_name(ev->action));
	add_str(o, "reason", verdict_reason_name(ev->reason));
	if (ev->rule_slot != XDPD_NO_SLOT && n->rule)
		add_str(o, "rule", n->rule(n->ctx, ev->rule_slot));
	if (ev->lb_slot != XDPD_NO_SLOT && n->balancer)
		add_str(o, "balancer", n->balancer(n->ctx, ev->lb_slot));
	if (ev->bk_slot != XDPD_NO_SLOT && n->backend)
		add_str(o, "backend", n->backend(n->ctx, ev->bk_slot, buf, sizeof(buf)));
}

static void add_data(json_object *o, const struct xdpd_sample_event *ev)
{
	static const char hex[] = "0123456789abcdef";
	char buf[2 * XDPD_SAMPLE_BYTES + 1];
	size_t cap = ev->cap_len < XDPD_SAMPLE_BYTES ? ev->cap_len : XDPD_SAMPLE_BYTES;

	for (size_t i = 0; i < cap; i++) {
		buf[2 * i] = hex[ev->data[i] >> 4];
		buf[2 * i + 1] = hex[ev->data[i] & 15];
	}
	buf[2 * cap] = '\0';
	json_object_object_add(o, "data", json_object_new_string(buf));
}

json_object *monitor_event_json(const void *rec, size_t size, const struct event_names *n)
{
	const struct xdpd_sample_event *ev = rec;
	json_object *o;
	int64_t ts;

	if (size < sizeof(*ev))
		return NULL;
	o = json_object_new_object();
	if (!o)
		return NULL;
	ts = (int64_t)ev->timestamp_ns + n->mono_to_realtime_ns;
	json_object_object_add(o, "timestamp_ns", json_object_new_int64(ts > 0 ? ts : 0));
	if (n->ifname)
		add_str(o, "interface", n->ifname(n->ctx, ev->ifindex));
	json_object_object_add(o, "ifindex", json_object_new_int64(ev->ifindex));
	if (ev->family == 4 || ev->family == 6)
		add_flow(o, ev);
	json_object_object_add(o, "len", json_object_new_int64(ev->len));
	add_decision(o, ev, n);
	add_data(o, ev);
	return o;
}
