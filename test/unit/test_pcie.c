/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Description: the card layer of drivers/pcie_amp and rte_vmsg_pcie_*
 * with each profile (ivshmem, amp-pci, versal) and placement, over the
 * in-process VFIO layer (vfio_fake.c) and a thread playing the card: every
 * open error and that nothing is left after it, bus mastering, reset, the
 * REQ notifier, doorbells both ways, polling only, virtio-net traffic
 * checked byte by byte, a card reset in the middle, no BAR read on the
 * HOST placement's data path, and the proof that the library touches every
 * BAR only through the lib/mem accessors (its mappings are PROT_NONE: any
 * plain access would fault).
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
	/* The public form, for front ends (net_vmsg's card=, vmsg-fwd's pcie:). */
	CHECK_EQ(rte_vmsg_pcie_addr_parse("0A:1f.7", out), 0);
	CHECK(strcmp(out, "0000:0a:1f.7") == 0);
	CHECK_EQ(rte_vmsg_pcie_addr_parse("00:20.0", out), -EINVAL);
	CHECK_EQ(rte_vmsg_pcie_addr_parse("00:03.0", NULL), -EINVAL);
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
/* The card: a thread playing the device side of each profile on the fake   */

/*
 * BAR placement: the card writes its layout in its RAM BAR (v1) or opens
 * the v0 queues there, and serves a loopback virtio-net device once the
 * host has DMA memory mapped (virtqueues and buffers live there). HOST
 * placement: the card waits for the address in its mailbox, takes it
 * (enable back to 0), translates it as an IOMMU would (the fake's DMA
 * mappings: an address outside them is refused) and attaches the device
 * end of the link the host laid out there. A card reset drops everything;
 * in the HOST placement the card then waits for the host to publish again.
 */
struct card {
	struct pcie_fake *f;
	uint32_t profile, placement, layout; /* resolved enums of rte_vmsg_pcie.h */
	int event;
	uint32_t num_elems;
	pthread_mutex_t lock;		 /* the card thread's work; the unmap hook */
	struct rte_vmsg_region *bar_ram; /* BAR placement: the RAM BAR, card view */
	struct rte_vmsg_region *host;	 /* the host's DMA mapping, as the card reaches it */
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_bus_amp *amp;
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_dev *ndev;
	uint8_t *link;	    /* HOST: where the link is, card view */
	uint64_t link_iova; /* HOST: the address taken from the mailbox */
	pthread_t tid;
	int stop;      /* atomic */
	int reset_req; /* atomic: the test asks for a card reset */
	int up;
	uint64_t doorbell_wakes; /* atomic: woken by the host's doorbell */
	uint64_t attaches;	 /* atomic: HOST: addresses taken from the mailbox */
	uint64_t refused;	 /* atomic: HOST: addresses outside the host's DMA mappings */
	uint64_t resets;	 /* atomic: card resets done */
	uint64_t bell_kicks;	 /* the card's amp bell_kicks, kept when it drops its link */
};

static const uint8_t MAC[6] = { 0x02, 0x00, 0x5e, 0x77, 0x00, 0x01 };

static uint8_t *card_mbox(struct card *c)
{
	return c->profile == RTE_VMSG_PCIE_PROFILE_VERSAL
		       ? (uint8_t *)pcie_fake_bar(c->f, 1) + RTE_VMSG_PCIE_VERSAL_MAILBOX
		       : (uint8_t *)pcie_fake_bar(c->f, 2) + RTE_VMSG_PCIE_IVSHMEM_MAILBOX;
}

/* The host's DMA mapping holding [iova, iova + len), registered at its IOVA, and a map of it. */
static int card_host_map(struct card *c, uint64_t iova, uint64_t len)
{
	uint64_t base, mlen;
	void *va;
	uint32_t i;

	for (i = 0; i < 8; i++)
		if (pcie_fake_dma_get(c->f, i, &base, &va, &mlen) == 0 && iova >= base &&
		    iova - base < mlen && len <= mlen - (iova - base))
			break;
	if (i == 8 || pcie_fake_dma_ptr(c->f, iova, len) == NULL) {
		__atomic_fetch_add(&c->refused, 1, __ATOMIC_RELAXED);
		return -EFAULT;
	}
	if (rte_vmsg_region_register(va, (size_t)mlen, base, RTE_VMSG_REGION_F_SHARED, &c->host) !=
		    0 ||
	    rte_vmsg_memmap_create(&c->map) != 0 || rte_vmsg_memmap_add(c->map, c->host) != 0)
		return -ENOMEM;
	c->link = (uint8_t *)va + (iova - base);
	return 0;
}

