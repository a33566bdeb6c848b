/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Property tests of the codec: random messages of every kind build, parse
 * back to the same fields and re-build to the same bytes, for random link
 * maxima and lengths; random mutations of valid frames never crash the
 * parser and are either accepted canonically or refused with a reason.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_vmsg_msg.h>

#include "vtest.h"

/* Iterations; each builds and parses one message and parses two mutants of it. */
#define ITERS 100000u
#define MUTANTS_PER_ITER 2u
#define MAX_FAILURES 30

/*
 * Wire facts per kind, from the tables of virtio-msg §4 and §10 (not from the
 * library): type bits 1:0, msg_id and frame size without variable parts.
 */
static const struct {
	uint8_t type, id;
	uint16_t base;
} wire[RTE_VMSG_MSG_KIND_COUNT] = {
	[RTE_VMSG_MSG_GET_DEVICE_INFO_REQ] = { 0x00, 0x02, 8 },
	[RTE_VMSG_MSG_GET_DEVICE_INFO_RESP] = { 0x01, 0x02, 52 },
	[RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ] = { 0x00, 0x03, 16 },
	[RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP] = { 0x01, 0x03, 16 },
	[RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ] = { 0x00, 0x04, 16 },
	[RTE_VMSG_MSG_SET_DRIVER_FEATURES_RESP] = { 0x01, 0x04, 8 },
	[RTE_VMSG_MSG_GET_CONFIG_REQ] = { 0x00, 0x05, 16 },
	[RTE_VMSG_MSG_GET_CONFIG_RESP] = { 0x01, 0x05, 20 },
	[RTE_VMSG_MSG_SET_CONFIG_REQ] = { 0x00, 0x06, 20 },
	[RTE_VMSG_MSG_SET_CONFIG_RESP] = { 0x01, 0x06, 20 },
	[RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ] = { 0x00, 0x07, 8 },
	[RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP] = { 0x01, 0x07, 12 },
	[RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ] = { 0x00, 0x08, 12 },
	[RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP] = { 0x01, 0x08, 12 },
	[RTE_VMSG_MSG_GET_VQUEUE_REQ] = { 0x00, 0x09, 12 },
	[RTE_VMSG_MSG_GET_VQUEUE_RESP] = { 0x01, 0x09, 48 },
	[RTE_VMSG_MSG_SET_VQUEUE_REQ] = { 0x00, 0x0A, 48 },
	[RTE_VMSG_MSG_SET_VQUEUE_RESP] = { 0x01, 0x0A, 8 },
	[RTE_VMSG_MSG_RESET_VQUEUE_REQ] = { 0x00, 0x0B, 12 },
	[RTE_VMSG_MSG_RESET_VQUEUE_RESP] = { 0x01, 0x0B, 8 },
	[RTE_VMSG_MSG_GET_SHM_REQ] = { 0x00, 0x0C, 12 },
	[RTE_VMSG_MSG_GET_SHM_RESP] = { 0x01, 0x0C, 32 },
	[RTE_VMSG_MSG_EVENT_CONFIG] = { 0x00, 0x40, 24 },
	[RTE_VMSG_MSG_EVENT_AVAIL] = { 0x00, 0x41, 16 },
	[RTE_VMSG_MSG_EVENT_USED] = { 0x00, 0x42, 12 },
	[RTE_VMSG_MSG_BUS_GET_DEVICES_REQ] = { 0x02, 0x02, 12 },
	[RTE_VMSG_MSG_BUS_GET_DEVICES_RESP] = { 0x03, 0x02, 14 },
	[RTE_VMSG_MSG_BUS_PING_REQ] = { 0x02, 0x03, 12 },
	[RTE_VMSG_MSG_BUS_PING_RESP] = { 0x03, 0x03, 12 },
	[RTE_VMSG_MSG_BUS_EVENT_DEVICE] = { 0x02, 0x40, 12 },
	[RTE_VMSG_MSG_IMPL] = { 0x00, 0x80, 8 },
};

/* Random payload sources, the second frame buffer, the normalised mutant. */
static uint8_t src[65536 + 64];
static uint8_t buf2[65536];
static uint8_t norm[65536];

/* Readable memory followed by an inaccessible page (see guard_init). */
static uint8_t *guard_map, *guard_end;
static size_t guard_len;

