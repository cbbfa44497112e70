/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Logging for the daemon: journald with structured fields when systemd started
 * us (JOURNAL_STREAM or INVOCATION_ID set), "xdpd: level: message" on stderr
 * otherwise. Levels are syslog's (LOG_ERR ... LOG_DEBUG). Every record carries
 * POLICY_GENERATION once a generation runs; INTERFACE= and RULE= are added by
 * the *_f variants so journalctl can filter on them.
 */
#ifndef XDPD_LOG_H
#define XDPD_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <syslog.h>

struct log_fields {
	const char *interface; /* INTERFACE=, NULL: none */
	const char *rule;      /* RULE=, NULL: none */
	const char *balancer;  /* BALANCER=, NULL: none (load balancers) */
	const char *backend;   /* BACKEND= (its address) */
	const char *backend_state; /* BACKEND_STATE= (healthy, unhealthy, drain, ...) */
};

/* Decides journal vs stderr from the environment; safe to call again. */
void log_open(void);
void log_set_level(int level);
int log_get_level(void);
/* The generation written as POLICY_GENERATION= on every record (0: none). */
void log_set_generation(uint64_t generation);
/* "error" -> LOG_ERR ...; returns -EINVAL for an unknown name. */
int log_level_from_name(const char *name);
const char *log_level_name(int level);
/* The text of one message of libbpf's print callback, as "libbpf: message"
 * without the final newline: libbpf starts most of its messages with
 * "libbpf: " itself, some not, so the prefix is added only where missing.
 * Returns buf. */
const char *log_libbpf_text(char *buf, size_t len, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

void log_msg(int level, const struct log_fields *f, const char *file, int line, const char *func,
	     const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define LOG_FIELDS(...) (&(const struct log_fields){__VA_ARGS__})

#define log_full(level, f, ...) log_msg(level, f, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define log_error(...)		log_full(LOG_ERR, NULL, __VA_ARGS__)
#define log_warning(...)	log_full(LOG_WARNING, NULL, __VA_ARGS__)
#define log_notice(...)		log_full(LOG_NOTICE, NULL, __VA_ARGS__)
#define log_info(...)		log_full(LOG_INFO, NULL, __VA_ARGS__)
#define log_debug(...)		log_full(LOG_DEBUG, NULL, __VA_ARGS__)
#define log_error_f(f, ...)	log_full(LOG_ERR, f, __VA_ARGS__)
#define log_warning_f(f, ...)	log_full(LOG_WARNING, f, __VA_ARGS__)
#define log_info_f(f, ...)	log_full(LOG_INFO, f, __VA_ARGS__)
#define log_debug_f(f, ...)	log_full(LOG_DEBUG, f, __VA_ARGS__)

#endif /* XDPD_LOG_H */
