/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The ivshmem server protocol (reference amp-pcie.md §2), both ends: each
 * message is one little-endian int64 on a unix stream socket, with or
 * without one file descriptor (SCM_RIGHTS). Shared by vmsg-ivshmem-server
 * and vmsg-card; not part of librte_vmsg.
 */

#ifndef VMSG_IVSHMEM_PROTO_H
#define VMSG_IVSHMEM_PROTO_H

#include <stdint.h>

/** The protocol version the server sends first. */
#define IVSHMEM_PROTO_VERSION 0
/** Most vectors per peer these tools handle (QEMU's ivshmem takes up to 1024). */
#define IVSHMEM_PROTO_MAX_VECTORS 64u

/**
 * Sends @p value, with @p fd attached when it is >= 0.
 * @return 0, or -1 with errno set.
 */
int ivshmem_proto_send(int sock, int64_t value, int fd);

/**
 * Receives one message: its value, and the descriptor that came with it
 * (or -1). Blocks unless the socket is non-blocking.
 * @return 1 for a message; 0 when the peer hung up; -1 with errno set
 *         (EAGAIN: nothing yet; EPROTO: a short or malformed message).
 */
int ivshmem_proto_recv(int sock, int64_t *value, int *fd);

#endif /* VMSG_IVSHMEM_PROTO_H */
