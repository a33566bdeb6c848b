/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * limit: the physical floor of a ping-pong between the two cores. Two 64-byte
 * lines, each written by one side only: A writes a sequence number into X,
 * B waits for it and writes it into Y, A waits for Y. One round trip moves
 * each line once in each direction, as a ring message ideally would.
 *
 * And the throughput limit, the stream: 64-byte lines moved one way with no
 * ring protocol. Side 1 fills a block of lines and publishes it with one
 * sequence word; side 0 reads every word of the block (as a ring's dequeue
 * copies its messages out), checks it and hands it back with one word of its
 * own. STREAM_NBUF blocks take turns, so that side 1 fills some while side 0
 * reads others and neither waits on the other's hand-off: the most lines per
 * second the two CPUs can move. (Two blocks, double buffering, held the
 * writer within one block of the reader: each block then paid a cross-core
 * hand-off on the critical path, and a 1024-slot ring beat that "limit" by a
 * third at 64 B.) The stream is measured twice: with ordinary stores, and
 * with non-temporal ones (x86-64), which send each line to memory instead of
 * taking it owned from the reader's cache first; where the two CPUs share no
 * cache that moves more lines (doc/vmsg-bench.md, "The stream"), and the
 * limit is the better of the two.
 *
 * And two floors of what a ring does that the limit does not (doc/vmsg-bench.md,
 * "Floors"): the walk, a ping-pong whose every message goes in the next line
 * of a ring of lines (as a stamped consumer polls the element itself: a line
 * neither side touched for a lap, where the limit reuses one line each way),
 * and the stream published once per BENCH_TPUT_BURST lines, the burst of the
 * throughput ratios.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include "bench.h"

/* X and Y in different 128-byte pairs, so that no adjacent-line prefetch couples them. */
#define LINE_X 0u
#define LINE_Y 256u

/*
 * The walk: X and Y are the lines of two rings of @c lines lines each (X's at
 * the start, Y's from the next page past it), and message q goes in line
 * (q - 1) % lines of each, as a stamped ring's consumer polls its elements.
 */
#define WALK_LINE 64u

static size_t walk_y(uint32_t lines)
{
	return ((size_t)lines * WALK_LINE + 4095u) / 4096u * 4096u;
}

size_t limit_walk_area(uint32_t lines)
{
	return walk_y(lines) + (size_t)lines * WALK_LINE;
}

/* The next line of a walk of @p lines (1: the same line, compiled away). */
static inline __attribute__((always_inline)) uint32_t walk_next(uint32_t j, uint32_t lines)
{
	return j + 1u == lines ? 0u : j + 1u;
}

static inline __attribute__((always_inline)) uint64_t *walk_line(uint8_t *ring, uint32_t j)
{
	return (uint64_t *)(void *)(ring + (size_t)j * WALK_LINE);
}

struct limit_args {
	uint32_t lines; /* 1: the limit; more: the walk over rings of that many lines */
	uint64_t count;
	uint64_t warmup;
	uint64_t *ticks;
	struct bench_run *out;
};

/*
 * A: @p n round trips from sequence number *@p seq, in lines *@p j of the
 * walks @p x and @p y of @p lines lines (1: the two lines of the limit); with
 * @p ticks, each one's TSC ticks.
 */
static inline __attribute__((always_inline)) int limit_ping(uint8_t *x, uint8_t *y, uint32_t lines,
							    uint32_t *j, uint64_t *seq, uint64_t n,
							    uint64_t *ticks, struct bench_wait *w)
{
	uint64_t spins = 0;
	uint64_t i, t0, t1, q = *seq;
	uint32_t k = *j;
	int rc = 0;

	for (i = 0; i < n; i++, q++, k = walk_next(k, lines)) {
		t0 = rte_vmsg_tsc();
		/* LX: the release pairs with B's acquire of X; the value is the message. */
		bench_store_release(walk_line(x, k), q);
		/* LY: pairs with B's release of Y. */
		while (bench_load_acquire(walk_line(y, k)) != q) {
			rc = bench_idle(w, &spins);
			if (rc < 0)
				goto out;
		}
		t1 = rte_vmsg_tsc();
		bench_progress(&spins);
		if (ticks != NULL)
			ticks[i] = t1 - t0;
	}
out:
	*seq = q;
	*j = k;
	return rc < 0 ? rc : 0;
}

