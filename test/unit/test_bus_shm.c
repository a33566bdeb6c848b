/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The shm bus backend: device and driver ends over one hugetlbfs file in this
 * process (bus page, parameter checks, frames through the bus API), and a
 * forked device process killed with SIGKILL (peer loss seen through a pidfd).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_transport.h>

#include "test_model.h"
#include "vtest.h"

#define NELEMS 64u
#define ESIZE 512u

static char path[64];

static void path_new(void)
{
	static int n;

	snprintf(path, sizeof(path), "vmsg_test_shm_%d_%d", (int)getpid(), n++);
}

static void opts_dev(struct rte_vmsg_bus_shm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->path = path;
	o->role = RTE_VMSG_BUS_DEVICE;
	o->flags = RTE_VMSG_BUS_SHM_F_UNLINK | RTE_VMSG_BUS_SHM_F_REPLACE;
	o->num_elems = NELEMS;
	o->elem_size = ESIZE;
	o->format = RTE_VMSG_LINK_FMT_STAMPED;
	o->max_msg_size = 264;
	o->transport_features = RTE_VMSG_F_STRICT_CONFIG_GENERATION;
	o->dma_size = 1 << 20;
}

static void opts_drv(struct rte_vmsg_bus_shm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->sz = sizeof(*o);
	o->path = path;
	o->role = RTE_VMSG_BUS_DRIVER;
	o->max_msg_size = 264;
	o->transport_features = RTE_VMSG_F_STRICT_CONFIG_GENERATION;
}

static struct rte_vmsg_bus_shm *shm_new(const struct rte_vmsg_bus_shm_opts *o)
{
	struct rte_vmsg_bus_shm *s = NULL;
	int rc = rte_vmsg_bus_shm_create(o, &s);

	if (rc != 0) {
		fprintf(stderr, "shm_create (role %u) failed: %d\n", o->role, rc);
		exit(1);
	}
	return s;
}

/* Polls both ends' control paths until both links are up (2 s at most). */
static void shm_up(struct rte_vmsg_bus_shm *a, struct rte_vmsg_bus_shm *b)
{
	uint64_t end = rte_vmsg_time_ns() + 2000000000ull;
	int sa = 0, sb = 0;

	while (rte_vmsg_time_ns() < end) {
		sa = rte_vmsg_bus_shm_poll(a);
		sb = rte_vmsg_bus_shm_poll(b);
		if (sa == RTE_VMSG_LINK_UP && sb == RTE_VMSG_LINK_UP)
			break;
	}
	CHECK_EQ(sa, RTE_VMSG_LINK_UP);
	CHECK_EQ(sb, RTE_VMSG_LINK_UP);
}

/* ------------------------------------------------------------------------ */
/* Bus page golden fields                                                    */

/* The inode of this process's pid namespace, as the bus page says it (0: unknown). */
static uint32_t self_pidns(void)
{
	struct stat st;

	return stat("/proc/self/ns/pid", &st) == 0 ? (uint32_t)st.st_ino : 0;
}

static void test_bus_page(void)
{
	const struct rte_vmsg_shm_bus_page *pg;
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *dev, *drv;
	struct rte_vmsg_bus_opts bo;
	uint64_t bus, size, lsize;
	const uint8_t *b;
	void *addr;

	path_new();
	opts_dev(&o);
	dev = shm_new(&o);
	pg = rte_vmsg_bus_shm_page(dev);
	b = (const uint8_t *)pg;
	CHECK(pg != NULL);
	CHECK(b == rte_vmsg_region_addr(rte_vmsg_bus_shm_region(dev)));
	CHECK_EQ(rte_vmsg_region_bus_addr(rte_vmsg_bus_shm_region(dev)), 0);
	/* Hugepages when there are free ones, else the fallback (with its warning). */
	CHECK(rte_vmsg_region_flags(rte_vmsg_bus_shm_region(dev)) &
	      (RTE_VMSG_REGION_F_HUGE | RTE_VMSG_REGION_F_FALLBACK));
	fprintf(stderr, "bus_shm: file %s, %s\n",
		rte_vmsg_region_path(rte_vmsg_bus_shm_region(dev)),
		(rte_vmsg_region_flags(rte_vmsg_bus_shm_region(dev)) & RTE_VMSG_REGION_F_HUGE)
			? "hugepages"
			: "fallback");
	CHECK_MEM(b, "VMSB", 4);
	lsize = rte_vmsg_link_layout_size(NELEMS, ESIZE);
	CHECK_U64(rte_vmsg_get_le32(b + 4), RTE_VMSG_SHM_VERSION);
	CHECK_U64(rte_vmsg_get_le32(b + 8), 1);	   /* transport revision */
	CHECK_U64(rte_vmsg_get_le32(b + 12), 264); /* max message size */
	CHECK_U64(rte_vmsg_get_le64(b + 16), RTE_VMSG_F_STRICT_CONFIG_GENERATION);
	CHECK_U64(rte_vmsg_get_le32(b + 24), RTE_VMSG_SHM_NOTIFY_POLL);
	CHECK_U64(rte_vmsg_get_le32(b + 28), 0);
	CHECK_U64(rte_vmsg_get_le64(b + 32), 4096);  /* link offset */
	CHECK_U64(rte_vmsg_get_le64(b + 40), lsize); /* link size */
	CHECK_U64(rte_vmsg_get_le64(b + 48), (4096 + lsize + 4095) & ~(uint64_t)4095);
	CHECK_U64(rte_vmsg_get_le64(b + 56), 1 << 20);
	CHECK_U64(rte_vmsg_get_le32(b + 64), (uint32_t)getpid()); /* device pid */
	CHECK_U64(rte_vmsg_get_le32(b + 68), self_pidns());	  /* and its namespace */
	CHECK(self_pidns() != 0);
	CHECK_U64(rte_vmsg_get_le64(b + 72), 0);  /* device heartbeat */
	CHECK_U64(rte_vmsg_get_le32(b + 128), 0); /* no driver yet */
	/* The v1 layout at +4 KiB: magic 0x4C4F, version 1, N, element size. */
	CHECK_U64(rte_vmsg_get_le16(b + 4096), RTE_VMSG_LAYOUT_MAGIC);
	CHECK_U64(rte_vmsg_get_le16(b + 4096 + 4), RTE_VMSG_LAYOUT_VERSION);
	CHECK_U64(rte_vmsg_get_le16(b + 4096 + 10), NELEMS);
	CHECK_U64(rte_vmsg_get_le16(b + 4096 + 12), ESIZE);
	/* The DMA area: bus address = offset in the file. */
	CHECK_EQ(rte_vmsg_bus_shm_dma(dev, &addr, &bus, &size), 0);
	CHECK_U64(bus, rte_vmsg_get_le64(b + 48));
	CHECK(addr == b + bus);
	CHECK_U64(size, 1 << 20);
	CHECK(bus + size <= rte_vmsg_region_len(rte_vmsg_bus_shm_region(dev)));

	opts_drv(&o);
	drv = shm_new(&o);
	CHECK_U64(rte_vmsg_get_le32(b + 128), (uint32_t)getpid()); /* driver pid */
	CHECK_U64(rte_vmsg_get_le32(b + 132), self_pidns());
	CHECK_U64(rte_vmsg_get_le32(b + 68), self_pidns());
	CHECK_EQ(rte_vmsg_bus_shm_dma(drv, NULL, &bus, &size), 0);
	CHECK_U64(bus, rte_vmsg_get_le64(b + 48));
	CHECK_U64(size, 1 << 20);
	memset(&bo, 0, sizeof(bo));
	CHECK_EQ(rte_vmsg_bus_shm_bus_opts(drv, &bo), 0);
	CHECK_EQ(bo.role, RTE_VMSG_BUS_DRIVER);
	CHECK_EQ(bo.transport_revision, 1);
	CHECK_EQ(bo.max_msg_size, 264);
	CHECK_U64(bo.transport_features, RTE_VMSG_F_STRICT_CONFIG_GENERATION);
	CHECK_EQ(rte_vmsg_bus_shm_ops()->max_msg_size(drv), 264);
	/* Not up yet: tx says so. */
	CHECK_EQ(rte_vmsg_bus_shm_ops()->tx(drv, "\0\0\0\0\0\0\x08\0", 8), -ENOTCONN);
	/* Heartbeats: each poll bumps its own side's. */
	shm_up(dev, drv);
	CHECK(rte_vmsg_get_le64(b + 72) > 0);
	CHECK(rte_vmsg_get_le64(b + 136) > 0);
	rte_vmsg_bus_shm_destroy(drv);
	rte_vmsg_bus_shm_destroy(dev);
	/* UNLINK: the file is gone. */
	opts_drv(&o);
	drv = NULL;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &drv), -ENOENT);
	CHECK(drv == NULL);
}

