/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Unit tests of lib/ring in one thread: golden images of the v1 layout
 * header and queue heads, the handshake, empty/full/wrap at every element
 * size in both element formats, attach validation, a foreign (QEMU-packed)
 * layout, peer restarts, values a hostile peer can write, and the
 * streaming producer (RTE_VMSG_LINK_F_STREAM).
 */

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_ring.h>

#include "vtest.h"

#define AREA (1u << 20)

static uint8_t *area_new(void)
{
	uint8_t *p = aligned_alloc(4096, AREA);

	if (p == NULL)
		abort();
	memset(p, 0, AREA);
	return p;
}

static struct rte_vmsg_link *link_new(uint8_t *base, size_t len, enum rte_vmsg_link_role role,
				      uint32_t n, uint32_t esize, enum rte_vmsg_link_format fmt)
{
	struct rte_vmsg_link_opts o = { .sz = sizeof(o) };
	struct rte_vmsg_link *l = NULL;
	int rc;

	o.role = role;
	o.num_elems = n;
	o.elem_size = esize;
	o.format = fmt;
	rc = rte_vmsg_link_create(base, len, &o, &l);
	CHECK_EQ(rc, 0);
	return l;
}

/* Polls both ends until both report UP (a handful of rounds, or the INIT grace after a restart). */
static int connect_pair(struct rte_vmsg_link *a, struct rte_vmsg_link *b)
{
	/* A peer's restart may hold the link for the INIT grace (doc/ring.md). */
	uint64_t end = rte_vmsg_time_ns() + 2000000000ull;
	int ra = 0, rb = 0;

	while (rte_vmsg_time_ns() < end) {
		ra = rte_vmsg_link_poll(a);
		rb = rte_vmsg_link_poll(b);
		if (ra == RTE_VMSG_LINK_UP && rb == RTE_VMSG_LINK_UP)
			return 0;
	}
	fprintf(stderr, "connect_pair: states %d %d\n", ra, rb);
	return -1;
}

/* The layout header and queue heads byte for byte (amp-pcie.md §1.4). */
static void test_golden_layout(void)
{
	/* Device side, N = 1024, 64-byte elements, compatible format. */
	static const uint8_t hdr[64] = {
		0x4F, 0x4C,			 /* @0 magic 0x4C4F */
		0x40, 0x00,			 /* @2 length 64 */
		0x01, 0x00,			 /* @4 version 1 */
		0x00, 0x00,			 /* @6 features */
		0x00,				 /* @8 num_notif */
		0x01,				 /* @9 num_vq_notif_per_device */
		0x00, 0x04,			 /* @10 num_queue_elements 1024 */
		0x40, 0x00,			 /* @12 size_queue_elements 64 */
		0x00, 0x00,			 /* @14 reserved */
		0,    0,    0,	  0, 0, 0, 0, 0, /* @16 dev_notif_offset 0 */
		0x40, 0,    0,	  0, 0, 0, 0, 0, /* @24 dev_queue_head_offset 64 */
		0xC0, 0,    0,	  0, 0, 0, 0, 0, /* @32 dev_queue_elements_offset 192 */
		0,    0,    0,	  0, 0, 0, 0, 0, /* @40 drv_notif_offset 0 */
		0x80, 0,    0,	  0, 0, 0, 0, 0, /* @48 drv_queue_head_offset 128 */
		0xC0, 0x00, 0x01, 0, 0, 0, 0, 0, /* @56 drv_queue_elements_offset 192 + 65536 */
	};
	static const uint8_t qhead_init[8] = { 0x4F, 0x51, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t qhead_ready[8] = { 0x4F, 0x51, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00 };
	static const uint8_t qhead_run[8] = { 0x4F, 0x51, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00 };
	uint8_t *m = area_new();
	struct rte_vmsg_link *dev, *drv;
	uint8_t msg[64 * 8];
	int i;

	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 1024, 64, RTE_VMSG_LINK_FMT_COMPAT);
	CHECK_MEM(m, hdr, sizeof(hdr));
	/* On a fresh layout the device is READY at once (head = tail = 0): see test_ready_at_once. */
	CHECK_MEM(m + 64, qhead_ready, 8);
	CHECK_EQ(rte_vmsg_link_layout_size(1024, 64), 192 + 2 * 1024 * 64);
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, RTE_VMSG_LINK_FMT_COMPAT);
	CHECK_MEM(m + 128, qhead_init, 8);
	CHECK_EQ(connect_pair(dev, drv), 0);
	CHECK_MEM(m + 64, qhead_run, 8);
	CHECK_MEM(m + 128, qhead_run, 8);
	CHECK_EQ(rte_vmsg_link_max_msg(drv), 64);

	/* Driver sends three: its tail (qhead @4) becomes 3; the device's head (@6) follows. */
	memset(msg, 0xA5, sizeof(msg));
	for (i = 0; i < 3; i++)
		CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 64, 1), 1);
	CHECK_EQ(m[128 + 4], 3);
	CHECK_EQ(m[128 + 5], 0);
	CHECK_MEM(m + 192 + 1024 * 64, msg, 64); /* driver queue element 0 */
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), msg, 64, 8), 3);
	CHECK_EQ(m[64 + 6], 3);
	CHECK_EQ(m[64 + 7], 0);

	rte_vmsg_link_destroy(drv);
	CHECK_EQ(m[128 + 2], RTE_VMSG_QSTATE_SHUTDOWN);
	rte_vmsg_link_destroy(dev);
	rte_vmsg_link_destroy(NULL);
	free(m);
}

