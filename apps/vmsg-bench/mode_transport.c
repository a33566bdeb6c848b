/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * transport: the request round trip through the whole stack. Side 0 is a
 * driver (a driver-role bus on the shm backend and an rte_vmsg_drv handle)
 * that submits GET_DEVICE_STATUS or a 32-byte GET_CONFIG with the _async
 * calls and polls its bus until the completion ran; side 1 is a device
 * (a device-role bus on the other end of the same shm file and one
 * rte_vmsg_dev with 64 bytes of config space) that polls its bus. Both ends
 * are made, linked and the handle's GET_DEVICE_INFO done before the sides
 * start; the sides are always threads (the bus objects are this process's).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_transport.h>

#include "bench.h"

#define TP_CONFIG_SIZE 64u
#define TP_CONFIG_READ 32u
#define TP_DEV_NUM 1u
#define TP_SETUP_NS 2000000000ull

struct tp_model {
	uint8_t cfg[TP_CONFIG_SIZE];
};

/* One request's completion, written by the bus callback on side 0. */
struct tp_done {
	int done;
	int status;
};

struct tp_args {
	enum bench_test test;
	uint64_t count; /* round trips, timed */
	uint64_t warmup;
	uint64_t *ticks;	   /* side 0 */
	struct bench_run *out;	   /* side 0 */
	struct rte_vmsg_bus *drvb; /* side 0 */
	struct rte_vmsg_drv *drv;  /* side 0 */
	struct rte_vmsg_bus *devb; /* side 1 */
	uint32_t stop;		   /* side 0 sets it (release) when done; side 1 stops */
	uint32_t err;		   /* the first wrong answer, for the report */
};

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int tp_config_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
	struct tp_model *m = ctx;

	memcpy(buf, m->cfg + offset, len);
	return 0;
}

static void tp_on_done(void *arg, int status)
{
	struct tp_done *d = arg;

	d->status = status;
	d->done = 1;
}

/* ------------------------------------------------------------------------ */
/* The sides.                                                                */

/* @p n round trips; with @p ticks, each one's TSC ticks. 0, or -1 after saying why. */
static int tp_rounds(struct bench_side *s, struct tp_args *a, uint64_t n, uint64_t *ticks,
		     struct bench_wait *w)
{
	uint8_t cfg[TP_CONFIG_READ] __attribute__((aligned(64)));
	struct tp_done d;
	uint32_t status = 0, gen = 0;
	uint64_t i, t0, t1, spins = 0;
	int rc;

	for (i = 0; i < n; i++) {
		d.done = 0;
		d.status = 0;
		t0 = rte_vmsg_tsc();
		if (a->test == BENCH_GET_STATUS)
			rc = rte_vmsg_drv_get_status_async(a->drv, &status, tp_on_done, &d);
		else
			rc = rte_vmsg_drv_get_config_async(a->drv, 0, TP_CONFIG_READ, cfg, &gen,
							   tp_on_done, &d);
		if (rc < 0) {
			bench_fail(s, "request %llu: submit failed (%s)", (unsigned long long)i,
				   strerror(-rc));
			return -1;
		}
		for (;;) {
			rc = rte_vmsg_bus_poll(a->drvb);
			if (rc < 0) {
				bench_fail(s, "rte_vmsg_bus_poll(driver): %s", strerror(-rc));
				return -1;
			}
			if (d.done)
				break;
			if (rc > 0) {
				bench_progress(&spins);
				continue;
			}
			rc = bench_idle(w, &spins);
			if (rc < 0) {
				bench_fail(s, "request %llu: no answer (%s)", (unsigned long long)i,
					   bench_why(rc));
				return -1;
			}
		}
		t1 = rte_vmsg_tsc();
		bench_progress(&spins);
		if (ticks != NULL)
			ticks[i] = t1 - t0;
		if (d.status < 0) {
			bench_fail(s, "request %llu failed: %s", (unsigned long long)i,
				   strerror(-d.status));
			return -1;
		}
		/* The device was never initialised: its status reads 0; config byte k is k. */
		if (a->test == BENCH_GET_STATUS ? status != 0
						: cfg[TP_CONFIG_READ - 1] != TP_CONFIG_READ - 1) {
			a->err = 1;
			bench_fail(s, "request %llu: wrong answer", (unsigned long long)i);
			return -1;
		}
	}
	return 0;
}

