/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Soak: a device process and a driver process on a bare AMP link (v1, at
 * +4 KiB of a file, the driver's rings and buffers in a second "RAM" file),
 * virtio-net traffic checked packet by packet and bus requests (PING) in
 * flight all the time, while this process, the supervisor, at random
 * intervals kills and restarts either side or writes one value that cannot
 * be into a queue head (a tail past every N, an unknown state, a lost
 * magic). Nothing coordinates with the chaos: each side recovers the way
 * the protocol says (ARCHITECTURE.md §2.4b, doc/ring.md).
 *
 * At the end the supervisor stops the chaos, waits until traffic flows
 * again, and asks the driver to quiesce. The driver checks, over all its
 * sessions: every PING it sent got exactly one completion (an answer with
 * its own value, or a failure), none is left pending; no packet came back
 * corrupted, out of order or twice (sequence numbers only grow within a
 * session); after the last disruption the device lost nothing (every
 * packet of the final clean window came back). Both sides are up at the
 * end. VMSG_SOAK_S sets the duration (default 60 s; 10 in sanitizer
 * builds, VMSG_STRESS_SCALE=small).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_transport.h>

#include "vtest.h"

#define LINK_FILE_SIZE (64u << 10)
#define LINK_OFF 4096u
#define RAM_SIZE (8u << 20)
#define QSIZE 128u
#define DEV_NUM 1u
#define MTU 1500u
#define MAX_FRAME (MTU + 14u)
#define BURST 16u
#define WINDOW 48u /* packets in flight: below the receive buffers posted */
#define PING_SLOTS 8u
#define MS 1000000ull
#define SEC 1000000000ull
#define OFF_DEV_QHEAD (LINK_OFF + 64u)
#define OFF_DRV_QHEAD (LINK_OFF + 128u)

#define LOAD(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define STORE(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define ADD(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)

/* The control page: each word has one writer (S supervisor, D driver). */
struct ctl {
	uint32_t stop;	     /* S: quiesce, check and report */
	uint32_t done;	     /* D: the final checks are written */
	uint64_t pings_sent; /* D, over every driver incarnation */
	uint64_t pings_ok, pings_failed, pings_double, pings_badval, pings_pending;
	uint64_t pkts_sent, pkts_ok, pkts_bad, pkts_dup;
	uint64_t sessions;   /* D: the net driver brought up */
	uint64_t final_sent; /* D: packets of the final clean window */
	uint64_t final_ok;
	/* D, the last driver incarnation alone (the others' die with them). */
	uint64_t last_pings_sent, last_pings_done;
};

static struct ctl *ctl;
static char link_path[96], ram_path[96];

static struct rte_vmsg_region *attach_file(const char *path)
{
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_region *r = NULL;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.path = path;
	return rte_vmsg_region_create(&ro, &r) == 0 ? r : NULL;
}

static struct rte_vmsg_bus *bus_new(struct rte_vmsg_region *link, uint32_t role,
				    struct rte_vmsg_memmap *map, struct rte_vmsg_bus_amp **amp)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_bus *bus = NULL;
	uint64_t end = rte_vmsg_time_ns() + 10 * SEC;
	int rc;

	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = role;
	ao.region = link;
	ao.offset = LINK_OFF;
	ao.map = map;
	if (role == RTE_VMSG_BUS_DEVICE) {
		ao.num_elems = 64;
		ao.elem_size = 64;
	}
	while ((rc = rte_vmsg_bus_amp_create(&ao, amp)) == -EAGAIN && rte_vmsg_time_ns() < end)
		usleep(1000);
	if (rc != 0)
		return NULL;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = role;
	bo.timeout_ns = 200 * MS;
	return rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), *amp, &bus) == 0 ? bus : NULL;
}

/* ------------------------------------------------------------------------ */
/* The device process: a loopback virtio-net device, until it is killed.     */

