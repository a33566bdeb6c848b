/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg device side: creation, the request dispatcher and the device
 * state it keeps (status, features, generation, queues), the getters. The
 * device-originated events are in dev_notify.c.
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
#include "dev_priv.h"

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
	uint32_t max, payloads;
	uint64_t features;

	if (o->payloads >= RTE_VMSG_PAYLOADS_COUNT || o->reserved1 != 0)
		return -EINVAL;
	if (o->bus == NULL)
		return 0;
	if (rte_vmsg_bus_role(o->bus) != RTE_VMSG_BUS_DEVICE)
		return -EINVAL;
	max = rte_vmsg_bus_max_msg_size(o->bus);
	features = rte_vmsg_bus_transport_features(o->bus);
	payloads = rte_vmsg_bus_payloads(o->bus);
	if ((o->max_msg_size != 0 && o->max_msg_size != max) ||
	    (o->transport_features != 0 && o->transport_features != features) ||
	    (o->payloads != 0 && o->payloads != payloads))
		return -EINVAL;
	o->max_msg_size = max;
	o->transport_features = features;
	o->payloads = payloads;
	return 0;
}

/* The bus's request handler of a device created with a bus. */
static int bus_request(void *ctx, const void *frame, size_t len, void *resp, size_t cap)
{
	return rte_vmsg_dev_handle(ctx, frame, len, resp, cap);
}

static void bus_lost(void *ctx);

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
	d->payloads = o.payloads;
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
		(void)rte_vmsg_bus_dev_set_lost(o.bus, d->dev_num, bus_lost);
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

static bool negotiated(const struct rte_vmsg_dev *d, uint32_t bit)
{
	if (d->resetting || (d->status & RTE_VMSG_STATUS_FEATURES_OK) == 0 ||
	    bit / 32u >= d->nblocks)
		return false;
	return (d->driver[bit / 32u] >> (bit % 32u) & 1u) != 0;
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

/*
 * Whether a driver left anything in the device: a status, a selected
 * feature or a programmed queue ([LIB] §11 answers requests before their
 * step, so a queue may be programmed, even enabled, at status 0).
 */
static bool set_up(const struct rte_vmsg_dev *d)
{
	uint32_t i;

	if (d->status != 0 || d->driver_extra)
		return true;
	for (i = 0; i < d->nblocks; i++)
		if (d->driver[i] != 0)
			return true;
	for (i = 0; i < d->nq; i++) {
		const struct rte_vmsg_dev_vq *q = &d->vqs[i];

		if (q->enabled || q->size != 0 || q->desc_addr != 0 || q->driver_addr != 0 ||
		    q->device_addr != 0)
			return true;
	}
	return false;
}

/*
 * The bus's lost hook of a device created with a bus: the driver is gone
 * (it died, restarted or hung), and a new one's first frame has not come.
 * What the old driver set up goes, as at a status of 0, so the device never
 * runs on with queues of a driver that is gone; the new driver finds it
 * reset (or resetting, the status then reads non-zero until done).
 */
static void bus_lost(void *ctx)
{
	struct rte_vmsg_dev *d = ctx;

	if (!set_up(d) || d->resetting || d->busy)
		return;
	d->st.peer_resets++;
	/* The model's reset op runs under the same contract as from a request. */
	d->busy = true;
	start_reset(d);
	d->busy = false;
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
	/*
	 * DRIVER_OK only on features accepted (virtio 1.x 3.1.1: FEATURES_OK
	 * then DRIVER_OK): set without them, or in the write whose features
	 * were refused just above, it is not taken, and the data path never
	 * runs on a feature set the device did not accept.
	 */
	if ((now & RTE_VMSG_STATUS_DRIVER_OK) != 0 && (old & RTE_VMSG_STATUS_DRIVER_OK) == 0 &&
	    (now & RTE_VMSG_STATUS_FEATURES_OK) == 0) {
		now &= ~RTE_VMSG_STATUS_DRIVER_OK;
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
 * The queue_enable hook failed on a SET_VQUEUE the draft says to apply: the
 * request was stored, the queue reads enabled, and the model cannot use it.
 * A fatal device error (DEV-24): DEVICE_NEEDS_RESET, in the status at once.
 * Its status-only EVENT_CONFIG (DEV-22) cannot go out before the response
 * does: it is kept, folded into one already kept (offset = length = 0 is
 * "something changed" and covers any range), and sent by the model's next
 * rte_vmsg_dev_notify_flush() or rte_vmsg_dev_notify_needs_reset() (built
 * by rte_vmsg_dev_needs_reset() without a bus). A reset drops it.
 */
static void queue_broke(struct rte_vmsg_dev *d)
{
	d->st.queue_errors++;
	if ((d->status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0)
		return; /* reported already: nothing new */
	d->status |= RTE_VMSG_STATUS_DEVICE_NEEDS_RESET;
	d->ev_kept = true;
	d->ev_off = 0;
	d->ev_len = 0;
}

/*
 * SET_VQUEUE, all or nothing (virtio-msg §4.8, DEV-28..30). Returns true when
 * the request was acceptable (whether or not anything changed), false when
 * it changed nothing: one of the draft's reject cases, a [LIB] size rule, or
 * the model's refusal (RTE_VMSG_DEV_VQ_REFUSE). An acceptable request is
 * applied even when the queue_enable hook fails: the queue is then broken.
 */
static bool set_vqueue(struct rte_vmsg_dev *d, const struct rte_vmsg_vqueue *v)
{
	struct rte_vmsg_dev_vq *q, next;
	uint32_t op = v->flags & RTE_VMSG_VQ_OP_MASK;
	int rc = 0;

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
		if (d->ops.queue_enable != NULL)
			rc = d->ops.queue_enable(d->ctx, v->index, &next);
		/* [LIB] the model's refusal: nothing changes, as for DEV-28/29. */
		if (rc == RTE_VMSG_DEV_VQ_REFUSE)
			return false;
	}
	/* §4.8: passed the checks, so applied: GET_VQUEUE reads back what was programmed. */
	*q = next;
	if (rc < 0)
		queue_broke(d);
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
	uint32_t next;

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
	/*
	 * DRV-30: next_offset means something only with NOTIFICATION_DATA.
	 * Without it the event still says "buffers available", but a value
	 * the driver had no business sending never reaches the model.
	 */
	next = negotiated(d, RTE_VMSG_VIRTIO_F_NOTIFICATION_DATA) ? e->next_offset : 0;
	if (d->ops.event_avail != NULL && d->ops.event_avail(d->ctx, e->vq_index, next) < 0)
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
	n = rte_vmsg_msg_build_profile(resp, d->max_msg, d->payloads, &r);
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
	rc = rte_vmsg_msg_parse_profile(frame, len, dev->max_msg, dev->payloads, &m, &why);
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
