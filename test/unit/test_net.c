/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-net device model and driver helper in one process: the loop bus,
 * one anonymous region that is both the driver's DMA area and the device's
 * bus-address map, the device polled from the driver's poll_peer hook (and
 * between bursts). A spy on the driver's end of the bus counts every event
 * frame in both directions.
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_transport.h>
#include <rte_vmsg_virtq.h>

#include "vtest.h"

#define REGION_SIZE (32u << 20)
#define REGION_BUS 0x40000000ull
#define MAXDEV 2
#define F(bit) (1ull << (bit))

static uint64_t seed;
/*
 * The ring mode of a pass: features taken out of every device's offer
 * (RING_PACKED, IN_ORDER; the tests that write split-ring values by hand
 * take both out), and RING_PACKED added to what every driver wants (the
 * helper's default wants split rings).
 */
static uint64_t ring_off, ring_on;
#define RING_BITS (F(RTE_VMSG_VIRTIO_F_RING_PACKED) | F(RTE_VMSG_VIRTIO_F_IN_ORDER))
/* Receive buffer size when loop_traffic() checks num_buffers (MRG_RXBUF); 0: no check. */
static uint32_t expect_bufsz;

/* What the driver helper asks for without MRG_RXBUF (and without TSO: no 64 KiB buffers). */
#define NO_MRG (rte_vmsg_net_drv_default_features() & ~F(RTE_VMSG_NET_F_MRG_RXBUF))

/* ------------------------------------------------------------------------ */
/* Harness                                                                   */

struct env {
	struct rte_vmsg_bus_loop *loop;
	struct rte_vmsg_bus_ops spy_ops;
	struct rte_vmsg_bus *drvb, *devb;
	struct rte_vmsg_region *reg;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_net_dev *dev[MAXDEV];
	struct rte_vmsg_net_drv *drv[MAXDEV];
	uint16_t dev_num[MAXDEV];
	int ndev;
	/* Frames seen on the driver's end of the bus. */
	uint64_t ev_avail;	/* EVENT_AVAIL sent by the driver */
	uint64_t ev_used;	/* EVENT_USED received by the driver */
	uint64_t ev_config;	/* EVENT_CONFIG received */
	uint64_t ev_config_nr;	/* of them with DEVICE_NEEDS_RESET */
	uint16_t ev_config_dev; /* dev_num of the last one */
	uint64_t reset_vq;	/* RESET_VQUEUE requests sent by the driver */
	/* Threaded tests: pair threads poll the pairs, the main thread only the bus. */
	int threaded;
	void (*start)(struct env *e); /* called between device and driver creation */
};

static struct env *the_env;

static void spy_frame(struct env *e, const uint8_t *f, size_t len)
{
	struct rte_vmsg_msg m;

	if (len < RTE_VMSG_HDR_SIZE)
		return;
	if (f[RTE_VMSG_OFF_TYPE] == 0 && f[RTE_VMSG_OFF_MSG_ID] == RTE_VMSG_ID_RESET_VQUEUE)
		e->reset_vq++;
	switch (f[RTE_VMSG_OFF_MSG_ID]) {
	case RTE_VMSG_ID_EVENT_AVAIL:
		e->ev_avail++;
		break;
	case RTE_VMSG_ID_EVENT_USED:
		e->ev_used++;
		break;
	case RTE_VMSG_ID_EVENT_CONFIG:
		e->ev_config++;
		e->ev_config_dev = rte_vmsg_get_le16(f + RTE_VMSG_OFF_DEV_NUM);
		if (rte_vmsg_msg_parse(f, len, 65535, &m, NULL) == 0 &&
		    (m.u.config.device_status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0)
			e->ev_config_nr++;
		break;
	default:
		break;
	}
}

static int spy_tx(void *ctx, const void *frame, size_t len)
{
	int rc = rte_vmsg_bus_loop_ops()->tx(ctx, frame, len);

	if (rc == 0)
		spy_frame(the_env, frame, len);
	return rc;
}

static int spy_rx(void *ctx, void *bufs, size_t stride, size_t *lens, unsigned int n)
{
	int rc = rte_vmsg_bus_loop_ops()->rx_burst(ctx, bufs, stride, lens, n);

	for (int i = 0; i < rc; i++)
		spy_frame(the_env, (const uint8_t *)bufs + (size_t)i * stride, lens[i]);
	return rc;
}

static uint32_t spy_max(void *ctx)
{
	return rte_vmsg_bus_loop_ops()->max_msg_size(ctx);
}

/*
 * test_reset_in_flight: the device's pairs are polled before its bus, as
 * a device whose pair threads run while a reset is on its way.
 */
static int pairs_first;

/* The device side's thread: its bus, every pair, the service call. */
static void dev_side(struct env *e)
{
	for (int d = 0; pairs_first && d < e->ndev; d++)
		for (uint32_t q = 0; e->dev[d] != NULL && q < RTE_VMSG_NET_MAX_QP; q++)
			if (rte_vmsg_net_dev_poll(e->dev[d], q) == -EINVAL)
				break;
	rte_vmsg_bus_poll(e->devb);
	for (int d = 0; d < e->ndev; d++) {
		if (e->dev[d] == NULL)
			continue;
		for (uint32_t q = 0; !e->threaded && q < RTE_VMSG_NET_MAX_QP; q++)
			if (rte_vmsg_net_dev_poll(e->dev[d], q) == -EINVAL)
				break;
		rte_vmsg_net_dev_service(e->dev[d]);
	}
}

static void poll_peer(void *arg)
{
	dev_side(arg);
}

/* Driver-side bus events, dispatched by dev_num (several handles share the bus). */
static void drv_events(void *arg, const void *frame, size_t len)
{
	struct env *e = arg;
	uint16_t num = rte_vmsg_get_le16((const uint8_t *)frame + RTE_VMSG_OFF_DEV_NUM);

	for (int d = 0; d < e->ndev; d++)
		if (e->drv[d] != NULL && e->dev_num[d] == num)
			CHECK_EQ(rte_vmsg_net_drv_event(e->drv[d], frame, len), 0);
}

/* Both sides: the driver's bus, then the device's. */
static void turn(struct env *e)
{
	rte_vmsg_bus_poll(e->drvb);
	dev_side(e);
	rte_vmsg_bus_poll(e->drvb);
}

static void env_init(struct env *e)
{
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_bus_opts bo;

	memset(e, 0, sizeof(*e));
	the_env = e;
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.capacity = 1024;
	if (rte_vmsg_bus_loop_create(&lo, &e->loop) != 0)
		exit(1);
	e->spy_ops.sz = sizeof(e->spy_ops);
	e->spy_ops.tx = spy_tx;
	e->spy_ops.rx_burst = spy_rx;
	e->spy_ops.max_msg_size = spy_max;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DRIVER;
	if (rte_vmsg_bus_create(&bo, &e->spy_ops, rte_vmsg_bus_loop_end(e->loop, 0), &e->drvb) != 0)
		exit(1);
	bo.role = RTE_VMSG_BUS_DEVICE;
	if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(e->loop, 1),
				&e->devb) != 0)
		exit(1);
	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.size = REGION_SIZE;
	ro.bus_addr = REGION_BUS;
	if (rte_vmsg_region_create(&ro, &e->reg) != 0 || rte_vmsg_memmap_create(&e->map) != 0 ||
	    rte_vmsg_memmap_add(e->map, e->reg) != 0) {
		fprintf(stderr, "region setup failed\n");
		exit(1);
	}
}

struct cfg {
	uint16_t qp;
	uint16_t mtu;
	uint32_t backend, notify;
	uint64_t dev_features; /* 0: default */
	uint64_t drv_features; /* 0: default */
	uint16_t drv_qp;
	uint32_t drv_qsize; /* 0: the driver's default */
	uint32_t drv_flags; /* RTE_VMSG_NET_DRV_F_* */
	int ext;	    /* the driver gets xp_release() as its ext_release */
};

static void xp_release(void *arg, uint32_t qp, void *cookie);

static const uint8_t MAC[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

/* Adds the driver of device @p i, in DMA slice @p i. */
static int env_add_drv(struct env *e, const struct cfg *c, int i)
{
	struct rte_vmsg_net_drv_opts d;
	size_t slice = REGION_SIZE / MAXDEV;

	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.bus = e->drvb;
	d.dev_num = e->dev_num[i];
	d.queue_pairs = c->drv_qp;
	d.queue_size = c->drv_qsize;
	d.flags = c->drv_flags;
	d.features =
		(c->drv_features != 0 ? c->drv_features : rte_vmsg_net_drv_default_features()) |
		ring_on;
	d.dma_addr = (uint8_t *)rte_vmsg_region_addr(e->reg) + (size_t)i * slice;
	d.dma_bus_addr = REGION_BUS + (uint64_t)i * slice;
	d.dma_size = slice;
	d.notify = c->notify;
	d.timeout_ns = 1000000000ull;
	d.poll_peer = poll_peer;
	d.poll_peer_arg = e;
	if (c->ext)
		d.ext_release = xp_release;
	return rte_vmsg_net_drv_create(&d, &e->drv[i]);
}

/* Adds device + driver number @p i (dev_num 1 + i), each driver in its own DMA slice. */
static int env_add(struct env *e, const struct cfg *c)
{
	struct rte_vmsg_net_dev_opts o;
	int i = e->ndev;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = e->devb;
	o.map = e->map;
	o.dev_num = (uint16_t)(1 + i);
	o.max_queue_pairs = c->qp;
	o.mtu = c->mtu;
	o.backend = c->backend;
	o.notify = c->notify;
	o.features =
		(c->dev_features != 0 ? c->dev_features : rte_vmsg_net_dev_supported_features()) &
		~ring_off;
	memcpy(o.mac, MAC, 6);
	o.mac[5] = (uint8_t)(o.mac[5] + i);
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &e->dev[i]), 0);
	e->dev_num[i] = o.dev_num;
	e->ndev++;
	rte_vmsg_bus_poll(e->drvb); /* EVENT_DEVICE ADDED */
	if (e->start != NULL)
		e->start(e);
	return env_add_drv(e, c, i);
}

static void env_fini(struct env *e)
{
	for (int i = 0; i < e->ndev; i++) {
		rte_vmsg_net_drv_destroy(e->drv[i]);
		rte_vmsg_net_dev_destroy(e->dev[i]);
	}
	rte_vmsg_bus_destroy(e->drvb);
	rte_vmsg_bus_destroy(e->devb);
	rte_vmsg_bus_loop_destroy(e->loop);
	rte_vmsg_memmap_destroy(e->map);
	rte_vmsg_region_destroy(e->reg);
}

static void env_up(struct env *e, const struct cfg *c)
{
	env_init(e);
	rte_vmsg_bus_set_event_cb(e->drvb, drv_events, e);
	CHECK_EQ(env_add(e, c), 0);
}

/* ------------------------------------------------------------------------ */
/* Packets                                                                   */

#define PKT_MAX 9018u

struct pbuf {
	uint8_t b[PKT_MAX];
};

/* Receive slots @p p[0 .. n) over buffers @p b[0 .. n), room PKT_MAX each. */
static void rx_slots(struct rte_vmsg_net_pkt *p, struct pbuf *b, uint32_t n)
{
	memset(p, 0, n * sizeof(*p));
	for (uint32_t i = 0; i < n; i++) {
		p[i].data = b[i].b;
		p[i].cap = PKT_MAX;
	}
}

/* Fills a frame: addresses, a tag (pair, sequence) and a pattern from @p s. */
static void pkt_fill(uint8_t *p, uint32_t len, uint32_t tag, uint64_t s)
{
	uint32_t i;

	for (i = 0; i < 6; i++) {
		p[i] = (uint8_t)(0xd0 + i);	/* destination */
		p[6 + i] = (uint8_t)(0x50 + i); /* source */
	}
	p[12] = 0x88;
	p[13] = 0xb5;
	for (i = 14; i < len; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(s >> 56);
	}
	if (len >= 18)
		memcpy(p + 14, &tag, 4);
}

/* Checks that @p got is @p sent with the addresses swapped. */
static int pkt_same_swapped(const uint8_t *sent, const uint8_t *got, uint32_t len)
{
	return memcmp(sent, got + 6, 6) == 0 && memcmp(sent + 6, got, 6) == 0 &&
	       memcmp(sent + 12, got + 12, len - 12) == 0;
}

static void hdr_rand(struct rte_vmsg_net_hdr *h, uint64_t *s)
{
	uint64_t r = vtest_rand(s);

	memset(h, 0, sizeof(*h));
	h->flags = (uint8_t)(r & 1);
	h->csum_start = (uint16_t)(r >> 8) & 0x3f;
	h->csum_offset = (uint16_t)((r >> 16) & 0xf);
	h->hdr_len = (uint16_t)(14 + ((r >> 24) & 0x1f));
}

static int hdr_same(const struct rte_vmsg_net_hdr *a, const struct rte_vmsg_net_hdr *b)
{
	return a->flags == b->flags && a->gso_type == b->gso_type && a->hdr_len == b->hdr_len &&
	       a->gso_size == b->gso_size && a->csum_start == b->csum_start &&
	       a->csum_offset == b->csum_offset;
}

/* loop_traffic() receives with rte_vmsg_net_drv_rx_burst_zc() (then copies out and releases). */
static int use_zc;
static uint64_t zc_lent, zc_spans;

/*
 * Receives into pkts[0 .. n) (their data and cap set): with use_zc, the
 * zero-copy burst, whose packets are copied into those buffers and
 * released (a packet spanning buffers: the copying burst takes it).
 */
static int rx_take(struct env *e, int d, uint32_t qp, struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	struct rte_vmsg_net_pkt zp[32];
	int rc;

	if (!use_zc)
		return rte_vmsg_net_drv_rx_burst(e->drv[d], qp, pkts, n);
	for (uint32_t i = 0; i < n; i++) {
		zp[i].data = NULL; /* ignored: the call points it into the buffer */
		zp[i].cap = 0;
	}
	rc = rte_vmsg_net_drv_rx_burst_zc(e->drv[d], qp, zp, n);
	if (rc == -EMSGSIZE) {
		zc_spans++;
		return rte_vmsg_net_drv_rx_burst(e->drv[d], qp, pkts, 1);
	}
	if (rc <= 0)
		return rc;
	zc_lent += (uint64_t)rc;
	/* Lent: another burst of the pair waits for the release. */
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(e->drv[d], qp, zp, n), -EBUSY);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e->drv[d], qp, pkts, n), -EBUSY);
	for (int i = 0; i < rc; i++) {
		CHECK(zp[i].data != NULL && zp[i].len <= zp[i].cap && zp[i].len <= pkts[i].cap);
		if (zp[i].data == NULL || zp[i].len > pkts[i].cap)
			continue;
		memcpy(pkts[i].data, zp[i].data, zp[i].len);
		pkts[i].len = zp[i].len;
		pkts[i].hdr = zp[i].hdr;
	}
	CHECK_EQ(rte_vmsg_net_drv_rx_release(e->drv[d], qp), 0);
	CHECK_EQ(rte_vmsg_net_drv_rx_release(e->drv[d], qp), 0); /* nothing lent: nothing done */
	return rc;
}

/*
 * Sends @p total packets of random sizes 14..max on pair @p qp of driver
 * @p d through the loopback and checks each one coming back on that pair:
 * content, addresses swapped, header. Returns packets checked.
 */
static uint64_t loop_traffic(struct env *e, int d, uint32_t qp, uint64_t total, uint32_t max)
{
	static struct pbuf tx[32], rx[32];
	struct rte_vmsg_net_pkt tp[32], rp[32];
	uint64_t done = 0, bad = 0;

	while (done < total) {
		uint32_t n = total - done < 32 ? (uint32_t)(total - done) : 32, got = 0;
		int rc;

		for (uint32_t i = 0; i < n; i++) {
			uint32_t len = 14 + (uint32_t)(vtest_rand(&seed) % (max - 13));

			pkt_fill(tx[i].b, len, (uint32_t)(done + i) | (qp << 24),
				 vtest_rand(&seed));
			tp[i].data = tx[i].b;
			tp[i].len = len;
			tp[i].cap = PKT_MAX;
			hdr_rand(&tp[i].hdr, &seed);
		}
		rc = rte_vmsg_net_drv_tx_burst(e->drv[d], qp, tp, n);
		CHECK_EQ(rc, (int)n);
		if (rc != (int)n)
			return done;
		uint64_t deadline = rte_vmsg_time_ns() + 2000000000ull;

		while (got < n && rte_vmsg_time_ns() < deadline) {
			turn(e);
			if (e->threaded)
				sched_yield();
			for (uint32_t i = got; i < n; i++) {
				rp[i].data = rx[i].b;
				rp[i].cap = PKT_MAX;
				rp[i].len = 0;
			}
			rc = rx_take(e, d, qp, rp + got, n - got);
			if (rc < 0) {
				CHECK_EQ(rc, 0);
				return done;
			}
			got += (uint32_t)rc;
		}
		CHECK_EQ(got, n);
		for (uint32_t i = 0; i < got; i++)
			if ((expect_bufsz != 0 &&
			     rp[i].hdr.num_buffers !=
				     (tp[i].len + 12 + expect_bufsz - 1) / expect_bufsz) ||
			    rp[i].len != tp[i].len ||
			    !pkt_same_swapped(tx[i].b, rx[i].b, tp[i].len) ||
			    !hdr_same(&tp[i].hdr, &rp[i].hdr) || rp[i].hdr.num_buffers == 0)
				bad++;
		done += got;
		if (got != n)
			break;
	}
	CHECK_EQ(bad, 0);
	return done;
}

/* ------------------------------------------------------------------------ */
/* Tests                                                                     */

