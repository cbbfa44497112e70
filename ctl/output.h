/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one print path of xdpctl (cf. iproute2's json_print): with --json a
 * command prints the method's result object exactly as the daemon sent it,
 * on one line; without, it fills a table whose columns are aligned when
 * printed. Counters in tables use thousands grouping ("1,234,567"); JSON
 * keeps plain numbers for scripts.
 */
#ifndef XDPCTL_OUTPUT_H
#define XDPCTL_OUTPUT_H

#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>

#include "xdpctl.h"

enum col_align { COL_LEFT, COL_RIGHT };

struct table_col {
	const char *title;
	enum col_align align;
};

struct table;

/* cols: terminated by an entry with title NULL. NULL on out of memory. */
struct table *table_new(const struct table_col *cols);
/* Appends one cell to the current row (printf format). A row is complete
 * once it has as many cells as there are columns. Returns -ENOMEM. */
int table_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t table_rows(const struct table *t);
/* Header plus rows, columns separated by two spaces, last column unpadded.
 * indent: spaces before each line. */
void table_print(const struct table *t, FILE *f, int indent);
void table_free(struct table *t);

/* The result object as one line of JSON plus "\n" (key order as received). */
void out_json(const struct ctl *c, struct json_object *obj);

/* "1,234,567". buf must hold 27 bytes. */
const char *fmt_count(uint64_t v, char *buf, size_t len);
/* Exact compact duration: "45s", "59m58s", "1d5m", "0s". */
const char *fmt_duration(uint64_t seconds, char *buf, size_t len);

#define FMT_COUNT_LEN	 32
#define FMT_DURATION_LEN 40

#endif /* XDPCTL_OUTPUT_H */
