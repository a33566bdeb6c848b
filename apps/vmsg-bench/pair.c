/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The two sides of a measurement: CPU choice and checks, pinned threads or a
 * forked peer process that re-attaches the memory by path, bounded waits.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>

#include "bench.h"
#include "vmsg_util.h"

/* Writes the CPUs of @p set as a list such as "0-1,4" into @p buf. */
static void cpuset_str(const cpu_set_t *set, char *buf, size_t cap)
{
	size_t used = 0;
	int c, first = -1;

	buf[0] = '\0';
	for (c = 0; c <= CPU_SETSIZE; c++) {
		int in = c < CPU_SETSIZE && CPU_ISSET(c, set);

		if (in && first < 0)
			first = c;
		if (!in && first >= 0) {
			int k;

			if (c - 1 == first)
				k = snprintf(buf + used, cap - used, "%s%d", used ? "," : "",
					     first);
			else
				k = snprintf(buf + used, cap - used, "%s%d-%d", used ? "," : "",
					     first, c - 1);
			if (k < 0 || (size_t)k >= cap - used)
				return;
			used += (size_t)k;
			first = -1;
		}
	}
}

static int cpu_exists(int cpu)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d", cpu);
	if (access(path, F_OK) == 0)
		return 1;
	/* Without sysfs, trust the configured count. */
	return access("/sys/devices/system/cpu", F_OK) != 0 && cpu < sysconf(_SC_NPROCESSORS_CONF);
}

static int cpu_check(int cpu, const cpu_set_t *allowed)
{
	char list[256];

	cpuset_str(allowed, list, sizeof(list));
	if (cpu < 0 || cpu >= CPU_SETSIZE || !cpu_exists(cpu)) {
		fprintf(stderr, "vmsg-bench: --cpus: CPU %d does not exist (usable CPUs: %s)\n",
			cpu, list);
		return -1;
	}
	if (!CPU_ISSET(cpu, allowed)) {
		fprintf(stderr,
			"vmsg-bench: --cpus: CPU %d is not in this process's affinity mask (usable "
			"CPUs: %s)\n",
			cpu, list);
		return -1;
	}
	return 0;
}

int bench_cpus_parse(const char *s, int cpu[2])
{
	cpu_set_t allowed;
	char *end;
	long v[2];
	int i;

	for (i = 0; i < 2; i++) {
		if (*s < '0' || *s > '9')
			goto bad;
		errno = 0;
		v[i] = strtol(s, &end, 10);
		if (errno != 0 || v[i] > INT_MAX)
			goto bad;
		if (i == 0 && *end != ',')
			goto bad;
		if (i == 1 && *end != '\0')
			goto bad;
		s = end + 1;
	}
	if (v[0] == v[1]) {
		fprintf(stderr,
			"vmsg-bench: --cpus %ld,%ld: the two sides need two different CPUs\n", v[0],
			v[1]);
		return -1;
	}
	if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0) {
		fprintf(stderr, "vmsg-bench: sched_getaffinity: %s\n", strerror(errno));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		if (cpu_check((int)v[i], &allowed) < 0)
			return -1;
		cpu[i] = (int)v[i];
	}
	return 0;
bad:
	fprintf(stderr, "vmsg-bench: --cpus: expected two CPU numbers 'A,B', e.g. --cpus 0,1\n");
	return -1;
}

