/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Device side of the transport: a configurable test device model (queues,
 * features, config space, hooks that can refuse), driven through
 * rte_vmsg_dev_handle() with frames built by rte_vmsg_msg_build(), responses
 * checked with rte_vmsg_msg_parse(). One test per checklist item of the
 * virtio-msg v2 reference (§12, DEV-n), named in the comment above it.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_transport.h>

#include "vtest.h"

#define CFG_SIZE 100u
#define NQ 4u
#define BUF 65536u

/* ------------------------------------------------------------------------ */
/* The test device model                                                     */

struct model {
	uint8_t cfg[CFG_SIZE];
	/* Behaviour switches. */
	int refuse_write;    /* config_write fails (nothing written) */
	int fail_read;	     /* config_read fails */
	int refuse_features; /* features_check refuses */
	int reset_rc;	     /* what the reset hook returns */
	int fail_status;     /* status_changed fails (fatal model error) */
	int refuse_enable;   /* queue_enable refuses (RTE_VMSG_DEV_VQ_REFUSE: nothing stored) */
	int fail_enable;     /* queue_enable fails (the queue breaks: stored, NEEDS_RESET) */
	int refuse_qreset;   /* queue_reset refuses */
	int avail_rc;	     /* what event_avail returns */
	/* Calls seen. */
	int n_check, n_read, n_write, n_status, n_enable, n_qreset, n_reset, n_shm, n_avail;
	uint32_t last_old, last_new;
	uint32_t last_vq, last_off;
	uint32_t check_blocks[4];
	uint32_t check_n;
	struct rte_vmsg_dev_vq enable_vq;
	uint32_t enabled_at_reset; /* queues the reset hook saw enabled */
	/* Re-entrancy probes, run inside hooks when dev != NULL. */
	struct rte_vmsg_dev *dev;
	int reenter_handle, reenter_changed, reenter_needs, reenter_done, reenter_used;
	int reenter_notify_used, reenter_notify_cfg;
	int getter_status;
};

static int m_features_check(void *ctx, const uint32_t *f, uint32_t n)
{
	struct model *m = ctx;
	uint32_t k;

	m->n_check++;
	m->check_n = n;
	for (k = 0; k < n && k < 4; k++)
		m->check_blocks[k] = f[k];
	return m->refuse_features ? -ENOTSUP : 0;
}

static int m_config_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
	struct model *m = ctx;

	m->n_read++;
	if (off + len > CFG_SIZE) /* the library checked it; a failure here is a bug */
		abort();
	if (m->fail_read)
		return -EIO;
	memcpy(buf, m->cfg + off, len);
	return 0;
}

static int m_config_write(void *ctx, uint32_t off, const void *data, uint32_t len)
{
	struct model *m = ctx;

	m->n_write++;
	if (off + len > CFG_SIZE)
		abort();
	if (m->refuse_write)
		return -EPERM;
	memcpy(m->cfg + off, data, len);
	return 0;
}

static int m_status(void *ctx, uint32_t old_status, uint32_t new_status)
{
	struct model *m = ctx;
	uint8_t buf[BUF];

	memset(buf, 0, 8);
	m->n_status++;
	m->last_old = old_status;
	m->last_new = new_status;
	if (m->dev != NULL) {
		m->reenter_handle = rte_vmsg_dev_handle(m->dev, buf, 8, buf, sizeof(buf));
		m->reenter_changed = rte_vmsg_dev_config_changed(m->dev, 0, 0, buf, sizeof(buf));
		m->reenter_needs = rte_vmsg_dev_needs_reset(m->dev, buf, sizeof(buf));
		m->reenter_done = rte_vmsg_dev_reset_done(m->dev);
		m->getter_status = (int)rte_vmsg_dev_status(m->dev);
	}
	return m->fail_status ? -EIO : 0;
}

static int m_queue_enable(void *ctx, uint32_t index, const struct rte_vmsg_dev_vq *vq)
{
	struct model *m = ctx;

	(void)index;
	m->n_enable++;
	m->enable_vq = *vq;
	if (m->refuse_enable)
		return RTE_VMSG_DEV_VQ_REFUSE;
	return m->fail_enable ? -EFAULT : 0;
}

static int m_queue_reset(void *ctx, uint32_t index)
{
	struct model *m = ctx;

	(void)index;
	m->n_qreset++;
	return m->refuse_qreset ? -EBUSY : 0;
}

static int m_reset(void *ctx)
{
	struct model *m = ctx;
	struct rte_vmsg_dev_vq q;
	uint32_t i;

	m->n_reset++;
	m->enabled_at_reset = 0;
	if (m->dev != NULL) {
		for (i = 0; i < NQ; i++)
			if (rte_vmsg_dev_vq_get(m->dev, i, &q) == 0 && q.enabled)
				m->enabled_at_reset++;
		m->reenter_done = rte_vmsg_dev_reset_done(m->dev);
	}
	return m->reset_rc;
}

static int m_get_shm(void *ctx, uint32_t shmid, uint64_t *length, uint64_t *address)
{
	struct model *m = ctx;

	m->n_shm++;
	if (shmid == 0) {
		*length = 0x200000;
		*address = 0x1122334455667788ull;
		return 0;
	}
	if (shmid == 7) { /* a region of length 0 is no region */
		*length = 0;
		*address = 0xDEAD;
		return 0;
	}
	return -ENOENT;
}

static int m_event_avail(void *ctx, uint32_t vq, uint32_t next_offset)
{
	struct model *m = ctx;
	uint8_t buf[BUF];

	m->n_avail++;
	m->last_vq = vq;
	m->last_off = next_offset;
	if (m->dev != NULL) {
		m->reenter_used = rte_vmsg_dev_build_event_used(m->dev, vq, buf, sizeof(buf));
		m->reenter_notify_used = rte_vmsg_dev_notify_used(m->dev, vq);
		m->reenter_notify_cfg = rte_vmsg_dev_notify_config(m->dev, 0, 0);
	}
	return m->avail_rc;
}

/* Offered: bits 0, 5, 31; 32 (VERSION_1), 40 (RING_RESET); 66; a trailing zero block. */
static const uint32_t offered[4] = { 0x80000021u, 0x00000101u, 0x00000004u, 0 };
static const uint32_t qmax[NQ] = { 256, 0, 1024, 64 }; /* queue 1 absent */
static const uint8_t uuid_v4[16] = { 0x3b, 0x24, 0x1a, 0x10, 0x9c, 0x51, 0x4e, 0x2f,
				     0x8d, 0x33, 0x07, 0xa1, 0xc2, 0x5e, 0x66, 0x90 };

static void model_ops(struct rte_vmsg_dev_ops *ops)
{
	memset(ops, 0, sizeof(*ops));
	ops->sz = sizeof(*ops);
	ops->device_id = 1;
	ops->vendor_id = 0x554D4551u;
	memcpy(ops->uuid, uuid_v4, 16);
	ops->admin_vq_start = 3;
	ops->admin_vq_count = 1;
	ops->features = offered;
	ops->num_feature_blocks = 4;
	ops->config_size = CFG_SIZE;
	ops->num_queues = NQ;
	ops->queue_max_sizes = qmax;
	ops->features_check = m_features_check;
	ops->config_read = m_config_read;
	ops->config_write = m_config_write;
	ops->status_changed = m_status;
	ops->queue_enable = m_queue_enable;
	ops->queue_reset = m_queue_reset;
	ops->reset = m_reset;
	ops->get_shm = m_get_shm;
	ops->event_avail = m_event_avail;
}

static void model_opts(struct rte_vmsg_dev_opts *o, uint16_t dev_num, uint32_t max)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->dev_num = dev_num;
	o->max_msg_size = max;
}

/* ------------------------------------------------------------------------ */
/* A device under test and the request helpers                              */

struct tdev {
	struct rte_vmsg_dev *dev;
	struct model m;
	uint32_t max;
	uint16_t dev_num;
	uint16_t token;
	uint8_t req[BUF];
	uint8_t resp[BUF];
	struct rte_vmsg_msg r; /* the last response, parsed */
};

static struct tdev *tdev_new_bus(uint16_t dev_num, uint32_t max, uint64_t tfeat, uint64_t flags,
				 const struct rte_vmsg_dev_ops *ops, struct rte_vmsg_bus *bus)
{
	struct tdev *t = calloc(1, sizeof(*t));
	struct rte_vmsg_dev_ops dflt;
	struct rte_vmsg_dev_opts o;
	uint32_t i;
	int rc;

	if (t == NULL)
		abort();
	if (ops == NULL) {
		model_ops(&dflt);
		ops = &dflt;
	}
	for (i = 0; i < CFG_SIZE; i++)
		t->m.cfg[i] = (uint8_t)(0xA0 + i);
	t->max = max;
	t->dev_num = dev_num;
	t->token = 0x7000;
	model_opts(&o, dev_num, max);
	o.transport_features = tfeat;
	o.flags = flags;
	o.bus = bus;
	rc = rte_vmsg_dev_create(&o, ops, &t->m, &t->dev);
	CHECK_EQ(rc, 0);
	if (rc != 0)
		abort();
	t->max = rte_vmsg_dev_max_msg_size(t->dev); /* the bus's, with a bus */
	return t;
}

static struct tdev *tdev_new_ops(uint16_t dev_num, uint32_t max, uint64_t tfeat, uint64_t flags,
				 const struct rte_vmsg_dev_ops *ops)
{
	return tdev_new_bus(dev_num, max, tfeat, flags, ops, NULL);
}

static struct tdev *tdev_new(uint16_t dev_num, uint32_t max, uint64_t tfeat, uint64_t flags)
{
	struct rte_vmsg_dev_ops ops;

	model_ops(&ops);
	return tdev_new_ops(dev_num, max, tfeat, flags, &ops);
}

static void tdev_free(struct tdev *t)
{
	rte_vmsg_dev_destroy(t->dev);
	free(t);
}

/*
 * Hands the frame in t->req to the device; checks every response for the
 * header rules (DEV-1, DEV-3, DEV-4, GEN-7) and parses it into t->r.
 */
static int deliver(struct tdev *t, size_t len)
{
	struct rte_vmsg_msg req;
	int n, rc;

	n = rte_vmsg_dev_handle(t->dev, t->req, len, t->resp, sizeof(t->resp));
	if (n <= 0)
		return n;
	CHECK((uint32_t)n <= t->max);				      /* DEV-1 */
	CHECK_EQ(t->resp[RTE_VMSG_OFF_TYPE], RTE_VMSG_TYPE_RESPONSE); /* DEV-3: bits 7:2 zero */
	CHECK_EQ(t->resp[RTE_VMSG_OFF_MSG_ID], t->req[RTE_VMSG_OFF_MSG_ID]);
	CHECK_EQ(rte_vmsg_get_le16(t->resp + RTE_VMSG_OFF_DEV_NUM), t->dev_num); /* DEV-3 */
	CHECK_EQ(rte_vmsg_get_le16(t->resp + RTE_VMSG_OFF_TOKEN),
		 rte_vmsg_get_le16(t->req + RTE_VMSG_OFF_TOKEN));	 /* DEV-4 */
	CHECK_EQ(rte_vmsg_get_le16(t->resp + RTE_VMSG_OFF_MSG_SIZE), n); /* DEV-3 */
	rc = rte_vmsg_msg_parse(t->resp, (size_t)n, t->max, &t->r, NULL);
	CHECK_EQ(rc, 0);
	if (rte_vmsg_msg_parse(t->req, len, t->max, &req, NULL) == 0) {
		CHECK(rte_vmsg_msg_answers(&req.hdr, &t->r.hdr));
		CHECK_EQ(t->r.kind, rte_vmsg_msg_response_kind(req.kind));
	}
	return n;
}

/* Builds @m for this device with a fresh token and delivers it. */
static int transact(struct tdev *t, struct rte_vmsg_msg *m)
{
	int len;

	m->hdr.dev_num = t->dev_num;
	m->hdr.token = ++t->token;
	len = rte_vmsg_msg_build(t->req, sizeof(t->req), m);
	CHECK(len > 0);
	if (len <= 0)
		return -1;
	return deliver(t, (size_t)len);
}

static struct rte_vmsg_msg mk(enum rte_vmsg_msg_kind kind)
{
	struct rte_vmsg_msg m;

	memset(&m, 0, sizeof(m));
	m.kind = kind;
	return m;
}

static uint32_t get_status(struct tdev *t)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ);

	CHECK_EQ(transact(t, &m), 12);
	return t->r.u.status;
}

static uint32_t set_status(struct tdev *t, uint32_t v)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ);

	m.u.status = v;
	CHECK_EQ(transact(t, &m), 12);
	return t->r.u.status;
}

static struct rte_vmsg_dev_info get_info(struct tdev *t)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_GET_DEVICE_INFO_REQ);

	CHECK_EQ(transact(t, &m), 52);
	return t->r.u.dev_info;
}

/* GET_DEVICE_FEATURES into out[n]; returns the response length. */
static int get_features(struct tdev *t, uint32_t bi, uint32_t n, uint32_t *out)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ);
	uint32_t k;
	int len;

	m.u.features.block_index = bi;
	m.u.features.num_blocks = n;
	len = transact(t, &m);
	if (len > 0) {
		CHECK_EQ(t->r.u.features.block_index, bi);
		CHECK_EQ(t->r.u.features.num_blocks, n);
		for (k = 0; k < n && out != NULL; k++)
			out[k] = rte_vmsg_msg_feature_block(&t->r.u.features, k);
	}
	return len;
}

static void set_features(struct tdev *t, uint32_t bi, uint32_t n, const uint32_t *w)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ);
	uint8_t le[64];
	uint32_t k;

	for (k = 0; k < n; k++)
		rte_vmsg_put_le32(le + 4 * k, w[k]);
	m.u.features.block_index = bi;
	m.u.features.num_blocks = n;
	m.u.features.blocks = le;
	CHECK_EQ(transact(t, &m), 8);
}

/* GET_CONFIG; returns the response length; the view is in t->r.u.config. */
static int get_config(struct tdev *t, uint32_t off, uint32_t len)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_GET_CONFIG_REQ);

	m.u.config.offset = off;
	m.u.config.length = len;
	return transact(t, &m);
}

static int set_config(struct tdev *t, uint32_t gen, uint32_t off, uint32_t len, const void *data)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_SET_CONFIG_REQ);

	m.u.config.generation = gen;
	m.u.config.offset = off;
	m.u.config.length = len;
	m.u.config.data = data;
	return transact(t, &m);
}

static struct rte_vmsg_vqueue get_vq(struct tdev *t, uint32_t index)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_GET_VQUEUE_REQ);

	m.u.vq_index = index;
	CHECK_EQ(transact(t, &m), 48);
	CHECK_EQ(t->r.u.vqueue.index, index);
	return t->r.u.vqueue;
}

static void set_vq(struct tdev *t, uint32_t index, uint32_t flags, uint32_t size, uint64_t desc,
		   uint64_t drv, uint64_t dev)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_SET_VQUEUE_REQ);

	m.u.vqueue.index = index;
	m.u.vqueue.flags = flags;
	m.u.vqueue.size = size;
	m.u.vqueue.desc_addr = desc;
	m.u.vqueue.driver_addr = drv;
	m.u.vqueue.device_addr = dev;
	CHECK_EQ(transact(t, &m), 8); /* always the same empty response */
}

static void reset_vq(struct tdev *t, uint32_t index)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_RESET_VQUEUE_REQ);

	m.u.vq_index = index;
	CHECK_EQ(transact(t, &m), 8);
}

/* Sends EVENT_AVAIL; returns what handle returned (always 0 for an event). */
static int event_avail(struct tdev *t, uint32_t vq, uint32_t next)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_EVENT_AVAIL);

	m.u.event_avail.vq_index = vq;
	m.u.event_avail.next_offset = next;
	return transact(t, &m);
}

static struct rte_vmsg_dev_stats stats(struct tdev *t)
{
	struct rte_vmsg_dev_stats st;

	CHECK_EQ(rte_vmsg_dev_stats_get(t->dev, &st), 0);
	return st;
}

/* Reset, ACKNOWLEDGE, DRIVER, the given features, FEATURES_OK; returns the status read back. */
static uint32_t to_features_ok(struct tdev *t, const uint32_t *drv, uint32_t n)
{
	set_status(t, 0);
	set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE);
	set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	set_features(t, 0, n, drv);
	return set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER |
				     RTE_VMSG_STATUS_FEATURES_OK);
}

