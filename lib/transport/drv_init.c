/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg driver side: the initialization flow of §5 (device init,
 * queue setup with read-back, DRIVER_OK), each an asynchronous state
 * machine over the requests of drv_req.c, and its synchronous wrapper.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_transport.h"
#include "drv_priv.h"

/*
 * The steps of each flow: the request in flight while the flow is at that
 * step. A step's completion (flow_step()) checks the answer and submits the
 * next step's request, or ends the flow.
 */
enum init_step {
	INIT_INFO,	  /* GET_DEVICE_INFO (DRV-13) */
	INIT_RESET,	  /* reset, bounded wait (DRV-14, DRV-26, DRV-10) */
	INIT_ACK,	  /* SET_DEVICE_STATUS ACKNOWLEDGE */
	INIT_DRIVER,	  /* SET_DEVICE_STATUS ACKNOWLEDGE | DRIVER */
	INIT_GET_FEAT,	  /* GET_DEVICE_FEATURES of every offered block (DRV-16) */
	INIT_SET_FEAT,	  /* SET_DRIVER_FEATURES of the selection (DRV-17) */
	INIT_FEATURES_OK, /* SET_DEVICE_STATUS ... | FEATURES_OK (DRV-18) */
	INIT_FAILED,	  /* refused: SET_DEVICE_STATUS ... | FAILED */
};

enum vq_step {
	VQ_GET,	 /* GET_VQUEUE: max_size, not enabled (DRV-19, DRV-21) */
	VQ_SET,	 /* SET_VQUEUE op 1 (DRV-20) */
	VQ_READ, /* GET_VQUEUE read-back (DRV-22) */
};

enum driver_ok_step {
	DOK_STATUS, /* SET_DEVICE_STATUS ... | DRIVER_OK (DRV-24) */
};

void rte_vmsg__drv_flow_free(struct drv_flow *f)
{
	free(f->wanted);
	free(f->offered);
	free(f->sel);
	f->wanted = NULL;
	f->offered = NULL;
	f->sel = NULL;
}

/* Takes the handle for a flow; 0, -EINVAL or -EBUSY (one flow at a time). */
static int flow_begin(struct rte_vmsg_drv *drv, enum flow_kind kind, rte_vmsg_drv_done_fn done,
		      void *arg)
{
	struct drv_flow *f;

	if (drv == NULL || done == NULL || drv->closed)
		return -EINVAL;
	f = &drv->flow;
	if (f->kind != FLOW_NONE)
		return -EBUSY;
	memset(f, 0, sizeof(*f));
	f->kind = kind;
	f->done = done;
	f->arg = arg;
	return 0;
}

/* Ends the flow: the handle is free again, then @p done runs (it may close the handle). */
static void flow_end(struct rte_vmsg_drv *drv, int rc)
{
	struct drv_flow *f = &drv->flow;
	rte_vmsg_drv_done_fn done = f->done;
	void *arg = f->arg;

	rte_vmsg__drv_flow_free(f);
	f->kind = FLOW_NONE;
	f->done = NULL;
	f->negotiated = NULL;
	if (done != NULL)
		done(arg, rc); /* last */
}

/*
 * The async call of step @p step returned @p rc: 1 when its request is in
 * flight (the flow goes on from its completion), else the error that ends
 * the flow.
 */
static int flow_submitted(struct rte_vmsg_drv *drv, int step, int rc)
{
	if (rc < 0)
		return rc;
	drv->flow.step = step;
	drv->flow.op = drv->last_op; /* the op the call started */
	drv->flow.deadline = drv->last_op->deadline;
	return 1;
}

static void flow_step(void *arg, int rc);

/* SET_DEVICE_STATUS of flow.want, its answer into flow.st. */
static int write_status(struct rte_vmsg_drv *drv, int step)
{
	struct drv_flow *f = &drv->flow;

	return flow_submitted(drv, step,
			      rte_vmsg_drv_set_status_async(drv, f->want, &f->st, flow_step, drv));
}

