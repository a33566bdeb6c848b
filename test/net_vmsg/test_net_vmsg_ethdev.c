/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * net_vmsg through the ethdev API only: a device-role port in one process
 * and a driver-role port in another (this program, run again in the child
 * roles). Every packet has a random size and content derived from its
 * sequence number and queue, so the receiver checks every byte and the
 * order on each queue.
 *
 *   test_net_vmsg_ethdev run [--packets N] [--queues Q] [--from driver|device]
 *                            [--restart driver|device] [--stop driver|device]
 *                            [--offload] [--event] [--tso]
 *                            [--zerocopy] [--zc-hold] [--jumbo] [--amp]
 *                            [--ring split|packed] [--in-order 0|1]
 *                            [--device-in-order 0|1]
 *   test_net_vmsg_ethdev badargs
 *   test_net_vmsg_ethdev closewait
 *
 * run: the receiver must get N packets per run, in order, byte-exact. With
 * --restart X, the X process (the receiver) is killed after about N/4
 * packets and started again: the sender's port must show the link going
 * down then up (LSC events, xstats peer_lost), the new receiver then gets N
 * packets in increasing order (the ones in flight at the kill may be lost).
 * --stop X: both ports with peer_timeout=300; the X process (the receiver)
 * is stopped (SIGSTOP: a hung peer, alive to its pidfd) for 1.5 s, then
 * continued: the sender's port must show the link going down and up again
 * as for a restart, and N more packets must go through; the receiver, the
 * same process all along, takes them in increasing order.
 * --tso: both ports with tso=1, from the driver: every fourth packet (3000
 * to 9000 bytes) asks for TCP segmentation and must arrive whole, as an LRO
 * mbuf with its segment size and a partial checksum.
 * --event: both ports with notify=event; the sender's port must have sent
 * events and the receiver's must have received some (xstats).
 * --zerocopy: both ports with zerocopy=1; a driver-role receiver must have
 * received every packet in mbufs of the DMA area (xstats).
 * --jumbo: the device's MTU 9000, and every fourth packet 3000 to 9000
 * bytes; the receiver, with 2 KiB mbufs, takes mbuf chains (scattered Rx;
 * a driver-role one with zerocopy=1: one mbuf per receive buffer) and must
 * have seen some.
 * --zc-hold (zerocopy=1, from the device): the driver-role receiver keeps a
 * burst of mbufs, and the device is killed and started again meanwhile:
 * the old attachment's pool must stay, its file mapped, with the kept
 * mbufs' bytes intact, until they are freed, and go then; the new
 * attachment delivers N packets.
 * --amp: both ports over a bare AMP link (bus=amp): the device lays the
 * link out in FILE (size=), the driver's rings and buffers are in FILE.mem
 * (mem=, made by this program), which both map. With --zc-hold the kept
 * mbufs lie in FILE.mem, which the new device maps again: the driver must
 * not attach again (link down, kept bytes intact) until they are freed.
 * --ring, --in-order: both ports with ring= and in_order= (default: neither
 * key, so split in-order); --device-in-order: in_order= for the device-role
 * port only (what it offers). Every run checks, once the link is up, that
 * each port reports the layout both ends allow negotiated
 * (rte_pmd_net_vmsg_features_get()).
 * badargs: every bad devargs string is refused by rte_vdev_init().
 * Exit 0 on success, 1 on a failure (the line before says which).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <ftw.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_pmd_net_vmsg.h>
#include <rte_vmsg_bus.h>
#include <rte_vmsg_virtq.h>

#include "silent_dev.h"

#define BURST 32
#define MAXQ 8
#define MIN_LEN 60
#define MAX_LEN 1514
/* --tso: packets of 3000 to 9000 bytes, one mbuf each (TSO_ROOM of data room). */
#define TSO_MIN 3000
#define TSO_MAX 9000
#define TSO_SEGSZ 1000
#define TSO_ROOM 10240
#define TIMEOUT_S 120

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static int tso;	  /* --tso (NVMT_TSO=1 in the children) */
static int zc;	  /* --zerocopy, --zc-hold (NVMT_ZC=1 in the children) */
static int jumbo; /* --jumbo (NVMT_JUMBO=1 in the children) */
/* --rx-burst N (NVMT_RX_BURST): the receiver's nb_pkts, 1..BURST; BURST by default. */
static uint16_t rx_burst = BURST;
static int amp; /* --amp (NVMT_AMP=1 in the children) */
/* --ring, --in-order (NVMT_RING, NVMT_IN_ORDER in the children): NULL when not given. */
static const char *ring_arg, *in_order_arg;
static const char *dev_in_order_arg; /* --device-in-order (NVMT_DEV_IN_ORDER) */

