/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Malformed and unsupported frames: a table of frames breaking each rule of
 * virtio-msg §9, with the errno and reason the parser must give, run at the
 * end of a page followed by an inaccessible one; and the builder's errors.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_vmsg_msg.h>

#include "vtest.h"

#define M 264u /* the link maximum of most rows */

/* Little-endian bytes of a constant, for writing frames in the table. */
#define LE16(v) (uint8_t)((v)&0xFFu), (uint8_t)(((v) >> 8) & 0xFFu)
#define LE32(v) LE16((v)&0xFFFFu), LE16(((v) >> 16) & 0xFFFFu)
/* A header: type, msg_id, dev_num, token 0x7E5A, msg_size. */
#define HDR(type, id, dev, size) (type), (id), LE16(dev), 0x5A, 0x7E, LE16(size)

/* Namespace and direction (the type byte). */
#define T_REQ 0x00
#define T_RESP 0x01
#define B_REQ 0x02
#define B_RESP 0x03

/* Expected outcomes. */
#define OK 0, RTE_VMSG_MSG_OK
#define BAD(r) -EBADMSG, RTE_VMSG_MSG_ERR_##r
#define UNSUP -EOPNOTSUPP, RTE_VMSG_MSG_ERR_UNKNOWN_ID
#define INVAL(r) -EINVAL, RTE_VMSG_MSG_ERR_##r

/*
 * One row: @len bytes handed to the parser, of which the first ones are in
 * @f and the rest are zero; the link maximum; the expected return and reason.
 * Rows named "ok:" are the accepted neighbours of the rejected ones.
 */
struct row {
	const char *name;
	size_t len;
	uint32_t max;
	int rc;
	enum rte_vmsg_msg_err why;
	uint8_t f[28];
};

