/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Results: percentiles from every sample, the median run, the table on
 * stdout and the JSON file in Google Benchmark's format.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg.h>

#include "bench.h"

#ifndef VMSG_BENCH_BUILD_TYPE
#define VMSG_BENCH_BUILD_TYPE "unknown"
#endif

const char *bench_mode_name(enum bench_mode m)
{
	switch (m) {
	case BENCH_LIMIT:
		return "limit";
	case BENCH_RING:
		return "ring";
	case BENCH_RTE_RING:
		return "rte_ring";
	case BENCH_TRANSPORT:
		return "transport";
	case BENCH_NET:
		return "net";
	case BENCH_VHOST:
		return "vhost_user";
	case BENCH_PCIE:
		return "pcie";
	case BENCH_PMD:
		return "net_vmsg_pmd";
	}
	return "?";
}

const char *bench_notify_name(int notify)
{
	return notify == 0 ? "poll" : "event";
}

const char *bench_pcie_placement_name(int placement)
{
	return placement == 1 ? "bar" : placement == 2 ? "host" : "default";
}

/* pcie: the placement and the notify mode, "host-poll" ... */
static const char *pcie_variant(const struct bench_case *c)
{
	static const char *const v[3][2] = {
		{ "default-poll", "default-event" },
		{ "bar-poll", "bar-event" },
		{ "host-poll", "host-event" },
	};

	return v[c->path >= 0 && c->path <= 2 ? c->path : 0][c->notify != 0];
}

/* The column and name part after the burst: link format, notify mode or vhost path. */
static const char *variant_name(const struct bench_case *c)
{
	/* net: the notify mode, then the ring mode unless packed in-order (enum bench_ring). */
	static const char *const net_names[2][4] = {
		{ "poll/split", "poll/split-io", "poll/packed", "poll" },
		{ "event/split", "event/split-io", "event/packed", "event" },
	};

	if (c->mode == BENCH_PCIE)
		return pcie_variant(c);
	if (c->mode == BENCH_NET)
		return net_names[c->notify != 0][c->ring & 3];
	if (c->mode == BENCH_VHOST)
		return bench_vhost_path_name(c->path);
	if (c->mode == BENCH_PMD)
		return bench_pmd_path_name(c->path);
	if (c->walk)
		return "walk";
	/*
	 * The streaming twins: the ring's with RTE_VMSG_LINK_F_STREAM
	 * (non-temporal, or direct stores in the stamped format), the limit's
	 * stream.
	 */
	if (c->stream)
		return c->mode == BENCH_LIMIT			? "stream"
		       : c->format == RTE_VMSG_LINK_FMT_STAMPED ? "stamped-stream"
								: "compat-stream";
	return bench_format_name(c->format);
}

const char *bench_test_name(enum bench_test t)
{
	switch (t) {
	case BENCH_PINGPONG:
		return "pingpong";
	case BENCH_THROUGHPUT:
		return "throughput";
	case BENCH_GET_STATUS:
		return "get_status";
	case BENCH_GET_CONFIG32:
		return "get_config32";
	case BENCH_INIT1000:
		return "init1000";
	case BENCH_INIT1000_ASYNC:
		return "init1000async";
	case BENCH_NET_PPS:
		return "pps";
	case BENCH_NET_LAT:
		return "lat";
	case BENCH_BUS_PING:
		return "ping";
	}
	return "?";
}

const char *bench_format_name(int format)
{
	return format == 0 ? "compat" : format == 1 ? "stamped" : "-";
}

