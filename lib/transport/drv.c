/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg driver side: one handle per remote device, the requests of
 * virtio-msg §4 as chunked asynchronous operations, their synchronous
 * wrappers and the initialization flow of §5.
 */

#define RTE_VMSG_LOG_PREFIX "drv: "

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_transport.h"
#include "log_priv.h"
#include "opts_priv.h"

#define DEF_TIMEOUT_NS 2000000000ull
#define DEF_RESET_TIMEOUT_NS 1000000000ull
#define MAX_GEN_RETRIES 8u
#define MAX_FEATURE_BLOCKS 4096u
#define MAX_VIRTQUEUES 65536u

/* Status bits a driver may write (§4.6); DEVICE_NEEDS_RESET is the device's. */
#define DRIVER_STATUS_BITS                                                                  \
	(RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER | RTE_VMSG_STATUS_DRIVER_OK | \
	 RTE_VMSG_STATUS_FEATURES_OK | RTE_VMSG_STATUS_FAILED)

enum drv_state {
	ST_OPEN,	/* nothing negotiated */
	ST_FEATURES_OK, /* rte_vmsg_drv_init() succeeded */
	ST_LIVE,	/* DRIVER_OK reported by the device */
};

enum op_kind {
	OP_INFO,
	OP_GET_FEAT,
	OP_SET_FEAT,
	OP_GET_CFG,
	OP_SET_CFG,
	OP_GET_STATUS,
	OP_SET_STATUS,
	OP_RESET,
	OP_GET_VQ,
	OP_SET_VQ,
	OP_RESET_VQ,
	OP_SHM,
};

struct drv_op;

struct rte_vmsg_drv {
	struct rte_vmsg_bus *bus;
	uint16_t dev_num;
	bool strict; /* strict config profile, from the bus (DRV-4) */
	uint32_t max_msg;
	uint64_t flags;
	uint64_t timeout_ns;
	uint64_t reset_timeout_ns;
	uint64_t timeout_ticks; /* the two bounds in TSC ticks: deadlines are TSC values */
	uint64_t reset_timeout_ticks;
	void (*poll_peer)(void *arg);
	void *poll_peer_arg;
	rte_vmsg_drv_config_fn config_cb;
	void *config_arg;
	rte_vmsg_drv_used_fn used_cb;
	void *used_arg;

	struct rte_vmsg_dev_info info;
	bool have_info;
	uint32_t *vq_max; /* [info.max_virtqueues] max_size last read, 0 unknown */
	uint8_t *vq_on;	  /* [info.max_virtqueues] set up by rte_vmsg_drv_vq_setup() */
	uint32_t nvq;
	uint32_t generation; /* newest seen (DRV-6) */
	bool needs_reset;    /* DEVICE_NEEDS_RESET seen or a request timed out */
	enum drv_state state;
	uint32_t *feat; /* [nfeat] negotiated blocks */
	uint32_t nfeat;

	uint32_t inflight;
	bool closed;
	struct drv_op *last_op; /* started by the last successful async call */
	uint8_t *tx;		/* [max_msg] request scratch (the bus copies it) */
};

/* One asynchronous call, possibly several requests long. */
struct drv_op {
	struct rte_vmsg_drv *drv;
	enum op_kind kind;
	int phase; /* OP_RESET: 1 polling; OP_SET_CFG: 1 re-reading after a refusal */
	rte_vmsg_drv_done_fn done;
	void *arg;
	uint64_t deadline;
	uint32_t a; /* block_index, offset, index, status or shmid */
	uint32_t n; /* blocks or bytes in all */
	uint32_t pos;
	uint32_t chunk; /* blocks or bytes of the request in flight */
	uint32_t gen;
	uint32_t retries;
	void *out;
	void *out2;
	const void *in;
	struct rte_vmsg_vqueue vq;
	uint8_t scratch[]; /* [max_msg] */
};

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

static void reset_done(struct rte_vmsg_drv *drv)
{
	drv->needs_reset = false;
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
	return rte_vmsg_msg_build(drv->tx, drv->max_msg, &m);
}