/* ------------------------------------------------------------------------ */
/* Negative tests and refused parameters                                     */

static void test_negative(void)
{
	struct rte_vmsg_bus_shm_opts o, d;
	struct rte_vmsg_bus_shm *dev, *s = NULL;
	struct {
		struct rte_vmsg_bus_shm_opts o;
		uint64_t extra;
	} big;
	uint8_t *b;

	path_new();
	opts_dev(&o);
	CHECK_EQ(rte_vmsg_bus_shm_create(NULL, &s), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, NULL), -EINVAL);
	o.sz = 4;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	memset(&big, 0, sizeof(big));
	opts_dev(&big.o);
	big.o.sz = sizeof(big);
	big.extra = 1;
	CHECK_EQ(rte_vmsg_bus_shm_create(&big.o, &s), -EINVAL);
	opts_dev(&o);
	o.flags |= 1u << 20;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_dev(&o);
	o.path = NULL;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_dev(&o);
	o.role = 3;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_dev(&o);
	o.elem_size = 96; /* not a power of two */
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_dev(&o);
	o.num_elems = 1;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	/* 65536: a power of two that the v1 layout's 16-bit field cannot hold. */
	opts_dev(&o);
	o.elem_size = 65536;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_dev(&o);
	o.transport_revision = 2;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_dev(&o);
	o.max_msg_size = 51;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_dev(&o);
	o.transport_features = 2;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_dev(&o);
	o.flags |= RTE_VMSG_BUS_SHM_F_ADOPT;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	/* Max message size above what a 64-byte stamped element carries (56). */
	opts_dev(&o);
	o.elem_size = 64;
	o.max_msg_size = 60;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &s), -EINVAL);
	opts_drv(&d);
	d.num_elems = 4; /* device-only field on a driver */
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EINVAL);
	opts_drv(&d);
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -ENOENT);
	CHECK(s == NULL);

	/* A device with a 64-byte element: the default max is what it carries. */
	opts_dev(&o);
	o.elem_size = 64;
	o.max_msg_size = 0;
	o.format = RTE_VMSG_LINK_FMT_COMPAT;
	dev = shm_new(&o);
	CHECK_EQ(rte_vmsg_bus_shm_ops()->max_msg_size(dev), 64);
	rte_vmsg_bus_shm_destroy(dev);

	opts_dev(&o);
	dev = shm_new(&o);
	b = (uint8_t *)rte_vmsg_region_addr(rte_vmsg_bus_shm_region(dev));
	/* Driver configured differently: refused with -EPROTO. */
	opts_drv(&d);
	d.max_msg_size = 128;
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	opts_drv(&d);
	d.transport_features = 0;
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	opts_drv(&d);
	d.notify_mode = RTE_VMSG_SHM_NOTIFY_EVENT;
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	opts_drv(&d);
	d.dma_size = 2 << 20; /* needs more DMA area than there is */
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	CHECK(s == NULL);
	/* ADOPT takes the parameters from the bus page. */
	opts_drv(&d);
	d.flags = RTE_VMSG_BUS_SHM_F_ADOPT;
	d.max_msg_size = 0;
	d.transport_features = 0;
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), 0);
	CHECK_EQ(rte_vmsg_bus_shm_ops()->max_msg_size(s), 264);
	rte_vmsg_bus_shm_destroy(s);
	s = NULL;
	/* A bus page without its magic yet: retry later. */
	memcpy(b, "\0\0\0\0", 4);
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EAGAIN);
	memcpy(b, "VMSB", 4);
	/* A bus page that breaks the rules: refused even with ADOPT. */
	rte_vmsg_put_le32(b + 4, 1); /* version: the one before the pid namespace words */
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	rte_vmsg_put_le32(b + 4, 3);
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	rte_vmsg_put_le32(b + 4, RTE_VMSG_SHM_VERSION);
	rte_vmsg_put_le32(b + 12, 51); /* max message size under 52 */
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	rte_vmsg_put_le32(b + 12, 600); /* above what a 512-byte stamped element carries */
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	rte_vmsg_put_le32(b + 12, 264);
	rte_vmsg_put_le64(b + 56, (uint64_t)1 << 40); /* DMA area past the file */
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	rte_vmsg_put_le64(b + 56, 1 << 20);
	rte_vmsg_put_le32(b + 8, 2); /* transport revision */
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	rte_vmsg_put_le32(b + 8, 1);
	/* Each reserved field of the bus page, a byte not 0: refused. */
	{
		static const unsigned int rsv[] = {
			offsetof(struct rte_vmsg_shm_bus_page, reserved0),
			offsetof(struct rte_vmsg_shm_bus_page, pad1),
			offsetof(struct rte_vmsg_shm_bus_page, pad1) + 47,
			offsetof(struct rte_vmsg_shm_bus_page, pad2),
			offsetof(struct rte_vmsg_shm_bus_page, reserved),
			RTE_VMSG_SHM_PAGE_SIZE - 1,
		};
		unsigned int i;

		for (i = 0; i < sizeof(rsv) / sizeof(rsv[0]); i++) {
			b[rsv[i]] = 0x80;
			CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
			b[rsv[i]] = 0;
		}
	}
	CHECK(s == NULL);
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), 0);
	rte_vmsg_bus_shm_destroy(s);
	rte_vmsg_bus_shm_destroy(dev);
	rte_vmsg_bus_shm_destroy(NULL);
}

/* ------------------------------------------------------------------------ */
/* Frames through the bus API                                                */

static struct rte_vmsg_bus *bus_on(struct rte_vmsg_bus_shm *s, uint64_t timeout)
{
	struct rte_vmsg_bus_opts o;
	struct rte_vmsg_bus *b = NULL;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	CHECK_EQ(rte_vmsg_bus_shm_bus_opts(s, &o), 0);
	o.timeout_ns = timeout;
	if (rte_vmsg_bus_create(&o, rte_vmsg_bus_shm_ops(), s, &b) != 0) {
		fprintf(stderr, "bus_create failed\n");
		exit(1);
	}
	return b;
}

struct done_rec {
	int calls;
	int status;
	uint8_t msg_id;
	uint16_t dev_num;
	uint16_t token;
	uint32_t value;
};

static void on_done(void *arg, int status, const void *resp, size_t len)
{
	struct done_rec *r = arg;
	const uint8_t *f = resp;

	r->calls++;
	r->status = status;
	if (status == 0 && len >= 12) {
		r->msg_id = f[1];
		r->dev_num = rte_vmsg_get_le16(f + 2);
		r->token = rte_vmsg_get_le16(f + 4);
		r->value = rte_vmsg_get_le32(f + 8);
	}
}

struct ping_rec {
	int calls;
	int status;
	uint32_t data;
};

static void on_ping(void *arg, int status, uint32_t data)
{
	struct ping_rec *r = arg;

	r->calls++;
	r->status = status;
	r->data = data;
}

struct enum_rec {
	int calls;
	int status;
	uint32_t ndevs;
};

static void on_enum(void *arg, int status, uint32_t ndevs)
{
	struct enum_rec *r = arg;

	r->calls++;
	r->status = status;
	r->ndevs = ndevs;
}

static void pump_until(struct rte_vmsg_bus *a, struct rte_vmsg_bus *b, const int *flag)
{
	uint64_t end = rte_vmsg_time_ns() + 2000000000ull;

	while (*flag == 0 && rte_vmsg_time_ns() < end) {
		rte_vmsg_bus_poll(b);
		rte_vmsg_bus_poll(a);
	}
}

