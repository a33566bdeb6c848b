/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Frames parsed in place while the peer still writes them (ARCHITECTURE §3):
 * a forked writer flips one field of a frame in a MAP_SHARED page while this
 * process parses it (rte_vmsg_msg_parse(), the pre-v2 profile) or hands it to
 * a device (rte_vmsg_dev_handle()), again and again.
 *
 * Description: each frame ends at the end of its page and a PROT_NONE page
 * follows, as does the 64-byte response buffer; a count or length read twice
 * (one read validated, the other used) reads or writes into a guard page and
 * the test dies of SIGSEGV, in every build (ASan reports it). The views
 * themselves are checked too: a successful parse has msg_size equal to the
 * size its own counts give, a bus kind has the bus bit and dev_num 0.
 *
 * The writer is a process, not a thread: TSan runs the unit suite and would
 * rightly call a thread writing the frame a data race; this is the peer.
 */

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rte_vmsg_msg.h"
#include "rte_vmsg_transport.h"
#include "vtest.h"

#define MAX_MSG 64u
#define CFG_SIZE 65536u

/* What the writer process does, in the shared control page. */
struct flip {
	uint32_t off;	/* byte offset of the field in the frame page */
	uint32_t width; /* 1, 2 or 4 */
	uint32_t a, b;	/* the two values */
	uint32_t started;
	uint64_t flips;
};

static size_t page;
static uint8_t *shared;	 /* [control page][frame page][guard] */
static struct flip *ctl; /* in the control page */
static uint8_t *fpage;	 /* the frame page, shared with the writer */
static uint8_t *resp;	 /* MAX_MSG bytes before a guard page */
static uint8_t config[CFG_SIZE];

static void put(uint32_t off, uint32_t width, uint32_t v)
{
	uint8_t *p = fpage + off;

	/* Little-endian host assumed by the offsets below (x86, arm64). */
	if (width == 1)
		__atomic_store_n(p, (uint8_t)v, __ATOMIC_RELAXED);
	else if (width == 2)
		__atomic_store_n((uint16_t *)(void *)p, (uint16_t)v, __ATOMIC_RELAXED);
	else
		__atomic_store_n((uint32_t *)(void *)p, v, __ATOMIC_RELAXED);
}