static void card_drop_host(struct card *c)
{
	struct rte_vmsg_bus_amp_stats cs;

	rte_vmsg_net_dev_destroy(c->ndev);
	c->ndev = NULL;
	if (c->placement == RTE_VMSG_PCIE_PLACEMENT_HOST) {
		/* The link itself is in host memory. */
		if (c->amp != NULL && rte_vmsg_bus_amp_stats_get(c->amp, &cs) == 0)
			c->bell_kicks += cs.bell_kicks;
		rte_vmsg_bus_destroy(c->bus);
		rte_vmsg_bus_amp_destroy(c->amp);
		c->bus = NULL;
		c->amp = NULL;
		c->link = NULL;
		c->link_iova = 0;
	}
	rte_vmsg_memmap_destroy(c->map);
	rte_vmsg_region_destroy(c->host);
	c->map = NULL;
	c->host = NULL;
}

/* The device end of the link and its bus: in the RAM BAR, or at c->link in host memory. */
static int card_link(struct card *c)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_bus_opts bo;
	int host = c->placement == RTE_VMSG_PCIE_PLACEMENT_HOST;

	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = RTE_VMSG_BUS_DEVICE;
	ao.layout = c->layout == RTE_VMSG_PCIE_LAYOUT_V0 ? RTE_VMSG_AMP_LAYOUT_V0
							 : RTE_VMSG_AMP_LAYOUT_V1;
	if (host) {
		ao.region = c->host;
		ao.offset = (uint64_t)(c->link - (uint8_t *)rte_vmsg_region_addr(c->host));
		if (c->layout == RTE_VMSG_PCIE_LAYOUT_V1)
			ao.flags = RTE_VMSG_BUS_AMP_F_DRIVER_WRITES; /* the host laid it out */
	} else {
		ao.region = c->bar_ram;
		ao.offset = c->profile == RTE_VMSG_PCIE_PROFILE_AMP_PCI
				    ? RTE_VMSG_PCIE_AMP_PCI_LINK_OFFSET
				    : RTE_VMSG_PCIE_IVSHMEM_LINK_OFFSET;
		if (c->layout == RTE_VMSG_PCIE_LAYOUT_V1) {
			ao.size = (c->profile == RTE_VMSG_PCIE_PROFILE_AMP_PCI
					   ? 16384
					   : RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET) -
				  ao.offset;
			ao.num_elems = c->num_elems;
			ao.elem_size = 64;
		}
	}
	if (c->event) {
		/* Card to host: the host's MSI-X vector 0; host to card: its doorbell register. */
		ao.tx_bell.sz = sizeof(ao.tx_bell);
		ao.tx_bell.kind = RTE_VMSG_BELL_EVENTFD;
		ao.tx_bell.fd = pcie_fake_msix_fd(c->f, 0);
		ao.rx_wait.sz = sizeof(ao.rx_wait);
		ao.rx_wait.kind = RTE_VMSG_BELL_EVENTFD;
		ao.rx_wait.fd = pcie_fake_doorbell_fd(c->f);
	}
	ao.map = c->map;
	if (rte_vmsg_bus_amp_create(&ao, &c->amp) != 0)
		return -1;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DEVICE;
	return rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), c->amp, &c->bus) == 0 ? 0 : -1;
}

static int card_ndev(struct card *c)
{
	struct rte_vmsg_net_dev_opts no;

	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = c->bus;
	no.map = c->map;
	no.dev_num = 1;
	no.max_queue_pairs = 1;
	no.mtu = 1500;
	no.backend = RTE_VMSG_NET_BACKEND_LOOPBACK;
	no.notify = c->event ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;
	memcpy(no.mac, MAC, 6);
	return rte_vmsg_net_dev_create(&no, &c->ndev) == 0 ? 0 : -1;
}

