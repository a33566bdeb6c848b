/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * A foreign driver: this program plays the 2026 Linux virtio-msg-amp driver
 * (with virtio-net on top) against vmsg-fwd's bare AMP link (bus=amp), the
 * way a VM's kernel would face it through an ivshmem BAR and its own RAM.
 * It is written from the reference texts alone and uses NONE of librte_vmsg:
 * no rte_vmsg_* function, type or header; it does not link the library (libc,
 * test/common/vtest.h for the checks and apps/common's vmsg_util for the
 * bounded child wait only). Every byte on the wire and in the rings is built
 * and parsed here, little-endian.
 *
 * One run per payload profile (pre-v2, then v2), each against a new
 * vmsg-fwd (its path is argv[1]) with one bus=amp port in io mode looped
 * back to itself (--peer 0:0):
 *
 *  1. Files as QEMU makes them: a 64 KiB "ivshmem" link file and an 8 MiB
 *     "guest RAM" file of zeros in /dev/shm; vmsg-fwd lays out the link at
 *     +4096 (esize 64, 64 elements) and maps the RAM file as mem=.
 *  2. The link (amp-pcie.md §1.4 "vmamp_shmem v1" and §1.8 "How that Linux
 *     driver behaves"): wait (bounded) for the layout magic; validate the
 *     64-byte header strictly (magic, length, version, no unknown features,
 *     reserved 0, notif counts, offsets non-zero, in range, aligned, no
 *     overlap); never write it; own queue head: magic and INIT, head and
 *     tail zeroed, READY; wait for the device's head READY or RUN; RUN.
 *     Elements: one message per 64-byte slot, zero-padded, one slot kept
 *     empty, indices wrap at N, release/acquire on the indices.
 *  3. Bus and transport bring-up in §1.8's order, token 1 on every request,
 *     responses matched on (type|response, msg_id, dev_num), one request in
 *     flight: bus GET_DEVICES (0, 32) (virtio-msg-v2.md §10; pre-v2 form in
 *     §1.8's table), DEVICE_INFO (v2 §4.1 / §1.8), status 0, 1, 3 (v2
 *     §4.6), GET features (block 0, 2 blocks) and SET (v2 §4.2, §4.3):
 *     VERSION_1 and MAC, status 0xb and its read-back, the MAC one byte per
 *     GET_CONFIG with generation reads (length 0) around them (v2 §4.4),
 *     GET_VQUEUE (max_size only) and SET_VQUEUE per queue (v2 §4.7, §4.8 /
 *     §1.8's pre-v2 forms), status 0xf. The payload profile changes only
 *     the five payloads of §1.8's table.
 *  4. Traffic (virtio 1.x split virtqueues and virtio-net, §2.7 and §5.1 of
 *     the virtio specification): rings at guest-physical = file offset in
 *     the RAM file, receive buffers of 2 KiB (device-writable), frames of
 *     60-1514 bytes behind the 12-byte VERSION_1 header, carrying a sequence
 *     number and a pattern, sent on queue 1 with EVENT_AVAIL (token 0, v2
 *     §4.12); vmsg-fwd sends each back out of the same port, so it comes back
 *     on queue 0. Used buffers are taken only when an EVENT_USED (v2 §4.13)
 *     arrives for that queue, as the Linux driver does; the used indices are
 *     also watched so that a used entry no EVENT_USED ever announces fails
 *     the test instead of hanging it. Every frame is checked byte for byte,
 *     in order; buffers are recycled.
 *  5. Shutdown as Linux does (§1.8): status 0, then own queue head SHUTDOWN.
 *  6. Lives: 2-5 run three times on one vmsg-fwd: loaded and unloaded
 *     cleanly, loaded again (a module reload) and then crashed (no reset,
 *     no SHUTDOWN), loaded again after the crash (a guest reset: the
 *     driver zeroes its indices and goes INIT, READY, RUN at once because
 *     the device's head still says RUN, as §1.4's handshake does; it stays
 *     10 ms in INIT, a guest descheduled there, so that the device sees
 *     it). Then vmsg-fwd gets SIGINT, must exit 0, and its final totals
 *     must count every packet and byte of the three lives, three lost
 *     drivers, no drops, broken queues or errors.
 *
 * Every wait is bounded: a stuck device fails the run with a message. One
 * summary line per run. VMSG_STRESS_SCALE=small runs fewer packets.
 */

#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fwd_child.h"
#include "vmsg_util.h"
#include "vtest.h"

/* The files and where vmsg-fwd puts the layout. */
#define LINK_SIZE 65536u
#define RAM_SIZE (8u << 20)
#define LAYOUT_OFF 4096u

/* The v1 layout (amp-pcie.md §1.4). */
#define LAYOUT_MAGIC 0x4C4Fu
#define LAYOUT_LEN 64u
#define LAYOUT_F_MASKED_NOTIF 0x0001u
#define QHEAD_MAGIC 0x514Fu
#define QHEAD_LEN 8u
#define QS_INIT 0u
#define QS_READY 1u
#define QS_RUN 2u
#define QS_SHUTDOWN 3u
#define QS_PEER_DEAD 4u
#define QS_MASK 0x1Fu
#define ELEM_SIZE 64u /* the Linux driver takes nothing else */

/* Message header (virtio-msg-v2.md §2; the same in the pre-v2 revision). */
#define HDR_SIZE 8u
#define T_RESP 0x01u
#define T_BUS 0x02u
#define M_DEVICE_INFO 0x02u
#define M_GET_FEATURES 0x03u
#define M_SET_FEATURES 0x04u
#define M_GET_CONFIG 0x05u
#define M_GET_STATUS 0x07u
#define M_SET_STATUS 0x08u
#define M_GET_VQUEUE 0x09u
#define M_SET_VQUEUE 0x0Au
#define M_EVENT_CONFIG 0x40u
#define M_EVENT_AVAIL 0x41u
#define M_EVENT_USED 0x42u
#define B_GET_DEVICES 0x02u
#define B_PING 0x03u
#define B_EVENT_DEVICE 0x40u
#define TOKEN 1u /* on every request, as the Linux driver does */

/* Device status bits. */
#define S_ACK 0x01u
#define S_DRIVER 0x02u
#define S_DRIVER_OK 0x04u
#define S_FEATURES_OK 0x08u
#define S_NEEDS_RESET 0x40u
#define S_FAILED 0x80u

/* virtio and virtio-net. */
#define F_NET_MAC 5u
#define F_VERSION_1 32u
#define VIRTIO_ID_NET 1u
#define DESC_F_NEXT 1u
#define DESC_F_WRITE 2u
#define NET_HDR 12u
#define RXQ 0u
#define TXQ 1u

/* The driver's memory: guest-physical address = offset in the RAM file. */
#define QSIZE_MAX 256u
#define RING_ADDR(q) (0x10000u + (q)*0x10000u) /* desc; avail +0x1000; used +0x2000 */
#define BUF_SIZE 2048u
#define RX_BUF(i) (0x100000u + (i)*BUF_SIZE)
#define TX_BUF(i) (0x200000u + (i)*BUF_SIZE)

#define MIN_FRAME 60u
#define MAX_FRAME 1514u
#define WINDOW 64u  /* frames in flight: well below the receive buffers */
#define TX_BATCH 16 /* frames per EVENT_AVAIL */

#define WAIT_NS 10000000000ull /* any single wait */
#define REQ_NS 5000000000ull   /* one request (Linux: 100 s) */
#define EVENT_NS \
	5000000000ull /* used entries without an EVENT_USED (a loaded machine
				 * may stop either process for a second) */

static const char *fwd_bin;
static char out_path[128];
static char link_path[128], ram_path[128];

/* ------------------------------------------------------------------------ */
/* Little-endian fields, byte by byte                                        */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Shared 16-bit words the peer reads or writes concurrently (2-byte aligned). */
static uint16_t shared_load16(const uint8_t *p)
{
	return le16toh(__atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_ACQUIRE));
}

static void shared_store16(uint8_t *p, uint16_t v)
{
	__atomic_store_n((uint16_t *)(void *)p, htole16(v), __ATOMIC_RELEASE);
}

static uint64_t now_ns(void)
{
	return vmsg_util_now_ns();
}

/* ------------------------------------------------------------------------ */
/* vmsg-fwd as a child process                                               */

static pid_t fwd_pid;

static pid_t fwd_start(char *const args[])
{
	return fwd_child_start(fwd_bin, out_path, NULL, args);
}

static int fwd_stop(pid_t pid)
{
	return fwd_child_stop(pid, WAIT_NS);
}

/* 1 while vmsg-fwd runs. */
static int fwd_alive(void)
{
	int status;

	return waitpid(fwd_pid, &status, WNOHANG) == 0;
}

static void show_output(void)
{
	fwd_child_show(out_path);
}

/* Port 0's "all" row of vmsg-fwd's final totals. */
static int fwd_totals(struct fwd_totals *t)
{
	return fwd_child_totals(out_path, t, 1);
}

/* Ends the run: the reason, vmsg-fwd's output, exit 1 (the files go at exit). */
static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "test_foreign_driver: FATAL: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	if (fwd_pid > 0) {
		fwd_stop(fwd_pid);
		fwd_pid = 0;
		show_output();
	}
	exit(1);
}

