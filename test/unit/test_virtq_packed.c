/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Unit tests of the packed virtqueue layout (VIRTIO_F_RING_PACKED, virtio
 * 1.1+ 2.8) and of VIRTIO_F_IN_ORDER in both layouts, over the harness of
 * test_virtq.c (rings at the end of the region, before a guard page): the
 * layout, attach errors, the event suppression structures per policy
 * (DRV-29, DRV-33, DEV-34), EVENT_AVAIL next_offset of a packed ring
 * (DRV-30), the AVAIL/USED rule of availability, a table of hostile
 * descriptor ring values on the device side and of used descriptors on the
 * driver side (each breaks its queue with the expected reason while a second
 * queue keeps working, and the reset queue works again), the edge of a
 * chain's 2^32 - 1 byte limit, and IN_ORDER runs (one used entry for many
 * chains). Traffic, chain lengths, reset and the two-thread pass of the
 * packed layout run in test_virtq.c.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_mem.h>
#include <rte_vmsg_virtq.h>

#include "vtest.h"

#include "virtq_harness.h"

#define PD_AVAIL RTE_VMSG_VRING_PACKED_DESC_F_AVAIL
#define PD_USED RTE_VMSG_VRING_PACKED_DESC_F_USED
#define PD_NEXT RTE_VMSG_VRING_DESC_F_NEXT
#define PD_WRITE RTE_VMSG_VRING_DESC_F_WRITE
#define PD_IND RTE_VMSG_VRING_DESC_F_INDIRECT

static void pput(uint8_t *d, uint64_t addr, uint32_t len, uint16_t id, uint16_t flags)
{
	rte_vmsg_put_le64(d, addr);
	rte_vmsg_put_le32(d + 8, len);
	rte_vmsg_put_le16(d + 12, id);
	rte_vmsg_put_le16(d + 14, flags);
}

static uint16_t ev_flags(uint8_t *ev)
{
	return rte_vmsg_get_le16(ev + 2);
}

static uint16_t ev_off_wrap(uint8_t *ev)
{
	return rte_vmsg_get_le16(ev);
}

static void test_layout_packed(void)
{
	struct rte_vmsg_vq_layout l, s;
	static const uint32_t sizes[] = { 1, 2, 256, 32768 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t n = sizes[i];

		CHECK_EQ(rte_vmsg_vq_layout_features_get(n, 4, F_PACKED, &l), 0);
		CHECK_EQ(l.desc_off, 0);
		CHECK_EQ(l.avail_off, 16 * (size_t)n);
		CHECK_EQ(l.used_off % 64, 0);
		CHECK(l.used_off >= l.avail_off + 4 && l.used_off - (l.avail_off + 4) < 64);
		CHECK_EQ(l.indirect_off, l.used_off + 64);
		CHECK_EQ(l.bytes, l.indirect_off + (size_t)n * 4 * 16);
		/* Without RING_PACKED: the split layout. */
		CHECK_EQ(rte_vmsg_vq_layout_features_get(n, 4, F_INORDER, &l), 0);
		CHECK_EQ(rte_vmsg_vq_layout_get(n, 4, &s), 0);
		CHECK(memcmp(&l, &s, sizeof(l)) == 0);
	}
	CHECK_EQ(rte_vmsg_vq_layout_features_get(3, 0, F_PACKED, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_layout_features_get(65536, 0, F_PACKED, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_layout_features_get(8, 32769, F_PACKED, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_layout_features_get(8, 0, F_PACKED, NULL), -EINVAL);
}

/* Attach of a packed queue: event structures 4-aligned and inside the map. */
static void test_attach_packed(void)
{
	struct rte_vmsg_vq_dev_opts v = { .sz = sizeof(v) };
	struct rte_vmsg_vq_dev *e;
	struct qp q;

	mem_reset();
	CHECK_EQ(qp_open(&q, 16, 0, F_PACKED, RTE_VMSG_VQ_POLICY_POLL), 0);
	v.size = 16;
	v.map = map;
	v.features = F_PACKED;
	CHECK_EQ(rte_vmsg_vq_drv_addrs(q.drv, &v.desc_addr, &v.driver_addr, &v.device_addr), 0);
	CHECK_U64(v.driver_addr, q.bus + q.lay.avail_off);
	CHECK_U64(v.device_addr, q.bus + q.lay.used_off);
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), 0);
	rte_vmsg_vq_dev_detach(e);
	v.driver_addr += 2; /* fine for a split avail ring, not for a packed event structure */
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	v.driver_addr -= 2;
	v.device_addr += 2;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	v.device_addr = BUS_BASE + reg_len; /* in the guard page */
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EFAULT);
	v.device_addr = q.bus + q.lay.used_off;
	v.driver_addr = BUS_BASE + reg_len;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EFAULT);
	v.driver_addr = q.bus + q.lay.avail_off;
	v.desc_addr = BUS_BASE + reg_len - 16 * 8; /* ring runs into the guard page */
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EFAULT);
	v.desc_addr = q.bus + 8;
	CHECK_EQ(rte_vmsg_vq_dev_attach(&v, &e), -EINVAL);
	qp_close(&q);
}

