/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg's control thread, one per port from probe to close: everything
 * that talks to the bus (polls, the driver's bring-up, resets, lost peers,
 * the device's service), the link state and its LSC alarm. It never
 * touches a packet; net_vmsg.c's file comment tells how it and the bursts
 * share a port.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <rte_alarm.h>
#include <rte_errno.h>
#include <rte_mempool.h>
#include <rte_pause.h>

#ifdef NVM_HAVE_PCIE
#include <rte_vmsg_pcie.h>
#endif

#include "net_vmsg_priv.h"

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

/* Whether nvm_quiesce() can use membarrier (registers the process for it). */
bool nvm_asym_init(void)
{
	int q = nvm_membarrier(MEMBARRIER_CMD_QUERY);

	if (q < 0 || (q & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0 ||
	    (q & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0)
		return false;
	return nvm_membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED) == 0;
}

/* ------------------------------------------------------------------------ */
/* Link state                                                                */
/* ------------------------------------------------------------------------ */

void nvm_fill_link(const struct nvm_port *p, struct rte_eth_link *l)
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
void nvm_lsc_alarm(void *arg)
{
	struct rte_eth_dev *dev = arg;
	struct nvm_port *p = dev->data->dev_private;
	struct rte_eth_link l;

	nvm_fill_link(p, &l);
	if (rte_eth_linkstatus_set(dev, &l) != 0)
		return; /* no change since the last report (-1) */
	if (dev->data->dev_conf.intr_conf.lsc)
		rte_eth_dev_callback_process(dev, RTE_ETH_EVENT_INTR_LSC, NULL);
}

static void set_link(struct nvm_port *p, uint32_t up)
{
	uint64_t f;

	if (__atomic_load_n(&p->link, __ATOMIC_RELAXED) == up)
		return;
	__atomic_store_n(&p->link, up, __ATOMIC_RELEASE);
	pthread_mutex_lock(&p->lock);
	if (up)
		p->link_ups++;
	else
		p->link_downs++;
	f = p->neg_feat;
	pthread_mutex_unlock(&p->lock);
	if (up)
		NVM_LOG(INFO, p, "link up: %s ring%s",
			(f >> RTE_VMSG_VIRTIO_F_RING_PACKED) & 1 ? "packed" : "split",
			(f >> RTE_VMSG_VIRTIO_F_IN_ORDER) & 1 ? ", in-order" : "");
	else
		NVM_LOG(INFO, p, "link down");
	rte_eal_alarm_set(1, nvm_lsc_alarm, p->eth);
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
		nvm_counts_add(&p->gone, &rx, &tx);
	}
}

/* Driver role: stops the bursts from using the handle, and waits for those running. */
void nvm_quiesce(struct nvm_port *p)
{
	uint32_t q;

	__atomic_store_n(&p->live, 0, __ATOMIC_RELAXED);
	/* M_Q2: the live store before the busy loads; pairs with M_Q1 in enter() (net_vmsg_rxtx.c). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (p->asym)
		nvm_membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED);
	for (q = 0; q < p->nq; q++) {
		/* A_Q2: pairs with R_Q2 in leave() (net_vmsg_rxtx.c). */
		while (__atomic_load_n(&p->rxw[q].busy, __ATOMIC_ACQUIRE))
			rte_pause();
		while (__atomic_load_n(&p->txw[q].busy, __ATOMIC_ACQUIRE))
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
	bo.peer_timeout_ms = p->a.peer_timeout_ms; /* a bare link has no heartbeat: PINGs */
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), p->amp, &p->bus);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	amp_close(p);
	return rc;
}

void nvm_bus_close(struct nvm_port *p)
{
#ifdef NVM_HAVE_PCIE
	if (p->card != NULL) {
		rte_vmsg_pcie_close(p->card); /* its bus goes with it */
		p->card = NULL;
		p->bus = NULL;
		return;
	}
#endif
	if (p->amp != NULL || p->link_rg != NULL) {
		amp_close(p);
		return;
	}
	rte_vmsg_bus_shm_close(p->shm, p->bus);
	p->shm = NULL;
	p->bus = NULL;
}

/*
 * zerocopy=1: the pool's per-lcore cache for @p entries receive entries
 * in all: as many, within [NVM_ZCACHE_MIN, NVM_ZCACHE], so that small
 * queues (a card's DMA area in one 2 MiB hugepage) get a small pool.
 */
static uint32_t nvm_zcache(uint32_t entries)
{
	return entries < NVM_ZCACHE_MIN ? NVM_ZCACHE_MIN
	       : entries > NVM_ZCACHE	? NVM_ZCACHE
					: entries;
}

