// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Policy in, datapath out: the start (adopt, reload or fresh load) and every
 * reload go through here, and each outcome is logged once, with the
 * generation, interface and rule as structured fields.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <systemd/sd-daemon.h>

#include "api.h"
#include "lb_runtime.h"
#include "log.h"
#include "manager_internal.h"
#include "monitor.h"
#include "options.h"
#include "policy_diff.h"
#include "sha256.h"

uint64_t now_realtime_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t now_monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

uint64_t manager_generation(const struct manager *m)
{
	const struct xdpd_meta *meta = m->dp ? datapath_meta(m->dp) : NULL;

	return meta ? meta->generation : 0;
}

void manager_notify_status(const struct manager *m, const char *extra)
{
	sd_notifyf(0, "%s\nSTATUS=Running generation %llu of %s: %zu interface(s), %zu rule(s)",
		   extra, (unsigned long long)manager_generation(m), m->policy->path,
		   m->policy->n_ifaces, m->policy->n_rules);
}

/* systemctl status shows that the file on disk is not what runs. */
static void notify_reload_failed(const struct manager *m, const char *extra)
{
	sd_notifyf(0,
		   "%s\nSTATUS=Running generation %llu of %s: %zu interface(s), %zu rule(s); the "
		   "last reload failed (see the journal)",
		   extra, (unsigned long long)manager_generation(m), m->policy->path,
		   m->policy->n_ifaces, m->policy->n_rules);
}

/* One error record per diagnostic, in diag_print()'s FILE:LINE:COLUMN form. */
static void log_diags(const struct diag_list *d)
{
	char *text = diag_to_string(d), *save = NULL;

	if (!text) {
		log_error("%s: %zu problem(s) (out of memory printing them)", d->file,
			  diag_count(d));
		return;
	}
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		log_error("%s", line);
	free(text);
}

int manager_load_policy(struct manager *m)
{
	struct diag_list d;
	int r;

	diag_init(&d, m->opts.config_path);
	r = policy_load_file(m->opts.config_path, &m->policy, &d);
	if (r < 0) {
		log_diags(&d);
		log_error("%s: not started; nothing was changed", m->opts.config_path);
	}
	diag_free(&d);
	return r;
}

static void log_interfaces(const struct manager *m)
{
	struct dp_iface_status st[XDPD_MAX_IFACES];
	size_t n = datapath_ifaces(m->dp, st, XDPD_MAX_IFACES);

	for (size_t i = 0; i < n; i++)
		log_info_f(LOG_FIELDS(.interface = st[i].name),
			   "interface %s (ifindex %d): %s in %s mode, program id %u", st[i].name,
			   st[i].ifindex, st[i].attached ? "attached" : "NOT attached",
			   xdp_mode_name(st[i].mode), st[i].prog_id);
}

static void log_diff(const struct policy *old, const struct policy *new)
{
	struct policy_diff d = {0};

	if (!old || policy_diff(old, new, &d) < 0)
		return;
	for (size_t i = 0; i < d.n; i++) {
		const struct policy_change *c = &d.v[i];

		log_info_f(LOG_FIELDS(.rule = c->kind == DIFF_RULE ? c->name : NULL,
				      .interface = c->kind == DIFF_INTERFACE ? c->name : NULL),
			   "%s '%s' %s", diff_kind_name(c->kind), c->name,
			   diff_change_name(c->change));
	}
	policy_diff_free(&d);
}

static void log_applied(struct manager *m, enum dp_apply_result res, const struct policy *old,
			const struct policy *p, bool at_start)
{
	char hex[65];
	uint64_t gen = manager_generation(m);

	sha256_hex(p->sha256, hex);
	log_set_generation(gen);
	if (res == DP_ADOPTED) {
		log_info("generation %llu: %s (policy %s, sha256 %.12s)", (unsigned long long)gen,
			 at_start ? "adopted the running datapath, nothing touched"
				  : "policy unchanged, nothing touched",
			 p->path, hex);
	} else {
		log_info("generation %llu: %s policy %s (sha256 %.12s)", (unsigned long long)gen,
			 res == DP_FRESH ? "loaded and attached" : "swapped in", p->path, hex);
		log_diff(old, p);
	}
	if (res != DP_ADOPTED || at_start)
		log_interfaces(m);
}

