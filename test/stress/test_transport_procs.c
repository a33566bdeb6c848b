/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Two processes on one hugetlbfs file (shm bus): a device process exposing
 * 1000 devices and this process as their driver.
 *
 *  1. enumerate (GET_DEVICES) and initialize all of them: features, two
 *     queues with read-back, DRIVER_OK, and a config read whose contents
 *     name the device and the device process's incarnation;
 *  2. traffic (GET_CONFIG, 64 in flight, contents checked) while the device
 *     process unplugs 50 devices and plugs 30 new ones: EVENT_DEVICE both
 *     ways, new devices initialized on the fly, numbers of removed devices
 *     not reused, only requests to removed devices may fail, a second
 *     enumeration matches;
 *  3. SIGKILL of the device process with requests in flight: each fails
 *     once, within the request timeout, and nothing hangs;
 *  4. a new device process on the same file: the driver reconnects,
 *     enumerates and initializes all 1000 again, and traffic flows.
 *
 * The device process is told what to do through a pipe; everything the
 * driver learns, it learns through virtio-msg. Covers BUS-5, BUS-9, BUS-10,
 * BUS-22 and the driver's init flow (DRV-12..DRV-24) across processes.
 */

#define _GNU_SOURCE
#include <errno.h>
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
#include <rte_vmsg_ring.h>
#include <rte_vmsg_transport.h>

#include "vmsg_util.h"
#include "vtest.h"

#define NDEV 1000u
#define NUNPLUG 50u
#define NPLUG 30u
#define CFG_SIZE 64u
#define QSIZE 256u
#define QBYTES 8192u /* a split ring of 256: 4096 + 518 + 2054, rounded */
#define WINDOW 64u
#define BUS_TIMEOUT_NS 300000000ull
#define WAIT_NS 10000000000ull
#define MAX_NUM 65536u

static char path[64];

/* ------------------------------------------------------------------------ */
/* The device process                                                        */

struct mdev {
	struct vmsg_util_model model; /* first: ctx is the mdev; model.cfg is cfg */
	uint16_t num;
	uint8_t cfg[CFG_SIZE];
	struct rte_vmsg_dev *dev;
};

/* Config contents: the device number, the incarnation, then a pattern. */
static void cfg_fill(uint8_t *cfg, uint16_t num, uint8_t incarnation)
{
	uint32_t i;

	cfg[0] = (uint8_t)num;
	cfg[1] = (uint8_t)(num >> 8);
	cfg[2] = incarnation;
	for (i = 3; i < CFG_SIZE; i++)
		cfg[i] = (uint8_t)(num * 31u + i * 7u + incarnation);
}

static const uint32_t m_features[2] = { 0x21u, 0x1u }; /* two device bits, VERSION_1 */

static struct mdev *mdev_new(struct rte_vmsg_bus *bus, uint8_t incarnation)
{
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev_opts o;
	struct mdev *m = calloc(1, sizeof(*m));

