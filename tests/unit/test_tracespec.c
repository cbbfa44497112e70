// SPDX-License-Identifier: GPL-2.0-or-later
/* common/tracespec*.c: the trace-spec parser on valid and malformed input
 * (the error points at the bad token), and the frames it builds. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "tracespec.h"
#include "check_run.h"

static struct trace_spec s;
static struct tracespec_error e;

static void ok(const char *text)
{
	int r = tracespec_parse(text, &s, &e);

	ck_assert_msg(r == 0, "'%s': %s (at %zu)", text, e.message, e.pos);
}

/* The error must point at the substring bad of text. */
static void bad(const char *text, const char *at, const char *msg_part)
{
	const char *where = strstr(text, at);

	ck_assert_msg(where, "test bug: '%s' not in '%s'", at, text);
	ck_assert_int_eq(tracespec_parse(text, &s, &e), -EINVAL);
	ck_assert_msg(e.pos == (size_t)(where - text), "'%s': error at %zu, want %td (%s)", text,
		      e.pos, where - text, e.message);
	ck_assert_msg(strstr(e.message, msg_part), "'%s': message '%s' lacks '%s'", text, e.message,
		      msg_part);
}

static void v4(const uint8_t *a, const char *want)
{
	char buf[INET_ADDRSTRLEN];

	ck_assert_str_eq(inet_ntop(AF_INET, a, buf, sizeof(buf)), want);
}

static void v6(const uint8_t *a, const char *want)
{
	char buf[INET6_ADDRSTRLEN];

	ck_assert_str_eq(inet_ntop(AF_INET6, a, buf, sizeof(buf)), want);
}

START_TEST(tcp_contract_example)
{
	ok("tcp 198.51.100.7:40000 > 192.168.1.2:8080 flags S vlan 10");
	ck_assert_int_eq(s.family, 4);
	ck_assert_int_eq(s.proto, IPPROTO_TCP);
	v4(s.src, "198.51.100.7");
	v4(s.dst, "192.168.1.2");
	ck_assert_int_eq(s.sport, 40000);
	ck_assert_int_eq(s.dport, 8080);
	ck_assert_int_eq(s.tcp_flags, 0x02);
	ck_assert_int_eq(s.nvlan, 1);
	ck_assert_int_eq(s.vlan[0], 10);
	ck_assert_int_eq(s.ifname[0], '\0');
	/* as printed in the usage, with brackets around the options */
	ok("tcp 198.51.100.7:40000 > 192.168.1.2:8080 [flags S] [vlan 10]");
	ck_assert_int_eq(s.tcp_flags, 0x02);
	ck_assert_int_eq(s.vlan[0], 10);
}
END_TEST

START_TEST(tcp_flags_forms)
{
	ok("tcp 1.2.3.4:1 > 5.6.7.8:2");
	ck_assert_int_eq(s.tcp_flags, 0x02); /* default: SYN */
	ok("tcp 1.2.3.4:1 > 5.6.7.8:2 flags S.");
	ck_assert_int_eq(s.tcp_flags, 0x12);
	ok("tcp 1.2.3.4:1 > 5.6.7.8:2 flags FPAUREC");
	ck_assert_int_eq(s.tcp_flags, 0xfd);
	ok("tcp 1.2.3.4:1 > 5.6.7.8:2 flags syn,ack");
	ck_assert_int_eq(s.tcp_flags, 0x12);
	ok("tcp 1.2.3.4:1 > 5.6.7.8:2 flags none");
	ck_assert_int_eq(s.tcp_flags, 0);
}
END_TEST

START_TEST(udp_ipv6_brackets)
{
	ok("udp [2001:db8::1]:443 > [2001:db8::2]:53 in eth0 len 200");
	ck_assert_int_eq(s.family, 6);
	ck_assert_int_eq(s.proto, IPPROTO_UDP);
	v6(s.src, "2001:db8::1");
	v6(s.dst, "2001:db8::2");
	ck_assert_int_eq(s.sport, 443);
	ck_assert_int_eq(s.dport, 53);
	ck_assert_str_eq(s.ifname, "eth0");
	ck_assert_int_eq(s.len, 200);
}
END_TEST

