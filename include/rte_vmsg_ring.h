/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * SPSC message rings and the AMP link: the v1 virtio-msg-amp shared-memory
 * layout (layout header, two queue heads, two element arrays), its handshake
 * and its recovery, the older v0 spsc layout, and the inline burst and
 * zero-copy fast path.
 */

#ifndef RTE_VMSG_RING_H
#define RTE_VMSG_RING_H

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rte_vmsg_common.h>

#define RTE_VMSG__ALLOW_PVT
#include <rte_vmsg_atomic_pvt.h>
#undef RTE_VMSG__ALLOW_PVT

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Wire layout (amp-pcie.md §1.4, the 2026 "v1" vmamp_shmem layout).
 * All fields little-endian; offsets relative to the layout base.
 */

#define RTE_VMSG_LAYOUT_MAGIC 0x4C4Fu /**< "LO" */
#define RTE_VMSG_LAYOUT_VERSION 1u
#define RTE_VMSG_QHEAD_MAGIC 0x514Fu /**< "QO" */

/** Layout feature: notification areas carry mask words (v1 bit 0). */
#define RTE_VMSG_LAYOUT_F_MASKED_NOTIF 0x0001u
/**
 * Layout feature, implementation-defined: stamped element format. Each
 * element starts with an 8-byte element header whose first le32 is a
 * sequence stamp written after the message; the consumer polls the stamp of
 * the next element instead of the producer's index, so one cache line moves
 * per message. A foreign v1 peer refuses the unknown bit and so only ever
 * gets the compatible format.
 */
#define RTE_VMSG_LAYOUT_F_STAMPED 0x8000u
/** Feature bits this implementation understands. */
#define RTE_VMSG_LAYOUT_F_KNOWN (RTE_VMSG_LAYOUT_F_MASKED_NOTIF | RTE_VMSG_LAYOUT_F_STAMPED)

/** Bytes the stamped format keeps at the start of each element. */
#define RTE_VMSG_STAMP_HDR_SIZE 8u

/** Queue head states (low 5 bits of status). */
enum rte_vmsg_qstate {
	RTE_VMSG_QSTATE_INIT = 0,
	RTE_VMSG_QSTATE_READY = 1,
	RTE_VMSG_QSTATE_RUN = 2,
	RTE_VMSG_QSTATE_SHUTDOWN = 3,
	RTE_VMSG_QSTATE_PEER_DEAD = 4,
};
#define RTE_VMSG_QSTATUS_STATE_MASK 0x001Fu
#define RTE_VMSG_QSTATUS_DEBUGGABLE 0x8000u

/** The layout header, 64 bytes at offset 0 of the layout. */
struct rte_vmsg_layout_hdr {
	rte_vmsg_le16 magic;
	rte_vmsg_le16 length;
	rte_vmsg_le16 version;
	rte_vmsg_le16 features;
	uint8_t num_notif;
	uint8_t num_vq_notif_per_device;
	rte_vmsg_le16 num_queue_elements;
	rte_vmsg_le16 size_queue_elements;
	rte_vmsg_le16 reserved;
	rte_vmsg_le64 dev_notif_offset;
	rte_vmsg_le64 dev_queue_head_offset;
	rte_vmsg_le64 dev_queue_elements_offset;
	rte_vmsg_le64 drv_notif_offset;
	rte_vmsg_le64 drv_queue_head_offset;
	rte_vmsg_le64 drv_queue_elements_offset;
};

/**
 * A queue head, 8 bytes, one per side, written only by its side: @c tail is
 * the next element this side writes in its own queue, @c head the next
 * element it reads from the peer's queue. Both stay below N and wrap at N.
 */
struct rte_vmsg_qhead {
	rte_vmsg_le16 magic;
	rte_vmsg_le16 status;
	rte_vmsg_le16 tail;
	rte_vmsg_le16 head;
};

#if defined(__cplusplus)
static_assert(sizeof(struct rte_vmsg_layout_hdr) == 64, "v1 layout header is 64 bytes");
static_assert(offsetof(struct rte_vmsg_layout_hdr, num_queue_elements) == 10, "v1 offset");
static_assert(offsetof(struct rte_vmsg_layout_hdr, dev_notif_offset) == 16, "v1 offset");
static_assert(offsetof(struct rte_vmsg_layout_hdr, drv_queue_elements_offset) == 56, "v1 offset");
static_assert(sizeof(struct rte_vmsg_qhead) == 8, "v1 queue head is 8 bytes");
#else
_Static_assert(sizeof(struct rte_vmsg_layout_hdr) == 64, "v1 layout header is 64 bytes");
_Static_assert(offsetof(struct rte_vmsg_layout_hdr, num_queue_elements) == 10, "v1 offset");
_Static_assert(offsetof(struct rte_vmsg_layout_hdr, dev_notif_offset) == 16, "v1 offset");
_Static_assert(offsetof(struct rte_vmsg_layout_hdr, drv_queue_elements_offset) == 56, "v1 offset");
_Static_assert(sizeof(struct rte_vmsg_qhead) == 8, "v1 queue head is 8 bytes");
#endif

/*
 * Index arithmetic (STYLE.md point 14: the wire layout wins). Indices are
 * below N and wrap at N; N need not be a power of two. One slot stays
 * empty: the ring is empty when consumer == producer and full when
 * next(producer) == consumer, so it holds at most N - 1 elements.
 * used = (producer - consumer) mod N; free = N - 1 - used.
 *
 * Private state: each end keeps a shadow of its own index (never read back
 * from shared memory) and a cached copy of the peer's index, re-read only
 * when the cache says there is not enough to do the whole burst.
 */

/*
 * Ring ends in I/O memory (a link over a region with RTE_VMSG_REGION_F_IO:
 * a PCIe BAR). Every access to the index words and the elements goes
 * through the lib/mem I/O accessors (naturally aligned volatile accesses,
 * counted per region, possibly to a private alias of a PROT_NONE view),
 * ordered by the CPU-to-device barriers, never a plain load, store or
 * atomic. The inline functions below keep the RAM fast path as it was and
 * test RTE_VMSG_RING_MODE_IO at the points where memory is touched (the
 * peer's index, the publish of ours, the copies), on a predictable, unlikely
 * branch, calling the out-of-line I/O versions (lib/ring/ring_io.c) there.
 *
 * What works on an I/O ring: the burst copies (rte_vmsg_ring_enqueue_burst,
 * rte_vmsg_ring_dequeue_burst), and reserve/peek with the copy forms of the
 * slot (rte_vmsg_ring_slot_write, rte_vmsg_ring_slot_read) before
 * commit/release. What does not: zero-copy pointers. rte_vmsg_ring_slot()
 * returns NULL on an I/O ring: no pointer into the BAR is handed out. The
 * stamped element format is refused on I/O links (its consumer would poll
 * BAR memory, and its stamps would need ordered 32-bit element accesses).
 */

