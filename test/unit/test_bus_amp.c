/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The amp bus backend directly: two ends on one memfd at an offset (as in
 * an ivshmem BAR), bus endpoints over them (PING both ways, BUS-26), each
 * doorbell kind (futex and eventfd wake a sleeping waiter; the MMIO kind
 * writes its register word once per frame, after the barrier), a restart of
 * either side, a liveness source, the endpoint's keepalive, hostile values in the queue heads and in
 * the elements, and the option checks.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_transport.h>

#include "vmsg_util.h"
#include "vtest.h"

#define MEM_LEN (64u * 1024u)
#define LINK_OFF 4096u	   /* the layout starts here, as at BAR2 + 4 KiB */
#define LINK_LEN 16384u	   /* bytes of the layout */
#define BELL_OFF 32768u	   /* futex words, away from the layout */
#define QHEAD_TAIL_OFF 4u  /* offset of tail in a queue head */
#define OFF_DEV_QHEAD 64u  /* where a v1 writer puts the device's queue head */
#define OFF_DEV_ELEMS 192u /* and the device's element array */

struct env {
	struct rte_vmsg_region *reg;
	struct rte_vmsg_memmap *map;
	uint8_t *mem;
};

static int env_new(struct env *e)
{
	struct rte_vmsg_region_opts ro;

	memset(e, 0, sizeof(*e));
	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_MEMFD;
	ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.size = MEM_LEN;
	if (rte_vmsg_region_create(&ro, &e->reg) != 0 || rte_vmsg_memmap_create(&e->map) != 0 ||
	    rte_vmsg_memmap_add(e->map, e->reg) != 0)
		return -1;
	e->mem = rte_vmsg_region_addr(e->reg);
	return 0;
}

static void env_free(struct env *e)
{
	rte_vmsg_memmap_destroy(e->map);
	rte_vmsg_region_destroy(e->reg);
}

static void opts_base(struct rte_vmsg_bus_amp_opts *o, const struct env *e, uint32_t role)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->role = role;
	o->region = e->reg;
	o->offset = LINK_OFF;
	o->size = LINK_LEN;
	o->map = e->map;
	if (role == RTE_VMSG_BUS_DEVICE) {
		o->num_elems = 16;
		o->elem_size = 64;
	}
}

/* Runs both control paths until both links are up (bounded). */
static int both_up(struct rte_vmsg_bus_amp *a, struct rte_vmsg_bus_amp *b)
{
	int i, ra = 0, rb = 0;

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

/* A PING request frame with @p data (16 bytes). */
static size_t ping_frame(uint8_t *buf, uint32_t data)
{
	struct rte_vmsg_msg m;

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	m.hdr.token = 7;
	m.u.ping = data;
	return (size_t)rte_vmsg_msg_build(buf, 64, &m);
}

static void test_opts(void)
{
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_bus_amp *a = NULL;
	struct {
		struct rte_vmsg_bus_amp_opts o;
		uint32_t extra;
	} big;
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	CHECK_EQ(rte_vmsg_bus_amp_create(NULL, &a), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, NULL), -EINVAL);
	o.region = NULL;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	opts_base(&o, &e, 3);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL); /* role */
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.offset = LINK_OFF + 8;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL); /* not on a line */
	o.offset = MEM_LEN + 64;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL); /* past the region */
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.size = MEM_LEN;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL); /* runs past the region */
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.size = 256;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -ENOSPC); /* 16 x 64 B do not fit */
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.layout = 7;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.flags = 1u << 7;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.reserved0 = 1;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.max_msg_size = 128; /* a 64-byte element carries 64 */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	/* Refused before anything was written: no layout, no queue head. */
	CHECK_MEM(e.mem + LINK_OFF, (const uint8_t[256]){ 0 }, 256);
	o.max_msg_size = 40; /* below the v2 minimum (BUS-2) */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.rx_wait.sz = sizeof(o.rx_wait);
	o.rx_wait.kind = RTE_VMSG_BELL_MMIO; /* nothing to wait on */
	o.rx_wait.mmio = e.mem + BELL_OFF;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.tx_bell.sz = sizeof(o.tx_bell);
	o.tx_bell.kind = RTE_VMSG_BELL_FUTEX; /* no shared words */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	memset(&big, 0, sizeof(big));
	big.o = o;
	big.o.sz = sizeof(big);
	big.extra = 1;
	CHECK_EQ(rte_vmsg_bus_amp_create(&big.o, &a), -EINVAL);
	big.extra = 0; /* a newer caller's zero tail is fine */
	CHECK_EQ(rte_vmsg_bus_amp_create(&big.o, &a), 0);
	rte_vmsg_bus_amp_destroy(a);
	a = NULL;

	/* The reader: geometry comes from the layout; none written yet. */
	memset(e.mem, 0, MEM_LEN);
	opts_base(&o, &e, RTE_VMSG_BUS_DRIVER);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EAGAIN);
	o.num_elems = 16;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &a), -EINVAL);
	rte_vmsg_bus_amp_destroy(NULL);
	CHECK(rte_vmsg_bus_amp_link(NULL) == NULL);
	CHECK_EQ(rte_vmsg_bus_amp_max_msg_size(NULL), 0);
	CHECK_EQ(rte_vmsg_bus_amp_poll(NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_amp_wait(NULL, 0), -EINVAL);
	env_free(&e);
}

struct ping_rec {
	int calls, status;
	uint32_t data;
};

static void on_ping(void *arg, int status, uint32_t data)
{
	struct ping_rec *r = arg;

	r->calls++;
	r->status = status;
	r->data = data;
}

/* Polls both bus endpoints until @p r completes (bounded). */
static void ping_wait(struct rte_vmsg_bus *x, struct rte_vmsg_bus *y, struct ping_rec *r)
{
	uint64_t t_end = rte_vmsg_time_ns() + 2000000000ull;

	while (r->calls == 0 && rte_vmsg_time_ns() < t_end) {
		rte_vmsg_bus_poll(x);
		rte_vmsg_bus_poll(y);
	}
}

