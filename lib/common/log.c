/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The logging hook: silent until the application installs a handler.
 */

#include <stdio.h>

#include "rte_vmsg_common.h"
#include "log_priv.h"

int rte_vmsg__log_level;
static rte_vmsg_log_fn log_fn;
static void *log_arg;

void rte_vmsg_log_set_handler(rte_vmsg_log_fn fn, enum rte_vmsg_log_level level, void *arg)
{
	log_fn = fn;
	log_arg = arg;
	rte_vmsg__log_level = fn != NULL ? (int)level : 0;
}

rte_vmsg_log_fn rte_vmsg_log_handler(void)
{
	return log_fn;
}

void rte_vmsg_log_stderr(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	static const char *const names[] = { "?", "error", "warning", "info", "debug" };
	unsigned int l = (unsigned int)level;

	(void)arg;
	fprintf(stderr, "vmsg: %s: %s\n", names[l < 5 ? l : 0], msg);
}

void rte_vmsg__log(enum rte_vmsg_log_level level, const char *fmt, ...)
{
	rte_vmsg_log_fn fn = log_fn;
	char line[512]; /* a set-up error with the sysfs commands that fix it is one line */
	va_list ap;

	if (fn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fn(level, line, log_arg);
}
