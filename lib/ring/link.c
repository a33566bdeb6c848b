/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The AMP link: lays out or validates the v1 shared-memory layout, runs the
 * INIT/READY/RUN handshake, survives peer restarts and detects a peer that
 * writes values that cannot be.
 */

#define RTE_VMSG_LOG_PREFIX "ring: "

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rte_vmsg_ring.h"
#include "rte_vmsg_mem.h"
#include "cpu_priv.h"
#include "link_geom_priv.h"
#include "log_priv.h"
#include "opts_priv.h"
#include "ring_priv.h"

/* Where the device side puts things: each queue head and array on its own line. */
#define LINE 64u
#define OFF_DEV_QHEAD 64u
#define OFF_DRV_QHEAD 128u
#define OFF_ELEMS 192u

int rte_vmsg_link_stream_direct(void)
{
	return rte_vmsg__has_direct64 != 0;
}

/*
 * How long a running side waits for a peer seen in INIT to go on to READY
 * by itself (the Linux driver starting over) before it starts over too (a
 * peer of this library waits in INIT for it to leave RUN). See v1_poll().
 */
#define INIT_GRACE_NS 20000000ull

struct rte_vmsg_link {
	uint8_t *base;
	size_t len;
	enum rte_vmsg_link_role role;
	/* Private, validated copy of the layout, host order; never re-read. */
	uint32_t n, esize, features;
	uint64_t own_qhead_off, peer_qhead_off, own_elems_off, peer_elems_off;
	struct rte_vmsg__ring_end txe, rxe; /* rte_vmsg_link_tx()/rx() hand out .r */
	/* I/O memory (a BAR): every access below goes through these accessors. */
	struct rte_vmsg__io_win *io;	/* NULL: normal memory */
	uint64_t io_off;		/* the layout's offset in the region */
	enum rte_vmsg_qstate own_state; /* what we last published */
	int peer_seen;			/* peer magic was seen once */
	int state;			/* enum rte_vmsg_link_state */
	uint32_t broken;		/* waiting for the peer to start over */
	/*
	 * v0: taken for lost by rte_vmsg_link_peer_dead() (a keepalive), not
	 * broken on a value, and the peer's two words as they stood then.
	 */
	uint32_t v0_lost, v0_cons, v0_prod;
	uint32_t layout;	 /* enum rte_vmsg_link_layout */
	uint32_t writer;	 /* this side wrote the layout (v1) */
	uint32_t stream;	 /* RTE_VMSG_LINK_F_STREAM: our producer end streams */
	uint32_t require_format; /* v1 reader: from the options */
	uint32_t relayout;	 /* v1 reader: the header changed; own head not ours now */
	uint32_t quiet;		 /* read_layout(): do not log (a poll retrying) */
	uint32_t layout_refused; /* v1 reader: the new header was refused (counted) */
	uint32_t peer_last;	 /* v1: the peer's state at the previous poll */
	uint64_t init_since;	 /* v1, running: when the peer was first seen in INIT */
	uint32_t v0_qsize;	 /* v0: bytes per queue */
	/* v1 reader: the header as validated, to notice the writer laying out anew. */
	struct rte_vmsg_layout_hdr hdr;
	struct rte_vmsg_link_stats st;
};

/*
 * The layout's shared words and bytes, by offset from the base. In normal
 * memory, the atomics wrappers they are named after. In I/O memory, the
 * lib/mem accessors only: an acquire is the read then rte_vmsg__io_mb(), a
 * release rte_vmsg__io_mb() then the write; each pairs as the RAM tag it
 * stands for (R4-R6 / A4-A6, named at the callers; listed as IOR4-6 /
 * IOA4-6 in doc/memory-ordering.md). This is the control path: a full
 * barrier costs nothing that matters here.
 */
static void *at(const struct rte_vmsg_link *l, uint64_t off)
{
	return l->base + off;
}

static uint32_t ld16_acquire(const struct rte_vmsg_link *l, uint64_t off)
{
	uint16_t v;

	if (l->io == NULL)
		return rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire((rte_vmsg_le16 *)at(l, off)));
	v = rte_vmsg__io_rd16(l->io, l->io_off + off);
	rte_vmsg__io_mb();
	return v;
}

static uint32_t ld16_once(const struct rte_vmsg_link *l, uint64_t off)
{
	if (l->io == NULL)
		return rte_vmsg_le16_to_cpu(rte_vmsg__read_once((rte_vmsg_le16 *)at(l, off)));
	return rte_vmsg__io_rd16(l->io, l->io_off + off);
}

static void st16_release(const struct rte_vmsg_link *l, uint64_t off, uint32_t v)
{
	if (l->io == NULL) {
		rte_vmsg__store_release((rte_vmsg_le16 *)at(l, off),
					rte_vmsg_cpu_to_le16((uint16_t)v));
		return;
	}
	rte_vmsg__io_mb();
	rte_vmsg__io_wr16(l->io, l->io_off + off, (uint16_t)v);
}

static void st16_once(const struct rte_vmsg_link *l, uint64_t off, uint32_t v)
{
	if (l->io == NULL)
		rte_vmsg__write_once((rte_vmsg_le16 *)at(l, off),
				     rte_vmsg_cpu_to_le16((uint16_t)v));
	else
		rte_vmsg__io_wr16(l->io, l->io_off + off, (uint16_t)v);
}

static uint32_t ld32_acquire(const struct rte_vmsg_link *l, uint64_t off)
{
	uint32_t v;

	if (l->io == NULL)
		return rte_vmsg_le32_to_cpu(rte_vmsg__load_acquire((rte_vmsg_le32 *)at(l, off)));
	v = rte_vmsg__io_rd32(l->io, l->io_off + off);
	rte_vmsg__io_mb();
	return v;
}

static void st32_once(const struct rte_vmsg_link *l, uint64_t off, uint32_t v)
{
	if (l->io == NULL)
		rte_vmsg__write_once((rte_vmsg_le32 *)at(l, off), rte_vmsg_cpu_to_le32(v));
	else
		rte_vmsg__io_wr32(l->io, l->io_off + off, v);
}

/* [off, off + len) of the layout into @p dst: off and len multiples of 8 in I/O memory. */
static void bytes_get(const struct rte_vmsg_link *l, uint64_t off, void *dst, size_t len)
{
	if (l->io == NULL)
		memcpy(dst, at(l, off), len);
	else
		rte_vmsg__io_copy_out(l->io, l->io_off + off, dst, len);
}

/* Zeroes [off, off + len): off and len multiples of 8 in I/O memory. */
static void bytes_zero(const struct rte_vmsg_link *l, uint64_t off, size_t len)
{
	size_t i;

	if (l->io == NULL) {
		memset(at(l, off), 0, len);
		return;
	}
	for (i = 0; i < len; i += 8)
		rte_vmsg__io_wr64(l->io, l->io_off + off + i, 0);
}

