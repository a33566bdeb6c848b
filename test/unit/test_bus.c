/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Bus endpoints over the loop backend: a driver-role and a device-role bus,
 * or one bus and a raw loop end played by the test (to see and forge wire
 * frames). One test per checklist item of the virtio-msg v2 reference
 * (§12, BUS-n), named in the comment above it.
 */

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_transport.h>

#include "test_model.h"
#include "vtest.h"

#define MAXF 264u
#define SHORT_TIMEOUT_NS 20000000ull /* 20 ms */

/* ------------------------------------------------------------------------ */
/* Harness                                                                   */

struct pair {
	struct rte_vmsg_bus_loop *loop;
	struct rte_vmsg_bus *drv;  /* on end 0, or NULL when the test plays the driver */
	struct rte_vmsg_bus *devb; /* on end 1, or NULL when the test plays the device */
	void *end[2];
};

static struct rte_vmsg_bus *bus_new(void *end, uint32_t role, uint32_t max, uint64_t timeout)
{
	struct rte_vmsg_bus_opts o;
	struct rte_vmsg_bus *b = NULL;

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = role;
	o.max_msg_size = max;
	o.timeout_ns = timeout;
	if (rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b) != 0) {
		fprintf(stderr, "bus_create failed\n");
		exit(1);
	}
	return b;
}

static void pair_init(struct pair *p, uint32_t max, uint32_t cap, int with_drv, int with_dev,
		      uint64_t timeout)
{
	struct rte_vmsg_bus_loop_opts lo;

	memset(p, 0, sizeof(*p));
	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.capacity = cap;
	lo.max_msg_size = max;
	if (rte_vmsg_bus_loop_create(&lo, &p->loop) != 0) {
		fprintf(stderr, "loop_create failed\n");
		exit(1);
	}
	p->end[0] = rte_vmsg_bus_loop_end(p->loop, 0);
	p->end[1] = rte_vmsg_bus_loop_end(p->loop, 1);
	if (with_drv)
		p->drv = bus_new(p->end[0], RTE_VMSG_BUS_DRIVER, max, timeout);
	if (with_dev)
		p->devb = bus_new(p->end[1], RTE_VMSG_BUS_DEVICE, max, timeout);
}

static void pair_fini(struct pair *p)
{
	rte_vmsg_bus_destroy(p->drv);
	rte_vmsg_bus_destroy(p->devb);
	rte_vmsg_bus_loop_destroy(p->loop);
}

static void pump(struct pair *p, int rounds)
{
	while (rounds-- > 0) {
		if (p->devb != NULL)
			rte_vmsg_bus_poll(p->devb);
		if (p->drv != NULL)
			rte_vmsg_bus_poll(p->drv);
	}
}

/* Polls both ends until *flag != 0 or 2 s passed. */
static void pump_until(struct pair *p, const int *flag)
{
	uint64_t end = rte_vmsg_time_ns() + 2000000000ull;

	while (*flag == 0 && rte_vmsg_time_ns() < end)
		pump(p, 1);
}

/* The test's side of a loop: send and receive raw frames. */
static int raw_tx(void *end, const void *f, size_t len)
{
	return rte_vmsg_bus_loop_ops()->tx(end, f, len);
}

static int raw_rx(void *end, uint8_t *buf, size_t *len)
{
	return rte_vmsg_bus_loop_ops()->rx_burst(end, buf, 65536, len, 1);
}

static size_t build(uint8_t *buf, const struct rte_vmsg_msg *m)
{
	int len = rte_vmsg_msg_build(buf, 65536, m);

	if (len <= 0) {
		fprintf(stderr, "build failed: %d\n", len);
		exit(1);
	}
	return (size_t)len;
}

static size_t build_status_req(uint8_t *buf, uint16_t dev_num, uint16_t token)
{
	struct rte_vmsg_msg m;

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ;
	m.hdr.dev_num = dev_num;
	m.hdr.token = token;
	return build(buf, &m);
}

static void on_done_null(void *arg, int status, const void *resp, size_t len)
{
	(void)arg;
	(void)status;
	(void)resp;
	(void)len;
}

/* Completion recorder. */
struct done_rec {
	int calls;
	int status;
	uint16_t token;
	uint16_t dev_num;
	uint32_t value;
	uint8_t msg_id;
	struct rte_vmsg_bus *resubmit; /* submit one more request from the callback */
	struct rte_vmsg_bus *poll_bus; /* poll from the callback: must be -EBUSY */
};

static void on_done(void *arg, int status, const void *resp, size_t len)
{
	struct done_rec *r = arg;
	const uint8_t *f = resp;

	r->calls++;
	r->status = status;
	if (status == 0 && len >= 12) {
		r->msg_id = f[1];
		r->dev_num = rte_vmsg_get_le16(f + 2);
		r->token = rte_vmsg_get_le16(f + 4);
		r->value = rte_vmsg_get_le32(f + 8);
	}
	if (r->poll_bus != NULL)
		CHECK_EQ(rte_vmsg_bus_poll(r->poll_bus), -EBUSY);
	if (r->resubmit != NULL) {
		uint8_t buf[16];
		size_t n = build_status_req(buf, 0, 0);

		CHECK_EQ(rte_vmsg_bus_submit(r->resubmit, buf, n, on_done_null, NULL), 0);
		r->resubmit = NULL;
	}
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */

/* BUS-1, BUS-2, BUS-3, BUS-4: parameters fixed and checked at creation. */
static void test_create_negative(void)
{
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_bus_loop *loop = NULL;
	struct rte_vmsg_bus_opts o;
	struct rte_vmsg_bus *b = NULL;
	struct rte_vmsg_bus_ops ops;
	struct {
		struct rte_vmsg_bus_opts o;
		uint8_t extra[8];
	} big;
	void *end;

	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.max_msg_size = 51;
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &loop), -EINVAL);
	lo.max_msg_size = 65536;
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &loop), -EINVAL);
	lo.max_msg_size = 0;
	CHECK_EQ(rte_vmsg_bus_loop_create(NULL, &loop), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &loop), 0);
	CHECK(rte_vmsg_bus_loop_end(loop, 2) == NULL);
	end = rte_vmsg_bus_loop_end(loop, 0);

	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_BUS_DRIVER;
	CHECK_EQ(rte_vmsg_bus_create(&o, NULL, end, &b), -EINVAL);
	o.role = 3;
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b), -EINVAL);
	o.role = RTE_VMSG_BUS_DRIVER;
	o.transport_revision = 2;
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b), -EINVAL);
	o.transport_revision = 1;
	o.transport_features = 2; /* unknown transport feature (BUS-3) */
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b), -EINVAL);
	o.transport_features = RTE_VMSG_F_STRICT_CONFIG_GENERATION;
	o.max_msg_size = 51; /* BUS-2 */
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b), -EINVAL);
	o.max_msg_size = 265; /* above the backend's 264 */
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b), -EINVAL);
	o.max_msg_size = 0;
	o.max_inflight = 3;
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b), -EINVAL);
	o.max_inflight = 8192;
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b), -EINVAL);
	o.max_inflight = 0;
	/* Unknown non-zero bytes past the known fields. */
	memset(&big, 0, sizeof(big));
	big.o = o;
	big.o.sz = sizeof(big);
	big.extra[3] = 1;
	CHECK_EQ(rte_vmsg_bus_create(&big.o, rte_vmsg_bus_loop_ops(), end, &b), -EINVAL);
	big.extra[3] = 0;
	CHECK_EQ(rte_vmsg_bus_create(&big.o, rte_vmsg_bus_loop_ops(), end, &b), 0);
	rte_vmsg_bus_destroy(b);
	b = NULL;
	ops = *rte_vmsg_bus_loop_ops();
	ops.rx_burst = NULL;
	CHECK_EQ(rte_vmsg_bus_create(&o, &ops, end, &b), -EINVAL);

	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), end, &b), 0);
	/* BUS-1: the parameters are there before any message. */
	CHECK_EQ(rte_vmsg_bus_max_msg_size(b), 264);
	CHECK_U64(rte_vmsg_bus_transport_features(b), RTE_VMSG_F_STRICT_CONFIG_GENERATION);
	/* Role checks. */
	CHECK_EQ(rte_vmsg_bus_dev_alloc_num(b, (uint16_t[1]){ 0 }), -EPERM);
	CHECK_EQ(rte_vmsg_bus_dev_unregister(b, 0), -EPERM);
	CHECK_EQ(rte_vmsg_bus_poll(NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_fail_all(b, 0), -EINVAL);
	rte_vmsg_bus_destroy(b);
	rte_vmsg_bus_destroy(NULL);
	rte_vmsg_bus_loop_destroy(loop);
	rte_vmsg_bus_loop_destroy(NULL);
}