static const char *bpffs_dir_for(const struct manager *m, const struct policy *p)
{
	if (m->opts.bpffs_dir)
		return m->opts.bpffs_dir;
	return p->bpffs[0] ? p->bpffs : XDPD_DEFAULT_BPFFS;
}

int manager_start_datapath(struct manager *m)
{
	enum dp_apply_result res;
	char err[1024] = "";
	int r;

	snprintf(m->bpffs_dir, sizeof(m->bpffs_dir), "%s", bpffs_dir_for(m, m->policy));
	r = datapath_open(m->bpffs_dir, &m->dp, err, sizeof(err));
	if (r < 0) {
		log_error("bpffs %s: %s", m->bpffs_dir, err);
		return r;
	}
	r = lb_runtime_new(m->dp, &m->lb);
	if (r < 0) {
		log_error("load balancers: %s", strerror(-r));
		return r;
	}
	datapath_set_lb_view(m->dp, lb_runtime_view(m->lb));
	r = datapath_apply(m->dp, m->policy, &res, err, sizeof(err));
	if (r < 0) {
		log_error("%s: not started: %s", m->policy->path, err);
		return r;
	}
	lb_runtime_applied(m->lb, m->policy);
	if (err[0])
		log_warning("%s", err);
	log_applied(m, res, NULL, m->policy, true);
	return 0;
}

/* The policy's control.socket (the validator fills in the default). */
static const char *policy_socket(const struct policy *p)
{
	return p->control.socket[0] ? p->control.socket : XDPD_DEFAULT_SOCKET;
}

/* --bpffs and --socket hold whatever the policy says: say so. */
static void note_overrides(const struct manager *m, const struct policy *p)
{
	const char *bpffs = p->bpffs[0] ? p->bpffs : XDPD_DEFAULT_BPFFS;

	if (m->opts.bpffs_dir && strcmp(p->bpffs, m->policy->bpffs))
		log_info("reload: bpffs changed to %s; --bpffs keeps the pins under %s", bpffs,
			 m->bpffs_dir);
	if (m->opts.socket_path && strcmp(policy_socket(p), policy_socket(m->policy)))
		log_info("reload: control.socket changed to %s; --socket keeps xdpd on %s",
			 policy_socket(p), m->opts.socket_path);
}

/* A valid policy that cannot be applied while xdpd runs: one diagnostic at
 * loc, logged as an invalid policy's are (not for a dry run). -EINVAL: the
 * API's -32002. */
