/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * One-line text form of a virtio-msg frame, for traces and tools.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "rte_vmsg_msg.h"
#include "msg_priv.h"

/* An snprintf() accumulator that keeps counting once the buffer is full. */
struct fmt {
	char *out;
	size_t cap;
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void put(struct fmt *f, const char *fmt, ...)
{
	va_list ap;
	size_t room = f->len < f->cap ? f->cap - f->len : 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room != 0 ? f->out + f->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		f->len += (size_t)n;
}

/* At most this many data bytes are shown in hex; the rest is elided. */
#define HEX_SHOWN 16u

static void put_hex(struct fmt *f, const char *name, const uint8_t *p, size_t n)
{
	size_t i;

	put(f, " %s=", name);
	for (i = 0; i < n && i < HEX_SHOWN; i++)
		put(f, "%02x", p[i]);
	if (n > HEX_SHOWN)
		put(f, "...(%zu bytes)", n);
}

static void put_payload(struct fmt *f, const struct rte_vmsg_msg *m)
{
	const struct rte_vmsg_config *c = &m->u.config;
	const struct rte_vmsg_vqueue *q = &m->u.vqueue;
	uint32_t k;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		put(f, " device_id=%" PRIu32 " vendor_id=0x%" PRIx32, m->u.dev_info.device_id,
		    m->u.dev_info.vendor_id);
		put_hex(f, "uuid", m->u.dev_info.uuid, 16);
		put(f,
		    " feature_blocks=%" PRIu32 " config_size=%" PRIu32 " max_vqs=%" PRIu32
		    " admin_vq=%" PRIu32 "+%" PRIu32,
		    m->u.dev_info.num_feature_blocks, m->u.dev_info.config_size,
		    m->u.dev_info.max_virtqueues, m->u.dev_info.admin_vq_start,
		    m->u.dev_info.admin_vq_count);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		put(f, " block_index=%" PRIu32 " num_blocks=%" PRIu32, m->u.features.block_index,
		    m->u.features.num_blocks);
		if (m->u.features.blocks != NULL) {
			put(f, " features=");
			for (k = 0; k < m->u.features.num_blocks && k < 4; k++)
				put(f, "%s%08" PRIx32, k ? ":" : "",
				    rte_vmsg_msg_feature_block(&m->u.features, k));
			if (m->u.features.num_blocks > 4)
				put(f, ":...");
		}
		break;
	case RTE_VMSG_MSG_EVENT_CONFIG:
		put(f, " status=0x%" PRIx32, c->device_status);
		/* fall through */
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
		put(f, " generation=%" PRIu32, c->generation);
		/* fall through */
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		put(f, " offset=%" PRIu32 " length=%" PRIu32, c->offset, c->length);
		if (c->data != NULL)
			put_hex(f, "data", c->data, c->length);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP:
		put(f, " status=0x%" PRIx32, m->u.status);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_REQ:
	case RTE_VMSG_MSG_RESET_VQUEUE_REQ:
	case RTE_VMSG_MSG_EVENT_USED:
		put(f, " index=%" PRIu32, m->u.vq_index);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		put(f, " index=%" PRIu32, q->index);
		if (m->kind == RTE_VMSG_MSG_GET_VQUEUE_RESP)
			put(f, " max_size=%" PRIu32, q->max_size);
		put(f,
		    " size=%" PRIu32 " flags=0x%" PRIx32 " desc=0x%" PRIx64 " driver=0x%" PRIx64
		    " device=0x%" PRIx64,
		    q->size, q->flags, q->desc_addr, q->driver_addr, q->device_addr);
		if (q->reserved != 0)
			put(f, " reserved=0x%" PRIx32, q->reserved);
		break;
	case RTE_VMSG_MSG_GET_SHM_REQ:
		put(f, " shmid=%" PRIu32, m->u.shm.shmid);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		put(f, " shmid=%" PRIu32 " length=%" PRIu64 " address=0x%" PRIx64, m->u.shm.shmid,
		    m->u.shm.length, m->u.shm.address);
		break;
	case RTE_VMSG_MSG_EVENT_AVAIL:
		put(f, " vq_index=%" PRIu32 " next_offset=0x%" PRIx32, m->u.event_avail.vq_index,
		    m->u.event_avail.next_offset);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
		put(f, " offset=%u count=%u", m->u.get_devices.offset, m->u.get_devices.count);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		put(f, " offset=%u next_offset=%u count=%u", m->u.get_devices.offset,
		    m->u.get_devices.next_offset, m->u.get_devices.count);
		put_hex(f, "bitmap", m->u.get_devices.bitmap, (m->u.get_devices.count + 7u) / 8u);
		break;
	case RTE_VMSG_MSG_BUS_PING_REQ:
	case RTE_VMSG_MSG_BUS_PING_RESP:
		put(f, " data=0x%" PRIx32, m->u.ping);
		break;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		put(f, " device=%u state=0x%04x", m->u.event_device.device_number,
		    m->u.event_device.state);
		break;
	case RTE_VMSG_MSG_IMPL:
		put(f, " id=0x%02x", m->hdr.msg_id);
		put_hex(f, "payload", m->u.impl.payload, m->u.impl.len);
		break;
	default:
		break;
	}
}

int rte_vmsg_msg_format(char *out, size_t cap, const void *buf, size_t len, uint32_t max_size)
{
	struct fmt f = { .out = out, .cap = cap, .len = 0 };
	enum rte_vmsg_msg_err why;
	struct rte_vmsg_msg m;
	const uint8_t *p = buf;
	int rc;

	if ((out == NULL && cap != 0) || buf == NULL)
		return -EINVAL;
	if (cap != 0)
		out[0] = '\0';

	rc = rte_vmsg_msg_parse(buf, len, max_size, &m, &why);
	if (rc < 0) {
		put(&f, "MALFORMED (%s)", rte_vmsg_msg_err_str(why));
		if (len >= RTE_VMSG_HDR_SIZE)
			put(&f, " type=0x%02x id=0x%02x dev=%u token=%u size=%u", p[0], p[1],
			    rte_vmsg_get_le16(p + 2), rte_vmsg_get_le16(p + 4),
			    rte_vmsg_get_le16(p + 6));
	} else {
		put(&f, "%s%s dev=%u token=%u size=%u",
		    (m.hdr.type & RTE_VMSG_TYPE_BUS) && m.kind == RTE_VMSG_MSG_IMPL ? "BUS_" : "",
		    rte_vmsg_msg_kind_name(m.kind), m.hdr.dev_num, m.hdr.token, m.hdr.msg_size);
		if (m.kind == RTE_VMSG_MSG_IMPL && (m.hdr.type & RTE_VMSG_TYPE_RESPONSE))
			put(&f, " resp");
		put_payload(&f, &m);
	}
	return f.len > INT32_MAX ? INT32_MAX : (int)f.len;
}
