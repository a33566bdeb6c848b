/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * What the driver-half virtqueue fuzz targets share (fuzz_vq_drv.c: split,
 * fuzz_vqp_drv.c: packed): the chains in flight, each named by its cookie,
 * added from the input's shapes, reaped and returned exactly once, with
 * the descriptor count they take. Include with MAX_N defined.
 */

#ifndef FUZZ_VQ_DRV_H
#define FUZZ_VQ_DRV_H

#include <errno.h>
#include <string.h>

#include <rte_vmsg_virtq.h>

#include "fuzz.h"

/* The chains: cookie i is &chain[i]; state 1 in flight, 0 not. */
struct chain {
	int in_flight;
	uint32_t wlen;	/* writable bytes */
	uint32_t descs; /* descriptors it takes */
};

struct fz {
	uint8_t *buf;
	uint32_t n;
	struct rte_vmsg_vq_layout lay;
	struct rte_vmsg_vq_drv *vq;
	struct chain ch[2 * MAX_N];
	uint32_t used_descs;
	uint32_t next; /* next chain slot to try */
	int pool;      /* an indirect pool: indirect chains allowed */
};

static struct chain *chain_of(struct fz *f, void *cookie)
{
	struct chain *c = cookie;

	FUZZ_CHECK(c >= f->ch && c < f->ch + 2 * MAX_N);
	return c;
}

static void returned(struct fz *f, void *cookie)
{
	struct chain *c = chain_of(f, cookie);

	FUZZ_CHECK(c->in_flight);
	c->in_flight = 0;
	f->used_descs -= c->descs;
}

static void reset_cb(void *arg, void *cookie)
{
	returned(arg, cookie);
}

static void add(struct fz *f, struct in *in, uint32_t count, int indirect)
{
	struct rte_vmsg_vq_buf bufs[4];
	struct rte_vmsg_vq_chain c;
	uint32_t i, j, shape;
	struct chain *ch;
	int rc;

	for (i = 0; i < count; i++) {
		ch = &f->ch[f->next % (2 * MAX_N)];
		if (ch->in_flight)
			return;
		shape = (uint32_t)take64(in, 1);
		memset(&c, 0, sizeof(c));
		memset(bufs, 0, sizeof(bufs));
		c.n_out = (uint16_t)(shape & 1);
		c.n_in = (uint16_t)(1 + ((shape >> 1) & 3) % 3);
		c.flags = indirect && (shape & 0x80) ? RTE_VMSG_VQ_CHAIN_INDIRECT : 0;
		/* A direct chain of at most N buffers (more is -EINVAL). */
		while (!c.flags && (uint32_t)(c.n_out + c.n_in) > f->n)
			c.n_out > 0 ? c.n_out-- : c.n_in--;
		ch->wlen = 0;
		for (j = 0; j < (uint32_t)(c.n_out + c.n_in); j++) {
			bufs[j].addr = 0x1000u * (j + 1);
			bufs[j].len = 1u + ((shape >> 3) << j);
			if (j >= c.n_out)
				ch->wlen += bufs[j].len;
		}
		c.bufs = bufs;
		c.cookie = ch;
		rc = rte_vmsg_vq_drv_add_burst(f->vq, &c, 1);
		FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EIO);
		if (rc != 1)
			return;
		ch->in_flight = 1;
		ch->descs = c.flags ? 1u : (uint32_t)(c.n_out + c.n_in);
		f->used_descs += ch->descs;
		f->next++;
	}
}

static void reap(struct fz *f, uint32_t n)
{
	struct rte_vmsg_vq_cpl cpl[MAX_N];
	int k = rte_vmsg_vq_drv_reap_burst(f->vq, cpl, n), i;

	FUZZ_CHECK(k == -EIO || (k >= 0 && (uint32_t)k <= n));
	for (i = 0; i < k; i++) {
		FUZZ_CHECK(cpl[i].len <= chain_of(f, cpl[i].cookie)->wlen);
		returned(f, cpl[i].cookie);
	}
}

#endif /* FUZZ_VQ_DRV_H */
