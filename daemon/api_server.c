// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The control socket: listening, per-connection buffers and state, reading
 * requests, writing answers. Every socket is non-blocking and served from the
 * manager's sd-event loop, so one client can never stall another or the
 * daemon: a client that stops reading stops being read (its answers wait in
 * its own buffer), a silent one is closed after API_IDLE_SEC.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <linux/magic.h>
#include <time.h>
#include <unistd.h>

#include "api.h"
#include "api_methods.h"
#include "blocklist.h"
#include "blocklist_fast_hook.h"
#include "log.h"
#include "manager.h"

#define USEC_PER_SEC   1000000ULL
#define API_READ_CHUNK (64 * 1024)
/* Stop taking requests from a connection while this much output waits. */
#define API_OUT_HIGH (1024 * 1024)
/* After refusing an oversize request: discard input this long (or this
 * much) so the client reads the error instead of a reset. */
#define API_LINGER_USEC	      (2 * USEC_PER_SEC)
#define API_LINGER_MAX	      (16 * 1024 * 1024)
#define API_ACCEPT_PAUSE_USEC (USEC_PER_SEC)
/* Requests one connection may run per loop turn: a client pipelining
 * thousands of them shares the loop with the others. */
#define API_TURN_REQUESTS 64
/* Stop reading from a connection while this much input waits unanswered
 * (room for one whole request of JSONRPC_MAX_LINE and more). */
#define API_IN_HIGH (2 * 1024 * 1024)

struct api_conn {
	struct api_server *srv;
	struct api_conn *prev, *next;
	int fd;
	unsigned long id;
	sd_event_source *io, *timer;
	/* held requests go on at the next loop turn: a timer due at once, as a
	 * defer source would run before any socket and starve the others */
	sd_event_source *more;
	struct api_peer peer;
	struct jsonrpc_lines in;
	char *out;
	size_t out_off, out_len, out_cap;
	bool eof;     /* the peer will send nothing more */
	bool hup;     /* EPOLLHUP or EPOLLERR: the peer closed for good */
	bool closing; /* take no more requests: flush the answers, then close */
	bool shut;    /* our side shut down, discarding input until the peer closes */
	bool held;    /* requests (or a stream) wait: output full, or the turn's budget used */
	struct api_stream stream; /* an answer being built over loop turns */
	unsigned budget;	  /* requests (or stream steps) left in this wakeup */
	uint64_t turn_end;	  /* api_now_usec() when this wakeup's time is spent */
	size_t discarded;
	/* a subscriber (monitor): no idle timeout, gone() when it closes */
	api_conn_gone_fn gone;
	void *gone_ctx;
};

/* A listening socket and its file. */
struct api_listener {
	int fd;	   /* -1: none */
	ino_t ino; /* of the socket file, so that only our own is removed */
	sd_event_source *src;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
};

struct api_server {
	struct manager *m;
	sd_event *event;
	struct api_listener ln;
	/* a reload's new control.socket, listening next to ln until the
	 * reload is applied (api_server_move_commit) */
	struct api_listener next;
	sd_event_source *accept_pause;
	struct api_auth_ctx auth;
	struct blocklist *bl;
	struct api_conn *conns;
	size_t n_conns;
	unsigned long next_id;
};

/* ---- connections ---- */

static void conn_free(struct api_conn *c)
{
	struct api_server *s = c->srv;

	if (c->gone)
		c->gone(c->gone_ctx);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	s->n_conns--;
	sd_event_source_disable_unref(c->io);
	sd_event_source_disable_unref(c->timer);
	sd_event_source_disable_unref(c->more);
	api_stream_free(&c->stream);
	close(c->fd);
	jsonrpc_lines_free(&c->in);
	free(c->out);
	free(c);
}

static size_t out_pending(const struct api_conn *c)
{
	return c->out_len - c->out_off;
}

static int out_append(struct api_conn *c, const char *s, size_t n)
{
	if (c->out_off && c->out_len + n > c->out_cap) {
		memmove(c->out, c->out + c->out_off, out_pending(c));
		c->out_len -= c->out_off;
		c->out_off = 0;
	}
	if (c->out_len + n > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *b;

		while (cap < c->out_len + n)
			cap *= 2;
		b = realloc(c->out, cap);
		if (!b)
			return -ENOMEM;
		c->out = b;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, s, n);
	c->out_len += n;
	return 0;
}