/* The memfd and two v1 ends at LINK_OFF, device first (it writes the layout); 0 or -1. */
static int ends_new(struct env *e, struct rte_vmsg_bus_amp **dev, struct rte_vmsg_bus_amp **drv)
{
	struct rte_vmsg_bus_amp_opts o;

	CHECK_EQ(env_new(e), 0);
	opts_base(&o, e, RTE_VMSG_BUS_DEVICE);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, dev), 0);
	opts_base(&o, e, RTE_VMSG_BUS_DRIVER);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, drv), 0);
	return *dev != NULL && *drv != NULL ? 0 : -1;
}

/* A bus endpoint in @p role over the amp end @p a, its keepalive @p peer_timeout_ms; NULL on failure. */
static struct rte_vmsg_bus *bus_over(struct rte_vmsg_bus_amp *a, uint32_t role,
				     uint32_t peer_timeout_ms)
{
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_bus *b = NULL;

	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = role;
	bo.peer_timeout_ms = peer_timeout_ms;
	CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), a, &b), 0);
	return b;
}

/* Polls two bus endpoints until both are connected (2 s at most); 1 when they are. */
static int buses_up(struct rte_vmsg_bus *x, struct rte_vmsg_bus *y)
{
	uint64_t t_end = rte_vmsg_time_ns() + 2000000000ull;

	while ((rte_vmsg_bus_connected(x) != 1 || rte_vmsg_bus_connected(y) != 1) &&
	       rte_vmsg_time_ns() < t_end) {
		rte_vmsg_bus_poll(x);
		rte_vmsg_bus_poll(y);
	}
	return rte_vmsg_bus_connected(x) == 1 && rte_vmsg_bus_connected(y) == 1;
}

/*
 * Bus endpoints over two amp ends at an offset in one memfd: PING both ways
 * (BUS-26), the max message size from the elements, the peer-memory map
 * through the bus. @p flags: RTE_VMSG_BUS_AMP_F_DRIVER_WRITES or 0.
 */
static void test_bus_over_amp(uint32_t flags)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus *devb = NULL, *drvb = NULL;
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_layout_hdr h;
	struct ping_rec pr;
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	/* The writer first: the reader needs the layout. */
	opts_base(&o, &e, flags ? RTE_VMSG_BUS_DRIVER : RTE_VMSG_BUS_DEVICE);
	o.flags = flags;
	if (flags) {
		o.num_elems = 16;
		o.elem_size = 64;
	}
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, flags ? &drv : &dev), 0);
	opts_base(&o, &e, flags ? RTE_VMSG_BUS_DEVICE : RTE_VMSG_BUS_DRIVER);
	o.flags = flags;
	o.num_elems = 0;
	o.elem_size = 0;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, flags ? &dev : &drv), 0);
	if (dev == NULL || drv == NULL)
		goto out;
	/* The layout is where it was asked, v1, 16 x 64 B. */
	memcpy(&h, e.mem + LINK_OFF, sizeof(h));
	CHECK_EQ(rte_vmsg_le16_to_cpu(h.magic), RTE_VMSG_LAYOUT_MAGIC);
	CHECK_EQ(rte_vmsg_le16_to_cpu(h.num_queue_elements), 16);
	CHECK_EQ(rte_vmsg_le16_to_cpu(h.size_queue_elements), 64);
	CHECK_EQ(rte_vmsg_bus_amp_max_msg_size(dev), 64);
	CHECK_EQ(rte_vmsg_bus_amp_max_msg_size(drv), 64);

	devb = bus_over(dev, RTE_VMSG_BUS_DEVICE, 0);
	drvb = bus_over(drv, RTE_VMSG_BUS_DRIVER, 0);
	if (devb == NULL || drvb == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_bus_max_msg_size(drvb), 64);
	CHECK(rte_vmsg_bus_memmap(drvb) == e.map);
	CHECK(rte_vmsg_bus_memmap(NULL) == NULL);
	/* The bus runs the control path every RTE_VMSG_BUS_CONTROL_INTERVAL_NS. */
	CHECK(buses_up(devb, drvb));

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
out:
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

struct waiter {
	struct rte_vmsg_bus_amp *amp;
	int rc;
	uint64_t slept_ns;
};

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	uint64_t t0 = rte_vmsg_time_ns();

	w->rc = rte_vmsg_bus_amp_wait(w->amp, 5000000000ull);
	w->slept_ns = rte_vmsg_time_ns() - t0;
	return NULL;
}

enum bell_case { BELL_FUTEX, BELL_EVENTFD_WORDS, BELL_EVENTFD_BARE };

/*
 * The device's tx bell wakes the driver sleeping in rte_vmsg_bus_amp_wait():
 * a futex on shared words, an eventfd with shared words (no system call while
 * the waiter is awake), and a bare eventfd (a foreign peer: every frame rings).
 */
