/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * rte-ring: the same ping-pong and throughput as the ring mode, over two DPDK
 * rte_ring SP/SC rings of 64-byte elements placed in the same shared memory
 * (rte_ring_init on memory of rte_ring_get_memsize_elem() bytes; no EAL).
 * The only file that includes DPDK headers.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "bench.h"

#define RTE_ELEM 64u

struct rte_args {
	enum bench_test test;
	uint32_t burst;
	uint64_t count;
	uint64_t warmup;
	size_t ring_off[2];    /* ring 0: side 0 -> side 1; ring 1: side 1 -> side 0 */
	uint64_t *ticks;       /* side 0 */
	struct bench_run *out; /* side 0 */
};

#define ALWAYS_INLINE inline __attribute__((always_inline))

uint32_t rtering_elems(uint32_t elems)
{
	uint32_t n = 2;

	/* rte_ring without RING_F_EXACT_SZ wants a power of two; 1024 by default. */
	while (n < elems && n < (1u << 24))
		n <<= 1;
	return n;
}

static size_t ring_bytes(uint32_t elems)
{
	ssize_t sz = rte_ring_get_memsize_elem(RTE_ELEM, rtering_elems(elems));

	return sz < 0 ? 0 : ((size_t)sz + 63u) & ~(size_t)63u;
}

size_t rtering_area_size(uint32_t elems, uint32_t elem_size)
{
	(void)elem_size;
	return 2 * ring_bytes(elems);
}

/*
 * @p n round trips of a burst; with @p ticks, each one's TSC ticks. Returns 0,
 * or -1 after saying why.
 */
static ALWAYS_INLINE int pp_rounds(struct bench_side *s, const struct rte_args *a,
				   struct rte_ring *tx, struct rte_ring *rx, uint64_t *seq,
				   uint64_t n, uint64_t *ticks, struct bench_wait *w)
{
	uint64_t spins = 0;
	uint8_t out[BENCH_BURST_MAX * RTE_ELEM] __attribute__((aligned(64)));
	uint8_t in[BENCH_BURST_MAX * RTE_ELEM] __attribute__((aligned(64)));
	uint32_t b = a->burst, sent, got, j;
	uint64_t i, t0, t1, q = *seq;
	int k;

	memset(out, 0, sizeof(out));
	for (i = 0; i < n; i++) {
		for (j = 0; j < b; j++)
			bench_msg_set_seq(out + (size_t)j * RTE_ELEM, q + j);
		t0 = rte_vmsg_tsc();
		for (sent = 0; sent < b; sent += (uint32_t)k) {
			k = (int)rte_ring_enqueue_burst_elem(tx, out + (size_t)sent * RTE_ELEM,
							     RTE_ELEM, b - sent, NULL);
			if (k == 0 && (k = bench_idle(w, &spins)) < 0)
				goto fail;
		}
		for (got = 0; got < b; got += (uint32_t)k) {
			k = (int)rte_ring_dequeue_burst_elem(rx, in + (size_t)got * RTE_ELEM,
							     RTE_ELEM, b - got, NULL);
			if (k == 0 && (k = bench_idle(w, &spins)) < 0)
				goto fail;
		}
		t1 = rte_vmsg_tsc();
		bench_progress(&spins);
		for (j = 0; j < b; j++)
			if (bench_msg_seq(in + (size_t)j * RTE_ELEM) != q + j) {
				bench_fail(s, "rte_ring ping-pong: message %llu came back as %llu",
					   (unsigned long long)(q + j),
					   (unsigned long long)bench_msg_seq(in +
									     (size_t)j * RTE_ELEM));
				return -1;
			}
		q += b;
		if (ticks != NULL)
			ticks[i] = t1 - t0;
	}
	*seq = q;
	return 0;
fail:
	bench_fail(s, "rte_ring ping-pong stopped at message %llu: %s", (unsigned long long)q,
		   bench_why(k));
	return -1;
}

/* Warm-up round trips, then the timed ones; system calls only between the two. */
static int pp_ping(struct bench_side *s, const struct rte_args *a, struct rte_ring *tx,
		   struct rte_ring *rx)
{
	uint64_t seq = 1, start;
	struct bench_perf_ctx perf;
	struct bench_wait w;
	double cpu0;
	int rc;

