// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon/monitor_line.c writes the monitor.event line by hand; clients
 * (xdpctl monitor, scripts) were written against what json-c printed. Every
 * line here is compared byte for byte with the json-c rendering of the same
 * event (monitor_event_json + jsonrpc_notification_new + jsonrpc_to_line).
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "../../bpf/xdpd_abi.h"
#include "jsonrpc.h"
#include "monitor_event.h"
#include "monitor_line.h"
#include "check_run.h"

/* Names the test sets per case: NULL for an unknown id. */
static const char *g_if, *g_rule, *g_lb, *g_bk;

static const char *f_ifname(void *ctx, uint32_t ifindex)
{
	return g_if;
}

static const char *f_rule(void *ctx, uint32_t slot)
{
	return g_rule;
}

static const char *f_lb(void *ctx, uint32_t slot)
{
	return g_lb;
}

static const char *f_backend(void *ctx, uint32_t slot, char *buf, size_t len)
{
	return g_bk;
}

static struct event_names names = {f_ifname, f_rule, f_lb, f_backend, NULL, 1000};

static char *json_c_line(const struct xdpd_sample_event *e, size_t *len)
{
	json_object *ev = monitor_event_json(e, sizeof(*e), &names);
	json_object *note = jsonrpc_notification_new("monitor.event", ev);
	char *line = jsonrpc_to_line(note, len);

	ck_assert_ptr_nonnull(line);
	json_object_put(note);
	return line;
}

static void same_as_json_c(const struct xdpd_sample_event *e)
{
	char buf[MONITOR_LINE_MAX + 1];
	size_t want_len, n = monitor_event_line(buf, MONITOR_LINE_MAX, e, sizeof(*e), &names);
	char *want = json_c_line(e, &want_len);

	ck_assert_uint_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, want);
	ck_assert_uint_eq(n, want_len);
	free(want);
}

static struct xdpd_sample_event base(void)
{
	struct xdpd_sample_event e = {
	    .timestamp_ns = 1234567890123ULL,
	    .ifindex = 7,
	    .len = 74,
	    .rule_slot = XDPD_NO_SLOT,
	    .lb_slot = XDPD_NO_SLOT,
	    .bk_slot = XDPD_NO_SLOT,
	    .action = 2,
	    .reason = XDPD_WHY_DEFAULT,
	    .family = 4,
	    .proto = IPPROTO_UDP,
	    .sport = 53,
	    .dport = 46313,
	    .cap_len = 4,
	    .data = {0xde, 0xad, 0x00, 0x0f},
	};

	inet_pton(AF_INET, "192.168.1.1", e.src);
	inet_pton(AF_INET, "10.0.255.254", e.dst);
	g_if = "eth0";
	g_rule = g_lb = g_bk = NULL;
	names.mono_to_realtime_ns = 1000;
	return e;
}

START_TEST(plain_udp)
{
	struct xdpd_sample_event e = base();
	char buf[MONITOR_LINE_MAX];
	size_t n = monitor_event_line(buf, sizeof(buf), &e, sizeof(e), &names);

	same_as_json_c(&e);
	ck_assert_uint_eq(buf[n - 1], '\n');
	ck_assert_ptr_nonnull(memmem(buf, n, "\"src\":\"192.168.1.1\"", 19));
}
END_TEST

START_TEST(every_field)
{
	struct xdpd_sample_event e = base();

	e.action = 3;
	e.reason = XDPD_WHY_BALANCER;
	e.rule_slot = 1;
	e.lb_slot = 0;
	e.bk_slot = 2;
	g_rule = "drop-8080";
	g_lb = "web";
	g_bk = "10.0.0.3";
	e.cap_len = XDPD_SAMPLE_BYTES;
	for (int i = 0; i < XDPD_SAMPLE_BYTES; i++)
		e.data[i] = (uint8_t)(i * 37);
	same_as_json_c(&e);
	e.cap_len = 0xffff; /* clamped to what an event carries */
	same_as_json_c(&e);
}
END_TEST

