/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The virtqueue unit tests' harness: one region with a guard page and its
 * map, driver and device halves of a queue over it, and a traffic engine that
 * checks every byte both ways. xfeat holds the features a test pass adds to
 * every queue (the layout: RING_PACKED, and IN_ORDER).
 */

#ifndef VIRTQ_HARNESS_H
#define VIRTQ_HARNESS_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_mem.h>
#include <rte_vmsg_virtq.h>

#include "vtest.h"

#define REG_SIZE (16u << 20)
#define BUS_BASE 0x4000000000ull
#define BUFSZ 32u
#define F_IND (1ull << RTE_VMSG_VIRTIO_F_INDIRECT_DESC)
#define F_EVT (1ull << RTE_VMSG_VIRTIO_F_EVENT_IDX)
#define F_NDATA (1ull << RTE_VMSG_VIRTIO_F_NOTIFICATION_DATA)

static struct rte_vmsg_region *reg;
static struct rte_vmsg_memmap *map;
static uint8_t *base;
static size_t reg_len;
static size_t top; /* ring blocks are carved downward from the end (the guard page) */
static size_t lo;  /* data buffers upward from the start */
static uint64_t seed;
static uint64_t xfeat; /* added to the features of every queue qp_open_ex() opens */

#define F_PACKED (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED)
#define F_INORDER (1ull << RTE_VMSG_VIRTIO_F_IN_ORDER)

static inline void *local_of(uint64_t bus)
{
	return base + (bus - BUS_BASE);
}

static inline uint64_t buf_alloc(size_t len)
{
	uint64_t b = BUS_BASE + lo;

	lo = (lo + len + 63) & ~(size_t)63;
	if (lo > top)
		abort();
	return b;
}

static inline void mem_reset(void)
{
	top = reg_len;
	lo = 0;
}

struct qp {
	struct rte_vmsg_vq_drv *drv;
	struct rte_vmsg_vq_dev *dev;
	struct rte_vmsg_vq_layout lay;
	uint8_t *mem;
	uint64_t bus;
	uint32_t size;
	uint32_t ind;
};

/* A driver half and a device half of one queue; the block at the top of free memory. */
static inline int qp_open_ex(struct qp *q, uint32_t size, uint32_t ind, uint64_t feat,
			     uint32_t dpol, uint32_t vpol, uint32_t max_chain, uint32_t idle)
{
	struct rte_vmsg_vq_drv_opts o = { .sz = sizeof(o) };
	struct rte_vmsg_vq_dev_opts v = { .sz = sizeof(v) };
	int rc;

	memset(q, 0, sizeof(*q));
	feat |= xfeat;
	if (rte_vmsg_vq_layout_features_get(size, ind, feat, &q->lay) != 0)
		return -EINVAL;
	if (q->lay.bytes > top - lo)
		return -ENOMEM;
	top = (top - q->lay.bytes) & ~(size_t)(RTE_VMSG_VQ_ALIGN - 1);
	q->mem = base + top;
	q->bus = BUS_BASE + top;
	q->size = size;
	q->ind = ind;
	o.size = size;
	o.indirect_max = ind;
	o.features = feat;
	o.policy = dpol;
	o.idle_threshold = idle;
	o.mem = q->mem;
	o.bus_addr = q->bus;
	o.mem_len = q->lay.bytes;
	rc = rte_vmsg_vq_drv_create(&o, &q->drv);
	if (rc != 0)
		return rc;
	v.size = size;
	v.policy = vpol;
	v.features = feat;
	v.map = map;
	v.max_chain = max_chain;
	v.idle_threshold = idle;
	CHECK_EQ(rte_vmsg_vq_drv_addrs(q->drv, &v.desc_addr, &v.driver_addr, &v.device_addr), 0);
	rc = rte_vmsg_vq_dev_attach(&v, &q->dev);
	if (rc != 0) {
		rte_vmsg_vq_drv_destroy(q->drv);
		q->drv = NULL;
	}
	return rc;
}

static inline int qp_open(struct qp *q, uint32_t size, uint32_t ind, uint64_t feat, uint32_t pol)
{
	return qp_open_ex(q, size, ind, feat, pol, pol, 0, 0);
}

static inline void qp_close(struct qp *q)
{
	rte_vmsg_vq_dev_detach(q->dev);
	rte_vmsg_vq_drv_destroy(q->drv);
	q->dev = NULL;
	q->drv = NULL;
}

/* Shared-memory views of a queue, for checks and for hostile writes. */
static inline uint8_t *q_desc(struct qp *q, uint32_t i)
{
	return q->mem + q->lay.desc_off + 16 * (size_t)i;
}

static inline uint8_t *q_avail(struct qp *q)
{
	return q->mem + q->lay.avail_off;
}

