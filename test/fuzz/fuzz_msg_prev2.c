/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: the pre-v2 payload profile. A frame the pre-v2 parser
 * accepts must come back from the pre-v2 builder byte for byte, except where
 * the builder writes the canonical form: reserved type bits 7:2, the
 * GET_DEVICES bitmap bits past num, the unused word of SET_VQUEUE (the
 * view's reserved, written as 0), and num_feature_bits rounded up to whole
 * 32-bit blocks (the view counts blocks). The one view the older layout
 * cannot carry back (feature bits above 0xFFFFFFE0) must be refused with
 * -ERANGE. The rebuilt frame parses to the same view. Same-shape messages
 * parse alike in both profiles.
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_msg.h>

#include "fuzz.h"

#define MAX RTE_VMSG_MAX_SIZE_MAX

static int differs(enum rte_vmsg_msg_kind k)
{
	return k == RTE_VMSG_MSG_GET_DEVICE_INFO_RESP || k == RTE_VMSG_MSG_GET_VQUEUE_RESP ||
	       k == RTE_VMSG_MSG_SET_VQUEUE_REQ || k == RTE_VMSG_MSG_GET_SHM_RESP ||
	       k == RTE_VMSG_MSG_BUS_GET_DEVICES_RESP;
}

/* Field by field: the struct has padding that a copy need not keep. */
static int same_vqueue(const struct rte_vmsg_vqueue *a, const struct rte_vmsg_vqueue *b)
{
	return a->index == b->index && a->max_size == b->max_size && a->size == b->size &&
	       a->flags == b->flags && a->reserved == b->reserved && a->desc_addr == b->desc_addr &&
	       a->driver_addr == b->driver_addr && a->device_addr == b->device_addr;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t in[MAX], out[MAX];
	struct rte_vmsg_msg m, m2, v;
	uint32_t bits;
	unsigned int count;
	int n, rc;

	if (rte_vmsg_msg_parse_profile(data, size, MAX, RTE_VMSG_PAYLOADS_PRE_V2, &m, NULL) != 0)
		return 0;
	FUZZ_CHECK(m.hdr.msg_size <= size);
	/* A kind that does not differ parses the same under v2. */
	if (!differs(m.kind)) {
		FUZZ_CHECK(rte_vmsg_msg_parse(data, size, MAX, &v, NULL) == 0);
		FUZZ_CHECK(v.kind == m.kind && v.hdr.msg_size == m.hdr.msg_size);
	}
	memcpy(in, data, m.hdr.msg_size);
	in[RTE_VMSG_OFF_TYPE] &= RTE_VMSG_TYPE_KNOWN_MASK;
	if (m.kind == RTE_VMSG_MSG_GET_DEVICE_INFO_RESP) {
		bits = rte_vmsg_get_le32(in + 16);
		if (bits > 0xFFFFFFE0u) {
			FUZZ_CHECK(rte_vmsg_msg_build_profile(out, sizeof(out),
							      RTE_VMSG_PAYLOADS_PRE_V2,
							      &m) == -ERANGE);
			return 0;
		}
		rte_vmsg_put_le32(in + 16, (bits + 31u) & ~31u);
	}
	if (m.kind == RTE_VMSG_MSG_SET_VQUEUE_REQ)
		memset(in + RTE_VMSG_HDR_SIZE + 4, 0, 4);
	if (m.kind == RTE_VMSG_MSG_BUS_GET_DEVICES_RESP) {
		count = m.u.get_devices.count;
		if (count % 8u)
			in[14 + (count + 7u) / 8u - 1] &= (uint8_t)((1u << (count % 8u)) - 1u);
	}
	n = rte_vmsg_msg_build_profile(out, sizeof(out), RTE_VMSG_PAYLOADS_PRE_V2, &m);
	FUZZ_CHECK(n == (int)m.hdr.msg_size);
	FUZZ_CHECK(memcmp(in, out, (size_t)n) == 0);
	FUZZ_CHECK(rte_vmsg_msg_size_profile(&m, RTE_VMSG_PAYLOADS_PRE_V2) == (size_t)n);
	rc = rte_vmsg_msg_parse_profile(out, (size_t)n, MAX, RTE_VMSG_PAYLOADS_PRE_V2, &m2, NULL);
	FUZZ_CHECK(rc == 0 && m2.kind == m.kind && m2.hdr.msg_size == m.hdr.msg_size);
	switch (m.kind) {
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		/* Program and enable, the unused word as reserved (written as 0). */
		FUZZ_CHECK(m.u.vqueue.flags == 1u && m2.u.vqueue.reserved == 0);
		FUZZ_CHECK(m.u.vqueue.reserved == rte_vmsg_get_le32((const uint8_t *)data + 12));
		m2.u.vqueue.reserved = m.u.vqueue.reserved;
		FUZZ_CHECK(same_vqueue(&m.u.vqueue, &m2.u.vqueue));
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
		FUZZ_CHECK(m.u.vqueue.flags == (m.u.vqueue.size != 0 ? 1u : 0u));
		FUZZ_CHECK(same_vqueue(&m.u.vqueue, &m2.u.vqueue));
		break;
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		FUZZ_CHECK(memcmp(&m.u.dev_info, &m2.u.dev_info, sizeof(m.u.dev_info)) == 0);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		FUZZ_CHECK(m.u.shm.length <= UINT32_MAX && m.u.shm.address <= UINT32_MAX);
		FUZZ_CHECK(memcmp(&m.u.shm, &m2.u.shm, sizeof(m.u.shm)) == 0);
		break;
	default:
		break;
	}
	return 0;
}
