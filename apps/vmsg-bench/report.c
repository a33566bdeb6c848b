/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-bench: the ratios of ARCHITECTURE.md §5, run by run too, and the
 * summary table of the key figures.
 */

#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <rte_vmsg.h>
#include <rte_vmsg_ring.h>

#include "bench.h"
#include "vhost_ref.h"

const struct bench_case *bench_best_pps(const struct case_list *l, enum bench_mode m, uint32_t size)
{
	const struct bench_case *best = NULL;
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct bench_case *c = &l->v[i];

		if (c->mode != m || c->test != BENCH_NET_PPS || c->elem_size != size ||
		    c->nruns == 0 || (m == BENCH_NET && c->notify != 0) ||
		    (bench_case_is_testpmd(c) && !bench_case_valid(c)))
			continue;
		if (best == NULL || c->runs[c->median].mps > best->runs[best->median].mps)
			best = c;
	}
	return best;
}

/* Of two measurements of a rate, the one with the higher median (either may be NULL). */
static const struct bench_case *better_rate(const struct bench_case *a, const struct bench_case *b)
{
	if (a == NULL || b == NULL || !bench_case_valid(b))
		return a != NULL ? a : b;
	if (!bench_case_valid(a))
		return b;
	return b->runs[b->median].mps > a->runs[a->median].mps ? b : a;
}

void bench_ratios_of(const struct case_list *l, int fmt, struct bench_ratios *r)
{
	static const uint32_t best_sizes[] = BENCH_BEST_SIZES;
	int k;

	memset(r, 0, sizeof(*r));
	r->format = fmt;
	r->pp = r->tput = r->tp = r->net = r->init = r->stream = r->walk = r->burst_stream = -1;
	r->init_sync = bench_case_find(l, BENCH_TRANSPORT, BENCH_INIT1000, 64, 1, fmt);
	r->init_async = bench_case_find(l, BENCH_TRANSPORT, BENCH_INIT1000_ASYNC, 64, 1, fmt);
	if (r->init_sync != NULL && r->init_async != NULL &&
	    r->init_sync->runs[r->init_sync->median].real_ns > 0)
		r->init = r->init_async->runs[r->init_async->median].real_ns /
			  r->init_sync->runs[r->init_sync->median].real_ns;
	r->net_pps = bench_case_find_pps64(l, BENCH_NET);
	r->vhost_pps = bench_case_find_pps64(l, BENCH_VHOST);
	if (r->net_pps != NULL && r->vhost_pps != NULL && bench_case_valid(r->vhost_pps))
		r->net = r->net_pps->runs[r->net_pps->median].mps /
			 r->vhost_pps->runs[r->vhost_pps->median].mps;
	/* Our best ring mode, polling, over DPDK's best path, each at that size. */
	for (k = 0; k < 2; k++) {
		r->net_best[k] = -1;
		r->ours_best[k] = bench_best_pps(l, BENCH_NET, best_sizes[k]);
		r->dpdk_best[k] = bench_best_pps(l, BENCH_VHOST, best_sizes[k]);
		if (r->ours_best[k] != NULL && r->dpdk_best[k] != NULL)
			r->net_best[k] = r->ours_best[k]->runs[r->ours_best[k]->median].mps /
					 r->dpdk_best[k]->runs[r->dpdk_best[k]->median].mps;
	}
	pmd_ratios(l, &r->pmd);
	r->limit_pp = bench_case_find(l, BENCH_LIMIT, BENCH_PINGPONG, 64, 1, -1);
	r->ring_pp = bench_case_find(l, BENCH_RING, BENCH_PINGPONG, 64, 1, fmt);
	r->ring_tput_plain = bench_case_find(l, BENCH_RING, BENCH_THROUGHPUT, 64, 32, fmt);
	r->ring_tput_stream = bench_case_find_stream(l, BENCH_RING, BENCH_THROUGHPUT, 64, 32, fmt);
	r->ring_tput = better_rate(r->ring_tput_plain, r->ring_tput_stream);
	r->rte_tput = bench_case_find(l, BENCH_RTE_RING, BENCH_THROUGHPUT, 64, 32, -1);
	r->tp_status = bench_case_find(l, BENCH_TRANSPORT, BENCH_GET_STATUS, 64, 1, fmt);
	if (r->tp_status != NULL && r->ring_pp != NULL)
		r->tp = r->tp_status->runs[r->tp_status->median].p50_ns /
			r->ring_pp->runs[r->ring_pp->median].p50_ns;
	if (r->limit_pp != NULL && r->ring_pp != NULL)
		r->pp = r->ring_pp->runs[r->ring_pp->median].p50_ns /
			r->limit_pp->runs[r->limit_pp->median].p50_ns;
	if (r->ring_tput != NULL && r->rte_tput != NULL)
		r->tput = r->ring_tput->runs[r->ring_tput->median].mps /
			  r->rte_tput->runs[r->rte_tput->median].mps;
	r->limit_stream_plain =
		bench_case_find(l, BENCH_LIMIT, BENCH_THROUGHPUT, 64, BENCH_STREAM_LINES, -1);
	r->limit_stream_nt = bench_case_find_stream(l, BENCH_LIMIT, BENCH_THROUGHPUT, 64,
						    BENCH_STREAM_LINES, -1);
	r->limit_stream = better_rate(r->limit_stream_plain, r->limit_stream_nt);
	if (r->ring_tput != NULL && r->limit_stream != NULL)
		r->stream = r->ring_tput->runs[r->ring_tput->median].mps /
			    r->limit_stream->runs[r->limit_stream->median].mps;
	/* The floors (not targets): the walk bounds a consumer that polls the element. */
	r->limit_walk = bench_case_find_walk(l);
	if (fmt == RTE_VMSG_LINK_FMT_STAMPED && r->limit_walk != NULL && r->ring_pp != NULL)
		r->walk = r->ring_pp->runs[r->ring_pp->median].p50_ns /
			  r->limit_walk->runs[r->limit_walk->median].p50_ns;
	r->burst_stream_plain =
		bench_case_find(l, BENCH_LIMIT, BENCH_THROUGHPUT, 64, BENCH_TPUT_BURST, -1);
	r->burst_stream_nt =
		bench_case_find_stream(l, BENCH_LIMIT, BENCH_THROUGHPUT, 64, BENCH_TPUT_BURST, -1);
	r->burst_stream_best = better_rate(r->burst_stream_plain, r->burst_stream_nt);
	/*
	 * Not for the stamped format's streaming twin: each of its elements is
	 * its own direct store, and nothing is published per burst.
	 */
	if (r->ring_tput != NULL && r->burst_stream_best != NULL &&
	    !(r->ring_tput->stream && r->ring_tput->format == RTE_VMSG_LINK_FMT_STAMPED))
		r->burst_stream = r->ring_tput->runs[r->ring_tput->median].mps /
				  r->burst_stream_best->runs[r->burst_stream_best->median].mps;
}