	bench_wait_init(&w, s);
	if (pp_rounds(s, a, tx, rx, &seq, a->warmup, NULL, &w) < 0)
		return -1;
	bench_perf_begin(&perf);
	cpu0 = bench_thread_cpu_ns();
	start = rte_vmsg_tsc();
	rc = pp_rounds(s, a, tx, rx, &seq, a->count, a->ticks, &w);
	start = rte_vmsg_tsc() - start;
	cpu0 = bench_thread_cpu_ns() - cpu0;
	bench_perf_end(&perf, a->out);
	a->out->real_ns = (double)start * 1e9 / (double)s->tsc_hz;
	a->out->cpu_ns = cpu0;
	return rc;
}

static int pp_pong(struct bench_side *s, const struct rte_args *a, struct rte_ring *tx,
		   struct rte_ring *rx)
{
	uint64_t spins = 0;
	uint8_t buf[BENCH_BURST_MAX * RTE_ELEM] __attribute__((aligned(64)));
	uint64_t total = (a->warmup + a->count) * a->burst, done = 0;
	uint32_t n, sent;
	struct bench_wait w;
	int k;

	bench_wait_init(&w, s);
	while (done < total) {
		k = (int)rte_ring_dequeue_burst_elem(rx, buf, RTE_ELEM, a->burst, NULL);
		if (k == 0) {
			if ((k = bench_idle(&w, &spins)) < 0)
				goto fail;
			continue;
		}
		bench_progress(&spins);
		n = (uint32_t)k;
		for (sent = 0; sent < n; sent += (uint32_t)k) {
			k = (int)rte_ring_enqueue_burst_elem(tx, buf + (size_t)sent * RTE_ELEM,
							     RTE_ELEM, n - sent, NULL);
			if (k == 0 && (k = bench_idle(&w, &spins)) < 0)
				goto fail;
		}
		done += n;
	}
	return 0;
fail:
	bench_fail(s, "rte_ring echo stopped after %llu messages: %s", (unsigned long long)done,
		   bench_why(k));
	return -1;
}

static int tput_produce(struct bench_side *s, const struct rte_args *a, struct rte_ring *tx)
{
	uint64_t spins = 0;
	uint8_t buf[BENCH_BURST_MAX * RTE_ELEM] __attribute__((aligned(64)));
	uint64_t total = a->warmup + a->count, sent = 0, seq = 1;
	uint32_t off = 0, avail = 0, j;
	struct bench_wait w;
	int k;

	memset(buf, 0, sizeof(buf));
	bench_wait_init(&w, s);
	while (sent < total) {
		if (avail == 0) {
			avail = total - sent < a->burst ? (uint32_t)(total - sent) : a->burst;
			for (j = 0; j < avail; j++)
				bench_msg_set_seq(buf + (size_t)j * RTE_ELEM, seq + j);
			seq += avail;
			off = 0;
		}
		k = (int)rte_ring_enqueue_burst_elem(tx, buf + (size_t)off * RTE_ELEM, RTE_ELEM,
						     avail, NULL);
		if (k == 0) {
			if ((k = bench_idle(&w, &spins)) < 0)
				goto fail;
			continue;
		}
		bench_progress(&spins);
		off += (uint32_t)k;
		avail -= (uint32_t)k;
		sent += (uint32_t)k;
	}
	return 0;
fail:
	bench_fail(s, "rte_ring producer stopped after %llu messages: %s", (unsigned long long)sent,
		   bench_why(k));
	return -1;
}

static ALWAYS_INLINE int64_t tput_consume(struct bench_side *s, struct rte_ring *rx, uint32_t burst,
					  uint64_t n, uint64_t *expect, struct bench_wait *w)
{
	uint64_t spins = 0;
	uint8_t buf[BENCH_BURST_MAX * RTE_ELEM] __attribute__((aligned(64)));
	uint64_t got = 0, e = *expect;
	int j, k;

	while (got < n) {
		/* Never past @p n: a warm-up that took the timed messages would leave
		 * none to time (--messages below a burst). */
		k = (int)rte_ring_dequeue_burst_elem(
			rx, buf, RTE_ELEM, n - got < burst ? (uint32_t)(n - got) : burst, NULL);
		if (k == 0) {
			if ((k = bench_idle(w, &spins)) < 0)
				return k;
			continue;
		}
		bench_progress(&spins);
		for (j = 0; j < k; j++)
			if (__builtin_expect(bench_msg_seq(buf + (size_t)j * RTE_ELEM) !=
						     e + (uint64_t)j,
					     0)) {
				bench_fail(s,
					   "rte_ring throughput: expected message %llu, got %llu",
					   (unsigned long long)(e + (uint64_t)j),
					   (unsigned long long)bench_msg_seq(buf +
									     (size_t)j * RTE_ELEM));
				return -EBADMSG;
			}
		e += (uint64_t)k;
		got += (uint64_t)k;
	}
	*expect = e;
	return (int64_t)got;
}

