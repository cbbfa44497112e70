// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The class store: rule bitmaps interned in an open-addressing hash table so
 * that every distinct bitmap is kept once and named by a dense class id.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compile_internal.h"

#define STORE_MIN_CAP 16

static uint64_t bm_hash(const uint64_t *bm, uint32_t nwords)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ nwords;

	for (uint32_t i = 0; i < nwords; i++) {
		h ^= bm[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 33;
	}
	return h;
}

/* Never zero-sized, so an empty policy (nwords 0) still gets real buffers. */
static size_t words_bytes(uint32_t classes, uint32_t nwords)
{
	size_t n = (size_t)classes * nwords;

	return (n ? n : 1) * sizeof(uint64_t);
}

int cls_store_init(struct cls_store *s, uint32_t nwords)
{
	memset(s, 0, sizeof(*s));
	s->nwords = nwords;
	s->cap = STORE_MIN_CAP;
	s->nslots = 2 * STORE_MIN_CAP;
	s->words = malloc(words_bytes(s->cap, nwords));
	s->hash = malloc(s->cap * sizeof(*s->hash));
	s->slots = calloc(s->nslots, sizeof(*s->slots));
	if (!s->words || !s->hash || !s->slots) {
		cls_store_release(s);
		return -ENOMEM;
	}
	return 0;
}

static int store_grow(struct cls_store *s)
{
	uint32_t cap = s->cap * 2, nslots = s->nslots * 2;
	uint64_t *words, *hash;
	uint32_t *slots;

	words = realloc(s->words, words_bytes(cap, s->nwords));
	if (!words)
		return -ENOMEM;
	s->words = words;
	hash = realloc(s->hash, cap * sizeof(*hash));
	if (!hash)
		return -ENOMEM;
	s->hash = hash;
	slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	for (uint32_t c = 0; c < s->n; c++) {
		uint32_t i = s->hash[c] & (nslots - 1);

		while (slots[i])
			i = (i + 1) & (nslots - 1);
		slots[i] = c + 1;
	}
	free(s->slots);
	s->slots = slots;
	s->nslots = nslots;
	s->cap = cap;
	return 0;
}

int cls_intern(struct cls_store *s, const uint64_t *bm, uint32_t *id)
{
	uint64_t h = bm_hash(bm, s->nwords);
	size_t bytes = (size_t)s->nwords * sizeof(*bm);
	uint32_t i = h & (s->nslots - 1);
	int err;

	for (; s->slots[i]; i = (i + 1) & (s->nslots - 1)) {
		uint32_t c = s->slots[i] - 1;

		if (s->hash[c] == h && !memcmp(s->words + (size_t)c * s->nwords, bm, bytes)) {
			*id = c;
			return 0;
		}
	}
	if (s->n == s->cap) {
		err = store_grow(s);
		if (err)
			return err;
		/* the table was rebuilt: find the free slot again */
		for (i = h & (s->nslots - 1); s->slots[i]; i = (i + 1) & (s->nslots - 1))
			;
	}
	bm_copy(s->words + (size_t)s->n * s->nwords, bm, s->nwords);
	s->hash[s->n] = h;
	s->slots[i] = s->n + 1;
	*id = s->n++;
	return 0;
}

uint64_t *cls_store_take_words(struct cls_store *s)
{
	uint64_t *words = realloc(s->words, words_bytes(s->n, s->nwords));

	if (!words)
		words = s->words; /* shrinking failed: keep the larger block */
	s->words = NULL;
	cls_store_release(s);
	return words;
}

void cls_store_release(struct cls_store *s)
{
	free(s->words);
	free(s->hash);
	free(s->slots);
	s->words = NULL;
	s->hash = NULL;
	s->slots = NULL;
}