static void test_bell_wakes(enum bell_case c)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_bus_amp_stats ds, vs;
	struct rte_vmsg_bell_opts bell;
	struct timespec nap = { 0, 30000000 };
	struct waiter w;
	uint8_t f[64], in[64];
	size_t len, lens[1];
	pthread_t t;
	struct env e;
	int efd = -1;

	CHECK_EQ(env_new(&e), 0);
	memset(&bell, 0, sizeof(bell));
	bell.sz = sizeof(bell);
	bell.fd = -1;
	if (c == BELL_FUTEX) {
		bell.kind = RTE_VMSG_BELL_FUTEX;
		bell.shm = (struct rte_vmsg_bell_shm *)(void *)(e.mem + BELL_OFF);
	} else {
		efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		CHECK(efd >= 0);
		bell.kind = RTE_VMSG_BELL_EVENTFD;
		bell.fd = efd;
		if (c == BELL_EVENTFD_WORDS)
			bell.shm = (struct rte_vmsg_bell_shm *)(void *)(e.mem + BELL_OFF);
	}
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	o.tx_bell = bell;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), 0);
	opts_base(&o, &e, RTE_VMSG_BUS_DRIVER);
	o.rx_wait = bell;
	o.rx_wait.poll_ns = 0; /* arm and sleep at once */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &drv), 0);
	if (dev == NULL || drv == NULL)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);

	/* Awake, nobody sleeping: with shared words no system call is made. */
	len = ping_frame(f, 1);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(dev, f, len), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(drv, in, sizeof(in), lens, 1), 1);
	rte_vmsg_bus_amp_stats_get(dev, &vs);
	CHECK_U64(vs.bell_kicks, c == BELL_EVENTFD_BARE ? 1u : 0u);
	if (c == BELL_EVENTFD_BARE) { /* drain the count of that ring */
		uint64_t v;

		CHECK_EQ(read(efd, &v, sizeof(v)), (ssize_t)sizeof(v));
	}

	/* Asleep: the frame's ring wakes it. */
	memset(&w, 0, sizeof(w));
	w.amp = drv;
	w.rc = -100;
	CHECK_EQ(pthread_create(&t, NULL, wait_thread, &w), 0);
	nanosleep(&nap, NULL);
	if (bell.shm != NULL) { /* on a loaded machine the nap may not be enough: armed? */
		uint64_t t_end = rte_vmsg_time_ns() + 2000000000ull;

		while (__atomic_load_n(&bell.shm->armed, __ATOMIC_ACQUIRE) == 0 &&
		       rte_vmsg_time_ns() < t_end)
			nanosleep(&nap, NULL);
	}
	len = ping_frame(f, 2);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(dev, f, len), 0);
	pthread_join(t, NULL);
	CHECK_EQ(w.rc, 1);
	CHECK(w.slept_ns < 4000000000ull); /* woken, not timed out */
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(drv, in, sizeof(in), lens, 1), 1);
	CHECK_U64(rte_vmsg_get_le32(in + 8), 2);
	rte_vmsg_bus_amp_stats_get(dev, &vs);
	rte_vmsg_bus_amp_stats_get(drv, &ds);
	CHECK(vs.bell_kicks >= 1);
	CHECK(ds.bell_sleeps >= 1);
	/* Nothing there: the wait times out. */
	CHECK_EQ(rte_vmsg_bus_amp_wait(drv, 2000000ull), 0);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	if (efd >= 0)
		close(efd);
	env_free(&e);
}

/*
 * The MMIO kind: each frame sent writes the register once, with its value,
 * after the frame (the test's "BAR" is a word of the memfd it polls).
 */
static void test_bell_mmio(void)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_bus_amp_stats st;
	volatile uint32_t *reg;
	uint8_t f[64], in[64];
	size_t len, lens[1];
	struct env e;
	uint32_t i;

	CHECK_EQ(env_new(&e), 0);
	reg = (volatile uint32_t *)(void *)(e.mem + BELL_OFF);
	opts_base(&o, &e, RTE_VMSG_BUS_DRIVER);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &drv), -EAGAIN);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), 0);
	opts_base(&o, &e, RTE_VMSG_BUS_DRIVER);
	o.tx_bell.sz = sizeof(o.tx_bell);
	o.tx_bell.kind = RTE_VMSG_BELL_MMIO;
	o.tx_bell.fd = -1;
	o.tx_bell.mmio = (void *)(uintptr_t)reg;
	o.tx_bell.mmio_value = 1u << 16 | 3u; /* ivshmem: peer 1, vector 3 */
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &drv), 0);
	if (dev == NULL || drv == NULL)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);
	/* Not up yet on a fresh end would be -ENOTCONN; up now: every frame rings. */
	for (i = 1; i <= 20; i++) {
		*reg = 0;
		len = ping_frame(f, i);
		CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), 0);
		CHECK_U64(rte_vmsg_le32_to_cpu(*reg), 1u << 16 | 3u);
		CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(dev, in, sizeof(in), lens, 1), 1);
		CHECK_U64(rte_vmsg_get_le32(in + 8), i);
	}
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.bell_kicks, 20);
	CHECK_U64(st.tx_frames, 20);
	/* A full ring rings nothing: nothing was sent. */
	*reg = 0;
	for (i = 0; i < 15; i++)
		CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), 0);
	*reg = 0;
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), -EAGAIN);
	CHECK_U64(*reg, 0);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.bell_kicks, 35);
	CHECK_U64(st.tx_full, 1);
	CHECK(rte_vmsg_bell_wait(rte_vmsg_bus_amp_tx_bell(drv),
				 rte_vmsg_link_rx(rte_vmsg_bus_amp_link(drv)), 1000) == -EINVAL);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/*
 * Polls @p watcher (and its restarted peer) until the watcher's link is up
 * again; returns how many losses the watcher reported on the way.
 */
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

