/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: the device half of a packed virtqueue (lib/virtq
 * virtq_packed.c), with or without IN_ORDER. One buffer of exactly the
 * queue block plus a 1 KiB data area is registered as a region of a
 * bus-address map; the device half attaches to the ring in it. The input
 * writes descriptors (AVAIL/USED bits included), indirect table entries, the
 * driver's event suppression words and raw words (the driver is the peer:
 * anything in the block may change at any time), and pops, pushes, checks
 * notifications, arms and resets. Every popped buffer must lie inside the
 * region, with the chain's totals and the readable-first order as
 * documented; pushing back what was popped, in pop order, must succeed,
 * pushing anything else (a len too large, a head twice, with IN_ORDER a
 * head out of order) must be refused.
 *
 * Input: byte 0: bits 2:0 log2 N (0..4), bit 3 INDIRECT_DESC, bit 4
 * EVENT_IDX, bits 6:5 the policy, bit 7 IN_ORDER; byte 1 max_chain; then
 * steps of one opcode byte (bits 2:0) and its arguments.
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_mem.h>
#include <rte_vmsg_virtq.h>

#include "fuzz.h"

#define BUS 0x100000ull
#define DATA 1024u
#define MAX_STEPS 64
#define NIOV 24

struct fz {
	uint8_t *buf;
	size_t len;
	uint32_t n;
	int in_order;
	struct rte_vmsg_vq_layout lay;
	struct rte_vmsg_vq_dev *vq;
	/* Popped, not yet pushed, in pop order: head and in_len. */
	uint32_t head[16], in_len[16], npopped;
};

/* A descriptor address: an offset in the data area (up to 64 bytes past its end), or any value. */
static uint64_t addr(struct fz *f, struct in *in, int raw)
{
	return raw ? take64(in, 8) : BUS + f->lay.bytes + take64(in, 2) % (DATA + 64);
}

static void pop(struct fz *f, uint32_t nreq, uint32_t niov)
{
	struct rte_vmsg_vq_req reqs[16];
	struct rte_vmsg_vq_iov iov[NIOV];
	uint32_t i, j, k2, out, in, seen_w;
	int k;

	if (nreq > 16 - f->npopped)
		nreq = 16 - f->npopped;
	k = rte_vmsg_vq_dev_pop_burst(f->vq, reqs, nreq, iov, niov);
	FUZZ_CHECK(k == -ENOBUFS || k == -EIO || (k >= 0 && (uint32_t)k <= nreq));
	for (i = 0; k > 0 && i < (uint32_t)k; i++) {
		FUZZ_CHECK(reqs[i].head < f->n);
		for (k2 = 0; k2 < f->npopped; k2++)
			FUZZ_CHECK(f->head[k2] != reqs[i].head);
		FUZZ_CHECK(reqs[i].n_iov >= 1 && reqs[i].iov_first + reqs[i].n_iov <= niov);
		out = in = seen_w = 0;
		for (j = reqs[i].iov_first; j < reqs[i].iov_first + reqs[i].n_iov; j++) {
			const uint8_t *b = iov[j].base;

			/* Inside the data the region maps, never past it. */
			FUZZ_CHECK(b >= f->buf && iov[j].len <= f->len &&
				   (size_t)(b - f->buf) <= f->len - iov[j].len);
			if (iov[j].writable) {
				seen_w = 1;
				in += iov[j].len;
				memset(iov[j].base, 0x5a, iov[j].len);
			} else {
				FUZZ_CHECK(!seen_w); /* readable buffers first */
				out += iov[j].len;
			}
		}
		FUZZ_CHECK(out == reqs[i].out_len && in == reqs[i].in_len);
		f->head[f->npopped] = reqs[i].head;
		f->in_len[f->npopped++] = in;
	}
}

