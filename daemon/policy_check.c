/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Offline policy check: no root, no kernel, just the file. */
#include "policy.h"
#include "policy_check.h"

int policy_check_main(const char *path, FILE *out)
{
	struct diag_list d;
	struct policy *p = NULL;
	int r;

	diag_init(&d, path);
	r = policy_load_file(path, &p, &d);
	if (r < 0 || diag_count(&d))
		diag_print(&d, out);
	else
		fprintf(out, "%s: ok\n", path);
	diag_free(&d);
	policy_free(p);
	return r < 0 ? 1 : 0;
}
