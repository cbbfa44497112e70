/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Tracing one packet through the live program (the `trace` method): the
 * frame built from a trace spec runs through the running generation's
 * program with BPF_PROG_TEST_RUN, behind a struct xdpd_trace_meta carrying
 * the daemon's trace cookie, so that the program changes no state and
 * writes its decision back (bpf/trace.h). The frame comes back as the
 * program left it: a balanced packet shows its rewritten headers.
 */
#ifndef XDPD_DAEMON_TRACE_H
#define XDPD_DAEMON_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

#include "../bpf/xdpd_abi.h"
#include "tracespec.h"

struct trace_run {
	struct xdpd_trace_meta meta; /* the program's decision (meta.done) */
	uint32_t retval;	     /* what the program returned */
	uint8_t in[TRACE_LEN_MAX], out[TRACE_LEN_MAX];
	size_t in_len, out_len;
};

/* 0 or -errno (err filled). */
int trace_run(int prog_fd, uint64_t cookie, int ifindex, struct trace_run *t, char *err,
	      size_t errlen);

/* The headers of an Ethernet frame as JSON: eth_src, eth_dst, vlan[], src,
 * dst, protocol, src_port/dst_port (TCP/UDP), icmp_type. NULL when the
 * frame is not IP. */
json_object *trace_headers_json(const uint8_t *f, size_t len);

#endif /* XDPD_DAEMON_TRACE_H */