static int guard_init(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t room;
	void *p;

	if (pg <= 0)
		return -1;
	room = (65536u + 4096u + (size_t)pg - 1) / (size_t)pg * (size_t)pg;
	guard_len = room + (size_t)pg;
	p = mmap(NULL, guard_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	guard_map = p;
	guard_end = guard_map + room;
	return mprotect(guard_end, (size_t)pg, PROT_NONE);
}

static uint64_t rng;

/* Outcomes of the mutants, by reason (RTE_VMSG_MSG_OK = accepted). */
static unsigned long mutant_outcomes[RTE_VMSG_MSG_ERR_COUNT_OF_ERRS];

static uint32_t r32(void)
{
	return (uint32_t)(vtest_rand(&rng) >> 32);
}

/* Uniform in 0..n-1 (n <= 2^32 - 1); 0 when n is 0. */
static uint32_t below(uint32_t n)
{
	return n != 0 ? (uint32_t)(((uint64_t)r32() * n) >> 32) : 0;
}

/* A variable length up to @limit: the bounds often, small values mostly, any value sometimes. */
static uint32_t rnd_len(uint32_t limit)
{
	uint32_t r = r32() & 15u;

	if (r == 0)
		return limit;
	if (r == 1)
		return 0;
	if (r < 5)
		return below(limit + 1);
	return below((limit < 64 ? limit : 64) + 1);
}

/* A link maximum in 52..65535: the bounds, any value, the usual small range. */
static uint32_t rnd_max(void)
{
	uint32_t r = r32() & 15u;

	if (r == 0)
		return RTE_VMSG_MAX_SIZE_MIN;
	if (r == 1)
		return RTE_VMSG_MAX_SIZE_MAX;
	if (r < 4)
		return 52 + below(65535 - 52 + 1);
	return 52 + below(264 - 52 + 1);
}

static const uint8_t *rnd_src(void)
{
	return src + below(64);
}

/* A random message of a random kind that fits @max. */
static void gen(struct rte_vmsg_msg *m, uint32_t max)
{
	uint8_t *u = (uint8_t *)&m->u;
	size_t i;

	memset(m, 0, sizeof(*m));
	/* Garbage everywhere first: the builder must use only the kind's fields. */
	for (i = 0; i < sizeof(m->u); i++)
		u[i] = (uint8_t)r32();
	m->kind = (enum rte_vmsg_msg_kind)(1 + below(RTE_VMSG_MSG_IMPL));
	m->hdr.type = (uint8_t)r32();
	m->hdr.msg_id = (uint8_t)r32();
	m->hdr.dev_num = (uint16_t)r32();
	m->hdr.token = (uint16_t)r32();
	m->hdr.msg_size = (uint16_t)r32();

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
		m->u.features.num_blocks = rnd_len((max - 16) / 4);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		m->u.features.num_blocks = rnd_len((max - 16) / 4);
		m->u.features.blocks = rnd_src();
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		m->u.config.length = rnd_len(max - 20);
		break;
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
		m->u.config.length = rnd_len(max - 20);
		m->u.config.data = rnd_src();
		break;
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
	case RTE_VMSG_MSG_EVENT_CONFIG:
		/* With data, or without (then any length: "not written" / range only). */
		if (r32() & 1u) {
			m->u.config.length = rnd_len(max - wire[m->kind].base);
			m->u.config.data = rnd_src();
		} else {
			m->u.config.length = (r32() & 1u) ? 0 : r32();
			m->u.config.data = NULL;
		}
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP: {
		uint32_t bits = (max - 14) * 8u;

		m->u.get_devices.count = (uint16_t)rnd_len(bits < 65535 ? bits : 65535);
		m->u.get_devices.bitmap = rnd_src();
		break;
	}
	case RTE_VMSG_MSG_IMPL:
		m->hdr.msg_id = (uint8_t)(0x80u | r32());
		if (m->hdr.msg_id & RTE_VMSG_ID_EVENT)
			m->hdr.type &= (uint8_t)~RTE_VMSG_TYPE_RESPONSE;
		m->u.impl.len = (uint16_t)rnd_len(max - 8);
		m->u.impl.payload = m->u.impl.len != 0 || (r32() & 1u) ? rnd_src() : NULL;
		break;
	default:
		break;
	}
	if ((wire[m->kind].type & RTE_VMSG_TYPE_BUS) ||
	    (m->kind == RTE_VMSG_MSG_IMPL && (m->hdr.type & RTE_VMSG_TYPE_BUS)))
		m->hdr.dev_num = 0;
}

