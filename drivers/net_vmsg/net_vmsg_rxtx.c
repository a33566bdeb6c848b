/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg's bursts, on the application's lcores: mbufs to and from the
 * library's packet bursts (rte_vmsg_net_drv_rx/tx_burst in the driver role,
 * rte_vmsg_net_dev_recv/send_burst in the device role), one copy each way,
 * done by the library; with zerocopy=1 in the driver role, mbufs whose data
 * lies in the DMA area, posted, received and sent as they are (the _ext
 * calls). The driver role's gate (enter()/leave()) pairs with
 * nvm_quiesce() in net_vmsg_ctl.c; net_vmsg.c's file comment tells the whole.
 */

#include <errno.h>
#include <string.h>

#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "net_vmsg_priv.h"

/*
 * Driver role: the burst may use the handle. M_Q1: the busy store before the
 * live load; pairs with M_Q2 in nvm_quiesce(). With p->asym the full barrier is
 * nvm_quiesce()'s membarrier, which runs one on this thread's CPU: here a
 * compiler barrier is enough (the file comment says why).
 */
static inline int enter(uint32_t *busy, const struct nvm_port *p)
{
	__atomic_store_n(busy, 1, __ATOMIC_RELAXED);
	if (likely(p->asym))
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
	else
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* A_Q1: pairs with R_Q1 where the control thread sets live: the handle it made is seen. */
	if (likely(__atomic_load_n(&p->live, __ATOMIC_ACQUIRE)))
		return 1;
	__atomic_store_n(busy, 0, __ATOMIC_RELEASE);
	return 0;
}

/* R_Q2: the burst's use of the handle before busy falls; pairs with A_Q2 in nvm_quiesce(). */
static inline void leave(uint32_t *busy)
{
	__atomic_store_n(busy, 0, __ATOMIC_RELEASE);
}

static inline void rx_offload(struct rte_mbuf *m, const struct rte_vmsg_net_hdr *h)
{
	uint64_t f = 0;

	if (h->flags & RTE_VMSG_NET_HDR_F_NEEDS_CSUM)
		f |= RTE_MBUF_F_RX_L4_CKSUM_NONE; /* partial: the data is good, the field is not */
	else if (h->flags & RTE_VMSG_NET_HDR_F_DATA_VALID)
		f |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	if (h->gso_type != RTE_VMSG_NET_HDR_GSO_NONE) {
		f |= RTE_MBUF_F_RX_LRO;
		m->tso_segsz = h->gso_size;
	}
	m->ol_flags = (m->ol_flags & RTE_MBUF_F_EXTERNAL) | f; /* a pinned buffer stays marked */
}

/*
 * The ones' complement sum (folded, not inverted) of bytes [off, off + len)
 * of the chain @p m, which holds them. Not rte_raw_cksum_mbuf(): DPDK 22.11
 * cuts a segment's unfolded sum to 16 bits before swapping the bytes of one
 * that starts at an odd offset of the range, and loses its carries.
 */
static uint16_t chain_sum(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	uint64_t sum = 0;
	uint32_t done = 0;

	for (; m != NULL && len > 0; m = m->next) {
		uint32_t n, part;

		if (off >= m->data_len) {
			off -= m->data_len;
			continue;
		}
		n = RTE_MIN(m->data_len - off, len);
		part = __rte_raw_cksum_reduce(
			__rte_raw_cksum(rte_pktmbuf_mtod_offset(m, const void *, off), n, 0));
		/* Bytes from an odd place of the range sit in the other half of their words. */
		sum += (done & 1u) != 0 ? rte_bswap16((uint16_t)part) : part;
		done += n;
		len -= n;
		off = 0;
	}
	return __rte_raw_cksum_reduce(
		(uint32_t)__rte_raw_cksum_reduce((uint32_t)(sum >> 32) + (uint32_t)sum));
}

/*
 * A partial checksum (NEEDS_CSUM) on a queue whose application did not ask
 * for Rx L4 checksum offload: finished here, since such an application
 * would pass the partial field on as it is (DPDK's virtio PMD spares it by
 * not negotiating GUEST_CSUM; this port's device is set up before the
 * application configures it). The mbuf then says GOOD. The field may lie in
 * any segment of a chain (small mbufs), or across two; a field outside the
 * packet stays partial (NONE).
 */
