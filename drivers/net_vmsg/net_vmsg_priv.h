/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg's private state, shared by its three files: net_vmsg.c (ethdev
 * ops, probe and close), net_vmsg_rxtx.c (the bursts, on the lcores) and
 * net_vmsg_ctl.c (the control thread). Each field says which thread writes it.
 */

#ifndef NET_VMSG_PRIV_H
#define NET_VMSG_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <ethdev_driver.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_transport.h>

#include "net_vmsg_args.h"

#define NVM_BURST 32u
#define NVM_NXSTATS 13u	       /* the port's own xstats (net_vmsg.c's xnames) */
#define NVM_TSO_MAX 65536u     /* largest packet sent with TSO (bounce buffer) */
#define NVM_LRO_MAX 65550u     /* largest packet a device-role port takes with tso=1 */
#define NVM_POLL_BUSY_US 20u   /* control thread: between polls while things happen */
#define NVM_POLL_IDLE_US 1000u /* control thread: between polls when idle */
/*
 * notify=poll: the idle period doubles up to this. When every CPU is an
 * lcore, DPDK runs control threads on the main lcore's CPU, which may be
 * another process's forwarding CPU: each wake-up preempts it.
 */
#define NVM_POLL_IDLE_MAX_US 10000u
#define NVM_ATTACH_RETRY_NS 200000000ull
/* bus=pcie: no memory for the card's DMA, no retired pool to wait for: retries back off to 5 s. */
#define NVM_NOMEM_RETRY_MAX_NS 5000000000ull
#define NVM_LINK_WAIT_NS 1000000000ull
/* bus=pcie: opening a card again resets it; its side is given longer to come up. */
#define NVM_PCIE_LINK_WAIT_NS 10000000000ull
#define NVM_INIT_RETRY_NS 1000000000ull
/* zerocopy=1 */
#define NVM_HDR 12u	     /* the virtio-net header, in front of the data in the headroom */
#define NVM_ETH_OVERHEAD 18u /* what the MTU does not count: Ethernet header, a VLAN tag */
#define NVM_ZREFILL 64u	     /* receive buffers posted at most per burst */
#define NVM_ZELT_MIN 2048u   /* data bytes of a pool buffer at least (after the headroom) */
#define NVM_ZCACHE 256u	     /* the pool's per-lcore cache, at most (nvm_zcache()) */
#define NVM_ZCACHE_MIN 64u   /* ... and at least */
#define NVM_PCIE_DMA_MAX (1ull << 30) /* a card's DMA area at most (rte_vmsg_pcie_opts.dma_size) */

