/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Virtqueues (virtio 1.x split and virtio 1.1+ packed layouts) in shared
 * memory: the driver half that adds buffer chains and reaps used ones, and the
 * device half that pops available chains as bounds-checked I/O vectors and
 * pushes used ones.
 */

#ifndef RTE_VMSG_VIRTQ_H
#define RTE_VMSG_VIRTQ_H

#include <stddef.h>
#include <stdint.h>

#include <rte_vmsg_common.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_transport.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @file
 * @warning EXPERIMENTAL: this API may change before 1.0.
 *
 * Layout (virtio 1.x split ring, every field little-endian), for a queue of
 * N entries (a power of two, 1 to 32768):
 *
 * | part | bytes | alignment | written by |
 * |---|---|---|---|
 * | descriptor table | 16 N | 16 | driver |
 * | avail ring: flags, idx, ring[N], used_event | 6 + 2 N | 2 | driver |
 * | used ring: flags, idx, ring[N] {id, len}, avail_event | 6 + 8 N | 4 | device |
 *
 * Indices (avail idx, used idx, the event indices) are free-running 16-bit
 * counters; ring slots are taken modulo N. rte_vmsg_vq_layout_get() places
 * the three parts in one block (the used ring on its own cache line) and,
 * optionally, a pool of indirect tables: one table of @c indirect_max
 * descriptors per head, so the table of a chain is found from its head id and
 * needs no allocator.
 *
 * Packed layout (VIRTIO_F_RING_PACKED in the features of both halves; virtio
 * 1.1+ 2.8), N a power of two, 1 to 32768:
 *
 * | part | bytes | alignment | written by |
 * |---|---|---|---|
 * | descriptor ring {addr, len, id, flags} | 16 N | 16 | driver (available), device (used) |
 * | driver event suppression {off_wrap, flags} | 4 | 4 | driver |
 * | device event suppression {off_wrap, flags} | 4 | 4 | device |
 *
 * The same calls serve both layouts: the layout is chosen by the features
 * given at create and attach (rte_vmsg_vq_layout_features_get() sizes the
 * block). For SET_VQUEUE, the "driver" address is the driver event
 * suppression structure and the "device" address the device one. Ring
 * positions are kept as free-running 16-bit counters c: the slot is
 * c mod N and the wrap counter is 1 when (c / N) is even, so that one
 * counter says both (2N divides 65536).
 *
 * With VIRTIO_F_IN_ORDER (either layout) the driver hands descriptors out in
 * ring order, the device uses chains in the order it popped them, and a
 * device push may write one used entry for a run of chains (virtio 1.1
 * 2.7.9, 2.8.21): every chain of the run but the last was used with its
 * full writable length, which the driver then reports.
 *
 * Both halves are single-threaded objects: one thread drives the driver half
 * of a queue, one thread (usually in another process, or the peer) drives
 * the device half; they synchronise only through the shared rings. No
 * function of this header allocates, locks, logs or makes a system call
 * except the create/attach, destroy/detach and reset functions (and the one
 * log line written when a queue breaks).
 *
 * Peer memory is untrusted: the device half validates every index and every
 * descriptor it reads (and translates each address with a bounds check); the
 * driver half validates the used ring. A violation marks the queue broken:
 * every later call on it returns -EIO until it is reset, and the reason is
 * kept in the stats.
 */

/* Feature bits (bit numbers) the virtqueue looks at; bits 38 and 40 are in rte_vmsg_transport.h. */
/** VIRTIO_F_INDIRECT_DESC: descriptors may point to indirect tables. */
#define RTE_VMSG_VIRTIO_F_INDIRECT_DESC 28u
/** VIRTIO_F_EVENT_IDX: used_event / avail_event suppress notifications. */
#define RTE_VMSG_VIRTIO_F_EVENT_IDX 29u
/** VIRTIO_F_RING_PACKED: the packed layout (virtio 1.1+ 2.8). */
#define RTE_VMSG_VIRTIO_F_RING_PACKED 34u
/** VIRTIO_F_IN_ORDER: buffers are used in the order they were made available. */
#define RTE_VMSG_VIRTIO_F_IN_ORDER 35u

/** Largest queue size of a split ring. */
#define RTE_VMSG_VQ_MAX_SIZE 32768u
/** Alignment of the block rte_vmsg_vq_layout_get() describes (a cache line). */
#define RTE_VMSG_VQ_ALIGN 64u

