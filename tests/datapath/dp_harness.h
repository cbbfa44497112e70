/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The datapath under test: a policy YAML string goes through the real
 * pipeline (policy_load_buffer -> compile_policy -> maps_prepare -> load ->
 * maps_fill) into an unpinned program instance; frames run through it with
 * BPF_PROG_TEST_RUN, and the counters it moved are read back.
 *
 * Tests run in a private network namespace holding two veth ends, DP_IF0 and
 * DP_IF1, so a frame can arrive on either (the ingress ifindex of a test run
 * must name a real device). Their names only exist inside that namespace.
 */
#ifndef XDPD_TEST_DP_HARNESS_H
#define XDPD_TEST_DP_HARNESS_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#include "../../bpf/xdpd_abi.h"
#include "frames.h"

#define DP_IF0 "dpt0"
#define DP_IF1 "dpt1"

/* Counter slots the test tables hand out: rule i of the policy gets
 * DP_RULE_SLOT(i): unique below XDPD_MAX_RULES and != i, so that slot and
 * index cannot be confused. */
#define DP_RULE_SLOT(i) ((3 + 7 * (i)) % XDPD_MAX_RULES)
#define DP_IF0_SLOT	5
#define DP_IF1_SLOT	9

struct policy;
struct compiled_policy;
struct slot_lookup;
struct xdpd;
struct blf;

struct dp {
	struct policy *policy;
	struct compiled_policy *cp;
	struct xdpd *skel;
	int prog_fd;
	struct blf *blf; /* the blocklist lookup index, made by the first dp_block */
	bool classifier_only; /* dp_build: clear config.ndirect (classify.h) */
};

/* Enters a private network namespace and creates the veth pair. Call once,
 * before the test runner forks. Returns 0 or -errno. */
int dp_env_init(void);

struct SRunner;
/* The whole main() of a datapath test: 77 (skipped) without root, 1 when
 * the namespace cannot be made, else runs sr (CK_ENV) and frees it: 0 when
 * every test passed, 1 otherwise. name prefixes the messages. */
int dp_test_main(const char *name, struct SRunner *sr);

/* Loads yaml; fails the running test (with the diagnostics) on any error. */
struct dp *dp_load(const char *yaml);
/* Compiles d->policy with these slots and interface indexes, then loads the
 * program with the result in its maps: the daemon's pipeline short of
 * attaching. Fails the running test on any error. */
void dp_build(struct dp *d, const struct slot_lookup *slots,
	      int (*ifindex)(void *ctx, const char *ifname));
void dp_free(struct dp *d);

/* Runs one frame as received on ifname: returns the XDP action, or the
 * negative errno of BPF_PROG_TEST_RUN (the kernel refuses frames shorter
 * than an Ethernet header). */
int dp_run(struct dp *d, const char *ifname, const uint8_t *frame, size_t len);

/* Runs the frame and asserts the verdict and the counters that moved: the
 * interface counter of (ifname, action) by one packet and len bytes, the
 * counter of rule (NULL: no rule) by the same, and nothing else. */
#define dp_expect(d, ifname, frame, len, action, rule)                                             \
	dp_expect_at(__FILE__, __LINE__, d, ifname, frame, len, action, rule)
/* Same for a frame_spec. */
#define dp_expect_spec(d, ifname, spec, action, rule)                                              \
	dp_expect_spec_at(__FILE__, __LINE__, d, ifname, spec, action, rule)

/* The functions behind: file and line name the expectation in failures. */
void dp_expect_at(const char *file, int line, struct dp *d, const char *ifname,
		  const uint8_t *frame, size_t len, int action, const char *rule);
void dp_expect_spec_at(const char *file, int line, struct dp *d, const char *ifname,
		       const struct frame_spec *s, int action, const char *rule);

struct dp_count {
	uint64_t packets, bytes;
};
struct dp_count dp_iface_count(struct dp *d, const char *ifname, int action);
struct dp_count dp_rule_count(struct dp *d, const char *rule);

/* Adds a blocklist entry for prefix that expires ttl_ns from now (0: never;
 * negative: already expired): the record, as the daemon writes it, and the
 * lookup index the datapath searches (dp_blocklist.c). */
void dp_block(struct dp *d, const char *prefix, int64_t ttl_ns);
uint64_t dp_block_hits(struct dp *d, const char *prefix);
/* The datapath's total of blocklist drops (stats_blocklist). */
struct dp_count dp_blocklist_count(struct dp *d);
void dp_unblock(struct dp *d, const char *prefix);
/* The index of d (made on first use). */
struct blf *dp_blf(struct dp *d);

#endif /* XDPD_TEST_DP_HARNESS_H */
