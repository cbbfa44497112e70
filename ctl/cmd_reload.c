// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpctl reload [--dry-run]: re-read the policy, show what changes. */
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "jfield.h"
#include "output.h"

/* One diff entry: {kind, change, name} reads "  added    rule drop-8080";
 * a string is shown as is; another object as "key=value ..." in the
 * daemon's order. */
static void print_diff_entry(const struct ctl *c, struct json_object *d)
{
	const char *kind = jstr(d, "kind", NULL), *change = jstr(d, "change", NULL);
	char tmp[256];
	bool first = true;

	fputs("  ", c->out);
	if (kind && change) {
		fprintf(c->out, "%-8s %s %s\n", change, kind, jstr(d, "name", ""));
		return;
	}
	if (!json_object_is_type(d, json_type_object)) {
		fprintf(c->out, "%s\n", jtext(d, "-", tmp, sizeof(tmp)));
		return;
	}
	json_object_object_foreach(d, key, val)
	{
		fprintf(c->out, "%s%s=%s", first ? "" : " ", key,
			jtext(val, "-", tmp, sizeof(tmp)));
		first = false;
	}
	fputc('\n', c->out);
}

static void print_diff(const struct ctl *c, struct json_object *res)
{
	struct json_object *diff = jarr(res, "diff");

	for (size_t i = 0; diff && i < json_object_array_length(diff); i++)
		print_diff_entry(c, json_object_array_get_idx(diff, i));
}

void reload_print(const struct ctl *c, struct json_object *res)
{
	unsigned long long gen = ju64(res, "generation");

	if (!jbool(res, "changed", false))
		fprintf(c->out, "policy unchanged (generation %llu)\n", gen);
	else
		fprintf(c->out, "policy reloaded: generation %llu\n", gen);
	print_diff(c, res);
}

static void dry_run_print(const struct ctl *c, struct json_object *res)
{
	if (!jbool(res, "changed", false))
		fprintf(c->out, "dry run: policy unchanged (generation %llu)\n",
			(unsigned long long)ju64(res, "generation"));
	else
		fprintf(c->out, "dry run: reloading would change:\n");
	print_diff(c, res);
}

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_opt opts[] = {{"dry-run", 'n', NULL}, {NULL, 0, NULL}};
	static const struct arg_spec spec = {opts, 0, 0, NULL};
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	struct json_object *p = json_object_new_object();
	if (a.val[0])
		json_object_object_add(p, "dry_run", json_object_new_boolean(1));
	return show_result(c, "reload", p, a.val[0] ? dry_run_print : reload_print);
}

const struct ctl_command cmd_reload = {
    .name = "reload",
    .usage = "reload [--dry-run]",
    .summary = "Make the daemon re-read its policy file and apply it atomically (the same\n"
	       "as systemctl reload xdpd), then print what changed. An invalid policy\n"
	       "changes nothing: its diagnostics are printed and the exit status is 1.",
    .details = "Options:\n"
	       "  --dry-run, -n  validate and print the changes without applying them\n",
    .run = run,
};