/* Descriptor flags. */
#define RTE_VMSG_VRING_DESC_F_NEXT 1u	  /**< the chain continues at @c next */
#define RTE_VMSG_VRING_DESC_F_WRITE 2u	  /**< device-writable buffer */
#define RTE_VMSG_VRING_DESC_F_INDIRECT 4u /**< the buffer is an indirect table */
/** Avail ring flag: the driver does not want used notifications (EVENT_USED). */
#define RTE_VMSG_VRING_AVAIL_F_NO_INTERRUPT 1u
/** Used ring flag: the device does not want avail notifications (EVENT_AVAIL). */
#define RTE_VMSG_VRING_USED_F_NO_NOTIFY 1u

/* Packed ring: descriptor flag bits besides NEXT, WRITE and INDIRECT. */
#define RTE_VMSG_VRING_PACKED_DESC_F_AVAIL \
	0x0080u					  /**< = the driver's wrap counter when available */
#define RTE_VMSG_VRING_PACKED_DESC_F_USED 0x8000u /**< = AVAIL once used */
/* Packed ring event suppression flags (the low two bits of the flags word). */
#define RTE_VMSG_VRING_PACKED_EVENT_ENABLE 0u  /**< notify on every change */
#define RTE_VMSG_VRING_PACKED_EVENT_DISABLE 1u /**< never notify */
#define RTE_VMSG_VRING_PACKED_EVENT_DESC 2u    /**< notify at off_wrap (needs EVENT_IDX) */

/** A packed-ring descriptor, 16 bytes; also the entry of a packed indirect table. */
struct rte_vmsg_vring_packed_desc {
	rte_vmsg_le64 addr;  /**< bus address of the buffer */
	rte_vmsg_le32 len;   /**< bytes; used: bytes the device wrote */
	rte_vmsg_le16 id;    /**< buffer id (in the last descriptor of a chain) */
	rte_vmsg_le16 flags; /**< RTE_VMSG_VRING_DESC_F_* and the AVAIL/USED bits */
};

/** A packed-ring event suppression structure, 4 bytes. */
struct rte_vmsg_vring_packed_event {
	rte_vmsg_le16 off_wrap; /**< bits 14:0 ring offset, bit 15 wrap counter */
	rte_vmsg_le16 flags;	/**< RTE_VMSG_VRING_PACKED_EVENT_* */
};

/** A split-ring descriptor, 16 bytes. */
struct rte_vmsg_vring_desc {
	rte_vmsg_le64 addr;  /**< bus address of the buffer */
	rte_vmsg_le32 len;   /**< bytes */
	rte_vmsg_le16 flags; /**< RTE_VMSG_VRING_DESC_F_* */
	rte_vmsg_le16 next;  /**< next descriptor with F_NEXT */
};

/** A used ring element, 8 bytes. */
struct rte_vmsg_vring_used_elem {
	rte_vmsg_le32 id;  /**< head of the chain */
	rte_vmsg_le32 len; /**< bytes the device wrote */
};

#if defined(__cplusplus)
static_assert(sizeof(struct rte_vmsg_vring_desc) == 16, "virtio descriptor is 16 bytes");
static_assert(offsetof(struct rte_vmsg_vring_desc, next) == 14, "virtio descriptor layout");
static_assert(sizeof(struct rte_vmsg_vring_used_elem) == 8, "virtio used element is 8 bytes");
static_assert(sizeof(struct rte_vmsg_vring_packed_desc) == 16, "packed descriptor is 16 bytes");
static_assert(offsetof(struct rte_vmsg_vring_packed_desc, flags) == 14, "packed descriptor layout");
static_assert(sizeof(struct rte_vmsg_vring_packed_event) == 4, "packed event suppression");
#else
_Static_assert(sizeof(struct rte_vmsg_vring_desc) == 16, "virtio descriptor is 16 bytes");
_Static_assert(offsetof(struct rte_vmsg_vring_desc, next) == 14, "virtio descriptor layout");
_Static_assert(sizeof(struct rte_vmsg_vring_used_elem) == 8, "virtio used element is 8 bytes");
_Static_assert(sizeof(struct rte_vmsg_vring_packed_desc) == 16, "packed descriptor is 16 bytes");
_Static_assert(offsetof(struct rte_vmsg_vring_packed_desc, flags) == 14,
	       "packed descriptor layout");
_Static_assert(sizeof(struct rte_vmsg_vring_packed_event) == 4, "packed event suppression");
#endif

