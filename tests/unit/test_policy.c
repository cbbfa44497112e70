// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The policy reader (daemon/policy_*.c): good policies field by field,
 * defaults, limits, hostile input, and two corpora:
 *  - the *.yaml files of $XDPD_BAD_POLICIES: each starts with "# expect: LINE:COLUMN: text"
 *    lines; loading must fail with exactly those locations, each message
 *    containing its text, and policy_check_main() must return 1.
 *  - $XDPD_GOOD_POLICIES and $XDPD_EXAMPLE_POLICIES (config/): every file
 *    must load without a single diagnostic and check as "FILE: ok".
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../bpf/xdpd_abi.h"
#include "policy.h"
#include "policy_check.h"
#include "sha256.h"
#include "check_run.h"

/* ---- helpers ---- */

static struct policy *load(const char *yaml, struct diag_list *d)
{
	struct policy *p = NULL;

	diag_init(d, "test.yaml");
	policy_load_buffer("test.yaml", yaml, strlen(yaml), &p, d);
	return p;
}

/* Loads yaml that must be valid; prints the diagnostics if it is not. */
static struct policy *load_ok(const char *yaml)
{
	struct diag_list d;
	struct policy *p = load(yaml, &d);
	char *s = diag_to_string(&d);

	ck_assert_msg(p && diag_count(&d) == 0, "unexpected diagnostics:\n%s", s);
	free(s);
	diag_free(&d);
	return p;
}

/* Loads yaml that must fail with exactly one diagnostic at line:col
 * containing text. */
static void load_bad(const char *yaml, unsigned int line, unsigned int col, const char *text)
{
	struct diag_list d;
	struct policy *p = load(yaml, &d);
	char *s = diag_to_string(&d);

	ck_assert_msg(!p, "accepted:\n%s", yaml);
	ck_assert_msg(diag_count(&d) == 1, "want one diagnostic, got:\n%s", s);
	ck_assert_msg(d.v[0].loc.line == line && d.v[0].loc.col == col && strstr(d.v[0].msg, text),
		      "want %u:%u: %s, got:\n%s", line, col, text, s);
	free(s);
	diag_free(&d);
}

static char *tmpdir;

static char *tmp_path(const char *name)
{
	char *path;

	ck_assert_int_ge(asprintf(&path, "%s/%s", tmpdir, name), 0);
	return path;
}

static char *check_output(const char *path, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	*rc = policy_check_main(path, f);
	fclose(f);
	return buf;
}

#define BASE "version: 1\ninterfaces:\n  - name: eth0\n"

/* ---- good policies, field by field ---- */

static const char full_yaml[] =
	"version: 1\n"
	"interfaces:\n"
	"  - name: eth0\n"
	"    mode: native\n"
	"  - name: veth-1.2\n"
	"default_action: drop\n"
	"on_stop: detach\n"
	"rules:\n"
	"  - name: drop-8080\n"
	"    action: drop\n"
	"    protocol: tcp\n"
	"    dst_port: 8080\n"
	"    src_port: \"1024-65535\"\n"
	"    src: 203.0.113.0/24\n"
	"    dst: [2001:db8::/32, 192.0.2.1]\n"
	"    tcp_flags: \"syn, !ack\"\n"
	"    rate_limit: { pps: 1000, per: rule }\n"
	"    interfaces: [eth0]\n"
	"  - name: ping\n"
	"    action: pass\n"
	"    protocol: icmpv6\n"
	"    icmp_type: echo-request\n"
	"  - name: ping4\n"
	"    action: drop\n"
	"    protocol: icmp\n"
	"    icmp_type: echo-request\n"
	"    rate_limit: {pps: 5}\n"
	"  - name: gre\n"
	"    action: drop\n"
	"    protocol: 47\n"
	"load_balancers:\n"
	"  - name: web\n"
	"    vip: 2001:db8::10\n"
	"    protocol: udp\n"
	"    port: 53\n"
	"    scheduler: round_robin\n"
	"    forwarding: dsr\n"
	"    backends:\n"
	"      - address: 2001:db8::11\n"
	"        mac: \"52:54:00:ff:ff:55\"\n"
	"        weight: 65535\n"
	"        state: drain\n"
	"      - address: 2001:db8::12\n"
	"        state: disabled\n"
	"    health_check:\n"
	"      type: icmp\n"
	"      interval: 500ms\n"
	"      timeout: 250ms\n"
	"      rise: 1\n"
	"      fall: 100\n"
	"sampling:\n"
	"  rate: 100\n"
	"  ring_buffer: 16MiB\n"
	"control:\n"
	"  socket: /run/xdpd-test/ctl.sock\n"
	"  group: netops\n"
	"bpffs: /sys/fs/bpf/xdpd-test\n";