#define S_FEAT (RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER | RTE_VMSG_STATUS_FEATURES_OK)
#define S_LIVE (S_FEAT | RTE_VMSG_STATUS_DRIVER_OK)

/* Programs and enables queue @index with a size and distinctive addresses. */
static void enable_vq(struct tdev *t, uint32_t index, uint32_t size)
{
	set_vq(t, index, RTE_VMSG_VQ_OP_ENABLE, size, 0x10000 + index * 0x1000ull,
	       0x20000 + index * 0x1000ull, 0x30000 + index * 0x1000ull);
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */

/* DEV-8, DEV-9, DEV-13, DEV-35: the model description and options are validated. */
static void test_create_negative(void)
{
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev_opts o;
	struct rte_vmsg_dev *d = NULL;
	uint32_t f39[2] = { 0, 1u << 7 }; /* bit 39: VIRTIO_F_NOTIF_CONFIG_DATA */
	uint32_t many[NQ + 1];
	struct {
		struct rte_vmsg_dev_opts o;
		uint64_t extra;
	} big_o;
	struct {
		struct rte_vmsg_dev_ops ops;
		uint64_t extra;
	} big_ops;
	struct model m;

	memset(&m, 0, sizeof(m));
	model_ops(&ops);
	model_opts(&o, 1, 264);
	CHECK_EQ(rte_vmsg_dev_create(NULL, &ops, &m, &d), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_create(&o, NULL, &m, &d), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, NULL), -EINVAL);

	/*
	 * Options: size, unknown bytes, reserved, flags, transport features,
	 * max size. The options rule: an sz below sizeof(size_t) is refused;
	 * one that ends inside a field is an older caller's, missing bytes zero.
	 */
	o.sz = 0;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	o.sz = sizeof(size_t) - 1;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	o.sz = sizeof(o) - 1;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), 0);
	CHECK(rte_vmsg_dev_bus(d) == NULL);
	rte_vmsg_dev_destroy(d);
	d = NULL;
	/* Ending inside max_msg_size: it reads as 0, which a device without a bus refuses. */
	o.sz = offsetof(struct rte_vmsg_dev_opts, max_msg_size) + 1;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	o.sz = sizeof(o);
	memset(&big_o, 0, sizeof(big_o));
	big_o.o = o;
	big_o.o.sz = sizeof(big_o);
	CHECK_EQ(rte_vmsg_dev_create(&big_o.o, &ops, &m, &d), 0); /* zero tail: accepted */
	rte_vmsg_dev_destroy(d);
	d = NULL;
	big_o.extra = 1;
	CHECK_EQ(rte_vmsg_dev_create(&big_o.o, &ops, &m, &d), -EINVAL);
	model_opts(&o, 1, 264);
	o.reserved0 = 1;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	model_opts(&o, 1, 264);
	o.flags = 1ull << 2;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	model_opts(&o, 1, 264);
	o.transport_features = 2;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	model_opts(&o, 1, 51);
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	model_opts(&o, 1, 0);
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	model_opts(&o, 1, 65536);
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	model_opts(&o, 1, 52);
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), 0);
	rte_vmsg_dev_destroy(d);
	model_opts(&o, 1, 65535);
	o.transport_features = RTE_VMSG_F_STRICT_CONFIG_GENERATION;
	o.flags = RTE_VMSG_DEV_F_NO_EVENT_AVAIL | RTE_VMSG_DEV_F_NO_EVENT_USED;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), 0);
	rte_vmsg_dev_destroy(d);
	d = NULL;
	model_opts(&o, 1, 264);

	/*
	 * Ops: size and unknown bytes. An older table (without the last hook)
	 * is accepted, the hook NULL; an sz below sizeof(size_t) is refused.
	 */
	ops.sz = sizeof(ops) - sizeof(ops.event_avail);
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), 0);
	rte_vmsg_dev_destroy(d);
	d = NULL;
	ops.sz = sizeof(size_t) - 1;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	model_ops(&ops);
	memset(&big_ops, 0, sizeof(big_ops));
	model_ops(&big_ops.ops);
	big_ops.ops.sz = sizeof(big_ops);
	big_ops.extra = 0xFF;
	CHECK_EQ(rte_vmsg_dev_create(&o, &big_ops.ops, &m, &d), -EINVAL);

	/* DEV-8: max_virtqueues <= 65536. */
	model_ops(&ops);
	ops.queue_max_sizes = NULL;
	ops.queue_max_size = 8;
	ops.num_queues = 65537;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	ops.num_queues = 65536;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), 0);
	rte_vmsg_dev_destroy(d);
	d = NULL;

	/* DEV-9: admin range. */
	model_ops(&ops);
	ops.admin_vq_count = 0;
	ops.admin_vq_start = 1;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	ops.admin_vq_start = 3;
	ops.admin_vq_count = 2; /* 3 + 2 > 4 */
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	ops.admin_vq_start = 0xFFFFFFFFu;
	ops.admin_vq_count = 2; /* wraps in 32 bits */
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);

	/* DEV-13: never offer VIRTIO_F_NOTIF_CONFIG_DATA. */
	model_ops(&ops);
	ops.features = f39;
	ops.num_feature_blocks = 2;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	ops.num_feature_blocks = 1; /* bit 39 not in the offered blocks: fine */
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), 0);
	rte_vmsg_dev_destroy(d);
	d = NULL;
	ops.features = NULL;
	ops.num_feature_blocks = 3;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);

	/* Config space needs a reader. */
	model_ops(&ops);
	ops.config_read = NULL;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), -EINVAL);
	ops.config_size = 0;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), 0);
	rte_vmsg_dev_destroy(d);
	d = NULL;

	/* The caller's arrays are copied: changing them later changes nothing. */
	model_ops(&ops);
	memcpy(many, qmax, sizeof(qmax));
	ops.queue_max_sizes = many;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &m, &d), 0);
	many[0] = 7;
	{
		struct rte_vmsg_dev_vq q;

		CHECK_EQ(rte_vmsg_dev_vq_get(d, 0, &q), 0);
		CHECK_EQ(q.max_size, 256);
		CHECK_EQ(rte_vmsg_dev_vq_get(d, NQ, &q), -EINVAL);
		CHECK_EQ(rte_vmsg_dev_vq_get(d, 0, NULL), -EINVAL);
	}
	rte_vmsg_dev_destroy(d);
	rte_vmsg_dev_destroy(NULL);
}

/* ------------------------------------------------------------------------ */
/* Identity                                                                  */

/* DEV-7, DEV-8, DEV-9, DEV-10: GET_DEVICE_INFO in every state, consistent values. */
static void test_device_info(void)
{
	struct tdev *t = tdev_new(0x1234, 264, 0, 0);
	struct rte_vmsg_dev_info a, b;
	uint8_t buf[BUF];

	a = get_info(t); /* inactive: status 0, nothing negotiated */
	CHECK_EQ(a.device_id, 1);
	CHECK_EQ(a.vendor_id, 0x554D4551u);
	CHECK_MEM(a.uuid, uuid_v4, 16);	   /* DEV-10: verbatim */
	CHECK_EQ(a.num_feature_blocks, 3); /* DEV-8: covers bit 66, trailing zero block dropped */
	CHECK_EQ(a.config_size, CFG_SIZE);
	CHECK_EQ(a.max_virtqueues, NQ);
	CHECK_EQ(a.admin_vq_start, 3); /* DEV-9 */
	CHECK_EQ(a.admin_vq_count, 1);
	CHECK(a.admin_vq_start + a.admin_vq_count <= a.max_virtqueues);

	/* The same answer while initialising, live, needing reset, and resetting. */
	to_features_ok(t, offered, 3);
	b = get_info(t);
	CHECK_MEM(&a, &b, sizeof(a));
	set_status(t, S_LIVE);
	b = get_info(t);
	CHECK_MEM(&a, &b, sizeof(a));
	CHECK(rte_vmsg_dev_needs_reset(t->dev, buf, sizeof(buf)) > 0);
	b = get_info(t);
	CHECK_MEM(&a, &b, sizeof(a));
	t->m.reset_rc = -EINPROGRESS;
	set_status(t, 0);
	CHECK(get_status(t) != 0);
	b = get_info(t);
	CHECK_MEM(&a, &b, sizeof(a));
	CHECK_EQ(rte_vmsg_dev_reset_done(t->dev), 0);
	tdev_free(t);

	/* DEV-10: nil UUID, no admin queues (count 0 => start 0), no features, no config. */
	{
		struct rte_vmsg_dev_ops ops;
		static const uint8_t nil[16];

		model_ops(&ops);
		memset(ops.uuid, 0, 16);
		ops.admin_vq_start = 0;
		ops.admin_vq_count = 0;
		ops.features = NULL;
		ops.num_feature_blocks = 0;
		ops.config_size = 0;
		t = tdev_new_ops(0, 52, 0, 0, &ops);
		a = get_info(t);
		CHECK_MEM(a.uuid, nil, 16);
		CHECK_EQ(a.admin_vq_start, 0);
		CHECK_EQ(a.admin_vq_count, 0);
		CHECK_EQ(a.num_feature_blocks, 0);
		CHECK_EQ(a.config_size, 0);
		tdev_free(t);
	}
}

/* ------------------------------------------------------------------------ */
/* Header rules and dispatch                                                 */

/* Sends one request of each of the 11 kinds; returns how many were answered. */
static int all_requests(struct tdev *t)
{
	static const enum rte_vmsg_msg_kind kinds[] = {
		RTE_VMSG_MSG_GET_DEVICE_INFO_REQ,
		RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ,
		RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ,
		RTE_VMSG_MSG_GET_CONFIG_REQ,
		RTE_VMSG_MSG_SET_CONFIG_REQ,
		RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ,
		RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ,
		RTE_VMSG_MSG_GET_VQUEUE_REQ,
		RTE_VMSG_MSG_SET_VQUEUE_REQ,
		RTE_VMSG_MSG_RESET_VQUEUE_REQ,
		RTE_VMSG_MSG_GET_SHM_REQ,
	};
	static const uint8_t four[4] = { 1, 2, 3, 4 };
	size_t i;
	int answered = 0;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct rte_vmsg_msg m = mk(kinds[i]);

		if (kinds[i] == RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ)
			m.u.features.num_blocks = 2;
		if (kinds[i] == RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ) {
			m.u.features.num_blocks = 1;
			m.u.features.blocks = four;
		}
		if (kinds[i] == RTE_VMSG_MSG_GET_CONFIG_REQ ||
		    kinds[i] == RTE_VMSG_MSG_SET_CONFIG_REQ) {
			m.u.config.offset = 4;
			m.u.config.length = 4;
			m.u.config.data = four;
		}
		if (kinds[i] == RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ)
			m.u.status = RTE_VMSG_STATUS_ACKNOWLEDGE;
		if (transact(t, &m) > 0)
			answered++;
	}
	return answered;
}

/* DEV-6: all 11 requests are implemented and answered with their response kind. */
static void test_all_requests(void)
{
	struct tdev *t = tdev_new(0x0042, 264, 0, 0);

	CHECK_EQ(all_requests(t), 11); /* deliver() checks kind and header of each */
	CHECK_EQ(stats(t).requests, 11);
	tdev_free(t);
	/* Device number 0 is a legal device (GEN-6) and gets its answers too. */
	t = tdev_new(0, 52, RTE_VMSG_F_STRICT_CONFIG_GENERATION, 0);
	CHECK_EQ(all_requests(t), 11);
	tdev_free(t);
}

/*
 * DEV-3, DEV-4 (and GEN-4, GEN-7): responses have type 0x01 (reserved bits 0)
 * even when the request had reserved type bits set, the request's msg_id,
 * the device's dev_num, the request's token, and msg_size = frame length.
 */
static void test_header_rules(void)
{
	struct tdev *t = tdev_new(0xBEEF, 264, 0, 0);
	static const uint16_t tokens[] = { 0, 1, 0x8000, 0xFFFF, 0x1234 };
	struct rte_vmsg_msg m;
	size_t i;
	int len, n;

	for (i = 0; i < sizeof(tokens) / sizeof(tokens[0]); i++) {
		m = mk(RTE_VMSG_MSG_GET_VQUEUE_REQ);
		m.hdr.dev_num = t->dev_num;
		m.hdr.token = tokens[i];
		m.u.vq_index = 2;
		len = rte_vmsg_msg_build(t->req, sizeof(t->req), &m);
		t->req[RTE_VMSG_OFF_TYPE] |= 0xFC; /* GEN-4: reserved bits set by a sloppy sender */
		n = deliver(t, (size_t)len);
		CHECK_EQ(n, 48);
		CHECK_EQ(t->resp[RTE_VMSG_OFF_TYPE], 0x01);
		CHECK_EQ(t->r.hdr.token, tokens[i]);
		CHECK_EQ(t->r.hdr.dev_num, 0xBEEF);
		CHECK_EQ(rte_vmsg_dev_num(t->dev), 0xBEEF);
	}
	/* DEV-3: zero padding: reserved fields of the answers are 0 (GET_SHM reserved). */
	m = mk(RTE_VMSG_MSG_GET_SHM_REQ);
	m.u.shm.shmid = 0;
	CHECK_EQ(transact(t, &m), 32);
	CHECK_EQ(rte_vmsg_get_le32(t->resp + 12), 0);
	/* GET_VQUEUE flags bits 31:1 zero, sentinel zeros. */
	(void)get_vq(t, 3);
	CHECK_EQ(rte_vmsg_get_le32(t->resp + 20), 0);
	tdev_free(t);
}

/*
 * DEV-5: requests are handled in arrival order, one response each: every
 * valid request gives exactly one response, and each sees the effect of
 * the requests before it and none after it.
 */
static void test_order(void)
{
	struct tdev *t = tdev_new(5, 264, 0, 0);
	struct rte_vmsg_dev_stats st;
	static const uint8_t a[4] = { 1, 1, 1, 1 }, b[4] = { 2, 2, 2, 2 };
	int i;

	for (i = 0; i < 10; i++) {
		CHECK_EQ(set_config(t, 0, 8, 4, (i & 1) ? b : a), 24);
		CHECK_EQ(get_config(t, 8, 4), 24);
		CHECK_MEM(t->r.u.config.data, (i & 1) ? b : a, 4);
	}
	CHECK_EQ(get_vq(t, 0).size, 0);
	set_vq(t, 0, RTE_VMSG_VQ_OP_KEEP_DISABLED, 128, 1, 2, 3);
	CHECK_EQ(get_vq(t, 0).size, 128);
	set_vq(t, 0, RTE_VMSG_VQ_OP_KEEP_DISABLED, 64, 1, 2, 3);
	CHECK_EQ(get_vq(t, 0).size, 64);
	/* The same request twice: answered twice. */
	CHECK_EQ(get_status(t), 0);
	CHECK_EQ(get_status(t), 0);
	st = stats(t);
	CHECK_EQ(st.requests, 20 + 5 + 2);
	tdev_free(t);
}

/* ------------------------------------------------------------------------ */
/* Features                                                                  */

/* DEV-11: GET_DEVICE_FEATURES echoes index/count, gives offered bits, zeros past them. */
static void test_get_features(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	uint32_t w[16];

	CHECK_EQ(get_features(t, 0, 3, w), 16 + 12);
	CHECK_U64(w[0], offered[0]);
	CHECK_U64(w[1], offered[1]);
	CHECK_U64(w[2], offered[2]);
	CHECK_EQ(get_features(t, 1, 5, w), 16 + 20);
	CHECK_U64(w[0], offered[1]);
	CHECK_U64(w[1], offered[2]);
	CHECK_U64(w[2], 0);
	CHECK_U64(w[3], 0);
	CHECK_U64(w[4], 0);
	/* block_index near 2^32: no wrap back into the offered blocks. */
	CHECK_EQ(get_features(t, 0xFFFFFFFEu, 4, w), 16 + 16);
	CHECK_U64(w[0] | w[1] | w[2] | w[3], 0);
	CHECK_EQ(get_features(t, 0, 0, NULL), 16);
	CHECK_EQ(get_features(t, 7, 1, w), 20);
	CHECK_U64(w[0], 0);
	tdev_free(t);
}

