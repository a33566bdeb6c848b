/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Flip: a flipper process keeps rewriting the shared-memory fields the
 * library reads while real library code attaches, parses and pops
 * (ARCHITECTURE.md §3 rule 1: every value the peer can still write is read
 * once into a private copy, validated, and only the copy used). The
 * flipper is a process, not a thread: its races are on purpose and would
 * be TSan reports, so this is suite 'flip', run by the ASan (and release)
 * steps of scripts/test-all.sh, never by the TSan step.
 *
 * Usage: test_flip <surface>. Each surface runs a bounded time (FLIP_NS):
 *
 *  bus_page  a driver attaches (rte_vmsg_bus_shm_create(), driver role) in
 *            a loop while the flipper toggles link_size (and, in a second
 *            phase, dma_offset, dma_size, max_msg_size) between the honest
 *            value and one far past the file, then writes random and
 *            boundary values into the parameter line and the reserved
 *            bytes. In the first phase the layout header names a driver
 *            queue head 512 GiB into the link: only a link size read twice
 *            (checked, then read again) could make the driver write there
 *            (SIGSEGV; with the pre-fix shm.c it did within a second).
 *            Every attach must be refused or give a bus whose DMA area,
 *            link and message size lie inside the file.
 *  layout    the same attach loop while the flipper rewrites the v1 layout
 *            header: refused, or a link whose ring ends are consistent.
 *  link      a device end and a driver end (rte_vmsg_bus_shm) exchange
 *            frames while the flipper rewrites both queue heads and the
 *            frames in the ring slots: every ring end stays consistent
 *            (rte_vmsg_ring_valid()), every received element is parsed
 *            (valid or cleanly rejected), values that cannot be are
 *            counted (bad_index, bad_state, bad_magic); then calm, both
 *            ends start over and carry checked frames again.
 *  net       virtio-net device (loopback) and driver over the shm bus while
 *            the flipper rewrites the driver's virtqueues (descriptors,
 *            avail and used rings) and the buffers (net headers, frames);
 *            a broken driver is made again (the flipper calm meanwhile);
 *            then the flipper rewrites the frames in the ring slots while
 *            the driver resets the device again and again (bus, transport
 *            device and driver); then calm, a new driver, and checked
 *            packets come back. Split rings (the device offers neither
 *            RING_PACKED nor IN_ORDER).
 *  net_packed  the same over packed in-order queues (the driver adds
 *            RING_PACKED to its default): the flipper rewrites the descriptor rings
 *            (available and used descriptors, flags with the wrap bits),
 *            both event suppression structures and the buffers.
 *
 * The victim is this process; the flipper is a child pinned to the other
 * CPU (when there are two), killed with its parent. Every mapping of the
 * file in the victim lies between PROT_NONE guard pages
 * (RTE_VMSG_BUS_SHM_F_GUARD).
 *
 * Built with -DFLIP_BUS_PAGE_ONLY, the bus_page and layout surfaces compile
 * against older trees too: against the shm.c before the read-once fix
 * (the parent of 1cccbdd), gcc -O2 -DFLIP_BUS_PAGE_ONLY -Iinclude -Ibuild
 * -I<this tree>/test/common test_flip.c -Lbuild -lrte_vmsg, bus_page
 * fails 10 runs in 10 (SIGSEGV within about a second).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_ring.h>
#ifndef FLIP_BUS_PAGE_ONLY
#include <rte_vmsg_net.h>
#include <rte_vmsg_virtq.h>
#endif

#include "vtest.h"

#define MS 1000000ull
#define SEC 1000000000ull
#define FLIP_NS (1500 * MS) /* per phase */
#define FLIPPER_MAX_NS (60 * SEC)
#define NELEMS 64u
#define ESIZE 256u
#define FAR ((uint64_t)1 << 40)
#ifdef RTE_VMSG_BUS_SHM_F_GUARD
#define FLIP_GUARD RTE_VMSG_BUS_SHM_F_GUARD /* both ends' mappings between guard pages */
#else
#define FLIP_GUARD 0u /* built against an older tree (the F1 measurement) */
#endif

enum { K_RANDOM, K_TOGGLE };

struct frange {
	uint64_t off, len; /* in the file */
	uint32_t kind, width;
	uint64_t a, b;	  /* K_TOGGLE: the two values */
	uint32_t restore; /* K_RANDOM: the bytes as they were at the start, back after each burst */
};

#define MAX_RANGES 16

/* Shared with the flipper (anonymous, made before fork). V: victim, F: flipper. */
struct ctl {
	char path[256];
	uint32_t nranges; /* V, before go */
	struct frange r[MAX_RANGES];
	uint32_t pace_ns; /* V: pause between random bursts, 0: none */
	uint32_t go;	  /* V: ranges set (bumped per phase) */
	uint32_t calm;	  /* V: write nothing for now */
	uint32_t stop;	  /* V */
	uint32_t seen_go; /* F: the phase it runs */
	uint64_t writes;  /* F */
};

#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

