/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * An in-process implementation of the VFIO layer's ops (not part of the
 * library: the unit tests link it): memfd "BARs", eventfd "MSI-X", an
 * emulated ivshmem register BAR, and failure injection per step.
 */

#ifndef PCIE_AMP_VFIO_FAKE_H
#define PCIE_AMP_VFIO_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "pcie_amp_priv.h"

/*
 * The card to emulate; zero fields take the defaults of its PCI ID:
 * ivshmem-doorbell 1af4:1110 (BAR0 256 B of registers, BAR1 4 KiB MSI-X,
 * BAR2 4 MiB RAM), amp-pci 10ee:9039 (BAR0 16 KiB of registers with
 * VERSION 1 and NOTIFY[0] the doorbell, BAR1 16 KiB RAM, BAR2 4 KiB
 * MSI-X, one vector), versal 10ee:9038 (BAR1 512 KiB: the mailbox at
 * 0x4000, the doorbell at 0x50000).
 */
struct pcie_fake_cfg {
	uint16_t vendor, device;		   /* 0: 1af4:1110 */
	uint64_t bar_size[RTE_VMSG_PCIE_MAX_BARS]; /* all 0: the PCI ID's */
	uint32_t msix_vectors;			   /* MSI-X vectors (0: none, ivshmem-plain) */
	bool no_req;				   /* no REQ notifier */
	bool can_reset;				   /* offers VFIO_DEVICE_RESET */
	uint32_t iv_position;			   /* this host's peer ID (IVPosition) */
	uint32_t card_id;			   /* the card's peer ID (Doorbell target) */
	/* Failure injection: the op of this name fails with fail_rc. */
	const char *fail_op;
	int fail_rc;
};

struct pcie_fake;

/* Makes the card (its BARs, its registers). NULL on failure. */
struct pcie_fake *pcie_fake_create(const struct pcie_fake_cfg *cfg);
void pcie_fake_destroy(struct pcie_fake *f);

/* The ops; their arg is the struct pcie_fake. */
extern const struct pcie_amp_vfio_ops pcie_fake_ops;

/* The card's own view of BAR @p bar (read-write, not the library's mapping). */
void *pcie_fake_bar(struct pcie_fake *f, uint32_t bar);

/* The eventfd the card is woken on by Doorbell writes addressed to it (any vector). */
int pcie_fake_doorbell_fd(struct pcie_fake *f);

/*
 * The eventfd the card writes to raise the host's MSI-X vector @p v: the
 * same fd number always; it reaches the host's eventfd while the host has
 * the vector armed, nothing otherwise. -1 beyond the vectors.
 */
int pcie_fake_msix_fd(struct pcie_fake *f, uint32_t v);

/* The kernel asks for the device back: the host's REQ eventfd fires. 0, or -ENOENT unarmed. */
int pcie_fake_request(struct pcie_fake *f);

/*
 * The card's DMA: the local address of [iova, iova + len) if the host
 * mapped all of it (as an IOMMU would translate it), NULL otherwise (and
 * counted in dma_refused, as an IOMMU fault).
 */
void *pcie_fake_dma_ptr(struct pcie_fake *f, uint64_t iova, uint64_t len);

/*
 * The host's DMA mapping @p i (0..7): its IOVA, local address and length;
 * 0, or -ENOENT when that slot maps nothing.
 */
int pcie_fake_dma_get(struct pcie_fake *f, uint32_t i, uint64_t *iova, void **va, uint64_t *len);

/*
 * Called at the start of each DMA unmap, before the memory goes away: the
 * card stops using it there (an IOMMU would fault its accesses after).
 */
void pcie_fake_set_unmap_hook(struct pcie_fake *f, void (*hook)(void *arg), void *arg);

/* The IOVA the fake hands out first (never the local address: the card must translate). */
#define PCIE_FAKE_IOVA_BASE 0x100000000ull

/* The address of BAR @p bar as the library mapped it (PROT_NONE, every BAR), or NULL. */
void *pcie_fake_lib_addr(struct pcie_fake *f, uint32_t bar);

/* What the host did. */
struct pcie_fake_stats {
	uint64_t opens, closes, resets;
	uint64_t doorbells;		/* Doorbell writes to the card */
	uint64_t doorbell_other;	/* Doorbell writes to another peer (dropped) */
	uint32_t last_doorbell;		/* the last value written */
	uint64_t reg_reads, reg_writes; /* emulated register accesses, all BARs */
	uint16_t command;		/* the command register */
	uint32_t msix_armed;		/* vectors with an eventfd */
	bool req_armed;
	uint64_t dma_maps, dma_unmaps;
	uint64_t dma_refused;	     /* pcie_fake_dma_ptr() outside the host's mappings */
	uint64_t doorbell_readbacks; /* reads of the doorbell register (amp-pci, versal) */
	uint32_t bars_mapped;	     /* bit n: BAR n mapped now */
};

void pcie_fake_stats_get(struct pcie_fake *f, struct pcie_fake_stats *st);

#endif /* PCIE_AMP_VFIO_FAKE_H */
