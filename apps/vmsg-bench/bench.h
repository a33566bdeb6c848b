/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-bench internals shared by its files: configuration, the memory and the
 * two pinned sides a measurement runs on, bounded waits, results.
 */

#ifndef VMSG_BENCH_H
#define VMSG_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_vmsg_common.h>

struct rte_vmsg_region;

/* Exit codes: 0 done, 1 a measurement or the environment failed, 2 bad usage. */
#define BENCH_EXIT_FAIL 1
#define BENCH_EXIT_USAGE 2

/* A side that sees no progress for this long gives up (the peer is gone). */
#define BENCH_TIMEOUT_S 5u

/* Largest element and burst the measurements use (sizes the local buffers). */
#define BENCH_ELEM_MAX 256u
#define BENCH_BURST_MAX 32u

/* The link formats to run, as a bit mask of 1 << enum rte_vmsg_link_format. */
#define BENCH_FMT_COMPAT 0x1
#define BENCH_FMT_STAMPED 0x2

/* What the user asked for (main.c fills it from the command line). */
/*
 * net: the virtqueue features the device end offers (the driver end wants
 * both): bit 0 IN_ORDER, bit 1 RING_PACKED. PACKED_IO's cases keep the
 * names they had (no ring suffix); SPLIT_IO is what two librte_vmsg ends
 * negotiate by default (BENCH_RING_DEFAULT: the summary's and the ratio's
 * net figure).
 */
enum bench_ring {
	BENCH_RING_SPLIT = 0,
	BENCH_RING_SPLIT_IO = 1,
	BENCH_RING_PACKED = 2,
	BENCH_RING_PACKED_IO = 3,
	BENCH_RING_DEFAULT = BENCH_RING_SPLIT_IO,
};

/* --hugepages: the longest directory path (the bench's files are named in 200 bytes). */
#define BENCH_HUGE_DIR_MAX 150u

struct bench_cfg {
	const char *mode;      /* "limit", "ring", "rte-ring", "transport", "net", "all" */
	int cpu[2];	       /* side 0 (device, measuring) and side 1 */
	int numa_node;	       /* -1: no binding */
	const char *json;      /* NULL: no JSON file */
	const char *plot;      /* NULL: no SVG plot */
	int perf;	       /* --perf: 1 count, 2 count or fail (require) */
	int vhost_ref;	       /* demo: also run DPDK's vhost-user reference */
	uint64_t samples;      /* ping-pong samples per run */
	uint64_t messages;     /* throughput messages per run */
	uint32_t repeat;       /* runs per measurement; the median run is reported */
	uint32_t elems;	       /* link elements N per direction */
	int formats;	       /* BENCH_FMT_* mask */
	int ratio_format;      /* enum rte_vmsg_link_format the ratios use */
	int procs;	       /* two processes instead of two threads */
	const char *hugepages; /* "auto", "none" or a hugetlbfs directory (BENCH_HUGE_DIR_MAX) */
	int bus_amp;	       /* net: --bus amp, a bare AMP link on plain files */
	uint32_t payloads;     /* net: --payloads, enum rte_vmsg_payloads */
	int rings;	       /* net: --ring, --in-order: mask of BENCH_RING_* to run (bit r) */
	int net_sizes;	       /* net: --sizes, bit i keeps net_sizes[i]; 0: all */
	int net_notify;	       /* net: --net-notify, 0 default, 1 poll, 2 event */
	int no_refs;	       /* net: --no-refs, our cases only */
	int dpdk_mem;	       /* --dpdk-mem: enum vhost_ref_mem of the testpmd cells */
	int quick;	       /* small counts */
	int verbose;
	const char *argv0;
	/* pcie: the card (mode_pcie.c) */
	const char *pcie_bdf;	 /* --pcie BDF */
	uint32_t pcie_placement; /* enum rte_vmsg_pcie_placement; 0: the profile's */
	uint32_t pcie_notify;	 /* enum rte_vmsg_pcie_notify */
	int pcie_tcg;		 /* --tcg: the launcher says the guest runs under TCG */
};