/* ------------------------------------------------------------------------ */
/* Driver role                                                               */

#define NREQ 64

/*
 * BUS-10, BUS-14, BUS-15, GEN-7: tokens of requests in flight are unique and
 * never 0, frames go out in submission order, responses returned in reverse
 * order are matched by token and header, the caller's token is restored; a
 * duplicate, a stray and a mismatched response are dropped and counted.
 */
static void test_tokens_out_of_order(void)
{
	struct done_rec rec[NREQ];
	uint16_t wire_tok[NREQ];
	struct rte_vmsg_bus_stats st;
	uint8_t buf[65536];
	struct rte_vmsg_msg m;
	struct pair p;
	size_t len;
	int i, j;

	pair_init(&p, MAXF, 256, 1, 0, 0);
	memset(rec, 0, sizeof(rec));
	for (i = 0; i < NREQ; i++) {
		len = build_status_req(buf, (uint16_t)(i % 5), (uint16_t)(0x1000 + i));
		CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &rec[i]), 0);
	}
	CHECK_EQ(rte_vmsg_bus_inflight(p.drv), NREQ);
	for (i = 0; i < NREQ; i++) {
		CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
		CHECK_EQ(buf[1], RTE_VMSG_ID_GET_DEVICE_STATUS);
		CHECK_EQ(rte_vmsg_get_le16(buf + 2), i % 5); /* in order (BUS-15) */
		wire_tok[i] = rte_vmsg_get_le16(buf + 4);
		CHECK(wire_tok[i] != 0);
		for (j = 0; j < i; j++)
			CHECK(wire_tok[j] != wire_tok[i]);
	}
	/* A response whose token is in flight but whose msg_id differs (GEN-7). */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP;
	m.hdr.dev_num = 0;
	m.hdr.token = wire_tok[0];
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	/* Same token, wrong dev_num. */
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
	m.hdr.dev_num = 3;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(rec[0].calls, 0);

	/* Answer in reverse order, status = i. */
	for (i = NREQ - 1; i >= 0; i--) {
		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
		m.hdr.dev_num = (uint16_t)(i % 5);
		m.hdr.token = wire_tok[i];
		m.u.status = (uint32_t)i;
		len = build(buf, &m);
		CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	}
	for (i = 0; i < 10; i++)
		rte_vmsg_bus_poll(p.drv);
	for (i = 0; i < NREQ; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_EQ(rec[i].status, 0);
		CHECK_EQ(rec[i].value, i);
		CHECK_EQ(rec[i].dev_num, i % 5);
		CHECK_EQ(rec[i].token, 0x1000 + i); /* BUS-14: caller's token back */
	}
	/* A duplicate of a completed response, and a stray token. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
	m.hdr.token = wire_tok[0];
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	m.hdr.token = 0xBEEF;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(rec[0].calls, 1);
	CHECK_EQ(rte_vmsg_bus_stats_get(p.drv, &st), 0);
	CHECK_U64(st.requests, NREQ);
	CHECK_U64(st.completed, NREQ);
	CHECK_U64(st.drop_mismatch, 2);
	CHECK_U64(st.drop_unmatched, 2);
	CHECK_EQ(rte_vmsg_bus_inflight(p.drv), 0);

	/* Tokens stay unique across slot reuse: a new round never repeats a live one. */
	for (i = 0; i < NREQ; i++) {
		len = build_status_req(buf, 0, 0);
		CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done_null, NULL), 0);
		CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
		for (j = 0; j < NREQ; j++)
			CHECK(rte_vmsg_get_le16(buf + 4) != wire_tok[j]);
	}
	/* Bad submissions. */
	len = build_status_req(buf, 0, 0);
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len - 1, on_done_null, NULL), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, NULL, NULL), -EINVAL);
	buf[0] |= RTE_VMSG_TYPE_RESPONSE;
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done_null, NULL), -EINVAL);
	pair_fini(&p);
}

/* BUS-10, DRV-10: a request without an answer fails once with -ETIMEDOUT; a late answer drops. */
static void test_timeout_once(void)
{
	struct rte_vmsg_bus_stats st;
	struct done_rec rec;
	uint8_t buf[65536];
	struct rte_vmsg_msg m;
	uint16_t tok;
	uint64_t t0, end;
	struct pair p;
	size_t len;

	pair_init(&p, MAXF, 16, 1, 0, SHORT_TIMEOUT_NS);
	memset(&rec, 0, sizeof(rec));
	len = build_status_req(buf, 1, 7);
	t0 = rte_vmsg_time_ns();
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &rec), 0);
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	tok = rte_vmsg_get_le16(buf + 4);
	pump_until(&p, &rec.calls);
	CHECK_EQ(rec.calls, 1);
	CHECK_EQ(rec.status, -ETIMEDOUT);
	CHECK(rte_vmsg_time_ns() - t0 >= SHORT_TIMEOUT_NS);
	/* Keep polling another timeout: no second completion. */
	end = rte_vmsg_time_ns() + SHORT_TIMEOUT_NS;
	while (rte_vmsg_time_ns() < end)
		rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(rec.calls, 1);
	/* The late response is dropped and counted. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
	m.hdr.dev_num = 1;
	m.hdr.token = tok;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(rec.calls, 1);
	rte_vmsg_bus_stats_get(p.drv, &st);
	CHECK_U64(st.timeouts, 1);
	CHECK_U64(st.drop_unmatched, 1);
	pair_fini(&p);
}

/*
 * BUS-10, BUS-14: a request times out and its slot of the in-flight table is
 * reused by the next request (one slot); the late answer to the first, with
 * the same header as an answer to the second, must not complete the second
 * with the old data: the token's generation tells them apart. It is dropped
 * and counted in drop_unmatched; the second gets its own answer.
 */
static void test_late_answer_reused_slot(void)
{
	struct rte_vmsg_bus_stats st;
	struct rte_vmsg_bus_opts o;
	struct done_rec a, b;
	uint8_t buf[65536];
	struct rte_vmsg_msg m;
	uint16_t tok_a, tok_b;
	struct pair p;
	size_t len;

	pair_init(&p, MAXF, 16, 0, 0, 0);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_BUS_DRIVER;
	o.max_msg_size = MAXF;
	o.max_inflight = 1;
	o.timeout_ns = SHORT_TIMEOUT_NS;
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), p.end[0], &p.drv), 0);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	len = build_status_req(buf, 1, 7);
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &a), 0);
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	tok_a = rte_vmsg_get_le16(buf + 4);
	pump_until(&p, &a.calls);
	CHECK_EQ(a.status, -ETIMEDOUT);
	/* The same request again: the same (only) slot, another token. */
	len = build_status_req(buf, 1, 8);
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &b), 0);
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	tok_b = rte_vmsg_get_le16(buf + 4);
	CHECK(tok_b != tok_a);
	/* The late answer to the first: dropped, counted, the second still waits. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
	m.hdr.dev_num = 1;
	m.hdr.token = tok_a;
	m.u.status = 0x11;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(b.calls, 0);
	rte_vmsg_bus_stats_get(p.drv, &st);
	CHECK_U64(st.drop_unmatched, 1);
	/* Its own answer completes it, with its own data and token. */
	m.hdr.token = tok_b;
	m.u.status = 0x22;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(b.calls, 1);
	CHECK_EQ(b.status, 0);
	CHECK_EQ(b.value, 0x22);
	CHECK_EQ(b.token, 8);
	CHECK_EQ(a.calls, 1);
	pair_fini(&p);
}