static _Noreturn void device_main(void)
{
	struct rte_vmsg_region *link = attach_file(link_path), *ram = attach_file(ram_path);
	struct rte_vmsg_memmap *map = NULL;
	struct rte_vmsg_bus_amp *amp = NULL;
	struct rte_vmsg_net_dev_opts o;
	struct rte_vmsg_net_dev *nd = NULL;
	struct rte_vmsg_bus *bus;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (link == NULL || ram == NULL || rte_vmsg_memmap_create(&map) != 0 ||
	    rte_vmsg_memmap_add(map, ram) != 0)
		_exit(2);
	bus = bus_new(link, RTE_VMSG_BUS_DEVICE, map, &amp);
	if (bus == NULL)
		_exit(3);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = bus;
	o.map = map;
	o.dev_num = DEV_NUM;
	o.mtu = MTU;
	o.queue_size = QSIZE;
	o.backend = RTE_VMSG_NET_BACKEND_LOOPBACK;
	o.mac[0] = 0x02;
	o.mac[5] = 0x11;
	if (rte_vmsg_net_dev_create(&o, &nd) != 0)
		_exit(4);
	for (;;) {
		rte_vmsg_bus_poll(bus);
		rte_vmsg_net_dev_service(nd);
		rte_vmsg_net_dev_poll(nd, 0);
	}
}

/* ------------------------------------------------------------------------ */
/* The driver process                                                        */

struct ping_slot {
	uint32_t data;
	int busy;  /* sent, not completed */
	int calls; /* completions of this use of the slot */
};

static struct ping_slot pings[PING_SLOTS];
static uint64_t my_pings_sent, my_pings_done; /* this incarnation's */

