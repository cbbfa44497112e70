// SPDX-License-Identifier: GPL-2.0-or-later
/* reload {dry_run?}: re-read the policy file, apply it (or only compare it),
 * and report what changed. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "api_methods.h"
#include "manager.h"
#include "policy_diff.h"

/* error.data of a refused policy: {"diagnostics": ["FILE:LINE:COL: msg", ...]} */
static json_object *diag_json(const struct diag_list *d)
{
	json_object *o = json_object_new_object();
	json_object *a = json_object_new_array();
	char *text = diag_to_string(d), *save = NULL;

	for (char *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save))
		json_object_array_add(a, json_object_new_string(l));
	free(text);
	json_object_object_add(o, "diagnostics", a);
	return o;
}

/* The policy could not be read or is invalid (vs. the kernel refused it). */
static bool policy_problem(int r)
{
	return r == -EINVAL || r == -ENOENT || r == -EACCES || r == -EISDIR || r == -EFBIG ||
	       r == -ENOTDIR;
}

static json_object *diff_json(const struct policy *old, const struct policy *new, size_t *n,
			      int *err)
{
	struct policy_diff d = {0};
	json_object *a = json_object_new_array();

	*err = policy_diff(old, new, &d);
	for (size_t i = 0; i < d.n; i++) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "kind",
				       json_object_new_string(diff_kind_name(d.v[i].kind)));
		json_object_object_add(o, "name", json_object_new_string(d.v[i].name));
		json_object_object_add(o, "change",
				       json_object_new_string(diff_change_name(d.v[i].change)));
		json_object_array_add(a, o);
	}
	*n = d.n;
	policy_diff_free(&d);
	return a;
}

int api_reload(struct api_call *c)
{
	struct manager *m = c->m;
	bool dry_run = api_param_bool(c, "dry_run", false);
	struct policy *other = NULL;
	const struct policy *old, *new;
	struct diag_list d;
	json_object *diff;
	size_t n;
	int r, err;

	diag_init(&d, m->opts.config_path);
	r = manager_reload(m, dry_run, &other, &d);
	if (r < 0) {
		api_fail(c, policy_problem(r) ? JSONRPC_INVALID_POLICY : JSONRPC_INTERNAL_ERROR,
			 "reload: %s: %s; the running policy is kept", m->opts.config_path,
			 policy_problem(r) ? "invalid policy" : strerror(-r));
		c->data = diag_json(&d);
		diag_free(&d);
		return c->code;
	}
	diag_free(&d);
	old = dry_run ? m->policy : other;
	new = dry_run ? other : m->policy;
	diff = diff_json(old, new, &n, &err);
	c->result = json_object_new_object();
	json_object_object_add(
	    c->result, "changed",
	    json_object_new_boolean(dry_run ? memcmp(old->sha256, new->sha256, 32) != 0
					    : m->last_reload_changed));
	json_object_object_add(c->result, "dry_run", json_object_new_boolean(dry_run));
	json_object_object_add(c->result, "generation",
			       json_object_new_uint64(manager_generation(m)));
	json_object_object_add(c->result, "diff", diff);
	policy_free(other);
	return err;
}
