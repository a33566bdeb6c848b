/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The in-process VFIO layer of the unit tests (vfio_fake.h). Every BAR is
 * a memfd. The library's mapping of every BAR is PROT_NONE: its accesses
 * must go through the lib/mem accessors, which this layer serves from its
 * own mapping of the memfd (register BARs: emulated and counted here; the
 * RAM BAR: an alias the accessors count); a plain load or store faults. MSI-X vectors are eventfds
 * the card writes: arming a vector makes that fd number refer to the
 * host's eventfd (dup2), as the kernel routes a vector to the eventfd
 * VFIO_DEVICE_SET_IRQS gave it.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vfio_fake.h"

#define FAKE_MAX_VEC 64u
#define FAKE_MAX_DMA 8u

struct fake_bar {
	int fd;
	uint8_t *card; /* the card's (and the accessors') read-write mapping */
	void *lib;     /* the library's mapping, while mapped */
	uint64_t size;
	struct rte_vmsg_region_io_ops io;
	struct pcie_fake *f;
	uint32_t index;
};

struct pcie_fake {
	struct pcie_fake_cfg cfg;
	struct fake_bar bar[RTE_VMSG_PCIE_MAX_BARS];
	uint8_t config[256];
	pthread_mutex_t lock;
	int open;
	int doorbell_fd;
	int msix_fd[FAKE_MAX_VEC]; /* the card's ends; dup2'd onto the host's when armed */
	int req_fd;		   /* the host's REQ eventfd (a dup), -1 */
	uint32_t intr_mask, intr_status;
	/* The doorbell register of amp-pci and versal; the RAM BAR the library maps (-1: none). */
	int32_t bell_bar, ram_bar;
	uint32_t bell_off;
	/* The host's DMA mappings, as an IOMMU keeps them. */
	struct {
		uint64_t iova, len;
		uint8_t *va;
	} dma[FAKE_MAX_DMA];
	uint64_t iova_next;
	void (*unmap_hook)(void *arg);
	void *unmap_arg;
	struct pcie_fake_stats st;
};

static int fake_fail(struct pcie_fake *f, const char *op)
{
	return f->cfg.fail_op != NULL && strcmp(f->cfg.fail_op, op) == 0 ? f->cfg.fail_rc : 0;
}

/* ------------------------------------------------------------------------ */
/* The card                                                                  */

struct pcie_fake *pcie_fake_create(const struct pcie_fake_cfg *cfg)
{
	struct pcie_fake *f = calloc(1, sizeof(*f));
	uint32_t i;