/* The same ratios run by run: how much of the spread is the host's. */
void bench_print_paired(const struct bench_ratios *r, const char *indent)
{
	uint32_t i;

	if (r->pp >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->ring_pp->nruns; i++)
			printf(" %.3f", r->ring_pp->runs[i].p50_ns / r->limit_pp->runs[i].p50_ns);
		printf(" (p50); means: %.1f / %.1f ns = %.3f\n",
		       r->ring_pp->runs[r->ring_pp->median].mean_ns,
		       r->limit_pp->runs[r->limit_pp->median].mean_ns,
		       r->ring_pp->runs[r->ring_pp->median].mean_ns /
			       r->limit_pp->runs[r->limit_pp->median].mean_ns);
	}
	if (r->tput >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->ring_tput->nruns; i++)
			printf(" %.3f", r->ring_tput->runs[i].mps / r->rte_tput->runs[i].mps);
		printf(" (Mmsg/s)\n");
	}
	if (r->stream >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->ring_tput->nruns; i++)
			printf(" %.3f", r->ring_tput->runs[i].mps / r->limit_stream->runs[i].mps);
		printf(" (ring Mmsg/s / stream Mlines/s)\n");
	}
	if (r->tp >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->tp_status->nruns; i++)
			printf(" %.3f", r->tp_status->runs[i].p50_ns / r->ring_pp->runs[i].p50_ns);
		printf(" (transport p50 / ring p50)\n");
	}
	if (r->net >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->net_pps->nruns && i < r->vhost_pps->nruns; i++)
			if (r->vhost_pps->runs[i].invalid == BENCH_RUN_OK)
				printf(" %.3f",
				       r->net_pps->runs[i].mps / r->vhost_pps->runs[i].mps);
			else
				printf(" -");
		printf(" (net Mpps / vhost-user split Mpps; -: a reference run not used)\n");
	}
	if (r->init >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->init_async->nruns; i++)
			printf(" %.3f",
			       r->init_async->runs[i].real_ns / r->init_sync->runs[i].real_ns);
		printf(" (init1000 asynchronous / synchronous)\n");
	}
}

