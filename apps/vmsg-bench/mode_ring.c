/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * ring: ping-pong latency and one-way throughput over an AMP link
 * (rte_vmsg_link, rte_vmsg_ring_enqueue_burst/dequeue_burst). The device side
 * (side 0) writes the layout and measures; the driver side (side 1) attaches
 * and echoes (ping-pong) or produces (throughput).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <time.h>

#include <rte_vmsg_ring.h>

#include "bench.h"

struct ring_args {
	enum bench_test test;
	uint32_t burst;
	uint32_t len; /* bytes per message: the link's maximum */
	int format;
	int stream;	/* the producer (side 1) streams its bursts: RTE_VMSG_LINK_F_STREAM */
	uint64_t count; /* round trips or messages, timed */
	uint64_t warmup;
	uint64_t *ticks;	   /* side 0 */
	struct bench_run *out;	   /* side 0 */
	struct rte_vmsg_link *dev; /* side 0: the device end, made before the sides start */
};

#define ALWAYS_INLINE inline __attribute__((always_inline))

size_t ring_area_size(uint32_t elems, uint32_t elem_size)
{
	return rte_vmsg_link_layout_size(elems, elem_size);
}

/* ------------------------------------------------------------------------ */
/* Ping-pong. The message length is a constant in each instance, as in an    */
/* application that sends one message type: the copies inline.               */

/*
 * @p n round trips of a burst; with @p ticks, each one's TSC ticks. Returns 0,
 * or -1 after saying why.
 */
static ALWAYS_INLINE int pp_rounds(struct bench_side *s, const struct ring_args *a,
				   struct rte_vmsg_ring *tx, struct rte_vmsg_ring *rx, uint32_t len,
				   uint64_t *seq, uint64_t n, uint64_t *ticks, struct bench_wait *w)
{
	uint64_t spins = 0;
	uint8_t out[BENCH_BURST_MAX * BENCH_ELEM_MAX] __attribute__((aligned(64)));
	uint8_t in[BENCH_BURST_MAX * BENCH_ELEM_MAX] __attribute__((aligned(64)));
	uint32_t b = a->burst, sent, got, j;
	uint64_t i, t0, t1, q = *seq;
	int k;

	memset(out, 0, sizeof(out));
	for (i = 0; i < n; i++) {
		for (j = 0; j < b; j++)
			bench_msg_set_seq(out + (size_t)j * len, q + j);
		t0 = rte_vmsg_tsc();
		for (sent = 0; sent < b; sent += (uint32_t)k) {
			k = rte_vmsg_ring_enqueue_burst(tx, out + (size_t)sent * len, len,
							b - sent);
			if (k <= 0 && (k < 0 || (k = bench_idle(w, &spins)) < 0))
				goto fail;
		}
		for (got = 0; got < b; got += (uint32_t)k) {
			k = rte_vmsg_ring_dequeue_burst(rx, in + (size_t)got * len, len, b - got);
			if (k <= 0 && (k < 0 || (k = bench_idle(w, &spins)) < 0))
				goto fail;
		}
		t1 = rte_vmsg_tsc();
		bench_progress(&spins);
		for (j = 0; j < b; j++)
			if (bench_msg_seq(in + (size_t)j * len) != q + j) {
				bench_fail(s, "ping-pong: message %llu came back as %llu",
					   (unsigned long long)(q + j),
					   (unsigned long long)bench_msg_seq(in + (size_t)j * len));
				return -1;
			}
		q += b;
		if (ticks != NULL)
			ticks[i] = t1 - t0;
	}
	*seq = q;
	return 0;
fail:
	bench_fail(s, "ping-pong stopped at message %llu: %s", (unsigned long long)q, bench_why(k));
	return -1;
}

