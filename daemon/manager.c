// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The daemon: one manager built in manager_new(), driven by sd-event.
 * Signals: SIGHUP reloads, SIGTERM/SIGINT exit 0 leaving the datapath running
 * (unless on_stop: detach). The watchdog is served when WATCHDOG_USEC is set.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "api.h"
#include "iface_watch.h"
#include "lb_runtime.h"
#include "log.h"
#include "manager.h"
#include "manager_internal.h"
#include "monitor.h"
#include "options.h"

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct manager *m = userdata;
	struct diag_list d;

	diag_init(&d, m->opts.config_path);
	log_info("SIGHUP: reloading %s", m->opts.config_path);
	manager_reload(m, false, NULL, &d); /* logs its outcome, failures included */
	diag_free(&d);
	return 0;
}

static int on_terminate(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct manager *m = userdata;
	char err[512] = "";

	sd_notify(0, "STOPPING=1\nSTATUS=Stopping");
	if (m->policy->on_stop == ON_STOP_DETACH) {
		if (datapath_detach_all(m->dp, err, sizeof(err)) < 0)
			log_error("on_stop: detach: %s", err);
		else
			log_info(
			    "SIG%s: on_stop is detach: every interface detached, pins under %s "
			    "removed",
			    sigabbrev_np((int)si->ssi_signo), m->bpffs_dir);
	} else {
		log_info(
		    "SIG%s: exiting; the datapath keeps running (generation %llu, pins under %s)",
		    sigabbrev_np((int)si->ssi_signo), (unsigned long long)manager_generation(m),
		    m->bpffs_dir);
	}
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int setup_events(struct manager *m)
{
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	/* a client closing its socket mid-answer must not kill the daemon */
	signal(SIGPIPE, SIG_IGN);
	r = sd_event_default(&m->event);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGHUP, on_sighup, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGTERM, on_terminate, m);
	if (r >= 0)
		r = sd_event_add_signal(m->event, NULL, SIGINT, on_terminate, m);
	if (r >= 0)
		r = sd_event_set_watchdog(m->event, true);
	return r < 0 ? r : 0;
}

/* A program load holds the loop for about half a second: the sample ring is
 * read to the end first, so all of it is free for what comes meanwhile. */
static void drain_samples(void *monitor)
{
	monitor_drain_all(monitor);
}

/* --socket, else the policy's control.socket, else the default. */
const char *manager_socket_path(const struct manager *m)
{
	if (m->opts.socket_path)
		return m->opts.socket_path;
	if (m->policy && m->policy->control.socket[0])
		return m->policy->control.socket;
	return XDPD_DEFAULT_SOCKET;
}

int manager_new(const struct xdpd_options *opts, struct manager **out)
{
	struct manager *m = calloc(1, sizeof(*m));
	int r;

	*out = NULL;
	if (!m)
		return -ENOMEM;
	m->opts = *opts;
	m->started_realtime_usec = now_realtime_usec();
	r = manager_load_policy(m);
	if (r == 0) {
		r = setup_events(m);
		if (r < 0)
			log_error("event loop: %s", strerror(-r));
	}
	/* the socket before the datapath: another xdpd on it, or a path that
	 * cannot be used, fails the start before anything is changed */
	if (r == 0) {
		r = api_server_start(m, manager_socket_path(m),
				     m->policy->control.group[0] ? m->policy->control.group : NULL,
				     &m->api);
	}
	if (r == 0)
		r = manager_start_datapath(m);
	if (r == 0) {
		r = lb_runtime_start(m->lb, m->event);
		if (r < 0)
			log_error("load balancers: health checks: %s", strerror(-r));
	}
	if (r == 0)
		r = api_server_open_blocklist(m->api);
	/* without its maps (logged) the datapath runs on; monitor and trace
	 * then answer that they are unavailable */
	if (r == 0 && monitor_start(m, &m->monitor) == 0)
		datapath_set_before_load(m->dp, drain_samples, m->monitor);
	if (r == 0) {
		r = iface_watch_start(m, &m->ifwatch);
		if (r < 0)
			log_error("watching interfaces: %s", strerror(-r));
	}
	if (r < 0) {
		manager_free(m);
		return r;
	}
	*out = m;
	return 0;
}

int manager_run(struct manager *m)
{
	int r;

	manager_notify_status(m, "READY=1");
	r = sd_event_loop(m->event);
	if (r < 0) {
		log_error("event loop failed: %s", strerror(-r));
		return 1;
	}
	return r;
}

void manager_free(struct manager *m)
{
	if (!m)
		return;
	iface_watch_free(m->ifwatch);
	api_server_free(m->api); /* its monitor subscribers leave first */
	monitor_free(m->monitor);
	lb_runtime_free(m->lb);
	datapath_close(m->dp);
	policy_free(m->policy);
	sd_event_unref(m->event);
	free(m);
}