/* The frame size of @m by the formulas of virtio-msg §9. */
static size_t want_size(const struct rte_vmsg_msg *m)
{
	size_t base = wire[m->kind].base;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		return base + 4u * (size_t)m->u.features.num_blocks;
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
		return base + m->u.config.length;
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
	case RTE_VMSG_MSG_EVENT_CONFIG:
		return base + (m->u.config.data != NULL ? m->u.config.length : 0);
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		return base + ((size_t)m->u.get_devices.count + 7u) / 8u;
	case RTE_VMSG_MSG_IMPL:
		return base + m->u.impl.len;
	default:
		return base;
	}
}

/*
 * Checks the parsed view @v of frame @p against the message @m it was built
 * from: header, every field, reserved fields 0, pointers at the right offsets
 * with the source's bytes.
 */
static void check_view(const struct rte_vmsg_msg *v, const struct rte_vmsg_msg *m, const uint8_t *p,
		       size_t size)
{
	const struct rte_vmsg_config *vc = &v->u.config, *mc = &m->u.config;
	const struct rte_vmsg_vqueue *vq = &v->u.vqueue, *mq = &m->u.vqueue;
	const struct rte_vmsg_get_devices *vg = &v->u.get_devices, *mg = &m->u.get_devices;
	uint8_t type =
		m->kind == RTE_VMSG_MSG_IMPL ? (uint8_t)(m->hdr.type & 3u) : wire[m->kind].type;
	uint8_t id = m->kind == RTE_VMSG_MSG_IMPL ? m->hdr.msg_id : wire[m->kind].id;
	size_t n, i;

	CHECK_EQ(v->kind, m->kind);
	CHECK_EQ(v->hdr.type, type);
	CHECK_EQ(v->hdr.msg_id, id);
	CHECK_EQ(v->hdr.dev_num, m->hdr.dev_num);
	CHECK_EQ(v->hdr.token, m->hdr.token);
	CHECK_EQ(v->hdr.msg_size, size);
	/* The raw header too (GEN-2, GEN-4). */
	CHECK_EQ(p[0], type);
	CHECK_EQ(p[1], id);
	CHECK_EQ(rte_vmsg_get_le16(p + 2), m->hdr.dev_num);
	CHECK_EQ(rte_vmsg_get_le16(p + 4), m->hdr.token);
	CHECK_EQ(rte_vmsg_get_le16(p + 6), size);
	if (v->kind != m->kind)
		return;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		CHECK_U64(v->u.dev_info.device_id, m->u.dev_info.device_id);
		CHECK_U64(v->u.dev_info.vendor_id, m->u.dev_info.vendor_id);
		CHECK_MEM(v->u.dev_info.uuid, m->u.dev_info.uuid, 16);
		CHECK_U64(v->u.dev_info.num_feature_blocks, m->u.dev_info.num_feature_blocks);
		CHECK_U64(v->u.dev_info.config_size, m->u.dev_info.config_size);
		CHECK_U64(v->u.dev_info.max_virtqueues, m->u.dev_info.max_virtqueues);
		CHECK_U64(v->u.dev_info.admin_vq_start, m->u.dev_info.admin_vq_start);
		CHECK_U64(v->u.dev_info.admin_vq_count, m->u.dev_info.admin_vq_count);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
		CHECK_U64(v->u.features.block_index, m->u.features.block_index);
		CHECK_U64(v->u.features.num_blocks, m->u.features.num_blocks);
		CHECK(v->u.features.blocks == NULL);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		CHECK_U64(v->u.features.block_index, m->u.features.block_index);
		CHECK_U64(v->u.features.num_blocks, m->u.features.num_blocks);
		CHECK(v->u.features.blocks == p + 16);
		n = 4u * (size_t)m->u.features.num_blocks;
		if (n != 0)
			CHECK_MEM(v->u.features.blocks, m->u.features.blocks, n);
		if (m->u.features.num_blocks != 0) {
			uint32_t k = below(m->u.features.num_blocks);

			CHECK_U64(rte_vmsg_msg_feature_block(&v->u.features, k),
				  (uint32_t)m->u.features.blocks[4 * k] |
					  (uint32_t)m->u.features.blocks[4 * k + 1] << 8 |
					  (uint32_t)m->u.features.blocks[4 * k + 2] << 16 |
					  (uint32_t)m->u.features.blocks[4 * k + 3] << 24);
		}
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		CHECK_U64(vc->offset, mc->offset);
		CHECK_U64(vc->length, mc->length);
		CHECK(vc->data == NULL);
		break;
	case RTE_VMSG_MSG_EVENT_CONFIG:
		CHECK_U64(vc->device_status, mc->device_status);
		/* fall through */
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
		CHECK_U64(vc->generation, mc->generation);
		CHECK_U64(vc->offset, mc->offset);
		CHECK_U64(vc->length, mc->length);
		if (mc->data != NULL && mc->length != 0) {
			CHECK(vc->data == p + wire[m->kind].base);
			if (vc->data != NULL)
				CHECK_MEM(vc->data, mc->data, mc->length);
		} else {
			CHECK(vc->data == NULL);
		}
		break;
	case RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP:
		CHECK_U64(v->u.status, m->u.status);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_REQ:
	case RTE_VMSG_MSG_RESET_VQUEUE_REQ:
	case RTE_VMSG_MSG_EVENT_USED:
		CHECK_U64(v->u.vq_index, m->u.vq_index);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		CHECK_U64(vq->index, mq->index);
		if (m->kind == RTE_VMSG_MSG_GET_VQUEUE_RESP)
			CHECK_U64(vq->max_size, mq->max_size);
		else
			CHECK_U64(vq->reserved, 0); /* written as 0 (DRV-20) */
		CHECK_U64(vq->size, mq->size);
		CHECK_U64(vq->flags, mq->flags);
		CHECK_U64(vq->desc_addr, mq->desc_addr);
		CHECK_U64(vq->driver_addr, mq->driver_addr);
		CHECK_U64(vq->device_addr, mq->device_addr);
		break;
	case RTE_VMSG_MSG_GET_SHM_REQ:
		CHECK_U64(v->u.shm.shmid, m->u.shm.shmid);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		CHECK_U64(v->u.shm.shmid, m->u.shm.shmid);
		CHECK_U64(v->u.shm.reserved, 0); /* written as 0 (DEV-32) */
		CHECK_U64(v->u.shm.length, m->u.shm.length);
		CHECK_U64(v->u.shm.address, m->u.shm.address);
		break;
	case RTE_VMSG_MSG_EVENT_AVAIL:
		CHECK_U64(v->u.event_avail.vq_index, m->u.event_avail.vq_index);
		CHECK_U64(v->u.event_avail.next_offset, m->u.event_avail.next_offset);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
		CHECK_EQ(vg->offset, mg->offset);
		CHECK_EQ(vg->count, mg->count);
		CHECK(vg->bitmap == NULL);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		CHECK_EQ(vg->offset, mg->offset);
		CHECK_EQ(vg->next_offset, mg->next_offset);
		CHECK_EQ(vg->count, mg->count);
		CHECK(vg->bitmap == p + 14);
		n = ((size_t)mg->count + 7u) / 8u;
		if (n != 0) {
			/* Whole bytes as given; bits past count cleared (BUS-24). */
			uint8_t keep = mg->count % 8u ? (uint8_t)((1u << (mg->count % 8u)) - 1u)
						      : (uint8_t)0xFF;

			if (n > 1)
				CHECK_MEM(vg->bitmap, mg->bitmap, n - 1);
			CHECK_EQ(vg->bitmap[n - 1], mg->bitmap[n - 1] & keep);
		}
		for (i = 0; i < 4; i++) {
			uint16_t d = (uint16_t)below((uint32_t)mg->count + 16u);
			int present = d < mg->count && ((mg->bitmap[d / 8u] >> (d % 8u)) & 1u);

			CHECK_EQ(rte_vmsg_msg_device_present(vg, d), present);
		}
		break;
	case RTE_VMSG_MSG_BUS_PING_REQ:
	case RTE_VMSG_MSG_BUS_PING_RESP:
		CHECK_U64(v->u.ping, m->u.ping);
		break;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		CHECK_EQ(v->u.event_device.device_number, m->u.event_device.device_number);
		CHECK_EQ(v->u.event_device.state, m->u.event_device.state);
		break;
	case RTE_VMSG_MSG_IMPL:
		CHECK_EQ(v->u.impl.len, m->u.impl.len);
		if (m->u.impl.len != 0) {
			CHECK(v->u.impl.payload == p + 8);
			if (v->u.impl.payload != NULL)
				CHECK_MEM(v->u.impl.payload, m->u.impl.payload, m->u.impl.len);
		} else {
			CHECK(v->u.impl.payload == NULL || v->u.impl.payload == p + 8);
		}
		break;
	default:
		break;
	}
}

