/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Description: the card layer of drivers/pcie_amp and rte_vmsg_pcie_*
 * with the ivshmem profile, over the in-process VFIO layer (vfio_fake.c)
 * and a thread playing the card: every open error and that nothing is left
 * after it, bus mastering, reset, the REQ notifier, doorbells both ways,
 * polling only, virtio-net traffic checked byte by byte, and the proof
 * that the library touches the register BAR only through the lib/mem
 * accessors (its mapping is PROT_NONE: any plain access would fault).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_pcie.h>

#include "pcie_amp_priv.h"
#include "vfio_fake.h"
#include "vtest.h"
#include "test_pcie.h"

/* ------------------------------------------------------------------------ */
/* Addresses                                                                 */

static void test_bdf(void)
{
	char out[16];

	CHECK_EQ(pcie_amp_bdf_parse("0000:00:03.0", out), 0);
	CHECK(strcmp(out, "0000:00:03.0") == 0);
	CHECK_EQ(pcie_amp_bdf_parse("0a:1F.7", out), 0);
	CHECK(strcmp(out, "0000:0a:1f.7") == 0);
	CHECK_EQ(pcie_amp_bdf_parse("ABCD:ef:00.1", out), 0);
	CHECK(strcmp(out, "abcd:ef:00.1") == 0);
	CHECK_EQ(pcie_amp_bdf_parse("00:20.0", out), -EINVAL); /* device > 31 */
	CHECK_EQ(pcie_amp_bdf_parse("00:03.8", out), -EINVAL); /* function > 7 */
	CHECK_EQ(pcie_amp_bdf_parse("00:03", out), -EINVAL);
	CHECK_EQ(pcie_amp_bdf_parse("0000:00:03.0 ", out), -EINVAL);
	CHECK_EQ(pcie_amp_bdf_parse("0000-00:03.0", out), -EINVAL);
	CHECK_EQ(pcie_amp_bdf_parse("g0:03.0", out), -EINVAL);
	CHECK_EQ(pcie_amp_bdf_parse(NULL, out), -EINVAL);
	CHECK_EQ(rte_vmsg_pcie_profile_from_name("ivshmem"), RTE_VMSG_PCIE_PROFILE_IVSHMEM);
	CHECK_EQ(rte_vmsg_pcie_profile_from_name("amp-pci"), RTE_VMSG_PCIE_PROFILE_AMP_PCI);
	CHECK_EQ(rte_vmsg_pcie_profile_from_name("versal"), RTE_VMSG_PCIE_PROFILE_VERSAL);
	CHECK_EQ(rte_vmsg_pcie_profile_from_name("auto"), RTE_VMSG_PCIE_PROFILE_AUTO);
	CHECK_EQ(rte_vmsg_pcie_profile_from_name("edu"), -EINVAL);
	CHECK_EQ(rte_vmsg_pcie_profile_from_name(NULL), -EINVAL);
	CHECK(strcmp(rte_vmsg_pcie_profile_name(RTE_VMSG_PCIE_PROFILE_IVSHMEM), "ivshmem") == 0);
	CHECK(rte_vmsg_pcie_profile_name(99) == NULL);
	CHECK(pcie_amp_profile_match(0x1af4, 0x1110) ==
	      pcie_amp_profile_get(RTE_VMSG_PCIE_PROFILE_IVSHMEM));
	CHECK(pcie_amp_profile_match(0x8086, 0x1110) == NULL);
}

/* ------------------------------------------------------------------------ */
/* The card: a thread playing the device side on the fake's BAR2            */

struct card {
	struct pcie_fake *f;
	int event;
	uint32_t num_elems;
	struct rte_vmsg_region *ram;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_bus_amp *amp;
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_dev *ndev;
	pthread_t tid;
	int stop; /* atomic */
	int up;
	uint64_t doorbell_wakes; /* atomic: rte_vmsg_bus_amp_wait() woken by the host's Doorbell */
	uint64_t bell_kicks;	 /* the card's amp bell_kicks, taken when it stops */
};

static const uint8_t MAC[6] = { 0x02, 0x00, 0x5e, 0x77, 0x00, 0x01 };

