/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-bench: measures librte_vmsg. The command line, the list of
 * measurements each mode makes, the repetitions, and the ratios of
 * ARCHITECTURE.md §5. Mode "describe" prints what the codec knows.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_vmsg.h>
#include <rte_vmsg_ring.h>

#include "bench.h"

/* Counts that keep a debug build's run short; a release build measures for real. */
#ifdef __OPTIMIZE__
#define DEFAULT_SAMPLES 1000000u
#define DEFAULT_MESSAGES 20000000u
#else
#define DEFAULT_SAMPLES 100000u
#define DEFAULT_MESSAGES 2000000u
#endif
#define QUICK_SAMPLES 10000u
#define QUICK_MESSAGES 200000u
#define MAX_SAMPLES 100000000u /* 800 MB of samples */
#define MAX_MESSAGES 1000000000000u
#define MAX_REPEAT 99u

/* What an 8 KiB v1 area holds with 64-byte elements: reported beside --elems. */
#define V1_SMALL_ELEMS 63u

#define TARGET_PP 1.2
#define TARGET_TPUT 1.5
#define TARGET_TP 2.0
#define TARGET_NET 1.0
#define TARGET_INIT 0.3 /* ARCHITECTURE §5: init1000 asynchronous / synchronous */

/* net: packet sizes (testpmd's: 64, 256 and 1518-byte frames). */
static const uint32_t net_sizes[] = { 64, 256, 1518 };

/* demo's files, in the current directory, unless --json, --plot or --no-files. */
#define DEMO_JSON "vmsg-bench.json"
#define DEMO_PLOT "vmsg-bench.svg"

int bench_progress_tty;

