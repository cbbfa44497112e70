// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Trace mode and sampling in the real XDP program (bpf/trace.h,
 * bpf/sample.h), with BPF_PROG_TEST_RUN:
 *  - a frame behind struct xdpd_trace_meta with the right cookie gets the
 *    verdict a real one would, written back into the metadata, and moves no
 *    state: interface / rule / backend counters, blocklist hits, rate-limit
 *    windows, the round-robin position, the connection table, samples;
 *  - with a wrong cookie (or none) the frame is an ordinary packet;
 *  - 1-in-N sampling puts events in the ring buffer with the flow, verdict
 *    and bytes, and a full ring counts losses without changing verdicts.
 */
#include <arpa/inet.h>
#include <check.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "../../bpf/xdpd_abi.h"
#include "policy.h"
#include "xdpd.skel.h"

#include "dp_harness.h"
#include "frames.h"

#define XDP_DROP 1
#define XDP_PASS 2
#define XDP_TX	 3

#define COOKIE 0x5eed5eed12345679ULL
#define HEAD   "version: 1\ninterfaces:\n  - name: " DP_IF0 "\n"

struct traced {
	int action;
	struct xdpd_trace_meta meta;
	uint8_t frame[FRAME_MAX];
	size_t len;
};

static void set_cfg(struct dp *d, uint32_t rate_override, uint64_t cookie)
{
	struct xdpd_sample_cfg c = {.rate_override = rate_override, .trace_cookie = cookie};
	uint32_t zero = 0;

	ck_assert_int_eq(bpf_map__update_elem(d->skel->maps.sample_cfg, &zero, sizeof(zero), &c,
					      sizeof(c), BPF_ANY),
			 0);
}

/* One frame with metadata carrying cookie; repeat times. A cut other than
 * 0 keeps only the frame's first cut bytes. */
static struct traced run_meta_cut(struct dp *d, const struct frame_spec *s, uint64_t cookie,
				  uint32_t repeat, int cut)
{
	uint8_t in[sizeof(struct xdpd_trace_meta) + FRAME_MAX], out[sizeof(in) + 256];
	struct xdpd_trace_meta meta = {.cookie = cookie};
	struct traced t = {0};
	int len = frame_build(s, in + sizeof(meta), FRAME_MAX);
	struct xdp_md md = {.data = sizeof(meta)};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &md, .ctx_size_in = sizeof(md),
		    .repeat = repeat);

	ck_assert_int_gt(len, 0);
	if (cut) {
		ck_assert_int_lt(cut, len);
		len = cut;
	}
	memcpy(in, &meta, sizeof(meta));
	md.data_end = (uint32_t)(sizeof(meta) + (size_t)len);
	md.ingress_ifindex = if_nametoindex(DP_IF0);
	o.data_size_in = md.data_end;
	ck_assert_int_eq(bpf_prog_test_run_opts(d->prog_fd, &o), 0);
	t.action = (int)o.retval;
	memcpy(&t.meta, out, sizeof(t.meta));
	t.len = o.data_size_out - sizeof(meta);
	memcpy(t.frame, out + sizeof(meta), t.len);
	return t;
}

static struct traced run_meta(struct dp *d, const struct frame_spec *s, uint64_t cookie,
			      uint32_t repeat)
{
	return run_meta_cut(d, s, cookie, repeat, 0);
}

static struct traced trace(struct dp *d, const struct frame_spec *s)
{
	return run_meta(d, s, COOKIE, 1);
}

static struct frame_spec tcp(const char *src, uint16_t sport, const char *dst, uint16_t dport)
{
	return (struct frame_spec){.src = src,
				   .dst = dst,
				   .proto = IPPROTO_TCP,
				   .sport = sport,
				   .dport = dport,
				   .tcp_flags = FRAME_TH_SYN};
}