/*
 * The DMA area a device-role port makes for its driver: per pair, the two
 * rings and the buffers of a driver like lib/net's (2 KiB merged receive
 * buffers, transmit buffers of a frame, in one pool of the larger size for
 * its zero-copy forwarding; with tso=1, 64 KiB transmit buffers), plus
 * slack for the control queue.
 */
static uint64_t dma_bytes(const struct nvm_port *p)
{
	uint32_t qs = p->a.qsize != 0 ? p->a.qsize : 256u;
	uint32_t mtu = p->a.mtu != 0 ? p->a.mtu : 1500u;
	uint64_t txbuf = ((uint64_t)mtu + 12u + 18u + 63u) & ~63ull, per_q, zc = 0;

	if (p->a.tso)
		per_q = (uint64_t)qs * (2048u + 64u) + (uint64_t)qs * ((12u + 65550u + 63u) & ~63u);
	else
		per_q = (uint64_t)qs * (2u * (txbuf > 2048u ? txbuf : 2048u) + 64u);
	/*
	 * zerocopy=1: room for a zero-copy driver's mbuf pool too (three
	 * buffers per entry, the headroom and 2 KiB or a frame each, and the
	 * caches); see zc_pool().
	 */
	if (p->a.zerocopy)
		zc = (3ull * qs * p->nq + 4u * nvm_zcache(qs * p->nq)) *
		     (RTE_PKTMBUF_HEADROOM + (txbuf > NVM_ZELT_MIN ? txbuf : NVM_ZELT_MIN));
	return (uint64_t)p->nq * per_q + zc + (1ull << 20);
}

#ifdef NVM_HAVE_PCIE
static int nvm_stopping(void *arg);

/*
 * bus=pcie: opens the card through VFIO (the control thread polls the bus,
 * which brings the link up), with a DMA area for the pairs. The probe's
 * open does not wait: a card set up wrong fails it at once. The control
 * thread's (a card whose side had not written its layout, or one opened
 * again after a loss) waits up to NVM_PCIE_LINK_WAIT_NS for the layout the
 * card writes after the open's reset and then for the link, cancelled by
 * close, rather than resetting the card five times a second.
 */
static int pcie_open(struct nvm_port *p)
{
	struct rte_vmsg_pcie_opts o;
	uint64_t dma = dma_bytes(p);
	int rc;

	/* rte_vmsg_pcie_opts.dma_size: at most 1 GiB of host memory for the card. */
	if (dma > NVM_PCIE_DMA_MAX) {
		NVM_LOG(ERR, p,
			"bus=pcie: queues=%u, qsize=%u%s need %" PRIu64 " MiB of DMA memory, "
			"more than a card's %llu MiB: ask for fewer or smaller queues",
			p->nq, p->a.qsize != 0 ? p->a.qsize : 256u, p->a.tso ? ", tso=1" : "",
			dma >> 20, NVM_PCIE_DMA_MAX >> 20);
		return -EINVAL;
	}

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.flags = p->a.pcie_iova_pa ? RTE_VMSG_PCIE_F_IOVA_PA : 0;
	if (p->pcie_wait) {
		o.wait_ns = NVM_PCIE_LINK_WAIT_NS;
		o.cancel = nvm_stopping;
		o.cancel_arg = p;
	} else {
		o.flags |= RTE_VMSG_PCIE_F_NO_WAIT;
	}
	o.profile = p->a.pcie_profile;
	o.placement = p->a.pcie_placement;
	o.layout = p->a.pcie_layout;
	/* notify=event: the card's doorbell after each frame, its MSI-X vector armed. */
	o.notify = p->a.notify == RTE_VMSG_NET_NOTIFY_EVENT ? RTE_VMSG_PCIE_NOTIFY_EVENT
							    : RTE_VMSG_PCIE_NOTIFY_POLL;
	o.payloads = p->a.payloads;
	o.peer_timeout_ms = p->a.peer_timeout_ms;
	o.dma_size = dma > (2u << 20) ? dma : 0; /* 0: the driver's 2 MiB default */
	rc = rte_vmsg_pcie_open(p->a.file, &o, &p->card);
	if (rc < 0)
		return rc;
	p->bus = rte_vmsg_pcie_bus(p->card);
	return 0;
}
#endif

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
	so.peer_timeout_ms = p->a.peer_timeout_ms; /* the peer's heartbeat in the bus page */
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.flags = RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT;
	return rte_vmsg_bus_shm_open(&so, &oo, &p->shm, &p->bus);
}

