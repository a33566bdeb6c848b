/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-ivshmem-server: the project's own server for QEMU's ivshmem-doorbell
 * device (Debian ships none). It owns the shared memory and one eventfd per
 * peer and vector, and hands them out over a unix socket in the documented
 * protocol (reference amp-pcie.md §2). Peer 0 is the card: its eventfds live
 * as long as the server, and a card emulator (vmsg-card) fetches them over a
 * second socket, so that the card can restart under a running guest without
 * QEMU noticing. QEMU clients are peers 1, 2, ...
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "ivshmem_proto.h"
#include "tool_util.h"
#include "vmsg_util.h"

#define NAME "vmsg-ivshmem-server"
#define MAX_GUESTS 16
/*
 * A client whose socket takes no message for this long does not read (a
 * stuck guest or card): it is disconnected, so that the server and the
 * other clients go on. Every send waits for room at most this long.
 */
#define SEND_WAIT_MS 1000

struct peer {
	int sock;			    /* -1: the slot is free */
	uint16_t id;			    /* ivshmem peer id (0: the card) */
	int gone;			    /* its socket failed or hung up: reap() drops it */
	int efd[IVSHMEM_PROTO_MAX_VECTORS]; /* what peers write to interrupt this one */
};

static struct {
	const char *sock_path;
	const char *card_path;
	const char *shm_path;
	int shm_created; /* this process created the --shm file: removed on a failure */
	uint64_t size;
	uint32_t vectors;
	int verbose;
	int shm_fd;
	int lsock;     /* QEMU's socket */
	int lcard;     /* the card's socket */
	int cardfd;    /* the card emulator connected now, or -1 */
	int card_gone; /* its socket failed or hung up: reap() detaches it */
	struct peer card;
	struct peer guest[MAX_GUESTS];
	uint16_t next_id;
} srv;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " NAME " --socket PATH --card-socket PATH --size BYTES [options]\n"
		"\n"
		"The ivshmem-doorbell server of librte_vmsg's test card. QEMU connects to\n"
		"--socket (-chardev socket,path=PATH); the card emulator (vmsg-card\n"
		"--server PATH) to --card-socket and is always peer 0, whose eventfds outlive\n"
		"it: the card may restart under a running guest. Guests are peers 1, 2, ...\n"
		"\n"
		"  -s, --socket PATH       unix socket for QEMU (replaced if it exists)\n"
		"  -c, --card-socket PATH  unix socket for the card emulator (not --socket;\n"
		"                          each path at most 107 bytes)\n"
		"  -m, --shm PATH          back the memory with this file (hugetlbfs works);\n"
		"                          default: an anonymous memfd. A new file is created,\n"
		"                          sized, and removed again if the server then fails\n"
		"                          to start; one that exists is never resized: used as\n"
		"                          it is when it is a regular file of exactly --size\n"
		"                          bytes (a restarted server), else refused (exit 2);\n"
		"                          a file another server holds is refused (exit 1)\n"
		"  -l, --size BYTES        memory size, a power of two up to 2^62 (k, M, G)\n"
		"  -n, --vectors N         interrupt vectors per peer, 1..%u (default 2);\n"
		"                          QEMU's vectors= must be the same\n"
		"  -v, --verbose           one line per connection and disconnection\n"
		"  -h, --help              this text\n"
		"\n"
		"A client (guest or card) whose socket takes no message for %d ms does not\n"
		"read: it is disconnected, said once on stderr, and the others go on.\n"
		"It runs until SIGINT or SIGTERM and then removes its sockets.\n",
		IVSHMEM_PROTO_MAX_VECTORS, SEND_WAIT_MS);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, NAME ": socket path too long: %s\n", path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, NAME ": socket: %s\n", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);
	(void)unlink(path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		fprintf(stderr, NAME ": %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* After a failure: the --shm file this process created is removed. */
static void shm_forget(void)
{
	if (srv.shm_created)
		(void)unlink(srv.shm_path);
	srv.shm_created = 0;
}

/*
 * A --shm file that was there before is someone's: used as it is when it is
 * a regular file of exactly --size bytes (this server, restarted), else
 * refused and left untouched; never truncated or resized. -2 when refused
 * (bad usage: the options name a file that cannot be this memory), -1 when
 * it cannot be opened.
 */
static int open_existing(void)
{
	struct stat st;
	int fd = -1;

	if (stat(srv.shm_path, &st) < 0) {
		/* Gone since open(O_EXCL) found it, or a link to nothing. */
		fprintf(stderr, NAME ": %s: %s\n", srv.shm_path, strerror(errno));
		return -1;
	}
	/* Not opened unless regular: opening a device or a FIFO can do something. */
	if (S_ISREG(st.st_mode)) {
		fd = open(srv.shm_path, O_RDWR | O_CLOEXEC | O_NOCTTY);
		/* What was opened is checked, should the name have moved since stat(). */
		if (fd < 0 || fstat(fd, &st) < 0) {
			fprintf(stderr, NAME ": %s: %s\n", srv.shm_path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return -1;
		}
	}
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, NAME ": --shm %s: not a regular file: refused, left as it is\n",
			srv.shm_path);
		if (fd >= 0)
			close(fd);
		return -2;
	}
	if ((uint64_t)st.st_size != srv.size) {
		fprintf(stderr,
			NAME ": --shm %s: an existing file of %lld bytes, not --size %" PRIu64
			     ": refused, left as it is (only a file of that size is used)\n",
			srv.shm_path, (long long)st.st_size, srv.size);
		close(fd);
		return -2;
	}
	return fd;
}

/*
 * A --shm file is this server's alone while it runs: an exclusive flock(2),
 * held as long as the descriptor (the server's life). A second server on
 * the same file would give its own guests the same memory under other peer
 * numbers: refused (exit 1), the file left as it is. 0 or -1 (said).
 */
static int lock_shm(int fd)
{
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno == EWOULDBLOCK)
		fprintf(stderr,
			NAME ": --shm %s: in use by another server (it holds the file's lock): "
			     "refused, left as it is\n",
			srv.shm_path);
	else
		fprintf(stderr, NAME ": --shm %s: flock: %s\n", srv.shm_path, strerror(errno));
	return -1;
}

