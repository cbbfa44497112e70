// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stats: counters per interface and action, per rule, per backend, blocklist
 * hits and sampling. Per-CPU counters are summed over the possible CPUs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "api_methods.h"
#include "blocklist.h"
#include "manager.h"

/* xdp_action values, the per-interface counter index within a slot. */
static const char *const action_names[] = {
    [XDP_ABORTED] = "aborted", [XDP_DROP] = "drop",	    [XDP_PASS] = "pass",
    [XDP_TX] = "tx",	       [XDP_REDIRECT] = "redirect",
};
#define N_ACTIONS (sizeof(action_names) / sizeof(action_names[0]))

struct totals {
	uint64_t packets[N_ACTIONS], bytes[N_ACTIONS];
};

static json_object *iface_json(int fd, const char *name, int slot, struct totals *t)
{
	json_object *o = json_object_new_object();
	json_object *acts = json_object_new_object();

	for (size_t a = 0; a < N_ACTIONS; a++) {
		uint64_t packets = 0, bytes = 0;

		if (fd >= 0 && slot >= 0)
			api_percpu_counter(fd, (uint32_t)slot * XDPD_NACT + (uint32_t)a, &packets,
					   &bytes);
		t->packets[a] += packets;
		t->bytes[a] += bytes;
		json_object_object_add(acts, action_names[a], api_counter_json(packets, bytes));
	}
	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "actions", acts);
	return o;
}

static json_object *rules_json(const struct manager *m)
{
	int fd = datapath_map_fd(m->dp, "stats_rule");
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < m->policy->n_rules; i++) {
		const struct policy_rule *r = &m->policy->rules[i];
		const char *name = r->name;
		int slot = datapath_rule_slot(m->dp, name);
		uint64_t packets = 0, bytes = 0;
		json_object *o;

		if (fd >= 0 && slot >= 0)
			api_percpu_counter(fd, (uint32_t)slot, &packets, &bytes);
		o = api_counter_json(packets, bytes);
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "action",
				       json_object_new_string(policy_action_name(r->action)));
		json_object_array_add(a, o);
	}
	return a;
}

/* The blocklist's packets are the sum of its entries' hit counters: one
 * lookup per entry, so a big blocklist is summed over loop turns (a stream
 * whose last step writes the whole stats object). */
#define HITS_BATCH 4096

struct hits_stream {
	struct blocklist *bl;
	json_object *stats; /* the answer, "blocklist" still without "packets" */
	json_object *blocklist;
	struct bl_item *items;
	size_t n, next;
	uint64_t hits;
};

static int hits_step(void *ctx, struct api_text *t)
{
	struct hits_stream *h = ctx;
	uint64_t now = blocklist_now_ns();
	size_t end = h->next + HITS_BATCH < h->n ? h->next + HITS_BATCH : h->n;
	struct blocklist_entry e;
	const char *txt;

	for (; h->next < end; h->next++)
		if (blocklist_get(h->bl, &h->items[h->next], now, &e) == 0)
			h->hits += e.packets;
	if (h->next < h->n)
		return 1;
	json_object_object_add(h->blocklist, "packets", json_object_new_uint64(h->hits));
	txt = json_object_to_json_string_ext(h->stats, JSON_C_TO_STRING_PLAIN);
	if (!txt)
		return -ENOMEM;
	api_text_add(t, txt, strlen(txt));
	return t->oom ? -ENOMEM : 0;
}

static void hits_free(void *ctx)
{
	struct hits_stream *h = ctx;

	json_object_put(h->stats);
	free(h->items);
	free(h);
}

/* c->result = stats, or a stream that completes it. */
static int finish_with_blocklist(struct api_call *c, json_object *stats)
{
	json_object *o = json_object_new_object();
	struct hits_stream *h;
	struct api_text t = {0};
	int r;

	json_object_object_add(o, "entries",
			       json_object_new_uint64(c->bl ? blocklist_count(c->bl) : 0));
	json_object_object_add(stats, "blocklist", o);
	h = calloc(1, sizeof(*h));
	if (!h) {
		json_object_put(stats);
		return -ENOMEM;
	}
	*h = (struct hits_stream){.bl = c->bl, .stats = stats, .blocklist = o};
	r = c->bl ? blocklist_snapshot(c->bl, &h->items, &h->n) : 0;
	if (r == 0 && h->n > HITS_BATCH) {
		c->stream = (struct api_stream){.step = hits_step, .free = hits_free, .ctx = h};
		return 0;
	}
	if (r == 0) /* small: summed now, in one step */
		r = hits_step(h, &t);
	if (r == 0)
		c->result = json_object_get(stats);
	api_text_free(&t);
	hits_free(h);
	return r;
}

int api_stats(struct api_call *c)
{
	const struct manager *m = c->m;
	int fd = datapath_map_fd(m->dp, "stats_iface");
	json_object *o = json_object_new_object();
	json_object *ifaces = json_object_new_array();
	json_object *totals = json_object_new_object();
	struct totals t = {0};

	for (size_t i = 0; i < m->policy->n_ifaces; i++) {
		const char *name = m->policy->ifaces[i].name;

		json_object_array_add(ifaces,
				      iface_json(fd, name, datapath_iface_slot(m->dp, name), &t));
	}
	for (size_t a = 0; a < N_ACTIONS; a++)
		json_object_object_add(totals, action_names[a],
				       api_counter_json(t.packets[a], t.bytes[a]));

	json_object_object_add(o, "interfaces", ifaces);
	json_object_object_add(o, "actions", totals);
	json_object_object_add(o, "rules", rules_json(m));
	json_object_object_add(o, "backends", api_lb_stats(m));
	json_object_object_add(o, "sampling", api_sampling_stats(m));
	return finish_with_blocklist(c, o);
}