/*
 * BUS-11: a frame whose msg_size claims more than was received (or more than
 * the maximum) is dropped and counted at the bus, before anything reads it:
 * a response shorter than its msg_size would otherwise complete its request
 * with bytes past what was received (and past the receive buffer, above the
 * maximum).
 */
static void test_rx_size(void)
{
	static const uint16_t claims[] = { 13, 200, 0x7000 };
	struct rte_vmsg_bus_stats st;
	struct done_rec rec;
	uint8_t buf[65536];
	struct rte_vmsg_msg m;
	uint16_t tok;
	struct pair p;
	size_t len;

	pair_init(&p, MAXF, 16, 1, 0, 0);
	memset(&rec, 0, sizeof(rec));
	len = build_status_req(buf, 1, 7);
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &rec), 0);
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	tok = rte_vmsg_get_le16(buf + 4);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
	m.hdr.dev_num = 1;
	m.hdr.token = tok;
	m.u.status = 0x33;
	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
		len = build(buf, &m); /* 12 bytes */
		rte_vmsg_put_le16(buf + 6, claims[i]);
		CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
		rte_vmsg_bus_poll(p.drv);
		CHECK_EQ(rec.calls, 0);
	}
	rte_vmsg_bus_stats_get(p.drv, &st);
	CHECK_U64(st.drop_malformed, 3);
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(rec.calls, 1);
	CHECK_EQ(rec.value, 0x33);
	pair_fini(&p);
}

/*
 * BUS-10: fail_all (peer died or restarted) completes each request in flight
 * exactly once; a request submitted from one of those callbacks stays; the
 * late answers are dropped. destroy cancels what is left.
 */
static void test_fail_all(void)
{
	struct done_rec rec[10], extra;
	uint16_t tok[10];
	struct rte_vmsg_bus_stats st;
	uint8_t buf[65536];
	struct rte_vmsg_msg m;
	struct pair p;
	size_t len;
	int i;

	pair_init(&p, MAXF, 64, 1, 0, 0);
	memset(rec, 0, sizeof(rec));
	for (i = 0; i < 10; i++) {
		len = build_status_req(buf, 2, 0);
		CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &rec[i]), 0);
		CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
		tok[i] = rte_vmsg_get_le16(buf + 4);
	}
	rec[3].resubmit = p.drv;
	CHECK_EQ(rte_vmsg_bus_fail_all(p.drv, -EPIPE), 10);
	for (i = 0; i < 10; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_EQ(rec[i].status, -EPIPE);
	}
	CHECK_EQ(rte_vmsg_bus_inflight(p.drv), 1); /* the one resubmitted */
	for (i = 0; i < 10; i++) {
		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
		m.hdr.dev_num = 2;
		m.hdr.token = tok[i];
		len = build(buf, &m);
		CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	}
	rte_vmsg_bus_poll(p.drv);
	for (i = 0; i < 10; i++)
		CHECK_EQ(rec[i].calls, 1);
	rte_vmsg_bus_stats_get(p.drv, &st);
	CHECK_U64(st.failed, 10);
	CHECK(st.drop_unmatched >= 9);
	/* A second fail_all fails only what is in flight now. */
	CHECK_EQ(rte_vmsg_bus_fail_all(p.drv, -EPIPE), 1);
	CHECK_EQ(rte_vmsg_bus_fail_all(p.drv, -EPIPE), 0);
	/* destroy cancels. */
	memset(&extra, 0, sizeof(extra));
	len = build_status_req(buf, 2, 0);
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &extra), 0);
	rte_vmsg_bus_destroy(p.drv);
	p.drv = NULL;
	CHECK_EQ(extra.calls, 1);
	CHECK_EQ(extra.status, -ECANCELED);
	pair_fini(&p);
}

/* The in-flight table is bounded: -EAGAIN when full, nothing lost. */
static void test_inflight_full(void)
{
	struct rte_vmsg_bus_opts o;
	struct rte_vmsg_bus_loop_opts lo;
	struct rte_vmsg_bus_loop *loop;
	struct rte_vmsg_bus *b;
	uint8_t buf[64];
	size_t len;
	int i;

	memset(&lo, 0, sizeof(lo));
	lo.sz = sizeof(lo);
	lo.capacity = 4;
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &loop), 0);
	/* In-flight table of 2: the third submission is refused. */
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_BUS_DRIVER;
	o.max_inflight = 2;
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(loop, 0),
				     &b),
		 0);
	len = build_status_req(buf, 0, 0);
	CHECK_EQ(rte_vmsg_bus_submit(b, buf, len, on_done_null, NULL), 0);
	CHECK_EQ(rte_vmsg_bus_submit(b, buf, len, on_done_null, NULL), 0);
	CHECK_EQ(rte_vmsg_bus_submit(b, buf, len, on_done_null, NULL), -EAGAIN);
	CHECK_EQ(rte_vmsg_bus_inflight(b), 2);
	rte_vmsg_bus_destroy(b);
	rte_vmsg_bus_loop_destroy(loop);
	CHECK_EQ(rte_vmsg_bus_loop_create(&lo, &loop), 0);
	memset(&o, 0, sizeof(o));
	o.sz = sizeof(o);
	o.role = RTE_VMSG_BUS_DRIVER;
	o.max_inflight = 8;
	CHECK_EQ(rte_vmsg_bus_create(&o, rte_vmsg_bus_loop_ops(), rte_vmsg_bus_loop_end(loop, 0),
				     &b),
		 0);
	len = build_status_req(buf, 0, 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(rte_vmsg_bus_submit(b, buf, len, on_done_null, NULL), 0);
	/* The backend FIFO is full: nothing is put in flight. */
	CHECK_EQ(rte_vmsg_bus_submit(b, buf, len, on_done_null, NULL), -EAGAIN);
	CHECK_EQ(rte_vmsg_bus_inflight(b), 4);
	rte_vmsg_bus_destroy(b);
	rte_vmsg_bus_loop_destroy(loop);
}

/* ------------------------------------------------------------------------ */
/* Both roles                                                                */

/*
 * BUS-7, BUS-8, BUS-15, DEV-4: requests reach the right device in order
 * and come back with their dev_num; transport events reach the driver's
 * event callback (EVENT_CONFIG from rte_vmsg_dev_config_changed()).
 */
struct ev_rec {
	int calls;
	uint8_t msg_id;
	uint16_t dev_num;
	uint16_t token;
};

static void on_event(void *arg, const void *frame, size_t len)
{
	struct ev_rec *r = arg;
	const uint8_t *f = frame;

	(void)len;
	r->calls++;
	r->msg_id = f[1];
	r->dev_num = rte_vmsg_get_le16(f + 2);
	r->token = rte_vmsg_get_le16(f + 4);
}

