/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A user-space model of what the datapath (bpf/classify.h) does with the
 * compiled tables: per active field a class lookup (exact tables, longest
 * prefix match over the LPM entry lists, miss classes), the AND of the class
 * bitmaps (each word read as the datapath does: inline in cls_spec, else
 * the field's miss row, else the row) in the words the summaries let through (struct xdpd_cls_sum_word:
 * AND of "any", OR of "prim"), then the tcp_flags check on each
 * candidate in rule order. Rate limits are not modelled (they depend on
 * time). Tests compare its answer with a direct first-match over the policy.
 */
#ifndef XDPD_CLS_EMUL_H
#define XDPD_CLS_EMUL_H

#include <stdbool.h>
#include <stdint.h>

#include "compile.h"

/* What the parser extracts from one IP packet (bpf/parse.h struct flow_key). */
struct emul_pkt {
	uint32_t ifindex;
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t src[16], dst[16];
	uint8_t proto;
	bool first_frag; /* false: a later fragment, no L4 header */
	uint16_t sport, dport;
	uint8_t icmp_type;
	uint8_t tcp_flags;
};

#define EMUL_NO_MATCH	(-1)
#define EMUL_NOT_JUDGED (-2) /* ifindex not in iface_cfg: the program passes it untouched */

/* Index of the first matching rule, or EMUL_NO_MATCH / EMUL_NOT_JUDGED. */
int cls_emul_match(const struct compiled_policy *c, const struct emul_pkt *pkt);

/* The same; *words = the rule words it read (the AND of the fields' words
 * the summaries let through), what the datapath's search costs. */
int cls_emul_match_words(const struct compiled_policy *c, const struct emul_pkt *pkt,
			 uint32_t *words);

/* The same, by the entries of config.direct (bpf/classify_direct.h), as
 * the datapath judges a policy with config.ndirect != 0. */
int cls_emul_direct(const struct compiled_policy *c, const struct emul_pkt *pkt);

/* Word w of class k, yielded by field f, as the datapath reads it
 * (cls_word): inline in c->spec, else the field's miss row, else the row. */
uint64_t cls_emul_word(const struct compiled_policy *c, int f, uint32_t k, uint32_t w);
/* The class the datapath would use for field f (exposed for targeted tests). */
uint32_t cls_emul_class(const struct compiled_policy *c, const struct emul_pkt *pkt,
			enum xdpd_field f);

#endif /* XDPD_CLS_EMUL_H */
