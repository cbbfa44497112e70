// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * One generation: open the embedded object, point its stateful maps at the
 * pinned ones, compile the policy with stable slots, size and fill the policy
 * maps, load. Nothing here touches a running interface: a failure leaves the
 * old generation exactly as it was.
 */
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath_internal.h"
#include "log.h"
#include "maps_write.h"
#include "sample_maps.h"
#include "sha256.h"
#include "xdpd.skel.h"

void dp_object_sha256(uint8_t out[32])
{
	size_t len;
	const void *bytes = xdpd__elf_bytes(&len);

	sha256(bytes, len, out);
}

/* libbpf reports verifier and map errors through its print callback; keep
 * the tail of what it says during a load so the error can quote it. */
static char load_log[16384];
static size_t load_log_len;
static libbpf_print_fn_t saved_print;

static int capture_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	va_list copy;
	int n;

	if (saved_print) {
		va_copy(copy, ap);
		saved_print(level, fmt, copy);
		va_end(copy);
	}
	if (level == LIBBPF_DEBUG)
		return 0;
	if (load_log_len > sizeof(load_log) / 2) {
		/* keep the newest half: the verifier's verdict is at the end */
		size_t keep = sizeof(load_log) / 4;

		memmove(load_log, load_log + load_log_len - keep, keep);
		load_log_len = keep;
	}
	n = vsnprintf(load_log + load_log_len, sizeof(load_log) - load_log_len, fmt, ap);
	if (n > 0)
		load_log_len += (size_t)n < sizeof(load_log) - load_log_len
				    ? (size_t)n
				    : sizeof(load_log) - load_log_len - 1;
	return 0;
}

/* The last few meaningful lines of the captured log, joined by " | ". */
static void log_summary(char *out, size_t len)
{
	const char *lines[4];
	size_t nl = 0, used = 0;
	char *save = NULL, *line;

	out[0] = '\0';
	for (line = strtok_r(load_log, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!*line || strstr(line, "PROG LOAD LOG") || !strncmp(line, "processed ", 10) ||
		    strstr(line, "verification time"))
			continue;
		if (nl == 4)
			memmove(lines, lines + 1, 3 * sizeof(lines[0])), nl = 3;
		lines[nl++] = line;
	}
	for (size_t i = 0; i < nl && used + 1 < len; i++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", i ? " | " : "", lines[i]);
}

static int load_object(struct xdpd *skel, char *err, size_t errlen)
{
	char summary[768];
	int r;

	load_log_len = 0;
	load_log[0] = '\0';
	saved_print = libbpf_set_print(capture_print);
	r = xdpd__load(skel);
	libbpf_set_print(saved_print);
	if (r == 0)
		return 0;
	log_summary(summary, sizeof(summary));
	snprintf(err, errlen, "loading the XDP program failed (%s): %s", strerror(-r),
		 summary[0] ? summary : "no message from libbpf");
	return r;
}

/* Pinned maps derived from others, which the daemon rebuilds when it finds
 * them empty (blocklist_fast.c repaints bl4_top from bl_slotkey): a pin of
 * an older layout is replaced rather than refused, so an upgrade that
 * changes their layout needs no teardown. */
static const char *const rebuildable_maps[] = {"bl4_top", NULL};

static bool is_rebuildable(const char *name)
{
	for (const char *const *n = rebuildable_maps; *n; n++)
		if (!strcmp(*n, name))
			return true;
	return false;
}

/* Unpins path when it holds a map of another shape than m's. */
static void drop_other_layout(const struct bpf_map *m, const char *path)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	int fd = bpf_obj_get(path);
	bool same;

	if (fd < 0)
		return;
	same = bpf_obj_get_info_by_fd(fd, &info, &len) == 0 &&
	       info.type == bpf_map__type(m) && info.key_size == bpf_map__key_size(m) &&
	       info.value_size == bpf_map__value_size(m) &&
	       info.max_entries == bpf_map__max_entries(m) && info.map_flags == bpf_map__map_flags(m);
	close(fd);
	if (same)
		return;
	log_warning("map '%s': the pinned one has an older layout: replaced, and rebuilt from the "
		    "blocklist's slot table once the daemon is up",
		    bpf_map__name(m));
	unlink(path);
}

