/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd's statistics: per port and queue pair, every --stats-period and
 * at the end.
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

struct snap {
	uint64_t rx_pkts, rx_bytes, tx_pkts, tx_bytes, drops, broken, errors;
};

static struct snap prev[FWD_MAX_PORTS][FWD_MAX_QP + 1];

static void snap_q(const struct fwd_port *p, uint32_t q, struct snap *s)
{
	const struct fwd_qstats *qs = &p->qs[q];

	s->rx_pkts = fwd_load(&qs->rx_pkts);
	s->rx_bytes = fwd_load(&qs->rx_bytes);
	s->tx_pkts = fwd_load(&qs->tx_pkts);
	s->tx_bytes = fwd_load(&qs->tx_bytes);
	s->drops = fwd_load(&qs->drops);
	s->broken = fwd_load(&qs->broken);
	s->errors = fwd_load(&qs->errors);
}

static void snap_add(struct snap *t, const struct snap *s)
{
	t->rx_pkts += s->rx_pkts;
	t->rx_bytes += s->rx_bytes;
	t->tx_pkts += s->tx_pkts;
	t->tx_bytes += s->tx_bytes;
	t->drops += s->drops;
	t->broken += s->broken;
	t->errors += s->errors;
}

static const char *port_state(const struct fwd_port *p)
{
	if (p->kind == FWD_PORT_DPDK)
		return "up";
	return fwd_vmsg_state(p);
}

static void print_row(const struct fwd_port *p, const char *q, const struct snap *s,
		      const struct snap *before, double dt)
{
	double rx_pps = 0, tx_pps = 0, rx_mbps = 0, tx_mbps = 0;

	if (before != NULL && dt > 0) {
		rx_pps = (double)(s->rx_pkts - before->rx_pkts) / dt;
		tx_pps = (double)(s->tx_pkts - before->tx_pkts) / dt;
		rx_mbps = (double)(s->rx_bytes - before->rx_bytes) * 8 / dt / 1e6;
		tx_mbps = (double)(s->tx_bytes - before->tx_bytes) * 8 / dt / 1e6;
	}
	printf("%4u %3s %-5s %13" PRIu64 " %15" PRIu64 " %10.0f %8.1f %13" PRIu64 " %15" PRIu64
	       " %10.0f %8.1f %10" PRIu64 " %6" PRIu64 " %6" PRIu64 "\n",
	       p->index, q, port_state(p), s->rx_pkts, s->rx_bytes, rx_pps, rx_mbps, s->tx_pkts,
	       s->tx_bytes, tx_pps, tx_mbps, s->drops, s->broken, s->errors);
}

void fwd_print_stats(const struct fwd_cfg *cfg, double elapsed, double dt)
{
	uint32_t i, q;
	char qn[16];

	printf("\n--- %.1f s ---\nport   q state    rx-packets        rx-bytes     rx-pps  rx-Mbps"
	       "    tx-packets        tx-bytes     tx-pps  tx-Mbps      drops broken errors\n",
	       elapsed);
	for (i = 0; i < cfg->nports; i++) {
		const struct fwd_port *p = &cfg->ports[i];
		struct snap tot, s;

		memset(&tot, 0, sizeof(tot));
		for (q = 0; q < p->qp; q++) {
			snap_q(p, q, &s);
			snap_add(&tot, &s);
			if (p->qp > 1) {
				snprintf(qn, sizeof(qn), "%u", q);
				print_row(p, qn, &s, &prev[i][q], dt);
			}
			prev[i][q] = s;
		}
		if (p->kind == FWD_PORT_DPDK)
			tot.drops += fwd_dpdk_hw_drops(p);
		print_row(p, "all", &tot, &prev[i][FWD_MAX_QP], dt);
		prev[i][FWD_MAX_QP] = tot;
	}
	fflush(stdout);
}

void fwd_print_final(const struct fwd_cfg *cfg, double elapsed)
{
	static const char *const modes[] = { "io", "macswap", "txonly", "rxonly" };
	uint32_t i, q;
	char qn[16];

	printf("\nfinal totals after %.1f s (mode %s):\n", elapsed, modes[cfg->mode]);
	printf("port   q     rx-packets         rx-bytes     tx-packets         tx-bytes      "
	       "drops broken errors peer-lost resets\n");
	for (i = 0; i < cfg->nports; i++) {
		const struct fwd_port *p = &cfg->ports[i];
		struct snap tot, s;

		memset(&tot, 0, sizeof(tot));
		for (q = 0; q <= p->qp; q++) {
			if (q < p->qp) {
				snap_q(p, q, &s);
				snap_add(&tot, &s);
				if (p->qp == 1)
					continue;
				snprintf(qn, sizeof(qn), "%u", q);
			} else {
				if (p->kind == FWD_PORT_DPDK)
					tot.drops += fwd_dpdk_hw_drops(p);
				s = tot;
				snprintf(qn, sizeof(qn), "all");
			}
			printf("%4u %3s %14" PRIu64 " %16" PRIu64 " %14" PRIu64 " %16" PRIu64
			       " %10" PRIu64 " %6" PRIu64 " %6" PRIu64 " %9" PRIu64 " %6" PRIu64
			       "\n",
			       p->index, qn, s.rx_pkts, s.rx_bytes, s.tx_pkts, s.tx_bytes, s.drops,
			       s.broken, s.errors, q == p->qp ? p->peer_losses : 0,
			       q == p->qp ? p->resets : 0);
		}
	}
	fflush(stdout);
}