/* ------------------------------------------------------------------------ */
/* Files                                                                     */

static int file_make(const char *path, uint64_t size)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int rc = fd >= 0 && ftruncate(fd, (off_t)size) == 0 ? 0 : -1;

	if (fd >= 0)
		close(fd);
	return rc;
}

static uint8_t *file_map(const char *path, size_t size)
{
	int fd = open(path, O_RDWR);
	void *p;

	if (fd < 0)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

/* ------------------------------------------------------------------------ */
/* The link: the v1 layout as the Linux driver sees it (amp-pcie.md §1.4)    */

struct link {
	uint8_t *base; /* the layout start */
	uint64_t len;  /* bytes from there to the end of the file */
	uint16_t n;    /* elements per queue */
	uint8_t *dev_qh, *drv_qh, *dev_el, *drv_el;
	uint16_t tail; /* next element this side writes in its own queue */
	uint16_t head; /* next element this side reads from the device's */
	uint64_t sent, received;
};

struct range {
	uint64_t off, len;
	const char *what;
};

/*
 * The header checks of the Linux driver: magic, length, version, known
 * features, reserved 0, notification counts, offsets non-zero, in range and
 * aligned (queue heads 2, notification areas 8), nothing overlapping.
 */
static void layout_validate(struct link *l)
{
	uint8_t h[LAYOUT_LEN];
	struct range r[7];
	uint16_t features, esize;
	uint8_t nn, vqn;
	uint64_t notif_len;
	uint32_t i, j, nr = 0;

	memcpy(h, l->base, sizeof(h));
	if (get16(h) != LAYOUT_MAGIC)
		die("layout magic 0x%04x", get16(h));
	if (get16(h + 2) != LAYOUT_LEN)
		die("layout length %u, not 64", get16(h + 2));
	if (get16(h + 4) != 1)
		die("layout version %u, not 1", get16(h + 4));
	features = get16(h + 6);
	if (features & ~LAYOUT_F_MASKED_NOTIF)
		die("layout: unknown features 0x%04x", features);
	nn = h[8];
	vqn = h[9];
	if (nn > 64)
		die("layout: num_notif %u > 64", nn);
	if (vqn != 1 && vqn != 2 && vqn != 4 && vqn != 8 && vqn != 16)
		die("layout: num_vq_notif_per_device %u", vqn);
	l->n = get16(h + 10);
	esize = get16(h + 12);
	if (l->n < 2)
		die("layout: %u queue elements", l->n);
	if (esize != ELEM_SIZE)
		die("layout: element size %u, the Linux driver takes 64 only", esize);
	if (get16(h + 14) != 0)
		die("layout: reserved 0x%04x", get16(h + 14));

	r[nr++] = (struct range){ 0, LAYOUT_LEN, "header" };
	notif_len = (uint64_t)nn * 8u * ((features & LAYOUT_F_MASKED_NOTIF) ? 3u : 2u);
	for (i = 0; i < 6; i++) {
		static const char *const names[] = { "dev_notif",	   "dev_queue_head",
						     "dev_queue_elements", "drv_notif",
						     "drv_queue_head",	   "drv_queue_elements" };
		uint64_t off = get64(h + 16 + 8 * i), len, align;

		switch (i % 3) {
		case 0:
			len = notif_len;
			align = 8;
			break;
		case 1:
			len = QHEAD_LEN;
			align = 2;
			break;
		default:
			len = (uint64_t)l->n * esize;
			align = 1;
			break;
		}
		if (off == 0) {
			if (i % 3 == 0 && nn == 0)
				continue; /* no notification area */
			die("layout: %s offset 0", names[i]);
		}
		if (i % 3 == 0 && nn == 0)
			die("layout: %s at %" PRIu64 " with num_notif 0", names[i], off);
		if (off % align != 0)
			die("layout: %s offset %" PRIu64 " not %" PRIu64 "-aligned", names[i], off,
			    align);
		if (off > l->len || len > l->len - off)
			die("layout: %s [%" PRIu64 ", +%" PRIu64 ") past the end (%" PRIu64 ")",
			    names[i], off, len, l->len);
		r[nr++] = (struct range){ off, len, names[i] };
	}
	for (i = 0; i < nr; i++)
		for (j = i + 1; j < nr; j++)
			if (r[i].off < r[j].off + r[j].len && r[j].off < r[i].off + r[i].len)
				die("layout: %s and %s overlap", r[i].what, r[j].what);
	l->dev_qh = l->base + get64(h + 24);
	l->dev_el = l->base + get64(h + 32);
	l->drv_qh = l->base + get64(h + 48);
	l->drv_el = l->base + get64(h + 56);
}

static uint16_t dev_status(const struct link *l)
{
	return shared_load16(l->dev_qh + 2) & QS_MASK;
}

/*
 * The handshake of §1.4, driver side. @p init_pause_us: a pause in INIT
 * (a guest descheduled there), so that the device polls our head in INIT.
 */
static void link_up(struct link *l, unsigned int init_pause_us)
{
	uint64_t end = now_ns() + WAIT_NS;
	uint16_t st;

	/* The device writes the magic last: wait for it, then read the rest. */
	while (shared_load16(l->base) != LAYOUT_MAGIC) {
		if (now_ns() > end)
			die("no layout magic at +%u after %llu s", LAYOUT_OFF,
			    WAIT_NS / 1000000000ull);
		if (!fwd_alive())
			die("vmsg-fwd exited before writing the layout");
		usleep(1000);
	}
	layout_validate(l);
	/* Own head: magic and INIT. */
	shared_store16(l->drv_qh + 2, QS_INIT);
	shared_store16(l->drv_qh, QHEAD_MAGIC);
	if (init_pause_us != 0)
		usleep(init_pause_us);
	while (shared_load16(l->dev_qh) != QHEAD_MAGIC) {
		if (now_ns() > end)
			die("no device queue head magic");
		usleep(1000);
	}
	st = dev_status(l);
	if (st > QS_RUN)
		die("device queue head status %u at start", st);
	/* Own queue zeroed, then READY. */
	memset(l->drv_el, 0, (size_t)l->n * ELEM_SIZE);
	shared_store16(l->drv_qh + 4, 0);
	shared_store16(l->drv_qh + 6, 0);
	l->tail = 0;
	l->head = 0;
	shared_store16(l->drv_qh + 2, QS_READY);
	for (;;) {
		st = dev_status(l);
		if (st == QS_READY || st == QS_RUN)
			break;
		if (now_ns() > end)
			die("device queue head status %u, never READY or RUN", st);
		usleep(1000);
	}
	shared_store16(l->drv_qh + 2, QS_RUN);
	/*
	 * The Linux driver looks at the device queue from a 1 ms poll timer:
	 * its first look comes about a millisecond after RUN.
	 */
	usleep(1000);
}

/* Frames that came in while a request waited, handled afterwards. */
struct events {
	uint64_t used[2]; /* EVENT_USED per queue, since the last look */
	uint64_t used_total[2];
	uint64_t config;
	uint64_t bus;
	uint64_t stray; /* responses nobody waits for */
};

static struct events ev;

static void link_check_peer(const struct link *l)
{
	uint16_t st = dev_status(l);

	if (st != QS_RUN && st != QS_READY)
		die("the device's queue head left RUN (status %u)", st);
}

/* One frame into the driver queue, zero-padded; waits (bounded) while it is full. */
static void link_send(struct link *l, const uint8_t *f, uint16_t len)
{
	uint16_t next = (uint16_t)((l->tail + 1u) % l->n);
	uint64_t end = 0;
	uint8_t *e;

	if (len < HDR_SIZE || len > ELEM_SIZE || get16(f + 6) != len)
		die("bad frame to send (len %u)", len);
	while (next == shared_load16(l->dev_qh + 6)) {
		/* Full: the device has not read our oldest element yet. */
		if (end == 0)
			end = now_ns() + WAIT_NS;
		link_check_peer(l);
		if (now_ns() > end)
			die("driver queue full for %llu s", WAIT_NS / 1000000000ull);
		sched_yield();
	}
	e = l->drv_el + (size_t)l->tail * ELEM_SIZE;
	memcpy(e, f, len);
	memset(e + len, 0, ELEM_SIZE - len);
	/* The element before the index (release). */
	l->tail = next;
	shared_store16(l->drv_qh + 4, next);
	l->sent++;
}

/* The next frame from the device queue into @p f (64 bytes): its size, or 0. */
static uint16_t link_recv(struct link *l, uint8_t *f)
{
	uint16_t ptail = shared_load16(l->dev_qh + 4), size;

	if (ptail >= l->n)
		die("device queue tail %u out of range (%u elements)", ptail, l->n);
	if (ptail == l->head)
		return 0;
	/* The index was loaded with acquire: the element is complete. */
	memcpy(f, l->dev_el + (size_t)l->head * ELEM_SIZE, ELEM_SIZE);
	l->head = (uint16_t)((l->head + 1u) % l->n);
	shared_store16(l->drv_qh + 6, l->head);
	l->received++;
	size = get16(f + 6);
	if (size < HDR_SIZE || size > ELEM_SIZE)
		die("received frame with msg_size %u", size);
	return size;
}

static void hdr_put(uint8_t *f, uint8_t type, uint8_t id, uint16_t dev, uint16_t token,
		    uint16_t size)
{
	memset(f, 0, ELEM_SIZE);
	f[0] = type;
	f[1] = id;
	put16(f + 2, dev);
	put16(f + 4, token);
	put16(f + 6, size);
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                  */

struct drv {
	struct link l;
	int prev2; /* payload profile: 1 pre-v2, 0 v2 */
	uint16_t dev;
	uint8_t *ram;
	uint64_t requests;
};

/* An event or a bus request from the device: noted, answered when it is a PING. */
static void on_unsolicited(struct drv *d, const uint8_t *f, uint16_t size)
{
	uint8_t type = f[0] & 3u, id = f[1];

	if (type == 0 && id == M_EVENT_USED) {
		uint32_t q;

		CHECK_EQ(size, HDR_SIZE + 4);
		CHECK_EQ(get16(f + 2), d->dev);
		CHECK_EQ(get16(f + 4), 0);
		q = get32(f + 8);
		if (q > TXQ)
			die("EVENT_USED for queue %u", q);
		ev.used[q]++;
		ev.used_total[q]++;
	} else if (type == 0 && id == M_EVENT_CONFIG) {
		ev.config++;
	} else if (type == T_BUS && id == B_EVENT_DEVICE) {
		ev.bus++;
	} else if (type == T_BUS && id == B_PING) {
		uint8_t r[ELEM_SIZE];

		hdr_put(r, T_BUS | T_RESP, B_PING, 0, get16(f + 4), HDR_SIZE + 4);
		put32(r + 8, get32(f + 8));
		link_send(&d->l, r, HDR_SIZE + 4);
		ev.bus++;
	} else {
		fprintf(stderr, "unexpected frame type 0x%02x id 0x%02x size %u\n", f[0], id, size);
		ev.stray++;
		CHECK(0);
	}
}

/* Takes every frame waiting in the device queue. */
static void pump(struct drv *d)
{
	uint8_t f[ELEM_SIZE];
	uint16_t size;

	while ((size = link_recv(&d->l, f)) != 0)
		on_unsolicited(d, f, size);
}

/*
 * One request, token 1, and its response (matched on type|response, msg_id
 * and dev_num) into @p resp; the response must be @p want bytes. Events
 * that come in meanwhile are noted.
 */
static void request(struct drv *d, uint8_t type, uint8_t id, uint16_t dev, const uint8_t *payload,
		    uint16_t plen, uint8_t *resp, uint16_t want, const char *what)
{
	uint8_t f[ELEM_SIZE];
	uint64_t end = now_ns() + REQ_NS;
	uint16_t size;

	hdr_put(f, type, id, dev, TOKEN, (uint16_t)(HDR_SIZE + plen));
	if (plen != 0)
		memcpy(f + HDR_SIZE, payload, plen);
	link_send(&d->l, f, (uint16_t)(HDR_SIZE + plen));
	d->requests++;
	for (;;) {
		size = link_recv(&d->l, resp);
		if (size == 0) {
			link_check_peer(&d->l);
			if (now_ns() > end)
				die("%s: no response in %llu s", what, REQ_NS / 1000000000ull);
			sched_yield();
			continue;
		}
		if (resp[0] == (type | T_RESP) && resp[1] == id && get16(resp + 2) == dev)
			break;
		on_unsolicited(d, resp, size);
	}
	/* Linux warns for every response whose token is not its own. */
	if (get16(resp + 4) != TOKEN) {
		fprintf(stderr, "%s: response token %u, not %u\n", what, get16(resp + 4), TOKEN);
		CHECK(0);
	}
	if (size != want)
		die("%s: response of %u bytes, want %u", what, size, want);
}

/* SET_DEVICE_STATUS: the status the device answers with. */
static uint32_t set_status(struct drv *d, uint32_t s)
{
	uint8_t p[4], r[ELEM_SIZE];

	put32(p, s);
	request(d, 0, M_SET_STATUS, d->dev, p, 4, r, HDR_SIZE + 4, "SET_DEVICE_STATUS");
	return get32(r + 8);
}

static uint32_t get_status(struct drv *d)
{
	uint8_t r[ELEM_SIZE];

	request(d, 0, M_GET_STATUS, d->dev, NULL, 0, r, HDR_SIZE + 4, "GET_DEVICE_STATUS");
	return get32(r + 8);
}

/* Reset: status 0, then (bounded) reads until it says 0 (v2 §7). */
static void reset_device(struct drv *d)
{
	uint64_t end = now_ns() + WAIT_NS;
	uint32_t s = set_status(d, 0);

	while (s != 0) {
		if (now_ns() > end)
			die("device status 0x%x, never 0 after a reset", s);
		usleep(1000);
		s = get_status(d);
	}
}

/* GET_CONFIG of @p len bytes (0: a generation read): the generation. */
static uint32_t get_config(struct drv *d, uint32_t off, uint32_t len, uint8_t *out)
{
	uint8_t p[8], r[ELEM_SIZE];

	put32(p, off);
	put32(p + 4, len);
	request(d, 0, M_GET_CONFIG, d->dev, p, 8, r, (uint16_t)(HDR_SIZE + 12 + len), "GET_CONFIG");
	CHECK_EQ(get32(r + 12), off);
	CHECK_EQ(get32(r + 16), len);
	if (len != 0)
		memcpy(out, r + 20, len);
	return get32(r + 8);
}

/* ------------------------------------------------------------------------ */
/* Bring-up (§1.8's sequence)                                                */

struct vq {
	uint16_t size;
	uint64_t desc, avail, used;
	uint16_t avail_idx;  /* next avail.idx to publish */
	uint16_t used_seen;  /* used entries taken */
	uint64_t used_since; /* when the used index was first seen ahead without an event */
};

static struct vq vqs[2];

static void bus_get_devices(struct drv *d)
{
	uint8_t p[4], r[ELEM_SIZE];
	uint16_t off, num, next, bm;
	uint32_t i, found = 0;

	put16(p, 0);
	put16(p + 2, 32);
	/* The response: 8 + 6 + 4 bitmap bytes in both profiles (offset 0, 32 devices). */
	request(d, T_BUS, B_GET_DEVICES, 0, p, 4, r, HDR_SIZE + 6 + 4, "bus GET_DEVICES");
	off = get16(r + 8);
	if (d->prev2) {
		num = get16(r + 10);
		next = get16(r + 12);
	} else {
		next = get16(r + 10);
		num = get16(r + 12);
	}
	/* The Linux driver requires offset 0 and 32 devices back. */
	CHECK_EQ(off, 0);
	CHECK_EQ(num, 32);
	CHECK_EQ(next, 0);
	bm = 6;
	for (i = 0; i < 32; i++) {
		if (r[HDR_SIZE + bm + i / 8] & (1u << (i % 8))) {
			if (found++ == 0)
				d->dev = (uint16_t)i;
		}
	}
	if (found != 1)
		die("bus GET_DEVICES: %u devices, want the one port", found);
	/* vmsg-fwd's default device number. */
	CHECK_EQ(d->dev, 1);
}

static void device_info(struct drv *d, uint32_t *max_vq)
{
	uint8_t r[ELEM_SIZE];
	uint32_t nfeat, cfg;

	if (d->prev2) {
		request(d, 0, M_DEVICE_INFO, d->dev, NULL, 0, r, HDR_SIZE + 24, "DEVICE_INFO");
		nfeat = get32(r + 16);
		/* The Linux driver requires 64 feature bits. */
		if (nfeat != 64)
			die("DEVICE_INFO: %u feature bits, the Linux driver requires 64", nfeat);
		cfg = get32(r + 20);
		*max_vq = get32(r + 24);
		CHECK_EQ(get16(r + 28), 0);
		CHECK_EQ(get16(r + 30), 0);
	} else {
		request(d, 0, M_DEVICE_INFO, d->dev, NULL, 0, r, HDR_SIZE + 44, "DEVICE_INFO");
		nfeat = get32(r + 32);
		CHECK(nfeat >= 2);
		cfg = get32(r + 36);
		*max_vq = get32(r + 40);
		CHECK_EQ(get32(r + 44), 0);
		CHECK_EQ(get32(r + 48), 0);
	}
	CHECK_EQ(get32(r + 8), VIRTIO_ID_NET);
	CHECK(cfg >= 6);
	if (*max_vq < 2)
		die("DEVICE_INFO: %u virtqueues", *max_vq);
}

static uint64_t features(struct drv *d)
{
	uint8_t p[16], r[ELEM_SIZE];
	uint64_t offered, want;

	put32(p, 0);
	put32(p + 4, 2);
	request(d, 0, M_GET_FEATURES, d->dev, p, 8, r, HDR_SIZE + 16, "GET_DEVICE_FEATURES");
	CHECK_EQ(get32(r + 8), 0);
	CHECK_EQ(get32(r + 12), 2);
	offered = get32(r + 16) | (uint64_t)get32(r + 20) << 32;
	if (!(offered & (1ull << F_VERSION_1)))
		die("the device does not offer VERSION_1 (0x%" PRIx64 ")", offered);
	want = (1ull << F_VERSION_1) | (offered & (1ull << F_NET_MAC));
	put32(p, 0);
	put32(p + 4, 2);
	put32(p + 8, (uint32_t)want);
	put32(p + 12, (uint32_t)(want >> 32));
	request(d, 0, M_SET_FEATURES, d->dev, p, 16, r, HDR_SIZE, "SET_DRIVER_FEATURES");
	return want;
}

/* The MAC as the Linux driver reads it: one byte per request, generations around. */
static void read_mac(struct drv *d, uint8_t mac[6])
{
	uint32_t g0, g1, i, tries = 0;

	do {
		if (tries++ == 10)
			die("config generation never stable");
		g0 = get_config(d, 0, 0, NULL);
		for (i = 0; i < 6; i++)
			get_config(d, i, 1, mac + i);
		g1 = get_config(d, 0, 0, NULL);
	} while (g0 != g1);
}

static void vq_setup(struct drv *d, uint32_t q)
{
	struct vq *v = &vqs[q];
	uint8_t p[40], r[ELEM_SIZE];
	uint32_t max;

	put32(p, q);
	request(d, 0, M_GET_VQUEUE, d->dev, p, 4, r, d->prev2 ? HDR_SIZE + 36 : HDR_SIZE + 40,
		"GET_VQUEUE");
	CHECK_EQ(get32(r + 8), q);
	max = get32(r + 12); /* all the Linux driver reads */
	if (max == 0)
		die("queue %u: max_size 0", q);
	v->size = (uint16_t)(max < QSIZE_MAX ? max : QSIZE_MAX);
	v->desc = RING_ADDR(q);
	v->avail = v->desc + 0x1000;
	v->used = v->desc + 0x2000;
	memset(d->ram + v->desc, 0, 0x3000);
	memset(p, 0, sizeof(p));
	put32(p, q);
	put32(p + 8, v->size);
	if (d->prev2) {
		/* index, unused 0, size, desc @12, driver @20, device @28 */
		put64(p + 12, v->desc);
		put64(p + 20, v->avail);
		put64(p + 28, v->used);
		request(d, 0, M_SET_VQUEUE, d->dev, p, 36, r, HDR_SIZE, "SET_VQUEUE");
	} else {
		/* index, flags (op 1: enable), size, reserved, desc @16, driver @24, device @32 */
		put32(p + 4, 1);
		put64(p + 16, v->desc);
		put64(p + 24, v->avail);
		put64(p + 32, v->used);
		request(d, 0, M_SET_VQUEUE, d->dev, p, 40, r, HDR_SIZE, "SET_VQUEUE");
	}
}

/* ------------------------------------------------------------------------ */
/* Split virtqueues in the RAM file (virtio 1.x §2.7)                        */

static void desc_put(struct drv *d, struct vq *v, uint16_t i, uint64_t addr, uint32_t len,
		     uint16_t flags)
{
	uint8_t *e = d->ram + v->desc + 16u * i;

	put64(e, addr);
	put32(e + 8, len);
	put16(e + 12, flags);
	put16(e + 14, 0);
}

static void avail_add(struct drv *d, struct vq *v, uint16_t id)
{
	put16(d->ram + v->avail + 4 + 2u * (v->avail_idx % v->size), id);
	v->avail_idx++;
}

/* The ring entries before the index (release). */
static void avail_publish(struct drv *d, struct vq *v)
{
	shared_store16(d->ram + v->avail + 2, v->avail_idx);
}

static uint16_t used_idx(struct drv *d, const struct vq *v)
{
	return shared_load16(d->ram + v->used + 2);
}

static void event_avail(struct drv *d, uint32_t q)
{
	uint8_t f[ELEM_SIZE];

	/* An event: token 0, no response; next_offset 0 (no NOTIFICATION_DATA). */
	hdr_put(f, 0, M_EVENT_AVAIL, d->dev, 0, HDR_SIZE + 8);
	put32(f + 8, q);
	put32(f + 12, 0);
	link_send(&d->l, f, HDR_SIZE + 8);
}

/* ------------------------------------------------------------------------ */
/* Traffic                                                                   */

static const uint8_t dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t src_mac[6] = { 0x02, 0, 0, 0, 0, 0xfe };

static uint32_t frame_len(uint64_t seq)
{
	if (seq % 50 == 0)
		return MAX_FRAME;
	if (seq % 50 == 1)
		return MIN_FRAME;
	return MIN_FRAME +
	       (uint32_t)((seq * 0x9E3779B97F4A7C15ull >> 40) % (MAX_FRAME - MIN_FRAME + 1));
}

/* Ethernet header, local ethertype 0x88B5, sequence, length, then a pattern. */
static void frame_fill(uint8_t *f, uint64_t seq, uint32_t len)
{
	uint32_t i;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x88;
	f[13] = 0xB5;
	put64(f + 14, seq);
	put32(f + 22, len);
	for (i = 26; i < len; i++)
		f[i] = (uint8_t)(seq * 31u + i * 7u);
}

struct traffic {
	uint64_t n, sent, recv, bytes, bad;
	uint16_t tx_free[QSIZE_MAX], ntx_free;
	/* A transmit chain by its head: its length and descriptors (ours, not the ring's). */
	uint8_t tx_chain_len[QSIZE_MAX];
	uint16_t tx_chain[QSIZE_MAX][3];
	uint8_t rx_out[QSIZE_MAX]; /* 1: posted to the device */
};

static void rx_post_all(struct drv *d, struct traffic *t)
{
	struct vq *v = &vqs[RXQ];
	uint16_t i;

	for (i = 0; i < v->size; i++) {
		desc_put(d, v, i, RX_BUF(i), BUF_SIZE, DESC_F_WRITE);
		avail_add(d, v, i);
		t->rx_out[i] = 1;
	}
	avail_publish(d, v);
	event_avail(d, RXQ);
}

/* Takes the used receive buffers: checks each frame, posts the buffer again. */
static void rx_reap(struct drv *d, struct traffic *t)
{
	static uint8_t exp[MAX_FRAME];
	struct vq *v = &vqs[RXQ];
	uint16_t u = used_idx(d, v), n = 0;

	if ((uint16_t)(u - v->used_seen) > v->size)
		die("rx used index %u, %u entries ahead", u, (uint16_t)(u - v->used_seen));
	while (v->used_seen != u) {
		const uint8_t *e = d->ram + v->used + 4 + 8u * (v->used_seen % v->size);
		uint32_t id = get32(e), len = get32(e + 4), flen, want;
		const uint8_t *b;

		if (id >= v->size || !t->rx_out[id])
			die("rx used id %u not posted", id);
		t->rx_out[id] = 0;
		b = d->ram + RX_BUF(id);
		want = frame_len(t->recv);
		if (len < NET_HDR || len > BUF_SIZE)
			die("rx used len %u", len);
		flen = len - NET_HDR;
		/* The header: nothing offloaded, one buffer (no MRG_RXBUF). */
		if (b[0] != 0 || b[1] != 0 || get16(b + 10) != 1) {
			fprintf(stderr, "rx %" PRIu64 ": header flags %u gso %u num_buffers %u\n",
				t->recv, b[0], b[1], get16(b + 10));
			t->bad++;
		}
		frame_fill(exp, t->recv, want);
		if (flen != want || memcmp(b + NET_HDR, exp, want) != 0) {
			if (t->bad++ < 5)
				fprintf(stderr,
					"rx %" PRIu64
					": bad frame (len %u, want %u, seq in it %" PRIu64 ")\n",
					t->recv, flen, want,
					flen >= 22 ? get64(b + NET_HDR + 14) : 0);
		}
		t->bytes += flen;
		t->recv++;
		v->used_seen++;
		/* Recycle. */
		desc_put(d, v, (uint16_t)id, RX_BUF(id), BUF_SIZE, DESC_F_WRITE);
		avail_add(d, v, (uint16_t)id);
		t->rx_out[id] = 1;
		n++;
	}
	if (n != 0) {
		avail_publish(d, v);
		event_avail(d, RXQ);
	}
}

static void tx_reap(struct drv *d, struct traffic *t)
{
	struct vq *v = &vqs[TXQ];
	uint16_t u = used_idx(d, v);

	if ((uint16_t)(u - v->used_seen) > v->size)
		die("tx used index %u, %u entries ahead", u, (uint16_t)(u - v->used_seen));
	while (v->used_seen != u) {
		const uint8_t *e = d->ram + v->used + 4 + 8u * (v->used_seen % v->size);
		uint32_t id = get32(e), i;

		if (id >= v->size || t->tx_chain_len[id] == 0)
			die("tx used id %u not posted", id);
		for (i = 0; i < t->tx_chain_len[id]; i++)
			t->tx_free[t->ntx_free++] = t->tx_chain[id][i];
		t->tx_chain_len[id] = 0;
		v->used_seen++;
	}
}

static void tx_some(struct drv *d, struct traffic *t)
{
	struct vq *v = &vqs[TXQ];
	uint32_t k = 0;

	/*
	 * As Linux's virtio-net transmits: the header pushed in front of the
	 * frame (one descriptor), or in a descriptor of its own, the frame
	 * after it in one or two more (a linear part and a fragment).
	 */
	while (k < TX_BATCH && t->sent < t->n && t->sent - t->recv < WINDOW && t->ntx_free >= 3) {
		static uint8_t f[MAX_FRAME];
		uint32_t len = frame_len(t->sent),
			 nd = (uint32_t)(t->sent % 4 == 3 ? 1 : t->sent % 4 + 1);
		uint32_t part[3], i, at = 0;
		uint16_t id[3];

		frame_fill(f, t->sent, len);
		if (nd == 3 && len < 2 * MIN_FRAME)
			nd = 2;
		part[0] = nd == 1 ? NET_HDR + len : NET_HDR;
		part[1] = nd == 2 ? len : MIN_FRAME;
		part[2] = len - MIN_FRAME;
		for (i = 0; i < nd; i++)
			id[i] = t->tx_free[--t->ntx_free];
		for (i = 0; i < nd; i++) {
			uint8_t *b = d->ram + TX_BUF(id[i]);

			if (i == 0) {
				memset(b, 0, NET_HDR);
				memcpy(b + NET_HDR, f, part[0] - NET_HDR);
				at = part[0] - NET_HDR;
			} else {
				memcpy(b, f + at, part[i]);
				at += part[i];
			}
			desc_put(d, v, id[i], TX_BUF(id[i]), part[i], i + 1 < nd ? DESC_F_NEXT : 0);
			if (i + 1 < nd)
				put16(d->ram + v->desc + 16u * id[i] + 14, id[i + 1]);
			t->tx_chain[id[0]][i] = id[i];
		}
		t->tx_chain_len[id[0]] = (uint8_t)nd;
		avail_add(d, v, id[0]);
		t->sent++;
		k++;
	}
	if (k != 0) {
		avail_publish(d, v);
		event_avail(d, TXQ);
	}
}

/*
 * A used index ahead of what was taken with no EVENT_USED after it, for
 * longer than EVENT_NS: the device forgot the event (the Linux driver would
 * wait forever).
 */
static void watch_used(struct drv *d, uint32_t q)
{
	struct vq *v = &vqs[q];
	uint64_t now = now_ns();

	if (used_idx(d, v) == v->used_seen) {
		v->used_since = 0;
		return;
	}
	if (v->used_since == 0)
		v->used_since = now;
	else if (now - v->used_since > EVENT_NS)
		die("queue %u: used index %u ahead of %u for %llu ms with no EVENT_USED", q,
		    used_idx(d, v), v->used_seen, EVENT_NS / 1000000ull);
}

static void traffic_run(struct drv *d, struct traffic *t)
{
	uint64_t last = now_ns(), progress = 0;
	uint32_t q;

	for (q = 0; q < vqs[TXQ].size; q++)
		t->tx_free[t->ntx_free++] = (uint16_t)q;
	rx_post_all(d, t);
	while (t->recv < t->n) {
		tx_some(d, t);
		pump(d);
		/* Used buffers only on EVENT_USED, as the Linux driver takes them. */
		if (ev.used[TXQ] != 0) {
			ev.used[TXQ] = 0;
			tx_reap(d, t);
		}
		if (ev.used[RXQ] != 0) {
			ev.used[RXQ] = 0;
			rx_reap(d, t);
		}
		watch_used(d, RXQ);
		watch_used(d, TXQ);
		link_check_peer(&d->l);
		if (t->recv + t->sent != progress) {
			progress = t->recv + t->sent;
			last = now_ns();
		} else if (now_ns() - last > WAIT_NS) {
			die("no progress for %llu s: sent %" PRIu64 ", received %" PRIu64
			    ", rx used %u/%u, tx used %u/%u",
			    WAIT_NS / 1000000000ull, t->sent, t->recv, used_idx(d, &vqs[RXQ]),
			    vqs[RXQ].used_seen, used_idx(d, &vqs[TXQ]), vqs[TXQ].used_seen);
		} else {
			sched_yield();
		}
	}
	/* The last transmit buffers come back too. */
	last = now_ns();
	while (t->ntx_free < vqs[TXQ].size) {
		pump(d);
		if (ev.used[TXQ] != 0) {
			ev.used[TXQ] = 0;
			tx_reap(d, t);
		}
		watch_used(d, TXQ);
		if (now_ns() - last > WAIT_NS)
			die("%u transmit buffers never used", vqs[TXQ].size - t->ntx_free);
		sched_yield();
	}
}

/* ------------------------------------------------------------------------ */
/* One run                                                                   */

static uint64_t scaled(uint64_t n)
{
	const char *s = getenv("VMSG_STRESS_SCALE");

	return s != NULL && strcmp(s, "small") == 0 ? n / 20 : n;
}

/*
 * One life of the driver on a link the device already laid out: the
 * handshake, the bring-up, @p npkts checked frames; then, when @p clean,
 * Linux's shutdown (status 0, own queue head SHUTDOWN), else nothing: the
 * guest died, and its next life finds the device still running. That life
 * (@p after_crash) stays 10 ms in INIT, so that the device sees it there
 * (doc/ring.md, the INIT grace) and counts the loss once.
 */
static void session(struct drv *d, struct traffic *t, uint64_t npkts, int clean, int after_crash)
{
	uint32_t max_vq, s, q;
	uint8_t mac[6];
	uint64_t feat;

	memset(t, 0, sizeof(*t));
	memset(&ev.used, 0, sizeof(ev.used));
	memset(vqs, 0, sizeof(vqs));
	t->n = npkts;

	/* 2. The link. */
	link_up(&d->l, after_crash ? 10000 : 0);

	/* 3. The bus and the device, in the Linux driver's order. */
	bus_get_devices(d);
	device_info(d, &max_vq);
	reset_device(d);
	CHECK_EQ(set_status(d, S_ACK), S_ACK);
	CHECK_EQ(set_status(d, S_ACK | S_DRIVER), S_ACK | S_DRIVER);
	feat = features(d);
	set_status(d, S_ACK | S_DRIVER | S_FEATURES_OK);
	s = get_status(d);
	if (!(s & S_FEATURES_OK))
		die("FEATURES_OK refused (status 0x%x, features 0x%" PRIx64 ")", s, feat);
	if (feat & (1ull << F_NET_MAC)) {
		read_mac(d, mac);
		CHECK_MEM(mac, dst_mac, 6);
	}
	for (q = 0; q < 2; q++)
		vq_setup(d, q);
	s = set_status(d, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	if ((s & (S_DRIVER_OK | S_NEEDS_RESET | S_FAILED)) != S_DRIVER_OK)
		die("DRIVER_OK: status 0x%x", s);

	/* 4. Traffic. */
	traffic_run(d, t);
	CHECK_U64(t->recv, npkts);
	CHECK_U64(t->bad, 0);
	CHECK_U64(ev.stray, 0);

	/* 5. Shutdown as Linux does: status 0, then own queue head SHUTDOWN. */
	if (clean) {
		reset_device(d);
		shared_store16(d->l.drv_qh + 2, QS_SHUTDOWN);
	} else if (d->l.head == 0) {
		/*
		 * A crash with both queues consumed up to element 0 leaves
		 * nothing a device can tell the next life from (doc/ring.md,
		 * "Handshake and restarts"): one more request moves them on,
		 * so that the test counts the loss it expects.
		 */
		(void)get_status(d);
	}
}

/*
 * A run in payload profile @p payloads: vmsg-fwd on new files, then the
 * driver's lives: loaded, unloaded cleanly and loaded again (as rmmod and
 * modprobe do), then a crash and a new life (a guest reset: the driver
 * starts over while the device still runs the old session), unloaded
 * cleanly; vmsg-fwd's totals must add up to all of them.
 */
static void run(const char *payloads, uint64_t npkts)
{
	static const char *const lives[] = { "first", "reloaded", "after a crash" };
	static struct traffic t;
	static struct drv d;
	char port[600];
	char *args[] = { "--port",	   port, "--peer", "0:0", "--mode", "io",
			 "--stats-period", "0",	 NULL };
	uint64_t t0 = now_ns(), pkts = 0, bytes = 0;
	struct fwd_totals tot;
	uint8_t *link;
	uint32_t i;
	int rc;

	memset(&d, 0, sizeof(d));
	memset(&ev, 0, sizeof(ev));
	d.prev2 = strcmp(payloads, "pre-v2") == 0;

	/* 1. The files QEMU would make, and vmsg-fwd on them. */
	if (file_make(link_path, LINK_SIZE) != 0 || file_make(ram_path, RAM_SIZE) != 0)
		die("cannot make the files in /dev/shm");
	link = file_map(link_path, LINK_SIZE);
	d.ram = file_map(ram_path, RAM_SIZE);
	if (link == NULL || d.ram == NULL)
		die("cannot map the files");
	snprintf(port, sizeof(port),
		 "vmsg:bus=amp,file=%s,offset=%u,esize=64,elems=64,layout=v1,payloads=%s,"
		 "mem=%s,notify=event",
		 link_path, LAYOUT_OFF, payloads, ram_path);
	fwd_pid = fwd_start(args);
	d.l.base = link + LAYOUT_OFF;
	d.l.len = LINK_SIZE - LAYOUT_OFF;

	for (i = 0; i < 3; i++) {
		uint64_t t1 = now_ns();

		session(&d, &t, i == 0 ? npkts : npkts / 4, i != 1, i == 2);
		pkts += t.recv;
		bytes += t.bytes;
		if (getenv("VFD_VERBOSE") != NULL)
			printf("  %s life: %" PRIu64 " packets in %.3f s\n", lives[i], t.recv,
			       (double)(now_ns() - t1) / 1e9);
		/* Some time between two lives, as a module reload or a reboot takes. */
		usleep(20000);
	}

	rc = fwd_stop(fwd_pid);
	fwd_pid = 0;
	CHECK_EQ(rc, 0);
	CHECK_EQ(fwd_totals(&tot), 0);
	CHECK_U64(tot.rx, pkts);
	CHECK_U64(tot.rx_bytes, bytes);
	CHECK_U64(tot.tx, pkts);
	CHECK_U64(tot.tx_bytes, bytes);
	CHECK_U64(tot.drops, 0);
	CHECK_U64(tot.broken, 0);
	CHECK_U64(tot.errors, 0);
	CHECK_U64(tot.resets, 0);
	/* Two clean unloads and a crash: three lost drivers. */
	CHECK_U64(tot.lost, 3);
	if (vtest_failures != 0 || getenv("VFD_SHOW") != NULL)
		show_output();
	printf("foreign driver, payloads %s: %" PRIu64 " packets checked (%" PRIu64
	       " bytes) over 3 driver lives, %" PRIu64 " requests, %" PRIu64 "/%" PRIu64
	       " EVENT_USED (rx/tx) in %.2f s; vmsg-fwd totals match\n",
	       payloads, pkts, bytes, d.requests, ev.used_total[RXQ], ev.used_total[TXQ],
	       (double)(now_ns() - t0) / 1e9);
	munmap(link, LINK_SIZE);
	munmap(d.ram, RAM_SIZE);
	unlink(link_path);
	unlink(ram_path);
}

static void cleanup(void)
{
	if (fwd_pid > 0)
		kill(fwd_pid, SIGKILL);
	unlink(link_path);
	unlink(ram_path);
	if (out_path[0] != '\0')
		unlink(out_path);
}

int main(int argc, char **argv)
{
	uint64_t n = scaled(2000);

	if (argc < 2) {
		fprintf(stderr, "usage: %s VMSG_FWD [PACKETS]\n", argv[0]);
		return 2;
	}
	fwd_bin = argv[1];
	if (argc > 2)
		n = strtoull(argv[2], NULL, 0);
	snprintf(link_path, sizeof(link_path), "/dev/shm/vfd_ivshmem_%d", (int)getpid());
	snprintf(ram_path, sizeof(ram_path), "/dev/shm/vfd_ram_%d", (int)getpid());
	snprintf(out_path, sizeof(out_path), "/tmp/vmsg_foreign_%d.out", (int)getpid());
	atexit(cleanup);
	signal(SIGPIPE, SIG_IGN);
	run("pre-v2", n);
	run("v2", n);
	return vtest_done("foreign_driver");
}