/** rte_vmsg_ring.mode: the index words are 32 bits (the v0 layout), else 16. */
#define RTE_VMSG_RING_MODE_IDX32 0x1u
/** rte_vmsg_ring.mode: the ring lives in I/O memory: accessors only, no zero copy. */
#define RTE_VMSG_RING_MODE_IO 0x2u
/**
 * rte_vmsg_ring.mode, producer end in RAM: rte_vmsg_ring_enqueue_burst()
 * streams a burst of whole elements of at least RTE_VMSG_RING_STREAM_MIN
 * bytes to memory (RTE_VMSG_LINK_F_STREAM).
 */
#define RTE_VMSG_RING_MODE_STREAM 0x4u
/**
 * rte_vmsg_ring.mode, producer end in RAM with RTE_VMSG_RING_MODE_STREAM,
 * stamped format, 64-byte elements, on a CPU with MOVDIR64B
 * (rte_vmsg_link_stream_direct()): rte_vmsg_ring_enqueue_burst() writes a
 * burst of at least RTE_VMSG_RING_STREAM_MIN bytes as whole elements,
 * stamp and message, each with one 64-byte direct store, and no fence.
 */
#define RTE_VMSG_RING_MODE_DIRECT 0x8u
/* The mode bits that change how the index words and elements are reached. */
#define RTE_VMSG__RING_MODE_ACCESS (RTE_VMSG_RING_MODE_IDX32 | RTE_VMSG_RING_MODE_IO)
/** The fewest bytes a burst writes for the streaming copy to take it (RTE_VMSG_RING_MODE_STREAM). */
#define RTE_VMSG_RING_STREAM_MIN 2048u

/** One end of one ring: the producer end or the consumer end. */
struct rte_vmsg_ring {
	/* Read-mostly, set at connection time. */
	uint8_t *elems;		 /**< element array in shared memory */
	rte_vmsg_le16 *own_idx;	 /**< index word this end writes (qhead tail or head) */
	rte_vmsg_le16 *peer_idx; /**< index word of the other end */
	uint32_t size;		 /**< N, number of elements */
	uint32_t esize;		 /**< element size in bytes, a power of two >= 64 */
	uint32_t msg_off;	 /**< 0 (compatible) or RTE_VMSG_STAMP_HDR_SIZE (stamped) */
	uint32_t msg_max;	 /**< largest message an element carries */
	/* Written by this end only, private. */
	uint32_t idx;	     /**< shadow of own index */
	uint32_t peer_cache; /**< last value read from *peer_idx */
	uint32_t seq;	     /**< stamped: next stamp to write / expected */
	uint32_t pending;    /**< reserved (producer) or peeked (consumer), not yet committed */
	uint32_t broken;     /**< non-zero: every call returns -EIO */
	uint32_t mode;	     /**< RTE_VMSG_RING_MODE_* (0: a v1 ring in RAM); set by the link */
	uint64_t bad_index;  /**< impossible peer index values seen */
};

/* The ring end is exposed for the inline fast path: its layout is ABI. */
#if defined(__cplusplus)
static_assert(sizeof(struct rte_vmsg_ring) == 72, "struct rte_vmsg_ring is ABI");
#else
_Static_assert(sizeof(struct rte_vmsg_ring) == 72, "struct rte_vmsg_ring is ABI");
#endif

/*
 * The out-of-line I/O versions (lib/ring/ring_io.c), for ring ends with
 * RTE_VMSG_RING_MODE_IO only (of a link: they find the accessors beside the
 * end). Not API: call the inline functions, which dispatch.
 */
RTE_VMSG_API uint32_t rte_vmsg__ring_io_peer_load(const struct rte_vmsg_ring *r);
RTE_VMSG_API void rte_vmsg__ring_io_publish(struct rte_vmsg_ring *r, uint32_t idx);
RTE_VMSG_API int rte_vmsg__ring_io_slot_write(struct rte_vmsg_ring *r, uint32_t i, const void *src,
					      uint32_t len);
RTE_VMSG_API int rte_vmsg__ring_io_slot_read(const struct rte_vmsg_ring *r, uint32_t i,
					     uint32_t off, void *dst, uint32_t len);
RTE_VMSG_API int rte_vmsg__ring_io_enqueue_burst(struct rte_vmsg_ring *r, const void *msgs,
						 uint32_t len, uint32_t n);
RTE_VMSG_API int rte_vmsg__ring_io_dequeue_burst(struct rte_vmsg_ring *r, void *msgs, uint32_t len,
						 uint32_t n);
/*
 * Copies @p len bytes (a multiple of 64, @p dst 64-byte aligned) with
 * non-temporal stores; with @p fence, then fences them and every earlier
 * one (lib/ring/ring_stream.c).
 */
RTE_VMSG_API void rte_vmsg__ring_stream_copy(void *dst, const void *src, size_t len, int fence);
/*
 * RTE_VMSG_RING_MODE_DIRECT: the @p k reserved elements from r->idx, stamps
 * from r->seq, each its @p len <= 56 byte message of the back-to-back array
 * @p src (zeros after it), written with one 64-byte direct store each
 * (lib/ring/ring_stream.c).
 */
RTE_VMSG_API void rte_vmsg__ring_direct_in(struct rte_vmsg_ring *r, const uint8_t *src,
					   uint32_t len, uint32_t k);
/*
 * x86-64: 1 when rte_vmsg__ring_direct_in() builds each element with one
 * 64-byte vector store (AVX-512 F and BW, asked once before main() by
 * lib/common/cpu.c), 0 when with ordinary copies. Tests set it to run both.
 */
RTE_VMSG_API extern int rte_vmsg__direct_wide;

/** Element @p i (0 <= i < N) of a ring end. */
static inline uint8_t *rte_vmsg__ring_elem(const struct rte_vmsg_ring *r, uint32_t i)
{
	return r->elems + RTE_VMSG__CAST(size_t, i) * r->esize;
}

/** i + k mod N, for i < N and k <= N. */
static inline uint32_t rte_vmsg__ring_add(const struct rte_vmsg_ring *r, uint32_t i, uint32_t k)
{
	i += k;
	return i >= r->size ? i - r->size : i;
}

/** (a - b) mod N, for a, b < N. */
static inline uint32_t rte_vmsg__ring_dist(const struct rte_vmsg_ring *r, uint32_t a, uint32_t b)
{
	return a >= b ? a - b : a + r->size - b;
}

/*
 * The peer's index word, loaded with acquire (A1/A2, named where it is
 * used): 16 bits in the v1 layout, 32 in v0. The whole word, so that a v0
 * peer's upper half is checked like the rest. An I/O ring reads it through
 * the accessors, then io_rmb (IOA1/IOA2 in ring_io.c).
 */
static inline uint32_t rte_vmsg__ring_peer_load(const struct rte_vmsg_ring *r)
{
	uint32_t m = r->mode;

	if (RTE_VMSG_LIKELY((m & RTE_VMSG__RING_MODE_ACCESS) == 0))
		return rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(r->peer_idx));
	if (RTE_VMSG_UNLIKELY((m & RTE_VMSG_RING_MODE_IO) != 0))
		return rte_vmsg__ring_io_peer_load(r);
	return rte_vmsg_le32_to_cpu(
		rte_vmsg__load_acquire(RTE_VMSG__CPTR(const rte_vmsg_le32 *, r->peer_idx)));
}