static const uint32_t sizes[] = { 64, 256 };
static const uint32_t bursts[] = { 1, 8, 32 };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vmsg-bench [options] [mode]\n"
		"\n"
		"modes:\n"
		"  demo          (default) under a minute: a device process and a driver process\n"
		"                on hugepages; message latency (the limit, then the ring\n"
		"                ping-pong 64 B burst 1), transport round trips\n"
		"                (GET_DEVICE_STATUS, GET_CONFIG 32 B) and virtio-net pps at 64\n"
		"                and 1518 B with one 64 B round trip, polling; writes\n"
		"                " DEMO_JSON " and " DEMO_PLOT " in the current directory\n"
		"                and ends with a summary table\n"
		"  all           limit, ring, rte-ring, transport and net in one run, then the\n"
		"                ratios (the full suite: about 11 minutes on two vCPUs)\n"
		"  limit         raw cache-line ping-pong between the two CPUs: the physical\n"
		"                floor\n"
		"  ring          ping-pong latency and one-way throughput over an AMP link,\n"
		"                elements of 64 and 256 bytes, bursts of 1, 8 and 32\n"
		"  rte-ring      the same over DPDK rte_ring SP/SC, 64-byte elements%s\n"
		"  transport     the whole stack over the shm backend (64-byte elements of the\n"
		"                ratio format), each end made by its own side: driver handle and\n"
		"                driver-role bus on side 0, device-role bus on side 1 (it makes\n"
		"                the file; with --procs the driver process attaches it by path).\n"
		"                Round trips of GET_DEVICE_STATUS and a 32-byte GET_CONFIG to a\n"
		"                device with 64 B of config; init1000: enumerate 1000 devices\n"
		"                (GET_DEVICES) and initialise each (open, init with feature\n"
		"                negotiation, two queues of 256, DRIVER_OK) with the\n"
		"                synchronous calls, one device at a time; init1000async: the\n"
		"                same with the asynchronous calls, devices in flight together\n"
		"                (the ratio init1000_async_over_sync, target <= 0.3)\n"
		"  net           virtio-net over virtio-msg: a device process (a loopback\n"
		"                virtio-net device: every packet comes back, MACs swapped) and a\n"
		"                driver process on one shm bus file, one CPU each; pps: 512\n"
		"                packets circulate and the driver sends back what it receives;\n"
		"                lat: one packet's round trip; 64, 256 and 1518-byte frames,\n"
		"                polling-only and event modes. Then, when dpdk-testpmd is\n"
		"                installed, DPDK's vhost-user/virtio-user pair (mac forwarding,\n"
		"                one core each; split, split in-order and packed in-order\n"
		"                paths) forwarding the same sizes: the reference of the ratio\n"
		"                net_mpps_over_vhost_user\n"
		"  describe      print every virtio-msg v2 message the codec knows, with an\n"
		"                example frame built and parsed back by the library\n"
		"\n"
		"options:\n"
		"  --cpus A,B            the CPUs of the two sides (default: the first two\n"
		"                        allowed)\n"
		"  --procs               two processes (the peer attaches the memory by path)\n"
		"                        instead of two threads (always on in demo and net)\n"
		"  --hugepages P         auto (a hugetlbfs mount, else shared memory with a\n"
		"                        warning), none (plain shared memory), or a hugetlbfs\n"
		"                        directory (required: fails without free hugepages)\n"
		"  --numa-node N         bind the memory to NUMA node N%s\n"
		"  --format F            link element format: compat, stamped or both (default\n"
		"                        both; demo: the ratio format)\n"
		"  --ratio-format F      the format the ratios use (default compat, the link's\n"
		"                        default format)\n"
		"  --elems N             link elements per direction, 2..65535 (default 1024);\n"
		"                        the ring mode also measures N=63 (an 8 KiB v1 area)\n"
		"  --spin S              how every side of every mode waits between polls: tight\n"
		"                        (default: poll again at once) or pause (a spin-wait\n"
		"                        hint between polls; lowers the limit on some hosts)\n"
		"  --samples N           ping-pong round trips per run (default %u)\n"
		"  --messages N          throughput messages per run (default %u)\n"
		"  --repeat R            runs per measurement, the median is reported (default 3)\n"
		"  --quick               small counts (%u samples, %u messages, 1 run),\n"
		"                        for tests\n"
		"  --json FILE           also write the results in Google Benchmark's JSON\n"
		"                        format; names are <mode>/<test>/<element size>/<burst>,\n"
		"                        then /<format> for ring entries, then /elems:<N> for\n"
		"                        the N=63 extras (e.g. ring/throughput/64/32/stamped)\n"
		"                        (demo default: " DEMO_JSON ")\n"
		"  --plot FILE.svg       draw the latency distribution of every latency case\n"
		"                        (percentile curves of the median run, log scales) as an\n"
		"                        SVG picture (demo default: " DEMO_PLOT ")\n"
		"  --no-files            demo: do not write its two default files (an explicit\n"
		"                        --json or --plot is still written)\n"
		"  --vhost-ref           demo: also run DPDK's vhost-user reference (64 B, split\n"
		"                        path; about ten seconds a run) and the ratio\n"
		"                        net_mpps_over_vhost_user\n"
		"  --perf[=WHEN]         count with perf_event_open around each timed part, on\n"
		"                        the measuring side: cycles and instructions when the\n"
		"                        machine has a PMU, task-clock, context switches, page\n"
		"                        faults and CPU migrations always; printed beside the\n"
		"                        figures and in the JSON. WHEN: auto (default: if the\n"
		"                        kernel refuses, say so and go on without) or require\n"
		"                        (then exit 1)\n"
		"  -v, --verbose         print every run, not only the median\n"
		"  --max-size N          link maximum message size for describe (52..65535,\n"
		"                        default 264)\n"
		"  -h, --help            this text\n"
		"  -V, --version         the library version\n"
		"\n"
		"A progress line is shown on stderr when it is a terminal, never in a pipe or a\n"
		"log. Counts take integers or the forms 1e6, 2e7. Exit status: 0 done (whether\n"
		"or not a target is met), 1 a measurement, a file or the environment failed,\n"
		"2 bad usage. The user guide is doc/vmsg-bench.md, the manual vmsg-bench(1).\n",
#ifdef VMSG_BENCH_HAVE_DPDK
		"",
#else
		" (not in this build: no DPDK)",
#endif
#ifdef VMSG_BENCH_HAVE_NUMA
		"",
#else
		" (not in this build: no libnuma)",
