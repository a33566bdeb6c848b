/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Stress: a hostile peer. A victim process runs the link's fast path while an
 * attacker process, attached to the same memory by path, writes random and
 * impossible values into the victim's peer queue head, the layout header and
 * the elements. Checks that the victim never touches memory outside the
 * region (PROT_NONE guard pages around it), detects and counts every value
 * that cannot be, turns in-range garbage into clean parse results, ignores a
 * scribbled layout header, and comes up again by itself when the peer starts
 * over (ARCHITECTURE.md §2.4b).
 *
 * Three processes: this one (the supervisor) makes the region and the control
 * page and, for each configuration (victim on the device side and on the
 * driver side, both element formats), forks the victim and the attacker,
 * each pinned to its own CPU, and waits for both with a bounded timeout. A
 * victim that touched a guard page dies of SIGSEGV; the supervisor requires a
 * normal exit with status 0 from both.
 *
 * Per configuration:
 *  1. Handshake, then the header-only phase: the attacker is an honest peer
 *     except that it scribbles over the layout header between bursts; both
 *     exchange sequence-numbered messages (every byte checked) and the
 *     victim's link must stay up with all counters at zero: the header was
 *     read once, validated and copied.
 *  2. Hostile rounds. In each, the attacker first does random things for a
 *     random time: sends valid frames, garbage and mutated frames, consumes,
 *     writes in-range values into its queue head (and, in mixed rounds, also
 *     impossible ones), scribbles over the header and the elements, with
 *     random pauses. The victim meanwhile enqueues and dequeues bursts,
 *     reserves/commits and peeks/releases, parses every received element
 *     with rte_vmsg_msg_parse() (a valid frame or a clean rejection, both
 *     counted) and polls the link every few hundred operations. Then the
 *     attacker writes one impossible value of the round's class (tail >= N,
 *     head >= N, a state > 4, the magic gone) and holds it, its state RUN
 *     and its magic in place otherwise. The victim must break (-EIO) and
 *     the counter of that class must have grown (bad_index, bad_state,
 *     bad_magic); a break while the attacker had written nothing impossible
 *     is a failure. Broken, its queue head says PEER_DEAD and both ring
 *     ends and the link say -EIO until the peer starts over (unless the
 *     attacker's noise already left its head in INIT or READY with its
 *     magic: a new start, met at once, and counted). The attacker then
 *     restarts as a clean peer; with no call of the application's, the
 *     victim's link must come up again within a second and carry
 *     sequence-numbered messages both ways.
 *     The first four rounds hold each class once with only in-range noise
 *     before them, so each class is seen with its own counter in every run.
 *
 * Uses a hugetlbfs file when hugepages can be had, else plain shared memory
 * (this test is about safety, not speed); it says which.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_ring.h>

#include "stress_common.h"
#include "vmsg_util.h"
#include "vtest.h"

#define MS 1000000ull
#define SEC 1000000000ull

#define HOSTILE_NS (400 * MS) /* hostile rounds per configuration, after MIN_ROUNDS */
#define MIN_ROUNDS 8	      /* 4 with one class each, then mixed ones */
#define MAX_ROUNDS 400
#define NOISE_MAX_NS (20 * MS) /* random phase of a round: 1 ms .. this */
#define DETECT_NS (2 * SEC)    /* a held impossible value must be seen by then */
#define STEP_NS (10 * SEC)     /* every other wait: attach, handshake, exchanges */
#define CONFIG_NS (60 * SEC)   /* the supervisor kills both children after this */
#define HDR_MSGS 20000u	       /* per direction in the header-only phase */
#define POLL_EVERY_MIN 100u    /* the victim polls every 100..499 operations */
#define REGION_SIZE (64u << 10)

/* Classes of values that cannot be, written into the attacker's queue head. */
enum bad_class { BAD_TAIL, BAD_HEAD, BAD_STATE, BAD_MAGIC, BAD_CLASSES };
/*
 * Not a held class: a scribbled layout header. A reader victim looks at the
 * header when the peer starts over; a start over a header it cannot take is
 * a break too (bad_layout). Set in the mask by every header scribble.
 */
#define BAD_LAYOUT_BIT (1u << BAD_CLASSES)

static const char *const bad_name[BAD_CLASSES] = { "tail >= N", "head >= N", "state > 4",
						   "magic gone" };

enum phase { PH_SETUP, PH_HEADER, PH_NOISE, PH_HELD, PH_CLEAN };

/*
 * Control words in an anonymous shared page made before fork, outside the
 * attacked region. Each has one writer: A (attacker), V (victim) or S
 * (supervisor). Written with release stores, read with acquire loads.
 */
struct ctl {
	uint32_t round;	      /* A: the hostile round in progress, from 1 */
	uint32_t phase;	      /* A: enum phase */
	uint32_t mask;	      /* A: bit per bad_class written this round, set before the write */
	uint32_t clean_round; /* A: its end was made again, clean, after this round */
	uint32_t finished;    /* A: no more rounds */
	uint32_t a_hdr_done;  /* A: header-only phase done */
	uint32_t hdr_writes;  /* A: header scribbles in the header-only phase */
	uint32_t seen_round;  /* V: saw and checked the break of this round */
	uint32_t up_round;    /* V: up again after this round, exchange checked */
	uint32_t v_hdr_done;  /* V: header-only phase checked */
	uint32_t abort;	      /* S: the other child failed; stop */
};

#define LOAD(p) rte_vmsg__load_acquire(p)
#define STORE(p, v) rte_vmsg__store_release((p), (v))

struct cfg {
	enum rte_vmsg_link_role victim_role;
	enum rte_vmsg_link_format fmt;
	uint32_t n, esize;
	int at_end; /* layout against the guard page after the region, else before */
};

/* N need not be a power of two in the v1 layout. */
static const struct cfg cfgs[] = {
	{ RTE_VMSG_LINK_DEVICE, RTE_VMSG_LINK_FMT_COMPAT, 61, 64, 0 },
	{ RTE_VMSG_LINK_DRIVER, RTE_VMSG_LINK_FMT_COMPAT, 250, 128, 1 },
	{ RTE_VMSG_LINK_DEVICE, RTE_VMSG_LINK_FMT_STAMPED, 33, 64, 1 },
	{ RTE_VMSG_LINK_DRIVER, RTE_VMSG_LINK_FMT_STAMPED, 128, 64, 0 },
};