	if (f == NULL)
		return NULL;
	f->cfg = *cfg;
	if (f->cfg.vendor == 0 && f->cfg.device == 0) {
		f->cfg.vendor = 0x1af4;
		f->cfg.device = 0x1110;
	}
	for (i = 0; i < RTE_VMSG_PCIE_MAX_BARS && f->cfg.bar_size[i] == 0; i++)
		;
	f->bell_bar = -1;
	f->ram_bar = 2;
	f->iova_next = PCIE_FAKE_IOVA_BASE;
	if (f->cfg.vendor == 0x10ee && f->cfg.device == 0x9039) {
		if (i == RTE_VMSG_PCIE_MAX_BARS) {
			f->cfg.bar_size[0] = 16384;
			f->cfg.bar_size[1] = 16384;
			f->cfg.bar_size[2] = f->cfg.msix_vectors != 0 ? 4096 : 0;
		}
		f->bell_bar = 0;
		f->bell_off = RTE_VMSG_PCIE_AMP_PCI_NOTIFY;
		f->ram_bar = 1;
	} else if (f->cfg.vendor == 0x10ee && f->cfg.device == 0x9038) {
		if (i == RTE_VMSG_PCIE_MAX_BARS)
			f->cfg.bar_size[1] = 512u << 10;
		f->bell_bar = 1;
		f->bell_off = RTE_VMSG_PCIE_VERSAL_DOORBELL;
		f->ram_bar = -1;
	} else if (i == RTE_VMSG_PCIE_MAX_BARS) {
		f->cfg.bar_size[0] = 256;
		f->cfg.bar_size[1] = f->cfg.msix_vectors != 0 ? 4096 : 0;
		f->cfg.bar_size[2] = 4u << 20;
	}
	pthread_mutex_init(&f->lock, NULL);
	f->doorbell_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	f->req_fd = -1;
	for (i = 0; i < FAKE_MAX_VEC; i++)
		f->msix_fd[i] =
			i < f->cfg.msix_vectors ? eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) : -1;
	f->config[0] = (uint8_t)f->cfg.vendor;
	f->config[1] = (uint8_t)(f->cfg.vendor >> 8);
	f->config[2] = (uint8_t)f->cfg.device;
	f->config[3] = (uint8_t)(f->cfg.device >> 8);
	for (i = 0; i < RTE_VMSG_PCIE_MAX_BARS; i++) {
		struct fake_bar *b = &f->bar[i];

		b->fd = -1;
		b->f = f;
		b->index = i;
		b->size = f->cfg.bar_size[i];
		if (b->size == 0)
			continue;
		b->fd = memfd_create("pcie_fake_bar", MFD_CLOEXEC);
		if (b->fd < 0 || ftruncate(b->fd, (off_t)b->size) < 0)
			goto fail;
		b->card = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
		if (b->card == MAP_FAILED) {
			b->card = NULL;
			goto fail;
		}
	}
	if (f->cfg.vendor == 0x10ee && f->cfg.device == 0x9039 && f->bar[0].card != NULL) {
		uint32_t one = rte_vmsg_cpu_to_le32(1); /* VERSION: "v0.1" */

		memcpy(f->bar[0].card + RTE_VMSG_PCIE_AMP_PCI_VERSION, &one, sizeof(one));
	}
	return f;
fail:
	pcie_fake_destroy(f);
	return NULL;
}

