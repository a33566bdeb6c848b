/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg driver side: the initialization flow of §5 (device init,
 * queue setup with read-back, DRIVER_OK).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "rte_vmsg_bus.h"
#include "rte_vmsg_transport.h"
#include "drv_priv.h"

/* ------------------------------------------------------------------------ */
/* Initialization flow (§5)                                                  */

/* Writes @want and checks the answer holds it; -ESTALE on DEVICE_NEEDS_RESET. */
static int write_status(struct rte_vmsg_drv *drv, uint32_t want, uint32_t *got)
{
	uint32_t st = 0;
	int rc = rte_vmsg_drv_set_status(drv, want, &st);

	if (rc < 0)
		return rc;
	if (got != NULL)
		*got = st;
	if ((st & RTE_VMSG_STATUS_DEVICE_NEEDS_RESET) != 0)
		return -ESTALE;
	return 0;
}

int rte_vmsg_drv_init(struct rte_vmsg_drv *drv, const uint32_t *wanted, uint32_t nblocks,
		      uint32_t *negotiated)
{
	const uint32_t nc = RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA;
	uint32_t st = 0, want, nfb, k;
	struct rte_vmsg_dev_info info;
	uint32_t *offered = NULL, *sel = NULL;
	int rc;

	if (drv == NULL || (wanted == NULL && nblocks > 0))
		return -EINVAL;
	rc = rte_vmsg_drv_get_info(drv, &info); /* DRV-13 */
	if (rc < 0)
		return rc;
	nfb = info.num_feature_blocks;
	if (nfb > MAX_FEATURE_BLOCKS)
		return -EPROTO;
	rc = rte_vmsg_drv_reset(drv); /* DRV-14, DRV-26 */
	if (rc < 0)
		return rc;
	want = RTE_VMSG_STATUS_ACKNOWLEDGE;
	rc = write_status(drv, want, &st);
	if (rc < 0)
		return rc;
	want |= RTE_VMSG_STATUS_DRIVER;
	rc = write_status(drv, want, &st);
	if (rc < 0)
		return rc;
	if ((st & want) != want)
		return -EPROTO;
	offered = calloc(nfb + 1u, sizeof(*offered));
	sel = calloc(nfb + 1u, sizeof(*sel));
	rc = -ENOMEM;
	if (offered == NULL || sel == NULL)
		goto out;
	if (nfb > 0) {
		rc = rte_vmsg_drv_get_features(drv, 0, nfb, offered); /* DRV-16 */
		if (rc < 0)
			goto out;
		for (k = 0; k < nfb; k++)
			sel[k] = offered[k] & (k < nblocks ? wanted[k] : 0u);
		if (nc / 32u < nfb)
			sel[nc / 32u] &= ~(1u << (nc % 32u)); /* DRV-17 */
		rc = rte_vmsg_drv_set_features(drv, 0, nfb, sel);
		if (rc < 0)
			goto out;
	}
	want |= RTE_VMSG_STATUS_FEATURES_OK;
	rc = write_status(drv, want, &st);
	if (rc < 0)
		goto out;
	if ((st & RTE_VMSG_STATUS_FEATURES_OK) == 0) {
		/* Refused (DRV-18): give up on the device until a reset. */
		(void)rte_vmsg_drv_set_status(
			drv, (want & ~RTE_VMSG_STATUS_FEATURES_OK) | RTE_VMSG_STATUS_FAILED, NULL);
		rc = -ENOTSUP;
		goto out;
	}
	free(drv->feat);
	drv->feat = sel;
	drv->nfeat = nfb;
	sel = NULL;
	drv->state = ST_FEATURES_OK;
	if (negotiated != NULL)
		for (k = 0; k < nblocks; k++)
			negotiated[k] = k < nfb ? drv->feat[k] : 0u;
	rc = 0;
out:
	free(offered);
	free(sel);
	return rc;
}

int rte_vmsg_drv_vq_setup(struct rte_vmsg_drv *drv, uint32_t index, uint32_t size, uint64_t desc,
			  uint64_t driver, uint64_t device)
{
	struct rte_vmsg_vqueue vq, set;
	int rc;

	if (drv == NULL)
		return -EINVAL;
	/* Queues only after FEATURES_OK was accepted (DRV-18). */
	if (drv->state == ST_OPEN)
		return -EPERM;
	/* Split-ring alignment (DRV-20). */
	if (size == 0 || (desc & 15u) != 0 || (driver & 1u) != 0 || (device & 3u) != 0)
		return -EINVAL;
	rc = rte_vmsg_drv_get_vqueue(drv, index, &vq); /* DRV-19 */
	if (rc < 0)
		return rc;
	if (vq.max_size == 0)
		return -ENOENT;
	if ((vq.flags & RTE_VMSG_VQ_ENABLED) != 0)
		return -EBUSY; /* DRV-21: never rewrite an enabled queue */
	if (size > vq.max_size)
		return -EINVAL;
	memset(&set, 0, sizeof(set));
	set.index = index;
	set.flags = RTE_VMSG_VQ_OP_ENABLE;
	set.size = size;
	set.desc_addr = desc;
	set.driver_addr = driver;
	set.device_addr = device;
	rc = rte_vmsg_drv_set_vqueue(drv, &set);
	if (rc < 0)
		return rc;
	/* The response is the same whatever happened: read back (DRV-22). */
	rc = rte_vmsg_drv_get_vqueue(drv, index, &vq);
	if (rc < 0)
		return rc;
	if ((vq.flags & RTE_VMSG_VQ_ENABLED) == 0 || vq.size != size || vq.desc_addr != desc ||
	    vq.driver_addr != driver || vq.device_addr != device)
		return -EIO;
	if (index < drv->nvq)
		drv->vq_on[index] = 1;
	return 0;
}

int rte_vmsg_drv_driver_ok(struct rte_vmsg_drv *drv)
{
	const uint32_t want = RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER |
			      RTE_VMSG_STATUS_FEATURES_OK | RTE_VMSG_STATUS_DRIVER_OK;
	uint32_t st = 0;
	int rc;

	if (drv == NULL)
		return -EINVAL;
	if (drv->state == ST_OPEN)
		return -EPERM; /* DRV-24: after negotiation */
	if (drv->needs_reset)
		return -ESTALE;
	rc = write_status(drv, want, &st);
	if (rc < 0)
		return rc;
	if ((st & RTE_VMSG_STATUS_DRIVER_OK) == 0)
		return -EIO; /* I/O starts only once the device reports it */
	drv->state = ST_LIVE;
	return 0;
}
