// SPDX-License-Identifier: GPL-2.0-or-later
/* Results built over several loop turns (see struct api_stream). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_methods.h"

static bool reserve(struct api_text *t, size_t more)
{
	size_t cap = t->cap ? t->cap : 4096;
	char *b;

	if (t->oom)
		return false;
	if (t->len + more + 1 <= t->cap)
		return true;
	while (cap < t->len + more + 1)
		cap *= 2;
	b = realloc(t->buf, cap);
	if (!b) {
		t->oom = true;
		return false;
	}
	t->buf = b;
	t->cap = cap;
	return true;
}

void api_text_add(struct api_text *t, const char *s, size_t n)
{
	if (!reserve(t, n))
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
	t->buf[t->len] = '\0';
}

void api_text_printf(struct api_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(t, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

void api_text_json_string(struct api_text *t, const char *s)
{
	json_object *o = json_object_new_string(s);
	const char *txt = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN) : NULL;

	if (txt)
		api_text_add(t, txt, strlen(txt));
	else
		t->oom = true;
	json_object_put(o);
}

void api_text_free(struct api_text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

void api_stream_free(struct api_stream *st)
{
	if (st->free)
		st->free(st->ctx);
	*st = (struct api_stream){0};
}

int api_stream_drain(struct api_stream *st, json_object **result)
{
	struct api_text t = {0};
	int r;

	while ((r = st->step(st->ctx, &t)) > 0)
		;
	if (r == 0 && t.oom)
		r = -ENOMEM;
	*result = NULL;
	if (r == 0) {
		*result = json_tokener_parse(t.buf ? t.buf : "null");
		if (!*result && (!t.buf || strcmp(t.buf, "null")))
			r = -EINVAL;
	}
	api_text_free(&t);
	return r;
}
