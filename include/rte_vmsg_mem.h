/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Memory regions (hugetlbfs files, memfds, anonymous hugepages, external
 * mappings such as PCIe BARs), a bump allocator that carves them, and the
 * bus-address map that turns peer addresses into bounds-checked pointers.
 */

#ifndef RTE_VMSG_MEM_H
#define RTE_VMSG_MEM_H

#include <stddef.h>
#include <stdint.h>

#include <rte_vmsg_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @file
 * @warning EXPERIMENTAL: this API may change before 1.0.
 *
 * A region is one mapped range: a local virtual base, a length, the bus
 * address at which the peer sees its first byte, how it was made and whether
 * it is normal memory or I/O memory. Regions are made at setup time; nothing
 * here runs on the fast path except rte_vmsg_memmap_translate() and
 * rte_vmsg_memmap_to_bus(), which neither allocate, lock, log nor make system
 * calls.
 */

/** Size of a 2 MiB huge page, the default huge page size. */
#define RTE_VMSG_PAGE_SIZE_2M ((size_t)2 << 20)
/** Size of a 1 GiB huge page. */
#define RTE_VMSG_PAGE_SIZE_1G ((size_t)1 << 30)

/** How rte_vmsg_region_create() makes the memory. */
enum rte_vmsg_region_kind {
	/** Anonymous shared mapping (MAP_SHARED | MAP_ANONYMOUS | MAP_HUGETLB): survives fork. */
	RTE_VMSG_REGION_KIND_ANON = 0,
	/** memfd_create(MFD_HUGETLB): shareable through rte_vmsg_region_fd(). */
	RTE_VMSG_REGION_KIND_MEMFD = 1,
	/** A named file in hugetlbfs, shareable by name between processes. */
	RTE_VMSG_REGION_KIND_FILE = 2,
};

/*
 * Option flags of struct rte_vmsg_region_opts.
 */
/** FILE only: map an existing file instead of creating one; its size comes from the file. */
#define RTE_VMSG_REGION_OPT_ATTACH (1u << 0)
/** Fail with -ENOMEM (and an error log naming the fix) instead of falling back to normal pages. */
#define RTE_VMSG_REGION_OPT_NO_FALLBACK (1u << 1)
/**
 * Do not try hugepages: plain shared memory, no warning, no FALLBACK flag. With ATTACH it only
 * keeps a bare name from being looked up in hugetlbfs and silences the warning.
 */
#define RTE_VMSG_REGION_OPT_NO_HUGE (1u << 2)
/** FILE create only: replace an existing file of that name instead of failing with -EEXIST. */
#define RTE_VMSG_REGION_OPT_REPLACE (1u << 3)
/** FILE create only: rte_vmsg_region_destroy() unlinks the file this region created. */
#define RTE_VMSG_REGION_OPT_UNLINK (1u << 4)
/** Put an inaccessible (PROT_NONE) guard page before and after the usable range. */
#define RTE_VMSG_REGION_OPT_GUARD (1u << 5)
/** mlock() the usable range. */
#define RTE_VMSG_REGION_OPT_LOCK (1u << 6)
/** Fault in every page at create time (contents are kept: attaching never clobbers data). */
#define RTE_VMSG_REGION_OPT_PREFAULT (1u << 7)
/**
 * Place the memory on NUMA node @c numa_node: the mapping is bound with mbind(MPOL_BIND,
 * MPOL_MF_STRICT) before anything touches it, and then prefaulted (as with
 * RTE_VMSG_REGION_OPT_PREFAULT), so that a node without free memory fails at create time
 * instead of with a SIGBUS later (hugetlb reservations are not per node). A node without
 * enough free hugepages is handled like no hugepages: normal pages on the node, with the
 * fallback warning (or -ENOMEM with RTE_VMSG_REGION_OPT_NO_FALLBACK). Not with
 * RTE_VMSG_REGION_OPT_ATTACH: the creator of a file places its pages. On a memfd or a tmpfs
 * file the policy is the file's, so pages a peer faults in later go to the node too; on
 * hugetlbfs every page is faulted here. No libnuma is needed (system calls only).
 */
