/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XDP program judged with BPF_PROG_TEST_RUN: each case is a policy in
 * YAML, compiled by the real pipeline, and frames built in code; each frame
 * asserts the verdict and which counters moved (dp_expect).
 */
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "../../bpf/xdpd_abi.h"
#include "xdpd.skel.h"

#include "dp_harness.h"
#include "frames.h"

#define XDP_ABORTED 0
#define XDP_DROP    1
#define XDP_PASS    2

#define POLICY_HEAD "version: 1\ninterfaces:\n  - name: " DP_IF0 "\n  - name: " DP_IF1 "\n"

static struct frame_spec tcp(const char *src, const char *dst, uint16_t dport, uint8_t flags)
{
	return (struct frame_spec){.src = src,
				   .dst = dst,
				   .proto = IPPROTO_TCP,
				   .sport = 40000,
				   .dport = dport,
				   .tcp_flags = flags};
}

static struct frame_spec udp(const char *src, const char *dst, uint16_t sport, uint16_t dport)
{
	return (struct frame_spec){.src = src,
				   .dst = dst,
				   .proto = IPPROTO_UDP,
				   .sport = sport,
				   .dport = dport,
				   .payload = 12};
}

static struct frame_spec icmp(const char *src, const char *dst, uint8_t type)
{
	return (struct frame_spec){.src = src,
				   .dst = dst,
				   .proto = strchr(src, ':') ? IPPROTO_ICMPV6 : IPPROTO_ICMP,
				   .icmp_type = type,
				   .payload = 8};
}

#define expect(d, spec, action, rule)                                                              \
	do {                                                                                       \
		struct frame_spec spec_ = (spec);                                                  \
		dp_expect_spec(d, DP_IF0, &spec_, action, rule);                                   \
	} while (0)

/* A non-first fragment whose payload starts like a UDP/TCP header with the
 * ports of s: a parser that read ports there would match port rules. */
#define expect_later_fragment(d, s, action, rule)                                                  \
	expect_later_fragment_at(__LINE__, d, s, action, rule)

static void expect_later_fragment_at(int line, struct dp *d, const struct frame_spec *s, int action,
				     const char *rule)
{
	uint8_t buf[FRAME_MAX];
	int len = frame_build(s, buf, sizeof(buf));
	size_t l4 = (size_t)len - s->payload;

	ck_assert(s->frag && s->frag_offset && s->payload >= 8);
	buf[l4] = s->sport >> 8;
	buf[l4 + 1] = s->sport & 0xff;
	buf[l4 + 2] = s->dport >> 8;
	buf[l4 + 3] = s->dport & 0xff;
	buf[l4 + 13] = s->tcp_flags;
	dp_expect_at(__FILE__, line, d, DP_IF0, buf, (size_t)len, action, rule);
}

static const char ports_policy[] = POLICY_HEAD "rules:\n"
					       "  - name: drop-8080\n"
					       "    action: drop\n"
					       "    protocol: tcp\n"
					       "    dst_port: 8080\n"
					       "  - name: drop-dns\n"
					       "    action: drop\n"
					       "    protocol: udp\n"
					       "    dst_port: [53, \"5353-5355\"]\n"
					       "  - name: drop-echo-src\n"
					       "    action: drop\n"
					       "    protocol: udp\n"
					       "    src_port: 7\n";

START_TEST(test_v4_v6_ports)
{
	struct dp *d = dp_load(ports_policy);

	expect(d, tcp("198.51.100.7", "192.0.2.1", 8080, FRAME_TH_SYN), XDP_DROP, "drop-8080");
	expect(d, tcp("198.51.100.7", "192.0.2.1", 80, FRAME_TH_SYN), XDP_PASS, NULL);
	expect(d, tcp("2001:db8::7", "2001:db8::1", 8080, FRAME_TH_SYN), XDP_DROP, "drop-8080");
	expect(d, tcp("2001:db8::7", "2001:db8::1", 8081, FRAME_TH_SYN), XDP_PASS, NULL);
	expect(d, udp("198.51.100.7", "192.0.2.1", 40000, 53), XDP_DROP, "drop-dns");
	expect(d, udp("2001:db8::7", "2001:db8::1", 40000, 5354), XDP_DROP, "drop-dns");
	expect(d, udp("198.51.100.7", "192.0.2.1", 40000, 5356), XDP_PASS, NULL);
	/* the port belongs to another protocol's rule */
	expect(d, udp("198.51.100.7", "192.0.2.1", 40000, 8080), XDP_PASS, NULL);
	expect(d, tcp("198.51.100.7", "192.0.2.1", 53, FRAME_TH_SYN), XDP_PASS, NULL);
	expect(d, udp("198.51.100.7", "192.0.2.1", 7, 9999), XDP_DROP, "drop-echo-src");
	expect(d, udp("2001:db8::7", "2001:db8::1", 8, 9999), XDP_PASS, NULL);
	dp_free(d);
}
END_TEST

