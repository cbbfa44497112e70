/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The daemon's state, built in one place (manager_new) and driven by sd-event. */
#ifndef XDPD_MANAGER_H
#define XDPD_MANAGER_H

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "datapath.h"
#include "policy.h"

struct api_server;

struct xdpd_options {
	const char *config_path;  /* -c, default /etc/xdpd.yaml */
	const char *socket_path;  /* --socket, NULL: policy's control.socket */
	const char *bpffs_dir;	  /* --bpffs, NULL: policy's bpffs or /sys/fs/bpf/xdpd */
	int log_level;		  /* LOG_* from syslog.h */
};

struct manager {
	sd_event *event;
	struct xdpd_options opts;
	struct policy *policy;	  /* the policy the datapath runs now */
	struct datapath *dp;
	uint64_t started_realtime_usec;
	struct api_server *api;
};

int manager_new(const struct xdpd_options *opts, struct manager **out);
int manager_run(struct manager *m); /* until SIGTERM/SIGINT; returns exit status */
void manager_free(struct manager *m);

/* Re-read the policy file. Invalid: d filled, -EINVAL, nothing changed.
 * dry_run: validate and compute the diff only. */
int manager_reload(struct manager *m, bool dry_run, struct policy **new_policy_out,
		   struct diag_list *d);

#endif /* XDPD_MANAGER_H */