static const char rules_policy[] = HEAD "default_action: pass\n"
					"rules:\n"
					"  - name: allow-admin\n"
					"    action: pass\n"
					"    src: 198.51.100.0/24\n"
					"  - name: drop-8080\n"
					"    action: drop\n"
					"    protocol: tcp\n"
					"    dst_port: 8080\n"
					"  - name: limit-dns\n"
					"    action: drop\n"
					"    protocol: udp\n"
					"    dst_port: 53\n"
					"    rate_limit: { pps: 2, per: rule }\n";

START_TEST(trace_rule_verdicts_move_nothing)
{
	struct dp *d = dp_load(rules_policy);
	struct frame_spec drop = tcp("203.0.113.9", 40000, "192.0.2.1", 8080);
	struct frame_spec allow = tcp("198.51.100.7", 40000, "192.0.2.1", 8080);
	struct frame_spec other = tcp("203.0.113.9", 40000, "192.0.2.1", 22);
	struct dp_count r0 = dp_rule_count(d, "drop-8080"),
			i0 = dp_iface_count(d, DP_IF0, XDP_DROP);
	struct traced t;

	set_cfg(d, 0, COOKIE);
	t = trace(d, &drop);
	ck_assert_int_eq(t.action, XDP_DROP);
	ck_assert_int_eq(t.meta.done, 1);
	ck_assert_int_eq(t.meta.action, XDP_DROP);
	ck_assert_int_eq(t.meta.reason, XDPD_WHY_RULE);
	ck_assert_uint_eq(t.meta.rule_slot, DP_RULE_SLOT(1));
	ck_assert_uint_eq(t.meta.lb_slot, XDPD_NO_SLOT);
	t = trace(d, &allow); /* the earlier allow rule catches it first */
	ck_assert_int_eq(t.meta.action, XDP_PASS);
	ck_assert_int_eq(t.meta.reason, XDPD_WHY_RULE);
	ck_assert_uint_eq(t.meta.rule_slot, DP_RULE_SLOT(0));
	t = trace(d, &other);
	ck_assert_int_eq(t.meta.action, XDP_PASS);
	ck_assert_int_eq(t.meta.reason, XDPD_WHY_DEFAULT);
	ck_assert_uint_eq(t.meta.rule_slot, XDPD_NO_SLOT);
	/* nothing counted */
	ck_assert_uint_eq(dp_rule_count(d, "drop-8080").packets, r0.packets);
	ck_assert_uint_eq(dp_rule_count(d, "allow-admin").packets, 0);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_DROP).packets, i0.packets);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_PASS).packets, 0);
	/* the same frame with another cookie is a real packet: counted */
	t = run_meta(d, &drop, COOKIE + 2, 1);
	ck_assert_int_eq(t.action, XDP_DROP);
	ck_assert_int_eq(t.meta.done, 0);
	ck_assert_uint_eq(dp_rule_count(d, "drop-8080").packets, r0.packets + 1);
	dp_free(d);
}
END_TEST

/* Without the daemon's cookie in sample_cfg (0: no trace), metadata marks
 * nothing, whatever it holds. */
START_TEST(no_cookie_no_trace)
{
	struct dp *d = dp_load(rules_policy);
	struct frame_spec drop = tcp("203.0.113.9", 40000, "192.0.2.1", 8080);
	struct traced t = run_meta(d, &drop, 0, 1);

	ck_assert_int_eq(t.meta.done, 0);
	ck_assert_uint_eq(dp_rule_count(d, "drop-8080").packets, 1);
	dp_free(d);
}
END_TEST

static uint64_t rl_count(struct dp *d, const char *rule)
{
	struct xdpd_rl_state st = {0};
	uint32_t slot = 0;

	for (size_t i = 0; i < d->policy->n_rules; i++)
		if (!strcmp(d->policy->rules[i].name, rule))
			slot = DP_RULE_SLOT(i);
	bpf_map__lookup_elem(d->skel->maps.rl_rule, &slot, sizeof(slot), &st, sizeof(st), 0);
	return st.count;
}

/* A trace reports what the next packet would get from a rate limit, and
 * takes nothing from the window. */
