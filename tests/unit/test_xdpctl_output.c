// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl output: aligned tables, thousands grouping, durations, one-line
 * JSON, and each command's rendering of results shaped as in contract §5.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output.h"
#include "pcap.h"
#include "xdpctl_harness.h"
#include "check_run.h"

START_TEST(counts_are_grouped)
{
	char b[FMT_COUNT_LEN];

	ck_assert_str_eq(fmt_count(0, b, sizeof(b)), "0");
	ck_assert_str_eq(fmt_count(999, b, sizeof(b)), "999");
	ck_assert_str_eq(fmt_count(1000, b, sizeof(b)), "1,000");
	ck_assert_str_eq(fmt_count(1234567, b, sizeof(b)), "1,234,567");
	ck_assert_str_eq(fmt_count(18446744073709551615ull, b, sizeof(b)),
			 "18,446,744,073,709,551,615");
}
END_TEST

START_TEST(durations_are_exact)
{
	char b[FMT_DURATION_LEN];

	ck_assert_str_eq(fmt_duration(0, b, sizeof(b)), "0s");
	ck_assert_str_eq(fmt_duration(45, b, sizeof(b)), "45s");
	ck_assert_str_eq(fmt_duration(3598, b, sizeof(b)), "59m58s");
	ck_assert_str_eq(fmt_duration(3600, b, sizeof(b)), "1h");
	ck_assert_str_eq(fmt_duration(86400 + 300, b, sizeof(b)), "1d5m");
	ck_assert_str_eq(fmt_duration(2 * 86400 + 3 * 3600 + 4 * 60 + 5, b, sizeof(b)), "2d3h4m5s");
}
END_TEST

START_TEST(table_aligns_columns)
{
	static const struct table_col cols[] = {
	    {"NAME", COL_LEFT}, {"N", COL_RIGHT}, {"NOTE", COL_LEFT}, {NULL, 0}};
	struct xcap x;
	struct table *t = table_new(cols);

	xcap_open(&x);
	table_cell(t, "a");
	table_cell(t, "1,000");
	table_cell(t, "first");
	table_cell(t, "longer-name");
	table_cell(t, "7");
	table_cell(t, "%s", "");
	ck_assert_int_eq(table_rows(t), 2);
	table_print(t, x.c.out, 2);
	table_free(t);
	char *out = xcap_take(&x, NULL);
	ck_assert_str_eq(out, "  NAME             N  NOTE\n"
			      "  a            1,000  first\n"
			      "  longer-name      7\n");
	free(out);
}
END_TEST

START_TEST(json_is_one_line)
{
	struct xcap x;
	struct json_object *o = xjson("{ \"a\": [1, 2], \"path\": \"/etc/xdpd.yaml\" }");

	xcap_open(&x);
	out_json(&x.c, o);
	char *out = xcap_take(&x, NULL);
	ck_assert_str_eq(out, "{\"a\":[1,2],\"path\":\"/etc/xdpd.yaml\"}\n");
	free(out);
	json_object_put(o);
}
END_TEST

/* Renders res with print and compares with want. */
static void check_render(result_printer print, const char *res_json, const char *want)
{
	struct xcap x;
	struct json_object *res = xjson(res_json);

	xcap_open(&x);
	print(&x.c, res);
	char *out = xcap_take(&x, NULL);
	ck_assert_str_eq(out, want);
	free(out);
	json_object_put(res);
}

