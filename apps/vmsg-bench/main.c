/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-bench: measures librte_vmsg. The command line: its options, their
 * checks and defaults (cases.c runs the measurements, report.c prints the
 * ratios of ARCHITECTURE.md §5). Mode "describe" prints what the codec knows.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_vmsg.h>
#include <rte_vmsg_ring.h>
#ifdef VMSG_BENCH_HAVE_PCIE
#include <rte_vmsg_pcie.h>
#endif

#include "bench.h"
#include "vhost_ref.h"
#include "vmsg_util.h"

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

/* demo's files, in the current directory, unless --json, --plot or --no-files. */
#define DEMO_JSON "vmsg-bench.json"
#define DEMO_PLOT "vmsg-bench.svg"

int bench_progress_tty;

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
		"                ratios (the full suite: about 10 minutes on two vCPUs)\n"
		"  limit         raw cache-line ping-pong between the two CPUs: the physical\n"
		"                floor; and the stream of 64-byte lines, with ordinary and\n"
		"                non-temporal stores: the throughput floor; then the walk\n"
		"                (each message in the next line of a ring, as a stamped\n"
		"                consumer polls them) and the stream published every 32\n"
		"                lines: what bounds the stamped ping-pong and ring 64/32\n"
		"  ring          ping-pong latency and one-way throughput over an AMP link,\n"
		"                elements of 64 and 256 bytes, bursts of 1, 8 and 32; the\n"
		"                compat bursts of 2 KiB and more again with\n"
		"                RTE_VMSG_LINK_F_STREAM (compat-stream), and the stamped\n"
		"                64 B ones where the CPU has MOVDIR64B (stamped-stream)\n"
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
		"  pcie          over a PCIe card through VFIO (--pcie BDF), this host the\n"
		"                driver, the card (or its emulator, tools/vmsg-card) the other\n"
		"                side: bus PING round trips, virtio-net pps at 64 and 1518 B\n"
		"                through the card's loopback device, and the card's BAR reads\n"
		"                and writes over each timed part (the HOST placement reads\n"
		"                none); under QEMU TCG the figures are functional only%s\n"
		"  describe      print every virtio-msg v2 message the codec knows, with an\n"
		"                example frame built and parsed back by the library\n"
		"\n"
		"options:\n"
		"  --cpus A,B            the CPUs of the two sides (default: the first two\n"
		"                        allowed)\n"
		"  --procs               two processes (the peer attaches the memory by path)\n"
		"                        instead of two threads: all, limit, ring, rte-ring\n"
		"                        and transport (demo and net always run two)\n"
		"  --hugepages P         auto (a hugetlbfs mount, else shared memory with a\n"
		"                        warning), none (plain shared memory), or a hugetlbfs\n"
		"                        directory of at most 150 bytes (required: fails\n"
		"                        without free hugepages)\n"
		"  --bus B               net: shm (the shm bus file, default) or amp (a bare\n"
		"                        AMP link at +4096 of a plain file, --elems 64-byte\n"
		"                        elements, the driver's rings and buffers in a second\n"
		"                        \"guest RAM\" file, as a VM's driver over an ivshmem "
		"BAR)\n"
		"  --payloads P          net, --bus amp: the payload profile, v2 (default) or\n"
		"                        pre-v2 (the 2026 Linux and QEMU AMP code)\n"
		"  --ring R              net, all: the virtqueue layouts measured: split,\n"
		"                        packed or all (default); none: only the testpmd\n"
		"                        cells (the vhost-user reference and testpmd over\n"
		"                        net_vmsg)\n"
		"  --in-order I          net, all: with VIRTIO_F_IN_ORDER (1), without (0) or\n"
		"                        both (all, default)\n"
		"  --sizes L             net, all: the frame sizes measured, a comma-separated\n"
		"                        list of 64, 256 and 1518 (default all three)\n"
		"  --net-notify N        net, all: one notify mode for our cases, poll or event\n"
		"                        (default: polling, and event for the first ring mode)\n"
		"  --no-refs             net, all: our cases only (no DPDK vhost-user reference\n"
		"                        and no testpmd over net_vmsg)\n"
		"  --dpdk-mem M          net, all, demo with --vhost-ref (not with --no-refs):\n"
		"                        the testpmd cells' memory: auto (default: hugepages\n"
		"                        when free, else --no-huge), huge (fail without free\n"
		"                        hugepages) or nohuge; a ratio against a reference\n"
		"                        that ran with --no-huge is never counted met\n"
		"  --numa-node N         bind the memory to NUMA node N%s\n"
		"  --format F            ring, transport, demo, all: link element format:\n"
		"                        compat, stamped or both (default both; demo: the\n"
		"                        ratio format)\n"
		"  --ratio-format F      ring, transport, demo, all: the format of the ratios\n"
		"                        and the summary (default compat, the link's default)\n"
		"  --elems N             link elements per direction, 2..65535 (default 1024);\n"
		"                        the ring mode also measures N=63 (an 8 KiB v1 area);\n"
		"                        net: only with --bus amp\n"
		"  --spin S              how every side of every mode waits between polls: tight\n"
		"                        (default: poll again at once) or pause (a spin-wait\n"
		"                        hint between polls; lowers the limit on some hosts)\n"
		"  --samples N           ping-pong round trips per run (default %u)\n"
		"  --messages N          throughput messages per run, not in transport (default\n"
		"                        %u)\n"
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
		"  --pcie BDF            pcie: the card, a PCI function bound to vfio-pci\n"
		"                        (DDDD:BB:DD.F or BB:DD.F)\n"
		"  --placement P         pcie: where the link lives, bar (in the card's BAR) or\n"
		"                        host (in this host's DMA memory; default: the card\n"
		"                        profile's)\n"
		"  --notify N            pcie: poll (default: polling only) or event (doorbells\n"
		"                        and MSI-X)\n"
		"  --tcg                 pcie: say the figures are functional only (the guest\n"
		"                        runs under QEMU TCG; also found from CPUID and\n"
		"                        /proc/cpuinfo)\n"
		"  --max-size N          link maximum message size for describe (52..65535,\n"
		"                        default 264)\n"
		"  -h, --help            this text\n"
		"  -V, --version         the library version\n"
		"\n"
		"An option given for a mode in which it changes nothing is bad usage: describe\n"
		"takes only --max-size, and pcie none of --cpus, --numa-node, --hugepages,\n"
		"--spin, --perf, --plot (one process; the memory is the card driver's).\n"
		"A progress line is shown on stderr when it is a terminal, never in a pipe or a\n"
		"log. Numbers are decimal (010 is ten); counts also take the forms 1e6, 2e7.\n"
		"Exit status: 0 done (whether or not a target is met), 1 a measurement, a file\n"
		"or the environment failed, 2 bad usage. The user guide is doc/vmsg-bench.md,\n"
		"the manual vmsg-bench(1).\n",
