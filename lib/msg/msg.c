/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg v2 wire codec: the per-kind table, parse/validate and build.
 */

#include <errno.h>
#include <string.h>

#include "rte_vmsg_msg.h"
#include "msg_priv.h"

/* How msg_size relates to the fixed part of a message (virtio-msg §9). */
enum size_rule {
	SZ_FIXED,	/* exactly .size */
	SZ_FEATURES,	/* .size + 4 * num_blocks (le32 @ payload 4) */
	SZ_CONFIG,	/* .size + length (le32 @ payload 8) */
	SZ_CONFIG_OPT,	/* .size + length, or .size alone (SET_CONFIG resp) */
	SZ_EVENT_CFG,	/* .size + length (le32 @ payload 12), or .size alone */
	SZ_GET_DEVICES, /* .size + (count + 7) / 8 (le16 @ payload 4) */
	SZ_IMPL,	/* anything from 8 up */
};

const struct rte_vmsg__kind_desc rte_vmsg__kinds[RTE_VMSG_MSG_KIND_COUNT] = {
#define K(kind_, type_, id_, size_, rule_)                                                     \
	[RTE_VMSG_MSG_##kind_] = {                                                             \
		.name = #kind_, .type = (type_), .id = (id_), .size = (size_), .rule = (rule_) \
	}
	[RTE_VMSG_MSG_INVALID] = { .name = "INVALID" },
	K(GET_DEVICE_INFO_REQ, 0, RTE_VMSG_ID_GET_DEVICE_INFO, 8, SZ_FIXED),
	K(GET_DEVICE_INFO_RESP, 1, RTE_VMSG_ID_GET_DEVICE_INFO, 52, SZ_FIXED),
	K(GET_DEVICE_FEATURES_REQ, 0, RTE_VMSG_ID_GET_DEVICE_FEATURES, 16, SZ_FIXED),
	K(GET_DEVICE_FEATURES_RESP, 1, RTE_VMSG_ID_GET_DEVICE_FEATURES, 16, SZ_FEATURES),
	K(SET_DRIVER_FEATURES_REQ, 0, RTE_VMSG_ID_SET_DRIVER_FEATURES, 16, SZ_FEATURES),
	K(SET_DRIVER_FEATURES_RESP, 1, RTE_VMSG_ID_SET_DRIVER_FEATURES, 8, SZ_FIXED),
	K(GET_CONFIG_REQ, 0, RTE_VMSG_ID_GET_CONFIG, 16, SZ_FIXED),
	K(GET_CONFIG_RESP, 1, RTE_VMSG_ID_GET_CONFIG, 20, SZ_CONFIG),
	K(SET_CONFIG_REQ, 0, RTE_VMSG_ID_SET_CONFIG, 20, SZ_CONFIG),
	K(SET_CONFIG_RESP, 1, RTE_VMSG_ID_SET_CONFIG, 20, SZ_CONFIG_OPT),
	K(GET_DEVICE_STATUS_REQ, 0, RTE_VMSG_ID_GET_DEVICE_STATUS, 8, SZ_FIXED),
	K(GET_DEVICE_STATUS_RESP, 1, RTE_VMSG_ID_GET_DEVICE_STATUS, 12, SZ_FIXED),
	K(SET_DEVICE_STATUS_REQ, 0, RTE_VMSG_ID_SET_DEVICE_STATUS, 12, SZ_FIXED),
	K(SET_DEVICE_STATUS_RESP, 1, RTE_VMSG_ID_SET_DEVICE_STATUS, 12, SZ_FIXED),
	K(GET_VQUEUE_REQ, 0, RTE_VMSG_ID_GET_VQUEUE, 12, SZ_FIXED),
	K(GET_VQUEUE_RESP, 1, RTE_VMSG_ID_GET_VQUEUE, 48, SZ_FIXED),
	K(SET_VQUEUE_REQ, 0, RTE_VMSG_ID_SET_VQUEUE, 48, SZ_FIXED),
	K(SET_VQUEUE_RESP, 1, RTE_VMSG_ID_SET_VQUEUE, 8, SZ_FIXED),
	K(RESET_VQUEUE_REQ, 0, RTE_VMSG_ID_RESET_VQUEUE, 12, SZ_FIXED),
	K(RESET_VQUEUE_RESP, 1, RTE_VMSG_ID_RESET_VQUEUE, 8, SZ_FIXED),
	K(GET_SHM_REQ, 0, RTE_VMSG_ID_GET_SHM, 12, SZ_FIXED),
	K(GET_SHM_RESP, 1, RTE_VMSG_ID_GET_SHM, 32, SZ_FIXED),
	K(EVENT_CONFIG, 0, RTE_VMSG_ID_EVENT_CONFIG, 24, SZ_EVENT_CFG),
	K(EVENT_AVAIL, 0, RTE_VMSG_ID_EVENT_AVAIL, 16, SZ_FIXED),
	K(EVENT_USED, 0, RTE_VMSG_ID_EVENT_USED, 12, SZ_FIXED),
	K(BUS_GET_DEVICES_REQ, 2, RTE_VMSG_BUS_ID_GET_DEVICES, 12, SZ_FIXED),
	K(BUS_GET_DEVICES_RESP, 3, RTE_VMSG_BUS_ID_GET_DEVICES, 14, SZ_GET_DEVICES),
	K(BUS_PING_REQ, 2, RTE_VMSG_BUS_ID_PING, 12, SZ_FIXED),
	K(BUS_PING_RESP, 3, RTE_VMSG_BUS_ID_PING, 12, SZ_FIXED),
	K(BUS_EVENT_DEVICE, 2, RTE_VMSG_BUS_ID_EVENT_DEVICE, 12, SZ_FIXED),
	K(IMPL, 0, 0, 8, SZ_IMPL),
#undef K
};