static void on_ping(void *arg, int status, uint32_t data)
{
	struct ping_slot *s = arg;

	if (++s->calls > 1) {
		ADD(&ctl->pings_double, 1);
		return;
	}
	s->busy = 0;
	my_pings_done++;
	if (status == 0) {
		ADD(&ctl->pings_ok, 1);
		if (data != s->data)
			ADD(&ctl->pings_badval, 1);
	} else {
		ADD(&ctl->pings_failed, 1);
	}
}

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* dst, src, ethertype 0x88B5, sequence number, pattern from it. */
static uint32_t frame_fill(uint8_t *f, uint64_t seq)
{
	uint64_t s = seq * 0x9E3779B97F4A7C15ull + 7;
	uint32_t len = 60u + (uint32_t)(seq * 2654435761u % (MAX_FRAME - 60u)), i;

	memcpy(f, "\x02\x00\x00\x00\x00\x11", 6);
	memcpy(f + 6, "\x02\x00\x00\x00\x00\x22", 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	memcpy(f + 14, &seq, 8);
	for (i = 22; i < len; i += 8) {
		rng_next(&s);
		memcpy(f + i, &s, len - i < 8 ? len - i : 8);
	}
	return len;
}

/* The loopback device swaps the addresses; the rest comes back as it went. */
static int frame_check(const uint8_t *f, uint32_t len, uint64_t *seq)
{
	static uint8_t exp[MAX_FRAME];
	uint32_t want;

	if (len < 22)
		return 0;
	memcpy(seq, f + 14, 8);
	want = frame_fill(exp, *seq);
	return len == want && memcmp(f, exp + 6, 6) == 0 && memcmp(f + 6, exp, 6) == 0 &&
	       memcmp(f + 12, exp + 12, len - 12) == 0;
}

struct drv_state {
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_drv *nd;
	uint8_t *dma;
	uint64_t dma_size;
	uint64_t lost_seen;  /* the bus's peer_lost when the session began */
	uint64_t next_seq;   /* of the next packet sent (global) */
	uint64_t last_rx;    /* the highest sequence number received in this session + 1 */
	uint64_t in_flight;  /* sent in this session and not yet back */
	uint64_t count_from; /* packets from this sequence number on count in *ok_out */
	uint32_t ping_data;
};

static void session_end(struct drv_state *d)
{
	rte_vmsg_net_drv_destroy(d->nd);
	d->nd = NULL;
	d->in_flight = 0;
}

static int session_start(struct drv_state *d)
{
	struct rte_vmsg_net_drv_opts o;
	struct rte_vmsg_bus_stats bs;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = d->bus;
	o.dev_num = DEV_NUM;
	o.queue_pairs = 1;
	o.queue_size = QSIZE;
	o.dma_addr = d->dma;
	o.dma_bus_addr = 0;
	o.dma_size = d->dma_size;
	o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	o.timeout_ns = 300 * MS;
	rte_vmsg_bus_stats_get(d->bus, &bs);
	d->lost_seen = bs.peer_lost;
	if (rte_vmsg_net_drv_create(&o, &d->nd) != 0) {
		d->nd = NULL;
		return -1;
	}
	d->last_rx = 0;
	d->in_flight = 0;
	ADD(&ctl->sessions, 1);
	return 0;
}

/* One turn of traffic; -1 when the session is over (a broken queue, a lost peer). */
static int traffic_turn(struct drv_state *d, int sending, uint64_t *ok_out)
{
	static uint8_t txbuf[BURST][MAX_FRAME], rxbuf[BURST][MAX_FRAME];
	struct rte_vmsg_net_pkt tx[BURST], rx[BURST];
	struct rte_vmsg_bus_stats bs;
	uint32_t i, n = 0;
	uint64_t seq;
	int k;

	rte_vmsg_bus_stats_get(d->bus, &bs);
	if (bs.peer_lost != d->lost_seen ||
	    rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(d->nd)))
		return -1;
	while (sending && n < BURST && d->in_flight + n < WINDOW) {
		memset(&tx[n], 0, sizeof(tx[n]));
		tx[n].data = txbuf[n];
		tx[n].len = frame_fill(txbuf[n], d->next_seq + n);
		n++;
	}
	if (n != 0) {
		k = rte_vmsg_net_drv_tx_burst(d->nd, 0, tx, n);
		if (k < 0)
			return -1;
		d->next_seq += (uint64_t)k;
		d->in_flight += (uint64_t)k;
		ADD(&ctl->pkts_sent, (uint64_t)k);
	}
	for (i = 0; i < BURST; i++) {
		memset(&rx[i], 0, sizeof(rx[i]));
		rx[i].data = rxbuf[i];
		rx[i].cap = MAX_FRAME;
	}
	k = rte_vmsg_net_drv_rx_burst(d->nd, 0, rx, BURST);
	if (k < 0)
		return -1;
	for (i = 0; i < (uint32_t)k; i++) {
		if (!frame_check(rxbuf[i], rx[i].len, &seq)) {
			ADD(&ctl->pkts_bad, 1);
			continue;
		}
		/* In order within a session: never twice, never back. */
		if (seq + 1 <= d->last_rx) {
			ADD(&ctl->pkts_dup, 1);
			continue;
		}
		d->last_rx = seq + 1;
		ADD(&ctl->pkts_ok, 1);
		if (ok_out != NULL && seq >= d->count_from)
			(*ok_out)++;
		if (d->in_flight > 0)
			d->in_flight--;
	}
	return 0;
}

static void pings_turn(struct drv_state *d, int sending)
{
	uint32_t i;

	for (i = 0; sending && i < PING_SLOTS; i++) {
		struct ping_slot *s = &pings[i];

		if (s->busy)
			continue;
		s->data = ++d->ping_data;
		s->calls = 0;
		if (rte_vmsg_bus_ping(d->bus, s->data, on_ping, s) == 0) {
			s->busy = 1;
			my_pings_sent++;
			ADD(&ctl->pings_sent, 1);
		}
	}
}

