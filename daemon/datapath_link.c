// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Per-interface XDP attachment through bpf_links pinned at <bpffs>/links/<ifname>.
 * A pinned link outlives the daemon; bpf_link_update() swaps the program
 * under it atomically, so every packet runs wholly in one generation.
 */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath_internal.h"

static uint32_t prog_id_of(int prog_fd)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (prog_fd < 0 || bpf_obj_get_info_by_fd(prog_fd, &info, &len) < 0)
		return 0;
	return info.id;
}

/* The name of another program, for messages ("?" when it cannot be read). */
static void prog_name_of_id(uint32_t id, char *name, size_t len)
{
	struct bpf_prog_info info = {};
	uint32_t ilen = sizeof(info);
	int fd = id ? bpf_prog_get_fd_by_id(id) : -1;

	if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &info, &ilen) == 0 && info.name[0])
		snprintf(name, len, "%s", info.name);
	if (fd >= 0)
		close(fd);
}

static enum xdp_mode attached_mode(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q) < 0)
		return XDP_MODE_AUTO;
	switch (q.attach_mode) {
	case XDP_ATTACHED_DRV:
		return XDP_MODE_NATIVE;
	case XDP_ATTACHED_SKB:
		return XDP_MODE_GENERIC;
	case XDP_ATTACHED_HW:
		return XDP_MODE_OFFLOAD;
	default:
		return XDP_MODE_AUTO;
	}
}

/* Fills ifindex and prog_id from the kernel; ifindex 0: the interface went
 * away (or was detached) and the link is dead. */
static void link_refresh(struct dp_link *l)
{
	struct bpf_link_info info = {};
	uint32_t len = sizeof(info);

	l->ifindex = 0;
	l->prog_id = 0;
	if (bpf_obj_get_info_by_fd(l->fd, &info, &len) < 0 || info.type != BPF_LINK_TYPE_XDP)
		return;
	l->ifindex = (int)info.xdp.ifindex;
	l->prog_id = info.prog_id;
	l->mode = l->ifindex ? attached_mode(l->ifindex) : XDP_MODE_AUTO;
}

static int links_push(struct datapath *dp, const struct dp_link *l)
{
	struct dp_link *v = realloc(dp->links, (dp->n_links + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	dp->links = v;
	dp->links[dp->n_links++] = *l;
	return 0;
}

int dp_links_open(struct datapath *dp, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r = 0;

	dp_path(dir, sizeof(dir), dp->dir, "links", NULL);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)) && r == 0) {
		struct dp_link l = {.want = XDP_MODE_AUTO};

		if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(l.name))
			continue;
		dp_path(path, sizeof(path), dp->dir, "links", de->d_name);
		l.fd = bpf_obj_get(path);
		if (l.fd < 0) {
			r = -errno;
			snprintf(err, errlen, "pinned link %s: %s", path, strerror(errno));
			break;
		}
		snprintf(l.name, sizeof(l.name), "%s", de->d_name);
		link_refresh(&l);
		r = links_push(dp, &l);
		if (r < 0)
			close(l.fd);
	}
	closedir(d);
	return r;
}

void dp_links_close(struct datapath *dp)
{
	for (size_t i = 0; i < dp->n_links; i++)
		close(dp->links[i].fd);
	free(dp->links);
	dp->links = NULL;
	dp->n_links = 0;
}

/* Whether the device of ifindex is still called name here: a link follows
 * its device through a rename and into another network namespace (then
 * ifindex names nothing here, or another device). */
static bool still_named(int ifindex, const char *name, char *now, size_t len)
{
	char buf[IF_NAMESIZE] = "";

	if (!if_indextoname((unsigned)ifindex, buf))
		buf[0] = '\0';
	snprintf(now, len, "%s", buf);
	return !strcmp(buf, name);
}

static struct dp_link *link_find(struct datapath *dp, const char *name)
{
	for (size_t i = 0; i < dp->n_links; i++)
		if (!strcmp(dp->links[i].name, name))
			return &dp->links[i];
	return NULL;
}