/* --amp: the driver's memory file beside the link file, 64 MiB (sparse). */
static int amp_mem(const char *file, char *mem, size_t cap, int create)
{
	FILE *f;

	snprintf(mem, cap, "%s.mem", file);
	if (!create) {
		unlink(mem);
		return 0;
	}
	f = fopen(mem, "w");
	if (f == NULL || ftruncate(fileno(f), 64ll << 20) != 0) {
		fprintf(stderr, "%s: %s\n", mem, strerror(errno));
		if (f != NULL)
			fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

/* --tso, driver-role sender: every packet with seq % 4 == 2 goes with TSO. */
static int is_tso(uint64_t seq)
{
	return tso && seq % 4 == 2;
}

static uint32_t pkt_len(uint64_t seq, uint32_t q)
{
	if (is_tso(seq) || (jumbo && seq % 4 == 3))
		return TSO_MIN + (uint32_t)(mix(seq * MAXQ + q) % (TSO_MAX - TSO_MIN + 1));
	return MIN_LEN + (uint32_t)(mix(seq * MAXQ + q) % (MAX_LEN - MIN_LEN + 1));
}

/* The packet: 12 bytes of addresses, seq (8), queue (4), then a pattern. */
static void fill(uint8_t *b, uint64_t seq, uint32_t q, uint32_t len)
{
	uint64_t r = mix(seq ^ ((uint64_t)q << 56));
	uint32_t i;

	memset(b, 0x02, 12);
	memcpy(b + 12, &seq, 8);
	memcpy(b + 20, &q, 4);
	for (i = 24; i < len; i++) {
		b[i] = (uint8_t)(r >> ((i & 7) * 8)) ^ (uint8_t)i;
	}
}

static int check(const uint8_t *b, uint32_t len, uint32_t q, uint64_t *seq)
{
	static uint8_t want[TSO_MAX];
	uint32_t qq;

	if (len < 24)
		return -1;
	memcpy(seq, b + 12, 8);
	memcpy(&qq, b + 20, 4);
	if (qq != q || len != pkt_len(*seq, q))
		return -1;
	fill(want, *seq, q, len);
	return memcmp(want, b, len) == 0 ? 0 : -1;
}

/*
 * --offload (NVMT_OFFLOAD=1 in the children), driver-role sender: every
 * packet with seq % 4 == 1 asks for a TCP checksum (the receiver must see
 * the partial checksum as RTE_MBUF_F_RX_L4_CKSUM_NONE, the others nothing),
 * every one with seq % 4 == 3 goes as a chain of two mbufs: the second one
 * empty when seq % 8 == 7 (the PMD must not take the bounce buffer's bytes
 * then: rte_pktmbuf_read() leaves it alone for a chain whose first segment
 * holds the whole packet).
 */
static int offload;

static struct rte_mbuf *make_pkt(struct rte_mempool *mp, uint64_t seq, uint32_t q)
{
	static uint8_t tmp[TSO_MAX];
	uint32_t len = pkt_len(seq, q), cut = 100;
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp), *m2;

	if (m == NULL)
		return NULL;
	if (!offload || seq % 4 != 3 || len <= cut) {
		fill(rte_pktmbuf_mtod(m, uint8_t *), seq, q, len);
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		if (offload && seq % 4 == 1) {
			m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
			m->l2_len = 14;
			m->l3_len = 20;
		}
		if (is_tso(seq)) {
			m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_SEG;
			m->l2_len = 14;
			m->l3_len = 20;
			m->l4_len = 20;
			m->tso_segsz = TSO_SEGSZ;
		}
		return m;
	}
	m2 = rte_pktmbuf_alloc(mp);
	if (m2 == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	if (seq % 8 == 7 && len <= rte_pktmbuf_tailroom(m))
		cut = len;
	fill(tmp, seq, q, len);
	memcpy(rte_pktmbuf_mtod(m, uint8_t *), tmp, cut);
	memcpy(rte_pktmbuf_mtod(m2, uint8_t *), tmp + cut, len - cut);
	m->data_len = (uint16_t)cut;
	m2->data_len = (uint16_t)(len - cut);
	m->pkt_len = len;
	m->nb_segs = 2;
	m->next = m2;
	return m;
}

static int lsc_events;

static int on_lsc(uint16_t port, enum rte_eth_event_type ev, void *arg, void *ret)
{
	(void)port;
	(void)ev;
	(void)arg;
	(void)ret;
	__atomic_fetch_add(&lsc_events, 1, __ATOMIC_RELAXED);
	return 0;
}

static int eal(const char *prog, const char *cpu, const char *vdev)
{
	char prefix[64];
	char *argv[16];
	int argc = 0;

	snprintf(prefix, sizeof(prefix), "nvmt%d", (int)getpid());
	argv[argc++] = (char *)(uintptr_t)prog;
	argv[argc++] = (char *)(uintptr_t) "-l";
	argv[argc++] = (char *)(uintptr_t)cpu;
	argv[argc++] = (char *)(uintptr_t) "--no-huge";
	argv[argc++] = (char *)(uintptr_t) "-m";
	argv[argc++] = (char *)(uintptr_t) "256";
	argv[argc++] = (char *)(uintptr_t) "--no-pci";
	argv[argc++] = (char *)(uintptr_t) "--no-shconf";
	argv[argc++] = (char *)(uintptr_t) "--no-telemetry";
	argv[argc++] = (char *)(uintptr_t) "--log-level=lib.eal:error";
	argv[argc++] = (char *)(uintptr_t) "--file-prefix";
	argv[argc++] = prefix;
	if (vdev != NULL) {
		argv[argc++] = (char *)(uintptr_t) "--vdev";
		argv[argc++] = (char *)(uintptr_t)vdev;
	}
	argv[argc] = NULL;
	return rte_eal_init(argc, argv);
}

/* @p big: mbufs of TSO_ROOM (--tso, and a --jumbo sender); else the default size. */
static struct rte_mempool *port_up(uint16_t port, uint16_t nq, int big)
{
	struct rte_eth_conf conf;
	struct rte_mempool *mp;
	uint16_t q;

	mp = rte_pktmbuf_pool_create("mp", 8191, 256, 0,
				     big ? RTE_PKTMBUF_HEADROOM + TSO_ROOM
					 : RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL)
		return NULL;
	memset(&conf, 0, sizeof(conf));
	conf.intr_conf.lsc = 1;
	/* --offload, --tso: the receiver takes the partial checksums as they come. */
	if (offload || tso)
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	if (rte_eth_dev_configure(port, nq, nq, &conf) != 0)
		return NULL;
	for (q = 0; q < nq; q++)
		if (rte_eth_rx_queue_setup(port, q, 256, (unsigned int)rte_socket_id(), NULL, mp) !=
			    0 ||
		    rte_eth_tx_queue_setup(port, q, 256, (unsigned int)rte_socket_id(), NULL) != 0)
			return NULL;
	rte_eth_dev_callback_register(port, RTE_ETH_EVENT_INTR_LSC, on_lsc, NULL);
	if (rte_eth_dev_start(port) != 0)
		return NULL;
	return mp;
}

static int link_up(uint16_t port)
{
	struct rte_eth_link l;

	return rte_eth_link_get_nowait(port, &l) == 0 && l.link_status == RTE_ETH_LINK_UP;
}

/*
 * --reconf: with the link up and the port's control thread polling, the
 * port stopped, its queues set up again (the old ones released) and started,
 * 50 times, as an application reconfigures a port; then the traffic.
 */
static int reconf(uint16_t port, uint16_t nq, struct rte_mempool *mp, const char *role)
{
	unsigned int i;
	uint16_t q;

	for (i = 0; i < 50; i++) {
		if (rte_eth_dev_stop(port) != 0)
			goto fail;
		for (q = 0; q < nq; q++)
			if (rte_eth_rx_queue_setup(port, q, 256, (unsigned int)rte_socket_id(),
						   NULL, mp) != 0 ||
			    rte_eth_tx_queue_setup(port, q, 256, (unsigned int)rte_socket_id(),
						   NULL) != 0)
				goto fail;
		if (rte_eth_dev_start(port) != 0)
			goto fail;
		usleep(2000);
	}
	return 0;
fail:
	fprintf(stderr, "%s: reconfiguring the port failed (round %u)\n", role, i);
	return 1;
}

static uint64_t xstat(uint16_t port, const char *name)
{
	uint64_t id, v = 0;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) == 0)
		rte_eth_xstats_get_by_id(port, &id, &v, 1);
	return v;
}

/*
 * --reset-check, after the traffic: rte_eth_stats_reset() zeroes the basic
 * counters, the library's part of ierrors/oerrors included, and
 * rte_eth_xstats_reset() every xstat (the port's own and ethdev's); both
 * counted something before (@p what, an xstat that must have moved).
 */
