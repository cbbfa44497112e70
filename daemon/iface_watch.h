/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Interfaces of the policy that go away while xdpd runs. Deleting an
 * interface deletes its XDP link; an interface created again under the
 * same name is a new device (another ifindex) with no program. Once a
 * second, each policy interface whose link is gone is looked up by name:
 *  - gone: one warning (no XDP program runs for it until it returns);
 *  - back, under a new ifindex: the running policy is applied again (a new
 *    generation: the program's interface table is keyed by ifindex), once
 *    per ifindex, so a device the kernel refuses XDP on is not retried
 *    every second.
 * A poll, not rtnetlink events: a query of each pinned link per second,
 * and one if_nametoindex() per missing interface.
 */
#ifndef XDPD_IFACE_WATCH_H
#define XDPD_IFACE_WATCH_H

struct manager;
struct iface_watch;

/* 0 or -errno. */
int iface_watch_start(struct manager *m, struct iface_watch **out);
void iface_watch_free(struct iface_watch *w);

#endif /* XDPD_IFACE_WATCH_H */
