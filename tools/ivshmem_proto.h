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

#include <stddef.h>
#include <stdint.h>

/** The protocol version the server sends first. */
#define IVSHMEM_PROTO_VERSION 0
/** Most vectors per peer these tools handle (QEMU's ivshmem takes up to 1024). */
#define IVSHMEM_PROTO_MAX_VECTORS 64u

/**
 * Sends @p value, with @p fd attached when it is >= 0, without ever
 * blocking in the send: when the socket has no room, it waits for some
 * (poll()) at most @p wait_ms in all, so that a peer that does not read
 * holds the sender that long at most. A message cut short is finished the
 * same way, its descriptor sent with its first bytes only.
 * @return 0, or -1 with errno set: ETIMEDOUT when the socket took no more
 *         in @p wait_ms (then part of the message may be sent: the stream
 *         is out of step and the peer must be dropped), EPIPE when the
 *         peer is gone.
 */
int ivshmem_proto_send(int sock, int64_t value, int fd, int wait_ms);

/**
 * Receives one message: its value, and the descriptor that came with it
 * (or -1). Blocks unless the socket is non-blocking.
 * @return 1 for a message; 0 when the peer hung up; -1 with errno set
 *         (EAGAIN: nothing yet; EPROTO: a short or malformed message).
 */
int ivshmem_proto_recv(int sock, int64_t *value, int *fd);

/* ------------------------------------------------------------------------ */
/* A client: what QEMU is to the server, also what vmsg-card is to it.      */

#define IVSHMEM_CLIENT_MAX_PEERS 16u

struct ivshmem_peer {
	int used;
	uint16_t id;
	uint32_t nfd; /* its vectors' eventfds, in vector order */
	int efd[IVSHMEM_PROTO_MAX_VECTORS];
};

struct ivshmem_client {
	int sock;					    /* non-blocking after the greeting */
	int shm_fd;					    /* the shared memory */
	uint16_t id;					    /* ours */
	struct ivshmem_peer peer[IVSHMEM_CLIENT_MAX_PEERS]; /* ours included */
};

/**
 * Connects to a server at @p path and takes its greeting: the version, our
 * id, the memory, then every peer's eventfds and ours, which come last:
 * it returns once ours number @p vectors (or the greeting stalls 5 s).
 * @return 0, or -1 with a one-line reason in @p err (@p errlen bytes).
 */
int ivshmem_client_connect(struct ivshmem_client *c, const char *path, uint32_t vectors, char *err,
			   size_t errlen);

/**
 * Takes what the server sent since (peers that came, with their eventfds,
 * or left). Never blocks.
 * @return the number of messages taken, or -1 when the server hung up or
 *         spoke out of protocol.
 */
int ivshmem_client_poll(struct ivshmem_client *c);

/** The peer of id @p id, or NULL. */
struct ivshmem_peer *ivshmem_client_peer(struct ivshmem_client *c, uint16_t id);

/** Closes the socket, the memory and every eventfd. */
void ivshmem_client_close(struct ivshmem_client *c);

#endif /* VMSG_IVSHMEM_PROTO_H */
