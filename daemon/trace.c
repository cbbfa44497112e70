// SPDX-License-Identifier: GPL-2.0-or-later
/* One frame through the live program in trace mode (trace.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "netparse.h"
#include "policy_names.h"
#include "trace.h"

#define META_LEN sizeof(struct xdpd_trace_meta)

_Static_assert(sizeof(struct xdpd_trace_meta) == 32, "XDP metadata is at most 32 bytes");

int trace_run(int prog_fd, uint64_t cookie, int ifindex, struct trace_run *t, char *err,
	      size_t errlen)
{
	uint8_t in[META_LEN + TRACE_LEN_MAX], out[META_LEN + TRACE_LEN_MAX + 256];
	struct xdpd_trace_meta meta = {.cookie = cookie};
	struct xdp_md ctx = {
	    .data = META_LEN,
	    .data_end = (uint32_t)(META_LEN + t->in_len),
	    .ingress_ifindex = (uint32_t)ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in,
		    .data_size_in = (uint32_t)(META_LEN + t->in_len), .data_out = out,
		    .data_size_out = sizeof(out), .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = 1);

	memcpy(in, &meta, META_LEN);
	memcpy(in + META_LEN, t->in, t->in_len);
	if (bpf_prog_test_run_opts(prog_fd, &o) < 0) {
		int r = -errno;

		snprintf(err, errlen, "running the program (BPF_PROG_TEST_RUN): %s",
			 strerror(errno));
		return r;
	}
	t->retval = o.retval;
	if (o.data_size_out < META_LEN) {
		snprintf(err, errlen, "the program returned a %u-byte frame", o.data_size_out);
		return -EPROTO;
	}
	memcpy(&t->meta, out, META_LEN);
	t->out_len = o.data_size_out - META_LEN;
	if (t->out_len > sizeof(t->out))
		t->out_len = sizeof(t->out);
	memcpy(t->out, out + META_LEN, t->out_len);
	return 0;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void add_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/* Ethernet and VLAN tags; returns the L3 offset, *ethertype. */
static size_t put_l2(json_object *o, const uint8_t *f, size_t len, uint16_t *ethertype)
{
	json_object *vlans = NULL;
	char mac[18];
	size_t off = 12;

	format_mac(f + 6, mac);
	add_str(o, "eth_src", mac);
	format_mac(f, mac);
	add_str(o, "eth_dst", mac);
	*ethertype = get16(f + 12);
	while ((*ethertype == 0x8100 || *ethertype == 0x88a8) && off + 6 <= len) {
		if (!vlans)
			vlans = json_object_new_array();
		json_object_array_add(vlans, json_object_new_int(get16(f + off + 2) & 0xfff));
		off += 4;
		*ethertype = get16(f + off);
	}
	if (vlans)
		json_object_object_add(o, "vlan", vlans);
	return off + 2;
}

static void put_l4(json_object *o, int proto, const uint8_t *l4, size_t left)
{
	const char *name = proto_name(proto);

	if (name)
		add_str(o, "protocol", name);
	else
		json_object_object_add(o, "protocol", json_object_new_int(proto));
	if ((proto == IPPROTO_TCP || proto == IPPROTO_UDP) && left >= 4) {
		json_object_object_add(o, "src_port", json_object_new_int(get16(l4)));
		json_object_object_add(o, "dst_port", json_object_new_int(get16(l4 + 2)));
	} else if ((proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6) && left >= 1) {
		const char *t = icmp_type_name(proto, l4[0]);

		if (t)
			add_str(o, "icmp_type", t);
		else
			json_object_object_add(o, "icmp_type", json_object_new_int(l4[0]));
	}
}

json_object *trace_headers_json(const uint8_t *f, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	uint16_t et;
	json_object *o;
	size_t off;

	if (len < 14)
		return NULL;
	o = json_object_new_object();
	off = put_l2(o, f, len, &et);
	if (et == 0x0800 && off + 20 <= len) {
		size_t ihl = (size_t)(f[off] & 15) * 4;

		add_str(o, "src", inet_ntop(AF_INET, f + off + 12, a, sizeof(a)));
		add_str(o, "dst", inet_ntop(AF_INET, f + off + 16, a, sizeof(a)));
		if (ihl >= 20 && off + ihl <= len)
			put_l4(o, f[off + 9], f + off + ihl, len - off - ihl);
	} else if (et == 0x86dd && off + 40 <= len) {
		add_str(o, "src", inet_ntop(AF_INET6, f + off + 8, a, sizeof(a)));
		add_str(o, "dst", inet_ntop(AF_INET6, f + off + 24, a, sizeof(a)));
		put_l4(o, f[off + 6], f + off + 40, len - off - 40);
	}
	return o;
}