START_TEST(good_top_level)
{
	struct policy *p = load_ok(full_yaml);
	uint8_t digest[32];

	ck_assert_str_eq(p->path, "test.yaml");
	sha256(full_yaml, strlen(full_yaml), digest);
	ck_assert_mem_eq(p->sha256, digest, 32);
	ck_assert_int_eq(p->version, 1);
	ck_assert_uint_eq(p->n_ifaces, 2);
	ck_assert_str_eq(p->ifaces[0].name, "eth0");
	ck_assert_int_eq(p->ifaces[0].mode, XDP_MODE_NATIVE);
	ck_assert_uint_eq(p->ifaces[0].loc.line, 3);
	ck_assert_uint_eq(p->ifaces[0].loc.col, 5);
	ck_assert_str_eq(p->ifaces[1].name, "veth-1.2");
	ck_assert_int_eq(p->ifaces[1].mode, XDP_MODE_AUTO);
	ck_assert_int_eq(p->default_action, POLICY_DROP);
	ck_assert_int_eq(p->on_stop, ON_STOP_DETACH);
	ck_assert_uint_eq(p->sampling.rate, 100);
	ck_assert_uint_eq(p->sampling.ring_bytes, 16u << 20);
	ck_assert_str_eq(p->control.socket, "/run/xdpd-test/ctl.sock");
	ck_assert_str_eq(p->control.group, "netops");
	ck_assert_str_eq(p->bpffs, "/sys/fs/bpf/xdpd-test");
	policy_free(p);
}
END_TEST

START_TEST(good_rules)
{
	struct policy *p = load_ok(full_yaml);
	struct policy_rule *r;

	ck_assert_uint_eq(p->n_rules, 4);
	r = &p->rules[0];
	ck_assert_str_eq(r->name, "drop-8080");
	ck_assert_uint_eq(r->loc.line, 9);
	ck_assert_uint_eq(r->loc.col, 5);
	ck_assert_int_eq(r->action, POLICY_DROP);
	ck_assert_int_eq(r->protocol, IPPROTO_TCP);
	ck_assert_uint_eq(r->n_dst_ports, 1);
	ck_assert_uint_eq(r->dst_ports[0].lo, 8080);
	ck_assert_uint_eq(r->dst_ports[0].hi, 8080);
	ck_assert_uint_eq(r->n_src_ports, 1);
	ck_assert_uint_eq(r->src_ports[0].lo, 1024);
	ck_assert_uint_eq(r->src_ports[0].hi, 65535);
	ck_assert_uint_eq(r->n_src, 1);
	ck_assert_int_eq(r->src[0].family, AF_INET);
	ck_assert_uint_eq(r->src[0].len, 24);
	ck_assert_int_eq(r->src[0].addr[0], 203);
	ck_assert_uint_eq(r->n_dst, 2);
	ck_assert_int_eq(r->dst[0].family, AF_INET6);
	ck_assert_uint_eq(r->dst[0].len, 32);
	ck_assert_uint_eq(r->dst[1].len, 32);
	ck_assert_int_eq(r->dst[1].family, AF_INET);
	ck_assert_int_eq(r->icmp_type, -1);
	ck_assert_uint_eq(r->tcp_mask, 0x12);
	ck_assert_uint_eq(r->tcp_value, 0x02);
	ck_assert(r->has_rate_limit);
	ck_assert_uint_eq(r->rl_pps, 1000);
	ck_assert_int_eq(r->rl_per, RL_PER_RULE);
	ck_assert_uint_eq(r->n_ifaces, 1);
	ck_assert_str_eq(r->ifaces[0], "eth0");

	r = &p->rules[1];
	ck_assert_int_eq(r->action, POLICY_PASS);
	ck_assert_int_eq(r->protocol, IPPROTO_ICMPV6);
	ck_assert_int_eq(r->icmp_type, 128); /* echo-request in ICMPv6 */
	ck_assert(!r->has_rate_limit);
	ck_assert_uint_eq(r->n_src + r->n_dst + r->n_src_ports + r->n_dst_ports + r->n_ifaces, 0);
	ck_assert_uint_eq(r->tcp_mask, 0);

	r = &p->rules[2];
	ck_assert_int_eq(r->protocol, IPPROTO_ICMP);
	ck_assert_int_eq(r->icmp_type, 8); /* echo-request in ICMP */
	ck_assert_int_eq(r->rl_per, RL_PER_SOURCE); /* the default */

	ck_assert_int_eq(p->rules[3].protocol, 47);
	policy_free(p);
}
END_TEST