static struct ctl *ctl;
static pid_t flipper_pid;
static char path[64];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * SEC + (uint64_t)ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	(void)sched_setaffinity(0, sizeof(set), &set);
}

/* A random or boundary value for a field of @p width bytes over @p cur. */
static uint64_t flip_value(uint64_t *rng, uint32_t width, uint64_t cur)
{
	uint64_t r = vtest_rand(rng), mask = width == 8 ? ~0ull : (1ull << (8 * width)) - 1;

	switch (r % 11) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return mask;
	case 3:
		return mask >> 1;
	case 4:
		return (mask >> 1) + 1;
	case 5:
		return (cur + 1) & mask;
	case 6:
		return (cur - 1) & mask;
	case 7:
		return cur ^ (1ull << ((r >> 8) % (8 * width)));
	case 8:
		return (r >> 16) % 128;
	case 9:
		return cur; /* the honest value back, now and then */
	default:
		return (r >> 8) & mask;
	}
}

static void store_width(uint8_t *p, uint32_t width, uint64_t v)
{
	switch (width) {
	case 1:
		__atomic_store_n(p, (uint8_t)v, __ATOMIC_RELAXED);
		break;
	case 2:
		__atomic_store_n((uint16_t *)(void *)p, (uint16_t)v, __ATOMIC_RELAXED);
		break;
	case 4:
		__atomic_store_n((uint32_t *)(void *)p, (uint32_t)v, __ATOMIC_RELAXED);
		break;
	default:
		__atomic_store_n((uint64_t *)(void *)p, v, __ATOMIC_RELAXED);
		break;
	}
}

static uint64_t load_width(const uint8_t *p, uint32_t width)
{
	switch (width) {
	case 1:
		return __atomic_load_n(p, __ATOMIC_RELAXED);
	case 2:
		return __atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_RELAXED);
	case 4:
		return __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
	default:
		return __atomic_load_n((const uint64_t *)(const void *)p, __ATOMIC_RELAXED);
	}
}

static _Noreturn void flipper_main(void)
{
	uint64_t rng = vtest_seed() ^ 0x5eed, end = now_ns() + FLIPPER_MAX_NS, writes = 0;
	static uint8_t snap[MAX_RANGES][4096];
	struct stat st;
	uint8_t *m;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	pin(1);
	fd = open(ctl->path, O_RDWR);
	if (fd < 0 || fstat(fd, &st) != 0) {
		perror("flipper: open");
		_exit(2);
	}
	m = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		perror("flipper: mmap");
		_exit(2);
	}
	while (!LOAD(&ctl->stop) && now_ns() < end) {
		uint32_t go = LOAD(&ctl->go), n = LOAD(&ctl->nranges), i, k, burst;

		if (go != LOAD(&ctl->seen_go))
			for (i = 0; i < n && i < MAX_RANGES; i++)
				if (ctl->r[i].restore && ctl->r[i].len <= sizeof(snap[i]))
					memcpy(snap[i], m + ctl->r[i].off, ctl->r[i].len);
		STORE(&ctl->seen_go, go);
		if (n == 0 || LOAD(&ctl->calm)) {
			usleep(100);
			continue;
		}
		i = (uint32_t)(vtest_rand(&rng) % n);
		if (ctl->r[i].kind == K_TOGGLE) {
			/* As fast as it goes: a field read twice sees both values. */
			/* Ends on a: the honest value, for the other ranges' turns. */
			for (k = 0; k < 256; k++) {
				store_width(m + ctl->r[i].off, ctl->r[i].width, ctl->r[i].b);
				store_width(m + ctl->r[i].off, ctl->r[i].width, ctl->r[i].a);
			}
			writes += 512;
			continue;
		}
		burst = 1 + (uint32_t)(vtest_rand(&rng) % 16);
		for (k = 0; k < burst; k++) {
			uint64_t r = vtest_rand(&rng);
			uint32_t w = ctl->r[i].width != 0 ? ctl->r[i].width : 1u << (r % 4);
			uint64_t off;

			if (ctl->r[i].len < w)
				w = 1;
			off = ctl->r[i].off + ((r >> 8) % (ctl->r[i].len - w + 1));
			off &= ~(uint64_t)(w - 1);
			if (off < ctl->r[i].off)
				off += w;
			store_width(m + off, w, flip_value(&rng, w, load_width(m + off, w)));
			writes++;
		}
		if (ctl->r[i].restore && ctl->r[i].len <= sizeof(snap[i])) {
			/* Held a while (the victim reads it), then the honest bytes back. */
			for (k = 0; k < 2000; k++)
				__asm__ volatile("" ::: "memory");
			for (k = 0; k < ctl->r[i].len; k++)
				store_width(m + ctl->r[i].off + k, 1, snap[i][k]);
		}
		if (ctl->pace_ns != 0) {
			uint64_t until = now_ns() + vtest_rand(&rng) % ctl->pace_ns;

			while (now_ns() < until)
				;
		}
		if ((writes & 1023u) < 16)
			STORE(&ctl->writes, writes);
	}
	STORE(&ctl->writes, writes);
	_exit(0);
}

