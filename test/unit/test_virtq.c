/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Unit tests of lib/virtq: both halves of virtqueues in one process over one
 * region and bus-address map, rings at the end of the region before a
 * PROT_NONE guard page. Layout, create and attach errors (ring alignment on
 * the bus and locally, through a map whose two alignments differ), chains of
 * 1..N buffers (direct and indirect), traffic past the 16-bit index wrap at
 * several sizes, the event-index arithmetic, suppression per policy,
 * EVENT_AVAIL next_offset (DRV-30), ring reset, a table of hostile ring
 * values (each breaks its queue with the expected reason while a second
 * queue keeps working), the edge of the 2^32 - 1 byte limit of a chain, and
 * a two-thread smoke pass with content checks. Chain lengths, traffic, reset
 * and the two-thread pass run again for the packed layout (the packed
 * layout's own tests are in test_virtq_packed.c).
 */

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_mem.h>
#include <rte_vmsg_virtq.h>

#include "vtest.h"

#include "virtq_harness.h"

/* ---- tests ---- */

static void test_layout(void)
{
	struct rte_vmsg_vq_layout l;
	static const uint32_t sizes[] = { 1, 2, 256, 1024, 32768 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t n = sizes[i];

		CHECK_EQ(rte_vmsg_vq_layout_get(n, 4, &l), 0);
		CHECK_EQ(l.desc_off, 0);
		CHECK_EQ(l.avail_off, 16 * (size_t)n);
		CHECK(l.used_off >= l.avail_off + 6 + 2 * (size_t)n);
		CHECK_EQ(l.used_off % 64, 0);
		CHECK(l.used_off - (l.avail_off + 6 + 2 * (size_t)n) < 64);
		CHECK(l.indirect_off >= l.used_off + 6 + 8 * (size_t)n);
		CHECK_EQ(l.bytes, l.indirect_off + (size_t)n * 4 * 16);
		CHECK_EQ(l.bytes % 64, 0);
	}
	/* 256: 4096 desc, avail 518 -> used at 4672, used 2054 -> 6726 -> 6784. */
	CHECK_EQ(rte_vmsg_vq_layout_get(256, 0, &l), 0);
	CHECK_EQ(l.used_off, 4672);
	CHECK_EQ(l.indirect_off, 6784);
	CHECK_EQ(l.bytes, 6784);
	CHECK_EQ(rte_vmsg_vq_layout_get(0, 0, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_layout_get(3, 0, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_layout_get(65536, 0, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_layout_get(8, 32769, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_layout_get(8, 0, NULL), -EINVAL);
	CHECK(strcmp(rte_vmsg_vq_reason_str(RTE_VMSG_VQ_CHAIN_LOOP), "loop") == 0);
	CHECK(strcmp(rte_vmsg_vq_reason_str(999), "unknown") == 0);
}

static void test_create_errors(void)
{
	struct rte_vmsg_vq_drv_opts o = { .sz = sizeof(o) };
	struct rte_vmsg_vq_dev_opts v = { .sz = sizeof(v) };
	struct rte_vmsg_vq_layout l;
	struct rte_vmsg_vq_drv *d = (struct rte_vmsg_vq_drv *)1;
	struct rte_vmsg_vq_dev *e = (struct rte_vmsg_vq_dev *)1;
	struct {
		struct rte_vmsg_vq_drv_opts o;
		uint64_t extra;
	} big;

	mem_reset();
	CHECK_EQ(rte_vmsg_vq_layout_get(16, 4, &l), 0);
	o.size = 16;
	o.mem = base;
	o.bus_addr = BUS_BASE;
	o.mem_len = l.bytes;
	CHECK_EQ(rte_vmsg_vq_drv_create(NULL, &d), -EINVAL);
	CHECK(d == NULL);
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, NULL), -EINVAL);
	o.sz = 4;
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), -EINVAL);
	CHECK(d == NULL);
	o.sz = sizeof(o);
	big.o = o;
	big.o.sz = sizeof(big);
	big.extra = 1;
	CHECK_EQ(rte_vmsg_vq_drv_create(&big.o, &d), -EINVAL);
	big.extra = 0;
	CHECK_EQ(rte_vmsg_vq_drv_create(&big.o, &d), 0);
	rte_vmsg_vq_drv_destroy(d);
	o.size = 3;
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), -EINVAL);
	o.size = 65536;
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), -EINVAL);
	o.size = 16;
	o.policy = 3;
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), -EINVAL);
	o.policy = 0;
	o.indirect_max = 4; /* without VIRTIO_F_INDIRECT_DESC */
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), -EINVAL);
	o.features = F_IND;
	o.mem_len = l.bytes - 1;
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), -EINVAL);
	o.mem_len = l.bytes + 64;
	o.mem = base + 16;
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), -EINVAL);
	o.mem = base;
	o.bus_addr = BUS_BASE + 8;
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), -EINVAL);
	o.bus_addr = BUS_BASE;
	CHECK_EQ(rte_vmsg_vq_drv_create(&o, &d), 0);
	rte_vmsg_vq_drv_destroy(NULL);

	/* Device: alignment, map bounds, options. */
	v.size = 16;
	v.map = map;
	CHECK_EQ(rte_vmsg_vq_drv_addrs(d, &v.desc_addr, &v.driver_addr, &v.device_addr), 0);
	CHECK_EQ(rte_vmsg_vq_drv_addrs(NULL, NULL, NULL, NULL), -EINVAL);
	CHECK_U64(v.desc_addr, BUS_BASE);
	CHECK_U64(v.driver_addr, BUS_BASE + l.avail_off);
	CHECK_U64(v.device_addr, BUS_BASE + l.used_off);
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), 0);
	rte_vmsg_vq_dev_detach(e);
	v.desc_addr += 8;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	CHECK(e == NULL);
	v.desc_addr -= 8;
	v.driver_addr += 1;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	v.driver_addr -= 1;
	v.device_addr += 2;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	v.device_addr -= 2;
	v.desc_addr = 0x1000; /* not in the map */
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EFAULT);
	v.desc_addr = BUS_BASE + reg_len - 16 * 8; /* runs into the guard page */
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EFAULT);
	v.desc_addr = BUS_BASE;
	v.device_addr = BUS_BASE + reg_len - 8; /* used ring runs past the end */
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EFAULT);
	v.device_addr = BUS_BASE + l.used_off;
	v.driver_addr = BUS_BASE + reg_len - 16; /* avail ring runs past the end */
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EFAULT);
	v.driver_addr = BUS_BASE + l.avail_off;
	v.map = NULL;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	v.map = map;
	v.size = 12;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	v.size = 16;
	v.policy = 7;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	v.policy = 0;
	v.max_chain = 65537;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	v.max_chain = 0;
	v.sz = 2;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	rte_vmsg_vq_dev_detach(NULL);

	/* Bad chains: nothing added. */
	{
		struct rte_vmsg_vq_buf b[20] = { { BUS_BASE + 4096 * 16, 16, 0 } };
		struct rte_vmsg_vq_chain c = { .bufs = b, .n_out = 1 };

		CHECK_EQ(rte_vmsg_vq_drv_add_burst(d, &c, 0), 0);
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(d, NULL, 1), -EINVAL);
		c.n_out = 0;
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(d, &c, 1), -EINVAL); /* empty chain */
		c.n_out = 17;
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(d, &c, 1), -EINVAL); /* longer than N */
		c.n_out = 5;
		c.flags = RTE_VMSG_VQ_CHAIN_INDIRECT;
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(d, &c, 1), -EINVAL); /* > indirect_max */
		c.n_out = 1;
		c.flags = 2;
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(d, &c, 1), -EINVAL);
		c.flags = 0;
		b[0].reserved = 1;
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(d, &c, 1), -EINVAL);
		b[0].reserved = 0;
		CHECK_EQ(rte_vmsg_vq_drv_free_count(d), 16);
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(d, &c, 1), 1);
		CHECK_EQ(rte_vmsg_vq_drv_free_count(d), 15);
	}
	CHECK_EQ(rte_vmsg_vq_drv_free_count(NULL), 0);
	rte_vmsg_vq_drv_destroy(d);
}