static const struct row rows[] = {
	/* The link maximum itself must be 52..65535 (BUS-2, §3). */
	{ "max 51", 12, 51, INVAL(MAX_SIZE), { HDR(B_REQ, 0x03, 0, 12), LE32(1) } },
	{ "max 65536", 12, 65536, INVAL(MAX_SIZE), { HDR(B_REQ, 0x03, 0, 12), LE32(1) } },
	{ "max 0", 12, 0, INVAL(MAX_SIZE), { HDR(B_REQ, 0x03, 0, 12), LE32(1) } },
	{ "max 0xFFFFFFFF",
	  12,
	  0xFFFFFFFFu,
	  INVAL(MAX_SIZE),
	  { HDR(B_REQ, 0x03, 0, 12), LE32(1) } },
	{ "ok: max 52", 12, 52, OK, { HDR(B_REQ, 0x03, 0, 12), LE32(1) } },
	{ "ok: max 65535", 12, 65535, OK, { HDR(B_REQ, 0x03, 0, 12), LE32(1) } },

	/* Buffer shorter than the header. */
	{ "buffer 0 bytes", 0, M, BAD(SHORT_BUFFER), { HDR(T_REQ, 0x02, 1, 8) } },
	{ "buffer 1 byte", 1, M, BAD(SHORT_BUFFER), { HDR(T_REQ, 0x02, 1, 8) } },
	{ "buffer 7 bytes", 7, M, BAD(SHORT_BUFFER), { HDR(T_REQ, 0x02, 1, 8) } },
	{ "buffer 4 bytes, msg_size 4", 4, M, BAD(SHORT_BUFFER), { HDR(T_REQ, 0x02, 1, 4) } },
	{ "ok: buffer 8 bytes", 8, M, OK, { HDR(T_REQ, 0x02, 1, 8) } },

	/* msg_size < 8 (GEN-3). */
	{ "msg_size 0", 8, M, BAD(SIZE_UNDER_HDR), { HDR(T_REQ, 0x02, 1, 0) } },
	{ "msg_size 7", 8, M, BAD(SIZE_UNDER_HDR), { HDR(T_REQ, 0x02, 1, 7) } },
	{ "msg_size 1, bus", 12, M, BAD(SIZE_UNDER_HDR), { HDR(B_REQ, 0x03, 0, 1) } },

	/* msg_size > link maximum (GEN-3, DRV-1, DEV-1). */
	{ "msg_size 265, max 264", 265, 264, BAD(SIZE_OVER_MAX), { HDR(T_REQ, 0x80, 1, 265) } },
	{ "msg_size 53, max 52", 53, 52, BAD(SIZE_OVER_MAX), { HDR(T_REQ, 0x80, 1, 53) } },
	{ "msg_size 65535, max 65534",
	  65535,
	  65534,
	  BAD(SIZE_OVER_MAX),
	  { HDR(B_REQ, 0x80, 0, 65535) } },
	{ "msg_size 0xFFFF in 52 bytes",
	  52,
	  M,
	  BAD(SIZE_OVER_MAX),
	  { HDR(T_RESP, 0x02, 1, 0xFFFF) } },
	{ "ok: msg_size 264 = max", 264, 264, OK, { HDR(T_REQ, 0x80, 1, 264) } },
	{ "ok: DEVICE_INFO resp 52, max 52", 52, 52, OK, { HDR(T_RESP, 0x02, 1, 52) } },
	{ "ok: msg_size 65535 = max", 65535, 65535, OK, { HDR(B_REQ, 0xBF, 0, 65535) } },

	/* msg_size > bytes received (truncated frame). */
	{ "EVENT_USED 12 in 11", 11, M, BAD(TRUNCATED), { HDR(T_REQ, 0x42, 1, 12) } },
	{ "DEVICE_INFO resp 52 in 51", 51, M, BAD(TRUNCATED), { HDR(T_RESP, 0x02, 1, 52) } },
	{ "IMPL 264 in 100", 100, M, BAD(TRUNCATED), { HDR(T_REQ, 0x80, 1, 264) } },
	{ "IMPL 9 in 8", 8, M, BAD(TRUNCATED), { HDR(T_REQ, 0x80, 1, 9) } },
	{ "GET_CONFIG resp 24 in 23",
	  23,
	  M,
	  BAD(TRUNCATED),
	  { HDR(T_RESP, 0x05, 1, 24), LE32(0), LE32(0), LE32(4) } },
	{ "GET_DEVICES resp 17 in 16",
	  16,
	  M,
	  BAD(TRUNCATED),
	  { HDR(B_RESP, 0x02, 0, 17), LE16(0), LE16(0), LE16(19) } },
	{ "SET_DRIVER_FEATURES req 1 block in 19",
	  19,
	  M,
	  BAD(TRUNCATED),
	  { HDR(T_REQ, 0x04, 1, 20), LE32(0), LE32(1) } },

	/* Features: msg_size = 16 + 4 * num_blocks. */
	{ "GET_DEVICE_FEATURES resp n=2 size 20",
	  20,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x03, 1, 20), LE32(0), LE32(2) } },
	{ "GET_DEVICE_FEATURES resp n=2 size 28",
	  28,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x03, 1, 28), LE32(0), LE32(2) } },
	{ "GET_DEVICE_FEATURES resp size 15",
	  15,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x03, 1, 15), LE32(0), 0, 0, 0 } },
	{ "GET_DEVICE_FEATURES resp n=0xFFFFFFFF size 16",
	  16,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x03, 1, 16), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "GET_DEVICE_FEATURES resp size 12 (16 + 4 * 0xFFFFFFFF mod 2^16)",
	  12,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x03, 1, 12), LE32(0) } },
	{ "GET_DEVICE_FEATURES resp n=0x40000001 size 20 (32-bit wrap)",
	  20,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x03, 1, 20), LE32(0), LE32(0x40000001u) } },
	{ "GET_DEVICE_FEATURES resp n=0x40000000 size 16 (32-bit wrap)",
	  16,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x03, 1, 16), LE32(0), LE32(0x40000000u) } },
	{ "GET_DEVICE_FEATURES resp n=0x4002 size 24 (16-bit wrap)",
	  24,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x03, 1, 24), LE32(0), LE32(0x4002u) } },
	{ "ok: GET_DEVICE_FEATURES resp n=2 size 24",
	  24,
	  M,
	  OK,
	  { HDR(T_RESP, 0x03, 1, 24), LE32(0), LE32(2) } },
	{ "ok: GET_DEVICE_FEATURES resp n=0 size 16",
	  16,
	  M,
	  OK,
	  { HDR(T_RESP, 0x03, 1, 16), LE32(7), LE32(0) } },
	{ "SET_DRIVER_FEATURES req n=3 size 24",
	  24,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x04, 1, 24), LE32(0), LE32(3) } },
	{ "SET_DRIVER_FEATURES req n=3 size 32",
	  32,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x04, 1, 32), LE32(0), LE32(3) } },
	{ "SET_DRIVER_FEATURES req n=0xFFFFFFFF size 16",
	  16,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x04, 1, 16), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "SET_DRIVER_FEATURES req n=0x40000001 size 20",
	  20,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x04, 1, 20), LE32(0), LE32(0x40000001u) } },
	{ "SET_DRIVER_FEATURES req size 12",
	  12,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x04, 1, 12), LE32(0) } },
	{ "ok: SET_DRIVER_FEATURES req n=3 size 28",
	  28,
	  M,
	  OK,
	  { HDR(T_REQ, 0x04, 1, 28), LE32(0), LE32(3) } },

	/* GET_CONFIG resp and SET_CONFIG req: msg_size = 20 + length. */
	{ "GET_CONFIG resp len 5 size 24",
	  24,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x05, 1, 24), LE32(0), LE32(0), LE32(5) } },
	{ "GET_CONFIG resp len 5 size 26",
	  26,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x05, 1, 26), LE32(0), LE32(0), LE32(5) } },
	{ "GET_CONFIG resp len 0xFFFFFFFF size 20",
	  20,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x05, 1, 20), LE32(0), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "GET_CONFIG resp len 0x10005 size 25 (16-bit wrap)",
	  25,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x05, 1, 25), LE32(0), LE32(0), LE32(0x10005u) } },
	{ "GET_CONFIG resp size 19",
	  19,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x05, 1, 19), LE32(0), LE32(0) } },
	{ "ok: GET_CONFIG resp len 5 size 25",
	  25,
	  M,
	  OK,
	  { HDR(T_RESP, 0x05, 1, 25), LE32(0), LE32(0), LE32(5) } },
	{ "ok: GET_CONFIG resp len 0 size 20",
	  20,
	  M,
	  OK,
	  { HDR(T_RESP, 0x05, 1, 20), LE32(0), LE32(0), LE32(0) } },
	{ "SET_CONFIG req len 6 size 25",
	  25,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x06, 1, 25), LE32(0), LE32(0), LE32(6) } },
	{ "SET_CONFIG req len 6 size 27",
	  27,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x06, 1, 27), LE32(0), LE32(0), LE32(6) } },
	{ "SET_CONFIG req len 0xFFFFFFFF size 20",
	  20,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x06, 1, 20), LE32(0), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "SET_CONFIG req len 0xFFFFFFFF size 21",
	  21,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x06, 1, 21), LE32(0), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "ok: SET_CONFIG req len 6 size 26",
	  26,
	  M,
	  OK,
	  { HDR(T_REQ, 0x06, 1, 26), LE32(0), LE32(0), LE32(6) } },

	/* SET_CONFIG resp: msg_size = 20 + length, or 20. */
	{ "SET_CONFIG resp len 6 size 21",
	  21,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x06, 1, 21), LE32(0), LE32(0), LE32(6) } },
	{ "SET_CONFIG resp len 6 size 25",
	  25,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x06, 1, 25), LE32(0), LE32(0), LE32(6) } },
	{ "SET_CONFIG resp len 6 size 27",
	  27,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x06, 1, 27), LE32(0), LE32(0), LE32(6) } },
	{ "SET_CONFIG resp size 19",
	  19,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x06, 1, 19), LE32(0), LE32(0) } },
	{ "SET_CONFIG resp len 0xFFFFFFFF size 21",
	  21,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x06, 1, 21), LE32(0), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "SET_CONFIG resp len 0x10006 size 26 (16-bit wrap)",
	  26,
	  M,
	  BAD(COUNT),
	  { HDR(T_RESP, 0x06, 1, 26), LE32(0), LE32(0), LE32(0x10006u) } },
	{ "ok: SET_CONFIG resp len 6 size 26",
	  26,
	  M,
	  OK,
	  { HDR(T_RESP, 0x06, 1, 26), LE32(0), LE32(0), LE32(6) } },
	{ "ok: SET_CONFIG resp len 6 size 20",
	  20,
	  M,
	  OK,
	  { HDR(T_RESP, 0x06, 1, 20), LE32(0), LE32(0), LE32(6) } },
	{ "ok: SET_CONFIG resp len 0xFFFFFFFF size 20",
	  20,
	  M,
	  OK,
	  { HDR(T_RESP, 0x06, 1, 20), LE32(0), LE32(0), LE32(0xFFFFFFFFu) } },

	/* EVENT_CONFIG: msg_size = 24 or 24 + length. */
	{ "EVENT_CONFIG len 4 size 25",
	  25,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x40, 1, 25), LE32(0), LE32(0), LE32(0), LE32(4) } },
	{ "EVENT_CONFIG len 4 size 27",
	  27,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x40, 1, 27), LE32(0), LE32(0), LE32(0), LE32(4) } },
	{ "EVENT_CONFIG len 4 size 29",
	  29,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x40, 1, 29), LE32(0), LE32(0), LE32(0), LE32(4) } },
	{ "EVENT_CONFIG size 23",
	  23,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x40, 1, 23), LE32(0), LE32(0), LE32(0) } },
	{ "EVENT_CONFIG len 0xFFFFFFFF size 25",
	  25,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x40, 1, 25), LE32(0), LE32(0), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "EVENT_CONFIG len 0x10004 size 28 (16-bit wrap)",
	  28,
	  M,
	  BAD(COUNT),
	  { HDR(T_REQ, 0x40, 1, 28), LE32(0), LE32(0), LE32(0), LE32(0x10004u) } },
	{ "ok: EVENT_CONFIG len 4 size 24",
	  24,
	  M,
	  OK,
	  { HDR(T_REQ, 0x40, 1, 24), LE32(0), LE32(0), LE32(0), LE32(4) } },
	{ "ok: EVENT_CONFIG len 4 size 28",
	  28,
	  M,
	  OK,
	  { HDR(T_REQ, 0x40, 1, 28), LE32(0), LE32(0), LE32(0), LE32(4) } },

	/* GET_DEVICES resp: msg_size = 14 + (count + 7) / 8 (BUS-24, BUS-11). */
	{ "GET_DEVICES resp count 19 size 16",
	  16,
	  M,
	  BAD(COUNT),
	  { HDR(B_RESP, 0x02, 0, 16), LE16(0), LE16(0), LE16(19) } },
	{ "GET_DEVICES resp count 19 size 18",
	  18,
	  M,
	  BAD(COUNT),
	  { HDR(B_RESP, 0x02, 0, 18), LE16(0), LE16(0), LE16(19) } },
	{ "GET_DEVICES resp count 0 size 15",
	  15,
	  M,
	  BAD(COUNT),
	  { HDR(B_RESP, 0x02, 0, 15), LE16(0), LE16(0), LE16(0) } },
	{ "GET_DEVICES resp count 8 size 14",
	  14,
	  M,
	  BAD(COUNT),
	  { HDR(B_RESP, 0x02, 0, 14), LE16(0), LE16(0), LE16(8) } },
	{ "GET_DEVICES resp count 9 size 15",
	  15,
	  M,
	  BAD(COUNT),
	  { HDR(B_RESP, 0x02, 0, 15), LE16(0), LE16(0), LE16(9) } },
	{ "GET_DEVICES resp count 0xFFFF size 14",
	  14,
	  M,
	  BAD(COUNT),
	  { HDR(B_RESP, 0x02, 0, 14), LE16(0), LE16(0), LE16(0xFFFF) } },
	{ "GET_DEVICES resp size 13",
	  13,
	  M,
	  BAD(COUNT),
	  { HDR(B_RESP, 0x02, 0, 13), LE16(0), LE16(0) } },
	{ "ok: GET_DEVICES resp count 0 size 14",
	  14,
	  M,
	  OK,
	  { HDR(B_RESP, 0x02, 0, 14), LE16(0), LE16(0), LE16(0) } },
	{ "ok: GET_DEVICES resp count 8 size 15",
	  15,
	  M,
	  OK,
	  { HDR(B_RESP, 0x02, 0, 15), LE16(0), LE16(0), LE16(8) } },
	{ "ok: GET_DEVICES resp count 9 size 16",
	  16,
	  M,
	  OK,
	  { HDR(B_RESP, 0x02, 0, 16), LE16(0), LE16(0), LE16(9) } },
	{ "ok: GET_DEVICES resp count 0xFFFF size 8206",
	  8206,
	  65535,
	  OK,
	  { HDR(B_RESP, 0x02, 0, 8206), LE16(0), LE16(0), LE16(0xFFFF) } },

	/* Response bit on an event ID (GEN-5). */
	{ "EVENT_CONFIG with response bit",
	  24,
	  M,
	  BAD(EVENT_RESPONSE),
	  { HDR(T_RESP, 0x40, 1, 24) } },
	{ "EVENT_AVAIL with response bit",
	  16,
	  M,
	  BAD(EVENT_RESPONSE),
	  { HDR(T_RESP, 0x41, 1, 16) } },
	{ "EVENT_USED with response bit",
	  12,
	  M,
	  BAD(EVENT_RESPONSE),
	  { HDR(T_RESP, 0x42, 1, 12) } },
	{ "EVENT_DEVICE with response bit",
	  12,
	  M,
	  BAD(EVENT_RESPONSE),
	  { HDR(B_RESP, 0x40, 0, 12) } },
	{ "IMPL event 0xC0 with response bit",
	  8,
	  M,
	  BAD(EVENT_RESPONSE),
	  { HDR(T_RESP, 0xC0, 1, 8) } },
	{ "bus IMPL event 0xFF with response bit",
	  8,
	  M,
	  BAD(EVENT_RESPONSE),
	  { HDR(B_RESP, 0xFF, 0, 8) } },
	{ "IMPL event 0xE5, response bit among reserved bits",
	  8,
	  M,
	  BAD(EVENT_RESPONSE),
	  { HDR(0xFD, 0xE5, 1, 8) } },
	{ "ok: IMPL request 0xBF with response bit", 8, M, OK, { HDR(T_RESP, 0xBF, 1, 8) } },

	/* dev_num != 0 on a bus message (GEN-6, BUS-13). */
	{ "GET_DEVICES req dev 1", 12, M, BAD(BUS_DEV_NUM), { HDR(B_REQ, 0x02, 1, 12) } },
	{ "GET_DEVICES resp dev 0x8000",
	  14,
	  M,
	  BAD(BUS_DEV_NUM),
	  { HDR(B_RESP, 0x02, 0x8000, 14) } },
	{ "PING req dev 0xFFFF", 12, M, BAD(BUS_DEV_NUM), { HDR(B_REQ, 0x03, 0xFFFF, 12) } },
	{ "PING resp dev 0x100", 12, M, BAD(BUS_DEV_NUM), { HDR(B_RESP, 0x03, 0x100, 12) } },
	{ "EVENT_DEVICE dev 2", 12, M, BAD(BUS_DEV_NUM), { HDR(B_REQ, 0x40, 2, 12) } },
	{ "bus IMPL req dev 1", 8, M, BAD(BUS_DEV_NUM), { HDR(B_REQ, 0x80, 1, 8) } },
	{ "bus IMPL event dev 3", 8, M, BAD(BUS_DEV_NUM), { HDR(B_REQ, 0xC0, 3, 8) } },
	{ "ok: transport dev 0xFFFF", 12, M, OK, { HDR(T_REQ, 0x42, 0xFFFF, 12) } },

	/* Unknown standard IDs: unsupported, -EOPNOTSUPP (DEV-2, BUS-11). */
	{ "transport req 0x00", 8, M, UNSUP, { HDR(T_REQ, 0x00, 1, 8) } },
	{ "transport resp 0x00", 8, M, UNSUP, { HDR(T_RESP, 0x00, 1, 8) } },
	{ "transport req 0x01", 8, M, UNSUP, { HDR(T_REQ, 0x01, 1, 8) } },
	{ "transport resp 0x01", 8, M, UNSUP, { HDR(T_RESP, 0x01, 1, 8) } },
	{ "transport req 0x0D", 8, M, UNSUP, { HDR(T_REQ, 0x0D, 1, 8) } },
	{ "transport resp 0x0D", 8, M, UNSUP, { HDR(T_RESP, 0x0D, 1, 8) } },
	{ "transport req 0x3F", 8, M, UNSUP, { HDR(T_REQ, 0x3F, 1, 8) } },
	{ "transport resp 0x3F", 8, M, UNSUP, { HDR(T_RESP, 0x3F, 1, 8) } },
	{ "transport event 0x43", 12, M, UNSUP, { HDR(T_REQ, 0x43, 1, 12) } },
	{ "transport event 0x7F", 8, M, UNSUP, { HDR(T_REQ, 0x7F, 1, 8) } },
	{ "transport 0x0D with reserved type bits", 8, M, UNSUP, { HDR(0xFC, 0x0D, 1, 8) } },
	{ "bus req 0x00", 8, M, UNSUP, { HDR(B_REQ, 0x00, 0, 8) } },
	{ "bus req 0x01", 8, M, UNSUP, { HDR(B_REQ, 0x01, 0, 8) } },
	{ "bus req 0x04", 12, M, UNSUP, { HDR(B_REQ, 0x04, 0, 12) } },
	{ "bus resp 0x04", 12, M, UNSUP, { HDR(B_RESP, 0x04, 0, 12) } },
	{ "bus req 0x3F", 8, M, UNSUP, { HDR(B_REQ, 0x3F, 0, 8) } },
	{ "bus event 0x41", 12, M, UNSUP, { HDR(B_REQ, 0x41, 0, 12) } },
	{ "bus event 0x7F", 8, M, UNSUP, { HDR(B_REQ, 0x7F, 0, 8) } },
	{ "GET_CONFIG (0x05) with the bus bit", 16, M, UNSUP, { HDR(B_REQ, 0x05, 0, 16) } },
	{ "GET_CONFIG resp (0x05) with the bus bit", 20, M, UNSUP, { HDR(B_RESP, 0x05, 0, 20) } },
	{ "GET_SHM (0x0C) with the bus bit", 12, M, UNSUP, { HDR(B_REQ, 0x0C, 0, 12) } },
	{ "GET_DEVICE_INFO (0x02) resp with the bus bit",
	  52,
	  M,
	  BAD(COUNT),
	  { HDR(B_RESP, 0x02, 0, 52) } }, /* that is GET_DEVICES resp, count 0 */
	{ "EVENT_USED (0x42) with the bus bit", 12, M, UNSUP, { HDR(B_REQ, 0x42, 0, 12) } },
	{ "EVENT_AVAIL (0x41) with the bus bit", 16, M, UNSUP, { HDR(B_REQ, 0x41, 0, 16) } },

	/* Requests whose full response exceeds the link maximum (§9 [LIB]). */
	{ "GET_CONFIG req len 245, max 264",
	  16,
	  264,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x05, 1, 16), LE32(0), LE32(245) } },
	{ "ok: GET_CONFIG req len 244, max 264",
	  16,
	  264,
	  OK,
	  { HDR(T_REQ, 0x05, 1, 16), LE32(0), LE32(244) } },
	{ "GET_CONFIG req len 33, max 52",
	  16,
	  52,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x05, 1, 16), LE32(0), LE32(33) } },
	{ "ok: GET_CONFIG req len 32, max 52",
	  16,
	  52,
	  OK,
	  { HDR(T_REQ, 0x05, 1, 16), LE32(0), LE32(32) } },
	{ "GET_CONFIG req len 0xFFFFFFFF",
	  16,
	  M,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x05, 1, 16), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "GET_CONFIG req len 0xFFFFFFEC (32-bit wrap to 0)",
	  16,
	  M,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x05, 1, 16), LE32(0), LE32(0xFFFFFFECu) } },
	{ "GET_CONFIG req len 65516, max 65535",
	  16,
	  65535,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x05, 1, 16), LE32(0), LE32(65516) } },
	{ "ok: GET_CONFIG req len 65515, max 65535",
	  16,
	  65535,
	  OK,
	  { HDR(T_REQ, 0x05, 1, 16), LE32(0), LE32(65515) } },
	{ "GET_DEVICE_FEATURES req n=63, max 264",
	  16,
	  264,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x03, 1, 16), LE32(0), LE32(63) } },
	{ "ok: GET_DEVICE_FEATURES req n=62, max 264",
	  16,
	  264,
	  OK,
	  { HDR(T_REQ, 0x03, 1, 16), LE32(0), LE32(62) } },
	{ "GET_DEVICE_FEATURES req n=10, max 52",
	  16,
	  52,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x03, 1, 16), LE32(0), LE32(10) } },
	{ "ok: GET_DEVICE_FEATURES req n=9, max 52",
	  16,
	  52,
	  OK,
	  { HDR(T_REQ, 0x03, 1, 16), LE32(0), LE32(9) } },
	{ "GET_DEVICE_FEATURES req n=0x40000000 (32-bit wrap)",
	  16,
	  65535,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x03, 1, 16), LE32(0), LE32(0x40000000u) } },
	{ "GET_DEVICE_FEATURES req n=0xFFFFFFFF",
	  16,
	  65535,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x03, 1, 16), LE32(0), LE32(0xFFFFFFFFu) } },
	{ "GET_DEVICE_FEATURES req n=16380, max 65535",
	  16,
	  65535,
	  BAD(RESP_OVER_MAX),
	  { HDR(T_REQ, 0x03, 1, 16), LE32(0), LE32(16380) } },
	{ "ok: GET_DEVICE_FEATURES req n=16379, max 65535",
	  16,
	  65535,
	  OK,
	  { HDR(T_REQ, 0x03, 1, 16), LE32(0), LE32(16379) } },

	/* Reserved type bits are not a reason to refuse (GEN-4). */
	{ "ok: reserved type bits 0xFC", 8, M, OK, { HDR(0xFC, 0x02, 1, 8) } },
	{ "ok: reserved type bits on a bus request", 12, M, OK, { HDR(0xFE, 0x03, 0, 12) } },
};