static void test_args(void)
{
	struct rte_vmsg_net_dev_opts o;
	struct rte_vmsg_net_drv_opts d;
	struct rte_vmsg_net_dev *nd = NULL;
	struct rte_vmsg_net_drv *dv = NULL;
	struct env e;

	env_init(&e);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = e.devb;
	o.map = e.map;
	CHECK_EQ(rte_vmsg_net_dev_create(NULL, &nd), -EINVAL);
	o.sz = sizeof(size_t) - 1; /* no room even for sz (the options rule) */
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.sz = sizeof(o);
	o.bus = e.drvb; /* not a device-role bus */
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.bus = e.devb;
	o.mtu = 67;
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.mtu = 0;
	o.queue_size = 100;
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.queue_size = 0;
	o.max_queue_pairs = RTE_VMSG_NET_MAX_QP + 1;
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.max_queue_pairs = 2;
	/* Inconsistent offers: MQ without CTRL_VQ, no VERSION_1, an unknown bit. */
	o.features = F(RTE_VMSG_VIRTIO_F_VERSION_1) | F(RTE_VMSG_NET_F_MQ);
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.features = F(RTE_VMSG_NET_F_MAC);
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.features = F(RTE_VMSG_VIRTIO_F_VERSION_1) | F(2);
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.features = 0;
	o.backend = 2;
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.backend = 0;
	o.notify = 2;
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), -EINVAL);
	o.notify = 0;
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), 0);
	/* Same number twice on one bus. */
	{
		struct rte_vmsg_net_dev *nd2 = NULL;

		CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd2), -EEXIST);
	}
	CHECK_EQ(rte_vmsg_net_dev_poll(nd, 2), -EINVAL);
	CHECK_EQ(rte_vmsg_net_dev_poll(NULL, 0), -EINVAL);
	CHECK_EQ(rte_vmsg_net_dev_poll(nd, 0), 0);			/* no DRIVER_OK yet */
	CHECK_EQ(rte_vmsg_net_dev_recv_burst(nd, 0, NULL, 0), -EINVAL); /* loopback device */
	CHECK_EQ(rte_vmsg_net_dev_service(NULL), -EINVAL);
	rte_vmsg_net_dev_destroy(nd);
	rte_vmsg_net_dev_destroy(NULL);

	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.bus = e.drvb;
	d.dma_addr = rte_vmsg_region_addr(e.reg);
	d.dma_bus_addr = REGION_BUS;
	d.dma_size = 1 << 20;
	d.flags = 1u << 5;
	CHECK_EQ(rte_vmsg_net_drv_create(&d, &dv), -EINVAL);
	d.flags = 0;
	d.dma_addr = (uint8_t *)d.dma_addr + 8;
	CHECK_EQ(rte_vmsg_net_drv_create(&d, &dv), -EINVAL);
	d.dma_addr = rte_vmsg_region_addr(e.reg);
	d.features = F(RTE_VMSG_NET_F_CTRL_RX); /* not something the helper drives */
	CHECK_EQ(rte_vmsg_net_drv_create(&d, &dv), -EINVAL);
	d.features = rte_vmsg_net_drv_default_features() & ~F(RTE_VMSG_NET_F_CTRL_VQ);
	CHECK_EQ(rte_vmsg_net_drv_create(&d, &dv), -EINVAL); /* MQ needs CTRL_VQ */
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(NULL, 0, NULL, 0), -EINVAL);
	rte_vmsg_net_drv_destroy(NULL);
	env_fini(&e);
}

/* Init with and without MRG_RXBUF; config contents; loopback of random sizes. */
static void test_loopback(int mrg, uint64_t npkts)
{
	struct cfg c = { .qp = 1, .mtu = 1500 };
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_net_config cfg;
	struct rte_vmsg_drv *h;
	uint8_t raw[12];
	struct env e;

	if (!mrg)
		c.drv_features = NO_MRG;
	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	h = rte_vmsg_net_drv_handle(e.drv[0]);
	CHECK_EQ(rte_vmsg_drv_has_feature(h, RTE_VMSG_NET_F_MRG_RXBUF), mrg);
	CHECK_EQ(rte_vmsg_drv_has_feature(h, RTE_VMSG_VIRTIO_F_VERSION_1), 1);
	/*
	 * The mode of the pass: split in-order by default (the faster), packed
	 * when the driver asks for it, in-order unless the device holds back.
	 */
	CHECK_EQ(rte_vmsg_drv_has_feature(h, RTE_VMSG_VIRTIO_F_RING_PACKED),
		 (ring_on & ~ring_off & F(RTE_VMSG_VIRTIO_F_RING_PACKED)) != 0);
	CHECK_EQ(rte_vmsg_drv_has_feature(h, RTE_VMSG_VIRTIO_F_IN_ORDER),
		 (ring_off & F(RTE_VMSG_VIRTIO_F_IN_ORDER)) == 0);
	CHECK_EQ(
		rte_vmsg_dev_has_feature(rte_vmsg_net_dev_vdev(e.dev[0]), RTE_VMSG_NET_F_MRG_RXBUF),
		mrg);
	/* Config space, little-endian (virtio 1.x 5.1.4). */
	CHECK_EQ(rte_vmsg_net_drv_config(e.drv[0], &cfg), 0);
	CHECK_MEM(cfg.mac, MAC, 6);
	CHECK_EQ(rte_vmsg_drv_get_config(h, 0, 12, raw, NULL), 0);
	CHECK_MEM(raw, MAC, 6);
	CHECK_EQ(rte_vmsg_get_le16(raw + 6), RTE_VMSG_NET_S_LINK_UP);
	CHECK_EQ(rte_vmsg_get_le16(raw + 8), 1);
	CHECK_EQ(rte_vmsg_get_le16(raw + 10), 1500);
	CHECK_EQ(rte_vmsg_net_drv_queue_pairs(e.drv[0]), 1);

	CHECK_U64(loop_traffic(&e, 0, 0, npkts, 1514), npkts);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.packets, npkts);
	CHECK_U64(qs.errors, 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.packets, npkts);
	CHECK_U64(qs.drops, 0);
	CHECK_U64(qs.broken, 0);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.packets, npkts);
	CHECK_U64(qs.errors, 0);
	/* Polling mode: not one EVENT_AVAIL or EVENT_USED on the bus (BUS-19, DRV-33). */
	CHECK_U64(e.ev_avail, 0);
	CHECK_U64(e.ev_used, 0);
out:
	env_fini(&e);
}

/* MQ with 4 pairs: the control queue sets them; each pair's packets come back on it. */
/* test_mq: the first error line the library logs. */
static char mq_log[256];

static void mq_log_keep(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level <= RTE_VMSG_LOG_ERR && mq_log[0] == '\0')
		snprintf(mq_log, sizeof(mq_log), "%s", msg);
}

static void test_mq(void)
{
	struct cfg c = { .qp = 4 };
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_net_dev_stats ds;
	struct env e;
	uint32_t q;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_net_drv_queue_pairs(e.drv[0]), 4);
	CHECK_EQ(rte_vmsg_net_dev_active_pairs(e.dev[0]), 4);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 8, &qs, &ds), 0); /* control queue */
	CHECK_U64(ds.ctrl_ok, 1);
	CHECK_U64(ds.ctrl_err, 0);
	for (q = 0; q < 4; q++)
		CHECK_U64(loop_traffic(&e, 0, q, 500 + 100 * q, 1514), 500 + 100 * q);
	for (q = 0; q < 4; q++) {
		CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 2 * q, &qs, NULL), 0);
		CHECK_U64(qs.packets, 500 + 100 * q);
		CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 2 * q + 1, &qs, NULL), 0);
		CHECK_U64(qs.packets, 500 + 100 * q);
	}
	CHECK_U64(e.ev_avail + e.ev_used, 0); /* polling-only, control queue included */
out:
	env_fini(&e);
	/* Fewer pairs than the device has: VQ_PAIRS_SET 2. */
	c.drv_qp = 2;
	env_up(&e, &c);
	if (e.drv[0] != NULL) {
		CHECK_EQ(rte_vmsg_net_dev_active_pairs(e.dev[0]), 2);
		CHECK_U64(loop_traffic(&e, 0, 1, 300, 1514), 300);
		CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 2, NULL, 0), -EINVAL);
	}
	env_fini(&e);
	/* More pairs than the device has: refused, and the reason said. */
	c.drv_qp = 5;
	env_init(&e);
	rte_vmsg_bus_set_event_cb(e.drvb, drv_events, &e);
	mq_log[0] = '\0';
	rte_vmsg_log_set_handler(mq_log_keep, RTE_VMSG_LOG_ERR, NULL);
	CHECK_EQ(env_add(&e, &c), -EINVAL);
	rte_vmsg_log_set_handler(NULL, RTE_VMSG_LOG_ERR, NULL);
	CHECK(strstr(mq_log, "device 1 has 4 queue pairs, 5 asked") != NULL);
	env_fini(&e);
}

/* No receive buffer posted: the loopback drops and counts, like a NIC. */
static void test_drops(void)
{
	struct cfg c = { .qp = 1 };
	static struct pbuf tx, rx[32];
	struct rte_vmsg_net_pkt tp[32], rp[32];
	struct rte_vmsg_net_queue_stats qs;
	uint32_t sent = 0, got = 0, i;
	int rc;

	struct env e;

	c.drv_features = NO_MRG;
	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	pkt_fill(tx.b, 100, 7, 1);
	for (i = 0; i < 32; i++) {
		memset(&tp[i], 0, sizeof(tp[i]));
		tp[i].data = tx.b;
		tp[i].len = 100;
	}
	/* 320 packets against 256 receive buffers that are never re-posted. */
	while (sent < 320) {
		rc = rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp, 32);
		CHECK_EQ(rc, 32);
		if (rc <= 0)
			break;
		sent += (uint32_t)rc;
		turn(&e);
	}
	turn(&e);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.packets, 256);
	CHECK_U64(qs.drops, 64);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.packets, 320);
	for (i = 0; i < 32; i++) {
		rp[i].data = rx[i].b;
		rp[i].cap = PKT_MAX;
	}
	while ((rc = rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 32)) > 0)
		got += (uint32_t)rc;
	CHECK_EQ(got, 256);
	/* Buffers re-posted: traffic flows again. */
	CHECK_U64(loop_traffic(&e, 0, 0, 100, 1514), 100);
out:
	env_fini(&e);
}

/*
 * Packets shorter than an Ethernet header (0 and 10 bytes): the driver
 * helper sends them, the device model refuses them (counted in its transmit
 * queue's errors) and the loopback never sees them; traffic goes on.
 */
static void test_short_packets(void)
{
	struct cfg c = { .qp = 1 };
	static struct pbuf tx, rx[4];
	struct rte_vmsg_net_pkt tp[2], rp[4];
	struct rte_vmsg_net_queue_stats qs;
	uint32_t i;
	int rc, got = 0;
	struct env e;

	c.drv_features = NO_MRG;
	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	pkt_fill(tx.b, 64, 3, 1);
	memset(tp, 0, sizeof(tp));
	tp[0].data = tx.b;
	tp[0].len = 0;
	tp[1].data = tx.b;
	tp[1].len = 10;
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp, 2), 2);
	for (i = 0; i < 4; i++)
		turn(&e);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.errors, 2);
	for (i = 0; i < 4; i++) {
		memset(&rp[i], 0, sizeof(rp[i]));
		rp[i].data = rx[i].b;
		rp[i].cap = PKT_MAX;
	}
	while ((rc = rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 4)) > 0)
		got += rc;
	CHECK_EQ(got, 0);
	CHECK_U64(loop_traffic(&e, 0, 0, 100, 1514), 100);
out:
	env_fini(&e);
}

/*
 * Up to four packets into @p rp (over @p rx) within eight turns: from the
 * device's application receive burst (@p app), else from the driver's.
 * Returns how many came.
 */
static int take_four(struct env *e, int app, struct rte_vmsg_net_pkt *rp, struct pbuf *rx)
{
	int i, rc, got = 0;

	for (i = 0; i < 4; i++) {
		memset(&rp[i], 0, sizeof(rp[i]));
		rp[i].data = rx[i].b;
		rp[i].cap = PKT_MAX;
	}
	for (i = 0; i < 8 && got < 4; i++) {
		turn(e);
		rc = app ? rte_vmsg_net_dev_recv_burst(e->dev[0], 0, rp + got, 4 - (uint32_t)got)
			 : rte_vmsg_net_drv_rx_burst(e->drv[0], 0, rp + got, 4 - (uint32_t)got);
		CHECK(rc >= 0);
		if (rc > 0)
			got += rc;
	}
	return got;
}

/*
 * A driver that did not take VIRTIO_NET_F_MTU sends, between two frames
 * within the device's MTU (1000: frames up to 1018 bytes), one of 1200
 * bytes. The device drops that one, counted in its transmit queue's
 * errors; the two others arrive, whole and in order: looped back, or
 * (@p app) in the application's receive burst. Without the device's
 * length check the long frame would be delivered.
 */
static void test_over_mtu(int app)
{
	struct cfg c = { .qp = 1, .mtu = 1000 };
	static struct pbuf tx[3], rx[4];
	static const uint32_t len[3] = { 1018, 1200, 64 };
	struct rte_vmsg_net_pkt tp[3], rp[4];
	struct rte_vmsg_net_queue_stats qs;
	uint32_t i;
	int got;
	struct env e;

	c.drv_features = NO_MRG & ~F(RTE_VMSG_NET_F_MTU);
	if (app)
		c.backend = RTE_VMSG_NET_BACKEND_APP;
	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	memset(tp, 0, sizeof(tp));
	for (i = 0; i < 3; i++) {
		pkt_fill(tx[i].b, len[i], i, 11 + i);
		tp[i].data = tx[i].b;
		tp[i].len = len[i];
	}
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp, 3), 3);
	got = take_four(&e, app, rp, rx);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.errors, 1);
	CHECK_EQ(got, 2);
	CHECK_EQ(rp[0].len, 1018);
	CHECK_EQ(rp[1].len, 64);
	if (app) {
		CHECK(rp[0].len == 1018 && memcmp(tx[0].b, rx[0].b, 1018) == 0);
		CHECK(rp[1].len == 64 && memcmp(tx[2].b, rx[1].b, 64) == 0);
	} else {
		CHECK(rp[0].len == 1018 && pkt_same_swapped(tx[0].b, rx[0].b, 1018));
		CHECK(rp[1].len == 64 && pkt_same_swapped(tx[2].b, rx[1].b, 64));
		CHECK_U64(loop_traffic(&e, 0, 0, 100, 1018), 100);
	}
out:
	env_fini(&e);
}

/*
 * A hostile driver's way in: pair 0's transmit queue of @p e's first
 * driver, and the 4 KiB at least of the DMA area its helper leaves spare
 * (*sp, bus address *bus) for raw chains. NULL (checked) without them.
 */
static struct rte_vmsg_vq_drv *raw_txq(struct env *e, uint8_t **sp, uint64_t *bus)
{
	struct rte_vmsg_vq_drv *vq = rte_vmsg_net_drv_vq(e->drv[0], 1);
	uint64_t room = 0;
	void *spare = NULL;

	CHECK(vq != NULL);
	CHECK_EQ(rte_vmsg_net_drv_dma_spare(e->drv[0], &spare, bus, &room), 0);
	CHECK(room >= 4096);
	*sp = spare;
	return spare != NULL && room >= 4096 ? vq : NULL;
}

/*
 * The same from a driver that sends each packet as two descriptors, the
 * header and then the frame (virtio allows any layout): raw chains on pair
 * 0's transmit queue, in the DMA area the helper leaves spare, read by the
 * application's receive burst on the device (its path for chains of
 * several buffers). The 1200-byte frame is dropped and counted; the
 * 64-byte one after it arrives whole.
 */
static void test_over_mtu_chain(void)
{
	struct cfg c = { .qp = 1, .mtu = 1000, .backend = RTE_VMSG_NET_BACKEND_APP };
	static const uint32_t len[2] = { 1200, 64 };
	static const uint32_t off[2] = { 64, 64 + 1280 };
	static struct pbuf rx[4];
	struct rte_vmsg_vq_chain ch[2];
	struct rte_vmsg_vq_buf b[2][2];
	struct rte_vmsg_net_pkt rp[4];
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_vq_drv *vq;
	uint64_t bus = 0;
	uint8_t *sp;
	uint32_t i;
	int got;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	vq = raw_txq(&e, &sp, &bus);
	if (vq == NULL)
		goto out;
	memset(sp, 0, 64); /* two zeroed headers, at 0 and 16 */
	memset(ch, 0, sizeof(ch));
	for (i = 0; i < 2; i++) {
		pkt_fill(sp + off[i], len[i], i, 21 + i);
		b[i][0].addr = bus + 16 * i;
		b[i][0].len = 12;
		b[i][0].reserved = 0;
		b[i][1].addr = bus + off[i];
		b[i][1].len = len[i];
		b[i][1].reserved = 0;
		ch[i].bufs = b[i];
		ch[i].n_out = 2;
		ch[i].cookie = &ch[i];
	}
	CHECK_EQ(rte_vmsg_vq_drv_add_burst(vq, ch, 2), 2);
	CHECK(rte_vmsg_vq_drv_kick(vq, NULL) >= 0);
	got = take_four(&e, 1, rp, rx);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.errors, 1);
	CHECK_EQ(got, 1);
	CHECK(got == 1 && rp[0].len == 64 && memcmp(rx[0].b, sp + off[1], 64) == 0);
out:
	env_fini(&e);
}

/* A device that says it is virtio-net, with the config bytes a test gives. */
struct bad_net {
	struct rte_vmsg_net_config cfg;
};

static int bad_net_config_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
	const struct bad_net *b = ctx;

	if (offset > sizeof(b->cfg) || len > sizeof(b->cfg) - offset)
		return -EINVAL;
	memcpy(buf, (const uint8_t *)&b->cfg + offset, len);
	return 0;
}

/*
 * The driver helper against a device whose offer or configuration cannot
 * be: MQ without CTRL_VQ (@p which 5: the pair count has no way to the
 * device; this crashed the helper), with VIRTIO_NET_F_MTU an MTU below 68
 * (1: the least IPv4 allows), with VIRTIO_NET_F_MQ no queue pair (2) or
 * more than the helper has room for (3), with VIRTIO_NET_F_CTRL_VQ no
 * control queue (4). Each is refused with -EPROTO at create, and nothing
 * is left behind; the same device with sane values (0: MTU 1500, one
 * pair, no control queue, since no model here answers its commands) is
 * taken. And (6) that device taken, then replaced at its number by one
 * without MTU: rte_vmsg_net_drv_reset() refuses it with -EPROTO, since
 * the buffers were sized for the first feature set, and the pairs then
 * queue nothing (-EIO) for the device it reset.
 */