static void test_bus_round_trip(void)
{
	static uint8_t bitmap[RTE_VMSG_BUS_DEV_BITMAP_SIZE];
	struct rte_vmsg_bus_shm_stats st;
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *sdev, *sdrv;
	struct rte_vmsg_bus *devb, *drvb;
	struct rte_vmsg_dev *d[3];
	struct done_rec rec[3];
	struct enum_rec er;
	struct ping_rec pr;
	uint16_t n;
	struct rte_vmsg_msg m;
	struct rte_vmsg_ring *r;
	uint8_t buf[512];
	int i, len;

	path_new();
	opts_dev(&o);
	sdev = shm_new(&o);
	opts_drv(&o);
	sdrv = shm_new(&o);
	devb = bus_on(sdev, 0);
	drvb = bus_on(sdrv, 0);
	shm_up(sdev, sdrv);
	for (i = 0; i < 3; i++) {
		n = (uint16_t)(100 + i);
		d[i] = tmodel_dev_on(n, devb);
		CHECK(rte_vmsg_bus_dev_lookup(devb, n) == (void *)d[i]);
	}
	/* GET_DEVICES: the driver enumerates the device side over the file. */
	memset(&er, 0, sizeof(er));
	CHECK_EQ(rte_vmsg_bus_enumerate(drvb, bitmap, on_enum, &er), 0);
	pump_until(devb, drvb, &er.calls);
	CHECK_EQ(er.calls, 1);
	CHECK_EQ(er.status, 0);
	CHECK_EQ(er.ndevs, 3);
	CHECK_EQ(bitmap[100 / 8], (1 << (100 % 8)) | (1 << (101 % 8)) | (1 << (102 % 8)));
	/* PING, both ways. */
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ(rte_vmsg_bus_ping(drvb, 0xDEADBEEF, on_ping, &pr), 0);
	pump_until(devb, drvb, &pr.calls);
	CHECK_EQ(pr.calls, 1);
	CHECK_EQ(pr.status, 0);
	CHECK_U64(pr.data, 0xDEADBEEF);
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ(rte_vmsg_bus_ping(devb, 0x01020304, on_ping, &pr), 0);
	pump_until(devb, drvb, &pr.calls);
	CHECK_EQ(pr.calls, 1);
	CHECK_U64(pr.data, 0x01020304);
	/* Transport requests to each device, tokens copied back. */
	memset(rec, 0, sizeof(rec));
	for (i = 0; i < 3; i++) {
		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_GET_DEVICE_INFO_REQ;
		m.hdr.dev_num = (uint16_t)(100 + i);
		m.hdr.token = (uint16_t)(0xB0 + i);
		len = rte_vmsg_msg_build(buf, sizeof(buf), &m);
		CHECK(len > 0);
		CHECK_EQ(rte_vmsg_bus_submit(drvb, buf, (size_t)len, on_done, &rec[i]), 0);
	}
	pump_until(devb, drvb, &rec[2].calls);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_EQ(rec[i].status, 0);
		CHECK_EQ(rec[i].msg_id, RTE_VMSG_ID_GET_DEVICE_INFO);
		CHECK_EQ(rec[i].dev_num, 100 + i);
		CHECK_EQ(rec[i].token, 0xB0 + i);
		CHECK_EQ(rec[i].value, 1); /* device_id */
	}
	/* Garbage in elements (msg_size 0, above the max) is dropped and counted. */
	r = rte_vmsg_link_tx(rte_vmsg_bus_shm_link(sdrv));
	memset(buf, 0, sizeof(buf));
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(r, buf, 16, 1), 1);
	rte_vmsg_put_le16(buf + 6, 300);
	CHECK_EQ(rte_vmsg_ring_enqueue_burst(r, buf, 16, 1), 1);
	rte_vmsg_bus_poll(devb);
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(sdev, &st), 0);
	CHECK_U64(st.rx_garbage, 2);
	CHECK(st.rx_frames >= 5);
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(sdrv, &st), 0);
	CHECK(st.tx_frames >= 5);
	CHECK_U64(st.peer_lost, 0);
	/* A full ring: -EAGAIN from the backend, nothing lost. */
	memset(buf, 0, sizeof(buf));
	rte_vmsg_put_le16(buf + 6, 8);
	for (i = 0; i < (int)NELEMS; i++)
		if (rte_vmsg_bus_shm_ops()->tx(sdrv, buf, 8) != 0)
			break;
	CHECK_EQ(i, NELEMS - 1);
	CHECK_EQ(rte_vmsg_bus_shm_ops()->tx(sdrv, buf, 8), -EAGAIN);
	CHECK_EQ(rte_vmsg_bus_shm_ops()->tx(sdrv, buf, 265), -EMSGSIZE);
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(sdrv, &st), 0);
	CHECK_U64(st.tx_full, 2);

	rte_vmsg_bus_destroy(drvb);
	for (i = 0; i < 3; i++)
		rte_vmsg_dev_destroy(d[i]); /* before their bus: each unregisters itself */
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_shm_destroy(sdrv);
	rte_vmsg_bus_shm_destroy(sdev);
}

/* A driver end that shuts down is a peer loss for the device, reported once. */
static void test_peer_shutdown(void)
{
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *sdev, *sdrv;
	int i, rc, lost = 0;

	path_new();
	opts_dev(&o);
	sdev = shm_new(&o);
	opts_drv(&o);
	sdrv = shm_new(&o);
	shm_up(sdev, sdrv);
	rte_vmsg_bus_shm_destroy(sdrv);
	for (i = 0; i < 10; i++) {
		rc = rte_vmsg_bus_shm_poll(sdev);
		CHECK(rc >= 0);
		if (rc & RTE_VMSG_BUS_SHM_PEER_LOST)
			lost++;
	}
	CHECK_EQ(lost, 1);
	/* A new driver: reconnect, up again, no new loss while it stays. */
	sdrv = shm_new(&o);
	shm_up(sdev, sdrv);
	for (i = 0; i < 10; i++) {
		rc = rte_vmsg_bus_shm_poll(sdev);
		CHECK_EQ(rc, RTE_VMSG_LINK_UP);
		rc = rte_vmsg_bus_shm_poll(sdrv);
		CHECK_EQ(rc, RTE_VMSG_LINK_UP);
	}
	rte_vmsg_bus_shm_destroy(sdrv);
	rte_vmsg_bus_shm_destroy(sdev);
}

/* ------------------------------------------------------------------------ */
/* A forked device process killed with SIGKILL                              */

/*
 * The driver end of a file another process is making: attached again every
 * millisecond while there is none yet (-ENOENT) or it is not complete
 * (-EAGAIN), 5 s at most. 0 or the last -errno.
 */
static int attach_wait(const struct rte_vmsg_bus_shm_opts *o, struct rte_vmsg_bus_shm **s)
{
	uint64_t end = rte_vmsg_time_ns() + 5000000000ull;
	int rc;

	do {
		rc = rte_vmsg_bus_shm_create(o, s);
		if (rc == -ENOENT || rc == -EAGAIN)
			usleep(1000);
	} while ((rc == -ENOENT || rc == -EAGAIN) && rte_vmsg_time_ns() < end);
	return rc;
}

static void child_device(void)
{
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *s = NULL;

	opts_dev(&o);
	o.flags = RTE_VMSG_BUS_SHM_F_REPLACE; /* killed: the parent unlinks */
	if (rte_vmsg_bus_shm_create(&o, &s) != 0)
		_exit(2);
	/* Keeps the link up and never answers: requests stay in flight. */
	for (;;) {
		rte_vmsg_bus_shm_poll(s);
		usleep(100);
	}
}

static void test_killed_peer(void)
{
	struct rte_vmsg_bus_shm_stats st;
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *s = NULL;
	struct rte_vmsg_bus *b;
	struct done_rec rec[3];
	uint64_t end, t0, t1 = 0, hb;
	uint8_t buf[64];
	int i, rc, lost = 0, status;
	pid_t pid;

	path_new();
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid == 0)
		child_device();
	opts_drv(&o);
	rc = attach_wait(&o, &s);
	CHECK_EQ(rc, 0);
	if (rc != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return;
	}
	CHECK_U64(rte_vmsg_get_le32((const uint8_t *)rte_vmsg_bus_shm_page(s) + 64), (uint32_t)pid);
	b = bus_on(s, 10000000000ull); /* 10 s: only the peer loss may end them */
	end = rte_vmsg_time_ns() + 2000000000ull;
	while (rte_vmsg_bus_shm_poll(s) != RTE_VMSG_LINK_UP && rte_vmsg_time_ns() < end)
		usleep(100);
	CHECK_EQ(rte_vmsg_bus_shm_poll(s), RTE_VMSG_LINK_UP);
	memset(rec, 0, sizeof(rec));
	for (i = 0; i < 3; i++) {
		struct rte_vmsg_msg m;

		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ;
		m.hdr.dev_num = (uint16_t)i;
		rc = rte_vmsg_msg_build(buf, sizeof(buf), &m);
		CHECK(rc > 0);
		CHECK_EQ(rte_vmsg_bus_submit(b, buf, (size_t)rc, on_done, &rec[i]), 0);
	}
	CHECK_EQ(rte_vmsg_bus_inflight(b), 3);
	/* The child's heartbeat moves. */
	hb = rte_vmsg_get_le64((const uint8_t *)rte_vmsg_bus_shm_page(s) + 72);
	usleep(5000);
	CHECK(rte_vmsg_get_le64((const uint8_t *)rte_vmsg_bus_shm_page(s) + 72) > hb);

	/* From here on only the bus is polled: its control path sees the death. */
	t0 = rte_vmsg_time_ns();
	CHECK_EQ(kill(pid, SIGKILL), 0);
	end = t0 + 1000000000ull;
	while (rte_vmsg_time_ns() < end) {
		rte_vmsg_bus_poll(b);
		if (t1 == 0 && rec[0].calls + rec[1].calls + rec[2].calls == 3)
			t1 = rte_vmsg_time_ns();
		if (t1 != 0 && rte_vmsg_time_ns() > t1 + 20000000ull)
			break; /* 20 ms more: no second completion */
	}
	CHECK(t1 != 0);
	if (t1 != 0) {
		fprintf(stderr, "requests failed %.3f ms after SIGKILL\n", (double)(t1 - t0) / 1e6);
		CHECK(t1 - t0 < 100000000ull);
	}
	for (i = 0; i < 3; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_EQ(rec[i].status, -ECONNRESET);
	}
	CHECK_EQ(rte_vmsg_bus_inflight(b), 0);
	CHECK_EQ(rte_vmsg_bus_connected(b), 0);
	CHECK_EQ(rte_vmsg_bus_fail_all(b, -EPIPE), 0);
	/* The API's own report comes once too, independently of the bus's. */
	for (i = 0; i < 5; i++) {
		rc = rte_vmsg_bus_shm_poll(s);
		if (rc >= 0 && (rc & RTE_VMSG_BUS_SHM_PEER_LOST) != 0)
			lost++;
	}
	CHECK_EQ(lost, 1);
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(s, &st), 0);
	CHECK_U64(st.pidfd_deaths, 1);
	CHECK_U64(st.peer_lost, 1);
	/* The link is down: nothing can be sent. */
	CHECK_EQ(rte_vmsg_bus_submit(b, buf, 8, on_done, &rec[0]), -ENOTCONN);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	unlink(rte_vmsg_region_path(rte_vmsg_bus_shm_region(s)));
	rte_vmsg_bus_destroy(b);
	rte_vmsg_bus_shm_destroy(s);
}