/* Queue one message (consumed). Out of memory ends the connection. */
static void conn_queue(struct api_conn *c, json_object *msg)
{
	size_t n;
	char *line = msg ? jsonrpc_to_line(msg, &n) : NULL;

	if (!line || out_append(c, line, n) < 0) {
		log_warning("control: connection %lu (pid %d): out of memory, closing", c->id,
			    (int)c->peer.pid);
		c->closing = true;
	}
	free(line);
	json_object_put(msg);
}

static void conn_queue_error(struct api_conn *c, json_object *id, int code, const char *msg)
{
	conn_queue(c, jsonrpc_error_new(id, code, msg, NULL));
}

/* 0, or -errno when the connection is dead. */
static int conn_flush(struct api_conn *c)
{
	while (out_pending(c)) {
		ssize_t n =
		    send(c->fd, c->out + c->out_off, out_pending(c), MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		c->out_off += (size_t)n;
	}
	c->out_off = c->out_len = 0;
	if (c->out_cap > API_OUT_HIGH) { /* one huge answer should not pin its buffer */
		free(c->out);
		c->out = NULL;
		c->out_cap = 0;
	}
	return 0;
}

static bool blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

static void stream_begin(struct api_conn *c, json_object *id)
{
	const char *idtxt = json_object_to_json_string_ext(id, JSON_C_TO_STRING_PLAIN);
	char head[64];
	int n = snprintf(head, sizeof(head), "{\"jsonrpc\":\"2.0\",\"id\":");

	if (out_append(c, head, (size_t)n) < 0 || out_append(c, idtxt, strlen(idtxt)) < 0 ||
	    out_append(c, ",\"result\":", 10) < 0) {
		log_warning("control: connection %lu (pid %d): out of memory, closing", c->id,
			    (int)c->peer.pid);
		api_stream_free(&c->stream);
		c->closing = true;
	}
}

/* One bounded step of the answer being streamed; the answer's end when the
 * stream is done. A failure cuts the answer and closes the connection. */
static void stream_step(struct api_conn *c)
{
	struct api_text t = {0};
	int r = c->stream.step(c->stream.ctx, &t);

	c->budget = 0; /* a step is a turn's worth of work */
	if (r >= 0 && t.oom)
		r = -ENOMEM;
	if (c->stream.discard) /* a notification: no answer */
		t.len = 0;
	else if (r >= 0 && t.len && out_append(c, t.buf, t.len) < 0)
		r = -ENOMEM;
	if (r == 0 && !c->stream.discard && out_append(c, "}\n", 2) < 0)
		r = -ENOMEM;
	api_text_free(&t);
	if (r <= 0)
		api_stream_free(&c->stream);
	if (r < 0) {
		log_warning("control: connection %lu (pid %d): answer cut short: %s; closing",
			    c->id, (int)c->peer.pid, strerror(-r));
		c->closing = true;
	}
}

static void conn_handle_line(struct api_conn *c, const char *line, size_t len)
{
	struct jsonrpc_request req;
	struct jsonrpc_error err;
	json_object *resp;

	if (blank(line, len))
		return;
	if (jsonrpc_parse_request(line, len, &req, &err)) {
		log_debug("control: connection %lu (pid %d): %s", c->id, (int)c->peer.pid,
			  err.message);
		conn_queue_error(c, err.id, err.code, err.message);
		jsonrpc_error_clear(&err);
		return;
	}
	resp = api_dispatch(c->srv->m, c->srv->bl, &c->peer, &c->srv->auth, &req, c, &c->stream);
	if (c->stream.step) { /* the envelope now, the result over the next turns */
		if (!c->stream.discard)
			stream_begin(c, req.id);
	}
	else if (resp || req.has_id) /* NULL for a request: out of memory */
		conn_queue(c, resp);
	jsonrpc_request_clear(&req);
}

static void conn_too_large(struct api_conn *c)
{
	char msg[96];

	log_notice("control: connection %lu (pid %d uid %u): request over %d bytes, closing", c->id,
		   (int)c->peer.pid, (unsigned)c->peer.uid, JSONRPC_MAX_LINE);
	snprintf(msg, sizeof(msg), "invalid request: request exceeds %d bytes", JSONRPC_MAX_LINE);
	conn_queue_error(c, NULL, JSONRPC_INVALID_REQUEST, msg);
	c->closing = true;
}

/* Answer the complete requests buffered, in order, while the client keeps
 * reading its answers. At end of input the unterminated tail is one last
 * request. */
static void conn_process(struct api_conn *c)
{
	char *line;
	size_t len;
	int r;

	c->held = false;
	for (;;) {
		if (c->closing)
			return;
		if (out_pending(c) >= API_OUT_HIGH) {
			c->held = true; /* resumed once the client has read its answers */
			return;
		}
		if (!c->budget || api_now_usec() >= c->turn_end) {
			c->held = true; /* this turn's share is used: others get theirs */
			return;
		}
		if (c->stream.step) { /* answers stay in order: later requests wait */
			stream_step(c);
			continue;
		}
		r = jsonrpc_lines_next(&c->in, &line, &len);
		if (r == 0)
			break;
		if (r < 0) {
			conn_too_large(c);
			return;
		}
		c->budget--;
		conn_handle_line(c, line, len);
	}
	if (!c->eof)
		return;
	r = jsonrpc_lines_take_tail(&c->in, &line, &len);
	if (r == -EMSGSIZE)
		conn_too_large(c);
	else if (r == 1)
		conn_handle_line(c, line, len);
	/* a subscriber's half-close (shutdown(SHUT_WR)) ends its requests, not
	 * its events: it is read until it closes for good */
	if (!c->gone || c->hup)
		c->closing = true;
}

/* Read what is there (a bounded amount per wakeup, to be fair to others).
 * 0, or -errno when the connection is dead. */
static int conn_read(struct api_conn *c)
{
	char buf[API_READ_CHUNK];

	for (int i = 0; i < 16 && !c->eof; i++) {
		ssize_t n;

		if (!c->closing && (out_pending(c) >= API_OUT_HIGH ||
				    jsonrpc_lines_pending(&c->in) >= API_IN_HIGH))
			return 0;
		n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 0 : -errno;
		if (n == 0) {
			c->eof = true;
			break;
		}
		if (c->closing) {
			c->discarded += (size_t)n;
			if (c->discarded > API_LINGER_MAX)
				return -EMSGSIZE;
			continue;
		}
		if (jsonrpc_lines_feed(&c->in, buf, (size_t)n) < 0)
			return -ENOMEM;
		conn_process(c);
	}
	conn_process(c);
	return 0;
}

static void conn_touch(struct api_conn *c)
{
	if (c->gone && !c->shut) { /* a subscriber waits for events, not idle */
		sd_event_source_set_enabled(c->timer, SD_EVENT_OFF);
		return;
	}
	sd_event_source_set_time_relative(c->timer,
					  c->shut ? API_LINGER_USEC : API_IDLE_SEC * USEC_PER_SEC);
	sd_event_source_set_enabled(c->timer, SD_EVENT_ONESHOT);
}

static int on_conn_more(sd_event_source *s, uint64_t usec, void *userdata);

static int add_more(struct api_conn *c)
{
	return sd_event_add_time(c->srv->event, &c->more, CLOCK_MONOTONIC, 0, 1, on_conn_more, c);
}

/* A subscriber that half-closed: nothing to read, but its close must be
 * seen. epoll reports EPOLLHUP whatever events are asked for. */
static bool conn_awaits_hangup(const struct api_conn *c)
{
	return c->gone && c->eof && !c->closing;
}

/* After any event: close, or wait for what comes next. */
static void conn_update(struct api_conn *c)
{
	uint32_t events = 0;
	bool watch, more;

	if (c->closing && !out_pending(c)) {
		if (c->eof) {
			conn_free(c);
			return;
		}
		if (!c->shut) {
			/* the client sees the end of our answers, then its send
			 * side is drained until it closes */
			shutdown(c->fd, SHUT_WR);
			c->shut = true;
			conn_touch(c);
		}
	}
	if (!c->eof && (c->closing || (out_pending(c) < API_OUT_HIGH &&
				       jsonrpc_lines_pending(&c->in) < API_IN_HIGH)))
		events |= EPOLLIN;
	if (out_pending(c))
		events |= EPOLLOUT;
	/* Held requests with room for their answers go on at the next loop
	 * turn, whatever the socket does: a fast reader may have taken every
	 * answer already (no EPOLLOUT to come), a slow one may leave the socket
	 * unwritable for long. With the output full, EPOLLOUT resumes them. */
	more = c->held && out_pending(c) < API_OUT_HIGH;
	watch = events || conn_awaits_hangup(c);
	if (!watch && !more) {
		conn_free(c);
		return;
	}
	if (more && !c->more && add_more(c) < 0) {
		log_warning("control: connection %lu (pid %d): out of memory, closing", c->id,
			    (int)c->peer.pid);
		conn_free(c);
		return;
	}
	if (more)
		sd_event_source_set_time(c->more, 1); /* long past: due now */
	if (c->more)
		sd_event_source_set_enabled(c->more, more ? SD_EVENT_ONESHOT : SD_EVENT_OFF);
	sd_event_source_set_enabled(c->io, watch ? SD_EVENT_ON : SD_EVENT_OFF);
	if (watch)
		sd_event_source_set_io_events(c->io, events);
}

uint64_t api_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * USEC_PER_SEC + (uint64_t)ts.tv_nsec / 1000;
}

