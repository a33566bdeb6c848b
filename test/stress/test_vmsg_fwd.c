/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd end to end: this program starts the built vmsg-fwd (its path is
 * argv[1]) and plays the other end of each of its ports over shm bus files.
 *
 *  1. Device role, io: two ports of two queue pairs; this process is the
 *     driver of both (rte_vmsg_net_drv). Sequence-numbered packets of random
 *     sizes go both ways on every pair; each is checked where it comes out
 *     (same queue pair, in order, every byte). Then SIGINT: exit 0, the
 *     final totals equal what was sent and received, no drops, files gone.
 *  2. The same in macswap mode (addresses swapped, the rest identical).
 *  3. Driver role: this process creates two device-role files with
 *     APP-backend virtio-net devices; vmsg-fwd attaches them as the driver;
 *     packets go in at device 0 and come out at device 1 and back.
 *  4. A dying peer: a child process drives both ports of a device-role
 *     vmsg-fwd and is SIGKILLed mid-traffic; vmsg-fwd must stay up, report
 *     the loss, and carry checked traffic for a new driver (this process).
 *  5. With --dpdk, this scenario alone (meson test vmsg_fwd_dpdk, which
 *     exists only in builds with DPDK): port 0 is vmsg, port 1 a net_ring
 *     vdev, which sends what it transmits back to its own receive queue:
 *     every packet goes through DPDK and back, checked.
 *  6. A dying device: vmsg-fwd in the driver role loses both devices (their
 *     process is SIGKILLed), says so, attaches again, and drives the new
 *     devices a new process made on files of the same names.
 *  7. A hostile driver: a head index out of range in port 0's transmit
 *     queue breaks that queue (counted in broken), vmsg-fwd raises
 *     DEVICE_NEEDS_RESET and carries checked traffic after the reset; over
 *     a split ring, then a packed in-order one (a buffer id out of range).
 *  8-11. Bare AMP links (bus=amp): device role, driver role, the v0
 *     layout, three drivers in turn (the second hostile).
 * 12. A hung driver (peer_timeout=200), on a bare link and on an shm bus:
 *     taken for lost by vmsg-fwd (the keepalive; the heartbeat), not
 *     before the timeout; a new driver served.
 * 13. SIGINT while a driver-role port's bring-up waits for a device that
 *     never answers: vmsg-fwd ends at once (the handle's cancel).
 * 14. A driver-role port on a file whose device comes 0.5 s after the
 *     start: attached again every 200 ms, link up within 2 s of it.
 * 15. Frames too big for a driver without MRG_RXBUF, behind a device-role
 *     port: counted in its drops, not also as sent.
 * 16. A driver-role port's library counters (errors) across a device
 *     restart: none lost; the device's MTU, larger than the buffers, said
 *     once.
 * 17. A driver-role port whose device has fewer queue pairs than it asks:
 *     said once, tried less often, up once the device comes back with them.
 * 18. A driver-role bare-link port whose device stops and starts again
 *     3.5 s later on the same memory: after the loss the same file is
 *     kept (no more SHUTDOWN in its queue head), link up once it runs.
 *
 * With --measure [--size N] [--seconds S]: no checks, the forwarding rate of
 * one queue pair in io mode (this process sends on port 0 and receives on
 * port 1 on CPU 0; vmsg-fwd's thread runs on CPU 1).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_transport.h>
#include <rte_vmsg_virtq.h>

#include "fwd_child.h"
#include "silent_dev.h"
#include "stress_common.h"
#include "vmsg_util.h"
#include "vtest.h"

#define QSIZE 256u
#define MAX_FRAME 1514u
#define MIN_FRAME 60u
#define WINDOW 96u /* packets in flight per flow: below the receive buffers */
#define WAIT_NS 20000000000ull
#define BURST 32u

static const char *fwd_bin;
static char out_path[128];
static char err_path[128];
static int err_captured; /* vmsg-fwd's standard error to err_path, not to the test's */
static int have_dpdk;
static uint64_t rng;

static uint64_t scaled(uint64_t n)
{
	const char *s = getenv("VMSG_STRESS_SCALE");

	return s != NULL && strcmp(s, "small") == 0 ? n / 50 : n;
}

/* ------------------------------------------------------------------------ */
/* vmsg-fwd as a child process                                               */

static pid_t fwd_start(char *const args[])
{
	return fwd_child_start(fwd_bin, out_path, err_captured ? err_path : NULL, args);
}

static int fwd_stop(pid_t pid)
{
	return fwd_child_stop(pid, WAIT_NS);
}

static int fwd_totals(struct fwd_totals *t, uint32_t nports)
{
	return fwd_child_totals(out_path, t, nports);
}

static int output_has(const char *what)
{
	return fwd_child_output_has(out_path, what);
}

/* Lines of file @p path that contain @p what. */
static int file_count(const char *path, const char *what)
{
	FILE *f = fopen(path, "r");
	char line[512];
	int n = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL)
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

/* Lines of vmsg-fwd's output that contain @p what. */
static int output_count(const char *what)
{
	return file_count(out_path, what);
}

static void show_output(void)
{
	fwd_child_show(out_path);
	if (err_captured)
		fwd_child_show(err_path);
}

/* ------------------------------------------------------------------------ */
/* The ends this process plays                                               */

struct end {
	/* driver role (against a device-role vmsg-fwd port) */
	struct rte_vmsg_bus_shm *shm;
	/* ... over a bare AMP link (bus=amp): the link file, the "guest RAM", the link end */
	struct rte_vmsg_region *link, *ram;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_bus_amp *amp;
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_drv *drv;
	/* device role (against a driver-role vmsg-fwd port) */
	struct rte_vmsg_net_dev *dev;
	uint32_t qp;
};

static int end_tx(struct end *e, uint32_t q, struct rte_vmsg_net_pkt *p, uint32_t n)
{
	return e->drv != NULL ? rte_vmsg_net_drv_tx_burst(e->drv, q, p, n)
			      : rte_vmsg_net_dev_send_burst(e->dev, q, p, n);
}

static int end_rx(struct end *e, uint32_t q, struct rte_vmsg_net_pkt *p, uint32_t n)
{
	return e->drv != NULL ? rte_vmsg_net_drv_rx_burst(e->drv, q, p, n)
			      : rte_vmsg_net_dev_recv_burst(e->dev, q, p, n);
}

static void end_poll(struct end *e)
{
	if (e->bus != NULL)
		rte_vmsg_bus_poll(e->bus);
	if (e->dev != NULL)
		rte_vmsg_net_dev_service(e->dev);
}

/*
 * Attaches the file vmsg-fwd made and brings its device up (driver role),
 * wanting @p features.
 */
static int drv_end_open_feat(struct end *e, const char *path, uint32_t qp, uint64_t features)
{
	struct rte_vmsg_bus_shm_open_opts oo;
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_net_drv_opts o;
	uint64_t dma_bus = 0, dma_size = 0;
	void *dma = NULL;
	int rc;

	memset(e, 0, sizeof(*e));
	e->qp = qp;
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DRIVER;
	so.flags = RTE_VMSG_BUS_SHM_F_ADOPT;
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.wait_ns = WAIT_NS;
	rc = rte_vmsg_bus_shm_open(&so, &oo, &e->shm, &e->bus);
	if (rc != 0) {
		fprintf(stderr, "attaching %s: %s\n", path, strerror(-rc));
		return rc;
	}
	rte_vmsg_bus_shm_dma(e->shm, &dma, &dma_bus, &dma_size);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = e->bus;
	o.dev_num = 1;
	o.queue_pairs = (uint16_t)qp;
	o.queue_size = QSIZE;
	o.dma_addr = dma;
	o.dma_bus_addr = dma_bus;
	o.dma_size = dma_size;
	o.features = features;
	o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	rc = rte_vmsg_net_drv_create(&o, &e->drv);
	if (rc != 0)
		fprintf(stderr, "%s: rte_vmsg_net_drv_create: %s\n", path, strerror(-rc));
	return rc;
}

static int drv_end_open(struct end *e, const char *path, uint32_t qp)
{
	/* RING_PACKED wanted too: a port offering it gets packed rings. */
	return drv_end_open_feat(e, path, qp,
				 rte_vmsg_net_drv_default_features() |
					 (1ull << RTE_VMSG_VIRTIO_F_RING_PACKED));
}

/*
 * Creates a device-role file with an APP-backend device of MTU @p mtu (0:
 * 1500), for a driver-role vmsg-fwd.
 */
static int dev_end_open_mtu(struct end *e, const char *path, uint32_t qp, uint8_t mac_last,
			    uint16_t mtu)
{
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_net_dev_opts no;
	int rc;

	memset(e, 0, sizeof(*e));
	e->qp = qp;
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_UNLINK |
		   RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
	so.dma_size = 8u << 20;
	rc = rte_vmsg_bus_shm_open(&so, NULL, &e->shm, &e->bus);
	if (rc != 0)
		return rc;
	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = e->bus;
	no.map = rte_vmsg_bus_memmap(e->bus);
	no.dev_num = 1;
	no.max_queue_pairs = (uint16_t)qp;
	no.queue_size = QSIZE;
	no.backend = RTE_VMSG_NET_BACKEND_APP;
	no.mac[0] = 0x02;
	no.mac[5] = mac_last;
	no.mtu = mtu;
	return rte_vmsg_net_dev_create(&no, &e->dev);
}

static int dev_end_open(struct end *e, const char *path, uint32_t qp, uint8_t mac_last)
{
	return dev_end_open_mtu(e, path, qp, mac_last, 0);
}

static void end_close(struct end *e)
{
	rte_vmsg_net_drv_destroy(e->drv);
	rte_vmsg_net_dev_destroy(e->dev);
	if (e->amp != NULL)
		rte_vmsg_bus_destroy(e->bus);
	else
		rte_vmsg_bus_shm_close(e->shm, e->bus);
	rte_vmsg_bus_amp_destroy(e->amp);
	rte_vmsg_memmap_destroy(e->map);
	rte_vmsg_region_destroy(e->ram);
	rte_vmsg_region_destroy(e->link);
	memset(e, 0, sizeof(*e));
}

/*
 * The driver end of a bare AMP link that a bus=amp vmsg-fwd port lays out at
 * +4096 of @p link (as in an ivshmem BAR), in payload profile @p payloads,
 * its virtqueues and buffers in @p ram (a "guest RAM" file: bus address =
 * file offset), as a VM's driver would place them.
 */
/* The ring layout of the bare-link scenarios: v1, or v0 (Arm's amp-pci model). */
static uint32_t amp_layout;

static int amp_end_open(struct end *e, const char *link, const char *ram, uint32_t payloads,
			uint32_t qp)
{
	uint64_t end = rte_vmsg_time_ns() + WAIT_NS;
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_net_drv_opts o;
	struct rte_vmsg_bus_opts bo;
	int rc;

	memset(e, 0, sizeof(*e));
	e->qp = qp;
	/* A link file vmsg-fwd makes (size=) appears when it starts: wait for it too. */
	while ((rc = vmsg_util_attach_file(link, 0, &e->link)) == -ENOENT &&
	       rte_vmsg_time_ns() < end)
		usleep(2000);
	if (rc == 0)
		rc = vmsg_util_attach_file(ram, 0, &e->ram);
	if (rc != 0)
		return rc;
	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = RTE_VMSG_BUS_DRIVER;
	ao.region = e->link;
	ao.offset = 4096;
	ao.layout = amp_layout;
	/* The device writes the layout when vmsg-fwd starts: wait for it (bounded). */
	while ((rc = rte_vmsg_bus_amp_create(&ao, &e->amp)) == -EAGAIN && rte_vmsg_time_ns() < end)
		usleep(2000);
	if (rc != 0) {
		fprintf(stderr, "%s: the AMP link: %s\n", link, strerror(-rc));
		return rc;
	}
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DRIVER;
	bo.payloads = payloads;
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), e->amp, &e->bus);
	if (rc != 0)
		return rc;
	rc = rte_vmsg_bus_wait_connected(e->bus, WAIT_NS, NULL, NULL);
	if (rc != 0) {
		fprintf(stderr, "%s: the link did not come up: %s\n", link, strerror(-rc));
		return rc;
	}
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = e->bus;
	o.dev_num = 1;
	o.queue_pairs = (uint16_t)qp;
	o.queue_size = QSIZE;
	o.dma_addr = rte_vmsg_region_addr(e->ram);
	o.dma_bus_addr = rte_vmsg_region_bus_addr(e->ram);
	o.dma_size = rte_vmsg_region_len(e->ram);
	o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	rc = rte_vmsg_net_drv_create(&o, &e->drv);
	if (rc != 0)
		fprintf(stderr, "%s: rte_vmsg_net_drv_create: %s\n", link, strerror(-rc));
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Checked traffic                                                           */

#define DST_MAC "\x02\x00\x00\x00\xAA\x01"
#define SRC_MAC "\x02\x00\x00\x00\xBB\x02"

/* dst, src, 0x88B5, source end, queue pair, sequence number, pattern. */
static void frame_fill(uint8_t *f, uint32_t src, uint32_t q, uint64_t seq, uint32_t len)
{
	uint64_t s =
		(seq + 1) * 0x9E3779B97F4A7C15ull ^ ((uint64_t)src << 56) ^ ((uint64_t)q << 48);
	uint32_t i;

	memcpy(f, DST_MAC, 6);
	memcpy(f + 6, SRC_MAC, 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	f[14] = (uint8_t)src;
	f[15] = (uint8_t)q;
	memcpy(f + 16, &seq, sizeof(seq));
	for (i = 24; i < len; i += 8) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		memcpy(f + i, &s, len - i < 8 ? len - i : 8);
	}
}

struct flow {
	uint64_t sent, recv, bad, bytes_sent, bytes_recv;
	uint32_t lens[4096];
};

struct traffic {
	struct end *ends[2];
	uint32_t nends;
	uint32_t dst[2]; /* where the packets sent at end i come out */
	uint32_t qp;
	int macswap;
	struct flow fl[2][64];
};

static int frame_check(const uint8_t *f, uint32_t len, uint32_t src, uint32_t q, uint64_t seq,
		       uint32_t want_len, int swapped)
{
	static uint8_t exp[MAX_FRAME];

	if (len != want_len)
		return 0;
	frame_fill(exp, src, q, seq, want_len);
	if (swapped)
		return memcmp(f, exp + 6, 6) == 0 && memcmp(f + 6, exp, 6) == 0 &&
		       memcmp(f + 12, exp + 12, len - 12) == 0;
	return memcmp(f, exp, len) == 0;
}

static void rx_one(struct traffic *t, uint32_t at, uint32_t q, const struct rte_vmsg_net_pkt *p)
{
	const uint8_t *f = p->data;
	uint32_t src = f[14], fq = f[15];
	uint64_t seq;
	struct flow *fl;

	memcpy(&seq, f + 16, sizeof(seq));
	if (src >= t->nends || fq != q || t->dst[src] != at) {
		fprintf(stderr, "end %u q %u: a packet from end %u q %u\n", at, q, src, fq);
		t->fl[0][0].bad++;
		return;
	}
	fl = &t->fl[src][q];
	if (seq != fl->recv ||
	    !frame_check(f, p->len, src, q, seq, fl->lens[seq % 4096], t->macswap)) {
		if (fl->bad++ < 5)
			fprintf(stderr,
				"end %u q %u: packet %" PRIu64 " bad (seq %" PRIu64 ", len %u)\n",
				src, q, fl->recv, seq, p->len);
	}
	fl->recv++;
	fl->bytes_recv += p->len;
}

/*
 * Sends @p per_flow packets on every queue pair of every end, at most WINDOW
 * of a flow in flight, and checks each where it comes out.
 */
static void traffic_run(struct traffic *t, uint64_t per_flow, void (*between)(void *), void *arg)
{
	static uint8_t txbuf[BURST][MAX_FRAME], rxbuf[BURST][MAX_FRAME];
	struct rte_vmsg_net_pkt tx[BURST], rx[BURST];
	uint64_t last = rte_vmsg_time_ns(), total = 0, seen = 0, goal, turns = 0;
	static uint64_t target[2][64];
	uint32_t s, q, k;
	int n;

	goal = 0;
	for (s = 0; s < t->nends; s++)
		for (q = 0; q < t->qp; q++) {
			target[s][q] = t->fl[s][q].sent + per_flow;
			goal += t->fl[s][q].recv + per_flow;
		}
	for (;;) {
		total = 0;
		for (s = 0; s < t->nends; s++) {
			for (q = 0; q < t->qp; q++) {
				struct flow *fl = &t->fl[s][q];
				uint32_t want = (uint32_t)(WINDOW - (fl->sent - fl->recv));

				if (want > BURST)
					want = BURST;
				if (fl->sent + want > target[s][q])
					want = (uint32_t)(target[s][q] - fl->sent);
				for (k = 0; k < want; k++) {
					uint32_t len = stress_frame_len(vtest_rand(&rng), MIN_FRAME,
									MAX_FRAME);

					memset(&tx[k], 0, sizeof(tx[k]));
					tx[k].data = txbuf[k];
					tx[k].len = len;
					frame_fill(txbuf[k], s, q, fl->sent + k, len);
					fl->lens[(fl->sent + k) % 4096] = len;
				}
				if (want != 0) {
					n = end_tx(t->ends[s], q, tx, want);
					CHECK(n >= 0);
					for (k = 0; n > 0 && k < (uint32_t)n; k++)
						fl->bytes_sent += tx[k].len;
					if (n > 0)
						fl->sent += (uint64_t)n;
				}
			}
		}
		for (s = 0; s < t->nends; s++) {
			for (q = 0; q < t->qp; q++) {
				for (k = 0; k < BURST; k++) {
					memset(&rx[k], 0, sizeof(rx[k]));
					rx[k].data = rxbuf[k];
					rx[k].cap = MAX_FRAME;
				}
				n = end_rx(t->ends[s], q, rx, BURST);
				CHECK(n >= 0);
				for (k = 0; n > 0 && k < (uint32_t)n; k++)
					rx_one(t, s, q, &rx[k]);
			}
			end_poll(t->ends[s]);
		}
		for (s = 0; s < t->nends; s++)
			for (q = 0; q < t->qp; q++)
				total += t->fl[s][q].recv;
		if (between != NULL)
			between(arg);
		if (total >= goal)
			break;
		if (total != seen) {
			seen = total;
			last = rte_vmsg_time_ns();
		} else if ((++turns & 255u) == 0 && rte_vmsg_time_ns() - last > WAIT_NS) {
			fprintf(stderr, "traffic stalled: %" PRIu64 " of %" PRIu64 " packets\n",
				total, goal);
			break;
		}
	}
	CHECK_U64(total, goal);
	for (s = 0; s < t->nends; s++)
		for (q = 0; q < t->qp; q++)
			CHECK_U64(t->fl[s][q].bad, 0);
}

static void traffic_init(struct traffic *t, struct end *a, struct end *b, uint32_t qp)
{
	memset(t, 0, sizeof(*t));
	t->ends[0] = a;
	t->ends[1] = b;
	t->nends = b != NULL ? 2 : 1;
	t->dst[0] = b != NULL ? 1 : 0;
	t->dst[1] = 0;
	t->qp = qp;
}

static uint64_t sent_at(const struct traffic *t, uint32_t s, int bytes)
{
	uint64_t v = 0;
	uint32_t q;

	for (q = 0; q < t->qp; q++)
		v += bytes ? t->fl[s][q].bytes_sent : t->fl[s][q].sent;
	return v;
}

static uint64_t recv_at(const struct traffic *t, uint32_t at, int bytes)
{
	uint64_t v = 0;
	uint32_t s, q;

	for (s = 0; s < t->nends; s++)
		if (t->dst[s] == at)
			for (q = 0; q < t->qp; q++)
				v += bytes ? t->fl[s][q].bytes_recv : t->fl[s][q].recv;
	return v;
}

/* vmsg-fwd's totals against ours: what we sent at an end it received, and the reverse. */
static void check_totals(const struct traffic *t, const struct fwd_totals *tot)
{
	uint32_t i;

	for (i = 0; i < t->nends; i++) {
		CHECK_U64(tot[i].rx, sent_at(t, i, 0));
		CHECK_U64(tot[i].rx_bytes, sent_at(t, i, 1));
		CHECK_U64(tot[i].tx, recv_at(t, i, 0));
		CHECK_U64(tot[i].tx_bytes, recv_at(t, i, 1));
		CHECK_U64(tot[i].drops, 0);
		CHECK_U64(tot[i].broken, 0);
		CHECK_U64(tot[i].errors, 0);
	}
}

static char files[2][320];

static int gone(const char *path)
{
	struct stat st;

	return stat(path, &st) != 0 && errno == ENOENT;
}

/* ------------------------------------------------------------------------ */
/* The scenarios                                                             */

/* 1, 2: two device-role ports of @p qp pairs; this process drives both. */
static void device_role(const char *mode, uint32_t qp, uint64_t per_flow)
{
	static struct traffic t;
	struct end a, b;
	struct fwd_totals tot[2];
	char p0[400], p1[400], qps[16];
	char *args[] = { "--port",	   p0,	  "--port",	  p1,	"--mode", (char *)mode,
			 "--stats-period", "0.5", "--idle-sleep", "20", NULL };
	uint64_t t0 = rte_vmsg_time_ns();
	pid_t pid;
	int rc;

	snprintf(qps, sizeof(qps), "%u", qp);
	snprintf(p0, sizeof(p0), "vmsg:role=device,file=%s,qp=%s", files[0], qps);
	/* Port 0 negotiates packed in-order with our driver end (it wants packed), port 1 split. */
	snprintf(p1, sizeof(p1), "vmsg:file=%s,qp=%s,mac=02:00:00:00:00:42,ring=split,in_order=0",
		 files[1], qps);
	pid = fwd_start(args);
	CHECK_EQ(drv_end_open(&a, files[0], qp), 0);
	CHECK_EQ(drv_end_open(&b, files[1], qp), 0);
	if (a.drv == NULL || b.drv == NULL) {
		fwd_stop(pid);
		show_output();
		exit(1);
	}
	traffic_init(&t, &a, &b, qp);
	t.macswap = strcmp(mode, "macswap") == 0;
	traffic_run(&t, per_flow, NULL, NULL);
	rc = fwd_stop(pid);
	CHECK_EQ(rc, 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	check_totals(&t, tot);
	CHECK(gone(files[0]) && gone(files[1]));
	if (vtest_failures != 0)
		show_output();
	printf("device role, %s, %u pairs: %" PRIu64 " packets checked in %.2f s; totals match\n",
	       mode, qp, recv_at(&t, 0, 0) + recv_at(&t, 1, 0),
	       (double)(rte_vmsg_time_ns() - t0) / 1e9);
	end_close(&a);
	end_close(&b);
}

static void dev_ends_poll(void *arg)
{
	struct end *e = arg;

	end_poll(&e[0]);
	end_poll(&e[1]);
}

/*
 * A device of this process on a bare AMP link at +4096 of @p link (it lays
 * the layout out), translating the driver's addresses through @p ram (bus
 * address = file offset), in payload profile @p payloads.
 */
static int amp_dev_end_open(struct end *e, const char *link, const char *ram, uint32_t payloads,
			    uint8_t mac_last)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_net_dev_opts no;
	struct rte_vmsg_bus_opts bo;
	int rc;

	memset(e, 0, sizeof(*e));
	e->qp = 1;
	rc = vmsg_util_attach_file(link, 0, &e->link);
	if (rc == 0)
		rc = vmsg_util_attach_file(ram, 0, &e->ram);
	if (rc == 0)
		rc = rte_vmsg_memmap_create(&e->map);
	if (rc == 0)
		rc = rte_vmsg_memmap_add(e->map, e->ram);
	if (rc != 0)
		return rc;
	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = RTE_VMSG_BUS_DEVICE;
	ao.region = e->link;
	ao.offset = 4096;
	ao.elem_size = 64;
	ao.layout = amp_layout;
	ao.map = e->map;
	rc = rte_vmsg_bus_amp_create(&ao, &e->amp);
	if (rc != 0)
		return rc;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DEVICE;
	bo.payloads = payloads;
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), e->amp, &e->bus);
	if (rc != 0)
		return rc;
	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = e->bus;
	no.map = e->map;
	no.dev_num = 1;
	no.max_queue_pairs = 1;
	no.queue_size = QSIZE;
	no.backend = RTE_VMSG_NET_BACKEND_APP;
	no.mac[0] = 0x02;
	no.mac[5] = mac_last;
	return rte_vmsg_net_dev_create(&no, &e->dev);
}