void bench_print_init_ratio(const struct bench_ratios *r, const char *indent)
{
	if (r->init >= 0)
		printf("%sinit1000_async_over_sync %6.3f   init1000async %.1f us / init1000 %.1f "
		       "us (target <= %.1f: %s)\n",
		       indent, r->init, r->init_async->runs[r->init_async->median].real_ns / 1e3,
		       r->init_sync->runs[r->init_sync->median].real_ns / 1e3, TARGET_INIT,
		       r->init <= TARGET_INIT ? "met" : "NOT met");
}

/*
 * What bounds the ring's two physical ratios, beside them: the stamped
 * ping-pong over the walk, and ring 64/32 over the stream published once per
 * burst of 32 lines (doc/vmsg-bench.md, "Floors"). Not targets.
 */
static void bench_print_floors(const struct bench_ratios *r, const char *indent)
{
	if (r->walk >= 0)
		printf("%s  floor: ring 64/1 p50 over the walk %.3f (walk p50 %.1f ns: "
		       "each message in the next of %u lines, as this format's consumer "
		       "polls them)\n",
		       indent, r->walk, r->limit_walk->runs[r->limit_walk->median].p50_ns,
		       r->limit_walk->elems);
	if (r->burst_stream >= 0)
		printf("%s  floor: ring 64/32 over the stream at its burst %.3f (%u lines per "
		       "block%s: %.2f Mlines/s)\n",
		       indent, r->burst_stream, r->burst_stream_best->burst,
		       r->burst_stream_best->stream ? ", non-temporal" : "",
		       r->burst_stream_best->runs[r->burst_stream_best->median].mps / 1e6);
}

void bench_print_ratios(const struct bench_ratios *r, const char *indent)
{
	if (r->pp >= 0)
		printf("%sring_pp_p50_over_limit  %6.3f   ring 64/1 p50 %.1f ns / limit p50 %.1f "
		       "ns "
		       "(target <= %.2f: %s)\n",
		       indent, r->pp, r->ring_pp->runs[r->ring_pp->median].p50_ns,
		       r->limit_pp->runs[r->limit_pp->median].p50_ns, TARGET_PP(r->format),
		       r->pp <= TARGET_PP(r->format) ? "met" : "NOT met");
	else
		printf("%sring_pp_p50_over_limit  not measured\n", indent);
	if (r->tput >= 0)
		printf("%sring_tput_over_rte_ring %6.3f   ring 64/32%s %.2f Mmsg/s / rte_ring "
		       "64/32 "
		       "%.2f Mmsg/s (target >= %.1f: %s)\n",
		       indent, r->tput, r->ring_tput->stream ? " streaming" : "",
		       r->ring_tput->runs[r->ring_tput->median].mps / 1e6,
		       r->rte_tput->runs[r->rte_tput->median].mps / 1e6, TARGET_TPUT,
		       r->tput >= TARGET_TPUT ? "met" : "NOT met");
	else
		printf("%sring_tput_over_rte_ring not measured%s\n", indent,
#ifdef VMSG_BENCH_HAVE_DPDK
		       ""
#else
		       " (this build has no DPDK)"
#endif
		);
	if (r->stream >= 0)
		printf("%sring_tput_over_stream_limit %6.3f   ring 64/32%s %.2f Mmsg/s / stream of "
		       "64 B lines%s %.2f Mlines/s (target >= %.1f: %s)\n",
		       indent, r->stream, r->ring_tput->stream ? " streaming" : "",
		       r->ring_tput->runs[r->ring_tput->median].mps / 1e6,
		       r->limit_stream->stream ? " (non-temporal)" : "",
		       r->limit_stream->runs[r->limit_stream->median].mps / 1e6, TARGET_STREAM,
		       r->stream >= TARGET_STREAM ? "met" : "NOT met");
	else if (r->ring_tput != NULL)
		printf("%sring_tput_over_stream_limit not measured (limit not run)\n", indent);
	bench_print_floors(r, indent);
	if (r->tp >= 0)
		printf("%stransport_rtt_p50_over_ring_pp %6.3f   transport get_status p50 %.1f ns "
		       "/ "
		       "ring 64/1 p50 %.1f ns (target <= %.1f: %s)\n",
		       indent, r->tp, r->tp_status->runs[r->tp_status->median].p50_ns,
		       r->ring_pp->runs[r->ring_pp->median].p50_ns, TARGET_TP,
		       r->tp <= TARGET_TP ? "met" : "NOT met");
	bench_print_init_ratio(r, indent);
	if (r->net_pps != NULL)
		bench_print_net_ratio(r, indent);
	bench_print_net_ratios(r, indent);
}