/* Queue-head fields, by their offset in struct rte_vmsg_qhead. */
#define QH_MAGIC offsetof(struct rte_vmsg_qhead, magic)
#define QH_STATUS offsetof(struct rte_vmsg_qhead, status)
#define QH_TAIL offsetof(struct rte_vmsg_qhead, tail)
#define QH_HEAD offsetof(struct rte_vmsg_qhead, head)

size_t rte_vmsg_link_layout_size(uint32_t num_elems, uint32_t elem_size)
{
	return OFF_ELEMS + 2u * (size_t)num_elems * elem_size;
}

static void publish_status(struct rte_vmsg_link *l, enum rte_vmsg_qstate s)
{
	l->own_state = s;
	/*
	 * R4: everything this side did before the state change (zeroed
	 * indices and stamps on the way to READY) is visible before the new
	 * state; pairs with A4 in rte_vmsg_link_poll() on the peer.
	 */
	st16_release(l, l->own_qhead_off + QH_STATUS, (uint32_t)s);
}

/* The peer's queue head is there and says RUN (read once, at create). */
static int peer_running(const struct rte_vmsg_link *l)
{
	uint32_t magic = ld16_acquire(l, l->peer_qhead_off + QH_MAGIC);
	uint32_t status = ld16_acquire(l, l->peer_qhead_off + QH_STATUS);

	return magic == RTE_VMSG_QHEAD_MAGIC &&
	       (status & RTE_VMSG_QSTATUS_STATE_MASK) == RTE_VMSG_QSTATE_RUN;
}

/*
 * One ring end over the layout: its element array and index words by
 * offset from the base. In I/O memory the pointers are the library's view
 * (never dereferenced: it may be PROT_NONE) and the end keeps the offsets
 * in the region for its accessors.
 */
static void ring_end_init(struct rte_vmsg_link *l, struct rte_vmsg__ring_end *e, uint64_t elems,
			  uint64_t own_idx, uint64_t peer_idx)
{
	struct rte_vmsg_ring *r = &e->r;

	memset(e, 0, sizeof(*e));
	r->elems = l->base + elems;
	r->own_idx = (rte_vmsg_le16 *)at(l, own_idx);
	r->peer_idx = (rte_vmsg_le16 *)at(l, peer_idx);
	e->producer = e == &l->txe;
	if (l->io != NULL) {
		e->io = l->io;
		e->elems_off = l->io_off + elems;
		e->own_off = l->io_off + own_idx;
		e->peer_off = l->io_off + peer_idx;
		r->mode |= RTE_VMSG_RING_MODE_IO;
	} else if (l->stream && e->producer) {
		r->mode |= RTE_VMSG_RING_MODE_STREAM;
	}
	r->size = l->n;
	r->esize = l->esize;
	r->msg_off = (l->features & RTE_VMSG_LAYOUT_F_STAMPED) ? RTE_VMSG_STAMP_HDR_SIZE : 0;
	r->msg_max = l->esize - r->msg_off;
	if (r->msg_max > 65535u)
		r->msg_max = 65535u;
	/*
	 * A stamped element of one line is one direct store: the stamped
	 * format's streaming bursts (doc/ring.md, "Streaming bursts").
	 */
	if ((r->mode & RTE_VMSG_RING_MODE_STREAM) != 0 && r->msg_off != 0 && r->esize == 64u &&
	    rte_vmsg_link_stream_direct())
		r->mode |= RTE_VMSG_RING_MODE_DIRECT;
	r->seq = 1;
	if (l->layout == RTE_VMSG_LINK_LAYOUT_V0)
		r->mode |= RTE_VMSG_RING_MODE_IDX32;
}

/*
 * v0: a 32-bit index word of a queue. The queues are named like v1's
 * element arrays: own_elems_off is the queue this side produces into,
 * peer_elems_off the one it consumes from.
 */
static uint64_t v0_word(const struct rte_vmsg_link *l, uint64_t queue, uint32_t off)
{
	(void)l;
	return queue + off;
}

static void v0_ends_init(struct rte_vmsg_link *l)
{
	/* The ring ends keep 16-bit pointer types; RTE_VMSG_RING_MODE_IDX32 makes them 32-bit words. */
	ring_end_init(l, &l->txe, l->own_elems_off + RTE_VMSG_V0_OFF_SLOTS,
		      v0_word(l, l->own_elems_off, RTE_VMSG_V0_OFF_PROD),
		      v0_word(l, l->own_elems_off, RTE_VMSG_V0_OFF_CONS));
	ring_end_init(l, &l->rxe, l->peer_elems_off + RTE_VMSG_V0_OFF_SLOTS,
		      v0_word(l, l->peer_elems_off, RTE_VMSG_V0_OFF_CONS),
		      v0_word(l, l->peer_elems_off, RTE_VMSG_V0_OFF_PROD));
}

/*
 * v0: the peer's two words, each read once (A1/A2 as in
 * rte_vmsg__ring_refresh()): its consumer index on our queue and its
 * producer index on its own.
 */
static void v0_peer_words(const struct rte_vmsg_link *l, uint32_t *cons, uint32_t *prod)
{
	*cons = ld32_acquire(l, v0_word(l, l->own_elems_off, RTE_VMSG_V0_OFF_CONS));
	*prod = ld32_acquire(l, v0_word(l, l->peer_elems_off, RTE_VMSG_V0_OFF_PROD));
}

/* Sent and not known consumed, and known arrived and not yet read. */
static uint64_t inflight(const struct rte_vmsg_link *l)
{
	return rte_vmsg__ring_dist(&l->txe.r, l->txe.r.idx, l->txe.r.peer_cache) +
	       rte_vmsg__ring_dist(&l->rxe.r, l->rxe.r.peer_cache, l->rxe.r.idx);
}

/*
 * Back to a fresh start: our indices and shadows to 0, stamps of our own
 * queue cleared so no element of an earlier session can match a new stamp.
 * Only this side writes any of it. Returns how many messages were in flight
 * in either direction as far as this side knows (they are dropped).
 */
static uint64_t reset_ends(struct rte_vmsg_link *l)
{
	uint64_t inflight_ = l->txe.r.size != 0 ? inflight(l) : 0;
	uint32_t i;

	/* The ring ends' counters outlive them (rule 2: nothing is lost silently). */
	l->st.bad_index += l->txe.r.bad_index + l->rxe.r.bad_index;

	if (l->layout == RTE_VMSG_LINK_LAYOUT_V0) {
		v0_ends_init(l);
		st32_once(l, v0_word(l, l->own_elems_off, RTE_VMSG_V0_OFF_PROD), 0);
		st32_once(l, v0_word(l, l->peer_elems_off, RTE_VMSG_V0_OFF_CONS), 0);
		return inflight_;
	}
	ring_end_init(l, &l->txe, l->own_elems_off, l->own_qhead_off + QH_TAIL,
		      l->peer_qhead_off + QH_HEAD);
	ring_end_init(l, &l->rxe, l->peer_elems_off, l->own_qhead_off + QH_HEAD,
		      l->peer_qhead_off + QH_TAIL);
	/* Stamped (never in I/O memory: refused at create). */
	if (l->txe.r.msg_off != 0)
		for (i = 0; i < l->n; i++)
			rte_vmsg__write_once(
				(rte_vmsg_le32 *)(void *)rte_vmsg__ring_elem(&l->txe.r, i),
				rte_vmsg_cpu_to_le32(0));
	st16_once(l, l->own_qhead_off + QH_TAIL, 0);
	st16_once(l, l->own_qhead_off + QH_HEAD, 0);
	return inflight_;
}

