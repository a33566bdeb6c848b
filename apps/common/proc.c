/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Bounded waits for a child process.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "vmsg_util.h"

uint64_t vmsg_util_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int vmsg_util_wait_child(pid_t pid, uint64_t timeout_ns, uint64_t poll_ns, int *status)
{
	uint64_t deadline = vmsg_util_now_ns() + timeout_ns;
	struct timespec nap = { (time_t)(poll_ns / 1000000000u), (long)(poll_ns % 1000000000u) };
	pid_t w;

	for (;;) {
		w = waitpid(pid, status, WNOHANG);
		if (w == pid)
			return 0;
		if (w < 0 && errno != EINTR)
			return -errno;
		if (vmsg_util_now_ns() > deadline)
			break;
		nanosleep(&nap, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	return -ETIMEDOUT;
}
