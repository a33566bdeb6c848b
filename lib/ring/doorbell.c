/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Doorbells: none (polling), eventfd, a futex on a shared word, and a
 * register write (MMIO), with an adaptive wait that polls for a bounded time
 * before it arms and sleeps.
 */

#define RTE_VMSG_LOG_PREFIX "bell: "

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rte_vmsg_mem.h"
#include "rte_vmsg_ring.h"
#include "log_priv.h"
#include "opts_priv.h"

int rte_vmsg_bell_create(const struct rte_vmsg_bell_opts *opts, struct rte_vmsg_bell **out)
{
	struct rte_vmsg_bell_opts oc;
	const struct rte_vmsg_bell_opts *o = &oc;
	struct rte_vmsg_bell *b;

	if (out == NULL || rte_vmsg__opts_copy(&oc, sizeof(oc), opts) < 0)
		return -EINVAL;
	if (o->kind != RTE_VMSG_BELL_NONE && o->kind != RTE_VMSG_BELL_EVENTFD &&
	    o->kind != RTE_VMSG_BELL_FUTEX && o->kind != RTE_VMSG_BELL_MMIO)
		return -EINVAL;
	/* The shared words: required by the futex, optional otherwise. */
	if ((o->kind == RTE_VMSG_BELL_FUTEX && o->shm == NULL) || ((uintptr_t)o->shm & 3u) != 0)
		return -EINVAL;
	/* MMIO: a register by address, or by offset in an I/O region; one of the two. */
	if (o->kind == RTE_VMSG_BELL_MMIO && o->mmio_region == NULL &&
	    (o->mmio == NULL || ((uintptr_t)o->mmio & 3u) != 0 || o->mmio_offset != 0))
		return -EINVAL;
	if (o->kind == RTE_VMSG_BELL_MMIO && o->mmio_region != NULL &&
	    (o->mmio != NULL || (o->mmio_offset & 3u) != 0 ||
	     (rte_vmsg_region_flags(o->mmio_region) & RTE_VMSG_REGION_F_IO) == 0 ||
	     rte_vmsg_region_len(o->mmio_region) < 4 ||
	     o->mmio_offset > rte_vmsg_region_len(o->mmio_region) - 4))
		return -EINVAL;
	/* Fields of other kinds stay zero: a misplaced option is a mistake, not a default. */
	if (o->kind != RTE_VMSG_BELL_MMIO &&
	    (o->mmio != NULL || o->mmio_value != 0 || o->mmio_region != NULL ||
	     o->mmio_offset != 0 || o->flags != 0))
		return -EINVAL;
	if ((o->flags & ~RTE_VMSG_BELL_F_READBACK) != 0)
		return -EINVAL;

	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return -ENOMEM;
	b->kind = o->kind;
	b->shm = o->kind == RTE_VMSG_BELL_NONE ? NULL : o->shm;
	b->poll_ns = o->poll_ns;
	b->fd = -1;
	if (o->kind == RTE_VMSG_BELL_MMIO) {
		b->mmio = (volatile uint32_t *)o->mmio;
		b->mmio_value = o->mmio_value;
		b->mmio_region = o->mmio_region;
		b->mmio_offset = o->mmio_offset;
		b->flags = o->flags;
	}
	if (o->kind == RTE_VMSG_BELL_EVENTFD) {
		if (o->fd >= 0) {
			b->fd = o->fd;
		} else {
			b->fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
			if (b->fd < 0) {
				int rc = -errno;

				free(b);
				return rc;
			}
			b->own_fd = 1;
		}
	}
	*out = b;
	return 0;
}

int rte_vmsg_bell_fd(const struct rte_vmsg_bell *b)
{
	return b != NULL && b->kind == RTE_VMSG_BELL_EVENTFD ? b->fd : -ENOENT;
}

void rte_vmsg_bell_destroy(struct rte_vmsg_bell *b)
{
	if (b == NULL)
		return;
	if (b->own_fd)
		close(b->fd);
	free(b);
}

static long futex(uint32_t *word, int op, uint32_t val, const struct timespec *ts)
{
	/* Not FUTEX_PRIVATE_FLAG: the word is shared between processes. */
	return syscall(SYS_futex, word, op, val, ts, NULL, 0);
}

int rte_vmsg__bell_kick(struct rte_vmsg_bell *b)
{
	uint64_t one = 1;

	b->kicks++;
	if (b->kind == RTE_VMSG_BELL_MMIO) {
		/*
		 * W1: the ring's elements and index (stores to RAM, or to the
		 * same BAR) before the register write that tells the device to
		 * read them: the CPU-to-device barrier (a write-combined BAR
		 * may otherwise let the doorbell pass them).
		 */
		rte_vmsg__io_wmb();
		if (b->mmio_region != NULL) {
			uint32_t v;
			int rc = rte_vmsg_region_io_write32(b->mmio_region, b->mmio_offset,
							    b->mmio_value);

			if (rc == 0 && (b->flags & RTE_VMSG_BELL_F_READBACK))
				rc = rte_vmsg_region_io_read32(b->mmio_region, b->mmio_offset, &v);
			return rc;
		}
		rte_vmsg__io_write32(b->mmio, rte_vmsg_cpu_to_le32(b->mmio_value));
		if (b->flags & RTE_VMSG_BELL_F_READBACK)
			(void)rte_vmsg__io_read32(b->mmio);
		return 0;
	}
	if (b->kind == RTE_VMSG_BELL_EVENTFD) {
		if (write(b->fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			return -errno;
		return 0;
	}
	/*
	 * The waiter compares seq with the value it read before arming; a
	 * change makes its FUTEX_WAIT return at once, so a wake that races
	 * with its going to sleep is not lost. We are the only writer of seq.
	 */
	/* D3: the committed elements before the new seq; pairs with D4 in rte_vmsg_bell_wait(). */
	rte_vmsg__store_release(&b->shm->seq, rte_vmsg__read_once(&b->shm->seq) + 1u);
	if (futex(&b->shm->seq, FUTEX_WAKE, INT_MAX, NULL) < 0)
		return -errno;
	return 0;
}

static struct timespec ts_of(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000u), (long)(ns % 1000000000u) };

	return ts;
}

