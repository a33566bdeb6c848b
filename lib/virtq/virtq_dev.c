/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Device half of a virtqueue: attach through a bus-address map, pop
 * available chains as checked I/O vectors, push used ones, notify checks (the
 * split layout here, the packed one's data path in virtq_packed.c).
 * Nothing the driver wrote is trusted.
 */

#define RTE_VMSG_LOG_PREFIX "virtq: "

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtq_priv.h"
#include "log_priv.h"
#include "opts_priv.h"

/* A chain's byte totals must fit the 32-bit used len. */
#define DEV_MAX_BYTES UINT32_MAX

#define DEV_BREAK(vq, r) rte_vmsg__vq_break(&(vq)->st, (r), "device")

/*
 * Notification suppression of the device half: the used ring's flags and
 * avail_event are ours (the device's only writes besides used entries).
 */
static void dev_set_armed(struct rte_vmsg_vq_dev *vq, bool on)
{
	rte_vmsg__write_once(
		&vq->used->flags,
		rte_vmsg_cpu_to_le16((uint16_t)(on ? 0 : RTE_VMSG_VRING_USED_F_NO_NOTIFY)));
	if (vq->event_idx)
		rte_vmsg__write_once(
			vq->avail_event,
			rte_vmsg_cpu_to_le16(
				(uint16_t)(on ? vq->last_avail : vq->last_avail + 0x8000u)));
	vq->armed = on;
}

static void dev_init(struct rte_vmsg_vq_dev *vq)
{
	vq->last_avail = 0;
	vq->avail_cache = 0;
	vq->used_idx = 0;
	vq->signalled = 0;
	vq->idle = 0;
	vq->pop_seq = 0;
	vq->push_seq = 0;
	memset(vq->busy, 0, vq->size);
	if (vq->packed)
		rte_vmsg__vqp_dev_set_armed(vq, vq->policy == RTE_VMSG_VQ_POLICY_EVENT);
	else
		dev_set_armed(vq, vq->policy == RTE_VMSG_VQ_POLICY_EVENT);
	vq->st.broken = 0;
}

RTE_VMSG_API int rte_vmsg_vq_dev_attach(const struct rte_vmsg_vq_dev_opts *opts,
					struct rte_vmsg_vq_dev **out)
{
	struct rte_vmsg_vq_dev_opts o;
	struct rte_vmsg_vq_dev *vq;
	void *d, *a, *u;
	bool packed;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0)
		return -EINVAL;
	if (!vq_size_ok(o.size) || o.policy > RTE_VMSG_VQ_POLICY_ADAPTIVE || o.map == NULL ||
	    o.max_chain > 65536u)
		return -EINVAL;
	packed = (o.features & (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED)) != 0;
	if (packed) {
		/* Packed-ring alignment (virtio 1.1 2.8.10.1): ring 16, event structures 4. */
		if ((o.desc_addr & 15) != 0 || (o.driver_addr & 3) != 0 || (o.device_addr & 3) != 0)
			return -EINVAL;
		d = rte_vmsg_memmap_translate(o.map, o.desc_addr,
					      (uint64_t)o.size *
						      sizeof(struct rte_vmsg_vring_packed_desc));
		a = rte_vmsg_memmap_translate(o.map, o.driver_addr,
					      sizeof(struct rte_vmsg_vring_packed_event));
		u = rte_vmsg_memmap_translate(o.map, o.device_addr,
					      sizeof(struct rte_vmsg_vring_packed_event));
	} else {
		/* Split-ring alignment (virtio 1.x 2.7): desc 16, avail 2, used 4. */
		if ((o.desc_addr & 15) != 0 || (o.driver_addr & 1) != 0 || (o.device_addr & 3) != 0)
			return -EINVAL;
		d = rte_vmsg_memmap_translate(
			o.map, o.desc_addr, (uint64_t)o.size * sizeof(struct rte_vmsg_vring_desc));
		a = rte_vmsg_memmap_translate(o.map, o.driver_addr, 6 + 2 * (uint64_t)o.size);
		u = rte_vmsg_memmap_translate(o.map, o.device_addr, 6 + 8 * (uint64_t)o.size);
	}
	if (d == NULL || a == NULL || u == NULL)
		return -EFAULT;
	/* Atomics need natural alignment of the local addresses too. */
	if (((uintptr_t)d & 15) != 0 || ((uintptr_t)a & (packed ? 3 : 1)) != 0 ||
	    ((uintptr_t)u & 3) != 0)
		return -EINVAL;

	vq = calloc(1, sizeof(*vq));
	if (vq == NULL)
		return -ENOMEM;
	vq->in_len = calloc(o.size, sizeof(*vq->in_len));
	vq->busy = calloc(o.size, 1);
	vq->ord = calloc(o.size, sizeof(*vq->ord));
	vq->ndesc = calloc(o.size, sizeof(*vq->ndesc));
	if (vq->in_len == NULL || vq->busy == NULL || vq->ord == NULL || vq->ndesc == NULL) {
		free(vq->in_len);
		free(vq->busy);
		free(vq->ord);
		free(vq->ndesc);
		free(vq);
		return -ENOMEM;
	}
	vq->packed = packed;
	if (packed) {
		vq->pring = d;
		vq->drv_ev = a;
		vq->dev_ev = u;
	} else {
		vq->desc = d;
		vq->avail = a;
		vq->used = u;
		vq->used_event = &vq->avail->ring[o.size];
		vq->avail_event = (rte_vmsg_le16 *)(void *)&vq->used->ring[o.size];
	}
	vq->map = o.map;
	vq->size = o.size;
	vq->mask = o.size - 1;
	vq->max_chain = o.max_chain != 0 ? o.max_chain : o.size;
	vq->policy = o.policy;
	vq->idle_threshold = o.idle_threshold != 0 ? o.idle_threshold : RTE_VMSG_VQ_IDLE_DEFAULT;
	vq->event_idx = (o.features & (1ull << RTE_VMSG_VIRTIO_F_EVENT_IDX)) != 0;
	vq->indirect = (o.features & (1ull << RTE_VMSG_VIRTIO_F_INDIRECT_DESC)) != 0;
	vq->in_order = (o.features & (1ull << RTE_VMSG_VIRTIO_F_IN_ORDER)) != 0;
	dev_init(vq);
	*out = vq;
	return 0;
}

