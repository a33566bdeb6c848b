/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net: virtio-net over virtio-msg, a device process and a driver process on
 * one shm bus file (hugepages), one core each. Side 1 is the device end: it
 * creates the file and one loopback virtio-net device (it sends back every
 * packet the driver transmits, Ethernet addresses swapped), and polls. Side
 * 0 is the driver end and measures:
 *
 *  - pps: NET_WINDOW packets circulate; the driver sends back everything it
 *    receives, as testpmd's mac forwarding does on either side of DPDK's
 *    vhost-user pair (from the receive buffers, as testpmd forwards the
 *    mbufs it received), and counts the packets it receives per second;
 *  - lat: one packet at a time, the round trip from tx_burst to the
 *    rx_burst that returns it.
 *
 * In event mode both ends exchange EVENT_AVAIL / EVENT_USED as the rings ask
 * for them (they still poll: the notifications cost, they do not save, CPU).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>

#include "bench.h"

#define NET_QSIZE 1024u /* entries per queue, as testpmd's --txd/--rxd 1024 */
#define NET_WINDOW 512u /* packets circulating in the pps test */
#define NET_BURST 32u	/* packets per burst call */
#define NET_FRAME_MAX 1518u
#define NET_DMA ((uint64_t)16 << 20)
#define NET_DEV_NUM 1u
#define NET_CTL_SPINS 0xffffu

/* The words both sides see, at the start of the measurement area. */
struct net_shared {
	uint32_t stop; /* side 0 sets it (release) when done; side 1 then stops */
	uint8_t pad[60];
};

/* The mode's arguments (a child process has a copy: side 0 writes only its own). */
struct net_args {
	enum bench_test test;
	uint32_t pkt_len; /* frame bytes, without the virtio-net header */
	uint32_t notify;  /* enum rte_vmsg_net_notify */
	int ring;	  /* enum bench_ring: what the device end offers */
	char path[300];
	uint32_t shm_flags; /* the page flags of --hugepages (bench_shm_path()) */
	uint64_t count;	    /* packets (pps) or round trips (lat), timed */
	uint64_t warmup;    /* the same, before timing */
	uint64_t *ticks;    /* side 0, lat: one per round trip */
	struct bench_run *out;
	char attached[256]; /* side 0: the file as the driver end found it */
	/* --bus amp: a bare link at +4096 of @c link, the driver's memory in @c ram. */
	int amp;
	uint32_t payloads;
	uint32_t elems;	  /* --elems: elements per direction */
	size_t link_size; /* +4096, then the layout, 4 KiB aligned */
	char link[128], ram[128];
};

/*
 * --bus amp: the memory of one end of a bare link, as a VM's driver and a
 * host device meet over an ivshmem BAR: the link file, the "guest RAM" file
 * (bus address = file offset), the map, the amp end.
 */
struct net_amp {
	struct rte_vmsg_region *link, *ram;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_bus_amp *amp;
};

#define NET_AMP_OFFSET 4096u /* where QEMU's amp-pci model and the Linux driver put it */
#define NET_AMP_ESIZE 64u    /* the Linux driver's element */

static void net_amp_free(struct net_amp *m)
{
	rte_vmsg_bus_amp_destroy(m->amp);
	rte_vmsg_memmap_destroy(m->map);
	rte_vmsg_region_destroy(m->ram);
	rte_vmsg_region_destroy(m->link);
	memset(m, 0, sizeof(*m));
}

/* A plain shared file: created (device end, removed at its exit) or attached as it is. */
static int net_amp_file(const char *path, size_t size, struct rte_vmsg_region **out)
{
	struct rte_vmsg_region_opts ro;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
	if (size != 0)
		ro.flags |= RTE_VMSG_REGION_OPT_REPLACE | RTE_VMSG_REGION_OPT_UNLINK;
	else
		ro.flags |= RTE_VMSG_REGION_OPT_ATTACH;
	ro.path = path;
	ro.size = size;
	return rte_vmsg_region_create(&ro, out);
}