/* What a child process works with. */
struct env {
	const struct cfg *cfg;
	struct ctl *ctl;
	const char *path;
	void *inherited; /* the supervisor's mapping, made inaccessible in the child */
	size_t inh_len;
	int cpu;
	uint64_t rng;
	enum rte_vmsg_link_role role;
	uint64_t deadline;
	/* After child_setup(): */
	struct rte_vmsg_region *reg;
	uint8_t *base; /* the layout */
	size_t len;
	struct rte_vmsg_link *link;
};

static uint32_t rnd(struct env *e, uint32_t bound)
{
	return (uint32_t)((vtest_rand(&e->rng) >> 16) % bound);
}

static void nap_ns(long ns)
{
	struct timespec ts = { 0, ns };

	nanosleep(&ts, NULL);
}

/* Waits until *@p w == @p v; 0, or -1 at @p timeout_ns or on abort. */
static int wait_word(struct env *e, const uint32_t *w, uint32_t v, uint64_t timeout_ns,
		     const char *what)
{
	uint64_t end = rte_vmsg_time_ns() + timeout_ns;

	while (LOAD(w) != v) {
		if (LOAD(&e->ctl->abort))
			return -1;
		if (rte_vmsg_time_ns() > end) {
			fprintf(stderr, "%s: timed out waiting for %s\n",
				e->role == e->cfg->victim_role ? "victim" : "attacker", what);
			return -1;
		}
		nap_ns(10000);
	}
	return 0;
}

/* Makes this side's link end; the driver waits for the device's layout. */
static int make_link(struct env *e)
{
	struct rte_vmsg_link_opts lo = { .sz = sizeof(lo) };
	uint64_t end = rte_vmsg_time_ns() + STEP_NS;
	int ret;

	lo.role = e->role;
	if (e->role == RTE_VMSG_LINK_DEVICE) {
		lo.num_elems = e->cfg->n;
		lo.elem_size = e->cfg->esize;
		lo.format = e->cfg->fmt;
	} else {
		lo.require_format = 1u + (uint32_t)e->cfg->fmt;
	}
	for (;;) {
		ret = rte_vmsg_link_create(e->base, e->len, &lo, &e->link);
		if (ret != -EAGAIN || rte_vmsg_time_ns() > end || LOAD(&e->ctl->abort))
			break;
		nap_ns(20000);
	}
	if (ret < 0)
		fprintf(stderr, "%s link: %s\n",
			e->role == RTE_VMSG_LINK_DEVICE ? "device" : "driver", strerror(-ret));
	return ret;
}

/* Pins, maps the region again by path with guard pages, makes the link end. */
static int child_setup(struct env *e, pid_t supervisor)
{
	struct rte_vmsg_region_opts ro = { .sz = sizeof(ro) };
	uint8_t *addr;
	int ret;

	vtest_failures = 0;
	vtest_checks = 0;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != supervisor)
		return -1;
	if (vmsg_util_pin_self(e->cpu) != 0)
		return -1;
	if (mprotect(e->inherited, e->inh_len, PROT_NONE) != 0) {
		perror("mprotect");
		return -1;
	}
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_ATTACH | RTE_VMSG_REGION_OPT_GUARD;
	ro.path = e->path;
	ret = rte_vmsg_region_create(&ro, &e->reg);
	if (ret < 0) {
		fprintf(stderr, "attach %s: %s\n", e->path, strerror(-ret));
		return -1;
	}
	if ((rte_vmsg_region_flags(e->reg) & RTE_VMSG_REGION_F_GUARD) == 0) {
		fprintf(stderr, "attach %s: no guard pages\n", e->path);
		return -1;
	}
	addr = rte_vmsg_region_addr(e->reg);
	e->len = rte_vmsg_link_layout_size(e->cfg->n, e->cfg->esize);
	if (e->len > rte_vmsg_region_len(e->reg))
		return -1;
	/* Against one guard page (which one alternates): running past that end faults. */
	e->base = addr + (e->cfg->at_end ? rte_vmsg_region_len(e->reg) - e->len : 0);
	return make_link(e) < 0 ? -1 : 0;
}

static void child_teardown(struct env *e)
{
	rte_vmsg_link_destroy(e->link);
	e->link = NULL;
	rte_vmsg_region_destroy(e->reg);
	e->reg = NULL;
}

/* ---- sequence-numbered exchange in both directions at once ---- */

struct xchg {
	struct rte_vmsg_ring *tx, *rx;
	uint64_t total, sent, rcvd, calls;
};

/* One burst each way. 0, or -1 on a wrong message or an error from a ring. */
static int xchg_step(struct xchg *x, const char *who)
{
	uint32_t max = x->tx->msg_max < 256 ? x->tx->msg_max : 256;
	uint32_t want, i;
	int k;

	if (x->sent < x->total) {
		want = stress_burst(x->calls++);
		if (want > x->total - x->sent)
			want = (uint32_t)(x->total - x->sent);
		k = rte_vmsg_ring_reserve(x->tx, want);
		if (k < 0) {
			fprintf(stderr, "%s: reserve: %s\n", who, strerror(-k));
			return -1;
		}
		for (i = 0; i < (uint32_t)k; i++)
			stress_fill(rte_vmsg_ring_slot(x->tx, i), x->sent + i, max);
		if (rte_vmsg_ring_commit(x->tx, (uint32_t)k) != k)
			return -1;
		x->sent += (uint64_t)k;
	}
	if (x->rcvd < x->total) {
		want = stress_burst(x->calls++);
		if (want > x->total - x->rcvd)
			want = (uint32_t)(x->total - x->rcvd);
		k = rte_vmsg_ring_peek(x->rx, want);
		if (k < 0) {
			fprintf(stderr, "%s: peek: %s\n", who, strerror(-k));
			return -1;
		}
		for (i = 0; i < (uint32_t)k; i++)
			if (stress_check(rte_vmsg_ring_slot(x->rx, i), x->rcvd + i, max, who) < 0)
				return -1;
		if (rte_vmsg_ring_release(x->rx, (uint32_t)k) != k)
			return -1;
		x->rcvd += (uint64_t)k;
	}
	return 0;
}

/*
 * Sends and receives @p total messages each way, calling @p between (if not
 * NULL) after every step; 0, or -1 on an error or after STEP_NS.
 */
static int xchg_run(struct env *e, uint64_t total, int (*between)(struct env *, uint64_t),
		    const char *who)
{
	struct xchg x = { rte_vmsg_link_tx(e->link), rte_vmsg_link_rx(e->link), total, 0, 0, 0 };
	uint64_t end = rte_vmsg_time_ns() + STEP_NS, steps = 0;

	while (x.sent < total || x.rcvd < total) {
		if (xchg_step(&x, who) < 0)
			return -1;
		if (between != NULL && between(e, steps) < 0)
			return -1;
		if ((++steps & 0x3FF) == 0 && (rte_vmsg_time_ns() > end || LOAD(&e->ctl->abort))) {
			fprintf(stderr, "%s: exchange stuck at %llu sent, %llu received of %llu\n",
				who, (unsigned long long)x.sent, (unsigned long long)x.rcvd,
				(unsigned long long)total);
			return -1;
		}
	}
	return 0;
}