static void push(struct fz *f, struct in *in)
{
	struct rte_vmsg_vq_used u[16], t;
	uint32_t i, n = f->npopped, v = (uint32_t)take64(in, 1);
	int rc;

	for (i = 0; i < n; i++) {
		u[i].head = f->head[i];
		/* Whole (an IN_ORDER run may skip it) or a part of the writable bytes. */
		u[i].len = (v >> (i % 4)) & 1 ? f->in_len[i] : f->in_len[i] >> (v >> 4);
	}
	if ((v & 0x10) && n > 0) {
		/* One byte more than the chain can hold: refused, nothing written. */
		u[0].len = f->in_len[0] + 1;
		FUZZ_CHECK(rte_vmsg_vq_dev_push_burst(f->vq, u, n) < 0);
		u[0].len = f->in_len[0];
	}
	if (f->in_order && n > 1) {
		/* Out of pop order: refused. */
		t = u[0];
		u[0] = u[1];
		u[1] = t;
		FUZZ_CHECK(rte_vmsg_vq_dev_push_burst(f->vq, u, n) < 0);
		u[1] = u[0];
		u[0] = t;
	}
	/* The first k in pop order. */
	if (v & 0x20 && n > 0)
		n = 1 + v % n;
	rc = rte_vmsg_vq_dev_push_burst(f->vq, u, n);
	FUZZ_CHECK(rc == (int)n || rc == -EIO);
	if (rc != (int)n)
		return;
	memmove(f->head, f->head + n, (f->npopped - n) * sizeof(f->head[0]));
	memmove(f->in_len, f->in_len + n, (f->npopped - n) * sizeof(f->in_len[0]));
	f->npopped -= n;
	if (n > 0)
		FUZZ_CHECK(rte_vmsg_vq_dev_push_burst(f->vq, u, 1) == -EINVAL); /* twice */
}

/* Flags of a descriptor from a fuzz byte: NEXT, WRITE, INDIRECT, then AVAIL and USED. */
static uint16_t flags_of(uint32_t v)
{
	return (uint16_t)((v & 7) | (v & 8 ? RTE_VMSG_VRING_PACKED_DESC_F_AVAIL : 0) |
			  (v & 16 ? RTE_VMSG_VRING_PACKED_DESC_F_USED : 0));
}

