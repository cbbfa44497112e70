/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Names operators write in the policy and see in output: protocols, ICMP and
 * ICMPv6 types, TCP flags, and the policy's enums. One table per kind, used
 * both ways (name -> value for parsing, value -> name for printing).
 */
#ifndef XDPD_POLICY_NAMES_H
#define XDPD_POLICY_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "policy.h"

struct name_val {
	const char *name;
	int val;
};

/* Tables end with { NULL, 0 }. */
extern const struct name_val xdp_mode_names[];
extern const struct name_val policy_action_names[];
extern const struct name_val on_stop_names[];
extern const struct name_val rl_per_names[];
extern const struct name_val lb_sched_names[];
extern const struct name_val lb_fwd_names[];
extern const struct name_val backend_state_names[];
extern const struct name_val hc_type_names[];
extern const struct name_val lb_proto_names[];	/* icmp, tcp, udp */
extern const struct name_val tcp_flag_names[];	/* value: the flag bit */

/* The value for name, or -1. */
int name_lookup(const struct name_val *t, const char *name);
/* The first name for val, or NULL. */
const char *name_of(const struct name_val *t, int val);
/* "a, b, c" (the first name of each value) into buf, for "expected one of". */
void name_list(const struct name_val *t, char *buf, size_t len);

/* "tcp" -> 6, ...; -1 when not a known name (numbers are not names). */
int proto_from_name(const char *name);
/* "tcp" for 6, ...; NULL when the protocol has no name. */
const char *proto_name(int proto);
/* ICMP (proto 1) or ICMPv6 (proto 58) type by name; -1 if unknown to that
 * family. "echo-request" is 8 for icmp and 128 for icmpv6. */
int icmp_type_from_name(int proto, const char *name);
const char *icmp_type_name(int proto, int type);
const struct name_val *icmp_type_table(int proto);

/* "syn,!ack" style text of a flag mask/value into buf. */
void tcp_flags_format(uint8_t mask, uint8_t value, char *buf, size_t len);

const char *on_stop_name(enum on_stop s);
const char *rl_per_name(enum rl_per p);
const char *lb_sched_name(enum lb_sched s);
const char *lb_fwd_name(enum lb_fwd f);
const char *backend_state_name(enum backend_state s);
const char *hc_type_name(enum hc_type t);

#endif /* XDPD_POLICY_NAMES_H */
