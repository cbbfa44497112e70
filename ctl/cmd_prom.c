// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "stats --prometheus": the Prometheus text exposition format (0.0.4).
 * Each family is written whole (HELP, TYPE, then all its samples) because
 * the format forbids interleaving families; every datapath counter is a
 * monotonic counter named xdpd_..._total.
 */
#include <stdio.h>

#include "cmd.h"
#include "jfield.h"
#include "stats_walk.h"

struct family {
	const char *name, *help;
	const char *label1, *label2; /* label2 NULL: the sample has only label1 */
	void (*walk)(struct json_object *, stat_cb, void *);
	bool bytes; /* value: bytes rather than packets */
};

/* Label values: backslash, double quote and line feed are escaped. */
static void put_label_value(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '\\')
			fputs("\\\\", f);
		else if (*s == '"')
			fputs("\\\"", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

struct emit_ctx {
	FILE *f;
	const struct family *fam;
};

static void put_sample(void *ctx, const struct stat_sample *s)
{
	const struct emit_ctx *e = ctx;

	fprintf(e->f, "%s{%s=", e->fam->name, e->fam->label1);
	put_label_value(e->f, s->l1);
	if (e->fam->label2 && s->l2) {
		fprintf(e->f, ",%s=", e->fam->label2);
		put_label_value(e->f, s->l2);
	}
	fprintf(e->f, "} %llu\n", (unsigned long long)(e->fam->bytes ? s->bytes : s->packets));
}

static void put_header(FILE *f, const char *name, const char *help)
{
	/* HELP texts are our own constants, free of backslashes and newlines. */
	fprintf(f, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
}

static void put_scalar(FILE *f, const char *name, const char *help, struct json_object *o,
		       const char *key)
{
	if (!o)
		return;
	put_header(f, name, help);
	fprintf(f, "%s %llu\n", name, (unsigned long long)ju64(o, key));
}

void stats_print_prometheus(const struct ctl *c, struct json_object *res)
{
	static const struct family fams[] = {
	    {"xdpd_interface_packets_total",
	     "Packets the XDP program judged on an interface, by verdict.", "interface", "action",
	     stats_walk_interfaces, false},
	    {"xdpd_interface_bytes_total",
	     "Bytes the XDP program judged on an interface, "
	     "by verdict.",
	     "interface", "action", stats_walk_interfaces, true},
	    {"xdpd_rule_packets_total", "Packets matched by a policy rule.", "rule", "action",
	     stats_walk_rules, false},
	    {"xdpd_rule_bytes_total", "Bytes matched by a policy rule.", "rule", "action",
	     stats_walk_rules, true},
	    {"xdpd_backend_packets_total", "Packets sent to a load-balancer backend.", "balancer",
	     "backend", stats_walk_backends, false},
	    {"xdpd_backend_bytes_total", "Bytes sent to a load-balancer backend.", "balancer",
	     "backend", stats_walk_backends, true},
	};

	for (size_t i = 0; i < sizeof(fams) / sizeof(fams[0]); i++) {
		struct emit_ctx e = {c->out, &fams[i]};

		put_header(c->out, fams[i].name, fams[i].help);
		fams[i].walk(res, put_sample, &e);
	}
	put_scalar(c->out, "xdpd_blocklist_packets_total",
		   "Packets dropped by the dynamic blocklist.", jobj(res, "blocklist"), "packets");
	put_scalar(c->out, "xdpd_sampling_events_total", "Packet samples delivered to the daemon.",
		   jobj(res, "sampling"), "events");
	put_scalar(c->out, "xdpd_sampling_lost_total",
		   "Packet samples lost because the ring buffer was full.", jobj(res, "sampling"),
		   "lost");
}
