/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Map contents the benchmark writes itself: a million blocklist prefixes go
 * straight into xdpd's pinned maps (the API would take minutes), and
 * xdp-filter's maps get the equivalent of a policy (its command line would
 * take one process per rule).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h"
#include "xdpd_abi.h"

#define CHUNK 65536
#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's, not in user-space errno.h */
#endif

static int update_many(int fd, const void *keys, const void *vals, uint32_t count)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint32_t n = count;

	if (!bpf_map_update_batch(fd, keys, vals, &n, &opts))
		return 0;
	if (errno != EINVAL && errno != ENOTSUPP && errno != EOPNOTSUPP)
		return -errno;
	return -ENOTSUPP;
}

/* The per-element fallback for kernels without batch updates of the map
 * type; sizes are the key and value sizes. */
static int update_each(int fd, const uint8_t *keys, size_t ksz, const uint8_t *vals, size_t vsz,
		       uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		if (bpf_map_update_elem(fd, keys + i * ksz, vals + i * vsz, BPF_ANY))
			return -errno;
	return 0;
}

static int write_block_chunk(int fd, int family, uint32_t from, uint32_t count,
			     struct xdpd_block_entry *vals, void *keys)
{
	size_t ksz = family == 4 ? sizeof(struct xdpd_lpm4) : sizeof(struct xdpd_lpm6);
	uint32_t i;
	int err;

	for (i = 0; i < count; i++) {
		if (family == 4) {
			struct xdpd_lpm4 *k = (struct xdpd_lpm4 *)keys + i;

			gen_block4(from + i, k->addr, &k->prefixlen);
		} else {
			struct xdpd_lpm6 *k = (struct xdpd_lpm6 *)keys + i;

			gen_block6(from + i, k->addr, &k->prefixlen);
		}
	}
	err = update_many(fd, keys, vals, count);
	if (err == -ENOTSUPP)
		err = update_each(fd, keys, ksz, (const uint8_t *)vals, sizeof(*vals), count);
	return err;
}

int fill_blocklist(const char *bpffs, int family, uint32_t from, uint32_t to)
{
	struct xdpd_block_entry *vals = calloc(CHUNK, sizeof(*vals));
	void *keys = calloc(CHUNK, sizeof(struct xdpd_lpm6));
	struct timespec ts;
	char path[4096];
	uint32_t i;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/maps/blocklist%d", bpffs, family);
	fd = bpf_obj_get(path);
	if (fd < 0 || !vals || !keys) {
		err = fd < 0 ? -errno : -ENOMEM;
		goto out;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	for (i = 0; i < CHUNK; i++) {
		vals[i].added_realtime_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
		snprintf(vals[i].comment, sizeof(vals[i].comment), "xdpd-bench");
	}
	for (i = from; i < to && !err; i += CHUNK)
		err = write_block_chunk(fd, family, i, to - i < CHUNK ? to - i : CHUNK, vals, keys);
	if (!err) /* the datapath searches the index, not these records (xh13) */
		err = fill_blocklist_index(bpffs, family, from, to);
out:
	if (err)
		fprintf(stderr, "xdpd-bench: blocklist %s: %s\n", path, strerror(-err));
	if (fd >= 0)
		close(fd);
	free(vals);
	free(keys);
	return err;
}
