/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The datapath at its limits: the verifier accepts the program for the
 * largest classifier the ABI allows, a 10,000-rule policy judges correctly,
 * and the program attaches in native mode to a veth.
 */
#include <check.h>
#include <errno.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xdpd_abi.h" /* before the skeleton, which uses its structs */
#include "xdpd.skel.h"

#include "dp_harness.h"

#define XDP_DROP 1
#define XDP_PASS 2

#define SCALE_RULES 10000

/* Loads the object directly with the given classifier shape (no policy):
 * only the verifier's verdict matters here. pfx: 0, the address tables
 * searched by hash with XDPD_PFX_LENS lengths each; 1, by their LPM tries. */
static void load_with_pfx(uint32_t nrules, uint32_t field_mask, int pfx)
{
	struct xdpd *skel = xdpd__open();
	struct xdpd_config *cfg;
	struct bpf_prog_info info = {0};
	uint32_t info_len = sizeof(info);
	int err;

	ck_assert_ptr_nonnull(skel);
	cfg = (struct xdpd_config *)&skel->rodata->cfg;
	cfg->nrules = nrules;
	cfg->nwords = (nrules + 63) / 64;
	cfg->nsum = (cfg->nwords + 63) / 64;
	cfg->field_mask = field_mask;
	cfg->prim_mask = field_mask | (1u << XDPD_F_PROTO);
	cfg->default_action = XDPD_ACT_DROP;
	for (int t = 0; t < 4; t++)
		for (int j = 0; j < XDPD_PFX_LENS; j++)
			cfg->pfx_len[t][j] = pfx ? XDPD_PFX_TRIE : (uint8_t)(32 - 8 * j);
	err = xdpd__load(skel);
	ck_assert_msg(err == 0, "verifier refused nrules=%u field_mask=%#x: %d", nrules, field_mask,
		      err);
	err = bpf_obj_get_info_by_fd(bpf_program__fd(skel->progs.xdpd_main), &info, &info_len);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_gt(info.xlated_prog_len, 0);
	xdpd__destroy(skel);
}

static void load_with_config(uint32_t nrules, uint32_t field_mask)
{
	load_with_pfx(nrules, field_mask, 0);
}

START_TEST(test_verifier_limits)
{
	const uint32_t all = (1u << XDPD_NFIELDS) - 1;
	const uint32_t sizes[] = {0, 1, 64, 65, 4096, SCALE_RULES, XDPD_MAX_RULES};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		load_with_config(sizes[i], all);
		load_with_config(sizes[i], 1u << XDPD_F_PROTO);
		load_with_config(sizes[i], (1u << XDPD_F_SRC) | (1u << XDPD_F_DPORT));
	}
	load_with_pfx(XDPD_MAX_RULES, all, 1);
}
END_TEST

/* Rule i drops UDP from 10.(i/256).(i%256).0/24 to port 10000 + i; a last
 * rule drops TCP. */
static char *scale_policy(void)
{
	size_t cap = 256 + (size_t)SCALE_RULES * 160, len = 0;
	char *y = malloc(cap);

	ck_assert_ptr_nonnull(y);
	len += (size_t)snprintf(y + len, cap - len,
				"version: 1\ninterfaces:\n  - name: " DP_IF0 "\nrules:\n");
	for (int i = 0; i < SCALE_RULES; i++)
		len += (size_t)snprintf(y + len, cap - len,
					"  - name: r%d\n    action: drop\n    protocol: udp\n"
					"    dst_port: %d\n    src: 10.%d.%d.0/24\n",
					i, 10000 + i, i / 256, i % 256);
	snprintf(y + len, cap - len, "  - name: catch-tcp\n    action: drop\n    protocol: tcp\n");
	return y;
}

static void expect_udp(struct dp *d, int net, int dport, int action, const char *rule)
{
	char src[32];
	struct frame_spec s = {.src = src,
			       .dst = "192.0.2.1",
			       .proto = IPPROTO_UDP,
			       .sport = 5000,
			       .dport = (uint16_t)dport};

	snprintf(src, sizeof(src), "10.%d.%d.77", net / 256, net % 256);
	dp_expect_spec(d, DP_IF0, &s, action, rule);
}

START_TEST(test_10k_rules)
{
	char *yaml = scale_policy();
	struct dp *d = dp_load(yaml);
	struct frame_spec tcp = {.src = "10.0.0.1",
				 .dst = "192.0.2.1",
				 .proto = IPPROTO_TCP,
				 .sport = 1,
				 .dport = 10000};

	free(yaml);
	expect_udp(d, 0, 10000, XDP_DROP, "r0");
	expect_udp(d, 4321, 14321, XDP_DROP, "r4321");
	expect_udp(d, SCALE_RULES - 1, 10000 + SCALE_RULES - 1, XDP_DROP, "r9999");
	/* right port, wrong source and the reverse */
	expect_udp(d, 0, 10000 + SCALE_RULES - 1, XDP_PASS, NULL);
	expect_udp(d, SCALE_RULES - 1, 10000, XDP_PASS, NULL);
	dp_expect_spec(d, DP_IF0, &tcp, XDP_DROP, "catch-tcp");
	dp_free(d);
}
END_TEST

START_TEST(test_native_attach)
{
	struct dp *d = dp_load("version: 1\ninterfaces:\n  - name: " DP_IF0 "\n");
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int ifindex = (int)if_nametoindex(DP_IF0);
	int err;

	ck_assert_int_gt(ifindex, 0);
	err = bpf_xdp_attach(ifindex, d->prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	ck_assert_msg(err == 0, "native attach to veth %s: %s", DP_IF0, strerror(-err));
	err = bpf_xdp_query(ifindex, 0, &q);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(q.attach_mode, XDP_ATTACHED_DRV);
	ck_assert_uint_ne(q.drv_prog_id, 0);
	err = bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
	ck_assert_int_eq(err, 0);
	dp_free(d);
}
END_TEST

Suite *scale_suite(void);

Suite *scale_suite(void)
{
	Suite *s = suite_create("datapath-scale");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_verifier_limits);
	tcase_add_test(tc, test_10k_rules);
	tcase_add_test(tc, test_native_attach);
	suite_add_tcase(s, tc);
	return s;
}
