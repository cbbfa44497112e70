// SPDX-License-Identifier: GPL-2.0-or-later
/* Per-command option parsing: see args.h. */
#include <string.h>

#include "args.h"

/* Word i of a space-separated list, into buf. */
static const char *nth_word(const char *list, int i, char *buf, size_t len)
{
	const char *p = list ? list : "";

	for (; i > 0 && p; i--) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || !*p)
		return "argument";
	size_t n = strcspn(p, " ");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return buf;
}

static int find_long(const struct arg_opt *opts, const char *name, size_t len)
{
	for (int i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, name, len))
			return i;
	return -1;
}

static int find_short(const struct arg_opt *opts, char ch)
{
	for (int i = 0; opts && opts[i].name; i++)
		if (opts[i].short_name && opts[i].short_name == ch)
			return i;
	return -1;
}

/* Handles the options every command takes. Returns 1 if tok was one. */
static int common_option(struct ctl *c, const struct ctl_command *cmd, const char *tok,
			 struct args *a)
{
	if (!strcmp(tok, "--json") || !strcmp(tok, "-j")) {
		c->json = true;
		return 1;
	}
	if (!strcmp(tok, "--help") || !strcmp(tok, "-h")) {
		ctl_print_command_help(c, cmd);
		a->status = XC_OK;
		return -1;
	}
	return 0;
}

/* One option token at argv[*i]; advances *i past a separate value. */
static bool parse_option(struct ctl *c, const struct ctl_command *cmd, const struct arg_spec *spec,
			 int argc, char **argv, int *i, struct args *a)
{
	const char *tok = argv[*i], *inline_val = NULL;
	int idx;

	int r = common_option(c, cmd, tok, a);
	if (r)
		return r > 0;
	if (tok[1] == '-') {
		const char *name = tok + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);

		idx = find_long(spec->opts, name, len);
		inline_val = eq ? eq + 1 : NULL;
	} else {
		idx = tok[2] ? -1 : find_short(spec->opts, tok[1]);
	}
	a->status = XC_USAGE;
	if (idx < 0) {
		ctl_usage_error(c, cmd, "unknown option '%s'", tok);
		return false;
	}
	const struct arg_opt *o = &spec->opts[idx];
	if (a->val[idx]) { /* which one was meant? */
		ctl_usage_error(c, cmd, "option '--%s' given twice", o->name);
		return false;
	}
	if (!o->value_name) {
		if (inline_val) {
			ctl_usage_error(c, cmd, "option '--%s' takes no value", o->name);
			return false;
		}
		a->val[idx] = "";
		return true;
	}
	if (!inline_val) {
		if (*i + 1 >= argc) {
			ctl_usage_error(c, cmd, "option '%s' needs a value (%s)", tok,
					o->value_name);
			return false;
		}
		inline_val = argv[++*i];
	}
	a->val[idx] = inline_val;
	return true;
}

bool args_parse(struct ctl *c, const struct ctl_command *cmd, const struct arg_spec *spec, int argc,
		char **argv, struct args *a)
{
	bool opts_done = false;
	char word[64];

	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc; i++) {
		const char *tok = argv[i];

		if (!opts_done && !strcmp(tok, "--")) {
			opts_done = true;
			continue;
		}
		/* "-" alone is a positional (e.g. check - for stdin is not
		 * supported, but it must not read as an option). */
		if (!opts_done && tok[0] == '-' && tok[1]) {
			if (!parse_option(c, cmd, spec, argc, argv, &i, a))
				return false;
			continue;
		}
		if (a->npos >= spec->max_pos || a->npos >= ARGS_MAX_POS) {
			a->status = ctl_usage_error(c, cmd, "unexpected argument '%s'", tok);
			return false;
		}
		a->pos[a->npos++] = argv[i];
	}
	if (a->npos < spec->min_pos) {
		a->status = ctl_usage_error(c, cmd, "missing %s",
					    nth_word(spec->pos_names, a->npos, word, sizeof(word)));
		return false;
	}
	return true;
}
