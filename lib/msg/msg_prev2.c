/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The pre-v2 payload profile: the five payloads of the older revision that
 * the 2026 Linux virtio-msg-amp driver and QEMU's AMP code speak (reference
 * amp-pcie.md §1.8), decoded into and encoded from the v2 views. Every other
 * message has the same layout in both and goes through msg.c unchanged.
 */

#include <errno.h>
#include <string.h>

#include "rte_vmsg_msg.h"
#include "msg_priv.h"

/* Frame sizes (header included) of the fixed pre-v2 payloads. */
#define PREV2_DEVICE_INFO_RESP 32u /* 24-byte payload */
#define PREV2_VQUEUE 44u	   /* GET_VQUEUE response, SET_VQUEUE request: 36 bytes */
#define PREV2_GET_SHM_RESP 20u	   /* 12 bytes */
#define PREV2_GET_DEVICES_BASE 14u /* offset, num, next_offset, then the bitmap */

/* GET_VQUEUE flags bit0 and the SET_VQUEUE state op "enable" (virtio-msg §4.7, §4.8). */
#define VQ_ENABLED 1u
#define VQ_OP_ENABLE 1u

int rte_vmsg__prev2_differs(enum rte_vmsg_msg_kind kind)
{
	switch (kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
	case RTE_VMSG_MSG_GET_SHM_RESP:
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		return 1;
	default:
		return 0;
	}
}

static uint32_t fixed_size(enum rte_vmsg_msg_kind kind)
{
	switch (kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		return PREV2_DEVICE_INFO_RESP;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		return PREV2_VQUEUE;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		return PREV2_GET_SHM_RESP;
	default:
		return PREV2_GET_DEVICES_BASE;
	}
}

int rte_vmsg__prev2_check_fixed(enum rte_vmsg_msg_kind kind, uint32_t msg_size,
				enum rte_vmsg_msg_err *why)
{
	if (msg_size < fixed_size(kind)) {
		if (why != NULL)
			*why = kind == RTE_VMSG_MSG_BUS_GET_DEVICES_RESP ? RTE_VMSG_MSG_ERR_COUNT
									 : RTE_VMSG_MSG_ERR_SIZE;
		return -EBADMSG;
	}
	return 0;
}

int rte_vmsg__prev2_check_size(const struct rte_vmsg_msg *m, uint32_t msg_size,
			       enum rte_vmsg_msg_err *why)
{
	uint64_t want = fixed_size(m->kind);
	enum rte_vmsg_msg_err e = RTE_VMSG_MSG_ERR_SIZE;

	if (m->kind == RTE_VMSG_MSG_BUS_GET_DEVICES_RESP) {
		e = RTE_VMSG_MSG_ERR_COUNT;
		/* num as decoded (payload @2 here, v2: count @4): the frame is not read again. */
		want += ((uint64_t)m->u.get_devices.count + 7u) / 8u;
	}
	if (msg_size != want) {
		if (why != NULL)
			*why = e;
		return -EBADMSG;
	}
	return 0;
}

void rte_vmsg__prev2_decode(struct rte_vmsg_msg *m, const uint8_t *p)
{
	const uint8_t *pl = p + RTE_VMSG_HDR_SIZE;
	struct rte_vmsg_vqueue *q = &m->u.vqueue;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		m->u.dev_info.device_id = rte_vmsg__once32(pl + 0);
		m->u.dev_info.vendor_id = rte_vmsg__once32(pl + 4);
		memset(m->u.dev_info.uuid, 0, sizeof(m->u.dev_info.uuid)); /* no UUID: nil */
		/* Bits, rounded up to whole 32-bit blocks (the Linux driver sends 64: 2). */
		m->u.dev_info.num_feature_blocks =
			(uint32_t)(((uint64_t)rte_vmsg__once32(pl + 8) + 31u) / 32u);
		m->u.dev_info.config_size = rte_vmsg__once32(pl + 12);
		m->u.dev_info.max_virtqueues = rte_vmsg__once32(pl + 16);
		m->u.dev_info.admin_vq_start = rte_vmsg__once16(pl + 20);
		m->u.dev_info.admin_vq_count = rte_vmsg__once16(pl + 22);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
		q->index = rte_vmsg__once32(pl + 0);
		q->max_size = rte_vmsg__once32(pl + 4);
		q->size = rte_vmsg__once32(pl + 8);
		/* No flags on the wire: a programmed queue is an enabled one. */
		q->flags = q->size != 0 ? VQ_ENABLED : 0u;
		q->desc_addr = rte_vmsg__once64(pl + 12);
		q->driver_addr = rte_vmsg__once64(pl + 20);
		q->device_addr = rte_vmsg__once64(pl + 28);
		break;
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		q->index = rte_vmsg__once32(pl + 0);
		/*
		 * No op: the driver sends nothing else for the queue before
		 * DRIVER_OK, so a programmed queue is enabled ("program and
		 * enable", no ignore bits). The unused word must be 0, as v2's
		 * reserved: the device checks it like one.
		 */
		q->flags = VQ_OP_ENABLE;
		q->reserved = rte_vmsg__once32(pl + 4);
		q->size = rte_vmsg__once32(pl + 8);
		q->desc_addr = rte_vmsg__once64(pl + 12);
		q->driver_addr = rte_vmsg__once64(pl + 20);
		q->device_addr = rte_vmsg__once64(pl + 28);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		m->u.shm.shmid = rte_vmsg__once32(pl + 0);
		m->u.shm.reserved = 0;
		m->u.shm.length = rte_vmsg__once32(pl + 4);
		m->u.shm.address = rte_vmsg__once32(pl + 8);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		m->u.get_devices.offset = rte_vmsg__once16(pl + 0);
		m->u.get_devices.count = rte_vmsg__once16(pl + 2);
		m->u.get_devices.next_offset = rte_vmsg__once16(pl + 4);
		m->u.get_devices.bitmap = pl + 6;
		break;
	default:
		break;
	}
}

