// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ring buffer reader and the monitor subscribers (monitor.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "api.h"
#include "log.h"
#include "manager.h"
#include "monitor.h"
#include "monitor_event.h"
#include "monitor_line.h"
#include "slot_names.h"

#define BATCH_DONE 1 /* ring callback: stop, the batch is full */

struct subscriber {
	struct monitor *mon;
	struct subscriber *next;
	struct api_conn *conn;
	uint32_t rate;
	pid_t pid;
	uid_t uid;
	uint64_t sent, dropped;
	bool leaving; /* its connection is closing: events are neither sent nor dropped */
	size_t room;  /* bytes its connection takes, less what is staged */
	/* lines gathered for one write (MONITOR_STAGE bytes) */
	char *stage;
	size_t staged;
	uint32_t staged_events;
};

struct monitor {
	struct manager *m;
	int ring_fd; /* our own dup: the datapath's fds come and go */
	uint32_t ring_id;
	uint32_t ring_records; /* what the ring holds at most */
	struct ring_buffer *rb;
	sd_event_source *io;
	struct subscriber *subs;
	uint32_t n_subs;
	uint64_t cookie;
	uint32_t rate_now;
	uint64_t read, dropped;
	unsigned batch, batch_max;
	size_t batch_bytes, batch_bytes_max; /* staged for all subscribers in this batch */
	struct slot_names names;
	struct event_names event_names; /* lookups into names, the batch's clock offset */
	char line[MONITOR_LINE_MAX];
};

/* ---- sample_cfg ---- */

static uint32_t policy_rate(const struct monitor *mon)
{
	return mon->m->policy->sampling.rate;
}

/* The smallest N anyone asked for, when it samples more than the policy. */
static uint32_t wanted_override(const struct monitor *mon)
{
	uint32_t best = policy_rate(mon), override = 0;

	for (const struct subscriber *s = mon->subs; s; s = s->next) {
		if (s->rate && (!best || s->rate < best)) {
			best = s->rate;
			override = s->rate;
		}
	}
	return override;
}

static int write_cfg(struct monitor *mon)
{
	struct xdpd_sample_cfg c = {.trace_cookie = mon->cookie};
	int fd = datapath_map_fd(mon->m->dp, "sample_cfg");
	uint32_t zero = 0;

	c.rate_override = wanted_override(mon);
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &zero, &c, BPF_ANY) < 0)
		return -errno;
	mon->rate_now = c.rate_override ? c.rate_override : policy_rate(mon);
	return 0;
}

static void update_rate(struct monitor *mon)
{
	uint32_t before = mon->rate_now;
	int r = write_cfg(mon);

	if (r < 0)
		log_warning("monitor: cannot set the sampling rate: map sample_cfg: %s",
			    strerror(-r));
	else if (before != mon->rate_now && mon->rate_now)
		log_info("monitor: sampling 1 in %u packets (the policy's rate: %u, 0 is off)",
			 mon->rate_now, policy_rate(mon));
	else if (before != mon->rate_now)
		log_info("monitor: sampling off, as the policy says");
}

/* ---- events ---- */

static const char *n_ifname(void *ctx, uint32_t ifindex)
{
	return slot_names_ifname(&((struct monitor *)ctx)->names, ifindex);
}

static const char *n_rule(void *ctx, uint32_t slot)
{
	return slot_names_rule(&((struct monitor *)ctx)->names, slot);
}

static const char *n_lb(void *ctx, uint32_t slot)
{
	return slot_names_lb(&((struct monitor *)ctx)->names, slot);
}

static const char *n_backend(void *ctx, uint32_t slot, char *buf, size_t len)
{
	return slot_names_backend(&((struct monitor *)ctx)->names, slot, buf, len);
}

/* Hand what is staged to the connection (one write), then see how much
 * more it takes. */
static void stage_flush(struct monitor *mon, struct subscriber *s)
{
	int r = 0;

	if (s->staged)
		r = api_conn_notify(s->conn, s->stage, s->staged, MONITOR_QUEUE_MAX);
	if (r == 0) {
		s->sent += s->staged_events;
	} else if (r != -EPIPE) {
		s->dropped += s->staged_events;
		mon->dropped += s->staged_events;
	}
	s->staged = 0;
	s->staged_events = 0;
	s->leaving = api_conn_room(s->conn, MONITOR_QUEUE_MAX, &s->room) < 0;
}

static void stage_line(struct monitor *mon, struct subscriber *s, const char *line, size_t len)
{
	if (s->staged + len > MONITOR_STAGE)
		stage_flush(mon, s);
	if (s->leaving)
		return;
	if (len > s->room) {
		s->dropped++;
		mon->dropped++;
		return;
	}
	memcpy(s->stage + s->staged, line, len);
	mon->batch_bytes += len;
	s->staged += len;
	s->staged_events++;
	s->room -= len;
}