int nvm_bus_open(struct nvm_port *p)
{
#ifdef NVM_HAVE_PCIE
	if (p->a.bus == NVM_BUS_PCIE)
		return pcie_open(p);
#endif
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

/* Folds the bus's new peer losses into the port's count; 1 when there were some. */
static int peer_lost_fold(struct nvm_port *p)
{
	uint64_t lost = peer_lost_now(p);

	if (lost == p->peer_lost_seen)
		return 0;
	pthread_mutex_lock(&p->lock);
	p->peer_lost += lost - p->peer_lost_seen;
	pthread_mutex_unlock(&p->lock);
	p->peer_lost_seen = lost;
	return 1;
}

/* Device role: one round. Returns nonzero when something happened. */
static int dev_round(struct nvm_port *p)
{
	int busy, conn, ok;

	busy = rte_vmsg_bus_poll(p->bus) > 0;
	busy |= rte_vmsg_net_dev_service(p->ndev) > 0;
	if (peer_lost_fold(p))
		NVM_LOG(NOTICE, p, "the driver went away");
	conn = rte_vmsg_bus_connected(p->bus);
	ok = rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(p->ndev));
	if (ok) {
		uint32_t blk[2] = { 0, 0 };
		uint64_t f;

		/*
		 * The driver's features, accepted before its DRIVER_OK; read each
		 * round, since a driver may reset and come back between two.
		 */
		(void)rte_vmsg_dev_features_get(rte_vmsg_net_dev_vdev(p->ndev), 0, blk, 2);
		f = blk[0] | (uint64_t)blk[1] << 32;
		if (f != p->neg_feat) {
			pthread_mutex_lock(&p->lock);
			p->neg_feat = f;
			pthread_mutex_unlock(&p->lock);
		}
	}
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

/* ------------------------------------------------------------------------ */
/* zerocopy=1: the mbuf pool over the DMA area                              */

/*
 * The handle's ext_release: a buffer it gives back at a reset or destroy
 * (control thread, bursts quiesced). A receive buffer's cookie has bit 0
 * set (net_vmsg_rxtx.c): it is no longer posted.
 */
static void zc_release(void *arg, uint32_t qp, void *cookie)
{
	struct nvm_port *p = arg;
	uintptr_t c = (uintptr_t)cookie;

	if ((c & 1u) != 0 && qp < NVM_MAX_QUEUES && p->zposted[qp] != 0)
		p->zposted[qp]--;
	rte_pktmbuf_free((struct rte_mbuf *)(c & ~(uintptr_t)1u));
}

/*
 * The pool of a zero-copy handle: pinned external buffers carved out of
 * the DMA area the handle left (rte_vmsg_net_drv_dma_spare()), each the
 * headroom plus a receive buffer's data (2 KiB at least), mbuf headers in
 * DPDK memory. Sized for the receive queues full, as many transmissions in
 * flight and as many mbufs with the application; at least two thirds of
 * that, or NULL (the handle then copies).
 */
static uint32_t nvm_zgen; /* atomic: zero-copy pools made in this process */

static struct rte_mempool *zc_pool(struct nvm_port *p, struct rte_vmsg_net_drv *nd)
{
	struct rte_pktmbuf_extmem ext;
	struct rte_mempool *mp;
	uint32_t data = rte_vmsg_net_drv_rx_buf_len(nd), elt, qs, n, need, cache;
	char name[RTE_MEMPOOL_NAMESIZE];
	uint64_t bus, len, skip;
	void *a;

	qs = rte_vmsg_vq_drv_free_count(rte_vmsg_net_drv_vq(nd, 0)); /* nothing posted yet */
	data = data < NVM_ZELT_MIN ? NVM_ZELT_MIN : (data + 63u) & ~63u;
	elt = RTE_PKTMBUF_HEADROOM + data;
	if (qs == 0 || elt > UINT16_MAX || rte_vmsg_net_drv_dma_spare(nd, &a, &bus, &len) != 0)
		return NULL;
	/* Buffers on cache line boundaries (zc_refill() posts them from one). */
	skip = RTE_PTR_DIFF(RTE_PTR_ALIGN_CEIL(a, RTE_CACHE_LINE_SIZE), a);
	if (len < skip)
		return NULL;
	a = RTE_PTR_ADD(a, skip);
	len -= skip;
	cache = nvm_zcache(qs * p->nq);
	need = 2u * qs * p->nq + 2u * cache;
	n = 3u * qs * p->nq + 4u * cache;
	if (len / elt < n)
		n = (uint32_t)(len / elt);
	if (n < need) {
		NVM_LOG(WARNING, p,
			"zerocopy=1: the DMA area has room for %u mbufs of %u bytes, %u needed "
			"(give the device role zerocopy=1 too): copying",
			n, elt, need);
		return NULL;
	}
	memset(&ext, 0, sizeof(ext));
	ext.buf_ptr = a;
	ext.buf_iova = RTE_BAD_IOVA; /* device addresses are not IOVAs (doc/net_vmsg.md) */
	ext.buf_len = (size_t)n * elt;
	ext.elt_size = (uint16_t)elt;
	/*
	 * Named by a count of the process's pools: a pool a closed port left
	 * (mbufs still out) keeps its name, and a port probed again under the
	 * same port id must not collide with it.
	 */
	snprintf(name, sizeof(name), "nvmzc%u_%u", p->eth->data->port_id,
		 __atomic_fetch_add(&nvm_zgen, 1u, __ATOMIC_RELAXED));
	mp = rte_pktmbuf_pool_create_extbuf(name, n, cache, 0, (uint16_t)elt, (int)rte_socket_id(),
					    &ext, 1);
	if (mp == NULL)
		NVM_LOG(WARNING, p, "zerocopy=1: the mbuf pool %s failed (%s): copying", name,
			rte_strerror(rte_errno));
	else
		p->zqsize = qs;
	return mp;
}

/* Room for one more pool in *@p v (@p n of *@p cap used; grown twofold from 8): 0 or -ENOMEM. */
static int zpool_room(struct nvm_zpool **v, uint32_t n, uint32_t *cap)
{
	uint32_t c = *cap != 0 ? 2u * *cap : 8u;
	struct nvm_zpool *r;

	if (n < *cap)
		return 0;
	r = realloc(*v, c * sizeof(*r));
	if (r == NULL)
		return -ENOMEM;
	*v = r;
	*cap = c;
	return 0;
}

static void zpool_free(struct nvm_zpool *z)
{
	rte_mempool_free(z->mp);
	rte_vmsg_bus_shm_close(z->shm, z->bus);
	rte_vmsg_region_destroy(z->rg);
}

/*
 * Retired pools that closed ports left with mbufs still out: the
 * process's, freed once their mbufs are back (nvm_zc_orphans_sweep(), run
 * when a port is probed or closed and by every driver-role control thread).
 */
static pthread_mutex_t orphan_lock = PTHREAD_MUTEX_INITIALIZER;
static struct nvm_zpool *orphans;
static uint32_t norphans, cap_orphans; /* norphans: atomic reads outside the lock */

void nvm_zc_orphans_sweep(void)
{
	uint32_t i = 0;

	if (__atomic_load_n(&norphans, __ATOMIC_RELAXED) == 0)
		return;
	pthread_mutex_lock(&orphan_lock);
	while (i < norphans) {
		if (!rte_mempool_full(orphans[i].mp)) {
			i++;
			continue;
		}
		zpool_free(&orphans[i]);
		orphans[i] = orphans[norphans - 1];
		__atomic_store_n(&norphans, norphans - 1, __ATOMIC_RELAXED);
	}
	if (norphans == 0) {
		free(orphans);
		orphans = NULL;
		cap_orphans = 0;
	}
	pthread_mutex_unlock(&orphan_lock);
}

/*
 * Frees the pools of earlier attachments whose mbufs have all come back,
 * and unmaps their memory. @p closing: the port goes away; a pool still
 * short of mbufs stays mapped (an application that holds mbufs after close
 * keeps readable memory) among the process's orphans until they are back,
 * said.
 */
void nvm_zc_sweep(struct nvm_port *p, int closing)
{
	uint32_t i = 0;

	while (i < p->nretired) {
		struct nvm_zpool *z = &p->retired[i];

		if (rte_mempool_full(z->mp)) {
			zpool_free(z);
			*z = p->retired[--p->nretired];
			p->zc_freed++;
			continue;
		}
		if (!closing) {
			i++;
			continue;
		}
		NVM_LOG(WARNING, p,
			"closing with %u mbufs of pool %s still out: its memory stays mapped "
			"until they are freed",
			rte_mempool_in_use_count(z->mp), z->mp->name);
		pthread_mutex_lock(&orphan_lock);
		if (zpool_room(&orphans, norphans, &cap_orphans) == 0) {
			orphans[norphans] = *z;
			__atomic_store_n(&norphans, norphans + 1, __ATOMIC_RELAXED);
		} /* else out of memory: mapped for good */
		pthread_mutex_unlock(&orphan_lock);
		*z = p->retired[--p->nretired];
	}
}

/*
 * The retired pool whose file the port would map again: its path still
 * names the same file (bus=amp's mem= file always; an shm file while its
 * device has not made a new one). NULL when there is none.
 */
static const struct nvm_zpool *zc_in_the_way(const struct nvm_port *p)
{
	struct stat st;
	uint32_t i;

	for (i = 0; i < p->nretired; i++) {
		const struct nvm_zpool *z = &p->retired[i];

		if (z->anon)
			continue;
		if (z->path[0] == '\0' ||
		    (stat(z->path, &st) == 0 && st.st_dev == z->dev && st.st_ino == z->ino))
			return z;
	}
	return NULL;
}

/*
 * Takes the live pool, and the memory it lies in, off the port, into
 * p->retired[] (grown as needed); bus=pcie closes the card here, keeping
 * its DMA memory. 0; or -ENOMEM when the list cannot grow, the memory then
 * left mapped for good and, with a file, the port kept from attaching
 * again (it cannot tell whether the file it would map holds those mbufs),
 * said.
 */
static int zc_retire(struct nvm_port *p)
{
	struct rte_vmsg_region *rg;
	struct nvm_zpool z;
	const char *path;
	struct stat st;
	int fd;

	memset(&z, 0, sizeof(z));
	z.mp = p->zmp;
	if (p->amp != NULL) {
		rg = p->mem_rg[0];
		z.rg = rg;
		p->mem_rg[0] = NULL; /* amp_close() leaves it */
#ifdef NVM_HAVE_PCIE
	} else if (p->card != NULL) {
		/*
		 * The card closed, out of reach of its DMA, its memory kept
		 * mapped here; the next open makes new memory: never in the way.
		 */
		(void)rte_vmsg_pcie_close_keep_dma(p->card, &z.rg);
		p->card = NULL;
		p->bus = NULL;
		rg = NULL;
		z.anon = 1;
#endif
	} else {
		rg = rte_vmsg_bus_shm_region(p->shm);
		z.shm = p->shm;
		z.bus = p->bus;
		p->shm = NULL;
		p->bus = NULL;
	}
	if (zpool_room(&p->retired, p->nretired, &p->cap_retired) < 0) {
		NVM_LOG(ERR, p,
			"out of memory with %u pools' mbufs out: pool %s and its memory are left "
			"mapped for good%s",
			p->nretired, z.mp->name,
			z.anon ? "" : ", and the port stays down until closed");
		p->zc_untracked = !z.anon;
		return -ENOMEM;
	}
	path = rg != NULL ? rte_vmsg_region_path(rg) : NULL;
	fd = rg != NULL ? rte_vmsg_region_fd(rg) : -1;
	if (path != NULL && fd >= 0 && fstat(fd, &st) == 0 && strlen(path) < sizeof(z.path)) {
		snprintf(z.path, sizeof(z.path), "%s", path);
		z.dev = st.st_dev;
		z.ino = st.st_ino;
	}
	/* else the file is not known again (path ""): attaching waits until the pool is back. */
	p->retired[p->nretired++] = z;
	return 0;
}

void nvm_drv_detach(struct nvm_port *p)
{
	if (p->ndrv != NULL) {
		pthread_mutex_lock(&p->lock);
		fold_handle(p);
		rte_vmsg_net_drv_destroy(p->ndrv); /* gives back every mbuf it held */
		p->ndrv = NULL;
		pthread_mutex_unlock(&p->lock);
	}
	if (p->zmp != NULL) {
		uint32_t q;

		/*
		 * Received, not yet handed out: back to the pool (the bursts are
		 * quiesced; the lock keeps a queue release from freeing the queue).
		 */
		pthread_mutex_lock(&p->lock);
		for (q = 0; q < p->nq; q++)
			if (p->rxq[q] != NULL)
				nvm_zc_pend_free(p->rxq[q]);
		pthread_mutex_unlock(&p->lock);
		/*
		 * The application may still hold mbufs of the pool: it stays,
		 * its memory mapped, until they are back (nvm_zc_sweep()).
		 */
		if (rte_mempool_full(p->zmp))
			rte_mempool_free(p->zmp);
		else
			(void)zc_retire(p); /* -ENOMEM: left mapped, the port held down, said */
		p->zmp = NULL;
	}
	memset(p->zposted, 0, sizeof(p->zposted));
	if (p->bus != NULL || p->amp != NULL || p->link_rg != NULL || p->card != NULL)
		nvm_bus_close(p);
}

/*
 * The handle's cancel: close (port_free()) sets stop, and a synchronous
 * step waiting for a slow device ends at once (-ECANCELED) instead of at
 * its timeout: about 6 x queues + 20 of them make a bring-up or a reset.
 */
static int nvm_stopping(void *arg)
{
	const struct nvm_port *p = arg;

	return (int)__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE);
}