#define RTE_VMSG_REGION_OPT_NUMA (1u << 8)

/*
 * Region flags, as reported by rte_vmsg_region_flags().
 */
/** Backed by huge pages. */
#define RTE_VMSG_REGION_F_HUGE (1u << 0)
/**
 * I/O memory (uncached or write-combined BAR): only naturally aligned 16/32/64-bit accesses
 * through the I/O accessors below, no plain loads or stores, no atomics.
 */
#define RTE_VMSG_REGION_F_IO (1u << 1)
/** Mapped MAP_SHARED: visible to other processes mapping the same object, and across fork. */
#define RTE_VMSG_REGION_F_SHARED (1u << 2)
/** Hugepages were wanted but not available: normal pages are used (a warning was logged). */
#define RTE_VMSG_REGION_F_FALLBACK (1u << 3)
/** Mapped by someone else and registered with rte_vmsg_region_register(): never unmapped here. */
#define RTE_VMSG_REGION_F_EXTERNAL (1u << 4)
/** Guard pages surround the usable range. */
#define RTE_VMSG_REGION_F_GUARD (1u << 5)
/** The usable range is locked in memory. */
#define RTE_VMSG_REGION_F_LOCKED (1u << 6)
/** An existing file was attached (RTE_VMSG_REGION_OPT_ATTACH). */
#define RTE_VMSG_REGION_F_ATTACHED (1u << 7)
/** Bound to a NUMA node (RTE_VMSG_REGION_OPT_NUMA); rte_vmsg_region_numa_node() says which. */
#define RTE_VMSG_REGION_F_NUMA (1u << 8)

/**
 * Options of rte_vmsg_region_create().
 *
 * Set @c sz to sizeof(struct rte_vmsg_region_opts) and zero what you do not
 * use: every field's zero value is the default. A caller built against a
 * newer header may pass a larger @c sz as long as the bytes this library does
 * not know are zero; a smaller @c sz (an older caller) leaves the missing
 * fields at their defaults.
 */
struct rte_vmsg_region_opts {
	/** sizeof(struct rte_vmsg_region_opts); at least sizeof(size_t). */
	size_t sz;
	/** enum rte_vmsg_region_kind; 0 is RTE_VMSG_REGION_KIND_ANON. */
	uint32_t kind;
	/** RTE_VMSG_REGION_OPT_* flags. */
	uint32_t flags;
	/**
	 * Bytes wanted, rounded up to the page size (2 MiB or 1 GiB with hugepages,
	 * the system page otherwise). Required, except with RTE_VMSG_REGION_OPT_ATTACH,
	 * where 0 maps the whole file and a non-zero value maps that many bytes (rounded
	 * up to the file's page size), which the file must hold.
	 */
	size_t size;
	/**
	 * Huge page size: 0 (2 MiB; for FILE, the page size of the hugetlbfs mount used),
	 * RTE_VMSG_PAGE_SIZE_2M or RTE_VMSG_PAGE_SIZE_1G. A bare FILE name then only goes
	 * into a mount of that page size. Must be 0 with RTE_VMSG_REGION_OPT_NO_HUGE.
	 * Ignored when attaching (the file's file system decides).
	 */
	size_t page_size;
	/** Offset at which rte_vmsg_region_alloc() starts (e.g. to keep a header page); ≤ length. */
	size_t alloc_offset;
	/**
	 * FILE: the file. A name without '/' goes into the hugetlbfs mount found by
	 * rte_vmsg_hugetlbfs_find() (or /dev/shm when none, or with
	 * RTE_VMSG_REGION_OPT_NO_HUGE). A path with '/' is used as given; when its
	 * directory is not on hugetlbfs, or hugetlbfs has no free pages, the file goes
	 * where its own directory is if that is a tmpfs, else to /dev/shm/<last component>.
	 * Attaching looks in the same places, in the same order.
	 * MEMFD: the memfd's name for /proc (at most 249 bytes); NULL gives "rte_vmsg".
	 * ANON: must be NULL.
	 */
	const char *path;
	/** Bus address of the region's first byte (default 0); the last byte must not pass 2^64 - 1. */
	uint64_t bus_addr;
	/** FILE create: permission bits of the new file (0: 0600); applied without the umask. */
	uint32_t mode;
	/**
	 * With RTE_VMSG_REGION_OPT_NUMA: the NUMA node (0-1023) the memory is bound to; it must
	 * exist and have memory (/sys/devices/system/node/node<N>). Must be 0 without the flag
	 * (this was the @c reserved field: zeroed options keep the default, no binding).
	 */
	uint32_t numa_node;
};

