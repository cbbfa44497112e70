/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Diagnostics collected while reading a policy. Collection never fails the
 * caller: when memory runs out or the cap is reached the message is dropped
 * but counted, so diag_count() still says the policy is bad.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define DIAG_DEFAULT_MAX 100

void diag_init(struct diag_list *d, const char *file)
{
	memset(d, 0, sizeof(*d));
	d->file = strdup(file ? file : "<policy>");
}

static bool diag_grow(struct diag_list *d)
{
	size_t cap = d->cap ? d->cap * 2 : 8;
	struct diag *v;

	if (d->n < d->cap)
		return true;
	v = realloc(d->v, cap * sizeof(*v));
	if (!v)
		return false;
	d->v = v;
	d->cap = cap;
	return true;
}

static int diag_cmp(const struct diag *a, const struct diag *b)
{
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.col != b->loc.col)
		return a->loc.col < b->loc.col ? -1 : 1;
	return 0;
}

/* Control characters of the policy's own text (a key, a tag, a word) would
 * reach the terminal or the journal as escape sequences. */
static void defang(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

/* The kept entry that sorts last (the first of equals added). */
static size_t diag_last(const struct diag_list *d)
{
	size_t last = 0;

	for (size_t i = 1; i < d->n; i++)
		if (diag_cmp(&d->v[i], &d->v[last]) > 0)
			last = i;
	return last;
}

/* Full, an entry earlier in the file replaces the one that sorts last:
 * the entries kept are the file's first, whatever order the checks found
 * them in (duplicate names are reported in name order, say). */
static void diag_keep_first(struct diag_list *d, struct src_loc loc, char *msg)
{
	struct diag cand = {.loc = loc, .msg = msg};
	size_t last = d->n ? diag_last(d) : 0;

	d->dropped++;
	if (!d->n || diag_cmp(&cand, &d->v[last]) >= 0) {
		free(msg);
		return;
	}
	free(d->v[last].msg);
	d->v[last] = cand;
}

void diag_add(struct diag_list *d, struct src_loc loc, const char *fmt, ...)
{
	size_t max = d->max ? d->max : DIAG_DEFAULT_MAX;
	char *msg = NULL;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (r < 0) {
		d->dropped++;
		return;
	}
	defang(msg);
	if (d->n >= max) {
		diag_keep_first(d, loc, msg);
		return;
	}
	if (!diag_grow(d)) {
		free(msg);
		d->dropped++;
		return;
	}
	d->v[d->n].loc = loc;
	d->v[d->n].msg = msg;
	d->n++;
}

size_t diag_count(const struct diag_list *d)
{
	return d->n + d->dropped;
}

static const char *diag_file(const struct diag_list *d)
{
	return d->file ? d->file : "<policy>";
}

void diag_print(const struct diag_list *d, FILE *f)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		if (g->loc.line)
			fprintf(f, "%s:%u:%u: %s\n", diag_file(d), g->loc.line, g->loc.col,
				g->msg);
		else
			fprintf(f, "%s: %s\n", diag_file(d), g->msg);
	}
	if (d->dropped)
		fprintf(f, "%s: %zu more error%s not shown\n", diag_file(d), d->dropped,
			d->dropped == 1 ? "" : "s");
}

char *diag_to_string(const struct diag_list *d)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	diag_print(d, f);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	/* Drop the final newline: callers embed the text in logs and JSON. */
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return buf;
}

void diag_sort(struct diag_list *d)
{
	/* Insertion sort: stable, and lists are short (capped at max). */
	for (size_t i = 1; i < d->n; i++) {
		struct diag cur = d->v[i];
		size_t j = i;

		while (j > 0 && diag_cmp(&d->v[j - 1], &cur) > 0) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = cur;
	}
}

void diag_free(struct diag_list *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	free(d->file);
	memset(d, 0, sizeof(*d));
}
