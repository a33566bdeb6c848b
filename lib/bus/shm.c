/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The shm bus backend: two processes sharing one file that holds the bus
 * page, the v1 AMP link layout and the DMA area (ARCHITECTURE.md §2.4a). A
 * thin set-up over the amp backend: the file, the bus page, the futex words
 * in it, and pidfd and heartbeat liveness; the link, its frames and its
 * control path are amp.c's.
 */

#define RTE_VMSG_LOG_PREFIX "bus-shm: "

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_mem.h"
#include "rte_vmsg_ring.h"
#include "amp_priv.h"
#include "link_geom_priv.h"
#include "log_priv.h"
#include "opts_priv.h"
#include "region_priv.h"

#define SHM_DEFAULT_ELEMS 256u
#define SHM_DEFAULT_ESIZE 512u
#define SHM_DEFAULT_DMA ((uint64_t)1 << 20)
#define SHM_ALIGN 4096u
#define SHM_FLAGS_KNOWN                                                                            \
	(RTE_VMSG_BUS_SHM_F_NO_FALLBACK | RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_UNLINK | \
	 RTE_VMSG_BUS_SHM_F_ADOPT | RTE_VMSG_BUS_SHM_F_REUSE | RTE_VMSG_BUS_SHM_F_NUMA |           \
	 RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_GUARD)
#define SHM_MAX_PEER_TIMEOUT_MS 3600000u
/* REUSE of a device in another pid namespace, without a peer timeout: how long its heartbeat is watched. */
#define SHM_REUSE_HB_MS 1000u

/* The page options of the shm file's region, from the bus options. */
static uint32_t shm_page_flags(const struct rte_vmsg_bus_shm_opts *o)
{
	uint32_t f = 0;

	if (o->flags & RTE_VMSG_BUS_SHM_F_NO_FALLBACK)
		f |= RTE_VMSG_REGION_OPT_NO_FALLBACK;
	if (o->flags & RTE_VMSG_BUS_SHM_F_NO_HUGE)
		f |= RTE_VMSG_REGION_OPT_NO_HUGE;
	if (o->flags & RTE_VMSG_BUS_SHM_F_GUARD)
		f |= RTE_VMSG_REGION_OPT_GUARD;
	return f;
}

struct rte_vmsg_bus_shm {
	/* First: the amp ops serve an shm end as they are (same pointer). */
	struct rte_vmsg_bus_amp amp;
	struct rte_vmsg_region *region;
	struct rte_vmsg_shm_bus_page *page;
	struct rte_vmsg_memmap *map; /* the whole file: bus address = file offset */
	uint8_t *dma;
	uint64_t dma_off;
	uint64_t dma_size;
	uint32_t role;
	uint32_t revision;
	uint32_t notify_mode;
	uint64_t features;
	/* Private copies of this side's words in the bus page (never read back). */
	uint64_t heartbeat;
	rte_vmsg_le32 *own_pid;
	rte_vmsg_le32 *own_pidns;
	rte_vmsg_le64 *own_heartbeat;
	const rte_vmsg_le32 *peer_pid;
	const rte_vmsg_le32 *peer_pidns;
	const rte_vmsg_le64 *peer_heartbeat;
	/* Heartbeat watch (peer_timeout_ms != 0). */
	uint64_t peer_timeout_ns;
	uint64_t peer_hb;    /* the peer's heartbeat when last seen to move */
	uint64_t peer_hb_ns; /* rte_vmsg_time_ns() then; 0: not watching */
	int created;	     /* device: this process made the file (a failed create removes it) */
	/* Peer watch. */
	int pidfd;	      /* pidfd on watched_pid, or -1 */
	uint32_t watched_pid; /* pid the pidfd (or the failed open) is about; 0: none */
	uint32_t watched_ns;  /* the pid namespace the peer gave with it */
	uint32_t self_pid;    /* our own pid: a peer in this process is not watched */
	uint32_t self_ns;     /* our pid namespace (shm_pidns()); 0: unknown */
	bool ns_said;	      /* a peer of another pid namespace was logged */
	uint64_t pidfd_deaths;
	uint64_t hb_timeouts;
};

/* rte_vmsg_bus_shm_poll() returns what rte_vmsg_bus_amp_poll() does. */
_Static_assert(RTE_VMSG_BUS_SHM_PEER_LOST == RTE_VMSG_BUS_AMP_PEER_LOST, "one loss bit");

/*
 * The bus parameters of a bus page, read once from shared memory into this
 * private copy: checked, then used, never read again (the peer may write
 * the page at any time).
 */
struct shm_params {
	uint32_t version, revision, max_msg, notify;
	uint64_t features, link_off, link_size, dma_off, dma_size;
	uint32_t rsv_off; /* offset of the first reserved byte that is not 0; 0: none */
	uint32_t rsv_val; /* its value */
};

/* The reserved bytes of the bus page, 0 in this version: [offset, +length). */
static const struct {
	uint16_t off, len;
} shm_reserved[] = {
	{ offsetof(struct rte_vmsg_shm_bus_page, reserved0), 4 },
	{ offsetof(struct rte_vmsg_shm_bus_page, pad1), 48 },
	{ offsetof(struct rte_vmsg_shm_bus_page, pad2), 48 },
	{ offsetof(struct rte_vmsg_shm_bus_page, reserved), RTE_VMSG_SHM_PAGE_SIZE - 320 },
};

