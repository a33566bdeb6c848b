/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Two net_vmsg ports in one process, a device-role port (net_vmsg0) and a
 * driver-role port on its file (net_vmsg1), through the ethdev API alone:
 * the cases that need both ends at hand and no second process.
 *
 *   test_net_vmsg_pair CASE [DRIVER-DEVARGS [DEVICE-DEVARGS]]
 *
 * (the extra devargs are appended to each port's own). Cases:
 *
 *  mac     the driver port's MAC set by the application stays across the
 *          device's restart (the device's F_MAC address is taken at a
 *          bring-up only while the application has set none)
 *  flow    1000 packets from the device port to the driver port, all
 *          received; with zerocopy=1 on the driver, all without a copy
 *          (a queue of 16 entries included: its refill)
 *  reprobe zerocopy=1: the driver port closed while the application holds
 *          mbufs of its pool, those freed, the port probed again: its new
 *          pool (the same port id) receives without a copy
 *  drain   zerocopy=1: the driver port's application keeps every packet
 *          it receives: the port receives until every mbuf of its pool
 *          is the application's (a refill takes what the pool has, not a
 *          burst's worth or nothing); all freed, it receives again
 *  csum    TCP and UDP checksum requests and TSO requests within the MTU
 *          (RTE_MBUF_F_TX_TCP_SEG, DPDK's pseudo-header without the
 *          length) from the driver port: the device port gets each with a
 *          checksum that finishes right: partial (RX_L4_CKSUM_NONE, the
 *          pseudo-header with the length in the field) when the device
 *          took VIRTIO_NET_F_CSUM, else whole; every other byte as sent
 *  csum_rx the same with the device port's application taking no Rx
 *          checksum offload: the port finishes the partial checksums
 *          itself (RX_L4_CKSUM_GOOD, the field right)
 *  csum_seg csum_rx into the device port's mbufs of 65 data bytes, with
 *          IPv4 options: each packet a chain, the UDP field across its
 *          first two segments, the TCP one wholly in the second; finished
 *          alike
 *
 * Exit 0 and "ok", or 1 with the line that says what failed.
 */

#define _GNU_SOURCE
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#define NAME "test_net_vmsg_pair"
#define DEV "net_vmsg0"
#define DRV "net_vmsg1"

static char dev_args[512], drv_args[512];

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, NAME ": FAIL: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return 1;
}

static uint16_t port_of(const char *name)
{
	uint16_t p = UINT16_MAX;

	if (rte_eth_dev_get_port_by_name(name, &p) != 0)
		return UINT16_MAX;
	return p;
}

static uint64_t xstat(uint16_t port, const char *name)
{
	uint64_t id, v = 0;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) == 0)
		rte_eth_xstats_get_by_id(port, &id, &v, 1);
	return v;
}

/* The ports' Rx offloads (csum: the device port's). */
static uint64_t rx_offloads;

/*
 * csum_seg: the data room of the device port's mbufs (0: the default), and
 * the IPv4 header's length (options make it 44: the UDP field at bytes 64
 * and 65, across the first two segments of 65 bytes, TCP's at 74 and 75,
 * wholly in the second; net_vmsg takes no Rx buffer under 64 bytes).
 */
static uint16_t dev_room;
static uint32_t l3len = 20;
#define SEG_ROOM 65u
#define SEG_L3LEN 44u
#define L4OFF (14u + l3len)

/* One queue pair of 256 descriptors, a pool of its own (named @p pool), started. */
static struct rte_mempool *port_up(uint16_t port, const char *pool)
{
	struct rte_eth_conf conf;
	struct rte_mempool *mp;

	mp = rte_pktmbuf_pool_create(pool, dev_room != 0 ? 8191 : 4095, 128, 0,
				     dev_room != 0 && strcmp(pool, "dv") == 0
					     ? (uint16_t)(RTE_PKTMBUF_HEADROOM + dev_room)
					     : RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL)
		return NULL;
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.offloads = rx_offloads;
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 256, (unsigned int)rte_socket_id(), NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 256, (unsigned int)rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		return NULL;
	return mp;
}

