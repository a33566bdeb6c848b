/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-net device model, the pair threads' data path: the packet backends
 * (loopback, application) and one-copy forwarding over device-side
 * virtqueue halves, behind the gate that the bus thread (net_dev_ctl.c)
 * opens and closes. Nothing the driver wrote is trusted.
 */

#define RTE_VMSG_LOG_PREFIX "net: "

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "net_dev_priv.h"

/* ------------------------------------------------------------------------ */
/* Queue helpers                                                             */

/* A queue call returned -EIO: count the breakage once and tell the bus thread. */
void net_q_broke(struct net_q *q)
{
	if (q->broken_seen)
		return;
	q->broken_seen = true;
	q->st.broken++;
	rte_vmsg__write_once(&q->break_req, q->break_req + 1);
}

void net_q_notify(struct rte_vmsg_net_dev *nd, struct net_q *q)
{
	int rc;

	if (nd->notify == RTE_VMSG_NET_NOTIFY_POLL)
		return;
	rc = rte_vmsg_vq_dev_need_notify(q->vq);
	if (rc > 0)
		rte_vmsg__write_once(&q->notify_req, q->notify_req + 1);
	else if (rc == -EIO)
		net_q_broke(q);
}

void net_stash_clear(struct net_stash *s)
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
		net_stash_clear(s);
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