/* The memory: its descriptor, -1 when it cannot be made, -2 when --shm is refused. */
static int make_shm(void)
{
	int fd;

	if (srv.shm_path != NULL) {
		/* Made here, or there before: only a file of ours is sized, and removed on a failure. */
		fd = open(srv.shm_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			srv.shm_created = 1;
		} else if (errno == EEXIST) {
			fd = open_existing();
			if (fd >= 0 && lock_shm(fd) < 0) {
				close(fd);
				return -1;
			}
			return fd;
		}
		/* Ours: locked before it is sized, so another server never sees it half made. */
		if (fd >= 0 && lock_shm(fd) < 0) {
			close(fd);
			shm_forget();
			return -1;
		}
	} else
		fd = memfd_create("vmsg-ivshmem", MFD_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, NAME ": %s: %s\n", srv.shm_path ? srv.shm_path : "memfd_create",
			strerror(errno));
		return -1;
	}
	/* hugetlbfs takes ftruncate() to a multiple of its page size only. */
	if (ftruncate(fd, (off_t)srv.size) < 0) {
		fprintf(stderr, NAME ": sizing the memory to %" PRIu64 " bytes: %s\n", srv.size,
			strerror(errno));
		close(fd);
		shm_forget();
		return -1;
	}
	return fd;
}

