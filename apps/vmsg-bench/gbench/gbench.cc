/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-bench-gbench: the single-thread costs of the library's hot calls
 * under Google Benchmark, through the public C API only. Both ends of every
 * ring and queue run on the calling thread, so these are instruction and
 * cache costs with warm, unshared lines: no cross-core transfer is measured
 * (vmsg-bench does that). Everything is set up before the timed loop; the
 * loop allocates nothing. See doc/gbench.md.
 */

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_common.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_virtq.h>

#include "../msg_example.h"

#ifndef VMSG_GBENCH_BUILD_TYPE
#define VMSG_GBENCH_BUILD_TYPE "unknown"
#endif

namespace
{

/* ------------------------------------------------------------------------ */
/* Codec: rte_vmsg_msg_build() and rte_vmsg_msg_parse(), one kind each.      */

void BM_msg_build(benchmark::State &state, int kind)
{
	alignas(64) uint8_t buf[RTE_VMSG_MAX_SIZE_DEFAULT];
	struct rte_vmsg_msg m;
	int size;

	bench_msg_example(&m, static_cast<enum rte_vmsg_msg_kind>(kind));
	size = rte_vmsg_msg_build(buf, sizeof(buf), &m);
	if (size <= 0) {
		state.SkipWithError("rte_vmsg_msg_build failed on the sample");
		return;
	}
	for (auto _ : state) {
		int rc = rte_vmsg_msg_build(buf, sizeof(buf), &m);

		benchmark::DoNotOptimize(rc);
		benchmark::ClobberMemory();
	}
	state.SetItemsProcessed(state.iterations());
	state.SetBytesProcessed(state.iterations() * size);
	state.counters["frame_bytes"] = size;
}

void BM_msg_parse(benchmark::State &state, int kind)
{
	alignas(64) uint8_t buf[RTE_VMSG_MAX_SIZE_DEFAULT];
	struct rte_vmsg_msg m, out;
	int size;

	bench_msg_example(&m, static_cast<enum rte_vmsg_msg_kind>(kind));
	size = rte_vmsg_msg_build(buf, sizeof(buf), &m);
	if (size <= 0 || rte_vmsg_msg_parse(buf, static_cast<size_t>(size),
					    RTE_VMSG_MAX_SIZE_DEFAULT, &out, nullptr) != 0) {
		state.SkipWithError("the sample does not build and parse");
		return;
	}
	for (auto _ : state) {
		int rc = rte_vmsg_msg_parse(buf, static_cast<size_t>(size),
					    RTE_VMSG_MAX_SIZE_DEFAULT, &out, nullptr);

		benchmark::DoNotOptimize(rc);
		benchmark::DoNotOptimize(out);
	}
	state.SetItemsProcessed(state.iterations());
	state.SetBytesProcessed(state.iterations() * size);
	state.counters["frame_bytes"] = size;
}

/* ------------------------------------------------------------------------ */
/* Ring: both ends of one direction of an AMP link, on this thread.          */

/* As vmsg-bench: 1024 elements per direction; messages fill the element. */
constexpr uint32_t ring_elems = 1024;
constexpr uint32_t burst_max = 32;
constexpr uint32_t elem_max = 256;

/* A link in ordinary memory, both sides connected: dev's tx feeds drv's rx. */
struct link_pair {
	void *mem = nullptr;
	struct rte_vmsg_link *dev = nullptr;
	struct rte_vmsg_link *drv = nullptr;
	struct rte_vmsg_ring *tx = nullptr;
	struct rte_vmsg_ring *rx = nullptr;
	uint32_t len = 0;

	link_pair() = default;
	link_pair(const link_pair &) = delete;
	link_pair &operator=(const link_pair &) = delete;
	~link_pair()
	{
		rte_vmsg_link_destroy(drv);
		rte_vmsg_link_destroy(dev);
		std::free(mem);
	}