/*
 * Publishes this end's index with release (R1/R2, named by the callers); an
 * I/O ring after the CPU-to-device barrier (IOR1/IOR2 in ring_io.c).
 */
static inline void rte_vmsg__ring_publish(struct rte_vmsg_ring *r, uint32_t idx)
{
	uint32_t m = r->mode;

	if (RTE_VMSG_LIKELY((m & RTE_VMSG__RING_MODE_ACCESS) == 0))
		rte_vmsg__store_release(r->own_idx,
					rte_vmsg_cpu_to_le16(RTE_VMSG__CAST(uint16_t, idx)));
	else if (RTE_VMSG_UNLIKELY((m & RTE_VMSG_RING_MODE_IO) != 0))
		rte_vmsg__ring_io_publish(r, idx);
	else
		rte_vmsg__store_release(RTE_VMSG__PTR(rte_vmsg_le32 *, r->own_idx),
					rte_vmsg_cpu_to_le32(idx));
}

/* Producer end: the elements free as far as it knows (the consumer's index as last read). */
static inline uint32_t rte_vmsg__ring_free(const struct rte_vmsg_ring *r)
{
	return r->size - 1 - rte_vmsg__ring_dist(r, r->idx, r->peer_cache);
}

/* Marks a ring end broken after an impossible peer value; cold. */
static inline int rte_vmsg__ring_bad(struct rte_vmsg_ring *r)
{
	r->bad_index++;
	r->broken = 1;
	return -EIO;
}

/*
 * Re-reads the peer's index and validates it. Returns 0, or -EIO (and marks
 * the ring broken) when the value cannot be: an index at or above N.
 */
static inline int rte_vmsg__ring_refresh(struct rte_vmsg_ring *r)
{
	/*
	 * A1 (producer reading the consumer's head) pairs with R2 in
	 * rte_vmsg_ring_release(): the consumer finished reading the slots
	 * before it published them free, so we may overwrite them.
	 * A2 (consumer reading the producer's tail) pairs with R1 in
	 * rte_vmsg_ring_commit(): the slot contents are visible once the
	 * tail that covers them is.
	 */
	uint32_t v = rte_vmsg__ring_peer_load(r);

	if (RTE_VMSG_UNLIKELY(v >= r->size))
		return rte_vmsg__ring_bad(r);
	r->peer_cache = v;
	return 0;
}

/*
 * Producer end: 1 when the consumer's published index is somewhere no
 * consumer of this session can be (between the last value we saw and our
 * own index, both included): the consumer started over with zeroed indices
 * and this end never saw it leave RUN, as when the Linux driver restarts
 * against a device whose queue head says RUN (it goes INIT, READY, RUN
 * within microseconds and does not wait). A1 as in rte_vmsg__ring_refresh().
 * An index >= N is left to the checks that break the ring. Producer end
 * only (it moves the end's cache of the consumer's index forward).
 * rte_vmsg__ring_rewound_at() judges a value the caller already read (with
 * acquire) and checked, so that the shared word is read once.
 */
static inline int rte_vmsg__ring_rewound_at(struct rte_vmsg_ring *r, uint32_t v)
{
	if (v >= r->size)
		return 0;
	if (rte_vmsg__ring_dist(r, v, r->peer_cache) >
	    rte_vmsg__ring_dist(r, r->idx, r->peer_cache))
		return 1;
	/*
	 * A value of this session: keep it, so that the window stays as
	 * narrow as the consumer's progress (a stale cache would let a
	 * rewound index fall inside it).
	 */
	r->peer_cache = v;
	return 0;
}

/* The same on the consumer's index as published now (A1). */
static inline int rte_vmsg__ring_consumer_rewound(struct rte_vmsg_ring *r)
{
	return rte_vmsg__ring_rewound_at(r, rte_vmsg__ring_peer_load(r));
}

/**
 * Reserves up to @p n free elements for writing. Fill each with
 * rte_vmsg_ring_slot(r, i) (zero copy, RAM rings only) or
 * rte_vmsg_ring_slot_write(r, i, ...) (any ring) for i < the returned count,
 * then publish them with rte_vmsg_ring_commit(). A second reserve before the
 * commit replaces the first.
 *
 * Concurrency: producer end only, one thread; safe with one concurrent
 * consumer in another thread or process. Wait-free.
 *
 * @return the number reserved (0 when full), or -EIO if the ring is broken
 *         (the peer published an index >= N).
 */
static inline int rte_vmsg_ring_reserve(struct rte_vmsg_ring *r, uint32_t n)
{
	uint32_t free_;

	if (r->broken)
		return -EIO;
	free_ = rte_vmsg__ring_free(r);
	if (free_ < n) {
		if (rte_vmsg__ring_refresh(r) < 0)
			return -EIO;
		free_ = rte_vmsg__ring_free(r);
		if (free_ < n)
			n = free_;
	}
	r->pending = n;
	return RTE_VMSG__CAST(int, n);
}

/* The message area of the @p i-th reserved or peeked element of a RAM ring. */
static inline uint8_t *rte_vmsg__ring_slot_ram(const struct rte_vmsg_ring *r, uint32_t i)
{
	return rte_vmsg__ring_elem(r, rte_vmsg__ring_add(r, r->idx, i)) + r->msg_off;
}

/**
 * The message area of the @p i-th reserved (producer) or peeked (consumer)
 * element: r->msg_max bytes, 8-byte aligned. @p i must be below the count
 * that reserve or peek returned (not checked).
 *
 * Zero copy: NULL for a ring in I/O memory (RTE_VMSG_RING_MODE_IO), where no
 * pointer into the BAR is handed out; use rte_vmsg_ring_slot_write() and
 * rte_vmsg_ring_slot_read() there (they work on every ring).
 */
static inline void *rte_vmsg_ring_slot(const struct rte_vmsg_ring *r, uint32_t i)
{
	if (RTE_VMSG_UNLIKELY((r->mode & RTE_VMSG_RING_MODE_IO) != 0))
		return NULL;
	return rte_vmsg__ring_slot_ram(r, i);
}

/**
 * Copies @p len bytes from @p src into the message area of the @p i-th
 * reserved element (the copy form of rte_vmsg_ring_slot(), for any ring).
 * An I/O ring writes whole 64-bit words: the area's bytes from @p len up to
 * the next multiple of 8 are written as zeroes (they are inside the element).
 *
 * Concurrency: producer end only, between reserve and commit. Wait-free.
 *
 * @return 0; -EMSGSIZE if @p len exceeds r->msg_max; -EINVAL if @p i is not
 *         below the reserved count.
 */