START_TEST(test_vlan)
{
	struct dp *d = dp_load(ports_policy);
	struct frame_spec s = tcp("198.51.100.7", "192.0.2.1", 8080, FRAME_TH_SYN);
	uint8_t buf[FRAME_MAX];
	int len;

	s.n_vlans = 1;
	s.vlan_tpid[0] = 0x8100;
	s.vlan_id[0] = 10;
	expect(d, s, XDP_DROP, "drop-8080");
	s.n_vlans = 2;
	s.vlan_tpid[0] = 0x88a8;
	s.vlan_tpid[1] = 0x8100;
	s.vlan_id[1] = 20;
	expect(d, s, XDP_DROP, "drop-8080");
	s = udp("2001:db8::7", "2001:db8::1", 1000, 53);
	s.n_vlans = 2;
	s.vlan_tpid[0] = 0x8100;
	s.vlan_tpid[1] = 0x8100;
	expect(d, s, XDP_DROP, "drop-dns");

	/* a third tag is more than we look through: passed, not misread */
	s = tcp("198.51.100.7", "192.0.2.1", 8080, FRAME_TH_SYN);
	s.n_vlans = 2;
	s.vlan_tpid[0] = 0x88a8;
	s.vlan_tpid[1] = 0x8100;
	len = frame_build(&s, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	memmove(buf + 16, buf + 12, (size_t)len - 12);
	memcpy(buf + 12, "\x81\x00\x00\x1e", 4);
	dp_expect(d, DP_IF0, buf, (size_t)len + 4, XDP_PASS, NULL);
	dp_free(d);
}
END_TEST

START_TEST(test_ipv4_header)
{
	struct dp *d = dp_load(ports_policy);
	struct frame_spec s = tcp("198.51.100.7", "192.0.2.1", 8080, FRAME_TH_SYN);
	uint8_t buf[FRAME_MAX];
	int len;

	for (int words = 1; words <= 10; words++) {
		s.ip4_opt_words = (uint8_t)words;
		expect(d, s, XDP_DROP, "drop-8080");
	}
	s.ip4_opt_words = 0;
	len = frame_build(&s, buf, sizeof(buf));
	ck_assert_int_gt(len, 0);
	buf[14] = 0x44; /* ihl 4: shorter than the fixed header */
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, NULL);
	buf[14] = 0x55; /* version 5 behind the IPv4 ethertype */
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, NULL);
	buf[14] = 0x46; /* ihl 6: the options would eat the TCP header */
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, NULL);
	buf[14] = 0x45;
	buf[17] = 19; /* total length shorter than the header */
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, NULL);
	dp_free(d);
}
END_TEST

static const char frag_policy[] = POLICY_HEAD "rules:\n"
					      "  - name: drop-dns\n"
					      "    action: drop\n"
					      "    protocol: udp\n"
					      "    dst_port: 53\n"
					      "  - name: drop-bad-net\n"
					      "    action: drop\n"
					      "    protocol: udp\n"
					      "    src: [203.0.113.0/24, \"2001:db8:bad::/48\"]\n";

START_TEST(test_ipv4_fragments)
{
	struct dp *d = dp_load(frag_policy);
	struct frame_spec s = udp("198.51.100.7", "192.0.2.1", 40000, 53);

	s.frag = true;
	s.more_frags = true;
	expect(d, s, XDP_DROP, "drop-dns"); /* the first fragment has the ports */
	s.frag_offset = 185;
	s.payload = 24;
	/* a later one has none: no port rule matches */
	expect_later_fragment(d, &s, XDP_PASS, NULL);
	s.more_frags = false;
	expect_later_fragment(d, &s, XDP_PASS, NULL);
	/* rules without port conditions still apply to it */
	s.src = "203.0.113.9";
	expect_later_fragment(d, &s, XDP_DROP, "drop-bad-net");
	dp_free(d);
}
END_TEST

/* A frame of s with the IP datagram cut to l4_bytes of its L4 header (the
 * frame keeps the rest, as padding): IPv4 total length or IPv6 payload
 * length rewritten; v6_exts bytes of extension headers come before L4. */
static int build_cut(const struct frame_spec *s, size_t l4_bytes, size_t v6_exts, uint8_t *buf)
{
	int len = frame_build(s, buf, FRAME_MAX);
	size_t l3;

	ck_assert_int_gt(len, 0);
	l3 = frame_l3_offset(buf, (size_t)len);
	if ((buf[l3] >> 4) == 4) {
		size_t tot = (size_t)(buf[l3] & 0xf) * 4 + l4_bytes;

		buf[l3 + 2] = (uint8_t)(tot >> 8);
		buf[l3 + 3] = (uint8_t)tot;
	} else {
		buf[l3 + 4] = (uint8_t)((v6_exts + l4_bytes) >> 8);
		buf[l3 + 5] = (uint8_t)(v6_exts + l4_bytes);
	}
	return len;
}