START_TEST(trace_rate_limit_reads_only)
{
	struct dp *d = dp_load(rules_policy);
	struct frame_spec dns = {.src = "203.0.113.9",
				 .dst = "192.0.2.1",
				 .proto = IPPROTO_UDP,
				 .sport = 5353,
				 .dport = 53};
	struct traced t;

	set_cfg(d, 0, COOKIE);
	for (int i = 0; i < 5; i++) {
		t = trace(d, &dns);
		ck_assert_int_eq(t.meta.action, XDP_PASS); /* under the limit */
	}
	ck_assert_uint_eq(rl_count(d, "limit-dns"), 0);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(run_meta(d, &dns, 0, 1).action, XDP_PASS);
	ck_assert_uint_eq(rl_count(d, "limit-dns"), 2);
	t = trace(d, &dns); /* the third of the window would be dropped */
	ck_assert_int_eq(t.meta.action, XDP_DROP);
	ck_assert_uint_eq(t.meta.rule_slot, DP_RULE_SLOT(2));
	ck_assert_uint_eq(rl_count(d, "limit-dns"), 2);
	dp_free(d);
}
END_TEST

START_TEST(trace_blocklist_no_hit)
{
	struct dp *d = dp_load(rules_policy);
	struct frame_spec s = tcp("203.0.113.9", 40000, "192.0.2.1", 22);
	struct traced t;

	set_cfg(d, 0, COOKIE);
	dp_block(d, "203.0.113.0/24", 0);
	t = trace(d, &s);
	ck_assert_int_eq(t.meta.action, XDP_DROP);
	ck_assert_int_eq(t.meta.reason, XDPD_WHY_BLOCKLIST);
	ck_assert_uint_eq(dp_block_hits(d, "203.0.113.0/24"), 0);
	ck_assert_int_eq(run_meta(d, &s, 0, 1).action, XDP_DROP);
	ck_assert_uint_eq(dp_block_hits(d, "203.0.113.0/24"), 1);
	dp_free(d);
}
END_TEST

static const char lb_policy[] = HEAD "load_balancers:\n"
				     "  - name: web\n"
				     "    vip: 10.0.0.100\n"
				     "    protocol: tcp\n"
				     "    port: 80\n"
				     "    scheduler: round_robin\n"
				     "    forwarding: nat\n"
				     "    backends:\n"
				     "      - address: 10.0.0.1\n"
				     "        mac: \"52:54:00:ff:ff:55\"\n"
				     "      - address: 10.0.0.2\n"
				     "        mac: \"52:54:00:5d:6e:a1\"\n";

static uint8_t dst_last_octet(const struct traced *t)
{
	return t->frame[frame_l3_offset(t->frame, t->len) + 19];
}

static uint64_t map_entries(struct bpf_map *m, size_t key_size)
{
	uint8_t k[256], next[256];
	uint64_t n = 0;
	void *prev = NULL;

	while (bpf_map__get_next_key(m, prev, next, key_size) == 0) {
		memcpy(k, next, key_size);
		prev = k;
		n++;
	}
	return n;
}

/* Round robin and the connection table: a trace shows the backend the flow
 * would get, twice the same, and takes neither the turn nor a table entry. */