/*
 * Control block at the start of the shared memory: one word per line, each
 * with one writer except @c abort, which either side may set (to 1, never
 * back) when it fails, so that the other side stops at its next idle check.
 */
struct bench_ctl {
	uint32_t abort;
	uint8_t pad0[60];
	uint32_t ready[2][16]; /* ready[s][0]: side s reached the start line of run N */
};

#define BENCH_CTL_SIZE 4096u

/* The environment of one invocation: memory, counters, preallocated arrays. */
struct bench_env {
	const struct bench_cfg *cfg;
	struct rte_vmsg_region *region;
	uint8_t *base; /* region start: the control block */
	size_t len;
	struct bench_ctl *ctl;
	uint8_t *area; /* base + BENCH_CTL_SIZE: what a measurement uses */
	size_t area_len;
	char mem_kind[64]; /* hugetlbfs, or plain shared memory and why */
	char mem_path[256];
	uint64_t tsc_hz;
	double tsc_step_ns; /* the TSC's resolution here */
	double timer_ns;    /* two back-to-back TSC reads, included in every latency sample */
	uint64_t *ticks;    /* cfg->samples entries, prefaulted */
	uint32_t run_id;    /* bumped per measurement: the start barrier's generation */
	const struct bench_pcie_env *pcie; /* mode pcie: the card; else NULL */
};

/* One side of a measurement, as the side function sees it. */
struct bench_side {
	int side;      /* 0: device side, measures; 1: driver side, peer */
	uint8_t *area; /* the measurement area in this side's own mapping */
	size_t area_len;
	struct bench_ctl *ctl; /* the control block in this side's own mapping */
	uint32_t run_id;
	uint64_t tsc_hz;
	void *arg; /* the mode's arguments (a child process has a copy) */
};

typedef int (*bench_side_fn)(struct bench_side *s);

/* ------------------------------------------------------------------------ */
/* Measurements and results.                                                 */

/* BENCH_VHOST: DPDK's vhost-user/virtio-user testpmd pair, the reference of net. */
enum bench_mode {
	BENCH_LIMIT,
	BENCH_RING,
	BENCH_RTE_RING,
	BENCH_TRANSPORT,
	BENCH_NET,
	BENCH_VHOST,
	BENCH_PCIE, /* over a PCIe card through VFIO, this host the driver (mode_pcie.c) */
	BENCH_PMD   /* testpmd over net_vmsg (mode_pmd.c), measured as BENCH_VHOST */
};
/*
 * Every test but throughput is a latency test (percentiles from per-request
 * samples); init1000's samples are per device (open to DRIVER_OK).
 */
enum bench_test {
	BENCH_PINGPONG,
	BENCH_THROUGHPUT,
	BENCH_GET_STATUS,
	BENCH_GET_CONFIG32,
	BENCH_INIT1000,
	BENCH_INIT1000_ASYNC, /* the same with the asynchronous calls, devices in flight together */
	BENCH_NET_PPS,	      /* packets forwarded per second (a throughput test) */
	BENCH_NET_LAT,	      /* one packet's round trip */
	BENCH_BUS_PING,	      /* a bus PING's round trip (pcie) */
};

/* init1000 and init1000async: one sample per device, the total init time. */
static inline int bench_test_is_init(enum bench_test t)
{
	return t == BENCH_INIT1000 || t == BENCH_INIT1000_ASYNC;
}

/* Tests reported as a rate (packets or messages per second), not as latencies. */
static inline int bench_test_is_rate(enum bench_test t)
{
	return t == BENCH_THROUGHPUT || t == BENCH_NET_PPS;
}

/* --perf counters (perf.c), in the order they are printed. */
enum bench_perf_ev {
	BENCH_PERF_CYCLES,
	BENCH_PERF_INSTRUCTIONS,
	BENCH_PERF_TASK_CLOCK, /* ns */
	BENCH_PERF_CTX_SWITCHES,
	BENCH_PERF_PAGE_FAULTS,
	BENCH_PERF_MIGRATIONS,
	BENCH_PERF_NEV
};

