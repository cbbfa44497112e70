/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internal to the policy reader: the YAML document as a small tree of
 * located nodes. policy_parse.c builds it from libyaml events (refusing
 * aliases, anchors, tags, duplicate keys and deep nesting on the way);
 * policy_validate.c turns it into struct policy.
 */
#ifndef XDPD_POLICY_TREE_H
#define XDPD_POLICY_TREE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "policy.h"

enum pnode_kind {
	PN_SCALAR,
	PN_SEQ,
	PN_MAP,
	PN_BAD, /* already reported (alias, bad key ...): validators stay quiet */
};

struct pnode {
	enum pnode_kind kind;
	struct src_loc loc;
	bool plain;	/* scalar written without quotes */
	char *str;	/* scalar text */
	size_t len;
	/* PN_SEQ: n items. PN_MAP: n pairs, kids[2i] the key, kids[2i+1] the value. */
	struct pnode **kids;
	size_t n;
	size_t used, cap; /* slots of kids in use / allocated */
};

#define POLICY_MAX_BYTES (16u << 20)
#define POLICY_MAX_DEPTH 32
#define POLICY_MAX_NODES (1u << 20)

/* Builds the tree of one YAML document. Returns 0 with *root (NULL for an
 * empty stream), or -EINVAL after adding diagnostics (*root is NULL then). */
int policy_tree_parse(const char *buf, size_t len, struct pnode **root, struct diag_list *d);
void pnode_free(struct pnode *n);

/* A plain "", "~" or "null": the YAML way of saying nothing. */
bool pnode_is_null(const struct pnode *n);
/* The value of key in a mapping, or NULL. */
const struct pnode *pnode_get(const struct pnode *map, const char *key);
size_t pnode_pairs(const struct pnode *map);
const struct pnode *pnode_key(const struct pnode *map, size_t i);
const struct pnode *pnode_val(const struct pnode *map, size_t i);

/* Fills *p from the tree, adding a diagnostic for every problem. */
void policy_validate_tree(const struct pnode *root, struct policy *p, struct diag_list *d);

/*
 * Validation helpers (policy_validate.c), used by policy_rules.c and
 * policy_lb.c. A vctx carries the "what" prefix of messages, e.g.
 * "rule 'drop-8080': dst_port", so every message names its thing.
 */
struct name_val;

struct vctx {
	struct diag_list *d;
	struct policy *p;
	char what[256];
	size_t what_len;
	char shown[4][96];
	unsigned int shown_i;
};

struct vsave {
	char what[256];
	size_t len;
};

struct field {
	const char *key;
	bool required;
	void (*fn)(struct vctx *v, const struct pnode *val, void *obj);
};

void verr(struct vctx *v, const struct pnode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void verr_at(struct vctx *v, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The operator's text, shortened and made printable for a message. */
const char *shown(struct vctx *v, const char *s);
/* Replace the prefix ("rule 'x'"), saving the old one in *s. */
void ctx_enter(struct vctx *v, struct vsave *s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ctx_leave(struct vctx *v, const struct vsave *s);

/* Walks a mapping: unknown keys, missing required keys, then each field's
 * handler in table order (so later fields can rely on earlier ones). A null
 * value counts as an empty mapping. Returns false if n is not a mapping. */
bool walk_map(struct vctx *v, const struct pnode *n, const struct field *fields, void *obj);
/* Scalar text, or NULL after reporting (wrong type, no value, or PN_BAD). */
const char *want_scalar(struct vctx *v, const struct pnode *n, const char *expected);
/* A list (or, when one_ok, a single scalar standing for a list of one). */
bool want_list(struct vctx *v, const struct pnode *n, bool one_ok, const char *expected);
size_t list_len(const struct pnode *n);
const struct pnode *list_item(const struct pnode *n, size_t i);
bool want_uint(struct vctx *v, const struct pnode *n, uint64_t min, uint64_t max, uint64_t *out);
/* The table value of the scalar, or -1 after reporting. */
int want_enum(struct vctx *v, const struct pnode *n, const struct name_val *t);
/* Rule and balancer names: [A-Za-z0-9_.-], 1-63 characters. */
bool valid_name(const char *s);
bool want_name(struct vctx *v, const struct pnode *n, char *dst, size_t size);
bool want_duration(struct vctx *v, const struct pnode *n, uint64_t min_ms, uint64_t max_ms,
		   uint32_t *out);
/* 2s, 250ms, 1h: the shortest exact form. */
void format_ms(uint64_t ms, char *buf, size_t len);
void *vcalloc(struct vctx *v, const struct pnode *n, size_t count, size_t size);
const char *kind_name(const struct pnode *n);

/* Sections (policy_rules.c, policy_lb.c). */
void validate_rules(struct vctx *v, const struct pnode *n, void *obj);
void validate_lbs(struct vctx *v, const struct pnode *n, void *obj);

#endif /* XDPD_POLICY_TREE_H */