/* A file of @p size zero bytes, as QEMU makes an ivshmem or guest-RAM backing file. */
static int file_make(const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int rc = fd >= 0 && ftruncate(fd, (off_t)size) == 0 ? 0 : -1;

	if (fd >= 0)
		close(fd);
	return rc;
}

static char amp_files[4][128];

/*
 * 8: two bus=amp device ports, each a bare link at +4096 of its own file
 * with the driver's rings and buffers in its own "guest RAM" file (mem=),
 * in payload profile @p payloads; this process drives both with amp driver
 * ends, as a VM's driver would, and checks every packet.
 */
static void bare_link(const char *payloads, uint64_t per_flow)
{
	static struct traffic t;
	struct end a, b;
	struct fwd_totals tot[2];
	char p0[600], p1[600];
	char *args[] = { "--port",	   p0,	  "--port",	  p1,	"--mode", "io",
			 "--stats-period", "0.5", "--idle-sleep", "20", NULL };
	uint32_t prof =
		strcmp(payloads, "pre-v2") == 0 ? RTE_VMSG_PAYLOADS_PRE_V2 : RTE_VMSG_PAYLOADS_V2;
	uint64_t t0 = rte_vmsg_time_ns();
	pid_t pid;
	int i, rc;

	for (i = 0; i < 4; i++) {
		snprintf(amp_files[i], sizeof(amp_files[i]), "/dev/shm/vft_amp_%d_%d",
			 (int)getpid(), i);
		/* Port 1's link file is vmsg-fwd's to make (size=). */
		if (i != 1)
			CHECK_EQ(file_make(amp_files[i], i < 2 ? 65536u : 8u << 20), 0);
	}
	/* v0: the driver's queue at +4 KiB and the device's at +8 KiB, as in the 9039 model. */
	snprintf(p0, sizeof(p0),
		 "vmsg:bus=amp,file=%s,offset=4096,%s,payloads=%s,mem=%s,notify=event",
		 amp_files[0], amp_layout ? "layout=v0" : "esize=64,elems=64,layout=v1", payloads,
		 amp_files[2]);
	snprintf(p1, sizeof(p1),
		 "vmsg:bus=amp,file=%s,size=65536,offset=4096,%s,payloads=%s,mem=%s@0,"
		 "mac=02:00:00:00:00:42",
		 amp_files[1], amp_layout ? "layout=v0" : "esize=64,elems=64,layout=v1", payloads,
		 amp_files[3]);
	pid = fwd_start(args);
	CHECK_EQ(amp_end_open(&a, amp_files[0], amp_files[2], prof, 1), 0);
	CHECK_EQ(amp_end_open(&b, amp_files[1], amp_files[3], prof, 1), 0);
	if (a.drv == NULL || b.drv == NULL) {
		fwd_stop(pid);
		show_output();
		exit(1);
	}
	traffic_init(&t, &a, &b, 1);
	traffic_run(&t, per_flow, NULL, NULL);
	rc = fwd_stop(pid);
	CHECK_EQ(rc, 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	check_totals(&t, tot);
	/*
	 * The files QEMU would make stay where they were; the one vmsg-fwd made
	 * (size=) goes with it.
	 */
	CHECK(!gone(amp_files[0]) && !gone(amp_files[2]) && gone(amp_files[1]));
	if (vtest_failures != 0)
		show_output();
	printf("bare link, layout %s, payloads %s: %" PRIu64
	       " packets checked in %.2f s; totals match\n",
	       amp_layout ? "v0" : "v1", payloads, recv_at(&t, 0, 0) + recv_at(&t, 1, 0),
	       (double)(rte_vmsg_time_ns() - t0) / 1e9);
	end_close(&a);
	end_close(&b);
	for (i = 0; i < 4; i++)
		unlink(amp_files[i]);
}

/*
 * amp_files[0..3], named after @p tag: port 0's and port 1's link files
 * (64 KiB), then their "guest RAM" files (8 MiB).
 */
static void amp_files_make(const char *tag)
{
	int i;

	for (i = 0; i < 4; i++) {
		snprintf(amp_files[i], sizeof(amp_files[i]), "/dev/shm/vft_%s_%d_%d", tag,
			 (int)getpid(), i);
		CHECK_EQ(file_make(amp_files[i], i < 2 ? 65536u : 8u << 20), 0);
	}
}

/* A device-role bare-link port on amp_files[@p i] (v1, 64 x 64 B), then @p extra keys. */
static void amp_port_spec(char *buf, size_t cap, int i, const char *extra)
{
	snprintf(buf, cap, "vmsg:bus=amp,file=%s,offset=4096,esize=64,elems=64,layout=v1,mem=%s%s",
		 amp_files[i], amp_files[2 + i], extra);
}

/*
 * One round of checked traffic through vmsg-fwd @p pid, from the driver
 * end @p d on port 0 to @p b on port 1 and back; its counts added to
 * @p sent and @p recv. An end that did not open ends the run.
 */
static void fwd_round(pid_t pid, struct traffic *t, struct end *d, struct end *b, uint64_t per_flow,
		      uint64_t sent[2], uint64_t recv[2])
{
	uint32_t i;

	if (d->drv == NULL || b->drv == NULL) {
		fwd_stop(pid);
		show_output();
		exit(1);
	}
	traffic_init(t, d, b, 1);
	traffic_run(t, per_flow, NULL, NULL);
	for (i = 0; i < 2; i++) {
		sent[i] += sent_at(t, i, 0);
		recv[i] += recv_at(t, i, 0);
	}
}

/*
 * 9: vmsg-fwd in the driver role on two bare links whose devices are this
 * process's, in payload profile @p payloads: each port carves its rings and
 * buffers from its mem= file (the "guest RAM"), which the device translates.
 */
static void bare_link_driver(const char *payloads, uint64_t per_flow)
{
	static struct traffic t;
	struct end e[2];
	struct fwd_totals tot[2];
	char p0[600], p1[600];
	char *args[] = { "--port",	 p0,   "--port", p1, "--stats-period", "0",
			 "--idle-sleep", "20", NULL };
	uint32_t prof =
		strcmp(payloads, "pre-v2") == 0 ? RTE_VMSG_PAYLOADS_PRE_V2 : RTE_VMSG_PAYLOADS_V2;
	uint64_t t0 = rte_vmsg_time_ns(), end;
	pid_t pid;
	int i;

	amp_files_make("ampd");
	CHECK_EQ(amp_dev_end_open(&e[0], amp_files[0], amp_files[2], prof, 1), 0);
	CHECK_EQ(amp_dev_end_open(&e[1], amp_files[1], amp_files[3], prof, 2), 0);
	if (e[0].dev == NULL || e[1].dev == NULL)
		exit(1);
	snprintf(p0, sizeof(p0),
		 "vmsg:role=driver,bus=amp,file=%s,offset=4096,layout=%s,payloads=%s,mem=%s",
		 amp_files[0], amp_layout ? "v0" : "v1", payloads, amp_files[2]);
	snprintf(p1, sizeof(p1),
		 "vmsg:role=driver,bus=amp,file=%s,offset=4096,layout=%s,payloads=%s,mem=%s@0",
		 amp_files[1], amp_layout ? "v0" : "v1", payloads, amp_files[3]);
	pid = fwd_start(args);
	end = rte_vmsg_time_ns() + WAIT_NS;
	while (rte_vmsg_time_ns() < end &&
	       (!rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e[0].dev)) ||
		!rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e[1].dev)) ||
		rte_vmsg_net_dev_active_pairs(e[0].dev) != 1 ||
		rte_vmsg_net_dev_active_pairs(e[1].dev) != 1))
		dev_ends_poll(e);
	CHECK_EQ(rte_vmsg_net_dev_active_pairs(e[0].dev), 1);
	CHECK_EQ(rte_vmsg_net_dev_active_pairs(e[1].dev), 1);
	traffic_init(&t, &e[0], &e[1], 1);
	traffic_run(&t, per_flow, dev_ends_poll, e);
	CHECK_EQ(fwd_stop(pid), 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	check_totals(&t, tot);
	if (vtest_failures != 0)
		show_output();
	printf("bare link, driver role, layout %s, payloads %s: %" PRIu64
	       " packets checked in %.2f s; totals match\n",
	       amp_layout ? "v0" : "v1", payloads, recv_at(&t, 0, 0) + recv_at(&t, 1, 0),
	       (double)(rte_vmsg_time_ns() - t0) / 1e9);
	end_close(&e[0]);
	end_close(&e[1]);
	for (i = 0; i < 4; i++)
		unlink(amp_files[i]);
}

