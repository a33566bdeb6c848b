/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-bench: the list of measurements each mode makes, the order they run
 * in, the repetitions, and what is printed after them.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_vmsg.h>
#include <rte_vmsg_ring.h>

#include "bench.h"

/* What an 8 KiB v1 area holds with 64-byte elements: reported beside --elems. */
#define V1_SMALL_ELEMS 63u

/* net: packet sizes (testpmd's: 64, 256 and 1518-byte frames). */
static const uint32_t net_sizes[] = { 64, 256, 1518 };
/* vhost-user: the sizes of the *_over_dpdk_best ratios. */

static const uint32_t sizes[] = { 64, 256 };
static const uint32_t bursts[] = { 1, 8, 32 };

static struct bench_case *case_add(struct case_list *l, enum bench_mode m, enum bench_test t,
				   uint32_t esize, uint32_t burst, uint32_t elems, int fmt)
{
	struct bench_case *c;

	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 32;
		struct bench_case *v = realloc(l->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		l->v = v;
		l->cap = cap;
	}
	c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	c->mode = m;
	c->test = t;
	c->elem_size = esize;
	c->burst = burst;
	c->elems = elems;
	c->format = fmt;
	c->ring = BENCH_RING_PACKED_IO;
	c->msg_bytes = esize - (fmt == RTE_VMSG_LINK_FMT_STAMPED ? RTE_VMSG_STAMP_HDR_SIZE : 0);
	return c;
}

/* --sizes keeps net_sizes[i]. */
static int net_size_kept(const struct bench_cfg *cfg, size_t i)
{
	return cfg->net_sizes == 0 || (cfg->net_sizes & (1 << i)) != 0;
}

/* --net-notify keeps @p notify (0 polling, 1 event) of a ring mode (first: the first kept). */
static int net_notify_kept(const struct bench_cfg *cfg, int notify, int first)
{
	if (cfg->net_notify == 0)
		return notify == 0 || first;
	return notify == cfg->net_notify - 1;
}

/* net: our cases, then the vhost-user reference when it can run. */
static int build_net_cases(const struct bench_cfg *cfg, struct case_list *l)
{
	struct bench_case *c;
	char why[256];
	size_t i;
	int notify, path, ring, first = 1;
	/* --bus amp: the bare AMP link has --elems elements; the shm bus file, 1024. */
	uint32_t elems = cfg->bus_amp ? cfg->elems : 1024;

	/*
	 * Each ring mode --ring/--in-order keep, polling; event mode for the
	 * first of them only (packed in-order when it runs: its cases keep
	 * the names without a ring suffix; what two librte_vmsg ends
	 * negotiate by default is split in-order, BENCH_RING_DEFAULT).
	 */
	for (ring = BENCH_RING_PACKED_IO; ring >= 0; ring--) {
		if ((cfg->rings & (1 << ring)) == 0)
			continue;
		for (notify = 0; notify < (first || cfg->net_notify == 2 ? 2 : 1); notify++)
			for (i = 0; i < sizeof(net_sizes) / sizeof(net_sizes[0]); i++) {
				if (!net_size_kept(cfg, i) || !net_notify_kept(cfg, notify, first))
					continue;
				c = case_add(l, BENCH_NET, BENCH_NET_PPS, net_sizes[i], 32, elems,
					     -1);
				if (c == NULL)
					return -1;
				c->notify = notify;
				c->ring = ring;
				c = case_add(l, BENCH_NET, BENCH_NET_LAT, net_sizes[i], 1, elems,
					     -1);
				if (c == NULL)
					return -1;
				c->notify = notify;
				c->ring = ring;
			}
		first = 0;
	}
	if (cfg->no_refs)
		return 0;
	if (!vhost_usable(why, sizeof(why))) {
		printf("net: no vhost-user reference: %s\n", why);
		return 0;
	}
	/* testpmd over net_vmsg beside the pair it is measured against (mode_pmd.c). */
	if (!pmd_usable(why, sizeof(why)))
		printf("net: no testpmd over net_vmsg: %s\n", why);
	else
		/*
		 * Every path of the PMD (copying, zerocopy=1, each over split
		 * in-order and packed in-order rings): the best is read.
		 */
		for (i = 0; i < sizeof(net_sizes) / sizeof(net_sizes[0]); i++)
			for (path = 0; path < BENCH_PMD_NPATHS && net_size_kept(cfg, i); path++) {
				c = case_add(l, BENCH_PMD, BENCH_NET_PPS, net_sizes[i], 32, 1024,
					     -1);
				if (c == NULL)
					return -1;
				c->path = (int)path;
			}
	/*
	 * Every DPDK path at each frame size of ours (the ratios are read at 64
	 * and 1518 B; 256 B is there to set each ring mode of ours beside DPDK's
	 * paths). Each run takes about 5 s on hugepages (two testpmd start-ups):
	 * --quick runs every path at 64 B and the split path at 1518 B, once.
	 */
	for (path = 0; path < bench_vhost_npaths(); path++)
		for (i = 0; i < sizeof(net_sizes) / sizeof(net_sizes[0]); i++) {
			if ((cfg->quick && net_sizes[i] != 64 &&
			     (path != 0 || net_sizes[i] != 1518)) ||
			    !net_size_kept(cfg, i))
				continue;
			c = case_add(l, BENCH_VHOST, BENCH_NET_PPS, net_sizes[i], 32, 1024, -1);
			if (c == NULL)
				return -1;
			c->path = path;
		}
	return 0;
}

