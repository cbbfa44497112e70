// SPDX-License-Identifier: GPL-2.0-or-later
/* See packet_text.h. */
#include <string.h>

#include "jfield.h"
#include "packet_text.h"

void put_endpoint(FILE *f, struct json_object *o, const char *addr_key, const char *port_key,
		  const char *port_key2)
{
	const char *a = jstr(o, addr_key, "?");
	const char *pk = jhas(o, port_key)		  ? port_key
			 : port_key2 && jhas(o, port_key2) ? port_key2
							   : NULL;

	/* without the brackets an IPv6 address and its port read as one
	 * longer address */
	if (!pk)
		fputs(a, f);
	else if (strchr(a, ':'))
		fprintf(f, "[%s]:%llu", a, (unsigned long long)ju64(o, pk));
	else
		fprintf(f, "%s:%llu", a, (unsigned long long)ju64(o, pk));
}

const char *verdict_reason_text(const char *reason)
{
	if (!reason || !strcmp(reason, "rule") || !strcmp(reason, "balancer"))
		return NULL;
	if (!strcmp(reason, "default"))
		return "default_action";
	if (!strcmp(reason, "unparsed"))
		return "not parsed";
	if (!strcmp(reason, "interface"))
		return "interface not in the policy";
	if (!strcmp(reason, "fragment"))
		return "tiny first fragment";
	return reason;
}