const char *bench_verdict(int met, const struct bench_case *ref)
{
	if (!bench_ref_nohuge(ref))
		return met ? "met" : "NOT met";
	return met ? "not counted: met against a --no-huge reference"
		   : "NOT met, against a --no-huge reference";
}

void bench_print_net_ratio(const struct bench_ratios *r, const char *indent)
{
	if (r->net >= 0)
		printf("%snet_mpps_over_vhost_user %6.3f   net 64 B polling %.2f Mpps / vhost-user "
		       "split %.2f Mpps (target >= %.1f: %s)\n",
		       indent, r->net, r->net_pps->runs[r->net_pps->median].mps / 1e6,
		       r->vhost_pps->runs[r->vhost_pps->median].mps / 1e6, TARGET_NET,
		       bench_verdict(r->net >= TARGET_NET, r->vhost_pps));
	else
		printf("%snet_mpps_over_vhost_user not measured (no vhost-user reference)\n",
		       indent);
}

/* net{64,1518}_mpps_over_dpdk_best, each with its target (when net was measured). */
void bench_print_net_ratios(const struct bench_ratios *r, const char *indent)
{
	static const uint32_t sizes[] = BENCH_BEST_SIZES;
	static const double target[] = { TARGET_NET64_BEST, TARGET_NET1518_BEST };
	static const char *const key[] = { "net64_mpps_over_dpdk_best",
					   "net1518_mpps_over_dpdk_best" };
	int k;

	for (k = 0; k < 2; k++) {
		const struct bench_case *o = r->ours_best[k], *d = r->dpdk_best[k];

		if (o == NULL)
			continue;
		if (r->net_best[k] < 0) {
			printf("%s%s not measured (no valid DPDK reference at %u B)\n", indent,
			       key[k], sizes[k]);
			continue;
		}
		printf("%s%s %6.3f   net %u B polling, our best (%s) %.2f Mpps / DPDK best (%s) "
		       "%.2f Mpps (target >= %.1f: %s)\n",
		       indent, key[k], r->net_best[k], sizes[k], bench_ring_name(o->ring),
		       o->runs[o->median].mps / 1e6, bench_vhost_path_name(d->path),
		       d->runs[d->median].mps / 1e6, target[k],
		       bench_verdict(r->net_best[k] >= target[k], d));
	}
}

/*
 * The DPDK reference, path by path: the median of each size, every run
 * (failed and outliers marked), the memory, refusals, and the best path of
 * each size, the reference of every *_over_dpdk_best ratio.
 */
