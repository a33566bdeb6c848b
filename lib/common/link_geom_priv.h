/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The AMP link's queue geometry, as rte_vmsg_link_create() takes it: N
 * elements per direction, 2..65535 (16-bit indices), each a power of two
 * of 64..32768 bytes. For the parts that check options before a link is
 * made (the shm bus, the PCIe card's HOST placement).
 */

#ifndef RTE_VMSG_LINK_GEOM_PRIV_H
#define RTE_VMSG_LINK_GEOM_PRIV_H

#include <stdint.h>

static inline int rte_vmsg__link_elems_ok(uint64_t n)
{
	return n >= 2u && n <= 65535u;
}

static inline int rte_vmsg__link_esize_ok(uint64_t e)
{
	return e >= 64u && e <= 32768u && (e & (e - 1u)) == 0;
}

#endif /* RTE_VMSG_LINK_GEOM_PRIV_H */