START_TEST(trace_balancer_moves_nothing)
{
	struct dp *d = dp_load(lb_policy);
	struct frame_spec s = tcp("198.51.100.7", 40000, "10.0.0.100", 80);
	struct frame_spec s2 = tcp("198.51.100.7", 40001, "10.0.0.100", 80);
	struct traced a, b, real;

	set_cfg(d, 0, COOKIE);
	a = trace(d, &s);
	b = trace(d, &s);
	ck_assert_int_eq(a.action, XDP_TX);
	ck_assert_int_eq(a.meta.reason, XDPD_WHY_BALANCER);
	ck_assert_uint_ne(a.meta.lb_slot, XDPD_NO_SLOT);
	ck_assert_uint_ne(a.meta.bk_slot, XDPD_NO_SLOT);
	ck_assert_uint_eq(a.meta.bk_slot, b.meta.bk_slot);
	ck_assert_int_eq(dst_last_octet(&a), 1); /* rewritten to the first backend */
	ck_assert_int_eq(dst_last_octet(&b), 1);
	ck_assert_int_eq(frame_check_csums(a.frame, a.len), 0);
	ck_assert_uint_eq(map_entries(d->skel->maps.lb_ct, sizeof(struct xdpd_lb_flow)), 0);
	ck_assert_uint_eq(map_entries(d->skel->maps.lb_rnat, sizeof(struct xdpd_lb_flow)), 0);
	/* real packets still start the rotation at the first backend */
	real = run_meta(d, &s, 0, 1);
	ck_assert_int_eq(dst_last_octet(&real), 1);
	ck_assert_uint_eq(map_entries(d->skel->maps.lb_ct, sizeof(struct xdpd_lb_flow)), 1);
	/* a trace of the next new flow names the next backend, and still does
	 * not take the turn */
	a = trace(d, &s2);
	ck_assert_int_eq(dst_last_octet(&a), 2);
	real = run_meta(d, &s2, 0, 1);
	ck_assert_int_eq(dst_last_octet(&real), 2);
	dp_free(d);
}
END_TEST

/* ---- sampling ---- */

struct ring_read {
	int n;
	struct xdpd_sample_event last;
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct ring_read *r = ctx;

	ck_assert_uint_ge(size, sizeof(r->last));
	memcpy(&r->last, data, sizeof(r->last));
	r->n++;
	return 0;
}

static struct xdpd_sample_stats sample_stats(struct dp *d)
{
	int ncpu = libbpf_num_possible_cpus();
	struct xdpd_sample_stats v[ncpu], sum = {0};
	uint32_t zero = 0;

	ck_assert_int_eq(
	    bpf_map__lookup_elem(d->skel->maps.sample_stats, &zero, sizeof(zero), v, sizeof(v), 0),
	    0);
	for (int i = 0; i < ncpu; i++) {
		sum.events += v[i].events;
		sum.lost += v[i].lost;
	}
	return sum;
}

static void pin_cpu(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(sched_getcpu(), &set);
	ck_assert_int_eq(sched_setaffinity(0, sizeof(set), &set), 0);
}

START_TEST(sampling_events)
{
	struct dp *d = dp_load(HEAD "sampling:\n  rate: 2\n" /* 1 in 2 */
				    "rules:\n"
				    "  - name: drop-8080\n"
				    "    action: drop\n"
				    "    protocol: tcp\n"
				    "    dst_port: 8080\n");
	struct ring_buffer *rb;
	struct ring_read rr = {0};
	struct frame_spec s = tcp("192.168.1.1", 53000, "192.168.1.2", 8080);
	char a[INET_ADDRSTRLEN];

	pin_cpu(); /* the 1-in-N countdown is per CPU */
	rb = ring_buffer__new(bpf_map__fd(d->skel->maps.sample_ring), on_event, &rr, NULL);
	ck_assert_ptr_nonnull(rb);
	set_cfg(d, 0, COOKIE);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(run_meta(d, &s, 0, 1).action, XDP_DROP);
	ck_assert_int_eq(trace(d, &s).action, XDP_DROP); /* traces are never sampled */
	ck_assert_int_eq(ring_buffer__consume(rb), 5);
	ck_assert_int_eq(rr.n, 5);
	ck_assert_uint_eq(sample_stats(d).events, 5);
	ck_assert_int_eq(rr.last.family, 4);
	ck_assert_int_eq(rr.last.proto, IPPROTO_TCP);
	ck_assert_str_eq(inet_ntop(AF_INET, rr.last.src, a, sizeof(a)), "192.168.1.1");
	ck_assert_str_eq(inet_ntop(AF_INET, rr.last.dst, a, sizeof(a)), "192.168.1.2");
	ck_assert_int_eq(rr.last.sport, 53000);
	ck_assert_int_eq(rr.last.dport, 8080);
	ck_assert_int_eq(rr.last.action, XDP_DROP);
	ck_assert_int_eq(rr.last.reason, XDPD_WHY_RULE);
	ck_assert_uint_eq(rr.last.rule_slot, DP_RULE_SLOT(0));
	ck_assert_uint_eq(rr.last.ifindex, if_nametoindex(DP_IF0));
	ck_assert_uint_eq(rr.last.len, 14 + 20 + 20);
	ck_assert_uint_eq(rr.last.cap_len, 14 + 20 + 20);
	ck_assert_int_eq(rr.last.data[12], 0x08); /* the frame's own bytes */
	/* a monitor raises the rate without a reload: every packet */
	set_cfg(d, 1, COOKIE);
	for (int i = 0; i < 3; i++)
		run_meta(d, &s, 0, 1);
	ck_assert_int_eq(ring_buffer__consume(rb), 3);
	ring_buffer__free(rb);
	dp_free(d);
}
END_TEST

