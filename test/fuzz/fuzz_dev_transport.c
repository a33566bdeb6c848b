/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: the device transport (lib/transport dev*.c) as a stateful
 * sequence of frames against a model device with a large config space
 * (300 bytes, writable), three queues (one absent), feature blocks and
 * hooks that fail when the input says so, on a link of a small maximum.
 * Every frame is handed to rte_vmsg_dev_handle() in a buffer of exactly its
 * length, the response written into one of exactly the maximum (or in
 * place). A response must parse under the device's profile and maximum, be
 * the response to the request (type, ID, token, dev_num), and each frame
 * must count exactly once: answered (requests) or consumed or dropped.
 *
 * Input: byte 0: bits 1:0 the maximum (52, 64, 128, 264), bit 2 strict
 * config generation, bit 3 the pre-v2 payloads, bit 4 no EVENT_AVAIL,
 * bits 7:5 the model's failures; then steps of one opcode byte (bits 1:0:
 * 0 a frame: le16 length, bytes; 1 a device-side config change: offset,
 * length; 2 reset done, needs-reset, EVENT_USED; 3 new model failures).
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_msg.h>
#include <rte_vmsg_transport.h>

#include "fuzz.h"

#define DEV_NUM 1
#define CFG_SIZE 300
#define MAX_STEPS 64

/* Model failures (bits of struct model.fail). */
#define FAIL_CONFIG_WRITE 1u
#define FAIL_QUEUE 2u /* queue_enable breaks the queue (or refuses, with FAIL_RESET) */
#define FAIL_RESET 4u /* reset stays in progress; queue_reset fails */

struct model {
	uint8_t cfg[CFG_SIZE];
	uint32_t fail;
	int in_reset;
};

static int m_config_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
	struct model *m = ctx;

	FUZZ_CHECK(len > 0 && off < CFG_SIZE && len <= CFG_SIZE - off);
	memcpy(buf, m->cfg + off, len);
	return 0;
}

static int m_config_write(void *ctx, uint32_t off, const void *data, uint32_t len)
{
	struct model *m = ctx;

	FUZZ_CHECK(len > 0 && off < CFG_SIZE && len <= CFG_SIZE - off);
	if (m->fail & FAIL_CONFIG_WRITE)
		return -EIO;
	memcpy(m->cfg + off, data, len);
	return 0;
}

static int m_queue_enable(void *ctx, uint32_t index, const struct rte_vmsg_dev_vq *vq)
{
	struct model *m = ctx;

	FUZZ_CHECK(index < 3 && index != 1);
	FUZZ_CHECK(vq->size != 0 && vq->size <= vq->max_size);
	if (m->fail & FAIL_QUEUE)
		return m->fail & FAIL_RESET ? RTE_VMSG_DEV_VQ_REFUSE : -ENOMEM;
	return 0;
}

static int m_queue_reset(void *ctx, uint32_t index)
{
	struct model *m = ctx;

	FUZZ_CHECK(index < 3 && index != 1);
	return m->fail & FAIL_RESET ? -EBUSY : 0;
}

static int m_reset(void *ctx)
{
	struct model *m = ctx;

	if (m->fail & FAIL_RESET) {
		m->in_reset = 1;
		return -EINPROGRESS;
	}
	return 0;
}

static int m_get_shm(void *ctx, uint32_t shmid, uint64_t *length, uint64_t *address)
{
	(void)ctx;
	if (shmid != 2)
		return -ENOENT;
	*length = 0x10000;
	*address = 0x80000000u;
	return 0;
}

static int m_event_avail(void *ctx, uint32_t vq_index, uint32_t next_offset)
{
	(void)ctx;
	(void)next_offset;
	FUZZ_CHECK(vq_index < 3 && vq_index != 1);
	return 0;
}

struct fz {
	struct rte_vmsg_dev *dev;
	uint32_t max;
	uint32_t prof;
};

static uint64_t counted(const struct rte_vmsg_dev_stats *s)
{
	return s->requests + s->events + s->drop_malformed + s->drop_unsupported +
	       s->drop_resp_too_big + s->drop_bus + s->drop_not_request + s->drop_dev_num +
	       s->drop_event_queue + s->drop_event_early + s->drop_event_polling;
}

/* A frame the device sent: well formed, within the maximum, from this device. */
static void check_sent(const struct fz *f, const uint8_t *out, int n, struct rte_vmsg_msg *m)
{
	FUZZ_CHECK(n >= (int)RTE_VMSG_HDR_SIZE && (uint32_t)n <= f->max);
	FUZZ_CHECK(rte_vmsg_msg_parse_profile(out, (size_t)n, f->max, f->prof, m, NULL) == 0);
	FUZZ_CHECK(m->hdr.msg_size == (uint32_t)n);
	FUZZ_CHECK(m->hdr.dev_num == DEV_NUM && !(m->hdr.type & RTE_VMSG_TYPE_BUS));
}