/*
 * Stops vmsg-fwd, still running, and checks its totals of ports 0 and 1
 * against what this process sent and received there: every packet, no
 * drop, at least @p lost0 peers lost on port 0 and none on port 1.
 */
static void stop_and_check(pid_t pid, const uint64_t sent[2], const uint64_t recv[2],
			   uint64_t lost0, struct fwd_totals tot[2])
{
	CHECK_EQ(kill(pid, 0), 0);
	CHECK_EQ(fwd_stop(pid), 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	CHECK_U64(tot[0].rx, sent[0]);
	CHECK_U64(tot[1].rx, sent[1]);
	CHECK_U64(tot[0].tx, recv[0]);
	CHECK_U64(tot[1].tx, recv[1]);
	CHECK_U64(tot[0].drops + tot[1].drops, 0);
	CHECK(tot[0].lost >= lost0);
	CHECK_U64(tot[1].lost, 0);
}

/*
 * 11: one vmsg-fwd process, its port 0 a bare v1 link (device role), serves
 * three drivers of this process in turn; the second is hostile: after its
 * traffic it writes an index that cannot be into its own queue head. The
 * device must answer with PEER_DEAD in its queue head, then serve the third
 * driver with no restart; every phase's packets are checked byte by byte
 * and vmsg-fwd's totals are the sum of the phases.
 */
static void three_drivers(uint64_t per_flow)
{
	static struct traffic t;
	struct end d, b;
	struct fwd_totals tot[2];
	char p0[600], p1[600];
	char *args[] = { "--port",	 p0,   "--port", p1, "--stats-period", "0",
			 "--idle-sleep", "20", NULL };
	uint64_t sent[2] = { 0, 0 }, recv[2] = { 0, 0 }, end;
	uint8_t *qh;
	pid_t pid;
	int i, k;

	amp_files_make("amp3");
	amp_port_spec(p0, sizeof(p0), 0, "");
	amp_port_spec(p1, sizeof(p1), 1, ",mac=02:00:00:00:00:42");
	pid = fwd_start(args);
	CHECK_EQ(amp_end_open(&b, amp_files[1], amp_files[3], RTE_VMSG_PAYLOADS_V2, 1), 0);
	for (k = 0; k < 3; k++) {
		CHECK_EQ(amp_end_open(&d, amp_files[0], amp_files[2], RTE_VMSG_PAYLOADS_V2, 1), 0);
		fwd_round(pid, &t, &d, &b, per_flow, sent, recv);
		if (k == 1) {
			/*
			 * Hostile: the tail of its own queue head (the driver's,
			 * at +128 of the layout) past every N.
			 */
			qh = (uint8_t *)rte_vmsg_region_addr(d.link) + 4096 + 128;
			__atomic_store_n((uint16_t *)(void *)(qh + 4), rte_vmsg_cpu_to_le16(0xFFF0),
					 __ATOMIC_RELEASE);
			end = rte_vmsg_time_ns() + WAIT_NS;
			while (rte_vmsg_get_le16(qh - 64 + 2) != RTE_VMSG_QSTATE_PEER_DEAD &&
			       rte_vmsg_time_ns() < end)
				usleep(1000);
			CHECK_EQ(rte_vmsg_get_le16(qh - 64 + 2), RTE_VMSG_QSTATE_PEER_DEAD);
		}
		end_close(&d);
	}
	/* Each driver that went away, the hostile one included, is a peer lost. */
	stop_and_check(pid, sent, recv, 2, tot);
	if (vtest_failures != 0)
		show_output();
	printf("three drivers in turn, the second hostile: device answered PEER_DEAD, served the "
	       "third; %llu packets checked, port 0 peer losses %llu\n",
	       (unsigned long long)(recv[0] + recv[1]), tot[0].lost);
	end_close(&b);
	for (i = 0; i < 4; i++)
		unlink(amp_files[i]);
}

/*
 * 12: a hung driver, port 0 with peer_timeout=200, on a bare link (@p amp)
 * or an shm bus file. This process's driver stops polling, alive (nothing
 * tells of a death): the keepalive's PINGs go unanswered (bare link), or
 * its heartbeat in the bus page stands still (shm); vmsg-fwd takes the
 * driver for lost after the timeout, not before (bare link: its queue head
 * PEER_DEAD), and serves a new driver with checked traffic.
 */
static void hung_driver(int amp, uint64_t per_flow)
{
	static struct traffic t;
	struct end d, b;
	struct fwd_totals tot[2];
	char p0[700], p1[700];
	char *args[] = { "--port",	 p0,   "--port", p1, "--stats-period", "0",
			 "--idle-sleep", "20", NULL };
	uint64_t sent[2] = { 0, 0 }, recv[2] = { 0, 0 }, t0, end, waited = 0;
	const uint8_t *dev_qh;
	pid_t pid;
	int i, k;

	if (amp) {
		amp_files_make("amp4");
		amp_port_spec(p0, sizeof(p0), 0, ",peer_timeout=200");
		amp_port_spec(p1, sizeof(p1), 1, ",mac=02:00:00:00:00:42");
	} else {
		snprintf(p0, sizeof(p0), "vmsg:file=%s,peer_timeout=200", files[0]);
		snprintf(p1, sizeof(p1), "vmsg:file=%s,mac=02:00:00:00:00:42", files[1]);
	}
	pid = fwd_start(args);
	CHECK_EQ(amp ? amp_end_open(&b, amp_files[1], amp_files[3], RTE_VMSG_PAYLOADS_V2, 1)
		     : drv_end_open(&b, files[1], 1),
		 0);
	for (k = 0; k < 2; k++) {
		CHECK_EQ(amp ? amp_end_open(&d, amp_files[0], amp_files[2], RTE_VMSG_PAYLOADS_V2, 1)
			     : drv_end_open(&d, files[0], 1),
			 0);
		fwd_round(pid, &t, &d, &b, per_flow, sent, recv);
		if (k == 0) {
			/* Hung: nothing polled here, until vmsg-fwd says the driver went away. */
			t0 = rte_vmsg_time_ns();
			end = t0 + WAIT_NS;
			while (!output_has("the driver went away") && rte_vmsg_time_ns() < end)
				usleep(1000);
			waited = rte_vmsg_time_ns() - t0;
			CHECK(output_has("the driver went away"));
			/*
			 * Not before the timeout: its clock started at the last sign,
			 * a PING's answer (50 ms at most before) or a heartbeat.
			 */
			CHECK(waited >= 140000000ull);
			/* The bare link: the device's queue head (+64) says PEER_DEAD. */
			dev_qh = amp ? (const uint8_t *)rte_vmsg_region_addr(d.link) + 4096 + 64
				     : NULL;
			if (amp)
				CHECK_EQ(rte_vmsg_get_le16(dev_qh + 2), RTE_VMSG_QSTATE_PEER_DEAD);
		}
		end_close(&d);
	}
	stop_and_check(pid, sent, recv, 1, tot);
	if (vtest_failures != 0)
		show_output();
	printf("%s: a hung driver taken for lost after %llu ms (peer_timeout=200), a new one "
	       "served; %llu packets checked\n",
	       amp ? "bare link" : "shm bus", (unsigned long long)(waited / 1000000u),
	       (unsigned long long)(recv[0] + recv[1]));
	end_close(&b);
	for (i = 0; amp && i < 4; i++)
		unlink(amp_files[i]);
}

/*
 * 13: SIGINT while a driver-role port's bring-up waits for a device that
 * never answers (this process's bus file: the link up, no device behind
 * number 1; each step is bounded by 2 s): vmsg-fwd ends within 500 ms, with
 * status 0.
 */
static void silent_device(void)
{
	struct rte_vmsg_bus_shm *shm = NULL;
	struct rte_vmsg_bus *bus = NULL;
	char path[160], port[200];
	char *args[] = { "--port", port, "--stats-period", "0", "--hugepages", "none", NULL };
	uint64_t end, t0, dt;
	pid_t pid;
	int status = -1;

	snprintf(path, sizeof(path), "/dev/shm/vft_silent_%d", (int)getpid());
	CHECK_EQ(silent_dev_open(path, &shm, &bus), 0);
	if (bus == NULL)
		return;
	snprintf(port, sizeof(port), "vmsg:role=driver,file=%s", path);
	pid = fwd_start(args);
	/* Until its first request, for the missing device, came and was dropped. */
	end = rte_vmsg_time_ns() + WAIT_NS;
	do {
		rte_vmsg_bus_poll(bus);
		usleep(100);
	} while (!silent_dev_asked(bus) && rte_vmsg_time_ns() < end);
	CHECK(silent_dev_asked(bus));
	usleep(20000); /* well inside the step's wait */
	t0 = rte_vmsg_time_ns();
	kill(pid, SIGINT);
	if (vmsg_util_wait_child(pid, WAIT_NS, 1000000, &status) < 0)
		status = -1;
	dt = rte_vmsg_time_ns() - t0;
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK(dt < 500000000ull);
	if (vtest_failures != 0)
		show_output();
	printf("SIGINT during a bring-up that waited for a silent device: vmsg-fwd ended in "
	       "%llu ms\n",
	       (unsigned long long)(dt / 1000000u));
	rte_vmsg_bus_shm_close(shm, bus);
}

/* Serves end @p e for about @p us microseconds. */
static void end_serve(struct end *e, uint64_t us)
{
	uint64_t end = rte_vmsg_time_ns() + us * 1000u;

	do {
		end_poll(e);
		usleep(100);
	} while (rte_vmsg_time_ns() < end);
}

/* Serves device end @p e until vmsg-fwd says port 0's link is up (WAIT_NS at most): the time it took. */
static uint64_t link_up_wait(struct end *e)
{
	uint64_t t0 = rte_vmsg_time_ns(), end = t0 + WAIT_NS;

	while (!output_has("port 0: link up") && rte_vmsg_time_ns() < end)
		end_serve(e, 10000);
	return rte_vmsg_time_ns() - t0;
}

/*
 * 14: a driver-role port on a file that exists but whose device is not
 * there yet (zero bytes, as a file made ahead of its device): vmsg-fwd
 * attaches it again every 200 ms, so its link comes up within 2 s of the
 * device being made 0.5 s later (not 10 s after the start, the wait of a
 * file that did attach).
 */
static void late_device(void)
{
	char *args[] = { "--port", files[0], "--stats-period", "0", "--idle-sleep", "20", NULL };
	char port[400];
	uint64_t dt;
	struct end e;
	pid_t pid;

	CHECK_EQ(file_make(files[0], 2u << 20), 0);
	snprintf(port, sizeof(port), "vmsg:role=driver,file=%s", files[0]);
	args[1] = port;
	pid = fwd_start(args);
	usleep(500000);
	CHECK_EQ(dev_end_open(&e, files[0], 1, 1), 0);
	if (e.dev == NULL) {
		fwd_stop(pid);
		show_output();
		return;
	}
	dt = link_up_wait(&e);
	CHECK(output_has("port 0: link up"));
	CHECK(dt < 2000000000ull);
	CHECK_EQ(fwd_stop(pid), 0);
	if (vtest_failures != 0)
		show_output();
	printf("a driver-role port on a file whose device came 0.5 s late: link up %llu ms after "
	       "the device\n",
	       (unsigned long long)(dt / 1000000u));
	end_close(&e);
}

/*
 * 18: a driver-role bare-link port whose device stops (its queue head says
 * SHUTDOWN) and starts again 3.5 s later on the same memory, as a device or
 * a guest restarting on one ivshmem file. vmsg-fwd takes the loss (its end
 * goes and comes back once), then keeps the file, the same all along, and
 * meets the new device's handshake in place: its queue head says SHUTDOWN
 * no more (before, it let go of the file and attached again every second,
 * each time a SHUTDOWN that a device still starting takes for its driver
 * leaving), and the link comes up once the device runs.
 */
static void restarted_bare_device(void)
{
	char *args[] = { "--port", NULL, "--stats-period", "0", "--idle-sleep", "20", NULL };
	struct rte_vmsg_region *link = NULL;
	const volatile uint8_t *qstate;
	char port[600];
	uint64_t end, dt;
	uint16_t st, last = 0xffff;
	uint32_t shutdowns = 0, samples = 0;
	struct end e;
	pid_t pid;
	int i;

	amp_files_make("slow");
	CHECK_EQ(amp_dev_end_open(&e, amp_files[0], amp_files[2], RTE_VMSG_PAYLOADS_V2, 1), 0);
	CHECK_EQ(vmsg_util_attach_file(amp_files[0], 0, &link), 0);
	if (link == NULL || e.dev == NULL)
		return;
	/* The driver's queue head, at +128 of the layout: its state word at +2. */
	qstate = (const volatile uint8_t *)rte_vmsg_region_addr(link) + 4096 + 128 + 2;
	snprintf(port, sizeof(port),
		 "vmsg:role=driver,bus=amp,file=%s,offset=4096,layout=v1,payloads=v2,mem=%s",
		 amp_files[0], amp_files[2]);
	args[1] = port;
	pid = fwd_start(args);
	(void)link_up_wait(&e);
	CHECK(output_has("port 0: link up"));
	/* The device stops; vmsg-fwd takes the loss within 0.6 s. */
	end_close(&e);
	usleep(600000);
	end = rte_vmsg_time_ns() + 3500000000ull;
	while (rte_vmsg_time_ns() < end) {
		st = (uint16_t)(qstate[0] | qstate[1] << 8);
		if (st == RTE_VMSG_QSTATE_SHUTDOWN && last != RTE_VMSG_QSTATE_SHUTDOWN)
			shutdowns++;
		last = st;
		samples++; /* no sleep: a detach and attach again pass in microseconds */
	}
	CHECK_EQ(shutdowns, 0);
	CHECK(output_has("waiting for the device of"));
	CHECK_EQ(output_count("port 0: link up"), 1);
	/* The device starts again on the same files. */
	CHECK_EQ(amp_dev_end_open(&e, amp_files[0], amp_files[2], RTE_VMSG_PAYLOADS_V2, 1), 0);
	end = rte_vmsg_time_ns() + WAIT_NS;
	dt = rte_vmsg_time_ns();
	while (output_count("port 0: link up") < 2 && rte_vmsg_time_ns() < end)
		end_serve(&e, 10000);
	dt = rte_vmsg_time_ns() - dt;
	CHECK_EQ(output_count("port 0: link up"), 2);
	CHECK(dt < 2000000000ull);
	CHECK_EQ(fwd_stop(pid), 0);
	if (vtest_failures != 0)
		show_output();
	printf("a driver-role bare-link port, its device stopped 3.5 s: %u SHUTDOWNs in %u looks "
	       "at "
	       "its queue head, link up %llu ms after the device started again\n",
	       shutdowns, samples, (unsigned long long)(dt / 1000000u));
	end_close(&e);
	rte_vmsg_region_destroy(link);
	for (i = 0; i < 4; i++)
		unlink(amp_files[i]);
}

/*
 * 17: a driver-role port asking 2 queue pairs of a device that has 1. Its
 * device refuses it until it restarts, so vmsg-fwd says so once (its own
 * line, and the library's reason once, with how many more times it came at
 * exit) and tries again less and less often: 3 tries in 4.5 s (1 s, then
 * 2 s between them), not 5. The device restarted with 2 pairs is taken
 * within the 8 s the waits grow to at most.
 */
static void refused_port(void)
{
	char *args[] = { "--port", NULL, "--stats-period", "0", "--idle-sleep", "20", NULL };
	char port[400];
	uint64_t dt;
	struct end e;
	pid_t pid;

	snprintf(port, sizeof(port), "vmsg:role=driver,file=%s,qp=2", files[0]);
	args[1] = port;
	CHECK_EQ(dev_end_open(&e, files[0], 1, 1), 0);
	if (e.dev == NULL)
		return;
	err_captured = 1;
	pid = fwd_start(args);
	end_serve(&e, 4500000);
	end_close(&e);
	CHECK_EQ(output_count("bringing the device up failed"), 1);
	CHECK_EQ(file_count(err_path, "device 1 has 1 queue pair, 2 asked"), 1);
	CHECK_EQ(dev_end_open(&e, files[0], 2, 1), 0);
	if (e.dev == NULL) {
		fwd_stop(pid);
		show_output();
		err_captured = 0;
		return;
	}
	dt = link_up_wait(&e);
	CHECK(output_has("port 0: link up (driver, 2 queue pairs)"));
	CHECK(dt < 9000000000ull);
	CHECK_EQ(fwd_stop(pid), 0);
	/* Tries at 0, 1 and 3 s: the reason twice more (4 more without the waits growing). */
	CHECK_EQ(file_count(err_path, "2 asked (2 more times since, not shown)"), 1);
	if (vtest_failures != 0)
		show_output();
	err_captured = 0;
	printf("a driver-role port its device refused: said once, link up %llu ms after the "
	       "device came back with the pairs it asks\n",
	       (unsigned long long)(dt / 1000000u));
	end_close(&e);
}

/*
 * Forks a child that dies with this process (its parent), @p sync a pipe
 * between them (made here). Returns the child's pid in the parent, 0 in
 * the child.
 */
static pid_t child_start(int sync[2])
{
	pid_t child;

	if (pipe(sync) != 0)
		exit(1);
	fflush(stdout);
	child = fork();
	if (child < 0)
		exit(1);
	if (child == 0)
		prctl(PR_SET_PDEATHSIG, SIGKILL);
	return child;
}

/*
 * Sends @p n frames of @p len bytes on pair 0 of @p e, each once its queue
 * has room (a device end waits for the receive buffers vmsg-fwd posts: a
 * slow build, TSan, may not have posted them yet).
 */
static void frames_send(struct end *e, uint32_t n, uint32_t len)
{
	static uint8_t buf[4096];
	struct rte_vmsg_net_pkt pk;
	uint64_t end;
	uint32_t i;
	int rc;

	memset(buf, 0x5a, sizeof(buf));
	memcpy(buf, DST_MAC SRC_MAC "\x88\xb5", 14);
	for (i = 0; i < n; i++) {
		memset(&pk, 0, sizeof(pk));
		pk.data = buf;
		pk.len = len;
		end = rte_vmsg_time_ns() + WAIT_NS;
		while ((rc = end_tx(e, 0, &pk, 1)) == 0 && rte_vmsg_time_ns() < end) {
			end_poll(e);
			usleep(100);
		}
		CHECK_EQ(rc, 1);
		end_poll(e);
	}
}

/* Receives on pair 0 of @p e until @p n frames came (or WAIT_NS); returns how many came. */
static uint32_t frames_recv(struct end *e, uint32_t n)
{
	static uint8_t buf[BURST][9018];
	uint64_t end = rte_vmsg_time_ns() + WAIT_NS;
	struct rte_vmsg_net_pkt pk[BURST];
	uint32_t got = 0, i;
	int k;

	while (got < n && rte_vmsg_time_ns() < end) {
		for (i = 0; i < BURST; i++) {
			memset(&pk[i], 0, sizeof(pk[i]));
			pk[i].data = buf[i];
			pk[i].cap = sizeof(buf[i]);
		}
		k = end_rx(e, 0, pk, BURST);
		if (k > 0)
			got += (uint32_t)k;
		end_poll(e);
		if (k <= 0)
			usleep(100);
	}
	return got;
}

/*
 * 15: a frame the library drops at a device-role port (larger than the
 * receive buffers of a driver without MRG_RXBUF) is counted in that port's
 * drops only, not as sent too: port 0 (MTU 9000) gets 10 frames of 3000
 * bytes and 10 of 1000 from its driver; port 1's driver, without
 * MRG_RXBUF, has buffers for 1500: tx 10, drops 10, and port 0's rx equals
 * port 1's tx + drops.
 */
static void dropped_at_device(void)
{
	char p0[400], p1[400];
	char *args[] = {
		"--port",	p0,   "--port", p1, "--max-pkt-len", "9000", "--stats-period", "0",
		"--idle-sleep", "20", NULL
	};
	struct fwd_totals tot[2];
	struct end a, b;
	pid_t pid;

	snprintf(p0, sizeof(p0), "vmsg:file=%s,mtu=9000", files[0]);
	snprintf(p1, sizeof(p1), "vmsg:file=%s", files[1]);
	pid = fwd_start(args);
	CHECK_EQ(drv_end_open(&a, files[0], 1), 0);
	CHECK_EQ(drv_end_open_feat(&b, files[1], 1,
				   rte_vmsg_net_drv_default_features() &
					   ~(1ull << RTE_VMSG_NET_F_MRG_RXBUF)),
		 0);
	if (a.drv == NULL || b.drv == NULL) {
		fwd_stop(pid);
		show_output();
		exit(1);
	}
	frames_send(&a, 10, 3000);
	frames_send(&a, 10, 1000);
	/* The small ones come out after the big ones were dropped (one queue, in order). */
	CHECK_EQ(frames_recv(&b, 10), 10);
	CHECK_EQ(fwd_stop(pid), 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	CHECK_U64(tot[0].rx, 20);
	CHECK_U64(tot[0].rx_bytes, 40000);
	CHECK_U64(tot[1].tx, 10);
	CHECK_U64(tot[1].tx_bytes, 10000);
	CHECK_U64(tot[1].drops, 10);
	CHECK_U64(tot[0].rx, tot[1].tx + tot[1].drops);
	if (vtest_failures != 0)
		show_output();
	printf("frames too big for a driver without MRG_RXBUF: port 1 tx %llu, drops %llu "
	       "(port 0 rx %llu)\n",
	       tot[1].tx, tot[1].drops, tot[0].rx);
	end_close(&a);
	end_close(&b);
}

/*
 * One round of scenario 16 at device end @p e (MTU 9000), once vmsg-fwd
 * set DRIVER_OK: 4 frames of 3000 bytes, more than vmsg-fwd's buffers take
 * (errors in its driver's receive queue), then one of 100, which comes back
 * (the port is looped): 0, or -1 when it did not.
 */
static int big_round(struct end *e)
{
	uint64_t end = rte_vmsg_time_ns() + WAIT_NS;

	while (!rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e->dev)) && rte_vmsg_time_ns() < end)
		end_serve(e, 1000);
	if (!rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e->dev)))
		return -1;
	frames_send(e, 4, 3000);
	frames_send(e, 1, 100);
	return frames_recv(e, 1) == 1 ? 0 : -1;
}

