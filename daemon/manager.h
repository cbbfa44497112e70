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
struct monitor;
struct lb_runtime;
struct iface_watch;

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
	struct monitor *monitor;  /* sampled packets and trace (monitor.h) */
	struct lb_runtime *lb;	  /* load balancers at run time (lb_runtime.h) */
	struct iface_watch *ifwatch; /* interfaces deleted and created again */
	char bpffs_dir[256];	     /* chosen at start; a reload that moves it is refused */
	bool last_reload_changed; /* the last manager_reload() built a new generation */
};

int manager_new(const struct xdpd_options *opts, struct manager **out);
int manager_run(struct manager *m); /* until SIGTERM/SIGINT; returns exit status */
void manager_free(struct manager *m);

/* Re-read the policy file. Invalid: d filled, -EINVAL, nothing changed.
 * Valid but not applicable while running (also -EINVAL, one diagnostic):
 * bpffs moved (unless --bpffs), or a changed control.socket that cannot be
 * listened on (unless --socket). A changed control.socket is listened on
 * first and replaces the old socket once the new generation runs; open
 * connections stay.
 * dry_run: the same checks (the socket only probed) and those the datapath
 * makes before the kernel is asked (datapath_check), with the same errors;
 * then the diff only.
 * On success *new_policy_out (when not NULL) gets, owned by the caller:
 *  - dry_run: the policy just read (m->policy is the running one);
 *  - otherwise: the policy that ran before, so the caller can diff it against
 *    m->policy (now the new one).
 * m->last_reload_changed says whether a new generation was swapped in (false:
 * the file and the program were unchanged, nothing was touched). Other
 * failures (the kernel refused the new generation) return -errno with one
 * diagnostic at 0:0 in d naming what failed; the old generation keeps
 * running. Logs its outcome. */
int manager_reload(struct manager *m, bool dry_run, struct policy **new_policy_out,
		   struct diag_list *d);

/* --socket, else the policy's control.socket, else /run/xdpd/xdpd.sock. */
const char *manager_socket_path(const struct manager *m);
/* The running generation (0 before the first one). */
uint64_t manager_generation(const struct manager *m);

#endif /* XDPD_MANAGER_H */
