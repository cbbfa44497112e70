/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The sampling ring buffer of a new generation (bpf/sample.h): sized from
 * the policy's sampling.ring_buffer. The ring is a stateful map, pinned and
 * reused like the others, but a ring's size is fixed at creation: when the
 * policy asks for another size, the old pin is removed before the load so
 * that the load creates (and pins) a ring of the new size. The generation
 * that runs keeps its own ring until it is swapped out, and the daemon
 * drains it before following the new one (monitor.c). Should the load fail
 * after that, the running generation keeps its ring, unpinned (the daemon
 * still reads it through its own fd, a restart finds it through the
 * program), and the next successful load pins a ring of the new size.
 */
#ifndef XDPD_SAMPLE_MAPS_H
#define XDPD_SAMPLE_MAPS_H

#include <stddef.h>
#include <stdint.h>

struct xdpd;

/* Between open (pin paths set) and load. 0 or -errno with err. */
int sample_ring_prepare(struct xdpd *skel, uint64_t ring_bytes, char *err, size_t errlen);

#endif /* XDPD_SAMPLE_MAPS_H */
