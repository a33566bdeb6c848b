/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-net device model: config space, feature rules, the control queue,
 * and the packet backends (loopback, application) over device-side
 * virtqueue halves. Nothing the driver wrote is trusted.
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

#include "rte_vmsg_bus.h"
#include "rte_vmsg_msg.h"
#include "net_priv.h"
#include "log_priv.h"

#define RTE_VMSG__ALLOW_PVT
#include "rte_vmsg_atomic_pvt.h"
#include "opts_priv.h"
#undef RTE_VMSG__ALLOW_PVT

#define F(bit) (1ull << (bit))

/* Descriptors in one chain the device accepts (longer chains break the queue). */
#define NET_MAX_CHAIN 64u
/* Receive chains popped ahead and held by a pair (stash). */
#define STASH_REQ 64u
#define STASH_IOV 256u
/* Transmit pop: RTE_VMSG_NET_BURST chains of up to NET_MAX_CHAIN descriptors fit. */
#define TX_IOV (RTE_VMSG_NET_BURST * 8u)
/* Used receive entries collected before one publish. */
#define RX_USED 256u

#define SUPPORTED_FEATURES                                                                         \
	(F(RTE_VMSG_NET_F_CSUM) | F(RTE_VMSG_NET_F_GUEST_CSUM) | F(RTE_VMSG_NET_F_MTU) |           \
	 F(RTE_VMSG_NET_F_MAC) | F(RTE_VMSG_NET_F_GUEST_TSO4) | F(RTE_VMSG_NET_F_GUEST_TSO6) |     \
	 F(RTE_VMSG_NET_F_HOST_TSO4) | F(RTE_VMSG_NET_F_HOST_TSO6) | F(RTE_VMSG_NET_F_MRG_RXBUF) | \
	 F(RTE_VMSG_NET_F_STATUS) | F(RTE_VMSG_NET_F_CTRL_VQ) | F(RTE_VMSG_NET_F_CTRL_RX) |        \
	 F(RTE_VMSG_NET_F_MQ) | F(RTE_VMSG_NET_F_CTRL_MAC_ADDR) |                                  \
	 F(RTE_VMSG_VIRTIO_F_INDIRECT_DESC) | F(RTE_VMSG_VIRTIO_F_EVENT_IDX) |                     \
	 F(RTE_VMSG_VIRTIO_F_VERSION_1) | F(RTE_VMSG_VIRTIO_F_RING_RESET))

enum { Q_RX = 0, Q_TX = 1 };

/* One queue of a pair. */
struct net_q {
	struct rte_vmsg_vq_dev *vq; /* bus thread writes, with the pair's gate closed */
	/* Pair thread only. */
	bool broken_seen;
	struct rte_vmsg_net_queue_stats st;
	/* One writer each: the pair thread (_req), the bus thread (_sent / _seen / ev_*). */
	uint64_t notify_req;  /* EVENT_USED asked for */
	uint64_t notify_sent; /* requests handled by rte_vmsg_net_dev_service() */
	uint64_t break_req;   /* breakages seen by the pair thread */
	uint64_t break_seen;  /* breakages handled by the bus thread */
	uint64_t ev_rx;	      /* EVENT_AVAIL received (bus thread) */
	uint64_t ev_tx;	      /* EVENT_USED sent (bus thread) */
};

/* Receive chains popped and not used yet: req[first .. first + n). */
struct net_stash {
	uint32_t first, n, iov_used;
	struct rte_vmsg_vq_req req[STASH_REQ];
	struct rte_vmsg_vq_iov iov[STASH_IOV];
};

struct net_pair {
	/*
	 * The gate handshake (see pair_enter() and pair_stop()): @c gate has
	 * one writer, the bus thread; @c busy one, the pair thread.
	 */
	uint32_t gate;
	uint32_t busy;
	/* Written once at create: pair_stop() fences the pair thread with membarrier. */
	bool asym;
	uint32_t kick_mark; /* bus thread: EVENT_AVAIL on the pair's queues */
	/* Pair thread (and the bus thread while the gate is closed). */
	uint32_t kick_seen;
	bool more; /* the last poll left work in the transmit queue */
	struct net_q q[2];
	struct net_stash stash;
	uint32_t nused;
	struct rte_vmsg_vq_used used[RX_USED];
	/* Transmit chains popped and not pushed: treq[0 .. tn), kept across calls by forwarding. */
	uint32_t tn;
	struct rte_vmsg_vq_req treq[RTE_VMSG_NET_BURST];
	struct rte_vmsg_vq_iov tiov[TX_IOV];
	struct rte_vmsg_vq_used tused[RTE_VMSG_NET_BURST];
};

