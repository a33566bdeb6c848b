/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Driver half of a virtqueue: layout, chain add, kick, reap, reset (the split
 * layout here, the packed one's data path in virtq_packed.c).
 */

#define RTE_VMSG_LOG_PREFIX "virtq: "

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtq_priv.h"
#include "log_priv.h"
#include "opts_priv.h"

static const char *const reason_names[RTE_VMSG_VQ_REASON_MAX] = {
	[RTE_VMSG_VQ_OK] = "ok",
	[RTE_VMSG_VQ_BAD_AVAIL_IDX] = "avail_idx",
	[RTE_VMSG_VQ_BAD_HEAD] = "head",
	[RTE_VMSG_VQ_HEAD_IN_USE] = "head_in_use",
	[RTE_VMSG_VQ_BAD_DESC_ADDR] = "desc_addr",
	[RTE_VMSG_VQ_BAD_NEXT] = "next",
	[RTE_VMSG_VQ_CHAIN_LOOP] = "loop",
	[RTE_VMSG_VQ_CHAIN_TOO_LONG] = "chain_too_long",
	[RTE_VMSG_VQ_BAD_ORDER] = "order",
	[RTE_VMSG_VQ_INDIRECT_UNNEGOTIATED] = "indirect_unnegotiated",
	[RTE_VMSG_VQ_INDIRECT_CHAINED] = "indirect_chained",
	[RTE_VMSG_VQ_INDIRECT_NESTED] = "indirect_nested",
	[RTE_VMSG_VQ_INDIRECT_BAD_LEN] = "indirect_len",
	[RTE_VMSG_VQ_BAD_USED_IDX] = "used_idx",
	[RTE_VMSG_VQ_BAD_USED_ID] = "used_id",
	[RTE_VMSG_VQ_BAD_USED_LEN] = "used_len",
};

RTE_VMSG_API const char *rte_vmsg_vq_reason_str(uint32_t reason)
{
	if (reason >= RTE_VMSG_VQ_REASON_MAX)
		return "unknown";
	return reason_names[reason];
}

__attribute__((cold, noinline)) int rte_vmsg__vq_break(struct rte_vmsg_vq_stats *st,
						       uint32_t reason, const char *half)
{
	if (st->broken == 0) {
		st->broken = reason;
		st->reasons[reason]++;
		RTE_VMSG_LOG(ERR, "%s queue broken by the peer: %s", half,
			     rte_vmsg_vq_reason_str(reason));
	}
	return -EIO;
}

static size_t align_up(size_t x, size_t a)
{
	return (x + a - 1) & ~(a - 1);
}

RTE_VMSG_API int rte_vmsg_vq_layout_get(uint32_t size, uint32_t indirect_max,
					struct rte_vmsg_vq_layout *out)
{
	uint64_t pool;
	size_t end;

	if (out == NULL || !vq_size_ok(size) || indirect_max > RTE_VMSG_VQ_MAX_SIZE)
		return -EINVAL;
	out->desc_off = 0;
	out->avail_off = (size_t)size * sizeof(struct rte_vmsg_vring_desc);
	end = out->avail_off + 6 + 2 * (size_t)size;
	/* The used ring is the device's: keep it off the driver's cache lines. */
	out->used_off = align_up(end, RTE_VMSG_VQ_ALIGN);
	end = out->used_off + 6 + 8 * (size_t)size;
	out->indirect_off = align_up(end, RTE_VMSG_VQ_ALIGN);
	pool = (uint64_t)size * indirect_max * sizeof(struct rte_vmsg_vring_desc);
	if (pool > SIZE_MAX - out->indirect_off - RTE_VMSG_VQ_ALIGN)
		return -EINVAL;
	out->bytes = align_up(out->indirect_off + (size_t)pool, RTE_VMSG_VQ_ALIGN);
	return 0;
}

RTE_VMSG_API int rte_vmsg_vq_layout_features_get(uint32_t size, uint32_t indirect_max,
						 uint64_t features, struct rte_vmsg_vq_layout *out)
{
	uint64_t pool;
	size_t end;

	if ((features & (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED)) == 0)
		return rte_vmsg_vq_layout_get(size, indirect_max, out);
	if (out == NULL || !vq_size_ok(size) || indirect_max > RTE_VMSG_VQ_MAX_SIZE)
		return -EINVAL;
	out->desc_off = 0;
	/* The driver's event suppression word right after its ring... */
	out->avail_off = (size_t)size * sizeof(struct rte_vmsg_vring_packed_desc);
	end = out->avail_off + sizeof(struct rte_vmsg_vring_packed_event);
	/* ... and the device's on a line of its own. */
	out->used_off = align_up(end, RTE_VMSG_VQ_ALIGN);
	end = out->used_off + sizeof(struct rte_vmsg_vring_packed_event);
	out->indirect_off = align_up(end, RTE_VMSG_VQ_ALIGN);
	pool = (uint64_t)size * indirect_max * sizeof(struct rte_vmsg_vring_packed_desc);
	if (pool > SIZE_MAX - out->indirect_off - RTE_VMSG_VQ_ALIGN)
		return -EINVAL;
	out->bytes = align_up(out->indirect_off + (size_t)pool, RTE_VMSG_VQ_ALIGN);
	return 0;
}

/*
 * Notification suppression of the driver half: the avail ring's flags and
 * used_event are ours. Armed: notify me (flags 0, used_event = next used
 * entry). Disarmed: NO_INTERRUPT, and used_event half the index space away,
 * so that a device using EVENT_IDX does not notify before 32768 more
 * completions (a stale value can then cost one spurious EVENT_USED, which is
 * harmless).
 */
static void drv_set_armed(struct rte_vmsg_vq_drv *vq, bool on)
{
	rte_vmsg__write_once(
		&vq->avail->flags,
		rte_vmsg_cpu_to_le16((uint16_t)(on ? 0 : RTE_VMSG_VRING_AVAIL_F_NO_INTERRUPT)));
	if (vq->event_idx)
		rte_vmsg__write_once(
			vq->used_event,
			rte_vmsg_cpu_to_le16(
				(uint16_t)(on ? vq->last_used : vq->last_used + 0x8000u)));
	vq->armed = on;
}

/* Clears the rings and the private state; applies the policy. */
static void drv_init(struct rte_vmsg_vq_drv *vq)
{
	uint32_t i;

	memset(vq->mem, 0, vq->bytes);
	if (!vq->packed) {
		memset(vq->dshadow, 0, sizeof(*vq->dshadow) * vq->size);
		memset(vq->ashadow, 0, sizeof(*vq->ashadow) * vq->size);
	}
	vq->avail_idx = 0;
	vq->kicked_idx = 0;
	vq->last_used = 0;
	vq->used_cache = 0;
	vq->idle = 0;
	for (i = 0; i < vq->size; i++)
		vq->next[i] = (uint16_t)(i + 1); /* N itself fits: N <= 32768 */
	memset(vq->heads, 0, sizeof(*vq->heads) * vq->size);
	vq->free_head = 0;
	vq->free_tail = vq->size - 1;
	vq->num_free = vq->size;
	vq->add_seq = 0;
	vq->kick_seq = 0;
	vq->reap_seq = 0;
	vq->run_left = 0;
	if (vq->packed)
		rte_vmsg__vqp_drv_init(vq);
	else
		drv_set_armed(vq, vq->policy == RTE_VMSG_VQ_POLICY_EVENT);
	vq->st.broken = 0;
}

RTE_VMSG_API int rte_vmsg_vq_drv_create(const struct rte_vmsg_vq_drv_opts *opts,
					struct rte_vmsg_vq_drv **out)
{
	struct rte_vmsg_vq_drv_opts o;
	struct rte_vmsg_vq_layout lay;
	struct rte_vmsg_vq_drv *vq;
	uint8_t *mem;

	if (out != NULL)
		*out = NULL;
	if (out == NULL || rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0)
		return -EINVAL;
	if (o.policy > RTE_VMSG_VQ_POLICY_ADAPTIVE ||
	    rte_vmsg_vq_layout_features_get(o.size, o.indirect_max, o.features, &lay) != 0)
		return -EINVAL;
	if (o.indirect_max != 0 && (o.features & (1ull << RTE_VMSG_VIRTIO_F_INDIRECT_DESC)) == 0)
		return -EINVAL;
	if (o.mem == NULL || ((uintptr_t)o.mem & (RTE_VMSG_VQ_ALIGN - 1)) != 0 ||
	    (o.bus_addr & (RTE_VMSG_VQ_ALIGN - 1)) != 0 || o.mem_len < lay.bytes ||
	    o.bus_addr + lay.bytes - 1 < o.bus_addr)
		return -EINVAL;

	vq = calloc(1, sizeof(*vq));
	if (vq == NULL)
		return -ENOMEM;
	vq->next = calloc(o.size, sizeof(*vq->next));
	vq->heads = calloc(o.size, sizeof(*vq->heads));
	vq->ord = calloc(o.size, sizeof(*vq->ord));
	vq->dshadow = calloc(o.size, sizeof(*vq->dshadow));
	vq->ashadow = calloc(o.size, sizeof(*vq->ashadow));
	if (vq->next == NULL || vq->heads == NULL || vq->ord == NULL || vq->dshadow == NULL ||
	    vq->ashadow == NULL) {
		free(vq->next);
		free(vq->heads);
		free(vq->ord);
		free(vq->dshadow);
		free(vq->ashadow);
		free(vq);
		return -ENOMEM;
	}
	mem = o.mem;
	vq->mem = mem;
	vq->bytes = lay.bytes;
	vq->size = o.size;
	vq->mask = o.size - 1;
	vq->packed = (o.features & (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED)) != 0;
	if (vq->packed) {
		vq->pring = (struct rte_vmsg_vring_packed_desc *)(void *)(mem + lay.desc_off);
		vq->drv_ev = (struct rte_vmsg_vring_packed_event *)(void *)(mem + lay.avail_off);
		vq->dev_ev = (struct rte_vmsg_vring_packed_event *)(void *)(mem + lay.used_off);
	} else {
		vq->desc = (struct rte_vmsg_vring_desc *)(void *)(mem + lay.desc_off);
		vq->avail = (struct vq_avail *)(void *)(mem + lay.avail_off);
		vq->used = (struct vq_used *)(void *)(mem + lay.used_off);
		vq->used_event = &vq->avail->ring[o.size];
		vq->avail_event = (rte_vmsg_le16 *)(void *)&vq->used->ring[o.size];
	}
	vq->bus_desc = o.bus_addr + lay.desc_off;
	vq->bus_avail = o.bus_addr + lay.avail_off;
	vq->bus_used = o.bus_addr + lay.used_off;
	if (o.indirect_max != 0) {
		vq->pool = (struct rte_vmsg_vring_desc *)(void *)(mem + lay.indirect_off);
		vq->pool_bus = o.bus_addr + lay.indirect_off;
	}
	vq->indirect_max = o.indirect_max;
	vq->policy = o.policy;
	vq->idle_threshold = o.idle_threshold != 0 ? o.idle_threshold : RTE_VMSG_VQ_IDLE_DEFAULT;
	vq->event_idx = (o.features & (1ull << RTE_VMSG_VIRTIO_F_EVENT_IDX)) != 0;
	vq->notif_data = (o.features & (1ull << RTE_VMSG_VIRTIO_F_NOTIFICATION_DATA)) != 0;
	vq->in_order = (o.features & (1ull << RTE_VMSG_VIRTIO_F_IN_ORDER)) != 0;
	drv_init(vq);
	*out = vq;
	return 0;
}

RTE_VMSG_API void rte_vmsg_vq_drv_destroy(struct rte_vmsg_vq_drv *vq)
{
	if (vq == NULL)
		return;
	free(vq->next);
	free(vq->heads);
	free(vq->ord);
	free(vq->dshadow);
	free(vq->ashadow);
	free(vq);
}

RTE_VMSG_API int rte_vmsg_vq_drv_addrs(const struct rte_vmsg_vq_drv *vq, uint64_t *desc,
				       uint64_t *driver, uint64_t *device)
{
	if (vq == NULL)
		return -EINVAL;
	if (desc != NULL)
		*desc = vq->bus_desc;
	if (driver != NULL)
		*driver = vq->bus_avail;
	if (device != NULL)
		*device = vq->bus_used;
	return 0;
}

/* Checks one chain; its writable bytes in *wlen. */
static bool chain_ok(const struct rte_vmsg_vq_drv *vq, const struct rte_vmsg_vq_chain *c,
		     uint32_t *wlen)
{
	uint32_t total = (uint32_t)c->n_out + c->n_in, i;
	uint64_t w = 0;

	if (c->bufs == NULL || total == 0 || (c->flags & ~RTE_VMSG_VQ_CHAIN_INDIRECT) != 0)
		return false;
	if ((c->flags & RTE_VMSG_VQ_CHAIN_INDIRECT) != 0) {
		if (vq->pool == NULL || total > vq->indirect_max)
			return false;
	} else if (total > vq->size) {
		return false;
	}
	for (i = 0; i < total; i++) {
		if (c->bufs[i].reserved != 0)
			return false;
		if (i >= c->n_out)
			w += c->bufs[i].len;
	}
	if (w > UINT32_MAX)
		return false;
	*wlen = (uint32_t)w;
	return true;
}

/*
 * Writes a descriptor, or leaves it alone when it already holds these
 * values: a receive buffer that comes back to the same descriptor (the free
 * list is FIFO, so with a device that uses chains in order it does) then
 * costs nothing instead of stealing the line from the device's cache. The
 * device sees the old value, which is the new one; it was published by an
 * earlier release of avail idx (R_A), and this chain is published by the
 * next. A ring descriptor is compared with its private shadow @p sh (what
 * this side wrote there last): reading the shared line instead costs a trip
 * across the cores whenever the device's reads took it away (zero-copy
 * receive posts a new buffer every time). An indirect table's (@p sh NULL)
 * is compared where it is.
 */
/* Descriptors add_burst fetches ahead, at most (a burst's). */
#define VQ_PREFETCH_MAX 64u

static inline void desc_put(struct rte_vmsg_vring_desc *d, struct rte_vmsg_vring_desc *sh,
			    const struct rte_vmsg_vq_buf *b, uint16_t flags, uint16_t next)
{
	const struct rte_vmsg_vring_desc *c = sh != NULL ? sh : d;
	rte_vmsg_le64 a = rte_vmsg_cpu_to_le64(b->addr);
	rte_vmsg_le32 l = rte_vmsg_cpu_to_le32(b->len);
	rte_vmsg_le16 f = rte_vmsg_cpu_to_le16(flags);
	rte_vmsg_le16 nx = rte_vmsg_cpu_to_le16(next);

	if (rte_vmsg__read_once(&c->addr) == a && rte_vmsg__read_once(&c->len) == l &&
	    rte_vmsg__read_once(&c->flags) == f && rte_vmsg__read_once(&c->next) == nx)
		return;
	if (sh != NULL) {
		sh->addr = a;
		sh->len = l;
		sh->flags = f;
		sh->next = nx;
	}
	rte_vmsg__write_once(&d->addr, a);
	rte_vmsg__write_once(&d->len, l);
	rte_vmsg__write_once(&d->flags, f);
	rte_vmsg__write_once(&d->next, nx);
}

/* An avail ring entry, written only when it changes (see desc_put()). */
static inline void avail_put(struct rte_vmsg_vq_drv *vq, uint16_t head)
{
	uint32_t i = vq->avail_idx & vq->mask;
	rte_vmsg_le16 v = rte_vmsg_cpu_to_le16(head);

	if (vq->ashadow[i] == v)
		return;
	vq->ashadow[i] = v;
	rte_vmsg__write_once(&vq->avail->ring[i], v);
}

RTE_VMSG_API int rte_vmsg_vq_drv_add_burst(struct rte_vmsg_vq_drv *vq,
					   const struct rte_vmsg_vq_chain *chains, uint32_t n)
{
	uint32_t i, j, wlen;

	if (vq == NULL || (chains == NULL && n != 0))
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY(vq->st.broken != 0))
		return -EIO;
	for (i = 0; i < n; i++)
		if (!chain_ok(vq, &chains[i], &wlen))
			return -EINVAL;
	if (vq->packed)
		return rte_vmsg__vqp_drv_add(vq, chains, n);

	/*
	 * The descriptors of the burst's one-buffer chains that change are
	 * fetched owned up front: the device read them last, and their
	 * stores would otherwise take their trips across the cores one after
	 * another once the store queue fills. Unchanged ones are left where
	 * they are (the device keeps reading them from its cache).
	 */
	for (i = 0, j = vq->free_head; i < n && i < vq->num_free && i < VQ_PREFETCH_MAX; i++) {
		const struct rte_vmsg_vq_chain *c = &chains[i];
		const struct rte_vmsg_vring_desc *sh = &vq->dshadow[j];

		if ((uint32_t)c->n_out + c->n_in != 1 ||
		    (c->flags & RTE_VMSG_VQ_CHAIN_INDIRECT) != 0)
			break;
		if (sh->addr != rte_vmsg_cpu_to_le64(c->bufs[0].addr) ||
		    sh->len != rte_vmsg_cpu_to_le32(c->bufs[0].len))
			rte_vmsg__prefetch_w(&vq->desc[j]);
		j = vq->next[j];
	}
	for (i = 0; i < n; i++) {
		const struct rte_vmsg_vq_chain *c = &chains[i];
		uint32_t total = (uint32_t)c->n_out + c->n_in;
		bool ind = (c->flags & RTE_VMSG_VQ_CHAIN_INDIRECT) != 0;
		uint32_t head = vq->free_head, d = head;
		uint64_t w = 0;

		if ((ind ? 1 : total) > vq->num_free)
			break;
		if (total == 1 && !ind) {
			/* One buffer (a packet, a receive buffer): no chain to link. */
			desc_put(&vq->desc[head], &vq->dshadow[head], c->bufs,
				 c->n_in != 0 ? RTE_VMSG_VRING_DESC_F_WRITE : 0, 0);
			vq->free_head = vq->next[head];
			vq->num_free--;
			vq->heads[head].ndesc = 1;
			vq->heads[head].cookie = c->cookie;
			vq->heads[head].wlen = c->n_in != 0 ? c->bufs[0].len : 0;
			vq->heads[head].seq = vq->add_seq;
			vq->ord[vq->add_seq++ & vq->mask] = (uint16_t)head;
			avail_put(vq, (uint16_t)head);
			vq->avail_idx++;
			continue;
		}
		for (j = c->n_out; j < total; j++)
			w += c->bufs[j].len;
		if (ind) {
			struct rte_vmsg_vring_desc *t = vq->pool + (size_t)head * vq->indirect_max;
			struct rte_vmsg_vq_buf tb;

			for (j = 0; j < total; j++) {
				uint16_t f = j >= c->n_out ? RTE_VMSG_VRING_DESC_F_WRITE : 0;

				if (j + 1 < total)
					f |= RTE_VMSG_VRING_DESC_F_NEXT;
				desc_put(&t[j], NULL, &c->bufs[j], f,
					 (uint16_t)(j + 1 < total ? j + 1 : 0));
			}
			tb.addr = vq->pool_bus + (uint64_t)head * vq->indirect_max *
							 sizeof(struct rte_vmsg_vring_desc);
			tb.len = total * (uint32_t)sizeof(struct rte_vmsg_vring_desc);
			tb.reserved = 0;
			desc_put(&vq->desc[head], &vq->dshadow[head], &tb,
				 RTE_VMSG_VRING_DESC_F_INDIRECT, 0);
			vq->free_head = vq->next[head];
			vq->num_free--;
			vq->heads[head].ndesc = 1;
		} else {
			for (j = 0; j < total; j++) {
				uint16_t f = j >= c->n_out ? RTE_VMSG_VRING_DESC_F_WRITE : 0;
				uint16_t nx = 0;

				if (j + 1 < total) {
					f |= RTE_VMSG_VRING_DESC_F_NEXT;
					nx = vq->next[d];
				}
				desc_put(&vq->desc[d], &vq->dshadow[d], &c->bufs[j], f, nx);
				if (j + 1 < total)
					d = nx;
			}
			vq->free_head = vq->next[d];
			vq->num_free -= total;
			vq->heads[head].ndesc = (uint16_t)total; /* total <= 32768 */
		}
		vq->heads[head].cookie = c->cookie;
		vq->heads[head].wlen = (uint32_t)w;
		vq->heads[head].seq = vq->add_seq;
		vq->ord[vq->add_seq++ & vq->mask] = (uint16_t)head;
		/* Published by the release of avail idx in rte_vmsg_vq_drv_kick() (R_A). */
		avail_put(vq, (uint16_t)head);
		vq->avail_idx++;
	}
	vq->st.chains += i;
	return (int)i;
}

