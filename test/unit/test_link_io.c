/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * A link in I/O memory (ARCHITECTURE §2.1, §2.2): the region is a memfd
 * registered as I/O over a PROT_NONE view, with a private alias (the memfd
 * mapped a second time) for the lib/mem accessors, as the in-process fake
 * card does with a BAR. Any plain load or store of the link by the library
 * faults the test. Amp bus ends over it (both in the BAR, or the card's end
 * in RAM over the alias) carry traffic both ways, v1 and v0, through a
 * restart and a hostile index, and the accessors' counts move with it.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_ring.h>

#include "vtest.h"

#define MEM_LEN (64u * 1024u)
#define LINK_OFF 4096u	    /* the layout starts here, as at BAR2 + 4 KiB */
#define LINK_LEN 16384u	    /* bytes of the layout */
#define OFF_DEV_QHEAD 64u   /* where a v1 writer puts the device's queue head */
#define OFF_DRV_QHEAD 128u  /* and the driver's */
#define QHEAD_TAIL_OFF 4u   /* offset of tail in a queue head */
#define QHEAD_STATUS_OFF 2u /* and of status */
#define NELEMS 16u

struct env {
	int fd;
	uint8_t *view;		     /* PROT_NONE: the library's view of the "BAR" */
	uint8_t *alias;		     /* the accessors' (and the test's, and the card's) */
	struct rte_vmsg_region *bar; /* I/O, over view, aliased */
	struct rte_vmsg_region *ram; /* normal memory over alias: a card's own view */
};

static int env_new(struct env *e)
{
	memset(e, 0, sizeof(*e));
	e->fd = (int)syscall(SYS_memfd_create, "vmsg-test-link-io", 0u);
	if (e->fd < 0 || ftruncate(e->fd, MEM_LEN) != 0)
		return -1;
	e->view = mmap(NULL, MEM_LEN, PROT_NONE, MAP_SHARED, e->fd, 0);
	e->alias = mmap(NULL, MEM_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, e->fd, 0);
	if (e->view == MAP_FAILED || e->alias == MAP_FAILED)
		return -1;
	if (rte_vmsg_region_register(e->view, MEM_LEN, 0, RTE_VMSG_REGION_F_IO, &e->bar) != 0 ||
	    rte_vmsg_region_io_alias_set(e->bar, e->alias) != 0 ||
	    rte_vmsg_region_register(e->alias, MEM_LEN, 0, RTE_VMSG_REGION_F_SHARED, &e->ram) != 0)
		return -1;
	return 0;
}

static void env_free(struct env *e)
{
	rte_vmsg_region_destroy(e->bar);
	rte_vmsg_region_destroy(e->ram);
	if (e->view != NULL && e->view != MAP_FAILED)
		munmap(e->view, MEM_LEN);
	if (e->alias != NULL && e->alias != MAP_FAILED)
		munmap(e->alias, MEM_LEN);
	if (e->fd >= 0)
		close(e->fd);
}

static void opts_base(struct rte_vmsg_bus_amp_opts *o, struct rte_vmsg_region *r, uint32_t role,
		      uint32_t layout)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->role = role;
	o->region = r;
	o->offset = LINK_OFF;
	o->layout = layout;
	o->size = layout == RTE_VMSG_AMP_LAYOUT_V0 ? 2u * RTE_VMSG_V0_QUEUE_SIZE : LINK_LEN;
	if (role == RTE_VMSG_BUS_DEVICE && layout == RTE_VMSG_AMP_LAYOUT_V1) {
		o->num_elems = NELEMS;
		o->elem_size = 64;
	}
}

/*
 * The card's end (the device, laying the link out) in RAM over the alias,
 * the driver's through the BAR: 0 when both were made (checked).
 */
static int ends_new(struct env *e, uint32_t layout, struct rte_vmsg_bus_amp **dev,
		    struct rte_vmsg_bus_amp **drv)
{
	struct rte_vmsg_bus_amp_opts o;

	opts_base(&o, e->ram, RTE_VMSG_BUS_DEVICE, layout);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, dev), 0);
	opts_base(&o, e->bar, RTE_VMSG_BUS_DRIVER, layout);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, drv), 0);
	return *dev != NULL && *drv != NULL ? 0 : -1;
}

static int both_up(struct rte_vmsg_bus_amp *a, struct rte_vmsg_bus_amp *b)
{
	int i, ra, rb;

	/* A peer's restart may hold the link for the INIT grace (doc/ring.md). */
	uint64_t end = rte_vmsg_time_ns() + 2000000000ull;

	for (i = 0; rte_vmsg_time_ns() < end; i++) {
		ra = rte_vmsg_bus_amp_poll(a);
		rb = rte_vmsg_bus_amp_poll(b);
		if (ra < 0 || rb < 0)
			return -1;
		if ((ra & 0xff) == RTE_VMSG_LINK_UP && (rb & 0xff) == RTE_VMSG_LINK_UP)
			return 0;
	}
	return -1;
}

