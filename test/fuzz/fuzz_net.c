/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: virtio-net (lib/net), device model and driver helper, over
 * rings either peer may scribble on. Both sides run in this process over a
 * loop bus; the driver's DMA area (virtqueues, packet buffers) is a buffer
 * of exactly its size, registered in the device's bus-address map. After
 * the driver brings the device up, the input interleaves packets with
 * fuzzed virtio-net headers and lengths (driver transmit, device send in
 * the app backend), receives into buffers of exactly their capacity, polls,
 * queue resets and raw writes anywhere in the DMA area: what a hostile
 * driver does to the device's view, or a hostile device to the driver's.
 * Every call must return what its documentation lists; a received packet
 * fits its buffer.
 *
 * With the caller's buffers (RTE_VMSG_NET_DRV_F_EXT_RX, the _ext calls),
 * buffers of the DMA area's spare part are posted, received into, sent and
 * collected; each one's owner is tracked, and must get it back exactly
 * once (from a burst, or ext_release at a reset or destroy).
 *
 * Input: byte 0: bit 0 the app backend (else loopback), bit 1 event
 * notifications (else polling), bit 2 no mergeable receive buffers, bit 3
 * no EVENT_IDX, bit 4 the caller's buffers; then steps of one opcode byte
 * (bits 2:0) and its arguments.
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>

#include "fuzz.h"

#define DMA_SIZE (64u * 1024u)
#define DMA_BUS 0x200000ull
#define MAX_STEPS 48
#define NPKT 4
#define PKT_CAP 1600u
#define XBUF 2048u /* the caller's buffers: at least rte_vmsg_net_drv_rx_buf_len() */
#define XMAX 24u

enum { X_FREE, X_RX, X_TX };

struct env {
	struct rte_vmsg_bus_loop *loop;
	struct rte_vmsg_bus *drvb, *devb;
	struct rte_vmsg_region *reg;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_net_dev *dev;
	struct rte_vmsg_net_drv *drv;
	uint8_t *dma;
	int app;
	/* The caller's buffers: where, how many, each one's owner. */
	uint8_t *xbase;
	uint32_t nx;
	uint8_t xs[XMAX];
};

static struct env *the_env;

/* Takes back buffer @p cookie (index + 1), which must be in state @p was, or RX or TX for -1. */
static uint32_t x_back(struct env *e, void *cookie, int was)
{
	uint32_t i = (uint32_t)((uintptr_t)cookie - 1u);

	FUZZ_CHECK(i < e->nx && e->xs[i] != X_FREE && (was < 0 || e->xs[i] == was));
	e->xs[i] = X_FREE;
	return i;
}

static void x_release(void *arg, uint32_t qp, void *cookie)
{
	FUZZ_CHECK(arg == the_env && qp == 0);
	x_back(the_env, cookie, -1);
}

/* Posts every free buffer (the queue takes what it has room for). */
static void x_post(struct env *e)
{
	struct rte_vmsg_net_xbuf b[XMAX];
	uint32_t i, n = 0;
	int k;

	for (i = 0; i < e->nx; i++)
		if (e->xs[i] == X_FREE) {
			b[n].addr = e->xbase + (size_t)i * XBUF;
			b[n].len = XBUF;
			b[n].cookie = (void *)(uintptr_t)(i + 1u);
			n++;
		}
	k = rte_vmsg_net_drv_rx_post_ext(e->drv, 0, b, n);
	FUZZ_CHECK(k == -EIO || (k >= 0 && (uint32_t)k <= n));
	for (i = 0; k > 0 && i < (uint32_t)k; i++)
		e->xs[(uintptr_t)b[i].cookie - 1u] = X_RX;
}