static void *card_main(void *arg)
{
	struct card *c = arg;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		int n = rte_vmsg_bus_poll(c->bus);

		if (c->ndev != NULL) {
			int k = rte_vmsg_net_dev_poll(c->ndev, 0);

			n += k > 0 ? k : 0;
			rte_vmsg_net_dev_service(c->ndev);
		}
		if (n <= 0 && rte_vmsg_bus_amp_wait(c->amp, 200000) > 0 && c->event)
			__atomic_fetch_add(&c->doorbell_wakes, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Writes the layout (device role) in BAR2 and starts serving a loopback virtio-net device. */
static int card_start(struct card *c, struct pcie_fake *f, int event, uint32_t elems)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_net_dev_opts no;
	uint64_t len;

	memset(c, 0, sizeof(*c));
	c->f = f;
	c->event = event;
	len = RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET * 64; /* 4 MiB: the fake's default */
	if (rte_vmsg_region_register(pcie_fake_bar(f, 2), len, 0, RTE_VMSG_REGION_F_SHARED,
				     &c->ram) != 0 ||
	    rte_vmsg_memmap_create(&c->map) != 0 || rte_vmsg_memmap_add(c->map, c->ram) != 0)
		return -1;
	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = RTE_VMSG_BUS_DEVICE;
	ao.region = c->ram;
	ao.offset = RTE_VMSG_PCIE_IVSHMEM_LINK_OFFSET;
	ao.size = RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET - RTE_VMSG_PCIE_IVSHMEM_LINK_OFFSET;
	ao.num_elems = elems;
	ao.elem_size = 64;
	if (event) {
		/* Card to host: the host's MSI-X vector 0; host to card: its Doorbell. */
		ao.tx_bell.sz = sizeof(ao.tx_bell);
		ao.tx_bell.kind = RTE_VMSG_BELL_EVENTFD;
		ao.tx_bell.fd = pcie_fake_msix_fd(f, 0);
		ao.rx_wait.sz = sizeof(ao.rx_wait);
		ao.rx_wait.kind = RTE_VMSG_BELL_EVENTFD;
		ao.rx_wait.fd = pcie_fake_doorbell_fd(f);
	}
	ao.map = c->map;
	if (rte_vmsg_bus_amp_create(&ao, &c->amp) != 0)
		return -1;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DEVICE;
	if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), c->amp, &c->bus) != 0)
		return -1;
	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = c->bus;
	no.map = c->map;
	no.dev_num = 1;
	no.max_queue_pairs = 1;
	no.mtu = 1500;
	no.backend = RTE_VMSG_NET_BACKEND_LOOPBACK;
	no.notify = event ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;
	memcpy(no.mac, MAC, 6);
	if (rte_vmsg_net_dev_create(&no, &c->ndev) != 0)
		return -1;
	c->up = 1;
	return pthread_create(&c->tid, NULL, card_main, c) == 0 ? 0 : -1;
}

static void card_stop(struct card *c)
{
	struct rte_vmsg_bus_amp_stats cs;
	uint64_t kicks = 0;

	if (c->up) {
		__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
		pthread_join(c->tid, NULL);
	}
	if (c->amp != NULL && rte_vmsg_bus_amp_stats_get(c->amp, &cs) == 0)
		kicks = cs.bell_kicks;
	rte_vmsg_net_dev_destroy(c->ndev);
	rte_vmsg_bus_destroy(c->bus);
	rte_vmsg_bus_amp_destroy(c->amp);
	rte_vmsg_memmap_destroy(c->map);
	rte_vmsg_region_destroy(c->ram);
	memset(c, 0, sizeof(*c));
	c->bell_kicks = kicks;
}

/* ------------------------------------------------------------------------ */
/* Opening: every error, and what is left after it                           */

static int fopen_card(struct pcie_fake *f, const struct rte_vmsg_pcie_opts *o,
		      struct rte_vmsg_pcie **out)
{
	log_clear();
	return pcie_amp_open(BDF, o, &pcie_fake_ops, f, out);
}

