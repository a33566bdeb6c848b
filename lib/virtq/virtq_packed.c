/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Packed virtqueues (virtio 1.1+ 2.8): both halves' data path. The public
 * calls of virtq_drv.c and virtq_dev.c check their arguments and dispatch
 * here when the queue was created or attached with VIRTIO_F_RING_PACKED.
 */

#define RTE_VMSG_LOG_PREFIX "virtq: "

#include <errno.h>
#include <string.h>

#include "virtq_priv.h"

#define PD_AVAIL RTE_VMSG_VRING_PACKED_DESC_F_AVAIL
#define PD_USED RTE_VMSG_VRING_PACKED_DESC_F_USED

#define DRV_BREAK(vq, r) rte_vmsg__vq_break(&(vq)->st, (r), "driver")
#define DEV_BREAK(vq, r) rte_vmsg__vq_break(&(vq)->st, (r), "device")

/* virtio 1.1 2.8.1: available when AVAIL = the wrap counter and USED != it. */
static inline bool pd_avail(uint16_t fl, uint16_t c, uint32_t size)
{
	bool w = vqp_wrap(c, size);

	return ((fl & PD_AVAIL) != 0) == w && ((fl & PD_USED) != 0) != w;
}

/* ... and used when both equal the wrap counter of the used position. */
static inline bool pd_used(uint16_t fl, uint16_t c, uint32_t size)
{
	bool w = vqp_wrap(c, size);

	return ((fl & PD_AVAIL) != 0) == w && ((fl & PD_USED) != 0) == w;
}

/*
 * The event suppression word of a receiving side. Armed: ENABLE, or with
 * EVENT_IDX, DESC at the next position this side will look at. Disarmed:
 * DISABLE. off_wrap is stored before flags; the peer reads flags first; the
 * full barriers of the arm/notify pairs (M_D1/M_V2, M_V1/M_D2) order both.
 */
static void ev_set(struct rte_vmsg_vring_packed_event *ev, bool on, bool event_idx, uint16_t c,
		   uint32_t size)
{
	uint16_t fl = RTE_VMSG_VRING_PACKED_EVENT_DISABLE;

	if (on && event_idx) {
		rte_vmsg__write_once(&ev->off_wrap, rte_vmsg_cpu_to_le16(vqp_off_wrap(c, size)));
		fl = RTE_VMSG_VRING_PACKED_EVENT_DESC;
	} else if (on) {
		fl = RTE_VMSG_VRING_PACKED_EVENT_ENABLE;
	}
	rte_vmsg__write_once(&ev->flags, rte_vmsg_cpu_to_le16(fl));
}

/* Does the peer's event suppression structure ask to be told of [old, nw)? Read once each. */
static int ev_need(const struct rte_vmsg_vring_packed_event *ev, bool event_idx, uint16_t nw,
		   uint16_t old, uint32_t size)
{
	uint16_t fl = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&ev->flags)) & 3u;

	if (fl == RTE_VMSG_VRING_PACKED_EVENT_DISABLE)
		return 0;
	if (fl == RTE_VMSG_VRING_PACKED_EVENT_DESC && event_idx)
		return vqp_need_event(rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&ev->off_wrap)), nw,
				      old, size);
	return 1; /* ENABLE; DESC without EVENT_IDX and the reserved value 3 read as ENABLE */
}

/* ======================================================================== */
/* Driver half                                                              */
/* ======================================================================== */

void rte_vmsg__vqp_drv_set_armed(struct rte_vmsg_vq_drv *vq, bool on)
{
	ev_set(vq->drv_ev, on, vq->event_idx, vq->last_used, vq->size);
	vq->armed = on;
}

void rte_vmsg__vqp_drv_init(struct rte_vmsg_vq_drv *vq)
{
	vq->pend = false;
	rte_vmsg__vqp_drv_set_armed(vq, vq->policy == RTE_VMSG_VQ_POLICY_EVENT);
}

static inline void pdesc_put(struct rte_vmsg_vring_packed_desc *d, uint64_t addr, uint32_t len,
			     uint16_t id)
{
	rte_vmsg__write_once(&d->addr, rte_vmsg_cpu_to_le64(addr));
	rte_vmsg__write_once(&d->len, rte_vmsg_cpu_to_le32(len));
	rte_vmsg__write_once(&d->id, rte_vmsg_cpu_to_le16(id));
}