RTE_VMSG_API int rte_vmsg_vq_drv_kick(struct rte_vmsg_vq_drv *vq, uint32_t *next_offset)
{
	uint16_t nw, old, ev;
	int need;

	if (vq == NULL)
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY(vq->st.broken != 0))
		return -EIO;
	if (vq->packed)
		return rte_vmsg__vqp_drv_kick(vq, next_offset);
	nw = vq->avail_idx;
	old = vq->kicked_idx;
	/*
	 * virtio-msg §4.12 (DRV-30): next_offset is 0 without
	 * VIRTIO_F_NOTIFICATION_DATA; with it, for a split ring, bit 31 (wrap)
	 * is 0 and the full 16-bit avail idx goes in bits 15:0.
	 */
	if (next_offset != NULL)
		*next_offset = vq->notif_data ? (uint32_t)nw : 0;
	vq->st.notify_checks++;
	if (nw == old)
		return 0;
	/*
	 * R_A: descriptors and avail ring entries before avail idx; pairs with
	 * A_A in dev_refresh() (the device's acquire of avail idx).
	 */
	rte_vmsg__store_release(&vq->avail->idx, rte_vmsg_cpu_to_le16(nw));
	vq->kicked_idx = nw;
	vq->kick_seq = vq->add_seq; /* the chains the device may use now */
	if (vq->policy == RTE_VMSG_VQ_POLICY_POLL)
		return 0; /* polling-only: no EVENT_AVAIL (DRV-33, BUS-19) */
	/*
	 * M_D1: the avail idx store before the load of the device's
	 * suppression word (store-load); pairs with M_V2 in
	 * rte_vmsg_vq_dev_arm()/dev_set_armed(): either the device sees the new
	 * idx after arming, or we see it armed.
	 */
	rte_vmsg__smp_mb();
	if (vq->event_idx) {
		ev = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(vq->avail_event));
		need = rte_vmsg_vq_need_event(ev, nw, old);
	} else {
		need = (rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&vq->used->flags)) &
			RTE_VMSG_VRING_USED_F_NO_NOTIFY) == 0;
	}
	if (need)
		vq->st.notifies++;
	return need;
}

