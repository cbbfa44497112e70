// SPDX-License-Identifier: GPL-2.0-or-later
/* The control-socket client of xdpctl: see client.h. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"

#define REQUEST_ID 1

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Milliseconds left before the deadline for poll(): -1 waits forever. */
static int remaining_ms(const struct rpc_conn *rc, bool wait_forever)
{
	if (wait_forever || !rc->deadline_ms)
		return -1;
	long long left = rc->deadline_ms - now_ms();
	return left > 0 ? (int)left : 0;
}

static const char *hint(int err)
{
	switch (err) {
	case ENOENT:
	case ECONNREFUSED:
		return " (is xdpd running? see systemctl status xdpd)";
	case EACCES:
	case EPERM:
		return " (read-only commands need membership in the control group, changes need "
		       "root)";
	default:
		return "";
	}
}

static int unreachable(const struct ctl *c, int err, const char *what)
{
	fprintf(c->err, "xdpctl: cannot reach xdpd at %s: %s%s\n", c->socket_path,
		what ? what : strerror(err), what ? "" : hint(err));
	return XC_UNREACHABLE;
}

/* A non-blocking AF_UNIX connect fails with EAGAIN while the listen backlog
 * is full: retry until the deadline instead of reporting a busy daemon as
 * absent. */
static int connect_retry(struct rpc_conn *rc, const struct sockaddr_un *sa)
{
	for (;;) {
		if (!connect(rc->fd, (const struct sockaddr *)sa, sizeof(*sa)))
			return 0;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return -errno;
		if (!remaining_ms(rc, false))
			return -ETIMEDOUT;
		poll(NULL, 0, 10);
	}
}

int rpc_connect(const struct ctl *c, struct rpc_conn *rc)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	memset(rc, 0, sizeof(*rc));
	rc->fd = -1;
	rc->c = c;
	rc->deadline_ms = c->timeout_ms > 0 ? now_ms() + c->timeout_ms : 0;
	jsonrpc_lines_init(&rc->lines, XDPCTL_MAX_REPLY);
	if (strlen(c->socket_path) >= sizeof(sa.sun_path))
		return unreachable(c, ENAMETOOLONG, NULL);
	strcpy(sa.sun_path, c->socket_path);
	rc->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (rc->fd < 0)
		return unreachable(c, errno, NULL);
	int r = connect_retry(rc, &sa);
	if (r == -ETIMEDOUT)
		return unreachable(c, 0, "timed out waiting for the daemon to accept");
	if (r < 0)
		return unreachable(c, -r, NULL);
	return XC_OK;
}

static int write_all(struct rpc_conn *rc, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = send(rc->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN) {
			struct pollfd p = {.fd = rc->fd, .events = POLLOUT};
			int r = poll(&p, 1, remaining_ms(rc, false));

			if (r == 0)
				return -ETIMEDOUT;
			if (r < 0 && errno != EINTR)
				return -errno;
			continue;
		}
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
		}
	}
	return 0;
}

int rpc_send(struct rpc_conn *rc, const char *method, struct json_object *params)
{
	struct json_object *id = json_object_new_int(REQUEST_ID);
	struct json_object *req = jsonrpc_request_new(id, method, params);
	size_t len;
	char *line = req ? jsonrpc_to_line(req, &len) : NULL;
	int r = line ? write_all(rc, line, len) : -ENOMEM;

	free(line);
	json_object_put(req);
	json_object_put(id);
	if (r == -ENOMEM) {
		fprintf(rc->c->err, "xdpctl: %s: out of memory\n", method);
		return XC_FAIL;
	}
	if (r == -ETIMEDOUT)
		return unreachable(rc->c, 0, "timed out sending the request");
	/* The daemon closed first: it may have said why (too many connections)
	 * before closing, so the reply is read as usual and tells. */
	if (r < 0 && r != -EPIPE && r != -ECONNRESET)
		return unreachable(rc->c, -r, NULL);
	return XC_OK;
}

/* Reads more bytes into the line buffer. 0, -ETIMEDOUT, -EPIPE at end of
 * stream, or -errno. */