/**
 * The event-index test of virtio (VIRTIO_F_EVENT_IDX): after moving an index
 * from @p old_idx to @p new_idx, is a notification due for a peer that asked
 * to be told once the index passes @p event_idx? True when event_idx lies in
 * [old_idx, new_idx) in 16-bit modular arithmetic. Thread-safe; wait-free.
 *
 * @param event_idx  the peer's used_event or avail_event
 * @param new_idx    the index just published
 * @param old_idx    the index at the previous check
 * @return 1 when a notification is due, 0 otherwise.
 */
static inline int rte_vmsg_vq_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return RTE_VMSG__CAST(uint16_t, new_idx - event_idx - 1) <
	       RTE_VMSG__CAST(uint16_t, new_idx - old_idx);
}

/** Offsets of the parts of a queue in its block (see rte_vmsg_vq_layout_get()). */
struct rte_vmsg_vq_layout {
	size_t desc_off;     /**< descriptor table (packed: descriptor ring): 0 */
	size_t avail_off;    /**< avail ring (packed: driver event suppression) */
	size_t used_off;     /**< used ring (packed: device event suppression), own line */
	size_t indirect_off; /**< indirect pool (N tables); equals @c bytes without one */
	size_t bytes;	     /**< whole block, a multiple of RTE_VMSG_VQ_ALIGN */
};

/**
 * Computes the block a queue needs. Thread-safe; pure.
 *
 * @param size          queue size N: a power of two, 1 to RTE_VMSG_VQ_MAX_SIZE
 * @param indirect_max  descriptors per indirect table in the pool (0: no pool),
 *                      at most RTE_VMSG_VQ_MAX_SIZE
 * @param out           receives the offsets
 * @return 0; -EINVAL for NULL @p out, a bad @p size or @p indirect_max.
 */
RTE_VMSG_API int rte_vmsg_vq_layout_get(uint32_t size, uint32_t indirect_max,
					struct rte_vmsg_vq_layout *out);

/**
 * Like rte_vmsg_vq_layout_get(), for the layout @p features select: the
 * packed one with VIRTIO_F_RING_PACKED (descriptor ring at 0, the driver
 * event suppression structure right after it, the device's on its own
 * RTE_VMSG_VQ_ALIGN line, then the pool), the split one otherwise. Other
 * feature bits are ignored. Thread-safe; pure.
 *
 * @param size          queue size N: a power of two, 1 to RTE_VMSG_VQ_MAX_SIZE
 * @param indirect_max  descriptors per indirect table (0: no pool), at most
 *                      RTE_VMSG_VQ_MAX_SIZE
 * @param features      negotiated features (bit n = feature n)
 * @param out           receives the offsets
 * @return 0; -EINVAL for NULL @p out, a bad @p size or @p indirect_max.
 */
RTE_VMSG_API int rte_vmsg_vq_layout_features_get(uint32_t size, uint32_t indirect_max,
						 uint64_t features, struct rte_vmsg_vq_layout *out);

/**
 * Notify policy of a queue half (virtio-msg §8). Both ends of a queue must
 * use the same policy for POLL (the agreement has no wire mechanism).
 */
enum rte_vmsg_vq_policy {
	/**
	 * Polling-only: the peer is asked never to notify (avail flag
	 * NO_INTERRUPT on the driver half, used flag NO_NOTIFY on the device
	 * half), and this half never asks for a notification (DRV-33, BUS-19).
	 */
	RTE_VMSG_VQ_POLICY_POLL = 0,
	/** Event: notifications always wanted and, when due, always requested (DRV-29, DEV-34). */
	RTE_VMSG_VQ_POLICY_EVENT = 1,
	/**
	 * Adaptive: like POLL on the receiving side while work keeps coming;
	 * after @c idle_threshold consecutive empty reaps (driver) or pops
	 * (device) it arms notifications (with a re-check, so nothing is
	 * missed) and the thread may sleep until the peer's event; the first
	 * non-empty reap or pop disarms them again. The sending side behaves as
	 * EVENT: it notifies whenever the peer asked for it.
	 */
	RTE_VMSG_VQ_POLICY_ADAPTIVE = 2,
};

/** Default idle threshold of RTE_VMSG_VQ_POLICY_ADAPTIVE. */
#define RTE_VMSG_VQ_IDLE_DEFAULT 256u