	/* Returns nullptr, or why it failed. */
	const char *open(uint32_t esize, enum rte_vmsg_link_format fmt)
	{
		size_t area = rte_vmsg_link_layout_size(ring_elems, esize);
		struct rte_vmsg_link_opts o = {};
		int i, a = 0, b = 0;

		area = (area + 63) & ~static_cast<size_t>(63);
		mem = std::aligned_alloc(64, area);
		if (mem == nullptr)
			return "out of memory";
		std::memset(mem, 0, area);
		o.sz = sizeof(o);
		o.role = RTE_VMSG_LINK_DEVICE;
		o.num_elems = ring_elems;
		o.elem_size = esize;
		o.format = fmt;
		if (rte_vmsg_link_create(mem, area, &o, &dev) != 0)
			return "rte_vmsg_link_create (device) failed";
		o = {};
		o.sz = sizeof(o);
		o.role = RTE_VMSG_LINK_DRIVER;
		if (rte_vmsg_link_create(mem, area, &o, &drv) != 0)
			return "rte_vmsg_link_create (driver) failed";
		for (i = 0; i < 16 && !(a == RTE_VMSG_LINK_UP && b == RTE_VMSG_LINK_UP); i++) {
			a = rte_vmsg_link_poll(dev);
			b = rte_vmsg_link_poll(drv);
		}
		if (a != RTE_VMSG_LINK_UP || b != RTE_VMSG_LINK_UP)
			return "the link did not come up";
		tx = rte_vmsg_link_tx(dev);
		rx = rte_vmsg_link_rx(drv);
		len = rte_vmsg_link_max_msg(dev);
		return nullptr;
	}
};

/* Copying bursts: rte_vmsg_ring_enqueue_burst() then rte_vmsg_ring_dequeue_burst(). */
void BM_ring_burst(benchmark::State &state, enum rte_vmsg_link_format fmt)
{
	const uint32_t esize = static_cast<uint32_t>(state.range(0));
	const uint32_t burst = static_cast<uint32_t>(state.range(1));
	alignas(64) uint8_t src[burst_max * elem_max];
	alignas(64) uint8_t dst[burst_max * elem_max];
	link_pair lp;
	const char *why = lp.open(esize, fmt);

	if (why != nullptr) {
		state.SkipWithError(why);
		return;
	}
	std::memset(src, 0xa5, sizeof(src));
	benchmark::DoNotOptimize(dst);
	for (auto _ : state) {
		int k = rte_vmsg_ring_enqueue_burst(lp.tx, src, lp.len, burst);
		int g = rte_vmsg_ring_dequeue_burst(lp.rx, dst, lp.len, burst);

		if (__builtin_expect(k != static_cast<int>(burst) || g != k, 0)) {
			state.SkipWithError("short burst");
			break;
		}
		benchmark::ClobberMemory();
	}
	state.SetItemsProcessed(state.iterations() * burst);
	state.SetBytesProcessed(state.iterations() * burst * lp.len);
	state.counters["msg_bytes"] = lp.len;
}

/*
 * Zero copy: reserve, write an 8-byte sequence number in each slot, commit;
 * peek, read each one back, release. The ring's own cost without the copies.
 */
void BM_ring_zc(benchmark::State &state, enum rte_vmsg_link_format fmt)
{
	const uint32_t esize = static_cast<uint32_t>(state.range(0));
	const uint32_t burst = static_cast<uint32_t>(state.range(1));
	uint64_t seq = 0, sum = 0;
	link_pair lp;
	const char *why = lp.open(esize, fmt);

	if (why != nullptr) {
		state.SkipWithError(why);
		return;
	}
	for (auto _ : state) {
		int k = rte_vmsg_ring_reserve(lp.tx, burst);

		for (int i = 0; i < k; i++) {
			uint64_t v = seq++;

			std::memcpy(rte_vmsg_ring_slot(lp.tx, static_cast<uint32_t>(i)), &v,
				    sizeof(v));
		}
		int c = rte_vmsg_ring_commit(lp.tx, static_cast<uint32_t>(k));
		int g = rte_vmsg_ring_peek(lp.rx, burst);

		for (int i = 0; i < g; i++) {
			uint64_t v;

			std::memcpy(&v, rte_vmsg_ring_slot(lp.rx, static_cast<uint32_t>(i)),
				    sizeof(v));
			sum += v;
		}
		int r = rte_vmsg_ring_release(lp.rx, static_cast<uint32_t>(g));

		if (__builtin_expect(k != static_cast<int>(burst) || c != k || g != k || r != k,
				     0)) {
			state.SkipWithError("short burst");
			break;
		}
	}
	benchmark::DoNotOptimize(sum);
	state.SetItemsProcessed(state.iterations() * burst);
	state.counters["msg_bytes"] = lp.len;
}

void ring_args(benchmark::internal::Benchmark *b)
{
	b->ArgNames({ "esize", "burst" });
	for (int64_t esize : { 64, 256 })
		for (int64_t burst : { 1, 8, 32 })
			b->Args({ esize, burst });
}

/* ------------------------------------------------------------------------ */
/* Memory for the virtqueue and net benchmarks: one region, one map.         */

constexpr uint64_t region_bus = 0x40000000;

struct dma {
	struct rte_vmsg_region *reg = nullptr;
	struct rte_vmsg_memmap *map = nullptr;