/* The stamped format: feature bit, stamp header, message area. */
static void test_golden_stamped(void)
{
	uint8_t *m = area_new();
	struct rte_vmsg_link *dev, *drv;
	struct rte_vmsg_ring *tx;
	uint8_t msg[56];

	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 63, 64, RTE_VMSG_LINK_FMT_STAMPED);
	CHECK_EQ(m[6], 0x00);
	CHECK_EQ(m[7], 0x80); /* features 0x8000 */
	CHECK_EQ(m[10], 63);
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, RTE_VMSG_LINK_FMT_COMPAT);
	CHECK_EQ(connect_pair(dev, drv), 0);
	CHECK_EQ(rte_vmsg_link_max_msg(drv), 56);
	tx = rte_vmsg_link_tx(dev);
	memset(msg, 0x3C, sizeof(msg));
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(tx, msg, 57, 1), -EMSGSIZE);
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(tx, msg, 56, 1), 1);
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(tx, msg, 56, 1), 1);
	/* Element 0 of the device queue at 192: stamp 1, then the message at +8. */
	CHECK_EQ(rte_vmsg_get_le32(m + 192), 1);
	CHECK_EQ(rte_vmsg_get_le32(m + 192 + 64), 2);
	CHECK_MEM(m + 192 + 8, msg, 56);
	CHECK_EQ(m[64 + 4], 2); /* device tail still published */
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	free(m);
}

/*
 * Empty, full and wrap for every element size and both formats, with small
 * N so that the indices wrap many times; a burst straddles the wrap point.
 */
static void test_empty_full_wrap(void)
{
	static const uint32_t ns[] = { 2, 3, 5, 63, 64 };
	uint8_t *m = area_new();
	uint8_t out[4096 * 8], in[4096 * 8];
	uint32_t esize, ni, fmt, seq_tx, seq_rx, round, inring;

	for (fmt = 0; fmt < 2; fmt++) {
		for (esize = 64; esize <= 4096; esize *= 2) {
			for (ni = 0; ni < sizeof(ns) / sizeof(ns[0]); ni++) {
				uint32_t n = ns[ni], len, k;
				struct rte_vmsg_link *dev, *drv;
				struct rte_vmsg_ring *tx, *rx;

				memset(m, 0, rte_vmsg_link_layout_size(n, esize));
				dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, n, esize,
					       (enum rte_vmsg_link_format)fmt);
				drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
				if (connect_pair(dev, drv) < 0) {
					CHECK(0);
					continue;
				}
				tx = rte_vmsg_link_tx(drv);
				rx = rte_vmsg_link_rx(dev);
				len = rte_vmsg_link_max_msg(dev);
				CHECK_EQ(len, esize - (fmt ? 8u : 0u));
				seq_tx = seq_rx = 0;
				inring = 0;
				/* Empty at start. */
				CHECK_EQ(rte_vmsg_ring_dequeue_burst(rx, in, len, 1), 0);
				for (round = 0; round < 3 * n + 2; round++) {
					/* Fill to full with bursts of up to 8: exactly N - 1 fit. */
					uint32_t filled = 0;
					int r;

					do {
						for (k = 0; k < 8; k++) {
							memset(out + k * len, (int)(seq_tx + k),
							       len);
							rte_vmsg_put_le32(out + k * len,
									  seq_tx + k);
						}
						r = rte_vmsg_ring_enqueue_burst(tx, out, len, 8);
						CHECK(r >= 0);
						if (r <= 0)
							break;
						filled += (uint32_t)r;
						seq_tx += (uint32_t)r;
					} while (1);
					CHECK_EQ(filled, n - 1 - inring);
					CHECK_EQ(rte_vmsg_ring_reserve(tx, 1), 0);
					/* Drain a varying amount, to move the wrap point. */
					k = 1 + round % (n - 1);
					inring = n - 1 - k;
					while (k > 0) {
						uint32_t want = k < 8 ? k : 8, j;

						r = rte_vmsg_ring_dequeue_burst(rx, in, len, want);
						CHECK_EQ(r, want);
						if (r <= 0)
							break;
						for (j = 0; j < (uint32_t)r; j++) {
							CHECK_EQ(rte_vmsg_get_le32(in + j * len),
								 seq_rx);
							CHECK_EQ(in[j * len + len - 1],
								 (uint8_t)seq_rx);
							seq_rx++;
						}
						k -= (uint32_t)r;
					}
					CHECK(rte_vmsg_ring_valid(tx));
					CHECK(rte_vmsg_ring_valid(rx));
				}
				/* Drain everything: then empty. */
				while (rte_vmsg_ring_dequeue_burst(rx, in, len, 8) > 0)
					;
				CHECK_EQ(rte_vmsg_ring_dequeue_burst(rx, in, len, 8), 0);
				rte_vmsg_link_destroy(drv);
				rte_vmsg_link_destroy(dev);
			}
		}
	}
	free(m);
}

/* Zero-copy reserve/commit and peek/release, partial commit and release. */
static void test_zero_copy(void)
{
	uint8_t *m = area_new();
	struct rte_vmsg_link *dev =
		link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 16, 128, RTE_VMSG_LINK_FMT_STAMPED);
	struct rte_vmsg_link *drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	struct rte_vmsg_ring *tx = rte_vmsg_link_tx(dev), *rx = rte_vmsg_link_rx(drv);
	uint32_t i;

	CHECK_EQ(connect_pair(dev, drv), 0);
	CHECK_EQ(rte_vmsg_ring_reserve(tx, 20), 15);
	for (i = 0; i < 15; i++) {
		CHECK(((uintptr_t)rte_vmsg_ring_slot(tx, i) & 7u) == 0);
		memset(rte_vmsg_ring_slot(tx, i), (int)i, 120);
	}
	CHECK_EQ(rte_vmsg_ring_commit(tx, 16), -EINVAL);
	CHECK_EQ(rte_vmsg_ring_commit(tx, 10), 10); /* the last 5 are dropped */
	CHECK_EQ(rte_vmsg_ring_peek(rx, 32), 10);
	for (i = 0; i < 10; i++)
		CHECK_EQ(((uint8_t *)rte_vmsg_ring_slot(rx, i))[119], i);
	CHECK_EQ(rte_vmsg_ring_release(rx, 11), -EINVAL);
	CHECK_EQ(rte_vmsg_ring_release(rx, 4), 4);
	CHECK_EQ(rte_vmsg_ring_peek(rx, 32), 6);
	CHECK_EQ(((uint8_t *)rte_vmsg_ring_slot(rx, 0))[0], 4);
	CHECK_EQ(rte_vmsg_ring_release(rx, 6), 6);
	CHECK_EQ(rte_vmsg_ring_peek(rx, 32), 0);
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	free(m);
}