/* A: the warm-up, then the timed round trips; system calls only between the two. */
static inline __attribute__((always_inline)) int limit_a(struct bench_side *s,
							 const struct limit_args *a, uint8_t *x,
							 uint8_t *y, uint32_t lines, uint64_t *q,
							 struct bench_wait *w)
{
	struct bench_perf_ctx perf;
	uint64_t start;
	uint32_t j = 0;
	double cpu0;
	int rc;

	rc = limit_ping(x, y, lines, &j, q, a->warmup, NULL, w);
	if (rc < 0)
		return rc;
	bench_perf_begin(&perf);
	cpu0 = bench_thread_cpu_ns();
	start = rte_vmsg_tsc();
	rc = limit_ping(x, y, lines, &j, q, a->count, a->ticks, w);
	start = rte_vmsg_tsc() - start;
	cpu0 = bench_thread_cpu_ns() - cpu0;
	/* Before the results are stored: their page is copy-on-write after a fork. */
	bench_perf_end(&perf, a->out);
	if (rc < 0)
		return rc;
	a->out->real_ns = (double)start * 1e9 / (double)s->tsc_hz;
	a->out->cpu_ns = cpu0;
	return 0;
}

/* B: answers every round trip of A in the same lines. */
static inline __attribute__((always_inline)) int limit_b(uint8_t *x, uint8_t *y, uint32_t lines,
							 uint64_t total, uint64_t *q,
							 struct bench_wait *w)
{
	uint64_t spins = 0;
	uint32_t j = 0;
	int rc;

	for (*q = 1; *q <= total; (*q)++, j = walk_next(j, lines)) {
		/* LX: pairs with A's release of X. */
		while (bench_load_acquire(walk_line(x, j)) != *q) {
			rc = bench_idle(w, &spins);
			if (rc < 0)
				return rc;
		}
		bench_progress(&spins);
		/* LY: pairs with A's acquire of Y. */
		bench_store_release(walk_line(y, j), *q);
	}
	return 0;
}

static int limit_side(struct bench_side *s)
{
	const struct limit_args *a = s->arg;
	uint64_t q = 1;
	struct bench_wait w;
	uint8_t *x, *y;
	int rc;

	if (bench_start_line(s) < 0)
		return -1;
	bench_wait_init(&w, s);
	/* Two instances: the limit's constant single line folds the walk away. */
	if (a->lines == 1) {
		x = s->area + LINE_X;
		y = s->area + LINE_Y;
		rc = s->side == 0 ? limit_a(s, a, x, y, 1, &q, &w)
				  : limit_b(x, y, 1, a->warmup + a->count, &q, &w);
	} else {
		x = s->area;
		y = s->area + walk_y(a->lines);
		rc = s->side == 0 ? limit_a(s, a, x, y, a->lines, &q, &w)
				  : limit_b(x, y, a->lines, a->warmup + a->count, &q, &w);
	}
	if (rc == 0)
		return 0;
	bench_fail(s, "limit ping-pong%s stopped at round trip %llu: %s",
		   a->lines == 1 ? "" : " (walk)", (unsigned long long)q,
		   rc == -ETIMEDOUT ? "the other side stopped answering" : "the other side failed");
	return -1;
}

/* ------------------------------------------------------------------------ */
/* The stream.                                                               */

/*
 * The area: STREAM_NBUF flag lines written by side 1 (FLAG(b): the number of
 * the last block published in buffer b), STREAM_NBUF written by side 0
 * (ACK(b): the number of the last block read out of buffer b), each in its
 * own 128-byte pair, then the STREAM_NBUF buffers of @c lines 64-byte lines
 * each (8 x 64 lines: 32 KiB, half the bytes of the ring it is compared
 * with).
 */
#define STREAM_NBUF 8u
#define STREAM_FLAG(b) ((size_t)(b)*128u)
#define STREAM_ACK(b) (STREAM_NBUF * 128u + (size_t)(b)*128u)
#define STREAM_DATA (2u * STREAM_NBUF * 128u)
#define STREAM_LINE 64u