static void shm_params_read(const struct rte_vmsg_shm_bus_page *p, struct shm_params *c)
{
	struct rte_vmsg_shm_bus_page head;
	uint8_t *b = (uint8_t *)&head;
	unsigned int i, j;

	/*
	 * One copy of the parameter line (everything before dev_pid) and of
	 * the reserved bytes; not of the live words (pids, heartbeats,
	 * doorbells), which their writers may be changing now.
	 */
	memcpy(&head, p, offsetof(struct rte_vmsg_shm_bus_page, dev_pid));
	for (i = 1; i < sizeof(shm_reserved) / sizeof(shm_reserved[0]); i++)
		memcpy(&b[shm_reserved[i].off], (const uint8_t *)p + shm_reserved[i].off,
		       shm_reserved[i].len);
	c->rsv_off = 0;
	c->rsv_val = 0;
	for (i = 0; i < sizeof(shm_reserved) / sizeof(shm_reserved[0]) && c->rsv_off == 0; i++)
		for (j = shm_reserved[i].off; j < shm_reserved[i].off + shm_reserved[i].len; j++)
			if (b[j] != 0) {
				c->rsv_off = j;
				c->rsv_val = b[j];
				break;
			}
	c->version = rte_vmsg_le32_to_cpu(head.version);
	c->revision = rte_vmsg_le32_to_cpu(head.transport_revision);
	c->max_msg = rte_vmsg_le32_to_cpu(head.max_msg_size);
	c->notify = rte_vmsg_le32_to_cpu(head.notify_mode);
	c->features = rte_vmsg_le64_to_cpu(head.transport_features);
	c->link_off = rte_vmsg_le64_to_cpu(head.link_offset);
	c->link_size = rte_vmsg_le64_to_cpu(head.link_size);
	c->dma_off = rte_vmsg_le64_to_cpu(head.dma_offset);
	c->dma_size = rte_vmsg_le64_to_cpu(head.dma_size);
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* ------------------------------------------------------------------------ */
/* Backend ops: the amp backend's, on the embedded amp end                   */

const struct rte_vmsg_bus_ops *rte_vmsg_bus_shm_ops(void)
{
	return rte_vmsg_bus_amp_ops();
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */

static int shm_opts_get(const struct rte_vmsg_bus_shm_opts *opts, struct rte_vmsg_bus_shm_opts *o)
{
	uint32_t carry;

	if (rte_vmsg__opts_copy(o, sizeof(*o), opts) < 0)
		return -EINVAL;
	if (o->path == NULL || (o->flags & ~SHM_FLAGS_KNOWN) != 0 ||
	    (o->flags & (RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_NO_FALLBACK)) ==
		    (RTE_VMSG_BUS_SHM_F_NO_HUGE | RTE_VMSG_BUS_SHM_F_NO_FALLBACK))
		return -EINVAL;
	if (o->transport_revision == 0)
		o->transport_revision = 1;
	if (o->transport_revision != 1 || o->notify_mode > RTE_VMSG_SHM_NOTIFY_EVENT ||
	    (o->transport_features & ~RTE_VMSG_F_STRICT_CONFIG_GENERATION) != 0)
		return -EINVAL;
	if (o->max_msg_size != 0 &&
	    (o->max_msg_size < RTE_VMSG_MAX_SIZE_MIN || o->max_msg_size > RTE_VMSG_MAX_SIZE_MAX))
		return -EINVAL;
	if (o->peer_timeout_ms > SHM_MAX_PEER_TIMEOUT_MS ||
	    ((o->flags & RTE_VMSG_BUS_SHM_F_NUMA) == 0 && o->numa_node != 0))
		return -EINVAL;
	if (o->role == RTE_VMSG_BUS_DEVICE) {
		if ((o->flags & RTE_VMSG_BUS_SHM_F_ADOPT) != 0 ||
		    (o->flags & (RTE_VMSG_BUS_SHM_F_REUSE | RTE_VMSG_BUS_SHM_F_REPLACE)) ==
			    (RTE_VMSG_BUS_SHM_F_REUSE | RTE_VMSG_BUS_SHM_F_REPLACE))
			return -EINVAL;
		if (o->num_elems == 0)
			o->num_elems = SHM_DEFAULT_ELEMS;
		if (o->elem_size == 0)
			o->elem_size = SHM_DEFAULT_ESIZE;
		if (o->dma_size == 0)
			o->dma_size = SHM_DEFAULT_DMA;
		if (!rte_vmsg__link_elems_ok(o->num_elems) ||
		    !rte_vmsg__link_esize_ok(o->elem_size) ||
		    o->format > RTE_VMSG_LINK_FMT_STAMPED || o->dma_size > ((uint64_t)1 << 40))
			return -EINVAL;
		/* Before the file is touched: what an element of the link carries. */
		carry = o->elem_size -
			(o->format == RTE_VMSG_LINK_FMT_STAMPED ? RTE_VMSG_STAMP_HDR_SIZE : 0u);
		if (o->max_msg_size > carry) {
			RTE_VMSG_LOG(ERR,
				     "%s: max message size %u above the %u bytes a %u-byte element "
				     "carries",
				     o->path, o->max_msg_size, carry, o->elem_size);
			return -EINVAL;
		}
		o->dma_size = align_up(o->dma_size, SHM_ALIGN);
	} else if (o->role == RTE_VMSG_BUS_DRIVER) {
		if (o->num_elems != 0 || o->elem_size != 0 || o->format != 0 ||
		    (o->flags & (RTE_VMSG_BUS_SHM_F_REPLACE | RTE_VMSG_BUS_SHM_F_UNLINK |
				 RTE_VMSG_BUS_SHM_F_REUSE | RTE_VMSG_BUS_SHM_F_NUMA)) != 0)
			return -EINVAL; /* NUMA: the device that creates the file places it */
	} else {
		return -EINVAL;
	}
	return 0;
}

static void shm_set_own_words(struct rte_vmsg_bus_shm *s)
{
	struct rte_vmsg_shm_bus_page *p = s->page;

	if (s->role == RTE_VMSG_BUS_DEVICE) {
		s->own_pid = &p->dev_pid;
		s->own_pidns = &p->dev_pidns;
		s->own_heartbeat = &p->dev_heartbeat;
		s->peer_pid = &p->drv_pid;
		s->peer_pidns = &p->drv_pidns;
		s->peer_heartbeat = &p->drv_heartbeat;
	} else {
		s->own_pid = &p->drv_pid;
		s->own_pidns = &p->drv_pidns;
		s->own_heartbeat = &p->drv_heartbeat;
		s->peer_pid = &p->dev_pid;
		s->peer_pidns = &p->dev_pidns;
		s->peer_heartbeat = &p->dev_heartbeat;
	}
}

/*
 * The link, through the amp backend, at +4 KiB of the file: @p dev (the
 * options of a device end, NULL on a driver end) gives the geometry to lay
 * out. The doorbells are the bus page's futex words in NOTIFY_EVENT mode (we
 * ring the one the peer sleeps on and sleep on ours), none in NOTIFY_POLL;
 * the peer-memory map is the whole file; liveness is shm_live().
 */
static int shm_live(void *arg, int link_state);

static int shm_amp_init(struct rte_vmsg_bus_shm *s, uint64_t link_size, uint32_t max_msg,
			const struct rte_vmsg_bus_shm_opts *dev)
{
	struct rte_vmsg_shm_bus_page *p = s->page;
	struct rte_vmsg_bus_amp_opts ao;
	int rc;

	rc = rte_vmsg_memmap_create(&s->map);
	if (rc == 0)
		rc = rte_vmsg_memmap_add(s->map, s->region);
	if (rc < 0)
		return rc;
	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = s->role;
	ao.region = s->region;
	ao.offset = RTE_VMSG_SHM_PAGE_SIZE;
	ao.size = link_size;
	ao.layout = RTE_VMSG_AMP_LAYOUT_V1;
	if (dev != NULL) {
		ao.num_elems = dev->num_elems;
		ao.elem_size = dev->elem_size;
		ao.format = dev->format;
	}
	ao.max_msg_size = max_msg;
	if (s->notify_mode == RTE_VMSG_SHM_NOTIFY_EVENT) {
		ao.tx_bell.sz = sizeof(ao.tx_bell);
		ao.tx_bell.kind = RTE_VMSG_BELL_FUTEX;
		ao.tx_bell.fd = -1;
		ao.rx_wait = ao.tx_bell;
		ao.tx_bell.shm = (struct rte_vmsg_bell_shm *)(void *)(s->role == RTE_VMSG_BUS_DEVICE
									      ? p->bell_to_drv
									      : p->bell_to_dev);
		ao.rx_wait.shm = (struct rte_vmsg_bell_shm *)(void *)(s->role == RTE_VMSG_BUS_DEVICE
									      ? p->bell_to_dev
									      : p->bell_to_drv);
	}
	ao.map = s->map;
	ao.live = shm_live;
	ao.live_arg = s;
	return rte_vmsg__bus_amp_init(&s->amp, &ao);
}

static int shm_page_check(const struct shm_params *c, uint64_t file_len, const char *path);

#define SHM_DIFFERS(what, have, want)                                                         \
	do {                                                                                  \
		if ((uint64_t)(have) != (uint64_t)(want)) {                                   \
			RTE_VMSG_LOG(ERR,                                                     \
				     "%s: cannot reuse: %s %" PRIu64 " in the file, %" PRIu64 \
				     " in the options (REPLACE lays it out anew)",            \
				     o->path, what, (uint64_t)(have), (uint64_t)(want));      \
			return -EEXIST;                                                       \
		}                                                                             \
	} while (0)

/*
 * This process's pid namespace: the inode number of /proc/self/ns/pid (one
 * nsfs for the whole machine, so the number names the namespace); 0 when
 * it cannot be read or does not fit the bus page's word.
 */
static uint32_t shm_pidns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) != 0 || st.st_ino == 0 || st.st_ino > UINT32_MAX)
		return 0;
	return (uint32_t)st.st_ino;
}

