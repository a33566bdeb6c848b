/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The one options rule, at every constructor that takes a size-prefixed
 * struct: a caller built against an older, smaller struct is accepted, and
 * the fields past its sz read as zero. Each case puts a value past sz that
 * the constructor would refuse or act on if it read it, and checks that it
 * did not. Also: an sz too small for sz itself is refused, and a newer,
 * larger struct is accepted with a zero tail and refused with a non-zero one.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_transport.h>
#include <rte_vmsg_virtq.h>

#include "test_model.h"
#include "vtest.h"

#define MEM_LEN (8u << 20)

/*
 * A struct with room past its end: the bytes a newer caller would add. The
 * options live at the start of buf (aligned for any of them).
 */
union bigger {
	uint8_t buf[1024];
	uint64_t align_;
	void *ptr_;
};

/*
 * The generic part for options of @p size bytes at @p o: sz too small is
 * refused, a zero tail accepted (through @p make, which returns 0 or -errno
 * and undoes what it made), a non-zero tail refused.
 */
static void rule_sizes(const void *o, size_t size, int (*make)(const void *opts), const char *what)
{
	union bigger b;
	size_t sz;

	memset(&b, 0, sizeof(b));
	memcpy(b.buf, o, size);
	sz = sizeof(size_t) - 1;
	memcpy(b.buf, &sz, sizeof(sz));
	if (make(b.buf) != -EINVAL)
		fprintf(stderr, "%s: sz < sizeof(size_t) accepted\n", what);
	CHECK_EQ(make(b.buf), -EINVAL);
	sz = size + 16;
	memcpy(b.buf, &sz, sizeof(sz));
	CHECK_EQ(make(b.buf), 0);
	b.buf[size + 9] = 1;
	CHECK_EQ(make(b.buf), -EINVAL);
}

/* Sets the sz of options at @p o to @p sz. */
static void set_sz(void *o, size_t sz)
{
	memcpy(o, &sz, sizeof(sz));
}

static struct rte_vmsg_region *reg;
static struct rte_vmsg_memmap *map;
static struct rte_vmsg_bus_loop *loop;
static struct rte_vmsg_bus *drvb, *devb;
static void *poll_arg_seen = (void *)1;

/* ------------------------------------------------------------------------ */

static int make_region(const void *opts)
{
	struct rte_vmsg_region *r = NULL;
	int rc = rte_vmsg_region_create(opts, &r);

	rte_vmsg_region_destroy(r);
	return rc;
}

static void test_region(void)
{
	struct rte_vmsg_region_opts o;
	struct rte_vmsg_region *r = NULL;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.kind = RTE_VMSG_REGION_KIND_MEMFD;
	o.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
	o.size = 65536;
	rule_sizes(&o, sizeof(o), make_region, "region");
	/* An older caller: no numa_node; garbage there is not read. */
	o.numa_node = 0xdead;
	set_sz(&o, offsetof(struct rte_vmsg_region_opts, numa_node));
	CHECK_EQ(rte_vmsg_region_create(&o, &r), 0);
	CHECK((rte_vmsg_region_flags(r) & RTE_VMSG_REGION_F_NUMA) == 0);
	rte_vmsg_region_destroy(r);
}

/* ------------------------------------------------------------------------ */

static int make_loop(const void *opts)
{
	struct rte_vmsg_bus_loop *l = NULL;
	int rc = rte_vmsg_bus_loop_create(opts, &l);

	rte_vmsg_bus_loop_destroy(l);
	return rc;
}

static int make_bus(const void *opts)
{
	struct rte_vmsg_bus *b = NULL;
	int rc = rte_vmsg_bus_create(opts, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(loop, 0),
				     &b);

	rte_vmsg_bus_destroy(b);
	return rc;
}

static struct rte_vmsg_bus_opts bus_opts_ok;

static int make_bus_ops(const void *ops)
{
	struct rte_vmsg_bus *b = NULL;
	int rc = rte_vmsg_bus_create(&bus_opts_ok, ops, rte_vmsg_bus_loop_end(loop, 0), &b);

	rte_vmsg_bus_destroy(b);
	return rc;
}

