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
#include "log_priv.h"
#include "opts_priv.h"

/* Where the device side puts things: each queue head and array on its own line. */
#define LINE 64u
#define OFF_DEV_QHEAD 64u
#define OFF_DRV_QHEAD 128u
#define OFF_ELEMS 192u

struct rte_vmsg_link {
	uint8_t *base;
	size_t len;
	enum rte_vmsg_link_role role;
	/* Private, validated copy of the layout, host order; never re-read. */
	uint32_t n, esize, features;
	uint64_t own_qhead_off, peer_qhead_off, own_elems_off, peer_elems_off;
	struct rte_vmsg_qhead *own, *peer;
	struct rte_vmsg_ring tx, rx;
	enum rte_vmsg_qstate own_state; /* what we last published */
	int peer_seen;			/* peer magic was seen once */
	int state;			/* enum rte_vmsg_link_state */
	uint32_t broken;
	struct rte_vmsg_link_stats st;
};

static int is_pow2(uint64_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

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
	rte_vmsg__store_release(&l->own->status, rte_vmsg_cpu_to_le16((uint16_t)s));
}

/* The peer's queue head is there and says RUN (read once, at create). */
static int peer_running(const struct rte_vmsg_link *l)
{
	uint32_t magic = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&l->peer->magic));
	uint32_t status = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&l->peer->status));

	return magic == RTE_VMSG_QHEAD_MAGIC &&
	       (status & RTE_VMSG_QSTATUS_STATE_MASK) == RTE_VMSG_QSTATE_RUN;
}

static void ring_end_init(struct rte_vmsg_link *l, struct rte_vmsg_ring *r, uint8_t *elems,
			  rte_vmsg_le16 *own_idx, rte_vmsg_le16 *peer_idx)
{
	memset(r, 0, sizeof(*r));
	r->elems = elems;
	r->own_idx = own_idx;
	r->peer_idx = peer_idx;
	r->size = l->n;
	r->esize = l->esize;
	r->msg_off = (l->features & RTE_VMSG_LAYOUT_F_STAMPED) ? RTE_VMSG_STAMP_HDR_SIZE : 0;
	r->msg_max = l->esize - r->msg_off;
	if (r->msg_max > 65535u)
		r->msg_max = 65535u;
	r->seq = 1;
}

/*
 * Back to a fresh start: our indices and shadows to 0, stamps of our own
 * queue cleared so no element of an earlier session can match a new stamp.
 * Only this side writes any of it. Returns how many messages were in flight
 * in either direction as far as this side knows (they are dropped).
 */
static uint64_t reset_ends(struct rte_vmsg_link *l)
{
	/* Sent and not known consumed, and known arrived and not yet read. */
	uint64_t inflight = rte_vmsg__ring_dist(&l->tx, l->tx.idx, l->tx.peer_cache) +
			    rte_vmsg__ring_dist(&l->rx, l->rx.peer_cache, l->rx.idx);
	uint32_t i;

	/* The ring ends' counters outlive them (rule 2: nothing is lost silently). */
	l->st.bad_index += l->tx.bad_index + l->rx.bad_index;

	ring_end_init(l, &l->tx, l->base + l->own_elems_off, &l->own->tail, &l->peer->head);
	ring_end_init(l, &l->rx, l->base + l->peer_elems_off, &l->own->head, &l->peer->tail);
	if (l->tx.msg_off != 0)
		for (i = 0; i < l->n; i++)
			rte_vmsg__write_once(
				(rte_vmsg_le32 *)(void *)rte_vmsg__ring_elem(&l->tx, i),
				rte_vmsg_cpu_to_le32(0));
	rte_vmsg__write_once(&l->own->tail, rte_vmsg_cpu_to_le16(0));
	rte_vmsg__write_once(&l->own->head, rte_vmsg_cpu_to_le16(0));
	return inflight;
}