#define BENCH_CURVE_PTS 201u

/* pcie: the card's counters over a timed part (rte_vmsg_pcie_stats, after - before). */
#define BENCH_PCIE_BARS 6u
struct bench_pcie_counts {
	uint64_t bar_reads[BENCH_PCIE_BARS];
	uint64_t bar_writes[BENCH_PCIE_BARS];
	uint64_t doorbells;
	uint64_t doorbell_readbacks; /* among bar_reads, off the data path (versal) */
	uint64_t interrupts;
	uint64_t tx_packets, rx_packets; /* pps: sent and received in the timed part */
};

/* pcie: the card a run measured, for the output (mode_pcie.c fills it). */
struct bench_pcie_env {
	char bdf[16];
	uint16_t vendor_id, device_id;
	const char *profile, *placement, *notify, *layout;
	int iova_pa;		/* DMA at IOVA = PA (the test card in a QEMU guest) */
	int functional_only;	/* under QEMU TCG: the figures say nothing of speed */
	char emulated_why[160]; /* how that was found */
};

/* One run of one measurement. */
struct bench_run {
	uint64_t iterations; /* round trips (ping-pong) or messages (throughput) timed */
	double real_ns;	     /* wall time of the timed part */
	double cpu_ns;	     /* CPU time of the measuring side over the timed part */
	double p50_ns, p99_ns, p999_ns, max_ns, mean_ns; /* ping-pong only */
	double mps;					 /* messages per second */
	double cycles_per_msg;				 /* TSC ticks per message */
	/* init1000 only: real_ns is the time to initialise every device. */
	uint32_t devices;	    /* devices initialised */
	uint32_t window;	    /* init1000async: devices in flight at most */
	uint32_t enum_requests;	    /* GET_DEVICES windows of the enumeration */
	double enum_ns;		    /* the first enumeration */
	double enum_warm_ns;	    /* a second one, right after */
	double requests_per_device; /* requests of the init flow, per device */
	/* --perf: the measuring side's counters over the timed part (perf.c). */
	double perf[BENCH_PERF_NEV]; /* indexed by enum bench_perf_ev, scaled if multiplexed */
	uint32_t perf_mask;	     /* 1 << enum bench_perf_ev of the counted ones */
	int perf_scaled;	     /* the kernel multiplexed the group */
	/*
	 * Latency runs: the percentile curve for --plot, latency at
	 * BENCH_CURVE_PTS points evenly spaced in "nines" (x = -log10(1 - p))
	 * from 0 (the minimum) to curve_x_max (at most 4: p99.99).
	 */
	float curve[BENCH_CURVE_PTS];
	uint32_t ncurve;
	double curve_x_max;
	struct bench_pcie_counts pcie; /* pcie only */
	/*
	 * A DPDK testpmd run (vhost-user, net_vmsg_pmd) that failed, or that
	 * read far outside the other runs of its case (bench_mark_outliers()):
	 * reported as such, never the median, never in a ratio.
	 */
	int invalid; /* BENCH_RUN_OK, BENCH_RUN_FAILED, BENCH_RUN_OUTLIER */
	/*
	 * A testpmd run (vhost-user, net_vmsg_pmd) whose processes ran with
	 * --no-huge: not the way DPDK measures itself (bench_ref_nohuge()).
	 */
	int nohuge;
};

#define BENCH_RUN_OK 0
#define BENCH_RUN_FAILED 1
#define BENCH_RUN_OUTLIER 2