static void rx_csum_finish(struct rte_mbuf *m, const struct rte_vmsg_net_hdr *h)
{
	uint32_t start = h->csum_start, at = start + (uint32_t)h->csum_offset, i;
	uint8_t b[2], *to[2];
	uint16_t sum, c;

	if (at + 2u > m->pkt_len || start >= m->pkt_len)
		return;
	sum = chain_sum(m, start, m->pkt_len - start);
	c = (uint16_t)~sum;
	if (c == 0 && h->csum_offset == offsetof(struct rte_udp_hdr, dgram_cksum))
		c = 0xffff; /* UDP: 0 means none */
	/* Each byte in the segment that holds it (the chain's lengths add up to pkt_len). */
	for (i = 0; i < 2; i++) {
		struct rte_mbuf *s = m;
		uint32_t off = at + i;

		while (s != NULL && off >= s->data_len) {
			off -= s->data_len;
			s = s->next;
		}
		if (s == NULL)
			return;
		to[i] = rte_pktmbuf_mtod_offset(s, uint8_t *, off);
	}
	memcpy(b, &c, 2);
	*to[0] = b[0];
	*to[1] = b[1];
	m->ol_flags = (m->ol_flags & ~RTE_MBUF_F_RX_L4_CKSUM_MASK) | RTE_MBUF_F_RX_L4_CKSUM_GOOD;
}

/* A packet complete in its mbufs: what its header still asks of this queue. */
static inline void rx_done(const struct nvm_rxq *rq, struct rte_mbuf *m,
			   const struct rte_vmsg_net_hdr *h)
{
	if (unlikely((h->flags & RTE_VMSG_NET_HDR_F_NEEDS_CSUM) != 0) && !rq->csum_partial)
		rx_csum_finish(m, h);
}

/*
 * zerocopy=1. A receive buffer's cookie is its mbuf with bit 0 set, so
 * that zc_release() (net_vmsg_ctl.c) tells it from a transmission's (the
 * mbuf itself).
 */
static inline void *rx_cookie(struct rte_mbuf *m)
{
	return (void *)((uintptr_t)m | 1u);
}

static inline struct rte_mbuf *cookie_mbuf(void *c)
{
	return (struct rte_mbuf *)((uintptr_t)c & ~(uintptr_t)1u);
}

/*
 * zerocopy=1: tops the receive queue up with fresh mbufs of the pool, once
 * a burst's worth of room is free. Each is posted from the end of its
 * headroom (a cache line boundary: pool buffers are 64-byte multiples) to
 * the end of its buffer, so the device writes the header at the start of a
 * line and the Ethernet header right after it: the two things a forwarder
 * writes (the header again for transmission, the MACs) share one line,
 * fetched once. The packet's data then starts 12 bytes into the data room
 * (zc_rx() sets data_off), the header's room in front of it for sending.
 * A pool that has fewer mbufs than the room asks for (the application
 * keeps many) gives what it has, halving the ask down to one (counted
 * once in rx_nombuf), so that the queue never waits for a whole burst's
 * worth to be freed.
 */
