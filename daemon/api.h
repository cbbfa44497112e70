/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control API (contract §5): JSON-RPC 2.0, one object per line, on a
 * SOCK_STREAM Unix socket served from the manager's sd-event loop.
 *
 * Behaviour an operator relies on:
 *  - the socket is created mode 0660, group control.group when that group
 *    exists (else root only); a stale socket file is replaced, a live one
 *    (another xdpd answering) makes start fail with -EADDRINUSE;
 *  - requests on one connection are answered in order; notifications (no
 *    "id") are executed and not answered; blank lines are ignored; batches
 *    (arrays) are refused with -32600;
 *  - a request line over 1 MiB is answered with -32600 and the connection is
 *    closed; at most API_MAX_CONNS connections (more get -32003 and are
 *    closed), the last API_ADMIN_CONNS of them only for peers that may
 *    mutate; a connection idle for API_IDLE_SEC is closed; a client that does
 *    not read its answers stops being read, it never blocks the loop;
 *  - no client holds the loop for long: a connection runs a few requests per
 *    loop turn, and results that take long to build (blocklist.list, stats
 *    and blocklist.flush over a big blocklist) are built over several turns
 *    (struct api_stream), the other clients served in between;
 *  - read-only methods: uid 0 and members of control.group; mutating methods
 *    (reload, lb.set_state, blocklist.add/delete/flush): uid 0 or a peer with
 *    CAP_NET_ADMIN. Refusals are -32000 and logged with the peer's pid/uid.
 */
#ifndef XDPD_API_H
#define XDPD_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct manager;
struct api_server;
struct api_conn;

#define API_MAX_CONNS 64
#define API_ADMIN_CONNS 8 /* of those, kept for peers that may mutate */
#define API_IDLE_SEC  60
/* The loop time one connection may take per turn (besides the request
 * count): a request can cost much (an IPv6 /17 in the blocklist index is
 * 32,768 bucket writes, ~0.15 s), so a turn stops once this is spent and
 * the other clients are served before the next one. */
#define API_TURN_USEC 10000

/* CLOCK_MONOTONIC in microseconds, for the turn budgets. */
uint64_t api_now_usec(void);

/* Listen on path (parent directories created 0755) and serve m once its
 * loop runs. group may be NULL or "" (root only). Done before the datapath
 * is touched: a start that cannot have its socket changes nothing. Returns 0
 * or a negative errno (logged here, naming the path). */
int api_server_start(struct manager *m, const char *path, const char *group,
		     struct api_server **out);
/* Then, with the datapath's maps open: the dynamic blocklist and its expiry
 * timer. 0 or -errno (logged). */
int api_server_open_blocklist(struct api_server *s);
/* After a reload: give the socket to control.group (changed, or created
 * since), chgrp the file and judge read-only access by it from now on. */
int api_server_set_group(struct api_server *s, const char *group);
/* Where it listens now. */
const char *api_server_path(const struct api_server *s);
/* A reload that moves control.socket, in two steps so that a socket that
 * cannot be made fails the reload with nothing changed:
 *  - prepare: listen on path as at start (parent directories, a stale socket
 *    replaced, mode 0660, group), next to the current socket, which keeps
 *    serving; 0 or -errno with the reason, naming path, in err;
 *  - commit (the reload is applied): path takes over; the old socket is
 *    closed and its file removed; open connections stay;
 *  - abort (the reload failed): the new socket is closed and removed. */
int api_server_move_prepare(struct api_server *s, const char *path, const char *group, char *err,
			    size_t errlen);
void api_server_move_commit(struct api_server *s);
void api_server_move_abort(struct api_server *s);
/* For a dry run: whether path is free for a socket (not a file, not another
 * live server). 0 or -errno with the reason in err. */
int api_server_probe(const char *path, char *err, size_t errlen);
/* Subscribers: a connection that asked for notifications (monitor). It is
 * no longer closed when idle, nor when the peer only shuts down its sending
 * side (its requests end, its notifications go on); gone(ctx) runs when it
 * closes: the peer closed it fully, a write failed, or the daemon closed it. */
typedef void (*api_conn_gone_fn)(void *ctx);
void api_conn_subscribe(struct api_conn *c, api_conn_gone_fn gone, void *ctx);
/* One subscription per connection: gone() is called for the last one only. */
bool api_conn_subscribed(const struct api_conn *c);
void api_conn_unsubscribe(struct api_conn *c);
/* Queue one line ('\n'-terminated) and write what the socket takes now,
 * never blocking. -ENOBUFS when more than max_pending bytes would wait (a
 * slow reader: the line is dropped), -EPIPE when the connection is closing. */
int api_conn_notify(struct api_conn *c, const char *line, size_t len, size_t max_pending);
/* What api_conn_notify() would take now into *room: max_pending less what
 * waits, 0 while an answer is being streamed. Lets a producer skip building
 * lines that would be dropped. 0, or -EPIPE when the connection is closing. */
int api_conn_room(const struct api_conn *c, size_t max_pending, size_t *room);

/* Closes every connection, removes the socket file. Accepts NULL. */
void api_server_free(struct api_server *s);

#endif /* XDPD_API_H */
