// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl check [FILE]: validate a policy offline, with the daemon's own
 * parser and validator (policy_check_main, shared with xdpd --check), so
 * both say the same thing about the same file. No daemon is contacted.
 */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "json_text.h"
#include "output.h"
#include "policy_check.h"

static json_object *diag_json(struct src_loc loc, const char *msg)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "line", json_object_new_int64(loc.line));
	json_object_object_add(o, "column", json_object_new_int64(loc.col));
	json_object_object_add(o, "message", json_object_new_string(msg));
	return o;
}

/* A file name as JSON text: json-c copies bytes as they are, and a name
 * need not be UTF-8; a byte that is not part of a UTF-8 character is '?'. */
static json_object *path_json(const char *path)
{
	size_t n = strlen(path), i = 0, k;
	char *s = strdup(path);
	json_object *o;

	if (!s)
		return json_object_new_string(path);
	while (i < n) {
		k = json_utf8_seq((const unsigned char *)path + i, n - i);
		if (!k)
			s[i] = '?';
		i += k ? k : 1;
	}
	o = json_object_new_string(s);
	free(s);
	return o;
}

/* {"path", "valid", "diagnostics": [{"line", "column", "message"}]}, from
 * the diagnostics themselves: a message may hold "FILE:LINE:COLUMN: "
 * (quoting a key, say), so the text form is not parsed back. */
static int check_json(struct ctl *c, const char *path)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	struct diag_list d;
	char more[64];
	int r;

	diag_init(&d, path);
	r = policy_check_diags(path, &d);
	for (size_t i = 0; i < d.n; i++)
		json_object_array_add(a, diag_json(d.v[i].loc, d.v[i].msg));
	if (d.dropped) { /* as the text form ends: a line for the whole file */
		snprintf(more, sizeof(more), "%zu more error%s not shown", d.dropped,
			 d.dropped == 1 ? "" : "s");
		json_object_array_add(a, diag_json((struct src_loc){0}, more));
	}
	json_object_object_add(o, "path", path_json(path));
	json_object_object_add(o, "valid", json_object_new_boolean(r == 0));
	json_object_object_add(o, "diagnostics", a);
	out_json(c, o);
	json_object_put(o);
	diag_free(&d);
	return r;
}

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {NULL, 0, 1, "FILE"};
	const char *path;
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	path = a.npos ? a.pos[0] : XDPCTL_DEFAULT_POLICY;
	/* 0: valid ("FILE: ok"); 1: invalid or unreadable, diagnostics printed */
	if (c->json)
		return check_json(c, path) ? XC_FAIL : XC_OK;
	return policy_check_main(path, c->out) ? XC_FAIL : XC_OK;
}

const struct ctl_command cmd_check = {
    .name = "check",
    .usage = "check [FILE]",
    .summary = "Validate a policy file (default " XDPCTL_DEFAULT_POLICY ") without a daemon:\n"
	       "print every problem as FILE:LINE:COLUMN: message; exit 0 when the policy\n"
	       "is valid, 1 when it is not. With --json, one object: {\"path\", \"valid\",\n"
	       "\"diagnostics\": [{\"line\", \"column\", \"message\"}]} (line 0: the whole file).",
    .run = run,
};