struct rte_vmsg_net_dev {
	struct rte_vmsg_dev *dev; /* on the bus given at creation: it sends its own events */
	const struct rte_vmsg_memmap *map;
	uint32_t backend, notify;
	uint32_t nqp, qsize, mtu;
	uint32_t ctrl_index; /* 2 * nqp; == num_queues when there is no control queue */
	uint32_t num_queues;
	uint64_t offered;
	/* Bus thread; read by the pair threads after the gate's acquire. */
	uint64_t feat; /* negotiated */
	bool mrg;
	uint32_t max_pkt; /* largest packet accepted on transmit, header excluded */
	bool running;	  /* DRIVER_OK seen, no reset since (bus thread) */
	uint32_t active;  /* pairs enabled by the driver (bus thread writes) */
	/* Control queue: bus thread only. */
	struct net_q ctrl;
	struct rte_vmsg_vq_req creq[8];
	struct rte_vmsg_vq_iov ciov[NET_MAX_CHAIN];
	uint8_t cbuf[NET_CTRL_MAX];
	/* Events: bus thread. */
	bool needs_reset_pending;
	bool cfgev_kept; /* the device keeps our EVENT_CONFIG: the bus was full */
	struct rte_vmsg_net_dev_stats ds;
	struct rte_vmsg_net_config cfg;
	struct net_pair *pairs; /* [nqp] */
};

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

static inline bool pair_enter(struct net_pair *p)
{
	rte_vmsg__write_once(&p->busy, 1u);
	/*
	 * M_N1: busy store before gate load; pairs with M_N2 in pair_stop()
	 * (there the membarrier when p->asym: then a compiler barrier here).
	 */
	if (RTE_VMSG_LIKELY(p->asym))
		rte_vmsg__compiler_barrier();
	else
		rte_vmsg__smp_mb();
	/* A_N1: pairs with R_N1 in pair_start(): the queues attached before it are seen. */
	if (RTE_VMSG_LIKELY(rte_vmsg__load_acquire(&p->gate) != 0))
		return true;
	rte_vmsg__store_release(&p->busy, 0u);
	return false;
}

static inline void pair_leave(struct net_pair *p)
{
	/* R_N2: our accesses to the queues before busy drops; pairs with A_N2 in pair_stop(). */
	rte_vmsg__store_release(&p->busy, 0u);
}

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
/* Queue helpers                                                             */

/* A queue call returned -EIO: count the breakage once and tell the bus thread. */
static void q_broke(struct net_q *q)
{
	if (q->broken_seen)
		return;
	q->broken_seen = true;
	q->st.broken++;
	rte_vmsg__write_once(&q->break_req, q->break_req + 1);
}

static void q_notify(struct rte_vmsg_net_dev *nd, struct net_q *q)
{
	int rc;

	if (nd->notify == RTE_VMSG_NET_NOTIFY_POLL)
		return;
	rc = rte_vmsg_vq_dev_need_notify(q->vq);
	if (rc > 0)
		rte_vmsg__write_once(&q->notify_req, q->notify_req + 1);
	else if (rc == -EIO)
		q_broke(q);
}

static void stash_clear(struct net_stash *s)
{
	s->first = 0;
	s->n = 0;
	s->iov_used = 0;
}

/*
 * Pops receive chains into the stash until it holds @p want of them or
 * the ring is empty. Returns the chains held, or -EIO.
 */
static int stash_fill(struct net_q *q, struct net_stash *s, uint32_t want)
{
	uint32_t i, shift;
	int rc;

	if (s->n >= want)
		return (int)s->n;
	if (s->n == 0) {
		stash_clear(s);
	} else if (s->first != 0) {
		/* Compact: move the chains held (and their vectors) to the front. */
		shift = s->req[s->first].iov_first;
		memmove(s->req, s->req + s->first, s->n * sizeof(s->req[0]));
		memmove(s->iov, s->iov + shift, (s->iov_used - shift) * sizeof(s->iov[0]));
		for (i = 0; i < s->n; i++)
			s->req[i].iov_first -= shift;
		s->iov_used -= shift;
		s->first = 0;
	}
	if (s->n == STASH_REQ)
		return (int)s->n;
	rc = rte_vmsg_vq_dev_pop_burst(q->vq, s->req + s->n, STASH_REQ - s->n, s->iov + s->iov_used,
				       STASH_IOV - s->iov_used);
	if (rc == -ENOBUFS)
		return (int)s->n; /* the next chain does not fit beside those held */
	if (rc < 0)
		return rc;
	for (i = 0; i < (uint32_t)rc; i++)
		s->req[s->n + i].iov_first += s->iov_used;
	if (rc != 0) {
		struct rte_vmsg_vq_req *last = &s->req[s->n + (uint32_t)rc - 1];

		s->iov_used = last->iov_first + last->n_iov;
	}
	s->n += (uint32_t)rc;
	return (int)s->n;
}