/*
 * Index from (namespace, response bit, msg_id) to kind, for the standard IDs
 * 0x00-0x7F. Filled from the table above on first use would need a lock or a
 * constructor; a switch is as fast and has neither.
 */
static enum rte_vmsg_msg_kind kind_of(unsigned int type, unsigned int id)
{
	unsigned int resp = type & RTE_VMSG_TYPE_RESPONSE;

	if (type & RTE_VMSG_TYPE_BUS) {
		switch (id) {
		case RTE_VMSG_BUS_ID_GET_DEVICES:
			return resp ? RTE_VMSG_MSG_BUS_GET_DEVICES_RESP
				    : RTE_VMSG_MSG_BUS_GET_DEVICES_REQ;
		case RTE_VMSG_BUS_ID_PING:
			return resp ? RTE_VMSG_MSG_BUS_PING_RESP : RTE_VMSG_MSG_BUS_PING_REQ;
		case RTE_VMSG_BUS_ID_EVENT_DEVICE:
			return RTE_VMSG_MSG_BUS_EVENT_DEVICE;
		default:
			return RTE_VMSG_MSG_INVALID;
		}
	}
	switch (id) {
	case RTE_VMSG_ID_EVENT_CONFIG:
		return RTE_VMSG_MSG_EVENT_CONFIG;
	case RTE_VMSG_ID_EVENT_AVAIL:
		return RTE_VMSG_MSG_EVENT_AVAIL;
	case RTE_VMSG_ID_EVENT_USED:
		return RTE_VMSG_MSG_EVENT_USED;
	default:
		break;
	}
	if (id < RTE_VMSG_ID_GET_DEVICE_INFO || id > RTE_VMSG_ID_GET_SHM)
		return RTE_VMSG_MSG_INVALID;
	/* Requests and responses 0x02..0x0C are laid out in pairs, in ID order. */
	return (enum rte_vmsg_msg_kind)(RTE_VMSG_MSG_GET_DEVICE_INFO_REQ +
					2u * (id - RTE_VMSG_ID_GET_DEVICE_INFO) + resp);
}

static int fail(enum rte_vmsg_msg_err *why, enum rte_vmsg_msg_err e, int err)
{
	if (why != NULL)
		*why = e;
	return err;
}

/*
 * The fixed fields are all there: msg_size is at least the fixed part of its
 * kind. Checked before decode() reads them.
 */
static int check_fixed(const struct rte_vmsg__kind_desc *d, uint32_t msg_size,
		       enum rte_vmsg_msg_err *why)
{
	if (d->rule != SZ_IMPL && msg_size < d->size) {
		/* The fixed fields themselves are missing. */
		return fail(why,
			    d->rule == SZ_FIXED ? RTE_VMSG_MSG_ERR_SIZE : RTE_VMSG_MSG_ERR_COUNT,
			    -EBADMSG);
	}
	return 0;
}