/* The status answered to a write holds DEVICE_NEEDS_RESET: the flow stops (DRV-27). */
static bool stale(const struct drv_flow *f)
{
	return (f->st & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0;
}

/* ------------------------------------------------------------------------ */
/* Device init: §5 steps 2-7                                                  */

static int init_features_ok(struct rte_vmsg_drv *drv)
{
	drv->flow.want |= RTE_VMSG_STATUS_FEATURES_OK;
	return write_status(drv, INIT_FEATURES_OK);
}

/* The negotiated set becomes the handle's (FEATURES_OK accepted). */
static void init_commit(struct rte_vmsg_drv *drv)
{
	struct drv_flow *f = &drv->flow;
	uint32_t k;

	free(drv->feat);
	drv->feat = f->sel;
	drv->nfeat = f->nfb;
	f->sel = NULL;
	drv->state = ST_FEATURES_OK;
	if (f->negotiated != NULL)
		for (k = 0; k < f->nblocks; k++)
			f->negotiated[k] = k < f->nfb ? drv->feat[k] : 0u;
}

/* The step f->step completed with @p rc: 1 (next step in flight), or the flow's result. */
static int init_next(struct rte_vmsg_drv *drv, int rc)
{
	const uint32_t nc = RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA;
	struct drv_flow *f = &drv->flow;
	uint32_t k;

	if (f->step == INIT_FAILED)
		return -ENOTSUP; /* whatever the FAILED write gave */
	if (rc < 0)
		return rc;
	switch ((enum init_step)f->step) {
	case INIT_INFO:
		if (f->info.num_feature_blocks > MAX_FEATURE_BLOCKS)
			return -EPROTO;
		f->nfb = f->info.num_feature_blocks;
		return flow_submitted(drv, INIT_RESET,
				      rte_vmsg_drv_reset_async(drv, flow_step, drv)); /* DRV-14 */
	case INIT_RESET:
		f->want = RTE_VMSG_STATUS_ACKNOWLEDGE;
		return write_status(drv, INIT_ACK);
	case INIT_ACK:
		if (stale(f))
			return -ESTALE;
		f->want |= RTE_VMSG_STATUS_DRIVER;
		return write_status(drv, INIT_DRIVER);
	case INIT_DRIVER:
		if (stale(f))
			return -ESTALE;
		if ((f->st & f->want) != f->want)
			return -EPROTO;
		f->offered = calloc(f->nfb + 1u, sizeof(*f->offered));
		f->sel = calloc(f->nfb + 1u, sizeof(*f->sel));
		if (f->offered == NULL || f->sel == NULL)
			return -ENOMEM;
		if (f->nfb == 0)
			return init_features_ok(drv);
		return flow_submitted(drv, INIT_GET_FEAT,
				      rte_vmsg_drv_get_features_async(drv, 0, f->nfb, f->offered,
								      flow_step, drv)); /* DRV-16 */
	case INIT_GET_FEAT:
		for (k = 0; k < f->nfb; k++)
			f->sel[k] = f->offered[k] & (k < f->nwanted ? f->wanted[k] : 0u);
		if (nc / 32u < f->nfb)
			f->sel[nc / 32u] &= ~(1u << (nc % 32u)); /* DRV-17 */
		return flow_submitted(
			drv, INIT_SET_FEAT,
			rte_vmsg_drv_set_features_async(drv, 0, f->nfb, f->sel, flow_step, drv));
	case INIT_SET_FEAT:
		return init_features_ok(drv);
	case INIT_FEATURES_OK:
		if (stale(f))
			return -ESTALE;
		if ((f->st & RTE_VMSG_STATUS_FEATURES_OK) == 0) {
			/* Refused (DRV-18): give up on the device until a reset. */
			f->want = (f->want & ~RTE_VMSG_STATUS_FEATURES_OK) | RTE_VMSG_STATUS_FAILED;
			rc = write_status(drv, INIT_FAILED);
			return rc == 1 ? 1 : -ENOTSUP;
		}
		init_commit(drv);
		return 0;
	case INIT_FAILED:
		break;
	}
	return -ENOTSUP;
}

int rte_vmsg_drv_init_async(struct rte_vmsg_drv *drv, const uint32_t *wanted, uint32_t nblocks,
			    uint32_t *negotiated, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_flow *f;
	int rc;

	if (wanted == NULL && nblocks > 0)
		return -EINVAL;
	rc = flow_begin(drv, FLOW_INIT, done, arg);
	if (rc < 0)
		return rc;
	f = &drv->flow;
	/* Blocks past MAX_FEATURE_BLOCKS are never offered: not needed. */
	f->nwanted = nblocks < MAX_FEATURE_BLOCKS ? nblocks : MAX_FEATURE_BLOCKS;
	f->nblocks = nblocks;
	f->negotiated = negotiated;
	rc = -ENOMEM;
	f->wanted = calloc(f->nwanted + 1u, sizeof(*f->wanted));
	if (f->wanted == NULL)
		goto fail;
	if (f->nwanted > 0)
		memcpy(f->wanted, wanted, f->nwanted * sizeof(*f->wanted));
	rc = flow_submitted(
		drv, INIT_INFO,
		rte_vmsg_drv_get_info_async(drv, &f->info, flow_step, drv)); /* DRV-13 */
	if (rc < 0)
		goto fail;
	return 0;
fail:
	rte_vmsg__drv_flow_free(f);
	f->kind = FLOW_NONE;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Queue setup: §5 step 9                                                     */

static int vq_next(struct rte_vmsg_drv *drv, int rc)
{
	struct drv_flow *f = &drv->flow;
	const struct rte_vmsg_vqueue *s = &f->set;
	const struct rte_vmsg_vqueue *v = &f->vq;

	if (rc < 0)
		return rc;
	switch ((enum vq_step)f->step) {
	case VQ_GET:
		if (v->max_size == 0)
			return -ENOENT;
		if ((v->flags & RTE_VMSG_VQ_ENABLED) != 0)
			return -EBUSY; /* DRV-21: never rewrite an enabled queue */
		if (s->size > v->max_size)
			return -EINVAL;
		return flow_submitted(drv, VQ_SET,
				      rte_vmsg_drv_set_vqueue_async(drv, s, flow_step, drv));
	case VQ_SET:
		/* The response is the same whatever happened: read back (DRV-22). */
		return flow_submitted(
			drv, VQ_READ,
			rte_vmsg_drv_get_vqueue_async(drv, s->index, &f->vq, flow_step, drv));
	case VQ_READ:
		if ((v->flags & RTE_VMSG_VQ_ENABLED) == 0)
			return -EIO; /* not taken: the device holds no queue */
		if (v->size != s->size || v->desc_addr != s->desc_addr ||
		    v->driver_addr != s->driver_addr || v->device_addr != s->device_addr) {
			/*
			 * Enabled, but not as asked: the device may use memory the
			 * caller frees on this failure. Recover by reset.
			 */
			drv->needs_reset = true;
			return -EIO;
		}
		if (s->index < drv->nvq)
			drv->vq_on[s->index] = 1;
		return 0;
	}
	return -EPROTO;
}

int rte_vmsg_drv_vq_setup_async(struct rte_vmsg_drv *drv, uint32_t index, uint32_t size,
				uint64_t desc, uint64_t driver, uint64_t device,
				rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_flow *f;
	int rc;

	if (drv == NULL || done == NULL)
		return -EINVAL;
	if (drv->flow.kind != FLOW_NONE)
		return -EBUSY;
	/* Queues only after FEATURES_OK was accepted (DRV-18). */
	if (drv->state == ST_OPEN)
		return -EPERM;
	/* Split-ring alignment (DRV-20). */
	if (size == 0 || (desc & 15u) != 0 || (driver & 1u) != 0 || (device & 3u) != 0)
		return -EINVAL;
	rc = flow_begin(drv, FLOW_VQ, done, arg);
	if (rc < 0)
		return rc;
	f = &drv->flow;
	f->set.index = index;
	f->set.flags = RTE_VMSG_VQ_OP_ENABLE;
	f->set.size = size;
	f->set.desc_addr = desc;
	f->set.driver_addr = driver;
	f->set.device_addr = device;
	rc = flow_submitted(
		drv, VQ_GET,
		rte_vmsg_drv_get_vqueue_async(drv, index, &f->vq, flow_step, drv)); /* DRV-19 */
	if (rc < 0)
		f->kind = FLOW_NONE;
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------------ */
/* DRIVER_OK: §5 step 10                                                      */

static int driver_ok_next(struct rte_vmsg_drv *drv, int rc)
{
	struct drv_flow *f = &drv->flow;

	if (rc < 0)
		return rc;
	if (stale(f))
		return -ESTALE;
	if ((f->st & RTE_VMSG_STATUS_DRIVER_OK) == 0)
		return -EIO; /* I/O starts only once the device reports it */
	drv->state = ST_LIVE;
	return 0;
}

int rte_vmsg_drv_driver_ok_async(struct rte_vmsg_drv *drv, rte_vmsg_drv_done_fn done, void *arg)
{
	int rc;

	if (drv == NULL || done == NULL)
		return -EINVAL;
	if (drv->flow.kind != FLOW_NONE)
		return -EBUSY;
	if (drv->state == ST_OPEN)
		return -EPERM; /* DRV-24: after negotiation */
	if (drv->needs_reset)
		return -ESTALE;
	rc = flow_begin(drv, FLOW_DRIVER_OK, done, arg);
	if (rc < 0)
		return rc;
	drv->flow.want = RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER |
			 RTE_VMSG_STATUS_FEATURES_OK | RTE_VMSG_STATUS_DRIVER_OK;
	rc = write_status(drv, DOK_STATUS);
	if (rc < 0)
		drv->flow.kind = FLOW_NONE;
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------------------------ */
/* The engine of the three flows, and the synchronous forms                  */

/* The completion of every step's request (@p arg is the handle). */
static void flow_step(void *arg, int rc)
{
	struct rte_vmsg_drv *drv = arg;
	struct drv_flow *f = &drv->flow;

	f->op = NULL; /* it ended */
	if (f->done == NULL) {
		flow_end(drv, rc); /* detached: nobody waits, send no more */
		return;
	}
	switch (f->kind) {
	case FLOW_INIT:
		rc = init_next(drv, rc);
		break;
	case FLOW_VQ:
		rc = vq_next(drv, rc);
		break;
	case FLOW_DRIVER_OK:
		rc = driver_ok_next(drv, rc);
		break;
	case FLOW_NONE:
		return; /* cannot happen: a step is only in flight during a flow */
	}
	if (rc != 1)
		flow_end(drv, rc);
}

/*
 * Polls until the flow the async call that returned @p rc started completes.
 * Each step ends within its op's bound and the next one starts from its
 * completion, so this ends; the extra bound (the step's deadline +
 * timeout_ns) only guards against a bus that is not polled (-EBUSY inside a
 * callback), as rte_vmsg__drv_sync_wait() does for one op.
 */
static int flow_wait(struct rte_vmsg_drv *drv, struct drv_sync *s, int rc)
{
	struct drv_flow *f = &drv->flow;

	if (rc < 0)
		return rc;
	/* A callback may close the handle: kept allocated while we wait (rte_vmsg__drv_sync_wait()). */
	drv->waiting++;
	while (s->done == 0) {
		bool cancelled;

		rc = rte_vmsg_bus_poll(drv->bus);
		if (s->done != 0)
			break;
		if (!drv->closed && drv->poll_peer != NULL)
			drv->poll_peer(drv->poll_peer_arg);
		cancelled =
			!drv->closed && drv->cancel != NULL && drv->cancel(drv->cancel_arg) != 0;
		if (drv->closed || cancelled || rc == -EBUSY ||
		    rte_vmsg_tsc() > f->deadline + drv->timeout_ticks) {
			/*
			 * Detached, and the flow ends here: the step's request
			 * in flight ends later, silently (its answer neither
			 * writes nor sends anything, as a detached op's), and the
			 * handle takes a new flow at once (a reset after the
			 * cancel, say).
			 */
			f->done = NULL;
			f->negotiated = NULL;
			if (f->op != NULL)
				f->op->done = NULL;
			f->op = NULL;
			flow_end(drv, 0);
			if (drv->closed || cancelled) {
				if (cancelled)
					drv->needs_reset = true; /* state unknown (DRV-10) */
				rc = -ECANCELED;
			} else if (rc != -EBUSY) {
				drv->needs_reset = true; /* state unknown (DRV-10) */
				rc = -ETIMEDOUT;
			}
			goto out;
		}
	}
	rc = s->status;
out:
	drv->waiting--;
	rte_vmsg__drv_release(drv);
	return rc;
}

int rte_vmsg_drv_init(struct rte_vmsg_drv *drv, const uint32_t *wanted, uint32_t nblocks,
		      uint32_t *negotiated)
{
	struct drv_sync s = { 0, 0 };

	return flow_wait(drv, &s,
			 rte_vmsg_drv_init_async(drv, wanted, nblocks, negotiated,
						 rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_vq_setup(struct rte_vmsg_drv *drv, uint32_t index, uint32_t size, uint64_t desc,
			  uint64_t driver, uint64_t device)
{
	struct drv_sync s = { 0, 0 };

	return flow_wait(drv, &s,
			 rte_vmsg_drv_vq_setup_async(drv, index, size, desc, driver, device,
						     rte_vmsg__drv_sync_done, &s));
}

int rte_vmsg_drv_driver_ok(struct rte_vmsg_drv *drv)
{
	struct drv_sync s = { 0, 0 };

	return flow_wait(drv, &s, rte_vmsg_drv_driver_ok_async(drv, rte_vmsg__drv_sync_done, &s));
}