static const char tiny_policy[] = POLICY_HEAD "rules:\n"
					      "  - name: drop-8080\n"
					      "    action: drop\n"
					      "    protocol: tcp\n"
					      "    dst_port: 8080\n";

/* RFC 1858: a first fragment whose datagram ends inside the TCP header
 * (the rest, with the flags, in a later fragment) is dropped, not passed as
 * unparsed, whatever its port; a whole datagram cut short is judged by its
 * addresses (test_cut_datagram), and bytes after the datagram are never
 * read as its header. */
START_TEST(test_tiny_fragments)
{
	struct dp *d = dp_load(tiny_policy);
	struct frame_spec s = tcp("198.51.100.7", "192.0.2.1", 8080, FRAME_TH_SYN);
	uint8_t buf[FRAME_MAX];
	int len;

	s.frag = true;
	s.more_frags = true;
	expect(d, s, XDP_DROP, "drop-8080"); /* the whole header: judged by the rule */
	len = build_cut(&s, 8, 0, buf);
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_DROP, NULL);
	s.dport = 22;
	len = build_cut(&s, 16, 0, buf);
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_DROP, NULL);
	s.more_frags = false; /* not a fragment: a truncated datagram */
	s.dport = 8080;
	len = build_cut(&s, 8, 0, buf);
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, NULL);

	s = tcp("2001:db8::7", "2001:db8::1", 8080, FRAME_TH_SYN);
	s.frag = true;
	s.more_frags = true;
	expect(d, s, XDP_DROP, "drop-8080");
	len = build_cut(&s, 8, 8, buf); /* after the 8-byte fragment header */
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_DROP, NULL);
	s.frag = false;
	len = build_cut(&s, 8, 0, buf);
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, NULL);
	dp_free(d);
}
END_TEST

/* A whole datagram (not a fragment) that ends inside its TCP, UDP or ICMP
 * header has no layer-4 fields but known addresses: address rules and
 * default_action judge it (passing it unjudged let a blocklisted source or
 * a default-deny policy through); layer-4 conditions do not match it. */
START_TEST(test_cut_datagram)
{
	struct dp *d = dp_load(POLICY_HEAD "default_action: drop\n"
					   "rules:\n"
					   "  - name: allow-host\n"
					   "    action: pass\n"
					   "    src: [198.51.100.7, \"2001:db8::7\"]\n"
					   "  - name: allow-8080\n"
					   "    action: pass\n"
					   "    protocol: tcp\n"
					   "    dst_port: 8080\n"
					   "  - name: allow-udp\n"
					   "    action: pass\n"
					   "    protocol: udp\n");
	struct frame_spec specs[] = {
	    tcp("198.51.100.8", "192.0.2.1", 8080, FRAME_TH_SYN),
	    tcp("2001:db8::8", "2001:db8::1", 8080, FRAME_TH_SYN),
	    icmp("198.51.100.8", "192.0.2.1", 8),
	    icmp("2001:db8::8", "2001:db8::1", 128),
	};
	uint8_t buf[FRAME_MAX];
	int len;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		struct frame_spec s = specs[i];

		len = build_cut(&s, 2, 0, buf);
		dp_expect(d, DP_IF0, buf, (size_t)len, XDP_DROP, NULL); /* no port to allow */
		s.src = s.src[0] == '1' ? "198.51.100.7" : "2001:db8::7";
		len = build_cut(&s, 2, 0, buf);
		dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, "allow-host");
	}
	/* a protocol condition without ports still matches */
	struct frame_spec u = udp("198.51.100.8", "192.0.2.1", 1, 2);
	len = build_cut(&u, 4, 0, buf);
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, "allow-udp");
	dp_free(d);
}
END_TEST

/* More extension headers than are walked: the addresses still judge (the
 * blocklist, address rules, default_action), layer-4 conditions do not. */
START_TEST(test_ipv6_long_ext_chain)
{
	struct dp *d = dp_load(POLICY_HEAD "default_action: drop\n"
					   "rules:\n"
					   "  - name: allow-host\n"
					   "    action: pass\n"
					   "    src: 2001:db8::7/128\n"
					   "  - name: allow-dns\n"
					   "    action: pass\n"
					   "    protocol: udp\n"
					   "    dst_port: 53\n");
	struct frame_spec s = udp("2001:db8::7", "2001:db8::1", 40000, 53);

	s.n_ip6_ext = 7;
	for (int i = 0; i < 7; i++)
		s.ip6_ext[i] = IPPROTO_DSTOPTS;
	expect(d, s, XDP_PASS, "allow-host");
	s.src = "2001:db8::8";
	expect(d, s, XDP_DROP, NULL); /* allow-dns cannot see the port */
	s.n_ip6_ext = 6;
	expect(d, s, XDP_PASS, "allow-dns");
	dp_free(d);
}
END_TEST

