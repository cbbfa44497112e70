// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Load balancers in the real XDP program (BPF_PROG_TEST_RUN): each case is a
 * policy in YAML through the real pipeline; the rewritten frames come back
 * and are checked byte by byte (addresses, MACs, and IPv4 / TCP / UDP /
 * ICMPv6 checksums verified from scratch by frames.c), flows stay on their
 * backend, and state changes made through the runtime path (lb_maps_switch,
 * as the daemon does for lb.set_state and health) drain or move them.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "compile.h"
#include "compile_lb.h"
#include "lb_maps.h"
#include "policy.h"
#include "xdpd.skel.h"

#include "dp_harness.h"
#include "frames.h"

#define XDP_PASS 2
#define XDP_TX	 3

#define POLICY_HEAD "version: 1\ninterfaces:\n  - name: " DP_IF0 "\n"

static const uint8_t mac_lb[6] = {0x02, 0, 0, 0, 0, 0x02};     /* frames.c destination */
static const uint8_t mac_client[6] = {0x02, 0, 0, 0, 0, 0x01}; /* frames.c source */
static const uint8_t mac_b1[6] = {0x52, 0x54, 0x00, 0xff, 0xff, 0x55};
static const uint8_t mac_b2[6] = {0x52, 0x54, 0x00, 0x5d, 0x6e, 0xa1};

struct out {
	int action;
	uint8_t buf[FRAME_MAX];
	size_t len;
};

static struct out run(struct dp *d, const struct frame_spec *s, uint8_t *in, size_t *inlen)
{
	struct out o = {0};
	int len = frame_build(s, in, FRAME_MAX);
	struct xdp_md md = {.data_end = (__u32)len, .ingress_ifindex = 0};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_out = o.buf,
		    .data_size_out = sizeof(o.buf), .ctx_in = &md, .ctx_size_in = sizeof(md),
		    .repeat = 1);

	ck_assert_int_gt(len, 0);
	opts.data_size_in = (__u32)len;
	md.ingress_ifindex = if_nametoindex(DP_IF0);
	ck_assert_int_eq(bpf_prog_test_run_opts(d->prog_fd, &opts), 0);
	o.action = (int)opts.retval;
	o.len = opts.data_size_out;
	*inlen = (size_t)len;
	return o;
}

static struct out run_spec(struct dp *d, const struct frame_spec *s)
{
	uint8_t in[FRAME_MAX];
	size_t len;

	return run(d, s, in, &len);
}

static void addr_bytes(const char *a, uint8_t *out)
{
	ck_assert_int_eq(inet_pton(strchr(a, ':') ? AF_INET6 : AF_INET, a, out), 1);
}

/* Offsets in an untagged frame. */
#define ETH	14
#define IP4_DST (ETH + 16)
#define IP4_SRC (ETH + 12)
#define IP6_SRC (ETH + 8)
#define IP6_DST (ETH + 24)

/* The output differs from the input only where the balancer writes: MACs,
 * the rewritten address and the checksums, which verify from scratch. */
static void expect_rewrite(const uint8_t *in, size_t len, const struct out *o, const uint8_t *mac,
			   const char *addr, int addr_off, const uint8_t *src_mac)
{
	uint8_t a[16];
	size_t alen = strchr(addr, ':') ? 16 : 4;
	uint8_t want[FRAME_MAX];

	ck_assert_int_eq(o->action, XDP_TX);
	ck_assert_uint_eq(o->len, len);
	ck_assert_mem_eq(o->buf, mac, 6);
	ck_assert_mem_eq(o->buf + 6, src_mac, 6);
	addr_bytes(addr, a);
	ck_assert_mem_eq(o->buf + addr_off, a, alen);
	ck_assert_int_eq(frame_check_csums(o->buf, o->len), 0);
	/* every other byte as it came in (checksum fields aside) */
	memcpy(want, in, len);
	memcpy(want, o->buf, 12);
	memcpy(want + addr_off, a, alen);
	for (size_t i = 0; i < len; i++) {
		if (want[i] == o->buf[i])
			continue;
		/* IPv4 header checksum, TCP/UDP/ICMPv6 checksum fields */
		ck_assert_msg(i == ETH + 10 || i == ETH + 11 || i >= ETH + (alen == 4 ? 20 : 40),
			      "byte %zu changed: %02x -> %02x", i, want[i], o->buf[i]);
	}
}