static inline void zc_refill(struct nvm_port *p, struct nvm_rxq *rq, struct rte_mempool *mp)
{
	struct rte_mbuf *ms[NVM_ZREFILL];
	uint32_t want = p->zqsize - p->zposted[rq->q], i;
	/* Topped up once a burst's worth is free, or half of a smaller queue. */
	uint32_t low = p->zqsize / 2u < NVM_BURST ? p->zqsize / 2u : NVM_BURST;
	int rc;

	if (want == 0 || want < low)
		return;
	if (want > NVM_ZREFILL)
		want = NVM_ZREFILL;
	if (unlikely(rte_pktmbuf_alloc_bulk(mp, ms, want) != 0)) {
		rq->nombuf++;
		do {
			if (want == 1)
				return;
			want /= 2u;
		} while (rte_pktmbuf_alloc_bulk(mp, ms, want) != 0);
	}
	for (i = 0; i < want; i++) {
		rq->x[i].addr =
			rte_pktmbuf_mtod(ms[i], uint8_t *); /* a fresh mbuf: the headroom's end */
		rq->x[i].len = (uint32_t)ms[i]->buf_len - ms[i]->data_off;
		rq->x[i].cookie = rx_cookie(ms[i]);
	}
	rc = rte_vmsg_net_drv_rx_post_ext(p->ndrv, rq->q, rq->x, want);
	if (unlikely(rc == -EIO))
		__atomic_store_n(rq->broke, 1, __ATOMIC_RELAXED);
	i = rc > 0 ? (uint32_t)rc : 0;
	p->zposted[rq->q] += i;
	if (i < want)
		rte_pktmbuf_free_bulk(&ms[i], want - i);
}

/*
 * zerocopy=1: up to @p n packets, each the mbufs the device wrote (one per
 * buffer, chained with MRG_RXBUF); a dropped packet's mbufs go back to the
 * pool. Packets left from the last burst go first; the library is asked
 * for as many buffers as rq->x holds (a packet may take many: a burst of
 * one must still take a jumbo frame), and what does not fit in @p n waits
 * for the next burst. Then the queue is topped up.
 */
static inline uint16_t zc_rx(struct nvm_port *p, struct nvm_rxq *rq, struct rte_mempool *mp,
			     struct rte_mbuf **bufs, uint32_t n)
{
	struct rte_mbuf *head = NULL, *last = NULL, *m;
	struct rte_vmsg_net_hdr hh; /* the packet's, from its first buffer */
	uint32_t i, k = 0, done = 0;
	uint64_t bytes = 0;
	int got;

	memset(&hh, 0, sizeof(hh));
	while (k < n && rq->zpos < rq->znpend)
		bufs[k++] = rq->zpend[rq->zpos++];
	if (rq->zpos < rq->znpend)
		return (uint16_t)k;
	rq->zpos = rq->znpend = 0;
	if (k == n)
		return (uint16_t)k;
	got = rte_vmsg_net_drv_rx_burst_ext(p->ndrv, rq->q, rq->x, NVM_ZREFILL);
	if (unlikely(got == -EIO))
		__atomic_store_n(rq->broke, 1, __ATOMIC_RELAXED);
	for (i = 0; got > 0 && i < (uint32_t)got; i++) {
		const struct rte_vmsg_net_xbuf *x = &rq->x[i];

		m = cookie_mbuf(x->cookie);
		if (unlikely(x->flags & RTE_VMSG_NET_XBUF_F_DROP)) {
			rte_pktmbuf_free(m);
			continue;
		}
		/*
		 * The data: after the header in a packet's first buffer, from
		 * the posted start (the header's place) in the others.
		 */
		m->data_off = (uint16_t)((uint8_t *)x->addr - (uint8_t *)m->buf_addr +
					 (head == NULL ? NVM_HDR : 0u));
		m->data_len = (uint16_t)x->len;
		if (head == NULL) {
			head = m;
			m->pkt_len = x->len;
			m->port = rq->port_id;
			rx_offload(m, &x->hdr);
			hh = x->hdr;
		} else {
			last->next = m;
			head->nb_segs++;
			head->pkt_len += x->len;
		}
		last = m;
		if ((x->flags & RTE_VMSG_NET_XBUF_F_MORE) == 0) {
			rx_done(rq, head, &hh);
			if (k < n)
				bufs[k++] = head;
			else
				rq->zpend[rq->znpend++] = head; /* fewer packets than buffers */
			bytes += head->pkt_len;
			done++;
			head = NULL;
		}
	}
	if (got > 0)
		p->zposted[rq->q] -= (uint32_t)got;
	zc_refill(p, rq, mp);
	rq->packets += done;
	rq->zc_packets += done;
	rq->bytes += bytes;
	return (uint16_t)k;
}

void nvm_zc_pend_free(struct nvm_rxq *rq)
{
	while (rq->zpos < rq->znpend)
		rte_pktmbuf_free(rq->zpend[rq->zpos++]);
	rq->zpos = rq->znpend = 0;
}