/* A read cursor over device-readable vectors. */
struct rcur {
	const struct rte_vmsg_vq_iov *iov;
	uint32_t n, i, off;
};

static uint32_t rcur_read(struct rcur *c, void *dst, uint32_t len)
{
	uint8_t *d = dst;
	uint32_t done = 0;

	while (done < len && c->i < c->n) {
		const struct rte_vmsg_vq_iov *v = &c->iov[c->i];
		uint32_t k = v->len - c->off;

		if (v->writable) {
			c->i++;
			c->off = 0;
			continue;
		}
		if (k > len - done)
			k = len - done;
		/* memmove: a hostile driver may make buffers overlap; that must stay defined. */
		memmove(d + done, (const uint8_t *)v->base + c->off, k);
		done += k;
		c->off += k;
		if (c->off == v->len) {
			c->i++;
			c->off = 0;
		}
	}
	return done;
}

/* A write cursor over the writable vectors of stash chains first .. first + nch - 1. */
struct wcur {
	struct net_stash *s;
	uint32_t ch, end; /* current chain (stash index), one past the last */
	uint32_t i, off;  /* vector within the chain, offset in it */
	uint32_t written; /* bytes in the current chain */
};

static void wcur_write(struct wcur *w, struct net_pair *p, const void *src, uint32_t len,
		       struct rcur *rsrc)
{
	const uint8_t *s8 = src;

	while (len > 0 && w->ch < w->end) {
		const struct rte_vmsg_vq_req *r = &w->s->req[w->ch];
		const struct rte_vmsg_vq_iov *v;
		uint32_t k;

		if (w->i >= r->n_iov) {
			/* Chain full: it is used with what it holds. */
			p->used[p->nused].head = r->head;
			p->used[p->nused].len = w->written;
			p->nused++;
			w->ch++;
			w->i = 0;
			w->off = 0;
			w->written = 0;
			continue;
		}
		v = &w->s->iov[r->iov_first + w->i];
		if (!v->writable || w->off == v->len) {
			w->i++;
			w->off = 0;
			continue;
		}
		k = v->len - w->off;
		if (k > len)
			k = len;
		if (rsrc != NULL) {
			k = rcur_read(rsrc, (uint8_t *)v->base + w->off, k);
		} else {
			memcpy((uint8_t *)v->base + w->off, s8, k);
			s8 += k;
		}
		if (k == 0)
			break;
		len -= k;
		w->off += k;
		w->written += k;
	}
}

static void rx_flush(struct rte_vmsg_net_dev *nd, struct net_pair *p)
{
	struct net_q *q = &p->q[Q_RX];

	if (p->nused == 0)
		return;
	if (rte_vmsg_vq_dev_push_burst(q->vq, p->used, p->nused) < 0)
		q_broke(q);
	else
		q_notify(nd, q);
	p->nused = 0;
}

/*
 * Delivers one packet to the receive queue of pair @p p: @p pre (wire
 * header, then the first bytes of the packet) and then @p rest bytes read
 * from @p src. Returns 1 when delivered, 0 when the packet was dropped
 * (counted) and -ENOSPC when no receive buffer was there (not counted).
 */
static int rx_deliver(struct rte_vmsg_net_dev *nd, struct net_pair *p, uint8_t *pre,
		      uint32_t pre_len, struct rcur *src, uint32_t rest)
{
	struct net_q *q = &p->q[Q_RX];
	struct net_stash *s = &p->stash;
	uint32_t need = pre_len + rest, nch = 0;
	uint64_t have = 0; /* in_len is the driver's: up to 4 GiB per chain */
	struct rte_vmsg_virtio_net_hdr *h = (struct rte_vmsg_virtio_net_hdr *)(void *)pre;
	struct wcur w;
	int rc;

	if (RTE_VMSG_UNLIKELY(q->vq == NULL || q->broken_seen))
		return -ENOSPC;
	rc = stash_fill(q, s, 1);
	if (rc < 0) {
		q_broke(q);
		return -ENOSPC;
	}
	/* A receive chain without room for the header is given back empty. */
	while (rc > 0 && s->req[s->first].in_len < NET_HDR_LEN) {
		if (p->nused == RX_USED)
			rx_flush(nd, p);
		p->used[p->nused].head = s->req[s->first].head;
		p->used[p->nused].len = 0;
		p->nused++;
		s->first++;
		s->n--;
		q->st.errors++;
		rc = stash_fill(q, s, 1);
		if (rc < 0) {
			q_broke(q);
			return -ENOSPC;
		}
	}
	if (rc == 0)
		return -ENOSPC;
	if (!nd->mrg) {
		if (s->req[s->first].in_len < need) {
			/* Too big for the buffers the driver posts: a NIC drops it. */
			q->st.drops++;
			return 0;
		}
		nch = 1;
	} else {
		for (;;) {
			if (nch == s->n) {
				rc = stash_fill(q, s, s->n + 1);
				if (rc < 0) {
					q_broke(q);
					return -ENOSPC;
				}
				if ((uint32_t)rc == nch)
					return -ENOSPC; /* not enough buffers now */
			}
			have += s->req[s->first + nch].in_len;
			nch++;
			if (have >= need)
				break;
			if (nch == STASH_REQ || nch > UINT16_MAX) {
				q->st.drops++;
				return 0;
			}
		}
	}
	if (p->nused + nch > RX_USED)
		rx_flush(nd, p);
	h->num_buffers = rte_vmsg_cpu_to_le16((uint16_t)nch);
	memset(&w, 0, sizeof(w));
	w.s = s;
	w.ch = s->first;
	w.end = s->first + nch;
	wcur_write(&w, p, pre, pre_len, NULL);
	wcur_write(&w, p, NULL, rest, src);
	/* The last chain (and any the copy did not reach) is used with what it holds. */
	while (w.ch < w.end) {
		p->used[p->nused].head = s->req[w.ch].head;
		p->used[p->nused].len = w.written;
		p->nused++;
		w.ch++;
		w.written = 0;
	}
	s->first += nch;
	s->n -= nch;
	q->st.packets++;
	q->st.bytes += need - NET_HDR_LEN;
	return 1;
}

