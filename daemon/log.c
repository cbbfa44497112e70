// SPDX-License-Identifier: GPL-2.0-or-later
/* Logging to journald (structured) or stderr; see log.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "log.h"

#define LOG_MSG_MAX 4096

static int max_level = LOG_INFO;
static bool to_journal;
static uint64_t cur_generation;

static const char *const level_names[] = {
    [LOG_EMERG] = "emerg",     [LOG_ALERT] = "alert",	[LOG_CRIT] = "crit", [LOG_ERR] = "error",
    [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

void log_open(void)
{
	/* systemd sets INVOCATION_ID for every unit and JOURNAL_STREAM when
	 * stdout/stderr go to the journal; either means the journal is there. */
	to_journal = getenv("JOURNAL_STREAM") || getenv("INVOCATION_ID");
}

void log_set_level(int level)
{
	max_level = level;
}

int log_get_level(void)
{
	return max_level;
}

void log_set_generation(uint64_t generation)
{
	cur_generation = generation;
}

int log_level_from_name(const char *name)
{
	for (int i = 0; i <= LOG_DEBUG; i++)
		if (!strcasecmp(name, level_names[i]))
			return i;
	if (!strcasecmp(name, "err"))
		return LOG_ERR;
	if (!strcasecmp(name, "warn"))
		return LOG_WARNING;
	return -EINVAL;
}

const char *log_level_name(int level)
{
	if (level < 0 || level > LOG_DEBUG)
		return "unknown";
	return level_names[level];
}

const char *log_libbpf_text(char *buf, size_t len, const char *fmt, va_list ap)
{
	static const char prefix[] = "libbpf: ";
	char msg[LOG_MSG_MAX];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	snprintf(buf, len, "%s%s", strncmp(msg, prefix, sizeof(prefix) - 1) ? prefix : "", msg);
	return buf;
}

static void journal_send(int level, const struct log_fields *f, const char *file, int line,
			 const char *func, const char *msg)
{
	char message[LOG_MSG_MAX + 16], code_file[512], code_line[32];
	char fields[7][512];
	struct iovec iov[8];
	int n = 0;

	snprintf(message, sizeof(message), "MESSAGE=%s", msg);
	snprintf(code_file, sizeof(code_file), "CODE_FILE=%s", file);
	snprintf(code_line, sizeof(code_line), "CODE_LINE=%d", line);
	snprintf(fields[n++], sizeof(fields[0]), "PRIORITY=%d", level);
	if (cur_generation)
		snprintf(fields[n++], sizeof(fields[0]), "POLICY_GENERATION=%" PRIu64,
			 cur_generation);
	if (f && f->interface)
		snprintf(fields[n++], sizeof(fields[0]), "INTERFACE=%s", f->interface);
	if (f && f->rule)
		snprintf(fields[n++], sizeof(fields[0]), "RULE=%s", f->rule);
	if (f && f->balancer)
		snprintf(fields[n++], sizeof(fields[0]), "BALANCER=%s", f->balancer);
	if (f && f->backend)
		snprintf(fields[n++], sizeof(fields[0]), "BACKEND=%s", f->backend);
	if (f && f->backend_state)
		snprintf(fields[n++], sizeof(fields[0]), "BACKEND_STATE=%s", f->backend_state);
	iov[0] = (struct iovec){.iov_base = message, .iov_len = strlen(message)};
	for (int i = 0; i < n; i++)
		iov[i + 1] = (struct iovec){.iov_base = fields[i], .iov_len = strlen(fields[i])};
	/* with_location: the caller's CODE_* fields, not this function's */
	if (sd_journal_sendv_with_location(code_file, code_line, func, iov, n + 1) < 0)
		fprintf(stderr, "xdpd: %s: %s\n", log_level_name(level), msg);
}

void log_msg(int level, const struct log_fields *f, const char *file, int line, const char *func,
	     const char *fmt, ...)
{
	int saved_errno = errno;
	char msg[LOG_MSG_MAX];
	va_list ap;

	if (level > max_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (to_journal)
		journal_send(level, f, file, line, func, msg);
	else
		fprintf(stderr, "xdpd: %s: %s\n", log_level_name(level), msg);
	errno = saved_errno;
}