/* A restart of either side: a loss reported once, the link up again, frames flow. */
static void test_restart(void)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_opts od, or_;
	struct rte_vmsg_bus_amp_stats st;
	uint8_t f[64], in[64];
	size_t len, lens[1];
	struct env e;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&od, &e, RTE_VMSG_BUS_DEVICE);
	opts_base(&or_, &e, RTE_VMSG_BUS_DRIVER);
	CHECK_EQ(rte_vmsg_bus_amp_create(&od, &dev), 0);
	CHECK_EQ(rte_vmsg_bus_amp_create(&or_, &drv), 0);
	if (dev == NULL || drv == NULL)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);
	len = ping_frame(f, 9);
	/* In flight at the restart: dropped, never delivered to the new peer. */
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), 0);

	/* The device side restarts on the same memory. */
	rte_vmsg_bus_amp_destroy(dev);
	dev = NULL;
	CHECK_EQ(rte_vmsg_bus_amp_create(&od, &dev), 0);
	if (dev == NULL)
		goto out;
	CHECK_EQ(losses_until_up(drv, dev), 1);
	CHECK_EQ(both_up(dev, drv), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(dev, in, sizeof(in), lens, 1), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(dev, in, sizeof(in), lens, 1), 1);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.peer_lost, 1);

	/* The driver side restarts. */
	rte_vmsg_bus_amp_destroy(drv);
	drv = NULL;
	CHECK_EQ(rte_vmsg_bus_amp_create(&or_, &drv), 0);
	if (drv == NULL)
		goto out;
	CHECK_EQ(losses_until_up(dev, drv), 1);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(dev, f, len), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(drv, in, sizeof(in), lens, 1), 1);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/*
 * The Linux driver restarting against a device whose queue head says RUN:
 * it zeroes its indices and goes INIT, READY, RUN between two polls of the
 * device, then sends at once. The device must see its head go back, hold
 * its frames until the control path has reset the link and reported the
 * loss, then read the new frames from element 0 and answer at element 0,
 * never a frame of the old session.
 *
 * @p polled: the device's control path runs while the driver is in INIT and
 * again in READY (a poll that lands in those microseconds). The device's
 * head must stay RUN all along: the Linux driver takes a device head that
 * leaves RUN for a device gone. One loss is reported, not two, and the
 * device's frames still in flight are dropped though the driver's new head
 * (0) lies inside their window.
 */
static void test_foreign_restart(int polled)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_opts od, or_;
	const struct rte_vmsg_bus_ops *ops = rte_vmsg_bus_amp_ops();
	struct rte_vmsg_layout_hdr h;
	struct rte_vmsg_qhead *dq, *vq;
	uint8_t f[64], in[4][64];
	size_t len, lens[4];
	struct env e;
	int i, rc;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&od, &e, RTE_VMSG_BUS_DEVICE);
	opts_base(&or_, &e, RTE_VMSG_BUS_DRIVER);
	CHECK_EQ(rte_vmsg_bus_amp_create(&od, &dev), 0);
	CHECK_EQ(rte_vmsg_bus_amp_create(&or_, &drv), 0);
	if (dev == NULL || drv == NULL)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);
	CHECK_EQ(ops->control(dev) & RTE_VMSG_BUS_CTL_UP, RTE_VMSG_BUS_CTL_UP);
	memcpy(&h, e.mem + LINK_OFF, sizeof(h));
	dq = (struct rte_vmsg_qhead *)(void *)(e.mem + LINK_OFF +
					       rte_vmsg_le64_to_cpu(h.drv_queue_head_offset));
	vq = (struct rte_vmsg_qhead *)(void *)(e.mem + LINK_OFF +
					       rte_vmsg_le64_to_cpu(h.dev_queue_head_offset));
	/* An old session: three frames each way, all consumed. */
	len = ping_frame(f, 1);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(ops->tx(dev, f, len), 0);
		CHECK_EQ(ops->tx(drv, f, len), 0);
	}
	CHECK_EQ(ops->rx_burst(drv, in, sizeof(in[0]), lens, 1), 1);
	CHECK_EQ(ops->rx_burst(drv, in, sizeof(in[0]), lens, 4), 2);
	CHECK_EQ(ops->rx_burst(dev, in, sizeof(in[0]), lens, 4), 3);
	CHECK_EQ(ops->tx(dev, f, len), 0); /* the device learns the driver's head */
	CHECK_EQ(ops->rx_burst(drv, in, sizeof(in[0]), lens, 4), 1);
	if (polled) {
		/*
		 * Frames of the device in flight across element 0 (14 to 17 of
		 * 16): a driver head back at 0 lies inside that window, so only
		 * the INIT seen tells of the restart.
		 */
		for (i = 0; i < 14; i++)
			CHECK_EQ(ops->tx(dev, f, len), 0);
		for (i = 0; i < 10; i++)
			CHECK_EQ(ops->rx_burst(drv, in, sizeof(in[0]), lens, 1), 1);
		CHECK_EQ(ops->control(dev), RTE_VMSG_BUS_CTL_UP); /* sees head 14 */
		CHECK_EQ(rte_vmsg_le16_to_cpu(vq->tail), 2);
	}

	/* The driver (no longer polled: the foreign one) starts over at once. */
	dq->status = rte_vmsg_cpu_to_le16(RTE_VMSG_QSTATE_INIT);
	if (polled) {
		CHECK_EQ(ops->control(dev), RTE_VMSG_BUS_CTL_PEER_LOST); /* held, not up */
		CHECK_EQ(rte_vmsg_le16_to_cpu(vq->status), RTE_VMSG_QSTATE_RUN);
		CHECK_EQ(ops->tx(dev, f, len), -ENOTCONN);
	}
	memset(e.mem + LINK_OFF + rte_vmsg_le64_to_cpu(h.drv_queue_elements_offset), 0, 16u * 64u);
	dq->tail = rte_vmsg_cpu_to_le16(0);
	dq->head = rte_vmsg_cpu_to_le16(0);
	dq->status = rte_vmsg_cpu_to_le16(RTE_VMSG_QSTATE_READY);
	if (polled) {
		/* On to READY without waiting: a restart; the old session dropped. */
		CHECK_EQ(ops->control(dev), 0);
		CHECK_EQ(rte_vmsg_le16_to_cpu(vq->tail), 0);
	}
	CHECK_EQ(rte_vmsg_le16_to_cpu(vq->status), RTE_VMSG_QSTATE_RUN);
	dq->status = rte_vmsg_cpu_to_le16(RTE_VMSG_QSTATE_RUN);
	len = ping_frame(f, 0x1234);
	memcpy(e.mem + LINK_OFF + rte_vmsg_le64_to_cpu(h.drv_queue_elements_offset), f, len);
	__atomic_store_n(&dq->tail, rte_vmsg_cpu_to_le16(1), __ATOMIC_RELEASE);

	/* Held until the control path has run: nothing read, nothing sent. */
	if (!polled) {
		CHECK_EQ(ops->rx_burst(dev, in, sizeof(in[0]), lens, 4), 0);
		CHECK_EQ(ops->tx(dev, f, len), -ENOTCONN);
	}
	rc = ops->control(dev);
	CHECK_EQ(rc,
		 polled ? RTE_VMSG_BUS_CTL_UP : RTE_VMSG_BUS_CTL_UP | RTE_VMSG_BUS_CTL_PEER_LOST);
	CHECK_EQ(rte_vmsg_le16_to_cpu(vq->status), RTE_VMSG_QSTATE_RUN);
	CHECK_EQ(rte_vmsg_le16_to_cpu(vq->tail), 0);
	/* The new session: its frame from element 0, ours to element 0. */
	CHECK_EQ(ops->rx_burst(dev, in, sizeof(in[0]), lens, 4), 1);
	CHECK_MEM(in[0], f, len);
	CHECK_EQ(ops->tx(dev, f, len), 0);
	CHECK_EQ(rte_vmsg_le16_to_cpu(vq->tail), 1);
	CHECK_EQ(ops->control(dev), RTE_VMSG_BUS_CTL_UP);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

