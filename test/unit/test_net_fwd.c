/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * rte_vmsg_net_dev_forward_burst(): two APP-backend virtio-net devices, each
 * with its driver helper on a loop bus of its own and a region of its own
 * (its DMA area and its device's map), packets moved from one driver's
 * transmit queue into the other's receive queue. Content, headers,
 * num_buffers, order, back-pressure, drops and every counter are checked.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_transport.h>
#include <rte_vmsg_virtq.h>

#include "vtest.h"

#define F(bit) (1ull << (bit))
#define REG_SIZE (16u << 20)
#define NSIDE 2
#define FRAME_MAX 9018u
#define RXBUF 2048u /* receive buffer size of the driver helper with MRG_RXBUF */

/* The driver helper's default set without MRG_RXBUF. */
#define DRV_NO_MRG                                                                        \
	(F(RTE_VMSG_VIRTIO_F_VERSION_1) | F(RTE_VMSG_NET_F_MAC) | F(RTE_VMSG_NET_F_MTU) | \
	 F(RTE_VMSG_NET_F_STATUS) | F(RTE_VMSG_NET_F_CTRL_VQ) | F(RTE_VMSG_NET_F_CSUM) |  \
	 F(RTE_VMSG_NET_F_GUEST_CSUM) | F(RTE_VMSG_VIRTIO_F_EVENT_IDX) |                  \
	 F(RTE_VMSG_VIRTIO_F_RING_RESET))

static uint64_t seed;

/* One side: a loop bus, a region, a device and its driver. */
struct side {
	struct rte_vmsg_bus_loop *loop;
	struct rte_vmsg_bus *drvb, *devb;
	struct rte_vmsg_region *reg;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_net_dev *dev;
	struct rte_vmsg_net_drv *drv;
	uint64_t bus_base;
};

struct fenv {
	struct side s[NSIDE];
};

/*
 * Features taken out of the devices' offer (the hostile test writes
 * split-ring values), and added to what the drivers want (RING_PACKED: the
 * helper's default wants split rings).
 */
static uint64_t ring_off, ring_on;

struct side_cfg {
	uint16_t mtu;	       /* 0: 1500 */
	uint32_t qsize;	       /* driver queue size; 0: 256 */
	uint64_t drv_features; /* 0: the helper's default (MRG_RXBUF) */
	uint32_t notify;
	int loopback; /* the device uses the loopback backend */
};

static void dev_turn(struct side *sd)
{
	rte_vmsg_bus_poll(sd->devb);
	rte_vmsg_net_dev_service(sd->dev);
}

static void peer_hook(void *arg)
{
	dev_turn(arg);
}

/* Both sides' control paths: the driver buses, the device buses, the services. */
static void fturn(struct fenv *e)
{
	for (int i = 0; i < NSIDE; i++) {
		rte_vmsg_bus_poll(e->s[i].drvb);
		dev_turn(&e->s[i]);
		rte_vmsg_bus_poll(e->s[i].drvb);
	}
}

static int side_up(struct side *sd, int i, const struct side_cfg *c)
{
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_net_dev_opts o;
	struct rte_vmsg_net_drv_opts d;

	memset(sd, 0, sizeof(*sd));
	sd->bus_base = 0x10000000ull * (uint64_t)(i + 1);
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.capacity = 256;
	if (rte_vmsg_bus_loop_create(&lo, &sd->loop) != 0)
		return -1;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DRIVER;
	if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(sd->loop, 0),
				&sd->drvb) != 0)
		return -1;
	bo.role = RTE_VMSG_BUS_DEVICE;
	if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(sd->loop, 1),
				&sd->devb) != 0)
		return -1;
	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.size = REG_SIZE;
	ro.bus_addr = sd->bus_base;
	if (rte_vmsg_region_create(&ro, &sd->reg) != 0 || rte_vmsg_memmap_create(&sd->map) != 0 ||
	    rte_vmsg_memmap_add(sd->map, sd->reg) != 0)
		return -1;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = sd->devb;
	o.map = sd->map;
	o.dev_num = 7;
	o.features = rte_vmsg_net_dev_supported_features() & ~ring_off;
	o.max_queue_pairs = 2;
	o.mtu = c->mtu;
	o.backend = c->loopback ? RTE_VMSG_NET_BACKEND_LOOPBACK : RTE_VMSG_NET_BACKEND_APP;
	o.notify = c->notify;
	o.mac[0] = 0x02;
	o.mac[5] = (uint8_t)(0x10 + i);
	if (rte_vmsg_net_dev_create(&o, &sd->dev) != 0)
		return -1;
	rte_vmsg_bus_poll(sd->drvb); /* EVENT_DEVICE ADDED */
	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.bus = sd->drvb;
	d.dev_num = 7;
	d.queue_size = c->qsize;
	d.features =
		(c->drv_features != 0 ? c->drv_features : rte_vmsg_net_drv_default_features()) |
		ring_on;
	d.dma_addr = rte_vmsg_region_addr(sd->reg);
	d.dma_bus_addr = sd->bus_base;
	d.dma_size = REG_SIZE;
	d.notify = c->notify;
	d.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	d.timeout_ns = 1000000000ull;
	d.poll_peer = peer_hook;
	d.poll_peer_arg = sd;
	return rte_vmsg_net_drv_create(&d, &sd->drv);
}

