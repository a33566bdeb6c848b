/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-card: the test card on the host. It plays the device side of a
 * virtio-msg PCIe card on QEMU's ivshmem memory: a virtio-net device (lib/net
 * and the transport's device side) over a bare AMP link (v1 layout, written
 * by this side) at an offset of the shared memory, as the ivshmem card
 * profile of drivers/pcie_amp expects it (ARCHITECTURE.md §2.4b, §2.7).
 *
 * The memory comes from vmsg-ivshmem-server (ivshmem-doorbell: this card is
 * peer 0, it rings the guest's MSI-X vector through its eventfd and sleeps
 * on its own vector's eventfd) or from a plain file (ivshmem-plain: polling
 * only). ivshmem has no reset, so this program plays the card's reset: when
 * the driver's queue head goes back to INIT or to SHUTDOWN it rewrites the
 * layout and starts a new device. Killed and started again under a running
 * guest, it takes the same memory and eventfds and the driver reconnects.
 *
 * With --guest-ram (the guest's RAM, QEMU's memory-backend-file share=on)
 * the card reaches host memory as a card does by DMA: the driver's
 * virtqueue and buffer addresses are guest-physical addresses, offsets in
 * that file (the guest maps its DMA memory at IOVA = PA). --placement host
 * then takes the link's address from the mailbox in ivshmem memory
 * (rte_vmsg_pcie.h: RTE_VMSG_PCIE_IVSHMEM_MAILBOX) and attaches the device
 * end of the link the driver laid out in its own memory. A card restarted
 * under a running driver takes the last address still in the mailbox.
 *
 * --hostile FILE: on SIGUSR1 the card misbehaves once, as the first word of
 * FILE says: "index" (its queue head's producer index out of range),
 * "status" (a state that cannot be in its queue head), "used" (the receive
 * queue's used index jumps far ahead: a split ring, --ring split) or
 * "layout" (garbage in the layout
 * header it wrote, then a restart of its handshake: BAR placement), then
 * stops for half a second so that the value stays; or "stall" (the card
 * hangs for 1.5 s, alive, polling nothing: a driver with a keepalive takes
 * it for lost). The driver must detect it and recover; the card then
 * behaves again.
 *
 * Traffic: vmsg_card_frames.h. The driver starts a round with a START frame;
 * both ends send the round's DATA frames, each checked byte by byte on
 * arrival; the card answers with a VERDICT. One line per round on stdout.
 * With --backend loopback the device is lib/net's loopback instead: every
 * frame the driver sends comes back, Ethernet addresses swapped (what
 * vmsg-bench pcie measures packets per second through).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_common.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_pcie.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_virtq.h>

#include "ivshmem_proto.h"
#include "tool_util.h"
#include "vmsg_card_frames.h"

#define NAME "vmsg-card"
#define BURST 32u

/* One round of traffic (vmsg_card_frames.h). */
struct round {
	int active;
	uint32_t count, seed;
	uint32_t tx_next; /* next DATA frame to send */
	uint32_t rx_next; /* next DATA frame expected */
	uint32_t good, bad;
	int verdict_sent;
	uint64_t t0;
};

static struct {
	/* options */
	const char *server;
	const char *shm_path;
	uint64_t offset;
	uint64_t size;
	uint64_t mem_base;
	int event;
	uint32_t irq_vector;  /* the guest's vector this card rings */
	uint32_t bell_vector; /* this card's vector the guest rings */
	uint16_t dev_num;
	uint32_t elems;
	uint32_t queue_size;
	uint32_t payloads;
	uint32_t idle_us;
	int verbose;
	const char *guest_ram; /* the guest's RAM file: where its DMA addresses point */
	int host_placement;    /* the link in the guest's memory, its address in the mailbox */
	const char *hostile;   /* the file naming the misdeed of the next SIGUSR1 */
	int split_only;	       /* --ring split: no RING_PACKED offered */
	int loopback;	       /* --backend loopback: every frame back (vmsg-bench pcie) */
	/* memory and peers */
	struct ivshmem_client iv; /* with --server */
	int shm_fd;
	uint8_t *mem;
	uint64_t mem_len;
	int guest_id; /* the guest the device rings, or -1 */
	struct rte_vmsg_region *region;
	struct rte_vmsg_memmap *map;
	uint8_t *ram; /* --guest-ram */
	uint64_t ram_len;
	struct rte_vmsg_region *ram_region;
	uint64_t link_addr; /* HOST placement: the link's guest-physical address */
	int have_link;	    /* link_addr is set */
	uint64_t refused;   /* mailbox addresses outside the guest's RAM */
	/* the device: one incarnation per card reset */
	struct rte_vmsg_bus_amp *amp;
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_dev *nd;
	uint64_t resets;
	int attached; /* the driver's queues are attached: a session */
	struct round rd;
	uint64_t rounds_ok, rounds_bad;
} card;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " NAME " (--server PATH | --shm FILE) [options]\n"
		"\n"
		"The device side of librte_vmsg's test card: a virtio-net device over a bare\n"
		"AMP link (v1 layout) in QEMU ivshmem memory, as drivers/pcie_amp's ivshmem\n"
		"profile drives it from the guest. It runs until SIGINT or SIGTERM.\n"
		"\n"
		"  -s, --server PATH      the card socket of vmsg-ivshmem-server "
		"(ivshmem-doorbell):\n"
		"                         memory and eventfds from it, this card is peer 0\n"
		"  -f, --shm FILE         map FILE instead (ivshmem-plain's memory-backend-file):\n"
		"                         polling only\n"
		"  -o, --offset BYTES     where the layout starts, 64-byte aligned (default 4096)\n"
		"  -l, --size BYTES       bytes the layout may take (default: to the end)\n"
		"  -E, --elems N          link elements per direction, 2..65535 (default 62);\n"
		"                         (62: the layout fits 8 KiB, QEMU's 4-12 KiB window)\n"
		"  -b, --mem-base ADDR    bus address of the memory's first byte in the driver's\n"
		"                         virtqueue addresses (default 0: offsets in the memory)\n"
		"  -e, --notify MODE      poll (default: no doorbells, no EVENT_AVAIL/EVENT_USED)\n"
		"                         or event (EVENT_* messages, MSI-X, doorbells; --server)\n"
		"  -i, --irq-vector N     the guest's MSI-X vector this card rings (default 0)\n"
		"  -d, --bell-vector N    this card's vector the guest's doorbell hits (default "
		"0)\n"
		"  -n, --dev-num N        device number on the bus (default 1)\n"
		"  -q, --queue-size N     largest virtqueue, a power of two (default 256)\n"
		"  -p, --payloads P       v2 (default) or pre-v2\n"
		"  -I, --idle-us US       polling: nap this long after a thousand idle\n"
		"                         turns (default 50; 0 spins)\n"
		"  -g, --guest-ram FILE   the guest's RAM (memory-backend-file, share=on): the\n"
		"                         driver's DMA addresses are guest-physical, in it\n"
		"  -P, --placement P      bar (default: the layout in the ivshmem memory at\n"
		"                         --offset) or host (the driver's link in its RAM, its\n"
		"                         address in the mailbox at offset 0; needs --guest-ram)\n"
		"  -H, --hostile FILE     on SIGUSR1, misbehave once as FILE's first word says:\n"
		"                         index, status, used (split rings), layout or stall\n"
		"  -R, --ring R           any (default: the device offers packed rings too) or\n"
		"                         split (no RING_PACKED: the driver's queues stay split)\n"
		"  -B, --backend B        app (default: the rounds of vmsg_card_frames.h) or\n"
		"                         loopback (every frame back, addresses swapped: for\n"
		"                         vmsg-bench pcie)\n"
		"  -v, --verbose          one line per card reset and driver session\n"
		"  -h, --help             this text\n"
		"\n"
		"Traffic: the driver sends a START frame (vmsg_card_frames.h); the card then\n"
		"sends its DATA frames, checks the driver's byte by byte, answers with a\n"
		"VERDICT and prints one line per round:\n"
		"  " NAME ": round N: rx C/C good, B bad; tx C; T s\n");
}