static int live_verdict;
static int live_calls;

static int live_cb(void *arg, int link_state)
{
	(void)link_state;
	live_calls++;
	return *(int *)arg;
}

/* A liveness source that declares the peer gone: one loss, then a reconnect. */
static void test_liveness(void)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_bus_amp_stats st;
	uint8_t f[64];
	size_t len;
	struct env e;
	int i, rc, lost = 0;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), 0);
	opts_base(&o, &e, RTE_VMSG_BUS_DRIVER);
	o.live = live_cb;
	o.live_arg = &live_verdict;
	live_verdict = 0;
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &drv), 0);
	if (dev == NULL || drv == NULL)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);
	CHECK(live_calls > 0);
	live_verdict = 1;
	rc = rte_vmsg_bus_amp_poll(drv);
	live_verdict = 0;
	CHECK(rc >= 0 && (rc & RTE_VMSG_BUS_AMP_PEER_LOST) != 0);
	CHECK_EQ(rc & 0xff, RTE_VMSG_LINK_PEER_DOWN);
	len = ping_frame(f, 1);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), -ENOTCONN);
	for (i = 0; i < 1000; i++) {
		rte_vmsg_bus_amp_poll(dev);
		rc = rte_vmsg_bus_amp_poll(drv);
		if (rc & RTE_VMSG_BUS_AMP_PEER_LOST)
			lost++;
		if ((rc & 0xff) == RTE_VMSG_LINK_UP)
			break;
	}
	CHECK_EQ(rc & 0xff, RTE_VMSG_LINK_UP);
	CHECK_EQ(lost, 0); /* the same loss is not reported twice */
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.live_lost, 1);
	CHECK_U64(st.peer_lost, 1);
	CHECK_U64(st.tx_notconn, 1);
out:
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/* Polls the endpoints of @p n for @p ms milliseconds. */
static void poll_for(struct rte_vmsg_bus *const *b, int n, uint64_t ms)
{
	uint64_t t_end = rte_vmsg_time_ns() + ms * 1000000ull;
	int i;

	while (rte_vmsg_time_ns() < t_end)
		for (i = 0; i < n; i++)
			rte_vmsg_bus_poll(b[i]);
}

#define KA_MS 100u

/*
 * BUS-26, the keepalive (rte_vmsg_bus_opts.peer_timeout_ms) of the endpoint
 * in role @p watcher: a silent link whose peer polls stays up (PINGs
 * answered), and so does one whose watcher itself stalled; a peer that stops polling (a hung process) is declared lost
 * after the timeout, not before: the request in flight fails with
 * -ECONNRESET, the link goes down; once the peer polls again, the link
 * comes back and requests complete. Also the option's checks.
 */
