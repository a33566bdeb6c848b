/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Which bursts take the streaming copy of RTE_VMSG_LINK_F_STREAM. This
 * program defines rte_vmsg__ring_stream_copy() itself: the inline
 * rte_vmsg_ring_enqueue_burst() compiled here calls this one instead of the
 * library's, which records each call (and copies, so that every message can
 * still be checked). The copy itself, non-temporal stores across two CPUs,
 * is test_ring's and test_ring_threads' to check.
 */

#include <errno.h>
#include <stdint.h>
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
	k = rte_vmsg_ring_enqueue_burst(p->tx, buf, len, n);
	CHECK_EQ(k, n);
	calls = rec.calls;
	if (calls != 0)
		CHECK_EQ(rec.bytes, (size_t)n * len);
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

	/* Without the flag, or in the stamped format, nothing streams. */
	pair_open(&p, 100, 64, RTE_VMSG_LINK_FMT_COMPAT, 0);
	CHECK_EQ(burst(&p, 64, 64), 0);
	pair_close(&p);
	pair_open(&p, 100, 64, RTE_VMSG_LINK_FMT_STAMPED, RTE_VMSG_LINK_F_STREAM);
	CHECK_EQ(p.len, 64 - RTE_VMSG_STAMP_HDR_SIZE);
	CHECK_EQ(burst(&p, p.len, 64), 0);
	pair_close(&p);

	free(p.mem);
	return vtest_done("test_ring_stream");
}
