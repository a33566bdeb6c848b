/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The VFIO layer over the kernel's vfio-pci, container/group flow with the
 * type 1 v2 IOMMU (Linux 6.1 has no cdev/iommufd flow): the device's
 * checks in sysfs, container, group, IOMMU and its IOVA window, device fd,
 * config space, BAR mappings (sparse areas and the MSI-X table hole
 * respected), interrupts to eventfds, reset and DMA mapping.
 * Documentation/driver-api/vfio.rst and <linux/vfio.h> are the contract.
 */

#define RTE_VMSG_LOG_PREFIX "pcie_amp: "

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/vfio.h>

#include "log_priv.h"
#include "pcie_amp_priv.h"

struct vfio_dev {
	int container;
	int group;
	int device;
	unsigned long group_no;
	char bdf[16];
	struct vfio_device_info info;
	uint64_t cfg_offset; /* the CONFIG region's offset in the device fd */
	uint64_t cfg_size;
	struct pcie_amp_iova iova;
	uint64_t iova_pgsizes;
};

/* A BAR mapping's own record (pcie_amp_bar.priv). */
struct vfio_bar {
	struct vfio_dev *d;
	uint8_t *base;		   /* the reservation: the whole BAR, PROT_NONE outside the areas */
	size_t map_len;		   /* bytes reserved (the BAR rounded up to pages) */
	uint64_t fd_off;	   /* the region's offset in the device fd */
	uint64_t size;		   /* bytes of the BAR */
	struct pcie_amp_sparse sp; /* the mmap'd areas; none: pread/pwrite only */
	struct rte_vmsg_region_io_ops io; /* used when some of the BAR is not mmap'd */
};

/* ------------------------------------------------------------------------ */
/* sysfs                                                                     */

static const char *env_sysfs(const struct pcie_amp_vfio_env *env)
{
	return env != NULL && env->sysfs != NULL ? env->sysfs : "/sys";
}

static const char *env_dev(const struct pcie_amp_vfio_env *env)
{
	return env != NULL && env->dev_vfio != NULL ? env->dev_vfio : "/dev/vfio";
}

/* The last component of the symbolic link @p path points to, or "" without the link. */
static void link_base(const char *path, char *out, size_t cap)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);
	const char *b;

	out[0] = '\0';
	if (n <= 0)
		return;
	buf[n] = '\0';
	b = strrchr(buf, '/');
	b = b != NULL ? b + 1 : buf;
	if (strlen(b) < cap)
		memcpy(out, b, strlen(b) + 1);
}

/* Drivers that leave a group viable: vfio's own, and the bridge driver. */
static int driver_viable(const char *drv)
{
	return drv[0] == '\0' || strcmp(drv, "vfio-pci") == 0 || strcmp(drv, "pci-stub") == 0 ||
	       strcmp(drv, "pcieport") == 0;
}

/*
 * The other devices of the group that hold it back (bound to a host
 * driver), as "BDF (driver), ..." in @p out. Returns how many.
 */
static int group_blockers(const char *sysfs, const char *bdf, char *out, size_t cap)
{
	char path[PATH_MAX], drv[64];
	struct dirent *de;
	size_t used = 0;
	int n = 0;
	DIR *dir;

	out[0] = '\0';
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group/devices", sysfs, bdf);
	dir = opendir(path);
	if (dir == NULL)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, bdf) == 0)
			continue;
		snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group/devices/%s/driver",
			 sysfs, bdf, de->d_name);
		link_base(path, drv, sizeof(drv));
		if (driver_viable(drv))
			continue;
		if (used < cap) {
			int k = snprintf(out + used, cap - used, "%s%s (driver %s)", n ? ", " : "",
					 de->d_name, drv);

			used += k > 0 ? (size_t)k : 0;
		}
		n++;
	}
	closedir(dir);
	return n;
}

int pcie_amp_vfio_bound(const struct pcie_amp_vfio_env *env, const char *bdf)
{
	char path[PATH_MAX], drv[64];

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", env_sysfs(env), bdf);
	link_base(path, drv, sizeof(drv));
	return strcmp(drv, "vfio-pci") == 0;
}

/*
 * The checks that turn the usual set-up mistakes into one line each with
 * the fix: no such device, no IOMMU group (IOMMU off), not bound to
 * vfio-pci, a group that other devices hold back. Fills the group number.
 */
