/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Which bursts take the streaming copy of RTE_VMSG_LINK_F_STREAM, and which
 * the stamped format's direct stores. This program defines
 * rte_vmsg__ring_stream_copy() and rte_vmsg__ring_direct_in() itself: the
 * inline rte_vmsg_ring_enqueue_burst() compiled here calls these instead of
 * the library's, and they record each call (and write, so that every
 * message can still be checked). The writes themselves, non-temporal and
 * direct stores across two CPUs, are test_ring's and test_ring_threads' to
 * check.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_ring.h>

#include "vtest.h"

#define AREA (1u << 20)

static struct {
	uint32_t calls;
	size_t bytes;
	uint8_t *dst[4];
	size_t len[4];
} rec;

void rte_vmsg__ring_stream_copy(void *dst, const void *src, size_t len, int fence)
{
	(void)fence;
	if (rec.calls < 4) {
		rec.dst[rec.calls] = dst;
		rec.len[rec.calls] = len;
	}
	rec.calls++;
	rec.bytes += len;
	/* What the library promises: whole lines, line-aligned. */
	CHECK(((uintptr_t)dst & 63u) == 0);
	CHECK(len % 64u == 0 && len != 0);
	memcpy(dst, src, len);
}

/*
 * The direct path of the stamped format's 64-byte elements: records each
 * call, and writes what the library's writes (stamp, reserved word,
 * message, zeros after it) with ordinary stores.
 */
static struct {
	uint32_t calls, elems;
	uint32_t idx[4], seq[4], k[4];
} drec;

void rte_vmsg__ring_direct_in(struct rte_vmsg_ring *r, const uint8_t *src, uint32_t len, uint32_t k)
{
	uint32_t i, idx = r->idx;

	if (drec.calls < 4) {
		drec.idx[drec.calls] = r->idx;
		drec.seq[drec.calls] = r->seq;
		drec.k[drec.calls] = k;
	}
	drec.calls++;
	drec.elems += k;
	CHECK_EQ(r->esize, 64);
	CHECK(len <= 64 - RTE_VMSG_STAMP_HDR_SIZE);
	CHECK(k <= r->pending);
	for (i = 0; i < k; i++) {
		uint8_t *e = rte_vmsg__ring_elem(r, idx);
		rte_vmsg_le32 st = rte_vmsg_cpu_to_le32(r->seq + i);

		CHECK(((uintptr_t)e & 63u) == 0);
		memset(e, 0, 64);
		memcpy(e + RTE_VMSG_STAMP_HDR_SIZE, src + (size_t)i * len, len);
		memcpy(e, &st, sizeof(st));
		idx = rte_vmsg__ring_add(r, idx, 1);
	}
}

struct pair {
	uint8_t *mem;
	struct rte_vmsg_link *dev, *drv;
	struct rte_vmsg_ring *tx, *rx;
	uint32_t len; /* the link's message size */
	uint64_t sent, got;
};

static void pair_open(struct pair *p, uint32_t n, uint32_t esize, enum rte_vmsg_link_format fmt,
		      uint32_t flags)
{
	struct rte_vmsg_link_opts o = { .sz = sizeof(o) };
	int i;

	memset(p->mem, 0, AREA);
	o.role = RTE_VMSG_LINK_DEVICE;
	o.num_elems = n;
	o.elem_size = esize;
	o.format = fmt;
	o.flags = flags;
	p->dev = p->drv = NULL;
	CHECK_EQ(rte_vmsg_link_create(p->mem, AREA, &o, &p->dev), 0);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_LINK_DRIVER;
	CHECK_EQ(rte_vmsg_link_create(p->mem, AREA, &o, &p->drv), 0);
	if (p->dev == NULL || p->drv == NULL)
		exit(vtest_done("test_ring_stream"));
	for (i = 0; i < 100; i++) {
		int a = rte_vmsg_link_poll(p->dev), b = rte_vmsg_link_poll(p->drv);

		if (a == RTE_VMSG_LINK_UP && b == RTE_VMSG_LINK_UP)
			break;
	}
	CHECK(i < 100);
	p->tx = rte_vmsg_link_tx(p->dev);
	p->rx = rte_vmsg_link_rx(p->drv);
	p->len = rte_vmsg_link_max_msg(p->dev);
	p->sent = p->got = 0;
}

