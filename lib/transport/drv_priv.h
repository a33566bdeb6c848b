/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg driver side, private: the handle, the asynchronous operation
 * (one call, possibly several requests long) and the engine that runs it,
 * shared by drv.c (engine, handle), drv_req.c (requests) and drv_init.c
 * (the initialization flow of §5).
 */

#ifndef RTE_VMSG_DRV_PRIV_H
#define RTE_VMSG_DRV_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "rte_vmsg_transport.h"

#define DEF_TIMEOUT_NS 2000000000ull
#define DEF_RESET_TIMEOUT_NS 1000000000ull
#define MAX_GEN_RETRIES 8u
#define MAX_FEATURE_BLOCKS 4096u
#define MAX_VIRTQUEUES 65536u

/* Status bits a driver may write (§4.6); DEVICE_NEEDS_RESET is the device's. */
#define DRIVER_STATUS_BITS                                                                  \
	(RTE_VMSG_STATUS_ACKNOWLEDGE | RTE_VMSG_STATUS_DRIVER | RTE_VMSG_STATUS_DRIVER_OK | \
	 RTE_VMSG_STATUS_FEATURES_OK | RTE_VMSG_STATUS_FAILED)

enum drv_state {
	ST_OPEN,	/* nothing negotiated */
	ST_FEATURES_OK, /* rte_vmsg_drv_init() succeeded */
	ST_LIVE,	/* DRIVER_OK reported by the device */
};

enum op_kind {
	OP_INFO,
	OP_GET_FEAT,
	OP_SET_FEAT,
	OP_GET_CFG,
	OP_SET_CFG,
	OP_GET_STATUS,
	OP_SET_STATUS,
	OP_RESET,
	OP_GET_VQ,
	OP_SET_VQ,
	OP_RESET_VQ,
	OP_SHM,
};

struct drv_op;

/* The init-flow call running on a handle (drv_init.c), one at a time. */
enum flow_kind {
	FLOW_NONE, /* none: a flow may start */
	FLOW_INIT,
	FLOW_VQ,
	FLOW_DRIVER_OK,
};

/*
 * The state machine of rte_vmsg_drv_init_async(), _vq_setup_async() or
 * _driver_ok_async(): each step is one asynchronous call of drv_req.c
 * whose completion runs the next step. Lives in the handle (no allocation
 * per flow but the feature arrays; freed with the handle).
 */
struct drv_flow {
	enum flow_kind kind;
	int step;		   /* the step whose request is in flight */
	struct drv_op *op;	   /* that request's op (NULL between steps) */
	rte_vmsg_drv_done_fn done; /* NULL: detached, it ends at its next step, silently */
	void *arg;
	uint64_t deadline; /* TSC: of the step's op (the synchronous wait's bound) */
	uint32_t want;	   /* status bits written by the step */
	uint32_t st;	   /* the status the device answered */
	/* FLOW_INIT */
	uint32_t *wanted; /* [nwanted] the caller's wanted blocks, copied */
	uint32_t nwanted;
	uint32_t nblocks;     /* words of @negotiated */
	uint32_t *negotiated; /* the caller's, or NULL */
	uint32_t nfb;	      /* offered feature blocks (GET_DEVICE_INFO) */
	uint32_t *offered;    /* [nfb + 1] */
	uint32_t *sel;	      /* [nfb + 1] the driver-selected set */
	struct rte_vmsg_dev_info info;
	/* FLOW_VQ */
	struct rte_vmsg_vqueue set; /* the SET_VQUEUE asked for */
	struct rte_vmsg_vqueue vq;  /* GET_VQUEUE answers */
};

struct rte_vmsg_drv {
	struct rte_vmsg_bus *bus;
	uint16_t dev_num;
	bool strict; /* strict config profile, from the bus (DRV-4) */
	uint32_t max_msg;
	uint32_t payloads; /* the bus's enum rte_vmsg_payloads */
	uint64_t flags;
	uint64_t timeout_ns;
	uint64_t reset_timeout_ns;
	uint64_t timeout_ticks; /* the two bounds in TSC ticks: deadlines are TSC values */
	uint64_t reset_timeout_ticks;
	void (*poll_peer)(void *arg);
	void *poll_peer_arg;
	int (*cancel)(void *arg); /* opts.cancel: asked in the synchronous waits */
	void *cancel_arg;
	rte_vmsg_drv_config_fn config_cb;
	void *config_arg;
	rte_vmsg_drv_used_fn used_cb;
	void *used_arg;