static void test_round_trip(void)
{
	struct rte_vmsg_dev *d[3];
	struct done_rec rec[3];
	struct ev_rec ev;
	uint8_t buf[65536];
	struct rte_vmsg_msg m;
	struct pair p;
	size_t len;
	int i, n;

	pair_init(&p, MAXF, 64, 1, 1, 0);
	for (i = 0; i < 3; i++) {
		d[i] = tmodel_dev_new((uint16_t)(10 + i), MAXF, 0);
		CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, (uint16_t)(10 + i), tmodel_dev_request,
						   d[i]),
			 0);
	}
	CHECK(rte_vmsg_bus_dev_lookup(p.devb, 11) == d[1]);
	CHECK(rte_vmsg_bus_dev_lookup(p.devb, 13) == NULL);
	memset(rec, 0, sizeof(rec));
	rec[0].poll_bus = p.drv;
	for (i = 0; i < 3; i++) {
		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_GET_DEVICE_INFO_REQ;
		m.hdr.dev_num = (uint16_t)(10 + i);
		m.hdr.token = (uint16_t)(0xA0 + i);
		len = build(buf, &m);
		CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &rec[i]), 0);
	}
	pump_until(&p, &rec[2].calls);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(rec[i].calls, 1);
		CHECK_EQ(rec[i].status, 0);
		CHECK_EQ(rec[i].msg_id, RTE_VMSG_ID_GET_DEVICE_INFO);
		CHECK_EQ(rec[i].dev_num, 10 + i);
		CHECK_EQ(rec[i].token, 0xA0 + i);
		CHECK_EQ(rec[i].value, 1); /* device_id */
	}
	/* EVENT_CONFIG, device to driver. */
	memset(&ev, 0, sizeof(ev));
	CHECK_EQ(rte_vmsg_bus_set_event_cb(p.drv, on_event, &ev), 0);
	n = rte_vmsg_dev_config_changed(d[1], 0, 4, buf, sizeof(buf));
	CHECK(n > 0);
	CHECK_EQ(rte_vmsg_bus_send_event(p.devb, buf, (size_t)n), 0);
	pump_until(&p, &ev.calls);
	CHECK_EQ(ev.calls, 1);
	CHECK_EQ(ev.msg_id, RTE_VMSG_ID_EVENT_CONFIG);
	CHECK_EQ(ev.dev_num, 11);
	CHECK_EQ(ev.token, 0);
	/* A request is not an event. */
	len = build_status_req(buf, 10, 0);
	CHECK_EQ(rte_vmsg_bus_send_event(p.drv, buf, len), -EINVAL);
	/* A device-role endpoint submits bus requests only. */
	CHECK_EQ(rte_vmsg_bus_submit(p.devb, buf, len, on_done_null, NULL), -EPERM);
	pair_fini(&p);
	for (i = 0; i < 3; i++)
		rte_vmsg_dev_destroy(d[i]);
}

/* BUS-9: a request for an unknown dev_num is dropped and counted; the driver times out. */
static void test_unknown_dev_num(void)
{
	struct rte_vmsg_bus_stats st;
	struct done_rec rec;
	uint8_t buf[64];
	struct pair p;
	size_t len;

	pair_init(&p, MAXF, 16, 1, 1, SHORT_TIMEOUT_NS);
	memset(&rec, 0, sizeof(rec));
	len = build_status_req(buf, 77, 0);
	CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, on_done, &rec), 0);
	pump_until(&p, &rec.calls);
	CHECK_EQ(rec.calls, 1);
	CHECK_EQ(rec.status, -ETIMEDOUT);
	rte_vmsg_bus_stats_get(p.devb, &st);
	CHECK_U64(st.drop_dev_num, 1);
	CHECK_U64(st.answered, 0);
	pair_fini(&p);
}

/* BUS-26, BUS-13: PING is echoed, from either side; the reply is a bus response with dev_num 0. */
struct ping_rec {
	int calls;
	int status;
	uint32_t data;
};

static void on_ping(void *arg, int status, uint32_t data)
{
	struct ping_rec *r = arg;

	r->calls++;
	r->status = status;
	r->data = data;
}

static void test_ping(void)
{
	struct ping_rec pr;
	struct rte_vmsg_msg m;
	uint8_t buf[65536];
	struct pair p;
	size_t len;

	pair_init(&p, MAXF, 16, 1, 1, 0);
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ(rte_vmsg_bus_ping(p.drv, 0xDEADBEEF, on_ping, &pr), 0);
	pump_until(&p, &pr.calls);
	CHECK_EQ(pr.calls, 1);
	CHECK_EQ(pr.status, 0);
	CHECK_U64(pr.data, 0xDEADBEEF);
	memset(&pr, 0, sizeof(pr));
	CHECK_EQ(rte_vmsg_bus_ping(p.devb, 0x01020304, on_ping, &pr), 0);
	pump_until(&p, &pr.calls);
	CHECK_EQ(pr.calls, 1);
	CHECK_U64(pr.data, 0x01020304);
	pair_fini(&p);

	/* The reply on the wire: type 0x03, dev_num 0, token copied, data echoed. */
	pair_init(&p, MAXF, 16, 0, 1, 0);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	m.hdr.token = 0x4242;
	m.u.ping = 0xCAFEF00D;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[0], buf, len), 0);
	rte_vmsg_bus_poll(p.devb);
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 1);
	CHECK_EQ(len, 12);
	CHECK_EQ(buf[0], RTE_VMSG_TYPE_BUS | RTE_VMSG_TYPE_RESPONSE);
	CHECK_EQ(buf[1], RTE_VMSG_BUS_ID_PING);
	CHECK_EQ(rte_vmsg_get_le16(buf + 2), 0);
	CHECK_EQ(rte_vmsg_get_le16(buf + 4), 0x4242);
	CHECK_U64(rte_vmsg_get_le32(buf + 8), 0xCAFEF00D);
	pair_fini(&p);
}

/* BUS-5, BUS-22, BUS-23: EVENT_DEVICE on register/unregister; numbers rest after freeing. */
struct devev_rec {
	int calls;
	uint16_t num[8];
	uint16_t state[8];
};

static void on_dev_event(void *arg, uint16_t dev_num, uint16_t state)
{
	struct devev_rec *r = arg;

	if (r->calls < 8) {
		r->num[r->calls] = dev_num;
		r->state[r->calls] = state;
	}
	r->calls++;
}

static void test_event_device(void)
{
	struct rte_vmsg_bus_stats st;
	struct devev_rec r;
	struct rte_vmsg_dev *d, *d2;
	uint16_t n0, n1;
	struct pair p;

	pair_init(&p, MAXF, 16, 1, 1, 0);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(rte_vmsg_bus_set_dev_event_cb(p.drv, on_dev_event, &r), 0);
	CHECK_EQ(rte_vmsg_bus_dev_alloc_num(p.devb, &n0), 0);
	d = tmodel_dev_new(n0, MAXF, 0);
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, n0, tmodel_dev_request, d), 0);
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, n0, tmodel_dev_request, d), -EEXIST);
	pump(&p, 2);
	CHECK_EQ(r.calls, 1);
	CHECK_EQ(r.num[0], n0);
	CHECK_EQ(r.state[0], RTE_VMSG_DEVICE_BUS_STATE_ADDED);
	CHECK_EQ(rte_vmsg_bus_dev_unregister(p.devb, n0), 0);
	CHECK_EQ(rte_vmsg_bus_dev_unregister(p.devb, n0), -ENOENT);
	pump(&p, 2);
	CHECK_EQ(r.calls, 2);
	CHECK_EQ(r.num[1], n0);
	CHECK_EQ(r.state[1], RTE_VMSG_DEVICE_BUS_STATE_REMOVED);
	/* BUS-5: the freed number is not handed out again at once. */
	CHECK_EQ(rte_vmsg_bus_dev_alloc_num(p.devb, &n1), 0);
	CHECK(n1 != n0);
	d2 = tmodel_dev_new(n1, MAXF, 0);
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, n1, tmodel_dev_request, d2), 0);
	pump(&p, 2);
	CHECK_EQ(r.calls, 3);
	CHECK_EQ(r.num[2], n1);
	rte_vmsg_bus_stats_get(p.drv, &st);
	CHECK_U64(st.device_events, 3);
	rte_vmsg_bus_stats_get(p.devb, &st);
	CHECK_U64(st.device_events, 3);
	pair_fini(&p);
	rte_vmsg_dev_destroy(d);
	rte_vmsg_dev_destroy(d2);
}