static void flipper_start(const char *file)
{
	snprintf(ctl->path, sizeof(ctl->path), "%s", file);
	flipper_pid = fork();
	CHECK(flipper_pid >= 0);
	if (flipper_pid == 0)
		flipper_main();
}

static void flip_pause(void);

/* New ranges; returns when the flipper works on them. */
static void flip_set(const struct frange *r, uint32_t n, uint32_t pace_ns)
{
	uint32_t go;
	uint64_t end = now_ns() + 5 * SEC;

	/* The old ranges out of use first: the flipper never sees half of the new ones. */
	flip_pause();
	go = ctl->go + 1;
	memcpy(ctl->r, r, n * sizeof(*r));
	ctl->pace_ns = pace_ns;
	STORE(&ctl->nranges, n);
	STORE(&ctl->go, go);
	while (LOAD(&ctl->seen_go) != go && now_ns() < end)
		usleep(50);
}

/* Stops writing: returns once the flipper has seen it (no write in flight after). */
static void flip_pause(void)
{
	uint32_t go = ctl->go + 1;
	uint64_t end = now_ns() + 5 * SEC;

	STORE(&ctl->nranges, 0);
	STORE(&ctl->go, go);
	while (LOAD(&ctl->seen_go) != go && now_ns() < end)
		usleep(50);
	CHECK_EQ(LOAD(&ctl->seen_go), go);
}

