// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trace {packet}: the packet's text (common/tracespec.h) -> a frame -> the
 * live program in trace mode (trace.c) -> {action, reason, rule?, balancer?,
 * backend?, interface, generation, packet, rewritten?}. A bad text is
 * -32602 with data {position, length} (0-based, in characters) so a client
 * can point at the bad token; an interface 'in IFNAME' that is not in the
 * policy is -32001 with the same data, pointing at IFNAME.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api_methods.h"
#include "manager.h"
#include "monitor.h"
#include "monitor_event.h"
#include "slot_names.h"
#include "trace.h"

/* The frame's source: a locally administered address, not any host's. */
static const uint8_t client_mac[6] = {0x02, 0x00, 0x00, 0x7e, 0x57, 0x01};

static int iface_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		r = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return r;
}

static bool in_policy(const struct policy *p, const char *ifname)
{
	for (size_t i = 0; i < p->n_ifaces; i++)
		if (!strcmp(p->ifaces[i].name, ifname))
			return true;
	return false;
}

static json_object *span_json(size_t pos, size_t len)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "position", json_object_new_int64((int64_t)pos));
	json_object_object_add(o, "length", json_object_new_int64((int64_t)len));
	return o;
}

static int bad_spec(struct api_call *c, const struct tracespec_error *e)
{
	c->data = span_json(e->pos, e->len);
	return api_fail(c, JSONRPC_INVALID_PARAMS, "trace: %s (at character %zu)", e->message,
			e->pos + 1);
}

/* An interface the policy does not have: the error points at its name in
 * the text, as for a malformed text (the default is always in the policy). */
static int not_in_policy(struct api_call *c, const struct trace_spec *s, const char *ifname)
{
	if (s->ifname[0])
		c->data = span_json(s->ifname_pos, s->ifname_len);
	return api_fail(c, JSONRPC_NOT_FOUND, "trace: interface '%s' is not in the policy", ifname);
}

/* The interface the packet comes in on, its index and MAC. */
static int pick_iface(struct api_call *c, const struct trace_spec *s, const char **ifname,
		      int *ifindex, uint8_t mac[6])
{
	const struct policy *p = c->m->policy;
	int r;

	if (!s->ifname[0] && !p->n_ifaces)
		return api_fail(c, JSONRPC_INVALID_PARAMS, "trace: the policy has no interface");
	*ifname = s->ifname[0] ? s->ifname : p->ifaces[0].name;
	if (!in_policy(p, *ifname))
		return not_in_policy(c, s, *ifname);
	*ifindex = (int)if_nametoindex(*ifname);
	if (!*ifindex)
		return api_fail(c, JSONRPC_NOT_FOUND, "trace: interface '%s': %s", *ifname,
				strerror(errno));
	r = iface_mac(*ifname, mac);
	if (r < 0)
		return api_fail(c, JSONRPC_NOT_FOUND, "trace: interface '%s': no MAC address: %s",
				*ifname, strerror(-r));
	return 0;
}

static void add_name(json_object *o, const char *key, const char *name)
{
	if (name)
		json_object_object_add(o, key, json_object_new_string(name));
}

static json_object *result_json(struct api_call *c, const struct trace_run *t, const char *ifname)
{
	struct slot_names *n = monitor_slot_names(c->m->monitor);
	const struct xdpd_trace_meta *mt = &t->meta;
	json_object *o = json_object_new_object(), *h;
	char buf[64];

	add_name(o, "action", xdp_action_name(mt->done ? mt->action : t->retval));
	add_name(o, "reason", verdict_reason_name(mt->done ? mt->reason : XDPD_WHY_FOREIGN));
	if (mt->done && mt->rule_slot != XDPD_NO_SLOT)
		add_name(o, "rule", slot_names_rule(n, mt->rule_slot));
	if (mt->done && mt->lb_slot != XDPD_NO_SLOT)
		add_name(o, "balancer", slot_names_lb(n, mt->lb_slot));
	if (mt->done && mt->bk_slot != XDPD_NO_SLOT)
		add_name(o, "backend", slot_names_backend(n, mt->bk_slot, buf, sizeof(buf)));
	add_name(o, "interface", ifname);
	if (mt->done)
		json_object_object_add(o, "generation", json_object_new_int64(mt->generation));
	h = trace_headers_json(t->in, t->in_len);
	if (h)
		json_object_object_add(o, "packet", h);
	if (t->out_len != t->in_len || memcmp(t->in, t->out, t->in_len)) {
		h = trace_headers_json(t->out, t->out_len);
		if (h)
			json_object_object_add(o, "rewritten", h);
	}
	return o;
}

int api_trace(struct api_call *c)
{
	static struct trace_run t; /* frames of up to TRACE_LEN_MAX bytes: not on the stack */
	struct trace_spec s;
	struct tracespec_error e;
	const char *ifname = NULL;
	char err[256];
	uint8_t mac[6];
	int ifindex = 0, n, prog_fd = datapath_prog_fd(c->m->dp);

	if (tracespec_parse(api_param_str(c, "packet"), &s, &e))
		return bad_spec(c, &e);
	if (pick_iface(c, &s, &ifname, &ifindex, mac))
		return c->code;
	if (prog_fd < 0 || !c->m->monitor)
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "trace: no program is running");
	memset(&t, 0, sizeof(t));
	n = tracespec_build(&s, client_mac, mac, t.in, sizeof(t.in));
	if (n < 0)
		return api_fail(c, JSONRPC_INVALID_PARAMS,
				"trace: the frame does not fit in %d bytes", TRACE_LEN_MAX);
	t.in_len = (size_t)n;
	if (trace_run(prog_fd, monitor_trace_cookie(c->m->monitor), ifindex, &t, err, sizeof(err)) <
	    0)
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "trace: %s", err);
	c->result = result_json(c, &t, ifname);
	return 0;
}
