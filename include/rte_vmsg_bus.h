/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-msg bus endpoints (v2 draft, transport revision 1): the backend
 * interface, the bus in the driver role (tokens, in-flight table, timeouts)
 * and the device role (a request handler per device number, GET_DEVICES,
 * PING, EVENT_DEVICE), and the backends: loop (in-process), amp (an AMP
 * link on any memory) and shm (two processes on one file, over amp).
 */

#ifndef RTE_VMSG_BUS_H
#define RTE_VMSG_BUS_H

#include <stddef.h>
#include <stdint.h>

#include <rte_vmsg_common.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_msg.h>
#include <rte_vmsg_ring.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @file
 * @warning EXPERIMENTAL: the bus API may change before 1.0.
 *
 * Concurrency contract, for every rte_vmsg_bus_* function: a bus endpoint
 * (and a loop backend end) is used by one thread at a time; calls on one
 * endpoint must not overlap, calls on different endpoints may, except that
 * the two ends of one loop backend share their FIFOs and must be used from
 * one thread at a time together. Callbacks run inside rte_vmsg_bus_poll(),
 * rte_vmsg_bus_fail_all() and rte_vmsg_bus_destroy(), on the calling thread;
 * from a callback the application may call rte_vmsg_bus_submit(),
 * rte_vmsg_bus_send_event(), rte_vmsg_bus_ping(), rte_vmsg_bus_fail_all()
 * and the getters, but not rte_vmsg_bus_poll() (-EBUSY) nor
 * rte_vmsg_bus_destroy(). Nothing allocates after creation and nothing
 * blocks.
 */

/* ------------------------------------------------------------------------ */
/* Backend interface                                                         */
/* ------------------------------------------------------------------------ */

/**
 * A bus backend: moves whole frames (header + payload, no bus framing)
 * between the two ends of a bus instance. Zero-initialise, then set @c sz;
 * bytes past the fields this library knows must be zero (the options rule:
 * an older caller's smaller table reads as zero past its sz). Backends: loop,
 * amp (an AMP link on any memory) and shm (set up over amp), below; later
 * pcie_amp (drivers/).
 */
struct rte_vmsg_bus_ops {
	size_t sz; /**< sizeof(struct rte_vmsg_bus_ops) */
	/**
	 * Sends one frame of @p len bytes (8..max_msg_size). Required.
	 * @return 0; -EAGAIN when the backend is full (nothing sent, retry
	 *         later); another negative errno on a dead or broken link.
	 */
	int (*tx)(void *ctx, const void *frame, size_t len);
	/**
	 * Receives up to @p n frames: frame i is copied to @p bufs + i *
	 * @p stride (at most @p stride bytes, @p stride >= max_msg_size) and
	 * its length stored in @p lens[i]. Required.
	 * @return the number of frames received (0..n), or a negative errno.
	 */
	int (*rx_burst)(void *ctx, void *bufs, size_t stride, size_t *lens, unsigned int n);
	/** The largest frame the backend carries, 52..65535. Required. */
	uint32_t (*max_msg_size)(void *ctx);
	/**
	 * The backend's control path (link handshake, peer liveness).
	 * Optional: a backend without one is always up (loop). The bus calls
	 * it from rte_vmsg_bus_poll(), on the first poll and then about every
	 * RTE_VMSG_BUS_CONTROL_INTERVAL_NS.
	 * @return RTE_VMSG_BUS_CTL_* bits: UP when frames can flow now,
	 *         PEER_LOST when the peer died or restarted since the last
	 *         call (the driver-role bus then fails every request in flight
	 *         with -ECONNRESET; the device-role bus drops the answers it
	 *         still holds for the old peer); or a negative errno when the
	 *         backend is broken for good (in-flight requests fail with it).
	 */
	int (*control)(void *ctx);
	/**
	 * The map that translates the peer's bus addresses (virtqueue and
	 * buffer addresses in SET_VQUEUE and descriptors) into local
	 * pointers. Optional: NULL, or a backend that returns NULL, has none
	 * (rte_vmsg_bus_memmap() then returns NULL).
	 */
	const struct rte_vmsg_memmap *(*memmap)(void *ctx);
	/**
	 * The bus endpoint's keepalive declared the peer lost (nothing heard
	 * for rte_vmsg_bus_opts.peer_timeout_ms): the backend drops its link
	 * as for a dead peer and reports the loss at its next control run.
	 * Optional; an endpoint with a keepalive needs it.
	 */
	void (*peer_lost)(void *ctx);
};

/** Bit of the value of rte_vmsg_bus_ops.control: frames can flow. */
#define RTE_VMSG_BUS_CTL_UP 0x1
/** Bit of the value of rte_vmsg_bus_ops.control: the peer was lost since the last call. */
#define RTE_VMSG_BUS_CTL_PEER_LOST 0x2
/** How often rte_vmsg_bus_poll() runs the backend's control path. */
#define RTE_VMSG_BUS_CONTROL_INTERVAL_NS 50000u

/* ------------------------------------------------------------------------ */
/* Loop backend: two ends in one process                                     */
/* ------------------------------------------------------------------------ */

/** Options of rte_vmsg_bus_loop_create(); zero-initialise, then set @c sz. */
struct rte_vmsg_bus_loop_opts {
	size_t sz;	       /**< sizeof(struct rte_vmsg_bus_loop_opts) */
	uint32_t capacity;     /**< frames per direction, 1..65536; 0: 256 */
	uint32_t max_msg_size; /**< 52..65535; 0: RTE_VMSG_MAX_SIZE_DEFAULT (264) */
};

struct rte_vmsg_bus_loop;

/**
 * Creates a loop backend: two ends joined by two bounded FIFOs of frames,
 * one per direction, allocated here (nothing is allocated per frame). A
 * send to a full FIFO returns -EAGAIN.
 *
 * @param opts  options (required)
 * @param out   receives the loop
 * @return 0; -EINVAL for NULL arguments, a bad @c sz, unknown non-zero bytes
 *         or values out of range; -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_bus_loop_create(const struct rte_vmsg_bus_loop_opts *opts,
							struct rte_vmsg_bus_loop **out);

/** Frees a loop backend (destroy the bus endpoints on it first). NULL is a no-op. */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_bus_loop_destroy(struct rte_vmsg_bus_loop *loop);

/** The backend ops of the loop backend (a static table). */
RTE_VMSG_API const struct rte_vmsg_bus_ops *rte_vmsg_bus_loop_ops(void);

/**
 * The backend context of end @p side (0 or 1) of a loop, to pass with
 * rte_vmsg_bus_loop_ops() to rte_vmsg_bus_create(). What end 0 sends, end 1
 * receives, and the reverse.
 *
 * @return the context, or NULL (errno EINVAL) for NULL @p loop or a bad @p side.
 */
RTE_VMSG_API void *rte_vmsg_bus_loop_end(struct rte_vmsg_bus_loop *loop, unsigned int side);

/* ------------------------------------------------------------------------ */
/* Bus endpoints                                                             */
/* ------------------------------------------------------------------------ */

/** The role of a bus endpoint. */
enum rte_vmsg_bus_role {
	RTE_VMSG_BUS_DRIVER = 1, /**< driver side: sends requests, matches responses */
	RTE_VMSG_BUS_DEVICE = 2, /**< device side: device table, answers requests */
};

/** Size in bytes of the device bitmap filled by rte_vmsg_bus_enumerate(). */
#define RTE_VMSG_BUS_DEV_BITMAP_SIZE 8192u