/*
 * Back to INIT to meet the peer's next incarnation: indices zeroed, INIT,
 * then the magic again (R6, as in rte_vmsg_link_create()): a peer that lost
 * ours (a corruption of our queue head) finds it back. A link still broken
 * (it moved to a new layout while it waits) keeps its new ends refusing
 * until the peer's new start is seen (v1_poll()): they would take calls on
 * a link that is not up, in a geometry the peer may still be writing.
 */
static uint64_t restart_handshake(struct rte_vmsg_link *l)
{
	uint64_t dropped = reset_ends(l);

	if (l->broken) {
		l->txe.r.broken = 1;
		l->rxe.r.broken = 1;
	}
	publish_status(l, RTE_VMSG_QSTATE_INIT);
	st16_release(l, l->own_qhead_off + QH_MAGIC, RTE_VMSG_QHEAD_MAGIC);
	return dropped;
}

static int write_layout(struct rte_vmsg_link *l, const struct rte_vmsg_link_opts *o)
{
	struct rte_vmsg_layout_hdr h, cur;
	uint32_t esize = o->elem_size != 0 ? o->elem_size : 64u;
	uint64_t n = o->num_elems;
	uint64_t oq; /* our queue head */
	int fresh;

	if (!rte_vmsg__link_esize_ok(esize))
		return -EINVAL;
	if (o->format != RTE_VMSG_LINK_FMT_COMPAT && o->format != RTE_VMSG_LINK_FMT_STAMPED)
		return -EINVAL;
	/* Stamps in a BAR: the consumer would poll device memory. Not offered. */
	if (o->format == RTE_VMSG_LINK_FMT_STAMPED && l->io != NULL)
		return -EINVAL;
	if (n == 0) {
		if (l->len < OFF_ELEMS)
			return -ENOSPC;
		n = (l->len - OFF_ELEMS) / (2u * (uint64_t)esize);
		if (n > 65535u)
			n = 65535u;
	}
	if (!rte_vmsg__link_elems_ok(n))
		return n < 2u && o->num_elems == 0 ? -ENOSPC : -EINVAL;
	if (rte_vmsg_link_layout_size((uint32_t)n, esize) > l->len)
		return -ENOSPC;

	l->n = (uint32_t)n;
	l->esize = esize;
	l->features = o->format == RTE_VMSG_LINK_FMT_STAMPED ? RTE_VMSG_LAYOUT_F_STAMPED : 0u;
	l->own_qhead_off = l->role == RTE_VMSG_LINK_DEVICE ? OFF_DEV_QHEAD : OFF_DRV_QHEAD;
	l->peer_qhead_off = l->role == RTE_VMSG_LINK_DEVICE ? OFF_DRV_QHEAD : OFF_DEV_QHEAD;
	l->own_elems_off = OFF_ELEMS + (l->role == RTE_VMSG_LINK_DEVICE ? 0 : (uint64_t)n * esize);
	l->peer_elems_off = OFF_ELEMS + (l->role == RTE_VMSG_LINK_DEVICE ? (uint64_t)n * esize : 0);
	oq = l->own_qhead_off;

	memset(&h, 0, sizeof(h));
	h.length = rte_vmsg_cpu_to_le16(sizeof(h));
	h.version = rte_vmsg_cpu_to_le16(RTE_VMSG_LAYOUT_VERSION);
	h.features = rte_vmsg_cpu_to_le16((uint16_t)l->features);
	h.num_notif = 0;
	h.num_vq_notif_per_device = 1;
	h.num_queue_elements = rte_vmsg_cpu_to_le16((uint16_t)n);
	h.size_queue_elements = rte_vmsg_cpu_to_le16((uint16_t)esize);
	h.dev_queue_head_offset = rte_vmsg_cpu_to_le64(OFF_DEV_QHEAD);
	h.dev_queue_elements_offset = rte_vmsg_cpu_to_le64(OFF_ELEMS);
	h.drv_queue_head_offset = rte_vmsg_cpu_to_le64(OFF_DRV_QHEAD);
	h.drv_queue_elements_offset = rte_vmsg_cpu_to_le64(OFF_ELEMS + (uint64_t)n * esize);
	h.magic = rte_vmsg_cpu_to_le16(RTE_VMSG_LAYOUT_MAGIC);

	/*
	 * A writer (the device, in v1) restarting with the same layout finds
	 * it in place: the reader's queue head is the reader's and stays as it
	 * is (the reader sees our INIT and reconnects). On fresh memory, or
	 * when the layout changes, the reader's queue head starts clean: its
	 * indices belong to another geometry. Then hide the old layout, so
	 * that a reader never sees a mix of two.
	 */
	bytes_get(l, 0, &cur, sizeof(cur));
	fresh = memcmp(&cur, &h, sizeof(h)) != 0;
	if (!fresh && ld16_once(l, oq + QH_MAGIC) == RTE_VMSG_QHEAD_MAGIC) {
		/*
		 * A restart on the same layout, with a driver that may be
		 * polling right now: both magics stay, so it never sees a
		 * hole (it would take it for a hostile peer and break the
		 * link). Our state goes back to INIT first, then
		 * rte_vmsg_link_create() clears our indices; the driver
		 * resets on seeing INIT. The indices it may see meanwhile
		 * are our old ones, below N, so its checks hold throughout.
		 */
		st16_release(l, oq + QH_STATUS, RTE_VMSG_QSTATE_INIT);
		return 0;
	}
	st16_release(l, offsetof(struct rte_vmsg_layout_hdr, magic), 0);
	bytes_zero(l, l->own_qhead_off, LINE);
	if (fresh)
		bytes_zero(l, l->peer_qhead_off, LINE);
	if (l->io == NULL) {
		memcpy(l->base + 2, (const uint8_t *)&h + 2, sizeof(h) - 2);
	} else {
		/* All but the magic: three 16-bit words, then whole 64-bit ones. */
		rte_vmsg__io_wr16(l->io, l->io_off + 2, rte_vmsg_le16_to_cpu(h.length));
		rte_vmsg__io_wr16(l->io, l->io_off + 4, rte_vmsg_le16_to_cpu(h.version));
		rte_vmsg__io_wr16(l->io, l->io_off + 6, rte_vmsg_le16_to_cpu(h.features));
		rte_vmsg__io_copy_in(l->io, l->io_off + 8, (const uint8_t *)&h + 8, sizeof(h) - 8);
	}
	/* R5: the header and clean queue heads before the magic; pairs with A5
	 * in read_layout(). */
	st16_release(l, offsetof(struct rte_vmsg_layout_hdr, magic), RTE_VMSG_LAYOUT_MAGIC);
	return 0;
}

