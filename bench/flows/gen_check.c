// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The workload generator keeps its word (flows_gen.c): every prefix length
 * is one the mix names, and each class of lengths has its share. Run by
 * meson test (bench suite); needs nothing but the CPU.
 */
#include <stdio.h>
#include <sys/socket.h>

#include "flows.h"

#define N 200000

struct share {
	int lo, hi;    /* lengths of the class */
	double expect; /* its share of the prefixes */
};

static const struct share mix4[] = {{32, 32, 0.60}, {24, 24, 0.25}, {20, 23, 0.10},
				    {25, 31, 0.04}, {16, 19, 0.01}, {8, 15, 0.0001}};
static const struct share mix6[] = {{128, 128, 0.35}, {64, 64, 0.35}, {48, 48, 0.15},
				    {56, 56, 0.10},   {40, 47, 0.02}, {29, 32, 0.03}};

static int check(int family, const struct share *mix, int n)
{
	int count[8] = {0}, bad = 0;
	struct prefix p;

	for (uint32_t i = 0; i < N; i++) {
		int c;

		flows_prefix(family, 0x600dULL, i, &p);
		for (c = 0; c < n && (p.len < mix[c].lo || p.len > mix[c].hi); c++)
			;
		if (c == n) {
			if (!bad++)
				printf("FAIL: IPv%d prefix %u has length /%d, outside the mix\n", family,
				       i, p.len);
			continue;
		}
		count[c]++;
	}
	for (int c = 0; c < n; c++) {
		double got = (double)count[c] / N, tol = mix[c].expect * 0.2 + 0.0002;

		if (got < mix[c].expect - tol || got > mix[c].expect + tol) {
			printf("FAIL: IPv%d /%d-/%d: %.4f of the prefixes, want %.4f\n", family,
			       mix[c].lo, mix[c].hi, got, mix[c].expect);
			bad++;
		}
	}
	printf("%s: IPv%d length mix (%d prefixes)\n", bad ? "FAIL" : "ok", family, N);
	return bad;
}

int main(void)
{
	int bad = check(4, mix4, 6) + check(6, mix6, 6);

	return bad ? 1 : 0;
}
