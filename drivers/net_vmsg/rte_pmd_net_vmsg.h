/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg: what the PMD tells beyond the ethdev API (doc/net_vmsg.md).
 */

#ifndef RTE_PMD_NET_VMSG_H
#define RTE_PMD_NET_VMSG_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The virtio features negotiated between a net_vmsg port and its peer: the
 * virtio-net bits and the ring layout (VIRTIO_F_RING_PACKED, bit 34;
 * VIRTIO_F_IN_ORDER, bit 35), as the driver role accepted them (either
 * role reports the same set).
 *
 * Concurrency: any thread; takes the port's control lock (not for the
 * data path).
 *
 * @param port_id an ethdev port of the net_vmsg driver
 * @param features where the 64 feature bits go
 * @return 0; -EINVAL for a NULL @p features; -ENODEV when @p port_id is no
 *         net_vmsg port; -ENOTCONN while the link is down (nothing
 *         negotiated with a live peer).
 */
int rte_pmd_net_vmsg_features_get(uint16_t port_id, uint64_t *features);

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_NET_VMSG_H */