static void test_hostile_config(int which)
{
	static uint32_t qmax[2 * (RTE_VMSG_NET_MAX_QP + 1) + 1];
	const bool mq = which == 2 || which == 3 || which == 5, ctrl = which >= 2 && which <= 4;
	struct cfg c = { .qp = 1, .drv_features = NO_MRG };
	struct rte_vmsg_dev_opts dopts;
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev *dev = NULL;
	static struct bad_net b;
	uint32_t feat[2], i, pairs = 1;
	struct env e;

	env_init(&e);
	rte_vmsg_bus_set_event_cb(e.drvb, drv_events, &e);
	memset(&b, 0, sizeof(b));
	memcpy(b.cfg.mac, MAC, 6);
	b.cfg.mtu = rte_vmsg_cpu_to_le16(1500);
	if (which == 1)
		b.cfg.mtu = rte_vmsg_cpu_to_le16(60);
	if (which == 3)
		pairs = RTE_VMSG_NET_MAX_QP + 1;
	b.cfg.max_virtqueue_pairs = rte_vmsg_cpu_to_le16(which == 2 ? 0 : pairs);
	for (i = 0; i < sizeof(qmax) / sizeof(qmax[0]); i++)
		qmax[i] = 256;
	if (which == 4)
		qmax[2 * pairs] = 0; /* the control queue is absent */
	feat[0] = (1u << RTE_VMSG_NET_F_MAC) | (1u << RTE_VMSG_NET_F_MTU);
	if (mq)
		feat[0] |= 1u << RTE_VMSG_NET_F_MQ;
	if (ctrl)
		feat[0] |= 1u << RTE_VMSG_NET_F_CTRL_VQ;
	feat[1] = 1u << (RTE_VMSG_VIRTIO_F_VERSION_1 - 32);
	memset(&ops, 0, sizeof(ops));
	ops.sz = sizeof(ops);
	ops.device_id = 1;
	ops.vendor_id = 0x1af4;
	ops.features = feat;
	ops.num_feature_blocks = 2;
	ops.config_size = sizeof(b.cfg);
	ops.num_queues = 2 * pairs + (ctrl ? 1 : 0);
	ops.queue_max_sizes = qmax;
	ops.config_read = bad_net_config_read;
	memset(&dopts, 0, sizeof(dopts));
	dopts.sz = sizeof(dopts);
	dopts.dev_num = 9;
	dopts.max_msg_size = rte_vmsg_bus_max_msg_size(e.devb);
	dopts.transport_features = rte_vmsg_bus_transport_features(e.devb);
	dopts.bus = e.devb;
	CHECK_EQ(rte_vmsg_dev_create(&dopts, &ops, &b, &dev), 0);
	if (dev == NULL)
		goto out;
	rte_vmsg_bus_poll(e.drvb); /* EVENT_DEVICE ADDED */
	e.dev_num[0] = 9;
	e.ndev = 1;
	CHECK_EQ(env_add_drv(&e, &c, 0), which == 0 || which == 6 ? 0 : -EPROTO);
	CHECK((which == 0 || which == 6) == (e.drv[0] != NULL));
	if (which == 6 && e.drv[0] != NULL) {
		/* The device comes back at its number without MTU: a reset cannot keep the buffers. */
		rte_vmsg_dev_destroy(dev);
		dev = NULL;
		rte_vmsg_bus_poll(e.drvb);
		feat[0] &= ~(1u << RTE_VMSG_NET_F_MTU);
		CHECK_EQ(rte_vmsg_dev_create(&dopts, &ops, &b, &dev), 0);
		rte_vmsg_bus_poll(e.drvb);
		CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), -EPROTO);
		/* Nothing is queued for a device that was reset and not started again. */
		{
			static uint8_t one[64];
			struct rte_vmsg_net_pkt p;

			memset(&p, 0, sizeof(p));
			p.data = one;
			p.len = sizeof(one);
			CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, &p, 1), -EIO);
			p.cap = sizeof(one);
			CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 0, &p, 1), -EIO);
		}
	}
	rte_vmsg_net_drv_destroy(e.drv[0]);
	e.drv[0] = NULL;
	rte_vmsg_dev_destroy(dev);
out:
	e.ndev = 0;
	env_fini(&e);
}

/*
 * The hostile device of test_hostile_device_rx() and test_ext_hostile():
 * it takes five receive chains of pair 0 and completes them with, in
 * order, a packet of two buffers whose first is 4 bytes long (header and
 * all), num_buffers 0, num_buffers past every buffer the queue has, a
 * valid packet of 60 bytes (@p want), and the same with GSO type UDP,
 * which no driver negotiates. Returns 0, or -1 (checked) when the device
 * had not five chains.
 */
static int hostile_rx_push(struct env *e, uint8_t *want)
{
	struct rte_vmsg_vq_req req[8];
	struct rte_vmsg_vq_iov iov[16];
	struct rte_vmsg_vq_used used[5];
	struct rte_vmsg_vq_dev *vq;
	uint8_t *b[5];
	int n, i;

	vq = rte_vmsg_net_dev_vq(e->dev[0], 0);
	CHECK(vq != NULL);
	if (vq == NULL)
		return -1;
	n = rte_vmsg_vq_dev_pop_burst(vq, req, 5, iov, 16);
	CHECK_EQ(n, 5);
	if (n != 5)
		return -1;
	for (i = 0; i < 5; i++) {
		b[i] = iov[req[i].iov_first].base;
		memset(b[i], 0, 12);
		used[i].head = req[i].head;
	}
	rte_vmsg_put_le16(b[0] + 10, 2);
	used[0].len = 4;
	rte_vmsg_put_le16(b[1] + 10, 0); /* read as a packet of its own: no buffers */
	used[1].len = 100;
	rte_vmsg_put_le16(b[2] + 10, 60000);
	used[2].len = 12 + 60;
	rte_vmsg_put_le16(b[3] + 10, 1);
	pkt_fill(want, 60, 9, 1);
	memcpy(b[3] + 12, want, 60);
	used[3].len = 12 + 60;
	b[4][1] = RTE_VMSG_NET_HDR_GSO_UDP;
	rte_vmsg_put_le16(b[4] + 10, 1);
	memcpy(b[4] + 12, want, 60);
	used[4].len = 12 + 60;
	CHECK_EQ(rte_vmsg_vq_dev_push_burst(vq, used, 5), 5);
	return 0;
}

/*
 * A hostile device on the driver's receive path (MRG_RXBUF): a used length
 * shorter than the virtio-net header in a two-buffer packet, a
 * num_buffers past the queue's buffers, and (after the valid packet) a GSO
 * type not negotiated. Each is dropped and counted; the valid packet
 * arrives whole. Without the length check the copy
 * of the first buffer underflows; without the num_buffers bound the driver
 * waits for buffers that can never come and delivers nothing more.
 */
static void test_hostile_device_rx(void)
{
	struct cfg c = { .qp = 1, .backend = RTE_VMSG_NET_BACKEND_APP };
	static struct pbuf rx[8];
	static uint8_t want[60];
	struct rte_vmsg_net_pkt rp[8];
	struct rte_vmsg_net_queue_stats qs;
	int i, got = 0, rc;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	if (hostile_rx_push(&e, want) != 0)
		goto out;
	for (i = 0; i < 8; i++) {
		memset(&rp[i], 0, sizeof(rp[i]));
		rp[i].data = rx[i].b;
		rp[i].cap = PKT_MAX;
	}
	for (i = 0; i < 8 && got == 0; i++) {
		rc = rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 8);
		CHECK(rc >= 0);
		if (rc > 0)
			got += rc;
	}
	CHECK_EQ(got, 1);
	CHECK_EQ(rp[0].len, 60);
	CHECK_MEM(rx[0].b, want, 60);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.errors, 4);
	CHECK_U64(qs.broken, 0);
out:
	env_fini(&e);
}

/* Application backend, both ways; num_buffers with MRG_RXBUF. */
static void test_app(void)
{
	struct cfg c = { .qp = 2, .backend = RTE_VMSG_NET_BACKEND_APP };
	static struct pbuf a[8], b[8];
	struct rte_vmsg_net_pkt tp[8], rp[8];
	uint32_t i, got;
	int rc;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	/* Driver to application. */
	for (i = 0; i < 8; i++) {
		pkt_fill(a[i].b, 60 + 100 * i, i, i);
		tp[i].data = a[i].b;
		tp[i].len = 60 + 100 * i;
		hdr_rand(&tp[i].hdr, &seed);
		tp[i].hdr.gso_type = RTE_VMSG_NET_HDR_GSO_NONE;
	}
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 1, tp, 8), 8);
	CHECK_EQ(rte_vmsg_net_dev_poll(e.dev[0], 1), 0); /* the application's job */
	for (i = 0; i < 8; i++) {
		rp[i].data = b[i].b;
		rp[i].cap = PKT_MAX;
	}
	CHECK_EQ(rte_vmsg_net_dev_recv_burst(e.dev[0], 0, rp, 8), 0); /* other pair */
	rc = rte_vmsg_net_dev_recv_burst(e.dev[0], 1, rp, 8);
	CHECK_EQ(rc, 8);
	for (i = 0; i < 8 && rc == 8; i++) {
		CHECK_EQ(rp[i].len, tp[i].len);
		CHECK_MEM(rp[i].data, tp[i].data, tp[i].len);
		CHECK(hdr_same(&rp[i].hdr, &tp[i].hdr));
	}
	/* Application to driver: 3000 bytes span two 2 KiB buffers. */
	for (i = 0; i < 4; i++) {
		uint32_t len = i == 3 ? 3000 : 64 + 500 * i;

		pkt_fill(a[i].b, len, i, 100 + i);
		tp[i].data = a[i].b;
		tp[i].len = len;
		hdr_rand(&tp[i].hdr, &seed);
	}
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 1, tp, 4), 4);
	for (i = 0; i < 8; i++) {
		rp[i].data = b[i].b;
		rp[i].cap = PKT_MAX;
	}
	turn(&e);
	got = 0;
	while (got < 4 && (rc = rte_vmsg_net_drv_rx_burst(e.drv[0], 1, rp + got, 4 - got)) > 0)
		got += (uint32_t)rc;
	CHECK_EQ(got, 4);
	for (i = 0; i < got; i++) {
		CHECK_EQ(rp[i].len, tp[i].len);
		CHECK_MEM(rp[i].data, tp[i].data, tp[i].len);
		CHECK(hdr_same(&rp[i].hdr, &tp[i].hdr));
		CHECK_EQ(rp[i].hdr.num_buffers, i == 3 ? 2 : 1);
	}
	/* A receive buffer too small for the packet: dropped and counted on the driver. */
	rp[0].cap = 10;
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 1), 1);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 1), 0);
	{
		struct rte_vmsg_net_queue_stats qs;

		CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &qs, NULL), 0);
		CHECK_U64(qs.errors, 1);
	}
out:
	env_fini(&e);
}

/*
 * Receives @p n packets on pair 0 of the APP-backend test (up to four
 * calls: the device's recv_burst with @p dev_side, else the driver's
 * rx_burst) into b[], and checks them against tp[] in order: lengths,
 * bytes, headers. Returns how many came.
 */
static uint32_t app_recv_check(struct env *e, int dev_side, const struct rte_vmsg_net_pkt *tp,
			       uint32_t n, struct pbuf *b, struct rte_vmsg_net_pkt *rp)
{
	uint32_t i, k, got = 0;
	int rc;

	for (i = 0; i < n; i++) {
		rp[i].data = b[i].b;
		rp[i].cap = PKT_MAX;
	}
	for (k = 0; k < 4 && got < n; k++) {
		rc = dev_side ? rte_vmsg_net_dev_recv_burst(e->dev[0], 0, rp + got, n - got)
			      : rte_vmsg_net_drv_rx_burst(e->drv[0], 0, rp + got, n - got);
		CHECK(rc >= 0);
		if (rc > 0)
			got += (uint32_t)rc;
	}
	CHECK_EQ(got, n);
	for (i = 0; i < got; i++) {
		CHECK_EQ(rp[i].len, tp[i].len);
		CHECK_MEM(rp[i].data, tp[i].data, tp[i].len);
		CHECK(hdr_same(&rp[i].hdr, &tp[i].hdr));
	}
	return got;
}

/* rp[0 .. n) receive into b[0 .. n), @p cap bytes each. */
static void rx_into(struct rte_vmsg_net_pkt *rp, struct pbuf *b, uint32_t n, uint32_t cap)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		rp[i].data = b[i].b;
		rp[i].cap = cap;
	}
}

/*
 * GSO types (virtio 1.2 5.1.6.2.1, 5.1.6.4.1), a driver that took HOST_TSO6
 * and GUEST_TSO6 but not the TSO4 features:
 * - The driver's application: TCPV4 refused with -EMSGSIZE, TCPV6 taken.
 * - From a hostile driver (raw chains, each packet once in one descriptor,
 *   once as header and frame), its device gets 64-byte packets of GSO type
 *   UDP, TCPV4, TCPV6 with the ECN bit (none of them negotiated), TCPV6
 *   and NONE: the first three are malformed, dropped and counted in the
 *   transmit queue's errors (6); the others arrive (4).
 * - The device's application sends UDP, TCPV4 and NONE: the first two are
 *   refused (errors), the last arrives.
 * - A hostile device completes receive chains with UDP, TCPV4 and NONE:
 *   the driver drops the first two (errors), copying (@p zc 0) or lending
 *   (1) the last.
 * Before, any GSO type passed wherever a GSO-sized packet would.
 */
static void test_gso_types(int zc)
{
	static const uint8_t tx_types[5] = { RTE_VMSG_NET_HDR_GSO_UDP, RTE_VMSG_NET_HDR_GSO_TCPV4,
					     RTE_VMSG_NET_HDR_GSO_TCPV6 | 0x80,
					     RTE_VMSG_NET_HDR_GSO_TCPV6,
					     RTE_VMSG_NET_HDR_GSO_NONE };
	static const uint8_t rx_types[3] = { RTE_VMSG_NET_HDR_GSO_UDP, RTE_VMSG_NET_HDR_GSO_TCPV4,
					     RTE_VMSG_NET_HDR_GSO_NONE };
	struct cfg c = { .qp = 1, .backend = RTE_VMSG_NET_BACKEND_APP };
	static struct pbuf rx[8], tx[3];
	struct rte_vmsg_vq_chain ch[10];
	struct rte_vmsg_vq_buf b[10][2];
	struct rte_vmsg_net_pkt rp[8], tp[3];
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_vq_req req[4];
	struct rte_vmsg_vq_iov iov[8];
	struct rte_vmsg_vq_used used[3];
	struct rte_vmsg_vq_drv *vq;
	struct rte_vmsg_vq_dev *dvq;
	uint64_t bus = 0;
	uint8_t *sp, want[64];
	uint32_t i, n = 0;
	int got;
	struct env e;

	c.drv_features = rte_vmsg_net_drv_default_features() | F(RTE_VMSG_NET_F_HOST_TSO6) |
			 F(RTE_VMSG_NET_F_GUEST_TSO6);
	c.drv_qsize = 16; /* TSO: 64 KiB transmit buffers */
	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	vq = raw_txq(&e, &sp, &bus);
	if (vq == NULL)
		goto out;
	/* The driver's application: TCPV4 refused, TCPV6 taken (and received). */
	memset(tp, 0, sizeof(tp));
	pkt_fill(tx[0].b, 64, 0, 61);
	tp[0].data = tx[0].b;
	tp[0].len = 64;
	tp[0].hdr.gso_type = RTE_VMSG_NET_HDR_GSO_TCPV4;
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp, 1), -EMSGSIZE);
	tp[0].hdr.gso_type = RTE_VMSG_NET_HDR_GSO_TCPV6;
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp, 1), 1);
	rx_into(rp, rx, 8, PKT_MAX);
	CHECK_EQ(rte_vmsg_net_dev_recv_burst(e.dev[0], 0, rp, 8), 1);

	/* The hostile driver: packet i at 256 * i, its header in front of it. */
	memset(sp, 0, 4096);
	memset(ch, 0, sizeof(ch));
	for (i = 0; i < 10; i++) {
		uint8_t *h = sp + 256 * i;

		h[1] = tx_types[i % 5];
		pkt_fill(h + 12, 64, i, 31);
		b[i][0].addr = bus + 256 * i;
		b[i][0].len = i < 5 ? 12 + 64 : 12;
		b[i][0].reserved = 0;
		b[i][1].addr = bus + 256 * i + 12;
		b[i][1].len = 64;
		b[i][1].reserved = 0;
		ch[i].bufs = b[i];
		ch[i].n_out = i < 5 ? 1 : 2;
		ch[i].cookie = &ch[i];
	}
	CHECK_EQ(rte_vmsg_vq_drv_add_burst(vq, ch, 10), 10);
	CHECK(rte_vmsg_vq_drv_kick(vq, NULL) >= 0);
	rx_into(rp, rx, 8, PKT_MAX);
	for (i = 0; i < 8 && n < 4; i++) {
		got = rte_vmsg_net_dev_recv_burst(e.dev[0], 0, rp + n, 8 - n);
		CHECK(got >= 0);
		n += got > 0 ? (uint32_t)got : 0;
	}
	CHECK_EQ(n, 4);
	for (i = 0; i < n; i++)
		CHECK_EQ(rp[i].hdr.gso_type, tx_types[3 + i % 2]);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.errors, 6);

	/* The hostile device: UDP and TCPV4 dropped by the driver. */
	dvq = rte_vmsg_net_dev_vq(e.dev[0], 0);
	CHECK(dvq != NULL);
	if (dvq == NULL)
		goto out;
	got = rte_vmsg_vq_dev_pop_burst(dvq, req, 3, iov, 8);
	CHECK_EQ(got, 3);
	if (got != 3)
		goto out;
	pkt_fill(want, 64, 5, 51);
	for (i = 0; i < 3; i++) {
		uint8_t *d = iov[req[i].iov_first].base;

		memset(d, 0, 12);
		d[1] = rx_types[i];
		rte_vmsg_put_le16(d + 10, 1);
		memcpy(d + 12, want, 64);
		used[i].head = req[i].head;
		used[i].len = 12 + 64;
	}
	CHECK_EQ(rte_vmsg_vq_dev_push_burst(dvq, used, 3), 3);
	rx_into(rp, rx, 8, PKT_MAX);
	for (i = 0, n = 0; i < 8 && n == 0; i++) {
		got = zc ? rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, rp, 8)
			 : rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 8);
		CHECK(got >= 0);
		n = got > 0 ? (uint32_t)got : 0;
	}
	CHECK_EQ(n, 1);
	CHECK(n == 1 && rp[0].len == 64 && rp[0].hdr.gso_type == RTE_VMSG_NET_HDR_GSO_NONE &&
	      memcmp(rp[0].data, want, 64) == 0);
	if (zc && n > 0)
		CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), 0);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.errors, 2);

	/* The device's application: UDP and TCPV4 refused. */
	memset(tp, 0, sizeof(tp));
	for (i = 0; i < 3; i++) {
		pkt_fill(tx[i].b, 64, i, 41);
		tp[i].data = tx[i].b;
		tp[i].len = 64;
		tp[i].hdr.gso_type = rx_types[i];
	}
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 3), 3);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.errors, 2);
	CHECK_U64(qs.packets, 1);
	turn(&e);
	rx_into(rp, rx, 8, PKT_MAX);
	got = zc ? rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, rp, 8)
		 : rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 8);
	CHECK_EQ(got, 1);
	if (zc && got > 0)
		CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), 0);

out:
	env_fini(&e);
}