#endif
		DEFAULT_SAMPLES, DEFAULT_MESSAGES, QUICK_SAMPLES, QUICK_MESSAGES);
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* A count: decimal digits, optionally followed by e<digits> (1e6). */
static int parse_count(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	unsigned long long v, e = 0;
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end == 'e' || *end == 'E') {
		const char *x = end + 1;

		if (*x < '0' || *x > '9')
			return -1;
		e = strtoull(x, &end, 10);
		if (errno != 0 || e > 19)
			return -1;
		while (e-- > 0) {
			if (v > hi / 10)
				return -1;
			v *= 10;
		}
	}
	if (*end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

static int parse_format(const char *s, int both_ok)
{
	if (strcmp(s, "compat") == 0)
		return BENCH_FMT_COMPAT;
	if (strcmp(s, "stamped") == 0)
		return BENCH_FMT_STAMPED;
	if (both_ok && strcmp(s, "both") == 0)
		return BENCH_FMT_COMPAT | BENCH_FMT_STAMPED;
	return -1;
}

static int bad_arg(const char *opt, const char *val, const char *expect)
{
	fprintf(stderr, "vmsg-bench: %s '%s': expected %s\n", opt, val, expect);
	return BENCH_EXIT_USAGE;
}

/*
 * An output file is checked before anything runs, so that a long run does
 * not end on a path it cannot write: a name ending in @p ext, not a
 * directory, in a directory that exists and is writable.
 */
static int out_path_check(const char *opt, const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);
	const char *slash = strrchr(path, '/');
	char dir[4096];
	struct stat st;

	if (n <= e || strcmp(path + n - e, ext) != 0 || path[n - e - 1] == '/') {
		fprintf(stderr, "vmsg-bench: %s '%s': expected a file name%s%s\n", opt, path,
			e ? " ending in " : "", ext);
		return -1;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "vmsg-bench: %s '%s': is a directory\n", opt, path);
		return -1;
	}
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	if (access(dir, W_OK) != 0) {
		fprintf(stderr, "vmsg-bench: %s '%s': cannot write in %s (%s)\n", opt, path, dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */

struct case_list {
	struct bench_case *v;
	size_t n, cap;
};

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
	c->msg_bytes = esize - (fmt == RTE_VMSG_LINK_FMT_STAMPED ? RTE_VMSG_STAMP_HDR_SIZE : 0);
	return c;
}

/* net: our cases, then the vhost-user reference when it can run. */
static int build_net_cases(const struct bench_cfg *cfg, struct case_list *l)
{
	struct bench_case *c;
	char why[256];
	size_t i;
	int notify, path;

	for (notify = 0; notify < 2; notify++)
		for (i = 0; i < sizeof(net_sizes) / sizeof(net_sizes[0]); i++) {
			c = case_add(l, BENCH_NET, BENCH_NET_PPS, net_sizes[i], 32, 1024, -1);
			if (c == NULL)
				return -1;
			c->notify = notify;
			c = case_add(l, BENCH_NET, BENCH_NET_LAT, net_sizes[i], 1, 1024, -1);
			if (c == NULL)
				return -1;
			c->notify = notify;
		}
	if (!vhost_usable(why, sizeof(why))) {
		printf("net: no vhost-user reference: %s\n", why);
		return 0;
	}
	/* Each takes about ten seconds (two testpmd start-ups): --quick keeps 64 B only. */
	for (path = 0; path < 3; path++)
		for (i = 0; i < sizeof(net_sizes) / sizeof(net_sizes[0]); i++) {
			if (cfg->quick && net_sizes[i] != 64)
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
	if (case_add(l, BENCH_NET, BENCH_NET_PPS, 64, 32, 1024, -1) == NULL ||
	    case_add(l, BENCH_NET, BENCH_NET_PPS, 1518, 32, 1024, -1) == NULL ||
	    case_add(l, BENCH_NET, BENCH_NET_LAT, 64, 1, 1024, -1) == NULL)
		return -1;
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

	if (limit && case_add(l, BENCH_LIMIT, BENCH_PINGPONG, 64, 1, 0, -1) == NULL)
		return -1;
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
		return 512;
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
	}
	return -1;
}

/* ------------------------------------------------------------------------ */
/* Ratios                                                                   */

static const struct bench_case *find(const struct case_list *l, enum bench_mode m,
				     enum bench_test t, uint32_t esize, uint32_t burst, int fmt)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct bench_case *c = &l->v[i];

		if (c->mode == m && c->test == t && c->elem_size == esize && c->burst == burst &&
		    c->format == fmt && !c->extra_elems)
			return c;
	}
	return NULL;
}

/* The 64-byte pps case of net (polling: notify 0) or of vhost-user (split: path 0). */
static const struct bench_case *find_pps64(const struct case_list *l, enum bench_mode m)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct bench_case *c = &l->v[i];

		if (c->mode == m && c->test == BENCH_NET_PPS && c->elem_size == 64 &&
		    c->notify == 0 && c->path == 0)
			return c;
	}
	return NULL;
}

