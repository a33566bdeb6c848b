/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * DMA memory for a card: lib/mem hugepage regions mapped through the VFIO
 * layer's IOMMU (VFIO_IOMMU_MAP_DMA on the kernel's), seen by the peer at
 * their IOVA. What the HOST placement puts the link and virtqueues in.
 */

#define RTE_VMSG_LOG_PREFIX "pcie_amp: "

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "log_priv.h"
#include "pcie_amp_priv.h"

int pcie_amp_phys_addr(const void *va, uint64_t *pa)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t ent, v = (uint64_t)(uintptr_t)va;
	int fd, rc = 0;

	fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (pread(fd, &ent, sizeof(ent), (off_t)(v / (uint64_t)pg * sizeof(ent))) !=
	    (ssize_t)sizeof(ent))
		rc = -EIO;
	close(fd);
	if (rc < 0)
		return rc;
	/* Bit 63: present; bits 0-54: the frame number, which reads 0 without CAP_SYS_ADMIN. */
	if ((ent >> 63) == 0)
		return -EFAULT;
	ent &= (1ull << 55) - 1;
	if (ent == 0)
		return -EPERM;
	*pa = ent * (uint64_t)pg + v % (uint64_t)pg;
	return 0;
}

/* IOVA = PA: the physical address of @p len bytes at @p va, which must be contiguous. */
static int dma_pa(const char *bdf, const uint8_t *va, uint64_t len, size_t page, uint64_t *pa)
{
	uint64_t off, p;
	int rc;

	rc = pcie_amp_phys_addr(va, pa);
	for (off = page; rc == 0 && off < len; off += page) {
		rc = pcie_amp_phys_addr(va + off, &p);
		if (rc == 0 && p != *pa + off) {
			RTE_VMSG_LOG(
				ERR,
				"%s: IOVA = PA: the DMA memory's hugepages are not physically "
				"contiguous (ask for less DMA memory than one hugepage, or use "
				"1 GiB pages)",
				bdf);
			return -ENOMEM;
		}
	}
	if (rc == -EPERM)
		RTE_VMSG_LOG(ERR,
			     "%s: IOVA = PA needs the physical addresses in /proc/self/pagemap: "
			     "run as root (CAP_SYS_ADMIN)",
			     bdf);
	else if (rc < 0)
		RTE_VMSG_LOG(ERR, "%s: IOVA = PA: reading /proc/self/pagemap: %s", bdf,
			     strerror(-rc));
	return rc;
}

int pcie_amp_dma_alloc(const struct pcie_amp_vfio_ops *ops, void *dev, const char *bdf, size_t size,
		       size_t page_size, bool iova_pa, struct pcie_amp_dma *out)
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
	out->iova = PCIE_AMP_IOVA_ANY;
	if (iova_pa) {
		rc = dma_pa(bdf, rte_vmsg_region_addr(out->mem), out->len,
			    rte_vmsg_region_page_size(out->mem), &out->iova);
		if (rc < 0)
			goto fail_region;
	}
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

void pcie_amp_dma_free(const struct pcie_amp_vfio_ops *ops, void *dev, struct pcie_amp_dma *d,
		       struct rte_vmsg_region **keep)
{
	rte_vmsg_region_destroy(d->view);
	if (d->mapped)
		(void)ops->dma_unmap(dev, d->iova, d->len);
	if (keep != NULL)
		*keep = d->mem; /* out of the device's reach, still the caller's to read */
	else
		rte_vmsg_region_destroy(d->mem);
	memset(d, 0, sizeof(*d));
}