/* Negative tests of the constructor and attach validation of each field. */
static void test_create_errors(void)
{
	struct rte_vmsg_link_opts o = { .sz = sizeof(o), .role = RTE_VMSG_LINK_DEVICE };
	struct {
		struct rte_vmsg_link_opts o;
		uint64_t extra;
	} big;
	uint8_t *m = area_new();
	struct rte_vmsg_link *l = NULL, *d;
	uint8_t saved[64];
	unsigned int i;
	int rc;
	static const struct {
		unsigned int off, len;
		uint64_t val;
	} bad[] = {
		{ 2, 2, 63 },			  /* length */
		{ 4, 2, 2 },			  /* version */
		{ 6, 2, 0x0100 },		  /* unknown feature */
		{ 8, 1, 65 },			  /* num_notif */
		{ 9, 1, 3 },			  /* num_vq_notif_per_device */
		{ 10, 2, 1 },			  /* num_queue_elements */
		{ 12, 2, 48 },			  /* element size not a power of two >= 64 */
		{ 12, 2, 32 },			  /* element size < 64 */
		{ 14, 2, 1 },			  /* reserved */
		{ 24, 8, 0 },			  /* dev qhead offset 0 */
		{ 24, 8, 65 },			  /* dev qhead misaligned */
		{ 24, 8, 32 },			  /* dev qhead inside the header */
		{ 32, 8, AREA },		  /* dev elements outside */
		{ 56, 8, UINT64_MAX - 8 },	  /* drv elements: offset + size overflows */
		{ 48, 8, 64 },			  /* drv qhead on the dev qhead */
		{ 56, 8, 192 },			  /* drv elements on the dev elements */
		{ 56, 8, 192 + 64 * 64 + 4 },	  /* drv elements 4-byte aligned (compat) */
		{ 32, 8, 192 + 2 * 64 * 64 + 1 }, /* dev elements misaligned, past drv's */
		{ 16, 8, 4096 },		  /* notif offset with num_notif 0 is ignored... */
	};

	CHECK_EQ(rte_vmsg_link_create(NULL, AREA, &o, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_link_create(m, AREA, NULL, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_link_create(m + 8, AREA - 8, &o, &l), -EINVAL);
	o.elem_size = 96;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), -EINVAL);
	o.elem_size = 32;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), -EINVAL);
	o.elem_size = 64;
	o.num_elems = 1;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), -EINVAL);
	o.num_elems = 65536;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), -EINVAL);
	o.num_elems = 1024;
	CHECK_EQ(rte_vmsg_link_create(m, 4096, &o, &l), -ENOSPC);
	o.num_elems = 0;
	CHECK_EQ(rte_vmsg_link_create(m, 200, &o, &l), -ENOSPC);
	o.role = (enum rte_vmsg_link_role)7;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), -EINVAL);
	o.role = RTE_VMSG_LINK_DEVICE;
	o.format = (enum rte_vmsg_link_format)9;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), -EINVAL);
	o.format = RTE_VMSG_LINK_FMT_COMPAT;
	memset(&big, 0, sizeof(big));
	big.o = o;
	big.o.sz = sizeof(big);
	big.extra = 1;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &big.o, &l), -EINVAL);
	big.extra = 0;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &big.o, &l), 0); /* zero tail accepted */
	rte_vmsg_link_destroy(l);

	/* Driver: nothing there yet. */
	memset(m, 0, AREA);
	o.role = RTE_VMSG_LINK_DRIVER;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), -EAGAIN);

	/* A valid layout (N = 64), then each field broken in turn. */
	o.role = RTE_VMSG_LINK_DEVICE;
	o.num_elems = 64;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &d), 0);
	memcpy(saved, m, 64);
	o.role = RTE_VMSG_LINK_DRIVER;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t v[8];
		int want = bad[i].off == 16 ? 0 : -EPROTO;

		memcpy(m, saved, 64);
		rte_vmsg_put_le64(v, bad[i].val);
		memcpy(m + bad[i].off, v, bad[i].len);
		l = NULL;
		rc = rte_vmsg_link_create(m, AREA, &o, &l);
		CHECK_EQ(rc, want);
		if (rc != want)
			fprintf(stderr, "  bad[%u] at offset %u\n", i, bad[i].off);
		rte_vmsg_link_destroy(l);
	}
	/* The format the driver requires must be the one laid out. */
	memcpy(m, saved, 64);
	o.require_format = 1 + RTE_VMSG_LINK_FMT_STAMPED;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), -EPROTO);
	o.require_format = 1 + RTE_VMSG_LINK_FMT_COMPAT;
	CHECK_EQ(rte_vmsg_link_create(m, AREA, &o, &l), 0);
	rte_vmsg_link_destroy(l);
	rte_vmsg_link_destroy(d);
	free(m);
}

/*
 * A layout packed as QEMU's device model packs it (queue heads at 64 and 72,
 * elements from 80, 63 per direction in 8 KiB), written here by hand, with
 * the device side played by hand too: our driver side attaches and talks.
 */
