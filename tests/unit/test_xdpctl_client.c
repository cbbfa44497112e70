// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl's client without a daemon: every way of not reaching one exits 3
 * with "cannot reach xdpd at PATH: ..." (no socket file, a socket nobody
 * listens on, no permission, a listener that never answers), and JSON-RPC
 * errors are reported as "xdpctl: METHOD: MESSAGE (code N)" plus error.data.
 * Behaviour against a live daemon is covered by tests/integration/xdpctl_*.sh.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "client.h"
#include "xdpctl_harness.h"
#include "check_run.h"

static char dir[64];

static void make_dir(void)
{
	snprintf(dir, sizeof(dir), "/tmp/xdpctl-client.XXXXXX");
	ck_assert(mkdtemp(dir));
}

static void remove_dir(const char *path)
{
	unlink(path);
	rmdir(dir);
}

/* A socket file at dir/name, bound, listening (backlog) or not. */
static int bound_socket(const char *name, bool listening, char *path, size_t len)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(path, len, "%s/%s", dir, name);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	if (listening)
		ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

START_TEST(missing_socket_exits_3)
{
	struct xrun r = XRUN("-s", xrun_missing_socket(), "status");
	char want[256];

	ck_assert_int_eq(r.rc, 3);
	snprintf(want, sizeof(want), "xdpctl: cannot reach xdpd at %s: No such file or directory",
		 xrun_missing_socket());
	ck_assert_msg(!strncmp(r.err, want, strlen(want)), "%s", r.err);
	ck_assert_str_eq(r.out, "");
	xrun_free(&r);
}
END_TEST

/* An earlier capture stays as it was when the daemon cannot be reached;
 * a path that cannot be written fails before connecting (1, not 3). */
