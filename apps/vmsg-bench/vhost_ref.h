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
 * packed_vq, in_order, mrg_rxbuf and vectorized). Every path keeps
 * mrg_rxbuf=1 (the virtio-user default) and vectorized=0, so only the ring
 * layout and in-order completion change between them.
 */
enum vhost_ref_path {
	VHOST_REF_SPLIT,	  /* packed_vq=0,in_order=0: split ring, mergeable Rx path */
	VHOST_REF_SPLIT_INORDER,  /* packed_vq=0,in_order=1 */
	VHOST_REF_PACKED_INORDER, /* packed_vq=1,in_order=1 */
};

#define VHOST_REF_NPATHS 3
#define VHOST_REF_SAMPLES_MAX 8

/*
 * One measurement. The vhost-user side forwards on cpu[0] (its main lcore on
 * cpu[1]); the virtio-user side forwards on cpu[1] (its main lcore on cpu[0]).
 * Both main lcores sleep in the command line while traffic runs.
 */
struct vhost_ref_cfg {
	unsigned cpu[2];  /* two different CPUs */
	unsigned pkt_len; /* frame bytes, without CRC: 60..1518; 0 means 64 */
	enum vhost_ref_path path;
	double seconds;	     /* sampled time after the warm-up; <= 0 means 3 */
	const char *testpmd; /* NULL: $VMSG_TESTPMD, then dpdk-testpmd in $PATH */
	int verbose;	     /* 1: commands and testpmd output on stderr */
};

struct vhost_ref_result {
	double rx_mpps, tx_mpps;		  /* median of the samples, vhost side */
	double samples[VHOST_REF_SAMPLES_MAX];	  /* Rx Mpps, one per sample */
	double tx_samples[VHOST_REF_SAMPLES_MAX]; /* Tx Mpps, one per sample */
	unsigned nsamples;
	double pkt_bytes; /* RX-bytes / RX-packets at the end: checks the size */
	double run_s;	  /* wall time of the whole measurement, start-up included */
	char error[256];  /* why it failed, with testpmd's last output lines */
};

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
 * `set fwd mac`), samples `show port stats all` on the vhost side after a one
 * second warm-up, and stops, reaps and cleans up on every path (socket,
 * EAL's runtime directory). Never hangs: every wait is bounded. About 10 s
 * on an idle host (start-up dominates), about 15 s on a loaded one.
 *
 * 1518-byte frames need no testpmd option: one default 2048-byte mbuf holds
 * them, and with mrg_rxbuf=1 each takes one descriptor. @p out->pkt_bytes
 * checks that the frames had the length asked for.
 *
 * The samples of one run agree within a few percent, but runs differ far
 * more (up to 2x for the in-order paths on the 2-CPU development host, as
 * environment.md also saw): callers should repeat runs and report the spread.
 *
 * @return 0, or -errno with @p out->error saying why:
 *   -EINVAL a bad @p cfg; -ENOENT no dpdk-testpmd; -ETIMEDOUT testpmd never
 *   answered; -ECHILD a testpmd exited early; -EIO no traffic or stats that do
 *   not parse; other values from the system calls that failed.
 */
int vhost_ref_run(const struct vhost_ref_cfg *cfg, struct vhost_ref_result *out);

/* "split", "split-inorder", "packed-inorder"; "?" for an unknown value. */
const char *vhost_ref_path_name(enum vhost_ref_path p);

/* The virtio-user devargs that select @p p (after "queues=1,"). */
const char *vhost_ref_path_devargs(enum vhost_ref_path p);

#endif /* VMSG_BENCH_VHOST_REF_H */
