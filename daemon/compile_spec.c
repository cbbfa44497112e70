// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The inline words of the classes (struct xdpd_cls_spec): where a class's
 * row differs from the miss row of a field that yields it.
 *
 * Why: a new flow's search ANDs, for its candidate word, that word of each
 * field's class, and a class's row is stored whole in cls_words (nclasses x
 * nwords, 22 MB at 10,000 rules), so each of those reads is a cache miss.
 * Yet most rows are their field's miss row plus the words of the few rules
 * that name the class's value: the miss rows are few and read by every
 * packet, and the other words fit next to the class. A class yielded by
 * several fields lists the words where it differs from any of their miss
 * rows, so that an unlisted word equals the miss row of each.
 */
#include <errno.h>
#include <stdlib.h>

#include "compile_internal.h"

_Static_assert(sizeof(struct xdpd_cls_spec) == 32, "a cls_spec entry is half a cache line");

static int differs(const struct compiled_policy *c, uint8_t fields, uint32_t k, uint32_t w)
{
	uint32_t nw = c->config.nwords;
	uint64_t v = c->words[(size_t)k * nw + w];

	for (int f = 0; f < XDPD_NFIELDS; f++)
		if ((fields & (1u << f)) && c->words[(size_t)c->config.miss_class[f] * nw + w] != v)
			return 1;
	return 0;
}

static void spec_of(const struct compiled_policy *c, uint8_t fields, uint32_t k,
		    struct xdpd_cls_spec *s)
{
	uint32_t n = 0;

	for (int i = 0; i < XDPD_SPEC_WORDS; i++)
		s->w[i] = XDPD_SPEC_NONE;
	/* a class no lookup yields is never read: full keeps it exact anyway */
	s->full = !fields;
	for (uint32_t w = 0; w < c->config.nwords && !s->full; w++) {
		if (!differs(c, fields, k, w))
			continue;
		if (n == XDPD_SPEC_WORDS) {
			s->full = 1;
			break;
		}
		s->w[n] = (uint16_t)w;
		s->v[n++] = c->words[(size_t)k * c->config.nwords + w];
	}
}

int build_spec(struct compiled_policy *c)
{
	uint8_t *used = calloc(c->nclasses ? c->nclasses : 1, sizeof(*used));

	c->spec = calloc(c->nclasses ? c->nclasses : 1, sizeof(*c->spec));
	if (!used || !c->spec) {
		free(used);
		return -ENOMEM;
	}
	class_fields(c, used);
	for (uint32_t k = 0; k < c->nclasses; k++)
		spec_of(c, used[k], k, &c->spec[k]);
	free(used);
	return 0;
}
