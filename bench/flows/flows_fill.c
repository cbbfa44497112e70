// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Filling both contenders with the same prefixes: xdpd's lookup index
 * through the daemon's own index code (daemon/blocklist_fast.c) on the
 * pinned maps, and the plain LPM tries of lpm_src.bpf.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "blf_pinned.h"
#include "flows.h"

int fill_index(struct blf *f, int family, uint64_t seed, uint32_t from, uint32_t to)
{
	struct prefix p;

	for (uint32_t i = from; i < to; i++) {
		int r;

		flows_prefix(family, seed, i, &p);
		r = blf_add(f, &p, 0);
		if (r < 0)
			return r;
	}
	return 0;
}

int lpm_load(const char *obj, uint32_t max, int *prog_fd, int *fd4, int *fd6)
{
	struct bpf_object *o = bpf_object__open_file(obj, NULL);
	struct bpf_program *prog;
	int r = libbpf_get_error(o);

	if (r)
		return r;
	bpf_map__set_max_entries(bpf_object__find_map_by_name(o, "lpm4"), max);
	bpf_map__set_max_entries(bpf_object__find_map_by_name(o, "lpm6"), max);
	r = bpf_object__load(o);
	prog = bpf_object__next_program(o, NULL);
	if (r == 0 && prog) {
		/* duplicates outlive the object */
		*prog_fd = fcntl(bpf_program__fd(prog), F_DUPFD_CLOEXEC, 0);
		*fd4 =
		    fcntl(bpf_map__fd(bpf_object__find_map_by_name(o, "lpm4")), F_DUPFD_CLOEXEC, 0);
		*fd6 =
		    fcntl(bpf_map__fd(bpf_object__find_map_by_name(o, "lpm6")), F_DUPFD_CLOEXEC, 0);
		if (*prog_fd < 0 || *fd4 < 0 || *fd6 < 0)
			r = -errno;
	} else if (r == 0) {
		r = -ENOENT;
	}
	bpf_object__close(o);
	return r;
}

#define CHUNK 65536

int fill_lpm(int fd, int family, uint64_t seed, uint32_t from, uint32_t to)
{
	size_t ksz = 4 + (family == 4 ? 4 : 16);
	uint8_t *keys = calloc(CHUNK, ksz);
	uint64_t *vals = calloc(CHUNK, sizeof(*vals));
	struct prefix p;
	int r = 0;

	if (!keys || !vals)
		r = -ENOMEM;
	for (uint32_t i = from; i < to && !r; i += CHUNK) {
		uint32_t n = to - i < CHUNK ? to - i : CHUNK;
		LIBBPF_OPTS(bpf_map_batch_opts, opts);

		for (uint32_t j = 0; j < n; j++) {
			uint32_t len;

			flows_prefix(family, seed, i + j, &p);
			len = p.len;
			memcpy(keys + j * ksz, &len, 4);
			memcpy(keys + j * ksz + 4, p.addr, ksz - 4);
		}
		uint32_t done = n;

		if (bpf_map_update_batch(fd, keys, vals, &done, &opts) == 0)
			continue;
		for (uint32_t j = 0; j < n && !r; j++) /* no batch for tries: one by one */
			if (bpf_map_update_elem(fd, keys + j * ksz, vals + j, BPF_ANY))
				r = -errno;
	}
	free(keys);
	free(vals);
	return r;
}