/* Reads the device's used idx (A_U) and validates it. */
static inline int drv_refresh(struct rte_vmsg_vq_drv *vq)
{
	/* A_U: pairs with R_U in rte_vmsg_vq_dev_push_burst(): used entries and buffer data. */
	uint16_t v = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&vq->used->idx));

	if (RTE_VMSG_UNLIKELY((uint16_t)(v - vq->last_used) >
			      (uint16_t)(vq->kicked_idx - vq->last_used)))
		return rte_vmsg__vq_break(&vq->st, RTE_VMSG_VQ_BAD_USED_IDX, "driver");
	vq->used_cache = v;
	return 0;
}

RTE_VMSG_API int rte_vmsg_vq_drv_reap_burst(struct rte_vmsg_vq_drv *vq, struct rte_vmsg_vq_cpl *out,
					    uint32_t n)
{
	uint32_t k, i, ready;
	bool retried = false;
	int rc = 0;

	if (vq == NULL || (out == NULL && n != 0))
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY(vq->st.broken != 0))
		return -EIO;
	if (vq->packed)
		return rte_vmsg__vqp_drv_reap(vq, out, n);
again:
	ready = (uint16_t)(vq->used_cache - vq->last_used);
	if (ready == 0) {
		if (drv_refresh(vq) != 0)
			return -EIO;
		ready = (uint16_t)(vq->used_cache - vq->last_used);
	}
	k = n < ready ? n : ready;
	for (i = 0; i < k; i++) {
		struct vq_head *h;
		uint32_t id, len, last, j;

		if (!vq->in_order || vq->run_left == 0) {
			const struct rte_vmsg_vring_used_elem *e =
				&vq->used->ring[vq->last_used & vq->mask];

			id = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(&e->id));
			len = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(&e->len));
			/*
			 * A bad entry breaks the queue, but the chains already
			 * freed above are reported first (rule 2: nothing lost
			 * silently); the next call returns -EIO. The id must be
			 * of a chain in flight that was published (added before
			 * the last kick: one added since is not the device's to
			 * use, and freeing it would publish its head twice).
			 * IN_ORDER: the run the entry closes must lie within the
			 * used idx.
			 */
			if (RTE_VMSG_UNLIKELY(id >= vq->size || vq->heads[id].ndesc == 0 ||
					      (int32_t)(vq->heads[id].seq - vq->kick_seq) >= 0 ||
					      (vq->in_order &&
					       vq->heads[id].seq - vq->reap_seq >= ready - i))) {
				rc = rte_vmsg__vq_break(&vq->st, RTE_VMSG_VQ_BAD_USED_ID, "driver");
				break;
			}
			if (RTE_VMSG_UNLIKELY(len > vq->heads[id].wlen)) {
				rc = rte_vmsg__vq_break(&vq->st, RTE_VMSG_VQ_BAD_USED_LEN,
							"driver");
				break;
			}
			/*
			 * IN_ORDER (virtio 1.1 2.7.9): the entry stands for the
			 * chains from the oldest in flight up to id; all but
			 * the last were used whole.
			 */
			if (vq->in_order) {
				vq->run_left = vq->heads[id].seq - vq->reap_seq + 1;
				vq->run_len = len;
			}
		}
		if (vq->in_order) {
			/* The chains of a run, from the add order. */
			id = vq->ord[vq->reap_seq & vq->mask];
			len = --vq->run_left != 0 ? vq->heads[id].wlen : vq->run_len;
		}
		h = &vq->heads[id];
		out[i].cookie = h->cookie;
		out[i].len = len;
		out[i].reserved = 0;
		/*
		 * Give the chain's descriptors back at the tail of the free
		 * list (FIFO: buffers re-posted in the order they were reaped
		 * get the descriptors they had, which desc_put() then need not
		 * rewrite).
		 */
		last = id;
		for (j = 1; j < h->ndesc; j++)
			last = vq->next[last];
		if (vq->num_free == 0)
			vq->free_head = id;
		else
			vq->next[vq->free_tail] = (uint16_t)id;
		vq->free_tail = last;
		vq->num_free += h->ndesc;
		h->ndesc = 0;
		vq->last_used++;
		vq->reap_seq++;
	}
	if (RTE_VMSG_UNLIKELY(rc < 0)) {
		vq->st.completions += i;
		return i != 0 ? (int)i : rc;
	}
	vq->st.completions += k;

	if (k != 0) {
		vq->idle = 0;
		if (vq->policy == RTE_VMSG_VQ_POLICY_ADAPTIVE && vq->armed)
			drv_set_armed(vq, false);
		else if (vq->armed && vq->event_idx)
			rte_vmsg__write_once(vq->used_event, rte_vmsg_cpu_to_le16(vq->last_used));
	} else if (vq->policy == RTE_VMSG_VQ_POLICY_ADAPTIVE && !vq->armed && !retried &&
		   ++vq->idle >= vq->idle_threshold) {
		drv_set_armed(vq, true);
		vq->st.arms++;
		/* M_D2: pairs with M_V1 in rte_vmsg_vq_dev_need_notify(); then re-check. */
		rte_vmsg__smp_mb();
		retried = true;
		goto again;
	}
	return (int)k;
}

