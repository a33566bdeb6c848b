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

/* What a driver half remembers about each head (packed: buffer id) it handed out. */
struct vq_head {
	void *cookie;
	uint32_t wlen;	/* writable bytes of the chain (bound of the used len) */
	uint16_t ndesc; /* ring descriptors the chain holds; 0: head not in flight */
	uint16_t pad_;
	uint32_t seq; /* chain number (add order): IN_ORDER runs, packed kicked check */
};

/* Packed ring helpers over a free-running 16-bit position counter c (N | 2^15). */
static inline bool vqp_wrap(uint16_t c, uint32_t size)
{
	return (c & size) == 0; /* wrap counter: 1 on even laps (virtio 1.1 2.8.1) */
}

/* off_wrap of an event suppression structure for position c. */
static inline uint16_t vqp_off_wrap(uint16_t c, uint32_t size)
{
	return (uint16_t)((c & (size - 1)) | (vqp_wrap(c, size) ? 0x8000u : 0));
}

/*
 * The packed event test: after the position moved from @p old to @p nw, is
 * the peer's off_wrap @p ev in [old, nw)? Positions are compared modulo 2N
 * (a position says lap parity and offset); a hostile off_wrap can only cost
 * or save one notification. A move of 2N positions or more (the device
 * pushed that much between two checks, the driver reaping in between)
 * crossed every position: yes, whatever the modulo says (it would say an
 * empty window: a lost notification, a driver asleep for ever).
 */
static inline int vqp_need_event(uint16_t ev, uint16_t nw, uint16_t old, uint32_t size)
{
	uint32_t m2 = 2 * size - 1;
	uint32_t e = (ev & 0x7fffu) + ((ev & 0x8000u) != 0 ? 0 : size);

	if ((uint32_t)(uint16_t)(nw - old) >= 2 * size)
		return 1;
	return (((uint32_t)nw - e - 1) & m2) < (((uint32_t)nw - old) & m2);
}

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
	bool packed, in_order;
	/* Packed layout (packed): the ring and the two event suppression structures. */
	struct rte_vmsg_vring_packed_desc *pring;
	struct rte_vmsg_vring_packed_event *drv_ev; /* written by us */
	struct rte_vmsg_vring_packed_event *dev_ev; /* written by the device */
	/* Private state, this thread only. */
	uint32_t add_seq;  /* chains added */
	uint32_t kick_seq; /* add_seq at the last kick */
	uint32_t reap_seq; /* chains reaped */
	uint32_t run_left; /* IN_ORDER: chains of the current used run still to report */
	uint32_t run_len;  /* IN_ORDER: used len of the run's last chain */
	uint16_t *ord;	   /* IN_ORDER: head of chain number s at ord[s mod N] */
	/*
	 * Split: what this side last wrote in each descriptor and avail ring
	 * entry, so that desc_put() and avail_put() tell an unchanged one
	 * without reading the line the device reads.
	 */
	struct rte_vmsg_vring_desc *dshadow;
	rte_vmsg_le16 *ashadow;
	uint16_t pend_pos;   /* packed: slot of the first head flags not yet published */
	uint16_t pend_flags; /* packed: its flags, stored by the next kick */
	bool pend;	     /* packed: a head waits for the kick */
	/*
	 * Split: avail_idx, kicked_idx, last_used, used_cache are indices. Packed:
	 * avail_idx and kicked_idx are ring positions of the next descriptor to
	 * write and at the last kick, last_used the position of the next used
	 * descriptor (see vqp_wrap()); used_cache is unused.
	 */
	uint16_t avail_idx;  /* shadow of the avail idx we publish */
	uint16_t kicked_idx; /* avail idx at the last kick */
	uint16_t last_used;  /* next used entry to reap */
	uint16_t used_cache; /* last used idx read from the device */
	uint32_t free_head;  /* oldest free descriptor (valid while num_free > 0) */
	uint32_t free_tail;  /* newest free descriptor (valid while num_free > 0) */
	uint32_t num_free;   /* free descriptors (packed: ring slots) */
	uint32_t idle;
	bool armed;
	uint16_t *next;	       /* private next links: free list and chains (packed: free ids) */
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
	bool packed, in_order;
	/* Packed layout: the ring (used descriptors are written into it). */
	struct rte_vmsg_vring_packed_desc *pring;
	const struct rte_vmsg_vring_packed_event *drv_ev;
	struct rte_vmsg_vring_packed_event *dev_ev; /* written by us */
	/* Private state, this thread only. */
	uint32_t pop_seq;  /* chains popped */
	uint32_t push_seq; /* chains pushed */
	uint16_t *ord;	   /* IN_ORDER: head popped as chain s at ord[s mod N] */
	uint16_t *ndesc;   /* packed: ring descriptors of each id in flight */
	/* Packed: last_avail and used_idx are ring positions (see vqp_wrap()). */
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

/* The packed halves (virtq_packed.c); the public calls dispatch to them. */
void rte_vmsg__vqp_drv_init(struct rte_vmsg_vq_drv *vq);
void rte_vmsg__vqp_drv_set_armed(struct rte_vmsg_vq_drv *vq, bool on);
int rte_vmsg__vqp_drv_add(struct rte_vmsg_vq_drv *vq, const struct rte_vmsg_vq_chain *chains,
			  uint32_t n);
int rte_vmsg__vqp_drv_kick(struct rte_vmsg_vq_drv *vq, uint32_t *next_offset);
int rte_vmsg__vqp_drv_reap(struct rte_vmsg_vq_drv *vq, struct rte_vmsg_vq_cpl *out, uint32_t n);
int rte_vmsg__vqp_drv_arm(struct rte_vmsg_vq_drv *vq);
void rte_vmsg__vqp_dev_set_armed(struct rte_vmsg_vq_dev *vq, bool on);
int rte_vmsg__vqp_dev_pop(struct rte_vmsg_vq_dev *vq, struct rte_vmsg_vq_req *reqs, uint32_t nreq,
			  struct rte_vmsg_vq_iov *iov, uint32_t niov);
int rte_vmsg__vqp_dev_push(struct rte_vmsg_vq_dev *vq, const struct rte_vmsg_vq_used *used,
			   uint32_t n);
int rte_vmsg__vqp_dev_need_notify(struct rte_vmsg_vq_dev *vq);
int rte_vmsg__vqp_dev_arm(struct rte_vmsg_vq_dev *vq);

#endif /* RTE_VMSG_VIRTQ_PRIV_H */