static int losses_until_up(struct rte_vmsg_bus_amp *watcher, struct rte_vmsg_bus_amp *peer)
{
	int i, rc, lost = 0;

	uint64_t end = rte_vmsg_time_ns() + 2000000000ull;

	for (i = 0; rte_vmsg_time_ns() < end; i++) {
		rc = rte_vmsg_bus_amp_poll(watcher);
		CHECK(rc >= 0);
		if (rc & RTE_VMSG_BUS_AMP_PEER_LOST)
			lost++;
		rte_vmsg_bus_amp_poll(peer);
		if ((rc & 0xff) == RTE_VMSG_LINK_UP && i > 2)
			break;
	}
	return lost;
}

static size_t ping_frame(uint8_t *buf, uint32_t data)
{
	struct rte_vmsg_msg m;

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	m.hdr.token = 7;
	m.u.ping = data;
	return (size_t)rte_vmsg_msg_build(buf, 64, &m);
}

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

static void ping_wait(struct rte_vmsg_bus *x, struct rte_vmsg_bus *y, struct ping_rec *r)
{
	uint64_t t_end = rte_vmsg_time_ns() + 2000000000ull;

	while (r->calls == 0 && rte_vmsg_time_ns() < t_end) {
		rte_vmsg_bus_poll(x);
		rte_vmsg_bus_poll(y);
	}
}

/* The I/O region's counts. */
static void io_counts(const struct env *e, uint64_t *rd, uint64_t *wr)
{
	CHECK_EQ(rte_vmsg_region_io_stats(e->bar, rd, wr), 0);
}

/*
 * Messages of @p len bytes from @p tx to @p rx through the burst copies,
 * checked byte by byte, past the wrap several times; then the copy forms of
 * the slot (reserve / slot_write / commit, peek / slot_read / release).
 */
static void ring_traffic(struct rte_vmsg_ring *tx, struct rte_vmsg_ring *rx, uint32_t len)
{
	uint8_t out[5][64], in[5][64], flat_out[5 * 64], flat_in[5 * 64 + 1];
	int tx_io = (tx->mode & RTE_VMSG_RING_MODE_IO) != 0;
	int rx_io = (rx->mode & RTE_VMSG_RING_MODE_IO) != 0;
	uint32_t seq = 0, got = 0, i;
	int k;

	/* Back to back at @p len bytes each, as the burst calls take them. */
	while (got < 10u * NELEMS) {
		for (i = 0; i < 5 * len; i++)
			flat_out[i] = (uint8_t)(seq + i * 7u);
		k = rte_vmsg_ring_enqueue_burst(tx, flat_out, len, 5);
		CHECK(k > 0);
		if (k <= 0)
			return;
		memset(flat_in, 0xEE, sizeof(flat_in));
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(rx, flat_in, len, 5), k);
		CHECK_MEM(flat_in, flat_out, (size_t)k * len);
		CHECK_EQ(flat_in[(size_t)k * len], 0xEE);
		seq += (uint32_t)k;
		got += (uint32_t)k;
	}
	CHECK_EQ(rte_vmsg_ring_dequeue_burst(rx, flat_in, len, 5), 0);

	/* The copy forms, and no zero-copy pointer into the BAR. */
	CHECK_EQ(rte_vmsg_ring_reserve(tx, 2), 2);
	CHECK((rte_vmsg_ring_slot(tx, 0) == NULL) == tx_io);
	memset(out[0], 0x42, sizeof(out[0]));
	CHECK_EQ(rte_vmsg_ring_slot_write(tx, 0, out[0], 13), 0);
	CHECK_EQ(rte_vmsg_ring_slot_write(tx, 1, out[0], 64), 0);
	CHECK_EQ(rte_vmsg_ring_slot_write(tx, 2, out[0], 8), -EINVAL);
	CHECK_EQ(rte_vmsg_ring_slot_write(tx, 0, out[0], 65), -EMSGSIZE);
	CHECK_EQ(rte_vmsg_ring_commit(tx, 2), 2);
	CHECK_EQ(rte_vmsg_ring_peek(rx, 4), 2);
	CHECK((rte_vmsg_ring_slot(rx, 0) == NULL) == rx_io);
	memset(in, 0xEE, sizeof(in));
	CHECK_EQ(rte_vmsg_ring_slot_read(rx, 0, 3, in[0], 17), 0);
	CHECK_MEM(in[0], out[0], 10);
	/* An I/O producer wrote the 13-byte message's tail as zeroes up to the word. */
	if (tx_io) {
		CHECK_EQ(in[0][10], 0);
		CHECK_EQ(in[0][12], 0);
	}
	CHECK_EQ(in[0][17], 0xEE);
	CHECK_EQ(rte_vmsg_ring_slot_read(rx, 1, 0, in[1], 64), 0);
	CHECK_MEM(in[1], out[0], 64);
	CHECK_EQ(rte_vmsg_ring_slot_read(rx, 1, 60, in[1], 5), -EMSGSIZE);
	CHECK_EQ(rte_vmsg_ring_slot_read(rx, 2, 0, in[1], 1), -EINVAL);
	CHECK_EQ(rte_vmsg_ring_release(rx, 2), 2);
}

