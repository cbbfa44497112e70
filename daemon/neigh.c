// SPDX-License-Identifier: GPL-2.0-or-later
/* Neighbour lookups over rtnetlink: see neigh.h. */
#include <errno.h>
#include <fcntl.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "neigh.h"

#define NUD_USABLE (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP)

static int dump_request(int fd, int family)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
	} req = {
	    .nh = {.nlmsg_len = sizeof(req),
		   .nlmsg_type = RTM_GETNEIGH,
		   .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		   .nlmsg_seq = 1},
	    .nd = {.ndm_family = (uint8_t)family},
	};
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

	return sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno
											: 0;
}

/* One RTM_NEWNEIGH: 1 when it is a usable entry for addr (mac filled). */
static int match(const struct nlmsghdr *nh, const struct ip_addr *addr, struct neigh_entry *out)
{
	const struct ndmsg *nd = NLMSG_DATA(nh);
	int len = (int)nh->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*nd));
	size_t alen = addr->family == AF_INET ? 4 : 16;
	const uint8_t *dst = NULL, *ll = NULL;
	size_t ll_len = 0;

	if (nh->nlmsg_type != RTM_NEWNEIGH || len < 0 || nd->ndm_family != addr->family ||
	    !(nd->ndm_state & NUD_USABLE))
		return 0;
	for (struct rtattr *a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	     RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_DST && RTA_PAYLOAD(a) == alen)
			dst = RTA_DATA(a);
		else if (a->rta_type == NDA_LLADDR) {
			ll = RTA_DATA(a);
			ll_len = RTA_PAYLOAD(a);
		}
	}
	if (!dst || !ll || ll_len != 6 || memcmp(dst, addr->addr, alen))
		return 0;
	memcpy(out->mac, ll, 6);
	out->ifindex = nd->ndm_ifindex;
	out->stale = nd->ndm_state & NUD_STALE;
	return 1;
}

/* Reads the whole dump (the socket must be drained) and keeps the first
 * match. */
static int read_dump(int fd, const struct ip_addr *addr, struct neigh_entry *out)
{
	char buf[32768];
	int found = -ENOENT;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		int len = (int)n;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (struct nlmsghdr *nh = (struct nlmsghdr *)buf; NLMSG_OK(nh, len);
		     nh = NLMSG_NEXT(nh, len)) {
			if (nh->nlmsg_type == NLMSG_DONE)
				return found;
			if (nh->nlmsg_type == NLMSG_ERROR)
				return -EIO;
			if (found < 0 && match(nh, addr, out))
				found = 0;
		}
	}
}

int neigh_lookup(const struct ip_addr *addr, uint8_t mac[6])
{
	struct neigh_entry e;
	int r = neigh_lookup_entry(addr, &e);

	if (r == 0)
		memcpy(mac, e.mac, 6);
	return r;
}

int neigh_lookup_entry(const struct ip_addr *addr, struct neigh_entry *out)
{
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct timeval tv = {.tv_sec = 1};
	int r;

	if (fd < 0)
		return -errno;
	/* the kernel answers a local dump at once; never wait long in the loop */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	r = dump_request(fd, addr->family);
	if (r == 0)
		r = read_dump(fd, addr, out);
	close(fd);
	return r;
}

/* RTM_NEWNEIGH with NTF_USE: the kernel treats the entry as used by a
 * packet (neigh_event_send), as XDP_TX never does, so a stale one goes to
 * DELAY and PROBE and learns a MAC that changed. Nothing is sent to the
 * backend by us. */
void neigh_revalidate(const struct ip_addr *addr, int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ndmsg nd;
		struct rtattr dst;
		uint8_t addr[16];
	} req = {
	    .nh = {.nlmsg_type = RTM_NEWNEIGH, .nlmsg_flags = NLM_F_REQUEST, .nlmsg_seq = 1},
	    .nd = {.ndm_family = (uint8_t)addr->family,
		   .ndm_ifindex = ifindex,
		   .ndm_flags = NTF_USE},
	};
	size_t alen = addr->family == AF_INET ? 4 : 16;
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);

	if (fd < 0)
		return;
	req.dst.rta_type = NDA_DST;
	req.dst.rta_len = (unsigned short)RTA_LENGTH(alen);
	memcpy(req.addr, addr->addr, alen);
	req.nh.nlmsg_len = (uint32_t)(NLMSG_LENGTH(sizeof(req.nd)) + RTA_LENGTH(alen));
	sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa));
	close(fd);
}

void neigh_solicit(const struct ip_addr *addr)
{
	struct sockaddr_in6 s6 = {.sin6_family = AF_INET6, .sin6_port = htons(9)};
	struct sockaddr_in s4 = {.sin_family = AF_INET, .sin_port = htons(9)};
	int fd = socket(addr->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	if (addr->family == AF_INET) {
		memcpy(&s4.sin_addr, addr->addr, 4);
		sendto(fd, "", 0, 0, (struct sockaddr *)&s4, sizeof(s4));
	} else {
		memcpy(&s6.sin6_addr, addr->addr, 16);
		sendto(fd, "", 0, 0, (struct sockaddr *)&s6, sizeof(s6));
	}
	close(fd);
}