/** Options of rte_vmsg_bus_create(); zero-initialise, then set @c sz. */
struct rte_vmsg_bus_opts {
	size_t sz;     /**< sizeof(struct rte_vmsg_bus_opts) */
	uint32_t role; /**< enum rte_vmsg_bus_role */
	/** Transport revision (virtio-msg §3): 0 (means 1) or 1. */
	uint32_t transport_revision;
	/** Max message size, 52..backend max; 0: the backend's (BUS-2, BUS-4). */
	uint32_t max_msg_size;
	/**
	 * In-flight requests (power of two, 1..4096); 0: 256. Tokens are the
	 * slot index plus a use counter in the high bits, never 0.
	 */
	uint32_t max_inflight;
	/**
	 * Transport feature bits (virtio-msg §3, BUS-3): only
	 * RTE_VMSG_F_STRICT_CONFIG_GENERATION is known.
	 */
	uint64_t transport_features;
	/** Per-request timeout in nanoseconds; 0: 1 s (BUS-10). */
	uint64_t timeout_ns;
	/**
	 * The payload profile the bus instance speaks (enum rte_vmsg_payloads):
	 * RTE_VMSG_PAYLOADS_V2 (0, the default) or RTE_VMSG_PAYLOADS_PRE_V2 for
	 * a peer of the 2026 Linux/QEMU AMP code. There is no revision on the
	 * wire: both ends must be configured alike. The bus messages and the
	 * transport above (devices and driver handles on this bus) use it.
	 */
	uint32_t payloads;
	/**
	 * Keepalive: while the link is up and nothing has come from the peer
	 * for a quarter of this many milliseconds, the endpoint sends a PING
	 * (BUS-26) from rte_vmsg_bus_poll(); when nothing at all has come for
	 * the whole time, the peer is declared lost (a hung peer: stopped,
	 * deadlocked, on another machine) as if it had died: requests in
	 * flight fail with -ECONNRESET, the backend drops the link
	 * (rte_vmsg_bus_ops.peer_lost) and waits for the peer to start over.
	 * Any frame from the peer counts, and only its silence while this
	 * side polls: a pause of our own polls longer than a quarter of the
	 * time starts the clock again. The peer must answer PING and poll
	 * its end at least that often. 0: off; 10..3600000 with a backend
	 * that has a control path and @c peer_lost (amp, shm, pcie_amp).
	 */
	uint32_t peer_timeout_ms;
};

/** The range of rte_vmsg_bus_opts.peer_timeout_ms (besides 0, off). */
#define RTE_VMSG_BUS_PEER_TIMEOUT_MIN_MS 10u
#define RTE_VMSG_BUS_PEER_TIMEOUT_MAX_MS 3600000u

/** Counters of a bus endpoint (nothing is dropped without a count). */
struct rte_vmsg_bus_stats {
	uint64_t tx_frames;	  /**< frames handed to the backend */
	uint64_t rx_frames;	  /**< frames received from the backend */
	uint64_t requests;	  /**< requests submitted (own token allocated) */
	uint64_t completed;	  /**< requests completed with a response */
	uint64_t timeouts;	  /**< requests failed with -ETIMEDOUT */
	uint64_t failed;	  /**< requests failed by rte_vmsg_bus_fail_all() or destroy */
	uint64_t answered;	  /**< responses sent (device requests, GET_DEVICES, PING) */
	uint64_t events_rx;	  /**< transport events handed to the event callback */
	uint64_t device_events;	  /**< EVENT_DEVICE received (driver) or sent (device) */
	uint64_t drop_malformed;  /**< malformed frames: bad size, refused bus frames (BUS-11) */
	uint64_t drop_unknown;	  /**< unknown or implementation-defined bus IDs (BUS-11) */
	uint64_t drop_unmatched;  /**< responses with no request in flight: late, duplicate */
	uint64_t drop_mismatch;	  /**< token in flight but msg_id/dev_num/namespace differ */
	uint64_t drop_dev_num;	  /**< device role: no device with that dev_num (BUS-9) */
	uint64_t drop_unexpected; /**< frames the role does not take (e.g. requests to a driver) */
	uint64_t drop_no_handler; /**< events with no callback registered */
	uint64_t drop_tx_event;	  /**< EVENT_DEVICE not sent: backend full or broken */
	uint64_t peer_lost;	  /**< peer deaths and restarts reported by the backend */
	uint64_t drop_peer_lost;  /**< device role: answers and requests of a lost peer */
	uint64_t keepalive_pings; /**< PINGs the keepalive sent (also in requests) */
	uint64_t keepalive_lost;  /**< peers the keepalive declared lost (also in peer_lost) */
};

/**
 * Completion of a request. Called exactly once per accepted submission.
 *
 * @param arg     the pointer given at submission
 * @param status  0: @p resp holds the response; -ETIMEDOUT: no response in
 *                time; or the error given to rte_vmsg_bus_fail_all()
 *                (-ECANCELED from rte_vmsg_bus_destroy())
 * @param resp    the response frame, with the token the caller submitted
 *                (the bus's own token is invisible, BUS-14); valid only
 *                during the call; NULL when @p status < 0
 * @param len     its msg_size; 0 when @p status < 0
 */
typedef void (*rte_vmsg_bus_done_fn)(void *arg, int status, const void *resp, size_t len);

/** A transport event (EVENT_CONFIG, EVENT_USED) for the driver; @p frame valid during the call. */
typedef void (*rte_vmsg_bus_event_fn)(void *arg, const void *frame, size_t len);

/** An EVENT_DEVICE received by the driver side: @p state is RTE_VMSG_DEVICE_BUS_STATE_*. */
typedef void (*rte_vmsg_bus_dev_event_fn)(void *arg, uint16_t dev_num, uint16_t state);

/** Completion of rte_vmsg_bus_ping(): @p data is the echoed value (0 when @p status < 0). */
typedef void (*rte_vmsg_bus_ping_fn)(void *arg, int status, uint32_t data);

/**
 * Completion of rte_vmsg_bus_enumerate(): @p status 0 and the number of
 * devices found, or a negative errno (the bitmap then holds what was found).
 */
typedef void (*rte_vmsg_bus_enum_fn)(void *arg, int status, uint32_t ndevs);

struct rte_vmsg_bus;

/**
 * Creates a bus endpoint over a backend. The bus parameters (revision, max
 * message size, transport features) are fixed for its life (BUS-1, BUS-4).
 *
 * @param opts         options (required)
 * @param ops          the backend (required; copied)
 * @param backend_ctx  passed to every backend op
 * @param out          receives the endpoint
 * @return 0; -EINVAL for NULL arguments, a bad @c sz, unknown non-zero bytes
 *         in @p opts or @p ops, a missing op, an unknown role, revision or
 *         transport feature bit, a max message size outside 52..65535 or
 *         above the backend's, a bad @c max_inflight; -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_bus_create(const struct rte_vmsg_bus_opts *opts,
						   const struct rte_vmsg_bus_ops *ops,
						   void *backend_ctx, struct rte_vmsg_bus **out);

/**
 * Destroys an endpoint. Every request still in flight completes first with
 * -ECANCELED, and a running enumeration too. Registered devices are not
 * destroyed (they belong to the caller) and no EVENT_DEVICE is sent; a
 * device that unregisters itself when it is destroyed (a transport device
 * created on this bus) must be destroyed before the bus. NULL is a no-op.
 * Not from a callback.
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_bus_destroy(struct rte_vmsg_bus *bus);

/**
 * Receives and dispatches a burst of frames and expires requests past their
 * deadline (each completes once with -ETIMEDOUT, BUS-10).
 *
 * Driver role: responses are matched by token and header (GEN-7) and
 * completed; unmatched, duplicate and mismatched responses are dropped and
 * counted; transport events go to the event callback; EVENT_DEVICE to the
 * device-event callback. Device role: each transport frame goes to the
 * handler registered for its dev_num (rte_vmsg_bus_dev_register()), in
 * arrival order (BUS-7, BUS-15); the handler copies the token (the transport
 * device does) and the response it returns is sent; frames for a dev_num
 * with no handler are dropped and counted (the requester times out, BUS-9);
 * GET_DEVICES is answered. Both roles answer PING (BUS-26); malformed and
 * unknown bus messages are dropped and counted, events never answered
 * (BUS-11, BUS-12). When the backend is full, the response waits in the
 * endpoint and the next poll sends it before taking more frames.
 *
 * It also runs the backend's control path (handshake, liveness) about every
 * RTE_VMSG_BUS_CONTROL_INTERVAL_NS: a lost peer fails every request in flight
 * with -ECONNRESET at once (either role), not at its timeout.
 *
 * @return the number of frames received (>= 0); -EINVAL for NULL @p bus;
 *         -EBUSY from a callback; a negative errno from the backend.
 */