static void step(struct fz *f, struct in *in)
{
	uint8_t op = (uint8_t)take64(in, 1);
	struct rte_vmsg_vring_packed_desc *d;
	uint8_t *ev = f->buf + f->lay.avail_off;
	uint32_t i, v;
	int rc;

	switch (op & 7) {
	case 0: /* descriptor (op >> 3) of the ring */
	case 1: /* entry (op >> 3) of an indirect table at the start of the data area */
		d = (op & 7) == 0
			    ? (struct rte_vmsg_vring_packed_desc *)(void *)(f->buf +
									    f->lay.desc_off) +
				      ((op >> 3) % f->n)
			    : (struct rte_vmsg_vring_packed_desc *)(void *)(f->buf + f->lay.bytes) +
				      (op >> 3);
		v = (uint32_t)take64(in, 1);
		rte_vmsg_put_le64(&d->addr, addr(f, in, v & 0x80));
		rte_vmsg_put_le32(&d->len, (uint32_t)take64(in, 2));
		rte_vmsg_put_le16(&d->id,
				  (uint16_t)(v & 0x40 ? take64(in, 2) : take64(in, 1) % 16));
		rte_vmsg_put_le16(&d->flags, flags_of(v));
		return;
	case 2: /* a one-buffer chain at slot (op >> 3), available in lap (op >> 7) */
		d = (struct rte_vmsg_vring_packed_desc *)(void *)(f->buf + f->lay.desc_off) +
		    ((op >> 3) % f->n);
		rte_vmsg_put_le64(&d->addr, addr(f, in, 0));
		rte_vmsg_put_le32(&d->len, 64);
		rte_vmsg_put_le16(&d->id, (uint16_t)(take64(in, 1) % f->n));
		rte_vmsg_put_le16(&d->flags,
				  (uint16_t)(RTE_VMSG_VRING_DESC_F_WRITE |
					     (op >> 7 ? RTE_VMSG_VRING_PACKED_DESC_F_USED
						      : RTE_VMSG_VRING_PACKED_DESC_F_AVAIL)));
		return;
	case 3: /* the driver's event suppression structure */
		rte_vmsg_put_le16(ev, (uint16_t)take64(in, 2));
		rte_vmsg_put_le16(ev + 2, (uint16_t)take64(in, 2));
		return;
	case 4:
		pop(f, (op >> 3) % 16 + 1, (op >> 7) ? 2 : NIOV);
		return;
	case 5:
		push(f, in);
		rc = rte_vmsg_vq_dev_need_notify(f->vq);
		FUZZ_CHECK(rc == 0 || rc == 1 || rc == -EIO);
		return;
	case 6:
		rc = (op & 8) ? rte_vmsg_vq_dev_reset(f->vq) : rte_vmsg_vq_dev_arm(f->vq);
		FUZZ_CHECK(rc >= 0 || rc == -EIO);
		if (op & 8)
			f->npopped = 0;
		return;
	default: /* a raw 32-bit word anywhere in the block */
		i = (uint32_t)take64(in, 2) % (uint32_t)f->len & ~3u;
		rte_vmsg_put_le32(f->buf + i, (uint32_t)take64(in, 4));
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	struct rte_vmsg_vq_dev_opts o;
	struct rte_vmsg_vq_stats st;
	struct rte_vmsg_region *reg;
	struct rte_vmsg_memmap *map;
	struct fz f;
	uint32_t cfg, steps;
	int rc;

	if (size < 2)
		return 0;
	memset(&f, 0, sizeof(f));
	cfg = (uint32_t)take64(&in, 1);
	f.n = 1u << ((cfg & 7) % 5);
	f.in_order = (cfg & 0x80) != 0;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.size = f.n;
	o.policy = (cfg >> 5) & 3;
	o.features = (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED) |
		     (cfg & 8 ? 1ull << RTE_VMSG_VIRTIO_F_INDIRECT_DESC : 0) |
		     (cfg & 16 ? 1ull << RTE_VMSG_VIRTIO_F_EVENT_IDX : 0) |
		     (f.in_order ? 1ull << RTE_VMSG_VIRTIO_F_IN_ORDER : 0);
	FUZZ_CHECK(rte_vmsg_vq_layout_features_get(f.n, 0, o.features, &f.lay) == 0);
	f.len = f.lay.bytes + DATA;
	f.buf = aligned_alloc(RTE_VMSG_VQ_ALIGN, f.len);
	FUZZ_CHECK(f.buf != NULL);
	memset(f.buf, 0, f.len);
	FUZZ_CHECK(rte_vmsg_region_register(f.buf, f.len, BUS, 0, &reg) == 0);
	FUZZ_CHECK(rte_vmsg_memmap_create(&map) == 0);
	FUZZ_CHECK(rte_vmsg_memmap_add(map, reg) == 0);

	o.desc_addr = BUS + f.lay.desc_off;
	o.driver_addr = BUS + f.lay.avail_off;
	o.device_addr = BUS + f.lay.used_off;
	o.map = map;
	o.max_chain = (uint32_t)take64(&in, 1) % 40;
	rc = rte_vmsg_vq_dev_attach(&o, &f.vq);
	FUZZ_CHECK(rc == 0 || (rc == -EINVAL && o.policy > RTE_VMSG_VQ_POLICY_ADAPTIVE));
	for (steps = 0; rc == 0 && steps < MAX_STEPS && in.n > 0; steps++) {
		step(&f, &in);
		FUZZ_CHECK(rte_vmsg_vq_dev_stats_get(f.vq, &st) == 0);
		FUZZ_CHECK(st.broken < RTE_VMSG_VQ_REASON_MAX);
	}
	rte_vmsg_vq_dev_detach(f.vq);
	rte_vmsg_memmap_destroy(map);
	rte_vmsg_region_destroy(reg);
	free(f.buf);
	return 0;
}
