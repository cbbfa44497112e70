/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Offline policy check, shared by "xdpd --check" and "xdpctl check". */
#ifndef XDPD_POLICY_CHECK_H
#define XDPD_POLICY_CHECK_H

#include <stdio.h>

#include "diag.h"

/* Loads the policy at path; its diagnostics go into d (diag_init'ed by the
 * caller), structured, for callers that print them in another form
 * (xdpctl --json check). Returns 0 (valid) or 1 (invalid or unreadable). */
int policy_check_diags(const char *path, struct diag_list *d);
/* The same, printing every diagnostic to out as FILE:LINE:COLUMN: message,
 * or "FILE: ok" when it is valid. Returns 0 or 1: an exit status. */
int policy_check_main(const char *path, FILE *out);

#endif /* XDPD_POLICY_CHECK_H */