static _Noreturn void driver_main(void)
{
	struct rte_vmsg_region *link = attach_file(link_path), *ram = attach_file(ram_path);
	struct rte_vmsg_bus_amp *amp = NULL;
	struct drv_state d;
	uint64_t end, pending, t;
	uint32_t i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&d, 0, sizeof(d));
	memset(pings, 0, sizeof(pings));
	if (link == NULL || ram == NULL)
		_exit(2);
	d.dma = rte_vmsg_region_addr(ram);
	d.dma_size = rte_vmsg_region_len(ram);
	/* Sequence numbers never repeat across incarnations either. */
	d.next_seq = LOAD(&ctl->pkts_sent) + ((uint64_t)getpid() << 40);
	d.bus = bus_new(link, RTE_VMSG_BUS_DRIVER, NULL, &amp);
	if (d.bus == NULL)
		_exit(3);
	while (!LOAD(&ctl->stop)) {
		rte_vmsg_bus_poll(d.bus);
		pings_turn(&d, 1);
		if (d.nd == NULL) {
			if (rte_vmsg_bus_connected(d.bus) == 1)
				(void)session_start(&d);
			continue;
		}
		if (traffic_turn(&d, 1, NULL) < 0)
			session_end(&d);
	}

	/*
	 * Quiesce: the supervisor saw traffic flow after its last disruption.
	 * A final clean window: every packet sent must come back, in order.
	 */
	if (d.nd == NULL)
		(void)session_start(&d);
	if (d.nd != NULL) {
		uint64_t ok = 0, sent0 = d.next_seq, left;

		d.count_from = sent0;
		end = rte_vmsg_time_ns() + 5 * SEC;
		while (d.next_seq - sent0 < 1000 && rte_vmsg_time_ns() < end) {
			rte_vmsg_bus_poll(d.bus);
			if (traffic_turn(&d, 1, &ok) < 0)
				break;
		}
		left = d.next_seq - sent0;
		while (ok < left && rte_vmsg_time_ns() < end) {
			rte_vmsg_bus_poll(d.bus);
			if (traffic_turn(&d, 0, &ok) < 0)
				break;
		}
		STORE(&ctl->final_sent, left);
		STORE(&ctl->final_ok, ok);
	}
	/* Every PING completes, exactly once: wait for the last ones (their timeout is 200 ms). */
	t = rte_vmsg_time_ns() + 2 * SEC;
	do {
		rte_vmsg_bus_poll(d.bus);
		for (pending = 0, i = 0; i < PING_SLOTS; i++)
			pending += (uint64_t)pings[i].busy;
	} while (pending != 0 && rte_vmsg_time_ns() < t);
	STORE(&ctl->pings_pending, pending);
	STORE(&ctl->last_pings_sent, my_pings_sent);
	STORE(&ctl->last_pings_done, my_pings_done);
	STORE(&ctl->done, 1);
	session_end(&d);
	rte_vmsg_bus_destroy(d.bus);
	rte_vmsg_bus_amp_destroy(amp);
	_exit(0);
}

/* ------------------------------------------------------------------------ */
/* The supervisor: the chaos                                                 */

static pid_t spawn(void (*fn)(void))
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		fn();
		_exit(9); /* not reached: fn() exits */
	}
	return pid;
}

static void kill_wait(pid_t pid)
{
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

static int file_make(const char *path, size_t size)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (f == NULL)
		return -1;
	rc = ftruncate(fileno(f), (off_t)size);
	fclose(f);
	return rc;
}

static void on_exit_cleanup(void)
{
	unlink(link_path);
	unlink(ram_path);
}

