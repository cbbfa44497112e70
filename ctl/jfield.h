/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef XDPCTL_JFIELD_H
#define XDPCTL_JFIELD_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Tolerant field access on results: absent or wrongly typed fields read as
 * the fallback, so a daemon that adds or omits a field never crashes the
 * client. */
const char *jstr(struct json_object *o, const char *key, const char *fallback);
uint64_t ju64(struct json_object *o, const char *key);
int64_t ji64(struct json_object *o, const char *key, int64_t fallback);
bool jbool(struct json_object *o, const char *key, bool fallback);
bool jhas(struct json_object *o, const char *key);
struct json_object *jobj(struct json_object *o, const char *key); /* object or NULL */
struct json_object *jarr(struct json_object *o, const char *key); /* array or NULL */
/* Any scalar as text (strings verbatim, numbers, booleans "yes"/"no");
 * arrays joined with ","; NULL or missing: fallback. */
const char *jtext(struct json_object *v, const char *fallback, char *buf, size_t len);

#endif /* XDPCTL_JFIELD_H */