/* The event suppression structures per policy (DRV-29, DRV-33, DEV-34). */
static void test_policies_packed(void)
{
	struct rte_vmsg_vq_cpl c[16];
	struct rte_vmsg_vq_stats s;
	uint64_t data;
	struct qp q;
	uint8_t *dre, *dve; /* driver's and device's event suppression structures */

	mem_reset();
	data = buf_alloc(4096);

	/* POLL: DISABLE both ways, never a notification even if the peer asks. */
	CHECK_EQ(qp_open(&q, 16, 0, F_PACKED, RTE_VMSG_VQ_POLICY_POLL), 0);
	dre = q_avail(&q);
	dve = q_used(&q);
	CHECK_EQ(ev_flags(dre), RTE_VMSG_VRING_PACKED_EVENT_DISABLE);
	CHECK_EQ(ev_flags(dve), RTE_VMSG_VRING_PACKED_EVENT_DISABLE);
	rte_vmsg_put_le16(dve + 2, RTE_VMSG_VRING_PACKED_EVENT_ENABLE);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	CHECK_EQ(pop_push_all(&q), 1);
	rte_vmsg_put_le16(dre + 2, RTE_VMSG_VRING_PACKED_EVENT_ENABLE);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	CHECK_EQ(rte_vmsg_vq_drv_arm(q.drv), 1);
	CHECK_EQ(rte_vmsg_vq_dev_arm(q.dev), 1);
	qp_close(&q);

	/* EVENT without EVENT_IDX: ENABLE / DISABLE decide. */
	CHECK_EQ(qp_open(&q, 16, 0, F_PACKED, RTE_VMSG_VQ_POLICY_EVENT), 0);
	dre = q_avail(&q);
	dve = q_used(&q);
	CHECK_EQ(ev_flags(dre), RTE_VMSG_VRING_PACKED_EVENT_ENABLE);
	CHECK_EQ(ev_flags(dve), RTE_VMSG_VRING_PACKED_EVENT_ENABLE);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0); /* nothing new */
	rte_vmsg_put_le16(dve + 2, RTE_VMSG_VRING_PACKED_EVENT_DISABLE);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	rte_vmsg_put_le16(dve + 2, 3); /* reserved: read as ENABLE */
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(pop_push_all(&q), 3);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 3);
	CHECK_EQ(rte_vmsg_vq_drv_arm(q.drv), 0);
	CHECK_EQ(rte_vmsg_vq_dev_arm(q.dev), 0);
	CHECK_EQ(ev_flags(dve), RTE_VMSG_VRING_PACKED_EVENT_ENABLE);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(rte_vmsg_vq_dev_arm(q.dev), 1); /* pending: do not sleep */
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_drv_arm(q.drv), 1);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	qp_close(&q);

	/* EVENT with EVENT_IDX: DESC at off_wrap, positions in descriptors. */
	CHECK_EQ(qp_open(&q, 16, 0, F_PACKED | F_EVT, RTE_VMSG_VQ_POLICY_EVENT), 0);
	dre = q_avail(&q);
	dve = q_used(&q);
	CHECK_EQ(ev_flags(dre), RTE_VMSG_VRING_PACKED_EVENT_DESC);
	CHECK_EQ(ev_off_wrap(dre), 0x8000); /* offset 0, wrap counter 1 */
	CHECK_EQ(ev_off_wrap(dve), 0x8000);
	one_chain(&q, data, &q);			/* two descriptors: positions 0, 1 */
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1); /* 0 in [0, 2) */
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0); /* 0 not in [2, 4) */
	CHECK_EQ(pop_push_all(&q), 2);
	CHECK_EQ(ev_off_wrap(dve), 0x8004);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1); /* 0 in [0, 4) */
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1); /* 4 in [4, 6) */
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0); /* driver has not reaped */
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 3);
	CHECK_EQ(ev_off_wrap(dre), 0x8006);
	/* Past the wrap: 8 more chains of 2 take positions 6..21, i.e. offset 6 of lap 1. */
	for (int i = 0; i < 8; i++) {
		one_chain(&q, data, &q);
		CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1); /* the device popped all */
		CHECK_EQ(pop_push_all(&q), 1);
		CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), i == 0 ? 1 : 0);
	}
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 8);
	CHECK_EQ(ev_off_wrap(dre), 0x0006); /* offset 6, wrap counter 0 */
	CHECK_EQ(ev_off_wrap(dve), 0x0006);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	qp_close(&q);

	/* ADAPTIVE (idle threshold 3): silent while busy, armed after 3 empty polls. */
	CHECK_EQ(qp_open_ex(&q, 16, 0, F_PACKED, RTE_VMSG_VQ_POLICY_ADAPTIVE,
			    RTE_VMSG_VQ_POLICY_ADAPTIVE, 0, 3),
		 0);
	dre = q_avail(&q);
	dve = q_used(&q);
	CHECK_EQ(ev_flags(dre), RTE_VMSG_VRING_PACKED_EVENT_DISABLE);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 0);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 0);
	CHECK_EQ(ev_flags(dre), RTE_VMSG_VRING_PACKED_EVENT_ENABLE);
	CHECK_EQ(rte_vmsg_vq_drv_stats_get(q.drv, &s), 0);
	CHECK_EQ(s.arms, 1);
	for (int i = 0; i < 3; i++)
		CHECK_EQ(pop_push_all(&q), 0);
	CHECK_EQ(ev_flags(dve), RTE_VMSG_VRING_PACKED_EVENT_ENABLE);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 1);
	CHECK_EQ(pop_push_all(&q), 1);
	CHECK_EQ(ev_flags(dve), RTE_VMSG_VRING_PACKED_EVENT_DISABLE); /* busy again */
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 16), 1);
	CHECK_EQ(ev_flags(dre), RTE_VMSG_VRING_PACKED_EVENT_DISABLE);
	qp_close(&q);
}