/* HOST placement: an address in the mailbox? Take it (enable back to 0) and attach there. */
static void card_mailbox(struct card *c)
{
	uint8_t *mb = card_mbox(c);
	uint32_t lo, hi;
	uint64_t a;

	/* Acquire: pairs with the host's barrier W2 before enable (rte_vmsg_pcie publish()). */
	if (__atomic_load_n((uint32_t *)(void *)(mb + RTE_VMSG_PCIE_MBOX_ENABLE),
			    __ATOMIC_ACQUIRE) != 1)
		return;
	lo = __atomic_load_n((uint32_t *)(void *)(mb + RTE_VMSG_PCIE_MBOX_ADDR_LO),
			     __ATOMIC_RELAXED);
	hi = __atomic_load_n((uint32_t *)(void *)(mb + RTE_VMSG_PCIE_MBOX_ADDR_HI),
			     __ATOMIC_RELAXED);
	__atomic_store_n((uint32_t *)(void *)(mb + RTE_VMSG_PCIE_MBOX_ENABLE), 0, __ATOMIC_RELEASE);
	a = (uint64_t)hi << 32 | lo;
	if (c->amp != NULL && a == c->link_iova)
		return; /* the address it already uses: nothing to do */
	card_drop_host(c);
	if (card_host_map(c, a, 8192) != 0)
		return;
	c->link_iova = a;
	__atomic_fetch_add(&c->attaches, 1, __ATOMIC_RELAXED);
	if (card_link(c) != 0 || card_ndev(c) != 0)
		card_drop_host(c);
}

/* The card's reset: its state is gone; v0 queues re-initialised to 0 where it had them. */
static void card_do_reset(struct card *c)
{
	if (c->placement == RTE_VMSG_PCIE_PLACEMENT_HOST && c->layout == RTE_VMSG_PCIE_LAYOUT_V0 &&
	    c->link != NULL) {
		uint8_t *l = c->link;

		/* v0: its consumer index in the driver queue, its producer index in its own. */
		__atomic_store_n((uint32_t *)(void *)(l + 64), 0, __ATOMIC_RELEASE);
		__atomic_store_n((uint32_t *)(void *)(l + 4096), 0, __ATOMIC_RELEASE);
	}
	card_drop_host(c);
	if (c->placement == RTE_VMSG_PCIE_PLACEMENT_BAR) {
		struct rte_vmsg_bus_amp_stats cs;

		if (c->amp != NULL && rte_vmsg_bus_amp_stats_get(c->amp, &cs) == 0)
			c->bell_kicks += cs.bell_kicks;
		rte_vmsg_bus_destroy(c->bus);
		rte_vmsg_bus_amp_destroy(c->amp);
		c->bus = NULL;
		c->amp = NULL;
		(void)card_link(c); /* the layout written again */
	}
	__atomic_fetch_add(&c->resets, 1, __ATOMIC_RELAXED);
}

static void *card_main(void *arg)
{
	struct card *c = arg;

	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		int n = 0;

		pthread_mutex_lock(&c->lock);
		if (__atomic_exchange_n(&c->reset_req, 0, __ATOMIC_ACQ_REL))
			card_do_reset(c);
		if (c->placement == RTE_VMSG_PCIE_PLACEMENT_HOST) {
			card_mailbox(c);
		} else if (c->ndev == NULL && c->bus != NULL) {
			uint64_t iova, len;
			void *va;

			/* The host mapped its DMA memory: the virtqueues will be there. */
			if (pcie_fake_dma_get(c->f, 0, &iova, &va, &len) == 0 &&
			    card_host_map(c, iova, len) == 0 && card_ndev(c) != 0)
				card_drop_host(c);
		}
		if (c->bus != NULL)
			n = rte_vmsg_bus_poll(c->bus);
		if (c->ndev != NULL) {
			int k = rte_vmsg_net_dev_poll(c->ndev, 0);

			n += k > 0 ? k : 0;
			rte_vmsg_net_dev_service(c->ndev);
		}
		/* The wait too under the lock: the unmap hook may destroy the link. */
		if (n <= 0 && c->amp != NULL && c->event &&
		    rte_vmsg_bus_amp_wait(c->amp, 200000) > 0)
			__atomic_fetch_add(&c->doorbell_wakes, 1, __ATOMIC_RELAXED);
		pthread_mutex_unlock(&c->lock);
		if (n <= 0 && !c->event)
			usleep(50);
	}
	return NULL;
}

/* The host unmaps its DMA memory: the card stops using it first. */
static void card_unmap_hook(void *arg)
{
	struct card *c = arg;

	pthread_mutex_lock(&c->lock);
	card_drop_host(c);
	pthread_mutex_unlock(&c->lock);
}