/* The line is built once, and only when a subscriber has room for it: a
 * subscriber that does not keep up costs a counter per event. */
static void deliver(struct monitor *mon, const void *rec, size_t size)
{
	bool wanted = false;
	size_t len;

	for (struct subscriber *s = mon->subs; s; s = s->next) {
		if (s->room || s->leaving) {
			wanted |= s->room != 0;
			continue;
		}
		s->dropped++;
		mon->dropped++;
	}
	if (!wanted)
		return;
	len = monitor_event_line(mon->line, sizeof(mon->line), rec, size, &mon->event_names);
	if (!len)
		return; /* not an event */
	for (struct subscriber *s = mon->subs; s; s = s->next)
		if (s->room)
			stage_line(mon, s, mon->line, len);
}

static int on_sample(void *ctx, void *data, size_t size)
{
	struct monitor *mon = ctx;

	mon->read++;
	if (mon->subs)
		deliver(mon, data, size);
	return ++mon->batch >= mon->batch_max || mon->batch_bytes >= mon->batch_bytes_max
		   ? -BATCH_DONE
		   : 0;
}

static int64_t clock_offset(void)
{
	struct timespec rt, mono;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	return (int64_t)(rt.tv_sec - mono.tv_sec) * 1000000000LL + (rt.tv_nsec - mono.tv_nsec);
}

/* Read what is there, at most max_events records or until max_bytes of
 * lines are staged; a full batch leaves the ring readable, so the loop comes
 * back after serving the others. Each subscriber gets what the batch staged
 * for it in one write. */
static void drain(struct monitor *mon, unsigned max_events, size_t max_bytes)
{
	int r;

	if (!mon->rb)
		return;
	mon->batch = 0;
	mon->batch_max = max_events;
	mon->batch_bytes = 0;
	mon->batch_bytes_max = max_bytes;
	mon->event_names.mono_to_realtime_ns = clock_offset();
	for (struct subscriber *s = mon->subs; s; s = s->next)
		stage_flush(mon, s);
	r = ring_buffer__consume(mon->rb);
	if (r < 0 && r != -BATCH_DONE)
		log_warning("monitor: reading the ring buffer: %s", strerror(-r));
	for (struct subscriber *s = mon->subs; s; s = s->next)
		stage_flush(mon, s);
}

static int on_ring(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	drain(userdata, MONITOR_BATCH, MONITOR_BATCH_BYTES);
	return 0;
}

/* As many records as the ring holds, not more: the datapath writes on while
 * it is read, and this must end. */
void monitor_drain_all(struct monitor *mon)
{
	if (mon)
		drain(mon, mon->ring_records, SIZE_MAX);
}

/* ---- the ring buffer ---- */

static void ring_close(struct monitor *mon)
{
	sd_event_source_disable_unref(mon->io);
	mon->io = NULL;
	ring_buffer__free(mon->rb);
	mon->rb = NULL;
	if (mon->ring_fd >= 0)
		close(mon->ring_fd);
	mon->ring_fd = -1;
	mon->ring_id = 0;
	mon->ring_records = 0;
}

static struct bpf_map_info map_info(int fd)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len) < 0)
		memset(&info, 0, sizeof(info));
	return info;
}

/* A record is the event behind an 8-byte header, 8-byte aligned. */
static uint32_t ring_records(uint32_t ring_bytes)
{
	return ring_bytes / ((sizeof(struct xdpd_sample_event) + 8 + 7) / 8 * 8) + 1;
}

static int ring_open(struct monitor *mon)
{
	int fd = datapath_map_fd(mon->m->dp, "sample_ring");
	struct bpf_map_info info;
	int r;

	if (fd < 0)
		return fd;
	if (mon->ring_fd >= 0 && map_info(fd).id == mon->ring_id)
		return 0;
	monitor_drain_all(mon); /* what the old generation sampled last */
	ring_close(mon);
	mon->ring_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (mon->ring_fd < 0)
		return -errno;
	info = map_info(mon->ring_fd);
	mon->ring_id = info.id;
	mon->ring_records = ring_records(info.max_entries);
	mon->rb = ring_buffer__new(mon->ring_fd, on_sample, mon, NULL);
	if (!mon->rb) {
		r = -errno;
		ring_close(mon);
		return r;
	}
	/* the ring's own fd: readable while records wait (no nested epoll) */
	r = sd_event_add_io(mon->m->event, &mon->io, mon->ring_fd, EPOLLIN, on_ring, mon);
	if (r < 0)
		ring_close(mon);
	return r;
}

/* ---- life cycle ---- */

