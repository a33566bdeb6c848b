/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: rte_vmsg_msg_parse() and rte_vmsg_msg_format() on any bytes.
 * Besides not crashing, the parser must keep its documented properties:
 * errno and reason agree, a view describes only bytes inside msg_size, bytes
 * past msg_size change nothing, and a frame accepted at one link maximum is
 * accepted at every larger one.
 *
 * Each input is read two ways: as a frame, parsed at the fixed maxima 52,
 * 264 and 65535 (the seed corpus is frames: it stays valid), and as a link
 * maximum (le16, the first two bytes) followed by a frame, so that the
 * fuzzer chooses the maximum too, those below 52 included (refused).
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_msg.h>

#include "fuzz.h"

/* The errno a parse error reason comes with. */
static int errno_of(enum rte_vmsg_msg_err why)
{
	switch (why) {
	case RTE_VMSG_MSG_OK:
		return 0;
	case RTE_VMSG_MSG_ERR_ARG:
	case RTE_VMSG_MSG_ERR_MAX_SIZE:
		return -EINVAL;
	case RTE_VMSG_MSG_ERR_UNKNOWN_ID:
		return -EOPNOTSUPP;
	default:
		return -EBADMSG;
	}
}

/* [p, p + n) lies inside [lo, hi); n may be 0. */
static int inside(const uint8_t *p, size_t n, const uint8_t *lo, const uint8_t *hi)
{
	return p >= lo && p <= hi && n <= (size_t)(hi - p);
}

/* Every pointer of the view points inside the frame, at the right place. */
static void check_view(const struct rte_vmsg_msg *m, const uint8_t *frame)
{
	const uint8_t *end = frame + m->hdr.msg_size;
	const uint8_t *pl = frame + RTE_VMSG_HDR_SIZE;

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
		FUZZ_CHECK(m->u.features.blocks == NULL);
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		FUZZ_CHECK(m->u.config.data == NULL);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP:
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		FUZZ_CHECK(m->u.features.blocks == pl + 8);
		FUZZ_CHECK(inside(m->u.features.blocks, 4u * (size_t)m->u.features.num_blocks,
				  frame, end));
		break;
	case RTE_VMSG_MSG_GET_CONFIG_RESP:
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
	case RTE_VMSG_MSG_SET_CONFIG_RESP:
	case RTE_VMSG_MSG_EVENT_CONFIG:
		if (m->u.config.data != NULL)
			FUZZ_CHECK(inside(m->u.config.data, m->u.config.length, frame, end) &&
				   m->u.config.data + m->u.config.length == end);
		break;
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		FUZZ_CHECK(m->u.get_devices.bitmap == pl + 6);
		FUZZ_CHECK(inside(m->u.get_devices.bitmap, (m->u.get_devices.count + 7u) / 8u,
				  frame, end));
		break;
	case RTE_VMSG_MSG_IMPL:
		FUZZ_CHECK(m->u.impl.len == m->hdr.msg_size - RTE_VMSG_HDR_SIZE);
		FUZZ_CHECK(m->u.impl.len == 0 ? m->u.impl.payload == NULL
					      : m->u.impl.payload == pl);
		break;
	default:
		break;
	}
}

/* The text form, whole and cut short, must agree with itself. */
static void check_format(const uint8_t *data, size_t size, uint32_t max)
{
	static const size_t caps[] = { 1, 7, 32 };
	char big[2048];
	char *small;
	size_t i, shown;
	int n;

	n = rte_vmsg_msg_format(big, sizeof(big), data, size, max);
	FUZZ_CHECK(n >= 0 && (size_t)n < sizeof(big));
	FUZZ_CHECK(strlen(big) == (size_t)n);
	FUZZ_CHECK(rte_vmsg_msg_format(NULL, 0, data, size, max) == n);

	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		/* Exactly the capacity, so that the sanitizer sees a one-byte overflow. */
		small = malloc(caps[i]);
		FUZZ_CHECK(small != NULL);
		FUZZ_CHECK(rte_vmsg_msg_format(small, caps[i], data, size, max) == n);
		shown = (size_t)n < caps[i] - 1 ? (size_t)n : caps[i] - 1;
		FUZZ_CHECK(strlen(small) == shown && memcmp(small, big, shown) == 0);
		free(small);
	}
}