#ifdef VMSG_BENCH_HAVE_DPDK
		"",
#else
		" (not in this build: no DPDK)",
#endif
#ifdef VMSG_BENCH_HAVE_PCIE
		"",
#else
		" (not in this build: no drivers/pcie_amp)",
#endif
#ifdef VMSG_BENCH_HAVE_NUMA
		"",
#else
		" (not in this build: no libnuma)",
#endif
		DEFAULT_SAMPLES, DEFAULT_MESSAGES, QUICK_SAMPLES, QUICK_MESSAGES);
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

/* --sizes: a mask of net frame sizes (bit 0: 64 B, 1: 256 B, 2: 1518 B). */
static int parse_sizes(const char *arg, int *mask)
{
	static const char *const names[] = { "64", "256", "1518" };
	const char *p = arg;
	size_t i, n;

	*mask = 0;
	for (;;) {
		n = strcspn(p, ",");
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i]) == n && strncmp(p, names[i], n) == 0)
				break;
		if (i == sizeof(names) / sizeof(names[0]))
			return -1;
		*mask |= 1 << i;
		if (p[n] == '\0')
			return 0;
		p += n + 1;
	}
}

/*
 * Whether output paths @p a and @p b (both passed out_path_check()) name the
 * same file: the same existing file, or the same name in the same directory
 * (its real path: ./x and x, d/../x and x).
 */
static int out_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	return vmsg_util_same_name(a, b);
}

static int bad_arg(const char *opt, const char *val, const char *expect)
{
	fprintf(stderr, "vmsg-bench: %s '%s': expected %s\n", opt, val, expect);
	return BENCH_EXIT_USAGE;
}

/*
 * An output file is checked before anything runs, so that a long run does
 * not end on a path it cannot write: a name ending in @p ext, not a
 * directory, in a directory that exists and is writable, the path shorter
 * than PATH_MAX and its last component at most NAME_MAX bytes.
 */