START_TEST(icmp_types)
{
	ok("icmp 192.168.1.4 > 192.168.1.2");
	ck_assert_int_eq(s.has_icmp, 1);
	ck_assert_int_eq(s.icmp_type, 8); /* default echo request */
	ck_assert_int_eq(s.has_ports, 0);
	ok("icmp 192.168.1.4 > 192.168.1.2 [type echo-reply]");
	ck_assert_int_eq(s.icmp_type, 0);
	ok("icmp 192.168.1.4 > 192.168.1.2 type 3 code 4");
	ck_assert_int_eq(s.icmp_type, 3);
	ck_assert_int_eq(s.icmp_code, 4);
	ok("icmpv6 fd00::2 > fd00::1");
	ck_assert_int_eq(s.family, 6);
	ck_assert_int_eq(s.icmp_type, 128);
	ok("icmpv6 [fd00::2] > [fd00::1] type echo-request vlan 1 vlan 2");
	ck_assert_int_eq(s.icmp_type, 128);
	ck_assert_int_eq(s.nvlan, 2);
	ck_assert_int_eq(s.vlan[1], 2);
	ok("47 10.0.0.1 > 10.0.0.2");
	ck_assert_int_eq(s.proto, 47);
	ck_assert_int_eq(s.has_icmp, 0);
}
END_TEST

START_TEST(malformed)
{
	bad("", "", "empty");
	bad("tpc 1.2.3.4:1 > 5.6.7.8:2", "tpc", "unknown protocol");
	bad("tcp 1.2.3.4:70000 > 5.6.7.8:2", "70000", "bad port");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:x", "x", "bad port");
	bad("tcp 1.2.3.4 > 5.6.7.8:2", "1.2.3.4", "need a port");
	bad("icmp 1.2.3.4:5 > 5.6.7.8", "1.2.3.4:5", "only tcp and udp");
	bad("tcp 1.2.3.400:1 > 5.6.7.8:2", "1.2.3.400:1", "bad address");
	bad("tcp 1.2.3.4:1 < 5.6.7.8:2", "<", "expected '>'");
	bad("tcp 1.2.3.4:1 > [2001:db8::1]:2", "[2001", "IP version");
	bad("udp [2001:db8::1:53 > [2001:db8::2]:53", "[2001:db8::1:53", "missing ']'");
	bad("udp [1.2.3.4]:53 > [2001:db8::2]:53", "[1.2.3.4]", "IPv6");
	bad("icmp 2001:db8::1 > 2001:db8::2", "icmp", "use icmpv6");
	bad("icmpv6 1.2.3.4 > 5.6.7.8", "icmpv6", "use icmp");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 flags SX", "X", "unknown tcp flag");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 flags syn,bogus", "bogus", "unknown tcp flag");
	bad("udp 1.2.3.4:1 > 5.6.7.8:2 flags S", "flags", "tcp only");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 vlan 4096", "4096", "vlan id");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 vlan 1 vlan 2 vlan 3", "vlan 3", "two vlan");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 colour red", "colour", "unknown word");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 [flags S", "S", "expected ']'");
	bad("icmp 1.2.3.4 > 5.6.7.8 type bogus", "bogus", "unknown icmp type");
	bad("icmpv6 2001:db8::1 > 2001:db8::2 type 300", "300", "out of range 0-255");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 type 8", "type", "icmp");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 len 20", "20", "shorter than the headers");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 len 99999", "99999", "bad length");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 flags S flags A", "flags A", "twice");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 in averyverylongifname0", "averyverylongifname0",
	    "interface");
}
END_TEST

/* Control characters are refused where they are, and the pointer line shows
 * them as '?' so that it still lines up and cannot drive a terminal. */
START_TEST(control_characters)
{
	const char *t = "tcp 1.2.3.4:1 > 5.6.7.8:2 in x\033[2Jt0";
	char buf[256];

	bad(t, "\033", "control character (byte 0x1b)");
	tracespec_pointer(t, &e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "  tcp 1.2.3.4:1 > 5.6.7.8:2 in x?[2Jt0\n"
			      "                                ^");
	bad("tcp 1.2.3.4:1 >\n5.6.7.8:2", "\n", "byte 0x0a");
	bad("tcp 1.2.3.4:1 > 5.6.7.8:2 in eth\x7f", "\x7f", "byte 0x7f");
	ok("tcp\t1.2.3.4:1 > 5.6.7.8:2");
}
END_TEST