/* DEV-12: SET_DRIVER_FEATURES changes only the addressed blocks and never shows in GET. */
static void test_set_features(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	uint32_t w[3], sel;

	set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	sel = 0x21;
	set_features(t, 0, 1, &sel); /* block 0 */
	sel = 0x100;
	set_features(t, 1, 1, &sel); /* block 1: RING_RESET only */
	sel = 0x20;
	set_features(t, 0, 1, &sel);		/* block 0 again: replaces it, block 1 kept */
	CHECK_EQ(get_features(t, 0, 3, w), 28); /* the offered set, unchanged */
	CHECK_U64(w[0], offered[0]);
	CHECK_U64(w[1], offered[1]);
	CHECK_U64(w[2], offered[2]);
	CHECK_EQ(set_status(t, S_FEAT), S_FEAT);
	CHECK_EQ(t->m.check_n, 3);
	CHECK_U64(t->m.check_blocks[0], 0x20);
	CHECK_U64(t->m.check_blocks[1], 0x100);
	CHECK_U64(t->m.check_blocks[2], 0);
	CHECK_EQ(rte_vmsg_dev_features_get(t->dev, 0, w, 3), 0);
	CHECK_U64(w[0], 0x20);
	CHECK_U64(w[1], 0x100);
	CHECK_U64(w[2], 0);
	CHECK(rte_vmsg_dev_has_feature(t->dev, 5));
	CHECK(!rte_vmsg_dev_has_feature(t->dev, 0));
	CHECK(rte_vmsg_dev_has_feature(t->dev, RTE_VMSG_VIRTIO_F_RING_RESET));
	CHECK(!rte_vmsg_dev_has_feature(t->dev, 1000));
	CHECK_EQ(rte_vmsg_dev_features_get(t->dev, 0, NULL, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_features_get(t->dev, 0, NULL, 0), 0);
	/* Fixed once FEATURES_OK is accepted: a later SET_DRIVER_FEATURES changes nothing. */
	sel = 0x1;
	set_features(t, 0, 1, &sel);
	CHECK_EQ(rte_vmsg_dev_features_get(t->dev, 0, w, 1), 0);
	CHECK_U64(w[0], 0x20);
	/* Zeros written past the offered blocks are harmless. */
	{
		uint32_t four[4] = { 0x1, 0x1, 0, 0 };

		to_features_ok(t, four, 2);
		set_features(t, 0, 4, four);
		CHECK_EQ(get_status(t), S_FEAT);
	}
	tdev_free(t);
}

/* DEV-14, DEV-13: FEATURES_OK refused by the model, for unoffered bits, for bit 39. */
static void test_features_ok(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	uint32_t sel[4];
	uint32_t w[2];

	/* The model refuses: FEATURES_OK clear in the response and afterwards. */
	t->m.refuse_features = 1;
	CHECK_EQ(to_features_ok(t, offered, 3),
		 RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	CHECK_EQ(get_status(t), RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	CHECK(!rte_vmsg_dev_has_feature(t->dev, 0));
	CHECK_EQ(rte_vmsg_dev_features_get(t->dev, 0, w, 2), 0);
	CHECK_U64(w[0] | w[1], 0);
	t->m.refuse_features = 0;
	/* Retrying FEATURES_OK re-checks. */
	CHECK_EQ(set_status(t, S_FEAT), S_FEAT);

	/* A bit not offered (bit 1): refused by the library, the model is not asked. */
	t->m.n_check = 0;
	sel[0] = 0x3;
	CHECK_EQ(to_features_ok(t, sel, 1), RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	CHECK_EQ(t->m.n_check, 0);

	/* DEV-13: VIRTIO_F_NOTIF_CONFIG_DATA is never offered, so never accepted. */
	sel[0] = 0;
	sel[1] = 1u << (RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA - 32);
	CHECK_EQ(to_features_ok(t, sel, 2), RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	CHECK_EQ(get_features(t, 1, 1, w), 20);
	CHECK_U64(w[0] & (1u << 7), 0);

	/* A bit past the offered blocks. */
	sel[0] = 0x1;
	sel[1] = 0;
	sel[2] = 0;
	sel[3] = 0x80;
	CHECK_EQ(to_features_ok(t, sel, 4), RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);

	/* A subset is accepted; an empty set too. */
	sel[0] = 0x1;
	CHECK_EQ(to_features_ok(t, sel, 1), S_FEAT);
	sel[0] = 0;
	CHECK_EQ(to_features_ok(t, sel, 1), S_FEAT);
	CHECK_EQ(get_status(t), S_FEAT);
	tdev_free(t);
}

/*
 * DRIVER_OK only on accepted features (virtio 1.x 3.1.1): in the write whose
 * features are refused (a bit not offered), and straight after a reset
 * without FEATURES_OK, DRIVER_OK is not taken: the response shows neither,
 * the device is not live and an EVENT_AVAIL does not reach the model. On
 * accepted features the same write takes both.
 */
static void test_driver_ok_needs_features_ok(void)
{
	const uint32_t all = S_FEAT | RTE_VMSG_STATUS_DRIVER_OK;
	struct tdev *t = tdev_new(1, 264, 0, 0);
	uint32_t sel[1] = { 0x3 }; /* bit 1 is not offered */

	enable_vq(t, 0, 64);
	CHECK_EQ(set_status(t, 0), 0);
	set_features(t, 0, 1, sel);
	CHECK_EQ(set_status(t, all), RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	CHECK_EQ(rte_vmsg_dev_driver_ok(t->dev), 0);
	CHECK_EQ(t->m.last_new & RTE_VMSG_STATUS_DRIVER_OK, 0);
	(void)event_avail(t, 0, 0);
	CHECK_EQ(t->m.n_avail, 0);

	CHECK_EQ(set_status(t, 0), 0);
	CHECK_EQ(set_status(t, RTE_VMSG_STATUS_DRIVER_OK), 0);
	CHECK_EQ(rte_vmsg_dev_driver_ok(t->dev), 0);
	(void)event_avail(t, 0, 0);
	CHECK_EQ(t->m.n_avail, 0);

	sel[0] = 0x1;
	set_features(t, 0, 1, sel);
	CHECK_EQ(set_status(t, all), all);
	CHECK_EQ(rte_vmsg_dev_driver_ok(t->dev), 1);
	tdev_free(t);
}

/* ------------------------------------------------------------------------ */
/* Config space                                                              */

/* DEV-1: with max 52, responses that would not fit are dropped; the rest fit. */
static void test_max_size(void)
{
	struct tdev *t = tdev_new(1, 52, 0, 0);
	struct rte_vmsg_dev_stats st;
	uint8_t ev[52];
	int n;

	CHECK_EQ(get_features(t, 0, 9, NULL), 52); /* 16 + 4 * 9 = 52: fits */
	CHECK_EQ(get_features(t, 0, 10, NULL), 0); /* 56: dropped (§9 [LIB]) */
	CHECK_EQ(get_config(t, 0, 32), 52);	   /* 20 + 32 */
	CHECK_EQ(get_config(t, 0, 33), 0);
	st = stats(t);
	CHECK_EQ(st.drop_resp_too_big, 2);
	CHECK_EQ(t->m.n_read, 1);
	/* The response buffer must hold max_msg_size bytes. */
	CHECK_EQ(rte_vmsg_dev_handle(t->dev, t->req, 8, t->resp, 51), -ENOBUFS);
	CHECK_EQ(rte_vmsg_dev_handle(t->dev, t->req, 8, t->resp, 52) >= 0, 1);
	/* Events too: 28 bytes inline fit in 52, 29 do not. */
	n = rte_vmsg_dev_config_changed(t->dev, 0, 28, ev, sizeof(ev));
	CHECK_EQ(n, 52);
	n = rte_vmsg_dev_config_changed(t->dev, 0, 29, ev, sizeof(ev));
	CHECK_EQ(n, 24);
	CHECK_EQ(rte_vmsg_dev_config_changed(t->dev, 0, 0, ev, 51), -ENOBUFS);
	tdev_free(t);
}

/* DEV-15, DEV-16: responses and events carry the current generation; changes bump it. */
static void test_generation(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	static const uint8_t x[2] = { 0x55, 0x66 };
	struct rte_vmsg_msg e;
	uint8_t ev[264];
	uint32_t g0, g1;
	int n;

	CHECK_EQ(get_config(t, 0, 8), 28);
	g0 = t->r.u.config.generation;
	CHECK_EQ(g0, rte_vmsg_dev_generation(t->dev));

	/* A device-side change: new generation in the event and in every later answer. */
	t->m.cfg[3] = 0x99;
	n = rte_vmsg_dev_config_changed(t->dev, 3, 1, ev, sizeof(ev));
	CHECK_EQ(n, 25);
	CHECK_EQ(rte_vmsg_msg_parse(ev, (size_t)n, 264, &e, NULL), 0);
	g1 = e.u.config.generation;
	CHECK(g1 != g0); /* DEV-16 */
	CHECK_EQ(g1, rte_vmsg_dev_generation(t->dev));
	CHECK_EQ(get_config(t, 0, 8), 28);
	CHECK_EQ(t->r.u.config.generation, g1); /* DEV-15 */
	CHECK_EQ(t->r.u.config.data[3], 0x99);

	/*
	 * A torn read is visible: chunk 1 before the change, chunk 2 after,
	 * with different generations.
	 */
	CHECK_EQ(get_config(t, 0, 4), 24);
	g0 = t->r.u.config.generation;
	CHECK(rte_vmsg_dev_config_changed(t->dev, 0, 8, ev, sizeof(ev)) > 0);
	CHECK_EQ(get_config(t, 4, 4), 24);
	CHECK(t->r.u.config.generation != g0);

	/* SET_CONFIG answers carry the current value; the driver's own write keeps it. */
	g1 = rte_vmsg_dev_generation(t->dev);
	CHECK_EQ(set_config(t, 0, 10, 2, x), 22);
	CHECK_EQ(t->r.u.config.generation, g1);
	CHECK_EQ(set_config(t, 0, 10, 0, NULL), 20);
	CHECK_EQ(t->r.u.config.generation, g1);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g1);
	tdev_free(t);
}

/* DEV-17, DEV-35: baseline profile: the request generation is ignored, writes apply. */
static void test_config_baseline(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	static const uint8_t x[3] = { 7, 8, 9 };
	uint8_t ev[264];

	CHECK(rte_vmsg_dev_config_changed(t->dev, 0, 0, ev, sizeof(ev)) > 0); /* generation 1 */
	CHECK_EQ(set_config(t, 0, 20, 3, x), 23);			      /* generation 0 */
	CHECK_EQ(t->r.u.config.length, 3);
	CHECK_MEM(t->m.cfg + 20, x, 3);
	CHECK_EQ(set_config(t, 0xDEADBEEF, 30, 3, x), 23);
	CHECK_EQ(t->r.u.config.length, 3);
	CHECK_MEM(t->r.u.config.data, x, 3); /* the written bytes echoed */
	CHECK_MEM(t->m.cfg + 30, x, 3);
	tdev_free(t);
}

/* DEV-18, DEV-35: strict profile: a stale generation is refused with length 0, no data. */
static void test_config_strict(void)
{
	struct tdev *t = tdev_new(1, 264, RTE_VMSG_F_STRICT_CONFIG_GENERATION, 0);
	static const uint8_t x[3] = { 7, 8, 9 };
	uint8_t ev[264], before[CFG_SIZE];
	uint32_t g;

	CHECK(rte_vmsg_dev_config_changed(t->dev, 0, 0, ev, sizeof(ev)) > 0);
	g = rte_vmsg_dev_generation(t->dev);
	memcpy(before, t->m.cfg, CFG_SIZE);
	CHECK_EQ(set_config(t, g - 1, 20, 3, x), 20); /* stale */
	CHECK_EQ(t->r.u.config.length, 0);
	CHECK(t->r.u.config.data == NULL);
	CHECK_EQ(t->r.u.config.offset, 20);
	CHECK_EQ(t->r.u.config.generation, g);
	CHECK_EQ(t->m.n_write, 0); /* never reached the model */
	CHECK_MEM(t->m.cfg, before, CFG_SIZE);
	CHECK_EQ(set_config(t, 0, 20, 3, x), 20); /* 0 is stale too in strict */
	CHECK_EQ(set_config(t, g, 20, 3, x), 23); /* current: applied */
	CHECK_EQ(t->r.u.config.length, 3);
	CHECK_MEM(t->m.cfg + 20, x, 3);
	/* A multi-chunk write with one generation: every chunk applies. */
	CHECK_EQ(set_config(t, g, 40, 3, x), 23);
	CHECK_EQ(set_config(t, g, 43, 3, x), 23);
	CHECK_EQ(stats(t).refused, 2);
	tdev_free(t);
}

/* DEV-19: length 0 no-op; all or nothing; not-applied form has no data; range rules. */
static void test_set_config_rules(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	uint8_t x[32], before[CFG_SIZE];
	struct rte_vmsg_dev_ops ops;

	memset(x, 0x5A, sizeof(x));
	memcpy(before, t->m.cfg, CFG_SIZE);

	/* Length 0: legal no-op, the model is not called, the answer has no data. */
	CHECK_EQ(set_config(t, 0, 4, 0, NULL), 20);
	CHECK_EQ(t->r.u.config.length, 0);
	CHECK_EQ(t->r.u.config.offset, 4);
	CHECK_EQ(t->m.n_write, 0);

	/* The model refuses: nothing written, "not applied" (20 bytes, length 0). */
	t->m.refuse_write = 1;
	CHECK_EQ(set_config(t, 0, 0, 16, x), 20);
	CHECK_EQ(t->r.u.config.length, 0);
	CHECK(t->r.u.config.data == NULL);
	CHECK_MEM(t->m.cfg, before, CFG_SIZE);
	t->m.refuse_write = 0;

	/* Outside config space ([LIB] §9): not applied, the model is not called. */
	t->m.n_write = 0;
	CHECK_EQ(set_config(t, 0, CFG_SIZE - 2, 4, x), 20);
	CHECK_EQ(set_config(t, 0, 0xFFFFFFF0u, 32, x), 20);
	CHECK_EQ(t->m.n_write, 0);
	CHECK_MEM(t->m.cfg, before, CFG_SIZE);
	/* Exactly to the end: applied, echoed. */
	CHECK_EQ(set_config(t, 0, CFG_SIZE - 4, 4, x), 24);
	CHECK_EQ(t->r.u.config.length, 4);
	CHECK_MEM(t->r.u.config.data, x, 4);
	CHECK_MEM(t->m.cfg + CFG_SIZE - 4, x, 4);

	/* GET_CONFIG outside: length 0, no data, offset echoed; inside the end: fine. */
	t->m.n_read = 0;
	CHECK_EQ(get_config(t, CFG_SIZE - 2, 4), 20);
	CHECK_EQ(t->r.u.config.length, 0);
	CHECK_EQ(t->r.u.config.offset, CFG_SIZE - 2);
	CHECK_EQ(get_config(t, 0xFFFFFFFCu, 8), 20);
	CHECK_EQ(get_config(t, 5, 0), 20);
	CHECK_EQ(t->m.n_read, 0);
	CHECK_EQ(get_config(t, CFG_SIZE - 4, 4), 24);
	CHECK_MEM(t->r.u.config.data, x, 4);
	/* A read the model fails: length 0 and no data, counted. */
	t->m.fail_read = 1;
	CHECK_EQ(get_config(t, 0, 4), 20);
	CHECK_EQ(t->r.u.config.length, 0);
	CHECK_EQ(stats(t).model_errors, 1);
	tdev_free(t);

	/* A read-only config space (no write hook): every write is "not applied". */
	model_ops(&ops);
	ops.config_write = NULL;
	t = tdev_new_ops(1, 264, 0, 0, &ops);
	CHECK_EQ(set_config(t, 0, 0, 4, x), 20);
	CHECK_EQ(t->r.u.config.length, 0);
	CHECK_EQ(set_config(t, 0, 0, 0, NULL), 20);
	tdev_free(t);
}

/* DEV-20, DEV-23: EVENT_CONFIG for a device-side change; data inline when it fits. */
static void test_config_event(void)
{
	struct tdev *t = tdev_new(9, 52, 0, 0);
	struct rte_vmsg_msg e;
	uint8_t ev[52], all[CFG_SIZE];
	uint32_t g;
	int n;

	set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE);
	/* DEV-20: a small change, with its bytes. */
	t->m.cfg[10] = 0x11;
	t->m.cfg[11] = 0x22;
	n = rte_vmsg_dev_config_changed(t->dev, 10, 2, ev, sizeof(ev));
	CHECK_EQ(n, 26);
	CHECK_EQ(rte_vmsg_msg_parse(ev, (size_t)n, 52, &e, NULL), 0);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_CONFIG);
	CHECK_EQ(ev[RTE_VMSG_OFF_TYPE], 0); /* an event: never a response, bits 7:2 zero */
	CHECK_EQ(e.hdr.dev_num, 9);
	CHECK_EQ(e.hdr.token, 0);
	CHECK_EQ(e.u.config.device_status, RTE_VMSG_STATUS_ACKNOWLEDGE);
	CHECK_EQ(e.u.config.generation, rte_vmsg_dev_generation(t->dev));
	CHECK_EQ(e.u.config.offset, 10);
	CHECK_EQ(e.u.config.length, 2);
	CHECK(e.u.config.data != NULL);
	CHECK_EQ(e.u.config.data[0], 0x11);
	CHECK_EQ(e.u.config.data[1], 0x22);

	/* DEV-23: too big for one event at max 52: no data, but offset and length. */
	memset(t->m.cfg + 20, 0x77, 60);
	n = rte_vmsg_dev_config_changed(t->dev, 20, 60, ev, sizeof(ev));
	CHECK_EQ(n, 24);
	CHECK_EQ(rte_vmsg_msg_parse(ev, (size_t)n, 52, &e, NULL), 0);
	CHECK_EQ(e.u.config.offset, 20);
	CHECK_EQ(e.u.config.length, 60);
	CHECK(e.u.config.data == NULL);
	g = e.u.config.generation;
	/* ... and the bytes stay readable with GET_CONFIG, in chunks, one generation. */
	CHECK_EQ(get_config(t, 0, 32), 52);
	CHECK_EQ(t->r.u.config.generation, g);
	memcpy(all, t->r.u.config.data, 32);
	CHECK_EQ(get_config(t, 32, 32), 52);
	CHECK_EQ(t->r.u.config.generation, g);
	memcpy(all + 32, t->r.u.config.data, 32);
	CHECK_EQ(get_config(t, 64, 32), 52);
	CHECK_EQ(t->r.u.config.generation, g);
	memcpy(all + 64, t->r.u.config.data, 32);
	CHECK_MEM(all, t->m.cfg, 96);

	/* "Something changed, range unknown". */
	n = rte_vmsg_dev_config_changed(t->dev, 0, 0, ev, sizeof(ev));
	CHECK_EQ(n, 24);
	/* A failing read still sends the event, without data. */
	t->m.fail_read = 1;
	n = rte_vmsg_dev_config_changed(t->dev, 0, 4, ev, sizeof(ev));
	CHECK_EQ(n, 24);
	CHECK_EQ(rte_vmsg_msg_parse(ev, (size_t)n, 52, &e, NULL), 0);
	CHECK_EQ(e.u.config.length, 4);
	t->m.fail_read = 0;

	/* Bad ranges change nothing. */
	g = rte_vmsg_dev_generation(t->dev);
	CHECK_EQ(rte_vmsg_dev_config_changed(t->dev, 99, 2, ev, sizeof(ev)), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_config_changed(t->dev, 0xFFFFFFFFu, 2, ev, sizeof(ev)), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_config_changed(t->dev, 5, 0, ev, sizeof(ev)), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_config_changed(t->dev, 0, 0, NULL, sizeof(ev)), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_config_changed(NULL, 0, 0, ev, sizeof(ev)), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g);
	CHECK_EQ(stats(t).config_events, 4);
	tdev_free(t);
}

/*
 * DEV-21: no EVENT_CONFIG for the driver's own status write or for a stale
 * SET_CONFIG: the dispatcher only ever returns the response, and neither the
 * generation nor the event counter moves.
 */
static void test_no_event_for_driver(void)
{
	struct tdev *t = tdev_new(1, 264, RTE_VMSG_F_STRICT_CONFIG_GENERATION, 0);
	static const uint8_t x[2] = { 1, 2 };
	uint32_t g = rte_vmsg_dev_generation(t->dev);

	to_features_ok(t, offered, 3);
	CHECK_EQ(t->r.kind, RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP);
	set_status(t, S_LIVE);
	CHECK_EQ(t->r.kind, RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP);
	CHECK_EQ(set_config(t, g + 5, 0, 2, x), 20); /* stale */
	CHECK_EQ(t->r.kind, RTE_VMSG_MSG_SET_CONFIG_RESP);
	CHECK_EQ(set_config(t, g, 0, 2, x), 22); /* applied */
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g);
	CHECK_EQ(stats(t).config_events, 0);
	tdev_free(t);
}

/* ------------------------------------------------------------------------ */
/* Status and reset                                                          */

/* DEV-22, DEV-24: DEVICE_NEEDS_RESET: status-only event, accurate status, cleared by reset. */
static void test_needs_reset(void)
{
	struct tdev *t = tdev_new(3, 264, 0, 0);
	struct rte_vmsg_msg e;
	uint8_t ev[264];
	uint32_t g;
	int n;

	to_features_ok(t, offered, 3);
	set_status(t, S_LIVE);
	CHECK(rte_vmsg_dev_driver_ok(t->dev));
	g = rte_vmsg_dev_generation(t->dev);
	n = rte_vmsg_dev_needs_reset(t->dev, ev, sizeof(ev));
	CHECK_EQ(n, 24); /* DEV-22: no data */
	CHECK_EQ(rte_vmsg_msg_parse(ev, (size_t)n, 264, &e, NULL), 0);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_CONFIG);
	CHECK_EQ(e.u.config.offset, 0);
	CHECK_EQ(e.u.config.length, 0);
	CHECK_EQ(e.u.config.device_status, S_LIVE | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	CHECK_EQ(e.u.config.generation, g); /* status-only: the config did not change */
	CHECK(!rte_vmsg_dev_driver_ok(t->dev));
	/* Already set: nothing new to send. */
	CHECK_EQ(rte_vmsg_dev_needs_reset(t->dev, ev, sizeof(ev)), 0);
	CHECK_EQ(rte_vmsg_dev_needs_reset(t->dev, ev, 10), -ENOBUFS);
	CHECK_EQ(rte_vmsg_dev_needs_reset(NULL, ev, sizeof(ev)), -EINVAL);
	/* DEV-24: reported accurately by GET and SET_DEVICE_STATUS; the driver cannot clear it. */
	CHECK_EQ(get_status(t), S_LIVE | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	CHECK_EQ(set_status(t, S_LIVE), S_LIVE | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	/* The reset clears it. */
	CHECK_EQ(set_status(t, 0), 0);
	CHECK_EQ(get_status(t), 0);
	tdev_free(t);

	/* DEV-24: a fatal model error on a status change sets DEVICE_NEEDS_RESET at once. */
	t = tdev_new(3, 264, 0, 0);
	to_features_ok(t, offered, 3);
	t->m.fail_status = 1;
	CHECK_EQ(set_status(t, S_LIVE), S_LIVE | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	CHECK(!rte_vmsg_dev_driver_ok(t->dev));
	CHECK_EQ(stats(t).config_events, 0); /* seen in the response; no event (DEV-21) */
	tdev_free(t);
}

/* DEV-24: the status reads as written; bits are only cleared by reset; unknown bits ignored. */
static void test_status_accuracy(void)
{
	struct tdev *t = tdev_new(3, 264, 0, 0);

	CHECK_EQ(get_status(t), 0);
	CHECK_EQ(set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE), RTE_VMSG_STATUS_ACKNOWLEDGE);
	CHECK_EQ(t->m.last_old, 0);
	CHECK_EQ(t->m.last_new, RTE_VMSG_STATUS_ACKNOWLEDGE);
	/* Unknown and device-owned bits are not taken from the driver ([LIB] 31:8 zero). */
	CHECK_EQ(set_status(t, 0xFFFFFF30u | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET),
		 RTE_VMSG_STATUS_ACKNOWLEDGE);
	CHECK_EQ(set_status(t, RTE_VMSG_STATUS_DRIVER),
		 RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	CHECK_EQ(get_status(t), RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	CHECK_EQ(rte_vmsg_dev_status(t->dev), RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	/* FAILED is the driver's; it stops the data path. */
	CHECK_EQ(set_status(t, S_LIVE), S_LIVE);
	CHECK(rte_vmsg_dev_driver_ok(t->dev));
	CHECK_EQ(set_status(t, S_LIVE | RTE_VMSG_STATUS_FAILED), S_LIVE | RTE_VMSG_STATUS_FAILED);
	CHECK(!rte_vmsg_dev_driver_ok(t->dev));
	/* The same value again: no change, the model is not told. */
	t->m.n_status = 0;
	CHECK_EQ(set_status(t, S_LIVE | RTE_VMSG_STATUS_FAILED), S_LIVE | RTE_VMSG_STATUS_FAILED);
	CHECK_EQ(t->m.n_status, 0);
	CHECK_EQ(rte_vmsg_dev_status(NULL), 0);
	CHECK_EQ(rte_vmsg_dev_driver_ok(NULL), 0);
	tdev_free(t);
}

/* DEV-25: status 0 starts a reset; 0 is reported only once complete, and then it is. */
static void test_reset(void)
{
	struct tdev *t = tdev_new(3, 264, 0, 0);
	uint32_t sel[2] = { 0x1, 0x100 }, w[2];
	struct rte_vmsg_vqueue q;

	/* Synchronous: the response already reads 0, state back to post-reset. */
	to_features_ok(t, sel, 2);
	enable_vq(t, 0, 128);
	set_status(t, S_LIVE);
	t->m.dev = t->dev;
	t->m.n_reset = 0;
	CHECK_EQ(set_status(t, 0), 0);
	CHECK_EQ(t->m.n_reset, 1);
	CHECK_EQ(t->m.enabled_at_reset, 1); /* the hook saw the queue it must stop */
	CHECK_EQ(t->m.reenter_done, -EBUSY);
	t->m.dev = NULL;
	CHECK_EQ(get_status(t), 0);
	q = get_vq(t, 0);
	CHECK_EQ(q.size, 0);
	CHECK_EQ(q.flags, 0);
	CHECK_EQ(q.desc_addr | q.driver_addr | q.device_addr, 0);
	CHECK_EQ(q.max_size, 256);
	CHECK(!rte_vmsg_dev_has_feature(t->dev, 0));
	CHECK_EQ(rte_vmsg_dev_features_get(t->dev, 0, w, 2), 0);
	CHECK_U64(w[0] | w[1], 0);
	CHECK(!rte_vmsg_dev_driver_ok(t->dev));
	/* The driver-selected set was cleared too: FEATURES_OK now negotiates nothing. */
	set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	CHECK_EQ(set_status(t, S_FEAT), S_FEAT);
	CHECK(!rte_vmsg_dev_has_feature(t->dev, 0));

	/* Asynchronous: non-zero until the model says done. */
	to_features_ok(t, sel, 2);
	enable_vq(t, 0, 128);
	set_status(t, S_LIVE);
	t->m.reset_rc = -EINPROGRESS;
	t->m.n_reset = 0;
	CHECK_EQ(set_status(t, 0), S_LIVE);
	CHECK_EQ(get_status(t), S_LIVE);
	CHECK(!rte_vmsg_dev_driver_ok(t->dev));
	/* Meanwhile: writes change nothing, reads are answered. */
	CHECK_EQ(set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE), S_LIVE);
	CHECK_EQ(set_status(t, 0), S_LIVE); /* no second reset */
	CHECK_EQ(t->m.n_reset, 1);
	set_vq(t, 0, RTE_VMSG_VQ_OP_KEEP_DISABLED, 64, 1, 2, 3);
	CHECK_EQ(get_vq(t, 0).size, 0);
	CHECK_EQ(set_config(t, 0, 0, 2, sel), 20);
	{
		uint8_t ev[264];

		CHECK_EQ(rte_vmsg_dev_needs_reset(t->dev, ev, sizeof(ev)), 0);
	}
	CHECK_EQ(rte_vmsg_dev_reset_done(t->dev), 0);
	CHECK_EQ(get_status(t), 0);
	CHECK_EQ(rte_vmsg_dev_reset_done(t->dev), -EALREADY);
	CHECK_EQ(rte_vmsg_dev_reset_done(NULL), -EINVAL);

	/* A reset requested at status 0 still reads non-zero until done. */
	CHECK_EQ(set_status(t, 0), RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	CHECK(get_status(t) != 0);
	CHECK_EQ(rte_vmsg_dev_reset_done(t->dev), 0);
	CHECK_EQ(get_status(t), 0);

	/* A reset hook that fails is counted and stays pending until done. */
	t->m.reset_rc = -EIO;
	CHECK(set_status(t, 0) != 0);
	CHECK_EQ(stats(t).model_errors, 1);
	CHECK_EQ(rte_vmsg_dev_reset_done(t->dev), 0);
	CHECK_EQ(get_status(t), 0);
	tdev_free(t);
}

/* ------------------------------------------------------------------------ */
/* Queues                                                                    */

/* DEV-26: GET_VQUEUE: accurate max, cur_size 0 until programmed, flags bit0 = enabled. */
static void test_get_vqueue(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	struct rte_vmsg_vqueue q;
	struct rte_vmsg_dev_vq dq;

	q = get_vq(t, 2);
	CHECK_EQ(q.max_size, 1024);
	CHECK_EQ(q.size, 0);
	CHECK_EQ(q.flags, 0);
	set_vq(t, 2, RTE_VMSG_VQ_OP_KEEP_DISABLED, 512, 0x1000, 0x2000, 0x3000);
	q = get_vq(t, 2);
	CHECK_EQ(q.max_size, 1024);
	CHECK_EQ(q.size, 512);
	CHECK_EQ(q.flags, 0);
	CHECK_U64(q.desc_addr, 0x1000);
	CHECK_U64(q.driver_addr, 0x2000);
	CHECK_U64(q.device_addr, 0x3000);
	set_vq(t, 2,
	       RTE_VMSG_VQ_OP_ENABLE | RTE_VMSG_VQ_IGNORE_SIZE | RTE_VMSG_VQ_IGNORE_DESC |
		       RTE_VMSG_VQ_IGNORE_DRIVER | RTE_VMSG_VQ_IGNORE_DEVICE,
	       0, 0, 0, 0);
	q = get_vq(t, 2);
	CHECK_EQ(q.flags, RTE_VMSG_VQ_ENABLED); /* bits 31:1 zero */
	CHECK_EQ(q.size, 512);
	/* The getter agrees with the wire. */
	CHECK_EQ(rte_vmsg_dev_vq_get(t->dev, 2, &dq), 0);
	CHECK_EQ(dq.enabled, 1);
	CHECK_EQ(dq.size, 512);
	CHECK_U64(dq.device_addr, 0x3000);
	/* The admin queue (3) is a normal queue here. */
	q = get_vq(t, 3);
	CHECK_EQ(q.max_size, 64);
	tdev_free(t);
}

/* DEV-27: GET_VQUEUE of an unknown, absent or out-of-range index: zeros, index echoed. */
static void test_get_vqueue_sentinel(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	static const uint32_t bad[] = { 1 /* max_size 0 */, NQ, NQ + 1, 0xFFFFFFFFu };
	static const uint8_t zeros[36];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		(void)get_vq(t, bad[i]);
		CHECK_EQ(rte_vmsg_get_le32(t->resp + 8), bad[i]);
		CHECK_MEM(t->resp + 12, zeros, 36);
	}
	tdev_free(t);
}

/* Frame of a SET_VQUEUE request with raw flags and reserved (the builder writes reserved 0). */
static size_t raw_set_vq(struct tdev *t, uint32_t index, uint32_t flags, uint32_t size,
			 uint32_t reserved)
{
	struct rte_vmsg_msg m = mk(RTE_VMSG_MSG_SET_VQUEUE_REQ);
	int len;

	m.hdr.dev_num = t->dev_num;
	m.hdr.token = ++t->token;
	m.u.vqueue.index = index;
	m.u.vqueue.flags = flags;
	m.u.vqueue.size = size;
	m.u.vqueue.desc_addr = 0xA000;
	m.u.vqueue.driver_addr = 0xB000;
	m.u.vqueue.device_addr = 0xC000;
	len = rte_vmsg_msg_build(t->req, sizeof(t->req), &m);
	rte_vmsg_put_le32(t->req + 8 + 12, reserved);
	return (size_t)len;
}

/* DEV-28: SET_VQUEUE with an invalid index, reserved, flags[31:6] or op 3: no change. */
static void test_set_vqueue_invalid(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	struct rte_vmsg_vqueue q;
	unsigned int bit;

	/* Each of these would otherwise program and enable queue 0. */
	CHECK_EQ(deliver(t, raw_set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE, 64, 1)), 8);
	CHECK_EQ(deliver(t, raw_set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE, 64, 0x80000000u)), 8);
	for (bit = 6; bit < 32; bit++)
		CHECK_EQ(deliver(t, raw_set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE | (1u << bit), 64, 0)),
			 8);
	CHECK_EQ(deliver(t, raw_set_vq(t, 0, RTE_VMSG_VQ_OP_RESERVED, 64, 0)), 8);
	q = get_vq(t, 0);
	CHECK_EQ(q.size, 0);
	CHECK_EQ(q.flags, 0);
	CHECK_EQ(q.desc_addr, 0);
	/* Invalid index: absent queue, out of range; still the empty response. */
	CHECK_EQ(deliver(t, raw_set_vq(t, 1, RTE_VMSG_VQ_OP_ENABLE, 64, 0)), 8);
	CHECK_EQ(deliver(t, raw_set_vq(t, NQ, RTE_VMSG_VQ_OP_ENABLE, 64, 0)), 8);
	CHECK_EQ(deliver(t, raw_set_vq(t, 0xFFFFFFFFu, RTE_VMSG_VQ_OP_ENABLE, 64, 0)), 8);
	CHECK_EQ(get_vq(t, 1).max_size, 0);
	CHECK_EQ(t->m.n_enable, 0);
	CHECK_EQ(stats(t).refused, 2 + 26 + 1 + 3);
	/* The control: the same frame with everything valid does apply. */
	CHECK_EQ(deliver(t, raw_set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE, 64, 0)), 8);
	CHECK_EQ(get_vq(t, 0).flags, RTE_VMSG_VQ_ENABLED);
	tdev_free(t);
}

/*
 * DEV-29: on an enabled queue, op 0 and any field change are refused (no
 * change, empty response); [LIB] §11 equal values are no change.
 */
static void test_set_vqueue_enabled(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	struct rte_vmsg_vqueue q;
	const uint32_t all_ign = RTE_VMSG_VQ_IGNORE_SIZE | RTE_VMSG_VQ_IGNORE_DESC |
				 RTE_VMSG_VQ_IGNORE_DRIVER | RTE_VMSG_VQ_IGNORE_DEVICE;

	enable_vq(t, 0, 128);
	CHECK_EQ(t->m.n_enable, 1);
	/* op 0 on an enabled queue: would disable; refused, even with all ignore bits. */
	set_vq(t, 0, RTE_VMSG_VQ_OP_KEEP_DISABLED | all_ign, 0, 0, 0, 0);
	CHECK_EQ(get_vq(t, 0).flags, RTE_VMSG_VQ_ENABLED);
	/* Field changes, one at a time, with op 1 and op 2. */
	set_vq(t, 0, RTE_VMSG_VQ_OP_KEEP_STATE | (all_ign & ~RTE_VMSG_VQ_IGNORE_SIZE), 64, 0, 0, 0);
	set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE | (all_ign & ~RTE_VMSG_VQ_IGNORE_DESC), 0, 0xDEAD, 0, 0);
	set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE | (all_ign & ~RTE_VMSG_VQ_IGNORE_DRIVER), 0, 0, 0xDEAD,
	       0);
	set_vq(t, 0, RTE_VMSG_VQ_OP_KEEP_STATE | (all_ign & ~RTE_VMSG_VQ_IGNORE_DEVICE), 0, 0, 0,
	       0xDEAD);
	q = get_vq(t, 0);
	CHECK_EQ(q.size, 128);
	CHECK_U64(q.desc_addr, 0x10000);
	CHECK_U64(q.driver_addr, 0x20000);
	CHECK_U64(q.device_addr, 0x30000);
	CHECK_EQ(q.flags, RTE_VMSG_VQ_ENABLED);
	CHECK_EQ(stats(t).refused, 5);
	/* Equal values, and all ignore bits with op 1 or 2: accepted, nothing changes. */
	enable_vq(t, 0, 128);
	set_vq(t, 0, RTE_VMSG_VQ_OP_KEEP_STATE | all_ign, 1, 2, 3, 4);
	set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE | all_ign, 1, 2, 3, 4);
	CHECK_EQ(stats(t).refused, 5);
	CHECK_EQ(t->m.n_enable, 1); /* not re-enabled */
	q = get_vq(t, 0);
	CHECK_EQ(q.size, 128);
	CHECK_EQ(q.flags, RTE_VMSG_VQ_ENABLED);
	tdev_free(t);
}

