/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Private parts of drivers/pcie_amp: the ops table of the VFIO layer (the
 * kernel's vfio-pci in vfio.c, an in-process card in vfio_fake.c), the IOVA
 * allocator, the card profiles and the card object.
 */

#ifndef PCIE_AMP_PRIV_H
#define PCIE_AMP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_mem.h"
#include "rte_vmsg_pcie.h"

/* ------------------------------------------------------------------------ */
/* The VFIO layer                                                            */

/* Region and IRQ indices of a vfio-pci device (the uapi's, repeated so that
 * the fake and the card layer need no <linux/vfio.h>). */
#define PCIE_AMP_CONFIG_REGION 7u
#define PCIE_AMP_IRQ_INTX 0u
#define PCIE_AMP_IRQ_MSIX 2u
#define PCIE_AMP_IRQ_REQ 4u
#define PCIE_AMP_NUM_IRQS 5u

/* PCI config space. */
#define PCIE_AMP_CFG_VENDOR 0x00u
#define PCIE_AMP_CFG_COMMAND 0x04u
#define PCIE_AMP_CMD_MEMORY 0x0002u
#define PCIE_AMP_CMD_MASTER 0x0004u

/* What a device offers (pcie_amp_vfio_ops.info). */
struct pcie_amp_dev_info {
	uint32_t num_regions;
	uint32_t num_irqs;
	bool can_reset;			       /* VFIO_DEVICE_FLAGS_RESET */
	uint32_t irq_count[PCIE_AMP_NUM_IRQS]; /* vectors per IRQ index (0: none) */
};

/* A BAR as mapped by the VFIO layer. */
struct pcie_amp_bar {
	void *addr;  /* what the library sees: mmap'd, or PROT_NONE when emulated */
	size_t size; /* bytes of the BAR */
	/* Non-NULL: the accessors call these (a BAR served by pread/pwrite, or the fake). */
	const struct rte_vmsg_region_io_ops *io_ops;
	void *io_arg;
	/* Non-NULL: the accessors use this mapping, @c addr is PROT_NONE (the fake's RAM BAR). */
	void *alias;
	void *priv; /* the layer's own, for unmap */
};

/*
 * The VFIO layer behind a small ops table. Every op returns 0 or -errno and
 * logs one line naming the step and the fix when it fails.
 */
struct pcie_amp_vfio_ops {
	const char *name;
	/* Opens the function at @p bdf (canonical "DDDD:BB:DD.F"); *dev is the layer's handle. */
	int (*open)(void *arg, const char *bdf, void **dev);
	void (*close)(void *dev);
	int (*info)(void *dev, struct pcie_amp_dev_info *di);
	/* Config space, through the CONFIG region. */
	int (*cfg_read)(void *dev, uint32_t off, void *buf, size_t len);
	int (*cfg_write)(void *dev, uint32_t off, const void *buf, size_t len);
	/* BAR @p bar (0-5): its size (0: absent), then a mapping of all of it. */
	int (*bar_size)(void *dev, uint32_t bar, uint64_t *size);
	int (*bar_map)(void *dev, uint32_t bar, struct pcie_amp_bar *out);
	void (*bar_unmap)(void *dev, struct pcie_amp_bar *b);
	/*
	 * Interrupts of IRQ index @p index: @p count eventfds from vector
	 * @p start (-1 leaves one unused); count 0 disables the index.
	 */
	int (*irq_set)(void *dev, uint32_t index, uint32_t start, uint32_t count, const int *fds);
	int (*reset)(void *dev); /* -ENOTSUP when the device offers none */
	/*
	 * DMA: maps [va, va + len) for the device; *iova is where it sees it:
	 * PCIE_AMP_IOVA_ANY on input lets the layer choose, any other value is
	 * the IOVA wanted (IOVA = PA), which must lie in a usable range.
	 */
	int (*dma_map)(void *dev, void *va, uint64_t len, uint64_t *iova);
	int (*dma_unmap)(void *dev, uint64_t iova, uint64_t len);
};

/*
 * Where the kernel's layer looks (the @p arg of its open; NULL: "/sys" and
 * "/dev/vfio"): the unit tests point it at a made-up tree.
 */
struct pcie_amp_vfio_env {
	const char *sysfs;
	const char *dev_vfio;
};

#define PCIE_AMP_IOVA_ANY UINT64_MAX

/* The kernel's vfio-pci (vfio.c). */
extern const struct pcie_amp_vfio_ops pcie_amp_vfio_kernel;

/* 1 when sysfs says vfio-pci drives @p bdf (kernel form), else 0; quiet. */
int pcie_amp_vfio_bound(const struct pcie_amp_vfio_env *env, const char *bdf);

/* The mmap'able areas of a BAR (VFIO_REGION_INFO_CAP_SPARSE_MMAP). */
#define PCIE_AMP_SPARSE_MAX 8u
struct pcie_amp_sparse {
	uint32_t n;
	uint64_t off[PCIE_AMP_SPARSE_MAX];
	uint64_t len[PCIE_AMP_SPARSE_MAX];
};

/*
 * Reads the sparse-mmap capability of a VFIO_DEVICE_GET_REGION_INFO answer
 * (@p info, @p len bytes, for a BAR of @p bar_size bytes): *found is 1 and
 * @p sp holds the areas (empty ones dropped) when there is one; the rest
 * of the BAR (the MSI-X table, unless the kernel says it is mappable) is
 * not to be mmap'd. 0, or -EPROTO for a malformed chain or an area outside
 * the BAR (vfio.c).
 */
int pcie_amp_sparse_parse(const void *info, size_t len, uint64_t bar_size,
			  struct pcie_amp_sparse *sp, int *found);

/* ------------------------------------------------------------------------ */
/* IOVA allocation (iova.c)                                                  */

#define PCIE_AMP_IOVA_MAX_RANGES 16u

/* Usable IOVA ranges, inclusive ends, sorted, and a bump allocator in them. */
struct pcie_amp_iova {
	uint32_t n;
	uint64_t start[PCIE_AMP_IOVA_MAX_RANGES];
	uint64_t end[PCIE_AMP_IOVA_MAX_RANGES];
	uint32_t cur;  /* the range allocations come from */
	uint64_t next; /* the next free IOVA in it */
};

/*
 * Fills @p iova from the capability chain of a VFIO_IOMMU_GET_INFO answer
 * (@p info, @p len bytes, as the kernel returned it): the IOVA range
 * capability when there is one, else the default [64 KiB, 2^39 - 1]. The
 * low 64 KiB are never handed out. 0, or -EPROTO for a malformed chain.
 */
int pcie_amp_iova_parse(struct pcie_amp_iova *iova, const void *info, size_t len);

/* Sets the default window (no capability): [64 KiB, 2^39 - 1]. */
void pcie_amp_iova_default(struct pcie_amp_iova *iova);

/*
 * Allocates @p len bytes aligned to @p align (a power of two) inside one
 * usable range. 0, or -ENOSPC.
 */
int pcie_amp_iova_alloc(struct pcie_amp_iova *iova, uint64_t len, uint64_t align, uint64_t *out);

/* Whether [start, start + len) lies inside one usable range: 0, or -ERANGE. */
int pcie_amp_iova_check(const struct pcie_amp_iova *iova, uint64_t start, uint64_t len);

/* ------------------------------------------------------------------------ */
/* DMA memory (dma.c)                                                        */

struct pcie_amp_dma {
	struct rte_vmsg_region *mem;  /* the hugepage region */
	struct rte_vmsg_region *view; /* the same memory at bus address = IOVA */
	uint64_t iova;
	uint64_t len;
	bool mapped;
};

/*
 * A hugepage region of @p size bytes (pages of @p page_size, 0: 2 MiB;
 * never normal pages: -ENOMEM with the fix logged), mapped for the device
 * of @p ops / @p dev: at an IOVA the layer chooses, or with @p iova_pa at
 * its physical address (which must then be contiguous: -ENOMEM otherwise;
 * reading it needs root: -EPERM). 0 or -errno; nothing is left on failure.
 */
int pcie_amp_dma_alloc(const struct pcie_amp_vfio_ops *ops, void *dev, const char *bdf, size_t size,
		       size_t page_size, bool iova_pa, struct pcie_amp_dma *out);

/* The physical address of @p va (mapped, touched) from /proc/self/pagemap: 0 or -errno. */
int pcie_amp_phys_addr(const void *va, uint64_t *pa);

/*
 * Unmaps and frees what pcie_amp_dma_alloc() made; a zeroed @p d does
 * nothing. With @p keep, the hugepage region goes there, unmapped from the
 * device but not freed.
 */
void pcie_amp_dma_free(const struct pcie_amp_vfio_ops *ops, void *dev, struct pcie_amp_dma *d,
		       struct rte_vmsg_region **keep);

/* ------------------------------------------------------------------------ */
/* Card profiles (profile.c)                                                 */

struct pcie_amp_profile {
	uint32_t id; /* enum rte_vmsg_pcie_profile */
	const char *name;
	uint16_t vendor, device;
	uint32_t placements; /* bit n: enum rte_vmsg_pcie_placement n offered */
	uint32_t def_placement;
	uint32_t layouts; /* bit n: enum rte_vmsg_pcie_layout n offered */
	uint32_t def_layout;
	int32_t reg_bar;	  /* registers and doorbells; -1: none */
	uint64_t reg_bar_min;	  /* bytes the registers need */
	int32_t msix_bar;	  /* the MSI-X table's BAR, never mapped here; -1: none */
	int32_t ram_bar;	  /* card RAM holding the link (BAR placement); -1: none */
	uint64_t link_offset;	  /* BAR placement: where the layout starts in ram_bar */
	uint64_t link_end;	  /* BAR placement: the end of the link window in ram_bar */
	uint64_t ram_bar_min;	  /* bytes ram_bar needs (BAR placement) */
	const char *ram_bar_hint; /* how a user gives the card a larger ram_bar */
	uint32_t doorbell_off;	  /* the doorbell register in reg_bar */
	uint32_t (*doorbell_value)(uint32_t peer, uint32_t vector);
	bool doorbell_readback; /* read the doorbell back after each write */
	uint32_t own_id_off;	/* a register that says this host's peer ID; UINT32_MAX: none */
	/* HOST placement: the mailbox (address low, high, enable) in mbox_bar; -1: none. */
	int32_t mbox_bar;
	uint64_t mbox_off;
	/* A register in reg_bar that must read version_val; UINT32_MAX: none. */
	uint32_t version_off, version_val;
};

/* The profile of @p id, or NULL. */
const struct pcie_amp_profile *pcie_amp_profile_get(uint32_t id);

/* The profile that drives vendor:device, or NULL. */
const struct pcie_amp_profile *pcie_amp_profile_match(uint16_t vendor, uint16_t device);

/* ------------------------------------------------------------------------ */
/* The card layer (pcie.c)                                                   */

/*
 * rte_vmsg_pcie_open() over a given VFIO layer (the unit tests pass the
 * fake's): the seam that keeps everything above the ops testable.
 */
int pcie_amp_open(const char *bdf, const struct rte_vmsg_pcie_opts *opts,
		  const struct pcie_amp_vfio_ops *ops, void *ops_arg, struct rte_vmsg_pcie **out);

/* Canonical "DDDD:BB:DD.F" of "DDDD:BB:DD.F" or "BB:DD.F"; 0 or -EINVAL. */
int pcie_amp_bdf_parse(const char *in, char out[16]);

#endif /* PCIE_AMP_PRIV_H */