static inline uint8_t *q_used(struct qp *q)
{
	return q->mem + q->lay.used_off;
}

static inline uint16_t avail_flags(struct qp *q)
{
	return rte_vmsg_get_le16(q_avail(q));
}

static inline uint16_t used_flags(struct qp *q)
{
	return rte_vmsg_get_le16(q_used(q));
}

static inline uint16_t used_event(struct qp *q)
{
	return rte_vmsg_get_le16(q_avail(q) + 4 + 2 * (size_t)q->size);
}

static inline uint16_t avail_event(struct qp *q)
{
	return rte_vmsg_get_le16(q_used(q) + 4 + 8 * (size_t)q->size);
}

/* ---- traffic engine: driver adds, device pops/checks/writes/pushes, driver reaps ---- */

struct meta {
	uint16_t total, n_out;
	uint32_t lens[8];
	uint32_t used_len;
};

#define TMAX_BUFS 8u

static inline uint8_t pat(uint64_t seq, uint32_t j, uint32_t k, int writer)
{
	return (uint8_t)(seq * 131u + j * 17u + k + (writer ? 0x5a : 0));
}

struct traffic {
	struct qp *q;
	uint32_t max_bufs; /* direct chains */
	bool ind;	   /* use indirect chains at random */
	/*
	 * Per slot: seq mod nslots. In flight are at most N chains and a burst being built
	 * takes 8 more, so N + 8 slots never hand out one that is still in use.
	 */
	struct meta *meta;
	uint32_t nslots;
	uint64_t slots_bus;
	uint64_t added, popped, reaped;
	bool check_noff;
	bool drain; /* add nothing more */
};

static inline uint64_t slot_bus(struct traffic *t, uint64_t seq, uint32_t j)
{
	return t->slots_bus + ((seq % t->nslots) * TMAX_BUFS + j) * BUFSZ;
}

static inline void traffic_init(struct traffic *t, struct qp *q, uint32_t max_bufs, bool ind)
{
	memset(t, 0, sizeof(*t));
	t->q = q;
	t->max_bufs = max_bufs;
	t->ind = ind;
	t->nslots = q->size + 8;
	t->meta = calloc(t->nslots, sizeof(*t->meta));
	t->slots_bus = buf_alloc((size_t)t->nslots * TMAX_BUFS * BUFSZ);
}

static inline void traffic_fini(struct traffic *t)
{
	free(t->meta);
}

