// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * daemon/blocklist_index.c: the blocklist's key index and expiry heap,
 * against a plain array model under random churn (insert, re-insert with a
 * new expiry, delete, expire), and at 100,000 entries.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blocklist_index.h"

/* Check records every passing ck_assert (a write per call): in the hot loops
 * below only a failure goes through it. */
#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond))                                                                       \
			ck_abort_msg("%s:%d: %s", __FILE__, __LINE__, #cond);                      \
	} while (0)

static struct bl_key key_of(uint32_t i)
{
	struct bl_key k = {.prefixlen = 32};

	memcpy(k.addr, &i, sizeof(i));
	return k;
}

/* The model: expiry + 1 per key id (0: absent). */
#define NKEYS 2000
static uint64_t model[NKEYS];

static size_t model_count(void)
{
	size_t n = 0;

	for (size_t i = 0; i < NKEYS; i++)
		n += model[i] != 0;
	return n;
}

static void check_against_model(const struct bl_index *x)
{
	EXPECT(x->n == model_count());
	for (uint32_t i = 0; i < NKEYS; i++) {
		struct bl_key k = key_of(i);
		const struct bl_item *it = bl_index_find(x, i & 1, &k);

		if (!model[i]) {
			EXPECT(!(it));
			continue;
		}
		EXPECT(it);
		EXPECT(it->expires_ns == model[i] - 1);
		EXPECT(it->map == (i & 1));
	}
}

START_TEST(random_churn_matches_model)
{
	struct bl_index x;
	uint64_t now = 1000;

	bl_index_init(&x);
	memset(model, 0, sizeof(model));
	srand(7);
	for (int step = 0; step < 200000; step++) {
		uint32_t i = (uint32_t)rand() % NKEYS;
		struct bl_key k = key_of(i);
		int op = rand() % 10;

		if (op < 5) { /* insert or move the expiry; a third never expire */
			uint64_t exp = rand() % 3 ? now + 1 + (uint64_t)(rand() % 500) : 0;

			EXPECT(bl_index_put(&x, i & 1, &k, exp) == 0);
			model[i] = exp + 1;
		} else if (op < 8) {
			EXPECT(bl_index_del(&x, i & 1, &k) == (model[i] ? 0 : -ENOENT));
			model[i] = 0;
		} else { /* time passes: exactly the expired entries come out */
			struct bl_heap_item it;

			now += (uint64_t)(rand() % 50);
			while (bl_index_pop_expired(&x, now, &it)) {
				uint32_t id;

				memcpy(&id, it.key.addr, sizeof(id));
				EXPECT(model[id] - 1 == it.expires_ns);
				EXPECT(it.expires_ns <= now);
				EXPECT(it.expires_ns != 0);
				EXPECT(bl_index_del(&x, it.map, &it.key) == 0);
				model[id] = 0;
			}
			for (uint32_t j = 0; j < NKEYS; j++) /* nothing expired is left */
				EXPECT(!(model[j] > 1 && model[j] - 1 <= now));
		}
		if (step % 10000 == 0)
			check_against_model(&x);
	}
	check_against_model(&x);
	/* stale heap items never outgrow the live ones by much */
	EXPECT(x.nheap <= 2 * x.n + 1024 + 1);
	bl_index_free(&x);
}
END_TEST

START_TEST(hundred_thousand_and_clear)
{
	struct bl_index x;
	struct bl_heap_item it;
	size_t popped = 0;

	bl_index_init(&x);
	for (uint32_t i = 0; i < 100000; i++) {
		struct bl_key k = key_of(i);

		EXPECT(bl_index_put(&x, 0, &k, 100000 - i) == 0);
	}
	EXPECT(x.n == 100000);
	EXPECT(bl_index_next_expiry(&x) == 1);
	/* in expiry order, and only what is due */
	for (uint64_t last = 0; bl_index_pop_expired(&x, 50000, &it); popped++) {
		EXPECT(it.expires_ns >= last);
		last = it.expires_ns;
		EXPECT(bl_index_del(&x, 0, &it.key) == 0);
	}
	EXPECT(popped == 50000);
	EXPECT(x.n == 50000);
	bl_index_clear(&x);
	EXPECT(x.n == 0);
	EXPECT(bl_index_next_expiry(&x) == 0);
	for (uint32_t i = 0; i < 100000; i++) {
		struct bl_key k = key_of(i);

		EXPECT(!(bl_index_find(&x, 0, &k)));
	}
	bl_index_free(&x);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("blocklist_index");
	TCase *tc = tcase_create("index");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, random_churn_matches_model);
	tcase_add_test(tc, hundred_thousand_and_clear);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