static int card_start_ex(struct card *c, struct pcie_fake *f, uint32_t profile, uint32_t placement,
			 uint32_t layout, int event, uint32_t elems)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->profile = profile;
	c->placement = placement;
	c->layout = layout;
	c->event = event;
	c->num_elems = elems;
	pthread_mutex_init(&c->lock, NULL);
	pcie_fake_set_unmap_hook(f, card_unmap_hook, c);
	if (placement == RTE_VMSG_PCIE_PLACEMENT_BAR) {
		uint32_t bar = profile == RTE_VMSG_PCIE_PROFILE_AMP_PCI ? 1 : 2;
		uint64_t len = 0;

		(void)pcie_fake_ops.bar_size(f, bar, &len);
		if (rte_vmsg_region_register(pcie_fake_bar(f, bar), (size_t)len, 0,
					     RTE_VMSG_REGION_F_SHARED, &c->bar_ram) != 0 ||
		    card_link(c) != 0)
			return -1;
	}
	c->up = 1;
	return pthread_create(&c->tid, NULL, card_main, c) == 0 ? 0 : -1;
}

/* The ivshmem card in the BAR placement, v1. */
static int card_start(struct card *c, struct pcie_fake *f, int event, uint32_t elems)
{
	return card_start_ex(c, f, RTE_VMSG_PCIE_PROFILE_IVSHMEM, RTE_VMSG_PCIE_PLACEMENT_BAR,
			     RTE_VMSG_PCIE_LAYOUT_V1, event, elems);
}

static void card_stop(struct card *c)
{
	struct rte_vmsg_bus_amp_stats cs;
	uint64_t kicks;

	if (c->up) {
		__atomic_store_n(&c->stop, 1, __ATOMIC_RELEASE);
		pthread_join(c->tid, NULL);
	}
	if (c->f != NULL)
		pcie_fake_set_unmap_hook(c->f, NULL, NULL);
	card_drop_host(c);
	kicks = c->bell_kicks;
	if (c->amp != NULL && rte_vmsg_bus_amp_stats_get(c->amp, &cs) == 0)
		kicks += cs.bell_kicks;
	rte_vmsg_bus_destroy(c->bus);
	rte_vmsg_bus_amp_destroy(c->amp);
	rte_vmsg_region_destroy(c->bar_ram);
	pthread_mutex_destroy(&c->lock);
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
	/* num_elems, elem_size: outside the link's limits. */
	static const uint32_t bad_geom[][2] = {
		{ 65536, 0 }, { 1, 0 }, { 0, 96 }, { 0, 65536 }, { 0, 32 }
	};
	size_t i;

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
	o.layout = 3;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.peer_timeout_ms = RTE_VMSG_BUS_PEER_TIMEOUT_MIN_MS - 1;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.peer_timeout_ms = RTE_VMSG_BUS_PEER_TIMEOUT_MAX_MS + 1;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	o = opts_quick();
	o.dma_size = (1ull << 30) + 1;
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
	/* Queue sizes the link cannot have: refused before any memory is sized by them. */
	for (i = 0; i < sizeof(bad_geom) / sizeof(bad_geom[0]); i++) {
		o = opts_quick();
		o.num_elems = bad_geom[i][0];
		o.elem_size = bad_geom[i][1];
		CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	}

	/* The VFIO layer's own failure comes back as it is. */
	fc.fail_op = "open";
	fc.fail_rc = -EBUSY;
	pcie_fake_destroy(f);
	f = pcie_fake_create(&fc);
	o = opts_quick();
	CHECK_EQ(fopen_card(f, &o, &c), -EBUSY);
	pcie_fake_destroy(f);

	/* Profiles: by ID; asked for one that does not fit; no profile for the ID. */
	memset(&fc, 0, sizeof(fc));
	fc.vendor = 0x10ee;
	fc.device = 0x9037;
	fc.bar_size[0] = 16384;
	f = pcie_fake_create(&fc);
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("no profile drives 10ee:9037"));
	check_left_clean(f);
	o.profile = RTE_VMSG_PCIE_PROFILE_AMP_PCI;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("profile amp-pci is for 10ee:9039, this card is 10ee:9037"));
	o.profile = RTE_VMSG_PCIE_PROFILE_IVSHMEM;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("profile ivshmem is for 1af4:1110, this card is 10ee:9037"));
	check_left_clean(f);
	pcie_fake_destroy(f);

	/* amp-pci: BAR placement only; its VERSION must say 1 (never guessed). */
	memset(&fc, 0, sizeof(fc));
	fc.vendor = 0x10ee;
	fc.device = 0x9039;
	f = pcie_fake_create(&fc);
	o = opts_quick();
	o.placement = RTE_VMSG_PCIE_PLACEMENT_HOST;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("the amp-pci profile has no host placement"));
	check_left_clean(f);
	{
		uint32_t two = 2;

		memcpy(pcie_fake_bar(f, 0), &two, sizeof(two));
	}
	o = opts_quick();
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("the amp-pci profile needs VERSION 1 at BAR0+0x0; the card says 0x2"));
	check_left_clean(f);
	pcie_fake_destroy(f);

	/* versal: HOST placement only; v0 queues have a fixed size. */
	memset(&fc, 0, sizeof(fc));
	fc.vendor = 0x10ee;
	fc.device = 0x9038;
	f = pcie_fake_create(&fc);
	o = opts_quick();
	o.placement = RTE_VMSG_PCIE_PLACEMENT_BAR;
	CHECK_EQ(fopen_card(f, &o, &c), -ENOTSUP);
	CHECK(log_has("the versal profile has no bar placement"));
	o = opts_quick();
	o.num_elems = 128;
	CHECK_EQ(fopen_card(f, &o, &c), -EINVAL);
	CHECK(log_has("the v0 layout has 62 elements of 64 bytes per queue"));
	check_left_clean(f);
	pcie_fake_destroy(f);

	memset(&fc, 0, sizeof(fc));
	f = pcie_fake_create(&fc);
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
	fc.bar_size[2] = 32 * 1024;
	f = pcie_fake_create(&fc);
	o = opts_quick();
	CHECK_EQ(fopen_card(f, &o, &c), -ENOSPC);
	CHECK(log_has(
		"BAR2 (shared RAM) is 32768 bytes; the ivshmem profile needs at least 65536"));
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
		/* Host hugepage memory at the IOVA the (fake) IOMMU gave it. */
		CHECK(bus >= PCIE_FAKE_IOVA_BASE && bus != (uint64_t)(uintptr_t)addr);
		CHECK_U64(size, 2u << 20);
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
	CHECK_EQ(info.layout, RTE_VMSG_PCIE_LAYOUT_V1);
	CHECK_EQ(info.link_bar, 2);

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
	/*
	 * The BAR placement's link is in BAR2, touched only through the
	 * accessors (ARCHITECTURE.md §2.1), which counted it: the traffic
	 * read the card's index and frames there, and wrote ours.
	 */
	CHECK(ps.bar_reads[2] > npkts / 32);
	CHECK(ps.bar_writes[2] > npkts / 32);
	/* Every BAR as the library sees it: any plain access faults. */
	CHECK(plain_load_faults((const volatile uint32_t *)pcie_fake_lib_addr(f, 0)));
	CHECK(plain_load_faults((const volatile uint32_t *)pcie_fake_lib_addr(f, 2)));
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