/*
 * One round trip: build at the end of the readable memory with exactly the
 * frame's room, parse, compare, re-build from the view into another buffer
 * and in place. Returns the frame.
 */
static uint8_t *roundtrip(const struct rte_vmsg_msg *m, uint32_t max, size_t *sizep)
{
	enum rte_vmsg_msg_err why = RTE_VMSG_MSG_ERR_COUNT_OF_ERRS;
	size_t size = want_size(m);
	struct rte_vmsg_msg v;
	uint8_t *p;
	int rc;

	*sizep = 0;
	CHECK_EQ(rte_vmsg_msg_size(m), size);
	CHECK(size >= 8 && size <= max);
	if (size < 8 || size > max)
		return NULL;
	p = guard_end - size;
	rc = rte_vmsg_msg_build(p, size, m);
	CHECK_EQ(rc, (int)size);
	if (rc != (int)size)
		return NULL;

	rc = rte_vmsg_msg_parse(p, size, max, &v, &why);
	CHECK_EQ(rc, 0);
	CHECK_EQ(why, RTE_VMSG_MSG_OK);
	if (rc != 0)
		return NULL;
	check_view(&v, m, p, size);

	rc = rte_vmsg_msg_build(buf2, sizeof(buf2), &v);
	CHECK_EQ(rc, (int)size);
	CHECK(memcmp(buf2, p, size) == 0);
	/* In place: the view points into the destination. */
	rc = rte_vmsg_msg_build(p, size, &v);
	CHECK_EQ(rc, (int)size);
	CHECK(memcmp(buf2, p, size) == 0);
	*sizep = size;
	return p;
}

