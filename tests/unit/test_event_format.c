// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A sampled packet from the ring buffer to the line xdpctl monitor prints:
 * daemon/monitor_event.c (event -> monitor.event params) and
 * ctl/cmd_monitor.c (params -> "Packet: ..." in the seed's format), and the
 * trace answer as xdpctl trace prints it.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "../../bpf/xdpd_abi.h"
#include "cmd.h"
#include "monitor_event.h"
#include "xdpctl_harness.h"
#include "check_run.h"

static const char *fake_ifname(void *ctx, uint32_t ifindex)
{
	return ifindex == 7 ? "eth0" : NULL;
}

static const char *fake_rule(void *ctx, uint32_t slot)
{
	return slot == 3 ? "drop-8080" : NULL;
}

static const char *fake_lb(void *ctx, uint32_t slot)
{
	return slot == 0 ? "icmp-lb" : NULL;
}

static const char *fake_backend(void *ctx, uint32_t slot, char *buf, size_t len)
{
	return slot == 1 ? "192.168.1.4" : NULL;
}

static const struct event_names names = {fake_ifname, fake_rule, fake_lb, fake_backend, NULL, 1000};

static struct xdpd_sample_event ev4(const char *src, const char *dst, uint8_t proto)
{
	struct xdpd_sample_event e = {
	    .timestamp_ns = 5000,
	    .ifindex = 7,
	    .len = 74,
	    .rule_slot = XDPD_NO_SLOT,
	    .lb_slot = XDPD_NO_SLOT,
	    .bk_slot = XDPD_NO_SLOT,
	    .action = 2,
	    .reason = XDPD_WHY_DEFAULT,
	    .family = 4,
	    .proto = proto,
	};

	inet_pton(AF_INET, src, e.src);
	inet_pton(AF_INET, dst, e.dst);
	return e;
}

/* event -> JSON -> the printed line */
static char *line_of(const struct xdpd_sample_event *e, json_object **json_out)
{
	json_object *o = monitor_event_json(e, sizeof(*e), &names);
	struct xcap x;

	ck_assert_ptr_nonnull(o);
	xcap_open(&x);
	monitor_event_print(&x.c, o);
	if (json_out)
		*json_out = o;
	else
		json_object_put(o);
	return xcap_take(&x, NULL);
}

static const char *jget(json_object *o, const char *k)
{
	json_object *v;

	return json_object_object_get_ex(o, k, &v) ? json_object_get_string(v) : NULL;
}

START_TEST(seed_udp_line)
{
	struct xdpd_sample_event e = ev4("192.168.1.1", "192.168.1.2", IPPROTO_UDP);
	char *line;

	e.sport = 53;
	e.dport = 46313;
	line = line_of(&e, NULL);
	ck_assert_str_eq(line, "Packet: 192.168.1.1:53 -> 192.168.1.2:46313, protocol: UDP, "
			       "action: pass, interface: eth0\n");
	free(line);
}
END_TEST

START_TEST(drop_with_rule)
{
	struct xdpd_sample_event e = ev4("192.168.1.3", "192.168.1.2", IPPROTO_TCP);
	json_object *o;
	char *line;

	e.sport = 35668;
	e.dport = 8080;
	e.action = 1;
	e.reason = XDPD_WHY_RULE;
	e.rule_slot = 3;
	line = line_of(&e, &o);
	ck_assert_str_eq(line, "Packet: 192.168.1.3:35668 -> 192.168.1.2:8080, protocol: TCP, "
			       "action: drop, rule: drop-8080, interface: eth0\n");
	ck_assert_str_eq(jget(o, "protocol"), "tcp");
	ck_assert_str_eq(jget(o, "reason"), "rule");
	ck_assert_str_eq(jget(o, "timestamp_ns"), "6000"); /* monotonic + offset */
	ck_assert_str_eq(jget(o, "len"), "74");
	free(line);
	json_object_put(o);
}
END_TEST

/* ICMP has no ports: 0, as the seed prints; a balanced packet names the
 * balancer and the backend. */
START_TEST(icmp_balanced)
{
	struct xdpd_sample_event e = ev4("192.168.1.4", "192.168.1.2", IPPROTO_ICMP);
	char *line;

	e.action = 3;
	e.reason = XDPD_WHY_BALANCER;
	e.lb_slot = 0;
	e.bk_slot = 1;
	line = line_of(&e, NULL);
	ck_assert_str_eq(line,
			 "Packet: 192.168.1.4:0 -> 192.168.1.2:0, protocol: ICMP, action: tx, "
			 "balancer: icmp-lb, backend: 192.168.1.4, interface: eth0\n");
	free(line);
}
END_TEST

/* IPv6 endpoints in brackets (RFC 5952), as trace reads them: without them
 * "fd00:99::2:0" reads as one address. */
START_TEST(ipv6_brackets)
{
	struct xdpd_sample_event e = ev4("0.0.0.0", "0.0.0.0", IPPROTO_ICMPV6);
	char *line;

	e.family = 6;
	inet_pton(AF_INET6, "fd00:99::2", e.src);
	inet_pton(AF_INET6, "fd00:99::1", e.dst);
	line = line_of(&e, NULL);
	ck_assert_str_eq(line, "Packet: [fd00:99::2]:0 -> [fd00:99::1]:0, protocol: ICMPv6, "
			       "action: pass, interface: eth0\n");
	free(line);
	e.proto = IPPROTO_TCP;
	e.sport = 40000;
	e.dport = 443;
	line = line_of(&e, NULL);
	ck_assert_str_eq(line, "Packet: [fd00:99::2]:40000 -> [fd00:99::1]:443, protocol: TCP, "
			       "action: pass, interface: eth0\n");
	free(line);
}
END_TEST

START_TEST(unparsed_and_bytes)
{
	struct xdpd_sample_event e = ev4("0.0.0.0", "0.0.0.0", 0);
	json_object *o;
	char *line;

	e.family = 0;
	e.reason = XDPD_WHY_UNPARSED;
	e.len = 42;
	e.cap_len = 3;
	e.data[0] = 0xff;
	e.data[1] = 0x0a;
	e.data[2] = 0x00;
	e.ifindex = 99; /* unknown: no interface name */
	line = line_of(&e, &o);
	ck_assert_str_eq(line, "Packet: not IP, length: 42, action: pass\n");
	ck_assert_str_eq(jget(o, "data"), "ff0a00");
	ck_assert_ptr_null(jget(o, "src"));
	ck_assert_ptr_null(jget(o, "interface"));
	free(line);
	json_object_put(o);
}
END_TEST

/* An IP frame the parser refused (here IPv4 behind two VLAN tags, an ARP
 * frame behind one) is "unparsed IPv4", not "not IP". */
START_TEST(unparsed_ip_frames)
{
	static const uint8_t qinq_v4[] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x88, 0xa8, 0, 10,
					  0x81, 0x00, 0, 20, 0x08, 0x00, 0x4f};
	static const uint8_t vlan_arp[] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0, 10,
					   0x08, 0x06, 0, 1};
	static const uint8_t v6[] = {2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x86, 0xdd, 0x60};
	struct xdpd_sample_event e = ev4("0.0.0.0", "0.0.0.0", 0);
	char *line;

	e.family = 0;
	e.reason = XDPD_WHY_UNPARSED;
	e.len = 60;
	memcpy(e.data, qinq_v4, sizeof(qinq_v4));
	e.cap_len = sizeof(qinq_v4);
	line = line_of(&e, NULL);
	ck_assert_str_eq(line, "Packet: unparsed IPv4, length: 60, action: pass, interface: eth0\n");
	free(line);
	memcpy(e.data, v6, sizeof(v6));
	e.cap_len = sizeof(v6);
	line = line_of(&e, NULL);
	ck_assert_str_eq(line, "Packet: unparsed IPv6, length: 60, action: pass, interface: eth0\n");
	free(line);
	memcpy(e.data, vlan_arp, sizeof(vlan_arp));
	e.cap_len = sizeof(vlan_arp);
	line = line_of(&e, NULL);
	ck_assert_str_eq(line, "Packet: not IP, length: 60, action: pass, interface: eth0\n");
	free(line);
	e.cap_len = 13; /* too short to tell */
	line = line_of(&e, NULL);
	ck_assert_str_eq(line, "Packet: not IP, length: 60, action: pass, interface: eth0\n");
	free(line);
}
END_TEST