static void test_foreign_layout(void)
{
	uint8_t *m = area_new();
	struct rte_vmsg_link_opts o = { .sz = sizeof(o), .role = RTE_VMSG_LINK_DRIVER };
	struct rte_vmsg_link *drv = NULL;
	struct rte_vmsg_ring *tx, *rx;
	uint8_t msg[64], in[64];
	uint8_t *dq = m + 64, *drvq = m + 72;
	int i;

	rte_vmsg_put_le16(m + 2, 64);
	rte_vmsg_put_le16(m + 4, 1);
	m[9] = 1;
	rte_vmsg_put_le16(m + 10, 63);
	rte_vmsg_put_le16(m + 12, 64);
	rte_vmsg_put_le64(m + 24, 64);
	rte_vmsg_put_le64(m + 32, 80);
	rte_vmsg_put_le64(m + 48, 72);
	rte_vmsg_put_le64(m + 56, 80 + 63 * 64);
	rte_vmsg_put_le16(m + 0, 0x4C4F);
	CHECK(80 + 2 * 63 * 64 <= 8192);
	/* Device queue head: magic, INIT. */
	rte_vmsg_put_le16(dq, 0x514F);
	CHECK_EQ(rte_vmsg_link_create(m, 8192, &o, &drv), 0);
	if (drv == NULL)
		return;
	CHECK_EQ(rte_vmsg_get_le16(drvq), 0x514F);
	CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_CONNECTING);
	CHECK_EQ(rte_vmsg_get_le16(drvq + 2), RTE_VMSG_QSTATE_READY);
	rte_vmsg_put_le16(dq + 2, RTE_VMSG_QSTATE_READY);
	rte_vmsg_link_poll(drv);
	CHECK_EQ(rte_vmsg_get_le16(drvq + 2), RTE_VMSG_QSTATE_RUN);
	rte_vmsg_put_le16(dq + 2, RTE_VMSG_QSTATE_RUN);
	CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_UP);

	tx = rte_vmsg_link_tx(drv);
	rx = rte_vmsg_link_rx(drv);
	/* The "device" writes 62 messages (full) with wrap-around indices. */
	for (i = 0; i < 62; i++)
		memset(m + 80 + (size_t)i * 64, i, 64);
	rte_vmsg_put_le16(dq + 4, 62);
	for (i = 0; i < 62; i++) {
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(rx, in, 64, 1), 1);
		CHECK_EQ(in[63], i);
	}
	CHECK_EQ(rte_vmsg_get_le16(drvq + 6), 62); /* our head: what the device polls */
	memset(msg, 0x77, sizeof(msg));
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(tx, msg, 64, 1), 1);
	CHECK_EQ(rte_vmsg_get_le16(drvq + 4), 1);
	CHECK_MEM(m + 80 + 63 * 64, msg, 64);
	rte_vmsg_link_destroy(drv);
	free(m);
}

/* Either side restarting: a reconnect; nothing of the old session is delivered. */
static void test_restart(void)
{
	uint8_t *m = area_new();
	struct rte_vmsg_link *dev, *drv;
	struct rte_vmsg_link_stats st;
	uint8_t msg[56 * 8], in[56 * 8];
	uint32_t fmt;

	for (fmt = 0; fmt < 2; fmt++) {
		memset(m, 0, AREA);
		dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 32, 64,
			       (enum rte_vmsg_link_format)fmt);
		drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
		CHECK_EQ(connect_pair(dev, drv), 0);
		memset(msg, 1, sizeof(msg));
		/* Five messages in flight towards the driver, then the device restarts. */
		CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(dev), msg, 56, 5), 5);
		rte_vmsg_link_destroy(dev);
		CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_PEER_DOWN);
		dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 32, 64,
			       (enum rte_vmsg_link_format)fmt);
		CHECK_EQ(connect_pair(dev, drv), 0);
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(drv), in, 56, 8), 0);
		CHECK_EQ(rte_vmsg_link_stats_get(drv, &st), 0);
		CHECK_EQ(st.broken, 0);
		memset(msg, 2, sizeof(msg));
		CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(dev), msg, 56, 1), 1);
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(drv), in, 56, 8), 1);
		CHECK_EQ(in[0], 2);

		/* Now the driver is killed (no SHUTDOWN) and a new one attaches. */
		CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 56, 3), 3);
		free(drv); /* what a crash leaves: queue head still RUN */
		drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
		CHECK_EQ(connect_pair(dev, drv), 0);
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), in, 56, 8), 0);
		CHECK_EQ(rte_vmsg_link_stats_get(dev, &st), 0);
		CHECK(st.reconnects >= 1);
		memset(msg, 3, sizeof(msg));
		CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 56, 1), 1);
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), in, 56, 8), 1);
		CHECK_EQ(in[0], 3);

		/* PEER_DEAD reported by the bus: waits for the new incarnation. */
		CHECK_EQ(rte_vmsg_link_peer_dead(dev), 0);
		CHECK_EQ(rte_vmsg_link_poll(dev), RTE_VMSG_LINK_PEER_DOWN);
		free(drv);
		drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
		CHECK_EQ(connect_pair(dev, drv), 0);
		rte_vmsg_link_destroy(drv);
		rte_vmsg_link_destroy(dev);
	}
	free(m);
}

/*
 * A foreign driver (Linux) that finds the device's head still INIT sleeps a
 * second or two before it looks again: on a fresh layout, and on a restart
 * under a driver that is not running, the device publishes READY (head =
 * tail = 0) in create, before any poll. Under a driver still in RUN (the
 * device crashed and came back) it starts at INIT and waits for the driver
 * to come back to READY or lower: the driver's stale indices are never
 * taken for a live link, and nothing stale is read.
 */
