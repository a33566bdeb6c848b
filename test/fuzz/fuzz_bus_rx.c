/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Fuzz target: the receive path of a driver-role bus endpoint (lib/bus)
 * with a live in-flight table. The backend is an ops table of this file:
 * tx keeps the frames the bus sends (with the bus's own tokens), rx_burst
 * hands over frames the input writes. The input submits transport
 * requests, PINGs and GET_DEVICES enumerations, then feeds responses:
 * fuzzed bytes, optionally given the header of a request that was sent
 * (its token, msg_id, dev_num and type), so that they match, arrive late,
 * twice or for nobody. Every callback must run exactly once per accepted
 * submission (the destroy at the end fails the rest), with the caller's
 * token in the response and a length equal to its msg_size.
 *
 * Input: byte 0: bits 1:0 log2 of max_inflight (1..8), bit 2 pre-v2
 * payloads, bits 4:3 the maximum (52, 64, 128, 264); then steps of one
 * opcode byte (bits 2:0) and its arguments.
 */

#include <errno.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_msg.h>

#include "fuzz.h"

#define MAX_STEPS 64
#define NSUB 64
#define NSENT 16
#define NRX 8
#define FRAME_MAX 300

struct backend {
	uint8_t sent[NSENT][FRAME_MAX];
	size_t sent_len[NSENT];
	uint32_t nsent;
	uint8_t rx[NRX][FRAME_MAX];
	size_t rx_len[NRX];
	uint32_t rx_head, rx_n;
	uint32_t max;
	int full;
};

static int be_tx(void *ctx, const void *frame, size_t len)
{
	struct backend *b = ctx;
	uint32_t i = b->nsent % NSENT;

	FUZZ_CHECK(len >= RTE_VMSG_HDR_SIZE && len <= b->max);
	if (b->full)
		return -EAGAIN;
	memcpy(b->sent[i], frame, len);
	b->sent_len[i] = len;
	b->nsent++;
	return 0;
}

static int be_rx_burst(void *ctx, void *bufs, size_t stride, size_t *lens, unsigned int n)
{
	struct backend *b = ctx;
	unsigned int k = 0;

	FUZZ_CHECK(stride >= b->max);
	while (k < n && b->rx_n > 0) {
		uint32_t i = b->rx_head % NRX;
		size_t len = b->rx_len[i] < stride ? b->rx_len[i] : stride;

		memcpy((uint8_t *)bufs + (size_t)k * stride, b->rx[i], len);
		lens[k++] = len;
		b->rx_head++;
		b->rx_n--;
	}
	return (int)k;
}

static uint32_t be_max(void *ctx)
{
	return ((struct backend *)ctx)->max;
}

/* One accepted submission: its callback count and the token it was given. */
struct sub {
	int calls;
	uint16_t token;
	uint8_t msg_id;
	uint8_t kind; /* 0 request, 1 ping, 2 enumerate */
};

static struct sub subs[NSUB];
static uint8_t bitmap[RTE_VMSG_BUS_DEV_BITMAP_SIZE];

static struct sub *sub_of(void *arg)
{
	struct sub *s = arg;

	FUZZ_CHECK(s >= subs && s < subs + NSUB);
	FUZZ_CHECK(++s->calls == 1);
	return s;
}

static void done_req(void *arg, int status, const void *resp, size_t len)
{
	struct sub *s = sub_of(arg);
	const uint8_t *r = resp;

	FUZZ_CHECK(s->kind == 0);
	if (status < 0) {
		FUZZ_CHECK(resp == NULL && len == 0);
		return;
	}
	FUZZ_CHECK(status == 0 && resp != NULL);
	FUZZ_CHECK(len >= RTE_VMSG_HDR_SIZE && len == rte_vmsg_get_le16(r + RTE_VMSG_OFF_MSG_SIZE));
	FUZZ_CHECK(rte_vmsg_get_le16(r + RTE_VMSG_OFF_TOKEN) == s->token);
	FUZZ_CHECK(r[RTE_VMSG_OFF_MSG_ID] == s->msg_id);
	FUZZ_CHECK(r[RTE_VMSG_OFF_TYPE] & RTE_VMSG_TYPE_RESPONSE);
}

static void done_ping(void *arg, int status, uint32_t data)
{
	struct sub *s = sub_of(arg);

	FUZZ_CHECK(s->kind == 1 && (status <= 0) && (status == 0 || data == 0));
}

static void done_enum(void *arg, int status, uint32_t ndevs)
{
	struct sub *s = sub_of(arg);

	FUZZ_CHECK(s->kind == 2 && status <= 0);
	(void)ndevs;
}

/* A request of each kind the transport sends; dev_num and token set later. */
static size_t request(uint8_t *f, uint32_t which)
{
	static const uint8_t ids[] = { 0x02, 0x03, 0x05, 0x07, 0x08, 0x09, 0x0C };
	static const uint8_t lens[] = { 0, 8, 8, 0, 4, 4, 4 };
	uint8_t id = ids[which % sizeof(ids)];
	size_t len = RTE_VMSG_HDR_SIZE + lens[which % sizeof(ids)];

	memset(f, 0, len);
	f[RTE_VMSG_OFF_TYPE] = 0;
	f[RTE_VMSG_OFF_MSG_ID] = id;
	rte_vmsg_put_le16(f + RTE_VMSG_OFF_MSG_SIZE, (uint16_t)len);
	if (id == 0x03 || id == 0x05)
		rte_vmsg_put_le32(f + RTE_VMSG_HDR_SIZE + 4, id == 0x03 ? 1 : 4);
	return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint32_t maxes[] = { RTE_VMSG_MAX_SIZE_MIN, 64, 128,
					  RTE_VMSG_MAX_SIZE_DEFAULT };
	static struct backend be;
	struct in in = { data, size };
	struct rte_vmsg_bus_ops ops;
	struct rte_vmsg_bus_opts o;
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_bus_stats st;
	uint32_t cfg, nsub = 0, steps, i, v;
	uint8_t req[RTE_VMSG_HDR_SIZE + 8], *f, op;
	size_t len;
	int rc;

	if (size < 1)
		return 0;
	memset(&be, 0, sizeof(be));
	memset(subs, 0, sizeof(subs));
	cfg = take(&in, 1);
	be.max = maxes[(cfg >> 3) & 3];
	memset(&ops, 0, sizeof(ops));
	ops.sz = sizeof(ops);
	ops.tx = be_tx;
	ops.rx_burst = be_rx_burst;
	ops.max_msg_size = be_max;
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_BUS_DRIVER;
	o.max_inflight = 1u << (cfg & 3);
	/* No request expires while the input runs: the run does not depend on time. */
	o.timeout_ns = 3600ull * 1000000000ull;
	o.payloads = cfg & 4 ? RTE_VMSG_PAYLOADS_PRE_V2 : RTE_VMSG_PAYLOADS_V2;
	FUZZ_CHECK(rte_vmsg_bus_create(&o, &ops, &be, &bus) == 0);

	for (steps = 0; steps < MAX_STEPS && in.n > 0; steps++) {
		op = (uint8_t)take(&in, 1);
		switch (op & 7) {
		case 0: /* a transport request to device (op >> 4) */
		case 1:
			if (nsub == NSUB)
				break;
			len = request(req, op >> 3);
			rte_vmsg_put_le16(req + RTE_VMSG_OFF_DEV_NUM, (uint16_t)(op >> 5));
			subs[nsub].token = (uint16_t)(0x1000 + nsub);
			subs[nsub].msg_id = req[RTE_VMSG_OFF_MSG_ID];
			rte_vmsg_put_le16(req + RTE_VMSG_OFF_TOKEN, subs[nsub].token);
			rc = rte_vmsg_bus_submit(bus, req, len, done_req, &subs[nsub]);
			FUZZ_CHECK(rc == 0 || rc == -EAGAIN || rc == -EMSGSIZE);
			nsub += rc == 0;
			break;
		case 2: /* PING or an enumeration */
			if (nsub == NSUB)
				break;
			subs[nsub].kind = op & 8 ? 2 : 1;
			if (op & 8)
				rc = rte_vmsg_bus_enumerate(bus, bitmap, done_enum, &subs[nsub]);
			else
				rc = rte_vmsg_bus_ping(bus, op, done_ping, &subs[nsub]);
			FUZZ_CHECK(rc == 0 || rc == -EAGAIN || rc == -EBUSY);
			if (rc == 0)
				nsub++;
			else
				subs[nsub].kind = 0;
			break;
		case 3: /* a frame arrives: fuzzed bytes, maybe with a sent request's header */
			if (be.rx_n == NRX)
				break;
			f = be.rx[(be.rx_head + be.rx_n) % NRX];
			len = take(&in, 1) % FRAME_MAX;
			for (i = 0; i < len; i++)
				f[i] = (uint8_t)take(&in, 1);
			if (op & 8 && be.nsent > 0 && len >= RTE_VMSG_HDR_SIZE) {
				/* The header of sent frame (op >> 4) back, as its response. */
				v = (be.nsent - 1 - (op >> 4) % NSENT) % NSENT;
				if (v < be.nsent) {
					memcpy(f, be.sent[v], 6);
					f[RTE_VMSG_OFF_TYPE] |= RTE_VMSG_TYPE_RESPONSE;
					rte_vmsg_put_le16(f + RTE_VMSG_OFF_MSG_SIZE, (uint16_t)len);
				}
			}
			be.rx_len[(be.rx_head + be.rx_n) % NRX] = len;
			be.rx_n++;
			break;
		case 4:
			rc = rte_vmsg_bus_poll(bus);
			FUZZ_CHECK(rc >= 0);
			break;
		case 5:
			rc = rte_vmsg_bus_fail_all(bus, -EPIPE);
			FUZZ_CHECK(rc >= 0);
			break;
		case 6:
			be.full = op >> 3 & 1;
			break;
		default:
			FUZZ_CHECK(rte_vmsg_bus_stats_get(bus, &st) == 0);
			FUZZ_CHECK(rte_vmsg_bus_inflight(bus) <= o.max_inflight);
			break;
		}
	}
	/* Whatever is still in flight fails now: every callback ran exactly once. */
	rte_vmsg_bus_destroy(bus);
	for (i = 0; i < nsub; i++)
		FUZZ_CHECK(subs[i].calls == 1);
	return 0;
}