/*
 * demo: message latency (the limit and the ring ping-pong 64/1 it is read
 * against), transport round trips and virtio-net throughput; the
 * vhost-user reference only with --vhost-ref.
 */
static int build_demo_cases(const struct bench_cfg *cfg, struct case_list *l)
{
	struct bench_case *c;
	char why[256];
	int fmt;

	if (case_add(l, BENCH_LIMIT, BENCH_PINGPONG, 64, 1, 0, -1) == NULL)
		return -1;
	for (fmt = 0; fmt < 2; fmt++)
		if ((cfg->formats & (1 << fmt)) != 0 &&
		    case_add(l, BENCH_RING, BENCH_PINGPONG, 64, 1, cfg->elems, fmt) == NULL)
			return -1;
	if (case_add(l, BENCH_TRANSPORT, BENCH_GET_STATUS, 64, 1, cfg->elems, cfg->ratio_format) ==
		    NULL ||
	    case_add(l, BENCH_TRANSPORT, BENCH_GET_CONFIG32, 64, 1, cfg->elems,
		     cfg->ratio_format) == NULL)
		return -1;
	/* virtio-net in the mode two librte_vmsg ends negotiate by default. */
	if ((c = case_add(l, BENCH_NET, BENCH_NET_PPS, 64, 32, 1024, -1)) == NULL)
		return -1;
	c->ring = BENCH_RING_DEFAULT;
	if ((c = case_add(l, BENCH_NET, BENCH_NET_PPS, 1518, 32, 1024, -1)) == NULL)
		return -1;
	c->ring = BENCH_RING_DEFAULT;
	if ((c = case_add(l, BENCH_NET, BENCH_NET_LAT, 64, 1, 1024, -1)) == NULL)
		return -1;
	c->ring = BENCH_RING_DEFAULT;
	if (!cfg->vhost_ref)
		return 0;
	if (!vhost_usable(why, sizeof(why))) {
		printf("demo: --vhost-ref: no vhost-user reference: %s\n", why);
		return 0;
	}
	c = case_add(l, BENCH_VHOST, BENCH_NET_PPS, 64, 32, 1024, -1);
	return c == NULL ? -1 : 0;
}