/* One single-buffer receive chain (8 writable bytes at @p data). */
static void add_one(struct qp *q, uint64_t data, void *cookie)
{
	struct rte_vmsg_vq_buf b = { data, 8, 0 };
	struct rte_vmsg_vq_chain ch = { .bufs = &b, .n_out = 0, .n_in = 1, .cookie = cookie };

	CHECK_EQ(rte_vmsg_vq_drv_add_burst(q->drv, &ch, 1), 1);
}

/*
 * EVENT_IDX: the device pushes 2N positions between two need-notify checks
 * (two bursts, one check, as the API allows: "what was pushed since the
 * last check"); the driver reaped the first burst, added again and armed
 * in between, its event position inside the second. Modulo 2N the window
 * was empty: the EVENT_USED was lost and the driver slept with N
 * completions pending. A move of 2N or more now always notifies.
 */
static void test_notify_window_2n(void)
{
	struct rte_vmsg_vq_cpl c[4];
	uint64_t data;
	struct qp q;
	int k;

	mem_reset();
	CHECK_EQ(qp_open(&q, 4, 0, F_PACKED | F_EVT, RTE_VMSG_VQ_POLICY_EVENT), 0);
	data = buf_alloc(4096);
	for (k = 0; k < 4; k++)
		add_one(&q, data + 64u * (uint64_t)k, &q);
	(void)rte_vmsg_vq_drv_kick(q.drv, NULL);
	CHECK_EQ(pop_push_all(&q), 4); /* burst 1: positions 0..3, no check */
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 4), 4);
	for (k = 0; k < 4; k++)
		add_one(&q, data + 64u * (uint64_t)k, &q);
	(void)rte_vmsg_vq_drv_kick(q.drv, NULL);
	CHECK_EQ(rte_vmsg_vq_drv_arm(q.drv), 0); /* nothing used yet: it sleeps */
	CHECK_EQ(pop_push_all(&q), 4);		 /* burst 2: positions 4..7 */
	CHECK_EQ(rte_vmsg_vq_dev_need_notify(q.dev), 1);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 4), 4);
	qp_close(&q);
}

/* DRV-30 for a packed ring: next_offset = offset of the next descriptor | wrap << 31. */
static void test_drv30_packed(void)
{
	uint32_t noff = 77;
	uint64_t data;
	struct qp q;

	mem_reset();
	data = buf_alloc(4096);
	CHECK_EQ(qp_open(&q, 8, 0, F_PACKED, RTE_VMSG_VQ_POLICY_EVENT), 0);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, &noff), 1);
	CHECK_EQ(noff, 0); /* no NOTIFICATION_DATA */
	qp_close(&q);

	CHECK_EQ(qp_open(&q, 8, 0, F_PACKED | F_NDATA, RTE_VMSG_VQ_POLICY_EVENT), 0);
	for (uint32_t i = 1; i <= 12; i++) {
		struct rte_vmsg_vq_cpl c[2];
		uint32_t pos = 2 * i; /* two descriptors a chain */

		one_chain(&q, data, &q);
		CHECK(rte_vmsg_vq_drv_kick(q.drv, &noff) >= 0);
		CHECK_EQ(noff, (pos % 8) | ((pos / 8) % 2 == 0 ? RTE_VMSG_AVAIL_WRAP : 0));
		CHECK_EQ(pop_push_all(&q), 1);
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 2), 1);
	}
	qp_close(&q);
}

/* ---- hostile descriptor rings ---- */