/* Warm-up round trips, then the timed ones; system calls only between the two. */
static ALWAYS_INLINE int pp_ping(struct bench_side *s, const struct ring_args *a,
				 struct rte_vmsg_ring *tx, struct rte_vmsg_ring *rx, uint32_t len)
{
	uint64_t seq = 1, start;
	struct bench_perf_ctx perf;
	struct bench_wait w;
	double cpu0;
	int rc;

	bench_wait_init(&w, s);
	if (pp_rounds(s, a, tx, rx, len, &seq, a->warmup, NULL, &w) < 0)
		return -1;
	bench_perf_begin(&perf);
	cpu0 = bench_thread_cpu_ns();
	start = rte_vmsg_tsc();
	rc = pp_rounds(s, a, tx, rx, len, &seq, a->count, a->ticks, &w);
	start = rte_vmsg_tsc() - start;
	cpu0 = bench_thread_cpu_ns() - cpu0;
	/* Before the results are stored: their page is copy-on-write after a fork. */
	bench_perf_end(&perf, a->out);
	a->out->real_ns = (double)start * 1e9 / (double)s->tsc_hz;
	a->out->cpu_ns = cpu0;
	return rc;
}

/* Echoes what arrives, as it arrives, until it has echoed every message. */
static ALWAYS_INLINE int pp_pong(struct bench_side *s, const struct ring_args *a,
				 struct rte_vmsg_ring *tx, struct rte_vmsg_ring *rx, uint32_t len)
{
	uint64_t spins = 0;
	uint8_t buf[BENCH_BURST_MAX * BENCH_ELEM_MAX] __attribute__((aligned(64)));
	uint64_t total = (a->warmup + a->count) * a->burst, done = 0;
	uint32_t n, sent;
	struct bench_wait w;
	int k;

	bench_wait_init(&w, s);
	while (done < total) {
		k = rte_vmsg_ring_dequeue_burst(rx, buf, len, a->burst);
		if (k <= 0) {
			if (k < 0 || (k = bench_idle(&w, &spins)) < 0)
				goto fail;
			continue;
		}
		bench_progress(&spins);
		n = (uint32_t)k;
		for (sent = 0; sent < n; sent += (uint32_t)k) {
			k = rte_vmsg_ring_enqueue_burst(tx, buf + (size_t)sent * len, len,
							n - sent);
			if (k <= 0 && (k < 0 || (k = bench_idle(&w, &spins)) < 0))
				goto fail;
		}
		done += n;
	}
	return 0;
fail:
	bench_fail(s, "echo stopped after %llu messages: %s", (unsigned long long)done,
		   bench_why(k));
	return -1;
}

/* ------------------------------------------------------------------------ */
/* Throughput: side 1 produces as fast as it can, side 0 consumes and times.  */
/* Both check nothing is lost or reordered: one sequence number per message. */

static ALWAYS_INLINE int tput_produce(struct bench_side *s, const struct ring_args *a,
				      struct rte_vmsg_ring *tx, uint32_t len)
{
	uint64_t spins = 0;
	uint8_t buf[BENCH_BURST_MAX * BENCH_ELEM_MAX] __attribute__((aligned(64)));
	uint64_t total = a->warmup + a->count, sent = 0, seq = 1;
	uint32_t off = 0, avail = 0, j;
	struct bench_wait w;
	int k = 0;