/* Whether a peer's pid can be looked at here: it is in our pid namespace, both known. */
static bool shm_same_pidns(const struct rte_vmsg_bus_shm *s, uint32_t ns)
{
	return ns != 0 && ns == s->self_ns;
}

/*
 * Whether process @p pid runs (in this pid namespace): it exists and is no
 * zombie (a SIGKILLed device its parent has not reaped yet is gone). When
 * /proc cannot tell, it is taken to run.
 */
static int pid_runs(uint32_t pid)
{
	char path[32], buf[96], *st;
	ssize_t n;
	int fd;

	if (pid > INT32_MAX || (kill((pid_t)pid, 0) != 0 && errno == ESRCH))
		return 0;
	snprintf(path, sizeof(path), "/proc/%u/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno != ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 1;
	buf[n] = '\0';
	/* "pid (comm) S ...": the state after the last ')' (comm may hold one). */
	st = strrchr(buf, ')');
	return st == NULL || st[1] != ' ' || (st[2] != 'Z' && st[2] != 'X');
}

/*
 * Whether a device whose pid cannot be looked at (another pid namespace)
 * still runs: its heartbeat moves within @p timeout_ms (the peer timeout of
 * the options; SHM_REUSE_HB_MS without one). A live device polls at least
 * that often (with a timeout, it promised to); one that is gone never bumps
 * it again. Read once per look; waits at most that long.
 */
static bool shm_heartbeat_moves(const rte_vmsg_le64 *hb, uint32_t timeout_ms)
{
	uint64_t first = rte_vmsg_le64_to_cpu(rte_vmsg__read_once(hb));
	uint64_t end = rte_vmsg_time_ns() +
		       (uint64_t)(timeout_ms != 0 ? timeout_ms : SHM_REUSE_HB_MS) * 1000000u;
	struct timespec ts = { 0, 1000000 };

	do {
		if (rte_vmsg_le64_to_cpu(rte_vmsg__read_once(hb)) != first)
			return true;
		nanosleep(&ts, NULL);
	} while (rte_vmsg_time_ns() < end);
	return false;
}

/*
 * RTE_VMSG_BUS_SHM_F_REUSE: whether the existing file can be taken over as
 * it is. 1: its bus page is complete and matches the options (and a driver
 * may be attached: keep it all); 0: no complete bus page (lay it out anew);
 * -EEXIST: a bus page that differs (logged); -EBUSY: the device process it
 * names still runs (logged).
 */
static int shm_reuse_check(const struct rte_vmsg_bus_shm *s, const struct rte_vmsg_bus_shm_opts *o,
			   uint64_t link_size, uint64_t dma_off, uint32_t max_msg)
{
	const uint8_t *base = rte_vmsg_region_addr(s->region);
	const struct rte_vmsg_shm_bus_page *p = (const void *)base;
	uint64_t file_len = rte_vmsg_region_len(s->region);
	uint16_t want_feat = o->format == RTE_VMSG_LINK_FMT_STAMPED ? RTE_VMSG_LAYOUT_F_STAMPED : 0;
	struct rte_vmsg_layout_hdr h;
	struct shm_params c;
	uint32_t pid, ns;

	/* B2: pairs with B1 of the process that made the file (shm_device_init()). */
	if (file_len < RTE_VMSG_SHM_PAGE_SIZE + sizeof(h) ||
	    rte_vmsg_le32_to_cpu(rte_vmsg__load_acquire(&p->magic)) != RTE_VMSG_SHM_MAGIC)
		return 0;
	/* A driver may still be attached: read once, compare the copies. */
	shm_params_read(p, &c);
	memcpy(&h, base + RTE_VMSG_SHM_PAGE_SIZE, sizeof(h));
	if (shm_page_check(&c, file_len, o->path) < 0)
		return -EEXIST;
	SHM_DIFFERS("link size", c.link_size, link_size);
	SHM_DIFFERS("DMA offset", c.dma_off, dma_off);
	SHM_DIFFERS("DMA size", c.dma_size, o->dma_size);
	SHM_DIFFERS("transport revision", c.revision, o->transport_revision);
	SHM_DIFFERS("max message size", c.max_msg, max_msg);
	SHM_DIFFERS("notify mode", c.notify, o->notify_mode);
	SHM_DIFFERS("transport features", c.features, o->transport_features);
	SHM_DIFFERS("elements", rte_vmsg_le16_to_cpu(h.num_queue_elements), o->num_elems);
	SHM_DIFFERS("element size", rte_vmsg_le16_to_cpu(h.size_queue_elements),
		    o->elem_size & 0xffffu);
	SHM_DIFFERS("layout features", rte_vmsg_le16_to_cpu(h.features), want_feat);
	/*
	 * The device that made the file must be gone: taken over from a live
	 * one, two devices would serve the link, each seeing it up.
	 */
	ns = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(&p->dev_pidns));
	pid = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(&p->dev_pid));
	if (pid == 0 || (pid == s->self_pid && shm_same_pidns(s, ns)))
		return 1;
	if (shm_same_pidns(s, ns) ? pid_runs(pid)
				  : shm_heartbeat_moves(&p->dev_heartbeat, o->peer_timeout_ms)) {
		RTE_VMSG_LOG(ERR,
			     "%s: cannot reuse: its device, process %u%s, still runs (REUSE takes "
			     "over the file of a device that is gone)",
			     o->path, pid,
			     shm_same_pidns(s, ns)
				     ? ""
				     : " of another pid namespace (its heartbeat moves)");
		return -EBUSY;
	}
	return 1;
}