/*
 * rte_vmsg_net_dev_recv_burst() and _send_burst() as a poll-mode driver
 * calls them: random sizes both ways over many bursts (their one-buffer fast
 * path), every byte, header and the order checked; a packet spanning two
 * MRG_RXBUF buffers and one over the caller's cap (their general path);
 * the counters.
 */
static void test_app_bursts(void)
{
	struct cfg c = { .qp = 1, .backend = RTE_VMSG_NET_BACKEND_APP };
	static struct pbuf a[32], b[32];
	static uint8_t big[65551];
	struct rte_vmsg_net_pkt tp[32], rp[32];
	struct rte_vmsg_net_queue_stats qs;
	uint32_t i, k, n, got, sent, round;
	uint64_t errs0;
	int rc;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_net_dev_recv_burst(NULL, 0, rp, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 1, tp, 1), -EINVAL); /* no pair 1 */
	CHECK_EQ(rte_vmsg_net_dev_recv_burst(e.dev[0], 0, NULL, 1), -EINVAL);
	for (round = 0; round < 200; round++) {
		n = 1 + (uint32_t)(vtest_rand(&seed) % 32);
		/* Driver to application: taken in order, byte-exact. */
		for (i = 0; i < n; i++) {
			uint32_t len = 14 + (uint32_t)(vtest_rand(&seed) % 1501);

			pkt_fill(a[i].b, len, round, i);
			tp[i].data = a[i].b;
			tp[i].len = len;
			hdr_rand(&tp[i].hdr, &seed);
			tp[i].hdr.gso_type = RTE_VMSG_NET_HDR_GSO_NONE;
		}
		sent = 0;
		while (sent < n &&
		       (rc = rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp + sent, n - sent)) > 0)
			sent += (uint32_t)rc;
		CHECK_EQ(sent, n);
		app_recv_check(&e, 1, tp, n, b, rp);
		/* Application to driver: given in order, byte-exact, one buffer each. */
		CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, n), (int)n);
		turn(&e);
		got = app_recv_check(&e, 0, tp, n, b, rp);
		for (i = 0; i < got; i++)
			CHECK_EQ(rp[i].hdr.num_buffers, 1);
		if (got != n)
			break;
	}
	/* 3000 bytes span two 2 KiB receive buffers: give's general path. */
	pkt_fill(a[0].b, 3000, 7, 7);
	tp[0].data = a[0].b;
	tp[0].len = 3000;
	pkt_fill(a[1].b, 100, 8, 8);
	tp[1].data = a[1].b;
	tp[1].len = 100;
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 2), 2);
	turn(&e);
	rx_into(rp, b, 2, PKT_MAX);
	rc = rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 2);
	CHECK_EQ(rc, 2);
	if (rc == 2) {
		CHECK_EQ(rp[0].len, 3000);
		CHECK_MEM(rp[0].data, a[0].b, 3000);
		CHECK_EQ(rp[0].hdr.num_buffers, 2);
		CHECK_EQ(rp[1].len, 100);
		CHECK_MEM(rp[1].data, a[1].b, 100);
	}
	/* A packet over the caller's cap is dropped and counted; the next one comes. */
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, NULL), 0);
	errs0 = qs.errors;
	tp[0].len = 1400;
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp, 2), 2);
	rx_into(rp, b, 2, 1000);
	got = 0;
	for (k = 0; k < 4 && got == 0; k++) {
		rc = rte_vmsg_net_dev_recv_burst(e.dev[0], 0, rp, 2);
		CHECK(rc >= 0);
		if (rc > 0)
			got += (uint32_t)rc;
	}
	CHECK_EQ(got, 1);
	CHECK_EQ(rp[0].len, 100);
	CHECK_MEM(rp[0].data, a[1].b, 100);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.errors, errs0 + 1);
	/*
	 * Lengths no driver takes, from the application: one just over the
	 * largest (65550) and one whose header sum wraps to 0 in 32 bits
	 * (which sized a 4 GiB copy into a 2 KiB buffer): each dropped and
	 * counted, nothing read from them; the packet after them comes.
	 */
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	errs0 = qs.errors;
	tp[0].data = big;
	tp[0].len = (uint32_t)sizeof(big);
	tp[1].data = a[0].b;
	tp[1].len = UINT32_MAX - 11u;
	tp[2].data = a[1].b;
	tp[2].len = 100;
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 3), 3);
	turn(&e);
	rx_into(rp, b, 2, PKT_MAX);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 2), 1);
	CHECK_EQ(rp[0].len, 100);
	CHECK_MEM(rp[0].data, a[1].b, 100);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.errors, errs0 + 2);
out:
	env_fini(&e);
}

/* Event mode: EVENT_AVAIL and EVENT_USED on the bus, counted on both sides. */
static void test_event(void)
{
	struct cfg c = { .qp = 2, .notify = RTE_VMSG_NET_NOTIFY_EVENT };
	struct rte_vmsg_net_queue_stats dq, vq;
	struct rte_vmsg_net_drv_stats ds;
	uint64_t avail0;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	avail0 = e.ev_avail;
	CHECK(avail0 > 0); /* receive queues filled, control command */
	CHECK_U64(loop_traffic(&e, 0, 0, 10000, 1514), 10000);
	CHECK_U64(loop_traffic(&e, 0, 1, 10000, 1514), 10000);
	CHECK(e.ev_avail > avail0);
	CHECK(e.ev_used > 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &vq, NULL), 0);
	CHECK(vq.events > 0);	/* EVENT_AVAIL on the transmit queue */
	CHECK(vq.notifies > 0); /* EVENT_USED for it */
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &dq, &ds), 0);
	CHECK(dq.events > 0); /* EVENT_USED on the receive queue */
	CHECK(ds.used_events > 0);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &dq, NULL), 0);
	CHECK(dq.notifies > 0);
	CHECK_U64(ds.needs_reset, 0);
	/* An idle device does nothing without an event. */
	CHECK_EQ(rte_vmsg_net_dev_poll(e.dev[0], 0), 0);
out:
	env_fini(&e);
}

/*
 * Event mode with the bursts' EVENT_AVAIL deferred to the bus thread
 * (RTE_VMSG_NET_DRV_F_DEFER_EVENTS): a burst sends no message; the event
 * device (it works only when EVENT_AVAIL marked the pair) takes nothing
 * until rte_vmsg_net_drv_service() sends it, once per queue.
 */
static void test_event_deferred(void)
{
	struct cfg c = { .qp = 1,
			 .notify = RTE_VMSG_NET_NOTIFY_EVENT,
			 .drv_flags = RTE_VMSG_NET_DRV_F_DEFER_EVENTS };
	static uint8_t f[2][1514];
	struct rte_vmsg_net_pkt p[2];
	struct rte_vmsg_net_queue_stats dq;
	uint64_t avail0;
	struct env e;
	int i, got = 0;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_net_drv_service(NULL), -EINVAL);
	for (i = 0; i < 4; i++)
		turn(&e);
	/* The receive queue's fill at bring-up asked for one. */
	CHECK(rte_vmsg_net_drv_service(e.drv[0]) >= 0);
	for (i = 0; i < 4; i++)
		turn(&e); /* the device idles: it arms its transmit queue */
	CHECK_EQ(rte_vmsg_net_drv_service(e.drv[0]), 0); /* nothing asked since */
	avail0 = e.ev_avail;
	for (i = 0; i < 2; i++) {
		pkt_fill(f[i], 100, (uint32_t)i, 5);
		p[i].data = f[i];
		p[i].len = 100;
		memset(&p[i].hdr, 0, sizeof(p[i].hdr));
	}
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, p, 1), 1);
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, &p[1], 1), 1);
	CHECK_U64(e.ev_avail, avail0); /* the bursts sent nothing */
	for (i = 0; i < 4; i++)
		turn(&e);
	p[0].data = f[0];
	p[0].cap = sizeof(f[0]);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 0, p, 1), 0); /* the device slept */
	CHECK_EQ(rte_vmsg_net_drv_service(e.drv[0]), 1);	   /* one for both kicks */
	CHECK_U64(e.ev_avail, avail0 + 1);
	CHECK_EQ(rte_vmsg_net_drv_service(e.drv[0]), 0);
	for (i = 0; i < 16 && got < 2; i++) {
		int n;

		turn(&e);
		p[0].data = f[got];
		p[0].cap = sizeof(f[got]);
		n = rte_vmsg_net_drv_rx_burst(e.drv[0], 0, p, 1);
		CHECK(n >= 0);
		got += n > 0 ? n : 0;
	}
	CHECK_EQ(got, 2);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &dq, NULL), 0);
	CHECK_U64(dq.notifies, 1); /* the transmit queue's, sent by the service call */
out:
	env_fini(&e);
}

/*
 * The same with the bursts on a thread of their own (what the PMD does): the
 * bus thread polls both buses, the device and the service call while the
 * burst thread sends and receives; TSan watches the request words.
 */
struct burst_thr {
	struct env *e;
	uint32_t total;
	uint32_t back, bad; /* read after the join */
	int done;	    /* atomic */
};

static void *burst_main(void *arg)
{
	struct burst_thr *t = arg;
	static uint8_t tx[16][256], rx[16][256];
	struct rte_vmsg_net_pkt p[16];
	uint32_t sent = 0, i;
	uint64_t deadline = rte_vmsg_time_ns() + 20000000000ull;

	while (t->back < t->total && rte_vmsg_time_ns() < deadline) {
		uint32_t n = t->total - sent < 16 ? t->total - sent : 16;
		int k;

		if (sent - t->back + n > 64)
			n = 0; /* at most 64 in flight */
		for (i = 0; i < n; i++) {
			pkt_fill(tx[(sent + i) % 16], 200, sent + i, sent + i);
			p[i].data = tx[(sent + i) % 16];
			p[i].len = 200;
			memset(&p[i].hdr, 0, sizeof(p[i].hdr));
		}
		k = n != 0 ? rte_vmsg_net_drv_tx_burst(t->e->drv[0], 0, p, n) : 0;
		if (k < 0)
			break;
		sent += (uint32_t)k; /* tx_burst copied them: tx[] may be filled again */
		for (i = 0; i < 16; i++) {
			p[i].data = rx[i];
			p[i].cap = sizeof(rx[i]);
		}
		k = rte_vmsg_net_drv_rx_burst(t->e->drv[0], 0, p, 16);
		if (k < 0)
			break;
		for (i = 0; i < (uint32_t)k; i++) {
			uint8_t want[256];

			pkt_fill(want, 200, t->back, t->back);
			if (p[i].len != 200 || !pkt_same_swapped(want, rx[i], 200))
				t->bad++;
			t->back++;
		}
		if (k == 0)
			sched_yield();
	}
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_event_deferred_threads(void)
{
	struct cfg c = { .qp = 1,
			 .notify = RTE_VMSG_NET_NOTIFY_EVENT,
			 .drv_flags = RTE_VMSG_NET_DRV_F_DEFER_EVENTS };
	struct burst_thr t = { .total = 20000 };
	uint64_t sent = 0;
	pthread_t th;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	t.e = &e;
	e.threaded = 0; /* the device is polled here, on the bus thread */
	if (pthread_create(&th, NULL, burst_main, &t) != 0)
		exit(1);
	while (!__atomic_load_n(&t.done, __ATOMIC_ACQUIRE)) {
		int rc = rte_vmsg_net_drv_service(e.drv[0]);

		CHECK(rc >= 0);
		sent += rc > 0 ? (uint64_t)rc : 0;
		turn(&e);
		sched_yield();
	}
	pthread_join(th, NULL);
	CHECK_EQ(t.back, t.total);
	CHECK_EQ(t.bad, 0);
	CHECK(sent > 0);
out:
	env_fini(&e);
}

/* Queues of the net tests: 256 entries (the device's default maximum). */
#define QN 256u
#define PD_AVAIL RTE_VMSG_VRING_PACKED_DESC_F_AVAIL
#define PD_USED RTE_VMSG_VRING_PACKED_DESC_F_USED

static int drv_packed(struct env *e, int d)
{
	return rte_vmsg_drv_has_feature(rte_vmsg_net_drv_handle(e->drv[d]),
					RTE_VMSG_VIRTIO_F_RING_PACKED) == 1;
}

/*
 * The packed descriptor ring of driver queue @p index, and the driver's next
 * avail position in it, modulo 2N (below N: wrap counter 1), found from the
 * AVAIL bits, which every write of a slot (the driver's, and the device's
 * used one) sets to the lap's wrap counter: the slots before the position
 * hold this lap's, the others the last lap's (all 0 in a new ring).
 */
static struct rte_vmsg_vring_packed_desc *pring(struct env *e, int d, uint32_t index, uint32_t *pos)
{
	struct rte_vmsg_vq_drv *vq = rte_vmsg_net_drv_vq(e->drv[d], index);
	struct rte_vmsg_vring_packed_desc *r;
	uint64_t db = 0;
	uint16_t a0;
	uint32_t i;

	CHECK(vq != NULL);
	if (vq == NULL)
		return NULL;
	rte_vmsg_vq_drv_addrs(vq, &db, NULL, NULL);
	r = (struct rte_vmsg_vring_packed_desc *)(void *)((uint8_t *)rte_vmsg_region_addr(e->reg) +
							  (db - REGION_BUS));
	a0 = rte_vmsg_le16_to_cpu(r[0].flags) & PD_AVAIL;
	for (i = 1; i < QN && (rte_vmsg_le16_to_cpu(r[i].flags) & PD_AVAIL) == a0; i++)
		;
	if (i == QN) /* a whole lap written with a0: the next one starts */
		*pos = a0 != 0 ? QN : 0;
	else
		*pos = a0 != 0 ? i : QN + i;
	return r;
}

/* Flags of a descriptor at position @p p (mod 2N): available, or with @p used, used. */
static rte_vmsg_le16 pflags(uint32_t p, uint16_t more, int used)
{
	int w = (p % (2 * QN)) < QN;

	return rte_vmsg_cpu_to_le16(
		(uint16_t)(more | (w ? PD_AVAIL : 0) | ((used ? w : !w) ? PD_USED : 0)));
}

/*
 * A hostile driver on a packed ring: a chain made available at the driver's
 * position, behind its back: a buffer outside the map (@p loop 0), or NEXT
 * on every descriptor of the ring. The head's flags last, with release.
 */
static void inject_packed(struct env *e, int d, uint32_t index, int loop)
{
	struct rte_vmsg_vring_packed_desc *r;
	uint32_t p = 0, j;

	r = pring(e, d, index, &p);
	if (r == NULL)
		return;
	for (j = loop ? QN : 1; j-- > 0;) {
		struct rte_vmsg_vring_packed_desc *x = &r[(p + j) % QN];

		x->addr = rte_vmsg_cpu_to_le64(loop ? REGION_BUS + 4096
						    : REGION_BUS + REGION_SIZE + 0x100000);
		x->len = rte_vmsg_cpu_to_le32(64);
		x->id = rte_vmsg_cpu_to_le16(5);
		if (j != 0)
			x->flags = pflags(p + j, RTE_VMSG_VRING_DESC_F_NEXT, 0);
	}
	__atomic_store_n(&r[p % QN].flags, pflags(p, loop ? RTE_VMSG_VRING_DESC_F_NEXT : 0, 0),
			 __ATOMIC_RELEASE);
}

/*
 * The descriptor table and avail ring (le16 words: flags, idx, ring) of the
 * split queue @p vq of a driver of @p e, as the device reads them.
 */
static void split_view(const struct env *e, const struct rte_vmsg_vq_drv *vq,
		       struct rte_vmsg_vring_desc **desc, uint16_t **avail)
{
	uint8_t *base = rte_vmsg_region_addr(e->reg);
	uint64_t db, ab;

	rte_vmsg_vq_drv_addrs(vq, &db, &ab, NULL);
	*desc = (struct rte_vmsg_vring_desc *)(void *)(base + (db - REGION_BUS));
	*avail = (uint16_t *)(void *)(base + (ab - REGION_BUS));
}

static void inject(struct env *e, int d, uint32_t index, int loop)
{
	struct rte_vmsg_vq_drv *vq = rte_vmsg_net_drv_vq(e->drv[d], index);
	struct rte_vmsg_vring_desc *desc;
	uint16_t *avail;
	uint16_t idx;
	uint32_t head = 5;

	CHECK(vq != NULL);
	if (vq == NULL)
		return;
	if (drv_packed(e, d)) {
		inject_packed(e, d, index, loop);
		return;
	}
	split_view(e, vq, &desc, &avail);
	if (loop) {
		desc[head].addr = rte_vmsg_cpu_to_le64(REGION_BUS + 4096);
		desc[head].len = rte_vmsg_cpu_to_le32(64);
		desc[head].flags = rte_vmsg_cpu_to_le16(RTE_VMSG_VRING_DESC_F_NEXT);
		desc[head].next = rte_vmsg_cpu_to_le16((uint16_t)head); /* a loop */
	} else {
		desc[head].addr = rte_vmsg_cpu_to_le64(REGION_BUS + REGION_SIZE + 0x100000);
		desc[head].len = rte_vmsg_cpu_to_le32(64);
		desc[head].flags = 0;
		desc[head].next = 0;
	}
	idx = rte_vmsg_le16_to_cpu(avail[1]);
	avail[2 + (idx & 255u)] = rte_vmsg_cpu_to_le16((uint16_t)head);
	__atomic_store_n(&avail[1], rte_vmsg_cpu_to_le16((uint16_t)(idx + 1)), __ATOMIC_RELEASE);
}

/*
 * A hostile driver breaks two queues of device 1 (an address outside the
 * map, a descriptor loop) while device 2 on the same bus passes traffic.
 */
static void test_hostile(void)
{
	struct cfg c1 = { .qp = 2 }, c2 = { .qp = 1 };
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_net_dev_stats ds;
	struct rte_vmsg_net_drv_stats drs;
	struct rte_vmsg_vq_stats vs;
	struct env e;

	env_init(&e);
	rte_vmsg_bus_set_event_cb(e.drvb, drv_events, &e);
	CHECK_EQ(env_add(&e, &c1), 0);
	CHECK_EQ(env_add(&e, &c2), 0);
	if (e.drv[0] == NULL || e.drv[1] == NULL)
		goto out;
	CHECK_U64(loop_traffic(&e, 0, 0, 200, 1514), 200);
	CHECK_U64(loop_traffic(&e, 1, 0, 2000, 1514), 2000);

	inject(&e, 0, 1, 0); /* pair 0 transmit: buffer outside the map */
	CHECK_U64(loop_traffic(&e, 1, 0, 2000, 1514), 2000);
	inject(&e, 0, 3, 1); /* pair 1 transmit: a loop */
	CHECK_U64(loop_traffic(&e, 1, 0, 2000, 1514), 2000);
	turn(&e);

	CHECK(rte_vmsg_vq_dev_stats_get(rte_vmsg_net_dev_vq(e.dev[0], 1), &vs) == 0);
	CHECK_EQ(vs.broken, RTE_VMSG_VQ_BAD_DESC_ADDR);
	CHECK(rte_vmsg_vq_dev_stats_get(rte_vmsg_net_dev_vq(e.dev[0], 3), &vs) == 0);
	/* A loop is caught as a loop or, past max_chain descriptors, as too long. */
	CHECK(vs.broken == RTE_VMSG_VQ_CHAIN_LOOP || vs.broken == RTE_VMSG_VQ_CHAIN_TOO_LONG);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, &ds), 0);
	CHECK_U64(qs.broken, 1);
	CHECK_U64(ds.needs_reset, 1); /* raised once */
	/* Polling-only: EVENT_CONFIG is the only event on the bus. */
	CHECK_U64(e.ev_avail, 0);
	CHECK_U64(e.ev_used, 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &qs, NULL), 0);
	CHECK_U64(qs.broken, 1);
	CHECK((rte_vmsg_dev_status(rte_vmsg_net_dev_vdev(e.dev[0])) &
	       RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0);
	/* The EVENT_CONFIG with DEVICE_NEEDS_RESET reached the driver of device 1. */
	CHECK_U64(e.ev_config_nr, 1);
	CHECK_EQ(e.ev_config_dev, 1);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, NULL, &drs), 0);
	CHECK_U64(drs.needs_reset, 1);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.drv[0])), 1);
	/* Device 2 lost nothing and is not touched. */
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[1], 0, &qs, &ds), 0);
	CHECK_U64(qs.packets, 6000);
	CHECK_U64(qs.drops, 0);
	CHECK_U64(qs.broken, 0);
	CHECK_U64(ds.needs_reset, 0);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[1], 0, &qs, &drs), 0);
	CHECK_U64(qs.packets, 6000);
	CHECK_U64(drs.needs_reset, 0);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.drv[1])), 0);
	/* The broken device's other queues are still there; the broken ones stay broken. */
	CHECK_EQ(rte_vmsg_net_dev_poll(e.dev[0], 0), 0);
	/* The way back: reset and bring up again; both pairs carry traffic. */
	CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.drv[0])), 0);
	CHECK_EQ(rte_vmsg_dev_status(rte_vmsg_net_dev_vdev(e.dev[0])) &
			 RTE_VMSG_STATUS_DEVICE_NEEDS_RESET,
		 0);
	CHECK_U64(loop_traffic(&e, 0, 0, 500, 1514), 500);
	CHECK_U64(loop_traffic(&e, 0, 1, 500, 1514), 500);
	CHECK_U64(loop_traffic(&e, 1, 0, 500, 1514), 500);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &qs, &ds), 0);
	CHECK_U64(qs.broken, 1); /* counted once, not again */
	CHECK_U64(ds.needs_reset, 1);
