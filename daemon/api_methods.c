// SPDX-License-Identifier: GPL-2.0-or-later
/* The method table, parameter schemas, authorization and dispatch. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../bpf/xdpd_abi.h"
#include "api_methods.h"
#include "log.h"

static const struct api_param p_reload[] = {
    {"dry_run", API_P_BOOL, false},
    {NULL},
};
static const struct api_param p_block_add[] = {
    {"prefix", API_P_STRING, true},
    {"ttl", API_P_INT, false},
    {"comment", API_P_STRING, false},
    {NULL},
};
static const struct api_param p_lb_list[] = {
	{"balancer", API_P_STRING, false},
	{NULL},
};
static const struct api_param p_lb_set_state[] = {
	{"balancer", API_P_STRING, true},
	{"backend", API_P_STRING, true},
	{"state", API_P_STRING, true},
	{NULL},
};
static const struct api_param p_block_del[] = {
    {"prefix", API_P_STRING, true},
    {NULL},
};

static const struct api_param p_trace[] = {
    {"packet", API_P_STRING, true},
    {NULL},
};
static const struct api_param p_monitor[] = {
    {"rate", API_P_INT, false},
    {NULL},
};

/* Sorted by family. */
static const struct api_method methods[] = {
    {"ping", api_ping, false, NULL},
    {"status", api_status, false, NULL},
    {"reload", api_reload, true, p_reload},
    {"rules.list", api_rules_list, false, NULL},
    {"stats", api_stats, false, NULL},
    {"blocklist.add", api_blocklist_add, true, p_block_add},
    {"blocklist.delete", api_blocklist_delete, true, p_block_del},
    {"blocklist.list", api_blocklist_list, false, NULL},
    {"blocklist.flush", api_blocklist_flush, true, NULL},
    {"lb.list", api_lb_list, false, p_lb_list},
    {"lb.set_state", api_lb_set_state, true, p_lb_set_state},
    {"trace", api_trace, false, p_trace},
    {"monitor", api_monitor, false, p_monitor},
};

const struct api_method *api_method_find(const char *name)
{
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(methods[i].name, name))
			return &methods[i];
	return NULL;
}

int api_fail(struct api_call *c, int code, const char *fmt, ...)
{
	va_list ap;

	c->code = code;
	va_start(ap, fmt);
	vsnprintf(c->message, sizeof(c->message), fmt, ap);
	va_end(ap);
	return code;
}

static const char *ptype_name(enum api_ptype t)
{
	return t == API_P_BOOL ? "a boolean" : t == API_P_INT ? "an integer" : "a string";
}

static bool ptype_ok(enum api_ptype t, json_object *v)
{
	switch (t) {
	case API_P_BOOL:
		return json_object_is_type(v, json_type_boolean);
	case API_P_INT:
		return json_object_is_type(v, json_type_int);
	case API_P_STRING:
		return json_object_is_type(v, json_type_string);
	}
	return false;
}

static const struct api_param *find_param(const struct api_param *ps, const char *name)
{
	for (; ps && ps->name; ps++)
		if (!strcmp(ps->name, name))
			return ps;
	return NULL;
}

int api_check_params(const struct api_method *m, json_object *params, struct api_call *c)
{
	c->params = NULL;
	if (!params ||
	    (json_object_is_type(params, json_type_array) && json_object_array_length(params) == 0))
		params = NULL;
	else if (!json_object_is_type(params, json_type_object))
		return api_fail(c, JSONRPC_INVALID_PARAMS,
				"%s: params must be an object (parameters by name)", m->name);
	if (params) {
		json_object_object_foreach(params, key, val)
		{
			const struct api_param *p = find_param(m->params, key);

			if (!p)
				return api_fail(c, JSONRPC_INVALID_PARAMS,
						"%s: unknown parameter \"%.40s\"", m->name, key);
			if (!ptype_ok(p->type, val))
				return api_fail(c, JSONRPC_INVALID_PARAMS,
						"%s: parameter \"%s\" must be %s", m->name, key,
						ptype_name(p->type));
		}
	}
	for (const struct api_param *p = m->params; p && p->name; p++)
		if (p->required && !(params && json_object_object_get_ex(params, p->name, NULL)))
			return api_fail(c, JSONRPC_INVALID_PARAMS, "%s: missing parameter \"%s\"",
					m->name, p->name);
	c->params = params;
	return 0;
}

