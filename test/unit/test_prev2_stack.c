/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The pre-v2 payload profile chosen per bus instance: a driver handle and a
 * device of this library on a loop bus whose two ends both say
 * RTE_VMSG_PAYLOADS_PRE_V2 go through enumeration (GET_DEVICES), the whole
 * init flow, queue set-up with read-back and DRIVER_OK, and what crosses
 * the bus has the older sizes (a 32-byte GET_DEVICE_INFO response, 44-byte
 * GET_VQUEUE response and SET_VQUEUE request, a GET_DEVICES response with
 * num at @2). Mismatched profiles are refused at creation.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_transport.h>

#include "test_model.h"
#include "vtest.h"

/* Frame sizes seen on the wire, by type (bits 1:0) and msg_id. */
static uint16_t seen[4][256];
static struct rte_vmsg_bus_loop *loop;

static int spy_tx(void *ctx, const void *frame, size_t len)
{
	const uint8_t *f = frame;

	seen[f[0] & 3u][f[1]] = (uint16_t)len;
	return rte_vmsg_bus_loop_ops()->tx(ctx, frame, len);
}

static int spy_rx(void *ctx, void *bufs, size_t stride, size_t *lens, unsigned int n)
{
	return rte_vmsg_bus_loop_ops()->rx_burst(ctx, bufs, stride, lens, n);
}

static uint32_t spy_max(void *ctx)
{
	return rte_vmsg_bus_loop_ops()->max_msg_size(ctx);
}

static struct rte_vmsg_bus *devb;

static void poll_peer(void *arg)
{
	(void)arg;
	rte_vmsg_bus_poll(devb);
}

struct enum_rec {
	int calls, status;
	uint32_t ndevs;
};

static void on_enum(void *arg, int status, uint32_t ndevs)
{
	struct enum_rec *r = arg;

	r->calls++;
	r->status = status;
	r->ndevs = ndevs;
}