enum pcase {
	P_ADDR_OUT,
	P_ADDR_WRAP,
	P_ADDR_GUARD,
	P_RING_LOOP,
	P_LONG_DIRECT,
	P_LONG_INDIRECT,
	P_BYTES_IN,
	P_BYTES_OUT,
	P_ORDER,
	P_IND_UNNEG,
	P_IND_CHAINED,
	P_IND_LEN0,
	P_IND_LEN24,
	P_IND_LEN_HUGE,
	P_IND_ADDR,
	P_ID,
	P_ID_IN_USE,
	P_TOO_MANY,
	P_MAX
};

static const struct {
	const char *name;
	uint32_t reason;
} pcases[P_MAX] = {
	[P_ADDR_OUT] = { "address outside the map", RTE_VMSG_VQ_BAD_DESC_ADDR },
	[P_ADDR_WRAP] = { "address + len wraps 2^64", RTE_VMSG_VQ_BAD_DESC_ADDR },
	[P_ADDR_GUARD] = { "buffer runs into the guard page", RTE_VMSG_VQ_BAD_DESC_ADDR },
	[P_RING_LOOP] = { "chain covers the whole ring", RTE_VMSG_VQ_CHAIN_LOOP },
	[P_LONG_DIRECT] = { "direct chain above max_chain", RTE_VMSG_VQ_CHAIN_TOO_LONG },
	[P_LONG_INDIRECT] = { "indirect chain above max_chain", RTE_VMSG_VQ_CHAIN_TOO_LONG },
	[P_BYTES_IN] = { "writable bytes reach 4 GiB", RTE_VMSG_VQ_CHAIN_TOO_LONG },
	[P_BYTES_OUT] = { "readable bytes reach 4 GiB", RTE_VMSG_VQ_CHAIN_TOO_LONG },
	[P_ORDER] = { "readable after writable", RTE_VMSG_VQ_BAD_ORDER },
	[P_IND_UNNEG] = { "indirect not negotiated", RTE_VMSG_VQ_INDIRECT_UNNEGOTIATED },
	[P_IND_CHAINED] = { "indirect with NEXT", RTE_VMSG_VQ_INDIRECT_CHAINED },
	[P_IND_LEN0] = { "indirect len 0", RTE_VMSG_VQ_INDIRECT_BAD_LEN },
	[P_IND_LEN24] = { "indirect len 24", RTE_VMSG_VQ_INDIRECT_BAD_LEN },
	[P_IND_LEN_HUGE] = { "indirect of 32769 entries", RTE_VMSG_VQ_INDIRECT_BAD_LEN },
	[P_IND_ADDR] = { "indirect table outside the map", RTE_VMSG_VQ_BAD_DESC_ADDR },
	[P_ID] = { "buffer id >= size", RTE_VMSG_VQ_BAD_HEAD },
	[P_ID_IN_USE] = { "buffer id made available twice", RTE_VMSG_VQ_HEAD_IN_USE },
	[P_TOO_MANY] = { "more than N descriptors in flight", RTE_VMSG_VQ_BAD_AVAIL_IDX },
};