static int reset_check(uint16_t port, const char *role, const char *what)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *xs = NULL;
	struct rte_eth_stats st;
	int n, i, bad = 0;

	if (xstat(port, what) == 0) {
		fprintf(stderr, "%s: %s is 0 before the reset\n", role, what);
		return 1;
	}
	rte_eth_stats_reset(port);
	if (rte_eth_stats_get(port, &st) != 0 || st.ipackets != 0 || st.opackets != 0 ||
	    st.ibytes != 0 || st.obytes != 0 || st.ierrors != 0 || st.oerrors != 0) {
		fprintf(stderr,
			"%s: basic counters after rte_eth_stats_reset: %" PRIu64
			" packets in, %" PRIu64 " out, %" PRIu64 " errors in, %" PRIu64 " out\n",
			role, st.ipackets, st.opackets, st.ierrors, st.oerrors);
		return 1;
	}
	if (xstat(port, what) == 0) {
		fprintf(stderr, "%s: rte_eth_stats_reset zeroed the xstat %s\n", role, what);
		return 1;
	}
	rte_eth_xstats_reset(port);
	n = rte_eth_xstats_get(port, NULL, 0);
	if (n > 0) {
		names = calloc((size_t)n, sizeof(*names));
		xs = calloc((size_t)n, sizeof(*xs));
	}
	if (names == NULL || xs == NULL || rte_eth_xstats_get_names(port, names, n) != n ||
	    rte_eth_xstats_get(port, xs, n) != n) {
		fprintf(stderr, "%s: no xstats\n", role);
		bad = 1;
	}
	for (i = 0; !bad && i < n; i++)
		if (xs[i].value != 0) {
			fprintf(stderr, "%s: xstat %s is %" PRIu64 " after rte_eth_xstats_reset\n",
				role, names[xs[i].id].name, xs[i].value);
			bad = 1;
		}
	free(names);
	free(xs);
	return bad;
}

/*
 * The sender: N packets per queue (forever with @p endless, until killed or
 * until the link went down and up again and N more went through).
 */
static int sender(uint16_t port, struct rte_mempool *mp, uint16_t nq, uint64_t n, int endless)
{
	uint64_t seq[MAXQ] = { 0 }, after[MAXQ] = { 0 },
		 deadline = now_ns() + TIMEOUT_S * 1000000000ull;
	struct rte_mbuf *m[BURST];
	uint64_t polls = 0, downs = endless ? xstat(port, "link_downs") : 0;
	int saw_down = 0, back = 0;
	uint16_t q, i, k, sent;

	for (;;) {
		int done = 1;

		if (now_ns() > deadline) {
			fprintf(stderr, "sender: timed out (seq[0] %" PRIu64 ")\n", seq[0]);
			return 1;
		}
		if (endless) {
			/*
			 * A down seen by the link's level, or by the count of downs
			 * when it came and went between two looks at the level (a
			 * peer restarted within microseconds, seen under ASan).
			 */
			uint64_t d = (polls++ & 63) == 0 ? xstat(port, "link_downs") : downs;

			if (!link_up(port) || d != downs) {
				downs = d;
				if (!saw_down || back)
					printf("sender: link down after %" PRIu64 " packets\n",
					       seq[0]);
				saw_down = 1;
				back = 0;
			} else if (saw_down && !back) {
				back = 1;
				memcpy(after, seq, sizeof(after));
				printf("sender: link up again after %" PRIu64 " packets\n", seq[0]);
			}
		}
		for (q = 0; q < nq; q++)
			if (endless ? !back || seq[q] - after[q] < n : seq[q] < n)
				done = 0;
		if (done)
			break;
		for (q = 0; q < nq; q++) {
			if (!endless && seq[q] >= n)
				continue;
			k = BURST;
			if (!endless && n - seq[q] < k)
				k = (uint16_t)(n - seq[q]);
			for (i = 0; i < k; i++) {
				m[i] = make_pkt(mp, seq[q] + i, q);
				if (m[i] == NULL)
					break;
			}
			k = i;
			if (k == 0)
				continue;
			sent = rte_eth_tx_burst(port, q, m, k);
			if (sent < k)
				rte_pktmbuf_free_bulk(&m[sent], k - sent);
			seq[q] += sent;
		}
	}
	if (endless) {
		if (xstat(port, "peer_lost") == 0 || xstat(port, "link_downs") == 0 ||
		    __atomic_load_n(&lsc_events, __ATOMIC_RELAXED) < 2) {
			fprintf(stderr,
				"sender: peer_lost %" PRIu64 " link_downs %" PRIu64
				" lsc events %d: the restart was not seen\n",
				xstat(port, "peer_lost"), xstat(port, "link_downs"), lsc_events);
			return 1;
		}
		/*
		 * One loss, one down, one more up: a device-role port whose
		 * driver is gone stays down until the new driver's DRIVER_OK
		 * (its device reset itself at the loss), never up on the old
		 * driver's state in between.
		 */
		if (xstat(port, "link_downs") != 1 || xstat(port, "link_ups") != 2) {
			fprintf(stderr,
				"sender: link_downs %" PRIu64 ", link_ups %" PRIu64
				": the link flapped\n",
				xstat(port, "link_downs"), xstat(port, "link_ups"));
			return 1;
		}
		printf("sender: link went down and up (%d LSC events, peer_lost %" PRIu64
		       ", link_downs %" PRIu64 ", link_ups %" PRIu64 ")\n",
		       lsc_events, xstat(port, "peer_lost"), xstat(port, "link_downs"),
		       xstat(port, "link_ups"));
	}
	return 0;
}

/* SIGTERM to a lingering receiver: the sender is done. */
static volatile sig_atomic_t rx_stop;

static void on_term(int sig)
{
	(void)sig;
	rx_stop = 1;
}

/*
 * The receiver: N packets per queue, byte-exact, in order (strictly +1
 * unless @p gaps). With @p gaps (the receiver started again after a kill)
 * it then keeps draining until SIGTERM: the sender counts its N from the
 * moment it sees the link up again, a little after this side's first
 * packets, so the sender may still be sending when this side has its N.
 */