static void pair_close(struct pair *p)
{
	rte_vmsg_link_destroy(p->drv);
	rte_vmsg_link_destroy(p->dev);
}

static void msg_fill(uint8_t *m, uint32_t len, uint64_t seq)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		m[i] = (uint8_t)(seq * 29u + i * 3u + 1u);
}

/*
 * Enqueues @p n messages of @p len bytes (all of them must go in) and
 * returns how many streaming copies that took; then dequeues everything
 * and checks every byte.
 */
static uint32_t burst(struct pair *p, uint32_t len, uint32_t n)
{
	static uint8_t buf[128 * 256], out[128 * 256];
	uint32_t calls, i;
	int k;

	for (i = 0; i < n; i++)
		msg_fill(buf + (size_t)i * len, len, p->sent + i);
	memset(&rec, 0, sizeof(rec));
	memset(&drec, 0, sizeof(drec));
	k = rte_vmsg_ring_enqueue_burst(p->tx, buf, len, n);
	CHECK_EQ(k, n);
	calls = rec.calls + drec.calls;
	if (rec.calls != 0)
		CHECK_EQ(rec.bytes, (size_t)n * len);
	if (drec.calls != 0)
		CHECK_EQ(drec.elems, n);
	p->sent += n;
	while (p->got < p->sent) {
		k = rte_vmsg_ring_dequeue_burst(p->rx, out, len, 128);
		CHECK(k > 0);
		if (k <= 0)
			break;
		for (i = 0; i < (uint32_t)k; i++) {
			msg_fill(buf, len, p->got + i);
			CHECK(memcmp(out + (size_t)i * len, buf, len) == 0);
		}
		p->got += (uint64_t)k;
	}
	return calls;
}