static int build_cases(const struct bench_cfg *cfg, struct case_list *l, int limit, int ring,
		       int rte, int tp, int net)
{
	int fmt, t;
	size_t i, j;

	/* The floors: the cache-line ping-pong, and the stream of 64-byte lines. */
	if (limit &&
	    (case_add(l, BENCH_LIMIT, BENCH_PINGPONG, 64, 1, 0, -1) == NULL ||
	     case_add(l, BENCH_LIMIT, BENCH_THROUGHPUT, 64, BENCH_STREAM_LINES, 0, -1) == NULL))
		return -1;
	/* The stream again with non-temporal stores. */
	if (BENCH_HAVE_STREAM && limit) {
		struct bench_case *c =
			case_add(l, BENCH_LIMIT, BENCH_THROUGHPUT, 64, BENCH_STREAM_LINES, 0, -1);

		if (c == NULL)
			return -1;
		c->stream = 1;
	}
	/*
	 * What bounds two ratios (doc/vmsg-bench.md, "Floors"): the ping-pong
	 * over a ring of lines, as a stamped consumer polls its elements, and
	 * the stream published once per burst of the throughput ratios.
	 */
	if (limit) {
		struct bench_case *c =
			case_add(l, BENCH_LIMIT, BENCH_PINGPONG, 64, 1, cfg->elems, -1);

		if (c == NULL)
			return -1;
		c->walk = 1;
		if (case_add(l, BENCH_LIMIT, BENCH_THROUGHPUT, 64, BENCH_TPUT_BURST, 0, -1) == NULL)
			return -1;
		if (BENCH_HAVE_STREAM) {
			c = case_add(l, BENCH_LIMIT, BENCH_THROUGHPUT, 64, BENCH_TPUT_BURST, 0, -1);
			if (c == NULL)
				return -1;
			c->stream = 1;
		}
	}
	for (fmt = 0; ring && fmt < 2; fmt++) {
		if ((cfg->formats & (1 << fmt)) == 0)
			continue;
		for (t = BENCH_PINGPONG; t <= BENCH_THROUGHPUT; t++)
			for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
				for (j = 0; j < sizeof(bursts) / sizeof(bursts[0]); j++) {
					/* A ping-pong burst must fit in the ring at once. */
					if (t == BENCH_PINGPONG && bursts[j] > cfg->elems - 1)
						continue;
					if (case_add(l, BENCH_RING, (enum bench_test)t, sizes[i],
						     bursts[j], cfg->elems, fmt) == NULL)
						return -1;
				}
		/*
		 * The bursts of at least RTE_VMSG_RING_STREAM_MIN bytes again
		 * with RTE_VMSG_LINK_F_STREAM on the producer: the compatible
		 * format's (x86-64: elsewhere the flag changes nothing), and
		 * the stamped format's 64-byte ones where the CPU writes them
		 * with direct stores (rte_vmsg_link_stream_direct()).
		 */
		for (i = 0; BENCH_HAVE_STREAM && i < sizeof(sizes) / sizeof(sizes[0]); i++)
			for (j = 0; j < sizeof(bursts) / sizeof(bursts[0]); j++) {
				struct bench_case *c;

				if (sizes[i] * bursts[j] < RTE_VMSG_RING_STREAM_MIN ||
				    bursts[j] > cfg->elems - 1)
					continue;
				if (fmt != RTE_VMSG_LINK_FMT_COMPAT &&
				    (sizes[i] != 64 || !rte_vmsg_link_stream_direct()))
					continue;
				c = case_add(l, BENCH_RING, BENCH_THROUGHPUT, sizes[i], bursts[j],
					     cfg->elems, fmt);
				if (c == NULL)
					return -1;
				c->stream = 1;
			}
		if (cfg->elems != V1_SMALL_ELEMS) {
			struct bench_case *c;

			c = case_add(l, BENCH_RING, BENCH_PINGPONG, 64, 1, V1_SMALL_ELEMS, fmt);
			if (c == NULL)
				return -1;
			c->extra_elems = 1;
			c = case_add(l, BENCH_RING, BENCH_THROUGHPUT, 64, 32, V1_SMALL_ELEMS, fmt);
			if (c == NULL)
				return -1;
			c->extra_elems = 1;
		}
	}
#ifdef VMSG_BENCH_HAVE_DPDK
	for (t = BENCH_PINGPONG; rte && t <= BENCH_THROUGHPUT; t++)
		for (j = 0; j < sizeof(bursts) / sizeof(bursts[0]); j++) {
			uint32_t n = rtering_elems(cfg->elems);

			if (t == BENCH_PINGPONG && bursts[j] > n - 1)
				continue;
			if (case_add(l, BENCH_RTE_RING, (enum bench_test)t, 64, bursts[j], n, -1) ==
			    NULL)
				return -1;
		}
#else
	(void)rte;
#endif
	/* transport: 64-byte elements of the ratios' format, as the ring 64/1 it is divided by. */
	if (tp && (case_add(l, BENCH_TRANSPORT, BENCH_GET_STATUS, 64, 1, cfg->elems,
			    cfg->ratio_format) == NULL ||
		   case_add(l, BENCH_TRANSPORT, BENCH_GET_CONFIG32, 64, 1, cfg->elems,
			    cfg->ratio_format) == NULL ||
		   case_add(l, BENCH_TRANSPORT, BENCH_INIT1000, 64, 1, cfg->elems,
			    cfg->ratio_format) == NULL ||
		   case_add(l, BENCH_TRANSPORT, BENCH_INIT1000_ASYNC, 64, 1, cfg->elems,
			    cfg->ratio_format) == NULL))
		return -1;
	if (net && build_net_cases(cfg, l) < 0)
		return -1;
	return 0;
}