static int backend_of(const struct out *o)
{
	if (!memcmp(o->buf, mac_b1, 6))
		return 1;
	if (!memcmp(o->buf, mac_b2, 6))
		return 2;
	return 0;
}

static int run_backend(struct dp *d, const struct frame_spec *s)
{
	struct out o = run_spec(d, s);

	return o.action == XDP_TX ? backend_of(&o) : 0;
}

/* ---- the seed: ICMP round robin with NAT ---- */

static const char icmp_policy[] = POLICY_HEAD "load_balancers:\n"
					      "  - name: icmp-lb\n"
					      "    vip: 192.168.1.2\n"
					      "    protocol: icmp\n"
					      "    scheduler: round_robin\n"
					      "    forwarding: nat\n"
					      "    backends:\n"
					      "      - address: 192.168.1.3\n"
					      "        mac: \"52:54:00:ff:ff:55\"\n"
					      "      - address: 192.168.1.4\n"
					      "        mac: \"52:54:00:5d:6e:a1\"\n";

static struct frame_spec echo4(const char *src, const char *dst)
{
	return (struct frame_spec){
	    .src = src, .dst = dst, .proto = IPPROTO_ICMP, .icmp_type = 8, .payload = 56};
}

START_TEST(icmp_round_robin_nat)
{
	struct dp *d = dp_load(icmp_policy);
	struct frame_spec s = echo4("192.168.1.10", "192.168.1.2");

	for (int i = 0; i < 8; i++) {
		uint8_t in[FRAME_MAX];
		size_t len;
		struct out o = run(d, &s, in, &len);

		expect_rewrite(in, len, &o, i % 2 ? mac_b2 : mac_b1,
			       i % 2 ? "192.168.1.4" : "192.168.1.3", IP4_DST, mac_lb);
	}
	dp_free(d);
}
END_TEST

/* Not an echo request to the VIP, or not to the VIP: not balanced. */
START_TEST(icmp_other_passes)
{
	struct dp *d = dp_load(icmp_policy);
	struct frame_spec reply = echo4("192.168.1.10", "192.168.1.2");
	struct frame_spec other = echo4("192.168.1.10", "192.168.1.9");
	struct frame_spec tcp = {.src = "192.168.1.10",
				 .dst = "192.168.1.2",
				 .proto = IPPROTO_TCP,
				 .sport = 1,
				 .dport = 80};

	reply.icmp_type = 0;
	ck_assert_int_eq(run_spec(d, &reply).action, XDP_PASS);
	ck_assert_int_eq(run_spec(d, &other).action, XDP_PASS);
	ck_assert_int_eq(run_spec(d, &tcp).action, XDP_PASS);
	dp_free(d);
}
END_TEST

static const char icmp6_policy[] = POLICY_HEAD "load_balancers:\n"
					       "  - name: icmp6-lb\n"
					       "    vip: 2001:db8::2\n"
					       "    protocol: icmp\n"
					       "    backends:\n"
					       "      - address: 2001:db8::3\n"
					       "        mac: \"52:54:00:ff:ff:55\"\n"
					       "      - address: 2001:db8::4\n"
					       "        mac: \"52:54:00:5d:6e:a1\"\n";

START_TEST(icmpv6_round_robin_nat)
{
	struct dp *d = dp_load(icmp6_policy);
	struct frame_spec s = {.src = "2001:db8::10",
			       .dst = "2001:db8::2",
			       .proto = IPPROTO_ICMPV6,
			       .icmp_type = 128,
			       .payload = 56};

	for (int i = 0; i < 4; i++) {
		uint8_t in[FRAME_MAX];
		size_t len;
		struct out o = run(d, &s, in, &len);

		expect_rewrite(in, len, &o, i % 2 ? mac_b2 : mac_b1,
			       i % 2 ? "2001:db8::4" : "2001:db8::3", IP6_DST, mac_lb);
	}
	dp_free(d);
}
END_TEST

/* ---- TCP / UDP ---- */