static void side_down(struct side *sd)
{
	rte_vmsg_net_drv_destroy(sd->drv);
	rte_vmsg_net_dev_destroy(sd->dev);
	rte_vmsg_bus_destroy(sd->drvb);
	rte_vmsg_bus_destroy(sd->devb);
	rte_vmsg_bus_loop_destroy(sd->loop);
	rte_vmsg_memmap_destroy(sd->map);
	rte_vmsg_region_destroy(sd->reg);
}

static int fenv_up(struct fenv *e, const struct side_cfg *a, const struct side_cfg *b)
{
	memset(e, 0, sizeof(*e));
	CHECK_EQ(side_up(&e->s[0], 0, a), 0);
	CHECK_EQ(side_up(&e->s[1], 1, b), 0);
	return e->s[0].drv != NULL && e->s[1].drv != NULL ? 0 : -1;
}

static void fenv_down(struct fenv *e)
{
	for (int i = 0; i < NSIDE; i++)
		side_down(&e->s[i]);
}

/* ------------------------------------------------------------------------ */
/* Packets and driver helpers                                                */

struct frame {
	uint8_t b[FRAME_MAX];
};

static struct frame txf[64], rxf[64];

static void frame_fill(uint8_t *p, uint32_t len, uint32_t seq)
{
	uint64_t s = seq * 0x9e3779b97f4a7c15ull + 1;

	for (uint32_t i = 0; i < 6; i++) {
		p[i] = (uint8_t)(0xa0 + i);
		p[6 + i] = (uint8_t)(0xb0 + i);
	}
	p[12] = 0x88;
	p[13] = 0xb5;
	for (uint32_t i = 14; i < len; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(s >> 56);
	}
	if (len >= 18)
		memcpy(p + 14, &seq, 4);
}

static void hdr_of(struct rte_vmsg_net_hdr *h, uint32_t seq)
{
	memset(h, 0, sizeof(*h));
	h->flags = (uint8_t)(seq & 1);
	h->hdr_len = (uint16_t)(14 + (seq % 20));
	h->csum_start = (uint16_t)(seq % 50);
	h->csum_offset = (uint16_t)(seq % 16);
}

/* Transmits frames of @p lens on driver @p sd, pair @p qp; returns how many were queued. */
static uint32_t drv_send(struct side *sd, uint32_t qp, const uint32_t *lens, uint32_t n,
			 uint32_t seq0)
{
	struct rte_vmsg_net_pkt pk[64];
	int rc;

	for (uint32_t i = 0; i < n; i++) {
		frame_fill(txf[i].b, lens[i], seq0 + i);
		pk[i].data = txf[i].b;
		pk[i].len = lens[i];
		pk[i].cap = FRAME_MAX;
		hdr_of(&pk[i].hdr, seq0 + i);
	}
	rc = rte_vmsg_net_drv_tx_burst(sd->drv, qp, pk, n);
	CHECK(rc >= 0);
	return rc < 0 ? 0 : (uint32_t)rc;
}

/*
 * Receives up to @p n frames on driver @p sd, pair @p qp, and checks each
 * against frame seq0 + k of length lens[k] (addresses swapped with
 * @p swapped; num_buffers against @p bufsz when not 0). Returns frames.
 */