/* BUS-24, BUS-25: GET_DEVICES windows on the wire (§10 example, shrinking, empty tail). */
static void get_devices_raw(struct pair *p, uint16_t off, uint16_t count, struct rte_vmsg_msg *out,
			    uint8_t *buf)
{
	struct rte_vmsg_msg m;
	size_t len;

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_REQ;
	m.hdr.token = 9;
	m.u.get_devices.offset = off;
	m.u.get_devices.count = count;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p->end[0], buf, len), 0);
	rte_vmsg_bus_poll(p->devb);
	CHECK_EQ(raw_rx(p->end[0], buf, &len), 1);
	CHECK_EQ(rte_vmsg_msg_parse(buf, len, 52, out, NULL), 0);
	CHECK_EQ(out->kind, RTE_VMSG_MSG_BUS_GET_DEVICES_RESP);
	CHECK_EQ(out->hdr.token, 9);
	CHECK_EQ(out->u.get_devices.offset, off);
	CHECK(out->u.get_devices.count <= count);
}

static void test_get_devices_window(void)
{
	static const uint16_t nums[] = { 0, 2, 5, 20, 40000 };
	struct rte_vmsg_dev *d[5];
	struct rte_vmsg_msg r;
	uint8_t buf[65536];
	struct pair p;
	unsigned int i;

	pair_init(&p, 52, 16, 0, 1, 0);
	for (i = 0; i < 5; i++) {
		d[i] = tmodel_dev_new(nums[i], 52, 0);
		CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, nums[i], tmodel_dev_request, d[i]), 0);
	}
	/* Drain the EVENT_DEVICE frames. */
	for (i = 0; i < 5; i++) {
		size_t len;

		CHECK_EQ(raw_rx(p.end[0], buf, &len), 1);
	}
	/* The §10 example: (0, 16) -> 0x25 0x00; next_offset skips to 20. */
	get_devices_raw(&p, 0, 16, &r, buf);
	CHECK_EQ(r.u.get_devices.count, 16);
	CHECK_EQ(r.hdr.msg_size, 16);
	CHECK_EQ(r.u.get_devices.bitmap[0], 0x25);
	CHECK_EQ(r.u.get_devices.bitmap[1], 0x00);
	CHECK_EQ(r.u.get_devices.next_offset, 20);
	/* At max 52 the window shrinks to 304 (38 bytes). */
	get_devices_raw(&p, 0, 65535, &r, buf);
	CHECK_EQ(r.u.get_devices.count, 304);
	CHECK_EQ(r.hdr.msg_size, 52);
	CHECK_EQ(r.u.get_devices.next_offset, 40000);
	/* Zero tail bits in the last byte (count 3: devices 0 and 2, not 5). */
	get_devices_raw(&p, 0, 3, &r, buf);
	CHECK_EQ(r.u.get_devices.count, 3);
	CHECK_EQ(r.u.get_devices.bitmap[0], 0x05);
	CHECK_EQ(r.u.get_devices.next_offset, 5);
	/* count 0: empty bitmap, next_offset still > offset. */
	get_devices_raw(&p, 0, 0, &r, buf);
	CHECK_EQ(r.u.get_devices.count, 0);
	CHECK_EQ(r.hdr.msg_size, 14);
	CHECK(r.u.get_devices.next_offset > 0);
	/* The last one: next_offset 0; the window stops at 65535. */
	get_devices_raw(&p, 40000, 8, &r, buf);
	CHECK_EQ(r.u.get_devices.bitmap[0], 0x01);
	CHECK_EQ(r.u.get_devices.next_offset, 0);
	get_devices_raw(&p, 65530, 100, &r, buf);
	CHECK_EQ(r.u.get_devices.count, 6);
	CHECK_EQ(r.u.get_devices.next_offset, 0);
	pair_fini(&p);
	for (i = 0; i < 5; i++)
		rte_vmsg_dev_destroy(d[i]);
}

static int null_handler(void *ctx, const void *frame, size_t len, void *resp, size_t cap)
{
	(void)ctx;
	(void)frame;
	(void)len;
	(void)resp;
	(void)cap;
	return 0;
}

/*
 * BUS-24, BUS-25 against a model: random sets of numbers (clustered at 64-bit
 * word edges and at the top of the number space), registered and
 * unregistered, then random windows; every bit of every answer and its
 * next_offset checked.
 */
static void test_get_devices_model(void)
{
	static uint8_t present[65536];
	uint64_t s = vtest_seed();
	uint8_t buf[65536];
	struct rte_vmsg_msg r;
	struct pair p;
	size_t len;

	pair_init(&p, 52, 16, 0, 1, 0);
	memset(present, 0, sizeof(present));
	for (int round = 0; round < 4; round++) {
		for (int k = 0; k < 300; k++) {
			uint32_t v = (uint32_t)vtest_rand(&s);
			uint16_t n;

			switch (v % 4u) {
			case 0:
				n = (uint16_t)(v >> 8);
				break;
			case 1: /* a 64-bit word edge */
				n = (uint16_t)(((v >> 8) & ~63u) + ((v >> 4) & 1u ? 63u : 0u));
				break;
			case 2:
				n = (uint16_t)(65535u - ((v >> 8) % 200u));
				break;
			default:
				n = (uint16_t)((v >> 8) % 700u);
				break;
			}
			if (present[n]) {
				CHECK_EQ(rte_vmsg_bus_dev_unregister(p.devb, n), 0);
				present[n] = 0;
			} else {
				CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, n, null_handler, NULL),
					 0);
				present[n] = 1;
			}
			CHECK_EQ(raw_rx(p.end[0], buf, &len), 1); /* its EVENT_DEVICE */
		}
		for (int q = 0; q < 400; q++) {
			uint32_t v = (uint32_t)vtest_rand(&s);
			uint16_t off = (uint16_t)(q % 3 == 0   ? (v >> 8) % 800u
						  : q % 3 == 1 ? 65535u - (v >> 8) % 400u
							       : (v >> 8));
			uint16_t count = (uint16_t)((v & 0xff) + (q & 1 ? 100u : 0u));
			uint32_t want_next = 0, i, n;

			get_devices_raw(&p, off, count, &r, buf);
			n = r.u.get_devices.count;
			CHECK(n <= 304u && (uint32_t)off + n <= 65536u);
			for (i = 0; i < n; i++)
				if (rte_vmsg_msg_device_present(&r.u.get_devices, (uint16_t)i) !=
				    (present[off + i] != 0)) {
					fprintf(stderr, "offset %u count %u: bit %u wrong\n", off,
						count, i);
					CHECK(0);
					break;
				}
			for (i = (uint32_t)off + (n > 0 ? n : 1u); i < 65536u; i++)
				if (present[i]) {
					want_next = i;
					break;
				}
			CHECK_EQ(r.u.get_devices.next_offset, want_next);
		}
	}
	pair_fini(&p);
}

/* BUS-6, BUS-24, BUS-25: enumeration of 1000 devices (plus one far away) in 52-byte windows. */
struct enum_rec {
	int calls;
	int status;
	uint32_t ndevs;
};

static void on_enum(void *arg, int status, uint32_t ndevs)
{
	struct enum_rec *r = arg;

	r->calls++;
	r->status = status;
	r->ndevs = ndevs;
}