/*
 * Scattered Rx: @p len bytes at @p src copied into a chain of fresh mbufs
 * of @p mp, each filled to its room; NULL when the pool runs out.
 */
static struct rte_mbuf *chain_copy(struct rte_mempool *mp, const uint8_t *src, uint32_t len)
{
	struct rte_mbuf *head = NULL, *last = NULL, *m;
	uint32_t off = 0, k;

	do {
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		k = rte_pktmbuf_tailroom(m);
		k = len - off < k ? len - off : k;
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), src + off, k);
		m->data_len = (uint16_t)k;
		if (head == NULL) {
			head = m;
			m->pkt_len = len;
		} else {
			last->next = m;
			head->nb_segs++;
		}
		last = m;
		off += k;
	} while (off < len);
	return head;
}

/* Scattered Rx: the packets of rq->lv[0 .. got) copied into mbuf chains at @p bufs. */
static uint32_t scatter_out(struct nvm_rxq *rq, struct rte_mbuf **bufs, uint32_t got)
{
	struct rte_mbuf *m;
	uint64_t bytes = 0;
	uint32_t i, k = 0;

	for (i = 0; i < got; i++) {
		m = chain_copy(rq->mp, rq->lv[i].data, rq->lv[i].len);
		if (m == NULL) {
			rq->nombuf++;
			continue;
		}
		m->port = rq->port_id;
		rx_offload(m, &rq->lv[i].hdr);
		rx_done(rq, m, &rq->lv[i].hdr);
		bufs[k++] = m;
		bytes += m->pkt_len;
	}
	rq->packets += k;
	rq->bytes += bytes;
	return k;
}

/*
 * Scattered Rx, driver role without zerocopy, when the queue's mbufs are
 * smaller than a frame of the device's MTU: the library lends the burst's
 * packets (rte_vmsg_net_drv_rx_burst_zc()), each is copied into an mbuf
 * chain, and the burst is given back at once; a packet of several receive
 * buffers (MRG_RXBUF) is merged by rte_vmsg_net_drv_rx_burst() into the
 * queue's bounce buffer first. A packet the pool has no mbufs for is
 * dropped (rx_nombuf).
 */
static uint16_t scatter_rx(struct nvm_port *p, struct nvm_rxq *rq, struct rte_mbuf **bufs,
			   uint32_t n)
{
	uint32_t k = 0;
	int got, lent = 1;

	got = rte_vmsg_net_drv_rx_burst_zc(p->ndrv, rq->q, rq->lv, n);
	if (got == -EMSGSIZE) {
		lent = 0;
		rq->lv[0].data = rq->bounce;
		rq->lv[0].cap = NVM_TSO_MAX;
		got = rte_vmsg_net_drv_rx_burst(p->ndrv, rq->q, rq->lv, 1);
	}
	if (unlikely(got == -EIO))
		__atomic_store_n(rq->broke, 1, __ATOMIC_RELAXED);
	if (got > 0) {
		k = scatter_out(rq, bufs, (uint32_t)got);
		if (lent)
			rte_vmsg_net_drv_rx_release(p->ndrv, rq->q);
	}
	return (uint16_t)k;
}

/*
 * Scattered Rx, device role, when the queue's mbufs are smaller than the
 * largest packet the device takes: the library copies the burst into the
 * queue's bounce slots (each of that size, rq->lv pointing at them since
 * setup), and each packet is copied on into an mbuf chain (a second copy,
 * from a private buffer the CPU just wrote). A packet the pool has no
 * mbufs for is dropped (rx_nombuf).
 */
static uint16_t dev_scatter_rx(struct nvm_port *p, struct nvm_rxq *rq, struct rte_mbuf **bufs,
			       uint32_t n)
{
	int got = rte_vmsg_net_dev_recv_burst(p->ndev, rq->q, rq->lv, n);

	return got > 0 ? (uint16_t)scatter_out(rq, bufs, (uint32_t)got) : 0;
}

