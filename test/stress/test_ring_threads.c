/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Stress: two threads pinned to two CPUs pass 10^8 sequence-numbered messages
 * of varying lengths through a link (both element formats, 64- and 256-byte
 * elements, both directions) and check every byte and the order; then the
 * streaming producer (RTE_VMSG_LINK_F_STREAM): whole-element bursts through
 * rte_vmsg_ring_enqueue_burst(), non-temporal stores across the cores, and
 * in the stamped format's 64-byte elements 64-byte direct stores
 * (MOVDIR64B) with no fence, where the CPU has them (each element built by
 * a 64-byte vector store, then by ordinary copies).
 */

#define _GNU_SOURCE
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_ring.h>

#include "stress_common.h"
#include "vmsg_util.h"
#include "vtest.h"

struct side {
	struct rte_vmsg_ring *ring;
	uint64_t total, deadline;
	int produce, rc,
		bursts; /* bursts: rte_vmsg_ring_enqueue_burst/dequeue_burst of whole elements */
};

/* Word w of message @p seq (every word of every message differs). */
static inline uint64_t burst_word(uint64_t seq, uint32_t w)
{
	return seq * 0x9E3779B97F4A7C15ull + w;
}

/* Whole-element bursts of 1 to 64, most of them streaming (>= RTE_VMSG_RING_STREAM_MIN). */
static int burst_produce(struct side *s)
{
	struct rte_vmsg_ring *r = s->ring;
	uint32_t len = r->msg_max, w, i;
	uint64_t *buf = aligned_alloc(64, 64u * 256u), seq = 0, calls = 0, spins = 0;

	if (buf == NULL)
		return -1;
	while (seq < s->total) {
		uint32_t want = calls++ % 8 == 7 ? 3u : 32u + (uint32_t)(calls % 33);
		int k;

		if (want > s->total - seq)
			want = (uint32_t)(s->total - seq);
		for (i = 0; i < want; i++)
			for (w = 0; w < len / 8; w++)
				buf[(size_t)i * (len / 8) + w] = burst_word(seq + i, w);
		while ((k = rte_vmsg_ring_enqueue_burst(r, buf, len, want)) == 0) {
			/* A full ring spins here: the deadline counts these turns. */
			if ((++spins & 0xFFF) == 0 && rte_vmsg_time_ns() > s->deadline)
				break;
			rte_vmsg__cpu_relax();
		}
		if (k <= 0) {
			fprintf(stderr, "burst producer: %d at message %llu\n", k,
				(unsigned long long)seq);
			free(buf);
			return -1;
		}
		seq += (uint64_t)k;
	}
	free(buf);
	return 0;
}

static int burst_consume(struct side *s)
{
	struct rte_vmsg_ring *r = s->ring;
	uint32_t len = r->msg_max, w, i;
	uint64_t *buf = aligned_alloc(64, 64u * 256u), seq = 0, calls = 0;

	if (buf == NULL)
		return -1;
	while (seq < s->total) {
		int k = rte_vmsg_ring_dequeue_burst(r, buf, len, 64);

		if (k < 0)
			break;
		if (k == 0) {
			if ((++calls & 0xFFFF) == 0 && rte_vmsg_time_ns() > s->deadline)
				break;
			rte_vmsg__cpu_relax();
			continue;
		}
		for (i = 0; i < (uint32_t)k; i++)
			for (w = 0; w < len / 8; w++)
				if (buf[(size_t)i * (len / 8) + w] != burst_word(seq + i, w)) {
					fprintf(stderr,
						"burst consumer: message %llu word %u wrong\n",
						(unsigned long long)(seq + i), w);
					free(buf);
					return -1;
				}
		seq += (uint64_t)k;
	}
	free(buf);
	return seq == s->total ? 0 : -1;
}

/* Unpinned (one CPU allowed here), a side is still correct, only slower. */
static int run(void *arg, int pinned)
{
	struct side *s = arg;

	(void)pinned;
	if (s->bursts)
		s->rc = s->produce ? burst_produce(s) : burst_consume(s);
	else
		s->rc = s->produce ? stress_produce(s->ring, s->total, s->deadline)
				   : stress_consume(s->ring, s->total, s->deadline);
	return s->rc;
}

/*
 * One run: a link of 1024 @p esize-byte elements in format @p fmt (@p flags
 * on the device side), @p total messages device to driver (@p dir 0) or back,
 * each side on one of @p cpu. @p bursts: whole-element bursts (burst_produce()).
 * Returns 0, or -1 when a link could not be made.
 */
