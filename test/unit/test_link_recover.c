/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Links that recover (ARCHITECTURE.md §2.4b, doc/ring.md): two bus
 * endpoints over two amp ends on one memfd, the v1 and the v0 layout. One
 * end plays the hostile peer: a value that cannot be is written into one of
 * its words (an index at exactly N, above N, a 32-bit index with its upper
 * half set, an unknown state, a lost magic) while the other end, the
 * victim, has requests in flight. The victim must react (v1: its queue head
 * PEER_DEAD), fail every request in flight exactly once, stay down while
 * the peer does not start over, come back up within one second of the
 * peer's new start (v1: its next handshake; v0: its queues re-initialised
 * or re-opened), count the break and the recovery, and carry traffic again,
 * checked value by value, without a stale frame (no late answer to an old
 * request) and without an old request answered twice.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_ring.h>

#include "vtest.h"

#define MEM_LEN (64u * 1024u)
#define LINK_OFF 4096u /* as at BAR1/BAR2 + 4 KiB */
#define LINK_LEN 16384u
#define N_V1 16u
#define OFF_DEV_QHEAD 64u  /* where a v1 writer puts the device's queue head */
#define OFF_DRV_QHEAD 128u /* and the driver's */
#define QH_MAGIC 0u
#define QH_STATUS 2u
#define QH_TAIL 4u
#define QH_HEAD 6u
#define N_V0 62u /* (4096 - 128) / 64 */
#define INFLIGHT 4u
#define PINGS 40u /* more than N each way after the recovery: the indices wrap */

enum field {
	F_V1_TAIL_N,	/* the hostile end's tail = N */
	F_V1_HEAD_N,	/* its head = N: only the link's own check sees it */
	F_V1_HEAD_BIG,	/* its head = 0xFFFF */
	F_V1_STATUS,	/* its state = 31 */
	F_V1_MAGIC,	/* its queue-head magic gone */
	F_V0_PROD_N,	/* its producer index = N */
	F_V0_CONS_N,	/* its consumer index = N: only the link's own check sees it */
	F_V0_CONS_HIGH, /* its consumer index with the upper half set */
	F_V0_CONS_PAST, /* its consumer index past the victim's producer index */
};

/* Indexed by enum field: in the same order. */
static const char *const field_name[] = {
	[F_V1_TAIL_N] = "v1 tail = N",		[F_V1_HEAD_N] = "v1 head = N",
	[F_V1_HEAD_BIG] = "v1 head = 0xFFFF",	[F_V1_STATUS] = "v1 state 31",
	[F_V1_MAGIC] = "v1 magic gone",		[F_V0_PROD_N] = "v0 prod = N",
	[F_V0_CONS_N] = "v0 cons = N",		[F_V0_CONS_HIGH] = "v0 cons | 0x10000",
	[F_V0_CONS_PAST] = "v0 cons past prod",
};

struct env {
	struct rte_vmsg_region *reg;
	uint8_t *mem;
	int v0;
	struct rte_vmsg_bus_amp *amp[2]; /* [0] device, [1] driver */
	struct rte_vmsg_bus *bus[2];
};

struct ping_rec {
	int calls;
	int status;
	uint32_t data;
};

static void on_ping(void *arg, int status, uint32_t data)
{
	struct ping_rec *r = arg;

	r->calls++;
	r->status = status;
	r->data = data;
}

static int end_new(struct env *e, int side)
{
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_bus_opts bo;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = side == 0 ? RTE_VMSG_BUS_DEVICE : RTE_VMSG_BUS_DRIVER;
	o.region = e->reg;
	o.offset = LINK_OFF;
	if (e->v0) {
		o.layout = RTE_VMSG_AMP_LAYOUT_V0; /* size 0: two 4 KiB queues */
	} else {
		o.size = LINK_LEN;
		if (side == 0) {
			o.num_elems = N_V1;
			o.elem_size = 64;
		}
	}
	if (rte_vmsg_bus_amp_create(&o, &e->amp[side]) != 0)
		return -1;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = o.role;
	return rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), e->amp[side], &e->bus[side]);
}

static void end_free(struct env *e, int side)
{
	rte_vmsg_bus_destroy(e->bus[side]);
	rte_vmsg_bus_amp_destroy(e->amp[side]);
	e->bus[side] = NULL;
	e->amp[side] = NULL;
}