static int wait_link(uint16_t port, int up)
{
	uint64_t end = now_ns() + 10000000000ull;
	struct rte_eth_link l;

	for (;;) {
		if (rte_eth_link_get_nowait(port, &l) == 0 &&
		    (l.link_status == RTE_ETH_LINK_UP) == up)
			return 0;
		if (now_ns() > end)
			return -1;
		usleep(1000);
	}
}

static int both_up(uint16_t dv, uint16_t dr)
{
	if (wait_link(dr, 1) != 0 || wait_link(dv, 1) != 0)
		return fail("no link in 10 s");
	return 0;
}

/* The device port closed and probed again (a new bus file): the driver's link down, then up. */
static int device_restart(uint16_t *dv, const char *pool)
{
	rte_eth_dev_stop(*dv);
	rte_eth_dev_close(*dv);
	if (rte_vdev_uninit(DEV) != 0)
		return fail("rte_vdev_uninit(%s)", DEV);
	if (wait_link(port_of(DRV), 0) != 0)
		return fail("the driver port's link stayed up without its device");
	if (rte_vdev_init(DEV, dev_args) != 0 || (*dv = port_of(DEV)) == UINT16_MAX ||
	    port_up(*dv, pool) == NULL)
		return fail("the device port again");
	return 0;
}

/*
 * Sends @p n packets of 100 bytes from @p tx and receives them on @p rx;
 * the first @p hold received are kept in @p held.
 */
static int pump(uint16_t tx, struct rte_mempool *mp, uint16_t rx, uint32_t n,
		struct rte_mbuf **held, uint32_t hold)
{
	uint64_t end = now_ns() + 10000000000ull;
	uint32_t sent = 0, got = 0, kept = 0, i, k;
	struct rte_mbuf *m[32];

	while (got < n) {
		if (now_ns() > end)
			return fail("%u of %u packets received in 10 s (%u sent)", got, n, sent);
		k = n - sent < 32 ? n - sent : 32;
		if (k != 0 && rte_pktmbuf_alloc_bulk(mp, m, k) == 0) {
			for (i = 0; i < k; i++) {
				memset(rte_pktmbuf_mtod(m[i], void *), 0x55, 100);
				m[i]->data_len = 100;
				m[i]->pkt_len = 100;
			}
			i = rte_eth_tx_burst(tx, 0, m, (uint16_t)k);
			if (i < k)
				rte_pktmbuf_free_bulk(&m[i], k - i);
			sent += i;
		}
		k = rte_eth_rx_burst(rx, 0, m, 32);
		for (i = 0; i < k; i++) {
			if (kept < hold)
				held[kept++] = m[i];
			else
				rte_pktmbuf_free(m[i]);
		}
		got += k;
	}
	return 0;
}

static int case_mac(void)
{
	const struct rte_ether_addr want = { { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee } };
	uint16_t dv = port_of(DEV), dr = port_of(DRV);
	struct rte_ether_addr got;

	if (port_up(dv, "dv") == NULL || port_up(dr, "dr") == NULL || both_up(dv, dr) != 0)
		return 1;
	if (rte_eth_dev_default_mac_addr_set(dr, (struct rte_ether_addr *)(uintptr_t)&want) != 0)
		return fail("rte_eth_dev_default_mac_addr_set");
	if (device_restart(&dv, "dv2") != 0 || both_up(dv, dr) != 0)
		return 1;
	rte_eth_macaddr_get(dr, &got);
	if (!rte_is_same_ether_addr(&got, &want))
		return fail("the MAC the application set became " RTE_ETHER_ADDR_PRT_FMT
			    " when the device came back",
			    RTE_ETHER_ADDR_BYTES(&got));
	printf(NAME ": mac: the application's address kept across the device's restart\n");
	return 0;
}