extern int nvm_logtype;
#define NVM_LOG(level, p, fmt, ...) \
	rte_log(RTE_LOG_##level, nvm_logtype, "net_vmsg: %s: " fmt "\n", (p)->name, ##__VA_ARGS__)

struct nvm_port;
struct rte_vmsg_pcie;

/*
 * A queue's words the control thread reads, in the port (which outlives
 * its queues): it never follows a queue pointer the application may be
 * freeing (queue set-up or release on a stopped port).
 */
struct nvm_qword {
	uint32_t busy;	/* driver role: a burst runs (see the file comment) */
	uint32_t broke; /* driver role: the helper said -EIO; the control thread resets */
} __rte_cache_aligned;

struct nvm_rxq {
	struct nvm_port *p;
	uint16_t q;
	uint16_t port_id;
	uint32_t *busy;	 /* &p->rxw[q].busy */
	uint32_t *broke; /* &p->rxw[q].broke */
	struct rte_mempool *mp;
	uint32_t cap;	   /* bytes an mbuf of @c mp takes after its headroom */
	uint32_t data_off; /* from an mbuf of @c mp to its data once reset */
	uint32_t hole;	   /* stash[0 .. hole) are empty, stash[hole ..] hold fresh mbufs */
	uint64_t packets, bytes, nombuf;
	uint64_t zc_packets; /* zerocopy=1: received in mbufs of the DMA area's pool */
	int csum_partial;    /* the application takes partial checksums (Rx L4 cksum offload) */
	struct rte_mbuf *stash[NVM_BURST];
	struct rte_vmsg_net_pkt v[NVM_BURST];	 /* v[i].data: stash[i]'s data */
	struct rte_vmsg_net_xbuf x[NVM_ZREFILL]; /* zerocopy=1: posted, then received */
	/*
	 * zerocopy=1: packets received beyond the caller's burst, handed out
	 * first at the next one (zpend[zpos .. znpend)): a burst asks the
	 * library for whole packets of up to NVM_ZREFILL buffers, whatever
	 * nb_pkts, so that no packet is too large for it.
	 */
	struct rte_mbuf *zpend[NVM_ZREFILL];
	uint32_t zpos, znpend;
	/*
	 * Scattered Rx. Driver role, copying: packets lent by the library, and
	 * @c bounce (NVM_TSO_MAX bytes) for a merged one. Device role, when the
	 * mbufs are smaller than the largest packet the device takes: @c lv
	 * point into @c bounce, NVM_BURST slots of @c slot bytes (0: no
	 * scattering, no bounce).
	 */
	struct rte_vmsg_net_pkt lv[NVM_BURST];
	uint8_t *bounce;
	uint32_t slot;
} __rte_cache_aligned;

struct nvm_txq {
	struct nvm_port *p;
	uint16_t q;
	uint32_t *busy;	 /* &p->txw[q].busy */
	uint32_t *broke; /* &p->txw[q].broke */
	uint64_t packets, bytes, errors;
	uint8_t *bounce; /* multi-segment packets are made contiguous here */
	struct rte_vmsg_net_pkt v[NVM_BURST];
	struct rte_vmsg_net_xbuf x[NVM_BURST]; /* zerocopy=1: mbufs sent as they are */
	void *done[2 * NVM_BURST];	       /* zerocopy=1: their cookies, sent */
} __rte_cache_aligned;

enum nvm_drv_state { NVM_ATTACH, NVM_LINK, NVM_UP };

/* Counters of the library's handles, kept across handles (driver role replaces them). */
struct nvm_lib_counts {
	uint64_t rx_drops, rx_errors, tx_drops, tx_errors, broken;
	uint64_t notifies, events; /* events sent (EVENT_AVAIL or EVENT_USED), received */
	uint64_t tx_zc;		   /* packets sent without a copy */
};

/* Adds the library's counters of one pair. */
static inline void nvm_counts_add(struct nvm_lib_counts *c,
				  const struct rte_vmsg_net_queue_stats *rx,
				  const struct rte_vmsg_net_queue_stats *tx)
{
	c->rx_drops += rx->drops;
	c->rx_errors += rx->errors;
	c->tx_drops += tx->drops;
	c->tx_errors += tx->errors;
	c->broken += rx->broken + tx->broken;
	c->notifies += rx->notifies + tx->notifies;
	c->events += rx->events + tx->events;
	c->tx_zc += tx->zc_packets;
}

/*
 * zerocopy=1: the mbuf pool over the DMA area of one attachment; kept, with
 * its memory mapped, while its mbufs are out. The file the pool lies in is
 * known by path and identity: while that path still names it (bus=amp's
 * mem= file, an shm file whose device did not make a new one), attaching
 * again waits, or the new attachment's rings would land on the mbufs.
 */
struct nvm_zpool {
	struct rte_mempool *mp;
	struct rte_vmsg_bus_shm *shm; /* bus=shm: the whole attachment */
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_region *rg; /* bus=amp: the first mem= file's mapping; pcie: DMA memory */
	int anon; /* bus=pcie: memory no later attachment maps again (never in the way) */
	char path[NVM_PATH_MAX];
	dev_t dev;
	ino_t ino;
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
	struct rte_vmsg_pcie *card; /* bus=pcie: the card, which owns its bus */
	struct rte_vmsg_net_dev *ndev;
	struct rte_vmsg_net_drv *ndrv;
	enum nvm_drv_state st;
	uint64_t next_ns;
	uint64_t peer_lost_seen;
	int said_waiting;
	int said_held; /* zerocopy=1: attaching waits for a retired pool (said once) */
	int connected, driver_ok;
	struct nvm_zpool *retired; /* of attachments gone, mbufs still out (grows) */
	uint32_t nretired, cap_retired;
	uint32_t zc_freed; /* retired pools freed so far (nvm_zc_sweep()) */
	int zc_untracked;  /* zerocopy=1: a pool with mbufs out could not be retired */
	/*
	 * bus=pcie, an open that found no memory for the card's DMA: with
	 * retired pools out, the next open waits until one is freed (their
	 * memory is what is missing: each try would reset the card for
	 * nothing); with none, the retries back off (nomem_retry_ns).
	 */
	int nomem_wait;
	uint32_t nomem_freed; /* zc_freed at that open */
	uint64_t nomem_retry_ns;
	/*
	 * What rte_eth_stats_reset() and rte_eth_xstats_reset() left: the
	 * library's part of ierrors and oerrors, and every xstat, as they read
	 * then (the counters behind them only grow).
	 */
	uint64_t ierr_base, oerr_base;
	uint64_t zc_rx_gone; /* rx_zero_copy_packets of the queues released */
	uint64_t xbase[NVM_NXSTATS];
	pthread_t ctl;
	int ctl_running;
	int pcie_wait;	  /* bus=pcie: opens after the probe's wait for the card's layout */
	int released;	  /* bus=pcie: the kernel took the card back; open once vfio-pci has it */
	uint32_t mac_app; /* atomic: the application set the MAC (mac_addr_set): keep it */
	uint32_t stop;

	/* Shared: fast path reads, control thread writes */
	uint32_t live; /* driver role: the handle may be used */
	bool asym;     /* quiesce() fences the lcores with membarrier (set at probe) */
	uint32_t link; /* 1: up (reported by link_update and the LSC alarm) */
	uint32_t started;
	uint64_t feat; /* negotiated virtio-net features of the live handle (driver role) */
	/*
	 * zerocopy=1, the live handle's (driver role): the mbuf pool over its
	 * DMA area (NULL: the handle copies), its receive queues' size, and
	 * the receive buffers each pair has posted (the pair's Rx lcore, and
	 * ext_release on the control thread while the bursts are quiesced).
	 */
	struct rte_mempool *zmp;
	uint32_t zqsize;
	uint32_t zposted[NVM_MAX_QUEUES];

	/* Under @c lock: the handles vs the stats calls */
	pthread_mutex_t lock;
	struct nvm_lib_counts gone; /* of destroyed handles */
	uint64_t resets, peer_lost, link_ups, link_downs;
	/*
	 * The virtio features negotiated with the peer (either role), for
	 * rte_pmd_net_vmsg_features_get(): set before the link goes up and
	 * kept current while it is. Written by the control thread only, which
	 * reads it without the lock.
	 */
	uint64_t neg_feat;

	uint16_t mtu;
	struct rte_ether_addr mac;
	struct nvm_qword rxw[NVM_MAX_QUEUES], txw[NVM_MAX_QUEUES];
	struct nvm_rxq *rxq[NVM_MAX_QUEUES];
	struct nvm_txq *txq[NVM_MAX_QUEUES];
};

/* net_vmsg_rxtx.c: the burst functions of every port. */
uint16_t nvm_rx_burst(void *queue, struct rte_mbuf **bufs, uint16_t nb);
/* zerocopy=1: frees the packets a queue keeps for its next burst (no burst running). */
void nvm_zc_pend_free(struct nvm_rxq *rq);
uint16_t nvm_tx_burst(void *queue, struct rte_mbuf **bufs, uint16_t nb);

/* net_vmsg_ctl.c: the control thread, and what probe, the ops and close call of it. */
void *nvm_ctl_main(void *arg);
bool nvm_asym_init(void);
void nvm_fill_link(const struct nvm_port *p, struct rte_eth_link *l);
void nvm_lsc_alarm(void *arg);
void nvm_quiesce(struct nvm_port *p);
int nvm_bus_open(struct nvm_port *p);
int nvm_drv_attach(struct nvm_port *p);
void nvm_bus_close(struct nvm_port *p);
void nvm_drv_detach(struct nvm_port *p);
void nvm_zc_sweep(struct nvm_port *p, int closing);
/* Frees the pools closed ports left once their mbufs are back (any thread). */
void nvm_zc_orphans_sweep(void);

#endif /* NET_VMSG_PRIV_H */