out:
	env_fini(&e);
}

/* ------------------------------------------------------------------------ */
/* Queue pair reset (VIRTIO_F_RING_RESET)                                    */

/* Queues @p n packets of 60..1514 bytes on pair @p qp, tagged, kept in @p tx for the check. */
static void burst_out(struct env *e, uint32_t qp, struct pbuf *tx, struct rte_vmsg_net_pkt *tp,
		      uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = 60 + (uint32_t)(vtest_rand(&seed) % 1455);

		pkt_fill(tx[i].b, len, i | (qp << 24), vtest_rand(&seed));
		tp[i].data = tx[i].b;
		tp[i].len = len;
		tp[i].cap = PKT_MAX;
		hdr_rand(&tp[i].hdr, &seed);
	}
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e->drv[0], qp, tp, n), (int)n);
}

/* Receives @p n packets on pair @p qp and checks them against @p tp in order. */
static void burst_in(struct env *e, uint32_t qp, const struct pbuf *tx,
		     const struct rte_vmsg_net_pkt *tp, uint32_t n)
{
	static struct pbuf rx[32];
	struct rte_vmsg_net_pkt rp[32];
	uint64_t deadline = rte_vmsg_time_ns() + 2000000000ull;
	uint32_t got = 0, bad = 0;
	int rc;

	for (uint32_t i = 0; i < n; i++) {
		rp[i].data = rx[i].b;
		rp[i].cap = PKT_MAX;
		rp[i].len = 0;
	}
	while (got < n && rte_vmsg_time_ns() < deadline) {
		rc = rte_vmsg_net_drv_rx_burst(e->drv[0], qp, rp + got, n - got);
		CHECK(rc >= 0);
		if (rc < 0)
			return;
		got += (uint32_t)rc;
		if (got < n)
			turn(e);
	}
	CHECK_EQ(got, n);
	for (uint32_t i = 0; i < got; i++)
		if (rp[i].len != tp[i].len || !pkt_same_swapped(tx[i].b, rx[i].b, tp[i].len) ||
		    !hdr_same(&tp[i].hdr, &rp[i].hdr))
			bad++;
	CHECK_EQ(bad, 0);
}

/*
 * A hostile driver breaks device 1's receive queue of pair 0: an avail
 * entry for a buffer outside the map, made behind the helper's back after
 * the buffers it posted (the helper's next kick then moves avail idx back
 * over it, which cannot be either). The device finds one or the other
 * while it writes packets, looped back or (@p app) sent by the
 * application: the queue is broken, counted once, and the device asks for
 * a reset (DEVICE_NEEDS_RESET, seen by the driver). The reset brings
 * traffic back. Without the device's check of the pop's result on those
 * paths the queue would stay dead with no reset asked for.
 */
static void test_hostile_rxq(int app)
{
	struct cfg c = { .qp = 1 };
	static struct pbuf tx, rx[32];
	struct rte_vmsg_net_pkt tp[32], rp[32];
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_net_dev_stats ds;
	struct rte_vmsg_vq_stats vs;
	uint32_t i, round;
	int rc;
	struct env e;

	if (app)
		c.backend = RTE_VMSG_NET_BACKEND_APP;
	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	inject(&e, 0, 0, 0);
	pkt_fill(tx.b, 100, 5, 3);
	memset(tp, 0, sizeof(tp));
	for (i = 0; i < 32; i++) {
		tp[i].data = tx.b;
		tp[i].len = 100;
		rp[i].data = rx[i].b;
		rp[i].cap = PKT_MAX;
	}
	memset(&vs, 0, sizeof(vs));
	for (round = 0; round < 40 && vs.broken == 0; round++) {
		rc = app ? rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 32)
			 : rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp, 32);
		CHECK(rc >= 0);
		turn(&e);
		while (rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 32) > 0)
			;
		turn(&e);
		CHECK(rte_vmsg_vq_dev_stats_get(rte_vmsg_net_dev_vq(e.dev[0], 0), &vs) == 0);
	}
	CHECK(vs.broken == RTE_VMSG_VQ_BAD_DESC_ADDR || vs.broken == RTE_VMSG_VQ_BAD_AVAIL_IDX);
	for (i = 0; i < 4; i++)
		turn(&e);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, &ds), 0);
	CHECK_U64(qs.broken, 1);
	CHECK_U64(ds.needs_reset, 1);
	CHECK((rte_vmsg_dev_status(rte_vmsg_net_dev_vdev(e.dev[0])) &
	       RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.drv[0])), 1);
	CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
	if (!app)
		CHECK_U64(loop_traffic(&e, 0, 0, 500, 1514), 500);
	else
		CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 32), 32);
out:
	env_fini(&e);
}

/*
 * A driver that posts receive chains too small for the header: the device
 * hands them back empty, at most 64 per packet it tries to deliver (a
 * driver re-posting them as fast as they come back must not hold one call
 * for as long as it likes). 100 such chains, written straight into the
 * receive ring after the driver's own buffers were all used: the first
 * call gives back 64 and keeps its packet, the second the other 36.
 */
static void test_hostile_rx_tiny(void)
{
	struct cfg c = { .qp = 1, .backend = RTE_VMSG_NET_BACKEND_APP };
	static struct pbuf tx;
	struct rte_vmsg_net_pkt tp[32];
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_vq_drv *vq;
	struct rte_vmsg_vring_desc *desc;
	uint64_t errs0;
	uint16_t *avail, a;
	uint32_t i, k;
	int rc;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	vq = rte_vmsg_net_drv_vq(e.drv[0], 0);
	CHECK(vq != NULL);
	if (vq == NULL || drv_packed(&e, 0))
		goto out; /* the split ring's layout is written below */
	pkt_fill(tx.b, 60, 1, 1);
	for (i = 0; i < 32; i++) {
		tp[i].data = tx.b;
		tp[i].len = 60;
		memset(&tp[i].hdr, 0, sizeof(tp[i].hdr));
	}
	/* Every buffer the driver posted used (not reaped): the device is at its avail idx. */
	for (k = 0; k < 64; k++) {
		rc = rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 32);
		CHECK(rc >= 0);
		if (rc <= 0)
			break;
	}
	split_view(&e, vq, &desc, &avail);
	a = rte_vmsg_le16_to_cpu(__atomic_load_n(&avail[1], __ATOMIC_ACQUIRE));
	for (i = 0; i < 100; i++) {
		desc[i].addr = rte_vmsg_cpu_to_le64(REGION_BUS + 4096 + 64u * i);
		desc[i].len = rte_vmsg_cpu_to_le32(4);
		desc[i].flags = rte_vmsg_cpu_to_le16(RTE_VMSG_VRING_DESC_F_WRITE);
		desc[i].next = 0;
		avail[2 + ((a + i) & (QN - 1u))] = rte_vmsg_cpu_to_le16((uint16_t)i);
	}
	__atomic_store_n(&avail[1], rte_vmsg_cpu_to_le16((uint16_t)(a + 100u)), __ATOMIC_RELEASE);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	errs0 = qs.errors;
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 1), 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.errors, errs0 + 64);
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, tp, 1), 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.errors, errs0 + 100);
	CHECK_U64(qs.broken, 0);
out:
	env_fini(&e);
}

/*
 * Two pairs with traffic; pair 1 is reset with packets in flight on both
 * pairs and packets received on pair 1 not taken yet: the transmissions
 * the device had not completed are counted as drops (exactly those), pair
 * 0 loses nothing, pair 1 carries traffic again (DRV-25 end to end, DEV-31
 * through the net model's queue_reset hook).
 */
static void test_queue_reset(void)
{
	struct cfg c = { .qp = 2 };
	static struct pbuf tx0[32], tx1[32];
	struct rte_vmsg_net_pkt tp0[32], tp1[32];
	struct rte_vmsg_net_queue_stats qs, ds1;
	struct rte_vmsg_net_drv_stats drs;
	struct rte_vmsg_drv *h;
	struct rte_vmsg_net_pkt rp[32];
	static struct pbuf rx[32];
	uint64_t rv0;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	h = rte_vmsg_net_drv_handle(e.drv[0]);
	/* Offered by the model and wanted by the helper's default set. */
	CHECK_EQ(rte_vmsg_drv_has_feature(h, RTE_VMSG_VIRTIO_F_RING_RESET), 1);
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(NULL, 0), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 2), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], UINT32_MAX), -EINVAL);
	CHECK_U64(e.reset_vq, 0);
	CHECK_U64(loop_traffic(&e, 0, 0, 300, 1514), 300);
	CHECK_U64(loop_traffic(&e, 0, 1, 300, 1514), 300);

	/* 16 looped back on pair 1 and not taken; then 32 in flight on each pair. */
	burst_out(&e, 1, tx1, tp1, 16);
	turn(&e);
	burst_out(&e, 0, tx0, tp0, 32);
	burst_out(&e, 1, tx1, tp1, 32);
	rv0 = e.reset_vq;
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 1), 0);
	CHECK_U64(e.reset_vq - rv0, 2); /* RESET_VQUEUE 3, then 2 */
	/*
	 * The device stopped the transmit queue before it polled the pair
	 * again: the 32 were in flight, the 16 before them were completed
	 * (reaped, not counted). Every packet queued is either done by the
	 * device or counted as lost.
	 */
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 3, &qs, &drs), 0);
	CHECK_U64(qs.drops, 32);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &ds1, NULL), 0);
	CHECK_U64(qs.packets, ds1.packets + qs.drops);
	CHECK_U64(qs.broken, 0);
	CHECK_U64(drs.needs_reset, 0);
	CHECK_EQ(rte_vmsg_drv_needs_reset(h), 0);
	CHECK((rte_vmsg_dev_status(rte_vmsg_net_dev_vdev(e.dev[0])) &
	       (RTE_VMSG_STATUS_DRIVER_OK | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET)) ==
	      RTE_VMSG_STATUS_DRIVER_OK);
	CHECK(rte_vmsg_net_dev_vq(e.dev[0], 2) != NULL && rte_vmsg_net_dev_vq(e.dev[0], 3) != NULL);
	/* Pair 0 went on during the reset: its 32 come back, in order, intact. */
	burst_in(&e, 0, tx0, tp0, 32);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.drops, 0);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.packets, 332);
	CHECK_U64(qs.errors + qs.drops + qs.broken, 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.packets, 332);
	CHECK_U64(qs.drops, 0);
	/* Pair 1: the 16 received and not taken went with the reset; nothing stale comes back. */
	for (uint32_t i = 0; i < 32; i++) {
		rp[i].data = rx[i].b;
		rp[i].cap = PKT_MAX;
	}
	turn(&e);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 1, rp, 32), 0);
	/* Traffic resumes on pair 1, content checked; pair 0 still fine. */
	CHECK_U64(loop_traffic(&e, 0, 1, 2000, 1514), 2000);
	CHECK_U64(loop_traffic(&e, 0, 0, 2000, 1514), 2000);
	/* An idle pair: nothing lost, nothing counted; pair 0 reset too. */
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 1), 0);
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 0), 0);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 3, &qs, NULL), 0);
	CHECK_U64(qs.drops, 32);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &qs, NULL), 0);
	CHECK_U64(qs.drops, 0);
	CHECK_U64(loop_traffic(&e, 0, 0, 500, 1514), 500);
	CHECK_U64(loop_traffic(&e, 0, 1, 500, 1514), 500);
	/* A device reset after queue resets still brings everything back. */
	CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
	CHECK_U64(loop_traffic(&e, 0, 1, 500, 1514), 500);
	CHECK_U64(e.ev_avail + e.ev_used + e.ev_config_nr, 0); /* polling-only; no NEEDS_RESET */
out:
	env_fini(&e);

	/* Event mode: the re-posted receive buffers are announced, traffic resumes. */
	c.notify = RTE_VMSG_NET_NOTIFY_EVENT;
	env_up(&e, &c);
	if (e.drv[0] != NULL) {
		CHECK_U64(loop_traffic(&e, 0, 1, 1000, 1514), 1000);
		burst_out(&e, 1, tx1, tp1, 8);
		CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 1), 0);
		CHECK_U64(loop_traffic(&e, 0, 1, 1000, 1514), 1000);
		CHECK_U64(loop_traffic(&e, 0, 0, 1000, 1514), 1000);
		CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 3, &qs, NULL), 0);
		CHECK(qs.drops <= 8);
		CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &ds1, NULL), 0);
		CHECK_U64(qs.packets, ds1.packets + qs.drops);
	}
	env_fini(&e);
}

/* Without RING_RESET (not offered, or not wanted): -ENOTSUP, nothing sent, nothing changed. */
static void test_queue_reset_notsup(void)
{
	struct cfg c = { .qp = 2 };
	struct env e;

	for (int k = 0; k < 2; k++) {
		if (k == 0)
			c.dev_features = rte_vmsg_net_dev_supported_features() &
					 ~F(RTE_VMSG_VIRTIO_F_RING_RESET);
		else
			c.drv_features = NO_MRG & ~F(RTE_VMSG_VIRTIO_F_RING_RESET);
		env_up(&e, &c);
		if (e.drv[0] != NULL) {
			CHECK_EQ(rte_vmsg_drv_has_feature(rte_vmsg_net_drv_handle(e.drv[0]),
							  RTE_VMSG_VIRTIO_F_RING_RESET),
				 0);
			CHECK_U64(loop_traffic(&e, 0, 1, 100, 1514), 100);
			CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 1), -ENOTSUP);
			CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 2), -EINVAL);
			CHECK_U64(e.reset_vq, 0);
			CHECK_U64(loop_traffic(&e, 0, 1, 100, 1514), 100);
			/* The caller's way instead: the device reset. */
			CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
			CHECK_U64(loop_traffic(&e, 0, 1, 100, 1514), 100);
		}
		env_fini(&e);
	}
}

/*
 * Puts a used entry with a head (packed: buffer id) out of range on queue
 * @p index (a hostile device). Packed: at the driver's used position, its
 * avail position less the descriptors in flight (every chain of the net
 * helper is one descriptor).
 */
static void bad_used(struct env *e, uint32_t index)
{
	struct rte_vmsg_vq_drv *vq = rte_vmsg_net_drv_vq(e->drv[0], index);
	uint8_t *base = rte_vmsg_region_addr(e->reg);
	struct rte_vmsg_vring_used_elem *ring;
	uint16_t *used, idx;
	uint64_t ub;

	CHECK(vq != NULL);
	if (vq == NULL)
		return;
	if (drv_packed(e, 0)) {
		struct rte_vmsg_vring_packed_desc *r;
		uint32_t p = 0, u;

		r = pring(e, 0, index, &p);
		if (r == NULL)
			return;
		u = (p + 2 * QN - (QN - rte_vmsg_vq_drv_free_count(vq))) % (2 * QN);
		r[u % QN].id = rte_vmsg_cpu_to_le16(0xFFFFu);
		r[u % QN].len = 0;
		__atomic_store_n(&r[u % QN].flags, pflags(u, 0, 1), __ATOMIC_RELEASE);
		return;
	}
	rte_vmsg_vq_drv_addrs(vq, NULL, NULL, &ub);
	used = (uint16_t *)(void *)(base + (ub - REGION_BUS));
	ring = (struct rte_vmsg_vring_used_elem *)(void *)(used + 2);
	idx = rte_vmsg_le16_to_cpu(used[1]);
	ring[idx & 255u].id = rte_vmsg_cpu_to_le32(0xFFFFu);
	ring[idx & 255u].len = 0;
	__atomic_store_n(&used[1], rte_vmsg_cpu_to_le16((uint16_t)(idx + 1)), __ATOMIC_RELEASE);
}

/*
 * A queue the driver found broken (a used head out of range) is brought
 * back by a reset of its pair alone; the device never noticed, the other
 * pair lost nothing. A queue the device found broken raises
 * DEVICE_NEEDS_RESET instead: the pair reset is refused (-ESTALE) and the
 * device reset is the way back (DRV-27).
 */