#define NDEV 1000

static void test_enumerate_1000(void)
{
	static struct rte_vmsg_dev *d[NDEV + 1];
	static uint8_t bitmap[RTE_VMSG_BUS_DEV_BITMAP_SIZE];
	struct rte_vmsg_bus_stats st;
	struct enum_rec r;
	struct pair p;
	uint16_t n;
	uint32_t i, found = 0;

	pair_init(&p, 52, 2048, 1, 1, 0);
	for (i = 0; i < NDEV; i++) {
		CHECK_EQ(rte_vmsg_bus_dev_alloc_num(p.devb, &n), 0);
		CHECK_EQ(n, i);
		d[i] = tmodel_dev_new(n, 52, 0);
		CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, n, tmodel_dev_request, d[i]), 0);
	}
	d[NDEV] = tmodel_dev_new(65535, 52, 0);
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, 65535, tmodel_dev_request, d[NDEV]), 0);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(rte_vmsg_bus_enumerate(p.drv, bitmap, on_enum, &r), 0);
	CHECK_EQ(rte_vmsg_bus_enumerate(p.drv, bitmap, on_enum, &r), -EBUSY);
	pump_until(&p, &r.calls);
	CHECK_EQ(r.calls, 1);
	CHECK_EQ(r.status, 0);
	CHECK_EQ(r.ndevs, NDEV + 1);
	for (i = 0; i < 65536; i++)
		if (bitmap[i / 8] & (1u << (i % 8)))
			found++;
	CHECK_EQ(found, NDEV + 1);
	CHECK(bitmap[65535 / 8] & 0x80);
	CHECK(bitmap[(NDEV - 1) / 8] & (1u << ((NDEV - 1) % 8)));
	CHECK((bitmap[NDEV / 8] & (1u << (NDEV % 8))) == 0);
	/* 1000 numbers in windows of 304: 4 windows, then 1 jump to 65535. */
	rte_vmsg_bus_stats_get(p.drv, &st);
	CHECK_U64(st.requests, 5);
	CHECK_EQ(rte_vmsg_bus_enumerate(p.devb, bitmap, on_enum, &r), -EPERM);
	pair_fini(&p);
	for (i = 0; i <= NDEV; i++)
		rte_vmsg_dev_destroy(d[i]);
}

/* The peer's answer to a GET_DEVICES window: 16 numbers from @p offset, then @p next. */
static void devices_resp(void *end, uint16_t token, uint16_t offset, uint16_t next,
			 const uint8_t *bits)
{
	struct rte_vmsg_msg m;
	uint8_t buf[64];
	size_t len;

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_GET_DEVICES_RESP;
	m.hdr.token = token;
	m.u.get_devices.offset = offset;
	m.u.get_devices.count = 16;
	m.u.get_devices.next_offset = next;
	m.u.get_devices.bitmap = bits;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(end, buf, len), 0);
}

/* BUS-25 from the driver's side: a peer breaking §10 ends enumeration with -EPROTO; fail_all ends it too. */
static void test_enumerate_bad_peer(void)
{
	static uint8_t bitmap[RTE_VMSG_BUS_DEV_BITMAP_SIZE];
	static const uint8_t bits[2] = { 0x03, 0x00 };
	struct rte_vmsg_msg q;
	struct enum_rec r;
	uint8_t buf[65536];
	struct pair p;
	size_t len;

	pair_init(&p, MAXF, 16, 1, 0, 0);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(rte_vmsg_bus_enumerate(p.drv, bitmap, on_enum, &r), 0);
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	CHECK_EQ(rte_vmsg_msg_parse(buf, len, MAXF, &q, NULL), 0);
	CHECK_EQ(q.kind, RTE_VMSG_MSG_BUS_GET_DEVICES_REQ);
	CHECK_EQ(q.u.get_devices.offset, 0);
	CHECK_EQ(q.u.get_devices.count, (MAXF - 14) * 8); /* the largest window that fits */
	/* A good first window: devices 0 and 1, continue at 16. */
	devices_resp(p.end[1], q.hdr.token, 0, 16, bits);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(r.calls, 0);
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	CHECK_EQ(rte_vmsg_msg_parse(buf, len, MAXF, &q, NULL), 0);
	CHECK_EQ(q.u.get_devices.offset, 16);
	/* A bad second window: next_offset not above the offset. */
	devices_resp(p.end[1], q.hdr.token, 16, 16, bits);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(r.calls, 1);
	CHECK_EQ(r.status, -EPROTO);
	CHECK_EQ(r.ndevs, 2); /* what was found before */
	CHECK_EQ(bitmap[0], 0x03);
	/* fail_all ends a running enumeration exactly once. */
	memset(&r, 0, sizeof(r));
	CHECK_EQ(rte_vmsg_bus_enumerate(p.drv, bitmap, on_enum, &r), 0);
	CHECK_EQ(rte_vmsg_bus_fail_all(p.drv, -EPIPE), 1);
	CHECK_EQ(r.calls, 1);
	CHECK_EQ(r.status, -EPIPE);
	CHECK_EQ(rte_vmsg_bus_fail_all(p.drv, -EPIPE), 0);
	CHECK_EQ(r.calls, 1);
	pair_fini(&p);
}

/*
 * A window that cannot be sent (the peer never frees our queue, the link
 * still up) ends the enumeration with -ETIMEDOUT after one request
 * timeout, exactly once, instead of leaving it pending with nothing in
 * flight; the next enumeration then runs.
 */
static void test_enumerate_queue_stuck(void)
{
	static uint8_t bitmap[RTE_VMSG_BUS_DEV_BITMAP_SIZE];
	static const uint8_t bits[2] = { 0x01, 0x00 };
	uint8_t f[16], buf[65536];
	struct rte_vmsg_msg m, q;
	struct enum_rec r;
	uint64_t t0, end;
	struct pair p;
	size_t len;

	pair_init(&p, MAXF, 1, 1, 0, SHORT_TIMEOUT_NS);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(rte_vmsg_bus_enumerate(p.drv, bitmap, on_enum, &r), 0);
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	CHECK_EQ(rte_vmsg_msg_parse(buf, len, MAXF, &q, NULL), 0);
	/* Our one slot taken again by a frame the peer does not read. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	len = build(f, &m);
	CHECK_EQ(raw_tx(p.end[0], f, len), 0);
	/* The first window's answer asks for a second, which cannot go. */
	devices_resp(p.end[1], q.hdr.token, 0, 16, bits);
	t0 = rte_vmsg_time_ns();
	end = t0 + 20 * SHORT_TIMEOUT_NS;
	while (r.calls == 0 && rte_vmsg_time_ns() < end)
		rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(r.calls, 1);
	CHECK_EQ(r.status, -ETIMEDOUT);
	CHECK_EQ(r.ndevs, 1); /* what the first window found */
	CHECK(rte_vmsg_time_ns() - t0 >= SHORT_TIMEOUT_NS);
	rte_vmsg_bus_poll(p.drv);
	CHECK_EQ(r.calls, 1);
	/* The queue freed: the next enumeration sends its window. */
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	memset(&r, 0, sizeof(r));
	CHECK_EQ(rte_vmsg_bus_enumerate(p.drv, bitmap, on_enum, &r), 0);
	CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
	CHECK_EQ(rte_vmsg_msg_parse(buf, len, MAXF, &q, NULL), 0);
	CHECK_EQ(q.kind, RTE_VMSG_MSG_BUS_GET_DEVICES_REQ);
	CHECK_EQ(rte_vmsg_bus_fail_all(p.drv, -EPIPE), 1);
	pair_fini(&p);
}

