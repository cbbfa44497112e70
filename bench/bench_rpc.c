/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpd-bench rpc SOCKET METHOD [TIMEOUT_MS]: one JSON-RPC call to the
 * daemon, timed from connect to the end of the answer. For reload times:
 * xdpctl gives up after ten seconds, a benchmark wants its own limit.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Reads one line (the answer) into buf; returns its length or -errno. */
static ssize_t read_line(int fd, char *buf, size_t cap, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	size_t len = 0;

	while (len + 1 < cap) {
		ssize_t r;

		if (poll(&p, 1, timeout_ms) <= 0)
			return -ETIMEDOUT;
		r = read(fd, buf + len, cap - 1 - len);
		if (r <= 0)
			return r < 0 ? -errno : -ECONNRESET;
		len += (size_t)r;
		buf[len] = 0;
		if (strchr(buf, '\n'))
			return (ssize_t)len;
	}
	return (ssize_t)len; /* a long answer: its head is enough */
}

int bench_rpc(const char *sock, const char *method, int timeout_ms, double *ms, char *answer,
	      size_t cap)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char req[256];
	double t0 = now_ms();
	ssize_t r;
	int fd, n;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
	n = snprintf(req, sizeof(req), "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\"}\n",
		     method);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) || write(fd, req, (size_t)n) != n) {
		r = -errno;
		close(fd);
		return (int)r;
	}
	r = read_line(fd, answer, cap, timeout_ms);
	close(fd);
	*ms = now_ms() - t0;
	if (r < 0)
		return (int)r;
	return strstr(answer, "\"result\"") ? 0 : -EPROTO;
}