static void test_queue_reset_broken(void)
{
	struct cfg c = { .qp = 2 };
	struct rte_vmsg_net_pkt rp[4], tp[4];
	static struct pbuf rx[4], tx[4];
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_vq_stats vs;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	CHECK_U64(loop_traffic(&e, 0, 0, 200, 1514), 200);
	CHECK_U64(loop_traffic(&e, 0, 1, 200, 1514), 200);
	for (int i = 0; i < 4; i++) {
		rp[i].data = rx[i].b;
		rp[i].cap = PKT_MAX;
		pkt_fill(tx[i].b, 100, (uint32_t)i, 3);
		memset(&tp[i], 0, sizeof(tp[i]));
		tp[i].data = tx[i].b;
		tp[i].len = 100;
	}
	/* Both queues of pair 1 see a bad used ring. */
	bad_used(&e, 2);
	bad_used(&e, 3);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 1, rp, 4), -EIO);
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 1, tp, 4), -EIO);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 1, rp, 4), -EIO); /* stays broken */
	CHECK(rte_vmsg_vq_drv_stats_get(rte_vmsg_net_drv_vq(e.drv[0], 2), &vs) == 0);
	CHECK_EQ(vs.broken, RTE_VMSG_VQ_BAD_USED_ID);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 2, &qs, NULL), 0);
	CHECK_U64(qs.broken, 1);
	/* Pair 0 is not affected. */
	CHECK_U64(loop_traffic(&e, 0, 0, 200, 1514), 200);
	/* Only the driver knows: no DEVICE_NEEDS_RESET, so the pair alone is reset. */
	turn(&e);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.drv[0])), 0);
	CHECK_U64(e.ev_config_nr, 0);
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 1), 0);
	CHECK(rte_vmsg_vq_drv_stats_get(rte_vmsg_net_drv_vq(e.drv[0], 2), &vs) == 0);
	CHECK_EQ(vs.broken, RTE_VMSG_VQ_OK);
	CHECK_U64(loop_traffic(&e, 0, 1, 1000, 1514), 1000);
	CHECK_U64(loop_traffic(&e, 0, 0, 1000, 1514), 1000);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 2, &qs, NULL), 0);
	CHECK_U64(qs.broken, 1); /* counted once */
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.packets, 1400);
	CHECK_U64(qs.errors + qs.drops + qs.broken, 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &qs, NULL), 0);
	CHECK_U64(qs.broken, 0);

	/* The device breaks pair 1's transmit queue (a hostile descriptor): DEVICE_NEEDS_RESET. */
	inject(&e, 0, 3, 0);
	CHECK_U64(loop_traffic(&e, 0, 0, 100, 1514), 100);
	turn(&e);
	CHECK_U64(e.ev_config_nr, 1);
	CHECK_EQ(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(e.drv[0])), 1);
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 1), -ESTALE);
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 1, tp, 4), -EIO); /* pair 1 is down */
	CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
	CHECK_U64(loop_traffic(&e, 0, 1, 500, 1514), 500);
	CHECK_U64(loop_traffic(&e, 0, 0, 500, 1514), 500);
out:
	env_fini(&e);
}

/* Completion of an asynchronous transport call: its status, and that it ran. */
static void rec_done(void *arg, int status)
{
	int *r = arg;

	r[0] = 1;
	r[1] = status;
}

/*
 * DEV-24, DEV-30: a driver enables a queue whose rings are not in the
 * device's map (late, after DRIVER_OK, on a queue it reset). The transport
 * stores the SET_VQUEUE (read back as programmed, enabled), the model
 * cannot attach it: the queue breaks like one broken by a hostile ring
 * (broken, attach_refused, DEVICE_NEEDS_RESET and its EVENT_CONFIG, sent by
 * the service call), no data path uses it, and a device reset recovers it.
 */
static void test_enable_outside_map(void)
{
	struct cfg c = { .qp = 2 };
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_net_dev_stats ds;
	struct rte_vmsg_net_drv_stats drs;
	struct rte_vmsg_dev_stats ts;
	struct rte_vmsg_vqueue v;
	struct rte_vmsg_dev_vq dq;
	struct rte_vmsg_dev *vdev;
	struct rte_vmsg_drv *h;
	int r1[2] = { 0, 0 }, r2[2] = { 0, 0 };
	uint32_t st = 0xFF;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	h = rte_vmsg_net_drv_handle(e.drv[0]);
	vdev = rte_vmsg_net_dev_vdev(e.dev[0]);
	CHECK_U64(loop_traffic(&e, 0, 0, 200, 1514), 200);
	CHECK_U64(loop_traffic(&e, 0, 1, 200, 1514), 200);
	CHECK_EQ(rte_vmsg_drv_reset_vqueue(h, 3), 0);
	CHECK(rte_vmsg_net_dev_vq(e.dev[0], 3) == NULL);

	/* Pair 1's transmit queue, rings below the region the map holds. */
	memset(&v, 0, sizeof(v));
	v.index = 3;
	v.flags = RTE_VMSG_VQ_OP_ENABLE;
	v.size = 256;
	v.desc_addr = 0x1000;
	v.driver_addr = 0x3000;
	v.device_addr = 0x4000;
	CHECK_EQ(rte_vmsg_drv_set_vqueue(h, &v), 0); /* the normal empty response */
	turn(&e);
	CHECK_EQ(rte_vmsg_dev_vq_get(vdev, 3, &dq), 0);
	CHECK_EQ(dq.enabled, 1);
	CHECK_EQ(dq.size, 256);
	CHECK_U64(dq.desc_addr, 0x1000);
	CHECK_U64(dq.driver_addr, 0x3000);
	CHECK_U64(dq.device_addr, 0x4000);
	CHECK((rte_vmsg_dev_status(vdev) & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0);
	CHECK_EQ(rte_vmsg_dev_stats_get(vdev, &ts), 0);
	CHECK_U64(ts.queue_errors, 1);
	CHECK_U64(ts.refused, 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &qs, &ds), 0);
	CHECK_U64(qs.broken, 1);
	CHECK_U64(ds.attach_refused, 1);
	CHECK_U64(ds.needs_reset, 1);
	/* The EVENT_CONFIG reached the driver: it asks for a reset. */
	CHECK_U64(e.ev_config_nr, 1);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, NULL, &drs), 0);
	CHECK_U64(drs.needs_reset, 1);
	CHECK_EQ(rte_vmsg_drv_needs_reset(h), 1);
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 1), -ESTALE);
	/* No data path on it; the pair's other queue is still there. */
	CHECK(rte_vmsg_net_dev_vq(e.dev[0], 3) == NULL);
	CHECK(rte_vmsg_net_dev_vq(e.dev[0], 2) != NULL);
	CHECK_EQ(rte_vmsg_net_dev_poll(e.dev[0], 1), 0);
	turn(&e);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &qs, &ds), 0);
	CHECK_U64(qs.packets, 200);
	CHECK_U64(qs.broken, 1);
	CHECK_U64(ds.needs_reset, 1);
	CHECK_U64(e.ev_config_nr, 1); /* once */

	/* A device reset recovers it: both pairs carry traffic again. */
	CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
	CHECK_EQ(rte_vmsg_dev_status(vdev) & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET, 0);
	CHECK(rte_vmsg_net_dev_vq(e.dev[0], 3) != NULL);
	CHECK_U64(loop_traffic(&e, 0, 1, 500, 1514), 500);
	CHECK_U64(loop_traffic(&e, 0, 0, 500, 1514), 500);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &qs, &ds), 0);
	CHECK_U64(qs.packets, 700);
	CHECK_U64(qs.broken, 1);
	CHECK_U64(ds.needs_reset, 1);
	CHECK_U64(ds.attach_refused, 1);
	CHECK_EQ(rte_vmsg_dev_stats_get(vdev, &ts), 0);
	CHECK_U64(ts.queue_errors, 1);

	/*
	 * Broken, then reset in the same poll of the device's bus, before
	 * any service call: the breakage is moot, nothing is raised on the
	 * reset device.
	 */
	CHECK_EQ(rte_vmsg_drv_reset_vqueue(h, 3), 0);
	CHECK_EQ(rte_vmsg_drv_set_vqueue_async(h, &v, rec_done, r1), 0);
	CHECK_EQ(rte_vmsg_drv_set_status_async(h, 0, &st, rec_done, r2), 0);
	rte_vmsg_bus_poll(e.devb);
	CHECK_EQ(rte_vmsg_dev_status(vdev), 0);
	CHECK_EQ(rte_vmsg_net_dev_service(e.dev[0]), 0);
	CHECK_EQ(rte_vmsg_dev_status(vdev), 0);
	rte_vmsg_bus_poll(e.drvb);
	CHECK(r1[0] == 1 && r1[1] == 0);
	CHECK(r2[0] == 1 && r2[1] == 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &qs, &ds), 0);
	CHECK_U64(qs.broken, 2);
	CHECK_U64(ds.needs_reset, 1);
	CHECK_U64(e.ev_config_nr, 1);
	CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
	CHECK_U64(loop_traffic(&e, 0, 1, 100, 1514), 100);
out:
	env_fini(&e);
}

/* MRG_RXBUF with a 9000-byte MTU: packets span up to five 2 KiB buffers. */
static void test_jumbo(void)
{
	struct cfg c = { .qp = 1, .mtu = 9000 };
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] != NULL) {
		expect_bufsz = 2048;
		CHECK_U64(loop_traffic(&e, 0, 0, 5000, 9014), 5000);
		expect_bufsz = 0;
	}
	env_fini(&e);
}

/*
 * Zero-copy receive: the same traffic as test_loopback() (many laps of
 * the receive queue: released buffers are posted again, or it stalls),
 * packets checked byte for byte; with MTU 9000 (MRG_RXBUF, 2 KiB buffers)
 * the packets that span buffers are refused with -EMSGSIZE and taken by
 * the copying burst.
 */
static void test_rx_zc(int mrg, uint32_t mtu)
{
	struct cfg c = { .qp = 1, .mtu = mtu };
	struct rte_vmsg_net_pkt zp[1];
	struct env e;

	if (!mrg)
		c.drv_features = NO_MRG;
	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(NULL, 0, zp, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 1, zp, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, NULL, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_rx_release(NULL, 0), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 1), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, zp, 1), 0); /* nothing yet */
	CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), 0);
	use_zc = 1;
	zc_lent = zc_spans = 0;
	if (mtu > 1500) {
		expect_bufsz = mrg ? 2048 : 0;
		CHECK_U64(loop_traffic(&e, 0, 0, 1000, mtu + 14), 1000);
		expect_bufsz = 0;
		if (mrg)
			CHECK(zc_spans > 0);
		else
			CHECK_U64(zc_spans, 0); /* one buffer holds a whole packet */
	} else {
		CHECK_U64(loop_traffic(&e, 0, 0, 5000, 1514), 5000); /* 20 laps of the queue */
		CHECK_U64(zc_spans, 0);
		CHECK_U64(zc_lent, 5000);
	}
	CHECK(zc_lent > 0);
	use_zc = 0;
out:
	env_fini(&e);
}

/*
 * The caller's buffers (the _ext calls): a pool of XP_N buffers in the DMA
 * area's spare part, each FREE, posted for receive (XS_RX) or sent (XS_TX);
 * the cookie is the index + 1. Every buffer must come back exactly once:
 * through rx_burst_ext(), tx_done_ext(), or xp_release() at a reset or
 * destroy; a buffer handed back twice, or not at all, fails.
 */
#define XP_N 1024u
enum { XS_FREE, XS_RX, XS_TX };

static struct xpool {
	uint8_t *base;
	uint32_t sz, n, nfree;
	uint8_t state[XP_N];
	uint32_t freel[XP_N];
	uint64_t released, twice;
} xp;

static void *xp_cookie(uint32_t i)
{
	return (void *)(uintptr_t)(i + 1u);
}

/* Takes buffer @p cookie back from state @p was (counted as wrong when it is not in it). */
static void xp_back(void *cookie, int was)
{
	uint32_t i = (uint32_t)((uintptr_t)cookie - 1u);

	if (i >= xp.n || xp.state[i] != was) {
		xp.twice++;
		return;
	}
	xp.state[i] = XS_FREE;
	xp.freel[xp.nfree++] = i;
}

static void xp_release(void *arg, uint32_t qp, void *cookie)
{
	uint32_t i = (uint32_t)((uintptr_t)cookie - 1u);

	(void)arg;
	(void)qp;
	xp.released++;
	xp_back(cookie, i < xp.n && xp.state[i] == XS_TX ? XS_TX : XS_RX);
}

static void xp_init(struct env *e, uint32_t sz)
{
	uint64_t bus, len;
	void *a;

	memset(&xp, 0, sizeof(xp));
	CHECK_EQ(rte_vmsg_net_drv_dma_spare(e->drv[0], &a, &bus, &len), 0);
	xp.base = a;
	xp.sz = sz;
	xp.n = len / sz < XP_N ? (uint32_t)(len / sz) : XP_N;
	CHECK(xp.n >= 512);
	for (uint32_t i = 0; i < xp.n; i++)
		xp.freel[xp.nfree++] = xp.n - 1 - i;
}

/* Buffers not free. */
static uint32_t xp_out(void)
{
	return xp.n - xp.nfree;
}

/* Posts free buffers until the receive queue is full. */
static void xp_post(struct env *e)
{
	struct rte_vmsg_net_xbuf b[64];
	uint32_t k, i;
	int rc;

	do {
		for (k = 0; k < 64 && xp.nfree > k; k++) {
			i = xp.freel[xp.nfree - 1 - k];
			b[k].addr = xp.base + (size_t)i * xp.sz;
			b[k].len = xp.sz;
			b[k].cookie = xp_cookie(i);
		}
		rc = rte_vmsg_net_drv_rx_post_ext(e->drv[0], 0, b, k);
		CHECK(rc >= 0);
		for (i = 0; rc > 0 && i < (uint32_t)rc; i++)
			xp.state[xp.freel[--xp.nfree]] = XS_RX;
	} while (rc == (int)k && k == 64);
}

/* Collects the completed transmissions of pair 0. */
static void xp_done(struct env *e)
{
	void *ck[64];
	int rc;

	while ((rc = rte_vmsg_net_drv_tx_done_ext(e->drv[0], 0, ck, 64)) > 0)
		for (int j = 0; j < rc; j++)
			xp_back(ck[j], XS_TX);
	CHECK(rc >= 0);
}

/*
 * @p total packets of random sizes 14..max through the loopback, every
 * other burst sent from the caller's buffers (tx_burst_ext(), packets that
 * fit one) or copied (tx_burst()), all received into the caller's buffers
 * and checked: bytes, addresses swapped, header, and num_buffers against
 * the buffer size.
 */
static uint64_t xp_traffic(struct env *e, uint64_t total, uint32_t max)
{
	static struct pbuf tx[32], got;
	struct rte_vmsg_net_pkt tp[32];
	struct rte_vmsg_net_xbuf xb[32], out[64];
	uint64_t done = 0, bad = 0, bursts = 0;

	while (done < total) {
		uint32_t n = total - done < 32 ? (uint32_t)(total - done) : 32, k = 0, i;
		int ext = (int)(bursts++ & 1), rc;
		uint64_t deadline;

		xp_done(e);
		if (ext && xp.nfree < n)
			ext = 0;
		for (i = 0; i < n; i++) {
			uint32_t m = ext && max > xp.sz - 12 ? xp.sz - 12 : max;
			uint32_t len = 14 + (uint32_t)(vtest_rand(&seed) % (m - 13));

			pkt_fill(tx[i].b, len, (uint32_t)(done + i), vtest_rand(&seed));
			tp[i].data = tx[i].b;
			tp[i].len = len;
			hdr_rand(&tp[i].hdr, &seed);
			if (ext) {
				uint32_t b = xp.freel[--xp.nfree];

				xp.state[b] = XS_TX;
				xb[i].addr = xp.base + (size_t)b * xp.sz;
				xb[i].len = 12 + len;
				xb[i].cookie = xp_cookie(b);
				xb[i].hdr = tp[i].hdr;
				memcpy((uint8_t *)xb[i].addr + 12, tx[i].b, len);
			}
		}
		rc = ext ? rte_vmsg_net_drv_tx_burst_ext(e->drv[0], 0, xb, n)
			 : rte_vmsg_net_drv_tx_burst(e->drv[0], 0, tp, n);
		CHECK_EQ(rc, (int)n);
		if (rc != (int)n)
			return done;
		deadline = rte_vmsg_time_ns() + 2000000000ull;
		while (k < n && rte_vmsg_time_ns() < deadline) {
			turn(e);
			xp_post(e);
			rc = rte_vmsg_net_drv_rx_burst_ext(e->drv[0], 0, out, 64);
			CHECK(rc >= 0);
			for (uint32_t j = 0; rc > 0 && j < (uint32_t)rc; j++) {
				uint32_t first = j, off = 0, nb = 0;

				CHECK_EQ(out[j].flags & RTE_VMSG_NET_XBUF_F_DROP, 0);
				/* A packet: its entries, gathered. */
				for (;; j++) {
					const struct rte_vmsg_net_xbuf *x = &out[j];

					if (off + x->len <= sizeof(got.b))
						memcpy(got.b + off,
						       (uint8_t *)x->addr + (j == first ? 12 : 0),
						       x->len);
					off += x->len;
					nb++;
					xp_back(x->cookie, XS_RX);
					if ((x->flags & RTE_VMSG_NET_XBUF_F_MORE) == 0)
						break;
					CHECK(j + 1 < (uint32_t)rc); /* whole packets only */
					if (j + 1 >= (uint32_t)rc)
						break;
				}
				if (k >= n || off != tp[k].len ||
				    out[first].hdr.num_buffers != nb ||
				    nb != (12 + off + xp.sz - 1) / xp.sz ||
				    !pkt_same_swapped(tx[k].b, got.b, off) ||
				    !hdr_same(&tp[k].hdr, &out[first].hdr))
					bad++;
				k++;
			}
		}
		CHECK_EQ(k, n);
		done += k;
		if (k != n)
			break;
	}
	CHECK_U64(bad, 0);
	CHECK_U64(xp.twice, 0);
	return done;
}

/*
 * RTE_VMSG_NET_DRV_F_EXT_RX and the _ext calls: traffic through the
 * loopback in the caller's buffers (2 KiB, MRG_RXBUF), with MTU 1500 (one
 * buffer a packet) or 9000 (up to five); a queue reset and a device reset
 * with buffers posted and in flight, after which each of them has come
 * back once (xp_release()), and traffic goes on; destroy gives back the
 * posted ones.
 */