static int tp_driver(struct bench_side *s, struct tp_args *a)
{
	struct bench_wait w;
	uint64_t start;
	double cpu0;
	int rc;

	bench_wait_init(&w, s);
	if (bench_start_line(s) < 0)
		return -1;
	rc = tp_rounds(s, a, a->warmup, NULL, &w);
	if (rc == 0) {
		cpu0 = thread_cpu_ns();
		start = rte_vmsg_tsc();
		rc = tp_rounds(s, a, a->count, a->ticks, &w);
		a->out->real_ns = (double)(rte_vmsg_tsc() - start) * 1e9 / (double)s->tsc_hz;
		a->out->cpu_ns = thread_cpu_ns() - cpu0;
		a->out->iterations = a->count;
	}
	/* Pairs with the acquire in tp_device(). */
	bench_store_release(&a->stop, 1u);
	return rc;
}

static int tp_device(struct bench_side *s, struct tp_args *a)
{
	struct bench_wait w;
	uint64_t spins = 0;
	int rc;

	bench_wait_init(&w, s);
	if (bench_start_line(s) < 0)
		return -1;
	while (!bench_load_acquire(&a->stop)) {
		rc = rte_vmsg_bus_poll(a->devb);
		if (rc < 0) {
			bench_fail(s, "rte_vmsg_bus_poll(device): %s", strerror(-rc));
			return -1;
		}
		if (rc > 0) {
			bench_progress(&spins);
			continue;
		}
		rc = bench_idle(&w, &spins);
		if (rc < 0) {
			if (bench_load_acquire(&a->stop))
				break;
			bench_fail(s, "no request (%s)", bench_why(rc));
			return -1;
		}
	}
	return 0;
}

static int tp_side(struct bench_side *s)
{
	struct tp_args *a = s->arg;

	return s->side == 0 ? tp_driver(s, a) : tp_device(s, a);
}

/* ------------------------------------------------------------------------ */
/* Set-up, before the sides start: both ends in this thread.                 */

struct tp_stack {
	struct rte_vmsg_bus_shm *sdev, *sdrv;
	struct rte_vmsg_bus *devb, *drvb;
	struct rte_vmsg_dev *dev;
	struct rte_vmsg_drv *drv;
	struct tp_model model;
};

/* Polls both buses until @p flag is set or 2 s passed. */
static int tp_pump(struct tp_stack *t, const int *flag)
{
	uint64_t end = rte_vmsg_time_ns() + TP_SETUP_NS;

	while (!*flag && rte_vmsg_time_ns() < end) {
		rte_vmsg_bus_poll(t->devb);
		rte_vmsg_bus_poll(t->drvb);
	}
	return *flag ? 0 : -ETIMEDOUT;
}

static void tp_path(const struct bench_cfg *cfg, char *buf, size_t cap)
{
	if (strcmp(cfg->hugepages, "auto") == 0)
		snprintf(buf, cap, "vmsg_bench_tp_%d", (int)getpid());
	else if (strcmp(cfg->hugepages, "none") == 0)
		snprintf(buf, cap, "/dev/shm/vmsg_bench_tp_%d", (int)getpid());
	else
		snprintf(buf, cap, "%s/vmsg_bench_tp_%d", cfg->hugepages, (int)getpid());
}

static void tp_down(struct tp_stack *t)
{
	rte_vmsg_drv_close(t->drv);
	rte_vmsg_bus_destroy(t->drvb);
	rte_vmsg_bus_destroy(t->devb);
	rte_vmsg_dev_destroy(t->dev);
	rte_vmsg_bus_shm_destroy(t->sdrv);
	rte_vmsg_bus_shm_destroy(t->sdev);
}

