/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg device side: the request dispatcher, the device state it keeps
 * (status, features, generation, queues) and the device-originated events,
 * sent through the device's bus when it has one.
 */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_transport.h"

#define RTE_VMSG_LOG_PREFIX "dev: "
#include "log_priv.h"
#include "opts_priv.h"

/* Status bits the driver may set; DEVICE_NEEDS_RESET belongs to the device. */
#define DRIVER_STATUS_BITS                                                                  \
	(RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER | RTE_VMSG_STATUS_DRIVER_OK | \
	 RTE_VMSG_STATUS_FEATURES_OK | RTE_VMSG_STATUS_FAILED)

#define MAX_VIRTQUEUES 65536u

/* Drop reasons, one bit each, to log the first drop of each kind only. */
enum drop_reason {
	DROP_MALFORMED,
	DROP_UNSUPPORTED,
	DROP_RESP_TOO_BIG,
	DROP_BUS,
	DROP_NOT_REQUEST,
	DROP_DEV_NUM,
	DROP_EVENT_QUEUE,
	DROP_EVENT_EARLY,
	DROP_EVENT_POLLING,
};

struct rte_vmsg_dev {
	struct rte_vmsg_dev_ops ops; /* copy; its array pointers are not used */
	void *ctx;
	uint64_t flags;
	uint32_t max_msg;
	uint16_t dev_num;
	bool strict; /* strict config profile (DEV-35) */

	uint32_t nblocks;      /* offered feature blocks, trailing zero blocks trimmed */
	uint32_t *offered;     /* [nblocks] */
	uint32_t *driver;      /* [nblocks] driver-selected set */
	bool driver_extra;     /* a bit past the offered blocks was selected (until reset) */
	uint32_t status;       /* as the driver reads it, outside a reset */
	uint32_t reset_status; /* what it reads while a reset is in progress */
	bool resetting;	       /* reset requested, the model has not finished it */
	bool busy;	       /* a mutator runs: hooks may not re-enter one */
	uint32_t generation;
	uint32_t nq;
	struct rte_vmsg_dev_vq *vqs; /* [nq] */
	uint32_t logged;	     /* drop reasons already logged */
	struct rte_vmsg_dev_stats st;

	/* With a bus (rte_vmsg_dev_opts.bus): the device sends its own events. */
	struct rte_vmsg_bus *bus;
	uint8_t *evbuf; /* [max_msg]: EVENT_CONFIG is built here, just before it is sent */
	/*
	 * An EVENT_CONFIG that found the backend full: its range, built again
	 * (current status, generation and bytes) when it is sent.
	 */
	bool ev_kept;
	uint32_t ev_off, ev_len;
};

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */

static bool uuid_is_nil(const uint8_t *u)
{
	size_t i;

	for (i = 0; i < 16; i++)
		if (u[i] != 0)
			return false;
	return true;
}

/* Checks the model description, once copied by rte_vmsg__opts_copy(). */
static int check_ops(const struct rte_vmsg_dev_ops *ops)
{
	/* DEV-8: max_virtqueues <= 65536, admin queues included. */
	if (ops->num_queues > MAX_VIRTQUEUES)
		return -EINVAL;
	/* DEV-9: count 0 => start 0; start + count <= max_virtqueues. */
	if (ops->admin_vq_count == 0 && ops->admin_vq_start != 0)
		return -EINVAL;
	if ((uint64_t)ops->admin_vq_start + ops->admin_vq_count > ops->num_queues)
		return -EINVAL;
	if (ops->num_feature_blocks != 0 && ops->features == NULL)
		return -EINVAL;
	/* DEV-13: VIRTIO_F_NOTIF_CONFIG_DATA is never offered on this transport. */
	if (ops->num_feature_blocks > RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA / 32u &&
	    (ops->features[RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA / 32u] &
	     (1u << (RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA % 32u))) != 0)
		return -EINVAL;
	if (ops->config_size != 0 && ops->config_read == NULL)
		return -EINVAL;
	return 0;
}

/*
 * The device's bus parameters: its own (no bus), or the bus's, which it may
 * restate but not contradict.
 */
static int take_bus_params(struct rte_vmsg_dev_opts *o)
{
	uint32_t max;
	uint64_t features;

	if (o->bus == NULL)
		return 0;
	if (rte_vmsg_bus_role(o->bus) != RTE_VMSG_BUS_DEVICE)
		return -EINVAL;
	max = rte_vmsg_bus_max_msg_size(o->bus);
	features = rte_vmsg_bus_transport_features(o->bus);
	if ((o->max_msg_size != 0 && o->max_msg_size != max) ||
	    (o->transport_features != 0 && o->transport_features != features))
		return -EINVAL;
	o->max_msg_size = max;
	o->transport_features = features;
	return 0;
}

/* The bus's request handler of a device created with a bus. */
static int bus_request(void *ctx, const void *frame, size_t len, void *resp, size_t cap)
{
	return rte_vmsg_dev_handle(ctx, frame, len, resp, cap);
}

