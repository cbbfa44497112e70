/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Making sure a directory lives on a bpffs, so pins can go there. */
#ifndef XDPD_BPFFS_H
#define XDPD_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

/* true when path exists and is on a bpffs. */
bool bpffs_is_bpffs(const char *path);
/* Ensure dir exists on a bpffs: mkdir -p it, and mount a bpffs there when it
 * is not on one already. The standard mount point /sys/fs/bpf itself gets the
 * bpffs when it has none, as systemd would do at boot, because sysfs lets no
 * one create directories under it. Returns 0 or -errno (message in err). */
int bpffs_prepare(const char *dir, char *err, size_t errlen);
/* mkdir -p a directory below a bpffs dir (mode 0700). */
int bpffs_mkdir(const char *path, char *err, size_t errlen);
/* Take the exclusive lock of an xdpd state directory (flock on the directory
 * itself: bpffs holds no regular files), held as long as the returned fd is
 * open and dropped by the kernel when the holder dies, kill -9 included.
 * Returns the fd, or -EBUSY when another process holds it (message in err),
 * or another -errno. */
int bpffs_lock(const char *dir, char *err, size_t errlen);

#endif /* XDPD_BPFFS_H */
