/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd: the forwarding threads. One pinned thread per queue pair of a
 * port pair moves both directions of that pair; the main thread can pause
 * them all (to reset or bring up a driver-role port) through one word.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fwd.h"

uint32_t fwd_stop;
/*
 * The pause handshake. The main thread makes fwd_pause_gen odd (fwd_pause())
 * and waits until every thread has stored that value in its @c ack with
 * release (R2): everything the thread did to the ports before is then
 * visible to the main thread (acquire A2). A thread that sees an odd value
 * touches no port until the value is even again; the main thread makes it
 * even with release (R1) after its changes, which the thread's acquire (A1)
 * makes visible. So the pair threads read port state (@c up, the handles)
 * without locks and without a barrier per burst.
 */
uint32_t fwd_pause_gen;

static int port_rx(struct fwd_port *p, uint32_t q, struct rte_vmsg_net_pkt *pk, uint32_t n)
{
	if (p->kind == FWD_PORT_DPDK)
		return fwd_dpdk_rx(p, q, pk, n);
	return fwd_vmsg_rx(p, q, pk, n);
}

/*
 * Sends pk[0 .. n): returns how many the port took (the stream moves past
 * them), with in *@p sent and *@p bytes those it delivered: a device-role
 * port takes a frame too big for its driver's buffers, and its library
 * drops it and counts it (in that port's drops, folded by lib_stats()).
 */
static int port_tx(struct fwd_port *p, uint32_t q, const struct rte_vmsg_net_pkt *pk, uint32_t n,
		   uint64_t *sent, uint64_t *bytes)
{
	uint32_t i;
	int k;

	if (p->kind != FWD_PORT_DPDK)
		return fwd_vmsg_tx(p, q, pk, n, sent, bytes);
	k = fwd_dpdk_tx(p, q, pk, n);
	*sent = k > 0 ? (uint64_t)k : 0;
	*bytes = 0;
	for (i = 0; i < *sent; i++)
		*bytes += pk[i].len;
	return k;
}

static void macswap(struct rte_vmsg_net_pkt *pk, uint32_t n)
{
	uint8_t t[6];
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint8_t *f = pk[i].data;

		if (pk[i].len < 12)
			continue;
		memcpy(t, f, 6);
		memcpy(f, f + 6, 6);
		memcpy(f + 6, t, 6);
	}
}

/*
 * Sends the held packets of @p s; drops them after cfg->retries tries without
 * progress (never in txonly mode: generated packets just wait).
 */
static uint32_t stream_flush(const struct fwd_cfg *cfg, struct fwd_stream *s)
{
	struct fwd_qstats *os = &s->out->qs[s->q];
	uint64_t sent = 0, bytes = 0;
	int n;

	if (!s->out->up) {
		/* The destination is away: what is held is lost. */
		fwd_add(&os->drops, s->held);
		s->held = 0;
		return 0;
	}
	n = port_tx(s->out, s->q, &s->pkts[s->off], s->held, &sent, &bytes);
	if (n == -EMSGSIZE) {
		/* The first packet can never fit the destination's buffers. */
		fwd_add(&os->drops, 1);
		s->off++;
		s->held--;
		return 0;
	}
	if (n < 0)
		n = 0;
	if (sent > 0) {
		fwd_add(&os->tx_pkts, sent);
		fwd_add(&os->tx_bytes, bytes);
	}
	s->off += (uint32_t)n;
	s->held -= (uint32_t)n;
	if (s->held == 0) {
		s->tries = 0;
		return (uint32_t)n;
	}
	if (n > 0 || cfg->mode == FWD_MODE_TXONLY)
		s->tries = 0; /* progress: the peer is consuming */
	else if (++s->tries > cfg->retries) {
		fwd_add(&os->drops, s->held);
		s->held = 0;
		s->tries = 0;
	}
	return (uint32_t)n;
}

/*
 * Device-role port to device-role port: one library call moves the packets
 * from the source driver's transmit buffers into the destination driver's
 * receive buffers. Nothing is held here: without room the packets stay in
 * the source's queue; what the library drops it counts (folded in by
 * lib_stats()).
 */
