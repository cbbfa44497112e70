/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ICMP and ICMPv6 header fields the datapath reads. Not <linux/icmp.h>:
 * since Linux 5.13 it includes <linux/if.h>, hence glibc's <sys/socket.h>,
 * which under -target bpf (no __x86_64__) asks for the 32-bit stubs of
 * libc6-dev-i386, a package a plain Debian does not have.
 */
#ifndef XDPD_ICMP_H
#define XDPD_ICMP_H

#include <linux/types.h>

#define XDPD_ICMP_ECHO		 8   /* ICMP_ECHO */
#define XDPD_ICMPV6_ECHO_REQUEST 128 /* ICMPV6_ECHO_REQUEST */

/* The first 8 bytes of an ICMP or ICMPv6 header: the same layout. */
struct xdpd_icmphdr {
	__u8 type;
	__u8 code;
	__sum16 cksum;
	__be32 rest;
};

#endif /* XDPD_ICMP_H */