/* ------------------------------------------------------------------------ */
/* The memory and the eventfds                                               */

/* The guest to ring: the newest (highest id) peer besides us, or NULL. */
static struct ivshmem_peer *guest_peer(void)
{
	struct ivshmem_peer *g = NULL;
	uint32_t i;

	for (i = 0; i < IVSHMEM_CLIENT_MAX_PEERS; i++) {
		struct ivshmem_peer *p = &card.iv.peer[i];

		if (p->used && p->id != 0 && p->nfd > card.irq_vector &&
		    (g == NULL || p->id > g->id))
			g = p;
	}
	return g;
}

static int server_attach(void)
{
	char err[256];

	/* Our own vectors come last in the greeting: wait until the one we sleep on is there. */
	if (ivshmem_client_connect(&card.iv, card.server, card.bell_vector + 1, err, sizeof(err)) <
	    0) {
		fprintf(stderr, NAME ": %s\n", err);
		return -1;
	}
	if (card.iv.id != 0) {
		fprintf(stderr,
			NAME ": the server made this card peer %u, not 0: is --server the "
			     "server's --card-socket?\n",
			card.iv.id);
		return -1;
	}
	card.shm_fd = card.iv.shm_fd;
	return 0;
}

static int map_memory(void)
{
	struct stat st;
	int fd = card.shm_fd;

	if (card.shm_path != NULL) {
		fd = open(card.shm_path, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, NAME ": %s: %s\n", card.shm_path, strerror(errno));
			return -1;
		}
		card.shm_fd = fd;
	}
	if (fstat(fd, &st) < 0 || st.st_size <= 0) {
		fprintf(stderr, NAME ": the shared memory has no size\n");
		return -1;
	}
	card.mem_len = (uint64_t)st.st_size;
	card.mem = mmap(NULL, card.mem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (card.mem == MAP_FAILED) {
		fprintf(stderr, NAME ": mapping %" PRIu64 " bytes: %s\n", card.mem_len,
			strerror(errno));
		return -1;
	}
	if (card.offset >= card.mem_len || card.size > card.mem_len - card.offset) {
		fprintf(stderr,
			NAME ": --offset %" PRIu64 " / --size %" PRIu64 " do not fit the %" PRIu64
			     "-byte memory\n",
			card.offset, card.size, card.mem_len);
		return -2;
	}
	if (card.mem_len - 1 > UINT64_MAX - card.mem_base) {
		fprintf(stderr,
			NAME ": --mem-base 0x%" PRIx64 ": the %" PRIu64 "-byte memory's bus "
			     "addresses pass 2^64\n",
			card.mem_base, card.mem_len);
		return -2;
	}
	/*
	 * The driver's virtqueue and buffer addresses: guest-physical addresses
	 * in its RAM (--guest-ram), or bus address mem_base + x is byte x of
	 * the ivshmem memory (a driver that keeps its DMA area there).
	 */
	if (rte_vmsg_region_register(card.mem, (size_t)card.mem_len, card.mem_base,
				     RTE_VMSG_REGION_F_SHARED, &card.region) < 0 ||
	    rte_vmsg_memmap_create(&card.map) < 0) {
		fprintf(stderr, NAME ": the map of the driver's memory\n");
		return -1;
	}
	if (card.guest_ram != NULL) {
		fd = open(card.guest_ram, O_RDWR | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0) {
			fprintf(stderr, NAME ": %s: %s\n", card.guest_ram,
				fd < 0 ? strerror(errno) : "no size");
			return -1;
		}
		card.ram_len = (uint64_t)st.st_size;
		card.ram = mmap(NULL, card.ram_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		close(fd);
		if (card.ram == MAP_FAILED) {
			fprintf(stderr, NAME ": mapping the guest's RAM: %s\n", strerror(errno));
			return -1;
		}
		/* q35, RAM below the PCI hole: guest-physical address x is byte x. */
		if (rte_vmsg_region_register(card.ram, (size_t)card.ram_len, 0,
					     RTE_VMSG_REGION_F_SHARED, &card.ram_region) < 0 ||
		    rte_vmsg_memmap_add(card.map, card.ram_region) < 0) {
			fprintf(stderr, NAME ": the map of the guest's RAM\n");
			return -1;
		}
		return 0;
	}
	if (rte_vmsg_memmap_add(card.map, card.region) < 0) {
		fprintf(stderr, NAME ": the map of the driver's memory\n");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The mailbox (HOST placement)                                              */

static uint32_t *mbox_word(uint32_t off)
{
	return (uint32_t *)(void *)(card.mem + RTE_VMSG_PCIE_IVSHMEM_MAILBOX + off);
}

/*
 * An address the driver published: taken when enable is 1 (enable back to
 * 0), or at start the last one still there (a card restarted under a
 * running driver). 1 with *addr set, 0 when there is none.
 */
static int mbox_take(int at_start, uint64_t *addr)
{
	uint32_t lo, hi;

	/* Acquire: pairs with the driver's barrier before enable (rte_vmsg_pcie publish()). */
	if (__atomic_load_n(mbox_word(RTE_VMSG_PCIE_MBOX_ENABLE), __ATOMIC_ACQUIRE) != 1 &&
	    !at_start)
		return 0;
	lo = rte_vmsg_le32_to_cpu(
		__atomic_load_n(mbox_word(RTE_VMSG_PCIE_MBOX_ADDR_LO), __ATOMIC_RELAXED));
	hi = rte_vmsg_le32_to_cpu(
		__atomic_load_n(mbox_word(RTE_VMSG_PCIE_MBOX_ADDR_HI), __ATOMIC_RELAXED));
	__atomic_store_n(mbox_word(RTE_VMSG_PCIE_MBOX_ENABLE), 0, __ATOMIC_RELEASE);
	*addr = (uint64_t)hi << 32 | lo;
	return *addr != 0;
}

/* The driver's address, checked as an IOMMU would: inside the guest's RAM, with room. */
static int link_addr_ok(uint64_t a)
{
	return (a & 63u) == 0 && a < card.ram_len && card.ram_len - a >= 8192;
}

/* ------------------------------------------------------------------------ */
/* The device, and the card's reset                                          */

static void device_down(void)
{
	rte_vmsg_net_dev_destroy(card.nd);
	rte_vmsg_bus_destroy(card.bus);
	rte_vmsg_bus_amp_destroy(card.amp);
	card.nd = NULL;
	card.bus = NULL;
	card.amp = NULL;
	card.attached = 0;
	card.rd.active = 0;
}

/*
 * A new incarnation of the device: the layout written again (the same
 * geometry keeps the driver's queue head, which then sees our INIT), a
 * fresh bus and a fresh virtio-net device in reset state.
 */
static int device_up(void)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_net_dev_opts no;
	struct ivshmem_peer *self = ivshmem_client_peer(&card.iv, 0), *guest = guest_peer();
	const char *what;
	int rc;

	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = RTE_VMSG_BUS_DEVICE;
	ao.layout = RTE_VMSG_AMP_LAYOUT_V1;
	if (card.host_placement) {
		/* The driver laid the link out in its memory: take its layout. */
		ao.flags = RTE_VMSG_BUS_AMP_F_DRIVER_WRITES;
		ao.region = card.ram_region;
		ao.offset = card.link_addr;
	} else {
		ao.region = card.region;
		ao.offset = card.offset;
		ao.size = card.size;
		ao.num_elems = card.elems;
	}
	ao.map = card.map;
	if (card.event) {
		/* Without shared words: every frame sent rings the guest's vector. */
		ao.tx_bell.sz = sizeof(ao.tx_bell);
		ao.tx_bell.kind = RTE_VMSG_BELL_EVENTFD;
		ao.tx_bell.fd = guest->efd[card.irq_vector];
		ao.rx_wait.sz = sizeof(ao.rx_wait);
		ao.rx_wait.kind = RTE_VMSG_BELL_EVENTFD;
		ao.rx_wait.fd = self->efd[card.bell_vector];
		ao.rx_wait.poll_ns = 20000;
	}
	what = "the AMP link";
	rc = rte_vmsg_bus_amp_create(&ao, &card.amp);
	if (rc < 0)
		goto fail;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DEVICE;
	bo.payloads = card.payloads;
	what = "the bus";
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), card.amp, &card.bus);
	if (rc < 0)
		goto fail;
	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = card.bus;
	no.map = card.map;
	no.dev_num = card.dev_num;
	no.queue_size = card.queue_size;
	no.backend = card.loopback ? RTE_VMSG_NET_BACKEND_LOOPBACK : RTE_VMSG_NET_BACKEND_APP;
	no.notify = card.event ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;
	no.mac[0] = 0x02;
	no.mac[5] = (uint8_t)card.dev_num;
	if (card.split_only)
		no.features = rte_vmsg_net_dev_supported_features() &
			      ~(1ull << RTE_VMSG_VIRTIO_F_RING_PACKED);
	what = "the virtio-net device";
	rc = rte_vmsg_net_dev_create(&no, &card.nd);
	if (rc < 0)
		goto fail;
	card.guest_id = card.event ? guest->id : -1;
	return 0;
fail:
	fprintf(stderr, NAME ": %s: %s\n", what, strerror(-rc));
	device_down();
	return rc;
}

