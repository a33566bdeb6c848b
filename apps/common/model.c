/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * A config-only device model for the transport's device side.
 */

#include <string.h>

#include <rte_vmsg_transport.h>

#include "vmsg_util.h"

int vmsg_util_model_config_read(void *ctx, uint32_t off, void *buf, uint32_t len)
{
	const struct vmsg_util_model *m = ctx;

	/* lib/transport checks off + len against config_size before the call. */
	memcpy(buf, m->cfg + off, len);
	return 0;
}

void vmsg_util_model_ops(struct rte_vmsg_dev_ops *ops, const struct vmsg_util_model *m,
			 uint32_t device_id)
{
	memset(ops, 0, sizeof(*ops));
	ops->sz = sizeof(*ops);
	ops->device_id = device_id;
	ops->vendor_id = 0x1af4;
	ops->config_size = m->cfg_size;
	ops->config_read = vmsg_util_model_config_read;
}