static void op_complete(void *arg, int status, const void *resp, size_t len);

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
	free(op);
	if (drv->closed) {
		if (drv->inflight == 0)
			drv_free(drv);
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
		if (m->u.config.length == op->chunk) { /* written (DRV-28) */
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

static void op_complete(void *arg, int status, const void *resp, size_t len)
{
	struct drv_op *op = arg;
	struct rte_vmsg_msg m;
	int rc = status;

	if (rc == 0) {
		/* Malformed or unexpected responses are not used (DRV-9). */
		if (rte_vmsg_msg_parse(resp, len, op->drv->max_msg, &m, NULL) != 0)
			rc = -EPROTO;
		else if (op->drv->closed || op->done == NULL)
			rc = -ECANCELED; /* nobody waits: write no output, send no more */
		else
			rc = op_response(op, &m);
	} else if (rc == -ETIMEDOUT) {
		/* State unknown: recover by reset (DRV-10). */
		op->drv->needs_reset = true;
	}
	if (rc == 1) {
		if (rte_vmsg_tsc() > op->deadline)
			rc = -ETIMEDOUT;
		else
			rc = op_send(op);
		if (rc == 0)
			return;
	}
	op_finish(op, rc);
}

/* Allocates an op; *rc gets -errno when NULL is returned. */
static struct drv_op *op_new(struct rte_vmsg_drv *drv, enum op_kind kind, bool io,
			     rte_vmsg_drv_done_fn done, void *arg, int *rc)
{
	struct drv_op *op;

	*rc = -EINVAL;
	if (drv == NULL || done == NULL || drv->closed)
		return NULL;
	*rc = -ESTALE;
	if (io && drv->needs_reset)
		return NULL; /* DRV-27: no I/O before the reset */
	*rc = -ENOMEM;
	op = calloc(1, sizeof(*op) + drv->max_msg);
	if (op == NULL)
		return NULL;
	op->drv = drv;
	op->kind = kind;
	op->done = done;
	op->arg = arg;
	op->deadline =
		rte_vmsg_tsc() + (kind == OP_RESET ? drv->reset_timeout_ticks : drv->timeout_ticks);
	*rc = 0;
	return op;
}

static int op_start(struct drv_op *op)
{
	int rc = op_send(op);

	if (rc < 0) {
		free(op);
		return rc;
	}
	op->drv->inflight++;
	op->drv->last_op = op;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Synchronous waits                                                         */

struct sync {
	int done;
	int status;
};

static void sync_done(void *arg, int status)
{
	struct sync *s = arg;

	s->status = status;
	s->done = 1;
}

/*
 * Polls until the op started by the async call that returned @rc completes.
 * Each step of an op ends within the bus timeout and no step starts past the
 * op deadline, so this ends; the extra bound (deadline + timeout_ns) only
 * guards against a bus that is not polled (-EBUSY inside a callback).
 */
static int sync_wait(struct rte_vmsg_drv *drv, struct sync *s, int rc)
{
	struct drv_op *op;
	uint64_t end;

	if (rc < 0)
		return rc;
	op = drv->last_op;
	end = op->deadline + drv->timeout_ticks;
	while (s->done == 0) {
		rc = rte_vmsg_bus_poll(drv->bus);
		if (s->done != 0)
			break;
		if (drv->poll_peer != NULL)
			drv->poll_peer(drv->poll_peer_arg);
		if (rc == -EBUSY || rte_vmsg_tsc() > end) {
			op->done = NULL; /* detached: it ends later, silently */
			if (rc == -EBUSY)
				return -EBUSY;
			drv->needs_reset = true; /* state unknown (DRV-10) */
			return -ETIMEDOUT;
		}
	}
	return s->status;
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
	drv->dev_num = dev_num;
	drv->max_msg = rte_vmsg_bus_max_msg_size(bus);
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
	if (drv->inflight == 0)
		drv_free(drv);
}

int rte_vmsg_drv_event(struct rte_vmsg_drv *drv, const void *frame, size_t len)
{
	struct rte_vmsg_msg m;

	if (drv == NULL || frame == NULL)
		return -EINVAL;
	/* Malformed or unsupported: dropped, never answered (DRV-9). */
	if (rte_vmsg_msg_parse(frame, len, drv->max_msg, &m, NULL) != 0)
		return -EBADMSG;
	if (m.kind != RTE_VMSG_MSG_EVENT_CONFIG && m.kind != RTE_VMSG_MSG_EVENT_USED)
		return -EBADMSG;
	if (m.hdr.dev_num != drv->dev_num)
		return -ENODEV;
	if (m.kind == RTE_VMSG_MSG_EVENT_USED) {
		if (drv->used_cb != NULL)
			drv->used_cb(drv->used_arg, drv, m.u.vq_index);
		return 0;
	}
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
	op = op_new(drv, OP_INFO, false, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->out = info;
	return op_start(op);
}

int rte_vmsg_drv_get_info(struct rte_vmsg_drv *drv, struct rte_vmsg_dev_info *info)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s, rte_vmsg_drv_get_info_async(drv, info, sync_done, &s));
}

int rte_vmsg_drv_get_features_async(struct rte_vmsg_drv *drv, uint32_t block_index, uint32_t n,
				    uint32_t *blocks, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (blocks == NULL || n == 0 || (uint64_t)block_index + n > UINT32_MAX)
		return -EINVAL;
	op = op_new(drv, OP_GET_FEAT, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = block_index;
	op->n = n;
	op->out = blocks;
	return op_start(op);
}

int rte_vmsg_drv_get_features(struct rte_vmsg_drv *drv, uint32_t block_index, uint32_t n,
			      uint32_t *blocks)
{
	struct sync s = { 0, 0 };

	return sync_wait(
		drv, &s,
		rte_vmsg_drv_get_features_async(drv, block_index, n, blocks, sync_done, &s));
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
	op = op_new(drv, OP_SET_FEAT, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = block_index;
	op->n = n;
	op->in = blocks;
	return op_start(op);
}

int rte_vmsg_drv_set_features(struct rte_vmsg_drv *drv, uint32_t block_index, uint32_t n,
			      const uint32_t *blocks)
{
	struct sync s = { 0, 0 };

	return sync_wait(
		drv, &s,
		rte_vmsg_drv_set_features_async(drv, block_index, n, blocks, sync_done, &s));
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
	op = op_new(drv, OP_GET_CFG, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = offset;
	op->n = len;
	op->out = buf;
	op->out2 = generation;
	return op_start(op);
}

int rte_vmsg_drv_get_config(struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len, void *buf,
			    uint32_t *generation)
{
	struct sync s = { 0, 0 };

	return sync_wait(
		drv, &s,
		rte_vmsg_drv_get_config_async(drv, offset, len, buf, generation, sync_done, &s));
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
	op = op_new(drv, OP_SET_CFG, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = offset;
	op->n = len;
	op->in = buf;
	return op_start(op);
}

int rte_vmsg_drv_set_config(struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len,
			    const void *buf)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s,
			 rte_vmsg_drv_set_config_async(drv, offset, len, buf, sync_done, &s));
}

int rte_vmsg_drv_get_status_async(struct rte_vmsg_drv *drv, uint32_t *status,
				  rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (status == NULL)
		return -EINVAL;
	op = op_new(drv, OP_GET_STATUS, false, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->out = status;
	return op_start(op);
}

int rte_vmsg_drv_get_status(struct rte_vmsg_drv *drv, uint32_t *status)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s, rte_vmsg_drv_get_status_async(drv, status, sync_done, &s));
}

int rte_vmsg_drv_set_status_async(struct rte_vmsg_drv *drv, uint32_t status, uint32_t *result,
				  rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	/* Bits 31:8 are written as 0; DEVICE_NEEDS_RESET is the device's (§4.6). */
	if ((status & ~DRIVER_STATUS_BITS) != 0)
		return -EINVAL;
	op = op_new(drv, OP_SET_STATUS, false, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = status;
	op->out = result;
	return op_start(op);
}

int rte_vmsg_drv_set_status(struct rte_vmsg_drv *drv, uint32_t status, uint32_t *result)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s,
			 rte_vmsg_drv_set_status_async(drv, status, result, sync_done, &s));
}

int rte_vmsg_drv_reset_async(struct rte_vmsg_drv *drv, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	op = op_new(drv, OP_RESET, false, done, arg, &rc);
	if (op == NULL)
		return rc;
	return op_start(op);
}

int rte_vmsg_drv_reset(struct rte_vmsg_drv *drv)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s, rte_vmsg_drv_reset_async(drv, sync_done, &s));
}

