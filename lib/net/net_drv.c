/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-net driver helper: brings a remote virtio-net device up over
 * virtio-msg, places its virtqueues and buffers in a DMA area, and turns
 * packet bursts into virtqueue operations (one copy each way).
 */

#define RTE_VMSG_LOG_PREFIX "net: "

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_msg.h"
#include "net_priv.h"
#include "log_priv.h"
#include "opts_priv.h"

#define F(bit) (1ull << (bit))

/* What this helper can drive. */
#define DRV_FEATURES                                                                               \
	(F(RTE_VMSG_NET_F_CSUM) | F(RTE_VMSG_NET_F_GUEST_CSUM) | F(RTE_VMSG_NET_F_MTU) |           \
	 F(RTE_VMSG_NET_F_MAC) | F(RTE_VMSG_NET_F_GUEST_TSO4) | F(RTE_VMSG_NET_F_GUEST_TSO6) |     \
	 F(RTE_VMSG_NET_F_HOST_TSO4) | F(RTE_VMSG_NET_F_HOST_TSO6) | F(RTE_VMSG_NET_F_MRG_RXBUF) | \
	 F(RTE_VMSG_NET_F_STATUS) | F(RTE_VMSG_NET_F_CTRL_VQ) | F(RTE_VMSG_NET_F_MQ) |             \
	 F(RTE_VMSG_VIRTIO_F_EVENT_IDX) | F(RTE_VMSG_VIRTIO_F_VERSION_1) |                         \
	 F(RTE_VMSG_VIRTIO_F_RING_PACKED) | F(RTE_VMSG_VIRTIO_F_IN_ORDER) |                        \
	 F(RTE_VMSG_VIRTIO_F_RING_RESET))

/*
 * Wanted by default: IN_ORDER but not RING_PACKED, so the queues take the
 * split ring with in-order runs whenever the device offers IN_ORDER, the
 * fastest of the four modes measured (doc/net.md, "Which ring"); a caller
 * that wants the packed layout adds RING_PACKED. TSO needs 64 KiB transmit
 * buffers (or, without MRG_RXBUF, receive buffers), which the caller asks
 * for explicitly.
 */
#define DRV_DEFAULT                                                                     \
	(DRV_FEATURES & ~(F(RTE_VMSG_NET_F_GUEST_TSO4) | F(RTE_VMSG_NET_F_GUEST_TSO6) | \
			  F(RTE_VMSG_NET_F_HOST_TSO4) | F(RTE_VMSG_NET_F_HOST_TSO6) |   \
			  F(RTE_VMSG_VIRTIO_F_RING_PACKED)))

/* Receive buffer size with MRG_RXBUF. */
#define MRG_BUF_LEN 2048u
/* Control queue: entries and the command buffer (class, cmd, le16 pairs, ack). */
#define CTRL_QSIZE 8u
#define CTRL_BUF 64u
#define CPL_BATCH 64u
/* Largest buffer of a pair whose receive and transmit buffers share a pool of unequal sizes. */
#define NET_POOL_SHARED_MAX 4096u
/*
 * Chain cookies: cookie_of(idx) for the helper's buffer idx (below
 * 2 * RTE_VMSG_VQ_MAX_SIZE), cookie_of(NET_XBASE + s) for the caller's
 * buffer in slot s (the _ext calls).
 */
#define NET_XBASE (1u << 20)

struct rte_vmsg_net_drv;

/* A caller's buffer the helper holds (the _ext calls). */
struct drv_xslot {
	uint8_t *addr;
	void *cookie;
	bool used; /* the buffer is the helper's (posted, reaped, sent, completed) */
};

struct drv_q {
	struct rte_vmsg_vq_drv *vq;
	uint32_t index;
	uint8_t *buf; /* buffer idx at buf + idx * stride */
	uint64_t buf_bus;
	uint32_t buf_len; /* posted length (receive), largest packet + header (transmit) */
	/*
	 * Transmit: the largest packet the device takes, within the buffer,
	 * by GSO type: [NONE] MTU + 18, [TCPV4] and [TCPV6] 65550 with
	 * HOST_TSO4/6, 0 for the others (not negotiated, or UDP): tx_max().
	 */
	uint32_t pkt_max[RTE_VMSG_NET_HDR_GSO_TCPV6 + 1];
	uint32_t stride;
	uint32_t nbuf;
	/*
	 * Transmit: the index of its first buffer (nbuf when the pair shares
	 * one pool: receive 0 .. nbuf - 1, transmit nbuf .. 2 nbuf - 1).
	 */
	uint32_t first;
	bool broken_seen;
	bool kick_pending; /* an EVENT_AVAIL to send (the bus was full) */
	/*
	 * RTE_VMSG_NET_DRV_F_DEFER_EVENTS: EVENT_AVAILs asked for by the
	 * bursts (one writer: the pair's thread), with the position of the
	 * last; those handled and sent by rte_vmsg_net_drv_service() (one
	 * writer: the bus thread).
	 */
	uint64_t ev_req;
	uint32_t ev_next;
	uint64_t ev_done, ev_sent;
	bool down; /* its pair's queue reset did not finish: no I/O (DRV-23) */
	/*
	 * Transmit: free buffer indices, a FIFO of nbuf (a power of two)
	 * entries free[fpos .. fpos + nfree) modulo nbuf, so that buffers go
	 * out in the order they came back, the order the queue's descriptors
	 * do too: each buffer keeps its descriptor and the descriptor table
	 * is not rewritten. Receive: the re-post list.
	 */
	uint32_t *free;
	uint32_t fpos, nfree;
	struct rte_vmsg_vq_cpl *cpl; /* receive: reaped, not consumed: [cpl_pos, cpl_n) */
	uint32_t cpl_pos, cpl_n;
	/* Receive: buffers lent by rte_vmsg_net_drv_rx_burst_zc(), free[0 .. lent), not posted. */
	uint32_t lent;
	bool lending; /* a zero-copy burst is out: rx_release() before the next receive */
	/*
	 * Receive, pairs that share a pool: for each of its 2 nbuf buffers,
	 * 1 + its place in free[0 .. lent) while lent to the application, else
	 * 0. A lent buffer the application sends on the pair's transmit queue
	 * goes out as it is; a free transmit buffer takes its place here.
	 */
	uint32_t *lentpos;
	struct rte_vmsg_vq_chain *chains; /* [nbuf] */
	struct rte_vmsg_vq_buf *vbufs;	  /* [nbuf] */
	struct rte_vmsg_net_queue_stats st;
	uint64_t used_ev; /* EVENT_USED received (bus thread) */
	/*
	 * The caller's buffers (_ext calls): slots [nbuf], the free ones a
	 * stack xfree[0 .. nxfree). Transmit: slots the device completed, not
	 * yet collected, a FIFO xdone[xdpos .. xdpos + nxdone) modulo nbuf (a
	 * slot is freed when collected, so they never outnumber the slots).
	 * Receive (ext): buffers of a dropped packet still to hand back.
	 */
	struct drv_xslot *xs;
	uint32_t *xfree, nxfree;
	uint32_t *xdone, xdpos, nxdone;
	uint32_t xdrop;
	bool ext; /* receive: RTE_VMSG_NET_DRV_F_EXT_RX */
	struct rte_vmsg_net_drv *nd;
};

struct rte_vmsg_net_drv {
	struct rte_vmsg_drv *drv;
	struct rte_vmsg_bus *bus;
	uint32_t nqp, qsize, notify, mtu;
	uint32_t ctrl_index;
	uint64_t feat;
	bool mrg;
	struct rte_vmsg_net_config cfg;
	struct drv_q *q; /* [2 * nqp] */
	struct rte_vmsg_vq_drv *ctrl;
	uint32_t csize;
	uint64_t want; /* features asked for */
	uint8_t *ctrl_buf;
	uint64_t ctrl_bus;
	uint8_t *dma;
	uint64_t dma_bus, dma_size, dma_off;
	uint64_t xoff; /* the caller's buffers lie in [dma + xoff, dma + dma_size) */
	uint64_t timeout_ns;
	bool defer; /* RTE_VMSG_NET_DRV_F_DEFER_EVENTS */
	void (*poll_peer)(void *arg);
	void *poll_peer_arg;
	int (*cancel)(void *arg);
	void *cancel_arg;
	void (*ext_release)(void *arg, uint32_t qp, void *cookie);
	void *ext_arg;
	bool ext_rx; /* RTE_VMSG_NET_DRV_F_EXT_RX */
	struct rte_vmsg_net_drv_stats ds;
};

static void *cookie_of(uint32_t idx)
{
	return (void *)(uintptr_t)(idx + 1u);
}

static uint32_t idx_of(void *cookie)
{
	return (uint32_t)((uintptr_t)cookie - 1u);
}

