/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The ring fast path for a link in I/O memory (a PCIe BAR): the peer's
 * index, our index and the elements through the lib/mem I/O accessors and
 * the CPU-to-device barriers, out of line. The inline functions of
 * rte_vmsg_ring.h call these when RTE_VMSG_RING_MODE_IO is set.
 */

#include <errno.h>
#include <stdint.h>

#include "ring_priv.h"

/* Offset in the region of the message area of the @p i-th reserved or peeked element. */
static uint64_t slot_off(const struct rte_vmsg__ring_end *e, uint32_t i)
{
	const struct rte_vmsg_ring *r = &e->r;

	return e->elems_off + (uint64_t)rte_vmsg__ring_add(r, r->idx, i) * r->esize + r->msg_off;
}

uint32_t rte_vmsg__ring_io_peer_load(const struct rte_vmsg_ring *r)
{
	const struct rte_vmsg__ring_end *e = rte_vmsg__ring_end_of(r);
	uint32_t v;

	if (r->mode & RTE_VMSG_RING_MODE_IDX32)
		v = rte_vmsg__io_rd32(e->io, e->peer_off);
	else
		v = rte_vmsg__io_rd16(e->io, e->peer_off);
	/*
	 * IOA1 (producer reading the consumer's head): the read before our
	 * writes into the slots it freed; pairs with IOR2 in
	 * rte_vmsg__ring_io_publish() of the consumer (or a foreign peer's
	 * release of its head). IOA2 (consumer reading the producer's tail):
	 * the read before our reads of the elements it covers; pairs with
	 * IOR1. Both: io_rmb orders the read before later loads and stores.
	 */
	rte_vmsg__io_rmb();
	return v;
}

void rte_vmsg__ring_io_publish(struct rte_vmsg_ring *r, uint32_t idx)
{
	struct rte_vmsg__ring_end *e = rte_vmsg__ring_end_of(r);

	if (e->producer)
		/*
		 * IOR1: the element writes (write-combined ones included)
		 * before the tail; pairs with IOA2 in
		 * rte_vmsg__ring_io_peer_load() of the consumer.
		 */
		rte_vmsg__io_wmb();
	else
		/*
		 * IOR2: our reads of the elements before the head that frees
		 * them; pairs with IOA1 in rte_vmsg__ring_io_peer_load() of
		 * the producer.
		 */
		rte_vmsg__io_rmb();
	if (r->mode & RTE_VMSG_RING_MODE_IDX32)
		rte_vmsg__io_wr32(e->io, e->own_off, idx);
	else
		rte_vmsg__io_wr16(e->io, e->own_off, (uint16_t)idx);
}

int rte_vmsg__ring_io_slot_write(struct rte_vmsg_ring *r, uint32_t i, const void *src, uint32_t len)
{
	struct rte_vmsg__ring_end *e = rte_vmsg__ring_end_of(r);

	/* The inline caller checked both; an end without accessors never gets here. */
	if (e->io == NULL || i >= r->pending || len > r->msg_max)
		return -EINVAL;
	/* Rounded up to 8 inside the element: msg_max + msg_off is the element size. */
	rte_vmsg__io_copy_in(e->io, slot_off(e, i), src, len);
	return 0;
}

int rte_vmsg__ring_io_slot_read(const struct rte_vmsg_ring *r, uint32_t i, uint32_t off, void *dst,
				uint32_t len)
{
	const struct rte_vmsg__ring_end *e = rte_vmsg__ring_end_of(r);

	if (e->io == NULL || i >= r->pending || off > r->msg_max || len > r->msg_max - off)
		return -EINVAL;
	/* IOA2 was passed in rte_vmsg_ring_peek() (through rte_vmsg__ring_io_peer_load()). */
	rte_vmsg__io_copy_out(e->io, slot_off(e, i) + off, dst, len);
	return 0;
}

int rte_vmsg__ring_io_enqueue_burst(struct rte_vmsg_ring *r, const void *msgs, uint32_t len,
				    uint32_t n)
{
	struct rte_vmsg__ring_end *e = rte_vmsg__ring_end_of(r);
	const uint8_t *src = msgs;
	uint32_t i;
	int k;

	if (e->io == NULL)
		return -EINVAL;
	if (len > r->msg_max)
		return -EMSGSIZE;
	k = rte_vmsg_ring_reserve(r, n);
	if (k <= 0)
		return k;
	for (i = 0; i < (uint32_t)k; i++)
		rte_vmsg__io_copy_in(e->io, slot_off(e, i), src + (size_t)i * len, len);
	/* IOR1 in the commit's publish. */
	return rte_vmsg_ring_commit(r, (uint32_t)k);
}

int rte_vmsg__ring_io_dequeue_burst(struct rte_vmsg_ring *r, void *msgs, uint32_t len, uint32_t n)
{
	struct rte_vmsg__ring_end *e = rte_vmsg__ring_end_of(r);
	uint8_t *dst = msgs;
	uint32_t i;
	int k;

	if (e->io == NULL)
		return -EINVAL;
	if (len > r->msg_max)
		return -EMSGSIZE;
	k = rte_vmsg_ring_peek(r, n);
	if (k <= 0)
		return k;
	for (i = 0; i < (uint32_t)k; i++)
		rte_vmsg__io_copy_out(e->io, slot_off(e, i), dst + (size_t)i * len, len);
	/* IOR2 in the release's publish. */
	return rte_vmsg_ring_release(r, (uint32_t)k);
}
