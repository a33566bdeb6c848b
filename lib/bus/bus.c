/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg bus endpoint: creation, tokens, the in-flight table and
 * timeouts (driver role), submission, the receive path and its dispatch,
 * PING, and the backend's control path. Device numbers (the device table,
 * GET_DEVICES, EVENT_DEVICE) are bus_devices.c's.
 */

#define RTE_VMSG_LOG_PREFIX "bus: "

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rte_vmsg_bus.h"
#include "bus_priv.h"
#include "log_priv.h"
#include "opts_priv.h"

int bus_tx_frame(struct rte_vmsg_bus *bus, const void *frame, size_t len)
{
	int rc = bus->ops.tx(bus->be, frame, len);

	if (rc == 0)
		bus->st.tx_frames++;
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Creation                                                                  */
/* ------------------------------------------------------------------------ */

int rte_vmsg_bus_create(const struct rte_vmsg_bus_opts *opts, const struct rte_vmsg_bus_ops *ops,
			void *backend_ctx, struct rte_vmsg_bus **out)
{
	struct rte_vmsg_bus_ops ops_copy;
	struct rte_vmsg_bus_opts o;
	struct rte_vmsg_bus *bus;
	uint32_t be_max, i;
	int rc = -ENOMEM;

	/* An older caller's ops end before the optional ones: they read as NULL. */
	if (out == NULL || rte_vmsg__opts_copy(&o, sizeof(o), opts) < 0 ||
	    rte_vmsg__opts_copy(&ops_copy, sizeof(ops_copy), ops) < 0)
		return -EINVAL;
	if (ops_copy.tx == NULL || ops_copy.rx_burst == NULL || ops_copy.max_msg_size == NULL)
		return -EINVAL;
	if (o.role != RTE_VMSG_BUS_DRIVER && o.role != RTE_VMSG_BUS_DEVICE)
		return -EINVAL;
	/* Only revision 1 exists (virtio-msg §3, BUS-28). */
	if (o.transport_revision > 1)
		return -EINVAL;
	/* Only features both sides know (BUS-3). */
	if ((o.transport_features & ~RTE_VMSG_F_STRICT_CONFIG_GENERATION) != 0)
		return -EINVAL;
	be_max = ops_copy.max_msg_size(backend_ctx);
	if (o.max_msg_size == 0)
		o.max_msg_size = be_max;
	/* 52 <= max <= 65535 (BUS-2), and what the backend carries. */
	if (o.max_msg_size < RTE_VMSG_MAX_SIZE_MIN || o.max_msg_size > RTE_VMSG_MAX_SIZE_MAX ||
	    o.max_msg_size > be_max)
		return -EINVAL;
	if (o.max_inflight == 0)
		o.max_inflight = BUS_DEFAULT_INFLIGHT;
	if (o.max_inflight > BUS_MAX_INFLIGHT || (o.max_inflight & (o.max_inflight - 1)) != 0)
		return -EINVAL;
	if (o.timeout_ns == 0)
		o.timeout_ns = BUS_DEFAULT_TIMEOUT_NS;
	if (o.payloads >= RTE_VMSG_PAYLOADS_COUNT)
		return -EINVAL;
	if (o.peer_timeout_ms != 0 && (o.peer_timeout_ms < RTE_VMSG_BUS_PEER_TIMEOUT_MIN_MS ||
				       o.peer_timeout_ms > RTE_VMSG_BUS_PEER_TIMEOUT_MAX_MS))
		return -EINVAL;
	if (o.peer_timeout_ms != 0 && (ops_copy.control == NULL || ops_copy.peer_lost == NULL)) {
		RTE_VMSG_LOG(ERR, "peer_timeout_ms: the backend cannot drop its link (no control "
				  "path or peer_lost op)");
		return -ENOTSUP;
	}

	bus = calloc(1, sizeof(*bus));
	if (bus == NULL)
		return -ENOMEM;
	bus->ops = ops_copy;
	bus->connected = bus->ops.control == NULL ? 1 : 0;
	if (bus->ops.control != NULL) /* the TSC's rate is calibrated once per process */
		bus->ctl_ticks =
			rte_vmsg_tsc_hz() / (1000000000u / RTE_VMSG_BUS_CONTROL_INTERVAL_NS);
	bus->be = backend_ctx;
	bus->role = o.role;
	bus->max = o.max_msg_size;
	bus->features = o.transport_features;
	bus->payloads = o.payloads;
	bus->timeout_ns = o.timeout_ns;
	/*
	 * Deadlines in TSC ticks: one cheap read per request and per poll
	 * instead of a clock_gettime() (a few tens of ns on a VM) on the
	 * round trip's path.
	 */
	/* 1% over: a calibration error must not fail a request before its timeout. */
	bus->timeout_ticks =
		(uint64_t)((double)o.timeout_ns * 1.01 * (double)rte_vmsg_tsc_hz() / 1e9);
	if (bus->timeout_ticks == 0)
		bus->timeout_ticks = 1;
	if (o.peer_timeout_ms != 0)
		bus->ka_ticks = (uint64_t)o.peer_timeout_ms * (rte_vmsg_tsc_hz() / 1000u);
	bus->cap = o.max_inflight;
	while ((1u << bus->shift) < bus->cap)
		bus->shift++;

	bus->tab = calloc(bus->cap, sizeof(*bus->tab));
	bus->free_fifo = calloc(bus->cap, sizeof(*bus->free_fifo));
	bus->rx = malloc((size_t)BUS_RX_BURST * bus->max);
	bus->tx = malloc(bus->max);
	bus->sub = malloc(bus->max);
	if (bus->tab == NULL || bus->free_fifo == NULL || bus->rx == NULL || bus->tx == NULL ||
	    bus->sub == NULL)
		goto err_free;
	if (bus->role == RTE_VMSG_BUS_DEVICE) {
		bus->devs = calloc(BUS_NUM_DEVS, sizeof(*bus->devs));
		bus->dev_bits = calloc(BUS_DEV_WORDS, sizeof(*bus->dev_bits));
		if (bus->devs == NULL || bus->dev_bits == NULL)
			goto err_free;
	}
	for (i = 0; i < bus->cap; i++) {
		bus->free_fifo[i] = (uint16_t)i;
		/* Generation 0 is skipped so that no token is 0 (events carry 0). */
		bus->tab[i].token = (uint16_t)i;
	}
	bus->free_tail = bus->cap;
	*out = bus;
	return 0;

err_free:
	free(bus->dev_bits);
	free(bus->devs);
	free(bus->sub);
	free(bus->tx);
	free(bus->rx);
	free(bus->free_fifo);
	free(bus->tab);
	free(bus);
	return rc;
}

void rte_vmsg_bus_destroy(struct rte_vmsg_bus *bus)
{
	if (bus == NULL)
		return;
	rte_vmsg_bus_fail_all(bus, -ECANCELED);
	free(bus->dev_bits);
	free(bus->devs);
	free(bus->sub);
	free(bus->tx);
	free(bus->rx);
	free(bus->free_fifo);
	free(bus->tab);
	free(bus);
}

/* ------------------------------------------------------------------------ */
/* In-flight table                                                           */
/* ------------------------------------------------------------------------ */

static struct inflight *slot_alloc(struct rte_vmsg_bus *bus)
{
	struct inflight *e;
	uint32_t slot, gen, gens = 1u << (16u - bus->shift);

	if (bus->free_head == bus->free_tail)
		return NULL;
	slot = bus->free_fifo[bus->free_head % bus->cap];
	e = &bus->tab[slot];
	/* Next generation of this slot, skipping 0 so the token is never 0. */
	gen = ((uint32_t)e->token >> bus->shift) + 1u;
	if (gen >= gens)
		gen = 1; /* gens >= 16: max_inflight <= 4096 */
	e->token = (uint16_t)(gen << bus->shift | slot);
	return e;
}

/* Commits an entry returned by slot_alloc() once its request is sent. */
static void slot_commit(struct rte_vmsg_bus *bus, struct inflight *e)
{
	uint64_t now = rte_vmsg_tsc();

	bus->free_head++;
	e->in_use = true;
	e->seq = bus->seq++;
	e->deadline = now + bus->timeout_ticks;
	if (bus->inflight == 0 || e->deadline < bus->next_deadline)
		bus->next_deadline = e->deadline;
	bus->inflight++;
	bus->st.requests++;
}

static void slot_free(struct rte_vmsg_bus *bus, struct inflight *e)
{
	e->in_use = false;
	bus->free_fifo[bus->free_tail % bus->cap] =
		(uint16_t)((uint32_t)e->token & (bus->cap - 1u));
	bus->free_tail++;
	bus->inflight--;
}

void bus_enum_finish(struct rte_vmsg_bus *bus, int status)
{
	rte_vmsg_bus_enum_fn done = bus->en.done;

	bus->en.active = false;
	bus->en.need_send = false;
	done(bus->en.arg, status, bus->en.ndevs);
}

/* Frees the entry, then runs its completion (which may submit again). */
static void complete(struct rte_vmsg_bus *bus, struct inflight *e, int status, const void *resp,
		     size_t len)
{
	enum req_kind kind = (enum req_kind)e->kind;
	rte_vmsg_bus_done_fn done = e->done;
	rte_vmsg_bus_ping_fn ping_done = e->ping_done;
	void *arg = e->arg;

	slot_free(bus, e);
	if (status == 0)
		bus->st.completed++;
	else if (status == -ETIMEDOUT)
		bus->st.timeouts++;
	else
		bus->st.failed++;

	switch (kind) {
	case REQ_USER:
		done(arg, status, resp, len);
		break;
	case REQ_PING:
		ping_done(arg, status,
			  status == 0 ? rte_vmsg_get_le32((const uint8_t *)resp + 8) : 0);
		break;
	case REQ_ENUM:
		bus_enum_on_resp(bus, status, resp, len);
		break;
	}
}

static void expire(struct rte_vmsg_bus *bus)
{
	uint64_t now, next = UINT64_MAX;
	uint32_t i;

	if (bus->inflight == 0)
		return;
	now = rte_vmsg_tsc();
	if (now < bus->next_deadline)
		return;
	for (i = 0; i < bus->cap; i++) {
		struct inflight *e = &bus->tab[i];

		if (!e->in_use)
			continue;
		if (e->deadline <= now)
			complete(bus, e, -ETIMEDOUT, NULL, 0);
		else if (e->deadline < next)
			next = e->deadline;
	}
	/* Completions may have submitted new requests with later deadlines. */
	for (i = 0; i < bus->cap; i++)
		if (bus->tab[i].in_use && bus->tab[i].deadline < next)
			next = bus->tab[i].deadline;
	bus->next_deadline = next;
}

int rte_vmsg_bus_fail_all(struct rte_vmsg_bus *bus, int err)
{
	uint64_t limit;
	uint32_t i;
	int n = 0;

	if (bus == NULL || err >= 0)
		return -EINVAL;
	limit = bus->seq;
	for (i = 0; i < bus->cap; i++) {
		struct inflight *e = &bus->tab[i];

		if (e->in_use && e->seq < limit) {
			complete(bus, e, err, NULL, 0);
			n++;
		}
	}
	/* An enumeration waiting to send its next window has nothing in flight. */
	if (bus->en.active && bus->en.need_send)
		bus_enum_finish(bus, err);
	return n;
}

/* ------------------------------------------------------------------------ */
/* Submission                                                                */
/* ------------------------------------------------------------------------ */

static int check_frame(const struct rte_vmsg_bus *bus, const void *frame, size_t len)
{
	if (len < RTE_VMSG_HDR_SIZE || rte_vmsg_get_le16((const uint8_t *)frame + 6) != len)
		return -EINVAL;
	if (len > bus->max)
		return -EMSGSIZE;
	return 0;
}

int bus_submit(struct rte_vmsg_bus *bus, const void *req, size_t len, enum req_kind kind,
	       rte_vmsg_bus_done_fn done, rte_vmsg_bus_ping_fn ping_done, void *arg)
{
	const uint8_t *f = req;
	struct inflight *e;
	int rc;

	rc = check_frame(bus, req, len);
	if (rc < 0)
		return rc;
	if ((f[0] & RTE_VMSG_TYPE_RESPONSE) != 0 || (f[1] & RTE_VMSG_ID_EVENT) != 0)
		return -EINVAL;
	if (bus->role == RTE_VMSG_BUS_DEVICE && (f[0] & RTE_VMSG_TYPE_BUS) == 0)
		return -EPERM;
	e = slot_alloc(bus);
	if (e == NULL)
		return -EAGAIN;
	e->kind = (uint8_t)kind;
	e->done = done;
	e->ping_done = ping_done;
	e->arg = arg;
	e->user_token = rte_vmsg_get_le16(f + RTE_VMSG_OFF_TOKEN);
	e->hdr.type = f[0];
	e->hdr.msg_id = f[1];
	e->hdr.dev_num = rte_vmsg_get_le16(f + RTE_VMSG_OFF_DEV_NUM);
	e->hdr.token = e->token;
	e->hdr.msg_size = (uint16_t)len;

	/* The bus owns the token field (virtio-msg §9): put ours in a copy. */
	memcpy(bus->sub, req, len);
	rte_vmsg_put_le16(bus->sub + RTE_VMSG_OFF_TOKEN, e->token);
	rc = bus_tx_frame(bus, bus->sub, len);
	if (rc < 0)
		return rc; /* the slot stays free; its generation moved on */
	slot_commit(bus, e);
	return 0;
}

int rte_vmsg_bus_submit(struct rte_vmsg_bus *bus, const void *req, size_t len,
			rte_vmsg_bus_done_fn done, void *arg)
{
	if (bus == NULL || req == NULL || done == NULL)
		return -EINVAL;
	return bus_submit(bus, req, len, REQ_USER, done, NULL, arg);
}

int rte_vmsg_bus_send_event(struct rte_vmsg_bus *bus, const void *frame, size_t len)
{
	const uint8_t *f = frame;
	int rc;

	if (bus == NULL || frame == NULL)
		return -EINVAL;
	rc = check_frame(bus, frame, len);
	if (rc < 0)
		return rc;
	/* GEN-5: an event has bit 6 of msg_id and never the response bit. */
	if ((f[0] & RTE_VMSG_TYPE_RESPONSE) != 0 || (f[1] & RTE_VMSG_ID_EVENT) == 0)
		return -EINVAL;
	memcpy(bus->sub, frame, len);
	rte_vmsg_put_le16(bus->sub + RTE_VMSG_OFF_TOKEN, 0); /* [LIB] events carry token 0 */
	return bus_tx_frame(bus, bus->sub, len);
}

int rte_vmsg_bus_ping(struct rte_vmsg_bus *bus, uint32_t data, rte_vmsg_bus_ping_fn done, void *arg)
{
	struct rte_vmsg_msg m;
	uint8_t buf[16];
	int len;

	if (bus == NULL || done == NULL)
		return -EINVAL;
	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_REQ;
	m.u.ping = data;
	len = rte_vmsg_msg_build_profile(buf, sizeof(buf), bus->payloads, &m);
	if (len < 0)
		return len;
	return bus_submit(bus, buf, (size_t)len, REQ_PING, NULL, done, arg);
}

/* ------------------------------------------------------------------------ */
/* Receive path                                                              */
/* ------------------------------------------------------------------------ */

/* Sends the response in bus->tx, or keeps it for the next poll. */
int bus_send_response(struct rte_vmsg_bus *bus, size_t len)
{
	int rc = bus_tx_frame(bus, bus->tx, len);

	if (rc == -EAGAIN) {
		bus->tx_len = len;
		bus->tx_pending = true;
		return rc;
	}
	if (rc == 0)
		bus->st.answered++;
	return rc;
}

static int answer_ping(struct rte_vmsg_bus *bus, const struct rte_vmsg_msg *req)
{
	struct rte_vmsg_msg m;
	int len;

	memset(&m, 0, sizeof(m));
	m.kind = RTE_VMSG_MSG_BUS_PING_RESP;
	m.hdr.token = req->hdr.token; /* responders copy the request token */
	m.u.ping = req->u.ping;	      /* BUS-26: echoed unchanged */
	len = rte_vmsg_msg_build_profile(bus->tx, bus->max, bus->payloads, &m);
	if (len < 0) {
		bus->st.drop_malformed++;
		return 0;
	}
	return bus_send_response(bus, (size_t)len);
}

/* A response: match it by token, then by header (GEN-7). */
static void match_response(struct rte_vmsg_bus *bus, uint8_t *f, size_t len)
{
	uint16_t token = rte_vmsg_get_le16(f + RTE_VMSG_OFF_TOKEN);
	struct inflight *e = &bus->tab[token & (bus->cap - 1u)];
	struct rte_vmsg_hdr h;

	if (!e->in_use || e->token != token) {
		bus->st.drop_unmatched++; /* late (after a timeout), duplicate, stray */
		return;
	}
	h.type = f[0];
	h.msg_id = f[1];
	h.dev_num = rte_vmsg_get_le16(f + RTE_VMSG_OFF_DEV_NUM);
	if (!rte_vmsg_msg_answers(&e->hdr, &h)) {
		bus->st.drop_mismatch++;
		return;
	}
	/* Token use stays invisible (BUS-14): the caller sees its own token. */
	rte_vmsg_put_le16(f + RTE_VMSG_OFF_TOKEN, e->user_token);
	complete(bus, e, 0, f, len);
}

static int rx_bus_msg(struct rte_vmsg_bus *bus, uint8_t *f, size_t len)
{
	struct rte_vmsg_msg m;
	int rc;

	rc = rte_vmsg_msg_parse_profile(f, len, bus->max, bus->payloads, &m, NULL);
	if (rc < 0) {
		/* BUS-11: dropped without a reply, whatever it was. */
		if (rc == -EOPNOTSUPP)
			bus->st.drop_unknown++;
		else
			bus->st.drop_malformed++;
		return 0;
	}
	switch (m.kind) {
	case RTE_VMSG_MSG_BUS_PING_REQ:
		return answer_ping(bus, &m);
	case RTE_VMSG_MSG_BUS_GET_DEVICES_REQ:
		if (bus->role != RTE_VMSG_BUS_DEVICE)
			break;
		return bus_answer_get_devices(bus, &m);
	case RTE_VMSG_MSG_BUS_PING_RESP:
	case RTE_VMSG_MSG_BUS_GET_DEVICES_RESP:
		match_response(bus, f, len);
		return 0;
	case RTE_VMSG_MSG_BUS_EVENT_DEVICE:
		/* BUS-12: an event is never answered. */
		if (bus->role != RTE_VMSG_BUS_DRIVER)
			break;
		bus->st.device_events++;
		if (bus->dev_event_fn == NULL)
			bus->st.drop_no_handler++;
		else
			bus->dev_event_fn(bus->dev_event_arg, m.u.event_device.device_number,
					  m.u.event_device.state);
		return 0;
	case RTE_VMSG_MSG_IMPL:
		bus->st.drop_unknown++; /* no bus-specific IDs implemented */
		return 0;
	default:
		break;
	}
	bus->st.drop_unexpected++;
	return 0;
}

static int rx_transport_driver(struct rte_vmsg_bus *bus, uint8_t *f, size_t len)
{
	if ((f[0] & RTE_VMSG_TYPE_RESPONSE) != 0) {
		match_response(bus, f, len);
	} else if ((f[1] & RTE_VMSG_ID_EVENT) != 0) {
		if (bus->event_fn == NULL) {
			bus->st.drop_no_handler++;
		} else {
			bus->st.events_rx++;
			bus->event_fn(bus->event_arg, f, len);
		}
	} else {
		bus->st.drop_unexpected++; /* a request to the driver side */
	}
	return 0;
}

static int rx_transport_device(struct rte_vmsg_bus *bus, uint8_t *f, size_t len)
{
	const struct dev_slot *d = &bus->devs[rte_vmsg_get_le16(f + RTE_VMSG_OFF_DEV_NUM)];
	int rc;

	if (d->fn == NULL) {
		/* BUS-9: the requester times out; the event may drop. */
		bus->st.drop_dev_num++;
		return 0;
	}
	/*
	 * The handler copies the token (DEV-4); the payload is its business
	 * (BUS-8). It may call the bus back (send an event): bus->tx is only
	 * written here and by the answers below, never by a send.
	 */
	rc = d->fn(d->ctx, f, len, bus->tx, bus->max);
	if (rc <= 0)
		return 0; /* consumed event or dropped frame, counted by the handler */
	if ((size_t)rc > bus->max) {
		bus->st.drop_malformed++; /* a handler bug: never send past the maximum */
		return 0;
	}
	return bus_send_response(bus, (size_t)rc);
}

static int rx_one(struct rte_vmsg_bus *bus, uint8_t *f, size_t len)
{
	uint16_t msg_size;

	bus->st.rx_frames++;
	if (len < RTE_VMSG_HDR_SIZE) {
		bus->st.drop_malformed++;
		return 0;
	}
	msg_size = rte_vmsg_get_le16(f + RTE_VMSG_OFF_MSG_SIZE);
	if (msg_size < RTE_VMSG_HDR_SIZE || msg_size > len || msg_size > bus->max) {
		bus->st.drop_malformed++;
		return 0;
	}
	if ((f[0] & RTE_VMSG_TYPE_BUS) != 0)
		return rx_bus_msg(bus, f, msg_size);
	if (bus->role == RTE_VMSG_BUS_DRIVER)
		return rx_transport_driver(bus, f, msg_size);
	return rx_transport_device(bus, f, msg_size);
}

/* Completion of a keepalive PING: its answer was counted as heard by the receive path. */
static void ka_pong(void *arg, int status, uint32_t data)
{
	struct rte_vmsg_bus *bus = arg;

	(void)status;
	(void)data;
	bus->ka_ping_out = false;
}

/*
 * The keepalive, after each run of the backend's control path: the clock
 * starts when the link comes up and again at every frame received; a PING
 * goes out after a quarter of the timeout of silence (one at a time), and
 * the peer is declared lost after the whole of it. The backend then drops
 * its link (ops.peer_lost) and reports the loss at its next run, which is
 * made the next poll's: the loss then takes the path of any other.
 *
 * Only the peer's silence while this side polls counts: after a pause of
 * our own polls longer than a quarter of the timeout (a descheduled
 * thread), the clock starts again, since the answers the peer sent meanwhile
 * are still unread (the control path runs before the receive path).
 */
static void keepalive(struct rte_vmsg_bus *bus, uint64_t now)
{
	uint64_t silent;

	if (bus->ka_last != 0 && now - bus->ka_last > bus->ka_ticks / 4u)
		bus->ka_heard = 0;
	bus->ka_last = now;
	if (bus->connected != 1) {
		bus->ka_heard = 0;
		return;
	}
	if (bus->ka_heard == 0 || bus->st.rx_frames != bus->ka_rx) {
		bus->ka_heard = now;
		bus->ka_rx = bus->st.rx_frames;
		return;
	}
	silent = now - bus->ka_heard;
	if (silent >= bus->ka_ticks) {
		bus->st.keepalive_lost++;
		RTE_VMSG_LOG(WARNING, "nothing from the peer for %" PRIu64 " ms: peer lost",
			     (uint64_t)(silent / (rte_vmsg_tsc_hz() / 1000u)));
		bus->ka_heard = 0;
		bus->ops.peer_lost(bus->be);
		bus->ctl_last = 0;
		return;
	}
	if (!bus->ka_ping_out && silent >= bus->ka_ticks / 4u &&
	    rte_vmsg_bus_ping(bus, (uint32_t)bus->st.keepalive_pings, ka_pong, bus) == 0) {
		bus->ka_ping_out = true;
		bus->st.keepalive_pings++;
	}
}

/*
 * The backend's control path, rate-limited: one TSC read per poll, the
 * backend run when RTE_VMSG_BUS_CONTROL_INTERVAL_NS has passed (and on the
 * first poll, so that a link comes up without delay). Whatever the poll
 * rate, the backend runs at the first poll after each interval: its
 * heartbeat moves as often as the application polls, up to that rate.
 */
static void control(struct rte_vmsg_bus *bus)
{
	uint64_t now;
	int rc;

	now = rte_vmsg_tsc();
	if (bus->ctl_last != 0 && now - bus->ctl_last < bus->ctl_ticks)
		return;
	bus->ctl_last = now != 0 ? now : 1;
	rc = bus->ops.control(bus->be);
	if (rc < 0) {
		if (bus->connected >= 0)
			RTE_VMSG_LOG(ERR, "backend broken: %s", strerror(-rc));
		bus->connected = rc;
		if (bus->role == RTE_VMSG_BUS_DRIVER)
			(void)rte_vmsg_bus_fail_all(bus, rc);
		return;
	}
	bus->connected = (rc & RTE_VMSG_BUS_CTL_UP) != 0;
	if ((rc & RTE_VMSG_BUS_CTL_PEER_LOST) == 0) {
		if (bus->ka_ticks != 0)
			keepalive(bus, now);
		return;
	}
	bus->ka_heard = 0;
	bus->st.peer_lost++;
	/* What was in flight went with the old peer: fail it now (BUS-10); a
	 * device's own requests (PING) too. */
	(void)rte_vmsg_bus_fail_all(bus, -ECONNRESET);
	if (bus->role == RTE_VMSG_BUS_DRIVER)
		return;
	/* Answers and requests of the old peer mean nothing to a new one. */
	bus->st.drop_peer_lost += (bus->tx_pending ? 1u : 0u) + (bus->rx_n - bus->rx_pos);
	bus->tx_pending = false;
	bus->rx_pos = bus->rx_n = 0;
	/* Nor what it set up in the devices: each drops it before a new peer's first frame. */
	bus_devs_lost(bus);
}

int rte_vmsg_bus_poll(struct rte_vmsg_bus *bus)
{
	int rc = 0, got = 0;

	if (bus == NULL)
		return -EINVAL;
	if (bus->in_poll)
		return -EBUSY;
	bus->in_poll = true;

	if (bus->ops.control != NULL)
		control(bus);

	/* A response parked by a full backend goes first, in order. */
	if (bus->tx_pending) {
		rc = bus_tx_frame(bus, bus->tx, bus->tx_len);
		if (rc == -EAGAIN) {
			rc = 0;
			goto out_expire;
		}
		bus->tx_pending = false;
		if (rc < 0)
			goto out;
		bus->st.answered++;
	}
	if (bus->en.active && bus->en.need_send) {
		rc = bus_enum_send(bus);
		if (rc < 0 && rc != -EAGAIN)
			bus_enum_finish(bus, rc);
		rc = 0;
	}
	if (bus->rx_pos == bus->rx_n) {
		rc = bus->ops.rx_burst(bus->be, bus->rx, bus->max, bus->rx_lens, BUS_RX_BURST);
		if (rc < 0)
			goto out;
		bus->rx_pos = 0;
		bus->rx_n = (unsigned int)rc;
		got = rc;
		rc = 0;
	}
	while (bus->rx_pos < bus->rx_n) {
		unsigned int i = bus->rx_pos++;

		rc = rx_one(bus, bus->rx + (size_t)i * bus->max, bus->rx_lens[i]);
		if (rc == -EAGAIN) {
			rc = 0;
			break; /* the rest waits behind the parked response */
		}
		if (rc < 0)
			goto out;
	}
out_expire:
	expire(bus);
out:
	bus->in_poll = false;
	return rc < 0 ? rc : got;
}

/* ------------------------------------------------------------------------ */
/* Callbacks and getters                                                     */
/* ------------------------------------------------------------------------ */

int rte_vmsg_bus_set_event_cb(struct rte_vmsg_bus *bus, rte_vmsg_bus_event_fn fn, void *arg)
{
	if (bus == NULL)
		return -EINVAL;
	bus->event_fn = fn;
	bus->event_arg = arg;
	return 0;
}

int rte_vmsg_bus_set_dev_event_cb(struct rte_vmsg_bus *bus, rte_vmsg_bus_dev_event_fn fn, void *arg)
{
	if (bus == NULL)
		return -EINVAL;
	bus->dev_event_fn = fn;
	bus->dev_event_arg = arg;
	return 0;
}

uint32_t rte_vmsg_bus_max_msg_size(const struct rte_vmsg_bus *bus)
{
	return bus == NULL ? 0 : bus->max;
}

uint64_t rte_vmsg_bus_transport_features(const struct rte_vmsg_bus *bus)
{
	return bus == NULL ? 0 : bus->features;
}

uint32_t rte_vmsg_bus_inflight(const struct rte_vmsg_bus *bus)
{
	return bus == NULL ? 0 : bus->inflight;
}

uint64_t rte_vmsg_bus_peer_losses(const struct rte_vmsg_bus *bus)
{
	return bus == NULL ? 0 : bus->st.peer_lost;
}

uint32_t rte_vmsg_bus_role(const struct rte_vmsg_bus *bus)
{
	return bus == NULL ? 0 : bus->role;
}

uint32_t rte_vmsg_bus_payloads(const struct rte_vmsg_bus *bus)
{
	return bus == NULL ? RTE_VMSG_PAYLOADS_V2 : bus->payloads;
}

uint64_t rte_vmsg_bus_timeout_ns(const struct rte_vmsg_bus *bus)
{
	return bus == NULL ? 0 : bus->timeout_ns;
}

int rte_vmsg_bus_connected(const struct rte_vmsg_bus *bus)
{
	return bus == NULL ? -EINVAL : bus->connected;
}

int rte_vmsg_bus_stats_get(const struct rte_vmsg_bus *bus, struct rte_vmsg_bus_stats *st)
{
	if (bus == NULL || st == NULL)
		return -EINVAL;
	*st = bus->st;
	return 0;
}

const struct rte_vmsg_memmap *rte_vmsg_bus_memmap(const struct rte_vmsg_bus *bus)
{
	if (bus == NULL || bus->ops.memmap == NULL)
		return NULL;
	return bus->ops.memmap(bus->be);
}

int rte_vmsg_bus_wait_connected(struct rte_vmsg_bus *bus, uint64_t timeout_ns,
				int (*cancel)(void *arg), void *arg)
{
	struct timespec nap = { 0, 50000 };
	uint64_t now = rte_vmsg_time_ns(), end = now + timeout_ns, next_cancel = now;
	int rc;

	if (bus == NULL)
		return -EINVAL;
	for (;;) {
		rc = rte_vmsg_bus_poll(bus);
		if (rc < 0 && rc != -ENOTCONN)
			return rc;
		rc = rte_vmsg_bus_connected(bus);
		if (rc != 0)
			return rc > 0 ? 0 : rc;
		now = rte_vmsg_time_ns();
		if (now >= end)
			return -ETIMEDOUT;
		if (cancel != NULL && now >= next_cancel) {
			if (cancel(arg) != 0)
				return -ECANCELED;
			next_cancel = now + 1000000u;
		}
		nanosleep(&nap, NULL);
	}
}
