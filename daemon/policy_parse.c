/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading the policy: file -> bytes -> libyaml events -> a tree of located
 * nodes (policy_tree.h) -> struct policy (policy_validate.c).
 *
 * Hostile input is expected (the file may be anything an operator's editor
 * or a broken deploy script produces), so every limit is explicit: files
 * over 16 MiB, nesting over 32 levels and documents over 2^20 nodes are
 * refused, and anchors/aliases are refused outright, which also kills alias
 * ("billion laughs") bombs.
 *
 * The schema, with the default used when a key is omitted (xdpd.yaml(5) is
 * written from this block; keep them in step):
 *
 *   version            required; must be 1
 *   interfaces         required, non-empty list, at most 256 (XDPD_MAX_IFACES)
 *     name             required; unique; a Linux interface name (1-15 chars, no '/', ':'
 *                      or spaces)
 *     mode             auto | native | generic | offload; default auto
 *                      (auto: native when the driver supports it, else generic)
 *   default_action     pass | drop; default pass
 *   on_stop            keep | detach; default keep (fail static: datapath keeps running)
 *   rules              list, first match wins; default none; at most 16384 (XDPD_MAX_RULES)
 *     name             required; unique; [A-Za-z0-9_.-], 1-63 chars
 *     action           required; drop | pass
 *     protocol         tcp | udp | icmp | icmpv6 | gre | esp | ah | sctp | 0-255; default any
 *     src_port         N | "N-M" | list of those (0-65535); tcp/udp only; default any
 *     dst_port         same as src_port
 *     src, dst         IPv4/IPv6 address or CIDR prefix, or a list; host bits after the
 *                      prefix length are an error; default any. A rule whose src and dst
 *                      share no family, or icmp with only IPv6 (icmpv6 with only IPv4)
 *                      addresses, can never match and is an error
 *     icmp_type        name or 0-255; protocol icmp or icmpv6 only; names are per family
 *                      (echo-request is 8 for icmp, 128 for icmpv6); default any
 *     tcp_flags        "syn,!ack": comma-separated fin syn rst psh ack urg ece cwr, '!'
 *                      for "must be clear"; unnamed flags are not looked at; tcp only
 *     rate_limit       { pps: 1-4294967295 (required), per: source | rule (default source) }
 *                      the action applies only to packets above the rate
 *     interfaces       name or list of names from the top-level interfaces; default all
 *   load_balancers     list; default none; at most 1024 (POLICY_MAX_LBS); no two on the
 *                      same vip, protocol and port
 *     name             required; unique; same characters as rule names
 *     vip              required; IPv4 or IPv6 address
 *     protocol         required; icmp | tcp | udp (icmp on an IPv6 VIP means ICMPv6)
 *     port             1-65535; required for tcp/udp, refused for icmp
 *     scheduler        round_robin | maglev; default maglev for tcp/udp, round_robin for icmp
 *     forwarding       nat | dsr; default nat
 *     backends         required, non-empty list, at most 1024 (POLICY_MAX_BACKENDS)
 *       address        required; unique in the balancer; same family as the vip
 *       mac            "aa:bb:cc:dd:ee:ff", unicast; default: from the neighbour table
 *       weight         1-65535; default 1
 *       state          active | drain | disabled; default active
 *     health_check     optional; without it every backend counts as healthy
 *       type           tcp | icmp; default tcp for tcp balancers, icmp otherwise
 *                      (tcp needs a port, so icmp balancers cannot use it)
 *       interval       duration (250ms, 2s, 1m, 1h; bare number: seconds), 100ms-1h; default 2s
 *       timeout        duration, 10ms-1h and shorter than interval; default 1s
 *       rise           1-100 successes to become healthy; default 2
 *       fall           1-100 failures to become unhealthy; default 3
 *   sampling
 *     rate             1 of every N packets, 0-4294967295; 0 is off; default 0
 *     ring_buffer      size (4096, 64KiB, 16MiB, 1GiB), power of two, 4KiB-1GiB; default 1MiB
 *   control
 *     socket           absolute path (as bpffs), shorter than 108 bytes;
 *                      default /run/xdpd/xdpd.sock
 *     group            group allowed the read-only methods (1-31 chars of [A-Za-z0-9_.-],
 *                      not starting with '-'); default xdpd
 *   bpffs              absolute path (no '.', '..' or empty components, < 256 bytes) of
 *                      xdpd's bpffs directory; default /sys/fs/bpf/xdpd
 *                      (left empty in struct policy so --bpffs and the built-in default apply)
 *
 * Everywhere: unknown keys, duplicate keys, anchors, aliases and tags are
 * errors; numbers are plain decimal; "key:" with no value means nothing,
 * which the optional sections (rules, load_balancers, sampling, control)
 * take as empty.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "policy_tree.h"
