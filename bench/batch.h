/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Distinct flows back to back: the batch driver (progs/batch_driver.bpf.c)
 * replays a set of stored frames through a program under test inside one
 * BPF_PROG_TEST_RUN call, one tail call per frame. Where one call per frame
 * (bench_time_distinct, flows' time_pass) shows a packet that follows a
 * system call, this shows the steady state of a flood of new flows: the
 * program's own working set competes only with itself, as behind a NIC.
 */
#ifndef XDPD_BENCH_BATCH_H
#define XDPD_BENCH_BATCH_H

#include <stddef.h>
#include <stdint.h>

struct batch;

/* Loads the driver from obj with room for max frames. 0 or -errno. */
int batch_open(const char *obj, size_t max, struct batch **out);
void batch_close(struct batch *b);

/* Frame i of the set (len bytes at data); n: frames in the set, i < n.
 * 0, or -EINVAL for a frame the driver cannot hold, or -errno. */
int batch_set_frame(struct batch *b, size_t i, const uint8_t *data, uint32_t len);
int batch_set_count(struct batch *b, size_t n);

/* One pass over the set through prog_fd, as if received on ifindex: the
 * kernel's run time per packet, driver included (the floor's pass shows
 * it). cold: the CPU caches are flushed first. ns, or -errno. */
double batch_time(struct batch *b, int prog_fd, int ifindex, int cold);

#endif /* XDPD_BENCH_BATCH_H */