/* ------------------------------------------------------------------------ */
/* Data path                                                                 */

/*
 * Transmitted chains of pair @p p in treq[0 .. max): the chains a forward
 * kept (popped earlier, not completed: rte_vmsg_net_dev_forward_burst()
 * found no room for them) first, then newly popped ones. Returns the count
 * or 0 (a broken queue is noted). The caller completes treq[0 .. k) with
 * tx_done(), which keeps the rest for the next call.
 */
static NET_ALWAYS_INLINE uint32_t tx_pop(struct net_pair *p, uint32_t max)
{
	struct net_q *q = &p->q[Q_TX];
	uint32_t iov = 0, i;
	int rc;

	if (q->vq == NULL || q->broken_seen) {
		p->tn = 0; /* a broken queue takes no push: what was kept is gone with it */
		return 0;
	}
	if (p->tn >= max)
		return max;
	if (p->tn != 0)
		iov = p->treq[p->tn - 1].iov_first + p->treq[p->tn - 1].n_iov;
	rc = rte_vmsg_vq_dev_pop_burst(q->vq, p->treq + p->tn, max - p->tn, p->tiov + iov,
				       TX_IOV - iov);
	if (rc < 0) {
		if (rc == -EIO) {
			q_broke(q);
			p->tn = 0;
		}
		return p->tn; /* -ENOBUFS: the next chain waits beside those kept */
	}
	for (i = 0; iov != 0 && i < (uint32_t)rc; i++)
		p->treq[p->tn + i].iov_first += iov;
	p->tn += (uint32_t)rc;
	return p->tn;
}

/* Completes treq[0 .. n) (nothing written into them) and keeps treq[n .. tn) at the front. */
static NET_ALWAYS_INLINE void tx_done(struct rte_vmsg_net_dev *nd, struct net_pair *p, uint32_t n)
{
	struct net_q *q = &p->q[Q_TX];
	uint32_t i, shift, end;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		p->tused[i].head = p->treq[i].head;
		p->tused[i].len = 0; /* nothing written into transmit chains */
	}
	if (rte_vmsg_vq_dev_push_burst(q->vq, p->tused, n) < 0)
		q_broke(q);
	else
		q_notify(nd, q);
	if (RTE_VMSG_UNLIKELY(p->tn > n)) {
		shift = p->treq[n].iov_first;
		end = p->treq[p->tn - 1].iov_first + p->treq[p->tn - 1].n_iov;
		memmove(p->treq, p->treq + n, (p->tn - n) * sizeof(p->treq[0]));
		memmove(p->tiov, p->tiov + shift, (end - shift) * sizeof(p->tiov[0]));
		for (i = 0; i < p->tn - n; i++)
			p->treq[i].iov_first -= shift;
		p->tn -= n;
	} else {
		p->tn = 0;
	}
}

/* Checks a transmitted chain; reads its header into @p h. Returns the packet length or -1. */
static int64_t tx_check(struct rte_vmsg_net_dev *nd, struct net_pair *p,
			const struct rte_vmsg_vq_req *r, struct rcur *c,
			struct rte_vmsg_virtio_net_hdr *h)
{
	uint32_t len;