/* Polls the given endpoints until both are connected; the time it took, or -1. */
static int64_t both_connected(struct env *e, uint64_t bound_ns)
{
	uint64_t t0 = rte_vmsg_time_ns(), t_end = t0 + bound_ns;

	while (rte_vmsg_time_ns() < t_end) {
		rte_vmsg_bus_poll(e->bus[0]);
		rte_vmsg_bus_poll(e->bus[1]);
		if (rte_vmsg_bus_connected(e->bus[0]) == 1 &&
		    rte_vmsg_bus_connected(e->bus[1]) == 1)
			return (int64_t)(rte_vmsg_time_ns() - t0);
	}
	return -1;
}

static int env_new(struct env *e, int v0)
{
	struct rte_vmsg_region_opts ro;

	memset(e, 0, sizeof(*e));
	e->v0 = v0;
	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_MEMFD;
	ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.size = MEM_LEN;
	if (rte_vmsg_region_create(&ro, &e->reg) != 0)
		return -1;
	e->mem = rte_vmsg_region_addr(e->reg);
	/* v1: the device writes the layout, so it comes first. */
	if (end_new(e, 0) != 0 || end_new(e, 1) != 0)
		return -1;
	return both_connected(e, 2000000000ull) < 0 ? -1 : 0;
}

static void env_free(struct env *e)
{
	end_free(e, 0);
	end_free(e, 1);
	rte_vmsg_region_destroy(e->reg);
}

/* A word of side @p side's queue head (v1). */
static uint8_t *qhead(struct env *e, int side, uint32_t off)
{
	return e->mem + LINK_OFF + (side == 0 ? OFF_DEV_QHEAD : OFF_DRV_QHEAD) + off;
}

/* v0: the queue side @p side produces into (driver's first). */
static uint8_t *v0_queue(struct env *e, int side)
{
	return e->mem + LINK_OFF + (side == 1 ? 0u : RTE_VMSG_V0_QUEUE_SIZE);
}

static void corrupt(struct env *e, int hostile, enum field f)
{
	int victim = !hostile;

	switch (f) {
	case F_V1_TAIL_N:
		rte_vmsg_put_le16(qhead(e, hostile, QH_TAIL), N_V1);
		break;
	case F_V1_HEAD_N:
		rte_vmsg_put_le16(qhead(e, hostile, QH_HEAD), N_V1);
		break;
	case F_V1_HEAD_BIG:
		rte_vmsg_put_le16(qhead(e, hostile, QH_HEAD), 0xFFFF);
		break;
	case F_V1_STATUS:
		rte_vmsg_put_le16(qhead(e, hostile, QH_STATUS), 31);
		break;
	case F_V1_MAGIC:
		rte_vmsg_put_le16(qhead(e, hostile, QH_MAGIC), 0);
		break;
	case F_V0_PROD_N:
		rte_vmsg_put_le32(v0_queue(e, hostile) + RTE_VMSG_V0_OFF_PROD, N_V0);
		break;
	case F_V0_CONS_N:
		rte_vmsg_put_le32(v0_queue(e, victim) + RTE_VMSG_V0_OFF_CONS, N_V0);
		break;
	case F_V0_CONS_HIGH:
		rte_vmsg_put_le32(
			v0_queue(e, victim) + RTE_VMSG_V0_OFF_CONS,
			0x10000u | rte_vmsg_get_le32(v0_queue(e, victim) + RTE_VMSG_V0_OFF_CONS));
		break;
	case F_V0_CONS_PAST: {
		/* One past what the victim produced: no consumer can be there. */
		uint32_t p = rte_vmsg_get_le32(v0_queue(e, victim) + RTE_VMSG_V0_OFF_PROD);

		rte_vmsg_put_le32(v0_queue(e, victim) + RTE_VMSG_V0_OFF_CONS,
				  p + 1 == N_V0 ? 0 : p + 1);
		break;
	}
	}
}

/* PINGs from @p from, answered by the other, each checked; returns the number answered right. */
static unsigned int ping_rounds(struct env *e, int from, unsigned int n, uint32_t seed)
{
	unsigned int i, ok = 0;

	for (i = 0; i < n; i++) {
		struct ping_rec r;
		uint64_t t_end = rte_vmsg_time_ns() + 1000000000ull;
		uint32_t data = seed ^ (i * 0x9E3779B9u);

		memset(&r, 0, sizeof(r));
		if (rte_vmsg_bus_ping(e->bus[from], data, on_ping, &r) != 0)
			break;
		while (r.calls == 0 && rte_vmsg_time_ns() < t_end) {
			rte_vmsg_bus_poll(e->bus[from]);
			rte_vmsg_bus_poll(e->bus[!from]);
		}
		if (r.calls != 1 || r.status != 0 || r.data != data)
			break;
		ok++;
	}
	return ok;
}