int rte_vmsg_dev_create(const struct rte_vmsg_dev_opts *opts, const struct rte_vmsg_dev_ops *ops,
			void *model_ctx, struct rte_vmsg_dev **out)
{
	const uint64_t known_flags = RTE_VMSG_DEV_F_NO_EVENT_AVAIL | RTE_VMSG_DEV_F_NO_EVENT_USED;
	struct rte_vmsg_dev_opts o;
	struct rte_vmsg_dev_ops m;
	struct rte_vmsg_dev *d;
	uint32_t n, i;
	int rc;

	if (opts == NULL || ops == NULL || out == NULL)
		return -EINVAL;
	/*
	 * The options rule (STYLE 5), for the options and the ops table alike:
	 * an older caller's smaller struct (the 0.1 options end before @c bus)
	 * reads as zero past its sz; a newer one's is zero past what is known.
	 * Only the copies are read from here on.
	 */
	rc = rte_vmsg__opts_copy(&o, sizeof(o), opts);
	if (rc == 0)
		rc = rte_vmsg__opts_copy(&m, sizeof(m), ops);
	if (rc < 0)
		return rc;
	ops = &m;
	if (o.reserved0 != 0 || (o.flags & ~known_flags) != 0 ||
	    (o.transport_features & ~RTE_VMSG_F_STRICT_CONFIG_GENERATION) != 0)
		return -EINVAL;
	rc = take_bus_params(&o);
	if (rc < 0)
		return rc;
	if (o.max_msg_size < RTE_VMSG_MAX_SIZE_MIN || o.max_msg_size > RTE_VMSG_MAX_SIZE_MAX)
		return -EINVAL;
	rc = check_ops(ops);
	if (rc < 0)
		return rc;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	d->ops = *ops;
	d->ops.sz = sizeof(d->ops);
	d->ops.features = NULL;
	d->ops.queue_max_sizes = NULL;
	d->ctx = model_ctx;
	d->flags = o.flags;
	d->max_msg = o.max_msg_size;
	d->dev_num = o.dev_num;
	d->strict = (o.transport_features & RTE_VMSG_F_STRICT_CONFIG_GENERATION) != 0;

	/* DEV-8: report only the blocks needed for the offered bits. */
	n = ops->num_feature_blocks;
	while (n > 0 && ops->features[n - 1] == 0)
		n--;
	d->nblocks = n;
	rc = -ENOMEM;
	if (n != 0) {
		d->offered = calloc(n, sizeof(*d->offered));
		if (d->offered == NULL)
			goto err_dev;
		d->driver = calloc(n, sizeof(*d->driver));
		if (d->driver == NULL)
			goto err_offered;
		memcpy(d->offered, ops->features, n * sizeof(*d->offered));
	}

	d->nq = ops->num_queues;
	if (d->nq != 0) {
		d->vqs = calloc(d->nq, sizeof(*d->vqs));
		if (d->vqs == NULL)
			goto err_driver;
		for (i = 0; i < d->nq; i++)
			d->vqs[i].max_size = ops->queue_max_sizes != NULL ? ops->queue_max_sizes[i]
									  : ops->queue_max_size;
	}

	if (o.bus != NULL) {
		d->evbuf = malloc(d->max_msg);
		if (d->evbuf == NULL)
			goto err_vqs;
	}

	if (!uuid_is_nil(ops->uuid) &&
	    ((ops->uuid[6] >> 4) != 4 || (ops->uuid[8] & 0xC0u) != 0x80u))
		RTE_VMSG_LOG(WARNING, "device %u: UUID is not a random (version 4) UUID (DEV-10)",
			     (unsigned int)d->dev_num);
	if (o.bus != NULL) {
		/* Last: EVENT_DEVICE ADDED goes out once the device answers (BUS-6, BUS-22). */
		rc = rte_vmsg_bus_dev_register(o.bus, d->dev_num, bus_request, d);
		if (rc < 0)
			goto err_evbuf;
		d->bus = o.bus;
	}
	*out = d;
	return 0;

err_evbuf:
	free(d->evbuf);
err_vqs:
	free(d->vqs);
err_driver:
	free(d->driver);
err_offered:
	free(d->offered);
err_dev:
	free(d);
	return rc;
}

void rte_vmsg_dev_destroy(struct rte_vmsg_dev *dev)
{
	if (dev == NULL)
		return;
	/* EVENT_DEVICE REMOVED (BUS-22); later frames for the number are dropped by the bus. */
	if (dev->bus != NULL)
		(void)rte_vmsg_bus_dev_unregister(dev->bus, dev->dev_num);
	free(dev->evbuf);
	free(dev->vqs);
	free(dev->driver);
	free(dev->offered);
	free(dev);
}

/* ------------------------------------------------------------------------ */
/* State helpers                                                             */

static uint32_t cur_status(const struct rte_vmsg_dev *d)
{
	return d->resetting ? d->reset_status : d->status;
}

static bool driver_ok(const struct rte_vmsg_dev *d)
{
	return !d->resetting && (d->status & RTE_VMSG_STATUS_DRIVER_OK) != 0 &&
	       (d->status & (RTE_VMSG_STATUS_FAILED | RTE_VMSG_STATUS_DEVICE_NEEDS_RESET)) == 0;
}

static bool negotiated(const struct rte_vmsg_dev *d, uint32_t bit)
{
	if (d->resetting || (d->status & RTE_VMSG_STATUS_FEATURES_OK) == 0 ||
	    bit / 32u >= d->nblocks)
		return false;
	return (d->driver[bit / 32u] >> (bit % 32u) & 1u) != 0;
}