/*
 * v1 or v0, the device's end in the BAR too (@p card_in_ram 0) or in RAM
 * over the alias (1: a card's firmware, plain memory to it): bus endpoints
 * PING both ways (BUS-26) and the rings carry checked bursts both ways; the
 * accessors are the only way into the BAR, and their counts move with the
 * traffic.
 */
static void test_traffic(uint32_t layout, int card_in_ram)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus *devb = NULL, *drvb = NULL;
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_link *dl, *rl;
	uint64_t rd0, wr0, rd1, wr1, rd2, wr2;
	struct ping_rec pr;
	uint64_t t_end;
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&o, card_in_ram ? e.ram : e.bar, RTE_VMSG_BUS_DEVICE, layout);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), 0);
	opts_base(&o, e.bar, RTE_VMSG_BUS_DRIVER, layout);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &drv), 0);
	if (dev == NULL || drv == NULL)
		goto out;
	io_counts(&e, &rd0, &wr0);
	/* Setting up read and wrote the BAR, through the accessors only. */
	CHECK(rd0 > 0);
	CHECK(wr0 > 0);
	CHECK_EQ(both_up(dev, drv), 0);
	CHECK_EQ(rte_vmsg_bus_amp_max_msg_size(drv), 64);
	dl = rte_vmsg_bus_amp_link(dev);
	rl = rte_vmsg_bus_amp_link(drv);
	CHECK((rte_vmsg_link_tx(rl)->mode & RTE_VMSG_RING_MODE_IO) != 0);
	CHECK(((rte_vmsg_link_tx(dl)->mode & RTE_VMSG_RING_MODE_IO) != 0) == !card_in_ram);
	CHECK(((rte_vmsg_link_tx(rl)->mode & RTE_VMSG_RING_MODE_IDX32) != 0) ==
	      (layout == RTE_VMSG_AMP_LAYOUT_V0));

	ring_traffic(rte_vmsg_link_tx(dl), rte_vmsg_link_rx(rl), 64);
	ring_traffic(rte_vmsg_link_tx(rl), rte_vmsg_link_rx(dl), 21);
	io_counts(&e, &rd1, &wr1);
	CHECK(rd1 > rd0);
	CHECK(wr1 > wr0);

	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DEVICE;
	CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), dev, &devb), 0);
	bo.role = RTE_VMSG_BUS_DRIVER;
	CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), drv, &drvb), 0);
	if (devb == NULL || drvb == NULL)
		goto out;
	t_end = rte_vmsg_time_ns() + 2000000000ull;
	while ((rte_vmsg_bus_connected(devb) != 1 || rte_vmsg_bus_connected(drvb) != 1) &&
	       rte_vmsg_time_ns() < t_end) {
		rte_vmsg_bus_poll(devb);
		rte_vmsg_bus_poll(drvb);
	}
	CHECK_EQ(rte_vmsg_bus_connected(drvb), 1);
	CHECK_EQ(rte_vmsg_bus_connected(devb), 1);
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ(rte_vmsg_bus_ping(drvb, 0xA5A55A5Au, on_ping, &pr), 0);
	ping_wait(drvb, devb, &pr);
	CHECK_EQ(pr.calls, 1);
	CHECK_EQ(pr.status, 0);
	CHECK_U64(pr.data, 0xA5A55A5Au);
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ(rte_vmsg_bus_ping(devb, 0x01020304u, on_ping, &pr), 0);
	ping_wait(devb, drvb, &pr);
	CHECK_EQ(pr.calls, 1);
	CHECK_U64(pr.data, 0x01020304u);
	io_counts(&e, &rd2, &wr2);
	CHECK(rd2 > rd1);
	CHECK(wr2 > wr1);