#include "sha256.h"

struct builder {
	struct diag_list *d;
	const char *buf;
	size_t len;
	struct pnode *stack[POLICY_MAX_DEPTH];
	int depth;
	struct pnode *root;
	size_t nodes;
	int docs;
};

static struct src_loc mark_loc(yaml_mark_t m)
{
	return (struct src_loc){ .line = (uint32_t)m.line + 1, .col = (uint32_t)m.column + 1 };
}

/* libyaml's reader errors carry a byte offset, not a mark. Lines end as
 * libyaml ends them: \n, \r\n or a lone \r. */
static struct src_loc offset_loc(const char *buf, size_t len, size_t off)
{
	struct src_loc l = { 1, 1 };

	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n'))) {
			l.line++;
			l.col = 1;
		} else if (((unsigned char)buf[i] & 0xc0) != 0x80) {
			l.col++;
		}
	}
	return l;
}

/* The byte at a line/column (columns count characters), or -1. */
static int byte_at(const char *buf, size_t len, struct src_loc l)
{
	size_t i = 0;

	for (uint32_t line = 1; line < l.line; line++) {
		const char *nl = memchr(buf + i, '\n', len - i);

		if (!nl)
			return -1;
		i = (size_t)(nl - buf) + 1;
	}
	for (uint32_t col = 1; i < len; i++) {
		if (((unsigned char)buf[i] & 0xc0) == 0x80)
			continue;
		if (col++ == l.col)
			return (unsigned char)buf[i];
		if (buf[i] == '\n')
			break;
	}
	return -1;
}

void pnode_free(struct pnode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->used; i++)
		pnode_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

bool pnode_is_null(const struct pnode *n)
{
	return n->kind == PN_SCALAR && n->plain &&
	       (!n->str[0] || !strcmp(n->str, "~") || !strcmp(n->str, "null") ||
		!strcmp(n->str, "Null") || !strcmp(n->str, "NULL"));
}

size_t pnode_pairs(const struct pnode *map)
{
	return map && map->kind == PN_MAP ? map->n : 0;
}

const struct pnode *pnode_key(const struct pnode *map, size_t i)
{
	return map->kids[2 * i];
}

const struct pnode *pnode_val(const struct pnode *map, size_t i)
{
	return map->kids[2 * i + 1];
}

const struct pnode *pnode_get(const struct pnode *map, const char *key)
{
	for (size_t i = 0; i < pnode_pairs(map); i++) {
		const struct pnode *k = pnode_key(map, i);

		if (k->kind == PN_SCALAR && !strcmp(k->str, key))
			return pnode_val(map, i);
	}
	return NULL;
}

static int key_cmp(const void *a, const void *b)
{
	const struct pnode *x = *(const struct pnode *const *)a;
	const struct pnode *y = *(const struct pnode *const *)b;
	int c = strcmp(x->str, y->str);

	if (c)
		return c;
	if (x->loc.line != y->loc.line)
		return x->loc.line < y->loc.line ? -1 : 1;
	return x->loc.col < y->loc.col ? -1 : (x->loc.col > y->loc.col);
}

/* Sorting keeps this O(n log n): a 16 MiB file can hold millions of keys. */
static void check_duplicate_keys(struct builder *b, const struct pnode *map)
{
	const struct pnode **keys;
	size_t n = 0;

	if (map->n < 2)
		return;
	keys = calloc(map->n, sizeof(*keys));
	if (!keys) {
		diag_add(b->d, map->loc, "out of memory checking for duplicate keys");
		return;
	}
	for (size_t i = 0; i < map->n; i++)
		if (pnode_key(map, i)->kind == PN_SCALAR)
			keys[n++] = pnode_key(map, i);
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (strcmp(keys[first]->str, keys[i]->str)) {
			first = i;
			continue;
		}
		diag_add(b->d, keys[i]->loc, "duplicate key '%.64s' (first at %u:%u)", keys[i]->str,
			 keys[first]->loc.line, keys[first]->loc.col);
	}
	free(keys);
}