/* After a failed open: the device is closed, nothing mapped, bus mastering off. */
static void check_left_clean(struct pcie_fake *f)
{
	struct pcie_fake_stats st;

	pcie_fake_stats_get(f, &st);
	CHECK_U64(st.opens, st.closes);
	CHECK_EQ(st.bars_mapped, 0);
	CHECK_EQ(st.command & PCIE_AMP_CMD_MASTER, 0);
}

static struct rte_vmsg_pcie_opts opts_quick(void)
{
	struct rte_vmsg_pcie_opts o;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.wait_ns = 20000000; /* 20 ms: the errors below do not wait longer */
	return o;
}

static void test_open_errors(void)
{
	struct pcie_fake_cfg fc;
	struct rte_vmsg_pcie_opts o = opts_quick();
	struct rte_vmsg_pcie *c = NULL;
	struct pcie_fake *f;
	struct {
		struct rte_vmsg_pcie_opts o;
		uint64_t extra;
	} big;

	memset(&fc, 0, sizeof(fc));
	fc.msix_vectors = 2;
	f = pcie_fake_create(&fc);
	/* Arguments. */
	CHECK_EQ(pcie_amp_open(NULL, &o, &pcie_fake_ops, f, &c), -EINVAL);
	CHECK_EQ(pcie_amp_open(BDF, &o, &pcie_fake_ops, f, NULL), -EINVAL);
	CHECK_EQ(pcie_amp_open("0000:00:03", &o, &pcie_fake_ops, f, &c), -EINVAL);
	CHECK(c == NULL);
	o.flags = 1u << 7;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.flags = RTE_VMSG_PCIE_F_NO_WAIT; /* with wait_ns */
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.profile = 4;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.placement = 3;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.notify = 2;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.reserved0 = 1;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.sz = 4;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	memset(&big, 0, sizeof(big));
	big.o = opts_quick();
	big.o.sz = sizeof(big);
	big.extra = 1;
	CHECK_EQ(fopen_card(f, &big.o, &c), -EINVAL);
	o = opts_quick();
	o.peer_id = 0x10000;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);

	/* The VFIO layer's own failure comes back as it is. */
	fc.fail_op = "open";
	fc.fail_rc = -EBUSY;
	pcie_fake_destroy(f);
	f = pcie_fake_create(&fc);
	o = opts_quick();
	CHECK_EQ(fopen_card(f, &o, &c), -EBUSY);
	pcie_fake_destroy(f);

	/* Profiles: by ID; asked for one that does not fit; not implemented yet. */
	memset(&fc, 0, sizeof(fc));
	fc.vendor = 0x10ee;
	fc.device = 0x9039;
	fc.bar_size[0] = 16384;
	f = pcie_fake_create(&fc);
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("no profile drives 10ee:9039"));
	check_left_clean(f);
	o.profile = RTE_VMSG_PCIE_PROFILE_AMP_PCI;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("profile amp-pci is not implemented yet"));
	o.profile = RTE_VMSG_PCIE_PROFILE_IVSHMEM;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("profile ivshmem is for 1af4:1110, this card is 10ee:9039"));
	check_left_clean(f);
	pcie_fake_destroy(f);

	memset(&fc, 0, sizeof(fc));
	f = pcie_fake_create(&fc);
	/* The ivshmem profile has no HOST placement. */
	o = opts_quick();
	o.placement = RTE_VMSG_PCIE_PLACEMENT_HOST;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("no host placement"));
	/* Doorbells without MSI-X (ivshmem-plain). */
	o = opts_quick();
	o.notify = RTE_VMSG_PCIE_NOTIFY_EVENT;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("no MSI-X vector 0 (the card has 0"));
	CHECK(log_has("ivshmem-doorbell"));
	check_left_clean(f);
	/* No card side: the layout never appears. */
	o = opts_quick();
	CHECK_EQ(fopen_card(f, &o, &c), -EAGAIN);
	CHECK(log_has("has not written its layout at BAR2+4096"));
	check_left_clean(f);
	o = opts_quick();
	o.wait_ns = 0;
	o.flags = RTE_VMSG_PCIE_F_NO_WAIT;
	CHECK_EQ(fopen_card(f, &o, &c), -EAGAIN);
	/* Failures of single steps. */
	o = opts_quick();
	pcie_fake_destroy(f);
	fc.fail_rc = -EIO;
	fc.fail_op = "cfg_write";
	f = pcie_fake_create(&fc);
	CHECK_EQ(fopen_card(f, &o, &c), -EIO);
	CHECK(log_has("bus mastering"));
	check_left_clean(f);
	pcie_fake_destroy(f);
	fc.fail_op = "bar_map";
	f = pcie_fake_create(&fc);
	CHECK_EQ(fopen_card(f, &o, &c), -EIO);
	check_left_clean(f);
	pcie_fake_destroy(f);
	fc.fail_op = "cfg_read";
	f = pcie_fake_create(&fc);
	CHECK_EQ(fopen_card(f, &o, &c), -EIO);
	CHECK(log_has("reading the PCI ID"));
	check_left_clean(f);
	pcie_fake_destroy(f);
	fc.fail_op = "irq_set";
	fc.msix_vectors = 1;
	f = pcie_fake_create(&fc);
	o.notify = RTE_VMSG_PCIE_NOTIFY_EVENT;
	CHECK_EQ(fopen_card(f, &o, &c), -EIO);
	check_left_clean(f);
	pcie_fake_destroy(f);

	/* BARs smaller than the profile needs. */
	memset(&fc, 0, sizeof(fc));
	fc.bar_size[0] = 256;
	fc.bar_size[2] = 64 * 1024;
	f = pcie_fake_create(&fc);
	o = opts_quick();
	CHECK_EQ(fopen_card(f, &o, &c), -ENOSPC);
	CHECK(log_has(
		"BAR2 (shared RAM) is 65536 bytes; the ivshmem profile needs at least 131072"));
	check_left_clean(f);
	pcie_fake_destroy(f);
	memset(&fc, 0, sizeof(fc));
	fc.bar_size[0] = 8;
	fc.bar_size[2] = 1 << 20;
	f = pcie_fake_create(&fc);
	CHECK_EQ(fopen_card(f, &o, &c), -ENOSPC);
	CHECK(log_has("BAR0 (registers) is 8 bytes"));
	check_left_clean(f);
	pcie_fake_destroy(f);
}