static void writer(void)
{
	uint32_t off = ctl->off, width = ctl->width, a = ctl->a, b = ctl->b;
	uint64_t n = 0, s = 0x9e3779b97f4a7c15ull;
	unsigned int k, hold;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	__atomic_store_n(&ctl->started, 1, __ATOMIC_RELEASE);
	for (;;) {
		/* Each value held for a varying while, so that every window is hit. */
		put(off, width, (n & 1) ? b : a);
		hold = (unsigned int)(vtest_rand(&s) & 63u);
		for (k = 0; k < hold; k++)
			__asm__ __volatile__("" ::: "memory");
		n++;
		__atomic_store_n(&ctl->flips, n, __ATOMIC_RELAXED);
		if ((n & 0xffff) == 0 && getppid() == 1)
			_exit(0);
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Places a frame at the end of the frame page; returns where it starts. */
static const uint8_t *place(const struct rte_vmsg_msg *m, enum rte_vmsg_payloads prof,
			    uint32_t *frame_off)
{
	uint8_t tmp[MAX_MSG];
	int n = rte_vmsg_msg_build_profile(tmp, sizeof(tmp), prof, m);

	CHECK(n > 0);
	if (n <= 0)
		n = RTE_VMSG_HDR_SIZE;
	*frame_off = (uint32_t)(page - (size_t)n);
	memcpy(fpage + *frame_off, tmp, (size_t)n);
	return fpage + *frame_off;
}

static pid_t start_writer(uint32_t off, uint32_t width, uint32_t a, uint32_t b)
{
	pid_t pid;

	ctl->off = off;
	ctl->width = width;
	ctl->a = a;
	ctl->b = b;
	ctl->started = 0;
	ctl->flips = 0;
	pid = fork();
	if (pid == 0)
		writer();
	CHECK(pid > 0);
	while (pid > 0 && __atomic_load_n(&ctl->started, __ATOMIC_ACQUIRE) == 0)
		usleep(100);
	return pid;
}

static void stop_writer(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/*
 * Runs @p step until it reports a broken view, for at least 200 ms and
 * 200,000 flips of the writer (up to 2 s on a loaded machine).
 */
static int race(const char *name, int (*step)(const uint8_t *), const uint8_t *frame)
{
	uint64_t t0 = now_ms(), iters = 0;
	int bad = 0;

	for (;;) {
		bad = step(frame);
		iters++;
		if (bad)
			break;
		if ((iters & 1023) == 0) {
			uint64_t t = now_ms() - t0;

			if ((t >= 200 &&
			     __atomic_load_n(&ctl->flips, __ATOMIC_RELAXED) >= 200000) ||
			    t >= 2000)
				break;
		}
	}
	printf("%s: %llu steps, %llu flips%s\n", name, (unsigned long long)iters,
	       (unsigned long long)__atomic_load_n(&ctl->flips, __ATOMIC_RELAXED),
	       bad ? ": BROKEN VIEW" : "");
	return bad;
}

static int is_bus_kind(enum rte_vmsg_msg_kind k)
{
	return k == RTE_VMSG_MSG_BUS_GET_DEVICES_REQ || k == RTE_VMSG_MSG_BUS_GET_DEVICES_RESP ||
	       k == RTE_VMSG_MSG_BUS_PING_REQ || k == RTE_VMSG_MSG_BUS_PING_RESP ||
	       k == RTE_VMSG_MSG_BUS_EVENT_DEVICE;
}

/* A view that disagrees with itself: what was validated is not what is used. */
static int view_broken(const struct rte_vmsg_msg *m, enum rte_vmsg_payloads prof)
{
	if (rte_vmsg_msg_size_profile(m, prof) != m->hdr.msg_size)
		return 1;
	if (is_bus_kind(m->kind) != ((m->hdr.type & RTE_VMSG_TYPE_BUS) != 0))
		return 1;
	if (is_bus_kind(m->kind) && m->hdr.dev_num != 0)
		return 1;
	return 0;
}

static volatile uint32_t sink;

static int step_parse_v2(const uint8_t *f)
{
	struct rte_vmsg_msg m;
	uint32_t k, s = 0;

	if (rte_vmsg_msg_parse(f, (size_t)(fpage + page - f), MAX_MSG, &m, NULL) < 0)
		return 0;
	if (view_broken(&m, RTE_VMSG_PAYLOADS_V2)) {
		fprintf(stderr,
			"  broken view: kind %s type 0x%x dev_num %u msg_size %u, size %zu\n",
			rte_vmsg_msg_kind_name(m.kind), m.hdr.type, m.hdr.dev_num, m.hdr.msg_size,
			rte_vmsg_msg_size(&m));
		return 1;
	}
	/* A consumer that trusts the view reads every block. */
	if (m.kind == RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ)
		for (k = 0; k < m.u.features.num_blocks; k++)
			s += rte_vmsg_msg_feature_block(&m.u.features, k);
	sink = s;
	return 0;
}

static int step_parse_prev2(const uint8_t *f)
{
	struct rte_vmsg_msg m;
	uint32_t k, s = 0;

	if (rte_vmsg_msg_parse_profile(f, (size_t)(fpage + page - f), MAX_MSG,
				       RTE_VMSG_PAYLOADS_PRE_V2, &m, NULL) < 0)
		return 0;
	if (view_broken(&m, RTE_VMSG_PAYLOADS_PRE_V2)) {
		fprintf(stderr, "  broken view: count %u msg_size %u\n", m.u.get_devices.count,
			m.hdr.msg_size);
		return 1;
	}
	if (m.kind == RTE_VMSG_MSG_BUS_GET_DEVICES_RESP)
		for (k = 0; k < (m.u.get_devices.count + 7u) / 8u; k++)
			s += m.u.get_devices.bitmap[k];
	sink = s;
	return 0;
}

static struct rte_vmsg_dev *dev;

static int step_dev(const uint8_t *f)
{
	int n = rte_vmsg_dev_handle(dev, f, (size_t)(fpage + page - f), resp, MAX_MSG);

	return n < 0 || n > (int)MAX_MSG;
}

/* --- codec ------------------------------------------------------------- */

static void test_codec_counts(void)
{
	static const uint32_t blocks[1] = { 0x1u };
	struct rte_vmsg_msg m;
	const uint8_t *f;
	uint32_t off;
	pid_t pid;

	/* SET_DRIVER_FEATURES: num_blocks (payload @4) 1 <-> 0x3ff0. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ;
	m.u.features.num_blocks = 1;
	m.u.features.blocks = (const uint8_t *)blocks;
	f = place(&m, RTE_VMSG_PAYLOADS_V2, &off);
	pid = start_writer(off + 12, 4, 1, 0x3ff0);
	CHECK(!race("parse SET_DRIVER_FEATURES num_blocks", step_parse_v2, f));
	stop_writer(pid);

	/* SET_CONFIG: length (payload @8) 4 <-> 0xfff0. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_SET_CONFIG_REQ;
	m.u.config.length = 4;
	m.u.config.data = (const uint8_t *)blocks;
	f = place(&m, RTE_VMSG_PAYLOADS_V2, &off);
	pid = start_writer(off + 16, 4, 4, 0xfff0);
	CHECK(!race("parse SET_CONFIG length", step_parse_v2, f));
	stop_writer(pid);
}

static void test_codec_header(void)
{
	struct rte_vmsg_msg m;
	const uint8_t *f;
	uint32_t off;
	pid_t pid;

	/* PING: the type byte read twice (bus bit 0x02 <-> 0x00). */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	m.u.ping = 7;
	f = place(&m, RTE_VMSG_PAYLOADS_V2, &off);
	pid = start_writer(off + RTE_VMSG_OFF_TYPE, 1, RTE_VMSG_TYPE_BUS, 0);
	CHECK(!race("parse PING type", step_parse_v2, f));
	stop_writer(pid);

	/* PING: dev_num read twice (0 <-> 5; a bus message must carry 0). */
	f = place(&m, RTE_VMSG_PAYLOADS_V2, &off);
	pid = start_writer(off + RTE_VMSG_OFF_DEV_NUM, 2, 0, 5);
	CHECK(!race("parse PING dev_num", step_parse_v2, f));
	stop_writer(pid);
}

static void test_codec_prev2(void)
{
	static const uint8_t bitmap[1] = { 0x25 };
	struct rte_vmsg_msg m;
	const uint8_t *f;
	uint32_t off;
	pid_t pid;

	/* Pre-v2 GET_DEVICES response: num (payload @2) 8 <-> 0xfff0. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_RESP;
	m.u.get_devices.count = 8;
	m.u.get_devices.bitmap = bitmap;
	f = place(&m, RTE_VMSG_PAYLOADS_PRE_V2, &off);
	pid = start_writer(off + RTE_VMSG_HDR_SIZE + 2, 2, 8, 0xfff0);
	CHECK(!race("parse pre-v2 GET_DEVICES count", step_parse_prev2, f));
	stop_writer(pid);
}

/* --- device side: the overflows themselves ------------------------------ */

static int m_config_read(void *ctx, uint32_t offset, void *buf, uint32_t len)
{
	(void)ctx;
	memcpy(buf, config + offset, len);
	return 0;
}

static int m_config_write(void *ctx, uint32_t offset, const void *data, uint32_t len)
{
	(void)ctx;
	memcpy(config + offset, data, len);
	return 0;
}

static void test_dev_handle(void)
{
	static const uint32_t offered[2] = { 0x1u, 0x1u };
	static const uint32_t blocks[1] = { 0x1u };
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev_opts o;
	struct rte_vmsg_msg m;
	const uint8_t *f;
	uint32_t off;
	pid_t pid;

	memset(&ops, 0, sizeof(ops));
	ops.sz = sizeof(ops);
	ops.device_id = 1;
	ops.features = offered;
	ops.num_feature_blocks = 2;
	ops.config_size = CFG_SIZE;
	ops.config_read = m_config_read;
	ops.config_write = m_config_write;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.dev_num = 1;
	o.max_msg_size = MAX_MSG;
	CHECK_EQ(rte_vmsg_dev_create(&o, &ops, NULL, &dev), 0);
	if (dev == NULL)
		return;

	/* SET_DRIVER_FEATURES: the device reads num_blocks words of the frame. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ;
	m.hdr.dev_num = 1;
	m.u.features.num_blocks = 1;
	m.u.features.blocks = (const uint8_t *)blocks;
	f = place(&m, RTE_VMSG_PAYLOADS_V2, &off);
	pid = start_writer(off + 12, 4, 1, 0x3ff0);
	CHECK(!race("dev SET_DRIVER_FEATURES num_blocks", step_dev, f));
	stop_writer(pid);

	/* GET_DEVICE_FEATURES: the device writes num_blocks words of response. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ;
	m.hdr.dev_num = 1;
	m.u.features.num_blocks = 1;
	f = place(&m, RTE_VMSG_PAYLOADS_V2, &off);
	pid = start_writer(off + 12, 4, 1, 0x3ff0);
	CHECK(!race("dev GET_DEVICE_FEATURES num_blocks", step_dev, f));
	stop_writer(pid);

	/* SET_CONFIG: the model is handed length bytes of the frame. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_SET_CONFIG_REQ;
	m.hdr.dev_num = 1;
	m.u.config.length = 4;
	m.u.config.data = (const uint8_t *)blocks;
	f = place(&m, RTE_VMSG_PAYLOADS_V2, &off);
	pid = start_writer(off + 16, 4, 4, 0xfff0);
	CHECK(!race("dev SET_CONFIG length", step_dev, f));
	stop_writer(pid);

	rte_vmsg_dev_destroy(dev);
	dev = NULL;
}

int main(void)
{
	uint8_t *rpage;

	page = (size_t)sysconf(_SC_PAGESIZE);
	shared = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	rpage = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || rpage == MAP_FAILED) {
		fprintf(stderr, "mmap: %s\n", strerror(errno));
		return 1;
	}
	ctl = (struct flip *)(void *)shared;
	fpage = shared + page;
	if (mprotect(shared + 2 * page, page, PROT_NONE) != 0 ||
	    mprotect(rpage + page, page, PROT_NONE) != 0) {
		fprintf(stderr, "mprotect: %s\n", strerror(errno));
		return 1;
	}
	resp = rpage + page - MAX_MSG;

	test_codec_counts();
	test_codec_header();
	test_codec_prev2();
	test_dev_handle();
	return vtest_done("frame_race");
}
