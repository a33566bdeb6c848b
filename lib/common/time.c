/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Monotonic time and the calibration of the time-stamp counter.
 */

#include <time.h>

#include "rte_vmsg_common.h"

#define RTE_VMSG__ALLOW_PVT
#include "rte_vmsg_atomic_pvt.h"

uint64_t rte_vmsg_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Written once; a racing second calibration stores a value just as good. */
static uint64_t tsc_hz;

#define CAL_WINDOWS 5

uint64_t rte_vmsg_tsc_hz(void)
{
	struct timespec nap = { 0, 4000000 };
	uint64_t est[CAL_WINDOWS], hz, t0, t1, c0, c1;
	int i, j, n = 0;

	hz = rte_vmsg__read_once(&tsc_hz);
	if (hz != 0)
		return hz;
	/* Five 4 ms windows against CLOCK_MONOTONIC_RAW; the median rejects a
	 * window stretched by preemption between the paired reads. */
	for (i = 0; i < CAL_WINDOWS; i++) {
		c0 = rte_vmsg_tsc();
		t0 = raw_ns();
		nanosleep(&nap, NULL);
		c1 = rte_vmsg_tsc();
		t1 = raw_ns();
		if (t1 <= t0 || c1 <= c0)
			continue;
		hz = (uint64_t)((double)(c1 - c0) * 1e9 / (double)(t1 - t0));
		for (j = n; j > 0 && est[j - 1] > hz; j--)
			est[j] = est[j - 1];
		est[j] = hz;
		n++;
	}
	hz = n != 0 ? est[n / 2] : 1000000000ull;
	rte_vmsg__write_once(&tsc_hz, hz);
	return hz;
}
