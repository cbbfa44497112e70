/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Diagnostics collected while reading a policy, printed FILE:LINE:COLUMN. */
#ifndef XDPD_DIAG_H
#define XDPD_DIAG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct src_loc {
	uint32_t line; /* 1-based; 0: no position (file-level problem) */
	uint32_t col;  /* 1-based */
};

struct diag {
	struct src_loc loc;
	char *msg;
};

struct diag_list {
	char *file;	/* as given by the user */
	struct diag *v;
	size_t n, cap;
	size_t max;	/* stop collecting after this many (0: 100) */
	size_t dropped;	/* beyond max, or lost to out of memory */
};

void diag_init(struct diag_list *d, const char *file);
/* Appends "msg" at loc, control characters shown as '?'; never fails loudly
 * (out of memory drops the diag but keeps the count so callers still see
 * failure). Beyond max, the max entries kept are the first in the file. */
void diag_add(struct diag_list *d, struct src_loc loc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
size_t diag_count(const struct diag_list *d);
/* "FILE:LINE:COLUMN: message\n" per entry ("FILE: message" when line is 0). */
void diag_print(const struct diag_list *d, FILE *f);
/* Same, into one malloc'ed string (for logs and API error data). */
char *diag_to_string(const struct diag_list *d);
/* Stable sort by line then column, so output follows the file. */
void diag_sort(struct diag_list *d);
void diag_free(struct diag_list *d);

#endif /* XDPD_DIAG_H */
