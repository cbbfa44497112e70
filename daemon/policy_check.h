/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Offline policy check, shared by "xdpd --check" and "xdpctl check". */
#ifndef XDPD_POLICY_CHECK_H
#define XDPD_POLICY_CHECK_H

#include <stdio.h>

/* Loads the policy at path and prints every diagnostic to out as
 * FILE:LINE:COLUMN: message, or "FILE: ok" when it is valid.
 * Returns 0 (valid) or 1 (invalid or unreadable): an exit status. */
int policy_check_main(const char *path, FILE *out);

#endif /* XDPD_POLICY_CHECK_H */
