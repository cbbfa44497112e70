/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tree -> struct policy, for the top level, interfaces, sampling, control
 * and bpffs; rules and load balancers have their own files. Validation never
 * stops at the first problem: each one is reported where it is (the key for
 * unknown keys, the value for bad values) and the walk goes on, so an
 * operator fixes a file in one round.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf/xdpd_abi.h"
#include "policy_names.h"
#include "policy_tree.h"

#define DEFAULT_SOCKET	     "/run/xdpd/xdpd.sock"
#define DEFAULT_GROUP	     "xdpd"
#define DEFAULT_RING_BYTES   (1ULL << 20)
#define MIN_RING_BYTES	     4096ULL
#define MAX_RING_BYTES	     (1ULL << 30)

static void vadd(struct vctx *v, struct src_loc loc, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (v->what_len)
		diag_add(v->d, loc, "%s: %s", v->what, msg);
	else
		diag_add(v->d, loc, "%s", msg);
}

void verr(struct vctx *v, const struct pnode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(v, n->loc, fmt, ap);
	va_end(ap);
}

void verr_at(struct vctx *v, struct src_loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vadd(v, loc, fmt, ap);
	va_end(ap);
}

/* s shortened to fit size (with "...") and made printable. */
static const char *show_into(char *out, size_t size, const char *s)
{
	size_t max = size - 4, i;

	for (i = 0; s[i] && i < max; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (s[i]) {
		/* Do not end in the middle of a UTF-8 sequence. */
		while (i > 0 && ((unsigned char)s[i] & 0xc0) == 0x80)
			i--;
		memcpy(out + i, "...", 4);
	} else {
		out[i] = '\0';
	}
	return out;
}

const char *shown(struct vctx *v, const char *s)
{
	return show_into(v->shown[v->shown_i++ % 4], sizeof(v->shown[0]), s);
}

static void ctx_push(struct vctx *v, const char *part)
{
	int n = snprintf(v->what + v->what_len, sizeof(v->what) - v->what_len, "%s%s",
			 v->what_len ? ": " : "", part);

	if (n > 0)
		v->what_len += (size_t)n;
	if (v->what_len >= sizeof(v->what))
		v->what_len = sizeof(v->what) - 1;
}

void ctx_enter(struct vctx *v, struct vsave *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	memcpy(s->what, v->what, sizeof(s->what));
	s->len = v->what_len;
	va_start(ap, fmt);
	n = vsnprintf(v->what, sizeof(v->what), fmt, ap);
	va_end(ap);
	v->what_len = n < 0 ? 0 : (size_t)n >= sizeof(v->what) ? sizeof(v->what) - 1 : (size_t)n;
}

void ctx_leave(struct vctx *v, const struct vsave *s)
{
	memcpy(v->what, s->what, sizeof(v->what));
	v->what_len = s->len;
}

const char *kind_name(const struct pnode *n)
{
	switch (n->kind) {
	case PN_MAP:
		return "a mapping";
	case PN_SEQ:
		return "a list";
	default:
		return pnode_is_null(n) ? "nothing" : "a single value";
	}
}

static const struct field *find_field(const struct field *f, const char *key)
{
	for (; f->key; f++)
		if (!strcmp(f->key, key))
			return f;
	return NULL;
}

static void report_unknown_key(struct vctx *v, const struct pnode *k, const struct field *fields)
{
	char known[256] = "";
	size_t used = 0;

	for (const struct field *f = fields; f->key; f++) {
		int n = snprintf(known + used, sizeof(known) - used, "%s%s", used ? ", " : "",
				 f->key);

		if (n < 0 || (size_t)n >= sizeof(known) - used)
			break;
		used += (size_t)n;
	}
	verr(v, k, "unknown key '%s' (known keys: %s)", shown(v, k->str), known);
}

bool walk_map(struct vctx *v, const struct pnode *n, const struct field *fields, void *obj)
{
	if (n->kind == PN_BAD)
		return false;
	if (n->kind != PN_MAP && !pnode_is_null(n)) {
		verr(v, n, "expected a mapping, got %s", kind_name(n));
		return false;
	}
	for (size_t i = 0; i < pnode_pairs(n); i++) {
		const struct pnode *k = pnode_key(n, i);

		if (k->kind == PN_SCALAR && !find_field(fields, k->str))
			report_unknown_key(v, k, fields);
	}
	for (const struct field *f = fields; f->key; f++) {
		const struct pnode *val = pnode_get(n, f->key);
		size_t saved = v->what_len;

		if (!val) {
			if (f->required)
				verr(v, n, "missing required key '%s'", f->key);
			continue;
		}
		ctx_push(v, f->key);
		f->fn(v, val, obj);
		v->what_len = saved;
		v->what[saved] = '\0';
	}
	return true;
}

const char *want_scalar(struct vctx *v, const struct pnode *n, const char *expected)
{
	if (n->kind == PN_BAD)
		return NULL;
	if (n->kind != PN_SCALAR || pnode_is_null(n)) {
		verr(v, n, "expected %s, got %s", expected, kind_name(n));
		return NULL;
	}
	return n->str;
}

bool want_list(struct vctx *v, const struct pnode *n, bool one_ok, const char *expected)
{
	if (n->kind == PN_BAD)
		return false;
	if (n->kind == PN_SEQ || pnode_is_null(n) || (one_ok && n->kind == PN_SCALAR))
		return true;
	verr(v, n, "expected %s, got %s", expected, kind_name(n));
	return false;
}

size_t list_len(const struct pnode *n)
{
	if (n->kind == PN_SEQ)
		return n->n;
	return n->kind == PN_SCALAR && !pnode_is_null(n) ? 1 : 0;
}

const struct pnode *list_item(const struct pnode *n, size_t i)
{
	return n->kind == PN_SEQ ? n->kids[i] : n;
}

bool want_uint(struct vctx *v, const struct pnode *n, uint64_t min, uint64_t max, uint64_t *out)
{
	const char *s = want_scalar(v, n, "a number");
	uint64_t x;
	int r;

	if (!s)
		return false;
	r = parse_u64(s, max, &x);
	if (r == -EINVAL) {
		verr(v, n, "'%s' is not a number (expected %llu-%llu)", shown(v, s),
		     (unsigned long long)min, (unsigned long long)max);
		return false;
	}
	if (r < 0 || x < min) {
		verr(v, n, "%s is out of range %llu-%llu", shown(v, s), (unsigned long long)min,
		     (unsigned long long)max);
		return false;
	}
	*out = x;
	return true;
}

int want_enum(struct vctx *v, const struct pnode *n, const struct name_val *t)
{
	char names[160];
	const char *s;
	int val;

	name_list(t, names, sizeof(names));
	if (n->kind != PN_SCALAR || pnode_is_null(n)) {
		if (n->kind != PN_BAD)
			verr(v, n, "expected one of %s, got %s", names, kind_name(n));
		return -1;
	}
	s = n->str;
	val = name_lookup(t, s);
	if (val < 0)
		verr(v, n, "'%s' is not one of %s", shown(v, s), names);
	return val;
}

bool valid_name(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= POLICY_NAME_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == len;
}

bool want_name(struct vctx *v, const struct pnode *n, char *dst, size_t size)
{
	const char *s = want_scalar(v, n, "a name");

	if (!s)
		return false;
	if (!valid_name(s)) {
		verr(v, n, "'%s' is not a valid name (1-%d characters from A-Z a-z 0-9 _ . -)",
		     shown(v, s), POLICY_NAME_MAX - 1);
		return false;
	}
	snprintf(dst, size, "%s", s);
	return true;
}

void format_ms(uint64_t ms, char *buf, size_t len)
{
	if (ms % 3600000 == 0)
		snprintf(buf, len, "%lluh", (unsigned long long)(ms / 3600000));
	else if (ms % 60000 == 0)
		snprintf(buf, len, "%llum", (unsigned long long)(ms / 60000));
	else if (ms % 1000 == 0)
		snprintf(buf, len, "%llus", (unsigned long long)(ms / 1000));
	else
		snprintf(buf, len, "%llums", (unsigned long long)ms);
}

bool want_duration(struct vctx *v, const struct pnode *n, uint64_t min_ms, uint64_t max_ms,
		   uint32_t *out)
{
	const char *s = want_scalar(v, n, "a duration");
	char lo[24], hi[24];
	uint64_t ms;
	int r;

	if (!s)
		return false;
	format_ms(min_ms, lo, sizeof(lo));
	format_ms(max_ms, hi, sizeof(hi));
	r = parse_duration_ms(s, &ms);
	if (r == -EINVAL) {
		verr(v, n, "'%s' is not a duration (like 250ms, 2s, 1m; a bare number is seconds)",
		     shown(v, s));
		return false;
	}
	if (r < 0 || ms < min_ms || ms > max_ms) {
		verr(v, n, "%s is out of range %s-%s", shown(v, s), lo, hi);
		return false;
	}
	*out = (uint32_t)ms;
	return true;
}

void *vcalloc(struct vctx *v, const struct pnode *n, size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size);

	if (!p)
		verr(v, n, "out of memory");
	return p;
}