/* Queue sizes that differ from the card's, and a DMA area too large. */
static void test_open_mismatch(void)
{
	struct pcie_fake_cfg fc;
	struct rte_vmsg_pcie_opts o = opts_quick();
	struct rte_vmsg_pcie *c = NULL;
	struct pcie_fake *f;
	struct card card;

	memset(&fc, 0, sizeof(fc));
	f = pcie_fake_create(&fc);
	CHECK_EQ(card_start(&card, f, 0, 128), 0);
	o.num_elems = 256;
	CHECK_EQ(fopen_card(f, &o, &c), -EPROTO);
	CHECK(log_has("the card's link has 128 elements of 64 bytes; asked for 256 of 0"));
	check_left_clean(f);
	o = opts_quick();
	o.elem_size = 128;
	CHECK_EQ(fopen_card(f, &o, &c), -EPROTO);
	o = opts_quick();
	o.dma_size = 8u << 20;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOSPC);
	CHECK(log_has("does not fit in BAR2"));
	check_left_clean(f);
	/* The sizes it has are accepted. */
	o = opts_quick();
	o.wait_ns = 2000000000ull;
	o.num_elems = 128;
	o.elem_size = 64;
	o.dma_size = 1u << 20;
	CHECK_EQ(fopen_card(f, &o, &c), 0);
	if (c != NULL) {
		uint64_t bus = 0, size = 0;
		void *addr = NULL;

		CHECK_EQ(rte_vmsg_pcie_dma(c, &addr, &bus, &size), 0);
		CHECK(addr != NULL);
		CHECK_U64(bus, RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET);
		CHECK_U64(size, 1u << 20);
	}
	rte_vmsg_pcie_close(c);
	card_stop(&card);
	check_left_clean(f);
	pcie_fake_destroy(f);
}

/* ------------------------------------------------------------------------ */
/* Traffic                                                                   */

