// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl monitor [--count N] [--rate N] [--json] [--pcap FILE]: sampled
 * packets as the daemon reads them from the ring buffer. The connection
 * stays open; each event is a "monitor.event" notification.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "args.h"
#include "client.h"
#include "cmd.h"
#include "jfield.h"
#include "netparse.h"
#include "output.h"
#include "packet_text.h"
#include "pcap.h"

struct monitor {
	struct ctl *c;
	FILE *pcap;
	const char *pcap_path;
	uint64_t count, seen;
};

/* --pcap -: the capture to standard output, as tcpdump -w - writes it */
static bool pcap_to_stdout(const struct monitor *m)
{
	return m->pcap_path && !strcmp(m->pcap_path, "-");
}

static const char *proto_name(struct json_object *ev, char *buf, size_t len)
{
	struct json_object *v = NULL;

	json_object_object_get_ex(ev, "protocol", &v);
	if (v && json_object_is_type(v, json_type_string)) {
		snprintf(buf, len, "%s", json_object_get_string(v));
		for (char *p = buf; *p; p++)
			if (*p >= 'a' && *p <= 'z' && strncmp(p, "v6", 2))
				*p = (char)(*p - 'a' + 'A');
		return buf;
	}
	switch (ji64(ev, "protocol", -1)) {
	case 1:
		return "ICMP";
	case 6:
		return "TCP";
	case 17:
		return "UDP";
	case 58:
		return "ICMPv6";
	default:
		snprintf(buf, len, "%lld", (long long)ji64(ev, "protocol", -1));
		return buf;
	}
}

/* The EtherType behind up to two VLAN tags of the frame's first bytes
 * (hex), 0 when they are too short. */
static unsigned frame_ethertype(const char *hex)
{
	uint8_t b[22];
	long n = hex ? hex_decode_prefix(hex, b, sizeof(b)) : 0;
	unsigned off = 12, type = 0;

	for (int tags = 0; tags <= 2 && (long)off + 2 <= n; tags++, off += 4) {
		type = (unsigned)b[off] << 8 | b[off + 1];
		if (type != 0x8100 && type != 0x88a8)
			return type;
	}
	return 0;
}

/* A frame without addresses: one the datapath did not parse. An IP frame
 * it could not read (a bad header, a third VLAN tag) says so: it is not
 * "not IP". */
static void put_unparsed(FILE *f, struct json_object *ev)
{
	unsigned type = frame_ethertype(jstr(ev, "data", NULL));
	const char *what = type == 0x0800   ? "unparsed IPv4"
			   : type == 0x86dd ? "unparsed IPv6"
					    : "not IP";

	fprintf(f, "Packet: %s, length: %llu", what, (unsigned long long)ju64(ev, "len"));
}

void monitor_event_print(const struct ctl *c, struct json_object *ev)
{
	static const char *const tail[] = {"action", "rule", "balancer", "backend"};
	const char *reason = verdict_reason_text(jstr(ev, "reason", NULL));
	char proto[32];

	if (jhas(ev, "src")) {
		fputs("Packet: ", c->out);
		put_endpoint(c->out, ev, "src", "src_port", "sport");
		fputs(" -> ", c->out);
		put_endpoint(c->out, ev, "dst", "dst_port", "dport");
		fprintf(c->out, ", protocol: %s", proto_name(ev, proto, sizeof(proto)));
	} else {
		put_unparsed(c->out, ev);
	}
	/* the verdict and what decided it, then where the packet came in */
	for (size_t i = 0; i < sizeof(tail) / sizeof(tail[0]); i++)
		if (jstr(ev, tail[i], NULL))
			fprintf(c->out, ", %s: %s", tail[i], jstr(ev, tail[i], ""));
	/* a drop no rule decided: the blocklist, default_action or a fragment */
	if (reason && !strcmp(jstr(ev, "action", ""), "drop"))
		fprintf(c->out, ", reason: %s", reason);
	if (jstr(ev, "interface", NULL))
		fprintf(c->out, ", interface: %s", jstr(ev, "interface", ""));
	fputc('\n', c->out);
}

static int write_pcap(struct monitor *m, struct json_object *ev)
{
	const char *hex = jstr(ev, "data", NULL);
	uint8_t buf[PCAP_SNAPLEN];
	long n = hex ? hex_decode(hex, buf, sizeof(buf)) : -EINVAL;

	if (n < 0) {
		fprintf(m->c->err,
			"xdpctl: monitor: event without packet bytes ('data'), "
			"not written to %s\n",
			m->pcap_path);
		return 0;
	}
	uint64_t ts = ju64(ev, "timestamp_ns");
	if (!ts) {
		struct timespec now;
		clock_gettime(CLOCK_REALTIME, &now);
		ts = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	}
	int r = pcap_write_packet(m->pcap, ts, buf, (size_t)n, ju64(ev, "len"));
	if (r)
		fprintf(m->c->err, "xdpctl: monitor: %s: %s\n", m->pcap_path, strerror(-r));
	return r;
}

/* One event. Returns XC_OK, or XC_FAIL when the pcap file fails. */
static int on_event(struct monitor *m, struct json_object *note)
{
	struct json_object *ev = jobj(note, "params");

	if (strcmp(jstr(note, "method", ""), "monitor.event") || !ev)
		return XC_OK;
	if (m->pcap && write_pcap(m, ev))
		return XC_FAIL;
	if (m->c->json)
		out_json(m->c, ev);
	else if (!m->pcap)
		monitor_event_print(m->c, ev);
	fflush(m->c->out);
	m->seen++;
	return XC_OK;
}