/*
 * DEV-30: SET_VQUEUE is all or nothing; ignore bits are respected; the state
 * op applies after the fields; there is no way to disable.
 */
static void test_set_vqueue_atomic(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	struct rte_vmsg_vqueue q;

	/* flags = 0 on a disabled queue: program everything, stay disabled. */
	set_vq(t, 2, 0, 256, 0x1000, 0x2000, 0x3000);
	q = get_vq(t, 2);
	CHECK_EQ(q.size, 256);
	CHECK_EQ(q.flags, 0);
	/* Ignore bits: only the size and the device address change. */
	set_vq(t, 2,
	       RTE_VMSG_VQ_OP_KEEP_STATE | RTE_VMSG_VQ_IGNORE_DESC | RTE_VMSG_VQ_IGNORE_DRIVER, 512,
	       0xBAD, 0xBAD, 0x4000);
	q = get_vq(t, 2);
	CHECK_EQ(q.size, 512);
	CHECK_U64(q.desc_addr, 0x1000);
	CHECK_U64(q.driver_addr, 0x2000);
	CHECK_U64(q.device_addr, 0x4000);
	/* A size above max_size: the whole request fails, addresses included. */
	set_vq(t, 2, RTE_VMSG_VQ_OP_ENABLE, 2048, 0x5000, 0x6000, 0x7000);
	q = get_vq(t, 2);
	CHECK_EQ(q.size, 512);
	CHECK_U64(q.desc_addr, 0x1000);
	CHECK_EQ(q.flags, 0);
	/* Enabling with no size: refused. */
	set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE, 0, 0x5000, 0x6000, 0x7000);
	CHECK_EQ(get_vq(t, 0).flags, 0);
	CHECK_EQ(get_vq(t, 0).desc_addr, 0);
	/* [LIB] The model refuses to enable: nothing applied, fields included. */
	t->m.refuse_enable = 1;
	set_vq(t, 2, RTE_VMSG_VQ_OP_ENABLE, 1024, 0x5000, 0x6000, 0x7000);
	q = get_vq(t, 2);
	CHECK_EQ(q.size, 512);
	CHECK_U64(q.desc_addr, 0x1000);
	CHECK_EQ(q.flags, 0);
	CHECK_EQ(get_status(t) & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET, 0);
	CHECK_EQ(stats(t).queue_errors, 0);
	t->m.refuse_enable = 0;
	/* Fields then state in one message: the hook already sees the new fields. */
	set_vq(t, 2, RTE_VMSG_VQ_OP_ENABLE, 1024, 0x5000, 0x6000, 0x7000);
	CHECK_EQ(t->m.enable_vq.size, 1024);
	CHECK_U64(t->m.enable_vq.desc_addr, 0x5000);
	CHECK_U64(t->m.enable_vq.device_addr, 0x7000);
	q = get_vq(t, 2);
	CHECK_EQ(q.size, 1024);
	CHECK_U64(q.driver_addr, 0x6000);
	CHECK_EQ(q.flags, RTE_VMSG_VQ_ENABLED);
	/* Never disables: op 0 and op 2 leave it enabled. */
	set_vq(t, 2, RTE_VMSG_VQ_OP_KEEP_DISABLED, 1024, 0x5000, 0x6000, 0x7000);
	set_vq(t, 2, RTE_VMSG_VQ_OP_KEEP_STATE, 1024, 0x5000, 0x6000, 0x7000);
	CHECK_EQ(get_vq(t, 2).flags, RTE_VMSG_VQ_ENABLED);
	/* Size exactly max_size is fine. */
	set_vq(t, 3, RTE_VMSG_VQ_OP_ENABLE, 64, 1, 2, 3);
	CHECK_EQ(get_vq(t, 3).flags, RTE_VMSG_VQ_ENABLED);
	tdev_free(t);
}

