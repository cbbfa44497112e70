/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What json-c's strict parser lets through and a JSON-RPC peer must not
 * send (RFC 8259, JSON-RPC 2.0), checked on the text of a line json-c
 * accepted: bytes that are not UTF-8 (overlong forms, surrogates, above
 * U+10FFFF) or escapes of half a surrogate pair (which json-c reads as
 * U+FFFD), the tokens NaN and Infinity (not JSON), and NUL inside a
 * string, which every C string a handler reads would cut short (a prefix
 * "10.0.0.6\u0000junk" read as 10.0.0.6, a method "ping\u0000x" as ping).
 */
#ifndef XDPD_JSON_TEXT_H
#define XDPD_JSON_TEXT_H

#include <stddef.h>

enum json_text_fault {
	JSON_TEXT_OK,
	JSON_TEXT_BAD_UTF8,
	JSON_TEXT_NOT_NUMBER, /* NaN, Infinity, -Infinity */
	JSON_TEXT_NUL,	      /* \u0000 in a string */
	JSON_TEXT_LONE_SURROGATE, /* \ud800 without \udc00.. after it, or the reverse */
};

/* The first fault of the n bytes at s, and its byte offset in *at. The
 * text must otherwise be well-formed JSON (strings closed). */
enum json_text_fault json_text_check(const char *s, size_t n, size_t *at);

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0. */
size_t json_utf8_seq(const unsigned char *s, size_t n);

#endif /* XDPD_JSON_TEXT_H */