static int receiver(uint16_t port, uint16_t nq, uint64_t n, int gaps)
{
	static uint8_t lin[TSO_MAX];
	uint64_t got[MAXQ] = { 0 }, next[MAXQ] = { 0 }, total = 0, chains = 0,
		 deadline = now_ns() + TIMEOUT_S * 1000000000ull, seq;
	struct rte_mbuf *m[BURST];
	uint16_t q, i, k;
	int first[MAXQ];

	for (q = 0; q < MAXQ; q++)
		first[q] = 1;
	while (total < n * nq) {
		if (now_ns() > deadline) {
			fprintf(stderr, "receiver: timed out after %" PRIu64 " packets\n", total);
			return 1;
		}
		for (q = 0; q < nq; q++) {
			k = rte_eth_rx_burst(port, q, m, rx_burst);
			for (i = 0; i < k; i++) {
				const uint8_t *d = rte_pktmbuf_mtod(m[i], uint8_t *);

				/* --jumbo: a chain, made contiguous (chains counted). */
				if (jumbo && m[i]->nb_segs != 1) {
					chains++;
					d = m[i]->pkt_len <= sizeof(lin)
						    ? rte_pktmbuf_read(m[i], 0, m[i]->pkt_len, lin)
						    : NULL;
				}
				if ((m[i]->nb_segs != 1 && !jumbo) || d == NULL ||
				    check(d, m[i]->pkt_len, q, &seq) != 0) {
					fprintf(stderr,
						"receiver: queue %u packet %" PRIu64
						": bad bytes or length %u\n",
						q, got[q], m[i]->pkt_len);
					return 1;
				}
				if ((gaps && !first[q] && seq < next[q]) ||
				    (!gaps && seq != next[q])) {
					fprintf(stderr,
						"receiver: queue %u: seq %" PRIu64
						", expected %" PRIu64 "\n",
						q, seq, next[q]);
					return 1;
				}
				if (is_tso(seq) != ((m[i]->ol_flags & RTE_MBUF_F_RX_LRO) != 0) ||
				    (is_tso(seq) && m[i]->tso_segsz != TSO_SEGSZ)) {
					fprintf(stderr,
						"receiver: seq %" PRIu64 ": ol_flags 0x%" PRIx64
						", tso_segsz %u: the TSO request did not come "
						"through as it was sent\n",
						seq, m[i]->ol_flags, m[i]->tso_segsz);
					return 1;
				}
				if ((offload || tso) &&
				    (m[i]->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
					    ((offload && seq % 4 == 1) || is_tso(seq)
						     ? RTE_MBUF_F_RX_L4_CKSUM_NONE
						     : 0)) {
					fprintf(stderr,
						"receiver: seq %" PRIu64 ": ol_flags 0x%" PRIx64
						", the checksum request did not come through\n",
						seq, m[i]->ol_flags);
					return 1;
				}
				first[q] = 0;
				next[q] = seq + 1;
				if (got[q] < n)
					total++;
				got[q]++;
			}
			if (k != 0)
				rte_pktmbuf_free_bulk(m, k);
		}
	}
	printf("receiver: %" PRIu64 " packets on %u queue(s), every byte and the order checked\n",
	       total, nq);
	if (jumbo && chains == 0) {
		fprintf(stderr, "receiver: --jumbo, but no packet came as a chain\n");
		return 1;
	}
	if (zc && !gaps && xstat(port, "rx_zero_copy_packets") < total) {
		fprintf(stderr, "receiver: %" PRIu64 " of %" PRIu64 " packets without a copy\n",
			xstat(port, "rx_zero_copy_packets"), total);
		return 1;
	}
	while (gaps && !rx_stop) {
		if (now_ns() > deadline) {
			fprintf(stderr, "receiver: no SIGTERM after the sender's end\n");
			return 1;
		}
		for (q = 0; q < nq; q++) {
			k = rte_eth_rx_burst(port, q, m, BURST);
			if (k != 0)
				rte_pktmbuf_free_bulk(m, k);
		}
	}
	return 0;
}

/* Polls the link of @p port until it is @p up; 0, or 1 after @p s seconds. */
static int link_wait(uint16_t port, int up, unsigned int s, struct rte_mbuf **m)
{
	uint64_t d = now_ns() + s * 1000000000ull;
	uint16_t k;

	while (link_up(port) != up) {
		if (now_ns() > d)
			return 1;
		k = rte_eth_rx_burst(port, 0, m, BURST);
		if (k != 0)
			rte_pktmbuf_free_bulk(m, k);
		usleep(1000);
	}
	return 0;
}

/*
 * --zc-hold, the driver-role receiver (zerocopy=1): keeps a burst of the
 * first attachment's mbufs (and a copy of their bytes) past the device's
 * restart, which the parent does once @p held exists.
 */
static int receiver_hold(uint16_t port, uint64_t n, const char *held)
{
	static uint8_t copy[BURST][2048];
	struct rte_mbuf *keep[BURST], *m[BURST];
	uint64_t got = 0, seq, d;
	uint16_t k = 0, i;
	FILE *f;

	d = now_ns() + 60000000000ull;
	while (got < 2000 || k == 0) {
		if (now_ns() > d) {
			fprintf(stderr, "receiver: no traffic to hold\n");
			return 1;
		}
		k = rte_eth_rx_burst(port, 0, m, BURST);
		got += k;
		if (got < 2000 && k != 0) {
			rte_pktmbuf_free_bulk(m, k);
			k = 0;
		}
	}
	for (i = 0; i < k; i++) {
		keep[i] = m[i];
		if (m[i]->pkt_len > sizeof(copy[0]) || m[i]->nb_segs != 1 ||
		    check(rte_pktmbuf_mtod(m[i], uint8_t *), m[i]->pkt_len, 0, &seq) != 0) {
			fprintf(stderr, "receiver: a kept packet is bad\n");
			return 1;
		}
		memcpy(copy[i], rte_pktmbuf_mtod(m[i], uint8_t *), m[i]->pkt_len);
	}
	if (rte_mempool_lookup("nvmzc0_0") == NULL ||
	    keep[0]->pool != rte_mempool_lookup("nvmzc0_0")) {
		fprintf(stderr, "receiver: the kept mbufs are not of the zero-copy pool\n");
		return 1;
	}
	f = fopen(held, "w");
	if (f != NULL)
		fclose(f);
	printf("receiver: keeping %u mbufs of pool nvmzc0_0 across the device's restart\n", k);
	if (link_wait(port, 0, 30, m) != 0) {
		fprintf(stderr, "receiver: the link did not go down\n");
		return 1;
	}
	if (amp) {
		/* The new device is up within 0.3 s, over FILE.mem again: no attaching yet. */
		if (link_wait(port, 1, 2, m) == 0) {
			fprintf(stderr, "receiver: the link came up while mbufs in its memory were "
					"out\n");
			return 1;
		}
	} else if (link_wait(port, 1, 30, m) != 0) {
		fprintf(stderr, "receiver: the link did not come up again\n");
		return 1;
	}
	/* The old pool is there, its file mapped: the kept bytes read back as they were. */
	if (rte_mempool_lookup("nvmzc0_0") == NULL) {
		fprintf(stderr, "receiver: the pool of the kept mbufs went away\n");
		return 1;
	}
	for (i = 0; i < k; i++)
		if (memcmp(copy[i], rte_pktmbuf_mtod(keep[i], uint8_t *), keep[i]->pkt_len) != 0) {
			fprintf(stderr, "receiver: kept mbuf %u changed\n", i);
			return 1;
		}
	rte_pktmbuf_free_bulk(keep, k);
	if (amp && link_wait(port, 1, 30, m) != 0) {
		fprintf(stderr, "receiver: the link did not come up once the mbufs were freed\n");
		return 1;
	}
	/* All back: the control thread frees the pool and unmaps the old file. */
	d = now_ns() + 5000000000ull;
	while (rte_mempool_lookup("nvmzc0_0") != NULL) {
		if (now_ns() > d) {
			fprintf(stderr,
				"receiver: the old pool stayed after its mbufs came back\n");
			return 1;
		}
		usleep(1000);
	}
	printf("receiver: kept mbufs intact after the restart; their pool went once they were "
	       "freed\n");
	rx_stop = 1; /* N packets from the new device (gaps at the start), no draining after */
	return receiver(port, 1, n, 1);
}

/*
 * MTU and MAC changed after probe, on a started port with its link up:
 * what the port allows is taken and read back, an MTU above the device's
 * refused; both are set back, and the traffic that follows shows the port
 * still works.
 */
static int mtu_mac_check(uint16_t port, const char *role)
{
	struct rte_ether_addr mac0, mac1, got;
	struct rte_eth_dev_info info;
	uint16_t mtu0 = 0, mtu = 0;

	if (rte_eth_dev_info_get(port, &info) != 0 || rte_eth_dev_get_mtu(port, &mtu0) != 0 ||
	    rte_eth_macaddr_get(port, &mac0) != 0) {
		fprintf(stderr, "%s: no device info, MTU or MAC\n", role);
		return 1;
	}
	if (rte_eth_dev_set_mtu(port, 1400) != 0 || rte_eth_dev_get_mtu(port, &mtu) != 0 ||
	    mtu != 1400) {
		fprintf(stderr, "%s: MTU 1400 not taken (read back %u)\n", role, mtu);
		return 1;
	}
	if (info.max_mtu < UINT16_MAX && rte_eth_dev_set_mtu(port, info.max_mtu + 1) == 0) {
		fprintf(stderr, "%s: MTU %u above the device's %u taken\n", role, info.max_mtu + 1,
			info.max_mtu);
		return 1;
	}
	mac1 = mac0;
	mac1.addr_bytes[0] = 0x02; /* locally administered, unicast */
	mac1.addr_bytes[5] ^= 0x5a;
	if (rte_eth_dev_default_mac_addr_set(port, &mac1) != 0 ||
	    rte_eth_macaddr_get(port, &got) != 0 || !rte_is_same_ether_addr(&got, &mac1)) {
		fprintf(stderr, "%s: MAC change not taken\n", role);
		return 1;
	}
	if (rte_eth_dev_set_mtu(port, mtu0) != 0 ||
	    rte_eth_dev_default_mac_addr_set(port, &mac0) != 0) {
		fprintf(stderr, "%s: MTU or MAC not set back\n", role);
		return 1;
	}
	return 0;
}

/*
 * notify=event on both ports: each side's events went through. The sender
 * tells the receiver's idle queue that there is work (driver: EVENT_AVAIL,
 * which its bursts leave to the control thread; device: EVENT_USED), and
 * the receiver counts what came in.
 */
static int event_check(uint16_t port, const char *role, const char *what)
{
	uint64_t sent = xstat(port, "events_sent"), got = xstat(port, "events_received");
	int send = strcmp(what, "send") == 0;

	printf("%s (%s): events sent %llu, received %llu\n", role, what, (unsigned long long)sent,
	       (unsigned long long)got);
	if (send ? sent == 0 : got == 0) {
		fprintf(stderr, "%s: notify=event, but no event %s\n", role,
			send ? "sent" : "received");
		return 1;
	}
	return 0;
}

/*
 * The ring layout the port reports negotiated: packed only with --ring
 * packed, in-order unless --in-order 0 (the driver's default is split
 * in-order, and the device offers all four).
 */
static int ring_check(uint16_t port, const char *role)
{
	int want_packed = ring_arg != NULL && strcmp(ring_arg, "packed") == 0;
	int want_io = (in_order_arg == NULL || strcmp(in_order_arg, "1") == 0) &&
		      (dev_in_order_arg == NULL || strcmp(dev_in_order_arg, "1") == 0);
	uint64_t f = 0;
	int rc = rte_pmd_net_vmsg_features_get(port, &f);

	if (rc != 0) {
		fprintf(stderr, "%s: no negotiated features with the link up: %s\n", role,
			strerror(-rc));
		return 1;
	}
	if ((int)((f >> RTE_VMSG_VIRTIO_F_RING_PACKED) & 1) != want_packed ||
	    (int)((f >> RTE_VMSG_VIRTIO_F_IN_ORDER) & 1) != want_io) {
		fprintf(stderr, "%s: negotiated features 0x%" PRIx64 ": %s%s, but %s%s was asked\n",
			role, f, (f >> RTE_VMSG_VIRTIO_F_RING_PACKED) & 1 ? "packed" : "split",
			(f >> RTE_VMSG_VIRTIO_F_IN_ORDER) & 1 ? " in-order" : "",
			want_packed ? "packed" : "split", want_io ? " in-order" : "");
		return 1;
	}
	return 0;
}

/* A child: --role R --send|--recv FILE Q N CPU [endless|gaps] */
static int child(int argc, char **argv, const char *prog)
{
	const char *role = argv[2], *what = argv[3], *file = argv[4];
	uint16_t nq = (uint16_t)atoi(argv[5]), port = 0;
	uint64_t n = strtoull(argv[6], NULL, 0);
	const char *cpu = argv[7];
	int flag = argc > 8 && strcmp(argv[8], "hold") != 0;
	int forever = argc > 8 && strcmp(argv[8], "forever") == 0;
	int gaps = argc > 8 && strcmp(argv[8], "gaps") == 0;
	int event = getenv("NVMT_NOTIFY") != NULL && strcmp(getenv("NVMT_NOTIFY"), "event") == 0;
	int dev = strcmp(role, "device") == 0;
	struct rte_mempool *mp;
	const char *io = dev && dev_in_order_arg != NULL ? dev_in_order_arg : in_order_arg;
	char vdev[800], ampk[400] = "", ringk[64] = "", ptk[32] = "";
	int rc;

	if (gaps)
		signal(SIGTERM, on_term);
	/* --amp: zerocopy=1 is the driver's (the device does not size mem=). */
	if (amp)
		snprintf(ampk, sizeof(ampk), ",bus=amp,mem=%s.mem%s", file,
			 dev ? ",size=65536" : "");
	snprintf(ringk, sizeof(ringk), "%s%s%s%s", ring_arg ? ",ring=" : "",
		 ring_arg ? ring_arg : "", io ? ",in_order=" : "", io ? io : "");
	if (getenv("NVMT_PEER_TIMEOUT") != NULL)
		snprintf(ptk, sizeof(ptk), ",peer_timeout=%s", getenv("NVMT_PEER_TIMEOUT"));
	snprintf(vdev, sizeof(vdev), "net_vmsg0,file=%s,role=%s,queues=%u%s%s%s%s%s%s%s%s", file,
		 role, nq, amp ? "" : ",huge=0", event ? ",notify=event" : "", tso ? ",tso=1" : "",
		 zc && !(amp && dev) ? ",zerocopy=1" : "", jumbo && dev ? ",mtu=9000" : "", ampk,
		 ringk, ptk);
	if (eal(prog, cpu, vdev) < 0) {
		fprintf(stderr, "%s: EAL init failed\n", role);
		return 1;
	}
	/* A --jumbo receiver keeps 2 KiB mbufs: its jumbo frames come as chains. */
	mp = port_up(port, nq, tso || (jumbo && strcmp(what, "send") == 0));
	if (mp == NULL) {
		fprintf(stderr, "%s: port set-up failed\n", role);
		return 1;
	}
	{
		uint64_t d = now_ns() + 30000000000ull;

		while (!link_up(port)) {
			if (now_ns() > d) {
				fprintf(stderr, "%s: no link in 30 s\n", role);
				return 1;
			}
			usleep(1000);
		}
	}
	if (mtu_mac_check(port, role) != 0 || ring_check(port, role) != 0)
		return 1;
	if (getenv("NVMT_RECONF") != NULL && reconf(port, nq, mp, role) != 0)
		return 1;
	if (strcmp(what, "send") == 0) {
		rc = sender(port, mp, nq, n, flag);
	} else if (argc > 8 && strcmp(argv[8], "hold") == 0) {
		char held[300];

		snprintf(held, sizeof(held), "%s.held", file);
		rc = receiver_hold(port, n, held);
	} else {
		rc = receiver(port, nq, forever ? UINT64_MAX / MAXQ : n, flag);
	}
	if (strcmp(what, "send") == 0 && rc == 0)
		usleep(300000); /* let the receiver take the last packets before the link goes */
	if (event && rc == 0)
		rc = event_check(port, role, what);
	if (getenv("NVMT_RESET_CHECK") != NULL && rc == 0)
		rc = reset_check(port, role,
				 !dev && strcmp(what, "recv") == 0 ? "rx_zero_copy_packets"
								   : "link_ups");
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	rte_eal_cleanup();
	return rc;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* EAL's runtime directory of a process of this test (its prefix is nvmt<pid>). */
static void rm_runtime_dir(pid_t pid)
{
	char dir[64];

	snprintf(dir, sizeof(dir), "/var/run/dpdk/nvmt%d", (int)pid);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static pid_t spawn(const char *self, const char *role, const char *what, const char *file,
		   const char *nq, const char *n, const char *cpu, const char *flag)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl(self, self, "child", role, what, file, nq, n, cpu, flag, (char *)NULL);
		_exit(127);
	}
	return pid;
}

static int reap(pid_t pid, const char *what)
{
	uint64_t d = now_ns() + (TIMEOUT_S + 30) * 1000000000ull;
	int st;

	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now_ns() > d) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			fprintf(stderr, "%s: hung, killed\n", what);
			return 1;
		}
		usleep(10000);
	}
	rm_runtime_dir(pid);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "%s: failed (status 0x%x)\n", what, st);
		return 1;
	}
	return 0;
}