	dma() = default;
	dma(const dma &) = delete;
	dma &operator=(const dma &) = delete;
	~dma()
	{
		rte_vmsg_memmap_destroy(map);
		rte_vmsg_region_destroy(reg);
	}

	/* Ordinary pages (no hugepages): the numbers do not depend on the host's setup. */
	bool open(size_t size)
	{
		struct rte_vmsg_region_opts ro = {};

		ro.sz = sizeof(ro);
		ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
		ro.size = size;
		ro.bus_addr = region_bus;
		return rte_vmsg_region_create(&ro, &reg) == 0 &&
		       rte_vmsg_memmap_create(&map) == 0 && rte_vmsg_memmap_add(map, reg) == 0;
	}
};

/* ------------------------------------------------------------------------ */
/* Virtqueue: driver add + kick, device pop + push, driver reap.             */

constexpr uint32_t vq_size = 256;
constexpr uint32_t vq_buf_bytes = 64;

/*
 * The four virtqueue modes: the name part of a benchmark and the features
 * that select it (RING_PACKED, IN_ORDER). The split ring without IN_ORDER
 * keeps the unqualified names.
 */
struct ring_mode {
	const char *name;
	uint64_t features;
};

const ring_mode ring_modes[] = {
	{ "", 0 },
	{ "split_io", 1ull << RTE_VMSG_VIRTIO_F_IN_ORDER },
	{ "packed", 1ull << RTE_VMSG_VIRTIO_F_RING_PACKED },
	{ "packed_io",
	  (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED) | (1ull << RTE_VMSG_VIRTIO_F_IN_ORDER) },
};

/*
 * One queue of 256 entries (split, or the layout @p features select),
 * polling policy, both halves on this thread. Each chain has one 64-byte readable buffer and, with bufs:2, one
 * 64-byte writable buffer the device reports as filled (its contents are not
 * touched: this is the queue's cost, not the copy's).
 */
void BM_virtq(benchmark::State &state, uint64_t features)
{
	const uint32_t burst = static_cast<uint32_t>(state.range(0));
	const uint32_t nbufs = static_cast<uint32_t>(state.range(1));
	struct rte_vmsg_vq_drv_opts o = {};
	struct rte_vmsg_vq_dev_opts v = {};
	struct rte_vmsg_vq_drv *drv = nullptr;
	struct rte_vmsg_vq_dev *dev = nullptr;
	struct rte_vmsg_vq_layout lay;
	std::vector<struct rte_vmsg_vq_buf> bufs(static_cast<size_t>(burst) * nbufs);
	std::vector<struct rte_vmsg_vq_chain> chains(burst);
	std::vector<struct rte_vmsg_vq_req> reqs(burst);
	std::vector<struct rte_vmsg_vq_iov> iov(static_cast<size_t>(burst) * nbufs);
	std::vector<struct rte_vmsg_vq_used> used(burst);
	std::vector<struct rte_vmsg_vq_cpl> cpl(burst);
	void *block = nullptr, *data = nullptr;
	uint64_t block_bus = 0, data_bus = 0;
	dma mem;

	if (!mem.open(4u << 20) ||
	    rte_vmsg_vq_layout_features_get(vq_size, 0, features, &lay) != 0 ||
	    rte_vmsg_region_alloc(mem.reg, lay.bytes, RTE_VMSG_VQ_ALIGN, &block, &block_bus) != 0 ||
	    rte_vmsg_region_alloc(mem.reg, bufs.size() * vq_buf_bytes, 64, &data, &data_bus) != 0) {
		state.SkipWithError("memory setup failed");
		return;
	}
	o.sz = sizeof(o);
	o.size = vq_size;
	o.policy = RTE_VMSG_VQ_POLICY_POLL;
	o.mem = block;
	o.bus_addr = block_bus;
	o.mem_len = lay.bytes;
	o.features = features;
	v.sz = sizeof(v);
	v.size = vq_size;
	v.policy = RTE_VMSG_VQ_POLICY_POLL;
	v.features = features;
	v.map = mem.map;
	if (rte_vmsg_vq_drv_create(&o, &drv) != 0 ||
	    rte_vmsg_vq_drv_addrs(drv, &v.desc_addr, &v.driver_addr, &v.device_addr) != 0 ||
	    rte_vmsg_vq_dev_attach(&v, &dev) != 0) {
		rte_vmsg_vq_drv_destroy(drv);
		state.SkipWithError("queue setup failed");
		return;
	}
	for (size_t i = 0; i < bufs.size(); i++) {
		bufs[i].addr = data_bus + i * vq_buf_bytes;
		bufs[i].len = vq_buf_bytes;
	}
	for (uint32_t i = 0; i < burst; i++) {
		chains[i].bufs = &bufs[static_cast<size_t>(i) * nbufs];
		chains[i].n_out = 1;
		chains[i].n_in = static_cast<uint16_t>(nbufs - 1);
		chains[i].cookie = &chains[i];
	}

	for (auto _ : state) {
		int a = rte_vmsg_vq_drv_add_burst(drv, chains.data(), burst);
		int kick = rte_vmsg_vq_drv_kick(drv, nullptr);
		int p = rte_vmsg_vq_dev_pop_burst(dev, reqs.data(), burst, iov.data(),
						  static_cast<uint32_t>(iov.size()));

		for (int i = 0; i < p; i++) {
			used[static_cast<size_t>(i)].head = reqs[static_cast<size_t>(i)].head;
			used[static_cast<size_t>(i)].len = reqs[static_cast<size_t>(i)].in_len;
		}
		int u = rte_vmsg_vq_dev_push_burst(dev, used.data(), static_cast<uint32_t>(p));
		int r = rte_vmsg_vq_drv_reap_burst(drv, cpl.data(), burst);

		if (__builtin_expect(a != static_cast<int>(burst) || kick < 0 || p != a || u != a ||
					     r != a,
				     0)) {
			state.SkipWithError("short burst or broken queue");
			break;
		}
		benchmark::DoNotOptimize(cpl.data());
	}
	state.SetItemsProcessed(state.iterations() * burst);
	rte_vmsg_vq_dev_detach(dev);
	rte_vmsg_vq_drv_destroy(drv);
}

/* ------------------------------------------------------------------------ */
/* virtio-net: driver tx burst, device loopback poll, driver rx burst.       */

struct net_env {
	struct rte_vmsg_bus_loop *loop = nullptr;
	struct rte_vmsg_bus *drvb = nullptr;
	struct rte_vmsg_bus *devb = nullptr;
	struct rte_vmsg_net_dev *dev = nullptr;
	struct rte_vmsg_net_drv *drv = nullptr;
	dma mem;