static int card_reset(const char *why)
{
	card.resets++;
	if (card.verbose)
		printf(NAME ": card reset %" PRIu64 ": %s\n", card.resets, why);
	if (card.rd.active)
		printf(NAME ": round abandoned (%s): rx %u/%u, %u bad; tx %u\n", why,
		       card.rd.rx_next, card.rd.count, card.rd.bad, card.rd.tx_next);
	device_down();
	return device_up();
}

/* ------------------------------------------------------------------------ */
/* Traffic                                                                   */

static void round_end(void)
{
	struct round *r = &card.rd;
	int ok = r->bad == 0 && r->good == r->count;

	printf(NAME ": round %" PRIu64 ": rx %u/%u good, %u bad; tx %u; %.2f s: %s\n",
	       card.rounds_ok + card.rounds_bad + 1, r->good, r->count, r->bad, r->tx_next,
	       (double)(rte_vmsg_time_ns() - r->t0) / 1e9, ok ? "ok" : "FAILED");
	if (ok)
		card.rounds_ok++;
	else
		card.rounds_bad++;
	r->active = 0;
}

static void on_frame(const uint8_t *buf, uint32_t len)
{
	struct round *r = &card.rd;
	struct vmsg_card_hdr h;
	int32_t at;

	if (vmsg_card_parse(buf, len, &h) < 0) {
		if (r->active)
			r->bad++;
		return;
	}
	if (h.kind == VMSG_CARD_START) {
		if (r->active)
			printf(NAME ": round restarted by the driver: rx %u/%u, tx %u\n",
			       r->rx_next, r->count, r->tx_next);
		memset(r, 0, sizeof(*r));
		r->active = 1;
		r->count = h.count;
		r->seed = h.seed;
		r->t0 = rte_vmsg_time_ns();
		return;
	}
	if (!r->active || h.kind != VMSG_CARD_DATA)
		return;
	at = vmsg_card_check(buf, len, r->seed, VMSG_CARD_TO_CARD, r->rx_next, r->count);
	if (at < 0) {
		r->good++;
	} else {
		if (r->bad < 5)
			printf(NAME ": frame %u of the driver (%u bytes): wrong from byte %d\n",
			       r->rx_next, len, at);
		r->bad++;
	}
	r->rx_next++;
}

