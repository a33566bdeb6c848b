/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: the AMP link (lib/ring) over shared memory a peer writes.
 * Two ends of one link share a buffer of exactly the layout's size (so the
 * sanitizer sees any access past it): the end that writes the layout is
 * created first, the input may then flip bits of the layout header, and the
 * other end attaches to what is there. A script of steps follows: raw writes
 * of any word of the buffer (a hostile peer), polls, reserve/commit,
 * peek/release, bursts, peer-dead, reset and restarts of either end. After
 * every step each ring end must pass rte_vmsg_ring_valid(), and what a call
 * returns must be one of its documented values.
 *
 * Input: byte 0 chooses the layout (bit 0: v0), the role of end A (bit 1),
 * the element format (bit 2: stamped), RTE_VMSG_LINK_F_DRIVER_WRITES
 * (bit 3) and the size (bits 7:4); byte 1 the element size (bit 0: 128
 * instead of 64); bytes 2-3 how many header bytes to XOR with the next
 * bytes (v1 only); then steps of one opcode byte and its arguments.
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_ring.h>

#include "fuzz.h"

#define MAX_STEPS 96

struct fz {
	uint8_t *buf;
	size_t len;
	struct rte_vmsg_link_opts o[2];
	struct rte_vmsg_link *l[2];
	int up[2];
};

static void check_ring(const struct rte_vmsg_ring *r, const struct fz *f)
{
	FUZZ_CHECK(rte_vmsg_ring_valid(r) == 1);
	/* Both ends point into the shared buffer, whole elements only. */
	FUZZ_CHECK(r->elems >= f->buf &&
		   (size_t)(r->elems - f->buf) + (size_t)r->size * r->esize <= f->len);
	FUZZ_CHECK(r->msg_off + r->msg_max <= r->esize);
}

static void check_all(const struct fz *f)
{
	struct rte_vmsg_link_stats st;
	int s;

	for (s = 0; s < 2; s++) {
		if (f->l[s] == NULL)
			continue;
		check_ring(rte_vmsg_link_tx(f->l[s]), f);
		check_ring(rte_vmsg_link_rx(f->l[s]), f);
		FUZZ_CHECK(rte_vmsg_link_stats_get(f->l[s], &st) == 0);
		FUZZ_CHECK(st.state <= RTE_VMSG_LINK_PEER_DOWN);
	}
}

static void attach(struct fz *f, int s)
{
	int rc = rte_vmsg_link_create(f->buf, f->len, &f->o[s], &f->l[s]);

	FUZZ_CHECK(rc == 0 || rc == -EAGAIN || rc == -EPROTO);
	FUZZ_CHECK((rc == 0) == (f->l[s] != NULL));
	f->up[s] = 0;
}

static void poll_end(struct fz *f, int s)
{
	int rc = rte_vmsg_link_poll(f->l[s]);

	FUZZ_CHECK(rc == RTE_VMSG_LINK_CONNECTING || rc == RTE_VMSG_LINK_UP ||
		   rc == RTE_VMSG_LINK_PEER_DOWN || rc == -EIO);
	f->up[s] = rc == RTE_VMSG_LINK_UP;
}

/* Produces up to n messages, writing every byte of each slot, commits some. */
static void produce(struct rte_vmsg_ring *r, uint32_t n, uint32_t keep, uint8_t fill)
{
	int k = rte_vmsg_ring_reserve(r, n), i;

	FUZZ_CHECK(k == -EIO || (k >= 0 && (uint32_t)k <= n && (uint32_t)k < r->size));
	if (k <= 0)
		return;
	for (i = 0; i < k; i++)
		memset(rte_vmsg_ring_slot(r, (uint32_t)i), fill, r->msg_max);
	FUZZ_CHECK(rte_vmsg_ring_commit(r, (uint32_t)k + 1u) == -EINVAL);
	keep %= (uint32_t)k + 1u;
	FUZZ_CHECK(rte_vmsg_ring_commit(r, keep) == (int)keep);
}

/* Peeks up to n messages, reading every byte of each slot, releases some. */
static void consume(struct rte_vmsg_ring *r, uint32_t n, uint32_t keep)
{
	volatile uint8_t sink = 0;
	const uint8_t *m;
	int k = rte_vmsg_ring_peek(r, n), i;
	uint32_t j;

	FUZZ_CHECK(k == -EIO || (k >= 0 && (uint32_t)k <= n && (uint32_t)k < r->size));
	if (k <= 0)
		return;
	for (i = 0; i < k; i++) {
		m = rte_vmsg_ring_slot(r, (uint32_t)i);
		for (j = 0; j < r->msg_max; j++)
			sink ^= m[j];
	}
	(void)sink;
	keep %= (uint32_t)k + 1u;
	FUZZ_CHECK(rte_vmsg_ring_release(r, keep) == (int)keep);
}