static inline int rte_vmsg_ring_slot_write(struct rte_vmsg_ring *r, uint32_t i, const void *src,
					   uint32_t len)
{
	if (RTE_VMSG_UNLIKELY(len > r->msg_max))
		return -EMSGSIZE;
	if (RTE_VMSG_UNLIKELY(i >= r->pending))
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY((r->mode & RTE_VMSG_RING_MODE_IO) != 0))
		return rte_vmsg__ring_io_slot_write(r, i, src, len);
	memcpy(rte_vmsg__ring_slot_ram(r, i), src, len);
	return 0;
}

/**
 * Copies @p len bytes at byte @p off of the message area of the @p i-th
 * peeked element to @p dst (the copy form of rte_vmsg_ring_slot(), for any
 * ring). The bytes are untrusted peer data, read once by this call: a value
 * checked after one call may differ in a second call's copy.
 *
 * Concurrency: consumer end only, between peek and release. Wait-free.
 *
 * @return 0; -EMSGSIZE if [@p off, @p off + @p len) passes r->msg_max;
 *         -EINVAL if @p i is not below the peeked count.
 */
static inline int rte_vmsg_ring_slot_read(const struct rte_vmsg_ring *r, uint32_t i, uint32_t off,
					  void *dst, uint32_t len)
{
	if (RTE_VMSG_UNLIKELY(off > r->msg_max || len > r->msg_max - off))
		return -EMSGSIZE;
	if (RTE_VMSG_UNLIKELY(i >= r->pending))
		return -EINVAL;
	if (RTE_VMSG_UNLIKELY((r->mode & RTE_VMSG_RING_MODE_IO) != 0))
		return rte_vmsg__ring_io_slot_read(r, i, off, dst, len);
	memcpy(dst, rte_vmsg__ring_slot_ram(r, i) + off, len);
	return 0;
}

/* Lines the producer's prefetch asks for after one commit, at most (4 KiB). */
#define RTE_VMSG__RING_PREFETCH_MAX 64u

/*
 * Producer end, RAM ring, after a commit of @p n: fetches owned the first
 * @p lines lines of each of the next @p n elements that are known free
 * (the consumer's index as last read), RTE_VMSG__RING_PREFETCH_MAX lines
 * at most, so that the next burst, if like this one, writes lines already
 * in this CPU's cache instead of waiting, store by store, for lines the
 * consumer's CPU read a lap ago. Lines the consumer may still read are
 * never touched: that would take them from under it. The indices are this
 * end's private copies (the consumer's was checked when read), so the
 * lines are inside the ring. A stamped commit of one element fetches
 * nothing: a consumer that keeps up spins on the next element's stamp, and
 * taking that line from it makes the next message wait for it to come
 * back (at bursts, the consumer is mostly behind and the fetch pays).
 * doc/ring.md, "The producer's prefetch", has what it was measured to do.
 */
static inline void rte_vmsg__ring_prefetch_next(const struct rte_vmsg_ring *r, uint32_t n,
						uint32_t lines)
{
	uint32_t free_ = rte_vmsg__ring_free(r), left = RTE_VMSG__RING_PREFETCH_MAX, i, j;

	if (n > free_)
		n = free_;
	if (r->msg_off != 0 && n == 1)
		return;
	for (i = 0; i < n && left != 0; i++) {
		uint8_t *e = rte_vmsg__ring_elem(r, rte_vmsg__ring_add(r, r->idx, i));

		for (j = 0; j < lines && left != 0; j++, left--)
			rte_vmsg__prefetch_w(e + RTE_VMSG__CAST(size_t, j) * 64u);
	}
}

/*
 * rte_vmsg_ring_commit(), the next burst's prefetch asking for the first
 * @p lines lines of each element (1 .. esize / 64; 0: no prefetch, after a
 * streaming copy, whose stores would only evict the lines again). With
 * @p stamps_done, the elements already carry their stamps (a direct burst).
 */
static inline int rte_vmsg__ring_commit(struct rte_vmsg_ring *r, uint32_t n, uint32_t lines,
					int stamps_done)
{
	uint32_t i, idx = r->idx;

	if (r->broken)
		return -EIO;
	if (n > r->pending)
		return -EINVAL;
	if (r->msg_off != 0 && stamps_done) {
		/*
		 * R3d: each element came with its stamp in one direct store
		 * (rte_vmsg__ring_direct_in()). The tail below may then show
		 * before the elements: this format's consumer reads none of
		 * them by it.
		 */
		idx = rte_vmsg__ring_add(r, idx, n);
		r->seq += n;
	} else if (r->msg_off != 0) {
		/*
		 * R3: each stamp is released after its message; pairs with A3
		 * in rte_vmsg_ring_peek(). The stamp tells the consumer the
		 * element is complete without it reading our tail. Stamps go
		 * last to first: when the consumer sees the first element's
		 * stamp, the whole burst is complete, so its scan reads only
		 * finished lines and stops at the next burst; a first-to-last
		 * order let it chase the producer element by element, taking
		 * each line from it mid-write (a third of the throughput lost
		 * at bursts of 32).
		 */
		for (i = n; i-- > 0;)
			rte_vmsg__store_release(
				RTE_VMSG__PTR(
					rte_vmsg_le32 *,
					rte_vmsg__ring_elem(r, rte_vmsg__ring_add(r, idx, i))),
				rte_vmsg_cpu_to_le32(r->seq + i));
		idx = rte_vmsg__ring_add(r, idx, n);
		r->seq += n;
	} else {
		idx = rte_vmsg__ring_add(r, idx, n);
	}
	r->idx = idx;
	r->pending = 0;
	/* R1: the elements before the tail; pairs with A2 in rte_vmsg__ring_refresh(). */
	rte_vmsg__ring_publish(r, idx);
	if (RTE_VMSG_LIKELY((r->mode & RTE_VMSG_RING_MODE_IO) == 0) && lines != 0)
		rte_vmsg__ring_prefetch_next(r, n, lines);
	return RTE_VMSG__CAST(int, n);
}

/**
 * Publishes the first @p n reserved elements (n <= the reserved count; the
 * rest are dropped) to the consumer.
 *
 * Concurrency: producer end only. Wait-free.
 *
 * @return @p n, or -EIO if broken, -EINVAL if @p n exceeds the reservation.
 */
static inline int rte_vmsg_ring_commit(struct rte_vmsg_ring *r, uint32_t n)
{
	/* The messages' lengths are not known here: the line every message writes. */
	return rte_vmsg__ring_commit(r, n, 1, 0);
}

/**
 * Looks at up to @p n received elements without consuming them. Read each
 * with rte_vmsg_ring_slot(r, i) (zero copy, RAM rings only) or
 * rte_vmsg_ring_slot_read(r, i, ...) (any ring) for i < the returned count
 * (the message is untrusted peer data: validate it), then free them with
 * rte_vmsg_ring_release().
 *
 * Concurrency: consumer end only, one thread; safe with one concurrent
 * producer. Wait-free.
 *
 * @return the number available (0 when empty), or -EIO if broken.
 */