static int peer_init(struct peer *p, uint16_t id)
{
	uint32_t v;

	p->id = id;
	for (v = 0; v < IVSHMEM_PROTO_MAX_VECTORS; v++)
		p->efd[v] = -1;
	for (v = 0; v < srv.vectors; v++) {
		p->efd[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (p->efd[v] < 0) {
			fprintf(stderr, NAME ": eventfd: %s\n", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void peer_fini(struct peer *p)
{
	uint32_t v;

	for (v = 0; v < IVSHMEM_PROTO_MAX_VECTORS; v++) {
		if (p->efd[v] >= 0)
			close(p->efd[v]);
		p->efd[v] = -1;
	}
	if (p->sock >= 0)
		close(p->sock);
	p->sock = -1;
	p->gone = 0;
}

/*
 * Why a client's socket failed, said once, as it is dropped. One that hung
 * up is no news (--verbose says it left) unless @p always (its greeting).
 */
static void say_dropped(const char *who, const char *what, int err, int always)
{
	if (err == ETIMEDOUT)
		fprintf(stderr,
			NAME ": %s takes no message (none in %d ms: it does not read): %s\n", who,
			SEND_WAIT_MS, what);
	else if (always || (err != EPIPE && err != ECONNRESET))
		fprintf(stderr, NAME ": %s: %s: %s\n", who, strerror(err), what);
}

/* One message to guest @p p; when its socket fails, it is marked gone (said once). */
static void to_guest(struct peer *p, int64_t value, int fd)
{
	char who[32];

	if (p->sock < 0 || p->gone)
		return;
	if (ivshmem_proto_send(p->sock, value, fd, SEND_WAIT_MS) == 0)
		return;
	p->gone = 1;
	snprintf(who, sizeof(who), "guest peer %u", p->id);
	say_dropped(who, "disconnected", errno, 0);
}

/* The same to the card, if attached. */
static void to_card(int64_t value, int fd)
{
	if (srv.cardfd < 0 || srv.card_gone)
		return;
	if (ivshmem_proto_send(srv.cardfd, value, fd, SEND_WAIT_MS) == 0)
		return;
	srv.card_gone = 1;
	say_dropped("the card (peer 0)", "detached (its eventfds stay)", errno, 0);
}

/* Tells @p to about peer @p p: its id once per vector, each with its eventfd. */
static int announce(int to, const struct peer *p)
{
	uint32_t v;

	for (v = 0; v < srv.vectors; v++)
		if (ivshmem_proto_send(to, p->id, p->efd[v], SEND_WAIT_MS) < 0)
			return -1;
	return 0;
}

/* The same to a connected guest, or to the card (@p to NULL), which may be dropped. */
static void announce_to(struct peer *to, const struct peer *p)
{
	uint32_t v;

	for (v = 0; v < srv.vectors; v++)
		if (to != NULL)
			to_guest(to, p->id, p->efd[v]);
		else
			to_card(p->id, p->efd[v]);
}

/*
 * The greeting, in the order of the protocol: version, the client's id, the
 * memory, every other peer's eventfds, then its own.
 */
static int greet(int sock, const struct peer *self)
{
	uint32_t i;

	if (ivshmem_proto_send(sock, IVSHMEM_PROTO_VERSION, -1, SEND_WAIT_MS) < 0 ||
	    ivshmem_proto_send(sock, self->id, -1, SEND_WAIT_MS) < 0 ||
	    ivshmem_proto_send(sock, -1, srv.shm_fd, SEND_WAIT_MS) < 0)
		return -1;
	if (self != &srv.card && announce(sock, &srv.card) < 0)
		return -1;
	/* Not the ones being dropped: their departure follows (reap()). */
	for (i = 0; i < MAX_GUESTS; i++)
		if (srv.guest[i].sock >= 0 && !srv.guest[i].gone && &srv.guest[i] != self &&
		    announce(sock, &srv.guest[i]) < 0)
			return -1;
	return announce(sock, self);
}

static void guest_connect(void)
{
	struct peer *p = NULL;
	uint32_t i;
	int fd;

	/* Non-blocking: no read or write on a client's socket waits for it. */
	fd = accept4(srv.lsock, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	for (i = 0; i < MAX_GUESTS && p == NULL; i++)
		if (srv.guest[i].sock < 0)
			p = &srv.guest[i];
	if (p == NULL) {
		fprintf(stderr, NAME ": more than %u guests: refused\n", MAX_GUESTS);
		close(fd);
		return;
	}
	if (peer_init(p, srv.next_id) < 0) {
		peer_fini(p);
		close(fd);
		return;
	}
	p->sock = fd;
	if (greet(fd, p) < 0) {
		char who[48];

		/* Never announced: nobody is told it left. */
		snprintf(who, sizeof(who), "guest peer %u, in its greeting,", p->id);
		say_dropped(who, "disconnected", errno, 1);
		peer_fini(p);
		return;
	}
	srv.next_id = (uint16_t)(srv.next_id == UINT16_MAX ? 1 : srv.next_id + 1);
	/* The others learn of it: the other guests and the card, if attached. */
	for (i = 0; i < MAX_GUESTS; i++)
		if (&srv.guest[i] != p)
			announce_to(&srv.guest[i], p);
	announce_to(NULL, p);
	if (srv.verbose)
		printf(NAME ": guest peer %u connected\n", p->id);
}

/* Guest @p p is dropped and the others are told (an id without a descriptor). */
static void guest_gone(struct peer *p)
{
	uint16_t id = p->id;
	uint32_t i;

	peer_fini(p);
	for (i = 0; i < MAX_GUESTS; i++)
		to_guest(&srv.guest[i], id, -1);
	to_card(id, -1);
	if (srv.verbose)
		printf(NAME ": guest peer %u disconnected\n", id);
}

/*
 * Drops the clients marked gone: their socket failed or they hung up. Each
 * guest's departure is told to the others, which may fail in turn: until
 * none is left to drop (each round frees a slot, so it ends).
 */
static void reap(void)
{
	uint32_t i;
	int again;

	do {
		again = 0;
		if (srv.cardfd >= 0 && srv.card_gone) {
			close(srv.cardfd);
			srv.cardfd = -1;
			if (srv.verbose)
				printf(NAME ": card detached (its eventfds stay)\n");
		}
		srv.card_gone = 0;
		for (i = 0; i < MAX_GUESTS; i++)
			if (srv.guest[i].sock >= 0 && srv.guest[i].gone) {
				guest_gone(&srv.guest[i]);
				again = 1;
			}
	} while (again);
}

static void card_connect(void)
{
	int fd = accept4(srv.lcard, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (srv.cardfd >= 0) {
		fprintf(stderr, NAME ": a card is attached already: second one refused\n");
		close(fd);
		return;
	}
	if (greet(fd, &srv.card) < 0) {
		say_dropped("the card (peer 0), in its greeting,", "refused", errno, 1);
		close(fd);
		return;
	}
	srv.cardfd = fd;
	if (srv.verbose)
		printf(NAME ": card attached (peer 0)\n");
}

/* A client said something (nothing is expected) or hung up: true when it is gone. */
static int hung_up(int fd)
{
	char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR);
}

static int serve(void)
{
	struct pollfd pfd[3 + MAX_GUESTS];
	struct peer *who[3 + MAX_GUESTS];
	uint32_t i, n;

	while (!tool_stop) {
		n = 0;
		pfd[n++] = (struct pollfd){ .fd = srv.lsock, .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = srv.lcard, .events = POLLIN };
		if (srv.cardfd >= 0)
			pfd[n++] = (struct pollfd){ .fd = srv.cardfd, .events = POLLIN };
		for (i = 0; i < MAX_GUESTS; i++)
			if (srv.guest[i].sock >= 0) {
				who[n] = &srv.guest[i];
				pfd[n++] = (struct pollfd){ .fd = srv.guest[i].sock,
							    .events = POLLIN };
			}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, NAME ": poll: %s\n", strerror(errno));
			return 1;
		}
		for (i = 2; i < n; i++) {
			if (pfd[i].revents == 0 || !hung_up(pfd[i].fd))
				continue;
			if (pfd[i].fd == srv.cardfd)
				srv.card_gone = 1;
			else
				who[i]->gone = 1;
		}
		/* The ones that left first, then the new ones; each may drop a stuck client. */
		reap();
		if (pfd[0].revents & POLLIN)
			guest_connect();
		if (pfd[1].revents & POLLIN)
			card_connect();
		reap();
		fflush(stdout);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "card-socket", required_argument, NULL, 'c' },
		{ "shm", required_argument, NULL, 'm' },
		{ "size", required_argument, NULL, 'l' },
		{ "vectors", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct sockaddr_un sa;
	uint32_t i;
	int c, rc;

	srv.vectors = 2;
	srv.next_id = 1;
	srv.cardfd = -1;
	srv.card.sock = -1;
	for (i = 0; i < MAX_GUESTS; i++)
		srv.guest[i].sock = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:c:m:l:n:vh", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			srv.sock_path = optarg;
			break;
		case 'c':
			srv.card_path = optarg;
			break;
		case 'm':
			srv.shm_path = optarg;
			break;
		case 'l':
			/* ftruncate() takes an off_t: at most INT64_MAX, so 2^62. */
			if (tool_parse_size(optarg, 1, (uint64_t)INT64_MAX, &srv.size) < 0 ||
			    (srv.size & (srv.size - 1)) != 0) {
				fprintf(stderr,
					NAME ": --size %s: want a power of two, at most 2^62 "
					     "(4611686018427387904)\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			if (vmsg_util_parse_u32(optarg, 0, 1, IVSHMEM_PROTO_MAX_VECTORS,
						&srv.vectors) < 0) {
				fprintf(stderr, NAME ": --vectors %s: want 1..%u\n", optarg,
					IVSHMEM_PROTO_MAX_VECTORS);
				return 2;
			}
			break;
		case 'v':
			srv.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return tool_opt_error(NAME, lo, c, argv);
		}
	}
	if (optind != argc || srv.sock_path == NULL || srv.card_path == NULL || srv.size == 0) {
		fprintf(stderr,
			NAME ": --socket, --card-socket and --size are required (see --help)\n");
		return 2;
	}
	/* Before anything is made: a socket path bind() cannot take, one socket for both. */
	if (strlen(srv.sock_path) >= sizeof(sa.sun_path) ||
	    strlen(srv.card_path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, NAME ": %s %s: a socket path is at most %zu bytes\n",
			strlen(srv.sock_path) >= sizeof(sa.sun_path) ? "--socket" : "--card-socket",
			strlen(srv.sock_path) >= sizeof(sa.sun_path) ? srv.sock_path
								     : srv.card_path,
			sizeof(sa.sun_path) - 1);
		return 2;
	}
	if (vmsg_util_same_name(srv.sock_path, srv.card_path)) {
		fprintf(stderr, NAME ": --socket %s and --card-socket %s: the same socket\n",
			srv.sock_path, srv.card_path);
		return 2;
	}

	tool_process_setup();

	rc = 1;
	srv.shm_fd = make_shm();
	if (srv.shm_fd < 0)
		return srv.shm_fd == -2 ? 2 : 1;
	if (peer_init(&srv.card, 0) < 0)
		goto out;
	srv.lsock = listen_on(srv.sock_path);
	if (srv.lsock < 0)
		goto out;
	srv.lcard = listen_on(srv.card_path);
	if (srv.lcard < 0) {
		close(srv.lsock);
		unlink(srv.sock_path);
		goto out;
	}
	printf(NAME ": %" PRIu64 " bytes, %u vectors per peer; QEMU on %s, the card on %s\n",
	       srv.size, srv.vectors, srv.sock_path, srv.card_path);
	fflush(stdout);
	rc = serve();
	for (i = 0; i < MAX_GUESTS; i++)
		if (srv.guest[i].sock >= 0)
			peer_fini(&srv.guest[i]);
	if (srv.cardfd >= 0)
		close(srv.cardfd);
	close(srv.lsock);
	close(srv.lcard);
	unlink(srv.sock_path);
	unlink(srv.card_path);
out:
	peer_fini(&srv.card);
	close(srv.shm_fd);
	if (rc != 0)
		shm_forget();
	return rc;
}
