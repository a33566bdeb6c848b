/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Doorbells: each kind wakes a sleeping consumer, waits time out, no wake-up
 * is lost when both sides go to sleep on every message (threads), and a
 * futex doorbell works between two processes.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_mem.h>
#include <rte_vmsg_ring.h>

#include "vtest.h"

#define LEN (1u << 20)

struct pair {
	uint8_t *mem;
	struct rte_vmsg_link *dev, *drv;
	struct rte_vmsg_bell_shm *words;  /* [0]: dev->drv, [1]: drv->dev */
	struct rte_vmsg_bell *bell[2][2]; /* [side][direction], side 0 dev, 1 drv */
};

static int pair_new(struct pair *p, uint8_t *mem, enum rte_vmsg_bell_kind kind, uint64_t poll_ns,
		    int link_too)
{
	struct rte_vmsg_link_opts o = { .sz = sizeof(o) };
	struct rte_vmsg_bell_opts bo = { .sz = sizeof(bo) };
	int s, d, i;

	memset(p, 0, sizeof(*p));
	p->mem = mem;
	p->words = (struct rte_vmsg_bell_shm *)(void *)(mem + LEN - 4096);
	if (link_too) {
		memset(mem, 0, LEN);
		o.role = RTE_VMSG_LINK_DEVICE;
		o.num_elems = 64;
		o.format = RTE_VMSG_LINK_FMT_STAMPED;
		if (rte_vmsg_link_create(mem, LEN - 4096, &o, &p->dev) != 0)
			return -1;
	}
	o.role = RTE_VMSG_LINK_DRIVER;
	if (rte_vmsg_link_create(mem, LEN - 4096, &o, &p->drv) != 0)
		return -1;
	bo.kind = kind;
	bo.poll_ns = poll_ns;
	bo.fd = -1;
	for (d = 0; d < 2; d++) {
		bo.shm = &p->words[d];
		if (kind == RTE_VMSG_BELL_EVENTFD && rte_vmsg_bell_create(&bo, &p->bell[0][d]) == 0)
			bo.fd = rte_vmsg_bell_fd(p->bell[0][d]); /* both sides share it */
		for (s = 0; s < 2; s++)
			if (p->bell[s][d] == NULL && rte_vmsg_bell_create(&bo, &p->bell[s][d]) != 0)
				return -1;
		bo.fd = -1;
	}
	for (i = 0; link_too && i < 16; i++) {
		int a = rte_vmsg_link_poll(p->dev), b = rte_vmsg_link_poll(p->drv);

		if (a == RTE_VMSG_LINK_UP && b == RTE_VMSG_LINK_UP)
			return 0;
	}
	return link_too ? -1 : 0;
}

static void pair_free(struct pair *p)
{
	int s, d;

	/* Side 1 of an eventfd pair borrowed side 0's descriptor: free it first. */
	for (s = 1; s >= 0; s--)
		for (d = 0; d < 2; d++)
			rte_vmsg_bell_destroy(p->bell[s][d]);
	rte_vmsg_link_destroy(p->drv);
	rte_vmsg_link_destroy(p->dev);
}

static int send_one(struct rte_vmsg_ring *tx, struct rte_vmsg_bell *b, uint32_t v)
{
	uint8_t m[8];

	rte_vmsg_put_le32(m, v);
	if (rte_vmsg_ring_enqueue_burst(tx, m, sizeof(m), 1) != 1)
		return -1;
	return rte_vmsg_bell_notify(b);
}

static int recv_one(struct rte_vmsg_ring *rx, struct rte_vmsg_bell *b, uint32_t *v)
{
	uint8_t m[8];
	int rc = rte_vmsg_bell_wait(b, rx, 5000000000ull);

	if (rc != 1)
		return -1;
	if (rte_vmsg_ring_dequeue_burst(rx, m, sizeof(m), 1) != 1)
		return -1;
	*v = rte_vmsg_get_le32(m);
	return 0;
}

struct echo_arg {
	struct pair *p;
	uint32_t n;
	int rc;
};

/* The driver side: receive and send back, sleeping whenever it may. */
static void *echo(void *arg)
{
	struct echo_arg *a = arg;
	uint32_t i, v;

	for (i = 0; i < a->n; i++) {
		if (recv_one(rte_vmsg_link_rx(a->p->drv), a->p->bell[1][0], &v) < 0 || v != i ||
		    send_one(rte_vmsg_link_tx(a->p->drv), a->p->bell[1][1], v) < 0) {
			a->rc = -1;
			return NULL;
		}
	}
	return NULL;
}

/*
 * Ping-pong where both sides arm and sleep before every message (poll time
 * 0): a lost wake-up would stall a side until the 5 s timeout and fail.
 */