int rte_vmsg_drv_get_vqueue_async(struct rte_vmsg_drv *drv, uint32_t index,
				  struct rte_vmsg_vqueue *vq, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (vq == NULL)
		return -EINVAL;
	op = op_new(drv, OP_GET_VQ, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = index;
	op->out = vq;
	return op_start(op);
}

int rte_vmsg_drv_get_vqueue(struct rte_vmsg_drv *drv, uint32_t index, struct rte_vmsg_vqueue *vq)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s, rte_vmsg_drv_get_vqueue_async(drv, index, vq, sync_done, &s));
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
	op = op_new(drv, OP_SET_VQ, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->vq = *vq;
	return op_start(op);
}

int rte_vmsg_drv_set_vqueue(struct rte_vmsg_drv *drv, const struct rte_vmsg_vqueue *vq)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s, rte_vmsg_drv_set_vqueue_async(drv, vq, sync_done, &s));
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
	op = op_new(drv, OP_RESET_VQ, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = index;
	/* From now on the queue is not programmed: no EVENT_AVAIL for it (DRV-23). */
	if (index < drv->nvq)
		drv->vq_on[index] = 0;
	return op_start(op);
}

int rte_vmsg_drv_reset_vqueue(struct rte_vmsg_drv *drv, uint32_t index)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s, rte_vmsg_drv_reset_vqueue_async(drv, index, sync_done, &s));
}