/* Receives into the caller's buffers: whole packets, each entry within its buffer. */
static void x_receive(struct env *e, struct in *in)
{
	struct rte_vmsg_net_xbuf out[XMAX];
	uint32_t n = take(in, 1) % XMAX + 1, i, first = 1;
	int k;

	x_post(e);
	k = rte_vmsg_net_drv_rx_burst_ext(e->drv, 0, out, n);
	FUZZ_CHECK(k == -EIO || (k >= 0 && (uint32_t)k <= n));
	for (i = 0; k > 0 && i < (uint32_t)k; i++) {
		uint32_t b = x_back(e, out[i].cookie, X_RX);

		FUZZ_CHECK(out[i].addr == e->xbase + (size_t)b * XBUF);
		FUZZ_CHECK((out[i].flags & ~3u) == 0);
		if (out[i].flags & RTE_VMSG_NET_XBUF_F_DROP) {
			FUZZ_CHECK(first);
			continue;
		}
		FUZZ_CHECK(out[i].len + (first ? 12u : 0u) <= XBUF);
		first = !(out[i].flags & RTE_VMSG_NET_XBUF_F_MORE);
	}
	FUZZ_CHECK(first); /* no packet cut */
}

/* Sends packets from the caller's buffers, lengths and headers from the input. */
static void x_send(struct env *e, struct in *in, uint32_t n)
{
	struct rte_vmsg_net_xbuf p[NPKT];
	uint32_t i, k = 0;
	int r;

	for (i = 0; i < e->nx && k < n; i++) {
		if (e->xs[i] != X_FREE)
			continue;
		memset(&p[k], 0, sizeof(p[k]));
		p[k].addr = e->xbase + (size_t)i * XBUF;
		p[k].len = take(in, 2) % (XBUF + 1);
		p[k].cookie = (void *)(uintptr_t)(i + 1u);
		if (take(in, 1) & 1) {
			p[k].hdr.flags = (uint8_t)take(in, 1);
			p[k].hdr.gso_type = (uint8_t)take(in, 1);
			p[k].hdr.gso_size = (uint16_t)take(in, 2);
		}
		k++;
	}
	r = rte_vmsg_net_drv_tx_burst_ext(e->drv, 0, p, k);
	FUZZ_CHECK(r == -EIO || r == -EMSGSIZE || r == -EINVAL || (r >= 0 && (uint32_t)r <= k));
	for (i = 0; r > 0 && i < (uint32_t)r; i++)
		e->xs[(uintptr_t)p[i].cookie - 1u] = X_TX;
}

/* Collects the completed transmissions of the caller's buffers. */
static void x_done(struct env *e)
{
	void *c[XMAX];
	int k, i;

	k = rte_vmsg_net_drv_tx_done_ext(e->drv, 0, c, XMAX);
	FUZZ_CHECK(k == -EIO || (k >= 0 && k <= (int)XMAX));
	for (i = 0; i < k; i++)
		x_back(e, c[i], X_TX);
}

static void dev_side(struct env *e)
{
	FUZZ_CHECK(rte_vmsg_bus_poll(e->devb) >= 0);
	if (!e->app)
		FUZZ_CHECK(rte_vmsg_net_dev_poll(e->dev, 0) >= 0);
	FUZZ_CHECK(rte_vmsg_net_dev_service(e->dev) >= 0);
}

static void poll_peer(void *arg)
{
	dev_side(arg);
}

/* n packets with lengths and headers from the input, data in @p bufs. */
static uint32_t packets(struct in *in, struct rte_vmsg_net_pkt *p, uint8_t (*bufs)[PKT_CAP],
			uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].len = take(in, 2) % PKT_CAP;
		p[i].data = bufs[i];
		memset(bufs[i], (int)i, p[i].len);
		if (take(in, 1) & 1) {
			p[i].hdr.flags = (uint8_t)take(in, 1);
			p[i].hdr.gso_type = (uint8_t)take(in, 1);
			p[i].hdr.hdr_len = (uint16_t)take(in, 2);
			p[i].hdr.gso_size = (uint16_t)take(in, 2);
			p[i].hdr.csum_start = (uint16_t)take(in, 2);
			p[i].hdr.csum_offset = (uint16_t)take(in, 2);
		}
	}
	return n;
}

