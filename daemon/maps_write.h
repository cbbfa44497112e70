/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A compiled policy -> one program instance's policy maps and .rodata.
 * The program's map names (bpf/maps.h) are part of this contract:
 *   policy maps (one generation): cls_words, cls_summary, cls_proto, cls_port,
 *     cls_icmp, cls_src4, cls_dst4, cls_src6, cls_dst6, iface_cfg, iface_tab, rule_info
 *   stateful maps (pinned, reused): stats_iface, stats_rule, blocklist4,
 *     blocklist6, rl_rule, rl_source, meta, rule_slots, iface_slots
 *   rodata: const volatile struct xdpd_config cfg
 */
#ifndef XDPD_MAPS_WRITE_H
#define XDPD_MAPS_WRITE_H

#include <stddef.h>

#include "compile.h"

struct xdpd; /* bpftool skeleton of bpf/xdpd.bpf.c (xdpd.skel.h) */

/* Between xdpd__open() and xdpd__load(): size the policy maps for c and copy
 * c->config into the rodata. */
int maps_prepare(struct xdpd *skel, const struct compiled_policy *c, char *err, size_t errlen);
/* After xdpd__load(), before attach/swap: fill the policy maps. */
int maps_fill(struct xdpd *skel, const struct compiled_policy *c, char *err, size_t errlen);

#endif /* XDPD_MAPS_WRITE_H */