#define N_ROWS (sizeof(rows) / sizeof(rows[0]))

/*
 * Fixed-size messages (virtio-msg §4, §10): every one of them, with its
 * namespace/direction, ID and frame size.
 */
static const struct {
	const char *name;
	uint8_t type, id;
	uint16_t size;
} fixed[] = {
	{ "GET_DEVICE_INFO req", T_REQ, 0x02, 8 },
	{ "GET_DEVICE_INFO resp", T_RESP, 0x02, 52 },
	{ "GET_DEVICE_FEATURES req", T_REQ, 0x03, 16 },
	{ "SET_DRIVER_FEATURES resp", T_RESP, 0x04, 8 },
	{ "GET_CONFIG req", T_REQ, 0x05, 16 },
	{ "GET_DEVICE_STATUS req", T_REQ, 0x07, 8 },
	{ "GET_DEVICE_STATUS resp", T_RESP, 0x07, 12 },
	{ "SET_DEVICE_STATUS req", T_REQ, 0x08, 12 },
	{ "SET_DEVICE_STATUS resp", T_RESP, 0x08, 12 },
	{ "GET_VQUEUE req", T_REQ, 0x09, 12 },
	{ "GET_VQUEUE resp", T_RESP, 0x09, 48 },
	{ "SET_VQUEUE req", T_REQ, 0x0A, 48 },
	{ "SET_VQUEUE resp", T_RESP, 0x0A, 8 },
	{ "RESET_VQUEUE req", T_REQ, 0x0B, 12 },
	{ "RESET_VQUEUE resp", T_RESP, 0x0B, 8 },
	{ "GET_SHM req", T_REQ, 0x0C, 12 },
	{ "GET_SHM resp", T_RESP, 0x0C, 32 },
	{ "EVENT_AVAIL", T_REQ, 0x41, 16 },
	{ "EVENT_USED", T_REQ, 0x42, 12 },
	{ "GET_DEVICES req", B_REQ, 0x02, 12 },
	{ "PING req", B_REQ, 0x03, 12 },
	{ "PING resp", B_RESP, 0x03, 12 },
	{ "EVENT_DEVICE", B_REQ, 0x40, 12 },
};

