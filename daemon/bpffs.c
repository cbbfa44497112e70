// SPDX-License-Identifier: GPL-2.0-or-later
/* Find or mount the bpffs holding xdpd's pins. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "bpffs.h"

#define SYS_FS_BPF "/sys/fs/bpf"

bool bpffs_is_bpffs(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && st.f_type == BPF_FS_MAGIC;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int bpffs_mkdir(const char *path, char *err, size_t errlen)
{
	int r = mkdir_p(path, 0700);

	if (r < 0)
		snprintf(err, errlen, "cannot create directory %s: %s", path, strerror(-r));
	return r;
}

static int mount_bpffs(const char *dir, char *err, size_t errlen)
{
	if (mount("bpf", dir, "bpf", 0, "mode=0700") < 0) {
		int r = -errno;

		snprintf(err, errlen, "cannot mount a bpffs at %s: %s", dir, strerror(errno));
		return r;
	}
	return 0;
}

/* dir is below /sys/fs/bpf and that mount point has no bpffs yet. */
static bool wants_sys_fs_bpf(const char *dir)
{
	size_t n = strlen(SYS_FS_BPF);

	return !strncmp(dir, SYS_FS_BPF, n) && (dir[n] == '/' || dir[n] == '\0') &&
	       !bpffs_is_bpffs(SYS_FS_BPF);
}

/* 1 when dir holds nothing but . and .., 0 when it holds more, -errno. */
static int dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 1;

	if (!d)
		return -errno;
	while (r == 1 && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			r = 0;
	closedir(d);
	return r;
}

/* A bpffs mounted over a directory hides what it holds: "bpffs: /etc" would
 * hide the machine's configuration until the next reboot. */
static int mount_here(const char *dir, char *err, size_t errlen)
{
	int r = dir_empty(dir);

	if (r < 0) {
		snprintf(err, errlen, "bpffs directory %s: %s", dir, strerror(-r));
		return r;
	}
	if (!r) {
		snprintf(err, errlen,
			 "bpffs directory %s: not on a bpffs and not empty; xdpd mounts a "
			 "bpffs only on an empty directory",
			 dir);
		return -ENOTEMPTY;
	}
	return mount_bpffs(dir, err, errlen);
}

int bpffs_prepare(const char *dir, char *err, size_t errlen)
{
	int r;

	if (dir[0] != '/') {
		snprintf(err, errlen, "bpffs directory %s: must be an absolute path", dir);
		return -EINVAL;
	}
	if (bpffs_is_bpffs(dir))
		return 0;
	if (wants_sys_fs_bpf(dir)) {
		r = mount_here(SYS_FS_BPF, err, errlen);
		if (r < 0)
			return r;
		return bpffs_mkdir(dir, err, errlen);
	}
	r = bpffs_mkdir(dir, err, errlen);
	if (r < 0)
		return r;
	/* mkdir may have created it on a bpffs (a parent is one). */
	if (bpffs_is_bpffs(dir))
		return 0;
	return mount_here(dir, err, errlen);
}

int bpffs_lock(const char *dir, char *err, size_t errlen)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0) {
		r = -errno;
		snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
		return r;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	r = errno == EWOULDBLOCK ? -EBUSY : -errno;
	if (r == -EBUSY)
		snprintf(err, errlen,
			 "in use by another running xdpd; stop that one first (two daemons "
			 "on one datapath would undo each other's work)");
	else
		snprintf(err, errlen, "cannot lock %s: %s", dir, strerror(-r));
	close(fd);
	return r;
}
