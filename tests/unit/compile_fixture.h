/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test policies built directly as C structs (no YAML), the name -> slot and
 * name -> ifindex tables compile_policy() needs, and the reference first
 * match: a straight reading of the rule semantics (contract.md section 4),
 * written without any of the compiler's data structures.
 */
#ifndef XDPD_COMPILE_FIXTURE_H
#define XDPD_COMPILE_FIXTURE_H

#include "cls_emul.h"
#include "compile.h"
#include "policy.h"

#define FX_NIFACES    3
#define FX_IFINDEX0   10 /* interface k is "tk" with ifindex FX_IFINDEX0 + k */
#define FX_RULE_SLOT0 7	 /* rule i ("r<i>") gets slot FX_RULE_SLOT0 + i */

struct policy *fx_policy_new(size_t max_rules);
void fx_policy_free(struct policy *p);
/* Appends a rule with no conditions (action drop) named "r<index>". */
struct policy_rule *fx_rule_add(struct policy *p);
/* "10.0.0.0/8", "2001:db8::/32", "192.0.2.1" (host bits are kept as given). */
void fx_add_src(struct policy_rule *r, const char *pfx);
void fx_add_dst(struct policy_rule *r, const char *pfx);
void fx_add_prefix(struct prefix **v, size_t *n, const struct prefix *p);
void fx_add_ports(struct port_range **v, size_t *n, uint16_t lo, uint16_t hi);
void fx_add_iface(struct policy_rule *r, const char *name);
void fx_set_addr(uint8_t family, const char *s, uint8_t *out);

extern const struct slot_lookup fx_slots;
int fx_ifindex(void *ctx, const char *name);
const char *fx_ifname(uint32_t ifindex);

/* compile_policy() with the fixture tables; fails the test on error. */
struct compiled_policy *fx_compile(const struct policy *p);

/* Reference: index of the first rule matching pkt, or EMUL_NO_MATCH. */
int ref_match(const struct policy *p, const struct emul_pkt *pkt);

#endif /* XDPD_COMPILE_FIXTURE_H */