static int tp_up(const struct bench_env *env, const struct bench_case *c, struct tp_stack *t)
{
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev_opts dop;
	struct rte_vmsg_dev_info info;
	struct tp_done d;
	uint64_t end;
	char path[300];
	const char *what;
	uint32_t k;
	int rc, sa = 0, sb = 0;

	for (k = 0; k < TP_CONFIG_SIZE; k++)
		t->model.cfg[k] = (uint8_t)k;
	tp_path(env->cfg, path, sizeof(path));
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_UNLINK;
	if (strcmp(env->cfg->hugepages, "auto") != 0 && strcmp(env->cfg->hugepages, "none") != 0)
		so.flags |= RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
	so.dma_size = 4096;
	so.num_elems = c->elems;
	so.elem_size = c->elem_size;
	so.format = (uint32_t)c->format;
	what = "rte_vmsg_bus_shm_create(device)";
	rc = rte_vmsg_bus_shm_create(&so, &t->sdev);
	if (rc < 0)
		goto fail;
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DRIVER;
	so.flags = RTE_VMSG_BUS_SHM_F_ADOPT;
	what = "rte_vmsg_bus_shm_create(driver)";
	rc = rte_vmsg_bus_shm_create(&so, &t->sdrv);
	if (rc < 0)
		goto fail;
	end = rte_vmsg_time_ns() + TP_SETUP_NS;
	while (rte_vmsg_time_ns() < end) {
		sa = rte_vmsg_bus_shm_poll(t->sdev);
		sb = rte_vmsg_bus_shm_poll(t->sdrv);
		if (sa == RTE_VMSG_LINK_UP && sb == RTE_VMSG_LINK_UP)
			break;
	}
	what = "the shm link handshake";
	rc = -ETIMEDOUT;
	if (sa != RTE_VMSG_LINK_UP || sb != RTE_VMSG_LINK_UP)
		goto fail;

	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	what = "rte_vmsg_bus_create(device)";
	rc = rte_vmsg_bus_shm_bus_opts(t->sdev, &bo);
	if (rc == 0)
		rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_shm_ops(), t->sdev, &t->devb);
	if (rc < 0)
		goto fail;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	what = "rte_vmsg_bus_create(driver)";
	rc = rte_vmsg_bus_shm_bus_opts(t->sdrv, &bo);
	if (rc == 0)
		rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_shm_ops(), t->sdrv, &t->drvb);
	if (rc < 0)
		goto fail;

	memset(&ops, 0, sizeof(ops));
	ops.sz = sizeof(ops);
	ops.device_id = 1;
	ops.vendor_id = 0x1af4;
	ops.config_size = TP_CONFIG_SIZE;
	ops.config_read = tp_config_read;
	memset(&dop, 0, sizeof(dop));
	dop.sz = sizeof(dop);
	dop.dev_num = TP_DEV_NUM;
	dop.max_msg_size = rte_vmsg_bus_max_msg_size(t->devb);
	dop.transport_features = rte_vmsg_bus_transport_features(t->devb);
	what = "rte_vmsg_dev_create";
	rc = rte_vmsg_dev_create(&dop, &ops, &t->model, &t->dev);
	if (rc < 0)
		goto fail;
	what = "rte_vmsg_bus_dev_register";
	rc = rte_vmsg_bus_dev_register(t->devb, t->dev);
	if (rc < 0)
		goto fail;
	what = "rte_vmsg_drv_open";
	rc = rte_vmsg_drv_open(t->drvb, TP_DEV_NUM, NULL, &t->drv);
	if (rc < 0)
		goto fail;
	/* GET_CONFIG needs GET_DEVICE_INFO first (the config size). */
	memset(&d, 0, sizeof(d));
	what = "GET_DEVICE_INFO";
	rc = rte_vmsg_drv_get_info_async(t->drv, &info, tp_on_done, &d);
	if (rc == 0)
		rc = tp_pump(t, &d.done);
	if (rc == 0)
		rc = d.status;
	if (rc < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "vmsg-bench: transport set-up, %s (%s): %s\n", what, path, strerror(-rc));
	tp_down(t);
	memset(t, 0, sizeof(*t));
	return -1;
}

int transport_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	struct tp_stack t;
	struct tp_args a;
	int rc;

	if (env->cfg->procs) {
		fprintf(stderr, "vmsg-bench: mode transport runs its sides as threads only "
				"(not with --procs)\n");
		return -1;
	}
	memset(&t, 0, sizeof(t));
	if (tp_up(env, c, &t) < 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.test = c->test;
	a.count = env->cfg->samples;
	a.warmup = bench_warmup(a.count);
	a.ticks = env->ticks;
	a.out = out;
	a.drvb = t.drvb;
	a.drv = t.drv;
	a.devb = t.devb;
	c->msg_bytes = c->test == BENCH_GET_STATUS ? 12 : 20 + TP_CONFIG_READ;
	rc = bench_pair_run(env, tp_side, &a);
	tp_down(&t);
	if (rc < 0)
		return -1;
	bench_latency_stats(env->ticks, a.count, env->tsc_hz, out);
	out->mps = (double)a.count * 1e9 / out->real_ns;
	return 0;
}