RTE_VMSG_API int rte_vmsg_bus_poll(struct rte_vmsg_bus *bus);

/**
 * Submits a request frame. The bus copies it, replaces its token with one of
 * its own (unique among requests in flight) and sends it; @p done runs
 * exactly once, from a later rte_vmsg_bus_poll() (response or timeout),
 * rte_vmsg_bus_fail_all() or rte_vmsg_bus_destroy(). The transport payload
 * is not looked at (BUS-8). A device-role endpoint may submit bus requests
 * only.
 *
 * @param req   the request: msg_size equal to @p len, type response bit
 *              clear, msg_id not an event ID
 * @param len   8..max_msg_size
 * @param done  completion callback (required)
 * @param arg   passed to @p done
 * @return 0; -EINVAL for NULL arguments, a bad header or size;
 *         -EMSGSIZE when @p len exceeds the max message size;
 *         -EPERM for a transport request on a device-role endpoint;
 *         -EAGAIN when the in-flight table or the backend is full (nothing
 *         sent, @p done not called); a backend errno (nothing in flight).
 */
RTE_VMSG_API int rte_vmsg_bus_submit(struct rte_vmsg_bus *bus, const void *req, size_t len,
				     rte_vmsg_bus_done_fn done, void *arg);

/**
 * Sends an event frame (EVENT_AVAIL from a driver; EVENT_CONFIG or
 * EVENT_USED from a device), with token 0. Never answered.
 *
 * @return 0; -EINVAL for NULL arguments or a frame that is not an event
 *         (msg_id bit 6 clear, response bit set, msg_size != @p len);
 *         -EMSGSIZE over the max message size; -EAGAIN when the backend is
 *         full (retry); a backend errno.
 */
RTE_VMSG_API int rte_vmsg_bus_send_event(struct rte_vmsg_bus *bus, const void *frame, size_t len);

/**
 * Fails every request in flight at the time of the call, and a running
 * enumeration: each completes exactly once with @p err (for example -EPIPE
 * when the peer died or restarted). Requests submitted from those callbacks
 * are not failed.
 *
 * @param err  a negative errno
 * @return the number of requests failed; -EINVAL for NULL @p bus or
 *         @p err >= 0.
 */
RTE_VMSG_API int rte_vmsg_bus_fail_all(struct rte_vmsg_bus *bus, int err);

/** Sets (or clears, with NULL) the transport event callback. @return 0 or -EINVAL. */
RTE_VMSG_API int rte_vmsg_bus_set_event_cb(struct rte_vmsg_bus *bus, rte_vmsg_bus_event_fn fn,
					   void *arg);

/** Sets (or clears) the EVENT_DEVICE callback of a driver-role endpoint. @return 0 or -EINVAL. */
RTE_VMSG_API int rte_vmsg_bus_set_dev_event_cb(struct rte_vmsg_bus *bus,
					       rte_vmsg_bus_dev_event_fn fn, void *arg);

/**
 * Sends PING with @p data; @p done gets the echoed value (BUS-26).
 *
 * @return 0; -EINVAL for NULL arguments; the errors of rte_vmsg_bus_submit().
 */
RTE_VMSG_API int rte_vmsg_bus_ping(struct rte_vmsg_bus *bus, uint32_t data,
				   rte_vmsg_bus_ping_fn done, void *arg);

/**
 * Enumerates the peer's devices with GET_DEVICES (virtio-msg §10): windows
 * as large as the max message size allows, from offset 0 until next_offset
 * is 0. Bit n % 8 of @p bitmap[n / 8] is set for each device number n found;
 * @p done runs once at the end. A response that breaks §10 (offset not
 * echoed, count above the request, next_offset neither 0 nor above the
 * offset) ends it with -EPROTO. A window unanswered, or one the backend
 * does not take within the request timeout (the peer never frees our
 * queue), ends it with -ETIMEDOUT. One enumeration at a time per endpoint.
 *
 * @param bitmap  RTE_VMSG_BUS_DEV_BITMAP_SIZE bytes, zeroed here, owned by the
 *                caller until @p done runs
 * @return 0; -EINVAL for NULL arguments; -EPERM on a device-role endpoint;
 *         -EBUSY when an enumeration is running; the errors of
 *         rte_vmsg_bus_submit().
 */
RTE_VMSG_API int rte_vmsg_bus_enumerate(struct rte_vmsg_bus *bus, uint8_t *bitmap,
					rte_vmsg_bus_enum_fn done, void *arg);

/**
 * Picks a free device number for a device-role endpoint, to create a device
 * with: the first number after the last one picked or registered that is
 * not in use, so a freed number is reused only after all others (BUS-5).
 *
 * @return 0; -EINVAL for NULL arguments; -EPERM on a driver-role endpoint;
 *         -ENOSPC when all 65536 numbers are in use.
 */
RTE_VMSG_API int rte_vmsg_bus_dev_alloc_num(struct rte_vmsg_bus *bus, uint16_t *dev_num);

/**
 * A device's request handler, registered per device number with
 * rte_vmsg_bus_dev_register(): it gets each transport frame (request or
 * event) addressed to that number, in arrival order, and writes the response
 * to send, if any, with the request's token, into @p resp. Beside it, the
 * bus calls a device only through the lost hook it may have
 * (rte_vmsg_bus_dev_set_lost()): lib/transport registers its devices this
 * way, with that hook, when they are created on a bus.
 *
 * It runs inside rte_vmsg_bus_poll(), on the polling thread, with the rules
 * of any bus callback (see the file's concurrency contract).
 *
 * @param ctx    the context given at registration
 * @param frame  the frame, header included; valid during the call
 * @param len    its msg_size (8..max_msg_size), checked by the bus
 * @param resp   where to write the response (never overlaps @p frame)
 * @param cap    bytes writable at @p resp: the bus's max message size
 * @return the length of the response to send (> 0, at most @p cap, its
 *         msg_size); 0 when there is nothing to send (an event consumed);
 *         a negative errno when the frame was dropped (the handler counts
 *         it; the bus sends nothing).
 */
typedef int (*rte_vmsg_bus_request_fn)(void *ctx, const void *frame, size_t len, void *resp,
				       size_t cap);

/**
 * Registers the handler of device number @p dev_num and sends EVENT_DEVICE
 * ADDED (BUS-22; a full backend only counts drop_tx_event: EVENT_DEVICE may
 * be dropped, GET_DEVICES stays exact). From then on, transport frames for
 * @p dev_num go to @p fn with @p ctx, so the device must be ready to answer
 * (BUS-6). The bus owns neither the handler nor its context.
 *
 * @param bus      a device-role endpoint
 * @param dev_num  the device number (from rte_vmsg_bus_dev_alloc_num() or
 *                 chosen by the caller)
 * @param fn       the handler (required)
 * @param ctx      passed to @p fn; returned by rte_vmsg_bus_dev_lookup()
 * @return 0; -EINVAL for NULL @p bus or @p fn; -EPERM on a driver-role
 *         endpoint; -EEXIST when the number is in use.
 */