static int drv_bringup(struct nvm_port *p)
{
	struct rte_vmsg_net_drv_opts o;
	struct rte_vmsg_net_config cfg;
	struct rte_vmsg_net_drv *nd;
	uint64_t dma_bus = 0, dma_size = 0, feat = 0;
	struct rte_mempool *zmp = NULL;
	struct rte_vmsg_drv *h;
	void *dma = NULL;
	uint32_t b;
	int rc, zc;

	if (p->amp != NULL) {
		dma = rte_vmsg_region_addr(p->mem_rg[0]);
		dma_bus = rte_vmsg_region_bus_addr(p->mem_rg[0]);
		dma_size = rte_vmsg_region_len(p->mem_rg[0]);
#ifdef NVM_HAVE_PCIE
	} else if (p->card != NULL) {
		/* Host memory the card reaches by DMA (IOVAs), whatever the link's placement. */
		(void)rte_vmsg_pcie_dma(p->card, &dma, &dma_bus, &dma_size);
#endif
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
	/* Event mode: the bursts (on the lcores) leave EVENT_AVAIL to this thread. */
	o.notify = p->a.notify;
	/*
	 * tso=1: the device's HOST_TSO4/6 too (64 KiB transmit buffers in the
	 * DMA area). ring=, in_order=: the virtqueue layout wanted beyond the
	 * default (split in-order), or left out of it.
	 */
	o.features = rte_vmsg_net_drv_default_features() | p->a.ring_on;
	if (p->a.tso)
		o.features |=
			(1ull << RTE_VMSG_NET_F_HOST_TSO4) | (1ull << RTE_VMSG_NET_F_HOST_TSO6);
	o.features &= ~p->a.ring_off;
	o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS | RTE_VMSG_NET_DRV_F_DEFER_EVENTS;
	o.ext_release = zc_release;
	o.ext_release_arg = p;
	o.cancel = nvm_stopping;
	o.cancel_arg = p;
	/*
	 * zerocopy=1: receive buffers are mbufs of a pool over the DMA area
	 * (never the memory of a retired pool: drv_round() waits for it).
	 */
	zc = p->a.zerocopy;
	if (zc)
		o.flags |= RTE_VMSG_NET_DRV_F_EXT_RX;
	rc = rte_vmsg_net_drv_create(&o, &nd);
	if (rc < 0)
		return rc;
	if (zc) {
		zmp = zc_pool(p, nd);
		if (zmp == NULL) {
			/* No pool: the same handle, copying. */
			rte_vmsg_net_drv_destroy(nd);
			o.flags &= ~RTE_VMSG_NET_DRV_F_EXT_RX;
			rc = rte_vmsg_net_drv_create(&o, &nd);
			if (rc < 0)
				return rc;
		}
	}
	if (rte_vmsg_net_drv_queue_pairs(nd) < p->nq) {
		NVM_LOG(ERR, p, "the device has %u queue pairs, queues=%u asked",
			rte_vmsg_net_drv_queue_pairs(nd), p->nq);
		rte_vmsg_net_drv_destroy(nd);
		rte_mempool_free(zmp); /* nothing was posted: all in */
		return -ENOTSUP;
	}
	h = rte_vmsg_net_drv_handle(nd);
	for (b = 0; b < 64; b++)
		if (rte_vmsg_drv_has_feature(h, b))
			feat |= 1ull << b;
	if (rte_vmsg_net_drv_config(nd, &cfg) == 0) {
		/* The device's address, unless mac= or the application gave one. */
		if ((feat & (1ull << RTE_VMSG_NET_F_MAC)) && !p->a.have_mac &&
		    !__atomic_load_n(&p->mac_app, __ATOMIC_RELAXED))
			memcpy(p->mac.addr_bytes, cfg.mac, 6);
		if (feat & (1ull << RTE_VMSG_NET_F_MTU))
			p->mtu = rte_vmsg_le16_to_cpu(cfg.mtu);
	}
	pthread_mutex_lock(&p->lock);
	p->ndrv = nd;
	p->neg_feat = feat;
	pthread_mutex_unlock(&p->lock);
	p->feat = feat;
	p->zmp = zmp; /* published to the bursts by the live store (R_Q1) */
	memset(p->zposted, 0, sizeof(p->zposted));
	if (p->a.tso &&
	    (feat & ((1ull << RTE_VMSG_NET_F_HOST_TSO4) | (1ull << RTE_VMSG_NET_F_HOST_TSO6))) == 0)
		NVM_LOG(WARNING, p,
			"tso=1, but the device did not offer HOST_TSO4/6: a TSO mbuf larger "
			"than the MTU is dropped and counted (oerrors)");
	return 0;
}

/*
 * bus=pcie: the kernel asked for the card back (an unbind, a hot unplug:
 * the VFIO REQ notifier). The bus takes it for a lost peer; the port then
 * closes the card, which the kernel's unbind waits for, and opens it again
 * only once the function is bound to vfio-pci again (pcie_rebound()),
 * instead of failing an open with the library's error line every
 * NVM_ATTACH_RETRY_NS.
 */
static int card_released(struct nvm_port *p)
{
#ifdef NVM_HAVE_PCIE
	if (p->card != NULL && rte_vmsg_pcie_release_requested(p->card) == 1)
		p->released = 1;
#endif
	return p->released;
}

/* bus=pcie: 1 when sysfs shows the card's function on vfio-pci. */
static int pcie_bound(const struct nvm_port *p)
{
#ifdef NVM_HAVE_PCIE
	return rte_vmsg_pcie_bound(p->a.file) == 1;
#else
	(void)p;
	return 0;
#endif
}

/* bus=pcie after a release: 1 once the function is bound to vfio-pci again, said. */
static int pcie_rebound(struct nvm_port *p)
{
#ifdef NVM_HAVE_PCIE
	if (!pcie_bound(p))
		return 0;
	NVM_LOG(NOTICE, p, "card %s is bound to vfio-pci again: opening it", p->a.file);
#endif
	p->released = 0;
	return 1;
}

static void drv_down(struct nvm_port *p, const char *why)
{
	if (card_released(p))
		why = "the kernel asked for the card back (an unbind or a hot unplug): closing it";
	nvm_quiesce(p);
	set_link(p, 0);
	nvm_drv_detach(p);
	p->st = NVM_ATTACH;
	p->next_ns = now_ns() + NVM_ATTACH_RETRY_NS;
	p->said_waiting = 0;
	if (p->released)
		NVM_LOG(NOTICE, p, "%s; opening it again once it is bound to vfio-pci", why);
	else
		NVM_LOG(NOTICE, p, "%s; attaching again", why);
}

/* Tests and clears the broken marks of pair @p q. */
static int pair_broke(struct nvm_port *p, uint32_t q)
{
	int b = 0;

	b |= (int)__atomic_exchange_n(&p->rxw[q].broke, 0, __ATOMIC_RELAXED);
	b |= (int)__atomic_exchange_n(&p->txw[q].broke, 0, __ATOMIC_RELAXED);
	return b;
}

static int queues_broke(const struct nvm_port *p)
{
	uint32_t q;

	for (q = 0; q < p->nq; q++)
		if (__atomic_load_n(&p->rxw[q].broke, __ATOMIC_RELAXED) ||
		    __atomic_load_n(&p->txw[q].broke, __ATOMIC_RELAXED))
			return 1;
	return 0;
}

/*
 * Driver role: opens the bus file or the card (probe, and the control
 * thread); on success the port waits for the link. 0 or nvm_bus_open()'s
 * error, the port then still in NVM_ATTACH.
 */
int nvm_drv_attach(struct nvm_port *p)
{
	int rc = nvm_bus_open(p);

	if (rc < 0)
		return rc;
	p->peer_lost_seen = peer_lost_now(p);
	p->st = NVM_LINK;
	p->next_ns =
		now_ns() + (p->a.bus == NVM_BUS_PCIE ? NVM_PCIE_LINK_WAIT_NS : NVM_LINK_WAIT_NS);
	return 0;
}

/*
 * bus=pcie: the card's open found no memory for its DMA (the library said
 * so). Each open resets the card, so none is tried for nothing: with
 * retired zero-copy pools out (a restarted card's memory, kept while the
 * application holds mbufs over it), the next waits until one of them is
 * freed; with none, the retries back off from 200 ms to 5 s.
 */
static int pcie_nomem(struct nvm_port *p, uint64_t now)
{
	if (p->nretired != 0) {
		NVM_LOG(NOTICE, p,
			"no memory for the card's DMA while %u pool(s) of zero-copy mbufs the "
			"application holds keep the memory of an earlier open: opening the card "
			"again once one of them is freed",
			p->nretired);
		p->nomem_wait = 1;
		p->nomem_freed = p->zc_freed;
		p->next_ns = now + NVM_ATTACH_RETRY_NS;
		return 0;
	}
	p->nomem_retry_ns = p->nomem_retry_ns == 0 ? NVM_ATTACH_RETRY_NS : 2u * p->nomem_retry_ns;
	if (p->nomem_retry_ns > NVM_NOMEM_RETRY_MAX_NS)
		p->nomem_retry_ns = NVM_NOMEM_RETRY_MAX_NS;
	NVM_LOG(NOTICE, p, "no memory for the card's DMA: opening it again in %" PRIu64 " ms",
		p->nomem_retry_ns / 1000000u);
	p->next_ns = now + p->nomem_retry_ns;
	return 0;
}

/* Driver role: one round. Returns nonzero when something happened. */
static int drv_round(struct nvm_port *p)
{
	const struct nvm_zpool *z;
	uint64_t now = now_ns();
	uint32_t q;
	int rc, busy;

	if (p->nretired != 0)
		nvm_zc_sweep(p, 0);
	nvm_zc_orphans_sweep();
	switch (p->st) {
	case NVM_ATTACH:
		if (now < p->next_ns)
			return 0;
		if (p->zc_untracked) {
			if (!p->said_held)
				NVM_LOG(ERR, p,
					"an mbuf pool that could not be kept track of may still "
					"be out: not attaching again");
			p->said_held = 1;
			p->next_ns = now + NVM_ATTACH_RETRY_NS;
			return 0;
		}
		z = zc_in_the_way(p);
		if (z != NULL) {
			if (!p->said_held)
				NVM_LOG(NOTICE, p,
					"%u mbufs of pool %s are still out and %s is still "
					"their file: attaching again once they are freed",
					rte_mempool_in_use_count(z->mp), z->mp->name,
					z->path[0] != '\0' ? z->path : "(a file not known again)");
			p->said_held = 1;
			p->next_ns = now + NVM_ATTACH_RETRY_NS;
			return 0;
		}
		p->said_held = 0;
		if (p->nomem_wait && p->nretired != 0 && p->zc_freed == p->nomem_freed) {
			p->next_ns = now + NVM_ATTACH_RETRY_NS; /* no pool freed yet */
			return 0;
		}
		p->nomem_wait = 0;
		if (p->released && !pcie_rebound(p)) {
			p->next_ns = now + NVM_ATTACH_RETRY_NS;
			return 0;
		}
		rc = nvm_drv_attach(p);
		if (rc == -ENODEV && p->a.bus == NVM_BUS_PCIE && !pcie_bound(p)) {
			/*
			 * Not bound to vfio-pci (the library said why), or taken
			 * back during the open's wait: wait until it is bound.
			 */
			NVM_LOG(NOTICE, p,
				"card %s is gone from vfio-pci: opening it again once it is "
				"bound to vfio-pci",
				p->a.file);
			p->released = 1;
			p->next_ns = now + NVM_ATTACH_RETRY_NS;
			return 0;
		}
		if (rc == -ENOMEM && p->a.bus == NVM_BUS_PCIE)
			return pcie_nomem(p, now);
		p->nomem_retry_ns = 0;
		if (rc < 0) {
			if (!p->said_waiting)
				NVM_LOG(NOTICE, p, "waiting for the %s %s (%s)",
					p->a.bus == NVM_BUS_PCIE ? "card" : "device file",
					p->a.file, strerror(-rc));
			p->said_waiting = 1;
			p->next_ns = now + NVM_ATTACH_RETRY_NS;
			return 0;
		}
		return 1;
	case NVM_LINK:
		rte_vmsg_bus_poll(p->bus);
		p->peer_lost_seen = peer_lost_now(p);
		if (card_released(p)) {
			drv_down(p, "");
			return 1;
		}
		if (rte_vmsg_bus_connected(p->bus) != 1) {
			if (now > p->next_ns) {
				nvm_drv_detach(
					p); /* a dead device's file: map it again, it may be new */
				p->st = NVM_ATTACH;
			}
			return 0;
		}
		rc = drv_bringup(p);
		if (rc < 0 && card_released(p)) {
			drv_down(p, ""); /* the kernel's REQ during the bring-up */
			return 1;
		}
		if (rc < 0) {
			if (!nvm_stopping(p))
				NVM_LOG(NOTICE, p, "bringing the device up failed: %s; retrying",
					strerror(-rc));
			nvm_drv_detach(p);
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
	busy |= rte_vmsg_net_drv_service(p->ndrv) > 0;
	if (peer_lost_fold(p)) {
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
		nvm_quiesce(p);
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
		nvm_quiesce(p);
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

void *nvm_ctl_main(void *arg)
{
	struct nvm_port *p = arg;
	uint32_t idle = NVM_POLL_IDLE_US;
	int busy;

	while (!__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) {
		if (p->a.role == RTE_VMSG_BUS_DEVICE)
			busy = dev_round(p);
		else
			busy = drv_round(p);
		if (busy) {
			usleep(NVM_POLL_BUSY_US);
			idle = NVM_POLL_IDLE_US;
			continue;
		}
		usleep(idle);
		/* Polling mode: no event waits on this thread; it backs off (NVM_POLL_IDLE_MAX_US). */
		if (p->a.notify == RTE_VMSG_NET_NOTIFY_POLL && idle < NVM_POLL_IDLE_MAX_US)
			idle = idle * 2 < NVM_POLL_IDLE_MAX_US ? idle * 2 : NVM_POLL_IDLE_MAX_US;
	}
	return NULL;
}