#define TCP_LB(name, vip, fwd, b1, b2)                                                             \
	POLICY_HEAD "load_balancers:\n"                                                            \
		    "  - name: " name "\n"                                                         \
		    "    vip: " vip "\n"                                                           \
		    "    protocol: tcp\n"                                                          \
		    "    port: 80\n"                                                               \
		    "    forwarding: " fwd "\n"                                                    \
		    "    backends:\n"                                                              \
		    "      - address: " b1 "\n"                                                    \
		    "        mac: \"52:54:00:ff:ff:55\"\n"                                         \
		    "      - address: " b2 "\n"                                                    \
		    "        mac: \"52:54:00:5d:6e:a1\"\n"

static struct frame_spec tcp_from(const char *src, uint16_t sport, const char *dst)
{
	return (struct frame_spec){.src = src,
				   .dst = dst,
				   .proto = IPPROTO_TCP,
				   .sport = sport,
				   .dport = 80,
				   .tcp_flags = FRAME_TH_SYN,
				   .payload = 10};
}

START_TEST(dsr_same_flow_same_backend_and_spread)
{
	struct dp *d = dp_load(TCP_LB("web", "10.0.0.100", "dsr", "10.0.0.1", "10.0.0.2"));
	int seen[3] = {0};

	for (int f = 0; f < 64; f++) {
		struct frame_spec s = tcp_from("198.51.100.7", (uint16_t)(40000 + f), "10.0.0.100");
		uint8_t in[FRAME_MAX];
		size_t len;
		struct out first = run(d, &s, in, &len);
		int b = backend_of(&first);

		ck_assert_int_ne(b, 0);
		seen[b]++;
		/* DSR: only the MACs change */
		ck_assert_int_eq(first.action, XDP_TX);
		ck_assert_mem_eq(first.buf + 12, in + 12, len - 12);
		ck_assert_mem_eq(first.buf + 6, mac_lb, 6);
		for (int again = 0; again < 3; again++) {
			struct out o = run_spec(d, &s);

			ck_assert_int_eq(backend_of(&o), b);
		}
	}
	ck_assert_msg(seen[1] > 10 && seen[2] > 10, "64 flows: %d and %d", seen[1], seen[2]);
	dp_free(d);
}
END_TEST

/* Not the service port, or a later fragment: not balanced. */
START_TEST(tcp_other_port_passes)
{
	struct dp *d = dp_load(TCP_LB("web", "10.0.0.100", "dsr", "10.0.0.1", "10.0.0.2"));
	struct frame_spec s = tcp_from("198.51.100.7", 40000, "10.0.0.100");

	s.dport = 81;
	ck_assert_int_eq(run_spec(d, &s).action, XDP_PASS);
	s.dport = 80;
	s.frag = true;
	s.frag_offset = 100;
	ck_assert_int_eq(run_spec(d, &s).action, XDP_PASS);
	dp_free(d);
}
END_TEST

static void nat_round_trip(const char *yaml, const char *client, const char *vip, int proto,
			   int dst_off, int src_off)
{
	struct dp *d = dp_load(yaml);
	struct frame_spec s = tcp_from(client, 40001, vip);
	uint8_t in[FRAME_MAX];
	size_t len;
	struct out o;
	const char *bk;
	struct frame_spec reply;

	s.proto = (uint8_t)proto;
	o = run(d, &s, in, &len);
	ck_assert_int_eq(o.action, XDP_TX);
	bk = backend_of(&o) == 1
		 ? d->policy->lbs[0].backends[0].addr.family == AF_INET ? "10.0.0.1" : "2001:db8::1"
	     : d->policy->lbs[0].backends[0].addr.family == AF_INET ? "10.0.0.2"
								    : "2001:db8::2";
	expect_rewrite(in, len, &o, backend_of(&o) == 1 ? mac_b1 : mac_b2, bk, dst_off, mac_lb);

	/* the backend's reply, sent to the balancer's MAC: back from the VIP */
	reply = s;
	reply.src = bk;
	reply.dst = client;
	reply.sport = 80;
	reply.dport = 40001;
	reply.tcp_flags = FRAME_TH_SYN | FRAME_TH_ACK;
	o = run(d, &reply, in, &len);
	expect_rewrite(in, len, &o, mac_client, vip, src_off, mac_lb);

	/* a packet from the backend that is no reply of a known flow: untouched */
	reply.dport = 40002;
	ck_assert_int_eq(run_spec(d, &reply).action, XDP_PASS);
	dp_free(d);
}

