// SPDX-License-Identifier: GPL-2.0-or-later
/* common/jsonrpc.c: line framing, request validation, builders. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "jsonrpc.h"
#include "check_run.h"

/* ---- framing ---- */

static void feed(struct jsonrpc_lines *l, const char *s)
{
	ck_assert_int_eq(jsonrpc_lines_feed(l, s, strlen(s)), 0);
}

static void expect_line(struct jsonrpc_lines *l, const char *want)
{
	char *line;
	size_t len;

	ck_assert_int_eq(jsonrpc_lines_next(l, &line, &len), 1);
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_str_eq(line, want);
}

START_TEST(lines_split_in_one_feed)
{
	struct jsonrpc_lines l;
	char *line;
	size_t len;

	jsonrpc_lines_init(&l, 0);
	feed(&l, "{\"a\":1}\n{\"b\":2}\n{\"c\"");
	expect_line(&l, "{\"a\":1}");
	expect_line(&l, "{\"b\":2}");
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), 0);
	ck_assert_uint_eq(jsonrpc_lines_pending(&l), 4);
	feed(&l, ":3}\n");
	expect_line(&l, "{\"c\":3}");
	ck_assert_uint_eq(jsonrpc_lines_pending(&l), 0);
	jsonrpc_lines_free(&l);
}
END_TEST

START_TEST(lines_byte_at_a_time)
{
	const char *msg = "{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}\nxy\n";
	struct jsonrpc_lines l;
	char *line;
	size_t len;
	int got = 0;

	jsonrpc_lines_init(&l, 0);
	for (size_t i = 0; msg[i]; i++) {
		ck_assert_int_eq(jsonrpc_lines_feed(&l, msg + i, 1), 0);
		while (jsonrpc_lines_next(&l, &line, &len) == 1) {
			ck_assert_str_eq(line, got == 0
						   ? "{\"jsonrpc\":\"2.0\",\"method\":\"ping\","
						     "\"id\":1}"
						   : "xy");
			got++;
		}
	}
	ck_assert_int_eq(got, 2);
	jsonrpc_lines_free(&l);
}
END_TEST

START_TEST(lines_crlf_and_empty)
{
	struct jsonrpc_lines l;

	jsonrpc_lines_init(&l, 0);
	feed(&l, "a\r\n\n\r\nb\n");
	expect_line(&l, "a");
	expect_line(&l, "");
	expect_line(&l, "");
	expect_line(&l, "b");
	jsonrpc_lines_free(&l);
}
END_TEST

START_TEST(lines_oversize_without_newline)
{
	struct jsonrpc_lines l;
	char *line;
	size_t len;

	jsonrpc_lines_init(&l, 8);
	feed(&l, "12345678");
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), 0);
	feed(&l, "9");
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), -EMSGSIZE);
	jsonrpc_lines_free(&l);
}
END_TEST

START_TEST(lines_max_exact_and_over_with_newline)
{
	struct jsonrpc_lines l;
	char *line;
	size_t len;

	jsonrpc_lines_init(&l, 8);
	feed(&l, "12345678\n");
	expect_line(&l, "12345678");
	feed(&l, "123456789\n");
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), -EMSGSIZE);
	jsonrpc_lines_free(&l);
}
END_TEST

/* A CRLF line end is not part of the line: a line of exactly the cap ending
 * in CRLF is taken, a CR alone at the cap waits for its LF, and a line one
 * byte over is refused however it ends. */
START_TEST(lines_max_exact_with_crlf)
{
	struct jsonrpc_lines l;
	char *line;
	size_t len;

	jsonrpc_lines_init(&l, 8);
	feed(&l, "12345678\r");
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), 0);
	feed(&l, "\n");
	expect_line(&l, "12345678");
	feed(&l, "123456789\r\n");
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), -EMSGSIZE);
	jsonrpc_lines_free(&l);
}
END_TEST

START_TEST(lines_default_cap_is_one_mib)
{
	struct jsonrpc_lines l;
	size_t n = 2 * JSONRPC_MAX_LINE;
	char *big = malloc(n);
	char *line;
	size_t len;

	memset(big, 'x', n);
	jsonrpc_lines_init(&l, 0);
	ck_assert_int_eq(jsonrpc_lines_feed(&l, big, JSONRPC_MAX_LINE), 0);
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), 0);
	ck_assert_int_eq(jsonrpc_lines_feed(&l, big, n - JSONRPC_MAX_LINE), 0);
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), -EMSGSIZE);
	free(big);
	jsonrpc_lines_free(&l);
}
END_TEST

