// SPDX-License-Identifier: GPL-2.0-or-later
/* daemon/maglev.c: balance, weights, minimal disruption, determinism. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maglev.h"

#define M      65537
#define NB_MAX 64

struct set {
	uint8_t keys[NB_MAX][4];
	struct maglev_backend b[NB_MAX];
	size_t n;
};

/* n backends 10.0.<i/256>.<i%256>, weight 1, usable. */
static void set_init(struct set *s, size_t n)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	for (size_t i = 0; i < n; i++) {
		s->keys[i][0] = 10;
		s->keys[i][2] = (uint8_t)(i >> 8);
		s->keys[i][3] = (uint8_t)(i + 1);
		s->b[i] = (struct maglev_backend){s->keys[i], 4, 1, true};
	}
}

static uint32_t *build(const struct set *s)
{
	uint32_t *t = malloc(M * sizeof(*t));

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(maglev_build(s->b, s->n, M, t), 0);
	return t;
}

static void count(const uint32_t *t, size_t n, uint32_t *cnt)
{
	memset(cnt, 0, n * sizeof(*cnt));
	for (uint32_t j = 0; j < M; j++) {
		ck_assert_uint_lt(t[j], n);
		cnt[t[j]]++;
	}
}

START_TEST(equal_weights_balance_within_1pct)
{
	static const size_t sizes[] = {2, 3, 5, 10, 33};

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct set s;
		uint32_t cnt[NB_MAX], *t;
		double ideal = (double)M / (double)sizes[k];

		set_init(&s, sizes[k]);
		t = build(&s);
		count(t, s.n, cnt);
		for (size_t i = 0; i < s.n; i++)
			ck_assert_msg(cnt[i] >= ideal * 0.99 && cnt[i] <= ideal * 1.01,
				      "%zu backends: backend %zu has %u entries, ideal %.1f", s.n,
				      i, cnt[i], ideal);
		free(t);
	}
}
END_TEST

START_TEST(weights_proportional)
{
	static const uint32_t w[] = {1, 2, 3, 4};
	struct set s;
	uint32_t cnt[NB_MAX], *t;

	set_init(&s, 4);
	for (size_t i = 0; i < 4; i++)
		s.b[i].weight = w[i];
	t = build(&s);
	count(t, s.n, cnt);
	for (size_t i = 0; i < 4; i++) {
		double ideal = (double)M * w[i] / 10.0;

		ck_assert_msg(cnt[i] >= ideal * 0.99 && cnt[i] <= ideal * 1.01,
			      "weight %u: %u entries, ideal %.1f", w[i], cnt[i], ideal);
	}
	free(t);
}
END_TEST

/* Taking backend `gone` out (unusable) moves only the entries it owned, and
 * they spread evenly over the others. Putting it back restores the table. */
START_TEST(leaving_backend_moves_only_its_entries)
{
	struct set s;
	uint32_t *before, *after, *back, cnt[NB_MAX];
	const size_t gone = 2;
	uint32_t moved = 0, owned = 0;

	set_init(&s, 5);
	before = build(&s);
	s.b[gone].usable = false;
	after = build(&s);
	for (uint32_t j = 0; j < M; j++) {
		if (before[j] == gone) {
			owned++;
			ck_assert_uint_ne(after[j], gone);
		} else {
			ck_assert_msg(after[j] == before[j], "entry %u moved from %u to %u", j,
				      before[j], after[j]);
		}
		moved += after[j] != before[j];
	}
	ck_assert_uint_eq(moved, owned);
	count(after, s.n, cnt);
	ck_assert_uint_eq(cnt[gone], 0);
	for (size_t i = 0; i < s.n; i++)
		if (i != gone)
			ck_assert_msg(cnt[i] >= M / 4.0 * 0.99 && cnt[i] <= M / 4.0 * 1.01,
				      "backend %zu: %u entries after one left", i, cnt[i]);
	s.b[gone].usable = true;
	back = build(&s);
	ck_assert_mem_eq(back, before, M * sizeof(*back));
	free(before);
	free(after);
	free(back);
}
END_TEST

/* Same backends, any order in the input array: each backend owns the same
 * entries (nodes of one fleet agree). */
START_TEST(deterministic)
{
	struct set a, b;
	uint32_t *ta, *ta2, *tb;

	set_init(&a, 7);
	set_init(&b, 7);
	ta = build(&a);
	ta2 = build(&a);
	ck_assert_mem_eq(ta, ta2, M * sizeof(*ta));
	/* the same backends listed in reverse order */
	for (size_t i = 0; i < 7; i++)
		b.b[i] = a.b[6 - i];
	tb = build(&b);
	for (uint32_t j = 0; j < M; j++)
		ck_assert_uint_eq(ta[j], 6 - tb[j]);
	free(ta);
	free(ta2);
	free(tb);
}
END_TEST

START_TEST(no_usable_backend)
{
	struct set s;
	uint32_t *t;

	set_init(&s, 3);
	for (size_t i = 0; i < 3; i++)
		s.b[i].usable = false;
	t = build(&s);
	for (uint32_t j = 0; j < M; j++)
		ck_assert_uint_eq(t[j], MAGLEV_EMPTY);
	ck_assert_int_eq(maglev_build(s.b, 0, M, t), 0);
	ck_assert_uint_eq(t[0], MAGLEV_EMPTY);
	ck_assert_int_eq(maglev_build(s.b, 3, 3, t), -EINVAL);
	free(t);
}
END_TEST

START_TEST(primes)
{
	ck_assert_uint_eq(maglev_prime_at_least(65536), 65537);
	ck_assert_uint_eq(maglev_prime_at_least(65537), 65537);
	ck_assert_uint_eq(maglev_prime_at_least(100), 101);
	ck_assert_uint_eq(maglev_prime_at_least(2), 2);
}
END_TEST

static Suite *maglev_suite(void)
{
	Suite *s = suite_create("maglev");
	TCase *t = tcase_create("table");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, equal_weights_balance_within_1pct);
	tcase_add_test(t, weights_proportional);
	tcase_add_test(t, leaving_backend_moves_only_its_entries);
	tcase_add_test(t, deterministic);
	tcase_add_test(t, no_usable_backend);
	tcase_add_test(t, primes);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(maglev_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