static uint32_t stream_one_copy(const struct fwd_cfg *cfg, struct fwd_stream *s)
{
	struct rte_vmsg_net_fwd_result r;
	int n;

	if (!s->in->up || !s->out->up)
		return 0;
	n = fwd_vmsg_forward(s->in, s->out, s->q, cfg->burst,
			     cfg->mode == FWD_MODE_MACSWAP ? RTE_VMSG_NET_FWD_F_MACSWAP : 0, &r);
	if (n < 0 || r.taken == 0)
		return 0;
	fwd_add(&s->in->qs[s->q].rx_pkts, r.taken);
	fwd_add(&s->in->qs[s->q].rx_bytes, r.taken_bytes);
	if (r.sent != 0) {
		fwd_add(&s->out->qs[s->q].tx_pkts, r.sent);
		fwd_add(&s->out->qs[s->q].tx_bytes, r.sent_bytes);
	}
	return r.taken;
}

static uint32_t stream_io(const struct fwd_cfg *cfg, struct fwd_stream *s)
{
	struct fwd_qstats *is = &s->in->qs[s->q];
	uint64_t bytes = 0;
	uint32_t i;
	int n;

	if (s->one_copy)
		return stream_one_copy(cfg, s);
	if (s->held != 0)
		return stream_flush(cfg, s);
	if (!s->in->up)
		return 0;
	for (i = 0; i < cfg->burst; i++)
		s->pkts[i].cap = cfg->buf_cap;
	n = port_rx(s->in, s->q, s->pkts, cfg->burst);
	if (n <= 0)
		return 0;
	for (i = 0; i < (uint32_t)n; i++)
		bytes += s->pkts[i].len;
	fwd_add(&is->rx_pkts, (uint64_t)n);
	fwd_add(&is->rx_bytes, bytes);
	if (cfg->mode == FWD_MODE_RXONLY)
		return (uint32_t)n;
	if (cfg->mode == FWD_MODE_MACSWAP)
		macswap(s->pkts, (uint32_t)n);
	s->held = (uint32_t)n;
	s->off = 0;
	stream_flush(cfg, s);
	return (uint32_t)n;
}

/* A test frame: dst, src of the port's stream, ethertype 0x88B5, a sequence number. */
static void gen_frame(struct fwd_thread *t, struct fwd_stream *s, struct rte_vmsg_net_pkt *pk,
		      uint32_t len)
{
	uint8_t *f = pk->data;

	memcpy(f, "\x02\x00\x00\x00\x00\x00", 6);
	f[5] = (uint8_t)(s->out->index + 1);
	memcpy(f + 6, "\x02\x00\x00\x00\x01\x00", 6);
	f[11] = (uint8_t)t->q;
	f[12] = 0x88;
	f[13] = 0xB5;
	memcpy(f + 14, &t->seq, sizeof(t->seq));
	pk->len = len;
	memset(&pk->hdr, 0, sizeof(pk->hdr));
	t->seq++;
}

static uint32_t stream_txonly(const struct fwd_cfg *cfg, struct fwd_thread *t, struct fwd_stream *s)
{
	uint32_t i;

	if (s->held == 0) {
		if (!s->out->up)
			return 0;
		for (i = 0; i < cfg->burst; i++)
			gen_frame(t, s, &s->pkts[i], cfg->txpkt_len);
		s->held = cfg->burst;
		s->off = 0;
	}
	return stream_flush(cfg, s);
}

static void pause_wait(struct fwd_thread *t, uint32_t gen)
{
	/* R2: pairs with A2 in fwd_pause(): our port accesses happen before. */
	__atomic_store_n(&t->ack, gen, __ATOMIC_RELEASE);
	while (__atomic_load_n(&fwd_pause_gen, __ATOMIC_ACQUIRE) == gen &&
	       !__atomic_load_n(&fwd_stop, __ATOMIC_RELAXED)) {
		struct timespec ts = { 0, 20000 };

		nanosleep(&ts, NULL);
	}
}

static void lib_stats(struct fwd_thread *t)
{
	uint32_t i;

	for (i = 0; i < t->nstreams; i++)
		if (t->st[i].in->kind == FWD_PORT_VMSG && t->st[i].in->up)
			fwd_vmsg_lib_stats(t->st[i].in, t->q);
}

