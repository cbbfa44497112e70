// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What one random read costs on this machine, by the size of the table it
 * reads (flows.h): one_read.bpf.c loaded with arrays from the size of
 * IPv6's known-empty bits (128 KiB) to that of the IPv4 /24 table (256
 * MiB), timed against the floor on the same flows, in the same run as the
 * lookups. A target below the
 * cost of one read of a table that could hold the index is out of reach
 * of any structure; the curve says where that line is here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include <bpf/libbpf.h>

#include "flows.h"
#include "prog_load.h"

struct table_size {
	unsigned bits; /* log2 of the 16-byte entries */
	const char *as_big_as;
};

static const struct table_size sizes[] = {
    {13, "bl6_none, the known-empty bit of every bl6_home line"},
    {14, "bl6_top, the IPv6 /16 table"},
    {16, "cls_port, the port classes of a large policy"},
    {17, "bl4_none, the known-empty bit of every IPv4 /24"},
    {20, "a 16-byte record for each of a million prefixes"},
    {22, "bl6_home, the IPv6 /32 lines"},
    {24, "bl4_top, the IPv4 /24 table"},
};

/* max_entries and the index mask of one_read.bpf.c, before its load. */
static int size_setup(struct bpf_object *obj, void *arg)
{
	unsigned bits = *(const unsigned *)arg;
	struct bpf_map *table = bpf_object__find_map_by_name(obj, "one_read_table"), *m;
	struct bpf_map *rodata = NULL;
	__u32 mask = (1u << bits) - 1;
	int e;

	if (!table)
		return -ENOENT;
	bpf_object__for_each_map(m, obj)
		if (bpf_map__is_internal(m) && strstr(bpf_map__name(m), ".rodata"))
			rodata = m;
	if (!rodata) /* one_read_mask is its only constant: the sizes must agree */
		return -ENOENT;
	e = bpf_map__set_initial_value(rodata, &mask, sizeof(mask));
	return e ? e : bpf_map__set_max_entries(table, 1u << bits);
}

int one_read_load(const char *obj, unsigned bits)
{
	return bench_load_obj_with(obj, size_setup, &bits);
}

int one_read_table_fd(int prog_fd)
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

int one_read_fill_half(int prog_fd)
{
	int fd = one_read_table_fd(prog_fd);
	struct bpf_map_info mi = {0};
	__u32 mlen = sizeof(mi);
	uint64_t *w, st = 0x5eedULL;
	size_t size;

	if (fd < 0)
		return fd;
	if (bpf_obj_get_info_by_fd(fd, &mi, &mlen)) {
		close(fd);
		return -errno;
	}
	size = (size_t)mi.max_entries * 16;
	w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (w == MAP_FAILED)
		return -errno;
	for (size_t i = 0; i < mi.max_entries; i++)
		w[2 * i] = flows_rand(&st) & 1;
	munmap(w, size);
	return 0;
}

static void print_size(const struct table_size *t, int half, const struct contender *c)
{
	unsigned kib = (1u << t->bits) * 16 >> 10;

	if (kib < 1024)
		printf("| %u KiB", kib);
	else
		printf("| %u MiB", kib >> 10);
	printf(" | %s | %s |", t->as_big_as,
	       half ? "half set at random: the read decides" : "all zero: always the same");
	for (int m = 0; m < NMODES; m++)
		printf(" %.0f / %.0f |", c[1].cold[m].ns - c[0].cold[m].ns,
		       c[1].warm[m].ns - c[0].warm[m].ns);
	printf("\n");
}

int read_curve(const char *obj, const char *park, int floor_fd, int ifindex,
	       const struct frames *f, struct batch *b, int rounds)
{
	int e = 0;

	printf("\n## One random read per packet, by table size\n\n"
	       "What this machine's memory costs: one 8-byte read per packet from a BPF array "
	       "of 16-byte entries (bench/flows/one_read.bpf.c) at an index taken from the "
	       "source, on the same %zu IPv4 flows, as excess ns over the floor (best of %d "
	       "interleaved rounds). With the table all zero, every verdict is the same: the "
	       "CPU predicts it and starts the next packet while the read is out. With half "
	       "the entries set at random, the read decides the verdict, as a blocklist's "
	       "lookup does, and a packet waits for its read. Any lookup that reads a table "
	       "of that size once per packet to decide pays at least the second. One call "
	       "per packet, the system call between two packets evicts much of the CPU's "
	       "caches: there even a table of a few hundred KiB costs tens of ns a read, "
	       "where back to back it stays in cache.\n\n"
	       "| array | as big as | entries | one call per packet (cold / warm) | back to "
	       "back (cold / warm) |\n|---|---|---|---|---|\n",
	       f->n, rounds);
	for (size_t i = 0; i < 2 * sizeof(sizes) / sizeof(sizes[0]) && !e; i++) {
		const struct table_size *t = &sizes[i / 2];
		struct contender c[2] = {{.name = "floor", .fd = floor_fd}, {.name = "one read"}};
		int half = i % 2;

		c[1].fd = one_read_load(obj, t->bits);
		if (c[1].fd < 0)
			return c[1].fd;
		e = half ? one_read_fill_half(c[1].fd) : 0;
		/* on the one-read bound's interface (the third one parked) */
		if (!e)
			e = bench_park_all(park, (int[]){-1, -1, c[1].fd}, 3);
		if (!e)
			e = flows_rounds(c, 2, ifindex, f, b, rounds);
		if (!e)
			print_size(t, half, c);
		close(c[1].fd);
	}
	fflush(stdout);
	return e;
}