static inline int rte_vmsg_ring_peek(struct rte_vmsg_ring *r, uint32_t n)
{
	uint32_t avail, i, idx;

	if (r->broken)
		return -EIO;
	if (r->msg_off != 0) {
		/*
		 * A3: the stamp of each element, in order; pairs with R3 in
		 * rte_vmsg_ring_commit(). A stamp other than the expected
		 * sequence (an older lap, or garbage) means "not yet".
		 */
		if (n > r->size - 1)
			n = r->size - 1;
		idx = r->idx;
		for (i = 0; i < n; i++) {
			const rte_vmsg_le32 *st =
				RTE_VMSG__CPTR(const rte_vmsg_le32 *, rte_vmsg__ring_elem(r, idx));

			if (rte_vmsg_le32_to_cpu(rte_vmsg__load_acquire(st)) != r->seq + i)
				break;
			idx = rte_vmsg__ring_add(r, idx, 1);
		}
		r->pending = i;
		return RTE_VMSG__CAST(int, i);
	}
	avail = rte_vmsg__ring_dist(r, r->peer_cache, r->idx);
	if (avail < n) {
		if (rte_vmsg__ring_refresh(r) < 0)
			return -EIO;
		avail = rte_vmsg__ring_dist(r, r->peer_cache, r->idx);
		if (avail < n)
			n = avail;
	}
	r->pending = n;
	return RTE_VMSG__CAST(int, n);
}

/**
 * Frees the first @p n peeked elements (n <= the peeked count) back to the
 * producer.
 *
 * Concurrency: consumer end only. Wait-free.
 *
 * @return @p n, or -EIO if broken, -EINVAL if @p n exceeds the peeked count.
 */
static inline int rte_vmsg_ring_release(struct rte_vmsg_ring *r, uint32_t n)
{
	if (r->broken)
		return -EIO;
	if (n > r->pending)
		return -EINVAL;
	r->idx = rte_vmsg__ring_add(r, r->idx, n);
	r->seq += n;
	r->pending = 0;
	/* R2: our reads of the elements before the head; pairs with A1 in
	 * rte_vmsg__ring_refresh() on the producer. */
	rte_vmsg__ring_publish(r, r->idx);
	return RTE_VMSG__CAST(int, n);
}

/*
 * Producer end with RTE_VMSG_RING_MODE_STREAM: the @p k reserved elements,
 * each filled by a @p len = esize byte message of the back-to-back array
 * @p src, written with the streaming copy, one call per run of elements up
 * to the ring's end; the last one fences both.
 */
static inline void rte_vmsg__ring_stream_in(const struct rte_vmsg_ring *r, const uint8_t *src,
					    uint32_t len, uint32_t k)
{
	uint32_t run = r->size - r->idx;

	if (run > k)
		run = k;
	rte_vmsg__ring_stream_copy(rte_vmsg__ring_elem(r, r->idx), src,
				   RTE_VMSG__CAST(size_t, run) * len, run == k);
	if (run < k)
		rte_vmsg__ring_stream_copy(r->elems, src + RTE_VMSG__CAST(size_t, run) * len,
					   RTE_VMSG__CAST(size_t, k - run) * len, 1);
}

/**
 * Copies up to @p n messages of @p len bytes each, stored back to back at
 * @p msgs, into the ring (DPDK's "burst elem" shape).
 *
 * Works on every ring; an I/O ring copies in 64-bit words (out of line),
 * as rte_vmsg_ring_slot_write() says. On a producer end with
 * RTE_VMSG_RING_MODE_STREAM (RTE_VMSG_LINK_F_STREAM), a burst whose
 * messages fill their elements (@p len equal to the element size: the
 * compatible format) and that writes at least RTE_VMSG_RING_STREAM_MIN
 * bytes goes to memory with non-temporal stores; with
 * RTE_VMSG_RING_MODE_DIRECT (the stamped format's 64-byte elements), a
 * burst of at least that many bytes of elements goes with one direct store
 * per element; any other burst is copied as without it.
 *
 * Concurrency: producer end only; wait-free.
 *
 * @return the number enqueued (0 when full), -EIO if broken, -EMSGSIZE if
 *         @p len exceeds r->msg_max.
 */
static inline int rte_vmsg_ring_enqueue_burst(struct rte_vmsg_ring *r, const void *msgs,
					      uint32_t len, uint32_t n)
{
	const uint8_t *src = RTE_VMSG__CAST(const uint8_t *, msgs);
	uint32_t i, lines;
	int k;

	if (len > r->msg_max)
		return -EMSGSIZE;
	if (RTE_VMSG_UNLIKELY((r->mode & RTE_VMSG_RING_MODE_IO) != 0))
		return rte_vmsg__ring_io_enqueue_burst(r, msgs, len, n);
	k = rte_vmsg_ring_reserve(r, n);
	if (k <= 0)
		return k;
	if (RTE_VMSG_UNLIKELY((r->mode & RTE_VMSG_RING_MODE_STREAM) != 0) && len == r->esize &&
	    RTE_VMSG__CAST(size_t, k) * len >= RTE_VMSG_RING_STREAM_MIN) {
		rte_vmsg__ring_stream_in(r, src, len, RTE_VMSG__CAST(uint32_t, k));
		return rte_vmsg__ring_commit(r, RTE_VMSG__CAST(uint32_t, k), 0, 0);
	}
	if (RTE_VMSG_UNLIKELY((r->mode & RTE_VMSG_RING_MODE_DIRECT) != 0) &&
	    RTE_VMSG__CAST(size_t, k) * r->esize >= RTE_VMSG_RING_STREAM_MIN) {
		rte_vmsg__ring_direct_in(r, src, len, RTE_VMSG__CAST(uint32_t, k));
		return rte_vmsg__ring_commit(r, RTE_VMSG__CAST(uint32_t, k), 0, 1);
	}
	for (i = 0; i < RTE_VMSG__CAST(uint32_t, k); i++)
		memcpy(rte_vmsg__ring_slot_ram(r, i), src + RTE_VMSG__CAST(size_t, i) * len, len);
	/* The next burst's prefetch: the lines these messages took (len <= msg_max). */
	lines = (r->msg_off + len + 63u) / 64u;
	return rte_vmsg__ring_commit(r, RTE_VMSG__CAST(uint32_t, k), lines != 0 ? lines : 1u, 0);
}

/**
 * Copies up to @p n messages out of the ring, @p len bytes of each element
 * (len <= r->msg_max), back to back into @p msgs.
 *
 * Works on every ring; an I/O ring copies out in 64-bit words (out of line).
 *
 * Concurrency: consumer end only; wait-free.
 *
 * @return the number dequeued (0 when empty), -EIO if broken, -EMSGSIZE if
 *         @p len exceeds r->msg_max.
 */
