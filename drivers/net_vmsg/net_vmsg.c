/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg: a DPDK ethdev whose ports are virtio-net devices over
 * virtio-msg (ARCHITECTURE §2.8), in the driver role (attach a bus file or a
 * bare AMP link and drive the device in it: rte_vmsg_net_drv_*) or the
 * device role (create it and be the device: rte_vmsg_net_dev_*, APP
 * backend).
 *
 * Threads. The bursts run on the application's lcores, one per queue as
 * ethdev wants. Everything that talks to the bus (polls, bring-up, resets,
 * lost peers) runs on one control thread per port, from probe to close,
 * which never touches a packet. In the device role the library's per-pair
 * gate keeps the bursts idle while the device changes. In the driver role
 * the handle itself is replaced after a lost peer: each burst raises its
 * queue's busy word, then reads the port's live word; the control thread
 * clears live and waits for every busy word to fall before it resets or
 * destroys the handle (a Dekker pair, no lock). The store-load order each
 * side needs is a full barrier on the control thread's side only, where the
 * kernel has membarrier(PRIVATE_EXPEDITED): it runs a full barrier on every
 * CPU running a thread of the process (a thread not running passed one when
 * it was switched out), so either it comes after a burst's busy store and
 * the control thread sees busy, or before the burst's live load, which
 * then sees live cleared; the burst itself only keeps the compiler from
 * reordering. Without membarrier both sides use a full barrier.
 *
 * Link changes are reported through rte_eal_alarm: the control thread sets
 * an alarm whose callback, on DPDK's interrupt thread, updates the link and
 * runs the LSC callbacks.
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_alarm.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_kvargs.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_transport.h>

#include "net_vmsg_args.h"

#define NVM_BURST 32u
#define NVM_TSO_MAX 65536u     /* largest packet sent with TSO (bounce buffer) */
#define NVM_POLL_BUSY_US 20u   /* control thread: between polls while things happen */
#define NVM_POLL_IDLE_US 1000u /* control thread: between polls when idle */
#define NVM_ATTACH_RETRY_NS 200000000ull
#define NVM_LINK_WAIT_NS 1000000000ull
#define NVM_INIT_RETRY_NS 1000000000ull

