/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Shared by the fuzz targets and the replay driver: the libFuzzer entry point
 * and a check that aborts, so that libFuzzer and the replay tests both see a
 * broken property as a crash.
 */

#ifndef VMSG_FUZZ_H
#define VMSG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Runs one input; returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                      \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                       \
			abort();                                                              \
		}                                                                             \
	} while (0)

/* The fuzz input, taken from the front as little-endian values. */
struct in {
	const uint8_t *p;
	size_t n;
};

/* The next @p bytes (at most 8) as a little-endian value; missing bytes are 0. */
static inline uint64_t take64(struct in *in, size_t bytes)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < bytes && i < 8 && in->n > 0; i++, in->p++, in->n--)
		v |= (uint64_t)in->p[0] << (8 * i);
	return v;
}

/* The same for at most 4 bytes. */
static inline uint32_t take(struct in *in, size_t bytes)
{
	return (uint32_t)take64(in, bytes < 4 ? bytes : 4);
}

#endif /* VMSG_FUZZ_H */
