// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * xdpd --teardown and on_stop: detach: detach xdpd's links, remove xdpd's
 * pins. Only what xdpd makes is touched (links/<ifname> holding an XDP
 * bpf_link, maps/<name> of a stateful map of its object, prog and prog_new
 * holding a program): a directory is shared with whatever else an operator
 * pinned there, and an unpinned map or link of another tool is gone for good.
 * Every link is opened before anything changes and detached before anything
 * is unpinned, so a failure leaves the pins for a second try.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpffs.h"
#include "datapath_internal.h"

enum pin_kind { PIN_OTHER, PIN_MAP, PIN_PROG, PIN_LINK };

/* One pin to remove: <dir>/<sub>/<name>, or <dir>/<name> when sub is NULL. */
struct td_pin {
	const char *sub;
	char name[256];
	int fd; /* links: open until detached; else -1 */
};

struct teardown {
	const char *dir;
	struct td_pin *pins; /* links first, as found; then programs and maps */
	size_t n, cap;
	size_t kept;	 /* pins left because xdpd did not make them */
	char *kept_list; /* their names, for the operator (may be NULL) */
	size_t kept_len;
	char *err; /* may be NULL */
	size_t errlen;
};

static void pin_path(char *buf, size_t len, const char *dir, const char *sub, const char *name)
{
	if (sub)
		dp_path(buf, len, dir, sub, name);
	else
		dp_path(buf, len, dir, name, NULL);
}

static int fail(struct teardown *t, int e, const char *what, const char *path)
{
	if (t->err)
		snprintf(t->err, t->errlen, "%s %s: %s", what, path, strerror(e));
	return -e;
}

/* What a pinned object is, told apart as bpftool does: by the anonymous
 * inode behind its fd. */
static enum pin_kind fd_kind(int fd)
{
	char proc[64], target[64];
	ssize_t n;

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, target, sizeof(target) - 1);
	if (n < 0)
		return PIN_OTHER;
	target[n] = '\0';
	if (!strcmp(target, "anon_inode:bpf-map"))
		return PIN_MAP;
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return PIN_PROG;
	if (!strcmp(target, "anon_inode:bpf-link"))
		return PIN_LINK;
	return PIN_OTHER;
}

static bool is_xdp_link(int fd)
{
	struct bpf_link_info info = {};
	uint32_t len = sizeof(info);

	return fd_kind(fd) == PIN_LINK && bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	       info.type == BPF_LINK_TYPE_XDP;
}

/* Opens the pin at path into *fd; 0, -ENOENT when there is none, -EISDIR
 * for a directory, else -errno. */
static int open_pin(const char *path, int *fd)
{
	struct stat st;

	*fd = -1;
	if (lstat(path, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	*fd = bpf_obj_get(path);
	return *fd < 0 ? -errno : 0;
}

static void keep(struct teardown *t, const char *sub, const char *name)
{
	size_t used = t->kept_list ? strlen(t->kept_list) : 0;

	t->kept++;
	if (t->kept_list && used + 1 < t->kept_len)
		snprintf(t->kept_list + used, t->kept_len - used, "%s%s%s%s", used ? " " : "",
			 sub ? sub : "", sub ? "/" : "", name);
}

static int push(struct teardown *t, const char *sub, const char *name, int fd)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct td_pin *v = realloc(t->pins, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		t->pins = v;
		t->cap = cap;
	}
	t->pins[t->n].sub = sub;
	snprintf(t->pins[t->n].name, sizeof(t->pins[0].name), "%s", name);
	t->pins[t->n++].fd = fd;
	return 0;
}

static bool is_links(const char *sub)
{
	return sub && !strcmp(sub, "links");
}

/* xdpd's: an XDP link under links/, a program at the top (prog, prog_new),
 * a stateful map of its object under maps/. */
static bool pin_is_ours(const char *sub, const char *name, int fd)
{
	if (!sub)
		return fd_kind(fd) == PIN_PROG;
	if (is_links(sub))
		return is_xdp_link(fd);
	return dp_map_is_stateful(name) && fd_kind(fd) == PIN_MAP;
}

/* One pin of sub: xdpd's (a link kept open to be detached), or another's
 * (left). A pin that cannot be opened fails the teardown. */
static int scan_one(struct teardown *t, const char *sub, const char *name)
{
	char path[PATH_MAX];
	int fd, r;

	pin_path(path, sizeof(path), t->dir, sub, name);
	r = open_pin(path, &fd);
	if (r == -ENOENT)
		return 0;
	if (r == -EISDIR) {
		keep(t, sub, name);
		return 0;
	}
	if (r < 0)
		return fail(t, -r, "cannot open pin", path);
	if (!pin_is_ours(sub, name, fd)) {
		close(fd);
		keep(t, sub, name);
		return 0;
	}
	if (!is_links(sub)) {
		close(fd);
		fd = -1;
	}
	r = push(t, sub, name, fd);
	if (r < 0 && fd >= 0)
		close(fd);
	return r < 0 ? fail(t, -r, "cannot list", path) : 0;
}

static int scan_dir(struct teardown *t, const char *sub)
{
	char path[PATH_MAX];
	struct dirent *de;
	int r = 0;
	DIR *d;

	dp_path(path, sizeof(path), t->dir, sub, NULL);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : fail(t, errno, "cannot read directory", path);
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			r = scan_one(t, sub, de->d_name);
	closedir(d);
	return r;
}

/* Entries every new bpffs has: the kernel's preloaded iterators
 * (CONFIG_BPF_PRELOAD). They belong to no one and go with the mount. */
static bool born_with_bpffs(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "maps.debug") ||
	       !strcmp(name, "progs.debug");
}