/* A drop that no rule decided says why: blocklist and default_action drops
 * look alike otherwise. A pass by default_action stays as the seed prints. */
START_TEST(drop_reasons)
{
	static const struct {
		uint8_t action, reason;
		const char *tail;
	} cases[] = {
	    {1, XDPD_WHY_BLOCKLIST, "action: drop, reason: blocklist"},
	    {1, XDPD_WHY_DEFAULT, "action: drop, reason: default_action"},
	    {1, XDPD_WHY_FRAGMENT, "action: drop, reason: tiny first fragment"},
	    {2, XDPD_WHY_DEFAULT, "action: pass"},
	};
	struct xdpd_sample_event e = ev4("192.168.1.5", "192.168.1.2", IPPROTO_ICMP);
	char want[256], *line;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		e.action = cases[i].action;
		e.reason = cases[i].reason;
		snprintf(want, sizeof(want),
			 "Packet: 192.168.1.5:0 -> 192.168.1.2:0, protocol: ICMP, %s, "
			 "interface: eth0\n",
			 cases[i].tail);
		line = line_of(&e, NULL);
		ck_assert_str_eq(line, want);
		free(line);
	}
}
END_TEST

START_TEST(short_record)
{
	struct xdpd_sample_event e = ev4("1.2.3.4", "5.6.7.8", 6);

	ck_assert_ptr_null(monitor_event_json(&e, sizeof(e) - 1, &names));
	ck_assert_str_eq(xdp_action_name(9), "unknown");
	ck_assert_str_eq(verdict_reason_name(XDPD_WHY_BLOCKLIST), "blocklist");
}
END_TEST