	if (m == NULL || rte_vmsg_bus_dev_alloc_num(bus, &m->num) != 0)
		_exit(3);
	cfg_fill(m->cfg, m->num, incarnation);
	m->model.cfg = m->cfg;
	m->model.cfg_size = CFG_SIZE;
	vmsg_util_model_ops(&ops, &m->model, 0x42);
	ops.features = m_features;
	ops.num_feature_blocks = 2;
	ops.num_queues = 2;
	ops.queue_max_size = QSIZE;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.dev_num = m->num;
	o.bus = bus; /* its parameters; the device registers itself (ADDED) */
	if (rte_vmsg_dev_create(&o, &ops, m, &m->dev) != 0)
		_exit(4);
	return m;
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

struct cmd {
	char op; /* 'U' unplug, 'P' plug, 'Q' quit */
	uint8_t pad;
	uint16_t count;
};

static void device_main(uint8_t incarnation, int cmd_fd, int ack_fd)
{
	static struct mdev *live[MAX_NUM];
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_bus_shm *shm = NULL;
	struct rte_vmsg_bus *bus = NULL;
	uint32_t nlive = 0, i, k, polls = 0;
	int rc;
	char ack = 'R';

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DEVICE;
	/* A restarted device process takes over the file the driver still maps. */
	so.flags = RTE_VMSG_BUS_SHM_F_REUSE | RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
	so.num_elems = 256;
	so.elem_size = 256;
	so.dma_size = (uint64_t)(NDEV + NPLUG) * 2u * QBYTES;
	so.transport_features = RTE_VMSG_F_STRICT_CONFIG_GENERATION;
	rc = rte_vmsg_bus_shm_open(&so, NULL, &shm, &bus);
	if (rc != 0)
		device_cannot(ack_fd, rc);
	for (i = 0; i < NDEV; i++) {
		struct mdev *m = mdev_new(bus, incarnation);

		live[m->num] = m;
		nlive++;
	}
	if (write(ack_fd, &ack, 1) != 1)
		_exit(5);
	for (;;) {
		struct pollfd pfd = { .fd = cmd_fd, .events = POLLIN };
		struct cmd c;

		rte_vmsg_bus_poll(bus);
		if ((++polls & 255u) != 0 || poll(&pfd, 1, 0) != 1)
			continue;
		if (read(cmd_fd, &c, sizeof(c)) != (ssize_t)sizeof(c))
			_exit(6); /* the driver went away */
		switch (c.op) {
		case 'U':
			/* Every 7th live device, up to the count, in number order. */
			for (i = 0, k = 0; i < MAX_NUM && k < c.count; i++) {
				if (live[i] == NULL || (i % 7u) != 3u)
					continue;
				if (rte_vmsg_bus_dev_lookup(bus, (uint16_t)i) != live[i]->dev)
					_exit(7);
				rte_vmsg_dev_destroy(live[i]->dev); /* unregisters it: REMOVED */
				free(live[i]);
				live[i] = NULL;
				nlive--;
				k++;
			}
			break;
		case 'P':
			for (k = 0; k < c.count; k++) {
				struct mdev *m = mdev_new(bus, incarnation);

				live[m->num] = m;
				nlive++;
			}
			break;
		case 'Q':
			/* The devices first: each unregisters itself from the bus. */
			for (i = 0; i < MAX_NUM; i++)
				if (live[i] != NULL) {
					rte_vmsg_dev_destroy(live[i]->dev);
					free(live[i]);
				}
			rte_vmsg_bus_shm_close(shm, bus);
			_exit(0);
		default:
			_exit(8);
		}
		ack = 'A';
		if (write(ack_fd, &ack, 1) != 1)
			_exit(5);
	}
}

/* ------------------------------------------------------------------------ */
/* The driver (this process)                                                 */

struct ddev {
	struct rte_vmsg_drv *drv;
	uint8_t present; /* known to the driver, not removed */
	uint8_t removed; /* EVENT_DEVICE REMOVED seen */
	uint8_t added;	 /* EVENT_DEVICE ADDED seen, not yet initialized */
	uint8_t ready;	 /* initialized */
};

struct req {
	uint16_t num;
	uint8_t busy;
	int status;
	uint8_t buf[CFG_SIZE];
};

static struct {
	pid_t child;
	int cmd_fd, ack_fd;
	struct rte_vmsg_bus_shm *shm;
	struct rte_vmsg_bus *bus;
	uint64_t dma_bus;
	uint32_t next_q; /* queue memory handed out, in QBYTES units */
	struct ddev dev[MAX_NUM];
	struct req req[WINDOW];
	uint32_t done, failed_removed, failed_killed, removed_events, added_events, pending_added;
	int killed; /* the device process was killed: in-flight requests must fail */
	uint8_t incarnation;
	uint64_t rng;
} g;

static uint32_t rnd(void)
{
	g.rng ^= g.rng << 13;
	g.rng ^= g.rng >> 7;
	g.rng ^= g.rng << 17;
	return (uint32_t)g.rng;
}

static void spawn_device(uint8_t incarnation)
{
	int cmd[2], ack[2];
	struct pollfd pfd;
	char c = 0;

	if (pipe(cmd) != 0 || pipe(ack) != 0) {
		perror("pipe");
		exit(1);
	}
	g.child = fork();
	if (g.child < 0) {
		perror("fork");
		exit(1);
	}
	if (g.child == 0) {
		close(cmd[1]);
		close(ack[0]);
		device_main(incarnation, cmd[0], ack[1]);
	}
	close(cmd[0]);
	close(ack[1]);
	g.cmd_fd = cmd[1];
	g.ack_fd = ack[0];
	g.incarnation = incarnation;
	pfd.fd = g.ack_fd;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, (int)(WAIT_NS / 1000000u)) == 1 && read(g.ack_fd, &c, 1) == 1 &&
	    c == 'H') {
		waitpid(g.child, NULL, 0);
		VTEST_SKIP_NO_HUGE("no free hugepages for the shm bus file (see HugePages_Free "
				   "in /proc/meminfo; scripts/setup-hugepages.sh reserves them)");
	}
	if (c != 'R') {
		fprintf(stderr, "device process %d did not come up\n", (int)g.child);
		kill(g.child, SIGKILL);
		exit(1);
	}
}