START_TEST(lines_tail_at_eof)
{
	struct jsonrpc_lines l;
	char *line;
	size_t len;

	jsonrpc_lines_init(&l, 0);
	ck_assert_int_eq(jsonrpc_lines_take_tail(&l, &line, &len), 0);
	feed(&l, "a\nlast\r");
	expect_line(&l, "a");
	ck_assert_int_eq(jsonrpc_lines_next(&l, &line, &len), 0);
	ck_assert_int_eq(jsonrpc_lines_take_tail(&l, &line, &len), 1);
	ck_assert_str_eq(line, "last");
	ck_assert_int_eq(jsonrpc_lines_take_tail(&l, &line, &len), 0);
	jsonrpc_lines_free(&l);
}
END_TEST

/* ---- request validation ---- */

static int parse(const char *s, struct jsonrpc_request *req, struct jsonrpc_error *err)
{
	return jsonrpc_parse_request(s, strlen(s), req, err);
}

/* Refused with code; the error echoes id_json ("null" when unknown). */
static void expect_refused(const char *s, int code, const char *id_json)
{
	struct jsonrpc_request req;
	struct jsonrpc_error err;

	ck_assert_msg(parse(s, &req, &err) == code, "%s: got %d (%s), want %d", s, err.code,
		      err.message, code);
	ck_assert_int_eq(err.code, code);
	ck_assert_ptr_null(req.root);
	ck_assert_str_eq(json_object_to_json_string(err.id), id_json);
	ck_assert_int_ne(err.message[0], 0);
	jsonrpc_error_clear(&err);
}

START_TEST(request_valid_forms)
{
	struct jsonrpc_request req;
	struct jsonrpc_error err;

	ck_assert_int_eq(parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":7}", &req, &err),
			 0);
	ck_assert_str_eq(req.method, "ping");
	ck_assert(req.has_id);
	ck_assert_int_eq(json_object_get_int(req.id), 7);
	ck_assert_ptr_null(req.params);
	jsonrpc_request_clear(&req);

	ck_assert_int_eq(parse(" {\"id\":\"x\",\"method\":\"blocklist.add\",\"jsonrpc\":\"2.0\","
			       "\"params\":{\"prefix\":\"10.0.0.0/8\"}} ",
			       &req, &err),
			 0);
	ck_assert_str_eq(json_object_get_string(req.id), "x");
	ck_assert(json_object_is_type(req.params, json_type_object));
	jsonrpc_request_clear(&req);

	/* "id": null is a request (answered), not a notification */
	ck_assert_int_eq(parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":null,"
			       "\"params\":[]}",
			       &req, &err),
			 0);
	ck_assert(req.has_id);
	ck_assert_ptr_null(req.id);
	ck_assert(json_object_is_type(req.params, json_type_array));
	jsonrpc_request_clear(&req);

	/* notification; params null means absent */
	ck_assert_int_eq(
	    parse("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":null}", &req, &err), 0);
	ck_assert(!req.has_id);
	ck_assert_ptr_null(req.params);
	jsonrpc_request_clear(&req);
}
END_TEST

START_TEST(request_parse_errors)
{
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1", JSONRPC_PARSE_ERROR,
		       "null");
	expect_refused("garbage", JSONRPC_PARSE_ERROR, "null");
	expect_refused("", JSONRPC_PARSE_ERROR, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1} x", JSONRPC_PARSE_ERROR,
		       "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\"}{}", JSONRPC_PARSE_ERROR, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"\xff\xfe\",\"id\":1}",
		       JSONRPC_PARSE_ERROR, "null");
}
END_TEST

START_TEST(request_invalid)
{
	expect_refused("[{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":1}]",
		       JSONRPC_INVALID_REQUEST, "null");
	expect_refused("[]", JSONRPC_INVALID_REQUEST, "null");
	expect_refused("5", JSONRPC_INVALID_REQUEST, "null");
	expect_refused("\"ping\"", JSONRPC_INVALID_REQUEST, "null");
	expect_refused("{\"method\":\"ping\",\"id\":1}", JSONRPC_INVALID_REQUEST, "1");
	expect_refused("{\"jsonrpc\":\"1.0\",\"method\":\"ping\",\"id\":2}",
		       JSONRPC_INVALID_REQUEST, "2");
	expect_refused("{\"jsonrpc\":2.0,\"method\":\"ping\",\"id\":2}", JSONRPC_INVALID_REQUEST,
		       "2");
	expect_refused("{\"jsonrpc\":\"2.0\",\"id\":\"a\"}", JSONRPC_INVALID_REQUEST, "\"a\"");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":5,\"id\":3}", JSONRPC_INVALID_REQUEST, "3");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"\",\"id\":3}", JSONRPC_INVALID_REQUEST,
		       "3");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":\"x\",\"id\":4}",
		       JSONRPC_INVALID_REQUEST, "4");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"params\":5,\"id\":4}",
		       JSONRPC_INVALID_REQUEST, "4");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":{}}",
		       JSONRPC_INVALID_REQUEST, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":[1]}",
		       JSONRPC_INVALID_REQUEST, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":true}",
		       JSONRPC_INVALID_REQUEST, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"param\":{},\"id\":5}",
		       JSONRPC_INVALID_REQUEST, "5");
	/* invalid even without an id: still answered, with id null */
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":1}", JSONRPC_INVALID_REQUEST, "null");
}
END_TEST