int rte_vmsg_drv_get_shm_async(struct rte_vmsg_drv *drv, uint32_t shmid, uint64_t *length,
			       uint64_t *address, rte_vmsg_drv_done_fn done, void *arg)
{
	struct drv_op *op;
	int rc;

	if (length == NULL || address == NULL)
		return -EINVAL;
	op = op_new(drv, OP_SHM, true, done, arg, &rc);
	if (op == NULL)
		return rc;
	op->a = shmid;
	op->out = length;
	op->out2 = address;
	return op_start(op);
}

int rte_vmsg_drv_get_shm(struct rte_vmsg_drv *drv, uint32_t shmid, uint64_t *length,
			 uint64_t *address)
{
	struct sync s = { 0, 0 };

	return sync_wait(drv, &s,
			 rte_vmsg_drv_get_shm_async(drv, shmid, length, address, sync_done, &s));
}

/* ------------------------------------------------------------------------ */
/* Initialization flow (§5)                                                  */

/* Writes @want and checks the answer holds it; -ESTALE on DEVICE_NEEDS_RESET. */
static int write_status(struct rte_vmsg_drv *drv, uint32_t want, uint32_t *got)
{
	uint32_t st = 0;
	int rc = rte_vmsg_drv_set_status(drv, want, &st);

	if (rc < 0)
		return rc;
	if (got != NULL)
		*got = st;
	if ((st & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0)
		return -ESTALE;
	return 0;
}

int rte_vmsg_drv_init(struct rte_vmsg_drv *drv, const uint32_t *wanted, uint32_t nblocks,
		      uint32_t *negotiated)
{
	const uint32_t nc = RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA;
	uint32_t st = 0, want, nfb, k;
	struct rte_vmsg_dev_info info;
	uint32_t *offered = NULL, *sel = NULL;
	int rc;

	if (drv == NULL || (wanted == NULL && nblocks > 0))
		return -EINVAL;
	rc = rte_vmsg_drv_get_info(drv, &info); /* DRV-13 */
	if (rc < 0)
		return rc;
	nfb = info.num_feature_blocks;
	if (nfb > MAX_FEATURE_BLOCKS)
		return -EPROTO;
	rc = rte_vmsg_drv_reset(drv); /* DRV-14, DRV-26 */
	if (rc < 0)
		return rc;
	want = RTE_VMSG_STATUS_ACKNOWLEDGE;
	rc = write_status(drv, want, &st);
	if (rc < 0)
		return rc;
	want |= RTE_VMSG_STATUS_DRIVER;
	rc = write_status(drv, want, &st);
	if (rc < 0)
		return rc;
	if ((st & want) != want)
		return -EPROTO;
	offered = calloc(nfb + 1u, sizeof(*offered));
	sel = calloc(nfb + 1u, sizeof(*sel));
	rc = -ENOMEM;
	if (offered == NULL || sel == NULL)
		goto out;
	if (nfb > 0) {
		rc = rte_vmsg_drv_get_features(drv, 0, nfb, offered); /* DRV-16 */
		if (rc < 0)
			goto out;
		for (k = 0; k < nfb; k++)
			sel[k] = offered[k] & (k < nblocks ? wanted[k] : 0u);
		if (nc / 32u < nfb)
			sel[nc / 32u] &= ~(1u << (nc % 32u)); /* DRV-17 */
		rc = rte_vmsg_drv_set_features(drv, 0, nfb, sel);
		if (rc < 0)
			goto out;
	}
	want |= RTE_VMSG_STATUS_FEATURES_OK;
	rc = write_status(drv, want, &st);
	if (rc < 0)
		goto out;
	if ((st & RTE_VMSG_STATUS_FEATURES_OK) == 0) {
		/* Refused (DRV-18): give up on the device until a reset. */
		(void)rte_vmsg_drv_set_status(
			drv, (want & ~RTE_VMSG_STATUS_FEATURES_OK) | RTE_VMSG_STATUS_FAILED, NULL);
		rc = -ENOTSUP;
		goto out;
	}
	free(drv->feat);
	drv->feat = sel;
	drv->nfeat = nfb;
	sel = NULL;
	drv->state = ST_FEATURES_OK;
	if (negotiated != NULL)
		for (k = 0; k < nblocks; k++)
			negotiated[k] = k < nfb ? drv->feat[k] : 0u;
	rc = 0;
out:
	free(offered);
	free(sel);
	return rc;
}

int rte_vmsg_drv_vq_setup(struct rte_vmsg_drv *drv, uint32_t index, uint32_t size, uint64_t desc,
			  uint64_t driver, uint64_t device)
{
	struct rte_vmsg_vqueue vq, set;
	int rc;

	if (drv == NULL)
		return -EINVAL;
	/* Queues only after FEATURES_OK was accepted (DRV-18). */
	if (drv->state == ST_OPEN)
		return -EPERM;
	/* Split-ring alignment (DRV-20). */
	if (size == 0 || (desc & 15u) != 0 || (driver & 1u) != 0 || (device & 3u) != 0)
		return -EINVAL;
	rc = rte_vmsg_drv_get_vqueue(drv, index, &vq); /* DRV-19 */
	if (rc < 0)
		return rc;
	if (vq.max_size == 0)
		return -ENOENT;
	if ((vq.flags & RTE_VMSG_VQ_ENABLED) != 0)
		return -EBUSY; /* DRV-21: never rewrite an enabled queue */
	if (size > vq.max_size)
		return -EINVAL;
	memset(&set, 0, sizeof(set));
	set.index = index;
	set.flags = RTE_VMSG_VQ_OP_ENABLE;
	set.size = size;
	set.desc_addr = desc;
	set.driver_addr = driver;
	set.device_addr = device;
	rc = rte_vmsg_drv_set_vqueue(drv, &set);
	if (rc < 0)
		return rc;
	/* The response is the same whatever happened: read back (DRV-22). */
	rc = rte_vmsg_drv_get_vqueue(drv, index, &vq);
	if (rc < 0)
		return rc;
	if ((vq.flags & RTE_VMSG_VQ_ENABLED) == 0 || vq.size != size || vq.desc_addr != desc ||
	    vq.driver_addr != driver || vq.device_addr != device)
		return -EIO;
	if (index < drv->nvq)
		drv->vq_on[index] = 1;
	return 0;
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
	len = rte_vmsg_msg_build(drv->tx, drv->max_msg, &m);
	if (len < 0)
		return len;
	return rte_vmsg_bus_send_event(drv->bus, drv->tx, (size_t)len);
}

int rte_vmsg_drv_driver_ok(struct rte_vmsg_drv *drv)
{
	const uint32_t want = RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER |
			      RTE_VMSG_STATUS_FEATURES_OK | RTE_VMSG_STATUS_DRIVER_OK;
	uint32_t st = 0;
	int rc;

	if (drv == NULL)
		return -EINVAL;
	if (drv->state == ST_OPEN)
		return -EPERM; /* DRV-24: after negotiation */
	if (drv->needs_reset)
		return -ESTALE;
	rc = write_status(drv, want, &st);
	if (rc < 0)
		return rc;
	if ((st & RTE_VMSG_STATUS_DRIVER_OK) == 0)
		return -EIO; /* I/O starts only once the device reports it */
	drv->state = ST_LIVE;
	return 0;
}

int rte_vmsg_drv_needs_reset(const struct rte_vmsg_drv *drv)
{
	return drv != NULL && drv->needs_reset ? 1 : 0;
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