/*
 * One end of the bare link and its bus. The device end makes both files and
 * lays the link out; the driver end waits (bounded, or until either side
 * aborts) for them and for the layout.
 */
static int net_amp_open(struct bench_side *s, const struct net_args *a, uint32_t role,
			struct net_amp *m, struct rte_vmsg_bus **bus, const char **what)
{
	uint64_t now, end = rte_vmsg_time_ns() + (uint64_t)BENCH_TIMEOUT_S * 1000000000u;
	struct timespec nap = { 0, 1000000 };
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_bus_opts bo;
	int dev = role == RTE_VMSG_BUS_DEVICE, rc;

	memset(m, 0, sizeof(*m));
	*what = "the link file";
	for (;;) {
		rc = net_amp_file(a->link, dev ? a->link_size : 0, &m->link);
		if (rc == 0)
			rc = net_amp_file(a->ram, dev ? NET_DMA : 0, &m->ram);
		if (rc == 0 || dev || rc != -ENOENT)
			break;
		rte_vmsg_region_destroy(m->link);
		m->link = NULL;
		if (rte_vmsg_time_ns() > end || bench_read_once(&s->ctl->abort) != 0)
			return rc;
		nanosleep(&nap, NULL);
	}
	if (rc < 0)
		return rc;
	*what = "the map of the guest RAM";
	rc = rte_vmsg_memmap_create(&m->map);
	if (rc == 0)
		rc = rte_vmsg_memmap_add(m->map, m->ram);
	if (rc < 0)
		return rc;
	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = role;
	ao.region = m->link;
	ao.offset = NET_AMP_OFFSET;
	ao.elem_size = dev ? NET_AMP_ESIZE : 0u;
	ao.num_elems = dev ? a->elems : 0u;
	ao.map = m->map;
	*what = "the AMP link";
	while ((rc = rte_vmsg_bus_amp_create(&ao, &m->amp)) == -EAGAIN &&
	       rte_vmsg_time_ns() < end && bench_read_once(&s->ctl->abort) == 0)
		nanosleep(&nap, NULL);
	if (rc < 0)
		return rc;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = role;
	bo.payloads = a->payloads;
	*what = "the bus";
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), m->amp, bus);
	if (rc < 0 || dev)
		return rc;
	*what = "the link";
	now = rte_vmsg_time_ns();
	return rte_vmsg_bus_wait_connected(*bus, now < end ? end - now : 0, bench_aborted, s);
}

