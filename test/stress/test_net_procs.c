/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-net over virtio-msg between two processes on one hugetlbfs file.
 * The device process runs two loopback virtio-net devices on a shm bus; this
 * process drives them.
 *
 *  1. Traffic, polling-only and then event mode: 10^7 packets in all (less
 *     with VMSG_STRESS_SCALE=small) of random sizes, each checked on its
 *     way back: the Ethernet addresses swapped, the sequence number, the
 *     payload bytes and the virtio-net header. Nothing lost, nothing
 *     duplicated, order kept. The four devices offer one ring mode each
 *     (packed in-order, split, packed, split in-order), so every mode
 *     carries checked traffic between the processes.
 *  2. A hostile driver: this process writes bogus descriptors straight into
 *     the transmit queue of device B (an address outside the file, a chain
 *     loop, a huge length, a jumping avail index, a head out of range) while
 *     device A carries traffic. Each time B's queue breaks, B raises
 *     DEVICE_NEEDS_RESET (seen here through EVENT_CONFIG) and is brought back
 *     with a reset; A loses nothing. The device process, built with ASan in
 *     CI, reports its counters at the end: one broken queue per bogus kind.
 *
 * Covers BUS-19 and DRV-33 (no EVENT_AVAIL/EVENT_USED in polling-only
 * mode), DRV-29 and DEV-34 (events in event mode), and the device rule that
 * a bad ring breaks only its queue.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_transport.h>
#include <rte_vmsg_virtq.h>

#include "stress_common.h"
#include "vtest.h"

#define DEV_A 1u
#define DEV_B 2u
#define MTU 1500u
#define MAX_FRAME (MTU + 14u)
#define MIN_FRAME 60u
#define QSIZE 256u
#define DMA_SIZE (32ull << 20)
#define WAIT_NS 10000000000ull
#define NKINDS 5u

static char path[64];

/* ------------------------------------------------------------------------ */
/* The device process                                                        */

struct dev_report {
	uint64_t broken_b;	/* times a queue of B broke */
	uint64_t needs_reset_b; /* DEVICE_NEEDS_RESET raised by B */
	uint64_t broken_a;	/* must stay 0 */
	uint64_t packets_a;	/* packets A moved */
	uint64_t events_tx;	/* EVENT_USED / EVENT_CONFIG sent, both devices */
};

static int net_dev_new(struct rte_vmsg_bus *bus, const struct rte_vmsg_memmap *map, uint16_t num,
		       uint32_t notify, struct rte_vmsg_net_dev **out)
{
	struct rte_vmsg_net_dev_opts o;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = bus;
	o.map = map;
	o.dev_num = num;
	o.mtu = MTU;
	o.queue_size = QSIZE;
	o.backend = RTE_VMSG_NET_BACKEND_LOOPBACK;
	o.notify = notify;
	/*
	 * One ring mode per device, so that the traffic crosses all four
	 * (the driver wants them all): A packed in-order, B split, A'
	 * (events) packed, B' (events, then the bogus split rings) split
	 * in-order.
	 */
	o.features = rte_vmsg_net_dev_supported_features();
	if (num == DEV_B || num == DEV_B + 2)
		o.features &= ~(1ull << RTE_VMSG_VIRTIO_F_RING_PACKED);
	if (num == DEV_B || num == DEV_A + 2)
		o.features &= ~(1ull << RTE_VMSG_VIRTIO_F_IN_ORDER);
	o.mac[0] = 0x02;
	o.mac[5] = (uint8_t)num;
	return rte_vmsg_net_dev_create(&o, out);
}

static void queue_sum(const struct rte_vmsg_net_dev *nd, uint64_t *broken, uint64_t *packets)
{
	struct rte_vmsg_net_queue_stats qs;

	*broken = 0;
	*packets = 0;
	for (uint32_t i = 0; i < 3; i++)
		if (rte_vmsg_net_dev_stats_get(nd, i, &qs, NULL) == 0) {
			*broken += qs.broken;
			*packets += i == 1 ? qs.packets : 0;
		}
}