START_TEST(truncated)
{
	const char *t = "tcp 1.2.3.4:1";

	ck_assert_int_eq(tracespec_parse(t, &s, &e), -EINVAL);
	ck_assert_uint_eq(e.pos, strlen(t));
	t = "tcp 1.2.3.4:1 > 5.6.7.8:2 vlan";
	ck_assert_int_eq(tracespec_parse(t, &s, &e), -EINVAL);
	ck_assert_uint_eq(e.pos, strlen(t));
	ck_assert_ptr_nonnull(strstr(e.message, "needs a value"));
}
END_TEST

START_TEST(pointer_line)
{
	const char *t = "tcp 1.2.3.4:70000 > 5.6.7.8:2";
	char buf[256];

	ck_assert_int_eq(tracespec_parse(t, &s, &e), -EINVAL);
	tracespec_pointer(t, &e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "  tcp 1.2.3.4:70000 > 5.6.7.8:2\n              ^^^^^");
}
END_TEST

/* Characters before at in text (valid UTF-8): the bytes that start one. */
static size_t chars_before(const char *text, const char *at)
{
	size_t n = 0;

	for (const char *c = text; c < at; c++)
		n += ((unsigned char)*c & 0xc0) != 0x80;
	return n;
}

/* With UTF-8 in the text, positions and lengths count characters, not
 * bytes, and the carets of the pointer line sit under the bad word. */
START_TEST(utf8_positions)
{
	const char *t = "udp 1.2.3.4:1 > 5.6.7.8:2 in ethé0 vlan 4096";
	char buf[256];

	ck_assert_int_eq(tracespec_parse(t, &s, &e), -EINVAL);
	ck_assert_uint_eq(e.pos, chars_before(t, strstr(t, "4096")));
	ck_assert_uint_eq(e.pos, strstr(t, "4096") - t - 1);
	ck_assert_uint_eq(e.len, 4);
	tracespec_pointer(t, &e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "  udp 1.2.3.4:1 > 5.6.7.8:2 in ethé0 vlan 4096\n"
			      "                                          ^^^^");

	t = "tcp 1.2.3.4:1 > 5.6.7.8:2 cöleur→ red";
	ck_assert_int_eq(tracespec_parse(t, &s, &e), -EINVAL);
	ck_assert_uint_eq(e.pos, 26);
	ck_assert_uint_eq(e.len, 7); /* c ö l e u r → */
	tracespec_pointer(t, &e, buf, sizeof(buf));
	ck_assert_str_eq(buf, "  tcp 1.2.3.4:1 > 5.6.7.8:2 cöleur→ red\n"
			      "                            ^^^^^^^");

	/* a flag that is not a letter is named whole, pointed at as one */
	t = "tcp 1.2.3.4:1 > 5.6.7.8:2 flags S✓";
	ck_assert_int_eq(tracespec_parse(t, &s, &e), -EINVAL);
	ck_assert_uint_eq(e.pos, chars_before(t, strstr(t, "✓")));
	ck_assert_uint_eq(e.len, 1);
	ck_assert_ptr_nonnull(strstr(e.message, "'✓'"));

	/* a byte that starts no valid sequence is one character */
	t = "tcp 1.2.3.4:1 > 5.6.7.8:2 in e\xff"
	    "0 vlan x";
	ck_assert_int_eq(tracespec_parse(t, &s, &e), -EINVAL);
	ck_assert_uint_eq(e.pos, strstr(t, " x") - t + 1);
	ck_assert_uint_eq(e.len, 1);
}
END_TEST

/* Where the interface's name is, in characters, for the daemon's error when
 * the policy does not have it. */
START_TEST(ifname_position)
{
	ok("tcp 1.2.3.4:1 > 5.6.7.8:2 in eth9");
	ck_assert_uint_eq(s.ifname_pos, 29);
	ck_assert_uint_eq(s.ifname_len, 4);
	ok("tcp 1.2.3.4:1 > 5.6.7.8:2 [in ethé9] flags S");
	ck_assert_str_eq(s.ifname, "ethé9");
	ck_assert_uint_eq(s.ifname_pos, 30);
	ck_assert_uint_eq(s.ifname_len, 5);
}
END_TEST

/* ---- frames ---- */

