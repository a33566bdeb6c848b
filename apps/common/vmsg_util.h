/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Helpers the apps and the tests share: bounded waits for a child process,
 * number parsing, pinned two-sided runs and a config-only device model.
 * Built as an internal static library (apps/common); never installed, not
 * part of librte_vmsg.
 */

#ifndef VMSG_UTIL_H
#define VMSG_UTIL_H

#include <stdint.h>
#include <sys/types.h>

/* ------------------------------------------------------------------------ */
/* proc.c: child processes.                                                  */

/*
 * Waits for child @p pid at most @p timeout_ns (polling every @p poll_ns);
 * when it has not exited by then, kills it with SIGKILL and reaps it.
 *
 * @return 0 with its wait status in @p status; -ETIMEDOUT when it had to be
 *   killed (@p status: the status after the kill); another -errno when
 *   waitpid() failed (not EINTR, which is retried), @p status unchanged.
 */
int vmsg_util_wait_child(pid_t pid, uint64_t timeout_ns, uint64_t poll_ns, int *status);

/* CLOCK_MONOTONIC in nanoseconds. */
uint64_t vmsg_util_now_ns(void);

/* ------------------------------------------------------------------------ */
/* parse.c: numbers from the command line.                                   */

/* vmsg_util_parse_u64() flags. */
#define VMSG_UTIL_PARSE_EXP 0x1u /* a decimal count may end in e<digits>: 1e6 */

/*
 * An unsigned integer in [@p lo, @p hi] that is the whole of @p s: a digit
 * first (no sign, no blank), then what strtoull() reads in @p base (0: a
 * 0x prefix is hex, a leading 0 octal), then, with VMSG_UTIL_PARSE_EXP, an
 * optional power of ten.
 *
 * @return 0 with the value in @p out; -EINVAL when @p s is NULL or not such
 *   a number; -ERANGE when it is outside [@p lo, @p hi] or overflows.
 */
int vmsg_util_parse_u64(const char *s, int base, unsigned int flags, uint64_t lo, uint64_t hi,
			uint64_t *out);
/* The same, into 32 bits (@p hi must fit). */
int vmsg_util_parse_u32(const char *s, int base, uint32_t lo, uint32_t hi, uint32_t *out);

/*
 * The directory of @p path into @p buf (@p cap bytes, cut short if need
 * be): what precedes its last '/', "/" for a name in the root, "." for a
 * name without '/'.
 */
void vmsg_util_dir_of(const char *path, char *buf, size_t cap);

/*
 * Whether paths @p a and @p b name one place: the same string, or the same
 * last component in directories of the same real path (./x and x, d/../x
 * and x). Not through links to the file itself: compare inodes for that.
 */
int vmsg_util_same_name(const char *a, const char *b);

/* ------------------------------------------------------------------------ */
/* pin.c: two sides pinned to two CPUs.                                      */

/* Pins the calling thread to @p cpu; a negative @p cpu leaves it alone. 0 or -errno. */
int vmsg_util_pin_self(int cpu);

/*
 * The first two CPUs of this process's affinity mask, into @p cpu (-1 for
 * a missing one). 0 when there are two; -ENOENT when the mask has fewer;
 * the -errno of sched_getaffinity() (@p cpu both -1).
 */
int vmsg_util_two_cpus(int cpu[2]);

/* One side of a pinned pair of threads. */
struct vmsg_util_side {
	int cpu; /* < 0: not pinned */
	/* Runs on the side's thread; @p pinned is 0, or the -errno of pinning. */
	int (*fn)(void *arg, int pinned);
	void *arg;
	int rc; /* what @c fn returned; the caller's value when it never ran */
};

/*
 * Runs both sides at once, each on its own thread pinned to its CPU, and
 * waits for both. When a thread cannot be created, @p on_error (may be
 * NULL) is called with @p arg and the -errno before the side already
 * started is waited for, so that it can be told to stop.
 *
 * @return 0 when both ran; the -errno of pthread_create() otherwise.
 */
int vmsg_util_run_pair(struct vmsg_util_side side[2], void (*on_error)(void *arg, int err),
		       void *arg);

/* ------------------------------------------------------------------------ */
/* model.c: a config-only device model.                                      */

struct rte_vmsg_dev_ops;
struct rte_vmsg_region;

/*
 * Maps the existing file @p path as it is (its size unchanged, no hugepages
 * needed), at bus address @p base (region.c; links librte_vmsg).
 * @return 0, or the errors of rte_vmsg_region_create() (-ENOENT: no file).
 */
int vmsg_util_attach_file(const char *path, uint64_t base, struct rte_vmsg_region **out);

/*
 * A device that only has a config space: GET_CONFIG reads @c cfg. A caller
 * with more state puts it first in its own struct (the hooks' context).
 */
struct vmsg_util_model {
	const uint8_t *cfg;
	uint32_t cfg_size;
};

/* The config_read hook: @p ctx is the struct vmsg_util_model. */
int vmsg_util_model_config_read(void *ctx, uint32_t off, void *buf, uint32_t len);

/*
 * Fills @p ops for model @p m: zeroed, then sz, @p device_id, the virtio
 * vendor id 0x1af4, the config size and config_read. The caller adds the
 * queues and the features.
 */
void vmsg_util_model_ops(struct rte_vmsg_dev_ops *ops, const struct vmsg_util_model *m,
			 uint32_t device_id);

#endif /* VMSG_UTIL_H */