static void test_hostile_packed_device(void)
{
	for (int hc = 0; hc < P_MAX; hc++) {
		static struct rte_vmsg_vq_iov iov[512];
		struct rte_vmsg_vq_req r[16];
		struct qp v, b;
		uint64_t buf, itab;
		uint8_t *it;
		bool lng = hc == P_LONG_DIRECT || hc == P_LONG_INDIRECT;
		bool bytes = hc == P_BYTES_IN || hc == P_BYTES_OUT;
		uint32_t maxc = lng ? 3 : bytes ? 65536 : 0;
		uint64_t feat = F_PACKED | (hc == P_IND_UNNEG ? 0 : F_IND);
		const uint16_t A = PD_AVAIL; /* available in lap 0 (wrap counter 1) */
		int rc;

		mem_reset();
		/* The victim first: its block ends at the region's end, before the guard page. */
		CHECK_EQ(qp_open_ex(&v, 8, 0, feat, RTE_VMSG_VQ_POLICY_POLL,
				    RTE_VMSG_VQ_POLICY_POLL, maxc, 0),
			 0);
		CHECK(v.mem + v.lay.bytes == base + reg_len);
		CHECK_EQ(qp_open(&b, 16, 4, F_PACKED | F_IND, RTE_VMSG_VQ_POLICY_POLL), 0);
		buf = buf_alloc(4096);
		itab = buf_alloc(512 * 16);
		it = local_of(itab);

		pput(q_desc(&v, 0), buf, 64, 0, A);
		switch (hc) {
		case P_ADDR_OUT:
			pput(q_desc(&v, 0), 0x1000, 64, 0, A);
			break;
		case P_ADDR_WRAP:
			pput(q_desc(&v, 0), UINT64_MAX - 15, 64, 0, A);
			break;
		case P_ADDR_GUARD:
			pput(q_desc(&v, 0), BUS_BASE + reg_len - 32, 64, 0, A);
			break;
		case P_RING_LOOP:
			for (uint32_t i = 0; i < 8; i++)
				pput(q_desc(&v, i), buf, 64, 0, A | PD_NEXT);
			break;
		case P_LONG_DIRECT:
			for (uint32_t i = 0; i < 4; i++)
				pput(q_desc(&v, i), buf, 64, 0,
				     (uint16_t)(A | (i < 3 ? PD_NEXT : 0)));
			break;
		case P_LONG_INDIRECT:
			for (uint32_t i = 0; i < 4; i++)
				pput(it + 16 * i, buf, 64, 0, 0);
			pput(q_desc(&v, 0), itab, 4 * 16, 0, A | PD_IND);
			break;
		case P_BYTES_IN:
		case P_BYTES_OUT:
			/*
			 * 256 buffers, each the whole 16 MiB region, all writable or
			 * all readable: 2^32 bytes one way, one more than a 32-bit
			 * length says (test_chain_bytes_max_packed: one fewer is fine).
			 */
			for (uint32_t i = 0; i < 256; i++)
				pput(it + 16 * i, BUS_BASE, (uint32_t)reg_len, 0,
				     hc == P_BYTES_IN ? PD_WRITE : 0);
			pput(q_desc(&v, 0), itab, 256 * 16, 0, A | PD_IND);
			break;
		case P_ORDER:
			pput(q_desc(&v, 0), buf, 64, 0, A | PD_NEXT | PD_WRITE);
			pput(q_desc(&v, 1), buf, 64, 0, A);
			break;
		case P_IND_UNNEG:
		case P_IND_LEN0:
		case P_IND_LEN24:
		case P_IND_LEN_HUGE:
		case P_IND_ADDR:
			pput(it, buf, 64, 0, 0);
			pput(q_desc(&v, 0), hc == P_IND_ADDR ? 0x1000 : itab,
			     hc == P_IND_LEN0	    ? 0
			     : hc == P_IND_LEN24    ? 24
			     : hc == P_IND_LEN_HUGE ? 32769 * 16
						    : 16,
			     0, A | PD_IND);
			break;
		case P_IND_CHAINED:
			pput(it, buf, 64, 0, 0);
			pput(q_desc(&v, 0), itab, 16, 0, A | PD_IND | PD_NEXT);
			pput(q_desc(&v, 1), buf, 64, 0, A);
			break;
		case P_ID:
			pput(q_desc(&v, 0), buf, 64, 8, A);
			break;
		case P_ID_IN_USE:
			pput(q_desc(&v, 1), buf, 64, 0, A);
			break;
		case P_TOO_MANY:
			/* Four chains of two fill the ring; a fifth is slot 0 a lap on. */
			for (uint32_t i = 0; i < 8; i++)
				pput(q_desc(&v, i), buf, 64, (uint16_t)(i / 2),
				     (uint16_t)(A | (i % 2 == 0 ? PD_NEXT : 0)));
			break;
		}
		rc = rte_vmsg_vq_dev_pop_burst(v.dev, r, 16, iov, 512);
		if (hc == P_TOO_MANY) {
			/* Four fine chains; then slot 0 flipped to available in lap 1. */
			CHECK_EQ(rc, 4);
			pput(q_desc(&v, 0), buf, 64, 4, PD_USED);
			rc = rte_vmsg_vq_dev_pop_burst(v.dev, r, 16, iov, 512);
		}
		if (rc != -EIO)
			fprintf(stderr, "packed hostile case '%s': pop gave %d\n", pcases[hc].name,
				rc);
		CHECK_EQ(rc, -EIO);
		check_broken_dev(&v, pcases[hc].reason);
		bystander_ok(&b);
		/* Reset makes it work again. */
		CHECK_EQ(rte_vmsg_vq_drv_reset(v.drv, NULL, NULL), 0);
		CHECK_EQ(rte_vmsg_vq_dev_reset(v.dev), 0);
		{
			struct traffic t;

			traffic_init(&t, &v, maxc == 3 ? 3 : 4, false);
			CHECK(traffic_run(&t, 50));
			traffic_fini(&t);
		}
		qp_close(&b);
		qp_close(&v);
	}
}

/*
 * The edge of the byte limit: a chain of 2^32 - 1 bytes one way, writable or
 * readable, is popped whole with that length, and a used len of all its
 * writable bytes is pushed; one byte more breaks the queue (P_BYTES_IN,
 * P_BYTES_OUT).
 */