START_TEST(monitor_pcap_kept_when_unreachable)
{
	char path[108], line[140];
	FILE *f;

	make_dir();
	snprintf(path, sizeof(path), "%s/old.pcap", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("an earlier capture", f);
	fclose(f);
	struct xrun r = XRUN("-s", xrun_missing_socket(), "monitor", "--pcap", path);
	ck_assert_int_eq(r.rc, 3);
	xrun_free(&r);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	fclose(f);
	ck_assert_str_eq(line, "an earlier capture");
	snprintf(line, sizeof(line), "%s/no/such/dir/x.pcap", dir);
	r = XRUN("-s", xrun_missing_socket(), "monitor", "--pcap", line);
	ck_assert_int_eq(r.rc, 1);
	ck_assert_msg(strstr(r.err, "cannot write"), "%s", r.err);
	xrun_free(&r);
	remove_dir(path);
}
END_TEST

START_TEST(nobody_listening_exits_3)
{
	char path[108];
	int fd;

	make_dir();
	fd = bound_socket("stale.sock", false, path, sizeof(path));
	struct xrun r = XRUN("-s", path, "rules");
	ck_assert_int_eq(r.rc, 3);
	ck_assert_msg(strstr(r.err, "Connection refused"), "%s", r.err);
	xrun_free(&r);

	/* A daemon that died leaves the file behind with no socket at all. */
	close(fd);
	r = XRUN("-s", path, "block", "list");
	ck_assert_int_eq(r.rc, 3);
	ck_assert_msg(strstr(r.err, "cannot reach xdpd at"), "%s", r.err);
	xrun_free(&r);
	remove_dir(path);
}
END_TEST

START_TEST(silent_listener_times_out_3)
{
	char path[108];
	struct timespec t0, t1;

	make_dir();
	int fd = bound_socket("silent.sock", true, path, sizeof(path));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct xrun r = XRUN("-s", path, "--timeout", "200ms", "status");
	clock_gettime(CLOCK_MONOTONIC, &t1);

	ck_assert_int_eq(r.rc, 3);
	ck_assert_msg(strstr(r.err, "no reply to 'status' within 200 ms"), "%s", r.err);
	long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_msg(ms >= 190 && ms < 2000, "took %ld ms", ms);
	xrun_free(&r);
	close(fd);
	remove_dir(path);
}
END_TEST

/* As root: the effective uid becomes nobody's for the call, so the socket's
 * mode applies. */
START_TEST(no_permission_exits_3)
{
	char path[108];

	make_dir();
	int fd = bound_socket("private.sock", true, path, sizeof(path));
	ck_assert_int_eq(chmod(path, 0600), 0);
	bool root = geteuid() == 0;

	if (root) {
		ck_assert_int_eq(chmod(dir, 0755), 0);
		ck_assert_int_eq(setegid(65534), 0);
		ck_assert_int_eq(seteuid(65534), 0);
	} else {
		ck_assert_int_eq(chmod(path, 0000), 0);
	}
	struct xrun r = XRUN("-s", path, "status");
	if (root) {
		ck_assert_int_eq(seteuid(0), 0);
		ck_assert_int_eq(setegid(0), 0);
	}
	ck_assert_int_eq(r.rc, 3);
	ck_assert_msg(strstr(r.err, "Permission denied"), "%s", r.err);
	xrun_free(&r);
	close(fd);
	remove_dir(path);
}
END_TEST

START_TEST(rpc_error_report)
{
	struct xcap x;
	char *err;
	struct json_object *data = json_object_new_string(
	    "/etc/xdpd.yaml:3:5: unknown key 'rulez'\n/etc/xdpd.yaml:9:12: bad port '70000'\n");

	xcap_open(&x);
	rpc_print_error(&x.c, "reload", -32002, "invalid policy", data);
	rpc_print_error(&x.c, "lb.list", -32601, "method not found", NULL);
	free(xcap_take(&x, &err));
	ck_assert_str_eq(err, "xdpctl: reload: invalid policy (code -32002)\n"
			      "/etc/xdpd.yaml:3:5: unknown key 'rulez'\n"
			      "/etc/xdpd.yaml:9:12: bad port '70000'\n"
			      "xdpctl: lb.list: method not found (code -32601)\n"
			      "xdpctl: lb.list: this xdpd does not implement 'lb.list'\n");
	free(err);
	json_object_put(data);
}
END_TEST

static int take(const char *line, char **err)
{
	struct xcap x;
	struct rpc_conn rc = {.fd = -1};
	struct json_object *res = NULL;
	int r;

	xcap_open(&x);
	rc.c = &x.c;
	r = rpc_take_result(&rc, "status", line, strlen(line), &res);
	json_object_put(res);
	free(xcap_take(&x, err));
	return r;
}

/* Only the answer to xdpctl's request (id 1), with an object for result. */
START_TEST(reply_must_answer_our_request)
{
	char *err;

	ck_assert_int_eq(take("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", &err), XC_OK);
	free(err);
	ck_assert_int_eq(take("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}", &err), XC_FAIL);
	ck_assert_msg(strstr(err, "another request"), "%s", err);
	free(err);
	ck_assert_int_eq(take("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":null}", &err), XC_FAIL);
	ck_assert_msg(strstr(err, "no result object"), "%s", err);
	free(err);
	ck_assert_int_eq(take("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[]}", &err), XC_FAIL);
	free(err);
	/* an error for a request the daemon could not read carries id null */
	ck_assert_int_eq(take("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":"
			      "{\"code\":-32700,\"message\":\"parse error\"}}",
			      &err),
			 XC_FAIL);
	ck_assert_msg(strstr(err, "parse error (code -32700)"), "%s", err);
	free(err);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("xdpctl_client");
	TCase *tc = tcase_create("client");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, missing_socket_exits_3);
	tcase_add_test(tc, monitor_pcap_kept_when_unreachable);
	tcase_add_test(tc, reply_must_answer_our_request);
	tcase_add_test(tc, nobody_listening_exits_3);
	tcase_add_test(tc, silent_listener_times_out_3);
	tcase_add_test(tc, no_permission_exits_3);
	tcase_add_test(tc, rpc_error_report);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