/*
 * 16: a driver-role port keeps its library counters across a device
 * restart. The device (MTU 9000; a child process) sends 4 frames too big
 * for vmsg-fwd's buffers (counted in errors), and is SIGKILLed; a new
 * device on the same file does it again: the final errors are 8. The MTU
 * too big for the buffers is said once, not at each bring-up.
 */
static void errors_across_restart(void)
{
	char port[400];
	/*
	 * An idle pair thread sleeps 100 ms a turn: its periodic fold (every
	 * 1024 turns) does not come in the test's time, so the counts of the
	 * first device are there only if folded before its handle went.
	 */
	char *args[] = { "--port", port, "--stats-period", "0", "--idle-sleep", "100000", NULL };
	struct fwd_totals tot[1];
	int status, sync[2];
	pid_t pid, child;
	uint64_t end;
	struct end e;
	char c = 0;

	snprintf(port, sizeof(port), "vmsg:role=driver,file=%s", files[0]);
	child = child_start(sync);
	if (child == 0) {
		/* The first device: a round, then it serves until killed. */
		if (dev_end_open_mtu(&e, files[0], 1, 1, 9000) != 0)
			_exit(3);
		if (write(sync[1], "R", 1) != 1)
			_exit(4);
		if (big_round(&e) != 0)
			_exit(5);
		if (write(sync[1], "D", 1) != 1)
			_exit(4);
		for (;;)
			end_poll(&e);
	}
	close(sync[1]);
	CHECK_EQ(read(sync[0], &c, 1), 1);
	pid = fwd_start(args);
	CHECK_EQ(read(sync[0], &c, 1), 1);
	CHECK_EQ(c, 'D');
	close(sync[0]);
	kill(child, SIGKILL);
	CHECK_EQ(waitpid(child, &status, 0), child);
	end = rte_vmsg_time_ns() + WAIT_NS;
	while (!output_has("port 0: the device went away") && rte_vmsg_time_ns() < end)
		usleep(10000);
	CHECK(output_has("port 0: the device went away"));
	/* The second device, on a new file of the same name. */
	CHECK_EQ(dev_end_open_mtu(&e, files[0], 1, 1, 9000), 0);
	if (e.dev != NULL)
		CHECK_EQ(big_round(&e), 0);
	CHECK_EQ(fwd_stop(pid), 0);
	CHECK_EQ(fwd_totals(tot, 1), 0);
	CHECK_U64(tot[0].errors, 8);
	CHECK_U64(tot[0].rx, 2);
	CHECK_U64(tot[0].tx, 2);
	CHECK(tot[0].lost >= 1);
	/* The device's MTU needs more than the 1518-byte buffers: said once, at the first bring-up. */
	CHECK_EQ(output_count("port 0: warning: the device's MTU 9000 makes frames of up to 9018 "
			      "bytes, more than the 1518 of --max-pkt-len"),
		 1);
	if (vtest_failures != 0)
		show_output();
	printf("a driver-role port's errors across a device restart: %llu (4 + 4)\n",
	       tot[0].errors);
	end_close(&e);
}

