// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpd's command line (daemon/options.c): contract §3 and usage errors. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include <syslog.h>

#include "options.h"
#include "policy.h"
#include "check_run.h"

static char err[256];
static struct xdpd_cmdline cl;

/* argv as getopt wants it: writable, NULL-terminated, argv[0] = "xdpd". */
#define PARSE(...)                                                                                 \
	({                                                                                         \
		char *argv_[] = {"xdpd", __VA_ARGS__, NULL};                                       \
		err[0] = '\0';                                                                     \
		options_parse((int)(sizeof(argv_) / sizeof(argv_[0])) - 1, argv_, &cl, err,        \
			      sizeof(err));                                                        \
	})

START_TEST(defaults)
{
	char *argv[] = {"xdpd", NULL};

	ck_assert_int_eq(options_parse(1, argv, &cl, err, sizeof(err)), 0);
	ck_assert_int_eq(cl.cmd, XDPD_CMD_RUN);
	ck_assert_str_eq(cl.opts.config_path, "/etc/xdpd.yaml");
	ck_assert_ptr_null(cl.opts.socket_path);
	ck_assert_ptr_null(cl.opts.bpffs_dir);
	ck_assert_int_eq(cl.opts.log_level, LOG_INFO);
}
END_TEST

START_TEST(all_run_options)
{
	ck_assert_int_eq(PARSE("-c", "/tmp/p.yaml", "--socket", "/tmp/s.sock", "--bpffs",
			       "/sys/fs/bpf/t", "--log-level", "debug"),
			 0);
	ck_assert_int_eq(cl.cmd, XDPD_CMD_RUN);
	ck_assert_str_eq(cl.opts.config_path, "/tmp/p.yaml");
	ck_assert_str_eq(cl.opts.socket_path, "/tmp/s.sock");
	ck_assert_str_eq(cl.opts.bpffs_dir, "/sys/fs/bpf/t");
	ck_assert_int_eq(cl.opts.log_level, LOG_DEBUG);
}
END_TEST

START_TEST(long_forms_with_equals)
{
	ck_assert_int_eq(PARSE("--config=/a.yaml", "--log-level=warning"), 0);
	ck_assert_str_eq(cl.opts.config_path, "/a.yaml");
	ck_assert_int_eq(cl.opts.log_level, LOG_WARNING);
}
END_TEST

START_TEST(commands)
{
	ck_assert_int_eq(PARSE("--check", "-c", "x.yaml"), 0);
	ck_assert_int_eq(cl.cmd, XDPD_CMD_CHECK);
	ck_assert_str_eq(cl.opts.config_path, "x.yaml");
	ck_assert_int_eq(PARSE("--teardown", "--bpffs", "/sys/fs/bpf/x"), 0);
	ck_assert_int_eq(cl.cmd, XDPD_CMD_TEARDOWN);
	ck_assert_str_eq(cl.opts.bpffs_dir, "/sys/fs/bpf/x");
	ck_assert_int_eq(PARSE("--version"), 0);
	ck_assert_int_eq(cl.cmd, XDPD_CMD_VERSION);
	ck_assert_int_eq(PARSE("-h"), 0);
	ck_assert_int_eq(cl.cmd, XDPD_CMD_HELP);
	ck_assert_int_eq(PARSE("--help"), 0);
	ck_assert_int_eq(cl.cmd, XDPD_CMD_HELP);
}
END_TEST

