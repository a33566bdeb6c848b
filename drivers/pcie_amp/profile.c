/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Card profiles: which BAR holds what on a given card, where its doorbell
 * register is, where the link goes, how its address is published. One
 * table: ivshmem (the test card), amp-pci (10ee:9039) and Versal (10ee:9038).
 */

#include <stddef.h>
#include <stdint.h>

#include "pcie_amp_priv.h"

/* ivshmem Doorbell (reference amp-pcie.md §2): bits 31..16 the peer, 15..0 its vector. */
static uint32_t ivshmem_doorbell(uint32_t peer, uint32_t vector)
{
	return (peer & 0xffffu) << 16 | (vector & 0xffffu);
}

/* amp-pci NOTIFY[i] and the Versal doorbell: any value rings; Linux writes 1. */
static uint32_t one_doorbell(uint32_t peer, uint32_t vector)
{
	(void)peer, (void)vector;
	return 1;
}

#define PL(x) (1u << RTE_VMSG_PCIE_PLACEMENT_##x)
#define LY(x) (1u << RTE_VMSG_PCIE_LAYOUT_##x)

static const struct pcie_amp_profile profiles[] = {
	{
		.id = RTE_VMSG_PCIE_PROFILE_IVSHMEM,
		.name = "ivshmem",
		.vendor = 0x1af4,
		.device = 0x1110,
		.placements = PL(BAR) | PL(HOST),
		.def_placement = RTE_VMSG_PCIE_PLACEMENT_BAR,
		.layouts = LY(V1) | LY(V0),
		.def_layout = RTE_VMSG_PCIE_LAYOUT_V1,
		.reg_bar = 0, /* IntrMask 0, IntrStatus 4, IVPosition 8, Doorbell 12 */
		.reg_bar_min = 16,
		.msix_bar = 1, /* ivshmem-doorbell only */
		.ram_bar = 2,
		.link_offset = RTE_VMSG_PCIE_IVSHMEM_LINK_OFFSET,
		.link_end = RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET,
		.ram_bar_min = RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET,
		.ram_bar_hint = "QEMU: the size= of ivshmem's memory backend",
		.doorbell_off = 12,
		.doorbell_value = ivshmem_doorbell,
		.own_id_off = 8,
		.mbox_bar = 2,
		.mbox_off = RTE_VMSG_PCIE_IVSHMEM_MAILBOX,
		.version_off = UINT32_MAX,
	},
	{
		.id = RTE_VMSG_PCIE_PROFILE_AMP_PCI,
		.name = "amp-pci",
		.vendor = 0x10ee,
		.device = 0x9039,
		.placements = PL(BAR),
		.def_placement = RTE_VMSG_PCIE_PLACEMENT_BAR,
		.layouts = LY(V1) | LY(V0),
		.def_layout = RTE_VMSG_PCIE_LAYOUT_V1,
		.reg_bar = 0, /* VERSION 0x00, FEATURES 0x04, NOTIFY[i] 0x20 + 4i */
		.reg_bar_min = RTE_VMSG_PCIE_AMP_PCI_NOTIFY + 4,
		.msix_bar = 2, /* one vector per FIFO */
		.ram_bar = 1,
		/* FIFO 0: 0-4 KiB reserved, the queues from 4 KiB, 16 KiB in all. */
		.link_offset = RTE_VMSG_PCIE_AMP_PCI_LINK_OFFSET,
		.link_end = 16384,
		.ram_bar_min = 16384,
		.ram_bar_hint = "QEMU: num-fifos= of virtio-msg-amp-pci",
		.doorbell_off = RTE_VMSG_PCIE_AMP_PCI_NOTIFY,
		.doorbell_value = one_doorbell,
		.own_id_off = UINT32_MAX,
		.mbox_bar = -1,
		.version_off = RTE_VMSG_PCIE_AMP_PCI_VERSION,
		.version_val = 1,
	},
	{
		.id = RTE_VMSG_PCIE_PROFILE_VERSAL,
		.name = "versal",
		.vendor = 0x10ee,
		.device = 0x9038,
		.placements = PL(HOST),
		.def_placement = RTE_VMSG_PCIE_PLACEMENT_HOST,
		.layouts = LY(V1) | LY(V0),
		.def_layout = RTE_VMSG_PCIE_LAYOUT_V0, /* the 2026 card firmware's */
		.reg_bar = 1, /* BRAM: the mailbox at 0x4000; the doorbell at 0x50000 */
		.reg_bar_min = RTE_VMSG_PCIE_VERSAL_DOORBELL + 4,
		.msix_bar = -1,
		.ram_bar = -1,
		.doorbell_off = RTE_VMSG_PCIE_VERSAL_DOORBELL,
		.doorbell_value = one_doorbell,
		.doorbell_readback = true,
		.own_id_off = UINT32_MAX,
		.mbox_bar = 1,
		.mbox_off = RTE_VMSG_PCIE_VERSAL_MAILBOX,
		.version_off = UINT32_MAX,
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