static int out_path_check(const char *opt, const char *path, const char *ext)
{
	size_t n = strlen(path), e = strlen(ext);
	const char *base = strrchr(path, '/');
	char dir[PATH_MAX];
	struct stat st;

	if (n <= e || strcmp(path + n - e, ext) != 0 || path[n - e - 1] == '/') {
		fprintf(stderr, "vmsg-bench: %s '%s': expected a file name%s%s\n", opt, path,
			e ? " ending in " : "", ext);
		return -1;
	}
	if (n >= PATH_MAX) {
		fprintf(stderr, "vmsg-bench: %s: a path of %zu bytes, expected fewer than %d\n",
			opt, n, PATH_MAX);
		return -1;
	}
	base = base == NULL ? path : base + 1;
	if (strlen(base) > NAME_MAX) {
		fprintf(stderr, "vmsg-bench: %s: a file name of %zu bytes, expected at most %d\n",
			opt, strlen(base), NAME_MAX);
		return -1;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fprintf(stderr, "vmsg-bench: %s '%s': is a directory\n", opt, path);
		return -1;
	}
	vmsg_util_dir_of(path, dir, sizeof(dir));
	if (access(dir, W_OK) != 0) {
		fprintf(stderr, "vmsg-bench: %s '%s': cannot write in %s (%s)\n", opt, path, dir,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* The long options without a short name (getopt_long()'s values). */
enum opt {
	OPT_CPUS = 256,
	OPT_NUMA,
	OPT_JSON,
	OPT_SAMPLES,
	OPT_MESSAGES,
	OPT_REPEAT,
	OPT_PROCS,
	OPT_HUGEPAGES,
	OPT_BUS,
	OPT_PAYLOADS,
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
	OPT_PCIE,
	OPT_PLACEMENT,
	OPT_NOTIFY,
	OPT_TCG,
	OPT_RING,
	OPT_IN_ORDER,
	OPT_SIZES,
	OPT_NO_REFS,
	OPT_DPDK_MEM,
	OPT_NET_NOTIFY,
};

/*
 * The modes, in the order of --help. An option's scope is the mask of the
 * modes in which it changes something (what cases.c and the mode_*.c files
 * read of struct bench_cfg); given for any other mode it is bad usage.
 */
enum cli_mode {
	CLI_DEMO,
	CLI_ALL,
	CLI_LIMIT,
	CLI_RING,
	CLI_RTE_RING,
	CLI_TRANSPORT,
	CLI_NET,
	CLI_PCIE,
	CLI_DESCRIBE,
	CLI_NMODES
};

static const char *const cli_mode_names[CLI_NMODES] = {
	"demo", "all", "limit", "ring", "rte-ring", "transport", "net", "pcie", "describe",
};

#define IN(m) (1u << CLI_##m)
/* The modes bench_run_all() runs: two pinned sides on shared memory (cases.c). */
#define IN_PAIRS \
	(IN(DEMO) | IN(ALL) | IN(LIMIT) | IN(RING) | IN(RTE_RING) | IN(TRANSPORT) | IN(NET))
/* Every mode that measures; describe prints the codec's messages, sized by --max-size only. */
#define IN_MEASURING (IN_PAIRS | IN(PCIE))

static const struct opt_scope {
	int opt;	  /* enum opt, or 'v' */
	const char *name; /* the long option */
	uint32_t modes;	  /* IN() mask */
} opt_scopes[] = {
	/* pcie runs one process on the CPU it was started on, memory from the card's driver. */
	{ OPT_CPUS, "--cpus", IN_PAIRS },
	{ OPT_NUMA, "--numa-node", IN_PAIRS },
	{ OPT_HUGEPAGES, "--hugepages", IN_PAIRS },
	/* bench_idle(): the polling loops of limit, ring, rte-ring, transport and net. */
	{ OPT_SPIN, "--spin", IN_PAIRS },
	/* pcie_bench_run() neither counts with perf_event_open nor draws. */
	{ OPT_PERF, "--perf", IN_PAIRS },
	{ OPT_PLOT, "--plot", IN_PAIRS },
	{ OPT_JSON, "--json", IN_MEASURING },
	{ OPT_SAMPLES, "--samples", IN_MEASURING },
	/* transport times round trips (--samples) and init1000, no throughput. */
	{ OPT_MESSAGES, "--messages", IN_MEASURING & ~IN(TRANSPORT) },
	{ OPT_REPEAT, "--repeat", IN_MEASURING },
	{ OPT_QUICK, "--quick", IN_MEASURING },
	{ 'v', "--verbose", IN_MEASURING },
	/* demo and net always run two processes (bench_pair_run_procs()). */
	{ OPT_PROCS, "--procs", IN(ALL) | IN(LIMIT) | IN(RING) | IN(RTE_RING) | IN(TRANSPORT) },
	/*
	 * The link format of ring's cases, of demo's ring ping-pong, and of
	 * transport's (the ratio format, which a single --format sets); the
	 * ratios and the summary read the ring and transport cases of
	 * --ratio-format. limit, rte-ring and net have no format.
	 */
	{ OPT_FORMAT, "--format", IN(DEMO) | IN(ALL) | IN(RING) | IN(TRANSPORT) },
	{ OPT_RATIO_FORMAT, "--ratio-format", IN(DEMO) | IN(ALL) | IN(RING) | IN(TRANSPORT) },
	/* limit: the walk's ring of lines; net: only the link of --bus amp (scope_check()). */
	{ OPT_ELEMS, "--elems", IN_PAIRS },
	/* Net's own (demo's net cells are fixed, on the shm bus). */
	{ OPT_BUS, "--bus", IN(NET) },
	{ OPT_PAYLOADS, "--payloads", IN(NET) },
	/* build_net_cases(), which net and all run (demo's net cells are fixed). */
	{ OPT_RING, "--ring", IN(ALL) | IN(NET) },
	{ OPT_IN_ORDER, "--in-order", IN(ALL) | IN(NET) },
	{ OPT_SIZES, "--sizes", IN(ALL) | IN(NET) },
	{ OPT_NET_NOTIFY, "--net-notify", IN(ALL) | IN(NET) },
	{ OPT_NO_REFS, "--no-refs", IN(ALL) | IN(NET) },
	/* The testpmd cells' memory: demo has one only with --vhost-ref (scope_check()). */
	{ OPT_DPDK_MEM, "--dpdk-mem", IN(DEMO) | IN(ALL) | IN(NET) },
	{ OPT_NO_FILES, "--no-files", IN(DEMO) },
	{ OPT_VHOST_REF, "--vhost-ref", IN(DEMO) },
	{ OPT_PCIE, "--pcie", IN(PCIE) },
	{ OPT_PLACEMENT, "--placement", IN(PCIE) },
	{ OPT_NOTIFY, "--notify", IN(PCIE) },
	{ OPT_TCG, "--tcg", IN(PCIE) },
	{ OPT_MAX_SIZE, "--max-size", IN(DESCRIBE) },
};

#define NSCOPES (sizeof(opt_scopes) / sizeof(opt_scopes[0]))

static size_t scope_index(int opt)
{
	size_t k;

	for (k = 0; k < NSCOPES; k++)
		if (opt_scopes[k].opt == opt)
			return k;
	return NSCOPES;
}

/*
 * The modes of @p modes for a message: "describe only", "all and net only",
 * or the fewer named, "every mode but pcie and describe".
 */
static void scope_text(uint32_t modes, char *buf, size_t cap)
{
	const char *names[CLI_NMODES];
	unsigned int in = 0, n = 0, i, m;
	int every, k;

	for (m = 0; m < CLI_NMODES; m++)
		in += (modes >> m) & 1u;
	every = in > 4 && CLI_NMODES - in <= 2;
	for (m = 0; m < CLI_NMODES; m++)
		if (((modes >> m) & 1u) != (unsigned int)every)
			names[n++] = cli_mode_names[m];
	k = snprintf(buf, cap, "%s", every ? "every mode but " : "");
	for (i = 0; i < n && k >= 0 && (size_t)k < cap; i++)
		k += snprintf(buf + k, cap - (size_t)k, "%s%s",
			      i == 0	   ? ""
			      : i + 1 == n ? " and "
					   : ", ",
			      names[i]);
	if (!every && k >= 0 && (size_t)k < cap)
		snprintf(buf + k, cap - (size_t)k, " only");
}

/*
 * An option given for a mode in which it changes nothing is bad usage: one
 * line naming the first such option given and the modes it applies to.
 * @p seen: the order in which each opt_scopes[] option was first given (0:
 * not given). Returns 0, or BENCH_EXIT_USAGE after saying why.
 */
static int scope_check(enum cli_mode mode, const unsigned int *seen, const struct bench_cfg *cfg)
{
	size_t k, bad = NSCOPES;
	char modes[128];

	for (k = 0; k < NSCOPES; k++)
		if (seen[k] != 0 && (opt_scopes[k].modes & (1u << mode)) == 0 &&
		    (bad == NSCOPES || seen[k] < seen[bad]))
			bad = k;
	if (bad != NSCOPES) {
		scope_text(opt_scopes[bad].modes, modes, sizeof(modes));
		fprintf(stderr, "vmsg-bench: %s applies to %s (mode %s)\n", opt_scopes[bad].name,
			modes, cli_mode_names[mode]);
		return BENCH_EXIT_USAGE;
	}
	/* Two scopes that hang on another option. */
	if (seen[scope_index(OPT_ELEMS)] != 0 && mode == CLI_NET && !cfg->bus_amp) {
		/* The shm bus file's link has its own 1024 elements (build_net_cases()). */
		fprintf(stderr,
			"vmsg-bench: --elems in mode net applies to --bus amp only (the shm "
			"bus file's link has 1024 elements)\n");
		return BENCH_EXIT_USAGE;
	}
	if (seen[scope_index(OPT_DPDK_MEM)] != 0 && mode == CLI_DEMO && !cfg->vhost_ref) {
		fprintf(stderr, "vmsg-bench: --dpdk-mem applies to all, net and demo --vhost-ref "
				"only (mode demo)\n");
		return BENCH_EXIT_USAGE;
	}
	if (seen[scope_index(OPT_DPDK_MEM)] != 0 && cfg->no_refs) {
		fprintf(stderr,
			"vmsg-bench: --dpdk-mem with --no-refs: no testpmd cell runs (mode "
			"%s)\n",
			cli_mode_names[mode]);
		return BENCH_EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "numa-node", required_argument, NULL, OPT_NUMA },
		{ "json", required_argument, NULL, OPT_JSON },
		{ "samples", required_argument, NULL, OPT_SAMPLES },
		{ "messages", required_argument, NULL, OPT_MESSAGES },
		{ "repeat", required_argument, NULL, OPT_REPEAT },
		{ "procs", no_argument, NULL, OPT_PROCS },
		{ "hugepages", required_argument, NULL, OPT_HUGEPAGES },
		{ "bus", required_argument, NULL, OPT_BUS },
		{ "payloads", required_argument, NULL, OPT_PAYLOADS },
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
		{ "pcie", required_argument, NULL, OPT_PCIE },
		{ "placement", required_argument, NULL, OPT_PLACEMENT },
		{ "notify", required_argument, NULL, OPT_NOTIFY },
		{ "tcg", no_argument, NULL, OPT_TCG },
		{ "ring", required_argument, NULL, OPT_RING },
		{ "in-order", required_argument, NULL, OPT_IN_ORDER },
		{ "sizes", required_argument, NULL, OPT_SIZES },
		{ "no-refs", no_argument, NULL, OPT_NO_REFS },
		{ "dpdk-mem", required_argument, NULL, OPT_DPDK_MEM },
		{ "net-notify", required_argument, NULL, OPT_NET_NOTIFY },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct bench_cfg cfg;
	uint32_t max_size = RTE_VMSG_MAX_SIZE_DEFAULT, u;
	int c, have_cpus = 0, have_samples = 0, have_messages = 0, have_repeat = 0;
	int have_payloads = 0;
	unsigned int seen[NSCOPES] = { 0 }, nseen = 0;
	size_t k;
	enum cli_mode m;
	int ratio_fmt = -1, have_format = 0, no_files = 0, ring_layout = 0xf, ring_io = 0xf;
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
		/* Which options were given, in order: scope_check() names the first misplaced. */
		k = scope_index(c);
		if (k < NSCOPES && seen[k] == 0)
			seen[k] = ++nseen;
		switch (c) {
		case OPT_CPUS:
			cpus = optarg;
			have_cpus = 1;
			break;
		case OPT_NUMA:
			if (vmsg_util_parse_u32(optarg, 10, 0, 1023, &u) < 0)
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
		case OPT_PCIE:
#ifdef VMSG_BENCH_HAVE_PCIE
		{
			char bdf[16];

			/* The syntax now, not after the start (a build without the
			 * driver refuses mode pcie anyway). */
			if (rte_vmsg_pcie_addr_parse(optarg, bdf) < 0)
				return bad_arg("--pcie", optarg,
					       "a PCI address DDDD:BB:DD.F or BB:DD.F (hex digits, "
					       "device up to 1f, function up to 7)");
		}
#endif
			cfg.pcie_bdf = optarg;
			break;
		case OPT_PLACEMENT:
			/* enum rte_vmsg_pcie_placement: 1 BAR, 2 HOST. */
			if (strcmp(optarg, "bar") != 0 && strcmp(optarg, "host") != 0)
				return bad_arg("--placement", optarg, "bar or host");
			cfg.pcie_placement = strcmp(optarg, "bar") == 0 ? 1u : 2u;
			break;
		case OPT_NOTIFY:
			/* enum rte_vmsg_pcie_notify: 0 polling only, 1 doorbells and MSI-X. */
			if (strcmp(optarg, "poll") != 0 && strcmp(optarg, "event") != 0)
				return bad_arg("--notify", optarg, "poll or event");
			cfg.pcie_notify = strcmp(optarg, "event") == 0;
			break;
		case OPT_TCG:
			cfg.pcie_tcg = 1;
			break;
		case OPT_SAMPLES:
			if (vmsg_util_parse_u64(optarg, 10, VMSG_UTIL_PARSE_EXP, 1, MAX_SAMPLES,
						&cfg.samples) < 0)
				return bad_arg("--samples", optarg, "a count from 1 to 1e8");
			have_samples = 1;
			break;
		case OPT_MESSAGES:
			if (vmsg_util_parse_u64(optarg, 10, VMSG_UTIL_PARSE_EXP, 1, MAX_MESSAGES,
						&cfg.messages) < 0)
				return bad_arg("--messages", optarg, "a count from 1 to 1e12");
			have_messages = 1;
			break;
		case OPT_REPEAT:
			if (vmsg_util_parse_u32(optarg, 10, 1, MAX_REPEAT, &cfg.repeat) < 0)
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
			/* The files' paths are this plus a name of some 30 bytes (mem.c). */
			if (strlen(optarg) > BENCH_HUGE_DIR_MAX)
				return bad_arg("--hugepages", optarg,
					       "a directory path of at most 150 bytes");
			cfg.hugepages = optarg;
			break;
		case OPT_BUS:
			if (strcmp(optarg, "shm") != 0 && strcmp(optarg, "amp") != 0)
				return bad_arg("--bus", optarg, "shm or amp");
			cfg.bus_amp = strcmp(optarg, "amp") == 0;
			break;
		case OPT_PAYLOADS:
			if (strcmp(optarg, "v2") != 0 && strcmp(optarg, "pre-v2") != 0)
				return bad_arg("--payloads", optarg, "v2 or pre-v2");
			cfg.payloads = strcmp(optarg, "pre-v2") == 0 ? RTE_VMSG_PAYLOADS_PRE_V2
								     : RTE_VMSG_PAYLOADS_V2;
			have_payloads = 1;
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
		case OPT_RING:
			/* bit 1 of a ring mode is packed: the modes of the named layout.
			 * The last --ring wins. */
			if (strcmp(optarg, "split") == 0)
				ring_layout = 0x3;
			else if (strcmp(optarg, "packed") == 0)
				ring_layout = 0xc;
			else if (strcmp(optarg, "none") == 0)
				ring_layout = 0; /* only the testpmd cells */
			else if (strcmp(optarg, "all") == 0)
				ring_layout = 0xf;
			else
				return bad_arg("--ring", optarg, "split, packed, all or none");
			break;
		case OPT_IN_ORDER:
			/* bit 0 of a ring mode is in-order. The last --in-order wins. */
			if (strcmp(optarg, "0") == 0)
				ring_io = 0x5;
			else if (strcmp(optarg, "1") == 0)
				ring_io = 0xa;
			else if (strcmp(optarg, "all") == 0)
				ring_io = 0xf;
			else
				return bad_arg("--in-order", optarg, "0, 1 or all");
			break;
		case OPT_SIZES:
			if (parse_sizes(optarg, &cfg.net_sizes) < 0)
				return bad_arg("--sizes", optarg,
					       "a comma-separated list of 64, 256 and 1518");
			break;
		case OPT_NO_REFS:
			cfg.no_refs = 1;
			break;
		case OPT_DPDK_MEM:
			cfg.dpdk_mem = vhost_ref_mem_parse(optarg);
			if (cfg.dpdk_mem < 0)
				return bad_arg("--dpdk-mem", optarg, "auto, huge or nohuge");
			break;
		case OPT_NET_NOTIFY:
			if (strcmp(optarg, "poll") == 0)
				cfg.net_notify = 1;
			else if (strcmp(optarg, "event") == 0)
				cfg.net_notify = 2;
			else
				return bad_arg("--net-notify", optarg, "poll or event");
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
			if (vmsg_util_parse_u32(optarg, 10, 2, 65535, &cfg.elems) < 0)
				return bad_arg("--elems", optarg, "an integer from 2 to 65535");
			break;
		case OPT_QUICK:
			cfg.quick = 1;
			break;
		case OPT_MAX_SIZE:
			if (vmsg_util_parse_u32(optarg, 10, RTE_VMSG_MAX_SIZE_MIN,
						RTE_VMSG_MAX_SIZE_MAX, &max_size) < 0) {
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
	for (m = CLI_DEMO; m < CLI_NMODES; m++)
		if (strcmp(mode, cli_mode_names[m]) == 0)
			break;
	if (m == CLI_NMODES) {
		fprintf(stderr, "vmsg-bench: unknown mode '%s' (try --help)\n", mode);
		return BENCH_EXIT_USAGE;
	}
	cfg.mode = mode;
	if (scope_check(m, seen, &cfg) != 0)
		return BENCH_EXIT_USAGE;
	/* Each layout keeps an in-order mode and one without: only none empties this. */
	cfg.rings = ring_layout & ring_io;
	if (cfg.rings == 0 && cfg.no_refs) {
		fprintf(stderr, "vmsg-bench: --ring none with --no-refs: no net case left to "
				"measure\n");
		return BENCH_EXIT_USAGE;
	}
	if (have_payloads && !cfg.bus_amp) {
		fprintf(stderr, "vmsg-bench: --payloads needs --bus amp (the shm bus speaks v2)\n");
		return BENCH_EXIT_USAGE;
	}
	/* After the checks above: describe refuses the options of the modes that measure. */
	if (m == CLI_DESCRIBE)
		return describe_run(max_size);
	/* net always runs a device process and a driver process (bench_pair_run_procs()):
	 * say so in the banner, the summary and the JSON context. */
	if (strcmp(mode, "net") == 0)
		cfg.procs = 1;
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

	/* After demo's defaults: --json vmsg-bench.svg is demo's plot. */
	if (cfg.json != NULL && cfg.plot != NULL && out_same_file(cfg.json, cfg.plot)) {
		fprintf(stderr, "vmsg-bench: --json '%s' and --plot '%s': the same file\n",
			cfg.json, cfg.plot);
		return BENCH_EXIT_USAGE;
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
	if (strcmp(mode, "pcie") == 0) {
		/* One side: the card is the other. No CPU pair, no shared memory. */
#ifdef VMSG_BENCH_HAVE_PCIE
		if (cfg.pcie_bdf == NULL) {
			fprintf(stderr, "vmsg-bench: mode pcie needs --pcie BDF (a PCI function "
					"bound to vfio-pci)\n");
			return BENCH_EXIT_USAGE;
		}
		rte_vmsg_log_set_handler(rte_vmsg_log_stderr,
					 cfg.verbose ? RTE_VMSG_LOG_INFO : RTE_VMSG_LOG_WARNING,
					 NULL);
		return pcie_bench_run(&cfg);
#else
		fprintf(stderr, "vmsg-bench: mode pcie needs drivers/pcie_amp, and this build has "
				"none (Linux <linux/vfio.h>; -Dpcie_amp=enabled)\n");
		return BENCH_EXIT_USAGE;
#endif
	}
	if (have_cpus && bench_cpus_parse(cpus, cfg.cpu) < 0)
		return BENCH_EXIT_USAGE;
	/* No --cpus: the first two the affinity mask allows, else the environment fails. */
	if (!have_cpus && bench_cpus_default(cfg.cpu) < 0)
		return BENCH_EXIT_FAIL;

	rte_vmsg_log_set_handler(rte_vmsg_log_stderr,
				 cfg.verbose ? RTE_VMSG_LOG_INFO : RTE_VMSG_LOG_WARNING, NULL);
	return bench_run_all(&cfg, mode);
}
