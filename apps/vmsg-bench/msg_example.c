/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * One example message of each kind (msg_example.h).
 */

#include <string.h>

#include "msg_example.h"

void bench_msg_example(struct rte_vmsg_msg *m, enum rte_vmsg_msg_kind kind)
{
	/* Features 5 (MAC), 16 (STATUS) and 32 (VERSION_1) of virtio-net. */
	static const uint8_t blocks[8] = { 0x20, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00 };
	/* A virtio-net config: MAC 52:54:00:12:34:56, status LINK_UP. */
	static const uint8_t cfg[8] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x01, 0x00 };
	static const uint8_t bitmap[8] = { 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80 };
	static const uint8_t impl[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8 };

	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->hdr.dev_num = kind >= RTE_VMSG_MSG_BUS_GET_DEVICES_REQ ? 0 : 3;
	m->hdr.token = 0x1234;
	switch (kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		m->u.dev_info.device_id = 1;
		m->u.dev_info.vendor_id = 0x554d4551;
		m->u.dev_info.num_feature_blocks = 2;
		m->u.dev_info.config_size = 12;
		m->u.dev_info.max_virtqueues = 3;
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
		m->u.features.num_blocks = 2;
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		m->u.features.num_blocks = 2;
		m->u.features.blocks = blocks;
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		m->u.config.length = sizeof(cfg);
		break;
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
	case RTE_VMSG_MSG_EVENT_CONFIG:
		m->u.config.generation = 7;
		m->u.config.length = sizeof(cfg);
		m->u.config.data = cfg;
		break;
	case RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP:
		m->u.status = RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER;
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_REQ:
	case RTE_VMSG_MSG_RESET_VQUEUE_REQ:
	case RTE_VMSG_MSG_EVENT_USED:
		m->u.vq_index = 1;
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		m->u.vqueue.index = 1;
		m->u.vqueue.max_size = kind == RTE_VMSG_MSG_GET_VQUEUE_RESP ? 256 : 0;
		m->u.vqueue.size = 256;
		m->u.vqueue.flags = kind == RTE_VMSG_MSG_SET_VQUEUE_REQ ? RTE_VMSG_VQ_OP_ENABLE
									: RTE_VMSG_VQ_ENABLED;
		m->u.vqueue.desc_addr = 0x100000;
		m->u.vqueue.driver_addr = 0x101000;
		m->u.vqueue.device_addr = 0x101240;
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		m->u.shm.length = 1u << 20;
		m->u.shm.address = 0x40000000;
		break;
	case RTE_VMSG_MSG_EVENT_AVAIL:
		m->u.event_avail.vq_index = 1;
		m->u.event_avail.next_offset = 17;
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
		m->u.get_devices.count = 64;
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		m->u.get_devices.count = 64;
		m->u.get_devices.next_offset = 64;
		m->u.get_devices.bitmap = bitmap;
		break;
	case RTE_VMSG_MSG_BUS_PING_REQ:
	case RTE_VMSG_MSG_BUS_PING_RESP:
		m->u.ping = 0xc0ffee;
		break;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		m->u.event_device.device_number = 5;
		m->u.event_device.state = RTE_VMSG_DEVICE_BUS_STATE_ADDED;
		break;
	case RTE_VMSG_MSG_IMPL:
		m->hdr.msg_id = 0x80;
		m->u.impl.payload = impl;
		m->u.impl.len = sizeof(impl);
		break;
	default:
		break;
	}
}