static const struct rte_vmsg_dev_vq *vq_of(const struct rte_vmsg_dev *d, uint32_t index)
{
	if (index >= d->nq || d->vqs[index].max_size == 0)
		return NULL;
	return &d->vqs[index];
}

static void vq_clear(struct rte_vmsg_dev_vq *q)
{
	uint32_t max = q->max_size;

	memset(q, 0, sizeof(*q));
	q->max_size = max;
}

static void count_drop(struct rte_vmsg_dev *d, enum drop_reason r, uint64_t *ctr, const char *what)
{
	(*ctr)++;
	/* Rule 3.1: counted always, logged once per device and reason. */
	if ((d->logged & (1u << r)) == 0) {
		d->logged |= 1u << r;
		RTE_VMSG_LOG(WARNING,
			     "device %u: dropped a frame: %s (further drops of this kind are only "
			     "counted)",
			     (unsigned int)d->dev_num, what);
	}
}

/* ------------------------------------------------------------------------ */
/* Requests. Each fills the response view @r (kind, header already set).     */

static void on_get_device_info(struct rte_vmsg_dev *d, struct rte_vmsg_msg *r)
{
	struct rte_vmsg_dev_info *i = &r->u.dev_info;

	/* DEV-7: answered in every state, from values fixed at creation. */
	i->device_id = d->ops.device_id;
	i->vendor_id = d->ops.vendor_id;
	memcpy(i->uuid, d->ops.uuid, sizeof(i->uuid)); /* verbatim, never swapped */
	i->num_feature_blocks = d->nblocks;
	i->config_size = d->ops.config_size;
	i->max_virtqueues = d->nq;
	i->admin_vq_start = d->ops.admin_vq_start;
	i->admin_vq_count = d->ops.admin_vq_count;
}

static void on_get_device_features(struct rte_vmsg_dev *d, const struct rte_vmsg_msg *m,
				   struct rte_vmsg_msg *r, uint8_t *resp)
{
	uint8_t *blocks = resp + RTE_VMSG_SIZE_FEATURES_BASE;
	uint64_t idx;
	uint32_t k, w;

	/*
	 * DEV-11: echo index and count; offered bits (never the driver's
	 * selection, DEV-12); zero past the offered blocks. The parser made
	 * sure 16 + 4 * num_blocks fits max_msg (<= resp_cap). The words are
	 * written in place; the builder's memmove onto itself is a no-op.
	 */
	for (k = 0; k < m->u.features.num_blocks; k++) {
		idx = (uint64_t)m->u.features.block_index + k;
		w = idx < d->nblocks ? d->offered[idx] : 0;
		rte_vmsg_put_le32(blocks + 4u * (size_t)k, w);
	}
	r->u.features.block_index = m->u.features.block_index;
	r->u.features.num_blocks = m->u.features.num_blocks;
	r->u.features.blocks = blocks;
}

static void on_set_driver_features(struct rte_vmsg_dev *d, const struct rte_vmsg_msg *m)
{
	const struct rte_vmsg_features *f = &m->u.features;
	uint64_t idx;
	uint32_t k, w;

	/* Features are fixed once FEATURES_OK is accepted, and during a reset. */
	if (d->resetting || (d->status & RTE_VMSG_STATUS_FEATURES_OK) != 0) {
		d->st.refused++;
		return;
	}
	/* DEV-12: only the addressed blocks change. */
	for (k = 0; k < f->num_blocks; k++) {
		idx = (uint64_t)f->block_index + k;
		w = rte_vmsg_msg_feature_block(f, k);
		if (idx < d->nblocks)
			d->driver[idx] = w;
		else if (w != 0)
			/*
			 * [LIB] a bit the device does not offer can never be
			 * accepted: remember it until reset and refuse
			 * FEATURES_OK, without storage per block index.
			 */
			d->driver_extra = true;
	}
}

static void on_get_config(struct rte_vmsg_dev *d, const struct rte_vmsg_msg *m,
			  struct rte_vmsg_msg *r, uint8_t *resp)
{
	uint32_t off = m->u.config.offset, len = m->u.config.length;
	uint8_t *data = resp + RTE_VMSG_SIZE_CONFIG_BASE;

	r->u.config.generation = d->generation; /* DEV-15 */
	r->u.config.offset = off;
	r->u.config.length = 0;
	r->u.config.data = NULL;
	if (len == 0)
		return;
	/* [LIB] §9: outside config space -> length 0, no data. */
	if ((uint64_t)off + len > d->ops.config_size) {
		d->st.refused++;
		return;
	}
	/* The parser made sure 20 + len fits max_msg (<= resp_cap). */
	if (d->ops.config_read(d->ctx, off, data, len) < 0) {
		d->st.model_errors++;
		return;
	}
	r->u.config.length = len;
	r->u.config.data = data;
}

static void on_set_config(struct rte_vmsg_dev *d, const struct rte_vmsg_msg *m,
			  struct rte_vmsg_msg *r)
{
	const struct rte_vmsg_config *c = &m->u.config;

