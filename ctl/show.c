// SPDX-License-Identifier: GPL-2.0-or-later
/* The call-then-print step most commands share: see cmd.h. */
#include "client.h"
#include "cmd.h"
#include "output.h"

int show_result(struct ctl *c, const char *method, struct json_object *params, result_printer print)
{
	struct json_object *res = NULL;
	int r = rpc_call(c, method, params, &res);

	if (r)
		return r;
	if (c->json)
		out_json(c, res);
	else
		print(c, res);
	json_object_put(res);
	return XC_OK;
}