static uint32_t drv_recv_check(struct side *sd, uint32_t qp, const uint32_t *lens, uint32_t n,
			       uint32_t seq0, int swapped, uint32_t bufsz)
{
	struct rte_vmsg_net_pkt pk[64];
	struct rte_vmsg_net_hdr h;
	uint8_t ref[FRAME_MAX];
	uint32_t bad = 0;
	int rc;

	for (uint32_t i = 0; i < n; i++) {
		pk[i].data = rxf[i].b;
		pk[i].cap = FRAME_MAX;
		pk[i].len = 0;
	}
	rc = rte_vmsg_net_drv_rx_burst(sd->drv, qp, pk, n);
	CHECK(rc >= 0);
	if (rc < 0)
		return 0;
	for (uint32_t i = 0; i < (uint32_t)rc; i++) {
		uint32_t len = lens[i];

		frame_fill(ref, len, seq0 + i);
		if (swapped) {
			uint8_t t[6];

			memcpy(t, ref, 6);
			memcpy(ref, ref + 6, 6);
			memcpy(ref + 6, t, 6);
		}
		hdr_of(&h, seq0 + i);
		if (pk[i].len != len || memcmp(ref, rxf[i].b, len) != 0 ||
		    pk[i].hdr.flags != h.flags || pk[i].hdr.hdr_len != h.hdr_len ||
		    pk[i].hdr.csum_start != h.csum_start ||
		    pk[i].hdr.csum_offset != h.csum_offset || pk[i].hdr.gso_type != 0 ||
		    (bufsz != 0 && pk[i].hdr.num_buffers != (len + 12 + bufsz - 1) / bufsz) ||
		    (bufsz == 0 && pk[i].hdr.num_buffers != 1)) {
			if (bad++ < 4)
				fprintf(stderr, "frame %u (len %u, got %u, nb %u) differs\n",
					seq0 + i, len, pk[i].len, pk[i].hdr.num_buffers);
		}
	}
	CHECK_EQ(bad, 0);
	return (uint32_t)rc;
}

static struct rte_vmsg_net_queue_stats qstats(struct side *sd, uint32_t index)
{
	struct rte_vmsg_net_queue_stats qs;

	memset(&qs, 0, sizeof(qs));
	CHECK_EQ(rte_vmsg_net_dev_stats_get(sd->dev, index, &qs, NULL), 0);
	return qs;
}

/* Forwards until @p want packets were taken or nothing moves; sums the results. */
static void fwd_until(struct fenv *e, int from, uint32_t qa, int to, uint32_t qb, uint32_t flags,
		      uint32_t want, struct rte_vmsg_net_fwd_result *sum)
{
	struct rte_vmsg_net_fwd_result r;
	int idle = 0;

	memset(sum, 0, sizeof(*sum));
	while (sum->taken < want && idle < 4) {
		int rc = rte_vmsg_net_dev_forward_burst(e->s[from].dev, qa, e->s[to].dev, qb, 32,
							flags, &r);

		CHECK(rc >= 0);
		if (rc < 0)
			return;
		CHECK_EQ((uint32_t)rc, r.sent);
		CHECK(r.sent <= r.taken);
		sum->taken += r.taken;
		sum->sent += r.sent;
		sum->taken_bytes += r.taken_bytes;
		sum->sent_bytes += r.sent_bytes;
		idle = r.taken == 0 ? idle + 1 : 0;
	}
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */

static void test_args(void)
{
	struct side_cfg c = { 0 }, lb = { .loopback = 1 };
	struct rte_vmsg_net_fwd_result r;
	struct rte_vmsg_net_dev *a, *b;
	struct fenv e;

	if (fenv_up(&e, &c, &lb) != 0)
		goto out;
	a = e.s[0].dev;
	b = e.s[1].dev;
	memset(&r, 0xff, sizeof(r));
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(NULL, 0, a, 0, 32, 0, &r), -EINVAL);
	CHECK_U64(r.taken, 0); /* zeroed even on error */
	CHECK_U64(r.sent_bytes, 0);
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(a, 0, NULL, 0, 32, 0, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(a, 2, a, 0, 32, 0, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(a, 0, a, 2, 32, 0, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(a, 0, a, 0, 32, 2u, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(a, 0, a, 0, 32, ~0u, NULL), -EINVAL);
	/* The loopback backend is not the application's to forward. */
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(a, 0, b, 0, 32, 0, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(b, 0, a, 0, 32, 0, NULL), -EINVAL);
	/* Nothing to move; n = 0 moves nothing. */
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(a, 0, a, 0, 32, 0, &r), 0);
	CHECK_U64(r.taken, 0);
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(a, 0, a, 0, 0, RTE_VMSG_NET_FWD_F_MACSWAP, NULL),
		 0);
out:
	fenv_down(&e);
}

/*
 * Frames of 60..9000 bytes both ways between two devices with a 9000-byte
 * MTU: A.0 -> B.0 as they are, B.0 -> A.0 with the addresses swapped; with
 * MRG_RXBUF (a frame spans up to five 2 KiB buffers) or without (one buffer
 * of header + MTU + 18). Content, header, num_buffers, order, counters.
 */
static void sizes_run(int mrg, uint32_t qp)
{
	struct side_cfg c = { .mtu = 9000, .drv_features = mrg ? 0 : DRV_NO_MRG };
	static const uint32_t fixed[] = { 60,	61,   64,   100,  127,	128,  129,  1000,
					  1514, 1518, 2035, 2036, 2037, 2048, 4000, 4084,
					  4085, 6000, 8000, 8999, 9000, 9018 };
	struct rte_vmsg_net_fwd_result sum;
	struct rte_vmsg_net_queue_stats tx0, rx1, tx1, rx0;
	uint64_t bytes = 0, pkts = 0;
	uint32_t lens[32], seq = 0;
	struct fenv e;

	if (fenv_up(&e, &c, &c) != 0)
		goto out;
	for (int round = 0; round < 40; round++) {
		uint32_t n = 1 + (uint32_t)(vtest_rand(&seed) % 32), sent, got = 0;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t k = (uint32_t)(vtest_rand(&seed) % 64);

			lens[i] = k < sizeof(fixed) / sizeof(fixed[0])
					  ? fixed[k]
					  : 60 + (uint32_t)(vtest_rand(&seed) % (9018 - 59));
			bytes += lens[i];
		}
		for (int dir = 0; dir < 2; dir++) {
			struct side *from = &e.s[dir], *to = &e.s[1 - dir];

			sent = drv_send(from, qp, lens, n, seq);
			CHECK_EQ(sent, n);
			fwd_until(&e, dir, qp, 1 - dir, qp, dir ? RTE_VMSG_NET_FWD_F_MACSWAP : 0, n,
				  &sum);
			CHECK_EQ(sum.taken, n);
			CHECK_EQ(sum.sent, n);
			CHECK_U64(sum.taken_bytes, sum.sent_bytes);
			got = drv_recv_check(to, qp, lens, n, seq, dir, mrg ? RXBUF : 0);
			CHECK_EQ(got, n);
		}
		pkts += n;
		seq += n;
	}
	fturn(&e);
	tx0 = qstats(&e.s[0], 2 * qp + 1);
	rx1 = qstats(&e.s[1], 2 * qp);
	tx1 = qstats(&e.s[1], 2 * qp + 1);
	rx0 = qstats(&e.s[0], 2 * qp);
	CHECK_U64(tx0.packets, pkts);
	CHECK_U64(tx0.bytes, bytes);
	CHECK_U64(rx1.packets, pkts);
	CHECK_U64(rx1.bytes, bytes);
	CHECK_U64(tx1.packets, pkts);
	CHECK_U64(rx0.bytes, bytes);
	CHECK_U64(rx0.drops + rx1.drops + tx0.errors + tx1.errors + rx0.errors + rx1.errors, 0);
	CHECK_U64(tx0.broken + rx0.broken + tx1.broken + rx1.broken, 0);
	/* Polling mode: no EVENT_USED. */
	CHECK_U64(tx0.notifies + rx1.notifies, 0);
out:
	fenv_down(&e);
}