/* One turn of a connection: write, read, answer, write. */
static void conn_turn(struct api_conn *c)
{
	int r = conn_flush(c);

	c->budget = API_TURN_REQUESTS;
	c->turn_end = api_now_usec() + API_TURN_USEC;
	if (r >= 0)
		r = conn_read(c);
	if (r >= 0) {
		conn_process(c); /* requests held back while the output was full */
		r = conn_flush(c);
	}
	if (r < 0) {
		log_debug("control: connection %lu (pid %d): %s", c->id, (int)c->peer.pid,
			  strerror(-r));
		conn_free(c);
		return;
	}
	conn_touch(c);
	conn_update(c);
}

static int on_conn_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct api_conn *c = userdata;

	if (revents & (EPOLLHUP | EPOLLERR))
		c->hup = true;
	conn_turn(c);
	return 0;
}

static int on_conn_more(sd_event_source *s, uint64_t usec, void *userdata)
{
	conn_turn(userdata);
	return 0;
}

static int on_conn_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct api_conn *c = userdata;

	if (!c->shut)
		log_info("control: connection %lu (pid %d uid %u) idle for %d s, closing", c->id,
			 (int)c->peer.pid, (unsigned)c->peer.uid, API_IDLE_SEC);
	conn_free(c);
	return 0;
}

