// SPDX-License-Identifier: GPL-2.0-or-later
/* Checks json-c's parser does not make (see json_text.h). */
#include <stdbool.h>
#include <string.h>

#include "json_text.h"

size_t json_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned int c = s[0], cp, min;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0; /* a continuation byte, 0xc0/0xc1 (overlong) or 0xf5.. */
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* The UTF-16 code unit of the escape at s (backslash, u, four hex digits;
 * n bytes there), or -1 when s holds no such escape. */
static long u_escape(const unsigned char *s, size_t n)
{
	long v = 0;

	if (n < 6 || s[0] != '\\' || s[1] != 'u')
		return -1;
	for (size_t i = 2; i < 6; i++) {
		unsigned int c = s[i];
		int d = c >= '0' && c <= '9'   ? (int)(c - '0')
			: c >= 'a' && c <= 'f' ? (int)(c - 'a' + 10)
			: c >= 'A' && c <= 'F' ? (int)(c - 'A' + 10)
					       : -1;

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* Bytes the escape at s takes (2 or 6, 12 for a surrogate pair), or 0 for a
 * surrogate escape without its other half: json-c would read it as U+FFFD,
 * so an id holding one would be answered with another id. */
static size_t escape_len(const unsigned char *s, size_t n)
{
	long u = u_escape(s, n);

	if (u < 0xd800 || u > 0xdfff)
		return 2; /* not \\u, or \\u outside the surrogates: ASCII follows */
	if (u >= 0xdc00)
		return 0;
	u = u_escape(s + 6, n - 6);
	return u >= 0xdc00 && u <= 0xdfff ? 12 : 0;
}

enum json_text_fault json_text_check(const char *text, size_t n, size_t *at)
{
	const unsigned char *s = (const unsigned char *)text;
	bool in_string = false;
	size_t i = 0;

	while (i < n) {
		size_t len = json_utf8_seq(s + i, n - i);

		*at = i;
		if (!len)
			return JSON_TEXT_BAD_UTF8;
		if (len > 1) { /* only inside strings in JSON that parsed */
			i += len;
			continue;
		}
		if (in_string && s[i] == '\\') {
			size_t esc = escape_len(s + i, n - i);

			if (n - i > 5 && !memcmp(s + i + 1, "u0000", 5))
				return JSON_TEXT_NUL;
			if (!esc)
				return JSON_TEXT_LONE_SURROGATE;
			i += esc;
			continue;
		}
		if (s[i] == '"')
			in_string = !in_string;
		else if (!in_string && (s[i] == 'N' || s[i] == 'I'))
			return JSON_TEXT_NOT_NUMBER; /* no JSON token starts so */
		i++;
	}
	return JSON_TEXT_OK;
}
