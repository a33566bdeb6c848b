/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vm-guest: the driver side of the vm suite's scenarios, against the test
 * card (tools/vmsg-card). In the guest it opens the card through vfio-pci
 * with the pcie API (--pcie BDF; statically linked into the initramfs); on
 * the host it attaches the same memory as a guest would, through the ivshmem
 * server (--ivshmem SOCK, doorbells) or the plain file (--shm FILE), so that
 * the card and this program are tested without QEMU too.
 *
 * Each round: START, then --count DATA frames each way, every frame the
 * card sends checked byte by byte here (vmsg_card_frames.h), and the card's
 * VERDICT on ours. A card that restarts or resets under us (the link's peer
 * lost, a broken queue, DEVICE_NEEDS_RESET) is recovered from: the virtio-net
 * driver is made again and the round starts over. --cue NAME prints
 * "VMSYNC NAME" halfway through the first round, then holds its frames back
 * until such a recovery (the host restarts the card on the cue), which the
 * round then requires.
 *
 * Exit 0 when every round passed; 1 on a failure (one line says which);
 * 2 for a usage error.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_common.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>
#ifdef VM_GUEST_PCIE
#include <sys/eventfd.h>

#include <rte_vmsg_pcie.h>

#include "pcie_amp_priv.h"
#endif

#include "ivshmem_proto.h"
#include "vmsg_util.h"
#include "vmsg_card_frames.h"

#define NAME "vm-guest"
#define BURST 32u
#define SEC UINT64_C(1000000000)

static struct {
	const char *pcie, *ivshmem, *shm, *probe, *iommu;
	uint32_t probe_msix;
	int event;
	int host_placement; /* --placement host */
	uint32_t count, rounds, seed;
	const char *cue;
	uint64_t timeout_ns, stall_ns;
	int expect_irq;
	/* the card */
#ifdef VM_GUEST_PCIE
	struct rte_vmsg_pcie *card;
#endif
	struct ivshmem_client iv;
	uint8_t *mem;
	uint64_t mem_len;
	struct rte_vmsg_region *region;
	struct rte_vmsg_bus_amp *amp;
	struct rte_vmsg_bus *bus;
	void *dma;
	uint64_t dma_bus, dma_size;
	/* the device */
	struct rte_vmsg_net_drv *nd;
	uint64_t lost_seen;
	uint32_t recoveries;
	uint32_t queue_breaks; /* virtqueues that broke (a hostile card), recovered from */
} g;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " NAME " (--pcie BDF | --ivshmem SOCK | --shm FILE) [options]\n"
		"  --pcie BDF        open the card through vfio-pci (the pcie API)\n"
		"  --ivshmem SOCK    host test: attach through vmsg-ivshmem-server's QEMU socket\n"
		"  --shm FILE        host test: attach an ivshmem-plain file (polling only)\n"
		"  --notify MODE     poll (default) or event (doorbells and MSI-X)\n"
		"  --placement P     --pcie: bar (default: the link in the card's BAR2) or host\n"
		"                    (in this side's DMA memory, published in the mailbox)\n"
		"  --count N         DATA frames each way per round (default 1000)\n"
		"  --rounds N        rounds (default 1)\n"
		"  --seed S          seed of the first round (default 1)\n"
		"  --cue NAME        print 'VMSYNC NAME' halfway through round 1 and require\n"
		"                    a recovery from a card restart before it ends\n"
		"  --expect-irq      event mode: require doorbells and MSI-X interrupts counted\n"
		"  --timeout SEC     whole run (default 60); --stall SEC without progress (10)\n"
		"  --vfio-probe BDF  only the VFIO layer of drivers/pcie_amp on the card: open,\n"
		"                    regions, BARs, the card's layout magic through the BAR2\n"
		"                    mapping; --msix N: N MSI-X vectors armed to eventfds\n"
		"  --iommu-check BDF an emulated e1000 bound to vfio-pci: its DMA reaches a ring\n"
		"                    mapped for it; a ring at memory never mapped stays untouched\n"
		"With VMG_DEBUG set in the environment, the library logs at debug level.\n");
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, NAME ": FAILED: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* ------------------------------------------------------------------------ */
/* The card: through the pcie API, or (host tests) the memory directly        */

static int map_fd(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || st.st_size <= 0)
		return -1;
	g.mem_len = (uint64_t)st.st_size;
	g.mem = mmap(NULL, g.mem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	return g.mem == MAP_FAILED ? -1 : 0;
}

/*
 * Host tests: the driver end of the bare link at 4 KiB, as the ivshmem
 * profile makes it in the guest, and the second half of the memory as the
 * DMA area (bus address = offset in the memory, as in the BAR placement).
 */