/* ---- the attacker ---- */

struct attacker {
	struct env *e;
	struct rte_vmsg_layout_hdr hdr; /* as the device wrote it */
	struct rte_vmsg_qhead *own;	/* its queue head: the victim's peer's */
	uint8_t *elems[2];		/* device and driver element arrays */
	uint32_t n, esize, mask;
	uint64_t bad_writes, hdr_writes, elem_writes, frames;
};

static uint16_t bad_value(struct env *e, enum bad_class c, uint32_t n)
{
	uint16_t v;

	switch (c) {
	case BAD_TAIL:
	case BAD_HEAD:
		return (uint16_t)(n + rnd(e, 65536u - n));
	case BAD_STATE:
		return (uint16_t)((rnd(e, 65536u) & ~RTE_VMSG_QSTATUS_STATE_MASK) |
				  (5u + rnd(e, 27u)));
	default:
		do
			v = (uint16_t)rnd(e, 65536u);
		while (v == RTE_VMSG_QHEAD_MAGIC);
		return v;
	}
}

static rte_vmsg_le16 *qhead_field(struct attacker *a, enum bad_class c)
{
	switch (c) {
	case BAD_TAIL:
		return &a->own->tail;
	case BAD_HEAD:
		return &a->own->head;
	case BAD_STATE:
		return &a->own->status;
	default:
		return &a->own->magic;
	}
}

/* Writes an impossible value of class @p c, announcing it in ctl->mask first. */
static void write_bad(struct attacker *a, enum bad_class c)
{
	uint16_t v = bad_value(a->e, c, a->n);

	a->mask |= 1u << c;
	STORE(&a->e->ctl->mask, a->mask);
	STORE(qhead_field(a, c), rte_vmsg_cpu_to_le16(v));
	a->bad_writes++;
}

/* Writes a value that can be into one field of its queue head. */
static void write_good(struct attacker *a, enum bad_class c)
{
	struct env *e = a->e;
	uint16_t v;

	switch (c) {
	case BAD_TAIL:
	case BAD_HEAD:
		v = (uint16_t)rnd(e, a->n);
		break;
	case BAD_STATE:
		v = (uint16_t)((rnd(e, 65536u) & ~RTE_VMSG_QSTATUS_STATE_MASK) |
			       rnd(e, RTE_VMSG_QSTATE_PEER_DEAD + 1u));
		break;
	default:
		v = RTE_VMSG_QHEAD_MAGIC;
		break;
	}
	STORE(qhead_field(a, c), rte_vmsg_cpu_to_le16(v));
}

static void scribble(struct env *e, uint8_t *p, uint32_t len)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)rnd(e, 256);
}

static void scribble_header(struct attacker *a)
{
	uint32_t off = rnd(a->e, sizeof(a->hdr)), len = 1 + rnd(a->e, 8);

	a->mask |= BAD_LAYOUT_BIT;
	STORE(&a->e->ctl->mask, a->mask);

	if (len > sizeof(a->hdr) - off)
		len = (uint32_t)sizeof(a->hdr) - off;
	scribble(a->e, a->e->base + off, len);
	a->hdr_writes++;
}

static void scribble_elems(struct attacker *a)
{
	uint8_t *el = a->elems[rnd(a->e, 2)] + (size_t)rnd(a->e, a->n) * a->esize;
	uint32_t off = rnd(a->e, a->esize), len = 1 + rnd(a->e, 16);

	if (len > a->esize - off)
		len = a->esize - off;
	scribble(a->e, el + off, len);
	a->elem_writes++;
}

/* A valid frame, garbage, or a valid frame with one byte changed. */
static void attacker_frame(struct attacker *a, uint8_t *p, uint32_t cap)
{
	struct env *e = a->e;
	struct rte_vmsg_msg m;
	uint32_t how = rnd(e, 4);

	if (how == 0) {
		scribble(e, p, cap);
		return;
	}
	memset(&m, 0, sizeof(m));
	m.hdr.token = (uint16_t)rnd(e, 65536u);
	switch (rnd(e, 3)) {
	case 0:
		m.kind = RTE_VMSG_MSG_BUS_PING_RESP;
		m.u.ping = (uint32_t)vtest_rand(&e->rng);
		break;
	case 1:
		m.kind = RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP;
		m.hdr.dev_num = (uint16_t)rnd(e, 8);
		m.u.status = RTE_VMSG_STATUS_DRIVER_OK;
		break;
	default:
		m.kind = RTE_VMSG_MSG_EVENT_USED;
		m.hdr.dev_num = (uint16_t)rnd(e, 8);
		m.u.vq_index = rnd(e, 4);
		break;
	}
	if (rte_vmsg_msg_build(p, cap, &m) < 0)
		scribble(e, p, cap);
	else if (how == 1)
		p[rnd(e, 16)] ^= (uint8_t)(1u << rnd(e, 8));
	a->frames++;
}

/* One random thing; @p mixed: impossible values may come too. */
static void attacker_noise(struct attacker *a, int mixed)
{
	struct env *e = a->e;
	struct rte_vmsg_ring *tx = rte_vmsg_link_tx(e->link), *rx = rte_vmsg_link_rx(e->link);
	uint32_t i, n;
	int k;

	switch (rnd(e, 17)) {
	case 0:
	case 1:
	case 2:
	case 3:
		k = rte_vmsg_ring_reserve(tx, 1 + rnd(e, 8));
		for (i = 0; k > 0 && i < (uint32_t)k; i++)
			attacker_frame(a, rte_vmsg_ring_slot(tx, i), tx->msg_max);
		if (k > 0)
			rte_vmsg_ring_commit(tx, (uint32_t)k);
		break;
	case 4:
	case 5:
	case 6:
		k = rte_vmsg_ring_peek(rx, 1 + rnd(e, 16));
		if (k > 0)
			rte_vmsg_ring_release(rx, (uint32_t)k);
		break;
	case 7:
	case 8:
	case 9:
	case 10:
		n = 1 + (rnd(e, 4) == 0 ? rnd(e, 8) : 0);
		for (i = 0; i < n; i++) {
			enum bad_class c = (enum bad_class)rnd(e, BAD_CLASSES);

			if (mixed && rnd(e, 4) == 0)
				write_bad(a, c);
			else
				write_good(a, c);
		}
		break;
	case 11:
		/*
		 * A reader victim takes a scribbled header for an impossible
		 * value when the peer seems to start over: in the rounds
		 * that show each class alone, only a writer victim's header.
		 */
		if (mixed || e->cfg->victim_role == RTE_VMSG_LINK_DEVICE)
			scribble_header(a);
		break;
	case 12:
	case 13:
		scribble_elems(a);
		break;
	case 14:
		/* Its own handshake: now and then it meets the victim's restarts. */
		rte_vmsg_link_poll(e->link);
		break;
	case 15:
		n = rnd(e, 1u << rnd(e, 12));
		for (i = 0; i < n; i++)
			rte_vmsg__cpu_relax();
		break;
	default:
		nap_ns((long)rnd(e, 50000));
		break;
	}
}