RTE_LOG_REGISTER_DEFAULT(nvm_logtype, NOTICE);
#define NVM_LOG(level, p, fmt, ...) \
	rte_log(RTE_LOG_##level, nvm_logtype, "net_vmsg: %s: " fmt "\n", (p)->name, ##__VA_ARGS__)

struct nvm_port;

struct nvm_rxq {
	struct nvm_port *p;
	uint16_t q;
	uint16_t port_id;
	uint32_t busy;	/* driver role: a burst runs (see the file comment) */
	uint32_t broke; /* driver role: the helper said -EIO; the control thread resets */
	struct rte_mempool *mp;
	uint32_t cap;	   /* bytes an mbuf of @c mp takes after its headroom */
	uint32_t data_off; /* from an mbuf of @c mp to its data once reset */
	uint32_t hole;	   /* stash[0 .. hole) are empty, stash[hole ..] hold fresh mbufs */
	uint64_t packets, bytes, nombuf;
	struct rte_mbuf *stash[NVM_BURST];
	struct rte_vmsg_net_pkt v[NVM_BURST]; /* v[i].data: stash[i]'s data */
} __rte_cache_aligned;

struct nvm_txq {
	struct nvm_port *p;
	uint16_t q;
	uint32_t busy;
	uint32_t broke;
	uint64_t packets, bytes, errors;
	uint8_t *bounce; /* multi-segment packets are made contiguous here */
	struct rte_vmsg_net_pkt v[NVM_BURST];
} __rte_cache_aligned;

enum nvm_drv_state { NVM_ATTACH, NVM_LINK, NVM_UP };

/* Counters of the library's handles, kept across handles (driver role replaces them). */
struct nvm_lib_counts {
	uint64_t rx_drops, rx_errors, tx_drops, tx_errors, broken;
};

struct nvm_port {
	char name[RTE_DEV_NAME_MAX_LEN];
	struct nvm_args a;
	struct rte_eth_dev *eth;
	uint16_t nq; /* queue pairs (queues=) */

	/* Control thread's (and probe/close's) */
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_bus_shm *shm;
	struct rte_vmsg_region *link_rg; /* bus=amp */
	struct rte_vmsg_region *mem_rg[NVM_MAX_MEM];
	uint32_t nmem;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_bus_amp *amp;
	struct rte_vmsg_net_dev *ndev;
	struct rte_vmsg_net_drv *ndrv;
	enum nvm_drv_state st;
	uint64_t next_ns;
	uint64_t peer_lost_seen;
	int said_waiting;
	int connected, driver_ok;
	pthread_t ctl;
	int ctl_running;
	uint32_t stop;

	/* Shared: fast path reads, control thread writes */
	uint32_t live; /* driver role: the handle may be used */
	bool asym;     /* quiesce() fences the lcores with membarrier (set at probe) */
	uint32_t link; /* 1: up (reported by link_update and the LSC alarm) */
	uint32_t started;
	uint64_t feat; /* negotiated virtio-net features of the live handle (driver role) */

	/* Under @c lock: the handles vs the stats calls */
	pthread_mutex_t lock;
	struct nvm_lib_counts gone; /* of destroyed handles */
	uint64_t resets, peer_lost, link_ups, link_downs;

	uint16_t mtu;
	struct rte_ether_addr mac;
	struct nvm_rxq *rxq[NVM_MAX_QUEUES];
	struct nvm_txq *txq[NVM_MAX_QUEUES];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int nvm_membarrier(int cmd)
{
	return (int)syscall(SYS_membarrier, cmd, 0u, 0);
}

/* Whether quiesce() can use membarrier (registers the process for it). */
static bool nvm_asym_init(void)
{
	int q = nvm_membarrier(MEMBARRIER_CMD_QUERY);

	if (q < 0 || (q & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0 ||
	    (q & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
		return false;
	return nvm_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
}

/* ------------------------------------------------------------------------ */
/* Fast path                                                                 */
/* ------------------------------------------------------------------------ */

/*
 * Driver role: the burst may use the handle. M_Q1: the busy store before the
 * live load; pairs with M_Q2 in quiesce(). With p->asym the full barrier is
 * quiesce()'s membarrier, which runs one on this thread's CPU: here a
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

/* R_Q2: the burst's use of the handle before busy falls; pairs with A_Q2 in quiesce(). */
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
	m->ol_flags = f;
}

static uint16_t nvm_rx_burst(void *queue, struct rte_mbuf **bufs, uint16_t nb)
{
	struct nvm_rxq *rq = queue;
	struct nvm_port *p = rq->p;
	uint32_t n = nb < NVM_BURST ? nb : NVM_BURST, h = rq->hole, m, i;
	uint64_t bytes = 0;
	int got;

	if (p->a.role == RTE_VMSG_BUS_DRIVER && !enter(&rq->busy, p))
		return 0;
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
		got = rte_vmsg_net_dev_take_burst(p->ndev, rq->q, &rq->v[h], m);
	if (p->a.role == RTE_VMSG_BUS_DRIVER)
		leave(&rq->busy);
	if (unlikely(got == -EIO) && p->a.role == RTE_VMSG_BUS_DRIVER)
		__atomic_store_n(&rq->broke, 1, __ATOMIC_RELAXED); /* counted by the library */
	if (got <= 0)
		return 0;
	for (i = 0; i < (uint32_t)got; i++) {
		struct rte_mbuf *mb = rq->stash[h + i];
		const struct rte_vmsg_net_pkt *v = &rq->v[h + i];

		mb->data_len = (uint16_t)v->len;
		mb->pkt_len = v->len;
		mb->port = rq->port_id;
		rx_offload(mb, &v->hdr);
		bufs[i] = mb;
		bytes += v->len;
	}
	/* Slots [0, h + got) are empty now: the next burst fills them. */
	rq->hole = h + (uint32_t)got;
	rq->packets += (uint64_t)got;
	rq->bytes += bytes;
	return (uint16_t)got;
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
	if ((f & RTE_MBUF_F_TX_TCP_SEG) != 0 &&
	    (p->feat & ((1ull << RTE_VMSG_NET_F_HOST_TSO4) | (1ull << RTE_VMSG_NET_F_HOST_TSO6)))) {
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

static inline int tx_call(struct nvm_port *p, uint16_t q, const struct rte_vmsg_net_pkt *v,
			  uint32_t n)
{
	if (p->a.role == RTE_VMSG_BUS_DRIVER)
		return rte_vmsg_net_drv_tx_burst(p->ndrv, q, v, n);
	return rte_vmsg_net_dev_give_burst(p->ndev, q, v, n);
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
			__atomic_store_n(&tq->broke, 1,
					 __ATOMIC_RELAXED); /* counted by the library */
		if (rc <= 0)
			break;
		done += (uint32_t)rc;
		if ((uint32_t)rc < n - done + (uint32_t)rc)
			break; /* the queue is full: the rest stays with the caller */
	}
	return done;
}

static uint16_t nvm_tx_burst(void *queue, struct rte_mbuf **bufs, uint16_t nb)
{
	struct nvm_txq *tq = queue;
	struct nvm_port *p = tq->p;
	uint32_t total = 0, n, i, k, sent;
	uint64_t bytes;

	if (p->a.role == RTE_VMSG_BUS_DRIVER && !enter(&tq->busy, p))
		return 0;
	while (total < nb) {
		n = nb - total < NVM_BURST ? nb - total : NVM_BURST;
		/* Single-segment mbufs go as they are; a chain goes alone, through the bounce buffer. */
		for (k = 0; k < n; k++) {
			struct rte_mbuf *m = bufs[total + k];

			if (m->nb_segs != 1) {
				if (k != 0)
					break;
				if (m->pkt_len > NVM_TSO_MAX ||
				    rte_pktmbuf_read(m, 0, m->pkt_len, tq->bounce) == NULL)
					tq->v[0].data = NULL;
				else
					tq->v[0].data = tq->bounce;
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
		leave(&tq->busy);
	tq->packets += total;
	return (uint16_t)total;
}

/* ------------------------------------------------------------------------ */
/* Link state                                                                */
/* ------------------------------------------------------------------------ */

static void fill_link(const struct nvm_port *p, struct rte_eth_link *l)
{
	memset(l, 0, sizeof(*l));
	l->link_speed = RTE_ETH_SPEED_NUM_UNKNOWN;
	l->link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	l->link_autoneg = RTE_ETH_LINK_FIXED;
	l->link_status = __atomic_load_n(&p->link, __ATOMIC_ACQUIRE) && p->started
				 ? RTE_ETH_LINK_UP
				 : RTE_ETH_LINK_DOWN;
}

/* On DPDK's interrupt thread: the link changed. */
static void lsc_alarm(void *arg)
{
	struct rte_eth_dev *dev = arg;
	struct nvm_port *p = dev->data->dev_private;
	struct rte_eth_link l;

	fill_link(p, &l);
	if (rte_eth_linkstatus_set(dev, &l) != 0)
		return; /* no change since the last report (-1) */
	if (dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

static void set_link(struct nvm_port *p, uint32_t up)
{
	if (__atomic_load_n(&p->link, __ATOMIC_RELAXED) == up)
		return;
	__atomic_store_n(&p->link, up, __ATOMIC_RELEASE);
	pthread_mutex_lock(&p->lock);
	if (up)
		p->link_ups++;
	else
		p->link_downs++;
	pthread_mutex_unlock(&p->lock);
	NVM_LOG(INFO, p, "link %s", up ? "up" : "down");
	rte_eal_alarm_set(1, lsc_alarm, p->eth);
}

/* ------------------------------------------------------------------------ */
/* Control thread                                                            */
/* ------------------------------------------------------------------------ */

static void fold_handle(struct nvm_port *p)
{
	struct rte_vmsg_net_queue_stats rx, tx;
	uint32_t q;

	for (q = 0; q < p->nq; q++) {
		if (rte_vmsg_net_drv_stats_get(p->ndrv, 2 * q, &rx, NULL) != 0 ||
		    rte_vmsg_net_drv_stats_get(p->ndrv, 2 * q + 1, &tx, NULL) != 0)
			continue;
		p->gone.rx_drops += rx.drops;
		p->gone.rx_errors += rx.errors;
		p->gone.tx_drops += tx.drops;
		p->gone.tx_errors += tx.errors;
		p->gone.broken += rx.broken + tx.broken;
	}
}

/* Driver role: stops the bursts from using the handle, and waits for those running. */
static void quiesce(struct nvm_port *p)
{
	uint32_t q;

	__atomic_store_n(&p->live, 0, __ATOMIC_RELAXED);
	/* M_Q2: the live store before the busy loads; pairs with M_Q1 in enter(). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (p->asym)
		nvm_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
	for (q = 0; q < p->nq; q++) {
		/* A_Q2: pairs with R_Q2 in leave(). */
		while (p->rxq[q] != NULL && __atomic_load_n(&p->rxq[q]->busy, __ATOMIC_ACQUIRE))
			rte_pause();
		while (p->txq[q] != NULL && __atomic_load_n(&p->txq[q]->busy, __ATOMIC_ACQUIRE))
			rte_pause();
	}
}

static int map_file(const char *path, uint64_t base, struct rte_vmsg_region **out)
{
	struct rte_vmsg_region_opts ro;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.path = path;
	ro.bus_addr = base;
	return rte_vmsg_region_create(&ro, out);
}

static void amp_close(struct nvm_port *p)
{
	uint32_t i;

	rte_vmsg_bus_destroy(p->bus);
	p->bus = NULL;
	rte_vmsg_bus_amp_destroy(p->amp);
	p->amp = NULL;
	rte_vmsg_memmap_destroy(p->map);
	p->map = NULL;
	for (i = 0; i < p->nmem; i++)
		rte_vmsg_region_destroy(p->mem_rg[i]);
	p->nmem = 0;
	rte_vmsg_region_destroy(p->link_rg);
	p->link_rg = NULL;
}

/* bus=amp: the link file (created with size= by a device when missing), mem= files, the link. */
static int amp_open(struct nvm_port *p)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_bus_opts bo;
	uint32_t i;
	int rc;

	rc = map_file(p->a.file, 0, &p->link_rg);
	if (rc == -ENOENT && p->a.size != 0 && p->a.role == RTE_VMSG_BUS_DEVICE) {
		memset(&ro, 0, sizeof(ro));
		ro.sz = sizeof(ro);
		ro.kind = RTE_VMSG_REGION_KIND_FILE;
		ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE | RTE_VMSG_REGION_OPT_UNLINK;
		ro.path = p->a.file;
		ro.size = (size_t)p->a.size;
		rc = rte_vmsg_region_create(&ro, &p->link_rg);
	}
	if (rc < 0)
		goto fail;
	if (p->a.offset >= rte_vmsg_region_len(p->link_rg)) {
		rc = -EINVAL;
		goto fail;
	}
	for (i = 0; i < p->a.nmem; i++) {
		rc = map_file(p->a.mem[i], p->a.mem_base[i], &p->mem_rg[i]);
		if (rc < 0)
			goto fail;
		p->nmem++;
	}
	rc = rte_vmsg_memmap_create(&p->map);
	for (i = 0; rc == 0 && i < p->nmem; i++)
		rc = rte_vmsg_memmap_add(p->map, p->mem_rg[i]);
	if (rc == 0 && p->nmem == 0)
		rc = rte_vmsg_memmap_add(p->map, p->link_rg);
	if (rc < 0)
		goto fail;
	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = p->a.role;
	ao.region = p->link_rg;
	ao.offset = p->a.offset;
	ao.layout = p->a.layout;
	if (p->a.role == RTE_VMSG_BUS_DEVICE && p->a.layout == RTE_VMSG_AMP_LAYOUT_V1) {
		ao.num_elems = p->a.elems;
		ao.elem_size = p->a.esize;
	}
	ao.map = p->map;
	rc = rte_vmsg_bus_amp_create(&ao, &p->amp);
	if (rc < 0)
		goto fail;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = p->a.role;
	bo.payloads = p->a.payloads;
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), p->amp, &p->bus);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	amp_close(p);
	return rc;
}

static void bus_close(struct nvm_port *p)
{
	if (p->amp != NULL || p->link_rg != NULL) {
		amp_close(p);
		return;
	}
	rte_vmsg_bus_shm_close(p->shm, p->bus);
	p->shm = NULL;
	p->bus = NULL;
}

static uint64_t dma_bytes(const struct nvm_port *p)
{
	uint32_t qs = p->a.qsize != 0 ? p->a.qsize : 256u;
	uint32_t mtu = p->a.mtu != 0 ? p->a.mtu : 1500u;
	uint64_t txbuf = ((uint64_t)mtu + 12u + 18u + 63u) & ~63ull;
	uint64_t per_q = (uint64_t)qs * (2048u + 64u) + (uint64_t)qs * txbuf;

	return (uint64_t)p->nq * per_q + (1ull << 20);
}

static int shm_open_(struct nvm_port *p, uint32_t role)
{
	struct rte_vmsg_bus_shm_open_opts oo;
	struct rte_vmsg_bus_shm_opts so;

	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = p->a.file;
	so.role = role;
	if (role == RTE_VMSG_BUS_DEVICE) {
		so.flags = RTE_VMSG_BUS_SHM_F_UNLINK;
		so.dma_size = dma_bytes(p);
	} else {
		so.flags = RTE_VMSG_BUS_SHM_F_ADOPT;
	}
	if (p->a.no_huge)
		so.flags |= RTE_VMSG_BUS_SHM_F_NO_HUGE;
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.flags = RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT;
	return rte_vmsg_bus_shm_open(&so, &oo, &p->shm, &p->bus);
}

static int bus_open(struct nvm_port *p)
{
	if (p->a.bus == NVM_BUS_AMP)
		return amp_open(p);
	return shm_open_(p, p->a.role);
}

static uint64_t peer_lost_now(const struct nvm_port *p)
{
	struct rte_vmsg_bus_stats bs;

	if (p->bus == NULL || rte_vmsg_bus_stats_get(p->bus, &bs) != 0)
		return p->peer_lost_seen;
	return bs.peer_lost;
}

/* Device role: one round. Returns nonzero when something happened. */
static int dev_round(struct nvm_port *p)
{
	int busy, conn, ok;
	uint64_t lost;

	busy = rte_vmsg_bus_poll(p->bus) > 0;
	busy |= rte_vmsg_net_dev_service(p->ndev) > 0;
	lost = peer_lost_now(p);
	if (lost != p->peer_lost_seen) {
		pthread_mutex_lock(&p->lock);
		p->peer_lost += lost - p->peer_lost_seen;
		pthread_mutex_unlock(&p->lock);
		p->peer_lost_seen = lost;
		NVM_LOG(NOTICE, p, "the driver went away");
	}
	conn = rte_vmsg_bus_connected(p->bus);
	ok = rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(p->ndev));
	if (p->driver_ok && !ok) {
		pthread_mutex_lock(&p->lock);
		p->resets++;
		pthread_mutex_unlock(&p->lock);
	}
	p->connected = conn;
	p->driver_ok = ok;
	set_link(p, conn == 1 && ok);
	return busy || !ok;
}

static void drv_detach(struct nvm_port *p)
{
	if (p->ndrv != NULL) {
		pthread_mutex_lock(&p->lock);
		fold_handle(p);
		rte_vmsg_net_drv_destroy(p->ndrv);
		p->ndrv = NULL;
		pthread_mutex_unlock(&p->lock);
	}
	bus_close(p);
}

static int drv_bringup(struct nvm_port *p)
{
	struct rte_vmsg_net_drv_opts o;
	struct rte_vmsg_net_config cfg;
	struct rte_vmsg_net_drv *nd;
	uint64_t dma_bus = 0, dma_size = 0, feat = 0;
	struct rte_vmsg_drv *h;
	void *dma = NULL;
	uint32_t b;
	int rc;

	if (p->amp != NULL) {
		dma = rte_vmsg_region_addr(p->mem_rg[0]);
		dma_bus = rte_vmsg_region_bus_addr(p->mem_rg[0]);
		dma_size = rte_vmsg_region_len(p->mem_rg[0]);
	} else {
		rte_vmsg_bus_shm_dma(p->shm, &dma, &dma_bus, &dma_size);
	}
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = p->bus;
	o.dev_num = p->a.dev_num;
	o.queue_pairs = p->nq;
	o.queue_size = p->a.qsize;
	o.dma_addr = dma;
	o.dma_bus_addr = dma_bus;
	o.dma_size = dma_size;
	o.notify = RTE_VMSG_NET_NOTIFY_POLL;
	o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	rc = rte_vmsg_net_drv_create(&o, &nd);
	if (rc < 0)
		return rc;
	if (rte_vmsg_net_drv_queue_pairs(nd) < p->nq) {
		NVM_LOG(ERR, p, "the device has %u queue pairs, queues=%u asked",
			rte_vmsg_net_drv_queue_pairs(nd), p->nq);
		rte_vmsg_net_drv_destroy(nd);
		return -ENOTSUP;
	}
	h = rte_vmsg_net_drv_handle(nd);
	for (b = 0; b < 64; b++)
		if (rte_vmsg_drv_has_feature(h, b))
			feat |= 1ull << b;
	if (rte_vmsg_net_drv_config(nd, &cfg) == 0) {
		if ((feat & (1ull << RTE_VMSG_NET_F_MAC)) && !p->a.have_mac)
			memcpy(p->mac.addr_bytes, cfg.mac, 6);
		if (feat & (1ull << RTE_VMSG_NET_F_MTU))
			p->mtu = rte_vmsg_le16_to_cpu(cfg.mtu);
	}
	pthread_mutex_lock(&p->lock);
	p->ndrv = nd;
	pthread_mutex_unlock(&p->lock);
	p->feat = feat;
	return 0;
}

static void drv_down(struct nvm_port *p, const char *why)
{
	quiesce(p);
	set_link(p, 0);
	drv_detach(p);
	p->st = NVM_ATTACH;
	p->next_ns = now_ns() + NVM_ATTACH_RETRY_NS;
	p->said_waiting = 0;
	NVM_LOG(NOTICE, p, "%s; attaching again", why);
}

/* Tests and clears the broken marks of pair @p q. */
static int pair_broke(struct nvm_port *p, uint32_t q)
{
	int b = 0;

	if (p->rxq[q] != NULL)
		b |= (int)__atomic_exchange_n(&p->rxq[q]->broke, 0, __ATOMIC_RELAXED);
	if (p->txq[q] != NULL)
		b |= (int)__atomic_exchange_n(&p->txq[q]->broke, 0, __ATOMIC_RELAXED);
	return b;
}

static int queues_broke(const struct nvm_port *p)
{
	uint32_t q;

	for (q = 0; q < p->nq; q++)
		if ((p->rxq[q] != NULL && __atomic_load_n(&p->rxq[q]->broke, __ATOMIC_RELAXED)) ||
		    (p->txq[q] != NULL && __atomic_load_n(&p->txq[q]->broke, __ATOMIC_RELAXED)))
			return 1;
	return 0;
}

/* Driver role: one round. Returns nonzero when something happened. */
static int drv_round(struct nvm_port *p)
{
	uint64_t now = now_ns(), lost;
	uint32_t q;
	int rc, busy;

	switch (p->st) {
	case NVM_ATTACH:
		if (now < p->next_ns)
			return 0;
		rc = bus_open(p);
		if (rc < 0) {
			if (!p->said_waiting)
				NVM_LOG(NOTICE, p, "waiting for the device file %s (%s)", p->a.file,
					strerror(-rc));
			p->said_waiting = 1;
			p->next_ns = now + NVM_ATTACH_RETRY_NS;
			return 0;
		}
		p->peer_lost_seen = peer_lost_now(p);
		p->st = NVM_LINK;
		p->next_ns = now + NVM_LINK_WAIT_NS;
		return 1;
	case NVM_LINK:
		rte_vmsg_bus_poll(p->bus);
		p->peer_lost_seen = peer_lost_now(p);
		if (rte_vmsg_bus_connected(p->bus) != 1) {
			if (now > p->next_ns) {
				drv_detach(
					p); /* a dead device's file: map it again, it may be new */
				p->st = NVM_ATTACH;
			}
			return 0;
		}
		rc = drv_bringup(p);
		if (rc < 0) {
			NVM_LOG(NOTICE, p, "bringing the device up failed: %s; retrying",
				strerror(-rc));
			drv_detach(p);
			p->st = NVM_ATTACH;
			p->next_ns = now + NVM_INIT_RETRY_NS;
			return 0;
		}
		p->peer_lost_seen = peer_lost_now(p);
		p->said_waiting = 0;
		for (q = 0; q < p->nq; q++)
			(void)pair_broke(p, q); /* marks of the handle before: gone with it */
		p->st = NVM_UP;
		__atomic_store_n(&p->live, 1, __ATOMIC_RELEASE); /* R_Q1 */
		set_link(p, 1);
		return 1;
	case NVM_UP:
		break;
	}
	busy = rte_vmsg_bus_poll(p->bus) > 0;
	lost = peer_lost_now(p);
	if (lost != p->peer_lost_seen) {
		pthread_mutex_lock(&p->lock);
		p->peer_lost += lost - p->peer_lost_seen;
		pthread_mutex_unlock(&p->lock);
		p->peer_lost_seen = lost;
		drv_down(p, "the device went away");
		return 1;
	}
	if (rte_vmsg_bus_connected(p->bus) < 0) {
		pthread_mutex_lock(&p->lock);
		p->peer_lost++;
		pthread_mutex_unlock(&p->lock);
		drv_down(p, "the link broke");
		return 1;
	}
	if (queues_broke(p)) {
		/* A queue the driver found broken: that pair alone, else the device. */
		quiesce(p);
		for (q = 0; q < p->nq; q++) {
			if (!pair_broke(p, q))
				continue;
			rc = rte_vmsg_net_drv_queue_reset(p->ndrv, q);
			if (rc < 0)
				rc = rte_vmsg_net_drv_reset(p->ndrv);
			pthread_mutex_lock(&p->lock);
			p->resets++;
			pthread_mutex_unlock(&p->lock);
			if (rc < 0) {
				drv_down(p, "a broken queue could not be reset");
				return 1;
			}
			NVM_LOG(NOTICE, p, "queue pair %u broke: reset, carrying on", q);
		}
		__atomic_store_n(&p->live, 1, __ATOMIC_RELEASE); /* R_Q1 */
		return 1;
	}
	if (rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(p->ndrv))) {
		quiesce(p);
		rc = rte_vmsg_net_drv_reset(p->ndrv);
		pthread_mutex_lock(&p->lock);
		p->resets++;
		pthread_mutex_unlock(&p->lock);
		if (rc == 0) {
			NVM_LOG(NOTICE, p, "DEVICE_NEEDS_RESET: device reset, carrying on");
			__atomic_store_n(&p->live, 1, __ATOMIC_RELEASE); /* R_Q1 */
		} else {
			drv_down(p, "DEVICE_NEEDS_RESET: the reset failed");
		}
		return 1;
	}
	return busy;
}

static void *ctl_main(void *arg)
{
	struct nvm_port *p = arg;
	int busy;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		if (p->a.role == RTE_VMSG_BUS_DEVICE)
			busy = dev_round(p);
		else
			busy = drv_round(p);
		usleep(busy ? NVM_POLL_BUSY_US : NVM_POLL_IDLE_US);
	}
	return NULL;
}

/* ------------------------------------------------------------------------ */
/* ethdev ops                                                                */
/* ------------------------------------------------------------------------ */

static int nvm_configure(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;

	if (dev->data->nb_rx_queues > p->nq || dev->data->nb_tx_queues > p->nq) {
		NVM_LOG(ERR, p, "%u rx / %u tx queues asked, the port has queues=%u",
			dev->data->nb_rx_queues, dev->data->nb_tx_queues, p->nq);
		return -EINVAL;
	}
	return 0;
}

static int nvm_start(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;
	uint16_t i;

	p->started = 1;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	dev->data->dev_started = 1;
	rte_eal_alarm_set(1, lsc_alarm, dev);
	return 0;
}

static int nvm_stop(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;
	struct rte_eth_link l;
	uint16_t i;

	p->started = 0;
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	dev->data->dev_started = 0;
	fill_link(p, &l);
	rte_eth_linkstatus_set(dev, &l);
	return 0;
}

static void rxq_free(struct nvm_port *p, uint16_t q)
{
	struct nvm_rxq *rq = p->rxq[q];

	if (rq == NULL)
		return;
	if (rq->hole < NVM_BURST)
		rte_pktmbuf_free_bulk(&rq->stash[rq->hole], NVM_BURST - rq->hole);
	p->rxq[q] = NULL;
	rte_free(rq);
}

static void txq_free(struct nvm_port *p, uint16_t q)
{
	struct nvm_txq *tq = p->txq[q];

	if (tq == NULL)
		return;
	p->txq[q] = NULL;
	rte_free(tq->bounce);
	rte_free(tq);
}

static void port_free(struct nvm_port *p)
{
	uint16_t q;

	if (p->ctl_running) {
		__atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
		pthread_join(p->ctl, NULL);
		p->ctl_running = 0;
	}
	rte_eal_alarm_cancel(lsc_alarm, p->eth);
	quiesce(p);
	if (p->a.role == RTE_VMSG_BUS_DEVICE) {
		rte_vmsg_net_dev_destroy(p->ndev);
		p->ndev = NULL;
		bus_close(p);
	} else {
		drv_detach(p);
	}
	for (q = 0; q < NVM_MAX_QUEUES; q++) {
		rxq_free(p, q);
		txq_free(p, q);
	}
	pthread_mutex_destroy(&p->lock);
}

static int nvm_close(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	port_free(p);
	dev->data->mac_addrs = NULL; /* ours, in dev_private */
	return 0;
}

static int nvm_infos(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct nvm_port *p = dev->data->dev_private;

	info->max_rx_queues = p->nq;
	info->max_tx_queues = p->nq;
	info->max_mac_addrs = 1;
	info->min_mtu = 68;
	info->max_mtu = p->mtu;
	info->max_rx_pktlen = (uint32_t)p->mtu + RTE_ETHER_HDR_LEN + RTE_ETHER_CRC_LEN + 4u;
	info->min_rx_bufsize = 64;
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (p->a.role == RTE_VMSG_BUS_DRIVER) {
		/* What the driver helper asks for; used only when the device took it. */
		info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
					 RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO;
	}
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;
	info->rx_desc_lim.nb_max = 32768;
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.burst_size = NVM_BURST;
	info->default_txportconf.burst_size = NVM_BURST;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	return 0;
}

static int nvm_rxq_setup(struct rte_eth_dev *dev, uint16_t q, uint16_t nb_desc, unsigned int socket,
			 const struct rte_eth_rxconf *conf, struct rte_mempool *mp)
{
	struct nvm_port *p = dev->data->dev_private;
	struct nvm_rxq *rq;
	uint32_t room = rte_pktmbuf_data_room_size(mp), i;

	(void)nb_desc;
	(void)conf;
	if (q >= p->nq || room <= RTE_PKTMBUF_HEADROOM)
		return -EINVAL;
	/* Pools whose mbufs carry pinned external buffers: the data is elsewhere. */
	if ((rte_pktmbuf_priv_flags(mp) & RTE_PKTMBUF_POOL_F_PINNED_EXT_BUF) != 0) {
		NVM_LOG(ERR, p,
			"Rx queue %u: a mempool of pinned external buffers is not supported", q);
		return -ENOTSUP;
	}
	rxq_free(p, q);
	rq = rte_zmalloc_socket("net_vmsg_rxq", sizeof(*rq), RTE_CACHE_LINE_SIZE, (int)socket);
	if (rq == NULL)
		return -ENOMEM;
	rq->p = p;
	rq->q = q;
	rq->port_id = dev->data->port_id;
	rq->mp = mp;
	rq->cap = room - RTE_PKTMBUF_HEADROOM;
	rq->data_off = (uint32_t)sizeof(struct rte_mbuf) + rte_pktmbuf_priv_size(mp) +
		       RTE_PKTMBUF_HEADROOM;
	for (i = 0; i < NVM_BURST; i++)
		rq->v[i].cap = rq->cap; /* the library writes len and hdr only */
	rq->hole = NVM_BURST;		/* filled by the first burst */
	p->rxq[q] = rq;
	dev->data->rx_queues[q] = rq;
	return 0;
}

static int nvm_txq_setup(struct rte_eth_dev *dev, uint16_t q, uint16_t nb_desc, unsigned int socket,
			 const struct rte_eth_txconf *conf)
{
	struct nvm_port *p = dev->data->dev_private;
	struct nvm_txq *tq;

	(void)nb_desc;
	(void)conf;
	if (q >= p->nq)
		return -EINVAL;
	txq_free(p, q);
	tq = rte_zmalloc_socket("net_vmsg_txq", sizeof(*tq), RTE_CACHE_LINE_SIZE, (int)socket);
	if (tq == NULL)
		return -ENOMEM;
	tq->bounce =
		rte_malloc_socket("net_vmsg_bounce", NVM_TSO_MAX, RTE_CACHE_LINE_SIZE, (int)socket);
	if (tq->bounce == NULL) {
		rte_free(tq);
		return -ENOMEM;
	}
	tq->p = p;
	tq->q = q;
	p->txq[q] = tq;
	dev->data->tx_queues[q] = tq;
	return 0;
}

static void nvm_rxq_release(struct rte_eth_dev *dev, uint16_t q)
{
	struct nvm_port *p = dev->data->dev_private;

	if (q < NVM_MAX_QUEUES)
		rxq_free(p, q);
	dev->data->rx_queues[q] = NULL;
}

static void nvm_txq_release(struct rte_eth_dev *dev, uint16_t q)
{
	struct nvm_port *p = dev->data->dev_private;

	if (q < NVM_MAX_QUEUES)
		txq_free(p, q);
	dev->data->tx_queues[q] = NULL;
}

static int nvm_link_update(struct rte_eth_dev *dev, int wait)
{
	struct nvm_port *p = dev->data->dev_private;
	struct rte_eth_link l;

	(void)wait;
	fill_link(p, &l);
	return rte_eth_linkstatus_set(dev, &l);
}

/* The device forwards every frame to the other side: no filter to program. */
static int nvm_ok(struct rte_eth_dev *dev)
{
	(void)dev;
	return 0;
}

static int nvm_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct nvm_port *p = dev->data->dev_private;

	return mtu >= 68 && mtu <= p->mtu ? 0 : -EINVAL;
}

static int nvm_mac_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct nvm_port *p = dev->data->dev_private;

	p->mac = *addr; /* the port's own address; the device does not filter on it */
	return 0;
}

/* The library's counters of the live handle plus those of the handles gone. Under the lock. */
static void lib_counts(const struct nvm_port *p, struct nvm_lib_counts *c)
{
	struct rte_vmsg_net_queue_stats rx, tx;
	uint32_t q;
	int rc;

	*c = p->gone;
	for (q = 0; q < p->nq; q++) {
		if (p->a.role == RTE_VMSG_BUS_DEVICE) {
			if (p->ndev == NULL)
				break;
			rc = rte_vmsg_net_dev_stats_get(p->ndev, 2 * q, &rx, NULL);
			rc |= rte_vmsg_net_dev_stats_get(p->ndev, 2 * q + 1, &tx, NULL);
		} else {
			if (p->ndrv == NULL)
				break;
			rc = rte_vmsg_net_drv_stats_get(p->ndrv, 2 * q, &rx, NULL);
			rc |= rte_vmsg_net_drv_stats_get(p->ndrv, 2 * q + 1, &tx, NULL);
		}
		if (rc != 0)
			continue;
		c->rx_drops += rx.drops;
		c->rx_errors += rx.errors;
		c->tx_drops += tx.drops;
		c->tx_errors += tx.errors;
		c->broken += rx.broken + tx.broken;
	}
}

static int nvm_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *s)
{
	struct nvm_port *p = dev->data->dev_private;
	struct nvm_lib_counts c;
	uint16_t q;

	memset(s, 0, sizeof(*s));
	for (q = 0; q < p->nq; q++) {
		const struct nvm_rxq *rq = p->rxq[q];
		const struct nvm_txq *tq = p->txq[q];

		if (rq != NULL) {
			s->ipackets += rq->packets;
			s->ibytes += rq->bytes;
			s->rx_nombuf += rq->nombuf;
			if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
				s->q_ipackets[q] = rq->packets;
				s->q_ibytes[q] = rq->bytes;
			}
		}
		if (tq != NULL) {
			s->opackets += tq->packets;
			s->obytes += tq->bytes;
			s->oerrors += tq->errors;
			if (q < RTE_ETHDEV_QUEUE_STAT_CNTRS) {
				s->q_opackets[q] = tq->packets;
				s->q_obytes[q] = tq->bytes;
			}
		}
	}
	pthread_mutex_lock(&p->lock);
	lib_counts(p, &c);
	pthread_mutex_unlock(&p->lock);
	/*
	 * Driver role: the helper's receive errors are packets this side
	 * refused; its transmit drops, transmissions lost in a reset. Device
	 * role: receive drops are packets for which the driver had no buffer.
	 */
	if (p->a.role == RTE_VMSG_BUS_DRIVER) {
		s->ierrors += c.rx_errors;
		s->oerrors += c.tx_drops + c.tx_errors;
	} else {
		s->ierrors += c.tx_errors;
		s->oerrors += c.rx_drops + c.rx_errors;
	}
	return 0;
}