/*
 * The device process could not make its file: 'H' when hugepages ran out
 * (the test then skips: a resource the machine lacks), 'F' otherwise.
 */
static _Noreturn void device_cannot(int ack_fd, int rc)
{
	char c = rc == -ENOMEM ? 'H' : 'F';

	if (write(ack_fd, &c, 1) != 1)
		_exit(4);
	_exit(2);
}

/* Commands on the pipe: 'N' new notify mode for both devices, 'Q' quit. */
static void device_main(int cmd_fd, int ack_fd)
{
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_bus_shm *shm = NULL;
	struct rte_vmsg_bus *bus = NULL;
	const struct rte_vmsg_memmap *map;
	struct rte_vmsg_net_dev *a = NULL, *b = NULL;
	struct rte_vmsg_net_dev_stats ds;
	struct dev_report rep;
	uint32_t polls = 0;
	int rc;
	char c = 'R';

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
	so.dma_size = DMA_SIZE;
	rc = rte_vmsg_bus_shm_open(&so, NULL, &shm, &bus);
	if (rc != 0)
		device_cannot(ack_fd, rc);
	/* The driver's addresses are offsets in the file: the bus's map is the whole file. */
	map = rte_vmsg_bus_memmap(bus);
	if (net_dev_new(bus, map, DEV_A, RTE_VMSG_NET_NOTIFY_POLL, &a) != 0 ||
	    net_dev_new(bus, map, DEV_B, RTE_VMSG_NET_NOTIFY_POLL, &b) != 0)
		_exit(3);
	if (write(ack_fd, &c, 1) != 1)
		_exit(4);
	for (;;) {
		struct pollfd pfd = { .fd = cmd_fd, .events = POLLIN };

		rte_vmsg_bus_poll(bus);
		rte_vmsg_net_dev_service(a);
		rte_vmsg_net_dev_service(b);
		rte_vmsg_net_dev_poll(a, 0);
		rte_vmsg_net_dev_poll(b, 0);
		if ((++polls & 1023u) != 0 || poll(&pfd, 1, 0) != 1)
			continue;
		if (read(cmd_fd, &c, 1) != 1)
			_exit(5);
		if (c == 'E' || c == 'P') {
			/* Both devices again, in the other notify mode. */
			uint32_t mode =
				c == 'E' ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;

			rte_vmsg_net_dev_destroy(a);
			rte_vmsg_net_dev_destroy(b);
			/* Their numbers are free again only after all others: use new ones. */
			if (net_dev_new(bus, map, (uint16_t)(DEV_A + 2), mode, &a) != 0 ||
			    net_dev_new(bus, map, (uint16_t)(DEV_B + 2), mode, &b) != 0)
				_exit(6);
		} else if (c == 'Q') {
			uint64_t unused;

			memset(&rep, 0, sizeof(rep));
			queue_sum(b, &rep.broken_b, &unused);
			queue_sum(a, &rep.broken_a, &rep.packets_a);
			if (rte_vmsg_net_dev_stats_get(b, 0, NULL, &ds) == 0)
				rep.needs_reset_b = ds.needs_reset;
			rep.events_tx = ds.events_tx;
			if (rte_vmsg_net_dev_stats_get(a, 0, NULL, &ds) == 0)
				rep.events_tx += ds.events_tx;
			if (write(ack_fd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
				_exit(7);
			rte_vmsg_net_dev_destroy(a);
			rte_vmsg_net_dev_destroy(b);
			rte_vmsg_bus_shm_close(shm, bus);
			_exit(0);
		} else {
			_exit(8);
		}
		c = 'A';
		if (write(ack_fd, &c, 1) != 1)
			_exit(4);
	}
}

/* ------------------------------------------------------------------------ */
/* The driver (this process)                                                 */

static struct {
	pid_t child;
	int cmd_fd, ack_fd;
	struct rte_vmsg_bus_shm *shm;
	struct rte_vmsg_bus *bus;
	uint8_t *dma;
	uint64_t dma_bus, dma_size;
	struct rte_vmsg_net_drv *nd[2];
	uint16_t num[2];
	uint32_t notify;
	uint64_t rng;
	uint64_t needs_reset_seen; /* EVENT_CONFIG with DEVICE_NEEDS_RESET for B */
	uint64_t events_rx;	   /* transport events received */
	uint64_t used_events;	   /* EVENT_USED received */
} g;

/* Transport events of both devices, dispatched by dev_num. */
static void on_event(void *arg, const void *frame, size_t len)
{
	const uint8_t *f = frame;
	uint16_t num = rte_vmsg_get_le16(f + 2);
	uint32_t i;

	(void)arg;
	g.events_rx++;
	if (f[1] == RTE_VMSG_ID_EVENT_USED)
		g.used_events++;
	for (i = 0; i < 2; i++)
		if (g.nd[i] != NULL && g.num[i] == num) {
			rte_vmsg_net_drv_event(g.nd[i], frame, len);
			if (i == 1 && rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(g.nd[1])))
				g.needs_reset_seen++;
		}
}

static void command(char c)
{
	struct pollfd pfd = { .fd = g.ack_fd, .events = POLLIN };
	uint64_t end = rte_vmsg_time_ns() + WAIT_NS;
	char a = 0;

	CHECK_EQ(write(g.cmd_fd, &c, 1), 1);
	while (poll(&pfd, 1, 0) != 1 && rte_vmsg_time_ns() < end)
		rte_vmsg_bus_poll(g.bus);
	CHECK_EQ(read(g.ack_fd, &a, 1), 1);
	CHECK_EQ(a, 'A');
}

static int drv_open(uint32_t i, uint16_t num)
{
	struct rte_vmsg_net_drv_opts o;
	uint64_t half = g.dma_size / 2;
	int rc;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = g.bus;
	o.dev_num = num;
	o.queue_size = QSIZE;
	o.dma_addr = g.dma + i * half;
	o.dma_bus_addr = g.dma_bus + i * half;
	o.dma_size = half;
	o.notify = g.notify;
	/* RING_PACKED wanted too: each device's offer makes its ring mode. */
	o.features = rte_vmsg_net_drv_default_features() | (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED);
	rc = rte_vmsg_net_drv_create(&o, &g.nd[i]);
	if (rc == 0)
		g.num[i] = num;
	return rc;
}

/* A frame: dst, src, ethertype 0x88B5, sequence number, payload from the seed. */
static uint32_t frame_fill(uint8_t *f, uint64_t seq, uint32_t len)
{
	uint64_t s = seq * 0x9E3779B97F4A7C15ull + 1;
	uint32_t i;

	memcpy(f, "\x02\x00\x00\x00\xAA\x01", 6);
	memcpy(f + 6, "\x02\x00\x00\x00\xBB\x02", 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	memcpy(f + 14, &seq, sizeof(seq));
	/* Eight bytes of pattern per step: the check must not be the bottleneck. */
	for (i = 22; i < len; i += 8) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		memcpy(f + i, &s, len - i < 8 ? len - i : 8);
	}
	return len;
}

/* Checks a frame that came back: addresses swapped, the rest as sent. */
static int frame_ok(const uint8_t *f, uint32_t len, uint64_t seq, uint32_t want_len)
{
	static uint8_t exp[MAX_FRAME];

	if (len != want_len)
		return 0;
	frame_fill(exp, seq, want_len);
	return memcmp(f, exp + 6, 6) == 0 && memcmp(f + 6, exp, 6) == 0 &&
	       memcmp(f + 12, exp + 12, len - 12) == 0;
}

struct flow {
	uint64_t sent, recv;
	uint32_t lens[4096]; /* length of packet seq, by seq % 4096 */
	uint64_t bad;
};

/*
 * Packets in flight: at most the receive buffers posted (QSIZE, one 2 KiB
 * buffer each), or the loopback device drops, as a NIC does.
 */
#define WINDOW (QSIZE / 2)

/*
 * One round of traffic on device @p i: keeps up to WINDOW packets in flight,
 * sends bursts of random sizes, checks what comes back. Returns when
 * @p total packets came back (or the time ran out).
 */
static void traffic(uint32_t i, struct flow *fl, uint64_t total, void (*between)(void))
{
	static uint8_t txbuf[32][MAX_FRAME], rxbuf[32][MAX_FRAME];
	struct rte_vmsg_net_pkt tx[32], rx[32];
	uint64_t goal = fl->recv + total, last = rte_vmsg_time_ns(), seen = fl->recv, turns = 0;
	uint32_t k;
	int n;

	for (k = 0; k < 32; k++) {
		memset(&rx[k], 0, sizeof(rx[k]));
		rx[k].data = rxbuf[k];
		rx[k].cap = MAX_FRAME;
	}
	/* Until done, or nothing came back for WAIT_NS (lost packets: reported below). */
	while (fl->recv < goal) {
		uint32_t room = (uint32_t)(WINDOW - (fl->sent - fl->recv));
		uint32_t want = room < 32 ? room : 32;

		if (fl->sent + want > goal)
			want = (uint32_t)(goal - fl->sent);
		for (k = 0; k < want; k++) {
			uint32_t len = stress_frame_len(vtest_rand(&g.rng), MIN_FRAME, MAX_FRAME);

			memset(&tx[k], 0, sizeof(tx[k]));
			tx[k].data = txbuf[k];
			tx[k].len = frame_fill(txbuf[k], fl->sent + k, len);
			tx[k].hdr.flags =
				(uint8_t)(k & 1); /* NEEDS_CSUM on odd ones: carried through */
			tx[k].hdr.csum_start = (uint16_t)(k & 1 ? 34 : 0);
			tx[k].hdr.csum_offset = (uint16_t)(k & 1 ? 16 : 0);
			fl->lens[(fl->sent + k) % 4096] = len;
		}
		if (want != 0) {
			n = rte_vmsg_net_drv_tx_burst(g.nd[i], 0, tx, want);
			CHECK(n >= 0);
			if (n > 0)
				fl->sent += (uint64_t)n;
		}
		n = rte_vmsg_net_drv_rx_burst(g.nd[i], 0, rx, 32);
		CHECK(n >= 0);
		for (k = 0; k < (uint32_t)(n > 0 ? n : 0); k++) {
			uint64_t seq;

			memcpy(&seq, (uint8_t *)rx[k].data + 14, sizeof(seq));
			if (seq != fl->recv ||
			    !frame_ok(rx[k].data, rx[k].len, seq, fl->lens[seq % 4096]) ||
			    (rx[k].hdr.flags & 1u) != (seq & 1u)) {
				if (fl->bad++ < 5)
					fprintf(stderr,
						"device %u: packet %" PRIu64 " bad (seq %" PRIu64
						", len %u)\n",
						g.num[i], fl->recv, seq, rx[k].len);
			}
			fl->recv++;
		}
		rte_vmsg_bus_poll(g.bus);
		if (between != NULL)
			between();
		if ((++turns & 1023u) != 0)
			continue;
		if (fl->recv != seen) {
			seen = fl->recv;
			last = rte_vmsg_time_ns();
		} else if (rte_vmsg_time_ns() - last > WAIT_NS) {
			fprintf(stderr,
				"device %u: stalled with %" PRIu64 " of %" PRIu64 " packets back\n",
				g.num[i], fl->recv, goal);
			break;
		}
	}
	CHECK_U64(fl->recv, goal);
	CHECK_U64(fl->bad, 0);
}

/* ------------------------------------------------------------------------ */
/* The hostile part: bogus values straight into B's transmit queue           */

static uint32_t hostile_kind;
static int hostile_armed;
static uint64_t hostile_breaks;

static void *local(uint64_t bus_addr)
{
	return g.dma + (bus_addr - g.dma_bus);
}

/* The avail index, with release: what was written before is there when it is seen. */
static void publish(uint8_t *avail, uint16_t idx)
{
	__atomic_store_n((uint16_t *)(void *)(avail + 2), rte_vmsg_cpu_to_le16(idx),
			 __ATOMIC_RELEASE);
}

/* Writes one bogus chain of kind @p kind into B's transmit queue (queue 1). */
static void inject(uint32_t kind)
{
	struct rte_vmsg_vq_drv *vq = rte_vmsg_net_drv_vq(g.nd[1], 1);
	uint64_t desc_b, avail_b, used_b;
	struct rte_vmsg_vring_desc *d;
	uint8_t *avail;
	uint16_t idx;

	CHECK(vq != NULL);
	CHECK_EQ(rte_vmsg_vq_drv_addrs(vq, &desc_b, &avail_b, &used_b), 0);
	d = local(desc_b);
	avail = local(avail_b);
	idx = rte_vmsg_get_le16(avail + 2);
	/* Descriptor 0 (whatever it held) becomes the bogus head. */
	switch (kind) {
	case 0: /* an address past the end of the file */
		d[0].addr = rte_vmsg_cpu_to_le64(g.dma_bus + g.dma_size + (1ull << 30));
		d[0].len = rte_vmsg_cpu_to_le32(64);
		d[0].flags = 0;
		break;
	case 1: /* a chain loop: 0 -> 1 -> 0 */
		d[0].addr = rte_vmsg_cpu_to_le64(g.dma_bus);
		d[0].len = rte_vmsg_cpu_to_le32(64);
		d[0].flags = rte_vmsg_cpu_to_le16(RTE_VMSG_VRING_DESC_F_NEXT);
		d[0].next = rte_vmsg_cpu_to_le16(1);
		d[1].addr = rte_vmsg_cpu_to_le64(g.dma_bus);
		d[1].len = rte_vmsg_cpu_to_le32(64);
		d[1].flags = rte_vmsg_cpu_to_le16(RTE_VMSG_VRING_DESC_F_NEXT);
		d[1].next = rte_vmsg_cpu_to_le16(0);
		break;
	case 2: /* a huge length from a valid address: runs past the file */
		d[0].addr = rte_vmsg_cpu_to_le64(g.dma_bus);
		d[0].len = rte_vmsg_cpu_to_le32(0xFFFFFFF0u);
		d[0].flags = 0;
		break;
	case 3: /* the avail index jumps far ahead */
		rte_vmsg_put_le16(avail + 2, (uint16_t)(idx + 3 * QSIZE));
		return;
	default: /* a head index out of range */
		rte_vmsg_put_le16(avail + 4 + 2u * (idx % QSIZE), (uint16_t)(QSIZE + 7));
		publish(avail, (uint16_t)(idx + 1));
		return;
	}
	rte_vmsg_put_le16(avail + 4 + 2u * (idx % QSIZE), 0);
	publish(avail, (uint16_t)(idx + 1));
}

/* In event mode the device looks at a queue when told: a hostile driver tells it. */
static void inject_notify(void)
{
	if (g.notify == RTE_VMSG_NET_NOTIFY_EVENT)
		CHECK_EQ(rte_vmsg_drv_event_avail(rte_vmsg_net_drv_handle(g.nd[1]), 1, 0), 0);
}

/* Between bursts on A: inject into B, wait for its DEVICE_NEEDS_RESET, reset B. */
static void hostile_step(void)
{
	static uint64_t seen;
	static uint64_t deadline;
	int rc;

	if (hostile_kind >= NKINDS)
		return;
	if (!hostile_armed) {
		inject(hostile_kind);
		inject_notify();
		hostile_armed = 1;
		seen = g.needs_reset_seen;
		deadline = rte_vmsg_time_ns() + WAIT_NS;
		return;
	}
	if (g.needs_reset_seen == seen) {
		if (rte_vmsg_time_ns() > deadline) {
			fprintf(stderr, "kind %u: no DEVICE_NEEDS_RESET from B\n", hostile_kind);
			CHECK(0);
			hostile_kind = NKINDS;
		}
		return;
	}
	/* B asked for a reset: the driver brings it back (a new handle resets it). */
	hostile_breaks++;
	rte_vmsg_net_drv_destroy(g.nd[1]);
	g.nd[1] = NULL;
	rc = drv_open(1, g.num[1]);
	CHECK_EQ(rc, 0);
	hostile_armed = 0;
	hostile_kind++;
}

static void spawn_device(void)
{
	int cmd[2], ack[2];
	struct pollfd pfd;
	char c = 0;

	if (pipe(cmd) != 0 || pipe(ack) != 0)
		exit(1);
	g.child = fork();
	if (g.child < 0)
		exit(1);
	if (g.child == 0) {
		close(cmd[1]);
		close(ack[0]);
		device_main(cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	g.cmd_fd = cmd[1];
	g.ack_fd = ack[0];
	pfd.fd = g.ack_fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 10000) == 1 && read(g.ack_fd, &c, 1) == 1 && c == 'H') {
		waitpid(g.child, NULL, 0);
		VTEST_SKIP_NO_HUGE("no free hugepages for the shm bus file (see HugePages_Free "
				   "in /proc/meminfo; scripts/setup-hugepages.sh reserves them)");
	}
	if (c != 'R') {
		fprintf(stderr, "device process did not come up\n");
		kill(g.child, SIGKILL);
		exit(1);
	}
}

static void attach(void)
{
	struct rte_vmsg_bus_shm_open_opts oo;
	struct rte_vmsg_bus_shm_opts so;
	void *dma = NULL;

	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DRIVER;
	so.flags = RTE_VMSG_BUS_SHM_F_NO_FALLBACK | RTE_VMSG_BUS_SHM_F_ADOPT;
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.wait_ns = WAIT_NS;
	/* The device process made the file before its ack: only the link is waited for. */
	CHECK_EQ(rte_vmsg_bus_shm_open(&so, &oo, &g.shm, &g.bus), 0);
	if (g.bus == NULL)
		exit(1);
	CHECK_EQ(rte_vmsg_bus_set_event_cb(g.bus, on_event, NULL), 0);
	CHECK_EQ(rte_vmsg_bus_shm_dma(g.shm, &dma, &g.dma_bus, &g.dma_size), 0);
	g.dma = dma;
	CHECK_EQ(rte_vmsg_bus_connected(g.bus), 1);
}

static uint64_t scaled(uint64_t n)
{
	const char *s = getenv("VMSG_STRESS_SCALE");

	return s != NULL && strcmp(s, "small") == 0 ? n / 100 : n;
}

int main(void)
{
	static struct flow fa, fb;
	struct rte_vmsg_bus_stats bst;
	struct dev_report rep;
	struct pollfd pfd;
	char mnt[256];
	uint64_t per_mode = scaled(5000000), t0, ev0;
	int status;

	if (rte_vmsg_hugetlbfs_find(mnt, sizeof(mnt)) < 0)
		VTEST_SKIP_NO_HUGE("no hugetlbfs mount (run scripts/setup-hugepages.sh as root)");
	g.rng = vtest_seed();
	snprintf(path, sizeof(path), "vmsg_net_procs_%d", (int)getpid());
	spawn_device();
	attach();
	/* Both ends have it mapped: a test that dies now leaves no file behind. */
	unlink(rte_vmsg_region_path(rte_vmsg_bus_shm_region(g.shm)));

	/* 1a. Polling only: no transport event at all on the bus. */
	g.notify = RTE_VMSG_NET_NOTIFY_POLL;
	CHECK_EQ(drv_open(0, DEV_A), 0);
	CHECK_EQ(drv_open(1, DEV_B), 0);
	ev0 = g.events_rx;
	t0 = rte_vmsg_time_ns();
	traffic(0, &fa, per_mode / 2, NULL);
	traffic(1, &fb, per_mode / 2, NULL);
	printf("polling: %" PRIu64 " packets checked in %.2f s, %" PRIu64 " transport events\n",
	       fa.recv + fb.recv, (double)(rte_vmsg_time_ns() - t0) / 1e9, g.events_rx - ev0);
	CHECK_U64(g.events_rx - ev0, 0); /* BUS-19, DRV-33 */

	/* 1b. Event mode: new devices, EVENT_AVAIL and EVENT_USED flow. */
	rte_vmsg_net_drv_destroy(g.nd[0]);
	rte_vmsg_net_drv_destroy(g.nd[1]);
	g.nd[0] = g.nd[1] = NULL;
	command('E');
	g.notify = RTE_VMSG_NET_NOTIFY_EVENT;
	CHECK_EQ(drv_open(0, DEV_A + 2), 0);
	CHECK_EQ(drv_open(1, DEV_B + 2), 0);
	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	ev0 = g.used_events;
	t0 = rte_vmsg_time_ns();
	traffic(0, &fa, per_mode / 2, NULL);
	traffic(1, &fb, per_mode / 2, NULL);
	printf("events: %" PRIu64 " packets checked in %.2f s, %" PRIu64 " EVENT_USED\n",
	       fa.recv + fb.recv, (double)(rte_vmsg_time_ns() - t0) / 1e9, g.used_events - ev0);
	CHECK(g.used_events - ev0 > 0); /* DEV-34 */

	/* 2. Bogus rings on B while A carries traffic. */
	memset(&fa, 0, sizeof(fa));
	traffic(0, &fa, scaled(2000000), hostile_step);
	{
		uint64_t end = rte_vmsg_time_ns() + WAIT_NS;

		while (hostile_kind < NKINDS && rte_vmsg_time_ns() < end) {
			rte_vmsg_bus_poll(g.bus);
			hostile_step();
		}
	}
	CHECK_EQ(hostile_kind, NKINDS);
	CHECK_U64(hostile_breaks, NKINDS);
	/* B works again after its last reset. */
	memset(&fb, 0, sizeof(fb));
	traffic(1, &fb, 10000, NULL);
	printf("hostile: %u kinds of bogus ring broke B %" PRIu64 " times; A moved %" PRIu64
	       " packets, all checked\n",
	       NKINDS, hostile_breaks, fa.recv);

	/* The device process's own account. */
	rte_vmsg_net_drv_destroy(g.nd[0]);
	rte_vmsg_net_drv_destroy(g.nd[1]);
	g.nd[0] = g.nd[1] = NULL;
	CHECK_EQ(write(g.cmd_fd, "Q", 1), 1);
	pfd.fd = g.ack_fd;
	pfd.events = POLLIN;
	CHECK_EQ(poll(&pfd, 1, 10000), 1);
	CHECK_EQ(read(g.ack_fd, &rep, sizeof(rep)), (ssize_t)sizeof(rep));
	CHECK_U64(rep.broken_a, 0);
	CHECK_U64(rep.broken_b, NKINDS);
	CHECK_U64(rep.needs_reset_b, NKINDS);
	CHECK_EQ(waitpid(g.child, &status, 0), g.child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(rte_vmsg_bus_stats_get(g.bus, &bst), 0);
	CHECK_U64(bst.timeouts, 0);
	rte_vmsg_bus_shm_close(g.shm, g.bus);
	return vtest_done("net_procs");
}