RTE_VMSG_API int rte_vmsg_bus_dev_register(struct rte_vmsg_bus *bus, uint16_t dev_num,
					   rte_vmsg_bus_request_fn fn, void *ctx);

/** What a device does when its driver is lost: rte_vmsg_bus_dev_set_lost(). */
typedef void (*rte_vmsg_bus_lost_fn)(void *ctx);

/**
 * Sets what the bus calls, with the device's context, when the peer (the
 * driver) is lost: it died, restarted or was taken for hung. The call comes
 * from the rte_vmsg_bus_poll() that sees the loss, before any frame of a
 * new peer reaches the device: the device drops what the old driver set up
 * (lib/transport's devices reset themselves, as for a status of 0), so that
 * it never runs on with a driver that is gone. lib/transport sets it for
 * the devices it registers; NULL clears it.
 *
 * @return 0; -EINVAL for NULL @p bus; -EPERM on a driver-role endpoint;
 *         -ENOENT when no device has that number.
 */
RTE_VMSG_API int rte_vmsg_bus_dev_set_lost(struct rte_vmsg_bus *bus, uint16_t dev_num,
					   rte_vmsg_bus_lost_fn fn);

/**
 * Unregisters device @p dev_num and sends EVENT_DEVICE REMOVED (BUS-22).
 * Later frames for it are dropped and counted (drop_dev_num). The caller
 * may then free what the handler's context points to.
 *
 * @return 0; -EINVAL for NULL @p bus; -EPERM on a driver-role endpoint;
 *         -ENOENT when no device has that number.
 */
RTE_VMSG_API int rte_vmsg_bus_dev_unregister(struct rte_vmsg_bus *bus, uint16_t dev_num);

/**
 * The context registered with the handler of @p dev_num, or NULL (no
 * handler, a NULL or driver-role @p bus; a handler registered with a NULL
 * context reads as NULL too).
 */
RTE_VMSG_API void *rte_vmsg_bus_dev_lookup(const struct rte_vmsg_bus *bus, uint16_t dev_num);

/** The bus instance's max message size (0 for NULL @p bus). */
RTE_VMSG_API uint32_t rte_vmsg_bus_max_msg_size(const struct rte_vmsg_bus *bus);

/** The bus instance's transport feature bits (0 for NULL @p bus). */
RTE_VMSG_API uint64_t rte_vmsg_bus_transport_features(const struct rte_vmsg_bus *bus);

/** The number of requests in flight (0 for NULL @p bus). */
RTE_VMSG_API uint32_t rte_vmsg_bus_inflight(const struct rte_vmsg_bus *bus);

/**
 * Peers lost so far (the stats' @c peer_lost): a value that moved since a
 * driver set its device up means that device was reset by the loss. Bus
 * thread. 0 for NULL.
 */
RTE_VMSG_API uint64_t rte_vmsg_bus_peer_losses(const struct rte_vmsg_bus *bus);

/** The role of the endpoint (enum rte_vmsg_bus_role), or 0 for NULL. */
RTE_VMSG_API uint32_t rte_vmsg_bus_role(const struct rte_vmsg_bus *bus);

/** The payload profile of the bus instance (enum rte_vmsg_payloads; 0, v2, for NULL). */
RTE_VMSG_API uint32_t rte_vmsg_bus_payloads(const struct rte_vmsg_bus *bus);

/** The per-request timeout in nanoseconds, or 0 for NULL. */
RTE_VMSG_API uint64_t rte_vmsg_bus_timeout_ns(const struct rte_vmsg_bus *bus);

/**
 * Whether frames can flow, as the backend's control path said at the last
 * rte_vmsg_bus_poll(): 1 (always, for a backend without one), 0 while the
 * link is coming up or the peer is away, or the negative errno of a broken
 * backend. Poll the bus until it is 1 before the first request.
 */
RTE_VMSG_API int rte_vmsg_bus_connected(const struct rte_vmsg_bus *bus);

/** Copies the counters. @return 0; -EINVAL for NULL arguments. */
RTE_VMSG_API int rte_vmsg_bus_stats_get(const struct rte_vmsg_bus *bus,
					struct rte_vmsg_bus_stats *st);

/**
 * Polls @p bus (with 50 us naps) until its backend says frames can flow
 * (rte_vmsg_bus_connected() is 1): the bounded wait for a link to come up
 * after the endpoint is made. The peer must poll its own end meanwhile.
 *
 * Concurrency: the thread that runs the endpoint. Blocking.
 *
 * @param timeout_ns  the bound
 * @param cancel      optional, asked about every millisecond: non-zero stops the wait
 * @param arg         passed to @p cancel
 * @return 0 when connected; -ETIMEDOUT; -ECANCELED; the negative errno of a
 *         broken backend; -EINVAL for NULL @p bus.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_bus_wait_connected(struct rte_vmsg_bus *bus,
							   uint64_t timeout_ns,
							   int (*cancel)(void *arg), void *arg);

/**
 * The backend's map of the peer's memory (rte_vmsg_bus_ops.memmap): what a
 * device-side virtqueue translates the driver's addresses through. For an
 * shm bus, the whole file (bus address = file offset); for an amp backend,
 * the map given at its creation.
 *
 * @return the map (owned by the backend, valid while it lives), or NULL
 *         for NULL @p bus or a backend without one.
 */
RTE_VMSG_API const struct rte_vmsg_memmap *rte_vmsg_bus_memmap(const struct rte_vmsg_bus *bus);

/* ------------------------------------------------------------------------ */
/* amp backend: an AMP link on memory the caller gives (ARCHITECTURE.md §2.4) */
/* ------------------------------------------------------------------------ */

/** Ring layouts of rte_vmsg_bus_amp_opts.layout. */
enum rte_vmsg_amp_layout {
	RTE_VMSG_AMP_LAYOUT_V1 = 0, /**< the 2026 v1 virtio-msg-amp layout (reference §1.4) */
	/**
	 * The older v0 spsc layout (reference §1.3; RTE_VMSG_LINK_LAYOUT_V0):
	 * at @c offset the driver's queue, then the device's, each @c size / 2
	 * bytes (@c size 0: two 4 KiB pages, as Arm's amp-pci model has them
	 * at BAR1 + 4 KiB). Both ends alike: @c num_elems, @c format and
	 * @c flags 0, @c elem_size 0 or 64.
	 */
	RTE_VMSG_AMP_LAYOUT_V0 = 1,
};

/**
 * Option flag: the driver side writes the layout and the device side reads
 * it (RTE_VMSG_LINK_F_DRIVER_WRITES); both ends must say so. Without it the
 * device side writes it, as the v1 protocol has it.
 */
#define RTE_VMSG_BUS_AMP_F_DRIVER_WRITES (1u << 0)

/**
 * A liveness source (optional): called on every pass of the control path,
 * before the link handshake, with the link state of the previous pass
 * (enum rte_vmsg_link_state, or -EIO). Returns 1 when it knows the peer is
 * gone (its process exited, its heartbeat stood still, its card was reset):
 * the link is then marked PEER_DEAD and the loss reported once; 0 otherwise.
 * The shm backend's pidfd and heartbeat watch is one.
 */
typedef int (*rte_vmsg_bus_amp_live_fn)(void *arg, int link_state);