RTE_VMSG_API void rte_vmsg_vq_dev_detach(struct rte_vmsg_vq_dev *vq)
{
	if (vq == NULL)
		return;
	free(vq->in_len);
	free(vq->busy);
	free(vq->ord);
	free(vq->ndesc);
	free(vq);
}

RTE_VMSG_API int rte_vmsg_vq_dev_reset(struct rte_vmsg_vq_dev *vq)
{
	if (vq == NULL)
		return -EINVAL;
	dev_init(vq);
	return 0;
}

/* Reads the driver's avail idx (A_A) and validates it. */
static inline int dev_refresh(struct rte_vmsg_vq_dev *vq)
{
	/*
	 * A_A: pairs with R_A in rte_vmsg_vq_drv_kick(): the avail entries and
	 * descriptors up to this idx are complete once we see it.
	 */
	uint16_t v = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&vq->avail->idx));

	if (RTE_VMSG_UNLIKELY((uint16_t)(v - vq->last_avail) > vq->size))
		return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_AVAIL_IDX);
	vq->avail_cache = v;
	return 0;
}

/*
 * Walks the chain at @p head into @p iov (capacity @p cap), checking every
 * descriptor. Returns 0, -ENOBUFS when the chain does not fit (nothing
 * consumed), or -EIO (queue broken).
 */