	c->iov = p->tiov + r->iov_first;
	c->n = r->n_iov;
	c->i = 0;
	c->off = 0;
	if (r->out_len < NET_HDR_LEN)
		goto bad;
	len = r->out_len - NET_HDR_LEN;
	if (rcur_read(c, h, NET_HDR_LEN) != NET_HDR_LEN)
		goto bad;
	if (len < 14u ||
	    len > (h->gso_type != RTE_VMSG_NET_HDR_GSO_NONE ? NET_MAX_GSO_PKT : nd->max_pkt))
		goto bad;
	return len;
bad:
	p->q[Q_TX].st.errors++;
	return -1;
}

/*
 * The largest packet device @p nd takes on receive with header @p h: MTU +
 * 18, or an IP datagram with GSO when the driver took GUEST_TSO4/6.
 */
static inline uint32_t rx_max(const struct rte_vmsg_net_dev *nd,
			      const struct rte_vmsg_virtio_net_hdr *h)
{
	if (h->gso_type != RTE_VMSG_NET_HDR_GSO_NONE &&
	    (nd->feat & (F(RTE_VMSG_NET_F_GUEST_TSO4) | F(RTE_VMSG_NET_F_GUEST_TSO6))) != 0)
		return NET_MAX_GSO_PKT;
	return nd->max_pkt;
}

/*
 * The common case of the loopback and of forwarding, without the cursors: a
 * transmit chain of one readable buffer (device @p nd, pair @p sp) and a
 * receive chain of one writable buffer big enough for the packet (pair
 * @p dp, the same pair for the loopback). Same checks and result as
 * tx_check() + rx_deliver(); the header and the Ethernet addresses are read
 * once into @p pre, the rest of the packet is moved buffer to buffer
 * (memmove: a hostile driver may make them overlap). With @p dnd (the
 * destination device when it is not the loopback), a packet above what it
 * takes (rx_max()) is dropped and counted in the receive queue's drops.
 * Returns 1 (delivered), 0 (dropped, counted), or 2 when the general path
 * must handle the packet (nothing consumed, nothing counted).
 */
static inline int move_fast(const struct rte_vmsg_net_dev *nd, struct net_pair *sp,
			    const struct rte_vmsg_net_dev *dnd, struct net_pair *dp,
			    const struct rte_vmsg_vq_req *r, uint8_t *pre, bool swap)
{
	const struct rte_vmsg_vq_iov *v = &sp->tiov[r->iov_first];
	struct rte_vmsg_virtio_net_hdr *h = (struct rte_vmsg_virtio_net_hdr *)(void *)pre;
	struct net_q *q = &dp->q[Q_RX];
	struct net_stash *s = &dp->stash;
	const struct rte_vmsg_vq_iov *w;
	const struct rte_vmsg_vq_req *rr;
	uint32_t len, need;

	if (r->n_iov != 1 || r->out_len < NET_HDR_LEN + 14u || q->vq == NULL || q->broken_seen ||
	    s->n == 0)
		return 2;
	rr = &s->req[s->first];
	w = &s->iov[rr->iov_first];
	len = r->out_len - NET_HDR_LEN;
	need = r->out_len;
	if (rr->n_iov != 1 || rr->in_len < need || dp->nused == RX_USED)
		return 2;
	/* One fetch of the header and the addresses (r->out_len == v->len: one vector). */
	memcpy(pre, v->base, NET_HDR_LEN + 12);
	rte_vmsg__compiler_barrier();
	if (len > (h->gso_type != RTE_VMSG_NET_HDR_GSO_NONE ? NET_MAX_GSO_PKT : nd->max_pkt)) {
		sp->q[Q_TX].st.errors++;
		return 0;
	}
	sp->q[Q_TX].st.packets++;
	sp->q[Q_TX].st.bytes += len;
	if (dnd != NULL && RTE_VMSG_UNLIKELY(len > rx_max(dnd, h))) {
		q->st.drops++; /* more than the destination takes */
		return 0;
	}
	if (swap)
		net_swap_mac(pre + NET_HDR_LEN);
	h->num_buffers = rte_vmsg_cpu_to_le16(1);
	memcpy(w->base, pre, NET_HDR_LEN + 12);
	memmove((uint8_t *)w->base + NET_HDR_LEN + 12, (const uint8_t *)v->base + NET_HDR_LEN + 12,
		len - 12);
	dp->used[dp->nused].head = rr->head;
	dp->used[dp->nused].len = need;
	dp->nused++;
	s->first++;
	s->n--;
	q->st.packets++;
	q->st.bytes += len;
	return 1;
}

/*
 * Prefetches the heads of what the burst's packets read (transmit chains of
 * @p sp) and write (receive chains of @p dp).
 */
