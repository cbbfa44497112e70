/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who is on the other end of a control connection, and what it may do.
 * Read-only methods: uid 0 or a member of control.group (primary or
 * supplementary group of the peer process, from SO_PEERGROUPS). Mutating
 * methods: uid 0 or CAP_NET_ADMIN in the peer's effective set (from
 * /proc/PID/status, read when the connection is accepted).
 */
#ifndef XDPD_API_AUTH_H
#define XDPD_API_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define API_PEER_MAX_GROUPS 256

struct api_peer {
	pid_t pid;
	uid_t uid;
	gid_t gid;
	gid_t groups[API_PEER_MAX_GROUPS];
	size_t ngroups;
	uint64_t cap_eff; /* 0 when /proc could not be read or belongs to another uid */
};

/* Fill p from a connected AF_UNIX socket. 0 or -errno (no SO_PEERCRED). */
int api_peer_from_fd(int fd, struct api_peer *p);

/* From the text of /proc/PID/status: the effective uid and CapEff.
 * 0, or -EINVAL when either line is missing or malformed. */
int api_parse_proc_status(const char *text, uid_t *euid, uint64_t *cap_eff);

/* have_group: control.group names an existing group, gid is its id. Peers
 * allowed to mutate may also read. */
bool api_peer_may_read(const struct api_peer *p, bool have_group, gid_t gid);
bool api_peer_may_mutate(const struct api_peer *p);

#endif /* XDPD_API_AUTH_H */