/* Sends a command and waits for the device process to have carried it out. */
static void command(char op, uint16_t count)
{
	struct cmd c = { .op = op, .count = count };
	struct pollfd pfd = { .fd = g.ack_fd, .events = POLLIN };
	uint64_t end = rte_vmsg_time_ns() + WAIT_NS;
	char a = 0;

	CHECK_EQ(write(g.cmd_fd, &c, sizeof(c)), (ssize_t)sizeof(c));
	/* Keep the bus polled meanwhile: events and responses flow. */
	while (poll(&pfd, 1, 0) != 1 && rte_vmsg_time_ns() < end)
		rte_vmsg_bus_poll(g.bus);
	CHECK_EQ(read(g.ack_fd, &a, 1), 1);
	CHECK_EQ(a, 'A');
}

static void on_dev_event(void *arg, uint16_t num, uint16_t state)
{
	(void)arg;
	if (state == RTE_VMSG_DEVICE_BUS_STATE_REMOVED) {
		CHECK(g.dev[num].present);
		g.dev[num].present = 0;
		g.dev[num].removed = 1;
		g.removed_events++;
	} else if (state == RTE_VMSG_DEVICE_BUS_STATE_ADDED) {
		/* BUS-5: a freed number is not handed out again at once. */
		CHECK(!g.dev[num].removed);
		CHECK(!g.dev[num].present);
		g.dev[num].added = 1;
		g.added_events++;
		g.pending_added++;
	}
}

static void wait_connected(void)
{
	CHECK_EQ(rte_vmsg_bus_wait_connected(g.bus, WAIT_NS, NULL, NULL), 0);
}

static void attach(void)
{
	struct rte_vmsg_bus_shm_open_opts oo;
	struct rte_vmsg_bus_shm_opts so;
	int rc;

	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DRIVER;
	so.flags = RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
	so.transport_features = RTE_VMSG_F_STRICT_CONFIG_GENERATION;
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.timeout_ns = BUS_TIMEOUT_NS;
	oo.max_inflight = 1024;
	oo.wait_ns = WAIT_NS;
	rc = rte_vmsg_bus_shm_open(&so, &oo, &g.shm, &g.bus);
	CHECK_EQ(rc, 0);
	if (rc != 0)
		exit(1);
	CHECK_EQ(rte_vmsg_bus_shm_dma(g.shm, NULL, &g.dma_bus, NULL), 0);
	CHECK_EQ(rte_vmsg_bus_set_dev_event_cb(g.bus, on_dev_event, NULL), 0);
	CHECK_EQ(rte_vmsg_bus_connected(g.bus), 1);
}

struct enum_rec {
	int calls, status;
	uint32_t ndevs;
};