static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 1}, mac_b[6] = {2, 0, 0, 0, 0, 2};

static uint16_t csum(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)p[n - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

START_TEST(frame_tcp_vlan)
{
	uint8_t f[256];
	int n;

	ok("tcp 198.51.100.7:40000 > 192.168.1.2:8080 flags S vlan 10");
	n = tracespec_build(&s, mac_a, mac_b, f, sizeof(f));
	ck_assert_int_eq(n, 14 + 4 + 20 + 20);
	ck_assert_mem_eq(f, mac_b, 6);
	ck_assert_mem_eq(f + 6, mac_a, 6);
	ck_assert_int_eq(f[12] << 8 | f[13], 0x8100);
	ck_assert_int_eq(f[14] << 8 | f[15], 10);
	ck_assert_int_eq(f[16] << 8 | f[17], 0x0800);
	ck_assert_int_eq(f[18], 0x45);
	ck_assert_int_eq(f[18 + 9], IPPROTO_TCP);
	ck_assert_int_eq(csum(f + 18, 20, 0), 0xffff); /* IPv4 header checksum */
	ck_assert_int_eq(f[38] << 8 | f[39], 40000);
	ck_assert_int_eq(f[40] << 8 | f[41], 8080);
	ck_assert_int_eq(f[38 + 13], 0x02);
	/* TCP checksum with the pseudo header */
	ck_assert_int_eq(csum(f + 38, 20, csum(f + 30, 8, 0) + IPPROTO_TCP + 20), 0xffff);
}
END_TEST

START_TEST(frame_udp6_len)
{
	uint8_t f[512];
	int n;

	ok("udp [2001:db8::1]:443 > [2001:db8::2]:53 vlan 1 vlan 2 len 300");
	n = tracespec_build(&s, mac_a, mac_b, f, sizeof(f));
	ck_assert_int_eq(n, 300);
	ck_assert_int_eq(f[12] << 8 | f[13], 0x88a8);
	ck_assert_int_eq(f[16] << 8 | f[17], 0x8100);
	ck_assert_int_eq(f[20] << 8 | f[21], 0x86dd);
	ck_assert_int_eq(f[22 + 4] << 8 | f[22 + 5], 300 - 22 - 40); /* payload length */
	ck_assert_int_eq(f[62 + 4] << 8 | f[62 + 5], 300 - 62);	     /* UDP length */
	ck_assert_int_eq(csum(f + 62, 300 - 62, csum(f + 30, 32, 0) + IPPROTO_UDP + (300 - 62)),
			 0xffff);
	ck_assert_int_eq(tracespec_build(&s, mac_a, mac_b, f, 100), -ENOSPC);
}
END_TEST

START_TEST(frame_icmp)
{
	uint8_t f[128];
	int n;

	ok("icmp 10.0.0.1 > 10.0.0.2");
	n = tracespec_build(&s, mac_a, mac_b, f, sizeof(f));
	ck_assert_int_eq(n, 14 + 20 + 8);
	ck_assert_int_eq(f[34], 8);
	ck_assert_int_eq(csum(f + 34, 8, 0), 0xffff);
	ok("icmpv6 fd00::2 > fd00::1");
	n = tracespec_build(&s, mac_a, mac_b, f, sizeof(f));
	ck_assert_int_eq(n, 14 + 40 + 8);
	ck_assert_int_eq(f[54], 128);
	ck_assert_int_eq(csum(f + 54, 8, csum(f + 22, 32, 0) + IPPROTO_ICMPV6 + 8), 0xffff);
}
END_TEST

static Suite *suite(void)
{
	Suite *su = suite_create("tracespec");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, tcp_contract_example);
	tcase_add_test(tc, tcp_flags_forms);
	tcase_add_test(tc, udp_ipv6_brackets);
	tcase_add_test(tc, icmp_types);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, control_characters);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, pointer_line);
	tcase_add_test(tc, utf8_positions);
	tcase_add_test(tc, ifname_position);
	suite_add_tcase(su, tc);
	tc = tcase_create("frame");
	tcase_add_test(tc, frame_tcp_vlan);
	tcase_add_test(tc, frame_udp6_len);
	tcase_add_test(tc, frame_icmp);
	suite_add_tcase(su, tc);
	return su;
}

int main(void)
{
	return check_run(suite());
}