static int refuse(const struct manager *m, bool dry_run, struct diag_list *d, struct src_loc loc,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int refuse(const struct manager *m, bool dry_run, struct diag_list *d, struct src_loc loc,
		  const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(d, loc, "%s", msg);
	if (dry_run) /* the answer says it: a dry run changes nothing */
		return -EINVAL;
	log_diags(d);
	log_error("reload: %s cannot be used; the running policy (generation %llu) is kept",
		  m->opts.config_path, (unsigned long long)manager_generation(m));
	return -EINVAL;
}

/* The pins cannot move: the links under the old directory hold the
 * interfaces, and new ones elsewhere would be refused while they do. */
static int check_bpffs(const struct manager *m, const struct policy *p, bool dry_run,
		       struct diag_list *d)
{
	const char *want = bpffs_dir_for(m, p);

	if (m->opts.bpffs_dir || !strcmp(want, m->bpffs_dir))
		return 0;
	return refuse(m, dry_run, d, p->bpffs_loc,
		      "bpffs: the pinned-state directory cannot move while xdpd runs (%s to %s): "
		      "stop xdpd, run 'xdpd --teardown --bpffs %s' and start it again, or keep "
		      "the old value",
		      m->bpffs_dir, want, m->bpffs_dir);
}

/* A changed control.socket is listened on before anything else changes
 * (api_server_move_prepare); a dry run only looks whether the path is free. */
static int prepare_socket(struct manager *m, const struct policy *p, bool dry_run,
			  struct diag_list *d)
{
	const char *path = policy_socket(p);
	char err[512];
	int r;

	if (m->opts.socket_path || !m->api || !strcmp(path, api_server_path(m->api)))
		return 0;
	r = dry_run ? api_server_probe(path, err, sizeof(err))
		    : api_server_move_prepare(m->api, path, p->control.group, err, sizeof(err));
	if (r < 0)
		return refuse(m, dry_run, d, p->control.socket_loc, "control.socket: %s", err);
	return 0;
}

/* A dry run meets what the reload would meet before the kernel is asked
 * (an interface that does not exist), with the same error and code. */
static int check_datapath(const struct manager *m, const struct policy *p, struct diag_list *d)
{
	char err[1024] = "";
	int r = datapath_check(m->dp, p, err, sizeof(err));

	if (r < 0)
		diag_add(d, (struct src_loc){0}, "%s", err);
	return r;
}

int manager_reattach(struct manager *m, const char *why)
{
	enum dp_apply_result res;
	char err[1024] = "";
	int r;

	r = datapath_reapply(m->dp, m->policy, &res, err, sizeof(err));
	if (r < 0) {
		log_error("%s: the running policy cannot be applied again: %s; generation %llu "
			  "keeps running",
			  why, err, (unsigned long long)manager_generation(m));
		return r;
	}
	if (err[0])
		log_warning("%s: %s", why, err);
	lb_runtime_applied(m->lb, m->policy);
	monitor_policy_changed(m->monitor);
	manager_notify_status(m, "");
	log_applied(m, res, m->policy, m->policy, false);
	return 0;
}

int manager_reload(struct manager *m, bool dry_run, struct policy **new_policy_out,
		   struct diag_list *d)
{
	enum dp_apply_result res;
	struct policy *p = NULL, *old;
	char err[1024] = "";
	int r;

	r = policy_load_file(m->opts.config_path, &p, d);
	if (r < 0) {
		log_diags(d);
		/* every failure to read it, not only an invalid one (missing file,
		 * a directory, no permission) */
		if (!dry_run) {
			log_error("reload: %s cannot be used; the running policy (generation %llu) "
				  "is kept",
				  m->opts.config_path, (unsigned long long)manager_generation(m));
			notify_reload_failed(m, "");
		}
		return r;
	}
	r = check_bpffs(m, p, dry_run, d);
	if (r == 0)
		r = prepare_socket(m, p, dry_run, d);
	if (r == 0 && dry_run)
		r = check_datapath(m, p, d);
	if (r < 0) {
		if (!dry_run)
			notify_reload_failed(m, "");
		policy_free(p);
		return r;
	}
	if (dry_run) {
		if (new_policy_out)
			*new_policy_out = p;
		else
			policy_free(p);
		return 0;
	}
	note_overrides(m, p);
	sd_notifyf(0, "RELOADING=1\nSTATUS=Reloading %s\nMONOTONIC_USEC=%llu", p->path,
		   (unsigned long long)now_monotonic_usec());
	r = datapath_apply(m->dp, p, &res, err, sizeof(err));
	if (r < 0) {
		if (m->api)
			api_server_move_abort(m->api);
		notify_reload_failed(m, "READY=1");
		log_error("reload: %s; generation %llu keeps running", err,
			  (unsigned long long)manager_generation(m));
		diag_add(d, (struct src_loc){0}, "%s", err);
		policy_free(p);
		return r;
	}
	if (err[0])
		log_warning("reload: %s", err);
	old = m->policy;
	m->policy = p;
	/* first: it records the balancers' slots, which the names read */
	lb_runtime_applied(m->lb, p);
	monitor_policy_changed(m->monitor); /* a new ring buffer, rate, names */
	m->last_reload_changed = res != DP_ADOPTED;
	if (m->api) {
		api_server_move_commit(m->api); /* when control.socket moved */
		/* also when unchanged: the group may have been created since */
		api_server_set_group(m->api, p->control.group);
	}
	manager_notify_status(m, "READY=1");
	log_applied(m, res, old, p, false);
	if (new_policy_out)
		*new_policy_out = old;
	else
		policy_free(old);
	return 0;
}
