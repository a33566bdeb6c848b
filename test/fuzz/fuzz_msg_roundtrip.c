/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: parse, build and parse again. A frame the parser accepts must
 * come back from rte_vmsg_msg_build() byte for byte, except where the builder
 * writes the canonical form of what a receiver ignores: reserved type bits
 * 7:2 (GEN-4), the reserved fields of SET_VQUEUE and the GET_SHM response,
 * and the GET_DEVICES bitmap bits past count (BUS-24). Parsing the rebuilt
 * frame must give the same view, and building from that view the same bytes.
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_msg.h>

#include "fuzz.h"

/* The largest link: every frame the codec can accept is accepted. */
#define MAX RTE_VMSG_MAX_SIZE_MAX

static void dump(const char *what, const uint8_t *p, size_t n)
{
	size_t i;

	fprintf(stderr, "%s:", what);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", p[i]);
	fputc('\n', stderr);
}

/* Rewrites a received frame into what the builder writes for it. */
static void canonicalize(const struct rte_vmsg_msg *m, uint8_t *f)
{
	uint8_t *pl = f + RTE_VMSG_HDR_SIZE;
	unsigned int count;

	f[RTE_VMSG_OFF_TYPE] &= RTE_VMSG_TYPE_KNOWN_MASK;
	switch (m->kind) {
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		memset(pl + 12, 0, 4);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		memset(pl + 4, 0, 4);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		count = m->u.get_devices.count;
		if (count % 8u)
			pl[6 + (count + 7u) / 8u - 1] &= (uint8_t)((1u << (count % 8u)) - 1u);
		break;
	default:
		/*
		 * Nothing else differs. In particular the short forms of the
		 * SET_CONFIG response and EVENT_CONFIG (no data, length field
		 * possibly non-zero) come back as they were: the view has
		 * data == NULL, so the builder writes the length field and no data.
		 */
		break;
	}
}

/* Two view pointers point at the same offset of their own frames. */
static int same_place(const uint8_t *a, const uint8_t *fa, const uint8_t *b, const uint8_t *fb)
{
	if (a == NULL || b == NULL)
		return a == NULL && b == NULL;
	return a - fa == b - fb;
}

/*
 * @p b was parsed from the frame built from @p a: equal but for what the
 * builder canonicalizes.
 */