	net_env() = default;
	net_env(const net_env &) = delete;
	net_env &operator=(const net_env &) = delete;
	~net_env()
	{
		rte_vmsg_net_drv_destroy(drv);
		rte_vmsg_net_dev_destroy(dev);
		rte_vmsg_bus_destroy(drvb);
		rte_vmsg_bus_destroy(devb);
		rte_vmsg_bus_loop_destroy(loop);
	}

	/* The device's side of the control path, while the driver waits. */
	static void poll_peer(void *arg)
	{
		net_env *e = static_cast<net_env *>(arg);

		rte_vmsg_bus_poll(e->devb);
		rte_vmsg_net_dev_service(e->dev);
	}

	/*
	 * Returns nullptr, or why it failed. @p ring: nullptr for what the
	 * library negotiates by default, else the virtqueue mode both ends use.
	 */
	const char *open(const ring_mode *ring)
	{
		constexpr uint64_t ring_bits = (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED) |
					       (1ull << RTE_VMSG_VIRTIO_F_IN_ORDER);
		constexpr size_t dma_size = 16u << 20;
		struct rte_vmsg_bus_loop_opts lo = {};
		struct rte_vmsg_bus_opts bo = {};
		struct rte_vmsg_net_dev_opts no = {};
		struct rte_vmsg_net_drv_opts d = {};
		static const uint8_t mac[6] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };

		lo.sz = sizeof(lo);
		if (rte_vmsg_bus_loop_create(&lo, &loop) != 0)
			return "rte_vmsg_bus_loop_create failed";
		bo.sz = sizeof(bo);
		bo.role = RTE_VMSG_BUS_DRIVER;
		if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(),
					rte_vmsg_bus_loop_end(loop, 0), &drvb) != 0)
			return "rte_vmsg_bus_create (driver) failed";
		bo.role = RTE_VMSG_BUS_DEVICE;
		if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(),
					rte_vmsg_bus_loop_end(loop, 1), &devb) != 0)
			return "rte_vmsg_bus_create (device) failed";
		if (!mem.open(dma_size))
			return "memory setup failed";
		no.sz = sizeof(no);
		no.bus = devb;
		no.map = mem.map;
		no.dev_num = 1;
		no.backend = RTE_VMSG_NET_BACKEND_LOOPBACK;
		no.notify = RTE_VMSG_NET_NOTIFY_POLL;
		if (ring != nullptr)
			no.features = (rte_vmsg_net_dev_supported_features() & ~ring_bits) |
				      ring->features;
		std::memcpy(no.mac, mac, sizeof(mac));
		if (rte_vmsg_net_dev_create(&no, &dev) != 0)
			return "rte_vmsg_net_dev_create failed";
		rte_vmsg_bus_poll(drvb); /* EVENT_DEVICE ADDED */
		d.sz = sizeof(d);
		d.bus = drvb;
		d.dev_num = 1;
		d.dma_addr = rte_vmsg_region_addr(mem.reg);
		d.dma_bus_addr = rte_vmsg_region_bus_addr(mem.reg);
		d.dma_size = dma_size;
		d.notify = RTE_VMSG_NET_NOTIFY_POLL;
		if (ring != nullptr)
			d.features =
				(rte_vmsg_net_drv_default_features() & ~ring_bits) | ring->features;
		d.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
		d.poll_peer = poll_peer;
		d.poll_peer_arg = this;
		if (rte_vmsg_net_drv_create(&d, &drv) != 0)
			return "rte_vmsg_net_drv_create failed";
		return nullptr;
	}
};