RTE_VMSG_API int rte_vmsg_vq_drv_arm(struct rte_vmsg_vq_drv *vq)
{
	uint16_t v;

	if (vq == NULL)
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY(vq->st.broken != 0))
		return -EIO;
	if (vq->policy == RTE_VMSG_VQ_POLICY_POLL)
		return 1;
	if (vq->packed)
		return rte_vmsg__vqp_drv_arm(vq);
	drv_set_armed(vq, true);
	vq->st.arms++;
	/*
	 * M_D2: the used_event/flags store before the load of used idx; pairs
	 * with M_V1 in rte_vmsg_vq_dev_need_notify(): either we see the new
	 * used idx now, or the device sees us armed and notifies.
	 */
	rte_vmsg__smp_mb();
	v = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&vq->used->idx)); /* A_U */
	return v != vq->last_used ? 1 : 0;
}

RTE_VMSG_API uint32_t rte_vmsg_vq_drv_free_count(const struct rte_vmsg_vq_drv *vq)
{
	return vq != NULL ? vq->num_free : 0;
}

RTE_VMSG_API int rte_vmsg_vq_drv_reset(struct rte_vmsg_vq_drv *vq,
				       void (*fn)(void *arg, void *cookie), void *arg)
{
	uint32_t i;
	int cnt = 0;

	if (vq == NULL)
		return -EINVAL;
	for (i = 0; i < vq->size; i++) {
		if (vq->heads[i].ndesc == 0)
			continue;
		if (fn != NULL)
			fn(arg, vq->heads[i].cookie);
		cnt++;
	}
	drv_init(vq);
	return cnt;
}

RTE_VMSG_API int rte_vmsg_vq_drv_stats_get(const struct rte_vmsg_vq_drv *vq,
					   struct rte_vmsg_vq_stats *st)
{
	if (vq == NULL || st == NULL)
		return -EINVAL;
	*st = vq->st;
	return 0;
}
