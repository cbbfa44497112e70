// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl block add|del|list|flush: the dynamic blocklist. Prefixes, TTLs and
 * comments are checked here before connecting, so a typo is a usage error
 * (exit 2) naming the bad token rather than a daemon round trip.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "args.h"
#include "client.h"
#include "cmd.h"
#include "jfield.h"
#include "netparse.h"
#include "output.h"
#include "xdpd_abi.h"

/* The longest TTL accepted, in seconds, as xdpd's blocklist.add: ten years
 * (anything longer is a typo, not a TTL). */
#define MAX_TTL_S (10ull * 366 * 24 * 3600)

static int check_prefix(const struct ctl *c, const struct ctl_command *cmd, const char *s,
			char *canon, size_t len)
{
	struct prefix p;
	char fixed[64];

	if (!parse_prefix(s, &p) && format_prefix(&p, canon, len) >= 0)
		return XC_OK;
	if (!parse_prefix_raw(s, &p) && prefix_host_bits_set(&p)) {
		prefix_mask(&p);
		format_prefix(&p, fixed, sizeof(fixed));
		return ctl_usage_error(c, cmd, "bad prefix '%s': host bits set (did you mean %s?)",
				       s, fixed);
	}
	return ctl_usage_error(c, cmd,
			       "bad prefix '%s': want an IPv4 or IPv6 address or prefix, "
			       "e.g. 203.0.113.0/24",
			       s);
}

int block_ttl_seconds(const char *s, uint64_t *secs)
{
	uint64_t ms;

	if (parse_duration_ms(s, &ms) || ms == 0 || ms > MAX_TTL_S * 1000)
		return -EINVAL;
	*secs = (ms + 999) / 1000; /* rounded up so "500ms" still blocks */
	return 0;
}

static int check_ttl(const struct ctl *c, const struct ctl_command *cmd, const char *s,
		     uint64_t *secs)
{
	if (block_ttl_seconds(s, secs))
		return ctl_usage_error(c, cmd,
				       "bad --ttl '%s': want a positive duration such "
				       "as 90s, 10m, 1h or 7d",
				       s);
	return XC_OK;
}

static int check_comment(const struct ctl *c, const struct ctl_command *cmd, const char *s)
{
	if (strlen(s) >= XDPD_COMMENT_MAX)
		return ctl_usage_error(c, cmd, "--comment '%s' is %zu bytes long, at most %d", s,
				       strlen(s), XDPD_COMMENT_MAX - 1);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return ctl_usage_error(c, cmd,
					       "--comment '%s' contains a control "
					       "character",
					       s);
	return XC_OK;
}

void block_entry_print(const struct ctl *c, struct json_object *e)
{
	char d[FMT_DURATION_LEN];

	fprintf(c->out, "blocked %s ", jstr(e, "prefix", "?"));
	if (jhas(e, "expires_in"))
		fprintf(c->out, "for %s", fmt_duration(ju64(e, "expires_in"), d, sizeof(d)));
	else
		fprintf(c->out, "until deleted");
	if (jstr(e, "comment", NULL))
		fprintf(c->out, " (%s)", jstr(e, "comment", ""));
	fputc('\n', c->out);
}

static int run_add(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_opt opts[] = {
	    {"ttl", 't', "DURATION"},
	    {"comment", 'c', "TEXT"},
	    {NULL, 0, NULL},
	};
	static const struct arg_spec spec = {opts, 1, 1, "PREFIX"};
	struct args a;
	char prefix[64];
	uint64_t ttl = 0;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	if (check_prefix(c, cmd, a.pos[0], prefix, sizeof(prefix)) ||
	    (a.val[0] && check_ttl(c, cmd, a.val[0], &ttl)) ||
	    (a.val[1] && check_comment(c, cmd, a.val[1])))
		return XC_USAGE;
	struct json_object *p = json_object_new_object();
	json_object_object_add(p, "prefix", json_object_new_string(prefix));
	if (a.val[0])
		json_object_object_add(p, "ttl", json_object_new_uint64(ttl));
	if (a.val[1])
		json_object_object_add(p, "comment", json_object_new_string(a.val[1]));
	return show_result(c, "blocklist.add", p, block_entry_print);
}

