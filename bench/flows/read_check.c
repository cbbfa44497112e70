// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * read_check ONE_READ_OBJ: the table-size curve reads the table it says
 * (read_curve.c): one_read.bpf.o loaded with 16 entries indexes them by the
 * source's /24 modulo 16, so a frame whose entry is set is dropped and its
 * neighbour's is not. Needs root (BPF); exits 77 without it.
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

/* The program's array of 16-byte entries (its other map is .rodata). */
static int table_fd(int prog_fd)
{
	__u32 ids[4] = {0};
	struct bpf_prog_info info = {.nr_map_ids = 4, .map_ids = (__u64)(unsigned long)ids};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	for (__u32 i = 0; i < info.nr_map_ids && i < 4; i++) {
		struct bpf_map_info mi = {0};
		__u32 mlen = sizeof(mi);
		int fd = bpf_map_get_fd_by_id(ids[i]);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &mi, &mlen) && mi.value_size == 16)
			return fd;
		if (fd >= 0)
			close(fd);
	}
	return -ENOENT;
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
	map = fd < 0 ? fd : table_fd(fd);
	if (map < 0 || bpf_map_update_elem(map, &key, entry, BPF_ANY)) {
		fprintf(stderr, "read_check: load: %s\n", strerror(map < 0 ? -map : errno));
		return 1;
	}
	hit = run(fd, "10.0.5.1");
	miss = run(fd, "10.0.6.1");
	printf("entry 5 set: 10.0.5.1 -> %d (want %d), 10.0.6.1 -> %d (want %d)\n", hit,
	       XDP_DROP, miss, XDP_PASS);
	return hit == XDP_DROP && miss == XDP_PASS ? 0 : 1;
}
