// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON-RPC 2.0 framing, validation and builders (see jsonrpc.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "jsonrpc.h"

const char *jsonrpc_code_name(int code)
{
	switch (code) {
	case JSONRPC_PARSE_ERROR:
		return "parse error";
	case JSONRPC_INVALID_REQUEST:
		return "invalid request";
	case JSONRPC_METHOD_NOT_FOUND:
		return "method not found";
	case JSONRPC_INVALID_PARAMS:
		return "invalid params";
	case JSONRPC_INTERNAL_ERROR:
		return "internal error";
	case JSONRPC_PERMISSION_DENIED:
		return "permission denied";
	case JSONRPC_NOT_FOUND:
		return "not found";
	case JSONRPC_INVALID_POLICY:
		return "invalid policy";
	case JSONRPC_RESOURCE_EXHAUSTED:
		return "resource exhausted";
	}
	return "error";
}

/* ---- line splitting ---- */

void jsonrpc_lines_init(struct jsonrpc_lines *l, size_t max)
{
	memset(l, 0, sizeof(*l));
	l->max = max ? max : JSONRPC_MAX_LINE;
}

void jsonrpc_lines_free(struct jsonrpc_lines *l)
{
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

size_t jsonrpc_lines_pending(const struct jsonrpc_lines *l)
{
	return l->len - l->start;
}

int jsonrpc_lines_feed(struct jsonrpc_lines *l, const void *data, size_t n)
{
	size_t pending = l->len - l->start;

	if (l->start > 0) { /* drop consumed lines before growing */
		memmove(l->buf, l->buf + l->start, pending);
		l->start = 0;
		l->len = pending;
	}
	/* +1 keeps room to NUL-terminate an unterminated tail in place */
	if (pending + n + 1 > l->cap) {
		size_t cap = l->cap ? l->cap : 4096;
		char *b;

		while (cap < pending + n + 1)
			cap *= 2;
		b = realloc(l->buf, cap);
		if (!b)
			return -ENOMEM;
		l->buf = b;
		l->cap = cap;
	}
	memcpy(l->buf + l->len, data, n);
	l->len += n;
	return 0;
}

/* Terminate the line [start, start + n) in place and consume `used` bytes. */
static void take_line(struct jsonrpc_lines *l, size_t n, size_t used, char **line, size_t *len)
{
	char *s = l->buf + l->start;

	if (n > 0 && s[n - 1] == '\r')
		n--;
	s[n] = '\0';
	*line = s;
	*len = n;
	l->start += used;
	l->scan = 0;
}

/* Whether the n bytes at s, less a final CR (part of a CRLF line end, not
 * of the line), exceed the cap. */
static bool over_max(const struct jsonrpc_lines *l, const char *s, size_t n)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	return n > l->max;
}

int jsonrpc_lines_next(struct jsonrpc_lines *l, char **line, size_t *len)
{
	size_t pending = l->len - l->start;
	char *s = l->buf + l->start;
	char *nl;
	size_t n;

	if (pending == 0)
		return 0;
	nl = memchr(s + l->scan, '\n', pending - l->scan);
	if (!nl) {
		l->scan = pending;
		return over_max(l, s, pending) ? -EMSGSIZE : 0;
	}
	n = (size_t)(nl - s);
	if (over_max(l, s, n))
		return -EMSGSIZE;
	take_line(l, n, n + 1, line, len);
	return 1;
}

int jsonrpc_lines_take_tail(struct jsonrpc_lines *l, char **line, size_t *len)
{
	size_t pending = l->len - l->start;

	if (pending == 0)
		return 0;
	if (over_max(l, l->buf + l->start, pending))
		return -EMSGSIZE;
	take_line(l, pending, pending, line, len);
	return 1;
}

/* ---- request validation ---- */