const char *bench_ring_name(enum bench_ring ring)
{
	static const char *const names[4] = { "split", "split-io", "packed", "packed-io" };

	return names[ring & 3];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Nearest rank: the smallest sample with at least p of all samples at or below it. */
static uint64_t rank(const uint64_t *sorted, uint64_t n, double p)
{
	uint64_t k = (uint64_t)ceil(p * (double)n);

	return sorted[k == 0 ? 0 : k - 1];
}

/*
 * The percentile curve of --plot: BENCH_CURVE_PTS points evenly spaced in
 * nines, x = -log10(1 - p), from the minimum (x = 0) to p99.99 (x = 4), or
 * to the rarest percentile the samples resolve (x = log10(n)).
 */
static void bench_curve(const uint64_t *sorted, uint64_t n, double ns, struct bench_run *out)
{
	double xmax = log10((double)n);
	uint32_t k;

	if (xmax > 4)
		xmax = 4;
	out->curve_x_max = xmax;
	out->ncurve = n > 1 ? BENCH_CURVE_PTS : 0;
	for (k = 0; k < out->ncurve; k++) {
		double x = xmax * k / (BENCH_CURVE_PTS - 1);

		out->curve[k] = (float)((double)rank(sorted, n, 1 - pow(10, -x)) * ns);
	}
}

void bench_latency_stats(uint64_t *ticks, uint64_t n, uint64_t hz, struct bench_run *out)
{
	double ns = 1e9 / (double)hz, sum = 0;
	uint64_t i;

	qsort(ticks, n, sizeof(*ticks), cmp_u64);
	for (i = 0; i < n; i++)
		sum += (double)ticks[i];
	out->iterations = n;
	out->p50_ns = (double)rank(ticks, n, 0.50) * ns;
	out->p99_ns = (double)rank(ticks, n, 0.99) * ns;
	out->p999_ns = (double)rank(ticks, n, 0.999) * ns;
	out->max_ns = (double)ticks[n - 1] * ns;
	out->mean_ns = sum / (double)n * ns;
	bench_curve(ticks, n, ns, out);
}

/*
 * Names: <mode>/<test>/<element size>/<burst>, then for link measurements
 * /<format> (compat or stamped; compat-stream, stamped-stream with
 * RTE_VMSG_LINK_F_STREAM),
 * for the limit's stream of non-temporal stores /stream, for its walk /walk,
 * then /elems:<N> only for the extra measurements at an element count other
 * than --elems (the N=63 ones).
 */
void bench_case_name(const struct bench_case *c, char *buf, size_t cap)
{
	int k = snprintf(buf, cap, "%s/%s/%u/%u", bench_mode_name(c->mode),
			 bench_test_name(c->test), c->elem_size, c->burst);

	if (k < 0 || (size_t)k >= cap)
		return;
	/* transport names carry no format (its label does); net its notify mode, vhost its path. */
	if ((c->format >= 0 && c->mode != BENCH_TRANSPORT) || c->stream || c->walk ||
	    c->mode == BENCH_NET || c->mode == BENCH_VHOST || c->mode == BENCH_PCIE ||
	    c->mode == BENCH_PMD)
		k += snprintf(buf + k, cap - (size_t)k, "/%s", variant_name(c));
	if (c->extra_elems && (size_t)k < cap)
		snprintf(buf + k, cap - (size_t)k, "/elems:%u", c->elems);
}

static double run_key(const struct bench_case *c, const struct bench_run *r)
{
	/* init1000, init1000async: the time to initialise every device. */
	if (bench_test_is_init(c->test))
		return r->real_ns;
	return !bench_test_is_rate(c->test) ? r->p50_ns : r->mps;
}

void bench_pick_median(struct bench_case *c)
{
	uint32_t i, j, below, same, mid, n = 0;

	/* Failed runs and outliers are never the median: count the others. */
	for (i = 0; i < c->nruns; i++)
		n += c->runs[i].invalid == BENCH_RUN_OK;
	c->nvalid = n;
	c->median = 0;
	/*
	 * The run whose key (p50, time or msg/s) has as many valid runs above
	 * as below it. Of an even count (a run failed or left out as an
	 * outlier), the better of the two middle ones: the higher rate, the
	 * lower latency or time. A reference left with two runs is then never
	 * measured by its weaker one, and neither is our own case.
	 */
	mid = n == 0 ? 0 : bench_test_is_rate(c->test) ? n / 2 : (n - 1) / 2;
	for (i = 0; i < c->nruns; i++) {
		if (c->runs[i].invalid != BENCH_RUN_OK)
			continue;
		below = same = 0;
		for (j = 0; j < c->nruns; j++) {
			double x = run_key(c, &c->runs[j]), y = run_key(c, &c->runs[i]);

			if (c->runs[j].invalid != BENCH_RUN_OK)
				continue;
			below += x < y;
			same += x == y;
		}
		if (below <= mid && below + same > mid) {
			c->median = i;
			return;
		}
	}
}

static int cmp_double(const void *a, const void *b);

void bench_mark_outliers(struct bench_case *c)
{
	double v[128];
	uint32_t i, j, n;

	for (i = 0; i < c->nruns; i++) {
		double m, x = c->runs[i].mps;

		if (c->runs[i].invalid != BENCH_RUN_OK)
			continue;
		/* The median of the other successful runs (outliers among them included). */
		for (j = n = 0; j < c->nruns && n < 128; j++)
			if (j != i && c->runs[j].invalid != BENCH_RUN_FAILED)
				v[n++] = c->runs[j].mps;
		if (n == 0)
			continue;
		qsort(v, n, sizeof(v[0]), cmp_double);
		m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		if (x * BENCH_OUTLIER_FACTOR < m || x > m * BENCH_OUTLIER_FACTOR)
			c->runs[i].invalid = BENCH_RUN_OUTLIER;
	}
}

/* --perf columns: per iteration for cycles, instructions and task-clock; per run for the rest. */
static const char *perf_col(int ev)
{
	switch (ev) {
	case BENCH_PERF_CYCLES:
		return "cyc/it";
	case BENCH_PERF_INSTRUCTIONS:
		return "ins/it";
	case BENCH_PERF_TASK_CLOCK:
		return "tclk_ns/it";
	case BENCH_PERF_CTX_SWITCHES:
		return "ctxsw";
	case BENCH_PERF_PAGE_FAULTS:
		return "pgfault";
	default:
		return "migr";
	}
}

static int perf_has_ipc(void)
{
	int i, m = 0;

	for (i = 0; i < bench_perf.n; i++)
		m |= 1 << bench_perf.ev[i];
	return (m & (1 << BENCH_PERF_CYCLES)) && (m & (1 << BENCH_PERF_INSTRUCTIONS));
}

void bench_print_header(FILE *f)
{
	int i;

	fprintf(f, "%-9s %-13s %4s %5s %-7s %5s %9s %9s %9s %10s %9s %8s %8s", "mode", "test",
		"elem", "burst", "format", "elems", "p50_ns", "p99_ns", "p99.9_ns", "max_ns",
		"samples", "Mmsg/s", "cyc/msg");
	for (i = 0; bench_perf.on && i < bench_perf.n; i++)
		fprintf(f, " %10s", perf_col(bench_perf.ev[i]));
	if (bench_perf.on && perf_has_ipc())
		fprintf(f, " %5s", "IPC");
	fputc('\n', f);
}

static void print_perf(FILE *f, const struct bench_run *r, uint64_t iters)
{
	int i, ev;

	for (i = 0; bench_perf.on && i < bench_perf.n; i++) {
		ev = bench_perf.ev[i];
		if ((r->perf_mask & (1u << ev)) == 0 || iters == 0)
			fprintf(f, " %10s", "-");
		else if (ev <= BENCH_PERF_TASK_CLOCK)
			fprintf(f, " %10.1f", r->perf[ev] / (double)iters);
		else
			fprintf(f, " %10.0f", r->perf[ev]);
	}
	if (bench_perf.on && perf_has_ipc()) {
		if ((r->perf_mask & (1u << BENCH_PERF_CYCLES)) && r->perf[BENCH_PERF_CYCLES] > 0)
			fprintf(f, " %5.2f",
				r->perf[BENCH_PERF_INSTRUCTIONS] / r->perf[BENCH_PERF_CYCLES]);
		else
			fprintf(f, " %5s", "-");
	}
}

static void print_line(FILE *f, const struct bench_case *c, const struct bench_run *r,
		       const char *tag)
{
	char elems[16];

	if ((c->mode == BENCH_LIMIT && !c->walk) || c->mode == BENCH_VHOST ||
	    c->mode == BENCH_PCIE || c->mode == BENCH_PMD)
		snprintf(elems, sizeof(elems), "-");
	else
		snprintf(elems, sizeof(elems), "%u", c->elems);
	fprintf(f, "%-9s %-13s %4u %5u %-7s %5s ", bench_mode_name(c->mode),
		bench_test_name(c->test), c->elem_size, c->burst, variant_name(c), elems);
	if (bench_case_is_testpmd(c) && r->invalid == BENCH_RUN_FAILED)
		fprintf(f, "%9s %9s %9s %10s %9s %8s %8s", "-", "-", "-", "-", "-",
			c->refused ? "refused" : "failed", "-");
	else if (bench_case_is_testpmd(c))
		fprintf(f, "%9s %9s %9s %10s %9llu %8.2f %8s", "-", "-", "-", "-",
			(unsigned long long)r->iterations, r->mps / 1e6, "-");
	else if (c->mode == BENCH_LIMIT && bench_test_is_rate(c->test))
		/* The stream: its percentiles are of the time per block (burst lines). */
		fprintf(f, "%9.1f %9.1f %9.1f %10.1f %9llu %8.2f %8.1f", r->p50_ns, r->p99_ns,
			r->p999_ns, r->max_ns, (unsigned long long)r->iterations, r->mps / 1e6,
			r->cycles_per_msg);
	else if (!bench_test_is_rate(c->test))
		fprintf(f, "%9.1f %9.1f %9.1f %10.1f %9llu %8s %8s", r->p50_ns, r->p99_ns,
			r->p999_ns, r->max_ns, (unsigned long long)r->iterations, "-", "-");
	else
		fprintf(f, "%9s %9s %9s %10s %9llu %8.2f %8.1f", "-", "-", "-", "-",
			(unsigned long long)r->iterations, r->mps / 1e6, r->cycles_per_msg);
	print_perf(f, r, bench_test_is_init(c->test) ? r->devices : r->iterations);
	fprintf(f, "%s\n", tag);
}

void bench_print_case(FILE *f, const struct bench_case *c)
{
	char tag[64] = "";

	/* A testpmd cell without a valid run: what happened to it. */
	if (bench_case_is_testpmd(c) && !bench_case_valid(c))
		snprintf(tag, sizeof(tag), "  (%s)",
			 c->refused ? "DPDK refused the path"
			 : c->runs[c->median].invalid == BENCH_RUN_OUTLIER
				 ? "runs disagree: not used"
				 : "failed");
	else if (bench_case_is_testpmd(c) && c->nvalid < c->nruns)
		snprintf(tag, sizeof(tag), "  (median of %u valid runs of %u)", c->nvalid,
			 c->nruns);
	print_line(f, c, &c->runs[c->median], tag);
}

void bench_print_run(FILE *f, const struct bench_case *c, uint32_t i)
{
	char tag[48];

	snprintf(tag, sizeof(tag), "  (run %u/%u%s)", i + 1, c->nruns,
		 c->runs[i].invalid == BENCH_RUN_FAILED	   ? ", failed"
		 : c->runs[i].invalid == BENCH_RUN_OUTLIER ? ", outlier"
							   : "");
	print_line(f, c, &c->runs[i], tag);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The enumeration's own median across the runs (the lower one of an even count). */
double bench_median_enum_ns(const struct bench_case *c, int warm)
{
	double v[128];
	uint32_t i, n = c->nruns < 128 ? c->nruns : 128;

	for (i = 0; i < n; i++)
		v[i] = warm ? c->runs[i].enum_warm_ns : c->runs[i].enum_ns;
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n ? v[(n - 1) / 2] : 0;
}

void bench_print_init(FILE *f, const struct bench_case *c)
{
	const struct bench_run *r = &c->runs[c->median];

	if (c->test == BENCH_INIT1000_ASYNC)
		fprintf(f,
			"transport init1000async (%s format, the init flow's asynchronous calls: "
			"up "
			"to %u devices in flight together):\n",
			bench_format_name(c->format), r->window);
	else
		fprintf(f,
			"transport init1000 (%s format, one device at a time: the init flow's "
			"calls "
			"are synchronous):\n",
			bench_format_name(c->format));
	fprintf(f,
		"  enumerate     %9.1f us  (%u GET_DEVICES windows, %u devices; first of the bus, "
		"again: %.1f us)\n"
		"  init, total   %9.1f us  (open, init with feature negotiation, 2 x vq_setup, "
		"DRIVER_OK)\n"
		"  init, device  %9.2f us  (%.1f requests each; per-device p50 %.2f us, p99 %.2f "
		"us%s)\n",
		bench_median_enum_ns(c, 0) / 1e3, r->enum_requests, r->devices,
		bench_median_enum_ns(c, 1) / 1e3, r->real_ns / 1e3,
		r->devices ? r->real_ns / r->devices / 1e3 : 0.0, r->requests_per_device,
		r->p50_ns / 1e3, r->p99_ns / 1e3,
		c->test == BENCH_INIT1000_ASYNC ? ", start to DRIVER_OK, overlapping" : "");
	if (c->nruns > 1)
		fprintf(f, "  (medians of %u runs: enumerate on its own, init by the total)\n",
			c->nruns);
}

/* ------------------------------------------------------------------------ */
/* JSON                                                                     */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* A number, or null for one not measured (JSON has no NaN). */
static void json_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("null", f);
}

static int read_line(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return -1;
	if (fgets(buf, (int)cap, f) == NULL) {
		fclose(f);
		return -1;
	}
	fclose(f);
	n = strlen(buf);
	while (n > 0 && isspace((unsigned char)buf[n - 1]))
		buf[--n] = '\0';
	return 0;
}

/* CPUs in a list such as "0-3,8". */
static int list_count(const char *s)
{
	int n = 0;

	while (*s != '\0') {
		char *end;
		long a = strtol(s, &end, 10), b = a;

		if (end == s)
			break;
		if (*end == '-')
			b = strtol(end + 1, &end, 10);
		n += (int)(b - a + 1);
		s = *end == ',' ? end + 1 : end;
	}
	return n;
}

static void json_caches(FILE *f, int cpu)
{
	char path[128], type[32], level[16], size[32], shared[256];
	int i, first = 1;

	fputs("[", f);
	for (i = 0; i < 16; i++) {
		char *end;
		long sz;

#define CACHE_ATTR(name, buf)                                                                   \
	(snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cache/index%d/" name, cpu, \
		  i),                                                                           \
	 read_line(path, buf, sizeof(buf)))
		if (CACHE_ATTR("type", type) < 0)
			break;
		if (CACHE_ATTR("level", level) < 0 || CACHE_ATTR("size", size) < 0 ||
		    CACHE_ATTR("shared_cpu_list", shared) < 0)
			continue;
#undef CACHE_ATTR
		sz = strtol(size, &end, 10);
		if (*end == 'K')
			sz <<= 10;
		else if (*end == 'M')
			sz <<= 20;
		fprintf(f, "%s\n      { \"type\": ", first ? "" : ",");
		json_str(f, strcmp(type, "Unified") == 0 || strcmp(type, "Data") == 0 ||
					    strcmp(type, "Instruction") == 0
				    ? type
				    : "Unknown");
		fprintf(f, ", \"level\": %s, \"size\": %ld, \"num_sharing\": %d }", level, sz,
			list_count(shared));
		first = 0;
	}
	fputs(first ? "]" : "\n    ]", f);
}

static int scaling_enabled(void)
{
	char gov[64];

	/* As Google Benchmark decides it: a governor other than "performance". */
	if (read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor", gov, sizeof(gov)) <
	    0)
		return 0;
	return strcmp(gov, "performance") != 0;
}

static long mhz_per_cpu(uint64_t tsc_hz)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");
	double mhz = 0;

	if (f != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (strncmp(line, "cpu MHz", 7) == 0 &&
			    sscanf(strchr(line, ':') + 1, "%lf", &mhz) == 1)
				break;
		fclose(f);
	}
	return mhz > 0 ? lround(mhz) : (long)(tsc_hz / 1000000u);
}

static void json_context(FILE *f, const struct bench_env *env)
{
	const struct bench_cfg *cfg = env->cfg;
	char date[64], host[256], tz[8];
	time_t now = time(NULL);
	struct tm tm;
	double load[3] = { 0, 0, 0 };

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(tz, sizeof(tz), "%z", &tm);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown");
	host[sizeof(host) - 1] = '\0';
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = 0;

	fputs("  \"context\": {\n", f);
	fprintf(f, "    \"date\": \"%s%.3s:%s\",\n", date, tz, tz + 3);
	fputs("    \"host_name\": ", f);
	json_str(f, host);
	fputs(",\n    \"executable\": ", f);
	json_str(f, cfg->argv0);
	fprintf(f, ",\n    \"num_cpus\": %ld,\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "    \"mhz_per_cpu\": %ld,\n", mhz_per_cpu(env->tsc_hz));
	fprintf(f, "    \"cpu_scaling_enabled\": %s,\n", scaling_enabled() ? "true" : "false");
	fputs("    \"caches\": ", f);
	json_caches(f, cfg->cpu[0]);
	fprintf(f, ",\n    \"load_avg\": [%.2f, %.2f, %.2f],\n", load[0], load[1], load[2]);
	fputs("    \"library_build_type\": \"" VMSG_BENCH_BUILD_TYPE "\",\n", f);
	fputs("    \"library_version\": ", f);
	json_str(f, rte_vmsg_version());
	fprintf(f, ",\n    \"mode\": \"%s\",\n", cfg->mode);
	fprintf(f, "    \"cpus\": \"%d,%d\",\n", cfg->cpu[0], cfg->cpu[1]);
	fprintf(f, "    \"sides\": \"%s\",\n", cfg->procs ? "processes" : "threads");
	fprintf(f, "    \"format\": \"%s\",\n",
		cfg->formats == (BENCH_FMT_COMPAT | BENCH_FMT_STAMPED) ? "both"
		: cfg->formats == BENCH_FMT_COMPAT		       ? "compat"
								       : "stamped");
	fprintf(f, "    \"ratio_format\": \"%s\",\n", bench_format_name(cfg->ratio_format));
	fprintf(f, "    \"spin\": \"%s\",\n", bench_spin_pause ? "pause" : "tight");
	fprintf(f, "    \"elems\": %u,\n", cfg->elems);
	fprintf(f, "    \"bus\": \"%s\",\n    \"payloads\": \"%s\",\n",
		cfg->bus_amp ? "amp" : "shm",
		cfg->payloads == RTE_VMSG_PAYLOADS_PRE_V2 ? "pre-v2" : "v2");
	fputs("    \"memory\": ", f);
	json_str(f, env->mem_kind);
	fputs(",\n    \"memory_path\": ", f);
	json_str(f, env->mem_path);
	fprintf(f, ",\n    \"numa_node\": %d,\n", cfg->numa_node);
	fprintf(f, "    \"tsc_hz\": %llu,\n", (unsigned long long)env->tsc_hz);
	fprintf(f, "    \"timer_overhead_ns\": %.1f,\n", env->timer_ns);
	fprintf(f, "    \"tsc_step_ns\": %.1f,\n", env->tsc_step_ns);
	fprintf(f, "    \"repetitions\": %u", cfg->repeat);
	if (env->pcie != NULL) {
		/* The card, and whether the figures mean anything for speed. */
		const struct bench_pcie_env *p = env->pcie;

		fputs(",\n    \"pcie\": { \"bdf\": ", f);
		json_str(f, p->bdf);
		fprintf(f, ", \"vendor_id\": \"%04x\", \"device_id\": \"%04x\", \"profile\": ",
			p->vendor_id, p->device_id);
		json_str(f, p->profile);
		fputs(", \"placement\": ", f);
		json_str(f, p->placement);
		fputs(", \"notify\": ", f);
		json_str(f, p->notify);
		fputs(", \"layout\": ", f);
		json_str(f, p->layout);
		fprintf(f, ", \"iova_pa\": %s }", p->iova_pa ? "true" : "false");
		fprintf(f, ",\n    \"functional_only\": %s", p->functional_only ? "true" : "false");
		fputs(",\n    \"functional_only_why\": ", f);
		json_str(f, p->functional_only ? p->emulated_why : "");
	}
	if (cfg->perf) {
		/* Which counters --perf used, on which side, and why the others are missing. */
		fputs(",\n    \"perf_counters\": ", f);
		json_str(f, bench_perf.counters);
		fputs(",\n    \"perf_unavailable\": ", f);
		json_str(f, bench_perf.unavailable);
		fputs(",\n    \"perf_scope\": ", f);
		json_str(f, bench_perf.on ? (bench_perf.exclude_kernel
						     ? "measuring side's thread, timed part, "
						       "user space only"
						     : "measuring side's thread, timed part")
					  : bench_perf.why);
	}
	fputs("\n  },\n", f);
}

/* Common head of an entry, up to "iterations". */
static void json_head(FILE *f, const struct bench_case *c, const char *name, int family)
{
	fputs("    {\n      \"name\": ", f);
	json_str(f, name);
	fprintf(f, ",\n      \"family_index\": %d,\n", family);
	fputs("      \"per_family_instance_index\": 0,\n", f);
	fputs("      \"run_name\": ", f);
	json_str(f, name);
	fputs(",\n      \"run_type\": \"iteration\",\n", f);
	fprintf(f, "      \"repetitions\": %u,\n", c->nruns);
	fprintf(f, "      \"repetition_index\": %u,\n", c->median);
	fputs("      \"threads\": 1,\n", f);
}

/*
 * --perf: perf_<counter> (the run's total) and perf_<counter>_per_iter for
 * each counter, and perf_ipc with cycles and instructions; each line ends
 * with a comma (the entry goes on).
 */
static void json_perf(FILE *f, const struct bench_run *r, uint64_t iters)
{
	int ev;

	for (ev = 0; ev < BENCH_PERF_NEV; ev++) {
		if ((r->perf_mask & (1u << ev)) == 0)
			continue;
		/* The total as an integer: %.6g would round a count of 10^7 or more. */
		fprintf(f, "      \"perf_%s\": %.0f", bench_perf_key(ev), r->perf[ev]);
		fprintf(f, ",\n      \"perf_%s_per_iter\": ", bench_perf_key(ev));
		json_num(f, iters ? r->perf[ev] / (double)iters : NAN);
		fputs(",\n", f);
	}
	if ((r->perf_mask & (1u << BENCH_PERF_CYCLES)) &&
	    (r->perf_mask & (1u << BENCH_PERF_INSTRUCTIONS))) {
		fputs("      \"perf_ipc\": ", f);
		json_num(f, r->perf[BENCH_PERF_CYCLES] > 0
				    ? r->perf[BENCH_PERF_INSTRUCTIONS] / r->perf[BENCH_PERF_CYCLES]
				    : NAN);
		fputs(",\n", f);
	}
	if (r->perf_mask != 0 && r->perf_scaled)
		fputs("      \"perf_multiplexed\": true,\n", f);
}

/* The percentiles of a latency entry, ending its object. */
static void json_latency(FILE *f, const struct bench_run *r)
{
	fputs("      \"p50_ns\": ", f);
	json_num(f, r->p50_ns);
	fputs(",\n      \"p99_ns\": ", f);
	json_num(f, r->p99_ns);
	fputs(",\n      \"p999_ns\": ", f);
	json_num(f, r->p999_ns);
	fputs(",\n      \"max_ns\": ", f);
	json_num(f, r->max_ns);
	fputs(",\n      \"mean_ns\": ", f);
	json_num(f, r->mean_ns);
	fprintf(f, ",\n      \"samples\": %llu\n", (unsigned long long)r->iterations);
}

/*
 * init1000: one iteration is one device initialised (open to DRIVER_OK), so
 * real_time is the time per device, in microseconds; the counters carry the
 * enumeration, the total and the per-device percentiles.
 */
static void json_init(FILE *f, const struct bench_case *c, const char *name, int family, int last)
{
	const struct bench_run *r = &c->runs[c->median];
	double dev = r->devices ? (double)r->devices : NAN;

	json_head(f, c, name, family);
	fprintf(f, "      \"iterations\": %u,\n", r->devices);
	fputs("      \"real_time\": ", f);
	json_num(f, r->real_ns / dev / 1e3);
	fputs(",\n      \"cpu_time\": ", f);
	json_num(f, r->cpu_ns / dev / 1e3);
	fputs(",\n      \"time_unit\": \"us\",\n", f);
	fputs("      \"items_per_second\": ", f);
	json_num(f, r->mps);
	if (c->test == BENCH_INIT1000_ASYNC)
		fprintf(f,
			",\n      \"label\": \"%s, %u devices, asynchronous calls, up to %u in "
			"flight\",\n",
			bench_format_name(c->format), r->devices, r->window);
	else
		fprintf(f,
			",\n      \"label\": \"%s, %u devices, synchronous calls, one at a "
			"time\",\n",
			bench_format_name(c->format), r->devices);
	fprintf(f, "      \"elem_size\": %u,\n      \"burst\": %u,\n", c->elem_size, c->burst);
	fprintf(f, "      \"elems\": %u,\n", c->elems);
	fprintf(f, "      \"devices\": %u,\n", r->devices);
	fputs("      \"enumerate_us\": ", f);
	json_num(f, bench_median_enum_ns(c, 0) / 1e3);
	fputs(",\n      \"enumerate_again_us\": ", f);
	json_num(f, bench_median_enum_ns(c, 1) / 1e3);
	fprintf(f, ",\n      \"enumerate_requests\": %u,\n", r->enum_requests);
	fputs("      \"init_us\": ", f);
	json_num(f, r->real_ns / 1e3);
	fputs(",\n      \"per_device_us\": ", f);
	json_num(f, r->real_ns / dev / 1e3);
	fputs(",\n      \"requests_per_device\": ", f);
	json_num(f, r->requests_per_device);
	fputs(",\n", f);
	json_perf(f, r, r->devices);
	json_latency(f, r);
	fprintf(f, "    }%s\n", last ? "" : ",");
}

static void json_u64s(FILE *f, const char *key, const uint64_t *v, uint32_t n)
{
	uint32_t i;

	fprintf(f, "      \"%s\": [", key);
	for (i = 0; i < n; i++)
		fprintf(f, "%s%llu", i ? ", " : "", (unsigned long long)v[i]);
	fputs("],\n", f);
}

/*
 * pcie: the card's counters over the timed part, each line ending with a
 * comma (the entry goes on): BAR reads and writes in all and per BAR, per
 * iteration, doorbells, read-backs and interrupts; pps: each way.
 */
static void json_pcie(FILE *f, const struct bench_case *c, const struct bench_run *r)
{
	const struct bench_pcie_counts *p = &r->pcie;
	uint64_t rd = 0, wr = 0;
	double it = r->iterations ? (double)r->iterations : NAN;
	uint32_t i;

	for (i = 0; i < BENCH_PCIE_BARS; i++) {
		rd += p->bar_reads[i];
		wr += p->bar_writes[i];
	}
	fprintf(f, "      \"placement\": \"%s\",\n      \"notify\": \"%s\",\n",
		bench_pcie_placement_name(c->path), bench_notify_name(c->notify));
	fprintf(f, "      \"bar_reads\": %llu,\n      \"bar_writes\": %llu,\n",
		(unsigned long long)rd, (unsigned long long)wr);
	json_u64s(f, "bar_reads_per_bar", p->bar_reads, BENCH_PCIE_BARS);
	json_u64s(f, "bar_writes_per_bar", p->bar_writes, BENCH_PCIE_BARS);
	fputs("      \"bar_reads_per_iter\": ", f);
	json_num(f, (double)rd / it);
	fputs(",\n      \"bar_writes_per_iter\": ", f);
	json_num(f, (double)wr / it);
	fprintf(f,
		",\n      \"doorbells\": %llu,\n      \"doorbell_readbacks\": %llu,\n"
		"      \"interrupts\": %llu,\n",
		(unsigned long long)p->doorbells, (unsigned long long)p->doorbell_readbacks,
		(unsigned long long)p->interrupts);
	if (c->test == BENCH_NET_PPS) {
		fprintf(f, "      \"tx_packets\": %llu,\n      \"rx_packets\": %llu,\n",
			(unsigned long long)p->tx_packets, (unsigned long long)p->rx_packets);
		fputs("      \"tx_pps\": ", f);
		json_num(f, (double)p->tx_packets * 1e9 / r->real_ns);
		fputs(",\n      \"rx_pps\": ", f);
		json_num(f, (double)p->rx_packets * 1e9 / r->real_ns);
		fputs(",\n", f);
	}
}

/*
 * A testpmd cell: its status (ok; refused, failed or outliers: no valid
 * run), every run's Mpps and status (ok, failed, outlier), the memory,
 * virtio-user's Rx path and the note of a failure. Each line starts with a
 * comma (the entry has begun).
 */
static void json_testpmd(FILE *f, const struct bench_case *c)
{
	static const char *const st[] = { "ok", "failed", "outlier" };
	uint32_t i;

	fprintf(f, ",\n      \"status\": \"%s\"",
		bench_case_valid(c)						  ? "ok"
		: c->refused							  ? "refused"
		: c->nruns > 0 && c->runs[c->median].invalid == BENCH_RUN_OUTLIER ? "outliers"
										  : "failed");
	fputs(",\n      \"runs_mpps\": [", f);
	for (i = 0; i < c->nruns; i++) {
		fputs(i ? ", " : "", f);
		json_num(f, c->runs[i].invalid == BENCH_RUN_FAILED ? NAN : c->runs[i].mps / 1e6);
	}
	fputs("],\n      \"runs_status\": [", f);
	for (i = 0; i < c->nruns; i++)
		fprintf(f, "%s\"%s\"", i ? ", " : "",
			st[c->runs[i].invalid >= 0 && c->runs[i].invalid <= 2 ? c->runs[i].invalid
									      : 1]);
	fprintf(f, "],\n      \"hugepages\": %s", c->hugepages ? "true" : "false");
	/* Each run's memory (a failed run's is unknown): the median's decides a caveat. */
	fputs(",\n      \"runs_hugepages\": [", f);
	for (i = 0; i < c->nruns; i++)
		fprintf(f, "%s%s", i ? ", " : "",
			c->runs[i].invalid == BENCH_RUN_FAILED ? "null"
			: c->runs[i].nohuge		       ? "false"
							       : "true");
	fputs("]", f);
	if (c->mode == BENCH_VHOST) {
		fputs(",\n      \"rx_path\": ", f);
		json_str(f, c->rx_path);
	}
	if (c->note[0] != '\0') {
		fputs(",\n      \"note\": ", f);
		json_str(f, c->note);
	}
}

/*
 * Our own cases: every run's figure (the median's key: msg/s of a rate,
 * p50 of a latency), so that the median, and the spread, can be read
 * back from the JSON as from a testpmd cell's runs_mpps.
 */
static void json_runs(FILE *f, const struct bench_case *c)
{
	int rate = bench_test_is_rate(c->test);
	uint32_t i;

	fprintf(f, ",\n      \"%s\": [", rate ? "runs_items_per_second" : "runs_p50_ns");
	for (i = 0; i < c->nruns; i++) {
		const struct bench_run *r = &c->runs[i];

		fputs(i ? ", " : "", f);
		json_num(f, r->invalid != BENCH_RUN_OK ? NAN : rate ? r->mps : r->p50_ns);
	}
	fputs("]", f);
}

static void json_case(FILE *f, const struct bench_case *c, int family, int last)
{
	const struct bench_run *r = &c->runs[c->median];
	char name[96];
	/* A testpmd cell without a valid run: 0 iterations, times 0 (Google Benchmark's numbers). */
	double it = r->iterations ? (double)r->iterations : INFINITY;

	bench_case_name(c, name, sizeof(name));
	if (bench_test_is_init(c->test)) {
		json_init(f, c, name, family, last);
		return;
	}
	json_head(f, c, name, family);
	if (bench_case_is_testpmd(c) && !bench_case_valid(c))
		it = INFINITY;
	fprintf(f, "      \"iterations\": %llu,\n",
		(unsigned long long)(isfinite(it) ? r->iterations : 0));
	fputs("      \"real_time\": ", f);
	json_num(f, r->real_ns / it);
	fputs(",\n      \"cpu_time\": ", f);
	json_num(f, r->cpu_ns / it);
	fputs(",\n      \"time_unit\": \"ns\",\n", f);
	fputs("      \"items_per_second\": ", f);
	/* A testpmd cell without a valid run has no rate: null, and its status says why. */
	json_num(f, bench_case_is_testpmd(c) && !bench_case_valid(c) ? NAN : r->mps);
	if (bench_case_is_testpmd(c))
		json_testpmd(f, c);
	else
		json_runs(f, c);
	fputs(",\n      \"label\": ", f);
	{
		char label[64];

		if (c->mode == BENCH_NET)
			snprintf(label, sizeof(label), "%s, %u B packets", variant_name(c),
				 c->elem_size);
		else if (c->mode == BENCH_VHOST || c->mode == BENCH_PMD)
			snprintf(label, sizeof(label), "dpdk-testpmd %s, %u B packets",
				 variant_name(c), c->elem_size);
		else if (c->mode == BENCH_LIMIT && bench_test_is_rate(c->test))
			snprintf(label, sizeof(label), "stream of 64 B lines, %u per block",
				 c->burst);
		else if (c->walk)
			snprintf(label, sizeof(label),
				 "64 B messages, each in the next of %u lines", c->elems);
		else if (c->mode == BENCH_PCIE)
			snprintf(label, sizeof(label), "%s placement, %s, %s",
				 bench_pcie_placement_name(c->path), c->notify ? "event" : "poll",
				 c->test == BENCH_BUS_PING ? "bus PING" : "virtio-net loopback");
		else
			snprintf(label, sizeof(label), "%s%s%u B messages",
				 c->format >= 0 ? bench_format_name(c->format) : "",
				 c->format >= 0 ? ", " : "", c->msg_bytes);
		json_str(f, label);
	}
	fprintf(f, ",\n      \"elem_size\": %u,\n      \"burst\": %u,\n", c->elem_size, c->burst);
	fprintf(f, "      \"elems\": %u,\n      \"msg_bytes\": %u,\n", c->elems, c->msg_bytes);
	json_perf(f, r, r->iterations);
	if (c->mode == BENCH_PCIE)
		json_pcie(f, c, r);
	if (!bench_test_is_rate(c->test)) {
		json_latency(f, r);
	} else if (c->mode == BENCH_LIMIT) {
		/* The stream: the time per block of c->burst lines, percentiles over the blocks. */
		fputs("      \"block_p50_ns\": ", f);
		json_num(f, r->p50_ns);
		fputs(",\n      \"block_p99_ns\": ", f);
		json_num(f, r->p99_ns);
		fputs(",\n      \"block_p999_ns\": ", f);
		json_num(f, r->p999_ns);
		fputs(",\n      \"block_max_ns\": ", f);
		json_num(f, r->max_ns);
		fprintf(f, ",\n      \"blocks\": %llu,\n",
			(unsigned long long)(c->burst ? r->iterations / c->burst : 0));
		fputs("      \"cycles_per_msg\": ", f);
		json_num(f, r->cycles_per_msg);
		fputs("\n", f);
	} else {
		fputs("      \"cycles_per_msg\": ", f);
		json_num(f, r->cycles_per_msg);
		fputs("\n", f);
	}
	fprintf(f, "    }%s\n", last ? "" : ",");
}

static void json_ratios(FILE *f, const struct bench_ratios *r)
{
	fputs("\"ring_pp_p50_over_limit\": ", f);
	json_num(f, r != NULL && r->pp >= 0 ? r->pp : NAN);
	fputs(", \"ring_tput_over_rte_ring\": ", f);
	json_num(f, r != NULL && r->tput >= 0 ? r->tput : NAN);
	fputs(", \"ring_tput_over_stream_limit\": ", f);
	json_num(f, r != NULL && r->stream >= 0 ? r->stream : NAN);
	/* The third key only when transport was measured in the ratios' format. */
	if (r != NULL && r->tp_status != NULL) {
		fputs(", \"transport_rtt_p50_over_ring_pp\": ", f);
		json_num(f, r->tp >= 0 ? r->tp : NAN);
	}
	/* The init ratio when transport init1000 (either form) was measured. */
	if (r != NULL && (r->init_sync != NULL || r->init_async != NULL)) {
		fputs(", \"init1000_async_over_sync\": ", f);
		json_num(f, r->init >= 0 ? r->init : NAN);
	}
	/* The fourth when net was measured (null without the vhost-user reference). */
	if (r != NULL && r->net_pps != NULL) {
		fputs(", \"net_mpps_over_vhost_user\": ", f);
		json_num(f, r->net >= 0 ? r->net : NAN);
		/* Ours at its best over DPDK's best path, at 64 and 1518 B (null: not both). */
		fputs(", \"net64_mpps_over_dpdk_best\": ", f);
		json_num(f, r->net_best[0] >= 0 ? r->net_best[0] : NAN);
		fputs(", \"net1518_mpps_over_dpdk_best\": ", f);
		json_num(f, r->net_best[1] >= 0 ? r->net_best[1] : NAN);
	}
	/* testpmd over net_vmsg (null without the vhost-user reference). */
	if (r != NULL && r->pmd.measured) {
		fputs(", \"pmd_mpps_over_vhost_split\": ", f);
		json_num(f, r->pmd.over_split >= 0 ? r->pmd.over_split : NAN);
		fputs(", \"pmd64_mpps_over_dpdk_best\": ", f);
		json_num(f, r->pmd.over_best64 >= 0 ? r->pmd.over_best64 : NAN);
		fputs(", \"pmd1518_mpps_over_dpdk_best\": ", f);
		json_num(f, r->pmd.over_best1518 >= 0 ? r->pmd.over_best1518 : NAN);
	}
}

/*
 * "floors", when the limit's walk or its stream at the throughput burst ran:
 * the stamped ring ping-pong p50 over the walk's, and ring 64/32 (the ratio
 * format's) over the better stream at 32 lines per block. Not targets: what
 * bounds ring_pp_p50_over_limit (stamped) and ring_tput_over_stream_limit.
 */
static void json_floors(FILE *f, const struct bench_ratios *m, const struct bench_ratios *o)
{
	const struct bench_ratios *st = m != NULL && m->walk >= 0 ? m : o;

	if (m == NULL || (m->limit_walk == NULL && m->burst_stream_best == NULL))
		return;
	fputs(",\n  \"floors\": { \"stamped_pp_p50_over_walk\": ", f);
	json_num(f, st != NULL && st->walk >= 0 ? st->walk : NAN);
	fputs(", \"ring_tput_over_burst_stream\": ", f);
	json_num(f, m->burst_stream >= 0 ? m->burst_stream : NAN);
	fputs(" }", f);
}

/*
 * "dpdk_reference": the best path at each ratio size (name and Mpps, null
 * when no path has a valid median) and the outlier rule, when vhost-user
 * cells ran.
 */
static void json_dpdk_ref(FILE *f, const struct bench_case *cases, size_t n,
			  const struct bench_ratios *r)
{
	static const uint32_t sizes[] = BENCH_BEST_SIZES;
	size_t i;
	int k, any = 0;

	for (i = 0; i < n; i++)
		any |= cases[i].mode == BENCH_VHOST;
	if (!any || r == NULL)
		return;
	fputs(",\n  \"dpdk_reference\": { ", f);
	for (k = 0; k < 2; k++) {
		const struct bench_case *b = r->dpdk_best[k];

		fprintf(f, "\"best_path_%u\": ", sizes[k]);
		if (b != NULL)
			json_str(f, bench_vhost_path_name(b->path));
		else
			fputs("null", f);
		fprintf(f, ", \"best_mpps_%u\": ", sizes[k]);
		json_num(f, b != NULL ? b->runs[b->median].mps / 1e6 : NAN);
		fputs(", ", f);
	}
	fprintf(f,
		"\"outlier_rule\": \"a run below 1/%g or above %g times the median of its "
		"path's other runs at that size\" }",
		BENCH_OUTLIER_FACTOR, BENCH_OUTLIER_FACTOR);
}

/*
 * "ratio_caveats", when vhost-user cells ran: each ratio key (of either
 * format's ratios) whose DPDK reference's median ran with --no-huge, and why
 * that matters; {} when none did.
 */
static void json_caveats(FILE *f, const struct bench_case *cases, size_t n,
			 const struct bench_ratios *r)
{
	static const char why[] = "the DPDK reference ran with --no-huge (no hugepages free, or "
				  "--dpdk-mem nohuge): weaker than DPDK's own setup, not counted";
	const struct {
		const char *key;
		const struct bench_case *ref;
		int measured;
	} k[] = {
		{ "net_mpps_over_vhost_user", r->vhost_pps, r->net >= 0 },
		{ "net64_mpps_over_dpdk_best", r->dpdk_best[0], r->net_best[0] >= 0 },
		{ "net1518_mpps_over_dpdk_best", r->dpdk_best[1], r->net_best[1] >= 0 },
		{ "pmd_mpps_over_vhost_split", r->pmd.split, r->pmd.over_split >= 0 },
		{ "pmd64_mpps_over_dpdk_best", r->pmd.b64, r->pmd.over_best64 >= 0 },
		{ "pmd1518_mpps_over_dpdk_best", r->pmd.b1518, r->pmd.over_best1518 >= 0 },
	};
	size_t i;
	int any = 0, first = 1;

	for (i = 0; i < n; i++)
		any |= cases[i].mode == BENCH_VHOST;
	if (!any)
		return;
	fputs(",\n  \"ratio_caveats\": {", f);
	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (!k[i].measured || !bench_ref_nohuge(k[i].ref))
			continue;
		fprintf(f, "%s\"%s\": ", first ? " " : ", ", k[i].key);
		json_str(f, why);
		first = 0;
	}
	fputs(first ? "}" : " }", f);
}

