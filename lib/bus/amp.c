/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The amp bus backend: the bus glue of an AMP link on memory the caller
 * gives (ARCHITECTURE.md §2.4, §2.4b). Frames in and out of the link's
 * rings, the doorbells, and the control path that turns the link's
 * handshake, restarts, hostile values and an optional liveness source into
 * bus events. The handshake state machine itself is lib/ring's
 * (rte_vmsg_link_*); this file is the one place that drives it for a bus.
 */

#define RTE_VMSG_LOG_PREFIX "bus-amp: "

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rte_vmsg_bus.h"
#include "amp_priv.h"
#include "log_priv.h"
#include "opts_priv.h"

#define AMP_FLAGS_KNOWN RTE_VMSG_BUS_AMP_F_DRIVER_WRITES
#define AMP_LINE 64u

/* ------------------------------------------------------------------------ */
/* Backend ops                                                               */

/*
 * A restart of the peer the control path has not handled yet: its head
 * went back (rte_vmsg__ring_consumer_rewound()), seen here first, between
 * two runs of the control path. Until the control op has reset the link
 * (rte_vmsg_link_poll()) and reported the loss, no frame goes to or comes
 * from the new peer: the bus must drop the old session's state first, or a
 * new driver's first requests would be answered from stale ends, or
 * answered and then undone by the device reset that follows the loss.
 */
static int amp_restart_pending(struct rte_vmsg_bus_amp *a)
{
	return rte_vmsg__ring_consumer_rewound(a->tx);
}

static int amp_tx(void *ctx, const void *frame, size_t len)
{
	struct rte_vmsg_bus_amp *a = ctx;
	int k;

	if (frame == NULL || len < RTE_VMSG_HDR_SIZE)
		return -EINVAL;
	if (len > a->max_msg)
		return -EMSGSIZE;
	if (a->state != RTE_VMSG_LINK_UP || amp_restart_pending(a)) {
		a->st.tx_notconn++;
		return -ENOTCONN;
	}
	k = rte_vmsg_ring_reserve(a->tx, 1);
	if (k < 0) {
		/* The ring end saw a value that cannot be: the control path breaks the link. */
		a->st.tx_notconn++;
		return -ENOTCONN;
	}
	if (k == 0) {
		a->st.tx_full++;
		return -EAGAIN;
	}
	/* A plain copy in RAM; 64-bit accessor words in a BAR (rounded up inside the element). */
	k = rte_vmsg_ring_slot_write(a->tx, 0, frame, (uint32_t)len);
	if (k == 0)
		k = rte_vmsg_ring_commit(a->tx, 1);
	if (k < 0)
		return k;
	a->st.tx_frames++;
	/* Shared words: a system call only while the peer sleeps; NONE: nothing. */
	(void)rte_vmsg_bell_notify(a->tx_bell);
	return 0;
}

static int amp_rx_burst(void *ctx, void *bufs, size_t stride, size_t *lens, unsigned int n)
{
	struct rte_vmsg_bus_amp *a = ctx;
	uint32_t i, got = 0;
	int k;

	if (bufs == NULL || lens == NULL || stride < RTE_VMSG_HDR_SIZE)
		return -EINVAL;
	if (a->state != RTE_VMSG_LINK_UP || n == 0 || amp_restart_pending(a))
		return 0;
	k = rte_vmsg_ring_peek(a->rx, n);
	if (k <= 0)
		return 0; /* -EIO: broken; the next pass of the control path says so */
	for (i = 0; i < (uint32_t)k; i++) {
		uint16_t size;

		/*
		 * The element is peer memory: read msg_size once and check it
		 * against the bus max (which the element carries) and the
		 * caller's buffer before copying exactly that much. The bus
		 * validates the copy again; the peer cannot make it differ
		 * from what was checked here. Both copies go through the ring
		 * (the I/O accessors when the link is in a BAR); neither can
		 * fail for an element that was peeked with sizes within it.
		 */
		(void)rte_vmsg_ring_slot_read(a->rx, i, RTE_VMSG_OFF_MSG_SIZE, &size, sizeof(size));
		/*
		 * On a RAM ring that copy is an inlined load: the barrier keeps
		 * the compiler from loading the field again for the checks or
		 * the length below (no double fetch).
		 */
		rte_vmsg__compiler_barrier();
		size = rte_vmsg_le16_to_cpu(size);
		if (size < RTE_VMSG_HDR_SIZE || size > a->max_msg || size > stride) {
			a->st.rx_garbage++;
			continue;
		}
		(void)rte_vmsg_ring_slot_read(a->rx, i, 0, (uint8_t *)bufs + (size_t)got * stride,
					      size);
		lens[got++] = size;
	}
	(void)rte_vmsg_ring_release(a->rx, (uint32_t)k); /* k was peeked: cannot fail */
	a->st.rx_frames += got;
	return (int)got;
}