/** A mapped memory region (opaque). */
struct rte_vmsg_region;

/**
 * Creates a region: maps hugepage memory of the kind @p opts asks for.
 *
 * When hugepages cannot be had (none reserved, none free, no hugetlbfs mount,
 * a bare FILE name whose hugetlbfs mount this user cannot write to, a FILE
 * path that is not on hugetlbfs), the region falls back to normal
 * shared memory of the same kind (a memfd without MFD_HUGETLB, a
 * MAP_SHARED | MAP_ANONYMOUS mapping, a file in tmpfs), sets
 * RTE_VMSG_REGION_F_FALLBACK and logs one warning line; with
 * RTE_VMSG_REGION_OPT_NO_FALLBACK it fails instead and logs the commands that
 * fix it. A new FILE appears under its name only once it is sized and its
 * pages are reserved (it is made under a temporary name and then linked), so an
 * attaching process never maps a half-made file; the temporary files that
 * processes killed while making one left (their pid gone, 10 s old or more)
 * are removed first. Every created region is
 * MAP_SHARED; memfds are sealed against shrinking so that a peer holding the
 * fd cannot make this process fault.
 *
 * A FILE that another process can truncate can still make this process take
 * SIGBUS; that is a property of shared files, not something this call can
 * prevent.
 *
 * Thread-safe (no shared state apart from the log hook).
 *
 * @param opts  options, required (see struct rte_vmsg_region_opts)
 * @param out   receives the region; set to NULL on failure
 * @return 0 on success;
 *         -EINVAL for NULL @p opts or @p out, an @c sz below sizeof(size_t), non-zero
 *         unknown option bytes or @c reserved, an unknown kind, unknown flag bits,
 *         a flag or field that does not apply to the kind (ATTACH, REPLACE, UNLINK,
 *         @c mode outside FILE; @c path with ANON; REPLACE, UNLINK or @c mode with
 *         ATTACH; NO_HUGE with NO_FALLBACK or a @c page_size), @c size 0 (without
 *         ATTACH) or too large to round up, an unsupported @c page_size or one that
 *         differs from the hugetlbfs mount of an explicit FILE path, a bad @c mode,
 *         a MEMFD name longer than 249 bytes, a FILE path that is empty or ends in '/',
 *         @c alloc_offset beyond the length, a bus range that passes 2^64 - 1, an
 *         attached file that is empty, not a multiple of its page size (logged), or
 *         shorter than @c size, @c numa_node non-zero without RTE_VMSG_REGION_OPT_NUMA,
 *         RTE_VMSG_REGION_OPT_NUMA with ATTACH, a @c numa_node above 1023;
 *         -ENODEV when the NUMA node does not exist or has no memory (logged);
 *         -ENOMEM when out of memory, or no hugepages with
 *         RTE_VMSG_REGION_OPT_NO_FALLBACK, or prefaulting failed (with
 *         RTE_VMSG_REGION_OPT_NUMA: no free memory on the node, logged);
 *         -EIO when the kernel placed a bound page on another node;
 *         -EEXIST when the FILE exists (without REPLACE), or when its name
 *         is taken in the hugetlbfs mount and a new file there finds no
 *         pages (a fallback file elsewhere would not be found; with REPLACE
 *         the old name goes and the mount is tried again first);
 *         -ENOENT when the file to attach does not exist in any place looked at;
 *         -errno of open(), ftruncate(), mmap(), mlock() (e.g. -EACCES, -EPERM,
 *         -ENAMETOOLONG, -EMFILE) otherwise.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_region_create(const struct rte_vmsg_region_opts *opts,
						      struct rte_vmsg_region **out);

/**
 * Registers memory that was mapped elsewhere (a BAR mapped by a VFIO driver,
 * a buffer of the application) as a region, so that it can be carved and put
 * in a bus-address map. The region does not own the memory: destroying it
 * does not unmap anything. Its page size is the system page size.
 *
 * Thread-safe.
 *
 * @param addr      first byte, not NULL; no alignment is required
 * @param len       bytes, not 0; @p addr + @p len must not wrap
 * @param bus_addr  bus address of @p addr; @p bus_addr + @p len - 1 must not pass 2^64 - 1
 * @param flags     0 or RTE_VMSG_REGION_F_IO and/or RTE_VMSG_REGION_F_SHARED; I/O
 *                  memory is only touched through the I/O accessors (which may go
 *                  to an alias instead: rte_vmsg_region_io_alias_set())
 * @param out       receives the region (RTE_VMSG_REGION_F_EXTERNAL is added); NULL on failure
 * @return 0;
 *         -EINVAL for a NULL argument, @p len 0, a wrapping range, other flag bits;
 *         -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_region_register(void *addr, size_t len, uint64_t bus_addr,
							uint32_t flags,
							struct rte_vmsg_region **out);

/**
 * Destroys a region: unmaps it (unless external), removes its guard pages,
 * closes its fd and, with RTE_VMSG_REGION_OPT_UNLINK, unlinks the file it
 * created (only if the name still refers to that file). Pointers into the
 * region, and bus-address maps holding it, must no longer be used.
 *
 * Not thread-safe against any other use of the same region.
 *
 * @param r  the region; NULL does nothing
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_region_destroy(struct rte_vmsg_region *r);

/**
 * The usable range's first byte (page aligned for created regions; guard
 * pages lie outside it). Thread-safe; wait-free.
 *
 * @param r  the region; NULL returns NULL
 */