static int case_flow(void)
{
	uint16_t dv = port_of(DEV), dr = port_of(DRV);
	struct rte_mempool *mp = port_up(dv, "dv");
	uint64_t zc;

	if (mp == NULL || port_up(dr, "dr") == NULL || both_up(dv, dr) != 0)
		return 1;
	if (pump(dv, mp, dr, 1000, NULL, 0) != 0)
		return 1;
	zc = xstat(dr, "rx_zero_copy_packets");
	if (strstr(drv_args, "zerocopy=1") != NULL && zc != 1000)
		return fail("zerocopy=1: %" PRIu64 " of 1000 packets received without a copy", zc);
	printf(NAME ": flow: 1000 packets, %" PRIu64 " without a copy\n", zc);
	return 0;
}

#define DRAIN_MAX 16384u
#define DRAIN_FEW 5u /* fewer than any refill's worth (8 and more) */

static struct rte_mbuf *drain_held[DRAIN_MAX];
static uint32_t drain_kept;

/* The device port sends all along; the driver port's packets are kept until 300 ms bring none. */
static int drain(uint16_t dv, struct rte_mempool *mp, uint16_t dr)
{
	uint64_t quiet, end = now_ns() + 20000000000ull;
	struct rte_mbuf *m[32];
	uint32_t i, k;

	for (quiet = now_ns() + 300000000ull; now_ns() < quiet;) {
		if (now_ns() > end)
			return fail("drain: still receiving after 20 s (%u kept)", drain_kept);
		if (rte_pktmbuf_alloc_bulk(mp, m, 32) == 0) {
			for (i = 0; i < 32; i++) {
				memset(rte_pktmbuf_mtod(m[i], void *), 0x55, 100);
				m[i]->data_len = 100;
				m[i]->pkt_len = 100;
			}
			i = rte_eth_tx_burst(dv, 0, m, 32);
			if (i < 32)
				rte_pktmbuf_free_bulk(&m[i], 32 - i);
		}
		k = rte_eth_rx_burst(dr, 0, m, 32);
		if (k > 0)
			quiet = now_ns() + 300000000ull;
		for (i = 0; i < k; i++) {
			if (drain_kept == DRAIN_MAX)
				return fail("drain: more than %u packets kept", DRAIN_MAX);
			drain_held[drain_kept++] = m[i];
		}
	}
	return 0;
}

static int case_drain(void)
{
	uint16_t dv = port_of(DEV), dr = port_of(DRV);
	struct rte_mempool *mp = port_up(dv, "dv");
	uint32_t size, round;

	if (mp == NULL || port_up(dr, "dr") == NULL || both_up(dv, dr) != 0)
		return 1;
	/*
	 * Every mbuf of the pool kept; then a few freed, fewer than a refill
	 * asks for: they are posted and received again.
	 */
	for (round = 0; round < 2; round++) {
		if (drain(dv, mp, dr) != 0)
			return 1;
		if (drain_kept == 0)
			return fail("drain: nothing received");
		size = drain_held[0]->pool->size;
		if (xstat(dr, "rx_zero_copy_packets") != drain_kept + round * DRAIN_FEW ||
		    drain_kept != size)
			return fail("drain: the port stopped receiving with %u of its pool's %u "
				    "mbufs kept by the application (%" PRIu64 " without a copy%s)",
				    drain_kept, size, xstat(dr, "rx_zero_copy_packets"),
				    round ? ", after a few were freed" : "");
		if (round == 0) {
			drain_kept -= DRAIN_FEW;
			rte_pktmbuf_free_bulk(&drain_held[drain_kept], DRAIN_FEW);
		}
	}
	rte_pktmbuf_free_bulk(drain_held, drain_kept);
	if (pump(dv, mp, dr, 1000, NULL, 0) != 0)
		return 1;
	printf(NAME ": drain: all %u mbufs of the pool received and kept, %u freed and received "
		    "again, then 1000 more\n",
	       size, DRAIN_FEW);
	return 0;
}

