/* SPDX-License-Identifier: GPL-2.0-or-later */
/* xdpd's command line (contract §3). Pure: no output, no exit. */
#ifndef XDPD_OPTIONS_H
#define XDPD_OPTIONS_H

#include <stddef.h>

#include "manager.h"

#define XDPD_DEFAULT_CONFIG "/etc/xdpd.yaml"
#define XDPD_DEFAULT_BPFFS  "/sys/fs/bpf/xdpd"
#define XDPD_DEFAULT_SOCKET "/run/xdpd/xdpd.sock"

enum xdpd_command {
	XDPD_CMD_RUN,
	XDPD_CMD_CHECK,
	XDPD_CMD_TEARDOWN,
	XDPD_CMD_VERSION,
	XDPD_CMD_HELP,
};

struct xdpd_cmdline {
	enum xdpd_command cmd;
	struct xdpd_options opts; /* strings point into argv */
};

/* Returns 0, or -EINVAL with a one-line usage error in err (the caller
 * prints it and exits 2). */
int options_parse(int argc, char **argv, struct xdpd_cmdline *out, char *err, size_t errlen);
/* The --help text. */
const char *options_usage(void);

#endif /* XDPD_OPTIONS_H */
