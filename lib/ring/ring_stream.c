/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The streaming writes of a ring end with RTE_VMSG_RING_MODE_STREAM
 * (RTE_VMSG_LINK_F_STREAM). Compatible format: a burst of whole elements
 * written with non-temporal stores, which send each line to memory in one
 * write instead of first taking it, owned, from the cache of the CPU that
 * read it a lap ago, then one store fence before the tail. Stamped format
 * with 64-byte elements, on a CPU with MOVDIR64B (RTE_VMSG_RING_MODE_DIRECT):
 * each element, stamp and message, built in a private line and written with
 * one 64-byte direct store, which the CPU performs as a single write, so
 * the stamp vouches for its own line and no fence is needed at all.
 * doc/ring.md, "Streaming bursts", has when each pays.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "ring_priv.h"

void rte_vmsg__ring_stream_copy(void *dst, const void *src, size_t len, int fence)
{
#if defined(__x86_64__)
	/* SSE2 is part of x86-64: four 16-byte stores fill one line's write-combining buffer. */
	__m128i *d = dst;
	const __m128i *s = src;
	size_t i;

	for (i = 0; i < len / 16u; i += 4) {
		__m128i a = _mm_loadu_si128(s + i), b = _mm_loadu_si128(s + i + 1),
			c = _mm_loadu_si128(s + i + 2), e = _mm_loadu_si128(s + i + 3);

		_mm_stream_si128(d + i, a);
		_mm_stream_si128(d + i + 1, b);
		_mm_stream_si128(d + i + 2, c);
		_mm_stream_si128(d + i + 3, e);
	}
	/*
	 * R1s: non-temporal stores are not ordered by the release store of
	 * the tail that follows (x86 orders only ordinary stores): the fence
	 * makes every line of the burst visible first, those of a run before
	 * the ring's end copied by an earlier call included. Pairs with A2,
	 * as R1.
	 */
	if (fence)
		_mm_sfence();
#else
	/* No streaming store here: an ordinary copy (the commit's release orders it). */
	(void)fence;
	memcpy(dst, src, len);
#endif
}

#if defined(__x86_64__)
/*
 * The element as it will be in the ring (stamp, reserved word, message,
 * zeros) built in a private line by one 64-byte store, so that the direct
 * store's 64-byte read of it is served whole from that store instead of
 * waiting for several smaller ones to reach the cache: 12 % more lines a
 * second than direct_copy() (doc/ring.md, "Streaming bursts").
 */
__attribute__((target("movdir64b,avx512f,avx512bw"))) static void direct_wide(
	struct rte_vmsg_ring *r, const uint8_t *src, uint32_t len, uint32_t k)
{
	uint8_t line[64] __attribute__((aligned(64)));
	__mmask64 m = len >= 64u ? ~0ull : (1ull << len) - 1u;
	uint32_t i, idx = r->idx, seq = r->seq;
	const __m512i zero = _mm512_setzero_si512();

	for (i = 0; i < k; i++) {
		/* The message (nothing read past it), then one quadword up: the header's room. */
		__m512i v = _mm512_maskz_loadu_epi8(m, src + (size_t)i * len);

		v = _mm512_alignr_epi64(v, zero, 7);
		v = _mm512_mask_set1_epi32(v, 1, (int)rte_vmsg_cpu_to_le32(seq + i));
		_mm512_store_si512((void *)line, v);
		/* R3d, as in direct_copy(). */
		_movdir64b(rte_vmsg__ring_elem(r, idx), line);
		idx = rte_vmsg__ring_add(r, idx, 1);
	}
}

/* The element built by ordinary copies into one private line, for CPUs without AVX-512. */
__attribute__((target("movdir64b"))) static void direct_copy(struct rte_vmsg_ring *r,
							     const uint8_t *src, uint32_t len,
							     uint32_t k)
{
	uint8_t line[64] __attribute__((aligned(64)));
	uint32_t i, idx = r->idx, seq = r->seq;
	rte_vmsg_le32 st;

	memset(line, 0, sizeof(line));
	for (i = 0; i < k; i++) {
		st = rte_vmsg_cpu_to_le32(seq + i);
		memcpy(line, &st, sizeof(st));
		memcpy(line + RTE_VMSG_STAMP_HDR_SIZE, src + (size_t)i * len, len);
		/*
		 * R3d: one 64-byte direct store, performed as a single write:
		 * a consumer whose A3 sees the stamp sees the message with it
		 * (doc/memory-ordering.md). Direct stores are weakly ordered
		 * among themselves, so a later element may show before an
		 * earlier one: the consumer checks every element's own stamp,
		 * in order, and waits for it.
		 */
		_movdir64b(rte_vmsg__ring_elem(r, idx), line);
		idx = rte_vmsg__ring_add(r, idx, 1);
	}
}

/*
 * One private line serves every element: two taking turns (the next one
 * built while the direct store reads this one) wrote more lines a second
 * alone, but moved half as many to a consumer on the other CPU (doc/ring.md,
 * "Streaming bursts").
 */
void rte_vmsg__ring_direct_in(struct rte_vmsg_ring *r, const uint8_t *src, uint32_t len, uint32_t k)
{
	if (rte_vmsg__direct_wide)
		direct_wide(r, src, len, k);
	else
		direct_copy(r, src, len, k);
}
#else
void rte_vmsg__ring_direct_in(struct rte_vmsg_ring *r, const uint8_t *src, uint32_t len, uint32_t k)
{
	(void)r;
	(void)src;
	(void)len;
	(void)k; /* never called: no CPU here sets RTE_VMSG_RING_MODE_DIRECT */
}
#endif
