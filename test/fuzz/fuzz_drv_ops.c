/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: the driver transport (lib/transport drv*.c) against a fake
 * device that answers every request at once from the input. The backend of
 * the driver-role bus is an ops table of this file: each request it is
 * given is answered with the request's header (token, msg_id, dev_num,
 * type with the response bit) and a payload of the input's choosing, in
 * length and bytes, so the bus always matches it and the transport must
 * cope with what it says. The input picks the driver calls (synchronous:
 * each completes in one poll, so nothing depends on time), with buffers of
 * exactly the size asked for, and hands events to the handle. Every call
 * must return 0 or a negative errno and leave nothing in flight.
 *
 * Input: byte 0: bits 1:0 the maximum (52, 64, 128, 264), bit 2 pre-v2
 * payloads, bit 3 strict config generation; then steps: one opcode byte
 * and its arguments; each request sent takes its response from the bytes
 * that follow (a length byte, then the payload).
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_transport.h>

#include "fuzz.h"

#define MAX_STEPS 48
#define DEV_NUM 3
#define NQ 4

struct dev {
	struct in *in;
	uint32_t max;
	uint8_t q[NQ][RTE_VMSG_MAX_SIZE_DEFAULT];
	size_t qlen[NQ];
	uint32_t head, n;
	uint64_t answered;
};

static int dev_tx(void *ctx, const void *frame, size_t len)
{
	struct dev *d = ctx;
	const uint8_t *req = frame;
	uint8_t *r;
	uint32_t plen, i;

	FUZZ_CHECK(len >= RTE_VMSG_HDR_SIZE && len <= d->max);
	if (req[RTE_VMSG_OFF_MSG_ID] & 0x40)
		return 0; /* an event: never answered */
	if (d->n == NQ)
		return -EAGAIN;
	r = d->q[(d->head + d->n) % NQ];
	plen = take(d->in, 1) % (d->max - RTE_VMSG_HDR_SIZE + 1);
	memcpy(r, req, 6);
	r[RTE_VMSG_OFF_TYPE] |= RTE_VMSG_TYPE_RESPONSE;
	rte_vmsg_put_le16(r + RTE_VMSG_OFF_MSG_SIZE, (uint16_t)(RTE_VMSG_HDR_SIZE + plen));
	for (i = 0; i < plen; i++)
		r[RTE_VMSG_HDR_SIZE + i] = (uint8_t)take(d->in, 1);
	d->qlen[(d->head + d->n) % NQ] = RTE_VMSG_HDR_SIZE + plen;
	d->n++;
	d->answered++;
	return 0;
}

static int dev_rx_burst(void *ctx, void *bufs, size_t stride, size_t *lens, unsigned int n)
{
	struct dev *d = ctx;
	unsigned int k = 0;

	while (k < n && d->n > 0) {
		memcpy((uint8_t *)bufs + (size_t)k * stride, d->q[d->head % NQ],
		       d->qlen[d->head % NQ]);
		lens[k++] = d->qlen[d->head % NQ];
		d->head++;
		d->n--;
	}
	return (int)k;
}

static uint32_t dev_max(void *ctx)
{
	return ((struct dev *)ctx)->max;
}

static void on_config(void *arg, struct rte_vmsg_drv *drv, const struct rte_vmsg_config *ev)
{
	volatile uint8_t sink = 0;
	uint32_t i;

	(void)arg;
	(void)drv;
	if (ev->data != NULL)
		for (i = 0; i < ev->length; i++)
			sink ^= ev->data[i];
	(void)sink;
}

static void on_used(void *arg, struct rte_vmsg_drv *drv, uint32_t vq_index)
{
	(void)arg;
	(void)drv;
	(void)vq_index;
}

/* A driver call returns 0 or a negative errno, and leaves nothing in flight. */
static void check_call(struct rte_vmsg_bus *bus, int rc)
{
	FUZZ_CHECK(rc <= 0 && rc > -4096);
	FUZZ_CHECK(rte_vmsg_bus_inflight(bus) == 0);
}

