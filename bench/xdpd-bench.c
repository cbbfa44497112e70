/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * xdpd-bench COMMAND ...: the C half of bench/run (see bench.h).
 *   policy N IFNAME [VARIANT]         the N-rule policy, to stdout
 *   blocklist BPFFS 4|6 FROM TO       add blocklist prefixes [FROM, TO)
 *   xdpfilter IFNAME N NBL            xdp-filter's maps = N rules or NBL prefixes
 *   progname IFNAME                   name and id of the XDP program on IFNAME
 *   rpc SOCKET METHOD [TIMEOUT_MS]    call METHOD, print the milliseconds it took
 *                                     (exit 3 on timeout, default 10 minutes)
 *   measure [options]                 time the programs, append rows to --out
 *   report MEAS OPS ENV [--quick]     print the table and the targets
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <net/if.h>
#include <unistd.h>

#include "bench.h"

static int parse_uint(const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 0xffffffffUL)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int cmd_policy(int argc, char **argv)
{
	unsigned int n, variant = 0;

	if (argc < 2 || parse_uint(argv[0], &n) || (argc > 2 && parse_uint(argv[2], &variant)))
		return 2;
	return gen_policy(stdout, n, argv[1], variant) ? 1 : 0;
}

static int cmd_blocklist(int argc, char **argv)
{
	unsigned int fam, from, to;

	if (argc != 4 || parse_uint(argv[1], &fam) || (fam != 4 && fam != 6) ||
	    parse_uint(argv[2], &from) || parse_uint(argv[3], &to) || from > to)
		return 2;
	return fill_blocklist(argv[0], (int)fam, from, to) ? 1 : 0;
}

static int cmd_xdpfilter(int argc, char **argv)
{
	unsigned int n, nbl;

	if (argc != 3 || parse_uint(argv[1], &n) || parse_uint(argv[2], &nbl))
		return 2;
	return fill_xdpfilter(argv[0], n, nbl) ? 1 : 0;
}

static int cmd_progname(int argc, char **argv)
{
	struct bpf_prog_info info = {};
	uint32_t id = 0, len = sizeof(info);
	int ifindex, fd;

	if (argc != 1)
		return 2;
	ifindex = (int)if_nametoindex(argv[0]);
	if (!ifindex || bpf_xdp_query_id(ifindex, 0, &id) || !id) {
		fprintf(stderr, "xdpd-bench: no XDP program on %s\n", argv[0]);
		return 1;
	}
	fd = bpf_prog_get_fd_by_id(id);
	if (fd < 0 || bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "xdpd-bench: program %u: %s\n", id, strerror(errno));
		return 1;
	}
	printf("%s %u\n", info.name, id);
	close(fd);
	return 0;
}

static int cmd_rpc(int argc, char **argv)
{
	unsigned int timeout_ms = 600000;
	char answer[4096] = "";
	double ms = 0;
	int err;

	if (argc < 2 || argc > 3 || (argc == 3 && parse_uint(argv[2], &timeout_ms)))
		return 2;
	err = bench_rpc(argv[0], argv[1], (int)timeout_ms, &ms, answer, sizeof(answer));
	if (err == -ETIMEDOUT)
		return 3;
	if (err) {
		fprintf(stderr, "xdpd-bench: %s on %s: %s %s\n", argv[1], argv[0], strerror(-err),
			answer);
		return 1;
	}
	printf("%.1f\n", ms);
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	int quick = argc == 4 && !strcmp(argv[3], "--quick");
	int short_of;

	if (argc != 3 && !quick)
		return 2;
	short_of = bench_report(argv[0], argv[1], argv[2], quick);
	return short_of < 0 ? 2 : short_of ? 1 : 0;
}

static void usage(FILE *f)
{
	fputs("usage: xdpd-bench policy N IFNAME [VARIANT]\n"
	      "       xdpd-bench blocklist BPFFS 4|6 FROM TO\n"
	      "       xdpd-bench xdpfilter IFNAME N NBL\n"
	      "       xdpd-bench progname IFNAME\n"
	      "       xdpd-bench rpc SOCKET METHOD [TIMEOUT_MS]\n"
	      "       xdpd-bench measure --ifname IF --floor OBJ --seed OBJ [--xdpd PIN]\n"
	      "                  [--xf IF] --section S --size N [--rules N] [--nbl N]\n"
	      "                  --probes P,P.. [--repeat R] [--rounds K] [--distinct M] --out F\n"
	      "                  [--park IF_FLOOR,IF_SEED] [--batch DRIVER_OBJ, with --distinct]\n"
	      "       xdpd-bench report MEAS OPS ENV [--quick]\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
	    {"policy", cmd_policy},	{"blocklist", cmd_blocklist}, {"xdpfilter", cmd_xdpfilter},
	    {"progname", cmd_progname}, {"measure", bench_measure},   {"report", cmd_report},
	    {"rpc", cmd_rpc},
	};
	int r;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		r = cmds[i].fn(argc - 2, argv + 2);
		if (r == 2)
			usage(stderr);
		return r;
	}
	usage(stderr);
	return 2;
}