static int nvm_stats_reset(struct rte_eth_dev *dev)
{
	struct nvm_port *p = dev->data->dev_private;
	uint16_t q;

	for (q = 0; q < p->nq; q++) {
		if (p->rxq[q] != NULL) {
			p->rxq[q]->packets = 0;
			p->rxq[q]->bytes = 0;
			p->rxq[q]->nombuf = 0;
		}
		if (p->txq[q] != NULL) {
			p->txq[q]->packets = 0;
			p->txq[q]->bytes = 0;
			p->txq[q]->errors = 0;
		}
	}
	return 0;
}

static const char *const xnames[] = {
	"broken_queues", "resets",	  "peer_lost",	  "link_ups",	   "link_downs",
	"lib_rx_drops",	 "lib_rx_errors", "lib_tx_drops", "lib_tx_errors",
};
#define NVM_NXSTATS (sizeof(xnames) / sizeof(xnames[0]))

static int nvm_xstats_names(struct rte_eth_dev *dev, struct rte_eth_xstat_name *names,
			    unsigned int size)
{
	unsigned int i;

	(void)dev;
	if (names == NULL || size < NVM_NXSTATS)
		return (int)NVM_NXSTATS;
	for (i = 0; i < NVM_NXSTATS; i++)
		snprintf(names[i].name, sizeof(names[i].name), "%s", xnames[i]);
	return (int)NVM_NXSTATS;
}