static int attach(struct builder *b, struct pnode *n)
{
	struct pnode *parent;

	if (++b->nodes > POLICY_MAX_NODES) {
		diag_add(b->d, n->loc, "the policy has more than %u YAML nodes", POLICY_MAX_NODES);
		pnode_free(n);
		return -E2BIG;
	}
	if (b->depth == 0) {
		b->root = n;
		return 0;
	}
	parent = b->stack[b->depth - 1];
	if (parent->kind == PN_MAP && parent->used % 2 == 0 && n->kind != PN_SCALAR &&
	    n->kind != PN_BAD)
		diag_add(b->d, n->loc, "mapping keys must be plain strings");
	if (parent->used == parent->cap) {
		size_t cap = parent->cap ? parent->cap * 2 : 4;
		struct pnode **k = realloc(parent->kids, cap * sizeof(*k));

		if (!k) {
			pnode_free(n);
			diag_add(b->d, parent->loc, "out of memory");
			return -ENOMEM;
		}
		parent->kids = k;
		parent->cap = cap;
	}
	parent->kids[parent->used++] = n;
	parent->n = parent->kind == PN_MAP ? parent->used / 2 : parent->used;
	return 0;
}

static struct pnode *new_node(enum pnode_kind kind, yaml_mark_t m)
{
	struct pnode *n = calloc(1, sizeof(*n));

	if (n) {
		n->kind = kind;
		n->loc = mark_loc(m);
	}
	return n;
}

/* Anchors and tags are refused: anchors only exist to be aliased, and tags
 * would let a file change how a value is read. Both are reported, then the
 * node is used as if they were absent so the rest is still checked. */
static void refuse_extras(struct builder *b, const yaml_event_t *e, const yaml_char_t *anchor,
			  const yaml_char_t *tag)
{
	if (anchor)
		diag_add(b->d, mark_loc(e->start_mark),
			 "anchors are not allowed ('&%.64s'; aliases are not allowed either)",
			 (const char *)anchor);
	if (tag)
		diag_add(b->d, mark_loc(e->start_mark), "tags are not allowed ('%.64s')",
			 (const char *)tag);
}

static int on_scalar(struct builder *b, const yaml_event_t *e)
{
	struct pnode *n = new_node(PN_SCALAR, e->start_mark);

	if (!n)
		return -ENOMEM;
	refuse_extras(b, e, e->data.scalar.anchor, e->data.scalar.tag);
	n->plain = e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	n->len = e->data.scalar.length;
	n->str = malloc(n->len + 1);
	if (!n->str) {
		pnode_free(n);
		return -ENOMEM;
	}
	memcpy(n->str, e->data.scalar.value, n->len);
	n->str[n->len] = '\0';
	/* "\0" escapes in quoted scalars would silently cut C strings short. */
	if (strlen(n->str) != n->len) {
		diag_add(b->d, n->loc, "a NUL character is not allowed in a value");
		n->kind = PN_BAD;
	}
	return attach(b, n);
}

static int on_collection_start(struct builder *b, const yaml_event_t *e, enum pnode_kind kind)
{
	const yaml_char_t *anchor, *tag;
	struct pnode *n;
	int r;

	if (b->depth >= POLICY_MAX_DEPTH) {
		diag_add(b->d, mark_loc(e->start_mark), "nesting is deeper than %d levels",
			 POLICY_MAX_DEPTH);
		return -E2BIG;
	}
	anchor = kind == PN_MAP ? e->data.mapping_start.anchor : e->data.sequence_start.anchor;
	tag = kind == PN_MAP ? e->data.mapping_start.tag : e->data.sequence_start.tag;
	refuse_extras(b, e, anchor, tag);
	n = new_node(kind, e->start_mark);
	if (!n)
		return -ENOMEM;
	r = attach(b, n);
	if (r < 0)
		return r;
	b->stack[b->depth++] = n;
	return 0;
}