/* A frame the parser refuses (here a TCP header cut short) passes: a trace
 * says so, with the unparsed reason and no rule, and moves nothing; as an
 * ordinary packet it is counted on its interface and sampled, however the
 * policy would judge the whole frame. */
START_TEST(unparsed_frames_traced_counted_sampled)
{
	struct dp *d = dp_load(HEAD "sampling:\n  rate: 1\n"
				    "default_action: drop\n"
				    "rules:\n"
				    "  - name: drop-8080\n"
				    "    action: drop\n"
				    "    protocol: tcp\n"
				    "    dst_port: 8080\n");
	struct frame_spec s = tcp("192.168.1.1", 53000, "192.168.1.2", 8080);
	struct ring_read rr = {0};
	struct ring_buffer *rb;
	struct traced t;
	const int cut = 14 + 20 + 10;

	pin_cpu();
	rb = ring_buffer__new(bpf_map__fd(d->skel->maps.sample_ring), on_event, &rr, NULL);
	ck_assert_ptr_nonnull(rb);
	set_cfg(d, 0, COOKIE);
	t = run_meta_cut(d, &s, COOKIE, 1, cut);
	ck_assert_int_eq(t.action, XDP_PASS);
	ck_assert_int_eq(t.meta.done, 1);
	ck_assert_int_eq(t.meta.action, XDP_PASS);
	ck_assert_int_eq(t.meta.reason, XDPD_WHY_UNPARSED);
	ck_assert_uint_eq(t.meta.rule_slot, XDPD_NO_SLOT);
	ck_assert_uint_eq(t.meta.lb_slot, XDPD_NO_SLOT);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_PASS).packets, 0);
	ck_assert_int_eq(ring_buffer__consume(rb), 0);
	t = run_meta_cut(d, &s, 0, 1, cut);
	ck_assert_int_eq(t.action, XDP_PASS);
	ck_assert_int_eq(t.meta.done, 0);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_PASS).packets, 1);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_PASS).bytes, (uint64_t)cut);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_DROP).packets, 0);
	ck_assert_uint_eq(dp_rule_count(d, "drop-8080").packets, 0);
	ck_assert_int_eq(ring_buffer__consume(rb), 1);
	ck_assert_int_eq(rr.last.action, XDP_PASS);
	ck_assert_int_eq(rr.last.reason, XDPD_WHY_UNPARSED);
	ck_assert_uint_eq(rr.last.rule_slot, XDPD_NO_SLOT);
	ck_assert_uint_eq(rr.last.len, (uint32_t)cut);
	ring_buffer__free(rb);
	dp_free(d);
}
END_TEST

/* A balanced packet is sampled as it leaves (XDP_TX): its bytes are the
 * frame sent to the backend (the backend's MAC, ours as the source, and with
 * nat the backend's address), while the event's addresses and ports are the
 * packet as received (xdpd(8), monitor data; xdpctl(8), --pcap). */