/* One round; returns false on the first failed check. */
static inline bool traffic_round(struct traffic *t)
{
	struct rte_vmsg_vq_chain ch[8];
	struct rte_vmsg_vq_buf bufs[8][TMAX_BUFS];
	struct rte_vmsg_vq_req reqs[8];
	struct rte_vmsg_vq_iov iov[8 * TMAX_BUFS];
	struct rte_vmsg_vq_used used[8];
	struct rte_vmsg_vq_cpl cpl[8];
	struct qp *q = t->q;
	uint32_t nb = t->drain ? 0 : 1 + (uint32_t)(vtest_rand(&seed) % 8), i, j, k;
	uint32_t noff;
	int rc;

	for (i = 0; i < nb; i++) {
		uint64_t seq = t->added + i;
		struct meta *m = &t->meta[seq % t->nslots];
		bool ind = t->ind && (vtest_rand(&seed) & 1);
		uint32_t lim = ind ? q->ind : t->max_bufs;
		uint32_t total = 1 + (uint32_t)(vtest_rand(&seed) % lim);

		m->total = (uint16_t)total;
		m->n_out = (uint16_t)(vtest_rand(&seed) % (total + 1));
		for (j = 0; j < total; j++) {
			uint8_t *p;

			m->lens[j] = 1 + (uint32_t)(vtest_rand(&seed) % BUFSZ);
			bufs[i][j].addr = slot_bus(t, seq, j);
			bufs[i][j].len = m->lens[j];
			bufs[i][j].reserved = 0;
			p = local_of(bufs[i][j].addr);
			for (k = 0; k < m->lens[j]; k++)
				p[k] = j < m->n_out ? pat(seq, j, k, 0) : 0;
		}
		ch[i].bufs = bufs[i];
		ch[i].n_out = m->n_out;
		ch[i].n_in = (uint16_t)(total - m->n_out);
		ch[i].flags = ind ? RTE_VMSG_VQ_CHAIN_INDIRECT : 0;
		ch[i].cookie = (void *)(uintptr_t)(seq + 1);
	}
	rc = rte_vmsg_vq_drv_add_burst(q->drv, ch, nb);
	if (rc < 0) {
		CHECK_EQ(rc, 0);
		return false;
	}
	t->added += (uint32_t)rc;
	rc = rte_vmsg_vq_drv_kick(q->drv, &noff);
	CHECK(rc >= 0);
	if (t->check_noff) {
		/* DRV-30: the full 16-bit avail idx in bits 15:0, wrap bit 31 clear. */
		CHECK_EQ(noff, (uint32_t)(t->added & 0xffff));
		CHECK_EQ(noff & RTE_VMSG_AVAIL_WRAP, 0);
	}

	/* Device. */
	rc = rte_vmsg_vq_dev_pop_burst(q->dev, reqs, 1 + (uint32_t)(vtest_rand(&seed) % 8), iov,
				       8 * TMAX_BUFS);
	if (rc < 0) {
		CHECK_EQ(rc, 0);
		return false;
	}
	for (i = 0; i < (uint32_t)rc; i++) {
		uint64_t seq = t->popped++;
		struct meta *m = &t->meta[seq % t->nslots];
		struct rte_vmsg_vq_req *r = &reqs[i];
		uint32_t out = 0, in = 0, wrote = 0;

		if (r->n_iov != m->total) {
			CHECK_EQ(r->n_iov, m->total);
			return false;
		}
		for (j = 0; j < m->total; j++) {
			struct rte_vmsg_vq_iov *v = &iov[r->iov_first + j];
			uint8_t *p = v->base;

			CHECK(v->base == local_of(slot_bus(t, seq, j)));
			CHECK_EQ(v->len, m->lens[j]);
			CHECK_EQ(v->writable, j >= m->n_out);
			for (k = 0; k < v->len; k++) {
				if (v->writable) {
					p[k] = pat(seq, j, k, 1);
				} else if (p[k] != pat(seq, j, k, 0)) {
					CHECK_EQ(p[k], pat(seq, j, k, 0));
					return false;
				}
			}
			if (v->writable)
				in += v->len;
			else
				out += v->len;
		}
		CHECK_EQ(r->out_len, out);
		CHECK_EQ(r->in_len, in);
		wrote = in > 0 ? in - (uint32_t)(seq % 2) : 0;
		m->used_len = wrote;
		used[i].head = r->head;
		used[i].len = wrote;
	}
	if (rc > 0)
		CHECK_EQ(rte_vmsg_vq_dev_push_burst(q->dev, used, (uint32_t)rc), rc);
	CHECK(rte_vmsg_vq_dev_need_notify(q->dev) >= 0);

	/* Driver reaps. */
	rc = rte_vmsg_vq_drv_reap_burst(q->drv, cpl, 1 + (uint32_t)(vtest_rand(&seed) % 8));
	if (rc < 0) {
		CHECK_EQ(rc, 0);
		return false;
	}
	for (i = 0; i < (uint32_t)rc; i++) {
		uint64_t seq = t->reaped++;
		struct meta *m = &t->meta[seq % t->nslots];

		if (cpl[i].cookie != (void *)(uintptr_t)(seq + 1)) {
			CHECK(cpl[i].cookie == (void *)(uintptr_t)(seq + 1));
			return false;
		}
		CHECK_EQ(cpl[i].len, m->used_len);
		for (j = m->n_out; j < m->total; j++) {
			uint8_t *p = local_of(slot_bus(t, seq, j));

			for (k = 0; k < m->lens[j]; k++)
				if (p[k] != pat(seq, j, k, 1)) {
					CHECK_EQ(p[k], pat(seq, j, k, 1));
					return false;
				}
		}
	}
	return true;
}

static inline bool traffic_run(struct traffic *t, uint64_t chains)
{
	while (t->reaped < chains)
		if (!traffic_round(t))
			return false;
	return true;
}

static inline void one_chain(struct qp *q, uint64_t data, void *cookie)
{
	struct rte_vmsg_vq_buf b[2] = { { data, 8, 0 }, { data + 64, 8, 0 } };
	struct rte_vmsg_vq_chain ch = { .bufs = b, .n_out = 1, .n_in = 1, .cookie = cookie };

	CHECK_EQ(rte_vmsg_vq_drv_add_burst(q->drv, &ch, 1), 1);
}

static inline int pop_push_all(struct qp *q)
{
	struct rte_vmsg_vq_req r[16];
	struct rte_vmsg_vq_iov iov[32];
	struct rte_vmsg_vq_used u[16];
	int n = rte_vmsg_vq_dev_pop_burst(q->dev, r, 16, iov, 32);

	for (int i = 0; i < n; i++) {
		u[i].head = r[i].head;
		u[i].len = 0;
	}
	if (n > 0)
		CHECK_EQ(rte_vmsg_vq_dev_push_burst(q->dev, u, (uint32_t)n), n);
	return n;
}

/*
 * The byte-limit edge's queue (8 entries, 65536 descriptors a chain, polling,
 * @p features: F_IND and the layout) and the bus address of a 256-entry
 * indirect table for it, at *@p table locally.
 */