/** Options of rte_vmsg_bus_amp_create(); zero-initialise, then set @c sz. */
struct rte_vmsg_bus_amp_opts {
	size_t sz;	/**< sizeof(struct rte_vmsg_bus_amp_opts) */
	uint32_t role;	/**< RTE_VMSG_BUS_DEVICE or RTE_VMSG_BUS_DRIVER */
	uint32_t flags; /**< RTE_VMSG_BUS_AMP_F_* */
	/**
	 * The memory that holds the link (required; borrowed, must outlive the
	 * backend): a file, memfd or hugepage region, or an external mapping
	 * (rte_vmsg_region_register()) such as a BAR or a QEMU ivshmem file.
	 * An I/O region (RTE_VMSG_REGION_F_IO) is touched only through the
	 * lib/mem I/O accessors (counted; possibly to a private alias), with
	 * the compatible element format (rte_vmsg_link_opts.region).
	 */
	struct rte_vmsg_region *region;
	uint64_t offset; /**< where the layout starts in @c region, 64-byte aligned */
	/** Bytes of the layout from @c offset; 0: to the end of the region (v1), 8 KiB (v0). */
	uint64_t size;
	uint32_t layout; /**< enum rte_vmsg_amp_layout */
	/* The side that writes the layout only (the other takes them from it; must be 0): */
	uint32_t num_elems; /**< elements per direction, 2..65535; 0: as many as fit */
	uint32_t elem_size; /**< power of two, 64..32768; 0: 64 */
	uint32_t format;    /**< enum rte_vmsg_link_format */
	/** 52..65535 and within what an element carries; 0: what an element carries. */
	uint32_t max_msg_size;
	uint32_t reserved0; /**< must be 0 */
	/**
	 * How a frame sent rings the peer: @c sz 0 or kind NONE polls (no
	 * doorbell); FUTEX (shared words), EVENTFD (an eventfd the peer
	 * waits on, with or without shared words) or MMIO (a 32-bit register
	 * write of a given value, after the CPU-to-device barrier).
	 */
	struct rte_vmsg_bell_opts tx_bell;
	/**
	 * What rte_vmsg_bus_amp_wait() sleeps on: @c sz 0 or NONE polls with
	 * naps; FUTEX (the words the peer's tx bell bumps) or EVENTFD (e.g.
	 * an MSI-X vector through VFIO, or an ivshmem interrupt). Not MMIO.
	 */
	struct rte_vmsg_bell_opts rx_wait;
	/** The peer's memory, for rte_vmsg_bus_memmap() (borrowed); NULL: none. */
	const struct rte_vmsg_memmap *map;
	rte_vmsg_bus_amp_live_fn live; /**< liveness source, or NULL (the link handshake only) */
	void *live_arg;		       /**< passed to @c live */
};

/** Counters of an amp backend end. */
struct rte_vmsg_bus_amp_stats {
	uint64_t tx_frames;   /**< frames enqueued */
	uint64_t tx_full;     /**< tx refused with -EAGAIN: ring full */
	uint64_t tx_notconn;  /**< tx refused with -ENOTCONN: link not up (or broken) */
	uint64_t rx_frames;   /**< frames handed to the bus */
	uint64_t rx_garbage;  /**< elements dropped: msg_size < 8 or above the max or stride */
	uint64_t peer_lost;   /**< peer deaths and restarts reported by the control path */
	uint64_t live_lost;   /**< of which reported by the liveness source or the keepalive */
	uint64_t bell_kicks;  /**< doorbell rings sent (system calls or register writes) */
	uint64_t bell_sleeps; /**< times rte_vmsg_bus_amp_wait() slept */
	/**
	 * Times the link broke on a peer value that cannot be (each also a
	 * peer loss: what was in flight failed); rte_vmsg_link_stats_get()
	 * names the checks.
	 */
	uint64_t link_breaks;
	uint64_t link_recoveries; /**< broken links that met the peer's new start */
};

/** Bit in the value of rte_vmsg_bus_amp_poll(): the peer died or restarted. */
#define RTE_VMSG_BUS_AMP_PEER_LOST 0x100

struct rte_vmsg_bus_amp;

/**
 * Creates one end of an amp backend: the link (rte_vmsg_link_create()) on
 * @c size bytes at @c offset of @c region, the doorbells, the peer-memory
 * map and the liveness source. The side that writes the layout lays it out
 * now; the other validates it, keeps a private copy and never reads it
 * again. The handshake then runs in the control path (the bus poll, or
 * rte_vmsg_bus_amp_poll()); a peer restart is a reconnect; a peer value
 * that cannot be breaks the link: a peer loss (what is in flight fails
 * once), the link down until the peer starts over (v1: our queue head
 * PEER_DEAD until the peer's is back in INIT or READY; v0: until its
 * consumer index is 0 or both are in step with ours), then up again, counted in
 * link_breaks and link_recoveries.
 *
 * @param opts  options (required)
 * @param out   receives the end
 * @return 0; -EINVAL for NULL arguments, a bad @c sz, unknown non-zero
 *         bytes or flags, a bad role, layout, offset, size or doorbell,
 *         writer-only fields on the reader; -ENOSPC when the layout does
 *         not fit; -EAGAIN (reader) when the layout is not written yet:
 *         retry; -EPROTO (reader) for an invalid layout or a max message
 *         size above what its elements carry (the reason is logged);
 *         -ENOMEM; errors of rte_vmsg_bell_create().
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_bus_amp_create(const struct rte_vmsg_bus_amp_opts *opts,
						       struct rte_vmsg_bus_amp **out);

/**
 * Destroys an end: its queue head goes SHUTDOWN, the doorbells are freed.
 * The region and the map are the caller's. Destroy the bus endpoint on it
 * first. NULL is a no-op.
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_bus_amp_destroy(struct rte_vmsg_bus_amp *amp);

/**
 * The backend ops of the amp backend (a static table); the context to pass
 * with them to rte_vmsg_bus_create() is the rte_vmsg_bus_amp itself. tx
 * copies one frame into one element (rte_vmsg_ring_slot_write(): 64-bit
 * accessor words on an I/O link) (-EAGAIN when full, -ENOTCONN when the
 * link is not up, -EIO when broken) and rings the tx doorbell; rx_burst reads
 * each element's msg_size once, checks it, then copies exactly that much, and
 * drops and counts garbage; control runs rte_vmsg_bus_amp_poll()'s pass;
 * memmap returns the map of the options.
 */
RTE_VMSG_API const struct rte_vmsg_bus_ops *rte_vmsg_bus_amp_ops(void);

/**
 * The control path, for an end used without a bus endpoint (the bus
 * endpoint runs it itself through the control op; calling both is
 * harmless, each is told of every loss once): the liveness source, then
 * rte_vmsg_link_poll(). A peer restart (the link's reconnect counter grew),
 * a peer leaving RUN, or the liveness source's verdict is a loss, reported
 * once with RTE_VMSG_BUS_AMP_PEER_LOST: fail what is in flight then.
 *
 * Concurrency: the thread that runs the bus endpoint on this end.
 *
 * @return enum rte_vmsg_link_state, OR'ed with RTE_VMSG_BUS_AMP_PEER_LOST
 *         when the peer was lost since the last call; -EINVAL for NULL
 *         @p amp; -EIO when the link is broken.
 */
RTE_VMSG_API int rte_vmsg_bus_amp_poll(struct rte_vmsg_bus_amp *amp);

/**
 * Sleeps until a frame arrives, @p timeout_ns passes or a signal comes, on
 * the rx wait of the options (polling with naps without one). Run the bus
 * poll after.
 *
 * Concurrency: the thread that runs the bus endpoint on this end. Blocking.
 *
 * @return 1 when something can be read (or the link broke); 0 on timeout or
 *         while the link is not up (poll the bus to bring it up); -EINTR;
 *         -EINVAL for NULL @p amp.
 */
RTE_VMSG_API int rte_vmsg_bus_amp_wait(struct rte_vmsg_bus_amp *amp, uint64_t timeout_ns);