static int shm_device_init(struct rte_vmsg_bus_shm *s, const struct rte_vmsg_bus_shm_opts *o)
{
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_shm_bus_page *p;
	uint64_t link_size, dma_off;
	uint32_t carry, max_msg;
	uint8_t *base;
	int rc, keep = 0;

	link_size = rte_vmsg_link_layout_size(o->num_elems, o->elem_size);
	if (link_size == 0)
		return -EINVAL;
	dma_off = align_up(RTE_VMSG_SHM_PAGE_SIZE + link_size, SHM_ALIGN);
	/* What an element carries, and so the max message size announced. */
	carry = o->elem_size -
		(o->format == RTE_VMSG_LINK_FMT_STAMPED ? RTE_VMSG_STAMP_HDR_SIZE : 0u);
	if (carry > RTE_VMSG_MAX_SIZE_MAX)
		carry = RTE_VMSG_MAX_SIZE_MAX;
	max_msg = o->max_msg_size != 0 ? o->max_msg_size : carry;

	if (o->flags & RTE_VMSG_BUS_SHM_F_REUSE) {
		memset(&ro, 0, sizeof(ro));
		ro.sz = sizeof(ro);
		ro.kind = RTE_VMSG_REGION_KIND_FILE;
		ro.flags = RTE_VMSG_REGION_OPT_ATTACH;
		ro.path = o->path;
		ro.flags |= shm_page_flags(o);
		rc = rte_vmsg_region_create(&ro, &s->region);
		if (rc == 0) {
			keep = shm_reuse_check(s, o, link_size, dma_off, max_msg);
			if (keep < 0)
				return keep;
			if (rte_vmsg_region_len(s->region) < dma_off + o->dma_size) {
				RTE_VMSG_LOG(ERR, "%s: cannot reuse: %zu bytes, %" PRIu64 " needed",
					     o->path, rte_vmsg_region_len(s->region),
					     dma_off + o->dma_size);
				return -EEXIST;
			}
			/* Unlinked at destroy only while the name is still this file's. */
			if (o->flags & RTE_VMSG_BUS_SHM_F_UNLINK)
				(void)rte_vmsg__region_unlink_set(s->region, true);
			/* The file keeps the placement of the process that created it. */
			if (o->flags & RTE_VMSG_BUS_SHM_F_NUMA) {
				rc = rte_vmsg_region_numa_node(s->region);
				if (rc >= 0 && (uint32_t)rc != o->numa_node)
					RTE_VMSG_LOG(WARNING,
						     "%s: reused file is on NUMA node %d, not %u",
						     o->path, rc, o->numa_node);
			}
		} else if (rc == -EINVAL) {
			/* The options were checked: the file's size is not one of a bus file. */
			RTE_VMSG_LOG(ERR, "%s: cannot reuse: not a bus file (remove it)", o->path);
			return -EPROTO;
		} else if (rc != -ENOENT) {
			RTE_VMSG_LOG(ERR, "cannot reuse %s: %s", o->path, strerror(-rc));
			return rc;
		}
	}
	if (s->region != NULL)
		goto have_region;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.path = o->path;
	ro.size = (size_t)(dma_off + o->dma_size);
	ro.flags |= shm_page_flags(o);
	if (o->flags & RTE_VMSG_BUS_SHM_F_REPLACE)
		ro.flags |= RTE_VMSG_REGION_OPT_REPLACE;
	if (o->flags & RTE_VMSG_BUS_SHM_F_UNLINK)
		ro.flags |= RTE_VMSG_REGION_OPT_UNLINK;
	if (o->flags & RTE_VMSG_BUS_SHM_F_NUMA) {
		ro.flags |= RTE_VMSG_REGION_OPT_NUMA;
		ro.numa_node = o->numa_node;
	}
	rc = rte_vmsg_region_create(&ro, &s->region);
	if (rc < 0) {
		RTE_VMSG_LOG(ERR, "cannot create %s: %s", o->path, strerror(-rc));
		return rc;
	}
	s->created = 1;
have_region:
	base = rte_vmsg_region_addr(s->region);
	p = (struct rte_vmsg_shm_bus_page *)(void *)base;
	if (!keep) {
		/* A replaced or recycled file may hold an old bus page: no magic until complete. */
		rte_vmsg__write_once(&p->magic, 0);
		memset((uint8_t *)p + sizeof(p->magic), 0, sizeof(*p) - sizeof(p->magic));
	}

	s->page = p;
	s->notify_mode = o->notify_mode;
	rc = shm_amp_init(s, link_size, o->max_msg_size, o);
	if (rc < 0)
		return rc;
	s->revision = o->transport_revision;
	s->features = o->transport_features;
	s->dma_off = dma_off;
	s->dma_size = o->dma_size;
	if (keep) {
		/*
		 * Taking over a complete bus page that says the same: a driver
		 * may be attached and polling. Only our own words change; the
		 * link restarts its handshake (rte_vmsg_link_create() above).
		 */
		rte_vmsg__write_once(&p->dev_heartbeat, rte_vmsg_cpu_to_le64(0));
		rte_vmsg__write_once(&p->dev_pidns, rte_vmsg_cpu_to_le32(s->self_ns));
		rte_vmsg__write_once(&p->dev_pid, rte_vmsg_cpu_to_le32(s->self_pid));
		return 0;
	}

	p->version = rte_vmsg_cpu_to_le32(RTE_VMSG_SHM_VERSION);
	p->transport_revision = rte_vmsg_cpu_to_le32(s->revision);
	p->max_msg_size = rte_vmsg_cpu_to_le32(s->amp.max_msg);
	p->transport_features = rte_vmsg_cpu_to_le64(s->features);
	p->notify_mode = rte_vmsg_cpu_to_le32(s->notify_mode);
	p->link_offset = rte_vmsg_cpu_to_le64(RTE_VMSG_SHM_PAGE_SIZE);
	p->link_size = rte_vmsg_cpu_to_le64(link_size);
	p->dma_offset = rte_vmsg_cpu_to_le64(dma_off);
	p->dma_size = rte_vmsg_cpu_to_le64(s->dma_size);
	p->dev_pidns = rte_vmsg_cpu_to_le32(s->self_ns);
	p->dev_pid = rte_vmsg_cpu_to_le32(s->self_pid);
	p->dev_heartbeat = rte_vmsg_cpu_to_le64(0);
	/*
	 * B1: the bus page and the layout before the magic; pairs with B2 in
	 * shm_driver_init(): a driver that sees the magic sees all of it.
	 */
	rte_vmsg__store_release(&p->magic, rte_vmsg_cpu_to_le32(RTE_VMSG_SHM_MAGIC));
	return 0;
}