static void test_keepalive(uint32_t watcher)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus *devb = NULL, *drvb = NULL, *w, *peer;
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_bus_loop *loop = NULL;
	struct rte_vmsg_bus_amp_stats ast;
	struct rte_vmsg_bus_stats st;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_bus *b = NULL;
	struct ping_rec pr;
	uint64_t t0, t_down = 0;
	struct env e;

	if (ends_new(&e, &dev, &drv) != 0)
		goto out;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = watcher;
	/* The range, and a backend that cannot drop its link. */
	bo.peer_timeout_ms = 9;
	CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), dev, &b), -EINVAL);
	bo.peer_timeout_ms = 3600001;
	CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), dev, &b), -EINVAL);
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &loop), 0);
	bo.peer_timeout_ms = KA_MS;
	if (loop != NULL)
		CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(),
					     rte_vmsg_bus_loop_end(loop, 0), &b),
			 -ENOTSUP);
	rte_vmsg_bus_loop_destroy(loop);

	devb = bus_over(dev, RTE_VMSG_BUS_DEVICE, watcher == RTE_VMSG_BUS_DEVICE ? KA_MS : 0);
	drvb = bus_over(drv, RTE_VMSG_BUS_DRIVER, watcher == RTE_VMSG_BUS_DRIVER ? KA_MS : 0);
	if (devb == NULL || drvb == NULL)
		goto out;
	w = watcher == RTE_VMSG_BUS_DEVICE ? devb : drvb;
	peer = w == devb ? drvb : devb;
	CHECK(buses_up(devb, drvb));

	/* A silent link whose peer polls: four timeouts, no loss, PINGs answered. */
	poll_for((struct rte_vmsg_bus *[]){ devb, drvb }, 2, 4 * KA_MS);
	CHECK_EQ(rte_vmsg_bus_connected(w), 1);
	CHECK_EQ(rte_vmsg_bus_stats_get(w, &st), 0);
	CHECK_U64(st.keepalive_lost, 0);
	CHECK_U64(st.peer_lost, 0);
	CHECK(st.keepalive_pings >= 4);
	CHECK(st.completed >= st.keepalive_pings - 1);
	/*
	 * This side stalls (nobody polls: a descheduled thread) for twice the
	 * timeout, then both poll again: the peer's silence while we did not
	 * look is not held against it.
	 */
	usleep(2 * KA_MS * 1000u);
	poll_for((struct rte_vmsg_bus *[]){ devb, drvb }, 2, KA_MS);
	CHECK_EQ(rte_vmsg_bus_connected(w), 1);
	CHECK_EQ(rte_vmsg_bus_stats_get(w, &st), 0);
	CHECK_U64(st.keepalive_lost, 0);

	/* The peer hangs: only the watcher polls, with a request in flight. */
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ(rte_vmsg_bus_ping(w, 7, on_ping, &pr), 0);
	t0 = rte_vmsg_time_ns();
	while (rte_vmsg_time_ns() - t0 < 10ull * KA_MS * 1000000ull) {
		rte_vmsg_bus_poll(w);
		if (rte_vmsg_bus_connected(w) != 1) {
			t_down = rte_vmsg_time_ns() - t0;
			break;
		}
	}
	CHECK(t_down != 0);
	/*
	 * Not before the timeout: its clock started at the last frame heard,
	 * a PING's answer at most a quarter of it before the peer hung.
	 */
	CHECK(t_down >= (KA_MS - KA_MS / 4u - 5u) * 1000000ull);
	/* And within ten timeouts (t_down != 0): more than one only if this thread was descheduled. */
	CHECK_EQ(pr.calls, 1);
	CHECK_EQ(pr.status, -ECONNRESET);
	CHECK_EQ(rte_vmsg_bus_stats_get(w, &st), 0);
	CHECK_U64(st.keepalive_lost, 1);
	CHECK_U64(st.peer_lost, 1);
	CHECK_EQ(rte_vmsg_bus_amp_stats_get(w == devb ? dev : drv, &ast), 0);
	CHECK_U64(ast.live_lost, 1);
	/* While the peer stays hung, the link stays down: nothing brings it back. */
	t0 = rte_vmsg_time_ns();
	while (rte_vmsg_time_ns() - t0 < 3ull * KA_MS * 1000000ull) {
		rte_vmsg_bus_poll(w);
		if (rte_vmsg_bus_connected(w) == 1)
			break;
	}
	CHECK(rte_vmsg_bus_connected(w) != 1);

	/* The peer polls again: it sees our end PEER_DEAD, starts over, the link is back. */
	t0 = rte_vmsg_time_ns();
	while ((rte_vmsg_bus_connected(w) != 1 || rte_vmsg_bus_connected(peer) != 1) &&
	       rte_vmsg_time_ns() - t0 < 2000000000ull) {
		rte_vmsg_bus_poll(peer);
		rte_vmsg_bus_poll(w);
	}
	CHECK_EQ(rte_vmsg_bus_connected(w), 1);
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ(rte_vmsg_bus_ping(w, 8, on_ping, &pr), 0);
	ping_wait(w, peer, &pr);
	CHECK_EQ(pr.status, 0);
	CHECK_U64(pr.data, 8);
	poll_for((struct rte_vmsg_bus *[]){ devb, drvb }, 2, 2 * KA_MS);
	CHECK_EQ(rte_vmsg_bus_stats_get(w, &st), 0);
	CHECK_U64(st.keepalive_lost, 1);
out:
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

/* test_driver_lost: the device's bus, polled from the driver handle's synchronous waits. */
static void poll_bus(void *arg)
{
	rte_vmsg_bus_poll(arg);
}

static int lost_calls;

static void lost_hook(void *ctx)
{
	(void)ctx;
	lost_calls++;
}

/*
 * The device's reset op: from the lost path it runs under the op contract
 * of a request's, where rte_vmsg_dev_reset_done() says -EBUSY.
 */
static struct rte_vmsg_dev *lost_dev;
static int lost_resets, lost_reset_rc;

static int lost_reset(void *ctx)
{
	(void)ctx;
	lost_resets++;
	lost_reset_rc = rte_vmsg_dev_reset_done(lost_dev);
	return 0;
}

/* A handler that answers nothing (the hook test's device 9). */
static int silent_handler(void *ctx, const void *frame, size_t len, void *resp, size_t cap)
{
	(void)ctx, (void)frame, (void)len, (void)resp, (void)cap;
	return -ENOTSUP;
}

/*
 * The driver lost, on the device side: a transport device that its driver
 * set up (status ACKNOWLEDGE | DRIVER) resets itself when its bus sees the
 * driver restart, before any frame of the new one (peer_resets 1, status
 * 0); the new driver then finds it reset. So does one whose last driver
 * only enabled a queue, at status 0 (requests before their step are
 * answered, [LIB] §11). The hook's API: set on a registered number only,
 * device role only; NULL clears it.
 */
