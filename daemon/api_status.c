// SPDX-License-Identifier: GPL-2.0-or-later
/* ping and status. */
#include <time.h>
#include <unistd.h>

#include "api_methods.h"
#include "blocklist.h"
#include "manager.h"
#include "policy_names.h"
#include "sha256.h"

int api_ping(struct api_call *c)
{
	c->result = json_object_new_object();
	json_object_object_add(c->result, "version", json_object_new_string(XDPD_VERSION));
	return 0;
}

static json_object *policy_json(const struct manager *m)
{
	const struct xdpd_meta *meta = datapath_meta(m->dp);
	json_object *o = json_object_new_object();
	char hex[65];

	sha256_hex(m->policy->sha256, hex);
	json_object_object_add(o, "path", json_object_new_string(m->policy->path));
	json_object_object_add(o, "sha256", json_object_new_string(hex));
	json_object_object_add(o, "generation",
			       json_object_new_uint64(meta ? meta->generation : 0));
	json_object_object_add(o, "loaded_at",
			       meta ? api_time_json(meta->loaded_at_realtime_ns) : NULL);
	return o;
}

static json_object *interfaces_json(const struct manager *m)
{
	struct dp_iface_status st[XDPD_MAX_IFACES];
	size_t n = datapath_ifaces(m->dp, st, XDPD_MAX_IFACES);
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(st[i].name));
		json_object_object_add(o, "ifindex", json_object_new_int(st[i].ifindex));
		json_object_object_add(o, "mode",
				       json_object_new_string(xdp_mode_name(st[i].mode)));
		json_object_object_add(o, "prog_id", json_object_new_uint64(st[i].prog_id));
		json_object_object_add(o, "attached", json_object_new_boolean(st[i].attached));
		json_object_array_add(a, o);
	}
	return a;
}

static uint64_t uptime_sec(const struct manager *m)
{
	struct timespec ts;
	uint64_t now;

	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
	return now > m->started_realtime_usec ? (now - m->started_realtime_usec) / 1000000 : 0;
}

int api_status(struct api_call *c)
{
	const struct manager *m = c->m;
	json_object *o = json_object_new_object();
	json_object *counts = json_object_new_object();

	json_object_object_add(o, "version", json_object_new_string(XDPD_VERSION));
	json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
	json_object_object_add(o, "uptime", json_object_new_uint64(uptime_sec(m)));
	json_object_object_add(o, "policy", policy_json(m));
	json_object_object_add(o, "interfaces", interfaces_json(m));
	json_object_object_add(counts, "rules", json_object_new_uint64(m->policy->n_rules));
	json_object_object_add(counts, "balancers", json_object_new_uint64(m->policy->n_lbs));
	json_object_object_add(counts, "blocklist",
			       json_object_new_uint64(c->bl ? blocklist_count(c->bl) : 0));
	json_object_object_add(o, "counts", counts);
	c->result = o;
	return 0;
}