START_TEST(status_render)
{
	check_render(status_print,
		     "{\"version\":\"0.1.0\",\"pid\":4242,\"uptime\":3725,"
		     "\"policy\":{\"path\":\"/etc/xdpd.yaml\",\"sha256\":\"ab12\",\"generation\":3,"
		     "\"loaded_at\":\"2024-05-01T12:00:00Z\"},"
		     "\"interfaces\":[{\"name\":\"eth0\",\"ifindex\":2,\"mode\":\"native\","
		     "\"prog_id\":57,\"attached\":true},{\"name\":\"veth-long1\",\"ifindex\":118,"
		     "\"mode\":\"generic\",\"prog_id\":1057,\"attached\":false}],"
		     "\"counts\":{\"rules\":12,\"balancers\":1,\"blocklist\":3}}",
		     "daemon      xdpd 0.1.0, pid 4242, up 1h2m5s\n"
		     "policy      /etc/xdpd.yaml\n"
		     "generation  3, loaded 2024-05-01T12:00:00Z\n"
		     "sha256      ab12\n"
		     "counts      12 rules, 1 balancers, 3 blocklist entries\n"
		     "\n"
		     "INTERFACE   IFINDEX  MODE     PROG ID  ATTACHED\n"
		     "eth0              2  native        57  yes\n"
		     "veth-long1      118  generic     1057  no\n");
}
END_TEST

START_TEST(rules_render)
{
	check_render(
	    rules_print,
	    "{\"rules\":[{\"name\":\"drop-8080\",\"action\":\"drop\","
	    "\"match\":{\"protocol\":\"tcp\",\"dst_port\":[\"8080\",\"9000-9100\"]},"
	    "\"packets\":1234567,\"bytes\":98765432},"
	    "{\"name\":\"allow\",\"action\":\"pass\",\"match\":\"src 10.0.0.0/8\","
	    "\"packets\":0,\"bytes\":0},"
	    "{\"name\":\"all\",\"action\":\"drop\",\"match\":{},\"packets\":5,\"bytes\":300},"
	    "{\"name\":\"rl\",\"action\":\"drop\",\"match\":{\"rate_limit\":{\"pps\":1000,"
	    "\"per\":\"source\"}},\"packets\":0,\"bytes\":0}]}",
	    "NAME       ACTION    PACKETS       BYTES  MATCH\n"
	    "drop-8080  drop    1,234,567  98,765,432  protocol=tcp dst_port=8080,9000-9100\n"
	    "allow      pass            0           0  src 10.0.0.0/8\n"
	    "all        drop            5         300  any\n"
	    "rl         drop            0           0  rate_limit=1000pps/source\n");
}
END_TEST

static const char stats_fixture[] =
    "{\"interfaces\":[{\"name\":\"eth0\",\"actions\":{\"drop\":{\"packets\":10,\"bytes\":600},"
    "\"pass\":{\"packets\":2000,\"bytes\":128000}}}],"
    "\"rules\":[{\"name\":\"drop-8080\",\"action\":\"drop\",\"packets\":10,\"bytes\":600}],"
    "\"balancers\":[{\"name\":\"web\",\"backends\":[{\"address\":\"10.0.0.3\","
    "\"packets\":7,\"bytes\":700}]}],"
    "\"blocklist\":{\"packets\":4},"
    "\"sampling\":{\"events\":100,\"lost\":1}}";

START_TEST(stats_render)
{
	check_render(stats_print, stats_fixture,
		     "INTERFACE  ACTION  PACKETS    BYTES\n"
		     "eth0       drop         10      600\n"
		     "eth0       pass      2,000  128,000\n"
		     "\n"
		     "RULE       ACTION  PACKETS  BYTES\n"
		     "drop-8080  drop         10    600\n"
		     "\n"
		     "BALANCER  BACKEND   PACKETS  BYTES\n"
		     "web       10.0.0.3        7    700\n"
		     "\n"
		     "blocklist  4 packets dropped\n"
		     "sampling   100 events, 1 lost\n");
}
END_TEST

/* The alternative layouts stats_walk.h accepts read the same. */
START_TEST(stats_render_array_layouts)
{
	check_render(
	    stats_print,
	    "{\"interfaces\":[{\"name\":\"eth0\",\"actions\":[{\"action\":\"tx\","
	    "\"packets\":3,\"bytes\":180}]}],"
	    "\"backends\":[{\"balancer\":\"dns\",\"address\":\"2001:db8::5\",\"packets\":1,"
	    "\"bytes\":80}]}",
	    "INTERFACE  ACTION  PACKETS  BYTES\n"
	    "eth0       tx            3    180\n"
	    "\n"
	    "BALANCER  BACKEND      PACKETS  BYTES\n"
	    "dns       2001:db8::5        1     80\n");
}
END_TEST