static inline int rte_vmsg_ring_dequeue_burst(struct rte_vmsg_ring *r, void *msgs, uint32_t len,
					      uint32_t n)
{
	uint8_t *dst = RTE_VMSG__CAST(uint8_t *, msgs);
	int k;
	uint32_t i;

	if (len > r->msg_max)
		return -EMSGSIZE;
	if (RTE_VMSG_UNLIKELY((r->mode & RTE_VMSG_RING_MODE_IO) != 0))
		return rte_vmsg__ring_io_dequeue_burst(r, msgs, len, n);
	k = rte_vmsg_ring_peek(r, n);
	if (k <= 0)
		return k;
	for (i = 0; i < RTE_VMSG__CAST(uint32_t, k); i++)
		memcpy(dst + RTE_VMSG__CAST(size_t, i) * len, rte_vmsg__ring_slot_ram(r, i), len);
	return rte_vmsg_ring_release(r, RTE_VMSG__CAST(uint32_t, k));
}

/**
 * Tells, without consuming anything or changing any state, whether the next
 * rte_vmsg_ring_peek() on this consumer end would return at least one
 * element (or an error). For doorbell waits.
 *
 * Concurrency: consumer end only. Wait-free.
 */
static inline int rte_vmsg_ring_ready(const struct rte_vmsg_ring *r)
{
	if (r->broken)
		return 1;
	if (r->msg_off != 0) {
		const rte_vmsg_le32 *st =
			RTE_VMSG__CPTR(const rte_vmsg_le32 *, rte_vmsg__ring_elem(r, r->idx));

		/* A3 again: pairs with R3 in rte_vmsg_ring_commit(). */
		return rte_vmsg_le32_to_cpu(rte_vmsg__load_acquire(st)) == r->seq;
	}
	if (r->peer_cache != r->idx)
		return 1;
	/* A2 again: pairs with R1 in rte_vmsg_ring_commit(). */
	return rte_vmsg__ring_peer_load(r) != r->idx;
}

/* ------------------------------------------------------------------------ */
/* Doorbells: how a producer wakes a consumer that went to sleep.            */

struct rte_vmsg_region;

/** Doorbell kinds. */
enum rte_vmsg_bell_kind {
	RTE_VMSG_BELL_NONE = 0,	   /**< polling only: notify is free, wait only polls */
	RTE_VMSG_BELL_EVENTFD = 1, /**< an eventfd (passed to the peer by the application) */
	RTE_VMSG_BELL_FUTEX = 2,   /**< a futex on a shared word: no descriptor to pass */
	/**
	 * A 32-bit register write (a PCIe BAR doorbell, the ivshmem Doorbell
	 * register): @c mmio_value at @c mmio, after the CPU-to-device write
	 * barrier. Ringing only: nobody waits on it (the peer's interrupt
	 * comes back as an eventfd, e.g. an MSI-X vector through VFIO).
	 */
	RTE_VMSG_BELL_MMIO = 3,
};

/**
 * The shared words of a doorbell: 8 bytes in memory both sides map (the shm
 * bus keeps them in its bus page), each word written by one side only.
 */
struct rte_vmsg_bell_shm {
	uint32_t seq;	/**< written by the ringer: bumped before each futex wake */
	uint32_t armed; /**< written by the waiter: non-zero while it may sleep */
};

/**
 * Bell flag, MMIO only: read the register back after each write. A read
 * cannot pass the posted write before it, so the write has reached the
 * card when the read returns (the Versal card's doorbell wants it). It
 * costs a non-posted round trip of the bus per ring, counted as a read of
 * the region.
 */
#define RTE_VMSG_BELL_F_READBACK (1u << 0)

/** Options of rte_vmsg_bell_create(); zero-initialise, then set @c sz. */
struct rte_vmsg_bell_opts {
	size_t sz; /**< sizeof(struct rte_vmsg_bell_opts) */
	enum rte_vmsg_bell_kind kind;
	uint32_t flags; /**< RTE_VMSG_BELL_F_*; 0 for kinds other than MMIO */
	/**
	 * Shared words, 4-byte aligned: required for FUTEX. Optional for
	 * EVENTFD and MMIO: with them the ringer skips the wake-up while the
	 * waiter is not armed; without them (a foreign peer that keeps no such
	 * words) every notify rings and the waiter sleeps without arming.
	 */
	struct rte_vmsg_bell_shm *shm;
	int fd;		     /**< EVENTFD: the eventfd, or -1 to create one */
	uint32_t mmio_value; /**< MMIO: the value written */
	/**
	 * Adaptive wait: how long rte_vmsg_bell_wait() polls before it arms the
	 * doorbell and sleeps. 0 arms at once; UINT64_MAX never sleeps.
	 */
	uint64_t poll_ns;
	/** MMIO: the register, 4-byte aligned (in an I/O mapping: a BAR); NULL with @c mmio_region. */
	void *mmio;
	/**
	 * MMIO, instead of @c mmio: the register at byte @c mmio_offset of an
	 * I/O region (RTE_VMSG_REGION_F_IO, borrowed: must outlive the bell),
	 * written through the lib/mem I/O accessor, which counts it (and which
	 * an emulated BAR serves).
	 */
	struct rte_vmsg_region *mmio_region;
	uint64_t mmio_offset; /**< MMIO with @c mmio_region: 4-byte aligned, inside it */
};

/**
 * A doorbell, one per ring direction; both sides create one over the same
 * shared words (and the same eventfd). The fields are exposed only for the
 * inline rte_vmsg_bell_notify(); do not use them.
 */
struct rte_vmsg_bell {
	/* private: */
	enum rte_vmsg_bell_kind kind;
	int fd;
	int own_fd;
	uint32_t pad_;
	struct rte_vmsg_bell_shm *shm;
	uint64_t poll_ns;
	uint64_t kicks;	 /**< wake-ups sent (system calls or register writes made by notify) */
	uint64_t sleeps; /**< times wait went to sleep */
	volatile uint32_t *mmio;
	uint32_t mmio_value;
	uint32_t flags; /* RTE_VMSG_BELL_F_* */
	struct rte_vmsg_region *mmio_region;
	uint64_t mmio_offset;
};

/** Sends the wake-up: cold, out of line (a system call or a register write). */
RTE_VMSG_API int rte_vmsg__bell_kick(struct rte_vmsg_bell *b);

/**
 * To be called by the producer after rte_vmsg_ring_commit(): wakes the
 * consumer if it is asleep or about to sleep. Costs one full barrier and one
 * load when nobody sleeps; nothing at all with RTE_VMSG_BELL_NONE. Without
 * shared words (a foreign peer) every call rings: one eventfd write or one
 * register write.
 *
 * Concurrency: the producer of the ring this doorbell serves. Lock-free; a
 * system call only when the consumer armed the doorbell.
 *
 * @return 0, or a negative errno from the wake-up system call.
 */
static inline int rte_vmsg_bell_notify(struct rte_vmsg_bell *b)
{
	if (b->kind == RTE_VMSG_BELL_NONE)
		return 0;
	if (b->shm == NULL)
		return rte_vmsg__bell_kick(b); /* no armed word to look at: always ring */
	/*
	 * D2: the commit (a store) before the load of armed; pairs with D1 in
	 * rte_vmsg_bell_wait(): either the consumer sees our elements after
	 * arming, or we see it armed. A store-load order needs the full barrier.
	 */
	rte_vmsg__smp_mb();
	if (rte_vmsg__read_once(&b->shm->armed) == 0)
		return 0;
	return rte_vmsg__bell_kick(b);
}