int rte_vmsg__vqp_drv_add(struct rte_vmsg_vq_drv *vq, const struct rte_vmsg_vq_chain *chains,
			  uint32_t n)
{
	uint32_t i, j;

	for (i = 0; i < n; i++) {
		const struct rte_vmsg_vq_chain *c = &chains[i];
		uint32_t total = (uint32_t)c->n_out + c->n_in;
		bool ind = (c->flags & RTE_VMSG_VQ_CHAIN_INDIRECT) != 0;
		uint32_t nd = ind ? 1 : total;
		uint16_t pos = vq->avail_idx, id;
		uint64_t w = 0;

		if (nd > vq->num_free)
			break;
		/* Free ids >= free slots >= 1: every chain in flight holds a slot. */
		id = (uint16_t)vq->free_head;
		vq->free_head = vq->next[id];
		for (j = c->n_out; j < total; j++)
			w += c->bufs[j].len;
		if (ind) {
			struct rte_vmsg_vring_packed_desc *t =
				(struct rte_vmsg_vring_packed_desc *)(void *)vq->pool +
				(size_t)id * vq->indirect_max;
			struct rte_vmsg_vring_packed_desc *d = &vq->pring[pos & vq->mask];
			uint16_t fl = RTE_VMSG_VRING_DESC_F_INDIRECT |
				      (vqp_wrap(pos, vq->size) ? PD_AVAIL : PD_USED);

			/* virtio 1.1 2.8.19: in a table only F_WRITE counts; ids are reserved. */
			for (j = 0; j < total; j++) {
				pdesc_put(&t[j], c->bufs[j].addr, c->bufs[j].len, 0);
				rte_vmsg__write_once(
					&t[j].flags,
					rte_vmsg_cpu_to_le16(
						(uint16_t)(j >= c->n_out
								   ? RTE_VMSG_VRING_DESC_F_WRITE
								   : 0)));
			}
			pdesc_put(d,
				  vq->pool_bus + (uint64_t)id * vq->indirect_max *
							 sizeof(struct rte_vmsg_vring_packed_desc),
				  total * (uint32_t)sizeof(struct rte_vmsg_vring_packed_desc), id);
			if (!vq->pend) {
				vq->pend = true;
				vq->pend_pos = (uint16_t)(pos & vq->mask);
				vq->pend_flags = fl;
			} else {
				rte_vmsg__write_once(&d->flags, rte_vmsg_cpu_to_le16(fl));
			}
		} else {
			for (j = 0; j < total; j++) {
				uint16_t p = (uint16_t)(pos + j);
				struct rte_vmsg_vring_packed_desc *d = &vq->pring[p & vq->mask];
				uint16_t fl = vqp_wrap(p, vq->size) ? PD_AVAIL : PD_USED;

				if (j >= c->n_out)
					fl |= RTE_VMSG_VRING_DESC_F_WRITE;
				if (j + 1 < total)
					fl |= RTE_VMSG_VRING_DESC_F_NEXT;
				/* The id in every descriptor; the device reads the last one's. */
				pdesc_put(d, c->bufs[j].addr, c->bufs[j].len, id);
				/*
				 * The first head since the last kick is held back:
				 * its flags are the one store the kick releases (R_P),
				 * and the device stops at it until then.
				 */
				if (j == 0 && !vq->pend) {
					vq->pend = true;
					vq->pend_pos = (uint16_t)(p & vq->mask);
					vq->pend_flags = fl;
				} else {
					rte_vmsg__write_once(&d->flags, rte_vmsg_cpu_to_le16(fl));
				}
			}
		}
		vq->avail_idx = (uint16_t)(pos + nd);
		vq->num_free -= nd;
		vq->heads[id].cookie = c->cookie;
		vq->heads[id].wlen = (uint32_t)w;
		vq->heads[id].ndesc = (uint16_t)nd; /* nd <= 32768 */
		vq->heads[id].seq = vq->add_seq;
		if (vq->in_order)
			vq->ord[vq->add_seq & vq->mask] = id;
		vq->add_seq++;
	}
	vq->st.chains += i;
	return (int)i;
}