static bool is_layout(const char *name)
{
	return !strcmp(name, "maps") || !strcmp(name, "links") || !strcmp(name, "prog") ||
	       !strcmp(name, "prog_new");
}

/* What sits at the top of dir beside xdpd's layout is another's: left. */
static int scan_top(struct teardown *t)
{
	struct dirent *de;
	DIR *d = opendir(t->dir);
	int r;

	if (!d)
		return fail(t, errno, "cannot read directory", t->dir);
	while ((de = readdir(d)))
		if (!born_with_bpffs(de->d_name) && !is_layout(de->d_name))
			keep(t, NULL, de->d_name);
	closedir(d);
	/* links first: every one must be open before anything changes */
	r = scan_dir(t, "links");
	if (r == 0)
		r = scan_one(t, NULL, "prog");
	if (r == 0)
		r = scan_one(t, NULL, "prog_new");
	if (r == 0)
		r = scan_dir(t, "maps");
	return r;
}

/* The datapath stops before its maps lose their names. A link whose
 * interface is gone is already detached (ENOLINK). */
static int detach_links(struct teardown *t)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < t->n; i++) {
		if (t->pins[i].fd < 0 || bpf_link_detach(t->pins[i].fd) == 0 || errno == ENOLINK)
			continue;
		pin_path(path, sizeof(path), t->dir, t->pins[i].sub, t->pins[i].name);
		return fail(t, errno, "cannot detach link", path);
	}
	return 0;
}

static int unpin_all(struct teardown *t)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < t->n; i++) {
		pin_path(path, sizeof(path), t->dir, t->pins[i].sub, t->pins[i].name);
		if (unlink(path) < 0 && errno != ENOENT)
			return fail(t, errno, "cannot remove pin", path);
	}
	return 0;
}

static bool dir_is_empty(const char *path)
{
	struct dirent *de;
	bool empty = true;
	DIR *d = opendir(path);

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		empty = born_with_bpffs(de->d_name);
	closedir(d);
	return empty;
}

/* The directories go when nothing is left in them. A bpffs mounted on the
 * directory itself (xdpd mounts one when there is none) is unmounted, but
 * only when empty: unmounting drops every pin in it. */
static void remove_dirs(const char *dir)
{
	char path[PATH_MAX];

	dp_path(path, sizeof(path), dir, "links", NULL);
	rmdir(path);
	dp_path(path, sizeof(path), dir, "maps", NULL);
	rmdir(path);
	if (rmdir(dir) < 0 && errno == EBUSY && dir_is_empty(dir) && umount2(dir, MNT_DETACH) == 0)
		rmdir(dir);
}

static void teardown_free(struct teardown *t)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->pins[i].fd >= 0)
			close(t->pins[i].fd);
	free(t->pins);
}

int dp_remove_pins(const char *dir, char *kept, size_t keptlen, char *err, size_t errlen)
{
	struct teardown t = {
	    .dir = dir, .kept_list = kept, .kept_len = keptlen, .err = err, .errlen = errlen};
	int r;

	if (kept && keptlen)
		kept[0] = '\0';
	r = scan_top(&t);
	if (r == 0)
		r = detach_links(&t);
	if (r == 0)
		r = unpin_all(&t);
	if (r == 0)
		remove_dirs(dir);
	teardown_free(&t);
	return r < 0 ? r : (int)t.kept;
}

/* An empty directory of xdpd's layout (what a start that failed early
 * leaves) holds nothing to tear down. */
static bool layout_is_empty(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool empty = true;
	DIR *d = opendir(dir);

	if (!d)
		return false;
	while (empty && (de = readdir(d))) {
		if (born_with_bpffs(de->d_name))
			continue;
		dp_path(path, sizeof(path), dir, de->d_name, NULL);
		empty = (!strcmp(de->d_name, "maps") || !strcmp(de->d_name, "links")) &&
			dir_is_empty(path);
	}
	closedir(d);
	return empty;
}

/* xdpd pins its meta map in every directory it runs on. */
static bool has_meta(const char *dir)
{
	char path[PATH_MAX];
	int fd;
	bool ok;

	dp_path(path, sizeof(path), dir, "maps", "meta");
	if (open_pin(path, &fd) < 0)
		return false;
	ok = fd_kind(fd) == PIN_MAP;
	close(fd);
	return ok;
}

int datapath_teardown(const char *bpffs_dir, char *kept, size_t keptlen, char *err, size_t errlen)
{
	if (access(bpffs_dir, F_OK) < 0)
		return -ENOENT;
	if (!bpffs_is_bpffs(bpffs_dir)) {
		snprintf(err, errlen, "%s is not on a bpffs: nothing of xdpd's there", bpffs_dir);
		return -ENOTDIR;
	}
	if (!has_meta(bpffs_dir) && !layout_is_empty(bpffs_dir)) {
		snprintf(err, errlen,
			 "%s: not an xdpd directory (no maps/meta pin), and not empty: nothing "
			 "removed",
			 bpffs_dir);
		return -EINVAL;
	}
	return dp_remove_pins(bpffs_dir, kept, keptlen, err, errlen);
}