START_TEST(good_lb)
{
	struct policy *p = load_ok(full_yaml);
	struct policy_lb *lb;

	ck_assert_uint_eq(p->n_lbs, 1);
	lb = &p->lbs[0];
	ck_assert_str_eq(lb->name, "web");
	ck_assert_int_eq(lb->vip.family, AF_INET6);
	ck_assert_int_eq(lb->vip.addr[15], 0x10);
	ck_assert_int_eq(lb->protocol, IPPROTO_UDP);
	ck_assert_uint_eq(lb->port, 53);
	ck_assert_int_eq(lb->scheduler, LB_SCHED_ROUND_ROBIN);
	ck_assert_int_eq(lb->forwarding, LB_FWD_DSR);
	ck_assert_uint_eq(lb->n_backends, 2);
	ck_assert(lb->backends[0].has_mac);
	ck_assert_int_eq(lb->backends[0].mac[0], 0x52);
	ck_assert_int_eq(lb->backends[0].mac[5], 0x55);
	ck_assert_uint_eq(lb->backends[0].weight, 65535);
	ck_assert_int_eq(lb->backends[0].state, BACKEND_DRAIN);
	ck_assert_uint_eq(lb->backends[0].loc.line, 39);
	ck_assert(!lb->backends[1].has_mac);
	ck_assert_uint_eq(lb->backends[1].weight, 1);
	ck_assert_int_eq(lb->backends[1].state, BACKEND_DISABLED);
	ck_assert(lb->health.present);
	ck_assert_int_eq(lb->health.type, HC_ICMP);
	ck_assert_uint_eq(lb->health.interval_ms, 500);
	ck_assert_uint_eq(lb->health.timeout_ms, 250);
	ck_assert_uint_eq(lb->health.rise, 1);
	ck_assert_uint_eq(lb->health.fall, 100);
	policy_free(p);
}
END_TEST

/* "health_check:" with no value is no checks, as YAML's empty value says
 * nothing; {} is checks with the defaults. A value refused does not also
 * fail the timeout-interval comparison with the other's default. */
START_TEST(health_check_empty_and_refused)
{
	static const char lb[] = BASE "load_balancers:\n"
				      "  - name: a\n    vip: 192.0.2.1\n    protocol: icmp\n"
				      "    backends: [{address: 192.0.2.2}]\n";
	struct policy *p = load_ok(BASE "load_balancers:\n"
				   "  - name: a\n    vip: 192.0.2.1\n    protocol: icmp\n"
				   "    backends: [{address: 192.0.2.2}]\n    health_check:\n");
	struct diag_list d;
	char buf[512];

	ck_assert(!p->lbs[0].health.present);
	policy_free(p);
	snprintf(buf, sizeof(buf), "%s    health_check: {}\n", lb);
	p = load_ok(buf);
	ck_assert(p->lbs[0].health.present);
	policy_free(p);
	snprintf(buf, sizeof(buf), "%s    health_check: {interval: 1s, timeout: abc}\n", lb);
	ck_assert_ptr_null(load(buf, &d));
	ck_assert_uint_eq(diag_count(&d), 1);
	diag_free(&d);
	snprintf(buf, sizeof(buf), "%s    health_check: {interval: abc, timeout: 2s}\n", lb);
	ck_assert_ptr_null(load(buf, &d));
	ck_assert_uint_eq(diag_count(&d), 1);
	diag_free(&d);
}
END_TEST