int rte_vmsg__vqp_drv_kick(struct rte_vmsg_vq_drv *vq, uint32_t *next_offset)
{
	uint16_t nw = vq->avail_idx, old = vq->kicked_idx;
	int need;

	/*
	 * virtio-msg §4.12 (DRV-30): with VIRTIO_F_NOTIFICATION_DATA, a packed
	 * ring's next_offset is the offset of the next descriptor the driver
	 * will make available (bits 30:0) and its wrap counter (bit 31).
	 */
	if (next_offset != NULL)
		*next_offset = vq->notif_data
				       ? (uint32_t)(nw & vq->mask) |
						 (vqp_wrap(nw, vq->size) ? RTE_VMSG_AVAIL_WRAP : 0)
				       : 0;
	vq->st.notify_checks++;
	if (nw == old)
		return 0;
	/*
	 * R_P: the descriptors of every chain added since the last kick, then
	 * the flags of the first of them; pairs with A_P in
	 * rte_vmsg__vqp_dev_pop() and rte_vmsg__vqp_dev_arm().
	 */
	rte_vmsg__store_release(&vq->pring[vq->pend_pos].flags,
				rte_vmsg_cpu_to_le16(vq->pend_flags));
	vq->pend = false;
	vq->kicked_idx = nw;
	vq->kick_seq = vq->add_seq;
	if (vq->policy == RTE_VMSG_VQ_POLICY_POLL)
		return 0; /* polling-only: no EVENT_AVAIL (DRV-33, BUS-19) */
	/*
	 * M_D1: the head flags store before the load of the device's event
	 * suppression structure; pairs with M_V2 in rte_vmsg__vqp_dev_arm() and
	 * the ADAPTIVE arming in rte_vmsg__vqp_dev_pop().
	 */
	rte_vmsg__smp_mb();
	need = ev_need(vq->dev_ev, vq->event_idx, nw, old, vq->size);
	if (need)
		vq->st.notifies++;
	return need;
}

/* Gives the id back at the tail of the free list (FIFO, as the split ring's descriptors). */
static inline void drv_id_free(struct rte_vmsg_vq_drv *vq, uint16_t id)
{
	if (vq->add_seq - vq->reap_seq == vq->size) /* no id free */
		vq->free_head = id;
	else
		vq->next[vq->free_tail] = id;
	vq->free_tail = id;
}

/* Reports the chain @p id (in flight) with @p len, frees its id and slots. */
static inline void drv_complete(struct rte_vmsg_vq_drv *vq, uint16_t id, uint32_t len,
				struct rte_vmsg_vq_cpl *o)
{
	struct vq_head *h = &vq->heads[id];

	o->cookie = h->cookie;
	o->len = len;
	o->reserved = 0;
	drv_id_free(vq, id);
	vq->last_used = (uint16_t)(vq->last_used + h->ndesc);
	vq->num_free += h->ndesc;
	h->ndesc = 0;
	vq->reap_seq++;
}