	r->u.config.offset = c->offset;
	r->u.config.length = 0; /* "not applied" form: length 0, no data */
	r->u.config.data = NULL;
	/* DEV-19: length 0 is a legal no-op. */
	if (c->length == 0)
		goto out;
	/* DEV-18, DEV-35: strict profile rejects a stale generation; baseline ignores it (DEV-17). */
	if (d->resetting || (uint64_t)c->offset + c->length > d->ops.config_size ||
	    (d->strict && c->generation != d->generation) || d->ops.config_write == NULL) {
		d->st.refused++;
		goto out;
	}
	/* DEV-19: all or nothing: the model writes everything or nothing. */
	if (d->ops.config_write(d->ctx, c->offset, c->data, c->length) < 0) {
		d->st.refused++;
		goto out;
	}
	r->u.config.length = c->length;
	r->u.config.data = c->data; /* echo of the written bytes */
out:
	r->u.config.generation = d->generation; /* DEV-15: the current value */
}

static void start_reset(struct rte_vmsg_dev *d)
{
	uint32_t i;
	int rc = 0;

	/* DEV-25: the status never reads 0 before the reset is complete. */
	d->reset_status = d->status != 0 ? d->status : RTE_VMSG_STATUS_DEVICE_NEEDS_RESET;
	d->resetting = true;
	/* The driver starts over and reads everything again: a kept EVENT_CONFIG is moot. */
	d->ev_kept = false;
	if (d->ops.reset != NULL) {
		/* The model sees the queues as they were, to stop them. */
		rc = d->ops.reset(d->ctx);
		if (rc < 0 && rc != -EINPROGRESS)
			d->st.model_errors++;
	}
	/* Post-reset rules (virtio-msg §7): features cleared, queues disabled, unprogrammed. */
	d->status = 0;
	if (d->nblocks != 0)
		memset(d->driver, 0, d->nblocks * sizeof(*d->driver));
	d->driver_extra = false;
	for (i = 0; i < d->nq; i++)
		vq_clear(&d->vqs[i]);
	if (rc == 0)
		d->resetting = false;
}

static bool features_acceptable(struct rte_vmsg_dev *d)
{
	uint32_t k;

	if (d->driver_extra)
		return false;
	/* Only offered bits; so never VIRTIO_F_NOTIF_CONFIG_DATA (DEV-13). */
	for (k = 0; k < d->nblocks; k++)
		if ((d->driver[k] & ~d->offered[k]) != 0)
			return false;
	if (d->ops.features_check != NULL &&
	    d->ops.features_check(d->ctx, d->driver, d->nblocks) < 0)
		return false;
	return true;
}

static void on_set_device_status(struct rte_vmsg_dev *d, uint32_t want, struct rte_vmsg_msg *r)
{
	uint32_t old = d->status, now;

	if (want == 0) {
		/* Writing 0 requests a reset (§7); a second one while in progress waits for it. */
		if (!d->resetting)
			start_reset(d);
		goto out;
	}
	if (d->resetting) {
		d->st.refused++;
		goto out;
	}
	/*
	 * Bits are only cleared by a reset (the driver must not clear them);
	 * unknown bits and DEVICE_NEEDS_RESET are the device's, not the
	 * driver's. [LIB] bits 31:8 are never set.
	 */
	now = old | (want & DRIVER_STATUS_BITS);
	/* DEV-14: FEATURES_OK is checked when the driver sets it. */
	if ((now & RTE_VMSG_STATUS_FEATURES_OK) != 0 && (old & RTE_VMSG_STATUS_FEATURES_OK) == 0 &&
	    !features_acceptable(d)) {
		now &= ~RTE_VMSG_STATUS_FEATURES_OK;
		d->st.refused++;
	}
	if (now != old) {
		d->status = now;
		/* DEV-24: a fatal model error sets DEVICE_NEEDS_RESET, seen in the response. */
		if (d->ops.status_changed != NULL && d->ops.status_changed(d->ctx, old, now) < 0) {
			d->status |= RTE_VMSG_STATUS_DEVICE_NEEDS_RESET;
			d->st.model_errors++;
		}
	}
out:
	/* The status at the moment of answering; no EVENT_CONFIG for it (DEV-21). */
	r->u.status = cur_status(d);
}

static void on_get_vqueue(struct rte_vmsg_dev *d, uint32_t index, struct rte_vmsg_msg *r)
{
	const struct rte_vmsg_dev_vq *q = vq_of(d, index);
	struct rte_vmsg_vqueue *v = &r->u.vqueue;

	/* DEV-27: unknown or absent queue: all zero but the echoed index. */
	memset(v, 0, sizeof(*v));
	v->index = index;
	if (q == NULL)
		return;
	/* DEV-26 */
	v->max_size = q->max_size;
	v->size = q->size;
	v->flags = q->enabled != 0 ? RTE_VMSG_VQ_ENABLED : 0;
	v->desc_addr = q->desc_addr;
	v->driver_addr = q->driver_addr;
	v->device_addr = q->device_addr;
}

/*
 * SET_VQUEUE, all or nothing (virtio-msg §4.8, DEV-28..30). Returns true when
 * the request was acceptable (whether or not anything changed).
 */
