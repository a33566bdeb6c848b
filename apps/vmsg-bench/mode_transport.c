/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * transport: the whole stack over the shm backend, each end made by its own
 * side (thread or process). Side 0 is the driver and measures: request round
 * trips (GET_DEVICE_STATUS, a 32-byte GET_CONFIG), init1000 (enumerate and
 * initialise 1000 devices with the synchronous calls) and init1000async (the
 * same with the asynchronous calls). Side 1 is the device end: it creates
 * the file.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_ring.h>
#include <rte_vmsg_transport.h>

#include "vmsg_util.h"

#include "bench.h"

#define TP_CONFIG_SIZE 64u
#define TP_CONFIG_READ 32u
#define TP_DEV_NUM 1u	   /* the one device of the round-trip tests */
#define TP_DMA_SMALL 4096u /* round trips: no queue, the smallest DMA area */

/*
 * init1000: 1000 devices numbered 0..999, each with 64 B of config and two
 * queues of 256 entries. Each queue gets TP_VQ_STRIDE bytes of the DMA area:
 * the descriptor table (16 B per entry) at 0, the driver area (6 + 2 per
 * entry) at 4096, the device area (6 + 8 per entry) at 4608.
 */
#define TP_INIT_DEVS 1000u
#define TP_INIT_QUEUES 2u
#define TP_INIT_QSIZE 256u
#define TP_VQ_STRIDE 8192u
#define TP_VQ_DRIVER 4096u
#define TP_VQ_DEVICE 4608u
#define TP_DMA_INIT ((uint64_t)TP_INIT_DEVS * TP_INIT_QUEUES * TP_VQ_STRIDE)

/*
 * init1000async: the driver bus's in-flight table (its default, 256, would
 * hold a quarter of the devices). Each device has one request in flight at
 * a time, so the devices in flight are bounded by this and by the link's
 * capacity (N - 1 frames): then no request ever finds either full.
 */
#define TP_ASYNC_INFLIGHT 1024u

/* Offered: bits 0 and 5 (device type), 32 (VERSION_1) and 35; wanted: 0 and 32. */
static const uint32_t tp_offered[2] = { 0x21u, 0x9u };
static const uint32_t tp_wanted[2] = { 0x1u, 0x1u };

/* Idle spins between two looks at rte_vmsg_bus_connected() of a waiting device end. */
#define TP_CTL_SPINS 0xffffu

/* The words both sides see, at the start of the measurement area. */
struct tp_shared {
	uint32_t stop; /* side 0 sets it (release) when done; side 1 then stops */
	uint8_t pad[60];
};

/* What the device end answers from: config byte k is k; queue checks. */
struct tp_model {
	struct vmsg_util_model model; /* first: the config_read hook's context is this struct */
	uint8_t cfg[TP_CONFIG_SIZE];
	uint64_t dma_lo, dma_hi; /* the DMA area, bus addresses [lo, hi) */
	uint32_t enabled;	 /* queues enabled */
	uint32_t bad;		 /* queues refused: an area outside the DMA area */
};

/* A completion, written by a bus callback on side 0. */
struct tp_done {
	int done;
	int status;
	uint32_t ndevs;
};

/* The mode's arguments (a child process has a copy: side 0 writes only its own). */
struct tp_args {
	enum bench_test test;
	char path[300];	    /* the file, as given to both ends */
	uint32_t elems;	    /* link elements per direction */
	uint32_t elem_size; /* 64 */
	int format;	    /* enum rte_vmsg_link_format */
	uint32_t shm_flags; /* the page flags of --hugepages (bench_shm_path()) */
	uint64_t dma_size;
	uint64_t count; /* round trips, timed */
	uint64_t warmup;
	uint64_t *ticks;       /* side 0: one per round trip */
	uint64_t *dev_ticks;   /* side 0, init1000: one per device */
	struct bench_run *out; /* side 0 */
	char attached[256];    /* side 0: the file as the driver end found it */
};

/* init1000async: one device, walked from init to DRIVER_OK by its completions. */
struct tp_flow {
	struct tp_async *as;
	struct rte_vmsg_drv *drv;
	uint64_t dma; /* its queues' area */
	uint64_t t0;  /* TSC at its start */
	uint64_t *tick;
	uint32_t neg[2];
	uint16_t num;
	int stage; /* 0 init, 1 and 2 the queues, 3 DRIVER_OK */
};