/* clone3(2)'s argument, as the kernel's ABI lays it out (the fields up to set_tid_size). */
struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
	uint64_t set_tid, set_tid_size;
};

/* A pid no process of this namespace has (kill says ESRCH), from the top of pid_max down. */
static pid_t unused_pid(void)
{
	long max = 32768;
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	pid_t p;

	if (f != NULL) {
		if (fscanf(f, "%ld", &max) != 1)
			max = 32768;
		fclose(f);
	}
	for (p = (pid_t)(max - 1); p > 300; p--)
		if (kill(p, 0) != 0 && errno == ESRCH)
			return p;
	return 0;
}

/*
 * A device in another pid namespace (a container's): the pid it writes
 * names nothing here, so the driver must not watch it. Before the bus page
 * carried the namespace, the driver took the device for gone at first sight
 * (no such pid: "exited") and the link came and went. The device gets a pid
 * that no process of this namespace has (clone3 with set_tid), so that
 * mistake shows. Now the link stays up, and a SIGKILL is found by the
 * heartbeat (peer_timeout_ms). Then a device in this namespace takes the
 * file over (REUSE): the old one's heartbeat stands still, so it is gone.
 * Needs CAP_SYS_ADMIN (CLONE_NEWPID, set_tid) and Linux 5.5: without them
 * the test (bus_shm_pidns) exits 77, saying why.
 */