static void on_enum(void *arg, int status, uint32_t ndevs)
{
	struct enum_rec *r = arg;

	r->calls++;
	r->status = status;
	r->ndevs = ndevs;
}

/* GET_DEVICES into @p bitmap; returns the number of devices found. */
static uint32_t enumerate(uint8_t *bitmap)
{
	uint64_t end = rte_vmsg_time_ns() + WAIT_NS;
	struct enum_rec er = { 0, 0, 0 };

	CHECK_EQ(rte_vmsg_bus_enumerate(g.bus, bitmap, on_enum, &er), 0);
	while (er.calls == 0 && rte_vmsg_time_ns() < end)
		rte_vmsg_bus_poll(g.bus);
	CHECK_EQ(er.calls, 1);
	CHECK_EQ(er.status, 0);
	return er.ndevs;
}

static int bit(const uint8_t *bitmap, uint32_t n)
{
	return (bitmap[n / 8u] >> (n % 8u)) & 1;
}

static int cfg_ok(const uint8_t *buf, uint16_t num)
{
	uint8_t want[CFG_SIZE];

	cfg_fill(want, num, g.incarnation);
	return memcmp(buf, want, CFG_SIZE) == 0;
}

/* The v2 initialization flow of one device, then one checked config read. */
static void init_dev(uint16_t num)
{
	static const uint32_t wanted[2] = { 0x1u, 0x1u };
	struct ddev *d = &g.dev[num];
	uint32_t negotiated[2], q, gen;
	uint8_t buf[CFG_SIZE];
	int rc;

	CHECK(d->drv == NULL);
	CHECK_EQ(rte_vmsg_drv_open(g.bus, num, NULL, &d->drv), 0);
	rc = rte_vmsg_drv_init(d->drv, wanted, 2, negotiated);
	CHECK_EQ(rc, 0);
	CHECK_U64(negotiated[0], 0x1u);
	CHECK_U64(negotiated[1], 0x1u);
	for (q = 0; q < 2; q++) {
		uint64_t base = g.dma_bus + (uint64_t)(g.next_q++) * QBYTES;

		rc = rte_vmsg_drv_vq_setup(d->drv, q, QSIZE, base, base + 16u * QSIZE,
					   base + 4096u + 1024u);
		CHECK_EQ(rc, 0);
	}
	CHECK_EQ(rte_vmsg_drv_driver_ok(d->drv), 0);
	CHECK_EQ(rte_vmsg_drv_get_config(d->drv, 0, CFG_SIZE, buf, &gen), 0);
	CHECK(cfg_ok(buf, num));
	d->present = 1;
	if (d->added)
		g.pending_added--;
	d->added = 0;
	d->ready = 1;
}

/* Phase 1 and 4: enumerate, then initialize everything found. */
static void discover_all(uint32_t expect)
{
	static uint8_t bitmap[RTE_VMSG_BUS_DEV_BITMAP_SIZE];
	uint64_t t0, t1, t2;
	uint32_t n, i;

	t0 = rte_vmsg_time_ns();
	n = enumerate(bitmap);
	t1 = rte_vmsg_time_ns();
	CHECK_EQ(n, expect);
	g.next_q = 0;
	for (i = 0; i < MAX_NUM; i++)
		if (bit(bitmap, i))
			init_dev((uint16_t)i);
	t2 = rte_vmsg_time_ns();
	printf("incarnation %u: enumerated %u devices in %.2f ms, initialized them in %.1f ms "
	       "(%.1f us each)\n",
	       g.incarnation, n, (double)(t1 - t0) / 1e6, (double)(t2 - t1) / 1e6,
	       (double)(t2 - t1) / 1e3 / (n ? n : 1));
}

