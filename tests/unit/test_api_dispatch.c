// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon/api_methods.c + api_blocklist.c + blocklist.c: dispatch, schemas,
 * authorization and every error code of the blocklist methods, against real
 * (small, unpinned) LPM maps. Needs CAP_BPF: skipped (77) without it.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "../bpf/xdpd_abi.h"
#include "api_methods.h"
#include "blocklist.h"
#include "check_run.h"

#define SMALL 4 /* entries per map, so "full" is reachable */

static int fd4 = -1, fd6 = -1;
static struct blocklist *bl;
static const struct api_peer root_peer = {.pid = 1, .uid = 0};
static const struct api_peer member = {.pid = 2, .uid = 1000, .gid = 990};
static const struct api_auth_ctx auth = {.have_group = true, .gid = 990};

static int lpm_map_n(size_t key_size, uint32_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, o, .map_flags = BPF_F_NO_PREALLOC);

	return bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, "xh7_test_bl", key_size,
			      sizeof(struct xdpd_block_entry), n, &o);
}

static int lpm_map(size_t key_size)
{
	return lpm_map_n(key_size, SMALL);
}

static void setup(void)
{
	fd4 = lpm_map(sizeof(struct xdpd_lpm4));
	fd6 = lpm_map(sizeof(struct xdpd_lpm6));
	ck_assert_int_ge(fd4, 0);
	ck_assert_int_ge(fd6, 0);
	ck_assert_int_eq(blocklist_open(NULL, fd4, fd6, &bl), 0);
}

static void teardown(void)
{
	blocklist_free(bl);
	close(fd4);
	close(fd6);
}

/* Send one request line as peer; returns the answer (NULL: none). */
static json_object *call_as(const struct api_peer *peer, const char *line)
{
	struct jsonrpc_request req;
	struct jsonrpc_error err;
	json_object *resp;

	ck_assert_msg(jsonrpc_parse_request(line, strlen(line), &req, &err) == 0, "%s: %s", line,
		      err.message);
	resp = api_dispatch(NULL, bl, peer, &auth, &req, NULL, NULL);
	jsonrpc_request_clear(&req);
	return resp;
}

static int code_of(json_object *resp)
{
	json_object *e, *c;

	if (!json_object_object_get_ex(resp, "error", &e))
		return 0;
	json_object_object_get_ex(e, "code", &c);
	return json_object_get_int(c);
}

static void expect_code(const struct api_peer *peer, const char *line, int code)
{
	json_object *resp = call_as(peer, line);

	ck_assert_ptr_nonnull(resp);
	ck_assert_msg(code_of(resp) == code, "%s -> %s", line, json_object_to_json_string(resp));
	json_object_put(resp);
}

#define REQ(method, params)                                                                        \
	"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" method "\",\"params\":" params "}"

START_TEST(add_list_delete)
{
	json_object *resp =
	    call_as(&root_peer, REQ("blocklist.add", "{\"prefix\":\"192.0.2.0/24\","
						     "\"ttl\":60,\"comment\":\"c\"}"));
	json_object *res;

	ck_assert_int_eq(code_of(resp), 0);
	res = json_object_object_get(resp, "result");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(res, "prefix")),
			 "192.0.2.0/24");
	ck_assert_int_eq(json_object_get_int(json_object_object_get(res, "expires_in")), 60);
	json_object_put(resp);
	expect_code(&root_peer, REQ("blocklist.add", "{\"prefix\":\"2001:db8::/32\"}"), 0);
	ck_assert_uint_eq(blocklist_count(bl), 2);

	resp = call_as(&member, REQ("blocklist.list", "{}"));
	res = json_object_object_get(json_object_object_get(resp, "result"), "entries");
	ck_assert_uint_eq(json_object_array_length(res), 2);
	json_object_put(resp);

	expect_code(&root_peer, REQ("blocklist.delete", "{\"prefix\":\"2001:db8::/32\"}"), 0);
	expect_code(&root_peer, REQ("blocklist.delete", "{\"prefix\":\"2001:db8::/32\"}"),
		    JSONRPC_NOT_FOUND);
	ck_assert_uint_eq(blocklist_count(bl), 1);
	resp = call_as(&root_peer, REQ("blocklist.flush", "[]"));
	ck_assert_int_eq(json_object_get_int(json_object_object_get(
			     json_object_object_get(resp, "result"), "flushed")),
			 1);
	json_object_put(resp);
}
END_TEST

