/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The public face of drivers/pcie_amp: rte_vmsg_pcie_*.
 */

#define RTE_VMSG_LOG_PREFIX "pcie_amp: "

#include <errno.h>
#include <string.h>

#include "rte_vmsg_pcie.h"
#include "log_priv.h"

static const char *const profile_names[] = {
	[RTE_VMSG_PCIE_PROFILE_AUTO] = "auto",
	[RTE_VMSG_PCIE_PROFILE_IVSHMEM] = "ivshmem",
	[RTE_VMSG_PCIE_PROFILE_AMP_PCI] = "amp-pci",
	[RTE_VMSG_PCIE_PROFILE_VERSAL] = "versal",
};

int rte_vmsg_pcie_profile_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < sizeof(profile_names) / sizeof(profile_names[0]); i++)
		if (strcmp(name, profile_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

const char *rte_vmsg_pcie_profile_name(uint32_t profile)
{
	return profile < sizeof(profile_names) / sizeof(profile_names[0]) ? profile_names[profile]
									  : NULL;
}

int rte_vmsg_pcie_open(const char *bdf, const struct rte_vmsg_pcie_opts *opts,
		       struct rte_vmsg_pcie **out)
{
	(void)opts;
	if (out != NULL)
		*out = NULL;
	if (bdf == NULL || out == NULL)
		return -EINVAL;
	RTE_VMSG_LOG(ERR, "%s: not implemented yet", bdf);
	return -ENOTSUP;
}

void rte_vmsg_pcie_close(struct rte_vmsg_pcie *card)
{
	(void)card;
}

struct rte_vmsg_bus *rte_vmsg_pcie_bus(const struct rte_vmsg_pcie *card)
{
	(void)card;
	return NULL;
}

int rte_vmsg_pcie_dma(const struct rte_vmsg_pcie *card, void **addr, uint64_t *bus_addr,
		      uint64_t *size)
{
	(void)card, (void)addr, (void)bus_addr, (void)size;
	return -EINVAL;
}

int rte_vmsg_pcie_wait(struct rte_vmsg_pcie *card, uint64_t timeout_ns)
{
	(void)card, (void)timeout_ns;
	return -EINVAL;
}

int rte_vmsg_pcie_release_requested(struct rte_vmsg_pcie *card)
{
	(void)card;
	return -EINVAL;
}

int rte_vmsg_pcie_info(const struct rte_vmsg_pcie *card, struct rte_vmsg_pcie_info *info)
{
	(void)card, (void)info;
	return -EINVAL;
}

int rte_vmsg_pcie_stats_get(const struct rte_vmsg_pcie *card, struct rte_vmsg_pcie_stats *st)
{
	(void)card, (void)st;
	return -EINVAL;
}
