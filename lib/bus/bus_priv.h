/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The bus endpoint's state, shared by bus.c (creation, the in-flight
 * table, submission, the receive path, the control path) and
 * bus_devices.c (device numbers: the device table, GET_DEVICES both ways,
 * EVENT_DEVICE).
 */

#ifndef RTE_VMSG_BUS_PRIV_H
#define RTE_VMSG_BUS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rte_vmsg_bus.h"

#define BUS_DEFAULT_INFLIGHT 256u
#define BUS_MAX_INFLIGHT 4096u
#define BUS_DEFAULT_TIMEOUT_NS 1000000000ull
#define BUS_RX_BURST 16u
#define BUS_NUM_DEVS 65536u
#define BUS_DEV_WORDS (BUS_NUM_DEVS / 64u) /* 64-bit words of the device bitmap */

/* What completes an in-flight entry. */
enum req_kind {
	REQ_USER,
	REQ_PING,
	REQ_ENUM,
};

struct inflight {
	bool in_use;
	uint8_t kind;		 /* enum req_kind */
	uint16_t token;		 /* the bus's token on the wire */
	uint16_t user_token;	 /* the caller's, restored in the response (BUS-14) */
	struct rte_vmsg_hdr hdr; /* the request header, to match the response (GEN-7) */
	uint64_t deadline;
	uint64_t seq; /* submission order, for rte_vmsg_bus_fail_all() */
	rte_vmsg_bus_done_fn done;
	rte_vmsg_bus_ping_fn ping_done;
	void *arg;
};

/* A registered device: its request handler and the handler's context. */
struct dev_slot {
	rte_vmsg_bus_request_fn fn;
	void *ctx;
	rte_vmsg_bus_lost_fn lost; /* the peer was lost (rte_vmsg_bus_dev_set_lost()) */
};

struct rte_vmsg_bus {
	struct rte_vmsg_bus_ops ops;
	void *be;
	uint32_t role;
	uint32_t max;
	uint32_t payloads; /* enum rte_vmsg_payloads */
	uint64_t features;
	uint64_t timeout_ns;
	uint64_t timeout_ticks; /* the same in TSC ticks: deadlines are TSC values */

	/* In-flight table; free slots in a FIFO so a slot rests before reuse. */
	struct inflight *tab;
	uint16_t *free_fifo;
	uint32_t cap;	/* power of two */
	uint32_t shift; /* log2(cap): token = gen << shift | slot */
	uint32_t free_head, free_tail;
	uint32_t inflight;
	uint64_t seq;
	uint64_t next_deadline;

	/* Receive burst, kept across polls while a response waits for room. */
	uint8_t *rx;
	size_t rx_lens[BUS_RX_BURST];
	unsigned int rx_pos, rx_n;

	/* Response waiting for room in the backend (device requests, bus answers). */
	uint8_t *tx;
	size_t tx_len;
	bool tx_pending;

	/* Submissions and events are built here (never parked). */
	uint8_t *sub;

	bool in_poll;

	/* Backend control path (ops.control), run every CONTROL_INTERVAL. */
	uint64_t ctl_last;  /* rte_vmsg_tsc() of the last run; 0: never */
	uint64_t ctl_ticks; /* RTE_VMSG_BUS_CONTROL_INTERVAL_NS in TSC ticks */
	int connected;	    /* 1, 0 or a negative errno (rte_vmsg_bus_connected()) */

	/* Keepalive (opts.peer_timeout_ms), run with the control path. */
	uint64_t ka_ticks; /* the timeout in TSC ticks; 0: off */
	uint64_t ka_heard; /* rte_vmsg_tsc() when the peer was last heard; 0: not up */
	uint64_t ka_rx;	   /* st.rx_frames then */
	uint64_t ka_last;  /* rte_vmsg_tsc() of the last keepalive run; 0: none */
	bool ka_ping_out;  /* a keepalive PING is in flight */

	rte_vmsg_bus_event_fn event_fn;
	void *event_arg;
	rte_vmsg_bus_dev_event_fn dev_event_fn;
	void *dev_event_arg;

	/* Enumeration (driver role). */
	struct {
		bool active;
		bool need_send;
		/* need_send: rte_vmsg_tsc() after which the window fails (-ETIMEDOUT). */
		uint64_t send_by;
		uint8_t *bitmap;
		uint16_t offset; /* of the window in flight or to send */
		uint16_t count;	 /* requested */
		uint32_t ndevs;
		rte_vmsg_bus_enum_fn done;
		void *arg;
	} en;

	/* Device table (device role): a handler per device number (NULL: none). */
	struct dev_slot *devs;
	uint32_t ndevs;
	uint16_t next_num;
	/*
	 * The same set as bits, so that a GET_DEVICES answer costs what it
	 * holds, not a scan of the number space (a peer may send one per
	 * frame): bit n of dev_bits set when number n is registered; bit w of
	 * dev_sum set when dev_bits[w] is not 0.
	 */
	uint64_t *dev_bits; /* BUS_DEV_WORDS */
	uint64_t dev_sum[BUS_DEV_WORDS / 64u];

	struct rte_vmsg_bus_stats st;
};

/* bus.c: the endpoint's core, used by bus_devices.c. */
int bus_tx_frame(struct rte_vmsg_bus *bus, const void *frame, size_t len);
int bus_submit(struct rte_vmsg_bus *bus, const void *req, size_t len, enum req_kind kind,
	       rte_vmsg_bus_done_fn done, rte_vmsg_bus_ping_fn ping_done, void *arg);
int bus_send_response(struct rte_vmsg_bus *bus, size_t len);
void bus_enum_finish(struct rte_vmsg_bus *bus, int status);

/* bus_devices.c: device numbers, used by bus.c. */
int bus_enum_send(struct rte_vmsg_bus *bus);
void bus_enum_on_resp(struct rte_vmsg_bus *bus, int status, const void *resp, size_t len);
int bus_answer_get_devices(struct rte_vmsg_bus *bus, const struct rte_vmsg_msg *req);
void bus_devs_lost(struct rte_vmsg_bus *bus);

#endif /* RTE_VMSG_BUS_PRIV_H */
