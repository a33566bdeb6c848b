/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg driver side: the requests of §4, each an asynchronous call
 * run by the engine of drv.c, and its synchronous wrapper; EVENT_AVAIL.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_transport.h"
#include "drv_priv.h"

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */

/* Checks a config range against config_size (DRV-15). */
static int config_range(const struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len)
{
	if (!drv->have_info)
		return -EPERM;
	if (len == 0 || (uint64_t)offset + len > drv->info.config_size)
		return -EINVAL;
	return 0;
}

int rte_vmsg_drv_get_info_async(struct rte_vmsg_drv *drv, struct rte_vmsg_dev_info *info,
				rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (info == NULL)
		return -EINVAL;
	op = rte_vmsg__drv_op_new(drv, OP_INFO, false, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->out = info;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_get_info(struct rte_vmsg_drv *drv, struct rte_vmsg_dev_info *info)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(
		drv, &s, rte_vmsg_drv_get_info_async(drv, info, rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_get_features_async(struct rte_vmsg_drv *drv, uint32_t block_index, uint32_t n,
				    uint32_t *blocks, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (blocks == NULL || n == 0 || (uint64_t)block_index + n > UINT32_MAX)
		return -EINVAL;
	op = rte_vmsg__drv_op_new(drv, OP_GET_FEAT, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = block_index;
	op->n = n;
	op->out = blocks;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_get_features(struct rte_vmsg_drv *drv, uint32_t block_index, uint32_t n,
			      uint32_t *blocks)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(drv, &s,
				       rte_vmsg_drv_get_features_async(drv, block_index, n, blocks,
								       rte_vmsg__drv_sync_done,
								       &s));
}

int rte_vmsg_drv_set_features_async(struct rte_vmsg_drv *drv, uint32_t block_index, uint32_t n,
				    const uint32_t *blocks, rte_vmsg_drv_done_fn done, void *arg)
{
	uint32_t nc = RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA;
	struct drv_op *op;
	int rc;

	if (blocks == NULL || n == 0 || (uint64_t)block_index + n > UINT32_MAX)
		return -EINVAL;
	/* Never accept VIRTIO_F_NOTIF_CONFIG_DATA (DRV-17). */
	if (nc / 32u >= block_index && nc / 32u < block_index + n &&
	    (blocks[nc / 32u - block_index] & (1u << (nc % 32u))) != 0)
		return -EINVAL;
	op = rte_vmsg__drv_op_new(drv, OP_SET_FEAT, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = block_index;
	op->n = n;
	op->in = blocks;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_set_features(struct rte_vmsg_drv *drv, uint32_t block_index, uint32_t n,
			      const uint32_t *blocks)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(drv, &s,
				       rte_vmsg_drv_set_features_async(drv, block_index, n, blocks,
								       rte_vmsg__drv_sync_done,
								       &s));
}

int rte_vmsg_drv_get_config_async(struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len,
				  void *buf, uint32_t *generation, rte_vmsg_drv_done_fn done,
				  void *arg)
{
	struct drv_op *op;
	int rc;

	if (drv == NULL || buf == NULL)
		return -EINVAL;
	rc = config_range(drv, offset, len);
	if (rc < 0)
		return rc;
	op = rte_vmsg__drv_op_new(drv, OP_GET_CFG, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = offset;
	op->n = len;
	op->out = buf;
	op->out2 = generation;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_get_config(struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len, void *buf,
			    uint32_t *generation)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(drv, &s,
				       rte_vmsg_drv_get_config_async(drv, offset, len, buf,
								     generation,
								     rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_set_config_async(struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len,
				  const void *buf, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (drv == NULL || buf == NULL)
		return -EINVAL;
	rc = config_range(drv, offset, len);
	if (rc < 0)
		return rc;
	op = rte_vmsg__drv_op_new(drv, OP_SET_CFG, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = offset;
	op->n = len;
	op->in = buf;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_set_config(struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len,
			    const void *buf)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(
		drv, &s,
		rte_vmsg_drv_set_config_async(drv, offset, len, buf, rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_get_status_async(struct rte_vmsg_drv *drv, uint32_t *status,
				  rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (status == NULL)
		return -EINVAL;
	op = rte_vmsg__drv_op_new(drv, OP_GET_STATUS, false, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->out = status;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_get_status(struct rte_vmsg_drv *drv, uint32_t *status)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(
		drv, &s, rte_vmsg_drv_get_status_async(drv, status, rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_set_status_async(struct rte_vmsg_drv *drv, uint32_t status, uint32_t *result,
				  rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	/* Bits 31:8 are written as 0; DEVICE_NEEDS_RESET is the device's (§4.6). */
	if ((status & ~DRIVER_STATUS_BITS) != 0)
		return -EINVAL;
	op = rte_vmsg__drv_op_new(drv, OP_SET_STATUS, false, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = status;
	op->out = result;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_set_status(struct rte_vmsg_drv *drv, uint32_t status, uint32_t *result)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(
		drv, &s,
		rte_vmsg_drv_set_status_async(drv, status, result, rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_reset_async(struct rte_vmsg_drv *drv, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	op = rte_vmsg__drv_op_new(drv, OP_RESET, false, done, arg, &rc);
	if (op == NULL)
		return rc;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_reset(struct rte_vmsg_drv *drv)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(drv, &s,
				       rte_vmsg_drv_reset_async(drv, rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_get_vqueue_async(struct rte_vmsg_drv *drv, uint32_t index,
				  struct rte_vmsg_vqueue *vq, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (vq == NULL)
		return -EINVAL;
	op = rte_vmsg__drv_op_new(drv, OP_GET_VQ, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = index;
	op->out = vq;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_get_vqueue(struct rte_vmsg_drv *drv, uint32_t index, struct rte_vmsg_vqueue *vq)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(
		drv, &s,
		rte_vmsg_drv_get_vqueue_async(drv, index, vq, rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_set_vqueue_async(struct rte_vmsg_drv *drv, const struct rte_vmsg_vqueue *vq,
				  rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (drv == NULL || vq == NULL)
		return -EINVAL;
	/* DRV-20: reserved 0, flags[31:6] 0, op != 3, size <= max_size. */
	if (vq->reserved != 0 || (vq->flags & RTE_VMSG_VQ_FLAGS_RESERVED) != 0 ||
	    (vq->flags & RTE_VMSG_VQ_OP_MASK) == RTE_VMSG_VQ_OP_RESERVED)
		return -EINVAL;
	if ((vq->flags & RTE_VMSG_VQ_IGNORE_SIZE) == 0 &&
	    (vq->index >= drv->nvq || vq->size > drv->vq_max[vq->index]))
		return -EINVAL; /* unknown max_size: GET_VQUEUE first (DRV-19) */
	op = rte_vmsg__drv_op_new(drv, OP_SET_VQ, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->vq = *vq;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_set_vqueue(struct rte_vmsg_drv *drv, const struct rte_vmsg_vqueue *vq)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(
		drv, &s, rte_vmsg_drv_set_vqueue_async(drv, vq, rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_reset_vqueue_async(struct rte_vmsg_drv *drv, uint32_t index,
				    rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (drv == NULL)
		return -EINVAL;
	/* Only with VIRTIO_F_RING_RESET negotiated (DRV-25). */
	if (!rte_vmsg_drv_has_feature(drv, RTE_VMSG_VIRTIO_F_RING_RESET))
		return -EOPNOTSUPP;
	op = rte_vmsg__drv_op_new(drv, OP_RESET_VQ, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = index;
	/* From now on the queue is not programmed: no EVENT_AVAIL for it (DRV-23). */
	if (index < drv->nvq)
		drv->vq_on[index] = 0;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_reset_vqueue(struct rte_vmsg_drv *drv, uint32_t index)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(
		drv, &s, rte_vmsg_drv_reset_vqueue_async(drv, index, rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_get_shm_async(struct rte_vmsg_drv *drv, uint32_t shmid, uint64_t *length,
			       uint64_t *address, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (length == NULL || address == NULL)
		return -EINVAL;
	op = rte_vmsg__drv_op_new(drv, OP_SHM, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = shmid;
	op->out = length;
	op->out2 = address;
	return rte_vmsg__drv_op_start(op);
}

int rte_vmsg_drv_get_shm(struct rte_vmsg_drv *drv, uint32_t shmid, uint64_t *length,
			 uint64_t *address)
{
	struct drv_sync s = { 0, 0 };

	return rte_vmsg__drv_sync_wait(drv, &s,
				       rte_vmsg_drv_get_shm_async(drv, shmid, length, address,
								  rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_event_avail(struct rte_vmsg_drv *drv, uint32_t vq_index, uint32_t next_offset)
{
	struct rte_vmsg_msg m;
	int len;

	if (drv == NULL)
		return -EINVAL;
	/* Only for a queue this handle programmed and enabled (DRV-23). */
	if (drv->state != ST_LIVE || vq_index >= drv->nvq || !drv->vq_on[vq_index])
		return -EPERM;
	/* next_offset is 0 unless VIRTIO_F_NOTIFICATION_DATA was negotiated (DRV-30). */
	if (next_offset != 0 && !rte_vmsg_drv_has_feature(drv, RTE_VMSG_VIRTIO_F_NOTIFICATION_DATA))
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_EVENT_AVAIL;
	m.hdr.dev_num = drv->dev_num;
	m.u.event_avail.vq_index = vq_index;
	m.u.event_avail.next_offset = next_offset;
	len = rte_vmsg_msg_build_profile(drv->tx, drv->max_msg, drv->payloads, &m);
	if (len < 0)
		return len;
	return rte_vmsg_bus_send_event(drv->bus, drv->tx, (size_t)len);
}