/* Carves @p len bytes (64-byte aligned) out of the DMA area. */
static void *dma_alloc(struct rte_vmsg_net_drv *nd, uint64_t len, uint64_t *bus)
{
	uint64_t off = (nd->dma_off + 63u) & ~(uint64_t)63u;

	if (off > nd->dma_size || len > nd->dma_size - off)
		return NULL;
	nd->dma_off = off + len;
	*bus = nd->dma_bus + off;
	return nd->dma + off;
}

/* Sends EVENT_AVAIL for @p q when its kick asked for one (event mode). */
static void q_event(struct rte_vmsg_net_drv *nd, struct drv_q *q, int kick, uint32_t next)
{
	int rc;

	if (nd->defer) {
		if (kick > 0 && nd->notify == RTE_VMSG_NET_NOTIFY_EVENT) {
			/* R_E: the position, then the request; pairs with A_E in the service call. */
			rte_vmsg__write_once(&q->ev_next, next);
			__atomic_store_n(&q->ev_req, q->ev_req + 1, __ATOMIC_RELEASE);
		}
		return;
	}
	if (kick > 0)
		q->kick_pending = true;
	if (!q->kick_pending || nd->notify != RTE_VMSG_NET_NOTIFY_EVENT)
		return;
	rc = rte_vmsg_drv_event_avail(nd->drv, q->index, next);
	if (rc == -EAGAIN)
		return; /* the bus is full: sent with the next burst */
	q->kick_pending = false;
	if (rc == 0)
		q->st.notifies++;
	else
		q->st.errors++;
}

static int q_kick(struct rte_vmsg_net_drv *nd, struct drv_q *q)
{
	uint32_t next = 0;
	int rc = rte_vmsg_vq_drv_kick(q->vq, &next);

	if (rc < 0)
		return rc;
	q_event(nd, q, rc, next);
	return 0;
}

static int q_broke(struct drv_q *q)
{
	if (!q->broken_seen) {
		q->broken_seen = true;
		q->st.broken++;
	}
	return -EIO;
}

/* ------------------------------------------------------------------------ */
/* Data path                                                                 */

/*
 * Reaps the transmissions the device completed: the helper's buffers go
 * back to the free FIFO, the caller's slots to xdone (a batch of two bursts:
 * a reap that empties the batch exactly is followed by one that re-reads
 * the used idx, a line the device is writing).
 */
static NET_ALWAYS_INLINE int tx_reap(struct drv_q *q)
{
	struct rte_vmsg_vq_cpl cpl[CPL_BATCH];
	uint32_t i, idx;
	int rc;

	do {
		rc = rte_vmsg_vq_drv_reap_burst(q->vq, cpl, CPL_BATCH);
		if (rc < 0)
			return rc;
		for (i = 0; i < (uint32_t)rc; i++) {
			idx = idx_of(cpl[i].cookie);
			if (RTE_VMSG_LIKELY(idx < NET_XBASE))
				q->free[(q->fpos + q->nfree++) & (q->nbuf - 1)] = idx;
			else
				q->xdone[(q->xdpos + q->nxdone++) & (q->nbuf - 1)] =
					idx - NET_XBASE;
		}
	} while (rc == (int)CPL_BATCH);
	return 0;
}

/*
 * Chains [from, to) of the burst were not added. Each that was to send a
 * lent receive buffer took a free transmit buffer's place among the lent
 * ones: the lent buffer goes back there (the caller still holds it), and
 * the free one stays in its FIFO slot, which the burst rewinds. Rare (the
 * queue full with the caller's own buffers): the lent list is searched.
 */
static void tx_unswap(struct drv_q *q, struct drv_q *rx, uint32_t from, uint32_t to)
{
	uint32_t j, pos, lent, idx;

	for (j = from; j < to; j++) {
		lent = idx_of(q->chains[j].cookie);
		idx = q->free[(q->fpos - (to - j)) & (q->nbuf - 1)];
		if (lent == idx)
			continue; /* copied into its free buffer */
		for (pos = 0; pos < rx->lent && rx->free[pos] != idx; pos++)
			;
		if (pos == rx->lent)
			continue; /* not among the lent: cannot be */
		rx->free[pos] = lent;
		rx->lentpos[lent] = pos + 1;
	}
}

/* The largest packet transmit queue @p q may send with header @p h (pkt_max). */
static inline uint32_t tx_max(const struct drv_q *q, const struct rte_vmsg_net_hdr *h)
{
	return h->gso_type <= RTE_VMSG_NET_HDR_GSO_TCPV6 ? q->pkt_max[h->gso_type] : 0;
}

RTE_VMSG_API int rte_vmsg_net_drv_tx_burst(struct rte_vmsg_net_drv *nd, uint32_t qp,
					   const struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	struct drv_q *q, *rx;
	uint32_t i, k, idx;
	uintptr_t lo, span;
	int rc;

	if (nd == NULL || qp >= nd->nqp || (pkts == NULL && n != 0))
		return -EINVAL;
	q = &nd->q[2 * qp + 1];
	if (RTE_VMSG_UNLIKELY(q->down))
		return -EIO;
	/* Transmissions the device completed give their buffers back. */
	if (tx_reap(q) < 0)
		return q_broke(q);

	/*
	 * The buffers this burst fills: the device read them last, so they are
	 * not ours yet. A packet in a lent receive buffer is not copied.
	 */
	rx = &nd->q[2 * qp];
	lo = (uintptr_t)q->buf + NET_HDR_LEN;
	span = rx->lentpos != NULL ? (uintptr_t)2u * q->nbuf * q->stride : 0;
	for (k = 0; k < n && k < q->nfree; k++) {
		uint8_t *pb = q->buf + (size_t)q->free[(q->fpos + k) & (q->nbuf - 1)] * q->stride;

		if ((uintptr_t)pkts[k].data - lo >= span)
			net_prefetch(pb, NET_HDR_LEN + (pkts[k].len < q->buf_len ? pkts[k].len : 0),
				     1);
	}
	for (k = 0; k < n && q->nfree > 0; k++) {
		const struct rte_vmsg_net_pkt *p = &pkts[k];
		uintptr_t off = (uintptr_t)p->data - lo;
		uint8_t *b;

		if (p->len > tx_max(q, &p->hdr) || (p->data == NULL && p->len != 0)) {
			if (k == 0)
				return -EMSGSIZE;
			break;
		}
		idx = q->free[q->fpos++ & (q->nbuf - 1)];
		q->nfree--;
		if (off < span && (uint32_t)off % q->stride == 0 &&
		    rx->lentpos[(uint32_t)off / q->stride] != 0) {
			/*
			 * Lent by the receive queue: it goes out as it is, and
			 * the free buffer takes its place among the lent ones
			 * (posted again by rte_vmsg_net_drv_rx_release()).
			 */
			uint32_t lent = (uint32_t)off / q->stride;

			/*
			 * The free buffer stays in its FIFO slot too: a chain
			 * not added gives it back there, and tx_unswap() puts
			 * the lent one back among the lent.
			 */
			rx->free[rx->lentpos[lent] - 1] = idx;
			rx->lentpos[lent] = 0;
			idx = lent;
			b = q->buf + (size_t)idx * q->stride;
			net_hdr_to_wire(&p->hdr, b, 0);
			q->st.zc_packets++;
		} else {
			b = q->buf + (size_t)idx * q->stride;
			net_hdr_to_wire(&p->hdr, b, 0);
			memcpy(b + NET_HDR_LEN, p->data, p->len);
		}
		q->vbufs[k].addr = q->buf_bus + (uint64_t)idx * q->stride;
		q->vbufs[k].len = NET_HDR_LEN + p->len;
		q->vbufs[k].reserved = 0;
		q->chains[k].bufs = &q->vbufs[k];
		q->chains[k].n_out = 1;
		q->chains[k].n_in = 0;
		q->chains[k].flags = 0;
		q->chains[k].cookie = cookie_of(idx);
	}
	if (k == 0) {
		q_event(nd, q, 0, 0);
		return 0;
	}
	rc = rte_vmsg_vq_drv_add_burst(q->vq, q->chains, k);
	/*
	 * Chains not added (an error, or no descriptor: the caller's buffers,
	 * rte_vmsg_net_drv_tx_burst_ext(), may hold some) give their buffers
	 * back: they are the last taken, still in their FIFO slots (nothing
	 * was appended since), so the FIFO rewinds.
	 */
	i = rc < 0 ? k : k - (uint32_t)rc;
	if (RTE_VMSG_UNLIKELY(i != 0 && span != 0))
		tx_unswap(q, rx, k - i, k);
	q->fpos -= i;
	q->nfree += i;
	if (rc < 0)
		return rc == -EIO ? q_broke(q) : rc;
	k = (uint32_t)rc;
	for (i = 0; i < k; i++) {
		q->st.packets++;
		q->st.bytes += pkts[i].len;
	}
	if (q_kick(nd, q) < 0)
		return q_broke(q);
	return (int)k;
}