/* Expects a status-only EVENT_CONFIG (DEV-22) with DEVICE_NEEDS_RESET and @p status in @p ev. */
static void expect_needs_reset_event(const uint8_t *ev, int n, uint32_t max, uint32_t status)
{
	struct rte_vmsg_msg e;

	CHECK_EQ(n, 24);
	if (n <= 0)
		return;
	CHECK_EQ(rte_vmsg_msg_parse(ev, (size_t)n, max, &e, NULL), 0);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_CONFIG);
	CHECK_EQ(e.hdr.token, 0);
	CHECK_EQ(e.u.config.offset, 0);
	CHECK_EQ(e.u.config.length, 0);
	CHECK_EQ(e.u.config.device_status, status | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
}

/*
 * DEV-24, DEV-26, DEV-28..30: a SET_VQUEUE that passes every check is
 * applied even when the model's queue_enable hook fails (for example rings
 * outside its address map): the normal empty response, GET_VQUEUE reads
 * back what was programmed with the enabled bit, and the queue is broken:
 * DEVICE_NEEDS_RESET in the status at once, counted in queue_errors, no
 * data path, its EVENT_CONFIG built after the response. A reset brings the
 * queue back to disabled and unprogrammed, and it can be set up again and
 * used. The model's refusal (RTE_VMSG_DEV_VQ_REFUSE) still changes nothing.
 */
static void test_set_vqueue_broken(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	struct rte_vmsg_dev_stats st;
	struct rte_vmsg_vqueue q;
	struct rte_vmsg_dev_vq dq;
	uint8_t ev[264];

	to_features_ok(t, offered, 3);
	enable_vq(t, 0, 128); /* a good queue beside the broken one */
	t->m.fail_enable = 1;
	set_vq(t, 2, RTE_VMSG_VQ_OP_ENABLE, 512, 0xF0001000ull, 0xF0002000ull, 0xF0003000ull);
	CHECK_EQ(t->m.n_enable, 2);
	CHECK_EQ(t->m.enable_vq.size, 512); /* the hook saw the new fields */
	/* DEV-26, DEV-30: applied, fields then state, as programmed. */
	q = get_vq(t, 2);
	CHECK_EQ(q.max_size, 1024);
	CHECK_EQ(q.size, 512);
	CHECK_EQ(q.flags, RTE_VMSG_VQ_ENABLED);
	CHECK_U64(q.desc_addr, 0xF0001000ull);
	CHECK_U64(q.driver_addr, 0xF0002000ull);
	CHECK_U64(q.device_addr, 0xF0003000ull);
	CHECK_EQ(rte_vmsg_dev_vq_get(t->dev, 2, &dq), 0);
	CHECK_EQ(dq.enabled, 1);
	/* DEV-24: a fatal device error, in the status at once. */
	CHECK_EQ(get_status(t), S_FEAT | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	st = stats(t);
	CHECK_EQ(st.queue_errors, 1);
	CHECK_EQ(st.refused, 0);
	CHECK_EQ(st.model_errors, 0);
	/* The event was not sent from inside the request; built now, once (DEV-22). */
	CHECK_EQ(st.config_events, 0);
	expect_needs_reset_event(ev, rte_vmsg_dev_needs_reset(t->dev, ev, sizeof(ev)), 264, S_FEAT);
	CHECK_EQ(rte_vmsg_dev_needs_reset(t->dev, ev, sizeof(ev)), 0);
	CHECK_EQ(stats(t).config_events, 1);
	/* No data path: DRIVER_OK is taken but does not count, nothing reaches the model. */
	CHECK_EQ(set_status(t, S_LIVE), S_LIVE | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	CHECK(!rte_vmsg_dev_driver_ok(t->dev));
	CHECK_EQ(event_avail(t, 2, 0), 0);
	CHECK_EQ(event_avail(t, 0, 0), 0);
	CHECK_EQ(t->m.n_avail, 0);
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, 2, ev, sizeof(ev)), -EPERM);
	CHECK_EQ(stats(t).drop_event_early, 2);
	/* DEV-29 still holds on the broken queue: no field change. */
	set_vq(t, 2, RTE_VMSG_VQ_OP_KEEP_STATE, 256, 0x1000, 0x2000, 0x3000);
	CHECK_EQ(get_vq(t, 2).size, 512);
	CHECK_EQ(stats(t).refused, 1);
	/* A second queue breaking: counted, nothing new to report. */
	set_vq(t, 3, RTE_VMSG_VQ_OP_ENABLE, 64, 1, 2, 3);
	CHECK_EQ(get_vq(t, 3).flags, RTE_VMSG_VQ_ENABLED);
	CHECK_EQ(stats(t).queue_errors, 2);
	CHECK_EQ(rte_vmsg_dev_needs_reset(t->dev, ev, sizeof(ev)), 0);
	/* DEV-28: the draft's reject cases are still refused before the hook. */
	CHECK_EQ(deliver(t, raw_set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE, 64, 1)), 8);
	CHECK_EQ(t->m.n_enable, 3);

	/* A device reset recovers: queues disabled and unprogrammed, status 0. */
	t->m.fail_enable = 0;
	CHECK_EQ(set_status(t, 0), 0);
	q = get_vq(t, 2);
	CHECK_EQ(q.flags, 0);
	CHECK_EQ(q.size, 0);
	CHECK_U64(q.desc_addr | q.driver_addr | q.device_addr, 0);
	CHECK_EQ(q.max_size, 1024);
	/* Set up correctly and used. */
	to_features_ok(t, offered, 3);
	set_vq(t, 2, RTE_VMSG_VQ_OP_ENABLE, 512, 0x5000, 0x6000, 0x7000);
	q = get_vq(t, 2);
	CHECK_EQ(q.flags, RTE_VMSG_VQ_ENABLED);
	CHECK_U64(q.desc_addr, 0x5000);
	CHECK_EQ(set_status(t, S_LIVE), S_LIVE);
	CHECK(rte_vmsg_dev_driver_ok(t->dev));
	CHECK_EQ(event_avail(t, 2, 9), 0);
	CHECK_EQ(t->m.n_avail, 1);
	CHECK_EQ(t->m.last_vq, 2);
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, 2, ev, sizeof(ev)), 12);
	CHECK_EQ(stats(t).queue_errors, 2);

	/* [LIB] The model's refusal, late setup after DRIVER_OK: nothing changes at all. */
	t->m.refuse_enable = 1;
	set_vq(t, 3, RTE_VMSG_VQ_OP_ENABLE, 64, 0xF0001000ull, 0xF0002000ull, 0xF0003000ull);
	q = get_vq(t, 3);
	CHECK_EQ(q.flags, 0);
	CHECK_EQ(q.size, 0);
	CHECK_U64(q.desc_addr, 0);
	CHECK_EQ(get_status(t), S_LIVE);
	CHECK(rte_vmsg_dev_driver_ok(t->dev));
	tdev_free(t);

	/* Refused in the first place: status and counters untouched. */
	t = tdev_new(1, 264, 0, 0);
	t->m.refuse_enable = 1;
	set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE, 64, 1, 2, 3);
	CHECK_EQ(get_vq(t, 0).flags, 0);
	CHECK_EQ(get_status(t), 0);
	st = stats(t);
	CHECK_EQ(st.refused, 1);
	CHECK_EQ(st.queue_errors, 0);
	CHECK_EQ(rte_vmsg_dev_needs_reset(t->dev, ev, 10), -ENOBUFS);
	tdev_free(t);
}

