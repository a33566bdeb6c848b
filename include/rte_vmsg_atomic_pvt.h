/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Private atomics and barriers of librte_vmsg, installed only because the
 * inline ring fast path needs them. Not for direct inclusion and not API.
 */

#ifndef RTE_VMSG_ATOMIC_PVT_H
#define RTE_VMSG_ATOMIC_PVT_H

#ifndef RTE_VMSG__ALLOW_PVT
#error "rte_vmsg_atomic_pvt.h is private: include <rte_vmsg_ring.h> instead"
#endif

/*
 * Two families (STYLE.md points 9-11):
 *
 * rte_vmsg__smp_*, rte_vmsg__load_acquire, rte_vmsg__store_release,
 * rte_vmsg__read_once, rte_vmsg__write_once: CPU to CPU through cacheable
 * RAM (hugepages shared by two processes, the cores of an AMP SoC with a
 * coherent interconnect). They are the compiler's __atomic builtins on plain
 * integer fields, so they compile in C and in C++ and cost no fence on x86
 * beyond the one smp_mb needs.
 *
 * rte_vmsg__io_*: CPU to a PCIe device. BAR memory is uncached or
 * write-combined: a write barrier that also orders write-combining buffers
 * (sfence on x86) must separate descriptor or ring writes from the doorbell
 * write, and MMIO accesses are single aligned 32-bit volatile accesses, never
 * atomics. A DMA peer reading host memory is ordered by the dma_wmb family,
 * which on x86 is a compiler barrier (stores to WB memory are not reordered).
 *
 * Every use names what it orders and the access it pairs with (tags such as
 * R1/A1, listed in doc/memory-ordering.md).
 */

/* Relaxed single-copy-atomic load and store: no ordering, no tearing. */
#define rte_vmsg__read_once(p) __atomic_load_n((p), __ATOMIC_RELAXED)
#define rte_vmsg__write_once(p, v) __atomic_store_n((p), (v), __ATOMIC_RELAXED)

/* Acquire load: later accesses are not moved before it. */
#define rte_vmsg__load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
/* Release store: earlier accesses are not moved after it. */
#define rte_vmsg__store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)

/*
 * Full barrier: orders an earlier store before a later load (store-load).
 * On x86 a locked add of 0 to a stack word does it at a fraction of the cost
 * of mfence (it orders cacheable memory, all the smp family serves); it sits
 * below the red zone so that it never touches a live spill slot. Elsewhere,
 * the compiler's seq_cst fence.
 */
#if defined(__x86_64__)
#define rte_vmsg__smp_mb() __asm__ __volatile__("lock addl $0, -132(%%rsp)" ::: "memory", "cc")
#elif defined(__i386__)
#define rte_vmsg__smp_mb() __asm__ __volatile__("lock addl $0, -4(%%esp)" ::: "memory", "cc")
#else
#define rte_vmsg__smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/* Compiler-only barrier. */
#define rte_vmsg__compiler_barrier() __asm__ __volatile__("" ::: "memory")

#if defined(__x86_64__) || defined(__i386__)
/* Spin-wait hint. */
#define rte_vmsg__cpu_relax() __asm__ __volatile__("pause" ::: "memory")
/* Orders CPU stores to WB host memory before later stores seen by a DMA peer. */
#define rte_vmsg__dma_wmb() rte_vmsg__compiler_barrier()
/* Orders DMA-peer writes seen in WB host memory before later CPU loads. */
#define rte_vmsg__dma_rmb() rte_vmsg__compiler_barrier()
/* Orders all earlier stores, write-combined BAR stores included, before an MMIO write. */
#define rte_vmsg__io_wmb() __asm__ __volatile__("sfence" ::: "memory")
/* Orders an MMIO read before later loads (and stores: x86 never moves a store before a load). */
#define rte_vmsg__io_rmb() __asm__ __volatile__("lfence" ::: "memory")
/* Orders every earlier access, I/O or not, before every later one. */
#define rte_vmsg__io_mb() __asm__ __volatile__("mfence" ::: "memory")
#elif defined(__aarch64__)
#define rte_vmsg__cpu_relax() __asm__ __volatile__("yield" ::: "memory")
#define rte_vmsg__dma_wmb() __asm__ __volatile__("dmb oshst" ::: "memory")
#define rte_vmsg__dma_rmb() __asm__ __volatile__("dmb oshld" ::: "memory")
#define rte_vmsg__io_wmb() __asm__ __volatile__("dsb st" ::: "memory")
#define rte_vmsg__io_rmb() __asm__ __volatile__("dsb ld" ::: "memory")
#define rte_vmsg__io_mb() __asm__ __volatile__("dsb sy" ::: "memory")
#else
#define rte_vmsg__cpu_relax() rte_vmsg__compiler_barrier()
#define rte_vmsg__dma_wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rte_vmsg__dma_rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rte_vmsg__io_wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rte_vmsg__io_rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rte_vmsg__io_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