int rte_vmsg__vqp_drv_reap(struct rte_vmsg_vq_drv *vq, struct rte_vmsg_vq_cpl *out, uint32_t n)
{
	/* In locals: the stores into out[] could alias them for the compiler. */
	const struct rte_vmsg_vring_packed_desc *ring = vq->pring;
	struct vq_head *heads = vq->heads;
	const uint32_t size = vq->size, mask = vq->mask;
	bool retried = false;
	uint32_t i = 0;
	int rc = 0;

again:
	while (i < n) {
		const struct rte_vmsg_vring_packed_desc *d;
		uint16_t c, fl, id;
		struct vq_head *h;
		uint32_t len, k;

		if (vq->run_left != 0) {
			/* IN_ORDER: the rest of a run one used descriptor reported. */
			id = vq->ord[vq->reap_seq & vq->mask];
			drv_complete(vq, id, --vq->run_left != 0 ? vq->heads[id].wlen : vq->run_len,
				     &out[i++]);
			continue;
		}
		c = vq->last_used;
		d = &ring[c & mask];
		/* A_P: pairs with R_P in rte_vmsg__vqp_dev_push(): used descriptor and buffer data. */
		fl = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&d->flags));
		if (!pd_used(fl, c, size))
			break;
		if (RTE_VMSG_UNLIKELY(vq->kick_seq == vq->reap_seq)) {
			rc = DRV_BREAK(vq, RTE_VMSG_VQ_BAD_USED_IDX);
			break;
		}
		id = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&d->id));
		len = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(&d->len));
		if (RTE_VMSG_UNLIKELY(id >= size || heads[id].ndesc == 0 ||
				      (int32_t)(heads[id].seq - vq->kick_seq) >= 0)) {
			rc = DRV_BREAK(vq, RTE_VMSG_VQ_BAD_USED_ID);
			break;
		}
		h = &heads[id];
		if (RTE_VMSG_UNLIKELY(len > h->wlen)) {
			rc = DRV_BREAK(vq, RTE_VMSG_VQ_BAD_USED_LEN);
			break;
		}
		if (!vq->in_order) {
			drv_complete(vq, id, len, &out[i++]);
			continue;
		}
		/*
		 * IN_ORDER (virtio 1.1 2.8.21): the descriptor stands for the
		 * chains from the oldest in flight up to id; all but the last
		 * were used whole. Their ids are known from the add order.
		 */
		k = h->seq - vq->reap_seq + 1;
		vq->run_left = k;
		vq->run_len = len;
		id = vq->ord[vq->reap_seq & vq->mask];
		drv_complete(vq, id, --vq->run_left != 0 ? vq->heads[id].wlen : len, &out[i++]);
	}
	vq->st.completions += i;
	if (RTE_VMSG_UNLIKELY(rc < 0))
		return i != 0 ? (int)i : rc;

	if (i != 0) {
		vq->idle = 0;
		if (vq->policy == RTE_VMSG_VQ_POLICY_ADAPTIVE && vq->armed)
			rte_vmsg__vqp_drv_set_armed(vq, false);
		else if (vq->armed && vq->event_idx)
			rte_vmsg__write_once(
				&vq->drv_ev->off_wrap,
				rte_vmsg_cpu_to_le16(vqp_off_wrap(vq->last_used, vq->size)));
	} else if (vq->policy == RTE_VMSG_VQ_POLICY_ADAPTIVE && !vq->armed && !retried &&
		   ++vq->idle >= vq->idle_threshold) {
		rte_vmsg__vqp_drv_set_armed(vq, true);
		vq->st.arms++;
		/* M_D2: pairs with M_V1 in rte_vmsg__vqp_dev_need_notify(); then re-check. */
		rte_vmsg__smp_mb();
		retried = true;
		goto again;
	}
	return (int)i;
}

int rte_vmsg__vqp_drv_arm(struct rte_vmsg_vq_drv *vq)
{
	uint16_t fl;

	rte_vmsg__vqp_drv_set_armed(vq, true);
	vq->st.arms++;
	/*
	 * M_D2: the event suppression store before the load of the next used
	 * descriptor's flags; pairs with M_V1 in rte_vmsg__vqp_dev_need_notify().
	 */
	rte_vmsg__smp_mb();
	if (vq->run_left != 0)
		return 1;
	fl = rte_vmsg_le16_to_cpu(
		rte_vmsg__load_acquire(&vq->pring[vq->last_used & vq->mask].flags)); /* A_P */
	return pd_used(fl, vq->last_used, vq->size) ? 1 : 0;
}

/* ======================================================================== */
/* Device half                                                              */
/* ======================================================================== */

void rte_vmsg__vqp_dev_set_armed(struct rte_vmsg_vq_dev *vq, bool on)
{
	ev_set(vq->dev_ev, on, vq->event_idx, vq->last_avail, vq->size);
	vq->armed = on;
}

struct pwalk {
	struct rte_vmsg_vq_iov *iov;
	uint32_t cap, n;
	uint64_t out, in;
	bool seen_w;
};

/* Checks and records one buffer of a chain. 0, -ENOBUFS, or -EIO (broken). */
static inline int pwalk_buf(struct rte_vmsg_vq_dev *vq, struct pwalk *w, uint64_t addr,
			    uint32_t len, bool wr)
{
	void *p = rte_vmsg_memmap_translate(vq->map, addr, len);

	if (RTE_VMSG_UNLIKELY(p == NULL))
		return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_DESC_ADDR);
	if (wr) {
		w->seen_w = true;
		w->in += len;
	} else {
		/* virtio 1.1 2.8.4 (as 2.7.4): readable descriptors before writable ones. */
		if (RTE_VMSG_UNLIKELY(w->seen_w))
			return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_ORDER);
		w->out += len;
	}
	if (RTE_VMSG_UNLIKELY(w->n >= vq->max_chain || w->in > UINT32_MAX || w->out > UINT32_MAX))
		return DEV_BREAK(vq, RTE_VMSG_VQ_CHAIN_TOO_LONG);
	if (w->n >= w->cap)
		return -ENOBUFS;
	w->iov[w->n].base = p;
	w->iov[w->n].len = len;
	w->iov[w->n].writable = wr;
	w->n++;
	return 0;
}