int64_t api_param_int(const struct api_call *c, const char *name, int64_t dflt)
{
	json_object *v;

	if (!c->params || !json_object_object_get_ex(c->params, name, &v))
		return dflt;
	return json_object_get_int64(v);
}

const char *api_param_str(const struct api_call *c, const char *name)
{
	json_object *v;

	if (!c->params || !json_object_object_get_ex(c->params, name, &v))
		return NULL;
	return json_object_get_string(v);
}

bool api_param_bool(const struct api_call *c, const char *name, bool dflt)
{
	json_object *v;

	if (!c->params || !json_object_object_get_ex(c->params, name, &v))
		return dflt;
	return json_object_get_boolean(v);
}

int api_percpu_counter(int map_fd, uint32_t key, uint64_t *packets, uint64_t *bytes)
{
	static int ncpus;
	struct xdpd_counter *v;
	int r;

	if (!ncpus)
		ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		return ncpus ? ncpus : -EINVAL;
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		return -ENOMEM;
	r = bpf_map_lookup_elem(map_fd, &key, v);
	*packets = *bytes = 0;
	for (int i = 0; r == 0 && i < ncpus; i++) {
		*packets += v[i].packets;
		*bytes += v[i].bytes;
	}
	free(v);
	return r;
}

json_object *api_counter_json(uint64_t packets, uint64_t bytes)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "packets", json_object_new_uint64(packets));
	json_object_object_add(o, "bytes", json_object_new_uint64(bytes));
	return o;
}

json_object *api_time_json(uint64_t realtime_ns)
{
	time_t t = (time_t)(realtime_ns / 1000000000ULL);
	char buf[32];
	struct tm tm;

	if (!gmtime_r(&t, &tm) || !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		return NULL;
	return json_object_new_string(buf);
}

static bool authorized(const struct api_method *mt, const struct api_peer *peer,
		       const struct api_auth_ctx *auth, struct api_call *c)
{
	if (mt->mutating ? api_peer_may_mutate(peer)
			 : api_peer_may_read(peer, auth->have_group, auth->gid))
		return true;
	log_notice("control: refused '%s' to pid %d uid %u: %s", mt->name, (int)peer->pid,
		   (unsigned)peer->uid,
		   mt->mutating ? "needs uid 0 or CAP_NET_ADMIN" : "not in control.group");
	api_fail(c, JSONRPC_PERMISSION_DENIED, "%s: permission denied: %s", mt->name,
		 mt->mutating ? "needs root or CAP_NET_ADMIN"
			      : "needs root or membership in control.group");
	return false;
}

static int run(const struct api_method *mt, const struct api_peer *peer,
	       const struct api_auth_ctx *auth, json_object *params, struct api_call *c)
{
	int r;

	if (!mt)
		return api_fail(c, JSONRPC_METHOD_NOT_FOUND, "method '%.64s' not found", c->method);
	if (!authorized(mt, peer, auth, c))
		return c->code;
	r = api_check_params(mt, params, c);
	if (r)
		return r;
	r = mt->fn(c);
	if (r && !c->code)
		api_fail(c, JSONRPC_INTERNAL_ERROR, "%s: internal error", mt->name);
	return r;
}

json_object *api_dispatch(struct manager *m, struct blocklist *bl, const struct api_peer *peer,
			  const struct api_auth_ctx *auth, const struct jsonrpc_request *req,
			  struct api_conn *conn, struct api_stream *stream)
{
	struct api_call c = {.m = m, .bl = bl, .peer = peer, .conn = conn, .method = req->method};
	int r = run(api_method_find(req->method), peer, auth, req->params, &c);

	if (stream)
		*stream = (struct api_stream){0};
	if (!r && c.stream.step) {
		if (stream) { /* over the loop's turns, a notification's too */
			*stream = c.stream;
			stream->discard = !req->has_id;
			return NULL;
		}
		r = api_stream_drain(&c.stream, &c.result);
		api_stream_free(&c.stream);
		if (r < 0)
			api_fail(&c, JSONRPC_INTERNAL_ERROR, "%s: %s", c.method, strerror(-r));
	}
	if (!req->has_id) {
		if (r)
			log_debug("control: notification '%.64s' failed: %s", req->method,
				  c.message);
		json_object_put(c.result);
		json_object_put(c.data);
		return NULL;
	}
	if (r) {
		json_object_put(c.result);
		return jsonrpc_error_new(req->id, c.code, c.message, c.data);
	}
	return jsonrpc_response_new(req->id, c.result);
}
