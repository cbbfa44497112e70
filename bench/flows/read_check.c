// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * read_check ONE_READ_OBJ: the table-size curve reads the table it says
 * (read_curve.c): one_read.bpf.o loaded with 16 entries indexes them by the
 * source's /24 modulo 16, so a frame whose entry is set is dropped and its
 * neighbour's is not; and filled "half set at random", a table of 1,024
 * entries holds between 40% and 60% set ones. Needs root (BPF); exits 77
 * without it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <netinet/in.h>

#include <bpf/bpf.h>

#include "flows.h"
#include "frames.h"

static int run(int prog_fd, const char *src)
{
	struct frame_spec s = {.src = src, .dst = "192.0.2.1", .proto = IPPROTO_UDP,
			       .sport = 1000, .dport = 2000};
	uint8_t frame[FRAME_MAX];
	int len = frame_build(&s, frame, sizeof(frame));
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = (uint32_t)len);

	if (len < 0)
		return len;
	return bpf_prog_test_run_opts(prog_fd, &o) ? -errno : (int)o.retval;
}

/* one_read_fill_half sets about half of 1,024 entries. */
static int half_is_half(const char *obj)
{
	int fd = one_read_load(obj, 10), map = fd < 0 ? fd : one_read_table_fd(fd), set = 0;
	int e = map < 0 ? map : one_read_fill_half(fd);

	if (e) {
		fprintf(stderr, "read_check: fill: %s\n", strerror(-e));
		return 0;
	}
	for (__u32 k = 0; k < 1024; k++) {
		__u64 v[2] = {0};

		if (bpf_map_lookup_elem(map, &k, v))
			return 0;
		set += v[0] != 0;
	}
	printf("half set: %d of 1024 entries (want 410-614)\n", set);
	close(map);
	close(fd);
	return set >= 410 && set <= 614;
}

int main(int argc, char **argv)
{
	__u64 entry[2] = {1, 0};
	__u32 key = 5; /* 10.0.5.0/24 is 0x0a0005: entry 5 of 16 */
	int fd, map, hit, miss;

	if (argc != 2) {
		fprintf(stderr, "usage: read_check ONE_READ_OBJ\n");
		return 2;
	}
	if (geteuid()) {
		printf("SKIP: needs root\n");
		return 77;
	}
	fd = one_read_load(argv[1], 4);
	map = fd < 0 ? fd : one_read_table_fd(fd);
	if (map < 0 || bpf_map_update_elem(map, &key, entry, BPF_ANY)) {
		fprintf(stderr, "read_check: load: %s\n", strerror(map < 0 ? -map : errno));
		return 1;
	}
	hit = run(fd, "10.0.5.1");
	miss = run(fd, "10.0.6.1");
	printf("entry 5 set: 10.0.5.1 -> %d (want %d), 10.0.6.1 -> %d (want %d)\n", hit,
	       XDP_DROP, miss, XDP_PASS);
	return hit == XDP_DROP && miss == XDP_PASS && half_is_half(argv[1]) ? 0 : 1;
}
