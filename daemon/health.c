// SPDX-License-Identifier: GPL-2.0-or-later
/* Backend health checks in the event loop: see health.h. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "health.h"

struct health_check {
	sd_event *event;
	struct policy_health cfg;
	int protocol; /* of the balancer: tcp checks use its port */
	uint16_t port;
	struct ip_addr addr;
	bool healthy;
	uint32_t ok_run, fail_run;
	health_change_fn fn;
	void *ctx;
	sd_event_source *tick, *io, *deadline;
	int fd;
	bool raw; /* ICMP over a raw socket: the reply has our id to match */
	uint16_t id, seq;
};

static void close_probe(struct health_check *h)
{
	h->io = sd_event_source_disable_unref(h->io);
	h->deadline = sd_event_source_disable_unref(h->deadline);
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

static void finish(struct health_check *h, bool ok, const char *detail)
{
	char why[128];

	close_probe(h);
	if (ok) {
		h->fail_run = 0;
		h->ok_run++;
	} else {
		h->ok_run = 0;
		h->fail_run++;
	}
	if (!h->healthy && ok && h->ok_run >= h->cfg.rise) {
		h->healthy = true;
		snprintf(why, sizeof(why), "%u successful check(s) in a row", h->ok_run);
		h->fn(h->ctx, true, why);
	} else if (h->healthy && !ok && h->fail_run >= h->cfg.fall) {
		h->healthy = false;
		snprintf(why, sizeof(why), "%u failed check(s) in a row, last: %s", h->fail_run,
			 detail);
		h->fn(h->ctx, false, why);
	}
}

static socklen_t sockaddr_of(const struct health_check *h, uint16_t port,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (h->addr.family == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;

		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		memcpy(&s->sin_addr, h->addr.addr, 4);
		return sizeof(*s);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(port);
	memcpy(&s6->sin6_addr, h->addr.addr, 16);
	return sizeof(*s6);
}

static int on_tcp_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct health_check *h = userdata;
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	finish(h, err == 0, err ? strerror(err) : "connected");
	return 0;
}

static uint16_t icmp4_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Our echo reply, from the backend? */
static bool is_our_reply(const struct health_check *h, const uint8_t *buf, ssize_t n,
			 const struct sockaddr_storage *from)
{
	const uint8_t *icmp = buf;
	uint8_t want_type = h->addr.family == AF_INET ? ICMP_ECHOREPLY : ICMP6_ECHO_REPLY;

	if (h->addr.family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)from;

		if (memcmp(&s->sin_addr, h->addr.addr, 4))
			return false;
		if (h->raw) { /* raw IPv4 sockets deliver the IP header too */
			size_t ihl = n > 0 ? (size_t)(buf[0] & 0x0f) * 4 : 0;

			if (n < (ssize_t)ihl + 8)
				return false;
			icmp += ihl;
			n -= (ssize_t)ihl;
		}
	} else {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)from;

		if (memcmp(&s6->sin6_addr, h->addr.addr, 16))
			return false;
	}
	if (n < 8 || icmp[0] != want_type)
		return false;
	/* ping sockets choose the id themselves and filter on it */
	if (h->raw && (icmp[4] << 8 | icmp[5]) != h->id)
		return false;
	return (icmp[6] << 8 | icmp[7]) == h->seq;
}

static int on_icmp_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct health_check *h = userdata;
	uint8_t buf[1500];

	for (;;) {
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

		if (n < 0)
			return 0; /* EAGAIN: wait for more, until the deadline */
		if (is_our_reply(h, buf, n, &from)) {
			finish(h, true, "echo reply");
			return 0;
		}
	}
}

static int open_icmp(struct health_check *h)
{
	int proto = h->addr.family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	int fd = socket(h->addr.family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);

	h->raw = false;
	if (fd >= 0)
		return fd;
	/* net.ipv4.ping_group_range excludes us: a raw socket (root) */
	h->raw = true;
	fd = socket(h->addr.family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	return fd < 0 ? -errno : fd;
}

static int send_echo(struct health_check *h)
{
	uint8_t pkt[16] = {0};
	struct sockaddr_storage ss;
	socklen_t len = sockaddr_of(h, 0, &ss);

	pkt[0] = h->addr.family == AF_INET ? ICMP_ECHO : ICMP6_ECHO_REQUEST;
	pkt[4] = (uint8_t)(h->id >> 8);
	pkt[5] = (uint8_t)h->id;
	pkt[6] = (uint8_t)(h->seq >> 8);
	pkt[7] = (uint8_t)h->seq;
	memcpy(pkt + 8, "xdpd-hc!", 8);
	if (h->addr.family == AF_INET && h->raw) {
		uint16_t c = icmp4_csum(pkt, sizeof(pkt));

		pkt[2] = (uint8_t)(c >> 8);
		pkt[3] = (uint8_t)c;
	}
	return sendto(h->fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, len) < 0 ? -errno : 0;
}

/* Opens the probe's socket and starts it; 0, or -errno (a failed check). */
static int start_probe(struct health_check *h)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int r;

	if (h->cfg.type == HC_ICMP) {
		r = open_icmp(h);
		if (r < 0)
			return r;
		h->fd = r;
		h->seq++;
		r = send_echo(h);
		if (r < 0)
			return r;
		return sd_event_add_io(h->event, &h->io, h->fd, EPOLLIN, on_icmp_io, h);
	}
	h->fd = socket(h->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (h->fd < 0)
		return -errno;
	len = sockaddr_of(h, h->port, &ss);
	if (connect(h->fd, (struct sockaddr *)&ss, len) < 0 && errno != EINPROGRESS)
		return -errno;
	return sd_event_add_io(h->event, &h->io, h->fd, EPOLLOUT, on_tcp_io, h);
}

static int on_deadline(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct health_check *h = userdata;
	char why[64];

	snprintf(why, sizeof(why), "no answer within %u ms", h->cfg.timeout_ms);
	finish(h, false, why);
	return 0;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct health_check *h = userdata;
	int r;

	if (h->fd >= 0)
		finish(h, false, "no answer before the next check");
	r = start_probe(h);
	if (r == 0)
		r = sd_event_add_time_relative(h->event, &h->deadline, CLOCK_MONOTONIC,
					       (uint64_t)h->cfg.timeout_ms * 1000, 1000,
					       on_deadline, h);
	if (r < 0)
		finish(h, false, strerror(-r));
	sd_event_source_set_time_relative(s, (uint64_t)h->cfg.interval_ms * 1000);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

int health_check_start(sd_event *e, const struct policy_lb *lb, const struct policy_backend *b,
		       bool healthy, health_change_fn fn, void *ctx, struct health_check **out)
{
	struct health_check *h = calloc(1, sizeof(*h));
	static uint16_t next_id;
	int r;

	*out = NULL;
	if (!h)
		return -ENOMEM;
	*h = (struct health_check){.event = e,
				   .cfg = lb->health,
				   .protocol = lb->protocol,
				   .port = lb->port,
				   .addr = b->addr,
				   .healthy = healthy,
				   .fn = fn,
				   .ctx = ctx,
				   .fd = -1};
	h->id = (uint16_t)(getpid() ^ (++next_id << 8));
	/* the first probe soon, not a whole interval after a reload */
	r = sd_event_add_time_relative(e, &h->tick, CLOCK_MONOTONIC, 100 * 1000, 1000, on_tick, h);
	if (r < 0) {
		free(h);
		return r;
	}
	*out = h;
	return 0;
}

void health_check_stop(struct health_check *h)
{
	if (!h)
		return;
	close_probe(h);
	sd_event_source_disable_unref(h->tick);
	free(h);
}
