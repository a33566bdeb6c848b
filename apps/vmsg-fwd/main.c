/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd: a packet forwarder between virtio-net ports over virtio-msg (in
 * the device or the driver role) and, when built with DPDK, DPDK ports. The
 * set-up and the control loop (cli.c reads the command line, stats.c prints
 * the statistics).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fwd.h"

static volatile sig_atomic_t got_signal;

int fwd_interrupted(void *arg)
{
	(void)arg;
	return got_signal != 0;
}

static void on_signal(int sig)
{
	got_signal = sig;
	/* A second signal ends the process at once. */
	signal(sig, SIG_DFL);
}

/*
 * The library's log lines, to stderr. A port retrying what its device
 * refuses gets the same lines each time: a line printed less than a minute
 * ago is counted rather than printed again. After the minute it is printed
 * with that count, and the counts left are given at exit. Card openers log
 * from their own threads.
 */
#define LOG_REPEAT_NS 60000000000ull
#define LOG_LINES 16 /* the lines remembered, the oldest replaced */

struct fwd_log_line {
	char msg[512];
	enum rte_vmsg_log_level level;
	uint64_t said_ns; /* when it was last printed */
	uint64_t repeats; /* since */
};

static struct {
	pthread_mutex_t lock;
	struct fwd_log_line line[LOG_LINES];
	uint32_t next; /* the slot a new line takes */
} fwd_log_state = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void log_print(const struct fwd_log_line *l, const char *when)
{
	char msg[600];

	if (l->repeats == 0) {
		rte_vmsg_log_stderr(l->level, l->msg, NULL);
		return;
	}
	snprintf(msg, sizeof(msg), "%s (%" PRIu64 " more time%s %s, not shown)", l->msg, l->repeats,
		 l->repeats == 1 ? "" : "s", when);
	rte_vmsg_log_stderr(l->level, msg, NULL);
}

static void fwd_log(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	uint64_t now = fwd_now_ns();
	struct fwd_log_line *l;
	uint32_t i;

	(void)arg;
	pthread_mutex_lock(&fwd_log_state.lock);
	for (i = 0; i < LOG_LINES; i++) {
		l = &fwd_log_state.line[i];
		if (l->said_ns != 0 && l->level == level && strcmp(l->msg, msg) == 0)
			break;
	}
	if (i == LOG_LINES) {
		l = &fwd_log_state.line[fwd_log_state.next];
		fwd_log_state.next = (fwd_log_state.next + 1) % LOG_LINES;
		if (l->said_ns != 0 && l->repeats != 0)
			log_print(l, "since"); /* its count, before it is forgotten */
		snprintf(l->msg, sizeof(l->msg), "%s", msg);
		l->level = level;
		l->repeats = 0;
	} else if (now - l->said_ns < LOG_REPEAT_NS) {
		l->repeats++;
		pthread_mutex_unlock(&fwd_log_state.lock);
		return;
	}
	log_print(l, "in the last minute");
	l->said_ns = now;
	l->repeats = 0;
	pthread_mutex_unlock(&fwd_log_state.lock);
}

/* The counts of the lines not printed again. */
static void fwd_log_end(void)
{
	uint32_t i;

	pthread_mutex_lock(&fwd_log_state.lock);
	for (i = 0; i < LOG_LINES; i++) {
		struct fwd_log_line *l = &fwd_log_state.line[i];

		if (l->said_ns != 0 && l->repeats != 0)
			log_print(l, "since");
		l->said_ns = 0;
	}
	pthread_mutex_unlock(&fwd_log_state.lock);
}

static void cleanup(struct fwd_cfg *cfg)
{
	uint32_t i;

	fwd_threads_stop(cfg);
	for (i = 0; i < cfg->nports; i++) {
		struct fwd_port *p = &cfg->ports[i];

		if (p->kind == FWD_PORT_VMSG)
			fwd_vmsg_close(cfg, p);
		else
			fwd_dpdk_close(p);
	}
	if (cfg->dpdk_on)
		fwd_dpdk_fini();
	fwd_log_end();
}