size_t rte_vmsg__prev2_size(const struct rte_vmsg_msg *m)
{
	if (m->kind == RTE_VMSG_MSG_BUS_GET_DEVICES_RESP)
		return PREV2_GET_DEVICES_BASE + ((size_t)m->u.get_devices.count + 7u) / 8u;
	return fixed_size(m->kind);
}

int rte_vmsg__prev2_check(const struct rte_vmsg_msg *m)
{
	const struct rte_vmsg_dev_info *di = &m->u.dev_info;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		if (di->num_feature_blocks > UINT32_MAX / 32u || di->admin_vq_start > 0xffffu ||
		    di->admin_vq_count > 0xffffu)
			return -ERANGE;
		return 0;
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		/* The older request can only program and enable, with every field. */
		return m->u.vqueue.flags == VQ_OP_ENABLE ? 0 : -ERANGE;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		return m->u.shm.length > UINT32_MAX || m->u.shm.address > UINT32_MAX ? -ERANGE : 0;
	default:
		return 0;
	}
}

void rte_vmsg__prev2_encode(const struct rte_vmsg_msg *m, uint8_t *p)
{
	uint8_t *pl = p + RTE_VMSG_HDR_SIZE;
	const struct rte_vmsg_vqueue *q = &m->u.vqueue;
	const struct rte_vmsg_get_devices *g = &m->u.get_devices;
	uint16_t offset, count, next;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		rte_vmsg_put_le32(pl + 0, m->u.dev_info.device_id);
		rte_vmsg_put_le32(pl + 4, m->u.dev_info.vendor_id);
		rte_vmsg_put_le32(pl + 8, m->u.dev_info.num_feature_blocks * 32u);
		rte_vmsg_put_le32(pl + 12, m->u.dev_info.config_size);
		rte_vmsg_put_le32(pl + 16, m->u.dev_info.max_virtqueues);
		rte_vmsg_put_le16(pl + 20, (uint16_t)m->u.dev_info.admin_vq_start);
		rte_vmsg_put_le16(pl + 22, (uint16_t)m->u.dev_info.admin_vq_count);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		rte_vmsg_put_le32(pl + 0, q->index);
		rte_vmsg_put_le32(pl + 4,
				  m->kind == RTE_VMSG_MSG_GET_VQUEUE_RESP ? q->max_size : 0u);
		rte_vmsg_put_le32(pl + 8, q->size);
		rte_vmsg_put_le64(pl + 12, q->desc_addr);
		rte_vmsg_put_le64(pl + 20, q->driver_addr);
		rte_vmsg_put_le64(pl + 28, q->device_addr);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		rte_vmsg_put_le32(pl + 0, m->u.shm.shmid);
		rte_vmsg_put_le32(pl + 4, (uint32_t)m->u.shm.length);
		rte_vmsg_put_le32(pl + 8, (uint32_t)m->u.shm.address);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		/* Read the view first: its bitmap may alias this buffer. */
		offset = g->offset;
		count = g->count;
		next = g->next_offset;
		if (count != 0) {
			memmove(pl + 6, g->bitmap, ((size_t)count + 7u) / 8u);
			/* BUS-24: bits past num in the last byte are zero. */
			if (count % 8u)
				pl[6 + ((size_t)count + 7u) / 8u - 1] &=
					(uint8_t)((1u << (count % 8u)) - 1u);
		}
		rte_vmsg_put_le16(pl + 0, offset);
		rte_vmsg_put_le16(pl + 2, count);
		rte_vmsg_put_le16(pl + 4, next);
		break;
	default:
		break;
	}
}
