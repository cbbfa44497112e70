// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpctl check [FILE]: validate a policy offline, with the daemon's own
 * parser and validator (policy_check_main, shared with xdpd --check), so
 * both say the same thing about the same file. No daemon is contacted.
 */
#include "args.h"
#include "policy_check.h"

static int run(struct ctl *c, const struct ctl_command *cmd, int argc, char **argv)
{
	static const struct arg_spec spec = {NULL, 0, 1, "FILE"};
	struct args a;

	if (!args_parse(c, cmd, &spec, argc, argv, &a))
		return a.status;
	/* 0: valid ("FILE: ok"); 1: invalid or unreadable, diagnostics printed */
	return policy_check_main(a.npos ? a.pos[0] : XDPCTL_DEFAULT_POLICY, c->out) ? XC_FAIL
										    : XC_OK;
}

const struct ctl_command cmd_check = {
    .name = "check",
    .usage = "check [FILE]",
    .summary = "Validate a policy file (default " XDPCTL_DEFAULT_POLICY ") without a daemon:\n"
	       "print every problem as FILE:LINE:COLUMN: message; exit 0 when the policy\n"
	       "is valid, 1 when it is not.",
    .run = run,
};
