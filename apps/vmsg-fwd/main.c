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
	rte_vmsg_log_set_handler(rte_vmsg_log_stderr, RTE_VMSG_LOG_WARNING, NULL);

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
