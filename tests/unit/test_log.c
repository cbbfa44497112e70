// SPDX-License-Identifier: GPL-2.0-or-later
/* daemon/log.c: the text of libbpf's messages in xdpd's log. */
#include <check.h>
#include <stdarg.h>
#include <string.h>

#include "log.h"
#include "check_run.h"

static char buf[256];

/* What libbpf_to_log() gets: a format and its arguments. */
static const char *libbpf_text(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_libbpf_text(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return buf;
}

/* Regression: "xdpd: debug: libbpf: libbpf: loading object". */
START_TEST(libbpf_prefix_once)
{
	ck_assert_str_eq(libbpf_text("libbpf: loading object '%s' from buffer\n", "xdpd"),
			 "libbpf: loading object 'xdpd' from buffer");
	ck_assert_str_eq(libbpf_text("%s", "libbpf: map 'meta': created\n"),
			 "libbpf: map 'meta': created");
}
END_TEST

/* Messages libbpf does not prefix itself (the verifier log) get it. */
START_TEST(libbpf_prefix_added)
{
	ck_assert_str_eq(libbpf_text("%s\n\n", "0: R1=ctx() R10=fp0"),
			 "libbpf: 0: R1=ctx() R10=fp0");
	ck_assert_str_eq(libbpf_text("libbpf:x"), "libbpf: libbpf:x");
	ck_assert_str_eq(libbpf_text("\n"), "libbpf: ");
}
END_TEST

/* A message longer than the buffer is cut, never overrun. */
START_TEST(libbpf_long_message_cut)
{
	libbpf_text("libbpf: %0300d\n", 7);
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
	ck_assert_int_eq(strncmp(buf, "libbpf: 000", 11), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("libbpf");

	tcase_add_test(tc, libbpf_prefix_once);
	tcase_add_test(tc, libbpf_prefix_added);
	tcase_add_test(tc, libbpf_long_message_cut);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