static void move_prefetch(const struct net_pair *sp, const struct net_pair *dp, uint32_t n)
{
	const struct net_stash *s = &dp->stash;
	uint32_t i;

	for (i = 0; i < n; i++) {
		const struct rte_vmsg_vq_iov *v = &sp->tiov[sp->treq[i].iov_first];

		NET_PREFETCH(v->base, v->len, 0);
	}
	for (i = 0; i < n && i < s->n; i++) {
		const struct rte_vmsg_vq_iov *w = &s->iov[s->req[s->first + i].iov_first];
		uint32_t len = sp->treq[i].out_len < w->len ? sp->treq[i].out_len : w->len;

		NET_PREFETCH(w->base, len, 1);
	}
}

static uint32_t loop_pair(struct rte_vmsg_net_dev *nd, struct net_pair *p)
{
	uint8_t pre[NET_HDR_LEN + 12];
	uint32_t n, i, moved = 0;
	struct rcur c;
	int64_t len;
	int rc;

	n = tx_pop(p, RTE_VMSG_NET_BURST);
	if (n != 0 && p->q[Q_RX].vq != NULL && !p->q[Q_RX].broken_seen) {
		/* Receive chains for the whole burst, popped ahead in one call. */
		if (stash_fill(&p->q[Q_RX], &p->stash, n) < 0)
			q_broke(&p->q[Q_RX]);
		move_prefetch(p, p, n);
	}
	for (i = 0; i < n; i++) {
		struct rte_vmsg_virtio_net_hdr *h = (struct rte_vmsg_virtio_net_hdr *)(void *)pre;

		rc = move_fast(nd, p, NULL, p, &p->treq[i], pre, true);
		if (rc == 1) {
			moved++;
			continue;
		}
		if (rc == 0)
			continue;
		len = tx_check(nd, p, &p->treq[i], &c, h);
		if (len < 0)
			continue;
		p->q[Q_TX].st.packets++;
		p->q[Q_TX].st.bytes += (uint64_t)len;
		/* The Ethernet addresses, swapped on the way back (a reflector). */
		rcur_read(&c, pre + NET_HDR_LEN, 12);
		net_swap_mac(pre + NET_HDR_LEN);
		switch (rx_deliver(nd, p, pre, NET_HDR_LEN + 12, &c, (uint32_t)len - 12)) {
		case 1:
			moved++;
			break;
		case 0:
			break;
		default:
			p->q[Q_RX].st.drops++; /* no receive buffer posted */
			break;
		}
	}
	rx_flush(nd, p);
	tx_done(nd, p, n);
	p->more = n == RTE_VMSG_NET_BURST;
	if (!p->more && nd->notify == RTE_VMSG_NET_NOTIFY_EVENT && p->q[Q_TX].vq != NULL &&
	    !p->q[Q_TX].broken_seen) {
		/* Going idle: re-arm and re-check, so a kick racing with us is not lost. */
		rc = rte_vmsg_vq_dev_arm(p->q[Q_TX].vq);
		if (rc > 0)
			p->more = true;
		else if (rc == -EIO)
			q_broke(&p->q[Q_TX]);
	}
	return moved;
}

static int pair_check(const struct rte_vmsg_net_dev *nd, uint32_t qp, uint32_t backend)
{
	if (nd == NULL || qp >= nd->nqp || nd->backend != backend)
		return -EINVAL;
	return 0;
}

RTE_VMSG_API int rte_vmsg_net_dev_poll(struct rte_vmsg_net_dev *nd, uint32_t qp)
{
	struct net_pair *p;
	uint32_t mark;
	int moved = 0;

	if (nd == NULL || qp >= nd->nqp)
		return -EINVAL;
	if (nd->backend != RTE_VMSG_NET_BACKEND_LOOPBACK)
		return 0;
	p = &nd->pairs[qp];
	if (!pair_enter(p))
		return 0;
	if (qp >= rte_vmsg__read_once(&nd->active))
		goto out;
	if (nd->notify == RTE_VMSG_NET_NOTIFY_EVENT) {
		/* Work only when EVENT_AVAIL marked the pair or work was left over. */
		mark = rte_vmsg__read_once(&p->kick_mark);
		if (mark == p->kick_seen && !p->more)
			goto out;
		p->kick_seen = mark;
	}
	moved = (int)loop_pair(nd, p);
out:
	pair_leave(p);
	return moved;
}

