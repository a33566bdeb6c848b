/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * limit: the physical floor of a ping-pong between the two cores. Two 64-byte
 * lines, each written by one side only: A writes a sequence number into X,
 * B waits for it and writes it into Y, A waits for Y. One round trip moves
 * each line once in each direction, as a ring message ideally would.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* X and Y in different 128-byte pairs, so that no adjacent-line prefetch couples them. */
#define LINE_X 0u
#define LINE_Y 256u

struct limit_args {
	uint64_t count;
	uint64_t warmup;
	uint64_t *ticks;
	struct bench_run *out;
};

/* A: @p n round trips from sequence number *@p seq; with @p ticks, each one's TSC ticks. */
static inline __attribute__((always_inline)) int limit_ping(uint64_t *x, const uint64_t *y,
							    uint64_t *seq, uint64_t n,
							    uint64_t *ticks, struct bench_wait *w)
{
	uint64_t spins = 0;
	uint64_t i, t0, t1, q = *seq;
	int rc;

	for (i = 0; i < n; i++, q++) {
		t0 = rte_vmsg_tsc();
		/* LX: the release pairs with B's acquire of X; the value is the message. */
		bench_store_release(x, q);
		/* LY: pairs with B's release of Y. */
		while (bench_load_acquire(y) != q) {
			rc = bench_idle(w, &spins);
			if (rc < 0) {
				*seq = q;
				return rc;
			}
		}
		t1 = rte_vmsg_tsc();
		bench_progress(&spins);
		if (ticks != NULL)
			ticks[i] = t1 - t0;
	}
	*seq = q;
	return 0;
}

static int limit_side(struct bench_side *s)
{
	uint64_t spins = 0;
	const struct limit_args *a = s->arg;
	uint64_t *x = (uint64_t *)(void *)(s->area + LINE_X);
	uint64_t *y = (uint64_t *)(void *)(s->area + LINE_Y);
	uint64_t total = a->warmup + a->count, q = 1, start;
	struct bench_perf_ctx perf;
	struct bench_wait w;
	double cpu0;
	int rc;

	if (bench_start_line(s) < 0)
		return -1;
	bench_wait_init(&w, s);
	if (s->side == 0) {
		/* Warm-up, then the timed round trips; system calls only between the two. */
		rc = limit_ping(x, y, &q, a->warmup, NULL, &w);
		if (rc < 0)
			goto fail;
		bench_perf_begin(&perf);
		cpu0 = bench_thread_cpu_ns();
		start = rte_vmsg_tsc();
		rc = limit_ping(x, y, &q, a->count, a->ticks, &w);
		start = rte_vmsg_tsc() - start;
		cpu0 = bench_thread_cpu_ns() - cpu0;
		/* Before the results are stored: their page is copy-on-write after a fork. */
		bench_perf_end(&perf, a->out);
		if (rc < 0)
			goto fail;
		a->out->real_ns = (double)start * 1e9 / (double)s->tsc_hz;
		a->out->cpu_ns = cpu0;
		return 0;
	}
	for (q = 1; q <= total; q++) {
		/* LX: pairs with A's release of X. */
		while (bench_load_acquire(x) != q) {
			rc = bench_idle(&w, &spins);
			if (rc < 0)
				goto fail;
		}
		bench_progress(&spins);
		/* LY: pairs with A's acquire of Y. */
		bench_store_release(y, q);
	}
	return 0;
fail:
	bench_fail(s, "limit ping-pong stopped at round trip %llu: %s", (unsigned long long)q,
		   rc == -ETIMEDOUT ? "the other side stopped answering" : "the other side failed");
	return -1;
}

int limit_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	struct limit_args a;

	(void)c;
	memset(&a, 0, sizeof(a));
	a.count = env->cfg->samples;
	a.warmup = bench_warmup(a.count);
	a.ticks = env->ticks;
	a.out = out;
	/* Fresh lines: sequence numbers start from 1 again. */
	memset(env->area, 0, LINE_Y + 64);
	if (bench_pair_run(env, limit_side, &a) < 0)
		return -1;
	bench_latency_stats(env->ticks, a.count, env->tsc_hz, out);
	out->mps = (double)a.count * 1e9 / out->real_ns;
	return 0;
}