START_TEST(lb_render)
{
	check_render(
	    lb_print,
	    "{\"balancers\":[{\"name\":\"web\",\"vip\":\"192.168.1.2\",\"protocol\":\"tcp\","
	    "\"port\":80,\"scheduler\":\"maglev\",\"forwarding\":\"nat\",\"backends\":["
	    "{\"address\":\"192.168.1.3\",\"mac\":\"52:54:00:ff:ff:55\",\"weight\":1,"
	    "\"state\":\"active\",\"healthy\":true,\"packets\":1500,\"bytes\":90000},"
	    "{\"address\":\"192.168.1.4\",\"mac\":\"52:54:00:ff:ff:56\",\"weight\":2,"
	    "\"state\":\"drain\",\"healthy\":null,\"packets\":0,\"bytes\":0}]},"
	    "{\"name\":\"ping6\",\"vip\":\"2001:db8::2\",\"protocol\":\"icmpv6\",\"port\":0,"
	    "\"scheduler\":\"round_robin\",\"forwarding\":\"dsr\",\"backends\":[]}]}",
	    "web  tcp 192.168.1.2:80  scheduler maglev, forwarding nat\n"
	    "  BACKEND      MAC                WEIGHT  STATE   HEALTHY  PACKETS   BYTES\n"
	    "  192.168.1.3  52:54:00:ff:ff:55       1  active  yes        1,500  90,000\n"
	    "  192.168.1.4  52:54:00:ff:ff:56       2  drain   -              0       0\n"
	    "\n"
	    "ping6  icmpv6 2001:db8::2  scheduler round_robin, forwarding dsr\n"
	    "  BACKEND  MAC  WEIGHT  STATE  HEALTHY  PACKETS  BYTES\n");
	check_render(lb_print, "{\"balancers\":[]}", "no load balancers\n");
	check_render(lb_backend_print, "{\"address\":\"192.168.1.4\",\"state\":\"drain\"}",
		     "backend 192.168.1.4 is now drain\n");
}
END_TEST

START_TEST(block_render)
{
	check_render(block_list_print,
		     "{\"entries\":[{\"prefix\":\"203.0.113.0/24\",\"expires_in\":3598,"
		     "\"comment\":\"scanner\",\"packets\":12345},"
		     "{\"prefix\":\"2001:db8::/32\",\"packets\":0}]}",
		     "PREFIX          EXPIRES IN  PACKETS  COMMENT\n"
		     "203.0.113.0/24      59m58s   12,345  scanner\n"
		     "2001:db8::/32        never        0\n");
	check_render(
	    block_entry_print,
	    "{\"prefix\":\"10.0.0.0/8\",\"expires_in\":600,\"comment\":\"x\",\"packets\":0}",
	    "blocked 10.0.0.0/8 for 10m (x)\n");
	check_render(block_entry_print, "{\"prefix\":\"10.0.0.0/8\",\"packets\":0}",
		     "blocked 10.0.0.0/8 until deleted\n");
}
END_TEST

START_TEST(reload_render)
{
	check_render(reload_print,
		     "{\"changed\":true,\"generation\":4,\"diff\":["
		     "{\"kind\":\"rule\",\"change\":\"added\",\"name\":\"drop-22\"},"
		     "{\"kind\":\"setting\",\"change\":\"changed\",\"name\":\"default_action\"},"
		     "\"- rule old\"]}",
		     "policy reloaded: generation 4\n"
		     "  added    rule drop-22\n"
		     "  changed  setting default_action\n"
		     "  - rule old\n");
	check_render(reload_print, "{\"changed\":false,\"generation\":3,\"diff\":[]}",
		     "policy unchanged (generation 3)\n");
}
END_TEST

