// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl trace PACKET: run the live program on one packet described in text
 * and show its verdict. The words may be given as one quoted argument or as
 * several; they are joined with single spaces. The text is checked here
 * first (common/tracespec.c, the parser the daemon runs too), so a typo is a
 * usage error with a pointer to the bad word, without a round trip.
 */
#include <string.h>

#include "args.h"
#include "client.h"
#include "cmd.h"
#include "jfield.h"
#include "output.h"
#include "packet_text.h"
#include "tracespec.h"

#define TRACE_MAX 512

/* The headers a balancer rewrote: "rewritten: MAC > MAC, SRC > DST". */
static void rewritten_print(const struct ctl *c, struct json_object *h)
{
	fprintf(c->out, "  rewritten: %s > %s, ", jstr(h, "eth_src", "?"), jstr(h, "eth_dst", "?"));
	put_endpoint(c->out, h, "src", "src_port", NULL);
	fputs(" > ", c->out);
	put_endpoint(c->out, h, "dst", "dst_port", NULL);
	fputc('\n', c->out);
}

void trace_print(const struct ctl *c, struct json_object *res)
{
	static const char *const keys[] = {"rule", "balancer", "backend", "blocklist"};
	const char *why = verdict_reason_text(jstr(res, "reason", NULL));
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
	if (!any && why)
		fprintf(c->out, " (%s", why), any = true;
	fprintf(c->out, "%s\n", any ? ")" : "");
	if (jobj(res, "rewritten"))
		rewritten_print(c, jobj(res, "rewritten"));
}

/* A usage error that shows the text with carets under the bad word. */
static int bad_packet(struct ctl *c, const struct ctl_command *cmd, const char *packet,
		      const struct tracespec_error *e)
{
	char where[2 * TRACE_TEXT_MAX + 16];

	tracespec_pointer(packet, e, where, sizeof(where));
	fprintf(c->err, "xdpctl: trace: %s\n%s\n", e->message, where);
	return ctl_usage_error(c, cmd, "bad packet description (see above)");
}

/* The daemon's error.data {position, length} (characters) into the packet
 * text, as carets under it: an interface that is not in the policy. */
static bool show_position(const struct ctl *c, struct json_object *data, void *packet)
{
	int64_t pos = ji64(data, "position", -1), len = ji64(data, "length", -1);
	struct tracespec_error e = {0};
	char where[2 * TRACE_TEXT_MAX + 16];

	if (pos < 0 || len < 1)
		return false;
	e.pos = (size_t)pos;
	e.len = (size_t)len;
	tracespec_pointer(packet, &e, where, sizeof(where));
	fprintf(c->err, "%s\n", where);
	return true;
}

/* The result on c->out, as show_result() does; an error that points into
 * the text is shown with the text. */
static int call(struct ctl *c, char *packet)
{
	struct json_object *p = json_object_new_object(), *res = NULL;
	int r;

	json_object_object_add(p, "packet", json_object_new_string(packet));
	r = rpc_call_show(c, "trace", p, &res, show_position, packet);
	if (r)
		return r;
	if (c->json)
		out_json(c, res);
	else
		trace_print(c, res);
	json_object_put(res);
	return XC_OK;
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
	struct trace_spec parsed;
	struct tracespec_error e;
	if (tracespec_parse(packet, &parsed, &e))
		return bad_packet(c, cmd, packet, &e);
	return call(c, packet);
}

const struct ctl_command cmd_trace = {
    .name = "trace",
    .usage = "trace 'PROTO SRC[:PORT] > DST[:PORT] [flags FLAGS] [type TYPE] [vlan ID] [len N] "
	     "[in IFNAME]'",
    .summary = "Run the live XDP program on one packet built from the description and print\n"
	       "its verdict (drop, pass, tx, redirect, aborted) and the rule, balancer or\n"
	       "backend that decided it. Example:\n"
	       "  xdpctl trace 'tcp 198.51.100.7:40000 > 192.168.1.2:8080 flags S vlan 10'\n"
	       "  xdpctl trace 'icmp 192.168.1.4 > 192.168.1.2 type echo-request'\n"
	       "  xdpctl trace 'udp [2001:db8::1]:443 > [2001:db8::2]:53 in eth0'\n"
	       "Tracing changes nothing: no counter, rate limit, round-robin turn or\n"
	       "connection entry moves.",
    .details = "Packet words:\n"
	       "  PROTO       tcp, udp, icmp, icmpv6, a protocol name or number\n"
	       "  SRC, DST    198.51.100.7:40000, [2001:db8::1]:443; ports for tcp/udp only\n"
	       "  flags F     tcp flags: letters F S R P A U E C ('.' is ack) or syn,ack\n"
	       "  type T      icmp type name or number (default echo-request); code N\n"
	       "  vlan ID     a VLAN tag (twice for 802.1ad + 802.1Q)\n"
	       "  len N       frame length in bytes (padded)\n"
	       "  in IFNAME   the interface it arrives on (default: the policy's first)\n",
    .run = run,
};
