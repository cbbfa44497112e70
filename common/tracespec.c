// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trace-spec parser (tracespec.h): words separated by blanks, each
 * remembered with its offset so that an error can point at it. Offsets are
 * bytes inside the parser and characters in what it reports: a person (or a
 * client's caret) counts characters, and the text may hold UTF-8 (an
 * interface name, a typo).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "netparse.h"
#include "policy_names.h"
#include "tracespec.h"

#define MAX_WORDS 32
#define WORD_MAX  128

struct word {
	size_t pos, len;  /* in the input, brackets included */
	char s[WORD_MAX]; /* the text, option brackets removed */
	size_t off;	  /* offset of s[0] in the input */
};

struct parser {
	const char *text;
	struct word w[MAX_WORDS];
	size_t n, i;
	struct trace_spec *s;
	struct tracespec_error *err;
	bool saw_flags, saw_type, saw_code, saw_len, saw_in;
	size_t len_word;
};

/* Bytes of the UTF-8 character at s, of at most n bytes: 1 for a byte that
 * starts no valid sequence, which a terminal shows as one character too. */
static size_t utf8_char_bytes(const char *s, size_t n)
{
	unsigned char b = (unsigned char)s[0];
	size_t want = b >= 0xc2 && b <= 0xdf   ? 2
		      : b >= 0xe0 && b <= 0xef ? 3
		      : b >= 0xf0 && b <= 0xf4 ? 4
					       : 1;

	if (want > n)
		return 1;
	for (size_t i = 1; i < want; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			return 1;
	return want;
}

/* Characters in bytes [from, to) of text (tl bytes long); past its end, one
 * per byte (an error may point just after the text). */
static size_t chars_between(const char *text, size_t tl, size_t from, size_t to)
{
	size_t n = 0;

	for (size_t i = from; i < to; n++)
		i += i < tl ? utf8_char_bytes(text + i, tl - i) : 1;
	return n;
}

static int fail_at(struct parser *p, size_t pos, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* pos and len in bytes of p->text; the error holds them in characters. */
static int fail_at(struct parser *p, size_t pos, size_t len, const char *fmt, ...)
{
	size_t tl = strlen(p->text);
	va_list ap;

	p->err->pos = chars_between(p->text, tl, 0, pos);
	p->err->len = chars_between(p->text, tl, pos, pos + (len ? len : 1));
	va_start(ap, fmt);
	vsnprintf(p->err->message, sizeof(p->err->message), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int fail_word(struct parser *p, const struct word *w, const char *fmt, const char *what)
{
	return fail_at(p, w->pos, w->len, fmt, what);
}

static int split(struct parser *p)
{
	const char *t = p->text;
	size_t i = 0;

	/* A spec is one line: a newline or a terminal escape in it can only be
	 * a mistake, and would garble the error's pointer line. */
	for (size_t j = 0; t[j]; j++)
		if (t[j] != '\t' && iscntrl((unsigned char)t[j]))
			return fail_at(p, j, 1, "control character (byte 0x%02x) in the spec",
				       (unsigned char)t[j]);
	while (t[i]) {
		struct word *w;
		size_t start;

		if (isspace((unsigned char)t[i])) {
			i++;
			continue;
		}
		start = i;
		while (t[i] && !isspace((unsigned char)t[i]))
			i++;
		if (p->n == MAX_WORDS)
			return fail_at(p, start, i - start, "too many words (at most %d)",
				       MAX_WORDS);
		if (i - start >= WORD_MAX)
			return fail_at(p, start, i - start, "word too long");
		w = &p->w[p->n++];
		w->pos = w->off = start;
		w->len = i - start;
		memcpy(w->s, t + start, w->len);
		w->s[w->len] = '\0';
	}
	return 0;
}

static const char *const option_names[] = {"flags", "type", "code", "vlan", "len", "in", NULL};

static bool is_option(const char *s)
{
	for (const char *const *o = option_names; *o; o++)
		if (!strcmp(*o, s))
			return true;
	return false;
}

/* "[flags S]" -> "flags" "S": the brackets of an option group go away. */
static int unbracket(struct parser *p, size_t i)
{
	struct word *kw = &p->w[i], *val;

	if (kw->s[0] != '[' || !is_option(kw->s + 1))
		return 0;
	memmove(kw->s, kw->s + 1, strlen(kw->s));
	kw->off++;
	if (i + 1 == p->n)
		return fail_at(p, kw->pos, kw->len, "'[%s' has no value and no ']'", kw->s);
	val = &p->w[i + 1];
	if (val->s[0] == '\0' || val->s[strlen(val->s) - 1] != ']')
		return fail_at(p, val->pos, val->len, "expected ']' after the value of '%s'",
			       kw->s);
	val->s[strlen(val->s) - 1] = '\0';
	return 0;
}

static int parse_proto(struct parser *p, const struct word *w)
{
	uint64_t v;
	int proto = proto_from_name(w->s);

	if (proto < 0 && parse_u64(w->s, 255, &v) == 0)
		proto = (int)v;
	if (proto < 0)
		return fail_word(p, w, "unknown protocol '%s' (tcp, udp, icmp, icmpv6 or 0-255)",
				 w->s);
	p->s->proto = (uint8_t)proto;
	p->s->has_ports = proto == IPPROTO_TCP || proto == IPPROTO_UDP;
	return 0;
}

static int parse_port(struct parser *p, const struct word *w, const char *s, uint16_t *port)
{
	uint64_t v;
	size_t pos = w->off + (size_t)(s - w->s);

	if (parse_u64(s, 65535, &v))
		return fail_at(p, pos, strlen(s), "bad port '%s' (0-65535)", s);
	*port = (uint16_t)v;
	return 0;
}

/* [v6]:port, [v6], v4:port, v4, v6. */
static int parse_endpoint(struct parser *p, const struct word *w, uint8_t addr[16], uint16_t *port,
			  int *family, bool *has_port)
{
	char buf[WORD_MAX];
	const char *portstr = NULL;
	struct ip_addr a;
	char *colon;

	snprintf(buf, sizeof(buf), "%s", w->s);
	if (buf[0] == '[') {
		char *close = strchr(buf, ']');

		if (!close)
			return fail_word(p, w, "'%s': missing ']' after the IPv6 address", w->s);
		*close = '\0';
		if (close[1] == ':')
			portstr = w->s + (close + 2 - buf);
		else if (close[1])
			return fail_word(p, w, "'%s': expected ':PORT' after ']'", w->s);
		memmove(buf, buf + 1, strlen(buf));
		if (parse_ip_addr(buf, &a) || a.family != AF_INET6)
			return fail_word(p, w, "'%s': bad IPv6 address in brackets", w->s);
	} else {
		colon = strchr(buf, ':');
		if (colon && !strchr(colon + 1, ':')) {
			*colon = '\0';
			portstr = w->s + (colon + 1 - buf);
		}
		if (parse_ip_addr(buf, &a))
			return fail_word(
			    p, w, "'%s': bad address (a.b.c.d[:PORT] or [IPv6][:PORT])", w->s);
	}
	*family = a.family == AF_INET6 ? 6 : 4;
	memcpy(addr, a.addr, 16);
	*has_port = portstr != NULL;
	return portstr ? parse_port(p, w, portstr, port) : 0;
}

static int check_ports(struct parser *p, const struct word *w, bool has_port)
{
	if (p->s->has_ports && !has_port)
		return fail_word(p, w, "'%s': tcp and udp need a port (ADDRESS:PORT)", w->s);
	if (!p->s->has_ports && has_port)
		return fail_word(p, w, "'%s': only tcp and udp have ports", w->s);
	return 0;
}

static int parse_addresses(struct parser *p)
{
	const struct word *ws = &p->w[1], *gt = &p->w[2], *wd = &p->w[3];
	bool sp, dp;
	int fs, fd, r;

	if (p->n < 2)
		return fail_at(p, strlen(p->text), 1, "expected the source address");
	r = parse_endpoint(p, ws, p->s->src, &p->s->sport, &fs, &sp);
	if (r == 0)
		r = check_ports(p, ws, sp);
	if (r)
		return r;
	if (p->n < 3 || strcmp(gt->s, ">"))
		return p->n < 3 ? fail_at(p, strlen(p->text), 1, "expected '>' and the destination")
				: fail_word(p, gt, "expected '>', got '%s'", gt->s);
	if (p->n < 4)
		return fail_at(p, strlen(p->text), 1, "expected the destination address");
	r = parse_endpoint(p, wd, p->s->dst, &p->s->dport, &fd, &dp);
	if (r == 0)
		r = check_ports(p, wd, dp);
	if (r)
		return r;
	if (fs != fd)
		return fail_word(p, wd, "'%s': source and destination are not the same IP version",
				 wd->s);
	p->s->family = (uint8_t)fs;
	if (p->s->proto == IPPROTO_ICMP && fs == 6)
		return fail_word(p, &p->w[0], "'%s' is IPv4 only: use icmpv6 with IPv6 addresses",
				 p->w[0].s);
	if (p->s->proto == IPPROTO_ICMPV6 && fs == 4)
		return fail_word(p, &p->w[0], "'%s' is IPv6 only: use icmp with IPv4 addresses",
				 p->w[0].s);
	p->s->has_icmp =
	    (fs == 4 && p->s->proto == IPPROTO_ICMP) || (fs == 6 && p->s->proto == IPPROTO_ICMPV6);
	if (p->s->has_icmp)
		p->s->icmp_type = fs == 4 ? 8 : 128; /* echo request */
	return 0;
}

/* "S", "SA", "S.", "P.", "syn,ack", "none". */
static int parse_flags(struct parser *p, const struct word *w)
{
	static const char letters[] = "FSRPAUEC";
	uint8_t f = 0;
	int v;

	if (!strcmp(w->s, "none")) {
		p->s->tcp_flags = 0;
		return 0;
	}
	if (islower((unsigned char)w->s[0])) {
		char buf[WORD_MAX], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", w->s);
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			v = name_lookup(tcp_flag_names, t);
			if (v < 0)
				return fail_at(p, w->off + (size_t)(t - buf), strlen(t),
					       "unknown tcp flag '%s' (fin, syn, rst, psh, ack, "
					       "urg, ece, cwr)",
					       t);
			f |= (uint8_t)v;
		}
	} else {
		for (size_t i = 0; w->s[i]; i++) {
			const char *l =
			    w->s[i] == '.' ? strchr(letters, 'A') : strchr(letters, w->s[i]);

			if (!l || !*l) {
				size_t n = utf8_char_bytes(w->s + i, strlen(w->s + i));

				return fail_at(p, w->off + i, n,
					       "unknown tcp flag '%.*s' (F S R P A U E C, '.' for "
					       "ack)",
					       (int)n, w->s + i);
			}
			f |= (uint8_t)(1u << (l - letters));
		}
	}
	p->s->tcp_flags = f;
	return 0;
}

static int parse_number(struct parser *p, const struct word *w, uint64_t max, uint64_t *v,
			const char *what)
{
	if (parse_u64(w->s, max, v))
		return fail_at(p, w->pos, w->len, "bad %s '%s' (0-%llu)", what, w->s,
			       (unsigned long long)max);
	return 0;
}

static int parse_icmp_type(struct parser *p, const struct word *w)
{
	uint64_t v;
	int t;

	t = icmp_type_from_name(p->s->proto, w->s);
	if (t < 0 && parse_u64(w->s, 255, &v) == -ERANGE)
		return fail_word(p, w, "icmp type '%s' is out of range 0-255", w->s);
	if (t < 0 && parse_u64(w->s, 255, &v) == 0)
		t = (int)v;
	if (t < 0)
		return fail_word(
		    p, w, "unknown icmp type '%s' (a name such as echo-request, or 0-255)", w->s);
	p->s->icmp_type = (uint8_t)t;
	return 0;
}

static int once(struct parser *p, const struct word *kw, bool *seen)
{
	if (*seen)
		return fail_word(p, kw, "'%s' given twice", kw->s);
	*seen = true;
	return 0;
}

static int parse_option(struct parser *p, const struct word *kw, const struct word *val)
{
	uint64_t v = 0;
	int r;

	if (!strcmp(kw->s, "flags")) {
		if (p->s->proto != IPPROTO_TCP)
			return fail_word(p, kw, "'%s' applies to tcp only", kw->s);
		return once(p, kw, &p->saw_flags) ?: parse_flags(p, val);
	}
	if (!p->s->has_icmp && (!strcmp(kw->s, "type") || !strcmp(kw->s, "code")))
		return fail_word(p, kw, "'%s' applies to icmp and icmpv6 only", kw->s);
	if (!strcmp(kw->s, "type"))
		return once(p, kw, &p->saw_type) ?: parse_icmp_type(p, val);
	if (!strcmp(kw->s, "code")) {
		r = once(p, kw, &p->saw_code) ?: parse_number(p, val, 255, &v, "icmp code");
		p->s->icmp_code = (uint8_t)v;
		return r;
	}
	if (!strcmp(kw->s, "vlan")) {
		if (p->s->nvlan == TRACE_VLAN_MAX)
			return fail_word(p, kw, "'%s': at most two vlan tags", kw->s);
		r = parse_number(p, val, 4095, &v, "vlan id");
		p->s->vlan[p->s->nvlan++] = (uint16_t)v;
		return r;
	}
	if (!strcmp(kw->s, "len")) {
		p->len_word = (size_t)(val - p->w);
		r = once(p, kw, &p->saw_len) ?: parse_number(p, val, TRACE_LEN_MAX, &v, "length");
		p->s->len = (uint16_t)v;
		return r;
	}
	/* "in" */
	if (strlen(val->s) >= TRACE_IFNAME_MAX || strchr(val->s, '/'))
		return fail_word(p, val, "bad interface name '%s'", val->s);
	snprintf(p->s->ifname, sizeof(p->s->ifname), "%s", val->s);
	p->s->ifname_pos = chars_between(p->text, strlen(p->text), 0, val->off);
	p->s->ifname_len =
	    chars_between(p->text, strlen(p->text), val->off, val->off + strlen(val->s));
	return once(p, kw, &p->saw_in);
}

static int parse_options(struct parser *p)
{
	for (size_t i = 4; i < p->n; i += 2) {
		int r = unbracket(p, i);

		if (r)
			return r;
		if (!is_option(p->w[i].s))
			return fail_word(
			    p, &p->w[i],
			    "unknown word '%s' (expected flags, type, code, vlan, len or in)",
			    p->w[i].s);
		if (i + 1 == p->n)
			return fail_at(p, strlen(p->text), 1, "'%s' needs a value", p->w[i].s);
		r = parse_option(p, &p->w[i], &p->w[i + 1]);
		if (r)
			return r;
	}
	return 0;
}

int tracespec_parse(const char *text, struct trace_spec *out, struct tracespec_error *err)
{
	struct parser p = {.text = text, .s = out, .err = err};
	int r;

	memset(out, 0, sizeof(*out));
	memset(err, 0, sizeof(*err));
	if (strlen(text) > TRACE_TEXT_MAX)
		return fail_at(&p, TRACE_TEXT_MAX, 1, "longer than %d bytes", TRACE_TEXT_MAX);
	r = split(&p);
	if (r)
		return r;
	if (p.n == 0)
		return fail_at(&p, 0, 1, "empty packet description (PROTO SRC > DST ...)");
	r = parse_proto(&p, &p.w[0]);
	if (r == 0 && p.s->proto == IPPROTO_TCP)
		out->tcp_flags = 0x02; /* SYN: a new connection */
	if (r == 0)
		r = parse_addresses(&p);
	if (r == 0)
		r = parse_options(&p);
	if (r == 0 && out->len && out->len < tracespec_header_len(out))
		r = fail_word(&p, &p.w[p.len_word], "length '%s' is shorter than the headers",
			      p.w[p.len_word].s);
	return r;
}

/* One pointer-line cell per character: a tab stays a tab so that the
 * carets line up whatever the terminal's tab stops. */
void tracespec_pointer(const char *text, const struct tracespec_error *err, char *buf, size_t len)
{
	size_t tl = strlen(text), used;
	int n = snprintf(buf, len, "  %s\n  ", text);

	if (n < 0 || (size_t)n >= len)
		return;
	for (size_t i = 0; i < tl && i + 2 < len; i++)
		if (buf[i + 2] != '\t' && iscntrl((unsigned char)buf[i + 2]))
			buf[i + 2] = '?';
	used = (size_t)n;
	/* c counts characters, i the bytes of text they take */
	for (size_t c = 0, i = 0; c < err->pos + err->len && used + 2 < len; c++) {
		bool tab = i < tl && text[i] == '\t';

		buf[used++] = c >= err->pos ? '^' : tab ? '\t' : ' ';
		i += i < tl ? utf8_char_bytes(text + i, tl - i) : 1;
	}
	buf[used] = '\0';
}