static int on_event(struct builder *b, const yaml_event_t *e)
{
	struct pnode *n;

	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1) {
			diag_add(b->d, mark_loc(e->start_mark),
				 "only one YAML document is allowed in a policy");
			return -EINVAL;
		}
		return 0;
	case YAML_ALIAS_EVENT:
		diag_add(b->d, mark_loc(e->start_mark), "aliases are not allowed ('*%.64s')",
			 (const char *)e->data.alias.anchor);
		n = new_node(PN_BAD, e->start_mark);
		return n ? attach(b, n) : -ENOMEM;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, e);
	case YAML_SEQUENCE_START_EVENT:
		return on_collection_start(b, e, PN_SEQ);
	case YAML_MAPPING_START_EVENT:
		return on_collection_start(b, e, PN_MAP);
	case YAML_MAPPING_END_EVENT:
		check_duplicate_keys(b, b->stack[b->depth - 1]);
		b->depth--;
		return 0;
	case YAML_SEQUENCE_END_EVENT:
		b->depth--;
		return 0;
	default:
		return 0;
	}
}

static void yaml_error(struct builder *b, const yaml_parser_t *y)
{
	struct src_loc l;

	if (y->error == YAML_MEMORY_ERROR) {
		diag_add(b->d, (struct src_loc){ 0, 0 }, "out of memory reading YAML");
		return;
	}
	if (y->error == YAML_READER_ERROR) {
		l = offset_loc(b->buf, b->len, y->problem_offset);
		if (y->problem_value != -1)
			diag_add(b->d, l, "not valid UTF-8 text: %s (0x%x)", y->problem,
				 (unsigned int)y->problem_value);
		else
			diag_add(b->d, l, "not valid UTF-8 text: %s", y->problem);
		return;
	}
	l = mark_loc(y->problem_mark);
	/* The classic: a tab in the indentation. Say so in plain words. */
	if (byte_at(b->buf, b->len, l) == '\t')
		diag_add(b->d, l, "YAML syntax error: %s%s%s (tabs are not allowed for indentation)",
			 y->problem ? y->problem : "error", y->context ? " " : "",
			 y->context ? y->context : "");
	else
		diag_add(b->d, l, "YAML syntax error: %s%s%s", y->problem ? y->problem : "error",
			 y->context ? " " : "", y->context ? y->context : "");
}

int policy_tree_parse(const char *buf, size_t len, struct pnode **root, struct diag_list *d)
{
	struct builder b = { .d = d, .buf = buf, .len = len };
	size_t before = diag_count(d);
	yaml_parser_t y;
	yaml_event_t e;
	int r = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&y)) {
		diag_add(d, (struct src_loc){ 0, 0 }, "out of memory reading YAML");
		return -ENOMEM;
	}
	/* libyaml would read UTF-16 after its byte order mark (and without one,
	 * UTF-8, as the diagnostics' columns and every name assume) */
	if (len >= 2 && (((unsigned char)buf[0] == 0xff && (unsigned char)buf[1] == 0xfe) ||
			 ((unsigned char)buf[0] == 0xfe && (unsigned char)buf[1] == 0xff))) {
		diag_add(d, (struct src_loc){ 1, 1 },
			 "the file is UTF-16 (it starts with a UTF-16 byte order mark): a "
			 "policy is UTF-8 text");
		yaml_parser_delete(&y);
		return -EINVAL;
	}
	yaml_parser_set_input_string(&y, (const unsigned char *)buf, len);
	for (;;) {
		if (!yaml_parser_parse(&y, &e)) {
			yaml_error(&b, &y);
			r = -EINVAL;
			break;
		}
		r = on_event(&b, &e);
		if (e.type == YAML_STREAM_END_EVENT || r < 0) {
			yaml_event_delete(&e);
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&y);
	if (r < 0) {
		pnode_free(b.root);
		if (diag_count(d) == before)
			diag_add(d, (struct src_loc){ 0, 0 }, "out of memory reading YAML");
		return r == -ENOMEM ? r : -EINVAL;
	}
	*root = b.root;
	return 0;
}