static int set_error(struct jsonrpc_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int set_error(struct jsonrpc_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

/* Parse exactly one JSON value filling the whole line (blanks around it are
 * fine). NULL and a message on failure. */
static json_object *parse_line(const char *line, size_t len, struct jsonrpc_error *err)
{
	json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *o;
	size_t end;

	if (!tok) {
		set_error(err, JSONRPC_INTERNAL_ERROR, "out of memory");
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (!o && jerr == json_tokener_continue) {
		/* a bare number needs the end of input to be complete */
		o = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		end = len;
	}
	if (end < len && (o || jerr == json_tokener_success)) {
		json_object_put(o);
		o = NULL;
		set_error(err, JSONRPC_PARSE_ERROR, "parse error: trailing data at byte %zu", end);
	} else if (!o && jerr == json_tokener_success) { /* the value null */
		set_error(err, JSONRPC_INVALID_REQUEST, "invalid request: not a JSON object");
	} else if (!o) {
		set_error(err, JSONRPC_PARSE_ERROR, "parse error: %s",
			  jerr == json_tokener_continue ? "truncated JSON"
							: json_tokener_error_desc(jerr));
	}
	json_tokener_free(tok);
	return o;
}

/* The faults of json_text.h, as the error a request gets. */
static int check_text(const char *line, size_t len, struct jsonrpc_error *err)
{
	size_t at;

	switch (json_text_check(line, len, &at)) {
	case JSON_TEXT_BAD_UTF8:
		return set_error(err, JSONRPC_PARSE_ERROR, "parse error: invalid UTF-8 at byte %zu",
				 at);
	case JSON_TEXT_NOT_NUMBER:
		return set_error(err, JSONRPC_PARSE_ERROR,
				 "parse error: NaN and Infinity are not JSON (byte %zu)", at);
	case JSON_TEXT_LONE_SURROGATE:
		return set_error(err, JSONRPC_PARSE_ERROR,
				 "parse error: half a surrogate pair escaped at byte %zu", at);
	case JSON_TEXT_NUL:
		return set_error(err, JSONRPC_INVALID_REQUEST,
				 "invalid request: a string holds NUL (\\u0000, byte %zu)", at);
	default:
		return 0;
	}
}

/* json-c clamps integers to [INT64_MIN, UINT64_MAX]: an id at either end may
 * have been another number, and the answer must carry the id sent. */
static bool valid_id(json_object *id)
{
	switch (json_object_get_type(id)) {
	case json_type_int:
		return json_object_get_int64(id) != INT64_MIN &&
		       json_object_get_uint64(id) != UINT64_MAX;
	case json_type_null:
	case json_type_double:
	case json_type_string:
		return true;
	default:
		return false;
	}
}

/* Checks of the request object once its id is known. */
static int check_members(json_object *root, struct jsonrpc_request *req, struct jsonrpc_error *err)
{
	json_object *v;

	if (!json_object_object_get_ex(root, "jsonrpc", &v) ||
	    !json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), "2.0"))
		return set_error(err, JSONRPC_INVALID_REQUEST,
				 "invalid request: \"jsonrpc\" must be \"2.0\"");
	if (!json_object_object_get_ex(root, "method", &v) ||
	    !json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
		return set_error(err, JSONRPC_INVALID_REQUEST,
				 "invalid request: \"method\" must be a non-empty string");
	req->method = json_object_get_string(v);
	if (json_object_object_get_ex(root, "params", &v) && v) {
		if (!json_object_is_type(v, json_type_object) &&
		    !json_object_is_type(v, json_type_array))
			return set_error(
			    err, JSONRPC_INVALID_REQUEST,
			    "invalid request: \"params\" must be an object or an array");
		req->params = v;
	}
	json_object_object_foreach(root, key, val)
	{
		(void)val;
		if (strcmp(key, "jsonrpc") && strcmp(key, "method") && strcmp(key, "params") &&
		    strcmp(key, "id"))
			return set_error(err, JSONRPC_INVALID_REQUEST,
					 "invalid request: unknown member \"%.40s\"", key);
	}
	return 0;
}

int jsonrpc_parse_request(const char *line, size_t len, struct jsonrpc_request *req,
			  struct jsonrpc_error *err)
{
	json_object *root, *id;
	int r;

	memset(req, 0, sizeof(*req));
	memset(err, 0, sizeof(*err));
	root = parse_line(line, len, err);
	if (!root)
		return err->code;
	r = check_text(line, len, err);
	if (r) {
		json_object_put(root);
		return r;
	}
	if (json_object_is_type(root, json_type_array)) {
		json_object_put(root);
		return set_error(err, JSONRPC_INVALID_REQUEST,
				 "invalid request: batch requests are not supported");
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return set_error(err, JSONRPC_INVALID_REQUEST,
				 "invalid request: not a JSON object");
	}
	if (json_object_object_get_ex(root, "id", &id)) {
		if (!valid_id(id)) {
			json_object_put(root);
			return set_error(
			    err, JSONRPC_INVALID_REQUEST,
			    "invalid request: \"id\" must be a string, null or a number "
			    "between -2^63 and 2^64 - 1 (exclusive)");
		}
		req->has_id = true;
		req->id = id;
	}
	r = check_members(root, req, err);
	if (r) {
		err->id = json_object_get(req->id);
		json_object_put(root);
		memset(req, 0, sizeof(*req));
		return r;
	}
	req->root = root;
	return 0;
}

void jsonrpc_request_clear(struct jsonrpc_request *req)
{
	json_object_put(req->root);
	memset(req, 0, sizeof(*req));
}

void jsonrpc_error_clear(struct jsonrpc_error *err)
{
	json_object_put(err->id);
	memset(err, 0, sizeof(*err));
}

/* ---- builders ---- */

static json_object *envelope(json_object *id, bool with_id)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "jsonrpc", json_object_new_string("2.0"));
	if (with_id)
		json_object_object_add(o, "id", json_object_get(id));
	return o;
}