/** Why a queue broke (first violation seen); 0 while it works. */
enum rte_vmsg_vq_reason {
	RTE_VMSG_VQ_OK = 0,
	/* Device half: values the driver wrote. */
	/** avail idx more than N ahead of the last seen (packed: more than N descriptors in flight) */
	RTE_VMSG_VQ_BAD_AVAIL_IDX = 1,
	RTE_VMSG_VQ_BAD_HEAD = 2,      /**< head index >= N */
	RTE_VMSG_VQ_HEAD_IN_USE = 3,   /**< head made available again before it was used */
	RTE_VMSG_VQ_BAD_DESC_ADDR = 4, /**< buffer or indirect table outside the map */
	RTE_VMSG_VQ_BAD_NEXT = 5,      /**< next index >= the table's size */
	RTE_VMSG_VQ_CHAIN_LOOP = 6,    /**< more steps than the table (packed: ring) has entries */
	RTE_VMSG_VQ_CHAIN_TOO_LONG =
		7, /**< more than max_chain descriptors, or 2^32 bytes or more one way */
	RTE_VMSG_VQ_BAD_ORDER = 8,	       /**< readable descriptor after a writable one */
	RTE_VMSG_VQ_INDIRECT_UNNEGOTIATED = 9, /**< F_INDIRECT without VIRTIO_F_INDIRECT_DESC */
	RTE_VMSG_VQ_INDIRECT_CHAINED = 10,     /**< F_INDIRECT together with F_NEXT */
	RTE_VMSG_VQ_INDIRECT_NESTED = 11,      /**< F_INDIRECT inside an indirect table */
	RTE_VMSG_VQ_INDIRECT_BAD_LEN = 12,     /**< table length 0, not 16 n, or > 32768 entries */
	/* Driver half: values the device wrote. */
	/** used idx ahead of the chains made available (packed: a used descriptor with none in flight) */
	RTE_VMSG_VQ_BAD_USED_IDX = 13,
	/** used id >= N, not a chain in flight, or (IN_ORDER) a run past the chains used */
	RTE_VMSG_VQ_BAD_USED_ID = 14,
	RTE_VMSG_VQ_BAD_USED_LEN = 15, /**< used len above the chain's writable bytes */
	RTE_VMSG_VQ_REASON_MAX = 16,
};

/**
 * A short name of a broken reason, for logs. Thread-safe; wait-free.
 *
 * @param reason  an enum rte_vmsg_vq_reason value
 * @return a static string ("avail_idx", "loop", ...); "unknown" out of range.
 */
RTE_VMSG_API const char *rte_vmsg_vq_reason_str(uint32_t reason);

/** Counters of one queue half (rte_vmsg_vq_drv_stats_get(), rte_vmsg_vq_dev_stats_get()). */
struct rte_vmsg_vq_stats {
	uint64_t chains;	/**< chains added (driver) or popped (device) */
	uint64_t completions;	/**< chains reaped (driver) or pushed used (device) */
	uint64_t notify_checks; /**< kicks (driver) or need-notify checks (device) */
	uint64_t notifies;	/**< checks that asked for a notification */
	uint64_t arms;		/**< times notifications were armed (ADAPTIVE, rte_*_arm()) */
	uint32_t broken;	/**< enum rte_vmsg_vq_reason of the current breakage, 0: working */
	uint32_t reserved;
	uint64_t reasons[RTE_VMSG_VQ_REASON_MAX]; /**< times the queue broke, per reason */
};

/* ======================================================================== */
/* Driver half                                                              */
/* ======================================================================== */

/** A driver queue half (opaque). */
struct rte_vmsg_vq_drv;

/** Options of rte_vmsg_vq_drv_create(). Zero what you do not use. */
struct rte_vmsg_vq_drv_opts {
	/** sizeof(struct rte_vmsg_vq_drv_opts); unknown trailing bytes must be 0. */
	size_t sz;
	/** Queue size N, a power of two from 1 to RTE_VMSG_VQ_MAX_SIZE. */
	uint32_t size;
	/**
	 * Descriptors per indirect table of the pool that follows the rings in
	 * the block (rte_vmsg_vq_layout_get()); 0: no pool, indirect chains are
	 * refused. Non-zero needs VIRTIO_F_INDIRECT_DESC in @c features.
	 */
	uint32_t indirect_max;
	/**
	 * Negotiated virtio features (bit n = feature n). The queue looks at
	 * INDIRECT_DESC (28), EVENT_IDX (29), RING_PACKED (34: the packed
	 * layout), IN_ORDER (35), NOTIFICATION_DATA (38); others are ignored.
	 */
	uint64_t features;
	/** enum rte_vmsg_vq_policy. */
	uint32_t policy;
	/** ADAPTIVE: empty reaps before notifications are armed; 0: RTE_VMSG_VQ_IDLE_DEFAULT. */
	uint32_t idle_threshold;
	/** The block: local address, aligned to RTE_VMSG_VQ_ALIGN; cleared by create. */
	void *mem;
	/** Bus address of @c mem as the device sees it, aligned to RTE_VMSG_VQ_ALIGN. */
	uint64_t bus_addr;
	/** Bytes at @c mem: at least rte_vmsg_vq_layout_get()'s @c bytes. */
	size_t mem_len;
};