START_TEST(nat_tcp4_round_trip)
{
	nat_round_trip(TCP_LB("web", "10.0.0.100", "nat", "10.0.0.1", "10.0.0.2"), "198.51.100.7",
		       "10.0.0.100", IPPROTO_TCP, IP4_DST, IP4_SRC);
}
END_TEST

START_TEST(nat_tcp6_round_trip)
{
	nat_round_trip(TCP_LB("web6", "2001:db8::100", "nat", "2001:db8::1", "2001:db8::2"),
		       "2001:db8:1::7", "2001:db8::100", IPPROTO_TCP, IP6_DST, IP6_SRC);
}
END_TEST

#define UDP_LB(vip, b1, b2)                                                                        \
	POLICY_HEAD "load_balancers:\n"                                                            \
		    "  - name: dns\n"                                                              \
		    "    vip: " vip "\n"                                                           \
		    "    protocol: udp\n"                                                          \
		    "    port: 80\n"                                                               \
		    "    scheduler: round_robin\n"                                                 \
		    "    backends:\n"                                                              \
		    "      - address: " b1 "\n"                                                    \
		    "        mac: \"52:54:00:ff:ff:55\"\n"                                         \
		    "      - address: " b2 "\n"                                                    \
		    "        mac: \"52:54:00:5d:6e:a1\"\n"

START_TEST(nat_udp4_round_trip)
{
	nat_round_trip(UDP_LB("10.0.0.100", "10.0.0.1", "10.0.0.2"), "198.51.100.7", "10.0.0.100",
		       IPPROTO_UDP, IP4_DST, IP4_SRC);
}
END_TEST

START_TEST(nat_udp6_round_trip)
{
	nat_round_trip(UDP_LB("2001:db8::100", "2001:db8::1", "2001:db8::2"), "2001:db8:1::7",
		       "2001:db8::100", IPPROTO_UDP, IP6_DST, IP6_SRC);
}
END_TEST

/* Round robin for TCP: new flows alternate, each flow sticks. */
START_TEST(tcp_round_robin_sticky)
{
	static const char yaml[] = POLICY_HEAD "load_balancers:\n"
					       "  - name: rr\n"
					       "    vip: 10.0.0.100\n"
					       "    protocol: tcp\n"
					       "    port: 80\n"
					       "    scheduler: round_robin\n"
					       "    forwarding: dsr\n"
					       "    backends:\n"
					       "      - address: 10.0.0.1\n"
					       "        mac: \"52:54:00:ff:ff:55\"\n"
					       "      - address: 10.0.0.2\n"
					       "        mac: \"52:54:00:5d:6e:a1\"\n";
	struct dp *d = dp_load(yaml);
	int first[6];

	for (int f = 0; f < 6; f++) {
		struct frame_spec s = tcp_from("198.51.100.7", (uint16_t)(1000 + f), "10.0.0.100");

		first[f] = run_backend(d, &s);
		ck_assert_int_eq(first[f], f % 2 ? 2 : 1);
	}
	for (int f = 0; f < 6; f++) {
		struct frame_spec s = tcp_from("198.51.100.7", (uint16_t)(1000 + f), "10.0.0.100");

		ck_assert_int_eq(run_backend(d, &s), first[f]);
	}
	dp_free(d);
}
END_TEST

/* ---- states through the runtime path ---- */

struct state_view {
	const char *addr; /* the backend whose state is forced */
	enum backend_state state;
	bool healthy;
};

static void view_backend(void *ctx, const struct policy_lb *lb, const struct policy_backend *b,
			 struct lb_backend_view *out)
{
	const struct state_view *sv = ctx;
	struct ip_addr a;

	ck_assert_int_eq(parse_ip_addr(sv->addr, &a), 0);
	if (memcmp(a.addr, b->addr.addr, 16))
		return;
	out->state = sv->state;
	out->healthy = sv->healthy;
}