static uint32_t amp_max_msg_size(void *ctx)
{
	const struct rte_vmsg_bus_amp *a = ctx;

	return a->max_msg;
}

static int amp_control(void *ctx);

static const struct rte_vmsg_memmap *amp_memmap(void *ctx)
{
	const struct rte_vmsg_bus_amp *a = ctx;

	return a->map;
}

/* The endpoint's keepalive gave up on the peer: dropped at the next control run. */
static void amp_peer_lost(void *ctx)
{
	struct rte_vmsg_bus_amp *a = ctx;

	a->declared = 1;
}

static const struct rte_vmsg_bus_ops amp_ops = {
	.sz = sizeof(struct rte_vmsg_bus_ops),
	.tx = amp_tx,
	.rx_burst = amp_rx_burst,
	.max_msg_size = amp_max_msg_size,
	.control = amp_control,
	.memmap = amp_memmap,
	.peer_lost = amp_peer_lost,
};

const struct rte_vmsg_bus_ops *rte_vmsg_bus_amp_ops(void)
{
	return &amp_ops;
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */

static int amp_opts_get(const struct rte_vmsg_bus_amp_opts *opts, struct rte_vmsg_bus_amp_opts *o)
{
	if (rte_vmsg__opts_copy(o, sizeof(*o), opts) < 0)
		return -EINVAL;
	if (o->region == NULL || (o->flags & ~AMP_FLAGS_KNOWN) != 0 || o->reserved0 != 0 ||
	    (o->layout != RTE_VMSG_AMP_LAYOUT_V1 && o->layout != RTE_VMSG_AMP_LAYOUT_V0))
		return -EINVAL;
	/* v0: both ends alike, nothing to lay out. */
	if (o->layout == RTE_VMSG_AMP_LAYOUT_V0 &&
	    (o->flags != 0 || o->num_elems != 0 || o->format != 0 ||
	     (o->elem_size != 0 && o->elem_size != RTE_VMSG_V0_SLOT_SIZE) ||
	     o->size % (2u * RTE_VMSG_V0_SLOT_SIZE) != 0))
		return -EINVAL;
	if (o->role != RTE_VMSG_BUS_DEVICE && o->role != RTE_VMSG_BUS_DRIVER)
		return -EINVAL;
	if (o->max_msg_size != 0 &&
	    (o->max_msg_size < RTE_VMSG_MAX_SIZE_MIN || o->max_msg_size > RTE_VMSG_MAX_SIZE_MAX))
		return -EINVAL;
	/* The receive side waits; a register write only rings. */
	if (o->rx_wait.sz != 0 && o->rx_wait.kind == RTE_VMSG_BELL_MMIO)
		return -EINVAL;
	return 0;
}

static int amp_writes_layout(const struct rte_vmsg_bus_amp_opts *o)
{
	return (o->role == RTE_VMSG_BUS_DEVICE) !=
	       ((o->flags & RTE_VMSG_BUS_AMP_F_DRIVER_WRITES) != 0);
}

/* A doorbell from the options; @c sz 0 means none (polling). */
static int amp_bell(const struct rte_vmsg_bell_opts *bo, struct rte_vmsg_bell **out)
{
	struct rte_vmsg_bell_opts none;

	if (bo->sz == 0) {
		memset(&none, 0, sizeof(none));
		none.sz = sizeof(none);
		none.kind = RTE_VMSG_BELL_NONE;
		none.fd = -1;
		bo = &none;
	}
	return rte_vmsg_bell_create(bo, out);
}

static int amp_link(struct rte_vmsg_bus_amp *a, const struct rte_vmsg_bus_amp_opts *o)
{
	uint8_t *base = rte_vmsg_region_addr(o->region);
	uint64_t rlen = rte_vmsg_region_len(o->region), size = o->size;
	struct rte_vmsg_link_opts lo;
	uint32_t carry;
	int rc;

	if (base == NULL || o->offset > rlen ||
	    (((uintptr_t)base + o->offset) & (AMP_LINE - 1)) != 0)
		return -EINVAL;
	if (size == 0)
		size = o->layout == RTE_VMSG_AMP_LAYOUT_V0 ? 2u * RTE_VMSG_V0_QUEUE_SIZE
							   : rlen - o->offset;
	if (size > rlen - o->offset || size > SIZE_MAX)
		return -EINVAL;
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.region = o->region; /* a BAR: the link touches it through the accessors only */
	lo.role = o->role == RTE_VMSG_BUS_DEVICE ? RTE_VMSG_LINK_DEVICE : RTE_VMSG_LINK_DRIVER;
	if (o->layout == RTE_VMSG_AMP_LAYOUT_V0) {
		if (size / 2 > UINT32_MAX)
			return -EINVAL;
		lo.layout = RTE_VMSG_LINK_LAYOUT_V0;
		lo.v0_queue_size = (uint32_t)(size / 2);
	}
	if (o->flags & RTE_VMSG_BUS_AMP_F_DRIVER_WRITES)
		lo.flags |= RTE_VMSG_LINK_F_DRIVER_WRITES;
	if (o->layout == RTE_VMSG_AMP_LAYOUT_V0) {
		/* checked in amp_opts_get(); 64-byte slots */
	} else if (amp_writes_layout(o)) {
		if (o->format > RTE_VMSG_LINK_FMT_STAMPED)
			return -EINVAL;
		/* What an element will carry: checked before anything is written. */
		carry = (o->elem_size != 0 ? o->elem_size : 64u) -
			(o->format == RTE_VMSG_LINK_FMT_STAMPED ? RTE_VMSG_STAMP_HDR_SIZE : 0u);
		if (o->max_msg_size > carry)
			return -EINVAL;
		lo.num_elems = o->num_elems;
		lo.elem_size = o->elem_size;
		lo.format = (enum rte_vmsg_link_format)o->format;
	} else if (o->num_elems != 0 || o->elem_size != 0 || o->format != 0) {
		return -EINVAL; /* the reader takes the geometry from the layout */
	}
	rc = rte_vmsg_link_create(base + o->offset, (size_t)size, &lo, &a->link);
	if (rc < 0)
		return rc;
	carry = rte_vmsg_link_max_msg(a->link);
	if (carry > RTE_VMSG_MAX_SIZE_MAX)
		carry = RTE_VMSG_MAX_SIZE_MAX;
	a->max_msg = o->max_msg_size != 0 ? o->max_msg_size : carry;
	if (a->max_msg < RTE_VMSG_MAX_SIZE_MIN || a->max_msg > carry) {
		RTE_VMSG_LOG(ERR, "max message size %u does not fit an element (%u bytes)",
			     a->max_msg, carry);
		return amp_writes_layout(o) ? -EINVAL : -EPROTO;
	}
	return 0;
}

int rte_vmsg__bus_amp_init(struct rte_vmsg_bus_amp *a, const struct rte_vmsg_bus_amp_opts *opts)
{
	struct rte_vmsg_bus_amp_opts o;
	int rc;

	memset(a, 0, sizeof(*a));
	rc = amp_opts_get(opts, &o);
	if (rc < 0)
		return rc;
	a->role = o.role;
	a->map = o.map;
	a->live = o.live;
	a->live_arg = o.live_arg;
	a->state = RTE_VMSG_LINK_CONNECTING;
	/* The doorbells first: nothing is laid out for options that cannot work. */
	rc = amp_bell(&o.tx_bell, &a->tx_bell);
	if (rc == 0)
		rc = amp_bell(&o.rx_wait, &a->rx_wait);
	if (rc == 0)
		rc = amp_link(a, &o);
	if (rc < 0) {
		rte_vmsg__bus_amp_fini(a);
		return rc;
	}
	a->tx = rte_vmsg_link_tx(a->link);
	a->rx = rte_vmsg_link_rx(a->link);
	return 0;
}

void rte_vmsg__bus_amp_fini(struct rte_vmsg_bus_amp *a)
{
	rte_vmsg_link_destroy(a->link);
	rte_vmsg_bell_destroy(a->tx_bell);
	rte_vmsg_bell_destroy(a->rx_wait);
	a->link = NULL;
	a->tx_bell = NULL;
	a->rx_wait = NULL;
}

int rte_vmsg_bus_amp_create(const struct rte_vmsg_bus_amp_opts *opts, struct rte_vmsg_bus_amp **out)
{
	struct rte_vmsg_bus_amp *a;
	int rc;

	if (out == NULL)
		return -EINVAL;
	a = malloc(sizeof(*a));
	if (a == NULL)
		return -ENOMEM;
	rc = rte_vmsg__bus_amp_init(a, opts);
	if (rc < 0) {
		free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void rte_vmsg_bus_amp_destroy(struct rte_vmsg_bus_amp *amp)
{
	if (amp == NULL)
		return;
	rte_vmsg__bus_amp_fini(amp);
	free(amp);
}

/* ------------------------------------------------------------------------ */
/* Control path                                                              */

/*
 * One pass: the liveness source, the link handshake. Counts each loss once
 * in st.peer_lost (each consumer, the API and the control op, reports it
 * from there). Returns the link state (a broken link is PEER_DOWN here).
 */
static int amp_service(struct rte_vmsg_bus_amp *a)
{
	struct rte_vmsg_link_stats ls;
	int state, lost = 0;

	if ((a->live != NULL && a->live(a->live_arg, a->state) > 0) || a->declared) {
		a->st.live_lost++;
		a->declared = 0;
		rte_vmsg_link_peer_dead(a->link);
		lost = 1;
	}
	state = rte_vmsg_link_poll(a->link);
	if (rte_vmsg_link_stats_get(a->link, &ls) == 0) {
		if (ls.reconnects != a->reconnects)
			lost = 1; /* the peer restarted: what was in flight is gone */
		a->reconnects = ls.reconnects;
		if (ls.breaks != a->breaks) {
			a->st.link_breaks += ls.breaks - a->breaks;
			lost = 1;
		}
		a->breaks = ls.breaks;
		a->st.link_recoveries = ls.recoveries;
	}
	/*
	 * Broken on a value that cannot be: to the bus, a peer lost (what was
	 * in flight fails once) that stays down until it starts over; the
	 * link waits for that with its head PEER_DEAD (v1).
	 */
	if (state < 0)
		state = RTE_VMSG_LINK_PEER_DOWN;
	if (a->state == RTE_VMSG_LINK_UP && state != RTE_VMSG_LINK_UP)
		lost = 1;
	a->state = state;
	/*
	 * Count each loss once: while the peer stays lost (not up again),
	 * further signs of the same loss (its pidfd, then its reconnect) are
	 * not counted again. A peer that restarted and came back up within
	 * one pass is a new loss even if the previous one was counted.
	 */
	if (lost && (!a->lost || state == RTE_VMSG_LINK_UP)) {
		a->lost = state != RTE_VMSG_LINK_UP;
		a->st.peer_lost++;
	} else if (state == RTE_VMSG_LINK_UP) {
		a->lost = 0;
	}
	return state;
}

int rte_vmsg_bus_amp_poll(struct rte_vmsg_bus_amp *amp)
{
	int state;

	if (amp == NULL)
		return -EINVAL;
	state = amp_service(amp);
	if (amp->api_seen != amp->st.peer_lost) {
		amp->api_seen = amp->st.peer_lost;
		return state | RTE_VMSG_BUS_AMP_PEER_LOST;
	}
	return state;
}

static int amp_control(void *ctx)
{
	struct rte_vmsg_bus_amp *amp = ctx;
	int state, rc;

	state = amp_service(amp);
	rc = state == RTE_VMSG_LINK_UP ? RTE_VMSG_BUS_CTL_UP : 0;
	if (amp->ctl_seen != amp->st.peer_lost) {
		amp->ctl_seen = amp->st.peer_lost;
		rc |= RTE_VMSG_BUS_CTL_PEER_LOST;
	}
	return rc;
}

int rte_vmsg_bus_amp_wait(struct rte_vmsg_bus_amp *amp, uint64_t timeout_ns)
{
	struct timespec nap = { 0, 1000000 };

	if (amp == NULL)
		return -EINVAL;
	if (amp->state != RTE_VMSG_LINK_UP) {
		/* Nothing can arrive before the handshake: nap, then let the caller poll. */
		if (timeout_ns < 1000000u)
			nap.tv_nsec = (long)timeout_ns;
		nanosleep(&nap, NULL);
		return 0;
	}
	return rte_vmsg_bell_wait(amp->rx_wait, amp->rx, timeout_ns);
}

/* ------------------------------------------------------------------------ */
/* Getters                                                                   */

struct rte_vmsg_link *rte_vmsg_bus_amp_link(const struct rte_vmsg_bus_amp *amp)
{
	return amp == NULL ? NULL : amp->link;
}

struct rte_vmsg_bell *rte_vmsg_bus_amp_tx_bell(const struct rte_vmsg_bus_amp *amp)
{
	return amp == NULL ? NULL : amp->tx_bell;
}

struct rte_vmsg_bell *rte_vmsg_bus_amp_rx_wait(const struct rte_vmsg_bus_amp *amp)
{
	return amp == NULL ? NULL : amp->rx_wait;
}

uint32_t rte_vmsg_bus_amp_max_msg_size(const struct rte_vmsg_bus_amp *amp)
{
	return amp == NULL ? 0 : amp->max_msg;
}

int rte_vmsg_bus_amp_stats_get(const struct rte_vmsg_bus_amp *amp,
			       struct rte_vmsg_bus_amp_stats *st)
{
	if (amp == NULL || st == NULL)
		return -EINVAL;
	*st = amp->st;
	st->bell_kicks = amp->tx_bell != NULL ? amp->tx_bell->kicks : 0;
	st->bell_sleeps = amp->rx_wait != NULL ? amp->rx_wait->sleeps : 0;
	return 0;
}