static int write_layout(struct rte_vmsg_link *l, const struct rte_vmsg_link_opts *o)
{
	struct rte_vmsg_layout_hdr h;
	uint32_t esize = o->elem_size != 0 ? o->elem_size : 64u;
	uint64_t n = o->num_elems;
	struct rte_vmsg_qhead *oq; /* our queue head */
	int fresh;

	if (!is_pow2(esize) || esize < 64u || esize > 32768u)
		return -EINVAL;
	if (o->format != RTE_VMSG_LINK_FMT_COMPAT && o->format != RTE_VMSG_LINK_FMT_STAMPED)
		return -EINVAL;
	if (n == 0) {
		if (l->len < OFF_ELEMS)
			return -ENOSPC;
		n = (l->len - OFF_ELEMS) / (2u * (uint64_t)esize);
		if (n > 65535u)
			n = 65535u;
	}
	if (n < 2u || n > 65535u)
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
	oq = (struct rte_vmsg_qhead *)(void *)(l->base + l->own_qhead_off);

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
	fresh = memcmp(l->base, &h, sizeof(h)) != 0;
	if (!fresh &&
	    rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&oq->magic)) == RTE_VMSG_QHEAD_MAGIC) {
		/*
		 * A restart on the same layout, with a driver that may be
		 * polling right now: both magics stay, so it never sees a
		 * hole (it would take it for a hostile peer and break the
		 * link). Our state goes back to INIT first, then
		 * rte_vmsg_link_create() clears our indices; the driver
		 * resets on seeing INIT. The indices it may see meanwhile
		 * are our old ones, below N, so its checks hold throughout.
		 */
		rte_vmsg__store_release(&oq->status, rte_vmsg_cpu_to_le16(RTE_VMSG_QSTATE_INIT));
		return 0;
	}
	rte_vmsg__store_release(&((struct rte_vmsg_layout_hdr *)(void *)l->base)->magic,
				rte_vmsg_cpu_to_le16(0));
	memset(l->base + l->own_qhead_off, 0, LINE);
	if (fresh)
		memset(l->base + l->peer_qhead_off, 0, LINE);
	memcpy(l->base + 2, (const uint8_t *)&h + 2, sizeof(h) - 2);
	/* R5: the header and clean queue heads before the magic; pairs with A5
	 * in read_layout(). */
	rte_vmsg__store_release(&((struct rte_vmsg_layout_hdr *)(void *)l->base)->magic,
				rte_vmsg_cpu_to_le16(RTE_VMSG_LAYOUT_MAGIC));
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

#define PROTO_ERR(...)                                             \
	do {                                                       \
		RTE_VMSG_LOG(ERR, "layout refused: " __VA_ARGS__); \
		return -EPROTO;                                    \
	} while (0)

static int read_layout(struct rte_vmsg_link *l, uint32_t require_format)
{
	struct rte_vmsg_layout_hdr h;
	uint64_t off[6], size[6], n, esize, notif_len, total = l->len;
	unsigned int i, j, vqn;

	if (l->len < sizeof(h))
		return -EINVAL;
	/* A5: the magic first, then the rest; pairs with R5 in write_layout(). */
	if (rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(
		    &((const struct rte_vmsg_layout_hdr *)(const void *)l->base)->magic)) !=
	    RTE_VMSG_LAYOUT_MAGIC)
		return -EAGAIN;
	/* Read once into a private copy: later writes by the peer change nothing. */
	memcpy(&h, l->base, sizeof(h));
	if (rte_vmsg_le16_to_cpu(h.length) != sizeof(h))
		PROTO_ERR("length %u, expected %zu", rte_vmsg_le16_to_cpu(h.length), sizeof(h));
	if (rte_vmsg_le16_to_cpu(h.version) != RTE_VMSG_LAYOUT_VERSION)
		PROTO_ERR("version %u, expected 1", rte_vmsg_le16_to_cpu(h.version));
	l->features = rte_vmsg_le16_to_cpu(h.features);
	if (l->features & ~RTE_VMSG_LAYOUT_F_KNOWN)
		PROTO_ERR("unknown features 0x%04x", l->features & ~RTE_VMSG_LAYOUT_F_KNOWN);
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
	if (!is_pow2(esize) || esize < 64)
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
		/* Queue heads: 2 (16-bit atomic access); notification words: 8;
		 * elements: 8 when stamped (32-bit stamps), else any. */
		if ((off[i] & (i == 1 || i == 4				 ? 1u
			       : is_notif				 ? 7u
			       : l->features & RTE_VMSG_LAYOUT_F_STAMPED ? 7u
									 : 0u)) != 0)
			PROTO_ERR("area %u offset %" PRIu64 " misaligned", i, off[i]);
	}
	for (i = 0; i < 6; i++)
		for (j = i + 1; j < 6; j++)
			if (size[i] != 0 && size[j] != 0 && off[i] != 0 && off[j] != 0 &&
			    overlap(off[i], size[i], off[j], size[j]))
				PROTO_ERR("areas %u and %u overlap", i, j);

	l->n = (uint32_t)n;
	l->esize = (uint32_t)esize;
	/* Ours are named after our role, whoever wrote the layout. */
	l->own_qhead_off = l->role == RTE_VMSG_LINK_DRIVER ? off[4] : off[1];
	l->peer_qhead_off = l->role == RTE_VMSG_LINK_DRIVER ? off[1] : off[4];
	l->own_elems_off = l->role == RTE_VMSG_LINK_DRIVER ? off[5] : off[2];
	l->peer_elems_off = l->role == RTE_VMSG_LINK_DRIVER ? off[2] : off[5];
	return 0;
}