/* A range [off, off + len) inside the layout, checked without overflow. */
static int in_range(uint64_t off, uint64_t len, uint64_t total)
{
	return off <= total && len <= total - off;
}

static int overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

#define PROTO_ERR(...)                                                     \
	do {                                                               \
		if (!l->quiet)                                             \
			RTE_VMSG_LOG(ERR, "layout refused: " __VA_ARGS__); \
		return -EPROTO;                                            \
	} while (0)

static int read_layout(struct rte_vmsg_link *l, uint32_t require_format)
{
	struct rte_vmsg_layout_hdr h;
	uint64_t off[6], size[6], n, esize, notif_len, total = l->len;
	unsigned int i, j, vqn;
	uint32_t magic;

	if (l->len < sizeof(h))
		return -EINVAL;
	/*
	 * A5: the magic first, then the rest; pairs with R5 in write_layout().
	 * Each field is read once into a private copy: the magic is the value
	 * checked here, the rest is copied after it (later writes by the peer
	 * change nothing). Copying the magic again could bring a cleared one
	 * (a writer starting over) into the copy that layout_recheck()
	 * compares, and make it see a new layout where there is none.
	 */
	magic = ld16_acquire(l, offsetof(struct rte_vmsg_layout_hdr, magic));
	if (magic != RTE_VMSG_LAYOUT_MAGIC)
		return -EAGAIN;
	h.magic = rte_vmsg_cpu_to_le16((uint16_t)magic);
	bytes_get(l, sizeof(h.magic), (uint8_t *)&h + sizeof(h.magic), sizeof(h) - sizeof(h.magic));
	if (rte_vmsg_le16_to_cpu(h.length) != sizeof(h))
		PROTO_ERR("length %u, expected %zu", rte_vmsg_le16_to_cpu(h.length), sizeof(h));
	if (rte_vmsg_le16_to_cpu(h.version) != RTE_VMSG_LAYOUT_VERSION)
		PROTO_ERR("version %u, expected 1", rte_vmsg_le16_to_cpu(h.version));
	l->features = rte_vmsg_le16_to_cpu(h.features);
	if (l->features & ~RTE_VMSG_LAYOUT_F_KNOWN)
		PROTO_ERR("unknown features 0x%04x", l->features & ~RTE_VMSG_LAYOUT_F_KNOWN);
	if ((l->features & RTE_VMSG_LAYOUT_F_STAMPED) && l->io != NULL)
		PROTO_ERR("stamped element format in I/O memory (not supported: use the compatible "
			  "format)");
	if (rte_vmsg_le16_to_cpu(h.reserved) != 0)
		PROTO_ERR("reserved field 0x%04x", rte_vmsg_le16_to_cpu(h.reserved));
	if (h.num_notif > 64)
		PROTO_ERR("num_notif %u > 64", h.num_notif);
	vqn = h.num_vq_notif_per_device;
	if (vqn > 16 || (vqn & (vqn - 1)) != 0)
		PROTO_ERR("num_vq_notif_per_device %u", vqn);
	n = rte_vmsg_le16_to_cpu(h.num_queue_elements);
	esize = rte_vmsg_le16_to_cpu(h.size_queue_elements);
	if (n < 2)
		PROTO_ERR("num_queue_elements %" PRIu64 " < 2", n);
	if (!rte_vmsg__link_esize_ok(esize)) /* 16 bits: never above 32768 as a power of two */
		PROTO_ERR("size_queue_elements %" PRIu64 " (need a power of two >= 64)", esize);
	if (require_format != 0 &&
	    require_format - 1 != ((l->features & RTE_VMSG_LAYOUT_F_STAMPED)
					   ? (uint32_t)RTE_VMSG_LINK_FMT_STAMPED
					   : (uint32_t)RTE_VMSG_LINK_FMT_COMPAT))
		PROTO_ERR("element format differs from the configured one");

	/* 0 dev_notif, 1 dev_qhead, 2 dev_elems, 3 drv_notif, 4 drv_qhead, 5 drv_elems */
	off[0] = rte_vmsg_le64_to_cpu(h.dev_notif_offset);
	off[1] = rte_vmsg_le64_to_cpu(h.dev_queue_head_offset);
	off[2] = rte_vmsg_le64_to_cpu(h.dev_queue_elements_offset);
	off[3] = rte_vmsg_le64_to_cpu(h.drv_notif_offset);
	off[4] = rte_vmsg_le64_to_cpu(h.drv_queue_head_offset);
	off[5] = rte_vmsg_le64_to_cpu(h.drv_queue_elements_offset);
	notif_len = (uint64_t)h.num_notif * 8u *
		    ((l->features & RTE_VMSG_LAYOUT_F_MASKED_NOTIF) ? 3u : 2u);
	size[0] = size[3] = notif_len;
	size[1] = size[4] = sizeof(struct rte_vmsg_qhead);
	size[2] = size[5] = n * esize;
	for (i = 0; i < 6; i++) {
		int is_notif = i == 0 || i == 3;

		if (off[i] == 0) {
			if (is_notif && h.num_notif == 0)
				continue;
			PROTO_ERR("offset %u is 0", i);
		}
		if (!in_range(off[i], size[i], total))
			PROTO_ERR("area %u [%" PRIu64 ", +%" PRIu64 ") outside the %" PRIu64
				  "-byte region",
				  i, off[i], size[i], total);
		if (off[i] < sizeof(h))
			PROTO_ERR("area %u overlaps the header", i);
		/*
		 * Queue heads: 2 (16-bit atomic access); notification words
		 * and elements: 8 (stamps are 32-bit words, and
		 * rte_vmsg_ring_slot() promises 8-byte aligned messages in
		 * either format; element sizes are powers of two from 64).
		 */
		if ((off[i] & (i == 1 || i == 4 ? 1u : 7u)) != 0)
			PROTO_ERR("area %u offset %" PRIu64 " misaligned", i, off[i]);
	}
	for (i = 0; i < 6; i++)
		for (j = i + 1; j < 6; j++)
			if (size[i] != 0 && size[j] != 0 && off[i] != 0 && off[j] != 0 &&
			    overlap(off[i], size[i], off[j], size[j]))
				PROTO_ERR("areas %u and %u overlap", i, j);

	l->hdr = h;
	l->n = (uint32_t)n;
	l->esize = (uint32_t)esize;
	/* Ours are named after our role, whoever wrote the layout. */
	l->own_qhead_off = l->role == RTE_VMSG_LINK_DRIVER ? off[4] : off[1];
	l->peer_qhead_off = l->role == RTE_VMSG_LINK_DRIVER ? off[1] : off[4];
	l->own_elems_off = l->role == RTE_VMSG_LINK_DRIVER ? off[5] : off[2];
	l->peer_elems_off = l->role == RTE_VMSG_LINK_DRIVER ? off[2] : off[5];
	return 0;
}