static __attribute__((format(printf, 2, 3))) void net_fail(struct bench_side *s, const char *fmt,
							   ...)
{
	va_list ap;

	__atomic_store_n(&s->ctl->abort, 1u, __ATOMIC_RELAXED);
	if (bench_progress_tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "vmsg-bench: net, %s end: ", s->side == 0 ? "driver" : "device");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static struct net_shared *net_sh(const struct bench_side *s)
{
	return (struct net_shared *)(void *)s->area;
}

/* ------------------------------------------------------------------------ */
/* Device end (side 1)                                                      */

struct net_dev_end {
	struct rte_vmsg_bus_shm *shm;
	struct net_amp amp; /* --bus amp */
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_dev *nd;
};

static void net_dev_down(struct net_dev_end *d)
{
	rte_vmsg_net_dev_destroy(d->nd);
	if (d->shm == NULL)
		rte_vmsg_bus_destroy(d->bus);
	rte_vmsg_bus_shm_close(d->shm, d->shm != NULL ? d->bus : NULL);
	net_amp_free(&d->amp);
}

static int net_dev_up(struct bench_side *s, const struct net_args *a, struct net_dev_end *d)
{
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_net_dev_opts no;
	const char *what;
	int rc;

	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = a->path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_UNLINK;
	so.flags |= a->shm_flags;
	so.dma_size = NET_DMA;
	what = "rte_vmsg_bus_shm_open(device)";
	if (a->amp)
		rc = net_amp_open(s, a, RTE_VMSG_BUS_DEVICE, &d->amp, &d->bus, &what);
	else
		rc = rte_vmsg_bus_shm_open(&so, NULL, &d->shm, &d->bus);
	if (rc < 0)
		goto fail;
	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = d->bus;
	/* The driver's addresses: offsets in the shm file, or in the guest RAM file. */
	no.map = rte_vmsg_bus_memmap(d->bus);
	no.dev_num = NET_DEV_NUM;
	no.queue_size = NET_QSIZE;
	no.backend = RTE_VMSG_NET_BACKEND_LOOPBACK;
	no.notify = a->notify;
	/* --ring, --in-order: the device end holds back what the case does not use. */
	no.features = rte_vmsg_net_dev_supported_features();
	if ((a->ring & BENCH_RING_SPLIT_IO) == 0)
		no.features &= ~(1ull << RTE_VMSG_VIRTIO_F_IN_ORDER);
	if ((a->ring & BENCH_RING_PACKED) == 0)
		no.features &= ~(1ull << RTE_VMSG_VIRTIO_F_RING_PACKED);
	no.mac[0] = 0x02;
	no.mac[5] = 0x01;
	what = "rte_vmsg_net_dev_create";
	rc = rte_vmsg_net_dev_create(&no, &d->nd);
	if (rc < 0)
		goto fail;
	return 0;
fail:
	net_fail(s, "set-up, %s (%s): %s", what, a->path, strerror(-rc));
	return -1;
}

/* Polls until side 0 says stop; the end's control path runs in the bus poll. */
static int net_serve(struct bench_side *s, struct net_dev_end *d)
{
	struct net_shared *sh = net_sh(s);
	struct bench_wait w;
	uint64_t spins = 0;
	int moved, rc;

	bench_wait_init(&w, s);
	/* Acquire pairs with the release in net_driver(). */
	while (!bench_load_acquire(&sh->stop)) {
		rc = rte_vmsg_bus_poll(d->bus);
		if (rc < 0) {
			net_fail(s, "rte_vmsg_bus_poll(device): %s", strerror(-rc));
			return -1;
		}
		rte_vmsg_net_dev_service(d->nd);
		moved = rte_vmsg_net_dev_poll(d->nd, 0);
		if (moved > 0 || rc > 0) {
			bench_progress(&spins);
			continue;
		}
		rc = bench_idle(&w, &spins);
		if (rc == 0 && (spins & NET_CTL_SPINS) == 0 &&
		    rte_vmsg_bus_connected(d->bus) != 1) {
			if (bench_load_acquire(&sh->stop))
				break;
			net_fail(s, "the driver end died or left");
			return -1;
		}
		if (rc < 0) {
			if (bench_load_acquire(&sh->stop))
				break;
			net_fail(s, "no packet (%s)", bench_why(rc));
			return -1;
		}
	}
	return 0;
}

static int net_device(struct bench_side *s, struct net_args *a)
{
	struct net_dev_end d;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = net_dev_up(s, a, &d);
	if (rc == 0 && rte_vmsg_bus_wait_connected(d.bus, (uint64_t)BENCH_TIMEOUT_S * 1000000000u,
						   bench_aborted, s) != 0) {
		net_fail(s, "the link did not come up (no driver end)");
		rc = -1;
	}
	if (rc == 0)
		rc = bench_start_line(s);
	if (rc == 0)
		rc = net_serve(s, &d);
	net_dev_down(&d);
	return rc < 0 ? -1 : 0;
}

/* ------------------------------------------------------------------------ */
/* Driver end (side 0)                                                      */

struct net_drv_end {
	struct rte_vmsg_bus_shm *shm;
	struct net_amp amp; /* --bus amp */
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_drv *nd;
	struct rte_vmsg_net_pkt pkts[NET_BURST];  /* into bufs: the window's first packets, lat */
	struct rte_vmsg_net_pkt zpkts[NET_BURST]; /* pps: lent by the receive queue */
	uint8_t (*bufs)[NET_FRAME_MAX];
};

static int net_drv_up(struct bench_side *s, struct net_args *a, struct net_drv_end *e)
{
	const char *what;
	int rc;

	if (a->amp) {
		rc = net_amp_open(s, a, RTE_VMSG_BUS_DRIVER, &e->amp, &e->bus, &what);
		if (rc < 0) {
			net_fail(s, "set-up, driver end of the bare link, %s (%s): %s", what,
				 a->link, strerror(-rc));
			return -1;
		}
		return 0;
	}
	rc = bench_shm_attach(s, a->path, a->shm_flags, 0, &e->shm, &e->bus, a->attached,
			      sizeof(a->attached));
	if (rc < 0) {
		net_fail(s, "set-up, rte_vmsg_bus_shm_open(driver) (%s): %s", a->path,
			 strerror(-rc));
		return -1;
	}
	return 0;
}

/* After the start line: the device end serves, so the synchronous init can run. */
static int net_drv_open(struct bench_side *s, struct net_args *a, struct net_drv_end *e)
{
	struct rte_vmsg_net_drv_opts o;
	uint64_t dma_bus = 0, dma_size = 0;
	void *dma = NULL;
	int rc;

	if (e->amp.ram != NULL) { /* the driver's rings and buffers in the guest RAM */
		dma = rte_vmsg_region_addr(e->amp.ram);
		dma_bus = rte_vmsg_region_bus_addr(e->amp.ram);
		dma_size = rte_vmsg_region_len(e->amp.ram);
	} else {
		rte_vmsg_bus_shm_dma(e->shm, &dma, &dma_bus, &dma_size);
	}
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = e->bus;
	o.dev_num = NET_DEV_NUM;
	o.queue_pairs = 1;
	o.queue_size = NET_QSIZE;
	o.dma_addr = dma;
	o.dma_bus_addr = dma_bus;
	o.dma_size = dma_size;
	o.notify = a->notify;
	/* Both ring features wanted: the device end's offer makes the case's mode. */
	o.features = rte_vmsg_net_drv_default_features() | (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED) |
		     (1ull << RTE_VMSG_VIRTIO_F_IN_ORDER);
	o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	rc = rte_vmsg_net_drv_create(&o, &e->nd);
	if (rc < 0) {
		net_fail(s, "rte_vmsg_net_drv_create (%s): %s", a->path, strerror(-rc));
		return -1;
	}
	return 0;
}

/* A frame of @p len bytes: broadcast-free unicast addresses, an experimental ethertype. */
static void net_frame(uint8_t *f, uint32_t len)
{
	memset(f, 0, len);
	memcpy(f, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x88\xb5", 14);
}

/*
 * Receives what came back and sends it again; returns packets received or
 * -errno. As a forwarding application does (DPDK's io forwarding): the
 * packets are lent in the receive buffers they arrived in and sent from
 * there without a copy (lib/net's zero-copy forwarding, doc/net.md); free
 * transmit buffers take their place in the receive queue at the release.
 */
static int net_turn(struct net_drv_end *e, uint32_t notify)
{
	int n, k, rc;

	if (notify == RTE_VMSG_NET_NOTIFY_EVENT)
		rte_vmsg_bus_poll(e->bus); /* EVENT_USED in, the ring kept drained */
	n = rte_vmsg_net_drv_rx_burst_zc(e->nd, 0, e->zpkts, NET_BURST);
	if (n <= 0)
		return n;
	for (k = 0; k < n; k++)
		e->zpkts[k].hdr.flags = 0;
	k = rte_vmsg_net_drv_tx_burst(e->nd, 0, e->zpkts, (uint32_t)n);
	rc = rte_vmsg_net_drv_rx_release(e->nd, 0);
	if (k < 0)
		return k;
	if (rc < 0)
		return rc;
	/* The transmit queue is as deep as the window: it always takes them all. */
	return k == n ? n : -ENOSPC;
}

static int net_pps(struct bench_side *s, struct net_args *a, struct net_drv_end *e)
{
	uint64_t got = 0, goal, t0 = 0, c0 = 0, spins = 0;
	struct bench_perf_ctx perf = { .n = 0 };
	double cpu0 = 0;
	struct bench_wait w;
	uint32_t k, sent = 0;
	int n, rc;

	for (k = 0; k < NET_BURST; k++) {
		e->pkts[k].len = a->pkt_len;
		net_frame(e->pkts[k].data, a->pkt_len);
	}
	/* The window, as testpmd's "start tx_first": bursts until NET_WINDOW are out. */
	while (sent < NET_WINDOW) {
		n = rte_vmsg_net_drv_tx_burst(e->nd, 0, e->pkts, NET_BURST);
		if (n < 0) {
			net_fail(s, "tx_burst: %s", strerror(-n));
			return -1;
		}
		sent += (uint32_t)n;
	}
	bench_wait_init(&w, s);
	goal = a->warmup + a->count;
	while (got < goal) {
		n = net_turn(e, a->notify);
		if (n < 0) {
			net_fail(s, "forwarding: %s", strerror(-n));
			goto fail;
		}
		if (n == 0) {
			rc = bench_idle(&w, &spins);
			if (rc < 0) {
				net_fail(s, "no packet came back (%s)", bench_why(rc));
				goto fail;
			}
			continue;
		}
		bench_progress(&spins);
		if (got < a->warmup && got + (uint64_t)n >= a->warmup) {
			bench_perf_begin(&perf);
			t0 = rte_vmsg_time_ns();
			c0 = rte_vmsg_tsc();
			cpu0 = bench_thread_cpu_ns();
		}
		got += (uint64_t)n;
	}
	t0 = rte_vmsg_time_ns() - t0;
	c0 = rte_vmsg_tsc() - c0;
	cpu0 = bench_thread_cpu_ns() - cpu0;
	/* Before the results are stored: their page is copy-on-write after the fork. */
	bench_perf_end(&perf, a->out);
	a->out->iterations = got - a->warmup;
	a->out->real_ns = (double)t0;
	a->out->cpu_ns = cpu0;
	a->out->mps = (double)a->out->iterations * 1e9 / a->out->real_ns;
	a->out->cycles_per_msg = (double)c0 / (double)a->out->iterations;
	return 0;
fail:
	bench_perf_end(&perf, a->out);
	return -1;
}

static int net_lat(struct bench_side *s, struct net_args *a, struct net_drv_end *e)
{
	uint64_t i, t, spins = 0, t0 = 0;
	struct bench_perf_ctx perf = { .n = 0 };
	double cpu0 = 0;
	struct bench_wait w;
	int n, rc;

	e->pkts[0].len = a->pkt_len;
	net_frame(e->pkts[0].data, a->pkt_len);
	bench_wait_init(&w, s);
	for (i = 0; i < a->warmup + a->count; i++) {
		if (i == a->warmup) {
			bench_perf_begin(&perf);
			t0 = rte_vmsg_time_ns();
			cpu0 = bench_thread_cpu_ns();
		}
		e->pkts[0].len = a->pkt_len;
		e->pkts[0].cap = NET_FRAME_MAX;
		t = rte_vmsg_tsc();
		n = rte_vmsg_net_drv_tx_burst(e->nd, 0, e->pkts, 1);
		if (n != 1) {
			net_fail(s, "tx_burst: %d", n);
			goto fail;
		}
		for (;;) {
			if (a->notify == RTE_VMSG_NET_NOTIFY_EVENT)
				rte_vmsg_bus_poll(e->bus);
			n = rte_vmsg_net_drv_rx_burst(e->nd, 0, e->pkts, 1);
			if (n != 0)
				break;
			rc = bench_idle(&w, &spins);
			if (rc < 0) {
				net_fail(s, "the packet did not come back (%s)", bench_why(rc));
				goto fail;
			}
		}
		if (n != 1 || e->pkts[0].len != a->pkt_len) {
			net_fail(s, "rx_burst: %d, %u bytes", n, e->pkts[0].len);
			goto fail;
		}
		bench_progress(&spins);
		if (i >= a->warmup)
			a->ticks[i - a->warmup] = rte_vmsg_tsc() - t;
	}
	t0 = rte_vmsg_time_ns() - t0;
	cpu0 = bench_thread_cpu_ns() - cpu0;
	bench_perf_end(&perf, a->out);
	a->out->iterations = a->count;
	a->out->real_ns = (double)t0;
	a->out->cpu_ns = cpu0;
	return 0;
fail:
	bench_perf_end(&perf, a->out);
	return -1;
}

static int net_driver(struct bench_side *s, struct net_args *a)
{
	struct net_drv_end e;
	int rc;
	uint32_t k;

	memset(&e, 0, sizeof(e));
	e.bufs = calloc(NET_BURST, sizeof(*e.bufs));
	if (e.bufs == NULL) {
		net_fail(s, "out of memory");
		return -1;
	}
	for (k = 0; k < NET_BURST; k++) {
		e.pkts[k].data = e.bufs[k];
		e.pkts[k].cap = NET_FRAME_MAX;
	}
	rc = net_drv_up(s, a, &e);
	if (rc == 0)
		rc = bench_start_line(s);
	if (rc == 0)
		rc = net_drv_open(s, a, &e);
	if (rc == 0)
		rc = a->test == BENCH_NET_PPS ? net_pps(s, a, &e) : net_lat(s, a, &e);
	/* Release pairs with the acquire in net_serve(). */
	bench_store_release(&net_sh(s)->stop, 1u);
	rte_vmsg_net_drv_destroy(e.nd);
	if (e.shm == NULL)
		rte_vmsg_bus_destroy(e.bus);
	rte_vmsg_bus_shm_close(e.shm, e.shm != NULL ? e.bus : NULL);
	net_amp_free(&e.amp);
	free(e.bufs);
	return rc < 0 ? -1 : 0;
}

static int net_side(struct bench_side *s)
{
	struct net_args *a = s->arg;

	return s->side == 0 ? net_driver(s, a) : net_device(s, a);
}

/* ------------------------------------------------------------------------ */

int net_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	struct net_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.test = c->test;
	a.pkt_len = c->elem_size;
	a.notify = c->notify;
	a.ring = c->ring;
	a.shm_flags = bench_shm_path(env->cfg, "net", a.path, sizeof(a.path));
	a.amp = env->cfg->bus_amp;
	a.payloads = env->cfg->payloads;
	a.elems = env->cfg->elems;
	a.link_size = (NET_AMP_OFFSET + rte_vmsg_link_layout_size(a.elems, NET_AMP_ESIZE) + 4095u) &
		      ~(size_t)4095u;
	snprintf(a.link, sizeof(a.link), "/dev/shm/vmsg_bench_amp_%d.link", (int)getpid());
	snprintf(a.ram, sizeof(a.ram), "/dev/shm/vmsg_bench_amp_%d.ram", (int)getpid());
	if (c->test == BENCH_NET_PPS) {
		/* A tenth of the ring's message count: each packet is a few lines. */
		a.count = env->cfg->messages / 10;
		if (a.count < 10000)
			a.count = 10000;
	} else {
		a.count = env->cfg->samples / 10;
		if (a.count < 1000)
			a.count = 1000;
	}
	a.warmup = bench_warmup(a.count);
	a.ticks = env->ticks;
	a.out = out;
	c->msg_bytes = c->elem_size;
	memset(env->area, 0, sizeof(struct net_shared));
	/* Always two processes: a driver process and a device process. */
	rc = bench_pair_run_procs(env, net_side, &a);
	if (rc < 0) {
		if (a.attached[0] != '\0')
			unlink(a.attached);
		return -1;
	}
	if (c->test == BENCH_NET_LAT) {
		bench_latency_stats(env->ticks, a.count, env->tsc_hz, out);
		out->mps = (double)a.count * 1e9 / out->real_ns;
	}
	return 0;
}
