/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The loop bus backend: two ends in one process joined by two bounded FIFOs
 * of frames, for tests and single-process benchmarks.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "opts_priv.h"

#define LOOP_DEFAULT_CAPACITY 256u
#define LOOP_MAX_CAPACITY 65536u

/* One direction: a FIFO of fixed slots, free-running head and tail. */
struct loop_fifo {
	uint8_t *slots; /* capacity * max slots */
	uint16_t *lens;
	uint32_t head; /* next to read */
	uint32_t tail; /* next to write */
};

struct loop_end {
	struct rte_vmsg_bus_loop *loop;
	struct loop_fifo *txq;
	struct loop_fifo *rxq;
};

struct rte_vmsg_bus_loop {
	uint32_t capacity;
	uint32_t max;
	struct loop_fifo fifo[2];
	struct loop_end end[2];
};

static int loop_tx(void *ctx, const void *frame, size_t len)
{
	struct loop_end *e = ctx;
	struct loop_fifo *q = e->txq;
	uint32_t cap = e->loop->capacity;
	uint32_t slot;

	if (frame == NULL || len < RTE_VMSG_HDR_SIZE)
		return -EINVAL;
	if (len > e->loop->max)
		return -EMSGSIZE;
	if (q->tail - q->head >= cap)
		return -EAGAIN;
	slot = q->tail % cap;
	memcpy(q->slots + (size_t)slot * e->loop->max, frame, len);
	q->lens[slot] = (uint16_t)len;
	q->tail++;
	return 0;
}

static int loop_rx_burst(void *ctx, void *bufs, size_t stride, size_t *lens, unsigned int n)
{
	struct loop_end *e = ctx;
	struct loop_fifo *q = e->rxq;
	uint32_t cap = e->loop->capacity;
	unsigned int i;

	if (bufs == NULL || lens == NULL || stride < e->loop->max)
		return -EINVAL;
	for (i = 0; i < n && q->head != q->tail; i++, q->head++) {
		uint32_t slot = q->head % cap;

		memcpy((uint8_t *)bufs + (size_t)i * stride, q->slots + (size_t)slot * e->loop->max,
		       q->lens[slot]);
		lens[i] = q->lens[slot];
	}
	return (int)i;
}

static uint32_t loop_max_msg_size(void *ctx)
{
	const struct loop_end *e = ctx;

	return e->loop->max;
}

static const struct rte_vmsg_bus_ops loop_ops = {
	.sz = sizeof(struct rte_vmsg_bus_ops),
	.tx = loop_tx,
	.rx_burst = loop_rx_burst,
	.max_msg_size = loop_max_msg_size,
};

const struct rte_vmsg_bus_ops *rte_vmsg_bus_loop_ops(void)
{
	return &loop_ops;
}

int rte_vmsg_bus_loop_create(const struct rte_vmsg_bus_loop_opts *opts,
			     struct rte_vmsg_bus_loop **out)
{
	struct rte_vmsg_bus_loop_opts o;
	struct rte_vmsg_bus_loop *l;
	size_t i;
	int rc = -ENOMEM;

	if (out == NULL || rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0)
		return -EINVAL;
	if (o.capacity == 0)
		o.capacity = LOOP_DEFAULT_CAPACITY;
	if (o.max_msg_size == 0)
		o.max_msg_size = RTE_VMSG_MAX_SIZE_DEFAULT;
	if (o.capacity > LOOP_MAX_CAPACITY || o.max_msg_size < RTE_VMSG_MAX_SIZE_MIN ||
	    o.max_msg_size > RTE_VMSG_MAX_SIZE_MAX)
		return -EINVAL;

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->capacity = o.capacity;
	l->max = o.max_msg_size;
	for (i = 0; i < 2; i++) {
		l->fifo[i].slots = malloc((size_t)l->capacity * l->max);
		l->fifo[i].lens = calloc(l->capacity, sizeof(uint16_t));
		if (l->fifo[i].slots == NULL || l->fifo[i].lens == NULL)
			goto err_free;
		l->end[i].loop = l;
		l->end[i].txq = &l->fifo[i];
		l->end[i].rxq = &l->fifo[1 - i];
	}
	*out = l;
	return 0;

err_free:
	rte_vmsg_bus_loop_destroy(l);
	return rc;
}

void rte_vmsg_bus_loop_destroy(struct rte_vmsg_bus_loop *loop)
{
	size_t i;

	if (loop == NULL)
		return;
	for (i = 0; i < 2; i++) {
		free(loop->fifo[i].slots);
		free(loop->fifo[i].lens);
	}
	free(loop);
}

void *rte_vmsg_bus_loop_end(struct rte_vmsg_bus_loop *loop, unsigned int side)
{
	if (loop == NULL || side > 1) {
		errno = EINVAL;
		return NULL;
	}
	return &loop->end[side];
}
