/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control API's methods: one table (name, handler, mutating flag, params
 * schema) and the handlers, one file per family (api_status.c, api_rules.c,
 * api_stats.c, api_reload.c, api_blocklist.c). Handlers run inside the event
 * loop and must not block.
 */
#ifndef XDPD_API_METHODS_H
#define XDPD_API_METHODS_H

#include <stdbool.h>
#include <json-c/json.h>

#include "api_auth.h"
#include "jsonrpc.h"

struct manager;
struct blocklist;
struct api_conn;

/* Text of a JSON value being built piecewise (api_stream.c). Allocation
 * failures are remembered in oom and make the stream fail. */
struct api_text {
	char *buf;
	size_t len, cap;
	bool oom;
};
void api_text_add(struct api_text *t, const char *s, size_t n);
void api_text_printf(struct api_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a JSON string literal, quotes included. */
void api_text_json_string(struct api_text *t, const char *s);
void api_text_free(struct api_text *t);

/* A result too large to build in one loop turn (blocklist.list and flush of a
 * big blocklist): the handler sets c->stream instead of c->result, and the
 * server calls step() once per loop turn, between other clients' requests,
 * writing what it appends as the "result" of the answer, until step()
 * returns 0 (done: the text is one complete JSON value) or < 0 (failed: the
 * connection is closed, the answer cut). free(ctx) runs in every case. */
struct api_stream {
	int (*step)(void *ctx, struct api_text *out); /* 1: more to come */
	void (*free)(void *ctx);
	void *ctx;
	bool discard; /* a notification's: run every step, send nothing */
};
/* Run every step now and parse the text (no connection: unit tests, or the
 * result of a notification that is thrown away). 0 or -errno. */
int api_stream_drain(struct api_stream *st, json_object **result);
void api_stream_free(struct api_stream *st);

/* What a handler sees and fills. */
struct api_call {
	struct manager *m;
	struct blocklist *bl;
	const struct api_peer *peer;
	struct api_conn *conn; /* the caller's connection (NULL in unit tests) */
	const char *method;
	json_object *params; /* an object (validated against the schema) or NULL */
	json_object *result; /* set on success (NULL serializes as null) */
	struct api_stream stream; /* or this, on success, when stream.step is set */
	int code;	     /* set on failure, with message and optional data */
	char message[256];
	json_object *data;
};

/* Record an error on c and return its code (handlers `return api_fail(...)`). */
int api_fail(struct api_call *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

enum api_ptype { API_P_BOOL, API_P_INT, API_P_STRING };

struct api_param {
	const char *name;
	enum api_ptype type;
	bool required;
};

typedef int (*api_handler)(struct api_call *c);

struct api_method {
	const char *name;
	api_handler fn;
	bool mutating;
	const struct api_param *params; /* ends with a NULL name; NULL: none */
};

const struct api_method *api_method_find(const char *name);
/* Validate params against m's schema: 0 or JSONRPC_INVALID_PARAMS on c. An
 * empty array counts as no params. On success c->params is the object or NULL. */
int api_check_params(const struct api_method *m, json_object *params, struct api_call *c);

/* Auth context of the server, for dispatch. */
struct api_auth_ctx {
	bool have_group;
	gid_t gid;
};

/* Run one validated request. Returns the response to send, or NULL for a
 * notification (which is still executed). When stream is not NULL and the
 * result is a stream, it is handed over there (stream->step set) and NULL
 * returned: the caller runs it over its loop's turns and writes the answer,
 * or only runs it (stream->discard, a notification's); else streams are
 * drained here. */
json_object *api_dispatch(struct manager *m, struct blocklist *bl, const struct api_peer *peer,
			  const struct api_auth_ctx *auth, const struct jsonrpc_request *req,
			  struct api_conn *conn, struct api_stream *stream);

/* Handlers. */
int api_ping(struct api_call *c);
int api_status(struct api_call *c);
int api_rules_list(struct api_call *c);
int api_stats(struct api_call *c);
int api_reload(struct api_call *c);
int api_blocklist_add(struct api_call *c);
int api_blocklist_delete(struct api_call *c);
int api_blocklist_list(struct api_call *c);
int api_blocklist_flush(struct api_call *c);
int api_lb_list(struct api_call *c);
int api_lb_set_state(struct api_call *c);
/* stats: per-backend counters {balancer, address, packets, bytes} (api_lb.c) */
json_object *api_lb_stats(const struct manager *m);
int api_monitor(struct api_call *c); /* api_monitor.c */
int api_trace(struct api_call *c);   /* api_trace.c */
/* stats' sampling {events, lost, delivered, dropped, subscribers, rate}. */
json_object *api_sampling_stats(const struct manager *m);

/* Shared helpers for handlers. */
/* Sum a per-CPU xdpd_counter array entry over the possible CPUs. */
int api_percpu_counter(int map_fd, uint32_t key, uint64_t *packets, uint64_t *bytes);
json_object *api_counter_json(uint64_t packets, uint64_t bytes);
/* "2024-05-01T12:00:00Z" (UTC, RFC 3339) for a CLOCK_REALTIME time. */
json_object *api_time_json(uint64_t realtime_ns);
/* Integer params of the schema type API_P_INT. */
int64_t api_param_int(const struct api_call *c, const char *name, int64_t dflt);
const char *api_param_str(const struct api_call *c, const char *name);
bool api_param_bool(const struct api_call *c, const char *name, bool dflt);

#endif /* XDPD_API_METHODS_H */