static bool mode_ok(enum xdp_mode want, enum xdp_mode have)
{
	if (want == XDP_MODE_AUTO)
		return have == XDP_MODE_NATIVE || have == XDP_MODE_GENERIC;
	return want == have;
}

bool dp_links_match(const struct datapath *dp, const struct policy *p)
{
	uint32_t prog_id = prog_id_of(dp->prog_fd);

	if (!prog_id || dp->n_links != p->n_ifaces)
		return false;
	for (size_t i = 0; i < p->n_ifaces; i++) {
		const struct dp_link *l = link_find((struct datapath *)dp, p->ifaces[i].name);
		int ifindex = (int)if_nametoindex(p->ifaces[i].name);

		if (!l || !ifindex || l->ifindex != ifindex || l->prog_id != prog_id ||
		    !mode_ok(p->ifaces[i].mode, l->mode))
			return false;
	}
	return true;
}

/* The id of the XDP bpf_link that attaches prog_id to ifindex, 0 when the
 * program was attached through netlink. Links of every namespace are
 * listed, so the program must match as well as the ifindex. */
static uint32_t xdp_link_holding(int ifindex, uint32_t prog_id)
{
	uint32_t id = 0;

	while (prog_id && bpf_link_get_next_id(id, &id) == 0) {
		struct bpf_link_info info = {};
		uint32_t len = sizeof(info);
		int fd = bpf_link_get_fd_by_id(id);
		bool hit;

		if (fd < 0)
			continue;
		hit = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
		      info.type == BPF_LINK_TYPE_XDP && (int)info.xdp.ifindex == ifindex &&
		      info.prog_id == prog_id;
		close(fd);
		if (hit)
			return id;
	}
	return 0;
}

/* Another program holds the interface: name it, and say how to remove it.
 * A bpf_link cannot be removed with ip link ("Can't replace active BPF XDP
 * link"): it goes with its pin and its last fd, or with a link detach. */
static void say_holder(const struct dp_link *l, char *err, size_t errlen)
{
	uint32_t prog_id = 0, link_id;
	char name[BPF_OBJ_NAME_LEN] = "?";
	enum xdp_mode m = attached_mode(l->ifindex);

	bpf_xdp_query_id(l->ifindex, 0, &prog_id);
	prog_name_of_id(prog_id, name, sizeof(name));
	link_id = xdp_link_holding(l->ifindex, prog_id);
	if (link_id) {
		snprintf(err, errlen,
			 "interface %s: cannot attach XDP: the XDP bpf_link id %u (program '%s', "
			 "id %u), not pinned in this bpffs directory, holds the interface; if "
			 "another xdpd made it, stop that xdpd and run 'xdpd --teardown --bpffs "
			 "DIR' with its directory, else detach it with 'bpftool link detach id %u'",
			 l->name, link_id, name, prog_id, link_id);
		return;
	}
	snprintf(err, errlen,
		 "interface %s: cannot attach XDP: program '%s' (id %u), not attached "
		 "through this bpffs directory, holds the interface; detach it first "
		 "(ip link set dev %s %s off)",
		 l->name, name, prog_id, l->name,
		 m == XDP_MODE_GENERIC	 ? "xdpgeneric"
		 : m == XDP_MODE_OFFLOAD ? "xdpoffload"
					 : "xdpdrv");
}

/* Create (not pin) a link in the policy's mode; auto tries native first. */
static int link_create(struct dp_link *l, int prog_fd, enum xdp_mode want, char *err, size_t errlen)
{
	static const struct {
		enum xdp_mode mode;
		uint32_t flags;
	} modes[] = {
	    {XDP_MODE_NATIVE, XDP_FLAGS_DRV_MODE},
	    {XDP_MODE_GENERIC, XDP_FLAGS_SKB_MODE},
	    {XDP_MODE_OFFLOAD, XDP_FLAGS_HW_MODE},
	};
	int r = -EINVAL;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		LIBBPF_OPTS(bpf_link_create_opts, o, .flags = modes[i].flags);

		if (want != modes[i].mode &&
		    !(want == XDP_MODE_AUTO && modes[i].mode != XDP_MODE_OFFLOAD))
			continue;
		l->fd = bpf_link_create(prog_fd, l->ifindex, BPF_XDP, &o);
		if (l->fd >= 0) {
			l->mode = modes[i].mode;
			l->want = want;
			l->prog_id = prog_id_of(prog_fd);
			return 0;
		}
		r = -errno;
		/* another program holds the interface: no other mode will do */
		if (r == -EBUSY || r == -EEXIST)
			break;
	}
	if (r == -EBUSY || r == -EEXIST)
		say_holder(l, err, errlen);
	else
		snprintf(err, errlen, "interface %s: cannot attach XDP in %s mode: %s", l->name,
			 xdp_mode_name(want), strerror(-r));
	return r;
}