/* The net driver on the card's bus; after a card reset, made again once the link is back. */
static int host_net_up(struct host *h, int event)
{
	struct rte_vmsg_net_drv_opts d;
	uint64_t deadline = rte_vmsg_time_ns() + 5000000000ull;

	while (rte_vmsg_time_ns() < deadline) {
		if (rte_vmsg_bus_wait_connected(h->bus, 1000000000ull, NULL, NULL) != 0)
			continue;
		memset(&d, 0, sizeof(d));
		d.sz = sizeof(d);
		d.bus = h->bus;
		d.dev_num = 1;
		CHECK_EQ(rte_vmsg_pcie_dma(h->card, &d.dma_addr, &d.dma_bus_addr, &d.dma_size), 0);
		d.notify = event ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;
		d.queue_size = 128;
		d.timeout_ns = 1000000000ull;
		if (rte_vmsg_net_drv_create(&d, &h->nd) == 0)
			return 0;
		usleep(10000);
	}
	return -1;
}

static uint64_t bus_peer_lost(struct rte_vmsg_bus *bus)
{
	struct rte_vmsg_bus_stats st;

	return rte_vmsg_bus_stats_get(bus, &st) == 0 ? st.peer_lost : 0;
}

/*
 * One profile and placement end to end over the fake: open, virtio-net
 * traffic checked byte by byte, the BAR accesses of the data path counted
 * (HOST placement: no BAR read at all, doorbell read-backs apart), and
 * with @p reset_mid a card reset between two runs of traffic: the card
 * forgets everything, the link goes down, the host publishes its address
 * again, the link and the device come back.
 */
