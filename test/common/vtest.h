/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Minimal test helpers shared by the test programs: checks that report the
 * file, line and values and keep going, a failure count that becomes the exit
 * status, and the skip code 77 (meson's exit-code protocol).
 */

#ifndef VTEST_H
#define VTEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VTEST_SKIP 77

static int vtest_failures;
static int vtest_checks;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		vtest_checks++;                                                                  \
		if (!(cond)) {                                                                   \
			vtest_failures++;                                                        \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                                \
	} while (0)

#define CHECK_EQ(a, b)                                                                       \
	do {                                                                                 \
		long long vtest_a_ = (long long)(a), vtest_b_ = (long long)(b);              \
		vtest_checks++;                                                              \
		if (vtest_a_ != vtest_b_) {                                                  \
			vtest_failures++;                                                    \
			fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld != %lld)\n", \
				__FILE__, __LINE__, #a, #b, vtest_a_, vtest_b_);             \
		}                                                                            \
	} while (0)

#define CHECK_U64(a, b)                                                                           \
	do {                                                                                      \
		unsigned long long vtest_a_ = (unsigned long long)(a),                            \
				   vtest_b_ = (unsigned long long)(b);                            \
		vtest_checks++;                                                                   \
		if (vtest_a_ != vtest_b_) {                                                       \
			vtest_failures++;                                                         \
			fprintf(stderr, "%s:%d: CHECK_U64 failed: %s == %s (0x%llx != 0x%llx)\n", \
				__FILE__, __LINE__, #a, #b, vtest_a_, vtest_b_);                  \
		}                                                                                 \
	} while (0)

#define CHECK_MEM(a, b, n)                                                                    \
	do {                                                                                  \
		vtest_checks++;                                                               \
		if (memcmp((a), (b), (n)) != 0) {                                             \
			vtest_failures++;                                                     \
			fprintf(stderr, "%s:%d: CHECK_MEM failed: %s vs %s (%zu bytes)\n",    \
				__FILE__, __LINE__, #a, #b, (size_t)(n));                     \
			vtest_hexdiff((const unsigned char *)(a), (const unsigned char *)(b), \
				      (size_t)(n));                                           \
		}                                                                             \
	} while (0)

static inline void vtest_hexdiff(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			fprintf(stderr, "  byte %zu: 0x%02x != 0x%02x\n", i, a[i], b[i]);
}

/* Prints a summary and returns the process exit status. */
static inline int vtest_done(const char *name)
{
	if (vtest_failures != 0) {
		fprintf(stderr, "%s: %d of %d checks failed\n", name, vtest_failures, vtest_checks);
		return 1;
	}
	printf("%s: %d checks passed\n", name, vtest_checks);
	return 0;
}

/* Exits with the skip status after saying why. */
#define VTEST_SKIP_BECAUSE(...)                        \
	do {                                           \
		fprintf(stderr, "SKIP: " __VA_ARGS__); \
		fputc('\n', stderr);                   \
		exit(VTEST_SKIP);                      \
	} while (0)

/*
 * Hugepages are a resource: a test may skip when the machine has none. With
 * VTEST_REQUIRE_HUGE=1 (set by scripts/test-all.sh when CI=true) their
 * absence is a failure instead, so that a CI machine without them cannot
 * turn the multi-process tests into skips.
 */
static inline int vtest_require_huge(void)
{
	const char *e = getenv("VTEST_REQUIRE_HUGE");

	return e != NULL && atoi(e) != 0;
}

#define VTEST_SKIP_NO_HUGE(...)                                                       \
	do {                                                                          \
		if (vtest_require_huge()) {                                           \
			fprintf(stderr, "FAIL (VTEST_REQUIRE_HUGE=1): " __VA_ARGS__); \
			fputc('\n', stderr);                                          \
			exit(1);                                                      \
		}                                                                     \
		VTEST_SKIP_BECAUSE(__VA_ARGS__);                                      \
	} while (0)

/* xorshift64*: reproducible random values for property tests. */
static inline uint64_t vtest_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* The seed: VTEST_SEED from the environment, else a fixed value; printed. */
static inline uint64_t vtest_seed(void)
{
	const char *e = getenv("VTEST_SEED");
	uint64_t s = e != NULL ? strtoull(e, NULL, 0) : 0x5eed1234abcdull;

	if (s == 0)
		s = 1;
	printf("seed 0x%" PRIx64 " (set VTEST_SEED to reproduce)\n", s);
	return s;
}

#endif /* VTEST_H */
