/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: the driver half of a packed virtqueue (lib/virtq
 * virtq_packed.c), with or without IN_ORDER, reaping used descriptors the
 * device (the input) writes into the ring, with many chains in flight. The
 * block is exactly the queue's size (ASan sees a byte past it). Each chain's
 * cookie names it; a cookie must come back exactly once, from the reap or
 * from the reset, with a length within the chain's writable bytes, and the
 * free count must add up.
 *
 * Input: byte 0: bits 2:0 log2 N (0..5), bit 3 an indirect pool, bit 4
 * EVENT_IDX, bits 6:5 the policy, bit 7 IN_ORDER; then steps of one opcode
 * byte (bits 2:0) and its arguments.
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_virtq.h>

#include "fuzz.h"

#define BUS 0x40000000ull
#define MAX_N 32u
#define MAX_STEPS 64

#include "fuzz_vq_drv.h"

static void step(struct fz *f, struct in *in)
{
	uint8_t op = (uint8_t)take64(in, 1);
	uint8_t *ev = f->buf + f->lay.used_off;
	uint8_t *d;
	uint32_t v, f16;
	int rc;

	switch (op & 7) {
	case 0:
		add(f, in, (op >> 3) + 1u, f->pool);
		rc = rte_vmsg_vq_drv_kick(f->vq, &v);
		FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EIO);
		return;
	case 1: /* the device writes a used descriptor at slot (op >> 3): id, len, lap */
		d = f->buf + f->lay.desc_off + 16 * ((op >> 3) % f->n);
		v = (uint32_t)take64(in, 1);
		rte_vmsg_put_le16(d + 12, (uint16_t)(v & 0x40 ? v : v % f->n));
		rte_vmsg_put_le32(d + 8, (uint32_t)take64(in, 2));
		/* Both bits set (lap 0), both clear (lap 1), or (bit 5) only AVAIL. */
		f16 = v & 0x80 ? RTE_VMSG_VRING_PACKED_DESC_F_AVAIL |
					 RTE_VMSG_VRING_PACKED_DESC_F_USED
			       : 0;
		if (v & 0x20)
			f16 ^= RTE_VMSG_VRING_PACKED_DESC_F_USED;
		rte_vmsg_put_le16(d + 14, (uint16_t)f16);
		return;
	case 2: /* the device's event suppression structure */
	case 3:
		rte_vmsg_put_le16(ev, (uint16_t)take64(in, 2));
		rte_vmsg_put_le16(ev + 2, (uint16_t)take64(in, 2));
		return;
	case 4:
		reap(f, (op >> 3) % MAX_N + 1);
		return;
	case 5:
		rc = rte_vmsg_vq_drv_arm(f->vq);
		FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EIO);
		return;
	case 6:
		rc = rte_vmsg_vq_drv_reset(f->vq, reset_cb, f);
		FUZZ_CHECK(rc >= 0 && f->used_descs == 0);
		return;
	default: /* a raw word anywhere in the block: the device may write it all */
		v = (uint32_t)take64(in, 2) % (uint32_t)f->lay.bytes & ~3u;
		rte_vmsg_put_le32(f->buf + v, (uint32_t)take64(in, 4));
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct rte_vmsg_vq_drv_opts o;
	struct rte_vmsg_vq_stats st;
	struct fz f;
	uint32_t cfg, steps, i;

	if (size < 1)
		return 0;
	memset(&f, 0, sizeof(f));
	cfg = (uint32_t)take64(&in, 1);
	f.n = 1u << ((cfg & 7) % 6);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.size = f.n;
	o.indirect_max = cfg & 8 ? 4 : 0;
	f.pool = o.indirect_max != 0;
	o.features = (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED) |
		     (cfg & 8 ? 1ull << RTE_VMSG_VIRTIO_F_INDIRECT_DESC : 0) |
		     (cfg & 16 ? 1ull << RTE_VMSG_VIRTIO_F_EVENT_IDX : 0) |
		     (cfg & 0x80 ? 1ull << RTE_VMSG_VIRTIO_F_IN_ORDER : 0);
	o.policy = ((cfg >> 5) & 3) % 3;
	FUZZ_CHECK(rte_vmsg_vq_layout_features_get(f.n, o.indirect_max, o.features, &f.lay) == 0);
	f.buf = aligned_alloc(RTE_VMSG_VQ_ALIGN, f.lay.bytes);
	FUZZ_CHECK(f.buf != NULL);
	o.mem = f.buf;
	o.bus_addr = BUS;
	o.mem_len = f.lay.bytes;
	FUZZ_CHECK(rte_vmsg_vq_drv_create(&o, &f.vq) == 0);
	/* Many in flight from the start: fill the ring. */
	add(&f, &in, f.n, 0);
	FUZZ_CHECK(rte_vmsg_vq_drv_kick(f.vq, NULL) >= 0);

	for (steps = 0; steps < MAX_STEPS && in.n > 0; steps++) {
		step(&f, &in);
		FUZZ_CHECK(rte_vmsg_vq_drv_free_count(f.vq) == f.n - f.used_descs);
		FUZZ_CHECK(rte_vmsg_vq_drv_stats_get(f.vq, &st) == 0);
		FUZZ_CHECK(st.broken < RTE_VMSG_VQ_REASON_MAX);
	}
	/* Every chain still in flight comes back from the reset, once. */
	FUZZ_CHECK(rte_vmsg_vq_drv_reset(f.vq, reset_cb, &f) >= 0);
	for (i = 0; i < 2 * MAX_N; i++)
		FUZZ_CHECK(!f.ch[i].in_flight);
	rte_vmsg_vq_drv_destroy(f.vq);
	free(f.buf);
	return 0;
}