static void check_parse(const uint8_t *data, size_t size, uint32_t max)
{
	enum rte_vmsg_msg_err why = RTE_VMSG_MSG_ERR_COUNT_OF_ERRS;
	struct rte_vmsg_msg m, m2;
	uint8_t *copy;
	uint16_t msg_size;
	int rc;

	rc = rte_vmsg_msg_parse(data, size, max, &m, &why);
	FUZZ_CHECK(rc == errno_of(why));
	FUZZ_CHECK(rte_vmsg_msg_parse(data, size, max, &m2, NULL) == rc);
	FUZZ_CHECK(strcmp(rte_vmsg_msg_err_str(why), "unknown") != 0);
	if (rc != 0)
		return;

	msg_size = m.hdr.msg_size;
	FUZZ_CHECK(m.kind > RTE_VMSG_MSG_INVALID && m.kind < RTE_VMSG_MSG_KIND_COUNT);
	FUZZ_CHECK(msg_size >= RTE_VMSG_HDR_SIZE && msg_size <= max && msg_size <= size);
	FUZZ_CHECK(m.hdr.type == data[RTE_VMSG_OFF_TYPE]);
	FUZZ_CHECK(m.hdr.msg_id == data[RTE_VMSG_OFF_MSG_ID]);
	FUZZ_CHECK(m.hdr.dev_num == rte_vmsg_get_le16(data + RTE_VMSG_OFF_DEV_NUM));
	FUZZ_CHECK(m.hdr.token == rte_vmsg_get_le16(data + RTE_VMSG_OFF_TOKEN));
	FUZZ_CHECK(msg_size == rte_vmsg_get_le16(data + RTE_VMSG_OFF_MSG_SIZE));
	FUZZ_CHECK(rte_vmsg_msg_size(&m) == msg_size);
	FUZZ_CHECK(strcmp(rte_vmsg_msg_kind_name(m.kind), "INVALID") != 0);
	(void)rte_vmsg_msg_response_kind(m.kind);
	check_view(&m, data);

	/* Only the first msg_size bytes count: parse them alone, in a buffer of
	 * exactly that size, so that any read past msg_size is an overflow. */
	copy = malloc(msg_size);
	FUZZ_CHECK(copy != NULL);
	memcpy(copy, data, msg_size);
	FUZZ_CHECK(rte_vmsg_msg_parse(copy, msg_size, max, &m2, NULL) == 0);
	FUZZ_CHECK(m2.kind == m.kind && rte_vmsg_msg_size(&m2) == msg_size);
	check_view(&m2, copy);
	free(copy);

	/* One byte short of msg_size is a truncated frame. */
	FUZZ_CHECK(rte_vmsg_msg_parse(data, msg_size - 1u, max, &m2, &why) == -EBADMSG);
	FUZZ_CHECK(why == (msg_size - 1u < RTE_VMSG_HDR_SIZE ? RTE_VMSG_MSG_ERR_SHORT_BUFFER
							     : RTE_VMSG_MSG_ERR_TRUNCATED));

	/* A larger link maximum accepts what a smaller one does. */
	if (max < RTE_VMSG_MAX_SIZE_MAX) {
		FUZZ_CHECK(rte_vmsg_msg_parse(data, size, RTE_VMSG_MAX_SIZE_MAX, &m2, NULL) == 0);
		FUZZ_CHECK(m2.kind == m.kind);
	}
}

/* One frame at the link maximum @p max, and at the fixed ones. */
static void check_frame(const uint8_t *data, size_t size, uint32_t max)
{
	const uint32_t maxes[] = {
		max,
		RTE_VMSG_MAX_SIZE_MIN,
		RTE_VMSG_MAX_SIZE_DEFAULT,
		RTE_VMSG_MAX_SIZE_MAX,
	};
	struct rte_vmsg_msg m;
	enum rte_vmsg_msg_err why;
	size_t i;

	for (i = 0; i < sizeof(maxes) / sizeof(maxes[0]); i++)
		check_parse(data, size, maxes[i]);
	check_format(data, size, max);

	/* Out-of-range link maxima are refused, and still formatted. */
	FUZZ_CHECK(rte_vmsg_msg_parse(data, size, RTE_VMSG_MAX_SIZE_MIN - 1u, &m, &why) == -EINVAL);
	FUZZ_CHECK(why == RTE_VMSG_MSG_ERR_MAX_SIZE);
	FUZZ_CHECK(rte_vmsg_msg_parse(data, size, RTE_VMSG_MAX_SIZE_MAX + 1u, &m, &why) == -EINVAL);
	check_format(data, size, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_vmsg_msg m;
	enum rte_vmsg_msg_err why;
	uint32_t max;

	if (data == NULL)
		return 0;
	/* The whole input is a frame. */
	check_frame(data, size, RTE_VMSG_MAX_SIZE_DEFAULT);
	if (size < 2)
		return 0;

	/* The first two bytes are the link maximum, the rest the frame. */
	max = rte_vmsg_get_le16(data);
	if (max < RTE_VMSG_MAX_SIZE_MIN) {
		FUZZ_CHECK(rte_vmsg_msg_parse(data + 2, size - 2, max, &m, &why) == -EINVAL);
		FUZZ_CHECK(why == RTE_VMSG_MSG_ERR_MAX_SIZE);
		check_format(data + 2, size - 2, max);
		return 0;
	}
	check_frame(data + 2, size - 2, max);
	return 0;
}