static int dev_walk(struct rte_vmsg_vq_dev *vq, uint32_t head, struct rte_vmsg_vq_iov *iov,
		    uint32_t cap, struct rte_vmsg_vq_req *req)
{
	/* A byte pointer: an indirect table may sit at any address the driver chose. */
	const uint8_t *tbl = (const uint8_t *)vq->desc;
	uint32_t entries = vq->size, idx = head, steps = 0, n = 0;
	uint64_t out = 0, in = 0;
	bool ind = false, seen_w = false;

	for (;;) {
		struct rte_vmsg_vring_desc dl;
		uint64_t addr;
		uint32_t len;
		uint16_t flags;
		void *p;

		if (RTE_VMSG_UNLIKELY(++steps > entries))
			return DEV_BREAK(vq, RTE_VMSG_VQ_CHAIN_LOOP);
		/*
		 * One fetch of the descriptor into a local copy; the compiler
		 * barrier keeps the compiler from re-reading shared memory for
		 * any later use of the fields (no double fetch).
		 */
		memcpy(&dl, tbl + (size_t)idx * sizeof(dl), sizeof(dl));
		rte_vmsg__compiler_barrier();
		addr = rte_vmsg_le64_to_cpu(dl.addr);
		len = rte_vmsg_le32_to_cpu(dl.len);
		flags = rte_vmsg_le16_to_cpu(dl.flags);

		if (RTE_VMSG_UNLIKELY((flags & RTE_VMSG_VRING_DESC_F_INDIRECT) != 0)) {
			if (ind)
				return DEV_BREAK(vq, RTE_VMSG_VQ_INDIRECT_NESTED);
			if (!vq->indirect)
				return DEV_BREAK(vq, RTE_VMSG_VQ_INDIRECT_UNNEGOTIATED);
			if ((flags & RTE_VMSG_VRING_DESC_F_NEXT) != 0)
				return DEV_BREAK(vq, RTE_VMSG_VQ_INDIRECT_CHAINED);
			if (len == 0 || len % sizeof(struct rte_vmsg_vring_desc) != 0 ||
			    len / sizeof(struct rte_vmsg_vring_desc) > RTE_VMSG_VQ_MAX_SIZE)
				return DEV_BREAK(vq, RTE_VMSG_VQ_INDIRECT_BAD_LEN);
			p = rte_vmsg_memmap_translate(vq->map, addr, len);
			if (p == NULL)
				return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_DESC_ADDR);
			tbl = p; /* entries are copied with memcpy: any alignment will do */
			entries = len / (uint32_t)sizeof(struct rte_vmsg_vring_desc);
			idx = 0;
			steps = 0;
			ind = true;
			continue;
		}
		p = rte_vmsg_memmap_translate(vq->map, addr, len);
		if (RTE_VMSG_UNLIKELY(p == NULL))
			return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_DESC_ADDR);
		if ((flags & RTE_VMSG_VRING_DESC_F_WRITE) != 0) {
			seen_w = true;
			in += len;
		} else {
			/* virtio 1.x 2.7.4: readable descriptors before writable ones. */
			if (RTE_VMSG_UNLIKELY(seen_w))
				return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_ORDER);
			out += len;
		}
		if (RTE_VMSG_UNLIKELY(n >= vq->max_chain || in > DEV_MAX_BYTES ||
				      out > DEV_MAX_BYTES))
			return DEV_BREAK(vq, RTE_VMSG_VQ_CHAIN_TOO_LONG);
		if (n >= cap)
			return -ENOBUFS;
		iov[n].base = p;
		iov[n].len = len;
		iov[n].writable = (flags & RTE_VMSG_VRING_DESC_F_WRITE) != 0;
		n++;
		if ((flags & RTE_VMSG_VRING_DESC_F_NEXT) == 0)
			break;
		idx = rte_vmsg_le16_to_cpu(dl.next);
		if (RTE_VMSG_UNLIKELY(idx >= entries))
			return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_NEXT);
	}
	req->head = head;
	req->n_iov = n;
	req->out_len = (uint32_t)out;
	req->in_len = (uint32_t)in;
	req->reserved = 0;
	return 0;
}

RTE_VMSG_API int rte_vmsg_vq_dev_pop_burst(struct rte_vmsg_vq_dev *vq, struct rte_vmsg_vq_req *reqs,
					   uint32_t nreq, struct rte_vmsg_vq_iov *iov,
					   uint32_t niov)
{
	uint32_t got = 0, used_iov = 0, ready;
	bool retried = false;
	int rc;

	if (vq == NULL || (reqs == NULL && nreq != 0) || (iov == NULL && niov != 0))
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY(vq->st.broken != 0))
		return -EIO;
	if (vq->packed)
		return rte_vmsg__vqp_dev_pop(vq, reqs, nreq, iov, niov);