/*
 * The I/O barriers by what they order, for a ring or a register block in
 * BAR memory (lib/common/io_priv.h accessors, lib/ring/ring_io.c):
 *
 * rte_vmsg__io_wmb(): earlier stores (element words, write-combined ones
 * included) before a later store (the index word, a doorbell). Used where
 * a producer publishes; pairs with the reader's rte_vmsg__io_rmb() after
 * its read of that index.
 *
 * rte_vmsg__io_rmb(): an earlier I/O read (an index word) before later
 * loads and stores. Used where a consumer has read the producer's index
 * and goes on to read the elements it covers (pairs with the producer's
 * io_wmb), and where an end has read the other's index and goes on to
 * write (a producer reusing freed slots, a consumer freeing the slots it
 * read: its element reads before its index store). x86: lfence (stores
 * are never moved before an earlier load, whatever the memory type);
 * arm64: dsb ld, which orders loads before later loads and stores.
 *
 * rte_vmsg__io_mb(): everything before, everything after. The link's
 * control path in a BAR uses it where the RAM code has a release store or
 * an acquire load (queue-head states, magics, the layout header: IOR4-6 /
 * IOA4-6 in lib/ring/link.c), so that each keeps both halves of its
 * ordering whatever the memory type; cost does not matter there.
 */

/*
 * Naturally aligned MMIO loads and stores (BAR registers, doorbells, ring
 * words in a BAR), each one volatile access of its width, never an atomic.
 * Single-copy atomic on 64-bit hosts; on 32-bit x86 a 64-bit access may be
 * split in two by the compiler (the I/O rings never need 64-bit atomicity:
 * their indices are 16 or 32 bits).
 */
#if defined(__SANITIZE_THREAD__)
#define RTE_VMSG__TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RTE_VMSG__TSAN 1
#endif
#endif
#ifndef RTE_VMSG__TSAN
#define rte_vmsg__io_write16(addr, v) \
	(*(volatile uint16_t *)(volatile void *)(addr) = (uint16_t)(v))
#define rte_vmsg__io_read16(addr) (*(const volatile uint16_t *)(const volatile void *)(addr))
#define rte_vmsg__io_write32(addr, v) \
	(*(volatile uint32_t *)(volatile void *)(addr) = (uint32_t)(v))
#define rte_vmsg__io_read32(addr) (*(const volatile uint32_t *)(const volatile void *)(addr))
#define rte_vmsg__io_write64(addr, v) \
	(*(volatile uint64_t *)(volatile void *)(addr) = (uint64_t)(v))
#define rte_vmsg__io_read64(addr) (*(const volatile uint64_t *)(const volatile void *)(addr))
#else
/*
 * ThreadSanitizer builds only: TSan models neither volatile accesses nor
 * fences as synchronisation, so a link in "I/O memory" that another thread
 * of the test plays the card on (drivers/pcie_amp's in-process fake) would
 * be reported as racing. There, each I/O access is an acquire load or a
 * release store, which orders at least what the volatile access and the
 * io barriers around it order. Never in other builds: no atomic touches
 * I/O memory (ARCHITECTURE.md §2.1).
 */
#define rte_vmsg__io_write16(addr, v) \
	__atomic_store_n((uint16_t *)(void *)(addr), (uint16_t)(v), __ATOMIC_RELEASE)
#define rte_vmsg__io_read16(addr) \
	__atomic_load_n((const uint16_t *)(const void *)(addr), __ATOMIC_ACQUIRE)
#define rte_vmsg__io_write32(addr, v) \
	__atomic_store_n((uint32_t *)(void *)(addr), (uint32_t)(v), __ATOMIC_RELEASE)
#define rte_vmsg__io_read32(addr) \
	__atomic_load_n((const uint32_t *)(const void *)(addr), __ATOMIC_ACQUIRE)
#define rte_vmsg__io_write64(addr, v) \
	__atomic_store_n((uint64_t *)(void *)(addr), (uint64_t)(v), __ATOMIC_RELEASE)
#define rte_vmsg__io_read64(addr) \
	__atomic_load_n((const uint64_t *)(const void *)(addr), __ATOMIC_ACQUIRE)
#endif

#endif /* RTE_VMSG_ATOMIC_PVT_H */