/* DEV-31: RESET_VQUEUE only with RING_RESET negotiated and a valid index; then reprogrammable. */
static void test_reset_vqueue(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	uint32_t no_rr[2] = { 0x1, 0x1 }, rr[2] = { 0x1, 0x101 };
	struct rte_vmsg_vqueue q;

	/* Not negotiated: no change, the empty response still comes. */
	to_features_ok(t, no_rr, 2);
	enable_vq(t, 0, 128);
	reset_vq(t, 0);
	CHECK_EQ(get_vq(t, 0).flags, RTE_VMSG_VQ_ENABLED);
	CHECK_EQ(t->m.n_qreset, 0);
	/* Offered but only selected, not negotiated (before FEATURES_OK): no change either. */
	set_status(t, 0);
	set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER);
	set_features(t, 0, 2, rr);
	enable_vq(t, 0, 128);
	reset_vq(t, 0);
	CHECK_EQ(get_vq(t, 0).flags, RTE_VMSG_VQ_ENABLED);

	/* Negotiated. */
	CHECK_EQ(set_status(t, S_FEAT), S_FEAT);
	set_status(t, S_LIVE);
	/* Invalid index: no change, empty response. */
	reset_vq(t, 1);
	reset_vq(t, NQ);
	reset_vq(t, 0xFFFFFFFFu);
	CHECK_EQ(t->m.n_qreset, 0);
	/* The model cannot stop it: unchanged. */
	t->m.refuse_qreset = 1;
	reset_vq(t, 0);
	CHECK_EQ(get_vq(t, 0).flags, RTE_VMSG_VQ_ENABLED);
	t->m.refuse_qreset = 0;
	/* Stop, reset, back to disabled and unprogrammed. */
	reset_vq(t, 0);
	CHECK_EQ(t->m.n_qreset, 2);
	q = get_vq(t, 0);
	CHECK_EQ(q.flags, 0);
	CHECK_EQ(q.size, 0);
	CHECK_EQ(q.desc_addr | q.driver_addr | q.device_addr, 0);
	CHECK_EQ(q.max_size, 256);
	/* Reprogrammable, also after DRIVER_OK (late setup). */
	set_vq(t, 0, RTE_VMSG_VQ_OP_ENABLE, 64, 0x8000, 0x9000, 0xA000);
	q = get_vq(t, 0);
	CHECK_EQ(q.flags, RTE_VMSG_VQ_ENABLED);
	CHECK_EQ(q.size, 64);
	/* A disabled, programmed queue is reset too (no hook needed). */
	set_vq(t, 2, 0, 16, 1, 2, 3);
	reset_vq(t, 2);
	CHECK_EQ(get_vq(t, 2).size, 0);
	CHECK_EQ(t->m.n_qreset, 2);
	tdev_free(t);
}

/* DEV-32: GET_SHM: accurate region, length 0 and address 0 for unknown ids, reserved 0. */
static void test_get_shm(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_msg m;
	static const uint32_t ids[] = { 1, 7, 0xFFFFFFFFu };
	size_t i;

	m = mk(RTE_VMSG_MSG_GET_SHM_REQ);
	m.u.shm.shmid = 0;
	CHECK_EQ(transact(t, &m), 32);
	CHECK_EQ(t->r.u.shm.shmid, 0);
	CHECK_EQ(t->r.u.shm.reserved, 0);
	CHECK_U64(t->r.u.shm.length, 0x200000);
	CHECK_U64(t->r.u.shm.address, 0x1122334455667788ull);
	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		m = mk(RTE_VMSG_MSG_GET_SHM_REQ);
		m.u.shm.shmid = ids[i];
		CHECK_EQ(transact(t, &m), 32);
		CHECK_EQ(t->r.u.shm.shmid, ids[i]);
		CHECK_EQ(t->r.u.shm.reserved, 0);
		CHECK_U64(t->r.u.shm.length, 0);
		CHECK_U64(t->r.u.shm.address, 0);
	}
	tdev_free(t);

	/* No get_shm hook: no regions. */
	model_ops(&ops);
	ops.get_shm = NULL;
	t = tdev_new_ops(1, 264, 0, 0, &ops);
	m = mk(RTE_VMSG_MSG_GET_SHM_REQ);
	CHECK_EQ(transact(t, &m), 32);
	CHECK_U64(t->r.u.shm.length | t->r.u.shm.address, 0);
	tdev_free(t);
}

/* ------------------------------------------------------------------------ */
/* Data path gate and notifications                                          */

/*
 * DEV-33: no queue processing before DRIVER_OK: EVENT_AVAIL is dropped (and
 * counted) until then, EVENT_USED cannot be built, the getter says no;
 * afterwards events reach the model.
 */
static void test_driver_ok_gate(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	struct rte_vmsg_dev_stats st;
	uint8_t ev[264];

	to_features_ok(t, offered, 3);
	enable_vq(t, 0, 128);
	CHECK(!rte_vmsg_dev_driver_ok(t->dev));
	CHECK_EQ(event_avail(t, 0, 5), 0);
	CHECK_EQ(t->m.n_avail, 0);
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, 0, ev, sizeof(ev)), -EPERM);
	st = stats(t);
	CHECK_EQ(st.drop_event_early, 1);

	CHECK_EQ(set_status(t, S_LIVE), S_LIVE);
	CHECK_EQ(t->m.last_new, S_LIVE); /* the model learns DRIVER_OK from the hook */
	CHECK(rte_vmsg_dev_driver_ok(t->dev));
	/* Never answered; without NOTIFICATION_DATA the model gets next_offset 0 (DRV-30). */
	t->m.last_off = 7;
	CHECK_EQ(event_avail(t, 0, 0x80000011u), 0);
	CHECK_EQ(t->m.n_avail, 1);
	CHECK_EQ(t->m.last_vq, 0);
	CHECK_U64(t->m.last_off, 0);
	/* Disabled, absent or out-of-range queues: dropped. */
	CHECK_EQ(event_avail(t, 2, 0), 0);
	CHECK_EQ(event_avail(t, 1, 0), 0);
	CHECK_EQ(event_avail(t, 0xFFFFFFFFu, 0), 0);
	CHECK_EQ(t->m.n_avail, 1);
	/* A model error is counted, nothing answered. */
	t->m.avail_rc = -EIO;
	CHECK_EQ(event_avail(t, 0, 1), 0);
	st = stats(t);
	CHECK_EQ(st.events, 2);
	CHECK_EQ(st.drop_event_queue, 3);
	CHECK_EQ(st.model_errors, 1);
	/* After a reset request the gate closes again. */
	t->m.reset_rc = -EINPROGRESS;
	set_status(t, 0);
	CHECK(!rte_vmsg_dev_driver_ok(t->dev));
	CHECK_EQ(rte_vmsg_dev_reset_done(t->dev), 0);
	tdev_free(t);
}

/*
 * DRV-30 seen from the device: next_offset reaches the model as sent when
 * VIRTIO_F_NOTIFICATION_DATA was negotiated, as 0 when it was offered but
 * not taken (test_driver_ok_gate: not offered).
 */
static void test_event_avail_next_offset(void)
{
	static const uint32_t offered_nd[4] = { 0x80000021u, 0x00000141u, 0x00000004u, 0 };
	static const uint32_t taken[2] = { 0x1u, 0x41u };
	struct rte_vmsg_dev_ops ops;
	struct tdev *t;
	int k;

	model_ops(&ops);
	ops.features = offered_nd;
	for (k = 0; k < 2; k++) {
		t = tdev_new_ops(1, 264, 0, 0, &ops);
		/* k = 0: VERSION_1 only; k = 1: VERSION_1 and NOTIFICATION_DATA. */
		CHECK_EQ(to_features_ok(t, k == 0 ? offered : taken, 2), S_FEAT);
		CHECK_EQ(rte_vmsg_dev_has_feature(t->dev, RTE_VMSG_VIRTIO_F_NOTIFICATION_DATA), k);
		enable_vq(t, 0, 128);
		CHECK_EQ(set_status(t, S_LIVE), S_LIVE);
		t->m.last_off = 7;
		CHECK_EQ(event_avail(t, 0, 0x80000011u), 0);
		CHECK_EQ(t->m.n_avail, 1);
		CHECK_U64(t->m.last_off, k == 0 ? 0 : 0x80000011u);
		tdev_free(t);
	}
}

/* DEV-34: EVENT_USED built for a live queue; none in polling-only mode (virtio-msg §8). */
static void test_event_used(void)
{
	struct tdev *t = tdev_new(0x0101, 264, 0, 0);
	struct rte_vmsg_msg e;
	uint8_t ev[264];
	int n;

	to_features_ok(t, offered, 3);
	enable_vq(t, 2, 64);
	set_status(t, S_LIVE);
	n = rte_vmsg_dev_build_event_used(t->dev, 2, ev, sizeof(ev));
	CHECK_EQ(n, 12);
	CHECK_EQ(rte_vmsg_msg_parse(ev, (size_t)n, 264, &e, NULL), 0);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_USED);
	CHECK_EQ(ev[RTE_VMSG_OFF_TYPE], 0);
	CHECK_EQ(e.hdr.dev_num, 0x0101);
	CHECK_EQ(e.hdr.token, 0);
	CHECK_EQ(e.u.vq_index, 2);
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, 0, ev, sizeof(ev)), -EPERM);  /* disabled */
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, 1, ev, sizeof(ev)), -EINVAL); /* absent */
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, NQ, ev, sizeof(ev)), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, 2, ev, 263), -ENOBUFS);
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, 2, NULL, 264), -EINVAL);
	CHECK_EQ(stats(t).used_events, 1);
	/* Built from inside the event_avail hook (allowed: changes no state). */
	t->m.dev = t->dev;
	enable_vq(t, 0, 64);
	CHECK_EQ(event_avail(t, 0, 0), 0);
	CHECK_EQ(t->m.reenter_used, 12);
	tdev_free(t);

	/* Polling-only both ways: nothing to send, EVENT_AVAIL not expected. */
	t = tdev_new(1, 264, 0, RTE_VMSG_DEV_F_NO_EVENT_USED | RTE_VMSG_DEV_F_NO_EVENT_AVAIL);
	to_features_ok(t, offered, 3);
	enable_vq(t, 2, 64);
	set_status(t, S_LIVE);
	CHECK_EQ(rte_vmsg_dev_build_event_used(t->dev, 2, ev, sizeof(ev)), 0);
	CHECK_EQ(event_avail(t, 2, 0), 0);
	CHECK_EQ(t->m.n_avail, 0);
	CHECK_EQ(stats(t).drop_event_polling, 1);
	tdev_free(t);
}

/* ------------------------------------------------------------------------ */
/* Drops                                                                     */

/* Model calls so far, to prove a drop never reached the model. */
static int model_calls(const struct model *m)
{
	return m->n_check + m->n_read + m->n_write + m->n_status + m->n_enable + m->n_qreset +
	       m->n_reset + m->n_shm + m->n_avail;
}

enum ctr { C_MALFORMED, C_UNSUPPORTED, C_TOO_BIG, C_BUS, C_NOT_REQ, C_DEV_NUM };

static uint64_t ctr_of(const struct rte_vmsg_dev_stats *st, enum ctr c)
{
	switch (c) {
	case C_MALFORMED:
		return st->drop_malformed;
	case C_UNSUPPORTED:
		return st->drop_unsupported;
	case C_TOO_BIG:
		return st->drop_resp_too_big;
	case C_BUS:
		return st->drop_bus;
	case C_NOT_REQ:
		return st->drop_not_request;
	case C_DEV_NUM:
	default:
		return st->drop_dev_num;
	}
}

/* Delivers t->req[0..len) and checks: no response, one more drop of kind @c, model untouched. */
static void expect_drop(struct tdev *t, size_t len, enum ctr c, int line)
{
	struct rte_vmsg_dev_stats a, b;
	int calls = model_calls(&t->m), n;

	a = stats(t);
	n = rte_vmsg_dev_handle(t->dev, t->req, len, t->resp, sizeof(t->resp));
	b = stats(t);
	if (n != 0 || ctr_of(&b, c) != ctr_of(&a, c) + 1 || model_calls(&t->m) != calls ||
	    b.requests != a.requests)
		fprintf(stderr, "expect_drop from line %d: n=%d\n", line, n);
	CHECK_EQ(n, 0);
	CHECK_EQ(ctr_of(&b, c), ctr_of(&a, c) + 1);
	CHECK_EQ(model_calls(&t->m), calls);
	CHECK_EQ(b.requests, a.requests);
}

#define EXPECT_DROP(t, len, c) expect_drop((t), (len), (c), __LINE__)

static int log_lines;

static void count_log(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
	log_lines++;
}

/* Builds @m for this device into t->req; returns its length. */
static size_t build(struct tdev *t, struct rte_vmsg_msg *m)
{
	int len;

	if (m->kind < RTE_VMSG_MSG_BUS_GET_DEVICES_REQ || m->kind > RTE_VMSG_MSG_BUS_EVENT_DEVICE)
		m->hdr.dev_num = t->dev_num;
	m->hdr.token = ++t->token;
	len = rte_vmsg_msg_build(t->req, sizeof(t->req), m);
	CHECK(len > 0);
	return len > 0 ? (size_t)len : 0;
}

/*
 * DEV-2 (and GEN-5): malformed and unsupported transport messages, responses
 * and device-to-driver events sent to a device, bus messages, and frames for
 * another device are dropped without a response, counted by reason, and
 * never reach the model.
 */