static void expect_accepted(const char *s)
{
	struct jsonrpc_request req;
	struct jsonrpc_error err;

	ck_assert_msg(parse(s, &req, &err) == 0, "%s: refused: %s", s, err.message);
	jsonrpc_request_clear(&req);
}

/* What json-c accepts and a request must not hold (json_text.h), and ids
 * json-c would have clamped to another number. */
START_TEST(request_text_faults)
{
	expect_refused("null", JSONRPC_INVALID_REQUEST, "null");
	expect_refused(" null ", JSONRPC_INVALID_REQUEST, "null");
	expect_refused("null x", JSONRPC_PARSE_ERROR, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":NaN}", JSONRPC_PARSE_ERROR,
		       "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"monitor\",\"id\":1,"
		       "\"params\":{\"rate\":-Infinity}}",
		       JSONRPC_PARSE_ERROR, "null");
	expect_accepted("{\"jsonrpc\":\"2.0\",\"method\":\"NaN Infinity\",\"id\":1}");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\\u0000x\",\"id\":1}",
		       JSONRPC_INVALID_REQUEST, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"blocklist.add\",\"id\":1,"
		       "\"params\":{\"prefix\\u0000zz\":\"10.0.0.6\"}}",
		       JSONRPC_INVALID_REQUEST, "null");
	/* an escaped backslash, then the text u0000: no NUL */
	expect_accepted("{\"jsonrpc\":\"2.0\",\"method\":\"a\\\\u0000\",\"id\":1}");
	/* overlong "/", a surrogate, above U+10FFFF; then two well-formed ones */
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"\xc0\xaf\",\"id\":1}",
		       JSONRPC_PARSE_ERROR, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"\xed\xa0\x80\",\"id\":1}",
		       JSONRPC_PARSE_ERROR, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"\xf4\x90\x80\x80\",\"id\":1}",
		       JSONRPC_PARSE_ERROR, "null");
	expect_accepted("{\"jsonrpc\":\"2.0\",\"method\":\"\xc3\xa9\xf0\x9f\x98\x80\",\"id\":1}");
	/* half a surrogate pair, escaped, would be read as U+FFFD */
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"\\ud800\"}",
		       JSONRPC_PARSE_ERROR, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"\\uDC00x\"}",
		       JSONRPC_PARSE_ERROR, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"\\ud800\\u0041\"}",
		       JSONRPC_PARSE_ERROR, "null");
	expect_accepted("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":\"\\ud83d\\uDE00\\u00e9\"}");
	expect_accepted("{\"jsonrpc\":\"2.0\",\"method\":\"a\\\\ud800\",\"id\":1}");
	/* ids at json-c's clamps may have been other numbers */
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":18446744073709551616}",
		       JSONRPC_INVALID_REQUEST, "null");
	expect_refused("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":-9223372036854775809}",
		       JSONRPC_INVALID_REQUEST, "null");
	expect_accepted("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":18446744073709551614}");
	expect_accepted("{\"jsonrpc\":\"2.0\",\"method\":\"ping\",\"id\":-9223372036854775807}");
}
END_TEST

/* ---- builders ---- */

static void expect_json_line(json_object *o, const char *want)
{
	size_t len;
	char *line = jsonrpc_to_line(o, &len);

	ck_assert_ptr_nonnull(line);
	ck_assert_str_eq(line, want);
	ck_assert_uint_eq(len, strlen(want));
	free(line);
	json_object_put(o);
}

START_TEST(builders)
{
	json_object *id = json_object_new_int(9);
	json_object *res = json_object_new_object();

	json_object_object_add(res, "version", json_object_new_string("0.1.0/x"));
	expect_json_line(jsonrpc_response_new(id, res),
			 "{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{\"version\":\"0.1.0/x\"}}\n");
	expect_json_line(jsonrpc_error_new(NULL, JSONRPC_PARSE_ERROR, NULL, NULL),
			 "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,"
			 "\"message\":\"parse error\"}}\n");
	expect_json_line(jsonrpc_error_new(id, JSONRPC_INVALID_POLICY, "bad\npolicy",
					   json_object_new_string("a.yaml:1:2: x")),
			 "{\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32002,"
			 "\"message\":\"bad\\npolicy\",\"data\":\"a.yaml:1:2: x\"}}\n");
	expect_json_line(jsonrpc_notification_new("monitor.event", json_object_new_object()),
			 "{\"jsonrpc\":\"2.0\",\"method\":\"monitor.event\",\"params\":{}}\n");
	expect_json_line(jsonrpc_request_new(id, "ping", NULL),
			 "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}\n");
	json_object_put(id);
}
END_TEST

