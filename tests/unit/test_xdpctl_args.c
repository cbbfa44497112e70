// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl argument handling: every command's usage errors exit 2 with a
 * message naming the bad token and a usage line, before any connection;
 * well-formed commands get as far as connecting (exit 3 on a socket path
 * where nothing exists); help and version exit 0.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "xdpctl_harness.h"
#include "check_run.h"

#define S xrun_missing_socket()

struct usage_case {
	const char *args[10];
	const char *token; /* must appear in stderr */
};

static const char comment64[] = "0123456789012345678901234567890123456789012345678901234567890123";

/* args[0] is a placeholder replaced with "-s MISSING" so a mistake that
 * reached the daemon would show as exit 3, not 2. */
static const struct usage_case usage_cases[] = {
    {{"frobnicate"}, "unknown command 'frobnicate'"},
    {{"--bogus", "status"}, "unknown option '--bogus'"},
    {{"--timeout", "fast", "status"}, "'fast'"},
    {{"--timeout=0", "status"}, "'0'"},
    {{"--timeout"}, "needs a value"},
    {{"status", "extra"}, "unexpected argument 'extra'"},
    {{"status", "--all"}, "unknown option '--all'"},
    {{"rules", "x"}, "unexpected argument 'x'"},
    {{"stats", "--prom"}, "unknown option '--prom'"},
    {{"stats", "--prometheus", "--json"}, "exclude"},
    {{"stats", "now"}, "unexpected argument 'now'"},
    {{"lb", "a", "b"}, "unexpected argument 'b'"},
    {{"lb", "--all"}, "unknown option '--all'"},
    {{"lb", "drain"}, "missing BALANCER"},
    {{"lb", "drain", "web"}, "missing BACKEND"},
    {{"lb", "enable", "web", "not-an-ip"}, "'not-an-ip'"},
    {{"lb", "disable", "web", "10.0.0.1", "x"}, "unexpected argument 'x'"},
    {{"block"}, "missing subcommand"},
    {{"block", "nuke"}, "unknown subcommand 'nuke'"},
    {{"block", "add"}, "missing PREFIX"},
    {{"block", "add", "10.0.0.1/33"}, "'10.0.0.1/33'"},
    {{"block", "add", "10.0.0.1/8"}, "'10.0.0.1/8'"},
    {{"block", "add", "example.com"}, "'example.com'"},
    {{"block", "add", "10.0.0.0/8", "10.1.0.0/16"}, "unexpected argument '10.1.0.0/16'"},
    {{"block", "add", "10.0.0.0/8", "--ttl"}, "needs a value"},
    {{"block", "add", "10.0.0.0/8", "--ttl", "10x"}, "'10x'"},
    {{"block", "add", "10.0.0.0/8", "--ttl", "0s"}, "'0s'"},
    {{"block", "add", "10.0.0.0/8", "--ttl=-5"}, "'-5'"},
    {{"block", "add", "10.0.0.0/8", "--ttl", "99999999999d"}, "'99999999999d'"},
    {{"block", "add", "10.0.0.0/8", "--comment", comment64}, "at most 63"},
    {{"block", "add", "10.0.0.0/8", "--comment", "a\nb"}, "control character"},
    {{"block", "add", "10.0.0.0/8", "--expire", "1h"}, "unknown option '--expire'"},
    {{"block", "del"}, "missing PREFIX"},
    {{"block", "del", "nope"}, "'nope'"},
    {{"block", "del", "10.0.0.0/8", "--ttl", "1h"}, "unknown option '--ttl'"},
    {{"block", "list", "x"}, "unexpected argument 'x'"},
    {{"block", "flush", "--force"}, "unknown option '--force'"},
    {{"reload", "--dry"}, "unknown option '--dry'"},
    {{"reload", "--dry-run=yes"}, "takes no value"},
    {{"reload", "--dry-run", "--dry-run"}, "'--dry-run' given twice"},
    {{"block", "add", "10.0.0.0/8", "--ttl", "1h", "--ttl=2h"}, "'--ttl' given twice"},
    {{"monitor", "-c", "1", "--count", "2"}, "'--count' given twice"},
    {{"reload", "now"}, "unexpected argument 'now'"},
    {{"check", "a.yaml", "b.yaml"}, "unexpected argument 'b.yaml'"},
    {{"check", "--strict"}, "unknown option '--strict'"},
    {{"monitor", "--count", "0"}, "'0'"},
    {{"monitor", "--count", "many"}, "'many'"},
    {{"monitor", "--rate", "-1"}, "'-1'"},
    {{"monitor", "--pcap"}, "needs a value"},
    {{"lb", "frob", "web", "10.0.0.1"}, "'frob' is not drain, enable or disable"},
    {{"monitor", "--pcap", "-", "--json"}, "--json cannot share it"},
    {{"monitor", "eth0"}, "unexpected argument 'eth0'"},
    {{"trace"}, "missing PACKET"},
    {{"trace", "  "}, "empty packet"},
    {{"trace", "--verbose", "tcp 1.2.3.4:1 > 5.6.7.8:2"}, "unknown option '--verbose'"},
    {{"version", "x"}, "unexpected argument 'x'"},
    {{"help", "nope"}, "unknown command 'nope'"},
};