uint16_t nvm_rx_burst(void *queue, struct rte_mbuf **bufs, uint16_t nb)
{
	struct nvm_rxq *rq = queue;
	struct nvm_port *p = rq->p;
	uint32_t n = nb < NVM_BURST ? nb : NVM_BURST, h = rq->hole, m, i;
	uint64_t bytes = 0;
	int got;

	if (unlikely(rq->slot != 0))
		return dev_scatter_rx(p, rq, bufs, n); /* device role, small mbufs */
	if (p->a.role == RTE_VMSG_BUS_DRIVER) {
		struct rte_mempool *zmp;

		if (!enter(rq->busy, p))
			return 0;
		zmp = p->zmp; /* the live handle's, seen through enter() */
		if (zmp != NULL) {
			m = zc_rx(p, rq, zmp, bufs, n);
			leave(rq->busy);
			return (uint16_t)m;
		}
		/* A frame of the device's MTU does not fit one mbuf: chains. */
		if (unlikely(rq->cap < (uint32_t)p->mtu + NVM_ETH_OVERHEAD)) {
			m = scatter_rx(p, rq, bufs, n);
			leave(rq->busy);
			return (uint16_t)m;
		}
	}
	/*
	 * The mbufs handed out by the last bursts are replaced, and only
	 * they: an empty poll touches no mbuf. Where a fresh mbuf's data
	 * starts is known without reading its header (a cache and TLB miss
	 * per mbuf): a pktmbuf pool's buffer follows the mbuf and its private
	 * area, and a reset mbuf's data starts after the headroom (rxq_setup
	 * checks the pool).
	 */
	if (unlikely(h != 0)) {
		if (rte_pktmbuf_alloc_bulk(rq->mp, rq->stash, h) == 0) {
			for (i = 0; i < h; i++)
				rq->v[i].data = (char *)rq->stash[i] + rq->data_off;
			h = 0;
			rq->hole = 0;
		} else {
			rq->nombuf++;
		}
	}
	m = NVM_BURST - h;
	m = n < m ? n : m;
	if (p->a.role == RTE_VMSG_BUS_DRIVER)
		got = rte_vmsg_net_drv_rx_burst(p->ndrv, rq->q, &rq->v[h], m);
	else
		got = rte_vmsg_net_dev_recv_burst(p->ndev, rq->q, &rq->v[h], m);
	if (p->a.role == RTE_VMSG_BUS_DRIVER)
		leave(rq->busy);
	if (unlikely(got == -EIO) && p->a.role == RTE_VMSG_BUS_DRIVER)
		__atomic_store_n(rq->broke, 1, __ATOMIC_RELAXED); /* counted by the library */
	if (got <= 0)
		return 0;
	for (i = 0; i < (uint32_t)got; i++) {
		struct rte_mbuf *mb = rq->stash[h + i];
		const struct rte_vmsg_net_pkt *v = &rq->v[h + i];

		mb->data_len = (uint16_t)v->len;
		mb->pkt_len = v->len;
		mb->port = rq->port_id;
		rx_offload(mb, &v->hdr);
		rx_done(rq, mb, &v->hdr);
		bufs[i] = mb;
		bytes += v->len;
	}
	/* Slots [0, h + got) are empty now: the next burst fills them. */
	rq->hole = h + (uint32_t)got;
	rq->packets += (uint64_t)got;
	rq->bytes += bytes;
	return (uint16_t)got;
}

/*
 * Whether the device took TSO for this mbuf's IP version: a GSO type
 * without its feature is a malformed packet the library refuses.
 */
static inline int tso_ok(const struct nvm_port *p, uint64_t ol_flags)
{
	unsigned int bit = (ol_flags & RTE_MBUF_F_TX_IPV6) != 0 ? RTE_VMSG_NET_F_HOST_TSO6
								: RTE_VMSG_NET_F_HOST_TSO4;

	return (p->feat & (1ull << bit)) != 0;
}

/* The virtio-net header of an mbuf's offload requests, as negotiated. */
static inline void tx_offload(const struct nvm_port *p, const struct rte_mbuf *m,
			      struct rte_vmsg_net_hdr *h)
{
	uint64_t f = m->ol_flags;
	uint16_t l34 = (uint16_t)(m->l2_len + m->l3_len);