/* Moves what can be moved; returns the packets moved. */
static int traffic(void)
{
	static uint8_t rx[BURST][VMSG_CARD_MAX_LEN + 64];
	static uint8_t tx[BURST][VMSG_CARD_MAX_LEN];
	struct rte_vmsg_net_pkt pk[BURST];
	struct round *r = &card.rd;
	uint32_t i, n;
	int got, sent, moved = 0;

	for (i = 0; i < BURST; i++) {
		memset(&pk[i], 0, sizeof(pk[i]));
		pk[i].data = rx[i];
		pk[i].cap = sizeof(rx[i]);
	}
	got = rte_vmsg_net_dev_recv_burst(card.nd, 0, pk, BURST);
	for (i = 0; got > 0 && i < (uint32_t)got; i++)
		on_frame(pk[i].data, pk[i].len);
	moved += got > 0 ? got : 0;
	if (!r->active)
		return moved;
	n = 0;
	while (n < BURST && r->tx_next + n < r->count) {
		memset(&pk[n], 0, sizeof(pk[n]));
		pk[n].data = tx[n];
		pk[n].len = vmsg_card_data(tx[n], r->seed, VMSG_CARD_TO_DRIVER, r->tx_next + n,
					   r->count);
		n++;
	}
	if (n == 0 && r->rx_next >= r->count && !r->verdict_sent) {
		memset(&pk[0], 0, sizeof(pk[0]));
		pk[0].data = tx[0];
		pk[0].len = vmsg_card_control(tx[0], VMSG_CARD_TO_DRIVER, VMSG_CARD_VERDICT,
					      r->good, r->bad, r->seed);
		if (rte_vmsg_net_dev_send_burst(card.nd, 0, pk, 1) == 1) {
			r->verdict_sent = 1;
			round_end();
		}
		return moved + 1;
	}
	sent = n > 0 ? rte_vmsg_net_dev_send_burst(card.nd, 0, pk, n) : 0;
	if (sent > 0) {
		r->tx_next += (uint32_t)sent;
		moved += sent;
	}
	return moved;
}