void bench_print_dpdk_ref(const struct case_list *l, const struct bench_ratios *r, int dpdk_mem)
{
	static const uint32_t sizes[] = BENCH_BEST_SIZES;
	int path, k, any = 0, huge = -1, mixed = 0;
	size_t i;
	uint32_t j;

	for (i = 0; i < l->n; i++) {
		const struct bench_case *c = &l->v[i];

		if (c->mode != BENCH_VHOST)
			continue;
		for (j = 0; j < c->nruns; j++)
			if (c->runs[j].invalid != BENCH_RUN_FAILED) {
				mixed |= huge >= 0 && huge != !c->runs[j].nohuge;
				huge = !c->runs[j].nohuge;
			}
		any = 1;
	}
	if (!any)
		return;
	printf("\nDPDK vhost-user/virtio-user reference (testpmd, one forwarding core each; %s):\n",
	       mixed	   ? "some runs on hugepages, some with --no-huge"
	       : huge == 1 ? "hugepages, --single-file-segments"
	       : huge == 0 && dpdk_mem == VHOST_REF_MEM_NOHUGE
		       ? "--no-huge, as --dpdk-mem asked: ratios against it are not counted"
	       : huge == 0 ? "--no-huge: no hugepages free, ratios against it are not counted"
			   : "no run succeeded");
	printf("  %-21s %-30s %s\n", "path", "64 B Mpps: median (runs)", "1518 B Mpps");
	for (path = 0; path < 32; path++) {
		char col[2][96];
		int seen = 0;

		for (k = 0; k < 2; k++) {
			const struct bench_case *c = NULL;
			size_t n = 0;

			for (i = 0; i < l->n; i++)
				if (l->v[i].mode == BENCH_VHOST && l->v[i].path == path &&
				    l->v[i].test == BENCH_NET_PPS && l->v[i].elem_size == sizes[k])
					c = &l->v[i];
			snprintf(col[k], sizeof(col[k]), "-");
			if (c == NULL)
				continue;
			seen = 1;
			if (c->refused) {
				snprintf(col[k], sizeof(col[k]), "refused by DPDK");
				continue;
			}
			n = (size_t)snprintf(col[k], sizeof(col[k]), "%s", "not used");
			if (bench_case_valid(c))
				n = (size_t)snprintf(col[k], sizeof(col[k]), "%.2f",
						     c->runs[c->median].mps / 1e6);
			/* Every run: its figure (* an outlier), or failed. */
			for (j = 0; j < c->nruns && n + 16 < sizeof(col[k]); j++) {
				const struct bench_run *u = &c->runs[j];

				if (u->invalid == BENCH_RUN_FAILED)
					n += (size_t)snprintf(col[k] + n, sizeof(col[k]) - n,
							      "%sfailed", j ? " " : " (");
				else
					n += (size_t)snprintf(
						col[k] + n, sizeof(col[k]) - n, "%s%.2f%s%s",
						j ? " " : " (", u->mps / 1e6,
						u->invalid == BENCH_RUN_OUTLIER ? "*" : "",
						mixed && u->nohuge ? "n" : "");
			}
			if (c->nruns > 0 && n + 1 < sizeof(col[k]))
				snprintf(col[k] + n, sizeof(col[k]) - n, ")");
		}
		if (seen)
			printf("  %-21s %-30s %s\n", bench_vhost_path_name(path), col[0], col[1]);
	}
	for (k = 0; k < 2; k++)
		if (r->dpdk_best[k] != NULL)
			printf("  best path at %u B: %s, %.2f Mpps\n", sizes[k],
			       bench_vhost_path_name(r->dpdk_best[k]->path),
			       r->dpdk_best[k]->runs[r->dpdk_best[k]->median].mps / 1e6);
		else
			printf("  best path at %u B: none (no path has a valid median)\n",
			       sizes[k]);
	printf("  a run below half, or above twice, the median of its path's other runs at "
	       "that size is an outlier (*): shown, never used\n");
	if (mixed)
		printf("  n: a run with --no-huge (no hugepages free then): a ratio whose "
		       "reference's "
		       "median is one is not counted\n");
	for (i = 0; i < l->n; i++)
		if (l->v[i].mode == BENCH_VHOST && l->v[i].note[0] != '\0' &&
		    (l->v[i].refused || l->v[i].nvalid < l->v[i].nruns))
			printf("  note, %s %u B: %s\n", bench_vhost_path_name(l->v[i].path),
			       l->v[i].elem_size, l->v[i].note);
}

/* ------------------------------------------------------------------------ */
/* The summary table: one line per key figure, then where the files went.   */

static const struct bench_case *find_net(const struct case_list *l, enum bench_test t,
					 uint32_t size)
{
	const struct bench_case *first = NULL;
	size_t i;

	/* The ring mode the library negotiates by default, when it ran; else the first. */
	for (i = 0; i < l->n; i++)
		if (l->v[i].mode == BENCH_NET && l->v[i].test == t && l->v[i].elem_size == size &&
		    l->v[i].notify == 0) {
			if (l->v[i].ring == BENCH_RING_DEFAULT)
				return &l->v[i];
			if (first == NULL)
				first = &l->v[i];
		}
	return first;
}

static const struct bench_run *med(const struct bench_case *c)
{
	return &c->runs[c->median];
}

static void sum_line(const char *figure, const char *value, const char *against, const char *target)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "  %-44s %13s  %-24s %s", figure, value, against,
			 target);

	/* No trailing blanks when the last columns are empty. */
	while (n > 0 && (size_t)n < sizeof(line) && line[n - 1] == ' ')
		line[--n] = '\0';
	puts(line);
}