/*
 * The canonical form of an accepted frame: what the builder writes for it.
 * Reserved type bits 7:2 and reserved fields 0, GET_DEVICES bits past count 0.
 */
static void normalise(uint8_t *f, const struct rte_vmsg_msg *v)
{
	f[0] &= RTE_VMSG_TYPE_KNOWN_MASK;
	if (v->kind == RTE_VMSG_MSG_SET_VQUEUE_REQ)
		memset(f + 20, 0, 4);
	if (v->kind == RTE_VMSG_MSG_GET_SHM_RESP)
		memset(f + 12, 0, 4);
	if (v->kind == RTE_VMSG_MSG_BUS_GET_DEVICES_RESP && v->u.get_devices.count % 8u)
		f[v->hdr.msg_size - 1] &= (uint8_t)((1u << (v->u.get_devices.count % 8u)) - 1u);
}

/* The payload pointer of an accepted view lies inside its frame. */
static void check_inside(const struct rte_vmsg_msg *v, const uint8_t *q)
{
	const uint8_t *ptr = NULL;
	size_t n = 0;

	switch (v->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		ptr = v->u.features.blocks;
		n = 4u * (size_t)v->u.features.num_blocks;
		break;
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
	case RTE_VMSG_MSG_EVENT_CONFIG:
		ptr = v->u.config.data;
		n = ptr != NULL ? v->u.config.length : 0;
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		ptr = v->u.get_devices.bitmap;
		n = ((size_t)v->u.get_devices.count + 7u) / 8u;
		break;
	case RTE_VMSG_MSG_IMPL:
		ptr = v->u.impl.payload;
		n = v->u.impl.len;
		break;
	default:
		return;
	}
	if (ptr == NULL) {
		CHECK_EQ(n, 0);
		return;
	}
	CHECK(ptr >= q + RTE_VMSG_HDR_SIZE && ptr + n <= q + v->hdr.msg_size);
}