static void flipper_stop(void)
{
	int st = 0;

	STORE(&ctl->stop, 1);
	CHECK_EQ(waitpid(flipper_pid, &st, 0), flipper_pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	printf("flipper: %" PRIu64 " writes\n", LOAD(&ctl->writes));
}

static struct rte_vmsg_bus_shm *device_new(void)
{
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *s = NULL;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.path = path;
	o.role = RTE_VMSG_BUS_DEVICE;
	o.flags =
		RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_UNLINK | RTE_VMSG_BUS_SHM_F_NO_HUGE;
	o.num_elems = NELEMS;
	o.elem_size = ESIZE;
	o.dma_size = 4u << 20;
	if (rte_vmsg_bus_shm_create(&o, &s) != 0) {
		fprintf(stderr, "device end: cannot create %s\n", path);
		exit(1);
	}
	return s;
}

static int driver_new(struct rte_vmsg_bus_shm **s)
{
	struct rte_vmsg_bus_shm_opts o;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.path = path;
	o.role = RTE_VMSG_BUS_DRIVER;
	o.flags = RTE_VMSG_BUS_SHM_F_ADOPT | RTE_VMSG_BUS_SHM_F_NO_HUGE | FLIP_GUARD;
	*s = NULL;
	return rte_vmsg_bus_shm_create(&o, s);
}

/* ------------------------------------------------------------------------ */
/* bus_page and layout: attaches under the flipper                           */

struct attach_count {
	uint64_t ok, proto, again, other, bad;
};

/* A driver end that attached: everything it took lies inside the file. */
static void attached_check(struct rte_vmsg_bus_shm *s, struct attach_count *c)
{
	struct rte_vmsg_region *reg = rte_vmsg_bus_shm_region(s);
	uint64_t len = rte_vmsg_region_len(reg), bus, size;
	struct rte_vmsg_link *l = rte_vmsg_bus_shm_link(s);
	struct rte_vmsg_bus_opts bo;
	void *dma;
	int bad = 0;

	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	if (rte_vmsg_bus_shm_dma(s, &dma, &bus, &size) != 0 ||
	    bus < rte_vmsg_region_bus_addr(reg) || bus - rte_vmsg_region_bus_addr(reg) > len ||
	    size > len - (bus - rte_vmsg_region_bus_addr(reg)) ||
	    (uint8_t *)dma !=
		    (uint8_t *)rte_vmsg_region_addr(reg) + (bus - rte_vmsg_region_bus_addr(reg)))
		bad |= 1;
	if (rte_vmsg_bus_shm_bus_opts(s, &bo) != 0 || bo.max_msg_size < RTE_VMSG_MAX_SIZE_MIN ||
	    bo.max_msg_size > RTE_VMSG_MAX_SIZE_MAX)
		bad |= 2;
	if (l == NULL || !rte_vmsg_ring_valid(rte_vmsg_link_tx(l)) ||
	    !rte_vmsg_ring_valid(rte_vmsg_link_rx(l)) || bo.max_msg_size > rte_vmsg_link_max_msg(l))
		bad |= 4;
	if (bad != 0) {
		if (c->bad++ < 5)
			fprintf(stderr,
				"attached with values outside the file (0x%x): dma %" PRIu64
				"+%" PRIu64 ", file %" PRIu64 ", max msg %u\n",
				bad, bus, size, len, bo.max_msg_size);
		CHECK(0);
	}
}

static void attach_loop(const char *what, struct attach_count *c, uint64_t ns)
{
	uint64_t end = now_ns() + ns;
	struct rte_vmsg_bus_shm *s;
	int rc;

	memset(c, 0, sizeof(*c));
	while (now_ns() < end) {
		rc = driver_new(&s);
		if (rc == 0) {
			c->ok++;
			attached_check(s, c);
			rte_vmsg_bus_shm_destroy(s);
		} else if (rc == -EPROTO) {
			c->proto++;
		} else if (rc == -EAGAIN) {
			c->again++;
		} else {
			c->other++;
			if (c->other < 5)
				fprintf(stderr, "%s: attach: %d\n", what, rc);
		}
	}
	printf("%s: %" PRIu64 " attached (checked), %" PRIu64 " refused, %" PRIu64
	       " without magic, %" PRIu64 " other\n",
	       what, c->ok, c->proto, c->again, c->other);
	CHECK_U64(c->other, 0);
}

#define PAGE_FIELD(f) offsetof(struct rte_vmsg_shm_bus_page, f)

static void surface_attach(int layout)
{
	struct rte_vmsg_bus_shm *dev = device_new();
	struct rte_vmsg_region *reg = rte_vmsg_bus_shm_region(dev);
	uint8_t *base = rte_vmsg_region_addr(reg), saved[2 * RTE_VMSG_SHM_PAGE_SIZE];
	uint64_t link_size = rte_vmsg_get_le64(base + PAGE_FIELD(link_size));
	uint64_t dma_off = rte_vmsg_get_le64(base + PAGE_FIELD(dma_offset));
	uint64_t dma_size = rte_vmsg_get_le64(base + PAGE_FIELD(dma_size));
	uint32_t max_msg = rte_vmsg_get_le32(base + PAGE_FIELD(max_msg_size));
	struct attach_count c;
	struct frange r[MAX_RANGES];

	memcpy(saved, base, sizeof(saved));
	flipper_start(rte_vmsg_region_path(reg));
	memset(r, 0, sizeof(r));
	if (!layout) {
		/*
		 * Phase 1: a layout header whose driver queue head is 512 GiB
		 * in, and a link size toggling between the honest one (the
		 * check passes, the head is outside: refused) and 1 TiB (the
		 * check refuses). Nothing can attach; a driver that took the
		 * size twice writes its queue head there.
		 */
		rte_vmsg_put_le64(base + RTE_VMSG_SHM_PAGE_SIZE + 48, FAR / 2);
		r[0] = (struct frange){ PAGE_FIELD(link_size), 8, K_TOGGLE, 8, link_size, FAR };
		flip_set(r, 1, 0);
		attach_loop("link size toggled, far queue head", &c, FLIP_NS);
		CHECK_U64(c.ok, 0);
		flip_pause();
		memcpy(base, saved, sizeof(saved));

		/* Phase 2: honest layout; each size and offset toggles. */
		r[0] = (struct frange){ PAGE_FIELD(link_size), 8, K_TOGGLE, 8, link_size, FAR };
		r[1] = (struct frange){ PAGE_FIELD(dma_offset), 8, K_TOGGLE, 8, dma_off, FAR };
		r[2] = (struct frange){ PAGE_FIELD(dma_size), 8, K_TOGGLE, 8, dma_size, FAR };
		r[3] = (struct frange){
			PAGE_FIELD(max_msg_size), 4, K_TOGGLE, 4, max_msg, 0xffffffffu
		};
		flip_set(r, 4, 0);
		attach_loop("sizes and offsets toggled", &c, FLIP_NS);
		CHECK(c.ok > 0);
		flip_pause();
		memcpy(base, saved, sizeof(saved));

		/* Phase 3: random and boundary values in the parameter line and reserved bytes. */
		/* The magic stays (without it, attaches only wait: -EAGAIN). */
		r[0] = (struct frange){ 4, PAGE_FIELD(dev_pid) - 4, K_RANDOM, 0, 0, 0, 1 };
		r[1] = (struct frange){ PAGE_FIELD(dev_pidns), 4, K_RANDOM, 0, 0, 0, 1 };
		r[2] = (struct frange){ PAGE_FIELD(pad1), 48, K_RANDOM, 0, 0, 0, 1 };
		r[3] = (struct frange){
			PAGE_FIELD(reserved), RTE_VMSG_SHM_PAGE_SIZE - 320, K_RANDOM, 0, 0, 0, 1
		};
		flip_set(r, 4, 2000);
		attach_loop("bus page random", &c, FLIP_NS);
	} else {
		r[0] = (struct frange){ RTE_VMSG_SHM_PAGE_SIZE + 2, 62, K_RANDOM, 0, 0, 0, 1 };
		flip_set(r, 1, 2000);
		attach_loop("layout header random", &c, 2 * FLIP_NS);
	}
	CHECK(c.proto > 0);
	CHECK(c.ok > 0);
	flip_pause();
	memcpy(base, saved, sizeof(saved));
	/* Calm: the honest file attaches. */
	{
		struct rte_vmsg_bus_shm *s;

		CHECK_EQ(driver_new(&s), 0);
		rte_vmsg_bus_shm_destroy(s);
	}
	flipper_stop();
	rte_vmsg_bus_shm_destroy(dev);
}

#ifndef FLIP_BUS_PAGE_ONLY
/* ------------------------------------------------------------------------ */
/* link: queue heads and frames                                              */

static void both_up(struct rte_vmsg_bus_shm *a, struct rte_vmsg_bus_shm *b, int must)
{
	uint64_t end = now_ns() + 3 * SEC;
	int sa = 0, sb = 0;

	while (now_ns() < end) {
		sa = rte_vmsg_bus_shm_poll(a);
		sb = rte_vmsg_bus_shm_poll(b);
		if ((sa & 0xff) == RTE_VMSG_LINK_UP && (sb & 0xff) == RTE_VMSG_LINK_UP)
			return;
	}
	if (must) {
		fprintf(stderr, "link not up: %d %d\n", sa, sb);
		CHECK(0);
	}
}

struct link_count {
	uint64_t sent, recv, parsed, rejected, eio, invalid;
};

/* One step: a burst each way, everything received parsed; every ring end checked. */
static void link_step(struct rte_vmsg_link *from, struct rte_vmsg_link *to, uint64_t *rng,
		      struct link_count *c, int check_content)
{
	static uint8_t out[8][ESIZE], in[8][ESIZE];
	struct rte_vmsg_msg m;
	enum rte_vmsg_msg_err why;
	uint32_t i, max = rte_vmsg_link_max_msg(from);
	int n;

	for (i = 0; i < 8; i++) {
		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
		m.u.ping = (uint32_t)(c->sent + i);
		memset(out[i], 0, ESIZE);
		CHECK(rte_vmsg_msg_build(out[i], max, &m) > 0);
	}
	n = rte_vmsg_ring_enqueue_burst(rte_vmsg_link_tx(from), out, ESIZE < max ? ESIZE : max,
					1 + (uint32_t)(vtest_rand(rng) % 8));
	if (n > 0)
		c->sent += (uint64_t)n;
	else if (n == -EIO)
		c->eio++;
	n = rte_vmsg_ring_dequeue_burst(rte_vmsg_link_rx(to), in, ESIZE < max ? ESIZE : max, 8);
	if (n == -EIO)
		c->eio++;
	for (i = 0; n > 0 && i < (uint32_t)n; i++) {
		c->recv++;
		if (rte_vmsg_msg_parse(in[i], max, max, &m, &why) == 0) {
			c->parsed++;
			if (check_content)
				CHECK(m.kind == RTE_VMSG_MSG_BUS_PING_REQ);
		} else {
			c->rejected++;
			CHECK(!check_content);
		}
	}
	if (!rte_vmsg_ring_valid(rte_vmsg_link_tx(from)) ||
	    !rte_vmsg_ring_valid(rte_vmsg_link_rx(from)) ||
	    !rte_vmsg_ring_valid(rte_vmsg_link_tx(to)) ||
	    !rte_vmsg_ring_valid(rte_vmsg_link_rx(to)))
		c->invalid++;
}

static void surface_link(void)
{
	struct rte_vmsg_bus_shm *dev = device_new(), *drv;
	struct rte_vmsg_region *reg = rte_vmsg_bus_shm_region(dev);
	uint8_t *base = rte_vmsg_region_addr(reg);
	uint64_t link_size = rte_vmsg_get_le64(base + PAGE_FIELD(link_size)), rng = vtest_seed();
	struct rte_vmsg_link *ld, *lv;
	struct rte_vmsg_link_stats sd, sv;
	struct link_count c;
	struct frange r[2];
	uint64_t end, polls = 0, resets = 0;

	CHECK_EQ(driver_new(&drv), 0);
	both_up(dev, drv, 1);
	ld = rte_vmsg_bus_shm_link(dev);
	lv = rte_vmsg_bus_shm_link(drv);
	flipper_start(rte_vmsg_region_path(reg));
	memset(&c, 0, sizeof(c));
	/* Both queue heads; both element arrays. */
	r[0] = (struct frange){ RTE_VMSG_SHM_PAGE_SIZE + 64, 128, K_RANDOM, 0, 0, 0 };
	r[1] = (struct frange){ RTE_VMSG_SHM_PAGE_SIZE + 192, link_size - 192, K_RANDOM, 0, 0, 0 };
	flip_set(r, 2, 200000);
	end = now_ns() + 2 * FLIP_NS;
	while (now_ns() < end) {
		link_step(ld, lv, &rng, &c, 0);
		link_step(lv, ld, &rng, &c, 0);
		if ((++polls & 63u) == 0) {
			(void)rte_vmsg_bus_shm_poll(dev);
			(void)rte_vmsg_bus_shm_poll(drv);
			/* Broken ends wait for a new start: the application trusts again. */
			if (rte_vmsg_link_stats_get(ld, &sd) == 0 && sd.broken &&
			    (polls & 1023u) == 0)
				resets += rte_vmsg_link_reset(ld) == 0;
			if (rte_vmsg_link_stats_get(lv, &sv) == 0 && sv.broken &&
			    (polls & 1023u) == 0)
				resets += rte_vmsg_link_reset(lv) == 0;
		}
	}
	flip_pause();
	CHECK_EQ(rte_vmsg_link_stats_get(ld, &sd), 0);
	CHECK_EQ(rte_vmsg_link_stats_get(lv, &sv), 0);
	printf("link: %" PRIu64 " sent, %" PRIu64 " received: %" PRIu64 " parsed, %" PRIu64
	       " rejected; -EIO %" PRIu64 "; counted: bad_index %" PRIu64 ", bad_state %" PRIu64
	       ", bad_magic %" PRIu64 ", breaks %" PRIu64 "; resets %" PRIu64 "\n",
	       c.sent, c.recv, c.parsed, c.rejected, c.eio, sd.bad_index + sv.bad_index,
	       sd.bad_state + sv.bad_state, sd.bad_magic + sv.bad_magic, sd.breaks + sv.breaks,
	       resets);
	CHECK_U64(c.invalid, 0);
	CHECK(c.recv > 0);
	CHECK(sd.breaks + sv.breaks + c.rejected > 0); /* the flips were seen */

	/* Calm: both ends start over (the device's restart on the same file) and talk. */
	rte_vmsg_bus_shm_destroy(drv);
	CHECK_EQ(rte_vmsg_link_reset(ld), 0);
	CHECK_EQ(driver_new(&drv), 0);
	both_up(dev, drv, 1);
	ld = rte_vmsg_bus_shm_link(dev);
	lv = rte_vmsg_bus_shm_link(drv);
	memset(&c, 0, sizeof(c));
	for (polls = 0; polls < 2000; polls++) {
		link_step(ld, lv, &rng, &c, 1);
		link_step(lv, ld, &rng, &c, 1);
	}
	printf("link, calm: %" PRIu64 " sent, %" PRIu64 " received and parsed\n", c.sent, c.parsed);
	CHECK(c.parsed > 1000);
	CHECK_U64(c.eio, 0);
	CHECK_U64(c.invalid, 0);
	flipper_stop();
	rte_vmsg_bus_shm_destroy(drv);
	rte_vmsg_bus_shm_destroy(dev);
}
/* ------------------------------------------------------------------------ */
/* net: virtqueues, net headers and frames in the DMA area                   */

#define NET_DEV 1u
#define NET_QSIZE 64u
#define NET_MAX_FRAME 1514u

static struct {
	struct rte_vmsg_bus_shm *dshm, *vshm;
	struct rte_vmsg_bus *dbus, *vbus;
	struct rte_vmsg_net_dev *nd;
	struct rte_vmsg_net_drv *nv;
	struct rte_vmsg_region *dreg; /* the device's view of the DMA area, its only map */
	struct rte_vmsg_memmap *dmap;
	void *dma;
	uint64_t dma_bus, dma_size;
} n;

static void net_device_turn(void *arg)
{
	(void)arg;
	rte_vmsg_bus_poll(n.dbus);
	rte_vmsg_net_dev_service(n.nd);
	rte_vmsg_net_dev_poll(n.nd, 0);
}

static void net_on_event(void *arg, const void *frame, size_t len)
{
	(void)arg;
	if (n.nv != NULL)
		rte_vmsg_net_drv_event(n.nv, frame, len);
}

static struct rte_vmsg_bus *bus_over(struct rte_vmsg_bus_shm *s)
{
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_bus *b = NULL;

	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	CHECK_EQ(rte_vmsg_bus_shm_bus_opts(s, &bo), 0);
	bo.timeout_ns = 100 * MS;
	if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_shm_ops(), s, &b) != 0)
		exit(1);
	return b;
}