static size_t case_area(const struct bench_case *c)
{
	switch (c->mode) {
	case BENCH_LIMIT:
		if (c->test == BENCH_THROUGHPUT)
			return limit_stream_area(c->burst);
		return c->walk ? limit_walk_area(c->elems) : 512;
	case BENCH_RING:
		return ring_area_size(c->elems, c->elem_size);
	case BENCH_RTE_RING:
#ifdef VMSG_BENCH_HAVE_DPDK
		return rtering_area_size(c->elems, c->elem_size);
#else
		break;
#endif
	case BENCH_TRANSPORT:
	case BENCH_NET:
	case BENCH_VHOST:
	case BENCH_PCIE:
	case BENCH_PMD:
		return 512; /* the bus has its own file; testpmd its own memory */
	}
	return 0;
}

static int case_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	memset(out, 0, sizeof(*out));
	switch (c->mode) {
	case BENCH_LIMIT:
		return limit_run(env, c, out);
	case BENCH_RING:
		return ring_run(env, c, out);
	case BENCH_RTE_RING:
#ifdef VMSG_BENCH_HAVE_DPDK
		return rtering_run(env, c, out);
#else
		break;
#endif
	case BENCH_TRANSPORT:
		return transport_run(env, c, out);
	case BENCH_NET:
		return net_run(env, c, out);
	case BENCH_VHOST:
		return vhost_run(env, c, out);
	case BENCH_PCIE:
		break; /* pcie_bench_run() runs its own */
	case BENCH_PMD:
		return pmd_run(env, c, out);
	}
	return -1;
}

/* The case of these parameters, the streaming twin (c->stream) or the other one. */
static const struct bench_case *case_find(const struct case_list *l, enum bench_mode m,
					  enum bench_test t, uint32_t esize, uint32_t burst,
					  int fmt, int stream)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct bench_case *c = &l->v[i];

		if (c->mode == m && c->test == t && c->elem_size == esize && c->burst == burst &&
		    c->format == fmt && !c->extra_elems && c->stream == stream && !c->walk)
			return c;
	}
	return NULL;
}

const struct bench_case *bench_case_find_walk(const struct case_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].mode == BENCH_LIMIT && l->v[i].walk)
			return &l->v[i];
	return NULL;
}

const struct bench_case *bench_case_find(const struct case_list *l, enum bench_mode m,
					 enum bench_test t, uint32_t esize, uint32_t burst, int fmt)
{
	return case_find(l, m, t, esize, burst, fmt, 0);
}

/* The streaming twin of a case (c->stream), or NULL. */
const struct bench_case *bench_case_find_stream(const struct case_list *l, enum bench_mode m,
						enum bench_test t, uint32_t esize, uint32_t burst,
						int fmt)
{
	return case_find(l, m, t, esize, burst, fmt, 1);
}

/* The 64-byte pps case of net (polling: notify 0) or of vhost-user (split: path 0). */
const struct bench_case *bench_case_find_pps64(const struct case_list *l, enum bench_mode m)
{
	size_t i;

	const struct bench_case *first = NULL;

	/* net: the ring mode the library negotiates by default, when it ran. */
	for (i = 0; i < l->n; i++) {
		const struct bench_case *c = &l->v[i];

		if (c->mode == m && c->test == BENCH_NET_PPS && c->elem_size == 64 &&
		    c->notify == 0 && c->path == 0) {
			if (m != BENCH_NET || c->ring == BENCH_RING_DEFAULT)
				return c;
			if (first == NULL)
				first = c;
		}
	}
	return first;
}

