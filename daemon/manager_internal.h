/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by manager.c and manager_apply.c. */
#ifndef XDPD_MANAGER_INTERNAL_H
#define XDPD_MANAGER_INTERNAL_H

#include <stdint.h>

#include "manager.h"

uint64_t now_realtime_usec(void);
uint64_t now_monotonic_usec(void);
/* Read and validate the policy at start; diagnostics logged. */
int manager_load_policy(struct manager *m);
/* Open the pins and adopt them or load a generation; the outcome logged. */
int manager_start_datapath(struct manager *m);
/* Apply the running policy again (a new generation), for an interface that
 * came back with a new ifindex (iface_watch.h); why names the occasion in
 * the log. 0 or -errno, logged. */
int manager_reattach(struct manager *m, const char *why);
/* sd_notify(extra + STATUS=<one line about the running generation>). */
void manager_notify_status(const struct manager *m, const char *extra);

#endif /* XDPD_MANAGER_INTERNAL_H */