START_TEST(full_map_is_resource_exhausted)
{
	char line[160];

	for (int i = 0; i < SMALL; i++) {
		snprintf(line, sizeof(line), REQ("blocklist.add", "{\"prefix\":\"10.0.%d.0/24\"}"),
			 i);
		expect_code(&root_peer, line, 0);
	}
	expect_code(&root_peer, REQ("blocklist.add", "{\"prefix\":\"10.0.9.0/24\"}"),
		    JSONRPC_RESOURCE_EXHAUSTED);
	/* updating an existing entry needs no room */
	expect_code(&root_peer, REQ("blocklist.add", "{\"prefix\":\"10.0.1.0/24\",\"ttl\":5}"), 0);
	ck_assert_uint_eq(blocklist_count(bl), SMALL);
}
END_TEST

START_TEST(invalid_params)
{
	expect_code(&root_peer, REQ("blocklist.add", "{\"prefix\":\"10.0.0.1/8\"}"),
		    JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("blocklist.add", "{\"prefix\":\"bogus\"}"),
		    JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("blocklist.add", "{\"prefix\":\"10.0.0.0/8\",\"ttl\":0}"),
		    JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("blocklist.add", "{\"prefix\":\"10.0.0.0/8\",\"ttl\":1.5}"),
		    JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("blocklist.add", "{\"prefix\":\"10.0.0.0/8\",\"x\":1}"),
		    JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("blocklist.add", "{}"), JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("blocklist.add", "[\"10.0.0.0/8\"]"), JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("blocklist.list", "{\"all\":true}"), JSONRPC_INVALID_PARAMS);
	/* a comment is one line of text (a NUL in any string is refused before
	 * dispatch: test_jsonrpc.c) */
	expect_code(&root_peer,
		    REQ("blocklist.add", "{\"prefix\":\"10.0.0.0/8\",\"comment\":\"a\\nb\"}"),
		    JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer,
		    REQ("blocklist.add", "{\"prefix\":\"10.0.0.0/8\",\"comment\":\"\\u001b[31m\"}"),
		    JSONRPC_INVALID_PARAMS);
	ck_assert_uint_eq(blocklist_count(bl), 0);
	expect_code(
	    &root_peer,
	    REQ("blocklist.add", "{\"prefix\":\"10.0.0.0/8\",\"comment\":\"caf\u00e9 #42\"}"), 0);
}
END_TEST

START_TEST(permissions)
{
	struct api_peer admin = member;

	expect_code(&member, REQ("blocklist.add", "{\"prefix\":\"10.0.0.0/8\"}"),
		    JSONRPC_PERMISSION_DENIED);
	expect_code(&member, REQ("blocklist.flush", "{}"), JSONRPC_PERMISSION_DENIED);
	expect_code(&member, REQ("reload", "{}"), JSONRPC_PERMISSION_DENIED);
	ck_assert_uint_eq(blocklist_count(bl), 0);
	admin.cap_eff = 1ULL << 12; /* CAP_NET_ADMIN */
	expect_code(&admin, REQ("blocklist.add", "{\"prefix\":\"10.0.0.0/8\"}"), 0);
	admin.gid = 100; /* neither member nor admin */
	admin.cap_eff = 0;
	expect_code(&admin, REQ("blocklist.list", "{}"), JSONRPC_PERMISSION_DENIED);
	/* refusal comes before parameter checks: nothing leaks */
	expect_code(&member, REQ("blocklist.add", "{\"bogus\":1}"), JSONRPC_PERMISSION_DENIED);
}
END_TEST

START_TEST(methods_not_found_or_not_available)
{
	expect_code(&root_peer, REQ("nope", "{}"), JSONRPC_METHOD_NOT_FOUND);
	/* trace and monitor exist (xh11): their parameters are checked first */
	expect_code(&root_peer, REQ("trace", "{}"), JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("monitor", "{\"rate\":\"x\"}"), JSONRPC_INVALID_PARAMS);
	/* watching is read-only, raising the sampling rate is not */
	expect_code(&member, REQ("monitor", "{\"rate\":1}"), JSONRPC_PERMISSION_DENIED);
	expect_code(&root_peer, REQ("monitor", "{\"rate\":-1}"), JSONRPC_INVALID_PARAMS);
	ck_assert(!api_method_find("monitor")->mutating);
	ck_assert(!api_method_find("trace")->mutating);
	/* the load balancers' methods exist (xh9): parameters checked first */
	expect_code(&root_peer, REQ("lb.list", "{\"balancer\":1}"), JSONRPC_INVALID_PARAMS);
	expect_code(&root_peer, REQ("lb.set_state", "{}"), JSONRPC_INVALID_PARAMS);
	expect_code(&member, REQ("lb.set_state", "{}"), JSONRPC_PERMISSION_DENIED);
	ck_assert(api_method_find("lb.set_state")->mutating);
	ck_assert(!api_method_find("lb.list")->mutating);
	ck_assert_ptr_nonnull(api_method_find("blocklist.add"));
	ck_assert(api_method_find("blocklist.add")->mutating);
	ck_assert(!api_method_find("status")->mutating);
	ck_assert(api_method_find("reload")->mutating);
}
END_TEST