static void test_sizes_mrg(void)
{
	sizes_run(1, 0);
}

static void test_sizes_no_mrg(void)
{
	sizes_run(0, 0);
}

/* Pair 1 (the helper sent VQ_PAIRS_SET 2). */
static void test_sizes_pair1(void)
{
	sizes_run(1, 1);
}

/* A.0 -> A.0: one device, one pair, both ends (the loop case). */
static void test_same_pair_loop(void)
{
	struct side_cfg c = { 0 };
	struct rte_vmsg_net_fwd_result sum;
	struct rte_vmsg_net_queue_stats tx, rx;
	uint32_t lens[32];
	struct fenv e;

	if (fenv_up(&e, &c, &c) != 0)
		goto out;
	for (uint32_t i = 0; i < 32; i++)
		lens[i] = 60 + i * 46;
	CHECK_EQ(drv_send(&e.s[0], 0, lens, 32, 100), 32);
	fwd_until(&e, 0, 0, 0, 0, RTE_VMSG_NET_FWD_F_MACSWAP, 32, &sum);
	CHECK_EQ(sum.sent, 32);
	CHECK_EQ(drv_recv_check(&e.s[0], 0, lens, 32, 100, 1, RXBUF), 32);
	tx = qstats(&e.s[0], 1);
	rx = qstats(&e.s[0], 0);
	CHECK_U64(tx.packets, 32);
	CHECK_U64(rx.packets, 32);
	CHECK_U64(tx.bytes, rx.bytes);
	/* Nothing touched device B. */
	tx = qstats(&e.s[1], 1);
	rx = qstats(&e.s[1], 0);
	CHECK_U64(tx.packets + rx.packets, 0);
out:
	fenv_down(&e);
}