static int one_run(uint8_t *mem, size_t len, const int cpu[2], uint32_t esize, int fmt, int dir,
		   uint32_t flags, int bursts, uint64_t total)
{
	struct rte_vmsg_link_opts o = { .sz = sizeof(o) };
	struct rte_vmsg_link *dev = NULL, *drv = NULL;
	struct side p, c;
	struct vmsg_util_side two[2];
	uint64_t t0 = rte_vmsg_time_ns();

	memset(mem, 0, len);
	o.role = RTE_VMSG_LINK_DEVICE;
	o.num_elems = 1024;
	o.elem_size = esize;
	o.format = (enum rte_vmsg_link_format)fmt;
	o.flags = flags;
	CHECK_EQ(rte_vmsg_link_create(mem, len, &o, &dev), 0);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_LINK_DRIVER;
	CHECK_EQ(rte_vmsg_link_create(mem, len, &o, &drv), 0);
	if (dev == NULL || drv == NULL)
		return -1;
	CHECK_EQ(stress_connect(dev, drv), 0);
	if (flags & RTE_VMSG_LINK_F_STREAM) {
		CHECK((rte_vmsg_link_tx(dev)->mode & RTE_VMSG_RING_MODE_STREAM) != 0);
		CHECK(((rte_vmsg_link_tx(dev)->mode & RTE_VMSG_RING_MODE_DIRECT) != 0) ==
		      (fmt == RTE_VMSG_LINK_FMT_STAMPED && esize == 64 &&
		       rte_vmsg_link_stream_direct()));
	}

	memset(&p, 0, sizeof(p));
	memset(&c, 0, sizeof(c));
	p.ring = rte_vmsg_link_tx(dir ? drv : dev);
	c.ring = rte_vmsg_link_rx(dir ? dev : drv);
	p.total = c.total = total;
	p.deadline = c.deadline = t0 + 120ull * 1000000000ull;
	p.produce = 1;
	p.bursts = c.bursts = bursts;
	/* The consumer's thread first, as before. */
	two[0] = (struct vmsg_util_side){ cpu[1], run, &c, -1 };
	two[1] = (struct vmsg_util_side){ cpu[0], run, &p, -1 };
	CHECK_EQ(vmsg_util_run_pair(two, NULL, NULL), 0);
	CHECK_EQ(p.rc, 0);
	CHECK_EQ(c.rc, 0);
	printf("%s esize %u %s: %llu messages checked in %.2f s\n", fmt ? "stamped" : "compat",
	       esize,
	       bursts ? ((rte_vmsg_link_tx(dev)->mode & RTE_VMSG_RING_MODE_DIRECT) != 0
				 ? (rte_vmsg__direct_wide
					    ? "streaming bursts (direct stores, vector-built)"
					    : "streaming bursts (direct stores, copied)")
				 : "streaming bursts")
	       : dir  ? "driver->device"
		      : "device->driver",
	       (unsigned long long)total, (double)(rte_vmsg_time_ns() - t0) / 1e9);
	rte_vmsg_link_destroy(drv);
	rte_vmsg_link_destroy(dev);
	return 0;
}

int main(void)
{
	static const uint32_t esizes[] = { 64, 256 };
	uint64_t total = stress_messages(100000000ull) / 8;
	size_t len = 4u << 20;
	uint8_t *mem = aligned_alloc(4096, len);
	int cpu[2], fmt, e, dir;

	if (mem == NULL)
		return 1;
	vmsg_util_two_cpus(cpu);
	printf("11 or 12 runs of %llu messages on CPUs %d and %d\n", (unsigned long long)total,
	       cpu[0], cpu[1]);
	for (fmt = 0; fmt < 2; fmt++)
		for (e = 0; e < 2; e++)
			for (dir = 0; dir < 2; dir++)
				if (one_run(mem, len, cpu, esizes[e], fmt, dir, 0, 0, total) < 0)
					return vtest_done("test_ring_threads");
	/*
	 * The streaming producer, device to driver: compat 64- and 256-byte
	 * elements, then stamped 64-byte ones (direct stores where the CPU
	 * has them, else as without the flag).
	 */
	for (e = 0; e < 2; e++)
		if (one_run(mem, len, cpu, esizes[e], 0, 0, RTE_VMSG_LINK_F_STREAM, 1, total) < 0)
			return vtest_done("test_ring_threads");
	if (one_run(mem, len, cpu, 64, RTE_VMSG_LINK_FMT_STAMPED, 0, RTE_VMSG_LINK_F_STREAM, 1,
		    total) < 0)
		return vtest_done("test_ring_threads");
	/* Again with each element built by ordinary copies, where that was a vector store. */
	if (rte_vmsg__direct_wide) {
		rte_vmsg__direct_wide = 0;
		if (one_run(mem, len, cpu, 64, RTE_VMSG_LINK_FMT_STAMPED, 0, RTE_VMSG_LINK_F_STREAM,
			    1, total) < 0)
			return vtest_done("test_ring_threads");
		rte_vmsg__direct_wide = 1;
	}
	free(mem);
	return vtest_done("test_ring_threads");
}