void pcie_fake_destroy(struct pcie_fake *f)
{
	uint32_t i;

	if (f == NULL)
		return;
	for (i = 0; i < RTE_VMSG_PCIE_MAX_BARS; i++) {
		if (f->bar[i].card != NULL)
			munmap(f->bar[i].card, f->bar[i].size);
		if (f->bar[i].fd >= 0)
			close(f->bar[i].fd);
	}
	for (i = 0; i < FAKE_MAX_VEC; i++)
		if (f->msix_fd[i] >= 0)
			close(f->msix_fd[i]);
	if (f->req_fd >= 0)
		close(f->req_fd);
	close(f->doorbell_fd);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

void *pcie_fake_bar(struct pcie_fake *f, uint32_t bar)
{
	return bar < RTE_VMSG_PCIE_MAX_BARS ? f->bar[bar].card : NULL;
}

void *pcie_fake_lib_addr(struct pcie_fake *f, uint32_t bar)
{
	return bar < RTE_VMSG_PCIE_MAX_BARS ? f->bar[bar].lib : NULL;
}

int pcie_fake_doorbell_fd(struct pcie_fake *f)
{
	return f->doorbell_fd;
}

int pcie_fake_msix_fd(struct pcie_fake *f, uint32_t v)
{
	return v < FAKE_MAX_VEC ? f->msix_fd[v] : -1;
}

int pcie_fake_request(struct pcie_fake *f)
{
	uint64_t one = 1;
	int rc = -ENOENT;

	pthread_mutex_lock(&f->lock);
	if (f->req_fd >= 0)
		rc = write(f->req_fd, &one, sizeof(one)) == (ssize_t)sizeof(one) ? 0 : -errno;
	pthread_mutex_unlock(&f->lock);
	return rc;
}

void pcie_fake_stats_get(struct pcie_fake *f, struct pcie_fake_stats *st)
{
	pthread_mutex_lock(&f->lock);
	*st = f->st;
	pthread_mutex_unlock(&f->lock);
}

/* ------------------------------------------------------------------------ */
/* Emulated BAR accesses (the accessors land here)                           */

static uint32_t fake_read32(void *arg, uint64_t off)
{
	struct fake_bar *b = arg;
	struct pcie_fake *f = b->f;
	uint32_t v;

	pthread_mutex_lock(&f->lock);
	f->st.reg_reads++;
	if (b->index == 0 && f->cfg.vendor == 0x1af4) {
		/* ivshmem BAR0: IntrMask, IntrStatus (read clears), IVPosition, Doorbell (reads 0). */
		switch (off) {
		case 0:
			v = f->intr_mask;
			break;
		case 4:
			v = f->intr_status;
			f->intr_status = 0;
			break;
		case 8:
			v = f->cfg.iv_position;
			break;
		default:
			v = 0;
			break;
		}
	} else if ((int32_t)b->index == f->bell_bar && off == f->bell_off) {
		f->st.doorbell_readbacks++;
		v = 0;
	} else {
		memcpy(&v, b->card + off, sizeof(v));
		v = rte_vmsg_le32_to_cpu(v);
	}
	pthread_mutex_unlock(&f->lock);
	return v;
}

static void fake_write32(void *arg, uint64_t off, uint32_t v)
{
	struct fake_bar *b = arg;
	struct pcie_fake *f = b->f;
	uint64_t one = 1;

	pthread_mutex_lock(&f->lock);
	f->st.reg_writes++;
	if (b->index == 0 && f->cfg.vendor == 0x1af4) {
		if (off == 0) {
			f->intr_mask = v;
		} else if (off == 12) {
			/* Doorbell: peer << 16 | vector; a missing peer is dropped, as ivshmem does. */
			f->st.last_doorbell = v;
			if ((v >> 16) == f->cfg.card_id) {
				f->st.doorbells++;
				(void)!write(f->doorbell_fd, &one, sizeof(one));
			} else {
				f->st.doorbell_other++;
			}
		}
	} else if ((int32_t)b->index == f->bell_bar && off == f->bell_off) {
		/* amp-pci NOTIFY[0], versal's doorbell: any write rings the card. */
		f->st.last_doorbell = v;
		f->st.doorbells++;
		(void)!write(f->doorbell_fd, &one, sizeof(one));
	} else {
		/*
		 * Release: the card polls these words (a mailbox) from its own
		 * mapping; what the host wrote before is visible with them.
		 */
		__atomic_store_n((uint32_t *)(void *)(b->card + off), rte_vmsg_cpu_to_le32(v),
				 __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&f->lock);
}

/* ------------------------------------------------------------------------ */
/* The ops                                                                   */

static int fake_open(void *arg, const char *bdf, void **dev)
{
	struct pcie_fake *f = arg;
	int rc = fake_fail(f, "open");

	(void)bdf;
	if (rc < 0)
		return rc;
	if (f->open)
		return -EBUSY;
	f->open = 1;
	f->st.opens++;
	f->st.command = 0; /* vfio-pci clears bus mastering on open */
	*dev = f;
	return 0;
}

static void fake_close(void *dev)
{
	struct pcie_fake *f = dev;

	f->open = 0;
	f->st.closes++;
}

static int fake_info(void *dev, struct pcie_amp_dev_info *di)
{
	struct pcie_fake *f = dev;
	int rc = fake_fail(f, "info");

	if (rc < 0)
		return rc;
	memset(di, 0, sizeof(*di));
	di->num_regions = 9;
	di->num_irqs = PCIE_AMP_NUM_IRQS;
	di->can_reset = f->cfg.can_reset;
	di->irq_count[PCIE_AMP_IRQ_INTX] = 1;
	di->irq_count[PCIE_AMP_IRQ_MSIX] = f->cfg.msix_vectors;
	di->irq_count[PCIE_AMP_IRQ_REQ] = f->cfg.no_req ? 0 : 1;
	return 0;
}

static int fake_cfg_read(void *dev, uint32_t off, void *buf, size_t len)
{
	struct pcie_fake *f = dev;
	int rc = fake_fail(f, "cfg_read");

	if (rc < 0)
		return rc;
	if (off > sizeof(f->config) || len > sizeof(f->config) - off)
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	f->config[4] = (uint8_t)f->st.command;
	f->config[5] = (uint8_t)(f->st.command >> 8);
	memcpy(buf, f->config + off, len);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int fake_cfg_write(void *dev, uint32_t off, const void *buf, size_t len)
{
	struct pcie_fake *f = dev;
	int rc = fake_fail(f, "cfg_write");

	if (rc < 0)
		return rc;
	if (off != PCIE_AMP_CFG_COMMAND || len != 2)
		return -EINVAL; /* only the command register is writable here */
	pthread_mutex_lock(&f->lock);
	memcpy(&f->st.command, buf, 2);
	f->st.command = rte_vmsg_le16_to_cpu(f->st.command);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

static int fake_bar_size(void *dev, uint32_t bar, uint64_t *size)
{
	struct pcie_fake *f = dev;

	*size = bar < RTE_VMSG_PCIE_MAX_BARS ? f->bar[bar].size : 0;
	return 0;
}

static int fake_bar_map(void *dev, uint32_t bar, struct pcie_amp_bar *out)
{
	struct pcie_fake *f = dev;
	struct fake_bar *b;
	int rc = fake_fail(f, "bar_map"), emulated;

	memset(out, 0, sizeof(*out));
	if (rc < 0)
		return rc;
	if (bar >= RTE_VMSG_PCIE_MAX_BARS || f->bar[bar].size == 0)
		return -ENODEV;
	b = &f->bar[bar];
	/*
	 * What the library sees of every BAR is PROT_NONE: a plain load or
	 * store faults. Register BARs are emulated (the accessors call
	 * fake_read32/write32); the RAM BAR, which holds the link in the BAR
	 * placement, is memory: the accessors reach it through an alias, the
	 * card's own read-write mapping of the same memfd.
	 */
	emulated = (int32_t)bar != f->ram_bar;
	out->addr = mmap(NULL, b->size, PROT_NONE, MAP_SHARED, b->fd, 0);
	if (out->addr == MAP_FAILED) {
		out->addr = NULL;
		return -errno;
	}
	out->size = b->size;
	out->priv = b;
	if (!emulated)
		out->alias = b->card;
	if (emulated) {
		b->io.sz = sizeof(b->io);
		b->io.read32 = fake_read32;
		b->io.write32 = fake_write32;
		out->io_ops = &b->io;
		out->io_arg = b;
	}
	b->lib = out->addr;
	f->st.bars_mapped |= 1u << bar;
	return 0;
}

static void fake_bar_unmap(void *dev, struct pcie_amp_bar *pb)
{
	struct pcie_fake *f = dev;
	struct fake_bar *b = pb->priv;

	if (pb->addr != NULL)
		munmap(pb->addr, pb->size);
	if (b != NULL) {
		f->st.bars_mapped &= ~(1u << b->index);
		b->lib = NULL;
	}
	memset(pb, 0, sizeof(*pb));
}

static int fake_irq_set(void *dev, uint32_t index, uint32_t start, uint32_t count, const int *fds)
{
	struct pcie_fake *f = dev;
	uint32_t i;
	int rc = fake_fail(f, index == PCIE_AMP_IRQ_REQ ? "irq_set_req" : "irq_set");

	if (rc < 0)
		return rc;
	pthread_mutex_lock(&f->lock);
	if (index == PCIE_AMP_IRQ_MSIX) {
		if (count == 0) { /* off: the card's writes reach nobody */
			for (i = 0; i < f->cfg.msix_vectors; i++) {
				int fresh = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

				dup2(fresh, f->msix_fd[i]);
				close(fresh);
			}
			f->st.msix_armed = 0;
		} else if (start + count > f->cfg.msix_vectors) {
			rc = -EINVAL;
		} else {
			for (i = 0; i < count; i++)
				if (fds[i] >= 0) {
					dup2(fds[i], f->msix_fd[start + i]);
					f->st.msix_armed++;
				}
		}
	} else if (index == PCIE_AMP_IRQ_REQ && !f->cfg.no_req) {
		if (f->req_fd >= 0)
			close(f->req_fd);
		f->req_fd = count != 0 ? dup(fds[0]) : -1;
		f->st.req_armed = count != 0;
	} else {
		rc = -EINVAL;
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

static int fake_reset(void *dev)
{
	struct pcie_fake *f = dev;
	int rc = fake_fail(f, "reset");

	if (rc < 0)
		return rc;
	if (!f->cfg.can_reset)
		return -ENOTSUP;
	f->st.resets++;
	return 0;
}

static int fake_dma_map(void *dev, void *va, uint64_t len, uint64_t *iova)
{
	struct pcie_fake *f = dev;
	int rc = fake_fail(f, "dma_map");
	uint32_t i;

	if (rc < 0)
		return rc;
	pthread_mutex_lock(&f->lock);
	for (i = 0; i < FAKE_MAX_DMA && f->dma[i].len != 0; i++)
		;
	if (i == FAKE_MAX_DMA) {
		rc = -ENOSPC;
	} else {
		if (*iova == PCIE_AMP_IOVA_ANY) {
			/* Never the local address: a card that does not translate is caught. */
			*iova = f->iova_next;
			f->iova_next += (len + 0xfffffu) & ~0xfffffull;
		}
		f->dma[i].iova = *iova;
		f->dma[i].len = len;
		f->dma[i].va = va;
		f->st.dma_maps++;
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

static int fake_dma_unmap(void *dev, uint64_t iova, uint64_t len)
{
	struct pcie_fake *f = dev;
	uint32_t i;
	int rc = -ENOENT;

	if (f->unmap_hook != NULL)
		f->unmap_hook(f->unmap_arg);
	pthread_mutex_lock(&f->lock);
	for (i = 0; i < FAKE_MAX_DMA; i++)
		if (f->dma[i].len == len && f->dma[i].iova == iova) {
			memset(&f->dma[i], 0, sizeof(f->dma[i]));
			f->st.dma_unmaps++;
			rc = 0;
			break;
		}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

int pcie_fake_dma_get(struct pcie_fake *f, uint32_t i, uint64_t *iova, void **va, uint64_t *len)
{
	int rc = -ENOENT;

	pthread_mutex_lock(&f->lock);
	if (i < FAKE_MAX_DMA && f->dma[i].len != 0) {
		*iova = f->dma[i].iova;
		*va = f->dma[i].va;
		*len = f->dma[i].len;
		rc = 0;
	}
	pthread_mutex_unlock(&f->lock);
	return rc;
}

void pcie_fake_set_unmap_hook(struct pcie_fake *f, void (*hook)(void *arg), void *arg)
{
	f->unmap_hook = hook;
	f->unmap_arg = arg;
}

void *pcie_fake_dma_ptr(struct pcie_fake *f, uint64_t iova, uint64_t len)
{
	void *p = NULL;
	uint32_t i;

	pthread_mutex_lock(&f->lock);
	for (i = 0; i < FAKE_MAX_DMA && p == NULL; i++)
		if (f->dma[i].len != 0 && iova >= f->dma[i].iova &&
		    iova - f->dma[i].iova <= f->dma[i].len &&
		    len <= f->dma[i].len - (iova - f->dma[i].iova))
			p = f->dma[i].va + (iova - f->dma[i].iova);
	if (p == NULL)
		f->st.dma_refused++;
	pthread_mutex_unlock(&f->lock);
	return p;
}

const struct pcie_amp_vfio_ops pcie_fake_ops = {
	.name = "fake",
	.open = fake_open,
	.close = fake_close,
	.info = fake_info,
	.cfg_read = fake_cfg_read,
	.cfg_write = fake_cfg_write,
	.bar_size = fake_bar_size,
	.bar_map = fake_bar_map,
	.bar_unmap = fake_bar_unmap,
	.irq_set = fake_irq_set,
	.reset = fake_reset,
	.dma_map = fake_dma_map,
	.dma_unmap = fake_dma_unmap,
};
