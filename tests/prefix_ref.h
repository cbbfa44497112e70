/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The reference the blocklist index is checked against, in user space and
 * in the kernel: a plain list of prefixes, searched one by one.
 */
#ifndef XDPD_TEST_PREFIX_REF_H
#define XDPD_TEST_PREFIX_REF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netparse.h"

/* Index in list of the longest prefix of family (AF_INET, AF_INET6)
 * covering the address a, -1 when none. */
int prefix_ref_match(const struct prefix *list, size_t n, int family, const uint8_t *a);

/* Writes "2xxx:xxxx:5::/48" of the nth (from 0) other /32 whose bl6_home
 * line (bpf/blocklist_abi.h) is 2001:db8::/32's, to test the pair's other
 * line and overflow; -ENOENT when there are fewer under 2000::/8. */
int prefix_ref_colliding_48(char *out, size_t n, int nth);

#endif /* XDPD_TEST_PREFIX_REF_H */