START_TEST(test_ipv6_ext_headers)
{
	struct dp *d = dp_load(frag_policy);
	struct frame_spec s = udp("2001:db8::7", "2001:db8::1", 40000, 53);
	const uint8_t ext[] = {IPPROTO_HOPOPTS, IPPROTO_DSTOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS,
			       IPPROTO_DSTOPTS, IPPROTO_DSTOPTS, IPPROTO_DSTOPTS};

	s.n_ip6_ext = 2;
	s.ip6_ext[0] = IPPROTO_HOPOPTS;
	s.ip6_ext[1] = IPPROTO_DSTOPTS;
	expect(d, s, XDP_DROP, "drop-dns");
	/* six extension headers are walked, a seventh is not */
	memcpy(s.ip6_ext, ext, sizeof(ext));
	s.n_ip6_ext = 6;
	expect(d, s, XDP_DROP, "drop-dns");
	s.n_ip6_ext = 7;
	expect(d, s, XDP_PASS, NULL);
	s.n_ip6_ext = 5;
	s.frag = true; /* the fragment header is the sixth */
	expect(d, s, XDP_DROP, "drop-dns");

	/* fragment header: first fragment has ports, a later one has none */
	s.n_ip6_ext = 1;
	s.more_frags = true;
	expect(d, s, XDP_DROP, "drop-dns");
	s.frag_offset = 100;
	s.payload = 24;
	expect_later_fragment(d, &s, XDP_PASS, NULL);
	s.src = "2001:db8:bad::9";
	expect_later_fragment(d, &s, XDP_DROP, "drop-bad-net");
	dp_free(d);
}
END_TEST

START_TEST(test_ipv6_header)
{
	struct dp *d = dp_load(frag_policy);
	struct frame_spec s = udp("2001:db8::7", "2001:db8::1", 40000, 53);
	uint8_t buf[FRAME_MAX];
	int len = frame_build(&s, buf, sizeof(buf));

	ck_assert_int_gt(len, 0);
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_DROP, "drop-dns");
	buf[14] = 0x40; /* version 4 behind the IPv6 ethertype */
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, NULL);
	dp_free(d);
}
END_TEST

/* The builders themselves: checksums right, and checked for real. */
START_TEST(test_frame_checksums)
{
	struct frame_spec specs[] = {
	    tcp("198.51.100.7", "192.0.2.1", 80, FRAME_TH_SYN),
	    tcp("2001:db8::7", "2001:db8::1", 80, FRAME_TH_SYN | FRAME_TH_ACK),
	    udp("198.51.100.7", "192.0.2.1", 1, 2),
	    udp("2001:db8::7", "2001:db8::1", 1, 2),
	    icmp("198.51.100.7", "192.0.2.1", 8),
	    icmp("2001:db8::7", "2001:db8::1", 128),
	};
	uint8_t buf[FRAME_MAX];

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		int len;

		specs[i].n_vlans = (int)(i % 3);
		specs[i].vlan_tpid[0] = 0x88a8;
		specs[i].vlan_tpid[1] = 0x8100;
		specs[i].ip4_opt_words = (uint8_t)(i % 2 ? 0 : 2);
		len = frame_build(&specs[i], buf, sizeof(buf));
		ck_assert_int_gt(len, 0);
		ck_assert_msg(frame_check_csums(buf, (size_t)len) == 0, "spec %zu", i);
		buf[len - 1] ^= 0x5a; /* a payload byte or the L4 header */
		ck_assert_msg(frame_check_csums(buf, (size_t)len) != 0, "spec %zu", i);
	}
}
END_TEST

/* Every prefix of a frame the policy drops is passed: a parser miss is never
 * a drop. Frames shorter than an Ethernet header never reach the program
 * (the kernel refuses them), which is asserted too. */
#define expect_truncations_pass(d, s, rule) expect_truncations_pass_at(__LINE__, d, s, rule)

static void expect_truncations_pass_at(int line, struct dp *d, const struct frame_spec *s,
				       const char *rule)
{
	uint8_t buf[FRAME_MAX];
	int len = frame_build(s, buf, sizeof(buf));

	ck_assert_int_gt(len, 14);
	dp_expect_at(__FILE__, line, d, DP_IF0, buf, (size_t)len, XDP_DROP, rule);
	for (int l = 0; l < 14; l++)
		ck_assert_msg(dp_run(d, DP_IF0, buf, (size_t)l) < 0, "line %d: %d bytes ran", line,
			      l);
	for (int l = 14; l < len; l++)
		dp_expect_at(__FILE__, line, d, DP_IF0, buf, (size_t)l, XDP_PASS, NULL);
}