static void test_chain_bytes_max_packed(void)
{
	for (int wr = 0; wr < 2; wr++) {
		uint32_t len;
		uint64_t itab;
		uint8_t *it;
		struct qp q;

		itab = max_chain_open(&q, F_PACKED | F_IND, &it);
		/* 256 buffers of the whole region, the last one byte short. */
		for (uint32_t i = 0; i < 256; i++)
			pput(it + 16 * i, BUS_BASE, (uint32_t)(i < 255 ? reg_len : reg_len - 1), 0,
			     wr ? PD_WRITE : 0);
		pput(q_desc(&q, 0), itab, 256 * 16, 5, PD_AVAIL | PD_IND);
		len = pop_push_max_chain(&q, 5, wr);
		CHECK_EQ(rte_vmsg_get_le16(q_desc(&q, 0) + 12), 5);
		CHECK_U64(rte_vmsg_get_le32(q_desc(&q, 0) + 8), len);
		CHECK_EQ(rte_vmsg_get_le16(q_desc(&q, 0) + 14), PD_AVAIL | PD_USED);
		qp_close(&q);
	}
}

/* The driver half does not trust the used descriptors. */
static void test_hostile_packed_driver(void)
{
	static const struct {
		const char *name;
		uint16_t id;
		uint32_t len;
		bool kick;
		uint32_t reason;
	} t[] = {
		{ "used descriptor with nothing in flight", 0, 0, false, RTE_VMSG_VQ_BAD_USED_IDX },
		{ "used id >= size", 8, 0, true, RTE_VMSG_VQ_BAD_USED_ID },
		{ "used id not in flight", 5, 0, true, RTE_VMSG_VQ_BAD_USED_ID },
		{ "used len above the writable bytes", 0, 9, true, RTE_VMSG_VQ_BAD_USED_LEN },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct rte_vmsg_vq_cpl c[4];
		struct rte_vmsg_vq_stats s;
		uint64_t data;
		struct qp v, b;

		mem_reset();
		CHECK_EQ(qp_open(&v, 8, 0, F_PACKED, RTE_VMSG_VQ_POLICY_EVENT), 0);
		CHECK_EQ(qp_open(&b, 16, 4, F_PACKED | F_IND, RTE_VMSG_VQ_POLICY_EVENT), 0);
		data = buf_alloc(4096);
		one_chain(&v, data, &v); /* id 0, 8 writable bytes, positions 0 and 1 */
		if (t[i].kick)
			CHECK_EQ(rte_vmsg_vq_drv_kick(v.drv, NULL), 1);
		/* Used in lap 0: AVAIL = USED = 1. Not kicked: added, never published. */
		pput(q_desc(&v, 0), 0, t[i].len, t[i].id, PD_AVAIL | PD_USED);
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_add_burst(v.drv, NULL, 0), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_kick(v.drv, NULL), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_arm(v.drv), -EIO);
		CHECK_EQ(rte_vmsg_vq_drv_stats_get(v.drv, &s), 0);
		if (s.broken != t[i].reason)
			fprintf(stderr, "packed driver case '%s'\n", t[i].name);
		CHECK_EQ(s.broken, t[i].reason);
		CHECK_U64(s.reasons[t[i].reason], 1);
		bystander_ok(&b);
		qp_close(&b);
		qp_close(&v);
	}
}

/* Good used descriptors, then a bad one: the good ones come back, then -EIO. */
static void test_reap_partial_packed(void)
{
	int cookie[3];
	struct rte_vmsg_vq_cpl c[4];
	struct rte_vmsg_vq_stats s;
	uint64_t data;
	struct qp v;

	mem_reset();
	CHECK_EQ(qp_open(&v, 8, 0, F_PACKED, RTE_VMSG_VQ_POLICY_EVENT), 0);
	data = buf_alloc(4096);
	for (int k = 0; k < 3; k++)
		one_chain(&v, data + 128u * (uint64_t)k, &cookie[k]); /* ids 0, 1, 2 */
	CHECK_EQ(rte_vmsg_vq_drv_kick(v.drv, NULL), 1);
	/* Out of order: id 1 at position 0, id 0 at position 2, then id 1 again. */
	pput(q_desc(&v, 0), 0, 8, 1, PD_AVAIL | PD_USED);
	pput(q_desc(&v, 2), 0, 0, 0, PD_AVAIL | PD_USED);
	pput(q_desc(&v, 4), 0, 0, 1, PD_AVAIL | PD_USED);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), 2);
	CHECK(c[0].cookie == &cookie[1]);
	CHECK_EQ(c[0].len, 8);
	CHECK(c[1].cookie == &cookie[0]);
	CHECK_EQ(c[1].len, 0);
	CHECK_EQ(rte_vmsg_vq_drv_stats_get(v.drv, &s), 0);
	CHECK_U64(s.completions, 2);
	CHECK_EQ(s.broken, RTE_VMSG_VQ_BAD_USED_ID);
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), -EIO);
	qp_close(&v);
}