/* Packets of len:N bytes (Ethernet header included), bursts of burst:N, pair 0. */
void BM_net_loopback(benchmark::State &state, const ring_mode *ring)
{
	const uint32_t len = static_cast<uint32_t>(state.range(0));
	const uint32_t burst = static_cast<uint32_t>(state.range(1));
	constexpr uint32_t rx_cap = 2048;
	std::vector<uint8_t> tx_data(len, 0x5a);
	std::vector<uint8_t> rx_data(static_cast<size_t>(burst) * rx_cap);
	std::vector<struct rte_vmsg_net_pkt> tx(burst), rx(burst);
	net_env e;
	const char *why = e.open(ring);

	if (why != nullptr) {
		state.SkipWithError(why);
		return;
	}
	for (uint32_t i = 0; i < 6; i++) {
		tx_data[i] = static_cast<uint8_t>(0xd0 + i);
		tx_data[6 + i] = static_cast<uint8_t>(0x50 + i);
	}
	tx_data[12] = 0x88;
	tx_data[13] = 0xb5;
	for (uint32_t i = 0; i < burst; i++) {
		tx[i] = {};
		tx[i].data = tx_data.data();
		tx[i].len = len;
		rx[i] = {};
		rx[i].data = &rx_data[static_cast<size_t>(i) * rx_cap];
		rx[i].cap = rx_cap;
	}

	for (auto _ : state) {
		int t = rte_vmsg_net_drv_tx_burst(e.drv, 0, tx.data(), burst);
		int m = rte_vmsg_net_dev_poll(e.dev, 0);
		int r = rte_vmsg_net_drv_rx_burst(e.drv, 0, rx.data(), burst);

		if (__builtin_expect(t != static_cast<int>(burst) || m != t || r != t, 0)) {
			state.SkipWithError("short burst or broken queue");
			break;
		}
		benchmark::DoNotOptimize(rx.data());
		benchmark::ClobberMemory();
	}
	state.SetItemsProcessed(state.iterations() * burst);
	state.SetBytesProcessed(state.iterations() * burst * len);
}

/* ------------------------------------------------------------------------ */
/* Bus: what one request from the peer costs the device-role bus.           */

int bus_null_handler(void *, const void *, size_t, void *, size_t)
{
	return 0;
}

/*
 * A device-role bus on end 1 of a loop with 16 devices registered (numbers
 * 100..115); the benchmark plays the driver on end 0 with raw frames. One
 * iteration: a request sent, rte_vmsg_bus_poll() of the device bus (which
 * answers it), the answer received. kind: 0 PING, 1 GET_DEVICES of the
 * largest window (offset 0) that the max message size allows.
 */
void BM_bus_answer(benchmark::State &state)
{
	const bool get_devices = state.range(0) != 0;
	const uint32_t max = static_cast<uint32_t>(state.range(1));
	const struct rte_vmsg_bus_ops *ops = rte_vmsg_bus_loop_ops();
	struct rte_vmsg_bus_loop_opts lo = {};
	struct rte_vmsg_bus_opts bo = {};
	struct rte_vmsg_bus_loop *loop = nullptr;
	struct rte_vmsg_bus *bus = nullptr;
	std::vector<uint8_t> req(16), ans(max);
	struct rte_vmsg_msg m = {};
	size_t alen = 0;
	void *end0;
	int len;

	lo.sz = sizeof(lo);
	lo.max_msg_size = max;
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DEVICE;
	bo.max_msg_size = max;
	if (rte_vmsg_bus_loop_create(&lo, &loop) != 0 ||
	    rte_vmsg_bus_create(&bo, ops, rte_vmsg_bus_loop_end(loop, 1), &bus) != 0) {
		state.SkipWithError("bus set-up failed");
		rte_vmsg_bus_loop_destroy(loop);
		return;
	}
	end0 = rte_vmsg_bus_loop_end(loop, 0);
	for (uint16_t n = 100; n < 116; n++)
		(void)rte_vmsg_bus_dev_register(bus, n, bus_null_handler, nullptr);
	while (ops->rx_burst(end0, ans.data(), max, &alen, 1) > 0) /* the EVENT_DEVICEs */
		;
	if (get_devices) {
		m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_REQ;
		m.u.get_devices.offset = 0;
		m.u.get_devices.count = 0xffff; /* the bus shrinks it to what fits */
	} else {
		m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
		m.u.ping = 0x1234;
	}
	len = rte_vmsg_msg_build(req.data(), req.size(), &m);
	for (auto _ : state) {
		if (__builtin_expect(ops->tx(end0, req.data(), static_cast<size_t>(len)) != 0 ||
					     rte_vmsg_bus_poll(bus) < 0 ||
					     ops->rx_burst(end0, ans.data(), max, &alen, 1) != 1,
				     0)) {
			state.SkipWithError("no answer");
			break;
		}
		benchmark::DoNotOptimize(ans.data());
		benchmark::ClobberMemory();
	}
	state.counters["answer_bytes"] = static_cast<double>(alen);
	state.SetItemsProcessed(state.iterations());
	rte_vmsg_bus_destroy(bus);
	rte_vmsg_bus_loop_destroy(loop);
}