static void test_ready_at_once(void)
{
	uint8_t *m = area_new();
	struct rte_vmsg_link *dev, *drv;
	struct rte_vmsg_link_stats st;
	uint8_t msg[56 * 4], in[56 * 4];

	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 32, 64, RTE_VMSG_LINK_FMT_COMPAT);
	CHECK_EQ(m[64 + 2], RTE_VMSG_QSTATE_READY);
	CHECK_EQ(m[64 + 4] | m[64 + 5] | m[64 + 6] | m[64 + 7], 0);
	/* A driver that goes INIT, READY, RUN by itself sees READY: up in one pass each. */
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_CONNECTING); /* READY -> RUN, peer READY */
	CHECK_EQ(m[128 + 2], RTE_VMSG_QSTATE_RUN);
	CHECK_EQ(rte_vmsg_link_poll(dev), RTE_VMSG_LINK_UP);
	CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_UP);

	/* Traffic, then the device crashes (no SHUTDOWN): the driver's head says RUN. */
	memset(msg, 7, sizeof(msg));
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 56, 3), 3);
	free(dev);
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 32, 64, RTE_VMSG_LINK_FMT_COMPAT);
	CHECK_EQ(m[64 + 2], RTE_VMSG_QSTATE_INIT); /* not READY under a running driver */
	/* The device waits while the driver still says RUN. */
	CHECK_EQ(rte_vmsg_link_poll(dev), RTE_VMSG_LINK_CONNECTING);
	CHECK_EQ(m[64 + 2], RTE_VMSG_QSTATE_INIT);
	/* The driver sees INIT, resets; then both come up and nothing stale arrives. */
	CHECK_EQ(connect_pair(dev, drv), 0);
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), in, 56, 4), 0);
	CHECK_EQ(rte_vmsg_link_stats_get(drv, &st), 0);
	CHECK(st.reconnects >= 1);
	CHECK_EQ(st.broken, 0);
	memset(msg, 8, sizeof(msg));
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 56, 1), 1);
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), in, 56, 4), 1);
	CHECK_EQ(in[0], 8);

	/* A clean restart (SHUTDOWN, the driver back at INIT): READY at once again. */
	rte_vmsg_link_destroy(dev);
	CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_PEER_DOWN);
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 32, 64, RTE_VMSG_LINK_FMT_COMPAT);
	CHECK_EQ(m[64 + 2], RTE_VMSG_QSTATE_READY);
	CHECK_EQ(connect_pair(dev, drv), 0);
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	free(m);
}

/* Values that cannot be: detected, counted, link broken; in-range values are only data. */
static void test_hostile_values(void)
{
	uint8_t *m = area_new();
	struct rte_vmsg_link *dev, *drv;
	struct rte_vmsg_link_stats st;
	uint8_t in[64 * 32], saved[64];
	uint8_t *drvq = m + 128;

	/* Index >= N in the peer's tail: the consumer's refresh catches it. */
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 100, 64, RTE_VMSG_LINK_FMT_COMPAT);
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	CHECK_EQ(connect_pair(dev, drv), 0);
	rte_vmsg_put_le16(drvq + 4, 100);
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), in, 64, 1), -EIO);
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), in, 64, 1), -EIO);
	CHECK_EQ(rte_vmsg_link_poll(dev), -EIO);
	CHECK_EQ(rte_vmsg_link_stats_get(dev, &st), 0);
	CHECK(st.bad_index >= 1);
	CHECK_EQ(st.broken, 1);
	/* Reset after the application decides to go on. */
	rte_vmsg_put_le16(drvq + 4, 0);
	CHECK_EQ(rte_vmsg_link_reset(dev), 0);
	rte_vmsg_link_reset(drv);
	CHECK_EQ(connect_pair(dev, drv), 0);

	/* An in-range tail: the consumer reads what is there (garbage, not an error). */
	rte_vmsg_put_le16(drvq + 4, 7);
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), in, 64, 32), 7);
	CHECK_EQ(rte_vmsg_link_poll(dev), RTE_VMSG_LINK_UP);

	/* Peer head >= N: the producer's refresh (when it runs out of room). */
	rte_vmsg_put_le16(drvq + 6, 0xFFFF);
	CHECK_EQ(rte_vmsg_link_poll(dev), -EIO);

	/* Unknown state. */
	rte_vmsg_put_le16(drvq + 6, 0);
	rte_vmsg_link_reset(dev);
	rte_vmsg_link_reset(drv);
	CHECK_EQ(connect_pair(dev, drv), 0);
	rte_vmsg_put_le16(drvq + 2, 5);
	CHECK_EQ(rte_vmsg_link_poll(dev), -EIO);
	rte_vmsg_link_stats_get(dev, &st);
	CHECK(st.bad_state >= 1);
	/* The DEBUGGABLE flag is not a state. */
	rte_vmsg_link_reset(dev);
	rte_vmsg_link_reset(drv);
	CHECK_EQ(connect_pair(dev, drv), 0);
	rte_vmsg_put_le16(drvq + 2, RTE_VMSG_QSTATE_RUN | RTE_VMSG_QSTATUS_DEBUGGABLE);
	CHECK_EQ(rte_vmsg_link_poll(dev), RTE_VMSG_LINK_UP);

	/* Magic gone. */
	rte_vmsg_put_le16(drvq, 0x1234);
	CHECK_EQ(rte_vmsg_link_poll(dev), -EIO);
	rte_vmsg_link_stats_get(dev, &st);
	CHECK(st.bad_magic >= 1);

	/* The layout header is read once: rewriting it later changes nothing. */
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	memset(m, 0, AREA);
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 100, 64, RTE_VMSG_LINK_FMT_COMPAT);
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	CHECK_EQ(connect_pair(dev, drv), 0);
	memcpy(saved, m, 64);
	memset(m, 0xFF, 64);
	CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_UP);
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), saved, 64, 1), 1);
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), in, 64, 1), 1);
	CHECK_MEM(in, saved, 64);

	/*
	 * But when the device starts over, the driver looks at the header
	 * again: the same layout back, it goes on; a garbage one is refused
	 * (counted once) and the link waits, writing nothing.
	 */
	rte_vmsg_link_destroy(dev);
	CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_PEER_DOWN); /* SHUTDOWN */
	rte_vmsg_put_le16(m + 64 + 2, RTE_VMSG_QSTATE_INIT);	    /* a new start... */
	rte_vmsg_put_le16(m, RTE_VMSG_LAYOUT_MAGIC);		    /* ...over garbage */
	CHECK_EQ(rte_vmsg_link_poll(drv), -EIO);
	CHECK_EQ(rte_vmsg_link_poll(drv), -EIO);
	rte_vmsg_link_stats_get(drv, &st);
	CHECK_U64(st.bad_layout, 1);
	CHECK_EQ(m[128 + 2], RTE_VMSG_QSTATE_INIT); /* as it was: nothing written */
	memcpy(m, saved, 64);
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 100, 64, RTE_VMSG_LINK_FMT_COMPAT);
	CHECK_EQ(connect_pair(dev, drv), 0);
	rte_vmsg_link_stats_get(drv, &st);
	CHECK_U64(st.recoveries, 1);
	CHECK_U64(st.relayouts, 0);
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	free(m);
}