static int set_pin_paths(struct xdpd *skel, const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct bpf_map *m;

	bpf_object__for_each_map(m, skel->obj)
	{
		const char *name = bpf_map__name(m);
		int r;

		if (!dp_map_is_stateful(name))
			continue;
		dp_path(path, sizeof(path), dir, "maps", name);
		if (is_rebuildable(name))
			drop_other_layout(m, path);
		r = bpf_map__set_pin_path(m, path);
		if (r < 0) {
			snprintf(err, errlen, "map '%s': cannot pin at %s: %s", name, path,
				 strerror(-r));
			return r;
		}
	}
	return 0;
}

static int rule_slot(void *ctx, const char *name)
{
	return slot_table_find(&((struct dp_generation *)ctx)->rule_slots, name);
}

static int iface_slot(void *ctx, const char *ifname)
{
	return slot_table_find(&((struct dp_generation *)ctx)->iface_slots, ifname);
}

/* 0: absent, and left out of this generation (datapath_reapply). */
static int ifindex_of(void *ctx, const char *ifname)
{
	const struct datapath *dp = ctx;
	unsigned int i = if_nametoindex(ifname);

	return i ? (int)i : dp && dp->present_only ? 0 : -ENOENT;
}

static int open_object(struct datapath *dp, struct dp_generation *g, char *err, size_t errlen)
{
	char maps_dir[PATH_MAX];
	int r;

	dp_path(maps_dir, sizeof(maps_dir), dp->dir, "maps", NULL);
	LIBBPF_OPTS(bpf_object_open_opts, oo, .pin_root_path = maps_dir);
	g->skel = xdpd__open_opts(&oo);
	if (!g->skel) {
		r = -errno;
		snprintf(err, errlen, "cannot open the embedded BPF object: %s", strerror(errno));
		return r;
	}
	return set_pin_paths(g->skel, dp->dir, err, errlen);
}

/* Everything a generation needs before the kernel is asked: a slot for
 * every name, and the compiled policy (which needs every interface). */
static int plan_and_compile(struct datapath *dp, const struct policy *p, struct dp_generation *g,
			    struct compiled_policy **c, char *err, size_t errlen)
{
	struct slot_lookup sl = {.rule_slot = rule_slot, .iface_slot = iface_slot, .ctx = g,
				 .lb = dp->lb_view};
	int r = dp_slots_plan(dp, p, &g->rule_slots, &g->iface_slots, err, errlen);

	if (r == 0)
		r = compile_policy(p, &sl, ifindex_of, dp, c, err, errlen);
	return r;
}

int dp_generation_check(struct datapath *dp, const struct policy *p, char *err, size_t errlen)
{
	struct dp_generation g = {.prog_fd = -1};
	struct compiled_policy *c = NULL;
	int r = plan_and_compile(dp, p, &g, &c, err, errlen);

	compiled_policy_free(c);
	dp_generation_free(&g);
	return r;
}

int dp_generation_build(struct datapath *dp, const struct policy *p, uint64_t generation,
			struct dp_generation *g, char *err, size_t errlen)
{
	struct compiled_policy *c = NULL;
	struct bpf_program *prog;
	int r;

	*g = (struct dp_generation){.prog_fd = -1};
	r = plan_and_compile(dp, p, g, &c, err, errlen);
	if (r == 0) {
		c->config.generation = (uint32_t)generation;
		r = open_object(dp, g, err, errlen);
	}
	if (r == 0)
		r = maps_prepare(g->skel, c, err, errlen);
	if (r == 0)
		r = sample_ring_prepare(g->skel, p->sampling.ring_bytes, err, errlen);
	if (r == 0 && dp->before_load)
		dp->before_load(dp->before_load_ctx);
	if (r == 0)
		r = load_object(g->skel, err, errlen);
	if (r == 0)
		r = maps_fill(g->skel, c, err, errlen);
	compiled_policy_free(c);
	if (r < 0) {
		dp_generation_free(g);
		return r;
	}
	prog = bpf_object__next_program(g->skel->obj, NULL);
	g->prog_fd = prog ? bpf_program__fd(prog) : -1;
	if (g->prog_fd < 0) {
		snprintf(err, errlen, "the BPF object has no XDP program");
		dp_generation_free(g);
		return -ENOENT;
	}
	return 0;
}

void dp_generation_free(struct dp_generation *g)
{
	xdpd__destroy(g->skel);
	g->skel = NULL;
	g->prog_fd = -1;
	slot_table_free(&g->rule_slots);
	slot_table_free(&g->iface_slots);
}