int main(void)
{
	struct pair p;

	p.mem = aligned_alloc(4096, AREA);
	if (p.mem == NULL)
		return 1;

	/* Compat, 64-byte elements: 32 whole messages (2 KiB) stream, 31 do not. */
	pair_open(&p, 100, 64, RTE_VMSG_LINK_FMT_COMPAT, RTE_VMSG_LINK_F_STREAM);
	CHECK_EQ(p.len, 64);
	CHECK_EQ(burst(&p, 64, 32), 1);
	CHECK(rec.dst[0] == rte_vmsg__ring_elem(p.tx, 0));
	CHECK_EQ(burst(&p, 64, 31), 0);
	CHECK_EQ(p.tx->idx, 63);
	CHECK_EQ(burst(&p, 64, 33), 1);
	CHECK(rec.dst[0] == rte_vmsg__ring_elem(p.tx, 63));
	/* From 96: 4 elements before the ring's end, 36 after it, one copy each. */
	CHECK_EQ(p.tx->idx, 96);
	CHECK_EQ(burst(&p, 64, 40), 2);
	CHECK(rec.dst[0] == rte_vmsg__ring_elem(p.tx, 96));
	CHECK_EQ(rec.len[0], 4u * 64u);
	CHECK(rec.dst[1] == p.tx->elems);
	CHECK_EQ(rec.len[1], 36u * 64u);
	CHECK_EQ(p.tx->idx, 36);
	/* Messages shorter than the element do not stream, however many. */
	CHECK_EQ(burst(&p, 60, 64), 0);
	pair_close(&p);

	/* 256-byte elements: 8 whole messages are 2 KiB, 7 are not. */
	pair_open(&p, 64, 256, RTE_VMSG_LINK_FMT_COMPAT, RTE_VMSG_LINK_F_STREAM);
	CHECK_EQ(burst(&p, 256, 8), 1);
	CHECK_EQ(burst(&p, 256, 7), 0);
	CHECK_EQ(burst(&p, 256, 40), 1);
	pair_close(&p);

	/* Without the flag nothing streams. */
	pair_open(&p, 100, 64, RTE_VMSG_LINK_FMT_COMPAT, 0);
	CHECK_EQ(burst(&p, 64, 64), 0);
	pair_close(&p);
	pair_open(&p, 100, 64, RTE_VMSG_LINK_FMT_STAMPED, 0);
	CHECK((p.tx->mode & RTE_VMSG_RING_MODE_DIRECT) == 0);
	CHECK_EQ(burst(&p, p.len, 64), 0);
	pair_close(&p);

	/*
	 * The stamped format, 64-byte elements: direct stores where the CPU
	 * has them, 32 elements (2 KiB) or more, one call per burst, across
	 * the ring's end too; never the non-temporal copy. Shorter messages
	 * go direct as well (the element is whole either way).
	 */
	pair_open(&p, 100, 64, RTE_VMSG_LINK_FMT_STAMPED, RTE_VMSG_LINK_F_STREAM);
	CHECK_EQ(p.len, 64 - RTE_VMSG_STAMP_HDR_SIZE);
	if (rte_vmsg_link_stream_direct()) {
		CHECK((p.tx->mode & RTE_VMSG_RING_MODE_DIRECT) != 0);
		CHECK((rte_vmsg_link_rx(p.dev)->mode & RTE_VMSG_RING_MODE_DIRECT) == 0);
		CHECK((rte_vmsg_link_tx(p.drv)->mode & RTE_VMSG_RING_MODE_DIRECT) == 0);
		CHECK_EQ(burst(&p, p.len, 32), 1);
		CHECK_EQ(drec.idx[0], 0);
		CHECK_EQ(drec.seq[0], 1);
		CHECK_EQ(drec.k[0], 32);
		CHECK_EQ(rec.calls, 0);
		CHECK_EQ(burst(&p, p.len, 31), 0);
		CHECK_EQ(burst(&p, 20, 33), 1);
		CHECK_EQ(drec.idx[0], 63);
		CHECK_EQ(drec.seq[0], 64);
		/* From 96: the burst wraps, still one call; stamps go on counting. */
		CHECK_EQ(burst(&p, p.len, 40), 1);
		CHECK_EQ(drec.idx[0], 96);
		CHECK_EQ(drec.seq[0], 97);
		CHECK_EQ(p.tx->idx, 36);
		CHECK_EQ(p.tx->seq, 137);
		/* A burst larger than the room takes what fits (99), in one call. */
		{
			static uint8_t zero[128 * 64];

			memset(&drec, 0, sizeof(drec));
			CHECK_EQ(rte_vmsg_ring_enqueue_burst(p.tx, zero, p.len, 128), 99);
			CHECK_EQ(drec.calls, 1);
			CHECK_EQ(drec.k[0], 99);
			CHECK_EQ(rte_vmsg_ring_dequeue_burst(p.rx, zero, p.len, 128), 99);
		}
	} else {
		printf("test_ring_stream: no MOVDIR64B here: the stamped format's bursts "
		       "are copied as without the flag\n");
		CHECK((p.tx->mode & RTE_VMSG_RING_MODE_DIRECT) == 0);
		CHECK_EQ(burst(&p, p.len, 64), 0);
	}
	pair_close(&p);

	/* Stamped elements of more than one line never go direct. */
	pair_open(&p, 64, 128, RTE_VMSG_LINK_FMT_STAMPED, RTE_VMSG_LINK_F_STREAM);
	CHECK((p.tx->mode & RTE_VMSG_RING_MODE_DIRECT) == 0);
	CHECK_EQ(burst(&p, p.len, 32), 0);
	pair_close(&p);

	free(p.mem);
	return vtest_done("test_ring_stream");
}