static void step(struct rte_vmsg_drv *drv, struct rte_vmsg_bus *bus, struct in *in)
{
	uint8_t op = (uint8_t)take(in, 1), ev[64];
	struct rte_vmsg_dev_info info;
	struct rte_vmsg_vqueue vq;
	uint32_t a, b, st, blocks[4] = { 0 }, *buf32;
	uint8_t *buf;
	size_t len;

	switch (op % 14) {
	case 0:
		check_call(bus, rte_vmsg_drv_get_info(drv, &info));
		return;
	case 1:
		a = op >> 4;
		buf32 = malloc(sizeof(uint32_t) * (a % 4 + 1));
		FUZZ_CHECK(buf32 != NULL);
		check_call(bus, rte_vmsg_drv_get_features(drv, take(in, 1), a % 4 + 1, buf32));
		free(buf32);
		return;
	case 2:
		blocks[0] = take(in, 4);
		check_call(bus, rte_vmsg_drv_set_features(drv, 0, op >> 4 & 3 ? 2 : 1, blocks));
		return;
	case 3: /* GET_CONFIG into exactly len bytes */
		a = take(in, 1);
		b = take(in, 2) % 600 + 1;
		buf = malloc(b);
		FUZZ_CHECK(buf != NULL);
		check_call(bus, rte_vmsg_drv_get_config(drv, a, b, buf, &st));
		free(buf);
		return;
	case 4:
		a = take(in, 1);
		b = take(in, 1) % 300 + 1;
		buf = malloc(b);
		FUZZ_CHECK(buf != NULL);
		memset(buf, op, b);
		check_call(bus, rte_vmsg_drv_set_config(drv, a, b, buf));
		free(buf);
		return;
	case 5:
		check_call(bus, rte_vmsg_drv_get_status(drv, &st));
		return;
	case 6:
		check_call(bus, rte_vmsg_drv_set_status(drv, take(in, 1), &st));
		return;
	case 7:
		check_call(bus, rte_vmsg_drv_reset(drv));
		return;
	case 8:
		check_call(bus, rte_vmsg_drv_get_vqueue(drv, op >> 4, &vq));
		return;
	case 9:
		check_call(bus, rte_vmsg_drv_vq_setup(drv, op >> 4, 1u << (op >> 5), 0x1000, 0x2000,
						      0x3000));
		return;
	case 10:
		check_call(bus, rte_vmsg_drv_reset_vqueue(drv, op >> 4));
		return;
	case 11:
		blocks[0] = take(in, 4);
		blocks[1] = take(in, 4);
		check_call(bus, rte_vmsg_drv_init(drv, blocks, 2, blocks + 2));
		check_call(bus, rte_vmsg_drv_driver_ok(drv));
		return;
	case 12: /* an event from the device, as the bus would hand it over */
		len = take(in, 1) % sizeof(ev);
		for (a = 0; a < len; a++)
			ev[a] = (uint8_t)take(in, 1);
		if (len >= RTE_VMSG_HDR_SIZE && op & 0x10) {
			ev[RTE_VMSG_OFF_TYPE] = 0;
			ev[RTE_VMSG_OFF_MSG_ID] = op & 0x20 ? 0x42 : 0x40;
			rte_vmsg_put_le16(ev + RTE_VMSG_OFF_DEV_NUM, DEV_NUM);
			rte_vmsg_put_le16(ev + RTE_VMSG_OFF_MSG_SIZE, (uint16_t)len);
		}
		check_call(bus, rte_vmsg_drv_event(drv, ev, len));
		return;
	default:
		check_call(bus, rte_vmsg_drv_event_avail(drv, op >> 4, take(in, 4)));
		(void)rte_vmsg_drv_needs_reset(drv);
		(void)rte_vmsg_drv_generation(drv);
		return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t maxes[] = { RTE_VMSG_MAX_SIZE_MIN, 64, 128,
					  RTE_VMSG_MAX_SIZE_DEFAULT };
	static struct dev d;
	struct in in = { data, size };
	struct rte_vmsg_bus_ops ops;
	struct rte_vmsg_bus_opts o;
	struct rte_vmsg_drv_opts dopts;
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_drv *drv;
	uint32_t cfg, steps;

	if (size < 1)
		return 0;
	cfg = take(&in, 1);
	memset(&d, 0, sizeof(d));
	d.in = &in;
	d.max = maxes[cfg & 3];
	memset(&ops, 0, sizeof(ops));
	ops.sz = sizeof(ops);
	ops.tx = dev_tx;
	ops.rx_burst = dev_rx_burst;
	ops.max_msg_size = dev_max;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_BUS_DRIVER;
	o.max_inflight = 4;
	o.timeout_ns = 3600ull * 1000000000ull;
	o.payloads = cfg & 4 ? RTE_VMSG_PAYLOADS_PRE_V2 : RTE_VMSG_PAYLOADS_V2;
	o.transport_features = cfg & 8 ? RTE_VMSG_F_STRICT_CONFIG_GENERATION : 0;
	FUZZ_CHECK(rte_vmsg_bus_create(&o, &ops, &d, &bus) == 0);
	memset(&dopts, 0, sizeof(dopts));
	dopts.sz = sizeof(dopts);
	dopts.timeout_ns = o.timeout_ns;
	dopts.reset_timeout_ns = o.timeout_ns;
	FUZZ_CHECK(rte_vmsg_drv_open(bus, DEV_NUM, &dopts, &drv) == 0);
	FUZZ_CHECK(rte_vmsg_drv_set_config_cb(drv, on_config, NULL) == 0);
	FUZZ_CHECK(rte_vmsg_drv_set_used_cb(drv, on_used, NULL) == 0);

	for (steps = 0; steps < MAX_STEPS && in.n > 0; steps++)
		step(drv, bus, &in);
	rte_vmsg_drv_close(drv);
	rte_vmsg_bus_destroy(bus);
	return 0;
}
