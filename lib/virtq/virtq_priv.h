/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Private state of the two virtqueue halves and the ring accessors they share.
 */

#ifndef RTE_VMSG_VIRTQ_PRIV_H
#define RTE_VMSG_VIRTQ_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rte_vmsg_virtq.h"

#define RTE_VMSG__ALLOW_PVT
#include "rte_vmsg_atomic_pvt.h"
#undef RTE_VMSG__ALLOW_PVT

/*
 * The split ring parts, as typed views of shared memory. The avail ring is
 * le16 words: [0] flags, [1] idx, [2 .. N+1] ring, [N+2] used_event. The used
 * ring: le16 flags and idx, then N used elements, then le16 avail_event.
 */
struct vq_avail {
	rte_vmsg_le16 flags;
	rte_vmsg_le16 idx;
	rte_vmsg_le16 ring[]; /* N entries, then used_event */
};

struct vq_used {
	rte_vmsg_le16 flags;
	rte_vmsg_le16 idx;
	struct rte_vmsg_vring_used_elem ring[]; /* N entries, then avail_event (le16) */
};

/* What a driver half remembers about each head it handed out. */
struct vq_head {
	void *cookie;
	uint32_t wlen;	/* writable bytes of the chain (bound of the used len) */
	uint16_t ndesc; /* ring descriptors the chain holds; 0: head not in flight */
	uint16_t pad_;
};

struct rte_vmsg_vq_drv {
	/* Shared rings (read-mostly pointers). */
	struct rte_vmsg_vring_desc *desc;
	struct vq_avail *avail;
	struct vq_used *used;
	rte_vmsg_le16 *used_event;	  /* written by us */
	rte_vmsg_le16 *avail_event;	  /* written by the device */
	struct rte_vmsg_vring_desc *pool; /* indirect tables, one per head; NULL: none */
	uint64_t pool_bus;
	uint64_t bus_desc, bus_avail, bus_used;
	void *mem;
	size_t bytes;
	uint32_t size, mask;
	uint32_t indirect_max;
	uint32_t policy;
	uint32_t idle_threshold;
	bool event_idx, notif_data;
	/* Private state, this thread only. */
	uint16_t avail_idx;  /* shadow of the avail idx we publish */
	uint16_t kicked_idx; /* avail idx at the last kick */
	uint16_t last_used;  /* next used entry to reap */
	uint16_t used_cache; /* last used idx read from the device */
	uint32_t free_head;  /* oldest free descriptor (valid while num_free > 0) */
	uint32_t free_tail;  /* newest free descriptor (valid while num_free > 0) */
	uint32_t num_free;
	uint32_t idle;
	bool armed;
	uint16_t *next;	       /* private next links: free list and chains */
	struct vq_head *heads; /* per head id */
	struct rte_vmsg_vq_stats st;
};

struct rte_vmsg_vq_dev {
	const struct rte_vmsg_vring_desc *desc;
	const struct vq_avail *avail;
	struct vq_used *used;
	const rte_vmsg_le16 *used_event;
	rte_vmsg_le16 *avail_event;
	const struct rte_vmsg_memmap *map;
	uint32_t size, mask;
	uint32_t max_chain;
	uint32_t policy;
	uint32_t idle_threshold;
	bool event_idx, indirect;
	/* Private state, this thread only. */
	uint16_t last_avail;  /* next avail entry to pop */
	uint16_t avail_cache; /* last avail idx read from the driver */
	uint16_t used_idx;    /* shadow of the used idx we publish */
	uint16_t signalled;   /* used idx at the last need-notify check */
	uint32_t idle;
	bool armed;
	uint32_t *in_len; /* per head in flight: writable bytes (bound of the used len) */
	uint8_t *busy;	  /* per head: 1 while popped and not pushed */
	struct rte_vmsg_vq_stats st;
};

static inline bool vq_size_ok(uint32_t n)
{
	return n != 0 && n <= RTE_VMSG_VQ_MAX_SIZE && (n & (n - 1)) == 0;
}

/* Marks a queue broken (cold; logs once per breakage). Returns -EIO. */
int rte_vmsg__vq_break(struct rte_vmsg_vq_stats *st, uint32_t reason, const char *half);

#endif /* RTE_VMSG_VIRTQ_PRIV_H */
