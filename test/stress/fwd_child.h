/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd as a child process of a stress test: started with its output in
 * a file, stopped with SIGINT (bounded), and its final totals read back.
 * Uses libc and vmsg_util only, so that a test that must not use the
 * library (test_foreign_driver) can include it too.
 */

#ifndef FWD_CHILD_H
#define FWD_CHILD_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmsg_util.h"

/* The "all" row of one port in vmsg-fwd's final totals. */
struct fwd_totals {
	unsigned long long rx, rx_bytes, tx, tx_bytes, drops, broken, errors, lost, resets;
};

/*
 * Starts @p bin with @p args (NULL-terminated, at most 62), its standard
 * output in @p out (the last run's output is removed first: it must not be
 * read again), its standard error in @p err when not NULL (likewise). The
 * child dies with this process. Exits on fork failure.
 */
static inline pid_t fwd_child_start(const char *bin, const char *out, const char *err,
				    char *const args[])
{
	char *argv[64];
	pid_t pid;
	int i, n = 0;

	argv[n++] = (char *)bin;
	for (i = 0; args[i] != NULL && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	unlink(out);
	if (err != NULL)
		unlink(err);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0) {
		if (freopen(out, "w", stdout) == NULL)
			_exit(127);
		if (err != NULL && freopen(err, "w", stderr) == NULL)
			_exit(127);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execv(bin, argv);
		_exit(127);
	}
	return pid;
}

/* SIGINT, then the exit status (-1 when it does not end within @p wait_ns). */
static inline int fwd_child_stop(pid_t pid, uint64_t wait_ns)
{
	int status;

	kill(pid, SIGINT);
	if (vmsg_util_wait_child(pid, wait_ns, 10000000, &status) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Ports 0 .. @p nports - 1 of the final totals in @p out: 0, or -1 when one is missing. */
static inline int fwd_child_totals(const char *out, struct fwd_totals *t, uint32_t nports)
{
	FILE *f = fopen(out, "r");
	char line[512], q[16];
	int in = 0, found = 0;
	unsigned int port;

	if (f == NULL)
		return -1;
	memset(t, 0, sizeof(*t) * nports);
	while (fgets(line, sizeof(line), f) != NULL) {
		struct fwd_totals x;

		if (strncmp(line, "final totals", 12) == 0) {
			in = 1;
			continue;
		}
		if (!in || sscanf(line, "%u %15s %llu %llu %llu %llu %llu %llu %llu %llu %llu",
				  &port, q, &x.rx, &x.rx_bytes, &x.tx, &x.tx_bytes, &x.drops,
				  &x.broken, &x.errors, &x.lost, &x.resets) != 11)
			continue;
		if (strcmp(q, "all") == 0 && port < nports) {
			t[port] = x;
			found++;
		}
	}
	fclose(f);
	return found == (int)nports ? 0 : -1;
}

/* 1 when a line of @p out contains @p what. */
static inline int fwd_child_output_has(const char *out, const char *what)
{
	FILE *f = fopen(out, "r");
	char line[512];
	int yes = 0;

	if (f == NULL)
		return 0;
	while (!yes && fgets(line, sizeof(line), f) != NULL)
		yes = strstr(line, what) != NULL;
	fclose(f);
	return yes;
}

/* Copies @p out to standard error, for a failed run. */
static inline void fwd_child_show(const char *out)
{
	FILE *f = fopen(out, "r");
	char line[512];

	if (f == NULL)
		return;
	fprintf(stderr, "--- vmsg-fwd output ---\n");
	while (fgets(line, sizeof(line), f) != NULL)
		fputs(line, stderr);
	fclose(f);
}

#endif /* FWD_CHILD_H */
