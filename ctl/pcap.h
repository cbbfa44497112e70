/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal pcap (libpcap 2.4, Ethernet) writer for xdpctl monitor --pcap. */
#ifndef XDPCTL_PCAP_H
#define XDPCTL_PCAP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAP_SNAPLEN 65535

/* Writes the file header. 0 or -errno. */
int pcap_write_header(FILE *f);
/* One record: the captured bytes (the start of the packet) and the length
 * the packet had on the wire. 0 or -errno. */
int pcap_write_packet(FILE *f, uint64_t ts_ns, const uint8_t *data, size_t caplen, size_t wirelen);
/* Hex ("45000054...") to bytes. Returns the byte count or -EINVAL. */
long hex_decode(const char *hex, uint8_t *out, size_t max);
/* The first bytes of a hex string, at most max: how many, or -EINVAL for a
 * character that is not hex among them. */
long hex_decode_prefix(const char *hex, uint8_t *out, size_t max);

#endif /* XDPCTL_PCAP_H */