/* An indirect table (virtio 1.1 2.8.19): every entry, in order; only F_WRITE counts. */
static int pwalk_table(struct rte_vmsg_vq_dev *vq, struct pwalk *w, uint64_t addr, uint32_t len)
{
	const uint8_t *tbl;
	uint32_t e, entries;
	int rc;

	if (!vq->indirect)
		return DEV_BREAK(vq, RTE_VMSG_VQ_INDIRECT_UNNEGOTIATED);
	if (len == 0 || len % sizeof(struct rte_vmsg_vring_packed_desc) != 0 ||
	    len / sizeof(struct rte_vmsg_vring_packed_desc) > RTE_VMSG_VQ_MAX_SIZE)
		return DEV_BREAK(vq, RTE_VMSG_VQ_INDIRECT_BAD_LEN);
	tbl = rte_vmsg_memmap_translate(vq->map, addr, len);
	if (tbl == NULL)
		return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_DESC_ADDR);
	entries = len / (uint32_t)sizeof(struct rte_vmsg_vring_packed_desc);
	for (e = 0; e < entries; e++) {
		struct rte_vmsg_vring_packed_desc t;

		/* One fetch into a local copy (any alignment); no field is read again. */
		memcpy(&t, tbl + (size_t)e * sizeof(t), sizeof(t));
		rte_vmsg__compiler_barrier();
		rc = pwalk_buf(vq, w, rte_vmsg_le64_to_cpu(t.addr), rte_vmsg_le32_to_cpu(t.len),
			       (rte_vmsg_le16_to_cpu(t.flags) & RTE_VMSG_VRING_DESC_F_WRITE) != 0);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/*
 * The checks every chain ends with, on the id of its last descriptor, and
 * its request. @p steps: the ring descriptors the chain holds.
 */
static inline int pdev_finish(struct rte_vmsg_vq_dev *vq, uint16_t c, uint32_t steps, uint16_t id,
			      const struct pwalk *w, struct rte_vmsg_vq_req *req, uint16_t *nd)
{
	/* The buffer id is the last descriptor's (virtio 1.1 2.8.6). */
	if (RTE_VMSG_UNLIKELY(id >= vq->size))
		return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_HEAD);
	if (RTE_VMSG_UNLIKELY(vq->busy[id] != 0))
		return DEV_BREAK(vq, RTE_VMSG_VQ_HEAD_IN_USE);
	/* At most N descriptors between the used and the avail position. */
	if (RTE_VMSG_UNLIKELY((uint16_t)(c + steps - vq->used_idx) > vq->size))
		return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_AVAIL_IDX);
	req->head = id;
	req->n_iov = w->n;
	req->out_len = (uint32_t)w->out;
	req->in_len = (uint32_t)w->in;
	req->reserved = 0;
	*nd = (uint16_t)steps;
	return 0;
}

/*
 * The general walk (several descriptors, or an indirect table) of the chain
 * whose head is at position @p c, flags @p fl. Apart from pdev_walk(), so
 * that the common chain of one descriptor keeps its walk state in
 * registers (this one's goes to pwalk_table()).
 */