START_TEST(request_roundtrip)
{
	json_object *id = json_object_new_string("r1");
	json_object *p = json_object_new_object();
	struct jsonrpc_request req;
	struct jsonrpc_error err;
	json_object *o;
	size_t len;
	char *line;

	json_object_object_add(p, "dry_run", json_object_new_boolean(1));
	o = jsonrpc_request_new(id, "reload", p);
	line = jsonrpc_to_line(o, &len);
	json_object_put(o);
	json_object_put(id);
	ck_assert_ptr_nonnull(line);
	ck_assert_int_eq(jsonrpc_parse_request(line, len - 1, &req, &err), 0);
	ck_assert_str_eq(req.method, "reload");
	ck_assert_str_eq(json_object_get_string(req.id), "r1");
	ck_assert(json_object_get_boolean(json_object_object_get(req.params, "dry_run")));
	free(line);
	jsonrpc_request_clear(&req);
}
END_TEST

START_TEST(response_parsing)
{
	json_object *result, *data, *id;
	char *msg;
	const char *ok = "{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"flushed\":2}}";
	const char *noresult = "{\"jsonrpc\":\"2.0\",\"id\":1}";
	const char *er = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,"
			 "\"message\":\"no such prefix\",\"data\":{\"prefix\":\"10.0.0.0/8\"}}}";

	ck_assert_int_eq(jsonrpc_parse_response(ok, strlen(ok), &result, &msg, &data, &id), 0);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(result, "flushed")), 2);
	ck_assert_int_eq(json_object_get_int(id), 3);
	ck_assert_ptr_null(msg);
	json_object_put(result);
	json_object_put(id);

	ck_assert_int_eq(jsonrpc_parse_response(er, strlen(er), &result, &msg, &data, &id),
			 JSONRPC_NOT_FOUND);
	ck_assert_ptr_null(result);
	ck_assert_str_eq(msg, "no such prefix");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(data, "prefix")),
			 "10.0.0.0/8");
	free(msg);
	json_object_put(data);

	ck_assert_int_eq(
	    jsonrpc_parse_response(noresult, strlen(noresult), &result, &msg, &data, NULL),
	    JSONRPC_INVALID_REQUEST);
	ck_assert_int_eq(jsonrpc_parse_response("nope", 4, &result, &msg, &data, NULL),
			 JSONRPC_PARSE_ERROR);
}
END_TEST

START_TEST(code_names)
{
	ck_assert_str_eq(jsonrpc_code_name(JSONRPC_PERMISSION_DENIED), "permission denied");
	ck_assert_str_eq(jsonrpc_code_name(JSONRPC_RESOURCE_EXHAUSTED), "resource exhausted");
	ck_assert_str_eq(jsonrpc_code_name(JSONRPC_METHOD_NOT_FOUND), "method not found");
	ck_assert_str_eq(jsonrpc_code_name(1234), "error");
}
END_TEST

static Suite *jsonrpc_suite(void)
{
	Suite *s = suite_create("jsonrpc");
	TCase *t = tcase_create("framing");

	tcase_add_test(t, lines_split_in_one_feed);
	tcase_add_test(t, lines_byte_at_a_time);
	tcase_add_test(t, lines_crlf_and_empty);
	tcase_add_test(t, lines_oversize_without_newline);
	tcase_add_test(t, lines_max_exact_and_over_with_newline);
	tcase_add_test(t, lines_max_exact_with_crlf);
	tcase_add_test(t, lines_default_cap_is_one_mib);
	tcase_add_test(t, lines_tail_at_eof);
	suite_add_tcase(s, t);
	t = tcase_create("requests");
	tcase_add_test(t, request_valid_forms);
	tcase_add_test(t, request_parse_errors);
	tcase_add_test(t, request_invalid);
	tcase_add_test(t, request_roundtrip);
	tcase_add_test(t, request_text_faults);
	suite_add_tcase(s, t);
	t = tcase_create("builders");
	tcase_add_test(t, builders);
	tcase_add_test(t, response_parsing);
	tcase_add_test(t, code_names);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(jsonrpc_suite());
}