static void ratios_of(const struct case_list *l, int fmt, struct bench_ratios *r)
{
	memset(r, 0, sizeof(*r));
	r->format = fmt;
	r->pp = r->tput = r->tp = r->net = r->init = -1;
	r->init_sync = find(l, BENCH_TRANSPORT, BENCH_INIT1000, 64, 1, fmt);
	r->init_async = find(l, BENCH_TRANSPORT, BENCH_INIT1000_ASYNC, 64, 1, fmt);
	if (r->init_sync != NULL && r->init_async != NULL &&
	    r->init_sync->runs[r->init_sync->median].real_ns > 0)
		r->init = r->init_async->runs[r->init_async->median].real_ns /
			  r->init_sync->runs[r->init_sync->median].real_ns;
	r->net_pps = find_pps64(l, BENCH_NET);
	r->vhost_pps = find_pps64(l, BENCH_VHOST);
	if (r->net_pps != NULL && r->vhost_pps != NULL)
		r->net = r->net_pps->runs[r->net_pps->median].mps /
			 r->vhost_pps->runs[r->vhost_pps->median].mps;
	r->limit_pp = find(l, BENCH_LIMIT, BENCH_PINGPONG, 64, 1, -1);
	r->ring_pp = find(l, BENCH_RING, BENCH_PINGPONG, 64, 1, fmt);
	r->ring_tput = find(l, BENCH_RING, BENCH_THROUGHPUT, 64, 32, fmt);
	r->rte_tput = find(l, BENCH_RTE_RING, BENCH_THROUGHPUT, 64, 32, -1);
	r->tp_status = find(l, BENCH_TRANSPORT, BENCH_GET_STATUS, 64, 1, fmt);
	if (r->tp_status != NULL && r->ring_pp != NULL)
		r->tp = r->tp_status->runs[r->tp_status->median].p50_ns /
			r->ring_pp->runs[r->ring_pp->median].p50_ns;
	if (r->limit_pp != NULL && r->ring_pp != NULL)
		r->pp = r->ring_pp->runs[r->ring_pp->median].p50_ns /
			r->limit_pp->runs[r->limit_pp->median].p50_ns;
	if (r->ring_tput != NULL && r->rte_tput != NULL)
		r->tput = r->ring_tput->runs[r->ring_tput->median].mps /
			  r->rte_tput->runs[r->rte_tput->median].mps;
}

/* The ratios' measurements first (limit, then what divides by it), then the rest. */
static size_t *run_order(const struct case_list *l)
{
	size_t *order = malloc((l->n ? l->n : 1) * sizeof(*order)), k = 0, i, j;
	const struct bench_case *first[10];
	struct bench_ratios r[2];

	if (order == NULL)
		return NULL;
	ratios_of(l, RTE_VMSG_LINK_FMT_STAMPED, &r[0]);
	ratios_of(l, RTE_VMSG_LINK_FMT_COMPAT, &r[1]);
	first[0] = r[0].limit_pp;
	first[1] = r[0].ring_pp;
	first[2] = r[1].ring_pp;
	first[3] = r[0].rte_tput;
	first[4] = r[0].ring_tput;
	first[5] = r[1].ring_tput;
	/* transport GET_DEVICE_STATUS right after the ring ping-pong it is divided by. */
	first[6] = r[0].tp_status != NULL ? r[0].tp_status : r[1].tp_status;
	/* net 64 B polling and the vhost-user split path back to back. */
	first[7] = r[0].net_pps;
	first[8] = r[0].vhost_pps;
	first[9] = NULL;
	for (j = 0; j < 9; j++)
		if (first[j] != NULL)
			order[k++] = (size_t)(first[j] - l->v);
	for (i = 0; i < l->n; i++) {
		for (j = 0; j < 9 && first[j] != &l->v[i]; j++)
			;
		if (j == 9)
			order[k++] = i;
	}
	return order;
}

/* The same ratios run by run: how much of the spread is the host's. */
static void print_paired(const struct bench_ratios *r, const char *indent)
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
	if (r->tp >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->tp_status->nruns; i++)
			printf(" %.3f", r->tp_status->runs[i].p50_ns / r->ring_pp->runs[i].p50_ns);
		printf(" (transport p50 / ring p50)\n");
	}
	if (r->net >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->net_pps->nruns; i++)
			printf(" %.3f", r->net_pps->runs[i].mps / r->vhost_pps->runs[i].mps);
		printf(" (net Mpps / vhost-user split Mpps)\n");
	}
	if (r->init >= 0) {
		printf("%s  per run, paired:", indent);
		for (i = 0; i < r->init_async->nruns; i++)
			printf(" %.3f",
			       r->init_async->runs[i].real_ns / r->init_sync->runs[i].real_ns);
		printf(" (init1000 asynchronous / synchronous)\n");
	}
}

static void print_init_ratio(const struct bench_ratios *r, const char *indent)
{
	if (r->init >= 0)
		printf("%sinit1000_async_over_sync %6.3f   init1000async %.1f us / init1000 %.1f "
		       "us "
		       "(target <= %.1f: %s)\n",
		       indent, r->init, r->init_async->runs[r->init_async->median].real_ns / 1e3,
		       r->init_sync->runs[r->init_sync->median].real_ns / 1e3, TARGET_INIT,
		       r->init <= TARGET_INIT ? "met" : "NOT met");
}