START_TEST(trace_render)
{
	check_render(trace_print, "{\"action\":\"drop\",\"rule\":\"drop-8080\"}",
		     "drop (rule drop-8080)\n");
	check_render(trace_print,
		     "{\"action\":\"tx\",\"balancer\":\"web\",\"backend\":\"192.168.1.3\"}",
		     "tx (balancer web, backend 192.168.1.3)\n");
	check_render(trace_print, "{\"action\":\"pass\"}", "pass\n");
}
END_TEST

START_TEST(monitor_render)
{
	/* The contract's own example line. */
	check_render(monitor_event_print,
		     "{\"src\":\"192.168.1.1\",\"src_port\":53,\"dst\":\"192.168.1.2\","
		     "\"dst_port\":46313,\"protocol\":\"udp\"}",
		     "Packet: 192.168.1.1:53 -> 192.168.1.2:46313, protocol: UDP\n");
	check_render(
	    monitor_event_print,
	    "{\"src\":\"2001:db8::1\",\"sport\":40000,\"dst\":\"2001:db8::2\",\"dport\":80,"
	    "\"protocol\":6,\"action\":\"drop\",\"rule\":\"drop-80\"}",
	    "Packet: [2001:db8::1]:40000 -> [2001:db8::2]:80, protocol: TCP, action: drop, "
	    "rule: drop-80\n");
	check_render(monitor_event_print,
		     "{\"src\":\"fd00::1\",\"dst\":\"fd00::2\",\"protocol\":\"icmpv6\","
		     "\"action\":\"pass\"}",
		     "Packet: fd00::1 -> fd00::2, protocol: ICMPv6, action: pass\n");
}
END_TEST

START_TEST(pcap_file)
{
	uint8_t pkt[4], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream((char **)&buf, &len);

	ck_assert_int_eq(hex_decode("0aFf1000", pkt, sizeof(pkt)), 4);
	ck_assert_int_eq(pkt[1], 0xff);
	ck_assert_int_lt(hex_decode("0a1", pkt, sizeof(pkt)), 0);
	ck_assert_int_lt(hex_decode("zz", pkt, sizeof(pkt)), 0);
	ck_assert_int_lt(hex_decode("0011223344", pkt, sizeof(pkt)), 0);
	ck_assert_int_eq(pcap_write_header(f), 0);
	ck_assert_int_eq(pcap_write_packet(f, 1700000000123456789ull, pkt, 4, 60), 0);
	fclose(f);
	ck_assert_int_eq(len, 24 + 16 + 4);
	uint32_t w[4];
	memcpy(w, buf, 4);
	ck_assert_uint_eq(w[0], 0xa1b2c3d4);
	memcpy(w, buf + 24, sizeof(w));
	ck_assert_uint_eq(w[0], 1700000000);
	ck_assert_uint_eq(w[1], 123456);
	ck_assert_uint_eq(w[2], 4);
	ck_assert_uint_eq(w[3], 60);
	ck_assert_int_eq(memcmp(buf + 40, pkt, 4), 0);
	free(buf);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("xdpctl_output");
	TCase *tc = tcase_create("output");

	tcase_add_test(tc, counts_are_grouped);
	tcase_add_test(tc, durations_are_exact);
	tcase_add_test(tc, table_aligns_columns);
	tcase_add_test(tc, json_is_one_line);
	tcase_add_test(tc, status_render);
	tcase_add_test(tc, rules_render);
	tcase_add_test(tc, stats_render);
	tcase_add_test(tc, stats_render_array_layouts);
	tcase_add_test(tc, lb_render);
	tcase_add_test(tc, block_render);
	tcase_add_test(tc, reload_render);
	tcase_add_test(tc, trace_render);
	tcase_add_test(tc, monitor_render);
	tcase_add_test(tc, pcap_file);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