RTE_VMSG_API void *rte_vmsg_region_addr(const struct rte_vmsg_region *r);

/**
 * The usable length in bytes: the size asked for, rounded up to the page
 * size. Thread-safe; wait-free.
 *
 * @param r  the region; NULL returns 0
 */
RTE_VMSG_API size_t rte_vmsg_region_len(const struct rte_vmsg_region *r);

/**
 * The bus address of the first usable byte (0 unless set at create or
 * register). Thread-safe; wait-free.
 *
 * @param r  the region; NULL returns 0
 */
RTE_VMSG_API uint64_t rte_vmsg_region_bus_addr(const struct rte_vmsg_region *r);

/**
 * The RTE_VMSG_REGION_F_* flags of the region. Thread-safe; wait-free.
 *
 * @param r  the region; NULL returns 0
 */
RTE_VMSG_API uint32_t rte_vmsg_region_flags(const struct rte_vmsg_region *r);

/**
 * The page size backing the region: 2 MiB or 1 GiB for hugepages, the system
 * page size otherwise (and for external regions). Thread-safe; wait-free.
 *
 * @param r  the region; NULL returns 0
 */
RTE_VMSG_API size_t rte_vmsg_region_page_size(const struct rte_vmsg_region *r);

/**
 * The region's file descriptor (FILE and MEMFD kinds), to pass to another
 * process (SCM_RIGHTS) or to QEMU. The region keeps ownership: dup() it to
 * keep it past rte_vmsg_region_destroy(). Thread-safe; wait-free.
 *
 * @param r  the region
 * @return the fd (≥ 0);
 *         -EINVAL for NULL @p r;
 *         -ENOENT when the region has no fd (ANON, external).
 */