/** One buffer of a chain, as the device will see it. */
struct rte_vmsg_vq_buf {
	uint64_t addr;	   /**< bus address */
	uint32_t len;	   /**< bytes */
	uint32_t reserved; /**< 0 */
};

/** Chain flag: put the chain in an indirect table of the pool (one ring descriptor). */
#define RTE_VMSG_VQ_CHAIN_INDIRECT 1u

/** A chain to add: @c n_out readable buffers followed by @c n_in writable ones. */
struct rte_vmsg_vq_chain {
	const struct rte_vmsg_vq_buf *bufs; /**< n_out + n_in buffers, readable first */
	uint16_t n_out;			    /**< device-readable buffers */
	uint16_t n_in;			    /**< device-writable buffers */
	uint32_t flags;			    /**< RTE_VMSG_VQ_CHAIN_* */
	void *cookie;			    /**< returned when the chain is reaped; any value */
};

/** A reaped chain. */
struct rte_vmsg_vq_cpl {
	void *cookie; /**< as given at add */
	uint32_t len; /**< bytes the device says it wrote (<= the chain's writable bytes) */
	uint32_t reserved;
};

/**
 * Creates the driver half of a queue over the caller's block and initialises
 * the rings in it (cleared; avail flags and used_event set by the policy).
 * The block must stay mapped until rte_vmsg_vq_drv_destroy(). Then program
 * the device with rte_vmsg_vq_drv_addrs() (SET_VQUEUE, rte_vmsg_drv_vq_setup()).
 * No buffers before the queue is programmed (DRV-23).
 *
 * Not thread-safe against other uses of the same block.
 *
 * @param opts  options (see struct rte_vmsg_vq_drv_opts)
 * @param out   receives the queue; NULL on failure
 * @return 0; -EINVAL for NULL arguments, a bad @c sz or non-zero unknown bytes,
 *         a bad size, policy or indirect_max, indirect_max without
 *         VIRTIO_F_INDIRECT_DESC, a misaligned or too short block;
 *         -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_vq_drv_create(const struct rte_vmsg_vq_drv_opts *opts,
						      struct rte_vmsg_vq_drv **out);

/**
 * Destroys the driver half (not the block; cookies in flight are dropped:
 * call rte_vmsg_vq_drv_reset() first to get them back). Not concurrently
 * with any other call on the queue.
 *
 * @param vq  the queue; NULL does nothing
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_vq_drv_destroy(struct rte_vmsg_vq_drv *vq);

/**
 * The bus addresses to program with SET_VQUEUE. Thread-safe; wait-free.
 *
 * @param vq      the queue
 * @param desc    receives the descriptor table address (may be NULL)
 * @param driver  receives the avail ring address (may be NULL)
 * @param device  receives the used ring address (may be NULL)
 * @return 0; -EINVAL for NULL @p vq.
 */
RTE_VMSG_API int rte_vmsg_vq_drv_addrs(const struct rte_vmsg_vq_drv *vq, uint64_t *desc,
				       uint64_t *driver, uint64_t *device);

/**
 * Adds chains: writes their descriptors and avail ring entries, without
 * publishing them (rte_vmsg_vq_drv_kick() does, once per burst). Each chain
 * is all or nothing; the burst stops at the first chain that does not fit in
 * the free descriptors (an indirect chain takes one). Free descriptors are
 * handed out in the order they were reaped (FIFO), and a descriptor or avail
 * entry that already holds the value is not written again: re-posting
 * buffers in the order they were reaped keeps the descriptor table's cache
 * lines shared with the device.
 *
 * Concurrency: one thread per driver half; wait-free.
 *
 * @param vq      the queue
 * @param chains  @p n chains; every one is checked before any is added
 * @param n       number of chains
 * @return the number of chains added (0 when none fits);
 *         -EINVAL for a NULL argument or a chain with no buffer, a non-zero
 *         reserved field or unknown flag, more than N buffers (direct) or more
 *         than indirect_max buffers (indirect), an indirect chain without a pool;
 *         -EIO when the queue is broken.
 */
RTE_VMSG_API int rte_vmsg_vq_drv_add_burst(struct rte_vmsg_vq_drv *vq,
					   const struct rte_vmsg_vq_chain *chains, uint32_t n);