/* Memory followed by an inaccessible page: a frame placed at guard_end - n is the last thing readable. */
#define GUARD_ROOM (72u * 1024u)
static uint8_t *guard_map;
static uint8_t *guard_end;
static size_t guard_len;

static int guard_init(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	size_t room;
	void *p;

	if (pg <= 0)
		return -1;
	room = (GUARD_ROOM + (size_t)pg - 1) / (size_t)pg * (size_t)pg;
	guard_len = room + (size_t)pg;
	p = mmap(NULL, guard_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	guard_map = p;
	guard_end = guard_map + room;
	if (mprotect(guard_end, (size_t)pg, PROT_NONE) != 0)
		return -1;
	return 0;
}

/* Copies the @n bytes of a frame so that they end where the readable memory ends. */
static uint8_t *at_page_end(const uint8_t *f, size_t nf, size_t n)
{
	uint8_t *p = guard_end - n;

	memset(p, 0, n);
	memcpy(p, f, nf < n ? nf : n);
	return p;
}

static unsigned int reasons_seen;

/*
 * Runs one row: at the end of the readable memory, with and without the
 * reason out-parameter, through the formatter too, and once more claiming
 * more bytes than there are when the frame itself decides the outcome.
 */
static void run_row(const char *name, const uint8_t *f, size_t nf, size_t len, uint32_t max,
		    int want_rc, enum rte_vmsg_msg_err want_why)
{
	struct rte_vmsg_msg out, pattern;
	enum rte_vmsg_msg_err why = RTE_VMSG_MSG_ERR_COUNT_OF_ERRS;
	int before = vtest_failures;
	char text[256];
	uint8_t *p;
	int rc;

	reasons_seen |= 1u << want_why;
	p = at_page_end(f, nf, len);
	memset(&pattern, 0xA5, sizeof(pattern));
	memcpy(&out, &pattern, sizeof(out));

	rc = rte_vmsg_msg_parse(p, len, max, &out, &why);
	CHECK_EQ(rc, want_rc);
	CHECK_EQ(why, want_why);
	if (want_rc != 0) {
		/* On error the out struct is untouched. */
		CHECK(memcmp(&out, &pattern, sizeof(out)) == 0);
	} else if (rc == 0) {
		CHECK(out.kind > RTE_VMSG_MSG_INVALID && out.kind < RTE_VMSG_MSG_KIND_COUNT);
		CHECK_EQ(out.hdr.msg_size, rte_vmsg_get_le16(p + RTE_VMSG_OFF_MSG_SIZE));
	}

	/* The reason is optional. */
	CHECK_EQ(rte_vmsg_msg_parse(p, len, max, &out, NULL), want_rc);

	/* The formatter reads no more than the parser. */
	rc = rte_vmsg_msg_format(text, sizeof(text), p, len, max);
	CHECK(rc > 0);
	if (want_rc != 0) {
		CHECK(strncmp(text, "MALFORMED (", 11) == 0);
		CHECK(strstr(text, rte_vmsg_msg_err_str(want_why)) != NULL);
	}

	/*
	 * Bytes past msg_size are never read: put only msg_size bytes before
	 * the guard page and claim many more. Same outcome expected.
	 */
	if (len >= RTE_VMSG_HDR_SIZE && want_why != RTE_VMSG_MSG_ERR_TRUNCATED) {
		size_t msg_size = rte_vmsg_get_le16(f + RTE_VMSG_OFF_MSG_SIZE);
		size_t n = msg_size < RTE_VMSG_HDR_SIZE ? RTE_VMSG_HDR_SIZE : msg_size;

		if (n <= len) {
			p = at_page_end(f, nf, n);
			why = RTE_VMSG_MSG_ERR_COUNT_OF_ERRS;
			memcpy(&out, &pattern, sizeof(out));
			rc = rte_vmsg_msg_parse(p, n + 100000, max, &out, &why);
			CHECK_EQ(rc, want_rc);
			CHECK_EQ(why, want_why);
			rc = rte_vmsg_msg_format(text, sizeof(text), p, n + 100000, max);
			CHECK(rc > 0);
		}
	}
	if (vtest_failures != before)
		fprintf(stderr, "  ^ in row \"%s\" (len %zu, max %u)\n", name, len, max);
}

/*
 * Every rule of virtio-msg §9 and every reason of enum rte_vmsg_msg_err.
 * GEN-3, GEN-4, GEN-5, GEN-6, DRV-9, DEV-2, BUS-2, BUS-11, DRV-1, DEV-1.
 */
static void test_table(void)
{
	size_t i;

	for (i = 0; i < N_ROWS; i++)
		run_row(rows[i].name, rows[i].f, sizeof(rows[i].f), rows[i].len, rows[i].max,
			rows[i].rc, rows[i].why);
}

/*
 * Each fixed-size message at its size (accepted), one byte short and one byte
 * long (ERR_SIZE; below 8 it is ERR_SIZE_UNDER_HDR). GEN-3, DRV-9, DEV-2, BUS-11.
 */
static void test_fixed_sizes(void)
{
	uint8_t f[64];
	size_t i;
	int d;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		for (d = -1; d <= 1; d++) {
			uint16_t size = (uint16_t)(fixed[i].size + d);
			enum rte_vmsg_msg_err why = RTE_VMSG_MSG_OK;
			int rc = 0;

			memset(f, 0, sizeof(f));
			f[0] = fixed[i].type;
			f[1] = fixed[i].id;
			rte_vmsg_put_le16(f + RTE_VMSG_OFF_MSG_SIZE, size);
			if (d != 0) {
				rc = -EBADMSG;
				why = size < RTE_VMSG_HDR_SIZE ? RTE_VMSG_MSG_ERR_SIZE_UNDER_HDR
							       : RTE_VMSG_MSG_ERR_SIZE;
			}
			run_row(fixed[i].name, f, sizeof(f),
				size < RTE_VMSG_HDR_SIZE ? RTE_VMSG_HDR_SIZE : size, M, rc, why);
		}
	}
}