/*
 * The peer's new start. v1: the hostile end is a library end whose words
 * were overwritten; polling it, it sees the victim's PEER_DEAD and starts
 * over (indices zeroed, INIT, its magic again). v0: no state to see, so its
 * queues are re-initialised (@p reopen 0: both pages zeroed, as QEMU's
 * reset-queues does, and the end made again) or the end is re-opened and
 * takes up where the victim is.
 */
static void peer_starts_over(struct env *e, int hostile, int reopen)
{
	if (!e->v0)
		return; /* its next polls do it */
	end_free(e, hostile);
	if (!reopen)
		memset(e->mem + LINK_OFF, 0, 2u * RTE_VMSG_V0_QUEUE_SIZE);
	CHECK_EQ(end_new(e, hostile), 0);
}

static void test_recover(int v0, int victim, enum field f, int reopen)
{
	struct rte_vmsg_bus_stats bs, hs0, hs1;
	struct rte_vmsg_bus_amp_stats as;
	struct rte_vmsg_link_stats ls;
	struct ping_rec inflight[INFLIGHT];
	int hostile = !victim, i, calls;
	uint64_t t_end;
	int64_t took;
	struct env e;

	fprintf(stderr, "# recover: %s, victim %s, %s%s\n", v0 ? "v0" : "v1",
		victim == 0 ? "device" : "driver", field_name[f],
		v0 ? (reopen ? ", peer re-opens" : ", peer zeroes its queues") : "");
	if (env_new(&e, v0) != 0) {
		CHECK(0);
		env_free(&e);
		return;
	}
	/* Traffic first, both ways, so that the indices are not at 0. */
	CHECK_EQ(ping_rounds(&e, victim, 5, 0x1000), 5);
	CHECK_EQ(ping_rounds(&e, hostile, 3, 0x2000), 3);

	/* Requests in flight from the victim: sent, never answered (the peer is not polled). */
	memset(inflight, 0, sizeof(inflight));
	for (i = 0; i < (int)INFLIGHT; i++)
		CHECK_EQ(rte_vmsg_bus_ping(e.bus[victim], 0xDEAD0000u + (uint32_t)i, on_ping,
					   &inflight[i]),
			 0);
	rte_vmsg_bus_poll(e.bus[victim]);
	corrupt(&e, hostile, f);

	/* The victim alone: it sees the value, breaks, fails what is in flight. */
	t_end = rte_vmsg_time_ns() + 1000000000ull;
	while (rte_vmsg_bus_connected(e.bus[victim]) == 1 && rte_vmsg_time_ns() < t_end)
		rte_vmsg_bus_poll(e.bus[victim]);
	CHECK_EQ(rte_vmsg_bus_connected(e.bus[victim]), 0);
	for (i = 0; i < (int)INFLIGHT; i++) {
		CHECK_EQ(inflight[i].calls, 1);
		CHECK_EQ(inflight[i].status, -ECONNRESET);
	}
	if (!v0)
		CHECK_EQ(rte_vmsg_get_le16(qhead(&e, victim, QH_STATUS)),
			 RTE_VMSG_QSTATE_PEER_DEAD);
	CHECK_EQ(rte_vmsg_link_stats_get(rte_vmsg_bus_amp_link(e.amp[victim]), &ls), 0);
	CHECK_U64(ls.breaks, 1);
	CHECK(ls.broken != 0);
	switch (f) {
	case F_V1_STATUS:
		CHECK(ls.bad_state >= 1);
		break;
	case F_V1_MAGIC:
		CHECK(ls.bad_magic >= 1);
		break;
	default:
		CHECK(ls.bad_index >= 1);
		break;
	}
	/* Down it stays, and refuses frames, while the peer does not start over. */
	for (i = 0; i < 200; i++)
		rte_vmsg_bus_poll(e.bus[victim]);
	CHECK_EQ(rte_vmsg_bus_connected(e.bus[victim]), 0);
	CHECK_EQ(rte_vmsg_bus_ping(e.bus[victim], 1, on_ping, &inflight[0]), -ENOTCONN);
	CHECK_EQ(rte_vmsg_bus_amp_stats_get(e.amp[victim], &as), 0);
	CHECK_U64(as.link_breaks, 1);
	CHECK_U64(as.link_recoveries, 0);
	CHECK_EQ(rte_vmsg_bus_stats_get(e.bus[victim], &bs), 0);
	CHECK_U64(bs.peer_lost, 1);
	CHECK_U64(bs.failed, INFLIGHT);

	/* The peer's new start: up again within a second. */
	peer_starts_over(&e, hostile, reopen);
	took = both_connected(&e, 1000000000ull);
	CHECK(took >= 0);
	/*
	 * The peer may have read and answered the victim's old requests in
	 * the old session, before it saw the break (the answers die with that
	 * session); from the new handshake on it answers new requests only.
	 */
	rte_vmsg_bus_stats_get(e.bus[hostile], &hs0);
	CHECK_EQ(rte_vmsg_link_stats_get(rte_vmsg_bus_amp_link(e.amp[victim]), &ls), 0);
	CHECK_U64(ls.breaks, 1);
	CHECK_U64(ls.recoveries, 1);
	CHECK_EQ(ls.broken, 0);
	rte_vmsg_bus_amp_stats_get(e.amp[victim], &as);
	CHECK_U64(as.link_recoveries, 1);

	/* Traffic again, both ways, past a wrap of the indices, each answer checked. */
	CHECK_EQ(ping_rounds(&e, victim, PINGS, 0x3000), PINGS);
	CHECK_EQ(ping_rounds(&e, hostile, PINGS, 0x4000), PINGS);
	/* Each old request completed once, and no stale frame came through. */
	calls = 0;
	for (i = 0; i < (int)INFLIGHT; i++)
		calls += inflight[i].calls;
	CHECK_EQ(calls, (int)INFLIGHT);
	rte_vmsg_bus_stats_get(e.bus[victim], &bs);
	CHECK_U64(bs.drop_unmatched + bs.drop_mismatch + bs.drop_malformed, 0);
	CHECK_U64(bs.completed, 5 + PINGS);
	rte_vmsg_bus_stats_get(e.bus[hostile], &hs1);
	/* The peer answered the new PINGs only (not the four from before the break). */
	CHECK_U64(hs1.answered - hs0.answered, PINGS);
	CHECK_U64(hs1.drop_malformed, 0);
	env_free(&e);
}

