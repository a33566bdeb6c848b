/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd, bus=amp: a bare AMP link on a plain file that someone else may
 * have made (a QEMU ivshmem backing file, a BAR), with no bus page and no
 * liveness words: the layout at offset= (v1: written by the device side
 * with esize= and elems=; v0: two 4 KiB queues, nothing written), the
 * payload profile payloads=, and the peer's memory
 * as mem=FILE[@BASE] files (bus address BASE + x is offset x of FILE). The
 * link's handshake, restarts and hostile values are the library's amp
 * backend's; the rest of the port is port_vmsg.c's, as for the shm bus.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"
#include "vmsg_util.h"

struct fwd_amp_end {
	struct rte_vmsg_region *link; /* the file holding the layout */
	struct rte_vmsg_region *mem[FWD_MAX_MEM];
	uint32_t nmem;
	struct rte_vmsg_memmap *map;
	struct rte_vmsg_bus_amp *amp;
};

static void amp_end_free(struct fwd_amp_end *e)
{
	uint32_t i;

	if (e == NULL)
		return;
	rte_vmsg_bus_amp_destroy(e->amp);
	rte_vmsg_memmap_destroy(e->map);
	for (i = 0; i < e->nmem; i++)
		rte_vmsg_region_destroy(e->mem[i]);
	rte_vmsg_region_destroy(e->link);
	free(e);
}

/* The link file: mapped as it is, or created with size= (device role) when missing. */
static int map_link(const struct fwd_cfg *cfg, struct fwd_port *p, struct fwd_amp_end *e)
{
	struct rte_vmsg_region_opts ro;
	int rc = vmsg_util_attach_file(p->file, 0, &e->link);

	if (rc != -ENOENT || p->size == 0 || p->role != RTE_VMSG_BUS_DEVICE)
		return rc;
	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.kind = RTE_VMSG_REGION_KIND_FILE;
	ro.flags = RTE_VMSG_REGION_OPT_NO_HUGE | (cfg->keep ? 0u : RTE_VMSG_REGION_OPT_UNLINK);
	ro.path = p->file;
	ro.size = (size_t)p->size;
	rc = rte_vmsg_region_create(&ro, &e->link);
	if (rc == 0)
		p->created = 1;
	return rc;
}

int fwd_amp_open(const struct fwd_cfg *cfg, struct fwd_port *p)
{
	struct rte_vmsg_bus_amp_opts ao;
	struct rte_vmsg_bus_opts bo;
	struct fwd_amp_end *e;
	const char *what;
	uint32_t i;
	int rc;

	e = calloc(1, sizeof(*e));
	if (e == NULL)
		return -ENOMEM;
	what = "mapping the link file";
	rc = map_link(cfg, p, e);
	if (rc == -ENOENT) {
		amp_end_free(e);
		return rc;
	}
	if (rc < 0)
		goto fail;
	if (p->offset >= rte_vmsg_region_len(e->link)) {
		rc = -EINVAL;
		what = "offset= past the end of the file";
		goto fail;
	}
	what = "mapping a mem= file";
	for (i = 0; i < p->nmem; i++) {
		rc = vmsg_util_attach_file(p->mem[i], p->mem_base[i], &e->mem[i]);
		if (rc < 0)
			goto fail;
		e->nmem++;
	}
	/*
	 * The peer's addresses: in the mem= files, or (none given) offsets in
	 * the link file, as on the shm bus.
	 */
	what = "the map of the peer's memory";
	rc = rte_vmsg_memmap_create(&e->map);
	for (i = 0; rc == 0 && i < e->nmem; i++)
		rc = rte_vmsg_memmap_add(e->map, e->mem[i]);
	if (rc == 0 && e->nmem == 0)
		rc = rte_vmsg_memmap_add(e->map, e->link);
	if (rc < 0)
		goto fail;

	memset(&ao, 0, sizeof(ao));
	ao.sz = sizeof(ao);
	ao.role = p->role;
	ao.region = e->link;
	ao.offset = p->offset;
	ao.layout = p->layout;
	if (p->role == RTE_VMSG_BUS_DEVICE && p->layout == RTE_VMSG_AMP_LAYOUT_V1) {
		ao.num_elems = p->elems;
		ao.elem_size = p->esize;
	}
	ao.map = e->map;
	what = "the AMP link";
	rc = rte_vmsg_bus_amp_create(&ao, &e->amp);
	if (rc == -EAGAIN) {
		amp_end_free(e); /* the device has not written the layout yet */
		return rc;
	}
	if (rc < 0)
		goto fail;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.role = p->role;
	bo.payloads = p->payloads;
	bo.peer_timeout_ms = p->peer_timeout_ms; /* a bare link has no heartbeat: PINGs */
	what = "the bus";
	rc = rte_vmsg_bus_create(&bo, rte_vmsg_bus_amp_ops(), e->amp, &p->bus);
	if (rc < 0)
		goto fail;
	p->amp = e;
	/* The file as mapped (the offset is in the port's own line). */
	snprintf(p->path, sizeof(p->path), "%s", rte_vmsg_region_path(e->link));
	return 0;
fail:
	fprintf(stderr, FWD_NAME ": port %u (%s): %s: %s\n", p->index, p->file, what,
		strerror(-rc));
	amp_end_free(e);
	return rc;
}

void fwd_amp_close(struct fwd_port *p)
{
	rte_vmsg_bus_destroy(p->bus);
	p->bus = NULL;
	amp_end_free(p->amp);
	p->amp = NULL;
}

void fwd_amp_dma(const struct fwd_port *p, void **addr, uint64_t *bus_addr, uint64_t *size)
{
	const struct rte_vmsg_region *r = p->amp->mem[0];

	*addr = rte_vmsg_region_addr(r);
	*bus_addr = rte_vmsg_region_bus_addr(r);
	*size = rte_vmsg_region_len(r);
}