struct stream_args {
	uint32_t lines;	 /* lines per block: one publish each */
	int nt;		 /* side 1 writes with non-temporal stores, then a store fence */
	uint64_t blocks; /* timed blocks */
	uint64_t warmup; /* blocks before timing */
	uint64_t *ticks; /* side 0: one per timed block, TSC ticks since the previous */
	struct bench_run *out;
};

size_t limit_stream_area(uint32_t lines)
{
	return STREAM_DATA + STREAM_NBUF * (size_t)lines * STREAM_LINE;
}

static inline uint64_t *stream_word(uint8_t *area, size_t off)
{
	return (uint64_t *)(void *)(area + off);
}

static inline uint8_t *stream_block(uint8_t *area, uint32_t lines, uint64_t k)
{
	return area + STREAM_DATA + (size_t)(k % STREAM_NBUF) * lines * STREAM_LINE;
}

/*
 * The same lines written with non-temporal stores (MOVNTI), each line's
 * eight words combined into one write to memory without the line being
 * taken from the reader's cache first; the fence orders them before the
 * flag (SF), which a release store alone does not for such stores.
 */
static void stream_fill_nt(uint8_t *blk, uint32_t lines, uint64_t seq)
{
#if defined(__x86_64__)
	uint32_t i, j;

	for (i = 0; i < lines; i++, seq++) {
		long long *line = (long long *)(void *)(blk + (size_t)i * STREAM_LINE);

		for (j = 0; j < STREAM_LINE / 8; j++)
			__builtin_ia32_movnti64(line + j, (long long)(seq + j));
	}
	__builtin_ia32_sfence();
#else
	(void)blk;
	(void)lines;
	(void)seq;
#endif
}

/* Side 1: fills block k (from 1) once side 0 has read k - STREAM_NBUF out of the same buffer. */
static int stream_write(struct bench_side *s, const struct stream_args *a)
{
	uint64_t total = a->warmup + a->blocks, k, seq = 1, spins = 0;
	struct bench_wait w;
	uint32_t i, j;
	int rc = 0;

	bench_wait_init(&w, s);
	for (k = 1; k <= total; k++) {
		uint64_t *ack = stream_word(s->area, STREAM_ACK(k % STREAM_NBUF));
		uint8_t *blk = stream_block(s->area, a->lines, k);

		/* SA: pairs with side 0's release of ACK(b) (SR below): the buffer is free. */
		while (bench_load_acquire(ack) + STREAM_NBUF < k) {
			rc = bench_idle(&w, &spins);
			if (rc < 0)
				goto fail;
		}
		bench_progress(&spins);
		if (a->nt) {
			stream_fill_nt(blk, a->lines, seq);
			seq += a->lines;
		} else {
			for (i = 0; i < a->lines; i++, seq++) {
				uint64_t *line =
					(uint64_t *)(void *)(blk + (size_t)i * STREAM_LINE);

				/* A whole line written: its sequence number, then seven words of it. */
				for (j = 0; j < STREAM_LINE / 8; j++)
					line[j] = seq + j;
			}
		}
		/* SF: the lines before the flag; pairs with side 0's acquire of FLAG(b). */
		bench_store_release(stream_word(s->area, STREAM_FLAG(k % STREAM_NBUF)), k);
	}
	return 0;
fail:
	bench_fail(s, "stream writer stopped at block %llu: %s", (unsigned long long)k,
		   bench_why(rc));
	return -1;
}