static int conn_new(struct api_server *s, int fd)
{
	struct api_conn *c = calloc(1, sizeof(*c));
	int r;

	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->srv = s;
	c->fd = fd;
	c->id = ++s->next_id;
	jsonrpc_lines_init(&c->in, JSONRPC_MAX_LINE);
	c->next = s->conns;
	if (s->conns)
		s->conns->prev = c;
	s->conns = c;
	s->n_conns++;
	r = api_peer_from_fd(fd, &c->peer);
	if (r >= 0)
		r = sd_event_add_io(s->event, &c->io, fd, EPOLLIN, on_conn_io, c);
	if (r >= 0)
		r = sd_event_add_time_relative(s->event, &c->timer, CLOCK_MONOTONIC,
					       API_IDLE_SEC * USEC_PER_SEC, USEC_PER_SEC,
					       on_conn_timer, c);
	if (r < 0) {
		conn_free(c);
		return r;
	}
	log_debug("control: connection %lu from pid %d uid %u", c->id, (int)c->peer.pid,
		  (unsigned)c->peer.uid);
	return 0;
}

/* ---- subscribers (api.h) ---- */

bool api_conn_subscribed(const struct api_conn *c)
{
	return c->gone != NULL;
}

void api_conn_subscribe(struct api_conn *c, api_conn_gone_fn gone, void *ctx)
{
	c->gone = gone;
	c->gone_ctx = ctx;
	conn_touch(c);
}

void api_conn_unsubscribe(struct api_conn *c)
{
	c->gone = NULL;
	c->gone_ctx = NULL;
	conn_touch(c);
}

int api_conn_notify(struct api_conn *c, const char *line, size_t len, size_t max_pending)
{
	if (c->closing)
		return -EPIPE;
	/* not into the middle of an answer being streamed: dropped as for a
	 * slow reader */
	if (c->stream.step || out_pending(c) + len > max_pending)
		return -ENOBUFS;
	if (out_append(c, line, len) < 0)
		return -ENOMEM;
	/* write now if the socket takes it; what is left goes out on EPOLLOUT,
	 * where a dead peer is noticed and the connection freed */
	if (conn_flush(c) < 0)
		c->closing = true;
	if (out_pending(c) || c->closing) {
		/* after the peer's half-close its side stays readable: not asked */
		sd_event_source_set_enabled(c->io, SD_EVENT_ON);
		sd_event_source_set_io_events(c->io, (c->eof ? 0 : EPOLLIN) | EPOLLOUT);
	}
	return 0;
}