#define PKT_MAX 1514u

struct pbuf {
	uint8_t b[PKT_MAX];
};

static void pkt_fill(uint8_t *p, uint32_t len, uint64_t s)
{
	uint32_t i;

	for (i = 0; i < 6; i++) {
		p[i] = (uint8_t)(0xd0 + i);
		p[6 + i] = (uint8_t)(0x50 + i);
	}
	p[12] = 0x88;
	p[13] = 0xb5;
	for (i = 14; i < len; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		p[i] = (uint8_t)(s >> 56);
	}
}

struct host {
	struct rte_vmsg_pcie *card;
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_drv *nd;
	uint64_t waits_woken;
};

static void host_events(void *arg, const void *frame, size_t len)
{
	struct host *h = arg;

	(void)rte_vmsg_net_drv_event(h->nd, frame, len);
}

/*
 * Sends @p total packets of random sizes through the card's loopback
 * device and checks each coming back byte by byte (addresses swapped).
 * In event mode the host sleeps on its MSI-X vector while waiting.
 */
static uint64_t traffic(struct host *h, uint64_t total, int event, uint64_t *seed)
{
	static struct pbuf tx[32], rx[32];
	struct rte_vmsg_net_pkt tp[32], rp[32];
	uint64_t done = 0, bad = 0;

	while (done < total) {
		uint32_t n = total - done < 32 ? (uint32_t)(total - done) : 32, got = 0, i;
		uint64_t deadline;
		int rc;

		for (i = 0; i < n; i++) {
			uint32_t len = 60 + (uint32_t)(vtest_rand(seed) % (PKT_MAX - 59));

			pkt_fill(tx[i].b, len, vtest_rand(seed));
			memset(&tp[i], 0, sizeof(tp[i]));
			tp[i].data = tx[i].b;
			tp[i].len = len;
			tp[i].cap = PKT_MAX;
		}
		rc = rte_vmsg_net_drv_tx_burst(h->nd, 0, tp, n);
		CHECK_EQ(rc, (int)n);
		if (rc != (int)n)
			return done;
		deadline = rte_vmsg_time_ns() + 5000000000ull;
		while (got < n && rte_vmsg_time_ns() < deadline) {
			/* Event mode: sleep on the MSI-X vector until the card says something came. */
			if (event && rte_vmsg_pcie_wait(h->card, 1000000) > 0)
				h->waits_woken++;
			rte_vmsg_bus_poll(h->bus);
			for (i = got; i < n; i++) {
				memset(&rp[i], 0, sizeof(rp[i]));
				rp[i].data = rx[i].b;
				rp[i].cap = PKT_MAX;
			}
			rc = rte_vmsg_net_drv_rx_burst(h->nd, 0, rp + got, n - got);
			if (rc < 0) {
				CHECK_EQ(rc, 0);
				return done;
			}
			got += (uint32_t)rc;
		}
		CHECK_EQ(got, n);
		for (i = 0; i < got; i++)
			if (rp[i].len != tp[i].len || memcmp(tx[i].b, rx[i].b + 6, 6) != 0 ||
			    memcmp(tx[i].b + 6, rx[i].b, 6) != 0 ||
			    memcmp(tx[i].b + 12, rx[i].b + 12, tp[i].len - 12) != 0)
				bad++;
		done += got;
		if (got != n)
			break;
	}
	CHECK_EQ(bad, 0);
	return done;
}

/* PROT_NONE proof: a plain load of the register BAR as the library mapped it faults. */
static sigjmp_buf segv_jmp;

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(segv_jmp, 1);
}

static int plain_load_faults(const volatile uint32_t *p)
{
	struct sigaction sa, old;
	volatile int faulted = 0;
	uint32_t v = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_segv;
	sigaction(SIGSEGV, &sa, &old);
	if (sigsetjmp(segv_jmp, 1) == 0)
		v = *p;
	else
		faulted = 1;
	sigaction(SIGSEGV, &old, NULL);
	(void)v;
	return faulted;
}

