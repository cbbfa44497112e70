// SPDX-License-Identifier: GPL-2.0-or-later
/* xdpd: parse the command line, then run the manager (or one of the one-shot
 * commands: --check, --teardown, --version, --help). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "bpffs.h"
#include "datapath.h"
#include "log.h"
#include "manager.h"
#include "options.h"
#include "policy_check.h"

/* libbpf's own messages are debugging detail: the datapath turns failures
 * into one error that names the object. */
static int libbpf_to_log(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];

	if (level == LIBBPF_DEBUG && log_get_level() < LOG_DEBUG)
		return 0;
	log_debug("%s", log_libbpf_text(buf, sizeof(buf), fmt, ap));
	return 0;
}

/* --bpffs, else the policy's bpffs when the policy can be read, else the
 * default: teardown must find the pins a daemon with that policy made. */
static const char *teardown_dir(const struct xdpd_options *o, char *buf, size_t len)
{
	struct policy *p = NULL;
	struct diag_list d;

	if (o->bpffs_dir)
		return o->bpffs_dir;
	diag_init(&d, o->config_path);
	snprintf(buf, len, "%s", XDPD_DEFAULT_BPFFS);
	if (policy_load_file(o->config_path, &p, &d) == 0 && p->bpffs[0])
		snprintf(buf, len, "%s", p->bpffs);
	policy_free(p);
	diag_free(&d);
	return buf;
}

static int run_teardown(const struct xdpd_options *o)
{
	char dirbuf[256], err[1024] = "", kept[1024];
	const char *dir = teardown_dir(o, dirbuf, sizeof(dirbuf));
	int lock = bpffs_lock(dir, err, sizeof(err));
	int r;

	if (lock == -EBUSY) { /* a running daemon would be left without its datapath */
		log_error("teardown of %s: %s", dir, err);
		return 1;
	}
	err[0] = '\0';
	r = datapath_teardown(dir, kept, sizeof(kept), err, sizeof(err));
	if (lock >= 0)
		close(lock);
	if (r == -ENOENT || r == -ENOTDIR) {
		printf("xdpd: nothing to tear down under %s\n", dir);
		return 0;
	}
	if (r < 0) {
		log_error("teardown of %s: %s", dir, err);
		return 1;
	}
	printf("xdpd: detached every interface and removed the pins under %s\n", dir);
	if (r > 0) /* another tool's: never xdpd's to remove */
		printf("xdpd: left %d pin%s under %s that xdpd did not make: %s\n", r,
		       r == 1 ? "" : "s", dir, kept);
	return 0;
}

static int run_daemon(const struct xdpd_options *o)
{
	struct manager *m;
	int r = manager_new(o, &m);

	if (r < 0)
		return 1;
	r = manager_run(m);
	manager_free(m);
	return r;
}

int main(int argc, char **argv)
{
	struct xdpd_cmdline cl;
	char err[512];

	if (options_parse(argc, argv, &cl, err, sizeof(err)) < 0) {
		fprintf(stderr, "xdpd: %s\nTry 'xdpd --help'.\n", err);
		return 2;
	}
	log_open();
	log_set_level(cl.opts.log_level);
	libbpf_set_print(libbpf_to_log);
	switch (cl.cmd) {
	case XDPD_CMD_HELP:
		fputs(options_usage(), stdout);
		return 0;
	case XDPD_CMD_VERSION:
		printf("xdpd %s\n", XDPD_VERSION);
		return 0;
	case XDPD_CMD_CHECK:
		return policy_check_main(cl.opts.config_path, stdout);
	case XDPD_CMD_TEARDOWN:
		return run_teardown(&cl.opts);
	case XDPD_CMD_RUN:
		break;
	}
	return run_daemon(&cl.opts);
}