/* One measurement, with its runs. */
struct bench_case {
	enum bench_mode mode;
	enum bench_test test;
	uint32_t elem_size;
	uint32_t burst;
	uint32_t elems;	    /* N of the ring */
	uint32_t msg_bytes; /* bytes copied per message */
	int format;	    /* enum rte_vmsg_link_format, -1 when not a link */
	int extra_elems;    /* the N=63 extra: elems is part of the name */
	/*
	 * ring throughput: the producer's link has RTE_VMSG_LINK_F_STREAM;
	 * limit throughput: the stream is written with non-temporal stores.
	 * Part of the name (.../compat-stream, limit/throughput/64/64/stream).
	 */
	int stream;
	/*
	 * limit ping-pong: each message goes in the next 64-byte line of a
	 * ring of @c elems lines per direction, where a stamped consumer
	 * polls it (the floor of a ring whose consumer polls the element
	 * itself), instead of in one line each way. Named .../walk.
	 */
	int walk;
	int notify;		/* net: enum rte_vmsg_net_notify */
	int path;		/* vhost: enum vhost_ref_path; pcie: enum rte_vmsg_pcie_placement */
	int ring;		/* net: BENCH_RING_*: the virtqueue layout the device offers */
	struct bench_run *runs; /* cfg->repeat of them */
	uint32_t nruns;
	uint32_t median; /* index of the reported run */
	uint32_t nvalid; /* runs neither failed nor outliers (bench_pick_median()) */
	/* vhost, pmd: DPDK did not take the path (-ENOTSUP): no run is made. */
	int refused;
	int hugepages;	  /* vhost, pmd: the testpmd processes ran on hugepages */
	char rx_path[96]; /* vhost: the Rx path virtio-user logged */
	char note[256];	  /* vhost, pmd: why a run failed or the path was refused */
};

/* A DPDK testpmd cell (vhost-user pair, testpmd over net_vmsg): its runs may fail. */
static inline int bench_case_is_testpmd(const struct bench_case *c)
{
	return c->mode == BENCH_VHOST || c->mode == BENCH_PMD;
}

/* The case has a median run to report and divide by. */
static inline int bench_case_valid(const struct bench_case *c)
{
	return c->nvalid > 0;
}

/*
 * A DPDK reference whose median, the figure a ratio divides by, ran with
 * --no-huge (no hugepages free): weaker than DPDK's own setup, so a ratio
 * against it is printed and written with that caveat, and its target is
 * never reported met (a "met" would overstate the lead).
 */
static inline int bench_ref_nohuge(const struct bench_case *c)
{
	return c != NULL && c->mode == BENCH_VHOST && bench_case_valid(c) &&
	       c->runs[c->median].nohuge;
}

const char *bench_mode_name(enum bench_mode m);
const char *bench_test_name(enum bench_test t);
const char *bench_format_name(int format);
/* A ring mode's name in the summary: split, split-io, packed or packed-io. */
const char *bench_ring_name(enum bench_ring ring);

/* stats.c */
void bench_latency_stats(uint64_t *ticks, uint64_t n, uint64_t hz, struct bench_run *out);
void bench_case_name(const struct bench_case *c, char *buf, size_t cap);
void bench_pick_median(struct bench_case *c);
/*
 * The outlier rule of the testpmd cells: a run below half, or above twice,
 * the median of its case's other successful runs is an outlier. With a
 * single successful run nothing is marked (nothing to compare with).
 */
#define BENCH_OUTLIER_FACTOR 2.0
void bench_mark_outliers(struct bench_case *c);
void bench_print_header(FILE *f);
void bench_print_case(FILE *f, const struct bench_case *c);
void bench_print_run(FILE *f, const struct bench_case *c, uint32_t i);
void bench_print_init(FILE *f, const struct bench_case *c);
double bench_median_enum_ns(const struct bench_case *c, int warm);

/* The two ratios of ARCHITECTURE.md §5, for one link format. */
/* mode_pmd.c: testpmd over net_vmsg against the vhost-user pair, same run. */
struct case_list;
struct pmd_ratios {
	int measured;
	double over_split, over_best64, over_best1518;	  /* < 0: not measured */
	double pmd64, pmd1518, split64, best64, best1518; /* Mpps */
	const char *best64_path, *best1518_path;
	const char *pmd64_path, *pmd1518_path;	      /* the PMD's best path at 64 and 1518 B */
	const struct bench_case *split, *b64, *b1518; /* the references (NULL: none valid) */
};