static void test_no_lost_wakeups(enum rte_vmsg_bell_kind kind, uint32_t n)
{
	uint8_t *mem = aligned_alloc(4096, LEN);
	struct echo_arg a = { .n = n };
	struct pair p;
	pthread_t t;
	uint32_t i, v;

	CHECK_EQ(pair_new(&p, mem, kind, 0, 1), 0);
	a.p = &p;
	pthread_create(&t, NULL, echo, &a);
	for (i = 0; i < n; i++) {
		if (send_one(rte_vmsg_link_tx(p.dev), p.bell[0][0], i) < 0 ||
		    recv_one(rte_vmsg_link_rx(p.dev), p.bell[0][1], &v) < 0 || v != i) {
			CHECK(0);
			break;
		}
	}
	pthread_join(t, NULL);
	CHECK_EQ(a.rc, 0);
	if (kind != RTE_VMSG_BELL_NONE) {
		/* The sides did sleep, and were woken by system calls. */
		CHECK(p.bell[0][1]->sleeps + p.bell[1][0]->sleeps > 0);
		CHECK(p.bell[0][0]->kicks + p.bell[1][1]->kicks > 0);
	}
	printf("kind %d: %u round trips, %llu sleeps, %llu kicks\n", kind, n,
	       (unsigned long long)(p.bell[0][1]->sleeps + p.bell[1][0]->sleeps),
	       (unsigned long long)(p.bell[0][0]->kicks + p.bell[1][1]->kicks));
	pair_free(&p);
	free(mem);
}

/* A wait with nothing coming returns 0 after about the timeout; polling kind too. */
static void test_timeout(void)
{
	static const enum rte_vmsg_bell_kind kinds[] = { RTE_VMSG_BELL_NONE, RTE_VMSG_BELL_EVENTFD,
							 RTE_VMSG_BELL_FUTEX };
	uint8_t *mem = aligned_alloc(4096, LEN);
	unsigned int k;

	for (k = 0; k < 3; k++) {
		struct pair p;
		uint64_t t0;
		int rc;

		CHECK_EQ(pair_new(&p, mem, kinds[k], 100000, 1), 0);
		t0 = rte_vmsg_time_ns();
		rc = rte_vmsg_bell_wait(p.bell[1][0], rte_vmsg_link_rx(p.drv), 30000000ull);
		CHECK_EQ(rc, 0);
		CHECK(rte_vmsg_time_ns() - t0 >= 30000000ull);
		/* Armed flag cleared after a timeout: notify makes no system call. */
		CHECK_EQ(p.words[0].armed, 0);
		CHECK_EQ(send_one(rte_vmsg_link_tx(p.dev), p.bell[0][0], 1), 0);
		CHECK_EQ(p.bell[0][0]->kicks, 0);
		CHECK_EQ(rte_vmsg_bell_wait(p.bell[1][0], rte_vmsg_link_rx(p.drv), 1000000ull), 1);
		pair_free(&p);
	}
	free(mem);
}

static void test_create_errors(void)
{
	struct rte_vmsg_bell_shm w = { 0, 0 };
	struct rte_vmsg_bell_opts o = { .sz = sizeof(o), .kind = RTE_VMSG_BELL_FUTEX };
	struct rte_vmsg_bell *b = NULL;
	struct {
		struct rte_vmsg_bell_opts o;
		uint32_t extra;
	} big;

	CHECK_EQ(rte_vmsg_bell_create(NULL, &b), -EINVAL);
	CHECK_EQ(rte_vmsg_bell_create(&o, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL); /* no shared words */
	o.shm = (struct rte_vmsg_bell_shm *)(void *)((uint8_t *)&w + 1);
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL); /* misaligned */
	o.shm = &w;
	o.kind = (enum rte_vmsg_bell_kind)4;
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL);
	/* MMIO: a register is required, 4-byte aligned; its fields only with that kind. */
	o.kind = RTE_VMSG_BELL_MMIO;
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL);
	o.mmio = (uint8_t *)&w + 2;
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL);
	o.mmio = &w.armed;
	o.mmio_value = 0x10002;
	o.shm = NULL;
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), 0);
	CHECK_EQ(rte_vmsg_bell_fd(b), -ENOENT);
	w.armed = 0;
	CHECK_EQ(rte_vmsg_bell_notify(b), 0); /* no shared words: always rings */
	CHECK_EQ(rte_vmsg_le32_to_cpu(w.armed), 0x10002);
	CHECK_EQ(b->kicks, 1);
	rte_vmsg_bell_destroy(b);
	/* MMIO by offset in an I/O region: through the counting accessor. */
	{
		uint32_t regs[4] = { 0 };
		struct rte_vmsg_region *io = NULL, *ram = NULL;
		uint64_t wr = 0;

		CHECK_EQ(rte_vmsg_region_register(regs, sizeof(regs), 0, RTE_VMSG_REGION_F_IO, &io),
			 0);
		CHECK_EQ(rte_vmsg_region_register(regs, sizeof(regs), 0, 0, &ram), 0);
		o.mmio_region = io;
		CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL); /* both an address and a region */
		o.mmio = NULL;
		o.mmio_offset = 16;
		CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL); /* past the end */
		o.mmio_offset = 6;
		CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL); /* misaligned */
		o.mmio_offset = 12;
		o.mmio_region = ram;
		CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL); /* not I/O memory */
		o.mmio_region = io;
		CHECK_EQ(rte_vmsg_bell_create(&o, &b), 0);
		CHECK_EQ(rte_vmsg_bell_notify(b), 0);
		CHECK_EQ(rte_vmsg_le32_to_cpu(regs[3]), 0x10002);
		CHECK_EQ(rte_vmsg_region_io_stats(io, NULL, &wr), 0);
		CHECK_U64(wr, 1);
		rte_vmsg_bell_destroy(b);
		o.kind = RTE_VMSG_BELL_NONE;
		CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL); /* region on another kind */
		o.kind = RTE_VMSG_BELL_MMIO;
		o.mmio_region = NULL;
		o.mmio_offset = 0;
		o.mmio = &w.armed;
		rte_vmsg_region_destroy(ram);
		rte_vmsg_region_destroy(io);
	}
	o.kind = RTE_VMSG_BELL_FUTEX;
	o.shm = &w;
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL); /* mmio fields on a futex */
	o.mmio = NULL;
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), -EINVAL);
	o.mmio_value = 0;
	o.kind = RTE_VMSG_BELL_NONE;
	o.shm = NULL;
	CHECK_EQ(rte_vmsg_bell_create(&o, &b), 0); /* polling needs no words */
	CHECK_EQ(rte_vmsg_bell_fd(b), -ENOENT);
	CHECK_EQ(rte_vmsg_bell_notify(b), 0);
	rte_vmsg_bell_destroy(b);
	rte_vmsg_bell_destroy(NULL);
	memset(&big, 0, sizeof(big));
	big.o = o;
	big.o.sz = sizeof(big);
	big.extra = 1;
	CHECK_EQ(rte_vmsg_bell_create(&big.o, &b), -EINVAL);
}