/*
 * --zc-hold: a device sender, a driver receiver that keeps mbufs
 * (receiver_hold()); once it keeps them, the device is killed and a new
 * one started, endless; the receiver must end well, then the sender is
 * stopped.
 */
static int run_hold(const char *self, const char *n)
{
	char file[128], held[160], mem[160];
	uint64_t d;
	pid_t ps, pr;
	int rc = 0;

	snprintf(file, sizeof(file), "/dev/shm/nvmt-%d", (int)getpid());
	snprintf(held, sizeof(held), "%s.held", file);
	unlink(file);
	unlink(held);
	if (amp_mem(file, mem, sizeof(mem), amp) != 0)
		return 1;
	ps = spawn(self, "device", "send", file, "1", n, "0", "endless");
	usleep(200000);
	pr = spawn(self, "driver", "recv", file, "1", n, "1", "hold");
	d = now_ns() + 60000000000ull;
	while (access(held, F_OK) != 0 && now_ns() < d && waitpid(pr, NULL, WNOHANG) == 0)
		usleep(10000);
	if (access(held, F_OK) != 0) {
		fprintf(stderr, "the receiver never kept its mbufs\n");
		rc = 1;
	}
	kill(ps, SIGKILL);
	waitpid(ps, NULL, 0);
	rm_runtime_dir(ps);
	if (!amp)
		unlink(file); /* the dead device's file: its successor makes a new one */
	printf("killed the device while the driver keeps mbufs of its file; starting it again\n");
	usleep(300000);
	ps = spawn(self, "device", "send", file, "1", n, "0", "endless");
	rc |= reap(pr, "receiver");
	kill(ps, SIGKILL); /* endless: it sends until stopped */
	waitpid(ps, NULL, 0);
	rm_runtime_dir(ps);
	unlink(file);
	unlink(held);
	amp_mem(file, mem, sizeof(mem), 0);
	if (rc == 0)
		printf("ok\n");
	return rc;
}

