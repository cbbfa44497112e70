// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpd --teardown and on_stop: detach: detach every pinned link, remove every pin. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpffs.h"
#include "datapath_internal.h"

static void note(char *err, size_t errlen, int *r, int e, const char *what, const char *path)
{
	if (*r < 0 || !err)
		return;
	*r = -e;
	snprintf(err, errlen, "%s %s: %s", what, path, strerror(e));
}

/* Remove every pin in dir/sub, detaching links first; then the directory. */
static int clear_dir(const char *dir, const char *sub, bool links, char *err, size_t errlen)
{
	char d_path[PATH_MAX], path[PATH_MAX];
	struct dirent *de;
	int r = 0;
	DIR *d;

	dp_path(d_path, sizeof(d_path), dir, sub, NULL);
	d = opendir(d_path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		dp_path(path, sizeof(path), dir, sub, de->d_name);
		if (links) {
			int fd = bpf_obj_get(path);

			/* a link whose interface is gone is already detached */
			if (fd >= 0 && bpf_link_detach(fd) < 0 && errno != ENOLINK)
				note(err, errlen, &r, errno, "cannot detach link", path);
			if (fd >= 0)
				close(fd);
		}
		if (unlink(path) < 0)
			note(err, errlen, &r, errno, "cannot remove pin", path);
	}
	closedir(d);
	if (rmdir(d_path) < 0)
		note(err, errlen, &r, errno, "cannot remove directory", d_path);
	return r;
}

/* Entries every new bpffs has: the kernel's preloaded iterators
 * (CONFIG_BPF_PRELOAD). They belong to no one and go with the mount. */
static bool born_with_bpffs(const char *name)
{
	return !strcmp(name, ".") || !strcmp(name, "..") || !strcmp(name, "maps.debug") ||
	       !strcmp(name, "progs.debug");
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

int datapath_teardown(const char *bpffs_dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	int r, t;

	if (access(bpffs_dir, F_OK) < 0)
		return -ENOENT;
	if (!bpffs_is_bpffs(bpffs_dir)) {
		if (err)
			snprintf(err, errlen, "%s is not on a bpffs: nothing of xdpd's there",
				 bpffs_dir);
		return -ENOTDIR;
	}
	/* links first: the datapath stops before its maps lose their names */
	r = clear_dir(bpffs_dir, "links", true, err, errlen);
	dp_path(path, sizeof(path), bpffs_dir, "prog", NULL);
	if (unlink(path) < 0 && errno != ENOENT)
		note(err, errlen, &r, errno, "cannot remove pin", path);
	dp_path(path, sizeof(path), bpffs_dir, "prog_new", NULL);
	unlink(path);
	t = clear_dir(bpffs_dir, "maps", false, r < 0 ? NULL : err, errlen);
	if (r == 0)
		r = t;
	/* A bpffs mounted on the directory itself (xdpd mounts one when there is
	 * none): unmount it, but only when empty, as unmounting a bpffs drops
	 * every pin in it, and those may belong to others. */
	if (rmdir(bpffs_dir) < 0 && errno == EBUSY && dir_is_empty(bpffs_dir) &&
	    umount2(bpffs_dir, MNT_DETACH) == 0)
		rmdir(bpffs_dir);
	return r;
}
