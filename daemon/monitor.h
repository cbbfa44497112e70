/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Sampled packets, from the datapath's ring buffer to the monitor
 * subscribers (the `monitor` API method), inside the manager's event loop.
 *
 *  - The ring buffer is always drained, subscribers or not: the datapath
 *    counts what it sampled (sampling {events, lost} in stats) and a full
 *    ring would only turn samples into losses.
 *  - Each event is formatted once (by hand, monitor_line.h) and queued on
 *    every subscriber's connection, never blocking: a subscriber with more
 *    than MONITOR_QUEUE_MAX bytes waiting loses the event (counted per
 *    subscriber and in total), the daemon and the other subscribers go on.
 *    No line is built for an event nobody has room for, and a subscriber's
 *    lines go out in writes of up to MONITOR_STAGE bytes: reading keeps up
 *    with the datapath (a million events a second) even when the
 *    subscribers do not.
 *  - The loop stays responsive: at most MONITOR_BATCH records per wakeup,
 *    or fewer once MONITOR_BATCH_BYTES of lines are staged (32 subscribers
 *    would otherwise take 32 copies of every record), then the control
 *    socket and the rest of the loop get their turn.
 *  - monitor {rate: N} raises the sampling rate to 1 in N while that
 *    subscriber stays (the smallest N asked wins, never fewer samples than
 *    the policy's rate); the policy's rate comes back when the last one
 *    leaves. Written to the stateful sample_cfg map: no reload.
 *  - sample_cfg also carries the trace cookie (trace.c), chosen at random
 *    at every start.
 *  - A reload may bring a new ring buffer (sampling.ring_buffer changed):
 *    the old one is drained, then the new one is read.
 *  - A reload that loads a new program blocks the loop for the load (the
 *    verifier: about half a second), and the ring is not read meanwhile:
 *    it is drained whole right before the load and right after the swap,
 *    so the ring's full size takes what the datapath samples during the
 *    load; what does not fit is counted in sampling.lost.
 */
#ifndef XDPD_MONITOR_H
#define XDPD_MONITOR_H

#include <stdint.h>
#include <sys/types.h>

#define MONITOR_QUEUE_MAX (256 * 1024) /* bytes queued per subscriber */
#define MONITOR_BATCH	  4096	       /* events per wakeup, fair to the rest of the loop */
#define MONITOR_BATCH_BYTES (1024 * 1024) /* bytes copied for all subscribers per wakeup */
#define MONITOR_MAX_SUBS  32
#define MONITOR_STAGE	  (64 * 1024) /* bytes gathered per subscriber for one write */

struct manager;
struct monitor;
struct api_conn;
struct slot_names;

struct monitor_stats {
	uint64_t events;  /* sampled (datapath, all CPUs) */
	uint64_t lost;	  /* ring buffer full (datapath) */
	uint64_t read;	  /* read from the ring by this daemon */
	uint64_t dropped; /* not delivered: a subscriber was too slow */
	uint32_t subscribers;
	uint32_t rate; /* 1 in N now (0: off) */
	uint32_t policy_rate;
};

/* Open the ring buffer, write sample_cfg (no override, a new trace cookie).
 * 0 or -errno (logged here). */
int monitor_start(struct manager *m, struct monitor **out);
void monitor_free(struct monitor *mon);
/* After a reload or a restart: follow a new ring buffer, the new policy's
 * rate and names, and read what the ring holds. */
void monitor_policy_changed(struct monitor *mon);
/* Read everything the ring holds now (at most its size: the datapath writes
 * on meanwhile), before the loop stands still (a program load): the whole
 * ring is then free for what is sampled until the loop reads again. Accepts
 * NULL. */
void monitor_drain_all(struct monitor *mon);

/* rate 0: the policy's. -EBUSY when MONITOR_MAX_SUBS are watching,
 * -EINVAL when conn is NULL. */
int monitor_subscribe(struct monitor *mon, struct api_conn *conn, uint32_t rate, pid_t pid,
		      uid_t uid);
int monitor_get_stats(struct monitor *mon, struct monitor_stats *st);
uint64_t monitor_trace_cookie(const struct monitor *mon);
/* Rule, balancer, backend and interface names of the running policy. */
struct slot_names *monitor_slot_names(struct monitor *mon);

#endif /* XDPD_MONITOR_H */