static void test_drops(void)
{
	struct tdev *t = tdev_new(0x0033, 52, 0, 0);
	struct rte_vmsg_msg m;
	static const uint8_t ids[] = { 0x00, 0x01, 0x0D, 0x3F, 0x43, 0x7F };
	static const uint8_t four[4] = { 1, 2, 3, 4 };
	struct rte_vmsg_dev_stats st;
	size_t len, i;

	set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE);
	t->m.n_status = 0;
	log_lines = 0;
	rte_vmsg_log_set_handler(count_log, RTE_VMSG_LOG_DEBUG, NULL);

	/* Malformed (§9 [LIB]). */
	m = mk(RTE_VMSG_MSG_GET_DEVICE_INFO_REQ);
	len = build(t, &m);
	EXPECT_DROP(t, 4, C_MALFORMED); /* shorter than the header */
	rte_vmsg_put_le16(t->req + 6, 7);
	EXPECT_DROP(t, len, C_MALFORMED); /* msg_size < 8 */
	rte_vmsg_put_le16(t->req + 6, 12);
	EXPECT_DROP(t, 12, C_MALFORMED); /* wrong fixed size */
	rte_vmsg_put_le16(t->req + 6, 53);
	EXPECT_DROP(t, 53, C_MALFORMED); /* above the bus max */
	rte_vmsg_put_le16(t->req + 6, 8);
	EXPECT_DROP(t, 7, C_MALFORMED); /* truncated */

	m = mk(RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ);
	m.u.features.num_blocks = 1;
	m.u.features.blocks = four;
	len = build(t, &m);
	rte_vmsg_put_le32(t->req + 12, 2); /* count disagrees with msg_size */
	EXPECT_DROP(t, len, C_MALFORMED);

	m = mk(RTE_VMSG_MSG_SET_CONFIG_REQ);
	m.u.config.length = 4;
	m.u.config.data = four;
	len = build(t, &m);
	rte_vmsg_put_le32(t->req + 16, 3); /* length disagrees with msg_size */
	EXPECT_DROP(t, len, C_MALFORMED);

	m = mk(RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ);
	m.u.status = 0;
	len = build(t, &m);
	rte_vmsg_put_le16(t->req + 6, 16); /* a reset request with the wrong size */
	EXPECT_DROP(t, 16, C_MALFORMED);
	CHECK_EQ(rte_vmsg_dev_status(t->dev), RTE_VMSG_STATUS_ACKNOWLEDGE);

	m = mk(RTE_VMSG_MSG_EVENT_AVAIL);
	len = build(t, &m);
	t->req[0] |= RTE_VMSG_TYPE_RESPONSE; /* response bit on an event */
	EXPECT_DROP(t, len, C_MALFORMED);

	m = mk(RTE_VMSG_MSG_BUS_PING_REQ);
	len = build(t, &m);
	rte_vmsg_put_le16(t->req + 2, 5); /* bus message with dev_num != 0 */
	EXPECT_DROP(t, len, C_MALFORMED);

	/* Unsupported: unknown standard IDs, implementation-defined IDs. */
	for (i = 0; i < sizeof(ids); i++) {
		m = mk(RTE_VMSG_MSG_GET_DEVICE_INFO_REQ);
		len = build(t, &m);
		t->req[1] = ids[i];
		EXPECT_DROP(t, len, C_UNSUPPORTED);
	}
	m = mk(RTE_VMSG_MSG_IMPL);
	m.hdr.msg_id = 0x80;
	m.u.impl.payload = four;
	m.u.impl.len = 4;
	len = build(t, &m);
	EXPECT_DROP(t, len, C_UNSUPPORTED);
	m.hdr.msg_id = 0xC1; /* implementation-defined event */
	len = build(t, &m);
	EXPECT_DROP(t, len, C_UNSUPPORTED);

	/* Requests whose response would exceed the max (52). */
	m = mk(RTE_VMSG_MSG_GET_CONFIG_REQ);
	m.u.config.length = 33;
	len = build(t, &m);
	EXPECT_DROP(t, len, C_TOO_BIG);
	m = mk(RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ);
	m.u.features.num_blocks = 0xFFFFFFFFu;
	len = build(t, &m);
	EXPECT_DROP(t, len, C_TOO_BIG);

	/* Bus messages. */
	m = mk(RTE_VMSG_MSG_BUS_PING_REQ);
	len = build(t, &m);
	EXPECT_DROP(t, len, C_BUS);
	m = mk(RTE_VMSG_MSG_BUS_GET_DEVICES_REQ);
	len = build(t, &m);
	EXPECT_DROP(t, len, C_BUS);
	m = mk(RTE_VMSG_MSG_BUS_EVENT_DEVICE);
	len = build(t, &m);
	EXPECT_DROP(t, len, C_BUS);

	/* Responses and device-to-driver events. */
	m = mk(RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP);
	len = build(t, &m);
	EXPECT_DROP(t, len, C_NOT_REQ);
	m = mk(RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP);
	len = build(t, &m);
	EXPECT_DROP(t, len, C_NOT_REQ);
	m = mk(RTE_VMSG_MSG_SET_CONFIG_RESP);
	len = build(t, &m);
	EXPECT_DROP(t, len, C_NOT_REQ);
	m = mk(RTE_VMSG_MSG_EVENT_CONFIG);
	len = build(t, &m);
	EXPECT_DROP(t, len, C_NOT_REQ);
	m = mk(RTE_VMSG_MSG_EVENT_USED);
	len = build(t, &m);
	EXPECT_DROP(t, len, C_NOT_REQ);

	/* Another device number: every request, and EVENT_AVAIL, dropped. */
	m = mk(RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ);
	m.u.status = 0;
	len = build(t, &m);
	rte_vmsg_put_le16(t->req + 2, 0x0034);
	EXPECT_DROP(t, len, C_DEV_NUM);
	rte_vmsg_put_le16(t->req + 2, 0);
	EXPECT_DROP(t, len, C_DEV_NUM);
	m = mk(RTE_VMSG_MSG_GET_DEVICE_INFO_REQ);
	len = build(t, &m);
	rte_vmsg_put_le16(t->req + 2, 0x3300); /* byte-swapped */
	EXPECT_DROP(t, len, C_DEV_NUM);
	m = mk(RTE_VMSG_MSG_EVENT_AVAIL);
	len = build(t, &m);
	rte_vmsg_put_le16(t->req + 2, 0xFFFF);
	EXPECT_DROP(t, len, C_DEV_NUM);

	CHECK_EQ(rte_vmsg_dev_status(t->dev), RTE_VMSG_STATUS_ACKNOWLEDGE);
	st = stats(t);
	CHECK_EQ(st.requests, 1);
	CHECK_EQ(st.drop_malformed, 10);
	CHECK_EQ(st.drop_unsupported, 8);
	CHECK_EQ(st.drop_resp_too_big, 2);
	CHECK_EQ(st.drop_bus, 3);
	CHECK_EQ(st.drop_not_request, 5);
	CHECK_EQ(st.drop_dev_num, 4);
	/* Counted always, logged once per reason (6 reasons hit), nothing for valid requests. */
	CHECK_EQ(log_lines, 6);
	CHECK_EQ(get_status(t), RTE_VMSG_STATUS_ACKNOWLEDGE);
	CHECK_EQ(log_lines, 6);
	rte_vmsg_log_set_handler(NULL, RTE_VMSG_LOG_ERR, NULL);
	/* The device still works. */
	CHECK_EQ(get_status(t), RTE_VMSG_STATUS_ACKNOWLEDGE);
	tdev_free(t);
}

/* Arguments, re-entry from hooks, and answering in place. */
static void test_handle_args(void)
{
	struct tdev *t = tdev_new(1, 264, 0, 0);
	struct rte_vmsg_dev_stats st;
	struct rte_vmsg_msg m, r;
	uint8_t buf[264];
	int len, n;

	CHECK_EQ(rte_vmsg_dev_handle(NULL, t->req, 8, t->resp, 264), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_handle(t->dev, NULL, 8, t->resp, 264), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_handle(t->dev, t->req, 8, NULL, 264), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_handle(t->dev, t->req, 8, t->resp, 263), -ENOBUFS);
	CHECK_EQ(rte_vmsg_dev_stats_get(NULL, &st), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_stats_get(t->dev, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_generation(NULL), 0);
	CHECK_EQ(rte_vmsg_dev_num(NULL), 0);
	CHECK_EQ(rte_vmsg_dev_has_feature(NULL, 0), 0);
	CHECK_EQ(rte_vmsg_dev_features_get(NULL, 0, NULL, 0), -EINVAL);

	/* Mutators from inside a hook: -EBUSY; getters work. */
	t->m.dev = t->dev;
	set_status(t, RTE_VMSG_STATUS_ACKNOWLEDGE);
	CHECK_EQ(t->m.reenter_handle, -EBUSY);
	CHECK_EQ(t->m.reenter_changed, -EBUSY);
	CHECK_EQ(t->m.reenter_needs, -EBUSY);
	CHECK_EQ(t->m.reenter_done, -EBUSY);
	CHECK_EQ(t->m.getter_status, RTE_VMSG_STATUS_ACKNOWLEDGE);
	t->m.dev = NULL;
	CHECK_EQ(get_status(t), RTE_VMSG_STATUS_ACKNOWLEDGE);

	/* In place: the response overwrites the request buffer. */
	m = mk(RTE_VMSG_MSG_SET_CONFIG_REQ);
	m.hdr.dev_num = 1;
	m.hdr.token = 0x4242;
	m.u.config.offset = 2;
	m.u.config.length = 6;
	m.u.config.data = (const uint8_t *)"abcdef";
	len = rte_vmsg_msg_build(buf, sizeof(buf), &m);
	n = rte_vmsg_dev_handle(t->dev, buf, (size_t)len, buf, sizeof(buf));
	CHECK_EQ(n, 26);
	CHECK_EQ(rte_vmsg_msg_parse(buf, (size_t)n, 264, &r, NULL), 0);
	CHECK_EQ(r.kind, RTE_VMSG_MSG_SET_CONFIG_RESP);
	CHECK_EQ(r.hdr.token, 0x4242);
	CHECK_EQ(r.u.config.length, 6);
	CHECK_MEM(r.u.config.data, "abcdef", 6);
	CHECK_MEM(t->m.cfg + 2, "abcdef", 6);
	m = mk(RTE_VMSG_MSG_GET_CONFIG_REQ);
	m.hdr.dev_num = 1;
	m.u.config.offset = 2;
	m.u.config.length = 6;
	len = rte_vmsg_msg_build(buf, sizeof(buf), &m);
	n = rte_vmsg_dev_handle(t->dev, buf, (size_t)len, buf, sizeof(buf));
	CHECK_EQ(n, 26);
	CHECK_EQ(rte_vmsg_msg_parse(buf, (size_t)n, 264, &r, NULL), 0);
	CHECK_MEM(r.u.config.data, "abcdef", 6);
	m = mk(RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ);
	m.hdr.dev_num = 1;
	m.u.features.block_index = 0;
	m.u.features.num_blocks = 3;
	len = rte_vmsg_msg_build(buf, sizeof(buf), &m);
	n = rte_vmsg_dev_handle(t->dev, buf, (size_t)len, buf, sizeof(buf));
	CHECK_EQ(n, 28);
	CHECK_EQ(rte_vmsg_msg_parse(buf, (size_t)n, 264, &r, NULL), 0);
	CHECK_EQ(r.u.features.block_index, 0);
	CHECK_U64(rte_vmsg_msg_feature_block(&r.u.features, 2), offered[2]);
	tdev_free(t);
}

/*
 * DEV-1, DEV-2, DEV-3 under random input: mutated valid requests and random
 * bytes never crash, never give a response above the max, and every answer
 * is a well-formed response to a valid request.
 */
static void test_random_frames(void)
{
	struct tdev *t = tdev_new(7, 64, 0, 0);
	uint64_t s = vtest_seed();
	struct rte_vmsg_msg req;
	int i, n, answered = 0;
	size_t len, j;

	t->m.dev = NULL;
	for (i = 0; i < 200000; i++) {
		uint64_t r = vtest_rand(&s);

		if (r % 4 == 0) {
			/* Random bytes with a plausible header. */
			len = 8 + (size_t)(vtest_rand(&s) % 60);
			for (j = 0; j < len; j++)
				t->req[j] = (uint8_t)vtest_rand(&s);
			t->req[0] &= 0x01;
			t->req[1] = (uint8_t)(t->req[1] % 0x0E);
			rte_vmsg_put_le16(t->req + 2, 7);
			rte_vmsg_put_le16(t->req + 6, (uint16_t)len);
		} else {
			/* A valid request, then a few flipped bits. */
			struct rte_vmsg_msg m;
			static const uint8_t data[40];

			m = mk((enum rte_vmsg_msg_kind)(RTE_VMSG_MSG_GET_DEVICE_INFO_REQ +
							2 * (vtest_rand(&s) % 11)));
			m.u.features.block_index = (uint32_t)(vtest_rand(&s) % 4);
			m.u.features.num_blocks = (uint32_t)(vtest_rand(&s) % 4);
			m.u.features.blocks = data;
			if (m.kind == RTE_VMSG_MSG_GET_CONFIG_REQ ||
			    m.kind == RTE_VMSG_MSG_SET_CONFIG_REQ) {
				memset(&m.u.config, 0, sizeof(m.u.config));
				m.u.config.offset = (uint32_t)(vtest_rand(&s) % 110);
				m.u.config.length = (uint32_t)(vtest_rand(&s) % 40);
				m.u.config.data = data;
			}
			if (m.kind == RTE_VMSG_MSG_SET_VQUEUE_REQ) {
				m.u.vqueue.index = (uint32_t)(vtest_rand(&s) % 5);
				m.u.vqueue.flags = (uint32_t)(vtest_rand(&s) % 64);
				m.u.vqueue.size = (uint32_t)(vtest_rand(&s) % 300);
			}
			if (m.kind == RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ)
				m.u.status = (uint32_t)vtest_rand(&s) & 0xFF;
			m.hdr.dev_num = 7;
			n = rte_vmsg_msg_build(t->req, sizeof(t->req), &m);
			if (n <= 0)
				continue;
			len = (size_t)n;
			if (r % 4 == 1) {
				j = (size_t)(vtest_rand(&s) % len);
				t->req[j] ^= (uint8_t)(1u << (vtest_rand(&s) % 8));
			}
		}
		n = rte_vmsg_dev_handle(t->dev, t->req, len, t->resp, sizeof(t->resp));
		CHECK(n >= 0 && n <= 64);
		if (n > 0) {
			struct rte_vmsg_msg resp;

			answered++;
			CHECK_EQ(rte_vmsg_msg_parse(t->req, len, 64, &req, NULL), 0);
			CHECK_EQ(rte_vmsg_msg_parse(t->resp, (size_t)n, 64, &resp, NULL), 0);
			CHECK(rte_vmsg_msg_answers(&req.hdr, &resp.hdr));
			CHECK_EQ(resp.hdr.token, req.hdr.token);
			CHECK_EQ(t->resp[0], 0x01);
		}
		if (rte_vmsg_dev_status(t->dev) & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET)
			CHECK(0);
	}
	CHECK(answered > 1000);
	tdev_free(t);
}

/* ------------------------------------------------------------------------ */
/* A device on a bus (rte_vmsg_dev_opts.bus)                                 */

/* A device-role bus on end 1 of a loop; the test plays the driver on end 0. */
struct dbus {
	struct rte_vmsg_bus_loop *loop;
	struct rte_vmsg_bus *bus;
	void *drv_end;
};

static void dbus_init(struct dbus *b, uint32_t role, uint32_t max, uint32_t cap, uint64_t tfeat)
{
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_bus_opts bo;

	memset(b, 0, sizeof(*b));
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.capacity = cap;
	lo.max_msg_size = max;
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &b->loop), 0);
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = role;
	bo.transport_features = tfeat;
	CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(),
				     rte_vmsg_bus_loop_end(b->loop, 1), &b->bus),
		 0);
	b->drv_end = rte_vmsg_bus_loop_end(b->loop, 0);
	if (b->loop == NULL || b->bus == NULL)
		abort();
}

static void dbus_fini(struct dbus *b)
{
	rte_vmsg_bus_destroy(b->bus);
	rte_vmsg_bus_loop_destroy(b->loop);
}

/* Receives one frame on the driver's end and parses it; 0 when there is none. */
static int dbus_rx(struct dbus *b, uint8_t *buf, struct rte_vmsg_msg *m)
{
	size_t len = 0;
	int n = rte_vmsg_bus_loop_ops()->rx_burst(b->drv_end, buf, BUF, &len, 1);

	if (n != 1)
		return n;
	CHECK_EQ(rte_vmsg_msg_parse(buf, len, rte_vmsg_bus_max_msg_size(b->bus), m, NULL), 0);
	return 1;
}

/* Expects the EVENT_DEVICE for @p num in @p state on the driver's end (BUS-22). */
static void dbus_expect_dev_event(struct dbus *b, uint16_t num, uint16_t state)
{
	struct rte_vmsg_msg m;
	uint8_t *buf = malloc(BUF);

	if (buf == NULL)
		abort();
	CHECK_EQ(dbus_rx(b, buf, &m), 1);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_BUS_EVENT_DEVICE);
	CHECK_EQ(m.u.event_device.device_number, num);
	CHECK_EQ(m.u.event_device.state, state);
	free(buf);
}

/*
 * BUS-1, BUS-4, BUS-6, BUS-22, BUS-23: a device given a bus takes the bus's
 * parameters (restating them is fine, contradicting them is refused), is
 * registered once it answers (ADDED), answers through the bus, and is
 * unregistered at destroy (REMOVED; later frames dropped by the bus).
 */