/* v0: the two queues, both sides configured alike (nobody writes a layout). */
static int v0_setup(struct rte_vmsg_link *l, const struct rte_vmsg_link_opts *o)
{
	uint64_t q = o->v0_queue_size != 0 ? o->v0_queue_size : RTE_VMSG_V0_QUEUE_SIZE;

	if (o->num_elems != 0 || o->format != 0 || o->require_format != 0 ||
	    (o->flags & ~RTE_VMSG_LINK_F_STREAM) != 0 ||
	    (o->elem_size != 0 && o->elem_size != RTE_VMSG_V0_SLOT_SIZE))
		return -EINVAL;
	if (q % RTE_VMSG_V0_SLOT_SIZE != 0 || q < 256u || q > 4194304u)
		return -EINVAL;
	if (l->len < 2u * q)
		return -ENOSPC;
	l->v0_qsize = (uint32_t)q;
	l->n = (uint32_t)((q - RTE_VMSG_V0_OFF_SLOTS) / RTE_VMSG_V0_SLOT_SIZE);
	l->esize = RTE_VMSG_V0_SLOT_SIZE;
	l->features = 0;
	/* The driver's queue first, as in every amp-pci model. */
	l->own_elems_off = l->role == RTE_VMSG_LINK_DRIVER ? 0 : q;
	l->peer_elems_off = l->role == RTE_VMSG_LINK_DRIVER ? q : 0;
	return 0;
}

static int link_break(struct rte_vmsg_link *l, uint64_t *counter);

/*
 * v0 has no handshake: attaching (creating or re-opening the link)
 * re-initialises this side's queues, its two index words to 0, as the
 * amp-pci models do on reset; the peer does the same when it attaches. On
 * fresh memory a side that comes first may already have sent: the other
 * reads it from 0. The peer's words are read once; one that cannot be
 * leaves the link broken until the peer's consumer index is 0 (it
 * re-initialised its queues).
 */
static void v0_attach(struct rte_vmsg_link *l)
{
	uint32_t cons, prod;

	l->broken = 0;
	l->v0_lost = 0;
	l->st.dropped += reset_ends(l); /* our two words to 0 */
	v0_peer_words(l, &cons, &prod);
	/*
	 * The peer's consumer index on our queue can only be 0 now (our
	 * producer's is): another value is its earlier session's, so it must
	 * re-initialise too; we wait for that, broken. Its producer index
	 * may be ahead: what it sent before we came.
	 */
	if (cons != 0 || prod >= l->n) {
		(void)link_break(l, &l->st.bad_index);
		return;
	}
	l->state = RTE_VMSG_LINK_UP;
}

int rte_vmsg_link_create(void *base, size_t len, const struct rte_vmsg_link_opts *opts,
			 struct rte_vmsg_link **out)
{
	struct rte_vmsg_link_opts o;
	struct rte_vmsg__io_win *io = NULL;
	struct rte_vmsg_link *l;
	uint64_t io_off = 0;
	int rc, writer;

	if (base == NULL || out == NULL || ((uintptr_t)base & (LINE - 1)) != 0 ||
	    rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0)
		return -EINVAL;
	if (o.role != RTE_VMSG_LINK_DEVICE && o.role != RTE_VMSG_LINK_DRIVER)
		return -EINVAL;
	if (o.require_format > 1u + RTE_VMSG_LINK_FMT_STAMPED)
		return -EINVAL;
	if ((o.flags & ~(RTE_VMSG_LINK_F_DRIVER_WRITES | RTE_VMSG_LINK_F_STREAM)) != 0)
		return -EINVAL;
	if (o.layout != RTE_VMSG_LINK_LAYOUT_V1 && o.layout != RTE_VMSG_LINK_LAYOUT_V0)
		return -EINVAL;
	if (o.layout == RTE_VMSG_LINK_LAYOUT_V1 && o.v0_queue_size != 0)
		return -EINVAL;
	writer = (o.role == RTE_VMSG_LINK_DEVICE) !=
		 ((o.flags & RTE_VMSG_LINK_F_DRIVER_WRITES) != 0);

	if (o.region != NULL) {
		/* The layout inside the region; in I/O memory, its accessors only. */
		uintptr_t ra = (uintptr_t)rte_vmsg_region_addr(o.region), b = (uintptr_t)base;
		size_t rl = rte_vmsg_region_len(o.region);

		if (b < ra || b - ra > rl || len > rl - (b - ra))
			return -EINVAL;
		if ((rte_vmsg_region_flags(o.region) & RTE_VMSG_REGION_F_IO) != 0) {
			io = rte_vmsg__region_io_win(o.region);
			io_off = b - ra;
			if (io == NULL || (io_off & 7u) != 0)
				return -EINVAL;
		}
	}

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->base = base;
	l->len = len;
	l->io = io;
	l->io_off = io_off;
	l->role = o.role;
	l->layout = o.layout;
	l->require_format = o.require_format;
	l->stream = (o.flags & RTE_VMSG_LINK_F_STREAM) != 0;
	if (o.layout == RTE_VMSG_LINK_LAYOUT_V0) {
		rc = v0_setup(l, &o);
		if (rc < 0)
			goto err_free;
		v0_attach(l);
		*out = l;
		return 0;
	}
	l->writer = (uint32_t)writer;
	rc = writer ? write_layout(l, &o) : read_layout(l, o.require_format);
	if (rc < 0)
		goto err_free;
	l->state = RTE_VMSG_LINK_CONNECTING;

	/*
	 * Handshake step 1: our queue head INIT, then its magic. The side
	 * that writes the layout goes straight to READY (indices zeroed)
	 * unless the peer's head says RUN: a foreign driver (Linux) that finds
	 * the device's head still INIT sleeps a second or two more before it
	 * looks again, and one that finds it READY comes up at once. A peer in
	 * RUN is a driver of an earlier incarnation of ours: its indices are
	 * stale, so we start at INIT and wait for it to come back to READY or
	 * lower (rte_vmsg_link_poll()).
	 */
	publish_status(l, RTE_VMSG_QSTATE_INIT);
	reset_ends(l);
	if (writer && !peer_running(l))
		publish_status(l, RTE_VMSG_QSTATE_READY);
	/*
	 * R6: INIT and our zeroed indices before the queue-head magic; pairs
	 * with A6 in rte_vmsg_link_poll() on the peer: a side that sees our
	 * magic sees this incarnation's status and indices, never garbage.
	 */
	st16_release(l, l->own_qhead_off + QH_MAGIC, RTE_VMSG_QHEAD_MAGIC);
	*out = l;
	return 0;

err_free:
	free(l);
	return rc;
}