	memset(h, 0, sizeof(*h));
	if (likely((f & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG)) == 0))
		return;
	if ((f & RTE_MBUF_F_TX_TCP_SEG) != 0 && tso_ok(p, f)) {
		h->flags = RTE_VMSG_NET_HDR_F_NEEDS_CSUM;
		h->gso_type = (f & RTE_MBUF_F_TX_IPV6) ? RTE_VMSG_NET_HDR_GSO_TCPV6
						       : RTE_VMSG_NET_HDR_GSO_TCPV4;
		h->gso_size = m->tso_segsz;
		h->hdr_len = (uint16_t)(l34 + m->l4_len);
		h->csum_start = l34;
		h->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
		return;
	}
	if ((p->feat & (1ull << RTE_VMSG_NET_F_CSUM)) == 0)
		return;
	switch (f & RTE_MBUF_F_TX_L4_MASK) {
	case RTE_MBUF_F_TX_TCP_CKSUM:
		h->csum_offset = offsetof(struct rte_tcp_hdr, cksum);
		break;
	case RTE_MBUF_F_TX_UDP_CKSUM:
		h->csum_offset = offsetof(struct rte_udp_hdr, dgram_cksum);
		break;
	default:
		return;
	}
	h->flags = RTE_VMSG_NET_HDR_F_NEEDS_CSUM;
	h->csum_start = l34;
}

/*
 * An offload request the virtio-net header alone cannot carry: TCP_SEG
 * without HOST_TSO negotiated (a packet within the MTU: DPDK's TCP_SEG
 * implies TCP_CKSUM, with a pseudo-header sum that leaves the length
 * out, where a partial checksum needs it in), or a TCP or UDP checksum
 * without VIRTIO_NET_F_CSUM. Such a packet goes alone through the bounce
 * buffer, where tx_fix() finishes it.
 */
static inline int tx_needs_fix(const struct nvm_port *p, const struct rte_mbuf *m)
{
	uint64_t f = m->ol_flags, l4 = f & RTE_MBUF_F_TX_L4_MASK;

	if (likely((f & (RTE_MBUF_F_TX_L4_MASK | RTE_MBUF_F_TX_TCP_SEG)) == 0))
		return 0;
	if (f & RTE_MBUF_F_TX_TCP_SEG)
		return !tso_ok(p, f);
	return (p->feat & (1ull << RTE_VMSG_NET_F_CSUM)) == 0 &&
	       (l4 == RTE_MBUF_F_TX_TCP_CKSUM || l4 == RTE_MBUF_F_TX_UDP_CKSUM);
}