static void test_pidns_peer(int *skipped)
{
	struct rte_vmsg_bus_shm_stats st;
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *s = NULL, *again = NULL;
	uint64_t end, t0, t1 = 0;
	int fds[2], rc, status, lost = 0;
	pid_t mid, got[2] = { 0, 0 }; /* the namespace's init (here) and the device's pid (there) */

	path_new();
	CHECK_EQ(pipe(fds), 0);
	mid = fork();
	if (mid < 0) {
		perror("fork");
		exit(1);
	}
	if (mid == 0) {
		/* In between: a new pid namespace for its children; their pids go to the parent. */
		pid_t want = unused_pid(), init;

		close(fds[0]);
		if (want == 0)
			_exit(3);
		if (unshare(CLONE_NEWPID) != 0)
			_exit(errno == EPERM ? 77 : 3);
		init = fork();
		if (init < 0)
			_exit(4);
		if (init == 0) {
			/* Pid 1 there: starts the device at pid @want, then waits. */
			struct clone3_args ca;
			uint64_t tid = (uint64_t)want;
			long dev;

			memset(&ca, 0, sizeof(ca));
			ca.exit_signal = SIGCHLD;
			ca.set_tid = (uint64_t)(uintptr_t)&tid;
			ca.set_tid_size = 1;
			dev = syscall(SYS_clone3, &ca, sizeof(ca));
			if (dev == 0)
				child_device();
			if (dev < 0)
				_exit(errno == EPERM || errno == ENOSYS ? 77 : 5);
			waitpid((pid_t)dev, &status, 0);
			_exit(0);
		}
		got[0] = init;
		got[1] = want;
		if (write(fds[1], got, sizeof(got)) != (ssize_t)sizeof(got))
			_exit(6);
		if (waitpid(init, &status, 0) != init)
			_exit(7);
		/* Killed by the test (0), or a failure of its own (77: no set_tid here). */
		_exit(WIFSIGNALED(status) ? 0 : WIFEXITED(status) ? WEXITSTATUS(status) : 8);
	}
	close(fds[1]);
	rc = (int)read(fds[0], got, sizeof(got));
	close(fds[0]);
	if (rc != (int)sizeof(got)) {
		CHECK_EQ(waitpid(mid, &status, 0), mid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
			fprintf(stderr, "test_pidns_peer: skipped: no CLONE_NEWPID here (EPERM)\n");
			*skipped = 1;
			return;
		}
		CHECK(0 && "the pid namespace did not start");
		return;
	}
	opts_drv(&o);
	o.peer_timeout_ms = 100;
	rc = attach_wait(&o, &s);
	if (rc != 0) {
		/* set_tid refused (77 from the namespace's init), or a failure. */
		kill(got[0], SIGKILL);
		CHECK_EQ(waitpid(mid, &status, 0), mid);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 77) {
			fprintf(stderr,
				"test_pidns_peer: skipped: clone3 cannot choose a pid here\n");
			*skipped = 1;
			return;
		}
		CHECK_EQ(rc, 0);
		return;
	}
	/* Its pid as it knows it, and its namespace, not ours. */
	CHECK_U64(rte_vmsg_get_le32((const uint8_t *)rte_vmsg_bus_shm_page(s) + 64),
		  (uint32_t)got[1]);
	CHECK(rte_vmsg_get_le32((const uint8_t *)rte_vmsg_bus_shm_page(s) + 68) != 0);
	CHECK(rte_vmsg_get_le32((const uint8_t *)rte_vmsg_bus_shm_page(s) + 68) != self_pidns());
	end = rte_vmsg_time_ns() + 2000000000ull;
	while (rte_vmsg_bus_shm_poll(s) != RTE_VMSG_LINK_UP && rte_vmsg_time_ns() < end)
		usleep(100);
	CHECK_EQ(rte_vmsg_bus_shm_poll(s), RTE_VMSG_LINK_UP);
	/* Up, and it stays up for three peer timeouts: no loss. */
	end = rte_vmsg_time_ns() + 300000000ull;
	while (rte_vmsg_time_ns() < end) {
		rc = rte_vmsg_bus_shm_poll(s);
		if (rc < 0 || (rc & RTE_VMSG_BUS_SHM_PEER_LOST) != 0 || rc != RTE_VMSG_LINK_UP)
			break;
		usleep(500);
	}
	CHECK_EQ(rc, RTE_VMSG_LINK_UP);
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(s, &st), 0);
	CHECK_U64(st.peer_lost, 0);
	CHECK_U64(st.pidfd_deaths, 0);
	/* Its file cannot be taken over while it runs: its heartbeat moves (its pid says nothing). */
	opts_dev(&o);
	o.flags = RTE_VMSG_BUS_SHM_F_REUSE;
	o.peer_timeout_ms = 50;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &again), -EBUSY);
	CHECK(again == NULL);
	CHECK_EQ(rte_vmsg_bus_shm_poll(s), RTE_VMSG_LINK_UP);
	/* Killed (its namespace's init, and so the namespace): its heartbeat stops. */
	t0 = rte_vmsg_time_ns();
	CHECK_EQ(kill(got[0], SIGKILL), 0);
	end = t0 + 2000000000ull;
	while (t1 == 0 && rte_vmsg_time_ns() < end) {
		rc = rte_vmsg_bus_shm_poll(s);
		if (rc >= 0 && (rc & RTE_VMSG_BUS_SHM_PEER_LOST) != 0) {
			t1 = rte_vmsg_time_ns();
			lost++;
		}
		usleep(500);
	}
	CHECK_EQ(lost, 1);
	if (t1 != 0) {
		fprintf(stderr, "pid namespace peer lost %.1f ms after SIGKILL\n",
			(double)(t1 - t0) / 1e6);
		CHECK(t1 - t0 < 1000000000ull);
	}
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(s, &st), 0);
	CHECK_U64(st.hb_timeouts, 1);
	CHECK_U64(st.pidfd_deaths, 0);
	/* A device of this namespace takes the file over: the old one's heartbeat stands still. */
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &again), 0);
	rte_vmsg_bus_shm_destroy(again);
	unlink(rte_vmsg_region_path(rte_vmsg_bus_shm_region(s)));
	rte_vmsg_bus_shm_destroy(s);
	CHECK_EQ(waitpid(mid, &status, 0), mid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ------------------------------------------------------------------------ */
/* The bus runs the backend's control path itself                            */

static void submit_status(struct rte_vmsg_bus *b, uint16_t dev_num, struct done_rec *rec)
{
	struct rte_vmsg_msg m;
	uint8_t buf[64];
	int len;

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ;
	m.hdr.dev_num = dev_num;
	len = rte_vmsg_msg_build(buf, sizeof(buf), &m);
	CHECK(len > 0);
	memset(rec, 0, sizeof(*rec));
	CHECK_EQ(rte_vmsg_bus_submit(b, buf, (size_t)len, on_done, rec), 0);
}

/* Polls both buses (and nothing else) until both say connected (2 s at most). */
static void bus_up(struct rte_vmsg_bus *a, struct rte_vmsg_bus *b)
{
	uint64_t end = rte_vmsg_time_ns() + 2000000000ull;

	while ((rte_vmsg_bus_connected(a) != 1 || rte_vmsg_bus_connected(b) != 1) &&
	       rte_vmsg_time_ns() < end) {
		rte_vmsg_bus_poll(a);
		rte_vmsg_bus_poll(b);
	}
	CHECK_EQ(rte_vmsg_bus_connected(a), 1);
	CHECK_EQ(rte_vmsg_bus_connected(b), 1);
}

static void test_bus_control(void)
{
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *sdev, *sdrv;
	struct rte_vmsg_bus *devb, *drvb;
	struct rte_vmsg_bus_stats bst;
	struct rte_vmsg_drv *drv = NULL;
	struct rte_vmsg_dev *d;
	struct done_rec rec;

	path_new();
	opts_dev(&o);
	sdev = shm_new(&o);
	opts_drv(&o);
	sdrv = shm_new(&o);
	devb = bus_on(sdev, 0);
	drvb = bus_on(sdrv, 3000000000ull);
	/* Getters, and a driver handle refused on a device-role endpoint. */
	CHECK_EQ(rte_vmsg_bus_role(devb), RTE_VMSG_BUS_DEVICE);
	CHECK_EQ(rte_vmsg_bus_role(drvb), RTE_VMSG_BUS_DRIVER);
	CHECK_U64(rte_vmsg_bus_timeout_ns(drvb), 3000000000ull);
	CHECK_U64(rte_vmsg_bus_timeout_ns(devb), 1000000000ull);
	CHECK_EQ(rte_vmsg_bus_role(NULL), 0);
	CHECK_EQ(rte_vmsg_bus_connected(NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_drv_open(devb, 1, NULL, &drv), -EINVAL);
	CHECK(drv == NULL);
	/* Not up before any poll; the bus polls alone bring the link up. */
	CHECK_EQ(rte_vmsg_bus_connected(drvb), 0);
	bus_up(devb, drvb);
	d = tmodel_dev_new(7, 264, RTE_VMSG_F_STRICT_CONFIG_GENERATION);
	CHECK_EQ(rte_vmsg_bus_dev_register(devb, rte_vmsg_dev_num(d), tmodel_dev_request, d), 0);
	submit_status(drvb, 7, &rec);
	pump_until(devb, drvb, &rec.calls);
	CHECK_EQ(rec.status, 0);
	/* The device end restarts (shut down, then a new one on a new file is
	 * not seen: this driver is on this file): shut down is a loss. */
	submit_status(drvb, 7, &rec);
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_shm_destroy(sdev);
	sdev = NULL;
	{
		uint64_t end = rte_vmsg_time_ns() + 1000000000ull;

		while (rec.calls == 0 && rte_vmsg_time_ns() < end)
			rte_vmsg_bus_poll(drvb);
	}
	CHECK_EQ(rec.calls, 1);
	CHECK_EQ(rec.status, -ECONNRESET);
	CHECK_EQ(rte_vmsg_bus_connected(drvb), 0);
	CHECK_EQ(rte_vmsg_bus_stats_get(drvb, &bst), 0);
	CHECK_U64(bst.peer_lost, 1);
	CHECK_U64(bst.failed, 1);
	CHECK_U64(bst.timeouts, 0);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_shm_destroy(sdrv);
	rte_vmsg_dev_destroy(d);
	unlink(path);
}

/* ------------------------------------------------------------------------ */
/* A device restarting on the same file (RTE_VMSG_BUS_SHM_F_REUSE)           */

static void test_reuse(void)
{
	struct rte_vmsg_bus_shm_opts o, od;
	struct rte_vmsg_bus_shm *sdev, *sdrv, *bad = NULL;
	struct rte_vmsg_bus *devb, *drvb;
	struct rte_vmsg_bus_stats bst;
	struct rte_vmsg_dev *d;
	struct done_rec rec;
	int round;

	path_new();
	opts_dev(&od);
	od.flags = RTE_VMSG_BUS_SHM_F_REUSE;
	/* REUSE with REPLACE, or on a driver: refused. */
	o = od;
	o.flags |= RTE_VMSG_BUS_SHM_F_REPLACE;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &bad), -EINVAL);
	opts_drv(&o);
	o.flags = RTE_VMSG_BUS_SHM_F_REUSE;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &bad), -EINVAL);
	CHECK(bad == NULL);

	/* No file yet: REUSE creates it. */
	sdev = shm_new(&od);
	opts_drv(&o);
	sdrv = shm_new(&o);
	drvb = bus_on(sdrv, 3000000000ull);
	d = tmodel_dev_new(3, 264, RTE_VMSG_F_STRICT_CONFIG_GENERATION);
	for (round = 0; round < 3; round++) {
		devb = bus_on(sdev, 0);
		CHECK_EQ(rte_vmsg_bus_dev_register(devb, 3, tmodel_dev_request, d), 0);
		bus_up(devb, drvb);
		submit_status(drvb, 3, &rec);
		pump_until(devb, drvb, &rec.calls);
		CHECK_EQ(rec.calls, 1);
		CHECK_EQ(rec.status, 0);
		/* The device end goes; a new one takes over the same file. */
		rte_vmsg_bus_destroy(devb);
		rte_vmsg_bus_shm_destroy(sdev);
		sdev = shm_new(&od);
		/* The driver end still maps the file the new device end wrote. */
		CHECK_U64(rte_vmsg_get_le32((const uint8_t *)rte_vmsg_bus_shm_page(sdrv) + 64),
			  (uint32_t)getpid());
	}
	/* Different geometry or parameters: refused, with the difference logged. */
	o = od;
	o.num_elems = NELEMS * 2;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &bad), -EEXIST);
	o = od;
	o.max_msg_size = 128;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &bad), -EEXIST);
	o = od;
	o.format = RTE_VMSG_LINK_FMT_COMPAT;
	o.max_msg_size = 264;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &bad), -EEXIST);
	CHECK(bad == NULL);
	/* The last device end answers too. */
	devb = bus_on(sdev, 0);
	CHECK_EQ(rte_vmsg_bus_dev_register(devb, rte_vmsg_dev_num(d), tmodel_dev_request, d), 0);
	bus_up(devb, drvb);
	submit_status(drvb, 3, &rec);
	pump_until(devb, drvb, &rec.calls);
	CHECK_EQ(rec.status, 0);
	CHECK_EQ(rte_vmsg_bus_stats_get(drvb, &bst), 0);
	CHECK_U64(bst.completed, 4);
	CHECK_U64(bst.peer_lost, 3);
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_shm_destroy(sdrv);
	/* REUSE with UNLINK unlinks the file it took over. */
	rte_vmsg_bus_shm_destroy(sdev);
	od.flags |= RTE_VMSG_BUS_SHM_F_UNLINK;
	sdev = shm_new(&od);
	rte_vmsg_bus_shm_destroy(sdev);
	opts_drv(&o);
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &bad), -ENOENT);
	/*
	 * ... but only while the name is still that file: a device that laid
	 * out the file anew (REPLACE) meanwhile keeps its own.
	 */
	od.flags = RTE_VMSG_BUS_SHM_F_REPLACE;
	sdev = shm_new(&od);
	rte_vmsg_bus_shm_destroy(sdev); /* the file stays */
	od.flags = RTE_VMSG_BUS_SHM_F_REUSE | RTE_VMSG_BUS_SHM_F_UNLINK;
	sdev = shm_new(&od); /* takes it over */
	od.flags = RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_UNLINK;
	{
		struct rte_vmsg_bus_shm *newer = shm_new(&od); /* a new file, same name */

		rte_vmsg_bus_shm_destroy(sdev); /* must leave the new one alone */
		opts_drv(&o);
		sdrv = NULL;
		CHECK_EQ(rte_vmsg_bus_shm_create(&o, &sdrv), 0);
		rte_vmsg_bus_shm_destroy(sdrv);
		rte_vmsg_bus_shm_destroy(newer);
	}
	rte_vmsg_dev_destroy(d);
}