static int vfio_sysfs_check(const struct pcie_amp_vfio_env *env, const char *bdf,
			    unsigned long *group_no)
{
	const char *sysfs = env_sysfs(env);
	char path[PATH_MAX], grp[64], drv[64], others[512];
	struct stat st;
	char *end;
	int n;

	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s", sysfs, bdf);
	if (stat(path, &st) < 0) {
		RTE_VMSG_LOG(ERR, "%s: no such PCI device (%s missing; lspci -D lists the devices)",
			     bdf, path);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/iommu_group", sysfs, bdf);
	link_base(path, grp, sizeof(grp));
	if (grp[0] == '\0') {
		RTE_VMSG_LOG(ERR,
			     "%s: no IOMMU group (no %s link): the IOMMU is off; boot with "
			     "intel_iommu=on (or amd_iommu=on; in a QEMU guest also "
			     "-device intel-iommu,intremap=on)",
			     bdf, path);
		return -ENODEV;
	}
	errno = 0;
	*group_no = strtoul(grp, &end, 10);
	if (errno != 0 || *end != '\0') {
		RTE_VMSG_LOG(ERR, "%s: IOMMU group '%s' is not a number", bdf, grp);
		return -ENODEV;
	}
	snprintf(path, sizeof(path), "%s/bus/pci/devices/%s/driver", sysfs, bdf);
	link_base(path, drv, sizeof(drv));
	if (strcmp(drv, "vfio-pci") != 0) {
		char unbind[PATH_MAX + 64] = "";

		if (drv[0] != '\0')
			snprintf(unbind, sizeof(unbind), "echo %s > %s/unbind; ", bdf, path);
		RTE_VMSG_LOG(ERR,
			     "%s: bound to %s, not vfio-pci: bind it with: modprobe vfio-pci; "
			     "echo vfio-pci > %s/bus/pci/devices/%s/driver_override; "
			     "%secho %s > %s/bus/pci/drivers_probe",
			     bdf, drv[0] != '\0' ? drv : "no driver", sysfs, bdf, unbind, bdf,
			     sysfs);
		return -ENODEV;
	}
	n = group_blockers(sysfs, bdf, others, sizeof(others));
	if (n > 0) {
		RTE_VMSG_LOG(ERR,
			     "%s: IOMMU group %lu is not viable: bind these to vfio-pci too or "
			     "unbind them (see %s/bus/pci/devices/%s/iommu_group/devices): %s",
			     bdf, *group_no, sysfs, bdf, others);
		return -EBUSY;
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Container, group, device                                                  */

static int vfio_fail(const char *bdf, const char *step, int err)
{
	RTE_VMSG_LOG(ERR, "%s: %s: %s", bdf, step, strerror(err));
	return -err;
}

/* VFIO_IOMMU_GET_INFO, grown to what the capability chain needs, then parsed. */
static int vfio_iommu_info(struct vfio_dev *d)
{
	struct vfio_iommu_type1_info probe;
	void *buf;
	int rc;

	memset(&probe, 0, sizeof(probe));
	probe.argsz = sizeof(probe);
	if (ioctl(d->container, VFIO_IOMMU_GET_INFO, &probe) < 0)
		return vfio_fail(d->bdf, "VFIO_IOMMU_GET_INFO", errno);
	d->iova_pgsizes = probe.iova_pgsizes;
	if (probe.argsz <= sizeof(probe))
		return pcie_amp_iova_parse(&d->iova, &probe, sizeof(probe));
	buf = calloc(1, probe.argsz);
	if (buf == NULL)
		return -ENOMEM;
	memcpy(buf, &probe, sizeof(uint32_t)); /* argsz: the size the kernel asked for */
	if (ioctl(d->container, VFIO_IOMMU_GET_INFO, buf) < 0) {
		rc = vfio_fail(d->bdf, "VFIO_IOMMU_GET_INFO", errno);
	} else {
		rc = pcie_amp_iova_parse(&d->iova, buf, probe.argsz);
		if (rc == -EPROTO)
			RTE_VMSG_LOG(ERR, "%s: malformed IOMMU capability chain", d->bdf);
	}
	free(buf);
	return rc;
}

static int vfio_region_info(struct vfio_dev *d, uint32_t index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, ri) < 0)
		return -errno;
	return 0;
}

static void vfio_close(void *dev)
{
	struct vfio_dev *d = dev;

	if (d == NULL)
		return;
	if (d->device >= 0)
		close(d->device);
	if (d->group >= 0)
		close(d->group); /* detaches the group from the container */
	if (d->container >= 0)
		close(d->container);
	free(d);
}

static int vfio_open(void *arg, const char *bdf, void **out)
{
	const struct pcie_amp_vfio_env *env = arg;
	struct vfio_group_status gs;
	struct vfio_region_info ri;
	char path[PATH_MAX];
	struct vfio_dev *d;
	int rc, api;

	d = calloc(1, sizeof(*d));
	if (d == NULL)
		return -ENOMEM;
	d->container = d->group = d->device = -1;
	snprintf(d->bdf, sizeof(d->bdf), "%s", bdf);
	rc = vfio_sysfs_check(env, bdf, &d->group_no);
	if (rc < 0)
		goto fail;

	/* The container and its API. */
	snprintf(path, sizeof(path), "%s/vfio", env_dev(env));
	d->container = open(path, O_RDWR | O_CLOEXEC);
	if (d->container < 0) {
		rc = -errno;
		RTE_VMSG_LOG(ERR, "%s: cannot open %s: %s (%s)", bdf, path, strerror(-rc),
			     rc == -ENOENT ? "modprobe vfio-pci"
					   : "run as root, or give this user "
					     "the device files");
		goto fail;
	}
	api = ioctl(d->container, VFIO_GET_API_VERSION);
	if (api != VFIO_API_VERSION) {
		RTE_VMSG_LOG(ERR, "%s: VFIO API version %d, not %d", bdf, api, VFIO_API_VERSION);
		rc = -ENOTSUP;
		goto fail;
	}
	if (ioctl(d->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) <= 0) {
		RTE_VMSG_LOG(ERR,
			     "%s: the kernel has no type 1 v2 IOMMU for VFIO "
			     "(modprobe vfio_iommu_type1; IOMMU on: intel_iommu=on)",
			     bdf);
		rc = -ENOTSUP;
		goto fail;
	}

	/* The group: viable (every device in it bound to vfio or to none). */
	snprintf(path, sizeof(path), "%s/%lu", env_dev(env), d->group_no);
	d->group = open(path, O_RDWR | O_CLOEXEC);
	if (d->group < 0) {
		rc = -errno;
		RTE_VMSG_LOG(ERR, "%s: cannot open %s: %s (%s)", bdf, path, strerror(-rc),
			     rc == -EBUSY ? "another process (QEMU, DPDK) has the group"
					  : "run as root, or give this user the group file");
		goto fail;
	}
	memset(&gs, 0, sizeof(gs));
	gs.argsz = sizeof(gs);
	if (ioctl(d->group, VFIO_GROUP_GET_STATUS, &gs) < 0) {
		rc = vfio_fail(bdf, "VFIO_GROUP_GET_STATUS", errno);
		goto fail;
	}
	if ((gs.flags & VFIO_GROUP_FLAGS_VIABLE) == 0) {
		RTE_VMSG_LOG(ERR,
			     "%s: IOMMU group %lu is not viable: bind every device in "
			     "%s/bus/pci/devices/%s/iommu_group/devices to vfio-pci, or unbind it",
			     bdf, d->group_no, env_sysfs(env), bdf);
		rc = -EBUSY;
		goto fail;
	}
	if (ioctl(d->group, VFIO_GROUP_SET_CONTAINER, &d->container) < 0) {
		rc = vfio_fail(bdf, "VFIO_GROUP_SET_CONTAINER", errno);
		goto fail;
	}
	/* Only once a group is attached does the container take an IOMMU type. */
	if (ioctl(d->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU) < 0) {
		rc = vfio_fail(bdf, "VFIO_SET_IOMMU(type 1 v2)", errno);
		goto fail;
	}
	rc = vfio_iommu_info(d);
	if (rc < 0)
		goto fail;

	/* The device. */
	d->device = ioctl(d->group, VFIO_GROUP_GET_DEVICE_FD, d->bdf);
	if (d->device < 0) {
		rc = vfio_fail(bdf, "VFIO_GROUP_GET_DEVICE_FD", errno);
		goto fail;
	}
	memset(&d->info, 0, sizeof(d->info));
	d->info.argsz = sizeof(d->info);
	if (ioctl(d->device, VFIO_DEVICE_GET_INFO, &d->info) < 0) {
		rc = vfio_fail(bdf, "VFIO_DEVICE_GET_INFO", errno);
		goto fail;
	}
	if ((d->info.flags & VFIO_DEVICE_FLAGS_PCI) == 0 ||
	    d->info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
		RTE_VMSG_LOG(ERR, "%s: not a vfio-pci device", bdf);
		rc = -ENODEV;
		goto fail;
	}
	rc = vfio_region_info(d, VFIO_PCI_CONFIG_REGION_INDEX, &ri);
	if (rc < 0) {
		rc = vfio_fail(bdf, "VFIO_DEVICE_GET_REGION_INFO(config)", -rc);
		goto fail;
	}
	d->cfg_offset = ri.offset;
	d->cfg_size = ri.size;
	*out = d;
	return 0;
fail:
	vfio_close(d);
	return rc;
}

static int vfio_info(void *dev, struct pcie_amp_dev_info *di)
{
	struct vfio_dev *d = dev;
	struct vfio_irq_info ii;
	uint32_t i;

	memset(di, 0, sizeof(*di));
	di->num_regions = d->info.num_regions;
	di->num_irqs = d->info.num_irqs;
	di->can_reset = (d->info.flags & VFIO_DEVICE_FLAGS_RESET) != 0;
	for (i = 0; i < PCIE_AMP_NUM_IRQS && i < d->info.num_irqs; i++) {
		memset(&ii, 0, sizeof(ii));
		ii.argsz = sizeof(ii);
		ii.index = i;
		if (ioctl(d->device, VFIO_DEVICE_GET_IRQ_INFO, &ii) < 0) {
			/*
			 * vfio-pci answers -EINVAL for an index the function
			 * cannot have (the ERR index of a conventional PCI
			 * function: ivshmem on q35's root bus): none of it.
			 */
			if (errno == EINVAL)
				continue;
			return vfio_fail(d->bdf, "VFIO_DEVICE_GET_IRQ_INFO", errno);
		}
		if (ii.flags & VFIO_IRQ_INFO_EVENTFD)
			di->irq_count[i] = ii.count;
	}
	return 0;
}

static int vfio_cfg_rw(struct vfio_dev *d, uint32_t off, void *buf, size_t len, int wr)
{
	ssize_t n;

	if (off > d->cfg_size || len > d->cfg_size - off)
		return -EINVAL;
	n = wr ? pwrite(d->device, buf, len, (off_t)(d->cfg_offset + off))
	       : pread(d->device, buf, len, (off_t)(d->cfg_offset + off));
	if (n < 0)
		return vfio_fail(d->bdf, wr ? "config space write" : "config space read", errno);
	return (size_t)n == len ? 0 : -EIO;
}

static int vfio_cfg_read(void *dev, uint32_t off, void *buf, size_t len)
{
	return vfio_cfg_rw(dev, off, buf, len, 0);
}

static int vfio_cfg_write(void *dev, uint32_t off, const void *buf, size_t len)
{
	return vfio_cfg_rw(dev, off, (void *)(uintptr_t)buf, len, 1);
}

static int vfio_bar_size(void *dev, uint32_t bar, uint64_t *size)
{
	struct vfio_dev *d = dev;
	struct vfio_region_info ri;
	int rc;

	*size = 0;
	if (bar > VFIO_PCI_BAR5_REGION_INDEX || bar >= d->info.num_regions)
		return 0;
	rc = vfio_region_info(d, bar, &ri);
	if (rc < 0)
		return vfio_fail(d->bdf, "VFIO_DEVICE_GET_REGION_INFO", -rc);
	*size = ri.size;
	return 0;
}

/* ------------------------------------------------------------------------ */
/* BAR mappings                                                              */

/* Accessors of a BAR that is not (all) mmap'd: the areas directly, the rest by pread/pwrite. */
static uint8_t *bar_area_ptr(const struct vfio_bar *b, uint64_t off)
{
	uint32_t i;

	for (i = 0; i < b->sp.n; i++)
		if (off >= b->sp.off[i] && off - b->sp.off[i] + 4 <= b->sp.len[i])
			return b->base + off;
	return NULL;
}

static uint32_t bar_read32(void *arg, uint64_t off)
{
	struct vfio_bar *b = arg;
	uint8_t *p = bar_area_ptr(b, off);
	uint32_t v = UINT32_MAX; /* what a failed PCIe read returns */

	if (p != NULL)
		return rte_vmsg_le32_to_cpu(*(const volatile uint32_t *)(void *)p);
	if (pread(b->d->device, &v, sizeof(v), (off_t)(b->fd_off + off)) != (ssize_t)sizeof(v))
		return UINT32_MAX;
	return rte_vmsg_le32_to_cpu(v);
}

static void bar_write32(void *arg, uint64_t off, uint32_t v)
{
	struct vfio_bar *b = arg;
	uint8_t *p = bar_area_ptr(b, off);

	v = rte_vmsg_cpu_to_le32(v);
	if (p != NULL) {
		*(volatile uint32_t *)(void *)p = v;
		return;
	}
	/* A posted write either way; a failure has nobody to tell (as on the bus). */
	(void)!pwrite(b->d->device, &v, sizeof(v), (off_t)(b->fd_off + off));
}

int pcie_amp_sparse_parse(const void *info, size_t len, uint64_t bar_size,
			  struct pcie_amp_sparse *sp, int *found)
{
	const uint8_t *buf = info;
	struct vfio_region_info ri;
	uint32_t off, hops = 0;

	*found = 0;
	memset(sp, 0, sizeof(*sp));
	if (len < sizeof(ri))
		return -EPROTO;
	memcpy(&ri, buf, sizeof(ri));
	if ((ri.flags & VFIO_REGION_INFO_FLAG_CAPS) == 0)
		return 0;
	/* The kernel wrote the chain; still, no loop and no read outside it. */
	for (off = ri.cap_offset; off != 0; hops++) {
		struct vfio_info_cap_header ch;

		if (hops > 64 || off < sizeof(ri) || off > len || len - off < sizeof(ch))
			return -EPROTO;
		memcpy(&ch, buf + off, sizeof(ch));
		if (ch.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			struct vfio_region_info_cap_sparse_mmap sm;
			struct vfio_region_sparse_mmap_area a;
			uint32_t i;

			if (len - off < sizeof(sm))
				return -EPROTO;
			memcpy(&sm, buf + off, sizeof(sm));
			if (sm.nr_areas > (len - off - sizeof(sm)) / sizeof(a))
				return -EPROTO;
			*found = 1;
			sp->n = 0;
			for (i = 0; i < sm.nr_areas; i++) {
				memcpy(&a, buf + off + sizeof(sm) + i * sizeof(a), sizeof(a));
				if (a.size == 0)
					continue;
				if (a.offset > bar_size || a.size > bar_size - a.offset ||
				    sp->n == PCIE_AMP_SPARSE_MAX)
					return -EPROTO;
				sp->off[sp->n] = a.offset;
				sp->len[sp->n++] = a.size;
			}
		}
		off = ch.next;
	}
	return 0;
}

static int vfio_bar_map(void *dev, uint32_t bar, struct pcie_amp_bar *out)
{
	struct vfio_dev *d = dev;
	struct vfio_region_info ri, *full = NULL;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct vfio_bar *b;
	int rc, sparse = 0;
	uint32_t i;

	memset(out, 0, sizeof(*out));
	if (bar > VFIO_PCI_BAR5_REGION_INDEX || bar >= d->info.num_regions)
		return -EINVAL;
	rc = vfio_region_info(d, bar, &ri);
	if (rc < 0)
		return vfio_fail(d->bdf, "VFIO_DEVICE_GET_REGION_INFO", -rc);
	if (ri.size == 0 || ri.size > SIZE_MAX - page) {
		RTE_VMSG_LOG(ERR, "%s: BAR%u is not implemented by the device", d->bdf, bar);
		return -ENODEV;
	}
	b = calloc(1, sizeof(*b));
	if (b == NULL)
		return -ENOMEM;
	b->d = d;
	b->size = ri.size;
	b->fd_off = ri.offset;
	b->map_len = ((size_t)ri.size + page - 1) & ~(page - 1);
	/* The capability chain (sparse areas), when the region has one. */
	if ((ri.flags & VFIO_REGION_INFO_FLAG_CAPS) && ri.argsz > sizeof(ri)) {
		full = calloc(1, ri.argsz);
		rc = -ENOMEM;
		if (full == NULL)
			goto fail;
		full->argsz = ri.argsz;
		full->index = bar;
		if (ioctl(d->device, VFIO_DEVICE_GET_REGION_INFO, full) < 0) {
			rc = vfio_fail(d->bdf, "VFIO_DEVICE_GET_REGION_INFO(caps)", errno);
			goto fail;
		}
		rc = pcie_amp_sparse_parse(full, ri.argsz, ri.size, &b->sp, &sparse);
		if (rc < 0) {
			RTE_VMSG_LOG(ERR, "%s: BAR%u: malformed capability chain", d->bdf, bar);
			goto fail;
		}
	}
	/*
	 * One reservation of the whole BAR, inaccessible, so that the BAR has
	 * one address range; the mmap'able areas are mapped into it.
	 */
	b->base = mmap(NULL, b->map_len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
		       0);
	if (b->base == MAP_FAILED) {
		b->base = NULL;
		rc = vfio_fail(d->bdf, "reserving the BAR's address range", errno);
		goto fail;
	}
	if ((ri.flags & VFIO_REGION_INFO_FLAG_MMAP) && !sparse) {
		b->sp.n = 1;
		b->sp.off[0] = 0;
		b->sp.len[0] = ri.size;
	} else if ((ri.flags & VFIO_REGION_INFO_FLAG_MMAP) == 0) {
		b->sp.n = 0;
	}
	for (i = 0; i < b->sp.n; i++) {
		int prot = ((ri.flags & VFIO_REGION_INFO_FLAG_READ) ? PROT_READ : 0) |
			   ((ri.flags & VFIO_REGION_INFO_FLAG_WRITE) ? PROT_WRITE : 0);
		size_t len = ((size_t)b->sp.len[i] + page - 1) & ~(page - 1);

		if ((b->sp.off[i] & (page - 1)) != 0 || len > b->map_len - b->sp.off[i]) {
			rc = -EPROTO;
			RTE_VMSG_LOG(ERR, "%s: BAR%u: mmap area not page aligned", d->bdf, bar);
			goto fail;
		}
		if (mmap(b->base + b->sp.off[i], len, prot, MAP_SHARED | MAP_FIXED, d->device,
			 (off_t)(ri.offset + b->sp.off[i])) == MAP_FAILED) {
			rc = vfio_fail(d->bdf, "mmap of a BAR", errno);
			goto fail;
		}
	}
	out->addr = b->base;
	out->size = (size_t)ri.size;
	out->priv = b;
	/* All of it mmap'd: real loads and stores; else the accessors go by area or by fd. */
	if (!(b->sp.n == 1 && b->sp.off[0] == 0 && b->sp.len[0] == ri.size)) {
		b->io.sz = sizeof(b->io);
		b->io.read32 = bar_read32;
		b->io.write32 = bar_write32;
		out->io_ops = &b->io;
		out->io_arg = b;
	}
	free(full);
	return 0;
fail:
	if (b->base != NULL)
		munmap(b->base, b->map_len);
	free(full);
	free(b);
	return rc;
}

static void vfio_bar_unmap(void *dev, struct pcie_amp_bar *pb)
{
	struct vfio_bar *b = pb->priv;

	(void)dev;
	if (b == NULL)
		return;
	munmap(b->base, b->map_len);
	free(b);
	memset(pb, 0, sizeof(*pb));
}

/* ------------------------------------------------------------------------ */
/* Interrupts, reset, DMA                                                    */

static int vfio_irq_set(void *dev, uint32_t index, uint32_t start, uint32_t count, const int *fds)
{
	struct vfio_dev *d = dev;
	struct vfio_irq_set *s;
	size_t len = sizeof(*s) + (size_t)count * sizeof(int32_t);
	int rc = 0;

	if (count > 2048)
		return -EINVAL;
	s = calloc(1, len);
	if (s == NULL)
		return -ENOMEM;
	s->argsz = (uint32_t)len;
	s->index = index;
	s->start = start;
	s->count = count;
	/* count 0 with DATA_NONE | ACTION_TRIGGER turns the index off. */
	s->flags = VFIO_IRQ_SET_ACTION_TRIGGER |
		   (count != 0 ? VFIO_IRQ_SET_DATA_EVENTFD : VFIO_IRQ_SET_DATA_NONE);
	if (count != 0)
		memcpy(s->data, fds, (size_t)count * sizeof(int32_t));
	if (ioctl(d->device, VFIO_DEVICE_SET_IRQS, s) < 0)
		rc = vfio_fail(d->bdf, "VFIO_DEVICE_SET_IRQS", errno);
	free(s);
	return rc;
}

static int vfio_reset(void *dev)
{
	struct vfio_dev *d = dev;

	if ((d->info.flags & VFIO_DEVICE_FLAGS_RESET) == 0)
		return -ENOTSUP;
	if (ioctl(d->device, VFIO_DEVICE_RESET) < 0)
		return vfio_fail(d->bdf, "VFIO_DEVICE_RESET", errno);
	return 0;
}

static int vfio_dma_map(void *dev, void *va, uint64_t len, uint64_t *iova)
{
	struct vfio_dev *d = dev;
	struct vfio_iommu_type1_dma_map m;
	uint64_t align = (len % RTE_VMSG_PAGE_SIZE_2M) == 0 ? RTE_VMSG_PAGE_SIZE_2M : 4096u;
	int rc;

	if (*iova != PCIE_AMP_IOVA_ANY) {
		/* IOVA = PA: the address must be one the IOMMU can map. */
		rc = pcie_amp_iova_check(&d->iova, *iova, len);
		if (rc < 0) {
			RTE_VMSG_LOG(ERR,
				     "%s: the physical address 0x%llx (+%llu bytes) is outside the "
				     "IOMMU's usable IOVA ranges: IOVA = PA cannot map it",
				     d->bdf, (unsigned long long)*iova, (unsigned long long)len);
			return rc;
		}
	} else {
		rc = pcie_amp_iova_alloc(&d->iova, len, align, iova);
		if (rc < 0) {
			RTE_VMSG_LOG(ERR, "%s: no room for %llu bytes in the IOMMU's IOVA ranges",
				     d->bdf, (unsigned long long)len);
			return rc;
		}
	}
	memset(&m, 0, sizeof(m));
	m.argsz = sizeof(m);
	m.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE;
	m.vaddr = (uint64_t)(uintptr_t)va;
	m.iova = *iova;
	m.size = len;
	if (ioctl(d->container, VFIO_IOMMU_MAP_DMA, &m) < 0) {
		rc = -errno;
		RTE_VMSG_LOG(ERR, "%s: VFIO_IOMMU_MAP_DMA of %llu bytes: %s%s", d->bdf,
			     (unsigned long long)len, strerror(-rc),
			     rc == -ENOMEM ? " (raise the locked-memory limit: ulimit -l)" : "");
		return rc;
	}
	return 0;
}

static int vfio_dma_unmap(void *dev, uint64_t iova, uint64_t len)
{
	struct vfio_dev *d = dev;
	struct vfio_iommu_type1_dma_unmap u;

	memset(&u, 0, sizeof(u));
	u.argsz = sizeof(u);
	u.iova = iova;
	u.size = len;
	if (ioctl(d->container, VFIO_IOMMU_UNMAP_DMA, &u) < 0)
		return vfio_fail(d->bdf, "VFIO_IOMMU_UNMAP_DMA", errno);
	return 0;
}

const struct pcie_amp_vfio_ops pcie_amp_vfio_kernel = {
	.name = "vfio-pci",
	.open = vfio_open,
	.close = vfio_close,
	.info = vfio_info,
	.cfg_read = vfio_cfg_read,
	.cfg_write = vfio_cfg_write,
	.bar_size = vfio_bar_size,
	.bar_map = vfio_bar_map,
	.bar_unmap = vfio_bar_unmap,
	.irq_set = vfio_irq_set,
	.reset = vfio_reset,
	.dma_map = vfio_dma_map,
	.dma_unmap = vfio_dma_unmap,
};