static void run_profile(uint32_t profile, uint32_t placement, uint32_t layout, int event,
			int reset_mid)
{
	struct pcie_fake_cfg fc;
	struct rte_vmsg_pcie_opts o = opts_quick();
	struct rte_vmsg_pcie_stats ps0, ps1;
	struct rte_vmsg_pcie_info info;
	struct pcie_fake_stats st;
	struct pcie_fake *f;
	struct card card;
	struct host h;
	uint64_t seed = vtest_seed(), lost, deadline;
	uint32_t i, pl, ly;
	int host;

	fprintf(stderr, "profile %s, placement %u, layout %u, %s%s\n",
		rte_vmsg_pcie_profile_name(profile), placement, layout,
		event ? "doorbells" : "polling", reset_mid ? ", card reset" : "");
	memset(&fc, 0, sizeof(fc));
	if (profile == RTE_VMSG_PCIE_PROFILE_AMP_PCI) {
		fc.vendor = 0x10ee;
		fc.device = 0x9039;
	} else if (profile == RTE_VMSG_PCIE_PROFILE_VERSAL) {
		fc.vendor = 0x10ee;
		fc.device = 0x9038;
	}
	fc.msix_vectors = event ? 1 : 0;
	fc.can_reset = true;
	f = pcie_fake_create(&fc);
	pl = placement != RTE_VMSG_PCIE_PLACEMENT_DEFAULT ? placement
	     : profile == RTE_VMSG_PCIE_PROFILE_VERSAL	  ? RTE_VMSG_PCIE_PLACEMENT_HOST
							  : RTE_VMSG_PCIE_PLACEMENT_BAR;
	ly = layout != RTE_VMSG_PCIE_LAYOUT_DEFAULT    ? layout
	     : profile == RTE_VMSG_PCIE_PROFILE_VERSAL ? RTE_VMSG_PCIE_LAYOUT_V0
						       : RTE_VMSG_PCIE_LAYOUT_V1;
	host = pl == RTE_VMSG_PCIE_PLACEMENT_HOST;
	CHECK_EQ(card_start_ex(&card, f, profile, pl, ly, event, 64), 0);
	memset(&h, 0, sizeof(h));
	o.profile = profile;
	o.placement = placement;
	o.layout = layout;
	o.wait_ns = 3000000000ull;
	o.notify = event ? RTE_VMSG_PCIE_NOTIFY_EVENT : RTE_VMSG_PCIE_NOTIFY_POLL;
	CHECK_EQ(fopen_card(f, &o, &h.card), 0);
	if (h.card == NULL)
		goto out;
	h.bus = rte_vmsg_pcie_bus(h.card);
	memset(&info, 0, sizeof(info));
	info.sz = sizeof(info);
	CHECK_EQ(rte_vmsg_pcie_info(h.card, &info), 0);
	CHECK_EQ(info.profile, profile);
	CHECK_EQ(info.placement, pl);
	CHECK_EQ(info.layout, ly);
	CHECK_EQ(info.link_bar,
		 host ? UINT32_MAX : (profile == RTE_VMSG_PCIE_PROFILE_AMP_PCI ? 1u : 2u));
	if (host) {
		void *a;
		uint64_t bus;

		/* The link at the start of the host's DMA memory, the DMA area after it. */
		CHECK_EQ(rte_vmsg_pcie_dma(h.card, &a, &bus, NULL), 0);
		CHECK_U64(bus, info.link_offset + info.link_size);
		CHECK(info.link_offset >= PCIE_FAKE_IOVA_BASE);
	}
	/*
	 * Asking whether the kernel wants the card back, as a port does on
	 * each pass, touches nothing else: HOST, no address published again
	 * while the link is up (the card would take it for a new driver).
	 */
	for (i = 0; i < 5; i++) {
		usleep(1500); /* a control pass of the bus (once a millisecond) */
		rte_vmsg_bus_poll(h.bus);
		CHECK_EQ(rte_vmsg_pcie_release_requested(h.card), 0);
	}
	CHECK_EQ(rte_vmsg_pcie_stats_get(h.card, &ps0), 0);
	if (host)
		CHECK_U64(ps0.publishes, 1);
	CHECK_EQ(host_net_up(&h, event), 0);
	if (h.nd == NULL)
		goto close;
	CHECK_U64(traffic(&h, 300, event, &seed), 300);
	CHECK_EQ(rte_vmsg_pcie_stats_get(h.card, &ps1), 0);
	pcie_fake_stats_get(f, &st);
	if (host)
		CHECK_U64(__atomic_load_n(&card.attaches, __ATOMIC_RELAXED), 1);
	if (host) {
		/*
		 * ARCHITECTURE.md §2.7: the host polls only host memory. Not one
		 * BAR read since the open but the doorbell's read-backs (versal);
		 * writes are the doorbells.
		 */
		for (i = 0; i < RTE_VMSG_PCIE_MAX_BARS; i++) {
			CHECK_U64(ps1.bar_reads[i] - ps0.bar_reads[i],
				  (int32_t)i == (profile == RTE_VMSG_PCIE_PROFILE_VERSAL ? 1 : 0)
					  ? ps1.doorbell_readbacks - ps0.doorbell_readbacks
					  : 0);
		}
		CHECK_U64(ps1.publishes, 1);
	}
	if (event) {
		CHECK(ps1.doorbells > 0);
		CHECK_U64(st.doorbells, ps1.doorbells);
		if (profile == RTE_VMSG_PCIE_PROFILE_VERSAL) {
			CHECK_U64(ps1.doorbell_readbacks, ps1.doorbells);
			CHECK_U64(st.doorbell_readbacks, ps1.doorbells);
		} else {
			CHECK_U64(ps1.doorbell_readbacks, 0);
		}
		CHECK(__atomic_load_n(&card.doorbell_wakes, __ATOMIC_RELAXED) > 0);
	} else {
		CHECK_U64(ps1.doorbells, 0);
		CHECK_U64(st.doorbells, 0);
		CHECK_U64(st.doorbell_readbacks, 0);
	}
	if (reset_mid) {
		lost = bus_peer_lost(h.bus);
		__atomic_store_n(&card.reset_req, 1, __ATOMIC_RELEASE);
		/* The host sees the loss (v1: the card's head SHUTDOWN; v0: its indices rewound). */
		deadline = rte_vmsg_time_ns() + 3000000000ull;
		while (bus_peer_lost(h.bus) == lost && rte_vmsg_time_ns() < deadline) {
			rte_vmsg_bus_poll(h.bus);
			usleep(100);
		}
		CHECK(bus_peer_lost(h.bus) > lost);
		rte_vmsg_net_drv_destroy(h.nd);
		h.nd = NULL;
		CHECK_EQ(host_net_up(&h, event), 0);
		if (h.nd == NULL)
			goto close;
		CHECK_U64(traffic(&h, 300, event, &seed), 300);
		CHECK_U64(__atomic_load_n(&card.resets, __ATOMIC_RELAXED), 1);
		CHECK_EQ(rte_vmsg_pcie_stats_get(h.card, &ps1), 0);
		if (host) {
			/* Published again after the reset, and taken. */
			CHECK(ps1.publishes >= 2);
			CHECK(__atomic_load_n(&card.attaches, __ATOMIC_RELAXED) >= 2);
		}
	}
	CHECK_U64(__atomic_load_n(&card.refused, __ATOMIC_RELAXED), 0);
	rte_vmsg_net_drv_destroy(h.nd);
close:
	rte_vmsg_pcie_close(h.card);
	check_left_clean(f);
	pcie_fake_stats_get(f, &st);
	CHECK_U64(st.dma_maps, st.dma_unmaps);
out:
	card_stop(&card);
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

/* Asks for the device back as soon as the open has armed the REQ notifier. */
static void *req_soon(void *arg)
{
	struct pcie_fake *f = arg;
	uint64_t deadline = rte_vmsg_time_ns() + 5000000000ull;

	while (pcie_fake_request(f) != 0 && rte_vmsg_time_ns() < deadline)
		usleep(1000);
	return NULL;
}

/*
 * The kernel wants the device back while the open waits: for the card's
 * layout (an ivshmem card whose side is not running), and for the link (the
 * link in host memory, nobody on the card to take it). Each open
 * gives up at once with -ENODEV, not at the end of its 5 s: the kernel's
 * unbind waits for the close. And no reset at that close.
 */
static void test_req_open(void)
{
	struct pcie_fake_cfg fc;
	struct rte_vmsg_pcie_opts o;
	struct rte_vmsg_pcie *c = NULL;
	struct pcie_fake_stats st;
	struct pcie_fake *f;
	pthread_t tid;
	uint64_t t0;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		memset(&fc, 0, sizeof(fc));
		fc.can_reset = true;
		f = pcie_fake_create(&fc);
		o = opts_quick();
		o.wait_ns = 5000000000ull;
		if (pass == 1)
			o.placement = RTE_VMSG_PCIE_PLACEMENT_HOST;
		CHECK_EQ(pthread_create(&tid, NULL, req_soon, f), 0);
		t0 = rte_vmsg_time_ns();
		CHECK_EQ(fopen_card(f, &o, &c), -ENODEV);
		CHECK(rte_vmsg_time_ns() - t0 < 2000000000ull);
		CHECK(c == NULL);
		CHECK(log_has("the kernel wants the device back"));
		CHECK(log_has("the kernel took the device back during the open: given up"));
		pthread_join(tid, NULL);
		check_left_clean(f);
		pcie_fake_stats_get(f, &st);
		CHECK_U64(st.resets, 1); /* at open only */
		pcie_fake_destroy(f);
	}
}