/*
 * msg_size against the size formula of the kind, with the count or length
 * that decode() already copied into @p m: the frame is never read again, so
 * a peer that can still write it cannot make the validated count differ
 * from the one used (ARCHITECTURE §3). Counts are widened to 64 bits so that
 * no count can overflow.
 */
static int check_size(const struct rte_vmsg__kind_desc *d, const struct rte_vmsg_msg *m,
		      uint32_t msg_size, enum rte_vmsg_msg_err *why)
{
	uint64_t want;

	switch (d->rule) {
	case SZ_FIXED:
		want = d->size;
		break;
	case SZ_FEATURES:
		want = d->size + 4ull * m->u.features.num_blocks;
		break;
	case SZ_CONFIG:
		want = d->size + (uint64_t)m->u.config.length;
		break;
	case SZ_CONFIG_OPT:
	case SZ_EVENT_CFG:
		if (msg_size == d->size)
			return 0;
		want = d->size + (uint64_t)m->u.config.length;
		break;
	case SZ_GET_DEVICES:
		want = d->size + ((uint64_t)m->u.get_devices.count + 7u) / 8u;
		break;
	case SZ_IMPL:
	default:
		return 0;
	}
	if (want != msg_size)
		return fail(why,
			    d->rule == SZ_FIXED ? RTE_VMSG_MSG_ERR_SIZE : RTE_VMSG_MSG_ERR_COUNT,
			    -EBADMSG);
	return 0;
}

static void decode(struct rte_vmsg_msg *m, const uint8_t *p)
{
	const uint8_t *pl = p + RTE_VMSG_HDR_SIZE;
	uint32_t size = m->hdr.msg_size;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		m->u.dev_info.device_id = rte_vmsg__once32(pl + 0);
		m->u.dev_info.vendor_id = rte_vmsg__once32(pl + 4);
		memcpy(m->u.dev_info.uuid, pl + 8, 16);
		m->u.dev_info.num_feature_blocks = rte_vmsg__once32(pl + 24);
		m->u.dev_info.config_size = rte_vmsg__once32(pl + 28);
		m->u.dev_info.max_virtqueues = rte_vmsg__once32(pl + 32);
		m->u.dev_info.admin_vq_start = rte_vmsg__once32(pl + 36);
		m->u.dev_info.admin_vq_count = rte_vmsg__once32(pl + 40);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		m->u.features.block_index = rte_vmsg__once32(pl + 0);
		m->u.features.num_blocks = rte_vmsg__once32(pl + 4);
		m->u.features.blocks =
			m->kind == RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ ? NULL : pl + 8;
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		m->u.config.offset = rte_vmsg__once32(pl + 0);
		m->u.config.length = rte_vmsg__once32(pl + 4);
		break;
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
		m->u.config.generation = rte_vmsg__once32(pl + 0);
		m->u.config.offset = rte_vmsg__once32(pl + 4);
		m->u.config.length = rte_vmsg__once32(pl + 8);
		m->u.config.data = size > RTE_VMSG_SIZE_CONFIG_BASE ? pl + 12 : NULL;
		break;
	case RTE_VMSG_MSG_EVENT_CONFIG:
		m->u.config.device_status = rte_vmsg__once32(pl + 0);
		m->u.config.generation = rte_vmsg__once32(pl + 4);
		m->u.config.offset = rte_vmsg__once32(pl + 8);
		m->u.config.length = rte_vmsg__once32(pl + 12);
		m->u.config.data = size > RTE_VMSG_SIZE_EVENT_CONFIG_BASE ? pl + 16 : NULL;
		break;
	case RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP:
		m->u.status = rte_vmsg__once32(pl);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_REQ:
	case RTE_VMSG_MSG_RESET_VQUEUE_REQ:
	case RTE_VMSG_MSG_EVENT_USED:
		m->u.vq_index = rte_vmsg__once32(pl);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
		m->u.vqueue.index = rte_vmsg__once32(pl + 0);
		m->u.vqueue.max_size = rte_vmsg__once32(pl + 4);
		m->u.vqueue.size = rte_vmsg__once32(pl + 8);
		m->u.vqueue.flags = rte_vmsg__once32(pl + 12);
		m->u.vqueue.desc_addr = rte_vmsg__once64(pl + 16);
		m->u.vqueue.driver_addr = rte_vmsg__once64(pl + 24);
		m->u.vqueue.device_addr = rte_vmsg__once64(pl + 32);
		break;
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		m->u.vqueue.index = rte_vmsg__once32(pl + 0);
		m->u.vqueue.flags = rte_vmsg__once32(pl + 4);
		m->u.vqueue.size = rte_vmsg__once32(pl + 8);
		m->u.vqueue.reserved = rte_vmsg__once32(pl + 12);
		m->u.vqueue.desc_addr = rte_vmsg__once64(pl + 16);
		m->u.vqueue.driver_addr = rte_vmsg__once64(pl + 24);
		m->u.vqueue.device_addr = rte_vmsg__once64(pl + 32);
		break;
	case RTE_VMSG_MSG_GET_SHM_REQ:
		m->u.shm.shmid = rte_vmsg__once32(pl);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		m->u.shm.shmid = rte_vmsg__once32(pl + 0);
		m->u.shm.reserved = rte_vmsg__once32(pl + 4);
		m->u.shm.length = rte_vmsg__once64(pl + 8);
		m->u.shm.address = rte_vmsg__once64(pl + 16);
		break;
	case RTE_VMSG_MSG_EVENT_AVAIL:
		m->u.event_avail.vq_index = rte_vmsg__once32(pl + 0);
		m->u.event_avail.next_offset = rte_vmsg__once32(pl + 4);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
		m->u.get_devices.offset = rte_vmsg__once16(pl + 0);
		m->u.get_devices.count = rte_vmsg__once16(pl + 2);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		m->u.get_devices.offset = rte_vmsg__once16(pl + 0);
		m->u.get_devices.next_offset = rte_vmsg__once16(pl + 2);
		m->u.get_devices.count = rte_vmsg__once16(pl + 4);
		m->u.get_devices.bitmap = pl + 6;
		break;
	case RTE_VMSG_MSG_BUS_PING_REQ:
	case RTE_VMSG_MSG_BUS_PING_RESP:
		m->u.ping = rte_vmsg__once32(pl);
		break;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		m->u.event_device.device_number = rte_vmsg__once16(pl + 0);
		m->u.event_device.state = rte_vmsg__once16(pl + 2);
		break;
	case RTE_VMSG_MSG_IMPL:
		m->u.impl.len = (uint16_t)(size - RTE_VMSG_HDR_SIZE);
		m->u.impl.payload = m->u.impl.len != 0 ? pl : NULL;
		break;
	default:
		/* Empty payloads. */
		break;
	}
}

