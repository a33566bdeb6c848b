/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * describe: every virtio-msg v2 message the codec knows, with an example
 * frame built and parsed back by the library.
 */

#include <stdio.h>
#include <string.h>

#include <rte_vmsg.h>

#include "bench.h"

/* One example of each kind, with recognisable field values. */
static void example(struct rte_vmsg_msg *m, enum rte_vmsg_msg_kind kind)
{
	static const uint8_t blocks[8] = { 0x20, 0x00, 0x01, 0x31, 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t cfg[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	static const uint8_t bitmap[2] = { 0x25, 0x00 };
	static const uint8_t impl[4] = { 0xde, 0xad, 0xbe, 0xef };

	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->hdr.dev_num = 3;
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
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		m->u.features.num_blocks = 2;
		m->u.features.blocks = blocks;
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
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
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		m->u.vqueue.max_size = 256;
		m->u.vqueue.size = 256;
		m->u.vqueue.flags = RTE_VMSG_VQ_OP_ENABLE;
		m->u.vqueue.desc_addr = 0x100000;
		m->u.vqueue.driver_addr = 0x101000;
		m->u.vqueue.device_addr = 0x102000;
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		m->u.shm.length = 1 << 20;
		m->u.shm.address = 0x40000000;
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		m->hdr.dev_num = 0;
		m->u.get_devices.count = 16;
		m->u.get_devices.next_offset = 16;
		m->u.get_devices.bitmap = bitmap;
		break;
	case RTE_VMSG_MSG_BUS_PING_REQ:
	case RTE_VMSG_MSG_BUS_PING_RESP:
		m->hdr.dev_num = 0;
		m->u.ping = 0xc0ffee;
		break;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		m->hdr.dev_num = 0;
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

int describe_run(uint32_t max_size)
{
	uint8_t frame[RTE_VMSG_MAX_SIZE_MAX];
	char line[512];
	int k, n, bad = 0;

	printf("librte_vmsg %s: virtio-msg v2 codec, transport revision 1, link max %u bytes\n",
	       rte_vmsg_version(), max_size);
	printf("%-26s %-5s %-4s %-9s %5s  %s\n", "message", "ns", "id", "class", "bytes",
	       "example frame, parsed back");
	for (k = RTE_VMSG_MSG_INVALID + 1; k < RTE_VMSG_MSG_KIND_COUNT; k++) {
		struct rte_vmsg_msg m, back;
		enum rte_vmsg_msg_err why;

		example(&m, (enum rte_vmsg_msg_kind)k);
		n = rte_vmsg_msg_build(frame, max_size, &m);
		if (n < 0 || rte_vmsg_msg_parse(frame, (size_t)n, max_size, &back, &why) != 0 ||
		    back.kind != m.kind) {
			printf("%-26s cannot be built within %u bytes (%s)\n",
			       rte_vmsg_msg_kind_name(m.kind), max_size,
			       n < 0 ? strerror(-n) : rte_vmsg_msg_err_str(why));
			bad = 1;
			continue;
		}
		rte_vmsg_msg_format(line, sizeof(line), frame, (size_t)n, max_size);
		printf("%-26s %-5s 0x%02x %-9s %5d  %s\n", rte_vmsg_msg_kind_name(m.kind),
		       (frame[0] & RTE_VMSG_TYPE_BUS) ? "bus" : "trans", frame[1],
		       (frame[1] & RTE_VMSG_ID_EVENT)	     ? "event"
		       : (frame[0] & RTE_VMSG_TYPE_RESPONSE) ? "response"
							     : "request",
		       n, line);
	}
	return bad ? 1 : 0;
}
