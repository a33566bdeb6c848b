/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * DMA memory for a card: lib/mem hugepage regions mapped through the VFIO
 * layer's IOMMU (VFIO_IOMMU_MAP_DMA on the kernel's), seen by the peer at
 * their IOVA. What the HOST placement puts the link and virtqueues in.
 */

#define RTE_VMSG_LOG_PREFIX "pcie_amp: "

#include <errno.h>
#include <string.h>

#include "log_priv.h"
#include "pcie_amp_priv.h"

int pcie_amp_dma_alloc(const struct pcie_amp_vfio_ops *ops, void *dev, const char *bdf, size_t size,
		       size_t page_size, struct pcie_amp_dma *out)
{
	struct rte_vmsg_region_opts ro;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_ANON;
	/* The card's DMA needs pinned, physically contiguous pages: no fallback to 4 KiB pages. */
	ro.flags = RTE_VMSG_REGION_OPT_NO_FALLBACK | RTE_VMSG_REGION_OPT_PREFAULT;
	ro.size = size;
	ro.page_size = page_size;
	rc = rte_vmsg_region_create(&ro, &out->mem);
	if (rc == -ENOMEM) {
		RTE_VMSG_LOG(ERR,
			     "%s: no hugepages for %zu bytes of DMA memory in %zu KiB pages: "
			     "reserve them (echo 512 > /sys/kernel/mm/hugepages/hugepages-%zukB/"
			     "nr_hugepages)",
			     bdf, size, (page_size != 0 ? page_size : RTE_VMSG_PAGE_SIZE_2M) >> 10,
			     (page_size != 0 ? page_size : RTE_VMSG_PAGE_SIZE_2M) >> 10);
		return rc;
	}
	if (rc < 0)
		return rc;
	out->len = rte_vmsg_region_len(out->mem);
	rc = ops->dma_map(dev, rte_vmsg_region_addr(out->mem), out->len, &out->iova);
	if (rc < 0)
		goto fail_region;
	out->mapped = true;
	/* The view the peer's addresses translate through: bus address = IOVA. */
	rc = rte_vmsg_region_register(rte_vmsg_region_addr(out->mem), out->len, out->iova,
				      RTE_VMSG_REGION_F_SHARED, &out->view);
	if (rc < 0)
		goto fail_map;
	return 0;
fail_map:
	(void)ops->dma_unmap(dev, out->iova, out->len);
fail_region:
	rte_vmsg_region_destroy(out->mem);
	memset(out, 0, sizeof(*out));
	return rc;
}

void pcie_amp_dma_free(const struct pcie_amp_vfio_ops *ops, void *dev, struct pcie_amp_dma *d)
{
	rte_vmsg_region_destroy(d->view);
	if (d->mapped)
		(void)ops->dma_unmap(dev, d->iova, d->len);
	rte_vmsg_region_destroy(d->mem);
	memset(d, 0, sizeof(*d));
}