/** The link of this end (for its counters), or NULL. */
RTE_VMSG_API struct rte_vmsg_link *rte_vmsg_bus_amp_link(const struct rte_vmsg_bus_amp *amp);

/** The transmit doorbell (e.g. its eventfd, to pass to the peer), or NULL. */
RTE_VMSG_API struct rte_vmsg_bell *rte_vmsg_bus_amp_tx_bell(const struct rte_vmsg_bus_amp *amp);

/** The receive wait doorbell, or NULL. */
RTE_VMSG_API struct rte_vmsg_bell *rte_vmsg_bus_amp_rx_wait(const struct rte_vmsg_bus_amp *amp);

/** The largest frame this end carries (the bus's default max message size), or 0. */
RTE_VMSG_API uint32_t rte_vmsg_bus_amp_max_msg_size(const struct rte_vmsg_bus_amp *amp);

/** Copies the counters. @return 0; -EINVAL for NULL arguments. */
RTE_VMSG_API int rte_vmsg_bus_amp_stats_get(const struct rte_vmsg_bus_amp *amp,
					    struct rte_vmsg_bus_amp_stats *st);

/* ------------------------------------------------------------------------ */
/* shm backend: two processes sharing one file (ARCHITECTURE.md §2.4a)       */
/* ------------------------------------------------------------------------ */

/*
 * The file holds, in order: the bus page (4 KiB, struct
 * rte_vmsg_shm_bus_page), the v1 AMP link layout at +4 KiB (written by the
 * device side), then the DMA area (4 KiB aligned). Bus addresses are offsets
 * in the file: each side adds its own mapping base.
 */

/** Bus page magic: the bytes "VMSB" in file order. */
#define RTE_VMSG_SHM_MAGIC 0x42534D56u
/** Bus page layout version (2: the pid namespace words). */
#define RTE_VMSG_SHM_VERSION 2u
/** Size of the bus page; the link layout starts at this offset. */
#define RTE_VMSG_SHM_PAGE_SIZE 4096u

/** Notify modes (bus page @c notify_mode). */
enum rte_vmsg_shm_notify {
	RTE_VMSG_SHM_NOTIFY_POLL = 0,  /**< polling only: nobody sleeps */
	RTE_VMSG_SHM_NOTIFY_EVENT = 1, /**< futex doorbells in the bus page */
};

/**
 * The bus page, little-endian, at offset 0 of the file. The device side
 * writes everything but the driver words, magic last; each heartbeat, pid
 * and doorbell word has one writer.
 */
struct rte_vmsg_shm_bus_page {
	rte_vmsg_le32 magic;		  /**< RTE_VMSG_SHM_MAGIC, written last */
	rte_vmsg_le32 version;		  /**< RTE_VMSG_SHM_VERSION */
	rte_vmsg_le32 transport_revision; /**< 1 (virtio-msg §3) */
	rte_vmsg_le32 max_msg_size;	  /**< 52..65535, <= what a link element carries */
	rte_vmsg_le64 transport_features; /**< virtio-msg §3 transport feature bits */
	rte_vmsg_le32 notify_mode;	  /**< enum rte_vmsg_shm_notify */
	rte_vmsg_le32 reserved0;	  /**< 0 */
	rte_vmsg_le64 link_offset;	  /**< RTE_VMSG_SHM_PAGE_SIZE */
	rte_vmsg_le64 link_size;	  /**< bytes of the link layout */
	rte_vmsg_le64 dma_offset;	  /**< 4 KiB aligned, after the link */
	rte_vmsg_le64 dma_size;		  /**< bytes of the DMA area */
	/* Line 1, written by the device side only. */
	rte_vmsg_le32 dev_pid; /**< device process id, in the namespace of dev_pidns */
	/**
	 * The device process's pid namespace: the inode number of its
	 * /proc/self/ns/pid, written before dev_pid; 0: unknown. A peer in
	 * another namespace (a container) cannot watch dev_pid: it relies on
	 * the heartbeat.
	 */
	rte_vmsg_le32 dev_pidns;
	rte_vmsg_le64 dev_heartbeat; /**< bumped by each device-side poll */
	uint8_t pad1[48];
	/* Line 2, written by the driver side only. */
	rte_vmsg_le32 drv_pid;	     /**< driver process id, 0 until one attaches */
	rte_vmsg_le32 drv_pidns;     /**< its pid namespace, as dev_pidns */
	rte_vmsg_le64 drv_heartbeat; /**< bumped by each driver-side poll */
	uint8_t pad2[48];
	/* Lines 3 and 4: doorbell words (NOTIFY_EVENT), one line per direction. */
	uint32_t bell_to_drv[16]; /**< struct rte_vmsg_bell_shm for the device-to-driver ring */
	uint32_t bell_to_dev[16]; /**< struct rte_vmsg_bell_shm for the driver-to-device ring */
	uint8_t reserved[RTE_VMSG_SHM_PAGE_SIZE - 320];
};

#if defined(__cplusplus)
static_assert(sizeof(struct rte_vmsg_shm_bus_page) == RTE_VMSG_SHM_PAGE_SIZE, "bus page size");
static_assert(offsetof(struct rte_vmsg_shm_bus_page, dma_size) == 56, "bus page offset");
static_assert(offsetof(struct rte_vmsg_shm_bus_page, dev_pid) == 64, "bus page offset");
static_assert(offsetof(struct rte_vmsg_shm_bus_page, drv_pid) == 128, "bus page offset");
static_assert(offsetof(struct rte_vmsg_shm_bus_page, bell_to_drv) == 192, "bus page offset");
#else
_Static_assert(sizeof(struct rte_vmsg_shm_bus_page) == RTE_VMSG_SHM_PAGE_SIZE, "bus page size");
_Static_assert(offsetof(struct rte_vmsg_shm_bus_page, dma_size) == 56, "bus page offset");
_Static_assert(offsetof(struct rte_vmsg_shm_bus_page, dev_pid) == 64, "bus page offset");
_Static_assert(offsetof(struct rte_vmsg_shm_bus_page, drv_pid) == 128, "bus page offset");
_Static_assert(offsetof(struct rte_vmsg_shm_bus_page, bell_to_drv) == 192, "bus page offset");
#endif

/** Option flag: fail instead of falling back to normal pages without hugepages. */
#define RTE_VMSG_BUS_SHM_F_NO_FALLBACK (1u << 0)
/** Option flag, device side: replace an existing file of that name. */
#define RTE_VMSG_BUS_SHM_F_REPLACE (1u << 1)
/** Option flag, device side: rte_vmsg_bus_shm_destroy() unlinks the file. */
#define RTE_VMSG_BUS_SHM_F_UNLINK (1u << 2)
/**
 * Option flag, driver side: take every bus parameter from the bus page and
 * check only that it is valid; without it the parameters in the options
 * must match the bus page.
 */
#define RTE_VMSG_BUS_SHM_F_ADOPT (1u << 3)
/**
 * Option flag, device side: when the file exists, take it over instead of
 * failing: a restarted device process keeps the file (and the mapping of a
 * driver still attached to it), rewrites its own words of the bus page and
 * restarts the link handshake, so the driver reconnects. The existing bus
 * page must be valid and hold the same geometry and parameters as the
 * options (else -EEXIST, with the difference logged), and the device
 * process it names must be gone (else -EBUSY, logged: two devices would
 * serve one link; one of another pid namespace is gone when its heartbeat
 * stands still for @c peer_timeout_ms, 1 s without one, which the create
 * then waits at most); a file without a complete bus page (a device that died
 * while creating it) is laid out anew, one whose size is not a whole
 * number of pages is refused (-EPROTO). With RTE_VMSG_BUS_SHM_F_UNLINK the
 * file is unlinked at destroy only while its name still refers to it.
 * Without the file, it is created as usual.
 */
