/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The streaming copy of a ring end with RTE_VMSG_RING_MODE_STREAM
 * (RTE_VMSG_LINK_F_STREAM): a burst of whole elements written with
 * non-temporal stores, which send each line to memory in one write instead
 * of first taking it, owned, from the cache of the CPU that read it a lap
 * ago. doc/ring.md, "Streaming bursts", has when that pays.
 */

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <emmintrin.h>
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