static void host_open(void)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_bus_opts bo;
	struct ivshmem_peer *self = NULL, *cardp = NULL;
	uint64_t t0 = rte_vmsg_time_ns();
	char err[256];
	int rc, fd;

	if (g.ivshmem != NULL) {
		if (ivshmem_client_connect(&g.iv, g.ivshmem, 1, err, sizeof(err)) < 0)
			fail("%s", err);
		self = ivshmem_client_peer(&g.iv, g.iv.id);
		cardp = ivshmem_client_peer(&g.iv, 0);
		if (cardp == NULL || cardp->nfd == 0)
			fail("the ivshmem server announced no card (peer 0)");
		fd = g.iv.shm_fd;
	} else {
		fd = open(g.shm, O_RDWR | O_CLOEXEC);
	}
	if (fd < 0 || map_fd(fd) < 0)
		fail("mapping the card's memory: %s", strerror(errno));
	if (g.shm != NULL)
		close(fd);
	rc = rte_vmsg_region_register(g.mem, (size_t)g.mem_len, 0, RTE_VMSG_REGION_F_SHARED,
				      &g.region);
	if (rc < 0)
		fail("rte_vmsg_region_register: %s", strerror(-rc));
	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = RTE_VMSG_BUS_DRIVER;
	ao.region = g.region;
	ao.offset = 4096;
	ao.size = g.mem_len / 2 - 4096;
	ao.layout = RTE_VMSG_AMP_LAYOUT_V1;
	if (g.event) {
		ao.tx_bell.sz = sizeof(ao.tx_bell);
		ao.tx_bell.kind = RTE_VMSG_BELL_EVENTFD;
		ao.tx_bell.fd = cardp->efd[0];
		ao.rx_wait.sz = sizeof(ao.rx_wait);
		ao.rx_wait.kind = RTE_VMSG_BELL_EVENTFD;
		ao.rx_wait.fd = self->efd[0];
	}
	do {
		rc = rte_vmsg_bus_amp_create(&ao, &g.amp);
		if (rc == -EAGAIN)
			usleep(1000); /* the card has not written the layout yet */
	} while (rc == -EAGAIN && rte_vmsg_time_ns() - t0 < 10 * SEC);
	if (rc < 0)
		fail("the AMP link: %s", strerror(-rc));
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DRIVER;
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), g.amp, &g.bus);
	if (rc < 0)
		fail("the bus: %s", strerror(-rc));
	g.dma = g.mem + g.mem_len / 2;
	g.dma_bus = g.mem_len / 2;
	g.dma_size = g.mem_len / 2;
}

static void card_open(void)
{
#ifdef VM_GUEST_PCIE
	if (g.pcie != NULL) {
		struct rte_vmsg_pcie_opts po;
		int rc;

		memset(&po, 0, sizeof(po));
		po.sz = sizeof(po);
		po.notify = g.event ? RTE_VMSG_PCIE_NOTIFY_EVENT : RTE_VMSG_PCIE_NOTIFY_POLL;
		po.placement = g.host_placement ? RTE_VMSG_PCIE_PLACEMENT_HOST
						: RTE_VMSG_PCIE_PLACEMENT_BAR;
		/*
		 * The test card's emulator reads the guest's RAM at guest-physical
		 * offsets: the DMA memory goes at IOVA = PA (a real card reaches
		 * any IOVA through the IOMMU).
		 */
		po.flags = RTE_VMSG_PCIE_F_IOVA_PA;
		rc = rte_vmsg_pcie_open(g.pcie, &po, &g.card);
		if (rc < 0)
			fail("rte_vmsg_pcie_open(%s): %s", g.pcie, strerror(-rc));
		g.bus = rte_vmsg_pcie_bus(g.card);
		rc = rte_vmsg_pcie_dma(g.card, &g.dma, &g.dma_bus, &g.dma_size);
		if (rc < 0)
			fail("rte_vmsg_pcie_dma: %s", strerror(-rc));
		return;
	}
#endif
	host_open();
}

static void card_close(void)
{
#ifdef VM_GUEST_PCIE
	if (g.card != NULL) {
		rte_vmsg_pcie_close(g.card);
		return;
	}
#endif
	rte_vmsg_bus_destroy(g.bus);
	rte_vmsg_bus_amp_destroy(g.amp);
	rte_vmsg_region_destroy(g.region);
	munmap(g.mem, g.mem_len);
	if (g.ivshmem != NULL)
		ivshmem_client_close(&g.iv);
}