/* Polls side @p side alone for @p ns, or until its endpoint's connected() is @p until. */
static void poll_one(struct env *e, int side, uint64_t ns, int until)
{
	uint64_t t_end = rte_vmsg_time_ns() + ns;

	while (rte_vmsg_time_ns() < t_end && rte_vmsg_bus_connected(e->bus[side]) != until)
		rte_vmsg_bus_poll(e->bus[side]);
}

/*
 * v0, a peer taken for lost while its words were sound, as the bus
 * keepalive does it (the backend's peer_lost op, its PING unanswered): a
 * v0 peer has no state to be told by, so the link stays down while the
 * peer does nothing, and comes back as soon as it moves on (here: it reads
 * the PING and answers it), what it sent meanwhile dropped; traffic then
 * flows both ways, past a wrap of the indices. Both sides.
 */
static void test_v0_slow_peer(int victim, int hostile)
{
	struct rte_vmsg_link_stats ls;
	struct ping_rec r;
	int slow = !victim;
	struct env e;

	CHECK_EQ(env_new(&e, 1), 0);
	CHECK_EQ(ping_rounds(&e, victim, 3, 0x100), 3);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(rte_vmsg_bus_ping(e.bus[victim], 0x55, on_ping, &r), 0);
	rte_vmsg_bus_amp_ops()->peer_lost(e.amp[victim]);
	poll_one(&e, victim, 20000000ull, -1); /* 20 ms */
	CHECK_EQ(rte_vmsg_bus_connected(e.bus[victim]), 0);
	CHECK_EQ(r.calls, 1); /* the PING failed with the loss */
	CHECK_EQ(r.status, -ECONNRESET);
	if (hostile) {
		/*
		 * Moving on is not enough: its consumer index past what the
		 * victim sent (and a frame) keeps the link down; put back, the
		 * peer is only slow again.
		 */
		uint8_t *cw = v0_queue(&e, victim) + RTE_VMSG_V0_OFF_CONS;
		uint8_t *pw = v0_queue(&e, slow) + RTE_VMSG_V0_OFF_PROD;
		uint32_t c = rte_vmsg_get_le32(cw), p = rte_vmsg_get_le32(pw);

		rte_vmsg_put_le32(
			cw, (rte_vmsg_get_le32(v0_queue(&e, victim) + RTE_VMSG_V0_OFF_PROD) + 5u) %
				    N_V0);
		rte_vmsg_put_le32(pw, (p + 1u) % N_V0);
		poll_one(&e, victim, 20000000ull, -1);
		CHECK_EQ(rte_vmsg_bus_connected(e.bus[victim]), 0);
		rte_vmsg_put_le32(cw, c);
		rte_vmsg_put_le32(pw, p);
	}
	/* The peer goes on: it answers the PING, an answer the victim drops. */
	rte_vmsg_bus_poll(e.bus[slow]);
	poll_one(&e, victim, 1000000000ull, 1);
	CHECK_EQ(rte_vmsg_bus_connected(e.bus[victim]), 1);
	CHECK_EQ(rte_vmsg_link_stats_get(rte_vmsg_bus_amp_link(e.amp[victim]), &ls), 0);
	CHECK_U64(ls.recoveries, 1);
	CHECK_U64(ls.dropped, 1);
	CHECK_U64(ls.breaks, 0);
	CHECK_EQ(ping_rounds(&e, victim, PINGS, 0x200), PINGS);
	CHECK_EQ(ping_rounds(&e, slow, PINGS, 0x300), PINGS);
	CHECK_EQ(r.calls, 1);
	env_free(&e);
}