int api_conn_room(const struct api_conn *c, size_t max_pending, size_t *room)
{
	*room = 0;
	if (c->closing)
		return -EPIPE;
	if (!c->stream.step && out_pending(c) < max_pending)
		*room = max_pending - out_pending(c);
	return 0;
}

/* ---- listening ---- */

/* Over the cap: say why, then close (best effort, never blocks). */
static void refuse(int fd)
{
	char msg[96];
	json_object *e;
	char *line;
	size_t n;

	snprintf(msg, sizeof(msg), "resource exhausted: too many connections (at most %d)",
		 API_MAX_CONNS);
	e = jsonrpc_error_new(NULL, JSONRPC_RESOURCE_EXHAUSTED, msg, NULL);
	line = e ? jsonrpc_to_line(e, &n) : NULL;
	if (line && send(fd, line, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		log_debug("control: refusing a connection: %s", strerror(errno));
	free(line);
	json_object_put(e);
	close(fd);
}

static int on_accept_resume(sd_event_source *src, uint64_t usec, void *userdata)
{
	struct api_server *s = userdata;

	sd_event_source_set_enabled(s->ln.src, SD_EVENT_ON);
	return 0;
}

/* Out of file descriptors: the listening socket stays readable, so stop
 * watching it for a moment instead of spinning. */
static void pause_accepting(struct api_server *s)
{
	sd_event_source_set_enabled(s->ln.src, SD_EVENT_OFF);
	if (!s->accept_pause &&
	    sd_event_add_time_relative(s->event, &s->accept_pause, CLOCK_MONOTONIC,
				       API_ACCEPT_PAUSE_USEC, 0, on_accept_resume, s) < 0) {
		sd_event_source_set_enabled(s->ln.src, SD_EVENT_ON);
		return;
	}
	sd_event_source_set_time_relative(s->accept_pause, API_ACCEPT_PAUSE_USEC);
	sd_event_source_set_enabled(s->accept_pause, SD_EVENT_ONESHOT);
}

/* The last API_ADMIN_CONNS connections are kept for peers that may mutate:
 * clients that open connections and idle (a read-only group member, say)
 * cannot lock root out of the daemon it must manage. */
static bool admission(const struct api_server *s, int fd)
{
	struct api_peer peer;

	if (s->n_conns < API_MAX_CONNS - API_ADMIN_CONNS)
		return true;
	if (s->n_conns < API_MAX_CONNS && api_peer_from_fd(fd, &peer) >= 0 &&
	    api_peer_may_mutate(&peer))
		return true;
	log_notice("control: %zu connections open, refusing another", s->n_conns);
	return false;
}

static int on_accept(sd_event_source *src, int lfd, uint32_t revents, void *userdata)
{
	struct api_server *s = userdata;

	for (int i = 0; i < 32; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int r;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				log_warning("control: accept on %s: %s; pausing", s->ln.path,
					    strerror(errno));
				pause_accepting(s);
			}
			break;
		}
		if (!admission(s, fd)) {
			refuse(fd);
			continue;
		}
		r = conn_new(s, fd);
		if (r < 0)
			log_warning("control: new connection: %s", strerror(-r));
	}
	return 0;
}

/* mkdir -p of the socket's directory. The directories made here are 0755
 * whatever the umask: under the unit's UMask=0077 they would be 0700 and
 * lock control.group out of a socket it may use. Existing ones are left
 * as they are. */
/* The directories above path, 0755 whatever the umask; *made: the length of
 * the first one made here (0: none), for unmake_parents(). */
static int make_parents(const char *path, size_t *made)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];

	*made = 0;
	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) == 0) {
			if (!*made)
				*made = strlen(dir);
			if (chmod(dir, 0755) < 0)
				return -errno;
		} else if (errno != EEXIST) {
			return -errno;
		}
		*p = '/';
	}
	return 0;
}

/* A socket that could not be made leaves none of the directories made for
 * it (rmdir: only while empty). */