#define SHM_REFUSE(fmt, ...)                                                 \
	do {                                                                 \
		RTE_VMSG_LOG(ERR, "%s: refused: " fmt, path, ##__VA_ARGS__); \
		return -EPROTO;                                              \
	} while (0)

static int shm_page_check(const struct shm_params *c, uint64_t file_len, const char *path)
{
	if (c->version != RTE_VMSG_SHM_VERSION)
		SHM_REFUSE("bus page version %u, this library knows %u", c->version,
			   RTE_VMSG_SHM_VERSION);
	if (c->rsv_off != 0)
		SHM_REFUSE("reserved byte at offset %u of the bus page is 0x%02x, not 0",
			   c->rsv_off, c->rsv_val);
	if (c->link_off != RTE_VMSG_SHM_PAGE_SIZE || c->link_size < 64 ||
	    c->link_size > file_len - c->link_off || c->dma_off < c->link_off + c->link_size ||
	    (c->dma_off % SHM_ALIGN) != 0 || c->dma_off > file_len ||
	    c->dma_size > file_len - c->dma_off)
		SHM_REFUSE("layout outside the file: link %" PRIu64 "+%" PRIu64 ", dma %" PRIu64
			   "+%" PRIu64 ", file %" PRIu64,
			   c->link_off, c->link_size, c->dma_off, c->dma_size, file_len);
	if (c->revision != 1)
		SHM_REFUSE("transport revision %u, this library knows 1", c->revision);
	if (c->max_msg < RTE_VMSG_MAX_SIZE_MIN || c->max_msg > RTE_VMSG_MAX_SIZE_MAX)
		SHM_REFUSE("max message size %u outside 52..65535", c->max_msg);
	if (c->notify > RTE_VMSG_SHM_NOTIFY_EVENT)
		SHM_REFUSE("unknown notify mode %u", c->notify);
	if ((c->features & ~RTE_VMSG_F_STRICT_CONFIG_GENERATION) != 0)
		SHM_REFUSE("unknown transport feature bits 0x%" PRIx64, c->features);
	return 0;
}

static int shm_driver_init(struct rte_vmsg_bus_shm *s, const struct rte_vmsg_bus_shm_opts *o)
{
	struct rte_vmsg_region_opts ro;
	struct rte_vmsg_shm_bus_page *p;
	const char *path = o->path;
	struct shm_params c;
	uint64_t file_len;
	uint8_t *base;
	int rc;

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_ATTACH;
	ro.path = path;
	ro.flags |= shm_page_flags(o);
	rc = rte_vmsg_region_create(&ro, &s->region);
	if (rc == -EINVAL) /* the options were checked: the file's size (logged) */
		SHM_REFUSE("not a bus file");
	if (rc < 0)
		return rc;
	base = rte_vmsg_region_addr(s->region);
	file_len = rte_vmsg_region_len(s->region);
	if (file_len < RTE_VMSG_SHM_PAGE_SIZE)
		SHM_REFUSE("file of %" PRIu64 " bytes cannot hold a bus page", file_len);
	p = (struct rte_vmsg_shm_bus_page *)(void *)base;
	/* B2: pairs with B1 in shm_device_init(). */
	if (rte_vmsg_le32_to_cpu(rte_vmsg__load_acquire(&p->magic)) != RTE_VMSG_SHM_MAGIC)
		return -EAGAIN;
	/*
	 * The device writes these once, before the magic, but it is a peer:
	 * read them once into a private copy, check the copy, use only it.
	 */
	shm_params_read(p, &c);
	rc = shm_page_check(&c, file_len, path);
	if (rc < 0)
		return rc;
	s->revision = c.revision;
	s->notify_mode = c.notify;
	s->features = c.features;
	s->dma_off = c.dma_off;
	s->dma_size = c.dma_size;

	if ((o->flags & RTE_VMSG_BUS_SHM_F_ADOPT) == 0) {
		if (o->transport_revision != s->revision)
			SHM_REFUSE("transport revision %u, driver configured for %u", s->revision,
				   o->transport_revision);
		if (o->max_msg_size != 0 && o->max_msg_size != c.max_msg)
			SHM_REFUSE("max message size %u, driver configured for %u", c.max_msg,
				   o->max_msg_size);
		if (o->transport_features != s->features)
			SHM_REFUSE("transport features 0x%" PRIx64
				   ", driver configured for 0x%" PRIx64,
				   s->features, o->transport_features);
		if (o->notify_mode != s->notify_mode)
			SHM_REFUSE("notify mode %u, driver configured for %u", s->notify_mode,
				   o->notify_mode);
	}
	if (o->dma_size != 0 && s->dma_size < o->dma_size)
		SHM_REFUSE("DMA area of %" PRIu64 " bytes, driver needs %" PRIu64, s->dma_size,
			   o->dma_size);

	s->page = p;
	/* amp refuses (-EPROTO, logged) a max message size above what an element carries. */
	return shm_amp_init(s, c.link_size, c.max_msg, NULL);
}

int rte_vmsg_bus_shm_create(const struct rte_vmsg_bus_shm_opts *opts, struct rte_vmsg_bus_shm **out)
{
	struct rte_vmsg_bus_shm_opts o;
	struct rte_vmsg_bus_shm *s;
	int rc;

	if (out == NULL)
		return -EINVAL;
	rc = shm_opts_get(opts, &o);
	if (rc < 0)
		return rc;
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -ENOMEM;
	s->role = o.role;
	s->pidfd = -1;
	s->self_pid = (uint32_t)getpid();
	s->self_ns = shm_pidns();
	if (o.role == RTE_VMSG_BUS_DEVICE)
		rc = shm_device_init(s, &o);
	else
		rc = shm_driver_init(s, &o);
	if (rc < 0)
		goto err;
	s->dma = (uint8_t *)rte_vmsg_region_addr(s->region) + s->dma_off;
	shm_set_own_words(s);
	s->peer_timeout_ns = (uint64_t)o.peer_timeout_ms * 1000000u;
	if (o.role == RTE_VMSG_BUS_DRIVER) {
		rte_vmsg__write_once(s->own_heartbeat, rte_vmsg_cpu_to_le64(0));
		rte_vmsg__write_once(s->own_pidns, rte_vmsg_cpu_to_le32(s->self_ns));
		rte_vmsg__write_once(s->own_pid, rte_vmsg_cpu_to_le32(s->self_pid));
	}
	*out = s;
	return 0;

err:
	rte_vmsg__bus_amp_fini(&s->amp);
	rte_vmsg_memmap_destroy(s->map);
	/* A file made here for nothing goes: a retry must not find it (-EEXIST). */
	if (s->created)
		(void)rte_vmsg__region_unlink_set(s->region, true);
	rte_vmsg_region_destroy(s->region);
	free(s);
	return rc;
}

void rte_vmsg_bus_shm_destroy(struct rte_vmsg_bus_shm *shm)
{
	if (shm == NULL)
		return;
	if (shm->pidfd >= 0)
		close(shm->pidfd);
	rte_vmsg__bus_amp_fini(&shm->amp);
	rte_vmsg_memmap_destroy(shm->map);
	rte_vmsg_region_destroy(shm->region);
	free(shm);
}

/* ------------------------------------------------------------------------ */
/* Control path                                                              */

/*
 * Returns 1 when the watched peer process is known to have exited. Opens a
 * pidfd whenever the peer pid in the bus page changes. A peer in this
 * process (tests) or one whose pid cannot be watched (another pid
 * namespace, no pidfd_open) is left to the link handshake and heartbeats.
 */
static int shm_watch_peer(struct rte_vmsg_bus_shm *s)
{
	uint32_t pid = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(s->peer_pid));
	uint32_t ns = rte_vmsg_le32_to_cpu(rte_vmsg__read_once(s->peer_pidns));
	struct pollfd pfd;
	long fd;

	if (pid != s->watched_pid || ns != s->watched_ns) {
		if (s->pidfd >= 0)
			close(s->pidfd);
		s->pidfd = -1;
		s->watched_pid = pid;
		s->watched_ns = ns;
		if (pid == 0 || pid > INT32_MAX)
			return 0;
		if (!shm_same_pidns(s, ns)) {
			/*
			 * Its pid names another process here, or none: only
			 * the heartbeat can tell that it is gone. Said once
			 * (the words are the peer's: it may change them often).
			 */
			if (s->ns_said)
				return 0;
			s->ns_said = true;
			if (s->peer_timeout_ns == 0)
				RTE_VMSG_LOG(WARNING,
					     "peer pid %u is in another pid namespace: without "
					     "peer_timeout_ms its death goes unnoticed",
					     pid);
			else
				RTE_VMSG_LOG(INFO,
					     "peer pid %u is in another pid namespace: watched "
					     "by its heartbeat",
					     pid);
			return 0;
		}
		if (pid == s->self_pid)
			return 0;
		fd = syscall(SYS_pidfd_open, (pid_t)pid, 0u);
		if (fd < 0) {
			if (errno == ESRCH)
				return 1;
			RTE_VMSG_LOG(WARNING, "cannot watch peer pid %u: %s", pid, strerror(errno));
			return 0;
		}
		s->pidfd = (int)fd;
	}
	if (s->pidfd < 0)
		return 0;
	pfd.fd = s->pidfd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) <= 0 || (pfd.revents & (POLLIN | POLLHUP | POLLERR)) == 0)
		return 0;
	/* Exited: stop watching this pid; a restarted peer writes its new pid. */
	close(s->pidfd);
	s->pidfd = -1;
	return 1;
}