static void test_ext(uint16_t mtu)
{
	struct cfg c = { .qp = 1, .mtu = mtu, .drv_flags = RTE_VMSG_NET_DRV_F_EXT_RX, .ext = 1 };
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_net_xbuf b;
	struct rte_vmsg_net_pkt p;
	uint32_t sz = 2048, held;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_net_drv_rx_buf_len(e.drv[0]), sz);
	CHECK_EQ(rte_vmsg_net_drv_rx_buf_len(NULL), 0);
	xp_init(&e, sz);
	/* The copying receive bursts do not apply. */
	p.data = NULL;
	p.cap = 0;
	CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 0, &p, 1), -ENOTSUP);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, &p, 1), -ENOTSUP);
	/* Buffers outside the spare part, short or too long are refused; nothing is posted. */
	memset(&b, 0, sizeof(b));
	b.addr = xp.base - 64;
	b.len = sz;
	b.cookie = xp_cookie(0);
	CHECK_EQ(rte_vmsg_net_drv_rx_post_ext(e.drv[0], 0, &b, 1), -EINVAL);
	b.addr = xp.base;
	b.len = sz - 1;
	CHECK_EQ(rte_vmsg_net_drv_rx_post_ext(e.drv[0], 0, &b, 1), -EINVAL);
	b.len = UINT32_MAX;
	CHECK_EQ(rte_vmsg_net_drv_rx_post_ext(e.drv[0], 0, &b, 1), -EINVAL);
	b.len = sz;
	CHECK_EQ(rte_vmsg_net_drv_rx_post_ext(e.drv[0], 1, &b, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_rx_post_ext(NULL, 0, &b, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_ext(e.drv[0], 0, NULL, 1), -EINVAL);
	b.len = 11;
	CHECK_EQ(rte_vmsg_net_drv_tx_burst_ext(e.drv[0], 0, &b, 1), -EINVAL);
	b.addr = (uint8_t *)rte_vmsg_region_addr(e.reg); /* the helper's own rings */
	b.len = 100;
	CHECK_EQ(rte_vmsg_net_drv_tx_burst_ext(e.drv[0], 0, &b, 1), -EINVAL);
	b.addr = xp.base;
	b.len = 12u + mtu + 18u + 64u + 1u;
	CHECK_EQ(rte_vmsg_net_drv_tx_burst_ext(e.drv[0], 0, &b, 1), -EMSGSIZE);
	CHECK_EQ(xp_out(), 0);

	xp_post(&e);
	CHECK_EQ(xp_out(), 256u); /* the queue's size */
	CHECK_U64(xp_traffic(&e, 5000, mtu + 14u), 5000);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &qs, NULL), 0);
	CHECK(qs.zc_packets >= 2000 && qs.zc_packets < 5000);

	/* Packets in flight, buffers posted, then a queue reset: each buffer back once. */
	for (int r = 0; r < 2; r++) {
		struct rte_vmsg_net_xbuf xb[8];
		uint32_t i;

		for (i = 0; i < 8; i++) {
			uint32_t k = xp.freel[--xp.nfree];

			xp.state[k] = XS_TX;
			xb[i].addr = xp.base + (size_t)k * sz;
			xb[i].len = 12 + 60;
			xb[i].cookie = xp_cookie(k);
			memset(&xb[i].hdr, 0, sizeof(xb[i].hdr));
			pkt_fill((uint8_t *)xb[i].addr + 12, 60, i, 1);
		}
		CHECK_EQ(rte_vmsg_net_drv_tx_burst_ext(e.drv[0], 0, xb, 8), 8);
		if (r == 1) {
			/*
			 * The device loops them back; one is received, the
			 * other 7 reaped and held; the 8 completions are
			 * reaped (a copying burst of none), not collected.
			 */
			turn(&e);
			CHECK_EQ(rte_vmsg_net_drv_rx_burst_ext(e.drv[0], 0, &b, 1), 1);
			xp_back(b.cookie, XS_RX);
			CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, NULL, 0), 0);
		}
		held = xp_out(); /* sent, held and posted */
		CHECK(held > 200);
		xp.released = 0;
		if (r == 0)
			CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 0), 0);
		else
			CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
		CHECK_U64(xp.released, held);
		CHECK_EQ(xp_out(), 0);
		CHECK_U64(xp.twice, 0);
		xp_post(&e);
		CHECK_U64(xp_traffic(&e, 2000, mtu + 14u), 2000);
	}
	held = xp_out();
	CHECK(held > 200);
	xp.released = 0;
	env_fini(&e);
	CHECK_U64(xp.released, held);
	CHECK_EQ(xp_out(), 0);
	CHECK_U64(xp.twice, 0);
	return;
out:
	env_fini(&e);
}

/*
 * A hostile device writing the caller's receive buffers (MRG_RXBUF): a
 * packet of two buffers whose first is shorter than the header,
 * num_buffers 0, and num_buffers past the queue's buffers, each handed
 * back as a DROP entry (counted); the valid packet after them arrives.
 * Without the length check the first entry's length underflows; without
 * the num_buffers bound the burst waits for buffers that never come.
 */
static void test_ext_hostile(void)
{
	struct cfg c = { .qp = 1,
			 .backend = RTE_VMSG_NET_BACKEND_APP,
			 .drv_flags = RTE_VMSG_NET_DRV_F_EXT_RX,
			 .ext = 1 };
	struct rte_vmsg_net_queue_stats qs;
	struct rte_vmsg_net_xbuf out[8];
	static uint8_t want[60];
	int i, got = 0, rc, drops = 0;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	CHECK(rte_vmsg_drv_has_feature(rte_vmsg_net_drv_handle(e.drv[0]),
				       RTE_VMSG_NET_F_MRG_RXBUF));
	xp_init(&e, 2048);
	xp_post(&e);
	if (hostile_rx_push(&e, want) != 0)
		goto out;
	for (i = 0; i < 8 && got + drops < 5; i++) {
		rc = rte_vmsg_net_drv_rx_burst_ext(e.drv[0], 0, out, 8);
		CHECK(rc >= 0);
		for (int j = 0; j < rc; j++) {
			xp_back(out[j].cookie, XS_RX);
			if (out[j].flags & RTE_VMSG_NET_XBUF_F_DROP) {
				drops++;
				continue;
			}
			got++;
			CHECK_EQ(out[j].len, 60);
			CHECK_EQ(out[j].flags, 0);
			CHECK_MEM((uint8_t *)out[j].addr + 12, want, 60);
		}
	}
	CHECK_EQ(got, 1);
	CHECK_EQ(drops, 4);
	CHECK_U64(xp.twice, 0);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &qs, NULL), 0);
	CHECK_U64(qs.errors, 4);
	CHECK_U64(qs.broken, 0);
out:
	env_fini(&e);
}

/*
 * Zero-copy forwarding: packets that rx_burst_zc() lent go out again with
 * tx_burst() from the buffers they came in. Each frame carries its id and
 * lap and a pattern of both and its length; every lap it is checked, given
 * a new length and pattern in place, and sent back. A buffer owned twice
 * (posted for receive while a transmission still reads it) shows as a
 * wrong frame.
 */
#define ZC_WINDOW 200u

struct zc_exp {
	uint32_t len, lap;
};

static void zc_fill(uint8_t *p, uint32_t len, uint32_t id, uint32_t lap)
{
	uint64_t s = (((uint64_t)id << 32) | lap) * 0x9e3779b97f4a7c15ull + len;

	memcpy(p, "\xd0\xd1\xd2\xd3\xd4\xd5\x50\x51\x52\x53\x54\x55\x88\xb5", 14);
	rte_vmsg_put_le32(p + 14, id);
	rte_vmsg_put_le32(p + 18, lap);
	for (uint32_t i = 22; i < len; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(s >> 56);
	}
}

/* Checks a frame that came back (addresses swapped); returns its id, or -1. */
static int zc_check(const uint8_t *p, uint32_t len, const struct zc_exp *exp, uint32_t n)
{
	static uint8_t want[PKT_MAX];
	uint32_t id;

	if (len < 22 || len > PKT_MAX)
		return -1;
	id = rte_vmsg_get_le32(p + 14);
	if (id >= n || len != exp[id].len || rte_vmsg_get_le32(p + 18) != exp[id].lap)
		return -1;
	zc_fill(want, len, id, exp[id].lap);
	if (memcmp(p, want + 6, 6) != 0 || memcmp(p + 6, want, 6) != 0 ||
	    memcmp(p + 12, want + 12, len - 12) != 0)
		return -1;
	return (int)id;
}

static uint64_t zc_sent(struct env *e, uint32_t qp)
{
	struct rte_vmsg_net_queue_stats qs;

	CHECK_EQ(rte_vmsg_net_drv_stats_get(e->drv[0], 2 * qp + 1, &qs, NULL), 0);
	return qs.zc_packets;
}

/*
 * Forwards @p laps x ZC_WINDOW frames on pair 0; one in 16 is moved two
 * bytes into its buffer first (then it must be copied). Returns the frames
 * checked; *zc gets how many went out without a copy.
 */
static uint64_t zc_forward(struct env *e, uint32_t maxlen, uint32_t laps, uint64_t *zc,
			   uint64_t *moved)
{
	static struct zc_exp exp[ZC_WINDOW];
	static uint8_t tmp[PKT_MAX];
	struct rte_vmsg_net_pkt zp[32];
	uint64_t done = 0, goal = (uint64_t)laps * ZC_WINDOW, z0 = zc_sent(e, 0), bad = 0;
	uint64_t deadline = rte_vmsg_time_ns() + 20000000000ull;
	int n, k;

	*moved = 0;
	for (uint32_t id = 0; id < ZC_WINDOW; id++) {
		exp[id].len = 60 + (uint32_t)(vtest_rand(&seed) % (maxlen - 59));
		exp[id].lap = 0;
		zc_fill(tmp, exp[id].len, id, 0);
		zp[0].data = tmp;
		zp[0].len = exp[id].len;
		memset(&zp[0].hdr, 0, sizeof(zp[0].hdr));
		CHECK_EQ(rte_vmsg_net_drv_tx_burst(e->drv[0], 0, zp, 1), 1);
	}
	while (done < goal && rte_vmsg_time_ns() < deadline) {
		turn(e);
		n = rte_vmsg_net_drv_rx_burst_zc(e->drv[0], 0, zp, 32);
		if (n == -EMSGSIZE) {
			/* Spans buffers (merged): copied out, sent back copied. */
			zp[0].data = tmp;
			zp[0].cap = sizeof(tmp);
			n = rte_vmsg_net_drv_rx_burst(e->drv[0], 0, zp, 1);
			CHECK_EQ(n, 1);
			k = zc_check(tmp, zp[0].len, exp, ZC_WINDOW);
			CHECK(k >= 0);
			if (k < 0)
				return done;
			exp[k].lap++;
			zc_fill(tmp, exp[k].len, (uint32_t)k, exp[k].lap);
			CHECK_EQ(rte_vmsg_net_drv_tx_burst(e->drv[0], 0, zp, 1), 1);
			done++;
			continue;
		}
		CHECK(n >= 0);
		if (n <= 0) {
			if (n < 0)
				return done;
			continue;
		}
		for (int i = 0; i < n; i++) {
			uint8_t *d = zp[i].data;
			uint32_t lim;

			k = zc_check(d, zp[i].len, exp, ZC_WINDOW);
			if (k < 0) {
				if (bad++ < 4)
					fprintf(stderr,
						"zc_forward: frame %llu of len %u wrong (id %u lap "
						"%u)\n",
						(unsigned long long)done + (uint64_t)i, zp[i].len,
						zp[i].len >= 22 ? rte_vmsg_get_le32(d + 14) : 0,
						zp[i].len >= 22 ? rte_vmsg_get_le32(d + 18) : 0);
				zp[i].len = 0; /* sent as an empty frame: lost to the count */
				continue;
			}
			exp[k].lap++;
			/* A new length the buffer holds (it holds a frame of the MTU, or 2 KiB merged). */
			lim = maxlen < zp[i].cap ? maxlen : zp[i].cap;
			exp[k].len = 60 + (uint32_t)(vtest_rand(&seed) % (lim - 59));
			if (vtest_rand(&seed) % 16 == 0 && exp[k].len + 2 <= zp[i].cap) {
				zp[i].data = d + 2;
				(*moved)++;
			}
			zc_fill(zp[i].data, exp[k].len, (uint32_t)k, exp[k].lap);
			zp[i].len = exp[k].len;
			zp[i].hdr.flags = 0;
		}
		CHECK_EQ(rte_vmsg_net_drv_tx_burst(e->drv[0], 0, zp, (uint32_t)n), n);
		CHECK_EQ(rte_vmsg_net_drv_rx_release(e->drv[0], 0), 0);
		done += (uint64_t)n;
	}
	CHECK_U64(bad, 0);
	CHECK(done >= goal);
	*zc = zc_sent(e, 0) - z0;
	return done;
}

static void test_tx_zc(int mrg, uint16_t mtu, int shared)
{
	struct cfg c = { .qp = 1, .mtu = mtu };
	uint64_t zc, moved, done;
	struct env e;

	if (!mrg)
		c.drv_features = NO_MRG;
	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	done = zc_forward(&e, (uint32_t)mtu + 14, 40, &zc, &moved);
	/* Every frame not moved went out as it came, when the pair shares its pool. */
	if (shared) {
		CHECK_U64(zc, done - moved);
		CHECK(moved > 0);
	} else {
		CHECK_U64(zc, 0);
	}
out:
	env_fini(&e);
}

/*
 * Receives (copied out) on pairs 0 .. nqp - 1 until @p want came or 100
 * turns passed. With @p sent, each frame must be sent[0] (100 bytes) or
 * sent[1]: it went through the loopback twice, its addresses swapped back.
 * Returns the frames received.
 */
static int zc_take(struct env *e, uint32_t nqp, int want, uint8_t (*sent)[1514])
{
	static uint8_t rb[4][1514];
	struct rte_vmsg_net_pkt r[4];
	int got = 0, n;

	for (int i = 0; i < 100 && got < want; i++) {
		turn(e);
		for (uint32_t qp = 0; qp < nqp; qp++) {
			for (int j = 0; j < 4; j++) {
				r[j].data = rb[j];
				r[j].cap = sizeof(rb[j]);
			}
			n = rte_vmsg_net_drv_rx_burst(e->drv[0], qp, r, 4);
			CHECK(n >= 0);
			for (int j = 0; j < n; j++)
				if (sent != NULL)
					CHECK(memcmp(rb[j], sent[r[j].len == 100 ? 0 : 1],
						     r[j].len) == 0);
			got += n > 0 ? n : 0;
		}
	}
	return got;
}

/*
 * The corners of zero-copy transmission: a lent frame sent twice in a
 * burst (the second is copied), on another pair (copied), a burst the
 * transmit queue takes only in part (the rest stays lent and is released),
 * and a pair reset with a frame out. The forwarding afterwards checks that
 * no buffer was lost or owned twice.
 */
static void test_tx_zc_corners(void)
{
	struct cfg c = { .qp = 2 };
	static uint8_t f[3][1514];
	struct rte_vmsg_net_pkt p[4], zp[4];
	uint64_t zc, moved, z0, z1;
	struct env e;
	int i;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	for (i = 0; i < 3; i++) {
		zc_fill(f[i], 100 + 300 * (uint32_t)i, (uint32_t)i, 7);
		p[i].data = f[i];
		p[i].len = 100 + 300 * (uint32_t)i;
		memset(&p[i].hdr, 0, sizeof(p[i].hdr));
	}
	/* Twice in one burst, then on pair 1. */
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, p, 2), 2);
	turn(&e);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, zp, 4), 2);
	zp[2] = zp[0];
	z0 = zc_sent(&e, 0);
	z1 = zc_sent(&e, 1);
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, zp, 3), 3);
	CHECK_U64(zc_sent(&e, 0) - z0, 2);
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 1, zp, 1), 1); /* sent already: copied */
	CHECK_U64(zc_sent(&e, 1) - z1, 0);
	CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), 0);
	CHECK_EQ(zc_take(&e, 2, 4, f), 4);

	/* A pair reset with a swapped buffer out and a burst lent. */
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, p, 3), 3);
	turn(&e);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, zp, 4), 3);
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, zp, 1), 1);
	CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 0), 0);
	CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), 0); /* taken back by the reset */
	z0 = zc_sent(&e, 0);
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, &zp[1], 2), 2); /* no longer lent: copied */
	CHECK_U64(zc_sent(&e, 0) - z0, 0);
	CHECK_EQ(zc_take(&e, 1, 2, NULL), 2);
	CHECK_U64(loop_traffic(&e, 0, 0, 2000, 1514), 2000);
	CHECK(zc_forward(&e, 1514, 10, &zc, &moved) >= 10 * ZC_WINDOW);
	CHECK(zc > 0);
out:
	env_fini(&e);
}

/*
 * Who owns a buffer, made visible: the device is the application's
 * (APP backend) and the queues hold 8, so that it fills the receive
 * buffers the driver just posted before it reads the transmit queue. A lent
 * buffer sent as it is and also posted for receive (the swap forgotten),
 * or one released and still taken for a lent one (its mark kept), is
 * overwritten there before it is read: the frame read differs.
 * Every fourth round the transmit queue takes only part of the burst.
 */