static void run_traffic(int event, int can_reset)
{
	struct pcie_fake_cfg fc;
	struct rte_vmsg_pcie_opts o = opts_quick();
	struct rte_vmsg_pcie_stats ps;
	struct rte_vmsg_pcie_info info;
	struct rte_vmsg_net_drv_opts d;
	struct pcie_fake_stats st;
	struct pcie_fake *f;
	struct card card;
	struct host h;
	uint64_t seed = vtest_seed(), npkts = 600;
	int check_kicks = 0;

	memset(&fc, 0, sizeof(fc));
	fc.msix_vectors = event ? 2 : 0;
	fc.iv_position = 1;
	fc.card_id = 0;
	fc.can_reset = can_reset;
	f = pcie_fake_create(&fc);
	CHECK_EQ(card_start(&card, f, event, 256), 0);
	memset(&h, 0, sizeof(h));
	o.wait_ns = 2000000000ull;
	o.notify = event ? RTE_VMSG_PCIE_NOTIFY_EVENT : RTE_VMSG_PCIE_NOTIFY_POLL;
	CHECK_EQ(fopen_card(f, &o, &h.card), 0);
	if (h.card == NULL)
		goto out;
	h.bus = rte_vmsg_pcie_bus(h.card);
	CHECK(h.bus != NULL);
	CHECK_EQ(rte_vmsg_bus_connected(h.bus), 1);

	pcie_fake_stats_get(f, &st);
	CHECK(st.command & PCIE_AMP_CMD_MASTER);
	CHECK_U64(st.resets, can_reset ? 1 : 0);
	CHECK_EQ(st.msix_armed, event ? 1 : 0);
	CHECK_EQ(st.req_armed, 1);
	CHECK_EQ(st.bars_mapped, (1u << 0) | (1u << 2)); /* never the MSI-X BAR */

	memset(&info, 0, sizeof(info));
	info.sz = sizeof(info);
	CHECK_EQ(rte_vmsg_pcie_info(h.card, &info), 0);
	CHECK(strcmp(info.bdf, BDF) == 0);
	CHECK_EQ(info.vendor_id, 0x1af4);
	CHECK_EQ(info.device_id, 0x1110);
	CHECK_EQ(info.profile, RTE_VMSG_PCIE_PROFILE_IVSHMEM);
	CHECK_EQ(info.placement, RTE_VMSG_PCIE_PLACEMENT_BAR);
	CHECK_EQ(info.iv_position, 1);
	CHECK_EQ(info.msix_vectors, event ? 2 : 0);
	CHECK_U64(info.bar_size[2], 4u << 20);
	CHECK_U64(info.link_offset, 4096);
	CHECK_U64(info.link_size, 65536 - 4096);

	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.bus = h.bus;
	d.dev_num = 1;
	CHECK_EQ(rte_vmsg_pcie_dma(h.card, &d.dma_addr, &d.dma_bus_addr, &d.dma_size), 0);
	d.notify = event ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;
	d.queue_size = 256;
	d.timeout_ns = 2000000000ull;
	rte_vmsg_bus_set_event_cb(h.bus, host_events, &h);
	CHECK_EQ(rte_vmsg_net_drv_create(&d, &h.nd), 0);
	if (h.nd == NULL)
		goto close;
	CHECK_U64(traffic(&h, npkts, event, &seed), npkts);

	/* What the library did to the card, counted by the accessors and by the card. */
	CHECK_EQ(rte_vmsg_pcie_stats_get(h.card, &ps), 0);
	pcie_fake_stats_get(f, &st);
	CHECK_U64(ps.bar_reads[0], 1); /* IVPosition, once at open: none on the data path */
	CHECK_U64(ps.bar_writes[0], ps.doorbells);
	CHECK_U64(st.doorbells, ps.doorbells);
	CHECK_U64(st.doorbell_other, 0);
	CHECK_U64(st.reg_reads, 1);
	CHECK_U64(ps.bar_reads[1] + ps.bar_writes[1], 0);
	if (event) {
		CHECK(ps.doorbells > 0);
		CHECK_U64(st.last_doorbell, 0u << 16 | 0u); /* peer 0, vector 0 */
		/* the Doorbell woke the card */
		CHECK(__atomic_load_n(&card.doorbell_wakes, __ATOMIC_RELAXED) > 0);
		CHECK(h.waits_woken > 0);
		/* The card rang the host's MSI-X vector (an eventfd write per frame
		 * it sent): counted once the card thread stopped, below. */
		check_kicks = 1;
		CHECK_U64(ps.interrupts, h.waits_woken);
	} else {
		/* Polling only: no register write, no interrupt, no wake-up either way. */
		CHECK_U64(ps.doorbells, 0);
		CHECK_U64(st.doorbells, 0);
		CHECK_U64(ps.bar_writes[0], 0);
		CHECK_U64(__atomic_load_n(&card.doorbell_wakes, __ATOMIC_RELAXED), 0);
	}
	/* The register BAR as the library sees it: any plain access faults. */
	CHECK(plain_load_faults((const volatile uint32_t *)pcie_fake_lib_addr(f, 0)));
	rte_vmsg_net_drv_destroy(h.nd);
close:
	rte_vmsg_pcie_close(h.card);
	pcie_fake_stats_get(f, &st);
	CHECK_U64(st.resets, can_reset ? 2 : 0); /* at open and at close */
	CHECK_EQ(st.msix_armed, 0);
	CHECK_EQ(st.req_armed, 0);
	check_left_clean(f);
out:
	card_stop(&card);
	if (check_kicks)
		CHECK(card.bell_kicks > 0);
	pcie_fake_destroy(f);
}