/* LINK_KEEP: an interface absent now, in a datapath_reapply(): its link,
 * dead or none, stays as it is. */
enum link_op { LINK_UPDATE, LINK_CREATE, LINK_REATTACH, LINK_KEEP };

struct link_plan {
	enum link_op op;
	struct dp_link *old; /* in dp->links; NULL for LINK_CREATE */
	struct dp_link new;
	bool done;
};

/* Generic because the policy said so, and now auto: native is tried again
 * (auto keeps generic only when native failed, or on a link adopted from
 * an earlier daemon, whose reason is not known). */
static bool leaves_forced_generic(enum xdp_mode want, const struct dp_link *old)
{
	return want == XDP_MODE_AUTO && old->want == XDP_MODE_GENERIC &&
	       old->mode == XDP_MODE_GENERIC;
}

static int plan_links(struct datapath *dp, const struct policy *p, struct link_plan *plan,
		      char *err, size_t errlen)
{
	for (size_t i = 0; i < p->n_ifaces; i++) {
		const struct policy_iface *pi = &p->ifaces[i];
		struct link_plan *lp = &plan[i];
		struct dp_link *old = link_find(dp, pi->name);

		lp->new = (struct dp_link){.want = pi->mode, .fd = -1};
		snprintf(lp->new.name, sizeof(lp->new.name), "%s", pi->name);
		lp->new.ifindex = (int)if_nametoindex(pi->name);
		if (!lp->new.ifindex && dp->present_only) {
			lp->old = old;
			lp->op = LINK_KEEP;
			continue;
		}
		if (!lp->new.ifindex) {
			snprintf(err, errlen, "interface %s: not found", pi->name);
			return -ENODEV;
		}
		/* a link on another ifindex is dead: the interface was recreated */
		if (old && old->ifindex == lp->new.ifindex) {
			lp->old = old;
			lp->op = mode_ok(pi->mode, old->mode) && !leaves_forced_generic(pi->mode, old)
					 ? LINK_UPDATE
					 : LINK_REATTACH;
		} else {
			lp->op = LINK_CREATE;
		}
	}
	return 0;
}

static void unwind(struct link_plan *plan, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct link_plan *lp = &plan[i];

		if (lp->op == LINK_CREATE && lp->new.fd >= 0) {
			/* never pinned: closing the last fd detaches it */
			close(lp->new.fd);
			lp->new.fd = -1;
		} else if (lp->op == LINK_UPDATE && lp->done) {
			int old_prog = bpf_prog_get_fd_by_id(lp->old->prog_id);

			if (old_prog >= 0) {
				bpf_link_update(lp->old->fd, old_prog, NULL);
				close(old_prog);
			}
		}
	}
}

static int link_pin(const struct datapath *dp, const struct dp_link *l, char *err, size_t errlen)
{
	char path[PATH_MAX];

	dp_path(path, sizeof(path), dp->dir, "links", l->name);
	unlink(path); /* a dead link of a recreated interface, or the detached one */
	if (bpf_obj_pin(l->fd, path) < 0) {
		int r = -errno;

		snprintf(err, errlen, "interface %s: cannot pin its link at %.300s: %s", l->name, path,
			 strerror(errno));
		return r;
	}
	return 0;
}

/* A link detached for a mode change takes the old program back, in its old
 * mode when the new mode failed; dp keeps describing what runs. */