START_TEST(usage_error_exits_2)
{
	const struct usage_case *uc = &usage_cases[_i];
	const char *argv[16] = {"-s", S};
	int n = 2;

	for (int k = 0; uc->args[k]; k++)
		argv[n++] = uc->args[k];
	argv[n] = NULL;
	struct xrun r = xrun_argv(argv);

	ck_assert_msg(r.rc == 2, "case %d (%s ...): exit %d, stderr: %s", _i, uc->args[0], r.rc,
		      r.err);
	ck_assert_msg(strstr(r.err, uc->token), "case %d: stderr lacks \"%s\": %s", _i, uc->token,
		      r.err);
	ck_assert_msg(strstr(r.err, "usage: xdpctl"), "case %d: no usage hint: %s", _i, r.err);
	ck_assert_str_eq(r.out, "");
	xrun_free(&r);
}
END_TEST

START_TEST(no_command_exits_2)
{
	struct xrun r = XRUN("--json");

	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "no command"));
	xrun_free(&r);
}
END_TEST

START_TEST(bad_socket_path_exits_2)
{
	char longpath[200];

	memset(longpath, 'a', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	struct xrun r = XRUN("-s", longpath, "status");
	ck_assert_int_eq(r.rc, 2);
	ck_assert_ptr_nonnull(strstr(r.err, "bad socket path"));
	xrun_free(&r);
}
END_TEST

/* Well-formed commands pass the local checks and try to connect. */
static const char *const valid_cases[][9] = {
    {"status"},
    {"rules"},
    {"stats"},
    {"stats", "--prometheus"},
    {"stats", "-p"},
    {"lb"},
    {"lb", "web"},
    {"lb", "drain", "web", "10.0.0.1"},
    {"lb", "enable", "web", "2001:db8::1"},
    {"lb", "disable", "web", "10.0.0.1"},
    {"block", "add", "10.0.0.0/8", "--ttl", "90s", "--comment", "scanner"},
    {"block", "add", "--ttl=10m", "2001:db8::/32"},
    {"block", "add", "198.51.100.7", "-t", "1h", "-c", "x"},
    {"block", "add", "10.0.0.0/8", "--ttl", "250ms"},
    {"block", "del", "10.0.0.0/8"},
    {"block", "delete", "2001:db8::/32"},
    {"block", "list"},
    {"block", "--json", "list"},
    {"block", "flush"},
    {"reload"},
    {"reload", "--dry-run"},
    {"monitor", "--count", "3", "--rate", "10"},
    {"trace", "tcp 198.51.100.7:40000 > 192.168.1.2:8080 flags S"},
    {"trace", "udp", "10.0.0.1:53", ">", "10.0.0.2:5353"},
    {"--json", "status"},
    {"status", "--json"},
    {"--timeout", "500ms", "rules"},
    {"--socket=/tmp/xdpctl-test-no-such-dir/x.sock", "status"},
};

START_TEST(valid_command_reaches_connect)
{
	const char *argv[16] = {"-s", S};
	int n = 2;

	for (int k = 0; k < 9 && valid_cases[_i][k]; k++)
		argv[n++] = valid_cases[_i][k];
	argv[n] = NULL;
	struct xrun r = xrun_argv(argv);

	ck_assert_msg(r.rc == 3, "case %d (%s): exit %d, stderr: %s", _i, valid_cases[_i][0], r.rc,
		      r.err);
	ck_assert_msg(strstr(r.err, "cannot reach xdpd at "), "case %d: %s", _i, r.err);
	xrun_free(&r);
}
END_TEST

START_TEST(help_exits_0)
{
	static const char *const cases[][4] = {
	    {"--help"},
	    {"-h"},
	    {"help"},
	    {"help", "block"},
	    {"status", "--help"},
	    {"block", "--help"},
	    {"block", "add", "-h"},
	    {"lb", "drain", "--help"},
	    {"stats", "--help"},
	    {"monitor", "--help"},
	    {"check", "--help"},
	    {"trace", "-h"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct xrun r = xrun_argv(cases[i]);

		ck_assert_msg(r.rc == 0, "%s: exit %d", cases[i][0], r.rc);
		ck_assert_msg(strstr(r.out, "usage: xdpctl"), "%s: %s", cases[i][0], r.out);
		ck_assert_str_eq(r.err, "");
		xrun_free(&r);
	}
}
END_TEST

START_TEST(help_lists_every_command)
{
	struct xrun r = XRUN("--help");
	static const char *const words[] = {"status",
					    "rules",
					    "stats [--prometheus]",
					    "lb [NAME]",
					    "lb drain|enable|disable BALANCER BACKEND",
					    "block add PREFIX",
					    "block del PREFIX",
					    "block list",
					    "block flush",
					    "reload [--dry-run]",
					    "check [FILE]",
					    "monitor",
					    "trace",
					    "version",
					    XDPCTL_DEFAULT_SOCKET,
					    "Exit status"};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ck_assert_msg(strstr(r.out, words[i]), "--help lacks %s", words[i]);
	xrun_free(&r);
}
END_TEST

START_TEST(version_without_daemon)
{
	struct xrun r = XRUN("-s", S, "version");

	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.out, "xdpctl " XDPD_VERSION "\n");
	ck_assert_ptr_nonnull(strstr(r.err, "cannot reach xdpd"));
	xrun_free(&r);

	r = XRUN("-s", S, "--json", "version");
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.out, "{\"xdpctl\":\"" XDPD_VERSION "\",\"xdpd\":null}\n");
	xrun_free(&r);

	r = XRUN("--version");
	ck_assert_int_eq(r.rc, 0);
	ck_assert_str_eq(r.out, "xdpctl " XDPD_VERSION "\n");
	xrun_free(&r);
}
END_TEST