RTE_VMSG_API int rte_vmsg_region_fd(const struct rte_vmsg_region *r);

/**
 * The path of the region's file (FILE kind): the one actually used, which
 * differs from the option's when a bare name was placed in a mount or the
 * region fell back to /dev/shm. Valid until the region is destroyed.
 * Thread-safe; wait-free.
 *
 * @param r  the region; NULL returns NULL
 * @return the path, or NULL for other kinds.
 */
RTE_VMSG_API const char *rte_vmsg_region_path(const struct rte_vmsg_region *r);

/**
 * The NUMA node the region's memory is on. For a region made with
 * RTE_VMSG_REGION_OPT_NUMA, the node its first page was found on at create
 * time (after the prefault; it is the node asked for, every page being bound
 * to it). For other created regions, the node of the first page now
 * (get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR): a system call, which faults that
 * page in if nothing touched it yet). A kernel without NUMA reports node 0.
 * Thread-safe.
 *
 * @param r  the region
 * @return the node (≥ 0);
 *         -EINVAL for NULL @p r;
 *         -ENOENT for an external region (rte_vmsg_region_register());
 *         -errno of get_mempolicy() otherwise.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_region_numa_node(const struct rte_vmsg_region *r);

/**
 * Carves @p len bytes out of the region: a bump allocator that starts at the
 * option's @c alloc_offset and never frees except through
 * rte_vmsg_region_alloc_reset(). The piece's local address and its bus
 * address are both multiples of @p align. The memory is not cleared.
 *
 * Not thread-safe: meant for setup; serialize calls on one region.
 *
 * @param r         the region
 * @param len       bytes, not 0
 * @param align     alignment, a power of two (1 for none)
 * @param ptr       receives the local address; untouched on failure
 * @param bus_addr  optional; receives the bus address
 * @return 0;
 *         -EINVAL for NULL @p r or @p ptr, @p len 0, @p align not a power of two, or
 *         a region whose local and bus addresses are not congruent modulo @p align
 *         (no offset would align both);
 *         -ENOMEM when the rest of the region cannot hold the aligned piece.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_region_alloc(struct rte_vmsg_region *r, size_t len,
						     size_t align, void **ptr, uint64_t *bus_addr);

/**
 * Forgets every piece handed out by rte_vmsg_region_alloc(): the next
 * allocation starts again at the option's @c alloc_offset. Not thread-safe.
 *
 * @param r  the region; NULL does nothing
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_region_alloc_reset(struct rte_vmsg_region *r);

/**
 * Finds a mounted hugetlbfs in /proc/mounts: one with 2 MiB pages if there
 * is one, else the first read-write hugetlbfs mount. Thread-safe.
 *
 * @param buf  receives the mount point, NUL-terminated
 * @param cap  bytes at @p buf
 * @return 0;
 *         -EINVAL for NULL @p buf or @p cap 0;
 *         -ENOENT when no hugetlbfs is mounted (or /proc/mounts cannot be read);
 *         -ENAMETOOLONG when the mount point does not fit in @p cap.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_hugetlbfs_find(char *buf, size_t cap);

/*
 * I/O accessors: the only way the library touches I/O memory
 * (RTE_VMSG_REGION_F_IO: a BAR). Each is one naturally aligned 16, 32 or
 * 64-bit volatile access (a copy: one per 64-bit word), little-endian on the
 * bus, CPU order at the call; no barrier (the caller orders accesses that
 * must follow one another with the CPU-to-device barriers, as lib/ring's I/O
 * rings do), no atomics. Each access is counted per region, so that a test
 * can prove which BAR accesses a path makes (ARCHITECTURE.md §2.7: no host
 * BAR reads on the fast path of the default placement).
 *
 * They go to the region's memory at its own address, or to a private alias
 * (rte_vmsg_region_io_alias_set()), or to an emulation
 * (rte_vmsg_region_io_ops_set()), in that order of precedence reversed: ops
 * first, then the alias, then the address. With an alias or ops, the
 * region's own mapping (rte_vmsg_region_addr()) may be inaccessible: a test
 * or an in-process card maps it PROT_NONE, so that any plain access by
 * library code faults. The library's users of I/O regions (a link over a
 * BAR, the doorbell registers of drivers/pcie_amp) go through these
 * accessors only.
 *
 * The accessors also serve a region of normal memory (counted alike), as
 * rte_vmsg_region_io_read32() always did.
 *
 * Concurrency, all of them: one thread at a time per region for exact
 * counts (a count is not an atomic increment); the accesses themselves are
 * safe from any thread. Wait-free apart from the device; no system call, no
 * allocation, no lock (emulated regions: whatever the ops do).
 */