START_TEST(two_commands_refused)
{
	ck_assert_int_eq(PARSE("--check", "--teardown"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--teardown"));
}
END_TEST

START_TEST(unknown_option)
{
	ck_assert_int_eq(PARSE("--bogus"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--bogus"));
	ck_assert_int_eq(PARSE("-x"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "-x"));
}
END_TEST

/* Regression: "--version=3" used to say "unknown option '-\x05'" (the
 * option's internal value printed as a character). */
START_TEST(argument_to_flag_refused)
{
	ck_assert_int_eq(PARSE("--version=3"), -EINVAL);
	ck_assert_str_eq(err, "option '--version' takes no argument");
	ck_assert_int_eq(PARSE("--check=yes"), -EINVAL);
	ck_assert_str_eq(err, "option '--check' takes no argument");
	ck_assert_int_eq(PARSE("--help=1"), -EINVAL);
	ck_assert_str_eq(err, "option '--help' takes no argument");
	ck_assert_int_eq(PARSE("--nope=1"), -EINVAL);
	ck_assert_str_eq(err, "unknown option '--nope=1'");
	ck_assert_int_eq(PARSE("-q"), -EINVAL);
	ck_assert_str_eq(err, "unknown option '-q'");
}
END_TEST

START_TEST(missing_argument)
{
	ck_assert_int_eq(PARSE("-c"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'-c' needs an argument"));
	ck_assert_int_eq(PARSE("--bpffs"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'--bpffs' needs an argument"));
	ck_assert_int_eq(PARSE("--socket="), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "--socket"));
}
END_TEST

/* --socket is refused where control.socket is (regression: a path of 108
 * bytes or more was cut by bind(), a relative one accepted). */
START_TEST(bad_socket_path)
{
	char longest[POLICY_SOCKET_MAX], too_long[POLICY_SOCKET_MAX + 1];

	memset(longest, 'x', sizeof(longest) - 1);
	longest[0] = '/';
	longest[sizeof(longest) - 1] = '\0';
	memcpy(too_long + 1, longest, sizeof(longest));
	too_long[0] = '/';
	ck_assert_int_eq(PARSE("--socket", longest), 0);
	ck_assert_int_eq(PARSE("--socket", too_long), -EINVAL);
	ck_assert_str_eq(err, "option '--socket': the path is longer than 107 bytes");
	ck_assert_int_eq(PARSE("--socket", "xdpd.sock"), -EINVAL);
	ck_assert_str_eq(err, "option '--socket': 'xdpd.sock' is not an absolute path");
	ck_assert_int_eq(PARSE("--socket=/run/xdpd/../x.sock"), -EINVAL);
	ck_assert_str_eq(err, "option '--socket': '/run/xdpd/../x.sock' must not contain '.', "
			      "'..' or empty components");
	ck_assert_int_eq(PARSE("--socket", "/run/xdpd/"), -EINVAL);
	ck_assert_str_eq(err, "option '--socket': '/run/xdpd/' must not end in '/'");
}
END_TEST

/* --bpffs as the policy's bpffs: the teardown and the reload compare the
 * spelling, so one directory has one. */
START_TEST(bad_bpffs_dir)
{
	ck_assert_int_eq(PARSE("--bpffs", "/sys/fs/bpf/xdpd"), 0);
	ck_assert_int_eq(PARSE("--bpffs", "/sys/fs/bpf/xdpd/"), -EINVAL);
	ck_assert_str_eq(err, "option '--bpffs': '/sys/fs/bpf/xdpd/' must not end in '/'");
	ck_assert_int_eq(PARSE("--bpffs", "/sys/fs/bpf//xdpd"), -EINVAL);
	ck_assert_int_eq(PARSE("--bpffs", "pins"), -EINVAL);
	ck_assert_str_eq(err, "option '--bpffs': 'pins' is not an absolute path");
}
END_TEST

START_TEST(bad_log_level)
{
	ck_assert_int_eq(PARSE("--log-level", "loud"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'loud'"));
	ck_assert_int_eq(PARSE("--log-level", "ERROR"), 0);
	ck_assert_int_eq(cl.opts.log_level, LOG_ERR);
}
END_TEST

START_TEST(positional_refused)
{
	ck_assert_int_eq(PARSE("-c", "a.yaml", "extra"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "'extra'"));
}
END_TEST

START_TEST(check_touches_no_kernel_state)
{
	ck_assert_int_eq(PARSE("--check", "--bpffs", "/sys/fs/bpf/x"), -EINVAL);
	ck_assert_int_eq(PARSE("--check", "--socket", "/tmp/s"), -EINVAL);
	ck_assert_int_eq(PARSE("--teardown", "--socket", "/tmp/s"), -EINVAL);
}
END_TEST

START_TEST(reparse_resets_state)
{
	ck_assert_int_eq(PARSE("--teardown"), 0);
	ck_assert_int_eq(PARSE("-c", "b.yaml"), 0);
	ck_assert_int_eq(cl.cmd, XDPD_CMD_RUN);
	ck_assert_str_eq(cl.opts.config_path, "b.yaml");
}
END_TEST

static Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, defaults);
	tcase_add_test(tc, all_run_options);
	tcase_add_test(tc, long_forms_with_equals);
	tcase_add_test(tc, commands);
	tcase_add_test(tc, two_commands_refused);
	tcase_add_test(tc, unknown_option);
	tcase_add_test(tc, argument_to_flag_refused);
	tcase_add_test(tc, missing_argument);
	tcase_add_test(tc, bad_socket_path);
	tcase_add_test(tc, bad_bpffs_dir);
	tcase_add_test(tc, bad_log_level);
	tcase_add_test(tc, positional_refused);
	tcase_add_test(tc, check_touches_no_kernel_state);
	tcase_add_test(tc, reparse_resets_state);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(options_suite());
}
