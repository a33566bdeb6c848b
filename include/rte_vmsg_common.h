/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Common definitions of librte_vmsg: export macro, little-endian wire types and
 * their conversions, the logging hook and the library version.
 */

#ifndef RTE_VMSG_COMMON_H
#define RTE_VMSG_COMMON_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks a function exported from librte_vmsg (everything else is hidden). */
#define RTE_VMSG_API __attribute__((visibility("default")))

/** Marks setup and teardown functions that never run on the fast path. */
#define RTE_VMSG_COLD __attribute__((cold))

/** Branch hints for the fast path: the condition is almost always true / false. */
#define RTE_VMSG_LIKELY(x) __builtin_expect(!!(x), 1)
/** @copydoc RTE_VMSG_LIKELY */
#define RTE_VMSG_UNLIKELY(x) __builtin_expect(!!(x), 0)

/*
 * Casts in inline code of installed headers: named casts in C++ (the headers
 * compile warning-free with -Wold-style-cast), C casts in C. Internal.
 */
#ifdef __cplusplus
#define RTE_VMSG__CAST(type, x) (static_cast<type>(x))
#define RTE_VMSG__PTR(type, p) (static_cast<type>(static_cast<void *>(p)))
#define RTE_VMSG__CPTR(type, p) (static_cast<type>(static_cast<const void *>(p)))
#else
#define RTE_VMSG__CAST(type, x) ((type)(x))
#define RTE_VMSG__PTR(type, p) ((type)(void *)(p))
#define RTE_VMSG__CPTR(type, p) ((type)(const void *)(p))
#endif

#ifdef __CHECKER__
#define RTE_VMSG_BITWISE __attribute__((bitwise))
#else
#define RTE_VMSG_BITWISE
#endif

/** A 16-bit little-endian value as stored on the wire or in shared memory. */
typedef uint16_t RTE_VMSG_BITWISE rte_vmsg_le16;
/** A 32-bit little-endian value as stored on the wire or in shared memory. */
typedef uint32_t RTE_VMSG_BITWISE rte_vmsg_le32;
/** A 64-bit little-endian value as stored on the wire or in shared memory. */
typedef uint64_t RTE_VMSG_BITWISE rte_vmsg_le64;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define RTE_VMSG__SWAP16(x) __builtin_bswap16(x)
#define RTE_VMSG__SWAP32(x) __builtin_bswap32(x)
#define RTE_VMSG__SWAP64(x) __builtin_bswap64(x)
#else
#define RTE_VMSG__SWAP16(x) (x)
#define RTE_VMSG__SWAP32(x) (x)
#define RTE_VMSG__SWAP64(x) (x)
#endif

/** Host order to little-endian, 16 bits. */
static inline rte_vmsg_le16 rte_vmsg_cpu_to_le16(uint16_t v)
{
	return RTE_VMSG__CAST(rte_vmsg_le16, RTE_VMSG__SWAP16(v));
}

/** Host order to little-endian, 32 bits. */
static inline rte_vmsg_le32 rte_vmsg_cpu_to_le32(uint32_t v)
{
	return RTE_VMSG__CAST(rte_vmsg_le32, RTE_VMSG__SWAP32(v));
}

/** Host order to little-endian, 64 bits. */
static inline rte_vmsg_le64 rte_vmsg_cpu_to_le64(uint64_t v)
{
	return RTE_VMSG__CAST(rte_vmsg_le64, RTE_VMSG__SWAP64(v));
}

/** Little-endian to host order, 16 bits. */
static inline uint16_t rte_vmsg_le16_to_cpu(rte_vmsg_le16 v)
{
	return RTE_VMSG__CAST(uint16_t, RTE_VMSG__SWAP16(RTE_VMSG__CAST(uint16_t, v)));
}

/** Little-endian to host order, 32 bits. */
static inline uint32_t rte_vmsg_le32_to_cpu(rte_vmsg_le32 v)
{
	return RTE_VMSG__CAST(uint32_t, RTE_VMSG__SWAP32(RTE_VMSG__CAST(uint32_t, v)));
}

/** Little-endian to host order, 64 bits. */
static inline uint64_t rte_vmsg_le64_to_cpu(rte_vmsg_le64 v)
{
	return RTE_VMSG__CAST(uint64_t, RTE_VMSG__SWAP64(RTE_VMSG__CAST(uint64_t, v)));
}

/*
 * Byte-buffer accessors: read or write a little-endian field at any address,
 * aligned or not. They go through memcpy, never through a cast of the buffer
 * to a wider type, so they are valid on unaligned frames on every host.
 */

/** Reads a little-endian 16-bit value at @p p (any alignment). */
static inline uint16_t rte_vmsg_get_le16(const void *p)
{
	rte_vmsg_le16 v;

	memcpy(&v, p, sizeof(v));
	return rte_vmsg_le16_to_cpu(v);
}

/** Reads a little-endian 32-bit value at @p p (any alignment). */
static inline uint32_t rte_vmsg_get_le32(const void *p)
{
	rte_vmsg_le32 v;

	memcpy(&v, p, sizeof(v));
	return rte_vmsg_le32_to_cpu(v);
}

/** Reads a little-endian 64-bit value at @p p (any alignment). */
static inline uint64_t rte_vmsg_get_le64(const void *p)
{
	rte_vmsg_le64 v;

	memcpy(&v, p, sizeof(v));
	return rte_vmsg_le64_to_cpu(v);
}

