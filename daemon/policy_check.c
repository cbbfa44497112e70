/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Offline policy check: no root, no kernel, just the file. */
#include "policy.h"
#include "policy_check.h"

int policy_check_diags(const char *path, struct diag_list *d)
{
	struct policy *p = NULL;
	int r = policy_load_file(path, &p, d);

	policy_free(p);
	return r < 0 ? 1 : 0;
}

int policy_check_main(const char *path, FILE *out)
{
	struct diag_list d;
	int r;

	diag_init(&d, path);
	r = policy_check_diags(path, &d);
	if (r || diag_count(&d))
		diag_print(&d, out);
	else
		fprintf(out, "%s: ok\n", path);
	diag_free(&d);
	return r;
}
