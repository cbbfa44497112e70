/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the policy compiler, shared by daemon/compile*.c only.
 *
 * Every field builder works the same way: start from the bitmap of the rules
 * that do not constrain the field (they accept every value), add the rules a
 * value satisfies, and intern the result in one deduplicating class store.
 * Identical bitmaps get one class id whichever field produced them, so the
 * class count (and the cls_words map) stays proportional to the number of
 * distinct rule sets, not to the number of table entries.
 */
#ifndef XDPD_COMPILE_INTERNAL_H
#define XDPD_COMPILE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "compile.h"

/* Rule bitmaps: bit r % 64 of word r / 64 is rule r (policy order). */
static inline void bm_set(uint64_t *bm, uint32_t rule)
{
	bm[rule / 64] |= 1ULL << (rule % 64);
}

static inline void bm_copy(uint64_t *dst, const uint64_t *src, uint32_t nwords)
{
	if (nwords)
		memcpy(dst, src, nwords * sizeof(*dst));
}

/* Deduplicating store of class bitmaps. */
struct cls_store {
	uint32_t nwords;
	uint32_t n, cap; /* classes stored / allocated */
	uint64_t *words; /* cap * nwords: class c at words + c * nwords */
	uint64_t *hash;	 /* per class: rehash without rereading the bitmap */
	uint32_t *slots; /* open addressing: class id + 1, 0 is empty */
	uint32_t nslots; /* power of two, at least twice n */
};

int cls_store_init(struct cls_store *s, uint32_t nwords);
/* *id = the class of bitmap bm (nwords words), adding it when new. */
int cls_intern(struct cls_store *s, const uint64_t *bm, uint32_t *id);
/* Hands the words array to the caller (nclasses * nwords) and frees the rest. */
uint64_t *cls_store_take_words(struct cls_store *s);
void cls_store_release(struct cls_store *s);

struct compile_ctx {
	const struct policy *p;
	uint32_t nrules, nwords;
	struct cls_store store;
	char *err;
	size_t errlen;
};

bool rule_constrains(const struct policy_rule *r, enum xdpd_field f);
/* bm = the rules that do not constrain field f. */
void bm_unconstrained(const struct compile_ctx *cc, enum xdpd_field f, uint64_t *bm);
/* Interns the unconstrained bitmap of f; it is also f's miss class. */
int intern_unconstrained(struct compile_ctx *cc, enum xdpd_field f, uint32_t *id);

/* The rule's primary field (struct xdpd_cls_sum_word): the one among those it
 * constrains expected to accept the fewest packets; XDPD_F_PROTO for a rule
 * that constrains nothing. */
enum xdpd_field rule_primary(const struct policy *p, const struct policy_rule *r);
/* used[class] |= 1 << f for every field f whose lookups can yield the class. */
void class_fields(const struct compiled_policy *c, uint8_t *used);
/* c->summary from the class bitmaps and the compiled lookup tables. */
int build_summary(const struct compile_ctx *cc, struct compiled_policy *c);
/* c->spec from the class bitmaps (struct xdpd_cls_spec). */
int build_spec(struct compiled_policy *c);

/* config.pfx_len, and c->pfx for the address tables with few lengths. */
int compile_pfx_hash(struct compiled_policy *c);

/* One builder per field family; each fills its tables and miss_class. */
int compile_proto(struct compile_ctx *cc, struct compiled_policy *c);
int compile_icmp(struct compile_ctx *cc, struct compiled_policy *c);
int compile_ifaces(struct compile_ctx *cc, struct compiled_policy *c,
		   const struct slot_lookup *slots, ifindex_fn ifindex, void *ifindex_ctx);
int compile_prefixes(struct compile_ctx *cc, struct compiled_policy *c);
int compile_ports(struct compile_ctx *cc, struct compiled_policy *c);
/* config.pscan from the port tables c->port_cls, for the tables of at most
 * XDPD_PSCAN_MAX runs. */
void compile_port_runs(struct compiled_policy *c);
/* config.direct and config.ndirect (0 when the policy is too large for
 * them); needs the rule info, the interfaces and the class words. */
void compile_direct(const struct policy *p, struct compiled_policy *c);

#endif /* XDPD_COMPILE_INTERNAL_H */