/* v0's geometry, byte for byte: indices le32 at 0 and 64, 64-byte slots from 128. */
static void test_v0_layout(void)
{
	struct env e;
	uint8_t f[64];
	struct rte_vmsg_msg m;
	int n;

	CHECK_EQ(env_new(&e, 1), 0);
	CHECK_EQ(rte_vmsg_bus_amp_max_msg_size(e.amp[0]), 64);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	m.hdr.token = 9;
	m.u.ping = 0xCAFEF00Du;
	n = rte_vmsg_msg_build(f, sizeof(f), &m);
	CHECK(n > 0);
	/* Three frames from the driver: its queue is the first page. */
	for (int i = 0; i < 3; i++)
		CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(e.amp[1], f, (size_t)n), 0);
	CHECK_EQ(rte_vmsg_get_le32(v0_queue(&e, 1) + RTE_VMSG_V0_OFF_PROD), 3);
	CHECK_EQ(rte_vmsg_get_le32(v0_queue(&e, 1) + RTE_VMSG_V0_OFF_CONS), 0);
	CHECK_MEM(v0_queue(&e, 1) + RTE_VMSG_V0_OFF_SLOTS + 2 * 64, f, (size_t)n);
	/* The device consumes them: its consumer index, in the driver's page. */
	{
		uint8_t in[4][64];
		size_t lens[4];

		CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(e.amp[0], in, 64, lens, 4), 3);
		CHECK_MEM(in[2], f, (size_t)n);
	}
	CHECK_EQ(rte_vmsg_get_le32(v0_queue(&e, 1) + RTE_VMSG_V0_OFF_CONS), 3);
	/* Nothing in the device's page moved. */
	CHECK_EQ(rte_vmsg_get_le32(v0_queue(&e, 0) + RTE_VMSG_V0_OFF_PROD), 0);
	CHECK_EQ(rte_vmsg_get_le32(v0_queue(&e, 0) + RTE_VMSG_V0_OFF_CONS), 0);
	/* 62 slots, one kept empty: 61 frames fit, the 62nd waits. */
	for (int i = 0; i < 61; i++)
		CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(e.amp[0], f, (size_t)n), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(e.amp[0], f, (size_t)n), -EAGAIN);
	env_free(&e);
}

/* v0 option checks. */
static void test_v0_opts(void)
{
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_region *reg = NULL;
	struct rte_vmsg_bus_amp *a = NULL;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_MEMFD;
	ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.size = MEM_LEN;
	CHECK_EQ(rte_vmsg_region_create(&ro, &reg), 0);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_BUS_DRIVER;
	o.region = reg;
	o.layout = RTE_VMSG_AMP_LAYOUT_V0;
	o.num_elems = 8; /* nobody lays out v0 */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	o.num_elems = 0;
	o.elem_size = 128; /* slots are 64 bytes */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	o.elem_size = 64;
	o.flags = RTE_VMSG_BUS_AMP_F_DRIVER_WRITES;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	o.flags = 0;
	o.size = 8192 + 64; /* two equal queues of whole slots */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	o.size = 0;
	o.offset = MEM_LEN - 4096; /* 8 KiB do not fit */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	o.offset = 0;
	o.layout = 2;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	o.layout = RTE_VMSG_AMP_LAYOUT_V0;
	o.size = 2u * 8192u; /* 126 slots per queue */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), 0);
	rte_vmsg_bus_amp_destroy(a);
	rte_vmsg_region_destroy(reg);
}