/**
 * Publishes the chains added since the last kick (store-release of avail idx)
 * and says whether the device wants an EVENT_AVAIL for them: never with
 * POLICY_POLL (DRV-33) or when nothing was added; otherwise by
 * the used ring's NO_NOTIFY flag, or with VIRTIO_F_EVENT_IDX by avail_event
 * (16-bit wrap arithmetic of rte_vmsg_vq_need_event()), after a full barrier.
 *
 * Concurrency: one thread per driver half; wait-free.
 *
 * @param vq           the queue
 * @param next_offset  optional; receives EVENT_AVAIL's next_offset (virtio-msg
 *                     §4.12, DRV-30): 0 without VIRTIO_F_NOTIFICATION_DATA, else
 *                     the new avail idx in bits 15:0 (bit 31, the wrap bit, is 0
 *                     for split rings)
 * @return 1 when an EVENT_AVAIL must be sent (DRV-29), 0 when not; -EINVAL for
 *         NULL @p vq; -EIO when the queue is broken.
 */
RTE_VMSG_API int rte_vmsg_vq_drv_kick(struct rte_vmsg_vq_drv *vq, uint32_t *next_offset);

/**
 * Reaps used chains: their cookies and written lengths, in the order the
 * device used them, and frees their descriptors. Validates the used ring
 * (idx within the chains in flight, id a chain in flight, len within its
 * writable bytes). With POLICY_ADAPTIVE this also arms or disarms
 * notifications (see enum rte_vmsg_vq_policy).
 *
 * Concurrency: one thread per driver half; wait-free.
 *
 * @param vq   the queue
 * @param out  receives up to @p n completions
 * @param n    capacity of @p out
 * A bad used entry breaks the queue. The chains reaped before it in the same
 * call have had their descriptors freed: they are returned in @p out and
 * counted, and that call returns their number; the next call returns -EIO.
 * So every completion is reported once, and rte_vmsg_vq_drv_reset() (which
 * hands back the cookies still in flight) never needs to know of them.
 *
 * @return the number reaped (0: none; after a bad entry, those before it);
 *         -EINVAL for NULL arguments; -EIO when the queue is broken (by an
 *         earlier call, or by this one at its first entry).
 */
RTE_VMSG_API int rte_vmsg_vq_drv_reap_burst(struct rte_vmsg_vq_drv *vq, struct rte_vmsg_vq_cpl *out,
					    uint32_t n);

/**
 * Arms used notifications before the thread sleeps on EVENT_USED: clears
 * NO_INTERRUPT (or sets used_event to the next used idx), then a full
 * barrier, then re-reads used idx. Meaningless with POLICY_POLL (returns 1).
 *
 * Concurrency: one thread per driver half; wait-free.
 *
 * @param vq  the queue
 * @return 0 when armed and nothing is pending (safe to wait), 1 when used
 *         chains are already there (reap instead of waiting); -EINVAL; -EIO.
 */
RTE_VMSG_API int rte_vmsg_vq_drv_arm(struct rte_vmsg_vq_drv *vq);

/**
 * Free descriptors in the descriptor table (an indirect chain takes one, a
 * direct chain one per buffer). Wait-free; same thread as the other calls.
 *
 * @param vq  the queue; NULL returns 0
 * @return the count, 0 to N.
 */
RTE_VMSG_API uint32_t rte_vmsg_vq_drv_free_count(const struct rte_vmsg_vq_drv *vq);

/**
 * Resets the queue (VIRTIO_F_RING_RESET semantics, or after a device reset;
 * call it once the device has stopped using the queue, i.e. after the
 * RESET_VQUEUE response): every chain added and not reaped is returned
 * through @p fn (oldest head first is not guaranteed), the rings are cleared
 * and re-initialised, indices go back to 0, and a broken queue works again.
 * Program the queue again before adding buffers.
 *
 * Not on the fast path; one thread per driver half.
 *
 * @param vq   the queue
 * @param fn   called once per outstanding cookie (may be NULL)
 * @param arg  passed to @p fn
 * @return the number of outstanding chains; -EINVAL for NULL @p vq.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_vq_drv_reset(struct rte_vmsg_vq_drv *vq,
						     void (*fn)(void *arg, void *cookie),
						     void *arg);

/**
 * Copies the counters. Same thread as the other calls on the queue; wait-free.
 *
 * @param vq  the queue
 * @param st  receives the counters
 * @return 0; -EINVAL for a NULL argument.
 */
