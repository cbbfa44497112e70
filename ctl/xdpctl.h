/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpctl: what every command file shares. The invocation state travels in
 * struct ctl (no globals), so the whole CLI can run inside a unit test with
 * its output captured in memory streams.
 */
#ifndef XDPCTL_H
#define XDPCTL_H

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses, contract section 6. */
enum {
	XC_OK = 0,	    /* success */
	XC_FAIL = 1,	    /* the operation failed (JSON-RPC error, bad reply) */
	XC_USAGE = 2,	    /* usage error, found before connecting */
	XC_UNREACHABLE = 3, /* the daemon cannot be reached */
};

#define XDPCTL_DEFAULT_SOCKET	  "/run/xdpd/xdpd.sock"
#define XDPCTL_DEFAULT_POLICY	  "/etc/xdpd.yaml"
#define XDPCTL_DEFAULT_TIMEOUT_MS 10000

struct ctl {
	const char *socket_path;
	bool json;
	int timeout_ms; /* connect + request + reply; monitor events wait forever */
	FILE *out;	/* results */
	FILE *err;	/* diagnostics */
};

struct ctl_command {
	const char *name;
	const char *usage;   /* one or more "xdpctl " lines, without the prefix */
	const char *summary; /* one line for the overview */
	const char *details; /* option descriptions for COMMAND --help, or NULL */
	int (*run)(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv);
};

/* The command table (xdpctl.c) and each command's entry (cmd_*.c). */
extern const struct ctl_command cmd_status, cmd_rules, cmd_stats, cmd_lb, cmd_block, cmd_reload,
    cmd_check, cmd_monitor, cmd_trace, cmd_version;

/* Runs xdpctl; returns the exit status. argv[0] is the program name. */
int xdpctl_main(int argc, char **argv, FILE *out, FILE *err);

/* "xdpctl: <cmd>: <message>" plus the command's usage line on c->err;
 * returns XC_USAGE. */
int ctl_usage_error(const struct ctl *c, const struct ctl_command *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Full usage of one command (COMMAND --help). */
void ctl_print_command_help(const struct ctl *c, const struct ctl_command *cmd);

#endif /* XDPCTL_H */
