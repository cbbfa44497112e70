// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpd's command line: getopt_long over one option table. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "options.h"
#include "policy.h"

enum {
	OPT_SOCKET = 0x100,
	OPT_BPFFS,
	OPT_LOG_LEVEL,
	OPT_CHECK,
	OPT_TEARDOWN,
	OPT_VERSION,
};

static const struct option long_options[] = {
    {"config", required_argument, NULL, 'c'},
    {"socket", required_argument, NULL, OPT_SOCKET},
    {"bpffs", required_argument, NULL, OPT_BPFFS},
    {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
    {"check", no_argument, NULL, OPT_CHECK},
    {"teardown", no_argument, NULL, OPT_TEARDOWN},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {},
};

const char *options_usage(void)
{
	return "Usage:\n"
	       "  xdpd [-c PATH] [--socket PATH] [--bpffs DIR] [--log-level LEVEL]\n"
	       "  xdpd --check [-c PATH]         validate the policy, exit 0 (valid) or 1\n"
	       "  xdpd --teardown [--bpffs DIR]  detach everything xdpd attached, remove its pins\n"
	       "  xdpd --version | --help\n"
	       "\n"
	       "  -c, --config PATH     policy file (default " XDPD_DEFAULT_CONFIG ")\n"
	       "      --socket PATH     control socket (default: the policy's control.socket,\n"
	       "                        else " XDPD_DEFAULT_SOCKET ")\n"
	       "      --bpffs DIR       pinned state (default: the policy's bpffs,\n"
	       "                        else " XDPD_DEFAULT_BPFFS ")\n"
	       "      --log-level LEVEL error | warning | notice | info | debug (default info)\n";
}

/* A second command (--check --teardown) is a usage error, not "last wins". */
static int set_command(struct xdpd_cmdline *out, enum xdpd_command cmd, const char *name, char *err,
		       size_t errlen)
{
	if (out->cmd != XDPD_CMD_RUN && out->cmd != cmd) {
		snprintf(err, errlen, "%s cannot be combined with another command option", name);
		return -EINVAL;
	}
	out->cmd = cmd;
	return 0;
}

static int check_empty(const char *opt, const char *arg, char *err, size_t errlen)
{
	if (*arg)
		return 0;
	snprintf(err, errlen, "option '%s' needs a non-empty argument", opt);
	return -EINVAL;
}

/* --socket and --bpffs are checked as control.socket and bpffs are: the
 * same path is refused in the policy, and a socket path of 108 bytes or
 * more would be cut by bind(). */
static int check_path(const char *opt, const char *arg, size_t max, char *err, size_t errlen)
{
	char why[256];
	int r = check_empty(opt, arg, err, errlen);

	if (r == 0 && policy_path_problem(arg, max, why, sizeof(why))) {
		snprintf(err, errlen, "option '%s': %s", opt, why);
		r = -EINVAL;
	}
	return r;
}

/* getopt said '?': arg is the word it stopped at. optopt is not used: for a
 * long option it holds the option's internal value, not a character. */
static int unknown(const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '=');

	if (!strncmp(arg, "--", 2) && eq) {
		for (const struct option *o = long_options; o->name; o++)
			if (o->has_arg == no_argument &&
			    strlen(o->name) == (size_t)(eq - arg - 2) &&
			    !strncmp(o->name, arg + 2, (size_t)(eq - arg - 2))) {
				snprintf(err, errlen, "option '--%s' takes no argument", o->name);
				return -EINVAL;
			}
	}
	if (!strncmp(arg, "--", 2) || !optopt)
		snprintf(err, errlen, "unknown option '%s'", arg);
	else
		snprintf(err, errlen, "unknown option '-%c'", optopt);
	return -EINVAL;
}

static int parse_one(int c, char **argv, struct xdpd_cmdline *out, char *err, size_t errlen)
{
	/* getopt's own messages are silenced (opterr = 0): each error is said once. */
	switch (c) {
	case 'c':
		out->opts.config_path = optarg;
		return check_empty("--config", optarg, err, errlen);
	case OPT_SOCKET:
		out->opts.socket_path = optarg;
		return check_path("--socket", optarg, POLICY_SOCKET_MAX, err, errlen);
	case OPT_BPFFS:
		out->opts.bpffs_dir = optarg;
		return check_path("--bpffs", optarg, POLICY_BPFFS_MAX, err, errlen);
	case OPT_LOG_LEVEL:
		out->opts.log_level = log_level_from_name(optarg);
		if (out->opts.log_level >= 0)
			return 0;
		snprintf(err, errlen,
			 "unknown log level '%s' (error, warning, notice, info, debug)", optarg);
		return -EINVAL;
	case OPT_CHECK:
		return set_command(out, XDPD_CMD_CHECK, "--check", err, errlen);
	case OPT_TEARDOWN:
		return set_command(out, XDPD_CMD_TEARDOWN, "--teardown", err, errlen);
	case OPT_VERSION:
		return set_command(out, XDPD_CMD_VERSION, "--version", err, errlen);
	case 'h':
		return set_command(out, XDPD_CMD_HELP, "--help", err, errlen);
	case ':':
		snprintf(err, errlen, "option '%s' needs an argument", argv[optind - 1]);
		return -EINVAL;
	default:
		return unknown(argv[optind - 1], err, errlen);
	}
}

int options_parse(int argc, char **argv, struct xdpd_cmdline *out, char *err, size_t errlen)
{
	int c, r;

	*out = (struct xdpd_cmdline){
	    .cmd = XDPD_CMD_RUN,
	    .opts = {.config_path = XDPD_DEFAULT_CONFIG, .log_level = LOG_INFO},
	};
	optind = 0; /* full re-initialisation: parse may run more than once (tests) */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:h", long_options, NULL)) != -1) {
		r = parse_one(c, argv, out, err, errlen);
		if (r < 0)
			return r;
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		return -EINVAL;
	}
	if (out->cmd == XDPD_CMD_CHECK && (out->opts.bpffs_dir || out->opts.socket_path)) {
		snprintf(err, errlen, "--check takes only -c PATH: it touches no kernel state");
		return -EINVAL;
	}
	if (out->cmd == XDPD_CMD_TEARDOWN && out->opts.socket_path) {
		snprintf(err, errlen, "--teardown takes only --bpffs DIR");
		return -EINVAL;
	}
	return 0;
}
