/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * --perf: perf_event_open(2) counters on the measuring side, enabled and
 * disabled exactly around the timed part of each run. Hardware events
 * (cycles, instructions) when the machine has a PMU, software events
 * (task-clock, context switches, page faults, CPU migrations) always.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

struct perf_event_def {
	const char *name; /* perf(1)'s name */
	const char *key;  /* JSON: perf_<key>, perf_<key>_per_iter */
	uint32_t type;
	uint64_t config;
};

/* In the order they are counted and printed: the hardware ones first. */
static const struct perf_event_def perf_defs[BENCH_PERF_NEV] = {
	{ "cycles", "cycles", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", "instructions", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
	{ "task-clock", "task_clock_ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "context-switches", "context_switches", PERF_TYPE_SOFTWARE,
	  PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "page-faults", "page_faults", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "cpu-migrations", "cpu_migrations", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
};

struct bench_perf_cfg bench_perf;

const char *bench_perf_name(int ev)
{
	return perf_defs[ev].name;
}

const char *bench_perf_key(int ev)
{
	return perf_defs[ev].key;
}

static int perf_open(int ev, int exclude_kernel, int group_fd)
{
	struct perf_event_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = perf_defs[ev].type;
	a.config = perf_defs[ev].config;
	/* The leader starts disabled; members follow it (PERF_IOC_FLAG_GROUP). */
	a.disabled = group_fd < 0;
	a.inherit = 0; /* this thread only: the measuring side */
	a.exclude_kernel = exclude_kernel ? 1u : 0u;
	a.exclude_hv = 1;
	a.read_format =
		PERF_FORMAT_GROUP | PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	/* pid 0, cpu -1: the calling thread, on whatever CPU it runs. */
	fd = syscall(__NR_perf_event_open, &a, 0, -1, group_fd, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? -errno : (int)fd;
}

static void perf_close(struct bench_perf_ctx *p)
{
	int i;

	for (i = p->n - 1; i >= 0; i--)
		close(p->fd[i]);
	p->n = 0;
}

/* Opens the configured events as one group; 0, or -errno (nothing left open). */
static int perf_open_group(struct bench_perf_ctx *p)
{
	int i, fd;

	p->n = 0;
	for (i = 0; i < bench_perf.n; i++) {
		fd = perf_open(bench_perf.ev[i], bench_perf.exclude_kernel, p->n ? p->fd[0] : -1);
		if (fd < 0) {
			perf_close(p);
			return fd;
		}
		p->fd[p->n++] = fd;
	}
	return 0;
}

void bench_perf_begin(struct bench_perf_ctx *p)
{
	p->n = 0;
	if (!bench_perf.on || perf_open_group(p) < 0)
		return;
	/* The open calls above stay out of the counts: the group starts now. */
	ioctl(p->fd[0], PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
	ioctl(p->fd[0], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
}

void bench_perf_end(struct bench_perf_ctx *p, struct bench_run *out)
{
	uint64_t buf[3 + BENCH_PERF_NEV];
	double scale;
	ssize_t got;
	int i;

	if (p->n == 0)
		return;
	ioctl(p->fd[0], PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
	got = read(p->fd[0], buf, sizeof(buf));
	/* buf: nr, time enabled, time running, then one value per event. */
	if (got >= (ssize_t)(3 * sizeof(uint64_t)) && buf[0] == (uint64_t)p->n &&
	    got >= (ssize_t)((3 + buf[0]) * sizeof(uint64_t)) && buf[2] > 0) {
		/* Scaled when the kernel multiplexed the group (running < enabled). */
		scale = (double)buf[1] / (double)buf[2];
		for (i = 0; i < p->n; i++) {
			out->perf[bench_perf.ev[i]] = (double)buf[3 + i] * scale;
			out->perf_mask |= 1u << bench_perf.ev[i];
		}
		out->perf_scaled = buf[1] != buf[2];
	}
	perf_close(p);
}

static void perf_append(char *buf, size_t cap, const char *s)
{
	size_t n = strlen(buf);

	snprintf(buf + n, cap - n, "%s%s", n ? ", " : "", s);
}

/* The hardware events, as a mask of 1 << event. */
static uint32_t perf_hw_mask(void)
{
	uint32_t m = 0;
	int ev;

	for (ev = 0; ev < BENCH_PERF_NEV; ev++)
		if (perf_defs[ev].type == PERF_TYPE_HARDWARE)
			m |= 1u << ev;
	return m;
}

/* Stops counting the events of @p mask, each listed as unavailable with @p why. */
static void perf_drop(uint32_t mask, const char *why)
{
	char line[160];
	int i, ev, k = 0;

	for (i = 0; i < bench_perf.n; i++) {
		ev = bench_perf.ev[i];
		if (mask & (1u << ev)) {
			snprintf(line, sizeof(line), "%s (%s)", perf_defs[ev].name, why);
			perf_append(bench_perf.unavailable, sizeof(bench_perf.unavailable), line);
		} else {
			bench_perf.ev[k++] = ev;
		}
	}
	bench_perf.n = k;
}

static const char *perf_why(int err, int hw)
{
	static char why[128];

	if (hw && (err == ENOENT || err == EOPNOTSUPP) &&
	    access("/sys/bus/event_source/devices/cpu", F_OK) != 0)
		snprintf(why, sizeof(why), "%s: no hardware PMU here", strerrorname_np(err));
	else
		snprintf(why, sizeof(why), "%s", strerrorname_np(err) ? strerrorname_np(err) : "?");
	return why;
}

/* Counts a short loop with the group: 0 when it counted (time running > 0). */
static int perf_try_group(void)
{
	struct bench_perf_ctx p;
	struct bench_run r;
	volatile uint64_t x = 0;
	int i;

	memset(&r, 0, sizeof(r));
	if (perf_open_group(&p) < 0)
		return -1;
	ioctl(p.fd[0], PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
	ioctl(p.fd[0], PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
	for (i = 0; i < 100000; i++)
		x += (uint64_t)i;
	bench_perf_end(&p, &r);
	(void)x;
	return r.perf_mask != 0 ? 0 : -1;
}

int bench_perf_probe(int require)
{
	char line[160];
	int ev, fd, refused = 0, first_err = 0, hw_ok = 0;

	memset(&bench_perf, 0, sizeof(bench_perf));
	for (ev = 0; ev < BENCH_PERF_NEV; ev++) {
		int hw = perf_defs[ev].type == PERF_TYPE_HARDWARE;

		fd = perf_open(ev, bench_perf.exclude_kernel, -1);
		/* perf_event_paranoid 2 lets an unprivileged user count user space only. */
		if ((fd == -EACCES || fd == -EPERM) && !bench_perf.exclude_kernel) {
			bench_perf.exclude_kernel = 1;
			fd = perf_open(ev, 1, -1);
		}
		if (fd < 0) {
			if (fd == -EACCES || fd == -EPERM)
				refused++;
			if (first_err == 0)
				first_err = -fd;
			snprintf(line, sizeof(line), "%s (%s)", perf_defs[ev].name,
				 perf_why(-fd, hw));
			perf_append(bench_perf.unavailable, sizeof(bench_perf.unavailable), line);
			continue;
		}
		close(fd);
		bench_perf.ev[bench_perf.n++] = ev;
		hw_ok += hw;
	}
	/*
	 * User space only: the kernel counts context switches and migrations
	 * in its own context, which exclude_kernel filters out: they would
	 * always read 0, so they are not counted and the output says why.
	 */
	if (bench_perf.exclude_kernel)
		perf_drop(1u << BENCH_PERF_CTX_SWITCHES | 1u << BENCH_PERF_MIGRATIONS,
			  "always 0 when limited to user space");
	/* A PMU that opens but never schedules (some VMs): software events alone. */
	if (bench_perf.n > 0 && perf_try_group() < 0 && hw_ok > 0) {
		perf_drop(perf_hw_mask(), "opens but never counts");
		if (bench_perf.n > 0 && perf_try_group() < 0)
			bench_perf.n = 0;
	}
	for (ev = 0; ev < bench_perf.n; ev++)
		perf_append(bench_perf.counters, sizeof(bench_perf.counters),
			    perf_defs[bench_perf.ev[ev]].name);
	if (bench_perf.n == 0) {
		char paranoid[32] = "?";
		FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "r");

		if (f != NULL) {
			if (fgets(paranoid, sizeof(paranoid), f) == NULL)
				snprintf(paranoid, sizeof(paranoid), "?");
			paranoid[strcspn(paranoid, "\n")] = '\0';
			fclose(f);
		}
		if (refused > 0)
			snprintf(bench_perf.why, sizeof(bench_perf.why),
				 "perf_event_open refused (%s; kernel.perf_event_paranoid is %s): "
				 "run as root or lower /proc/sys/kernel/perf_event_paranoid",
				 strerrorname_np(first_err), paranoid);
		else
			snprintf(bench_perf.why, sizeof(bench_perf.why),
				 "no counter could be opened (%s)",
				 first_err ? strerrorname_np(first_err) : "?");
		fprintf(stderr, "vmsg-bench: --perf: %s%s\n", bench_perf.why,
			require ? "" : "; continuing without counters");
		return require ? -1 : 0;
	}
	bench_perf.on = 1;
	return 0;
}

void bench_perf_describe(FILE *f)
{
	if (!bench_perf.on) {
		fprintf(f, "perf: no counters: %s\n", bench_perf.why);
		return;
	}
	fprintf(f, "perf: counting %s on the measuring side (side 0's thread), timed part only%s\n",
		bench_perf.counters, bench_perf.exclude_kernel ? ", user space only" : "");
	if (bench_perf.unavailable[0] != '\0')
		fprintf(f, "perf: not available: %s\n", bench_perf.unavailable);
}
