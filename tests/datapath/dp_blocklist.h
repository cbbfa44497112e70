/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The blocklist lookup index of a test datapath (daemon/blocklist_fast.c on
 * the program's own maps): what dp_block writes besides the record.
 */
#ifndef XDPD_TEST_DP_BLOCKLIST_H
#define XDPD_TEST_DP_BLOCKLIST_H

#include <stdint.h>

struct dp;

void dp_block_index(struct dp *d, const char *prefix, uint64_t expires_ns);
uint64_t dp_block_index_hits(struct dp *d, const char *prefix);

#endif /* XDPD_TEST_DP_BLOCKLIST_H */