START_TEST(test_truncated)
{
	struct dp *d = dp_load(POLICY_HEAD "default_action: drop\n"
					   "rules:\n"
					   "  - name: drop-8080\n"
					   "    action: drop\n"
					   "    protocol: tcp\n"
					   "    dst_port: 8080\n");
	struct frame_spec s = tcp("198.51.100.7", "192.0.2.1", 8080, FRAME_TH_SYN);

	s.n_vlans = 2;
	s.vlan_tpid[0] = 0x88a8;
	s.vlan_tpid[1] = 0x8100;
	s.ip4_opt_words = 2;
	expect_truncations_pass(d, &s, "drop-8080");
	s = tcp("2001:db8::7", "2001:db8::1", 8080, FRAME_TH_SYN);
	s.n_ip6_ext = 2;
	s.ip6_ext[0] = IPPROTO_HOPOPTS;
	s.ip6_ext[1] = IPPROTO_DSTOPTS;
	s.frag = true;
	expect_truncations_pass(d, &s, "drop-8080");
	s = udp("198.51.100.7", "192.0.2.1", 1, 2);
	expect_truncations_pass(d, &s, NULL);
	s = icmp("2001:db8::7", "2001:db8::1", 128);
	expect_truncations_pass(d, &s, NULL);
	s = icmp("198.51.100.7", "192.0.2.1", 8);
	s.n_vlans = 1;
	s.vlan_tpid[0] = 0x8100;
	expect_truncations_pass(d, &s, NULL);
	dp_free(d);
}
END_TEST

START_TEST(test_non_ip)
{
	struct dp *d = dp_load(POLICY_HEAD "default_action: drop\n"
					   "rules:\n"
					   "  - name: drop-all\n"
					   "    action: drop\n");
	uint8_t buf[FRAME_MAX];
	int len = frame_build_arp(buf, sizeof(buf));

	ck_assert_int_gt(len, 0);
	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_PASS, NULL);
	dp_expect(d, DP_IF1, buf, (size_t)len, XDP_PASS, NULL);
	/* IP is judged: the rule without conditions takes everything */
	expect(d, udp("198.51.100.7", "192.0.2.1", 1, 2), XDP_DROP, "drop-all");
	expect(d, icmp("2001:db8::7", "2001:db8::1", 135), XDP_DROP, "drop-all");
	dp_free(d);
}
END_TEST

START_TEST(test_blocklist)
{
	struct dp *d = dp_load(POLICY_HEAD "rules:\n"
					   "  - name: pass-tcp\n"
					   "    action: pass\n"
					   "    protocol: tcp\n");

	dp_block(d, "198.51.100.0/24", 0);
	dp_block(d, "198.51.100.128/25", 3600LL * 1000000000LL);
	dp_block(d, "203.0.113.0/24", -1000000000LL);
	dp_block(d, "2001:db8:bad::/48", 0);

	/* the blocklist comes before the rules and counts no rule */
	expect(d, tcp("198.51.100.7", "192.0.2.1", 22, FRAME_TH_SYN), XDP_DROP, NULL);
	expect(d, udp("198.51.100.8", "192.0.2.1", 1, 2), XDP_DROP, NULL);
	ck_assert_uint_eq(dp_block_hits(d, "198.51.100.0/24"), 2);
	expect(d, udp("198.51.100.200", "192.0.2.1", 1, 2), XDP_DROP, NULL);
	ck_assert_uint_eq(dp_block_hits(d, "198.51.100.128/25"), 1);
	ck_assert_uint_eq(dp_block_hits(d, "198.51.100.0/24"), 2);
	/* the blocklist is keyed by source: a blocked destination passes */
	expect(d, udp("192.0.2.1", "198.51.100.7", 1, 2), XDP_PASS, NULL);
	/* an expired entry is ignored */
	expect(d, tcp("203.0.113.5", "192.0.2.1", 22, FRAME_TH_SYN), XDP_PASS, "pass-tcp");
	ck_assert_uint_eq(dp_block_hits(d, "203.0.113.0/24"), 0);
	expect(d, icmp("2001:db8:bad:1::1", "2001:db8::1", 128), XDP_DROP, NULL);
	expect(d, icmp("2001:db8:bae::1", "2001:db8::1", 128), XDP_PASS, NULL);
	ck_assert_uint_eq(dp_block_hits(d, "2001:db8:bad::/48"), 1);
	dp_free(d);
}
END_TEST