/* ------------------------------------------------------------------------ */
/* A hostile card (--hostile)                                                */

static volatile sig_atomic_t hostile_req;

static void on_usr1(int sig)
{
	(void)sig;
	hostile_req = 1;
}

/* One misdeed, as the --hostile file names it; the driver must detect it. */
static void hostile_act(void)
{
	struct rte_vmsg_link *l = rte_vmsg_bus_amp_link(card.amp);
	const struct rte_vmsg_ring *tx = rte_vmsg_link_tx(l);
	char what[32] = "";
	FILE *f = fopen(card.hostile, "r");

	if (f == NULL || fscanf(f, "%31s", what) != 1)
		snprintf(what, sizeof(what), "index");
	if (f != NULL)
		fclose(f);
	if (strcmp(what, "index") == 0) {
		/* Our producer index, which the driver reads: 65535 is no index of ours. */
		__atomic_store_n(tx->own_idx, rte_vmsg_cpu_to_le16(0xffff), __ATOMIC_RELEASE);
	} else if (strcmp(what, "status") == 0) {
		/* The status word beside that index in our queue head: state 31 does not exist. */
		rte_vmsg_le16 *status = tx->own_idx - 1;

		__atomic_store_n(status, rte_vmsg_cpu_to_le16(0x1f), __ATOMIC_RELEASE);
	} else if (strcmp(what, "used") == 0) {
		struct rte_vmsg_vq_dev *vq =
			card.nd != NULL ? rte_vmsg_net_dev_vq(card.nd, 0) : NULL;
		void *used = NULL;
		rte_vmsg_le16 *idx;

		if (vq == NULL || rte_vmsg_vq_dev_vring(vq, NULL, NULL, &used) < 0 ||
		    used == NULL) {
			printf(NAME ": hostile: no receive queue to corrupt yet\n");
			return;
		}
		/* The used ring's idx (after its flags word) runs far past what was made available. */
		idx = (rte_vmsg_le16 *)used + 1;
		__atomic_store_n(
			idx, rte_vmsg_cpu_to_le16((uint16_t)(rte_vmsg_le16_to_cpu(*idx) + 1000u)),
			__ATOMIC_RELEASE);
	} else if (strcmp(what, "stall") == 0) {
		/* Hung firmware: nothing polled, nothing answered, the queue head still RUN. */
		printf(NAME ": hostile: stall\n");
		fflush(stdout);
		nanosleep(&(struct timespec){ 1, 500000000 }, NULL);
		return;
	} else if (strcmp(what, "layout") == 0 && !card.host_placement) {
		/*
		 * Garbage over the header we wrote (its magic kept: a complete
		 * header, not one being written), then our handshake again:
		 * the driver re-reads it and must refuse it.
		 */
		memset(card.mem + card.offset + 2, 0xa5, 62);
		(void)rte_vmsg_link_reset(l);
	} else {
		printf(NAME ": hostile: unknown misdeed '%s'\n", what);
		return;
	}
	printf(NAME ": hostile: %s\n", what);
	/*
	 * Stuck that way for half a second: our next frame or used entry
	 * would write a sane value over it before a slow driver (a TCG
	 * guest that sleeps 50 ms on its interrupt) had looked.
	 */
	nanosleep(&(struct timespec){ 0, 500000000 }, NULL);
}

