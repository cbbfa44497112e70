/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs xdpctl in-process (xdpctl_main) with stdout and stderr captured. */
#ifndef XDPCTL_HARNESS_H
#define XDPCTL_HARNESS_H

#include <json-c/json.h>

#include "xdpctl.h"

struct xrun {
	int rc;
	char *out, *err;
};

/* argv without the program name, NULL-terminated. */
struct xrun xrun_argv(const char *const *args);
#define XRUN(...) xrun_argv((const char *const[]){__VA_ARGS__, NULL})
void xrun_free(struct xrun *r);

/* A socket path under a fresh private directory where nothing exists. */
const char *xrun_missing_socket(void);

/* A struct ctl printing into memory; xcap_take() closes the streams and
 * returns what was printed to out (caller frees), *err optional. */
struct xcap {
	struct ctl c;
	char *out, *err;
	size_t out_len, err_len;
};
void xcap_open(struct xcap *x);
char *xcap_take(struct xcap *x, char **err);

/* Parses JSON text (test fixtures); aborts the test on a typo. */
struct json_object *xjson(const char *text);

#endif /* XDPCTL_HARNESS_H */