static int run(const char *self, int argc, char **argv)
{
	const char *from = "device", *restart = NULL, *stop = NULL, *recv_role;
	char file[128], mem[160], nq[16] = "1", n[32] = "1000000";
	const char *rflag;
	pid_t ps, pr;
	int i, rc = 0;

	for (i = 2; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--packets") == 0)
			snprintf(n, sizeof(n), "%s", argv[i + 1]);
		else if (strcmp(argv[i], "--queues") == 0)
			snprintf(nq, sizeof(nq), "%s", argv[i + 1]);
		else if (strcmp(argv[i], "--from") == 0)
			from = argv[i + 1];
		else if (strcmp(argv[i], "--restart") == 0)
			restart = argv[i + 1];
		else if (strcmp(argv[i], "--stop") == 0)
			stop = argv[i + 1];
		else if (strcmp(argv[i], "--ring") == 0)
			setenv("NVMT_RING", argv[i + 1], 1);
		else if (strcmp(argv[i], "--rx-burst") == 0)
			setenv("NVMT_RX_BURST", argv[i + 1], 1);
		else if (strcmp(argv[i], "--in-order") == 0)
			setenv("NVMT_IN_ORDER", argv[i + 1], 1);
		else if (strcmp(argv[i], "--device-in-order") == 0)
			setenv("NVMT_DEV_IN_ORDER", argv[i + 1], 1);
	}
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--offload") == 0)
			setenv("NVMT_OFFLOAD", "1", 1);
		else if (strcmp(argv[i], "--event") == 0)
			setenv("NVMT_NOTIFY", "event", 1);
		else if (strcmp(argv[i], "--tso") == 0)
			setenv("NVMT_TSO", "1", 1);
		else if (strcmp(argv[i], "--zerocopy") == 0 || strcmp(argv[i], "--zc-hold") == 0)
			setenv("NVMT_ZC", "1", 1);
		else if (strcmp(argv[i], "--jumbo") == 0)
			setenv("NVMT_JUMBO", "1", 1);
		else if (strcmp(argv[i], "--reconf") == 0)
			setenv("NVMT_RECONF", "1", 1);
		else if (strcmp(argv[i], "--reset-check") == 0)
			setenv("NVMT_RESET_CHECK", "1", 1);
		else if (strcmp(argv[i], "--amp") == 0) {
			setenv("NVMT_AMP", "1", 1);
			amp = 1;
		}
	for (i = 2; i < argc; i++)
		if (strcmp(argv[i], "--zc-hold") == 0)
			return run_hold(self, n);
	if (getenv("VMSG_STRESS_SCALE") != NULL &&
	    strcmp(getenv("VMSG_STRESS_SCALE"), "small") == 0 && strtoull(n, NULL, 0) > 100000)
		snprintf(n, sizeof(n), "100000");
	recv_role = strcmp(from, "device") == 0 ? "driver" : "device";
	snprintf(file, sizeof(file), "/dev/shm/nvmt-%d", (int)getpid());
	unlink(file);
	if ((restart != NULL && strcmp(restart, recv_role) != 0) ||
	    (stop != NULL && strcmp(stop, recv_role) != 0)) {
		fprintf(stderr, "--restart and --stop name the receiving role (%s)\n", recv_role);
		return 2;
	}
	if (stop != NULL)
		setenv("NVMT_PEER_TIMEOUT", "300", 1);
	if (amp_mem(file, mem, sizeof(mem), amp) != 0)
		return 1;
	/* The device first (it creates the file); the driver attaches when it is there. */
	rflag = restart ? "forever" : stop ? "gaps" : NULL;
	if (strcmp(from, "device") == 0) {
		ps = spawn(self, "device", "send", file, nq, n, "0",
			   restart || stop ? "endless" : NULL);
		usleep(200000);
		pr = spawn(self, "driver", "recv", file, nq, n, "1", rflag);
	} else {
		pr = spawn(self, "device", "recv", file, nq, n, "1", rflag);
		usleep(200000);
		ps = spawn(self, "driver", "send", file, nq, n, "0",
			   restart || stop ? "endless" : NULL);
	}
	if (stop != NULL) {
		/* Mid-traffic: the receiver hangs (its pid alive), then goes on. */
		usleep(1500000);
		kill(pr, SIGSTOP);
		printf("stopped the %s process mid-traffic for 1.5 s\n", recv_role);
		usleep(1500000);
		kill(pr, SIGCONT);
		/* The receiver drains until the sender has sent N more. */
		rc |= reap(ps, "sender");
		kill(pr, SIGTERM);
		rc |= reap(pr, "receiver");
	} else if (restart != NULL) {
		/* Mid-traffic: the receiver is killed, and started again. */
		usleep(1500000);
		if (waitpid(pr, NULL, WNOHANG) != 0) {
			fprintf(stderr, "the first receiver ended before it was killed\n");
			rc = 1;
		}
		kill(pr, SIGKILL);
		waitpid(pr, NULL, 0);
		rm_runtime_dir(pr);
		printf("killed the %s process mid-traffic; starting it again\n", recv_role);
		/* The dead device's file: its successor makes a new one (--amp: lays it out again). */
		if (strcmp(recv_role, "device") == 0 && !amp)
			unlink(file);
		usleep(500000);
		pr = spawn(self, recv_role, "recv", file, nq, n, "1", "gaps");
		/* The new receiver drains until the sender is done. */
		rc |= reap(ps, "sender");
		kill(pr, SIGTERM);
		rc |= reap(pr, "receiver");
	} else {
		rc |= reap(pr, "receiver");
		rc |= reap(ps, "sender");
	}
	unlink(file);
	amp_mem(file, mem, sizeof(mem), 0);
	if (rc == 0)
		printf("ok\n");
	return rc;
}