START_TEST(test_tcp_flags)
{
	struct dp *d = dp_load(POLICY_HEAD "default_action: drop\n"
					   "rules:\n"
					   "  - name: drop-syn\n"
					   "    action: drop\n"
					   "    protocol: tcp\n"
					   "    tcp_flags: \"syn,!ack\"\n"
					   "  - name: pass-80\n"
					   "    action: pass\n"
					   "    protocol: tcp\n"
					   "    dst_port: 80\n");
	struct frame_spec s = tcp("198.51.100.7", "192.0.2.1", 80, FRAME_TH_SYN);

	expect(d, s, XDP_DROP, "drop-syn");
	/* the flags fail: the search goes on to the next candidate */
	s.tcp_flags = FRAME_TH_SYN | FRAME_TH_ACK;
	expect(d, s, XDP_PASS, "pass-80");
	s.tcp_flags = FRAME_TH_ACK | FRAME_TH_PSH;
	expect(d, s, XDP_PASS, "pass-80");
	s.tcp_flags = FRAME_TH_SYN | FRAME_TH_FIN; /* unconstrained bits are free */
	expect(d, s, XDP_DROP, "drop-syn");
	s.dport = 81;
	s.tcp_flags = FRAME_TH_ACK;
	expect(d, s, XDP_DROP, NULL);
	/* a later fragment has no TCP header, so no flags to match */
	s.tcp_flags = FRAME_TH_SYN;
	s.frag = true;
	s.frag_offset = 3;
	s.payload = 24;
	expect_later_fragment(d, &s, XDP_DROP, NULL);
	dp_free(d);
}
END_TEST

/* Waits until the current one-second rate-limit window has at least 500 ms
 * left, so a burst of test packets falls in one window. */
static uint64_t window_start(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	if (ts.tv_nsec > 500000000L) {
		usleep((useconds_t)((1000000000L - ts.tv_nsec) / 1000 + 20000));
		clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	}
	return (uint64_t)ts.tv_sec;
}

static void next_window(uint64_t sec)
{
	struct timespec ts;

	do {
		usleep(50000);
		clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	} while ((uint64_t)ts.tv_sec == sec);
}

START_TEST(test_rate_limit_rule)
{
	struct dp *d = dp_load(POLICY_HEAD "rules:\n"
					   "  - name: icmp-flood\n"
					   "    action: drop\n"
					   "    protocol: icmp\n"
					   "    rate_limit: { pps: 3, per: rule }\n");
	const char *srcs[] = {"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"};
	uint64_t sec = window_start();

	/* the budget is shared by every source */
	for (int i = 0; i < 3; i++)
		expect(d, icmp(srcs[i], "192.0.2.1", 8), XDP_PASS, NULL);
	expect(d, icmp(srcs[3], "192.0.2.1", 8), XDP_DROP, "icmp-flood");
	expect(d, icmp(srcs[0], "192.0.2.1", 8), XDP_DROP, "icmp-flood");
	expect(d, udp(srcs[0], "192.0.2.1", 1, 2), XDP_PASS, NULL);
	/* a new window starts from zero */
	next_window(sec);
	sec = window_start();
	for (int i = 0; i < 3; i++)
		expect(d, icmp(srcs[i], "192.0.2.1", 8), XDP_PASS, NULL);
	expect(d, icmp(srcs[3], "192.0.2.1", 8), XDP_DROP, "icmp-flood");
	dp_free(d);
}
END_TEST

START_TEST(test_rate_limit_source)
{
	struct dp *d = dp_load(POLICY_HEAD "rules:\n"
					   "  - name: syn-flood\n"
					   "    action: drop\n"
					   "    protocol: tcp\n"
					   "    tcp_flags: syn\n"
					   "    rate_limit: { pps: 2, per: source }\n"
					   "  - name: pass-web\n"
					   "    action: pass\n"
					   "    protocol: tcp\n"
					   "    dst_port: 443\n");
	const char *a = "198.51.100.1", *b = "2001:db8::b";

	window_start();
	for (int i = 0; i < 2; i++) {
		expect(d, tcp(a, "192.0.2.1", 443, FRAME_TH_SYN), XDP_PASS, "pass-web");
		expect(d, tcp(b, "2001:db8::1", 443, FRAME_TH_SYN), XDP_PASS, "pass-web");
	}
	expect(d, tcp(a, "192.0.2.1", 443, FRAME_TH_SYN), XDP_DROP, "syn-flood");
	expect(d, tcp(b, "2001:db8::1", 443, FRAME_TH_SYN), XDP_DROP, "syn-flood");
	/* another source has its own budget; packets without SYN are not counted */
	expect(d, tcp("198.51.100.9", "192.0.2.1", 443, FRAME_TH_SYN), XDP_PASS, "pass-web");
	expect(d, tcp(a, "192.0.2.1", 443, FRAME_TH_ACK), XDP_PASS, "pass-web");
	dp_free(d);
}
END_TEST