/*
 * Returns 1 when the peer's heartbeat has stood still for peer_timeout_ns
 * while the link was up. The clock starts when the link comes up, and again
 * at each move of the heartbeat.
 */
static int shm_watch_heartbeat(struct rte_vmsg_bus_shm *s, int link_state)
{
	uint64_t hb, now;

	if (s->peer_timeout_ns == 0 || link_state != RTE_VMSG_LINK_UP) {
		s->peer_hb_ns = 0;
		return 0;
	}
	hb = rte_vmsg_le64_to_cpu(rte_vmsg__read_once(s->peer_heartbeat));
	now = rte_vmsg_time_ns();
	if (s->peer_hb_ns == 0 || hb != s->peer_hb) {
		s->peer_hb = hb;
		s->peer_hb_ns = now;
		return 0;
	}
	if (now - s->peer_hb_ns < s->peer_timeout_ns)
		return 0;
	s->peer_hb_ns = 0;
	return 1;
}

/*
 * The liveness source of the amp end, run at each pass of its control path
 * before the handshake: bumps our heartbeat and watches the peer. 1 when
 * the peer is known gone (amp marks the link PEER_DEAD and reports the loss
 * once).
 */
static int shm_live(void *arg, int link_state)
{
	struct rte_vmsg_bus_shm *shm = arg;

	shm->heartbeat++;
	rte_vmsg__write_once(shm->own_heartbeat, rte_vmsg_cpu_to_le64(shm->heartbeat));

	if (shm_watch_peer(shm)) {
		shm->pidfd_deaths++;
		if (!shm->amp.lost)
			RTE_VMSG_LOG(WARNING, "peer pid %u exited", shm->watched_pid);
		return 1;
	}
	if (shm_watch_heartbeat(shm, link_state)) {
		shm->hb_timeouts++;
		RTE_VMSG_LOG(WARNING, "peer heartbeat still for %" PRIu64 " ms: peer lost",
			     shm->peer_timeout_ns / 1000000u);
		return 1;
	}
	return 0;
}