static bool set_vqueue(struct rte_vmsg_dev *d, const struct rte_vmsg_vqueue *v)
{
	struct rte_vmsg_dev_vq *q, next;
	uint32_t op = v->flags & RTE_VMSG_VQ_OP_MASK;

	/* DEV-28: invalid index, reserved != 0, flags[31:6] != 0, op 3. */
	if (vq_of(d, v->index) == NULL || v->reserved != 0 ||
	    (v->flags & RTE_VMSG_VQ_FLAGS_RESERVED) != 0 || op == RTE_VMSG_VQ_OP_RESERVED)
		return false;
	if (d->resetting)
		return false;
	q = &d->vqs[v->index];

	if (q->enabled) {
		/* DEV-29: no op 0 (it would disable) and no update of an enabled queue. */
		if (op == RTE_VMSG_VQ_OP_KEEP_DISABLED)
			return false;
		/* [LIB] §11: a field rewritten with its current value is no change. */
		if (!(v->flags & RTE_VMSG_VQ_IGNORE_SIZE) && v->size != q->size)
			return false;
		if (!(v->flags & RTE_VMSG_VQ_IGNORE_DESC) && v->desc_addr != q->desc_addr)
			return false;
		if (!(v->flags & RTE_VMSG_VQ_IGNORE_DRIVER) && v->driver_addr != q->driver_addr)
			return false;
		if (!(v->flags & RTE_VMSG_VQ_IGNORE_DEVICE) && v->device_addr != q->device_addr)
			return false;
		/* op 1 or 2 on an enabled queue: it stays enabled. */
		return true;
	}

	/* DEV-30: apply the non-ignored fields to a copy, then the state op. */
	next = *q;
	if (!(v->flags & RTE_VMSG_VQ_IGNORE_SIZE))
		next.size = v->size;
	if (!(v->flags & RTE_VMSG_VQ_IGNORE_DESC))
		next.desc_addr = v->desc_addr;
	if (!(v->flags & RTE_VMSG_VQ_IGNORE_DRIVER))
		next.driver_addr = v->driver_addr;
	if (!(v->flags & RTE_VMSG_VQ_IGNORE_DEVICE))
		next.device_addr = v->device_addr;
	/* [LIB] a size above max_size is not acceptable (the driver keeps size <= max, DRV-20). */
	if (next.size > next.max_size)
		return false;
	if (op == RTE_VMSG_VQ_OP_ENABLE) {
		/* [LIB] a queue cannot be enabled without a size. */
		if (next.size == 0)
			return false;
		next.enabled = 1;
		if (d->ops.queue_enable != NULL && d->ops.queue_enable(d->ctx, v->index, &next) < 0)
			return false;
	}
	*q = next;
	return true;
}

static void on_reset_vqueue(struct rte_vmsg_dev *d, uint32_t index)
{
	struct rte_vmsg_dev_vq *q;

	/* DEV-31: only with VIRTIO_F_RING_RESET negotiated, on a valid index. */
	if (!negotiated(d, RTE_VMSG_VIRTIO_F_RING_RESET) || vq_of(d, index) == NULL) {
		d->st.refused++;
		return;
	}
	q = &d->vqs[index];
	/* The response goes out once the queue has stopped: the hook returned. */
	if (q->enabled && d->ops.queue_reset != NULL && d->ops.queue_reset(d->ctx, index) < 0) {
		d->st.refused++;
		return;
	}
	/* Back to "disabled, reconfigurable". */
	vq_clear(q);
}

static void on_get_shm(struct rte_vmsg_dev *d, uint32_t shmid, struct rte_vmsg_msg *r)
{
	uint64_t length = 0, address = 0;

	r->u.shm.shmid = shmid;
	/* DEV-32: unknown region -> length 0 and ([LIB]) address 0. */
	if (d->ops.get_shm == NULL || d->ops.get_shm(d->ctx, shmid, &length, &address) < 0 ||
	    length == 0) {
		length = 0;
		address = 0;
	}
	r->u.shm.length = length;
	r->u.shm.address = address;
}

static void on_event_avail(struct rte_vmsg_dev *d, const struct rte_vmsg_event_avail *e)
{
	const struct rte_vmsg_dev_vq *q = vq_of(d, e->vq_index);

	if (d->flags & RTE_VMSG_DEV_F_NO_EVENT_AVAIL) {
		count_drop(d, DROP_EVENT_POLLING, &d->st.drop_event_polling,
			   "EVENT_AVAIL in polling-only mode");
		return;
	}
	if (q == NULL || !q->enabled) {
		count_drop(d, DROP_EVENT_QUEUE, &d->st.drop_event_queue,
			   "EVENT_AVAIL for an absent or disabled queue");
		return;
	}
	/* DEV-33: no queue processing before DRIVER_OK. */
	if (!driver_ok(d)) {
		count_drop(d, DROP_EVENT_EARLY, &d->st.drop_event_early,
			   "EVENT_AVAIL before DRIVER_OK");
		return;
	}
	d->st.events++;
	if (d->ops.event_avail != NULL &&
	    d->ops.event_avail(d->ctx, e->vq_index, e->next_offset) < 0)
		d->st.model_errors++;
}

