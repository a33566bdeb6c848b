/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * What the drivers/pcie_amp tests share: a capture of the library's log
 * lines, to check that each failure names its step and its fix.
 */

#ifndef TEST_PCIE_H
#define TEST_PCIE_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_common.h>

#define BDF "0000:00:03.0"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_buf[8192];

static void log_capture(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	size_t n;

	(void)arg;
	pthread_mutex_lock(&log_lock);
	n = strlen(log_buf);
	if (level <= RTE_VMSG_LOG_WARNING && n + strlen(msg) + 2 < sizeof(log_buf)) {
		memcpy(log_buf + n, msg, strlen(msg));
		log_buf[n + strlen(msg)] = '\n';
		log_buf[n + strlen(msg) + 1] = '\0';
	}
	if (getenv("TEST_PCIE_VERBOSE") != NULL)
		fprintf(stderr, "log: %s\n", msg);
	pthread_mutex_unlock(&log_lock);
}

static void log_clear(void)
{
	pthread_mutex_lock(&log_lock);
	log_buf[0] = '\0';
	pthread_mutex_unlock(&log_lock);
}

static int log_has(const char *s)
{
	int r;

	pthread_mutex_lock(&log_lock);
	r = strstr(log_buf, s) != NULL;
	if (!r)
		fprintf(stderr, "log lacks '%s'; it holds:\n%s", s, log_buf);
	pthread_mutex_unlock(&log_lock);
	return r;
}

#endif /* TEST_PCIE_H */