static int nvm_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs, unsigned int n)
{
	struct nvm_port *p = dev->data->dev_private;
	struct nvm_lib_counts c;
	uint64_t v[NVM_NXSTATS];
	unsigned int i;

	if (xs == NULL || n < NVM_NXSTATS)
		return (int)NVM_NXSTATS;
	pthread_mutex_lock(&p->lock);
	lib_counts(p, &c);
	v[0] = c.broken;
	v[1] = p->resets;
	v[2] = p->peer_lost;
	v[3] = p->link_ups;
	v[4] = p->link_downs;
	pthread_mutex_unlock(&p->lock);
	v[5] = c.rx_drops;
	v[6] = c.rx_errors;
	v[7] = c.tx_drops;
	v[8] = c.tx_errors;
	for (i = 0; i < NVM_NXSTATS; i++) {
		xs[i].id = i;
		xs[i].value = v[i];
	}
	return (int)NVM_NXSTATS;
}

static const struct eth_dev_ops nvm_ops = {
	.dev_configure = nvm_configure,
	.dev_start = nvm_start,
	.dev_stop = nvm_stop,
	.dev_close = nvm_close,
	.dev_infos_get = nvm_infos,
	.rx_queue_setup = nvm_rxq_setup,
	.tx_queue_setup = nvm_txq_setup,
	.rx_queue_release = nvm_rxq_release,
	.tx_queue_release = nvm_txq_release,
	.link_update = nvm_link_update,
	.promiscuous_enable = nvm_ok,
	.promiscuous_disable = nvm_ok,
	.allmulticast_enable = nvm_ok,
	.allmulticast_disable = nvm_ok,
	.mtu_set = nvm_mtu_set,
	.mac_addr_set = nvm_mac_set,
	.stats_get = nvm_stats_get,
	.stats_reset = nvm_stats_reset,
	.xstats_get = nvm_xstats_get,
	.xstats_get_names = nvm_xstats_names,
};