START_TEST(ttl_durations)
{
	static const struct {
		const char *s;
		uint64_t secs;
	} ok[] = {{"90s", 90}, {"10m", 600}, {"1h", 3600}, {"1d", 86400},
		  {"45", 45},  {"250ms", 1}, {"1500ms", 2}};
	static const char *const bad[] = {"0", "0s", "", "h", "10x", "-1s", "1.5h", "99999999999d"};
	uint64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(block_ttl_seconds(ok[i].s, &v) == 0, "%s refused", ok[i].s);
		ck_assert_msg(v == ok[i].secs, "%s: %llu", ok[i].s, (unsigned long long)v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(block_ttl_seconds(bad[i], &v) < 0, "%s accepted", bad[i]);
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* check is offline: it works with no daemon and a missing socket. */
START_TEST(check_offline)
{
	char dir[] = "/tmp/xdpctl-check.XXXXXX", ok[64], bad[64], missing[64];

	ck_assert(mkdtemp(dir));
	snprintf(ok, sizeof(ok), "%s/ok.yaml", dir);
	snprintf(bad, sizeof(bad), "%s/bad.yaml", dir);
	snprintf(missing, sizeof(missing), "%s/missing.yaml", dir);
	write_file(ok, "version: 1\ninterfaces:\n  - name: eth0\n");
	write_file(bad, "version: 1\nfrobnicate: 1\ninterfaces:\n  - name: eth0\n");

	struct xrun r = XRUN("-s", S, "check", ok);
	ck_assert_int_eq(r.rc, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "ok"));
	xrun_free(&r);

	char want[128];
	snprintf(want, sizeof(want), "%s:2:1: ", bad);
	r = XRUN("-s", S, "check", bad);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.out, want) || strstr(r.err, want), "%s%s", r.out, r.err);
	xrun_free(&r);

	r = XRUN("-s", S, "check", missing);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.out, missing) || strstr(r.err, missing), "%s%s", r.out, r.err);
	xrun_free(&r);

	unlink(ok);
	unlink(bad);
	rmdir(dir);
}
END_TEST