/* A policy is UTF-8: a UTF-16 byte order mark is named, a UTF-8 one is
 * fine; a lone \r ends a line for the positions, as it does for libyaml. */
START_TEST(encodings_and_line_ends)
{
	struct policy *p;

	load_bad("\xff\xfe" BASE, 1, 1, "UTF-16");
	load_bad("\xfe\xff" BASE, 1, 1, "UTF-16");
	p = load_ok("\xef\xbb\xbf" BASE);
	policy_free(p);
	load_bad("version: 1\rinterfaces:\r  - name: eth0\r  # \xff\n", 4, 5, "not valid UTF-8");
}
END_TEST

START_TEST(defaults)
{
	struct policy *p = load_ok(BASE "rules:\n  - {name: r, action: drop}\n"
				   "load_balancers:\n"
				   "  - {name: a, vip: 192.0.2.1, protocol: icmp, backends: [{address: 192.0.2.2}]}\n"
				   "  - {name: b, vip: '2001:db8::1', protocol: icmp, backends: [{address: '2001:db8::2'}]}\n"
				   "  - {name: c, vip: 192.0.2.1, protocol: tcp, port: 80, backends: [{address: 192.0.2.2}]}\n"
				   "  - name: d\n    vip: 192.0.2.1\n    protocol: udp\n    port: 80\n"
				   "    backends: [{address: 192.0.2.2}]\n    health_check: {}\n");

	ck_assert_int_eq(p->default_action, POLICY_PASS);
	ck_assert_int_eq(p->on_stop, ON_STOP_KEEP);
	ck_assert_int_eq(p->ifaces[0].mode, XDP_MODE_AUTO);
	ck_assert_uint_eq(p->sampling.rate, 0);
	ck_assert_uint_eq(p->sampling.ring_bytes, 1u << 20);
	ck_assert_str_eq(p->control.socket, "/run/xdpd/xdpd.sock");
	ck_assert_str_eq(p->control.group, "xdpd");
	ck_assert_str_eq(p->bpffs, "");
	ck_assert_int_eq(p->rules[0].protocol, -1);
	ck_assert_int_eq(p->rules[0].icmp_type, -1);
	ck_assert(!p->rules[0].has_rate_limit);
	ck_assert_int_eq(p->lbs[0].protocol, IPPROTO_ICMP);
	ck_assert_int_eq(p->lbs[0].scheduler, LB_SCHED_ROUND_ROBIN);
	ck_assert_int_eq(p->lbs[0].forwarding, LB_FWD_NAT);
	ck_assert(!p->lbs[0].health.present);
	ck_assert_int_eq(p->lbs[0].health.type, HC_ICMP);
	ck_assert_int_eq(p->lbs[1].protocol, IPPROTO_ICMPV6); /* icmp on a v6 vip */
	ck_assert_int_eq(p->lbs[2].scheduler, LB_SCHED_MAGLEV);
	ck_assert_int_eq(p->lbs[2].health.type, HC_TCP);
	ck_assert_uint_eq(p->lbs[2].backends[0].weight, 1);
	ck_assert_int_eq(p->lbs[2].backends[0].state, BACKEND_ACTIVE);
	ck_assert(p->lbs[3].health.present);
	ck_assert_int_eq(p->lbs[3].health.type, HC_ICMP);
	ck_assert_uint_eq(p->lbs[3].health.interval_ms, 2000);
	ck_assert_uint_eq(p->lbs[3].health.timeout_ms, 1000);
	ck_assert_uint_eq(p->lbs[3].health.rise, 2);
	ck_assert_uint_eq(p->lbs[3].health.fall, 3);
	policy_free(p);
}
END_TEST