	struct rte_vmsg_dev_info info;
	bool have_info;
	uint32_t *vq_max; /* [info.max_virtqueues] max_size last read, 0 unknown */
	uint8_t *vq_on;	  /* [info.max_virtqueues] set up by rte_vmsg_drv_vq_setup() */
	uint32_t nvq;
	uint32_t generation; /* newest seen (DRV-6) */
	bool needs_reset;    /* DEVICE_NEEDS_RESET seen, a request timed out or failed */
	uint64_t losses;     /* the bus's peer losses at the last reset: peer_was_lost() */
	enum drv_state state;
	uint32_t *feat; /* [nfeat] negotiated blocks */
	uint32_t nfeat;

	uint32_t inflight;
	/*
	 * Synchronous calls polling on this handle: a callback they run may
	 * close it, and it is freed only once none runs and nothing is in
	 * flight (rte_vmsg__drv_release()).
	 */
	uint32_t waiting;
	bool closed;
	struct drv_op *last_op; /* started by the last successful async call */
	uint8_t *tx;		/* [max_msg] request scratch (the bus copies it) */
	struct drv_flow flow;	/* the init-flow call running, if any */
	/*
	 * Ops that ended, kept for the next calls (linked through ->out): no
	 * malloc and free per request. With many handles in flight together
	 * the heap would otherwise grow and shrink around them, and each
	 * shrink is a TLB shootdown (a few microseconds in a VM).
	 */
	struct drv_op *op_cache;
	uint32_t op_cached;
};

/* Ops kept per handle for reuse (one init flow needs one at a time). */
#define DRV_OP_CACHE 4u

/* One asynchronous call, possibly several requests long. */
struct drv_op {
	struct rte_vmsg_drv *drv;
	enum op_kind kind;
	int phase; /* OP_RESET: 1 polling; OP_SET_CFG: 1 re-reading after a refusal */
	rte_vmsg_drv_done_fn done;
	void *arg;
	uint64_t deadline;
	uint32_t a; /* block_index, offset, index, status or shmid */
	uint32_t n; /* blocks or bytes in all */
	uint32_t pos;
	uint32_t chunk; /* blocks or bytes of the request in flight */
	uint32_t gen;
	uint32_t retries;
	void *out;
	void *out2;
	const void *in;
	struct rte_vmsg_vqueue vq;
	uint8_t scratch[]; /* [max_msg] */
};

/* The completion of a synchronous wait (rte_vmsg__drv_sync_done()). */
struct drv_sync {
	int done;
	int status;
};

/*
 * Allocates an op of @p kind for the async call of @p done / @p arg; @p io:
 * refused while the handle needs a reset (DRV-27). NULL with *@p rc the
 * -errno (-EINVAL, -ESTALE, -ENOMEM), else *@p rc 0.
 */
struct drv_op *rte_vmsg__drv_op_new(struct rte_vmsg_drv *drv, enum op_kind kind, bool io,
				    rte_vmsg_drv_done_fn done, void *arg, int *rc);

/* Sends the op's first request: 0 (in flight), or -errno (the op is freed). */
int rte_vmsg__drv_op_start(struct drv_op *op);

/* The done callback of a synchronous call: @p arg is its struct drv_sync. */
void rte_vmsg__drv_sync_done(void *arg, int status);

/* Polls until the op the async call that returned @p rc started completes. */
int rte_vmsg__drv_sync_wait(struct rte_vmsg_drv *drv, struct drv_sync *s, int rc);
/* Frees a closed handle once nothing is in flight and no synchronous call waits on it. */
void rte_vmsg__drv_release(struct rte_vmsg_drv *drv);

/* Frees the flow's arrays (the handle is freed, or the flow ended). */
void rte_vmsg__drv_flow_free(struct drv_flow *f);

#endif /* RTE_VMSG_DRV_PRIV_H */