static const struct rte_vmsg_memmap *bogus_memmap(void *ctx)
{
	(void)ctx;
	return (const void *)2;
}

static void test_bus(void)
{
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_bus_loop *l = NULL;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_bus_ops ops;
	struct rte_vmsg_bus *b = NULL;

	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	rule_sizes(&lo, sizeof(lo), make_loop, "loop");
	lo.max_msg_size = 40; /* refused if read */
	set_sz(&lo, offsetof(struct rte_vmsg_bus_loop_opts, max_msg_size));
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &l), 0);
	if (l != NULL)
		CHECK_EQ(rte_vmsg_bus_loop_ops()->max_msg_size(rte_vmsg_bus_loop_end(l, 0)),
			 RTE_VMSG_MAX_SIZE_DEFAULT);
	rte_vmsg_bus_loop_destroy(l);

	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DRIVER;
	bus_opts_ok = bo;
	rule_sizes(&bo, sizeof(bo), make_bus, "bus");
	bo.timeout_ns = 5;
	set_sz(&bo, offsetof(struct rte_vmsg_bus_opts, timeout_ns));
	CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(loop, 0),
				     &b),
		 0);
	CHECK_U64(rte_vmsg_bus_timeout_ns(b), 1000000000ull); /* the default, not 5 */
	rte_vmsg_bus_destroy(b);
	b = NULL;

	/* The ops table follows the rule too: an older one has no memmap op. */
	ops = *rte_vmsg_bus_loop_ops();
	rule_sizes(&ops, sizeof(ops), make_bus_ops, "bus ops");
	ops.memmap = bogus_memmap;
	set_sz(&ops, offsetof(struct rte_vmsg_bus_ops, memmap));
	CHECK_EQ(rte_vmsg_bus_create(&bus_opts_ok, &ops, rte_vmsg_bus_loop_end(loop, 0), &b), 0);
	CHECK(rte_vmsg_bus_memmap(b) == NULL);
	rte_vmsg_bus_destroy(b);
}

/* ------------------------------------------------------------------------ */

static char shm_path[64];

static int make_shm(const void *opts)
{
	struct rte_vmsg_bus_shm *s = NULL;
	int rc = rte_vmsg_bus_shm_create(opts, &s);

	rte_vmsg_bus_shm_destroy(s);
	return rc;
}

static int make_shm_open(const void *opts)
{
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_bus_shm *s = NULL;
	struct rte_vmsg_bus *b = NULL;
	int rc;

	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = shm_path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_UNLINK;
	rc = rte_vmsg_bus_shm_open(&so, opts, &s, &b);
	rte_vmsg_bus_shm_close(s, b);
	return rc;
}

static int cancel_crash(void *arg)
{
	(void)arg;
	abort(); /* never called: the field is past sz */
}

static void test_shm(void)
{
	struct rte_vmsg_bus_shm_open_opts oo;
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_bus_shm *s = NULL;
	struct rte_vmsg_bus *b = NULL;

	snprintf(shm_path, sizeof(shm_path), "vmsg_test_opts_%d", (int)getpid());
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = shm_path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_UNLINK;
	rule_sizes(&so, sizeof(so), make_shm, "shm");
	so.numa_node = 3; /* without RTE_VMSG_BUS_SHM_F_NUMA: refused if read */
	set_sz(&so, offsetof(struct rte_vmsg_bus_shm_opts, numa_node));
	CHECK_EQ(rte_vmsg_bus_shm_create(&so, &s), 0);
	rte_vmsg_bus_shm_destroy(s);

	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	rule_sizes(&oo, sizeof(oo), make_shm_open, "shm open");
	/* A driver with nothing to attach: the cancel past sz is never asked. */
	so.role = RTE_VMSG_BUS_DRIVER;
	so.flags = RTE_VMSG_BUS_SHM_F_NO_HUGE;
	set_sz(&so, sizeof(so));
	so.numa_node = 0;
	oo.wait_ns = 3000000;
	oo.cancel = cancel_crash;
	set_sz(&oo, offsetof(struct rte_vmsg_bus_shm_open_opts, cancel));
	CHECK_EQ(rte_vmsg_bus_shm_open(&so, &oo, &s, &b), -ENOENT);
}