RTE_VMSG_API int rte_vmsg_net_dev_recv_burst(struct rte_vmsg_net_dev *nd, uint32_t qp,
					     struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	struct rte_vmsg_virtio_net_hdr h;
	struct net_pair *p;
	uint32_t got, i, k = 0;
	struct rcur c;
	int64_t len;

	if (pair_check(nd, qp, RTE_VMSG_NET_BACKEND_APP) != 0 || (pkts == NULL && n != 0))
		return -EINVAL;
	p = &nd->pairs[qp];
	if (!pair_enter(p))
		return 0;
	if (qp >= rte_vmsg__read_once(&nd->active))
		goto out;
	got = tx_pop(p, n < RTE_VMSG_NET_BURST ? n : RTE_VMSG_NET_BURST);
	for (i = 0; i < got; i++) {
		struct rte_vmsg_net_pkt *pk = &pkts[k];

		len = tx_check(nd, p, &p->treq[i], &c, &h);
		if (len < 0)
			continue;
		if ((uint64_t)len > pk->cap || pk->data == NULL) {
			p->q[Q_TX].st.errors++;
			continue;
		}
		rcur_read(&c, pk->data, (uint32_t)len);
		pk->len = (uint32_t)len;
		net_hdr_from_wire(&h, &pk->hdr);
		p->q[Q_TX].st.packets++;
		p->q[Q_TX].st.bytes += (uint64_t)len;
		k++;
	}
	tx_done(nd, p, got);
out:
	pair_leave(p);
	return (int)k;
}

RTE_VMSG_API int rte_vmsg_net_dev_send_burst(struct rte_vmsg_net_dev *nd, uint32_t qp,
					     const struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	struct rte_vmsg_vq_iov v;
	struct net_pair *p;
	uint8_t pre[NET_HDR_LEN];
	uint32_t i;
	struct rcur c;
	int rc;

	if (pair_check(nd, qp, RTE_VMSG_NET_BACKEND_APP) != 0 || (pkts == NULL && n != 0))
		return -EINVAL;
	p = &nd->pairs[qp];
	if (!pair_enter(p))
		return 0;
	i = 0;
	if (qp >= rte_vmsg__read_once(&nd->active))
		goto out;
	for (; i < n; i++) {
		if (pkts[i].data == NULL && pkts[i].len != 0) {
			p->q[Q_RX].st.errors++;
			continue;
		}
		net_hdr_to_wire(&pkts[i].hdr, (struct rte_vmsg_virtio_net_hdr *)(void *)pre, 1);
		v.base = pkts[i].data;
		v.len = pkts[i].len;
		v.writable = 0;
		c.iov = &v;
		c.n = 1;
		c.i = 0;
		c.off = 0;
		rc = rx_deliver(nd, p, pre, NET_HDR_LEN, &c, pkts[i].len);
		if (rc == -ENOSPC)
			break; /* the caller keeps this one and the rest */
	}
	rx_flush(nd, p);
out:
	pair_leave(p);
	return (int)i;
}

/*
 * Receive chains of pair @p dp that can take a packet (room for the header),
 * popped ahead into the stash: at most @p want. Each packet needs at least
 * one; without MRG_RXBUF exactly one (or it is dropped, counted).
 */
static uint32_t rx_room(struct net_pair *dp, uint32_t want)
{
	struct net_q *q = &dp->q[Q_RX];
	struct net_stash *s = &dp->stash;
	uint32_t i, k = 0;
	int rc;

	if (q->vq == NULL || q->broken_seen)
		return 0;
	rc = stash_fill(q, s, want);
	if (rc < 0) {
		q_broke(q);
		return 0;
	}
	for (i = 0; i < s->n && k < want; i++)
		if (s->req[s->first + i].in_len >= NET_HDR_LEN)
			k++;
	return k;
}

/*
 * Moves the transmitted chains of pair @p sp (device @p src) into receive
 * chains of pair @p dp (device @p dst), one copy. Only as many chains are
 * taken as @p dp has receive chains for; a packet that needs more buffers
 * (MRG_RXBUF) than there are stops the burst and is kept, popped and not
 * completed, at the front of @p sp's chains for the next call.
 */
static void fwd_pair(struct rte_vmsg_net_dev *src, struct net_pair *sp,
		     struct rte_vmsg_net_dev *dst, struct net_pair *dp, uint32_t n, bool swap)
{
	uint8_t pre[NET_HDR_LEN + 12];
	struct rte_vmsg_virtio_net_hdr *h = (struct rte_vmsg_virtio_net_hdr *)(void *)pre;
	struct net_q *tq = &sp->q[Q_TX];
	uint32_t k, i;
	struct rcur c;
	int64_t len;
	int rc;

	k = rx_room(dp, n);
	if (k == 0)
		return;
	k = tx_pop(sp, k);
	if (k == 0)
		return;
	move_prefetch(sp, dp, k);
	for (i = 0; i < k; i++) {
		rc = move_fast(src, sp, dst, dp, &sp->treq[i], pre, swap);
		if (rc != 2)
			continue;
		len = tx_check(src, sp, &sp->treq[i], &c, h);
		if (len < 0)
			continue;
		if ((uint64_t)len > rx_max(dst, h)) {
			tq->st.packets++;
			tq->st.bytes += (uint64_t)len;
			dp->q[Q_RX].st.drops++; /* more than the destination takes */
			continue;
		}
		rcur_read(&c, pre + NET_HDR_LEN, 12);
		if (swap)
			net_swap_mac(pre + NET_HDR_LEN);
		rc = rx_deliver(dst, dp, pre, NET_HDR_LEN + 12, &c, (uint32_t)len - 12);
		if (rc == -ENOSPC)
			break; /* not enough receive buffers: this one and the rest are kept */
		tq->st.packets++;
		tq->st.bytes += (uint64_t)len;
	}
	rx_flush(dst, dp);
	tx_done(src, sp, i);
}