/* ------------------------------------------------------------------------ */
/* Probe / remove                                                            */
/* ------------------------------------------------------------------------ */

static int dev_create(struct nvm_port *p)
{
	struct rte_vmsg_net_dev_opts no;
	int rc;

	rc = bus_open(p);
	if (rc == -EEXIST) {
		NVM_LOG(ERR, p, "%s exists (another process uses it, or it was left behind)",
			p->a.file);
		return rc;
	}
	if (rc < 0) {
		NVM_LOG(ERR, p, "creating the bus on %s: %s", p->a.file, strerror(-rc));
		return rc;
	}
	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = p->bus;
	no.map = rte_vmsg_bus_memmap(p->bus);
	no.dev_num = p->a.dev_num;
	no.max_queue_pairs = p->nq;
	no.mtu = p->mtu;
	no.queue_size = p->a.qsize;
	no.backend = RTE_VMSG_NET_BACKEND_APP;
	no.notify = p->a.notify;
	memcpy(no.mac, p->mac.addr_bytes, 6);
	rc = rte_vmsg_net_dev_create(&no, &p->ndev);
	if (rc < 0) {
		NVM_LOG(ERR, p, "creating the virtio-net device: %s", strerror(-rc));
		bus_close(p);
	}
	return rc;
}

static int nvm_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	struct rte_eth_dev *dev;
	struct nvm_port *p;
	struct nvm_args a;
	char why[512];
	int rc;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY) {
		RTE_LOG(ERR, PMD, "net_vmsg: %s: secondary processes are not supported\n", name);
		return -ENOTSUP;
	}
	if (nvm_args_parse(rte_vdev_device_args(vdev), &a, why, sizeof(why)) < 0) {
		RTE_LOG(ERR, PMD, "net_vmsg: %s: bad devargs: %s\n", name, why);
		return -EINVAL;
	}
	dev = rte_eth_vdev_allocate(vdev, sizeof(*p));
	if (dev == NULL)
		return -ENOMEM;
	p = dev->data->dev_private;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->a = a;
	p->eth = dev;
	p->nq = a.queues;
	p->mtu = a.mtu != 0 ? a.mtu : 1500;
	pthread_mutex_init(&p->lock, NULL);
	if (a.have_mac) {
		memcpy(p->mac.addr_bytes, a.mac, 6);
	} else {
		rte_eth_random_addr(p->mac.addr_bytes);
	}
	dev->data->mac_addrs = &p->mac;
	dev->data->dev_flags |= RTE_ETH_DEV_INTR_LSC | RTE_ETH_DEV_AUTOFILL_QUEUE_XSTATS;
	dev->dev_ops = &nvm_ops;
	dev->rx_pkt_burst = nvm_rx_burst;
	dev->tx_pkt_burst = nvm_tx_burst;

	if (a.role == RTE_VMSG_BUS_DEVICE) {
		rc = dev_create(p);
		if (rc < 0)
			goto fail;
	} else {
		p->st = NVM_ATTACH;
		p->next_ns = 0;
		p->asym = nvm_asym_init();
	}
	rc = rte_ctrl_thread_create(&p->ctl, "net_vmsg-ctl", NULL, ctl_main, p);
	if (rc != 0) {
		rc = -rc;
		NVM_LOG(ERR, p, "no control thread: %s", strerror(-rc));
		goto fail;
	}
	p->ctl_running = 1;
	rte_eth_dev_probing_finish(dev);
	NVM_LOG(INFO, p, "%s role on %s, %u queue pair(s)",
		a.role == RTE_VMSG_BUS_DEVICE ? "device" : "driver", a.file, p->nq);
	return 0;
fail:
	port_free(p);
	dev->data->mac_addrs = NULL;
	rte_eth_dev_release_port(dev);
	return rc;
}

static int nvm_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));

	if (dev == NULL)
		return 0; /* closed already */
	nvm_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver nvm_driver = {
	.probe = nvm_probe,
	.remove = nvm_remove,
};

RTE_PMD_REGISTER_VDEV(net_vmsg, nvm_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_vmsg, NVM_ARGS_HELP);