/* --- top level ----------------------------------------------------------- */

static void do_version(struct vctx *v, const struct pnode *n, void *obj)
{
	const char *s = want_scalar(v, n, "1");
	uint64_t x;

	if (!s)
		return;
	if (parse_u64(s, INT32_MAX, &x) < 0) {
		verr(v, n, "'%s' is not a policy version (this xdpd reads version 1)", shown(v, s));
		return;
	}
	if (x != 1) {
		verr(v, n, "unsupported policy version %s (this xdpd reads version 1)", shown(v, s));
		return;
	}
	v->p->version = 1;
}

/* dev_valid_name() of the kernel: what "ip link" would accept. */
static bool valid_ifname(const char *s)
{
	size_t len = strlen(s);

	if (len == 0 || len >= POLICY_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (const char *c = s; *c; c++)
		if (*c == '/' || *c == ':' || (unsigned char)*c <= ' ' || *c == 0x7f)
			return false;
	return true;
}

struct iface_ctx {
	struct policy_iface *iface;
	struct src_loc *name_loc;
};

static void do_iface_name(struct vctx *v, const struct pnode *n, void *obj)
{
	struct iface_ctx *c = obj;
	const char *s = want_scalar(v, n, "an interface name");

	if (!s)
		return;
	if (!valid_ifname(s)) {
		verr(v, n, "'%s' is not a valid interface name (1-%d characters, no '/', ':' or spaces)",
		     shown(v, s), POLICY_IFNAME_MAX - 1);
		return;
	}
	snprintf(c->iface->name, sizeof(c->iface->name), "%s", s);
	*c->name_loc = n->loc;
}

static void do_iface_mode(struct vctx *v, const struct pnode *n, void *obj)
{
	struct iface_ctx *c = obj;
	int m = want_enum(v, n, xdp_mode_names);

	if (m >= 0)
		c->iface->mode = (enum xdp_mode)m;
}

static const struct field iface_fields[] = {
	{ "name", true, do_iface_name },
	{ "mode", false, do_iface_mode },
	{ NULL, false, NULL },
};

static void check_iface_dup(struct vctx *v, const struct src_loc *locs, size_t i)
{
	struct policy_iface *ifs = v->p->ifaces;

	if (!ifs[i].name[0])
		return;
	for (size_t j = 0; j < i; j++) {
		if (strcmp(ifs[j].name, ifs[i].name))
			continue;
		verr_at(v, locs[i], "listed twice (first at %u:%u)",
			locs[j].line, locs[j].col);
		return;
	}
}

static void do_interfaces(struct vctx *v, const struct pnode *n, void *obj)
{
	struct policy *p = v->p;
	struct src_loc *locs;
	size_t cnt;

	if (!want_list(v, n, false, "a list of interfaces"))
		return;
	cnt = list_len(n);
	if (cnt == 0) {
		verr(v, n, "the list is empty: name at least one interface to attach to");
		return;
	}
	if (cnt > XDPD_MAX_IFACES) {
		verr(v, list_item(n, XDPD_MAX_IFACES), "too many interfaces (at most %d)",
		     XDPD_MAX_IFACES);
		cnt = XDPD_MAX_IFACES;
	}
	p->ifaces = vcalloc(v, n, cnt, sizeof(*p->ifaces));
	locs = vcalloc(v, n, cnt, sizeof(*locs));
	if (!p->ifaces || !locs) {
		free(locs);
		return;
	}
	for (size_t i = 0; i < cnt; i++) {
		const struct pnode *item = list_item(n, i);
		struct iface_ctx c = { &p->ifaces[i], &locs[i] };
		const struct pnode *name = pnode_get(item, "name");
		struct vsave s;

		if (name && name->kind == PN_SCALAR && valid_ifname(name->str))
			ctx_enter(v, &s, "interface '%s'", name->str);
		else
			ctx_enter(v, &s, "interface %zu", i + 1);
		p->ifaces[i].loc = item->loc;
		walk_map(v, item, iface_fields, &c);
		p->n_ifaces++;
		check_iface_dup(v, locs, i);
		ctx_leave(v, &s);
	}
	free(locs);
}

static void do_default_action(struct vctx *v, const struct pnode *n, void *obj)
{
	int a = want_enum(v, n, policy_action_names);

	if (a >= 0)
		v->p->default_action = (enum policy_action)a;
}

static void do_on_stop(struct vctx *v, const struct pnode *n, void *obj)
{
	int a = want_enum(v, n, on_stop_names);

	if (a >= 0)
		v->p->on_stop = (enum on_stop)a;
}

static void do_sampling_rate(struct vctx *v, const struct pnode *n, void *obj)
{
	uint64_t x;

	if (want_uint(v, n, 0, UINT32_MAX, &x))
		v->p->sampling.rate = (uint32_t)x;
}

static void do_ring_buffer(struct vctx *v, const struct pnode *n, void *obj)
{
	const char *s = want_scalar(v, n, "a size");
	uint64_t x;
	int r;

	if (!s)
		return;
	r = parse_size(s, &x);
	if (r == -EINVAL)
		verr(v, n, "'%s' is not a size (like 4096, 64KiB, 16MiB)", shown(v, s));
	else if (r < 0 || x > MAX_RING_BYTES)
		verr(v, n, "%s is larger than the maximum 1GiB", shown(v, s));
	else if (x < MIN_RING_BYTES)
		verr(v, n, "%s is smaller than the minimum 4KiB", shown(v, s));
	else if (x & (x - 1))
		verr(v, n, "%s is not a power of two", shown(v, s));
	else
		v->p->sampling.ring_bytes = x;
}

static const struct field sampling_fields[] = {
	{ "rate", false, do_sampling_rate },
	{ "ring_buffer", false, do_ring_buffer },
	{ NULL, false, NULL },
};

static void do_sampling(struct vctx *v, const struct pnode *n, void *obj)
{
	walk_map(v, n, sampling_fields, NULL);
}

/* The path is compared across reloads, so one place has one spelling. */
const char *policy_path_problem(const char *s, size_t max, char *buf, size_t len)
{
	size_t n = strlen(s);
	char q[96];

	show_into(q, sizeof(q), s);
	if (s[0] != '/')
		snprintf(buf, len, "'%s' is not an absolute path", q);
	else if (n >= max)
		snprintf(buf, len, "the path is longer than %zu bytes", max - 1);
	else if (strstr(s, "/../") || strstr(s, "/./") || strstr(s, "//") ||
		 (n >= 3 && !strcmp(s + n - 3, "/..")) || (n >= 2 && !strcmp(s + n - 2, "/.")))
		snprintf(buf, len, "'%s' must not contain '.', '..' or empty components", q);
	else if (s[n - 1] == '/')
		snprintf(buf, len, "'%s' must not end in '/'", q);
	else
		return NULL;
	return buf;
}

static bool want_abs_path(struct vctx *v, const struct pnode *n, char *dst, size_t max)
{
	const char *s = want_scalar(v, n, "an absolute path");
	char why[256];

	if (!s)
		return false;
	if (policy_path_problem(s, max, why, sizeof(why))) {
		verr(v, n, "%s", why);
		return false;
	}
	snprintf(dst, max, "%s", s);
	return true;
}

static void do_socket(struct vctx *v, const struct pnode *n, void *obj)
{
	if (want_abs_path(v, n, v->p->control.socket, sizeof(v->p->control.socket)))
		v->p->control.socket_loc = n->loc;
}

static void do_group(struct vctx *v, const struct pnode *n, void *obj)
{
	const char *s = want_scalar(v, n, "a group name");
	size_t len;

	if (!s)
		return;
	len = strlen(s);
	/* The portable user/group name set (as useradd and sysusers accept it). */
	if (len == 0 || len > 31 || s[0] == '-' ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != len) {
		verr(v, n, "'%s' is not a valid group name", shown(v, s));
		return;
	}
	snprintf(v->p->control.group, sizeof(v->p->control.group), "%s", s);
}

static const struct field control_fields[] = {
	{ "socket", false, do_socket },
	{ "group", false, do_group },
	{ NULL, false, NULL },
};

static void do_control(struct vctx *v, const struct pnode *n, void *obj)
{
	walk_map(v, n, control_fields, NULL);
}

static void do_bpffs(struct vctx *v, const struct pnode *n, void *obj)
{
	if (want_abs_path(v, n, v->p->bpffs, sizeof(v->p->bpffs)))
		v->p->bpffs_loc = n->loc;
}

/* Table order matters: rules read the interfaces, so interfaces go first. */
static const struct field top_fields[] = {
	{ "version", true, do_version },
	{ "interfaces", true, do_interfaces },
	{ "default_action", false, do_default_action },
	{ "on_stop", false, do_on_stop },
	{ "rules", false, validate_rules },
	{ "load_balancers", false, validate_lbs },
	{ "sampling", false, do_sampling },
	{ "control", false, do_control },
	{ "bpffs", false, do_bpffs },
	{ NULL, false, NULL },
};

static void policy_defaults(struct policy *p)
{
	p->default_action = POLICY_PASS;
	p->on_stop = ON_STOP_KEEP;
	p->sampling.rate = 0;
	p->sampling.ring_bytes = DEFAULT_RING_BYTES;
	snprintf(p->control.socket, sizeof(p->control.socket), "%s", DEFAULT_SOCKET);
	snprintf(p->control.group, sizeof(p->control.group), "%s", DEFAULT_GROUP);
	p->bpffs[0] = '\0';
}

void policy_validate_tree(const struct pnode *root, struct policy *p, struct diag_list *d)
{
	struct vctx v = { .d = d, .p = p };

	policy_defaults(p);
	if (!root || pnode_is_null(root)) {
		diag_add(d, root ? root->loc : (struct src_loc){ 1, 1 },
			 "the policy is empty (it needs at least 'version: 1' and 'interfaces')");
		return;
	}
	if (root->kind != PN_MAP) {
		if (root->kind != PN_BAD)
			verr(&v, root, "the policy must be a mapping (version: 1, interfaces: ...), got %s",
			     kind_name(root));
		return;
	}
	walk_map(&v, root, top_fields, NULL);
}