int rte_vmsg_msg_parse(const void *buf, size_t len, uint32_t max_size, struct rte_vmsg_msg *out,
		       enum rte_vmsg_msg_err *why)
{
	return rte_vmsg_msg_parse_profile(buf, len, max_size, RTE_VMSG_PAYLOADS_V2, out, why);
}

int rte_vmsg_msg_parse_profile(const void *buf, size_t len, uint32_t max_size,
			       enum rte_vmsg_payloads prof, struct rte_vmsg_msg *out,
			       enum rte_vmsg_msg_err *why)
{
	const uint8_t *p = buf;
	const struct rte_vmsg__kind_desc *d;
	struct rte_vmsg_msg m;
	enum rte_vmsg_msg_kind kind;
	uint32_t msg_size;
	unsigned int type, id;
	uint16_t dev_num, token;
	uint8_t raw_type;
	int rc, pre;

	if (buf == NULL || out == NULL || (unsigned int)prof >= RTE_VMSG_PAYLOADS_COUNT)
		return fail(why, RTE_VMSG_MSG_ERR_ARG, -EINVAL);
	if (max_size < RTE_VMSG_MAX_SIZE_MIN || max_size > RTE_VMSG_MAX_SIZE_MAX)
		return fail(why, RTE_VMSG_MSG_ERR_MAX_SIZE, -EINVAL);
	if (len < RTE_VMSG_HDR_SIZE)
		return fail(why, RTE_VMSG_MSG_ERR_SHORT_BUFFER, -EBADMSG);