/**
 * An emulated I/O region: functions that the accessors call instead of
 * loading and storing (a BAR of an in-process card emulator, a test's
 * counting alias of a PROT_NONE mapping). Zero-initialise, then set @c sz.
 * The functions are 32-bit: a 64-bit access is made of two calls, low word
 * first; a 16-bit read takes its half of the aligned 32-bit word, and a
 * 16-bit write is a 32-bit read-modify-write of that word.
 */
struct rte_vmsg_region_io_ops {
	size_t sz; /**< sizeof(struct rte_vmsg_region_io_ops) */
	/** Reads the 32-bit register at byte @p off (aligned, in range). Required. */
	uint32_t (*read32)(void *arg, uint64_t off);
	/** Writes @p v to the 32-bit register at byte @p off (aligned, in range). Required. */
	void (*write32)(void *arg, uint64_t off, uint32_t v);
};

/**
 * Makes the accessors of an I/O region call @p ops instead of touching its
 * memory (whose mapping may then be inaccessible: PROT_NONE). Setup only;
 * takes precedence over an alias.
 *
 * Not thread-safe against accesses to the region.
 *
 * @param r    an I/O region (RTE_VMSG_REGION_F_IO)
 * @param ops  the functions (copied by reference: must outlive the region); NULL
 *             restores real accesses
 * @param arg  passed to them
 * @return 0; -EINVAL for NULL @p r, a region without RTE_VMSG_REGION_F_IO, a bad
 *         @c sz, non-zero unknown bytes or a missing function.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_region_io_ops_set(struct rte_vmsg_region *r,
							  const struct rte_vmsg_region_io_ops *ops,
							  void *arg);

/**
 * Gives an I/O region a private alias: the accessors access @p alias + off
 * instead of the region's address + off, while the library's own view (the
 * address given to rte_vmsg_region_register(), which rte_vmsg_region_addr()
 * returns and from which links and offsets are computed) may be mapped
 * PROT_NONE. The alias must map the same bytes, the region's length of
 * them, readable and writable: the same memfd or BAR mapped a second time.
 * A fake card does:
 *
 *     view  = mmap(NULL, len, PROT_NONE, MAP_SHARED, fd, 0);
 *     alias = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
 *     rte_vmsg_region_register(view, len, bus, RTE_VMSG_REGION_F_IO, &r);
 *     rte_vmsg_region_io_alias_set(r, alias);
 *
 * The region does not own the alias: unmap it after destroying the region.
 * Setup only. Not thread-safe against accesses to the region.
 *
 * @param r      an I/O region (RTE_VMSG_REGION_F_IO)
 * @param alias  the alias, congruent with the region's address modulo 8 (page
 *               aligned mappings are); NULL goes back to the region's address
 * @return 0; -EINVAL for NULL @p r, a region without RTE_VMSG_REGION_F_IO, a
 *         misaligned alias or one whose range wraps.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_region_io_alias_set(struct rte_vmsg_region *r, void *alias);

/**
 * Reads the 32-bit register at byte @p off of an I/O region (a non-posted
 * read of the device: microseconds on real PCIe; keep it off fast paths).
 *
 * Concurrency as above. Wait-free apart from the device.
 *
 * @param r    the region
 * @param off  byte offset, a multiple of 4, with @p off + 4 ≤ the region's length
 * @param v    receives the value (CPU order)
 * @return 0; -EINVAL for NULL arguments, a misaligned or out-of-range @p off.
 */