int bench_cpus_default(int cpu[2])
{
	int rc = vmsg_util_two_cpus(cpu);

	if (rc < 0 && rc != -ENOENT) {
		fprintf(stderr, "vmsg-bench: sched_getaffinity: %s\n", strerror(-rc));
		return -1;
	}
	if (rc < 0) {
		fprintf(stderr, "vmsg-bench: the affinity mask allows only one CPU; two are needed "
				"(one per "
				"side)\n");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */

int bench_spin_pause;

__attribute__((cold, noinline)) int bench_idle_slow(struct bench_wait *w, uint64_t spins)
{
	uint64_t now = rte_vmsg_tsc();

	/* The peer failed: it said so through the shared word. */
	if (bench_read_once(w->abort) != 0)
		return -ECANCELED;
	/* The first slow check of an idle period starts its clock (64 bits: no wrap). */
	if (spins == 1024u) {
		w->since = now;
		return 0;
	}
	if (now - w->since < w->limit)
		return 0;
	__atomic_store_n(w->abort, 1u, __ATOMIC_RELAXED);
	return -ETIMEDOUT;
}

void bench_fail(struct bench_side *s, const char *fmt, ...)
{
	va_list ap;

	/* Tell the other side first, so it stops waiting. */
	__atomic_store_n(&s->ctl->abort, 1u, __ATOMIC_RELAXED);
	if (bench_progress_tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "vmsg-bench: side %d (%s): ", s->side, s->side == 0 ? "device" : "driver");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int bench_start_line(struct bench_side *s)
{
	uint64_t spins = 0;
	struct bench_wait w;
	int rc;

	bench_wait_init(&w, s);
	/*
	 * Each side publishes the run number on its own line, then waits for
	 * the other's: release here pairs with the acquire below on the
	 * other side, so what each set up before the line is visible after.
	 */
	bench_store_release(&s->ctl->ready[s->side][0], s->run_id);
	while (bench_load_acquire(&s->ctl->ready[!s->side][0]) != s->run_id) {
		rc = bench_idle(&w, &spins);
		if (rc < 0) {
			bench_fail(s, "the other side never reached the start line (%s)",
				   strerror(-rc));
			return -1;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------------ */

struct side_thread {
	struct bench_side s;
	bench_side_fn fn;
	int cpu;
};

static int pin_self_check(int cpu)
{
	int on = sched_getcpu();

	if (on != cpu) {
		fprintf(stderr, "vmsg-bench: pinned to CPU %d but running on %d\n", cpu, on);
		return -1;
	}
	return 0;
}

/*
 * A new thread's stack is fresh memory: touch 64 KiB of it now, so that no
 * first touch of a stack page (a page fault) lands in a timed loop, as
 * --perf showed it did in the first run of a measurement.
 */
static __attribute__((noinline)) void prefault_stack(void)
{
	volatile uint8_t pad[64 * 1024];
	size_t i;

	for (i = 0; i < sizeof(pad); i += 256)
		pad[i] = 0;
}

/* A side's thread, pinned by vmsg_util_run_pair(). */
static int side_thread_main(void *p, int pinned)
{
	struct side_thread *t = p;

	if (pinned < 0) {
		bench_fail(&t->s, "sched_setaffinity(CPU %d): %s", t->cpu, strerror(-pinned));
		return -1;
	}
	if (pin_self_check(t->cpu) < 0) {
		bench_fail(&t->s, "could not move to CPU %d", t->cpu);
		return -1;
	}
	prefault_stack();
	return t->fn(&t->s);
}

static void side_init(struct bench_side *s, int side, const struct bench_env *env, uint8_t *base,
		      void *arg)
{
	memset(s, 0, sizeof(*s));
	s->side = side;
	s->ctl = (struct bench_ctl *)(void *)base;
	s->area = base + BENCH_CTL_SIZE;
	s->area_len = env->area_len;
	s->run_id = env->run_id;
	s->tsc_hz = env->tsc_hz;
	s->arg = arg;
}

/* A side could not start: the one that did stops at its next idle check. */
static void threads_failed(void *arg, int err)
{
	struct bench_env *env = arg;

	fprintf(stderr, "vmsg-bench: pthread_create: %s\n", strerror(-err));
	__atomic_store_n(&env->ctl->abort, 1u, __ATOMIC_RELAXED);
}

static int run_threads(struct bench_env *env, bench_side_fn fn, void *arg)
{
	struct side_thread t[2];
	struct vmsg_util_side side[2];
	int i;

	for (i = 0; i < 2; i++) {
		side_init(&t[i].s, i, env, env->base, arg);
		t[i].fn = fn;
		t[i].cpu = env->cfg->cpu[i];
		side[i].cpu = t[i].cpu;
		side[i].fn = side_thread_main;
		side[i].arg = &t[i];
		side[i].rc = -1;
	}
	if (vmsg_util_run_pair(side, threads_failed, env) < 0)
		return -1;
	return side[0].rc == 0 && side[1].rc == 0 ? 0 : -1;
}

static int pin_process(int cpu)
{
	int rc = vmsg_util_pin_self(cpu);

	if (rc < 0) {
		fprintf(stderr, "vmsg-bench: sched_setaffinity(CPU %d): %s\n", cpu, strerror(-rc));
		return -1;
	}
	return pin_self_check(cpu);
}

/* The peer process: pinned, the memory attached again by its path. */
static __attribute__((noreturn)) void child_main(struct bench_env *env, bench_side_fn fn, void *arg)
{
	struct rte_vmsg_region *r = NULL;
	struct bench_side s;
	uint8_t *base;
	int rc = -1;

	/* Until attached, fail through the inherited mapping. */
	side_init(&s, 1, env, env->base, arg);
	if (pin_process(env->cfg->cpu[1]) < 0) {
		bench_fail(&s, "cannot pin the peer process");
		_exit(1);
	}
	if (bench_mem_attach(env, &r, &base) < 0) {
		bench_fail(&s, "cannot attach %s", env->mem_path);
		_exit(1);
	}
	side_init(&s, 1, env, base, arg);
	rc = fn(&s);
	rte_vmsg_region_destroy(r);
	/* _exit: the parent's stdio buffers must not be flushed twice. */
	fflush(stderr);
	_exit(rc == 0 ? 0 : 1);
}

/*
 * Waits for the child at most @p secs (it stops within microseconds of the
 * abort word when alive), then kills it. Returns 0 if it succeeded, or -1.
 */
static int reap_child(pid_t pid, uint64_t secs)
{
	int status, rc;

	rc = vmsg_util_wait_child(pid, secs * 1000000000u, 1000000, &status);
	if (rc == -ETIMEDOUT) {
		fprintf(stderr, "vmsg-bench: the peer process %d did not exit; killing it\n",
			(int)pid);
		return -1;
	}
	if (rc < 0) {
		fprintf(stderr, "vmsg-bench: waitpid: %s\n", strerror(-rc));
		return -1;
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "vmsg-bench: the peer process died of signal %d\n",
			WTERMSIG(status));
		return -1;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int run_procs(struct bench_env *env, bench_side_fn fn, void *arg)
{
	struct bench_side s;
	cpu_set_t saved;
	int rc0 = -1, rc1;
	pid_t pid;

	if (sched_getaffinity(0, sizeof(saved), &saved) != 0) {
		fprintf(stderr, "vmsg-bench: sched_getaffinity: %s\n", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "vmsg-bench: fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid == 0)
		child_main(env, fn, arg);

	side_init(&s, 0, env, env->base, arg);
	if (pin_process(env->cfg->cpu[0]) == 0)
		rc0 = fn(&s);
	else
		bench_fail(&s, "cannot pin the measuring process");
	if (sched_setaffinity(0, sizeof(saved), &saved) != 0)
		fprintf(stderr, "vmsg-bench: restoring the affinity mask: %s\n", strerror(errno));
	rc1 = reap_child(pid, rc0 == 0 ? BENCH_TIMEOUT_S : 1u);
	return rc0 == 0 && rc1 == 0 ? 0 : -1;
}

int bench_pair_run(struct bench_env *env, bench_side_fn fn, void *arg)
{
	env->run_id++;
	/* No side runs now: nobody else writes the control block. */
	env->ctl->abort = 0;
	return env->cfg->procs ? run_procs(env, fn, arg) : run_threads(env, fn, arg);
}

/* Two processes whatever --procs says (net: a driver process and a device process). */
int bench_pair_run_procs(struct bench_env *env, bench_side_fn fn, void *arg)
{
	env->run_id++;
	env->ctl->abort = 0;
	return run_procs(env, fn, arg);
}

const char *bench_why(int rc)
{
	switch (rc) {
	case -ETIMEDOUT:
		return "the other side stopped answering";
	case -ECANCELED:
		return "the other side failed";
	case -EIO:
		return "the ring is broken (-EIO)";
	default:
		return strerror(-rc);
	}
}

static size_t samples_bytes(uint64_t n)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);

	return ((size_t)n * sizeof(uint64_t) + pg - 1) / pg * pg;
}

uint64_t *bench_samples_alloc(uint64_t n)
{
	size_t len = samples_bytes(n ? n : 1);
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	/* Best effort: without it the first run after a fork takes the faults. */
	(void)madvise(p, len, MADV_DONTFORK);
	memset(p, 0, len);
	return p;
}

void bench_samples_free(uint64_t *p, uint64_t n)
{
	if (p != NULL)
		munmap(p, samples_bytes(n ? n : 1));
}

double bench_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* A bounded wait's cancel: either side set the shared abort word. */
int bench_aborted(void *side)
{
	const struct bench_side *s = side;

	return bench_read_once(&s->ctl->abort) != 0;
}

int bench_shm_attach(struct bench_side *s, const char *path, uint32_t shm_flags,
		     uint32_t max_inflight, struct rte_vmsg_bus_shm **shm,
		     struct rte_vmsg_bus **bus, char *attached, size_t cap)
{
	struct rte_vmsg_bus_shm_open_opts oo;
	struct rte_vmsg_bus_shm_opts so;
	int rc;

	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DRIVER;
	so.flags = RTE_VMSG_BUS_SHM_F_ADOPT | shm_flags;
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.max_inflight = max_inflight;
	oo.wait_ns = (uint64_t)BENCH_TIMEOUT_S * 1000000000u;
	oo.cancel = bench_aborted;
	oo.cancel_arg = s;
	rc = rte_vmsg_bus_shm_open(&so, &oo, shm, bus);
	if (rc == 0)
		snprintf(attached, cap, "%s", rte_vmsg_region_path(rte_vmsg_bus_shm_region(*shm)));
	return rc;
}
