// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl: global options and command dispatch. Everything reached from here
 * returns an exit status; nothing below calls exit().
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/un.h>

#include "netparse.h"
#include "xdpctl.h"

static const struct ctl_command *const commands[] = {
    &cmd_status, &cmd_rules, &cmd_stats,   &cmd_lb,    &cmd_block,
    &cmd_reload, &cmd_check, &cmd_monitor, &cmd_trace, &cmd_version,
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char global_usage[] =
    "xdpctl [-s PATH] [--json] [--timeout DURATION] COMMAND [ARGS...]";

static void print_usage_lines(FILE *f, const char *first_prefix, const char *next_prefix,
			      const char *usage)
{
	const char *p = usage;
	bool first = true;

	while (*p) {
		size_t n = strcspn(p, "\n");

		fprintf(f, "%s%.*s\n", first ? first_prefix : next_prefix, (int)n, p);
		first = false;
		p += n;
		if (*p)
			p++;
	}
}

int ctl_usage_error(const struct ctl *c, const struct ctl_command *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->err, "xdpctl: ");
	if (cmd)
		fprintf(c->err, "%s: ", cmd->name);
	va_start(ap, fmt);
	vfprintf(c->err, fmt, ap);
	va_end(ap);
	fputc('\n', c->err);
	if (cmd)
		print_usage_lines(c->err, "usage: xdpctl ", "       xdpctl ", cmd->usage);
	else
		fprintf(c->err, "usage: %s (xdpctl --help lists the commands)\n", global_usage);
	return XC_USAGE;
}

void ctl_print_command_help(const struct ctl *c, const struct ctl_command *cmd)
{
	print_usage_lines(c->out, "usage: xdpctl ", "       xdpctl ", cmd->usage);
	fprintf(c->out, "\n%s\n", cmd->summary);
	if (cmd->details)
		fprintf(c->out, "\n%s", cmd->details);
	fprintf(c->out, "\nOptions every command takes:\n"
			"  --json, -j    print the daemon's result as one line of JSON\n"
			"  --help, -h    this help\n");
}

static void print_help(const struct ctl *c)
{
	FILE *f = c->out;

	fprintf(f, "usage: %s\n\nControl the xdpd XDP policy daemon.\n\nCommands:\n", global_usage);
	for (size_t i = 0; i < NCOMMANDS; i++)
		print_usage_lines(f, "  ", "  ", commands[i]->usage);
	fprintf(f, "\nGlobal options:\n"
		   "  -s, --socket PATH     control socket (default " XDPCTL_DEFAULT_SOCKET ")\n"
		   "  -j, --json            print results as JSON, one object per line\n"
		   "  --timeout DURATION    give up on the daemon after this long (default "
		   "10s)\n"
		   "  -h, --help            this help; COMMAND --help: help on one command\n"
		   "  -V, --version         print xdpctl's version\n"
		   "\n'xdpctl COMMAND --help' describes one command.\n"
		   "\nExit status: 0 success, 1 the operation failed, 2 usage error,\n"
		   "3 the daemon cannot be reached.\n");
}

static const struct ctl_command *find_command(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

/* Value of an option at argv[*i], as "--opt VALUE", "--opt=VALUE" or
 * "-s VALUE". NULL when tok is not this option. */
static const char *option_value(const struct ctl *c, int argc, char **argv, int *i, const char *lng,
				const char *shrt, bool *missing)
{
	const char *tok = argv[*i];
	size_t n = strlen(lng);

	if (!strncmp(tok, lng, n) && tok[n] == '=')
		return tok + n + 1;
	if (strcmp(tok, lng) && (!shrt || strcmp(tok, shrt)))
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

static int set_timeout(struct ctl *c, const char *s)
{
	uint64_t ms;

	if (parse_duration_ms(s, &ms) || ms == 0 || ms > INT32_MAX)
		return ctl_usage_error(c, NULL,
				       "bad --timeout '%s': want a duration such as "
				       "500ms, 10s or 2m",
				       s);
	c->timeout_ms = (int)ms;
	return XC_OK;
}

static int set_socket(struct ctl *c, const char *s)
{
	if (!*s || strlen(s) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return ctl_usage_error(c, NULL, "bad socket path '%s': must be 1 to %zu bytes", s,
				       sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
	c->socket_path = s;
	return XC_OK;
}

/* parse_global() printed help or the version: exit 0 now. */
#define GLOBAL_DONE (-1)

/* Parses global options up to the command word. Returns XC_OK with *cmd_at
 * set, GLOBAL_DONE, or a usage error status. */
static int parse_global(struct ctl *c, int argc, char **argv, int *cmd_at)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *tok = argv[i], *v;
		bool missing = false;

		if (!strcmp(tok, "--")) {
			i++;
			break;
		}
		if (!strcmp(tok, "--json") || !strcmp(tok, "-j")) {
			c->json = true;
		} else if (!strcmp(tok, "--help") || !strcmp(tok, "-h")) {
			print_help(c);
			return GLOBAL_DONE;
		} else if (!strcmp(tok, "--version") || !strcmp(tok, "-V")) {
			fprintf(c->out, "xdpctl %s\n", XDPD_VERSION);
			return GLOBAL_DONE;
		} else if ((v = option_value(c, argc, argv, &i, "--socket", "-s", &missing))) {
			if (set_socket(c, v))
				return XC_USAGE;
		} else if ((v = option_value(c, argc, argv, &i, "--timeout", NULL, &missing))) {
			if (set_timeout(c, v))
				return XC_USAGE;
		} else if (missing) {
			return ctl_usage_error(c, NULL, "option '%s' needs a value", tok);
		} else {
			return ctl_usage_error(c, NULL, "unknown option '%s'", tok);
		}
	}
	*cmd_at = i;
	return XC_OK;
}

/* "xdpctl help [COMMAND]": the same as --help. */
static int run_help(struct ctl *c, int argc, char **argv)
{
	if (argc < 2) {
		print_help(c);
		return XC_OK;
	}
	const struct ctl_command *cmd = find_command(argv[1]);
	if (!cmd)
		return ctl_usage_error(c, NULL, "help: unknown command '%s'", argv[1]);
	ctl_print_command_help(c, cmd);
	return XC_OK;
}

int xdpctl_main(int argc, char **argv, FILE *out, FILE *err)
{
	struct ctl c = {
	    .socket_path = XDPCTL_DEFAULT_SOCKET,
	    .timeout_ms = XDPCTL_DEFAULT_TIMEOUT_MS,
	    .out = out,
	    .err = err,
	};
	int at = 0;
	int r = parse_global(&c, argc, argv, &at);

	if (r == GLOBAL_DONE)
		return XC_OK;
	if (r)
		return r;
	if (at >= argc)
		return ctl_usage_error(&c, NULL, "no command given");
	if (!strcmp(argv[at], "help"))
		return run_help(&c, argc - at, argv + at);
	const struct ctl_command *cmd = find_command(argv[at]);
	if (!cmd)
		return ctl_usage_error(&c, NULL, "unknown command '%s'", argv[at]);
	return cmd->run(&c, cmd, argc - at, argv + at);
}