/* No checklist ID (API contract): NULL arguments give -EINVAL, ERR_ARG, nothing written. */
static void test_null_args(void)
{
	static const uint8_t f[] = { HDR(B_REQ, 0x03, 0, 12), LE32(1) };
	struct rte_vmsg_msg out, pattern;
	enum rte_vmsg_msg_err why = RTE_VMSG_MSG_OK;

	reasons_seen |= 1u << RTE_VMSG_MSG_ERR_ARG;
	memset(&pattern, 0xA5, sizeof(pattern));
	memcpy(&out, &pattern, sizeof(out));
	CHECK_EQ(rte_vmsg_msg_parse(NULL, sizeof(f), M, &out, &why), -EINVAL);
	CHECK_EQ(why, RTE_VMSG_MSG_ERR_ARG);
	CHECK(memcmp(&out, &pattern, sizeof(out)) == 0);
	why = RTE_VMSG_MSG_OK;
	CHECK_EQ(rte_vmsg_msg_parse(f, sizeof(f), M, NULL, &why), -EINVAL);
	CHECK_EQ(why, RTE_VMSG_MSG_ERR_ARG);
	CHECK_EQ(rte_vmsg_msg_parse(NULL, 0, M, NULL, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_msg_parse(NULL, 0, 51, NULL, NULL), -EINVAL);
	/* The sanity of the frame used above. */
	CHECK_EQ(rte_vmsg_msg_parse(f, sizeof(f), M, &out, &why), 0);
}

/* DRV-9, DEV-2, BUS-11: the table and the loops above reach every reason the parser has. */
static void test_every_reason_covered(void)
{
	int r;

	for (r = 0; r < RTE_VMSG_MSG_ERR_COUNT_OF_ERRS; r++) {
		CHECK(reasons_seen & (1u << r));
		if (!(reasons_seen & (1u << r)))
			fprintf(stderr, "  reason %d (%s) has no row\n", r,
				rte_vmsg_msg_err_str((enum rte_vmsg_msg_err)r));
	}
}

static uint8_t big_src[65536];
static uint8_t big_dst[70000];

/* Builds @m at the end of the readable memory with exactly @cap bytes of room. */
static int build_at_end(const struct rte_vmsg_msg *m, size_t cap)
{
	return rte_vmsg_msg_build(guard_end - cap, cap, m);
}

/*
 * Builder errors. DRV-1, DEV-1 (never a frame larger than the maximum),
 * GEN-5 (no response bit on an event), GEN-6 and BUS-13 (dev_num 0 on bus
 * messages).
 */
static void test_build_errors(void)
{
	static const enum rte_vmsg_msg_kind bus_kinds[] = {
		RTE_VMSG_MSG_BUS_GET_DEVICES_REQ, RTE_VMSG_MSG_BUS_GET_DEVICES_RESP,
		RTE_VMSG_MSG_BUS_PING_REQ,	  RTE_VMSG_MSG_BUS_PING_RESP,
		RTE_VMSG_MSG_BUS_EVENT_DEVICE,
	};
	static const enum rte_vmsg_msg_kind bad_kinds[] = {
		RTE_VMSG_MSG_INVALID,
		RTE_VMSG_MSG_KIND_COUNT,
		(enum rte_vmsg_msg_kind)1000,
		(enum rte_vmsg_msg_kind) - 1,
	};
	struct rte_vmsg_msg m;
	uint8_t buf[128];
	size_t i;

	/* NULL pointers. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	CHECK_EQ(rte_vmsg_msg_build(NULL, sizeof(buf), &m), -EINVAL);
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 12);

	/* Unknown kinds; their size is 0. */
	for (i = 0; i < sizeof(bad_kinds) / sizeof(bad_kinds[0]); i++) {
		m.kind = bad_kinds[i];
		CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
		CHECK_EQ(rte_vmsg_msg_size(&m), 0);
	}
	CHECK_EQ(rte_vmsg_msg_size(NULL), 0);

	/* A count with a NULL pointer. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP;
	m.u.features.num_blocks = 2;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.kind = RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ;
	m.u.features.num_blocks = 1;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	/* ...but the GET_DEVICE_FEATURES request carries no blocks. */
	m.kind = RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ;
	m.u.features.num_blocks = 5;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 16);

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_CONFIG_RESP;
	m.u.config.length = 4;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.kind = RTE_VMSG_MSG_SET_CONFIG_REQ;
	m.u.config.length = 1;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	/* Data is optional in these: NULL means the short form. */
	m.kind = RTE_VMSG_MSG_GET_CONFIG_REQ;
	m.u.config.length = 7;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 16);
	m.kind = RTE_VMSG_MSG_SET_CONFIG_RESP;
	m.u.config.length = 4;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 20);
	m.kind = RTE_VMSG_MSG_EVENT_CONFIG;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 24);

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_RESP;
	m.u.get_devices.count = 3;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_REQ;
	m.u.get_devices.count = 100;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 12);

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_IMPL;
	m.hdr.msg_id = 0x80;
	m.u.impl.len = 3;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.u.impl.len = 0;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 8);

	/* dev_num != 0 on a bus kind. */
	for (i = 0; i < sizeof(bus_kinds) / sizeof(bus_kinds[0]); i++) {
		memset(&m, 0, sizeof(m));
		m.kind = bus_kinds[i];
		m.u.get_devices.bitmap = buf;
		m.hdr.dev_num = 1;
		CHECK_EQ(rte_vmsg_msg_build(buf + 64, 64, &m), -EINVAL);
		m.hdr.dev_num = 0x8000;
		CHECK_EQ(rte_vmsg_msg_build(buf + 64, 64, &m), -EINVAL);
		m.hdr.dev_num = 0;
		CHECK(rte_vmsg_msg_build(buf + 64, 64, &m) > 0);
	}
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_IMPL;
	m.hdr.msg_id = 0x80;
	m.hdr.dev_num = 5;
	m.hdr.type = B_REQ;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.hdr.type = B_RESP;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.hdr.type = T_REQ; /* a transport IMPL may address any device */
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 8);

	/* IMPL with a standard ID. */
	{
		static const uint8_t ids[] = { 0x00, 0x02, 0x40, 0x7F };

		for (i = 0; i < sizeof(ids); i++) {
			m.hdr.msg_id = ids[i];
			m.hdr.type = T_REQ;
			CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
			m.hdr.dev_num = 0;
			m.hdr.type = B_REQ;
			CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
		}
	}

	/* IMPL event with the response bit; the request range may have it. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_IMPL;
	m.hdr.msg_id = 0xC0;
	m.hdr.type = T_RESP;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.hdr.msg_id = 0xFF;
	m.hdr.type = B_RESP;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.hdr.msg_id = 0xE0;
	m.hdr.type = 0xFD; /* response bit among reserved bits */
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), -EINVAL);
	m.hdr.msg_id = 0xC0;
	m.hdr.type = T_REQ;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 8);
	m.hdr.msg_id = 0xBF;
	m.hdr.type = B_RESP;
	CHECK_EQ(rte_vmsg_msg_build(buf, sizeof(buf), &m), 8);

	/* Larger than cap: -EMSGSIZE, nothing written past cap. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_INFO_RESP;
	CHECK_EQ(build_at_end(&m, 51), -EMSGSIZE);
	CHECK_EQ(build_at_end(&m, 8), -EMSGSIZE);
	CHECK_EQ(build_at_end(&m, 0), -EMSGSIZE);
	CHECK_EQ(build_at_end(&m, 52), 52);
	m.kind = RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP;
	m.u.features.num_blocks = 2;
	m.u.features.blocks = big_src;
	CHECK_EQ(build_at_end(&m, 23), -EMSGSIZE);
	CHECK_EQ(build_at_end(&m, 24), 24);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_IMPL;
	m.hdr.msg_id = 0x90;
	m.u.impl.len = 10;
	m.u.impl.payload = big_src;
	CHECK_EQ(build_at_end(&m, 17), -EMSGSIZE);
	CHECK_EQ(build_at_end(&m, 18), 18);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_RESP;
	m.u.get_devices.count = 17;
	m.u.get_devices.bitmap = big_src;
	CHECK_EQ(build_at_end(&m, 16), -EMSGSIZE);
	CHECK_EQ(build_at_end(&m, 17), 17);

	/* A frame over 65535 bytes, however big the buffer. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_IMPL;
	m.hdr.msg_id = 0x81;
	m.u.impl.payload = big_src;
	m.u.impl.len = 65535;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), -EMSGSIZE);
	m.u.impl.len = 65527;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), 65535);

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ;
	m.u.features.blocks = big_src;
	m.u.features.num_blocks = 16380;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), -EMSGSIZE);
	m.u.features.num_blocks = 0x40000000u; /* 16 + 4n wraps to 16 in 32 bits */
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), -EMSGSIZE);
	m.u.features.num_blocks = 0xFFFFFFFFu;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), -EMSGSIZE);
	CHECK(rte_vmsg_msg_size(&m) > 65535);
	m.u.features.num_blocks = 16379;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), 65532);

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_SET_CONFIG_REQ;
	m.u.config.data = big_src;
	m.u.config.length = 65516;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), -EMSGSIZE);
	m.u.config.length = 0xFFFFFFECu; /* 20 + length wraps to 0 in 32 bits */
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), -EMSGSIZE);
	m.u.config.length = 0xFFFFFFFFu;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), -EMSGSIZE);
	m.u.config.length = 65515;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), 65535);

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_EVENT_CONFIG;
	m.u.config.data = big_src;
	m.u.config.length = 65512;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), -EMSGSIZE);
	m.u.config.length = 65511;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), 65535);

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_RESP;
	m.u.get_devices.bitmap = big_src;
	m.u.get_devices.count = 0xFFFF;
	CHECK_EQ(rte_vmsg_msg_build(big_dst, sizeof(big_dst), &m), 14 + 8192);
}

int main(void)
{
	if (guard_init() != 0)
		VTEST_SKIP_BECAUSE("cannot map a guard page");
	test_table();
	test_fixed_sizes();
	test_null_args();
	test_every_reason_covered();
	test_build_errors();
	munmap(guard_map, guard_len);
	return vtest_done("test_msg_malformed");
}