/**
 * Creates a doorbell.
 *
 * @return 0; -EINVAL for bad options or unknown option bytes; -errno from
 *         eventfd(2); -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_bell_create(const struct rte_vmsg_bell_opts *opts,
						    struct rte_vmsg_bell **out);

/** The eventfd of an EVENTFD doorbell (to pass to the peer), else -ENOENT. */
RTE_VMSG_API int rte_vmsg_bell_fd(const struct rte_vmsg_bell *b);

/**
 * Waits until @p r has something to read: polls for the doorbell's poll time,
 * then arms the doorbell, re-checks the ring, and sleeps until the producer's
 * rte_vmsg_bell_notify(), @p timeout_ns, or a signal.
 *
 * Concurrency: the consumer of @p r. Blocking.
 *
 * @return 1 when the ring has something (or is broken: the next peek says
 *         -EIO); 0 when @p timeout_ns passed; -EINTR; -errno from the
 *         system call; -EINVAL for an MMIO doorbell (it only rings).
 */
RTE_VMSG_API int rte_vmsg_bell_wait(struct rte_vmsg_bell *b, const struct rte_vmsg_ring *r,
				    uint64_t timeout_ns);

/** Frees a doorbell (closes the eventfd it created). NULL is a no-op. */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_bell_destroy(struct rte_vmsg_bell *b);

/* ------------------------------------------------------------------------ */
/* The link: control path, out of line.                                      */

/** Which side of the link this end is: the device side writes the layout. */
enum rte_vmsg_link_role {
	RTE_VMSG_LINK_DEVICE = 1,
	RTE_VMSG_LINK_DRIVER = 2,
};

/** Element formats. */
enum rte_vmsg_link_format {
	RTE_VMSG_LINK_FMT_COMPAT = 0,  /**< v1 compatible: the element is the message */
	RTE_VMSG_LINK_FMT_STAMPED = 1, /**< RTE_VMSG_LAYOUT_F_STAMPED */
};

/** Ring layouts (rte_vmsg_link_opts.layout). */
enum rte_vmsg_link_layout {
	/** The 2026 v1 layout: header, queue heads with states, handshake (§1.4). */
	RTE_VMSG_LINK_LAYOUT_V1 = 0,
	/**
	 * The older v0 spsc layout (reference amp-pcie.md §1.3), as Arm's v2
	 * QEMU amp-pci model and older firmware use it: no header, no state,
	 * no handshake; two queues, each @c v0_queue_size bytes (one 4 KiB
	 * page by default), the driver's at the link base and the device's
	 * right after it. A queue holds its producer's index (le32) at 0, its
	 * consumer's index (le32) at 64 and 64-byte slots from 128; indices
	 * wrap at the capacity, (queue size - 128) / 64 (62 in a page). Both
	 * sides are configured alike: neither writes a layout.
	 */
	RTE_VMSG_LINK_LAYOUT_V0 = 1,
};

/** v0 layout: the queue size of the amp-pci models (one page per queue). */
#define RTE_VMSG_V0_QUEUE_SIZE 4096u
/** v0 layout: offsets in a queue (producer index, consumer index, slots). */
#define RTE_VMSG_V0_OFF_PROD 0u
#define RTE_VMSG_V0_OFF_CONS 64u
#define RTE_VMSG_V0_OFF_SLOTS 128u
/** v0 layout: the slot size, fixed by the format. */
#define RTE_VMSG_V0_SLOT_SIZE 64u

/** Options of rte_vmsg_link_create(); zero-initialise, then set @c sz. */
struct rte_vmsg_link_opts {
	size_t sz; /**< sizeof(struct rte_vmsg_link_opts) */
	enum rte_vmsg_link_role role;
	/* The side that writes the layout only (the other takes them from it): */
	uint32_t num_elems; /**< N per direction, 2..65535; 0 = as many as fit */
	uint32_t elem_size; /**< power of two >= 64; 0 = 64 */
	enum rte_vmsg_link_format format;
	/* The side that reads the layout only: refuse a layout whose format differs. */
	uint32_t require_format; /**< 0 (accept any), or 1 + enum rte_vmsg_link_format */
	uint32_t flags;		 /**< RTE_VMSG_LINK_F_* */
	/**
	 * enum rte_vmsg_link_layout. For RTE_VMSG_LINK_LAYOUT_V0, @c num_elems,
	 * @c format and @c require_format must be 0, @c flags 0 or
	 * RTE_VMSG_LINK_F_STREAM, and @c elem_size 0 or 64.
	 */
	uint32_t layout;
	/** v0: bytes per queue, a multiple of 64, 256..4194304; 0: RTE_VMSG_V0_QUEUE_SIZE. */
	uint32_t v0_queue_size;
	/**
	 * The region that holds the layout (borrowed: must outlive the link),
	 * or NULL: normal memory. When it is I/O memory
	 * (RTE_VMSG_REGION_F_IO: a PCIe BAR), the link touches the layout only
	 * through the lib/mem I/O accessors (counted per region; they may go
	 * to a private alias while the region's own view is PROT_NONE):
	 * header, queue heads, v0 index words and elements alike, in the
	 * handshake as on the fast path. Its ring ends then have
	 * RTE_VMSG_RING_MODE_IO (no zero copy: rte_vmsg_ring_slot() is NULL)
	 * and the stamped format is refused. @p base and @p len must then lie
	 * inside the region, @p base at a multiple of 8 from its start.
	 */
	struct rte_vmsg_region *region;
};

/**
 * Link option flag, both sides alike: the driver side writes the layout and
 * the device side reads it (the v1 protocol has the device side write it;
 * this serves a card whose firmware expects its host to lay out memory).
 * Each side still owns its own queue head and element array, as named in
 * the layout.
 */
#define RTE_VMSG_LINK_F_DRIVER_WRITES (1u << 0)

/**
 * Link option flag, this side only (the peer neither sees nor needs it),
 * both layouts: this side's producer end writes a burst of
 * rte_vmsg_ring_enqueue_burst() whose messages fill their elements (the
 * compatible format, @c len equal to the element size) and that amounts
 * to at least RTE_VMSG_RING_STREAM_MIN bytes with non-temporal stores,
 * straight to memory, and does not prefetch after it. It pays when the
 * consumer's CPU does not share a cache with this one (two CPUs of
 * different dies or sockets, a card that reads by DMA): a line the
 * consumer read a lap ago is then written without first being taken back
 * from it. Where the two CPUs share a cache it costs, and smaller bursts
 * lose either way (doc/ring.md, "Streaming bursts", has the figures). The
 * non-temporal stores end with one store fence before the tail. In the
 * stamped format with 64-byte elements, on a CPU with MOVDIR64B
 * (rte_vmsg_link_stream_direct()), a burst of at least that many bytes of
 * elements is written instead with one 64-byte direct store per element,
 * stamp included, and no fence. No effect on a link in I/O memory, on the
 * stamped format otherwise, or on rte_vmsg_ring_commit() after slot
 * writes; x86-64 only (elsewhere the copy is the ordinary one).
 */