static void on_req(void *arg, int status)
{
	struct req *r = arg;

	r->status = status;
	r->busy = 0;
	if (status == 0) {
		CHECK(cfg_ok(r->buf, r->num));
		g.done++;
	} else if (status == -ETIMEDOUT && g.dev[r->num].removed) {
		g.failed_removed++; /* it went away with the request on its way (BUS-9) */
	} else if (status == -ECONNRESET && g.killed) {
		g.failed_killed++; /* the peer died: failed at once, not at the timeout */
	} else {
		fprintf(stderr, "request to device %u failed: %d (removed %d)\n", r->num, status,
			g.dev[r->num].removed);
		CHECK(0);
	}
}

/* A random device that is ready. */
static uint16_t pick(void)
{
	for (;;) {
		uint32_t n = rnd() % (NDEV + NPLUG + 64u);

		if (g.dev[n].ready && g.dev[n].present)
			return (uint16_t)n;
	}
}

/* Keeps WINDOW config reads in flight until @p total more have succeeded. */
static void traffic(uint32_t total, int hotplug)
{
	uint32_t goal = g.done + total, start = g.done, i, n;
	uint64_t end = rte_vmsg_time_ns() + 4 * WAIT_NS;
	int unplugged = 0, plugged = 0, busy;

	while ((g.done < goal || g.added_events < (hotplug ? NPLUG : 0) ||
		g.removed_events < (hotplug ? NUNPLUG : 0)) &&
	       rte_vmsg_time_ns() < end) {
		for (i = 0; i < WINDOW; i++) {
			struct req *r = &g.req[i];

			if (r->busy)
				continue;
			r->num = pick();
			r->busy = 1;
			memset(r->buf, 0, sizeof(r->buf));
			if (rte_vmsg_drv_get_config_async(g.dev[r->num].drv, 0, CFG_SIZE, r->buf,
							  NULL, on_req, r) != 0)
				r->busy = 0; /* backend full: try again next turn */
		}
		rte_vmsg_bus_poll(g.bus);
		if (hotplug && !unplugged && g.done - start >= total / 4) {
			command('U', NUNPLUG);
			unplugged = 1;
		}
		if (hotplug && !plugged && g.done - start >= total / 2) {
			command('P', NPLUG);
			plugged = 1;
		}
		/* New devices: initialized between requests (their sync calls poll too). */
		for (n = 0; n < MAX_NUM && g.pending_added != 0; n++)
			if (g.dev[n].added && g.dev[n].drv == NULL)
				init_dev((uint16_t)n);
	}
	CHECK(g.done >= goal);
	/* Drain: whatever is left completes (or times out for removed devices). */
	end = rte_vmsg_time_ns() + 2 * BUS_TIMEOUT_NS + WAIT_NS / 10;
	do {
		rte_vmsg_bus_poll(g.bus);
		for (i = 0, busy = 0; i < WINDOW; i++)
			busy += g.req[i].busy;
	} while (busy != 0 && rte_vmsg_time_ns() < end);
	CHECK_EQ(busy, 0);
}

static void close_all(void)
{
	uint32_t i;

	for (i = 0; i < MAX_NUM; i++) {
		rte_vmsg_drv_close(g.dev[i].drv);
		memset(&g.dev[i], 0, sizeof(g.dev[i]));
	}
}