/* init1000async: the devices in flight. */
struct tp_async {
	uint32_t running;  /* devices started, not finished */
	uint32_t finished; /* devices at DRIVER_OK */
	int err;	   /* the first error, 0 */
	const char *what;  /* its call */
	uint16_t err_num;  /* its device */
};

/* The driver end (side 0). */
struct tp_drv_end {
	struct bench_side *s;
	struct rte_vmsg_bus_shm *shm;
	struct rte_vmsg_bus *bus;
};

/*
 * bench_fail() with the end's role: in this mode side 0 is the driver end.
 * Sets the abort word first (relaxed, as bench_fail() does: the other side
 * only stops on it, at its next idle check), so that it stops waiting.
 */
static __attribute__((format(printf, 2, 3))) void tp_fail(struct bench_side *s, const char *fmt,
							  ...)
{
	va_list ap;

	__atomic_store_n(&s->ctl->abort, 1u, __ATOMIC_RELAXED);
	if (bench_progress_tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "vmsg-bench: transport, %s end: ", s->side == 0 ? "driver" : "device");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int tp_in_dma(const struct tp_model *m, uint64_t addr, uint64_t len)
{
	return addr >= m->dma_lo && addr <= m->dma_hi && len <= m->dma_hi - addr;
}

/* Every area of an enabled queue must lie inside the DMA area of the file. */
static int tp_queue_enable(void *ctx, uint32_t index, const struct rte_vmsg_dev_vq *vq)
{
	struct tp_model *m = ctx;
	uint64_t n = vq->size;

	(void)index;
	if (!tp_in_dma(m, vq->desc_addr, 16 * n) || !tp_in_dma(m, vq->driver_addr, 6 + 2 * n) ||
	    !tp_in_dma(m, vq->device_addr, 6 + 8 * n)) {
		m->bad++;
		return RTE_VMSG_DEV_VQ_REFUSE; /* nothing stored, as before */
	}
	m->enabled++;
	return 0;
}

static void tp_on_done(void *arg, int status)
{
	struct tp_done *d = arg;

	d->status = status;
	d->done = 1;
}

static void tp_on_enum(void *arg, int status, uint32_t ndevs)
{
	struct tp_done *d = arg;

	d->status = status;
	d->ndevs = ndevs;
	d->done = 1;
}

static struct tp_shared *tp_sh(const struct bench_side *s)
{
	return (struct tp_shared *)(void *)s->area;
}

/* ------------------------------------------------------------------------ */
/* Driver end (side 0)                                                      */

/* Polls the driver bus until @p d is done. 0, or -1 after saying why. */
static int tp_wait(struct tp_drv_end *e, struct tp_done *d, struct bench_wait *w, const char *what)
{
	uint64_t spins = 0;
	int rc;

	for (;;) {
		rc = rte_vmsg_bus_poll(e->bus);
		if (rc < 0) {
			tp_fail(e->s, "%s: rte_vmsg_bus_poll(driver): %s", what, strerror(-rc));
			return -1;
		}
		if (d->done)
			return 0;
		if (rc > 0) {
			bench_progress(&spins);
			continue;
		}
		rc = bench_idle(w, &spins);
		if (rc < 0) {
			tp_fail(e->s, "%s: no answer (%s)", what, bench_why(rc));
			return -1;
		}
	}
}

/*
 * The bus's control path fails what is in flight with -ECONNRESET when the
 * device end dies or leaves, with its errno when the link breaks.
 */
static const char *tp_status_why(const struct tp_drv_end *e, int status)
{
	if (status == -ECONNRESET || rte_vmsg_bus_connected(e->bus) != 1)
		return "the device end died or left";
	return strerror(-status);
}

/* @p n round trips; with @p ticks, each one's TSC ticks. 0, or -1 after saying why. */
static int tp_rounds(struct tp_drv_end *e, struct tp_args *a, struct rte_vmsg_drv *drv, uint64_t n,
		     uint64_t *ticks, struct bench_wait *w)
{
	uint8_t cfg[TP_CONFIG_READ] __attribute__((aligned(64)));
	struct tp_done d;
	uint32_t status = 0, gen = 0;
	uint64_t i, t0, t1;
	int rc;

	for (i = 0; i < n; i++) {
		d.done = 0;
		d.status = 0;
		t0 = rte_vmsg_tsc();
		if (a->test == BENCH_GET_STATUS)
			rc = rte_vmsg_drv_get_status_async(drv, &status, tp_on_done, &d);
		else
			rc = rte_vmsg_drv_get_config_async(drv, 0, TP_CONFIG_READ, cfg, &gen,
							   tp_on_done, &d);
		if (rc < 0) {
			tp_fail(e->s, "request %llu: submit failed (%s)", (unsigned long long)i,
				strerror(-rc));
			return -1;
		}
		if (tp_wait(e, &d, w, "request") < 0)
			return -1;
		t1 = rte_vmsg_tsc();
		if (ticks != NULL)
			ticks[i] = t1 - t0;
		if (d.status < 0) {
			tp_fail(e->s, "request %llu failed: %s", (unsigned long long)i,
				tp_status_why(e, d.status));
			return -1;
		}
		/* The device was never initialised: its status reads 0; config byte k is k. */
		if (a->test == BENCH_GET_STATUS ? status != 0
						: cfg[TP_CONFIG_READ - 1] != TP_CONFIG_READ - 1) {
			tp_fail(e->s, "request %llu: wrong answer", (unsigned long long)i);
			return -1;
		}
	}
	return 0;
}

/* GET_DEVICE_STATUS or GET_CONFIG round trips on device TP_DEV_NUM. */
static int tp_rtt(struct tp_drv_end *e, struct tp_args *a)
{
	struct rte_vmsg_dev_info info;
	struct rte_vmsg_drv *drv = NULL;
	struct bench_wait w;
	struct tp_done d;
	uint64_t start;
	double cpu0;
	int rc;

	bench_wait_init(&w, e->s);
	rc = rte_vmsg_drv_open(e->bus, TP_DEV_NUM, NULL, &drv);
	if (rc < 0) {
		tp_fail(e->s, "rte_vmsg_drv_open: %s", strerror(-rc));
		return -1;
	}
	/* GET_CONFIG needs GET_DEVICE_INFO first (the config size). */
	memset(&d, 0, sizeof(d));
	rc = rte_vmsg_drv_get_info_async(drv, &info, tp_on_done, &d);
	if (rc < 0) {
		tp_fail(e->s, "GET_DEVICE_INFO: %s", strerror(-rc));
		goto out;
	}
	rc = tp_wait(e, &d, &w, "GET_DEVICE_INFO");
	if (rc == 0 && d.status < 0) {
		tp_fail(e->s, "GET_DEVICE_INFO: %s", tp_status_why(e, d.status));
		rc = -1;
	}
	if (rc == 0)
		rc = tp_rounds(e, a, drv, a->warmup, NULL, &w);
	if (rc == 0) {
		struct bench_perf_ctx perf;

		bench_perf_begin(&perf);
		cpu0 = bench_thread_cpu_ns();
		start = rte_vmsg_tsc();
		rc = tp_rounds(e, a, drv, a->count, a->ticks, &w);
		start = rte_vmsg_tsc() - start;
		cpu0 = bench_thread_cpu_ns() - cpu0;
		/* Before the results are stored: their page is copy-on-write after a fork. */
		bench_perf_end(&perf, a->out);
		a->out->real_ns = (double)start * 1e9 / (double)e->s->tsc_hz;
		a->out->cpu_ns = cpu0;
		a->out->iterations = a->count;
	}
out:
	rte_vmsg_drv_close(drv);
	return rc < 0 ? -1 : 0;
}

/* Open, init, both queues, DRIVER_OK: device @p num, the @p k-th, with synchronous calls. */
static int tp_init_one(struct tp_drv_end *e, uint16_t num, uint32_t k, uint64_t dma,
		       struct rte_vmsg_drv **out)
{
	struct rte_vmsg_drv_opts o;
	uint32_t neg[2], q;
	const char *what;
	uint64_t b;
	int rc;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	what = "rte_vmsg_drv_open";
	rc = rte_vmsg_drv_open(e->bus, num, &o, out);
	if (rc < 0)
		goto fail;
	what = "rte_vmsg_drv_init";
	rc = rte_vmsg_drv_init(*out, tp_wanted, 2, neg);
	if (rc < 0)
		goto fail;
	for (q = 0; q < TP_INIT_QUEUES; q++) {
		b = dma + ((uint64_t)k * TP_INIT_QUEUES + q) * TP_VQ_STRIDE;
		what = "rte_vmsg_drv_vq_setup";
		rc = rte_vmsg_drv_vq_setup(*out, q, TP_INIT_QSIZE, b, b + TP_VQ_DRIVER,
					   b + TP_VQ_DEVICE);
		if (rc < 0)
			goto fail;
	}
	what = "rte_vmsg_drv_driver_ok";
	rc = rte_vmsg_drv_driver_ok(*out);
	if (rc < 0)
		goto fail;
	if (neg[0] != tp_wanted[0] || neg[1] != tp_wanted[1]) {
		tp_fail(e->s, "device %u: negotiated features %#x %#x, expected %#x %#x", num,
			neg[0], neg[1], tp_wanted[0], tp_wanted[1]);
		return -1;
	}
	return 0;
fail:
	tp_fail(e->s, "device %u: %s: %s", num, what, tp_status_why(e, rc));
	return -1;
}

static void tp_flow_next(void *arg, int status);

/* Starts the device's next stage (its completion is tp_flow_next()); 0 or -errno. */
static int tp_flow_start(struct tp_flow *f)
{
	uint64_t b;

	switch (f->stage) {
	case 0:
		f->as->what = "rte_vmsg_drv_init_async";
		return rte_vmsg_drv_init_async(f->drv, tp_wanted, 2, f->neg, tp_flow_next, f);
	case 1:
	case 2:
		b = f->dma + (uint64_t)(f->stage - 1) * TP_VQ_STRIDE;
		f->as->what = "rte_vmsg_drv_vq_setup_async";
		return rte_vmsg_drv_vq_setup_async(f->drv, (uint32_t)f->stage - 1u, TP_INIT_QSIZE,
						   b, b + TP_VQ_DRIVER, b + TP_VQ_DEVICE,
						   tp_flow_next, f);
	default:
		f->as->what = "rte_vmsg_drv_driver_ok_async";
		return rte_vmsg_drv_driver_ok_async(f->drv, tp_flow_next, f);
	}
}

/* A device ends: at DRIVER_OK (@p rc 0), or failed. */
static void tp_flow_end(struct tp_flow *f, int rc)
{
	struct tp_async *as = f->as;

	as->running--;
	if (rc == 0 && (f->neg[0] != tp_wanted[0] || f->neg[1] != tp_wanted[1])) {
		as->what = "negotiated features";
		rc = -EPROTO;
	}
	if (rc < 0) {
		if (as->err == 0) {
			as->err = rc;
			as->err_num = f->num;
		}
		return;
	}
	*f->tick = rte_vmsg_tsc() - f->t0;
	as->finished++;
}

/* A stage completed (inside the bus poll): the next one starts from here. */
static void tp_flow_next(void *arg, int status)
{
	struct tp_flow *f = arg;
	int rc = status;

	if (rc == 0 && ++f->stage <= 3) {
		rc = tp_flow_start(f);
		if (rc == 0)
			return;
	}
	tp_flow_end(f, rc);
}

/*
 * init1000async: open each device and start its init with the asynchronous
 * calls, up to @p window devices in flight; each device's stages start from
 * the previous one's completion. 0 when all @p n are at DRIVER_OK, or -1
 * after saying why.
 */
static int tp_init_async(struct tp_drv_end *e, struct tp_args *a, const uint16_t *nums, uint32_t n,
			 uint32_t window, uint64_t dma, struct rte_vmsg_drv **h,
			 struct bench_wait *w)
{
	struct tp_flow *fl = calloc(n, sizeof(*fl));
	struct tp_async as;
	uint64_t spins = 0;
	uint32_t next = 0;
	int rc;

	if (fl == NULL) {
		tp_fail(e->s, "out of memory");
		return -1;
	}
	memset(&as, 0, sizeof(as));
	for (;;) {
		while (as.err == 0 && as.running < window && next < n) {
			struct tp_flow *f = &fl[next];

			f->as = &as;
			f->num = nums[next];
			f->dma = dma + (uint64_t)next * TP_INIT_QUEUES * TP_VQ_STRIDE;
			f->tick = &a->dev_ticks[next];
			f->t0 = rte_vmsg_tsc();
			as.what = "rte_vmsg_drv_open";
			rc = rte_vmsg_drv_open(e->bus, f->num, NULL, &h[next]);
			if (rc == 0) {
				f->drv = h[next];
				rc = tp_flow_start(f);
			}
			if (rc < 0) {
				as.err = rc;
				as.err_num = f->num;
				break;
			}
			as.running++;
			next++;
		}
		if (as.err != 0 || as.finished == n)
			break;
		rc = rte_vmsg_bus_poll(e->bus);
		if (rc < 0) {
			tp_fail(e->s, "init: rte_vmsg_bus_poll(driver): %s", strerror(-rc));
			free(fl);
			return -1;
		}
		if (rc > 0) {
			bench_progress(&spins);
			continue;
		}
		rc = bench_idle(w, &spins);
		if (rc < 0) {
			tp_fail(e->s, "init: no answer (%s)", bench_why(rc));
			free(fl);
			return -1;
		}
	}
	free(fl);
	if (as.err != 0) {
		tp_fail(e->s, "device %u: %s: %s", as.err_num, as.what, tp_status_why(e, as.err));
		return -1;
	}
	return 0;
}

/*
 * init1000: enumerate (GET_DEVICES windows), then open and initialise every
 * device found. init1000: one at a time, with the synchronous calls (each
 * waits for its answers: nothing is pipelined). init1000async: the same
 * flow with the asynchronous calls, the devices in flight together.
 */
static int tp_init1000(struct tp_drv_end *e, struct tp_args *a)
{
	struct rte_vmsg_bus_stats st0, st1, st2;
	struct rte_vmsg_drv **h = NULL;
	struct bench_run *out = a->out;
	uint16_t nums[TP_INIT_DEVS];
	uint8_t *bitmap = NULL;
	uint64_t dma = 0, dma_size = 0, t0, t1, t2, t3, ti, tw;
	struct bench_wait w;
	struct tp_done d;
	uint32_t n, k = 0, window;
	struct bench_perf_ctx perf;
	double cpu0;
	int rc = -1;

	bench_wait_init(&w, e->s);
	bitmap = malloc(RTE_VMSG_BUS_DEV_BITMAP_SIZE);
	h = calloc(TP_INIT_DEVS, sizeof(*h));
	if (bitmap == NULL || h == NULL) {
		tp_fail(e->s, "out of memory");
		goto out;
	}
	rte_vmsg_bus_shm_dma(e->shm, NULL, &dma, &dma_size);
	if (dma_size < TP_DMA_INIT) {
		tp_fail(e->s, "the DMA area has %llu bytes, %llu needed",
			(unsigned long long)dma_size, (unsigned long long)TP_DMA_INIT);
		goto out;
	}

	memset(&d, 0, sizeof(d));
	rte_vmsg_bus_stats_get(e->bus, &st0);
	t0 = rte_vmsg_tsc();
	rc = rte_vmsg_bus_enumerate(e->bus, bitmap, tp_on_enum, &d);
	if (rc < 0) {
		tp_fail(e->s, "rte_vmsg_bus_enumerate: %s", strerror(-rc));
		goto out;
	}
	rc = tp_wait(e, &d, &w, "enumerate");
	t1 = rte_vmsg_tsc();
	if (rc < 0)
		goto out;
	if (d.status < 0 || d.ndevs != TP_INIT_DEVS) {
		tp_fail(e->s, "enumerate: %s, %u devices found",
			d.status < 0 ? tp_status_why(e, d.status) : "done", d.ndevs);
		rc = -1;
		goto out;
	}
	/* Once more, warm: the first one pays for first touches on both ends. */
	memset(&d, 0, sizeof(d));
	tw = rte_vmsg_tsc();
	rc = rte_vmsg_bus_enumerate(e->bus, bitmap, tp_on_enum, &d);
	if (rc < 0) {
		tp_fail(e->s, "rte_vmsg_bus_enumerate: %s", strerror(-rc));
		goto out;
	}
	rc = tp_wait(e, &d, &w, "enumerate");
	out->enum_warm_ns = (double)(rte_vmsg_tsc() - tw) * 1e9 / (double)e->s->tsc_hz;
	if (rc < 0)
		goto out;
	if (d.status < 0 || d.ndevs != TP_INIT_DEVS) {
		tp_fail(e->s, "enumerate again: %s, %u devices found",
			d.status < 0 ? tp_status_why(e, d.status) : "done", d.ndevs);
		rc = -1;
		goto out;
	}
	rte_vmsg_bus_stats_get(e->bus, &st1);

	/* The devices found, in order (not timed: the bitmap is the enumeration's). */
	for (n = 0; n < 65536u; n++) {
		if ((bitmap[n / 8] & (1u << (n % 8))) == 0)
			continue;
		if (k == TP_INIT_DEVS || n >= TP_INIT_DEVS) {
			tp_fail(e->s, "enumeration found device %u, not one of 0..%u", n,
				TP_INIT_DEVS - 1);
			rc = -1;
			goto out;
		}
		nums[k++] = (uint16_t)n;
	}
	/* init1000async: as many in flight as the bus and the link carry. */
	window = TP_INIT_DEVS;
	if (window > TP_ASYNC_INFLIGHT)
		window = TP_ASYNC_INFLIGHT;
	if (window > a->elems - 1)
		window = a->elems - 1;
	out->window = a->test == BENCH_INIT1000_ASYNC ? window : 1;

	bench_perf_begin(&perf);
	cpu0 = bench_thread_cpu_ns();
	t2 = rte_vmsg_tsc();
	if (a->test == BENCH_INIT1000_ASYNC) {
		rc = tp_init_async(e, a, nums, k, window, dma, h, &w);
	} else {
		for (n = 0; n < k && rc == 0; n++) {
			ti = rte_vmsg_tsc();
			rc = tp_init_one(e, nums[n], n, dma, &h[n]);
			a->dev_ticks[n] = rte_vmsg_tsc() - ti;
		}
	}
	t3 = rte_vmsg_tsc();
	cpu0 = bench_thread_cpu_ns() - cpu0;
	bench_perf_end(&perf, out);
	out->cpu_ns = cpu0;
	rte_vmsg_bus_stats_get(e->bus, &st2);
	if (rc < 0)
		goto out;

	out->devices = k;
	out->enum_ns = (double)(t1 - t0) * 1e9 / (double)e->s->tsc_hz;
	out->enum_requests = (uint32_t)(st1.requests - st0.requests) / 2;
	out->requests_per_device = (double)(st2.requests - st1.requests) / (double)k;
	bench_latency_stats(a->dev_ticks, k, e->s->tsc_hz, out);
	out->iterations = k;
	out->real_ns = (double)(t3 - t2) * 1e9 / (double)e->s->tsc_hz;
	out->mps = (double)k * 1e9 / out->real_ns;
out:
	for (k = 0; h != NULL && k < TP_INIT_DEVS; k++)
		rte_vmsg_drv_close(h[k]);
	free(h);
	free(bitmap);
	return rc < 0 ? -1 : 0;
}

/* Attaches the file the device end made (waiting until it is complete), bus, link up. */
static int tp_drv_up(struct tp_drv_end *e, struct tp_args *a)
{
	uint32_t inflight = a->test == BENCH_INIT1000_ASYNC ? TP_ASYNC_INFLIGHT : 0;
	int rc = bench_shm_attach(e->s, a->path, a->shm_flags, inflight, &e->shm, &e->bus,
				  a->attached, sizeof(a->attached));

	if (rc < 0) {
		tp_fail(e->s, "attaching %s (driver): %s", a->path, strerror(-rc));
		return -1;
	}
	return 0;
}

static int tp_driver(struct bench_side *s, struct tp_args *a)
{
	struct tp_drv_end e;
	int rc;

	memset(&e, 0, sizeof(e));
	e.s = s;
	rc = tp_drv_up(&e, a);
	if (rc == 0)
		rc = bench_start_line(s);
	if (rc == 0)
		rc = bench_test_is_init(a->test) ? tp_init1000(&e, a) : tp_rtt(&e, a);
	/* Pairs with the acquire in tp_device(): stop before this end goes away. */
	bench_store_release(&tp_sh(s)->stop, 1u);
	rte_vmsg_bus_shm_close(e.shm, e.bus);
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Device end (side 1)                                                      */

struct tp_dev_end {
	struct rte_vmsg_bus_shm *shm;
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_dev **devs;
	uint32_t ndevs;
	struct tp_model model;
};

static void tp_dev_down(struct tp_dev_end *d)
{
	uint32_t i;

	/* The devices first: each unregisters itself from the bus. */
	for (i = 0; d->devs != NULL && i < d->ndevs; i++)
		rte_vmsg_dev_destroy(d->devs[i]);
	free(d->devs);
	rte_vmsg_bus_shm_close(d->shm, d->bus);
}

/* Creates the file, the bus and the devices (registered before the link is up). */
static int tp_dev_up(struct bench_side *s, struct tp_args *a, struct tp_dev_end *d)
{
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev_opts dop;
	uint64_t dma = 0, dma_size = 0;
	const char *what;
	uint32_t k, n;
	int rc;

	for (k = 0; k < TP_CONFIG_SIZE; k++)
		d->model.cfg[k] = (uint8_t)k;
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = a->path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_UNLINK;
	so.flags |= a->shm_flags;
	so.dma_size = a->dma_size;
	so.num_elems = a->elems;
	so.elem_size = a->elem_size;
	so.format = (uint32_t)a->format;
	what = "rte_vmsg_bus_shm_open(device)";
	rc = rte_vmsg_bus_shm_open(&so, NULL, &d->shm, &d->bus);
	if (rc < 0)
		goto fail;
	rte_vmsg_bus_shm_dma(d->shm, NULL, &dma, &dma_size);
	d->model.dma_lo = dma;
	d->model.dma_hi = dma + dma_size;

	d->model.model.cfg = d->model.cfg;
	d->model.model.cfg_size = TP_CONFIG_SIZE;
	vmsg_util_model_ops(&ops, &d->model.model, 1);
	n = 1;
	if (bench_test_is_init(a->test)) {
		ops.features = tp_offered;
		ops.num_feature_blocks = 2;
		ops.num_queues = TP_INIT_QUEUES;
		ops.queue_max_size = TP_INIT_QSIZE;
		ops.queue_enable = tp_queue_enable;
		n = TP_INIT_DEVS;
	}
	memset(&dop, 0, sizeof(dop));
	dop.sz = sizeof(dop);
	dop.bus = d->bus; /* its parameters; each device registers itself */
	what = "out of memory";
	rc = -ENOMEM;
	d->devs = calloc(n, sizeof(*d->devs));
	if (d->devs == NULL)
		goto fail;
	for (k = 0; k < n; k++) {
		/* Numbers 0..999 for init1000, TP_DEV_NUM for the round trips. */
		dop.dev_num = (uint16_t)(n == 1 ? TP_DEV_NUM : k);
		what = "rte_vmsg_dev_create";
		rc = rte_vmsg_dev_create(&dop, &ops, &d->model, &d->devs[k]);
		if (rc < 0)
			goto fail;
		/* The link is not up yet: EVENT_DEVICE is not sent (counted), GET_DEVICES is exact. */
		d->ndevs = k + 1;
	}
	return 0;
fail:
	tp_fail(s, "transport set-up, %s (%s): %s", what, a->path, strerror(-rc));
	return -1;
}

/* Answers until side 0 says stop; the end's control path runs when idle. */
static int tp_serve(struct bench_side *s, struct tp_dev_end *d)
{
	struct tp_shared *sh = tp_sh(s);
	struct bench_wait w;
	uint64_t spins = 0;
	int rc;

	bench_wait_init(&w, s);
	/* Acquire pairs with the release in tp_driver(). */
	while (!bench_load_acquire(&sh->stop)) {
		rc = rte_vmsg_bus_poll(d->bus);
		if (rc < 0) {
			tp_fail(s, "rte_vmsg_bus_poll(device): %s", strerror(-rc));
			return -1;
		}
		if (rc > 0) {
			bench_progress(&spins);
			continue;
		}
		rc = bench_idle(&w, &spins);
		/* The bus poll runs the end's control path: a lost peer shows here. */
		if (rc == 0 && (spins & TP_CTL_SPINS) == 0 && rte_vmsg_bus_connected(d->bus) != 1) {
			if (bench_load_acquire(&sh->stop))
				break;
			tp_fail(s, "the driver end died or left");
			return -1;
		}
		if (rc < 0) {
			if (bench_load_acquire(&sh->stop))
				break;
			tp_fail(s, "no request (%s)", bench_why(rc));
			return -1;
		}
	}
	return 0;
}

static int tp_device(struct bench_side *s, struct tp_args *a)
{
	uint64_t end = rte_vmsg_time_ns() + (uint64_t)BENCH_TIMEOUT_S * 1000000000u;
	struct tp_dev_end d;
	uint32_t k, ok = 0;
	int rc;

	memset(&d, 0, sizeof(d));
	rc = tp_dev_up(s, a, &d);
	/* The handshake: each end polls its own control path until its link is up. */
	while (rc == 0 && rte_vmsg_bus_shm_poll(d.shm) != RTE_VMSG_LINK_UP) {
		if (rte_vmsg_time_ns() > end || bench_read_once(&s->ctl->abort) != 0) {
			tp_fail(s, "the shm link did not come up (no driver end)");
			rc = -1;
		}
	}
	if (rc == 0)
		rc = bench_start_line(s);
	if (rc == 0)
		rc = tp_serve(s, &d);
	/*
	 * init1000: every device reached DRIVER_OK with both queues in the DMA
	 * area (unless the driver end failed and said so already).
	 */
	if (rc == 0 && bench_test_is_init(a->test) && bench_read_once(&s->ctl->abort) == 0) {
		for (k = 0; k < d.ndevs; k++)
			ok += (uint32_t)rte_vmsg_dev_driver_ok(d.devs[k]);
		if (ok != TP_INIT_DEVS || d.model.enabled != TP_INIT_DEVS * TP_INIT_QUEUES ||
		    d.model.bad != 0) {
			tp_fail(s,
				"after init1000: %u devices at DRIVER_OK, %u queues enabled, "
				"%u refused",
				ok, d.model.enabled, d.model.bad);
			rc = -1;
		}
	}
	tp_dev_down(&d);
	return rc < 0 ? -1 : 0;
}

static int tp_side(struct bench_side *s)
{
	struct tp_args *a = s->arg;

	return s->side == 0 ? tp_driver(s, a) : tp_device(s, a);
}

/* ------------------------------------------------------------------------ */

int transport_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	struct tp_args a;
	int rc;

	memset(&a, 0, sizeof(a));
	a.test = c->test;
	a.shm_flags = bench_shm_path(env->cfg, "tp", a.path, sizeof(a.path));
	a.elems = c->elems;
	a.elem_size = c->elem_size;
	a.format = c->format;
	a.dma_size = bench_test_is_init(c->test) ? TP_DMA_INIT : TP_DMA_SMALL;
	a.count = env->cfg->samples;
	a.warmup = bench_warmup(a.count);
	a.ticks = env->ticks;
	a.out = out;
	if (bench_test_is_init(c->test)) {
		/* Touched now: no page fault in the timed part. */
		a.dev_ticks = bench_samples_alloc(TP_INIT_DEVS);
		if (a.dev_ticks == NULL) {
			fprintf(stderr, "vmsg-bench: out of memory\n");
			return -1;
		}
	}
	c->msg_bytes = c->test == BENCH_GET_STATUS     ? 12
		       : c->test == BENCH_GET_CONFIG32 ? 20 + TP_CONFIG_READ
						       : 0;
	memset(env->area, 0, sizeof(struct tp_shared));
	rc = bench_pair_run(env, tp_side, &a);
	bench_samples_free(a.dev_ticks, TP_INIT_DEVS);
	if (rc < 0) {
		/* A device end that died could not remove its file. */
		if (a.attached[0] != '\0')
			unlink(a.attached);
		return -1;
	}
	if (!bench_test_is_init(c->test)) {
		bench_latency_stats(env->ticks, a.count, env->tsc_hz, out);
		out->mps = (double)a.count * 1e9 / out->real_ns;
	}
	return 0;
}