int main(int argc, char **argv)
{
	static struct fwd_cfg cfg;
	static const char *const modes[] = { "io", "macswap", "txonly", "rxonly" };
	struct sigaction sa;
	uint64_t t0, last, next_stats, now;
	uint32_t i;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	cfg.mode = FWD_MODE_IO;
	cfg.burst = FWD_MAX_BURST;
	cfg.retries = 64;
	cfg.txpkt_len = 64;
	cfg.stats_period = 1.0;
	cfg.hugepages = "auto";
	cfg.numa_node = -1;
	rc = fwd_parse_args(&cfg, argc, argv);
	if (rc != 0)
		return rc > 0 ? FWD_EXIT_OK : -rc;
	rte_vmsg_log_set_handler(fwd_log, RTE_VMSG_LOG_WARNING, NULL);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cfg.dpdk_on && fwd_dpdk_init(cfg.dpdk_argc, cfg.dpdk_argv) < 0) {
		free(cfg.dpdk_argv);
		free(cfg.dpdk_words);
		return FWD_EXIT_FAIL;
	}
	rc = 0;
	for (i = 0; i < cfg.nports && rc == 0; i++) {
		struct fwd_port *p = &cfg.ports[i];

		rc = p->kind == FWD_PORT_VMSG ? fwd_vmsg_open(&cfg, p)
					      : fwd_dpdk_open(p, cfg.buf_cap);
	}
	if (rc == 0)
		rc = fwd_threads_start(&cfg) < 0 ? -FWD_EXIT_FAIL : 0;
	if (rc < 0) {
		cleanup(&cfg);
		free(cfg.threads);
		free(cfg.dpdk_argv);
		free(cfg.dpdk_words);
		return -rc;
	}
	printf(FWD_NAME " %s: mode %s, %u ports, %u forwarding threads, burst %u, retries %u\n",
	       FWD_VERSION, modes[cfg.mode], cfg.nports, cfg.nthreads, cfg.burst, cfg.retries);
	for (i = 0; i < cfg.nports; i++) {
		const struct fwd_port *p = &cfg.ports[i];
		char numa[32] = "";
		int node;

		if (p->kind == FWD_PORT_VMSG && p->shm != NULL) {
			/* Where the file's memory is: bound by numa=, or where it was faulted. */
			node = rte_vmsg_region_numa_node(rte_vmsg_bus_shm_region(p->shm));
			if (node >= 0)
				snprintf(numa, sizeof(numa), ", NUMA node %d%s", node,
					 p->numa >= 0 ? " (bound)" : "");
		} else if (p->kind == FWD_PORT_DPDK && p->numa >= 0) {
			snprintf(numa, sizeof(numa), ", NUMA node %d", p->numa);
		}
		if (p->kind == FWD_PORT_DPDK)
			printf("port %u: %s, %u queue pairs, peer %d%s\n", i, p->path, p->qp,
			       p->peer, numa);
		else
			printf("port %u: vmsg %s role, %s, %u queue pairs of %u, dev %u, peer "
			       "%d%s\n",
			       i, p->role == RTE_VMSG_BUS_DEVICE ? "device" : "driver",
			       p->path[0] != '\0' ? p->path : p->file, p->qp, p->qsize, p->dev_num,
			       p->peer, numa);
	}
	for (i = 0; i < cfg.nthreads; i++) {
		const struct fwd_thread *t = &cfg.threads[i];

		printf("thread %u: CPU %d, queue pair %u: port %u <-> port %u\n", i, t->cpu, t->q,
		       t->st[0].in->index, t->st[0].out->index);
	}
	fflush(stdout);

	t0 = last = fwd_now_ns();
	next_stats = t0 + (uint64_t)(cfg.stats_period * 1e9);
	while (!got_signal) {
		/*
		 * 100 us between control rounds while something happens on a
		 * bus (bring-up, events, a port not up), else 1 ms: the bus
		 * heartbeat and the peer watch need no more, and the main
		 * thread then takes little from the forwarding cores.
		 */
		struct timespec ts = { 0, 1000000 };

		now = fwd_now_ns();
		for (i = 0; i < cfg.nports; i++)
			if (cfg.ports[i].kind == FWD_PORT_VMSG &&
			    fwd_vmsg_control(&cfg, &cfg.ports[i], now))
				ts.tv_nsec = 100000;
		if (cfg.stats_period > 0 && now >= next_stats) {
			fwd_print_stats(&cfg, (double)(now - t0) / 1e9, (double)(now - last) / 1e9);
			last = now;
			next_stats += (uint64_t)(cfg.stats_period * 1e9);
			if (next_stats < now)
				next_stats = now + (uint64_t)(cfg.stats_period * 1e9);
		}
		if (cfg.duration > 0 && now - t0 >= (uint64_t)(cfg.duration * 1e9))
			break;
		nanosleep(&ts, NULL);
	}
	if (got_signal)
		printf("\n%s: stopping\n", got_signal == SIGINT ? "SIGINT" : "SIGTERM");
	now = fwd_now_ns();
	fwd_threads_stop(&cfg);
	fwd_print_final(&cfg, (double)(now - t0) / 1e9);
	cleanup(&cfg);
	free(cfg.threads);
	free(cfg.dpdk_argv);
	free(cfg.dpdk_words);
	return FWD_EXIT_OK;
}
