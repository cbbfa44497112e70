// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpctl status: the daemon, its policy and where the datapath runs. */
#include <time.h>

#include "args.h"
#include "cmd.h"
#include "jfield.h"
#include "output.h"

/* loaded_at as the daemon sent it: an RFC 3339 string is shown verbatim; a
 * number is a Unix time in s, ms, us or ns (told apart by magnitude). */
static const char *fmt_time(struct json_object *v, char *buf, size_t len)
{
	if (!v || json_object_is_type(v, json_type_null))
		return "-";
	if (json_object_is_type(v, json_type_string))
		return json_object_get_string(v);
	uint64_t t = (uint64_t)json_object_get_int64(v);
	while (t > 100000000000ull) /* past year 5138 in seconds: a finer unit */
		t /= 1000;
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) || !strftime(buf, len, "%Y-%m-%d %H:%M:%S %z", &tm))
		return "-";
	return buf;
}

static void print_interfaces(const struct ctl *c, struct json_object *ifs)
{
	static const struct table_col cols[] = {
	    {"INTERFACE", COL_LEFT}, {"IFINDEX", COL_RIGHT}, {"MODE", COL_LEFT},
	    {"PROG ID", COL_RIGHT},  {"ATTACHED", COL_LEFT}, {NULL, 0},
	};
	struct table *t = table_new(cols);

	if (!t)
		return;
	for (size_t i = 0; ifs && i < json_object_array_length(ifs); i++) {
		struct json_object *e = json_object_array_get_idx(ifs, i);

		table_cell(t, "%s", jstr(e, "name", "?"));
		table_cell(t, "%llu", (unsigned long long)ju64(e, "ifindex"));
		table_cell(t, "%s", jstr(e, "mode", "-"));
		table_cell(t, "%llu", (unsigned long long)ju64(e, "prog_id"));
		table_cell(t, "%s", jbool(e, "attached", false) ? "yes" : "no");
	}
	table_print(t, c->out, 0);
	table_free(t);
}

void status_print(const struct ctl *c, struct json_object *res)
{
	struct json_object *pol = jobj(res, "policy"), *counts = jobj(res, "counts"), *v = NULL;
	char up[FMT_DURATION_LEN], when[64];

	fprintf(c->out, "daemon      xdpd %s, pid %lld, up %s\n", jstr(res, "version", "?"),
		(long long)ji64(res, "pid", 0), fmt_duration(ju64(res, "uptime"), up, sizeof(up)));
	if (pol) {
		json_object_object_get_ex(pol, "loaded_at", &v);
		fprintf(c->out, "policy      %s\n", jstr(pol, "path", "-"));
		fprintf(c->out, "generation  %llu, loaded %s\n",
			(unsigned long long)ju64(pol, "generation"),
			fmt_time(v, when, sizeof(when)));
		fprintf(c->out, "sha256      %s\n", jstr(pol, "sha256", "-"));
	}
	if (counts)
		fprintf(c->out, "counts      %llu rules, %llu balancers, %llu blocklist entries\n",
			(unsigned long long)ju64(counts, "rules"),
			(unsigned long long)ju64(counts, "balancers"),
			(unsigned long long)ju64(counts, "blocklist"));
	fputc('\n', c->out);
	print_interfaces(c, jarr(res, "interfaces"));
}

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {.max_pos = 0};
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	return show_result(c, "status", NULL, status_print);
}

const struct ctl_command cmd_status = {
    .name = "status",
    .usage = "status",
    .summary = "Show the daemon's version, pid and uptime, the loaded policy (path, sha256,\n"
	       "generation, load time), object counts and each interface's XDP program.",
    .run = run,
};