int monitor_start(struct manager *m, struct monitor **out)
{
	struct monitor *mon = calloc(1, sizeof(*mon));
	int r;

	*out = NULL;
	if (!mon)
		return -ENOMEM;
	mon->m = m;
	mon->ring_fd = -1;
	mon->event_names =
	    (struct event_names){n_ifname, n_rule, n_lb, n_backend, mon, clock_offset()};
	r = slot_names_init(&mon->names);
	if (r == 0 && getrandom(&mon->cookie, sizeof(mon->cookie), 0) != sizeof(mon->cookie))
		r = -errno;
	mon->cookie |= 1; /* never 0, the datapath's "no trace" */
	if (r == 0)
		r = write_cfg(mon);
	if (r == 0)
		r = ring_open(mon);
	if (r < 0) {
		log_error("monitor: cannot open the sampling maps (sample_cfg, sample_ring): %s",
			  strerror(-r));
		monitor_free(mon);
		return r;
	}
	slot_names_refresh(&mon->names, m->policy, m->dp);
	*out = mon;
	return 0;
}

void monitor_policy_changed(struct monitor *mon)
{
	int r;

	if (!mon)
		return;
	r = ring_open(mon);
	if (r < 0)
		log_warning("monitor: cannot open the new ring buffer: %s; no samples until the "
			    "next reload",
			    strerror(-r));
	slot_names_refresh(&mon->names, mon->m->policy, mon->m->dp);
	update_rate(mon);
	/* what came in while the new program loaded, so that the ring is all
	 * free for the next stall */
	monitor_drain_all(mon);
}

static void unlink_sub(struct monitor *mon, struct subscriber *s)
{
	for (struct subscriber **p = &mon->subs; *p; p = &(*p)->next) {
		if (*p == s) {
			*p = s->next;
			mon->n_subs--;
			return;
		}
	}
}

static void on_sub_gone(void *ctx)
{
	struct subscriber *s = ctx;
	struct monitor *mon = s->mon;

	unlink_sub(mon, s);
	log_info("monitor: subscriber pid %d uid %u left: %llu events sent, %llu dropped "
		 "(not read fast enough)",
		 (int)s->pid, (unsigned)s->uid, (unsigned long long)s->sent,
		 (unsigned long long)s->dropped);
	free(s->stage);
	free(s);
	update_rate(mon);
}

void monitor_free(struct monitor *mon)
{
	if (!mon)
		return;
	while (mon->subs) {
		struct subscriber *s = mon->subs;

		api_conn_unsubscribe(s->conn);
		unlink_sub(mon, s);
		free(s->stage);
		free(s);
	}
	ring_close(mon);
	slot_names_free(&mon->names);
	free(mon);
}

int monitor_subscribe(struct monitor *mon, struct api_conn *conn, uint32_t rate, pid_t pid,
		      uid_t uid)
{
	struct subscriber *s;

	if (!conn)
		return -EINVAL;
	if (api_conn_subscribed(conn))
		return -EALREADY;
	if (mon->n_subs >= MONITOR_MAX_SUBS)
		return -EBUSY;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct subscriber){.mon = mon,
				 .next = mon->subs,
				 .conn = conn,
				 .rate = rate,
				 .pid = pid,
				 .uid = uid,
				 .stage = malloc(MONITOR_STAGE)};
	if (!s->stage) {
		free(s);
		return -ENOMEM;
	}
	mon->subs = s;
	mon->n_subs++;
	api_conn_subscribe(conn, on_sub_gone, s);
	if (rate)
		log_info("monitor: subscriber pid %d uid %u, asks for 1 in %u packets", (int)pid,
			 (unsigned)uid, rate);
	else
		log_info("monitor: subscriber pid %d uid %u", (int)pid, (unsigned)uid);
	update_rate(mon);
	return 0;
}

static int sum_stats(int fd, struct xdpd_sample_stats *sum)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xdpd_sample_stats *v;
	uint32_t zero = 0;
	int r = 0;

	memset(sum, 0, sizeof(*sum));
	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &zero, v) < 0)
		r = -errno;
	for (int i = 0; r == 0 && i < ncpu; i++) {
		sum->events += v[i].events;
		sum->lost += v[i].lost;
	}
	free(v);
	return r;
}

int monitor_get_stats(struct monitor *mon, struct monitor_stats *st)
{
	struct xdpd_sample_stats sum;
	int fd = datapath_map_fd(mon->m->dp, "sample_stats");
	int r = fd < 0 ? fd : sum_stats(fd, &sum);

	memset(st, 0, sizeof(*st));
	if (r < 0)
		return r;
	st->events = sum.events;
	st->lost = sum.lost;
	st->read = mon->read;
	st->dropped = mon->dropped;
	st->subscribers = mon->n_subs;
	st->rate = mon->rate_now;
	st->policy_rate = policy_rate(mon);
	return 0;
}

uint64_t monitor_trace_cookie(const struct monitor *mon)
{
	return mon->cookie;
}

struct slot_names *monitor_slot_names(struct monitor *mon)
{
	return &mon->names;
}