/*
 * The device lays the link out again with another geometry while the old
 * driver's queue head still holds indices of the old one: not an error.
 */
static void test_relayout(void)
{
	uint8_t *m = area_new();
	struct rte_vmsg_link *dev, *drv;
	struct rte_vmsg_link_stats st;
	uint8_t msg[64 * 8];

	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 1024, 64, RTE_VMSG_LINK_FMT_COMPAT);
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	CHECK_EQ(connect_pair(dev, drv), 0);
	memset(msg, 9, sizeof(msg));
	/* Move the driver's tail to 952, past the next geometry's N. */
	for (int i = 0; i < 119; i++) {
		CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 64, 8), 8);
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), msg, 64, 8), 8);
	}
	CHECK_EQ(rte_vmsg_get_le16(m + 128 + 4), 952);
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 63, 64, RTE_VMSG_LINK_FMT_STAMPED);
	CHECK(rte_vmsg_link_poll(dev) >= 0);
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	CHECK_EQ(connect_pair(dev, drv), 0);
	CHECK_EQ(rte_vmsg_link_stats_get(dev, &st), 0);
	CHECK_EQ(st.bad_index, 0);
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 56, 1), 1);
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), msg, 56, 8), 1);

	/*
	 * A driver that stays while the device starts over with another N
	 * (same element size and format) moves to the new layout; with
	 * another element size it refuses it and waits, writing nothing.
	 */
	rte_vmsg_link_destroy(dev);
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 40, 64, RTE_VMSG_LINK_FMT_STAMPED);
	CHECK_EQ(connect_pair(dev, drv), 0);
	CHECK_EQ(rte_vmsg_link_stats_get(drv, &st), 0);
	CHECK_U64(st.relayouts, 1);
	for (int i = 0; i < 20; i++) { /* 160 messages: past a wrap of N = 40 */
		memset(msg, i, sizeof(msg));
		CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 56, 8), 8);
		memset(msg, 0xEE, sizeof(msg));
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), msg, 56, 8), 8);
		CHECK_EQ(msg[56 * 7 + 55], i);
	}
	CHECK_EQ(rte_vmsg_link_poll(drv), RTE_VMSG_LINK_UP);
	rte_vmsg_link_destroy(dev);
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 40, 128, RTE_VMSG_LINK_FMT_STAMPED);
	for (int i = 0; i < 4; i++) {
		CHECK(rte_vmsg_link_poll(dev) >= 0);
		CHECK_EQ(rte_vmsg_link_poll(drv), -EIO);
	}
	CHECK_EQ(rte_vmsg_link_stats_get(drv, &st), 0);
	CHECK_U64(st.bad_layout, 1);
	CHECK_U64(st.relayouts, 1);
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	free(m);
}

/*
 * Broken, a reader that finds a new valid layout in the header moves to it
 * (its head INIT at the new place) but its ring ends keep refusing until the
 * peer's new start: the link is not up (test_ring_hostile found this window:
 * a scribbled header byte that left the header valid).
 */
static void test_relayout_while_broken(void)
{
	uint8_t *m = area_new(), *other = area_new(), hdr[64];
	struct rte_vmsg_link *dev, *drv, *tmp;
	struct rte_vmsg_link_stats st;
	uint8_t msg[64];

	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 100, 64, RTE_VMSG_LINK_FMT_STAMPED);
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	CHECK_EQ(connect_pair(dev, drv), 0);
	rte_vmsg_put_le16(m + 64, 0x1234); /* the device's queue-head magic lost */
	CHECK_EQ(rte_vmsg_link_poll(drv), -EIO);
	/* Another valid geometry (N 40, same element size and format) in the header. */
	tmp = link_new(other, AREA, RTE_VMSG_LINK_DEVICE, 40, 64, RTE_VMSG_LINK_FMT_STAMPED);
	memcpy(hdr, other, sizeof(hdr));
	rte_vmsg_link_destroy(tmp);
	memcpy(m, hdr, sizeof(hdr));
	CHECK_EQ(rte_vmsg_link_poll(drv), -EIO);
	CHECK_EQ(rte_vmsg_link_stats_get(drv, &st), 0);
	CHECK_U64(st.relayouts, 1);
	CHECK(st.broken);
	memset(msg, 7, sizeof(msg));
	CHECK_EQ(rte_vmsg_ring_reserve(rte_vmsg_link_tx(drv), 1), -EIO);
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 56, 1), -EIO);
	CHECK_EQ(rte_vmsg_ring_peek(rte_vmsg_link_rx(drv), 1), -EIO);
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(drv), msg, 56, 1), -EIO);
	/* The device starts over in that geometry: up again, data flows. */
	rte_vmsg_link_destroy(dev);
	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 40, 64, RTE_VMSG_LINK_FMT_STAMPED);
	CHECK_EQ(connect_pair(dev, drv), 0);
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(drv), msg, 56, 1), 1);
	memset(msg, 0, sizeof(msg));
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(dev), msg, 56, 1), 1);
	CHECK_EQ(msg[55], 7);
	CHECK_EQ(rte_vmsg_link_stats_get(drv, &st), 0);
	CHECK_U64(st.recoveries, 1);
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	free(other);
	free(m);
}

/*
 * A device crashing and restarting on the same layout while the driver polls
 * on another thread: the driver never sees a queue head without its magic
 * (it would take that for a hostile peer and break the link), and reconnects.
 */