/*
 * The peer wrote a value that cannot be (ARCHITECTURE.md §2.4b): both ring
 * ends refuse every call (-EIO) and, in v1, our queue head says PEER_DEAD,
 * until the peer starts over (v1: its head back in INIT or READY; v0: its
 * consumer index 0). rte_vmsg_link_poll() then resets the ends and, in v1,
 * runs the handshake again; what was in flight is counted as dropped there.
 * The counter names the check; st.breaks counts the breaks.
 */
static int link_break(struct rte_vmsg_link *l, uint64_t *counter)
{
	if (counter != NULL)
		(*counter)++;
	l->txe.r.broken = 1;
	l->rxe.r.broken = 1;
	if (l->broken)
		return -EIO;
	l->broken = 1;
	l->peer_seen = 0;
	l->st.breaks++;
	l->state = RTE_VMSG_LINK_PEER_DOWN;
	RTE_VMSG_LOG(ERR, "link broken: the peer wrote a value that cannot be; "
			  "waiting for it to start over");
	/* Never at the old place once the layout moved: it may be data now. */
	if (l->layout == RTE_VMSG_LINK_LAYOUT_V1 && !l->relayout)
		publish_status(l, RTE_VMSG_QSTATE_PEER_DEAD);
	return -EIO;
}

/*
 * v1 reader, when the peer starts over (and while the link waits broken):
 * the layout it starts with. The header was read once at creation and is
 * never used again while the link runs (scribbles on it change nothing);
 * but a writer that restarts may have laid out a new geometry (it clears
 * the magic and both queue heads, writes a new header, then the magic). If
 * the header differs from our copy, our queue head may lie inside the new
 * arrays: nothing is written at the old places from then on. Once the new
 * header is complete and valid, with the element size and features this end
 * was made for (the bus above fixed its message size), we move to it.
 * Returns 0 (the same layout, or the new one adopted), -EAGAIN while the
 * header is incomplete (its magic not there: being written), or -EPROTO
 * when the new header is refused (counted once in bad_layout).
 */
static int layout_recheck(struct rte_vmsg_link *l)
{
	struct rte_vmsg_layout_hdr h;
	struct rte_vmsg_link t;
	int rc;

	if (l->writer)
		return 0;
	bytes_get(l, 0, &h, sizeof(h)); /* compared, never used */
	if (memcmp(&h, &l->hdr, sizeof(h)) == 0) {
		uint32_t was = l->relayout;

		/*
		 * Back as it was: our places are ours again. A writer that laid
		 * out again cleared both queue heads on the way: ours is
		 * written again (PEER_DEAD while broken, else INIT with its
		 * magic), or the writer would wait for it for ever.
		 */
		l->relayout = 0;
		l->layout_refused = 0;
		if (was && l->broken)
			publish_status(l, RTE_VMSG_QSTATE_PEER_DEAD); /* not told yet */
		else if (was)
			l->st.dropped += restart_handshake(l);
		return 0;
	}
	l->relayout = 1;
	t = *l;
	t.quiet = 1;
	rc = read_layout(&t, l->require_format);
	if (rc == 0 && (t.esize != l->esize || t.features != l->features))
		rc = -EPROTO;
	if (rc < 0) {
		if (rc != -EAGAIN && !l->layout_refused) {
			l->layout_refused = 1;
			l->st.bad_layout++;
			RTE_VMSG_LOG(WARNING, "the peer laid out a new layout that this end cannot "
					      "take (invalid, or another element size or format)");
		}
		return rc == -EAGAIN ? -EAGAIN : -EPROTO;
	}
	/* Adopt it: the geometry, then our ends and queue head at their new places. */
	l->hdr = t.hdr;
	l->n = t.n;
	l->own_qhead_off = t.own_qhead_off;
	l->peer_qhead_off = t.peer_qhead_off;
	l->own_elems_off = t.own_elems_off;
	l->peer_elems_off = t.peer_elems_off;
	l->relayout = 0;
	l->layout_refused = 0;
	l->st.relayouts++;
	RTE_VMSG_LOG(INFO, "the peer laid out a new layout: %u elements per direction", l->n);
	/* Our ends take the new geometry now, our head its INIT at the new place. */
	l->st.dropped += restart_handshake(l);
	return 0;
}