/*
 * REUSE takes over the file of a device that is gone, never that of one
 * that still runs (two devices would serve one link, each seeing it up):
 * -EBUSY while the device process runs; once it is SIGKILLed, even before
 * its parent reaps it (a zombie), the file is taken over.
 */
static void test_reuse_live(void)
{
	struct rte_vmsg_bus_shm_opts od;
	struct rte_vmsg_bus_shm *s = NULL;
	int fds[2], status;
	pid_t pid;
	char c = 0;

	path_new();
	opts_dev(&od);
	od.flags = RTE_VMSG_BUS_SHM_F_REUSE;
	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct rte_vmsg_bus_shm *dev = NULL;

		close(fds[0]);
		c = rte_vmsg_bus_shm_create(&od, &dev) == 0 ? 'y' : 'n';
		if (write(fds[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(fds[1]);
	CHECK_EQ(read(fds[0], &c, 1), 1);
	CHECK_EQ(c, 'y');
	close(fds[0]);
	CHECK_EQ(rte_vmsg_bus_shm_create(&od, &s), -EBUSY);
	CHECK(s == NULL);
	kill(pid, SIGKILL);
	/* Dead, not yet reaped: /proc says Z within a moment. */
	{
		uint64_t end = rte_vmsg_time_ns() + 2000000000ull;
		int rc;

		while ((rc = rte_vmsg_bus_shm_create(&od, &s)) == -EBUSY &&
		       rte_vmsg_time_ns() < end)
			usleep(1000);
		CHECK_EQ(rc, 0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	rte_vmsg_bus_shm_destroy(s);
	od.flags = RTE_VMSG_BUS_SHM_F_REUSE | RTE_VMSG_BUS_SHM_F_UNLINK;
	s = shm_new(&od);
	rte_vmsg_bus_shm_destroy(s);
}

/*
 * A device refused before its file is made leaves none: a max message
 * size above what an element carries is refused (-EINVAL, said) before
 * the file is touched, and the same create with a fitting size then
 * succeeds (it got -EEXIST from the file the failed one left).
 */
static char last_err[256];

static void keep_error(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level <= RTE_VMSG_LOG_ERR)
		snprintf(last_err, sizeof(last_err), "%s", msg);
}

static void test_create_fails_clean(void)
{
	struct rte_vmsg_bus_shm_opts od;
	struct rte_vmsg_bus_shm *s = NULL;
	char file[128];

	path_new();
	snprintf(file, sizeof(file), "/dev/shm/%s", path);
	opts_dev(&od);
	od.flags = RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_UNLINK;
	od.format = RTE_VMSG_LINK_FMT_COMPAT;
	od.elem_size = 64;
	od.max_msg_size = 1000;
	last_err[0] = '\0';
	rte_vmsg_log_set_handler(keep_error, RTE_VMSG_LOG_ERR, NULL);
	CHECK_EQ(rte_vmsg_bus_shm_create(&od, &s), -EINVAL);
	rte_vmsg_log_set_handler(NULL, RTE_VMSG_LOG_ERR, NULL);
	CHECK(s == NULL);
	CHECK(access(file, F_OK) != 0);
	CHECK(strstr(last_err, "max message size 1000 above the 64 bytes a 64-byte element") !=
	      NULL);
	od.max_msg_size = 64;
	CHECK_EQ(rte_vmsg_bus_shm_create(&od, &s), 0);
	rte_vmsg_bus_shm_destroy(s);
}

/* ------------------------------------------------------------------------ */
/* Heartbeat liveness: a peer that stops polling is lost after the timeout   */

static void test_heartbeat(void)
{
	struct rte_vmsg_bus_shm_stats st;
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *sdev, *sdrv;
	struct rte_vmsg_bus *devb, *drvb;
	struct rte_vmsg_dev *d;
	struct done_rec rec;
	uint64_t t0, end;

	path_new();
	opts_dev(&o);
	o.peer_timeout_ms = 2000000u * 1000u; /* above the limit */
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &sdev), -EINVAL);
	opts_dev(&o);
	sdev = shm_new(&o);
	opts_drv(&o);
	o.peer_timeout_ms = 50;
	sdrv = shm_new(&o);
	devb = bus_on(sdev, 0);
	drvb = bus_on(sdrv, 10000000000ull); /* 10 s: only the heartbeat may end it */
	d = tmodel_dev_new(9, 264, RTE_VMSG_F_STRICT_CONFIG_GENERATION);
	CHECK_EQ(rte_vmsg_bus_dev_register(devb, rte_vmsg_dev_num(d), tmodel_dev_request, d), 0);
	bus_up(devb, drvb);
	/* While both poll, the heartbeats move: no loss for 3 timeouts. */
	end = rte_vmsg_time_ns() + 150000000ull;
	while (rte_vmsg_time_ns() < end) {
		rte_vmsg_bus_poll(devb);
		rte_vmsg_bus_poll(drvb);
		usleep(1000);
	}
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(sdrv, &st), 0);
	CHECK_U64(st.hb_timeouts, 0);
	/* The device stops polling with a request in flight (a hung peer). */
	submit_status(drvb, 9, &rec);
	t0 = rte_vmsg_time_ns();
	end = t0 + 2000000000ull;
	while (rec.calls == 0 && rte_vmsg_time_ns() < end) {
		rte_vmsg_bus_poll(drvb);
		usleep(200);
	}
	CHECK_EQ(rec.calls, 1);
	CHECK_EQ(rec.status, -ECONNRESET);
	/*
	 * Lost one timeout after the device's last heartbeat, which moved at
	 * its last poll, about a millisecond before t0: not at once, and long
	 * before the request's own timeout.
	 */
	fprintf(stderr, "hung peer lost %.1f ms after the last request\n",
		(double)(rte_vmsg_time_ns() - t0) / 1e6);
	CHECK(rte_vmsg_time_ns() - t0 >= 40000000ull);
	CHECK(rte_vmsg_time_ns() - t0 < 1000000000ull);
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(sdrv, &st), 0);
	CHECK_U64(st.hb_timeouts, 1);
	CHECK_U64(st.pidfd_deaths, 0);
	/* It comes back: the link reconnects and requests flow again. */
	bus_up(devb, drvb);
	submit_status(drvb, 9, &rec);
	pump_until(devb, drvb, &rec.calls);
	CHECK_EQ(rec.status, 0);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_shm_destroy(sdrv);
	rte_vmsg_bus_shm_destroy(sdev);
	rte_vmsg_dev_destroy(d);
}

/* ------------------------------------------------------------------------ */
/* NOTIFY_EVENT: a device thread sleeping on the bus page doorbell           */

struct sleeper {
	struct rte_vmsg_bus_shm *shm;
	struct rte_vmsg_bus *bus;
	int stop; /* atomic */
	int waits, woken;
};

static void *sleeper_main(void *arg)
{
	struct sleeper *sl = arg;

	while (!__atomic_load_n(&sl->stop, __ATOMIC_ACQUIRE)) {
		int rc = rte_vmsg_bus_shm_wait(sl->shm, 200000000ull);

		sl->waits++;
		if (rc == 1)
			sl->woken++;
		rte_vmsg_bus_poll(sl->bus);
	}
	return NULL;
}