/* An attach that must fail: its return value, and nothing handed out. */
static int attach_rc(const struct rte_vmsg_vq_dev_opts *v)
{
	struct rte_vmsg_vq_dev *e = (struct rte_vmsg_vq_dev *)1;
	int rc = rte_vmsg_vq_dev_attach(v, &e);

	if (rc == 0)
		rte_vmsg_vq_dev_detach(e);
	else
		CHECK(e == NULL);
	return rc;
}

/*
 * A map whose local addresses are aligned otherwise than their bus
 * addresses: a second region, registered at a local address @c off bytes
 * past a 64-byte boundary, at a 64-aligned bus address. Each ring, moved
 * there alone, must be aligned on the bus (virtio 1.x 2.7; packed 1.1
 * 2.8.10.1) and at its local address (the atomics): -EINVAL for either, in
 * both layouts.
 */
static void test_attach_alignment(void)
{
	static const uint64_t layouts[] = { 0, F_PACKED };
	const uint64_t bus2 = 0x8000000000ull; /* far from the harness region */

	for (size_t l = 0; l < 2; l++) {
		bool packed = layouts[l] != 0;
		/* Descriptors, driver area, device area. */
		const uint32_t al[3] = { 16, packed ? 4u : 2u, 4 };
		struct rte_vmsg_vq_dev_opts v = { .sz = sizeof(v) };
		uint64_t *ring[3] = { &v.desc_addr, &v.driver_addr, &v.device_addr };
		struct qp q;

		mem_reset();
		CHECK_EQ(qp_open(&q, 8, 0, layouts[l], RTE_VMSG_VQ_POLICY_POLL), 0);
		v.size = 8;
		v.features = layouts[l];
		for (int k = 0; k < 3; k++) {
			uint32_t off = al[k] / 2;
			uint8_t *area = local_of(buf_alloc(4096 + 64));
			struct rte_vmsg_region *r2;
			struct rte_vmsg_memmap *m2;
			int rc_local, rc_bus;

			CHECK_EQ(rte_vmsg_region_register(area + off, 4096, bus2, 0, &r2), 0);
			CHECK_EQ(rte_vmsg_memmap_create(&m2), 0);
			CHECK_EQ(rte_vmsg_memmap_add(m2, reg), 0);
			CHECK_EQ(rte_vmsg_memmap_add(m2, r2), 0);
			v.map = m2;
			CHECK_EQ(rte_vmsg_vq_drv_addrs(q.drv, &v.desc_addr, &v.driver_addr,
						       &v.device_addr),
				 0);
			CHECK_EQ(attach_rc(&v), 0); /* every ring in the first region */
			/* Aligned on the bus, not locally; then locally, not on the bus. */
			*ring[k] = bus2;
			rc_local = attach_rc(&v);
			*ring[k] = bus2 + al[k] - off;
			rc_bus = attach_rc(&v);
			if (rc_local != -EINVAL || rc_bus != -EINVAL)
				fprintf(stderr, "%s ring %d: local/bus misalignment gave %d/%d\n",
					packed ? "packed" : "split", k, rc_local, rc_bus);
			CHECK_EQ(rc_local, -EINVAL);
			CHECK_EQ(rc_bus, -EINVAL);
			rte_vmsg_memmap_destroy(m2);
			rte_vmsg_region_destroy(r2);
		}
		qp_close(&q);
	}
}

/* Traffic at several sizes, past the 16-bit index wrap where the size is small. */
static void test_traffic(void)
{
	static const struct {
		uint32_t size, ind;
		uint64_t chains;
	} cfg[] = {
		{ 1, 4, 70000 },  { 2, 0, 70000 },   { 4, 8, 70000 },
		{ 16, 4, 70000 }, { 256, 8, 20000 }, { 32768, 2, 40000 },
	};

	for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		struct rte_vmsg_vq_stats s;
		struct traffic t;
		struct qp q;
		uint32_t mb = cfg[i].size < 4 ? cfg[i].size : 4;

		mem_reset();
		CHECK_EQ(qp_open_ex(&q, cfg[i].size, cfg[i].ind, cfg[i].ind ? F_IND | F_EVT : 0,
				    RTE_VMSG_VQ_POLICY_EVENT, RTE_VMSG_VQ_POLICY_EVENT,
				    cfg[i].ind > cfg[i].size ? cfg[i].ind : 0, 0),
			 0);
		traffic_init(&t, &q, mb, cfg[i].ind != 0);
		CHECK(traffic_run(&t, cfg[i].chains));
		/* Drain what is still in flight. */
		t.drain = true;
		while (t.reaped < t.added && traffic_round(&t))
			;
		CHECK_EQ(rte_vmsg_vq_drv_stats_get(q.drv, &s), 0);
		CHECK_EQ(s.broken, 0);
		CHECK_U64(s.chains, t.added);
		CHECK_U64(s.completions, t.reaped);
		CHECK_EQ(rte_vmsg_vq_dev_stats_get(q.dev, &s), 0);
		CHECK_EQ(s.broken, 0);
		CHECK_U64(s.chains, t.popped);
		CHECK_EQ(rte_vmsg_vq_drv_free_count(q.drv), t.added == t.reaped ? cfg[i].size : 0);
		printf("size %u: %llu chains\n", cfg[i].size, (unsigned long long)t.reaped);
		traffic_fini(&t);
		qp_close(&q);
	}
}