/* One diagnostic of a --json check answer: line, column, message. */
static void expect_diag(json_object *o, int64_t line, int64_t col, const char *msg_part)
{
	json_object *v;

	ck_assert(json_object_object_get_ex(o, "line", &v));
	ck_assert_int_eq(json_object_get_int64(v), line);
	ck_assert(json_object_object_get_ex(o, "column", &v));
	ck_assert_int_eq(json_object_get_int64(v), col);
	ck_assert(json_object_object_get_ex(o, "message", &v));
	ck_assert_msg(strstr(json_object_get_string(v), msg_part), "message: %s",
		      json_object_get_string(v));
}

/* xdpctl --json check FILE: one object, the exit status of the text form
 * (regression: it printed the text form). */
static json_object *check_json(const char *const *args, int want_rc, const char *path, bool valid)
{
	struct xrun r = xrun_argv(args);
	json_object *o, *v;

	ck_assert_int_eq(r.rc, want_rc);
	ck_assert_msg(strchr(r.out, '\n') == r.out + strlen(r.out) - 1, "not one line: %s", r.out);
	o = xjson(r.out);
	xrun_free(&r);
	ck_assert(json_object_object_get_ex(o, "path", &v));
	ck_assert_str_eq(json_object_get_string(v), path);
	ck_assert(json_object_object_get_ex(o, "valid", &v));
	ck_assert(json_object_is_type(v, json_type_boolean));
	ck_assert_int_eq(json_object_get_boolean(v), valid);
	ck_assert(json_object_object_get_ex(o, "diagnostics", &v));
	ck_assert(json_object_is_type(v, json_type_array));
	return o;
}

START_TEST(check_json_offline)
{
	char dir[] = "/tmp/xdpctl-check.XXXXXX", ok[64], bad[64], missing[64], odd[64], shown[64];
	json_object *o, *a;

	ck_assert(mkdtemp(dir));
	snprintf(ok, sizeof(ok), "%s/ok.yaml", dir);
	snprintf(bad, sizeof(bad), "%s/bad.yaml", dir);
	snprintf(missing, sizeof(missing), "%s/missing.yaml", dir);
	write_file(ok, "version: 1\ninterfaces:\n  - name: eth0\n");
	/* a key that reads like a position: the message is not parsed back */
	write_file(bad, "version: 1\n\"x:1:2: y\": 1\ninterfaces:\n  - name: eth0\n"
			"default_action: maybe\n");

	o = check_json((const char *const[]){"-s", S, "--json", "check", ok, NULL}, 0, ok, true);
	json_object_object_get_ex(o, "diagnostics", &a);
	ck_assert_uint_eq(json_object_array_length(a), 0);
	json_object_put(o);

	o = check_json((const char *const[]){"-s", S, "check", "--json", bad, NULL}, 1, bad, false);
	json_object_object_get_ex(o, "diagnostics", &a);
	ck_assert_uint_eq(json_object_array_length(a), 2);
	expect_diag(json_object_array_get_idx(a, 0), 2, 1, "unknown key 'x:1:2: y'");
	expect_diag(json_object_array_get_idx(a, 1), 5, 17, "'maybe'");
	json_object_put(o);

	o = check_json((const char *const[]){"-s", S, "--json", "check", missing, NULL}, 1, missing,
		       false);
	json_object_object_get_ex(o, "diagnostics", &a);
	ck_assert_uint_eq(json_object_array_length(a), 1);
	expect_diag(json_object_array_get_idx(a, 0), 0, 0, "cannot open");
	json_object_put(o);

	/* a name that is not UTF-8: JSON text all the same */
	snprintf(odd, sizeof(odd), "%s/n\xffx.yaml", dir);
	snprintf(shown, sizeof(shown), "%s/n?x.yaml", dir);
	o = check_json((const char *const[]){"-s", S, "--json", "check", odd, NULL}, 1, shown,
		       false);
	json_object_put(o);

	unlink(ok);
	unlink(bad);
	rmdir(dir);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("xdpctl_args");
	TCase *tc = tcase_create("args");

	tcase_add_loop_test(tc, usage_error_exits_2, 0,
			    sizeof(usage_cases) / sizeof(usage_cases[0]));
	tcase_add_test(tc, no_command_exits_2);
	tcase_add_test(tc, bad_socket_path_exits_2);
	tcase_add_loop_test(tc, valid_command_reaches_connect, 0,
			    sizeof(valid_cases) / sizeof(valid_cases[0]));
	tcase_add_test(tc, help_exits_0);
	tcase_add_test(tc, help_lists_every_command);
	tcase_add_test(tc, version_without_daemon);
	tcase_add_test(tc, ttl_durations);
	tcase_add_test(tc, check_offline);
	tcase_add_test(tc, check_json_offline);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