/* A request and a notification differ only in carrying an id. */
static json_object *method_call(json_object *id, bool with_id, const char *method,
				json_object *params)
{
	json_object *o = envelope(id, with_id);

	if (!o) {
		json_object_put(params);
		return NULL;
	}
	json_object_object_add(o, "method", json_object_new_string(method));
	if (params)
		json_object_object_add(o, "params", params);
	return o;
}

json_object *jsonrpc_request_new(json_object *id, const char *method, json_object *params)
{
	return method_call(id, true, method, params);
}

json_object *jsonrpc_response_new(json_object *id, json_object *result)
{
	json_object *o = envelope(id, true);

	if (!o) {
		json_object_put(result);
		return NULL;
	}
	/* a NULL result serializes as null, which JSON-RPC allows */
	json_object_object_add(o, "result", result);
	return o;
}

json_object *jsonrpc_error_new(json_object *id, int code, const char *message, json_object *data)
{
	json_object *o = envelope(id, true);
	json_object *e = json_object_new_object();

	if (!o || !e) {
		json_object_put(o);
		json_object_put(e);
		json_object_put(data);
		return NULL;
	}
	json_object_object_add(e, "code", json_object_new_int(code));
	json_object_object_add(e, "message",
			       json_object_new_string(message ? message : jsonrpc_code_name(code)));
	if (data)
		json_object_object_add(e, "data", data);
	json_object_object_add(o, "error", e);
	return o;
}

json_object *jsonrpc_notification_new(const char *method, json_object *params)
{
	return method_call(NULL, false, method, params);
}

char *jsonrpc_to_line(json_object *o, size_t *len)
{
	size_t n;
	const char *s = json_object_to_json_string_length(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
	char *line;

	if (!s)
		return NULL;
	line = malloc(n + 2);
	if (!line)
		return NULL;
	memcpy(line, s, n);
	line[n] = '\n';
	line[n + 1] = '\0';
	if (len)
		*len = n + 1;
	return line;
}

/* ---- client side ---- */

static int response_error(json_object *e, char **message, json_object **data)
{
	json_object *code, *msg, *d;

	if (!json_object_is_type(e, json_type_object) ||
	    !json_object_object_get_ex(e, "code", &code) ||
	    !json_object_is_type(code, json_type_int) ||
	    !json_object_object_get_ex(e, "message", &msg) ||
	    !json_object_is_type(msg, json_type_string))
		return JSONRPC_INVALID_REQUEST;
	if (message)
		*message = strdup(json_object_get_string(msg));
	if (data && json_object_object_get_ex(e, "data", &d))
		*data = json_object_get(d);
	/* a server answering code 0 would read as success: map it to an error */
	return json_object_get_int(code) ? json_object_get_int(code) : JSONRPC_INTERNAL_ERROR;
}

int jsonrpc_parse_response(const char *line, size_t len, json_object **result, char **message,
			   json_object **data, json_object **id)
{
	struct jsonrpc_error perr = {0};
	json_object *root, *v, *res = NULL, *e = NULL;
	bool has_res, has_err;
	int r = 0;

	if (result)
		*result = NULL;
	if (message)
		*message = NULL;
	if (data)
		*data = NULL;
	if (id)
		*id = NULL;
	root = parse_line(line, len, &perr);
	if (!root)
		return JSONRPC_PARSE_ERROR;
	has_res = json_object_object_get_ex(root, "result", &res);
	has_err = json_object_object_get_ex(root, "error", &e);
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "jsonrpc", &v) ||
	    !json_object_is_type(v, json_type_string) || strcmp(json_object_get_string(v), "2.0") ||
	    has_res == has_err) {
		json_object_put(root);
		return JSONRPC_INVALID_REQUEST;
	}
	if (id && json_object_object_get_ex(root, "id", &v))
		*id = json_object_get(v);
	if (has_err)
		r = response_error(e, message, data);
	else if (result)
		*result = json_object_get(res);
	json_object_put(root);
	return r;
}