static void print_ratios(const struct bench_ratios *r, const char *indent)
{
	if (r->pp >= 0)
		printf("%sring_pp_p50_over_limit  %6.3f   ring 64/1 p50 %.1f ns / limit p50 %.1f "
		       "ns "
		       "(target <= %.1f: %s)\n",
		       indent, r->pp, r->ring_pp->runs[r->ring_pp->median].p50_ns,
		       r->limit_pp->runs[r->limit_pp->median].p50_ns, TARGET_PP,
		       r->pp <= TARGET_PP ? "met" : "NOT met");
	else
		printf("%sring_pp_p50_over_limit  not measured\n", indent);
	if (r->tput >= 0)
		printf("%sring_tput_over_rte_ring %6.3f   ring 64/32 %.2f Mmsg/s / rte_ring 64/32 "
		       "%.2f Mmsg/s (target >= %.1f: %s)\n",
		       indent, r->tput, r->ring_tput->runs[r->ring_tput->median].mps / 1e6,
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
	if (r->tp >= 0)
		printf("%stransport_rtt_p50_over_ring_pp %6.3f   transport get_status p50 %.1f ns "
		       "/ "
		       "ring 64/1 p50 %.1f ns (target <= %.1f: %s)\n",
		       indent, r->tp, r->tp_status->runs[r->tp_status->median].p50_ns,
		       r->ring_pp->runs[r->ring_pp->median].p50_ns, TARGET_TP,
		       r->tp <= TARGET_TP ? "met" : "NOT met");
	print_init_ratio(r, indent);
	if (r->net >= 0)
		printf("%snet_mpps_over_vhost_user %6.3f   net 64 B polling %.2f Mpps / vhost-user "
		       "split %.2f Mpps (target >= %.1f: %s)\n",
		       indent, r->net, r->net_pps->runs[r->net_pps->median].mps / 1e6,
		       r->vhost_pps->runs[r->vhost_pps->median].mps / 1e6, TARGET_NET,
		       r->net >= TARGET_NET ? "met" : "NOT met");
	else if (r->net_pps != NULL)
		printf("%snet_mpps_over_vhost_user not measured (no vhost-user reference)\n",
		       indent);
}

/* ------------------------------------------------------------------------ */
/* The summary table: one line per key figure, then where the files went.   */

static const struct bench_case *find_net(const struct case_list *l, enum bench_test t,
					 uint32_t size)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].mode == BENCH_NET && l->v[i].test == t && l->v[i].elem_size == size &&
		    l->v[i].notify == 0)
			return &l->v[i];
	return NULL;
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

static void sum_ratio(const char *figure, const char *value, double ratio, const char *against,
		      int le, double target)
{
	char a[64], t[64];
	int met = le ? ratio <= target : ratio >= target;

	snprintf(a, sizeof(a), "%.3f x %s", ratio, against);
	snprintf(t, sizeof(t), "%s %.1f: %s", le ? "<=" : ">=", target, met ? "met" : "NOT met");
	sum_line(figure, value, a, t);
}