int bench_json_write(const char *path, const struct bench_env *env, const struct bench_case *cases,
		     size_t n, const struct bench_ratios *main_ratios,
		     const struct bench_ratios *other_ratios)
{
	FILE *f = fopen(path, "w");
	size_t i;
	int err;

	if (f == NULL) {
		fprintf(stderr, "vmsg-bench: --json %s: %s\n", path, strerror(errno));
		return -1;
	}
	fputs("{\n", f);
	json_context(f, env);
	fputs("  \"benchmarks\": [\n", f);
	for (i = 0; i < n; i++)
		json_case(f, &cases[i], (int)i, i + 1 == n);
	fputs("  ],\n  \"ratios\": { ", f);
	json_ratios(f, main_ratios);
	fputs(" }", f);
	json_dpdk_ref(f, cases, n, main_ratios);
	if (main_ratios != NULL)
		json_caveats(f, cases, n, main_ratios);
	json_floors(f, main_ratios, other_ratios);
	if (other_ratios != NULL) {
		fprintf(f, ",\n  \"ratios_other_format\": { \"format\": \"%s\", ",
			bench_format_name(other_ratios->format));
		json_ratios(f, other_ratios);
		fputs(" }", f);
	}
	fputs("\n}\n", f);
	err = ferror(f);
	if (fclose(f) != 0 || err) {
		fprintf(stderr, "vmsg-bench: --json %s: write failed\n", path);
		return -1;
	}
	return 0;
}