static void burst(struct rte_vmsg_ring *tx, struct rte_vmsg_ring *rx, uint32_t n, uint8_t fill)
{
	uint8_t msgs[4 * 128];
	uint32_t len = tx->msg_max < 128 ? tx->msg_max : 128;
	int k;

	n = n % 4 + 1;
	memset(msgs, fill, sizeof(msgs));
	k = rte_vmsg_ring_enqueue_burst(tx, msgs, len, n);
	FUZZ_CHECK(k == -EIO || (k >= 0 && (uint32_t)k <= n));
	FUZZ_CHECK(rte_vmsg_ring_enqueue_burst(tx, msgs, tx->msg_max + 1, 1) == -EMSGSIZE);
	len = rx->msg_max < 128 ? rx->msg_max : 128;
	k = rte_vmsg_ring_dequeue_burst(rx, msgs, len, n);
	FUZZ_CHECK(k == -EIO || (k >= 0 && (uint32_t)k <= n));
	(void)rte_vmsg_ring_ready(rx);
}

static void step(struct fz *f, struct in *in)
{
	uint8_t op = (uint8_t)take(in, 1);
	int s = (op >> 3) & 1;
	uint32_t arg = op >> 4, off, v;
	struct rte_vmsg_link *l = f->l[s];

	switch (op & 7) {
	case 0: /* the peer writes a 16-bit word anywhere */
		off = take(in, 2) % (uint32_t)f->len & ~1u;
		v = take(in, 2);
		rte_vmsg_put_le16(f->buf + off, (uint16_t)v);
		return;
	case 1: /* ...or a 32-bit one */
		off = take(in, 2) % (uint32_t)f->len & ~3u;
		v = take(in, 4);
		rte_vmsg_put_le32(f->buf + off, v);
		return;
	case 2:
		if (l != NULL)
			poll_end(f, s);
		return;
	case 3:
		v = take(in, 1);
		if (l != NULL && f->up[s])
			produce(rte_vmsg_link_tx(l), arg + 1, v, (uint8_t)op);
		return;
	case 4:
		v = take(in, 1);
		if (l != NULL && f->up[s])
			consume(rte_vmsg_link_rx(l), arg + 1, v);
		return;
	case 5:
		if (l != NULL && f->up[s])
			burst(rte_vmsg_link_tx(l), rte_vmsg_link_rx(l), arg, op);
		return;
	case 6:
		if (l == NULL)
			return;
		FUZZ_CHECK((arg & 1 ? rte_vmsg_link_reset(l) : rte_vmsg_link_peer_dead(l)) == 0);
		f->up[s] = 0;
		return;
	default: /* this end's process restarts (or attaches at last) */
		rte_vmsg_link_destroy(l);
		f->l[s] = NULL;
		attach(f, s);
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct fz f;
	uint32_t cfg, esize, nflip, i, steps;
	int v0, a_writes, s;

	if (size < 4)
		return 0;
	memset(&f, 0, sizeof(f));
	cfg = take(&in, 1);
	esize = take(&in, 1) & 1 ? 128 : 64;
	nflip = take(&in, 2) % 65;
	v0 = cfg & 1;
	for (s = 0; s < 2; s++) {
		f.o[s].sz = sizeof(f.o[s]);
		/* End A has the role of bit 1, end B the other one. */
		f.o[s].role = ((cfg >> 1) & 1) ^ (uint32_t)s ? RTE_VMSG_LINK_DRIVER
							     : RTE_VMSG_LINK_DEVICE;
		if (v0) {
			f.o[s].layout = RTE_VMSG_LINK_LAYOUT_V0;
			f.o[s].v0_queue_size = 256 + 64 * (cfg >> 4);
		} else {
			f.o[s].num_elems = 2 + (cfg >> 4);
			f.o[s].elem_size = esize;
			f.o[s].format =
				cfg & 4 ? RTE_VMSG_LINK_FMT_STAMPED : RTE_VMSG_LINK_FMT_COMPAT;
			f.o[s].flags = cfg & 8 ? RTE_VMSG_LINK_F_DRIVER_WRITES : 0;
		}
	}
	if (v0)
		f.len = 2u * f.o[0].v0_queue_size;
	else
		f.len = rte_vmsg_link_layout_size(f.o[0].num_elems, esize);
	/* Exactly the layout (a multiple of 64): one byte past it is an overflow. */
	f.buf = aligned_alloc(64, f.len);
	FUZZ_CHECK(f.buf != NULL);
	memset(f.buf, 0, f.len);

	/* The end that writes the layout first; v0 has none, either will do. */
	a_writes = v0 || (f.o[0].role == RTE_VMSG_LINK_DEVICE) == !(cfg & 8);
	s = a_writes ? 0 : 1;
	FUZZ_CHECK(rte_vmsg_link_create(f.buf, f.len, &f.o[s], &f.l[s]) == 0);
	/* A peer that lays out a header the reader must refuse, or not. */
	for (i = 0; i < nflip && !v0; i++)
		f.buf[i] ^= (uint8_t)take(&in, 1);
	attach(&f, 1 - s);
	check_all(&f);

	for (steps = 0; steps < MAX_STEPS && in.n > 0; steps++) {
		step(&f, &in);
		check_all(&f);
	}
	rte_vmsg_link_destroy(f.l[0]);
	rte_vmsg_link_destroy(f.l[1]);
	free(f.buf);
	return 0;
}