static int run_del(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {NULL, 1, 1, "PREFIX"};
	struct args a;
	char prefix[64];
	struct json_object *res = NULL;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	if (check_prefix(c, cmd, a.pos[0], prefix, sizeof(prefix)))
		return XC_USAGE;
	struct json_object *p = json_object_new_object();
	json_object_object_add(p, "prefix", json_object_new_string(prefix));
	int r = rpc_call(c, "blocklist.delete", p, &res);
	if (r)
		return r;
	/* {deleted}: a count or a boolean; nothing deleted is a failure. */
	if (!jbool(res, "deleted", false) && !ju64(res, "deleted")) {
		fprintf(c->err, "xdpctl: block del: %s is not in the blocklist\n", prefix);
		r = XC_FAIL;
	} else if (c->json) {
		out_json(c, res);
	} else {
		fprintf(c->out, "deleted %s\n", prefix);
	}
	json_object_put(res);
	return r;
}

void block_list_print(const struct ctl *c, struct json_object *res)
{
	static const struct table_col cols[] = {
	    {"PREFIX", COL_LEFT},
	    {"EXPIRES IN", COL_RIGHT},
	    {"PACKETS", COL_RIGHT},
	    {"COMMENT", COL_LEFT},
	    {NULL, 0},
	};
	struct json_object *entries = jarr(res, "entries");
	struct table *t = table_new(cols);

	if (!t)
		return;
	for (size_t i = 0; entries && i < json_object_array_length(entries); i++) {
		struct json_object *e = json_object_array_get_idx(entries, i);
		char d[FMT_DURATION_LEN], n[FMT_COUNT_LEN];

		table_cell(t, "%s", jstr(e, "prefix", "?"));
		table_cell(t, "%s",
			   jhas(e, "expires_in") ? fmt_duration(ju64(e, "expires_in"), d, sizeof(d))
						 : "never");
		table_cell(t, "%s", fmt_count(ju64(e, "packets"), n, sizeof(n)));
		table_cell(t, "%s", jstr(e, "comment", ""));
	}
	table_print(t, c->out, 0);
	table_free(t);
}

static int run_list(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {NULL, 0, 0, NULL};
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	return show_result(c, "blocklist.list", NULL, block_list_print);
}

static void flush_print(const struct ctl *c, struct json_object *res)
{
	char n[FMT_COUNT_LEN];

	fprintf(c->out, "flushed %s entries\n", fmt_count(ju64(res, "flushed"), n, sizeof(n)));
}

static int run_flush(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {NULL, 0, 0, NULL};
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	return show_result(c, "blocklist.flush", NULL, flush_print);
}

static const struct ctl_command sub[] = {
    {"block add", "block add PREFIX [--ttl DURATION] [--comment TEXT]",
     "Block a source prefix in the datapath (before any rule). Without --ttl the\n"
     "entry stays until deleted; a TTL is rounded up to whole seconds.",
     "Options:\n"
     "  --ttl, -t DURATION  expire after DURATION: 90s, 10m, 1h, 7d, 250ms\n"
     "  --comment, -c TEXT  a note shown by block list (at most 63 bytes)\n",
     run_add},
    {"block del", "block del PREFIX", "Remove one blocklist entry (the exact prefix).", NULL,
     run_del},
    {"block list", "block list", "List blocklist entries, their remaining time and hits.", NULL,
     run_list},
    {"block flush", "block flush", "Remove every blocklist entry.", NULL, run_flush},
};

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	/* "block --json list" as "block list --json" */
	while (argc > 1 && (!strcmp(argv[1], "--json") || !strcmp(argv[1], "-j"))) {
		c->json = true;
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	if (argc < 2)
		return ctl_usage_error(c, cmd, "missing subcommand (add, del, list or flush)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		ctl_print_command_help(c, cmd);
		return XC_OK;
	}
	const char *word = !strcmp(argv[1], "delete") ? "del" : argv[1];
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++)
		if (!strcmp(sub[i].name + strlen("block "), word))
			return sub[i].run(c, &sub[i], argc - 1, argv + 1);
	return ctl_usage_error(c, cmd, "unknown subcommand '%s' (want add, del, list or flush)",
			       argv[1]);
}

const struct ctl_command cmd_block = {
    .name = "block",
    .usage = "block add PREFIX [--ttl DURATION] [--comment TEXT]\n"
	     "block del PREFIX\n"
	     "block list\n"
	     "block flush",
    .summary = "Manage the dynamic blocklist: source prefixes dropped before any rule is\n"
	       "looked at. Entries live in pinned maps: they survive daemon restarts and\n"
	       "policy reloads until deleted or expired.",
    .details = "Options of block add:\n"
	       "  --ttl, -t DURATION  expire after DURATION: 90s, 10m, 1h, 7d (rounded up\n"
	       "                      to whole seconds); default: until deleted\n"
	       "  --comment, -c TEXT  a note shown by block list (at most 63 bytes)\n",
    .run = run,
};