struct bench_ratios {
	int format;
	double pp;   /* ring ping-pong p50 / limit p50; < 0 when not measured */
	double tput; /* ring msg/s / rte_ring msg/s; < 0 when not measured */
	double tp; /* transport GET_DEVICE_STATUS p50 / ring ping-pong 64/1 p50; < 0: not measured */
	double net;    /* net 64 B polling pps / vhost-user split pps 64 B; < 0: not measured */
	double init;   /* init1000async init time / init1000 init time; < 0: not measured */
	double stream; /* ring 64/32 msg/s / the stream's lines/s; < 0: not measured */
	const struct bench_case *ring_pp, *limit_pp, *ring_tput, *rte_tput, *tp_status;
	/*
	 * ring_tput: the better (median Mmsg/s) of ring_tput_plain (64/32)
	 * and its twin with RTE_VMSG_LINK_F_STREAM (NULL if not measured);
	 * limit_stream: the better of the stream with ordinary stores and with
	 * non-temporal ones.
	 */
	const struct bench_case *ring_tput_plain, *ring_tput_stream;
	const struct bench_case *limit_stream, *limit_stream_plain, *limit_stream_nt;
	/*
	 * The floors that bound two figures, not targets: the stamped ring
	 * ping-pong over the walk (limit/pingpong/64/1/walk; < 0 in the
	 * compatible format, whose consumer polls the tail, or when not
	 * measured), and ring 64/32 over the better stream at its own burst
	 * (BENCH_TPUT_BURST lines per block: one publication per burst).
	 */
	double walk, burst_stream;
	const struct bench_case *limit_walk, *burst_stream_best, *burst_stream_plain,
		*burst_stream_nt;
	const struct bench_case *init_sync, *init_async; /* transport init1000, init1000async */
	const struct bench_case *net_pps, *vhost_pps;
	/*
	 * Ours (net pps, polling, the best ring mode) over DPDK's best path, at
	 * 64 and 1518 B; < 0: not measured. [0] is 64 B, [1] 1518 B.
	 */
	double net_best[2];
	const struct bench_case *ours_best[2], *dpdk_best[2];
	struct pmd_ratios pmd;
};

/* The two sizes the *_over_dpdk_best ratios are read at. */
#define BENCH_BEST_SIZES   \
	{                  \
		64u, 1518u \
	}

int bench_json_write(const char *path, const struct bench_env *env, const struct bench_case *cases,
		     size_t n, const struct bench_ratios *main_ratios,
		     const struct bench_ratios *other_ratios);

/* cases.c: the measurements of a mode, run and reported; report.c: the ratios. */
/*
 * The targets of ARCHITECTURE §5. Ring ping-pong over the limit: 1.15 in the
 * compat format (RTE_VMSG_LINK_FMT_COMPAT, 0), 1.1 stamped (1).
 */
#define TARGET_PP(fmt) ((fmt) == 1 ? 1.1 : 1.15)
#define TARGET_TPUT 1.1		/* ring 64/32 over rte_ring 64/32 */
#define TARGET_TP 1.5		/* transport round trip p50 over ring ping-pong p50 */
#define TARGET_NET 2.0		/* net 64 B over DPDK's split path */
#define TARGET_NET64_BEST 1.3	/* ARCHITECTURE §5: net 64 B over DPDK's best path */
#define TARGET_NET1518_BEST 1.0 /* the same at 1518 B */
#define TARGET_INIT 0.3		/* ARCHITECTURE §5: init1000 asynchronous / synchronous */
#define TARGET_STREAM 0.9	/* ARCHITECTURE §5: ring 64/32 over the stream of 64-byte lines */

struct case_list {
	struct bench_case *v;
	size_t n, cap;
};

int bench_run_all(struct bench_cfg *cfg, const char *mode);
const struct bench_case *bench_case_find_stream(const struct case_list *l, enum bench_mode m,
						enum bench_test t, uint32_t esize, uint32_t burst,
						int fmt);