START_TEST(sampling_balanced_packet)
{
	static const uint8_t backend_mac[6] = {0x52, 0x54, 0x00, 0xff, 0xff, 0x55};
	static const uint8_t our_mac[6] = {0x02, 0, 0, 0, 0, 0x02}; /* frames.c destination */
	const char *fwd = _i ? "dsr" : "nat";
	struct frame_spec s = tcp("198.51.100.7", 40000, "10.0.0.100", 80);
	struct ring_read rr = {0};
	struct ring_buffer *rb;
	char policy[1024], a[INET_ADDRSTRLEN];
	struct dp *d;

	snprintf(policy, sizeof(policy),
		 HEAD "sampling:\n  rate: 1\n"
		      "load_balancers:\n"
		      "  - name: web\n"
		      "    vip: 10.0.0.100\n"
		      "    protocol: tcp\n"
		      "    port: 80\n"
		      "    forwarding: %s\n"
		      "    backends:\n"
		      "      - address: 10.0.0.1\n"
		      "        mac: \"52:54:00:ff:ff:55\"\n",
		 fwd);
	d = dp_load(policy);
	rb = ring_buffer__new(bpf_map__fd(d->skel->maps.sample_ring), on_event, &rr, NULL);
	ck_assert_ptr_nonnull(rb);
	ck_assert_int_eq(run_meta(d, &s, 0, 1).action, XDP_TX);
	ck_assert_int_eq(ring_buffer__consume(rb), 1);
	ck_assert_int_eq(rr.last.action, XDP_TX);
	ck_assert_int_eq(rr.last.reason, XDPD_WHY_BALANCER);
	ck_assert_str_eq(inet_ntop(AF_INET, rr.last.src, a, sizeof(a)), "198.51.100.7");
	ck_assert_str_eq(inet_ntop(AF_INET, rr.last.dst, a, sizeof(a)), "10.0.0.100");
	ck_assert_int_eq(rr.last.sport, 40000);
	ck_assert_int_eq(rr.last.dport, 80);
	ck_assert_uint_eq(rr.last.cap_len, 14 + 20 + 20);
	ck_assert_mem_eq(rr.last.data, backend_mac, 6);
	ck_assert_mem_eq(rr.last.data + 6, our_mac, 6);
	ck_assert_str_eq(inet_ntop(AF_INET, rr.last.data + 14 + 12, a, sizeof(a)), "198.51.100.7");
	ck_assert_str_eq(inet_ntop(AF_INET, rr.last.data + 14 + 16, a, sizeof(a)),
			 _i ? "10.0.0.100" : "10.0.0.1");
	ring_buffer__free(rb);
	dp_free(d);
}
END_TEST

/* Nobody reads the ring: once full, samples are lost (counted), and every
 * packet still gets its verdict. */
START_TEST(sampling_full_ring_loses)
{
	struct dp *d = dp_load(HEAD "sampling:\n  rate: 1\n"
				    "default_action: drop\n");
	struct frame_spec s = tcp("192.168.1.1", 53000, "192.168.1.2", 9);
	struct xdpd_sample_stats st;
	struct traced t;

	t = run_meta(d, &s, 0, 5000);
	ck_assert_int_eq(t.action, XDP_DROP);
	st = sample_stats(d);
	ck_assert_uint_eq(st.events + st.lost, 5000);
	ck_assert_uint_gt(st.events, 0);
	ck_assert_uint_gt(st.lost, 0);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_DROP).packets, 5000);
	dp_free(d);
}
END_TEST

static Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("trace");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, trace_rule_verdicts_move_nothing);
	tcase_add_test(tc, no_cookie_no_trace);
	tcase_add_test(tc, trace_rate_limit_reads_only);
	tcase_add_test(tc, trace_blocklist_no_hit);
	tcase_add_test(tc, trace_balancer_moves_nothing);
	suite_add_tcase(s, tc);
	tc = tcase_create("sampling");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, sampling_events);
	tcase_add_test(tc, sampling_full_ring_loses);
	tcase_add_test(tc, unparsed_frames_traced_counted_sampled);
	tcase_add_loop_test(tc, sampling_balanced_packet, 0, 2); /* nat, dsr */
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return dp_test_main("test_trace", srunner_create(trace_suite()));
}