#define RTE_VMSG_BUS_SHM_F_REUSE (1u << 4)
/**
 * Option flag, device side: place the file (bus page, link and DMA area) on
 * NUMA node @c numa_node (RTE_VMSG_REGION_OPT_NUMA: bound before the first
 * touch, prefaulted). A node that does not exist or has no memory fails the
 * create (-ENODEV; above 1023: -EINVAL); no free memory on it, -ENOMEM. A file
 * taken over with RTE_VMSG_BUS_SHM_F_REUSE keeps the placement it has (a
 * warning says when that is another node). The driver side refuses the flag
 * (-EINVAL): the creator places the memory.
 */
#define RTE_VMSG_BUS_SHM_F_NUMA (1u << 5)
/**
 * Option flag, both sides: plain shared memory, on purpose
 * (RTE_VMSG_REGION_OPT_NO_HUGE): a bare file name goes to /dev/shm and no
 * "no hugepages" warning is logged. Not with RTE_VMSG_BUS_SHM_F_NO_FALLBACK
 * (-EINVAL).
 */
#define RTE_VMSG_BUS_SHM_F_NO_HUGE (1u << 6)
/**
 * Option flag, both sides: map the file between two inaccessible
 * (PROT_NONE) guard pages (RTE_VMSG_REGION_OPT_GUARD), so that an access
 * just outside it faults at once: for tests and hardening (the flipper,
 * test/stress/test_flip.c, runs with it).
 */
#define RTE_VMSG_BUS_SHM_F_GUARD (1u << 7)

/** Options of rte_vmsg_bus_shm_create(); zero-initialise, then set @c sz. */
struct rte_vmsg_bus_shm_opts {
	size_t sz;	  /**< sizeof(struct rte_vmsg_bus_shm_opts) */
	const char *path; /**< the file: a name (hugetlbfs, else /dev/shm) or a path (required) */
	uint32_t role;	  /**< RTE_VMSG_BUS_DEVICE (creates the file) or RTE_VMSG_BUS_DRIVER */
	uint32_t flags;	  /**< RTE_VMSG_BUS_SHM_F_* */
	/** Device: bytes of DMA area, rounded up to 4 KiB; 0: 1 MiB. Driver: 0 or at least this. */
	uint64_t dma_size;
	/* Device side only (the driver takes them from the layout); must be 0 on the driver. */
	uint32_t num_elems; /**< elements per direction, 2..65535; 0: 256 */
	uint32_t elem_size; /**< power of two, 64..65536; 0: 512 */
	uint32_t format;    /**< enum rte_vmsg_link_format */
	/* Bus parameters (device: written in the bus page; driver: must match it). */
	uint32_t transport_revision; /**< 0 (means 1) or 1 */
	/** 52..65535 and <= what an element carries; 0: what an element carries (driver: any). */
	uint32_t max_msg_size;
	uint32_t notify_mode;	     /**< enum rte_vmsg_shm_notify */
	uint64_t transport_features; /**< only RTE_VMSG_F_STRICT_CONFIG_GENERATION is known */
	/**
	 * Liveness by heartbeat: the peer is declared lost when its heartbeat
	 * has not moved for this many milliseconds while the link is up (for
	 * a peer whose pid cannot be watched: another machine, another pid
	 * namespace). 0: off; a local peer is watched through a pidfd anyway.
	 * The peer must then poll at least that often.
	 */
	uint32_t peer_timeout_ms;
	/** With RTE_VMSG_BUS_SHM_F_NUMA (device): the NUMA node of the file; else 0. */
	uint32_t numa_node;
};

/** Counters of an shm backend end. */
struct rte_vmsg_bus_shm_stats {
	uint64_t tx_frames;    /**< frames enqueued */
	uint64_t tx_full;      /**< tx refused with -EAGAIN: ring full */
	uint64_t tx_notconn;   /**< tx refused with -ENOTCONN: link not up */
	uint64_t rx_frames;    /**< frames handed to the bus */
	uint64_t rx_garbage;   /**< elements dropped: msg_size < 8 or above the max or stride */
	uint64_t peer_lost;    /**< peer deaths and restarts reported by rte_vmsg_bus_shm_poll() */
	uint64_t pidfd_deaths; /**< of which seen through the peer's pidfd */
	uint64_t hb_timeouts;  /**< of which seen as a heartbeat standing still */
	uint64_t bell_kicks;   /**< doorbell wake-ups sent (NOTIFY_EVENT) */
	uint64_t bell_sleeps;  /**< times rte_vmsg_bus_shm_wait() slept */
	uint64_t link_breaks;  /**< of the losses: the link broke on a value that cannot be */
	uint64_t link_recoveries; /**< broken links that met the peer's new start */
};

/** Bit in the return value of rte_vmsg_bus_shm_poll(): the peer died or restarted. */
#define RTE_VMSG_BUS_SHM_PEER_LOST 0x100

struct rte_vmsg_bus_shm;
struct rte_vmsg_link;
struct rte_vmsg_region;

/**
 * Creates one end of an shm bus.
 *
 * Device side: creates the file through rte_vmsg_region_create() (hugetlbfs;
 * normal shared pages with one warning when there are none, unless
 * RTE_VMSG_BUS_SHM_F_NO_FALLBACK), lays out the link at +4 KiB, then writes
 * the bus page with its pid and heartbeat 0, magic last.
 *
 * Driver side: attaches the file by path, validates the bus page (magic,
 * version, offsets and sizes inside the file, revision 1, max message size
 * 52..65535 and within what a link element carries, known notify mode and
 * feature bits) and the link layout, writes its pid, and refuses a bus page
 * whose parameters differ from its options (unless RTE_VMSG_BUS_SHM_F_ADOPT).
 *
 * The link handshake then runs in rte_vmsg_bus_shm_poll().
 *
 * @param opts  options (required)
 * @param out   receives the end
 * @return 0; -EINVAL for NULL arguments, a bad @c sz, unknown non-zero bytes
 *         or flags, values out of range or device-only fields on a driver,
 *         a max message size above what an element carries (device, logged;
 *         no file is made);
 *         -EAGAIN (driver) when the file exists but the bus page or the
 *         layout is not complete yet: retry;
 *         -EPROTO (driver) for an invalid bus page or layout, a file whose
 *         size is not a whole number of pages, or parameters that differ
 *         from the options (the reason is logged); (device,
 *         RTE_VMSG_BUS_SHM_F_REUSE) such a file;
 *         -ENOENT (driver) when there is no such file; -EEXIST (device)
 *         when the file exists (without RTE_VMSG_BUS_SHM_F_REPLACE);
 *         -EBUSY (device, RTE_VMSG_BUS_SHM_F_REUSE) when the file's device
 *         process still runs;
 *         -ENODEV (device, RTE_VMSG_BUS_SHM_F_NUMA) when the node does not
 *         exist or has no memory;
 *         -ENOMEM; other errors of rte_vmsg_region_create().
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_bus_shm_create(const struct rte_vmsg_bus_shm_opts *opts,
						       struct rte_vmsg_bus_shm **out);

/**
 * Destroys an end: sets its queue head SHUTDOWN, unmaps the file (and
 * unlinks it with RTE_VMSG_BUS_SHM_F_UNLINK). Destroy the bus endpoint on it
 * first. NULL is a no-op.
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_bus_shm_destroy(struct rte_vmsg_bus_shm *shm);

/**
 * The backend ops of the shm backend (a static table); the context to pass
 * with them to rte_vmsg_bus_create() is the rte_vmsg_bus_shm itself. tx
 * copies one frame into one element (-EAGAIN when full, -ENOTCONN when the
 * link is not up, -EIO when broken) and rings the peer's doorbell in
 * NOTIFY_EVENT mode; rx_burst validates each element's msg_size before
 * copying it out and drops and counts garbage; control runs the handshake
 * and the peer watch of rte_vmsg_bus_shm_poll().
 */