/* Chains of 1..N buffers, direct and indirect: one pop gives back the exact chain. */
static void test_chain_lengths(void)
{
	struct rte_vmsg_vq_buf b[16];
	struct rte_vmsg_vq_req r;
	struct rte_vmsg_vq_iov iov[16];
	struct rte_vmsg_vq_used u;
	struct rte_vmsg_vq_cpl c;
	uint64_t data;
	struct qp q;

	mem_reset();
	data = buf_alloc(16 * 64);
	/* Indirect chains may be longer than the queue when max_chain allows it. */
	CHECK_EQ(qp_open_ex(&q, 8, 16, F_IND, RTE_VMSG_VQ_POLICY_POLL, RTE_VMSG_VQ_POLICY_POLL, 16,
			    0),
		 0);
	for (uint32_t ind = 0; ind < 2; ind++) {
		uint32_t max = ind ? 16 : 8;

		for (uint32_t n = 1; n <= max; n++) {
			for (uint32_t nout = 0; nout <= n; nout += (n > 4 ? n / 2 : 1)) {
				struct rte_vmsg_vq_chain ch = {
					.bufs = b,
					.n_out = (uint16_t)nout,
					.n_in = (uint16_t)(n - nout),
					.flags = ind ? RTE_VMSG_VQ_CHAIN_INDIRECT : 0,
					.cookie = &q
				};

				for (uint32_t j = 0; j < n; j++) {
					b[j].addr = data + 64 * j;
					b[j].len = 10 + j;
					b[j].reserved = 0;
				}
				CHECK_EQ(rte_vmsg_vq_drv_add_burst(q.drv, &ch, 1), 1);
				CHECK_EQ(rte_vmsg_vq_drv_free_count(q.drv), ind ? 7 : 8 - n);
				CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0); /* POLL */
				CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, &r, 1, iov, 16), 1);
				CHECK_EQ(r.n_iov, n);
				CHECK_EQ(r.iov_first, 0);
				for (uint32_t j = 0; j < n && j < r.n_iov; j++) {
					CHECK(iov[j].base == local_of(data + 64 * j));
					CHECK_EQ(iov[j].len, 10 + j);
					CHECK_EQ(iov[j].writable, j >= nout);
				}
				u.head = r.head;
				u.len = r.in_len;
				CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, &u, 1), 1);
				CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, &u, 1),
					 -EINVAL);				 /* twice */
				CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0); /* POLL */
				CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, &c, 4), 1);
				CHECK(c.cookie == &q);
				CHECK_EQ(c.len, r.in_len);
				CHECK_EQ(rte_vmsg_vq_drv_free_count(q.drv), 8);
			}
		}
	}
	/* A chain needing more vectors than the caller has: -ENOBUFS, and it stays. */
	{
		struct rte_vmsg_vq_chain ch = { .bufs = b, .n_out = 6, .cookie = &q };

		CHECK_EQ(rte_vmsg_vq_drv_add_burst(q.drv, &ch, 1), 1);
		CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
		CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, &r, 1, iov, 5), -ENOBUFS);
		CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, &r, 1, iov, 6), 1);
		u.head = r.head;
		u.len = 1; /* more than in_len 0 */
		CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, &u, 1), -EINVAL);
		u.len = 0;
		CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, &u, 1), 1);
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, &c, 1), 1);
	}
	/* Full queue: the burst stops at the chain that does not fit. */
	{
		struct rte_vmsg_vq_chain ch[3] = { { .bufs = b, .n_out = 5 },
						   { .bufs = b, .n_out = 3 },
						   { .bufs = b, .n_out = 1 } };

		CHECK_EQ(rte_vmsg_vq_drv_add_burst(q.drv, ch, 3), 2);
		CHECK_EQ(rte_vmsg_vq_drv_free_count(q.drv), 0);
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(q.drv, &ch[2], 1), 0);
	}
	qp_close(&q);
}

/* vring_need_event-style arithmetic, across the 16-bit wrap. */
static void test_need_event(void)
{
	static const struct {
		uint16_t ev, nw, old;
		int need;
	} t[] = {
		{ 0, 1, 0, 1 },
		{ 0, 2, 1, 0 },
		{ 1, 2, 0, 1 },
		{ 5, 5, 0, 0 },
		{ 4, 5, 0, 1 },
		{ 0, 0, 0, 0 },
		{ 65535, 0, 65535, 1 },
		{ 65535, 2, 65534, 1 },
		{ 1, 2, 65534, 1 },
		{ 2, 2, 65534, 0 },
		{ 65533, 2, 65534, 0 },
		{ 100, 0, 65500, 0 },
		{ 65530, 0, 65500, 1 },
		{ 65499, 0, 65500, 0 },
		{ 0x7fff, 0x8000, 0, 1 },
		{ 0x8000, 0x8000, 0, 0 },
		{ 65535, 65535, 65534, 0 },
		{ 65534, 65535, 65534, 1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int got = rte_vmsg_vq_need_event(t[i].ev, t[i].nw, t[i].old);

		if (got != t[i].need)
			fprintf(stderr, "need_event case %zu (ev %u new %u old %u)\n", i, t[i].ev,
				t[i].nw, t[i].old);
		CHECK_EQ(got, t[i].need);
	}
}

/* Suppression flags and notify decisions per policy (DRV-29, DRV-33, DEV-34). */
static void test_policies(void)
{
	struct rte_vmsg_vq_cpl c[16];
	struct rte_vmsg_vq_stats s;
	uint64_t data;
	struct qp q;

	mem_reset();
	data = buf_alloc(4096);

	/* POLL: both sides ask for silence and never ask for a notification. */
	CHECK_EQ(qp_open(&q, 16, 0, 0, RTE_VMSG_VQ_POLICY_POLL), 0);
	CHECK_EQ(avail_flags(&q), RTE_VMSG_VRING_AVAIL_F_NO_INTERRUPT);
	CHECK_EQ(used_flags(&q), RTE_VMSG_VRING_USED_F_NO_NOTIFY);
	rte_vmsg_put_le16(q_used(&q), 0); /* even if the device wanted one */
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	CHECK_EQ(pop_push_all(&q), 1);
	rte_vmsg_put_le16(q_avail(&q), 0);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	CHECK_EQ(rte_vmsg_vq_drv_arm(q.drv), 1);
	CHECK_EQ(rte_vmsg_vq_dev_arm(q.dev), 1);
	qp_close(&q);

	/* EVENT without EVENT_IDX: flags decide. */
	CHECK_EQ(qp_open(&q, 16, 0, 0, RTE_VMSG_VQ_POLICY_EVENT), 0);
	CHECK_EQ(avail_flags(&q), 0);
	CHECK_EQ(used_flags(&q), 0);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0); /* nothing new */
	rte_vmsg_put_le16(q_used(&q), RTE_VMSG_VRING_USED_F_NO_NOTIFY);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	CHECK_EQ(pop_push_all(&q), 2);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0); /* nothing new */
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 2);
	CHECK_EQ(rte_vmsg_vq_drv_arm(q.drv), 0);
	CHECK_EQ(rte_vmsg_vq_dev_arm(q.dev), 0);
	CHECK_EQ(used_flags(&q), 0);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(rte_vmsg_vq_dev_arm(q.dev), 1); /* pending: do not sleep */
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_drv_arm(q.drv), 1);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	qp_close(&q);

	/* EVENT with EVENT_IDX: avail_event / used_event decide. */
	CHECK_EQ(qp_open(&q, 16, 0, F_EVT, RTE_VMSG_VQ_POLICY_EVENT), 0);
	CHECK_EQ(avail_event(&q), 0);
	CHECK_EQ(used_event(&q), 0);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1); /* 0 in [0, 1) */
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0); /* 0 not in [1, 2): already told */
	CHECK_EQ(pop_push_all(&q), 2);
	CHECK_EQ(avail_event(&q), 2);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1); /* used_event 0 in [0, 2) */
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1); /* 2 in [2, 3) */
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0); /* driver has not reaped */
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 3);
	CHECK_EQ(used_event(&q), 3);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1); /* 3 in [3, 4) */
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	qp_close(&q);

	/* ADAPTIVE (idle threshold 3): silent while busy, armed after 3 empty polls. */
	CHECK_EQ(qp_open_ex(&q, 16, 0, 0, RTE_VMSG_VQ_POLICY_ADAPTIVE, RTE_VMSG_VQ_POLICY_ADAPTIVE,
			    0, 3),
		 0);
	CHECK_EQ(avail_flags(&q), RTE_VMSG_VRING_AVAIL_F_NO_INTERRUPT);
	CHECK_EQ(used_flags(&q), RTE_VMSG_VRING_USED_F_NO_NOTIFY);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0); /* device busy-polls */
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0); /* driver busy-polls */
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 0);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 0);
	CHECK_EQ(avail_flags(&q), RTE_VMSG_VRING_AVAIL_F_NO_INTERRUPT);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 0);
	CHECK_EQ(avail_flags(&q), 0); /* armed */
	CHECK_EQ(rte_vmsg_vq_drv_stats_get(q.drv, &s), 0);
	CHECK_EQ(s.arms, 1);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pop_push_all(&q), 0);
	CHECK_EQ(used_flags(&q), 0); /* device armed too */
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(used_flags(&q), RTE_VMSG_VRING_USED_F_NO_NOTIFY); /* busy again */
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	CHECK_EQ(avail_flags(&q), RTE_VMSG_VRING_AVAIL_F_NO_INTERRUPT);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	qp_close(&q);
}