/* Nothing to do: sleep on the card's interrupt (event mode) or go on polling. */
static void card_idle(void)
{
	/*
	 * 50 ms: long enough that the card's answer (doorbell, the card's
	 * work, MSI-X, all under TCG on a loaded host) wakes the wait before
	 * its timeout, so that the wake-ups are counted; a wait that never
	 * wakes shows as a slow round and no interrupt counted.
	 */
	const uint64_t idle_ns = 50000000;

	if (!g.event)
		return;
#ifdef VM_GUEST_PCIE
	if (g.card != NULL) {
		(void)rte_vmsg_pcie_wait(g.card, idle_ns);
		return;
	}
#endif
	(void)rte_vmsg_bus_amp_wait(g.amp, idle_ns);
}

#ifdef VM_GUEST_PCIE
/*
 * The VFIO layer alone (drivers/pcie_amp's private ops), below the card
 * layer: the kernel's vfio-pci with the emulated IOMMU, the BAR mapping of
 * the card's memory, the MSI-X vectors. Its set-up errors are the one-line
 * messages of the layer.
 */
static int vfio_probe(const char *bdf)
{
	const struct pcie_amp_vfio_ops *ops = &pcie_amp_vfio_kernel;
	struct pcie_amp_dev_info di;
	struct pcie_amp_bar bar;
	uint64_t size[3];
	uint32_t magic, i;
	void *dev;
	int fds[8], rc;

	/* The layer takes the canonical DDDD:BB:DD.F only. */
	if (strlen(bdf) != 12 || bdf[4] != ':' || bdf[7] != ':' || bdf[10] != '.')
		fail("--vfio-probe %s: give DDDD:BB:DD.F", bdf);
	rc = ops->open(NULL, bdf, &dev);
	if (rc < 0)
		fail("the VFIO layer cannot open %s: %s", bdf, strerror(-rc));
	rc = ops->info(dev, &di);
	if (rc < 0)
		fail("device info: %s", strerror(-rc));
	for (i = 0; i < 3; i++)
		if (ops->bar_size(dev, i, &size[i]) < 0)
			fail("the size of BAR%u", i);
	printf(NAME ": %s: %u regions, %u IRQ indices, %u MSI-X vectors, reset %s; "
		    "BAR0 %" PRIu64 " B, BAR1 %" PRIu64 " B, BAR2 %" PRIu64 " B\n",
	       bdf, di.num_regions, di.num_irqs, di.irq_count[PCIE_AMP_IRQ_MSIX],
	       di.can_reset ? "yes" : "no", size[0], size[1], size[2]);
	rc = ops->bar_map(dev, 2, &bar);
	if (rc < 0)
		fail("mapping BAR2: %s", strerror(-rc));
	if (bar.io_ops != NULL)
		magic = bar.io_ops->read32(bar.io_arg, 4096);
	else
		magic = *(volatile uint32_t *)(void *)((uint8_t *)bar.addr + 4096);
	printf(NAME ": BAR2 +4096 reads 0x%08x\n", magic);
	if ((magic & 0xffffu) != 0x4C4Fu)
		fail("no v1 layout magic (0x4C4F) at BAR2 + 4096: the card's memory is not seen");
	printf(NAME ": the card's v1 layout is seen through the BAR2 mapping\n");
	ops->bar_unmap(dev, &bar);
	if (g.probe_msix > 0) {
		if (g.probe_msix > di.irq_count[PCIE_AMP_IRQ_MSIX])
			fail("%u MSI-X vectors wanted, the device has %u", g.probe_msix,
			     di.irq_count[PCIE_AMP_IRQ_MSIX]);
		for (i = 0; i < g.probe_msix; i++)
			if ((fds[i] = eventfd(0, EFD_CLOEXEC)) < 0)
				fail("eventfd: %s", strerror(errno));
		rc = ops->irq_set(dev, PCIE_AMP_IRQ_MSIX, 0, g.probe_msix, fds);
		if (rc < 0)
			fail("arming %u MSI-X vectors: %s", g.probe_msix, strerror(-rc));
		rc = ops->irq_set(dev, PCIE_AMP_IRQ_MSIX, 0, 0, NULL);
		if (rc < 0)
			fail("disarming MSI-X: %s", strerror(-rc));
		printf(NAME ": %u MSI-X vectors armed to eventfds and disarmed\n", g.probe_msix);
		for (i = 0; i < g.probe_msix; i++)
			close(fds[i]);
	}
	ops->close(dev);
	printf(NAME ": ok\n");
	return 0;
}