struct poller {
	struct rte_vmsg_link *drv;
	int stop;	/* atomic */
	int broken;	/* atomic */
	uint64_t polls; /* atomic */
};

static void *poller_main(void *arg)
{
	struct poller *p = arg;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		if (rte_vmsg_link_poll(p->drv) < 0)
			__atomic_store_n(&p->broken, 1, __ATOMIC_RELEASE);
		__atomic_fetch_add(&p->polls, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void test_restart_while_polled(void)
{
	uint8_t *m = area_new();
	struct rte_vmsg_link *dev, *drv;
	struct rte_vmsg_link_stats st;
	struct poller p;
	pthread_t th;
	uint64_t seen;
	int i;

	dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 32, 64, RTE_VMSG_LINK_FMT_COMPAT);
	drv = link_new(m, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	CHECK_EQ(connect_pair(dev, drv), 0);
	memset(&p, 0, sizeof(p));
	p.drv = drv;
	CHECK_EQ(pthread_create(&th, NULL, poller_main, &p), 0);
	for (i = 0; i < 300; i++) {
		free(dev); /* what a crash leaves: queue head as it was */
		dev = link_new(m, AREA, RTE_VMSG_LINK_DEVICE, 32, 64, RTE_VMSG_LINK_FMT_COMPAT);
		/* Let the driver run a little against the new incarnation. */
		seen = __atomic_load_n(&p.polls, __ATOMIC_ACQUIRE);
		while (__atomic_load_n(&p.polls, __ATOMIC_ACQUIRE) < seen + 20 &&
		       !__atomic_load_n(&p.broken, __ATOMIC_ACQUIRE))
			rte_vmsg_link_poll(dev);
	}
	__atomic_store_n(&p.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CHECK_EQ(p.broken, 0);
	CHECK_EQ(rte_vmsg_link_stats_get(drv, &st), 0);
	CHECK_U64(st.bad_magic, 0);
	CHECK_EQ(st.broken, 0);
	CHECK_EQ(connect_pair(dev, drv), 0);
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	free(m);
}

/* A message of @p len bytes whose every byte follows from @p seq. */
static void stream_msg(uint8_t *m, uint32_t len, uint64_t seq)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		m[i] = (uint8_t)(seq * 131u + i * 7u + (i >> 8));
}

/*
 * A device side of 100 @p esize-byte elements in format @p fmt with
 * RTE_VMSG_LINK_F_STREAM at the start of a cleared @p mem, and a driver
 * side connected to it.
 */
static void stream_pair(uint8_t *mem, uint32_t esize, int fmt, struct rte_vmsg_link **dev,
			struct rte_vmsg_link **drv)
{
	struct rte_vmsg_link_opts o = { .sz = sizeof(o) };

	memset(mem, 0, AREA);
	o.role = RTE_VMSG_LINK_DEVICE;
	o.num_elems = 100; /* the runs break at odd places */
	o.elem_size = esize;
	o.format = (enum rte_vmsg_link_format)fmt;
	o.flags = RTE_VMSG_LINK_F_STREAM;
	*dev = NULL;
	CHECK_EQ(rte_vmsg_link_create(mem, AREA, &o, dev), 0);
	*drv = link_new(mem, AREA, RTE_VMSG_LINK_DRIVER, 0, 0, 0);
	CHECK_EQ(connect_pair(*dev, *drv), 0);
}

/*
 * RTE_VMSG_LINK_F_STREAM: only this side's producer end in RAM streams;
 * bursts large enough to take the streaming copy (and smaller ones between
 * them) cross the ring's end again and again, every byte checked. The
 * stamped format's 64-byte elements go with direct stores where the CPU
 * has MOVDIR64B (the real ones here: every message checked); its larger
 * elements and the v0 layout take the flag and copy as before.
 */
static void test_stream(void)
{
	static const uint32_t esizes[] = { 64, 256 };
	uint8_t *mem = area_new();
	uint8_t *out = malloc(64u * 256u), *in = malloc(64u * 256u);
	struct rte_vmsg_link_opts o = { .sz = sizeof(o) };
	struct rte_vmsg_link *dev = NULL, *drv = NULL;
	size_t e;
	int fmt;

	CHECK(out != NULL && in != NULL);
	for (fmt = 0; fmt < 2; fmt++)
		for (e = 0; e < 2; e++) {
			struct rte_vmsg_ring *tx, *rx;
			uint64_t sent = 0, got = 0;
			uint32_t len, round, esize = esizes[e];

			stream_pair(mem, esize, fmt, &dev, &drv);
			tx = rte_vmsg_link_tx(dev);
			rx = rte_vmsg_link_rx(drv);
			/* This side's producer end only. */
			CHECK((tx->mode & RTE_VMSG_RING_MODE_STREAM) != 0);
			CHECK((rte_vmsg_link_rx(dev)->mode & RTE_VMSG_RING_MODE_STREAM) == 0);
			CHECK((rte_vmsg_link_tx(drv)->mode & RTE_VMSG_RING_MODE_STREAM) == 0);
			CHECK(((tx->mode & RTE_VMSG_RING_MODE_DIRECT) != 0) ==
			      (fmt == RTE_VMSG_LINK_FMT_STAMPED && esize == 64 &&
			       rte_vmsg_link_stream_direct()));
			CHECK((rte_vmsg_link_tx(drv)->mode & RTE_VMSG_RING_MODE_DIRECT) == 0);
			len = rte_vmsg_link_max_msg(dev);
			CHECK_EQ(len, fmt ? esize - RTE_VMSG_STAMP_HDR_SIZE : esize);
			for (round = 0; round < 200; round++) {
				/* Streaming bursts (up to 99 free), and short ones between. */
				uint32_t want = round % 3 == 2 ? 1u + round % 5u
							       : RTE_VMSG_RING_STREAM_MIN / esize +
									 round % 40u,
					 i;
				int k;

				if (want > 64)
					want = 64;
				for (i = 0; i < want; i++)
					stream_msg(out + (size_t)i * len, len, sent + i);
				k = rte_vmsg_ring_enqueue_burst(tx, out, len, want);
				CHECK(k > 0);
				sent += (uint64_t)k;
				/* Leave some behind every other round, so that bursts meet a full ring. */
				k = rte_vmsg_ring_dequeue_burst(rx, in, len, round % 2 ? 64u : 7u);
				CHECK(k >= 0);
				for (i = 0; i < (uint32_t)k; i++) {
					stream_msg(out, len, got + i);
					CHECK(memcmp(in + (size_t)i * len, out, len) == 0);
				}
				got += (uint64_t)k;
			}
			while (got < sent) {
				int k = rte_vmsg_ring_dequeue_burst(rx, in, len, 64);
				uint32_t i;

				CHECK(k > 0);
				if (k <= 0)
					break;
				for (i = 0; i < (uint32_t)k; i++) {
					stream_msg(out, len, got + i);
					CHECK(memcmp(in + (size_t)i * len, out, len) == 0);
				}
				got += (uint64_t)k;
			}
			CHECK(sent > 20u * 100u);
			CHECK_EQ(rte_vmsg_ring_dequeue_burst(rx, in, len, 1), 0);
			rte_vmsg_link_destroy(drv);
			rte_vmsg_link_destroy(dev);
		}
	/* v0 takes the flag (this side's only); any other flag is still refused there. */
	memset(mem, 0, AREA);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_LINK_DRIVER;
	o.layout = RTE_VMSG_LINK_LAYOUT_V0;
	o.flags = RTE_VMSG_LINK_F_DRIVER_WRITES;
	CHECK_EQ(rte_vmsg_link_create(mem, AREA, &o, &drv), -EINVAL);
	o.flags = RTE_VMSG_LINK_F_STREAM;
	CHECK_EQ(rte_vmsg_link_create(mem, AREA, &o, &drv), 0);
	if (drv != NULL) {
		CHECK((rte_vmsg_link_tx(drv)->mode & RTE_VMSG_RING_MODE_STREAM) != 0);
		CHECK((rte_vmsg_link_rx(drv)->mode & RTE_VMSG_RING_MODE_STREAM) == 0);
		rte_vmsg_link_destroy(drv);
	}
	/* An unknown flag beside it is refused. */
	memset(mem, 0, AREA);
	o.layout = RTE_VMSG_LINK_LAYOUT_V1;
	o.role = RTE_VMSG_LINK_DEVICE;
	o.flags = RTE_VMSG_LINK_F_STREAM | (1u << 7);
	CHECK_EQ(rte_vmsg_link_create(mem, AREA, &o, &dev), -EINVAL);
	free(out);
	free(in);
	free(mem);
}

/*
 * The stamped format's direct stores write whole elements: the stamp, a
 * zero reserved word, the message, then zeros to the line's end (a shorter
 * message leaves nothing of an older one behind), built either way
 * (rte_vmsg__direct_wide: one 64-byte vector store, or ordinary copies),
 * across the ring's end; the consumer reads each message back.
 */
static void test_direct_elements(void)
{
	static const uint32_t lens[] = { 56, 20, 1, 55, 56 };
	uint8_t *mem = area_new(), msgs[64 * 56], out[64 * 56];
	struct rte_vmsg_link *dev = NULL, *drv = NULL;
	const int saved = rte_vmsg__direct_wide;
	int wide;

	if (!rte_vmsg_link_stream_direct()) {
		printf("test_ring: no MOVDIR64B here: direct elements not checked\n");
		free(mem);
		return;
	}
	for (wide = 0; wide < 2; wide++) {
		struct rte_vmsg_ring *tx, *rx;
		uint32_t round, i, j, seq = 1;

		if (wide && !saved)
			break; /* no AVX-512 here: the ordinary copies only */
		rte_vmsg__direct_wide = wide;
		stream_pair(mem, 64, RTE_VMSG_LINK_FMT_STAMPED, &dev, &drv);
		tx = rte_vmsg_link_tx(dev);
		rx = rte_vmsg_link_rx(drv);
		CHECK((tx->mode & RTE_VMSG_RING_MODE_DIRECT) != 0);
		for (round = 0; round < 10; round++) {
			uint32_t len = lens[round % 5], n = 32u + round * 3u, at = tx->idx;

			for (i = 0; i < n * len; i++)
				msgs[i] = (uint8_t)(0xA5u ^ (i * 7u + round));
			CHECK_EQ(rte_vmsg_ring_enqueue_burst(tx, msgs, len, n), (int)n);
			for (i = 0; i < n; i++) {
				const uint8_t *e = rte_vmsg__ring_elem(tx, (at + i) % 100u);
				uint32_t st, rsv;

				memcpy(&st, e, 4);
				memcpy(&rsv, e + 4, 4);
				CHECK_EQ(rte_vmsg_le32_to_cpu(st), seq + i);
				CHECK_EQ(rsv, 0);
				CHECK(memcmp(e + 8, msgs + (size_t)i * len, len) == 0);
				for (j = 8 + len; j < 64; j++)
					CHECK_EQ(e[j], 0);
			}
			CHECK_EQ(rte_vmsg_ring_dequeue_burst(rx, out, len, n), (int)n);
			CHECK(memcmp(out, msgs, (size_t)n * len) == 0);
			seq += n;
		}
		rte_vmsg_link_destroy(drv);
		rte_vmsg_link_destroy(dev);
	}
	rte_vmsg__direct_wide = saved;
	free(mem);
}

int main(void)
{
	test_golden_layout();
	test_golden_stamped();
	test_empty_full_wrap();
	test_zero_copy();
	test_create_errors();
	test_foreign_layout();
	test_restart();
	test_ready_at_once();
	test_restart_while_polled();
	test_hostile_values();
	test_relayout();
	test_relayout_while_broken();
	test_stream();
	test_direct_elements();
	return vtest_done("test_ring");
}