/* Answers one valid request addressed to this device; returns the response length or 0. */
static int answer(struct rte_vmsg_dev *d, const struct rte_vmsg_msg *m, uint8_t *resp)
{
	struct rte_vmsg_msg r;
	int n;

	memset(&r, 0, sizeof(r));
	r.kind = rte_vmsg_msg_response_kind(m->kind);
	r.hdr.dev_num = d->dev_num; /* DEV-3: its own dev_num (GEN-7) */
	r.hdr.token = m->hdr.token; /* DEV-4 */

	switch (m->kind) {
	case RTE_VMSG_MSG_GET_DEVICE_INFO_REQ:
		on_get_device_info(d, &r);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ:
		on_get_device_features(d, m, &r, resp);
		break;
	case RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ:
		on_set_driver_features(d, m);
		break;
	case RTE_VMSG_MSG_GET_CONFIG_REQ:
		on_get_config(d, m, &r, resp);
		break;
	case RTE_VMSG_MSG_SET_CONFIG_REQ:
		on_set_config(d, m, &r);
		break;
	case RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ:
		r.u.status = cur_status(d);
		break;
	case RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ:
		on_set_device_status(d, m->u.status, &r);
		break;
	case RTE_VMSG_MSG_GET_VQUEUE_REQ:
		on_get_vqueue(d, m->u.vq_index, &r);
		break;
	case RTE_VMSG_MSG_SET_VQUEUE_REQ:
		/* Same empty response whether or not anything changed. */
		if (!set_vqueue(d, &m->u.vqueue))
			d->st.refused++;
		break;
	case RTE_VMSG_MSG_RESET_VQUEUE_REQ:
		on_reset_vqueue(d, m->u.vq_index);
		break;
	case RTE_VMSG_MSG_GET_SHM_REQ:
		on_get_shm(d, m->u.shm.shmid, &r);
		break;
	default:
		return 0; /* not reached: the caller passes requests only */
	}

	/* DEV-1: never larger than the bus maximum (resp_cap >= max_msg was checked). */
	n = rte_vmsg_msg_build(resp, d->max_msg, &r);
	if (n < 0) {
		/* Cannot happen: the parser refused requests with too large responses. */
		count_drop(d, DROP_RESP_TOO_BIG, &d->st.drop_resp_too_big,
			   "response larger than the maximum message size");
		return 0;
	}
	d->st.requests++;
	return n;
}

static int handle(struct rte_vmsg_dev *dev, const void *frame, size_t len, uint8_t *resp_buf)
{
	enum rte_vmsg_msg_err why;
	struct rte_vmsg_msg m;
	int rc;

	/* DEV-2: malformed and unsupported frames are dropped without a response. */
	rc = rte_vmsg_msg_parse(frame, len, dev->max_msg, &m, &why);
	if (rc == -EOPNOTSUPP) {
		count_drop(dev, DROP_UNSUPPORTED, &dev->st.drop_unsupported, "unknown message ID");
		return 0;
	}
	if (rc < 0) {
		/* [LIB] §9: a request whose full response exceeds the maximum is dropped. */
		if (why == RTE_VMSG_MSG_ERR_RESP_OVER_MAX)
			count_drop(dev, DROP_RESP_TOO_BIG, &dev->st.drop_resp_too_big,
				   rte_vmsg_msg_err_str(why));
		else
			count_drop(dev, DROP_MALFORMED, &dev->st.drop_malformed,
				   rte_vmsg_msg_err_str(why));
		return 0;
	}
	if (m.hdr.type & RTE_VMSG_TYPE_BUS) {
		count_drop(dev, DROP_BUS, &dev->st.drop_bus, "bus message");
		return 0;
	}
	if (m.kind == RTE_VMSG_MSG_IMPL) {
		count_drop(dev, DROP_UNSUPPORTED, &dev->st.drop_unsupported,
			   "implementation-defined message ID");
		return 0;
	}
	if (m.hdr.dev_num != dev->dev_num) {
		count_drop(dev, DROP_DEV_NUM, &dev->st.drop_dev_num, "another device number");
		return 0;
	}
	if (m.kind == RTE_VMSG_MSG_EVENT_AVAIL) {
		/* GEN-5: events are never answered. */
		on_event_avail(dev, &m.u.event_avail);
		return 0;
	}
	if (rte_vmsg_msg_response_kind(m.kind) == RTE_VMSG_MSG_INVALID) {
		count_drop(dev, DROP_NOT_REQUEST, &dev->st.drop_not_request,
			   "response or device-to-driver event");
		return 0;
	}
	return answer(dev, &m, resp_buf);
}