/*
 * The IOMMU between a device and host memory (--iommu-check BDF, an
 * emulated e1000 bound to vfio-pci: QEMU's e1000 reads its transmit
 * descriptors and writes their status back by DMA, through the guest's
 * IOMMU). The test card's emulator reads the guest's RAM directly and so
 * never meets the IOMMU; this device does. First the write-back reaches a
 * descriptor ring mapped for the device (IOVA 1 GiB); then the ring's
 * address is the physical address of memory that is NOT mapped, holding a
 * descriptor asking for a write-back: the IOMMU refuses the read (the
 * guest kernel logs the DMAR fault), and the memory stays as it was.
 */
#define E1K_TCTL 0x0400u
#define E1K_TDBAL 0x3800u
#define E1K_TDBAH 0x3804u
#define E1K_TDLEN 0x3808u
#define E1K_TDH 0x3810u
#define E1K_TDT 0x3818u
#define E1K_TCTL_EN 0x2u
#define E1K_TCTL_PSP 0x8u
#define E1K_CMD_EOP_IFCS_RS (0x01u | 0x02u | 0x08u)
#define IOMMU_IOVA 0x40000000ull

struct e1k_desc {
	uint64_t addr;
	uint32_t lower; /* length, CSO, CMD << 24 */
	uint32_t upper; /* STA (bit 0: DD), CSS, special */
};

static void e1k_w32(struct pcie_amp_bar *b, uint32_t off, uint32_t v)
{
	if (b->io_ops != NULL)
		b->io_ops->write32(b->io_arg, off, v);
	else
		*(volatile uint32_t *)(void *)((uint8_t *)b->addr + off) = v;
}

static uint32_t e1k_r32(struct pcie_amp_bar *b, uint32_t off)
{
	if (b->io_ops != NULL)
		return b->io_ops->read32(b->io_arg, off);
	return *(volatile uint32_t *)(void *)((uint8_t *)b->addr + off);
}

/* Points the transmit ring at @p ring_iova and hands the device one descriptor. */
static void e1k_kick(struct pcie_amp_bar *b, uint64_t ring_iova)
{
	e1k_w32(b, E1K_TCTL, 0);
	e1k_w32(b, E1K_TDBAL, (uint32_t)ring_iova);
	e1k_w32(b, E1K_TDBAH, (uint32_t)(ring_iova >> 32));
	e1k_w32(b, E1K_TDLEN, 8 * sizeof(struct e1k_desc));
	e1k_w32(b, E1K_TDH, 0);
	e1k_w32(b, E1K_TDT, 0);
	e1k_w32(b, E1K_TCTL, E1K_TCTL_EN | E1K_TCTL_PSP);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	e1k_w32(b, E1K_TDT, 1);
}

static struct rte_vmsg_region *hugepage(void)
{
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_region *r = NULL;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_ANON;
	ro.flags = RTE_VMSG_REGION_OPT_NO_FALLBACK | RTE_VMSG_REGION_OPT_PREFAULT;
	ro.size = 2u << 20;
	if (rte_vmsg_region_create(&ro, &r) < 0)
		fail("no hugepage for the check");
	return r;
}