	/*
	 * Every header field is read from the frame exactly once, into a
	 * private copy that is checked and then used; so is every payload
	 * field (decode()): the peer may still be writing the frame (a ring
	 * slot, ARCHITECTURE §3).
	 */
	msg_size = rte_vmsg__once16(p + RTE_VMSG_OFF_MSG_SIZE);
	raw_type = rte_vmsg__once8(p + RTE_VMSG_OFF_TYPE);
	id = rte_vmsg__once8(p + RTE_VMSG_OFF_MSG_ID);
	dev_num = rte_vmsg__once16(p + RTE_VMSG_OFF_DEV_NUM);
	token = rte_vmsg__once16(p + RTE_VMSG_OFF_TOKEN);
	if (msg_size < RTE_VMSG_HDR_SIZE)
		return fail(why, RTE_VMSG_MSG_ERR_SIZE_UNDER_HDR, -EBADMSG);
	if (msg_size > max_size)
		return fail(why, RTE_VMSG_MSG_ERR_SIZE_OVER_MAX, -EBADMSG);
	if (msg_size > len)
		return fail(why, RTE_VMSG_MSG_ERR_TRUNCATED, -EBADMSG);

	/* GEN-4: reserved type bits 7:2 are ignored. */
	type = raw_type & RTE_VMSG_TYPE_KNOWN_MASK;

	/* GEN-5: an event is never a response. */
	if ((id & RTE_VMSG_ID_EVENT) && (type & RTE_VMSG_TYPE_RESPONSE))
		return fail(why, RTE_VMSG_MSG_ERR_EVENT_RESPONSE, -EBADMSG);
	/* GEN-6: bus messages carry dev_num 0. */
	if ((type & RTE_VMSG_TYPE_BUS) && dev_num != 0)
		return fail(why, RTE_VMSG_MSG_ERR_BUS_DEV_NUM, -EBADMSG);

	kind = (id & RTE_VMSG_ID_IMPL) ? RTE_VMSG_MSG_IMPL : kind_of(type, id);
	if (kind == RTE_VMSG_MSG_INVALID)
		return fail(why, RTE_VMSG_MSG_ERR_UNKNOWN_ID, -EOPNOTSUPP);
	d = &rte_vmsg__kinds[kind];

	/* The fixed fields first (they are read below), then the sizes they give. */
	pre = prof == RTE_VMSG_PAYLOADS_PRE_V2 && rte_vmsg__prev2_differs(kind);
	rc = pre ? rte_vmsg__prev2_check_fixed(kind, msg_size, why) : check_fixed(d, msg_size, why);
	if (rc < 0)
		return rc;

	memset(&m, 0, sizeof(m));
	m.kind = kind;
	m.hdr.type = raw_type;
	m.hdr.msg_id = (uint8_t)id;
	m.hdr.dev_num = dev_num;
	m.hdr.token = token;
	m.hdr.msg_size = (uint16_t)msg_size;
	if (pre)
		rte_vmsg__prev2_decode(&m, p);
	else
		decode(&m, p);

	rc = pre ? rte_vmsg__prev2_check_size(&m, msg_size, why) : check_size(d, &m, msg_size, why);
	if (rc < 0)
		return rc;

	/* Requests whose full response would not fit the link (virtio-msg §9). */
	if (kind == RTE_VMSG_MSG_GET_CONFIG_REQ &&
	    RTE_VMSG_SIZE_CONFIG_BASE + (uint64_t)m.u.config.length > max_size)
		return fail(why, RTE_VMSG_MSG_ERR_RESP_OVER_MAX, -EBADMSG);
	if (kind == RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ &&
	    RTE_VMSG_SIZE_FEATURES_BASE + 4ull * m.u.features.num_blocks > max_size)
		return fail(why, RTE_VMSG_MSG_ERR_RESP_OVER_MAX, -EBADMSG);

	*out = m;
	if (why != NULL)
		*why = RTE_VMSG_MSG_OK;
	return 0;
}

size_t rte_vmsg_msg_size(const struct rte_vmsg_msg *m)
{
	return rte_vmsg_msg_size_profile(m, RTE_VMSG_PAYLOADS_V2);
}

