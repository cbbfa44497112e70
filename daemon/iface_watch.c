// SPDX-License-Identifier: GPL-2.0-or-later
/* Re-attach policy interfaces that were deleted and created again: see
 * iface_watch.h. */
#include <errno.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>

#include "datapath.h"
#include "iface_watch.h"
#include "log.h"
#include "manager.h"
#include "manager_internal.h"

#define WATCH_INTERVAL_USEC 1000000

struct watched {
	char name[XDPD_IFNAME_MAX];
	bool warned_gone;
	unsigned tried_ifindex; /* the ifindex last re-attached to, 0: none */
};

struct iface_watch {
	struct manager *m;
	sd_event_source *timer;
	struct watched w[XDPD_MAX_IFACES];
	size_t n;
};

static struct watched *watched_for(struct iface_watch *iw, const char *name)
{
	for (size_t i = 0; i < iw->n; i++)
		if (!strcmp(iw->w[i].name, name))
			return &iw->w[i];
	if (iw->n == XDPD_MAX_IFACES)
		return NULL;
	iw->w[iw->n] = (struct watched){0};
	snprintf(iw->w[iw->n].name, sizeof(iw->w[iw->n].name), "%.*s", XDPD_IFNAME_MAX - 1, name);
	return &iw->w[iw->n++];
}

/* One link that is not attached: true when the policy should be applied
 * again for it. */
static bool check_missing(struct watched *w)
{
	unsigned ifindex = if_nametoindex(w->name);

	if (!ifindex) {
		if (!w->warned_gone)
			log_warning("interface %s is gone: no XDP program runs for it until it "
				    "comes back (it is then attached again)",
				    w->name);
		w->warned_gone = true;
		w->tried_ifindex = 0;
		return false;
	}
	if (ifindex == w->tried_ifindex)
		return false;
	log_notice("interface %s is back (ifindex %u): applying the running policy again",
		   w->name, ifindex);
	w->warned_gone = false;
	w->tried_ifindex = ifindex;
	return true;
}

/* The policy names interfaces: a device renamed, or moved to another
 * network namespace, is no longer the policy's. Its link (which followed it)
 * is detached, so the name is then watched as for a deleted device. */
static void let_go(struct iface_watch *iw, const struct dp_iface_status *st)
{
	int r = datapath_detach_iface(iw->m->dp, st->name);

	if (st->now_name[0])
		log_warning("interface %s (ifindex %d) was renamed to %s: its XDP program is "
			    "detached; %s is attached again when a device of that name exists",
			    st->name, st->ifindex, st->now_name, st->name);
	else
		log_warning("interface %s (ifindex %d) left this network namespace: its XDP "
			    "program is detached; %s is attached again when a device of that "
			    "name exists",
			    st->name, st->ifindex, st->name);
	if (r < 0)
		log_error("interface %s: cannot detach its XDP program: %s", st->name,
			  strerror(-r));
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct iface_watch *iw = userdata;
	struct dp_iface_status st[XDPD_MAX_IFACES];
	size_t n = datapath_ifaces(iw->m->dp, st, XDPD_MAX_IFACES);
	bool reattach = false;

	for (size_t i = 0; i < n; i++) {
		struct watched *w = watched_for(iw, st[i].name);

		if (!w)
			continue;
		if (st[i].elsewhere) {
			let_go(iw, &st[i]);
			continue; /* seen as gone at the next tick */
		}
		if (st[i].attached) {
			w->warned_gone = false;
			w->tried_ifindex = 0;
			continue;
		}
		reattach |= check_missing(w);
	}
	if (reattach)
		manager_reattach(iw->m, "interface back");
	sd_event_source_set_time_relative(s, WATCH_INTERVAL_USEC);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

int iface_watch_start(struct manager *m, struct iface_watch **out)
{
	struct iface_watch *iw = calloc(1, sizeof(*iw));
	int r;

	*out = NULL;
	if (!iw)
		return -ENOMEM;
	iw->m = m;
	r = sd_event_add_time_relative(m->event, &iw->timer, CLOCK_MONOTONIC, WATCH_INTERVAL_USEC,
				       0, on_tick, iw);
	if (r < 0) {
		free(iw);
		return r;
	}
	*out = iw;
	return 0;
}

void iface_watch_free(struct iface_watch *iw)
{
	if (!iw)
		return;
	sd_event_source_disable_unref(iw->timer);
	free(iw);
}