static void set_state(struct dp *d, const char *addr, enum backend_state st, bool healthy)
{
	struct state_view sv = {addr, st, healthy};
	struct lb_view v = {.backend = view_backend, .ctx = &sv};
	struct lb_map_fds fds = {
	    .svc = bpf_map__fd(d->skel->maps.lb_svc),
	    .bk = bpf_map__fd(d->skel->maps.lb_bk),
	    .maglev = bpf_map__fd(d->skel->maps.lb_maglev),
	    .rr = bpf_map__fd(d->skel->maps.lb_rr),
	};
	struct compiled_lb *c;
	char err[256] = "";

	ck_assert_int_eq(compile_lb(d->policy, &v, &c, err, sizeof(err)), 0);
	ck_assert_msg(lb_maps_switch(&fds, c, err, sizeof(err)) == 0, "%s", err);
	compiled_lb_free(c);
}

/* A flow on backend 1 (found by trying source ports). */
static struct frame_spec flow_on(struct dp *d, int want)
{
	for (int p = 2000; p < 2200; p++) {
		struct frame_spec s = tcp_from("198.51.100.9", (uint16_t)p, "10.0.0.100");

		if (run_backend(d, &s) == want)
			return s;
	}
	ck_abort_msg("no flow lands on backend %d", want);
	return (struct frame_spec){0};
}

START_TEST(drain_keeps_existing_flow_not_new_ones)
{
	struct dp *d = dp_load(TCP_LB("web", "10.0.0.100", "dsr", "10.0.0.1", "10.0.0.2"));
	struct frame_spec old = flow_on(d, 1), reopen;

	old.tcp_flags = FRAME_TH_ACK; /* the connection goes on */
	reopen = old;
	reopen.tcp_flags = FRAME_TH_SYN;
	ck_assert_int_eq(run_backend(d, &reopen), 1); /* a retransmitted SYN */
	set_state(d, "10.0.0.1", BACKEND_DRAIN, true);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(run_backend(d, &old), 1);
	for (int p = 3000; p < 3200; p++) {
		struct frame_spec s = tcp_from("198.51.100.9", (uint16_t)p, "10.0.0.100");

		ck_assert_int_eq(run_backend(d, &s), 2);
	}
	/* a new connection on the ports of the old one is a new flow: it does
	 * not go to the draining backend (and then stays where it went) */
	ck_assert_int_eq(run_backend(d, &reopen), 2);
	ck_assert_int_eq(run_backend(d, &old), 2);
	/* disabled: not even the existing flow */
	set_state(d, "10.0.0.1", BACKEND_ACTIVE, true);
	old = flow_on(d, 1);
	old.tcp_flags = FRAME_TH_ACK;
	set_state(d, "10.0.0.1", BACKEND_DISABLED, true);
	ck_assert_int_eq(run_backend(d, &old), 2);
	/* back to active: the flow stays where it moved */
	set_state(d, "10.0.0.1", BACKEND_ACTIVE, true);
	ck_assert_int_eq(run_backend(d, &old), 2);
	dp_free(d);
}
END_TEST

static struct xdpd_lb_ct ct_entry(struct dp *d, const struct xdpd_lb_flow *f)
{
	struct xdpd_lb_ct ct;

	ck_assert_int_eq(bpf_map__lookup_elem(d->skel->maps.lb_ct, f, sizeof(*f), &ct, sizeof(ct), 0),
			 0);
	return ct;
}

static void ct_set(struct dp *d, const struct xdpd_lb_flow *f, const struct xdpd_lb_ct *ct)
{
	ck_assert_int_eq(
	    bpf_map__update_elem(d->skel->maps.lb_ct, f, sizeof(*f), ct, sizeof(*ct), BPF_EXIST), 0);
}

/* A UDP flow is its 5-tuple while datagrams come (its time refreshed as
 * they do): idle longer than XDPD_LB_UDP_IDLE_S, its next datagram is a new
 * flow, which a draining backend does not get. */