static void test_driver_lost(void)
{
	static const uint32_t feat[2] = { 0, 1 }; /* VERSION_1 */
	static const struct vmsg_util_model no_config = { NULL, 0 };
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus *devb = NULL, *drvb = NULL;
	struct rte_vmsg_bus_amp_opts o;
	struct rte_vmsg_dev_opts dopts;
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev_stats ds;
	struct rte_vmsg_drv_opts ro;
	struct rte_vmsg_dev_info info;
	struct rte_vmsg_vqueue vq;
	struct rte_vmsg_dev_vq dq;
	struct rte_vmsg_drv *h = NULL;
	struct rte_vmsg_dev *d = NULL;
	uint32_t st = 0, k;
	uint64_t t0;
	struct env e;
	int i;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), 0);
	if (dev == NULL || (devb = bus_over(dev, RTE_VMSG_BUS_DEVICE, 0)) == NULL)
		goto out;
	vmsg_util_model_ops(&ops, &no_config, 1);
	ops.features = feat;
	ops.num_feature_blocks = 2;
	ops.num_queues = 1;
	ops.queue_max_size = 64;
	ops.reset = lost_reset;
	memset(&dopts, 0, sizeof(dopts));
	dopts.sz = sizeof(dopts);
	dopts.dev_num = 1;
	dopts.bus = devb;
	CHECK_EQ(rte_vmsg_dev_create(&dopts, &ops, NULL, &d), 0);
	lost_dev = d;
	/* The hook's API, on a number of its own. */
	CHECK_EQ(rte_vmsg_bus_dev_set_lost(devb, 9, lost_hook), -ENOENT);
	CHECK_EQ(rte_vmsg_bus_dev_register(devb, 9, silent_handler, NULL), 0);
	CHECK_EQ(rte_vmsg_bus_dev_set_lost(devb, 9, lost_hook), 0);
	CHECK_EQ(rte_vmsg_bus_dev_set_lost(NULL, 9, lost_hook), -EINVAL);
	if (d == NULL)
		goto out;

	for (i = 0; i < 3; i++) {
		/* A driver: its end, its bus, a handle that sets ACKNOWLEDGE | DRIVER. */
		opts_base(&o, &e, RTE_VMSG_BUS_DRIVER);
		CHECK_EQ(rte_vmsg_bus_amp_create(&o, &drv), 0);
		if (drv == NULL || (drvb = bus_over(drv, RTE_VMSG_BUS_DRIVER, 0)) == NULL)
			goto out;
		if (i == 0)
			CHECK_EQ(rte_vmsg_bus_dev_set_lost(drvb, 1, lost_hook), -EPERM);
		CHECK(buses_up(devb, drvb));
		if (i == 1) {
			/* The restart was seen before the new driver's first frame. */
			CHECK_EQ(lost_calls, 1);
			CHECK_EQ(rte_vmsg_dev_status(d), 0);
			CHECK_EQ(rte_vmsg_dev_stats_get(d, &ds), 0);
			CHECK_U64(ds.peer_resets, 1);
			CHECK_EQ(lost_resets, 1);
			CHECK_EQ(lost_reset_rc, -EBUSY);
		}
		memset(&ro, 0, sizeof(ro));
		ro.sz = sizeof(ro);
		ro.poll_peer = poll_bus;
		ro.poll_peer_arg = devb;
		CHECK_EQ(rte_vmsg_drv_open(drvb, 1, &ro, &h), 0);
		if (h == NULL)
			goto out;
		CHECK_EQ(rte_vmsg_drv_get_status(h, &st), 0);
		CHECK_EQ(st, 0); /* a new driver finds the device reset */
		if (i < 2) {
			k = RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER;
			CHECK_EQ(rte_vmsg_drv_set_status(h, k, &st), 0);
			CHECK_EQ(rte_vmsg_dev_status(d), k);
		} else {
			/* The last driver: a queue enabled at status 0, nothing else. */
			CHECK_EQ(rte_vmsg_drv_get_info(h, &info), 0);
			CHECK_EQ(rte_vmsg_drv_get_vqueue(h, 0, &vq), 0);
			CHECK_EQ(vq.max_size, 64);
			memset(&vq, 0, sizeof(vq));
			vq.flags = RTE_VMSG_VQ_OP_ENABLE;
			vq.size = 64;
			vq.desc_addr = 0x10000;
			vq.driver_addr = 0x20000;
			vq.device_addr = 0x30000;
			CHECK_EQ(rte_vmsg_drv_set_vqueue(h, &vq), 0);
			CHECK_EQ(rte_vmsg_dev_vq_get(d, 0, &dq), 0);
			CHECK_EQ(dq.enabled, 1);
			CHECK_EQ(rte_vmsg_dev_status(d), 0);
		}
		CHECK_EQ(lost_calls, i);
		/* The driver goes: handle, bus, end (its queue head SHUTDOWN). */
		rte_vmsg_drv_close(h);
		h = NULL;
		rte_vmsg_bus_destroy(drvb);
		drvb = NULL;
		rte_vmsg_bus_amp_destroy(drv);
		drv = NULL;
	}
	/* The last driver left, and nothing came after: the device resets all the same. */
	t0 = rte_vmsg_time_ns();
	while (lost_calls < 3 && rte_vmsg_time_ns() - t0 < 2000000000ull)
		rte_vmsg_bus_poll(devb);
	CHECK_EQ(lost_calls, 3);
	CHECK_EQ(rte_vmsg_dev_status(d), 0);
	CHECK_EQ(rte_vmsg_dev_vq_get(d, 0, &dq), 0);
	CHECK_EQ(dq.enabled, 0);
	CHECK_EQ(dq.size, 0);
	CHECK_U64(dq.desc_addr, 0);
	CHECK_EQ(rte_vmsg_dev_stats_get(d, &ds), 0);
	CHECK_U64(ds.peer_resets, 3);
	/* Cleared: not called again. */
	CHECK_EQ(rte_vmsg_bus_dev_set_lost(devb, 9, NULL), 0);
out:
	rte_vmsg_drv_close(h);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_amp_destroy(drv);
	rte_vmsg_dev_destroy(d);
	(void)rte_vmsg_bus_dev_unregister(devb, 9);
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_amp_destroy(dev);
	env_free(&e);
}

/*
 * Hostile values: an element whose msg_size is impossible is dropped and
 * counted; a peer index out of range breaks the link: the bus sees the peer
 * lost, the link down with our head PEER_DEAD, then up when the peer starts
 * over.
 */
