// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpctl stats [--prometheus]: the datapath's counters. */
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "jfield.h"
#include "output.h"
#include "stats_walk.h"

static void emit(stat_cb cb, void *ctx, const char *l1, const char *l2, struct json_object *o)
{
	struct stat_sample s = {
	    .l1 = l1,
	    .l2 = l2,
	    .packets = ju64(o, "packets"),
	    .bytes = ju64(o, "bytes"),
	};
	cb(ctx, &s);
}

void stats_walk_interfaces(struct json_object *res, stat_cb cb, void *ctx)
{
	struct json_object *ifs = jarr(res, "interfaces");

	for (size_t i = 0; ifs && i < json_object_array_length(ifs); i++) {
		struct json_object *e = json_object_array_get_idx(ifs, i), *acts;
		const char *name = jstr(e, "name", "?");

		if ((acts = jobj(e, "actions"))) {
			json_object_object_foreach(acts, action, v) emit(cb, ctx, name, action, v);
		} else if ((acts = jarr(e, "actions"))) {
			for (size_t k = 0; k < json_object_array_length(acts); k++) {
				struct json_object *v = json_object_array_get_idx(acts, k);

				emit(cb, ctx, name, jstr(v, "action", "?"), v);
			}
		}
	}
}

void stats_walk_rules(struct json_object *res, stat_cb cb, void *ctx)
{
	struct json_object *rules = jarr(res, "rules");

	for (size_t i = 0; rules && i < json_object_array_length(rules); i++) {
		struct json_object *e = json_object_array_get_idx(rules, i);

		emit(cb, ctx, jstr(e, "name", "?"), jstr(e, "action", NULL), e);
	}
}

static void walk_backend_list(struct json_object *list, const char *balancer, stat_cb cb, void *ctx)
{
	for (size_t k = 0; list && k < json_object_array_length(list); k++) {
		struct json_object *b = json_object_array_get_idx(list, k);

		emit(cb, ctx, balancer ? balancer : jstr(b, "balancer", "?"),
		     jstr(b, "address", "?"), b);
	}
}

void stats_walk_backends(struct json_object *res, stat_cb cb, void *ctx)
{
	struct json_object *lbs = jarr(res, "balancers");

	for (size_t i = 0; lbs && i < json_object_array_length(lbs); i++) {
		struct json_object *lb = json_object_array_get_idx(lbs, i);

		walk_backend_list(jarr(lb, "backends"), jstr(lb, "name", "?"), cb, ctx);
	}
	walk_backend_list(jarr(res, "backends"), NULL, cb, ctx);
}

static void add_row(void *ctx, const struct stat_sample *s)
{
	struct table *t = ctx;
	char p[FMT_COUNT_LEN], b[FMT_COUNT_LEN];

	table_cell(t, "%s", s->l1);
	table_cell(t, "%s", s->l2 ? s->l2 : "-");
	table_cell(t, "%s", fmt_count(s->packets, p, sizeof(p)));
	table_cell(t, "%s", fmt_count(s->bytes, b, sizeof(b)));
}

/* One table per counter family; families without entries are left out. */
static void print_family(const struct ctl *c, struct json_object *res, const char *t1,
			 const char *t2, void (*walk)(struct json_object *, stat_cb, void *),
			 bool *first)
{
	const struct table_col cols[] = {
	    {t1, COL_LEFT}, {t2, COL_LEFT}, {"PACKETS", COL_RIGHT}, {"BYTES", COL_RIGHT}, {NULL, 0},
	};
	struct table *t = table_new(cols);

	if (!t)
		return;
	walk(res, add_row, t);
	if (table_rows(t)) {
		if (!*first)
			fputc('\n', c->out);
		table_print(t, c->out, 0);
		*first = false;
	}
	table_free(t);
}

void stats_print(const struct ctl *c, struct json_object *res)
{
	struct json_object *sampling = jobj(res, "sampling"), *bl = jobj(res, "blocklist");
	char n1[FMT_COUNT_LEN], n2[FMT_COUNT_LEN];
	bool first = true;

	print_family(c, res, "INTERFACE", "ACTION", stats_walk_interfaces, &first);
	print_family(c, res, "RULE", "ACTION", stats_walk_rules, &first);
	print_family(c, res, "BALANCER", "BACKEND", stats_walk_backends, &first);
	if (!first && (bl || sampling))
		fputc('\n', c->out);
	if (bl)
		fprintf(c->out, "blocklist  %s packets dropped\n",
			fmt_count(ju64(bl, "packets"), n1, sizeof(n1)));
	if (sampling)
		fprintf(c->out, "sampling   %s events, %s lost\n",
			fmt_count(ju64(sampling, "events"), n1, sizeof(n1)),
			fmt_count(ju64(sampling, "lost"), n2, sizeof(n2)));
}

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_opt opts[] = {{"prometheus", 'p', NULL}, {NULL, 0, NULL}};
	static const struct arg_spec spec = {.opts = opts, .max_pos = 0};
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	if (a.val[0] && c->json)
		return ctl_usage_error(c, cmd, "--prometheus and --json exclude each other");
	if (a.val[0]) {
		c->json = false;
		return show_result(c, "stats", NULL, stats_print_prometheus);
	}
	return show_result(c, "stats", NULL, stats_print);
}

const struct ctl_command cmd_stats = {
    .name = "stats",
    .usage = "stats [--prometheus]",
    .summary = "Show the datapath's counters: packets and bytes per interface and action,\n"
	       "per rule and per load-balancer backend, and sampling events and losses.\n"
	       "Counters are cumulative since the counter maps were created: they survive\n"
	       "daemon restarts and policy reloads.",
    .details = "Options:\n"
	       "  --prometheus, -p  print the counters in the Prometheus text exposition\n"
	       "                    format (for node_exporter's textfile collector)\n",
    .run = run,
};