int main(void)
{
	const char *e = getenv("VMSG_SOAK_S"), *scale = getenv("VMSG_STRESS_SCALE");
	double secs = e != NULL ? atof(e) : (scale != NULL && !strcmp(scale, "small") ? 10 : 60);
	uint64_t rng = vtest_seed() | 1, end, t, ok0, kills_dev = 0, kills_drv = 0, corrupt = 0;
	uint8_t *lm;
	struct rte_vmsg_region *link;
	pid_t dev, drv;
	int st;

	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ctl == MAP_FAILED)
		return 1;
	memset(ctl, 0, sizeof(*ctl));
	snprintf(link_path, sizeof(link_path), "/dev/shm/vmsg_soak_%d_link", (int)getpid());
	snprintf(ram_path, sizeof(ram_path), "/dev/shm/vmsg_soak_%d_ram", (int)getpid());
	atexit(on_exit_cleanup);
	if (file_make(link_path, LINK_FILE_SIZE) != 0 || file_make(ram_path, RAM_SIZE) != 0)
		VTEST_SKIP_BECAUSE("cannot make files in /dev/shm");
	link = attach_file(link_path);
	CHECK(link != NULL);
	if (link == NULL)
		return vtest_done("soak");
	lm = rte_vmsg_region_addr(link);
	printf("soak: %.0f s of chaos: kills of either side, impossible values in the queue "
	       "heads\n",
	       secs);

	dev = spawn(device_main);
	drv = spawn(driver_main);
	end = rte_vmsg_time_ns() + (uint64_t)(secs * 1e9);
	while (rte_vmsg_time_ns() < end) {
		struct timespec nap = { 0, (long)(100 * MS + rng_next(&rng) % (600 * MS)) };
		uint32_t what = (uint32_t)(rng_next(&rng) % 10);

		nanosleep(&nap, NULL);
		if (what < 3) {
			kill_wait(dev);
			dev = spawn(device_main);
			kills_dev++;
		} else if (what < 6) {
			kill_wait(drv);
			drv = spawn(driver_main);
			kills_drv++;
		} else {
			/* One value that cannot be, in one side's queue head. */
			uint8_t *qh = lm + (rng_next(&rng) & 1 ? OFF_DEV_QHEAD : OFF_DRV_QHEAD);
			uint32_t k = (uint32_t)(rng_next(&rng) % 3);

			if (k == 0)
				__atomic_store_n((uint16_t *)(void *)(qh + 4),
						 rte_vmsg_cpu_to_le16(0xFFF0), __ATOMIC_RELEASE);
			else if (k == 1)
				__atomic_store_n((uint16_t *)(void *)(qh + 2),
						 rte_vmsg_cpu_to_le16(0x1F), __ATOMIC_RELEASE);
			else
				__atomic_store_n((uint16_t *)(void *)qh, 0, __ATOMIC_RELEASE);
			corrupt++;
		}
	}

	/* The chaos is over: traffic must flow again by itself. */
	ok0 = LOAD(&ctl->pkts_ok);
	t = rte_vmsg_time_ns() + 20 * SEC;
	while (LOAD(&ctl->pkts_ok) < ok0 + 1000 && rte_vmsg_time_ns() < t)
		usleep(10000);
	CHECK(LOAD(&ctl->pkts_ok) >= ok0 + 1000);
	STORE(&ctl->stop, 1);
	t = rte_vmsg_time_ns() + 15 * SEC;
	while (waitpid(drv, &st, WNOHANG) == 0 && rte_vmsg_time_ns() < t)
		usleep(10000);
	if (rte_vmsg_time_ns() >= t) {
		fprintf(stderr, "soak: the driver did not finish\n");
		kill_wait(drv);
		CHECK(0);
	} else {
		CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	kill_wait(dev);
	rte_vmsg_region_destroy(link);

	printf("soak: %llu device kills, %llu driver kills, %llu impossible values; "
	       "%llu net sessions\n",
	       (unsigned long long)kills_dev, (unsigned long long)kills_drv,
	       (unsigned long long)corrupt, (unsigned long long)ctl->sessions);
	printf("soak: PINGs %llu sent, %llu answered, %llu failed; packets %llu sent, %llu back "
	       "checked; final window %llu of %llu\n",
	       (unsigned long long)ctl->pings_sent, (unsigned long long)ctl->pings_ok,
	       (unsigned long long)ctl->pings_failed, (unsigned long long)ctl->pkts_sent,
	       (unsigned long long)ctl->pkts_ok, (unsigned long long)ctl->final_ok,
	       (unsigned long long)ctl->final_sent);
	CHECK_EQ(LOAD(&ctl->done), 1);
	/* Exactly one completion each, the right value, none left over. */
	CHECK_U64(ctl->pings_double, 0);
	CHECK_U64(ctl->pings_badval, 0);
	CHECK_U64(ctl->pings_pending, 0);
	CHECK_U64(ctl->last_pings_done, ctl->last_pings_sent);
	CHECK(ctl->pings_ok > 0);
	/* Nothing corrupted, nothing twice, and nothing lost once the chaos stopped. */
	CHECK_U64(ctl->pkts_bad, 0);
	CHECK_U64(ctl->pkts_dup, 0);
	CHECK(ctl->final_sent >= 1000);
	CHECK_U64(ctl->final_ok, ctl->final_sent);
	return vtest_done("soak");
}
