// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl trace PACKET: run the live program on one packet described in text
 * and show its verdict. The words may be given as one quoted argument or as
 * several; they are joined with single spaces. The daemon parses the text
 * (one parser for the API and the CLI) and refuses a bad one with -32602.
 */
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "jfield.h"
#include "output.h"

#define TRACE_MAX 512

void trace_print(const struct ctl *c, struct json_object *res)
{
	static const char *const keys[] = {"rule", "balancer", "backend", "blocklist"};
	bool any = false;

	fprintf(c->out, "%s", jstr(res, "action", "?"));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		char tmp[128];

		if (!jhas(res, keys[i]))
			continue;
		struct json_object *v = NULL;
		json_object_object_get_ex(res, keys[i], &v);
		fprintf(c->out, "%s%s %s", any ? ", " : " (", keys[i],
			jtext(v, "-", tmp, sizeof(tmp)));
		any = true;
	}
	fprintf(c->out, "%s\n", any ? ")" : "");
}

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {NULL, 1, ARGS_MAX_POS, "PACKET"};
	struct args a;
	char packet[TRACE_MAX];
	size_t o = 0;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	for (int i = 0; i < a.npos; i++) {
		size_t n = strlen(a.pos[i]);

		if (o + n + 2 > sizeof(packet))
			return ctl_usage_error(c, cmd, "packet description longer than %d bytes",
					       TRACE_MAX - 1);
		if (o)
			packet[o++] = ' ';
		memcpy(packet + o, a.pos[i], n);
		o += n;
	}
	packet[o] = '\0';
	if (!packet[strspn(packet, " \t")])
		return ctl_usage_error(c, cmd, "empty packet description");
	struct json_object *p = json_object_new_object();
	json_object_object_add(p, "packet", json_object_new_string(packet));
	return show_result(c, "trace", p, trace_print);
}

const struct ctl_command cmd_trace = {
    .name = "trace",
    .usage = "trace 'PROTO SRC[:PORT] > DST[:PORT] [flags FLAGS] [vlan ID]'",
    .summary = "Run the live XDP program on one packet built from the description and print\n"
	       "its verdict (drop, pass, tx, redirect, aborted) and the rule, balancer or\n"
	       "backend that decided it. Example:\n"
	       "  xdpctl trace 'tcp 198.51.100.7:40000 > 192.168.1.2:8080 flags S vlan 10'",
    .run = run,
};