static int sleep_once(struct rte_vmsg_bell *b, uint32_t seq0, uint64_t left_ns)
{
	struct timespec ts = ts_of(left_ns);
	uint64_t drain;

	b->sleeps++;
	if (b->kind == RTE_VMSG_BELL_FUTEX) {
		if (futex(&b->shm->seq, FUTEX_WAIT, seq0, &ts) < 0 && errno != EAGAIN &&
		    errno != ETIMEDOUT)
			return -errno;
		return 0;
	} else {
		struct pollfd p = { .fd = b->fd, .events = POLLIN };
		int ms = left_ns / 1000000u > INT_MAX ? INT_MAX
						      : (int)((left_ns + 999999u) / 1000000u);

		if (poll(&p, 1, ms) < 0)
			return -errno;
		/* Drain: counts of earlier wake-ups are only wake-ups. */
		if (read(b->fd, &drain, sizeof(drain)) < 0 && errno != EAGAIN)
			return -errno;
		return 0;
	}
}

/*
 * An eventfd without shared words: the peer rings after every frame, so
 * there is nothing to arm. A wake-up that came before we sleep is counted in
 * the eventfd and ends the poll at once: none is lost.
 */
static int wait_unarmed(struct rte_vmsg_bell *b, const struct rte_vmsg_ring *r, uint64_t start,
			uint64_t timeout_ns)
{
	uint64_t now;
	int rc;

	for (;;) {
		if (rte_vmsg_ring_ready(r))
			return 1;
		now = rte_vmsg_time_ns();
		if (now - start >= timeout_ns)
			return 0;
		rc = sleep_once(b, 0, timeout_ns - (now - start));
		if (rc < 0)
			return rc;
	}
}

int rte_vmsg_bell_wait(struct rte_vmsg_bell *b, const struct rte_vmsg_ring *r, uint64_t timeout_ns)
{
	uint64_t start = rte_vmsg_time_ns(), now = start, poll_end;
	uint32_t seq0;
	int rc;

	if (b == NULL || r == NULL || b->kind == RTE_VMSG_BELL_MMIO)
		return -EINVAL;
	poll_end = b->poll_ns > timeout_ns ? timeout_ns : b->poll_ns;
	/* Adaptive part: poll first. */
	for (;;) {
		unsigned int i;

		for (i = 0; i < 64; i++) {
			if (rte_vmsg_ring_ready(r))
				return 1;
			rte_vmsg__cpu_relax();
		}
		now = rte_vmsg_time_ns();
		if (now - start >= timeout_ns)
			return 0;
		if (b->kind == RTE_VMSG_BELL_NONE || now - start >= poll_end)
			break;
	}
	if (b->kind == RTE_VMSG_BELL_NONE) {
		/* Polling only: keep polling, with short naps, until the timeout. */
		struct timespec nap = { 0, 50000 };

		while (!rte_vmsg_ring_ready(r)) {
			if (rte_vmsg_time_ns() - start >= timeout_ns)
				return 0;
			nanosleep(&nap, NULL);
		}
		return 1;
	}
	if (b->shm == NULL)
		return wait_unarmed(b, r, start, timeout_ns);
	for (;;) {
		/*
		 * D4: pairs with D3 in rte_vmsg__bell_kick(): a waiter that
		 * reads a bumped seq sees the elements of that kick when it
		 * re-checks the ring below.
		 */
		seq0 = rte_vmsg__load_acquire(&b->shm->seq);
		rte_vmsg__write_once(&b->shm->armed, 1u);
		/*
		 * D1: arming (a store) before re-checking the ring (a load);
		 * pairs with D2 in rte_vmsg_bell_notify().
		 */
		rte_vmsg__smp_mb();
		if (rte_vmsg_ring_ready(r)) {
			rc = 1;
			break;
		}
		now = rte_vmsg_time_ns();
		if (now - start >= timeout_ns) {
			rc = 0;
			break;
		}
		rc = sleep_once(b, seq0, timeout_ns - (now - start));
		if (rc < 0)
			break;
		rte_vmsg__write_once(&b->shm->armed, 0u);
		if (rte_vmsg_ring_ready(r))
			return 1;
	}
	rte_vmsg__write_once(&b->shm->armed, 0u);
	return rc;
}