int main(void)
{
	static const uint32_t want[2] = { 0, 1 }; /* VERSION_1 */
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_bus_opts bo;
	struct rte_vmsg_bus_ops spy;
	struct rte_vmsg_dev_info info;
	struct rte_vmsg_dev_opts dopts;
	struct rte_vmsg_dev_ops ops;
	struct rte_vmsg_drv_opts ro;
	struct rte_vmsg_bus *drvb = NULL, *v2b = NULL;
	struct rte_vmsg_dev *dev = NULL, *bad = NULL;
	struct rte_vmsg_drv *drv = NULL;
	static const uint32_t offered[2] = { 0, 1 };
	static uint8_t bitmap[RTE_VMSG_BUS_DEV_BITMAP_SIZE];
	struct enum_rec er;
	uint32_t neg[2] = { 0, 0 }, status = 0;
	uint8_t cfg[8];
	int i;

	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.max_msg_size = 64; /* the Linux driver's element */
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &loop), 0);
	memset(&spy, 0, sizeof(spy));
	spy.sz = sizeof(spy);
	spy.tx = spy_tx;
	spy.rx_burst = spy_rx;
	spy.max_msg_size = spy_max;
	memset(&bo, 0, sizeof(bo));
	bo.sz = sizeof(bo);
	bo.payloads = 7;
	bo.role = RTE_VMSG_BUS_DRIVER;
	CHECK_EQ(rte_vmsg_bus_create(&bo, &spy, rte_vmsg_bus_loop_end(loop, 0), &drvb), -EINVAL);
	bo.payloads = RTE_VMSG_PAYLOADS_PRE_V2;
	CHECK_EQ(rte_vmsg_bus_create(&bo, &spy, rte_vmsg_bus_loop_end(loop, 0), &drvb), 0);
	bo.role = RTE_VMSG_BUS_DEVICE;
	CHECK_EQ(rte_vmsg_bus_create(&bo, &spy, rte_vmsg_bus_loop_end(loop, 1), &devb), 0);
	CHECK_EQ(rte_vmsg_bus_payloads(devb), RTE_VMSG_PAYLOADS_PRE_V2);
	CHECK_EQ(rte_vmsg_bus_payloads(NULL), RTE_VMSG_PAYLOADS_V2);
	if (drvb == NULL || devb == NULL)
		return vtest_done("prev2_stack");

	vmsg_util_model_ops(&ops, &tmodel_the, 1);
	ops.features = offered;
	ops.num_feature_blocks = 2;
	ops.num_queues = 2;
	ops.queue_max_size = 64;
	memset(&dopts, 0, sizeof(dopts));
	dopts.sz = sizeof(dopts);
	dopts.dev_num = 1;
	dopts.bus = devb;
	/* A device that says v2 on a pre-v2 bus is refused; one that says nothing takes the bus's. */
	bo.payloads = RTE_VMSG_PAYLOADS_V2;
	CHECK_EQ(rte_vmsg_bus_create(&bo, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(loop, 1),
				     &v2b),
		 0);
	dopts.bus = v2b;
	dopts.payloads = RTE_VMSG_PAYLOADS_PRE_V2;
	CHECK_EQ(rte_vmsg_dev_create(&dopts, &ops, &tmodel_the, &bad), -EINVAL);
	rte_vmsg_bus_destroy(v2b);
	dopts.bus = devb;
	dopts.payloads = 0;
	CHECK_EQ(rte_vmsg_dev_create(&dopts, &ops, &tmodel_the, &dev), 0);
	if (dev == NULL)
		return vtest_done("prev2_stack");

	/* Enumeration: the pre-v2 GET_DEVICES response (num @2, next_offset @4). */
	rte_vmsg_bus_poll(drvb); /* EVENT_DEVICE ADDED */
	memset(&er, 0, sizeof(er));
	CHECK_EQ(rte_vmsg_bus_enumerate(drvb, bitmap, on_enum, &er), 0);
	for (i = 0; i < 100 && er.calls == 0; i++) {
		rte_vmsg_bus_poll(devb);
		rte_vmsg_bus_poll(drvb);
	}
	CHECK_EQ(er.calls, 1);
	CHECK_EQ(er.status, 0);
	CHECK_EQ(er.ndevs, 1);
	CHECK((bitmap[0] & 2u) != 0);

	memset(&ro, 0, sizeof(ro));
	ro.sz = sizeof(ro);
	ro.poll_peer = poll_peer;
	CHECK_EQ(rte_vmsg_drv_open(drvb, 1, &ro, &drv), 0);
	if (drv == NULL)
		return vtest_done("prev2_stack");
	CHECK_EQ(rte_vmsg_drv_get_info(drv, &info), 0);
	CHECK_EQ(info.device_id, 1);
	CHECK_EQ(info.num_feature_blocks, 2); /* 64 feature bits on the wire */
	CHECK_EQ(rte_vmsg_drv_init(drv, want, 2, neg), 0);
	CHECK_EQ(neg[1], 1);
	CHECK_EQ(rte_vmsg_drv_vq_setup(drv, 0, 64, 0x10000, 0x11000, 0x12000), 0);
	CHECK_EQ(rte_vmsg_drv_vq_setup(drv, 1, 32, 0x20000, 0x21000, 0x22000), 0);
	CHECK_EQ(rte_vmsg_drv_driver_ok(drv), 0);
	CHECK_EQ(rte_vmsg_drv_get_status(drv, &status), 0);
	CHECK_EQ(status, 0x0F);
	CHECK_EQ(rte_vmsg_dev_driver_ok(dev), 1);
	CHECK_EQ(rte_vmsg_drv_get_config(drv, 0, 1, cfg, NULL), 0); /* one byte, as Linux reads */
	CHECK_EQ(cfg[0], 1);

	/* What crossed the bus: the older sizes. */
	CHECK_EQ(seen[RTE_VMSG_TYPE_BUS | RTE_VMSG_TYPE_RESPONSE][RTE_VMSG_BUS_ID_GET_DEVICES],
		 14 + (((64u - 14u) * 8u) + 7u) / 8u);
	CHECK_EQ(seen[RTE_VMSG_TYPE_RESPONSE][RTE_VMSG_ID_GET_DEVICE_INFO], 32);
	CHECK_EQ(seen[RTE_VMSG_TYPE_RESPONSE][RTE_VMSG_ID_GET_VQUEUE], 44);
	CHECK_EQ(seen[0][RTE_VMSG_ID_SET_VQUEUE], 44);

	rte_vmsg_drv_close(drv);
	rte_vmsg_dev_destroy(dev);
	rte_vmsg_bus_destroy(drvb);
	rte_vmsg_bus_destroy(devb);
	rte_vmsg_bus_loop_destroy(loop);
	return vtest_done("prev2_stack");
}