/* 3: vmsg-fwd in the driver role on two devices of this process. */
static void driver_role(uint32_t qp, uint64_t per_flow)
{
	static struct traffic t;
	struct end e[2];
	struct fwd_totals tot[2];
	char p0[400], p1[400], qps[16];
	char *args[] = { "--port",	 p0,   "--port", p1, "--stats-period", "0",
			 "--idle-sleep", "20", NULL };
	uint64_t t0 = rte_vmsg_time_ns(), end;
	pid_t pid;
	int rc;

	snprintf(qps, sizeof(qps), "%u", qp);
	rc = dev_end_open(&e[0], files[0], qp, 1);
	if (rc == 0)
		rc = dev_end_open(&e[1], files[1], qp, 2);
	/* A missing resource only when the hugepages are gone, else the library failed. */
	if (rc == -ENOMEM && stress_free_hugepages() < 2)
		VTEST_SKIP_NO_HUGE("no free hugepages for the bus files");
	CHECK_EQ(rc, 0);
	snprintf(p0, sizeof(p0), "vmsg:role=driver,file=%s,qp=%s", files[0], qps);
	/*
	 * Port 0 takes the default (split rings, in-order), port 1 wants packed
	 * rings without IN_ORDER.
	 */
	snprintf(p1, sizeof(p1), "vmsg:role=driver,file=%s,qp=%s,ring=packed,in_order=0", files[1],
		 qps);
	pid = fwd_start(args);
	end = rte_vmsg_time_ns() + WAIT_NS;
	/* Serve both devices until vmsg-fwd has brought them up. */
	while (rte_vmsg_time_ns() < end &&
	       (!rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e[0].dev)) ||
		!rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e[1].dev)) ||
		rte_vmsg_net_dev_active_pairs(e[0].dev) != qp ||
		rte_vmsg_net_dev_active_pairs(e[1].dev) != qp))
		dev_ends_poll(e);
	CHECK_EQ(rte_vmsg_net_dev_active_pairs(e[1].dev), qp);
	traffic_init(&t, &e[0], &e[1], qp);
	traffic_run(&t, per_flow / 2, dev_ends_poll, e);
	/*
	 * Device 1 raises DEVICE_NEEDS_RESET (nothing in flight now): vmsg-fwd
	 * resets it, counts it, and carries on.
	 */
	{
		static uint8_t ev[65536];
		struct rte_vmsg_dev *vd = rte_vmsg_net_dev_vdev(e[1].dev);
		int len = rte_vmsg_dev_needs_reset(vd, ev, sizeof(ev));

		CHECK(len > 0);
		if (len > 0)
			CHECK_EQ(rte_vmsg_bus_send_event(e[1].bus, ev, (size_t)len), 0);
		end = rte_vmsg_time_ns() + WAIT_NS;
		while (!output_has("port 1: DEVICE_NEEDS_RESET") && rte_vmsg_time_ns() < end)
			dev_ends_poll(e);
		while (rte_vmsg_time_ns() < end && (!rte_vmsg_dev_driver_ok(vd) ||
						    rte_vmsg_net_dev_active_pairs(e[1].dev) != qp))
			dev_ends_poll(e);
		CHECK(rte_vmsg_dev_driver_ok(vd));
	}
	traffic_run(&t, per_flow / 2, dev_ends_poll, e);
	rc = fwd_stop(pid);
	CHECK_EQ(rc, 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	check_totals(&t, tot);
	CHECK_U64(tot[1].resets, 1);
	CHECK_U64(tot[0].resets, 0);
	if (vtest_failures != 0)
		show_output();
	printf("driver role, %u pairs: %" PRIu64 " packets checked in %.2f s, with a "
	       "DEVICE_NEEDS_RESET in the middle; totals match\n",
	       qp, recv_at(&t, 0, 0) + recv_at(&t, 1, 0), (double)(rte_vmsg_time_ns() - t0) / 1e9);
	end_close(&e[0]);
	end_close(&e[1]);
}

