// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl version: this client's version and, when the daemon answers ping,
 * the daemon's. An unreachable daemon is reported on stderr but is not a
 * failure here (exit 0): the client's version is still the answer.
 */
#include "args.h"
#include "client.h"
#include "cmd.h"
#include "jfield.h"
#include "output.h"

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {NULL, 0, 0, NULL};
	struct json_object *res = NULL;
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	int r = rpc_call(c, "ping", NULL, &res);
	const char *daemon = r ? NULL : jstr(res, "version", "unknown");
	if (c->json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "xdpctl", json_object_new_string(XDPD_VERSION));
		json_object_object_add(o, "xdpd", daemon ? json_object_new_string(daemon) : NULL);
		out_json(c, o);
		json_object_put(o);
	} else {
		fprintf(c->out, "xdpctl %s\n", XDPD_VERSION);
		if (daemon)
			fprintf(c->out, "xdpd %s\n", daemon);
	}
	json_object_put(res);
	return XC_OK;
}

const struct ctl_command cmd_version = {
    .name = "version",
    .usage = "version",
    .summary = "Print xdpctl's version and, if the daemon answers, xdpd's.",
    .run = run,
};