/* A futex doorbell between two processes: the words are in shared memory. */
static void test_futex_processes(void)
{
	uint8_t *mem = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct pair p;
	pid_t pid;
	int st = 0;
	uint32_t i, v;

	if (mem == MAP_FAILED) {
		CHECK(0);
		return;
	}
	memset(mem, 0, LEN);
	{
		struct rte_vmsg_link_opts o = { .sz = sizeof(o), .role = RTE_VMSG_LINK_DEVICE };

		o.num_elems = 64;
		CHECK_EQ(rte_vmsg_link_create(mem, LEN - 4096, &o, &p.dev), 0);
	}
	pid = fork();
	if (pid == 0) {
		/* Driver process: echoes 200 messages, sleeping for each. */
		struct pair c;

		if (pair_new(&c, mem, RTE_VMSG_BELL_FUTEX, 0, 0) != 0)
			_exit(2);
		if (rte_vmsg_link_wait_up(c.drv, 5000000000ull) != 0)
			_exit(3);
		for (i = 0; i < 200; i++)
			if (recv_one(rte_vmsg_link_rx(c.drv), c.bell[1][0], &v) < 0 || v != i ||
			    send_one(rte_vmsg_link_tx(c.drv), c.bell[1][1], v) < 0)
				_exit(4);
		_exit(c.bell[1][0]->sleeps > 0 ? 0 : 5);
	}
	{
		struct rte_vmsg_bell_opts bo = { .sz = sizeof(bo), .kind = RTE_VMSG_BELL_FUTEX };
		struct rte_vmsg_bell *tx_bell = NULL, *rx_bell = NULL;
		struct rte_vmsg_bell_shm *words =
			(struct rte_vmsg_bell_shm *)(void *)(mem + LEN - 4096);

		bo.shm = &words[0];
		CHECK_EQ(rte_vmsg_bell_create(&bo, &tx_bell), 0);
		bo.shm = &words[1];
		CHECK_EQ(rte_vmsg_bell_create(&bo, &rx_bell), 0);
		CHECK_EQ(rte_vmsg_link_wait_up(p.dev, 5000000000ull), 0);
		for (i = 0; i < 200; i++) {
			struct timespec nap = { 0, 100000 };

			nanosleep(&nap, NULL); /* let the child go to sleep */
			if (send_one(rte_vmsg_link_tx(p.dev), tx_bell, i) < 0 ||
			    recv_one(rte_vmsg_link_rx(p.dev), rx_bell, &v) < 0 || v != i) {
				CHECK(0);
				break;
			}
		}
		CHECK(tx_bell->kicks > 0);
		rte_vmsg_bell_destroy(tx_bell);
		rte_vmsg_bell_destroy(rx_bell);
	}
	CHECK_EQ(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	rte_vmsg_link_destroy(p.dev);
	munmap(mem, LEN);
}

int main(void)
{
	test_create_errors();
	test_timeout();
	test_no_lost_wakeups(RTE_VMSG_BELL_NONE, 2000);
	test_no_lost_wakeups(RTE_VMSG_BELL_EVENTFD, 3000);
	test_no_lost_wakeups(RTE_VMSG_BELL_FUTEX, 3000);
	test_futex_processes();
	return vtest_done("test_bell");
}