again:
	ready = (uint16_t)(vq->avail_cache - vq->last_avail);
	if (ready == 0) {
		if (dev_refresh(vq) != 0)
			return -EIO;
		ready = (uint16_t)(vq->avail_cache - vq->last_avail);
	}
	while (got < nreq && ready != 0) {
		uint32_t head = rte_vmsg_le16_to_cpu(
			rte_vmsg__read_once(&vq->avail->ring[vq->last_avail & vq->mask]));
		struct rte_vmsg_vq_req *r = &reqs[got];

		if (RTE_VMSG_UNLIKELY(head >= vq->size))
			return DEV_BREAK(vq, RTE_VMSG_VQ_BAD_HEAD);
		if (RTE_VMSG_UNLIKELY(vq->busy[head] != 0))
			return DEV_BREAK(vq, RTE_VMSG_VQ_HEAD_IN_USE);
		rc = dev_walk(vq, head, iov + used_iov, niov - used_iov, r);
		if (rc == -ENOBUFS) {
			if (got == 0)
				return -ENOBUFS;
			break;
		}
		if (rc != 0)
			return rc;
		r->iov_first = used_iov;
		used_iov += r->n_iov;
		vq->in_len[head] = r->in_len;
		vq->busy[head] = 1;
		vq->ord[vq->pop_seq++ & vq->mask] = (uint16_t)head;
		vq->last_avail++;
		ready--;
		got++;
	}
	vq->st.chains += got;

	if (got != 0) {
		vq->idle = 0;
		if (vq->policy == RTE_VMSG_VQ_POLICY_ADAPTIVE && vq->armed)
			dev_set_armed(vq, false);
		else if (vq->armed && vq->event_idx)
			rte_vmsg__write_once(vq->avail_event, rte_vmsg_cpu_to_le16(vq->last_avail));
	} else if (vq->policy == RTE_VMSG_VQ_POLICY_ADAPTIVE && !vq->armed && !retried &&
		   ++vq->idle >= vq->idle_threshold) {
		dev_set_armed(vq, true);
		vq->st.arms++;
		/* M_V2: pairs with M_D1 in rte_vmsg_vq_drv_kick(); then re-check. */
		rte_vmsg__smp_mb();
		retried = true;
		goto again;
	}
	return (int)got;
}

RTE_VMSG_API int rte_vmsg_vq_dev_push_burst(struct rte_vmsg_vq_dev *vq,
					    const struct rte_vmsg_vq_used *used, uint32_t n)
{
	uint32_t i, h, run;

	if (vq == NULL || (used == NULL && n != 0))
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY(vq->st.broken != 0))
		return -EIO;
	/*
	 * Check every entry first (and catch a head given twice): all or
	 * nothing. IN_ORDER: in the order they were popped (virtio 1.1 2.7.9,
	 * 2.8.21: the device uses buffers in the order made available).
	 */
	for (i = 0; i < n; i++) {
		h = used[i].head;
		if (h >= vq->size || vq->busy[h] == 0 || used[i].len > vq->in_len[h] ||
		    (vq->in_order && vq->ord[(vq->push_seq + i) & vq->mask] != h))
			break;
		vq->busy[h] = 0;
	}
	if (i != n) {
		while (i-- > 0) /* undo: those heads were in flight */
			vq->busy[used[i].head] = 1;
		return -EINVAL;
	}
	if (vq->packed)
		return rte_vmsg__vqp_dev_push(vq, used, n);
	for (i = 0, run = 0; i < n; i++) {
		struct rte_vmsg_vring_used_elem *e;
		rte_vmsg_le32 id = rte_vmsg_cpu_to_le32(used[i].head);
		rte_vmsg_le32 len = rte_vmsg_cpu_to_le32(used[i].len);

		/*
		 * IN_ORDER (virtio 1.1 2.7.9): a chain used whole that another
		 * follows in this burst needs no entry; the run's last chain
		 * writes one, in the slot of the run's first, and used idx
		 * still moves by every chain.
		 */
		if (vq->in_order) {
			if (i + 1 < n && used[i].len == vq->in_len[used[i].head])
				continue;
			e = &vq->used->ring[(uint16_t)(vq->used_idx + run) & vq->mask];
			run = i + 1;
		} else {
			e = &vq->used->ring[(uint16_t)(vq->used_idx + i) & vq->mask];
		}

		/*
		 * Written only when it changes: with a driver that re-posts in
		 * order, the slot already holds this head and length from the
		 * last lap, and leaving it alone keeps the line shared with the
		 * driver instead of taking it back. The driver reads the slot
		 * after A_U of the new used idx and finds the value, written
		 * before an earlier R_U. Reading our own ring trusts nothing: a
		 * driver that scribbles on it only confuses itself.
		 */
		if (rte_vmsg__read_once(&e->id) != id || rte_vmsg__read_once(&e->len) != len) {
			rte_vmsg__write_once(&e->id, id);
			rte_vmsg__write_once(&e->len, len);
		}
	}
	vq->used_idx = (uint16_t)(vq->used_idx + n);
	vq->push_seq += n;
	/*
	 * R_U: buffer writes and used entries before used idx; pairs with A_U
	 * in drv_refresh() and rte_vmsg_vq_drv_arm().
	 */
	rte_vmsg__store_release(&vq->used->idx, rte_vmsg_cpu_to_le16(vq->used_idx));
	vq->st.completions += n;
	return (int)n;
}