static void reattach_undo(struct datapath *dp, struct link_plan *lp, int old_prog)
{
	char ignored[256];
	struct dp_link restore = lp->new;

	if (lp->new.fd < 0 || bpf_link_update(lp->new.fd, old_prog, NULL) < 0) {
		if (lp->new.fd >= 0)
			close(lp->new.fd);
		if (link_create(&restore, old_prog, lp->old->mode, ignored, sizeof(ignored)) < 0)
			restore.fd = -1;
	}
	lp->new.fd = -1;
	close(lp->old->fd);
	lp->old->fd = restore.fd;
	lp->old->mode = restore.mode;
	if (restore.fd >= 0)
		link_pin(dp, lp->old, ignored, sizeof(ignored));
}

static int do_reattach(struct link_plan *lp, int prog_fd, char *err, size_t errlen)
{
	int r;

	if (bpf_link_detach(lp->old->fd) < 0) {
		r = -errno;
		snprintf(err, errlen, "interface %s: cannot detach for the mode change: %s",
			 lp->new.name, strerror(errno));
		return r;
	}
	r = link_create(&lp->new, prog_fd, lp->new.want, err, errlen);
	lp->done = true; /* detached: the undo must re-attach even on failure */
	return r;
}

static int swap_phase(struct datapath *dp, struct link_plan *plan, size_t n, enum link_op op,
		      int prog_fd, char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		struct link_plan *lp = &plan[i];
		int r = 0;

		if (lp->op != op)
			continue;
		if (op == LINK_CREATE) {
			r = link_create(&lp->new, prog_fd, lp->new.want, err, errlen);
		} else if (op == LINK_UPDATE) {
			if (bpf_link_update(lp->old->fd, prog_fd, NULL) < 0) {
				r = -errno;
				snprintf(err, errlen, "interface %s: bpf_link_update failed: %s",
					 lp->new.name, strerror(errno));
			}
			lp->done = r == 0;
		} else {
			r = do_reattach(lp, prog_fd, err, errlen);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static void swap_undo(struct datapath *dp, struct link_plan *plan, size_t n)
{
	unwind(plan, n);
	for (size_t i = 0; i < n; i++) {
		int old_prog;

		if (plan[i].op != LINK_REATTACH || !plan[i].done)
			continue;
		old_prog = bpf_prog_get_fd_by_id(plan[i].old->prog_id);
		reattach_undo(dp, &plan[i], old_prog);
		if (old_prog >= 0)
			close(old_prog);
	}
}

static bool in_plan(const struct link_plan *plan, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(plan[i].new.name, name))
			return true;
	return false;
}

/* After the swap: pin new links, detach the interfaces the policy dropped,
 * and make dp->links (links: n entries, allocated before the swap) the plan.
 * Nothing here can undo the swap: problems go to warn. */
static void swap_commit(struct datapath *dp, struct link_plan *plan, size_t n,
			struct dp_link *links, char *warn, size_t warnlen)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		struct link_plan *lp = &plan[i];

		if (lp->op == LINK_UPDATE || (lp->op == LINK_KEEP && lp->old)) {
			lp->new.fd = lp->old->fd;
			lp->new.mode = lp->old->mode;
			lp->old->fd = -1;
		} else if (lp->op == LINK_KEEP) {
			lp->new.fd = -1; /* never attached: nothing pinned */
		} else if (link_pin(dp, &lp->new, path, sizeof(path)) < 0 && !warn[0]) {
			snprintf(warn, warnlen, "%s (the daemon holds the link meanwhile)", path);
		}
		link_refresh(&lp->new);
		links[i] = lp->new;
	}
	for (size_t i = 0; i < dp->n_links; i++) {
		struct dp_link *l = &dp->links[i];

		if (l->fd < 0)
			continue;
		/* Dead, or replaced by a new link whose pin took its place: closing
		 * is enough. Gone from the policy: detach and unpin. */
		if (!in_plan(plan, n, l->name)) {
			if (bpf_link_detach(l->fd) < 0 && !warn[0])
				snprintf(warn, warnlen, "interface %s: cannot detach: %s", l->name,
					 strerror(errno));
			dp_path(path, sizeof(path), dp->dir, "links", l->name);
			unlink(path);
		}
		close(l->fd);
	}
	free(dp->links);
	dp->links = links;
	dp->n_links = n;
}

