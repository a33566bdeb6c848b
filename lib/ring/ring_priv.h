/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Private parts of lib/ring shared by link.c and ring_io.c: a link's ring
 * end with what its I/O versions need beside it.
 */

#ifndef RTE_VMSG_RING_PRIV_H
#define RTE_VMSG_RING_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "rte_vmsg_ring.h"
#include "io_priv.h"

/*
 * A link's ring end: the public end first (rte_vmsg_link_tx()/rx() hand out
 * &e->r), then, for a link in I/O memory, the accessors and the offsets in
 * the region of what the end touches. The out-of-line I/O functions get
 * back from the end to this with rte_vmsg__ring_end_of(): only ends of a
 * link ever carry RTE_VMSG_RING_MODE_IO.
 */
struct rte_vmsg__ring_end {
	struct rte_vmsg_ring r;
	struct rte_vmsg__io_win *io; /* NULL in RAM */
	uint64_t elems_off;	     /* the element array, from the region's start */
	uint64_t own_off;	     /* this end's index word */
	uint64_t peer_off;	     /* the other end's */
	uint32_t producer;	     /* 1: the producer end (tx), 0: the consumer end */
};

static inline struct rte_vmsg__ring_end *rte_vmsg__ring_end_of(const struct rte_vmsg_ring *r)
{
	return (struct rte_vmsg__ring_end *)(uintptr_t)((const uint8_t *)r -
							offsetof(struct rte_vmsg__ring_end, r));
}

#endif /* RTE_VMSG_RING_PRIV_H */