static int case_reprobe(void)
{
	uint16_t dv = port_of(DEV), dr = port_of(DRV);
	struct rte_mempool *mp = port_up(dv, "dv");
	struct rte_mbuf *held[16];
	uint32_t i;

	if (mp == NULL || port_up(dr, "dr") == NULL || both_up(dv, dr) != 0)
		return 1;
	if (pump(dv, mp, dr, 1000, held, 16) != 0)
		return 1;
	/* Closed with 16 mbufs of its pool out: the pool stays, under its name. */
	rte_eth_dev_stop(dr);
	rte_eth_dev_close(dr);
	if (rte_vdev_uninit(DRV) != 0)
		return fail("rte_vdev_uninit(%s)", DRV);
	for (i = 0; i < 16; i++)
		rte_pktmbuf_free(held[i]);
	if (rte_vdev_init(DRV, drv_args) != 0 || (dr = port_of(DRV)) == UINT16_MAX ||
	    port_up(dr, "dr2") == NULL || both_up(dv, dr) != 0)
		return fail("the driver port probed again");
	if (pump(dv, mp, dr, 1000, NULL, 0) != 0)
		return 1;
	if (xstat(dr, "rx_zero_copy_packets") != 1000)
		return fail("the port probed again: %" PRIu64 " of 1000 packets without a copy",
			    xstat(dr, "rx_zero_copy_packets"));
	printf(NAME ": reprobe: the port probed again receives without a copy\n");
	return 0;
}

/* csum: packet i's kind: TCP checksum, TCP segmentation within the MTU, UDP checksum. */
enum { K_TCP, K_TSO, K_UDP, K_N };

#define CSUM_PKTS 300u

static uint32_t csum_len(uint32_t i)
{
	return L4OFF + 20u + 1u + (i * 37u) % 1400u; /* odd lengths too */
}