static int badargs(const char *prog)
{
	static const char *const bad[] = {
		"",
		"role=driver",
		"file=/dev/shm/x",
		"file=/dev/shm/x,role=both",
		"file=/dev/shm/x,role=driver,queues=0",
		"file=/dev/shm/x,role=driver,queues=65",
		"file=/dev/shm/x,role=driver,qsize=100",
		"file=/dev/shm/x,role=driver,notify=sometimes",
		"file=/dev/shm/x,role=driver,mac=01:00:00:00:00:01",
		"file=/dev/shm/x,role=driver,mac=zz",
		"file=/dev/shm/x,role=driver,dev=70000",
		"file=/dev/shm/x,role=driver,bogus=1",
		"file=/dev/shm/x,role=driver,offset=64",
		"file=/dev/shm/x,role=driver,bus=amp",
		"file=/dev/shm/x,role=driver,bus=pcie",
		"file=/dev/shm/x,role=device,bus=amp,layout=v0,elems=8",
		"file=/dev/shm/x,role=driver,mtu=9000",
		"file=/dev/shm/x,role=driver,huge=2",
		"file=/dev/shm/x,role=device,bus=amp,size=65536,huge=0",
		"bus=pcie,card=00:03.0,role=driver,huge=1",
		"file=/dev/shm/x,role=driver,dev=0x",
		"file=/dev/shm/x,role=driver,dev=-1",
		"file=/dev/shm/x,role=driver,queues=0x41",
		"file=/dev/shm/x,role=driver,noequals",
		"file=/dev/shm/x,role=driver,tso=2",
		"file=/dev/shm/x,role=driver,zerocopy=yes",
		"file=/dev/shm/x,role=device,bus=amp,size=65536,zerocopy=1",
		"file=/dev/shm/x,role=driver,ring=ring",
		"file=/dev/shm/x,role=device,in_order=yes",
		"file=/dev/shm/x,role=driver,peer_timeout=5",
		"file=/dev/shm/x,role=driver,peer_timeout=3600001",
		"file=/dev/shm/x,role=driver,peer_timeout=soon",
		/* bus=pcie: a card's address, driver role, the card keys for it alone. */
		"role=driver,bus=pcie",
		"role=driver,bus=pcie,card=00:03",
		"role=driver,bus=pcie,card=0000:00:03.0.1",
		"role=driver,bus=pcie,card=00:20.0", /* device 32 */
		"role=device,bus=pcie,card=00:03.0",
		"role=driver,bus=pcie,card=00:03.0,offset=64",
		"role=driver,bus=pcie,card=00:03.0,profile=edu",
		"role=driver,bus=pcie,card=00:03.0,placement=card",
		"role=driver,bus=pcie,card=00:03.0,iova=phys",
		"role=driver,card=00:03.0",
		"file=/dev/shm/x,role=driver,iova=pa",
		"file=/dev/shm/x,role=driver,layout=v1",
		"file=/dev/shm/x,role=device,bus=amp,size=65536,layout=default",
	};
	char name[32];
	unsigned int i;
	int fails = 0;

	if (eal(prog, "0", NULL) < 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(name, sizeof(name), "net_vmsg%u", i);
		if (rte_vdev_init(name, bad[i]) == 0) {
			fprintf(stderr, "accepted: '%s'\n", bad[i]);
			rte_vdev_uninit(name);
			fails++;
		}
	}
#ifdef NVM_HAVE_PCIE
	{
		/*
		 * Good keys whose DMA area is more than a card takes (1 GiB):
		 * refused before the card is opened, with the sizes said.
		 */
		char log[8192] = "";
		FILE *f = fmemopen(log, sizeof(log) - 1, "w");

		if (f != NULL) {
			rte_openlog_stream(f);
			if (rte_vdev_init("net_vmsg_big", "bus=pcie,card=00:03.0,role=driver,"
							  "queues=4,qsize=4096,tso=1") == 0) {
				fprintf(stderr, "accepted: a card's DMA area of more than 1 GiB\n");
				rte_vdev_uninit("net_vmsg_big");
				fails++;
			}
			rte_openlog_stream(NULL);
			fclose(f);
			if (strstr(log, "more than a card's 1024 MiB") == NULL) {
				fprintf(stderr, "no reason given for the DMA area's size: %s\n",
					log);
				fails++;
			}
		}
	}
#endif
	if (rte_eth_dev_count_avail() != 0) {
		fprintf(stderr, "a port was left behind\n");
		fails++;
	}
	{
		/* The PMD's log type, by the name --log-level=pmd.net.vmsg:LEVEL takes. */
		char dump[16384] = "";
		FILE *f = fmemopen(dump, sizeof(dump) - 1, "w");

		if (f != NULL) {
			rte_log_dump(f);
			fclose(f);
		}
		if (strstr(dump, "pmd.net.vmsg") == NULL) {
			fprintf(stderr, "no log type pmd.net.vmsg\n");
			fails++;
		}
	}
	rte_eal_cleanup();
	rm_runtime_dir(getpid());
	printf("%u bad devargs strings refused%s\n", (unsigned int)(sizeof(bad) / sizeof(bad[0])),
	       fails ? " (but some were accepted)" : "");
	return fails ? 1 : 0;
}