static void test_tx_zc_owner(void)
{
	struct cfg c = { .qp = 1, .backend = RTE_VMSG_NET_BACKEND_APP, .drv_qsize = 8 };
	static uint8_t dv[8][1514], cp[8][1514];
	struct rte_vmsg_net_pkt zp[8], dp[8];
	uint32_t r, i, lap, sent;
	uint64_t z0;
	struct env e;
	int n;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	for (r = 0; r < 64; r++) {
		lap = 16 * r;
		/* The device fills all 8 receive buffers. */
		for (i = 0; i < 8; i++) {
			zc_fill(dv[i], 200 + 100 * i, i, lap);
			dp[i].data = dv[i];
			dp[i].len = 200 + 100 * i;
			memset(&dp[i].hdr, 0, sizeof(dp[i].hdr));
		}
		CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, dp, 8), 8);
		turn(&e);
		n = rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, zp, 8);
		CHECK_EQ(n, 8);
		if (n != 8)
			break;
		/* Rewritten in place; sent back without a copy. */
		for (i = 0; i < 8; i++) {
			CHECK(memcmp((uint8_t *)zp[i].data + 12, dv[i] + 12, zp[i].len - 12) == 0);
			zc_fill(zp[i].data, zp[i].len, i, lap + 1);
		}
		z0 = zc_sent(&e, 0);
		if (r % 4 == 3) {
			/* 6 copies first: the queue takes 2 of the burst; 6 stay lent. */
			for (i = 0; i < 6; i++) {
				zc_fill(cp[i], 300, 100 + i, lap + 2);
				dp[i].data = cp[i];
				dp[i].len = 300;
			}
			CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, dp, 6), 6);
			CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, zp, 8), 2);
			CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), 0);
			CHECK_U64(zc_sent(&e, 0) - z0, 2);
		} else {
			/* 7 of 8; the 8th after the release, when it is no longer lent: copied. */
			CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, zp, 7), 7);
			CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), 0);
			CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, &zp[7], 1), 1);
			CHECK_U64(zc_sent(&e, 0) - z0, 7);
		}
		/* The device writes the receive buffers the driver posted, then reads. */
		for (i = 0; i < 8; i++) {
			zc_fill(dv[i], 64, 200 + i, lap + 3);
			dp[i].data = dv[i];
			dp[i].len = 64;
		}
		CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, dp, 8), 8);
		for (i = 0; i < 8; i++) {
			dp[i].data = cp[i];
			dp[i].cap = sizeof(cp[i]);
		}
		n = rte_vmsg_net_dev_recv_burst(e.dev[0], 0, dp, 8);
		CHECK_EQ(n, 8);
		for (sent = 0; sent < (uint32_t)n; sent++) {
			/* In order: the 6 copies (partial round), then the lent ones. */
			uint32_t id = r % 4 == 3 ? (sent < 6 ? 100 + sent : sent - 6) : sent;
			uint32_t l = r % 4 == 3 && sent < 6 ? lap + 2 : lap + 1;
			static uint8_t want[1514];

			zc_fill(want, dp[sent].len, id, l);
			CHECK(dp[sent].len >= 22 &&
			      memcmp(cp[sent] + 12, want + 12, dp[sent].len - 12) == 0);
		}
		/* The driver takes the device's 8 (copied out): all its buffers are posted again. */
		for (i = 0; i < 8; i++) {
			dp[i].data = cp[i];
			dp[i].cap = sizeof(cp[i]);
		}
		turn(&e);
		CHECK_EQ(rte_vmsg_net_drv_rx_burst(e.drv[0], 0, dp, 8), 8);
		for (i = 0; i < 8; i++) {
			static uint8_t want[1514];

			zc_fill(want, 64, 200 + i, lap + 3);
			CHECK(memcmp(cp[i] + 12, want + 12, 52) == 0);
		}
	}
out:
	env_fini(&e);
}

/* A pair thread polls the device while the main thread runs the bus, bring-up and reset. */
struct pair_thr {
	struct env *e;
	uint32_t qp;
	int stop;
	uint64_t polls;
};

/* One thread for both pairs: the machine may have two cores, the main thread spins too. */
static struct pair_thr thr[1];
static pthread_t tid[1];

static void *pair_main(void *arg)
{
	struct pair_thr *t = arg;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		int moved = 0;

		for (uint32_t q = 0; q < 2; q++) {
			int rc = rte_vmsg_net_dev_poll(t->e->dev[0], q);

			if (rc < 0)
				return NULL;
			moved += rc;
		}
		t->polls++;
		if (moved == 0)
			sched_yield(); /* the test machine may have fewer cores than spinners */
	}
	return NULL;
}

static void start_threads(struct env *e)
{
	for (uint32_t i = 0; i < 1; i++) {
		thr[i].e = e;
		thr[i].qp = i;
		thr[i].stop = 0;
		thr[i].polls = 0;
		if (pthread_create(&tid[i], NULL, pair_main, &thr[i]) != 0)
			exit(1);
	}
}

static void test_threads(void)
{
	struct cfg c = { .qp = 2 };
	struct rte_vmsg_net_queue_stats qs;
	struct env e;
	uint32_t i;

	env_init(&e);
	rte_vmsg_bus_set_event_cb(e.drvb, drv_events, &e);
	e.threaded = 1;
	e.start = start_threads;
	CHECK_EQ(env_add(&e, &c), 0);
	if (e.drv[0] != NULL) {
		CHECK_U64(loop_traffic(&e, 0, 0, 10000, 1514), 10000);
		CHECK_U64(loop_traffic(&e, 0, 1, 10000, 1514), 10000);
		/*
		 * A reset of pair 1 with packets in flight while the pair thread
		 * polls: the gate holds it off; what the device did not complete
		 * is counted, the rest was delivered.
		 */
		{
			static struct pbuf tx1[32];
			struct rte_vmsg_net_pkt tp1[32];
			struct rte_vmsg_net_queue_stats dq, vq;

			burst_out(&e, 1, tx1, tp1, 32);
			CHECK_EQ(rte_vmsg_net_drv_queue_reset(e.drv[0], 1), 0);
			CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 3, &dq, NULL), 0);
			CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &vq, NULL), 0);
			CHECK_U64(dq.packets, 10032);
			CHECK_U64(dq.packets, vq.packets + dq.drops);
			CHECK_U64(loop_traffic(&e, 0, 1, 2000, 1514), 2000);
			CHECK_U64(loop_traffic(&e, 0, 0, 2000, 1514), 2000);
		}
		/* A device reset while the pairs run: the gates hold the threads off. */
		CHECK_EQ(rte_vmsg_drv_reset(rte_vmsg_net_drv_handle(e.drv[0])), 0);
		CHECK(rte_vmsg_net_dev_vq(e.dev[0], 0) == NULL);
	}
	for (i = 0; i < 1; i++) {
		__atomic_store_n(&thr[i].stop, 1, __ATOMIC_RELEASE);
		pthread_join(tid[i], NULL);
		CHECK(thr[i].polls > 0);
	}
	for (i = 0; i < 2; i++) {
		CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], i, &qs, NULL), 0);
		CHECK_U64(qs.packets, 12000);
		CHECK_U64(qs.drops, 0);
	}
	/* Pair 1: its 32 were either delivered before the reset (and then discarded) or lost. */
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 3, &qs, NULL), 0);
	CHECK(qs.packets >= 12000 && qs.packets <= 12032);
	env_fini(&e);
}

/*
 * Good used entries reaped before a bad one (lib/virtq hands them back
 * first): the burst delivers them, counted, and the next call says -EIO.
 * It returned -EIO with them counted as received and never delivered.
 */
static void test_rx_break_delivers(int zc)
{
	struct cfg c = { .qp = 1, .backend = RTE_VMSG_NET_BACKEND_APP };
	static uint8_t d[3][200];
	static struct pbuf rx[8];
	struct rte_vmsg_net_pkt dp[3], rp[8];
	struct rte_vmsg_net_queue_stats qs;
	struct env e;
	int rc;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	for (int i = 0; i < 3; i++) {
		pkt_fill(d[i], 100, (uint32_t)i, 5);
		memset(&dp[i], 0, sizeof(dp[i]));
		dp[i].data = d[i];
		dp[i].len = 100;
	}
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, dp, 3), 3);
	bad_used(&e, 0); /* then a hostile entry */
	rx_slots(rp, rx, 8);
	rc = zc ? rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, rp, 8)
		: rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 8);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 0, &qs, NULL), 0);
	/* Every packet counted as received reached the caller, each as sent. */
	CHECK_EQ(rc, 3);
	CHECK_U64(qs.packets, 3);
	CHECK_U64(qs.broken, 1);
	for (int i = 0; i < 3 && rc == 3; i++)
		CHECK(rp[i].len == 100 && memcmp(rp[i].data, d[i], 100) == 0);
	if (zc)
		CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), -EIO);
	CHECK_EQ(zc ? rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, rp, 8)
		    : rte_vmsg_net_drv_rx_burst(e.drv[0], 0, rp, 8),
		 -EIO);
out:
	env_fini(&e);
}

/*
 * Zero-copy send of two lent packets when the transmit queue has one
 * descriptor left (the caller's own buffers, tx_burst_ext(), hold the
 * rest): the second is not sent, so it is still the caller's; its buffer
 * must stay out of the transmit free list (it went in, and the next copied
 * packet overwrote it).
 */
static void test_tx_zc_short_add(void)
{
	struct cfg c = { .qp = 1, .backend = RTE_VMSG_NET_BACKEND_APP, .ext = 1, .drv_qsize = 8 };
	static uint8_t d[2][200], keep[200], cdata[200];
	struct rte_vmsg_net_pkt dp[2], zp[8], cp;
	struct rte_vmsg_net_xbuf xb[8];
	uint64_t bus, len;
	void *a;
	struct env e;
	int rc;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	for (int i = 0; i < 2; i++) {
		pkt_fill(d[i], 150, (uint32_t)i, 11);
		memset(&dp[i], 0, sizeof(dp[i]));
		dp[i].data = d[i];
		dp[i].len = 150;
	}
	CHECK_EQ(rte_vmsg_net_dev_send_burst(e.dev[0], 0, dp, 2), 2);
	CHECK_EQ(rte_vmsg_net_drv_rx_burst_zc(e.drv[0], 0, zp, 8), 2);
	memcpy(keep, zp[1].data, zp[1].len);
	/* 7 of the caller's buffers on the transmit queue (8 descriptors): one left. */
	CHECK_EQ(rte_vmsg_net_drv_dma_spare(e.drv[0], &a, &bus, &len), 0);
	for (int i = 0; i < 7; i++) {
		memset(&xb[i], 0, sizeof(xb[i]));
		xb[i].addr = (uint8_t *)a + 256 * i;
		xb[i].len = 12 + 60;
		xb[i].cookie = (void *)(uintptr_t)(i + 1);
	}
	CHECK_EQ(rte_vmsg_net_drv_tx_burst_ext(e.drv[0], 0, xb, 7), 7);
	rc = rte_vmsg_net_drv_tx_burst(e.drv[0], 0, zp, 2);
	CHECK_EQ(rc, 1);
	/* zp[1] is still lent to us. A copied packet must not land in its buffer. */
	pkt_fill(cdata, 150, 77, 99);
	memset(&cp, 0, sizeof(cp));
	cp.data = cdata;
	cp.len = 150;
	(void)rte_vmsg_net_drv_tx_burst(e.drv[0], 0, &cp, 1);
	CHECK(memcmp(zp[1].data, keep, zp[1].len) == 0); /* still as received */
	/*
	 * Still lent: once the device took what was queued, it goes out
	 * without a copy, with its bytes.
	 */
	{
		static struct pbuf got[16];
		struct rte_vmsg_net_pkt gp[16];
		struct rte_vmsg_net_queue_stats qs;
		uint64_t zc0;
		int n = 0, r;

		rx_slots(gp, got, 16);
		for (int t = 0; t < 100 && n < 8; t++) {
			r = rte_vmsg_net_dev_recv_burst(e.dev[0], 0, gp, 16);
			n += r > 0 ? r : 0;
		}
		CHECK_EQ(n, 8); /* the 7 of the caller's buffers and the first lent packet */
		CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &qs, NULL), 0);
		zc0 = qs.zc_packets;
		CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, &zp[1], 1), 1);
		CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &qs, NULL), 0);
		CHECK_U64(qs.zc_packets, zc0 + 1);
		CHECK_EQ(rte_vmsg_net_dev_recv_burst(e.dev[0], 0, gp, 16), 1);
		CHECK(gp[0].len == 150 && memcmp(gp[0].data, keep, 150) == 0);
	}
	CHECK_EQ(rte_vmsg_net_drv_rx_release(e.drv[0], 0), 0);
out:
	env_fini(&e);
}

/*
 * A device reset with transmissions the device completes while the reset
 * is on its way: each packet is either taken by the device or counted as a
 * driver drop, never both (they were reaped before the reset went out and
 * counted as lost).
 */
static void test_reset_in_flight(void)
{
	struct cfg c = { .qp = 1 };
	static uint8_t d[4][200];
	struct rte_vmsg_net_pkt tp[4];
	struct rte_vmsg_net_queue_stats dq, vq;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	for (int i = 0; i < 4; i++) {
		pkt_fill(d[i], 100, (uint32_t)i, 3);
		memset(&tp[i], 0, sizeof(tp[i]));
		tp[i].data = d[i];
		tp[i].len = 100;
	}
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, tp, 4), 4);
	pairs_first = 1; /* the device's pair thread runs while the reset goes out */
	CHECK_EQ(rte_vmsg_net_drv_reset(e.drv[0]), 0);
	pairs_first = 0;
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &dq, NULL), 0);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &vq, NULL), 0);
	CHECK_U64(dq.drops + vq.packets, dq.packets); /* each either taken or lost, once */
out:
	env_fini(&e);
}

/*
 * A packet a few bytes above what the device takes (MTU 1500 + 18, in a
 * 1536-byte buffer): both transmit calls refuse it (-EMSGSIZE) instead of
 * counting it sent for the device to drop; one of exactly 1518 goes.
 */
static void test_tx_over_frame(void)
{
	struct cfg c = { .qp = 1, .backend = RTE_VMSG_NET_BACKEND_APP, .ext = 1 };
	static struct pbuf out[2];
	static uint8_t big[1524];
	struct rte_vmsg_net_xbuf xb[1];
	struct rte_vmsg_net_pkt dp[2], tp;
	struct rte_vmsg_net_queue_stats vq, dq;
	uint64_t bus, len;
	void *a;
	struct env e;

	env_up(&e, &c);
	if (e.drv[0] == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_net_drv_dma_spare(e.drv[0], &a, &bus, &len), 0);
	memset(&xb[0], 0, sizeof(xb[0]));
	xb[0].addr = a;
	xb[0].len = 12 + 1524; /* 6 bytes above MTU 1500 + 18 */
	pkt_fill((uint8_t *)a + 12, 1524, 1, 1);
	xb[0].cookie = (void *)(uintptr_t)1;
	CHECK_EQ(rte_vmsg_net_drv_tx_burst_ext(e.drv[0], 0, xb, 1), -EMSGSIZE);
	pkt_fill(big, sizeof(big), 2, 1);
	memset(&tp, 0, sizeof(tp));
	tp.data = big;
	tp.len = 1519; /* one byte above */
	CHECK_EQ(rte_vmsg_net_drv_tx_burst(e.drv[0], 0, &tp, 1), -EMSGSIZE);
	xb[0].len = 12 + 1518; /* the largest frame: sent and received */
	CHECK_EQ(rte_vmsg_net_drv_tx_burst_ext(e.drv[0], 0, xb, 1), 1);
	rx_slots(dp, out, 2);
	CHECK_EQ(rte_vmsg_net_dev_recv_burst(e.dev[0], 0, dp, 2), 1);
	CHECK_EQ(dp[0].len, 1518);
	CHECK_EQ(rte_vmsg_net_dev_stats_get(e.dev[0], 1, &vq, NULL), 0);
	CHECK_EQ(rte_vmsg_net_drv_stats_get(e.drv[0], 1, &dq, NULL), 0);
	CHECK_U64(vq.errors, 0);
	CHECK_U64(dq.packets, 1);
out:
	env_fini(&e);
}

/* Runs one test and prints its time (a unit test must stay fast). */
#define RUN(call)                                                                           \
	do {                                                                                \
		uint64_t t0_ = rte_vmsg_time_ns();                                          \
		call;                                                                       \
		printf("%-24s %6.3f s\n", #call, (double)(rte_vmsg_time_ns() - t0_) / 1e9); \
	} while (0)

int main(void)
{
	seed = vtest_seed();
	RUN(test_args());
	RUN(test_loopback(1, 50000));
	RUN(test_loopback(0, 50000));
	RUN(test_mq());
	RUN(test_drops());
	RUN(test_app());
	RUN(test_app_bursts());
	RUN(test_event());
	RUN(test_event_deferred());
	RUN(test_event_deferred_threads());
	RUN(test_short_packets());
	RUN(test_over_mtu(0));
	RUN(test_over_mtu(1));
	RUN(test_over_mtu_chain());
	RUN(test_hostile_config(0));
	RUN(test_hostile_config(1));
	RUN(test_hostile_config(2));
	RUN(test_hostile_config(3));
	RUN(test_hostile_config(4));
	RUN(test_hostile_config(5));
	RUN(test_hostile_config(6));
	RUN(test_hostile_device_rx());
	RUN(test_gso_types(0));
	RUN(test_gso_types(1));
	ring_off = RING_BITS; /* they write split-ring values */
	RUN(test_hostile());
	RUN(test_hostile_rxq(0));
	RUN(test_hostile_rxq(1));
	RUN(test_hostile_rx_tiny());
	RUN(test_queue_reset());
	RUN(test_queue_reset_notsup());
	RUN(test_queue_reset_broken());
	RUN(test_rx_break_delivers(0));
	RUN(test_rx_break_delivers(1));
	/* The same hostile peers on packed rings (the helpers write packed values), in-order or not. */
	ring_off = 0;
	ring_on = F(RTE_VMSG_VIRTIO_F_RING_PACKED);
	RUN(test_hostile());
	RUN(test_queue_reset_broken());
	ring_off = F(RTE_VMSG_VIRTIO_F_IN_ORDER);
	RUN(test_hostile());
	RUN(test_queue_reset_broken());
	ring_off = 0;
	ring_on = 0;
	RUN(test_enable_outside_map());
	RUN(test_jumbo());
	RUN(test_rx_zc(1, 1500));
	RUN(test_rx_zc(0, 1500));
	RUN(test_rx_zc(1, 9000));
	RUN(test_rx_zc(0, 9000));
	RUN(test_tx_zc(1, 1500, 1));
	RUN(test_tx_zc(0, 1500, 1));
	RUN(test_tx_zc(0, 9000, 1)); /* equal sizes: one pool */
	RUN(test_tx_zc(1, 9000, 0)); /* 2 KiB and 9 KiB buffers: two pools, every frame copied */
	RUN(test_tx_zc_corners());
	RUN(test_tx_zc_owner());
	RUN(test_tx_zc_short_add());
	RUN(test_reset_in_flight());
	RUN(test_tx_over_frame());
	RUN(test_ext(1500));
	RUN(test_ext(9000));
	RUN(test_ext_hostile());
	RUN(test_threads());
	/*
	 * The default (above) negotiates split in-order; the other three ring
	 * modes: packed, split, packed in-order.
	 */
	for (int m = 1; m < 4; m++) {
		ring_off = m != 3 ? F(RTE_VMSG_VIRTIO_F_IN_ORDER) : 0;
		ring_on = m & 1 ? F(RTE_VMSG_VIRTIO_F_RING_PACKED) : 0;
		RUN(test_loopback(1, 20000));
		RUN(test_loopback(0, 20000));
		RUN(test_mq());
		RUN(test_threads());
		/* Zero-copy sends rewrite descriptor addresses: every layout. */
		RUN(test_tx_zc(1, 1500, 1));
		RUN(test_tx_zc_owner());
		RUN(test_ext(9000));
	}
	ring_off = 0;
	ring_on = 0;
	return vtest_done("net");
}