START_TEST(test_icmp_type)
{
	struct dp *d = dp_load(POLICY_HEAD "rules:\n"
					   "  - name: drop-ping\n"
					   "    action: drop\n"
					   "    protocol: icmp\n"
					   "    icmp_type: echo-request\n"
					   "  - name: drop-ping6\n"
					   "    action: drop\n"
					   "    protocol: icmpv6\n"
					   "    icmp_type: echo-request\n"
					   "  - name: drop-unreach\n"
					   "    action: drop\n"
					   "    protocol: icmp\n"
					   "    icmp_type: 3\n");

	expect(d, icmp("198.51.100.7", "192.0.2.1", 8), XDP_DROP, "drop-ping");
	expect(d, icmp("198.51.100.7", "192.0.2.1", 0), XDP_PASS, NULL);
	expect(d, icmp("198.51.100.7", "192.0.2.1", 3), XDP_DROP, "drop-unreach");
	expect(d, icmp("2001:db8::7", "2001:db8::1", 128), XDP_DROP, "drop-ping6");
	expect(d, icmp("2001:db8::7", "2001:db8::1", 129), XDP_PASS, NULL);
	/* type numbers are per family: ICMPv6 type 8 / 3 are not echo / unreachable */
	expect(d, icmp("2001:db8::7", "2001:db8::1", 8), XDP_PASS, NULL);
	expect(d, icmp("2001:db8::7", "2001:db8::1", 3), XDP_PASS, NULL);
	expect(d, tcp("198.51.100.7", "192.0.2.1", 8, 0), XDP_PASS, NULL);
	dp_free(d);
}
END_TEST

START_TEST(test_interface_class)
{
	struct dp *d = dp_load(POLICY_HEAD "rules:\n"
					   "  - name: drop-udp-if1\n"
					   "    action: drop\n"
					   "    protocol: udp\n"
					   "    interfaces: [" DP_IF1 "]\n"
					   "  - name: drop-53\n"
					   "    action: drop\n"
					   "    protocol: udp\n"
					   "    dst_port: 53\n");
	struct frame_spec s = udp("198.51.100.7", "192.0.2.1", 1000, 2000);

	dp_expect_spec(d, DP_IF0, &s, XDP_PASS, NULL);
	dp_expect_spec(d, DP_IF1, &s, XDP_DROP, "drop-udp-if1");
	s.dport = 53;
	dp_expect_spec(d, DP_IF0, &s, XDP_DROP, "drop-53");
	dp_expect_spec(d, DP_IF1, &s, XDP_DROP, "drop-udp-if1");
	dp_free(d);
}
END_TEST

START_TEST(test_unknown_interface)
{
	struct dp *d = dp_load("version: 1\ndefault_action: drop\n"
			       "interfaces:\n  - name: " DP_IF0 "\n");
	struct frame_spec s = udp("198.51.100.7", "192.0.2.1", 1000, 2000);
	uint8_t buf[FRAME_MAX];
	int len = frame_build(&s, buf, sizeof(buf));

	dp_expect(d, DP_IF0, buf, (size_t)len, XDP_DROP, NULL);
	/* an interface the policy does not name is left alone, uncounted */
	ck_assert_int_eq(dp_run(d, DP_IF1, buf, (size_t)len), XDP_PASS);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF1, XDP_PASS).packets, 0);
	dp_free(d);
}
END_TEST

START_TEST(test_first_match)
{
	struct dp *d = dp_load(POLICY_HEAD "rules:\n"
					   "  - name: ssh-from-lan\n"
					   "    action: pass\n"
					   "    protocol: tcp\n"
					   "    dst_port: 22\n"
					   "    src: [10.0.0.0/8, \"fd00::/8\"]\n"
					   "  - name: no-ssh\n"
					   "    action: drop\n"
					   "    protocol: tcp\n"
					   "    dst_port: 22\n"
					   "  - name: no-lan\n"
					   "    action: drop\n"
					   "    src: 10.0.0.0/8\n"
					   "  - name: ssh-never-reached\n"
					   "    action: pass\n"
					   "    protocol: tcp\n"
					   "    dst_port: 22\n"
					   "    dst: 192.0.2.1\n");

	expect(d, tcp("10.1.2.3", "192.0.2.1", 22, FRAME_TH_SYN), XDP_PASS, "ssh-from-lan");
	expect(d, tcp("fd00::3", "2001:db8::1", 22, FRAME_TH_SYN), XDP_PASS, "ssh-from-lan");
	expect(d, tcp("192.0.2.9", "192.0.2.1", 22, FRAME_TH_SYN), XDP_DROP, "no-ssh");
	expect(d, tcp("fe80::3", "2001:db8::1", 22, FRAME_TH_SYN), XDP_DROP, "no-ssh");
	expect(d, tcp("10.1.2.3", "192.0.2.1", 23, FRAME_TH_SYN), XDP_DROP, "no-lan");
	expect(d, udp("10.200.0.1", "192.0.2.1", 1, 22), XDP_DROP, "no-lan");
	expect(d, udp("11.0.0.1", "192.0.2.1", 1, 22), XDP_PASS, NULL);
	dp_free(d);
}
END_TEST