static int fill(struct rpc_conn *rc, bool wait_forever)
{
	char buf[65536];

	for (;;) {
		struct pollfd p = {.fd = rc->fd, .events = POLLIN};
		int r = poll(&p, 1, remaining_ms(rc, wait_forever));

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
		ssize_t n = read(rc->fd, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EPIPE;
		return jsonrpc_lines_feed(&rc->lines, buf, (size_t)n);
	}
}

static int read_line(struct rpc_conn *rc, const char *method, bool wait_forever, char **line,
		     size_t *len)
{
	const struct ctl *c = rc->c;

	for (;;) {
		int r = jsonrpc_lines_next(&rc->lines, line, len);

		if (r == 1)
			return XC_OK;
		if (r == -EMSGSIZE) {
			fprintf(c->err, "xdpctl: %s: reply longer than %u bytes\n", method,
				XDPCTL_MAX_REPLY);
			return XC_FAIL;
		}
		r = fill(rc, wait_forever);
		if (r == -EPIPE && jsonrpc_lines_take_tail(&rc->lines, line, len) == 1)
			return XC_OK;
		if (r == -EPIPE) {
			/* waiting forever: a stream (monitor) the daemon ended */
			fprintf(c->err,
				"xdpctl: cannot reach xdpd at %s: connection closed %s '%s'\n",
				c->socket_path, wait_forever ? "during" : "before the reply to",
				method);
			return XC_UNREACHABLE;
		}
		if (r == -ETIMEDOUT) {
			fprintf(c->err,
				"xdpctl: cannot reach xdpd at %s: no reply to '%s' within "
				"%d ms\n",
				c->socket_path, method, c->timeout_ms);
			return XC_UNREACHABLE;
		}
		if (r == -ENOMEM) {
			fprintf(c->err, "xdpctl: %s: out of memory\n", method);
			return XC_FAIL;
		}
		if (r < 0)
			return unreachable(c, -r, NULL);
	}
}

int rpc_read_line(struct rpc_conn *rc, const char *method, bool wait_forever, char **line,
		  size_t *len)
{
	return read_line(rc, method, wait_forever, line, len);
}

bool rpc_is_notification(const char *line, size_t len, struct json_object **msg)
{
	struct json_object *o = json_tokener_parse(line), *m;

	(void)len;
	if (o && json_object_object_get_ex(o, "method", &m) &&
	    !json_object_object_get_ex(o, "id", NULL)) {
		*msg = o;
		return true;
	}
	json_object_put(o);
	return false;
}

/* error.data: a string is printed as is, an array item by item, policy
 * diagnostics ({"diagnostics": ["FILE:LINE:COL: msg", ...]}) one per line,
 * anything else as JSON. */
static void print_error_data(const struct ctl *c, struct json_object *data)
{
	if (!data || json_object_is_type(data, json_type_null))
		return;
	if (json_object_is_type(data, json_type_string)) {
		const char *s = json_object_get_string(data);
		size_t n = strlen(s);

		fprintf(c->err, "%s%s", s, n && s[n - 1] == '\n' ? "" : "\n");
		return;
	}
	struct json_object *diags = NULL;
	if (json_object_is_type(data, json_type_object) &&
	    json_object_object_get_ex(data, "diagnostics", &diags) &&
	    json_object_is_type(diags, json_type_array))
		data = diags;
	if (json_object_is_type(data, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(data); i++)
			print_error_data(c, json_object_array_get_idx(data, i));
		return;
	}
	fprintf(c->err, "%s\n",
		json_object_to_json_string_ext(data, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
}

void rpc_print_error(const struct ctl *c, const char *method, int code, const char *message,
		     struct json_object *data)
{
	size_t n = strlen(method);

	/* xdpd's messages may already start with "METHOD: ": say it once. */
	if (message && !strncmp(message, method, n) && !strncmp(message + n, ": ", 2))
		message += n + 2;
	fprintf(c->err, "xdpctl: %s: %s (code %d)\n", method,
		message && *message ? message : jsonrpc_code_name(code), code);
	if (code == JSONRPC_METHOD_NOT_FOUND && !(message && strstr(message, method)))
		fprintf(c->err, "xdpctl: %s: this xdpd does not implement '%s'\n", method, method);
	print_error_data(c, data);
}

int rpc_take_result(struct rpc_conn *rc, const char *method, const char *line, size_t len,
		    struct json_object **result)
{
	char *message = NULL;
	struct json_object *data = NULL, *id = NULL;
	int code = jsonrpc_parse_response(line, len, result, &message, &data, &id);
	/* our one request's answer: its id (an error may carry null, for a
	 * request the daemon could not read), and every result is an object */
	bool ours = json_object_is_type(id, json_type_int) && json_object_get_int64(id) == REQUEST_ID;

	json_object_put(id);
	if (code == 0 && ours && json_object_is_type(*result, json_type_object))
		return XC_OK;
	if (code == 0) {
		json_object_put(*result);
		*result = NULL;
		fprintf(rc->c->err, "xdpctl: %s: the daemon's reply %s\n", method,
			ours ? "has no result object" : "answers another request (id)");
		return XC_FAIL;
	}
	if (message && rc->show_data && data) {
		rpc_print_error(rc->c, method, code, message, NULL);
		if (!rc->show_data(rc->c, data, rc->show_data_ctx))
			print_error_data(rc->c, data);
	} else if (message)
		rpc_print_error(rc->c, method, code, message, data);
	else
		fprintf(rc->c->err,
			"xdpctl: %s: the daemon's reply is not a JSON-RPC 2.0 "
			"response\n",
			method);
	free(message);
	json_object_put(data);
	return XC_FAIL;
}

void rpc_close(struct rpc_conn *rc)
{
	if (rc->fd >= 0)
		close(rc->fd);
	rc->fd = -1;
	jsonrpc_lines_free(&rc->lines);
}

int rpc_call_show(const struct ctl *c, const char *method, struct json_object *params,
		  struct json_object **result, rpc_data_fn show_data, void *ctx)
{
	struct rpc_conn rc;
	char *line;
	size_t len;
	int r = rpc_connect(c, &rc);

	if (r) {
		json_object_put(params);
		goto out;
	}
	rc.show_data = show_data;
	rc.show_data_ctx = ctx;
	r = rpc_send(&rc, method, params);
	while (!r) {
		struct json_object *note = NULL;

		r = read_line(&rc, method, false, &line, &len);
		if (r)
			break;
		/* A notification before the response is not ours to print. */
		if (!rpc_is_notification(line, len, &note)) {
			r = rpc_take_result(&rc, method, line, len, result);
			break;
		}
		json_object_put(note);
	}
out:
	rpc_close(&rc);
	return r;
}

int rpc_call(const struct ctl *c, const char *method, struct json_object *params,
	     struct json_object **result)
{
	return rpc_call_show(c, method, params, result, NULL, NULL);
}
