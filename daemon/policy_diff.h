/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a reload changes: the named objects of two policies compared
 * (interfaces, settings, rules, balancers). Pure code, for the `reload`
 * method's diff[] and the reload log line.
 *
 * Source locations are ignored (moving a rule down the file without changing
 * its order is no change); list-valued conditions (ports, prefixes,
 * interfaces, backends) compare as sets. Rules are first-match, so a rule
 * whose position relative to the other kept rules moved is "changed".
 */
#ifndef XDPD_POLICY_DIFF_H
#define XDPD_POLICY_DIFF_H

#include <stddef.h>

#include "policy.h"

enum diff_kind { DIFF_INTERFACE, DIFF_SETTING, DIFF_RULE, DIFF_BALANCER };
enum diff_change { DIFF_ADDED, DIFF_REMOVED, DIFF_CHANGED };

struct policy_change {
	enum diff_kind kind;
	enum diff_change change;
	char name[POLICY_NAME_MAX]; /* settings: "default_action", "sampling", ... */
};

struct policy_diff {
	struct policy_change *v;
	size_t n, cap;
};

/* Fills d (initially zeroed) with the changes from old to new, in this order:
 * interfaces, settings, rules, balancers; within a kind, removals in old
 * order, then additions and changes in new order. 0 or -ENOMEM. */
int policy_diff(const struct policy *old, const struct policy *new, struct policy_diff *d);
void policy_diff_free(struct policy_diff *d);

const char *diff_kind_name(enum diff_kind k);	  /* "interface", "setting", "rule", "balancer" */
const char *diff_change_name(enum diff_change c); /* "added", "removed", "changed" */

#endif /* XDPD_POLICY_DIFF_H */
