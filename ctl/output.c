// SPDX-License-Identifier: GPL-2.0-or-later
/* Tables, JSON and number formatting for xdpctl: see output.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

struct table {
	const struct table_col *cols;
	size_t ncols;
	char **cells; /* row-major */
	size_t ncells, cap;
};

struct table *table_new(const struct table_col *cols)
{
	struct table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->cols = cols;
	while (cols[t->ncols].title)
		t->ncols++;
	return t;
}

int table_cell(struct table *t, const char *fmt, ...)
{
	char *s;
	va_list ap;

	if (t->ncells == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **v = realloc(t->cells, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->cells = v;
		t->cap = cap;
	}
	va_start(ap, fmt);
	int r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	t->cells[t->ncells++] = s;
	return 0;
}

size_t table_rows(const struct table *t)
{
	return t->ncols ? t->ncells / t->ncols : 0;
}

/* Cells after the last non-empty one are left out and a left-aligned last
 * cell is not padded, so no line ends in blanks. */
static void print_row(const struct table *t, FILE *f, int indent, const size_t *width,
		      const char *const *cells)
{
	size_t n = t->ncols;

	while (n > 1 && !cells[n - 1][0])
		n--;
	fprintf(f, "%*s", indent, "");
	for (size_t c = 0; c < n; c++) {
		bool last = c + 1 == n;
		int w = (int)width[c];

		if (t->cols[c].align == COL_RIGHT)
			fprintf(f, "%*s", w, cells[c]);
		else if (last)
			fputs(cells[c], f);
		else
			fprintf(f, "%-*s", w, cells[c]);
		fputs(last ? "\n" : "  ", f);
	}
}

void table_print(const struct table *t, FILE *f, int indent)
{
	size_t rows = table_rows(t);
	size_t *width = calloc(t->ncols ? t->ncols : 1, sizeof(*width));
	const char **titles = calloc(t->ncols ? t->ncols : 1, sizeof(*titles));

	if (!width || !titles)
		goto out;
	for (size_t c = 0; c < t->ncols; c++) {
		titles[c] = t->cols[c].title;
		width[c] = strlen(titles[c]);
		for (size_t r = 0; r < rows; r++) {
			size_t n = strlen(t->cells[r * t->ncols + c]);

			if (n > width[c])
				width[c] = n;
		}
	}
	print_row(t, f, indent, width, titles);
	for (size_t r = 0; r < rows; r++)
		print_row(t, f, indent, width, (const char *const *)&t->cells[r * t->ncols]);
out:
	free(width);
	free(titles);
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ncells; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t);
}

void out_json(const struct ctl *c, struct json_object *obj)
{
	int flags = JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE;

	fprintf(c->out, "%s\n", json_object_to_json_string_ext(obj, flags));
}

const char *fmt_count(uint64_t v, char *buf, size_t len)
{
	char digits[24];
	int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
	size_t o = 0;

	for (int i = 0; i < n && o + 1 < len; i++) {
		if (i && (n - i) % 3 == 0 && o + 2 < len)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

const char *fmt_duration(uint64_t seconds, char *buf, size_t len)
{
	static const struct {
		char unit;
		uint64_t secs;
	} units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};
	size_t o = 0;

	buf[0] = '\0';
	if (!seconds) {
		snprintf(buf, len, "0s");
		return buf;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		uint64_t n = seconds / units[i].secs;

		seconds %= units[i].secs;
		if (n && o < len)
			o += snprintf(buf + o, len - o, "%llu%c", (unsigned long long)n,
				      units[i].unit);
	}
	return buf;
}