/* The kernel wants the device back: the bus loses its peer, the card is not reset at close. */
static void test_req(void)
{
	struct pcie_fake_cfg fc;
	struct rte_vmsg_pcie_opts o = opts_quick();
	struct rte_vmsg_pcie_stats ps;
	struct rte_vmsg_pcie *c = NULL;
	struct pcie_fake_stats st;
	struct pcie_fake *f;
	struct card card;
	uint64_t deadline;

	memset(&fc, 0, sizeof(fc));
	fc.can_reset = true;
	f = pcie_fake_create(&fc);
	CHECK_EQ(card_start(&card, f, 0, 64), 0);
	o.wait_ns = 2000000000ull;
	CHECK_EQ(fopen_card(f, &o, &c), 0);
	if (c == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_pcie_release_requested(c), 0);
	CHECK_EQ(pcie_fake_request(f), 0);
	deadline = rte_vmsg_time_ns() + 2000000000ull;
	while (rte_vmsg_bus_connected(rte_vmsg_pcie_bus(c)) == 1 && rte_vmsg_time_ns() < deadline)
		rte_vmsg_bus_poll(rte_vmsg_pcie_bus(c));
	CHECK_EQ(rte_vmsg_bus_connected(rte_vmsg_pcie_bus(c)), 0);
	CHECK(log_has("the kernel wants the device back"));
	CHECK_EQ(rte_vmsg_pcie_release_requested(c), 1);
	CHECK_EQ(rte_vmsg_pcie_stats_get(c, &ps), 0);
	CHECK_U64(ps.req_notified, 1);
	rte_vmsg_pcie_close(c);
	pcie_fake_stats_get(f, &st);
	CHECK_U64(st.resets, 1); /* at open only: the device is going away */
	check_left_clean(f);
out:
	card_stop(&card);
	pcie_fake_destroy(f);
	CHECK_EQ(rte_vmsg_pcie_release_requested(NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_pcie_wait(NULL, 0), -EINVAL);
	CHECK_EQ(rte_vmsg_pcie_dma(NULL, NULL, NULL, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_pcie_stats_get(NULL, &ps), -EINVAL);
	CHECK(rte_vmsg_pcie_bus(NULL) == NULL);
	rte_vmsg_pcie_close(NULL);
}

int main(void)
{
	rte_vmsg_log_set_handler(log_capture, RTE_VMSG_LOG_DEBUG, NULL);
	test_bdf();
	test_open_errors();
	test_open_mismatch();
	run_traffic(0, 0); /* polling only */
	run_traffic(1, 1); /* doorbells both ways, with a resettable card */
	test_req();
	return vtest_done("test_pcie");
}