/* The device reads only what the driver published: an unkicked chain stays. */
static void test_publish_at_kick(void)
{
	struct rte_vmsg_vq_req r[4];
	struct rte_vmsg_vq_iov iov[8];
	uint64_t data;
	struct qp q;

	mem_reset();
	data = buf_alloc(4096);
	CHECK_EQ(qp_open(&q, 8, 0, F_PACKED, RTE_VMSG_VQ_POLICY_POLL), 0);
	one_chain(&q, data, &q);
	one_chain(&q, data, &q);
	CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, r, 4, iov, 8), 0);
	CHECK_EQ(rte_vmsg_get_le16(q_desc(&q, 0) + 14), 0); /* the first head is held back */
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, r, 4, iov, 8), 2);
	qp_close(&q);
}

/*
 * virtio 1.1 2.8.1: a descriptor is available when its AVAIL bit is the wrap
 * counter and its USED bit is not. One whose USED bit is the wrap counter
 * too (AVAIL = USED = 1 in lap 0, both 0 in lap 1: a used descriptor's
 * look) is not available: pop takes nothing and breaks nothing, arm says
 * there is nothing to wait for, and the same descriptor with USED flipped
 * comes out whole.
 */
static void test_avail_used_bits(void)
{
	for (int lap = 0; lap < 2; lap++) {
		const uint16_t both = lap == 0 ? PD_AVAIL | PD_USED : 0;
		struct rte_vmsg_vq_req r[4] = { 0 };
		struct rte_vmsg_vq_iov iov[8];
		struct rte_vmsg_vq_cpl c[4];
		struct rte_vmsg_vq_used u = { 5, 0 };
		struct rte_vmsg_vq_stats s;
		uint64_t data, buf;
		struct qp q;

		mem_reset();
		data = buf_alloc(4096);
		buf = buf_alloc(64);
		CHECK_EQ(qp_open(&q, 8, 0, F_PACKED, RTE_VMSG_VQ_POLICY_EVENT), 0);
		if (lap == 1) {
			/* Four chains of two descriptors through both halves: one lap. */
			for (int k = 0; k < 4; k++)
				one_chain(&q, data + 128u * (uint64_t)k, &q);
			CHECK(rte_vmsg_vq_drv_kick(q.drv, NULL) >= 0);
			CHECK_EQ(pop_push_all(&q), 4);
			CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 4), 4);
		}
		/* Position 8 * lap, slot 0. */
		pput(q_desc(&q, 0), buf, 64, 5, both);
		CHECK_EQ(rte_vmsg_vq_dev_arm(q.dev), 0);
		CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, r, 4, iov, 8), 0);
		CHECK_EQ(rte_vmsg_vq_dev_stats_get(q.dev, &s), 0);
		CHECK_EQ(s.broken, 0);
		CHECK_U64(s.chains, 4 * (uint64_t)lap);
		/* Made available as 2.8.1 says: the chain comes out. */
		pput(q_desc(&q, 0), buf, 64, 5, (uint16_t)(both ^ PD_USED));
		CHECK_EQ(rte_vmsg_vq_dev_arm(q.dev), 1);
		CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, r, 4, iov, 8), 1);
		CHECK_EQ(r[0].head, 5);
		CHECK_EQ(r[0].n_iov, 1);
		CHECK_EQ(r[0].out_len, 64);
		CHECK_EQ(r[0].in_len, 0);
		CHECK(iov[0].base == local_of(buf) && iov[0].len == 64 && !iov[0].writable);
		CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, &u, 1), 1);
		CHECK_EQ(rte_vmsg_get_le16(q_desc(&q, 0) + 14), both);
		qp_close(&q);
	}
}

/* ---- IN_ORDER, both layouts ---- */

static void used_entry(struct qp *q, uint32_t slot, uint32_t *id, uint32_t *len, uint16_t *fl)
{
	if ((xfeat & F_PACKED) != 0) {
		*id = rte_vmsg_get_le16(q_desc(q, slot) + 12);
		*len = rte_vmsg_get_le32(q_desc(q, slot) + 8);
		*fl = rte_vmsg_get_le16(q_desc(q, slot) + 14);
	} else {
		*id = rte_vmsg_get_le32(q_used(q) + 4 + 8 * (size_t)slot);
		*len = rte_vmsg_get_le32(q_used(q) + 8 + 8 * (size_t)slot);
		*fl = 0;
	}
}

/*
 * The device writes one used entry for a run of chains used whole, ended by
 * the next chain (virtio 1.1 2.7.9, 2.8.21); the driver reports every chain
 * with its length, in order, also across calls that take part of a run.
 */
