/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The ivshmem server protocol: one little-endian int64 per message, maybe
 * with a descriptor.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "ivshmem_proto.h"

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int ivshmem_proto_send(int sock, int64_t value, int fd, int wait_ms)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	uint64_t le = htole64((uint64_t)value);
	const char *bytes = (const char *)&le;
	struct iovec iov;
	struct msghdr m;
	struct pollfd pfd = { .fd = sock, .events = POLLOUT };
	size_t done = 0;
	int64_t until = -1;
	ssize_t n;
	int rc;

	while (done < sizeof(le)) {
		memset(&m, 0, sizeof(m));
		iov.iov_base = (void *)(bytes + done);
		iov.iov_len = sizeof(le) - done;
		m.msg_iov = &iov;
		m.msg_iovlen = 1;
		/* The descriptor goes with the first bytes sent, never again after a short write. */
		if (fd >= 0 && done == 0) {
			memset(&ctl, 0, sizeof(ctl));
			m.msg_control = ctl.buf;
			m.msg_controllen = sizeof(ctl.buf);
			ctl.h.cmsg_level = SOL_SOCKET;
			ctl.h.cmsg_type = SCM_RIGHTS;
			ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(&ctl.h), &fd, sizeof(int));
		}
		/* Never blocks here, whatever the socket's mode: the wait is the poll() below. */
		n = sendmsg(sock, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = EPROTO;
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		/* No room: wait for some, at most wait_ms in all for this message. */
		if (until < 0)
			until = now_ms() + wait_ms;
		do {
			int64_t left = until - now_ms();

			if (left <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			rc = poll(&pfd, 1, (int)left);
		} while (rc < 0 && errno == EINTR);
		if (rc < 0)
			return -1;
		if (rc == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	return 0;
}

int ivshmem_proto_recv(int sock, int64_t *value, int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	uint64_t le;
	struct iovec iov = { .iov_base = &le, .iov_len = sizeof(le) };
	struct msghdr m;
	struct cmsghdr *c;
	ssize_t n;

	*fd = -1;
	memset(&m, 0, sizeof(m));
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = ctl.buf;
	m.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return (int)n;
	for (c = CMSG_FIRSTHDR(&m); c != NULL; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS &&
		    c->cmsg_len == CMSG_LEN(sizeof(int)))
			memcpy(fd, CMSG_DATA(c), sizeof(int));
	/* The 8 bytes come in one piece from either end; anything else is not this protocol. */
	if (n != (ssize_t)sizeof(le) || (m.msg_flags & MSG_CTRUNC) != 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		errno = EPROTO;
		return -1;
	}
	*value = (int64_t)le64toh(le);
	return 1;
}

/* ------------------------------------------------------------------------ */

struct ivshmem_peer *ivshmem_client_peer(struct ivshmem_client *c, uint16_t id)
{
	uint32_t i;

	for (i = 0; i < IVSHMEM_CLIENT_MAX_PEERS; i++)
		if (c->peer[i].used && c->peer[i].id == id)
			return &c->peer[i];
	return NULL;
}

static void peer_drop(struct ivshmem_peer *p)
{
	uint32_t v;

	for (v = 0; v < p->nfd; v++)
		close(p->efd[v]);
	memset(p, 0, sizeof(*p));
}

/* One message after the memory: a peer's next eventfd, or its departure. */
static int client_msg(struct ivshmem_client *c, int64_t v, int fd)
{
	struct ivshmem_peer *p;
	uint32_t i;

	if (v < 0 || v > UINT16_MAX) {
		if (fd >= 0)
			close(fd);
		errno = EPROTO;
		return -1;
	}
	p = ivshmem_client_peer(c, (uint16_t)v);
	if (fd < 0) {
		if (p != NULL)
			peer_drop(p);
		return 0;
	}
	for (i = 0; p == NULL && i < IVSHMEM_CLIENT_MAX_PEERS; i++)
		if (!c->peer[i].used) {
			p = &c->peer[i];
			p->used = 1;
			p->id = (uint16_t)v;
		}
	if (p == NULL || p->nfd == IVSHMEM_PROTO_MAX_VECTORS)
		close(fd); /* more peers or vectors than we keep: not ours to ring */
	else
		p->efd[p->nfd++] = fd;
	return 0;
}

/* Blocking receive, bounded, for the greeting. */
static int recv_wait(int sock, int64_t *v, int *fd)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	int rc = poll(&pfd, 1, 5000);

	if (rc <= 0) {
		errno = rc == 0 ? ETIMEDOUT : errno;
		return -1;
	}
	rc = ivshmem_proto_recv(sock, v, fd);
	if (rc == 0)
		errno = ECONNRESET;
	return rc == 1 ? 0 : -1;
}

int ivshmem_client_connect(struct ivshmem_client *c, const char *path, uint32_t vectors, char *err,
			   size_t errlen)
{
	struct sockaddr_un sa;
	struct ivshmem_peer *self;
	const char *step = "connect";
	int64_t v;
	int fd = -1;

	memset(c, 0, sizeof(*c));
	c->shm_fd = -1;
	c->sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		goto fail;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	if (c->sock < 0 || connect(c->sock, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	step = "the greeting (is it an ivshmem server?)";
	if (recv_wait(c->sock, &v, &fd) < 0 || v != IVSHMEM_PROTO_VERSION || fd >= 0)
		goto proto;
	if (recv_wait(c->sock, &v, &fd) < 0 || v < 0 || v > UINT16_MAX || fd >= 0)
		goto proto;
	c->id = (uint16_t)v;
	if (recv_wait(c->sock, &v, &c->shm_fd) < 0 || v != -1 || c->shm_fd < 0)
		goto proto;
	step = "the eventfds of the greeting";
	for (;;) {
		self = ivshmem_client_peer(c, c->id);
		if (self != NULL && self->nfd >= vectors)
			break;
		if (recv_wait(c->sock, &v, &fd) < 0 || fd < 0 || client_msg(c, v, fd) < 0)
			goto proto;
	}
	if (fcntl(c->sock, F_SETFL, O_NONBLOCK) < 0 || ivshmem_client_poll(c) < 0)
		goto proto;
	return 0;
proto:
	if (fd >= 0)
		close(fd);
	if (errno == 0 || errno == EAGAIN)
		errno = EPROTO;
fail:
	snprintf(err, errlen, "%s: %s: %s", path, step, strerror(errno));
	ivshmem_client_close(c);
	return -1;
}

int ivshmem_client_poll(struct ivshmem_client *c)
{
	int64_t v;
	int fd, rc, n = 0;

	for (;;) {
		rc = ivshmem_proto_recv(c->sock, &v, &fd);
		if (rc == 0)
			return -1;
		if (rc < 0)
			return errno == EAGAIN ? n : -1;
		if (client_msg(c, v, fd) < 0)
			return -1;
		n++;
	}
}

void ivshmem_client_close(struct ivshmem_client *c)
{
	uint32_t i;

	for (i = 0; i < IVSHMEM_CLIENT_MAX_PEERS; i++)
		if (c->peer[i].used)
			peer_drop(&c->peer[i]);
	if (c->shm_fd >= 0)
		close(c->shm_fd);
	if (c->sock >= 0)
		close(c->sock);
	c->shm_fd = -1;
	c->sock = -1;
}