static void print_summary(const struct bench_cfg *cfg, const struct case_list *l,
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
			sum_ratio(fig, v, r->pp, "limit", 1, TARGET_PP);
		else
			sum_line(fig, v, "-", "");
	}
	/* A reference first, then the figure divided by it, with the ratio. */
	if (r->rte_tput != NULL) {
		snprintf(v, sizeof(v), "%.2f Mmsg/s", med(r->rte_tput)->mps / 1e6);
		sum_line("DPDK rte_ring throughput, 64 B burst 32", v, "-", "");
	}
	if (r->ring_tput != NULL) {
		snprintf(v, sizeof(v), "%.2f Mmsg/s", med(r->ring_tput)->mps / 1e6);
		if (r->tput >= 0)
			sum_ratio("ring throughput, 64 B burst 32", v, r->tput, "rte_ring", 0,
				  TARGET_TPUT);
		else
			sum_line("ring throughput, 64 B burst 32", v, "-", "");
	}
	if (r->tp_status != NULL) {
		snprintf(v, sizeof(v), "%.1f ns", med(r->tp_status)->p50_ns);
		if (r->tp >= 0)
			sum_ratio("transport round trip p50, GET_DEVICE_STATUS", v, r->tp,
				  "ring ping-pong", 1, TARGET_TP);
		else
			sum_line("transport round trip p50, GET_DEVICE_STATUS", v, "-", "");
	}
	c = find(l, BENCH_TRANSPORT, BENCH_GET_CONFIG32, 64, 1, cfg->ratio_format);
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
				  "synchronous", 1, TARGET_INIT);
		else
			sum_line("transport init, per device, asynchronous", v, "-", "");
	}
	if (r->vhost_pps != NULL) {
		snprintf(v, sizeof(v), "%.2f Mpps", med(r->vhost_pps)->mps / 1e6);
		sum_line("DPDK vhost-user split 64 B (reference)", v, "-", "");
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
			sum_ratio(fig, v, r->net, "vhost-user", 0, TARGET_NET);
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

/* ------------------------------------------------------------------------ */

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

static int run_all(struct bench_cfg *cfg, const char *mode)
{
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
	/*
	 * The vhost-user cells take about ten seconds each (two testpmd
	 * start-ups): only the ratio's (split, 64 B) is repeated, the others
	 * run once.
	 */
	for (i = 0; i < l.n; i++)
		if (l.v[i].mode == BENCH_VHOST && find_pps64(&l, BENCH_VHOST) != &l.v[i])
			l.v[i].nruns = 1;
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
			if (prog) {
				uint64_t s = (rte_vmsg_time_ns() - t_start) / 1000000000u;

				int w = steps >= 100 ? 3 : steps >= 10 ? 2 : 1;

				/* "[ 7/21] NAME run 2/3  0:35", rewritten in place. */
				fprintf(stderr, "\r\033[K[%*zu/%zu] %s run %u/%u  %u:%02u", w, step,
					steps, name, rep + 1, c->nruns, (unsigned)(s / 60),
					(unsigned)(s % 60));
			}
			if (case_run(&env, c, &c->runs[rep]) < 0) {
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

	ratios_of(&l, cfg->ratio_format, &main_r);
	ratios_of(&l, !cfg->ratio_format, &other_r);
	if (limit && ring && rte) {
		printf("\nratios (%s format, link N=%u, spin %s):\n",
		       bench_format_name(cfg->ratio_format), cfg->elems,
		       bench_spin_pause ? "pause" : "tight");
		print_ratios(&main_r, "  ");
		if (cfg->formats == (BENCH_FMT_COMPAT | BENCH_FMT_STAMPED)) {
			printf("info, %s format (not the reported ratios):\n",
			       bench_format_name(!cfg->ratio_format));
			print_ratios(&other_r, "  info: ");
		}
		printf("info: TSC step %.1f ns, so every latency is a multiple of it",
		       env.tsc_step_ns);
		if (main_r.limit_pp != NULL)
			printf("; one step is %.2f of the p50 ratio",
			       env.tsc_step_ns /
				       main_r.limit_pp->runs[main_r.limit_pp->median].p50_ns);
		printf("\n");
		print_paired(&main_r, "info, ratio format:");
		if (cfg->formats == (BENCH_FMT_COMPAT | BENCH_FMT_STAMPED))
			print_paired(&other_r, "info, other format:");
	}
	if (tp && !demo && !(limit && ring && rte) && main_r.init >= 0) {
		printf("\nratio:\n");
		print_init_ratio(&main_r, "  ");
		print_paired(&main_r, "info:");
	}
	if (net && !demo && !(limit && ring && rte)) {
		printf("\nratio:\n");
		if (main_r.net >= 0)
			print_paired(&main_r, "info:");
		if (main_r.net >= 0)
			printf("  net_mpps_over_vhost_user %6.3f   net 64 B polling %.2f Mpps / "
			       "vhost-user split %.2f Mpps (target >= %.1f: %s)\n",
			       main_r.net, main_r.net_pps->runs[main_r.net_pps->median].mps / 1e6,
			       main_r.vhost_pps->runs[main_r.vhost_pps->median].mps / 1e6,
			       TARGET_NET, main_r.net >= TARGET_NET ? "met" : "NOT met");
		else
			printf("  net_mpps_over_vhost_user not measured (no vhost-user "
			       "reference)\n");
	}
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
	print_summary(cfg, &l, &main_r, json_ok ? cfg->json : NULL, plot_ok ? cfg->plot : NULL,
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

int main(int argc, char **argv)
{
	enum {
		OPT_CPUS = 256,
		OPT_NUMA,
		OPT_JSON,
		OPT_SAMPLES,
		OPT_MESSAGES,
		OPT_REPEAT,
		OPT_PROCS,
		OPT_HUGEPAGES,
		OPT_FORMAT,
		OPT_RATIO_FORMAT,
		OPT_ELEMS,
		OPT_QUICK,
		OPT_MAX_SIZE,
		OPT_SPIN,
		OPT_PLOT,
		OPT_PERF,
		OPT_NO_FILES,
		OPT_VHOST_REF,
	};
	static const struct option opts[] = {
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "numa-node", required_argument, NULL, OPT_NUMA },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "samples", required_argument, NULL, OPT_SAMPLES },
		{ "messages", required_argument, NULL, OPT_MESSAGES },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "procs", no_argument, NULL, OPT_PROCS },
		{ "hugepages", required_argument, NULL, OPT_HUGEPAGES },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "ratio-format", required_argument, NULL, OPT_RATIO_FORMAT },
		{ "elems", required_argument, NULL, OPT_ELEMS },
		{ "quick", no_argument, NULL, OPT_QUICK },
		{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
		{ "spin", required_argument, NULL, OPT_SPIN },
		{ "plot", required_argument, NULL, OPT_PLOT },
		{ "perf", optional_argument, NULL, OPT_PERF },
		{ "no-files", no_argument, NULL, OPT_NO_FILES },
		{ "vhost-ref", no_argument, NULL, OPT_VHOST_REF },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_cfg cfg;
	uint32_t max_size = RTE_VMSG_MAX_SIZE_DEFAULT, u;
	int c, have_cpus = 0, have_samples = 0, have_messages = 0, have_repeat = 0;
	int ratio_fmt = -1, have_format = 0, no_files = 0;
	const char *cpus = NULL, *mode = "demo";

	memset(&cfg, 0, sizeof(cfg));
	cfg.numa_node = -1;
	cfg.samples = DEFAULT_SAMPLES;
	cfg.messages = DEFAULT_MESSAGES;
	cfg.repeat = 3;
	cfg.elems = 1024;
	cfg.formats = BENCH_FMT_COMPAT | BENCH_FMT_STAMPED;
	cfg.hugepages = "auto";
	cfg.argv0 = argv[0];

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hVv", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CPUS:
			cpus = optarg;
			have_cpus = 1;
			break;
		case OPT_NUMA:
			if (parse_u32(optarg, 0, 1023, &u) < 0)
				return bad_arg("--numa-node", optarg,
					       "a node number from 0 to 1023");
			cfg.numa_node = (int)u;
			break;
		case OPT_JSON:
			if (out_path_check("--json", optarg, "") < 0)
				return BENCH_EXIT_USAGE;
			cfg.json = optarg;
			break;
		case OPT_PLOT:
			if (out_path_check("--plot", optarg, ".svg") < 0)
				return BENCH_EXIT_USAGE;
			cfg.plot = optarg;
			break;
		case OPT_PERF:
			if (optarg == NULL || strcmp(optarg, "auto") == 0)
				cfg.perf = 1;
			else if (strcmp(optarg, "require") == 0)
				cfg.perf = 2;
			else
				return bad_arg("--perf", optarg,
					       "nothing, --perf=auto or --perf=require");
			break;
		case OPT_NO_FILES:
			no_files = 1;
			break;
		case OPT_VHOST_REF:
			cfg.vhost_ref = 1;
			break;
		case OPT_SAMPLES:
			if (parse_count(optarg, 1, MAX_SAMPLES, &cfg.samples) < 0)
				return bad_arg("--samples", optarg, "a count from 1 to 1e8");
			have_samples = 1;
			break;
		case OPT_MESSAGES:
			if (parse_count(optarg, 1, MAX_MESSAGES, &cfg.messages) < 0)
				return bad_arg("--messages", optarg, "a count from 1 to 1e12");
			have_messages = 1;
			break;
		case OPT_REPEAT:
			if (parse_u32(optarg, 1, MAX_REPEAT, &cfg.repeat) < 0)
				return bad_arg("--repeat", optarg, "an integer from 1 to 99");
			have_repeat = 1;
			break;
		case OPT_PROCS:
			cfg.procs = 1;
			break;
		case OPT_HUGEPAGES:
			if (optarg[0] == '\0')
				return bad_arg("--hugepages", optarg,
					       "auto, none or a hugetlbfs directory");
			cfg.hugepages = optarg;
			break;
		case OPT_FORMAT:
			cfg.formats = parse_format(optarg, 1);
			if (cfg.formats < 0)
				return bad_arg("--format", optarg, "compat, stamped or both");
			have_format = 1;
			break;
		case OPT_RATIO_FORMAT:
			ratio_fmt = parse_format(optarg, 0);
			if (ratio_fmt < 0)
				return bad_arg("--ratio-format", optarg, "compat or stamped");
			break;
		case OPT_SPIN:
			if (strcmp(optarg, "tight") == 0)
				bench_spin_pause = 0;
			else if (strcmp(optarg, "pause") == 0)
				bench_spin_pause = 1;
			else
				return bad_arg("--spin", optarg, "tight or pause");
			break;
		case OPT_ELEMS:
			if (parse_u32(optarg, 2, 65535, &cfg.elems) < 0)
				return bad_arg("--elems", optarg, "an integer from 2 to 65535");
			break;
		case OPT_QUICK:
			cfg.quick = 1;
			break;
		case OPT_MAX_SIZE:
			if (parse_u32(optarg, RTE_VMSG_MAX_SIZE_MIN, RTE_VMSG_MAX_SIZE_MAX,
				      &max_size) < 0) {
				fprintf(stderr,
					"vmsg-bench: --max-size '%s': expected an integer from %u "
					"to %u\n",
					optarg, RTE_VMSG_MAX_SIZE_MIN, RTE_VMSG_MAX_SIZE_MAX);
				return BENCH_EXIT_USAGE;
			}
			break;
		case 'v':
			cfg.verbose = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vmsg-bench (librte_vmsg) %s\n", rte_vmsg_version());
			return 0;
		case ':':
			fprintf(stderr, "vmsg-bench: option '%s' needs a value (try --help)\n",
				argv[optind - 1]);
			return BENCH_EXIT_USAGE;
		default:
			if (strncmp(argv[optind - 1], "--", 2) == 0 &&
			    strchr(argv[optind - 1], '=') != NULL)
				fprintf(stderr,
					"vmsg-bench: '%s': unknown option, or one that takes no "
					"value (try --help)\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "vmsg-bench: unknown option '%s' (try --help)\n",
					argv[optind - 1]);
			return BENCH_EXIT_USAGE;
		}
	}
	if (optind < argc)
		mode = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "vmsg-bench: unexpected argument '%s'\n", argv[optind]);
		return BENCH_EXIT_USAGE;
	}
	if (strcmp(mode, "describe") == 0)
		return describe_run(max_size);
	cfg.mode = mode;
	if (strcmp(mode, "demo") != 0 && strcmp(mode, "all") != 0 && strcmp(mode, "limit") != 0 &&
	    strcmp(mode, "ring") != 0 && strcmp(mode, "rte-ring") != 0 &&
	    strcmp(mode, "transport") != 0 && strcmp(mode, "net") != 0) {
		fprintf(stderr, "vmsg-bench: unknown mode '%s' (try --help)\n", mode);
		return BENCH_EXIT_USAGE;
	}
	if (strcmp(mode, "demo") == 0) {
		/* Two processes, one per end, as the demo promises. */
		cfg.procs = 1;
		/* The ring ping-pong in the ratios' format only, unless --format says. */
		if (!have_format)
			cfg.formats = ratio_fmt == BENCH_FMT_STAMPED ? BENCH_FMT_STAMPED
								     : BENCH_FMT_COMPAT;
		if ((!no_files && cfg.json == NULL &&
		     out_path_check("--json", DEMO_JSON, "") < 0) ||
		    (!no_files && cfg.plot == NULL &&
		     out_path_check("--plot", DEMO_PLOT, ".svg") < 0)) {
			fprintf(stderr,
				"vmsg-bench: demo writes %s and %s in the current directory: "
				"run it elsewhere, or give --no-files, --json or --plot\n",
				DEMO_JSON, DEMO_PLOT);
			return BENCH_EXIT_USAGE;
		}
		if (!no_files && cfg.json == NULL)
			cfg.json = DEMO_JSON;
		if (!no_files && cfg.plot == NULL)
			cfg.plot = DEMO_PLOT;
	}

	if (cfg.quick) {
		if (!have_samples)
			cfg.samples = QUICK_SAMPLES;
		if (!have_messages)
			cfg.messages = QUICK_MESSAGES;
		if (!have_repeat)
			cfg.repeat = 1;
	}
	/* The ratios follow --ratio-format, else compat (the default link format),
	 * else the only format measured. */
	if (ratio_fmt < 0)
		ratio_fmt = cfg.formats == BENCH_FMT_STAMPED ? BENCH_FMT_STAMPED : BENCH_FMT_COMPAT;
	if ((cfg.formats & ratio_fmt) == 0) {
		fprintf(stderr,
			"vmsg-bench: --ratio-format %s: that format is not measured "
			"(--format %s)\n",
			bench_format_name(ratio_fmt == BENCH_FMT_STAMPED),
			bench_format_name(cfg.formats == BENCH_FMT_STAMPED));
		return BENCH_EXIT_USAGE;
	}
	cfg.ratio_format = ratio_fmt == BENCH_FMT_STAMPED ? RTE_VMSG_LINK_FMT_STAMPED
							  : RTE_VMSG_LINK_FMT_COMPAT;
	if (have_cpus ? bench_cpus_parse(cpus, cfg.cpu) < 0 : bench_cpus_default(cfg.cpu) < 0)
		return BENCH_EXIT_USAGE;

	rte_vmsg_log_set_handler(rte_vmsg_log_stderr,
				 cfg.verbose ? RTE_VMSG_LOG_INFO : RTE_VMSG_LOG_WARNING, NULL);
	return run_all(&cfg, mode);
}
