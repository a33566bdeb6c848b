/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Shared pieces of the stress tests: message counts scaled for sanitizer
 * builds, random frame lengths, and a producer and a consumer that pass
 * sequence-numbered messages of varying lengths and check every byte and
 * the order.
 */

#ifndef STRESS_COMMON_H
#define STRESS_COMMON_H

#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_ring.h>

/* HugePages_Free of /proc/meminfo, or -1: is a hugepage failure a missing resource? */
static inline long stress_free_hugepages(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "HugePages_Free:", 15) == 0) {
			v = strtol(line + 15, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/*
 * A frame length in [@p min, @p max] from the random value @p r, mostly small
 * as on real links (about 60% up to 128 bytes, 30% of 129..600, 10% above):
 * every size is met, and a run is not dominated by the copies of big frames,
 * whose cache lines cross between the two CPUs. @p min <= 128, @p max > 600.
 */
static inline uint32_t stress_frame_len(uint64_t r, uint32_t min, uint32_t max)
{
	uint32_t k = (uint32_t)(r % 10u);

	r >>= 8;
	if (k < 6)
		return min + (uint32_t)(r % (128u - min + 1u));
	if (k < 9)
		return 129u + (uint32_t)(r % (600u - 129u + 1u));
	return 601u + (uint32_t)(r % (max - 601u + 1u));
}

/*
 * Messages per run: 10^8 in a release build; VMSG_STRESS_SCALE=small (set by
 * the sanitizer runs of .ci/run) gives 10^6; VMSG_STRESS_MESSAGES overrides.
 */
static inline uint64_t stress_messages(uint64_t full)
{
	const char *e = getenv("VMSG_STRESS_MESSAGES");
	const char *s = getenv("VMSG_STRESS_SCALE");

	if (e != NULL)
		return strtoull(e, NULL, 0);
	if (s != NULL && strcmp(s, "small") == 0)
		return full / 100;
	return full;
}

/* Length of message @p seq: 8..max, varying from one message to the next. */
static inline uint32_t stress_len(uint64_t seq, uint32_t max)
{
	uint64_t h = seq * 0x9E3779B97F4A7C15ull;

	return 8u + (uint32_t)((h >> 40) % (max - 7u));
}

/* Byte @p i of message @p seq (beyond its 8-byte header). */
static inline uint8_t stress_byte(uint64_t seq, uint32_t i)
{
	return (uint8_t)(seq * 31u + i * 7u);
}

/* Writes message @p seq (at most @p max bytes) at @p p. */
static inline void stress_fill(uint8_t *p, uint64_t seq, uint32_t max)
{
	uint32_t len = stress_len(seq, max), j;

	rte_vmsg_put_le32(p, (uint32_t)seq);
	rte_vmsg_put_le32(p + 4, len);
	for (j = 8; j < len; j++)
		p[j] = stress_byte(seq, j);
}

/* Checks that @p p holds message @p seq; 0, or -1 (said on stderr, by @p who). */
static inline int stress_check(const uint8_t *p, uint64_t seq, uint32_t max, const char *who)
{
	uint32_t len = stress_len(seq, max), j;

	if (rte_vmsg_get_le32(p) != (uint32_t)seq || rte_vmsg_get_le32(p + 4) != len) {
		fprintf(stderr, "%s: message %llu: got seq %u len %u\n", who,
			(unsigned long long)seq, rte_vmsg_get_le32(p), rte_vmsg_get_le32(p + 4));
		return -1;
	}
	for (j = 8; j < len; j++)
		if (p[j] != stress_byte(seq, j)) {
			fprintf(stderr, "%s: message %llu byte %u wrong\n", who,
				(unsigned long long)seq, j);
			return -1;
		}
	return 0;
}

/* Burst size for the @p k-th call: 1..32, varying. */
static inline uint32_t stress_burst(uint64_t k)
{
	return 1u + (uint32_t)((k * 0x2545F4914F6CDD1Dull >> 50) % 32u);
}

/*
 * Called now and then while a ring end waits (full or empty): returns
 * non-zero to give up early, e.g. when the peer process has died.
 */
typedef int (*stress_stop_fn)(void *arg);

/*
 * Sends @p total messages through @p r; spins when full. Returns 0, or -1
 * when the ring broke, @p deadline_ns passed or @p stop (if not NULL) said so.
 */
static inline int stress_produce_until(struct rte_vmsg_ring *r, uint64_t total,
				       uint64_t deadline_ns, stress_stop_fn stop, void *arg)
{
	uint64_t seq = 0, calls = 0;
	uint32_t max = r->msg_max < 256 ? r->msg_max : 256;

	while (seq < total) {
		uint32_t want = stress_burst(calls++), i;
		int k;

		if (want > total - seq)
			want = (uint32_t)(total - seq);
		k = rte_vmsg_ring_reserve(r, want);
		if (k < 0)
			return -1;
		if (k == 0) {
			if ((calls & 0xFFFF) == 0 &&
			    (rte_vmsg_time_ns() > deadline_ns || (stop != NULL && stop(arg)))) {
				fprintf(stderr, "producer: gave up at message %llu\n",
					(unsigned long long)seq);
				return -1;
			}
			rte_vmsg__cpu_relax();
			continue;
		}
		for (i = 0; i < (uint32_t)k; i++)
			stress_fill((uint8_t *)rte_vmsg_ring_slot(r, i), seq + i, max);
		if (rte_vmsg_ring_commit(r, (uint32_t)k) != k)
			return -1;
		seq += (uint64_t)k;
	}
	return 0;
}

static inline int stress_produce(struct rte_vmsg_ring *r, uint64_t total, uint64_t deadline_ns)
{
	return stress_produce_until(r, total, deadline_ns, NULL, NULL);
}

/*
 * Receives @p total messages from @p r and checks each: sequence, length and
 * every byte. Returns 0, or -1 on the first wrong message, a broken ring, the
 * deadline or @p stop (if not NULL) saying so.
 */
static inline int stress_consume_until(struct rte_vmsg_ring *r, uint64_t total,
				       uint64_t deadline_ns, stress_stop_fn stop, void *arg)
{
	uint64_t seq = 0, calls = 0;
	uint32_t max = r->msg_max < 256 ? r->msg_max : 256;

	while (seq < total) {
		int k = rte_vmsg_ring_peek(r, stress_burst(calls++));
		uint32_t i;

		if (k < 0)
			return -1;
		if (k == 0) {
			if ((calls & 0xFFFF) == 0 &&
			    (rte_vmsg_time_ns() > deadline_ns || (stop != NULL && stop(arg)))) {
				fprintf(stderr, "consumer: gave up at message %llu\n",
					(unsigned long long)seq);
				return -1;
			}
			rte_vmsg__cpu_relax();
			continue;
		}
		for (i = 0; i < (uint32_t)k; i++)
			if (stress_check((const uint8_t *)rte_vmsg_ring_slot(r, i), seq + i, max,
					 "consumer") < 0)
				return -1;
		if (rte_vmsg_ring_release(r, (uint32_t)k) != k)
			return -1;
		seq += (uint64_t)k;
	}
	/* Nothing more than was sent. */
	return rte_vmsg_ring_peek(r, 1) == 0 ? 0 : -1;
}

static inline int stress_consume(struct rte_vmsg_ring *r, uint64_t total, uint64_t deadline_ns)
{
	return stress_consume_until(r, total, deadline_ns, NULL, NULL);
}

/* Runs the handshake of two ends owned by one thread until both are up. */
static inline int stress_connect(struct rte_vmsg_link *a, struct rte_vmsg_link *b)
{
	int i;

	for (i = 0; i < 100; i++) {
		int ra = rte_vmsg_link_poll(a), rb = rte_vmsg_link_poll(b);

		if (ra == RTE_VMSG_LINK_UP && rb == RTE_VMSG_LINK_UP)
			return 0;
	}
	return -1;
}

#endif /* STRESS_COMMON_H */