/* Header-only phase: one byte of the header after every step. */
static int attacker_hdr_between(struct env *e, uint64_t step)
{
	(void)step;
	scribble(e, e->base + rnd(e, sizeof(struct rte_vmsg_layout_hdr)), 1);
	STORE(&e->ctl->hdr_writes, LOAD(&e->ctl->hdr_writes) + 1);
	return 0;
}

/* Starts again as a clean peer: header restored, link end made anew. */
static int attacker_clean(struct attacker *a, uint32_t round)
{
	struct env *e = a->e;

	STORE(&e->ctl->phase, PH_CLEAN);
	memcpy(e->base, &a->hdr, sizeof(a->hdr));
	rte_vmsg_link_destroy(e->link);
	e->link = NULL;
	if (make_link(e) < 0)
		return -1;
	STORE(&e->ctl->clean_round, round);
	if (rte_vmsg_link_wait_up(e->link, STEP_NS) != 0) {
		fprintf(stderr, "attacker: round %u: no handshake with the reset victim\n", round);
		return -1;
	}
	if (xchg_run(e, 3u * a->n + 7u, NULL, "attacker (clean)") < 0)
		return -1;
	return wait_word(e, &e->ctl->up_round, round, STEP_NS, "the victim up again");
}

static int attacker_main(struct env *e, pid_t supervisor)
{
	const struct rte_vmsg_layout_hdr *h;
	struct attacker a;
	uint64_t end, t;
	uint32_t round;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	a.e = e;
	if (child_setup(e, supervisor) < 0)
		goto out;
	/* The header as the device wrote it: to restore before starting clean. */
	memcpy(&a.hdr, e->base, sizeof(a.hdr));
	h = &a.hdr;
	a.n = rte_vmsg_le16_to_cpu(h->num_queue_elements);
	a.esize = rte_vmsg_le16_to_cpu(h->size_queue_elements);
	a.own = (struct rte_vmsg_qhead *)(void *)(e->base +
						  rte_vmsg_le64_to_cpu(
							  e->role == RTE_VMSG_LINK_DEVICE
								  ? h->dev_queue_head_offset
								  : h->drv_queue_head_offset));
	a.elems[0] = e->base + rte_vmsg_le64_to_cpu(h->dev_queue_elements_offset);
	a.elems[1] = e->base + rte_vmsg_le64_to_cpu(h->drv_queue_elements_offset);
	if (a.n != e->cfg->n || a.esize != e->cfg->esize)
		goto out;
	if (rte_vmsg_link_wait_up(e->link, STEP_NS) != 0) {
		fprintf(stderr, "attacker: no handshake\n");
		goto out;
	}

	/* 1. Header-only phase: honest, except for the header. */
	STORE(&e->ctl->phase, PH_HEADER);
	if (xchg_run(e, HDR_MSGS, attacker_hdr_between, "attacker (header phase)") < 0)
		goto out;
	memcpy(e->base, &a.hdr, sizeof(a.hdr)); /* the rounds start from the header as written */
	STORE(&e->ctl->a_hdr_done, 1);
	if (wait_word(e, &e->ctl->v_hdr_done, 1, STEP_NS, "the victim's header phase") < 0)
		goto out;

	/* 2. Hostile rounds. */
	end = rte_vmsg_time_ns() + HOSTILE_NS;
	for (round = 1; round <= MAX_ROUNDS; round++) {
		int mixed = round > BAD_CLASSES && (round & 1);
		enum bad_class held = (enum bad_class)((round - 1) % BAD_CLASSES);
		uint64_t noise_end;

		if (round > MIN_ROUNDS && rte_vmsg_time_ns() > end)
			break;
		a.mask = 0;
		STORE(&e->ctl->mask, 0);
		STORE(&e->ctl->phase, PH_NOISE);
		STORE(&e->ctl->round, round);
		noise_end = rte_vmsg_time_ns() + MS + rnd(e, (uint32_t)(NOISE_MAX_NS - MS));
		t = 0;
		while (LOAD(&e->ctl->seen_round) != round) {
			attacker_noise(&a, mixed);
			if ((++t & 0xFF) == 0 && rte_vmsg_time_ns() > noise_end)
				break;
			if (LOAD(&e->ctl->abort))
				goto out;
		}
		if (LOAD(&e->ctl->seen_round) != round) {
			uint16_t v;

			/*
			 * Held against a head that says it runs, over the
			 * header as written (a reader victim that met the peer
			 * starting over a scribbled one waits for a complete
			 * header before it looks at the peer's head): nothing
			 * the victim could take for a new start.
			 */
			if (e->cfg->victim_role == RTE_VMSG_LINK_DRIVER)
				memcpy(e->base, &a.hdr, sizeof(a.hdr));
			if (held != BAD_STATE)
				STORE(&a.own->status, rte_vmsg_cpu_to_le16(RTE_VMSG_QSTATE_RUN));
			if (held != BAD_MAGIC)
				STORE(&a.own->magic, rte_vmsg_cpu_to_le16(RTE_VMSG_QHEAD_MAGIC));
			write_bad(&a, held);
			v = rte_vmsg_le16_to_cpu(rte_vmsg__read_once(qhead_field(&a, held)));
			STORE(&e->ctl->phase, PH_HELD);
			if (wait_word(e, &e->ctl->seen_round, round, DETECT_NS, "detection") < 0) {
				fprintf(stderr,
					"attacker: round %u: %s (0x%04x) held for %llu ms, not "
					"detected\n",
					round, bad_name[held], v,
					(unsigned long long)(DETECT_NS / MS));
				goto out;
			}
		}
		if (attacker_clean(&a, round) < 0)
			goto out;
	}
	printf("attacker: %u rounds, %llu impossible values, %llu header and %llu element "
	       "scribbles, %llu frames\n",
	       round - 1, (unsigned long long)a.bad_writes, (unsigned long long)a.hdr_writes,
	       (unsigned long long)a.elem_writes, (unsigned long long)a.frames);
	rc = 0;
out:
	STORE(&e->ctl->finished, 1);
	child_teardown(e);
	return rc == 0 ? 0 : 1;
}

