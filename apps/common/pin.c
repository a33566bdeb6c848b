/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Two sides pinned to two CPUs: the CPUs, the pinning, a pair of threads.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "vmsg_util.h"

int vmsg_util_pin_self(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return 0;
	if (cpu >= CPU_SETSIZE)
		return -EINVAL;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	/* pid 0: the calling thread, in a process of one thread or of many. */
	return sched_setaffinity(0, sizeof(set), &set) == 0 ? 0 : -errno;
}

int vmsg_util_two_cpus(int cpu[2])
{
	cpu_set_t set;
	int c, k = 0;

	cpu[0] = cpu[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return -errno;
	for (c = 0; c < CPU_SETSIZE && k < 2; c++)
		if (CPU_ISSET(c, &set))
			cpu[k++] = c;
	return k == 2 ? 0 : -ENOENT;
}

static void *side_main(void *p)
{
	struct vmsg_util_side *s = p;

	s->rc = s->fn(s->arg, vmsg_util_pin_self(s->cpu));
	return NULL;
}

int vmsg_util_run_pair(struct vmsg_util_side side[2], void (*on_error)(void *arg, int err),
		       void *arg)
{
	pthread_t tid[2];
	int i, e, rc = 0, started = 0;

	for (i = 0; i < 2; i++) {
		e = pthread_create(&tid[i], NULL, side_main, &side[i]);
		if (e != 0) {
			rc = -e;
			if (on_error != NULL)
				on_error(arg, rc);
			break;
		}
		started++;
	}
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	return rc;
}