size_t rte_vmsg_msg_size_profile(const struct rte_vmsg_msg *m, enum rte_vmsg_payloads prof)
{
	const struct rte_vmsg__kind_desc *d;

	if (m == NULL || m->kind <= RTE_VMSG_MSG_INVALID || m->kind >= RTE_VMSG_MSG_KIND_COUNT ||
	    (unsigned int)prof >= RTE_VMSG_PAYLOADS_COUNT)
		return 0;
	if (prof == RTE_VMSG_PAYLOADS_PRE_V2 && rte_vmsg__prev2_differs(m->kind))
		return rte_vmsg__prev2_size(m);
	d = &rte_vmsg__kinds[m->kind];
	switch (d->rule) {
	case SZ_FEATURES:
		return d->size + 4u * (size_t)m->u.features.num_blocks;
	case SZ_CONFIG:
		return d->size + (size_t)m->u.config.length;
	case SZ_CONFIG_OPT:
	case SZ_EVENT_CFG:
		return d->size + (m->u.config.data != NULL ? (size_t)m->u.config.length : 0u);
	case SZ_GET_DEVICES:
		return d->size + ((size_t)m->u.get_devices.count + 7u) / 8u;
	case SZ_IMPL:
		return d->size + (size_t)m->u.impl.len;
	case SZ_FIXED:
	default:
		return d->size;
	}
}

/* Checks what build needs beyond the size: header rules and payload pointers. */
static int build_check(const struct rte_vmsg_msg *m, unsigned int *type, unsigned int *id)
{
	const struct rte_vmsg__kind_desc *d = &rte_vmsg__kinds[m->kind];

	if (m->kind == RTE_VMSG_MSG_IMPL) {
		*type = m->hdr.type & RTE_VMSG_TYPE_KNOWN_MASK;
		*id = m->hdr.msg_id;
		if (!(*id & RTE_VMSG_ID_IMPL))
			return -EINVAL;
		if ((*id & RTE_VMSG_ID_EVENT) && (*type & RTE_VMSG_TYPE_RESPONSE))
			return -EINVAL;
		if (m->u.impl.len != 0 && m->u.impl.payload == NULL)
			return -EINVAL;
	} else {
		*type = d->type;
		*id = d->id;
	}
	if ((*type & RTE_VMSG_TYPE_BUS) && m->hdr.dev_num != 0)
		return -EINVAL;

	switch (d->rule) {
	case SZ_FEATURES:
		if (m->u.features.num_blocks != 0 && m->u.features.blocks == NULL)
			return -EINVAL;
		break;
	case SZ_CONFIG:
		if (m->u.config.length != 0 && m->u.config.data == NULL)
			return -EINVAL;
		break;
	case SZ_GET_DEVICES:
		if (m->u.get_devices.count != 0 && m->u.get_devices.bitmap == NULL)
			return -EINVAL;
		break;
	default:
		break;
	}
	return 0;
}