static void test_event_wait(void)
{
	struct rte_vmsg_bus_shm_stats st;
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *sdev, *sdrv;
	struct rte_vmsg_bus *devb, *drvb;
	struct rte_vmsg_dev *d;
	struct sleeper sl;
	struct done_rec rec;
	pthread_t th;
	uint64_t end;
	int i;

	path_new();
	opts_dev(&o);
	o.notify_mode = RTE_VMSG_SHM_NOTIFY_EVENT;
	sdev = shm_new(&o);
	opts_drv(&o);
	o.notify_mode = RTE_VMSG_SHM_NOTIFY_EVENT;
	sdrv = shm_new(&o);
	devb = bus_on(sdev, 0);
	drvb = bus_on(sdrv, 5000000000ull);
	d = tmodel_dev_new(4, 264, RTE_VMSG_F_STRICT_CONFIG_GENERATION);
	CHECK_EQ(rte_vmsg_bus_dev_register(devb, rte_vmsg_dev_num(d), tmodel_dev_request, d), 0);
	bus_up(devb, drvb);
	memset(&sl, 0, sizeof(sl));
	sl.shm = sdev;
	sl.bus = devb;
	CHECK_EQ(pthread_create(&th, NULL, sleeper_main, &sl), 0);
	for (i = 0; i < 20; i++) {
		usleep(5000); /* the device thread is asleep by now */
		submit_status(drvb, 4, &rec);
		end = rte_vmsg_time_ns() + 2000000000ull;
		while (rec.calls == 0 && rte_vmsg_time_ns() < end)
			rte_vmsg_bus_poll(drvb);
		CHECK_EQ(rec.calls, 1);
		CHECK_EQ(rec.status, 0);
	}
	__atomic_store_n(&sl.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(sdrv, &st), 0);
	/* The driver rang for most requests (each found the device asleep). */
	CHECK(st.bell_kicks >= 10);
	CHECK_EQ(rte_vmsg_bus_shm_stats_get(sdev, &st), 0);
	CHECK(st.bell_sleeps >= 10);
	CHECK(sl.woken >= 20);
	/* Woken by the bell, not by the 200 ms timeout: about one wait per request. */
	CHECK(sl.waits < 20 * 4);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_shm_destroy(sdrv);
	rte_vmsg_bus_shm_destroy(sdev);
	rte_vmsg_dev_destroy(d);
}

/* ------------------------------------------------------------------------ */
/* NUMA placement of the file (device side)                                  */

static void test_numa(void)
{
	struct rte_vmsg_bus_shm_opts o, d;
	struct rte_vmsg_bus_shm *dev, *drv = NULL;
	void *dma, **pages;
	uint64_t dma_len, i, n;
	int *status;

	if (access("/sys/devices/system/node/node0", F_OK) != 0) {
		printf("NOTE: no NUMA node 0 in sysfs: shm NUMA placement not checked\n");
		return;
	}
	path_new();
	opts_dev(&o);
	o.flags |= RTE_VMSG_BUS_SHM_F_NUMA;
	o.numa_node = 0;
	dev = shm_new(&o);
	CHECK(rte_vmsg_region_flags(rte_vmsg_bus_shm_region(dev)) & RTE_VMSG_REGION_F_NUMA);
	CHECK_EQ(rte_vmsg_region_numa_node(rte_vmsg_bus_shm_region(dev)), 0);
	/* Every page of the DMA area is there already, on node 0 (move_pages() with no target). */
	CHECK_EQ(rte_vmsg_bus_shm_dma(dev, &dma, NULL, &dma_len), 0);
	n = dma_len / 4096u;
	pages = calloc(n, sizeof(*pages));
	status = calloc(n, sizeof(*status));
	CHECK(pages != NULL && status != NULL && n > 0);
	for (i = 0; pages != NULL && i < n; i++)
		pages[i] = (uint8_t *)dma + i * 4096u;
	if (pages != NULL && status != NULL) {
		CHECK_EQ(syscall(SYS_move_pages, 0, (unsigned long)n, pages, NULL, status, 0), 0);
		for (i = 0; i < n; i++)
			if (status[i] != 0)
				break;
		CHECK_EQ(i, n);
	}
	free(pages);
	free(status);
	/* The driver side cannot place what it attaches. */
	opts_drv(&d);
	d.flags |= RTE_VMSG_BUS_SHM_F_NUMA;
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &drv), -EINVAL);
	d.flags &= ~RTE_VMSG_BUS_SHM_F_NUMA;
	d.numa_node = 1; /* without the flag */
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &drv), -EINVAL);
	rte_vmsg_bus_shm_destroy(dev);
	/* A node that does not exist. */
	path_new();
	opts_dev(&o);
	o.flags |= RTE_VMSG_BUS_SHM_F_NUMA;
	o.numa_node = 4095;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &dev), -EINVAL);
}

static unsigned int warnings;

static void count_warnings(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	(void)msg;
	(void)arg;
	if (level <= RTE_VMSG_LOG_WARNING)
		warnings++;
}

/* F_NO_HUGE: plain shared memory on purpose, in /dev/shm, without a warning. */
static void test_no_huge(void)
{
	struct rte_vmsg_bus_shm_opts o, d;
	struct rte_vmsg_bus_shm *dev = NULL, *drv = NULL;
	const struct rte_vmsg_region *r;

	path_new();
	opts_dev(&o);
	o.flags |= RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
	CHECK_EQ(rte_vmsg_bus_shm_create(&o, &dev), -EINVAL);
	o.flags &= ~RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
	warnings = 0;
	rte_vmsg_log_set_handler(count_warnings, RTE_VMSG_LOG_WARNING, NULL);
	dev = shm_new(&o);
	r = rte_vmsg_bus_shm_region(dev);
	CHECK(strncmp(rte_vmsg_region_path(r), "/dev/shm/", 9) == 0);
	CHECK_EQ(rte_vmsg_region_page_size(r), (size_t)sysconf(_SC_PAGESIZE));
	opts_drv(&d);
	d.flags = RTE_VMSG_BUS_SHM_F_NO_HUGE;
	drv = shm_new(&d);
	shm_up(dev, drv);
	CHECK_EQ(warnings, 0u);
	rte_vmsg_log_set_handler(NULL, RTE_VMSG_LOG_ERR, NULL);
	rte_vmsg_bus_shm_destroy(drv);
	rte_vmsg_bus_shm_destroy(dev);
}

/* ------------------------------------------------------------------------ */
/* rte_vmsg_bus_shm_open(): the one-call bring-up                            */

struct serve_arg {
	struct rte_vmsg_bus *bus;
	int stop; /* written by the main thread, read by serve_thread(): atomics */
};

static void *serve_thread(void *arg)
{
	struct serve_arg *sa = arg;
	struct timespec nap = { 0, 20000 };

	while (!__atomic_load_n(&sa->stop, __ATOMIC_ACQUIRE)) {
		rte_vmsg_bus_poll(sa->bus);
		nanosleep(&nap, NULL);
	}
	return NULL;
}

static int cancel_now(void *arg)
{
	int *calls = arg;

	return ++*calls >= 3;
}

