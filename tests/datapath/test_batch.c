// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The benchmarks' batch driver (bench/batch.h) really replays its frames
 * through the program under test: every stored frame once per pass, whole,
 * with its own length, as received on the interface given. The target here
 * is the real datapath, and its own counters are the witness; a driver
 * that skipped frames, repeated one, left a frame the previous one's
 * length or never reached the target would move other numbers.
 */
#include <check.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>

#include "batch.h"
#include "dp_harness.h"
#include "frames.h"

#define XDP_DROP 1
#define XDP_PASS 2
#define NFRAMES	 300

static const char *driver_obj; /* argv[1]: build/bench/batch_driver.bpf.o */

static struct dp *load_drop_8080(void)
{
	return dp_load("version: 1\ninterfaces:\n  - name: " DP_IF0 "\nrules:\n"
		       "  - name: drop-8080\n    action: drop\n    protocol: tcp\n"
		       "    dst_port: 8080\n");
}

/* Frame i: IPv4 or IPv6, to port 8080 (dropped) or 9090, payloads of
 * many sizes, so that neighbours differ in length. */
static int frame_of(unsigned int i, uint8_t *buf, size_t cap)
{
	char src[64];
	struct frame_spec s = {.src = src,
			       .dst = i % 3 == 2 ? "2001:db8::1" : "192.0.2.1",
			       .proto = IPPROTO_TCP,
			       .sport = (uint16_t)(1024 + i),
			       .dport = i % 2 ? 8080 : 9090,
			       .tcp_flags = FRAME_TH_ACK,
			       .payload = (i * 37) % 120};

	if (i % 3 == 2)
		snprintf(src, sizeof(src), "2001:db8:1::%x", i + 1);
	else
		snprintf(src, sizeof(src), "198.51.100.%u", i % 250 + 1);
	return frame_build(&s, buf, cap);
}

START_TEST(test_every_frame_once_per_pass)
{
	struct dp *d = load_drop_8080();
	struct dp_count want[2] = {{0, 0}, {0, 0}}; /* drop, pass */
	struct batch *b;
	uint8_t buf[FRAME_MAX];
	int ifindex = (int)if_nametoindex(DP_IF0);

	ck_assert_int_gt(ifindex, 0);
	ck_assert_int_eq(batch_open(driver_obj, NFRAMES, &b), 0);
	ck_assert_int_eq(batch_set_count(b, NFRAMES), 0);
	for (unsigned int i = 0; i < NFRAMES; i++) {
		int len = frame_of(i, buf, sizeof(buf));
		struct dp_count *c = &want[i % 2 ? 0 : 1];

		ck_assert_int_gt(len, 0);
		ck_assert_int_eq(batch_set_frame(b, i, buf, (uint32_t)len), 0);
		c->packets++;
		c->bytes += (uint64_t)len;
	}
	for (int pass = 1; pass <= 2; pass++) {
		ck_assert(batch_time(b, d->prog_fd, ifindex, pass == 1) >= 0);
		ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_DROP).packets,
				  want[0].packets * pass);
		ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_DROP).bytes, want[0].bytes * pass);
		ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_PASS).packets,
				  want[1].packets * pass);
		ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_PASS).bytes, want[1].bytes * pass);
		ck_assert_uint_eq(dp_rule_count(d, "drop-8080").packets, want[0].packets * pass);
	}
	batch_close(b);
	dp_free(d);
}
END_TEST

/* A smaller set than the driver holds: only its frames, from the first. */
START_TEST(test_smaller_set)
{
	struct dp *d = load_drop_8080();
	struct batch *b;
	uint8_t buf[FRAME_MAX];
	int len = frame_of(1, buf, sizeof(buf)); /* to 8080: dropped */

	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(batch_open(driver_obj, NFRAMES, &b), 0);
	for (unsigned int i = 0; i < NFRAMES; i++) /* the rest: passed */
		ck_assert_int_eq(batch_set_frame(b, i, buf, i == 0 ? (uint32_t)len : 60), 0);
	ck_assert_int_eq(batch_set_count(b, 1), 0);
	ck_assert(batch_time(b, d->prog_fd, (int)if_nametoindex(DP_IF0), 0) >= 0);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_DROP).packets, 1);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_DROP).bytes, (uint64_t)len);
	ck_assert_uint_eq(dp_iface_count(d, DP_IF0, XDP_PASS).packets, 0);
	batch_close(b);
	dp_free(d);
}
END_TEST

/* What the driver cannot hold is refused before any run. */
START_TEST(test_refuses_what_it_cannot_hold)
{
	static uint8_t big[300];
	struct batch *b;

	ck_assert_int_eq(batch_open(driver_obj, 4, &b), 0);
	ck_assert(batch_time(b, 0, 1, 0) == -EINVAL); /* no set yet */
	ck_assert_int_eq(batch_set_count(b, 0), -EINVAL);
	ck_assert_int_eq(batch_set_count(b, 5), -EINVAL);
	ck_assert_int_eq(batch_set_frame(b, 4, big, 60), -EINVAL);
	ck_assert_int_eq(batch_set_frame(b, 0, big, 13), -EINVAL);
	ck_assert_int_eq(batch_set_frame(b, 0, big, sizeof(big)), -EINVAL);
	batch_close(b);
	ck_assert_int_lt(batch_open("/nonexistent/batch_driver.bpf.o", 4, &b), 0);
}
END_TEST

static Suite *batch_suite(void)
{
	Suite *s = suite_create("batch");
	TCase *tc = tcase_create("driver");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_every_frame_once_per_pass);
	tcase_add_test(tc, test_smaller_set);
	tcase_add_test(tc, test_refuses_what_it_cannot_hold);
	suite_add_tcase(s, tc);
	return s;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_batch BATCH_DRIVER_OBJ\n");
		return 2;
	}
	driver_obj = argv[1];
	return dp_test_main("test_batch", srunner_create(batch_suite()));
}