static void encode(const struct rte_vmsg_msg *m, uint8_t *p)
{
	uint8_t *pl = p + RTE_VMSG_HDR_SIZE;
	const struct rte_vmsg_config *c = &m->u.config;
	const struct rte_vmsg_vqueue *q = &m->u.vqueue;
	size_t n;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_RESP:
		rte_vmsg_put_le32(pl + 0, m->u.dev_info.device_id);
		rte_vmsg_put_le32(pl + 4, m->u.dev_info.vendor_id);
		memcpy(pl + 8, m->u.dev_info.uuid, 16);
		rte_vmsg_put_le32(pl + 24, m->u.dev_info.num_feature_blocks);
		rte_vmsg_put_le32(pl + 28, m->u.dev_info.config_size);
		rte_vmsg_put_le32(pl + 32, m->u.dev_info.max_virtqueues);
		rte_vmsg_put_le32(pl + 36, m->u.dev_info.admin_vq_start);
		rte_vmsg_put_le32(pl + 40, m->u.dev_info.admin_vq_count);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		rte_vmsg_put_le32(pl + 0, m->u.features.block_index);
		rte_vmsg_put_le32(pl + 4, m->u.features.num_blocks);
		n = 4u * (size_t)m->u.features.num_blocks;
		if (m->kind != RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ && n != 0)
			memmove(pl + 8, m->u.features.blocks, n);
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		rte_vmsg_put_le32(pl + 0, c->offset);
		rte_vmsg_put_le32(pl + 4, c->length);
		break;
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
		rte_vmsg_put_le32(pl + 0, c->generation);
		rte_vmsg_put_le32(pl + 4, c->offset);
		rte_vmsg_put_le32(pl + 8, c->length);
		if (c->data != NULL && c->length != 0)
			memmove(pl + 12, c->data, c->length);
		break;
	case RTE_VMSG_MSG_EVENT_CONFIG:
		rte_vmsg_put_le32(pl + 0, c->device_status);
		rte_vmsg_put_le32(pl + 4, c->generation);
		rte_vmsg_put_le32(pl + 8, c->offset);
		rte_vmsg_put_le32(pl + 12, c->length);
		if (c->data != NULL && c->length != 0)
			memmove(pl + 16, c->data, c->length);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ:
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP:
		rte_vmsg_put_le32(pl, m->u.status);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_REQ:
	case RTE_VMSG_MSG_RESET_VQUEUE_REQ:
	case RTE_VMSG_MSG_EVENT_USED:
		rte_vmsg_put_le32(pl, m->u.vq_index);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_RESP:
		rte_vmsg_put_le32(pl + 0, q->index);
		rte_vmsg_put_le32(pl + 4, q->max_size);
		rte_vmsg_put_le32(pl + 8, q->size);
		rte_vmsg_put_le32(pl + 12, q->flags);
		rte_vmsg_put_le64(pl + 16, q->desc_addr);
		rte_vmsg_put_le64(pl + 24, q->driver_addr);
		rte_vmsg_put_le64(pl + 32, q->device_addr);
		break;
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		rte_vmsg_put_le32(pl + 0, q->index);
		rte_vmsg_put_le32(pl + 4, q->flags);
		rte_vmsg_put_le32(pl + 8, q->size);
		rte_vmsg_put_le32(pl + 12, 0); /* reserved, DRV-20 */
		rte_vmsg_put_le64(pl + 16, q->desc_addr);
		rte_vmsg_put_le64(pl + 24, q->driver_addr);
		rte_vmsg_put_le64(pl + 32, q->device_addr);
		break;
	case RTE_VMSG_MSG_GET_SHM_REQ:
		rte_vmsg_put_le32(pl, m->u.shm.shmid);
		break;
	case RTE_VMSG_MSG_GET_SHM_RESP:
		rte_vmsg_put_le32(pl + 0, m->u.shm.shmid);
		rte_vmsg_put_le32(pl + 4, 0); /* reserved */
		rte_vmsg_put_le64(pl + 8, m->u.shm.length);
		rte_vmsg_put_le64(pl + 16, m->u.shm.address);
		break;
	case RTE_VMSG_MSG_EVENT_AVAIL:
		rte_vmsg_put_le32(pl + 0, m->u.event_avail.vq_index);
		rte_vmsg_put_le32(pl + 4, m->u.event_avail.next_offset);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
		rte_vmsg_put_le16(pl + 0, m->u.get_devices.offset);
		rte_vmsg_put_le16(pl + 2, m->u.get_devices.count);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		rte_vmsg_put_le16(pl + 0, m->u.get_devices.offset);
		rte_vmsg_put_le16(pl + 2, m->u.get_devices.next_offset);
		rte_vmsg_put_le16(pl + 4, m->u.get_devices.count);
		n = ((size_t)m->u.get_devices.count + 7u) / 8u;
		if (n != 0) {
			memmove(pl + 6, m->u.get_devices.bitmap, n);
			/* BUS-24: bits past count in the last byte are zero. */
			if (m->u.get_devices.count % 8u)
				pl[6 + n - 1] &=
					(uint8_t)((1u << (m->u.get_devices.count % 8u)) - 1u);
		}
		break;
	case RTE_VMSG_MSG_BUS_PING_REQ:
	case RTE_VMSG_MSG_BUS_PING_RESP:
		rte_vmsg_put_le32(pl, m->u.ping);
		break;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		rte_vmsg_put_le16(pl + 0, m->u.event_device.device_number);
		rte_vmsg_put_le16(pl + 2, m->u.event_device.state);
		break;
	case RTE_VMSG_MSG_IMPL:
		if (m->u.impl.len != 0)
			memmove(pl, m->u.impl.payload, m->u.impl.len);
		break;
	default:
		break;
	}
}

int rte_vmsg_msg_build(void *buf, size_t cap, const struct rte_vmsg_msg *m)
{
	return rte_vmsg_msg_build_profile(buf, cap, RTE_VMSG_PAYLOADS_V2, m);
}

