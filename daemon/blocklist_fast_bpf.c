// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The blocklist index's store on the real maps (bpf/blocklist.h): the arrays
 * mmapped (BPF_F_MMAPABLE), so painting a /8 is memory writes and not
 * 65,536 syscalls; the hash maps through bpf(2).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "blocklist_fast.h"
#include "blocklist_fast_bpf.h"

enum { A_TOP4, A_TOP6, A_HOME6, A_REC, A_SLOTKEY, A_COUNT, A_NONE4, A_NONE6, A_GEN, NARRAYS };

static const char *const array_names[NARRAYS] = {"bl4_top",  "bl6_top",  "bl6_home",
						 "bl_rec",   "bl_slotkey", "bl_count",
						 "bl4_none", "bl6_none", "bl_gen"};
static const char *const hash_names[BLF_NHMAPS] = {"bl4_long", "bl6_long", "bl6_mid"};

/* Expected value size x entries of each array (the layout of this build). */
static const size_t array_bytes[NARRAYS] = {
    sizeof(struct blf_top4) << BLF_T4_BITS, sizeof(uint32_t) << BLF_T6_BITS,
    sizeof(struct blf_home6) << BLF_H6_BITS,
    sizeof(struct blf_rec) * BLF_SLOTS, sizeof(struct blf_slotkey) * BLF_SLOTS,
    sizeof(struct blf_counts), (1u << BLF_T4_BITS) / 8, (1u << BLF_H6_BITS) / 8,
    sizeof(struct blf_gen),
};

struct blf_bpf {
	int hfd[BLF_NHMAPS];
	int afd[NARRAYS];
	void *mem[NARRAYS];
	size_t len[NARRAYS];
	uint64_t gen; /* bl_gen's stand-in under a program older than it */
};

static int bpf_get(void *ctx, enum blf_hmap m, const void *key, void *val)
{
	return bpf_map_lookup_elem(((struct blf_bpf *)ctx)->hfd[m], key, val);
}

static int bpf_put(void *ctx, enum blf_hmap m, const void *key, const void *val)
{
	return bpf_map_update_elem(((struct blf_bpf *)ctx)->hfd[m], key, val, BPF_ANY);
}

static int bpf_del(void *ctx, enum blf_hmap m, const void *key)
{
	return bpf_map_delete_elem(((struct blf_bpf *)ctx)->hfd[m], key);
}

static const struct blf_hash_ops bpf_ops = {.get = bpf_get, .put = bpf_put, .del = bpf_del};

static int map_array(struct blf_bpf *b, int i)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	long page = sysconf(_SC_PAGESIZE);

	if (bpf_obj_get_info_by_fd(b->afd[i], &info, &len) < 0)
		return -errno;
	/* a map of another layout (an older xdpd's pins) is not written to */
	if ((size_t)info.value_size * info.max_entries != array_bytes[i] ||
	    !(info.map_flags & BPF_F_MMAPABLE))
		return -EPROTO;
	b->len[i] = (array_bytes[i] + (size_t)page - 1) / (size_t)page * (size_t)page;
	b->mem[i] = mmap(NULL, b->len[i], PROT_READ | PROT_WRITE, MAP_SHARED, b->afd[i], 0);
	if (b->mem[i] == MAP_FAILED) {
		b->mem[i] = NULL;
		return -errno;
	}
	return 0;
}

int blf_bpf_store(blf_map_fd_fn map_fd, void *ctx, struct blf_store *st)
{
	struct blf_bpf *b = calloc(1, sizeof(*b));
	int r = 0;

	memset(st, 0, sizeof(*st));
	if (!b)
		return -ENOMEM;
	for (int i = 0; i < NARRAYS; i++)
		b->afd[i] = -1;
	for (int i = 0; i < BLF_NHMAPS; i++)
		b->hfd[i] = -1;
	st->ops = &bpf_ops;
	st->ctx = b;
	for (int i = 0; i < BLF_NHMAPS && r == 0; i++) {
		int fd = map_fd(ctx, hash_names[i]);

		r = fd < 0 ? fd : (b->hfd[i] = dup(fd)) < 0 ? -errno : 0;
	}
	for (int i = 0; i < NARRAYS && r == 0; i++) {
		int fd = map_fd(ctx, array_names[i]);

		/* Only pins an older xdpd left with no program of this build
		 * (bench tools) lack bl_gen: the daemon adopts a program only
		 * when it is its own object, which creates it. With no memo
		 * to invalidate, a stand-in counter does. */
		if (fd < 0 && i == A_GEN)
			continue;
		r = fd < 0 ? fd : (b->afd[i] = dup(fd)) < 0 ? -errno : map_array(b, i);
	}
	if (r < 0) {
		blf_bpf_store_free(st);
		return r;
	}
	st->top4 = b->mem[A_TOP4];
	st->top6 = b->mem[A_TOP6];
	st->home6 = b->mem[A_HOME6];
	st->rec = b->mem[A_REC];
	st->slotkey = b->mem[A_SLOTKEY];
	st->count = b->mem[A_COUNT];
	st->none4 = b->mem[A_NONE4];
	st->none6 = b->mem[A_NONE6];
	st->gen = b->mem[A_GEN] ? b->mem[A_GEN] : &b->gen;
	return 0;
}

void blf_bpf_store_free(struct blf_store *st)
{
	struct blf_bpf *b = st->ctx;

	if (!b)
		return;
	for (int i = 0; i < NARRAYS; i++) {
		if (b->mem[i])
			munmap(b->mem[i], b->len[i]);
		if (b->afd[i] >= 0)
			close(b->afd[i]);
	}
	for (int i = 0; i < BLF_NHMAPS; i++)
		if (b->hfd[i] >= 0)
			close(b->hfd[i]);
	free(b);
	memset(st, 0, sizeof(*st));
}

static void release_bpf(struct blf_store *st)
{
	blf_bpf_store_free(st);
}

int blf_open_bpf(blf_map_fd_fn map_fd, void *ctx, struct blf **out)
{
	struct blf_store st;
	int r = blf_bpf_store(map_fd, ctx, &st);

	if (r < 0)
		return r;
	st.release = release_bpf;
	r = blf_new(&st, out);
	if (r < 0)
		blf_bpf_store_free(&st);
	return r;
}
