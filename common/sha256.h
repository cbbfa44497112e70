/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 (FIPS 180-4), for the policy fingerprint shown by status/reload. */
#ifndef XDPD_SHA256_H
#define XDPD_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_LEN 32

struct sha256_ctx {
	uint32_t h[8];
	uint64_t total;	/* bytes hashed so far */
	uint8_t buf[64];
	size_t used;	/* bytes pending in buf */
};

void sha256_init(struct sha256_ctx *c);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
void sha256_final(struct sha256_ctx *c, uint8_t out[SHA256_DIGEST_LEN]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_LEN]);
/* Lower-case hex into buf (at least 65 bytes). */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_LEN], char buf[65]);

#endif /* XDPD_SHA256_H */