/* ---- the victim ---- */

struct victim {
	struct env *e;
	struct rte_vmsg_ring *tx, *rx;
	const struct rte_vmsg_qhead *peer; /* the attacker's queue head */
	const struct rte_vmsg_qhead *own;  /* the victim's */
	struct rte_vmsg_layout_hdr hdr0;   /* the header it attached to */
	uint32_t max;
	uint16_t token;
	struct rte_vmsg_link_stats prev;
	uint64_t ops, polls, valid, rejected, breaks, logs;
	uint64_t by_counter[3]; /* breaks that grew bad_index, bad_state, bad_magic */
	uint32_t exact;		/* classes seen alone, each with its own counter */
	uint64_t alive_after_break, lost_on_reset, met_at_once, recovery_ns_max;
	struct rte_vmsg_ring *eio; /* the ring that said -EIO, NULL for the link */
};

static uint64_t victim_logs;

/* Errors only: the recovery logs a line of its own at INFO. */
static void count_log(enum rte_vmsg_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level > RTE_VMSG_LOG_ERR)
		return;
	if (victim_logs++ == 0)
		printf("victim: first log line: %s\n", msg);
}

/* A slot pointer must lie inside the layout, message area and all. */
static int slot_ok(struct victim *v, const uint8_t *p)
{
	int ok = p >= v->e->base + sizeof(struct rte_vmsg_layout_hdr) &&
		 p + v->max <= v->e->base + v->e->len;

	CHECK(ok);
	return ok;
}

static void parse(struct victim *v, const uint8_t *p)
{
	enum rte_vmsg_msg_err why = RTE_VMSG_MSG_OK;
	struct rte_vmsg_msg m;
	int rc = rte_vmsg_msg_parse(p, v->max, v->max, &m, &why);

	if (rc == 0) {
		v->valid++;
		CHECK(m.kind > RTE_VMSG_MSG_INVALID && m.kind < RTE_VMSG_MSG_KIND_COUNT);
		CHECK(m.hdr.msg_size >= RTE_VMSG_HDR_SIZE && m.hdr.msg_size <= v->max);
	} else {
		/* A clean rejection: a malformed frame, or an ID unknown in its namespace. */
		v->rejected++;
		CHECK(rc == -EBADMSG || rc == -EOPNOTSUPP);
		CHECK(why > RTE_VMSG_MSG_ERR_ARG && why < RTE_VMSG_MSG_ERR_COUNT_OF_ERRS);
		CHECK((rc == -EOPNOTSUPP) == (why == RTE_VMSG_MSG_ERR_UNKNOWN_ID));
	}
}

static int build(struct victim *v, uint8_t *p, uint32_t cap, int ping_only)
{
	struct rte_vmsg_msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	m.hdr.token = v->token++;
	switch (ping_only ? 0 : rnd(v->e, 3)) {
	case 0:
		m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
		m.u.ping = v->token;
		break;
	case 1:
		m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ;
		m.hdr.dev_num = (uint16_t)rnd(v->e, 8);
		break;
	default:
		m.kind = RTE_VMSG_MSG_EVENT_USED;
		m.hdr.dev_num = (uint16_t)rnd(v->e, 8);
		m.u.vq_index = rnd(v->e, 4);
		break;
	}
	rc = rte_vmsg_msg_build(p, cap, &m);
	CHECK(rc >= (int)RTE_VMSG_HDR_SIZE);
	return rc;
}

/* A ring call's result: @p lo..@p hi, or -EIO (remembered). Returns 1 on -EIO. */
static int ring_rc(struct victim *v, struct rte_vmsg_ring *r, int rc, int lo, int hi)
{
	if (rc == -EIO) {
		v->eio = r;
		return 1;
	}
	CHECK(rc >= lo && rc <= hi);
	return 0;
}

/*
 * One fast-path operation; returns 1 when a ring said -EIO. Bursts are
 * mostly short, sometimes longer than the ring: the ring must cap them.
 */
static int victim_op(struct victim *v)
{
	static uint8_t buf[128 << 10];
	struct env *e = v->e;
	uint32_t n = rnd(e, 8) != 0 ? 1 + rnd(e, 16) : 1 + rnd(e, 2 * e->cfg->n + 16), i, j;
	int k, len;

	if ((size_t)n * v->max > sizeof(buf))
		n = (uint32_t)(sizeof(buf) / v->max);

	v->ops++;
	switch (rnd(e, 4)) {
	case 0:
		/* Copies of one frame size: PING requests. */
		len = build(v, buf, v->max, 1);
		for (i = 1; i < n; i++)
			build(v, buf + i * (uint32_t)len, v->max, 1);
		k = rte_vmsg_ring_enqueue_burst(v->tx, buf, (uint32_t)len, n);
		return ring_rc(v, v->tx, k, 0, (int)n);
	case 1:
		k = rte_vmsg_ring_dequeue_burst(v->rx, buf, v->max, n);
		if (ring_rc(v, v->rx, k, 0, (int)n))
			return 1;
		for (i = 0; i < (uint32_t)k; i++)
			parse(v, buf + i * v->max);
		return 0;
	case 2:
		k = rte_vmsg_ring_reserve(v->tx, n);
		if (ring_rc(v, v->tx, k, 0, (int)n))
			return 1;
		for (i = 0; i < (uint32_t)k; i++) {
			uint8_t *p = rte_vmsg_ring_slot(v->tx, i);

			if (slot_ok(v, p))
				build(v, p, v->max, 0);
		}
		/* Sometimes publish fewer than reserved. */
		j = k > 0 && rnd(e, 4) == 0 ? rnd(e, (uint32_t)k + 1) : (uint32_t)k;
		return ring_rc(v, v->tx, rte_vmsg_ring_commit(v->tx, j), (int)j, (int)j);
	default:
		k = rte_vmsg_ring_peek(v->rx, n);
		if (ring_rc(v, v->rx, k, 0, (int)n))
			return 1;
		for (i = 0; i < (uint32_t)k; i++) {
			const uint8_t *p = rte_vmsg_ring_slot(v->rx, i);

			if (slot_ok(v, p))
				parse(v, p);
		}
		j = k > 0 && rnd(e, 4) == 0 ? rnd(e, (uint32_t)k + 1) : (uint32_t)k;
		return ring_rc(v, v->rx, rte_vmsg_ring_release(v->rx, j), (int)j, (int)j);
	}
}

