// SPDX-License-Identifier: GPL-2.0-or-later
/* Peer credentials of control connections (see api_auth.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api_auth.h"

#define CAP_NET_ADMIN_BIT 12

int api_parse_proc_status(const char *text, uid_t *euid, uint64_t *cap_eff)
{
	const char *u = strstr(text, "\nUid:");
	const char *c = strstr(text, "\nCapEff:");
	unsigned long ruid, e;
	uint64_t cap;

	if (!u || !c || sscanf(u, "\nUid: %lu %lu", &ruid, &e) != 2 ||
	    sscanf(c, "\nCapEff: %" SCNx64, &cap) != 1)
		return -EINVAL;
	*euid = (uid_t)e;
	*cap_eff = cap;
	return 0;
}

/* CapEff of pid, trusted only while the process still runs as uid (so a
 * recycled pid cannot lend its capabilities). 0 on any doubt. */
static uint64_t peer_caps(pid_t pid, uid_t uid)
{
	char path[64], buf[4096];
	uint64_t cap = 0;
	uid_t euid;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	buf[0] = '\n'; /* so the first line matches "\nName:" style searches too */
	n = read(fd, buf + 1, sizeof(buf) - 2);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n + 1] = '\0';
	if (api_parse_proc_status(buf, &euid, &cap) < 0 || euid != uid)
		return 0;
	return cap;
}

int api_peer_from_fd(int fd, struct api_peer *p)
{
	struct ucred uc;
	socklen_t len = sizeof(uc);

	memset(p, 0, sizeof(*p));
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) < 0)
		return -errno;
	p->pid = uc.pid;
	p->uid = uc.uid;
	p->gid = uc.gid;
	len = sizeof(p->groups);
	/* ERANGE: a peer in more groups than we keep is judged by its primary
	 * group alone */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, p->groups, &len) == 0)
		p->ngroups = len / sizeof(gid_t);
	p->cap_eff = peer_caps(uc.pid, uc.uid);
	return 0;
}

bool api_peer_may_mutate(const struct api_peer *p)
{
	return p->uid == 0 || (p->cap_eff >> CAP_NET_ADMIN_BIT) & 1;
}

bool api_peer_may_read(const struct api_peer *p, bool have_group, gid_t gid)
{
	if (api_peer_may_mutate(p))
		return true;
	if (!have_group)
		return false;
	if (p->gid == gid)
		return true;
	for (size_t i = 0; i < p->ngroups; i++)
		if (p->groups[i] == gid)
			return true;
	return false;
}
