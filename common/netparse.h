/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing of the small value types operators write: addresses, prefixes,
 * ports and port ranges, MACs, durations, sizes. Pure functions: return 0 or
 * -EINVAL (-ERANGE for out-of-range numbers), never print.
 */
#ifndef XDPD_NETPARSE_H
#define XDPD_NETPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ip_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t addr[16]; /* v4 in the first 4 bytes, network order */
};

struct prefix {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t len;	/* 0..32 or 0..128 */
	uint8_t addr[16]; /* host bits are zero */
};

struct port_range {
	uint16_t lo, hi; /* inclusive */
};

int parse_ip_addr(const char *s, struct ip_addr *out);
/* Why a is no host's own address (a balancer's vip or backend), or NULL:
 * unspecified, loopback, multicast, broadcast or reserved (240.0.0.0/4). */
const char *ip_addr_not_host(const struct ip_addr *a);
/* "a.b.c.d", "a.b.c.d/n", "x::y", "x::y/n". Host bits set after the prefix
 * length are an error (-EINVAL) so typos are caught. */
int parse_prefix(const char *s, struct prefix *out);
/* "N" or "N-M" with N <= M, 0..65535. */
int parse_port_range(const char *s, struct port_range *out);
/* Like parse_prefix, but keeps the address as written even when host bits
 * are set (so a caller can say "did you mean ..."). */
int parse_prefix_raw(const char *s, struct prefix *out);
bool prefix_host_bits_set(const struct prefix *p);
/* Clears the bits after p->len. */
void prefix_mask(struct prefix *p);
int parse_mac(const char *s, uint8_t mac[6]);
/* "250ms", "2s", "10m", "1h", "1d"; a bare number is seconds. */
int parse_duration_ms(const char *s, uint64_t *ms);
/* "4096", "64KiB", "16MiB", "1GiB" (also K/M/G, KB/MB/GB as powers of 1024). */
int parse_size(const char *s, uint64_t *bytes);
/* Decimal only, no sign, no trailing junk, <= max. */
int parse_u64(const char *s, uint64_t max, uint64_t *out);

int format_prefix(const struct prefix *p, char *buf, size_t len);
int format_ip_addr(const struct ip_addr *a, char *buf, size_t len);
void format_mac(const uint8_t mac[6], char buf[18]);
bool prefix_contains(const struct prefix *outer, const struct prefix *inner);

#endif /* XDPD_NETPARSE_H */