void register_all()
{
	for (int kind = RTE_VMSG_MSG_INVALID + 1; kind < RTE_VMSG_MSG_KIND_COUNT; kind++) {
		std::string name =
			rte_vmsg_msg_kind_name(static_cast<enum rte_vmsg_msg_kind>(kind));

		benchmark::RegisterBenchmark(("BM_msg_build/" + name).c_str(), BM_msg_build, kind);
		benchmark::RegisterBenchmark(("BM_msg_parse/" + name).c_str(), BM_msg_parse, kind);
	}
	static const struct {
		const char *name;
		enum rte_vmsg_link_format fmt;
	} fmts[] = {
		{ "compat", RTE_VMSG_LINK_FMT_COMPAT },
		{ "stamped", RTE_VMSG_LINK_FMT_STAMPED },
	};
	for (const auto &f : fmts) {
		benchmark::RegisterBenchmark((std::string("BM_ring_burst/") + f.name).c_str(),
					     BM_ring_burst, f.fmt)
			->Apply(ring_args);
		benchmark::RegisterBenchmark((std::string("BM_ring_zc/") + f.name).c_str(),
					     BM_ring_zc, f.fmt)
			->Apply(ring_args);
	}
	for (const auto &r : ring_modes) {
		std::string name = std::string("BM_virtq") + (r.name[0] ? "/" : "") + r.name;
		auto *vq = benchmark::RegisterBenchmark(name.c_str(), BM_virtq, r.features);

		vq->ArgNames({ "burst", "bufs" });
		for (int64_t bufs : { 1, 2 })
			for (int64_t burst : { 1, 8, 32 })
				vq->Args({ burst, bufs });
	}
	/* What the library negotiates by default, then each mode at bursts of 32. */
	auto *net = benchmark::RegisterBenchmark("BM_net_loopback", BM_net_loopback,
						 static_cast<const ring_mode *>(nullptr));

	net->ArgNames({ "len", "burst" });
	for (int64_t len : { 64, 1518 })
		for (int64_t burst : { 1, 8, 32 })
			net->Args({ len, burst });
	for (const auto &r : ring_modes) {
		std::string name = std::string("BM_net_loopback/") + (r.name[0] ? r.name : "split");
		auto *nr = benchmark::RegisterBenchmark(name.c_str(), BM_net_loopback, &r);

		nr->ArgNames({ "len", "burst" });
		for (int64_t len : { 64, 1518 })
			nr->Args({ len, 32 });
	}
	auto *bus = benchmark::RegisterBenchmark("BM_bus_answer", BM_bus_answer);

	bus->ArgNames({ "get_devices", "max" });
	for (int64_t max : { 264, 65535 })
		for (int64_t gd : { 0, 1 })
			bus->Args({ gd, max });
}

} // namespace

int main(int argc, char **argv)
{
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 2;
	register_all();
	benchmark::AddCustomContext("librte_vmsg", rte_vmsg_version());
	benchmark::AddCustomContext("librte_vmsg_build_type", VMSG_GBENCH_BUILD_TYPE);
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