/* Links pinned here whose device now has another name (renamed, or two
 * swapped while no daemon ran): the policy names interfaces, so such a link
 * is detached before the swap, which then attaches each name's device. */
static void release_misplaced(struct datapath *dp, char *warn, size_t warnlen)
{
	for (size_t i = 0; i < dp->n_links; i++) {
		struct dp_link *l = &dp->links[i];
		char now[IF_NAMESIZE];

		link_refresh(l);
		if (!l->ifindex || still_named(l->ifindex, l->name, now, sizeof(now)))
			continue;
		if (bpf_link_detach(l->fd) < 0 && !warn[0])
			snprintf(warn, warnlen, "interface %s: cannot detach its link from %s: %s",
				 l->name, now[0] ? now : "another namespace", strerror(errno));
		link_refresh(l);
	}
}

int dp_links_swap(struct datapath *dp, const struct policy *p, int prog_fd, char *err,
		  size_t errlen, char *warn, size_t warnlen)
{
	size_t n = p->n_ifaces;
	struct link_plan *plan = calloc(n ? n : 1, sizeof(*plan));
	struct dp_link *links = calloc(n ? n : 1, sizeof(*links));
	int r = plan && links ? 0 : -ENOMEM;

	if (r < 0)
		snprintf(err, errlen, "interfaces: %s", strerror(-r));
	if (r == 0)
		r = plan_links(dp, p, plan, err, errlen);
	/* after the plan: a start or reload refused for a missing interface
	 * touches no link */
	if (r == 0)
		release_misplaced(dp, warn, warnlen);
	if (r == 0)
		r = swap_phase(dp, plan, n, LINK_CREATE, prog_fd, err, errlen);
	if (r == 0)
		r = swap_phase(dp, plan, n, LINK_UPDATE, prog_fd, err, errlen);
	if (r == 0)
		r = swap_phase(dp, plan, n, LINK_REATTACH, prog_fd, err, errlen);
	if (r < 0) {
		if (plan)
			swap_undo(dp, plan, n);
		free(links);
	} else {
		swap_commit(dp, plan, n, links, warn, warnlen);
	}
	free(plan);
	return r;
}

int dp_links_detach_all(struct datapath *dp, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int r = 0;

	for (size_t i = 0; i < dp->n_links; i++) {
		struct dp_link *l = &dp->links[i];

		if (bpf_link_detach(l->fd) < 0 && errno != ENOLINK && errno != EINVAL && !r) {
			r = -errno;
			snprintf(err, errlen, "interface %s: cannot detach: %s", l->name,
				 strerror(errno));
		}
		dp_path(path, sizeof(path), dp->dir, "links", l->name);
		unlink(path);
	}
	dp_links_close(dp);
	return r;
}

size_t datapath_ifaces(const struct datapath *dp, struct dp_iface_status *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < dp->n_links && n < max; i++, n++) {
		/* asked of the kernel now: the interface may have gone since */
		struct dp_link l = dp->links[i];
		struct dp_iface_status *st = &out[n];

		link_refresh(&l);
		*st = (struct dp_iface_status){
		    .ifindex = l.ifindex,
		    .mode = l.ifindex ? l.mode : dp->links[i].mode,
		    .prog_id = l.prog_id,
		};
		snprintf(st->name, sizeof(st->name), "%s", l.name);
		st->elsewhere = l.ifindex && !still_named(l.ifindex, l.name, st->now_name,
							  sizeof(st->now_name));
		st->attached = l.ifindex != 0 && l.prog_id != 0 && !st->elsewhere;
	}
	return n;
}

int datapath_detach_iface(struct datapath *dp, const char *name)
{
	struct dp_link *l = link_find(dp, name);

	int r = 0;

	if (!l)
		return -ENOENT;
	if (bpf_link_detach(l->fd) < 0 && errno != ENOLINK && errno != EINVAL)
		r = -errno;
	/* as the kernel has it now: a defunct link matches no device, so the
	 * policy applied again for this name attaches anew */
	link_refresh(l);
	return r;
}
