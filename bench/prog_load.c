// SPDX-License-Identifier: GPL-2.0-or-later
/* Loading and parking the benchmarks' reference programs (prog_load.h). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "prog_load.h"

int bench_load_obj_with(const char *path, int (*setup)(struct bpf_object *, void *), void *arg)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	int err, fd;

	err = libbpf_get_error(obj);
	if (err)
		return err;
	err = setup ? setup(obj, arg) : 0;
	if (!err)
		err = bpf_object__load(obj);
	prog = bpf_object__next_program(obj, NULL);
	if (!err && !prog)
		err = -ENOENT;
	if (err) {
		bpf_object__close(obj);
		return err;
	}
	/* keep the program past the object: the duplicate holds it */
	fd = fcntl(bpf_program__fd(prog), F_DUPFD_CLOEXEC, 0);
	if (fd < 0)
		fd = -errno;
	bpf_object__close(obj);
	return fd;
}

int bench_load_obj(const char *path)
{
	return bench_load_obj_with(path, NULL, NULL);
}

int bench_park(int prog_fd, const char *ifname)
{
	int ifindex = (int)if_nametoindex(ifname);

	if (!ifindex)
		return -errno;
	return bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
}

int bench_park_all(const char *list, const int *fds, int n)
{
	char names[256], *save = NULL, *name;
	int i = 0, err;

	if (!list)
		return 0;
	snprintf(names, sizeof(names), "%s", list);
	for (name = strtok_r(names, ",", &save); name && i < n;
	     name = strtok_r(NULL, ",", &save), i++) {
		if (fds[i] < 0)
			continue;
		err = bench_park(fds[i], name);
		if (err)
			return err;
	}
	return i == n ? 0 : -EINVAL;
}