/* BUS-11, BUS-12: malformed and unknown bus frames, and events, are dropped, never answered. */
static void test_malformed_dropped(void)
{
	struct rte_vmsg_bus_stats st;
	struct rte_vmsg_msg m;
	uint8_t buf[65536], f[16];
	struct pair p;
	size_t len;

	pair_init(&p, MAXF, 32, 0, 1, 0);
	/* PING with dev_num != 0. */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	len = build(f, &m);
	rte_vmsg_put_le16(f + 2, 5);
	CHECK_EQ(raw_tx(p.end[0], f, len), 0);
	/* PING of the wrong size (msg_size 16). */
	memset(buf, 0, 16);
	memcpy(buf, f, 12);
	rte_vmsg_put_le16(buf + 2, 0);
	rte_vmsg_put_le16(buf + 6, 16);
	CHECK_EQ(raw_tx(p.end[0], buf, 16), 0);
	/* msg_size larger than the frame, and smaller than a header. */
	rte_vmsg_put_le16(buf + 6, 200);
	CHECK_EQ(raw_tx(p.end[0], buf, 12), 0);
	rte_vmsg_put_le16(buf + 6, 4);
	CHECK_EQ(raw_tx(p.end[0], buf, 8), 0);
	/* Unknown standard bus ID 0x04, and a bus-specific ID 0x80. */
	memset(buf, 0, 8);
	buf[0] = RTE_VMSG_TYPE_BUS;
	buf[1] = 0x04;
	rte_vmsg_put_le16(buf + 6, 8);
	CHECK_EQ(raw_tx(p.end[0], buf, 8), 0);
	buf[1] = 0x80;
	CHECK_EQ(raw_tx(p.end[0], buf, 8), 0);
	/* An EVENT_DEVICE sent to the device side: an event, not answered (BUS-12). */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_EVENT_DEVICE;
	m.u.event_device.device_number = 1;
	m.u.event_device.state = RTE_VMSG_DEVICE_BUS_STATE_ADDED;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[0], buf, len), 0);
	/* A transport event for an unknown device: dropped (BUS-9). */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_EVENT_AVAIL;
	m.hdr.dev_num = 3;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[0], buf, len), 0);

	CHECK_EQ(rte_vmsg_bus_poll(p.devb), 8);
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 0); /* nothing answered */
	rte_vmsg_bus_stats_get(p.devb, &st);
	CHECK_U64(st.rx_frames, 8);
	CHECK_U64(st.drop_malformed, 4);
	CHECK_U64(st.drop_unknown, 2);
	CHECK_U64(st.drop_unexpected, 1);
	CHECK_U64(st.drop_dev_num, 1);
	CHECK_U64(st.answered, 0);
	CHECK_U64(st.tx_frames, 0);
	pair_fini(&p);
}

/*
 * BUS-10, BUS-15: a full backend parks the response; the next poll sends it
 * before the frames behind it, in arrival order, nothing lost.
 */
static void test_backpressure(void)
{
	struct rte_vmsg_msg m;
	uint8_t buf[65536];
	struct pair p;
	size_t len;
	uint32_t i, next = 1;

	pair_init(&p, MAXF, 2, 0, 1, 0);
	for (i = 1; i <= 4; i++) {
		memset(&m, 0, sizeof(m));
		m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
		m.u.ping = i;
		len = build(buf, &m);
		CHECK_EQ(raw_tx(p.end[0], buf, len), 0);
		if (i == 2)
			CHECK_EQ(rte_vmsg_bus_poll(p.devb), 2); /* fills the way back */
	}
	CHECK_EQ(raw_tx(p.end[0], buf, len), -EAGAIN); /* loop FIFO full */
	CHECK_EQ(rte_vmsg_bus_poll(p.devb), 2);	       /* takes 3, 4; 3 is parked */
	for (i = 0; i < 8 && next <= 4; i++) {
		while (raw_rx(p.end[0], buf, &len) == 1) {
			CHECK_U64(rte_vmsg_get_le32(buf + 8), next);
			next++;
		}
		rte_vmsg_bus_poll(p.devb);
	}
	CHECK_EQ(next, 5);
	pair_fini(&p);
}

/* The order in which callbacks ran: 'a', 'b' (responses), 'e' (the event). */
static char order_log[8];
static unsigned int order_n;

static void order_done(void *arg, int status, const void *resp, size_t len)
{
	(void)status;
	(void)resp;
	(void)len;
	if (order_n < sizeof(order_log) - 1)
		order_log[order_n++] = *(const char *)arg;
}

static void order_event(void *arg, const void *frame, size_t len)
{
	(void)arg;
	(void)frame;
	(void)len;
	if (order_n < sizeof(order_log) - 1)
		order_log[order_n++] = 'e';
}

/*
 * BUS-16: events are never held back to keep an order. On the driver side,
 * an event received between two responses reaches its callback between the
 * two completions, in the same poll. On the device side (BUS-20's bound), an
 * event that the backend cannot take is refused at once (-EAGAIN), never
 * queued behind a parked response, and one it can take goes out at once.
 */
static void test_events_not_held(void)
{
	static const char a = 'a', b = 'b';
	uint8_t buf[65536];
	struct rte_vmsg_msg m;
	uint16_t tok[2];
	struct pair p;
	size_t len;
	int i;

	pair_init(&p, MAXF, 16, 1, 0, 0);
	CHECK_EQ(rte_vmsg_bus_set_event_cb(p.drv, order_event, NULL), 0);
	for (i = 0; i < 2; i++) {
		len = build_status_req(buf, 1, (uint16_t)(i + 1));
		CHECK_EQ(rte_vmsg_bus_submit(p.drv, buf, len, order_done, (void *)(i ? &b : &a)),
			 0);
		CHECK_EQ(raw_rx(p.end[1], buf, &len), 1);
		tok[i] = rte_vmsg_get_le16(buf + 4);
	}
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
	m.hdr.dev_num = 1;
	m.hdr.token = tok[0];
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_EVENT_USED;
	m.hdr.dev_num = 1;
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP;
	m.hdr.dev_num = 1;
	m.hdr.token = tok[1];
	len = build(buf, &m);
	CHECK_EQ(raw_tx(p.end[1], buf, len), 0);
	order_n = 0;
	CHECK_EQ(rte_vmsg_bus_poll(p.drv), 3);
	order_log[order_n] = 0;
	CHECK(strcmp(order_log, "aeb") == 0);
	pair_fini(&p);

	/* Device side: a response parked behind a full backend; events are not queued. */
	pair_init(&p, MAXF, 2, 0, 1, 0);
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	for (i = 1; i <= 3; i++) {
		m.u.ping = (uint32_t)i;
		len = build(buf, &m);
		CHECK_EQ(raw_tx(p.end[0], buf, len), 0);
		if (i == 2)
			CHECK_EQ(rte_vmsg_bus_poll(p.devb), 2); /* both answers fill the way back */
	}
	CHECK_EQ(rte_vmsg_bus_poll(p.devb), 1); /* PING 3: its answer is parked */
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_EVENT_USED;
	m.hdr.dev_num = 1;
	len = build(buf, &m);
	CHECK_EQ(rte_vmsg_bus_send_event(p.devb, buf, len), -EAGAIN);
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 1); /* room for one frame */
	len = build(buf, &m);
	CHECK_EQ(rte_vmsg_bus_send_event(p.devb, buf, len),
		 0);				  /* out at once, before the parked answer */
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 1); /* PING 2's answer */
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 1);
	CHECK_EQ(buf[1], RTE_VMSG_ID_EVENT_USED);
	rte_vmsg_bus_poll(p.devb); /* the parked answer now */
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 1);
	CHECK_U64(rte_vmsg_get_le32(buf + 8), 3);
	pair_fini(&p);
}