RTE_VMSG_API int rte_vmsg_vq_dev_need_notify(struct rte_vmsg_vq_dev *vq)
{
	uint16_t nw, old, ev;
	int need;

	if (vq == NULL)
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY(vq->st.broken != 0))
		return -EIO;
	if (vq->packed)
		return rte_vmsg__vqp_dev_need_notify(vq);
	nw = vq->used_idx;
	old = vq->signalled;
	vq->signalled = nw;
	vq->st.notify_checks++;
	if (vq->policy == RTE_VMSG_VQ_POLICY_POLL || nw == old)
		return 0; /* polling-only: no EVENT_USED (BUS-19) */
	/*
	 * M_V1: the used idx store (R_U) before the load of the driver's
	 * suppression word; pairs with M_D2 in rte_vmsg_vq_drv_arm() and the
	 * ADAPTIVE arming in rte_vmsg_vq_drv_reap_burst().
	 */
	rte_vmsg__smp_mb();
	if (vq->event_idx) {
		ev = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(vq->used_event));
		need = rte_vmsg_vq_need_event(ev, nw, old);
	} else {
		need = (rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&vq->avail->flags)) &
			RTE_VMSG_VRING_AVAIL_F_NO_INTERRUPT) == 0;
	}
	if (need)
		vq->st.notifies++;
	return need;
}

RTE_VMSG_API int rte_vmsg_vq_dev_arm(struct rte_vmsg_vq_dev *vq)
{
	uint16_t v;

	if (vq == NULL)
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY(vq->st.broken != 0))
		return -EIO;
	if (vq->policy == RTE_VMSG_VQ_POLICY_POLL)
		return 1;
	if (vq->packed)
		return rte_vmsg__vqp_dev_arm(vq);
	dev_set_armed(vq, true);
	vq->st.arms++;
	/*
	 * M_V2: the avail_event/flags store before the load of avail idx;
	 * pairs with M_D1 in rte_vmsg_vq_drv_kick().
	 */
	rte_vmsg__smp_mb();
	v = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&vq->avail->idx)); /* A_A */
	return v != vq->last_avail ? 1 : 0;
}

RTE_VMSG_API int rte_vmsg_vq_dev_stats_get(const struct rte_vmsg_vq_dev *vq,
					   struct rte_vmsg_vq_stats *st)
{
	if (vq == NULL || st == NULL)
		return -EINVAL;
	*st = vq->st;
	return 0;
}

RTE_VMSG_API int rte_vmsg_vq_dev_vring(const struct rte_vmsg_vq_dev *vq, const void **desc,
				       const void **driver, void **device)
{
	if (vq == NULL)
		return -EINVAL;
	if (desc != NULL)
		*desc = vq->desc;
	if (driver != NULL)
		*driver = vq->avail;
	if (device != NULL)
		*device = vq->used;
	return 0;
}