static void compare_views(const struct rte_vmsg_msg *a, const uint8_t *fa,
			  const struct rte_vmsg_msg *b, const uint8_t *fb)
{
	FUZZ_CHECK(a->kind == b->kind);
	FUZZ_CHECK(b->hdr.type == (a->hdr.type & RTE_VMSG_TYPE_KNOWN_MASK));
	FUZZ_CHECK(a->hdr.msg_id == b->hdr.msg_id && a->hdr.dev_num == b->hdr.dev_num &&
		   a->hdr.token == b->hdr.token && a->hdr.msg_size == b->hdr.msg_size);

	switch (a->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		FUZZ_CHECK(a->u.dev_info.device_id == b->u.dev_info.device_id &&
			   a->u.dev_info.vendor_id == b->u.dev_info.vendor_id &&
			   memcmp(a->u.dev_info.uuid, b->u.dev_info.uuid, 16) == 0 &&
			   a->u.dev_info.num_feature_blocks == b->u.dev_info.num_feature_blocks &&
			   a->u.dev_info.config_size == b->u.dev_info.config_size &&
			   a->u.dev_info.max_virtqueues == b->u.dev_info.max_virtqueues &&
			   a->u.dev_info.admin_vq_start == b->u.dev_info.admin_vq_start &&
			   a->u.dev_info.admin_vq_count == b->u.dev_info.admin_vq_count);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		FUZZ_CHECK(a->u.features.block_index == b->u.features.block_index &&
			   a->u.features.num_blocks == b->u.features.num_blocks &&
			   same_place(a->u.features.blocks, fa, b->u.features.blocks, fb));
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
	case RTE_VMSG_MSG_EVENT_CONFIG:
		FUZZ_CHECK(a->u.config.device_status == b->u.config.device_status &&
			   a->u.config.generation == b->u.config.generation &&
			   a->u.config.offset == b->u.config.offset &&
			   a->u.config.length == b->u.config.length &&
			   same_place(a->u.config.data, fa, b->u.config.data, fb));
		break;
	case RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP:
		FUZZ_CHECK(a->u.status == b->u.status);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_REQ:
	case RTE_VMSG_MSG_RESET_VQUEUE_REQ:
	case RTE_VMSG_MSG_EVENT_USED:
		FUZZ_CHECK(a->u.vq_index == b->u.vq_index);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		FUZZ_CHECK(a->u.vqueue.index == b->u.vqueue.index &&
			   a->u.vqueue.max_size == b->u.vqueue.max_size &&
			   a->u.vqueue.size == b->u.vqueue.size &&
			   a->u.vqueue.flags == b->u.vqueue.flags &&
			   a->u.vqueue.desc_addr == b->u.vqueue.desc_addr &&
			   a->u.vqueue.driver_addr == b->u.vqueue.driver_addr &&
			   a->u.vqueue.device_addr == b->u.vqueue.device_addr);
		FUZZ_CHECK(b->u.vqueue.reserved == 0);
		break;
	case RTE_VMSG_MSG_GET_SHM_REQ:
	case RTE_VMSG_MSG_GET_SHM_RESP:
		FUZZ_CHECK(a->u.shm.shmid == b->u.shm.shmid && a->u.shm.length == b->u.shm.length &&
			   a->u.shm.address == b->u.shm.address);
		FUZZ_CHECK(b->u.shm.reserved == 0);
		break;
	case RTE_VMSG_MSG_EVENT_AVAIL:
		FUZZ_CHECK(a->u.event_avail.vq_index == b->u.event_avail.vq_index &&
			   a->u.event_avail.next_offset == b->u.event_avail.next_offset);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		FUZZ_CHECK(a->u.get_devices.offset == b->u.get_devices.offset &&
			   a->u.get_devices.next_offset == b->u.get_devices.next_offset &&
			   a->u.get_devices.count == b->u.get_devices.count &&
			   same_place(a->u.get_devices.bitmap, fa, b->u.get_devices.bitmap, fb));
		break;
	case RTE_VMSG_MSG_BUS_PING_REQ:
	case RTE_VMSG_MSG_BUS_PING_RESP:
		FUZZ_CHECK(a->u.ping == b->u.ping);
		break;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		FUZZ_CHECK(a->u.event_device.device_number == b->u.event_device.device_number &&
			   a->u.event_device.state == b->u.event_device.state);
		break;
	case RTE_VMSG_MSG_IMPL:
		FUZZ_CHECK(a->u.impl.len == b->u.impl.len &&
			   same_place(a->u.impl.payload, fa, b->u.impl.payload, fb));
		break;
	default:
		/* Empty payloads. */
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_vmsg_msg m, m2, m3;
	uint8_t *want, *out, *again;
	size_t n;
	int rc;

	if (data == NULL || rte_vmsg_msg_parse(data, size, MAX, &m, NULL) != 0)
		return 0;
	n = m.hdr.msg_size;

	/* Buffers of exactly msg_size bytes: a write past it is an overflow. */
	want = malloc(n);
	out = malloc(n);
	again = malloc(n);
	FUZZ_CHECK(want != NULL && out != NULL && again != NULL);
	memcpy(want, data, n);
	canonicalize(&m, want);

	/* One byte too small is refused before anything is written. */
	memset(out, 0xAA, n);
	FUZZ_CHECK(rte_vmsg_msg_build(out, n - 1, &m) == -EMSGSIZE);
	rc = rte_vmsg_msg_build(out, n, &m);
	FUZZ_CHECK(rc == (int)n);
	if (memcmp(out, want, n) != 0) {
		dump("input", data, n);
		dump("expected", want, n);
		dump("built", out, n);
		fprintf(stderr, "rebuilt frame differs from the input\n");
		abort();
	}

	/* The rebuilt frame parses to the same view... */
	FUZZ_CHECK(rte_vmsg_msg_parse(out, n, MAX, &m2, NULL) == 0);
	compare_views(&m, data, &m2, out);

	/* ...which builds the same bytes again... */
	FUZZ_CHECK(rte_vmsg_msg_build(again, n, &m2) == rc && memcmp(again, out, n) == 0);

	/* ...and so does a view built onto the very buffer it was parsed from. */
	memcpy(again, data, n);
	FUZZ_CHECK(rte_vmsg_msg_parse(again, n, MAX, &m3, NULL) == 0);
	FUZZ_CHECK(rte_vmsg_msg_build(again, n, &m3) == rc && memcmp(again, out, n) == 0);

	free(again);
	free(out);
	free(want);
	return 0;
}