START_TEST(notifications_run_without_answer)
{
	ck_assert_ptr_null(call_as(&root_peer, "{\"jsonrpc\":\"2.0\",\"method\":\"blocklist.add\","
					       "\"params\":{\"prefix\":\"10.1.0.0/16\"}}"));
	ck_assert_uint_eq(blocklist_count(bl), 1);
	ck_assert_ptr_null(call_as(&root_peer, "{\"jsonrpc\":\"2.0\",\"method\":\"nope\"}"));
}
END_TEST

START_TEST(ttl_expiry_and_reap)
{
	struct prefix p = {.family = AF_INET, .len = 32, .addr = {192, 0, 2, 7}};
	struct blocklist_entry e;
	size_t n = 99;

	ck_assert_int_eq(blocklist_add(bl, &p, 1, "short", &e), 0);
	ck_assert_uint_gt(e.expires_ns, blocklist_now_ns());
	p.addr[3] = 8;
	ck_assert_int_eq(blocklist_add(bl, &p, 0, NULL, NULL), 0);
	ck_assert_int_eq(blocklist_reap(bl, &n), 0);
	ck_assert_uint_eq(n, 0);
	usleep(1100 * 1000);
	ck_assert_int_eq(blocklist_reap(bl, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(blocklist_count(bl), 1);
}
END_TEST

/* The expiry timer deletes the entry from the map by itself. */
static int stop_loop(sd_event_source *s, uint64_t usec, void *userdata)
{
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

/* The blocklist keeps its own references to the maps: the daemon's map
 * table closes and reopens its fds at every reload, and the numbers it gave
 * may name other maps afterwards (here: taken over by two other tries). */
START_TEST(own_map_references)
{
	struct prefix p4 = {.family = AF_INET, .len = 24, .addr = {10, 1, 2}};
	struct prefix p6 = {.family = AF_INET6, .len = 64, .addr = {0x20, 0x01, 0x0d, 0xb8}};
	int keep4 = dup(fd4), keep6 = dup(fd6);
	int o4 = lpm_map(sizeof(struct xdpd_lpm4)), o6 = lpm_map(sizeof(struct xdpd_lpm6));
	struct xdpd_lpm6 k;

	ck_assert_int_ge(o4, 0);
	ck_assert_int_ge(o6, 0);
	ck_assert_int_eq(dup2(o4, fd4), fd4);
	ck_assert_int_eq(dup2(o6, fd6), fd6);
	close(o4);
	close(o6);
	ck_assert_int_eq(blocklist_add(bl, &p4, 0, NULL, NULL), 0);
	ck_assert_int_eq(blocklist_add(bl, &p6, 0, NULL, NULL), 0);
	/* in the maps the blocklist was opened with, not in the new owners of
	 * those numbers */
	ck_assert_int_eq(bpf_map_get_next_key(keep4, NULL, &k), 0);
	ck_assert_int_eq(bpf_map_get_next_key(keep6, NULL, &k), 0);
	ck_assert_int_lt(bpf_map_get_next_key(fd4, NULL, &k), 0);
	ck_assert_int_lt(bpf_map_get_next_key(fd6, NULL, &k), 0);
	close(keep4);
	close(keep6);
}
END_TEST

START_TEST(timer_reaps)
{
	struct prefix p = {.family = AF_INET6, .len = 64, .addr = {0x20, 0x01, 0x0d, 0xb8}};
	struct blocklist *b2;
	sd_event *ev;

	ck_assert_int_ge(sd_event_new(&ev), 0);
	ck_assert_int_eq(blocklist_open(ev, fd4, fd6, &b2), 0);
	ck_assert_int_eq(blocklist_add(b2, &p, 1, NULL, NULL), 0);
	ck_assert_int_ge(sd_event_add_time_relative(ev, NULL, CLOCK_MONOTONIC, 1500 * 1000, 1000,
						    stop_loop, NULL),
			 0);
	ck_assert_int_ge(sd_event_loop(ev), 0);
	ck_assert_uint_eq(blocklist_count(b2), 0);
	ck_assert_int_eq(blocklist_delete(b2, &p), -ENOENT);
	blocklist_free(b2);
	sd_event_unref(ev);
}
END_TEST

/* ---- big blocklists: work spread over loop turns ---- */

#define MANY 5000

static struct blocklist *many_open(sd_event *ev, int *f4, int *f6)
{
	struct blocklist *b;

	*f4 = lpm_map_n(sizeof(struct xdpd_lpm4), MANY);
	*f6 = lpm_map_n(sizeof(struct xdpd_lpm6), 16);
	ck_assert_int_ge(*f4, 0);
	ck_assert_int_ge(*f6, 0);
	ck_assert_int_eq(blocklist_open(ev, *f4, *f6, &b), 0);
	return b;
}

static void many_add(struct blocklist *b, uint64_t ttl)
{
	for (int i = 0; i < MANY; i++) {
		struct prefix p = {.family = AF_INET, .len = 32, .addr = {10, 9, i >> 8, i & 255}};

		ck_assert_int_eq(blocklist_add(b, &p, ttl, NULL, NULL), 0);
	}
}

/* Runs a request whose answer is streamed, one step at a time as the server
 * does; returns the result and the number of steps. */
static json_object *stream_call(struct blocklist *b, const char *line, int *steps,
				void (*between)(struct blocklist *b))
{
	struct api_stream st;
	struct jsonrpc_request req;
	struct jsonrpc_error err;
	struct api_text t = {0};
	json_object *res;
	int r;

	ck_assert_int_eq(jsonrpc_parse_request(line, strlen(line), &req, &err), 0);
	ck_assert_ptr_null(api_dispatch(NULL, b, &root_peer, &auth, &req, NULL, &st));
	ck_assert_ptr_nonnull(st.step);
	*steps = 0;
	do {
		r = st.step(st.ctx, &t);
		++*steps;
		if (between)
			between(b);
	} while (r > 0);
	ck_assert_int_eq(r, 0);
	res = json_tokener_parse(t.buf);
	ck_assert_ptr_nonnull(res);
	api_text_free(&t);
	api_stream_free(&st);
	jsonrpc_request_clear(&req);
	return res;
}

static void delete_last(struct blocklist *b)
{
	struct prefix p = {
	    .family = AF_INET, .len = 32, .addr = {10, 9, (MANY - 1) >> 8, (MANY - 1) & 255}};

	blocklist_delete(b, &p);
}

START_TEST(big_list_and_flush_are_streamed)
{
	int f4, f6, steps;
	struct blocklist *b = many_open(NULL, &f4, &f6);
	json_object *res, *entries;

	many_add(b, 0);
	/* an entry deleted while the answer is being built is left out */
	res = stream_call(b, REQ("blocklist.list", "{}"), &steps, delete_last);
	ck_assert_int_ge(steps, 3); /* 5000 entries, at most 2048 per step */
	ck_assert(json_object_object_get_ex(res, "entries", &entries));
	ck_assert_uint_eq(json_object_array_length(entries), MANY - 1);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(
			     json_object_array_get_idx(entries, 0), "prefix")),
			 "10.9.0.0/32");
	json_object_put(res);
	ck_assert_uint_eq(blocklist_count(b), MANY - 1);

	res = stream_call(b, REQ("blocklist.flush", "{}"), &steps, NULL);
	ck_assert_int_ge(steps, 3);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(res, "flushed")), MANY - 1);
	json_object_put(res);
	ck_assert_uint_eq(blocklist_count(b), 0);
	blocklist_free(b);
	close(f4);
	close(f6);
}
END_TEST

