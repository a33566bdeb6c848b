/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * pcie: over a PCIe card through VFIO (drivers/pcie_amp), this host the
 * driver, the card's firmware (or tools/vmsg-card, its emulator) the other
 * side: bus PING round trips and virtio-net packets per second through a
 * loopback device on the card, with the card's BAR reads and writes counted
 * over each timed part. One side only, so none of the two-CPU machinery.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include <rte_vmsg.h>
#include <rte_vmsg_bus.h>
#include <rte_vmsg_net.h>
#include <rte_vmsg_pcie.h>

#include "bench.h"

#define PCIE_DEV_NUM 1u	 /* the card's virtio-net device (vmsg-card --dev-num) */
#define PCIE_QSIZE 256u	 /* entries per queue: what the test card offers at most */
#define PCIE_WINDOW 128u /* packets circulating: half a queue, never a drop */
#define PCIE_BURST 32u	 /* packets per burst call */
#define PCIE_FRAME_MAX 1518u
#define PCIE_STALL_NS (10 * UINT64_C(1000000000)) /* no progress this long: the card is gone */
#define PCIE_NAP_NS 1000000u			  /* event mode: a wait's bound when idle */

/* pps frame sizes: the smallest and the largest Ethernet frame, as testpmd's. */
static const uint32_t pcie_sizes[] = { 64, 1518 };

struct pcie_ctx {
	const struct bench_cfg *cfg;
	struct rte_vmsg_pcie *card;
	struct rte_vmsg_bus *bus;
	void *dma;
	uint64_t dma_bus, dma_size;
	int event;
	uint64_t tsc_hz;
	uint64_t *ticks; /* samples of the ping */
	struct rte_vmsg_net_pkt pkts[PCIE_BURST];
	uint8_t (*bufs)[PCIE_FRAME_MAX];
};

/* ------------------------------------------------------------------------ */
/* Is this QEMU's TCG (an emulated CPU: figures for function only)?          */

/*
 * Three signs, any one enough: the hypervisor's CPUID leaf 0x40000000
 * signature "TCGTCGTCGTCG", a CPU model name with "TCG" in it (QEMU's
 * "-cpu max" and "qemu64" under TCG: "QEMU TCG CPU version ..."), or the
 * launcher says so (--tcg: it started QEMU with -accel tcg). KVM and real
 * machines show none. The reason goes in the output; the CPU's own signs
 * first, so that a run with --tcg also shows whether they were seen.
 */
static int pcie_tcg_seen(char *why, size_t cap)
{
	char line[256];
	FILE *f;

#if defined(__x86_64__) || defined(__i386__)
	{
		unsigned int a, b, c, d;
		char sig[13];

		if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 31)) != 0) {
			__cpuid(0x40000000u, a, b, c, d);
			memcpy(sig, &b, 4);
			memcpy(sig + 4, &c, 4);
			memcpy(sig + 8, &d, 4);
			sig[12] = '\0';
			if (strcmp(sig, "TCGTCGTCGTCG") == 0) {
				snprintf(why, cap, "CPUID hypervisor signature %s", sig);
				return 1;
			}
		}
	}
#endif
	f = fopen("/proc/cpuinfo", "r");
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "model name", 10) != 0 || strstr(line, "TCG") == NULL)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(why, cap, "/proc/cpuinfo model name \"%s\"", strchr(line, ':') + 2);
		fclose(f);
		return 1;
	}
	fclose(f);
	return 0;
}

static int pcie_tcg(const struct bench_cfg *cfg, char *why, size_t cap)
{
	size_t k;

	if (pcie_tcg_seen(why, cap)) {
		k = strlen(why);
		if (cfg->pcie_tcg && k < cap)
			snprintf(why + k, cap - k, "; --tcg");
		return 1;
	}
	if (cfg->pcie_tcg) {
		snprintf(why, cap, "--tcg: the launcher runs this guest under QEMU TCG");
		return 1;
	}
	return 0;
}

/* The PCI IDs from sysfs (the card is not open yet); 0 when unknown. */
static void pcie_ids(const char *bdf, uint16_t *vendor, uint16_t *device)
{
	const char *what[2] = { "vendor", "device" };
	uint16_t *out[2] = { vendor, device };
	char path[128], full[16];
	unsigned int v;
	int i;

	/* "BB:DD.F" is domain 0, as rte_vmsg_pcie_open() takes it. */
	snprintf(full, sizeof(full), "%s%s", strlen(bdf) == 7 ? "0000:" : "", bdf);
	for (i = 0; i < 2; i++) {
		FILE *f;

		*out[i] = 0;
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s", full, what[i]);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fscanf(f, "%x", &v) == 1)
			*out[i] = (uint16_t)v;
		fclose(f);
	}
}