START_TEST(udp_idle_flow_is_new)
{
	struct dp *d = dp_load(UDP_LB("10.0.0.100", "10.0.0.1", "10.0.0.2"));
	struct frame_spec s = {.src = "198.51.100.7",
			       .dst = "10.0.0.100",
			       .proto = IPPROTO_UDP,
			       .sport = 5353,
			       .dport = 80,
			       .payload = 10};
	struct xdpd_lb_flow f = {.family = 4, .proto = IPPROTO_UDP, .sport = 5353, .dport = 80};
	struct xdpd_lb_ct ct;
	uint32_t then;
	int first = run_backend(d, &s);

	ck_assert_int_ne(first, 0);
	inet_pton(AF_INET, s.src, f.src);
	inet_pton(AF_INET, s.dst, f.dst);
	set_state(d, first == 1 ? "10.0.0.1" : "10.0.0.2", BACKEND_DRAIN, true);
	ct = ct_entry(d, &f);
	then = ct.seen_s - (XDPD_LB_UDP_IDLE_S - 3);
	ct.seen_s = then;
	ct_set(d, &f, &ct);
	ck_assert_int_eq(run_backend(d, &s), first); /* idle, not long enough */
	ck_assert_uint_gt(ct_entry(d, &f).seen_s, then);
	ct = ct_entry(d, &f);
	ct.seen_s -= XDPD_LB_UDP_IDLE_S + 3;
	ct_set(d, &f, &ct);
	ck_assert_int_eq(run_backend(d, &s), 3 - first);
	ck_assert_int_eq(run_backend(d, &s), 3 - first);
	dp_free(d);
}
END_TEST

START_TEST(unhealthy_backend_gets_nothing)
{
	struct dp *d = dp_load(TCP_LB("web", "10.0.0.100", "dsr", "10.0.0.1", "10.0.0.2"));
	struct frame_spec old = flow_on(d, 2);

	set_state(d, "10.0.0.2", BACKEND_ACTIVE, false);
	ck_assert_int_eq(run_backend(d, &old), 1);
	set_state(d, "10.0.0.1", BACKEND_ACTIVE, false); /* and 10.0.0.2 healthy again */
	ck_assert_int_eq(run_backend(d, &old), 2);
	dp_free(d);
}
END_TEST

/* Without a mac (and nobody resolving it), a backend gets no traffic: the
 * packets go to default_action rather than to a wrong address. */
START_TEST(no_mac_no_traffic)
{
	static const char yaml[] = POLICY_HEAD "load_balancers:\n"
					       "  - name: web\n"
					       "    vip: 10.0.0.100\n"
					       "    protocol: tcp\n"
					       "    port: 80\n"
					       "    backends:\n"
					       "      - address: 10.0.0.1\n";
	struct dp *d = dp_load(yaml);
	struct frame_spec s = tcp_from("198.51.100.9", 5, "10.0.0.100");

	ck_assert_int_eq(run_spec(d, &s).action, XDP_PASS);
	dp_free(d);
}
END_TEST

static struct dp_count backend_count(struct dp *d, uint32_t slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xdpd_counter v[ncpu];
	struct dp_count c = {0, 0};

	ck_assert_int_eq(
	    bpf_map__lookup_elem(d->skel->maps.stats_backend, &slot, sizeof(slot), v, sizeof(v), 0),
	    0);
	for (int i = 0; i < ncpu; i++) {
		c.packets += v[i].packets;
		c.bytes += v[i].bytes;
	}
	return c;
}

START_TEST(backend_and_interface_counters)
{
	struct dp *d = dp_load(icmp_policy);
	struct frame_spec s = echo4("192.168.1.10", "192.168.1.2");
	uint8_t in[FRAME_MAX];
	size_t len;

	for (int i = 0; i < 5; i++)
		run(d, &s, in, &len);
	ck_assert_uint_eq(backend_count(d, 0).packets, 3);
	ck_assert_uint_eq(backend_count(d, 1).packets, 2);
	ck_assert_uint_eq(backend_count(d, 0).bytes, 3 * len);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_TX).packets, 5);
	dp_free(d);
}
END_TEST

/* Several CPUs at once: the round-robin counter is atomic, so no step is
 * lost and the backends get exactly half each. */
struct cpu_run {
	pthread_barrier_t *start;
	struct dp *d;
	int cpu;
	int err;
};

#define CPU_RUNS 200000

