/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-ivshmem-server and clients that never read: a guest and a card that
 * take none of their messages, while other guests come and go, are dropped,
 * each said once on stderr with its id, and the server goes on: a guest
 * that connects afterwards gets its whole greeting. Bounded: each client's
 * greeting waits at most 5 s, and a watchdog ends the test, failed, after
 * 20 s (a server that waits for the stuck clients holds every greeting).
 *
 * usage: test_ivshmem_stuck <vmsg-ivshmem-server>
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ivshmem_proto.h"
#include "vmsg_util.h"
#include "vtest.h"

#define VECTORS 64u	  /* the most: every guest that comes sends 64 messages to each other */
#define MAX_ROUNDS 200	  /* guests that come and go, at most, until both stuck ones are dropped */
#define WATCHDOG_S 20u	  /* the whole test */
#define STUCK_GUEST_ID 1u /* the server's first guest */

static pid_t server_pid = -1;
static char dir[64];

static void on_watchdog(int sig)
{
	static const char msg[] = "test_ivshmem_stuck: timed out (the server stalls?)\n";

	(void)sig;
	if (server_pid > 0)
		kill(server_pid, SIGKILL);
	(void)!write(2, msg, sizeof(msg) - 1);
	_exit(1);
}

static pid_t server_start(const char *server, const char *q, const char *c, const char *err)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int null = open("/dev/null", O_WRONLY);

		if (fd < 0 || null < 0 || dup2(fd, 2) < 0 || dup2(null, 1) < 0)
			_exit(127);
		execl(server, server, "--socket", q, "--card-socket", c, "--size", "1M",
		      "--vectors", "64", (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* A client that connects and then never reads, with a small receive buffer. */
static int stuck_client(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), small = 1024;

	if (fd < 0)
		return -1;
	/*
	 * As a stuck reader would have. (What a unix stream socket holds in
	 * flight is bounded by the server's send buffer, which the comings and
	 * goings fill.)
	 */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The server closed @p fd (without reading what is queued there). */
static int dropped(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) == 1 && (p.revents & (POLLHUP | POLLRDHUP)) != 0;
}

/* The lines of @p path that contain @p text; "": all of them, shown. */
static int lines_with(const char *path, const char *text)
{
	char line[512];
	FILE *f = fopen(path, "r");
	int n = 0;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		n += strstr(line, text) != NULL;
		if (text[0] == '\0')
			fprintf(stderr, "server stderr: %s", line);
	}
	fclose(f);
	return n;
}

int main(int argc, char **argv)
{
	char q[96], c[96], err[96], why[256], text[64];
	struct ivshmem_client cl;
	struct ivshmem_peer *card;
	int sg, sc, round, st = -1, ok, stalled = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s <vmsg-ivshmem-server>\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	signal(SIGALRM, on_watchdog);
	alarm(WATCHDOG_S);
	snprintf(dir, sizeof(dir), "/tmp/vmsg-ivshmem-stuck.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(q, sizeof(q), "%s/q.sock", dir);
	snprintf(c, sizeof(c), "%s/c.sock", dir);
	snprintf(err, sizeof(err), "%s/err", dir);
	server_pid = server_start(argv[1], q, c, err);
	CHECK(server_pid > 0);
	/* The card's socket is made second: both are there. */
	for (round = 0; round < 500 && access(c, F_OK) != 0; round++)
		usleep(10000);
	CHECK_EQ(access(c, F_OK), 0);

	/* The card first (peer 0), then the first guest (peer 1): neither ever reads. */
	sc = stuck_client(c);
	CHECK(sc >= 0);
	sg = stuck_client(q);
	CHECK(sg >= 0);

	/*
	 * Guests that come and go: each that comes is announced to the stuck
	 * two (64 eventfds each), each that goes too, until the server's
	 * socket to them is full and it drops them. Each greeting must come
	 * whole: a server that waits on the stuck ones sends none.
	 */
	for (round = 0; round < MAX_ROUNDS && !(dropped(sg) && dropped(sc)); round++) {
		if (ivshmem_client_connect(&cl, q, VECTORS, why, sizeof(why)) < 0) {
			fprintf(stderr, "guest %d: %s\n", round, why);
			stalled = 1;
			break;
		}
		ivshmem_client_close(&cl);
	}
	fprintf(stderr, "%d guests came and went\n", round);
	CHECK(!stalled);
	CHECK(dropped(sg));
	CHECK(dropped(sc));

	/* A guest afterwards: its whole greeting, the card's eventfds, no stuck guest. */
	ok = !stalled && ivshmem_client_connect(&cl, q, VECTORS, why, sizeof(why)) == 0;
	if (!ok && stalled)
		snprintf(why, sizeof(why), "not tried: the server stalls");
	if (!ok)
		fprintf(stderr, "the last guest: %s\n", why);
	CHECK(ok);
	if (ok) {
		card = ivshmem_client_peer(&cl, 0);
		CHECK(card != NULL);
		CHECK_EQ(card != NULL ? card->nfd : 0, VECTORS);
		CHECK(ivshmem_client_peer(&cl, STUCK_GUEST_ID) == NULL);
		CHECK(cl.id > STUCK_GUEST_ID);
		ivshmem_client_close(&cl);
	}
	close(sg);
	close(sc);

	/* It stops as usual, and said each drop once. */
	kill(server_pid, SIGTERM);
	CHECK_EQ(vmsg_util_wait_child(server_pid, 3000000000ull, 10000000ull, &st), 0);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	server_pid = -1;
	snprintf(text, sizeof(text), "guest peer %u takes no message", STUCK_GUEST_ID);
	CHECK_EQ(lines_with(err, text), 1);
	CHECK_EQ(lines_with(err, "the card (peer 0) takes no message"), 1);
	CHECK_EQ(lines_with(err, "vmsg-ivshmem-server:"), 2);
	if (vtest_failures != 0)
		lines_with(err, "");

	unlink(err);
	unlink(q);
	unlink(c);
	rmdir(dir);
	return vtest_done("ivshmem_stuck");
}
