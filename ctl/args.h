/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Declarative per-command option tables. Options and positional arguments
 * may be mixed ("block add 10.0.0.0/8 --ttl 1h"), "--" ends the options,
 * "--name=value" and "-x value" both work. Every command also takes --json
 * (same as the global option) and -h/--help.
 */
#ifndef XDPCTL_ARGS_H
#define XDPCTL_ARGS_H

#include <stdbool.h>

#include "xdpctl.h"

#define ARGS_MAX_OPTS 8
#define ARGS_MAX_POS  8

struct arg_opt {
	const char *name;	/* long name, without "--" */
	char short_name;	/* 0: none */
	const char *value_name; /* NULL: a flag; else the option takes a value */
};

struct arg_spec {
	const struct arg_opt *opts; /* terminated by an entry with name NULL */
	int min_pos, max_pos;	    /* positional argument count bounds */
	const char *pos_names;	    /* for "missing PREFIX"-style messages, space separated */
};

struct args {
	const char *val[ARGS_MAX_OPTS]; /* per opts[] index: value, "" for a set flag, NULL */
	char *pos[ARGS_MAX_POS];
	int npos;
	int status; /* when args_parse returns false: the exit status to return */
};

/* Parses argv[1..argc-1] (argv[0] is the command word). Returns true to go
 * on; false when the command must stop now with a->status (help printed:
 * XC_OK; usage error printed: XC_USAGE). Sets c->json on --json. */
bool args_parse(struct ctl *c, const struct ctl_command *cmd, const struct arg_spec *spec, int argc,
		char **argv, struct args *a);

#endif /* XDPCTL_ARGS_H */