static int pdev_walk_chain(struct rte_vmsg_vq_dev *vq, uint16_t c, uint16_t fl,
			   struct rte_vmsg_vq_iov *iov, uint32_t cap, struct rte_vmsg_vq_req *req,
			   uint16_t *nd)
{
	struct pwalk w = { .iov = iov, .cap = cap };
	uint32_t steps = 0;
	uint16_t id;
	int rc;

	for (;;) {
		const struct rte_vmsg_vring_packed_desc *d =
			&vq->pring[(uint16_t)(c + steps) & vq->mask];
		uint64_t addr;
		uint32_t len;

		if (steps != 0)
			fl = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&d->flags));
		addr = rte_vmsg_le64_to_cpu(rte_vmsg__read_once(&d->addr));
		len = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(&d->len));
		id = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&d->id));
		steps++;
		if (RTE_VMSG_UNLIKELY((fl & RTE_VMSG_VRING_DESC_F_INDIRECT) != 0)) {
			if ((fl & RTE_VMSG_VRING_DESC_F_NEXT) != 0)
				return DEV_BREAK(vq, RTE_VMSG_VQ_INDIRECT_CHAINED);
			rc = pwalk_table(vq, &w, addr, len);
			if (rc != 0)
				return rc;
			break;
		}
		rc = pwalk_buf(vq, &w, addr, len, (fl & RTE_VMSG_VRING_DESC_F_WRITE) != 0);
		if (rc != 0)
			return rc;
		if ((fl & RTE_VMSG_VRING_DESC_F_NEXT) == 0)
			break;
		/* The next descriptor would be the head again: the chain covers the ring. */
		if (RTE_VMSG_UNLIKELY(steps >= vq->size))
			return DEV_BREAK(vq, RTE_VMSG_VQ_CHAIN_LOOP);
	}
	return pdev_finish(vq, c, steps, id, &w, req, nd);
}

/*
 * Walks the chain whose head is at position @p c (flags @p fl, read by the
 * caller's acquire). Every field of every descriptor is read once, the
 * head's flags never again. Returns 0 with the ring descriptors it holds in
 * *nd, -ENOBUFS (nothing consumed), or -EIO.
 */
static inline int pdev_walk(struct rte_vmsg_vq_dev *vq, uint16_t c, uint16_t fl,
			    struct rte_vmsg_vq_iov *iov, uint32_t cap, struct rte_vmsg_vq_req *req,
			    uint16_t *nd)
{
	const struct rte_vmsg_vring_packed_desc *d = &vq->pring[c & vq->mask];
	struct pwalk w = { .iov = iov, .cap = cap };
	uint64_t addr;
	uint32_t len;
	uint16_t id;
	int rc;

	if (RTE_VMSG_UNLIKELY(
		    (fl & (RTE_VMSG_VRING_DESC_F_NEXT | RTE_VMSG_VRING_DESC_F_INDIRECT)) != 0))
		return pdev_walk_chain(vq, c, fl, iov, cap, req, nd);
	/* One descriptor: a packet, a receive buffer. */
	addr = rte_vmsg_le64_to_cpu(rte_vmsg__read_once(&d->addr));
	len = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(&d->len));
	id = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&d->id));
	rc = pwalk_buf(vq, &w, addr, len, (fl & RTE_VMSG_VRING_DESC_F_WRITE) != 0);
	if (rc != 0)
		return rc;
	return pdev_finish(vq, c, 1, id, &w, req, nd);
}

int rte_vmsg__vqp_dev_pop(struct rte_vmsg_vq_dev *vq, struct rte_vmsg_vq_req *reqs, uint32_t nreq,
			  struct rte_vmsg_vq_iov *iov, uint32_t niov)
{
	uint32_t got = 0, used_iov = 0;
	bool retried = false;
	int rc;

again:
	while (got < nreq) {
		uint16_t c = vq->last_avail, fl, nd = 0;
		struct rte_vmsg_vq_req *r = &reqs[got];

		/* A_P: pairs with R_P in rte_vmsg__vqp_drv_kick(): the chains it published. */
		fl = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&vq->pring[c & vq->mask].flags));
		if (!pd_avail(fl, c, vq->size))
			break;
		rc = pdev_walk(vq, c, fl, iov + used_iov, niov - used_iov, r, &nd);
		if (rc == -ENOBUFS) {
			if (got == 0)
				return -ENOBUFS;
			break;
		}
		if (rc != 0)
			return rc;
		r->iov_first = used_iov;
		used_iov += r->n_iov;
		vq->in_len[r->head] = r->in_len;
		vq->busy[r->head] = 1;
		vq->ndesc[r->head] = nd;
		if (vq->in_order)
			vq->ord[vq->pop_seq & vq->mask] = (uint16_t)r->head;
		vq->pop_seq++;
		vq->last_avail = (uint16_t)(c + nd);
		got++;
	}
	vq->st.chains += got;

	if (got != 0) {
		vq->idle = 0;
		if (vq->policy == RTE_VMSG_VQ_POLICY_ADAPTIVE && vq->armed)
			rte_vmsg__vqp_dev_set_armed(vq, false);
		else if (vq->armed && vq->event_idx)
			rte_vmsg__write_once(
				&vq->dev_ev->off_wrap,
				rte_vmsg_cpu_to_le16(vqp_off_wrap(vq->last_avail, vq->size)));
	} else if (vq->policy == RTE_VMSG_VQ_POLICY_ADAPTIVE && !vq->armed && !retried &&
		   ++vq->idle >= vq->idle_threshold) {
		rte_vmsg__vqp_dev_set_armed(vq, true);
		vq->st.arms++;
		/* M_V2: pairs with M_D1 in rte_vmsg__vqp_drv_kick(); then re-check. */
		rte_vmsg__smp_mb();
		retried = true;
		goto again;
	}
	return (int)got;
}