/*
 * Random mutation of a valid frame: flipped bytes (the header more often), a
 * rewritten msg_size, truncation, trailing bytes, another link maximum. The
 * parser never reads past the bytes given (the guard page follows them) and
 * either refuses with a reason matching its errno, or accepts a frame whose
 * view re-builds to the frame's canonical form.
 */
static void mutate_and_parse(const uint8_t *f, size_t size, uint32_t max)
{
	enum rte_vmsg_msg_err why = RTE_VMSG_MSG_ERR_COUNT_OF_ERRS;
	struct rte_vmsg_msg v;
	uint32_t max2 = (r32() & 3u) ? max : rnd_max();
	size_t len = size, i, k;
	char text[48];
	uint8_t *q;
	int rc;

	switch (r32() & 7u) {
	case 0:
		len = below((uint32_t)size + 1);
		break;
	case 1:
		len = size + below(64);
		break;
	default:
		break;
	}
	q = guard_end - len;
	/* The frame may be the same bytes as q (both at the guard end): move. */
	memmove(q, f, len < size ? len : size);
	for (i = size; i < len; i++)
		q[i] = (uint8_t)r32();

	if (len != 0) {
		k = 1 + below(4);
		for (i = 0; i < k; i++) {
			size_t pos = (r32() & 1u) && len >= 8 ? below(8) : below((uint32_t)len);

			q[pos] ^= (uint8_t)(1 + below(255));
		}
		if (len >= 8 && (r32() & 3u) == 0)
			rte_vmsg_put_le16(q + 6, (uint16_t)(size + below(9) - 4));
	}

	memset(&v, 0, sizeof(v));
	rc = rte_vmsg_msg_parse(q, len, max2, &v, &why);
	if ((unsigned int)why < RTE_VMSG_MSG_ERR_COUNT_OF_ERRS)
		mutant_outcomes[why]++;
	if (rc == 0) {
		CHECK_EQ(why, RTE_VMSG_MSG_OK);
		CHECK(v.kind > RTE_VMSG_MSG_INVALID && v.kind < RTE_VMSG_MSG_KIND_COUNT);
		CHECK(v.hdr.msg_size >= RTE_VMSG_HDR_SIZE && v.hdr.msg_size <= len &&
		      v.hdr.msg_size <= max2);
		check_inside(&v, q);
		memcpy(norm, q, v.hdr.msg_size);
		normalise(norm, &v);
		rc = rte_vmsg_msg_build(buf2, sizeof(buf2), &v);
		CHECK_EQ(rc, v.hdr.msg_size);
		if (rc == v.hdr.msg_size)
			CHECK(memcmp(buf2, norm, v.hdr.msg_size) == 0);
	} else {
		CHECK(why != RTE_VMSG_MSG_OK && why < RTE_VMSG_MSG_ERR_COUNT_OF_ERRS);
		CHECK(why != RTE_VMSG_MSG_ERR_ARG && why != RTE_VMSG_MSG_ERR_MAX_SIZE);
		CHECK_EQ(rc, why == RTE_VMSG_MSG_ERR_UNKNOWN_ID ? -EOPNOTSUPP : -EBADMSG);
	}
	rc = rte_vmsg_msg_format(text, sizeof(text), q, len, max2);
	CHECK(rc > 0);
	CHECK(memchr(text, '\0', sizeof(text)) != NULL);
}

/*
 * GEN-1, GEN-2, GEN-3, GEN-4, GEN-6, DRV-11, DRV-20, DRV-35, DEV-3, DEV-32,
 * BUS-13, BUS-24, DRV-36, DEV-6: random messages of every kind round-trip exactly at random link
 * maxima 52..65535 and random lengths up to the maximum; DRV-9, DEV-2,
 * BUS-11: mutated frames are refused with a reason or accepted canonically,
 * never read past their end.
 */
