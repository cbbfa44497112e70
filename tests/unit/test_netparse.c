// SPDX-License-Identifier: GPL-2.0-or-later
/* common/netparse.c, common/sha256.c, common/diag.c and daemon/policy_names.c:
 * every parser with valid and invalid input, SHA-256 on the FIPS vectors. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "netparse.h"
#include "policy_names.h"
#include "sha256.h"
#include "check_run.h"

/* ---- numbers ---- */

START_TEST(u64_valid)
{
	uint64_t v;

	ck_assert_int_eq(parse_u64("0", 10, &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(parse_u64("65535", 65535, &v), 0);
	ck_assert_uint_eq(v, 65535);
	ck_assert_int_eq(parse_u64("18446744073709551615", UINT64_MAX, &v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
}
END_TEST

START_TEST(u64_invalid)
{
	uint64_t v = 42;

	ck_assert_int_eq(parse_u64("", 10, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("-1", 10, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("+1", 10, &v), -EINVAL);
	ck_assert_int_eq(parse_u64(" 1", 10, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("1 ", 10, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("0x10", 100, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("1.5", 10, &v), -EINVAL);
	ck_assert_int_eq(parse_u64("11", 10, &v), -ERANGE);
	ck_assert_int_eq(parse_u64("18446744073709551616", UINT64_MAX, &v), -ERANGE);
	ck_assert_int_eq(parse_u64("99999999999999999999999999", UINT64_MAX, &v), -ERANGE);
	ck_assert_int_eq(parse_u64("99999999999999999999999999x", UINT64_MAX, &v), -EINVAL);
	ck_assert_uint_eq(v, 42); /* untouched on failure */
}
END_TEST

/* ---- addresses and prefixes ---- */

START_TEST(ip_valid)
{
	struct ip_addr a;
	char buf[64];

	ck_assert_int_eq(parse_ip_addr("192.168.1.2", &a), 0);
	ck_assert_int_eq(a.family, AF_INET);
	ck_assert_int_eq(a.addr[0], 192);
	ck_assert_int_eq(a.addr[3], 2);
	ck_assert_int_eq(format_ip_addr(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "192.168.1.2");
	ck_assert_int_eq(parse_ip_addr("2001:db8::1", &a), 0);
	ck_assert_int_eq(a.family, AF_INET6);
	ck_assert_int_eq(a.addr[0], 0x20);
	ck_assert_int_eq(a.addr[15], 1);
	ck_assert_int_eq(format_ip_addr(&a, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2001:db8::1");
	ck_assert_int_eq(format_ip_addr(&a, buf, 4), -ENOSPC);
}
END_TEST

START_TEST(ip_not_host)
{
	static const char *const host[] = {"192.0.2.1", "1.0.0.1", "223.255.255.254",
					   "2001:db8::1", "fe80::1", "::2"};
	static const char *const other[] = {"0.0.0.0", "0.1.2.3", "127.0.0.1", "224.0.0.1",
					    "239.255.255.255", "240.0.0.1", "255.255.255.255",
					    "::", "::1", "ff02::1"};
	struct ip_addr a;

	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		ck_assert_int_eq(parse_ip_addr(host[i], &a), 0);
		ck_assert_msg(!ip_addr_not_host(&a), "%s refused", host[i]);
	}
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		ck_assert_int_eq(parse_ip_addr(other[i], &a), 0);
		ck_assert_msg(ip_addr_not_host(&a), "%s taken for a host's", other[i]);
	}
}
END_TEST

START_TEST(ip_invalid)
{
	static const char *bad[] = { "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/32",
				     "01.2.3.4", "2001:db8:::1", "fe80::1%eth0", "host", " 1.2.3.4" };
	struct ip_addr a;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse_ip_addr(bad[i], &a) == -EINVAL, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(prefix_valid)
{
	struct prefix p;
	char buf[64];

	ck_assert_int_eq(parse_prefix("203.0.113.0/24", &p), 0);
	ck_assert_int_eq(p.family, AF_INET);
	ck_assert_int_eq(p.len, 24);
	ck_assert_int_eq(format_prefix(&p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "203.0.113.0/24");
	ck_assert_int_eq(parse_prefix("10.1.2.3", &p), 0);
	ck_assert_int_eq(p.len, 32);
	ck_assert_int_eq(parse_prefix("0.0.0.0/0", &p), 0);
	ck_assert_int_eq(p.len, 0);
	ck_assert_int_eq(parse_prefix("2001:db8::/32", &p), 0);
	ck_assert_int_eq(p.family, AF_INET6);
	ck_assert_int_eq(p.len, 32);
	ck_assert_int_eq(parse_prefix("2001:db8::1", &p), 0);
	ck_assert_int_eq(p.len, 128);
	ck_assert_int_eq(parse_prefix("::/0", &p), 0);
	ck_assert_int_eq(parse_prefix("10.0.0.128/25", &p), 0);
}
END_TEST

START_TEST(prefix_invalid)
{
	struct prefix p;

	ck_assert_int_eq(parse_prefix("203.0.113.1/24", &p), -EINVAL); /* host bits */
	ck_assert_int_eq(parse_prefix("2001:db8::1/32", &p), -EINVAL);
	ck_assert_int_eq(parse_prefix("10.0.0.129/25", &p), -EINVAL);
	ck_assert_int_eq(parse_prefix("10.0.0.0/33", &p), -ERANGE);
	ck_assert_int_eq(parse_prefix("::/129", &p), -ERANGE);
	ck_assert_int_eq(parse_prefix("10.0.0.0/", &p), -EINVAL);
	ck_assert_int_eq(parse_prefix("10.0.0.0/-1", &p), -EINVAL);
	ck_assert_int_eq(parse_prefix("/24", &p), -EINVAL);
	ck_assert_int_eq(parse_prefix("10.0.0/24", &p), -EINVAL);
	ck_assert_int_eq(parse_prefix("10.0.0.0/24/1", &p), -EINVAL);
	ck_assert_int_eq(parse_prefix("", &p), -EINVAL);
}
END_TEST

START_TEST(prefix_raw_and_mask)
{
	struct prefix p;

	ck_assert_int_eq(parse_prefix_raw("203.0.113.7/24", &p), 0);
	ck_assert(prefix_host_bits_set(&p));
	prefix_mask(&p);
	ck_assert(!prefix_host_bits_set(&p));
	ck_assert_int_eq(p.addr[3], 0);
	ck_assert_int_eq(p.addr[2], 113);
	ck_assert_int_eq(parse_prefix_raw("10.0.0.255/31", &p), 0);
	prefix_mask(&p);
	ck_assert_int_eq(p.addr[3], 254);
}
END_TEST

START_TEST(prefix_contains_cases)
{
	struct prefix a, b;

	parse_prefix("10.0.0.0/8", &a);
	parse_prefix("10.1.0.0/16", &b);
	ck_assert(prefix_contains(&a, &b));
	ck_assert(!prefix_contains(&b, &a));
	ck_assert(prefix_contains(&a, &a));
	parse_prefix("11.0.0.0/16", &b);
	ck_assert(!prefix_contains(&a, &b));
	parse_prefix("::/0", &b);
	ck_assert(!prefix_contains(&b, &a)); /* families differ */
}
END_TEST

/* ---- ports, MACs, durations, sizes ---- */

START_TEST(port_range_valid)
{
	struct port_range r;

	ck_assert_int_eq(parse_port_range("8080", &r), 0);
	ck_assert_uint_eq(r.lo, 8080);
	ck_assert_uint_eq(r.hi, 8080);
	ck_assert_int_eq(parse_port_range("1024-65535", &r), 0);
	ck_assert_uint_eq(r.lo, 1024);
	ck_assert_uint_eq(r.hi, 65535);
	ck_assert_int_eq(parse_port_range("0-0", &r), 0);
	ck_assert_int_eq(parse_port_range("80-80", &r), 0);
}
END_TEST

START_TEST(port_range_invalid)
{
	struct port_range r;

	ck_assert_int_eq(parse_port_range("70000", &r), -ERANGE);
	ck_assert_int_eq(parse_port_range("1-70000", &r), -ERANGE);
	ck_assert_int_eq(parse_port_range("9000-8000", &r), -EINVAL);
	ck_assert_int_eq(parse_port_range("-80", &r), -EINVAL);
	ck_assert_int_eq(parse_port_range("80-", &r), -EINVAL);
	ck_assert_int_eq(parse_port_range("80 - 90", &r), -EINVAL);
	ck_assert_int_eq(parse_port_range("http", &r), -EINVAL);
	ck_assert_int_eq(parse_port_range("1-2-3", &r), -EINVAL);
	ck_assert_int_eq(parse_port_range("", &r), -EINVAL);
}
END_TEST

START_TEST(mac_valid)
{
	uint8_t m[6];
	char buf[18];

	ck_assert_int_eq(parse_mac("52:54:00:ff:ff:55", m), 0);
	ck_assert_int_eq(m[0], 0x52);
	ck_assert_int_eq(m[5], 0x55);
	format_mac(m, buf);
	ck_assert_str_eq(buf, "52:54:00:ff:ff:55");
	ck_assert_int_eq(parse_mac("52-54-00-5D-6E-A1", m), 0);
	ck_assert_int_eq(m[3], 0x5d);
}
END_TEST

START_TEST(mac_invalid)
{
	static const char *bad[] = { "",
				     "52:54:00:ff:ff",
				     "52:54:00:ff:ff:55:66",
				     "52:54:00:ff:ff:5g",
				     "52:54-00:ff:ff:55",
				     "525400ffff55",
				     "52:54:00:ff:ff:555",
				     "5:54:00:ff:ff:55",
				     " 52:54:00:ff:ff:5" };
	uint8_t m[6];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse_mac(bad[i], m) == -EINVAL, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(duration_cases)
{
	uint64_t ms;

	ck_assert_int_eq(parse_duration_ms("250ms", &ms), 0);
	ck_assert_uint_eq(ms, 250);
	ck_assert_int_eq(parse_duration_ms("2s", &ms), 0);
	ck_assert_uint_eq(ms, 2000);
	ck_assert_int_eq(parse_duration_ms("3", &ms), 0);
	ck_assert_uint_eq(ms, 3000);
	ck_assert_int_eq(parse_duration_ms("10m", &ms), 0);
	ck_assert_uint_eq(ms, 600000);
	ck_assert_int_eq(parse_duration_ms("1h", &ms), 0);
	ck_assert_uint_eq(ms, 3600000);
	ck_assert_int_eq(parse_duration_ms("1d", &ms), 0);
	ck_assert_uint_eq(ms, 86400000);
	ck_assert_int_eq(parse_duration_ms("", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration_ms("s", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration_ms("1.5s", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration_ms("2 s", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration_ms("2w", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration_ms("-1s", &ms), -EINVAL);
	ck_assert_int_eq(parse_duration_ms("99999999999999999d", &ms), -ERANGE);
	ck_assert_int_eq(parse_duration_ms("999999999999999999999999ms", &ms), -ERANGE);
}
END_TEST

START_TEST(size_cases)
{
	uint64_t b;

	ck_assert_int_eq(parse_size("4096", &b), 0);
	ck_assert_uint_eq(b, 4096);
	ck_assert_int_eq(parse_size("64KiB", &b), 0);
	ck_assert_uint_eq(b, 65536);
	ck_assert_int_eq(parse_size("16MiB", &b), 0);
	ck_assert_uint_eq(b, 16u << 20);
	ck_assert_int_eq(parse_size("1GiB", &b), 0);
	ck_assert_uint_eq(b, 1u << 30);
	ck_assert_int_eq(parse_size("2M", &b), 0);
	ck_assert_uint_eq(b, 2u << 20);
	ck_assert_int_eq(parse_size("8KB", &b), 0);
	ck_assert_uint_eq(b, 8192);
	ck_assert_int_eq(parse_size("", &b), -EINVAL);
	ck_assert_int_eq(parse_size("MiB", &b), -EINVAL);
	ck_assert_int_eq(parse_size("16 MiB", &b), -EINVAL);
	ck_assert_int_eq(parse_size("16XiB", &b), -EINVAL);
	ck_assert_int_eq(parse_size("1.5MiB", &b), -EINVAL);
	ck_assert_int_eq(parse_size("1TiB", &b), 0);
	ck_assert_uint_eq(b, 1ULL << 40);
	ck_assert_int_eq(parse_size("99999999999999GiB", &b), -ERANGE);
	ck_assert_int_eq(parse_size("99999999TiB", &b), -ERANGE);
}
END_TEST

/* ---- SHA-256: FIPS 180-2 appendix B vectors ---- */

static void check_sha(const void *data, size_t len, const char *want)
{
	uint8_t d[SHA256_DIGEST_LEN];
	char hex[65];

	sha256(data, len, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex, want);
}

START_TEST(sha256_vectors)
{
	static const char two_blocks[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha(two_blocks, strlen(two_blocks),
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(sha256_million_a)
{
	struct sha256_ctx c;
	uint8_t d[SHA256_DIGEST_LEN], chunk[1000];
	char hex[65];

	/* Fed in odd-sized pieces to exercise the block buffering. */
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&c);
	for (int i = 0; i < 1000; i++) {
		sha256_update(&c, chunk, 333);
		sha256_update(&c, chunk, 667);
	}
	sha256_final(&c, d);
	sha256_hex(d, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(sha256_padding_edges)
{
	/* 55, 56 and 64 bytes: one or two padding blocks (python hashlib). */
	char buf[64];

	memset(buf, 'a', sizeof(buf));
	check_sha(buf, 55, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	check_sha(buf, 56, "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	check_sha(buf, 64, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}
END_TEST

/* ---- diagnostics ---- */

START_TEST(diag_format_sort_and_cap)
{
	struct diag_list d;
	char *s;

	diag_init(&d, "p.yaml");
	diag_add(&d, (struct src_loc){ 3, 7 }, "third %d", 3);
	diag_add(&d, (struct src_loc){ 1, 2 }, "first");
	diag_add(&d, (struct src_loc){ 0, 0 }, "file level");
	diag_sort(&d);
	s = diag_to_string(&d);
	ck_assert_str_eq(s, "p.yaml: file level\np.yaml:1:2: first\np.yaml:3:7: third 3");
	free(s);
	ck_assert_uint_eq(diag_count(&d), 3);
	diag_free(&d);

	diag_init(&d, "q.yaml");
	d.max = 2;
	for (int i = 0; i < 5; i++)
		diag_add(&d, (struct src_loc){ 1, 1 }, "e%d", i);
	ck_assert_uint_eq(diag_count(&d), 5);
	s = diag_to_string(&d);
	ck_assert_str_eq(s, "q.yaml:1:1: e0\nq.yaml:1:1: e1\nq.yaml: 3 more errors not shown");
	free(s);
	diag_free(&d);
	diag_free(NULL);

	/* found out of file order: the first two in the file are kept */
	diag_init(&d, "r.yaml");
	d.max = 2;
	for (int line = 9; line >= 5; line--)
		diag_add(&d, (struct src_loc){ line, 1 }, "at %d", line);
	diag_add(&d, (struct src_loc){ 8, 1 }, "late");
	diag_sort(&d);
	s = diag_to_string(&d);
	ck_assert_str_eq(s, "r.yaml:5:1: at 5\nr.yaml:6:1: at 6\nr.yaml: 4 more errors not shown");
	free(s);
	diag_free(&d);

	/* the policy's text reaches a terminal: no escape sequences */
	diag_init(&d, "t.yaml");
	diag_add(&d, (struct src_loc){ 1, 1 }, "duplicate key '%s'", "\x1b]0;x\x07\x1b[2J\x7f\xc3\xa9");
	s = diag_to_string(&d);
	ck_assert_str_eq(s, "t.yaml:1:1: duplicate key '?]0;x??[2J?\xc3\xa9'");
	free(s);
	diag_free(&d);
}
END_TEST

/* ---- names ---- */

START_TEST(names_both_ways)
{
	char buf[64];

	ck_assert_int_eq(proto_from_name("tcp"), IPPROTO_TCP);
	ck_assert_int_eq(proto_from_name("icmpv6"), IPPROTO_ICMPV6);
	ck_assert_int_eq(proto_from_name("6"), -1);
	ck_assert_str_eq(proto_name(IPPROTO_UDP), "udp");
	ck_assert_ptr_null(proto_name(253));
	ck_assert_int_eq(icmp_type_from_name(IPPROTO_ICMP, "echo-request"), 8);
	ck_assert_int_eq(icmp_type_from_name(IPPROTO_ICMPV6, "echo-request"), 128);
	ck_assert_int_eq(icmp_type_from_name(IPPROTO_ICMP, "packet-too-big"), -1);
	ck_assert_int_eq(icmp_type_from_name(IPPROTO_ICMPV6, "neighbour-solicitation"), 135);
	ck_assert_int_eq(icmp_type_from_name(IPPROTO_TCP, "echo-request"), -1);
	ck_assert_str_eq(icmp_type_name(IPPROTO_ICMPV6, 135), "neighbor-solicitation");
	ck_assert_str_eq(icmp_type_name(IPPROTO_ICMP, 0), "echo-reply");
	ck_assert_int_eq(name_lookup(tcp_flag_names, "syn"), 0x02);
	ck_assert_int_eq(name_lookup(tcp_flag_names, "cwr"), 0x80);
	tcp_flags_format(0x12, 0x02, buf, sizeof(buf));
	ck_assert_str_eq(buf, "syn,!ack");
	ck_assert_str_eq(xdp_mode_name(XDP_MODE_GENERIC), "generic");
	ck_assert_str_eq(policy_action_name(POLICY_DROP), "drop");
	ck_assert_str_eq(lb_sched_name(LB_SCHED_ROUND_ROBIN), "round_robin");
	ck_assert_str_eq(backend_state_name(BACKEND_DRAIN), "drain");
	name_list(lb_fwd_names, buf, sizeof(buf));
	ck_assert_str_eq(buf, "nat, dsr");
	/* Aliases are accepted but not listed. */
	name_list(icmp_type_table(IPPROTO_ICMP), buf, sizeof(buf));
	ck_assert_ptr_null(strstr(buf, "timestamp,"));
}
END_TEST

static Suite *netparse_suite(void)
{
	Suite *s = suite_create("netparse");
	TCase *t = tcase_create("values");

	tcase_add_test(t, u64_valid);
	tcase_add_test(t, u64_invalid);
	tcase_add_test(t, ip_valid);
	tcase_add_test(t, ip_invalid);
	tcase_add_test(t, ip_not_host);
	tcase_add_test(t, prefix_valid);
	tcase_add_test(t, prefix_invalid);
	tcase_add_test(t, prefix_raw_and_mask);
	tcase_add_test(t, prefix_contains_cases);
	tcase_add_test(t, port_range_valid);
	tcase_add_test(t, port_range_invalid);
	tcase_add_test(t, mac_valid);
	tcase_add_test(t, mac_invalid);
	tcase_add_test(t, duration_cases);
	tcase_add_test(t, size_cases);
	suite_add_tcase(s, t);
	t = tcase_create("sha256");
	tcase_add_test(t, sha256_vectors);
	tcase_add_test(t, sha256_million_a);
	tcase_add_test(t, sha256_padding_edges);
	suite_add_tcase(s, t);
	t = tcase_create("diag_names");
	tcase_add_test(t, diag_format_sort_and_cap);
	tcase_add_test(t, names_both_ways);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(netparse_suite());
}