/* closewait: the silent device's bus, polled by a thread of its own. */
struct silent_dev {
	struct rte_vmsg_bus *bus;
	uint32_t stop;
	uint32_t asked; /* a request for the missing device came, and was dropped */
};

static void *silent_poll(void *arg)
{
	struct silent_dev *s = arg;

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		rte_vmsg_bus_poll(s->bus);
		if (silent_dev_asked(s->bus))
			__atomic_store_n(&s->asked, 1, __ATOMIC_RELEASE);
		usleep(100);
	}
	return NULL;
}

/*
 * closewait: a driver-role port whose device never answers (a bus file this
 * program made, the link up, no device behind number 1). Once the port's
 * first request reached it, the control thread waits in the bring-up, each
 * step bounded by 2 s; rte_eth_dev_close() must not wait for that (the
 * handle's cancel ends the step at once): it returns within 300 ms.
 */
static int closewait(const char *prog)
{
	struct rte_vmsg_bus_shm *shm = NULL;
	struct silent_dev s = { NULL, 0, 0 };
	char file[128], vdev[300];
	uint64_t d, t0, dt = 0;
	pthread_t th;
	int rc = 1;

	snprintf(file, sizeof(file), "/dev/shm/nvmt-cw-%d", (int)getpid());
	if (silent_dev_open(file, &shm, &s.bus) != 0) {
		fprintf(stderr, "closewait: the device's bus file\n");
		return 1;
	}
	if (pthread_create(&th, NULL, silent_poll, &s) != 0) {
		rte_vmsg_bus_shm_close(shm, s.bus);
		return 1;
	}
	snprintf(vdev, sizeof(vdev), "net_vmsg0,file=%s,role=driver,huge=0", file);
	if (eal(prog, "0", vdev) < 0 || port_up(0, 1, 0) == NULL) {
		fprintf(stderr, "closewait: EAL or port set-up failed\n");
		goto out;
	}
	d = now_ns() + 10000000000ull;
	while (!__atomic_load_n(&s.asked, __ATOMIC_ACQUIRE) && now_ns() < d)
		usleep(1000);
	if (!__atomic_load_n(&s.asked, __ATOMIC_ACQUIRE)) {
		fprintf(stderr, "closewait: the port sent no request in 10 s\n");
		goto out;
	}
	usleep(20000); /* well inside the step's wait */
	t0 = now_ns();
	rte_eth_dev_stop(0);
	rte_eth_dev_close(0);
	dt = now_ns() - t0;
	printf("closewait: closed in %" PRIu64 " ms while the bring-up waited for a silent "
	       "device\n",
	       dt / 1000000u);
	if (dt > 300000000ull)
		fprintf(stderr, "closewait: close took %" PRIu64 " ms (bound 300)\n",
			dt / 1000000u);
	else
		rc = 0;
out:
	__atomic_store_n(&s.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	rte_vmsg_bus_shm_close(shm, s.bus);
	rte_eal_cleanup();
	rm_runtime_dir(getpid());
	return rc;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	offload = getenv("NVMT_OFFLOAD") != NULL;
	tso = getenv("NVMT_TSO") != NULL;
	zc = getenv("NVMT_ZC") != NULL;
	jumbo = getenv("NVMT_JUMBO") != NULL;
	if (getenv("NVMT_RX_BURST") != NULL) {
		int b = atoi(getenv("NVMT_RX_BURST"));

		rx_burst = (uint16_t)(b >= 1 && b <= BURST ? b : BURST);
	}
	amp = getenv("NVMT_AMP") != NULL;
	ring_arg = getenv("NVMT_RING");
	in_order_arg = getenv("NVMT_IN_ORDER");
	dev_in_order_arg = getenv("NVMT_DEV_IN_ORDER");
	if (argc >= 8 && strcmp(argv[1], "child") == 0)
		return child(argc, argv, argv[0]);
	if (argc >= 2 && strcmp(argv[1], "run") == 0)
		return run("/proc/self/exe", argc, argv);
	if (argc >= 2 && strcmp(argv[1], "badargs") == 0)
		return badargs(argv[0]);
	if (argc >= 2 && strcmp(argv[1], "closewait") == 0)
		return closewait(argv[0]);
	fprintf(stderr,
		"usage: %s run [--packets N] [--queues Q] [--from driver|device] "
		"[--restart driver|device] [--offload] [--event] [--tso] [--zerocopy] "
		"[--zc-hold] [--jumbo] [--amp] [--ring split|packed] [--in-order 0|1] "
		"[--device-in-order 0|1] | badargs | closewait\n",
		argv[0]);
	return 2;
}