int rte_vmsg_link_create(void *base, size_t len, const struct rte_vmsg_link_opts *opts,
			 struct rte_vmsg_link **out)
{
	struct rte_vmsg_link_opts o;
	struct rte_vmsg_link *l;
	int rc, writer;

	if (base == NULL || out == NULL || ((uintptr_t)base & (LINE - 1)) != 0 ||
	    rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0)
		return -EINVAL;
	if (o.role != RTE_VMSG_LINK_DEVICE && o.role != RTE_VMSG_LINK_DRIVER)
		return -EINVAL;
	if (o.require_format > 1u + RTE_VMSG_LINK_FMT_STAMPED)
		return -EINVAL;
	if ((o.flags & ~RTE_VMSG_LINK_F_DRIVER_WRITES) != 0)
		return -EINVAL;
	writer = (o.role == RTE_VMSG_LINK_DEVICE) !=
		 ((o.flags & RTE_VMSG_LINK_F_DRIVER_WRITES) != 0);

	l = calloc(1, sizeof(*l));
	if (l == NULL)
		return -ENOMEM;
	l->base = base;
	l->len = len;
	l->role = o.role;
	rc = writer ? write_layout(l, &o) : read_layout(l, o.require_format);
	if (rc < 0)
		goto err_free;
	l->own = (struct rte_vmsg_qhead *)(void *)(l->base + l->own_qhead_off);
	l->peer = (struct rte_vmsg_qhead *)(void *)(l->base + l->peer_qhead_off);
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
	rte_vmsg__store_release(&l->own->magic, rte_vmsg_cpu_to_le16(RTE_VMSG_QHEAD_MAGIC));
	*out = l;
	return 0;

err_free:
	free(l);
	return rc;
}

/*
 * Marks the link and both ring ends broken: from now on every fast-path call
 * of either direction returns -EIO, whichever check saw the impossible value.
 * A ring end that broke on its own is folded in at the next poll.
 */
static int set_broken(struct rte_vmsg_link *l, uint64_t *counter)
{
	if (counter != NULL)
		(*counter)++;
	if (!l->broken)
		RTE_VMSG_LOG(ERR, "link broken: the peer wrote a value that cannot be");
	l->broken = 1;
	l->tx.broken = 1;
	l->rx.broken = 1;
	return -EIO;
}