/*
 * A writer (the device) that starts over over garbage in its own header and
 * then lays out the same layout again, as a card that misbehaves and then
 * resets (tools/vmsg-card --hostile layout). The garbage keeps the header's
 * magic (a complete header the reader must refuse: bad_layout, a break) or
 * not (a header being written: the reader waits, writing nothing). Its
 * re-layout clears the reader's queue head: the reader must write it again,
 * or both would wait for each other for ever. Then traffic, checked.
 */
static void test_writer_garbage(int keep_magic)
{
	struct rte_vmsg_link_stats ls;
	struct env e;
	uint64_t t_end;
	uint32_t i;
	int rc;

	printf("writer restarts over a garbage header (%s)\n",
	       keep_magic ? "its magic kept" : "its magic gone");
	CHECK_EQ(env_new(&e, 0), 0);
	if (e.bus[0] == NULL)
		goto out;
	memset(e.mem + LINK_OFF + (keep_magic ? 2 : 0), 0xa5, keep_magic ? 62 : 64);
	CHECK_EQ(rte_vmsg_link_reset(rte_vmsg_bus_amp_link(e.amp[0])), 0);
	/* The driver sees the device start over and the header it cannot take. */
	t_end = rte_vmsg_time_ns() + 200000000ull;
	while (rte_vmsg_time_ns() < t_end) {
		rte_vmsg_bus_poll(e.bus[0]);
		rte_vmsg_bus_poll(e.bus[1]);
	}
	CHECK_EQ(rte_vmsg_bus_connected(e.bus[1]), 0);
	CHECK_EQ(rte_vmsg_link_stats_get(rte_vmsg_bus_amp_link(e.amp[1]), &ls), 0);
	CHECK_U64(ls.bad_layout, keep_magic ? 1 : 0);
	CHECK_U64(ls.breaks, keep_magic ? 1 : 0);
	/* The device's reset: the layout written again (it clears both queue heads). */
	end_free(&e, 0);
	CHECK_EQ(end_new(&e, 0), 0);
	CHECK(both_connected(&e, 1000000000ull) >= 0);
	for (i = 0; i < 3 * N_V1; i++) {
		struct ping_rec r = { 0, 0, 0 };

		rc = rte_vmsg_bus_ping(e.bus[1], 0x5000u + i, on_ping, &r);
		CHECK_EQ(rc, 0);
		t_end = rte_vmsg_time_ns() + 1000000000ull;
		while (r.calls == 0 && rte_vmsg_time_ns() < t_end) {
			rte_vmsg_bus_poll(e.bus[0]);
			rte_vmsg_bus_poll(e.bus[1]);
		}
		CHECK_EQ(r.calls, 1);
		CHECK_EQ(r.status, 0);
		CHECK_U64(r.data, 0x5000u + i);
	}
out:
	env_free(&e);
}

int main(void)
{
	static const enum field v1_fields[] = { F_V1_TAIL_N, F_V1_HEAD_N, F_V1_HEAD_BIG,
						F_V1_STATUS, F_V1_MAGIC };
	static const enum field v0_fields[] = { F_V0_PROD_N, F_V0_CONS_N, F_V0_CONS_HIGH,
						F_V0_CONS_PAST };
	unsigned int i;
	int victim;

	test_v0_layout();
	test_v0_opts();
	test_writer_garbage(0);
	test_writer_garbage(1);
	for (victim = 0; victim < 2; victim++) {
		test_v0_slow_peer(victim, 0);
		test_v0_slow_peer(victim, 1);
		for (i = 0; i < sizeof(v1_fields) / sizeof(v1_fields[0]); i++)
			test_recover(0, victim, v1_fields[i], 0);
		for (i = 0; i < sizeof(v0_fields) / sizeof(v0_fields[0]); i++) {
			test_recover(1, victim, v0_fields[i], 0);
			test_recover(1, victim, v0_fields[i], 1);
		}
	}
	return vtest_done("test_link_recover");
}