/* @p ref: the DPDK reference divided by, or NULL (bench_verdict()). */
static void sum_ratio(const char *figure, const char *value, double ratio, const char *against,
		      int le, double target, const struct bench_case *ref)
{
	char a[64], t[80];
	int met = le ? ratio <= target : ratio >= target;

	snprintf(a, sizeof(a), "%.3f x %s", ratio, against);
	snprintf(t, sizeof(t), "%s %g: %s", le ? "<=" : ">=", target, bench_verdict(met, ref));
	sum_line(figure, value, a, t);
}

void bench_print_summary(const struct bench_cfg *cfg, const struct case_list *l,
			 const struct bench_ratios *r, const char *json, const char *plot,
			 double wall_s)
{
	const struct bench_case *c;
	char v[64], fig[64];
	uint32_t sizes_net[] = { 64, 256, 1518 };
	size_t i;

	printf("\nsummary (%s format, CPUs %d,%d, %s, %.1f s):\n",
	       bench_format_name(cfg->ratio_format), cfg->cpu[0], cfg->cpu[1],
	       cfg->procs ? "two processes" : "two threads", wall_s);
	sum_line("figure", "value", "ratio", "target");
	if (r->limit_pp != NULL) {
		snprintf(v, sizeof(v), "%.1f ns", med(r->limit_pp)->p50_ns);
		sum_line("limit ping-pong p50 (the floor)", v, "-", "");
	}
	if (r->ring_pp != NULL) {
		snprintf(v, sizeof(v), "%.1f ns", med(r->ring_pp)->p50_ns);
		snprintf(fig, sizeof(fig), "ring ping-pong p50, 64 B burst 1");
		if (r->pp >= 0)
			sum_ratio(fig, v, r->pp, "limit", 1, TARGET_PP(r->format), NULL);
		else
			sum_line(fig, v, "-", "");
	}
	if (r->limit_stream != NULL) {
		snprintf(v, sizeof(v), "%.2f Ml/s", med(r->limit_stream)->mps / 1e6);
		sum_line(r->limit_stream->stream
				 ? "limit stream of 64-byte lines (the floor; non-temporal)"
				 : "limit stream of 64-byte lines (the floor)",
			 v, "-", "");
	}
	/* A reference first, then the figure divided by it, with the ratio. */
	if (r->rte_tput != NULL) {
		snprintf(v, sizeof(v), "%.2f Mmsg/s", med(r->rte_tput)->mps / 1e6);
		sum_line("DPDK rte_ring throughput, 64 B burst 32", v, "-", "");
	}
	if (r->ring_tput != NULL) {
		snprintf(v, sizeof(v), "%.2f Mmsg/s", med(r->ring_tput)->mps / 1e6);
		snprintf(fig, sizeof(fig), "ring throughput, 64 B burst 32%s",
			 r->ring_tput->stream ? " (streaming)" : "");
		if (r->tput >= 0)
			sum_ratio(fig, v, r->tput, "rte_ring", 0, TARGET_TPUT, NULL);
		else
			sum_line(fig, v, "-", "");
		if (r->stream >= 0)
			sum_ratio("  the same, over the stream limit", "", r->stream, "stream", 0,
				  TARGET_STREAM, NULL);
		if (r->burst_stream >= 0) {
			snprintf(v, sizeof(v), "%.3f x stream/%u", r->burst_stream,
				 r->burst_stream_best->burst);
			sum_line("  the same, over the stream at its burst", "", v, "(a floor)");
		}
	}
	if (r->tp_status != NULL) {
		snprintf(v, sizeof(v), "%.1f ns", med(r->tp_status)->p50_ns);
		if (r->tp >= 0)
			sum_ratio("transport round trip p50, GET_DEVICE_STATUS", v, r->tp,
				  "ring ping-pong", 1, TARGET_TP, NULL);
		else
			sum_line("transport round trip p50, GET_DEVICE_STATUS", v, "-", "");
	}
	c = bench_case_find(l, BENCH_TRANSPORT, BENCH_GET_CONFIG32, 64, 1, cfg->ratio_format);
	if (c != NULL) {
		snprintf(v, sizeof(v), "%.1f ns", med(c)->p50_ns);
		sum_line("transport round trip p50, GET_CONFIG 32 B", v, "-", "");
	}
	c = r->init_sync;
	if (c != NULL && med(c)->devices > 0) {
		snprintf(v, sizeof(v), "%.2f us", med(c)->real_ns / med(c)->devices / 1e3);
		sum_line("transport init, per device (of 1000)", v, "-", "");
	}
	/* The asynchronous init, divided by the synchronous one of the same run. */
	c = r->init_async;
	if (c != NULL && med(c)->devices > 0) {
		snprintf(v, sizeof(v), "%.2f us", med(c)->real_ns / med(c)->devices / 1e3);
		if (r->init >= 0)
			sum_ratio("transport init, per device, asynchronous", v, r->init,
				  "synchronous", 1, TARGET_INIT, NULL);
		else
			sum_line("transport init, per device, asynchronous", v, "-", "");
	}
	if (r->vhost_pps != NULL && bench_case_valid(r->vhost_pps)) {
		snprintf(v, sizeof(v), "%.2f Mpps", med(r->vhost_pps)->mps / 1e6);
		sum_line("DPDK vhost-user split 64 B (reference)", v, "-", "");
	} else if (r->vhost_pps != NULL) {
		sum_line("DPDK vhost-user split 64 B (reference)", "no valid run", "-", "");
	} else if (r->net_pps != NULL) {
		sum_line("DPDK vhost-user split 64 B (reference)", "not run", "-",
			 !strcmp(cfg->mode, "demo") ? "(--vhost-ref runs it)" : "");
	}
	for (i = 0; i < sizeof(sizes_net) / sizeof(sizes_net[0]); i++) {
		c = find_net(l, BENCH_NET_PPS, sizes_net[i]);
		if (c == NULL)
			continue;
		snprintf(v, sizeof(v), "%.2f Mpps", med(c)->mps / 1e6);
		snprintf(fig, sizeof(fig), "virtio-net %u B, polling", sizes_net[i]);
		if (c == r->net_pps && r->net >= 0)
			sum_ratio(fig, v, r->net, "vhost-user", 0, TARGET_NET, r->vhost_pps);
		else
			sum_line(fig, v, "-", "");
	}
	/* DPDK's best path at each size, then our best ring mode divided by it. */
	for (i = 0; i < 2; i++) {
		static const uint32_t bs[] = BENCH_BEST_SIZES;
		static const double bt[] = { TARGET_NET64_BEST, TARGET_NET1518_BEST };
		const struct bench_case *d = r->dpdk_best[i], *o = r->ours_best[i];

		if (o == NULL || r->vhost_pps == NULL)
			continue;
		snprintf(fig, sizeof(fig), "DPDK best path %u B: %s", bs[i],
			 d != NULL ? bench_vhost_path_name(d->path) : "none valid");
		if (d != NULL)
			snprintf(v, sizeof(v), "%.2f Mpps", med(d)->mps / 1e6);
		else
			snprintf(v, sizeof(v), "-");
		sum_line(fig, v, "-", "");
		snprintf(fig, sizeof(fig), "virtio-net %u B, polling, our best ring", bs[i]);
		snprintf(v, sizeof(v), "%.2f Mpps", med(o)->mps / 1e6);
		if (r->net_best[i] >= 0)
			sum_ratio(fig, v, r->net_best[i], "DPDK best", 0, bt[i], d);
		else
			sum_line(fig, v, "-", "");
	}
	c = find_net(l, BENCH_NET_LAT, 64);
	if (c != NULL) {
		snprintf(v, sizeof(v), "%.1f ns", med(c)->p50_ns);
		sum_line("virtio-net 64 B round trip p50, polling", v, "-", "");
	}
	if (bench_perf.on) {
		double csw = 0, pgf = 0;

		for (i = 0; i < l->n; i++) {
			csw += med(&l->v[i])->perf[BENCH_PERF_CTX_SWITCHES];
			pgf += med(&l->v[i])->perf[BENCH_PERF_PAGE_FAULTS];
		}
		/*
		 * What a reader of the figures needs to know first: were they
		 * disturbed? (User space only, context switches are not counted.)
		 */
		if (csw > 0 || pgf > 0)
			printf("perf: %.0f context switches, %.0f page faults in the timed parts\n"
			       "  (median runs): the measuring side was interrupted (the ctxsw\n"
			       "  and pgfault columns say where)\n",
			       csw, pgf);
		else
			printf("perf: no %spage fault in the timed parts (median runs)\n",
			       bench_perf.exclude_kernel ? "" : "context switch and no ");
	}
	if (json != NULL)
		printf("JSON written to %s\n", json);
	if (plot != NULL)
		printf("plot written to %s\n", plot);
	if (json == NULL && plot == NULL)
		printf("no files written (--json FILE, --plot FILE.svg)\n");
}