static void test_hostile(void)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus *drvb = NULL;
	struct rte_vmsg_bus_amp_stats st;
	struct rte_vmsg_bus_stats bs;
	uint8_t f[64], in[2][64];
	size_t len, lens[2];
	uint64_t t_end;
	uint16_t bad;
	struct env e;

	if (ends_new(&e, &dev, &drv) != 0)
		goto out;
	CHECK_EQ(both_up(dev, drv), 0);

	/* Two frames; the peer then rewrites the first one's msg_size to 3, then 65. */
	len = ping_frame(f, 1);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(dev, f, len), 0);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(dev, f, len), 0);
	bad = rte_vmsg_cpu_to_le16(3);
	memcpy(e.mem + LINK_OFF + OFF_DEV_ELEMS + RTE_VMSG_OFF_MSG_SIZE, &bad, 2);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(drv, in, 64, lens, 2), 1);
	CHECK_EQ(lens[0], len);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(dev, f, len), 0);
	bad = rte_vmsg_cpu_to_le16(65); /* above the 64-byte element */
	memcpy(e.mem + LINK_OFF + OFF_DEV_ELEMS + 2 * 64 + RTE_VMSG_OFF_MSG_SIZE, &bad, 2);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(drv, in, 64, lens, 2), 0);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.rx_garbage, 2);
	CHECK_U64(st.rx_frames, 1);

	/*
	 * The device's tail out of range: the driver's link breaks, which the
	 * bus sees as a peer lost and down (test_link_recover covers the
	 * recovery on every side, field and layout).
	 */
	drvb = bus_over(drv, RTE_VMSG_BUS_DRIVER, 0);
	bad = rte_vmsg_cpu_to_le16(0x7fff);
	memcpy(e.mem + LINK_OFF + OFF_DEV_QHEAD + QHEAD_TAIL_OFF, &bad, 2);
	t_end = rte_vmsg_time_ns() + 2000000000ull;
	while (rte_vmsg_bus_stats_get(drvb, &bs) == 0 && bs.peer_lost == 0 &&
	       rte_vmsg_time_ns() < t_end)
		rte_vmsg_bus_poll(drvb);
	CHECK_U64(bs.peer_lost, 1);
	CHECK_EQ(rte_vmsg_bus_connected(drvb), 0);
	CHECK_EQ(rte_vmsg_bus_amp_poll(drv), RTE_VMSG_LINK_PEER_DOWN | RTE_VMSG_BUS_AMP_PEER_LOST);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->tx(drv, f, len), -ENOTCONN);
	CHECK_EQ(rte_vmsg_bus_amp_ops()->rx_burst(drv, in, 64, lens, 2), 0);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.link_breaks, 1);
	CHECK_U64(st.peer_lost, 1);
	/* PEER_DEAD in the driver's queue head, until the device starts over. */
	CHECK_EQ(e.mem[LINK_OFF + 128 + 2], RTE_VMSG_QSTATE_PEER_DEAD);
	CHECK_EQ(both_up(dev, drv), 0);
	rte_vmsg_bus_amp_stats_get(drv, &st);
	CHECK_U64(st.link_recoveries, 1);
out:
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

static int cancel_at_once(void *arg)
{
	(*(int *)arg)++;
	return 1;
}

/* rte_vmsg_bus_wait_connected(): bounded, cancellable, 0 once the link is up. */
static void test_wait_connected(void)
{
	struct rte_vmsg_bus_amp *dev = NULL, *drv = NULL;
	struct rte_vmsg_bus *devb = NULL;
	struct rte_vmsg_bus_amp_opts o;
	uint64_t t0;
	struct env e;
	int calls = 0;

	CHECK_EQ(env_new(&e), 0);
	opts_base(&o, &e, RTE_VMSG_BUS_DEVICE);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &dev), 0);
	if (dev == NULL || (devb = bus_over(dev, RTE_VMSG_BUS_DEVICE, 0)) == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_bus_wait_connected(NULL, 1000, NULL, NULL), -EINVAL);
	t0 = rte_vmsg_time_ns();
	CHECK_EQ(rte_vmsg_bus_wait_connected(devb, 5000000, NULL, NULL), -ETIMEDOUT); /* no peer */
	CHECK(rte_vmsg_time_ns() - t0 >= 5000000);
	CHECK_EQ(rte_vmsg_bus_wait_connected(devb, 5000000000ull, cancel_at_once, &calls),
		 -ECANCELED);
	CHECK_EQ(calls, 1);
	/* The driver end comes (its handshake runs in its poll): then 0. */
	opts_base(&o, &e, RTE_VMSG_BUS_DRIVER);
	CHECK_EQ(rte_vmsg_bus_amp_create(&o, &drv), 0);
	if (drv != NULL) {
		CHECK_EQ(rte_vmsg_bus_amp_poll(drv) >= 0, 1);
		t0 = rte_vmsg_time_ns();
		while (rte_vmsg_bus_wait_connected(devb, 1000000, NULL, NULL) != 0 &&
		       rte_vmsg_time_ns() - t0 < 2000000000ull)
			rte_vmsg_bus_amp_poll(drv);
		CHECK_EQ(rte_vmsg_bus_wait_connected(devb, 1000000, NULL, NULL), 0);
	}
out:
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_amp_destroy(dev);
	rte_vmsg_bus_amp_destroy(drv);
	env_free(&e);
}

int main(void)
{
	test_opts();
	test_bus_over_amp(0);
	test_bus_over_amp(RTE_VMSG_BUS_AMP_F_DRIVER_WRITES);
	test_bell_wakes(BELL_FUTEX);
	test_bell_wakes(BELL_EVENTFD_WORDS);
	test_bell_wakes(BELL_EVENTFD_BARE);
	test_bell_mmio();
	test_restart();
	test_foreign_restart(0);
	test_foreign_restart(1);
	test_liveness();
	test_keepalive(RTE_VMSG_BUS_DRIVER);
	test_keepalive(RTE_VMSG_BUS_DEVICE);
	test_driver_lost();
	test_hostile();
	test_wait_connected();
	return vtest_done("test_bus_amp");
}