static void stats(struct victim *v, struct rte_vmsg_link_stats *st)
{
	CHECK_EQ(rte_vmsg_link_stats_get(v->e->link, st), 0);
}

/* Every call on a broken ring end says -EIO. */
static void check_ring_dead(struct victim *v, struct rte_vmsg_ring *r)
{
	uint8_t buf[256];

	memset(buf, 0, sizeof(buf));
	if (r == v->tx) {
		CHECK_EQ(rte_vmsg_ring_reserve(r, 1), -EIO);
		CHECK_EQ(rte_vmsg_ring_commit(r, 0), -EIO);
		CHECK_EQ(rte_vmsg_ring_enqueue_burst(r, buf, 16, 1), -EIO);
	} else {
		CHECK_EQ(rte_vmsg_ring_peek(r, 1), -EIO);
		CHECK_EQ(rte_vmsg_ring_release(r, 0), -EIO);
		CHECK_EQ(rte_vmsg_ring_dequeue_burst(r, buf, 16, 1), -EIO);
	}
}

static int victim_check_up(struct env *e, uint64_t step)
{
	int rc;

	if ((step & 63) != 63)
		return 0;
	rc = rte_vmsg_link_poll(e->link);
	if (rc != RTE_VMSG_LINK_UP) {
		fprintf(stderr, "victim: link state %d during a clean exchange\n", rc);
		return -1;
	}
	return 0;
}

/*
 * The link said -EIO: check the counters against what the attacker wrote,
 * then reset, meet the clean attacker and check that data flows again.
 * Returns -1 when the run cannot go on.
 */
static int victim_break(struct victim *v)
{
	struct env *e = v->e;
	struct rte_vmsg_link_stats st, after;
	uint64_t d_index, d_state, d_magic, d_layout;
	uint32_t round, mask, phase;
	uint64_t t0;
	int rc;

	v->breaks++;
	stats(v, &st);
	/*
	 * The value the link saw, or a later one, and so the mask written
	 * before it: these acquires pair with the releases in write_bad().
	 */
	(void)LOAD(&v->peer->magic);
	(void)LOAD(&v->peer->status);
	(void)LOAD(&v->peer->tail);
	(void)LOAD(&v->peer->head);
	round = LOAD(&e->ctl->round);
	mask = LOAD(&e->ctl->mask);
	phase = LOAD(&e->ctl->phase);
	if (mask == 0 || (phase != PH_NOISE && phase != PH_HELD)) {
		fprintf(stderr,
			"victim: link broken (%s) in round %u, phase %u, but nothing impossible "
			"was written: bad_index %llu bad_state %llu bad_magic %llu\n",
			v->eio == NULL	  ? "poll"
			: v->eio == v->tx ? "tx ring"
					  : "rx ring",
			round, phase, (unsigned long long)st.bad_index,
			(unsigned long long)st.bad_state, (unsigned long long)st.bad_magic);
		CHECK(0);
		return -1;
	}
	d_index = st.bad_index - v->prev.bad_index;
	d_state = st.bad_state - v->prev.bad_state;
	d_magic = st.bad_magic - v->prev.bad_magic;
	d_layout = st.bad_layout - v->prev.bad_layout;
	CHECK(st.broken);
	CHECK(d_index + d_state + d_magic + d_layout >= 1);
	if (d_layout != 0)
		CHECK(mask & BAD_LAYOUT_BIT);
	/* Each counter that grew names a class the attacker did write. */
	if (d_index != 0)
		CHECK(mask & ((1u << BAD_TAIL) | (1u << BAD_HEAD)));
	if (d_state != 0)
		CHECK(mask & (1u << BAD_STATE));
	if (d_magic != 0)
		CHECK(mask & (1u << BAD_MAGIC));
	v->by_counter[0] += d_index != 0;
	v->by_counter[1] += d_state != 0;
	v->by_counter[2] += d_magic != 0;
	/* One class alone (no header scribble): its own counter, exactly. */
	mask &= ~BAD_LAYOUT_BIT;
	if (mask != 0 && (mask & (mask - 1)) == 0 && d_layout == 0) {
		int c = __builtin_ctz(mask);

		CHECK((c == BAD_TAIL || c == BAD_HEAD) ? d_index != 0
		      : c == BAD_STATE		       ? d_state != 0
						       : d_magic != 0);
		v->exact |= mask;
	}
	/*
	 * The reaction: -EIO from the link (the poll that folds in a ring
	 * end's break says so too), our head PEER_DEAD, both ring ends
	 * refusing, until the peer starts over. A peer whose noise left its
	 * head in INIT or READY with its magic is a new start already: the
	 * next poll meets it.
	 */
	if (v->eio != NULL)
		CHECK_EQ(rte_vmsg_link_poll(e->link), -EIO);
	rc = rte_vmsg_link_poll(e->link);
	if (rc == -EIO) {
		/* PEER_DEAD, unless the header changed: then the old places may be data. */
		if ((rte_vmsg_le16_to_cpu(LOAD(&v->own->status)) & RTE_VMSG_QSTATUS_STATE_MASK) !=
		    RTE_VMSG_QSTATE_PEER_DEAD)
			CHECK(memcmp(&v->hdr0, e->base, sizeof(v->hdr0)) != 0);
		check_ring_dead(v, v->tx);
		check_ring_dead(v, v->rx);
		if (rte_vmsg_ring_reserve(v->tx, 0) >= 0 || rte_vmsg_ring_peek(v->rx, 0) >= 0)
			v->alive_after_break++;
	} else {
		CHECK(rc >= RTE_VMSG_LINK_CONNECTING && rc <= RTE_VMSG_LINK_PEER_DOWN);
		v->met_at_once++;
	}
	stats(v, &st);
	STORE(&e->ctl->seen_round, round);

	/* A clean peer: the link comes up again by itself, within a second. */
	if (wait_word(e, &e->ctl->clean_round, round, STEP_NS, "the clean attacker") < 0)
		return -1;
	t0 = rte_vmsg_time_ns();
	rc = rte_vmsg_link_wait_up(e->link, SEC);
	if (rc != 0) {
		stats(v, &after);
		fprintf(stderr,
			"victim: round %u: not up again within 1 s of the peer's start (%d): state "
			"%u, broken %u, breaks %llu, bad_layout %llu, relayouts %llu, own status "
			"0x%04x, header %s, peer status 0x%04x magic 0x%04x tail %u head %u\n",
			round, rc, after.state, after.broken, (unsigned long long)after.breaks,
			(unsigned long long)after.bad_layout, (unsigned long long)after.relayouts,
			rte_vmsg_le16_to_cpu(LOAD(&v->own->status)),
			memcmp(&v->hdr0, e->base, sizeof(v->hdr0)) ? "changed" : "as attached",
			rte_vmsg_le16_to_cpu(LOAD(&v->peer->status)),
			rte_vmsg_le16_to_cpu(LOAD(&v->peer->magic)),
			rte_vmsg_le16_to_cpu(LOAD(&v->peer->tail)),
			rte_vmsg_le16_to_cpu(LOAD(&v->peer->head)));
		CHECK(0);
		return -1;
	}
	t0 = rte_vmsg_time_ns() - t0;
	if (t0 > v->recovery_ns_max)
		v->recovery_ns_max = t0;
	stats(v, &after);
	if (after.bad_index < st.bad_index || after.bad_state < st.bad_state ||
	    after.bad_magic < st.bad_magic)
		v->lost_on_reset++;
	CHECK_EQ(after.broken, 0);
	CHECK(after.recoveries > v->prev.recoveries);
	v->prev = after;
	v->eio = NULL;
	if (xchg_run(e, 3u * e->cfg->n + 7u, victim_check_up, "victim (clean)") < 0) {
		CHECK(0);
		return -1;
	}
	stats(v, &after);
	CHECK_U64(after.bad_index, v->prev.bad_index);
	CHECK_U64(after.bad_state, v->prev.bad_state);
	CHECK_U64(after.bad_magic, v->prev.bad_magic);
	CHECK_EQ(after.broken, 0);
	STORE(&e->ctl->up_round, round);
	return 0;
}