static void *run_on_cpu(void *arg)
{
	struct cpu_run *r = arg;
	struct frame_spec s = echo4("192.168.1.10", "192.168.1.2");
	uint8_t in[FRAME_MAX], out[FRAME_MAX];
	int len = frame_build(&s, in, sizeof(in));
	struct xdp_md md = {.data_end = (__u32)len, .ingress_ifindex = if_nametoindex(DP_IF0)};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = (__u32)len,
		    .data_out = out, .data_size_out = sizeof(out), .ctx_in = &md,
		    .ctx_size_in = sizeof(md), .repeat = CPU_RUNS);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(r->cpu, &set);
	r->err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	pthread_barrier_wait(r->start); /* all CPUs run at the same time */
	if (!r->err)
		r->err = bpf_prog_test_run_opts(r->d->prog_fd, &opts) ? errno : 0;
	return NULL;
}

/* dsr: with .repeat the program sees its own output again, which must
 * still be addressed to the VIP */
static const char icmp_dsr_policy[] = POLICY_HEAD "load_balancers:\n"
						  "  - name: icmp-lb\n"
						  "    vip: 192.168.1.2\n"
						  "    protocol: icmp\n"
						  "    forwarding: dsr\n"
						  "    backends:\n"
						  "      - address: 192.168.1.3\n"
						  "        mac: \"52:54:00:ff:ff:55\"\n"
						  "      - address: 192.168.1.4\n"
						  "        mac: \"52:54:00:5d:6e:a1\"\n";

START_TEST(round_robin_atomic_across_cpus)
{
	struct dp *d = dp_load(icmp_dsr_policy);
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN), n = ncpu < 4 ? ncpu : 4;
	struct cpu_run runs[4];
	pthread_barrier_t start;
	pthread_t th[4];
	uint64_t ctr = 0;
	uint32_t key = 0;

	if (n < 2) {
		dp_free(d);
		return; /* one CPU: nothing to race */
	}
	pthread_barrier_init(&start, NULL, (unsigned)n);
	for (int i = 0; i < n; i++) {
		runs[i] = (struct cpu_run){&start, d, i, 0};
		ck_assert_int_eq(pthread_create(&th[i], NULL, run_on_cpu, &runs[i]), 0);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(runs[i].err, 0);
	}
	pthread_barrier_destroy(&start);
	ck_assert_int_eq(
	    bpf_map__lookup_elem(d->skel->maps.lb_rr_ctr, &key, sizeof(key), &ctr, sizeof(ctr), 0),
	    0);
	ck_assert_uint_eq(ctr, (uint64_t)n * CPU_RUNS);
	ck_assert_uint_eq(backend_count(d, 0).packets, (uint64_t)n * CPU_RUNS / 2);
	ck_assert_uint_eq(backend_count(d, 1).packets, (uint64_t)n * CPU_RUNS / 2);
	dp_free(d);
}
END_TEST

static Suite *lb_suite(void)
{
	Suite *s = suite_create("lb");
	TCase *t = tcase_create("datapath-lb");

	tcase_set_timeout(t, 120);
	tcase_add_test(t, icmp_round_robin_nat);
	tcase_add_test(t, icmp_other_passes);
	tcase_add_test(t, icmpv6_round_robin_nat);
	tcase_add_test(t, dsr_same_flow_same_backend_and_spread);
	tcase_add_test(t, tcp_other_port_passes);
	tcase_add_test(t, nat_tcp4_round_trip);
	tcase_add_test(t, nat_tcp6_round_trip);
	tcase_add_test(t, nat_udp4_round_trip);
	tcase_add_test(t, nat_udp6_round_trip);
	tcase_add_test(t, tcp_round_robin_sticky);
	tcase_add_test(t, drain_keeps_existing_flow_not_new_ones);
	tcase_add_test(t, udp_idle_flow_is_new);
	tcase_add_test(t, unhealthy_backend_gets_nothing);
	tcase_add_test(t, no_mac_no_traffic);
	tcase_add_test(t, backend_and_interface_counters);
	tcase_add_test(t, round_robin_atomic_across_cpus);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return dp_test_main("test_lb", srunner_create(lb_suite()));
}