static int tput_measure(struct bench_side *s, const struct rte_args *a, struct rte_ring *rx)
{
	uint64_t expect = 1, total = a->warmup + a->count, t0, t1;
	struct bench_perf_ctx perf;
	struct bench_wait w;
	int64_t warm, timed;
	double cpu0;

	bench_wait_init(&w, s);
	warm = tput_consume(s, rx, a->burst, a->warmup, &expect, &w);
	if (warm < 0) {
		timed = warm;
		goto fail;
	}
	bench_perf_begin(&perf);
	cpu0 = bench_thread_cpu_ns();
	t0 = rte_vmsg_tsc();
	timed = tput_consume(s, rx, a->burst, total - (uint64_t)warm, &expect, &w);
	t1 = rte_vmsg_tsc();
	cpu0 = bench_thread_cpu_ns() - cpu0;
	bench_perf_end(&perf, a->out);
	a->out->cpu_ns = cpu0;
	if (timed < 0)
		goto fail;
	if (timed == 0) {
		/* Cannot be (the warm-up stops at its count): never divide by it. */
		bench_fail(s, "no timed message");
		return -1;
	}
	a->out->iterations = (uint64_t)timed;
	a->out->real_ns = (double)(t1 - t0) * 1e9 / (double)s->tsc_hz;
	a->out->mps = (double)timed * (double)s->tsc_hz / (double)(t1 - t0);
	a->out->cycles_per_msg = (double)(t1 - t0) / (double)timed;
	return 0;
fail:
	if (timed != -EBADMSG)
		bench_fail(s, "rte_ring consumer stopped at message %llu: %s",
			   (unsigned long long)expect, bench_why((int)timed));
	return -1;
}

static int rte_side(struct bench_side *s)
{
	const struct rte_args *a = s->arg;
	/* Both rings live in this side's own mapping of the shared memory: no pointers inside. */
	struct rte_ring *r0 = (struct rte_ring *)(void *)(s->area + a->ring_off[0]);
	struct rte_ring *r1 = (struct rte_ring *)(void *)(s->area + a->ring_off[1]);
	struct rte_ring *tx = s->side == 0 ? r0 : r1, *rx = s->side == 0 ? r1 : r0;

	if (bench_start_line(s) < 0)
		return -1;
	if (a->test == BENCH_PINGPONG)
		return s->side == 0 ? pp_ping(s, a, tx, rx) : pp_pong(s, a, tx, rx);
	return s->side == 0 ? tput_measure(s, a, rx) : tput_produce(s, a, tx);
}

int rtering_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	uint32_t count = rtering_elems(c->elems);
	struct rte_args a;
	int i, rc;

	memset(&a, 0, sizeof(a));
	a.test = c->test;
	a.burst = c->burst;
	a.count = c->test == BENCH_PINGPONG ? env->cfg->samples : env->cfg->messages;
	a.warmup = bench_warmup(a.count);
	a.ticks = env->ticks;
	a.out = out;
	a.ring_off[0] = 0;
	a.ring_off[1] = ring_bytes(c->elems);
	if (a.ring_off[1] == 0 || 2 * a.ring_off[1] > env->area_len) {
		fprintf(stderr, "vmsg-bench: rte_ring of %u elements does not fit\n", count);
		return -1;
	}
	c->msg_bytes = RTE_ELEM;
	/* Made before either side starts (fork and pthread_create order it before them). */
	for (i = 0; i < 2; i++) {
		rc = rte_ring_init((struct rte_ring *)(void *)(env->area + a.ring_off[i]),
				   i == 0 ? "vmsg_bench_ab" : "vmsg_bench_ba", count,
				   RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rc < 0) {
			fprintf(stderr, "vmsg-bench: rte_ring_init(%u): %s\n", count,
				strerror(-rc));
			return -1;
		}
	}
	if (bench_pair_run(env, rte_side, &a) < 0)
		return -1;
	if (c->test == BENCH_PINGPONG) {
		bench_latency_stats(env->ticks, a.count, env->tsc_hz, out);
		out->mps = (double)(a.count * c->burst) * 1e9 / out->real_ns;
	}
	return 0;
}
