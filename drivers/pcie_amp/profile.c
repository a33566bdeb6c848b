/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Card profiles: which BAR holds what on a given card, where its doorbell
 * register is, where the link goes. One table; amp-pci (10ee:9039) and the
 * Versal card (10ee:9038) are added here with their placements.
 */

#include <stddef.h>

#include "pcie_amp_priv.h"

/* ivshmem Doorbell (reference amp-pcie.md §2): bits 31..16 the peer, 15..0 its vector. */
static uint32_t ivshmem_doorbell(uint32_t peer, uint32_t vector)
{
	return (peer & 0xffffu) << 16 | (vector & 0xffffu);
}

static const struct pcie_amp_profile profiles[] = {
	{
		.id = RTE_VMSG_PCIE_PROFILE_IVSHMEM,
		.name = "ivshmem",
		.vendor = 0x1af4,
		.device = 0x1110,
		.placements = 1u << RTE_VMSG_PCIE_PLACEMENT_BAR,
		.def_placement = RTE_VMSG_PCIE_PLACEMENT_BAR,
		.reg_bar = 0, /* IntrMask 0, IntrStatus 4, IVPosition 8, Doorbell 12 */
		.reg_bar_min = 16,
		.msix_bar = 1, /* ivshmem-doorbell only */
		.ram_bar = 2,
		.link_offset = RTE_VMSG_PCIE_IVSHMEM_LINK_OFFSET,
		.dma_offset = RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET,
		.ram_bar_min = 2 * RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET,
		.ram_bar_hint = "QEMU: the size= of ivshmem's memory backend",
		.doorbell_off = 12,
		.doorbell_value = ivshmem_doorbell,
		.own_id_off = 8,
	},
};

const struct pcie_amp_profile *pcie_amp_profile_get(uint32_t id)
{
	size_t i;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (profiles[i].id == id)
			return &profiles[i];
	return NULL;
}

const struct pcie_amp_profile *pcie_amp_profile_match(uint16_t vendor, uint16_t device)
{
	size_t i;

	for (i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (profiles[i].vendor == vendor && profiles[i].device == device)
			return &profiles[i];
	return NULL;
}
