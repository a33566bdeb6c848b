/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd, pcie:BDF: a PCIe card through VFIO (drivers/pcie_amp), in the
 * driver role: the card (its firmware, or the process that plays it) is the
 * device side. The library opens the card with the profile, placement and
 * doorbells asked for and gives a bus used exactly as an shm bus; the rest
 * of the port is port_vmsg.c's driver role.
 */

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"

#ifdef FWD_HAVE_PCIE
#include <rte_vmsg_pcie.h>

/* The control path's open: up to this long for the card's layout, then its link. */
#define FWD_PCIE_WAIT_NS 10000000000ull

/* An open in a thread of its own (fwd_pcie_open_async()). */
struct fwd_pcie_opener {
	pthread_t tid;
	struct rte_vmsg_pcie_opts o;
	char bdf[FWD_PATH_MAX];
	struct rte_vmsg_pcie *card; /* the thread's result, read after the join */
	int rc;
	uint32_t done; /* atomic: the thread has finished */
	uint32_t stop; /* atomic: fwd_pcie_close() gives the open up */
};

int fwd_pcie_available(void)
{
	return 1;
}

int fwd_pcie_addr(const char *in, char *out)
{
	return rte_vmsg_pcie_addr_parse(in, out);
}

uint64_t fwd_pcie_dma_bytes(const struct fwd_port *p)
{
	/*
	 * What lib/net's driver carves for qp pairs of qsize entries: both
	 * queues' rings and one pool of 2 x qsize 2 KiB buffers per pair
	 * (a pcie port takes no mtu=: the card's MTU up to 1500 fits), and
	 * the control queue. No more: with iova=pa the whole area must be
	 * physically contiguous, which one 2 MiB hugepage is.
	 */
	return (uint64_t)p->qp * p->qsize * (2u * 2048u + 64u) + (64u << 10);
}

static void opts_fill(const struct fwd_port *p, struct rte_vmsg_pcie_opts *o)
{
	uint64_t dma = fwd_pcie_dma_bytes(p);

	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->profile = p->pcie_profile;
	o->placement = p->pcie_placement;
	o->notify = p->pcie_notify;
	o->layout = p->pcie_layout;
	o->payloads = p->payloads;
	o->peer_timeout_ms = p->peer_timeout_ms;
	o->flags = p->pcie_iova_pa ? RTE_VMSG_PCIE_F_IOVA_PA : 0;
	o->dma_size = dma > (2u << 20) ? dma : 0; /* 0: the driver's 2 MiB */
}

static void took(struct fwd_port *p, struct rte_vmsg_pcie *card)
{
	p->card = card;
	p->bus = rte_vmsg_pcie_bus(card);
	snprintf(p->path, sizeof(p->path), "pcie:%.16s", p->file); /* a PCI address: 12 bytes */
}

int fwd_pcie_open(const struct fwd_cfg *cfg, struct fwd_port *p)
{
	struct rte_vmsg_pcie_opts o;
	struct rte_vmsg_pcie *card;
	int rc;

	(void)cfg;
	opts_fill(p, &o);
	/* Not waiting: a card set up wrong stops vmsg-fwd at once. */
	o.flags |= RTE_VMSG_PCIE_F_NO_WAIT;
	rc = rte_vmsg_pcie_open(p->file, &o, &card);
	if (rc < 0)
		return rc;
	took(p, card);
	return 0;
}

static int opener_cancel(void *arg)
{
	const struct fwd_pcie_opener *op = arg;

	return fwd_interrupted(NULL) || __atomic_load_n(&op->stop, __ATOMIC_ACQUIRE) != 0;
}

static void *opener_main(void *arg)
{
	struct fwd_pcie_opener *op = arg;

	op->rc = rte_vmsg_pcie_open(op->bdf, &op->o, &op->card);
	__atomic_store_n(&op->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Joins the opener; its card (NULL on failure) and result. */
static int opener_end(struct fwd_port *p, struct rte_vmsg_pcie **card)
{
	struct fwd_pcie_opener *op = p->opener;
	int rc;

	pthread_join(op->tid, NULL);
	*card = op->card;
	rc = op->rc;
	free(op);
	p->opener = NULL;
	return rc;
}

int fwd_pcie_open_async(struct fwd_port *p)
{
	struct fwd_pcie_opener *op = p->opener;
	struct rte_vmsg_pcie *card;
	int rc;

	if (op == NULL) {
		op = calloc(1, sizeof(*op));
		if (op == NULL)
			return -ENOMEM;
		opts_fill(p, &op->o);
		op->o.wait_ns = FWD_PCIE_WAIT_NS;
		op->o.cancel = opener_cancel;
		op->o.cancel_arg = op;
		snprintf(op->bdf, sizeof(op->bdf), "%s", p->file);
		rc = pthread_create(&op->tid, NULL, opener_main, op);
		if (rc != 0) {
			free(op);
			return -rc;
		}
		p->opener = op;
		return -EINPROGRESS;
	}
	if (!__atomic_load_n(&op->done, __ATOMIC_ACQUIRE))
		return -EINPROGRESS;
	rc = opener_end(p, &card);
	if (rc < 0)
		return rc;
	took(p, card);
	return 0;
}

void fwd_pcie_close(struct fwd_port *p)
{
	struct rte_vmsg_pcie *card = NULL;

	if (p->opener != NULL) {
		__atomic_store_n(&p->opener->stop, 1, __ATOMIC_RELEASE);
		(void)opener_end(p, &card);
		rte_vmsg_pcie_close(card); /* opened as it was given up: NULL mostly */
	}
	/* The card owns its bus. */
	rte_vmsg_pcie_close(p->card);
	p->card = NULL;
	p->bus = NULL;
}

void fwd_pcie_dma(const struct fwd_port *p, void **addr, uint64_t *bus_addr, uint64_t *size)
{
	(void)rte_vmsg_pcie_dma(p->card, addr, bus_addr, size);
}

int fwd_pcie_released(const struct fwd_port *p)
{
	return p->card != NULL && rte_vmsg_pcie_release_requested(p->card) == 1;
}

int fwd_pcie_bound(const struct fwd_port *p)
{
	return rte_vmsg_pcie_bound(p->file) == 1;
}

#else /* built without drivers/pcie_amp */

int fwd_pcie_released(const struct fwd_port *p)
{
	(void)p;
	return 0;
}

int fwd_pcie_bound(const struct fwd_port *p)
{
	(void)p;
	return 0;
}

int fwd_pcie_available(void)
{
	return 0;
}

int fwd_pcie_addr(const char *in, char *out)
{
	(void)in, (void)out;
	return -EINVAL;
}

int fwd_pcie_open(const struct fwd_cfg *cfg, struct fwd_port *p)
{
	(void)cfg, (void)p;
	return -ENOTSUP;
}

int fwd_pcie_open_async(struct fwd_port *p)
{
	(void)p;
	return -ENOTSUP;
}

uint64_t fwd_pcie_dma_bytes(const struct fwd_port *p)
{
	(void)p;
	return 0;
}

void fwd_pcie_close(struct fwd_port *p)
{
	(void)p;
}

void fwd_pcie_dma(const struct fwd_port *p, void **addr, uint64_t *bus_addr, uint64_t *size)
{
	(void)p;
	*addr = NULL;
	*bus_addr = 0;
	*size = 0;
}

#endif
