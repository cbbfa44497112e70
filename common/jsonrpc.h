/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * JSON-RPC 2.0 over a byte stream, one object per '\n'-terminated line
 * (contract §5). Shared by the daemon (api_server.c) and xdpctl:
 *  - jsonrpc_lines: split a stream into lines with a size cap;
 *  - jsonrpc_parse_request: validate a request line into id/method/params or
 *    the JSON-RPC error to answer;
 *  - builders for requests, responses, errors and notifications, and
 *    jsonrpc_parse_response for clients.
 * Pure code: no I/O, no logging.
 */
#ifndef XDPD_JSONRPC_H
#define XDPD_JSONRPC_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

/* Requests (and responses read by xdpctl) longer than this are refused. */
#define JSONRPC_MAX_LINE (1024 * 1024)

/* Error codes: the JSON-RPC 2.0 standard ones and xdpd's (contract §5). */
enum jsonrpc_code {
	JSONRPC_PARSE_ERROR = -32700,
	JSONRPC_INVALID_REQUEST = -32600,
	JSONRPC_METHOD_NOT_FOUND = -32601,
	JSONRPC_INVALID_PARAMS = -32602,
	JSONRPC_INTERNAL_ERROR = -32603,
	JSONRPC_PERMISSION_DENIED = -32000,
	JSONRPC_NOT_FOUND = -32001,
	JSONRPC_INVALID_POLICY = -32002,
	JSONRPC_RESOURCE_EXHAUSTED = -32003,
};

/* "parse error", "permission denied", ... ; "error" for unknown codes. */
const char *jsonrpc_code_name(int code);

/*
 * Line splitter. Bytes go in with jsonrpc_lines_feed(); complete lines come
 * out with jsonrpc_lines_next(), without their '\n' (and without a '\r'
 * before it, so CRLF clients work), NUL-terminated in place.
 */
struct jsonrpc_lines {
	char *buf;
	size_t start; /* first unconsumed byte */
	size_t len;   /* bytes in buf */
	size_t cap;
	size_t scan; /* bytes from start already known to hold no '\n' */
	size_t max;  /* longest accepted line, without '\n' (0: JSONRPC_MAX_LINE) */
};

void jsonrpc_lines_init(struct jsonrpc_lines *l, size_t max);
void jsonrpc_lines_free(struct jsonrpc_lines *l);
/* 0, or -ENOMEM. */
int jsonrpc_lines_feed(struct jsonrpc_lines *l, const void *data, size_t n);
/* 1 and the next line; 0 when no complete line is buffered; -EMSGSIZE when
 * the pending line is already longer than max (the stream cannot be resynced:
 * the caller answers once and closes). The line stays valid until the next
 * feed. */
int jsonrpc_lines_next(struct jsonrpc_lines *l, char **line, size_t *len);
/* At end of stream: the unterminated tail as a last line (1), or 0 if none. */
int jsonrpc_lines_take_tail(struct jsonrpc_lines *l, char **line, size_t *len);
/* Bytes buffered and not yet returned as lines. */
size_t jsonrpc_lines_pending(const struct jsonrpc_lines *l);

/* A validated request. root owns everything; id is NULL for a notification
 * (no "id" member), a json null object pointer is never stored: a request
 * with "id": null has has_id set and id NULL. params is NULL when absent. */
struct jsonrpc_request {
	json_object *root;
	bool has_id;
	json_object *id;
	const char *method;
	json_object *params;
};

/* A refused request: what to answer. id is the request's id when it could
 * be read, else NULL (the answer then carries "id": null, as JSON-RPC 2.0
 * requires). Refused requests are always answered, even without an id. */
struct jsonrpc_error {
	int code;
	char message[160];
	json_object *id; /* a reference, released by jsonrpc_error_clear() */
};

/*
 * Validate one line as a JSON-RPC 2.0 request. Returns 0 and fills req, or
 * returns the error code (JSONRPC_PARSE_ERROR, JSONRPC_INVALID_REQUEST) and
 * fills err. Batches (top-level arrays) are refused with
 * JSONRPC_INVALID_REQUEST. Unknown top-level members are refused too, so a
 * typo such as "param" is not silently ignored. "params" must be an object,
 * an array, or null (treated as absent).
 */
int jsonrpc_parse_request(const char *line, size_t len, struct jsonrpc_request *req,
			  struct jsonrpc_error *err);
void jsonrpc_request_clear(struct jsonrpc_request *req);
void jsonrpc_error_clear(struct jsonrpc_error *err);

/* Builders. They take ownership of result/params/data (which may be NULL)
 * and take a new reference on id. NULL on out of memory. */
json_object *jsonrpc_request_new(json_object *id, const char *method, json_object *params);
json_object *jsonrpc_response_new(json_object *id, json_object *result);
json_object *jsonrpc_error_new(json_object *id, int code, const char *message, json_object *data);
json_object *jsonrpc_notification_new(const char *method, json_object *params);

/* One line: the object in compact form followed by '\n'. Malloc'ed, *len
 * without the terminating NUL. NULL on out of memory. */
char *jsonrpc_to_line(json_object *o, size_t *len);

/*
 * Client side: parse one response line. Returns 0 with *result (a new
 * reference) on success; JSONRPC_PARSE_ERROR / JSONRPC_INVALID_REQUEST when
 * the line is not a JSON-RPC 2.0 response; otherwise the server's error code
 * with *message (malloc'ed) and *data (new reference or NULL). *id gets a new
 * reference on the response id (or NULL) when id is not NULL.
 */
int jsonrpc_parse_response(const char *line, size_t len, json_object **result, char **message,
			   json_object **data, json_object **id);

#endif /* XDPD_JSONRPC_H */
