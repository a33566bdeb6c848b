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
#include <string.h>

#include "fwd.h"

#ifdef FWD_HAVE_PCIE
#include <rte_vmsg_pcie.h>

int fwd_pcie_available(void)
{
	return 1;
}

int fwd_pcie_addr(const char *in, char *out)
{
	return rte_vmsg_pcie_addr_parse(in, out);
}

int fwd_pcie_open(const struct fwd_cfg *cfg, struct fwd_port *p)
{
	struct rte_vmsg_pcie_opts o;
	int rc;

	(void)cfg;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.profile = p->pcie_profile;
	o.placement = p->pcie_placement;
	o.notify = p->pcie_notify;
	o.layout = p->pcie_layout;
	o.payloads = p->payloads;
	o.peer_timeout_ms = p->peer_timeout_ms;
	/* The main loop serves every port: the link comes up in the bus poll. */
	o.flags = RTE_VMSG_PCIE_F_NO_WAIT | (p->pcie_iova_pa ? RTE_VMSG_PCIE_F_IOVA_PA : 0);
	rc = rte_vmsg_pcie_open(p->file, &o, &p->card);
	if (rc < 0)
		return rc;
	p->bus = rte_vmsg_pcie_bus(p->card);
	snprintf(p->path, sizeof(p->path), "pcie:%.16s", p->file); /* a PCI address: 12 bytes */
	return 0;
}

void fwd_pcie_close(struct fwd_port *p)
{
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