static void *fwd_thread_main(void *arg)
{
	struct fwd_thread *t = arg;
	const struct fwd_cfg *cfg = fwd_cfg_global;
	uint64_t loops = 0, idle = 0;
	uint32_t gen, i, moved;

	for (;;) {
		/* A1: pairs with R1 in fwd_resume(): the main thread's port changes. */
		gen = __atomic_load_n(&fwd_pause_gen, __ATOMIC_ACQUIRE);
		if (gen & 1u) {
			pause_wait(t, gen);
			continue;
		}
		if (__atomic_load_n(&fwd_stop, __ATOMIC_RELAXED))
			break;
		moved = 0;
		for (i = 0; i < t->nstreams; i++) {
			if (cfg->mode == FWD_MODE_TXONLY)
				moved += stream_txonly(cfg, t, &t->st[i]);
			else
				moved += stream_io(cfg, &t->st[i]);
		}
		if ((++loops & 1023u) == 0)
			lib_stats(t);
		if (moved != 0 || cfg->idle_us == 0) {
			idle = 0;
			continue;
		}
		if (++idle >= 256) {
			/* Idle: sleep a little (--idle-sleep); never while packets move. */
			struct timespec ts = { 0, (long)cfg->idle_us * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	/* Held packets of a stopped run are dropped and counted. */
	for (i = 0; i < t->nstreams; i++)
		if (t->st[i].held != 0 && cfg->mode != FWD_MODE_TXONLY)
			fwd_add(&t->st[i].out->qs[t->q].drops, t->st[i].held);
	lib_stats(t);
	__atomic_store_n(&t->done, 1u, __ATOMIC_RELEASE);
	return NULL;
}

struct fwd_cfg *fwd_cfg_global;

int fwd_threads_start(struct fwd_cfg *cfg)
{
	uint32_t i, k;
	int rc;

	fwd_cfg_global = cfg;
	for (i = 0; i < cfg->nthreads; i++) {
		struct fwd_thread *t = &cfg->threads[i];
		pthread_attr_t at;
		cpu_set_t set;

		for (k = 0; k < t->nstreams; k++) {
			struct fwd_stream *s = &t->st[k];
			uint32_t b;

			s->one_copy = (cfg->mode == FWD_MODE_IO || cfg->mode == FWD_MODE_MACSWAP) &&
				      fwd_vmsg_one_copy(s->in, s->out, cfg->buf_cap);
			s->bufs = aligned_alloc(64, (size_t)FWD_MAX_BURST * cfg->buf_cap);
			if (s->bufs == NULL) {
				fprintf(stderr, FWD_NAME ": out of memory\n");
				return -ENOMEM;
			}
			for (b = 0; b < FWD_MAX_BURST; b++) {
				memset(&s->pkts[b], 0, sizeof(s->pkts[b]));
				s->pkts[b].data = s->bufs + (size_t)b * cfg->buf_cap;
				s->pkts[b].cap = cfg->buf_cap;
			}
		}
		pthread_attr_init(&at);
		CPU_ZERO(&set);
		CPU_SET(t->cpu, &set);
		pthread_attr_setaffinity_np(&at, sizeof(set), &set);
		rc = pthread_create(&t->tid, &at, fwd_thread_main, t);
		pthread_attr_destroy(&at);
		if (rc != 0) {
			fprintf(stderr, FWD_NAME ": cannot start the thread of CPU %d: %s\n",
				t->cpu, strerror(rc));
			return -rc;
		}
		t->started = 1;
	}
	return 0;
}

void fwd_threads_stop(struct fwd_cfg *cfg)
{
	uint32_t i, k;

	__atomic_store_n(&fwd_stop, 1u, __ATOMIC_RELEASE);
	for (i = 0; i < cfg->nthreads; i++) {
		struct fwd_thread *t = &cfg->threads[i];

		if (t->started)
			pthread_join(t->tid, NULL);
		t->started = 0;
		for (k = 0; k < t->nstreams; k++) {
			free(t->st[k].bufs);
			t->st[k].bufs = NULL;
		}
	}
}

void fwd_pause(struct fwd_cfg *cfg)
{
	uint32_t gen = __atomic_load_n(&fwd_pause_gen, __ATOMIC_RELAXED) + 1u;
	uint32_t i;

	__atomic_store_n(&fwd_pause_gen, gen, __ATOMIC_RELAXED);
	for (i = 0; i < cfg->nthreads; i++) {
		struct fwd_thread *t = &cfg->threads[i];

		if (!t->started)
			continue;
		/* A2: pairs with R2 in pause_wait(). A thread that ended acks no more. */
		while (__atomic_load_n(&t->ack, __ATOMIC_ACQUIRE) != gen &&
		       !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
			sched_yield();
	}
}

void fwd_resume(struct fwd_cfg *cfg)
{
	(void)cfg;
	/* R1: pairs with A1 in fwd_thread_main(). */
	__atomic_store_n(&fwd_pause_gen, __atomic_load_n(&fwd_pause_gen, __ATOMIC_RELAXED) + 1u,
			 __ATOMIC_RELEASE);
}

uint64_t fwd_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