static int v1_poll(struct rte_vmsg_link *l)
{
	uint32_t magic, status, pstate, ptail, phead, peer_last;

	if (!l->broken && (l->txe.r.broken || l->rxe.r.broken))
		return link_break(l, NULL); /* the ring end counted it */
	/*
	 * Not running: the peer may be starting over in a new layout (a
	 * writer moves our queue heads only when it lays out anew). Running,
	 * the header is not looked at, unless a restart of the peer found it
	 * changed (relayout): then until it is back or adopted.
	 */
	if (l->broken || l->own_state != RTE_VMSG_QSTATE_RUN || l->relayout) {
		int rc = layout_recheck(l);

		if (rc < 0 && l->broken)
			return -EIO;
		if (rc == -EAGAIN) /* being written: wait, writing nothing */
			return l->state = RTE_VMSG_LINK_CONNECTING;
		if (rc < 0)
			return link_break(l, NULL); /* counted in bad_layout */
	}

	/*
	 * A6: the peer's queue-head magic first (pairs with R6: seen, it
	 * comes with the status and indices published before it), then A4:
	 * the peer's state, then what it published before it; pairs with R4.
	 */
	magic = ld16_acquire(l, l->peer_qhead_off + QH_MAGIC);
	status = ld16_acquire(l, l->peer_qhead_off + QH_STATUS);
	pstate = status & RTE_VMSG_QSTATUS_STATE_MASK;
	if (l->broken) {
		/* Our head says PEER_DEAD: wait for the peer's new start. */
		if (magic != RTE_VMSG_QHEAD_MAGIC ||
		    (pstate != RTE_VMSG_QSTATE_INIT && pstate != RTE_VMSG_QSTATE_READY))
			return -EIO;
		RTE_VMSG_LOG(INFO, "the peer started over: handshaking again");
		l->broken = 0;
		l->st.recoveries++;
		if (l->own_state != RTE_VMSG_QSTATE_PEER_DEAD) {
			/* Moved to a new layout: INIT there already. */
			l->st.reconnects++;
		}
	}
	if (magic != RTE_VMSG_QHEAD_MAGIC) {
		if (l->peer_seen)
			return link_break(l, &l->st.bad_magic);
		return l->state = RTE_VMSG_LINK_CONNECTING;
	}
	l->peer_seen = 1;
	if (pstate > RTE_VMSG_QSTATE_PEER_DEAD)
		return link_break(l, &l->st.bad_state);
	peer_last = l->peer_last;
	l->peer_last = pstate;
	if (pstate != RTE_VMSG_QSTATE_INIT)
		l->init_since = 0;
	/*
	 * The peer's indices mean something in READY (zeroed before it) and
	 * RUN, and stay below N there: a device that changes the geometry
	 * clears the driver's queue head (write_layout()). In INIT and after
	 * they are the old session's, never used.
	 */
	if (pstate == RTE_VMSG_QSTATE_READY || pstate == RTE_VMSG_QSTATE_RUN) {
		ptail = ld16_once(l, l->peer_qhead_off + QH_TAIL);
		/* A1 (as in rte_vmsg__ring_refresh()): it may become our end's cache below. */
		phead = ld16_acquire(l, l->peer_qhead_off + QH_HEAD);
		if (ptail >= l->n || phead >= l->n)
			return link_break(l, &l->st.bad_index);
		/*
		 * We run and the peer's head went back behind what it had
		 * consumed of our queue: it started over (indices zeroed,
		 * INIT, READY, RUN) between two of our polls, and a Linux
		 * driver that finds our head RUN does not wait for us. Its
		 * indices are zero: drop this session's ends and go on running
		 * with it; the restart counts as one.
		 */
		if (l->own_state == RTE_VMSG_QSTATE_RUN &&
		    rte_vmsg__ring_rewound_at(&l->txe.r, phead)) { /* the checked copy */
			l->st.reconnects++;
			l->st.dropped += reset_ends(l);
		} else if (l->own_state == RTE_VMSG_QSTATE_RUN && pstate == RTE_VMSG_QSTATE_READY &&
			   peer_last == RTE_VMSG_QSTATE_RUN) {
			/*
			 * It ran and is READY again: it started over between
			 * two of our polls. A writer may have laid out anew
			 * (wiping our queue head): look at the header, then
			 * start our side over too, so that it finds our head.
			 */
			uint64_t relayouts = l->st.relayouts;
			int rc = layout_recheck(l);

			if (rc == -EAGAIN)
				return l->state = RTE_VMSG_LINK_CONNECTING;
			if (rc < 0)
				return link_break(l, NULL);
			l->st.reconnects++;
			if (l->st.relayouts == relayouts)
				l->st.dropped += restart_handshake(l);
		}
	}

	switch (l->own_state) {
	case RTE_VMSG_QSTATE_PEER_DEAD:
		/* The peer died or broke; wait until its new incarnation shows up. */
		if (pstate != RTE_VMSG_QSTATE_INIT && pstate != RTE_VMSG_QSTATE_READY)
			return l->state = RTE_VMSG_LINK_PEER_DOWN;
		l->st.reconnects++;
		l->st.dropped += restart_handshake(l);
		/* fall through */
	case RTE_VMSG_QSTATE_INIT:
		/*
		 * A peer still in RUN has not yet seen us restart and still
		 * holds indices of the old session: wait until it leaves RUN
		 * (it will, on seeing our INIT), so that nobody reads stale
		 * elements.
		 */
		if (pstate == RTE_VMSG_QSTATE_RUN)
			return l->state = RTE_VMSG_LINK_CONNECTING;
		l->st.dropped += reset_ends(l);
		publish_status(l, RTE_VMSG_QSTATE_READY);
		/* fall through */
	case RTE_VMSG_QSTATE_READY:
		if (pstate != RTE_VMSG_QSTATE_READY && pstate != RTE_VMSG_QSTATE_RUN)
			return l->state = (pstate == RTE_VMSG_QSTATE_INIT)
						  ? RTE_VMSG_LINK_CONNECTING
						  : RTE_VMSG_LINK_PEER_DOWN;
		publish_status(l, RTE_VMSG_QSTATE_RUN);
		/* fall through */
	case RTE_VMSG_QSTATE_RUN:
	default:
		break;
	}

	switch (pstate) {
	case RTE_VMSG_QSTATE_RUN:
		return l->state = RTE_VMSG_LINK_UP;
	case RTE_VMSG_QSTATE_READY:
		/* It saw us and is about to run: not up until it does. */
		return l->state = RTE_VMSG_LINK_CONNECTING;
	case RTE_VMSG_QSTATE_INIT: {
		/*
		 * The peer restarted under our RUN (the switch above went
		 * through READY otherwise): a reconnect, and what was in
		 * flight is gone. A peer of this library waits in INIT until
		 * we leave RUN; the Linux driver passes through INIT to READY
		 * and RUN within microseconds, without waiting, and takes our
		 * head leaving RUN for a device gone. So our ends start over
		 * at once (indices 0: the driver reads nothing stale), our
		 * head stays RUN, and the link holds (not up) for
		 * INIT_GRACE_NS. A peer that goes on to READY or RUN in that
		 * time finds us running a new session; one still in INIT after
		 * it waits for us: we start over with it.
		 */
		uint64_t now = rte_vmsg_time_ns();

		/* A first sight (any poll that sees another state clears init_since). */
		if (l->init_since == 0) {
			l->init_since = now != 0 ? now : 1;
			l->st.reconnects++;
			l->st.dropped += reset_ends(l);
		}
		if (now - l->init_since < INIT_GRACE_NS)
			return l->state = RTE_VMSG_LINK_CONNECTING;
		switch (layout_recheck(l)) {
		case 0:
			break;
		case -EAGAIN:
			return l->state = RTE_VMSG_LINK_CONNECTING;
		default:
			return link_break(l, NULL);
		}
		l->init_since = 0;
		l->st.dropped += restart_handshake(l);
		return l->state = RTE_VMSG_LINK_CONNECTING;
	}
	default:
		/*
		 * SHUTDOWN or PEER_DEAD (it broke on something it saw, or its
		 * process saw ours die): back to INIT, to meet its next
		 * incarnation, our magic published again in case it was what
		 * the peer refused.
		 */
		l->st.dropped += restart_handshake(l);
		return l->state = RTE_VMSG_LINK_PEER_DOWN;
	}
}

/*
 * v0: no states, so the peer's indices are all there is. Each is read once
 * and must be below N; the consumer's must lie between what we saw last and
 * our own index, and the producer's must not go back. Anything else is a
 * peer that started over without telling (it zeroed its queues) or a
 * hostile one: the link breaks (nothing is written: the peer may still be
 * reading our words), and comes back when its consumer index is 0 (it
 * re-initialised its queues, as v0_attach() does; its producer index may
 * have moved on since) or both its indices equal ours again. A peer taken
 * for lost while its words were sound (rte_vmsg_link_peer_dead(): it went
 * silent) cannot be told so, having no state: when it moves on from where
 * it stood, its consumer index still between what we saw and what we
 * sent, it was only slow, and the link comes back; what it sent since the
 * loss is dropped (answers to requests already failed, or requests of a
 * session the loss ended).
 */