/*
 * BUS-7, BUS-9, BUS-15, BUS-22: the bus calls no transport code: a plain
 * handler registered per device number (function + context) gets the
 * frames for its number, with its context, in arrival order; the response
 * it returns is sent, 0 sends nothing, a negative return is a drop; after
 * unregister, frames for the number are dropped and counted (drop_dev_num);
 * lookup returns the context; -EEXIST, -EPERM, -EINVAL.
 */
struct hrec {
	uint16_t num; /* the number it is registered under */
	int ret;      /* < 0: drop; 0: nothing to send; > 0: answer */
	int calls;    /* frames seen */
	int bad;      /* frames for another number, or a bad capacity */
	uint16_t tokens[16];
};

static int h_request(void *ctx, const void *frame, size_t len, void *resp, size_t cap)
{
	struct hrec *r = ctx;
	const uint8_t *f = frame;
	uint8_t *o = resp;

	if (rte_vmsg_get_le16(f + RTE_VMSG_OFF_DEV_NUM) != r->num || cap != MAXF || len < 8)
		r->bad++;
	if (r->calls < 16)
		r->tokens[r->calls] = rte_vmsg_get_le16(f + RTE_VMSG_OFF_TOKEN);
	r->calls++;
	if (r->ret <= 0)
		return r->ret;
	/* A response as a device would write it: header copied, the count as payload. */
	memcpy(o, f, 8);
	o[RTE_VMSG_OFF_TYPE] = RTE_VMSG_TYPE_RESPONSE;
	rte_vmsg_put_le16(o + RTE_VMSG_OFF_MSG_SIZE, 12);
	rte_vmsg_put_le32(o + 8, (uint32_t)r->calls);
	return 12;
}

static void expect_dev_event(struct pair *p, uint16_t num, uint16_t state)
{
	struct rte_vmsg_msg m;
	uint8_t buf[64];
	size_t len;

	CHECK_EQ(raw_rx(p->end[0], buf, &len), 1);
	CHECK_EQ(rte_vmsg_msg_parse(buf, len, MAXF, &m, NULL), 0);
	CHECK_EQ(m.kind, RTE_VMSG_MSG_BUS_EVENT_DEVICE);
	CHECK_EQ(m.u.event_device.device_number, num);
	CHECK_EQ(m.u.event_device.state, state);
}

static void test_handlers(void)
{
	struct rte_vmsg_bus_stats st;
	struct hrec a, b;
	struct pair p, q;
	uint8_t buf[65536];
	size_t len;
	int i;

	pair_init(&p, MAXF, 16, 0, 1, 0);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.num = 3;
	a.ret = 1;
	b.num = 4;
	b.ret = 0;
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, 3, h_request, &a), 0);
	expect_dev_event(&p, 3, RTE_VMSG_DEVICE_BUS_STATE_ADDED);
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, 4, h_request, &b), 0);
	expect_dev_event(&p, 4, RTE_VMSG_DEVICE_BUS_STATE_ADDED);
	CHECK(rte_vmsg_bus_dev_lookup(p.devb, 3) == (void *)&a);
	CHECK(rte_vmsg_bus_dev_lookup(p.devb, 4) == (void *)&b);
	CHECK(rte_vmsg_bus_dev_lookup(p.devb, 5) == NULL);
	CHECK(rte_vmsg_bus_dev_lookup(NULL, 3) == NULL);
	/* Taken, NULL arguments: refused, nothing sent, the first one stays. */
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, 3, h_request, &b), -EEXIST);
	CHECK_EQ(rte_vmsg_bus_dev_register(NULL, 5, h_request, &a), -EINVAL);
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, 5, NULL, &a), -EINVAL);
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 0);
	CHECK(rte_vmsg_bus_dev_lookup(p.devb, 3) == (void *)&a);

	/* Six frames, alternating numbers: each handler sees its own, in order. */
	for (i = 0; i < 6; i++) {
		len = build_status_req(buf, (uint16_t)(3 + i % 2), (uint16_t)(0x100 + i));
		CHECK_EQ(raw_tx(p.end[0], buf, len), 0);
	}
	CHECK_EQ(rte_vmsg_bus_poll(p.devb), 6);
	CHECK_EQ(a.calls, 3);
	CHECK_EQ(b.calls, 3);
	CHECK_EQ(a.bad + b.bad, 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(a.tokens[i], 0x100 + 2 * i);
		CHECK_EQ(b.tokens[i], 0x101 + 2 * i);
	}
	/* Only a's answers went out (b returned 0), as written, in order. */
	for (i = 0; i < 3; i++) {
		CHECK_EQ(raw_rx(p.end[0], buf, &len), 1);
		CHECK_EQ(len, 12);
		CHECK_EQ(buf[RTE_VMSG_OFF_TYPE], RTE_VMSG_TYPE_RESPONSE);
		CHECK_EQ(rte_vmsg_get_le16(buf + RTE_VMSG_OFF_DEV_NUM), 3);
		CHECK_EQ(rte_vmsg_get_le16(buf + RTE_VMSG_OFF_TOKEN), 0x100 + 2 * i);
		CHECK_U64(rte_vmsg_get_le32(buf + 8), (uint32_t)(i + 1));
	}
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 0);
	/* A negative return: dropped by the handler, nothing sent. */
	a.ret = -EPROTO;
	len = build_status_req(buf, 3, 0x200);
	CHECK_EQ(raw_tx(p.end[0], buf, len), 0);
	CHECK_EQ(rte_vmsg_bus_poll(p.devb), 1);
	CHECK_EQ(a.calls, 4);
	CHECK_EQ(raw_rx(p.end[0], buf, &len), 0);
	rte_vmsg_bus_stats_get(p.devb, &st);
	CHECK_U64(st.answered, 3);
	CHECK_U64(st.drop_dev_num, 0);

	/* Unregistered: REMOVED; later frames never reach it and are counted. */
	CHECK_EQ(rte_vmsg_bus_dev_unregister(p.devb, 3), 0);
	expect_dev_event(&p, 3, RTE_VMSG_DEVICE_BUS_STATE_REMOVED);
	CHECK(rte_vmsg_bus_dev_lookup(p.devb, 3) == NULL);
	len = build_status_req(buf, 3, 0x201);
	CHECK_EQ(raw_tx(p.end[0], buf, len), 0);
	CHECK_EQ(rte_vmsg_bus_poll(p.devb), 1);
	CHECK_EQ(a.calls, 4);
	CHECK_EQ(b.calls, 3);
	rte_vmsg_bus_stats_get(p.devb, &st);
	CHECK_U64(st.drop_dev_num, 1);
	CHECK_U64(st.device_events, 3);
	/* The number is free again for another handler. */
	CHECK_EQ(rte_vmsg_bus_dev_register(p.devb, 3, h_request, &b), 0);
	CHECK(rte_vmsg_bus_dev_lookup(p.devb, 3) == (void *)&b);
	pair_fini(&p);

	/* A driver-role endpoint has no device table. */
	pair_init(&q, MAXF, 16, 1, 0, 0);
	CHECK_EQ(rte_vmsg_bus_dev_register(q.drv, 3, h_request, &a), -EPERM);
	CHECK(rte_vmsg_bus_dev_lookup(q.drv, 3) == NULL);
	pair_fini(&q);
}

int main(void)
{
	test_create_negative();
	test_tokens_out_of_order();
	test_timeout_once();
	test_late_answer_reused_slot();
	test_rx_size();
	test_fail_all();
	test_inflight_full();
	test_round_trip();
	test_unknown_dev_num();
	test_ping();
	test_event_device();
	test_get_devices_window();
	test_get_devices_model();
	test_enumerate_1000();
	test_enumerate_bad_peer();
	test_enumerate_queue_stuck();
	test_malformed_dropped();
	test_backpressure();
	test_events_not_held();
	test_handlers();
	return vtest_done("test_bus");
}