/* DRV-30: EVENT_AVAIL next_offset with and without VIRTIO_F_NOTIFICATION_DATA. */
static void test_drv30_next_offset(void)
{
	struct traffic t;
	uint32_t noff = 77;
	uint64_t data;
	struct qp q;

	mem_reset();
	data = buf_alloc(4096);
	CHECK_EQ(qp_open(&q, 8, 0, 0, RTE_VMSG_VQ_POLICY_EVENT), 0);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, &noff), 1);
	CHECK_EQ(noff, 0);
	qp_close(&q);

	CHECK_EQ(qp_open(&q, 8, 0, F_NDATA, RTE_VMSG_VQ_POLICY_EVENT), 0);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, &noff), 0);
	CHECK_EQ(noff, 0);
	one_chain(&q, data, &q);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, &noff), 1);
	CHECK_EQ(noff, 2);
	CHECK_EQ(pop_push_all(&q), 2);
	{
		struct rte_vmsg_vq_cpl c[4];

		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 4), 2);
	}
	qp_close(&q);

	/* Across the wrap: next_offset follows avail idx mod 2^16, wrap bit 0. */
	CHECK_EQ(qp_open(&q, 8, 0, F_NDATA | F_EVT, RTE_VMSG_VQ_POLICY_EVENT), 0);
	traffic_init(&t, &q, 4, false);
	t.check_noff = true;
	CHECK(traffic_run(&t, 70000));
	CHECK(t.added > 65536);
	traffic_fini(&t);
	qp_close(&q);
}

/* Ring reset (VIRTIO_F_RING_RESET semantics) gives back every outstanding cookie. */
static void test_reset(void)
{
	struct rte_vmsg_vq_cpl c[16];
	struct rte_vmsg_vq_req r[16];
	struct rte_vmsg_vq_iov iov[32];
	struct rte_vmsg_vq_used u[16];
	uint32_t seen[33] = { 0 };
	struct traffic t;
	uint64_t data;
	struct qp q;

	mem_reset();
	data = buf_alloc(4096);
	CHECK_EQ(qp_open(&q, 16, 4, F_IND | F_EVT | (1ull << RTE_VMSG_VIRTIO_F_RING_RESET),
			 RTE_VMSG_VQ_POLICY_POLL),
		 0);
	/* Six chains of two descriptors: 1 reaped, 2..2 used not reaped, 3..4 popped, 5..6
	 * available, 7..8 added and never kicked. */
	for (uintptr_t i = 1; i <= 6; i++)
		one_chain(&q, data, (void *)i);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, r, 4, iov, 32), 4);
	for (int i = 0; i < 2; i++) {
		u[i].head = r[i].head;
		u[i].len = 0;
	}
	CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, u, 2), 2);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 1), 1);
	CHECK(c[0].cookie == (void *)1);
	one_chain(&q, data, (void *)7);
	one_chain(&q, data, (void *)8);
	CHECK_EQ(rte_vmsg_vq_drv_free_count(q.drv), 2);
	CHECK_EQ(rte_vmsg_vq_drv_reset(q.drv, collect, seen), 7);
	CHECK_EQ(seen[0], 0);
	CHECK_EQ(seen[1], 0);
	for (int i = 2; i <= 8; i++)
		CHECK_EQ(seen[i], 1);
	CHECK_EQ(rte_vmsg_vq_drv_free_count(q.drv), 16);
	if ((xfeat & F_PACKED) != 0) {
		/* Packed: ring cleared, both event suppression structures DISABLE. */
		for (uint32_t i = 0; i < 16; i++)
			CHECK_EQ(rte_vmsg_get_le16(q_desc(&q, i) + 14), 0);
		CHECK_EQ(rte_vmsg_get_le16(q_avail(&q) + 2), RTE_VMSG_VRING_PACKED_EVENT_DISABLE);
		CHECK_EQ(rte_vmsg_vq_dev_reset(q.dev), 0);
		CHECK_EQ(rte_vmsg_get_le16(q_used(&q) + 2), RTE_VMSG_VRING_PACKED_EVENT_DISABLE);
	} else {
		CHECK_EQ(rte_vmsg_get_le16(q_avail(&q) + 2), 0); /* avail idx */
		CHECK_EQ(rte_vmsg_get_le16(q_used(&q) + 2), 0);	 /* used idx */
		CHECK_EQ(avail_flags(&q), RTE_VMSG_VRING_AVAIL_F_NO_INTERRUPT);
		CHECK_EQ(rte_vmsg_vq_dev_reset(q.dev), 0);
		CHECK_EQ(used_flags(&q), RTE_VMSG_VRING_USED_F_NO_NOTIFY);
	}
	CHECK_EQ(rte_vmsg_vq_drv_reset(q.drv, NULL, NULL), 0);
	CHECK_EQ(rte_vmsg_vq_drv_reset(NULL, NULL, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_dev_reset(NULL), -EINVAL);
	traffic_init(&t, &q, 4, true);
	CHECK(traffic_run(&t, 1000));
	traffic_fini(&t);
	qp_close(&q);
}