/* ------------------------------------------------------------------------ */

static int make_amp(const void *opts)
{
	struct rte_vmsg_bus_amp *a = NULL;
	int rc = rte_vmsg_bus_amp_create(opts, &a);

	rte_vmsg_bus_amp_destroy(a);
	return rc;
}

static int live_crash(void *arg, int state)
{
	(void)arg;
	(void)state;
	abort(); /* never called: the field is past sz */
}

static int make_link(const void *opts)
{
	struct rte_vmsg_link *l = NULL;
	int rc = rte_vmsg_link_create(rte_vmsg_region_addr(reg), 65536, opts, &l);

	rte_vmsg_link_destroy(l);
	return rc;
}

static int make_bell(const void *opts)
{
	struct rte_vmsg_bell *b = NULL;
	int rc = rte_vmsg_bell_create(opts, &b);

	rte_vmsg_bell_destroy(b);
	return rc;
}

static void test_amp_ring(void)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_bus_amp *a = NULL;
	struct rte_vmsg_link_opts lo;
	struct rte_vmsg_link *l = NULL;
	struct rte_vmsg_bell_opts bo;
	struct rte_vmsg_bell *bl = NULL;
	uint32_t words[4] = { 0, 0, 0, 0 };

	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = RTE_VMSG_BUS_DEVICE;
	ao.region = reg;
	ao.size = 65536;
	rule_sizes(&ao, sizeof(ao), make_amp, "amp");
	ao.map = (const void *)2;
	ao.live = live_crash;
	set_sz(&ao, offsetof(struct rte_vmsg_bus_amp_opts, map));
	CHECK_EQ(rte_vmsg_bus_amp_create(&ao, &a), 0);
	CHECK(rte_vmsg_bus_amp_poll(a) >= 0); /* no liveness source was taken */
	rte_vmsg_bus_amp_destroy(a);

	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.role = RTE_VMSG_LINK_DEVICE;
	rule_sizes(&lo, sizeof(lo), make_link, "link");
	lo.flags = 0x80; /* unknown: refused if read */
	set_sz(&lo, offsetof(struct rte_vmsg_link_opts, flags));
	CHECK_EQ(rte_vmsg_link_create(rte_vmsg_region_addr(reg), 65536, &lo, &l), 0);
	rte_vmsg_link_destroy(l);

	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.kind = RTE_VMSG_BELL_FUTEX;
	bo.shm = (struct rte_vmsg_bell_shm *)(void *)words;
	rule_sizes(&bo, sizeof(bo), make_bell, "bell");
	bo.mmio = &words[2]; /* register fields on a futex bell: refused if read */
	set_sz(&bo, offsetof(struct rte_vmsg_bell_opts, mmio));
	CHECK_EQ(rte_vmsg_bell_create(&bo, &bl), 0);
	rte_vmsg_bell_destroy(bl);
}

/* ------------------------------------------------------------------------ */

static struct rte_vmsg_dev_ops dev_ops;

static int make_dev(const void *opts)
{
	struct rte_vmsg_dev *d = NULL;
	int rc = rte_vmsg_dev_create(opts, &dev_ops, &tmodel_the, &d);

	rte_vmsg_dev_destroy(d);
	return rc;
}

static struct rte_vmsg_dev_opts dev_opts_ok;

static int make_dev_ops(const void *ops)
{
	struct rte_vmsg_dev *d = NULL;
	int rc = rte_vmsg_dev_create(&dev_opts_ok, ops, &tmodel_the, &d);

	rte_vmsg_dev_destroy(d);
	return rc;
}

static void poll_peer(void *arg)
{
	poll_arg_seen = arg;
	rte_vmsg_bus_poll(devb);
}