/*
 * rte_vmsg_pcie_close_keep_dma(): the card closed as by rte_vmsg_pcie_close()
 * (its DMA unmapped from the device, its link and BARs gone), the DMA
 * memory still there with what was written in it, the caller's to free.
 */
static void test_keep_dma(void)
{
	struct rte_vmsg_pcie_opts o = opts_quick();
	struct rte_vmsg_region *keep = (struct rte_vmsg_region *)1;
	struct rte_vmsg_pcie *c = NULL;
	struct pcie_fake_stats st;
	struct pcie_fake_cfg fc;
	uint64_t bus = 0, len = 0;
	struct pcie_fake *f;
	struct card card;
	uint8_t *dma = NULL, *base;
	uint64_t i;

	CHECK_EQ(rte_vmsg_pcie_close_keep_dma(NULL, &keep), -EINVAL);
	CHECK(keep == NULL);
	memset(&fc, 0, sizeof(fc));
	f = pcie_fake_create(&fc);
	CHECK_EQ(card_start(&card, f, 0, 64), 0);
	o.wait_ns = 2000000000ull;
	CHECK_EQ(fopen_card(f, &o, &c), 0);
	if (c == NULL)
		goto out;
	CHECK_EQ(rte_vmsg_pcie_close_keep_dma(c, NULL), -EINVAL); /* not closed */
	CHECK_EQ(rte_vmsg_pcie_dma(c, (void **)&dma, &bus, &len), 0);
	for (i = 0; i < len; i += 4096)
		dma[i] = (uint8_t)(i >> 12);
	CHECK_EQ(rte_vmsg_pcie_close_keep_dma(c, &keep), 0);
	CHECK(keep != NULL);
	if (keep == NULL)
		goto out;
	pcie_fake_stats_get(f, &st);
	CHECK_U64(st.dma_maps, st.dma_unmaps);
	CHECK_U64(st.opens, st.closes);
	CHECK_EQ(st.bars_mapped, 0);
	base = rte_vmsg_region_addr(keep);
	CHECK(base <= dma && dma + len <= base + rte_vmsg_region_len(keep));
	for (i = 0; i < len; i += 4096)
		if (dma[i] != (uint8_t)(i >> 12))
			break;
	CHECK_U64(i >= len, 1);
	rte_vmsg_region_destroy(keep);
out:
	card_stop(&card);
	pcie_fake_destroy(f);
}