int rte_vmsg_msg_build_profile(void *buf, size_t cap, enum rte_vmsg_payloads prof,
			       const struct rte_vmsg_msg *m)
{
	uint8_t *p = buf;
	unsigned int type, id;
	size_t size;
	int rc, pre;

	if (buf == NULL || m == NULL || m->kind <= RTE_VMSG_MSG_INVALID ||
	    m->kind >= RTE_VMSG_MSG_KIND_COUNT || (unsigned int)prof >= RTE_VMSG_PAYLOADS_COUNT)
		return -EINVAL;
	rc = build_check(m, &type, &id);
	if (rc < 0)
		return rc;
	pre = prof == RTE_VMSG_PAYLOADS_PRE_V2 && rte_vmsg__prev2_differs(m->kind);
	if (pre) {
		rc = rte_vmsg__prev2_check(m);
		if (rc < 0)
			return rc;
	}
	size = rte_vmsg_msg_size_profile(m, prof);
	if (size > RTE_VMSG_MAX_SIZE_MAX || size > cap)
		return -EMSGSIZE;

	/*
	 * Payload first: its source may alias the destination (a view parsed
	 * from this very buffer), and memmove handles that; the header goes
	 * last so that it never overwrites payload bytes still to be read.
	 */
	if (pre)
		rte_vmsg__prev2_encode(m, p);
	else
		encode(m, p);
	p[RTE_VMSG_OFF_TYPE] = (uint8_t)type; /* GEN-4, DRV-11, DEV-3: reserved bits 0 */
	p[RTE_VMSG_OFF_MSG_ID] = (uint8_t)id;
	rte_vmsg_put_le16(p + RTE_VMSG_OFF_DEV_NUM, m->hdr.dev_num);
	rte_vmsg_put_le16(p + RTE_VMSG_OFF_TOKEN, m->hdr.token);
	rte_vmsg_put_le16(p + RTE_VMSG_OFF_MSG_SIZE, (uint16_t)size);
	return (int)size;
}

const char *rte_vmsg_msg_kind_name(enum rte_vmsg_msg_kind kind)
{
	if ((unsigned int)kind >= RTE_VMSG_MSG_KIND_COUNT)
		return "INVALID";
	return rte_vmsg__kinds[kind].name;
}

enum rte_vmsg_msg_kind rte_vmsg_msg_response_kind(enum rte_vmsg_msg_kind req)
{
	const struct rte_vmsg__kind_desc *d;

	if (req <= RTE_VMSG_MSG_INVALID || req >= RTE_VMSG_MSG_IMPL)
		return RTE_VMSG_MSG_INVALID;
	d = &rte_vmsg__kinds[req];
	if ((d->type & RTE_VMSG_TYPE_RESPONSE) || (d->id & RTE_VMSG_ID_EVENT))
		return RTE_VMSG_MSG_INVALID;
	return kind_of(d->type | RTE_VMSG_TYPE_RESPONSE, d->id);
}

const char *rte_vmsg_msg_err_str(enum rte_vmsg_msg_err why)
{
	static const char *const str[RTE_VMSG_MSG_ERR_COUNT_OF_ERRS] = {
		[RTE_VMSG_MSG_OK] = "ok",
		[RTE_VMSG_MSG_ERR_ARG] = "bad argument",
		[RTE_VMSG_MSG_ERR_MAX_SIZE] = "link maximum message size outside 52..65535",
		[RTE_VMSG_MSG_ERR_SHORT_BUFFER] = "buffer shorter than the 8-byte header",
		[RTE_VMSG_MSG_ERR_SIZE_UNDER_HDR] = "msg_size smaller than the header",
		[RTE_VMSG_MSG_ERR_SIZE_OVER_MAX] = "msg_size above the link maximum",
		[RTE_VMSG_MSG_ERR_TRUNCATED] = "msg_size beyond the received bytes",
		[RTE_VMSG_MSG_ERR_SIZE] = "msg_size differs from the message size",
		[RTE_VMSG_MSG_ERR_COUNT] = "msg_size disagrees with the embedded count or length",
		[RTE_VMSG_MSG_ERR_EVENT_RESPONSE] = "response bit on an event",
		[RTE_VMSG_MSG_ERR_BUS_DEV_NUM] = "bus message with dev_num != 0",
		[RTE_VMSG_MSG_ERR_UNKNOWN_ID] = "unknown message ID",
		[RTE_VMSG_MSG_ERR_RESP_OVER_MAX] = "response would exceed the link maximum",
	};

	if ((unsigned int)why >= RTE_VMSG_MSG_ERR_COUNT_OF_ERRS)
		return "unknown";
	return str[why];
}