#define RTE_VMSG_LINK_F_STREAM (1u << 1)

/**
 * Whether RTE_VMSG_LINK_F_STREAM, on a stamped link of 64-byte elements,
 * writes its streaming bursts with direct stores on this CPU: x86-64 with
 * MOVDIR64B (CPUID leaf 7, ECX bit 28). Each element, stamp and message,
 * is then one 64-byte write that the consumer sees whole or not at all, so
 * the burst needs no store fence (doc/ring.md, "Streaming bursts").
 *
 * @return 1 or 0.
 */
RTE_VMSG_API int rte_vmsg_link_stream_direct(void);

/** Link states as rte_vmsg_link_poll() reports them. */
enum rte_vmsg_link_state {
	RTE_VMSG_LINK_CONNECTING = 0, /**< handshake in progress (peer absent, INIT or READY) */
	RTE_VMSG_LINK_UP = 1,	      /**< both sides RUN (v0: not broken): the rings may be used */
	RTE_VMSG_LINK_PEER_DOWN = 2,  /**< peer in SHUTDOWN or PEER_DEAD; waits for it to restart */
};

/** Counters of a link (rule 2: nothing is lost silently). */
struct rte_vmsg_link_stats {
	uint64_t bad_index;  /**< peer indices that cannot be seen (rings and handshake) */
	uint64_t bad_state;  /**< peer status values that cannot be */
	uint64_t bad_magic;  /**< peer queue-head magic lost after it was seen */
	uint64_t reconnects; /**< peer restarts handled (recoveries included) */
	uint64_t dropped;    /**< messages in flight discarded by a reconnect */
	uint32_t broken;     /**< non-zero while broken (until the peer starts over) */
	uint32_t state;	     /**< enum rte_vmsg_link_state */
	uint64_t breaks;     /**< times the link broke on a value that cannot be */
	uint64_t recoveries; /**< times a broken link met the peer's new start */
	uint64_t bad_layout; /**< v1 reader: the layout header changed into one it refuses */
	uint64_t relayouts;  /**< v1 reader: the writer laid out a new layout, adopted */
};

struct rte_vmsg_link;

/**
 * Creates one end of a link on the memory at @p base.
 *
 * The side that writes the layout (the device side; the driver side with
 * RTE_VMSG_LINK_F_DRIVER_WRITES) lays out the header (64 B), the device's
 * queue head and the driver's (each on its own 64-byte line), then the
 * device and driver element arrays (64-byte aligned), writes the magic
 * last, and sets its queue head to INIT. The other side reads the header once, validates it
 * (magic, length, version, unknown features, reserved, counts, offsets in
 * range and aligned, no overlaps), keeps a private copy and never reads it
 * again, then sets its queue head to INIT.
 *
 * @param base  the layout, 64-byte aligned (shared memory)
 * @param len   bytes at @p base
 * @param opts  options (NULL: device role defaults are not implied; required)
 * @param out   receives the link
 * @return 0;
 *         -EINVAL for bad arguments, options or unknown option bytes, a
 *         layout outside @c region, or the stamped format on I/O memory;
 *         -ENOSPC when the device layout does not fit in @p len;
 *         -EAGAIN (driver) when the layout magic is not there yet: retry;
 *         -EPROTO (driver) when the layout is invalid or not supported
 *         (the reason is logged; on I/O memory, the stamped format);
 *         -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_link_create(void *base, size_t len,
						    const struct rte_vmsg_link_opts *opts,
						    struct rte_vmsg_link **out);

/**
 * Advances the handshake and watches the peer; call it from the control
 * loop (not per message). Handles a peer restart (its queue head back to
 * INIT) by resetting this end and reconnecting; counts and drops what was in
 * flight. Detects a peer state, magic or index that cannot be (or, on a v1
 * reader, a layout it cannot take when the peer starts over) and breaks the
 * link: v1 sets this end PEER_DEAD, both ring ends refuse (-EIO), and the
 * link comes back by itself when the peer starts over (v1: its head back in
 * INIT or READY; v0: its consumer index 0 or both in step with ours), counted in
 * breaks and recoveries (doc/ring.md).
 *
 * Concurrency: the thread owning the link; must not run concurrently with
 * the fast path of this end (a reconnect resets the ring ends).
 *
 * @return enum rte_vmsg_link_state (>= 0), or -EIO while broken.
 */
RTE_VMSG_API int rte_vmsg_link_poll(struct rte_vmsg_link *link);

/**
 * Polls the handshake until the link is up or @p timeout_ns elapses; a
 * broken link is polled too (the peer may start over meanwhile).
 *
 * @return 0 when up; -ETIMEDOUT; -EIO when still broken at the end.
 */
RTE_VMSG_API int rte_vmsg_link_wait_up(struct rte_vmsg_link *link, uint64_t timeout_ns);

/** The producer end of this side's queue (NULL for a NULL link). */
RTE_VMSG_API struct rte_vmsg_ring *rte_vmsg_link_tx(struct rte_vmsg_link *link);

/** The consumer end of the peer's queue (NULL for a NULL link). */
RTE_VMSG_API struct rte_vmsg_ring *rte_vmsg_link_rx(struct rte_vmsg_link *link);

/** The largest message the link carries in one element. */
RTE_VMSG_API uint32_t rte_vmsg_link_max_msg(const struct rte_vmsg_link *link);

/**
 * Fills @p st with the counters, folding in those of the two ring ends.
 * @return 0, or -EINVAL for NULL arguments.
 */
RTE_VMSG_API int rte_vmsg_link_stats_get(const struct rte_vmsg_link *link,
					 struct rte_vmsg_link_stats *st);

/**
 * Reports that the peer is known dead (its process exited, its card was
 * reset): sets this end PEER_DEAD (v1); the next rte_vmsg_link_poll() that
 * sees the peer back in INIT or READY reconnects. v0 has no state word: the
 * link waits, down, for the peer's re-initialised queues.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_link_peer_dead(struct rte_vmsg_link *link);

/**
 * Restarts this end at once, broken or not: v1 back to INIT (the handshake
 * again), v0 re-initialises this side's indices (re-opening the link). A
 * broken link does not need it: it recovers when the peer starts over.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_link_reset(struct rte_vmsg_link *link);

/** Sets this end SHUTDOWN and frees the link. NULL is a no-op. */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_link_destroy(struct rte_vmsg_link *link);

/**
 * The size a device-side layout needs for @p num_elems elements of
 * @p elem_size bytes per direction.
 */
RTE_VMSG_API size_t rte_vmsg_link_layout_size(uint32_t num_elems, uint32_t elem_size);

/**
 * Checks the private consistency of a ring end (indices below N, the
 * pending count within bounds).
 *
 * @return 1 when consistent, 0 otherwise.
 */
RTE_VMSG_API int rte_vmsg_ring_valid(const struct rte_vmsg_ring *r);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_RING_H */