uint32_t net_rcur_read(struct rcur *c, void *dst, uint32_t len)
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
			k = net_rcur_read(rsrc, (uint8_t *)v->base + w->off, k);
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
		net_q_broke(q);
	else
		net_q_notify(nd, q);
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
	uint32_t need = pre_len + rest, nch = 0, empty = 0;
	uint64_t have = 0; /* in_len is the driver's: up to 4 GiB per chain */
	struct rte_vmsg_virtio_net_hdr *h = (struct rte_vmsg_virtio_net_hdr *)(void *)pre;
	struct wcur w;
	int rc;

	if (RTE_VMSG_UNLIKELY(q->vq == NULL || q->broken_seen))
		return -ENOSPC;
	rc = stash_fill(q, s, 1);
	if (rc < 0) {
		net_q_broke(q);
		return -ENOSPC;
	}
	/*
	 * A receive chain without room for the header is given back empty:
	 * STASH_REQ of them per call at most, since a driver that posts them
	 * again as fast as they come back would keep the loop going for as
	 * long as it likes; then the packet waits for the next call.
	 */
	while (rc > 0 && s->req[s->first].in_len < NET_HDR_LEN) {
		if (empty++ == STASH_REQ)
			return -ENOSPC;
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
			net_q_broke(q);
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
					net_q_broke(q);
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
			net_q_broke(q);
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
		net_q_broke(q);
	else
		net_q_notify(nd, q);
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

/*
 * The largest packet device @p nd takes on transmit with header @p h (from
 * its driver): MTU + 18, an IP datagram for a TCP GSO type the driver may
 * use (HOST_TSO4/6), 0 for a GSO type it may not: net_gso_max().
 */
static inline uint32_t tx_max(const struct rte_vmsg_net_dev *nd,
			      const struct rte_vmsg_virtio_net_hdr *h)
{
	return net_gso_max(nd->feat, h->gso_type, RTE_VMSG_NET_F_HOST_TSO4,
			   RTE_VMSG_NET_F_HOST_TSO6, nd->max_pkt);
}

/*
 * The largest packet device @p nd takes on receive with header @p h (for its
 * driver): the same with GUEST_TSO4/6.
 */
static inline uint32_t rx_max(const struct rte_vmsg_net_dev *nd,
			      const struct rte_vmsg_virtio_net_hdr *h)
{
	return net_gso_max(nd->feat, h->gso_type, RTE_VMSG_NET_F_GUEST_TSO4,
			   RTE_VMSG_NET_F_GUEST_TSO6, nd->max_pkt);
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
	/*
	 * The header and at least an Ethernet header: one check, which also
	 * keeps len from underflowing; the chain's readable bytes are out_len,
	 * so the header read then takes all of it.
	 */
	if (r->out_len < NET_HDR_LEN + 14u)
		goto bad;
	len = r->out_len - NET_HDR_LEN;
	(void)net_rcur_read(c, h, NET_HDR_LEN);
	if (len > tx_max(nd, h))
		goto bad;
	return len;
bad:
	p->q[Q_TX].st.errors++;
	return -1;
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
	if (len > tx_max(nd, h)) {
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

		net_prefetch(v->base, v->len, 0);
	}
	for (i = 0; i < n && i < s->n; i++) {
		const struct rte_vmsg_vq_iov *w = &s->iov[s->req[s->first + i].iov_first];
		uint32_t len = sp->treq[i].out_len < w->len ? sp->treq[i].out_len : w->len;

		net_prefetch(w->base, len, 1);
	}
}

static uint32_t loop_pair(struct rte_vmsg_net_dev *nd, struct net_pair *p)
{
	_Alignas(struct rte_vmsg_virtio_net_hdr) uint8_t pre[NET_HDR_LEN + 12];
	uint32_t n, i, moved = 0;
	struct rcur c;
	int64_t len;
	int rc;

	n = tx_pop(p, RTE_VMSG_NET_BURST);
	if (n != 0 && p->q[Q_RX].vq != NULL && !p->q[Q_RX].broken_seen) {
		/* Receive chains for the whole burst, popped ahead in one call. */
		if (stash_fill(&p->q[Q_RX], &p->stash, n) < 0)
			net_q_broke(&p->q[Q_RX]);
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
		net_rcur_read(&c, pre + NET_HDR_LEN, 12);
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
			net_q_broke(&p->q[Q_TX]);
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
		net_q_broke(q);
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
	_Alignas(struct rte_vmsg_virtio_net_hdr) uint8_t pre[NET_HDR_LEN + 12];
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
		net_rcur_read(&c, pre + NET_HDR_LEN, 12);
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
/* Bursts for a poll-mode driver                                             */

/*
 * One transmitted chain of a single readable buffer, header and packet in
 * it (the layout every driver of this library and DPDK's use): checks it as
 * tx_check() does and copies it out to @p pk. Returns 1 (taken), 0 (dropped,
 * counted) or 2 when the general path must handle it (nothing counted).
 */
static inline int take_fast(const struct rte_vmsg_net_dev *nd, struct net_pair *p,
			    const struct rte_vmsg_vq_req *r, struct rte_vmsg_net_pkt *pk)
{
	const struct rte_vmsg_vq_iov *v = &p->tiov[r->iov_first];
	struct rte_vmsg_virtio_net_hdr h;
	uint32_t len;

	if (r->n_iov != 1 || r->out_len < NET_HDR_LEN + 14u)
		return 2;
	/* One vector of out_len readable bytes. The header is read once, then used from here. */
	memcpy(&h, v->base, NET_HDR_LEN);
	rte_vmsg__compiler_barrier();
	len = r->out_len - NET_HDR_LEN;
	if (len > tx_max(nd, &h) || len > pk->cap || pk->data == NULL) {
		p->q[Q_TX].st.errors++;
		return 0;
	}
	/* memmove: the caller's buffer may lie in the shared area too (zero-copy pools). */
	memmove(pk->data, (const uint8_t *)v->base + NET_HDR_LEN, len);
	pk->len = len;
	net_hdr_from_wire(&h, &pk->hdr);
	p->q[Q_TX].st.packets++;
	p->q[Q_TX].st.bytes += len;
	return 1;
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
	/* The driver wrote these buffers: they are in its cache. Start every load of the burst. */
	for (i = 0; i < got; i++) {
		const struct rte_vmsg_vq_iov *v = &p->tiov[p->treq[i].iov_first];

		net_prefetch(v->base, v->len, 0);
	}
	for (i = 0; i < got; i++) {
		struct rte_vmsg_net_pkt *pk = &pkts[k];
		int rc = take_fast(nd, p, &p->treq[i], pk);

		if (RTE_VMSG_LIKELY(rc != 2)) {
			k += (uint32_t)rc;
			continue;
		}
		/* Several buffers, or too short: the general path, through the cursors. */
		len = tx_check(nd, p, &p->treq[i], &c, &h);
		if (len < 0)
			continue;
		if ((uint64_t)len > pk->cap || pk->data == NULL) {
			p->q[Q_TX].st.errors++;
			continue;
		}
		net_rcur_read(&c, pk->data, (uint32_t)len);
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

/*
 * Packet @p pk into the next receive chain of pair @p p when that chain is
 * one writable buffer that holds it (header included). Returns 1 when
 * delivered, 2 when the general path must handle it (nothing done).
 */
static inline int give_fast(struct net_pair *p, const struct rte_vmsg_net_pkt *pk)
{
	struct net_stash *s = &p->stash;
	const struct rte_vmsg_vq_req *rr;
	const struct rte_vmsg_vq_iov *w;
	uint32_t need = NET_HDR_LEN + pk->len;

	if (s->n == 0 || p->nused == RX_USED || p->q[Q_RX].broken_seen)
		return 2;
	rr = &s->req[s->first];
	if (rr->n_iov != 1 || rr->in_len < need)
		return 2;
	w = &s->iov[rr->iov_first];
	net_hdr_to_wire(&pk->hdr, w->base, 1);
	memmove((uint8_t *)w->base + NET_HDR_LEN, pk->data, pk->len);
	p->used[p->nused].head = rr->head;
	p->used[p->nused].len = need;
	p->nused++;
	s->first++;
	s->n--;
	p->q[Q_RX].st.packets++;
	p->q[Q_RX].st.bytes += pk->len;
	return 1;
}

RTE_VMSG_API int rte_vmsg_net_dev_send_burst(struct rte_vmsg_net_dev *nd, uint32_t qp,
					     const struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	struct rte_vmsg_vq_iov v;
	struct net_pair *p;
	struct net_q *q;
	_Alignas(struct rte_vmsg_virtio_net_hdr) uint8_t pre[NET_HDR_LEN];
	uint32_t i = 0, want;
	struct rcur c;
	int rc;

	if (pair_check(nd, qp, RTE_VMSG_NET_BACKEND_APP) != 0 || (pkts == NULL && n != 0))
		return -EINVAL;
	p = &nd->pairs[qp];
	if (!pair_enter(p))
		return 0;
	if (qp >= rte_vmsg__read_once(&nd->active))
		goto out;
	q = &p->q[Q_RX];
	if (q->vq == NULL || q->broken_seen)
		goto out; /* no receive buffer: the caller keeps them all */
	/* The burst's receive chains, popped ahead; their heads are written: fetch them for it. */
	want = n < STASH_REQ ? n : STASH_REQ;
	if (stash_fill(q, &p->stash, want) < 0)
		net_q_broke(q);
	for (i = 0; i < want && i < p->stash.n; i++) {
		const struct rte_vmsg_vq_iov *w =
			&p->stash.iov[p->stash.req[p->stash.first + i].iov_first];
		uint32_t len = NET_HDR_LEN + pkts[i].len;

		net_prefetch(w->base, len < w->len ? len : w->len, 1);
	}
	for (i = 0; i < n; i++) {
		/*
		 * No data, longer than any driver takes (the header's room
		 * added to such a length would also wrap the 32-bit sums that
		 * size the copy), or a GSO type the driver did not take:
		 * dropped and counted.
		 */
		if ((pkts[i].data == NULL && pkts[i].len != 0) ||
		    pkts[i].len > net_gso_max(nd->feat, pkts[i].hdr.gso_type,
					      RTE_VMSG_NET_F_GUEST_TSO4, RTE_VMSG_NET_F_GUEST_TSO6,
					      NET_MAX_GSO_PKT)) {
			q->st.errors++;
			continue;
		}
		if (RTE_VMSG_LIKELY(give_fast(p, &pkts[i]) == 1))
			continue;
		/* Several buffers (MRG_RXBUF), a split chain, none left: the general path. */
		net_hdr_to_wire(&pkts[i].hdr, pre, 1);
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