/* The ratios' measurements first (limit, then what divides by it), then the rest. */
#define NFIRST 13

static int is_first(const struct bench_case *const *first, const struct bench_case *c)
{
	for (int j = 0; j < NFIRST; j++)
		if (first[j] == c)
			return 1;
	return 0;
}

static int is_net_family(const struct bench_case *c)
{
	return c->mode == BENCH_NET || bench_case_is_testpmd(c);
}

static size_t *run_order(const struct case_list *l)
{
	size_t *order = malloc((l->n ? l->n : 1) * sizeof(*order)), k = 0, i, j;
	size_t na = 0, nb = 0, ia, ib, *ours, *refs,
	       *merged = malloc((l->n ? l->n : 1) * sizeof(*order));
	const struct bench_case *first[NFIRST];
	struct bench_ratios r[2];

	if (order == NULL || merged == NULL) {
		free(order);
		free(merged);
		return NULL;
	}
	bench_ratios_of(l, RTE_VMSG_LINK_FMT_STAMPED, &r[0]);
	bench_ratios_of(l, RTE_VMSG_LINK_FMT_COMPAT, &r[1]);
	first[0] = r[0].limit_pp;
	first[1] = r[0].ring_pp;
	first[2] = r[1].ring_pp;
	/*
	 * The ring's throughput between its two references, the stream and
	 * rte_ring, each with its streaming twin (the ratios take the better
	 * of each pair).
	 */
	first[3] = r[0].limit_stream_plain;
	first[4] = r[0].limit_stream_nt;
	first[5] = r[0].ring_tput_plain;
	first[6] = r[1].ring_tput_plain;
	first[7] = r[1].ring_tput_stream;
	first[8] = r[0].ring_tput_stream; /* direct stores, where the CPU has them */
	first[9] = r[0].rte_tput;
	/* transport GET_DEVICE_STATUS right after the ring ping-pong it is divided by. */
	first[10] = r[0].tp_status != NULL ? r[0].tp_status : r[1].tp_status;
	/* net 64 B polling and the vhost-user split path back to back. */
	first[11] = r[0].net_pps;
	first[12] = r[0].vhost_pps;
	for (j = 0; j < NFIRST; j++)
		if (first[j] != NULL)
			order[k++] = (size_t)(first[j] - l->v);
	/*
	 * Then the rest in list order, but for net: our cells and the testpmd
	 * cells (DPDK's paths, net_vmsg's) alternate, spread evenly, so that
	 * no stretch of minutes holds only DPDK runs or only ours.
	 */
	for (i = 0; i < l->n; i++)
		if (!is_first(first, &l->v[i]) && !is_net_family(&l->v[i]))
			order[k++] = i;
	/* ours[] and refs[] at the end of order[], then merged into place. */
	for (i = 0; i < l->n; i++)
		if (!is_first(first, &l->v[i]) && is_net_family(&l->v[i]) &&
		    !bench_case_is_testpmd(&l->v[i]))
			nb++;
	ours = order + k;
	refs = ours + nb;
	for (i = 0, na = 0, nb = 0; i < l->n; i++) {
		if (is_first(first, &l->v[i]) || !is_net_family(&l->v[i]))
			continue;
		if (bench_case_is_testpmd(&l->v[i]))
			refs[na++] = i;
		else
			ours[nb++] = i;
	}
	/* na testpmd cells among nb of ours: one is due each time its share comes up. */
	for (ia = ib = 0; ia < na || ib < nb;) {
		if (ia < na && (ib == nb || (ia + 1) * (nb + 1) <= (ib + 1) * (na + 1))) {
			merged[ia + ib] = refs[ia];
			ia++;
		} else {
			merged[ia + ib] = ours[ib];
			ib++;
		}
	}
	memcpy(order + k, merged, (na + nb) * sizeof(*order));
	free(merged);
	return order;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * What two back-to-back TSC reads measure (median of 1001): every latency
 * sample includes it, the limit's as much as the rings'.
 */
static double timer_overhead_ns(uint64_t hz)
{
	uint64_t d[1001], t0;
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		t0 = rte_vmsg_tsc();
		d[i] = rte_vmsg_tsc() - t0;
	}
	qsort(d, sizeof(d) / sizeof(d[0]), sizeof(d[0]), cmp_u64);
	return (double)d[500] * 1e9 / (double)hz;
}

