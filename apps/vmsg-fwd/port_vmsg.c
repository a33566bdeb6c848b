/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd: virtio-net ports over an shm bus or a bare AMP link (bus=amp,
 * port_amp.c), in the device role (this process creates the file, or lays
 * the link out in one, and an APP-backend virtio-net device) or the driver
 * role (it attaches an existing file and drives the device in it).
 * The control path (bus polls, bring-up, resets, lost peers) runs on the
 * main thread; the burst calls run on the pair threads.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fwd.h"

#define LINK_WAIT_NS 1000000000ull	 /* driver: link not up for this long: look at the file */
#define PCIE_LINK_WAIT_NS 10000000000ull /* ... for a card (its open waited for the link) */
#define ATTACH_RETRY_NS 200000000ull	 /* driver: between attach attempts */
#define INIT_RETRY_NS 1000000000ull	 /* driver: after a failed bring-up ... */
#define INIT_RETRY_MAX_NS 8000000000ull	 /* ... doubled while it fails the same way, to this */

static __attribute__((format(printf, 2, 3))) void say(const struct fwd_port *p, const char *fmt,
						      ...)
{
	va_list ap;

	printf("port %u: ", p->index);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* The file name as given, or under /dev/shm with --hugepages none. */
static void resolve(const struct fwd_cfg *cfg, const struct fwd_port *p, char *buf, size_t cap)
{
	if (strcmp(cfg->hugepages, "none") == 0 && strchr(p->file, '/') == NULL)
		snprintf(buf, cap, "/dev/shm/%s", p->file);
	else
		snprintf(buf, cap, "%s", p->file);
}

/*
 * The shm end and its bus, with the page options of --hugepages (none asks
 * for plain shared memory, no warning; require for hugepages or nothing),
 * without waiting (the main loop serves every port): a driver-role port
 * retries on -ENOENT / -EAGAIN and its link comes up in the bus poll. The
 * file's path is recorded.
 */
static int shm_open(const struct fwd_cfg *cfg, struct rte_vmsg_bus_shm_opts *so, struct fwd_port *p)
{
	struct rte_vmsg_bus_shm_open_opts oo;
	int rc;

	so->peer_timeout_ms = p->peer_timeout_ms; /* the peer's heartbeat in the bus page */
	if (strcmp(cfg->hugepages, "none") == 0)
		so->flags |= RTE_VMSG_BUS_SHM_F_NO_HUGE;
	else if (strcmp(cfg->hugepages, "require") == 0)
		so->flags |= RTE_VMSG_BUS_SHM_F_NO_FALLBACK;
	memset(&oo, 0, sizeof(oo));
	oo.sz = sizeof(oo);
	oo.flags = RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT;
	rc = rte_vmsg_bus_shm_open(so, &oo, &p->shm, &p->bus);
	if (rc == 0)
		snprintf(p->path, sizeof(p->path), "%s",
			 rte_vmsg_region_path(rte_vmsg_bus_shm_region(p->shm)));
	return rc;
}

static uint64_t dma_bytes(const struct fwd_port *p)
{
	uint64_t txbuf = ((uint64_t)p->mtu + 12u + 18u + 63u) & ~63ull;
	/* lib/net's driver keeps a pair's buffers in one pool of the larger size. */
	uint64_t per_q = (uint64_t)p->qsize * (2u * (txbuf > 2048u ? txbuf : 2048u) + 64u);

	/*
	 * zerocopy=1: a net_vmsg driver with zerocopy=1 keeps its mbufs' data
	 * in the DMA area too: three per queue entry and its caches, each a
	 * 128-byte headroom and 2 KiB or a frame (drivers/net_vmsg, zc_pool()).
	 */
	if (p->zerocopy)
		per_q += (3ull * p->qsize + 1024u) * (128u + (txbuf > 2048u ? txbuf : 2048u));
	/* Both queues of every pair (rings and buffers), the control queue, slack. */
	return (uint64_t)p->qp * per_q + (1ull << 20);
}

static int dev_open(struct fwd_cfg *cfg, struct fwd_port *p)
{
	struct rte_vmsg_bus_shm_opts so;
	struct rte_vmsg_net_dev_opts no;
	char path[FWD_PATH_MAX + 16];
	const char *what;
	int rc;

	resolve(cfg, p, path, sizeof(path));
	if (p->bus_kind == FWD_BUS_AMP) {
		rc = fwd_amp_open(cfg, p);
		if (rc == -ENOENT)
			fprintf(stderr,
				FWD_NAME
				": port %u: no such file %s (bus=amp uses a file as it is: "
				"size=N creates a missing one)\n",
				p->index, p->file);
		if (rc < 0)
			return -FWD_EXIT_FAIL;
		goto have_bus;
	}
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DEVICE;
	so.flags = cfg->keep ? 0 : RTE_VMSG_BUS_SHM_F_UNLINK;
	so.dma_size = dma_bytes(p);
	if (p->numa >= 0) {
		/* numa= or --numa-node: the file (bus page, rings, DMA area) goes on that node. */
		so.flags |= RTE_VMSG_BUS_SHM_F_NUMA;
		so.numa_node = (uint32_t)p->numa;
	}
	what = "creating the bus file";
	rc = shm_open(cfg, &so, p);
	if (rc == -EEXIST) {
		fprintf(stderr,
			FWD_NAME ": port %u: %s exists (another process uses it, or it was left "
				 "behind: remove it)\n",
			p->index, path);
		return -FWD_EXIT_FAIL;
	}
	if (rc < 0)
		goto fail;
	p->created = 1;
have_bus:
	memset(&no, 0, sizeof(no));
	no.sz = sizeof(no);
	no.bus = p->bus;
	/*
	 * The driver's addresses: offsets in the file on the shm bus (the
	 * bus's map is the whole file); on a bare link, its mem= files.
	 */
	no.map = rte_vmsg_bus_memmap(p->bus);
	no.dev_num = p->dev_num;
	no.max_queue_pairs = (uint16_t)p->qp;
	no.mtu = p->mtu;
	no.queue_size = p->qsize;
	no.backend = RTE_VMSG_NET_BACKEND_APP;
	no.notify = p->notify;
	no.features = rte_vmsg_net_dev_supported_features() & ~p->ring_off;
	memcpy(no.mac, p->mac, 6);
	what = "creating the virtio-net device";
	rc = rte_vmsg_net_dev_create(&no, &p->ndev);
	if (rc < 0)
		goto fail;
	/* The library's gate keeps the pair calls idle until DRIVER_OK. */
	p->up = 1;
	return 0;
fail:
	fprintf(stderr, FWD_NAME ": port %u (%s): %s: %s\n", p->index, path, what, strerror(-rc));
	if (rc == -ENOMEM)
		fprintf(stderr,
			FWD_NAME ": no free hugepages? (see HugePages_Free in /proc/meminfo, "
				 "or run with --hugepages none)\n");
	return -FWD_EXIT_FAIL;
}

/*
 * Driver role: maps the file and makes the bus. 0, -EAGAIN (retry) or
 * -errno. A card: opened at once at start-up; on the control path in a
 * thread that waits for it (-EINPROGRESS until it is done).
 */
static int drv_attach(const struct fwd_cfg *cfg, struct fwd_port *p, int startup)
{
	struct rte_vmsg_bus_shm_opts so;
	char path[FWD_PATH_MAX + 16];
	int rc;

	resolve(cfg, p, path, sizeof(path));
	memset(&so, 0, sizeof(so));
	so.sz = sizeof(so);
	so.path = path;
	so.role = RTE_VMSG_BUS_DRIVER;
	so.flags = RTE_VMSG_BUS_SHM_F_ADOPT;
	if (p->bus_kind == FWD_BUS_PCIE)
		rc = startup ? fwd_pcie_open(cfg, p) : fwd_pcie_open_async(p);
	else
		rc = p->bus_kind == FWD_BUS_AMP ? fwd_amp_open(cfg, p) : shm_open(cfg, &so, p);
	if (rc < 0)
		return rc;
	p->connected = 0;
	p->peer_lost_seen = 0;
	p->file_ino = 0;
	if (p->bus_kind != FWD_BUS_PCIE) {
		struct stat st;

		if (stat(p->path, &st) == 0) {
			p->file_dev = (uint64_t)st.st_dev;
			p->file_ino = (uint64_t)st.st_ino;
		}
	}
	return 0;
}

/*
 * Driver role, shm and amp: whether the file at the port's path is still
 * the one attached. A device that is gone left it, or one that restarted
 * took it over (REUSE; a bare link's device on the same memory): the link's
 * handshake meets the next one in place, and attaching again would only
 * say SHUTDOWN to a device still starting (a slow peer never came up). A
 * new file (REPLACE), or none, is attached again.
 */
static int same_file(const struct fwd_port *p)
{
	struct stat st;

	return p->file_ino != 0 && stat(p->path, &st) == 0 && (uint64_t)st.st_dev == p->file_dev &&
	       (uint64_t)st.st_ino == p->file_ino;
}

static void drv_detach(struct fwd_port *p)
{
	rte_vmsg_net_drv_destroy(p->ndrv);
	p->ndrv = NULL;
	if (p->amp != NULL)
		fwd_amp_close(p);
	if (p->card != NULL || p->opener != NULL)
		fwd_pcie_close(p); /* the card's bus goes with it */
	rte_vmsg_bus_shm_close(p->shm, p->bus);
	p->bus = NULL;
	p->shm = NULL;
}

static int drv_bringup(struct fwd_port *p)
{
	struct rte_vmsg_net_drv_opts o;
	uint64_t dma_bus = 0, dma_size = 0;
	void *dma = NULL;

	if (p->amp != NULL)
		fwd_amp_dma(p, &dma, &dma_bus, &dma_size); /* the first mem= file */
	else if (p->card != NULL)
		fwd_pcie_dma(p, &dma, &dma_bus, &dma_size); /* in the BAR, or host DMA memory */
	else
		rte_vmsg_bus_shm_dma(p->shm, &dma, &dma_bus, &dma_size);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.bus = p->bus;
	o.dev_num = p->dev_num;
	o.queue_pairs = (uint16_t)p->qp;
	o.queue_size = p->qsize;
	o.dma_addr = dma;
	o.dma_bus_addr = dma_bus;
	o.dma_size = dma_size;
	o.notify = RTE_VMSG_NET_NOTIFY_POLL;
	o.features = (rte_vmsg_net_drv_default_features() | p->ring_on) & ~p->ring_off;
	o.flags = RTE_VMSG_NET_DRV_F_BUS_EVENTS;
	o.cancel = fwd_interrupted;
	return rte_vmsg_net_drv_create(&o, &p->ndrv);
}

int fwd_vmsg_open(struct fwd_cfg *cfg, struct fwd_port *p)
{
	char path[FWD_PATH_MAX + 16];
	int rc;

	if (p->role == RTE_VMSG_BUS_DEVICE)
		return dev_open(cfg, p);
	rc = drv_attach(cfg, p, 1);
	if (rc < 0 && rc != -EAGAIN && p->bus_kind == FWD_BUS_PCIE) {
		fprintf(stderr,
			FWD_NAME
			": port %u: opening the card %s: %s (the library's line above says "
			"why, and the fix)\n",
			p->index, p->file, strerror(-rc));
		return -FWD_EXIT_FAIL;
	}
	if (rc == -ENOENT) {
		resolve(cfg, p, path, sizeof(path));
		fprintf(stderr,
			FWD_NAME ": --port %s: no such file %s (start the device side first)\n",
			p->spec, path);
		return -FWD_EXIT_USAGE;
	}
	if (rc < 0 && rc != -EAGAIN) {
		resolve(cfg, p, path, sizeof(path));
		fprintf(stderr, FWD_NAME ": port %u: attaching %s: %s\n", p->index, path,
			strerror(-rc));
		return -FWD_EXIT_FAIL;
	}
	p->drv_state = rc == 0 ? FWD_DRV_LINK : FWD_DRV_ATTACH;
	/*
	 * Attached: the first link may take longer. Not ready yet (-EAGAIN: a
	 * file whose device has not laid it out): attached again every
	 * ATTACH_RETRY_NS, as after a lost device; a card is opened again at
	 * once, in the thread that waits for it.
	 */
	if (rc == 0)
		p->next_try_ns = fwd_now_ns() + LINK_WAIT_NS * 10;
	else if (p->bus_kind == FWD_BUS_PCIE)
		p->next_try_ns = fwd_now_ns();
	else
		p->next_try_ns = fwd_now_ns() + ATTACH_RETRY_NS;
	return 0;
}

static void peer_lost_check(struct fwd_port *p)
{
	struct rte_vmsg_bus_stats bs;

	if (rte_vmsg_bus_stats_get(p->bus, &bs) != 0 || bs.peer_lost == p->peer_lost_seen)
		return;
	p->peer_losses += bs.peer_lost - p->peer_lost_seen;
	p->peer_lost_seen = bs.peer_lost;
	say(p, "%s",
	    p->role == RTE_VMSG_BUS_DEVICE ? "the driver went away" : "the device went away");
}

static int dev_control(struct fwd_port *p)
{
	int conn, ok, busy;

	busy = rte_vmsg_bus_poll(p->bus) > 0 || p->notify == RTE_VMSG_NET_NOTIFY_EVENT;
	rte_vmsg_net_dev_service(p->ndev);
	peer_lost_check(p);
	conn = rte_vmsg_bus_connected(p->bus);
	if (conn != p->connected) {
		p->connected = conn;
		if (conn == 1)
			say(p, "driver attached (%s)", p->path);
		else if (conn < 0)
			say(p, "the link broke: %s", strerror(-conn));
	}
	ok = rte_vmsg_dev_driver_ok(rte_vmsg_net_dev_vdev(p->ndev));
	if (ok != p->driver_ok) {
		p->driver_ok = ok;
		if (ok) {
			p->ups++;
			say(p, "%s", "link up (the driver set DRIVER_OK)");
		} else {
			say(p, "%s", "link down (device reset)");
		}
	}
	return busy || !ok;
}

/*
 * pcie: the kernel asked for the card back (an unbind, a hot unplug: the
 * VFIO REQ notifier), which the bus shows as a lost peer. The port closes
 * the card, which the unbind waits for, and opens it again only once the
 * function is bound to vfio-pci again, rather than failing an open with
 * the library's error line every ATTACH_RETRY_NS.
 */
static int card_released(struct fwd_port *p)
{
	if (fwd_pcie_released(p))
		p->released = 1;
	return p->released;
}

/*
 * Driver role, the pair threads paused (fwd_pause()), before the handle
 * goes (destroyed, or reset and maybe destroyed): its queues' counters
 * folded in, which the pair threads do only every 1024 turns.
 */
static void lib_fold_all(struct fwd_port *p)
{
	uint32_t q;

	if (p->ndrv == NULL || !p->up)
		return;
	for (q = 0; q < p->qp; q++)
		fwd_vmsg_lib_stats(p, q);
}

/* A new handle, the pair threads paused: its counters start at 0. */
static void lib_baselines_reset(struct fwd_port *p)
{
	uint32_t q;

	for (q = 0; q < p->qp; q++) {
		p->qs[q].lib_broken = 0;
		p->qs[q].lib_errors = 0;
		p->qs[q].lib_drops = 0;
	}
}

/*
 * Driver role, after a bring-up: the device's MTU (its config, with
 * VIRTIO_NET_F_MTU; 1500 without) is known only now, and --max-pkt-len's
 * default left it out. Frames longer than the buffers are dropped and
 * counted in errors: said once per port (and MTU).
 */
static void mtu_check(const struct fwd_cfg *cfg, struct fwd_port *p)
{
	struct rte_vmsg_net_config nc;
	uint32_t mtu = 1500;

	if (rte_vmsg_drv_has_feature(rte_vmsg_net_drv_handle(p->ndrv), RTE_VMSG_NET_F_MTU) == 1 &&
	    rte_vmsg_net_drv_config(p->ndrv, &nc) == 0)
		mtu = rte_vmsg_le16_to_cpu(nc.mtu);
	if (mtu + 18u <= cfg->buf_cap || mtu == p->mtu_warned)
		return;
	p->mtu_warned = mtu;
	say(p,
	    "warning: the device's MTU %u makes frames of up to %u bytes, more than the %u of "
	    "--max-pkt-len: longer ones are dropped and counted in errors (give --max-pkt-len %u)",
	    mtu, mtu + 18u, cfg->buf_cap, mtu + 18u > 65535u ? 65535u : mtu + 18u);
}

/* Driver role, the port stops carrying packets: the pair threads are paused first. */
static void drv_down(struct fwd_cfg *cfg, struct fwd_port *p, const char *why)
{
	if (card_released(p))
		why = "the kernel asked for the card back (an unbind or a hot unplug): closing it";
	fwd_pause(cfg);
	lib_fold_all(p);
	p->up = 0;
	fwd_resume(cfg);
	drv_detach(p);
	p->drv_state = FWD_DRV_ATTACH;
	p->next_try_ns = fwd_now_ns() + ATTACH_RETRY_NS;
	p->waiting_said = 0;
	if (p->released)
		say(p, "%s; opening it again once it is bound to vfio-pci", why);
	else
		say(p, "%s; attaching again", why);
}

static int drv_control(struct fwd_cfg *cfg, struct fwd_port *p, uint64_t now)
{
	char path[FWD_PATH_MAX + 16];
	struct rte_vmsg_bus_stats bs;
	int rc, busy;

	switch (p->drv_state) {
	case FWD_DRV_ATTACH:
		if (now < p->next_try_ns)
			return 1;
		if (p->released) {
			if (!fwd_pcie_bound(p)) {
				p->next_try_ns = now + ATTACH_RETRY_NS;
				return 1;
			}
			say(p, "card %s is bound to vfio-pci again: opening it", p->file);
			p->released = 0;
		}
		rc = drv_attach(cfg, p, 0);
		if (rc == -EINPROGRESS)
			return 0; /* a card being opened: its thread waits */
		if (rc == -ENODEV && p->bus_kind == FWD_BUS_PCIE && !fwd_pcie_bound(p)) {
			/* Not bound to vfio-pci (the library said why): wait until it is. */
			say(p,
			    "card %s is gone from vfio-pci: opening it again once it is bound to "
			    "vfio-pci",
			    p->file);
			p->released = 1;
			p->next_try_ns = now + ATTACH_RETRY_NS;
			return 1;
		}
		if (rc < 0) {
			if (!p->waiting_said) {
				if (p->bus_kind == FWD_BUS_PCIE) {
					printf("port %u: waiting for the card %s (%s)\n", p->index,
					       p->file, strerror(-rc));
				} else {
					resolve(cfg, p, path, sizeof(path));
					printf("port %u: waiting for the device file %s (%s)\n",
					       p->index, path, strerror(-rc));
				}
				fflush(stdout);
				p->waiting_said = 1;
			}
			p->next_try_ns = now + ATTACH_RETRY_NS;
			return 1;
		}
		p->drv_state = FWD_DRV_LINK;
		p->next_try_ns =
			now + (p->bus_kind == FWD_BUS_PCIE ? PCIE_LINK_WAIT_NS : LINK_WAIT_NS);
		return 1;
	case FWD_DRV_LINK:
		rte_vmsg_bus_poll(p->bus);
		if (rte_vmsg_bus_stats_get(p->bus, &bs) == 0)
			p->peer_lost_seen = bs.peer_lost;
		if (card_released(p)) {
			drv_down(cfg, p, "");
			return 1;
		}
		if (rte_vmsg_bus_connected(p->bus) != 1) {
			if (now > p->next_try_ns) {
				if (p->bus_kind != FWD_BUS_PCIE && same_file(p)) {
					/* The same file: its link comes up in place. */
					p->next_try_ns = now + LINK_WAIT_NS;
				} else {
					/* A dead device's new file, or none: map it again. */
					drv_detach(p);
					p->drv_state = FWD_DRV_ATTACH;
				}
				if (p->bus_kind == FWD_BUS_PCIE)
					p->next_try_ns =
						now + ATTACH_RETRY_NS; /* each open resets it */
				if (!p->waiting_said) {
					printf("port %u: waiting for the device of %s\n", p->index,
					       p->path);
					fflush(stdout);
					p->waiting_said = 1;
				}
			}
			return 1;
		}
		rc = drv_bringup(p);
		if (rc < 0 && card_released(p)) {
			drv_down(cfg, p, ""); /* the kernel's REQ during the bring-up */
			return 1;
		}
		if (rc < 0) {
			/*
			 * A device that refuses the port (fewer queue pairs than
			 * qp=, a queue size it does not take) refuses it again
			 * until it restarts: said once, and tried less often.
			 */
			if (rc != p->init_rc) {
				p->init_wait_ns = INIT_RETRY_NS;
				if (!fwd_interrupted(NULL))
					printf("port %u: bringing the device up failed: %s; "
					       "retrying (every %u s at most while it fails so)\n",
					       p->index, strerror(-rc),
					       (unsigned int)(INIT_RETRY_MAX_NS / 1000000000ull));
				fflush(stdout);
			} else if (p->init_wait_ns < INIT_RETRY_MAX_NS) {
				p->init_wait_ns *= 2;
			}
			p->init_rc = rc;
			drv_detach(p);
			p->drv_state = FWD_DRV_ATTACH;
			p->next_try_ns = now + p->init_wait_ns;
			return 1;
		}
		p->init_rc = 0;
		if (rte_vmsg_bus_stats_get(p->bus, &bs) == 0)
			p->peer_lost_seen = bs.peer_lost;
		if (p->ups++ != 0)
			p->reconnects++;
		p->waiting_said = 0;
		fwd_pause(cfg);
		lib_baselines_reset(p);
		p->up = 1;
		fwd_resume(cfg);
		say(p, "link up (driver, %u queue pairs)", rte_vmsg_net_drv_queue_pairs(p->ndrv));
		mtu_check(cfg, p);
		p->drv_state = FWD_DRV_UP;
		return 1;
	default:
		break;
	}
	/* FWD_DRV_UP */
	busy = rte_vmsg_bus_poll(p->bus) > 0;
	if (rte_vmsg_bus_stats_get(p->bus, &bs) == 0 && bs.peer_lost != p->peer_lost_seen) {
		p->peer_losses += bs.peer_lost - p->peer_lost_seen;
		p->peer_lost_seen = bs.peer_lost;
		drv_down(cfg, p, "the device went away");
		return 1;
	}
	if (rte_vmsg_bus_connected(p->bus) < 0) {
		p->peer_losses++;
		drv_down(cfg, p, "the link broke");
		return 1;
	}
	if (rte_vmsg_drv_needs_reset(rte_vmsg_net_drv_handle(p->ndrv))) {
		fwd_pause(cfg);
		rc = rte_vmsg_net_drv_reset(p->ndrv);
		if (rc == 0) {
			p->resets++;
		} else {
			lib_fold_all(p); /* the handle is destroyed below */
			p->up = 0;
		}
		fwd_resume(cfg);
		if (rc == 0) {
			say(p, "%s", "DEVICE_NEEDS_RESET: device reset, carrying on");
		} else {
			p->resets++;
			drv_detach(p);
			p->drv_state = FWD_DRV_ATTACH;
			p->next_try_ns = now + ATTACH_RETRY_NS;
			say(p, "DEVICE_NEEDS_RESET: the reset failed (%s); attaching again",
			    strerror(-rc));
		}
	}
	return busy;
}

int fwd_vmsg_control(struct fwd_cfg *cfg, struct fwd_port *p, uint64_t now)
{
	if (p->role == RTE_VMSG_BUS_DEVICE)
		return dev_control(p);
	return drv_control(cfg, p, now);
}

const char *fwd_vmsg_state(const struct fwd_port *p)
{
	if (p->role == RTE_VMSG_BUS_DEVICE)
		return p->connected != 1 ? "wait" : p->driver_ok ? "up" : "link";
	switch (p->drv_state) {
	case FWD_DRV_UP:
		return "up";
	case FWD_DRV_LINK:
		return "link";
	default:
		return "wait";
	}
}

void fwd_vmsg_close(struct fwd_cfg *cfg, struct fwd_port *p)
{
	(void)cfg;
	rte_vmsg_net_dev_destroy(p->ndev);
	p->ndev = NULL;
	rte_vmsg_net_drv_destroy(p->ndrv);
	p->ndrv = NULL;
	if (p->amp != NULL)
		fwd_amp_close(p);
	if (p->card != NULL || p->opener != NULL)
		fwd_pcie_close(p); /* the card's bus goes with it; an open in progress given up */
	rte_vmsg_bus_shm_close(p->shm, p->bus);
	p->bus = NULL;
	p->shm = NULL;
}

int fwd_vmsg_rx(struct fwd_port *p, uint32_t q, struct rte_vmsg_net_pkt *pkts, uint32_t n)
{
	if (q >= p->qp)
		return 0;
	if (p->role == RTE_VMSG_BUS_DEVICE)
		return rte_vmsg_net_dev_recv_burst(p->ndev, q, pkts, n);
	return rte_vmsg_net_drv_rx_burst(p->ndrv, q, pkts, n);
}

int fwd_vmsg_tx(struct fwd_port *p, uint32_t q, const struct rte_vmsg_net_pkt *pkts, uint32_t n,
		uint64_t *sent, uint64_t *bytes)
{
	struct rte_vmsg_net_queue_stats before, after;
	uint32_t i;
	int k;

	*sent = 0;
	*bytes = 0;
	if (q >= p->qp)
		return 0;
	if (p->role == RTE_VMSG_BUS_DRIVER) {
		k = rte_vmsg_net_drv_tx_burst(p->ndrv, q, pkts, n);
		for (i = 0; k > 0 && i < (uint32_t)k; i++)
			*bytes += pkts[i].len;
		*sent = k > 0 ? (uint64_t)k : 0;
		return k;
	}
	/*
	 * The return value counts the frames the library dropped (too big for
	 * the driver's buffers without MRG_RXBUF; malformed) as taken, and
	 * its drops and errors count them: what was delivered is what the
	 * receive queue's packet and byte counters moved by. This thread is
	 * the only writer of that queue's counters.
	 */
	if (rte_vmsg_net_dev_stats_get(p->ndev, 2 * q, &before, NULL) != 0)
		return 0;
	k = rte_vmsg_net_dev_send_burst(p->ndev, q, pkts, n);
	if (k > 0 && rte_vmsg_net_dev_stats_get(p->ndev, 2 * q, &after, NULL) == 0) {
		*sent = after.packets - before.packets;
		*bytes = after.bytes - before.bytes;
	}
	return k;
}

int fwd_vmsg_one_copy(const struct fwd_port *in, const struct fwd_port *out, uint32_t buf_cap)
{
	/*
	 * The library then takes what the source's MTU allows and what the
	 * destination takes; the buffers of the other path must not be
	 * narrower (--max-pkt-len), or the two paths would differ.
	 */
	return in->kind == FWD_PORT_VMSG && out->kind == FWD_PORT_VMSG &&
	       in->role == RTE_VMSG_BUS_DEVICE && out->role == RTE_VMSG_BUS_DEVICE &&
	       buf_cap >= (uint32_t)in->mtu + 18u;
}

int fwd_vmsg_forward(struct fwd_port *in, struct fwd_port *out, uint32_t q, uint32_t n,
		     uint32_t flags, struct rte_vmsg_net_fwd_result *res)
{
	if (q >= in->qp || q >= out->qp)
		return 0;
	return rte_vmsg_net_dev_forward_burst(in->ndev, q, out->ndev, q, n, flags, res);
}

static void fold(uint64_t *total, uint64_t *last, uint64_t cur)
{
	/*
	 * A handle's counters only grow: a driver-role port folds the last of
	 * them before its handle goes (lib_fold_all()) and starts from 0 with
	 * the next (lib_baselines_reset()). Lower than the last, they can only
	 * be a new handle's (never a wrap to 2^64 of a count).
	 */
	fwd_add(total, cur >= *last ? cur - *last : cur);
	*last = cur;
}

void fwd_vmsg_lib_stats(struct fwd_port *p, uint32_t q)
{
	struct rte_vmsg_net_queue_stats rx, tx;
	struct fwd_qstats *s = &p->qs[q];
	int rc;

	if (q >= p->qp)
		return;
	if (p->role == RTE_VMSG_BUS_DEVICE) {
		rc = rte_vmsg_net_dev_stats_get(p->ndev, 2 * q, &rx, NULL);
		if (rc == 0)
			rc = rte_vmsg_net_dev_stats_get(p->ndev, 2 * q + 1, &tx, NULL);
	} else {
		rc = rte_vmsg_net_drv_stats_get(p->ndrv, 2 * q, &rx, NULL);
		if (rc == 0)
			rc = rte_vmsg_net_drv_stats_get(p->ndrv, 2 * q + 1, &tx, NULL);
	}
	if (rc != 0)
		return;
	fold(&s->broken, &s->lib_broken, rx.broken + tx.broken);
	fold(&s->errors, &s->lib_errors, rx.errors + tx.errors);
	fold(&s->drops, &s->lib_drops, rx.drops + tx.drops);
}
