/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The maps of the batch driver (progs/batch_driver.bpf.c, batch.c). */
#ifndef XDPD_BENCH_BATCH_ABI_H
#define XDPD_BENCH_BATCH_ABI_H

#include <linux/types.h>

#define BATCH_FRAME_MIN 14  /* an Ethernet header */
#define BATCH_FRAME_MAX 256 /* the largest probe frame, VLAN tags and IPv6 headers included */

struct batch_frame {
	__u32 len;
	__u8 data[BATCH_FRAME_MAX];
};

/* The pass: frames [0, n) in turn, from next on; len: the packet's length
 * now (the test run's data size before the first frame). */
struct batch_ctl {
	__u32 next;
	__u32 n;
	__u32 len;
};

#endif /* XDPD_BENCH_BATCH_ABI_H */