/* Receives into buffers of exactly their capacity. */
static void receive(struct env *e, struct in *in, int dev_side_app)
{
	struct rte_vmsg_net_pkt p[NPKT];
	uint32_t i, n = take(in, 1) % NPKT + 1;
	int k;

	for (i = 0; i < n; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		p[i].cap = take(in, 2) % PKT_CAP + 1;
		p[i].data = malloc(p[i].cap);
		FUZZ_CHECK(p[i].data != NULL);
	}
	if (dev_side_app) {
		k = rte_vmsg_net_dev_recv_burst(e->dev, 0, p, n);
		FUZZ_CHECK(k >= 0 && (uint32_t)k <= n);
	} else {
		k = rte_vmsg_net_drv_rx_burst(e->drv, 0, p, n);
		FUZZ_CHECK(k == -EIO || (k >= 0 && (uint32_t)k <= n));
	}
	for (i = 0; k > 0 && i < (uint32_t)k; i++)
		FUZZ_CHECK(p[i].len <= p[i].cap);
	for (i = 0; i < n; i++)
		free(p[i].data);
}

static void step(struct env *e, struct in *in)
{
	static uint8_t bufs[NPKT][PKT_CAP];
	struct rte_vmsg_net_pkt p[NPKT];
	uint8_t op = (uint8_t)take(in, 1);
	uint32_t n, off;
	int k;

	switch (op & 7) {
	case 0:
		if (e->nx != 0 && (op & 8)) {
			x_send(e, in, (op >> 4) % NPKT + 1);
			return;
		}
		n = packets(in, p, bufs, (op >> 3) % NPKT + 1);
		k = rte_vmsg_net_drv_tx_burst(e->drv, 0, p, n);
		FUZZ_CHECK(k == -EIO || k == -EMSGSIZE || (k >= 0 && (uint32_t)k <= n));
		return;
	case 1:
		if (e->nx != 0)
			x_receive(e, in);
		else
			receive(e, in, 0);
		return;
	case 2:
		dev_side(e);
		FUZZ_CHECK(rte_vmsg_bus_poll(e->drvb) >= 0);
		if (e->nx != 0)
			x_done(e);
		return;
	case 3:
		if (!e->app)
			return;
		if (op & 8) {
			receive(e, in, 1);
			return;
		}
		n = packets(in, p, bufs, (op >> 4) % NPKT + 1);
		k = rte_vmsg_net_dev_send_burst(e->dev, 0, p, n);
		FUZZ_CHECK(k >= 0 && (uint32_t)k <= n);
		return;
	case 4: /* a 32-bit word anywhere in the DMA area */
		off = (take(in, 2) << 2) % DMA_SIZE;
		rte_vmsg_put_le32(e->dma + off, take(in, 4));
		return;
	case 5: /* a 16-bit word near the start, where the rings are */
		off = (take(in, 2) << 1) % 8192u;
		rte_vmsg_put_le16(e->dma + off, (uint16_t)take(in, 2));
		return;
	case 6:
		k = rte_vmsg_net_drv_queue_reset(e->drv, 0);
		FUZZ_CHECK(k <= 0);
		return;
	default:
		FUZZ_CHECK(rte_vmsg_net_dev_service(e->dev) >= 0);
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *dma;
	struct in in = { data, size };
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_net_dev_opts o;
	struct rte_vmsg_net_drv_opts d;
	struct env e;
	uint32_t cfg, steps;
	int rc;

	if (size < 1)
		return 0;
	/* FUZZ_LOG=1: the library's log on stderr. */
	if (getenv("FUZZ_LOG") != NULL)
		rte_vmsg_log_set_handler(rte_vmsg_log_stderr, RTE_VMSG_LOG_DEBUG, NULL);
	cfg = take(&in, 1);
	memset(&e, 0, sizeof(e));
	the_env = &e;
	e.app = cfg & 1;
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.capacity = 16;
	FUZZ_CHECK(rte_vmsg_bus_loop_create(&lo, &e.loop) == 0);
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DRIVER;
	bo.timeout_ns = 3600ull * 1000000000ull;
	FUZZ_CHECK(rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(),
				       rte_vmsg_bus_loop_end(e.loop, 0), &e.drvb) == 0);
	bo.role = RTE_VMSG_BUS_DEVICE;
	FUZZ_CHECK(rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(),
				       rte_vmsg_bus_loop_end(e.loop, 1), &e.devb) == 0);
	/* Exactly the DMA area: ASan sees a byte past it. Allocated once (a
	 * large block per input costs an mmap and page faults), cleared each time. */
	if (dma == NULL)
		dma = aligned_alloc(64, DMA_SIZE);
	FUZZ_CHECK(dma != NULL);
	e.dma = dma;
	memset(e.dma, 0, DMA_SIZE);
	FUZZ_CHECK(rte_vmsg_region_register(e.dma, DMA_SIZE, DMA_BUS, 0, &e.reg) == 0);
	FUZZ_CHECK(rte_vmsg_memmap_create(&e.map) == 0 && rte_vmsg_memmap_add(e.map, e.reg) == 0);

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = e.devb;
	o.map = e.map;
	o.dev_num = 1;
	o.max_queue_pairs = 1;
	o.mtu = 1500;
	o.queue_size = 8;
	o.backend = e.app ? RTE_VMSG_NET_BACKEND_APP : RTE_VMSG_NET_BACKEND_LOOPBACK;
	o.notify = cfg & 2 ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;
	o.mac[0] = 2;
	FUZZ_CHECK(rte_vmsg_net_dev_create(&o, &e.dev) == 0);
	FUZZ_CHECK(rte_vmsg_bus_poll(e.drvb) >= 0); /* EVENT_DEVICE ADDED */

	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.bus = e.drvb;
	d.dev_num = 1;
	d.queue_size = 8;
	/* What the helper takes but TSO (64 KiB buffers would not fit the area). */
	d.features = (1ull << RTE_VMSG_NET_F_CSUM) | (1ull << RTE_VMSG_NET_F_GUEST_CSUM) |
		     (1ull << RTE_VMSG_NET_F_MTU) | (1ull << RTE_VMSG_NET_F_MAC) |
		     (1ull << RTE_VMSG_NET_F_STATUS) | (1ull << RTE_VMSG_NET_F_CTRL_VQ) |
		     (1ull << RTE_VMSG_NET_F_MQ) | (1ull << RTE_VMSG_VIRTIO_F_VERSION_1) |
		     (1ull << RTE_VMSG_VIRTIO_F_RING_RESET);
	if (!(cfg & 4))
		d.features |= 1ull << RTE_VMSG_NET_F_MRG_RXBUF;
	if (!(cfg & 8))
		d.features |= 1ull << RTE_VMSG_VIRTIO_F_EVENT_IDX;
	d.dma_addr = e.dma;
	d.dma_bus_addr = DMA_BUS;
	d.dma_size = DMA_SIZE;
	d.notify = o.notify;
	d.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	d.timeout_ns = bo.timeout_ns;
	d.poll_peer = poll_peer;
	d.poll_peer_arg = &e;
	if (cfg & 16) {
		d.flags |= RTE_VMSG_NET_DRV_F_EXT_RX;
		d.ext_release = x_release;
		d.ext_release_arg = &e;
	}
	rc = rte_vmsg_net_drv_create(&d, &e.drv);
	FUZZ_CHECK(rc == 0);
	if (cfg & 16) {
		uint64_t bus, len;
		void *a;

		FUZZ_CHECK(rte_vmsg_net_drv_dma_spare(e.drv, &a, &bus, &len) == 0);
		FUZZ_CHECK(rte_vmsg_net_drv_rx_buf_len(e.drv) <= XBUF);
		e.xbase = a;
		e.nx = len / XBUF < XMAX ? (uint32_t)(len / XBUF) : XMAX;
		FUZZ_CHECK(e.nx >= 8);
	}

	for (steps = 0; steps < MAX_STEPS && in.n > 0; steps++)
		step(&e, &in);

	rte_vmsg_net_drv_destroy(e.drv);
	for (uint32_t i = 0; i < e.nx; i++)
		FUZZ_CHECK(e.xs[i] == X_FREE); /* every buffer back, once */
	rte_vmsg_net_dev_destroy(e.dev);
	rte_vmsg_bus_destroy(e.drvb);
	rte_vmsg_bus_destroy(e.devb);
	rte_vmsg_bus_loop_destroy(e.loop);
	rte_vmsg_memmap_destroy(e.map);
	rte_vmsg_region_destroy(e.reg);
	return 0;
}