const struct bench_case *bench_case_find(const struct case_list *l, enum bench_mode m,
					 enum bench_test t, uint32_t esize, uint32_t burst,
					 int fmt);
/* The limit's walk ping-pong (c->walk), or NULL. */
const struct bench_case *bench_case_find_walk(const struct case_list *l);
const struct bench_case *bench_case_find_pps64(const struct case_list *l, enum bench_mode m);
/*
 * The pps case with the highest median at @p size among the valid ones of
 * @p m (BENCH_VHOST: DPDK's best path; BENCH_NET: polling only, our best
 * ring mode), or NULL.
 */
const struct bench_case *bench_best_pps(const struct case_list *l, enum bench_mode m,
					uint32_t size);
/* net_mpps_over_vhost_user's line (net measured), then net{64,1518}_mpps_over_dpdk_best's. */
void bench_print_net_ratio(const struct bench_ratios *r, const char *indent);
void bench_print_net_ratios(const struct bench_ratios *r, const char *indent);
/*
 * A target's verdict: "met" or "NOT met", each with its caveat when @p ref
 * (the DPDK reference divided by, or NULL) ran with --no-huge.
 */
const char *bench_verdict(int met, const struct bench_case *ref);
/* @p dpdk_mem: --dpdk-mem (enum vhost_ref_mem), which says why a run had no hugepages. */
void bench_print_dpdk_ref(const struct case_list *l, const struct bench_ratios *r, int dpdk_mem);
void bench_ratios_of(const struct case_list *l, int fmt, struct bench_ratios *r);
void bench_print_paired(const struct bench_ratios *r, const char *indent);
void bench_print_ratios(const struct bench_ratios *r, const char *indent);
void bench_print_init_ratio(const struct bench_ratios *r, const char *indent);
void bench_print_summary(const struct bench_cfg *cfg, const struct case_list *l,
			 const struct bench_ratios *r, const char *json, const char *plot,
			 double wall_s);

/* pair.c: CPUs, the two sides (threads or processes), bounded waits. */
int bench_cpus_parse(const char *s, int cpu[2]);
int bench_cpus_default(int cpu[2]);
int bench_pair_run(struct bench_env *env, bench_side_fn fn, void *arg);
int bench_pair_run_procs(struct bench_env *env, bench_side_fn fn, void *arg);
/*
 * Sample arrays: touched at once, and not inherited by the peer process
 * (MADV_DONTFORK), so that writing a sample never takes a copy-on-write
 * fault in the timed loop after a fork (--procs, net). NULL when out of
 * memory.
 */
