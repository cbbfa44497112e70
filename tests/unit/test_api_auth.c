// SPDX-License-Identifier: GPL-2.0-or-later
/* daemon/api_auth.c: who may call read-only and mutating methods. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api_auth.h"
#include "check_run.h"

#define CAP_NET_ADMIN_MASK (1ULL << 12)

static const char *status_text = "Name:\tsocat\nUmask:\t0022\nState:\tS (sleeping)\n"
				 "Uid:\t1000\t65534\t65534\t65534\nGid:\t100\t100\t100\t100\n"
				 "CapInh:\t0000000000000000\nCapPrm:\t0000000000001000\n"
				 "CapEff:\t0000000000001000\nCapBnd:\t000001ffffffffff\n";

START_TEST(proc_status)
{
	uint64_t cap;
	uid_t euid;

	ck_assert_int_eq(api_parse_proc_status(status_text, &euid, &cap), 0);
	ck_assert_uint_eq(euid, 65534);
	ck_assert_uint_eq(cap, CAP_NET_ADMIN_MASK);
	ck_assert_int_eq(api_parse_proc_status("\nName:\tx\nUid:\t0\t0\t0\t0\n", &euid, &cap),
			 -EINVAL);
	ck_assert_int_eq(api_parse_proc_status("\nCapEff:\tffff\n", &euid, &cap), -EINVAL);
}
END_TEST

START_TEST(read_access)
{
	struct api_peer p = {.uid = 1000, .gid = 100};

	ck_assert(!api_peer_may_read(&p, false, 0));
	ck_assert(!api_peer_may_read(&p, true, 990));
	p.groups[0] = 27;
	p.groups[1] = 990;
	p.ngroups = 2;
	ck_assert(api_peer_may_read(&p, true, 990));
	ck_assert(!api_peer_may_read(&p, false, 990)); /* no such group configured */
	p.ngroups = 0;
	p.gid = 990;
	ck_assert(api_peer_may_read(&p, true, 990)); /* primary group */
	p.gid = 100;
	p.uid = 0;
	ck_assert(api_peer_may_read(&p, false, 0));
	p.uid = 1000;
	p.cap_eff = CAP_NET_ADMIN_MASK;
	ck_assert(api_peer_may_read(&p, false, 0));
}
END_TEST

START_TEST(mutate_access)
{
	struct api_peer p = {.uid = 1000, .gid = 990};

	p.groups[0] = 990;
	p.ngroups = 1;
	ck_assert(!api_peer_may_mutate(&p)); /* the group is read-only */
	p.cap_eff = ~CAP_NET_ADMIN_MASK;
	ck_assert(!api_peer_may_mutate(&p));
	p.cap_eff = CAP_NET_ADMIN_MASK;
	ck_assert(api_peer_may_mutate(&p));
	p.cap_eff = 0;
	p.uid = 0;
	ck_assert(api_peer_may_mutate(&p));
}
END_TEST

/* Over a socketpair the peer is this process: our own uid, gid and caps. */
START_TEST(peer_from_socket)
{
	struct api_peer p;
	int sv[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ck_assert_int_eq(api_peer_from_fd(sv[0], &p), 0);
	ck_assert_int_eq(p.pid, getpid());
	ck_assert_uint_eq(p.uid, geteuid());
	ck_assert_uint_eq(p.gid, getegid());
	ck_assert_int_eq(api_peer_may_mutate(&p), geteuid() == 0);
	close(sv[0]);
	close(sv[1]);
	ck_assert_int_eq(api_peer_from_fd(-1, &p), -EBADF);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("api_auth");
	TCase *t = tcase_create("auth");

	tcase_add_test(t, proc_status);
	tcase_add_test(t, read_access);
	tcase_add_test(t, mutate_access);
	tcase_add_test(t, peer_from_socket);
	suite_add_tcase(s, t);
	return check_run(s);
}