static void test_open(void)
{
	struct rte_vmsg_bus_shm *dshm = NULL, *rshm = NULL;
	struct rte_vmsg_bus *devb = NULL, *drvb = NULL;
	struct rte_vmsg_bus_shm_open_opts oo;
	struct rte_vmsg_bus_shm_opts d, r;
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_region *raw = NULL;
	struct serve_arg sa;
	struct {
		struct rte_vmsg_bus_shm_open_opts o;
		uint32_t extra;
	} big;
	uint64_t t0;
	pthread_t t;
	int calls = 0;

	path_new();
	opts_dev(&d);
	opts_drv(&r);
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	CHECK_EQ(rte_vmsg_bus_shm_open(NULL, &oo, &rshm, &drvb), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, NULL, &drvb), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &rshm, NULL), -EINVAL);
	oo.flags = 1u << 5;
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &rshm, &drvb), -EINVAL);
	oo.flags = RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT;
	oo.wait_ns = 1000;
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &rshm, &drvb), -EINVAL);
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.extra = 1;
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &big.o, &rshm, &drvb), -EINVAL);

	/* No file: at once with NO_WAIT, after the wait otherwise. */
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.flags = RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT;
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &rshm, &drvb), -ENOENT);
	oo.flags = 0;
	oo.wait_ns = 20000000;
	t0 = rte_vmsg_time_ns();
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &rshm, &drvb), -ENOENT);
	CHECK(rte_vmsg_time_ns() - t0 >= 20000000);
	oo.wait_ns = 5000000000ull;
	oo.cancel = cancel_now;
	oo.cancel_arg = &calls;
	t0 = rte_vmsg_time_ns();
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &rshm, &drvb), -ECANCELED);
	CHECK(rte_vmsg_time_ns() - t0 < 2000000000ull);
	CHECK_EQ(calls, 3);
	CHECK(rshm == NULL && drvb == NULL);

	/* A file whose bus page never completes (its device died making it). */
	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.path = path;
	ro.size = 1u << 20;
	ro.flags = RTE_VMSG_REGION_OPT_UNLINK;
	CHECK_EQ(rte_vmsg_region_create(&ro, &raw), 0);
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.wait_ns = 20000000;
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &rshm, &drvb), -EAGAIN);
	rte_vmsg_region_destroy(raw);

	/* A device that waits for a driver that never comes. */
	oo.wait_ns = 20000000;
	CHECK_EQ(rte_vmsg_bus_shm_open(&d, &oo, &dshm, &devb), -ETIMEDOUT);
	CHECK(dshm == NULL && devb == NULL);
	{ /* UNLINK: nothing left behind, wherever the file went */
		char full[4200], mnt[4096];

		if (rte_vmsg_hugetlbfs_find(mnt, sizeof(mnt)) == 0) {
			snprintf(full, sizeof(full), "%s/%s", mnt, path);
			CHECK(access(full, F_OK) != 0);
		}
		snprintf(full, sizeof(full), "/dev/shm/%s", path);
		CHECK(access(full, F_OK) != 0);
	}

	/* Device, then a driver that waits for the link while the device serves. */
	CHECK_EQ(rte_vmsg_bus_shm_open(&d, NULL, &dshm, &devb), 0);
	if (devb == NULL)
		return;
	CHECK_EQ(rte_vmsg_bus_connected(devb), 0);
	CHECK(rte_vmsg_bus_memmap(devb) != NULL);
	memset(&sa, 0, sizeof(sa));
	sa.bus = devb;
	CHECK_EQ(pthread_create(&t, NULL, serve_thread, &sa), 0);
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.max_inflight = 8;
	oo.timeout_ns = 123000000;
	oo.wait_ns = 5000000000ull;
	CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &rshm, &drvb), 0);
	__atomic_store_n(&sa.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	if (drvb != NULL) {
		const struct rte_vmsg_memmap *m = rte_vmsg_bus_memmap(drvb);
		void *dma = NULL;
		uint64_t dma_bus = 0;

		CHECK_EQ(rte_vmsg_bus_connected(drvb), 1);
		CHECK_U64(rte_vmsg_bus_timeout_ns(drvb), 123000000);
		CHECK_EQ(rte_vmsg_bus_max_msg_size(drvb), 264);
		CHECK_U64(rte_vmsg_bus_transport_features(drvb),
			  RTE_VMSG_F_STRICT_CONFIG_GENERATION);
		/* The map is the whole file: the DMA area's bus address translates to it. */
		CHECK_EQ(rte_vmsg_bus_shm_dma(rshm, &dma, &dma_bus, NULL), 0);
		CHECK(m != NULL && rte_vmsg_memmap_translate(m, dma_bus, 64) == dma);
	}
	/* NO_WAIT on an existing file: attached, the link still to come. */
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.flags = RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT;
	{
		struct rte_vmsg_bus_shm *s2 = NULL;
		struct rte_vmsg_bus *b2 = NULL;

		rte_vmsg_bus_shm_close(rshm, drvb);
		rshm = NULL;
		drvb = NULL;
		CHECK_EQ(rte_vmsg_bus_shm_open(&r, &oo, &s2, &b2), 0);
		CHECK_EQ(rte_vmsg_bus_connected(b2), 0);
		rte_vmsg_bus_shm_close(s2, b2);
	}
	rte_vmsg_bus_shm_close(dshm, devb);
	rte_vmsg_bus_shm_close(NULL, NULL);
}

/* ------------------------------------------------------------------------ */
/* A peer that truncates the file (doc/bus.md, "A file cut short")           */

static void on_sigbus(int sig)
{
	(void)sig;
	_exit(42);
}

static void test_truncated(void)
{
	struct rte_vmsg_bus_shm_opts o, d;
	struct rte_vmsg_bus_shm *dev, *s = NULL;
	struct rte_vmsg_region *reg;
	static uint8_t saved[128 << 10];	      /* the link layout, and more */
	static uint8_t page0[RTE_VMSG_SHM_PAGE_SIZE]; /* the bus page */
	const char *file;
	int fds[2], status = 0, fd;
	off_t full;
	pid_t pid;
	char c;

	path_new();
	opts_dev(&o);
	o.flags |= RTE_VMSG_BUS_SHM_F_NO_HUGE;
	dev = shm_new(&o);
	reg = rte_vmsg_bus_shm_region(dev);
	file = rte_vmsg_region_path(reg);
	fd = open(file, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	full = (off_t)rte_vmsg_region_len(reg);

	memcpy(saved, (uint8_t *)rte_vmsg_region_addr(reg) + RTE_VMSG_SHM_PAGE_SIZE, sizeof(saved));
	/* Cut short before the driver comes: its size check at attach refuses it. */
	CHECK_EQ(ftruncate(fd, RTE_VMSG_SHM_PAGE_SIZE), 0);
	opts_drv(&d);
	d.flags = RTE_VMSG_BUS_SHM_F_NO_HUGE;
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	CHECK(s == NULL);
	/* ... and at a size that is no whole number of pages, or 0: refused alike. */
	memcpy(page0, rte_vmsg_region_addr(reg), sizeof(page0));
	CHECK_EQ(ftruncate(fd, 5000), 0);
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	CHECK_EQ(ftruncate(fd, 0), 0);
	CHECK_EQ(rte_vmsg_bus_shm_create(&d, &s), -EPROTO);
	CHECK(s == NULL);
	/* Whole again, the layout back (the pages past the cut came back as zeros). */
	CHECK_EQ(ftruncate(fd, full), 0);
	memcpy(rte_vmsg_region_addr(reg), page0, sizeof(page0));
	memcpy((uint8_t *)rte_vmsg_region_addr(reg) + RTE_VMSG_SHM_PAGE_SIZE, saved, sizeof(saved));

	/*
	 * Cut short under an attached driver: its next touch of the link is
	 * SIGBUS, as with any shared file. The library installs no handler;
	 * this driver process has one of its own, as an application that must
	 * survive it would (it exits 42 here).
	 */
	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct sigaction sa;
		uint64_t end;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigbus;
		sigaction(SIGBUS, &sa, NULL);
		status = rte_vmsg_bus_shm_create(&d, &s);
		if (status != 0) {
			fprintf(stderr, "truncated: driver attach: %d\n", status);
			_exit(2);
		}
		c = 'A';
		if (write(fds[1], &c, 1) != 1)
			_exit(3);
		end = rte_vmsg_time_ns() + 2000000000ull;
		while (rte_vmsg_time_ns() < end)
			rte_vmsg_bus_shm_poll(s);
		_exit(0); /* no SIGBUS: the test fails */
	}
	close(fds[1]);
	CHECK_EQ(read(fds[0], &c, 1), 1);
	close(fds[0]);
	CHECK_EQ(ftruncate(fd, RTE_VMSG_SHM_PAGE_SIZE), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
	/* Whole again before our own end touches its link (destroy writes SHUTDOWN). */
	CHECK_EQ(ftruncate(fd, full), 0);
	close(fd);
	rte_vmsg_bus_shm_destroy(dev);
}

/* RTE_VMSG_BUS_SHM_F_GUARD: both sides' mappings between guard pages. */
static void test_guard(void)
{
	struct rte_vmsg_bus_shm_opts o, d;
	struct rte_vmsg_bus_shm *dev, *drv;

	path_new();
	opts_dev(&o);
	o.flags |= RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_GUARD;
	dev = shm_new(&o);
	opts_drv(&d);
	d.flags = RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_GUARD;
	drv = shm_new(&d);
	CHECK(rte_vmsg_region_flags(rte_vmsg_bus_shm_region(dev)) & RTE_VMSG_REGION_F_GUARD);
	CHECK(rte_vmsg_region_flags(rte_vmsg_bus_shm_region(drv)) & RTE_VMSG_REGION_F_GUARD);
	shm_up(dev, drv);
	rte_vmsg_bus_shm_destroy(drv);
	rte_vmsg_bus_shm_destroy(dev);
}

int main(int argc, char **argv)
{
	int skipped = 0;

	/* Its own meson test (bus_shm_pidns): it may be skipped, the rest not. */
	if (argc == 2 && strcmp(argv[1], "pidns") == 0) {
		test_pidns_peer(&skipped);
		return skipped ? 77 : vtest_done("bus_shm pidns");
	}
	test_bus_page();
	test_negative();
	test_bus_round_trip();
	test_peer_shutdown();
	test_killed_peer();
	test_bus_control();
	test_reuse();
	test_heartbeat();
	test_event_wait();
	test_numa();
	test_no_huge();
	test_open();
	test_truncated();
	test_reuse_live();
	test_create_fails_clean();
	test_guard();
	return vtest_done("bus_shm");
}