int main(void)
{
	static uint8_t bitmap[RTE_VMSG_BUS_DEV_BITMAP_SIZE];
	char mnt[256];
	uint64_t t0, t1;
	uint32_t i, n, busy;
	int status, rc;

	if (rte_vmsg_hugetlbfs_find(mnt, sizeof(mnt)) < 0)
		VTEST_SKIP_NO_HUGE("no hugetlbfs mount (run scripts/setup-hugepages.sh as root)");
	g.rng = vtest_seed();
	snprintf(path, sizeof(path), "vmsg_transport_procs_%d", (int)getpid());

	/* 1. Enumerate and initialize 1000 devices in another process. */
	spawn_device(1);
	attach();
	discover_all(NDEV);

	/* 2. Traffic while devices come and go. */
	traffic(20000, 1);
	CHECK_EQ(g.removed_events, NUNPLUG);
	CHECK_EQ(g.added_events, NPLUG);
	n = enumerate(bitmap);
	CHECK_EQ(n, NDEV - NUNPLUG + NPLUG);
	for (i = 0; i < MAX_NUM; i++) {
		CHECK_EQ(bit(bitmap, i), g.dev[i].present);
		if (g.dev[i].present)
			CHECK(g.dev[i].ready);
	}
	printf("hot-plug: %u removed, %u added, %u requests ok, %u lost to removed devices\n",
	       g.removed_events, g.added_events, g.done, g.failed_removed);

	/*
	 * 3. Kill the device process with WINDOW requests in flight. It is
	 * stopped first, so that it cannot answer them before it dies.
	 */
	CHECK_EQ(kill(g.child, SIGSTOP), 0);
	CHECK_EQ(waitpid(g.child, &status, WUNTRACED), g.child);
	CHECK(WIFSTOPPED(status));
	for (i = 0; i < WINDOW; i++) {
		struct req *r = &g.req[i];

		r->num = pick();
		r->busy = 1;
		rc = rte_vmsg_drv_get_config_async(g.dev[r->num].drv, 0, CFG_SIZE, r->buf, NULL,
						   on_req, r);
		CHECK_EQ(rc, 0);
		if (rc != 0)
			r->busy = 0;
	}
	for (i = 0; i < 1000; i++)
		rte_vmsg_bus_poll(g.bus); /* nothing comes back from a stopped process */
	CHECK_EQ(rte_vmsg_bus_inflight(g.bus), WINDOW);
	g.killed = 1;
	t0 = rte_vmsg_time_ns();
	CHECK_EQ(kill(g.child, SIGKILL), 0);
	do {
		rte_vmsg_bus_poll(g.bus);
		for (i = 0, busy = 0; i < WINDOW; i++)
			busy += g.req[i].busy;
	} while (busy != 0 && rte_vmsg_time_ns() < t0 + BUS_TIMEOUT_NS);
	t1 = rte_vmsg_time_ns();
	CHECK_EQ(busy, 0);
	CHECK_EQ(g.failed_killed, WINDOW);
	CHECK_EQ(rte_vmsg_bus_inflight(g.bus), 0);
	CHECK_EQ(rte_vmsg_bus_connected(g.bus), 0);
	printf("device process killed: %u requests in flight failed within %.2f ms "
	       "(request timeout %.0f ms)\n",
	       WINDOW, (double)(t1 - t0) / 1e6, (double)BUS_TIMEOUT_NS / 1e6);
	CHECK(t1 - t0 < BUS_TIMEOUT_NS);
	CHECK_EQ(waitpid(g.child, &status, 0), g.child);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	close(g.cmd_fd);
	close(g.ack_fd);
	/* A synchronous call now fails at once: nothing to talk to. */
	for (i = 0; i < MAX_NUM; i++)
		if (g.dev[i].ready)
			break;
	{
		uint32_t st;

		t0 = rte_vmsg_time_ns();
		CHECK(rte_vmsg_drv_get_status(g.dev[i].drv, &st) < 0);
		CHECK(rte_vmsg_time_ns() - t0 < BUS_TIMEOUT_NS);
	}

	/* 4. A new device process on the same file: reconnect, re-initialize. */
	close_all();
	g.removed_events = g.added_events = 0;
	spawn_device(2);
	wait_connected();
	discover_all(NDEV);
	traffic(10000, 0);
	printf("after restart: %u requests ok in total\n", g.done);

	/* Clean end: the device process quits on command. */
	{
		struct cmd c = { .op = 'Q' };

		CHECK_EQ(write(g.cmd_fd, &c, sizeof(c)), (ssize_t)sizeof(c));
	}
	CHECK_EQ(waitpid(g.child, &status, 0), g.child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close_all();
	unlink(rte_vmsg_region_path(rte_vmsg_bus_shm_region(g.shm)));
	rte_vmsg_bus_shm_close(g.shm, g.bus);
	return vtest_done("transport_procs");
}
