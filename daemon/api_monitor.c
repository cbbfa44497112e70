// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * monitor {rate?}: the connection becomes a subscriber (monitor.c). The
 * answer {rate, policy_rate, subscribers} comes first, then one
 * "monitor.event" notification per sampled packet until the client closes.
 * Raising the rate changes what the datapath does for everyone, so it takes
 * the rights of a mutating method; watching alone is read-only.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "api_methods.h"
#include "manager.h"
#include "monitor.h"

int api_monitor(struct api_call *c)
{
	int64_t rate = api_param_int(c, "rate", 0);
	struct monitor_stats st;
	int r;

	if (rate < 0 || rate > UINT32_MAX)
		return api_fail(
		    c, JSONRPC_INVALID_PARAMS,
		    "monitor: rate must be N for 1 in N packets, or 0 for the policy's");
	if (rate && !api_peer_may_mutate(c->peer))
		return api_fail(c, JSONRPC_PERMISSION_DENIED,
				"monitor: changing the sampling rate needs root or CAP_NET_ADMIN");
	if (!c->m->monitor)
		return api_fail(c, JSONRPC_INTERNAL_ERROR, "monitor: sampling is not available");
	r = monitor_subscribe(c->m->monitor, c->conn, (uint32_t)rate, c->peer->pid, c->peer->uid);
	if (r == -EBUSY)
		return api_fail(c, JSONRPC_RESOURCE_EXHAUSTED,
				"monitor: %d clients are watching already", MONITOR_MAX_SUBS);
	if (r == -EALREADY)
		return api_fail(c, JSONRPC_INVALID_REQUEST,
				"monitor: this connection is watching already");
	if (r < 0)
		return api_fail(c, JSONRPC_INVALID_REQUEST, "monitor: needs a connection: %s",
				strerror(-r));
	c->result = json_object_new_object();
	if (monitor_get_stats(c->m->monitor, &st) == 0) {
		json_object_object_add(c->result, "rate", json_object_new_int64(st.rate));
		json_object_object_add(c->result, "policy_rate",
				       json_object_new_int64(st.policy_rate));
		json_object_object_add(c->result, "subscribers",
				       json_object_new_int64(st.subscribers));
	}
	return 0;
}

json_object *api_sampling_stats(const struct manager *m)
{
	json_object *o = json_object_new_object();
	struct monitor_stats st = {0};

	if (m->monitor)
		monitor_get_stats(m->monitor, &st);
	json_object_object_add(o, "events", json_object_new_uint64(st.events));
	json_object_object_add(o, "lost", json_object_new_uint64(st.lost));
	json_object_object_add(o, "read", json_object_new_uint64(st.read));
	json_object_object_add(o, "dropped", json_object_new_uint64(st.dropped));
	json_object_object_add(o, "subscribers", json_object_new_uint64(st.subscribers));
	json_object_object_add(o, "rate", json_object_new_uint64(st.rate));
	return o;
}