/* ------------------------------------------------------------------------ */
/* Bounded waiting: idle turns spin (polling) or sleep on the card (event).  */

struct pcie_wait {
	uint64_t since; /* rte_vmsg_time_ns() of the last progress */
	uint32_t spins;
};

static void pcie_progress(struct pcie_wait *w)
{
	w->spins = 0;
	w->since = 0;
}

/* 0 to go on, -ETIMEDOUT when nothing moved for PCIE_STALL_NS. */
static int pcie_idle(struct pcie_ctx *x, struct pcie_wait *w)
{
	uint64_t now;

	if (x->event)
		(void)rte_vmsg_pcie_wait(x->card, PCIE_NAP_NS);
	else if ((++w->spins & 1023u) != 0)
		return 0;
	now = rte_vmsg_time_ns();
	if (w->since == 0)
		w->since = now;
	return now - w->since > PCIE_STALL_NS ? -ETIMEDOUT : 0;
}

/* The card's counters now. */
static void pcie_counts(const struct pcie_ctx *x, struct rte_vmsg_pcie_stats *st)
{
	memset(st, 0, sizeof(*st));
	(void)rte_vmsg_pcie_stats_get(x->card, st);
}

/* @p out = after - before, for the BARs, doorbells and interrupts. */
static void pcie_delta(const struct rte_vmsg_pcie_stats *a, const struct rte_vmsg_pcie_stats *b,
		       struct bench_pcie_counts *out)
{
	uint32_t i;

	for (i = 0; i < BENCH_PCIE_BARS && i < RTE_VMSG_PCIE_MAX_BARS; i++) {
		out->bar_reads[i] = b->bar_reads[i] - a->bar_reads[i];
		out->bar_writes[i] = b->bar_writes[i] - a->bar_writes[i];
	}
	out->doorbells = b->doorbells - a->doorbells;
	out->doorbell_readbacks = b->doorbell_readbacks - a->doorbell_readbacks;
	out->interrupts = b->interrupts - a->interrupts;
}

/* ------------------------------------------------------------------------ */
/* PING round trips                                                          */

struct pcie_ping_done {
	int done;
	int status;
	uint32_t data;
};

static void pcie_on_ping(void *arg, int status, uint32_t data)
{
	struct pcie_ping_done *d = arg;

	d->status = status;
	d->data = data;
	d->done = 1;
}

/* @p n round trips; with @p ticks, each one's TSC ticks. 0, or -1 after saying why. */
static int pcie_pings(struct pcie_ctx *x, uint64_t n, uint64_t *ticks, uint32_t seq0)
{
	struct pcie_ping_done d;
	struct pcie_wait w = { 0, 0 };
	uint64_t i, t0;
	int rc;

	for (i = 0; i < n; i++) {
		uint32_t data = seq0 + (uint32_t)i;

		d.done = 0;
		t0 = rte_vmsg_tsc();
		rc = rte_vmsg_bus_ping(x->bus, data, pcie_on_ping, &d);
		if (rc < 0) {
			fprintf(stderr, "vmsg-bench: pcie: PING %llu: %s\n", (unsigned long long)i,
				strerror(-rc));
			return -1;
		}
		for (;;) {
			rc = rte_vmsg_bus_poll(x->bus);
			if (rc < 0) {
				fprintf(stderr, "vmsg-bench: pcie: rte_vmsg_bus_poll: %s\n",
					strerror(-rc));
				return -1;
			}
			if (d.done)
				break;
			if (rc > 0)
				continue;
			if (pcie_idle(x, &w) < 0) {
				fprintf(stderr,
					"vmsg-bench: pcie: PING %llu: no answer for %llu s (the "
					"card is gone?)\n",
					(unsigned long long)i,
					(unsigned long long)(PCIE_STALL_NS / 1000000000u));
				return -1;
			}
		}
		if (ticks != NULL)
			ticks[i] = rte_vmsg_tsc() - t0;
		pcie_progress(&w);
		if (d.status < 0 || d.data != data) {
			fprintf(stderr, "vmsg-bench: pcie: PING %llu: %s\n", (unsigned long long)i,
				d.status < 0 ? strerror(-d.status) : "another value echoed");
			return -1;
		}
	}
	return 0;
}