RTE_VMSG_API const struct rte_vmsg_bus_ops *rte_vmsg_bus_shm_ops(void);

/**
 * Fills the bus parameters of @p bo (role, transport revision, max message
 * size, transport features) from the bus page, leaving the other fields.
 *
 * @return 0; -EINVAL for NULL arguments.
 */
RTE_VMSG_API int rte_vmsg_bus_shm_bus_opts(const struct rte_vmsg_bus_shm *shm,
					   struct rte_vmsg_bus_opts *bo);

/**
 * The control path, for an end used without a bus endpoint (the bus
 * endpoint runs it itself, through the control op of
 * rte_vmsg_bus_shm_ops(); calling both is harmless, each is told of every
 * loss once). To call from the poll loop (not per message): runs
 * rte_vmsg_link_poll(), bumps this side's heartbeat, and watches the peer:
 * a pidfd on the peer's pid from the bus page (a killed local peer is seen
 * at once; the link is then marked with rte_vmsg_link_peer_dead()), a peer
 * restart (the link's reconnect counter grew), a peer leaving the RUN
 * state, and (with @c peer_timeout_ms) a heartbeat standing still. Each loss
 * is reported once, with RTE_VMSG_BUS_SHM_PEER_LOST: the caller then fails
 * what it has in flight with rte_vmsg_bus_fail_all().
 *
 * Concurrency: the thread that runs the bus endpoint on this end.
 *
 * @return enum rte_vmsg_link_state, OR'ed with RTE_VMSG_BUS_SHM_PEER_LOST
 *         when the peer was lost since the last call; -EINVAL for NULL
 *         @p shm; -EIO when the link is broken (fail what is in flight too).
 */
RTE_VMSG_API int rte_vmsg_bus_shm_poll(struct rte_vmsg_bus_shm *shm);

/**
 * Sleeps until a frame arrives, @p timeout_ns passes or a signal comes: in
 * NOTIFY_EVENT mode on the futex doorbell of the bus page (the peer's tx
 * rings it after each frame; it costs the peer a system call only while this
 * side sleeps); in NOTIFY_POLL mode by polling with pauses. For device or
 * driver loops that would otherwise spin while idle. Run the bus poll after.
 *
 * Concurrency: the thread that runs the bus endpoint on this end. Blocking.
 *
 * @return 1 when something can be read (or the link broke); 0 on timeout
 *         (or when the link is not up: poll the bus to bring it up);
 *         -EINTR; -EINVAL for NULL @p shm.
 */
RTE_VMSG_API int rte_vmsg_bus_shm_wait(struct rte_vmsg_bus_shm *shm, uint64_t timeout_ns);

/**
 * The DMA area: its local address, its bus address (its offset in the file)
 * and its size. Any output pointer may be NULL.
 *
 * @return 0; -EINVAL for NULL @p shm.
 */
RTE_VMSG_API int rte_vmsg_bus_shm_dma(const struct rte_vmsg_bus_shm *shm, void **addr,
				      uint64_t *bus_addr, uint64_t *size);

/** The region mapping the whole file (bus address 0 = offset 0), or NULL. */
RTE_VMSG_API struct rte_vmsg_region *rte_vmsg_bus_shm_region(const struct rte_vmsg_bus_shm *shm);

/** The bus page as mapped (read-only use), or NULL. */
RTE_VMSG_API const struct rte_vmsg_shm_bus_page *rte_vmsg_bus_shm_page(
	const struct rte_vmsg_bus_shm *shm);

/** The link of this end (for its counters), or NULL. */
RTE_VMSG_API struct rte_vmsg_link *rte_vmsg_bus_shm_link(const struct rte_vmsg_bus_shm *shm);

/**
 * Flag of rte_vmsg_bus_shm_open_opts: do not wait at all (for a poll loop
 * that serves other things meanwhile): a driver side tries the file once
 * (-ENOENT or -EAGAIN: call again later) and returns with the link still
 * coming up (the bus poll brings it up; rte_vmsg_bus_connected() says when).
 */
#define RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT (1u << 0)

/** Options of rte_vmsg_bus_shm_open(); zero-initialise, then set @c sz. */
struct rte_vmsg_bus_shm_open_opts {
	size_t sz;	       /**< sizeof(struct rte_vmsg_bus_shm_open_opts) */
	uint32_t max_inflight; /**< of the bus endpoint (rte_vmsg_bus_opts); 0: its default */
	uint32_t flags;	       /**< RTE_VMSG_BUS_SHM_OPEN_F_* */
	uint64_t timeout_ns;   /**< per-request timeout of the bus endpoint; 0: its default */
	/**
	 * Driver side: how long to wait for the file, a complete bus page and
	 * layout, then the link (the device side polling too); 0: 10 s.
	 * Device side: how long to wait for a driver's link before returning;
	 * 0: no wait (the device serves whoever comes). Must be 0 with
	 * RTE_VMSG_BUS_SHM_OPEN_F_NO_WAIT.
	 */
	uint64_t wait_ns;
	/** Optional: asked about every millisecond while waiting; non-zero stops it. */
	int (*cancel)(void *arg);
	void *cancel_arg; /**< passed to @c cancel */
};

/**
 * One call for an shm bus end and its bus endpoint, in either role: the
 * bring-up every program over an shm bus needs (rte_vmsg_bus_shm_create(),
 * rte_vmsg_bus_shm_bus_opts(), rte_vmsg_bus_create(), and a bounded wait).
 *
 * Device side: creates the file and the endpoint (then waits for a driver's
 * link only with @c wait_ns). Driver side: waits (bounded) for the device to
 * create the file and complete its bus page and layout, attaches, creates
 * the endpoint with the bus page's parameters, and polls it until the link
 * is up (the device must poll its own meanwhile). The peer-memory map of
 * the endpoint (rte_vmsg_bus_memmap()) is the whole file.
 *
 * Concurrency: the thread that will run the bus endpoint. Blocking (naps of
 * a millisecond for the file, 50 us for the link).
 *
 * @param so    the shm end's options (required)
 * @param oo    the endpoint's options and the wait (NULL: defaults)
 * @param shm   receives the shm end
 * @param bus   receives the bus endpoint over it
 * @return 0; the errors of rte_vmsg_bus_shm_create() and
 *         rte_vmsg_bus_create(); -EINVAL for bad @p oo; -ENOENT (driver)
 *         when the file did not appear in time; -EAGAIN (driver) when its
 *         bus page or layout was not complete in time; -ETIMEDOUT when the
 *         link did not come up in time; -ECANCELED when @c cancel said so;
 *         -EIO when the link broke while coming up. On failure nothing is
 *         left behind (a device-side file made here is removed only with
 *         RTE_VMSG_BUS_SHM_F_UNLINK).
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_bus_shm_open(const struct rte_vmsg_bus_shm_opts *so,
						     const struct rte_vmsg_bus_shm_open_opts *oo,
						     struct rte_vmsg_bus_shm **shm,
						     struct rte_vmsg_bus **bus);

/**
 * Destroys what rte_vmsg_bus_shm_open() made: the bus endpoint (its requests
 * in flight complete with -ECANCELED), then the shm end. Either may be NULL.
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_bus_shm_close(struct rte_vmsg_bus_shm *shm,
						       struct rte_vmsg_bus *bus);

/** Copies the counters. @return 0; -EINVAL for NULL arguments. */
RTE_VMSG_API int rte_vmsg_bus_shm_stats_get(const struct rte_vmsg_bus_shm *shm,
					    struct rte_vmsg_bus_shm_stats *st);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_BUS_H */
