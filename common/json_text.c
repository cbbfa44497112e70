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
			if (n - i > 5 && !memcmp(s + i + 1, "u0000", 5))
				return JSON_TEXT_NUL;
			i += 2; /* the escaped character is ASCII */
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