static int make_drv(const void *opts)
{
	struct rte_vmsg_drv *h = NULL;
	int rc = rte_vmsg_drv_open(drvb, 1, opts, &h);

	rte_vmsg_drv_close(h);
	return rc;
}

static void test_transport(void)
{
	struct rte_vmsg_dev_opts o;
	struct rte_vmsg_drv_opts d;
	struct rte_vmsg_dev *dev = NULL;
	struct rte_vmsg_drv *h = NULL;
	uint32_t status = 1;

	vmsg_util_model_ops(&dev_ops, &tmodel_the, 1);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.dev_num = 1;
	o.max_msg_size = 264;
	dev_opts_ok = o;
	rule_sizes(&o, sizeof(o), make_dev, "dev");
	rule_sizes(&dev_ops, sizeof(dev_ops), make_dev_ops, "dev ops");
	/* An older caller: no bus field; the device stays I/O-free. */
	o.bus = drvb; /* a driver-role bus: refused if read */
	set_sz(&o, offsetof(struct rte_vmsg_dev_opts, bus));
	CHECK_EQ(rte_vmsg_dev_create(&o, &dev_ops, &tmodel_the, &dev), 0);
	CHECK(rte_vmsg_dev_bus(dev) == NULL);
	rte_vmsg_dev_destroy(dev);
	dev = NULL;

	/* The driver side, against that device on the loop bus. */
	set_sz(&o, sizeof(o));
	o.bus = devb;
	o.max_msg_size = 0;
	CHECK_EQ(rte_vmsg_dev_create(&o, &dev_ops, &tmodel_the, &dev), 0);
	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	rule_sizes(&d, sizeof(d), make_drv, "drv");
	d.poll_peer = poll_peer;
	d.poll_peer_arg = (void *)3; /* past sz: poll_peer sees NULL */
	set_sz(&d, offsetof(struct rte_vmsg_drv_opts, poll_peer_arg));
	CHECK_EQ(rte_vmsg_drv_open(drvb, 1, &d, &h), 0);
	CHECK_EQ(rte_vmsg_drv_get_status(h, &status), 0);
	CHECK_EQ(status, 0);
	CHECK(poll_arg_seen == NULL);
	rte_vmsg_drv_close(h);
	rte_vmsg_dev_destroy(dev);
}

/* ------------------------------------------------------------------------ */

#define VQ_N 8u

static int make_vq_dev(const void *opts)
{
	struct rte_vmsg_vq_dev *q = NULL;
	int rc = rte_vmsg_vq_dev_attach(opts, &q);

	rte_vmsg_vq_dev_detach(q);
	return rc;
}

static int make_vq_drv(const void *opts)
{
	struct rte_vmsg_vq_drv *q = NULL;
	int rc = rte_vmsg_vq_drv_create(opts, &q);

	rte_vmsg_vq_drv_destroy(q);
	return rc;
}

static void test_virtq(void)
{
	uint64_t base = rte_vmsg_region_bus_addr(reg);
	struct rte_vmsg_vq_dev_opts o;
	struct rte_vmsg_vq_drv_opts d;
	struct rte_vmsg_vq_dev *q = NULL;
	struct rte_vmsg_vq_drv *dq = NULL;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.size = VQ_N;
	o.desc_addr = base + 4096;
	o.driver_addr = base + 8192;
	o.device_addr = base + 12288;
	o.map = map;
	rule_sizes(&o, sizeof(o), make_vq_dev, "vq dev");
	o.idle_threshold = 7;
	o.max_chain = 70000; /* above 65536: refused if read */
	set_sz(&o, offsetof(struct rte_vmsg_vq_dev_opts, max_chain));
	CHECK_EQ(rte_vmsg_vq_dev_attach(&o, &q), 0);
	rte_vmsg_vq_dev_detach(q);

	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.size = VQ_N;
	d.mem = (uint8_t *)rte_vmsg_region_addr(reg) + 65536;
	d.bus_addr = base + 65536;
	d.mem_len = 65536;
	rule_sizes(&d, sizeof(d), make_vq_drv, "vq drv");
	/*
	 * Every field after idle_threshold is required: a struct that ends
	 * before them reads them as zero and is refused, never used.
	 */
	set_sz(&d, offsetof(struct rte_vmsg_vq_drv_opts, mem_len));
	CHECK_EQ(rte_vmsg_vq_drv_create(&d, &dq), -EINVAL);
	d.policy = 9; /* unknown: refused if read */
	set_sz(&d, offsetof(struct rte_vmsg_vq_drv_opts, policy));
	CHECK_EQ(rte_vmsg_vq_drv_create(&d, &dq), -EINVAL);
}