RTE_VMSG_API int rte_vmsg_region_io_read32(struct rte_vmsg_region *r, uint64_t off, uint32_t *v);

/**
 * Writes the 32-bit register at byte @p off of an I/O region (a posted
 * write). Same rules as rte_vmsg_region_io_read32().
 *
 * @return 0; -EINVAL for NULL @p r, a misaligned or out-of-range @p off.
 */
RTE_VMSG_API int rte_vmsg_region_io_write32(struct rte_vmsg_region *r, uint64_t off, uint32_t v);

/**
 * Reads the 16-bit word at byte @p off (a multiple of 2, inside the region).
 * Same rules as rte_vmsg_region_io_read32().
 *
 * @return 0; -EINVAL for NULL arguments, a misaligned or out-of-range @p off.
 */
RTE_VMSG_API int rte_vmsg_region_io_read16(struct rte_vmsg_region *r, uint64_t off, uint16_t *v);

/**
 * Writes the 16-bit word at byte @p off (a multiple of 2, inside the region).
 *
 * @return 0; -EINVAL for NULL @p r, a misaligned or out-of-range @p off.
 */
RTE_VMSG_API int rte_vmsg_region_io_write16(struct rte_vmsg_region *r, uint64_t off, uint16_t v);

/**
 * Reads the 64-bit word at byte @p off (a multiple of 8, inside the region):
 * one access (two 32-bit calls on an emulated region).
 *
 * @return 0; -EINVAL for NULL arguments, a misaligned or out-of-range @p off.
 */
RTE_VMSG_API int rte_vmsg_region_io_read64(struct rte_vmsg_region *r, uint64_t off, uint64_t *v);

/**
 * Writes the 64-bit word at byte @p off (a multiple of 8, inside the region).
 *
 * @return 0; -EINVAL for NULL @p r, a misaligned or out-of-range @p off.
 */
RTE_VMSG_API int rte_vmsg_region_io_write64(struct rte_vmsg_region *r, uint64_t off, uint64_t v);

/**
 * Copies @p len bytes from @p src into the region at @p off in aligned
 * 64-bit writes, ceil(@p len / 8) of them (each counted): the bytes of the
 * last word past @p len are written as zeroes, so the caller must own
 * [@p off, @p off + @p len rounded up to 8), e.g. a ring element. Bytes
 * keep their order (a frame, not a number).
 *
 * @param off  a multiple of 8; the rounded-up range must lie inside the region
 * @return 0 (@p len 0 writes nothing); -EINVAL for NULL @p r, NULL @p src with
 *         @p len non-zero, a misaligned @p off or a range outside the region.
 */
RTE_VMSG_API int rte_vmsg_region_io_copy_in(struct rte_vmsg_region *r, uint64_t off,
					    const void *src, size_t len);

/**
 * Copies @p len bytes at @p off of the region to @p dst, reading each
 * aligned 64-bit word that covers them once (each counted); only @p len
 * bytes of @p dst are written.
 *
 * @param off  any offset; the covering words must lie inside the region
 * @return 0 (@p len 0 reads nothing); -EINVAL for NULL @p r, NULL @p dst with
 *         @p len non-zero or a range outside the region.
 */
