/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl's side of the control socket: connect, send one JSON-RPC request,
 * read the reply line within c->timeout_ms, and turn every failure into the
 * contract's exit status with one message on c->err:
 *   3  "xdpctl: cannot reach xdpd at PATH: ..." (missing socket, nobody
 *      listening, no permission, timeout, connection closed)
 *   1  "xdpctl: METHOD: MESSAGE (code N)" plus error.data (a JSON-RPC error),
 *      or a reply that is not JSON-RPC.
 */
#ifndef XDPCTL_CLIENT_H
#define XDPCTL_CLIENT_H

#include <json-c/json.h>

#include "jsonrpc.h"
#include "xdpctl.h"

/* Replies may be far larger than requests (a million blocklist entries). */
#define XDPCTL_MAX_REPLY (512u * 1024 * 1024)

/* A command's own way to show error.data of its method's errors (the
 * generic report prints it as text or JSON): true when it showed it. */
typedef bool (*rpc_data_fn)(const struct ctl *c, struct json_object *data, void *ctx);

struct rpc_conn {
	int fd;
	const struct ctl *c;
	struct jsonrpc_lines lines;
	long long deadline_ms; /* CLOCK_MONOTONIC; 0: none */
	rpc_data_fn show_data; /* NULL: the generic report */
	void *show_data_ctx;
};

/* One call: params is consumed (may be NULL). On XC_OK *result is a new
 * reference the caller puts. */
int rpc_call(const struct ctl *c, const char *method, struct json_object *params,
	     struct json_object **result);
/* The same, an error's data shown by show_data(c, data, ctx) when it can. */
int rpc_call_show(const struct ctl *c, const char *method, struct json_object *params,
		  struct json_object **result, rpc_data_fn show_data, void *ctx);

/* The steps, for commands that keep the connection (monitor). All return an
 * XC_* status and print their own message. */
int rpc_connect(const struct ctl *c, struct rpc_conn *rc);
int rpc_send(struct rpc_conn *rc, const char *method, struct json_object *params);
/* The next line, valid until the next read. wait_forever ignores the
 * deadline (monitor events). */
int rpc_read_line(struct rpc_conn *rc, const char *method, bool wait_forever, char **line,
		  size_t *len);
/* True (and *msg, a new reference) when line is a JSON-RPC notification. */
bool rpc_is_notification(const char *line, size_t len, struct json_object **msg);
/* Interprets a response line: XC_OK with *result, or XC_FAIL printed. */
int rpc_take_result(struct rpc_conn *rc, const char *method, const char *line, size_t len,
		    struct json_object **result);
void rpc_close(struct rpc_conn *rc);

/* The error report for a JSON-RPC error, exposed for tests. */
void rpc_print_error(const struct ctl *c, const char *method, int code, const char *message,
		     struct json_object *data);

#endif /* XDPCTL_CLIENT_H */