static inline uint16_t fold16(uint32_t sum)
{
	sum = (sum & 0xffffu) + (sum >> 16);
	sum = (sum & 0xffffu) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The packet @p m in @p b (its copy, @p len bytes): the header for what
 * tx_needs_fix() said, the packet finished as the header cannot say. With
 * F_CSUM, a partial checksum (TCP_SEG's pseudo-header sum given its
 * length); without, the checksum computed here. Header lengths that do
 * not fit the packet leave it as it is, with no request.
 */
static void tx_fix(const struct nvm_port *p, const struct rte_mbuf *m, uint8_t *b, uint32_t len,
		   struct rte_vmsg_net_hdr *h)
{
	uint64_t f = m->ol_flags;
	int tcp = (f & RTE_MBUF_F_TX_TCP_SEG) != 0 ||
		  (f & RTE_MBUF_F_TX_L4_MASK) == RTE_MBUF_F_TX_TCP_CKSUM;
	uint32_t l34 = (uint32_t)m->l2_len + m->l3_len;
	uint32_t at = l34 + (uint32_t)(tcp ? offsetof(struct rte_tcp_hdr, cksum)
					   : offsetof(struct rte_udp_hdr, dgram_cksum));
	uint16_t c;

	memset(h, 0, sizeof(*h));
	if (at + 2u > len)
		return;
	/* The field and the sums in the packet's byte order, as DPDK's helpers keep them. */
	memcpy(&c, b + at, 2);
	if (f & RTE_MBUF_F_TX_TCP_SEG) {
		c = fold16((uint32_t)c + rte_cpu_to_be_16((uint16_t)(len - l34)));
		memcpy(b + at, &c, 2);
	}
	if (p->feat & (1ull << RTE_VMSG_NET_F_CSUM)) {
		h->flags = RTE_VMSG_NET_HDR_F_NEEDS_CSUM;
		h->csum_start = (uint16_t)l34;
		h->csum_offset = (uint16_t)(at - l34);
		return;
	}
	/* The L4 bytes summed with the pseudo-header sum in the field: the checksum. */
	c = (uint16_t)~rte_raw_cksum(b + l34, len - l34);
	if (c == 0 && !tcp)
		c = 0xffff; /* UDP: 0 means none */
	memcpy(b + at, &c, 2);
}

static inline int tx_call(struct nvm_port *p, uint16_t q, const struct rte_vmsg_net_pkt *v,
			  uint32_t n)
{
	if (p->a.role == RTE_VMSG_BUS_DRIVER)
		return rte_vmsg_net_drv_tx_burst(p->ndrv, q, v, n);
	return rte_vmsg_net_dev_send_burst(p->ndev, q, v, n);
}

/*
 * Sends v[0..n): returns how many were taken; a packet the driver helper
 * finds too big (-EMSGSIZE) counts as taken and as an error.
 */
static inline uint32_t tx_some(struct nvm_txq *tq, uint32_t n)
{
	uint32_t done = 0;
	int rc;

	while (done < n) {
		rc = tx_call(tq->p, tq->q, &tq->v[done], n - done);
		if (rc == -EMSGSIZE) {
			tq->errors++;
			done++;
			continue;
		}
		if (unlikely(rc == -EIO) && tq->p->a.role == RTE_VMSG_BUS_DRIVER)
			__atomic_store_n(tq->broke, 1,
					 __ATOMIC_RELAXED); /* counted by the library */
		if (rc <= 0)
			break;
		done += (uint32_t)rc;
		if ((uint32_t)rc < n - done + (uint32_t)rc)
			break; /* the queue is full: the rest stays with the caller */
	}
	return done;
}

/*
 * zerocopy=1: an mbuf that goes out as it is: of the live handle's pool
 * (so its data lies in the DMA area), one segment, not shared (its
 * headroom takes the header), and room for the header in front.
 */
static inline int zc_ok(const struct nvm_port *p, const struct rte_mempool *zmp,
			const struct rte_mbuf *m)
{
	return m->pool == zmp && m->nb_segs == 1 && !RTE_MBUF_CLONED(m) &&
	       rte_mbuf_refcnt_read(m) == 1 && m->data_off >= NVM_HDR && !tx_needs_fix(p, m);
}

/*
 * zerocopy=1: sends the run of bufs[0 .. n) that zc_ok() takes, from their
 * mbufs (freed once the device is done with them); returns how many were
 * taken (a packet too large counts as taken, an error, and is freed).
 */
static inline uint32_t zc_tx(struct nvm_txq *tq, const struct rte_mempool *zmp,
			     struct rte_mbuf **bufs, uint32_t n, uint64_t *bytes)
{
	struct nvm_port *p = tq->p;
	uint32_t k, i;
	int rc;

	for (k = 0; k < n && zc_ok(p, zmp, bufs[k]); k++) {
		struct rte_mbuf *m = bufs[k];

		tq->x[k].addr = rte_pktmbuf_mtod(m, uint8_t *) - NVM_HDR;
		tq->x[k].len = NVM_HDR + m->data_len;
		tq->x[k].cookie = m;
		tx_offload(p, m, &tq->x[k].hdr);
	}
	rc = rte_vmsg_net_drv_tx_burst_ext(p->ndrv, tq->q, tq->x, k);
	if (rc == -EMSGSIZE) {
		tq->errors++;
		rte_pktmbuf_free(bufs[0]);
		return 1;
	}
	if (unlikely(rc == -EIO))
		__atomic_store_n(tq->broke, 1, __ATOMIC_RELAXED); /* counted by the library */
	if (rc <= 0)
		return 0;
	for (i = 0; i < (uint32_t)rc; i++)
		*bytes += bufs[i]->pkt_len;
	return (uint32_t)rc;
}

uint16_t nvm_tx_burst(void *queue, struct rte_mbuf **bufs, uint16_t nb)
{
	struct nvm_txq *tq = queue;
	struct nvm_port *p = tq->p;
	struct rte_mempool *zmp = NULL;
	uint32_t total = 0, n, i, k, sent;
	uint64_t bytes;
	int rc;

	if (p->a.role == RTE_VMSG_BUS_DRIVER) {
		if (!enter(tq->busy, p))
			return 0;
		zmp = p->zmp;
	}
	if (zmp != NULL) {
		/* The mbufs the device is done with go back to the pool. */
		rc = rte_vmsg_net_drv_tx_done_ext(p->ndrv, tq->q, tq->done, 2 * NVM_BURST);
		if (rc > 0)
			rte_pktmbuf_free_bulk((struct rte_mbuf **)tq->done, (unsigned int)rc);
	}
	while (total < nb) {
		n = nb - total < NVM_BURST ? nb - total : NVM_BURST;
		if (zmp != NULL && zc_ok(p, zmp, bufs[total])) {
			bytes = 0;
			sent = zc_tx(tq, zmp, &bufs[total], n, &bytes);
			tq->bytes += bytes;
			total += sent;
			if (sent == 0 || (sent < n && zc_ok(p, zmp, bufs[total])))
				break; /* the queue is full */
			continue;
		}
		/*
		 * Single-segment mbufs go as they are; a chain goes alone, through
		 * the bounce buffer; the run stops at an mbuf that goes without a copy.
		 */
		for (k = 0; k < n; k++) {
			struct rte_mbuf *m = bufs[total + k];

			if (zmp != NULL && k != 0 && zc_ok(p, zmp, m))
				break;
			if (unlikely(tx_needs_fix(p, m))) {
				if (k != 0)
					break;
				/* Copied whole into the bounce buffer, finished there. */
				tq->v[0].data = NULL;
				if (m->pkt_len <= NVM_TSO_MAX) {
					const void *d =
						rte_pktmbuf_read(m, 0, m->pkt_len, tq->bounce);

					if (d != tq->bounce)
						memcpy(tq->bounce, d, m->pkt_len);
					tx_fix(p, m, tq->bounce, m->pkt_len, &tq->v[0].hdr);
					tq->v[0].data = tq->bounce;
				}
				tq->v[0].len = m->pkt_len;
				k = 1;
				break;
			}
			if (m->nb_segs != 1) {
				if (k != 0)
					break;
				/*
				 * rte_pktmbuf_read() copies into the bounce buffer only
				 * when the bytes span segments: a chain whose first
				 * segment holds them all is read where it is (a send
				 * only reads the data: the const goes).
				 */
				tq->v[0].data = m->pkt_len > NVM_TSO_MAX
							? NULL
							: (void *)(uintptr_t)rte_pktmbuf_read(
								  m, 0, m->pkt_len, tq->bounce);
				tq->v[0].len = m->pkt_len;
				tx_offload(p, m, &tq->v[0].hdr);
				k = 1;
				break;
			}
			tq->v[k].data = rte_pktmbuf_mtod(m, void *);
			tq->v[k].len = m->data_len;
			tx_offload(p, m, &tq->v[k].hdr);
		}
		if (k == 1 && tq->v[0].data == NULL) {
			sent = 1; /* an oversized chain: dropped */
			tq->errors++;
		} else {
			sent = tx_some(tq, k);
		}
		bytes = 0;
		for (i = 0; i < sent; i++)
			bytes += bufs[total + i]->pkt_len;
		tq->bytes += bytes;
		rte_pktmbuf_free_bulk(&bufs[total], sent);
		total += sent;
		if (sent < k)
			break;
	}
	if (p->a.role == RTE_VMSG_BUS_DRIVER)
		leave(tq->busy);
	tq->packets += total;
	return (uint16_t)total;
}