static int iommu_check(const char *bdf)
{
	const struct pcie_amp_vfio_ops *ops = &pcie_amp_vfio_kernel;
	struct rte_vmsg_region *mapped = hugepage(), *unmapped = hugepage();
	volatile struct e1k_desc *ring = rte_vmsg_region_addr(mapped);
	volatile struct e1k_desc *lure = rte_vmsg_region_addr(unmapped);
	struct e1k_desc want;
	struct pcie_amp_bar bar;
	uint64_t iova = IOMMU_IOVA, pa, t_end;
	uint16_t cmd;
	void *dev;
	int rc;

	rc = ops->open(NULL, bdf, &dev);
	if (rc < 0)
		fail("the VFIO layer cannot open %s: %s", bdf, strerror(-rc));
	if (ops->cfg_read(dev, PCIE_AMP_CFG_COMMAND, &cmd, 2) < 0)
		fail("reading the command register");
	cmd |= PCIE_AMP_CMD_MEMORY | PCIE_AMP_CMD_MASTER;
	if (ops->cfg_write(dev, PCIE_AMP_CFG_COMMAND, &cmd, 2) < 0)
		fail("bus mastering on");
	rc = ops->bar_map(dev, 0, &bar);
	if (rc < 0)
		fail("mapping BAR0: %s", strerror(-rc));
	rc = ops->dma_map(dev, (void *)(uintptr_t)ring, 2u << 20, &iova);
	if (rc < 0)
		fail("VFIO_IOMMU_MAP_DMA at 0x%" PRIx64 ": %s", iova, strerror(-rc));

	/* 1. A ring the device was given: its write-back lands. */
	memset(&want, 0, sizeof(want));
	want.addr = IOMMU_IOVA + 4096; /* a 64-byte frame in the mapped page */
	want.lower = 64u | E1K_CMD_EOP_IFCS_RS << 24;
	memset((void *)(uintptr_t)ring, 0, 4096);
	ring[0].addr = want.addr;
	ring[0].lower = want.lower;
	e1k_kick(&bar, IOMMU_IOVA);
	t_end = rte_vmsg_time_ns() + 2 * SEC;
	while ((ring[0].upper & 1u) == 0 && rte_vmsg_time_ns() < t_end)
		usleep(1000);
	if ((ring[0].upper & 1u) == 0)
		fail("the device never wrote its descriptor back at IOVA 0x%" PRIx64
		     " (TDH %u): no DMA through the IOMMU",
		     iova, e1k_r32(&bar, E1K_TDH));
	printf(NAME ": mapped: the device's DMA through the IOMMU wrote the descriptor "
		    "back at IOVA 0x%" PRIx64 "\n",
	       iova);

	/* 2. A ring at memory it was not given, by its physical address. */
	if (pcie_amp_phys_addr((const void *)(uintptr_t)lure, &pa) < 0)
		fail("the physical address of the lure (run as root)");
	memset((void *)(uintptr_t)lure, 0, 4096);
	lure[0].addr = want.addr;
	lure[0].lower = want.lower;
	e1k_kick(&bar, pa);
	usleep(300000);
	if (lure[0].upper != 0 || lure[0].addr != want.addr || lure[0].lower != want.lower)
		fail("memory the device was never given changed: the IOMMU let it through");
	printf(NAME ": unmapped: a ring at physical address 0x%" PRIx64
		    " (not mapped for the device) stays untouched: the IOMMU refused the DMA\n",
	       pa);
	(void)ops->dma_unmap(dev, IOMMU_IOVA, 2u << 20);
	e1k_w32(&bar, E1K_TCTL, 0);
	ops->bar_unmap(dev, &bar);
	ops->close(dev);
	rte_vmsg_region_destroy(mapped);
	rte_vmsg_region_destroy(unmapped);
	printf(NAME ": ok\n");
	return 0;
}

#endif

/* ------------------------------------------------------------------------ */
/* The device                                                                */

static uint64_t peer_lost(void)
{
	struct rte_vmsg_bus_stats st;

	return rte_vmsg_bus_stats_get(g.bus, &st) == 0 ? st.peer_lost : 0;
}

/* The virtio-net driver, brought up; retried while the card is (re)starting. */
static void device_up(uint64_t deadline)
{
	struct rte_vmsg_net_drv_opts o;
	int rc;

	for (;;) {
		rc = rte_vmsg_bus_wait_connected(g.bus, 5 * SEC, NULL, NULL);
		if (rc == 0) {
			memset(&o, 0, sizeof(o));
			o.sz = sizeof(o);
			o.bus = g.bus;
			o.dev_num = 1;
			o.queue_pairs = 1;
			o.dma_addr = g.dma;
			o.dma_bus_addr = g.dma_bus;
			o.dma_size = g.dma_size;
			o.notify = g.event ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;
			o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
			g.lost_seen = peer_lost();
			rc = rte_vmsg_net_drv_create(&o, &g.nd);
			if (rc == 0 && peer_lost() == g.lost_seen)
				return;
			rte_vmsg_net_drv_destroy(g.nd);
			g.nd = NULL;
		}
		/* A card that restarts answers nothing for a while: not an error yet. */
		if (rte_vmsg_time_ns() > deadline)
			fail("the virtio-net device did not come up: %s", strerror(-rc));
		printf(NAME ": bringing the device up: %s; again\n", strerror(-rc));
		usleep(100000);
	}
}

static void device_down(void)
{
	rte_vmsg_net_drv_destroy(g.nd);
	g.nd = NULL;
}

/* ------------------------------------------------------------------------ */
/* A round                                                                   */

/*
 * What the card and this side have done of a round: restarts when the card
 * is lost (the card forgets the round with its device).
 */
struct round {
	uint32_t seed;
	int started;
	uint32_t tx_next, rx_next;
	int verdict;
	uint32_t card_good, card_bad;
};