out:
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/* A restart of either side over the BAR: one loss, up again, frames flow. */
static void test_restart(uint32_t layout)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_opts od, or_;
	uint8_t f[64], in[64];
	size_t len, lens[1];
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&od, e.bar, RTE_VMSG_BUS_DEVICE, layout);
	opts_base(&or_, e.bar, RTE_VMSG_BUS_DRIVER, layout);
	CHECK_EQ(rte_vmsg_bus_amp_create(&od, &dev), 0);
	CHECK_EQ(rte_vmsg_bus_amp_create(&or_, &drv), 0);
	if (dev == NULL || drv == NULL)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);
	len = ping_frame(f, 9);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), 0);

	rte_vmsg_bus_amp_destroy(dev);
	dev = NULL;
	CHECK_EQ(rte_vmsg_bus_amp_create(&od, &dev), 0);
	if (dev == NULL)
		goto out;
	if (layout == RTE_VMSG_AMP_LAYOUT_V1)
		CHECK_EQ(losses_until_up(drv, dev), 1);
	else
		(void)losses_until_up(drv, dev); /* v0: the driver breaks, then recovers */
	CHECK_EQ(both_up(dev, drv), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(dev, in, sizeof(in), lens, 1), 1);
	CHECK_MEM(in, f, len);

	rte_vmsg_bus_amp_destroy(drv);
	drv = NULL;
	CHECK_EQ(rte_vmsg_bus_amp_create(&or_, &drv), 0);
	if (drv == NULL)
		goto out;
	/*
	 * v0 has no state: the device cannot tell the driver zeroed its
	 * words, so it re-opens too, as the card's reset does (doc/ring.md).
	 */
	if (layout == RTE_VMSG_AMP_LAYOUT_V0)
		CHECK_EQ(rte_vmsg_link_reset(rte_vmsg_bus_amp_link(dev)), 0);
	(void)losses_until_up(dev, drv);
	CHECK_EQ(both_up(dev, drv), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(dev, f, len), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(drv, in, sizeof(in), lens, 1), 1);
	CHECK_MEM(in, f, len);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/*
 * A hostile peer (the card, in RAM over the alias) publishes a tail out of
 * range: the driver's link in the BAR breaks as a RAM link does (counted,
 * -ENOTCONN, PEER_DEAD written through the accessors), then recovers when
 * the card starts over. A garbage msg_size is dropped and counted.
 */
static void test_hostile(void)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_bus_amp_stats st;
	struct rte_vmsg_link_stats ls;
	uint8_t f[64], in[2][64];
	size_t len, lens[2];
	uint16_t bad;
	int i;
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	if (ends_new(&e, RTE_VMSG_AMP_LAYOUT_V1, &dev, &drv) != 0)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);

	len = ping_frame(f, 1);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(dev, f, len), 0);
	bad = rte_vmsg_cpu_to_le16(65); /* above the 64-byte element */
	memcpy(e.alias + LINK_OFF + 192 + RTE_VMSG_OFF_MSG_SIZE, &bad, 2);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(drv, in, 64, lens, 2), 0);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.rx_garbage, 1);

	bad = rte_vmsg_cpu_to_le16(0x7fff);
	memcpy(e.alias + LINK_OFF + OFF_DEV_QHEAD + QHEAD_TAIL_OFF, &bad, 2);
	/* The fast path sees it first: the ring end refuses, the control path breaks. */
	CHECK_EQ(rte_vmsg_ring_peek(rte_vmsg_link_rx(rte_vmsg_bus_amp_link(drv)), 1), -EIO);
	for (i = 0; i < 3; i++)
		(void)rte_vmsg_bus_amp_poll(drv);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), -ENOTCONN);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.link_breaks, 1);
	CHECK_EQ(rte_vmsg_link_stats_get(rte_vmsg_bus_amp_link(drv), &ls), 0);
	CHECK(ls.bad_index >= 1);
	CHECK_EQ(e.alias[LINK_OFF + OFF_DRV_QHEAD + QHEAD_STATUS_OFF], RTE_VMSG_QSTATE_PEER_DEAD);
	/* The card starts over: recovered, frames flow again. */
	rte_vmsg_bus_amp_destroy(dev);
	dev = NULL;
	opts_base(&o, e.ram, RTE_VMSG_BUS_DEVICE, RTE_VMSG_AMP_LAYOUT_V1);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), 0);
	if (dev == NULL)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.link_recoveries, 1);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(dev, in, 64, lens, 2), 1);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/* v0 hostile: a producer index out of range breaks the I/O end as in RAM. */
