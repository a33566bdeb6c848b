/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-net device model, the bus thread's side: config space, feature
 * rules, the transport hooks that attach and detach queues (closing each
 * pair's gate first), the control queue, events, create and destroy.
 * Nothing the driver wrote is trusted.
 */

#define RTE_VMSG_LOG_PREFIX "net: "

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#if defined(__linux__)
#include <linux/membarrier.h>
#endif

#include "net_dev_priv.h"
#include "log_priv.h"
#include "opts_priv.h"

/* ------------------------------------------------------------------------ */
/* The gate between the bus thread (hooks) and a pair thread                 */

/*
 * A pair thread enters only when the gate is open, and says so in @c busy
 * first; the bus thread closes the gate and then waits for @c busy to drop
 * before it touches the pair's queues. The store-load order on each side
 * (M_N1, M_N2) makes sure at least one of them sees the other.
 *
 * The pair side runs once per poll, the bus side only when queues change, so
 * where the kernel offers it the full barrier is moved to the bus side
 * (asymmetric fence): the pair thread only keeps the compiler from
 * reordering, and pair_stop() calls membarrier(PRIVATE_EXPEDITED), which
 * runs a full barrier on every CPU that runs a thread of this process (a
 * thread that is not running has passed one in its context switch). Either
 * that barrier comes after the pair thread's busy store, and pair_stop()
 * then sees busy, or it comes before the pair thread's gate load, which then
 * sees the closed gate. The pair threads and the bus thread share the
 * struct: they are threads of one process. Without membarrier (an old
 * kernel, a seccomp filter) both sides use the full barrier.
 */

#if defined(__linux__) && defined(SYS_membarrier)
static int gate_membarrier(int cmd)
{
	return (int)syscall(SYS_membarrier, cmd, 0u, 0);
}

/* Registers the process for expedited membarrier; true when it can be used. */
static RTE_VMSG_COLD bool gate_asym_init(void)
{
	int q = gate_membarrier(MEMBARRIER_CMD_QUERY);

	if (q < 0 || (q & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0 ||
	    (q & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
		return false;
	return gate_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
}

/*
 * A full barrier on every CPU running a thread of this process. It cannot
 * fail once the process is registered (its only errors are an unknown
 * command and a missing registration).
 */
static void gate_fence_threads(void)
{
	(void)gate_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
}
#else
static RTE_VMSG_COLD bool gate_asym_init(void)
{
	return false;
}

static void gate_fence_threads(void)
{
}
#endif

static void pair_stop(struct net_pair *p)
{
	rte_vmsg__write_once(&p->gate, 0u);
	/*
	 * M_N2: gate store before busy load; pairs with M_N1 in pair_enter().
	 * With p->asym the membarrier runs that full barrier on the pair
	 * thread's CPU too.
	 */
	rte_vmsg__smp_mb();
	if (p->asym)
		gate_fence_threads();
	/* A_N2: pairs with R_N2 in pair_leave(). */
	while (rte_vmsg__load_acquire(&p->busy) != 0)
		rte_vmsg__cpu_relax();
}

static void pair_start(struct net_pair *p)
{
	/* R_N1: queue pointers and pair state before the gate opens; pairs with A_N1. */
	rte_vmsg__store_release(&p->gate, 1u);
}

/* ------------------------------------------------------------------------ */
/* Control queue and events (bus thread)                                     */

static uint8_t ctrl_exec(struct rte_vmsg_net_dev *nd, const uint8_t *cmd, uint32_t len)
{
	uint32_t n;

	if (len < 2)
		return NET_CTRL_ERR;
	switch (cmd[0]) {
	case NET_CTRL_MQ:
		/* virtio 1.x 5.1.6.5.5: 1 <= pairs <= max_virtqueue_pairs, with MQ. */
		if (cmd[1] != NET_CTRL_MQ_VQ_PAIRS_SET || len < 4 ||
		    (nd->feat & F(RTE_VMSG_NET_F_MQ)) == 0)
			return NET_CTRL_ERR;
		n = rte_vmsg_get_le16(cmd + 2);
		if (n < 1 || n > nd->nqp)
			return NET_CTRL_ERR;
		rte_vmsg__write_once(&nd->active, n);
		return NET_CTRL_OK;
	case NET_CTRL_RX:
	case NET_CTRL_MAC:
		/* Acknowledged: the loopback and the application see every packet. */
		return NET_CTRL_OK;
	default:
		return NET_CTRL_ERR;
	}
}

static void ctrl_poll(struct rte_vmsg_net_dev *nd)
{
	struct net_q *q = &nd->ctrl;
	struct rte_vmsg_vq_used u[8];
	uint32_t i, len, j;
	int rc;

	if (q->vq == NULL || q->broken_seen)
		return;
	rc = rte_vmsg_vq_dev_pop_burst(q->vq, nd->creq, 8, nd->ciov, NET_MAX_CHAIN);
	if (rc < 0) {
		if (rc == -EIO)
			net_q_broke(q);
		return;
	}
	for (i = 0; i < (uint32_t)rc; i++) {
		const struct rte_vmsg_vq_req *r = &nd->creq[i];
		struct rcur c = { nd->ciov + r->iov_first, r->n_iov, 0, 0 };
		uint8_t ack;

		len = r->out_len < NET_CTRL_MAX ? r->out_len : NET_CTRL_MAX;
		len = net_rcur_read(&c, nd->cbuf, len);
		ack = ctrl_exec(nd, nd->cbuf, len);
		u[i].head = r->head;
		u[i].len = 0;
		for (j = 0; j < r->n_iov; j++) {
			struct rte_vmsg_vq_iov *v = &nd->ciov[r->iov_first + j];

			if (v->writable && v->len > 0) {
				*(uint8_t *)v->base = ack;
				u[i].len = 1;
				break;
			}
		}
		if (ack == NET_CTRL_OK && u[i].len == 1) {
			nd->ds.ctrl_ok++;
			q->st.packets++;
		} else {
			nd->ds.ctrl_err++;
			q->st.errors++;
		}
	}
	if (rc > 0) {
		if (rte_vmsg_vq_dev_push_burst(q->vq, u, (uint32_t)rc) < 0)
			net_q_broke(q);
		else
			net_q_notify(nd, q);
	}
}

/* Sends EVENT_USED for queue @p index when its thread asked for one; 1 when sent. */
static int ev_used(struct rte_vmsg_net_dev *nd, struct net_q *q, uint32_t index)
{
	/* Plain read: the counter's only writer may run concurrently; any value seen is fine. */
	uint64_t want = rte_vmsg__read_once(&q->notify_req);
	int rc;

	if (want == q->notify_sent)
		return 0;
	rc = rte_vmsg_dev_notify_used(nd->dev, index);
	if (rc == -EAGAIN) {
		nd->ds.events_retry++;
		return 0; /* bus full: retried at the next call */
	}
	q->notify_sent = want;
	/*
	 * Nothing sent: polling-only (0 from a device with NO_EVENT_USED), the
	 * queue is gone or not live, or the bus dropped it.
	 */
	if (rc < 0 || nd->notify == RTE_VMSG_NET_NOTIFY_POLL)
		return 0;
	nd->ds.events_tx++;
	/* One writer (this thread); read by stats_get from any thread. */
	rte_vmsg__write_once(&q->ev_tx, q->ev_tx + 1);
	return 1;
}

/* Sends the EVENT_CONFIG the device kept for us; 1 when sent. */
static int ev_config_flush(struct rte_vmsg_net_dev *nd)
{
	int rc;

	if (!nd->cfgev_kept)
		return 0;
	rc = rte_vmsg_dev_notify_flush(nd->dev);
	if (rc == -EAGAIN) {
		nd->ds.events_retry++;
		return 0;
	}
	nd->cfgev_kept = false; /* sent, or dropped by the bus */
	if (rc <= 0)
		return 0;
	nd->ds.events_tx++;
	return 1;
}

static bool q_broke_new(struct net_q *q)
{
	uint64_t b = rte_vmsg__read_once(&q->break_req);

	if (b == q->break_seen)
		return false;
	q->break_seen = b;
	return true;
}

RTE_VMSG_API int rte_vmsg_net_dev_service(struct rte_vmsg_net_dev *nd)
{
	uint32_t i, k;
	int sent = 0, rc;

	if (nd == NULL)
		return -EINVAL;
	if (nd->running)
		ctrl_poll(nd);
	for (i = 0; i < nd->nqp; i++)
		for (k = 0; k < 2; k++) {
			struct net_q *q = &nd->pairs[i].q[k];

			if (q_broke_new(q))
				nd->needs_reset_pending = true;
			sent += ev_used(nd, q, 2 * i + k);
		}
	if (nd->ctrl_index < nd->num_queues) {
		if (q_broke_new(&nd->ctrl))
			nd->needs_reset_pending = true;
		sent += ev_used(nd, &nd->ctrl, nd->ctrl_index);
	}
	/*
	 * A queue the driver broke: DEVICE_NEEDS_RESET (virtio 1.x 2.1.2,
	 * DEV-24) with its EVENT_CONFIG; the other queues keep running until
	 * the driver resets the device.
	 */
	sent += ev_config_flush(nd);
	if (nd->needs_reset_pending && !nd->cfgev_kept) {
		nd->needs_reset_pending = false;
		rc = rte_vmsg_dev_notify_needs_reset(nd->dev);
		if (rc != -EALREADY) { /* -EALREADY: set already, or the driver is resetting */
			nd->ds.needs_reset++;
			if (rc == 0) {
				nd->ds.events_tx++;
				sent++;
			} else if (rc == -EAGAIN) {
				nd->ds.events_retry++;
				nd->cfgev_kept =
					true; /* the device keeps it: flushed at the next call */
			}
		}
	}
	return sent;
}

/* ------------------------------------------------------------------------ */
/* Transport hooks (bus thread)                                              */

static uint64_t features64(const struct rte_vmsg_net_dev *nd)
{
	uint32_t b[2] = { 0, 0 };

	rte_vmsg_dev_features_get(nd->dev, 0, b, 2);
	return (uint64_t)b[0] | ((uint64_t)b[1] << 32);
}

static int h_features_check(void *ctx, const uint32_t *f, uint32_t nb)
{
	uint64_t x = (uint64_t)f[0] | (nb > 1 ? (uint64_t)f[1] << 32 : 0);

	(void)ctx;
	/* This transport is virtio 1.x only. */
	if ((x & F(RTE_VMSG_VIRTIO_F_VERSION_1)) == 0)
		return -ENOTSUP;
	/* virtio 1.x 5.1.3.1: feature dependencies. */
	if ((x & (F(RTE_VMSG_NET_F_MQ) | F(RTE_VMSG_NET_F_CTRL_RX) |
		  F(RTE_VMSG_NET_F_CTRL_MAC_ADDR))) != 0 &&
	    (x & F(RTE_VMSG_NET_F_CTRL_VQ)) == 0)
		return -EINVAL;
	if ((x & (F(RTE_VMSG_NET_F_GUEST_TSO4) | F(RTE_VMSG_NET_F_GUEST_TSO6))) != 0 &&
	    (x & F(RTE_VMSG_NET_F_GUEST_CSUM)) == 0)
		return -EINVAL;
	if ((x & (F(RTE_VMSG_NET_F_HOST_TSO4) | F(RTE_VMSG_NET_F_HOST_TSO6))) != 0 &&
	    (x & F(RTE_VMSG_NET_F_CSUM)) == 0)
		return -EINVAL;
	return 0;
}

static int h_config_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
	struct rte_vmsg_net_dev *nd = ctx;

	memcpy(buf, (const uint8_t *)&nd->cfg + off, len);
	return 0;
}

static void q_detach(struct net_q *q)
{
	rte_vmsg_vq_dev_detach(q->vq);
	q->vq = NULL;
	q->broken_seen = false;
}

static int h_queue_enable(void *ctx, uint32_t index, const struct rte_vmsg_dev_vq *v)
{
	struct rte_vmsg_net_dev *nd = ctx;
	struct rte_vmsg_vq_dev_opts o;
	struct rte_vmsg_vq_dev *vq = NULL;
	struct net_pair *p = NULL;
	struct net_q *q;
	int rc;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.size = v->size;
	o.policy = nd->notify == RTE_VMSG_NET_NOTIFY_POLL ? RTE_VMSG_VQ_POLICY_POLL
							  : RTE_VMSG_VQ_POLICY_EVENT;
	o.features = features64(nd);
	o.desc_addr = v->desc_addr;
	o.driver_addr = v->driver_addr;
	o.device_addr = v->device_addr;
	o.map = nd->map;
	o.max_chain = NET_MAX_CHAIN;
	/*
	 * The rings must lie in the map, aligned. If not, the transport still
	 * stores the SET_VQUEUE (virtio-msg §4.8) and the queue is broken: it
	 * stays without a device half, counted like a queue broken later,
	 * and rte_vmsg_net_dev_service() raises DEVICE_NEEDS_RESET's event
	 * (the transport has set the bit by then, DEV-24).
	 */
	rc = rte_vmsg_vq_dev_attach(&o, &vq);
	if (rc != 0) {
		nd->ds.attach_refused++;
		vq = NULL;
		if (rc == RTE_VMSG_DEV_VQ_REFUSE)
			rc = -EIO; /* fails, never refuses */
	}
	if (!nd->running) {
		/* Read by the pair threads once their gate opens (R_N1). */
		nd->feat = o.features;
		nd->mrg = (o.features & F(RTE_VMSG_NET_F_MRG_RXBUF)) != 0;
	}
	if (index == nd->ctrl_index) {
		q = &nd->ctrl;
	} else {
		p = &nd->pairs[index / 2];
		pair_stop(p);
		q = &p->q[index % 2];
	}
	q_detach(q);
	q->vq = vq;
	/* The pair thread's fields: written here with its gate closed (the control queue: ours). */
	if (vq == NULL)
		net_q_broke(q);
	if (p != NULL) {
		if (index % 2 == Q_RX)
			net_stash_clear(&p->stash);
		else
			p->tn = 0; /* the chains kept belonged to the queue replaced */
		if (nd->running)
			pair_start(p);
	}
	return rc;
}

static void pair_reset(struct net_pair *p, int which)
{
	int k;

	for (k = 0; k < 2; k++)
		if (which < 0 || which == k)
			q_detach(&p->q[k]);
	if (which < 0 || which == Q_RX)
		net_stash_clear(&p->stash);
	if (which < 0 || which == Q_TX)
		p->tn = 0;
	p->nused = 0;
	p->more = false;
}

static int h_queue_reset(void *ctx, uint32_t index)
{
	struct rte_vmsg_net_dev *nd = ctx;
	struct net_pair *p;

	if (index == nd->ctrl_index) {
		q_detach(&nd->ctrl);
		return 0;
	}
	p = &nd->pairs[index / 2];
	pair_stop(p);
	pair_reset(p, (int)(index % 2));
	if (nd->running)
		pair_start(p);
	return 0;
}

/* A breakage the service call has not handled yet is moot after a device reset. */
static void q_forget_break(struct net_q *q)
{
	q->break_seen = rte_vmsg__read_once(&q->break_req);
}

static int h_reset(void *ctx)
{
	struct rte_vmsg_net_dev *nd = ctx;
	uint32_t i;

	nd->running = false;
	for (i = 0; i < nd->nqp; i++) {
		pair_stop(&nd->pairs[i]);
		pair_reset(&nd->pairs[i], -1);
		/* The pair thread is out (gate closed): its break_req holds still. */
		q_forget_break(&nd->pairs[i].q[Q_RX]);
		q_forget_break(&nd->pairs[i].q[Q_TX]);
	}
	q_detach(&nd->ctrl);
	q_forget_break(&nd->ctrl);
	nd->feat = 0;
	nd->mrg = false;
	nd->needs_reset_pending = false;
	nd->cfgev_kept = false; /* the device drops it at a reset too */
	rte_vmsg__write_once(&nd->active, 1u);
	return 0;
}

static int h_status_changed(void *ctx, uint32_t old, uint32_t now)
{
	struct rte_vmsg_net_dev *nd = ctx;
	uint32_t i;

	(void)old;
	if ((now & RTE_VMSG_STATUS_DRIVER_OK) == 0 || nd->running)
		return 0;
	nd->feat = features64(nd);
	nd->mrg = (nd->feat & F(RTE_VMSG_NET_F_MRG_RXBUF)) != 0;
	/* virtio 1.x 5.1.6.5.5: one pair until VQ_PAIRS_SET. */
	rte_vmsg__write_once(&nd->active, 1u);
	nd->running = true;
	for (i = 0; i < nd->nqp; i++)
		pair_start(&nd->pairs[i]);
	return 0;
}

static int h_event_avail(void *ctx, uint32_t index, uint32_t next_offset)
{
	struct rte_vmsg_net_dev *nd = ctx;
	struct net_pair *p;

	(void)next_offset;
	if (index == nd->ctrl_index) {
		rte_vmsg__write_once(&nd->ctrl.ev_rx, nd->ctrl.ev_rx + 1);
		return 0;
	}
	p = &nd->pairs[index / 2];
	/* One writer (the bus thread); a pair thread may read it through stats_get. */
	rte_vmsg__write_once(&p->q[index % 2].ev_rx, p->q[index % 2].ev_rx + 1);
	rte_vmsg__write_once(&p->kick_mark, p->kick_mark + 1);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Create, destroy, getters                                                  */

RTE_VMSG_API uint64_t rte_vmsg_net_dev_supported_features(void)
{
	return SUPPORTED_FEATURES;
}

RTE_VMSG_API int rte_vmsg_net_dev_create(const struct rte_vmsg_net_dev_opts *opts,
					 struct rte_vmsg_net_dev **out)
{
	struct rte_vmsg_net_dev_opts o;
	struct rte_vmsg_dev_opts dopts;
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_net_dev *nd;
	uint32_t blocks[2], i;
	bool asym;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0)
		return -EINVAL;
	if (o.max_queue_pairs == 0)
		o.max_queue_pairs = 1;
	if (o.mtu == 0)
		o.mtu = 1500;
	if (o.queue_size == 0)
		o.queue_size = 256;
	if (o.features == 0)
		o.features = SUPPORTED_FEATURES;
	if (o.max_queue_pairs == 1)
		o.features &= ~F(RTE_VMSG_NET_F_MQ);
	/* o.bus: rte_vmsg_dev_create() below checks it (a device-role bus). */
	if (o.map == NULL || o.max_queue_pairs > RTE_VMSG_NET_MAX_QP || o.mtu < 68 ||
	    o.queue_size > RTE_VMSG_VQ_MAX_SIZE || (o.queue_size & (o.queue_size - 1)) != 0 ||
	    o.backend > RTE_VMSG_NET_BACKEND_APP || o.notify > RTE_VMSG_NET_NOTIFY_EVENT ||
	    o.reserved0 != 0 || o.reserved1[0] != 0 || o.reserved1[1] != 0 ||
	    (o.features & ~SUPPORTED_FEATURES) != 0)
		return -EINVAL;
	blocks[0] = (uint32_t)o.features;
	blocks[1] = (uint32_t)(o.features >> 32);
	/* What is offered must be acceptable as a whole. */
	if (h_features_check(NULL, blocks, 2) != 0)
		return -EINVAL;

	nd = calloc(1, sizeof(*nd));
	if (nd == NULL)
		return -ENOMEM;
	nd->pairs = calloc(o.max_queue_pairs, sizeof(*nd->pairs));
	if (nd->pairs == NULL) {
		rc = -ENOMEM;
		goto fail;
	}
	asym = gate_asym_init();
	for (i = 0; i < o.max_queue_pairs; i++)
		nd->pairs[i].asym = asym;
	nd->map = o.map;
	nd->backend = o.backend;
	nd->notify = o.notify;
	nd->nqp = o.max_queue_pairs;
	nd->qsize = o.queue_size;
	nd->mtu = o.mtu;
	nd->max_pkt = o.mtu + NET_ETH_OVERHEAD;
	nd->offered = o.features;
	nd->ctrl_index = 2 * nd->nqp;
	nd->num_queues = nd->ctrl_index + ((o.features & F(RTE_VMSG_NET_F_CTRL_VQ)) != 0 ? 1 : 0);
	nd->active = 1;
	memcpy(nd->cfg.mac, o.mac, 6);
	nd->cfg.status = rte_vmsg_cpu_to_le16(RTE_VMSG_NET_S_LINK_UP);
	nd->cfg.max_virtqueue_pairs = rte_vmsg_cpu_to_le16((uint16_t)nd->nqp);
	nd->cfg.mtu = rte_vmsg_cpu_to_le16(o.mtu);

	memset(&ops, 0, sizeof(ops));
	ops.sz = sizeof(ops);
	ops.device_id = 1; /* virtio-net */
	ops.features = blocks;
	ops.num_feature_blocks = 2;
	ops.config_size = sizeof(nd->cfg);
	ops.num_queues = nd->num_queues;
	ops.queue_max_size = o.queue_size;
	ops.features_check = h_features_check;
	ops.config_read = h_config_read;
	ops.status_changed = h_status_changed;
	ops.queue_enable = h_queue_enable;
	ops.queue_reset = h_queue_reset;
	ops.reset = h_reset;
	ops.event_avail = h_event_avail;
	memset(&dopts, 0, sizeof(dopts));
	dopts.sz = sizeof(dopts);
	dopts.dev_num = o.dev_num;
	/* Parameters from the bus; registered on it last, once it answers (ADDED). */
	dopts.bus = o.bus;
	if (o.notify == RTE_VMSG_NET_NOTIFY_POLL)
		dopts.flags = RTE_VMSG_DEV_F_NO_EVENT_AVAIL | RTE_VMSG_DEV_F_NO_EVENT_USED;
	/* -EINVAL for a NULL or driver-role bus, -EEXIST for a number in use. */
	rc = rte_vmsg_dev_create(&dopts, &ops, nd, &nd->dev);
	if (rc != 0)
		goto fail;
	*out = nd;
	return 0;
fail:
	free(nd->pairs);
	free(nd);
	return rc;
}

RTE_VMSG_API void rte_vmsg_net_dev_destroy(struct rte_vmsg_net_dev *nd)
{
	uint32_t i;

	if (nd == NULL)
		return;
	for (i = 0; i < nd->nqp; i++)
		pair_reset(&nd->pairs[i], -1);
	q_detach(&nd->ctrl);
	rte_vmsg_dev_destroy(nd->dev); /* unregisters it: EVENT_DEVICE REMOVED */
	free(nd->pairs);
	free(nd);
}

RTE_VMSG_API struct rte_vmsg_dev *rte_vmsg_net_dev_vdev(const struct rte_vmsg_net_dev *nd)
{
	return nd != NULL ? nd->dev : NULL;
}

RTE_VMSG_API uint32_t rte_vmsg_net_dev_active_pairs(const struct rte_vmsg_net_dev *nd)
{
	return nd != NULL ? rte_vmsg__read_once(&nd->active) : 0;
}

static const struct net_q *q_of(const struct rte_vmsg_net_dev *nd, uint32_t index)
{
	if (index < 2 * nd->nqp)
		return &nd->pairs[index / 2].q[index % 2];
	if (index == nd->ctrl_index && index < nd->num_queues)
		return &nd->ctrl;
	return NULL;
}

RTE_VMSG_API int rte_vmsg_net_dev_stats_get(const struct rte_vmsg_net_dev *nd, uint32_t index,
					    struct rte_vmsg_net_queue_stats *qs,
					    struct rte_vmsg_net_dev_stats *ds)
{
	const struct net_q *q;

	if (nd == NULL || (qs == NULL && ds == NULL))
		return -EINVAL;
	if (qs != NULL) {
		q = q_of(nd, index);
		if (q == NULL)
			return -EINVAL;
		*qs = q->st;
		/* Bus-thread counters, read from whichever thread asks. */
		qs->notifies = rte_vmsg__read_once(&q->ev_tx);
		qs->events = rte_vmsg__read_once(&q->ev_rx);
	}
	if (ds != NULL)
		*ds = nd->ds;
	return 0;
}

RTE_VMSG_API struct rte_vmsg_vq_dev *rte_vmsg_net_dev_vq(const struct rte_vmsg_net_dev *nd,
							 uint32_t index)
{
	const struct net_q *q;

	if (nd == NULL)
		return NULL;
	q = q_of(nd, index);
	return q != NULL ? q->vq : NULL;
}