int rte_vmsg_link_poll(struct rte_vmsg_link *l)
{
	uint32_t magic, status, pstate, ptail, phead;

	if (l == NULL)
		return -EINVAL;
	if (l->broken || l->tx.broken || l->rx.broken)
		return set_broken(l, NULL);

	/*
	 * A6: the peer's queue-head magic first (pairs with R6: seen, it
	 * comes with the status and indices published before it), then A4:
	 * the peer's state, then what it published before it; pairs with R4.
	 */
	magic = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&l->peer->magic));
	status = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&l->peer->status));
	if (magic != RTE_VMSG_QHEAD_MAGIC) {
		if (l->peer_seen)
			return set_broken(l, &l->st.bad_magic);
		return l->state = RTE_VMSG_LINK_CONNECTING;
	}
	l->peer_seen = 1;
	pstate = status & RTE_VMSG_QSTATUS_STATE_MASK;
	if (pstate > RTE_VMSG_QSTATE_PEER_DEAD)
		return set_broken(l, &l->st.bad_state);
	/*
	 * The peer's indices are below N in every state: it zeroes them before
	 * READY, and a device that changes the geometry clears the driver's
	 * queue head (write_layout()).
	 */
	ptail = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(&l->peer->tail));
	/* A1 (as in rte_vmsg__ring_refresh()): it may become our end's cache below. */
	phead = rte_vmsg_le16_to_cpu(rte_vmsg__load_acquire(&l->peer->head));
	if (ptail >= l->n || phead >= l->n)
		return set_broken(l, &l->st.bad_index);

	/*
	 * We run and the peer's head went back behind what it had consumed
	 * of our queue: it started over (indices zeroed, INIT, READY, RUN)
	 * between two of our polls, and a Linux driver that finds our head
	 * RUN does not wait for us. Its indices are zero: drop this session's
	 * ends and go on running with it; the restart counts as one.
	 */
	if (l->own_state == RTE_VMSG_QSTATE_RUN &&
	    (pstate == RTE_VMSG_QSTATE_READY || pstate == RTE_VMSG_QSTATE_RUN) &&
	    rte_vmsg__ring_rewound_at(&l->tx, phead)) { /* the checked copy, not a reread */
		l->st.reconnects++;
		l->st.dropped += reset_ends(l);
	}

	switch (l->own_state) {
	case RTE_VMSG_QSTATE_PEER_DEAD:
		/* The peer died; wait until its new incarnation shows up. */
		if (pstate != RTE_VMSG_QSTATE_INIT && pstate != RTE_VMSG_QSTATE_READY)
			return l->state = RTE_VMSG_LINK_PEER_DOWN;
		l->st.dropped += reset_ends(l);
		l->st.reconnects++;
		publish_status(l, RTE_VMSG_QSTATE_INIT);
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
	case RTE_VMSG_QSTATE_INIT:
		/* The peer restarted: start over; what was in flight is gone. */
		l->st.reconnects++;
		l->st.dropped += reset_ends(l);
		publish_status(l, RTE_VMSG_QSTATE_INIT);
		return l->state = RTE_VMSG_LINK_CONNECTING;
	default:
		/* SHUTDOWN or PEER_DEAD: back to INIT, to meet its next incarnation. */
		l->st.dropped += reset_ends(l);
		publish_status(l, RTE_VMSG_QSTATE_INIT);
		return l->state = RTE_VMSG_LINK_PEER_DOWN;
	}
}

int rte_vmsg_link_wait_up(struct rte_vmsg_link *l, uint64_t timeout_ns)
{
	uint64_t deadline = rte_vmsg_time_ns() + timeout_ns;
	struct timespec nap = { 0, 20000 };
	int rc;

	for (;;) {
		rc = rte_vmsg_link_poll(l);
		if (rc < 0)
			return rc;
		if (rc == RTE_VMSG_LINK_UP)
			return 0;
		if (rte_vmsg_time_ns() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&nap, NULL);
	}
}

struct rte_vmsg_ring *rte_vmsg_link_tx(struct rte_vmsg_link *l)
{
	return l != NULL ? &l->tx : NULL;
}

struct rte_vmsg_ring *rte_vmsg_link_rx(struct rte_vmsg_link *l)
{
	return l != NULL ? &l->rx : NULL;
}

uint32_t rte_vmsg_link_max_msg(const struct rte_vmsg_link *l)
{
	return l != NULL ? l->tx.msg_max : 0;
}

int rte_vmsg_link_stats_get(const struct rte_vmsg_link *l, struct rte_vmsg_link_stats *st)
{
	if (l == NULL || st == NULL)
		return -EINVAL;
	*st = l->st;
	st->bad_index += l->tx.bad_index + l->rx.bad_index;
	st->broken = l->broken || l->tx.broken || l->rx.broken;
	st->state = (uint32_t)l->state;
	return 0;
}

int rte_vmsg_link_peer_dead(struct rte_vmsg_link *l)
{
	if (l == NULL)
		return -EINVAL;
	publish_status(l, RTE_VMSG_QSTATE_PEER_DEAD);
	l->state = RTE_VMSG_LINK_PEER_DOWN;
	return 0;
}

int rte_vmsg_link_reset(struct rte_vmsg_link *l)
{
	if (l == NULL)
		return -EINVAL;
	l->broken = 0;
	l->peer_seen = 0;
	reset_ends(l);
	publish_status(l, RTE_VMSG_QSTATE_INIT);
	/* R6, as in rte_vmsg_link_create(): pairs with A6 in rte_vmsg_link_poll(). */
	rte_vmsg__store_release(&l->own->magic, rte_vmsg_cpu_to_le16(RTE_VMSG_QHEAD_MAGIC));
	l->state = RTE_VMSG_LINK_CONNECTING;
	return 0;
}

void rte_vmsg_link_destroy(struct rte_vmsg_link *l)
{
	if (l == NULL)
		return;
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