static int victim_main(struct env *e, pid_t supervisor)
{
	struct rte_vmsg_layout_hdr hdr0;
	struct rte_vmsg_link_stats st;
	struct victim v;
	uint32_t next_poll = POLL_EVERY_MIN, since = 0;
	int rc;

	memset(&v, 0, sizeof(v));
	v.e = e;
	if (child_setup(e, supervisor) < 0)
		goto fail;
	/* From here on the library logs only when the link breaks. */
	rte_vmsg_log_set_handler(count_log, RTE_VMSG_LOG_DEBUG, NULL);
	memcpy(&hdr0, e->base, sizeof(hdr0));
	v.hdr0 = hdr0;
	v.peer = (const struct rte_vmsg_qhead
			  *)(const void *)(e->base + rte_vmsg_le64_to_cpu(
							     e->role == RTE_VMSG_LINK_DEVICE
								     ? hdr0.drv_queue_head_offset
								     : hdr0.dev_queue_head_offset));
	v.own = (const struct rte_vmsg_qhead
			 *)(const void *)(e->base + rte_vmsg_le64_to_cpu(
							    e->role == RTE_VMSG_LINK_DEVICE
								    ? hdr0.dev_queue_head_offset
								    : hdr0.drv_queue_head_offset));
	v.tx = rte_vmsg_link_tx(e->link);
	v.rx = rte_vmsg_link_rx(e->link);
	v.max = rte_vmsg_link_max_msg(e->link);
	CHECK_EQ(v.max, e->cfg->esize - (e->cfg->fmt ? RTE_VMSG_STAMP_HDR_SIZE : 0));
	if (rte_vmsg_link_wait_up(e->link, STEP_NS) != 0) {
		fprintf(stderr, "victim: no handshake\n");
		goto fail;
	}

	/* 1. Header-only phase: the link must not notice. */
	if (xchg_run(e, HDR_MSGS, victim_check_up, "victim (header phase)") < 0)
		goto fail;
	if (wait_word(e, &e->ctl->a_hdr_done, 1, STEP_NS, "the attacker's header phase") < 0)
		goto fail;
	CHECK_EQ(rte_vmsg_link_poll(e->link), RTE_VMSG_LINK_UP);
	stats(&v, &st);
	CHECK_U64(st.bad_index + st.bad_state + st.bad_magic, 0);
	CHECK_U64(st.reconnects + st.dropped, 0);
	CHECK_EQ(st.broken, 0);
	CHECK(LOAD(&e->ctl->hdr_writes) > 0);
	printf("victim: header-only phase: %u messages each way checked, %u header writes, "
	       "link up, counters 0\n",
	       HDR_MSGS, LOAD(&e->ctl->hdr_writes));
	v.prev = st;
	STORE(&e->ctl->v_hdr_done, 1);

	/* 2. Hostile rounds, until the attacker says it is done. */
	while (!LOAD(&e->ctl->finished)) {
		int eio = victim_op(&v);

		if (!eio && ++since >= next_poll) {
			since = 0;
			next_poll = POLL_EVERY_MIN + rnd(e, 400);
			v.polls++;
			rc = rte_vmsg_link_poll(e->link);
			if (rc == -EIO) {
				v.eio = NULL;
				eio = 1;
			} else {
				CHECK(rc >= RTE_VMSG_LINK_CONNECTING &&
				      rc <= RTE_VMSG_LINK_PEER_DOWN);
			}
		}
		CHECK(rte_vmsg_ring_valid(v.tx) && rte_vmsg_ring_valid(v.rx));
		if (eio && victim_break(&v) < 0)
			goto fail;
		if ((v.ops & 0x3FF) == 0 &&
		    (LOAD(&e->ctl->abort) || rte_vmsg_time_ns() > e->deadline)) {
			fprintf(stderr, "victim: %s\n",
				LOAD(&e->ctl->abort) ? "aborted" : "out of time");
			goto fail;
		}
		if (vtest_failures > 20)
			goto fail;
	}

	/* Each class held alone was seen with its own counter; both kinds of frames came. */
	CHECK_EQ(v.exact, (1u << BAD_CLASSES) - 1);
	CHECK(v.by_counter[0] > 0 && v.by_counter[1] > 0 && v.by_counter[2] > 0);
	CHECK(v.valid > 0);
	CHECK(v.rejected > 0);
	/*
	 * The library logs once per break, no more. It may count more breaks
	 * than the victim handled: a peer whose noise left its head READY
	 * with an impossible index is met and refused again in one poll.
	 */
	stats(&v, &st);
	CHECK_U64(victim_logs, st.breaks);
	CHECK(st.breaks >= v.breaks);
	printf("victim: %llu operations, %llu polls, %llu breaks (bad_index %llu, bad_state %llu, "
	       "bad_magic %llu), frames: %llu valid, %llu rejected\n",
	       (unsigned long long)v.ops, (unsigned long long)v.polls, (unsigned long long)v.breaks,
	       (unsigned long long)v.by_counter[0], (unsigned long long)v.by_counter[1],
	       (unsigned long long)v.by_counter[2], (unsigned long long)v.valid,
	       (unsigned long long)v.rejected);
	/* After a break both ring ends refuse (-EIO), and no recovery lowers a counter. */
	CHECK_U64(v.alive_after_break, 0);
	CHECK_U64(v.lost_on_reset, 0);
	printf("victim: %llu recoveries (%llu met at once), slowest %.1f ms after the peer's "
	       "start\n",
	       (unsigned long long)st.recoveries, (unsigned long long)v.met_at_once,
	       (double)v.recovery_ns_max / 1e6);
	child_teardown(e);
	return vtest_done("victim");
fail:
	child_teardown(e);
	vtest_done("victim");
	return 1;
}