/* Posts receive buffers @p idx[0 .. n) in one add and one kick. */
static int rx_post(struct rte_vmsg_net_drv *nd, struct drv_q *q, const uint32_t *idx, uint32_t n)
{
	uint32_t i;
	int rc;

	for (i = 0; i < n; i++) {
		q->vbufs[i].addr = q->buf_bus + (uint64_t)idx[i] * q->stride;
		q->vbufs[i].len = q->buf_len;
		q->vbufs[i].reserved = 0;
		q->chains[i].bufs = &q->vbufs[i];
		q->chains[i].n_out = 0;
		q->chains[i].n_in = 1;
		q->chains[i].flags = 0;
		q->chains[i].cookie = cookie_of(idx[i]);
	}
	rc = n != 0 ? rte_vmsg_vq_drv_add_burst(q->vq, q->chains, n) : 0;
	if (rc < 0)
		return rc;
	return q_kick(nd, q);
}

/* Makes at least @p want completions available in q->cpl; returns how many there are. */
static int rx_reap(struct drv_q *q, uint32_t want)
{
	uint32_t have = q->cpl_n - q->cpl_pos;
	int rc;

	if (have >= want)
		return (int)have;
	if (q->cpl_pos != 0) {
		memmove(q->cpl, q->cpl + q->cpl_pos, have * sizeof(q->cpl[0]));
		q->cpl_pos = 0;
		q->cpl_n = have;
	}
	rc = rte_vmsg_vq_drv_reap_burst(q->vq, q->cpl + q->cpl_n, q->nbuf - q->cpl_n);
	if (rc < 0)
		return rc;
	q->cpl_n += (uint32_t)rc;
	return (int)(q->cpl_n - q->cpl_pos);
}

/*
 * The largest packet (header excluded) driver @p nd takes from its device
 * with wire header @p wh: an IP datagram with Ethernet without GSO or with a
 * TCP GSO type of GUEST_TSO4/6; 0 for any other GSO type, which the device
 * may not send (net_gso_max()): such a packet is malformed, counted in
 * errors and its buffers handed back. (Without GSO the buffers bound it: a
 * device may span MRG_RXBUF buffers with a frame above the MTU.)
 */
static inline uint32_t rx_max(const struct rte_vmsg_net_drv *nd,
			      const struct rte_vmsg_virtio_net_hdr *wh)
{
	return net_gso_max(nd->feat, wh->gso_type, RTE_VMSG_NET_F_GUEST_TSO4,
			   RTE_VMSG_NET_F_GUEST_TSO6, NET_MAX_GSO_PKT);
}

/*
 * The receive burst, copying (@p zc false) or lending (true: each packet
 * one buffer, pkts[k].data pointing into it; the buffers stay out of the
 * queue, in free[0 .. lent), until rte_vmsg_net_drv_rx_release()).
 */
static NET_ALWAYS_INLINE int rx_burst(struct rte_vmsg_net_drv *nd, uint32_t qp,
				      struct rte_vmsg_net_pkt *pkts, uint32_t n, bool zc)
{
	struct rte_vmsg_virtio_net_hdr wh;
	struct drv_q *q;
	uint32_t k = 0, nrep = 0, nb, j, total, off;
	uint32_t *rep;
	bool span = false, broke = false;
	int rc;

	if (nd == NULL || qp >= nd->nqp || (pkts == NULL && n != 0))
		return -EINVAL;
	q = &nd->q[2 * qp];
	if (RTE_VMSG_UNLIKELY(q->down))
		return -EIO;
	if (RTE_VMSG_UNLIKELY(q->lending))
		return -EBUSY;
	if (RTE_VMSG_UNLIKELY(q->ext))
		return -ENOTSUP; /* the caller's buffers: rte_vmsg_net_drv_rx_burst_ext() */
	rep = q->free;		 /* receive queues use it as the re-post list */
	/*
	 * Reap up front and start the loads of the buffers the burst will
	 * copy out (the device wrote them: they are in its cache, not ours).
	 */
	rc = rx_reap(q, n);
	for (j = 0; rc > 0 && j < (uint32_t)rc && j < n; j++) {
		const struct rte_vmsg_vq_cpl *e = &q->cpl[q->cpl_pos + j];

		net_prefetch(q->buf + (size_t)idx_of(e->cookie) * q->stride,
			     zc ? NET_HDR_LEN : e->len, 0);
	}
	while (k < n) {
		const struct rte_vmsg_vq_cpl *c;
		uint8_t *b;
		bool bad = false;

		rc = rx_reap(q, 1);
		if (rc < 0) {
			broke = true;
			break;
		}
		if (rc == 0)
			break;
		c = &q->cpl[q->cpl_pos];
		b = q->buf + (size_t)idx_of(c->cookie) * q->stride;
		nb = 1;
		if (c->len < NET_HDR_LEN) {
			bad = true;
		} else {
			memcpy(&wh, b, NET_HDR_LEN);
			/* The copy is the only read: no reload of num_buffers after its check. */
			rte_vmsg__compiler_barrier();
			if (nd->mrg)
				nb = rte_vmsg_le16_to_cpu(wh.num_buffers);
			if (nb == 0 || nb > q->nbuf) {
				nb = 1;
				bad = true;
			}
		}
		if (!bad) {
			rc = rx_reap(q, nb);
			if (rc < 0) {
				broke = true;
				break;
			}
			if ((uint32_t)rc < nb)
				break; /* the rest of the packet is not there yet */
			if (zc && nb > 1) {
				span = true; /* one buffer per packet is lent */
				break;
			}
			total = 0;
			for (j = 0; j < nb; j++)
				total += q->cpl[q->cpl_pos + j].len;
			total -= NET_HDR_LEN;
			if (total > rx_max(nd, &wh)) {
				bad = true;
			} else if (zc) {
				/* c->len <= buf_len: lib/virtq checked it against the chain. */
				pkts[k].data = b + NET_HDR_LEN;
				pkts[k].len = c->len - NET_HDR_LEN;
				pkts[k].cap = q->buf_len - NET_HDR_LEN;
				net_hdr_from_wire(&wh, &pkts[k].hdr);
				pkts[k].hdr.num_buffers = 1;
				q->st.packets++;
				q->st.bytes += pkts[k].len;
				k++;
				if (q->lentpos != NULL)
					q->lentpos[idx_of(c->cookie)] = nrep + 1;
				rep[nrep++] = idx_of(c->cookie);
				q->cpl_pos++;
				continue;
			} else if (total > pkts[k].cap || pkts[k].data == NULL) {
				bad = true;
			} else {
				off = 0;
				for (j = 0; j < nb; j++) {
					const struct rte_vmsg_vq_cpl *e = &q->cpl[q->cpl_pos + j];
					const uint8_t *src =
						q->buf + (size_t)idx_of(e->cookie) * q->stride;
					uint32_t skip = j == 0 ? NET_HDR_LEN : 0;

					memcpy((uint8_t *)pkts[k].data + off, src + skip,
					       e->len - skip);
					off += e->len - skip;
				}
				pkts[k].len = total;
				net_hdr_from_wire(&wh, &pkts[k].hdr);
				if (!nd->mrg)
					pkts[k].hdr.num_buffers = 1;
				q->st.packets++;
				q->st.bytes += total;
				k++;
			}
		}
		if (bad)
			q->st.errors++;
		for (j = 0; j < nb; j++)
			rep[nrep++] = idx_of(q->cpl[q->cpl_pos + j].cookie);
		q->cpl_pos += nb;
	}
	if (broke) {
		(void)q_broke(q);
		if (k == 0)
			return -EIO;
		if (zc) {
			q->lent = nrep;
			q->lending = true;
		}
		return (int)k; /* delivered; the next call says -EIO */
	}
	if (zc && k != 0) {
		/* Malformed packets (counted) go back with the lent buffers. */
		q->lent = nrep;
		q->lending = true;
		return (int)k;
	}
	rc = rx_post(nd, q, rep, nrep);
	if (rc < 0)
		return rc == -EIO ? q_broke(q) : rc;
	if (nrep == 0)
		q_event(nd, q, 0, 0);
	if (zc && span)
		return -EMSGSIZE; /* nothing lent: the first packet spans buffers */
	return (int)k;
}

RTE_VMSG_API int rte_vmsg_net_drv_rx_burst(struct rte_vmsg_net_drv *nd, uint32_t qp,
					   struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	return rx_burst(nd, qp, pkts, n, false);
}

RTE_VMSG_API int rte_vmsg_net_drv_rx_burst_zc(struct rte_vmsg_net_drv *nd, uint32_t qp,
					      struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	return rx_burst(nd, qp, pkts, n, true);
}