RTE_VMSG_API int rte_vmsg_vq_drv_stats_get(const struct rte_vmsg_vq_drv *vq,
					   struct rte_vmsg_vq_stats *st);

/* ======================================================================== */
/* Device half                                                              */
/* ======================================================================== */

/** A device queue half (opaque). */
struct rte_vmsg_vq_dev;

/** Options of rte_vmsg_vq_dev_attach(): the SET_VQUEUE values and the map. */
struct rte_vmsg_vq_dev_opts {
	/** sizeof(struct rte_vmsg_vq_dev_opts); unknown trailing bytes must be 0. */
	size_t sz;
	/** Queue size N from SET_VQUEUE: a power of two, 1 to RTE_VMSG_VQ_MAX_SIZE. */
	uint32_t size;
	/** enum rte_vmsg_vq_policy. */
	uint32_t policy;
	/**
	 * Negotiated features; INDIRECT_DESC (28), EVENT_IDX (29), RING_PACKED
	 * (34: the packed layout) and IN_ORDER (35) matter.
	 */
	uint64_t features;
	/** Descriptor table bus address (16-byte aligned). */
	uint64_t desc_addr;
	/** Avail ring bus address (2-byte aligned; packed: driver event suppression, 4). */
	uint64_t driver_addr;
	/** Used ring bus address (4-byte aligned; packed: device event suppression, 4). */
	uint64_t device_addr;
	/** Translates every bus address; must outlive the queue and not change meanwhile. */
	const struct rte_vmsg_memmap *map;
	/**
	 * Most descriptors in one chain, indirect ones included; 0: N (the virtio
	 * rule). At most 65536. Raise it for drivers (Linux among them) that build
	 * indirect chains longer than the queue.
	 */
	uint32_t max_chain;
	/** ADAPTIVE: empty pops before notifications are armed; 0: RTE_VMSG_VQ_IDLE_DEFAULT. */
	uint32_t idle_threshold;
};

/** One buffer of a popped chain, translated. */
struct rte_vmsg_vq_iov {
	void *base;	   /**< local address, inside the map */
	uint32_t len;	   /**< bytes */
	uint32_t writable; /**< 1: device-writable, 0: device-readable */
};

/** One popped chain: iov[iov_first .. iov_first + n_iov - 1] of the caller's array. */
struct rte_vmsg_vq_req {
	uint32_t head;	    /**< head id: give it back in struct rte_vmsg_vq_used */
	uint32_t iov_first; /**< first I/O vector of the chain */
	uint32_t n_iov;	    /**< vectors: the readable ones first */
	uint32_t out_len;   /**< total readable bytes */
	uint32_t in_len;    /**< total writable bytes */
	uint32_t reserved;
};

/** A chain the device is done with. */
struct rte_vmsg_vq_used {
	uint32_t head; /**< from struct rte_vmsg_vq_req */
	uint32_t len;  /**< bytes written, at most the chain's in_len */
};

/**
 * Attaches the device half to a queue the driver programmed: translates and
 * bounds-checks the three rings through @c map. Writes the used ring's flags
 * and avail_event by the policy; the avail ring and descriptors are only read.
 * Call it when the queue is enabled (and DRIVER_OK is set).
 *
 * Thread-safe against other attaches.
 *
 * @param opts  options (see struct rte_vmsg_vq_dev_opts)
 * @param out   receives the queue; NULL on failure
 * @return 0; -EINVAL for NULL arguments, a bad @c sz or unknown bytes, a bad
 *         size, policy or max_chain, a misaligned ring address;
 *         -EFAULT when a ring is not entirely inside one region of the map;
 *         -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_vq_dev_attach(const struct rte_vmsg_vq_dev_opts *opts,
						      struct rte_vmsg_vq_dev **out);

/**
 * Detaches (frees the device half; the rings are not touched). Not
 * concurrently with any other call on the queue.
 *
 * @param vq  the queue; NULL does nothing
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_vq_dev_detach(struct rte_vmsg_vq_dev *vq);

/**
 * Pops available chains into the caller's arrays, validating each one (see
 * enum rte_vmsg_vq_reason): descriptors are read once into a local copy, each
 * buffer is translated with its length, readable buffers must come before
 * writable ones. A chain that does not fit in what is left of @p iov stays in
 * the ring for the next call. With POLICY_ADAPTIVE this also arms or disarms
 * avail notifications.
 *
 * Concurrency: one thread per device half; wait-free (a chain is at most
 * max_chain descriptors).
 *
 * @param vq    the queue
 * @param reqs  receives up to @p nreq chains
 * @param nreq  capacity of @p reqs
 * @param iov   receives the chains' I/O vectors
 * @param niov  capacity of @p iov
 * @return the number of chains popped (0: none available);
 *         -EINVAL for NULL arguments;
 *         -ENOBUFS when the next chain needs more than @p niov vectors (it
 *         stays available: call again with a larger array);
 *         -EIO when the queue is broken (now: chains popped earlier in the
 *         same call are abandoned with it, or before).
 */
