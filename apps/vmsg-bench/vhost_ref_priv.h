/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vhost_ref internals shared by its two files: the testpmd processes
 * (vhost_ref_proc.c) and the measurement (vhost_ref.c).
 */

#ifndef VMSG_BENCH_VHOST_REF_PRIV_H
#define VMSG_BENCH_VHOST_REF_PRIV_H

#include <stddef.h>
#include <sys/types.h>

#include "vhost_ref.h"

#define PROMPT "testpmd> "
#define TESTPMD_DEFAULT "/usr/bin/dpdk-testpmd"
#define VIRTIO_MAC "02:76:6d:73:67:02"

/* Output kept per process: enough for every answer and the last lines. */
#define OUT_CAP (256u * 1024u)

/*
 * Bounds on every wait, in milliseconds. Start-up is slow with --no-huge: EAL
 * and the 155k-mbuf pool fault in ~400 MB; 7.5 s was measured on a loaded
 * 2-CPU host for one process.
 */
#define START_MS 60000
#define CMD_MS 15000
#define LINK_MS 15000
/* Forwarding is steady within milliseconds of tx_first: half a second is ample. */
#define WARMUP_MS 500
#define QUIT_MS 10000
#define TERM_MS 3000

enum { VHOST, VIRTIO };

/* One testpmd process. */
struct tp {
	const char *name;
	pid_t pid;  /* 0: not started, or reaped */
	int status; /* wait status once reaped */
	int in;	    /* our end of its stdin (a socketpair) */
	int out;    /* pty master: its stdout and stderr */
	int eof;    /* the pty said EIO/EOF: the process closed its output */
	int bol;    /* verbose echo: at the start of a line */
	char *buf;  /* its output, oldest dropped past OUT_CAP */
	size_t len;
	size_t mark; /* where the answer to the current command starts */
	char prefix[48];
};

struct run {
	const struct vhost_ref_cfg *cfg;
	int huge; /* 1: hugepages (--single-file-segments); 0: --no-huge */
	struct vhost_ref_result *res;
	struct tp tp[2];
	char dir[64]; /* private temporary directory holding the socket */
	char sock[128];
	char testpmd[512];
};

/*
 * The memory each process asks for: with hugepages, -m 256 of them (both
 * together: VHR_HUGE_PAGES of 2 MiB, a margin included); with --no-huge,
 * -m 1024 of plain memory. Both pools hold VHR_MBUFS mbufs: the two
 * 1024-entry rings, the packets in flight and the per-core caches need under
 * 4096; testpmd's default (about 160000) only lengthens the start-up and
 * would not leave the hugepages for two processes.
 */
#define VHR_HUGE_MB "256"
#define VHR_HUGE_PAGES (2 * 256 / 2 + 16)
#define VHR_NOHUGE_MB "1024"
#define VHR_MBUFS "16384"

/* Entries of a testpmd command line (vhr_argv()), the NULL included. */
#define VHR_ARGS 32

/* vhost_ref_proc.c */
/*
 * One testpmd's command line, the same for every pair the bench runs
 * (environment.md, "DPDK 22.11"): two lcores, the main one on the other
 * side's CPU; hugepages or not (@p r->huge); no PCI scan, no telemetry
 * socket, a private file prefix; @p dso (NULL: none) loaded with -d, and
 * up to four @p extra EAL arguments (NULL-terminated, may be NULL);
 * interactive, one forwarding core, 1024-entry rings. Debian's testpmd
 * finds the vhost and virtio PMDs in its plugin directory.
 */
void vhr_argv(const char **a, const struct run *r, const char *dso, const char *lcores,
	      const char *main_lcore, const char *prefix, const char *vdev,
	      const char *const *extra);
/* The hugetlbfs mount of 2 MiB pages: 0 and its path, or -ENOENT. */
int vhr_huge_dir(char *buf, size_t cap);
/* Removes what a killed bench's references left (its pid gone); vhost_ref.c. */
void vhr_sweep_stale(void);
/* Removes the hugepage files EAL made for @p prefix (a killed run leaves them). */
void vhr_remove_huge_files(const char *prefix);
long long vhr_now_ms(void);
void vhr_end_lines(struct run *r);
int vhr_find_testpmd(const char *want, char *buf, size_t cap, char *why, size_t whycap);
__attribute__((format(printf, 4, 5))) int vhr_fail(struct run *r, const struct tp *t, int rc,
						   const char *fmt, ...);
int vhr_tp_reap(struct run *r, struct tp *t, int ms);
void vhr_tp_kill(struct run *r, struct tp *t);
void vhr_close_from_3(void);
int vhr_tp_start(struct run *r, struct tp *t, const char **argv);
int vhr_pump(struct run *r, struct tp *which, const char *pat, long long deadline, size_t *at);
int vhr_cmd(struct run *r, struct tp *t, const char *line, char *ans, size_t cap);

#endif /* VMSG_BENCH_VHOST_REF_PRIV_H */