static int run(void)
{
	uint32_t idle = 0;
	int st, moved, attached, first = 1;

	while (!tool_stop) {
		struct ivshmem_peer *guest = NULL;
		uint64_t a;

		if (card.server != NULL && ivshmem_client_poll(&card.iv) < 0) {
			fprintf(stderr, NAME ": the ivshmem server hung up\n");
			return 1;
		}
		if (card.event)
			guest = guest_peer();
		if (card.event && guest == NULL) {
			/* No guest to ring yet (or it left): wait for one. */
			if (card.amp != NULL) {
				device_down();
				if (card.verbose)
					printf(NAME ": no guest: device down\n");
			}
			poll(&(struct pollfd){ .fd = card.iv.sock, .events = POLLIN }, 1, 100);
			continue;
		}
		if (card.host_placement) {
			if (mbox_take(first, &a)) {
				if (!link_addr_ok(a)) {
					/* What an IOMMU would refuse: nothing is read or written there. */
					card.refused++;
					printf(NAME ": mailbox address 0x%" PRIx64
						    " is outside the guest's RAM: refused\n",
					       a);
					device_down();
					card.have_link = 0;
				} else if (card.amp == NULL || !card.have_link ||
					   a != card.link_addr) {
					card.link_addr = a;
					card.have_link = 1;
					device_down();
					if (card.verbose)
						printf(NAME ": the driver's link at 0x%" PRIx64
							    "\n",
						       a);
				}
			}
			first = 0;
			if (!card.have_link) {
				nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
				continue;
			}
		}
		if (card.amp == NULL || (guest != NULL && guest->id != card.guest_id)) {
			if (card_reset(card.amp == NULL ? "start" : "a new guest") < 0) {
				if (!card.host_placement)
					return 1;
				card.have_link = 0; /* not a layout we can take: wait for another */
				continue;
			}
		}
		if (hostile_req && card.hostile != NULL) {
			hostile_req = 0;
			hostile_act();
		}
		rte_vmsg_bus_poll(card.bus);
		st = rte_vmsg_bus_amp_poll(card.amp);
		if (st < 0 || (st & RTE_VMSG_BUS_AMP_PEER_LOST)) {
			/*
			 * The driver wrote a value that cannot be (a reset, not
			 * too often), or its head went back to INIT or SHUTDOWN
			 * (or it died): the card's reset. In the HOST placement a
			 * driver that left took its address back from the mailbox.
			 */
			if (st < 0)
				nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
			if (card.host_placement && !mbox_take(1, &a)) {
				if (card.verbose)
					printf(NAME ": the driver left: waiting for its address\n");
				device_down();
				card.have_link = 0;
				continue;
			}
			if (card.host_placement && a != card.link_addr) {
				card.link_addr = a;
				if (!link_addr_ok(a)) {
					device_down();
					card.have_link = 0;
					continue;
				}
			}
			if (card_reset(st < 0 ? "the link broke" : "the driver restarted or left") <
			    0) {
				if (!card.host_placement)
					return 1;
				card.have_link = 0;
			}
			continue;
		}
		rte_vmsg_net_dev_service(card.nd);
		attached = rte_vmsg_net_dev_vq(card.nd, 0) != NULL &&
			   rte_vmsg_net_dev_vq(card.nd, 1) != NULL;
		if (attached != card.attached) {
			card.attached = attached;
			if (card.verbose)
				printf(NAME ": driver session %s\n",
				       attached ? "started" : "ended");
			if (!attached && card.rd.active) {
				printf(NAME ": round abandoned (the driver reset the device): "
					    "rx %u/%u, tx %u\n",
				       card.rd.rx_next, card.rd.count, card.rd.tx_next);
				card.rd.active = 0;
			}
		}
		if (!attached)
			moved = 0;
		else if (card.loopback)
			moved = rte_vmsg_net_dev_poll(card.nd, 0);
		else
			moved = traffic();
		if (moved > 0) {
			idle = 0;
			continue;
		}
		if (card.event) {
			/* Frames and the guest's doorbell both arrive through our vector's eventfd. */
			(void)rte_vmsg_bus_amp_wait(card.amp, 2000000);
		} else if (card.idle_us > 0 && ++idle >= 1000) {
			/* Up to 1000000 us: a whole second is tv_sec (tv_nsec stays below 1e9). */
			struct timespec ts = { (time_t)(card.idle_us / 1000000u),
					       (long)(card.idle_us % 1000000u) * 1000 };

			nanosleep(&ts, NULL);
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "server", required_argument, NULL, 's' },
		{ "shm", required_argument, NULL, 'f' },
		{ "offset", required_argument, NULL, 'o' },
		{ "size", required_argument, NULL, 'l' },
		{ "mem-base", required_argument, NULL, 'b' },
		{ "notify", required_argument, NULL, 'e' },
		{ "irq-vector", required_argument, NULL, 'i' },
		{ "bell-vector", required_argument, NULL, 'd' },
		{ "dev-num", required_argument, NULL, 'n' },
		{ "elems", required_argument, NULL, 'E' },
		{ "queue-size", required_argument, NULL, 'q' },
		{ "payloads", required_argument, NULL, 'p' },
		{ "idle-us", required_argument, NULL, 'I' },
		{ "guest-ram", required_argument, NULL, 'g' },
		{ "placement", required_argument, NULL, 'P' },
		{ "hostile", required_argument, NULL, 'H' },
		{ "ring", required_argument, NULL, 'R' },
		{ "backend", required_argument, NULL, 'B' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	int c, rc;

	card.offset = 4096;
	card.dev_num = 1;
	card.elems = 62;
	card.queue_size = 256;
	card.idle_us = 50;
	card.iv.sock = -1;
	card.iv.shm_fd = -1;
	card.shm_fd = -1;
	card.guest_id = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:f:o:l:b:e:i:d:n:E:q:p:I:g:P:H:B:R:vh", lo, NULL)) !=
	       -1) {
		const char *bad = NULL;
		char name[64];

		switch (c) {
		case 's':
			card.server = optarg;
			break;
		case 'f':
			card.shm_path = optarg;
			break;
		case 'e':
			if (strcmp(optarg, "poll") == 0)
				card.event = 0;
			else if (strcmp(optarg, "event") == 0)
				card.event = 1;
			else
				bad = "want poll or event";
			break;
		case 'p':
			if (strcmp(optarg, "v2") == 0)
				card.payloads = RTE_VMSG_PAYLOADS_V2;
			else if (strcmp(optarg, "pre-v2") == 0)
				card.payloads = RTE_VMSG_PAYLOADS_PRE_V2;
			else
				bad = "want v2 or pre-v2";
			break;
		case 'g':
			card.guest_ram = optarg;
			break;
		case 'P':
			if (strcmp(optarg, "bar") == 0)
				card.host_placement = 0;
			else if (strcmp(optarg, "host") == 0)
				card.host_placement = 1;
			else
				bad = "want bar or host";
			break;
		case 'H':
			card.hostile = optarg;
			break;
		case 'R':
			if (strcmp(optarg, "any") == 0)
				card.split_only = 0;
			else if (strcmp(optarg, "split") == 0)
				card.split_only = 1;
			else
				bad = "want any or split";
			break;
		case 'B':
			if (strcmp(optarg, "app") == 0)
				card.loopback = 0;
			else if (strcmp(optarg, "loopback") == 0)
				card.loopback = 1;
			else
				bad = "want app or loopback";
			break;
		case 'v':
			card.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'o':
		case 'l':
		case 'b':
		case 'i':
		case 'd':
		case 'n':
		case 'E':
		case 'q':
		case 'I':
			if (tool_parse_size(optarg, 0, UINT64_MAX, &v) < 0) {
				bad = "not a number";
				break;
			}
			if (c == 'o' && (v & 63u) != 0)
				bad = "not 64-byte aligned";
			else if (c == 'o')
				card.offset = v;
			else if (c == 'l')
				card.size = v;
			else if (c == 'b')
				card.mem_base = v;
			else if ((c == 'i' || c == 'd') && v >= IVSHMEM_PROTO_MAX_VECTORS)
				bad = "a vector number is below 64";
			else if (c == 'i')
				card.irq_vector = (uint32_t)v;
			else if (c == 'd')
				card.bell_vector = (uint32_t)v;
			else if (c == 'n' && v > UINT16_MAX)
				bad = "a device number is 0..65535";
			else if (c == 'n')
				card.dev_num = (uint16_t)v;
			else if (c == 'E' && (v < 2 || v > 65535))
				bad = "2..65535";
			else if (c == 'E')
				card.elems = (uint32_t)v;
			else if (c == 'q' && (v < 2 || v > 32768 || (v & (v - 1)) != 0))
				bad = "a power of two, 2..32768";
			else if (c == 'q')
				card.queue_size = (uint32_t)v;
			else if (v > 1000000)
				bad = "at most 1000000";
			else
				card.idle_us = (uint32_t)v;
			break;
		default:
			return tool_opt_error(NAME, lo, c, argv);
		}
		if (bad != NULL) {
			fprintf(stderr, NAME ": %s %s: %s (see --help)\n",
				tool_opt_name(lo, c, tool_opt_word(argv), name, sizeof(name)),
				optarg, bad);
			return 2;
		}
	}
	/* The memory's size is known after mapping; its first offset + size bytes now. */
	if (card.size > UINT64_MAX - card.offset) {
		fprintf(stderr, NAME ": --offset %" PRIu64 " + --size %" PRIu64 " pass 2^64\n",
			card.offset, card.size);
		return 2;
	}
	if (card.offset + (card.size ? card.size : 1) - 1 > UINT64_MAX - card.mem_base) {
		fprintf(stderr,
			NAME ": --mem-base 0x%" PRIx64 ": the memory's bus addresses pass 2^64 "
			     "(--offset %" PRIu64 ", --size %" PRIu64 ")\n",
			card.mem_base, card.offset, card.size);
		return 2;
	}
	if (optind != argc || (card.server == NULL) == (card.shm_path == NULL)) {
		fprintf(stderr, NAME ": give one of --server or --shm (see --help)\n");
		return 2;
	}
	if (card.event && card.server == NULL) {
		fprintf(stderr, NAME ": --notify event needs the doorbells of --server\n");
		return 2;
	}
	if (card.host_placement && card.guest_ram == NULL) {
		fprintf(stderr, NAME ": --placement host needs --guest-ram (the link is there)\n");
		return 2;
	}

	tool_process_setup();
	if (card.hostile != NULL)
		signal(SIGUSR1, on_usr1);

	if (card.server != NULL && server_attach() < 0)
		return 1;
	rc = map_memory();
	if (rc < 0)
		return rc == -2 ? 2 : 1; /* -2: the options do not fit the memory */
	if (card.host_placement)
		printf(NAME ": %" PRIu64 "-byte memory, the link in the guest's RAM (%" PRIu64
			    " bytes) at the mailbox's address, %s, device %u%s\n",
		       card.mem_len, card.ram_len,
		       card.event ? "event mode (MSI-X and doorbells)" : "polling only",
		       card.dev_num, card.loopback ? ", loopback" : "");
	else
		printf(NAME ": %" PRIu64 "-byte memory, layout at %" PRIu64 ", %s, device %u%s\n",
		       card.mem_len, card.offset,
		       card.event ? "event mode (MSI-X and doorbells)" : "polling only",
		       card.dev_num, card.loopback ? ", loopback" : "");
	rc = run();
	device_down();
	printf(NAME ": stopped: %" PRIu64 " rounds ok, %" PRIu64 " failed, %" PRIu64 " resets\n",
	       card.rounds_ok, card.rounds_bad, card.resets);
	rte_vmsg_memmap_destroy(card.map);
	rte_vmsg_region_destroy(card.region);
	rte_vmsg_region_destroy(card.ram_region);
	munmap(card.mem, card.mem_len);
	if (card.ram != NULL)
		munmap(card.ram, card.ram_len);
	if (card.server != NULL)
		ivshmem_client_close(&card.iv);
	else if (card.shm_fd >= 0)
		close(card.shm_fd);
	return rc != 0 ? rc : card.rounds_bad != 0 ? 3 : 0;
}