void policy_free(struct policy *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_rules; i++) {
		struct policy_rule *r = &p->rules[i];

		free(r->src_ports);
		free(r->dst_ports);
		free(r->src);
		free(r->dst);
		free(r->ifaces);
	}
	for (size_t i = 0; i < p->n_lbs; i++)
		free(p->lbs[i].backends);
	free(p->rules);
	free(p->lbs);
	free(p->ifaces);
	free(p->path);
	free(p);
}

int policy_load_buffer(const char *name, const char *buf, size_t len, struct policy **out,
		       struct diag_list *d)
{
	size_t before = diag_count(d);
	struct pnode *root = NULL;
	struct policy *p;
	int r;

	*out = NULL;
	if (len > POLICY_MAX_BYTES) {
		diag_add(d, (struct src_loc){ 0, 0 }, "the policy is larger than %u MiB",
			 POLICY_MAX_BYTES >> 20);
		return -EFBIG;
	}
	p = calloc(1, sizeof(*p));
	if (!p || !(p->path = strdup(name ? name : "<policy>"))) {
		free(p);
		diag_add(d, (struct src_loc){ 0, 0 }, "out of memory");
		return -ENOMEM;
	}
	sha256(buf, len, p->sha256);
	r = policy_tree_parse(buf, len, &root, d);
	if (r == 0)
		policy_validate_tree(root, p, d);
	pnode_free(root);
	diag_sort(d);
	if (r < 0 || diag_count(d) > before) {
		policy_free(p);
		return r == -ENOMEM ? r : -EINVAL;
	}
	*out = p;
	return 0;
}

/* Reads at most POLICY_MAX_BYTES + 1 so a file that grows while being read
 * is still caught as too large, and never blocks on a FIFO. */
static int read_policy_file(const char *path, char **bufp, size_t *lenp, struct diag_list *d)
{
	const struct src_loc none = { 0, 0 };
	size_t cap = POLICY_MAX_BYTES + 1, len = 0;
	struct stat st;
	char *buf;
	int fd, r = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0) {
		r = -errno;
		diag_add(d, none, "cannot open the policy: %s", strerror(-r));
		return r;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		diag_add(d, none, "cannot stat the policy: %s", strerror(-r));
	} else if (S_ISDIR(st.st_mode)) {
		r = -EISDIR;
		diag_add(d, none, "the policy is a directory, not a file");
	} else if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		diag_add(d, none, "the policy is not a regular file");
	} else if (st.st_size > (off_t)POLICY_MAX_BYTES) {
		r = -EFBIG;
		diag_add(d, none, "the policy is larger than %u MiB", POLICY_MAX_BYTES >> 20);
	}
	if (r < 0)
		goto out;
	if ((size_t)st.st_size + 1 < cap)
		cap = (size_t)st.st_size + 1;
	buf = malloc(cap);
	if (!buf) {
		r = -ENOMEM;
		diag_add(d, none, "out of memory reading the policy");
		goto out;
	}
	for (;;) {
		ssize_t n;
		char *nb;

		if (len == cap) {
			if (cap > POLICY_MAX_BYTES)
				break;
			cap = cap * 2 > POLICY_MAX_BYTES + 1 ? POLICY_MAX_BYTES + 1 : cap * 2;
			nb = realloc(buf, cap);
			if (!nb) {
				r = -ENOMEM;
				break;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (r == 0 && len > POLICY_MAX_BYTES) {
		r = -EFBIG;
		diag_add(d, none, "the policy is larger than %u MiB", POLICY_MAX_BYTES >> 20);
	} else if (r < 0) {
		diag_add(d, none, "cannot read the policy: %s", strerror(-r));
	}
	if (r < 0) {
		free(buf);
		goto out;
	}
	*bufp = buf;
	*lenp = len;
out:
	close(fd);
	return r;
}

int policy_load_file(const char *path, struct policy **out, struct diag_list *d)
{
	char *buf = NULL;
	size_t len = 0;
	int r;

	*out = NULL;
	r = read_policy_file(path, &buf, &len, d);
	if (r < 0)
		return r;
	r = policy_load_buffer(path, buf, len, out, d);
	free(buf);
	return r;
}