/* 4: the driver dies mid-traffic; vmsg-fwd reports it and serves the next one. */
static void dying_peer(uint64_t per_flow)
{
	static struct traffic t;
	struct end a, b;
	struct fwd_totals tot[2];
	char p0[400], p1[400];
	char *args[] = { "--port",	 p0,   "--port", p1, "--stats-period", "0",
			 "--idle-sleep", "20", NULL };
	uint64_t end;
	pid_t pid, child;
	int rc, status, sync[2];
	char c;

	snprintf(p0, sizeof(p0), "vmsg:file=%s", files[0]);
	snprintf(p1, sizeof(p1), "vmsg:file=%s", files[1]);
	pid = fwd_start(args);
	child = child_start(sync);
	if (child == 0) {
		/* The doomed driver: traffic without end until killed. */
		if (drv_end_open(&a, files[0], 1) != 0 || drv_end_open(&b, files[1], 1) != 0)
			_exit(3);
		traffic_init(&t, &a, &b, 1);
		/* Some traffic first, then tell the parent and go on until killed. */
		traffic_run(&t, 2000, NULL, NULL);
		if (write(sync[1], "R", 1) != 1)
			_exit(4);
		for (;;)
			traffic_run(&t, 1000000, NULL, NULL);
	}
	close(sync[1]);
	CHECK_EQ(read(sync[0], &c, 1), 1);
	close(sync[0]);
	usleep(50000);
	kill(child, SIGKILL);
	CHECK_EQ(waitpid(child, &status, 0), child);
	/* vmsg-fwd sees it within milliseconds and says so. */
	end = rte_vmsg_time_ns() + WAIT_NS;
	while ((!output_has("port 0: the driver went away") ||
		!output_has("port 1: the driver went away")) &&
	       rte_vmsg_time_ns() < end)
		usleep(10000);
	CHECK(output_has("port 0: the driver went away"));
	CHECK(output_has("port 1: the driver went away"));
	CHECK_EQ(kill(pid, 0), 0); /* still running */
	/* A new driver on the same files: checked traffic again. */
	CHECK_EQ(drv_end_open(&a, files[0], 1), 0);
	CHECK_EQ(drv_end_open(&b, files[1], 1), 0);
	if (a.drv != NULL && b.drv != NULL) {
		traffic_init(&t, &a, &b, 1);
		traffic_run(&t, per_flow, NULL, NULL);
	}
	rc = fwd_stop(pid);
	CHECK_EQ(rc, 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	CHECK(tot[0].lost >= 1 && tot[1].lost >= 1);
	CHECK(tot[0].rx >= sent_at(&t, 0, 0) && tot[1].tx >= recv_at(&t, 1, 0));
	if (vtest_failures != 0)
		show_output();
	printf("dying driver: SIGKILLed mid-traffic, reported (peer-lost %llu/%llu), a new "
	       "driver carried %" PRIu64 " checked packets\n",
	       tot[0].lost, tot[1].lost, recv_at(&t, 0, 0) + recv_at(&t, 1, 0));
	end_close(&a);
	end_close(&b);
}

/*
 * Makes a chain available in packed ring @p r (N = QSIZE) behind the
 * driver's back: one descriptor of 64 bytes at @p addr with buffer id
 * @p id, at the driver's next position. That position is found from the
 * AVAIL bits, which every write of a slot sets to its lap's wrap counter:
 * the slots before it hold this lap's, the others the last lap's. The
 * flags last, with release.
 */
static void packed_bogus(struct rte_vmsg_vring_packed_desc *r, uint64_t addr, uint16_t id)
{
	uint16_t a0 = rte_vmsg_le16_to_cpu(r[0].flags) & RTE_VMSG_VRING_PACKED_DESC_F_AVAIL;
	uint32_t i;
	int w;

	for (i = 1; i < QSIZE &&
		    (rte_vmsg_le16_to_cpu(r[i].flags) & RTE_VMSG_VRING_PACKED_DESC_F_AVAIL) == a0;
	     i++)
		;
	w = i == QSIZE ? a0 == 0 : a0 != 0; /* a whole lap written: the next one starts */
	i %= QSIZE;
	r[i].addr = rte_vmsg_cpu_to_le64(addr);
	r[i].len = rte_vmsg_cpu_to_le32(64);
	r[i].id = rte_vmsg_cpu_to_le16(id);
	__atomic_store_n(&r[i].flags,
			 rte_vmsg_cpu_to_le16(w ? RTE_VMSG_VRING_PACKED_DESC_F_AVAIL
						: RTE_VMSG_VRING_PACKED_DESC_F_USED),
			 __ATOMIC_RELEASE);
}

/*
 * 7: a hostile driver writes a head index (@p packed: a buffer id) out of
 * range into the transmit queue of port 0, a split ring or (@p packed) a
 * packed in-order one: vmsg-fwd's device breaks that queue (counted),
 * raises DEVICE_NEEDS_RESET, and after the driver's reset carries checked
 * traffic again; nothing crashes, the other port never notices.
 */
static void hostile_driver(uint64_t per_flow, int packed)
{
	static struct traffic t;
	struct end a, b;
	struct fwd_totals tot[2];
	char p0[400], p1[400];
	char *args[] = { "--port",	 p0,   "--port", p1, "--stats-period", "0",
			 "--idle-sleep", "20", NULL };
	uint64_t desc_b, avail_b, used_b, dma_bus = 0, end;
	struct rte_vmsg_vq_drv *vq;
	uint8_t *avail, *dma = NULL;
	void *dmav = NULL;
	uint16_t idx;
	pid_t pid;
	int rc;

	/* Port 0 offers one layout: the bogus entry below is written for it. */
	snprintf(p0, sizeof(p0), "vmsg:file=%s,ring=%s", files[0], packed ? "packed" : "split");
	snprintf(p1, sizeof(p1), "vmsg:file=%s", files[1]);
	pid = fwd_start(args);
	CHECK_EQ(drv_end_open(&a, files[0], 1), 0);
	CHECK_EQ(drv_end_open(&b, files[1], 1), 0);
	if (a.drv == NULL || b.drv == NULL) {
		fwd_stop(pid);
		show_output();
		exit(1);
	}
	traffic_init(&t, &a, &b, 1);
	traffic_run(&t, per_flow / 2, NULL, NULL);
	/* The bogus entry: a head past the table, published with release. */
	vq = rte_vmsg_net_drv_vq(a.drv, 1);
	CHECK(vq != NULL);
	CHECK_EQ(rte_vmsg_vq_drv_addrs(vq, &desc_b, &avail_b, &used_b), 0);
	CHECK_EQ(rte_vmsg_bus_shm_dma(a.shm, &dmav, &dma_bus, NULL), 0);
	dma = dmav;
	CHECK_EQ(rte_vmsg_drv_has_feature(rte_vmsg_net_drv_handle(a.drv),
					  RTE_VMSG_VIRTIO_F_RING_PACKED),
		 packed);
	if (packed) {
		packed_bogus(
			(struct rte_vmsg_vring_packed_desc *)(void *)(dma + (desc_b - dma_bus)),
			dma_bus, (uint16_t)(QSIZE + 7));
	} else {
		avail = dma + (avail_b - dma_bus);
		idx = rte_vmsg_get_le16(avail + 2);
		rte_vmsg_put_le16(avail + 4 + 2u * (idx % QSIZE), (uint16_t)(QSIZE + 7));
		__atomic_store_n((uint16_t *)(void *)(avail + 2),
				 rte_vmsg_cpu_to_le16((uint16_t)(idx + 1)), __ATOMIC_RELEASE);
	}
	end = rte_vmsg_time_ns() + WAIT_NS;
	while (!rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(a.drv)) &&
	       rte_vmsg_time_ns() < end) {
		rte_vmsg_bus_poll(a.bus);
		rte_vmsg_bus_poll(b.bus);
	}
	CHECK(rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(a.drv)));
	CHECK_EQ(rte_vmsg_net_drv_reset(a.drv), 0);
	traffic_run(&t, per_flow / 2, NULL, NULL);
	CHECK_EQ(kill(pid, 0), 0);
	rc = fwd_stop(pid);
	CHECK_EQ(rc, 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	CHECK_U64(tot[0].broken, 1);
	CHECK_U64(tot[1].broken, 0);
	CHECK_U64(tot[0].rx, sent_at(&t, 0, 0));
	CHECK_U64(tot[1].rx, sent_at(&t, 1, 0));
	CHECK_U64(tot[0].tx, recv_at(&t, 0, 0));
	CHECK_U64(tot[1].tx, recv_at(&t, 1, 0));
	CHECK_U64(tot[0].drops + tot[1].drops, 0);
	if (vtest_failures != 0)
		show_output();
	printf("hostile driver (%s): a bogus ring broke port 0's queue (broken %llu), reset, "
	       "%" PRIu64 " packets checked\n",
	       packed ? "packed" : "split", tot[0].broken, recv_at(&t, 0, 0) + recv_at(&t, 1, 0));
	end_close(&a);
	end_close(&b);
}