/* The smallest step the TSC makes here (coarser than 1 tick in some VMs). */
static double tsc_step_ns(uint64_t hz)
{
	uint64_t prev = rte_vmsg_tsc(), t, step = UINT64_MAX;
	int k = 0;

	while (k < 64) {
		t = rte_vmsg_tsc();
		if (t != prev) {
			if (t - prev < step)
				step = t - prev;
			prev = t;
			k++;
		}
	}
	return (double)step * 1e9 / (double)hz;
}

/* DPDK refused @p c's path (-ENOTSUP): every cell of that path, at any size, is refused. */
static void refuse_path(struct case_list *l, const struct bench_case *c)
{
	for (size_t i = 0; i < l->n; i++) {
		struct bench_case *o = &l->v[i];

		if (o->mode == c->mode && o->path == c->path) {
			o->refused = 1;
			if (o != c)
				snprintf(o->note, sizeof(o->note), "%s", c->note);
		}
	}
}

int bench_run_all(struct bench_cfg *cfg, const char *mode)
{
	int crc;
	int limit = 0, ring = 0, rte = 0, tp = 0, net = 0, rc = BENCH_EXIT_FAIL, prog = isatty(2);
	int demo = strcmp(mode, "demo") == 0, json_ok = 0, plot_ok = 0;
	struct bench_ratios main_r, other_r;
	struct case_list l = { NULL, 0, 0 };
	struct bench_env env;
	size_t i, area = 4096, *order = NULL, step = 0, steps = 0;
	uint64_t t_start = rte_vmsg_time_ns();
	uint32_t rep;

	/* The progress line only on a terminal: a log or a pipe never sees a \r. */
	bench_progress_tty = prog;
	if (demo)
		limit = ring = tp = net = 1; /* their parts only: build_demo_cases() */
	else if (strcmp(mode, "all") == 0)
		limit = ring = rte = tp = net = 1;
	else if (strcmp(mode, "limit") == 0)
		limit = 1;
	else if (strcmp(mode, "ring") == 0)
		ring = 1;
	else if (strcmp(mode, "rte-ring") == 0)
		rte = 1;
	else if (strcmp(mode, "transport") == 0)
		tp = 1;
	else if (strcmp(mode, "net") == 0)
		net = 1;
#ifndef VMSG_BENCH_HAVE_DPDK
	if (rte && !limit) {
		fprintf(stderr, "vmsg-bench: mode rte-ring needs DPDK, and this build has none "
				"(install libdpdk-dev and reconfigure with -Ddpdk=enabled)\n");
		return BENCH_EXIT_USAGE;
	}
#endif
	memset(&env, 0, sizeof(env));
	env.cfg = cfg;
	if ((demo ? build_demo_cases(cfg, &l) : build_cases(cfg, &l, limit, ring, rte, tp, net)) <
	    0) {
		fprintf(stderr, "vmsg-bench: out of memory\n");
		goto out;
	}
	for (i = 0; i < l.n; i++) {
		l.v[i].nruns = cfg->repeat;
		l.v[i].runs = calloc(cfg->repeat, sizeof(struct bench_run));
		if (l.v[i].runs == NULL) {
			fprintf(stderr, "vmsg-bench: out of memory\n");
			goto out;
		}
		if (case_area(&l.v[i]) > area)
			area = case_area(&l.v[i]);
	}
	/* Every cell, the testpmd ones too, runs --repeat times: their medians are reported. */
	for (i = 0; i < l.n; i++)
		steps += l.v[i].nruns;
	if (cfg->numa_node >= 0 && bench_numa_bind(cfg->numa_node) < 0) {
		rc = BENCH_EXIT_USAGE;
		goto out;
	}
	env.tsc_hz = rte_vmsg_tsc_hz();
	env.timer_ns = timer_overhead_ns(env.tsc_hz);
	env.tsc_step_ns = tsc_step_ns(env.tsc_hz);
	/* Every sample slot touched now, so that no page fault happens in a timed loop. */
	env.ticks = bench_samples_alloc(cfg->samples);
	if (env.ticks == NULL) {
		fprintf(stderr, "vmsg-bench: no memory for %llu samples\n",
			(unsigned long long)cfg->samples);
		goto out;
	}
	rc = bench_mem_open(&env, area);
	if (rc < 0) {
		rc = -rc;
		goto out;
	}
	rc = BENCH_EXIT_FAIL;

	printf("vmsg-bench %s: CPUs %d,%d (%s), memory %s %s%s, TSC %.1f MHz (a read pair: "
	       "%.1f ns)\n",
	       rte_vmsg_version(), cfg->cpu[0], cfg->cpu[1], cfg->procs ? "processes" : "threads",
	       env.mem_kind, env.mem_path, cfg->numa_node >= 0 ? ", NUMA-bound" : "",
	       (double)env.tsc_hz / 1e6, env.timer_ns);
	printf("%llu ping-pong samples and %llu throughput messages per run, %u run%s per "
	       "measurement%s, link N=%u\n",
	       (unsigned long long)cfg->samples, (unsigned long long)cfg->messages, cfg->repeat,
	       cfg->repeat > 1 ? "s" : "", cfg->repeat > 1 ? " (the median is reported)" : "",
	       cfg->elems);
	if (cfg->perf) {
		if (bench_perf_probe(cfg->perf == 2) < 0)
			goto out_mem;
		bench_perf_describe(stdout);
	}
	fflush(stdout);

	/*
	 * Repetitions interleaved, so that drift of a noisy host spreads over
	 * all measurements alike; in each, the measurements the ratios pair
	 * run first and back to back.
	 */
	order = run_order(&l);
	if (order == NULL) {
		fprintf(stderr, "vmsg-bench: out of memory\n");
		goto out_mem;
	}
	for (rep = 0; rep < cfg->repeat; rep++)
		for (i = 0; i < l.n; i++) {
			struct bench_case *c = &l.v[order[i]];
			char name[96];

			if (rep >= c->nruns)
				continue;
			bench_case_name(c, name, sizeof(name));
			step++;
			/* A path DPDK refused is not tried again: the refusal is its result. */
			if (c->refused) {
				c->runs[rep].invalid = BENCH_RUN_FAILED;
				continue;
			}
			if (prog) {
				uint64_t s = (rte_vmsg_time_ns() - t_start) / 1000000000u;

				int w = steps >= 100 ? 3 : steps >= 10 ? 2 : 1;

				/* "[ 7/21] NAME run 2/3  0:35", rewritten in place. */
				fprintf(stderr, "\r\033[K[%*zu/%zu] %s run %u/%u  %u:%02u", w, step,
					steps, name, rep + 1, c->nruns, (unsigned)(s / 60),
					(unsigned)(s % 60));
			}
			crc = case_run(&env, c, &c->runs[rep]);
			if (crc < 0 && bench_case_is_testpmd(c)) {
				/* A reference run that fails is reported as such, never used. */
				c->runs[rep].invalid = BENCH_RUN_FAILED;
				if (crc == -ENOTSUP)
					refuse_path(&l, c);
				fprintf(stderr, "%svmsg-bench: %s run %u %s: reported, not used\n",
					prog ? "\n" : "", name, rep + 1,
					crc == -ENOTSUP ? "refused by DPDK" : "failed");
				continue;
			}
			if (crc < 0) {
				fprintf(stderr, "%svmsg-bench: %s failed (run %u)\n",
					prog ? "\n" : "", name, rep + 1);
				goto out_mem;
			}
		}
	if (prog)
		fprintf(stderr, "\r\033[K");

	printf("\n");
	bench_print_header(stdout);
	for (i = 0; i < l.n; i++) {
		if (bench_case_is_testpmd(&l.v[i]))
			bench_mark_outliers(&l.v[i]);
		bench_pick_median(&l.v[i]);
		bench_print_case(stdout, &l.v[i]);
	}
	if (cfg->verbose && cfg->repeat > 1) {
		printf("\nevery run:\n");
		for (i = 0; i < l.n; i++)
			for (rep = 0; rep < l.v[i].nruns; rep++)
				bench_print_run(stdout, &l.v[i], rep);
	}
	printf("\nlatency: round trip of a burst, ns; throughput: TSC cycles per message at the "
	       "consumer; link messages fill the element (stamped: elem - %u B); transport "
	       "init1000: per device, open to DRIVER_OK\n",
	       RTE_VMSG_STAMP_HDR_SIZE);
	if (net)
		printf("net: always two processes (device, driver); elem is the frame size; pps "
		       "in the Mmsg/s column (Mpps received by the driver, each sent back); lat: "
		       "one packet's round trip. vhost_user: dpdk-testpmd's Rx-pps on the vhost "
		       "side, median of its samples\n");
	for (i = 0; i < l.n; i++)
		if (bench_test_is_init(l.v[i].test)) {
			printf("\n");
			bench_print_init(stdout, &l.v[i]);
		}

	bench_ratios_of(&l, cfg->ratio_format, &main_r);
	bench_ratios_of(&l, !cfg->ratio_format, &other_r);
	if (limit && ring && rte) {
		printf("\nratios (%s format, link N=%u, spin %s):\n",
		       bench_format_name(cfg->ratio_format), cfg->elems,
		       bench_spin_pause ? "pause" : "tight");
		bench_print_ratios(&main_r, "  ");
		if (cfg->formats == (BENCH_FMT_COMPAT | BENCH_FMT_STAMPED)) {
			printf("info, %s format (not the reported ratios):\n",
			       bench_format_name(!cfg->ratio_format));
			bench_print_ratios(&other_r, "  info: ");
		}
		printf("info: TSC step %.1f ns, so every latency is a multiple of it",
		       env.tsc_step_ns);
		if (main_r.limit_pp != NULL)
			printf("; one step is %.2f of the p50 ratio",
			       env.tsc_step_ns /
				       main_r.limit_pp->runs[main_r.limit_pp->median].p50_ns);
		printf("\n");
		bench_print_paired(&main_r, "info, ratio format:");
		if (cfg->formats == (BENCH_FMT_COMPAT | BENCH_FMT_STAMPED))
			bench_print_paired(&other_r, "info, other format:");
	}
	if (tp && !demo && !(limit && ring && rte) && main_r.init >= 0) {
		printf("\nratio:\n");
		bench_print_init_ratio(&main_r, "  ");
		bench_print_paired(&main_r, "info:");
	}
	if (net && !demo)
		bench_print_dpdk_ref(&l, &main_r, cfg->dpdk_mem);
	if (net && !demo && !(limit && ring && rte)) {
		printf("\nratio:\n");
		if (main_r.net >= 0)
			bench_print_paired(&main_r, "info:");
		bench_print_net_ratio(&main_r, "  ");
		bench_print_net_ratios(&main_r, "  ");
	}
	if (net && !demo)
		pmd_ratios_print(&main_r.pmd);
	rc = 0;
	if (cfg->json != NULL) {
		json_ok = bench_json_write(cfg->json, &env, l.v, l.n, &main_r,
					   cfg->formats == (BENCH_FMT_COMPAT | BENCH_FMT_STAMPED)
						   ? &other_r
						   : NULL) == 0;
		if (!json_ok)
			rc = BENCH_EXIT_FAIL;
	}
	if (cfg->plot != NULL) {
		plot_ok = bench_plot_write(cfg->plot, &env, l.v, l.n) == 0;
		if (!plot_ok)
			rc = BENCH_EXIT_FAIL;
	}
	bench_print_summary(cfg, &l, &main_r, json_ok ? cfg->json : NULL,
			    plot_ok ? cfg->plot : NULL,
			    (double)(rte_vmsg_time_ns() - t_start) / 1e9);
out_mem:
	bench_mem_close(&env);
out:
	for (i = 0; i < l.n; i++)
		free(l.v[i].runs);
	free(order);
	free(l.v);
	bench_samples_free(env.ticks, cfg->samples);
	return rc;
}