RTE_VMSG_API int rte_vmsg_net_drv_rx_release(struct rte_vmsg_net_drv *nd, uint32_t qp)
{
	struct drv_q *q;
	uint32_t n, i;
	int rc;

	if (nd == NULL || qp >= nd->nqp)
		return -EINVAL;
	q = &nd->q[2 * qp];
	if (RTE_VMSG_UNLIKELY(q->down))
		return -EIO;
	if (!q->lending)
		return 0;
	n = q->lent;
	q->lent = 0;
	q->lending = false;
	if (q->lentpos != NULL)
		for (i = 0; i < n; i++)
			q->lentpos[q->free[i]] = 0;
	rc = rx_post(nd, q, q->free, n);
	if (rc < 0)
		return rc == -EIO ? q_broke(q) : rc;
	if (n == 0)
		q_event(nd, q, 0, 0);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The caller's buffers                                                      */

/*
 * The bus address of the caller's [addr, addr + len) when it lies in the
 * part of the DMA area the helper left (rte_vmsg_net_drv_dma_spare()).
 */
static inline int x_bus(const struct rte_vmsg_net_drv *nd, const void *addr, uint32_t len,
			uint64_t *bus)
{
	uintptr_t off = (uintptr_t)addr - (uintptr_t)nd->dma;

	if ((uintptr_t)addr < (uintptr_t)nd->dma || off < nd->xoff || off > nd->dma_size ||
	    len > nd->dma_size - off)
		return -1;
	*bus = nd->dma_bus + off;
	return 0;
}

/* Frees slot @p s of @p q: its buffer is the caller's again. Returns the buffer's cookie. */
static inline void *x_free(struct drv_q *q, uint32_t s)
{
	void *cookie = q->xs[s].cookie;

	q->xs[s].cookie = NULL;
	q->xs[s].used = false;
	q->xfree[q->nxfree++] = s;
	return cookie;
}

/* Hands the caller's buffer in slot @p s of @p q back through ext_release; frees the slot. */
static void x_release(struct drv_q *q, uint32_t s)
{
	struct rte_vmsg_net_drv *nd = q->nd;

	nd->ext_release(nd->ext_arg, q->index / 2, x_free(q, s));
}

/* The caller's buffer of slot @p s in entry @p e; frees the slot. */
static inline void x_give(struct drv_q *q, uint32_t s, struct rte_vmsg_net_xbuf *e, uint32_t len,
			  uint32_t flags)
{
	e->addr = q->xs[s].addr;
	e->len = len;
	e->flags = flags;
	e->cookie = x_free(q, s);
}

/*
 * Gives back the caller's buffers the helper holds outside the ring, for a
 * reset or destroy: reaped receive completions not yet handed out, and
 * completed transmissions not yet collected.
 */
static void x_release_held(struct drv_q *q)
{
	uint32_t i, idx;

	if (q->xs == NULL)
		return;
	for (i = q->cpl_pos; i < q->cpl_n; i++) {
		idx = idx_of(q->cpl[i].cookie);
		if (idx >= NET_XBASE)
			x_release(q, idx - NET_XBASE);
	}
	while (q->nxdone != 0) {
		x_release(q, q->xdone[q->xdpos++ & (q->nbuf - 1)]);
		q->nxdone--;
	}
	q->xdpos = 0;
	q->xdrop = 0;
}

RTE_VMSG_API uint32_t rte_vmsg_net_drv_rx_buf_len(const struct rte_vmsg_net_drv *nd)
{
	return nd != NULL && nd->q != NULL ? nd->q[0].buf_len : 0;
}

RTE_VMSG_API int rte_vmsg_net_drv_dma_spare(const struct rte_vmsg_net_drv *nd, void **addr,
					    uint64_t *bus_addr, uint64_t *len)
{
	if (nd == NULL || addr == NULL || bus_addr == NULL || len == NULL)
		return -EINVAL;
	*addr = nd->dma + nd->xoff;
	*bus_addr = nd->dma_bus + nd->xoff;
	*len = nd->dma_size - nd->xoff;
	return 0;
}

/*
 * Chain i of the caller's buffers about to be added: one buffer at @p bus
 * of @p len, readable (@p out) or writable, in the i-th free slot from the
 * top of the stack (x_add() takes them in that order).
 */
static inline void x_chain(struct drv_q *q, uint32_t i, uint64_t bus, uint32_t len, bool out)
{
	q->vbufs[i].addr = bus;
	q->vbufs[i].len = len;
	q->vbufs[i].reserved = 0;
	q->chains[i].bufs = &q->vbufs[i];
	q->chains[i].n_out = out ? 1 : 0;
	q->chains[i].n_in = out ? 0 : 1;
	q->chains[i].flags = 0;
	q->chains[i].cookie = cookie_of(NET_XBASE + q->xfree[q->nxfree - 1 - i]);
}

/*
 * Adds the @p k chains x_chain() made for @p bufs (one add, one kick): the
 * slots of those added hold their buffers. Returns how many were added, or
 * the add's error.
 */
static int x_add(struct rte_vmsg_net_drv *nd, struct drv_q *q, const struct rte_vmsg_net_xbuf *bufs,
		 uint32_t k)
{
	uint32_t i, s;
	int rc;

	if (k == 0) {
		q_event(nd, q, 0, 0);
		return 0;
	}
	rc = rte_vmsg_vq_drv_add_burst(q->vq, q->chains, k);
	if (rc < 0)
		return rc == -EIO ? q_broke(q) : rc;
	for (i = 0; i < (uint32_t)rc; i++) {
		s = q->xfree[--q->nxfree];
		q->xs[s].addr = bufs[i].addr;
		q->xs[s].cookie = bufs[i].cookie;
		q->xs[s].used = true;
	}
	/* Added: the caller's buffers are the queue's now, whatever the kick does. */
	if (q_kick(nd, q) < 0)
		(void)q_broke(q);
	return rc;
}

/* The receive queue of pair @p qp for the _ext calls on @p arr[0 .. n): 0, or their error. */
static inline int x_rxq(struct rte_vmsg_net_drv *nd, uint32_t qp, const void *arr, uint32_t n,
			struct drv_q **out)
{
	struct drv_q *q;

	if (nd == NULL || qp >= nd->nqp || (arr == NULL && n != 0))
		return -EINVAL;
	q = &nd->q[2 * qp];
	if (!q->ext)
		return -ENOTSUP;
	if (RTE_VMSG_UNLIKELY(q->down))
		return -EIO;
	*out = q;
	return 0;
}

RTE_VMSG_API int rte_vmsg_net_drv_rx_post_ext(struct rte_vmsg_net_drv *nd, uint32_t qp,
					      const struct rte_vmsg_net_xbuf *bufs, uint32_t n)
{
	struct drv_q *q;
	uint32_t i, k;
	uint64_t bus;
	int rc = x_rxq(nd, qp, bufs, n, &q);

	if (rc != 0)
		return rc;
	k = n < q->nxfree ? n : q->nxfree;
	for (i = 0; i < k; i++) {
		if (bufs[i].len < q->buf_len || x_bus(nd, bufs[i].addr, bufs[i].len, &bus) != 0)
			return -EINVAL;
		x_chain(q, i, bus, bufs[i].len, false);
	}
	return x_add(nd, q, bufs, k);
}

RTE_VMSG_API int rte_vmsg_net_drv_rx_burst_ext(struct rte_vmsg_net_drv *nd, uint32_t qp,
					       struct rte_vmsg_net_xbuf *out, uint32_t n)
{
	struct rte_vmsg_virtio_net_hdr wh;
	struct drv_q *q;
	uint32_t k = 0, nb, j, s, lim;
	uint64_t total; /* up to nbuf buffers of the caller's sizes */
	bool broke = false;
	int rc = x_rxq(nd, qp, out, n, &q);

	if (rc != 0)
		return rc;
	/*
	 * Reap up front and fetch the lines the device wrote that a caller
	 * forwarding the buffer as it is writes too, owned: the header's
	 * (written again in front for transmission) and the Ethernet header's
	 * (a MAC swap). Fetched shared, each would take a second trip across
	 * the cores for that write. Only those: the rest of a large packet
	 * stays in the device's cache, where it reads it back when the
	 * buffer is sent.
	 */
	rc = rx_reap(q, n);
	for (j = 0; rc > 0 && j < (uint32_t)rc && j < n; j++) {
		const uint8_t *a = q->xs[idx_of(q->cpl[q->cpl_pos + j].cookie) - NET_XBASE].addr;

		rte_vmsg__prefetch_w(a);
		rte_vmsg__prefetch_w(a + NET_HDR_LEN + 13u); /* the Ethernet header's last byte */
	}
	while (k < n) {
		const struct rte_vmsg_vq_cpl *c;

		rc = rx_reap(q, 1);
		if (rc <= 0) {
			broke = rc < 0;
			break;
		}
		c = &q->cpl[q->cpl_pos];
		s = idx_of(c->cookie) - NET_XBASE;
		if (q->xdrop != 0) {
			/* The rest of a packet dropped in an earlier call. */
			x_give(q, s, &out[k++], 0, RTE_VMSG_NET_XBUF_F_DROP);
			q->cpl_pos++;
			q->xdrop--;
			continue;
		}
		nb = 1;
		if (c->len >= NET_HDR_LEN) {
			/* Read once, into the private copy (the barrier: no reload). */
			memcpy(&wh, q->xs[s].addr, NET_HDR_LEN);
			rte_vmsg__compiler_barrier();
			if (nd->mrg)
				nb = rte_vmsg_le16_to_cpu(wh.num_buffers);
		}
		if (c->len < NET_HDR_LEN || nb == 0 || nb > q->nbuf) {
			q->st.errors++;
			x_give(q, s, &out[k++], 0, RTE_VMSG_NET_XBUF_F_DROP);
			q->cpl_pos++;
			continue;
		}
		rc = rx_reap(q, nb);
		if (rc < 0) {
			broke = true;
			break;
		}
		if ((uint32_t)rc < nb)
			break; /* the rest of the packet is not there yet */
		total = 0;
		for (j = 0; j < nb; j++)
			total += q->cpl[q->cpl_pos + j].len; /* each within its buffer */
		total -= NET_HDR_LEN;
		lim = rx_max(nd, &wh);
		if (nb > n - k || total > lim) {
			if (k != 0 && total <= lim)
				break; /* whole, in the next call */
			/* More buffers than the caller takes at once, or malformed: dropped. */
			q->st.errors++;
			q->xdrop = nb;
			continue;
		}
		for (j = 0; j < nb; j++) {
			const struct rte_vmsg_vq_cpl *e = &q->cpl[q->cpl_pos + j];
			uint32_t skip = j == 0 ? NET_HDR_LEN : 0;

			x_give(q, idx_of(e->cookie) - NET_XBASE, &out[k + j], e->len - skip,
			       j + 1 < nb ? RTE_VMSG_NET_XBUF_F_MORE : 0);
		}
		net_hdr_from_wire(&wh, &out[k].hdr);
		if (!nd->mrg)
			out[k].hdr.num_buffers = 1;
		q->st.packets++;
		q->st.bytes += total;
		q->cpl_pos += nb;
		k += nb;
	}
	if (broke) {
		(void)q_broke(q);
		/* The entries filled are the caller's buffers: hand them out; the next call says -EIO. */
		return k != 0 ? (int)k : -EIO;
	}
	return (int)k;
}

RTE_VMSG_API int rte_vmsg_net_drv_tx_burst_ext(struct rte_vmsg_net_drv *nd, uint32_t qp,
					       const struct rte_vmsg_net_xbuf *pkts, uint32_t n)
{
	struct drv_q *q;
	uint32_t i, k;
	uint64_t bus;
	int rc;

	if (nd == NULL || qp >= nd->nqp || (pkts == NULL && n != 0))
		return -EINVAL;
	q = &nd->q[2 * qp + 1];
	if (q->xs == NULL)
		return -ENOTSUP;
	if (RTE_VMSG_UNLIKELY(q->down))
		return -EIO;
	/*
	 * No reap: a slot comes back only when rte_vmsg_net_drv_tx_done_ext()
	 * hands its cookie over, and that call reaps (a caller collects once
	 * per burst: one read of the used index, not two).
	 */
	for (k = 0; k < n && k < q->nxfree; k++) {
		const struct rte_vmsg_net_xbuf *p = &pkts[k];

		if (p->len < NET_HDR_LEN || x_bus(nd, p->addr, p->len, &bus) != 0) {
			if (k == 0)
				return -EINVAL;
			break;
		}
		if (p->len - NET_HDR_LEN > tx_max(q, &p->hdr)) {
			if (k == 0)
				return -EMSGSIZE;
			break;
		}
		net_hdr_to_wire(&p->hdr, p->addr, 0);
		x_chain(q, k, bus, p->len, true);
	}
	rc = x_add(nd, q, pkts, k);
	for (i = 0; rc > 0 && i < (uint32_t)rc; i++) {
		q->st.packets++;
		q->st.bytes += pkts[i].len - NET_HDR_LEN;
	}
	if (rc > 0)
		q->st.zc_packets += (uint32_t)rc;
	return rc;
}

RTE_VMSG_API int rte_vmsg_net_drv_tx_done_ext(struct rte_vmsg_net_drv *nd, uint32_t qp,
					      void **cookies, uint32_t n)
{
	struct drv_q *q;
	uint32_t k, s;

	if (nd == NULL || qp >= nd->nqp || (cookies == NULL && n != 0))
		return -EINVAL;
	q = &nd->q[2 * qp + 1];
	if (q->xs == NULL)
		return 0; /* nothing of the caller's was ever sent */
	if (RTE_VMSG_UNLIKELY(q->down))
		return -EIO;
	if (q->nxdone < n && tx_reap(q) < 0)
		return q_broke(q);
	for (k = 0; k < n && q->nxdone != 0; k++) {
		s = q->xdone[q->xdpos++ & (q->nbuf - 1)];
		q->nxdone--;
		cookies[k] = x_free(q, s);
	}
	return (int)k;
}

/* ------------------------------------------------------------------------ */
/* Events                                                                    */

static void on_config(void *arg, struct rte_vmsg_drv *drv, const struct rte_vmsg_config *ev)
{
	struct rte_vmsg_net_drv *nd = arg;

	(void)drv;
	nd->ds.config_events++;
	if ((ev->device_status & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0)
		nd->ds.needs_reset++;
}

static void on_used(void *arg, struct rte_vmsg_drv *drv, uint32_t vq_index)
{
	struct rte_vmsg_net_drv *nd = arg;

	(void)drv;
	nd->ds.used_events++;
	if (vq_index < 2 * nd->nqp)
		nd->q[vq_index].used_ev++;
}

RTE_VMSG_API int rte_vmsg_net_drv_service(struct rte_vmsg_net_drv *nd)
{
	uint32_t i;
	int sent = 0, rc;

	if (nd == NULL)
		return -EINVAL;
	if (!nd->defer || nd->notify != RTE_VMSG_NET_NOTIFY_EVENT || nd->q == NULL)
		return 0;
	for (i = 0; i < 2 * nd->nqp; i++) {
		struct drv_q *q = &nd->q[i];
		/* A_E: pairs with R_E in q_event(); a newer position read with it only repeats the event. */
		uint64_t want = __atomic_load_n(&q->ev_req, __ATOMIC_ACQUIRE);

		if (want == q->ev_done)
			continue;
		rc = rte_vmsg_drv_event_avail(nd->drv, q->index, rte_vmsg__read_once(&q->ev_next));
		if (rc == -EAGAIN)
			break; /* the bus is full: the next call */
		q->ev_done = want;
		if (rc == 0) {
			rte_vmsg__write_once(&q->ev_sent, q->ev_sent + 1);
			sent++;
		}
	}
	return sent;
}

RTE_VMSG_API int rte_vmsg_net_drv_event(struct rte_vmsg_net_drv *nd, const void *frame, size_t len)
{
	if (nd == NULL)
		return -EINVAL;
	return rte_vmsg_drv_event(nd->drv, frame, len);
}

/* ------------------------------------------------------------------------ */
/* Bring-up                                                                  */

static void q_free(struct drv_q *q)
{
	rte_vmsg_vq_drv_destroy(q->vq);
	free(q->free);
	free(q->cpl);
	free(q->chains);
	free(q->vbufs);
	free(q->lentpos);
	free(q->xs);
	free(q->xfree);
	free(q->xdone);
}

/* Creates the driver half of a queue in the DMA area. */
static int vq_new(struct rte_vmsg_net_drv *nd, uint32_t size, struct rte_vmsg_vq_drv **out)
{
	struct rte_vmsg_vq_drv_opts o;
	struct rte_vmsg_vq_layout lay;
	int rc;

	/* The negotiated features choose the layout (split or packed). */
	rc = rte_vmsg_vq_layout_features_get(size, 0, nd->feat, &lay);
	if (rc != 0)
		return rc;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.size = size;
	o.features = nd->feat;
	o.policy = nd->notify == RTE_VMSG_NET_NOTIFY_POLL ? RTE_VMSG_VQ_POLICY_POLL
							  : RTE_VMSG_VQ_POLICY_EVENT;
	o.mem = dma_alloc(nd, lay.bytes, &o.bus_addr);
	o.mem_len = lay.bytes;
	if (o.mem == NULL)
		return -ENOMEM;
	return rte_vmsg_vq_drv_create(&o, out);
}

/* Programs and enables queue @p index on the device (SET_VQUEUE with read-back). */
static int vq_program(struct rte_vmsg_net_drv *nd, uint32_t index, uint32_t size,
		      const struct rte_vmsg_vq_drv *vq)
{
	uint64_t d, a, u;

	rte_vmsg_vq_drv_addrs(vq, &d, &a, &u);
	return rte_vmsg_drv_vq_setup(nd->drv, index, size, d, a, u);
}

static int q_new(struct rte_vmsg_net_drv *nd, struct drv_q *q, uint32_t index, uint32_t buf_len)
{
	q->index = index;
	q->nbuf = nd->qsize;
	q->buf_len = buf_len;
	q->stride = buf_len;
	q->free = calloc(q->nbuf, sizeof(*q->free));
	q->cpl = calloc(q->nbuf, sizeof(*q->cpl));
	q->chains = calloc(q->nbuf, sizeof(*q->chains));
	q->vbufs = calloc(q->nbuf, sizeof(*q->vbufs));
	if (q->free == NULL || q->cpl == NULL || q->chains == NULL || q->vbufs == NULL)
		return -ENOMEM;
	q->nd = nd;
	q->ext = index % 2 == 0 && nd->ext_rx;
	/* Slots for the caller's buffers: receive with EXT_RX, transmit whenever they may come. */
	if (nd->ext_release != NULL && (index % 2 == 1 || q->ext)) {
		uint32_t j;

		q->xs = calloc(q->nbuf, sizeof(*q->xs));
		q->xfree = calloc(q->nbuf, sizeof(*q->xfree));
		q->xdone = calloc(q->nbuf, sizeof(*q->xdone));
		if (q->xs == NULL || q->xfree == NULL || q->xdone == NULL)
			return -ENOMEM;
		for (j = 0; j < q->nbuf; j++)
			q->xfree[j] = q->nbuf - 1 - j;
		q->nxfree = q->nbuf;
	}
	return vq_new(nd, nd->qsize, &q->vq);
}

/*
 * The buffers of a pair. When its receive and transmit buffers are of one
 * size, or both small (no TSO), they form one pool of 2 nbuf buffers of the
 * larger size, receive first: a buffer the receive queue lent can then go
 * out on the transmit queue as it is, a free transmit buffer taking its
 * place (rte_vmsg_net_drv_tx_burst()). Otherwise, or when the DMA area has
 * no room for that, each queue has its own.
 */
static int pair_bufs(struct rte_vmsg_net_drv *nd, struct drv_q *rx, struct drv_q *tx)
{
	uint32_t stride = rx->buf_len > tx->buf_len ? rx->buf_len : tx->buf_len;

	if (rx->ext) {
		/* The caller's receive buffers: the transmit queue's own alone. */
		tx->buf = dma_alloc(nd, (uint64_t)tx->nbuf * tx->buf_len, &tx->buf_bus);
		return tx->buf != NULL ? 0 : -ENOMEM;
	}
	if (rx->buf_len == tx->buf_len || stride <= NET_POOL_SHARED_MAX) {
		rx->buf = dma_alloc(nd, 2ull * rx->nbuf * stride, &rx->buf_bus);
		rx->lentpos = rx->buf != NULL ? calloc(2u * rx->nbuf, sizeof(*rx->lentpos)) : NULL;
		if (rx->lentpos != NULL) {
			rx->stride = tx->stride = stride;
			tx->buf = rx->buf;
			tx->buf_bus = rx->buf_bus;
			tx->first = tx->nbuf;
			return 0;
		}
		if (rx->buf != NULL) {
			/* calloc failed: give the area back (it was the last carved). */
			nd->dma_off = rx->buf_bus - nd->dma_bus;
			return -ENOMEM;
		}
		RTE_VMSG_LOG(INFO,
			     "queue %u: no room for a shared buffer pool in the DMA area; "
			     "transmissions copy every packet",
			     tx->index);
	}
	rx->buf = dma_alloc(nd, (uint64_t)rx->nbuf * rx->buf_len, &rx->buf_bus);
	tx->buf = dma_alloc(nd, (uint64_t)tx->nbuf * tx->buf_len, &tx->buf_bus);
	return rx->buf != NULL && tx->buf != NULL ? 0 : -ENOMEM;
}

/* Runs one control command and waits for its ack (virtio 1.x 5.1.6.5). */
static int ctrl_cmd(struct rte_vmsg_net_drv *nd, uint8_t cls, uint8_t cmd, const void *data,
		    uint32_t len)
{
	struct rte_vmsg_vq_buf b[2];
	struct rte_vmsg_vq_chain c;
	struct rte_vmsg_vq_cpl cpl;
	uint64_t deadline;
	uint32_t next = 0;
	int rc;

	if (len > CTRL_BUF - 3)
		return -EINVAL;
	nd->ctrl_buf[0] = cls;
	nd->ctrl_buf[1] = cmd;
	memcpy(nd->ctrl_buf + 2, data, len);
	nd->ctrl_buf[CTRL_BUF - 1] = 0xFF;
	b[0].addr = nd->ctrl_bus;
	b[0].len = 2 + len;
	b[0].reserved = 0;
	b[1].addr = nd->ctrl_bus + CTRL_BUF - 1;
	b[1].len = 1;
	b[1].reserved = 0;
	memset(&c, 0, sizeof(c));
	c.bufs = b;
	c.n_out = 1;
	c.n_in = 1;
	rc = rte_vmsg_vq_drv_add_burst(nd->ctrl, &c, 1);
	if (rc != 1)
		return rc < 0 ? rc : -EBUSY;
	rc = rte_vmsg_vq_drv_kick(nd->ctrl, &next);
	if (rc < 0)
		return rc;
	if (rc > 0 && nd->notify == RTE_VMSG_NET_NOTIFY_EVENT)
		rte_vmsg_drv_event_avail(nd->drv, nd->ctrl_index, next);
	deadline = rte_vmsg_time_ns() + nd->timeout_ns;
	for (;;) {
		rc = rte_vmsg_vq_drv_reap_burst(nd->ctrl, &cpl, 1);
		if (rc < 0)
			return rc;
		if (rc == 1)
			break;
		if (rte_vmsg_time_ns() > deadline)
			return -ETIMEDOUT;
		if (nd->cancel != NULL && nd->cancel(nd->cancel_arg) != 0)
			return -ECANCELED; /* the command's effect unknown: the caller resets */
		rte_vmsg_bus_poll(nd->bus);
		if (nd->poll_peer != NULL)
			nd->poll_peer(nd->poll_peer_arg);
	}
	return cpl.len == 1 && nd->ctrl_buf[CTRL_BUF - 1] == NET_CTRL_OK ? 0 : -EIO;
}

static int drv_start(struct rte_vmsg_net_drv *nd);

/* virtio 1.x 5.1.3.1: MQ requires CTRL_VQ (the pair count goes through the control queue). */
static inline bool mq_has_ctrl(uint64_t feat)
{
	return (feat & F(RTE_VMSG_NET_F_MQ)) == 0 || (feat & F(RTE_VMSG_NET_F_CTRL_VQ)) != 0;
}

static int drv_bringup(struct rte_vmsg_net_drv *nd, const struct rte_vmsg_net_drv_opts *o)
{
	struct rte_vmsg_dev_info info;
	struct rte_vmsg_vqueue vqi;
	uint32_t wanted[2], got[2], i, j, maxqp, rxlen, txlen, csize, room;
	uint64_t want = o->features != 0 ? o->features : DRV_DEFAULT;
	int rc;

	wanted[0] = (uint32_t)want;
	wanted[1] = (uint32_t)(want >> 32);
	rc = rte_vmsg_drv_init(nd->drv, wanted, 2, got);
	if (rc != 0)
		return rc;
	nd->want = want;
	nd->feat = (uint64_t)got[0] | ((uint64_t)got[1] << 32);
	if ((nd->feat & F(RTE_VMSG_VIRTIO_F_VERSION_1)) == 0)
		return -ENOTSUP;
	if (!mq_has_ctrl(nd->feat)) {
		/* A device that offered MQ without CTRL_VQ: no way to set the pairs. */
		RTE_VMSG_LOG(ERR, "driver: device %u offers MQ without CTRL_VQ: refused",
			     o->dev_num);
		return -EPROTO;
	}
	rc = rte_vmsg_drv_get_info(nd->drv, &info);
	if (rc != 0)
		return rc;
	if (info.device_id != 1 || info.config_size < sizeof(nd->cfg))
		return -EINVAL;
	rc = rte_vmsg_drv_get_config(nd->drv, 0, sizeof(nd->cfg), &nd->cfg, NULL);
	if (rc != 0)
		return rc;
	nd->mrg = (nd->feat & F(RTE_VMSG_NET_F_MRG_RXBUF)) != 0;
	nd->mtu =
		(nd->feat & F(RTE_VMSG_NET_F_MTU)) != 0 ? rte_vmsg_le16_to_cpu(nd->cfg.mtu) : 1500u;
	if (nd->mtu < 68)
		return -EPROTO;
	maxqp = (nd->feat & F(RTE_VMSG_NET_F_MQ)) != 0
			? rte_vmsg_le16_to_cpu(nd->cfg.max_virtqueue_pairs)
			: 1u;
	if (maxqp == 0 || maxqp > RTE_VMSG_NET_MAX_QP)
		return -EPROTO;
	nd->nqp = o->queue_pairs != 0 ? o->queue_pairs : maxqp;
	if (nd->nqp > maxqp) {
		RTE_VMSG_LOG(ERR, "driver: device %u has %u queue pair%s, %u asked", o->dev_num,
			     maxqp, maxqp == 1 ? "" : "s", nd->nqp);
		return -EINVAL;
	}
	nd->ctrl_index = 2 * maxqp;
	rc = rte_vmsg_drv_get_vqueue(nd->drv, 0, &vqi);
	if (rc != 0)
		return rc;
	nd->qsize = o->queue_size != 0 ? o->queue_size : (vqi.max_size < 256 ? vqi.max_size : 256);
	if (nd->qsize == 0 || (nd->qsize & (nd->qsize - 1)) != 0 || nd->qsize > vqi.max_size) {
		RTE_VMSG_LOG(ERR,
			     "driver: device %u: queue size %u (it takes a power of two, up to %u)",
			     o->dev_num, nd->qsize, vqi.max_size);
		return -EINVAL;
	}

	/* Buffers: 2 KiB merged, else a whole frame (virtio 1.x 5.1.6.3.1). */
	txlen = NET_HDR_LEN + nd->mtu + NET_ETH_OVERHEAD;
	if ((nd->feat & (F(RTE_VMSG_NET_F_HOST_TSO4) | F(RTE_VMSG_NET_F_HOST_TSO6))) != 0)
		txlen = NET_HDR_LEN + NET_MAX_GSO_PKT;
	rxlen = NET_HDR_LEN + nd->mtu + NET_ETH_OVERHEAD;
	if (!nd->mrg &&
	    (nd->feat & (F(RTE_VMSG_NET_F_GUEST_TSO4) | F(RTE_VMSG_NET_F_GUEST_TSO6))) != 0)
		rxlen = NET_HDR_LEN + NET_MAX_GSO_PKT;
	if (nd->mrg)
		rxlen = MRG_BUF_LEN;
	nd->q = calloc(2 * nd->nqp, sizeof(*nd->q));
	if (nd->q == NULL)
		return -ENOMEM;
	for (i = 0; i < 2 * nd->nqp; i++) {
		rc = q_new(nd, &nd->q[i], i, i % 2 == 0 ? net_align64(rxlen) : net_align64(txlen));
		if (rc != 0)
			return rc;
		room = nd->q[i].buf_len - NET_HDR_LEN;
		for (j = 0; j < sizeof(nd->q[i].pkt_max) / sizeof(nd->q[i].pkt_max[0]); j++) {
			uint32_t m =
				net_gso_max(nd->feat, (uint8_t)j, RTE_VMSG_NET_F_HOST_TSO4,
					    RTE_VMSG_NET_F_HOST_TSO6, nd->mtu + NET_ETH_OVERHEAD);

			nd->q[i].pkt_max[j] = m < room ? m : room;
		}
	}
	for (i = 0; i < nd->nqp; i++) {
		rc = pair_bufs(nd, &nd->q[2 * i], &nd->q[2 * i + 1]);
		if (rc != 0)
			return rc;
	}
	if ((nd->feat & F(RTE_VMSG_NET_F_CTRL_VQ)) != 0) {
		rc = rte_vmsg_drv_get_vqueue(nd->drv, nd->ctrl_index, &vqi);
		if (rc != 0)
			return rc;
		csize = vqi.max_size < CTRL_QSIZE ? vqi.max_size : CTRL_QSIZE;
		while ((csize & (csize - 1)) != 0)
			csize &= csize - 1;
		if (csize == 0)
			return -EPROTO;
		nd->csize = csize;
		nd->ctrl_buf = dma_alloc(nd, CTRL_BUF, &nd->ctrl_bus);
		if (nd->ctrl_buf == NULL)
			return -ENOMEM;
		rc = vq_new(nd, csize, &nd->ctrl);
		if (rc != 0)
			return rc;
	}
	return drv_start(nd);
}

/* Transmit queue: every buffer free, in descriptor order. */
static void tx_free_all(struct drv_q *q)
{
	uint32_t j;

	for (j = 0; j < q->nbuf; j++)
		q->free[j] = q->first + j;
	q->fpos = 0;
	q->nfree = q->nbuf;
}

/* Receive queue: posts every buffer (one add, one kick). */
static int rx_fill(struct rte_vmsg_net_drv *nd, struct drv_q *q)
{
	uint32_t j;

	if (q->ext)
		return 0; /* the caller posts its own (rte_vmsg_net_drv_rx_post_ext()) */
	for (j = 0; j < q->nbuf; j++)
		q->free[j] = j;
	return rx_post(nd, q, q->free, q->nbuf);
}

/* Programs every queue, sets DRIVER_OK and the pair count, fills the receive queues. */
static int drv_start(struct rte_vmsg_net_drv *nd)
{
	uint8_t pairs[2];
	uint32_t i;
	int rc;

	for (i = 0; i < 2 * nd->nqp; i++) {
		struct drv_q *q = &nd->q[i];

		rc = vq_program(nd, i, nd->qsize, q->vq);
		if (rc != 0)
			return rc;
		if (i % 2 == 1)
			tx_free_all(q);
	}
	if (nd->ctrl != NULL) {
		rc = vq_program(nd, nd->ctrl_index, nd->csize, nd->ctrl);
		if (rc != 0)
			return rc;
	}
	rc = rte_vmsg_drv_driver_ok(nd->drv);
	if (rc != 0)
		return rc;
	/* virtio 1.x 5.1.6.5.5: the pairs to use, after DRIVER_OK. */
	if ((nd->feat & F(RTE_VMSG_NET_F_MQ)) != 0) {
		rte_vmsg_put_le16(pairs, (uint16_t)nd->nqp);
		rc = ctrl_cmd(nd, NET_CTRL_MQ, NET_CTRL_MQ_VQ_PAIRS_SET, pairs, 2);
		if (rc != 0)
			return rc;
	}
	/* Fill every receive queue. */
	for (i = 0; i < nd->nqp; i++) {
		rc = rx_fill(nd, &nd->q[2 * i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

RTE_VMSG_API uint64_t rte_vmsg_net_drv_default_features(void)
{
	return DRV_DEFAULT;
}

RTE_VMSG_API int rte_vmsg_net_drv_create(const struct rte_vmsg_net_drv_opts *opts,
					 struct rte_vmsg_net_drv **out)
{
	struct rte_vmsg_net_drv_opts o;
	struct rte_vmsg_drv_opts dopts;
	struct rte_vmsg_net_drv *nd;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0)
		return -EINVAL;
	if (o.bus == NULL || o.dma_addr == NULL || o.dma_size == 0 ||
	    ((uintptr_t)o.dma_addr & 63u) != 0 || (o.dma_bus_addr & 63u) != 0 ||
	    (o.flags & ~(RTE_VMSG_NET_DRV_F_BUS_EVENTS | RTE_VMSG_NET_DRV_F_DEFER_EVENTS |
			 RTE_VMSG_NET_DRV_F_EXT_RX)) != 0 ||
	    ((o.flags & RTE_VMSG_NET_DRV_F_EXT_RX) != 0 && o.ext_release == NULL) ||
	    o.notify > RTE_VMSG_NET_NOTIFY_EVENT || (o.features & ~DRV_FEATURES) != 0 ||
	    !mq_has_ctrl(o.features) || o.queue_pairs > RTE_VMSG_NET_MAX_QP ||
	    o.queue_size > RTE_VMSG_VQ_MAX_SIZE)
		return -EINVAL;
	nd = calloc(1, sizeof(*nd));
	if (nd == NULL)
		return -ENOMEM;
	nd->bus = o.bus;
	nd->notify = o.notify;
	nd->defer = (o.flags & RTE_VMSG_NET_DRV_F_DEFER_EVENTS) != 0;
	nd->dma = o.dma_addr;
	nd->dma_bus = o.dma_bus_addr;
	nd->dma_size = o.dma_size;
	nd->timeout_ns = o.timeout_ns != 0 ? o.timeout_ns : 2000000000ull;
	nd->poll_peer = o.poll_peer;
	nd->poll_peer_arg = o.poll_peer_arg;
	nd->cancel = o.cancel;
	nd->cancel_arg = o.cancel_arg;
	nd->ext_release = o.ext_release;
	nd->ext_arg = o.ext_release_arg;
	nd->ext_rx = (o.flags & RTE_VMSG_NET_DRV_F_EXT_RX) != 0;
	memset(&dopts, 0, sizeof(dopts));
	dopts.sz = sizeof(dopts);
	dopts.flags =
		(o.flags & RTE_VMSG_NET_DRV_F_BUS_EVENTS) != 0 ? RTE_VMSG_DRV_F_BUS_EVENTS : 0;
	dopts.timeout_ns = o.timeout_ns;
	dopts.poll_peer = o.poll_peer;
	dopts.poll_peer_arg = o.poll_peer_arg;
	dopts.cancel = o.cancel;
	dopts.cancel_arg = o.cancel_arg;
	rc = rte_vmsg_drv_open(o.bus, o.dev_num, &dopts, &nd->drv);
	if (rc != 0) {
		free(nd);
		return rc;
	}
	rte_vmsg_drv_set_config_cb(nd->drv, on_config, nd);
	rte_vmsg_drv_set_used_cb(nd->drv, on_used, nd);
	rc = drv_bringup(nd, &o);
	if (rc != 0) {
		if (rc != -ECANCELED) /* the caller's cancel: nothing went wrong */
			RTE_VMSG_LOG(ERR, "device %u: bring-up failed (%d)", o.dev_num, rc);
		rte_vmsg_net_drv_destroy(nd);
		return rc;
	}
	nd->xoff = (nd->dma_off + 63u) & ~(uint64_t)63u;
	if (nd->xoff > nd->dma_size)
		nd->xoff = nd->dma_size;
	*out = nd;
	return 0;
}

/*
 * A chain outstanding when its queue was reset: a transmission counts as
 * lost, and a buffer of the caller's goes back to it.
 */
static void q_lost(void *arg, void *cookie)
{
	struct drv_q *q = arg;
	uint32_t idx = idx_of(cookie);

	if (idx >= NET_XBASE)
		x_release(q, idx - NET_XBASE);
	if (q->index % 2 == 1)
		q->st.drops++;
}

/*
 * Reaps the transmissions the device completed: they were delivered, so
 * that only those still in flight count as lost when the queue is reset
 * (a broken queue reaps nothing: its chains all count). The buffers are
 * not put back: tx_free_all() rebuilds the list after the reset.
 */
static void tx_reap_done(struct drv_q *q)
{
	(void)tx_reap(q);
}

/* Re-initialises the driver half of @p q (the device has stopped using it) and its state. */
static void q_reset(struct drv_q *q)
{
	rte_vmsg_vq_drv_reset(q->vq, q_lost, q);
	x_release_held(q);
	q->broken_seen = false;
	q->kick_pending = false;
	q->ev_done = rte_vmsg__read_once(&q->ev_req); /* asked for before: nothing to tell now */
	q->down = false;
	q->cpl_pos = 0;
	q->cpl_n = 0;
	q->lent = 0;
	q->lending = false; /* the lent buffers are posted again with the others */
	if (q->lentpos != NULL)
		memset(q->lentpos, 0, 2u * q->nbuf * sizeof(*q->lentpos));
	q->fpos = 0;
	q->nfree = 0; /* transmit buffers come back with tx_free_all(), once programmed */
}

RTE_VMSG_API int rte_vmsg_net_drv_reset(struct rte_vmsg_net_drv *nd)
{
	uint32_t wanted[2], got[2], i;
	int rc;

	if (nd == NULL || nd->q == NULL)
		return -EINVAL;
	/* §5 again: reset (with its bounded wait), features, queues, DRIVER_OK. */
	wanted[0] = (uint32_t)nd->want;
	wanted[1] = (uint32_t)(nd->want >> 32);
	rc = rte_vmsg_drv_init(nd->drv, wanted, 2, got);
	/* Completed transmissions were delivered: reaped once the device has stopped. */
	for (i = 1; i < 2 * nd->nqp; i += 2)
		tx_reap_done(&nd->q[i]);
	/* The queues and buffers were sized for the first set: it must not change. */
	if (rc == 0 && ((uint64_t)got[0] | ((uint64_t)got[1] << 32)) != nd->feat)
		rc = -EPROTO;
	if (rc != 0) {
		/*
		 * The device was reset, or is in an unknown state: no burst
		 * queues for it any more (-EIO) until a reset succeeds.
		 */
		for (i = 0; i < 2 * nd->nqp; i++)
			nd->q[i].down = true;
		return rc;
	}
	for (i = 0; i < 2 * nd->nqp; i++)
		q_reset(&nd->q[i]);
	if (nd->ctrl != NULL)
		rte_vmsg_vq_drv_reset(nd->ctrl, NULL, NULL);
	return drv_start(nd);
}

RTE_VMSG_API int rte_vmsg_net_drv_queue_reset(struct rte_vmsg_net_drv *nd, uint32_t qp)
{
	struct drv_q *rx, *tx;
	int rc;

	if (nd == NULL || nd->q == NULL || qp >= nd->nqp)
		return -EINVAL;
	/* virtio-msg §4.9, DRV-25: RESET_VQUEUE only with VIRTIO_F_RING_RESET negotiated. */
	if ((nd->feat & F(RTE_VMSG_VIRTIO_F_RING_RESET)) == 0)
		return -ENOTSUP;
	rx = &nd->q[2 * qp];
	tx = &nd->q[2 * qp + 1];
	/*
	 * From the first RESET_VQUEUE on, the pair's queues may be disabled on
	 * the device: no buffers for them (DRV-23) until they are programmed
	 * again. A failure at any step leaves the pair down (its bursts return
	 * -EIO); the call may be repeated (RESET_VQUEUE of a disabled queue
	 * changes nothing), or the device reset.
	 */
	rx->down = true;
	tx->down = true;
	/*
	 * Transmit queue first, so that the device takes no more packets from
	 * the pair while its receive queue is being reset. Each request
	 * completes when the device has answered, i.e. once it has stopped
	 * the queue (§4.9; §6: wait for the RESET_VQUEUE response before
	 * re-programming, DRV-25).
	 */
	rc = rte_vmsg_drv_reset_vqueue(nd->drv, tx->index);
	if (rc != 0)
		return rc;
	rc = rte_vmsg_drv_reset_vqueue(nd->drv, rx->index);
	if (rc != 0)
		return rc;
	/*
	 * The device has stopped the queue: its used ring now holds all it
	 * will ever complete there. Its last used-idx store (R_U) came before
	 * its response, which the bus hands over with release/acquire, so the
	 * reap (A_U, pairs with R_U in rte_vmsg_vq_dev_push_burst()) sees it;
	 * what is still outstanding after this reap was not delivered.
	 */
	tx_reap_done(tx);
	q_reset(tx);
	q_reset(rx);
	rx->down = true;
	tx->down = true;
	/* §6: disabled now; program and enable again, with read-back (DRV-19..22). */
	rc = vq_program(nd, tx->index, nd->qsize, tx->vq);
	if (rc != 0)
		return rc;
	rc = vq_program(nd, rx->index, nd->qsize, rx->vq);
	if (rc != 0)
		return rc;
	tx_free_all(tx);
	rc = rx_fill(nd, rx);
	if (rc != 0)
		return rc;
	rx->down = false;
	tx->down = false;
	return 0;
}

RTE_VMSG_API void rte_vmsg_net_drv_destroy(struct rte_vmsg_net_drv *nd)
{
	uint32_t i;

	if (nd == NULL)
		return;
	rte_vmsg_drv_close(nd->drv);
	if (nd->q != NULL)
		for (i = 0; i < 2 * nd->nqp; i++) {
			struct drv_q *q = &nd->q[i];

			/*
			 * The caller's buffers the queue still holds go back to
			 * it (the rings are left as they are: the device may
			 * still read them).
			 */
			for (uint32_t s = 0; q->xs != NULL && s < q->nbuf; s++)
				if (q->xs[s].used)
					x_release(q, s);
			q_free(q);
		}
	rte_vmsg_vq_drv_destroy(nd->ctrl);
	free(nd->q);
	free(nd);
}

/* ------------------------------------------------------------------------ */
/* Getters                                                                   */

RTE_VMSG_API uint32_t rte_vmsg_net_drv_queue_pairs(const struct rte_vmsg_net_drv *nd)
{
	return nd != NULL ? nd->nqp : 0;
}

RTE_VMSG_API int rte_vmsg_net_drv_config(const struct rte_vmsg_net_drv *nd,
					 struct rte_vmsg_net_config *cfg)
{
	if (nd == NULL || cfg == NULL)
		return -EINVAL;
	*cfg = nd->cfg;
	return 0;
}

RTE_VMSG_API struct rte_vmsg_drv *rte_vmsg_net_drv_handle(const struct rte_vmsg_net_drv *nd)
{
	return nd != NULL ? nd->drv : NULL;
}

RTE_VMSG_API struct rte_vmsg_vq_drv *rte_vmsg_net_drv_vq(const struct rte_vmsg_net_drv *nd,
							 uint32_t index)
{
	if (nd == NULL)
		return NULL;
	if (index < 2 * nd->nqp)
		return nd->q[index].vq;
	return index == nd->ctrl_index ? nd->ctrl : NULL;
}

RTE_VMSG_API int rte_vmsg_net_drv_stats_get(const struct rte_vmsg_net_drv *nd, uint32_t index,
					    struct rte_vmsg_net_queue_stats *qs,
					    struct rte_vmsg_net_drv_stats *ds)
{
	if (nd == NULL || (qs == NULL && ds == NULL))
		return -EINVAL;
	if (qs != NULL) {
		if (index >= 2 * nd->nqp)
			return -EINVAL;
		*qs = nd->q[index].st;
		qs->events = nd->q[index].used_ev;
		qs->notifies += rte_vmsg__read_once(&nd->q[index].ev_sent);
	}
	if (ds != NULL)
		*ds = nd->ds;
	return 0;
}
