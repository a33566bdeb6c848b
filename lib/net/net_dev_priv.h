/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The virtio-net device model's private state, shared by its two files:
 * net_dev.c (the pair threads' data path) and net_dev_ctl.c (the bus
 * thread's control: hooks, control queue, events, create and destroy).
 */

#ifndef RTE_VMSG_NET_DEV_PRIV_H
#define RTE_VMSG_NET_DEV_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "net_priv.h"

#define RTE_VMSG__ALLOW_PVT
#include "rte_vmsg_atomic_pvt.h"
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
	 F(RTE_VMSG_VIRTIO_F_VERSION_1) | F(RTE_VMSG_VIRTIO_F_RING_PACKED) |                       \
	 F(RTE_VMSG_VIRTIO_F_IN_ORDER) | F(RTE_VMSG_VIRTIO_F_RING_RESET))

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

/* A read cursor over device-readable vectors. */
struct rcur {
	const struct rte_vmsg_vq_iov *iov;
	uint32_t n, i, off;
};

/* The pair side of the gate (the bus side, pair_stop() and pair_start(), is net_dev_ctl.c's). */
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

/* Data-path helpers the control side uses too (net_dev.c). */
void net_q_broke(struct net_q *q);
void net_q_notify(struct rte_vmsg_net_dev *nd, struct net_q *q);
void net_stash_clear(struct net_stash *s);
uint32_t net_rcur_read(struct rcur *c, void *dst, uint32_t len);

#endif /* RTE_VMSG_NET_DEV_PRIV_H */