START_TEST(ipv6_and_protocols)
{
	struct xdpd_sample_event e = base();
	static const char *const addrs[] = {
	    "fd00:99::2", "::", "::1", "2001:db8:0:1:1:1:1:1", "::ffff:1.2.3.4", "fe80::1:0:0:0"};

	e.family = 6;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		inet_pton(AF_INET6, addrs[i], e.src);
		inet_pton(AF_INET6, addrs[(i + 1) % 6], e.dst);
		same_as_json_c(&e);
	}
	for (int p = 0; p < 256; p++) { /* named or a number */
		e.proto = (uint8_t)p;
		same_as_json_c(&e);
	}
}
END_TEST

START_TEST(unparsed_unknown_and_extremes)
{
	struct xdpd_sample_event e = base();

	e.family = 0;
	e.reason = XDPD_WHY_UNPARSED;
	g_if = NULL;
	same_as_json_c(&e);
	e.action = 200;
	e.reason = 77; /* "unknown" both */
	e.ifindex = UINT32_MAX;
	e.len = UINT32_MAX;
	e.sport = e.dport = 65535;
	e.family = 4;
	same_as_json_c(&e);
	e.timestamp_ns = 0;
	names.mono_to_realtime_ns = -5000; /* before the epoch: 0 */
	same_as_json_c(&e);
	e.timestamp_ns = UINT64_MAX / 2;
	names.mono_to_realtime_ns = 0;
	same_as_json_c(&e);
}
END_TEST

/* Names come from the policy; a name with quotes, backslashes, slashes,
 * control or non-ASCII bytes is escaped exactly as json-c does. */
START_TEST(escaping)
{
	struct xdpd_sample_event e = base();
	char name[XDPD_NAME_MAX];

	e.rule_slot = 0;
	e.lb_slot = 0;
	for (int start = 1; start < 256; start += XDPD_NAME_MAX - 1) {
		int i = 0;

		for (; i < XDPD_NAME_MAX - 1 && start + i < 256; i++)
			name[i] = (char)(start + i);
		name[i] = '\0';
		g_rule = name;
		g_lb = "a/b\"c\\d";
		same_as_json_c(&e);
	}
}
END_TEST

/* The worst case fits MONITOR_LINE_MAX; a smaller buffer gets 0 or the
 * whole line, never a cut one, never a byte past cap. */
START_TEST(bounds)
{
	struct xdpd_sample_event e = base();
	char worst[XDPD_NAME_MAX], buf[MONITOR_LINE_MAX + 64];
	size_t full;

	memset(worst, 1, sizeof(worst) - 1); /* \u0001 each */
	worst[sizeof(worst) - 1] = '\0';
	e.family = 6;
	memset(e.src, 0xab, 16);
	memset(e.dst, 0xcd, 16);
	e.rule_slot = e.lb_slot = e.bk_slot = 0;
	e.ifindex = e.len = UINT32_MAX;
	e.timestamp_ns = INT64_MAX - 1000;
	g_if = "0123456789abcde";
	g_rule = g_lb = worst;
	g_bk = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
	e.cap_len = XDPD_SAMPLE_BYTES;
	same_as_json_c(&e);
	full = monitor_event_line(buf, MONITOR_LINE_MAX, &e, sizeof(e), &names);
	ck_assert_uint_gt(full, 0);
	for (size_t cap = 0; cap <= MONITOR_LINE_MAX; cap += 7) {
		size_t n;

		memset(buf, '#', sizeof(buf));
		n = monitor_event_line(buf, cap, &e, sizeof(e), &names);
		ck_assert(n == 0 || n == full);
		ck_assert_uint_le(n, cap);
		for (size_t i = n ? n : 0; i < sizeof(buf); i++)
			ck_assert_int_eq(buf[i], '#');
	}
	ck_assert_uint_eq(monitor_event_line(buf, sizeof(buf), &e, sizeof(e) - 1, &names), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("monitor_line");
	TCase *tc = tcase_create("same_as_json_c");

	tcase_add_test(tc, plain_udp);
	tcase_add_test(tc, every_field);
	tcase_add_test(tc, ipv6_and_protocols);
	tcase_add_test(tc, unparsed_unknown_and_extremes);
	tcase_add_test(tc, escaping);
	tcase_add_test(tc, bounds);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	return check_run(suite());
}