/* Truncated only once the daemon has taken the monitor: a daemon that is
 * down or refuses leaves an earlier capture as it was. */
static int open_pcap(struct monitor *m)
{
	m->pcap = pcap_to_stdout(m) ? m->c->out : fopen(m->pcap_path, "we");
	if (!m->pcap || pcap_write_header(m->pcap)) {
		fprintf(m->c->err, "xdpctl: monitor: cannot write %s: %s\n", m->pcap_path,
			strerror(errno));
		return XC_FAIL;
	}
	return XC_OK;
}

/* Before connecting: a path that cannot be written fails at once, without
 * touching a file that is there. */
static int check_pcap(struct monitor *m)
{
	char dir[PATH_MAX];
	int e;

	if (!access(m->pcap_path, W_OK))
		return XC_OK;
	e = errno;
	if (e == ENOENT && strlen(m->pcap_path) < sizeof(dir)) {
		strcpy(dir, m->pcap_path);
		if (!access(dirname(dir), W_OK))
			return XC_OK;
		e = errno;
	}
	fprintf(m->c->err, "xdpctl: monitor: cannot write %s: %s\n", m->pcap_path, strerror(e));
	return XC_FAIL;
}

static int stream(struct monitor *m, struct rpc_conn *rc)
{
	bool started = false;

	for (;;) {
		struct json_object *msg = NULL, *res = NULL;
		char *line;
		size_t len;
		int r = rpc_read_line(rc, "monitor", started, &line, &len);

		if (r)
			return r;
		if (rpc_is_notification(line, len, &msg)) {
			r = on_event(m, msg);
			json_object_put(msg);
		} else {
			r = rpc_take_result(rc, "monitor", line, len, &res);
			if (!r && jhas(res, "rate") && !ju64(res, "rate"))
				fprintf(m->c->err, "xdpctl: monitor: sampling is off (the policy's "
						   "sampling.rate is 0): waiting; --rate N samples "
						   "1 in N packets\n");
			json_object_put(res);
			started = true;
			if (!r && m->pcap_path)
				r = open_pcap(m);
		}
		if (r || (m->count && m->seen >= m->count))
			return r;
	}
}

/* Ctrl-C (or SIGTERM) ends a monitor normally: every event shown was
 * flushed, every pcap record was flushed with its header, so there is
 * nothing left to write. */
static void on_stop_signal(int sig)
{
	(void)sig;
	_exit(XC_OK);
}

static void stop_on_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_opt opts[] = {
	    {"count", 'c', "N"},
	    {"pcap", 'w', "FILE"},
	    {"rate", 'r', "N"},
	    {NULL, 0, NULL},
	};
	static const struct arg_spec spec = {opts, 0, 0, NULL};
	struct monitor m = {.c = c};
	struct rpc_conn rc;
	struct args a;
	uint64_t rate = 0;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	if (a.val[0] && (parse_u64(a.val[0], UINT32_MAX, &m.count) || !m.count))
		return ctl_usage_error(c, cmd, "bad --count '%s': want a positive number",
				       a.val[0]);
	if (a.val[2] && parse_u64(a.val[2], UINT32_MAX, &rate))
		return ctl_usage_error(c, cmd,
				       "bad --rate '%s': want N for 1 in N packets "
				       "(0: the policy's rate)",
				       a.val[2]);
	m.pcap_path = a.val[1];
	if (pcap_to_stdout(&m) && c->json)
		return ctl_usage_error(c, cmd, "--pcap - writes the capture to standard output: "
					       "--json cannot share it");
	if (m.pcap_path && !pcap_to_stdout(&m) && check_pcap(&m))
		return XC_FAIL;
	struct json_object *p = json_object_new_object();
	if (rate)
		json_object_object_add(p, "rate", json_object_new_uint64(rate));
	int r = rpc_connect(c, &rc);
	if (!r) {
		stop_on_signals();
		r = rpc_send(&rc, "monitor", p);
	} else {
		json_object_put(p);
	}
	if (!r)
		r = stream(&m, &rc);
	rpc_close(&rc);
	if (m.pcap && (pcap_to_stdout(&m) ? fflush(m.pcap) : fclose(m.pcap)) && !r) {
		fprintf(c->err, "xdpctl: monitor: %s: %s\n", m.pcap_path, strerror(errno));
		r = XC_FAIL;
	}
	return r;
}

const struct ctl_command cmd_monitor = {
    .name = "monitor",
    .usage = "monitor [--count N] [--rate N] [--json] [--pcap FILE]",
    .summary = "Print packets sampled by the datapath (policy sampling.rate), one line each:\n"
	       "  Packet: 192.168.1.1:53 -> 192.168.1.2:46313, protocol: UDP, action: pass\n"
	       "until interrupted or N packets were shown.",
    .details = "Options:\n"
	       "  --count, -c N    stop after N packets\n"
	       "  --rate, -r N     ask for 1 in N packets (default: the policy's rate)\n"
	       "  --json, -j       one JSON object per packet (the event's params)\n"
	       "  --pcap, -w FILE  write the packets' first bytes to FILE in pcap format\n"
	       "                   (then nothing is printed unless --json is given);\n"
	       "                   - for standard output (xdpctl monitor -w - | tcpdump -r -)\n",
    .run = run,
};