static void frame(struct fz *f, const uint8_t *data, size_t len, int in_place)
{
	struct rte_vmsg_dev_stats st0, st1;
	struct rte_vmsg_msg req, resp;
	size_t cap = in_place && len < f->max ? f->max : len;
	uint8_t *buf = malloc(cap != 0 ? cap : 1), *out;
	int req_ok, n;

	FUZZ_CHECK(buf != NULL);
	memcpy(buf, data, len);
	req_ok = rte_vmsg_msg_parse_profile(data, len, f->max, f->prof, &req, NULL) == 0;
	out = in_place ? buf : malloc(f->max);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(rte_vmsg_dev_stats_get(f->dev, &st0) == 0);
	FUZZ_CHECK(rte_vmsg_dev_handle(f->dev, buf, len, out, f->max - 1) == -ENOBUFS);
	n = rte_vmsg_dev_handle(f->dev, buf, len, out, f->max);
	FUZZ_CHECK(rte_vmsg_dev_stats_get(f->dev, &st1) == 0);
	FUZZ_CHECK(n >= 0);
	/* Rule 2: each frame is answered, consumed or dropped, and counted once. */
	FUZZ_CHECK(counted(&st1) == counted(&st0) + 1);
	FUZZ_CHECK((n > 0) == (st1.requests == st0.requests + 1));
	if (n > 0) {
		FUZZ_CHECK(req_ok && !(req.hdr.type & RTE_VMSG_TYPE_RESPONSE));
		check_sent(f, out, n, &resp);
		FUZZ_CHECK(resp.hdr.type & RTE_VMSG_TYPE_RESPONSE);
		FUZZ_CHECK(resp.kind == rte_vmsg_msg_response_kind(req.kind));
		FUZZ_CHECK(resp.hdr.msg_id == req.hdr.msg_id && resp.hdr.token == req.hdr.token);
	}
	if (!in_place)
		free(out);
	free(buf);
}

static void event(const struct fz *f, int n, enum rte_vmsg_msg_kind kind, uint8_t *out)
{
	struct rte_vmsg_msg m;

	if (n <= 0)
		return;
	check_sent(f, out, n, &m);
	FUZZ_CHECK(m.kind == kind && !(m.hdr.type & RTE_VMSG_TYPE_RESPONSE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t maxes[] = { RTE_VMSG_MAX_SIZE_MIN, 64, 128,
					  RTE_VMSG_MAX_SIZE_DEFAULT };
	static const uint32_t features[] = { 0x30000020u, 0x00000101u }; /* 5, 28, 29, 32, 40 */
	static const uint32_t qmax[] = { 64, 0, 256 };
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev_opts o;
	struct model m;
	struct fz f;
	uint8_t out[RTE_VMSG_MAX_SIZE_DEFAULT];
	size_t pos = 1, len;
	uint8_t cfg, op;
	int steps, n;

	if (size < 1)
		return 0;
	cfg = data[0];
	memset(&m, 0, sizeof(m));
	for (n = 0; n < CFG_SIZE; n++)
		m.cfg[n] = (uint8_t)n;
	m.fail = (uint32_t)cfg >> 5;

	memset(&ops, 0, sizeof(ops));
	ops.sz = sizeof(ops);
	ops.device_id = 1;
	ops.vendor_id = 0x1af4;
	ops.features = features;
	ops.num_feature_blocks = 2;
	ops.config_size = CFG_SIZE;
	ops.num_queues = 3;
	ops.queue_max_sizes = qmax;
	ops.config_read = m_config_read;
	ops.config_write = m_config_write;
	ops.queue_enable = m_queue_enable;
	ops.queue_reset = m_queue_reset;
	ops.reset = m_reset;
	ops.get_shm = m_get_shm;
	ops.event_avail = m_event_avail;

	memset(&f, 0, sizeof(f));
	f.max = maxes[cfg & 3];
	f.prof = cfg & 8 ? RTE_VMSG_PAYLOADS_PRE_V2 : RTE_VMSG_PAYLOADS_V2;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.dev_num = DEV_NUM;
	o.max_msg_size = f.max;
	o.transport_features = cfg & 4 ? RTE_VMSG_F_STRICT_CONFIG_GENERATION : 0;
	o.flags = cfg & 16 ? RTE_VMSG_DEV_F_NO_EVENT_AVAIL : 0;
	o.payloads = f.prof;
	FUZZ_CHECK(rte_vmsg_dev_create(&o, &ops, &m, &f.dev) == 0);

	for (steps = 0; steps < MAX_STEPS && pos < size; steps++) {
		op = data[pos++];
		switch (op & 3) {
		case 0:
			len = pos + 2 <= size ? rte_vmsg_get_le16(data + pos) % 512u : 0;
			pos += 2;
			if (pos > size)
				pos = size;
			if (len > size - pos)
				len = size - pos;
			frame(&f, data + pos, len, op & 4);
			pos += len;
			break;
		case 1:
			n = rte_vmsg_dev_config_changed(f.dev, (uint32_t)op >> 2 << 3,
							pos < size ? data[pos++] : 0, out, f.max);
			FUZZ_CHECK(n > 0 || n == -EINVAL);
			event(&f, n, RTE_VMSG_MSG_EVENT_CONFIG, out);
			break;
		case 2:
			if (op & 4 && m.in_reset) {
				m.in_reset = 0;
				n = rte_vmsg_dev_reset_done(f.dev);
				FUZZ_CHECK(n == 0 || n == -EALREADY);
			}
			n = rte_vmsg_dev_needs_reset(f.dev, out, f.max);
			FUZZ_CHECK(n >= 0);
			event(&f, n, RTE_VMSG_MSG_EVENT_CONFIG, out);
			n = rte_vmsg_dev_build_event_used(f.dev, (uint32_t)op >> 4, out, f.max);
			FUZZ_CHECK(n == 12 || n == 0 || n == -EINVAL || n == -EPERM);
			event(&f, n, RTE_VMSG_MSG_EVENT_USED, out);
			break;
		default:
			m.fail = (uint32_t)op >> 2;
			break;
		}
		FUZZ_CHECK(rte_vmsg_dev_status(f.dev) <= 0xFFu);
	}
	rte_vmsg_dev_destroy(f.dev);
	return 0;
}