/*
 * Back-pressure: the destination driver receives nothing, so its 64 receive
 * buffers run out; the rest stays in the source's transmit queue (not
 * completed: the source driver's queue fills), nothing is dropped; once the
 * destination driver receives (and re-posts), everything arrives in order.
 * With MRG_RXBUF a 9000-byte frame that needs five buffers when two are
 * left waits, kept by the device, and goes first afterwards.
 */
static void backpressure_run(int mrg)
{
	struct side_cfg c = { .mtu = 9000, .qsize = 64, .drv_features = mrg ? 0 : DRV_NO_MRG };
	struct rte_vmsg_net_fwd_result sum, r;
	struct rte_vmsg_net_queue_stats tx, rx;
	uint32_t lens[64], all[256], sent = 0, got = 0, n;
	struct fenv e;

	if (fenv_up(&e, &c, &c) != 0)
		goto out;
	/* 62 small frames fill 62 of the 64 receive buffers. */
	for (uint32_t i = 0; i < 62; i++)
		all[i] = lens[i] = 60 + i;
	CHECK_EQ(drv_send(&e.s[0], 0, lens, 62, 0), 62);
	fwd_until(&e, 0, 0, 1, 0, 0, 62, &sum);
	CHECK_EQ(sum.sent, 62);
	sent = 62;
	/* Then a jumbo frame and small ones: 2 buffers left. */
	all[62] = lens[0] = 9000;
	for (uint32_t i = 1; i < 40; i++)
		all[62 + i] = lens[i] = 100 + i;
	CHECK_EQ(drv_send(&e.s[0], 0, lens, 40, 62), 40);
	sent += 40;
	fwd_until(&e, 0, 0, 1, 0, 0, 40, &sum);
	if (mrg) {
		/* The jumbo frame waits for five buffers: nothing passes it. */
		CHECK_EQ(sum.taken, 0);
	} else {
		/* One buffer each: two more frames, then no room. */
		CHECK_EQ(sum.taken, 2);
		CHECK_EQ(sum.sent, 2);
	}
	for (int i = 0; i < 5; i++) {
		CHECK_EQ(rte_vmsg_net_dev_forward_burst(e.s[0].dev, 0, e.s[1].dev, 0, 32, 0, &r),
			 0);
		CHECK_EQ(r.taken, 0);
	}
	/* The source driver's transmit queue is full: it sees the back-pressure. */
	for (uint32_t i = 0; i < 64; i++)
		lens[i] = 60;
	n = drv_send(&e.s[0], 0, lens, 64, 102);
	for (uint32_t i = 0; i < n; i++)
		all[102 + i] = 60;
	sent += n;
	CHECK(n < 64);
	rx = qstats(&e.s[1], 0);
	CHECK_U64(rx.drops, 0);
	/* The destination driver receives and re-posts: the rest arrives, in order. */
	for (int round = 0; round < 200 && got < sent; round++) {
		uint32_t k = sent - got < 32 ? sent - got : 32;

		got += drv_recv_check(&e.s[1], 0, all + got, k, got, 0, mrg ? RXBUF : 0);
		fwd_until(&e, 0, 0, 1, 0, 0, 32, &sum);
		fturn(&e);
	}
	CHECK_EQ(got, sent);
	tx = qstats(&e.s[0], 1);
	rx = qstats(&e.s[1], 0);
	CHECK_U64(tx.packets, sent);
	CHECK_U64(rx.packets, sent);
	CHECK_U64(tx.bytes, rx.bytes);
	CHECK_U64(rx.drops + rx.errors + tx.errors, 0);
out:
	fenv_down(&e);
}

static void test_backpressure_mrg(void)
{
	backpressure_run(1);
}

static void test_backpressure_no_mrg(void)
{
	backpressure_run(0);
}

/*
 * Chains a forward kept (a 9000-byte frame waiting for five receive buffers)
 * are the first that rte_vmsg_net_dev_recv_burst() on the same pair returns,
 * in order, with their content.
 */
