// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl stats --prometheus against the text exposition format (0.0.4).
 * promtool is not available here, so prom_validate() below checks the
 * format's rules itself; it is first shown to reject broken expositions.
 */
#include <check.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "xdpctl_harness.h"
#include "check_run.h"

#define MAX_NAMES  64
#define MAX_SERIES 256

struct prom_state {
	char names[MAX_NAMES][128]; /* families in order of appearance */
	char types[MAX_NAMES][16];
	bool helped[MAX_NAMES], sampled[MAX_NAMES];
	int nnames, current;
	char *series[MAX_SERIES];
	int nseries;
	char err[256];
};

static bool reject(struct prom_state *st, int line, const char *why)
{
	snprintf(st->err, sizeof(st->err), "line %d: %s", line, why);
	return false;
}

/* [a-zA-Z_:][a-zA-Z0-9_:]* (colons only when metric) */
static size_t name_len(const char *p, bool metric)
{
	size_t n = 0;

	while (isalpha((unsigned char)p[n]) || p[n] == '_' || (metric && p[n] == ':') ||
	       (n && isdigit((unsigned char)p[n])))
		n++;
	return n;
}

/* The family a name belongs to; families may not come back once left. */
static int family(struct prom_state *st, const char *name, size_t len, int line, bool *ok)
{
	for (int i = 0; i < st->nnames; i++) {
		if (strlen(st->names[i]) != len || strncmp(st->names[i], name, len))
			continue;
		if (i != st->current)
			*ok = reject(st, line, "family interleaved with another");
		return i;
	}
	if (st->nnames == MAX_NAMES || len >= sizeof(st->names[0])) {
		*ok = reject(st, line, "too many families");
		return 0;
	}
	memcpy(st->names[st->nnames], name, len);
	st->names[st->nnames][len] = '\0';
	st->current = st->nnames;
	return st->nnames++;
}

static bool comment_line(struct prom_state *st, const char *l, int line)
{
	bool help = !strncmp(l, "# HELP ", 7), type = !strncmp(l, "# TYPE ", 7), ok = true;

	if (!help && !type)
		return true; /* other comments are allowed */
	const char *name = l + 7;
	size_t n = name_len(name, true);
	if (!n || name[n] != ' ')
		return reject(st, line, "bad metric name in HELP/TYPE");
	int f = family(st, name, n, line, &ok);
	if (!ok)
		return false;
	const char *rest = name + n + 1;
	if (help) {
		if (st->helped[f])
			return reject(st, line, "second HELP");
		st->helped[f] = true;
		for (const char *p = rest; *p; p++)
			if (*p == '\\' && p[1] != '\\' && p[1] != 'n')
				return reject(st, line, "bad escape in HELP");
			else if (*p == '\\')
				p++;
		return true;
	}
	if (st->types[f][0])
		return reject(st, line, "second TYPE");
	if (st->sampled[f])
		return reject(st, line, "TYPE after a sample");
	if (strcmp(rest, "counter") && strcmp(rest, "gauge") && strcmp(rest, "histogram") &&
	    strcmp(rest, "summary") && strcmp(rest, "untyped"))
		return reject(st, line, "unknown TYPE");
	snprintf(st->types[f], sizeof(st->types[f]), "%s", rest);
	return true;
}

/* {name="value",...}: returns the position after '}' or NULL. */
static const char *labels(struct prom_state *st, const char *p, int line)
{
	char seen[16][64];
	int nseen = 0;

	p++;
	while (*p != '}') {
		size_t n = name_len(p, false);

		if (!n || p[n] != '=' || p[n + 1] != '"')
			return reject(st, line, "bad label"), NULL;
		if (n >= 64 || nseen == 16)
			return reject(st, line, "label too long"), NULL;
		for (int i = 0; i < nseen; i++)
			if (strlen(seen[i]) == n && !strncmp(seen[i], p, n))
				return reject(st, line, "duplicate label"), NULL;
		memcpy(seen[nseen], p, n);
		seen[nseen++][n] = '\0';
		for (p += n + 2; *p != '"'; p++) {
			if (!*p || *p == '\n')
				return reject(st, line, "unterminated label value"), NULL;
			if (*p == '\\' && p[1] != '\\' && p[1] != '"' && p[1] != 'n')
				return reject(st, line, "bad escape in label value"), NULL;
			if (*p == '\\')
				p++;
		}
		p++;
		if (*p == ',')
			p++;
		else if (*p != '}')
			return reject(st, line, "expected , or }"), NULL;
	}
	return p + 1;
}