static void test_in_order_runs(void)
{
	static const uint32_t lens[5] = { 8, 8, 3, 8, 8 };
	struct rte_vmsg_vq_req r[8];
	struct rte_vmsg_vq_iov iov[16];
	struct rte_vmsg_vq_used u[8];
	struct rte_vmsg_vq_cpl c[8];
	int cookie[5];
	uint32_t id, len, heads[5];
	uint16_t fl;
	uint64_t data;
	struct qp q;
	bool packed = (xfeat & F_PACKED) != 0;

	mem_reset();
	data = buf_alloc(4096);
	CHECK_EQ(qp_open(&q, 16, 0, F_INORDER, RTE_VMSG_VQ_POLICY_POLL), 0);
	for (int k = 0; k < 5; k++)
		one_chain(&q, data + 128u * (uint64_t)k,
			  &cookie[k]); /* 2 descriptors, 8 writable */
	CHECK_EQ(rte_vmsg_vq_drv_kick(q.drv, NULL), 0);
	CHECK_EQ(rte_vmsg_vq_dev_pop_burst(q.dev, r, 8, iov, 16), 5);
	for (int k = 0; k < 5; k++) {
		heads[k] = r[k].head;
		u[k].head = r[k].head;
		u[k].len = lens[k];
	}
	/* Out of order: refused, nothing written. */
	CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, &u[1], 1), -EINVAL);
	CHECK_EQ(rte_vmsg_vq_dev_push_burst(q.dev, u, 5), 5);
	/* Two entries: {chain 2, 3} where chain 0 was, {chain 4, 8} where chain 3 was. */
	used_entry(&q, 0, &id, &len, &fl);
	CHECK_EQ(id, heads[2]);
	CHECK_EQ(len, 3);
	used_entry(&q, packed ? 6 : 3, &id, &len, &fl);
	CHECK_EQ(id, heads[4]);
	CHECK_EQ(len, 8);
	if (packed) {
		CHECK_EQ(fl, PD_AVAIL | PD_USED);
		used_entry(&q, 2, &id, &len,
			   &fl); /* chain 1's slot: still as the driver wrote it */
		CHECK_EQ(fl, PD_AVAIL | PD_NEXT);
	} else {
		CHECK_EQ(rte_vmsg_get_le16(q_used(&q) + 2), 5); /* used idx moved by all five */
		used_entry(&q, 1, &id, &len, &fl);
		CHECK_EQ(id, 0);
		CHECK_EQ(len, 0);
	}
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c, 2), 2); /* part of the first run */
	CHECK_EQ(rte_vmsg_vq_drv_arm(q.drv), 1);	      /* POLL */
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(q.drv, c + 2, 8), 3);
	for (int k = 0; k < 5; k++) {
		CHECK(c[k].cookie == &cookie[k]);
		CHECK_EQ(c[k].len, lens[k]);
	}
	CHECK_EQ(rte_vmsg_vq_drv_free_count(q.drv), 16);
	qp_close(&q);
}

/* An IN_ORDER used entry whose run reaches past what the device may have used. */
static void test_in_order_hostile(void)
{
	struct rte_vmsg_vq_cpl c[4];
	struct rte_vmsg_vq_stats s;
	int cookie[3];
	uint64_t data;
	struct qp v;

	mem_reset();
	data = buf_alloc(4096);
	CHECK_EQ(qp_open(&v, 8, 0, F_INORDER, RTE_VMSG_VQ_POLICY_POLL), 0);
	one_chain(&v, data, &cookie[0]); /* split heads 0, 2; packed ids 0, 1 */
	one_chain(&v, data + 128, &cookie[1]);
	CHECK_EQ(rte_vmsg_vq_drv_kick(v.drv, NULL), 0);
	one_chain(&v, data + 256, &cookie[2]); /* not published */
	if ((xfeat & F_PACKED) != 0) {
		/* Run up to the unpublished chain (id 2). */
		pput(q_desc(&v, 0), 0, 0, 2, PD_AVAIL | PD_USED);
	} else {
		/* Used idx 1, but the entry names the second chain: a run of two. */
		rte_vmsg_put_le32(q_used(&v) + 4, 2);
		rte_vmsg_put_le32(q_used(&v) + 8, 0);
		rte_vmsg_put_le16(q_used(&v) + 2, 1);
	}
	CHECK_EQ(rte_vmsg_vq_drv_reap_burst(v.drv, c, 4), -EIO);
	CHECK_EQ(rte_vmsg_vq_drv_stats_get(v.drv, &s), 0);
	CHECK_EQ(s.broken, RTE_VMSG_VQ_BAD_USED_ID);
	CHECK_EQ(rte_vmsg_vq_drv_reset(v.drv, NULL, NULL), 3);
	qp_close(&v);
}

int main(void)
{
	if (harness_setup() != 0)
		return 1;
	test_layout_packed();
	test_attach_packed();
	test_policies_packed();
	test_notify_window_2n();
	test_drv30_packed();
	test_hostile_packed_device();
	test_chain_bytes_max_packed();
	test_hostile_packed_driver();
	test_reap_partial_packed();
	test_publish_at_kick();
	test_avail_used_bits();
	for (xfeat = 0; xfeat <= F_PACKED; xfeat += F_PACKED) {
		test_in_order_runs();
		test_in_order_hostile();
	}
	xfeat = 0;
	harness_teardown();
	return vtest_done("test_virtq_packed");
}