static void test_kept_then_recv(void)
{
	struct side_cfg c = { .mtu = 9000, .qsize = 64 };
	struct rte_vmsg_net_fwd_result sum;
	struct rte_vmsg_net_pkt pk[32];
	uint32_t lens[64], bad = 0;
	uint8_t ref[FRAME_MAX];
	struct fenv e;
	int rc;

	if (fenv_up(&e, &c, &c) != 0)
		goto out;
	for (uint32_t i = 0; i < 62; i++)
		lens[i] = 60;
	CHECK_EQ(drv_send(&e.s[0], 0, lens, 62, 0), 62);
	fwd_until(&e, 0, 0, 1, 0, 0, 62, &sum);
	CHECK_EQ(sum.sent, 62);
	lens[0] = 9000;
	lens[1] = 61;
	lens[2] = 1514;
	lens[3] = 62;
	CHECK_EQ(drv_send(&e.s[0], 0, lens, 4, 62), 4);
	fwd_until(&e, 0, 0, 1, 0, 0, 4, &sum);
	CHECK_EQ(sum.taken, 0);
	for (uint32_t i = 0; i < 32; i++) {
		pk[i].data = rxf[i].b;
		pk[i].cap = FRAME_MAX;
	}
	rc = rte_vmsg_net_dev_recv_burst(e.s[0].dev, 0, pk, 32);
	CHECK_EQ(rc, 4);
	for (uint32_t i = 0; rc == 4 && i < 4; i++) {
		frame_fill(ref, lens[i], 62 + i);
		if (pk[i].len != lens[i] || memcmp(ref, rxf[i].b, lens[i]) != 0)
			bad++;
	}
	CHECK_EQ(bad, 0);
	CHECK_U64(qstats(&e.s[0], 1).packets, 66);
	CHECK_EQ(rte_vmsg_net_dev_recv_burst(e.s[0].dev, 0, pk, 32), 0);
out:
	fenv_down(&e);
}

/*
 * Drops: A has a 9000-byte MTU, B 1500. Frames above 1518 are dropped and
 * counted in B's receive drops (and in A's transmit packets: taken).
 */
static void test_too_big(void)
{
	struct side_cfg a = { .mtu = 9000 }, b = { .mtu = 1500, .drv_features = DRV_NO_MRG };
	static const uint32_t lens[] = { 60, 1518, 1519, 64, 9000, 1500, 2048, 61 };
	static const uint32_t ok[] = { 60, 1518, 64, 1500, 61 };
	struct rte_vmsg_net_fwd_result sum;
	struct rte_vmsg_net_queue_stats tx, rx;
	struct rte_vmsg_net_pkt pk[8];
	uint64_t okb = 60 + 1518 + 64 + 1500 + 61;
	uint32_t bad = 0;
	struct fenv e;

	if (fenv_up(&e, &a, &b) != 0)
		goto out;
	CHECK_EQ(drv_send(&e.s[0], 0, lens, 8, 0), 8);
	fwd_until(&e, 0, 0, 1, 0, RTE_VMSG_NET_FWD_F_MACSWAP, 8, &sum);
	CHECK_EQ(sum.taken, 8);
	CHECK_EQ(sum.sent, 5);
	CHECK_U64(sum.sent_bytes, okb);
	CHECK_U64(sum.taken_bytes, okb + 1519 + 9000 + 2048);
	for (uint32_t i = 0; i < 8; i++) {
		pk[i].data = rxf[i].b;
		pk[i].cap = FRAME_MAX;
	}
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.s[1].drv, 0, pk, 8), 5);
	for (uint32_t i = 0, k = 0; i < 8 && k < 5; i++) {
		uint8_t ref[FRAME_MAX], t[6];
		uint32_t seq = i;

		if (lens[i] != ok[k])
			continue;
		frame_fill(ref, lens[i], seq);
		memcpy(t, ref, 6);
		memcpy(ref, ref + 6, 6);
		memcpy(ref + 6, t, 6);
		if (pk[k].len != lens[i] || memcmp(ref, rxf[k].b, lens[i]) != 0)
			bad++;
		k++;
	}
	CHECK_EQ(bad, 0);
	tx = qstats(&e.s[0], 1);
	rx = qstats(&e.s[1], 0);
	CHECK_U64(tx.packets, 8);
	CHECK_U64(tx.bytes, sum.taken_bytes);
	CHECK_U64(rx.packets, 5);
	CHECK_U64(rx.bytes, okb);
	CHECK_U64(rx.drops, 3);
	CHECK_U64(tx.errors + rx.errors, 0);
out:
	fenv_down(&e);
}