static void test_random(void)
{
	unsigned int kinds_seen[RTE_VMSG_MSG_KIND_COUNT] = { 0 };
	unsigned long accepted = 0;
	uint32_t it, j;
	int k;

	for (it = 0; it < ITERS && vtest_failures < MAX_FAILURES; it++) {
		uint32_t max = rnd_max();
		struct rte_vmsg_msg m;
		int before = vtest_failures;
		uint8_t *p;
		size_t size;

		gen(&m, max);
		kinds_seen[m.kind]++;
		p = roundtrip(&m, max, &size);
		if (vtest_failures != before)
			fprintf(stderr, "  ^ iteration %u: %s, max %u\n", it,
				rte_vmsg_msg_kind_name(m.kind), max);
		if (p == NULL)
			continue;
		before = vtest_failures;
		for (j = 0; j < MUTANTS_PER_ITER; j++) {
			mutate_and_parse(p, size, max);
			/* Put the frame back: the mutant overwrote it. */
			p = roundtrip(&m, max, &size);
			if (p == NULL)
				break;
		}
		if (vtest_failures != before)
			fprintf(stderr, "  ^ mutant of iteration %u: %s, max %u\n", it,
				rte_vmsg_msg_kind_name(m.kind), max);
		accepted++;
	}
	CHECK_EQ(it, ITERS);
	for (k = RTE_VMSG_MSG_INVALID + 1; k < RTE_VMSG_MSG_KIND_COUNT; k++)
		CHECK(kinds_seen[k] > 0);
	printf("%u messages, %lu mutants:", it, accepted * MUTANTS_PER_ITER);
	for (k = 0; k < RTE_VMSG_MSG_ERR_COUNT_OF_ERRS; k++)
		printf(" %s %lu%s",
		       k == 0 ? "accepted" : rte_vmsg_msg_err_str((enum rte_vmsg_msg_err)k),
		       mutant_outcomes[k], k + 1 < RTE_VMSG_MSG_ERR_COUNT_OF_ERRS ? "," : "\n");
	/* Both outcomes are exercised, and most refusal reasons. */
	CHECK(mutant_outcomes[RTE_VMSG_MSG_OK] > 1000);
	CHECK(mutant_outcomes[RTE_VMSG_MSG_ERR_COUNT] > 1000);
	CHECK(mutant_outcomes[RTE_VMSG_MSG_ERR_UNKNOWN_ID] > 1000);
}

/*
 * GEN-3, DRV-1, DEV-1, DRV-36: the variable kinds at exactly the largest
 * frame the link allows, for a few maxima; one byte more does not fit.
 */
static void test_largest_frames(void)
{
	static const uint32_t maxima[] = { 52, 53, 55, 56, 264, 265, 4096, 65534, 65535 };
	struct rte_vmsg_msg m;
	size_t i, size;
	uint8_t *p;

	for (i = 0; i < sizeof(maxima) / sizeof(maxima[0]); i++) {
		uint32_t max = maxima[i];

		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ;
		m.u.features.num_blocks = (max - 16) / 4;
		m.u.features.blocks = src;
		p = roundtrip(&m, max, &size);
		CHECK(p != NULL && size + 4 > max);

		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_GET_CONFIG_RESP;
		m.u.config.length = max - 20;
		m.u.config.data = src + 1;
		p = roundtrip(&m, max, &size);
		CHECK(p != NULL && size == max);

		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_EVENT_CONFIG;
		m.u.config.length = max - 24;
		m.u.config.data = src + 2;
		p = roundtrip(&m, max, &size);
		CHECK(p != NULL && size == max);

		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_RESP;
		m.u.get_devices.count =
			(uint16_t)((max - 14) * 8u < 65535u ? (max - 14) * 8u : 65535u);
		m.u.get_devices.bitmap = src + 3;
		p = roundtrip(&m, max, &size);
		CHECK(p != NULL);

		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_IMPL;
		m.hdr.type = RTE_VMSG_TYPE_BUS;
		m.hdr.msg_id = 0xFE;
		m.u.impl.len = (uint16_t)(max - 8);
		m.u.impl.payload = src + 4;
		p = roundtrip(&m, max, &size);
		CHECK(p != NULL && size == max);

		/* One more byte does not fit a buffer of the link maximum. */
		m.u.impl.len++;
		CHECK_EQ(rte_vmsg_msg_build(guard_end - max, max, &m), -EMSGSIZE);
	}
}

int main(void)
{
	size_t i;

	if (guard_init() != 0)
		VTEST_SKIP_BECAUSE("cannot map a guard page");
	rng = vtest_seed();
	for (i = 0; i < sizeof(src); i++)
		src[i] = (uint8_t)r32();
	test_largest_frames();
	test_random();
	munmap(guard_map, guard_len);
	return vtest_done("test_msg_roundtrip");
}