/* Side 0: reads @p n blocks from *@p k on, each line read whole and checked; times each. */
static inline __attribute__((always_inline)) int stream_read(struct bench_side *s,
							     const struct stream_args *a,
							     uint64_t *k, uint64_t n,
							     uint64_t *ticks, struct bench_wait *w)
{
	uint64_t end = *k + n, seq = (*k - 1) * a->lines + 1, spins = 0, prev = rte_vmsg_tsc(), now,
		 bad;
	uint32_t i, j;
	int rc;

	for (; *k < end; (*k)++) {
		const uint64_t *flag = stream_word(s->area, STREAM_FLAG(*k % STREAM_NBUF));
		const uint8_t *blk = stream_block(s->area, a->lines, *k);

		/* SF: pairs with side 1's release of FLAG(b). */
		while (bench_load_acquire(flag) != *k) {
			rc = bench_idle(w, &spins);
			if (rc < 0)
				return rc;
		}
		bench_progress(&spins);
		/* Every word of every line read and checked, as a dequeue copies and checks. */
		for (i = 0, bad = 0; i < a->lines; i++, seq++) {
			const uint64_t *line =
				(const uint64_t *)(const void *)(blk + (size_t)i * STREAM_LINE);

			for (j = 0; j < STREAM_LINE / 8; j++)
				bad |= line[j] ^ (seq + j);
		}
		if (__builtin_expect(bad != 0, 0))
			return -EBADMSG;
		/* SR: the reads before the hand-back; pairs with side 1's acquire (SA). */
		bench_store_release(stream_word(s->area, STREAM_ACK(*k % STREAM_NBUF)), *k);
		now = rte_vmsg_tsc();
		if (ticks != NULL)
			ticks[*k - (end - n)] = now - prev;
		prev = now;
	}
	return 0;
}

static int stream_side(struct bench_side *s)
{
	const struct stream_args *a = s->arg;
	struct bench_perf_ctx perf;
	struct bench_wait w;
	uint64_t k = 1, t0;
	double cpu0;
	int rc;

	if (bench_start_line(s) < 0)
		return -1;
	if (s->side == 1)
		return stream_write(s, a);
	bench_wait_init(&w, s);
	rc = stream_read(s, a, &k, a->warmup, NULL, &w);
	if (rc < 0)
		goto fail;
	bench_perf_begin(&perf);
	cpu0 = bench_thread_cpu_ns();
	t0 = rte_vmsg_tsc();
	rc = stream_read(s, a, &k, a->blocks, a->ticks, &w);
	t0 = rte_vmsg_tsc() - t0;
	cpu0 = bench_thread_cpu_ns() - cpu0;
	bench_perf_end(&perf, a->out);
	if (rc < 0)
		goto fail;
	a->out->real_ns = (double)t0 * 1e9 / (double)s->tsc_hz;
	a->out->cpu_ns = cpu0;
	a->out->cycles_per_msg = (double)t0 / (double)(a->blocks * a->lines);
	return 0;
fail:
	bench_fail(s, "stream reader stopped at block %llu: %s", (unsigned long long)k,
		   rc == -EBADMSG ? "a line held the wrong sequence number" : bench_why(rc));
	return -1;
}

static int stream_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	struct stream_args a;

	memset(&a, 0, sizeof(a));
	a.lines = c->burst;
	a.nt = c->stream;
	/* As many lines as a ring throughput run has messages; one sample per block. */
	a.blocks = env->cfg->messages / a.lines;
	if (a.blocks > env->cfg->samples)
		a.blocks = env->cfg->samples;
	if (a.blocks < 100)
		a.blocks = 100;
	a.warmup = bench_warmup(a.blocks);
	a.ticks = env->ticks;
	a.out = out;
	c->msg_bytes = STREAM_LINE;
	memset(env->area, 0, limit_stream_area(a.lines));
	if (bench_pair_run(env, stream_side, &a) < 0)
		return -1;
	/* Percentiles of the time per block; the rate in lines per second. */
	bench_latency_stats(env->ticks, a.blocks, env->tsc_hz, out);
	out->iterations = a.blocks * a.lines;
	out->mps = (double)out->iterations * 1e9 / out->real_ns;
	return 0;
}

int limit_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	struct limit_args a;

	if (c->test == BENCH_THROUGHPUT)
		return stream_run(env, c, out);
	memset(&a, 0, sizeof(a));
	a.lines = c->walk ? c->elems : 1;
	a.count = env->cfg->samples;
	a.warmup = bench_warmup(a.count);
	a.ticks = env->ticks;
	a.out = out;
	/* Fresh lines: sequence numbers start from 1 again. */
	memset(env->area, 0, c->walk ? limit_walk_area(a.lines) : LINE_Y + 64);
	if (bench_pair_run(env, limit_side, &a) < 0)
		return -1;
	bench_latency_stats(env->ticks, a.count, env->tsc_hz, out);
	out->mps = (double)a.count * 1e9 / out->real_ns;
	return 0;
}