static int net_drv_open(void)
{
	struct rte_vmsg_net_drv_opts o;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = n.vbus;
	o.dev_num = NET_DEV;
	o.queue_pairs = 1;
	o.queue_size = NET_QSIZE;
	o.dma_addr = n.dma;
	o.dma_bus_addr = n.dma_bus;
	o.dma_size = n.dma_size;
	o.timeout_ns = 200 * MS;
	o.poll_peer = net_device_turn;
	/* RING_PACKED wanted too: the device's offer makes the pass's layout. */
	o.features = rte_vmsg_net_drv_default_features() | (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED);
	return rte_vmsg_net_drv_create(&o, &n.nv);
}

struct net_count {
	uint64_t sent, recv, good, remade, tx_err, rx_err;
};

/* A burst out, the device's turn, a burst back; frames checked when @p check. */
static void net_step(uint64_t *seq, struct net_count *c, int check)
{
	static uint8_t txb[8][NET_MAX_FRAME], rxb[16][NET_MAX_FRAME];
	struct rte_vmsg_net_pkt tx[8], rx[16];
	uint32_t k, len;
	int r;

	for (k = 0; k < 8; k++) {
		uint64_t q = *seq + k;

		len = 60 + (uint32_t)(q * 37 % (NET_MAX_FRAME - 60));
		memset(&tx[k], 0, sizeof(tx[k]));
		memset(txb[k], (int)(q & 0xff), len);
		memcpy(txb[k] + 14, &q, sizeof(q)); /* after the addresses (swapped) */
		memcpy(txb[k] + 22, &len, sizeof(len));
		tx[k].data = txb[k];
		tx[k].len = len;
	}
	r = rte_vmsg_net_drv_tx_burst(n.nv, 0, tx, 8);
	if (r > 0) {
		c->sent += (uint64_t)r;
		*seq += (uint64_t)r;
	} else if (r < 0) {
		c->tx_err++;
	}
	net_device_turn(NULL);
	rte_vmsg_bus_poll(n.vbus);
	for (k = 0; k < 16; k++) {
		memset(&rx[k], 0, sizeof(rx[k]));
		rx[k].data = rxb[k];
		rx[k].cap = NET_MAX_FRAME;
	}
	r = rte_vmsg_net_drv_rx_burst(n.nv, 0, rx, 16);
	if (r < 0)
		c->rx_err++;
	for (k = 0; r > 0 && k < (uint32_t)r; k++) {
		uint64_t q;
		int ok;

		c->recv++;
		CHECK(rx[k].len <= NET_MAX_FRAME);
		memcpy(&q, rxb[k] + 14, sizeof(q));
		memcpy(&len, rxb[k] + 22, sizeof(len));
		ok = rx[k].len >= 60 && len == rx[k].len && rxb[k][len - 1] == (uint8_t)(q & 0xff);
		c->good += (uint64_t)ok;
		if (check)
			CHECK(ok);
	}
}

