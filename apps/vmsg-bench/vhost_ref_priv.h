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
#define WARMUP_MS 1000
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
	struct vhost_ref_result *res;
	struct tp tp[2];
	char dir[64]; /* private temporary directory holding the socket */
	char sock[128];
	char testpmd[512];
};

/* vhost_ref_proc.c */
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