int rte_vmsg_bus_shm_poll(struct rte_vmsg_bus_shm *shm)
{
	if (shm == NULL)
		return -EINVAL;
	return rte_vmsg_bus_amp_poll(&shm->amp);
}

int rte_vmsg_bus_shm_wait(struct rte_vmsg_bus_shm *shm, uint64_t timeout_ns)
{
	if (shm == NULL)
		return -EINVAL;
	return rte_vmsg_bus_amp_wait(&shm->amp, timeout_ns);
}

/* ------------------------------------------------------------------------ */
/* Getters                                                                   */

int rte_vmsg_bus_shm_bus_opts(const struct rte_vmsg_bus_shm *shm, struct rte_vmsg_bus_opts *bo)
{
	if (shm == NULL || bo == NULL)
		return -EINVAL;
	bo->role = shm->role;
	bo->transport_revision = shm->revision;
	bo->max_msg_size = shm->amp.max_msg;
	bo->transport_features = shm->features;
	return 0;
}

int rte_vmsg_bus_shm_dma(const struct rte_vmsg_bus_shm *shm, void **addr, uint64_t *bus_addr,
			 uint64_t *size)
{
	if (shm == NULL)
		return -EINVAL;
	if (addr != NULL)
		*addr = shm->dma;
	if (bus_addr != NULL)
		*bus_addr = rte_vmsg_region_bus_addr(shm->region) + shm->dma_off;
	if (size != NULL)
		*size = shm->dma_size;
	return 0;
}

