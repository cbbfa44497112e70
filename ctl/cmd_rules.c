// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpctl rules: the policy's rules in order, with their counters. */
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "jfield.h"
#include "output.h"

/* A rule's match as one line: a string is shown as is; an object (one key
 * per condition) as "key=value ..." in the daemon's key order; no
 * condition at all reads "any". */
static const char *fmt_match(struct json_object *m, char *buf, size_t len)
{
	size_t o = 0;

	if (m && json_object_is_type(m, json_type_string))
		return json_object_get_string(m);
	if (!m || !json_object_is_type(m, json_type_object) || !json_object_object_length(m))
		return "any";
	buf[0] = '\0';
	json_object_object_foreach(m, key, val)
	{
		char tmp[256];
		const char *text = jtext(val, "-", tmp, sizeof(tmp));

		/* rate_limit {pps, per} reads as it is meant: 1000pps/source */
		if (jhas(val, "pps"))
			snprintf(tmp, sizeof(tmp), "%llupps/%s",
				 (unsigned long long)ju64(val, "pps"), jstr(val, "per", "rule"));
		if (o < len)
			o += snprintf(buf + o, len - o, "%s%s=%s", o ? " " : "", key,
				      jhas(val, "pps") ? tmp : text);
	}
	return buf;
}

void rules_print(const struct ctl *c, struct json_object *res)
{
	static const struct table_col cols[] = {
	    {"NAME", COL_LEFT},	  {"ACTION", COL_LEFT}, {"PACKETS", COL_RIGHT},
	    {"BYTES", COL_RIGHT}, {"MATCH", COL_LEFT},	{NULL, 0},
	};
	struct json_object *rules = jarr(res, "rules");
	struct table *t = table_new(cols);

	if (!t)
		return;
	for (size_t i = 0; rules && i < json_object_array_length(rules); i++) {
		struct json_object *r = json_object_array_get_idx(rules, i), *m = NULL;
		char p[FMT_COUNT_LEN], b[FMT_COUNT_LEN], match[1024];

		json_object_object_get_ex(r, "match", &m);
		table_cell(t, "%s", jstr(r, "name", "?"));
		table_cell(t, "%s", jstr(r, "action", "-"));
		table_cell(t, "%s", fmt_count(ju64(r, "packets"), p, sizeof(p)));
		table_cell(t, "%s", fmt_count(ju64(r, "bytes"), b, sizeof(b)));
		table_cell(t, "%s", fmt_match(m, match, sizeof(match)));
	}
	table_print(t, c->out, 0);
	table_free(t);
}

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {.max_pos = 0};
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	return show_result(c, "rules.list", NULL, rules_print);
}

const struct ctl_command cmd_rules = {
    .name = "rules",
    .usage = "rules",
    .summary = "List the policy's rules in policy order (first match wins) with the packets\n"
	       "and bytes each one matched.",
    .run = run,
};