/* Writes one used descriptor at position c; the first of a burst's flags wait in *ffl. */
static inline void pused_put(struct rte_vmsg_vq_dev *vq, uint16_t c, uint32_t id, uint32_t len,
			     bool first, uint16_t *ffl)
{
	struct rte_vmsg_vring_packed_desc *d = &vq->pring[c & vq->mask];
	uint16_t fl = vqp_wrap(c, vq->size) ? (PD_AVAIL | PD_USED) : 0;

	rte_vmsg__write_once(&d->id, rte_vmsg_cpu_to_le16((uint16_t)id));
	rte_vmsg__write_once(&d->len, rte_vmsg_cpu_to_le32(len));
	if (first)
		*ffl = fl;
	else
		rte_vmsg__write_once(&d->flags, rte_vmsg_cpu_to_le16(fl));
}

int rte_vmsg__vqp_dev_push(struct rte_vmsg_vq_dev *vq, const struct rte_vmsg_vq_used *used,
			   uint32_t n)
{
	uint16_t c = vq->used_idx, c0 = c, ffl = 0, nd = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		uint32_t h = used[i].head;

		nd = (uint16_t)(nd + vq->ndesc[h]);
		/*
		 * IN_ORDER: a chain used whole that another follows in this
		 * burst needs no descriptor of its own; the run's last one
		 * stands for it (virtio 1.1 2.8.21).
		 */
		if (vq->in_order && i + 1 < n && used[i].len == vq->in_len[h])
			continue;
		pused_put(vq, c, h, used[i].len, c == c0, &ffl);
		c = (uint16_t)(c + nd);
		nd = 0;
	}
	vq->used_idx = c;
	/*
	 * R_P: buffer data and the used descriptors, then the first one's
	 * flags; pairs with A_P in rte_vmsg__vqp_drv_reap() and
	 * rte_vmsg__vqp_drv_arm().
	 */
	if (n != 0)
		rte_vmsg__store_release(&vq->pring[c0 & vq->mask].flags, rte_vmsg_cpu_to_le16(ffl));
	vq->push_seq += n;
	vq->st.completions += n;
	return (int)n;
}

int rte_vmsg__vqp_dev_need_notify(struct rte_vmsg_vq_dev *vq)
{
	uint16_t nw = vq->used_idx, old = vq->signalled;
	int need;

	vq->signalled = nw;
	vq->st.notify_checks++;
	if (vq->policy == RTE_VMSG_VQ_POLICY_POLL || nw == old)
		return 0; /* polling-only: no EVENT_USED (BUS-19) */
	/*
	 * M_V1: the used flags store (R_P) before the load of the driver's
	 * event suppression structure; pairs with M_D2 in rte_vmsg__vqp_drv_arm()
	 * and the ADAPTIVE arming in rte_vmsg__vqp_drv_reap().
	 */
	rte_vmsg__smp_mb();
	need = ev_need(vq->drv_ev, vq->event_idx, nw, old, vq->size);
	if (need)
		vq->st.notifies++;
	return need;
}

int rte_vmsg__vqp_dev_arm(struct rte_vmsg_vq_dev *vq)
{
	uint16_t fl;

	rte_vmsg__vqp_dev_set_armed(vq, true);
	vq->st.arms++;
	/*
	 * M_V2: the event suppression store before the load of the next
	 * descriptor's flags; pairs with M_D1 in rte_vmsg__vqp_drv_kick().
	 */
	rte_vmsg__smp_mb();
	fl = rte_vmsg_le16_to_cpu(
		rte_vmsg__load_acquire(&vq->pring[vq->last_avail & vq->mask].flags)); /* A_P */
	return pd_avail(fl, vq->last_avail, vq->size) ? 1 : 0;
}