static void unmake_parents(const char *path, size_t made)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	while (made && (slash = strrchr(dir, '/')) && (size_t)(slash - dir) >= made) {
		*slash = '\0';
		if (rmdir(dir) < 0)
			return;
	}
}

/* 0: nothing there; 1: a stale socket file; -EADDRINUSE: a server answers
 * there; -EEXIST: not a socket; else -errno. */
static int probe(const char *path, const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, r;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (r == 0 || errno == EAGAIN)
		return -EADDRINUSE;
	return 1;
}

/* A socket file left by a dead xdpd is removed; a live one is kept. */
static int remove_stale(const char *path, const struct sockaddr_un *sa)
{
	int r = probe(path, sa);

	if (r <= 0)
		return r;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

static const char *listen_error(int r)
{
	return r == -EADDRINUSE ? "another xdpd is listening there"
	       : r == -EEXIST	? "exists and is not a socket"
				: strerror(-r);
}

/* gid of group, 0 (root) when it is unset or does not exist. */
static gid_t group_gid(const char *group, bool *found)
{
	struct group *g = group && group[0] ? getgrnam(group) : NULL;

	*found = g != NULL;
	return g ? g->gr_gid : 0;
}

static void apply_group(struct api_server *s, const char *group)
{
	bool found;
	gid_t gid = group_gid(group, &found);

	s->auth.have_group = found;
	s->auth.gid = gid;
	if (group && group[0] && !found)
		log_warning("control: group '%s' does not exist; only root may use %s", group,
			    s->ln.path);
	if (chown(s->ln.path, (uid_t)-1, gid) < 0)
		log_warning("control: chgrp %s: %s", s->ln.path, strerror(errno));
}

static void listener_close(struct api_listener *l)
{
	struct stat st;

	l->src = sd_event_source_disable_unref(l->src);
	if (l->fd >= 0) {
		close(l->fd);
		/* a newer xdpd may already own the path */
		if (l->ino && stat(l->path, &st) == 0 && st.st_ino == l->ino)
			unlink(l->path);
	}
	l->fd = -1;
	l->ino = 0;
}

static int set_sockaddr(struct sockaddr_un *sa, const char *path)
{
	*sa = (struct sockaddr_un){.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	memcpy(sa->sun_path, path, strlen(path) + 1);
	return 0;
}

/* Listen on l->path, mode 0660; the caller gives it its group. */
static int listen_on(struct api_server *s, struct api_listener *l)
{
	struct sockaddr_un sa;
	struct stat st;
	size_t made = 0;
	mode_t old;
	int r = set_sockaddr(&sa, l->path);

	if (r == 0)
		r = make_parents(l->path, &made);
	if (r == 0)
		r = remove_stale(l->path, &sa);
	if (r == 0) {
		l->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		r = l->fd < 0 ? -errno : 0;
	}
	if (r == 0) {
		old = umask(0117); /* born 0660: no window where others may connect */
		r = bind(l->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
		umask(old);
	}
	if (r < 0) {
		unmake_parents(l->path, made);
		return r;
	}
	if (stat(l->path, &st) < 0)
		return -errno;
	l->ino = st.st_ino;
	if (chmod(l->path, 0660) < 0)
		return -errno;
	if (listen(l->fd, SOMAXCONN) < 0)
		return -errno;
	return sd_event_add_io(s->event, &l->src, l->fd, EPOLLIN, on_accept, s);
}

static int open_blocklist(struct api_server *s)
{
	int fd4 = datapath_map_fd(s->m->dp, "blocklist4");
	int fd6 = datapath_map_fd(s->m->dp, "blocklist6");

	struct blf *fast;
	int r;

	if (fd4 < 0 || fd6 < 0)
		return fd4 < 0 ? fd4 : fd6;
	r = blocklist_open(s->event, fd4, fd6, &s->bl);
	if (r < 0)
		return r;
	/* the datapath's lookup index (blocklist_fast_hook.h), repaired to hold
	 * exactly the entries of the record maps */
	r = blf_open_datapath(s->m->dp, &fast);
	if (r == 0)
		r = blocklist_set_fast(s->bl, fast);
	if (r < 0)
		log_warning("blocklist: lookup index: %s: some entries may not be enforced",
			    strerror(-r));
	return 0;
}

int api_server_start(struct manager *m, const char *path, const char *group,
		     struct api_server **out)
{
	struct api_server *s = calloc(1, sizeof(*s));
	int r;

	*out = NULL;
	if (!s)
		return -ENOMEM;
	s->m = m;
	s->event = m->event;
	s->ln.fd = s->next.fd = -1;
	snprintf(s->ln.path, sizeof(s->ln.path), "%s", path);
	r = listen_on(s, &s->ln);
	if (r == 0)
		apply_group(s, group);
	if (r < 0) {
		log_error("control socket %s: %s", path, listen_error(r));
		api_server_free(s);
		return r;
	}
	*out = s;
	return 0;
}

int api_server_open_blocklist(struct api_server *s)
{
	int r = open_blocklist(s);

	if (r < 0) {
		log_error("blocklist: cannot open the pinned maps: %s", strerror(-r));
		return r;
	}
	log_info("control: listening on %s (%zu blocklist entries)", s->ln.path,
		 blocklist_count(s->bl));
	return 0;
}

int api_server_set_group(struct api_server *s, const char *group)
{
	struct api_auth_ctx before;

	if (!s)
		return -EINVAL;
	before = s->auth;
	apply_group(s, group);
	if (before.have_group != s->auth.have_group || before.gid != s->auth.gid)
		log_info("control: %s now belongs to group '%s'", s->ln.path,
			 s->auth.have_group ? group : "root");
	return 0;
}

const char *api_server_path(const struct api_server *s)
{
	return s->ln.path;
}

/* Whether a socket can be made at path, without making it: its deepest
 * directory that exists must be a writable directory of a file system that
 * holds sockets (not read-only, not proc, sysfs or a bpffs), so that a dry
 * run refuses what the reload's bind() would. */
static int dir_takes_socket(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct statvfs vfs;
	struct statfs fs;
	struct stat st;
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	do {
		slash = strrchr(dir, '/');
		if (!slash)
			return -EINVAL;
		slash[slash == dir] = '\0'; /* "/x" -> "/" */
	} while (lstat(dir, &st) < 0 && errno == ENOENT && slash != dir);
	if (lstat(dir, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return -EROFS;
	if (statfs(dir, &fs) == 0 && (fs.f_type == PROC_SUPER_MAGIC || fs.f_type == SYSFS_MAGIC ||
				      fs.f_type == BPF_FS_MAGIC))
		return -EPERM;
	return access(dir, W_OK | X_OK) < 0 ? -errno : 0;
}

int api_server_probe(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	int r = set_sockaddr(&sa, path);

	if (r == 0)
		r = probe(path, &sa);
	if (r == 0)
		r = dir_takes_socket(path);
	if (r < 0)
		snprintf(err, errlen, "cannot listen on %s: %s", path, listen_error(r));
	return r < 0 ? r : 0;
}

int api_server_move_prepare(struct api_server *s, const char *path, const char *group, char *err,
			    size_t errlen)
{
	bool found;
	int r;

	listener_close(&s->next);
	snprintf(s->next.path, sizeof(s->next.path), "%s", path);
	r = listen_on(s, &s->next);
	/* the new file gets the new policy's group at once: api_server_set_group()
	 * comes after the commit */
	if (r == 0 && chown(path, (uid_t)-1, group_gid(group, &found)) < 0)
		r = -errno;
	if (r < 0) {
		snprintf(err, errlen, "cannot listen on %s: %s", path, listen_error(r));
		listener_close(&s->next);
	}
	return r;
}

void api_server_move_commit(struct api_server *s)
{
	char old[sizeof(s->ln.path)];

	if (s->next.fd < 0)
		return;
	snprintf(old, sizeof(old), "%s", s->ln.path);
	listener_close(&s->ln);
	s->ln = s->next;
	s->next = (struct api_listener){.fd = -1};
	/* a pause for lack of fds was on the old socket */
	if (s->accept_pause)
		sd_event_source_set_enabled(s->accept_pause, SD_EVENT_OFF);
	log_info("control: listening on %s instead of %s (open connections stay)", s->ln.path, old);
}

void api_server_move_abort(struct api_server *s)
{
	listener_close(&s->next);
}

void api_server_free(struct api_server *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_free(s->conns);
	listener_close(&s->ln);
	listener_close(&s->next);
	sd_event_source_disable_unref(s->accept_pause);
	blocklist_free(s->bl);
	free(s);
}