uint64_t *bench_samples_alloc(uint64_t n);
void bench_samples_free(uint64_t *p, uint64_t n);
/* CPU time of the calling thread, ns. */
double bench_thread_cpu_ns(void);
void bench_fail(struct bench_side *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int bench_start_line(struct bench_side *s);
/*
 * The driver end of an shm bus for side @p s: waits (BENCH_TIMEOUT_S, or
 * until either side aborts) for the device end's file and the link, then
 * writes the file's path as mapped into @p attached; @p max_inflight: of
 * the driver-role bus endpoint (0: its default). 0 or a negative errno.
 */
struct rte_vmsg_bus_shm;
struct rte_vmsg_bus;
/* The cancel callback of a bounded wait: either side set the shared abort word. */
int bench_aborted(void *side);
int bench_shm_attach(struct bench_side *s, const char *path, uint32_t shm_flags,
		     uint32_t max_inflight, struct rte_vmsg_bus_shm **shm,
		     struct rte_vmsg_bus **bus, char *attached, size_t cap);

/* perf.c: --perf. What the probe found, fixed before any side runs. */
struct bench_perf_cfg {
	int on;			/* counting */
	int n;			/* events in the group */
	int ev[BENCH_PERF_NEV]; /* enum bench_perf_ev, the group's order */
	int exclude_kernel;	/* refused with the kernel included: user space only */
	char counters[160];	/* "task-clock, context-switches, ..." */
	char unavailable[512];	/* each one that is not counted, and why */
	char why[256];		/* on == 0: why nothing is counted */
};
extern struct bench_perf_cfg bench_perf;

/* The counters of one timed part, opened by the side that runs it. */
struct bench_perf_ctx {
	int fd[BENCH_PERF_NEV];
	int n;
};

/* Finds what can be counted here; -1 when nothing can and @p require. */
int bench_perf_probe(int require);
void bench_perf_describe(FILE *f);
const char *bench_perf_name(int ev);
const char *bench_perf_key(int ev);
/*
 * Around a timed part, on the measuring side: begin opens the group
 * (outside the counts) and enables it; end disables it and stores the counts
 * in @p out. No-ops without --perf.
 */
void bench_perf_begin(struct bench_perf_ctx *p);
void bench_perf_end(struct bench_perf_ctx *p, struct bench_run *out);

/* plot.c: the SVG of the latency curves of every latency case's median run. */
int bench_plot_write(const char *path, const struct bench_env *env, const struct bench_case *cases,
		     size_t n);

/* main.c: the progress line is on (stderr is a terminal); bench_fail clears it first. */
extern int bench_progress_tty;

/* mem.c: the shared memory (lib/mem regions) and NUMA binding. */
int bench_numa_bind(int node);
int bench_mem_open(struct bench_env *env, size_t area_len);
int bench_mem_attach(const struct bench_env *env, struct rte_vmsg_region **out, uint8_t **base);
void bench_mem_close(struct bench_env *env);
/*
 * The path of a mode's own shm bus file (vmsg_bench_<tag>_<pid>) for
 * --hugepages; returns the page flags of its rte_vmsg_bus_shm_opts:
 * RTE_VMSG_BUS_SHM_F_NO_FALLBACK for a hugetlbfs directory,
 * RTE_VMSG_BUS_SHM_F_NO_HUGE for none (plain memory asked for: no warning).
 */
uint32_t bench_shm_path(const struct bench_cfg *cfg, const char *tag, char *buf, size_t cap);

/* The modes. Each returns 0, or -1 after printing why. */
int limit_run(struct bench_env *env, struct bench_case *c, struct bench_run *out);
/* The stream (limit throughput): lines per block, one publish each; its area. */
#define BENCH_STREAM_LINES 64u
/* The burst of the throughput ratios (ring and rte_ring 64/32), and of the stream's twin. */
#define BENCH_TPUT_BURST 32u
/* Non-temporal stores for the stream and RTE_VMSG_LINK_F_STREAM (x86-64 only). */
#if defined(__x86_64__)
#define BENCH_HAVE_STREAM 1
#else
#define BENCH_HAVE_STREAM 0
#endif
size_t limit_stream_area(uint32_t lines);
/* The walk ping-pong's area: two rings of @p lines 64-byte lines. */
size_t limit_walk_area(uint32_t lines);
int ring_run(struct bench_env *env, struct bench_case *c, struct bench_run *out);
size_t ring_area_size(uint32_t elems, uint32_t elem_size);
#ifdef VMSG_BENCH_HAVE_DPDK
int rtering_run(struct bench_env *env, struct bench_case *c, struct bench_run *out);
size_t rtering_area_size(uint32_t elems, uint32_t elem_size);
uint32_t rtering_elems(uint32_t elems);
#endif
int transport_run(struct bench_env *env, struct bench_case *c, struct bench_run *out);
int net_run(struct bench_env *env, struct bench_case *c, struct bench_run *out);
int vhost_run(struct bench_env *env, struct bench_case *c, struct bench_run *out);
/* 1 when the vhost-user reference can run here; else 0 and why. */
int vhost_usable(char *why, size_t cap);
struct case_list;
int pmd_usable(char *why, size_t cap);
/*
 * testpmd over net_vmsg, its paths: "copy" (0), "zerocopy" (1, zerocopy=1 on
 * both sides), and both over packed in-order rings (2, 3: ring=packed).
 */
#define BENCH_PMD_NPATHS 4
const char *bench_pmd_path_name(int path);
int pmd_run(struct bench_env *env, struct bench_case *c, struct bench_run *out);
void pmd_ratios(const struct case_list *l, struct pmd_ratios *r);
void pmd_ratios_print(const struct pmd_ratios *r);
const char *bench_notify_name(int notify);
const char *bench_vhost_path_name(int path);
int bench_vhost_npaths(void); /* DPDK's virtio-user paths the reference knows */
int describe_run(uint32_t max_size);
/* mode pcie: the whole run (one side: the card's firmware or emulator is the other). */
int pcie_bench_run(struct bench_cfg *cfg);
const char *bench_pcie_placement_name(int placement);

/* ------------------------------------------------------------------------ */
/* Bounded waiting, used inside the timed loops.                            */

/*
 * A spinning side counts its idle spins in a local variable (a register:
 * only these inline helpers take its address) and calls bench_idle() each
 * time it found nothing to do, bench_progress() when it did something. Every
 * 1024 idle spins the slow path reads the TSC and the shared abort word: no
 * system call, no allocation; it gives up after BENCH_TIMEOUT_S without
 * progress.
 */
struct bench_wait {
	uint64_t since;	 /* TSC at the first slow check of this idle period */
	uint64_t limit;	 /* ticks without progress before giving up */
	uint32_t *abort; /* shared */
};

int bench_idle_slow(struct bench_wait *w, uint64_t spins);

/* --spin pause (1) or tight (0, the default); set once before any side runs. */
extern int bench_spin_pause;

static inline void bench_wait_init(struct bench_wait *w, const struct bench_side *s)
{
	w->since = 0;
	w->limit = s->tsc_hz * BENCH_TIMEOUT_S;
	w->abort = &s->ctl->abort;
}

static inline void bench_progress(uint64_t *spins)
{
	*spins = 0;
}

/* Returns 0 to keep spinning, -ETIMEDOUT or -ECANCELED to give up. */
static inline int bench_idle(struct bench_wait *w, uint64_t *spins)
{
	/*
	 * --spin pause: a spin-wait hint between polls, the same for every
	 * mode (limit, ring, rte_ring). A tight two-sided poll can keep the
	 * line the other side is writing from it: on this kind of host the
	 * limit ping-pong measured 550 ns tight and 330 ns with the hint.
	 */
	if (bench_spin_pause) {
#if defined(__x86_64__) || defined(__i386__)
		__builtin_ia32_pause();
#elif defined(__aarch64__)
		__asm__ __volatile__("yield" ::: "memory");
#endif
	}
	if (__builtin_expect((++*spins & 1023u) != 0, 1))
		return 0;
	return bench_idle_slow(w, *spins);
}

/*
 * The bench's own words in shared memory (the limit lines, the control
 * block) are plain aligned integers accessed with the compiler's __atomic
 * builtins, as the library does; each pair is named where it is used.
 */
#define bench_load_acquire(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define bench_store_release(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define bench_read_once(p) __atomic_load_n((p), __ATOMIC_RELAXED)

/* The sequence number a message carries in its first 8 bytes. */
static inline uint64_t bench_msg_seq(const uint8_t *m)
{
	uint64_t v;

	__builtin_memcpy(&v, m, sizeof(v));
	return v;
}

static inline void bench_msg_set_seq(uint8_t *m, uint64_t v)
{
	__builtin_memcpy(m, &v, sizeof(v));
}

/* Warm-up before timing: a tenth of the count, at least 1000, at most 1e6. */
static inline uint64_t bench_warmup(uint64_t count)
{
	uint64_t w = count / 10;

	return w < 1000 ? 1000 : w > 1000000 ? 1000000 : w;
}

/* Why a side stopped, from the negative errno its loop returned. */
const char *bench_why(int rc);

#endif /* VMSG_BENCH_H */