static void surface_net(int packed)
{
	struct rte_vmsg_net_dev_opts o;
	struct rte_vmsg_net_queue_stats qs;
	struct net_count c;
	struct frange r[MAX_RANGES];
	uint64_t desc, avail, used, seq = 0, end, base_bus;
	uint32_t i, nr = 0;
	int rc;

	n.dshm = device_new();
	n.dbus = bus_over(n.dshm);
	CHECK_EQ(driver_new(&n.vshm), 0);
	n.vbus = bus_over(n.vshm);
	CHECK_EQ(rte_vmsg_bus_set_event_cb(n.vbus, net_on_event, NULL), 0);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = n.dbus;
	/*
	 * The device translates through the DMA area only, not the bus's map
	 * of the whole file: the flipper's descriptors then cannot point the
	 * device's receive writes at the bus page (its pids, the link), which
	 * the whole-file map allows a hostile driver (doc/robustness.md).
	 */
	{
		void *da;
		uint64_t db, ds;

		CHECK_EQ(rte_vmsg_bus_shm_dma(n.dshm, &da, &db, &ds), 0);
		CHECK_EQ(rte_vmsg_region_register(da, (size_t)ds, db, 0, &n.dreg), 0);
		CHECK_EQ(rte_vmsg_memmap_create(&n.dmap), 0);
		CHECK_EQ(rte_vmsg_memmap_add(n.dmap, n.dreg), 0);
	}
	o.map = n.dmap;
	o.dev_num = NET_DEV;
	o.queue_size = NET_QSIZE;
	o.backend = RTE_VMSG_NET_BACKEND_LOOPBACK;
	o.mac[0] = 0x02;
	/* The layout of the pass: split (the device holds packed and in-order back) or packed. */
	o.features = rte_vmsg_net_dev_supported_features();
	if (!packed)
		o.features &= ~((1ull << RTE_VMSG_VIRTIO_F_RING_PACKED) |
				(1ull << RTE_VMSG_VIRTIO_F_IN_ORDER));
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &n.nd), 0);
	{
		uint64_t e = now_ns() + 3 * SEC;

		while (rte_vmsg_bus_connected(n.vbus) != 1 && now_ns() < e) {
			rte_vmsg_bus_poll(n.dbus);
			rte_vmsg_bus_poll(n.vbus);
		}
	}
	CHECK_EQ(rte_vmsg_bus_shm_dma(n.vshm, &n.dma, &n.dma_bus, &n.dma_size), 0);
	CHECK_EQ(net_drv_open(), 0);
	if (n.nv == NULL)
		exit(1);
	/* The flipper's ranges: both queues' rings, then the buffers after them. */
	base_bus = rte_vmsg_region_bus_addr(rte_vmsg_bus_shm_region(n.vshm));
	memset(r, 0, sizeof(r));
	for (i = 0; i < 2; i++) {
		CHECK_EQ(rte_vmsg_vq_drv_addrs(rte_vmsg_net_drv_vq(n.nv, i), &desc, &avail, &used),
			 0);
		/* Packed: the descriptor ring and the two event suppression structures. */
		r[nr++] = (struct frange){ desc - base_bus, 16 * NET_QSIZE, K_RANDOM, 0, 0, 0 };
		r[nr++] = (struct frange){
			avail - base_bus, packed ? 4 : 6 + 2 * NET_QSIZE, K_RANDOM, 0, 0, 0
		};
		r[nr++] = (struct frange){
			used - base_bus, packed ? 4 : 6 + 8 * NET_QSIZE, K_RANDOM, 0, 0, 0
		};
	}
	/* Buffers (net headers and frames): the rest of the area the driver carved. */
	r[nr++] = (struct frange){ n.dma_bus - base_bus,
				   n.dma_size < (1u << 20) ? n.dma_size : 1u << 20,
				   K_RANDOM,
				   0,
				   0,
				   0 };
	memset(&c, 0, sizeof(c));
	for (i = 0; i < 200; i++)
		net_step(&seq, &c, 1);
	CHECK(c.good > 100);
	printf("net, before: %" PRIu64 " sent, %" PRIu64 " back\n", c.sent, c.good);

	flipper_start(rte_vmsg_region_path(rte_vmsg_bus_shm_region(n.vshm)));
	flip_set(r, nr, 20000);
	memset(&c, 0, sizeof(c));
	end = now_ns() + 2 * FLIP_NS;
	while (now_ns() < end) {
		net_step(&seq, &c, 0);
		if ((c.tx_err + c.rx_err) != 0 && (c.tx_err + c.rx_err) % 64 == 0) {
			/* Broken for a while: a new driver, the flipper calm meanwhile. */
			STORE(&ctl->calm, 1);
			rte_vmsg_net_drv_destroy(n.nv);
			n.nv = NULL;
			rc = net_drv_open();
			STORE(&ctl->calm, 0);
			c.remade++;
			c.tx_err = c.rx_err = 0;
			if (rc != 0) {
				fprintf(stderr, "net: driver again: %d\n", rc);
				CHECK(0);
				break;
			}
		}
	}
	flip_pause();
	if (n.nv != NULL && rte_vmsg_net_dev_stats_get(n.nd, 1, &qs, NULL) == 0)
		printf("net: device tx queue: %" PRIu64 " packets, %" PRIu64 " errors, %" PRIu64
		       " broken\n",
		       qs.packets, qs.errors, qs.broken);
	printf("net, flipped: %" PRIu64 " sent, %" PRIu64 " back (%" PRIu64
	       " intact), drivers made again %" PRIu64 "\n",
	       c.sent, c.recv, c.good, c.remade);

	/*
	 * The frames in the ring slots (transport requests, responses and
	 * events) while the driver resets the device again and again: the
	 * whole init flow through the bus and both transport ends.
	 */
	{
		uint64_t link_size = rte_vmsg_get_le64(
			(uint8_t *)rte_vmsg_region_addr(rte_vmsg_bus_shm_region(n.vshm)) +
			PAGE_FIELD(link_size));
		uint64_t ok = 0, failed = 0;

		r[0] = (struct frange){
			RTE_VMSG_SHM_PAGE_SIZE + 192, link_size - 192, K_RANDOM, 0, 0, 0, 0
		};
		flip_set(r, 1, 20000);
		end = now_ns() + FLIP_NS;
		while (n.nv != NULL && now_ns() < end) {
			if (rte_vmsg_net_drv_reset(n.nv) == 0)
				ok++;
			else
				failed++;
		}
		flip_pause();
		printf("net, frames flipped: %" PRIu64 " resets done, %" PRIu64 " failed\n", ok,
		       failed);
		CHECK(ok + failed > 0);
	}

	/* Calm: a new driver, and checked packets come back. */
	rte_vmsg_net_drv_destroy(n.nv);
	n.nv = NULL;
	CHECK_EQ(net_drv_open(), 0);
	memset(&c, 0, sizeof(c));
	for (i = 0; n.nv != NULL && i < 300; i++)
		net_step(&seq, &c, 1);
	printf("net, calm: %" PRIu64 " sent, %" PRIu64 " back\n", c.sent, c.good);
	CHECK(c.good > 100);
	CHECK_U64(c.tx_err + c.rx_err, 0);
	flipper_stop();
	rte_vmsg_net_drv_destroy(n.nv);
	rte_vmsg_net_dev_destroy(n.nd);
	rte_vmsg_memmap_destroy(n.dmap);
	rte_vmsg_region_destroy(n.dreg);
	rte_vmsg_bus_destroy(n.vbus);
	rte_vmsg_bus_destroy(n.dbus);
	rte_vmsg_bus_shm_destroy(n.vshm);
	rte_vmsg_bus_shm_destroy(n.dshm);
}
#endif

int main(int argc, char **argv)
{
	const char *s = argc > 1 ? argv[1] : "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(ctl != MAP_FAILED);
	memset(ctl, 0, sizeof(*ctl));
	snprintf(path, sizeof(path), "vmsg_flip_%d", (int)getpid());
	pin(0);
	if (strcmp(s, "bus_page") == 0)
		surface_attach(0);
	else if (strcmp(s, "layout") == 0)
		surface_attach(1);
#ifndef FLIP_BUS_PAGE_ONLY
	else if (strcmp(s, "link") == 0)
		surface_link();
	else if (strcmp(s, "net") == 0)
		surface_net(0);
	else if (strcmp(s, "net_packed") == 0)
		surface_net(1);
#endif
	else {
		fprintf(stderr, "usage: test_flip bus_page|layout|link|net|net_packed\n");
		return 2;
	}
	return vtest_done(s);
}