int main(void)
{
	rte_vmsg_log_set_handler(log_capture, RTE_VMSG_LOG_DEBUG, NULL);
	test_bdf();
	test_open_errors();
	test_open_mismatch();
	run_traffic(0, 0); /* polling only */
	run_traffic(1, 1); /* doorbells both ways, with a resettable card */
	/* ivshmem with the link in host memory; amp-pci v1 and v0; versal v0 and v1. */
	run_profile(RTE_VMSG_PCIE_PROFILE_IVSHMEM, RTE_VMSG_PCIE_PLACEMENT_HOST, 0, 0, 1);
	run_profile(RTE_VMSG_PCIE_PROFILE_IVSHMEM, RTE_VMSG_PCIE_PLACEMENT_HOST, 0, 1, 0);
	run_profile(RTE_VMSG_PCIE_PROFILE_AMP_PCI, 0, 0, 1, 1);
	run_profile(RTE_VMSG_PCIE_PROFILE_AMP_PCI, 0, RTE_VMSG_PCIE_LAYOUT_V0, 0, 0);
	run_profile(RTE_VMSG_PCIE_PROFILE_VERSAL, 0, 0, 1, 1);
	run_profile(RTE_VMSG_PCIE_PROFILE_VERSAL, 0, RTE_VMSG_PCIE_LAYOUT_V1, 0, 1);
	test_req();
	test_req_open();
	test_keep_dma();
	return vtest_done("test_pcie");
}