/* ---- hostile ring values ---- */

static void put_desc(struct qp *q, uint8_t *d, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	(void)q;
	rte_vmsg_put_le64(d, addr);
	rte_vmsg_put_le32(d + 8, len);
	rte_vmsg_put_le16(d + 12, flags);
	rte_vmsg_put_le16(d + 14, next);
}

static void avail_put(struct qp *q, uint16_t slot, uint16_t head, uint16_t idx)
{
	rte_vmsg_put_le16(q_avail(q) + 4 + 2 * (size_t)(slot % q->size), head);
	rte_vmsg_put_le16(q_avail(q) + 2, idx);
}

enum hcase {
	H_ADDR_OUT,
	H_ADDR_WRAP,
	H_ADDR_GUARD,
	H_NEXT,
	H_LOOP,
	H_SELF_LOOP,
	H_LONG_DIRECT,
	H_LONG_INDIRECT,
	H_BYTES_OUT,
	H_BYTES_IN,
	H_ORDER,
	H_IND_UNNEG,
	H_IND_CHAINED,
	H_IND_NESTED,
	H_IND_LEN0,
	H_IND_LEN24,
	H_IND_LEN_HUGE,
	H_IND_ADDR,
	H_IND_LOOP,
	H_IND_NEXT,
	H_AVAIL_JUMP,
	H_HEAD,
	H_HEAD_IN_USE,
	H_MAX
};

static const struct {
	const char *name;
	uint32_t reason;
} hcases[H_MAX] = {
	[H_ADDR_OUT] = { "address outside the map", RTE_VMSG_VQ_BAD_DESC_ADDR },
	[H_ADDR_WRAP] = { "address + len wraps 2^64", RTE_VMSG_VQ_BAD_DESC_ADDR },
	[H_ADDR_GUARD] = { "buffer runs into the guard page", RTE_VMSG_VQ_BAD_DESC_ADDR },
	[H_NEXT] = { "next >= size", RTE_VMSG_VQ_BAD_NEXT },
	[H_LOOP] = { "two-descriptor loop", RTE_VMSG_VQ_CHAIN_LOOP },
	[H_SELF_LOOP] = { "descriptor chained to itself", RTE_VMSG_VQ_CHAIN_LOOP },
	[H_LONG_DIRECT] = { "direct chain above max_chain", RTE_VMSG_VQ_CHAIN_TOO_LONG },
	[H_LONG_INDIRECT] = { "indirect chain longer than the queue", RTE_VMSG_VQ_CHAIN_TOO_LONG },
	[H_BYTES_OUT] = { "readable bytes reach 4 GiB", RTE_VMSG_VQ_CHAIN_TOO_LONG },
	[H_BYTES_IN] = { "writable bytes reach 4 GiB", RTE_VMSG_VQ_CHAIN_TOO_LONG },
	[H_ORDER] = { "readable after writable", RTE_VMSG_VQ_BAD_ORDER },
	[H_IND_UNNEG] = { "indirect not negotiated", RTE_VMSG_VQ_INDIRECT_UNNEGOTIATED },
	[H_IND_CHAINED] = { "indirect with NEXT", RTE_VMSG_VQ_INDIRECT_CHAINED },
	[H_IND_NESTED] = { "nested indirect", RTE_VMSG_VQ_INDIRECT_NESTED },
	[H_IND_LEN0] = { "indirect len 0", RTE_VMSG_VQ_INDIRECT_BAD_LEN },
	[H_IND_LEN24] = { "indirect len 24", RTE_VMSG_VQ_INDIRECT_BAD_LEN },
	[H_IND_LEN_HUGE] = { "indirect of 32769 entries", RTE_VMSG_VQ_INDIRECT_BAD_LEN },
	[H_IND_ADDR] = { "indirect table outside the map", RTE_VMSG_VQ_BAD_DESC_ADDR },
	[H_IND_LOOP] = { "loop inside an indirect table", RTE_VMSG_VQ_CHAIN_LOOP },
	[H_IND_NEXT] = { "next beyond the indirect table", RTE_VMSG_VQ_BAD_NEXT },
	[H_AVAIL_JUMP] = { "avail idx jumps > size", RTE_VMSG_VQ_BAD_AVAIL_IDX },
	[H_HEAD] = { "head >= size", RTE_VMSG_VQ_BAD_HEAD },
	[H_HEAD_IN_USE] = { "head made available twice", RTE_VMSG_VQ_HEAD_IN_USE },
};