/* ------------------------------------------------------------------------ */

static int make_net_dev(const void *opts)
{
	struct rte_vmsg_net_dev *n = NULL;
	int rc = rte_vmsg_net_dev_create(opts, &n);

	rte_vmsg_net_dev_destroy(n);
	rte_vmsg_bus_poll(drvb); /* EVENT_DEVICE of each, out of the loop */
	return rc;
}

static int make_net_drv(const void *opts)
{
	struct rte_vmsg_net_drv *n = NULL;
	int rc = rte_vmsg_net_drv_create(opts, &n);

	rte_vmsg_net_drv_destroy(n);
	return rc;
}

static struct rte_vmsg_net_dev *net_served;

static void net_poll_peer(void *arg)
{
	(void)arg;
	rte_vmsg_bus_poll(devb);
	rte_vmsg_net_dev_service(net_served);
}

static void test_net(void)
{
	struct rte_vmsg_net_dev_opts o;
	struct rte_vmsg_net_drv_opts d;
	struct rte_vmsg_net_dev *nd = NULL;
	struct rte_vmsg_net_drv *dv = NULL;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = devb;
	o.map = map;
	o.dev_num = 2;
	rule_sizes(&o, sizeof(o), make_net_dev, "net dev");
	o.features = 1ull << 63; /* not offered by this device model: refused if read */
	set_sz(&o, offsetof(struct rte_vmsg_net_dev_opts, features));
	CHECK_EQ(rte_vmsg_net_dev_create(&o, &nd), 0);
	rte_vmsg_bus_poll(drvb);
	if (nd == NULL)
		return;
	net_served = nd;

	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.bus = drvb;
	d.dev_num = 2;
	d.dma_addr = (uint8_t *)rte_vmsg_region_addr(reg) + 131072;
	d.dma_bus_addr = rte_vmsg_region_bus_addr(reg) + 131072;
	d.dma_size = MEM_LEN - 131072;
	d.timeout_ns = 1000000000ull;
	d.poll_peer = net_poll_peer;
	rule_sizes(&d, sizeof(d), make_net_drv, "net drv");
	d.poll_peer_arg = (void *)3;
	set_sz(&d, offsetof(struct rte_vmsg_net_drv_opts, poll_peer_arg));
	CHECK_EQ(rte_vmsg_net_drv_create(&d, &dv), 0);
	rte_vmsg_net_drv_destroy(dv);
	rte_vmsg_net_dev_destroy(nd);
	rte_vmsg_bus_poll(drvb);
}

int main(void)
{
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_bus_opts bo;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_MEMFD;
	ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE;
	ro.size = MEM_LEN;
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.capacity = 1024;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	if (rte_vmsg_region_create(&ro, &reg) != 0 || rte_vmsg_memmap_create(&map) != 0 ||
	    rte_vmsg_memmap_add(map, reg) != 0 || rte_vmsg_bus_loop_create(&lo, &loop) != 0)
		return 1;
	bo.role = RTE_VMSG_BUS_DRIVER;
	if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(loop, 0),
				&drvb) != 0)
		return 1;
	bo.role = RTE_VMSG_BUS_DEVICE;
	if (rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(loop, 1),
				&devb) != 0)
		return 1;
	test_region();
	test_bus();
	test_shm();
	test_amp_ring();
	test_transport();
	test_virtq();
	test_net();
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_loop_destroy(loop);
	rte_vmsg_memmap_destroy(map);
	rte_vmsg_region_destroy(reg);
	return vtest_done("test_opts");
}