START_TEST(port_lists_and_nulls)
{
	struct policy *p = load_ok(BASE "rules:\n  - name: r\n    action: drop\n    protocol: udp\n"
				   "    dst_port: [53, \"5353-5354\", 0]\n"
				   "load_balancers:\nsampling:\ncontrol:\n");

	ck_assert_uint_eq(p->rules[0].n_dst_ports, 3);
	ck_assert_uint_eq(p->rules[0].dst_ports[1].lo, 5353);
	ck_assert_uint_eq(p->rules[0].dst_ports[1].hi, 5354);
	ck_assert_uint_eq(p->rules[0].dst_ports[2].hi, 0);
	ck_assert_uint_eq(p->n_lbs, 0);
	policy_free(p);
}
END_TEST

/* ---- errors that need code, not a corpus file ---- */

START_TEST(all_errors_in_one_pass)
{
	struct diag_list d;
	struct policy *p = load("version: 3\ninterfaces: eth0\nrules: 5\nbogus: 1\n", &d);

	ck_assert_ptr_null(p);
	ck_assert_uint_eq(diag_count(&d), 4);
	ck_assert_uint_eq(d.v[0].loc.line, 1); /* sorted by position */
	ck_assert_uint_eq(d.v[1].loc.line, 2);
	ck_assert_uint_eq(d.v[2].loc.line, 3);
	ck_assert_uint_eq(d.v[3].loc.line, 4);
	diag_free(&d);
}
END_TEST

START_TEST(too_many_rules)
{
	size_t cap = (XDPD_MAX_RULES + 1) * 48 + 64, len = 0;
	char *buf = malloc(cap);
	struct diag_list d;
	struct policy *p = NULL;

	len += (size_t)sprintf(buf, BASE "rules:\n");
	for (int i = 0; i < XDPD_MAX_RULES; i++)
		len += (size_t)sprintf(buf + len, "- {name: r%d, action: drop}\n", i);
	diag_init(&d, "many.yaml");
	ck_assert_int_eq(policy_load_buffer("many.yaml", buf, len, &p, &d), 0);
	ck_assert_uint_eq(p->n_rules, XDPD_MAX_RULES);
	policy_free(p);
	diag_free(&d);

	sprintf(buf + len, "- {name: one-too-many, action: drop}\n");
	diag_init(&d, "many.yaml");
	ck_assert_int_eq(policy_load_buffer("many.yaml", buf, strlen(buf), &p, &d), -EINVAL);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_uint_eq(d.v[0].loc.line, 5 + XDPD_MAX_RULES);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "too many rules"));
	diag_free(&d);
	free(buf);
}
END_TEST

START_TEST(duplicate_names_many)
{
	/* Every name twice: each second one reported at its own place. */
	char buf[4096];
	size_t len = (size_t)sprintf(buf, BASE "rules:\n");
	struct diag_list d;
	struct policy *p;

	for (int i = 0; i < 20; i++)
		len += (size_t)sprintf(buf + len, "- {name: r%d, action: drop}\n", i % 10);
	p = load(buf, &d);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(diag_count(&d), 10);
	for (size_t i = 0; i < 10; i++)
		ck_assert_uint_eq(d.v[i].loc.line, 15 + i);
	diag_free(&d);
}
END_TEST

START_TEST(diagnostics_are_capped)
{
	char buf[16384];
	size_t len = (size_t)sprintf(buf, BASE "rules:\n");
	struct diag_list d;
	char *s;

	for (int i = 0; i < 150; i++)
		len += (size_t)sprintf(buf + len, "- {name: r%d, action: nope}\n", i);
	ck_assert_ptr_null(load(buf, &d));
	ck_assert_uint_eq(diag_count(&d), 150);
	ck_assert_uint_eq(d.n, 100);
	s = diag_to_string(&d);
	ck_assert_ptr_nonnull(strstr(s, "test.yaml: 50 more errors not shown"));
	free(s);
	diag_free(&d);
}
END_TEST

START_TEST(deep_nesting_no_stack_overflow)
{
	size_t n = 200000;
	char *buf = malloc(2 * n + 16);
	struct diag_list d;
	struct policy *p = NULL;

	memset(buf, '[', n);
	memset(buf + n, ']', n);
	diag_init(&d, "deep.yaml");
	ck_assert_int_eq(policy_load_buffer("deep.yaml", buf, 2 * n, &p, &d), -EINVAL);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_uint_eq(d.v[0].loc.col, 33);
	diag_free(&d);
	free(buf);
}
END_TEST