static int tx_frames(struct round *r)
{
	static uint8_t buf[BURST][VMSG_CARD_MAX_LEN];
	struct rte_vmsg_net_pkt pk[BURST];
	uint32_t n = 0;
	int k;

	if (!r->started) {
		memset(&pk[0], 0, sizeof(pk[0]));
		pk[0].data = buf[0];
		pk[0].len = vmsg_card_control(buf[0], VMSG_CARD_TO_CARD, VMSG_CARD_START, 0,
					      g.count, r->seed);
		k = rte_vmsg_net_drv_tx_burst(g.nd, 0, pk, 1);
		if (k == 1) {
			r->started = 1;
			/*
			 * Nothing of the card's can be here yet: in event mode,
			 * wait for it. The wait arms, sleeps and is woken by
			 * the card's MSI-X vector (counted), whatever the pace
			 * of the rest of the round, which may never be idle.
			 */
			card_idle();
		}
		return k;
	}
	while (n < BURST && r->tx_next + n < g.count) {
		memset(&pk[n], 0, sizeof(pk[n]));
		pk[n].data = buf[n];
		pk[n].len =
			vmsg_card_data(buf[n], r->seed, VMSG_CARD_TO_CARD, r->tx_next + n, g.count);
		n++;
	}
	if (n == 0)
		return 0;
	k = rte_vmsg_net_drv_tx_burst(g.nd, 0, pk, n);
	if (k > 0)
		r->tx_next += (uint32_t)k;
	return k;
}

static int rx_frames(struct round *r)
{
	static uint8_t buf[BURST][VMSG_CARD_MAX_LEN + 64];
	struct rte_vmsg_net_pkt pk[BURST];
	struct vmsg_card_hdr h;
	uint32_t i;
	int32_t at;
	int k;

	for (i = 0; i < BURST; i++) {
		memset(&pk[i], 0, sizeof(pk[i]));
		pk[i].data = buf[i];
		pk[i].cap = sizeof(buf[i]);
	}
	k = rte_vmsg_net_drv_rx_burst(g.nd, 0, pk, BURST);
	for (i = 0; k > 0 && i < (uint32_t)k; i++) {
		if (vmsg_card_parse(pk[i].data, pk[i].len, &h) < 0)
			fail("round %u: a frame of %u bytes that is not the card's", r->seed,
			     pk[i].len);
		if (h.kind == VMSG_CARD_VERDICT) {
			if (r->rx_next != g.count)
				fail("round %u: the card's verdict after %u of its %u frames",
				     r->seed, r->rx_next, g.count);
			r->verdict = 1;
			r->card_good = h.seq;
			r->card_bad = h.count;
			continue;
		}
		if (h.kind != VMSG_CARD_DATA || r->verdict)
			fail("round %u: a frame of kind %u out of place", r->seed, h.kind);
		at = vmsg_card_check(pk[i].data, pk[i].len, r->seed, VMSG_CARD_TO_DRIVER,
				     r->rx_next, g.count);
		if (at >= 0)
			fail("round %u: the card's frame %u (%u bytes, seq %u) differs from byte "
			     "%d",
			     r->seed, r->rx_next, pk[i].len, h.seq, at);
		r->rx_next++;
	}
	return k;
}

/* One round; returns after the verdict, recovering from card restarts on the way. */
static void run_round(uint32_t seed, int cue, uint64_t deadline)
{
	struct round r;
	uint64_t t0 = rte_vmsg_time_ns(), progress = t0;
	uint32_t recov0 = g.recoveries;
	int cued = 0, k1, k2;
	const char *why;

	memset(&r, 0, sizeof(r));
	r.seed = seed;
	while (!r.verdict) {
		rte_vmsg_bus_poll(g.bus);
		why = NULL;
		/*
		 * After the cue, hold our frames back (the bus and the receive
		 * side still run) until the card restarts: the round cannot end
		 * before the host acts, however slow it is to.
		 */
		k1 = cued && g.recoveries == recov0 ? 0 : tx_frames(&r);
		k2 = k1 < 0 ? 0 : rx_frames(&r);
		if (k1 < 0 || k2 < 0) {
			why = "a queue broke";
			g.queue_breaks++;
		} else if (peer_lost() != g.lost_seen)
			why = "the card restarted";
		else if (rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(g.nd)))
			why = "the device needs a reset";
		if (why != NULL) {
			/* The card forgot the round with its device: start it over. */
			printf(NAME ": round %u: %s at tx %u rx %u; recovering\n", seed, why,
			       r.tx_next, r.rx_next);
			device_down();
			device_up(deadline);
			g.recoveries++;
			memset(&r, 0, sizeof(r));
			r.seed = seed;
			progress = rte_vmsg_time_ns();
			continue;
		}
		if (cue && !cued && r.rx_next >= g.count / 2) {
			printf("VMSYNC %s\n", g.cue);
			fflush(stdout);
			cued = 1;
		}
		if (k1 > 0 || k2 > 0) {
			progress = rte_vmsg_time_ns();
			continue;
		}
		if (rte_vmsg_time_ns() > deadline)
			fail("round %u: out of time at tx %u rx %u", seed, r.tx_next, r.rx_next);
		if (rte_vmsg_time_ns() - progress > g.stall_ns)
			fail("round %u: no progress for %" PRIu64 " s at tx %u rx %u", seed,
			     g.stall_ns / SEC, r.tx_next, r.rx_next);
		card_idle();
	}
	if (r.card_good != g.count || r.card_bad != 0)
		fail("round %u: the card took %u of our %u frames good, %u bad", seed, r.card_good,
		     g.count, r.card_bad);
	if (cue && g.recoveries == recov0)
		fail("round %u: ended without the card restart it cued", seed);
	printf(NAME ": round %u: %u frames each way checked byte by byte; the card's verdict: "
		    "%u good, 0 bad; %.2f s\n",
	       seed, g.count, r.card_good, (double)(rte_vmsg_time_ns() - t0) / 1e9);
}