RTE_VMSG_API int rte_vmsg_vq_dev_pop_burst(struct rte_vmsg_vq_dev *vq, struct rte_vmsg_vq_req *reqs,
					   uint32_t nreq, struct rte_vmsg_vq_iov *iov,
					   uint32_t niov);

/**
 * Pushes used chains and publishes the used idx once (store-release), so the
 * driver sees the data written into the buffers before the used entries.
 * Every entry is checked before any is written; a used element that already
 * holds the head and length (the same slot a lap earlier) is not rewritten.
 *
 * Concurrency: one thread per device half; wait-free.
 *
 * @param vq    the queue
 * @param used  @p n entries
 * @param n     number of entries
 * With VIRTIO_F_IN_ORDER the entries must come in the order the chains
 * were popped, and a chain used with its whole in_len that another entry of
 * the burst follows gets no used entry of its own (the next one stands for
 * it).
 *
 * @return @p n; -EINVAL for NULL arguments, a head not popped (or pushed
 *         twice), a len above its chain's in_len, or (IN_ORDER) a head that
 *         is not the oldest popped; -EIO when broken.
 */
RTE_VMSG_API int rte_vmsg_vq_dev_push_burst(struct rte_vmsg_vq_dev *vq,
					    const struct rte_vmsg_vq_used *used, uint32_t n);

/**
 * Says whether the driver wants an EVENT_USED (DEV-34) for what was pushed
 * since the last check: never with POLICY_POLL or when nothing was pushed;
 * otherwise, after a full barrier, by the avail ring's NO_INTERRUPT flag or,
 * with VIRTIO_F_EVENT_IDX, used_event.
 *
 * Concurrency: one thread per device half; wait-free.
 *
 * @param vq  the queue
 * @return 1 when an EVENT_USED must be sent, 0 when not; -EINVAL; -EIO.
 */
RTE_VMSG_API int rte_vmsg_vq_dev_need_notify(struct rte_vmsg_vq_dev *vq);

/**
 * Arms avail notifications before the thread sleeps on EVENT_AVAIL: clears
 * NO_NOTIFY (or sets avail_event to the next avail idx), a full barrier, then
 * re-reads avail idx. Meaningless with POLICY_POLL (returns 1).
 *
 * @param vq  the queue
 * @return 0 when armed and nothing is available (safe to wait), 1 when
 *         chains are already available; -EINVAL; -EIO.
 */
RTE_VMSG_API int rte_vmsg_vq_dev_arm(struct rte_vmsg_vq_dev *vq);

/**
 * Resets the device half after RESET_VQUEUE or a device reset: forgets the
 * chains in flight, indices go back to 0, a broken queue works again. Only
 * the device's words of the used ring (flags, avail_event) are written, by
 * the policy: call it once the driver has re-initialised the rings (when the
 * queue is enabled again). Not on the fast path; the queue's thread.
 *
 * @param vq  the queue
 * @return 0; -EINVAL for NULL @p vq.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_vq_dev_reset(struct rte_vmsg_vq_dev *vq);

/**
 * Copies the counters. Same thread as the other calls on the queue; wait-free.
 *
 * @param vq  the queue
 * @param st  receives the counters
 * @return 0; -EINVAL for a NULL argument.
 */
RTE_VMSG_API int rte_vmsg_vq_dev_stats_get(const struct rte_vmsg_vq_dev *vq,
					   struct rte_vmsg_vq_stats *st);

/**
 * Where the queue's three parts are mapped in this process: the descriptor
 * table, the driver area (avail ring) and the device area (used ring), as
 * translated from the driver's bus addresses at attach. For diagnostics and
 * test harnesses (a card emulator that plays a faulty device writes the
 * used ring through it); the library's own accesses never depend on what
 * a caller writes there being sane. Any output pointer may be NULL.
 *
 * @return 0; -EINVAL for NULL @p vq.
 */
RTE_VMSG_API int rte_vmsg_vq_dev_vring(const struct rte_vmsg_vq_dev *vq, const void **desc,
				       const void **driver, void **device);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_VIRTQ_H */