/** Writes @p x as little-endian 16 bits at @p p (any alignment). */
static inline void rte_vmsg_put_le16(void *p, uint16_t x)
{
	rte_vmsg_le16 v = rte_vmsg_cpu_to_le16(x);

	memcpy(p, &v, sizeof(v));
}

/** Writes @p x as little-endian 32 bits at @p p (any alignment). */
static inline void rte_vmsg_put_le32(void *p, uint32_t x)
{
	rte_vmsg_le32 v = rte_vmsg_cpu_to_le32(x);

	memcpy(p, &v, sizeof(v));
}

/** Writes @p x as little-endian 64 bits at @p p (any alignment). */
static inline void rte_vmsg_put_le64(void *p, uint64_t x)
{
	rte_vmsg_le64 v = rte_vmsg_cpu_to_le64(x);

	memcpy(p, &v, sizeof(v));
}

/** Log levels, from the most to the least severe. */
enum rte_vmsg_log_level {
	RTE_VMSG_LOG_ERR = 1,
	RTE_VMSG_LOG_WARNING = 2,
	RTE_VMSG_LOG_INFO = 3,
	RTE_VMSG_LOG_DEBUG = 4,
};

/**
 * Log callback installed by the application.
 *
 * @param level  severity of the message
 * @param msg    one line of text without trailing newline, valid only during the call
 * @param arg    the pointer given to rte_vmsg_log_set_handler()
 */
typedef void (*rte_vmsg_log_fn)(enum rte_vmsg_log_level level, const char *msg, void *arg);

/**
 * Installs the log callback and the most verbose level it receives.
 *
 * The library is silent until a handler is installed. Passing NULL removes it.
 * Not thread-safe against concurrent logging: call it during setup.
 *
 * @param fn     the callback, or NULL for silence
 * @param level  the highest (most verbose) level delivered
 * @param arg    passed back to @p fn
 */
RTE_VMSG_API void rte_vmsg_log_set_handler(rte_vmsg_log_fn fn, enum rte_vmsg_log_level level,
					   void *arg);

/**
 * The log callback installed, or NULL (silent). For a component that
 * routes the library's lines into its own log (a DPDK driver into rte_log)
 * when the application installed none.
 */
RTE_VMSG_API rte_vmsg_log_fn rte_vmsg_log_handler(void);

/**
 * A ready-made handler that writes "vmsg: <level>: <msg>" lines to stderr.
 * Install it with rte_vmsg_log_set_handler(rte_vmsg_log_stderr, level, NULL).
 */
RTE_VMSG_API void rte_vmsg_log_stderr(enum rte_vmsg_log_level level, const char *msg, void *arg);

/** CLOCK_MONOTONIC in nanoseconds. Thread-safe; a vDSO call, no system call. */
RTE_VMSG_API uint64_t rte_vmsg_time_ns(void);

/**
 * Reads the CPU's time-stamp counter (x86 TSC, arm64 virtual counter), or
 * CLOCK_MONOTONIC nanoseconds elsewhere. Cheap, not serializing; use
 * rte_vmsg_tsc_hz() to convert. Thread-safe; wait-free.
 */
static inline uint64_t rte_vmsg_tsc(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#elif defined(__aarch64__)
	uint64_t v;

	__asm__ __volatile__("mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	return rte_vmsg_time_ns();
#endif
}

/*
 * Prefetching a line the caller is about to write, for the data paths that
 * write into shared memory the peer's CPU read last (a ring slot the
 * consumer copied out, a transmit buffer the device read, a receive buffer
 * the driver read): a read prefetch brings such a line in shared, and the
 * store then waits for a second trip across the cores to own it; a write
 * prefetch asks for it owned at once. On x86 that is PREFETCHW, which the
 * compiler emits for __builtin_prefetch(p, 1) only when built for a CPU
 * that has it: without -mprfchw the library asks CPUID once, before main()
 * (lib/common/cpu.c), and uses it where the CPU has it, a read
 * prefetch elsewhere. Internal (inline in the ring's fast path).
 */
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__PRFCHW__)
/* Nonzero when the CPU has PREFETCHW. */
RTE_VMSG_API extern int rte_vmsg__has_prefetchw;
#endif

/* Prefetches the line at @p p for writing. */
static inline __attribute__((always_inline)) void rte_vmsg__prefetch_w(const void *p)
{
#if (defined(__x86_64__) || defined(__i386__)) && !defined(__PRFCHW__)
	if (RTE_VMSG_LIKELY(rte_vmsg__has_prefetchw))
		__asm__ volatile("prefetchw %0" : : "m"(*RTE_VMSG__CPTR(const char *, p)));
	else
		__builtin_prefetch(p, 0);
#else
	__builtin_prefetch(p, 1);
#endif
}

/* Prefetches the line at @p p for reading. */
static inline __attribute__((always_inline)) void rte_vmsg__prefetch_r(const void *p)
{
	__builtin_prefetch(p, 0);
}

/**
 * Ticks per second of rte_vmsg_tsc(). Calibrated against CLOCK_MONOTONIC_RAW
 * once (about 20 ms, on the first call; later calls return the cached value).
 * Thread-safe.
 *
 * @return the frequency in Hz (never 0).
 */
RTE_VMSG_API uint64_t rte_vmsg_tsc_hz(void);

/** The library version as a string, e.g. "0.1.0". */
RTE_VMSG_API const char *rte_vmsg_version(void);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_COMMON_H */