	memset(buf, 0, sizeof(buf));
	bench_wait_init(&w, s);
	while (sent < total) {
		if (avail == 0) {
			avail = total - sent < a->burst ? (uint32_t)(total - sent) : a->burst;
			for (j = 0; j < avail; j++)
				bench_msg_set_seq(buf + (size_t)j * len, seq + j);
			seq += avail;
			off = 0;
		}
		k = rte_vmsg_ring_enqueue_burst(tx, buf + (size_t)off * len, len, avail);
		if (k <= 0) {
			if (k < 0 || (k = bench_idle(&w, &spins)) < 0)
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
	bench_fail(s, "producer stopped after %llu messages: %s", (unsigned long long)sent,
		   bench_why(k));
	return -1;
}

/* Consumes exactly @p n messages; returns how many, or a negative errno. */
static ALWAYS_INLINE int64_t tput_consume(struct bench_side *s, struct rte_vmsg_ring *rx,
					  uint32_t len, uint32_t burst, uint64_t n,
					  uint64_t *expect, struct bench_wait *w)
{
	uint64_t spins = 0;
	uint8_t buf[BENCH_BURST_MAX * BENCH_ELEM_MAX] __attribute__((aligned(64)));
	uint64_t got = 0, e = *expect;
	int j, k;

	while (got < n) {
		/* Never past @p n: a warm-up that took the timed messages would leave
		 * none to time (--messages below a burst). */
		k = rte_vmsg_ring_dequeue_burst(rx, buf, len,
						n - got < burst ? (uint32_t)(n - got) : burst);
		if (k <= 0) {
			if (k < 0 || (k = bench_idle(w, &spins)) < 0)
				return k;
			continue;
		}
		bench_progress(&spins);
		for (j = 0; j < k; j++)
			if (__builtin_expect(
				    bench_msg_seq(buf + (size_t)j * len) != e + (uint64_t)j, 0)) {
				bench_fail(
					s, "throughput: expected message %llu, got %llu",
					(unsigned long long)(e + (uint64_t)j),
					(unsigned long long)bench_msg_seq(buf + (size_t)j * len));
				return -EBADMSG;
			}
		e += (uint64_t)k;
		got += (uint64_t)k;
	}
	*expect = e;
	return (int64_t)got;
}

static ALWAYS_INLINE int tput_measure(struct bench_side *s, const struct ring_args *a,
				      struct rte_vmsg_ring *rx, uint32_t len)
{
	uint64_t expect = 1, total = a->warmup + a->count, t0, t1;
	struct bench_perf_ctx perf;
	struct bench_wait w;
	int64_t warm, timed;
	double cpu0;

	bench_wait_init(&w, s);
	warm = tput_consume(s, rx, len, a->burst, a->warmup, &expect, &w);
	if (warm < 0) {
		timed = warm;
		goto fail;
	}
	bench_perf_begin(&perf);
	cpu0 = bench_thread_cpu_ns();
	t0 = rte_vmsg_tsc();
	timed = tput_consume(s, rx, len, a->burst, total - (uint64_t)warm, &expect, &w);
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
		bench_fail(s, "consumer stopped at message %llu: %s", (unsigned long long)expect,
			   bench_why((int)timed));
	return -1;
}

/* ------------------------------------------------------------------------ */

/* One instance per message length that the cases use, and a generic one. */
#define RING_BODY(LEN)                                                                           \
	do {                                                                                     \
		if (a->test == BENCH_PINGPONG)                                                   \
			return s->side == 0 ? pp_ping(s, a, tx, rx, LEN)                         \
					    : pp_pong(s, a, tx, rx, LEN);                        \
		return s->side == 0 ? tput_measure(s, a, rx, LEN) : tput_produce(s, a, tx, LEN); \
	} while (0)

static int ring_loops(struct bench_side *s, const struct ring_args *a, struct rte_vmsg_ring *tx,
		      struct rte_vmsg_ring *rx)
{
	switch (a->len) {
	case 56:
		RING_BODY(56);
	case 64:
		RING_BODY(64);
	case 248:
		RING_BODY(248);
	case 256:
		RING_BODY(256);
	default:
		RING_BODY(a->len);
	}
}

static int link_check(struct bench_side *s, struct rte_vmsg_link *l)
{
	struct rte_vmsg_link_stats st;

	if (rte_vmsg_link_stats_get(l, &st) < 0)
		return -1;
	if (st.broken || st.bad_index || st.bad_state || st.bad_magic || st.dropped) {
		bench_fail(s,
			   "link counters after the run: broken %u bad_index %llu bad_state %llu "
			   "bad_magic %llu dropped %llu",
			   st.broken, (unsigned long long)st.bad_index,
			   (unsigned long long)st.bad_state, (unsigned long long)st.bad_magic,
			   (unsigned long long)st.dropped);
		return -1;
	}
	return 0;
}

static int ring_side(struct bench_side *s)
{
	const struct ring_args *a = s->arg;
	struct rte_vmsg_link *l = a->dev;
	uint64_t deadline = rte_vmsg_time_ns() + (uint64_t)BENCH_TIMEOUT_S * 1000000000u;
	int rc;

	if (s->side == 1) {
		struct rte_vmsg_link_opts o;
		struct timespec nap = { 0, 20000 };

		memset(&o, 0, sizeof(o));
		o.sz = sizeof(o);
		o.role = RTE_VMSG_LINK_DRIVER;
		o.require_format = 1u + (uint32_t)a->format;
		o.flags = a->stream ? RTE_VMSG_LINK_F_STREAM : 0u;
		while ((rc = rte_vmsg_link_create(s->area, s->area_len, &o, &l)) == -EAGAIN &&
		       rte_vmsg_time_ns() < deadline && bench_read_once(&s->ctl->abort) == 0)
			nanosleep(&nap, NULL);
		if (rc < 0) {
			bench_fail(s, "rte_vmsg_link_create(driver): %s", strerror(-rc));
			return -1;
		}
		if (rte_vmsg_link_max_msg(l) != a->len) {
			bench_fail(s, "the link carries %u-byte messages, expected %u",
				   rte_vmsg_link_max_msg(l), a->len);
			rte_vmsg_link_destroy(l);
			return -1;
		}
	}
	rc = rte_vmsg_link_wait_up(l, (uint64_t)BENCH_TIMEOUT_S * 1000000000u);
	if (rc < 0) {
		bench_fail(s, "link not up: %s", strerror(-rc));
		link_check(s, l);
		goto out;
	}
	rc = ring_loops(s, a, rte_vmsg_link_tx(l), rte_vmsg_link_rx(l));
	if (rc == 0)
		rc = link_check(s, l);
out:
	/* The device end belongs to ring_run(), which reads its counters. */
	if (s->side == 1)
		rte_vmsg_link_destroy(l);
	return rc < 0 ? -1 : 0;
}

int ring_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	struct rte_vmsg_link_opts o;
	struct ring_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.test = c->test;
	a.burst = c->burst;
	a.stream = c->stream;
	a.format = c->format;
	a.count = c->test == BENCH_PINGPONG ? env->cfg->samples : env->cfg->messages;
	a.warmup = bench_warmup(a.count);
	a.ticks = env->ticks;
	a.out = out;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_LINK_DEVICE;
	o.num_elems = c->elems;
	o.elem_size = c->elem_size;
	o.format = (enum rte_vmsg_link_format)c->format;
	/*
	 * Each measurement starts on fresh memory: without the old layout's
	 * magic the device side also clears the driver's queue head, which it
	 * keeps when it takes the memory for a restart of its own.
	 */
	memset(env->area, 0, sizeof(struct rte_vmsg_layout_hdr));
	/* The layout is written before either side starts: the driver never sees the last one. */
	rc = rte_vmsg_link_create(env->area, env->area_len, &o, &a.dev);
	if (rc < 0) {
		fprintf(stderr, "vmsg-bench: rte_vmsg_link_create(device, %u x %u B, %s): %s\n",
			c->elems, c->elem_size, bench_format_name(c->format), strerror(-rc));
		return -1;
	}
	a.len = rte_vmsg_link_max_msg(a.dev);
	c->msg_bytes = a.len;
	rc = bench_pair_run(env, ring_side, &a);
	rte_vmsg_link_destroy(a.dev);
	if (rc < 0)
		return -1;
	if (c->test == BENCH_PINGPONG) {
		bench_latency_stats(env->ticks, a.count, env->tsc_hz, out);
		out->mps = (double)(a.count * c->burst) * 1e9 / out->real_ns;
	}
	return 0;
}
