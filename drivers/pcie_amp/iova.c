/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The IOVA window of a VFIO container: the usable ranges the type 1 IOMMU
 * reports (VFIO_IOMMU_GET_INFO, capability VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE)
 * and a bump allocator inside them. No system call here: vfio.c asks the
 * kernel and hands the answer over, so the parser is tested on byte images.
 */

#define RTE_VMSG_LOG_PREFIX "pcie_amp: "

#include <errno.h>
#include <string.h>

#include <linux/vfio.h>

#include "log_priv.h"
#include "pcie_amp_priv.h"

/* Never hand out the first 64 KiB: a stray zero-ish address must not be a valid DMA target. */
#define IOVA_LOW 0x10000ull
/* Without the capability (kernels before 5.4): what every IOMMU of interest maps. */
#define IOVA_DEFAULT_END ((1ull << 39) - 1)

void pcie_amp_iova_default(struct pcie_amp_iova *iova)
{
	memset(iova, 0, sizeof(*iova));
	iova->n = 1;
	iova->start[0] = IOVA_LOW;
	iova->end[0] = IOVA_DEFAULT_END;
	iova->next = IOVA_LOW;
}

/* Adds [start, end] clipped to the low bound, keeping the ranges sorted. */
static void iova_add(struct pcie_amp_iova *iova, uint64_t start, uint64_t end)
{
	uint32_t i;

	if (end < IOVA_LOW || start > end || iova->n == PCIE_AMP_IOVA_MAX_RANGES)
		return;
	if (start < IOVA_LOW)
		start = IOVA_LOW;
	for (i = iova->n; i > 0 && iova->start[i - 1] > start; i--) {
		iova->start[i] = iova->start[i - 1];
		iova->end[i] = iova->end[i - 1];
	}
	iova->start[i] = start;
	iova->end[i] = end;
	iova->n++;
}

int pcie_amp_iova_parse(struct pcie_amp_iova *iova, const void *info, size_t len)
{
	const uint8_t *p = info;
	struct vfio_iommu_type1_info hdr;
	uint32_t off, hops = 0;

	pcie_amp_iova_default(iova);
	if (len < sizeof(hdr))
		return -EPROTO;
	memcpy(&hdr, p, sizeof(hdr));
	if ((hdr.flags & VFIO_IOMMU_INFO_CAPS) == 0 || hdr.cap_offset == 0)
		return 0; /* no capabilities: the default window */
	for (off = hdr.cap_offset; off != 0; hops++) {
		struct vfio_info_cap_header ch;
		struct vfio_iommu_type1_info_cap_iova_range cr;
		struct vfio_iova_range r;
		uint32_t i;

		/* The kernel wrote the chain; still, no loop and no read outside it. */
		if (hops > 64 || off < sizeof(hdr) || off > len || len - off < sizeof(ch))
			return -EPROTO;
		memcpy(&ch, p + off, sizeof(ch));
		if (ch.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			if (len - off < sizeof(cr))
				return -EPROTO;
			memcpy(&cr, p + off, sizeof(cr));
			if (cr.nr_iovas > (len - off - sizeof(cr)) / sizeof(r))
				return -EPROTO;
			iova->n = 0;
			for (i = 0; i < cr.nr_iovas; i++) {
				memcpy(&r, p + off + sizeof(cr) + i * sizeof(r), sizeof(r));
				iova_add(iova, r.start, r.end);
			}
			if (iova->n == 0) {
				RTE_VMSG_LOG(ERR,
					     "the IOMMU reports no usable IOVA range above 64 KiB");
				return -ENOSPC;
			}
			iova->next = iova->start[0];
		}
		off = ch.next;
	}
	return 0;
}

int pcie_amp_iova_alloc(struct pcie_amp_iova *iova, uint64_t len, uint64_t align, uint64_t *out)
{
	if (len == 0 || align == 0 || (align & (align - 1)) != 0)
		return -EINVAL;
	for (; iova->cur < iova->n; iova->cur++) {
		uint64_t s =
			iova->next > iova->start[iova->cur] ? iova->next : iova->start[iova->cur];
		uint64_t e = iova->end[iova->cur];

		if (s > UINT64_MAX - (align - 1))
			break;
		s = (s + align - 1) & ~(align - 1);
		if (s <= e && len - 1 <= e - s) {
			*out = s;
			iova->next =
				s + len; /* may equal end + 1 = 0 at the top: next range then */
			if (iova->next == 0 || iova->next > e) {
				iova->cur++;
				iova->next = iova->cur < iova->n ? iova->start[iova->cur] : 0;
			}
			return 0;
		}
		iova->next = 0;
	}
	return -ENOSPC;
}

int pcie_amp_iova_check(const struct pcie_amp_iova *iova, uint64_t start, uint64_t len)
{
	uint32_t i;

	if (len == 0)
		return -ERANGE;
	for (i = 0; i < iova->n; i++)
		if (start >= iova->start[i] && start <= iova->end[i] &&
		    len - 1 <= iova->end[i] - start)
			return 0;
	return -ERANGE;
}
