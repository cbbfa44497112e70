/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Pieces of a packet's description that monitor and trace print alike. */
#ifndef XDPCTL_PACKET_TEXT_H
#define XDPCTL_PACKET_TEXT_H

#include <json-c/json.h>
#include <stdio.h>

/* "192.168.1.1:53", "[2001:db8::1]:53" (RFC 5952, as trace reads it), or
 * the address alone when the object has neither port key (port_key2 may be
 * NULL). */
void put_endpoint(FILE *f, struct json_object *o, const char *addr_key, const char *port_key,
		  const char *port_key2);

/* Why, in words, when no rule or balancer names it: "default_action",
 * "blocklist", "tiny first fragment", ...; NULL for a rule or balancer. */
const char *verdict_reason_text(const char *reason);

#endif /* XDPCTL_PACKET_TEXT_H */