/*
 * 6: vmsg-fwd in the driver role loses its devices (their process is
 * SIGKILLed); it reports it, keeps trying, and drives the devices of a new
 * process on new files of the same names.
 */
static void dying_device(uint64_t per_flow)
{
	static struct traffic t;
	struct end e[2];
	struct fwd_totals tot[2];
	char p0[400], p1[400];
	char *args[] = { "--port",	 p0,   "--port", p1, "--stats-period", "0",
			 "--idle-sleep", "20", NULL };
	uint64_t end;
	pid_t pid, child;
	int rc, status, sync[2];
	char c;

	snprintf(p0, sizeof(p0), "vmsg:role=driver,file=%s", files[0]);
	snprintf(p1, sizeof(p1), "vmsg:role=driver,file=%s", files[1]);
	child = child_start(sync);
	if (child == 0) {
		/* The doomed device process: serves until killed. */
		if (dev_end_open(&e[0], files[0], 1, 1) != 0 ||
		    dev_end_open(&e[1], files[1], 1, 2) != 0)
			_exit(3);
		if (write(sync[1], "R", 1) != 1)
			_exit(4);
		for (;;)
			dev_ends_poll(e);
	}
	close(sync[1]);
	CHECK_EQ(read(sync[0], &c, 1), 1);
	close(sync[0]);
	pid = fwd_start(args);
	end = rte_vmsg_time_ns() + WAIT_NS;
	while ((!output_has("port 0: link up") || !output_has("port 1: link up")) &&
	       rte_vmsg_time_ns() < end)
		usleep(10000);
	CHECK(output_has("port 0: link up") && output_has("port 1: link up"));
	kill(child, SIGKILL);
	CHECK_EQ(waitpid(child, &status, 0), child);
	end = rte_vmsg_time_ns() + WAIT_NS;
	while ((!output_has("port 0: the device went away") ||
		!output_has("port 1: the device went away")) &&
	       rte_vmsg_time_ns() < end)
		usleep(10000);
	CHECK(output_has("port 0: the device went away"));
	CHECK(output_has("port 1: the device went away"));
	CHECK_EQ(kill(pid, 0), 0);
	/* New devices on new files of the same names (the old ones are replaced). */
	rc = dev_end_open(&e[0], files[0], 1, 1);
	if (rc == 0)
		rc = dev_end_open(&e[1], files[1], 1, 2);
	CHECK_EQ(rc, 0);
	end = rte_vmsg_time_ns() + WAIT_NS;
	while (rc == 0 && rte_vmsg_time_ns() < end &&
	       (!rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e[0].dev)) ||
		!rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e[1].dev))))
		dev_ends_poll(e);
	CHECK(rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e[0].dev)));
	CHECK(rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(e[1].dev)));
	traffic_init(&t, &e[0], &e[1], 1);
	traffic_run(&t, per_flow, dev_ends_poll, e);
	rc = fwd_stop(pid);
	CHECK_EQ(rc, 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	check_totals(&t, tot);
	CHECK(tot[0].lost >= 1 && tot[1].lost >= 1);
	if (vtest_failures != 0)
		show_output();
	printf("dying device: SIGKILLed, reported (peer-lost %llu/%llu), vmsg-fwd attached the "
	       "new files and carried %" PRIu64 " checked packets\n",
	       tot[0].lost, tot[1].lost, recv_at(&t, 0, 0) + recv_at(&t, 1, 0));
	end_close(&e[0]);
	end_close(&e[1]);
}