static int v0_poll(struct rte_vmsg_link *l)
{
	uint32_t cons, prod;

	v0_peer_words(l, &cons, &prod);
	if (l->broken) {
		uint32_t tx_idx = l->txe.r.idx, rx_idx = l->rxe.r.idx;

		if (cons == 0 && prod < l->n) {
			/*
			 * It re-initialised its queues: so do we. Its producer
			 * index may be ahead already (it attached and sent
			 * before this pass saw it, as v0_attach() allows): we
			 * read its queue from 0.
			 */
			l->st.dropped += reset_ends(l);
		} else if (cons == tx_idx && prod == rx_idx && cons < l->n && prod < l->n) {
			/*
			 * Back in step with us (the value that broke the link
			 * was put back): both queues empty, nothing lost; our
			 * words are written again in case they were what it
			 * broke.
			 */
			l->st.dropped += inflight(l);
			l->st.bad_index += l->txe.r.bad_index + l->rxe.r.bad_index;
			v0_ends_init(l);
			l->txe.r.idx = l->txe.r.peer_cache = tx_idx;
			l->rxe.r.idx = l->rxe.r.peer_cache = rx_idx;
			rte_vmsg__ring_publish(&l->txe.r, tx_idx);
			rte_vmsg__ring_publish(&l->rxe.r, rx_idx);
		} else if (l->v0_lost && cons < l->n && prod < l->n &&
			   (cons != l->v0_cons || prod != l->v0_prod) &&
			   rte_vmsg__ring_dist(&l->txe.r, cons, l->txe.r.peer_cache) <=
				   rte_vmsg__ring_dist(&l->txe.r, tx_idx, l->txe.r.peer_cache)) {
			/* It was only slow: on from here, what it sent since dropped. */
			l->st.dropped += rte_vmsg__ring_dist(&l->rxe.r, prod, rx_idx);
			l->st.bad_index += l->txe.r.bad_index + l->rxe.r.bad_index;
			v0_ends_init(l);
			l->txe.r.idx = tx_idx;
			l->txe.r.peer_cache = cons;
			l->rxe.r.idx = l->rxe.r.peer_cache = prod;
			rte_vmsg__ring_publish(&l->txe.r, tx_idx);
			rte_vmsg__ring_publish(&l->rxe.r, prod);
		} else {
			return -EIO;
		}
		l->v0_lost = 0;
		RTE_VMSG_LOG(INFO, "the peer started over: link up again");
		l->broken = 0;
		l->st.recoveries++;
		l->st.reconnects++;
		return l->state = RTE_VMSG_LINK_UP;
	}
	if (l->txe.r.broken || l->rxe.r.broken)
		return link_break(l, NULL); /* the ring end counted it */
	if (cons >= l->n || prod >= l->n || rte_vmsg__ring_rewound_at(&l->txe.r, cons) ||
	    rte_vmsg__ring_dist(&l->rxe.r, prod, l->rxe.r.idx) <
		    rte_vmsg__ring_dist(&l->rxe.r, l->rxe.r.peer_cache, l->rxe.r.idx))
		return link_break(l, &l->st.bad_index);
	return l->state = RTE_VMSG_LINK_UP;
}

int rte_vmsg_link_poll(struct rte_vmsg_link *l)
{
	if (l == NULL)
		return -EINVAL;
	return l->layout == RTE_VMSG_LINK_LAYOUT_V0 ? v0_poll(l) : v1_poll(l);
}

int rte_vmsg_link_wait_up(struct rte_vmsg_link *l, uint64_t timeout_ns)
{
	uint64_t deadline = rte_vmsg_time_ns() + timeout_ns;
	struct timespec nap = { 0, 20000 };
	int rc;

	for (;;) {
		/* Broken (-EIO) is a state too: the peer may start over in time. */
		rc = rte_vmsg_link_poll(l);
		if (rc == RTE_VMSG_LINK_UP)
			return 0;
		if (rc == -EINVAL)
			return rc;
		if (rte_vmsg_time_ns() >= deadline)
			return rc == -EIO ? -EIO : -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
}

struct rte_vmsg_ring *rte_vmsg_link_tx(struct rte_vmsg_link *l)
{
	return l != NULL ? &l->txe.r : NULL;
}

struct rte_vmsg_ring *rte_vmsg_link_rx(struct rte_vmsg_link *l)
{
	return l != NULL ? &l->rxe.r : NULL;
}

uint32_t rte_vmsg_link_max_msg(const struct rte_vmsg_link *l)
{
	return l != NULL ? l->txe.r.msg_max : 0;
}

int rte_vmsg_link_stats_get(const struct rte_vmsg_link *l, struct rte_vmsg_link_stats *st)
{
	if (l == NULL || st == NULL)
		return -EINVAL;
	*st = l->st;
	st->bad_index += l->txe.r.bad_index + l->rxe.r.bad_index;
	st->broken = l->broken || l->txe.r.broken || l->rxe.r.broken;
	st->state = (uint32_t)l->state;
	return 0;
}

int rte_vmsg_link_peer_dead(struct rte_vmsg_link *l)
{
	if (l == NULL)
		return -EINVAL;
	if (l->layout == RTE_VMSG_LINK_LAYOUT_V0) {
		/*
		 * No state to publish: wait for its queues to be re-initialised,
		 * or, if its words were sound until now, for it to move on
		 * (v0_poll()).
		 */
		if (!l->broken) {
			l->v0_lost = 1;
			v0_peer_words(l, &l->v0_cons, &l->v0_prod);
		}
		l->broken = 1;
		l->txe.r.broken = 1;
		l->rxe.r.broken = 1;
	} else if (!l->relayout) {
		publish_status(l, RTE_VMSG_QSTATE_PEER_DEAD);
	}
	l->state = RTE_VMSG_LINK_PEER_DOWN;
	return 0;
}

int rte_vmsg_link_reset(struct rte_vmsg_link *l)
{
	if (l == NULL)
		return -EINVAL;
	if (l->layout == RTE_VMSG_LINK_LAYOUT_V0) {
		v0_attach(l);
		return 0;
	}
	l->state = RTE_VMSG_LINK_CONNECTING;
	if (l->relayout)
		return 0; /* the poll moves to the new layout first */
	l->broken = 0;
	l->peer_seen = 0;
	l->st.dropped += restart_handshake(l);
	return 0;
}

void rte_vmsg_link_destroy(struct rte_vmsg_link *l)
{
	if (l == NULL)
		return;
	if (l->layout == RTE_VMSG_LINK_LAYOUT_V1 && !l->relayout)
		publish_status(l, RTE_VMSG_QSTATE_SHUTDOWN);
	free(l);
}

int rte_vmsg_ring_valid(const struct rte_vmsg_ring *r)
{
	if (r == NULL || r->elems == NULL || r->size < 2 || r->esize < 64)
		return 0;
	if (r->idx >= r->size || r->peer_cache >= r->size)
		return 0;
	return r->pending < r->size;
}