START_TEST(buffer_too_large)
{
	size_t len = (16u << 20) + 1;
	char *buf = malloc(len);
	struct diag_list d;
	struct policy *p = NULL;

	memset(buf, ' ', len);
	diag_init(&d, "big.yaml");
	ck_assert_int_eq(policy_load_buffer("big.yaml", buf, len, &p, &d), -EFBIG);
	ck_assert_uint_eq(d.v[0].loc.line, 0);
	diag_free(&d);
	free(buf);
}
END_TEST

START_TEST(garbage_never_crashes)
{
	unsigned int seed = 12345;
	char buf[4096];

	for (int round = 0; round < 300; round++) {
		size_t len = (size_t)(rand_r(&seed) % sizeof(buf));
		struct diag_list d;
		struct policy *p = NULL;
		int r;

		for (size_t i = 0; i < len; i++)
			buf[i] = (char)(rand_r(&seed) & 0xff);
		diag_init(&d, "garbage");
		r = policy_load_buffer("garbage", buf, len, &p, &d);
		ck_assert_int_lt(r, 0);
		ck_assert_ptr_null(p);
		ck_assert_uint_gt(diag_count(&d), 0);
		diag_free(&d);
	}
}
END_TEST

START_TEST(value_shown_is_truncated)
{
	char buf[8192];
	struct diag_list d;

	snprintf(buf, sizeof(buf), BASE "default_action: ");
	memset(buf + strlen(buf), 'x', 5000);
	buf[sizeof(BASE) + 16 + 5000 - 1] = '\0';
	strcat(buf, "\n");
	ck_assert_ptr_null(load(buf, &d));
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_uint_lt(strlen(d.v[0].msg), 300);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "..."));
	diag_free(&d);
}
END_TEST

START_TEST(single_errors)
{
	/* Errors best written inline (no file header to shift the lines). */
	load_bad("", 1, 1, "the policy is empty");
	load_bad("---\n", 2, 1, "the policy is empty");
	load_bad("version: 1\ninterfaces: [{name: eth0}, {name: lo}]\nrules:\n"
		 "  - {name: r, action: drop, interfaces: [lo, lo]}\n",
		 4, 46, "'lo' is listed twice");
	load_bad(BASE "rules:\n  - {name: r, action: drop, src: []}\n", 5, 34, "the list is empty");
	load_bad(BASE "rules:\n  - {name: r, action: drop, protocol: icmpv6, src: 10.0.0.0/8}\n",
		 5, 52, "protocol icmpv6 is IPv6 only");
	load_bad(BASE "rules:\n  - {name: r, action: drop, protocol: tcp, tcp_flags: 'syn,,ack'}\n",
		 5, 55, "'' is not a TCP flag");
	load_bad(BASE "sampling: [1]\n", 4, 11, "sampling: expected a mapping, got a list");
	load_bad(BASE "load_balancers:\n  - {name: x, vip: 192.0.2.1, protocol: tcp, port: 1,"
		      " backends: [{address: 192.0.2.2, mac: '00:00:00:00:00:00'}]}\n",
		 5, 92, "all-zero MAC");
	load_bad(BASE "load_balancers:\n  - {name: x, vip: 192.0.2.1, protocol: tcp, port: 1,"
		      " backends: [{address: 192.0.2.2}], health_check: {interval: 50ms}}\n",
		 5, 114, "interval: 50ms is out of range 100ms-1h");
	load_bad(BASE "load_balancers:\n  - {name: x, vip: 192.0.2.1, protocol: tcp, port: 1,"
		      " backends: [{address: 192.0.2.2}], health_check: {interval: 500ms}}\n",
		 5, 114, "timeout 1s must be shorter than interval 500ms");
	load_bad(BASE "control: {socket: /run/../x.sock}\n", 4, 19, "must not contain");
	load_bad("version: 1\ninterfaces:\n  - name: this-is-too-long0\n", 3, 11,
		 "not a valid interface name");
}
END_TEST

/* ---- files: I/O errors ---- */