static char *trace_line(const char *res_json)
{
	json_object *o = xjson(res_json);
	struct xcap x;

	xcap_open(&x);
	trace_print(&x.c, o);
	json_object_put(o);
	return xcap_take(&x, NULL);
}

START_TEST(trace_render)
{
	char *s = trace_line("{\"action\":\"pass\",\"reason\":\"default\"}");

	ck_assert_str_eq(s, "pass (default_action)\n");
	free(s);
	s = trace_line("{\"action\":\"drop\",\"reason\":\"blocklist\"}");
	ck_assert_str_eq(s, "drop (blocklist)\n");
	free(s);
	s = trace_line("{\"action\":\"drop\",\"reason\":\"rule\",\"rule\":\"drop-8080\"}");
	ck_assert_str_eq(s, "drop (rule drop-8080)\n");
	free(s);
	s = trace_line(
	    "{\"action\":\"tx\",\"reason\":\"balancer\",\"balancer\":\"web\","
	    "\"backend\":\"10.0.0.1\",\"rewritten\":{\"eth_src\":\"02:00:00:00:00:02\","
	    "\"eth_dst\":\"52:54:00:ff:ff:55\",\"src\":\"198.51.100.7\",\"dst\":\"10.0.0.1\","
	    "\"src_port\":40000,\"dst_port\":80}}");
	ck_assert_str_eq(s, "tx (balancer web, backend 10.0.0.1)\n"
			    "  rewritten: 02:00:00:00:00:02 > 52:54:00:ff:ff:55, "
			    "198.51.100.7:40000 > 10.0.0.1:80\n");
	free(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("event_format");
	TCase *tc = tcase_create("monitor");

	tcase_add_test(tc, seed_udp_line);
	tcase_add_test(tc, drop_with_rule);
	tcase_add_test(tc, icmp_balanced);
	tcase_add_test(tc, ipv6_brackets);
	tcase_add_test(tc, unparsed_and_bytes);
	tcase_add_test(tc, unparsed_ip_frames);
	tcase_add_test(tc, drop_reasons);
	tcase_add_test(tc, short_record);
	suite_add_tcase(su, tc);
	tc = tcase_create("trace");
	tcase_add_test(tc, trace_render);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	return check_run(suite());
}