/* 5: port 1 is DPDK's net_ring0, which loops its transmit queue to its receive queue. */
static void dpdk_port(uint64_t per_flow)
{
	static struct traffic t;
	struct end a;
	struct fwd_totals tot[2];
	char p0[400], eal[300];
	char *args[] = { "--port",
			 p0,
			 "--port",
			 "dpdk:net_ring0",
			 "--stats-period",
			 "0",
			 "--idle-sleep",
			 "20",
			 "--dpdk",
			 eal,
			 NULL };
	uint64_t t0 = rte_vmsg_time_ns();
	pid_t pid;
	int rc;

	snprintf(p0, sizeof(p0), "vmsg:file=%s", files[0]);
	snprintf(eal, sizeof(eal),
		 "-l 0 --no-huge -m 256 --no-pci --no-shconf --file-prefix=vft%d "
		 "--vdev=net_ring0 --log-level=*:error",
		 (int)getpid());
	pid = fwd_start(args);
	CHECK_EQ(drv_end_open(&a, files[0], 1), 0);
	if (a.drv == NULL) {
		fwd_stop(pid);
		show_output();
		exit(1);
	}
	traffic_init(&t, &a, NULL, 1);
	traffic_run(&t, per_flow, NULL, NULL);
	rc = fwd_stop(pid);
	CHECK_EQ(rc, 0);
	CHECK_EQ(fwd_totals(tot, 2), 0);
	/* vmsg port: rx what we sent, tx what came back; DPDK port: the same packets. */
	CHECK_U64(tot[0].rx, sent_at(&t, 0, 0));
	CHECK_U64(tot[0].tx, recv_at(&t, 0, 0));
	CHECK_U64(tot[1].rx, tot[0].tx);
	CHECK_U64(tot[1].tx, tot[0].rx);
	CHECK_U64(tot[0].drops + tot[1].drops, 0);
	if (vtest_failures != 0)
		show_output();
	printf("dpdk net_ring0: %" PRIu64 " packets through DPDK and back, checked, in %.2f s\n",
	       recv_at(&t, 0, 0), (double)(rte_vmsg_time_ns() - t0) / 1e9);
	end_close(&a);
}

/* --measure: the forwarding rate of one pair, io mode. */
static int measure(uint32_t size, double seconds)
{
	static uint8_t bufs[BURST][2048];
	struct rte_vmsg_net_pkt tx[BURST], rx[BURST];
	struct end a, b;
	struct fwd_totals tot[2];
	char p0[400], p1[400];
	char *args[] = { "--port", p0, "--port", p1, "--stats-period", "0", "--cpus", "1", NULL };
	uint64_t got = 0, t0, t1, c0 = 0;
	uint32_t k;
	pid_t pid;
	int n;

	snprintf(p0, sizeof(p0), "vmsg:file=%s,qsize=1024", files[0]);
	snprintf(p1, sizeof(p1), "vmsg:file=%s,qsize=1024", files[1]);
	pid = fwd_start(args);
	/* This side on CPU 0 (vmsg-fwd's thread is on CPU 1, its main thread anywhere). */
	vmsg_util_pin_self(0);
	if (drv_end_open(&a, files[0], 1) != 0 || drv_end_open(&b, files[1], 1) != 0) {
		fwd_stop(pid);
		show_output();
		return 1;
	}
	for (k = 0; k < BURST; k++) {
		memset(&tx[k], 0, sizeof(tx[k]));
		tx[k].data = bufs[k];
		tx[k].len = size;
		frame_fill(bufs[k], 0, 0, k, size);
		rx[k] = tx[k];
		rx[k].cap = 2048;
	}
	t0 = rte_vmsg_time_ns();
	t1 = t0 + (uint64_t)(seconds * 1e9);
	for (;;) {
		uint64_t now;

		rte_vmsg_net_drv_tx_burst(a.drv, 0, tx, BURST);
		n = rte_vmsg_net_drv_rx_burst(b.drv, 0, rx, BURST);
		if (n > 0)
			got += (uint64_t)n;
		if ((got & 0xfff) > 0x1000 - BURST || n <= 0) {
			now = rte_vmsg_time_ns();
			if (c0 == 0 && now - t0 > 1000000000ull) {
				c0 = got; /* one second of warm-up */
				t0 = now;
			}
			if (now >= t1 + 1000000000ull)
				break;
		}
	}
	t1 = rte_vmsg_time_ns();
	printf("measure: io, 1 pair, %u-byte frames: %.3f Mpps (%.0f Mbit/s) over %.1f s\n", size,
	       (double)(got - c0) / ((double)(t1 - t0) / 1e3),
	       (double)(got - c0) * size * 8 / ((double)(t1 - t0) / 1e3), (double)(t1 - t0) / 1e9);
	if (fwd_stop(pid) == 0 && fwd_totals(tot, 2) == 0)
		printf("measure: vmsg-fwd took %llu packets at port 0, gave %llu to port 1, "
		       "dropped "
		       "%llu (port 1 full)\n",
		       tot[0].rx, tot[1].tx, tot[1].drops);
	end_close(&a);
	end_close(&b);
	return 0;
}

/* Scenarios 1-9 by their digit, 10 as 'A', 11 as 'B'... */
#define RUN(n) (only_list == NULL || strchr(only_list, (n) < 10 ? '0' + (n) : 'A' + (n)-10) != NULL)

static void on_exit_cleanup(void)
{
	int i;

	unlink(files[0]);
	unlink(files[1]);
	for (i = 0; i < 4; i++)
		if (amp_files[i][0] != '\0')
			unlink(amp_files[i]);
	if (out_path[0] != '\0')
		unlink(out_path);
	if (err_path[0] != '\0')
		unlink(err_path);
}

int main(int argc, char **argv)
{
	char mnt[256];
	uint32_t size = 64;
	double seconds = 5;
	int i, do_measure = 0;
	const char *only_list;

	if (argc < 2) {
		fprintf(stderr,
			"usage: %s VMSG_FWD [--dpdk] [--measure [--size N] [--seconds S]]\n",
			argv[0]);
		return 2;
	}
	fwd_bin = argv[1];
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--dpdk") == 0)
			have_dpdk = 1;
		else if (strcmp(argv[i], "--measure") == 0)
			do_measure = 1;
		else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc)
			size = (uint32_t)atoi(argv[++i]);
		else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
			seconds = atof(argv[++i]);
	}
	if (size < 60 || size > 1518)
		size = 64;
	if (rte_vmsg_hugetlbfs_find(mnt, sizeof(mnt)) < 0)
		VTEST_SKIP_NO_HUGE("no hugetlbfs mount (run scripts/setup-hugepages.sh as root)");
	snprintf(files[0], sizeof(files[0]), "%s/vft_%d_0", mnt, (int)getpid());
	snprintf(files[1], sizeof(files[1]), "%s/vft_%d_1", mnt, (int)getpid());
	snprintf(out_path, sizeof(out_path), "/tmp/vmsg_fwd_test_%d.out", (int)getpid());
	snprintf(err_path, sizeof(err_path), "/tmp/vmsg_fwd_test_%d.err", (int)getpid());
	atexit(on_exit_cleanup);
	signal(SIGPIPE, SIG_IGN);
	if (do_measure)
		return measure(size, seconds);
	rng = vtest_seed();

	/* VFT_ONLY=46 runs scenarios 4 and 6 only (for debugging). */
	only_list = getenv("VFT_ONLY");
	/* The DPDK scenario is its own test (vmsg_fwd_dpdk): no silent skip here. */
	if (have_dpdk) {
		dpdk_port(scaled(200000));
		return vtest_done("vmsg_fwd_dpdk");
	}
	if (RUN(1))
		device_role("io", 2, scaled(500000));
	if (RUN(2))
		device_role("macswap", 1, scaled(200000));
	if (RUN(3))
		driver_role(2, scaled(250000));
	if (RUN(4))
		dying_peer(scaled(50000));
	if (RUN(6))
		dying_device(scaled(50000));
	if (RUN(7)) {
		hostile_driver(scaled(100000), 0);
		hostile_driver(scaled(100000), 1);
	}
	if (RUN(8)) {
		bare_link("v2", scaled(100000));
		bare_link("pre-v2", scaled(100000));
	}
	if (RUN(9)) {
		bare_link_driver("v2", scaled(100000));
		bare_link_driver("pre-v2", scaled(100000));
	}
	/* 10: the same over the v0 layout, both ways, both payload profiles. */
	if (RUN(10)) {
		amp_layout = RTE_VMSG_AMP_LAYOUT_V0;
		bare_link("v2", scaled(50000));
		bare_link("pre-v2", scaled(50000));
		bare_link_driver("v2", scaled(50000));
		bare_link_driver("pre-v2", scaled(50000));
		amp_layout = RTE_VMSG_AMP_LAYOUT_V1;
	}
	if (RUN(11))
		three_drivers(scaled(30000));
	if (RUN(12)) {
		hung_driver(1, scaled(30000));
		hung_driver(0, scaled(30000));
	}
	if (RUN(13))
		silent_device();
	if (RUN(14))
		late_device();
	if (RUN(15))
		dropped_at_device();
	if (RUN(16))
		errors_across_restart();
	if (RUN(17))
		refused_port();
	if (RUN(18))
		restarted_bare_device();
	return vtest_done("vmsg_fwd");
}