/* Packet @p i: Ethernet, IPv4, TCP or UDP, a payload; its L4 checksum field as DPDK wants it. */
static void csum_build(struct rte_mbuf *m, uint32_t i)
{
	uint32_t len = csum_len(i), kind = i % K_N, j;
	uint8_t *b = rte_pktmbuf_mtod(m, uint8_t *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(b + 14);
	uint16_t l4 = (uint16_t)(len - L4OFF);

	memset(b, 0, L4OFF);
	memset(b, 0x02, 12);
	b[12] = 0x08;
	ip->version_ihl = (uint8_t)(0x40u | l3len / 4u); /* options: zeros (end of list) */
	ip->total_length = rte_cpu_to_be_16((uint16_t)(len - 14u));
	ip->time_to_live = 64;
	ip->next_proto_id = kind == K_UDP ? IPPROTO_UDP : IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(0x0a000001u + i);
	ip->dst_addr = rte_cpu_to_be_32(0x0a800001u);
	for (j = L4OFF; j < len; j++)
		b[j] = (uint8_t)(j * 7u + i);
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	m->l2_len = 14;
	m->l3_len = l3len;
	if (kind == K_UDP) {
		struct rte_udp_hdr *u = (struct rte_udp_hdr *)(b + L4OFF);

		if (l4 < 8) /* csum_len() gives 21 bytes of L4 at least */
			return;
		u->dgram_len = rte_cpu_to_be_16(l4);
		m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
		u->dgram_cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
		return;
	}
	{
		struct rte_tcp_hdr *t = (struct rte_tcp_hdr *)(b + L4OFF);

		t->data_off = 5u << 4;
		m->l4_len = 20;
		if (kind == K_TSO) {
			m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_SEG;
			m->tso_segsz = 1400;
		} else {
			m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
		}
		/* TCP_SEG: DPDK's pseudo-header sum leaves the length out. */
		t->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	}
}

/* The received copy of packet @p i: 0 when its checksum is right and the rest as sent. */
static int csum_check(const struct rte_mbuf *m, uint32_t i, int partial_wanted)
{
	static uint8_t want[2048], lin[2048];
	const uint8_t *b;
	uint32_t len = csum_len(i), kind = i % K_N, at = kind == K_UDP ? L4OFF + 6u : L4OFF + 16u;
	int partial = (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) == RTE_MBUF_F_RX_L4_CKSUM_NONE;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(want + 14);
	uint16_t got, right;
	struct rte_mbuf tmp;

	/* csum_seg: every mbuf of the chain full but the last. */
	if (m->pkt_len != len ||
	    m->nb_segs != (dev_room != 0 ? (len + dev_room - 1) / dev_room : 1))
		return fail("csum: packet %u: %u bytes in %u segments, %u sent", i, m->pkt_len,
			    m->nb_segs, len);
	b = rte_pktmbuf_read(m, 0, len, lin);
	if (partial != partial_wanted ||
	    (!partial && rx_offloads == 0 && strstr(dev_args, "csum=0") == NULL &&
	     (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) != RTE_MBUF_F_RX_L4_CKSUM_GOOD))
		return fail("csum: packet %u (kind %u): ol_flags 0x%" PRIx64 ", a %s checksum "
			    "wanted",
			    i, kind, m->ol_flags, partial_wanted ? "partial" : "whole");
	memset(&tmp, 0, sizeof(tmp));
	tmp.buf_addr = want;
	tmp.buf_len = sizeof(want);
	tmp.data_off = 0;
	csum_build(&tmp, i);
	/* Everything but the checksum field as sent. */
	if (memcmp(b, want, at) != 0 || memcmp(b + at + 2, want + at + 2, len - at - 2) != 0)
		return fail("csum: packet %u: bytes other than its checksum changed", i);
	memset(want + at, 0, 2);
	right = rte_ipv4_udptcp_cksum(ip, want + L4OFF);
	memcpy(&got, b + at, 2);
	if (partial) { /* the field holds the pseudo-header sum, the length in it: finish it */
		got = (uint16_t)~rte_raw_cksum(b + L4OFF, len - L4OFF);
		if (got == 0 && kind == K_UDP)
			got = 0xffff;
	}
	if (got != right)
		return fail("csum: packet %u (kind %u, %u bytes): checksum 0x%04x, 0x%04x is right "
			    "(%s)",
			    i, kind, len, rte_be_to_cpu_16(got), rte_be_to_cpu_16(right),
			    partial ? "finished from the partial one" : "as received");
	return 0;
}

static int case_csum(void)
{
	uint16_t dv = port_of(DEV), dr = port_of(DRV);
	struct rte_mempool *mp;
	uint32_t sent = 0, got = 0, i, k;
	struct rte_mbuf *m[32];
	uint64_t end;
	int partial = strstr(dev_args, "csum=0") == NULL && rx_offloads != 0;

	if (port_up(dv, "dv") == NULL || (mp = port_up(dr, "dr")) == NULL || both_up(dv, dr) != 0)
		return 1;
	end = now_ns() + 10000000000ull;
	while (got < CSUM_PKTS) {
		if (now_ns() > end)
			return fail("csum: %u of %u packets in 10 s", got, CSUM_PKTS);
		if (sent < CSUM_PKTS && (m[0] = rte_pktmbuf_alloc(mp)) != NULL) {
			csum_build(m[0], sent);
			if (rte_eth_tx_burst(dr, 0, m, 1) == 1)
				sent++;
			else
				rte_pktmbuf_free(m[0]);
		}
		k = rte_eth_rx_burst(dv, 0, m, 32);
		for (i = 0; i < k; i++) {
			int rc = csum_check(m[i], got + i, partial);

			if (rc != 0)
				return rc;
		}
		rte_pktmbuf_free_bulk(m, k);
		got += k;
	}
	if (xstat(dr, "lib_tx_errors") != 0)
		return fail("csum: lib_tx_errors %" PRIu64, xstat(dr, "lib_tx_errors"));
	printf(NAME ": csum: %u packets (TCP, TSO within the MTU, UDP), each checksum %s and "
		    "right\n",
	       CSUM_PKTS, partial ? "partial" : "whole");
	return 0;
}

int main(int argc, char **argv)
{
	char prefix[64], v0[640], v1[640], file[96], *eargv[20];
	const char *which = argc > 1 ? argv[1] : "";
	int eargc = 0, rc;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: " NAME " mac|flow|reprobe|drain|csum|csum_rx|csum_seg "
				"[DRIVER-DEVARGS [DEVICE-DEVARGS]]\n");
		return 2;
	}
	snprintf(file, sizeof(file), "/dev/shm/nvmpair%d", (int)getpid());
	snprintf(prefix, sizeof(prefix), "nvmpair%d", (int)getpid());
	snprintf(dev_args, sizeof(dev_args), "file=%s,role=device,huge=0%s%s", file,
		 argc > 3 ? "," : "", argc > 3 ? argv[3] : "");
	snprintf(drv_args, sizeof(drv_args), "file=%s,role=driver,huge=0%s%s", file,
		 argc > 2 && argv[2][0] != '\0' ? "," : "", argc > 2 ? argv[2] : "");
	snprintf(v0, sizeof(v0), DEV ",%s", dev_args);
	snprintf(v1, sizeof(v1), DRV ",%s", drv_args);
	eargv[eargc++] = argv[0];
	eargv[eargc++] = (char *)(uintptr_t) "-l";
	eargv[eargc++] = (char *)(uintptr_t) "0";
	eargv[eargc++] = (char *)(uintptr_t) "--no-huge";
	eargv[eargc++] = (char *)(uintptr_t) "-m";
	eargv[eargc++] = (char *)(uintptr_t) "512";
	eargv[eargc++] = (char *)(uintptr_t) "--no-pci";
	eargv[eargc++] = (char *)(uintptr_t) "--no-shconf";
	eargv[eargc++] = (char *)(uintptr_t) "--no-telemetry";
	eargv[eargc++] = (char *)(uintptr_t) "--log-level=lib.eal:error";
	eargv[eargc++] = (char *)(uintptr_t) "--file-prefix";
	eargv[eargc++] = prefix;
	eargv[eargc++] = (char *)(uintptr_t) "--vdev";
	eargv[eargc++] = v0;
	eargv[eargc++] = (char *)(uintptr_t) "--vdev";
	eargv[eargc++] = v1;
	eargv[eargc] = NULL;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (rte_eal_init(eargc, eargv) < 0)
		return fail("EAL init (%s; %s)", v0, v1);
	if (port_of(DEV) == UINT16_MAX || port_of(DRV) == UINT16_MAX)
		return fail("the two ports (%s; %s)", v0, v1);
	if (strcmp(which, "mac") == 0)
		rc = case_mac();
	else if (strcmp(which, "flow") == 0)
		rc = case_flow();
	else if (strcmp(which, "reprobe") == 0)
		rc = case_reprobe();
	else if (strcmp(which, "drain") == 0)
		rc = case_drain();
	else if (strcmp(which, "csum") == 0)
		rx_offloads = RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM,
		rc = case_csum();
	else if (strcmp(which, "csum_rx") == 0)
		rc = case_csum();
	else if (strcmp(which, "csum_seg") == 0)
		dev_room = SEG_ROOM, l3len = SEG_L3LEN, rc = case_csum();
	else
		rc = fail("no case '%s'", which);
	if (rc == 0)
		printf(NAME ": ok\n");
	fflush(stdout);
	for (eargc = 0; eargc < 2; eargc++) {
		const char *name = eargc == 0 ? DRV : DEV;
		uint16_t port = port_of(name);

		if (port != UINT16_MAX) {
			rte_eth_dev_stop(port);
			rte_eth_dev_close(port);
			rte_vdev_uninit(name);
		}
	}
	unlink(file);
	rte_eal_cleanup();
	return rc;
}