static inline uint64_t max_chain_open(struct qp *q, uint64_t features, uint8_t **table)
{
	uint64_t itab;

	mem_reset();
	CHECK_U64(256 * (uint64_t)reg_len, 1ull << 32);
	CHECK_EQ(qp_open_ex(q, 8, 0, features, RTE_VMSG_VQ_POLICY_POLL, RTE_VMSG_VQ_POLICY_POLL,
			    65536, 0),
		 0);
	itab = buf_alloc(256 * 16);
	*table = local_of(itab);
	return itab;
}

/*
 * The edge of the byte limit, both layouts: the chain the caller made
 * available at @p head (256 buffers of the whole region through an
 * indirect table, the last one byte short: 2^32 - 1 bytes, writable when
 * @p wr) is popped whole with that length, and a used len of all its
 * writable bytes is pushed; the queue stays whole. Returns the len pushed.
 */
static inline uint32_t pop_push_max_chain(struct qp *q, uint16_t head, int wr)
{
	static struct rte_vmsg_vq_iov iov[512];
	struct rte_vmsg_vq_req r = { 0 };
	struct rte_vmsg_vq_stats s;
	struct rte_vmsg_vq_used u;

	CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q->dev, &r, 1, iov, 512), 1);
	CHECK_EQ(r.head, head);
	CHECK_EQ(r.n_iov, 256);
	CHECK_U64(r.out_len, wr ? 0 : UINT32_MAX);
	CHECK_U64(r.in_len, wr ? UINT32_MAX : 0);
	CHECK(iov[255].base == base && iov[255].len == reg_len - 1);
	CHECK_EQ(iov[255].writable, wr);
	u.head = head;
	u.len = r.in_len;
	CHECK_EQ(rte_vmsg_vq_dev_push_burst(q->dev, &u, 1), 1);
	CHECK_EQ(rte_vmsg_vq_dev_stats_get(q->dev, &s), 0);
	CHECK_EQ(s.broken, 0);
	return r.in_len;
}

static inline void collect(void *arg, void *cookie)
{
	uint32_t *seen = arg;
	uintptr_t c = (uintptr_t)cookie;

	if (c >= 1 && c <= 32)
		seen[c]++;
	else
		seen[0]++;
}

static inline void check_broken_dev(struct qp *q, uint32_t reason)
{
	struct rte_vmsg_vq_req r[4];
	struct rte_vmsg_vq_iov iov[16];
	struct rte_vmsg_vq_used u = { 0, 0 };
	struct rte_vmsg_vq_stats s;

	CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q->dev, r, 4, iov, 16), -EIO);
	CHECK_EQ(rte_vmsg_vq_dev_push_burst(q->dev, &u, 1), -EIO);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q->dev), -EIO);
	CHECK_EQ(rte_vmsg_vq_dev_arm(q->dev), -EIO);
	CHECK_EQ(rte_vmsg_vq_dev_stats_get(q->dev, &s), 0);
	CHECK_EQ(s.broken, reason);
	for (uint32_t i = 1; i < RTE_VMSG_VQ_REASON_MAX; i++)
		CHECK_U64(s.reasons[i], i == reason ? 1 : 0);
}

static inline void bystander_ok(struct qp *b)
{
	struct rte_vmsg_vq_stats s;
	struct traffic t;

	traffic_init(&t, b, 4, true);
	CHECK(traffic_run(&t, 300));
	traffic_fini(&t);
	CHECK_EQ(rte_vmsg_vq_dev_stats_get(b->dev, &s), 0);
	CHECK_EQ(s.broken, 0);
}

/* The region (ordinary pages, a guard page after it) and its map. 0 or 1. */
static inline int harness_setup(void)
{
	struct rte_vmsg_region_opts o = { .sz = sizeof(o) };

	seed = vtest_seed();
	o.kind = RTE_VMSG_REGION_KIND_ANON;
	o.flags = RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_GUARD;
	o.size = REG_SIZE;
	o.bus_addr = BUS_BASE;
	/* Ordinary pages: no resource can be missing, a failure is the library's. */
	if (rte_vmsg_region_create(&o, &reg) != 0) {
		fprintf(stderr, "cannot create an anonymous region of ordinary pages\n");
		return 1;
	}
	CHECK((rte_vmsg_region_flags(reg) & RTE_VMSG_REGION_F_GUARD) != 0);
	base = rte_vmsg_region_addr(reg);
	reg_len = rte_vmsg_region_len(reg);
	CHECK_EQ(rte_vmsg_memmap_create(&map), 0);
	CHECK_EQ(rte_vmsg_memmap_add(map, reg), 0);
	return 0;
}

static inline void harness_teardown(void)
{
	rte_vmsg_memmap_destroy(map);
	rte_vmsg_region_destroy(reg);
}

#endif /* VIRTQ_HARNESS_H */
