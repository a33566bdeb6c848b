/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg driver side: the handle, and the engine that runs each call
 * as an asynchronous operation of one or more requests (chunks, retries,
 * polls), with the synchronous wait. The requests are in drv_req.c, the
 * initialization flow of §5 in drv_init.c.
 */

#define RTE_VMSG_LOG_PREFIX "drv: "

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_transport.h"
#include "drv_priv.h"
#include "log_priv.h"
#include "opts_priv.h"

static uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* Deadlines are TSC values: one cheap read instead of a clock_gettime() per request. */
static uint64_t ns_to_ticks(uint64_t ns)
{
	/* 1% over: a calibration error must not end a call before its bound. */
	uint64_t t = (uint64_t)((double)ns * 1.01 * (double)rte_vmsg_tsc_hz() / 1e9);

	return t != 0 ? t : 1;
}

static void drv_free(struct rte_vmsg_drv *drv)
{
	struct drv_op *op;

	while ((op = drv->op_cache) != NULL) {
		drv->op_cache = op->out;
		free(op);
	}
	rte_vmsg__drv_flow_free(&drv->flow);
	free(drv->feat);
	free(drv->vq_max);
	free(drv->vq_on);
	free(drv->tx);
	free(drv);
}

static void note_status(struct rte_vmsg_drv *drv, uint32_t status)
{
	if ((status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0)
		drv->needs_reset = true; /* DRV-27 */
}

/*
 * Whether the device was reset under the handle since its last reset: the
 * bus lost its peer (a restart, a keepalive timeout; the device side resets
 * every device then) while the handle had set its device up.
 */
static bool peer_was_lost(const struct rte_vmsg_drv *drv)
{
	return drv->state != ST_OPEN && rte_vmsg_bus_peer_losses(drv->bus) != drv->losses;
}

static void reset_done(struct rte_vmsg_drv *drv)
{
	drv->needs_reset = false;
	drv->losses = rte_vmsg_bus_peer_losses(drv->bus);
	drv->state = ST_OPEN;
	drv->generation = 0; /* the counter may restart (§7) */
	if (drv->vq_on != NULL)
		memset(drv->vq_on, 0, drv->nvq); /* every queue is unprogrammed again */
	free(drv->feat);
	drv->feat = NULL;
	drv->nfeat = 0;
}

/* Builds the request of the op's current step into drv->tx; returns its length. */
static int op_build(struct drv_op *op)
{
	struct rte_vmsg_drv *drv = op->drv;
	struct rte_vmsg_msg m;
	uint32_t k;

	memset(&m, 0, sizeof(m));
	m.hdr.dev_num = drv->dev_num; /* token 0: the bus owns it (DRV-12) */
	switch (op->kind) {
	case OP_INFO:
		m.kind = RTE_VMSG_MSG_GET_DEVICE_INFO_REQ;
		break;
	case OP_GET_FEAT:
	case OP_SET_FEAT:
		/* 16 + 4 n bytes must fit the max message size (DRV-1). */
		op->chunk =
			min_u32(op->n - op->pos, (drv->max_msg - RTE_VMSG_SIZE_FEATURES_BASE) / 4u);
		m.u.features.block_index = op->a + op->pos;
		m.u.features.num_blocks = op->chunk;
		if (op->kind == OP_GET_FEAT) {
			m.kind = RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ;
			break;
		}
		m.kind = RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ;
		for (k = 0; k < op->chunk; k++)
			rte_vmsg_put_le32(op->scratch + 4u * k,
					  ((const uint32_t *)op->in)[op->pos + k]);
		m.u.features.blocks = op->scratch;
		break;
	case OP_GET_CFG:
		op->chunk = min_u32(op->n - op->pos, drv->max_msg - RTE_VMSG_SIZE_CONFIG_BASE);
		m.kind = RTE_VMSG_MSG_GET_CONFIG_REQ;
		m.u.config.offset = op->a + op->pos;
		m.u.config.length = op->chunk;
		break;
	case OP_SET_CFG:
		op->chunk = min_u32(op->n - op->pos, drv->max_msg - RTE_VMSG_SIZE_CONFIG_BASE);
		m.u.config.offset = op->a + op->pos;
		m.u.config.length = op->chunk;
		if (op->phase == 1) {
			/* Strict refusal: re-read the range first (DRV-7). */
			m.kind = RTE_VMSG_MSG_GET_CONFIG_REQ;
			break;
		}
		m.kind = RTE_VMSG_MSG_SET_CONFIG_REQ;
		/* Baseline sends 0 (DRV-5), strict the newest seen (DRV-6). */
		m.u.config.generation = drv->strict ? drv->generation : 0;
		m.u.config.data = (const uint8_t *)op->in + op->pos;
		break;
	case OP_GET_STATUS:
		m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ;
		break;
	case OP_SET_STATUS:
		m.kind = RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ;
		m.u.status = op->a;
		break;
	case OP_RESET:
		/* §7: write 0, then poll GET_DEVICE_STATUS until it reads 0. */
		m.kind = op->phase == 0 ? RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ
					: RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ;
		m.u.status = 0;
		break;
	case OP_GET_VQ:
		m.kind = RTE_VMSG_MSG_GET_VQUEUE_REQ;
		m.u.vq_index = op->a;
		break;
	case OP_SET_VQ:
		m.kind = RTE_VMSG_MSG_SET_VQUEUE_REQ;
		m.u.vqueue = op->vq;
		m.u.vqueue.reserved = 0;
		break;
	case OP_RESET_VQ:
		m.kind = RTE_VMSG_MSG_RESET_VQUEUE_REQ;
		m.u.vq_index = op->a;
		break;
	case OP_SHM:
		m.kind = RTE_VMSG_MSG_GET_SHM_REQ;
		m.u.shm.shmid = op->a;
		break;
	}
	return rte_vmsg_msg_build_profile(drv->tx, drv->max_msg, drv->payloads, &m);
}

static void op_complete(void *arg, int status, const void *resp, size_t len);

/* An op that ended: kept for the next call of its handle, or freed. */
static void op_put(struct rte_vmsg_drv *drv, struct drv_op *op)
{
	if (drv->op_cached >= DRV_OP_CACHE) {
		free(op);
		return;
	}
	op->out = drv->op_cache;
	drv->op_cache = op;
	drv->op_cached++;
}

static int op_send(struct drv_op *op)
{
	int n = op_build(op);

	if (n < 0)
		return n;
	return rte_vmsg_bus_submit(op->drv->bus, op->drv->tx, (size_t)n, op_complete, op);
}

static void op_finish(struct drv_op *op, int rc)
{
	struct rte_vmsg_drv *drv = op->drv;
	rte_vmsg_drv_done_fn done = op->done;
	void *arg = op->arg;

	drv->inflight--;
	if (drv->last_op == op)
		drv->last_op = NULL;
	op_put(drv, op);
	if (drv->closed) {
		/*
		 * Closed meanwhile: no callback, but a synchronous call that
		 * waits for this op learns that it ended (its state is on its
		 * stack; the handle stays allocated while it waits).
		 */
		if (done == rte_vmsg__drv_sync_done)
			done(arg, -ECANCELED);
		rte_vmsg__drv_release(drv);
		return;
	}
	/* Last: the callback may close the handle. */
	if (done != NULL)
		done(arg, rc);
}

/* Checks a GET_CONFIG response of the op's chunk; 0 or -errno. */
static int check_config(struct drv_op *op, const struct rte_vmsg_msg *m)
{
	if (m->kind != RTE_VMSG_MSG_GET_CONFIG_RESP)
		return -EPROTO;
	if (m->u.config.length == 0)
		return -EIO; /* the device could not read it */
	if (m->u.config.offset != op->a + op->pos || m->u.config.length != op->chunk)
		return -EPROTO;
	op->drv->generation = m->u.config.generation;
	return 0;
}

/*
 * Takes the response of the op's current step: 0 when the op is done, 1 when
 * another request is needed, or -errno. Nothing is used from a response that
 * does not answer the request exactly (DRV-3).
 */
static int op_response(struct drv_op *op, const struct rte_vmsg_msg *m)
{
	struct rte_vmsg_drv *drv = op->drv;
	uint32_t k, st;
	int rc;

	switch (op->kind) {
	case OP_INFO:
		if (m->kind != RTE_VMSG_MSG_GET_DEVICE_INFO_RESP ||
		    m->u.dev_info.max_virtqueues > MAX_VIRTQUEUES)
			return -EPROTO;
		/* DEV-9: admin queues among the device's queues (count 0: none, DRV-34). */
		if (m->u.dev_info.admin_vq_count != 0 &&
		    (uint64_t)m->u.dev_info.admin_vq_start + m->u.dev_info.admin_vq_count >
			    m->u.dev_info.max_virtqueues)
			return -EPROTO;
		if (drv->vq_max == NULL || drv->nvq != m->u.dev_info.max_virtqueues) {
			free(drv->vq_max);
			free(drv->vq_on);
			drv->nvq = 0;
			drv->vq_max = calloc(m->u.dev_info.max_virtqueues + 1u, sizeof(uint32_t));
			drv->vq_on = calloc(m->u.dev_info.max_virtqueues + 1u, 1);
			if (drv->vq_max == NULL || drv->vq_on == NULL)
				return -ENOMEM;
			drv->nvq = m->u.dev_info.max_virtqueues;
		}
		drv->info = m->u.dev_info;
		drv->have_info = true;
		memcpy(op->out, &m->u.dev_info, sizeof(m->u.dev_info));
		return 0;
	case OP_GET_FEAT:
		if (m->kind != RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP ||
		    m->u.features.block_index != op->a + op->pos ||
		    m->u.features.num_blocks != op->chunk)
			return -EPROTO;
		/* Consecutive 32-bit blocks from block_index (DRV-35). */
		for (k = 0; k < op->chunk; k++)
			((uint32_t *)op->out)[op->pos + k] =
				rte_vmsg_msg_feature_block(&m->u.features, k);
		op->pos += op->chunk;
		return op->pos < op->n ? 1 : 0;
	case OP_SET_FEAT:
		if (m->kind != RTE_VMSG_MSG_SET_DRIVER_FEATURES_RESP)
			return -EPROTO;
		op->pos += op->chunk;
		return op->pos < op->n ? 1 : 0;
	case OP_GET_CFG:
		rc = check_config(op, m);
		if (rc < 0)
			return rc;
		if (op->pos == 0) {
			op->gen = m->u.config.generation;
		} else if (m->u.config.generation != op->gen) {
			/* Torn read: start again (DRV-8, equality only). */
			if (++op->retries > MAX_GEN_RETRIES)
				return -EAGAIN;
			op->pos = 0;
			return 1;
		}
		memcpy((uint8_t *)op->out + op->pos, m->u.config.data, op->chunk);
		op->pos += op->chunk;
		if (op->pos < op->n)
			return 1;
		if (op->out2 != NULL)
			*(uint32_t *)op->out2 = op->gen;
		return 0;
	case OP_SET_CFG:
		if (op->phase == 1) {
			rc = check_config(op, m);
			return rc < 0 ? rc : -EAGAIN;
		}
		if (m->kind != RTE_VMSG_MSG_SET_CONFIG_RESP ||
		    m->u.config.offset != op->a + op->pos)
			return -EPROTO;
		/*
		 * Written (DRV-28): the length asked and, as msg_size says, the
		 * echo after it ([LIB]: its bytes are not compared). The length
		 * without the echo is neither a write nor a refusal: what the
		 * device did is unknown (-EPROTO of a write: needs a reset).
		 */
		if (m->u.config.length == op->chunk && m->u.config.data == NULL)
			return -EPROTO;
		if (m->u.config.length == op->chunk) {
			op->pos += op->chunk;
			return op->pos < op->n ? 1 : 0;
		}
		if (m->u.config.length != 0 || !drv->strict)
			return -EIO;
		op->phase = 1; /* strict refusal: re-read before any retry (DRV-7) */
		return 1;
	case OP_GET_STATUS:
	case OP_SET_STATUS:
		if (m->kind != (op->kind == OP_GET_STATUS ? RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP
							  : RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP))
			return -EPROTO;
		note_status(drv, m->u.status);
		if (op->out != NULL)
			*(uint32_t *)op->out = m->u.status;
		return 0;
	case OP_RESET:
		st = m->u.status;
		if (m->kind != (op->phase == 0 ? RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP
					       : RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP))
			return -EPROTO;
		if (st == 0) { /* DRV-26 */
			reset_done(drv);
			return 0;
		}
		op->phase = 1;
		return 1; /* poll again, bounded by reset_timeout_ns (DRV-10) */
	case OP_GET_VQ:
		if (m->kind != RTE_VMSG_MSG_GET_VQUEUE_RESP || m->u.vqueue.index != op->a)
			return -EPROTO;
		/*
		 * §4.7: flag bits 31:1 are 0, a queue is never larger than its
		 * maximum, and an enabled one has a size. Nothing of an answer
		 * that breaks these is used: it changed nothing (a read).
		 */
		if ((m->u.vqueue.flags & ~RTE_VMSG_VQ_ENABLED) != 0 ||
		    m->u.vqueue.size > m->u.vqueue.max_size ||
		    ((m->u.vqueue.flags & RTE_VMSG_VQ_ENABLED) != 0 && m->u.vqueue.size == 0))
			return -EPROTO;
		if (op->a < drv->nvq)
			drv->vq_max[op->a] = m->u.vqueue.max_size;
		*(struct rte_vmsg_vqueue *)op->out = m->u.vqueue;
		return 0;
	case OP_SET_VQ:
		return m->kind == RTE_VMSG_MSG_SET_VQUEUE_RESP ? 0 : -EPROTO;
	case OP_RESET_VQ:
		return m->kind == RTE_VMSG_MSG_RESET_VQUEUE_RESP ? 0 : -EPROTO;
	case OP_SHM:
		if (m->kind != RTE_VMSG_MSG_GET_SHM_RESP || m->u.shm.shmid != op->a)
			return -EPROTO;
		*(uint64_t *)op->out = m->u.shm.length;
		*(uint64_t *)op->out2 = m->u.shm.length != 0 ? m->u.shm.address : 0;
		return 0;
	}
	return -EPROTO;
}

/* Whether an op of kind @p k changes the device's state. */
static bool op_writes(enum op_kind k)
{
	return k == OP_SET_FEAT || k == OP_SET_CFG || k == OP_SET_STATUS || k == OP_RESET ||
	       k == OP_SET_VQ || k == OP_RESET_VQ;
}

static void op_complete(void *arg, int status, const void *resp, size_t len)
{
	struct drv_op *op = arg;
	struct rte_vmsg_msg m;
	int rc = status;

	if (rc == 0) {
		/* Malformed or unexpected responses are not used (DRV-9). */
		if (rte_vmsg_msg_parse_profile(resp, len, op->drv->max_msg, op->drv->payloads, &m,
					       NULL) != 0)
			rc = -EPROTO;
		else if (op->drv->closed || op->done == NULL)
			rc = -ECANCELED; /* nobody waits: write no output, send no more */
		else
			rc = op_response(op, &m);
	}
	if (rc == 1) {
		if (rte_vmsg_tsc() > op->deadline)
			rc = -ETIMEDOUT;
		else
			rc = op_send(op);
		if (rc == 0)
			return;
	}
	/*
	 * The device's state is unknown after a request that timed out (on
	 * the bus, or the handle's bound over a call of several requests: a
	 * chunked SET_CONFIG half written; a reset that never completes) or
	 * went with a lost peer, and after a write whose answer was not its
	 * own. Recover by reset (DRV-10): until one succeeds, I/O calls say
	 * -ESTALE. (A read answered wrongly changed nothing.)
	 */
	if (rc == -ETIMEDOUT || rc == -ECONNRESET || (rc == -EPROTO && op_writes(op->kind)))
		op->drv->needs_reset = true;
	op_finish(op, rc);
}

/* Allocates an op; *rc gets -errno when NULL is returned. */
struct drv_op *rte_vmsg__drv_op_new(struct rte_vmsg_drv *drv, enum op_kind kind, bool io,
				    rte_vmsg_drv_done_fn done, void *arg, int *rc)
{
	struct drv_op *op;

	*rc = -EINVAL;
	if (drv == NULL || done == NULL || drv->closed)
		return NULL;
	*rc = -ESTALE;
	if (io && peer_was_lost(drv))
		drv->needs_reset = true;
	if (io && drv->needs_reset)
		return NULL; /* DRV-27: no I/O before the reset */
	op = drv->op_cache;
	if (op != NULL) {
		drv->op_cache = op->out;
		drv->op_cached--;
		memset(op, 0, sizeof(*op)); /* the scratch is written before it is read */
	} else {
		*rc = -ENOMEM;
		op = calloc(1, sizeof(*op) + drv->max_msg);
		if (op == NULL)
			return NULL;
	}
	op->drv = drv;
	op->kind = kind;
	op->done = done;
	op->arg = arg;
	op->deadline =
		rte_vmsg_tsc() + (kind == OP_RESET ? drv->reset_timeout_ticks : drv->timeout_ticks);
	*rc = 0;
	return op;
}

int rte_vmsg__drv_op_start(struct drv_op *op)
{
	int rc = op_send(op);

	if (rc < 0) {
		op_put(op->drv, op);
		return rc;
	}
	op->drv->inflight++;
	op->drv->last_op = op;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Synchronous waits                                                         */

void rte_vmsg__drv_sync_done(void *arg, int status)
{
	struct drv_sync *s = arg;

	s->status = status;
	s->done = 1;
}

/*
 * Polls until the op started by the async call that returned @rc completes.
 * Each step of an op ends within the bus timeout and no step starts past the
 * op deadline, so this ends; the extra bound (deadline + timeout_ns) only
 * guards against a bus that is not polled (-EBUSY inside a callback).
 */
void rte_vmsg__drv_release(struct rte_vmsg_drv *drv)
{
	if (drv->closed && drv->inflight == 0 && drv->waiting == 0)
		drv_free(drv);
}

int rte_vmsg__drv_sync_wait(struct rte_vmsg_drv *drv, struct drv_sync *s, int rc)
{
	struct drv_op *op;
	uint64_t end;

	if (rc < 0)
		return rc;
	op = drv->last_op;
	end = op->deadline + drv->timeout_ticks;
	/*
	 * A callback run from here (an event, another request's completion,
	 * poll_peer) may close the handle: it stays allocated while we wait,
	 * and we stop waiting once it is closed.
	 */
	drv->waiting++;
	while (s->done == 0) {
		rc = rte_vmsg_bus_poll(drv->bus);
		if (s->done != 0)
			break;
		if (!drv->closed && drv->poll_peer != NULL)
			drv->poll_peer(drv->poll_peer_arg);
		/* s->done == 0: the op is still in flight, so op is valid. */
		if (drv->closed) {
			op->done = NULL; /* detached: it ends later, silently */
			rc = -ECANCELED;
			goto out;
		}
		if (drv->cancel != NULL && drv->cancel(drv->cancel_arg) != 0) {
			op->done = NULL;
			drv->needs_reset = true; /* state unknown (DRV-10) */
			rc = -ECANCELED;
			goto out;
		}
		if (rc == -EBUSY || rte_vmsg_tsc() > end) {
			op->done = NULL; /* detached: it ends later, silently */
			if (rc != -EBUSY) {
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

/* ------------------------------------------------------------------------ */
/* Handle                                                                    */

static void bus_event(void *arg, const void *frame, size_t len)
{
	(void)rte_vmsg_drv_event(arg, frame, len);
}

int rte_vmsg_drv_open(struct rte_vmsg_bus *bus, uint16_t dev_num,
		      const struct rte_vmsg_drv_opts *opts, struct rte_vmsg_drv **out)
{
	struct rte_vmsg_drv_opts o;
	struct rte_vmsg_drv *drv;

	if (bus == NULL || out == NULL)
		return -EINVAL;
	if (rte_vmsg_bus_role(bus) != RTE_VMSG_BUS_DRIVER) {
		RTE_VMSG_LOG(ERR, "device %u: the bus endpoint is not in the driver role", dev_num);
		return -EINVAL;
	}
	memset(&o, 0, sizeof(o));
	/* The options rule (STYLE 5): NULL, or an older or newer struct. */
	if (opts != NULL && rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0)
		return -EINVAL;
	if ((o.flags & ~RTE_VMSG_DRV_F_BUS_EVENTS) != 0)
		return -EINVAL;
	drv = calloc(1, sizeof(*drv));
	if (drv == NULL)
		return -ENOMEM;
	drv->bus = bus;
	drv->losses = rte_vmsg_bus_peer_losses(bus);
	drv->dev_num = dev_num;
	drv->max_msg = rte_vmsg_bus_max_msg_size(bus);
	drv->payloads = rte_vmsg_bus_payloads(bus);
	/* The profile is the bus instance's, not a device feature (DRV-4). */
	drv->strict =
		(rte_vmsg_bus_transport_features(bus) & RTE_VMSG_F_STRICT_CONFIG_GENERATION) != 0;
	drv->flags = o.flags;
	drv->timeout_ns = o.timeout_ns != 0 ? o.timeout_ns : DEF_TIMEOUT_NS;
	drv->reset_timeout_ns = o.reset_timeout_ns != 0 ? o.reset_timeout_ns : DEF_RESET_TIMEOUT_NS;
	drv->timeout_ticks = ns_to_ticks(drv->timeout_ns);
	drv->reset_timeout_ticks = ns_to_ticks(drv->reset_timeout_ns);
	drv->poll_peer = o.poll_peer;
	drv->poll_peer_arg = o.poll_peer_arg;
	drv->cancel = o.cancel;
	drv->cancel_arg = o.cancel_arg;
	if (drv->max_msg < RTE_VMSG_MAX_SIZE_MIN) {
		free(drv);
		return -EINVAL;
	}
	drv->tx = malloc(drv->max_msg);
	if (drv->tx == NULL) {
		free(drv);
		return -ENOMEM;
	}
	if ((drv->flags & RTE_VMSG_DRV_F_BUS_EVENTS) != 0 &&
	    rte_vmsg_bus_set_event_cb(bus, bus_event, drv) != 0) {
		drv_free(drv);
		return -EINVAL;
	}
	*out = drv;
	return 0;
}

void rte_vmsg_drv_close(struct rte_vmsg_drv *drv)
{
	if (drv == NULL)
		return;
	if ((drv->flags & RTE_VMSG_DRV_F_BUS_EVENTS) != 0)
		(void)rte_vmsg_bus_set_event_cb(drv->bus, NULL, NULL);
	drv->closed = true;
	rte_vmsg__drv_release(drv);
}

int rte_vmsg_drv_event(struct rte_vmsg_drv *drv, const void *frame, size_t len)
{
	struct rte_vmsg_msg m;

	if (drv == NULL || frame == NULL)
		return -EINVAL;
	/* Malformed or unsupported: dropped, never answered (DRV-9). */
	if (rte_vmsg_msg_parse_profile(frame, len, drv->max_msg, drv->payloads, &m, NULL) != 0)
		return -EBADMSG;
	if (m.kind != RTE_VMSG_MSG_EVENT_CONFIG && m.kind != RTE_VMSG_MSG_EVENT_USED)
		return -EBADMSG;
	if (m.hdr.dev_num != drv->dev_num)
		return -ENODEV;
	if (m.kind == RTE_VMSG_MSG_EVENT_USED) {
		/* A queue this driver has not set up has no used buffers: dropped. */
		if (m.u.vq_index >= drv->nvq || !drv->vq_on[m.u.vq_index])
			return -EBADMSG;
		if (drv->used_cb != NULL)
			drv->used_cb(drv->used_arg, drv, m.u.vq_index);
		return 0;
	}
	/* Config bytes past the device's config space: not of this device, dropped. */
	if (drv->have_info &&
	    (uint64_t)m.u.config.offset + m.u.config.length > (uint64_t)drv->info.config_size)
		return -EBADMSG;
	drv->generation = m.u.config.generation; /* DRV-6 */
	note_status(drv, m.u.config.device_status);
	if (drv->config_cb != NULL)
		drv->config_cb(drv->config_arg, drv, &m.u.config); /* DRV-32 */
	return 0;
}

int rte_vmsg_drv_set_config_cb(struct rte_vmsg_drv *drv, rte_vmsg_drv_config_fn fn, void *arg)
{
	if (drv == NULL)
		return -EINVAL;
	drv->config_cb = fn;
	drv->config_arg = arg;
	return 0;
}

int rte_vmsg_drv_set_used_cb(struct rte_vmsg_drv *drv, rte_vmsg_drv_used_fn fn, void *arg)
{
	if (drv == NULL)
		return -EINVAL;
	drv->used_cb = fn;
	drv->used_arg = arg;
	return 0;
}

int rte_vmsg_drv_needs_reset(const struct rte_vmsg_drv *drv)
{
	return drv != NULL && (drv->needs_reset || peer_was_lost(drv)) ? 1 : 0;
}

int rte_vmsg_drv_has_feature(const struct rte_vmsg_drv *drv, uint32_t bit)
{
	if (drv == NULL || drv->state == ST_OPEN || bit / 32u >= drv->nfeat)
		return 0;
	return (drv->feat[bit / 32u] >> (bit % 32u) & 1u) != 0 ? 1 : 0;
}

uint32_t rte_vmsg_drv_generation(const struct rte_vmsg_drv *drv)
{
	return drv != NULL ? drv->generation : 0;
}