static bool sample_line(struct prom_state *st, const char *l, int line)
{
	size_t n = name_len(l, true);
	bool ok = true;

	if (!n)
		return reject(st, line, "bad metric name");
	int f = family(st, l, n, line, &ok);
	if (!ok)
		return false;
	if (!st->types[f][0])
		return reject(st, line, "sample without TYPE");
	st->sampled[f] = true;
	const char *p = l + n;
	if (*p == '{' && !(p = labels(st, p, line)))
		return false;
	if (*p != ' ')
		return reject(st, line, "expected a space before the value");
	/* duplicate series: same name and label text */
	for (int i = 0; i < st->nseries; i++)
		if (strlen(st->series[i]) == (size_t)(p - l) && !strncmp(st->series[i], l, p - l))
			return reject(st, line, "duplicate series");
	if (st->nseries < MAX_SERIES)
		st->series[st->nseries++] = strndup(l, p - l);
	char *end;
	double v = strtod(p + 1, &end);
	if (end == p + 1 || (*end && *end != ' '))
		return reject(st, line, "bad value");
	if (!strcmp(st->types[f], "counter") && v < 0)
		return reject(st, line, "negative counter");
	return true;
}

/* NULL when text is a valid exposition, else why not (static buffer). */
static const char *prom_validate(const char *text)
{
	static struct prom_state st;
	char *copy = strdup(text), *save = NULL;
	bool ok = true;
	int line = 0;

	for (int i = 0; i < st.nseries; i++)
		free(st.series[i]);
	memset(&st, 0, sizeof(st));
	st.current = -1;
	if (!*text || text[strlen(text) - 1] != '\n')
		ok = reject(&st, 0, "does not end with a newline");
	for (char *l = strtok_r(copy, "\n", &save); ok && l; l = strtok_r(NULL, "\n", &save)) {
		line++;
		ok = l[0] == '#' ? comment_line(&st, l, line) : sample_line(&st, l, line);
	}
	free(copy);
	return ok ? NULL : st.err;
}