START_TEST(test_default_drop)
{
	struct dp *d = dp_load(POLICY_HEAD "default_action: drop\n"
					   "rules:\n"
					   "  - name: pass-dns\n"
					   "    action: pass\n"
					   "    protocol: udp\n"
					   "    dst_port: 53\n"
					   "    dst: 192.0.2.0/24\n");

	expect(d, udp("198.51.100.7", "192.0.2.1", 1000, 53), XDP_PASS, "pass-dns");
	expect(d, udp("198.51.100.7", "192.0.3.1", 1000, 53), XDP_DROP, NULL);
	expect(d, tcp("198.51.100.7", "192.0.2.1", 53, FRAME_TH_SYN), XDP_DROP, NULL);
	expect(d, udp("2001:db8::7", "2001:db8::1", 1000, 53), XDP_DROP, NULL);
	dp_free(d);
}
END_TEST

/* Few prefixes per field: the program compares them itself (the scan table
 * in cfg) instead of walking a trie. Longest first, both halves of an IPv6
 * address, both sides of each boundary. */
START_TEST(test_prefix_scan)
{
	struct dp *d = dp_load(POLICY_HEAD "rules:\n"
					   "  - name: host6\n"
					   "    action: pass\n"
					   "    src: \"2001:db8:1:2:3:4:5:6/127\"\n"
					   "  - name: net6\n"
					   "    action: drop\n"
					   "    src: \"2001:db8:1:2::/64\"\n"
					   "  - name: host4\n"
					   "    action: pass\n"
					   "    src: 10.1.2.3/32\n"
					   "  - name: net4\n"
					   "    action: drop\n"
					   "    src: 10.1.2.0/23\n");

	ck_assert_uint_eq(d->skel->rodata->cfg.scan6_n[0], 2 + 1);
	ck_assert_uint_eq(d->skel->rodata->cfg.scan4_n[0], 2 + 1);
	expect(d, udp("2001:db8:1:2:3:4:5:7", "2001:db8::1", 1, 2), XDP_PASS, "host6");
	expect(d, udp("2001:db8:1:2:3:4:5:8", "2001:db8::1", 1, 2), XDP_DROP, "net6");
	expect(d, udp("2001:db8:1:2:ffff::", "2001:db8::1", 1, 2), XDP_DROP, "net6");
	expect(d, udp("2001:db8:1:3:3:4:5:6", "2001:db8::1", 1, 2), XDP_PASS, NULL);
	expect(d, udp("10.1.2.3", "192.0.2.1", 1, 2), XDP_PASS, "host4");
	expect(d, udp("10.1.3.255", "192.0.2.1", 1, 2), XDP_DROP, "net4");
	expect(d, udp("10.1.4.0", "192.0.2.1", 1, 2), XDP_PASS, NULL);
	expect(d, udp("10.1.1.255", "192.0.2.1", 1, 2), XDP_PASS, NULL);
	dp_free(d);
}
END_TEST

Suite *datapath_suite(void);
Suite *scale_suite(void);

Suite *datapath_suite(void)
{
	Suite *s = suite_create("datapath");
	TCase *tc = tcase_create("judgement");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_v4_v6_ports);
	tcase_add_test(tc, test_vlan);
	tcase_add_test(tc, test_ipv4_header);
	tcase_add_test(tc, test_ipv4_fragments);
	tcase_add_test(tc, test_ipv6_ext_headers);
	tcase_add_test(tc, test_tiny_fragments);
	tcase_add_test(tc, test_ipv6_long_ext_chain);
	tcase_add_test(tc, test_ipv6_header);
	tcase_add_test(tc, test_frame_checksums);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_cut_datagram);
	tcase_add_test(tc, test_non_ip);
	tcase_add_test(tc, test_blocklist);
	tcase_add_test(tc, test_tcp_flags);
	tcase_add_test(tc, test_rate_limit_rule);
	tcase_add_test(tc, test_rate_limit_source);
	tcase_add_test(tc, test_icmp_type);
	tcase_add_test(tc, test_interface_class);
	tcase_add_test(tc, test_unknown_interface);
	tcase_add_test(tc, test_first_match);
	tcase_add_test(tc, test_default_drop);
	tcase_add_test(tc, test_prefix_scan);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(datapath_suite());

	srunner_add_suite(sr, scale_suite());
	return dp_test_main("test_datapath", sr);
}