struct rte_vmsg_region *rte_vmsg_bus_shm_region(const struct rte_vmsg_bus_shm *shm)
{
	return shm == NULL ? NULL : shm->region;
}

const struct rte_vmsg_shm_bus_page *rte_vmsg_bus_shm_page(const struct rte_vmsg_bus_shm *shm)
{
	return shm == NULL ? NULL : shm->page;
}

struct rte_vmsg_link *rte_vmsg_bus_shm_link(const struct rte_vmsg_bus_shm *shm)
{
	return shm == NULL ? NULL : shm->amp.link;
}

int rte_vmsg_bus_shm_stats_get(const struct rte_vmsg_bus_shm *shm,
			       struct rte_vmsg_bus_shm_stats *st)
{
	struct rte_vmsg_bus_amp_stats as;

	if (shm == NULL || st == NULL)
		return -EINVAL;
	(void)rte_vmsg_bus_amp_stats_get(&shm->amp, &as);
	memset(st, 0, sizeof(*st));
	st->tx_frames = as.tx_frames;
	st->tx_full = as.tx_full;
	st->tx_notconn = as.tx_notconn;
	st->rx_frames = as.rx_frames;
	st->rx_garbage = as.rx_garbage;
	st->peer_lost = as.peer_lost;
	st->pidfd_deaths = shm->pidfd_deaths;
	st->hb_timeouts = shm->hb_timeouts;
	st->bell_kicks = as.bell_kicks;
	st->bell_sleeps = as.bell_sleeps;
	st->link_breaks = as.link_breaks;
	st->link_recoveries = as.link_recoveries;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* One-call bring-up                                                         */

#define SHM_OPEN_WAIT_NS 10000000000ull

static int shm_open_cancelled(const struct rte_vmsg_bus_shm_open_opts *o)
{
	return o->cancel != NULL && o->cancel(o->cancel_arg) != 0;
}

int rte_vmsg_bus_shm_open(const struct rte_vmsg_bus_shm_opts *so,
			  const struct rte_vmsg_bus_shm_open_opts *oo,
			  struct rte_vmsg_bus_shm **shm, struct rte_vmsg_bus **bus)
{
	struct rte_vmsg_bus_shm_open_opts o;
	struct timespec nap = { 0, 1000000 };
	struct rte_vmsg_bus_shm *s = NULL;
	struct rte_vmsg_bus *b = NULL;
	struct rte_vmsg_bus_opts bo;
	uint64_t end, wait, now;
	int rc;

	if (so == NULL || shm == NULL || bus == NULL)
		return -EINVAL;
	memset(&o, 0, sizeof(o));
	if (oo != NULL) {
		if (rte_vmsg__opts_copy(&o, sizeof(o), oo) < 0)
			return -EINVAL;
		if ((o.flags & ~RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT) != 0 ||
		    ((o.flags & RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT) != 0 && o.wait_ns != 0))
			return -EINVAL;
	}
	wait = o.wait_ns;
	if (wait == 0 && so->role == RTE_VMSG_BUS_DRIVER &&
	    (o.flags & RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT) == 0)
		wait = SHM_OPEN_WAIT_NS;
	end = rte_vmsg_time_ns() + wait;

	/* The device creates the file: a driver waits for it and its bus page. */
	for (;;) {
		rc = rte_vmsg_bus_shm_create(so, &s);
		if (rc == 0 || so->role != RTE_VMSG_BUS_DRIVER || (rc != -ENOENT && rc != -EAGAIN))
			break;
		if (rte_vmsg_time_ns() >= end)
			break; /* -ENOENT or -EAGAIN says which step did not come */
		if (shm_open_cancelled(&o))
			return -ECANCELED;
		nanosleep(&nap, NULL);
	}
	if (rc < 0)
		return rc;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.max_inflight = o.max_inflight;
	bo.timeout_ns = o.timeout_ns;
	rc = rte_vmsg_bus_shm_bus_opts(s, &bo);
	if (rc == 0)
		rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_shm_ops(), s, &b);
	if (rc == 0 && wait != 0) {
		now = rte_vmsg_time_ns();
		rc = rte_vmsg_bus_wait_connected(b, now < end ? end - now : 0, o.cancel,
						 o.cancel_arg);
	}
	if (rc < 0) {
		rte_vmsg_bus_shm_close(s, b);
		return rc;
	}
	*shm = s;
	*bus = b;
	return 0;
}

void rte_vmsg_bus_shm_close(struct rte_vmsg_bus_shm *shm, struct rte_vmsg_bus *bus)
{
	rte_vmsg_bus_destroy(bus);
	rte_vmsg_bus_shm_destroy(shm);
}
