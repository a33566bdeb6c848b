/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * A minimal device model for bus tests: 8 bytes of read-only config space
 * (1..8) and one queue of up to 64 entries.
 */

#ifndef TEST_MODEL_H
#define TEST_MODEL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_transport.h>

#include "vmsg_util.h"

static const uint8_t tmodel_cfg[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static struct vmsg_util_model tmodel_the = { tmodel_cfg, sizeof(tmodel_cfg) };

/*
 * A device numbered @p num on a link of @p max bytes, or (@p bus not NULL)
 * created on a device-role bus with the bus's parameters (@p max and
 * @p features 0) and registered there; exits on failure.
 */
static inline struct rte_vmsg_dev *tmodel_dev_make(uint16_t num, uint32_t max, uint64_t features,
						   struct rte_vmsg_bus *bus)
{
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_dev_opts o;
	struct rte_vmsg_dev *d = NULL;

	vmsg_util_model_ops(&ops, &tmodel_the, 1);
	ops.num_queues = 1;
	ops.queue_max_size = 64;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.dev_num = num;
	o.max_msg_size = max;
	o.transport_features = features;
	o.bus = bus;
	if (rte_vmsg_dev_create(&o, &ops, &tmodel_the, &d) != 0) {
		fprintf(stderr, "dev_create %u failed\n", num);
		exit(1);
	}
	return d;
}

/* A device numbered @p num on a link of @p max bytes, without a bus. */
static inline struct rte_vmsg_dev *tmodel_dev_new(uint16_t num, uint32_t max, uint64_t features)
{
	return tmodel_dev_make(num, max, features, NULL);
}

/* A device numbered @p num created on device-role bus @p bus (registered: ADDED). */
static inline struct rte_vmsg_dev *tmodel_dev_on(uint16_t num, struct rte_vmsg_bus *bus)
{
	return tmodel_dev_make(num, 0, 0, bus);
}

/*
 * A plain bus request handler over a transport device (@p ctx): what
 * rte_vmsg_dev_create() registers for a device given a bus, for tests that
 * register by hand with rte_vmsg_bus_dev_register().
 */
static inline int tmodel_dev_request(void *ctx, const void *frame, size_t len, void *resp,
				     size_t cap)
{
	return rte_vmsg_dev_handle((struct rte_vmsg_dev *)ctx, frame, len, resp, cap);
}

#endif /* TEST_MODEL_H */