static void test_hostile_v0(void)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_stats st;
	uint32_t bad = rte_vmsg_cpu_to_le32(1000);
	int i;
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	if (ends_new(&e, RTE_VMSG_AMP_LAYOUT_V0, &dev, &drv) != 0)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);
	/* The device's queue (after the driver's): its producer index. */
	memcpy(e.alias + LINK_OFF + RTE_VMSG_V0_QUEUE_SIZE + RTE_VMSG_V0_OFF_PROD, &bad, 4);
	for (i = 0; i < 3; i++)
		(void)rte_vmsg_bus_amp_poll(drv);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.link_breaks, 1);
	CHECK_EQ(rte_vmsg_ring_peek(rte_vmsg_link_rx(rte_vmsg_bus_amp_link(drv)), 1), -EIO);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/*
 * The layout header's magic is read once (read_layout()): the value checked
 * is the value kept. The reader's accesses are emulated over the alias; the
 * second read of the header's first word, the copy of the header that
 * follows the magic's check, finds the magic cleared, as when the writer
 * starts over between the two. A reader that kept the copied magic took its
 * own header for a new layout at its first poll (relayouts 1).
 */
static uint8_t *magic_mem;
static unsigned int magic_reads;

static uint32_t magic_read32(void *arg, uint64_t off)
{
	uint32_t v;

	(void)arg;
	memcpy(&v, magic_mem + off, 4);
	if (off == LINK_OFF && ++magic_reads == 2)
		v &= rte_vmsg_cpu_to_le32(0xffff0000u); /* the magic's two bytes cleared */
	return v;
}

static void magic_write32(void *arg, uint64_t off, uint32_t v)
{
	(void)arg;
	memcpy(magic_mem + off, &v, 4);
}

static void test_layout_magic_once(void)
{
	static const struct rte_vmsg_region_io_ops ops = {
		.sz = sizeof(ops),
		.read32 = magic_read32,
		.write32 = magic_write32,
	};
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_link_stats ls;
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	magic_mem = e.alias;
	magic_reads = 0;
	CHECK_EQ(rte_vmsg_region_io_ops_set(e.bar, &ops, NULL), 0);
	if (ends_new(&e, RTE_VMSG_AMP_LAYOUT_V1, &dev, &drv) != 0)
		goto out;
	CHECK(magic_reads >= 2); /* the changed word was read */
	CHECK_EQ(both_up(dev, drv), 0);
	CHECK_EQ(rte_vmsg_link_stats_get(rte_vmsg_bus_amp_link(drv), &ls), 0);
	CHECK_U64(ls.relayouts, 0);
	CHECK_U64(ls.bad_layout, 0);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/* The stamped format is not offered in I/O memory; bad placements are refused. */
static void test_refused(void)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_link_opts lo;
	struct rte_vmsg_link *l = NULL;
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&o, e.bar, RTE_VMSG_BUS_DEVICE, RTE_VMSG_AMP_LAYOUT_V1);
	o.format = RTE_VMSG_LINK_FMT_STAMPED;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), -EINVAL);
	/* A stamped layout written by a card in RAM: the BAR reader refuses it. */
	opts_base(&o, e.ram, RTE_VMSG_BUS_DEVICE, RTE_VMSG_AMP_LAYOUT_V1);
	o.format = RTE_VMSG_LINK_FMT_STAMPED;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), 0);
	opts_base(&o, e.bar, RTE_VMSG_BUS_DRIVER, RTE_VMSG_AMP_LAYOUT_V1);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &drv), -EPROTO);
	/* A link outside its region, or at an offset not a multiple of 8. */
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.role = RTE_VMSG_LINK_DEVICE;
	lo.region = e.bar;
	CHECK_EQ(rte_vmsg_link_create(e.alias, 4096, &lo, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_link_create(e.view + MEM_LEN - 1024, 4096, &lo, &l), -EINVAL);
	CHECK_EQ(rte_vmsg_link_create(e.view + 64, 4096, &lo, &l), 0);
	rte_vmsg_link_destroy(l);
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

int main(void)
{
	test_traffic(RTE_VMSG_AMP_LAYOUT_V1, 0);
	test_traffic(RTE_VMSG_AMP_LAYOUT_V1, 1);
	test_traffic(RTE_VMSG_AMP_LAYOUT_V0, 0);
	test_traffic(RTE_VMSG_AMP_LAYOUT_V0, 1);
	test_restart(RTE_VMSG_AMP_LAYOUT_V1);
	test_restart(RTE_VMSG_AMP_LAYOUT_V0);
	test_hostile();
	test_hostile_v0();
	test_layout_magic_once();
	test_refused();
	return vtest_done("test_link_io");
}