START_TEST(validator_rejects_broken_expositions)
{
	static const char *const bad[] = {
	    "# TYPE a_total counter\na_total 1",		/* no final newline */
	    "# TYPE a_total counter\na_total{x=\"a\"b\"} 1\n",	/* unescaped quote */
	    "# TYPE a_total counter\na_total{x=\"a\\qb\"} 1\n", /* bad escape */
	    "# TYPE a_total counter\na_total{x=\"1\"} 1\na_total{x=\"1\"} 2\n", /* duplicate */
	    "# TYPE a_total counter\n# TYPE b_total counter\na_total 1\nb_total 1\na_total{x=\"\"} "
	    "1\n",
	    "a_total 1\n# TYPE a_total counter\n",		    /* TYPE after sample */
	    "# TYPE 1a counter\n",				    /* bad name */
	    "# TYPE a_total counter\na_total one\n",		    /* bad value */
	    "# TYPE a_total counter\na_total -1\n",		    /* negative counter */
	    "# TYPE a_total counter\na_total{x=\"1\",x=\"2\"} 1\n", /* duplicate label */
	    "# TYPE a_total counter\n# TYPE a_total gauge\n",	    /* second TYPE */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(prom_validate(bad[i]) != NULL, "accepted bad case %zu", i);
	ck_assert_ptr_null(prom_validate("# HELP a_total A \\\\ thing.\n# TYPE a_total counter\n"
					 "a_total{x=\"q\\\"\\n\\\\\"} 1\n"));
}
END_TEST

static char *render(const char *json)
{
	struct xcap x;
	struct json_object *res = xjson(json);

	xcap_open(&x);
	stats_print_prometheus(&x.c, res);
	json_object_put(res);
	return xcap_take(&x, NULL);
}

/* Every family is an xdpd_..._total counter with HELP and TYPE. */
static void assert_xdpd_counters(const char *text)
{
	const char *why = prom_validate(text);

	ck_assert_msg(why == NULL, "invalid exposition: %s\n%s", why, text);
	for (const char *p = strstr(text, "# TYPE "); p; p = strstr(p + 1, "# TYPE ")) {
		char name[128], type[32];

		ck_assert_int_eq(sscanf(p, "# TYPE %127s %31s", name, type), 2);
		ck_assert_msg(!strncmp(name, "xdpd_", 5), "%s", name);
		ck_assert_msg(strlen(name) > 6 && !strcmp(name + strlen(name) - 6, "_total"), "%s",
			      name);
		ck_assert_str_eq(type, "counter");
		char help[160];
		snprintf(help, sizeof(help), "# HELP %s ", name);
		ck_assert_msg(strstr(text, help), "no HELP for %s", name);
	}
}

START_TEST(stats_exposition)
{
	char *out =
	    render("{\"interfaces\":[{\"name\":\"eth0\",\"actions\":{"
		   "\"drop\":{\"packets\":10,\"bytes\":600},"
		   "\"pass\":{\"packets\":2000,\"bytes\":128000}}},"
		   "{\"name\":\"eth1\",\"actions\":{\"pass\":{\"packets\":1,\"bytes\":64}}}],"
		   "\"rules\":[{\"name\":\"drop-8080\",\"action\":\"drop\",\"packets\":10,"
		   "\"bytes\":600}],"
		   "\"balancers\":[{\"name\":\"web\",\"backends\":[{\"address\":\"10.0.0.3\","
		   "\"packets\":7,\"bytes\":700}]}],"
		   "\"blocklist\":{\"packets\":4},"
		   "\"sampling\":{\"events\":100,\"lost\":1}}");

	assert_xdpd_counters(out);
	static const char *const lines[] = {
	    "\nxdpd_interface_packets_total{interface=\"eth0\",action=\"drop\"} 10\n",
	    "\nxdpd_interface_packets_total{interface=\"eth1\",action=\"pass\"} 1\n",
	    "\nxdpd_interface_bytes_total{interface=\"eth0\",action=\"pass\"} 128000\n",
	    "\nxdpd_rule_packets_total{rule=\"drop-8080\",action=\"drop\"} 10\n",
	    "\nxdpd_rule_bytes_total{rule=\"drop-8080\",action=\"drop\"} 600\n",
	    "\nxdpd_backend_packets_total{balancer=\"web\",backend=\"10.0.0.3\"} 7\n",
	    "\nxdpd_backend_bytes_total{balancer=\"web\",backend=\"10.0.0.3\"} 700\n",
	    "\nxdpd_blocklist_packets_total 4\n",
	    "\nxdpd_sampling_events_total 100\n",
	    "\nxdpd_sampling_lost_total 1\n",
	    "# TYPE xdpd_interface_packets_total counter\n",
	};
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(strstr(out, lines[i]), "missing %s in:\n%s", lines[i], out);
	free(out);
}
END_TEST

START_TEST(labels_are_escaped)
{
	char *out = render("{\"rules\":[{\"name\":\"we\\\"ird\\\\name\\nx\",\"action\":\"drop\","
			   "\"packets\":1,\"bytes\":2}]}");

	assert_xdpd_counters(out);
	ck_assert_msg(strstr(out, "\nxdpd_rule_packets_total{rule=\"we\\\"ird\\\\name\\nx\","
				  "action=\"drop\"} 1\n"),
		      "%s", out);
	free(out);
}
END_TEST

START_TEST(empty_stats_still_valid)
{
	char *out = render("{}");

	assert_xdpd_counters(out);
	ck_assert_ptr_nonnull(strstr(out, "# TYPE xdpd_rule_packets_total counter\n"));
	free(out);
}
END_TEST

/* --prometheus goes through the CLI and is refused with --json. */
START_TEST(prometheus_flag)
{
	struct xrun r = XRUN("-s", xrun_missing_socket(), "stats", "--prometheus");

	ck_assert_int_eq(r.rc, 3);
	xrun_free(&r);
	r = XRUN("-s", xrun_missing_socket(), "--json", "stats", "--prometheus");
	ck_assert_int_eq(r.rc, 2);
	xrun_free(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("xdpctl_prom");
	TCase *tc = tcase_create("prometheus");

	tcase_add_test(tc, validator_rejects_broken_expositions);
	tcase_add_test(tc, stats_exposition);
	tcase_add_test(tc, labels_are_escaped);
	tcase_add_test(tc, empty_stats_still_valid);
	tcase_add_test(tc, prometheus_flag);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_run(suite());
}