static void test_on_bus(void)
{
	const uint64_t strict = RTE_VMSG_F_STRICT_CONFIG_GENERATION;
	struct rte_vmsg_dev_opts o;
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev *d = NULL, *d2 = NULL;
	struct rte_vmsg_bus_stats st;
	struct rte_vmsg_msg m;
	struct dbus b, drvb;
	struct model mod;
	uint8_t *buf = malloc(BUF);
	int len;

	if (buf == NULL)
		abort();
	memset(&mod, 0, sizeof(mod));
	model_ops(&ops);
	dbus_init(&b, RTE_VMSG_BUS_DEVICE, 128, 16, strict);

	/* Parameters: 0 takes the bus's; equal ones pass; others are refused. */
	model_opts(&o, 7, 0);
	o.bus = b.bus;
	o.max_msg_size = 264;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d), -EINVAL);
	o.max_msg_size = 52;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d), -EINVAL);
	o.max_msg_size = 128;
	o.transport_features = strict;
	o.flags = 1ull << 7; /* unknown flag: refused before anything is registered */
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d), -EINVAL);
	CHECK_EQ(dbus_rx(&b, buf, &m), 0); /* no EVENT_DEVICE for a refused device */
	o.flags = 0;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d), 0);
	CHECK(rte_vmsg_dev_bus(d) == b.bus);
	CHECK_EQ(rte_vmsg_dev_max_msg_size(d), 128);
	dbus_expect_dev_event(&b, 7, RTE_VMSG_DEVICE_BUS_STATE_ADDED);
	CHECK(rte_vmsg_bus_dev_lookup(b.bus, 7) == (void *)d);
	/* The number is taken: -EEXIST, nothing sent, the first device stays. */
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d2), -EEXIST);
	CHECK(d2 == NULL);
	CHECK_EQ(dbus_rx(&b, buf, &m), 0);
	CHECK(rte_vmsg_bus_dev_lookup(b.bus, 7) == (void *)d);
	rte_vmsg_dev_destroy(d);
	dbus_expect_dev_event(&b, 7, RTE_VMSG_DEVICE_BUS_STATE_REMOVED);
	CHECK(rte_vmsg_bus_dev_lookup(b.bus, 7) == NULL);

	/* Taken from the bus: 128 bytes and the strict profile. */
	model_opts(&o, 8, 0);
	o.bus = b.bus;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d), 0);
	CHECK_EQ(rte_vmsg_dev_max_msg_size(d), 128);
	dbus_expect_dev_event(&b, 8, RTE_VMSG_DEVICE_BUS_STATE_ADDED);
	/* A request through the bus: answered with its token and dev_num (BUS-7, DEV-4). */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_INFO_REQ;
	m.hdr.dev_num = 8;
	m.hdr.token = 0x1234;
	len = rte_vmsg_msg_build(buf, BUF, &m);
	CHECK(len > 0);
	CHECK_EQ(rte_vmsg_bus_loop_ops()->tx(b.drv_end, buf, (size_t)len), 0);
	CHECK_EQ(rte_vmsg_bus_poll(b.bus), 1);
	CHECK_EQ(dbus_rx(&b, buf, &m), 1);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_GET_DEVICE_INFO_RESP);
	CHECK_EQ(m.hdr.dev_num, 8);
	CHECK_EQ(m.hdr.token, 0x1234);
	CHECK_EQ(m.u.dev_info.device_id, 1);
	CHECK_EQ(m.u.dev_info.max_virtqueues, NQ);
	/* A transport feature the bus does not have is refused too. */
	dbus_init(&drvb, RTE_VMSG_BUS_DEVICE, 128, 16, 0);
	model_opts(&o, 8, 0);
	o.bus = drvb.bus;
	o.transport_features = strict;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d2), -EINVAL);
	dbus_fini(&drvb);
	/* After destroy, frames for the number are dropped by the bus (BUS-9). */
	rte_vmsg_dev_destroy(d);
	dbus_expect_dev_event(&b, 8, RTE_VMSG_DEVICE_BUS_STATE_REMOVED);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ;
	m.hdr.dev_num = 8;
	len = rte_vmsg_msg_build(buf, BUF, &m);
	CHECK_EQ(rte_vmsg_bus_loop_ops()->tx(b.drv_end, buf, (size_t)len), 0);
	CHECK_EQ(rte_vmsg_bus_poll(b.bus), 1);
	CHECK_EQ(dbus_rx(&b, buf, &m), 0);
	CHECK_EQ(rte_vmsg_bus_stats_get(b.bus, &st), 0);
	CHECK_U64(st.drop_dev_num, 1);
	CHECK_U64(st.device_events, 4);
	dbus_fini(&b);

	/* A driver-role bus is refused. */
	dbus_init(&drvb, RTE_VMSG_BUS_DRIVER, 128, 16, 0);
	model_opts(&o, 1, 0);
	o.bus = drvb.bus;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d), -EINVAL);
	dbus_fini(&drvb);

	/* Without a bus: max_msg_size is required; the 0.1 options size is accepted. */
	model_opts(&o, 1, 0);
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d), -EINVAL);
	model_opts(&o, 1, 264);
	o.sz = offsetof(struct rte_vmsg_dev_opts, bus);
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, &mod, &d), 0);
	CHECK(rte_vmsg_dev_bus(d) == NULL);
	CHECK_EQ(rte_vmsg_dev_max_msg_size(d), 264);
	rte_vmsg_dev_destroy(d);
	CHECK(rte_vmsg_dev_bus(NULL) == NULL);
	CHECK_EQ(rte_vmsg_dev_max_msg_size(NULL), 0);
	free(buf);
}

/*
 * DEV-16, DEV-20, DEV-22, DEV-24, DEV-33, DEV-34, BUS-18: the notify calls
 * build and send through the device's bus, one frame per call. A full
 * backend (loop capacity 1): EVENT_USED is not sent (retry); EVENT_CONFIG is
 * kept, the generation bumped once, and rte_vmsg_dev_notify_flush() sends
 * it later with the current values; later changes fold into it; a reset
 * drops it. Without a bus: -ENOTCONN, nothing changes.
 */
static void test_notify(void)
{
	struct rte_vmsg_bus_stats bst;
	struct rte_vmsg_msg e;
	struct dbus b;
	struct tdev *t;
	uint8_t *buf = malloc(BUF);
	uint32_t g;

	if (buf == NULL)
		abort();
	dbus_init(&b, RTE_VMSG_BUS_DEVICE, 264, 1, 0);
	t = tdev_new_bus(0x0102, 0, 0, 0, NULL, b.bus);
	dbus_expect_dev_event(&b, 0x0102, RTE_VMSG_DEVICE_BUS_STATE_ADDED);

	/* EVENT_USED (DEV-33, DEV-34): refused before DRIVER_OK, then sent. */
	to_features_ok(t, offered, 3);
	enable_vq(t, 2, 64);
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), -EPERM);
	set_status(t, S_LIVE);
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 1), -EINVAL); /* absent */
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 0), -EPERM);	/* disabled */
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), 0);
	/* The backend is full now (capacity 1): nothing sent, retry later. */
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), -EAGAIN);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_USED);
	CHECK_EQ(e.hdr.dev_num, 0x0102);
	CHECK_EQ(e.hdr.token, 0);
	CHECK_EQ(e.u.vq_index, 2);
	CHECK_EQ(dbus_rx(&b, buf, &e), 0); /* exactly one (BUS-18) */
	CHECK_EQ(stats(t).used_events, 1);

	/* EVENT_CONFIG sent at once (DEV-20), with the new generation (DEV-16). */
	g = rte_vmsg_dev_generation(t->dev);
	t->m.cfg[4] = 0x44;
	CHECK_EQ(rte_vmsg_dev_notify_config(t->dev, 4, 1), 0);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g + 1);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_CONFIG);
	CHECK_EQ(e.hdr.dev_num, 0x0102);
	CHECK_EQ(e.u.config.generation, g + 1);
	CHECK_EQ(e.u.config.device_status, S_LIVE);
	CHECK_EQ(e.u.config.offset, 4);
	CHECK_EQ(e.u.config.length, 1);
	CHECK(e.u.config.data != NULL && e.u.config.data[0] == 0x44);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), 0); /* nothing kept */

	/* Backend full: kept, the generation bumped once, not again on retries. */
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), 0); /* fills the loop */
	g = rte_vmsg_dev_generation(t->dev);
	t->m.cfg[5] = 0x55;
	CHECK_EQ(rte_vmsg_dev_notify_config(t->dev, 5, 1), -EAGAIN);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g + 1);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), -EAGAIN);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), -EAGAIN);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g + 1);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_USED);
	t->m.cfg[5] = 0x56; /* changed again, unreported: the kept event reads it now */
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), 1);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g + 1);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_CONFIG);
	CHECK_EQ(e.u.config.generation, g + 1);
	CHECK_EQ(e.u.config.offset, 5);
	CHECK_EQ(e.u.config.length, 1);
	CHECK(e.u.config.data != NULL && e.u.config.data[0] == 0x56);
	CHECK_EQ(dbus_rx(&b, buf, &e), 0);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), 0);

	/* Two changes while full: one event, both bumps, range unknown (0, 0). */
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), 0);
	g = rte_vmsg_dev_generation(t->dev);
	CHECK_EQ(rte_vmsg_dev_notify_config(t->dev, 0, 4), -EAGAIN);
	CHECK_EQ(rte_vmsg_dev_notify_config(t->dev, 8, 4), -EAGAIN);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g + 2);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), 1);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(e.u.config.generation, g + 2);
	CHECK_EQ(e.u.config.offset, 0);
	CHECK_EQ(e.u.config.length, 0);
	CHECK_EQ(dbus_rx(&b, buf, &e), 0);
	/* Outside config space: refused, nothing changes. */
	CHECK_EQ(rte_vmsg_dev_notify_config(t->dev, CFG_SIZE, 1), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_notify_config(t->dev, 1, 0), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g + 2);
	CHECK_EQ(stats(t).config_events, 3); /* events sent, not attempts */

	/* From inside a hook: EVENT_USED may be sent, a config change may not. */
	t->m.dev = t->dev;
	CHECK_EQ(event_avail(t, 2, 0), 0);
	CHECK_EQ(t->m.reenter_notify_used, 0);
	CHECK_EQ(t->m.reenter_notify_cfg, -EBUSY);
	t->m.dev = NULL;
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_USED);

	/* A driver reset drops a kept event: the driver reads everything again. */
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), 0);
	CHECK_EQ(rte_vmsg_dev_notify_config(t->dev, 0, 0), -EAGAIN);
	set_status(t, 0);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), 0);
	CHECK_EQ(dbus_rx(&b, buf, &e), 0);

	/* DEVICE_NEEDS_RESET (DEV-22, DEV-24): kept while full; calling again retries. */
	to_features_ok(t, offered, 3);
	enable_vq(t, 2, 64);
	set_status(t, S_LIVE);
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), 0);
	g = rte_vmsg_dev_generation(t->dev);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), -EAGAIN);
	CHECK(rte_vmsg_dev_status(t->dev) & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), -EAGAIN);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), 0);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK_EQ(e.kind, RTE_VMSG_MSG_EVENT_CONFIG);
	CHECK_EQ(e.hdr.msg_size, 24);
	CHECK_EQ(e.u.config.offset, 0);
	CHECK_EQ(e.u.config.length, 0);
	CHECK_EQ(e.u.config.generation, g); /* status only: no bump */
	CHECK(e.u.config.device_status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), -EALREADY); /* nothing new */
	CHECK_EQ(dbus_rx(&b, buf, &e), 0);
	/* Set, then sent at once. */
	set_status(t, 0);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), 0);
	CHECK_EQ(dbus_rx(&b, buf, &e), 1);
	CHECK(e.u.config.device_status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	CHECK_EQ(rte_vmsg_bus_stats_get(b.bus, &bst), 0);
	CHECK_U64(bst.tx_frames, 12); /* ADDED + 6 EVENT_USED + 5 EVENT_CONFIG */
	tdev_free(t);
	dbus_expect_dev_event(&b, 0x0102, RTE_VMSG_DEVICE_BUS_STATE_REMOVED);

	/* Polling-only: nothing to send, nothing on the wire. */
	t = tdev_new_bus(3, 0, 0, RTE_VMSG_DEV_F_NO_EVENT_USED, NULL, b.bus);
	dbus_expect_dev_event(&b, 3, RTE_VMSG_DEVICE_BUS_STATE_ADDED);
	to_features_ok(t, offered, 3);
	enable_vq(t, 2, 64);
	set_status(t, S_LIVE);
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), 0);
	CHECK_EQ(dbus_rx(&b, buf, &e), 0);
	tdev_free(t);
	dbus_expect_dev_event(&b, 3, RTE_VMSG_DEVICE_BUS_STATE_REMOVED);
	dbus_fini(&b);

	/* Without a bus: -ENOTCONN and nothing changes; NULL: -EINVAL. */
	t = tdev_new(1, 264, 0, 0);
	g = rte_vmsg_dev_generation(t->dev);
	CHECK_EQ(rte_vmsg_dev_notify_used(t->dev, 2), -ENOTCONN);
	CHECK_EQ(rte_vmsg_dev_notify_config(t->dev, 0, 0), -ENOTCONN);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), -ENOTCONN);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), -ENOTCONN);
	CHECK_EQ(rte_vmsg_dev_generation(t->dev), g);
	CHECK_EQ(rte_vmsg_dev_status(t->dev) & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET, 0);
	tdev_free(t);
	CHECK_EQ(rte_vmsg_dev_notify_used(NULL, 0), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_notify_config(NULL, 0, 0), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_dev_notify_flush(NULL), -EINVAL);
	free(buf);
}

/*
 * DEV-22, DEV-24, DEV-30 on a bus: the SET_VQUEUE that broke a queue is
 * answered through the bus like any other; the device keeps its
 * EVENT_CONFIG, which goes out after the response, with the model's
 * rte_vmsg_dev_notify_flush() or rte_vmsg_dev_notify_needs_reset(), once.
 * A reset drops it.
 */
static void test_set_vqueue_broken_bus(void)
{
	struct rte_vmsg_msg m;
	struct dbus b;
	struct tdev *t;
	uint8_t *buf = malloc(BUF);
	int len;

	if (buf == NULL)
		abort();
	dbus_init(&b, RTE_VMSG_BUS_DEVICE, 264, 16, 0);
	t = tdev_new_bus(9, 0, 0, 0, NULL, b.bus);
	dbus_expect_dev_event(&b, 9, RTE_VMSG_DEVICE_BUS_STATE_ADDED);
	to_features_ok(t, offered, 3);
	t->m.fail_enable = 1;

	/* Through the bus: the empty response, and nothing else yet. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_SET_VQUEUE_REQ;
	m.hdr.dev_num = 9;
	m.hdr.token = 0x4242;
	m.u.vqueue.index = 2;
	m.u.vqueue.flags = RTE_VMSG_VQ_OP_ENABLE;
	m.u.vqueue.size = 256;
	m.u.vqueue.desc_addr = 0xF0001000ull;
	m.u.vqueue.driver_addr = 0xF0002000ull;
	m.u.vqueue.device_addr = 0xF0003000ull;
	len = rte_vmsg_msg_build(buf, BUF, &m);
	CHECK(len > 0);
	CHECK_EQ(rte_vmsg_bus_loop_ops()->tx(b.drv_end, buf, (size_t)len), 0);
	CHECK_EQ(rte_vmsg_bus_poll(b.bus), 1);
	CHECK_EQ(dbus_rx(&b, buf, &m), 1);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_SET_VQUEUE_RESP);
	CHECK_EQ(m.hdr.token, 0x4242);
	CHECK_EQ(m.hdr.msg_size, 8);
	CHECK_EQ(dbus_rx(&b, buf, &m), 0);
	CHECK_EQ(get_vq(t, 2).flags, RTE_VMSG_VQ_ENABLED);
	CHECK(rte_vmsg_dev_status(t->dev) & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET);
	/* The model's service call sends it, after the response; once. */
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), 1);
	CHECK_EQ(dbus_rx(&b, buf, &m), 1);
	expect_needs_reset_event(buf, (int)m.hdr.msg_size, 264, S_FEAT);
	CHECK_EQ(dbus_rx(&b, buf, &m), 0);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), 0);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), -EALREADY);
	CHECK_EQ(stats(t).config_events, 1);
	CHECK_EQ(stats(t).queue_errors, 1);

	/* rte_vmsg_dev_notify_needs_reset() sends the kept event too. */
	to_features_ok(t, offered, 3);
	set_vq(t, 2, RTE_VMSG_VQ_OP_ENABLE, 256, 1, 2, 3);
	CHECK_EQ(dbus_rx(&b, buf, &m), 0);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), 0);
	CHECK_EQ(dbus_rx(&b, buf, &m), 1);
	expect_needs_reset_event(buf, (int)m.hdr.msg_size, 264, S_FEAT);
	CHECK_EQ(rte_vmsg_dev_notify_needs_reset(t->dev), -EALREADY);

	/* A reset drops a kept one: the driver reads everything again. */
	to_features_ok(t, offered, 3);
	set_vq(t, 2, RTE_VMSG_VQ_OP_ENABLE, 256, 1, 2, 3);
	CHECK_EQ(set_status(t, 0), 0);
	CHECK_EQ(rte_vmsg_dev_notify_flush(t->dev), 0);
	CHECK_EQ(dbus_rx(&b, buf, &m), 0);
	CHECK_EQ(stats(t).queue_errors, 3);
	CHECK_EQ(stats(t).config_events, 2);
	tdev_free(t);
	dbus_expect_dev_event(&b, 9, RTE_VMSG_DEVICE_BUS_STATE_REMOVED);
	dbus_fini(&b);
	free(buf);
}

int main(void)
{
	test_create_negative();
	test_device_info();
	test_all_requests();
	test_header_rules();
	test_order();
	test_get_features();
	test_set_features();
	test_features_ok();
	test_driver_ok_needs_features_ok();
	test_max_size();
	test_generation();
	test_config_baseline();
	test_config_strict();
	test_set_config_rules();
	test_config_event();
	test_no_event_for_driver();
	test_needs_reset();
	test_status_accuracy();
	test_reset();
	test_get_vqueue();
	test_get_vqueue_sentinel();
	test_set_vqueue_invalid();
	test_set_vqueue_enabled();
	test_set_vqueue_atomic();
	test_set_vqueue_broken();
	test_reset_vqueue();
	test_get_shm();
	test_driver_ok_gate();
	test_event_avail_next_offset();
	test_event_used();
	test_drops();
	test_handle_args();
	test_random_frames();
	test_on_bus();
	test_notify();
	test_set_vqueue_broken_bus();
	return vtest_done("test_dev");
}