/* ---- the supervisor ---- */

static const char *role_name(enum rte_vmsg_link_role r)
{
	return r == RTE_VMSG_LINK_DEVICE ? "device" : "driver";
}

/* Reports how a child ended; 0 for a normal exit with status 0. */
static int child_result(const char *who, int status)
{
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);

		fprintf(stderr, "%s: killed by signal %d (%s)%s\n", who, sig, strsignal(sig),
			sig == SIGSEGV || sig == SIGBUS
				? ": it touched memory outside the region (a guard page) or crashed"
				: "");
		return -1;
	}
	if (WEXITSTATUS(status) != 0) {
		fprintf(stderr, "%s: exit status %d\n", who, WEXITSTATUS(status));
		return -1;
	}
	return 0;
}

static void run_config(const struct cfg *c, unsigned int idx, struct rte_vmsg_region *reg,
		       struct ctl *ctl, int cpu_v, int cpu_a, uint64_t seed)
{
	struct env e;
	pid_t pid[2] = { -1, -1 }, self = getpid();
	int status[2] = { 0, 0 }, done[2] = { 0, 0 }, i;
	uint64_t t0 = rte_vmsg_time_ns(), end = t0 + CONFIG_NS;

	printf("config %u: victim %s, attacker %s, %s, N %u, %u-byte elements, layout against "
	       "the %s guard page\n",
	       idx, role_name(c->victim_role),
	       role_name(c->victim_role == RTE_VMSG_LINK_DEVICE ? RTE_VMSG_LINK_DRIVER
								: RTE_VMSG_LINK_DEVICE),
	       c->fmt ? "stamped" : "compat", c->n, c->esize, c->at_end ? "upper" : "lower");
	fflush(NULL);
	memset(rte_vmsg_region_addr(reg), 0, rte_vmsg_region_len(reg));
	memset(ctl, 0, sizeof(*ctl));

	memset(&e, 0, sizeof(e));
	e.cfg = c;
	e.ctl = ctl;
	e.path = rte_vmsg_region_path(reg);
	e.inherited = rte_vmsg_region_addr(reg);
	e.inh_len = rte_vmsg_region_len(reg);
	e.deadline = end - 5 * SEC;
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0) {
			perror("fork");
			CHECK(0);
			break;
		}
		if (pid[i] == 0) {
			/* i == 0: the victim, i == 1: the attacker, on the other side. */
			e.role = i == 0 ? c->victim_role
					: (c->victim_role == RTE_VMSG_LINK_DEVICE
						   ? RTE_VMSG_LINK_DRIVER
						   : RTE_VMSG_LINK_DEVICE);
			e.cpu = i == 0 ? cpu_v : cpu_a;
			e.rng = seed ^ ((uint64_t)(idx + 1) << 32) ^ (uint64_t)(i + 1);
			exit(i == 0 ? victim_main(&e, self) : attacker_main(&e, self));
		}
	}
	/* Both, bounded; when one fails the other is told to stop. */
	while ((pid[0] > 0 && !done[0]) || (pid[1] > 0 && !done[1])) {
		for (i = 0; i < 2; i++)
			if (pid[i] > 0 && !done[i] &&
			    waitpid(pid[i], &status[i], WNOHANG) == pid[i]) {
				done[i] = 1;
				if (!WIFEXITED(status[i]) || WEXITSTATUS(status[i]) != 0)
					STORE(&ctl->abort, 1);
			}
		if (rte_vmsg_time_ns() > end) {
			for (i = 0; i < 2; i++)
				if (pid[i] > 0 && !done[i]) {
					fprintf(stderr, "%s: still running after %llu s: killed\n",
						i == 0 ? "victim" : "attacker",
						(unsigned long long)(CONFIG_NS / SEC));
					kill(pid[i], SIGKILL);
					waitpid(pid[i], &status[i], 0);
					done[i] = 1;
				}
			CHECK(0);
			break;
		}
		nap_ns(1000000);
	}
	for (i = 0; i < 2; i++)
		if (pid[i] > 0)
			CHECK_EQ(child_result(i == 0 ? "victim" : "attacker", status[i]), 0);
	printf("config %u: %.2f s\n", idx, (double)(rte_vmsg_time_ns() - t0) / 1e9);
}

int main(void)
{
	struct rte_vmsg_region_opts ro = { .sz = sizeof(ro) };
	struct rte_vmsg_region *reg = NULL;
	struct ctl *ctl;
	uint64_t seed = vtest_seed();
	char name[64];
	unsigned int i;
	int cpu[2], ret;

	snprintf(name, sizeof(name), "vmsg-stress-hostile.%d", (int)getpid());
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_GUARD | RTE_VMSG_REGION_OPT_UNLINK;
	ro.size = REGION_SIZE;
	ro.path = name;
	ret = rte_vmsg_region_create(&ro, &reg);
	CHECK_EQ(ret, 0);
	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(ctl != MAP_FAILED);
	if (reg == NULL || ctl == MAP_FAILED)
		goto out;
	printf("region: %s %s, %zu bytes, guard pages %s\n",
	       (rte_vmsg_region_flags(reg) & RTE_VMSG_REGION_F_HUGE)
		       ? "hugetlbfs file"
		       : "plain shared memory (no hugepages to be had)",
	       rte_vmsg_region_path(reg), rte_vmsg_region_len(reg),
	       (rte_vmsg_region_flags(reg) & RTE_VMSG_REGION_F_GUARD) ? "before and after"
								      : "NONE");
	CHECK(rte_vmsg_region_flags(reg) & RTE_VMSG_REGION_F_GUARD);
	vmsg_util_two_cpus(cpu);
	for (i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		run_config(&cfgs[i], i, reg, ctl, cpu[0], cpu[1], seed);
		if (vtest_failures != 0)
			break;
	}
out:
	if (ctl != MAP_FAILED)
		munmap(ctl, sizeof(*ctl));
	rte_vmsg_region_destroy(reg);
	return vtest_done("test_ring_hostile");
}