RTE_VMSG_API int rte_vmsg_region_io_copy_out(struct rte_vmsg_region *r, uint64_t off, void *dst,
					     size_t len);

/**
 * The accessors' counts of reads and writes of a region since it was made:
 * one per access (a copy counts one per 64-bit word). Either output may be
 * NULL.
 *
 * @return 0; -EINVAL for NULL @p r.
 */
RTE_VMSG_API int rte_vmsg_region_io_stats(const struct rte_vmsg_region *r, uint64_t *reads,
					  uint64_t *writes);

/** Most regions a bus-address map holds. */
#define RTE_VMSG_MEMMAP_MAX_REGIONS 16u

/** A bus-address map: a small set of regions sorted by bus address (opaque). */
struct rte_vmsg_memmap;

/**
 * Creates an empty bus-address map. Thread-safe.
 *
 * @param out  receives the map; NULL on failure
 * @return 0; -EINVAL for NULL @p out; -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_memmap_create(struct rte_vmsg_memmap **out);

/**
 * Destroys a map (not its regions). Not thread-safe against other uses of
 * the map.
 *
 * @param m  the map; NULL does nothing
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_memmap_destroy(struct rte_vmsg_memmap *m);

/**
 * Adds a region, keeping the map sorted by bus address. The map refers to
 * the region (it copies its address, length and bus address): the region
 * must outlive the map's use.
 *
 * Not thread-safe: no concurrent add or translate on the same map.
 *
 * @param m  the map
 * @param r  the region
 * @return 0;
 *         -EINVAL for NULL @p m or @p r;
 *         -ENOSPC when the map already holds RTE_VMSG_MEMMAP_MAX_REGIONS regions;
 *         -EEXIST when the region's bus range overlaps one already in the map
 *         (adding the same region twice included).
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_memmap_add(struct rte_vmsg_memmap *m,
						   const struct rte_vmsg_region *r);

/**
 * Translates a bus address from the peer into a local pointer, with a
 * bounds check: the whole range [@p bus_addr, @p bus_addr + @p len) must lie
 * inside one region of the map. Ranges that wrap past 2^64 - 1, straddle two
 * regions (even adjacent ones) or touch a gap are refused. Use it for every
 * address a peer gives (descriptors, SET_VQUEUE).
 *
 * The pointer may point into I/O memory: check rte_vmsg_region_flags() of the
 * region the address belongs to before using it with atomics.
 *
 * Thread-safe against other translations; not against rte_vmsg_memmap_add().
 * Wait-free: a scan of at most RTE_VMSG_MEMMAP_MAX_REGIONS entries, no system
 * call, no lock, no logging.
 *
 * @param m         the map; NULL returns NULL
 * @param bus_addr  bus address of the first byte
 * @param len       bytes; 0 is checked as 1 (the address itself must be mapped)
 * @return the local address of @p bus_addr, or NULL when the range is not
 *         entirely inside one region.
 */
RTE_VMSG_API void *rte_vmsg_memmap_translate(const struct rte_vmsg_memmap *m, uint64_t bus_addr,
					     uint64_t len);

/**
 * Translates a local pointer into the bus address the peer must use, with
 * the same bounds rule as rte_vmsg_memmap_translate().
 *
 * Thread-safe against other translations; wait-free.
 *
 * @param m    the map
 * @param ptr  first byte
 * @param len  bytes; 0 is checked as 1
 * @param bus  receives the bus address; untouched on failure
 * @return 0;
 *         -EINVAL for NULL @p m or @p bus;
 *         -EFAULT when [@p ptr, @p ptr + @p len) is not entirely inside one region.
 */
RTE_VMSG_API int rte_vmsg_memmap_to_bus(const struct rte_vmsg_memmap *m, const void *ptr,
					size_t len, uint64_t *bus);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_MEM_H */
