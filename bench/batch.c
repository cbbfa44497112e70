// SPDX-License-Identifier: GPL-2.0-or-later
/* The batch driver's loader and timer (batch.h). */
#include <errno.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "batch.h"
#include "evict.h"
#include "progs/batch_abi.h"

struct batch {
	struct bpf_object *obj;
	int prog_fd, frames_fd, ctl_fd, target_fd;
	size_t max, n;
};

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *m = bpf_object__find_map_by_name(obj, name);

	return m ? bpf_map__fd(m) : -ENOENT;
}

int batch_open(const char *obj, size_t max, struct batch **out)
{
	struct batch *b = calloc(1, sizeof(*b));
	struct bpf_map *frames;
	int err;

	if (!b)
		return -ENOMEM;
	b->max = max;
	b->obj = bpf_object__open_file(obj, NULL);
	err = libbpf_get_error(b->obj);
	if (err) {
		b->obj = NULL;
		goto fail;
	}
	frames = bpf_object__find_map_by_name(b->obj, "batch_frames");
	err = frames ? bpf_map__set_max_entries(frames, (uint32_t)max) : -ENOENT;
	if (!err)
		err = bpf_object__load(b->obj);
	if (err)
		goto fail;
	b->prog_fd = bpf_program__fd(bpf_object__next_program(b->obj, NULL));
	b->frames_fd = map_fd(b->obj, "batch_frames");
	b->ctl_fd = map_fd(b->obj, "batch_ctl");
	b->target_fd = map_fd(b->obj, "batch_target");
	if (b->prog_fd < 0 || b->frames_fd < 0 || b->ctl_fd < 0 || b->target_fd < 0) {
		err = -ENOENT;
		goto fail;
	}
	*out = b;
	return 0;
fail:
	batch_close(b);
	return err < 0 ? err : -err;
}

void batch_close(struct batch *b)
{
	if (!b)
		return;
	bpf_object__close(b->obj);
	free(b);
}

int batch_set_frame(struct batch *b, size_t i, const uint8_t *data, uint32_t len)
{
	struct batch_frame f = {.len = len};
	uint32_t key = (uint32_t)i;

	if (i >= b->max || len < BATCH_FRAME_MIN || len > BATCH_FRAME_MAX)
		return -EINVAL;
	memcpy(f.data, data, len);
	return bpf_map_update_elem(b->frames_fd, &key, &f, BPF_ANY) ? -errno : 0;
}

int batch_set_count(struct batch *b, size_t n)
{
	if (!n || n > b->max)
		return -EINVAL;
	b->n = n;
	return 0;
}

double batch_time(struct batch *b, int prog_fd, int ifindex, int cold)
{
	static uint8_t pkt[BATCH_FRAME_MAX];
	struct xdp_md md = {.data_end = sizeof(pkt), .ingress_ifindex = (uint32_t)ifindex};
	struct batch_ctl ctl = {.next = 0, .n = (uint32_t)b->n, .len = sizeof(pkt)};
	uint32_t zero = 0;
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
		    .ctx_in = &md, .ctx_size_in = sizeof(md), .repeat = (uint32_t)b->n);

	if (!b->n)
		return -EINVAL;
	if (bpf_map_update_elem(b->target_fd, &zero, &prog_fd, BPF_ANY) ||
	    bpf_map_update_elem(b->ctl_fd, &zero, &ctl, BPF_ANY))
		return -errno;
	if (cold)
		bench_evict_caches();
	if (bpf_prog_test_run_opts(b->prog_fd, &o))
		return -errno;
	if (o.retval == XDP_ABORTED) /* the last frame did not reach the target */
		return -EPROTO;
	return (double)o.duration;
}