/* Writes a descriptor outside the map and makes it available on queue @p index of @p sd's driver. */
static void inject_bad(struct side *sd, uint32_t index, uint32_t qsize)
{
	struct rte_vmsg_vq_drv *vq = rte_vmsg_net_drv_vq(sd->drv, index);
	uint8_t *base = rte_vmsg_region_addr(sd->reg);
	struct rte_vmsg_vring_desc *desc;
	uint64_t db = 0, ab = 0;
	uint16_t *avail, idx;
	uint32_t head = 3;

	CHECK(vq != NULL);
	if (vq == NULL)
		return;
	rte_vmsg_vq_drv_addrs(vq, &db, &ab, NULL);
	desc = (struct rte_vmsg_vring_desc *)(void *)(base + (db - sd->bus_base));
	avail = (uint16_t *)(void *)(base + (ab - sd->bus_base));
	desc[head].addr = rte_vmsg_cpu_to_le64(sd->bus_base + REG_SIZE + 4096); /* outside */
	desc[head].len = rte_vmsg_cpu_to_le32(128);
	desc[head].flags = rte_vmsg_cpu_to_le16(index % 2 == 0 ? RTE_VMSG_VRING_DESC_F_WRITE : 0);
	desc[head].next = 0;
	idx = rte_vmsg_le16_to_cpu(avail[1]);
	avail[2 + (idx & (qsize - 1))] = rte_vmsg_cpu_to_le16((uint16_t)head);
	__atomic_store_n(&avail[1], rte_vmsg_cpu_to_le16((uint16_t)(idx + 1)), __ATOMIC_RELEASE);
}

/*
 * A hostile source driver (a transmit descriptor outside its map) breaks
 * only its transmit queue: counted once, DEVICE_NEEDS_RESET from its
 * device's service; the other direction into the same device goes on, and
 * the other device is not touched. Then a hostile destination driver (a
 * receive descriptor outside the map): its receive queue breaks, nothing is
 * taken from the source (its frames wait).
 */
static void test_hostile(void)
{
	struct side_cfg c = { .qsize = 64 };
	struct rte_vmsg_net_fwd_result sum;
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_net_dev_stats ds;
	uint64_t tx_before = 0;
	uint32_t lens[16], wait_seq = 0;
	struct fenv e;

	if (fenv_up(&e, &c, &c) != 0)
		goto out;
	for (uint32_t i = 0; i < 16; i++)
		lens[i] = 60 + 97 * i;
	CHECK_EQ(drv_send(&e.s[0], 0, lens, 16, 0), 16);
	fwd_until(&e, 0, 0, 1, 0, 0, 16, &sum);
	CHECK_EQ(drv_recv_check(&e.s[1], 0, lens, 16, 0, 0, RXBUF), 16);

	inject_bad(&e.s[0], 1, 64); /* A's transmit queue */
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(e.s[0].dev, 0, e.s[1].dev, 0, 32, 0, &sum), 0);
	CHECK_EQ(sum.taken, 0);
	fturn(&e);
	qs = qstats(&e.s[0], 1);
	CHECK_U64(qs.broken, 1);
	CHECK_U64(qs.packets, 16);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.s[0].dev, 1, NULL, &ds), 0);
	CHECK_U64(ds.needs_reset, 1);
	CHECK((rte_vmsg_dev_status(rte_vmsg_net_dev_vdev(e.s[0].dev)) &
	       RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.s[0].drv)), 1);
	/* Broken stays broken, counted once. */
	CHECK_EQ(rte_vmsg_net_dev_forward_burst(e.s[0].dev, 0, e.s[1].dev, 0, 32, 0, NULL), 0);
	qs = qstats(&e.s[0], 1);
	CHECK_U64(qs.broken, 1);
	/* B -> A still works (A's receive queue is fine). */
	CHECK_EQ(drv_send(&e.s[1], 0, lens, 16, 50), 16);
	fwd_until(&e, 1, 0, 0, 0, RTE_VMSG_NET_FWD_F_MACSWAP, 16, &sum);
	CHECK_EQ(sum.sent, 16);
	CHECK_EQ(drv_recv_check(&e.s[0], 0, lens, 16, 50, 1, RXBUF), 16);
	/* B is untouched. */
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.s[1].dev, 0, &qs, &ds), 0);
	CHECK_U64(qs.broken, 0);
	CHECK_U64(qs.drops, 0);
	CHECK_U64(ds.needs_reset, 0);
	qs = qstats(&e.s[1], 1);
	CHECK_U64(qs.broken, 0);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.s[1].drv)), 0);
	/* A's driver resets; A -> B carries on. */
	CHECK_EQ(rte_vmsg_net_drv_reset(e.s[0].drv), 0);
	CHECK_EQ(drv_send(&e.s[0], 0, lens, 16, 70), 16);
	fwd_until(&e, 0, 0, 1, 0, 0, 16, &sum);
	CHECK_EQ(sum.sent, 16);
	CHECK_EQ(drv_recv_check(&e.s[1], 0, lens, 16, 70, 0, RXBUF), 16);

	/*
	 * A hostile destination: a bad receive descriptor behind the ones
	 * posted. Traffic goes on until B's device pops it; then B's receive
	 * queue is broken and A's frames wait in A's transmit queue.
	 */
	inject_bad(&e.s[1], 0, 64);
	for (uint32_t k = 0; k < 20; k++) {
		wait_seq = 1000 + 16 * k;
		tx_before = qstats(&e.s[0], 1).packets;
		CHECK_EQ(drv_send(&e.s[0], 0, lens, 16, wait_seq), 16);
		fwd_until(&e, 0, 0, 1, 0, 0, 16, &sum);
		if (qstats(&e.s[1], 0).broken != 0)
			break;
		CHECK_EQ(drv_recv_check(&e.s[1], 0, lens, 16, wait_seq, 0, RXBUF), 16);
	}
	CHECK_EQ(sum.taken, 0); /* the burst that found the queue broken took nothing */
	fwd_until(&e, 0, 0, 1, 0, 0, 16, &sum);
	CHECK_EQ(sum.taken, 0);
	fturn(&e);
	qs = qstats(&e.s[1], 0);
	CHECK_U64(qs.broken, 1);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.s[1].dev, 0, NULL, &ds), 0);
	CHECK_U64(ds.needs_reset, 1);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.s[1].drv)), 1);
	qs = qstats(&e.s[0], 1);
	CHECK_U64(qs.broken, 1); /* the first breakage only */
	CHECK_U64(qs.packets, tx_before);
	/* B's driver resets: the frames that waited arrive, none lost. */
	CHECK_EQ(rte_vmsg_net_drv_reset(e.s[1].drv), 0);
	fwd_until(&e, 0, 0, 1, 0, 0, 16, &sum);
	CHECK_EQ(sum.sent, 16);
	CHECK_EQ(drv_recv_check(&e.s[1], 0, lens, 16, wait_seq, 0, RXBUF), 16);
	qs = qstats(&e.s[1], 0);
	CHECK_U64(qs.drops, 0);
	CHECK_U64(qstats(&e.s[0], 1).packets, tx_before + 16);