static void expect_file_error(const char *path, int err, const char *text)
{
	struct diag_list d;
	struct policy *p = (struct policy *)1;
	char *out;
	int rc;

	diag_init(&d, path);
	ck_assert_int_eq(policy_load_file(path, &p, &d), err);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(diag_count(&d), 1);
	ck_assert_uint_eq(d.v[0].loc.line, 0);
	ck_assert_msg(strstr(d.v[0].msg, text), "'%s' lacks '%s'", d.v[0].msg, text);
	diag_free(&d);
	out = check_output(path, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, path));
	ck_assert_ptr_nonnull(strstr(out, text));
	free(out);
}

START_TEST(file_errors)
{
	char *missing = tmp_path("missing.yaml"), *big = tmp_path("big.yaml");
	char *fifo = tmp_path("fifo.yaml");
	int fd;

	expect_file_error(missing, -ENOENT, "No such file or directory");
	expect_file_error(tmpdir, -EISDIR, "is a directory");
	fd = open(big, O_CREAT | O_WRONLY | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (16 << 20) + 1), 0);
	close(fd);
	expect_file_error(big, -EFBIG, "larger than 16 MiB");
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	expect_file_error(fifo, -EINVAL, "not a regular file"); /* and does not block */
	unlink(big);
	unlink(fifo);
	free(missing);
	free(big);
	free(fifo);
}
END_TEST

START_TEST(file_ok_and_sha)
{
	char *path = tmp_path("ok.yaml"), *out;
	struct diag_list d;
	struct policy *p;
	uint8_t digest[32];
	FILE *f = fopen(path, "w");
	int rc;

	fputs(BASE, f);
	fclose(f);
	diag_init(&d, path);
	ck_assert_int_eq(policy_load_file(path, &p, &d), 0);
	sha256(BASE, strlen(BASE), digest);
	ck_assert_mem_eq(p->sha256, digest, 32);
	ck_assert_str_eq(p->path, path);
	policy_free(p);
	diag_free(&d);
	out = check_output(path, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(out + strlen(path), ": ok\n");
	free(out);
	unlink(path);
	free(path);
}
END_TEST

/* ---- corpora ---- */

struct expect {
	unsigned int line, col;
	char text[256];
	bool seen;
};

static size_t read_expects(const char *path, struct expect *e, size_t max)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n = 0;

	ck_assert_ptr_nonnull(f);
	while (n < max && fgets(line, sizeof(line), f)) {
		int off = 0;

		if (sscanf(line, "# expect: %u:%u: %n", &e[n].line, &e[n].col, &off) != 2 || !off)
			break;
		snprintf(e[n].text, sizeof(e[n].text), "%s", line + off);
		e[n].text[strcspn(e[n].text, "\n")] = '\0';
		e[n].seen = false;
		n++;
	}
	fclose(f);
	return n;
}

static void check_bad_file(const char *path)
{
	struct expect e[32];
	size_t n = read_expects(path, e, 32);
	struct diag_list d;
	struct policy *p;
	char *all, *out;
	int rc;

	ck_assert_msg(n > 0, "%s: no '# expect: LINE:COLUMN: text' line", path);
	diag_init(&d, path);
	ck_assert_msg(policy_load_file(path, &p, &d) < 0, "%s: accepted", path);
	ck_assert_ptr_null(p);
	all = diag_to_string(&d);
	/* Exactly the expected locations: every diagnostic is expected ... */
	ck_assert_msg(d.n == n, "%s: want %zu diagnostics, got:\n%s", path, n, all);
	for (size_t i = 0; i < d.n; i++) {
		bool found = false;

		for (size_t j = 0; j < n && !found; j++) {
			if (e[j].seen || e[j].line != d.v[i].loc.line || e[j].col != d.v[i].loc.col ||
			    !strstr(d.v[i].msg, e[j].text))
				continue;
			e[j].seen = found = true;
		}
		ck_assert_msg(found, "%s: unexpected %u:%u: %s\nall:\n%s", path, d.v[i].loc.line,
			      d.v[i].loc.col, d.v[i].msg, all);
	}
	/* ... and, as counts match, every expectation was met. The tool agrees: */
	out = check_output(path, &rc);
	ck_assert_int_eq(rc, 1);
	for (size_t j = 0; j < n; j++) {
		char want[600];

		snprintf(want, sizeof(want), "%s:%u:%u: ", path, e[j].line, e[j].col);
		ck_assert_msg(strstr(out, want), "%s: check output lacks '%s':\n%s", path, want, out);
	}
	free(out);
	free(all);
	diag_free(&d);
}