int rte_vmsg_dev_handle(struct rte_vmsg_dev *dev, const void *frame, size_t len, void *resp_buf,
			size_t resp_cap)
{
	int rc;

	if (dev == NULL || frame == NULL || resp_buf == NULL)
		return -EINVAL;
	if (dev->busy)
		return -EBUSY;
	if (resp_cap < dev->max_msg)
		return -ENOBUFS;
	dev->busy = true;
	rc = handle(dev, frame, len, resp_buf);
	dev->busy = false;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Device-originated events                                                  */

static int check_out(const struct rte_vmsg_dev *d, const void *buf, size_t cap)
{
	if (d == NULL || buf == NULL)
		return -EINVAL;
	if (cap < d->max_msg)
		return -ENOBUFS;
	return 0;
}

static int build_event_config(struct rte_vmsg_dev *d, uint32_t offset, uint32_t length,
			      uint8_t *buf)
{
	uint8_t *data = buf + RTE_VMSG_SIZE_EVENT_CONFIG_BASE;
	struct rte_vmsg_msg e;
	int n;

	memset(&e, 0, sizeof(e));
	e.kind = RTE_VMSG_MSG_EVENT_CONFIG;
	e.hdr.dev_num = d->dev_num;
	e.hdr.token = 0; /* [LIB] §9: events carry token 0 */
	e.u.config.device_status = cur_status(d);
	e.u.config.generation = d->generation; /* DEV-15 */
	e.u.config.offset = offset;
	e.u.config.length = length;
	/* DEV-23: data only when it fits; otherwise the range without data. */
	if (length != 0 && (uint64_t)RTE_VMSG_SIZE_EVENT_CONFIG_BASE + length <= d->max_msg) {
		if (d->ops.config_read(d->ctx, offset, data, length) == 0)
			e.u.config.data = data;
		else
			d->st.model_errors++;
	}
	n = rte_vmsg_msg_build(buf, d->max_msg, &e); /* DEV-1 */
	return n;
}

int rte_vmsg_dev_config_changed(struct rte_vmsg_dev *dev, uint32_t offset, uint32_t length,
				void *buf, size_t cap)
{
	int rc = check_out(dev, buf, cap);

	if (rc < 0)
		return rc;
	if (dev->busy)
		return -EBUSY;
	if (length == 0 ? offset != 0 : (uint64_t)offset + length > dev->ops.config_size)
		return -EINVAL;
	/* DEV-16: a reader mixing bytes from before and after now sees two generations. */
	dev->generation++;
	dev->busy = true; /* the config_read hook runs */
	rc = build_event_config(dev, offset, length, buf);
	dev->busy = false;
	if (rc > 0)
		dev->st.config_events++;
	return rc;
}

int rte_vmsg_dev_needs_reset(struct rte_vmsg_dev *dev, void *buf, size_t cap)
{
	int rc = check_out(dev, buf, cap);

	if (rc < 0)
		return rc;
	if (dev->busy)
		return -EBUSY;
	/* Already reported, or the driver is resetting already: nothing new. */
	if (dev->resetting || (dev->status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0)
		return 0;
	dev->status |= RTE_VMSG_STATUS_DEVICE_NEEDS_RESET;
	/* DEV-22: status-only event, offset = length = 0, no data. */
	rc = build_event_config(dev, 0, 0, buf);
	if (rc > 0)
		dev->st.config_events++;
	return rc;
}

int rte_vmsg_dev_reset_done(struct rte_vmsg_dev *dev)
{
	if (dev == NULL)
		return -EINVAL;
	if (dev->busy)
		return -EBUSY;
	if (!dev->resetting)
		return -EALREADY;
	dev->resetting = false; /* DEV-25: status reads 0 from now on */
	return 0;
}

/* EVENT_USED (12 bytes) into @p buf of @p cap >= 12 bytes; 0 in polling-only mode. */
static int build_event_used(struct rte_vmsg_dev *dev, uint32_t vq, void *buf, size_t cap)
{
	const struct rte_vmsg_dev_vq *q;
	struct rte_vmsg_msg e;

	q = vq_of(dev, vq);
	if (q == NULL)
		return -EINVAL;
	/* virtio-msg §8: polling-only, no EVENT_USED. */
	if (dev->flags & RTE_VMSG_DEV_F_NO_EVENT_USED)
		return 0;
	/* DEV-33 */
	if (!q->enabled || !driver_ok(dev))
		return -EPERM;
	memset(&e, 0, sizeof(e));
	e.kind = RTE_VMSG_MSG_EVENT_USED;
	e.hdr.dev_num = dev->dev_num;
	e.u.vq_index = vq;
	return rte_vmsg_msg_build(buf, cap, &e);
}

int rte_vmsg_dev_build_event_used(struct rte_vmsg_dev *dev, uint32_t vq, void *buf, size_t cap)
{
	int rc = check_out(dev, buf, cap);

	if (rc < 0)
		return rc;
	rc = build_event_used(dev, vq, buf, dev->max_msg);
	if (rc > 0)
		dev->st.used_events++;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Device-originated events sent through the device's bus                    */

/*
 * Builds the kept EVENT_CONFIG now (current status and generation, DEV-15;
 * the bytes of its range as they are now, DEV-23) and sends it. The
 * config_read hook runs: the caller holds dev->busy.
 * @return 1 sent; 0 nothing kept; -EAGAIN still kept (backend full);
 *         another negative errno: dropped (the backend's error).
 */
static int kept_send(struct rte_vmsg_dev *d)
{
	int n, rc;

	if (!d->ev_kept)
		return 0;
	n = build_event_config(d, d->ev_off, d->ev_len, d->evbuf);
	if (n < 0) {
		d->ev_kept = false; /* cannot happen: the range was checked */
		return n;
	}
	rc = rte_vmsg_bus_send_event(d->bus, d->evbuf, (size_t)n);
	if (rc == -EAGAIN)
		return rc;
	d->ev_kept = false;
	if (rc < 0)
		return rc;
	d->st.config_events++;
	return 1;
}

/*
 * Keeps an EVENT_CONFIG for [@p off, @p off + @p len) and tries to send it.
 * One already kept is folded in: same range, or "something changed" (0, 0)
 * when the ranges differ; its status and generation are the current ones
 * anyway, so one event reports both changes.
 */
static int kept_add_send(struct rte_vmsg_dev *d, uint32_t off, uint32_t len)
{
	int rc;

	if (d->ev_kept && (d->ev_off != off || d->ev_len != len))
		off = len = 0;
	d->ev_kept = true;
	d->ev_off = off;
	d->ev_len = len;
	d->busy = true; /* the config_read hook runs */
	rc = kept_send(d);
	d->busy = false;
	return rc < 0 ? rc : 0;
}

/* The checks of every notify call: a device with a bus, outside its hooks. */
static int check_notify(const struct rte_vmsg_dev *dev)
{
	if (dev == NULL)
		return -EINVAL;
	if (dev->bus == NULL)
		return -ENOTCONN;
	if (dev->busy)
		return -EBUSY;
	return 0;
}

int rte_vmsg_dev_notify_used(struct rte_vmsg_dev *dev, uint32_t vq)
{
	uint8_t buf[RTE_VMSG_HDR_SIZE + 8];
	int n, rc;

	/* May run inside a hook (changes no device state): no busy check. */
	if (dev == NULL)
		return -EINVAL;
	if (dev->bus == NULL)
		return -ENOTCONN;
	n = build_event_used(dev, vq, buf, sizeof(buf));
	if (n <= 0)
		return n; /* 0: polling-only, nothing to send */
	rc = rte_vmsg_bus_send_event(dev->bus, buf, (size_t)n);
	if (rc < 0)
		return rc; /* -EAGAIN: nothing sent, the caller retries */
	dev->st.used_events++;
	return 0;
}

int rte_vmsg_dev_notify_config(struct rte_vmsg_dev *dev, uint32_t offset, uint32_t length)
{
	int rc = check_notify(dev);

	if (rc < 0)
		return rc;
	if (length == 0 ? offset != 0 : (uint64_t)offset + length > dev->ops.config_size)
		return -EINVAL;
	/* DEV-16, once per change: a retry is rte_vmsg_dev_notify_flush(), never this. */
	dev->generation++;
	return kept_add_send(dev, offset, length);
}

int rte_vmsg_dev_notify_needs_reset(struct rte_vmsg_dev *dev)
{
	int rc = check_notify(dev);

	if (rc < 0)
		return rc;
	/* Already reported, or the driver is resetting already: nothing new. */
	if (dev->resetting || (dev->status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0) {
		if (!dev->ev_kept)
			return -EALREADY;
		/* Called again after -EAGAIN: the retry of the kept event. */
		dev->busy = true;
		rc = kept_send(dev);
		dev->busy = false;
		return rc < 0 ? rc : 0;
	}
	dev->status |= RTE_VMSG_STATUS_DEVICE_NEEDS_RESET; /* DEV-24 */
	/* DEV-22: status-only event, offset = length = 0, no data. */
	return kept_add_send(dev, 0, 0);
}

int rte_vmsg_dev_notify_flush(struct rte_vmsg_dev *dev)
{
	int rc = check_notify(dev);

	if (rc < 0)
		return rc;
	dev->busy = true;
	rc = kept_send(dev);
	dev->busy = false;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Getters                                                                   */

uint32_t rte_vmsg_dev_status(const struct rte_vmsg_dev *dev)
{
	return dev != NULL ? cur_status(dev) : 0;
}

int rte_vmsg_dev_driver_ok(const struct rte_vmsg_dev *dev)
{
	return dev != NULL && driver_ok(dev);
}

int rte_vmsg_dev_vq_get(const struct rte_vmsg_dev *dev, uint32_t index, struct rte_vmsg_dev_vq *vq)
{
	if (dev == NULL || vq == NULL || index >= dev->nq)
		return -EINVAL;
	*vq = dev->vqs[index];
	return 0;
}

int rte_vmsg_dev_has_feature(const struct rte_vmsg_dev *dev, uint32_t bit)
{
	return dev != NULL && negotiated(dev, bit);
}

int rte_vmsg_dev_features_get(const struct rte_vmsg_dev *dev, uint32_t block_index,
			      uint32_t *blocks, uint32_t n)
{
	bool ok;
	uint64_t idx;
	uint32_t k;

	if (dev == NULL || (blocks == NULL && n != 0))
		return -EINVAL;
	ok = !dev->resetting && (dev->status & RTE_VMSG_STATUS_FEATURES_OK) != 0;
	for (k = 0; k < n; k++) {
		idx = (uint64_t)block_index + k;
		blocks[k] = ok && idx < dev->nblocks ? dev->driver[idx] : 0;
	}
	return 0;
}

uint32_t rte_vmsg_dev_generation(const struct rte_vmsg_dev *dev)
{
	return dev != NULL ? dev->generation : 0;
}

uint16_t rte_vmsg_dev_num(const struct rte_vmsg_dev *dev)
{
	return dev != NULL ? dev->dev_num : 0;
}

struct rte_vmsg_bus *rte_vmsg_dev_bus(const struct rte_vmsg_dev *dev)
{
	return dev != NULL ? dev->bus : NULL;
}

uint32_t rte_vmsg_dev_max_msg_size(const struct rte_vmsg_dev *dev)
{
	return dev != NULL ? dev->max_msg : 0;
}

int rte_vmsg_dev_stats_get(const struct rte_vmsg_dev *dev, struct rte_vmsg_dev_stats *st)
{
	if (dev == NULL || st == NULL)
		return -EINVAL;
	*st = dev->st;
	return 0;
}