RTE_VMSG_API int rte_vmsg_net_dev_forward_burst(struct rte_vmsg_net_dev *src, uint32_t src_qp,
						struct rte_vmsg_net_dev *dst, uint32_t dst_qp,
						uint32_t n, uint32_t flags,
						struct rte_vmsg_net_fwd_result *res)
{
	const struct rte_vmsg_net_queue_stats *ts, *rs;
	uint64_t tp, tb, rp, rb;
	struct net_pair *sp, *dp;
	int sent = 0;

	if (res != NULL)
		memset(res, 0, sizeof(*res));
	if (pair_check(src, src_qp, RTE_VMSG_NET_BACKEND_APP) != 0 ||
	    pair_check(dst, dst_qp, RTE_VMSG_NET_BACKEND_APP) != 0 ||
	    (flags & ~RTE_VMSG_NET_FWD_F_MACSWAP) != 0)
		return -EINVAL;
	sp = &src->pairs[src_qp];
	dp = &dst->pairs[dst_qp];
	/* Both gates (one when both are the same pair); a closed one: nothing moves. */
	if (!pair_enter(sp))
		return 0;
	if (dp != sp && !pair_enter(dp)) {
		pair_leave(sp);
		return 0;
	}
	if (src_qp >= rte_vmsg__read_once(&src->active) ||
	    dst_qp >= rte_vmsg__read_once(&dst->active))
		goto out;
	/* What the call did, from the counters (the pair threads' own). */
	ts = &sp->q[Q_TX].st;
	rs = &dp->q[Q_RX].st;
	tp = ts->packets;
	tb = ts->bytes;
	rp = rs->packets;
	rb = rs->bytes;
	fwd_pair(src, sp, dst, dp, n < RTE_VMSG_NET_BURST ? n : RTE_VMSG_NET_BURST,
		 (flags & RTE_VMSG_NET_FWD_F_MACSWAP) != 0);
	sent = (int)(rs->packets - rp);
	if (res != NULL) {
		res->taken = (uint32_t)(ts->packets - tp);
		res->sent = (uint32_t)sent;
		res->taken_bytes = ts->bytes - tb;
		res->sent_bytes = rs->bytes - rb;
	}
out:
	if (dp != sp)
		pair_leave(dp);
	pair_leave(sp);
	return sent;
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
			q_broke(q);
		return;
	}
	for (i = 0; i < (uint32_t)rc; i++) {
		const struct rte_vmsg_vq_req *r = &nd->creq[i];
		struct rcur c = { nd->ciov + r->iov_first, r->n_iov, 0, 0 };
		uint8_t ack;

		len = r->out_len < NET_CTRL_MAX ? r->out_len : NET_CTRL_MAX;
		len = rcur_read(&c, nd->cbuf, len);
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
			q_broke(q);
		else
			q_notify(nd, q);
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
	q->ev_tx++;
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
	/* The rings must lie in the map, aligned: else SET_VQUEUE changes nothing. */
	rc = rte_vmsg_vq_dev_attach(&o, &vq);
	if (rc != 0) {
		nd->ds.attach_refused++;
		return rc;
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
	if (p != NULL) {
		if (index % 2 == Q_RX)
			stash_clear(&p->stash);
		else
			p->tn = 0; /* the chains kept belonged to the queue replaced */
		if (nd->running)
			pair_start(p);
	}
	return 0;
}

static void pair_reset(struct net_pair *p, int which)
{
	int k;

	for (k = 0; k < 2; k++)
		if (which < 0 || which == k)
			q_detach(&p->q[k]);
	if (which < 0 || which == Q_RX)
		stash_clear(&p->stash);
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

static int h_reset(void *ctx)
{
	struct rte_vmsg_net_dev *nd = ctx;
	uint32_t i;

	nd->running = false;
	for (i = 0; i < nd->nqp; i++) {
		pair_stop(&nd->pairs[i]);
		pair_reset(&nd->pairs[i], -1);
	}
	q_detach(&nd->ctrl);
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
		nd->ctrl.ev_rx++;
		return 0;
	}
	p = &nd->pairs[index / 2];
	p->q[index % 2].ev_rx++;
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
		qs->notifies = q->ev_tx;
		qs->events = q->ev_rx;
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