/* The counters each mode must show: no events when polling; interrupts when asked. */
static void check_counters(void)
{
	struct rte_vmsg_net_queue_stats qs;
	uint64_t notifies = 0, events = 0;
	uint32_t i;

	for (i = 0; i < 2; i++)
		if (rte_vmsg_net_drv_stats_get(g.nd, i, &qs, NULL) == 0) {
			notifies += qs.notifies;
			events += qs.events;
		}
	printf(NAME ": EVENT_AVAIL sent %" PRIu64 ", EVENT_USED received %" PRIu64 "\n", notifies,
	       events);
	if (!g.event && (notifies != 0 || events != 0))
		fail("polling only, and events went: %" PRIu64 " EVENT_AVAIL, %" PRIu64
		     " EVENT_USED",
		     notifies, events);
	{
		/* What a hostile card made this side see (each one recovered from). */
		uint64_t breaks = 0, recov = 0;
		struct rte_vmsg_bus_amp_stats as;

		if (g.amp != NULL && rte_vmsg_bus_amp_stats_get(g.amp, &as) == 0) {
			breaks = as.link_breaks;
			recov = as.link_recoveries;
		}
#ifdef VM_GUEST_PCIE
		struct rte_vmsg_pcie_stats ps;

		if (g.card != NULL && rte_vmsg_pcie_stats_get(g.card, &ps) == 0) {
			breaks = ps.link_breaks;
			recov = ps.link_recoveries;
		}
#endif
		printf(NAME ": link breaks %" PRIu64 ", link recoveries %" PRIu64
			    ", queue breaks %u\n",
		       breaks, recov, g.queue_breaks);
	}
	if (g.amp != NULL) {
		/* Host tests: the eventfd doorbells of the ivshmem server instead of MSI-X. */
		struct rte_vmsg_bus_amp_stats as;

		if (rte_vmsg_bus_amp_stats_get(g.amp, &as) == 0) {
			printf(NAME ": doorbells %" PRIu64 ", sleeps on the card's eventfd %" PRIu64
				    "\n",
			       as.bell_kicks, as.bell_sleeps);
			if (g.expect_irq && (as.bell_kicks == 0 || as.bell_sleeps == 0))
				fail("event mode, and no doorbell rung or no sleep on the card's "
				     "eventfd");
		}
	}
#ifdef VM_GUEST_PCIE
	if (g.card != NULL) {
		struct rte_vmsg_pcie_stats ps;

		if (rte_vmsg_pcie_stats_get(g.card, &ps) == 0) {
			printf(NAME ": doorbells %" PRIu64 ", MSI-X interrupts %" PRIu64 "\n",
			       ps.doorbells, ps.interrupts);
			printf(NAME ": BAR0 reads %" PRIu64 ", BAR2 reads %" PRIu64
				    ", BAR2 writes %" PRIu64 ", address published %" PRIu64
				    " times\n",
			       ps.bar_reads[0], ps.bar_reads[2], ps.bar_writes[2], ps.publishes);
			if (!g.event && (ps.doorbells != 0 || ps.interrupts != 0))
				fail("polling only, and doorbells rang or interrupts came");
			if (g.expect_irq && (ps.doorbells == 0 || ps.interrupts == 0))
				fail("event mode, and no doorbell or no MSI-X interrupt counted");
		}
	}
#endif
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "pcie", required_argument, NULL, 'P' },
		{ "ivshmem", required_argument, NULL, 'V' },
		{ "shm", required_argument, NULL, 'S' },
		{ "notify", required_argument, NULL, 'n' },
		{ "placement", required_argument, NULL, 'L' },
		{ "count", required_argument, NULL, 'c' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "seed", required_argument, NULL, 's' },
		{ "cue", required_argument, NULL, 'C' },
		{ "expect-irq", no_argument, NULL, 'i' },
		{ "timeout", required_argument, NULL, 't' },
		{ "stall", required_argument, NULL, 'T' },
		{ "vfio-probe", required_argument, NULL, 'F' },
		{ "msix", required_argument, NULL, 'm' },
		{ "iommu-check", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t deadline, v = 0;
	uint32_t i;
	int c, srcs, bad;

	g.count = 1000;
	g.rounds = 1;
	g.seed = 1;
	g.timeout_ns = 60 * SEC;
	g.stall_ns = 10 * SEC;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		bad = 0;
		switch (c) {
		case 'P':
			g.pcie = optarg;
			break;
		case 'V':
			g.ivshmem = optarg;
			break;
		case 'S':
			g.shm = optarg;
			break;
		case 'n':
			if (strcmp(optarg, "poll") != 0 && strcmp(optarg, "event") != 0) {
				fprintf(stderr, NAME ": --notify %s: poll or event\n", optarg);
				return 2;
			}
			g.event = strcmp(optarg, "event") == 0;
			break;
		case 'c':
			bad = vmsg_util_parse_u32(optarg, 0, 1, UINT32_MAX - 1, &g.count);
			break;
		case 'r':
			bad = vmsg_util_parse_u32(optarg, 0, 1, 1000000, &g.rounds);
			break;
		case 's':
			bad = vmsg_util_parse_u32(optarg, 0, 0, UINT32_MAX, &g.seed);
			break;
		case 'C':
			g.cue = optarg;
			break;
		case 'L':
			if (strcmp(optarg, "bar") != 0 && strcmp(optarg, "host") != 0) {
				fprintf(stderr, NAME ": --placement %s: bar or host\n", optarg);
				return 2;
			}
			g.host_placement = strcmp(optarg, "host") == 0;
			break;
		case 'i':
			g.expect_irq = 1;
			break;
		case 't':
		case 'T':
			bad = vmsg_util_parse_u64(optarg, 0, 0, 1, 86400, &v);
			*(c == 't' ? &g.timeout_ns : &g.stall_ns) = v * SEC;
			break;
		case 'F':
			g.probe = optarg;
			break;
		case 'm':
			bad = vmsg_util_parse_u32(optarg, 0, 1, 8, &g.probe_msix);
			break;
		case 'M':
			g.iommu = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
		if (bad < 0) {
			fprintf(stderr, NAME ": %s: %s (see --help)\n", optarg,
				bad == -ERANGE ? "out of range" : "not a number");
			return 2;
		}
	}
	srcs = (g.pcie != NULL) + (g.ivshmem != NULL) + (g.shm != NULL) + (g.probe != NULL) +
	       (g.iommu != NULL);
	if (optind != argc || srcs != 1) {
		usage(stderr);
		return 2;
	}
#ifndef VM_GUEST_PCIE
	if (g.pcie != NULL || g.probe != NULL || g.iommu != NULL) {
		fprintf(stderr, NAME ": built without drivers/pcie_amp: no --pcie, --vfio-probe, "
				     "--iommu-check\n");
		return 2;
	}
#endif
	if (g.event && g.shm != NULL) {
		fprintf(stderr, NAME ": --shm has no doorbells: polling only\n");
		return 2;
	}
	/* The library is silent by default: its one-line errors are what the tests check. */
	rte_vmsg_log_set_handler(rte_vmsg_log_stderr,
				 getenv("VMG_DEBUG") ? RTE_VMSG_LOG_DEBUG : RTE_VMSG_LOG_WARNING,
				 NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
#ifdef VM_GUEST_PCIE
	if (g.probe != NULL)
		return vfio_probe(g.probe);
	if (g.iommu != NULL)
		return iommu_check(g.iommu);
#endif

	deadline = rte_vmsg_time_ns() + g.timeout_ns;
	card_open();
	device_up(deadline);
	for (i = 0; i < g.rounds; i++)
		run_round(g.seed + i, i == 0 && g.cue != NULL, deadline);
	check_counters();
	if (g.recoveries != 0)
		printf(NAME ": recovered from %u card restarts or resets\n", g.recoveries);
	device_down();
	card_close();
	printf(NAME ": ok\n");
	return 0;
}
