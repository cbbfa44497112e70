// SPDX-License-Identifier: GPL-2.0-or-later
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xdpctl_harness.h"

struct xrun xrun_argv(const char *const *args)
{
	struct xrun r = {0};
	char *argv[64] = {"xdpctl"};
	size_t out_len, err_len;
	int argc = 1;

	while (args[argc - 1] && argc < 63) {
		argv[argc] = (char *)args[argc - 1];
		argc++;
	}
	FILE *out = open_memstream(&r.out, &out_len), *err = open_memstream(&r.err, &err_len);
	ck_assert(out && err);
	r.rc = xdpctl_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

void xrun_free(struct xrun *r)
{
	free(r->out);
	free(r->err);
}

static char missing_dir[] = "/tmp/xdpctl-test.XXXXXX";

static void remove_missing_dir(void)
{
	rmdir(missing_dir);
}

const char *xrun_missing_socket(void)
{
	static char path[108];

	if (!path[0]) {
		ck_assert(mkdtemp(missing_dir));
		atexit(remove_missing_dir);
		snprintf(path, sizeof(path), "%s/absent.sock", missing_dir);
	}
	return path;
}

void xcap_open(struct xcap *x)
{
	memset(x, 0, sizeof(*x));
	x->c.socket_path = xrun_missing_socket();
	x->c.timeout_ms = 1000;
	x->c.out = open_memstream(&x->out, &x->out_len);
	x->c.err = open_memstream(&x->err, &x->err_len);
	ck_assert(x->c.out && x->c.err);
}

char *xcap_take(struct xcap *x, char **err)
{
	fclose(x->c.out);
	fclose(x->c.err);
	if (err)
		*err = x->err;
	else
		free(x->err);
	return x->out;
}

struct json_object *xjson(const char *text)
{
	struct json_object *o = json_tokener_parse(text);

	ck_assert_msg(o != NULL, "bad JSON fixture: %s", text);
	return o;
}
