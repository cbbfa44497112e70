// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl lb [NAME] | lb drain|enable|disable BALANCER BACKEND: the load
 * balancers and their backends. The words drain, enable and disable are
 * therefore not usable as NAME here (lb --json shows every balancer).
 */
#include <string.h>

#include "args.h"
#include "cmd.h"
#include "jfield.h"
#include "netparse.h"
#include "output.h"

static void print_backends(const struct ctl *c, struct json_object *list)
{
	static const struct table_col cols[] = {
	    {"BACKEND", COL_LEFT}, {"MAC", COL_LEFT},
	    {"WEIGHT", COL_RIGHT}, {"STATE", COL_LEFT},
	    {"HEALTHY", COL_LEFT}, {"PACKETS", COL_RIGHT},
	    {"BYTES", COL_RIGHT},  {NULL, 0},
	};
	struct table *t = table_new(cols);

	if (!t)
		return;
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		struct json_object *b = json_object_array_get_idx(list, i);
		char p[FMT_COUNT_LEN], by[FMT_COUNT_LEN];

		table_cell(t, "%s", jstr(b, "address", "?"));
		table_cell(t, "%s", jstr(b, "mac", "-"));
		table_cell(t, "%llu", (unsigned long long)ju64(b, "weight"));
		table_cell(t, "%s", jstr(b, "state", "-"));
		/* healthy is null/absent without a health check */
		table_cell(t, "%s",
			   jhas(b, "healthy") ? (jbool(b, "healthy", false) ? "yes" : "no") : "-");
		table_cell(t, "%s", fmt_count(ju64(b, "packets"), p, sizeof(p)));
		table_cell(t, "%s", fmt_count(ju64(b, "bytes"), by, sizeof(by)));
	}
	table_print(t, c->out, 2);
	table_free(t);
}

/* "tcp 192.168.1.2:80", "tcp [2001:db8::1]:80", "icmp 192.168.1.2". */
static void print_balancer(const struct ctl *c, struct json_object *lb)
{
	const char *vip = jstr(lb, "vip", "?"), *proto = jstr(lb, "protocol", "?");
	bool has_port = ju64(lb, "port") && strcmp(proto, "icmp") && strcmp(proto, "icmpv6");
	bool v6 = strchr(vip, ':') != NULL;

	fprintf(c->out, "%s  %s ", jstr(lb, "name", "?"), proto);
	if (has_port)
		fprintf(c->out, v6 ? "[%s]:%llu" : "%s:%llu", vip,
			(unsigned long long)ju64(lb, "port"));
	else
		fputs(vip, c->out);
	fprintf(c->out, "  scheduler %s, forwarding %s\n", jstr(lb, "scheduler", "-"),
		jstr(lb, "forwarding", "-"));
	print_backends(c, jarr(lb, "backends"));
}

void lb_print(const struct ctl *c, struct json_object *res)
{
	struct json_object *lbs = jarr(res, "balancers");
	size_t n = lbs ? json_object_array_length(lbs) : 0;

	if (!n)
		fprintf(c->out, "no load balancers\n");
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc('\n', c->out);
		print_balancer(c, json_object_array_get_idx(lbs, i));
	}
}

void lb_backend_print(const struct ctl *c, struct json_object *b)
{
	fprintf(c->out, "backend %s is now %s\n", jstr(b, "address", "?"), jstr(b, "state", "?"));
}

static const struct {
	const char *word, *state;
} set_words[] = {{"drain", "drain"}, {"enable", "active"}, {"disable", "disabled"}};

static int run_set(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv,
		   const char *state)
{
	static const struct arg_spec spec = {NULL, 2, 2, "BALANCER BACKEND"};
	struct args a;
	struct ip_addr addr;
	char canon[64];

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	if (parse_ip_addr(a.pos[1], &addr) || format_ip_addr(&addr, canon, sizeof(canon)) < 0)
		return ctl_usage_error(c, cmd,
				       "bad backend '%s': want the backend's IPv4 or "
				       "IPv6 address",
				       a.pos[1]);
	struct json_object *p = json_object_new_object();
	json_object_object_add(p, "balancer", json_object_new_string(a.pos[0]));
	json_object_object_add(p, "backend", json_object_new_string(canon));
	json_object_object_add(p, "state", json_object_new_string(state));
	return show_result(c, "lb.set_state", p, lb_backend_print);
}

static const struct ctl_command cmd_lb_set = {
    .name = "lb",
    .usage = "lb drain|enable|disable BALANCER BACKEND",
    .summary = "Set a backend's state: drain (existing flows only), enable (active) or\n"
	       "disable (no traffic). BACKEND is the backend's address.",
    .run = NULL, /* reached through cmd_lb */
};

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {NULL, 0, 1, "NAME"};
	struct args a;

	for (size_t i = 0; argc > 1 && i < sizeof(set_words) / sizeof(set_words[0]); i++)
		if (!strcmp(argv[1], set_words[i].word))
			return run_set(c, &cmd_lb_set, argc - 1, argv + 1, set_words[i].state);
	/* "lb frob web 10.0.0.1": a misspelt action, not a name and two extras */
	if (argc == 4 && argv[1][0] != '-' && argv[2][0] != '-' && argv[3][0] != '-')
		return ctl_usage_error(c, cmd, "'%s' is not drain, enable or disable", argv[1]);
	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	struct json_object *p = json_object_new_object();
	if (a.npos)
		json_object_object_add(p, "balancer", json_object_new_string(a.pos[0]));
	return show_result(c, "lb.list", p, lb_print);
}

const struct ctl_command cmd_lb = {
    .name = "lb",
    .usage = "lb [NAME]\n"
	     "lb drain|enable|disable BALANCER BACKEND",
    .summary = "Show load balancers (all, or the one called NAME) with their backends'\n"
	       "weight, state, health and counters; or change a backend's state:\n"
	       "  drain    existing flows stay, new flows go to other backends\n"
	       "  enable   back to active\n"
	       "  disable  no traffic at all\n"
	       "BACKEND is the backend's address. States set here live in pinned maps:\n"
	       "they survive daemon restarts and policy reloads.",
    .run = run,
};
