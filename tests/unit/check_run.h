/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The main() of every unit test: run one Check suite, exit 1 if a test failed. */
#ifndef XDPD_CHECK_RUN_H
#define XDPD_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

/* Takes (and frees) the suite. */
static inline int check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