out:
	fenv_down(&e);
}

/* Event mode: each queue asks for its EVENT_USED; the services send them. */
static void test_events(void)
{
	struct side_cfg c = { .notify = RTE_VMSG_NET_NOTIFY_EVENT };
	struct rte_vmsg_net_fwd_result sum;
	struct rte_vmsg_net_queue_stats tx, rx;
	struct rte_vmsg_net_drv_stats ds;
	uint32_t lens[32];
	struct fenv e;

	if (fenv_up(&e, &c, &c) != 0)
		goto out;
	for (uint32_t i = 0; i < 32; i++)
		lens[i] = 64 + i;
	for (uint32_t k = 0; k < 10; k++) {
		CHECK_EQ(drv_send(&e.s[0], 0, lens, 32, 32 * k), 32);
		fturn(&e);
		fwd_until(&e, 0, 0, 1, 0, 0, 32, &sum);
		CHECK_EQ(sum.sent, 32);
		fturn(&e);
		CHECK_EQ(drv_recv_check(&e.s[1], 0, lens, 32, 32 * k, 0, RXBUF), 32);
	}
	fturn(&e);
	tx = qstats(&e.s[0], 1);
	rx = qstats(&e.s[1], 0);
	CHECK(tx.notifies > 0); /* EVENT_USED for A's transmit queue */
	CHECK(rx.notifies > 0); /* and for B's receive queue */
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.s[1].drv, 0, NULL, &ds), 0);
	CHECK(ds.used_events > 0);
	CHECK_U64(rx.packets, 320);
out:
	fenv_down(&e);
}

#define RUN(t)                                                                     \
	do {                                                                       \
		int f0_ = vtest_failures;                                          \
		t;                                                                 \
		printf("%-28s %s\n", #t, vtest_failures == f0_ ? "ok" : "FAILED"); \
	} while (0)

int main(void)
{
	seed = vtest_seed();
	RUN(test_args());
	RUN(test_sizes_mrg());
	RUN(test_sizes_no_mrg());
	RUN(test_sizes_pair1());
	RUN(test_same_pair_loop());
	RUN(test_backpressure_mrg());
	RUN(test_backpressure_no_mrg());
	RUN(test_kept_then_recv());
	RUN(test_too_big());
	ring_off = (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED) | (1ull << RTE_VMSG_VIRTIO_F_IN_ORDER);
	RUN(test_hostile());
	RUN(test_sizes_mrg()); /* the split ring without IN_ORDER too (the default has it) */
	RUN(test_sizes_no_mrg());
	ring_off = 0;
	ring_on = 1ull << RTE_VMSG_VIRTIO_F_RING_PACKED; /* and packed in-order */
	RUN(test_sizes_mrg());
	RUN(test_sizes_no_mrg());
	ring_on = 0;
	RUN(test_events());
	return vtest_done("test_net_fwd");
}
