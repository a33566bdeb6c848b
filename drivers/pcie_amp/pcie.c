/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The card layer of drivers/pcie_amp and its public face, rte_vmsg_pcie_*:
 * a VFIO device and a card profile set up the driver side of an amp
 * backend (ARCHITECTURE.md §2.4, §2.7), with the card's doorbell register
 * and MSI-X vector as doorbells, or none. The link lives in the card's BAR
 * (BAR placement: the card writes the layout) or in host DMA memory (HOST
 * placement: this side writes it and publishes its address through the
 * card's mailbox); virtqueues and buffers always live in host DMA memory.
 */

#define RTE_VMSG_LOG_PREFIX "pcie_amp: "

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "rte_vmsg_pcie.h"
#include "link_geom_priv.h"
#include "log_priv.h"
#include "opts_priv.h"
#include "pcie_amp_priv.h"

#define PCIE_FLAGS_KNOWN \
	(RTE_VMSG_PCIE_F_NO_WAIT | RTE_VMSG_PCIE_F_NO_RESET | RTE_VMSG_PCIE_F_IOVA_PA)
#define PCIE_WAIT_DEFAULT_NS 10000000000ull
/* HOST placement: the link's window at the start of the DMA memory. */
#define PCIE_HOST_LINK_WINDOW 65536u
#define PCIE_HOST_DEF_ELEMS 64u
#define PCIE_DMA_DEFAULT (2u << 20)
#define PCIE_DMA_MAX (1ull << 30)
/* HOST placement: how long the link may be down before the address is published again. */
#define PCIE_REPUBLISH_NS 100000000ull
/* How often the control path looks at the REQ notifier (a read of an eventfd). */
#define PCIE_REQ_PERIOD_NS 1000000ull

struct rte_vmsg_pcie {
	const struct pcie_amp_vfio_ops *ops;
	void *dev;
	char bdf[16];
	struct rte_vmsg_pcie_opts o;
	struct pcie_amp_dev_info di;
	const struct pcie_amp_profile *prof;
	uint16_t vendor, device;
	uint32_t placement;
	uint64_t bar_size[RTE_VMSG_PCIE_MAX_BARS];
	struct pcie_amp_bar bar[RTE_VMSG_PCIE_MAX_BARS];
	struct rte_vmsg_region *region[RTE_VMSG_PCIE_MAX_BARS];
	uint16_t cmd_saved; /* the command register as found */
	int cmd_set;	    /* bus mastering was turned on here */
	int msix_fd;	    /* the host's MSI-X vector, -1 without */
	int req_fd;	    /* the REQ notifier, -1 without */
	uint32_t iv_position;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_bus_amp *amp;
	struct rte_vmsg_bus *bus;
	uint32_t layout; /* enum rte_vmsg_pcie_layout, resolved */
	struct pcie_amp_dma dma;
	uint8_t *dma_addr;
	uint64_t dma_bus, dma_size;
	uint64_t link_offset, link_size;
	/* HOST placement: the mailbox's writes. */
	uint64_t publishes;
	uint64_t publish_next_ns; /* when the link being down earns a new publish */
	int was_up;		  /* the link was up at the previous pass */
	/* Control path (the bus thread). */
	uint64_t req_next_ns;
	int req_seen;
	uint64_t wakeups;
};

/* ------------------------------------------------------------------------ */
/* Names and addresses                                                       */

static const char *const profile_names[] = {
	[RTE_VMSG_PCIE_PROFILE_AUTO] = "auto",
	[RTE_VMSG_PCIE_PROFILE_IVSHMEM] = "ivshmem",
	[RTE_VMSG_PCIE_PROFILE_AMP_PCI] = "amp-pci",
	[RTE_VMSG_PCIE_PROFILE_VERSAL] = "versal",
};
#define NUM_PROFILES (sizeof(profile_names) / sizeof(profile_names[0]))

int rte_vmsg_pcie_profile_from_name(const char *name)
{
	size_t i;

	if (name == NULL)
		return -EINVAL;
	for (i = 0; i < NUM_PROFILES; i++)
		if (strcmp(name, profile_names[i]) == 0)
			return (int)i;
	return -EINVAL;
}

const char *rte_vmsg_pcie_profile_name(uint32_t profile)
{
	return profile < NUM_PROFILES ? profile_names[profile] : NULL;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Reads exactly @p n hex digits of @p s into *v; the pointer past them, or NULL. */
static const char *hexn(const char *s, int n, unsigned int *v)
{
	int i, h;

	*v = 0;
	for (i = 0; i < n; i++) {
		h = hexval(s[i]);
		if (h < 0)
			return NULL;
		*v = *v << 4 | (unsigned int)h;
	}
	return s + n;
}

int pcie_amp_bdf_parse(const char *in, char out[16])
{
	unsigned int dom = 0, bus, dev, fn;
	const char *s = in;

	if (in == NULL)
		return -EINVAL;
	if (strlen(in) == 12) {
		s = hexn(s, 4, &dom);
		if (s == NULL || *s++ != ':')
			return -EINVAL;
	} else if (strlen(in) != 7) {
		return -EINVAL;
	}
	s = hexn(s, 2, &bus);
	if (s == NULL || *s++ != ':')
		return -EINVAL;
	s = hexn(s, 2, &dev);
	if (s == NULL || *s++ != '.' || dev > 0x1f)
		return -EINVAL;
	s = hexn(s, 1, &fn);
	if (s == NULL || *s != '\0' || fn > 7)
		return -EINVAL;
	snprintf(out, 16, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

int rte_vmsg_pcie_addr_parse(const char *bdf, char out[16])
{
	if (out == NULL)
		return -EINVAL;
	return pcie_amp_bdf_parse(bdf, out);
}

int rte_vmsg_pcie_bound(const char *bdf)
{
	char a[16];
	int rc = pcie_amp_bdf_parse(bdf, a);

	return rc < 0 ? rc : pcie_amp_vfio_bound(NULL, a);
}

/* ------------------------------------------------------------------------ */
/* Set-up steps                                                              */

static int opts_get(const struct rte_vmsg_pcie_opts *opts, struct rte_vmsg_pcie_opts *o)
{
	if (opts == NULL) {
		memset(o, 0, sizeof(*o));
		o->sz = sizeof(*o);
	} else if (rte_vmsg__opts_copy(o, sizeof(*o), opts) < 0) {
		return -EINVAL;
	}
	if ((o->flags & ~PCIE_FLAGS_KNOWN) != 0 || o->layout > RTE_VMSG_PCIE_LAYOUT_V0 ||
	    o->dma_size > PCIE_DMA_MAX || o->profile >= NUM_PROFILES ||
	    o->placement > RTE_VMSG_PCIE_PLACEMENT_HOST || o->notify > RTE_VMSG_PCIE_NOTIFY_EVENT ||
	    o->payloads > RTE_VMSG_PAYLOADS_PRE_V2)
		return -EINVAL;
	if ((o->flags & RTE_VMSG_PCIE_F_NO_WAIT) && o->wait_ns != 0)
		return -EINVAL;
	if (o->peer_id > 0xffff || o->peer_vector > 0xffff || o->msix_vector > 2047)
		return -EINVAL;
	if (o->peer_timeout_ms != 0 && (o->peer_timeout_ms < RTE_VMSG_BUS_PEER_TIMEOUT_MIN_MS ||
					o->peer_timeout_ms > RTE_VMSG_BUS_PEER_TIMEOUT_MAX_MS))
		return -EINVAL;
	/* The link's limits, before the HOST placement sizes its link window by them. */
	if ((o->num_elems != 0 && !rte_vmsg__link_elems_ok(o->num_elems)) ||
	    (o->elem_size != 0 && !rte_vmsg__link_esize_ok(o->elem_size)))
		return -EINVAL;
	return 0;
}

/* The profile: by ID, or the one asked for, which must drive this card. */
static int pick_profile(struct rte_vmsg_pcie *c)
{
	const struct pcie_amp_profile *p;
	uint32_t v = 0;
	int rc;

	rc = c->ops->cfg_read(c->dev, PCIE_AMP_CFG_VENDOR, &v, sizeof(v));
	if (rc < 0) {
		RTE_VMSG_LOG(ERR, "%s: reading the PCI ID: %s", c->bdf, strerror(-rc));
		return rc;
	}
	v = rte_vmsg_le32_to_cpu(v);
	c->vendor = (uint16_t)(v & 0xffffu);
	c->device = (uint16_t)(v >> 16);
	if (c->o.profile == RTE_VMSG_PCIE_PROFILE_AUTO) {
		p = pcie_amp_profile_match(c->vendor, c->device);
		if (p == NULL) {
			RTE_VMSG_LOG(ERR,
				     "%s: no profile drives %04x:%04x (ivshmem is 1af4:1110, "
				     "amp-pci 10ee:9039, versal 10ee:9038)",
				     c->bdf, c->vendor, c->device);
			return -ENOTSUP;
		}
	} else {
		p = pcie_amp_profile_get(c->o.profile);
		if (p == NULL) {
			RTE_VMSG_LOG(ERR, "%s: profile %s is not implemented yet", c->bdf,
				     profile_names[c->o.profile]);
			return -ENOTSUP;
		}
		if (p->vendor != c->vendor || p->device != c->device) {
			RTE_VMSG_LOG(ERR, "%s: profile %s is for %04x:%04x, this card is %04x:%04x",
				     c->bdf, p->name, p->vendor, p->device, c->vendor, c->device);
			return -ENOTSUP;
		}
	}
	c->prof = p;
	c->placement = c->o.placement != RTE_VMSG_PCIE_PLACEMENT_DEFAULT ? c->o.placement
									 : p->def_placement;
	if ((p->placements & (1u << c->placement)) == 0) {
		RTE_VMSG_LOG(ERR, "%s: the %s profile has no %s placement", c->bdf, p->name,
			     c->placement == RTE_VMSG_PCIE_PLACEMENT_HOST ? "host" : "bar");
		return -ENOTSUP;
	}
	c->layout = c->o.layout != RTE_VMSG_PCIE_LAYOUT_DEFAULT ? c->o.layout : p->def_layout;
	if ((p->layouts & (1u << c->layout)) == 0) {
		RTE_VMSG_LOG(ERR, "%s: the %s profile has no %s layout", c->bdf, p->name,
			     c->layout == RTE_VMSG_PCIE_LAYOUT_V0 ? "v0" : "v1");
		return -ENOTSUP;
	}
	/* v0 has fixed queues: 62 elements of 64 bytes in each 4 KiB page. */
	if (c->layout == RTE_VMSG_PCIE_LAYOUT_V0 &&
	    ((c->o.num_elems != 0 && c->o.num_elems != 62) ||
	     (c->o.elem_size != 0 && c->o.elem_size != 64))) {
		RTE_VMSG_LOG(ERR, "%s: the v0 layout has 62 elements of 64 bytes per queue",
			     c->bdf);
		return -EINVAL;
	}
	return 0;
}

/* Bus mastering (and memory decoding) on: vfio-pci turns mastering off on open. */
static int bus_master(struct rte_vmsg_pcie *c, int on)
{
	uint16_t cmd = 0;
	int rc;

	if (on) {
		rc = c->ops->cfg_read(c->dev, PCIE_AMP_CFG_COMMAND, &cmd, sizeof(cmd));
		if (rc < 0)
			return rc;
		c->cmd_saved = rte_vmsg_le16_to_cpu(cmd);
		cmd = rte_vmsg_cpu_to_le16(
			(uint16_t)(c->cmd_saved | PCIE_AMP_CMD_MEMORY | PCIE_AMP_CMD_MASTER));
	} else {
		cmd = rte_vmsg_cpu_to_le16((uint16_t)(c->cmd_saved & ~PCIE_AMP_CMD_MASTER));
	}
	rc = c->ops->cfg_write(c->dev, PCIE_AMP_CFG_COMMAND, &cmd, sizeof(cmd));
	if (rc < 0) {
		RTE_VMSG_LOG(ERR, "%s: setting bus mastering in the command register: %s", c->bdf,
			     strerror(-rc));
		return rc;
	}
	c->cmd_set = on;
	return 0;
}

/* Maps BAR @p bar of at least @p min bytes and registers it as an I/O region (bus address 0). */
static int map_bar(struct rte_vmsg_pcie *c, int32_t bar, uint64_t min, const char *what)
{
	uint32_t b = (uint32_t)bar;
	int rc;

	if (bar < 0)
		return 0;
	if (c->bar_size[b] < min) {
		RTE_VMSG_LOG(ERR,
			     "%s: BAR%u (%s) is %" PRIu64 " bytes; the %s profile needs at least "
			     "%" PRIu64 " (give the card a larger BAR%s%s)",
			     c->bdf, b, what, c->bar_size[b], c->prof->name, min,
			     bar == c->prof->ram_bar && c->prof->ram_bar_hint != NULL ? "; " : "",
			     bar == c->prof->ram_bar && c->prof->ram_bar_hint != NULL
				     ? c->prof->ram_bar_hint
				     : "");
		return -ENOSPC;
	}
	rc = c->ops->bar_map(c->dev, b, &c->bar[b]);
	if (rc < 0)
		return rc;
	rc = rte_vmsg_region_register(c->bar[b].addr, c->bar[b].size, 0,
				      RTE_VMSG_REGION_F_IO | RTE_VMSG_REGION_F_SHARED,
				      &c->region[b]);
	if (rc == 0 && c->bar[b].io_ops != NULL)
		rc = rte_vmsg_region_io_ops_set(c->region[b], c->bar[b].io_ops, c->bar[b].io_arg);
	if (rc == 0 && c->bar[b].alias != NULL)
		rc = rte_vmsg_region_io_alias_set(c->region[b], c->bar[b].alias);
	return rc;
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/* The host's MSI-X vector (EVENT mode) and the REQ notifier, to eventfds. */
static int arm_irqs(struct rte_vmsg_pcie *c)
{
	uint32_t n = c->o.msix_vector + 1, i;
	int rc, *fds;

	if (c->o.notify == RTE_VMSG_PCIE_NOTIFY_EVENT) {
		if (c->di.irq_count[PCIE_AMP_IRQ_MSIX] < n) {
			RTE_VMSG_LOG(ERR,
				     "%s: no MSI-X vector %u (the card has %u; ivshmem-plain has "
				     "none: use ivshmem-doorbell,vectors=N, or polling)",
				     c->bdf, c->o.msix_vector, c->di.irq_count[PCIE_AMP_IRQ_MSIX]);
			return -ENOTSUP;
		}
		rc = new_eventfd();
		if (rc < 0)
			return rc;
		c->msix_fd = rc;
		fds = malloc(n * sizeof(*fds));
		if (fds == NULL)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			fds[i] = -1; /* vectors below ours stay unused */
		fds[n - 1] = c->msix_fd;
		rc = c->ops->irq_set(c->dev, PCIE_AMP_IRQ_MSIX, 0, n, fds);
		free(fds);
		if (rc < 0) {
			close(c->msix_fd);
			c->msix_fd = -1;
			return rc;
		}
	}
	/* The kernel's request for the device back: not fatal when missing. */
	if (c->di.irq_count[PCIE_AMP_IRQ_REQ] >= 1) {
		rc = new_eventfd();
		if (rc < 0)
			return rc;
		c->req_fd = rc;
		rc = c->ops->irq_set(c->dev, PCIE_AMP_IRQ_REQ, 0, 1, &c->req_fd);
		if (rc < 0) {
			RTE_VMSG_LOG(WARNING, "%s: no REQ notifier (%s): an unbind will wait",
				     c->bdf, strerror(-rc));
			close(c->req_fd);
			c->req_fd = -1;
		}
	}
	return 0;
}

/*
 * HOST placement: the link's bus address in the card's mailbox: low, high,
 * then enable. Writes only (posted): a card that reset, or that started
 * after us, finds it there.
 */
static int publish(struct rte_vmsg_pcie *c, uint64_t now)
{
	const struct pcie_amp_profile *p = c->prof;
	struct rte_vmsg_region *r = c->region[p->mbox_bar];
	uint64_t a = c->link_offset;
	int rc;

	rc = rte_vmsg_region_io_write32(r, p->mbox_off + RTE_VMSG_PCIE_MBOX_ADDR_LO, (uint32_t)a);
	if (rc == 0)
		rc = rte_vmsg_region_io_write32(r, p->mbox_off + RTE_VMSG_PCIE_MBOX_ADDR_HI,
						(uint32_t)(a >> 32));
	/*
	 * W2: the layout in host memory and the address words before enable:
	 * the card reads them once it sees enable (the CPU-to-device barrier).
	 */
	rte_vmsg__io_wmb();
	if (rc == 0)
		rc = rte_vmsg_region_io_write32(r, p->mbox_off + RTE_VMSG_PCIE_MBOX_ENABLE, 1);
	if (rc == 0)
		c->publishes++;
	c->publish_next_ns = now + PCIE_REPUBLISH_NS;
	return rc;
}

/*
 * HOST placement, at close: the address taken back (enable, low, high all
 * 0), read back so that the writes have reached the card before our queue
 * head says SHUTDOWN in host memory: a card that sees us leave finds no
 * address to go back to, and one that restarts takes none (the memory is
 * about to be freed).
 */
static void withdraw(struct rte_vmsg_pcie *c)
{
	const struct pcie_amp_profile *p = c->prof;
	struct rte_vmsg_region *r = c->region[p->mbox_bar];
	uint32_t v;

	(void)rte_vmsg_region_io_write32(r, p->mbox_off + RTE_VMSG_PCIE_MBOX_ENABLE, 0);
	(void)rte_vmsg_region_io_write32(r, p->mbox_off + RTE_VMSG_PCIE_MBOX_ADDR_LO, 0);
	(void)rte_vmsg_region_io_write32(r, p->mbox_off + RTE_VMSG_PCIE_MBOX_ADDR_HI, 0);
	(void)rte_vmsg_region_io_read32(r, p->mbox_off + RTE_VMSG_PCIE_MBOX_ENABLE, &v);
}

/*
 * The REQ notifier: 1 once the kernel has asked for the device back (an
 * unbind or a hot unplug), said once. Read at most once a
 * PCIE_REQ_PERIOD_NS (one read of an eventfd); after it the link is lost
 * for good: the application must stop and close.
 */
static int req_pending(struct rte_vmsg_pcie *c, uint64_t now)
{
	uint64_t v;

	if (c->req_seen)
		return 1;
	if (c->req_fd < 0 || now < c->req_next_ns)
		return 0;
	c->req_next_ns = now + PCIE_REQ_PERIOD_NS;
	if (read(c->req_fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	c->req_seen = 1;
	RTE_VMSG_LOG(WARNING,
		     "%s: the kernel wants the device back (unbind or unplug): "
		     "stop and close it",
		     c->bdf);
	return 1;
}

/*
 * The liveness source of the amp end, run on each pass of the control
 * path: the kernel asked for the device back (req_pending()), and in the
 * HOST placement the address published again after the link was down for
 * PCIE_REPUBLISH_NS (the card reset, or lost it).
 */
static int pcie_live(void *arg, int link_state)
{
	struct rte_vmsg_pcie *c = arg;
	uint64_t now;

	if (c->req_seen)
		return 1;
	if (c->placement != RTE_VMSG_PCIE_PLACEMENT_HOST && c->req_fd < 0)
		return 0; /* nothing to look at: not even the clock */
	now = rte_vmsg_time_ns();
	if (c->placement == RTE_VMSG_PCIE_PLACEMENT_HOST) {
		/*
		 * Down after up (a card reset shows as its v1 head leaving RUN,
		 * or as its v0 indices back at 0): publish at once, as the
		 * card re-arms its mailbox after a reset; again every
		 * PCIE_REPUBLISH_NS while the link stays down. A v0 link may
		 * be down for a single pass: the card re-initialised its
		 * queues and ours followed.
		 */
		if (link_state == RTE_VMSG_LINK_UP)
			c->was_up = 1;
		else if (c->was_up || now >= c->publish_next_ns)
			(void)publish(c, now);
		if (link_state != RTE_VMSG_LINK_UP)
			c->was_up = 0;
	}
	return req_pending(c, now);
}

static int cancelled(const struct rte_vmsg_pcie *c)
{
	return c->o.cancel != NULL && c->o.cancel(c->o.cancel_arg) != 0;
}

/*
 * The open's waits (the card's layout, then the link) end when the caller
 * cancels, or at once when the kernel wants the device back: an unbind
 * waits for the close.
 */
static int open_stop(void *arg)
{
	struct rte_vmsg_pcie *c = arg;

	return cancelled(c) || req_pending(c, rte_vmsg_time_ns());
}

/* The open given up for the kernel's REQ: -ENODEV, said. */
static int open_released(const struct rte_vmsg_pcie *c)
{
	RTE_VMSG_LOG(ERR, "%s: the kernel took the device back during the open: given up", c->bdf);
	return -ENODEV;
}

static void nap(uint64_t ns)
{
	struct timespec ts = { 0, (long)ns };

	nanosleep(&ts, NULL);
}

/* The doorbells: the card's register host to card, the host's MSI-X vector back. */
static void link_bells(const struct rte_vmsg_pcie *c, struct rte_vmsg_bus_amp_opts *ao)
{
	const struct pcie_amp_profile *p = c->prof;

	if (c->o.notify != RTE_VMSG_PCIE_NOTIFY_EVENT)
		return;
	ao->tx_bell.sz = sizeof(ao->tx_bell);
	ao->tx_bell.kind = RTE_VMSG_BELL_MMIO;
	ao->tx_bell.flags = p->doorbell_readback ? RTE_VMSG_BELL_F_READBACK : 0;
	ao->tx_bell.fd = -1;
	ao->tx_bell.mmio_region = c->region[p->reg_bar];
	ao->tx_bell.mmio_offset = p->doorbell_off;
	ao->tx_bell.mmio_value = p->doorbell_value(c->o.peer_id, c->o.peer_vector);
	ao->rx_wait.sz = sizeof(ao->rx_wait);
	ao->rx_wait.kind = RTE_VMSG_BELL_EVENTFD;
	ao->rx_wait.fd = c->msix_fd;
}

/* Bytes of the HOST placement's link window: the v1 layout (or v0's 8 KiB), 64 KiB rounded. */
static uint64_t host_link_window(const struct rte_vmsg_pcie *c)
{
	uint64_t n = c->o.num_elems != 0 ? c->o.num_elems : PCIE_HOST_DEF_ELEMS;
	uint64_t e = c->o.elem_size != 0 ? c->o.elem_size : 64;
	uint64_t need = c->layout == RTE_VMSG_PCIE_LAYOUT_V0 ? 8192 : 4096 + 2 * n * e;

	return (need + PCIE_HOST_LINK_WINDOW - 1) / PCIE_HOST_LINK_WINDOW * PCIE_HOST_LINK_WINDOW;
}

/*
 * The host DMA memory: the link window (HOST placement), then the DMA area
 * for virtqueues and buffers, in hugepages mapped for the card.
 */
static int make_dma(struct rte_vmsg_pcie *c)
{
	uint64_t win = c->placement == RTE_VMSG_PCIE_PLACEMENT_HOST ? host_link_window(c) : 0;
	uint64_t area = c->o.dma_size != 0 ? c->o.dma_size : PCIE_DMA_DEFAULT - win;
	int rc;

	if (c->o.dma_size == 0 && win >= PCIE_DMA_DEFAULT)
		area = PCIE_DMA_DEFAULT;
	rc = pcie_amp_dma_alloc(c->ops, c->dev, c->bdf, (size_t)(win + area), 0,
				(c->o.flags & RTE_VMSG_PCIE_F_IOVA_PA) != 0, &c->dma);
	if (rc < 0)
		return rc;
	c->dma_addr = (uint8_t *)rte_vmsg_region_addr(c->dma.mem) + win;
	c->dma_bus = c->dma.iova + win;
	c->dma_size = c->dma.len - win;
	c->link_size = win;
	rc = rte_vmsg_memmap_create(&c->map);
	if (rc == 0)
		rc = rte_vmsg_memmap_add(c->map, c->dma.view);
	return rc;
}

/*
 * The driver end of the link. BAR placement: in the card's RAM BAR, where
 * the card writes the layout (retried while it has not). HOST placement:
 * laid out here at the start of the DMA memory, then published.
 */
static int attach_link(struct rte_vmsg_pcie *c, uint64_t deadline)
{
	const struct pcie_amp_profile *p = c->prof;
	struct rte_vmsg_bus_amp_opts ao;
	const struct rte_vmsg_ring *tx;
	int host = c->placement == RTE_VMSG_PCIE_PLACEMENT_HOST, rc;

	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = RTE_VMSG_BUS_DRIVER;
	ao.layout = c->layout == RTE_VMSG_PCIE_LAYOUT_V0 ? RTE_VMSG_AMP_LAYOUT_V0
							 : RTE_VMSG_AMP_LAYOUT_V1;
	if (host) {
		ao.region = c->dma.view;
		ao.offset = 0;
		if (c->layout == RTE_VMSG_PCIE_LAYOUT_V1) {
			ao.flags = RTE_VMSG_BUS_AMP_F_DRIVER_WRITES;
			ao.size = c->link_size;
			ao.num_elems = c->o.num_elems != 0 ? c->o.num_elems : PCIE_HOST_DEF_ELEMS;
			ao.elem_size = c->o.elem_size;
		}
	} else {
		ao.region = c->region[p->ram_bar];
		ao.offset = p->link_offset;
		ao.size = c->layout == RTE_VMSG_PCIE_LAYOUT_V0 ? 0 : p->link_end - p->link_offset;
	}
	link_bells(c, &ao);
	ao.map = c->map;
	ao.live = pcie_live;
	ao.live_arg = c;
	for (;;) {
		rc = rte_vmsg_bus_amp_create(&ao, &c->amp);
		if (host || rc != -EAGAIN || (c->o.flags & RTE_VMSG_PCIE_F_NO_WAIT) ||
		    rte_vmsg_time_ns() >= deadline)
			break;
		if (open_stop(c))
			return c->req_seen ? open_released(c) : -ECANCELED;
		nap(1000000);
	}
	if (rc == -EAGAIN && !host) {
		RTE_VMSG_LOG(ERR,
			     "%s: the card has not written its layout at BAR%d+%" PRIu64
			     " (is its side running?)",
			     c->bdf, p->ram_bar, p->link_offset);
		return rc;
	}
	if (rc < 0) {
		if (host)
			RTE_VMSG_LOG(ERR, "%s: the link in host memory: %s", c->bdf, strerror(-rc));
		else
			RTE_VMSG_LOG(ERR, "%s: the link at BAR%d+%" PRIu64 ": %s", c->bdf,
				     p->ram_bar, p->link_offset, strerror(-rc));
		return rc;
	}
	tx = rte_vmsg_link_tx(rte_vmsg_bus_amp_link(c->amp));
	if (!host && c->layout == RTE_VMSG_PCIE_LAYOUT_V1 &&
	    ((c->o.num_elems != 0 && tx->size != c->o.num_elems) ||
	     (c->o.elem_size != 0 && tx->esize != c->o.elem_size))) {
		RTE_VMSG_LOG(ERR,
			     "%s: the card's link has %u elements of %u bytes; asked for %u of %u",
			     c->bdf, tx->size, tx->esize, c->o.num_elems, c->o.elem_size);
		return -EPROTO;
	}
	if (host) {
		c->link_offset = c->dma.iova;
		return publish(c, rte_vmsg_time_ns());
	}
	c->link_offset = p->link_offset;
	c->link_size = c->layout == RTE_VMSG_PCIE_LAYOUT_V0 ? 8192 : ao.size;
	return 0;
}

/* amp-pci: the VERSION register says which register set this is ("v0.1"). */
static int check_version(struct rte_vmsg_pcie *c)
{
	const struct pcie_amp_profile *p = c->prof;
	uint32_t v = 0;
	int rc;

	if (p->version_off == UINT32_MAX)
		return 0;
	/* A set-up read of the card: never on the fast path. */
	rc = rte_vmsg_region_io_read32(c->region[p->reg_bar], p->version_off, &v);
	if (rc < 0)
		return rc;
	if (v != p->version_val) {
		RTE_VMSG_LOG(
			ERR,
			"%s: the %s profile needs VERSION %u at BAR%d+0x%x; the card says 0x%x",
			c->bdf, p->name, p->version_val, p->reg_bar, p->version_off, v);
		return -ENOTSUP;
	}
	return 0;
}

static int make_bus(struct rte_vmsg_pcie *c, uint64_t deadline)
{
	struct rte_vmsg_bus_opts bo;
	uint64_t now;
	int rc;

	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = RTE_VMSG_BUS_DRIVER;
	bo.max_inflight = c->o.max_inflight;
	bo.timeout_ns = c->o.timeout_ns;
	bo.payloads = c->o.payloads;
	bo.peer_timeout_ms = c->o.peer_timeout_ms;
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), c->amp, &c->bus);
	if (rc < 0 || (c->o.flags & RTE_VMSG_PCIE_F_NO_WAIT))
		return rc;
	now = rte_vmsg_time_ns();
	rc = rte_vmsg_bus_wait_connected(c->bus, deadline > now ? deadline - now : 1, open_stop, c);
	if (rc < 0 && c->req_seen)
		return open_released(c);
	if (rc < 0)
		RTE_VMSG_LOG(ERR, "%s: the link did not come up: %s (is the card's side polling?)",
			     c->bdf, strerror(-rc));
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Open and close                                                            */

/* Closes the card; with @p keep, its DMA memory goes there instead of away. */
static void pcie_close(struct rte_vmsg_pcie *c, struct rte_vmsg_region **keep)
{
	uint32_t i;

	rte_vmsg_bus_destroy(c->bus);
	if (c->publishes != 0)
		withdraw(c);
	rte_vmsg_bus_amp_destroy(c->amp);
	rte_vmsg_memmap_destroy(c->map);
	if (c->dev != NULL)
		pcie_amp_dma_free(c->ops, c->dev, &c->dma, keep);
	if (c->dev != NULL) {
		if (c->msix_fd >= 0)
			(void)c->ops->irq_set(c->dev, PCIE_AMP_IRQ_MSIX, 0, 0, NULL);
		if (c->req_fd >= 0)
			(void)c->ops->irq_set(c->dev, PCIE_AMP_IRQ_REQ, 0, 0, NULL);
	}
	if (c->msix_fd >= 0)
		close(c->msix_fd);
	if (c->req_fd >= 0)
		close(c->req_fd);
	for (i = 0; i < RTE_VMSG_PCIE_MAX_BARS; i++) {
		rte_vmsg_region_destroy(c->region[i]);
		if (c->bar[i].priv != NULL || c->bar[i].addr != NULL)
			c->ops->bar_unmap(c->dev, &c->bar[i]);
	}
	if (c->dev != NULL) {
		if (c->cmd_set)
			(void)bus_master(c, 0);
		/* Leave the card as a new user would find it (vfio-pci resets on release too). */
		if (c->di.can_reset && !c->req_seen && (c->o.flags & RTE_VMSG_PCIE_F_NO_RESET) == 0)
			(void)c->ops->reset(c->dev);
		c->ops->close(c->dev);
	}
	free(c);
}

void rte_vmsg_pcie_close(struct rte_vmsg_pcie *c)
{
	if (c != NULL)
		pcie_close(c, NULL);
}

int rte_vmsg_pcie_close_keep_dma(struct rte_vmsg_pcie *c, struct rte_vmsg_region **dma)
{
	if (dma != NULL)
		*dma = NULL;
	if (c == NULL || dma == NULL)
		return -EINVAL;
	pcie_close(c, dma);
	return 0;
}

int pcie_amp_open(const char *bdf, const struct rte_vmsg_pcie_opts *opts,
		  const struct pcie_amp_vfio_ops *ops, void *ops_arg, struct rte_vmsg_pcie **out)
{
	const struct pcie_amp_profile *p;
	struct rte_vmsg_pcie *c;
	uint64_t deadline;
	uint32_t i, v;
	int rc;

	if (out != NULL)
		*out = NULL;
	if (bdf == NULL || out == NULL || ops == NULL)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	c->ops = ops;
	c->msix_fd = c->req_fd = -1;
	rc = opts_get(opts, &c->o);
	if (rc == 0)
		rc = pcie_amp_bdf_parse(bdf, c->bdf);
	if (rc < 0) {
		free(c);
		return rc;
	}
	deadline = rte_vmsg_time_ns() + (c->o.wait_ns != 0 ? c->o.wait_ns : PCIE_WAIT_DEFAULT_NS);

	rc = ops->open(ops_arg, c->bdf, &c->dev);
	if (rc < 0) {
		c->dev = NULL;
		goto fail;
	}
	rc = ops->info(c->dev, &c->di);
	if (rc == 0)
		rc = pick_profile(c);
	if (rc < 0)
		goto fail;
	p = c->prof;
	if (c->di.can_reset && (c->o.flags & RTE_VMSG_PCIE_F_NO_RESET) == 0) {
		rc = ops->reset(c->dev);
		if (rc < 0 && rc != -ENOTSUP)
			goto fail;
	}
	for (i = 0; i < RTE_VMSG_PCIE_MAX_BARS; i++) {
		rc = ops->bar_size(c->dev, i, &c->bar_size[i]);
		if (rc < 0)
			goto fail;
	}
	rc = bus_master(c, 1);
	if (rc == 0)
		rc = map_bar(c, p->reg_bar, p->reg_bar_min, "registers");
	if (rc == 0 && c->placement == RTE_VMSG_PCIE_PLACEMENT_BAR)
		rc = map_bar(c, p->ram_bar, p->ram_bar_min, "shared RAM");
	else if (rc == 0 && p->mbox_bar == p->ram_bar)
		rc = map_bar(c, p->ram_bar, p->mbox_off + 12, "the mailbox");
	if (rc == 0)
		rc = check_version(c);
	if (rc < 0)
		goto fail;
	if (p->own_id_off != UINT32_MAX && p->reg_bar >= 0) {
		/* A set-up read of the card: never on the fast path. */
		rc = rte_vmsg_region_io_read32(c->region[p->reg_bar], p->own_id_off, &v);
		if (rc < 0)
			goto fail;
		c->iv_position = v;
	}
	rc = arm_irqs(c);
	if (rc < 0)
		goto fail;
	rc = make_dma(c);
	if (rc == 0)
		rc = attach_link(c, deadline);
	if (rc == 0)
		rc = make_bus(c, deadline);
	if (rc < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	rte_vmsg_pcie_close(c);
	return rc;
}

int rte_vmsg_pcie_open(const char *bdf, const struct rte_vmsg_pcie_opts *opts,
		       struct rte_vmsg_pcie **out)
{
	return pcie_amp_open(bdf, opts, &pcie_amp_vfio_kernel, NULL, out);
}

/* ------------------------------------------------------------------------ */
/* Use                                                                       */

struct rte_vmsg_bus *rte_vmsg_pcie_bus(const struct rte_vmsg_pcie *c)
{
	return c != NULL ? c->bus : NULL;
}

int rte_vmsg_pcie_dma(const struct rte_vmsg_pcie *c, void **addr, uint64_t *bus_addr,
		      uint64_t *size)
{
	if (c == NULL)
		return -EINVAL;
	if (addr != NULL)
		*addr = c->dma_addr;
	if (bus_addr != NULL)
		*bus_addr = c->dma_bus;
	if (size != NULL)
		*size = c->dma_size;
	return 0;
}

int rte_vmsg_pcie_wait(struct rte_vmsg_pcie *c, uint64_t timeout_ns)
{
	int rc;

	if (c == NULL)
		return -EINVAL;
	rc = rte_vmsg_bus_amp_wait(c->amp, timeout_ns);
	if (rc > 0)
		c->wakeups++;
	return rc;
}

int rte_vmsg_pcie_release_requested(struct rte_vmsg_pcie *c)
{
	if (c == NULL)
		return -EINVAL;
	c->req_next_ns = 0; /* read the notifier now */
	return req_pending(c, rte_vmsg_time_ns());
}

int rte_vmsg_pcie_info(const struct rte_vmsg_pcie *c, struct rte_vmsg_pcie_info *info)
{
	struct rte_vmsg_pcie_info in;
	size_t sz;
	uint32_t i;

	if (c == NULL || info == NULL || info->sz < sizeof(size_t))
		return -EINVAL;
	sz = info->sz;
	memset(&in, 0, sizeof(in));
	in.sz = sz;
	snprintf(in.bdf, sizeof(in.bdf), "%s", c->bdf);
	in.vendor_id = c->vendor;
	in.device_id = c->device;
	in.profile = c->prof->id;
	in.placement = c->placement;
	in.notify = c->o.notify;
	in.msix_vectors = c->di.irq_count[PCIE_AMP_IRQ_MSIX];
	in.iv_position = c->iv_position;
	for (i = 0; i < RTE_VMSG_PCIE_MAX_BARS; i++)
		in.bar_size[i] = c->bar_size[i];
	in.link_offset = c->link_offset;
	in.link_size = c->link_size;
	in.layout = c->layout;
	in.link_bar = c->placement == RTE_VMSG_PCIE_PLACEMENT_BAR ? (uint32_t)c->prof->ram_bar
								  : UINT32_MAX;
	/* An older caller's smaller struct gets what it knows; a newer one's tail is zeroed. */
	if (sz > sizeof(in)) {
		memset(info, 0, sz);
		sz = sizeof(in);
	}
	memcpy(info, &in, sz);
	return 0;
}

int rte_vmsg_pcie_stats_get(const struct rte_vmsg_pcie *c, struct rte_vmsg_pcie_stats *st)
{
	struct rte_vmsg_bus_amp_stats as;
	uint32_t i;

	if (c == NULL || st == NULL)
		return -EINVAL;
	memset(st, 0, sizeof(*st));
	for (i = 0; i < RTE_VMSG_PCIE_MAX_BARS; i++)
		(void)rte_vmsg_region_io_stats(c->region[i], &st->bar_reads[i], &st->bar_writes[i]);
	if (rte_vmsg_bus_amp_stats_get(c->amp, &as) == 0) {
		st->link_breaks = as.link_breaks;
		st->link_recoveries = as.link_recoveries;
		if (c->o.notify == RTE_VMSG_PCIE_NOTIFY_EVENT) {
			st->doorbells = as.bell_kicks;
			if (c->prof->doorbell_readback)
				st->doorbell_readbacks = as.bell_kicks;
		}
	}
	st->publishes = c->publishes;
	st->interrupts = c->wakeups;
	st->req_notified = (uint64_t)c->req_seen;
	return 0;
}
