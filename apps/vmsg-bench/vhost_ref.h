/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The reference `vmsg-bench net` compares itself against: DPDK's vhost-user
 * and virtio-user PMDs forwarding to each other, in two dpdk-testpmd processes.
 */

#ifndef VMSG_BENCH_VHOST_REF_H
#define VMSG_BENCH_VHOST_REF_H

#include <stddef.h>

/*
 * The virtio-user datapath, chosen by its devargs (DPDK 22.11 accepts
 * packed_vq, in_order, mrg_rxbuf and vectorized): every path of DPDK's own
 * multi-path vhost-user/virtio-user runs. The split and packed rings, each
 * with and without in-order completion, mergeable Rx buffers or not, and
 * the vectorized Rx path of each ring (split: not in-order, not mergeable;
 * packed: in-order, not mergeable, AVX512 with 512-bit SIMD allowed). The
 * first three keep the values and names they had when they were the only
 * ones.
 */
enum vhost_ref_path {
	VHOST_REF_SPLIT,		/* packed_vq=0,in_order=0,mrg_rxbuf=1 */
	VHOST_REF_SPLIT_INORDER,	/* packed_vq=0,in_order=1,mrg_rxbuf=1 */
	VHOST_REF_PACKED_INORDER,	/* packed_vq=1,in_order=1,mrg_rxbuf=1 */
	VHOST_REF_SPLIT_NOMRG,		/* packed_vq=0,in_order=0,mrg_rxbuf=0 */
	VHOST_REF_SPLIT_INORDER_NOMRG,	/* packed_vq=0,in_order=1,mrg_rxbuf=0 */
	VHOST_REF_SPLIT_VEC,		/* packed_vq=0,in_order=0,mrg_rxbuf=0,vectorized=1 */
	VHOST_REF_PACKED,		/* packed_vq=1,in_order=0,mrg_rxbuf=1 */
	VHOST_REF_PACKED_NOMRG,		/* packed_vq=1,in_order=0,mrg_rxbuf=0 */
	VHOST_REF_PACKED_INORDER_NOMRG, /* packed_vq=1,in_order=1,mrg_rxbuf=0 */
	VHOST_REF_PACKED_VEC,		/* packed_vq=1,in_order=1,mrg_rxbuf=0,vectorized=1 */
};

#define VHOST_REF_NPATHS 10
#define VHOST_REF_SAMPLES_MAX 8
#define VHOST_REF_SECONDS_MAX 3600 /* the largest sampled time of one run */

/*
 * The memory of both testpmd processes. HUGE, as DPDK's own performance
 * runs: hugepages with --single-file-segments (vhost-user maps the virtio
 * side's memory through the file descriptors it is sent) and -m 256;
 * NOHUGE: --no-huge -m 1024. AUTO: HUGE when a hugetlbfs mount has the free
 * pages both need, else NOHUGE (the result says which, and why).
 */
enum vhost_ref_mem {
	VHOST_REF_MEM_AUTO,
	VHOST_REF_MEM_HUGE,
	VHOST_REF_MEM_NOHUGE,
};

/*
 * One measurement. The vhost-user side forwards on cpu[0] (its main lcore on
 * cpu[1]); the virtio-user side forwards on cpu[1] (its main lcore on cpu[0]).
 * Both main lcores sleep in the command line while traffic runs.
 */
struct vhost_ref_cfg {
	unsigned cpu[2];  /* two different CPUs */
	unsigned pkt_len; /* frame bytes, without CRC: 60..1518; 0 means 64 */
	enum vhost_ref_path path;
	enum vhost_ref_mem mem;
	double seconds;	     /* sampled time after the warm-up; <= 0 means 3; <= 3600 */
	const char *testpmd; /* NULL: $VMSG_TESTPMD, then dpdk-testpmd in $PATH */
	int verbose;	     /* 1: commands and testpmd output on stderr */
};

struct vhost_ref_result {
	double rx_mpps, tx_mpps;		  /* median of the samples, vhost side */
	double samples[VHOST_REF_SAMPLES_MAX];	  /* Rx Mpps, one per sample */
	double tx_samples[VHOST_REF_SAMPLES_MAX]; /* Tx Mpps, one per sample */
	unsigned nsamples;
	double pkt_bytes;  /* RX-bytes / RX-packets at the end: checks the size */
	double run_s;	   /* wall time of the whole measurement, start-up included */
	int hugepages;	   /* 1: the processes ran on hugepages; 0: --no-huge */
	char mem_why[128]; /* hugepages: the mount; --no-huge: why */
	char rx_path[96];  /* what virtio-user logged: "using ... Rx path" */
	char tx_path[96];  /* the same for Tx */
	char error[256];   /* why it failed, with testpmd's last output lines */
};

/*
 * Whether both processes can have hugepages here: 1 with the hugetlbfs
 * mount in @p why, else 0 and why not. What VHOST_REF_MEM_AUTO decides by.
 */
int vhost_ref_hugepages(char *why, size_t cap);

/*
 * Whether the reference can run here: 1 when dpdk-testpmd is found and
 * executable and the process can give it what it needs; otherwise 0, with
 * the reason in @p why (may be NULL).
 */
int vhost_ref_available(char *why, size_t cap);

/*
 * Runs one measurement: starts both testpmd processes, waits for the link,
 * sets the length (`set txpkts`), starts traffic (`start tx_first 32` from the
 * vhost side: 1024 packets then circulate, forwarded by both sides with
 * `set fwd mac`), samples `show port stats all` on the vhost side after a
 * half-second warm-up, and stops, reaps and cleans up on every path (socket,
 * EAL's runtime directory and hugepage files). Never hangs: every wait is
 * bounded. About 4 s with 1.5 s of samples on hugepages (start-up
 * dominates), about 9 s with --no-huge on a loaded host.
 *
 * 1518-byte frames need no testpmd option: one default 2048-byte mbuf holds
 * them, and each takes one descriptor, mergeable or not. @p out->pkt_bytes
 * checks that the frames had the length asked for.
 *
 * The samples of one run agree within a few percent, but runs differ far
 * more (up to 2x for the in-order paths on the 2-CPU development host, as
 * environment.md also saw): callers should repeat runs and report the spread.
 *
 * The path is checked before traffic starts: virtio-user's log (its init
 * and driver log types at level info) must name the Rx path @p cfg->path
 * selects (for the vectorized paths, the Tx path too); DPDK falls back to
 * another path silently otherwise (vectorized=1 without AVX512, say).
 *
 * @return 0, or -errno with @p out->error saying why:
 *   -EINVAL a bad @p cfg; -ENOENT no dpdk-testpmd; -ENOTSUP DPDK did not take
 *   the path (its log lines in @p out->error); -ETIMEDOUT testpmd never
 *   answered; -ECHILD a testpmd exited early; -EIO no traffic or stats that do
 *   not parse; other values from the system calls that failed.
 */
int vhost_ref_run(const struct vhost_ref_cfg *cfg, struct vhost_ref_result *out);

/* "split", "split-inorder", ..., "packed-vec"; "?" for an unknown value. */
const char *vhost_ref_path_name(enum vhost_ref_path p);

/* "auto", "huge" or "nohuge": its enum vhost_ref_mem; -1 for anything else. */
int vhost_ref_mem_parse(const char *s);

/* The virtio-user devargs that select @p p (after "queues=1,"); NULL if unknown. */
const char *vhost_ref_path_devargs(enum vhost_ref_path p);

#endif /* VMSG_BENCH_VHOST_REF_H */