static void check_good_file(const char *path)
{
	struct diag_list d;
	struct policy *p;
	char *all, *out;
	int rc;

	diag_init(&d, path);
	rc = policy_load_file(path, &p, &d);
	all = diag_to_string(&d);
	ck_assert_msg(rc == 0 && diag_count(&d) == 0, "%s:\n%s", path, all);
	ck_assert_int_eq(p->version, 1);
	policy_free(p);
	free(all);
	diag_free(&d);
	out = check_output(path, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_msg(strstr(out, ": ok\n"), "%s", out);
	free(out);
}

/* Calls fn on every *.yaml in the directory named by env; returns the count. */
static size_t for_each_yaml(const char *env, void (*fn)(const char *path))
{
	const char *dir = getenv(env);
	struct dirent **ents;
	size_t count = 0;
	int n;

	ck_assert_msg(dir, "%s is not set (meson sets it)", env);
	n = scandir(dir, &ents, NULL, alphasort);
	ck_assert_msg(n >= 0, "cannot read %s", dir);
	for (int i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);
		char *path;

		if (len > 5 && !strcmp(ents[i]->d_name + len - 5, ".yaml")) {
			ck_assert_int_ge(asprintf(&path, "%s/%s", dir, ents[i]->d_name), 0);
			fn(path);
			free(path);
			count++;
		}
		free(ents[i]);
	}
	free(ents);
	return count;
}

START_TEST(corpus_bad)
{
	size_t n = for_each_yaml("XDPD_BAD_POLICIES", check_bad_file);

	ck_assert_msg(n >= 35, "only %zu malformed policies", n);
}
END_TEST

START_TEST(corpus_good)
{
	ck_assert_uint_ge(for_each_yaml("XDPD_GOOD_POLICIES", check_good_file), 1);
}
END_TEST

START_TEST(examples_validate)
{
	ck_assert_uint_ge(for_each_yaml("XDPD_EXAMPLE_POLICIES", check_good_file), 4);
}
END_TEST

static void make_tmpdir(void)
{
	char tmpl[] = "/tmp/xdpd-test-policy.XXXXXX";

	tmpdir = strdup(mkdtemp(tmpl));
}

static void remove_tmpdir(void)
{
	rmdir(tmpdir);
	free(tmpdir);
}

static Suite *policy_suite(void)
{
	Suite *s = suite_create("policy");
	TCase *t = tcase_create("good");

	tcase_add_test(t, good_top_level);
	tcase_add_test(t, good_rules);
	tcase_add_test(t, good_lb);
	tcase_add_test(t, defaults);
	tcase_add_test(t, encodings_and_line_ends);
	tcase_add_test(t, health_check_empty_and_refused);
	tcase_add_test(t, port_lists_and_nulls);
	suite_add_tcase(s, t);

	t = tcase_create("errors");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, all_errors_in_one_pass);
	tcase_add_test(t, too_many_rules);
	tcase_add_test(t, duplicate_names_many);
	tcase_add_test(t, diagnostics_are_capped);
	tcase_add_test(t, deep_nesting_no_stack_overflow);
	tcase_add_test(t, buffer_too_large);
	tcase_add_test(t, garbage_never_crashes);
	tcase_add_test(t, value_shown_is_truncated);
	tcase_add_test(t, single_errors);
	suite_add_tcase(s, t);

	t = tcase_create("files");
	tcase_set_timeout(t, 60);
	tcase_add_unchecked_fixture(t, make_tmpdir, remove_tmpdir);
	tcase_add_test(t, file_errors);
	tcase_add_test(t, file_ok_and_sha);
	tcase_add_test(t, corpus_bad);
	tcase_add_test(t, corpus_good);
	tcase_add_test(t, examples_validate);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(policy_suite());
}