/* 5000 entries expiring at once are deleted a batch per loop turn, not in
 * one long event. */
START_TEST(mass_expiry_is_spread_over_turns)
{
	sd_event *ev;
	int f4, f6, turns = 0;
	struct blocklist *b;

	ck_assert_int_ge(sd_event_new(&ev), 0);
	b = many_open(ev, &f4, &f6);
	many_add(b, 1);
	usleep(1200 * 1000);
	while (blocklist_count(b) > 0 && turns < 100) {
		size_t before = blocklist_count(b);

		ck_assert_int_ge(sd_event_run(ev, 1000 * 1000), 0);
		turns++;
		ck_assert_uint_le(before - blocklist_count(b), 1024);
	}
	ck_assert_uint_eq(blocklist_count(b), 0);
	ck_assert_int_ge(turns, 5);
	blocklist_free(b);
	sd_event_unref(ev);
	close(f4);
	close(f6);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("api_dispatch");
	TCase *t = tcase_create("blocklist");
	int probe;

	probe = lpm_map(sizeof(struct xdpd_lpm4));
	if (probe < 0)
		return 77; /* no CAP_BPF: skipped */
	close(probe);
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, add_list_delete);
	tcase_add_test(t, full_map_is_resource_exhausted);
	tcase_add_test(t, invalid_params);
	tcase_add_test(t, permissions);
	tcase_add_test(t, methods_not_found_or_not_available);
	tcase_add_test(t, notifications_run_without_answer);
	tcase_add_test(t, ttl_expiry_and_reap);
	tcase_add_test(t, own_map_references);
	tcase_add_test(t, timer_reaps);
	tcase_add_test(t, big_list_and_flush_are_streamed);
	tcase_add_test(t, mass_expiry_is_spread_over_turns);
	suite_add_tcase(s, t);
	return check_run(s);
}
