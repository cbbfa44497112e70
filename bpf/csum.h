/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Incremental Internet checksum updates (RFC 1624, eqn. 3:
 * HC' = ~(~HC + ~m + m')), for rewriting addresses without summing the
 * whole packet. Plain C on raw 16-bit words as they sit in memory: the
 * one's complement sum does not depend on byte order (RFC 1071), so the
 * same code serves the BPF program and the unit test (tests/unit/test_csum.c)
 * that checks it against a checksum computed from scratch.
 */
#ifndef XDPD_CSUM_H
#define XDPD_CSUM_H

#ifdef __bpf__
#include <linux/types.h>
#define XDPD_CSUM_INLINE static __always_inline
#else
#include <stdint.h>
typedef uint16_t __u16;
typedef uint32_t __u32;
#define XDPD_CSUM_INLINE static inline
#endif

/* Up to 8 words (an IPv6 address). */
#define XDPD_CSUM_MAX_WORDS 8

XDPD_CSUM_INLINE __u16 csum_fold_u32(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* The checksum field check, after nwords 16-bit words of the covered data
 * changed from old to new. */
XDPD_CSUM_INLINE __u16 csum_replace_words(__u16 check, const __u16 *old, const __u16 *new,
					  int nwords)
{
	__u32 sum = (__u16)~check;
	int i;

#ifdef __bpf__
#pragma unroll
#endif
	for (i = 0; i < XDPD_CSUM_MAX_WORDS; i++) {
		if (i >= nwords)
			break;
		sum += (__u16)~old[i];
		sum += new[i];
	}
	return (__u16)~csum_fold_u32(sum);
}

/* UDP: over IPv4 a 0 means "no checksum" and stays 0; a computed 0 is sent
 * as 0xffff (RFC 768, RFC 8200 8.1). */
XDPD_CSUM_INLINE __u16 csum_replace_udp(__u16 check, const __u16 *old, const __u16 *new, int nwords,
					int is_v4)
{
	__u16 c;

	if (!check && is_v4)
		return 0;
	c = csum_replace_words(check, old, new, nwords);
	return c ? c : 0xffff;
}

#endif /* XDPD_CSUM_H */