static int pcie_ping_run(struct pcie_ctx *x, struct bench_run *out)
{
	struct rte_vmsg_pcie_stats a, b;
	uint64_t n = x->cfg->samples, t0;
	double cpu0;

	if (pcie_pings(x, bench_warmup(n) < n ? bench_warmup(n) : n, NULL, 1u << 31) < 0)
		return -1;
	pcie_counts(x, &a);
	cpu0 = bench_thread_cpu_ns();
	t0 = rte_vmsg_time_ns();
	if (pcie_pings(x, n, x->ticks, 0) < 0)
		return -1;
	out->real_ns = (double)(rte_vmsg_time_ns() - t0);
	out->cpu_ns = bench_thread_cpu_ns() - cpu0;
	pcie_counts(x, &b);
	pcie_delta(&a, &b, &out->pcie);
	bench_latency_stats(x->ticks, n, x->tsc_hz, out);
	out->mps = (double)n * 1e9 / out->real_ns;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* virtio-net packets per second through the card's loopback device          */

static int pcie_net_up(struct pcie_ctx *x, struct rte_vmsg_net_drv **nd)
{
	struct rte_vmsg_net_drv_opts o;
	int rc;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = x->bus;
	o.dev_num = PCIE_DEV_NUM;
	o.queue_pairs = 1;
	o.queue_size = PCIE_QSIZE;
	o.dma_addr = x->dma;
	o.dma_bus_addr = x->dma_bus;
	o.dma_size = x->dma_size;
	o.notify = x->event ? RTE_VMSG_NET_NOTIFY_EVENT : RTE_VMSG_NET_NOTIFY_POLL;
	o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	rc = rte_vmsg_net_drv_create(&o, nd);
	if (rc < 0)
		fprintf(stderr,
			"vmsg-bench: pcie: the card's virtio-net device %u: %s (does the card "
			"run a loopback device? vmsg-card --backend loopback)\n",
			PCIE_DEV_NUM, strerror(-rc));
	return rc;
}

/* A frame of @p len bytes: unicast addresses, an experimental ethertype. */
static void pcie_frame(uint8_t *f, uint32_t len)
{
	memset(f, 0, len);
	memcpy(f, "\x02\x00\x00\x00\x00\x01\x02\x00\x00\x00\x00\x02\x88\xb5", 14);
}

/*
 * PCIE_WINDOW packets circulate: the card's loopback device sends back each
 * one, this side sends back each one it receives (as in mode net). Counted:
 * packets received and sent per second in the timed part.
 */
static int pcie_pps_run(struct pcie_ctx *x, uint32_t len, struct bench_run *out)
{
	struct rte_vmsg_net_drv *nd = NULL;
	struct rte_vmsg_pcie_stats a, b;
	struct pcie_wait w = { 0, 0 };
	uint64_t count, warm, got = 0, tx = 0, rx0 = 0, tx0 = 0, t0 = 0, c0 = 0;
	double cpu0 = 0;
	uint32_t k, sent = 0;
	int n, m, rc = -1;

	count = x->cfg->messages / 10 < 1000 ? 1000 : x->cfg->messages / 10;
	warm = count / 10 < 100 ? 100 : count / 10;
	if (pcie_net_up(x, &nd) < 0)
		return -1;
	for (k = 0; k < PCIE_BURST; k++) {
		x->pkts[k].data = x->bufs[k];
		x->pkts[k].cap = PCIE_FRAME_MAX;
		x->pkts[k].len = len;
		pcie_frame(x->bufs[k], len);
	}
	while (sent < PCIE_WINDOW) {
		n = rte_vmsg_net_drv_tx_burst(nd, 0, x->pkts, PCIE_BURST);
		if (n < 0) {
			fprintf(stderr, "vmsg-bench: pcie: tx_burst: %s\n", strerror(-n));
			goto out;
		}
		sent += (uint32_t)n;
		tx += (uint64_t)n;
	}
	while (got < warm + count) {
		if (x->event)
			rte_vmsg_bus_poll(x->bus); /* EVENT_USED in */
		n = rte_vmsg_net_drv_rx_burst(nd, 0, x->pkts, PCIE_BURST);
		if (n < 0) {
			fprintf(stderr, "vmsg-bench: pcie: rx_burst: %s\n", strerror(-n));
			goto out;
		}
		if (n == 0) {
			if (pcie_idle(x, &w) < 0) {
				fprintf(stderr,
					"vmsg-bench: pcie: %u B: no packet came back for %llu s "
					"(%llu of %llu)\n",
					len, (unsigned long long)(PCIE_STALL_NS / 1000000000u),
					(unsigned long long)got,
					(unsigned long long)(warm + count));
				goto out;
			}
			continue;
		}
		pcie_progress(&w);
		if (got < warm && got + (uint64_t)n >= warm) {
			pcie_counts(x, &a);
			cpu0 = bench_thread_cpu_ns();
			t0 = rte_vmsg_time_ns();
			c0 = rte_vmsg_tsc();
			rx0 = got;
			tx0 = tx;
		}
		got += (uint64_t)n;
		for (k = 0; k < (uint32_t)n; k++) {
			x->pkts[k].hdr.flags = 0;
			if (x->pkts[k].len != len) {
				fprintf(stderr,
					"vmsg-bench: pcie: a %u-byte packet came back for %u\n",
					x->pkts[k].len, len);
				goto out;
			}
		}
		m = rte_vmsg_net_drv_tx_burst(nd, 0, x->pkts, (uint32_t)n);
		if (m != n) {
			/* The transmit queue is deeper than the window: it takes them all. */
			fprintf(stderr, "vmsg-bench: pcie: tx_burst took %d of %d\n", m, n);
			goto out;
		}
		tx += (uint64_t)m;
	}
	out->real_ns = (double)(rte_vmsg_time_ns() - t0);
	c0 = rte_vmsg_tsc() - c0;
	out->cpu_ns = bench_thread_cpu_ns() - cpu0;
	pcie_counts(x, &b);
	pcie_delta(&a, &b, &out->pcie);
	out->pcie.rx_packets = got - rx0;
	out->pcie.tx_packets = tx - tx0;
	out->iterations = got - rx0;
	out->mps = (double)out->iterations * 1e9 / out->real_ns;
	out->cycles_per_msg = (double)c0 / (double)out->iterations;
	rc = 0;
out:
	rte_vmsg_net_drv_destroy(nd);
	return rc;
}

/* ------------------------------------------------------------------------ */

static int pcie_open(struct pcie_ctx *x, struct bench_pcie_env *pe)
{
	const struct bench_cfg *cfg = x->cfg;
	struct rte_vmsg_pcie_opts po;
	struct rte_vmsg_pcie_info info;
	int rc;

	memset(&po, 0, sizeof(po));
	po.sz = sizeof(po);
	po.placement = cfg->pcie_placement;
	po.notify = cfg->pcie_notify;
	pcie_ids(cfg->pcie_bdf, &pe->vendor_id, &pe->device_id);
	/*
	 * QEMU's ivshmem is only ever the project's test card, whose emulator
	 * (tools/vmsg-card) reads the guest's RAM at guest-physical offsets:
	 * the DMA memory goes at IOVA = PA. A real card reaches any IOVA.
	 */
	if (pe->vendor_id == 0x1af4 && pe->device_id == 0x1110) {
		po.flags |= RTE_VMSG_PCIE_F_IOVA_PA;
		pe->iova_pa = 1;
	}
	rc = rte_vmsg_pcie_open(cfg->pcie_bdf, &po, &x->card);
	if (rc < 0) {
		fprintf(stderr, "vmsg-bench: pcie: rte_vmsg_pcie_open(%s): %s\n", cfg->pcie_bdf,
			strerror(-rc));
		return -1;
	}
	x->bus = rte_vmsg_pcie_bus(x->card);
	rc = rte_vmsg_pcie_dma(x->card, &x->dma, &x->dma_bus, &x->dma_size);
	memset(&info, 0, sizeof(info));
	info.sz = sizeof(info);
	if (rc == 0)
		rc = rte_vmsg_pcie_info(x->card, &info);
	if (rc < 0) {
		fprintf(stderr, "vmsg-bench: pcie: the card's DMA area or info: %s\n",
			strerror(-rc));
		return -1;
	}
	x->event = info.notify == RTE_VMSG_PCIE_NOTIFY_EVENT;
	snprintf(pe->bdf, sizeof(pe->bdf), "%s", info.bdf);
	pe->vendor_id = info.vendor_id;
	pe->device_id = info.device_id;
	pe->profile = rte_vmsg_pcie_profile_name(info.profile);
	pe->placement = bench_pcie_placement_name((int)info.placement);
	pe->notify = bench_notify_name(x->event);
	pe->layout = info.layout == RTE_VMSG_PCIE_LAYOUT_V0 ? "v0" : "v1";
	printf("card %s (%04x:%04x, profile %s): %s placement, %s, %s layout, the link at "
	       "%s0x%" PRIx64 " (%" PRIu64 " B), DMA area %" PRIu64 " KiB at bus address "
	       "0x%" PRIx64 "%s\n",
	       pe->bdf, pe->vendor_id, pe->device_id, pe->profile, pe->placement,
	       x->event ? "doorbells and MSI-X" : "polling only", pe->layout,
	       info.placement == RTE_VMSG_PCIE_PLACEMENT_HOST ? "bus address " : "BAR offset ",
	       info.link_offset, info.link_size, x->dma_size >> 10, x->dma_bus,
	       pe->iova_pa ? " (IOVA = PA: the test card)" : "");
	return 0;
}

/* The card's counters of each case: the BAR placement reads the BAR, HOST must not. */
static void pcie_print_counts(const struct bench_case *v, size_t n)
{
	size_t i;
	uint32_t b;

	printf("\n%-9s %-13s %4s %-10s %10s %10s %8s %8s %8s %8s  %s\n", "mode", "test", "elem",
	       "placement", "BAR reads", "BAR writes", "rd/it", "wr/it", "bells", "irqs",
	       "per BAR (reads/writes)");
	for (i = 0; i < n; i++) {
		const struct bench_run *r = &v[i].runs[v[i].median];
		const struct bench_pcie_counts *p = &r->pcie;
		uint64_t rd = 0, wr = 0;
		char per[160];
		int k = 0;

		per[0] = '\0';
		for (b = 0; b < BENCH_PCIE_BARS; b++) {
			rd += p->bar_reads[b];
			wr += p->bar_writes[b];
			if ((p->bar_reads[b] || p->bar_writes[b]) && k >= 0 &&
			    (size_t)k < sizeof(per))
				k += snprintf(per + k, sizeof(per) - (size_t)k, "%sBAR%u %llu/%llu",
					      k ? ", " : "", b, (unsigned long long)p->bar_reads[b],
					      (unsigned long long)p->bar_writes[b]);
		}
		printf("%-9s %-13s %4u %-10s %10llu %10llu %8.2f %8.2f %8llu %8llu  %s\n", "pcie",
		       bench_test_name(v[i].test), v[i].elem_size,
		       bench_pcie_placement_name(v[i].path), (unsigned long long)rd,
		       (unsigned long long)wr,
		       r->iterations ? (double)rd / (double)r->iterations : 0,
		       r->iterations ? (double)wr / (double)r->iterations : 0,
		       (unsigned long long)p->doorbells, (unsigned long long)p->interrupts,
		       per[0] ? per : "none");
	}
}

int pcie_bench_run(struct bench_cfg *cfg)
{
	struct bench_pcie_env pe;
	struct bench_env env;
	struct bench_case v[1 + sizeof(pcie_sizes) / sizeof(pcie_sizes[0])];
	struct pcie_ctx x;
	size_t n = 0, i;
	uint64_t t_start = rte_vmsg_time_ns(), host_reads = 0;
	uint32_t rep, b;
	int rc = BENCH_EXIT_FAIL, cpu = sched_getcpu(), host = 0;

	memset(&pe, 0, sizeof(pe));
	memset(&env, 0, sizeof(env));
	memset(&x, 0, sizeof(x));
	memset(v, 0, sizeof(v));
	cfg->cpu[0] = cfg->cpu[1] = cpu < 0 ? 0 : cpu;
	env.cfg = cfg;
	env.pcie = &pe;
	x.cfg = cfg;
	env.tsc_hz = x.tsc_hz = rte_vmsg_tsc_hz();
	snprintf(env.mem_kind, sizeof(env.mem_kind), "the card's DMA area (hugepages)");
	pe.functional_only = pcie_tcg(cfg, pe.emulated_why, sizeof(pe.emulated_why));
	x.ticks = bench_samples_alloc(cfg->samples);
	x.bufs = calloc(PCIE_BURST, sizeof(*x.bufs));
	if (x.ticks == NULL || x.bufs == NULL) {
		fprintf(stderr, "vmsg-bench: no memory for %llu samples\n",
			(unsigned long long)cfg->samples);
		goto out;
	}
	printf("vmsg-bench %s: mode pcie, %llu PING samples and %llu packets per run, %u run%s "
	       "per measurement%s\n",
	       rte_vmsg_version(), (unsigned long long)cfg->samples,
	       (unsigned long long)(cfg->messages / 10 < 1000 ? 1000 : cfg->messages / 10),
	       cfg->repeat, cfg->repeat > 1 ? "s" : "",
	       cfg->repeat > 1 ? " (the median is reported)" : "");
	if (pe.functional_only)
		printf("NOTE: QEMU TCG (%s): the CPU and the card are emulated, so these figures "
		       "are functional only; they say nothing of a real card's speed\n",
		       pe.emulated_why);
	fflush(stdout);
	if (pcie_open(&x, &pe) < 0)
		goto out;
	host = strcmp(pe.placement, "host") == 0;

	v[n].test = BENCH_BUS_PING;
	v[n].elem_size = 64;
	v[n].msg_bytes = 0;
	v[n++].burst = 1;
	for (i = 0; i < sizeof(pcie_sizes) / sizeof(pcie_sizes[0]); i++) {
		v[n].test = BENCH_NET_PPS;
		v[n].elem_size = pcie_sizes[i];
		v[n].msg_bytes = pcie_sizes[i];
		v[n++].burst = PCIE_BURST;
	}
	for (i = 0; i < n; i++) {
		v[i].mode = BENCH_PCIE;
		v[i].format = -1;
		v[i].notify = x.event;
		v[i].path = host ? RTE_VMSG_PCIE_PLACEMENT_HOST : RTE_VMSG_PCIE_PLACEMENT_BAR;
		v[i].nruns = cfg->repeat;
		v[i].runs = calloc(cfg->repeat, sizeof(struct bench_run));
		if (v[i].runs == NULL) {
			fprintf(stderr, "vmsg-bench: out of memory\n");
			goto out;
		}
	}
	/* Repetitions interleaved, as in the other modes. */
	for (rep = 0; rep < cfg->repeat; rep++)
		for (i = 0; i < n; i++) {
			char name[96];
			int r;

			bench_case_name(&v[i], name, sizeof(name));
			if (cfg->verbose)
				fprintf(stderr, "vmsg-bench: %s run %u/%u\n", name, rep + 1,
					cfg->repeat);
			r = v[i].test == BENCH_BUS_PING
				    ? pcie_ping_run(&x, &v[i].runs[rep])
				    : pcie_pps_run(&x, v[i].elem_size, &v[i].runs[rep]);
			if (r < 0) {
				fprintf(stderr, "vmsg-bench: %s failed (run %u)\n", name, rep + 1);
				goto out;
			}
		}

	printf("\n");
	bench_print_header(stdout);
	for (i = 0; i < n; i++) {
		bench_pick_median(&v[i]);
		bench_print_case(stdout, &v[i]);
	}
	if (cfg->verbose && cfg->repeat > 1) {
		printf("\nevery run:\n");
		for (i = 0; i < n; i++)
			for (rep = 0; rep < v[i].nruns; rep++)
				bench_print_run(stdout, &v[i], rep);
	}
	printf("\nping: a bus PING's round trip, ns; pps: %u packets circulate through the "
	       "card's loopback virtio-net device, the Mmsg/s column is Mpps received by this "
	       "side, each sent back (so as many each way)\n",
	       PCIE_WINDOW);
	pcie_print_counts(v, n);
	for (i = 0; i < n; i++)
		for (b = 0; b < BENCH_PCIE_BARS; b++)
			host_reads += v[i].runs[v[i].median].pcie.bar_reads[b];
	if (host)
		printf("HOST placement: %llu BAR reads over the timed parts%s\n",
		       (unsigned long long)host_reads,
		       host_reads == 0 ? " (the data path reads no card memory)"
				       : ": NOT the 0 of ARCHITECTURE.md §2.7");
	else if (host_reads == 0)
		printf("BAR placement: no BAR read counted, though the link is in the card's BAR: "
		       "NOT what the accessors should count\n");
	else
		printf("BAR placement: the link is in the card's BAR, so the data path reads it "
		       "(the HOST placement reads none)\n");
	if (pe.functional_only)
		printf("NOTE: functional only (QEMU TCG): not a measure of speed\n");
	rc = 0;
	if (cfg->json != NULL && bench_json_write(cfg->json, &env, v, n, NULL, NULL) < 0)
		rc = BENCH_EXIT_FAIL;
	else if (cfg->json != NULL)
		printf("wrote %s\n", cfg->json);
	printf("%.1f s\n", (double)(rte_vmsg_time_ns() - t_start) / 1e9);
out:
	rte_vmsg_pcie_close(x.card);
	for (i = 0; i < n; i++)
		free(v[i].runs);
	free(x.bufs);
	bench_samples_free(x.ticks, cfg->samples);
	return rc;
}