static void test_hostile_device_side(void)
{
	for (int hc = 0; hc < H_MAX; hc++) {
		static struct rte_vmsg_vq_iov iov[512];
		struct rte_vmsg_vq_req r[4];
		struct qp v, b;
		uint8_t *snap;
		uint64_t buf, itab;
		uint8_t *it;
		bool bytes = hc == H_BYTES_OUT || hc == H_BYTES_IN;
		uint32_t maxc = hc == H_LONG_DIRECT ? 3 : bytes ? 65536 : 0;
		uint64_t feat = hc == H_IND_UNNEG ? 0 : F_IND;
		size_t rd_len;
		int rc;

		mem_reset();
		/* The victim first: its block ends at the region's end, before the guard page. */
		CHECK_EQ(qp_open_ex(&v, 8, 0, feat, RTE_VMSG_VQ_POLICY_POLL,
				    RTE_VMSG_VQ_POLICY_POLL, maxc, 0),
			 0);
		CHECK(v.mem + v.lay.bytes == base + reg_len);
		CHECK_EQ(qp_open(&b, 16, 4, F_IND, RTE_VMSG_VQ_POLICY_POLL), 0);
		buf = buf_alloc(4096);
		itab = buf_alloc(512 * 16);
		it = local_of(itab);

		for (uint32_t i = 0; i < 8; i++)
			put_desc(&v, q_desc(&v, i), buf, 64, 0, 0);
		avail_put(&v, 0, 0, 1);
		switch (hc) {
		case H_ADDR_OUT:
			put_desc(&v, q_desc(&v, 0), 0x1000, 64, 0, 0);
			break;
		case H_ADDR_WRAP:
			put_desc(&v, q_desc(&v, 0), UINT64_MAX - 15, 64, 0, 0);
			break;
		case H_ADDR_GUARD:
			put_desc(&v, q_desc(&v, 0), BUS_BASE + reg_len - 32, 64, 0, 0);
			break;
		case H_NEXT:
			put_desc(&v, q_desc(&v, 0), buf, 64, RTE_VMSG_VRING_DESC_F_NEXT, 8);
			break;
		case H_LOOP:
			put_desc(&v, q_desc(&v, 0), buf, 64, RTE_VMSG_VRING_DESC_F_NEXT, 1);
			put_desc(&v, q_desc(&v, 1), buf, 64, RTE_VMSG_VRING_DESC_F_NEXT, 0);
			break;
		case H_SELF_LOOP:
			put_desc(&v, q_desc(&v, 3), buf, 64, RTE_VMSG_VRING_DESC_F_NEXT, 3);
			avail_put(&v, 0, 3, 1);
			break;
		case H_LONG_DIRECT:
			for (uint16_t i = 0; i < 4; i++)
				put_desc(&v, q_desc(&v, i), buf, 64,
					 i < 3 ? RTE_VMSG_VRING_DESC_F_NEXT : 0, (uint16_t)(i + 1));
			break;
		case H_LONG_INDIRECT:
			for (uint16_t i = 0; i < 12; i++)
				put_desc(&v, it + 16 * i, buf, 64,
					 i < 11 ? RTE_VMSG_VRING_DESC_F_NEXT : 0,
					 (uint16_t)(i + 1));
			put_desc(&v, q_desc(&v, 0), itab, 12 * 16, RTE_VMSG_VRING_DESC_F_INDIRECT,
				 0);
			break;
		case H_BYTES_OUT:
		case H_BYTES_IN:
			/*
			 * 256 buffers, each the whole 16 MiB region, all readable or
			 * all writable: 2^32 bytes one way, one more than a 32-bit
			 * length says (test_chain_bytes_max: one fewer is fine).
			 */
			for (uint16_t i = 0; i < 256; i++)
				put_desc(&v, it + 16 * i, BUS_BASE, (uint32_t)reg_len,
					 (uint16_t)((i < 255 ? RTE_VMSG_VRING_DESC_F_NEXT : 0) |
						    (hc == H_BYTES_IN ? RTE_VMSG_VRING_DESC_F_WRITE
								      : 0)),
					 (uint16_t)(i + 1));
			put_desc(&v, q_desc(&v, 0), itab, 256 * 16, RTE_VMSG_VRING_DESC_F_INDIRECT,
				 0);
			break;
		case H_ORDER:
			put_desc(&v, q_desc(&v, 0), buf, 64,
				 RTE_VMSG_VRING_DESC_F_WRITE | RTE_VMSG_VRING_DESC_F_NEXT, 1);
			put_desc(&v, q_desc(&v, 1), buf, 64, 0, 0);
			break;
		case H_IND_UNNEG:
			put_desc(&v, it, buf, 64, 0, 0);
			put_desc(&v, q_desc(&v, 0), itab, 16, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			break;
		case H_IND_CHAINED:
			put_desc(&v, it, buf, 64, 0, 0);
			put_desc(&v, q_desc(&v, 0), itab, 16,
				 RTE_VMSG_VRING_DESC_F_INDIRECT | RTE_VMSG_VRING_DESC_F_NEXT, 1);
			break;
		case H_IND_NESTED:
			put_desc(&v, it, itab + 16, 16, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			put_desc(&v, it + 16, buf, 64, 0, 0);
			put_desc(&v, q_desc(&v, 0), itab, 32, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			break;
		case H_IND_LEN0:
			put_desc(&v, q_desc(&v, 0), itab, 0, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			break;
		case H_IND_LEN24:
			put_desc(&v, q_desc(&v, 0), itab, 24, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			break;
		case H_IND_LEN_HUGE:
			put_desc(&v, q_desc(&v, 0), BUS_BASE, 16 * 32769,
				 RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			break;
		case H_IND_ADDR:
			put_desc(&v, q_desc(&v, 0), BUS_BASE + reg_len - 16, 32,
				 RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			break;
		case H_IND_LOOP:
			put_desc(&v, it, buf, 64, RTE_VMSG_VRING_DESC_F_NEXT, 1);
			put_desc(&v, it + 16, buf, 64, RTE_VMSG_VRING_DESC_F_NEXT, 0);
			put_desc(&v, q_desc(&v, 0), itab, 32, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			break;
		case H_IND_NEXT:
			put_desc(&v, it, buf, 64, RTE_VMSG_VRING_DESC_F_NEXT, 5);
			put_desc(&v, q_desc(&v, 0), itab, 32, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			break;
		case H_AVAIL_JUMP:
			avail_put(&v, 0, 0, 9);
			break;
		case H_HEAD:
			avail_put(&v, 0, 8, 1);
			break;
		case H_HEAD_IN_USE:
			avail_put(&v, 0, 2, 1);
			avail_put(&v, 1, 2, 2);
			break;
		}
		/* The device only reads the descriptor table and the avail ring. */
		rd_len = v.lay.used_off;
		snap = malloc(rd_len);
		memcpy(snap, v.mem, rd_len);
		rc = rte_vmsg_vq_dev_pop_burst(v.dev, r, 4, iov, 512);
		if (rc != -EIO)
			fprintf(stderr, "hostile case '%s': pop gave %d\n", hcases[hc].name, rc);
		CHECK_EQ(rc, -EIO);
		check_broken_dev(&v, hcases[hc].reason);
		CHECK(memcmp(snap, v.mem, rd_len) == 0);
		free(snap);
		bystander_ok(&b);
		/* Reset makes it work again. */
		CHECK_EQ(rte_vmsg_vq_drv_reset(v.drv, NULL, NULL), 0);
		CHECK_EQ(rte_vmsg_vq_dev_reset(v.dev), 0);
		{
			struct traffic t;

			struct rte_vmsg_vq_stats st;

			traffic_init(&t, &v, maxc == 3 ? 3 : 4, false);
			if (!traffic_run(&t, 50)) {
				rte_vmsg_vq_dev_stats_get(v.dev, &st);
				fprintf(stderr, "after '%s' and reset: broken %s\n",
					hcases[hc].name, rte_vmsg_vq_reason_str(st.broken));
				CHECK(0);
			}
			traffic_fini(&t);
		}
		qp_close(&b);
		qp_close(&v);
	}
}

/* The driver half does not trust the used ring either. */
static void test_hostile_driver_side(void)
{
	static const struct {
		const char *name;
		uint32_t id, len;
		uint16_t idx;
		uint32_t reason;
		int unkicked; /* a second chain (head 2) added after the kick */
	} t[] = {
		{ "used idx beyond the chains made available", 0, 0, 2, RTE_VMSG_VQ_BAD_USED_IDX,
		  0 },
		{ "used idx far ahead", 0, 0, 0x8000, RTE_VMSG_VQ_BAD_USED_IDX, 0 },
		{ "used id >= size", 8, 0, 1, RTE_VMSG_VQ_BAD_USED_ID, 0 },
		{ "used id not in flight", 5, 0, 1, RTE_VMSG_VQ_BAD_USED_ID, 0 },
		{ "used len above the writable bytes", 0, 9, 1, RTE_VMSG_VQ_BAD_USED_LEN, 0 },
		/* In flight, but not published: freeing it would publish head 2 twice. */
		{ "used id of a chain added after the last kick", 2, 0, 1, RTE_VMSG_VQ_BAD_USED_ID,
		  1 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rte_vmsg_vq_cpl c[4];
		struct rte_vmsg_vq_stats s;
		uint64_t data;
		struct qp v, b;

		mem_reset();
		CHECK_EQ(qp_open(&v, 8, 0, 0, RTE_VMSG_VQ_POLICY_EVENT), 0);
		CHECK_EQ(qp_open(&b, 16, 4, F_IND, RTE_VMSG_VQ_POLICY_EVENT), 0);
		data = buf_alloc(4096);
		one_chain(&v, data, &v); /* head 0, 8 writable bytes */
		CHECK_EQ(rte_vmsg_vq_drv_kick(v.drv, NULL), 1);
		if (t[i].unkicked)
			one_chain(&v, data + 128, &b); /* head 2, not kicked */
		rte_vmsg_put_le32(q_used(&v) + 4, t[i].id);
		rte_vmsg_put_le32(q_used(&v) + 8, t[i].len);
		rte_vmsg_put_le16(q_used(&v) + 2, t[i].idx);
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(v.drv, NULL, 0), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_kick(v.drv, NULL), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_arm(v.drv), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_stats_get(v.drv, &s), 0);
		if (s.broken != t[i].reason)
			fprintf(stderr, "driver case '%s'\n", t[i].name);
		CHECK_EQ(s.broken, t[i].reason);
		CHECK_U64(s.reasons[t[i].reason], 1);
		bystander_ok(&b);
		qp_close(&b);
		qp_close(&v);
	}
}

/*
 * A bad used entry after good ones: the good ones, whose descriptors the
 * reap freed, are reported by that call; the queue is broken from the next.
 */
static void test_reap_partial(void)
{
	static const uint32_t bad_len[] = { 0, 9 }; /* id not in flight; len > writable */
	int cookie[3];

	for (size_t t = 0; t < 2; t++) {
		struct rte_vmsg_vq_cpl c[4];
		struct rte_vmsg_vq_stats s;
		uint64_t data;
		struct qp v;

		mem_reset();
		CHECK_EQ(qp_open(&v, 8, 0, 0, RTE_VMSG_VQ_POLICY_EVENT), 0);
		data = buf_alloc(4096);
		for (int k = 0; k < 3; k++)
			one_chain(&v, data + 128u * (uint64_t)k, &cookie[k]); /* heads 0, 2, 4 */
		CHECK_EQ(rte_vmsg_vq_drv_kick(v.drv, NULL), 1);
		/* used[0] = head 2, used[1] = head 0, used[2] = bad. */
		rte_vmsg_put_le32(q_used(&v) + 4, 2);
		rte_vmsg_put_le32(q_used(&v) + 8, 8);
		rte_vmsg_put_le32(q_used(&v) + 12, 0);
		rte_vmsg_put_le32(q_used(&v) + 16, 0);
		rte_vmsg_put_le32(q_used(&v) + 20, t == 0 ? 6 : 4);
		rte_vmsg_put_le32(q_used(&v) + 24, bad_len[t]);
		rte_vmsg_put_le16(q_used(&v) + 2, 3);
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), 2);
		CHECK(c[0].cookie == &cookie[1]);
		CHECK_EQ(c[0].len, 8);
		CHECK(c[1].cookie == &cookie[0]);
		CHECK_EQ(c[1].len, 0);
		CHECK_EQ(rte_vmsg_vq_drv_stats_get(v.drv, &s), 0);
		CHECK_U64(s.completions, 2);
		CHECK_EQ(s.broken, t == 0 ? RTE_VMSG_VQ_BAD_USED_ID : RTE_VMSG_VQ_BAD_USED_LEN);
		/* Broken from the next call on. */
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(v.drv, NULL, 0), -EIO);
		qp_close(&v);
	}
}

/* A foreign driver may put an indirect table at any address: an odd one works. */
static void test_unaligned_indirect(void)
{
	struct rte_vmsg_vq_req r;
	struct rte_vmsg_vq_iov iov[4];
	struct rte_vmsg_vq_used u;
	uint64_t buf, itab;
	uint8_t *it;
	struct qp q;

	mem_reset();
	CHECK_EQ(qp_open(&q, 8, 0, F_IND, RTE_VMSG_VQ_POLICY_POLL), 0);
	buf = buf_alloc(256);
	itab = buf_alloc(64) + 1;
	it = local_of(itab);
	put_desc(&q, it, buf, 16, RTE_VMSG_VRING_DESC_F_NEXT, 1);
	put_desc(&q, it + 16, buf + 64, 32, RTE_VMSG_VRING_DESC_F_WRITE, 0);
	put_desc(&q, q_desc(&q, 5), itab, 32, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
	avail_put(&q, 0, 5, 1);
	CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, &r, 1, iov, 4), 1);
	CHECK_EQ(r.head, 5);
	CHECK_EQ(r.n_iov, 2);
	CHECK_EQ(r.out_len, 16);
	CHECK_EQ(r.in_len, 32);
	CHECK(iov[0].base == local_of(buf) && iov[0].writable == 0);
	CHECK(iov[1].base == local_of(buf + 64) && iov[1].writable == 1);
	u.head = 5;
	u.len = 32;
	CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, &u, 1), 1);
	CHECK_EQ(rte_vmsg_get_le32(q_used(&q) + 4), 5);
	CHECK_EQ(rte_vmsg_get_le32(q_used(&q) + 8), 32);
	CHECK_EQ(rte_vmsg_get_le16(q_used(&q) + 2), 1);
	qp_close(&q);
}

/*
 * The edge of the byte limit: a chain of 2^32 - 1 bytes one way, readable or
 * writable, is popped whole with that length, and a used len of all its
 * writable bytes is pushed; one byte more breaks the queue (H_BYTES_OUT,
 * H_BYTES_IN).
 */
static void test_chain_bytes_max(void)
{
	for (int wr = 0; wr < 2; wr++) {
		const uint16_t w = wr ? RTE_VMSG_VRING_DESC_F_WRITE : 0;
		uint32_t len;
		uint64_t itab;
		uint8_t *it;
		struct qp q;

		itab = max_chain_open(&q, F_IND, &it);
		/* 256 buffers of the whole region, the last one byte short. */
		for (uint16_t i = 0; i < 256; i++)
			put_desc(&q, it + 16 * i, BUS_BASE,
				 (uint32_t)(i < 255 ? reg_len : reg_len - 1),
				 (uint16_t)(w | (i < 255 ? RTE_VMSG_VRING_DESC_F_NEXT : 0)),
				 (uint16_t)(i + 1));
		put_desc(&q, q_desc(&q, 3), itab, 256 * 16, RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
		avail_put(&q, 0, 3, 1);
		len = pop_push_max_chain(&q, 3, wr);
		CHECK_EQ(rte_vmsg_get_le32(q_used(&q) + 4), 3);
		CHECK_U64(rte_vmsg_get_le32(q_used(&q) + 8), len);
		qp_close(&q);
	}
}

/* ---- two threads: ~10^5 chains, content checked on both sides ---- */

#define SMOKE_CHAINS 100000u
#define SMOKE_SIZE 256u

struct smoke {
	struct qp *q;
	uint64_t slots;
	uint64_t dev_errors;
};

static void *smoke_dev(void *arg)
{
	struct smoke *s = arg;
	struct rte_vmsg_vq_req r[32];
	struct rte_vmsg_vq_iov iov[64];
	struct rte_vmsg_vq_used u[32];
	uint64_t expect = 0;

	while (expect < SMOKE_CHAINS) {
		int n = rte_vmsg_vq_dev_pop_burst(s->q->dev, r, 32, iov, 64);

		if (n < 0) {
			s->dev_errors++;
			break;
		}
		if (n == 0) {
			sched_yield();
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct rte_vmsg_vq_iov *v = &iov[r[i].iov_first];
			uint64_t seq, ans;

			if (r[i].n_iov != 2 || v[0].writable || !v[1].writable || v[0].len != 8) {
				s->dev_errors++;
				seq = expect;
			} else {
				memcpy(&seq, v[0].base, 8);
			}
			if (seq != expect)
				s->dev_errors++;
			expect++;
			ans = seq * 3 + 1;
			memcpy(v[1].base, &ans, 8);
			u[i].head = r[i].head;
			u[i].len = 8;
		}
		if (rte_vmsg_vq_dev_push_burst(s->q->dev, u, (uint32_t)n) != n)
			s->dev_errors++;
	}
	return NULL;
}

static void test_two_threads(void)
{
	struct rte_vmsg_vq_cpl c[32];
	struct smoke s;
	pthread_t th;
	struct qp q;
	uint64_t added = 0, reaped = 0, t0;
	int bad = 0;

	mem_reset();
	CHECK_EQ(qp_open(&q, SMOKE_SIZE, 0, F_EVT, RTE_VMSG_VQ_POLICY_POLL), 0);
	memset(&s, 0, sizeof(s));
	s.q = &q;
	s.slots = buf_alloc(SMOKE_SIZE * 32);
	t0 = rte_vmsg_time_ns();
	if (pthread_create(&th, NULL, smoke_dev, &s) != 0) {
		CHECK(0);
		return;
	}
	while (reaped < SMOKE_CHAINS && bad == 0) {
		struct rte_vmsg_vq_buf b[32][2];
		struct rte_vmsg_vq_chain ch[32];
		uint32_t n = 0;
		int k;

		while (n < 32 && added + n < SMOKE_CHAINS && added + n - reaped < SMOKE_SIZE / 2) {
			uint64_t seq = added + n, slot = s.slots + (seq % SMOKE_SIZE) * 32;

			memcpy(local_of(slot), &seq, 8);
			memset(local_of(slot + 16), 0, 8);
			b[n][0] = (struct rte_vmsg_vq_buf){ slot, 8, 0 };
			b[n][1] = (struct rte_vmsg_vq_buf){ slot + 16, 8, 0 };
			ch[n] = (struct rte_vmsg_vq_chain){ .bufs = b[n],
							    .n_out = 1,
							    .n_in = 1,
							    .cookie =
								    (void *)(uintptr_t)(seq + 1) };
			n++;
		}
		if (n != 0) {
			k = rte_vmsg_vq_drv_add_burst(q.drv, ch, n);
			if (k < 0) {
				bad = 1;
				break;
			}
			added += (uint32_t)k;
			rte_vmsg_vq_drv_kick(q.drv, NULL);
		}
		k = rte_vmsg_vq_drv_reap_burst(q.drv, c, 32);
		if (k < 0) {
			bad = 2;
			break;
		}
		if (k == 0)
			sched_yield();
		for (int i = 0; i < k; i++) {
			uint64_t seq = reaped++, ans;

			memcpy(&ans, local_of(s.slots + (seq % SMOKE_SIZE) * 32 + 16), 8);
			if (c[i].cookie != (void *)(uintptr_t)(seq + 1) || c[i].len != 8 ||
			    ans != seq * 3 + 1)
				bad = 3;
		}
	}
	pthread_join(th, NULL);
	CHECK_EQ(bad, 0);
	CHECK_U64(s.dev_errors, 0);
	CHECK_U64(reaped, SMOKE_CHAINS);
	printf("two threads: %u chains in %.1f ms\n", SMOKE_CHAINS,
	       (double)(rte_vmsg_time_ns() - t0) / 1e6);
	qp_close(&q);
}

int main(void)
{
	/* The tests that hold for every layout, once per layout and IN_ORDER setting. */
	static const uint64_t modes[] = { 0, F_INORDER, F_PACKED, F_PACKED | F_INORDER };

	if (harness_setup() != 0)
		return 1;
	test_layout();
	test_create_errors();
	test_attach_alignment();
	test_need_event();
	test_policies();
	test_drv30_next_offset();
	test_hostile_device_side();
	test_hostile_driver_side();
	test_reap_partial();
	test_unaligned_indirect();
	test_chain_bytes_max();
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		xfeat = modes[m];
		printf("features +%#llx\n", (unsigned long long)xfeat);
		test_chain_lengths();
		test_traffic();
		test_reset();
		test_two_threads();
	}
	xfeat = 0;
	harness_teardown();
	return vtest_done("test_virtq");
}
