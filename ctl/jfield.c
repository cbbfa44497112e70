// SPDX-License-Identifier: GPL-2.0-or-later
/* Tolerant field access on JSON-RPC results: see jfield.h. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "jfield.h"

static struct json_object *get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object))
		return NULL;
	json_object_object_get_ex(o, key, &v);
	return v;
}

bool jhas(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v && !json_object_is_type(v, json_type_null);
}

const char *jstr(struct json_object *o, const char *key, const char *fallback)
{
	struct json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : fallback;
}

uint64_t ju64(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	if (!v)
		return 0;
	if (json_object_is_type(v, json_type_int)) {
		/* json-c keeps values above INT64_MAX as unsigned and reads
		 * negative ones as 0 here. */
		return json_object_get_uint64(v);
	}
	if (json_object_is_type(v, json_type_double)) {
		double d = json_object_get_double(v);
		return d > 0 ? (uint64_t)d : 0;
	}
	return 0;
}

int64_t ji64(struct json_object *o, const char *key, int64_t fallback)
{
	struct json_object *v = get(o, key);

	if (v &&
	    (json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
		return json_object_get_int64(v);
	return fallback;
}

bool jbool(struct json_object *o, const char *key, bool fallback)
{
	struct json_object *v = get(o, key);

	if (v &&
	    (json_object_is_type(v, json_type_boolean) || json_object_is_type(v, json_type_int)))
		return json_object_get_boolean(v);
	return fallback;
}

struct json_object *jobj(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_object) ? v : NULL;
}

struct json_object *jarr(struct json_object *o, const char *key)
{
	struct json_object *v = get(o, key);

	return v && json_object_is_type(v, json_type_array) ? v : NULL;
}

const char *jtext(struct json_object *v, const char *fallback, char *buf, size_t len)
{
	size_t o = 0;

	switch (v ? json_object_get_type(v) : json_type_null) {
	case json_type_null:
		return fallback;
	case json_type_string:
		return json_object_get_string(v);
	case json_type_boolean:
		return json_object_get_boolean(v) ? "yes" : "no";
	case json_type_array:
		buf[0] = '\0';
		for (size_t i = 0; i < json_object_array_length(v) && o < len; i++) {
			char item[128];
			const char *s =
			    jtext(json_object_array_get_idx(v, i), "", item, sizeof(item));

			o += snprintf(buf + o, len - o, "%s%s", i ? "," : "", s);
		}
		return buf;
	default:
		/* numbers and nested objects: json-c's own rendering */
		snprintf(buf, len, "%s",
			 json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
		return buf;
	}
}
