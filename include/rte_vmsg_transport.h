/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The virtio-msg transport (v2 draft, transport revision 1): the device side
 * (rte_vmsg_dev_*), which answers the eleven transport requests for a device
 * model, and the driver side (rte_vmsg_drv_*), which drives a remote device.
 */

#ifndef RTE_VMSG_TRANSPORT_H
#define RTE_VMSG_TRANSPORT_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_vmsg_common.h>
#include <rte_vmsg_msg.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Core virtio feature bits the transport itself looks at (virtio-msg §4.9, §4.12). */
/** VIRTIO_F_NOTIFICATION_DATA: EVENT_AVAIL carries next_offset. */
#define RTE_VMSG_VIRTIO_F_NOTIFICATION_DATA 38u
/** VIRTIO_F_NOTIF_CONFIG_DATA: never offered nor accepted on this transport. */
#define RTE_VMSG_VIRTIO_F_NOTIF_CONFIG_DATA 39u
/** VIRTIO_F_RING_RESET: RESET_VQUEUE is effective only when negotiated. */
#define RTE_VMSG_VIRTIO_F_RING_RESET 40u

/* ======================================================================== */
/* Device side: rte_vmsg_dev_*                                              */
/* ======================================================================== */

/**
 * @file
 * @warning EXPERIMENTAL: the device-side API may change before 1.0.
 *
 * A device model describes itself and hooks into the transport through a
 * struct rte_vmsg_dev_ops; rte_vmsg_dev_create() turns it into a device,
 * and rte_vmsg_dev_handle() answers each transport frame the bus delivers
 * for it, exactly as the v2 draft requires (virtio-msg §4, §9, §11). The
 * model never sees a malformed or unsupported frame: those are dropped and
 * counted (rte_vmsg_dev_stats_get()).
 *
 * A device is created in one of two shapes. On a bus (rte_vmsg_dev_opts.bus,
 * like the driver side's rte_vmsg_drv_open()): it registers itself on the
 * device-role bus endpoint, which hands it its frames and sends its
 * responses, and it sends its own events with rte_vmsg_dev_notify_used(),
 * rte_vmsg_dev_notify_config() and rte_vmsg_dev_notify_needs_reset(). Without
 * a bus: no I/O at all; the application hands it frames with
 * rte_vmsg_dev_handle() and sends what it and the rte_vmsg_dev_build_*()
 * calls return (the core is tested this way, without a bus).
 *
 * Concurrency contract, for every rte_vmsg_dev_* function: one device is
 * used by one thread at a time (the thread that polls its bus endpoint);
 * calls on one device must not overlap, calls on different devices may.
 * The ops are invoked from within those calls, on that thread (for a device
 * on a bus, from within rte_vmsg_bus_poll() too). From inside an op the
 * model may call the getters, rte_vmsg_dev_build_event_used() and
 * rte_vmsg_dev_notify_used() of the same device; rte_vmsg_dev_handle(),
 * rte_vmsg_dev_config_changed(), rte_vmsg_dev_needs_reset(),
 * rte_vmsg_dev_reset_done(), rte_vmsg_dev_notify_config(),
 * rte_vmsg_dev_notify_needs_reset() and rte_vmsg_dev_notify_flush() return
 * -EBUSY there (call them after the op returned), and rte_vmsg_dev_destroy()
 * must not be called there. Nothing allocates after rte_vmsg_dev_create(),
 * nothing blocks, and nothing logs on the request path except once per
 * device and drop reason.
 */

/** A virtqueue as the driver programmed it (GET_VQUEUE / SET_VQUEUE fields). */
struct rte_vmsg_dev_vq {
	uint32_t max_size;    /**< the model's limit; 0: the queue does not exist */
	uint32_t size;	      /**< cur_size; 0 until programmed */
	uint32_t enabled;     /**< 1 once enabled (SET_VQUEUE op 1), 0 otherwise */
	uint32_t reserved_;   /**< 0 */
	uint64_t desc_addr;   /**< bus addresses as the driver gave them */
	uint64_t driver_addr; /**< (not translated, not checked for alignment) */
	uint64_t device_addr;
};

/**
 * What a device model gives the transport: its identity and limits, which
 * the library copies at creation, and its hooks. Zero-initialise, then set
 * @c sz to sizeof(struct rte_vmsg_dev_ops); bytes past the fields this
 * library knows must be zero. A table from an older header (a smaller
 * @c sz) is accepted: the fields past its @c sz read as zero.
 *
 * Every hook receives the @c model_ctx given to rte_vmsg_dev_create(),
 * returns 0 or a negative errno, and may be NULL (the default is given
 * with each). A hook is never called with a range or index the library has
 * not checked.
 */
struct rte_vmsg_dev_ops {
	size_t sz; /**< sizeof(struct rte_vmsg_dev_ops) */

	/* Identity (GET_DEVICE_INFO, virtio-msg §4.1). */
	uint32_t device_id; /**< virtio device type */
	uint32_t vendor_id;
	/** Raw bytes, sent verbatim; all zero = no UUID; else a random (v4) UUID (DEV-10). */
	uint8_t uuid[16];
	/** First admin queue; must be 0 when @c admin_vq_count is 0 (DEV-9). */
	uint32_t admin_vq_start;
	/** Number of admin queues; admin_vq_start + admin_vq_count <= num_queues. */
	uint32_t admin_vq_count;

	/* Offered features (GET_DEVICE_FEATURES, virtio-msg §4.2). */
	/**
	 * @c num_feature_blocks words in host order; word k holds feature bits
	 * 32k..32k+31. Copied at creation. Bit 39 (VIRTIO_F_NOTIF_CONFIG_DATA)
	 * must be clear (DEV-13). NULL when @c num_feature_blocks is 0.
	 */
	const uint32_t *features;
	/** Words in @c features; trailing zero words are not reported (DEV-8). */
	uint32_t num_feature_blocks;

	/* Config space (GET_CONFIG / SET_CONFIG, virtio-msg §4.4, §4.5). */
	uint32_t config_size; /**< bytes; @c config_read is required when > 0 */

	/* Queues (GET_VQUEUE / SET_VQUEUE, virtio-msg §4.7, §4.8). */
	uint32_t num_queues; /**< max_virtqueues, admin queues included; <= 65536 */
	/** max_size of every queue when @c queue_max_sizes is NULL; 0 = all absent. */
	uint32_t queue_max_size;
	/** Optional: @c num_queues max sizes (0 = that queue is absent); copied. */
	const uint32_t *queue_max_sizes;

	/**
	 * FEATURES_OK check (virtio-msg §5 step 7, DEV-14). Called when the
	 * driver sets FEATURES_OK, with the driver-selected set (host-order
	 * words, as many as the offered blocks), after the library checked that
	 * it is a subset of the offered set. Return 0 to accept, a negative
	 * errno to refuse: FEATURES_OK is then clear in the response.
	 * Default (NULL): accept every subset of the offered set.
	 */
	int (*features_check)(void *ctx, const uint32_t *features, uint32_t num_blocks);

	/**
	 * Reads @p len bytes of config space at @p offset into @p buf
	 * (offset + len <= config_size, len > 0). Return 0, or a negative
	 * errno: GET_CONFIG is then answered with length 0 and no data, an
	 * EVENT_CONFIG is sent without data. Required when config_size > 0.
	 */
	int (*config_read)(void *ctx, uint32_t offset, void *buf, uint32_t len);

	/**
	 * Writes @p len bytes at @p offset (in range, len > 0), all or nothing
	 * (DEV-19): return 0 when everything was written, a negative errno when
	 * nothing was (the driver sees "not applied": length 0, no data). The
	 * library does not change the generation for the driver's own write;
	 * report side effects on other fields with rte_vmsg_dev_config_changed()
	 * after rte_vmsg_dev_handle() returns. Default (NULL): config space is
	 * read-only, every write is "not applied".
	 */
	int (*config_write)(void *ctx, uint32_t offset, const void *data, uint32_t len);

	/**
	 * The driver changed the device status with a non-zero write (after the
	 * FEATURES_OK decision). Typically the model starts the data path when
	 * DRIVER_OK appears in @p new_status (and scans its enabled queues: an
	 * EVENT_AVAIL sent before DRIVER_OK was dropped). A negative errno means
	 * a fatal model error: DEVICE_NEEDS_RESET is set and shows in the
	 * response (DEV-24). Default (NULL): nothing.
	 */
	int (*status_changed)(void *ctx, uint32_t old_status, uint32_t new_status);

	/**
	 * Queue @p index is being enabled with the fields in @p vq (size
	 * non-zero and <= max_size), by a SET_VQUEUE that passed every check
	 * of the draft (DEV-28, DEV-29) and of the library (size <= max_size,
	 * size non-zero to enable). The draft says such a request is applied
	 * (virtio-msg §4.8), so what the hook returns decides only how:
	 *
	 * - 0: the queue is enabled and usable.
	 * - a negative errno (for example rings outside the model's address
	 *   map, misaligned rings, no memory): the queue is broken. The
	 *   request is applied all the same (GET_VQUEUE reads back the
	 *   programmed size and addresses, enabled), the failure is counted
	 *   in @c queue_errors, and DEVICE_NEEDS_RESET is set (DEV-24): the
	 *   driver sees it in the status at once (GET_DEVICE_STATUS, and the
	 *   SET_DEVICE_STATUS response that sets DRIVER_OK), the data path
	 *   stays closed (rte_vmsg_dev_driver_ok() is 0, EVENT_AVAIL dropped)
	 *   and a device reset brings the queue back to "disabled,
	 *   unprogrammed". The status-only EVENT_CONFIG (DEV-22) cannot go out
	 *   from rte_vmsg_dev_handle(), before the response: the device keeps
	 *   it. On a bus, the model sends it with rte_vmsg_dev_notify_flush()
	 *   (or rte_vmsg_dev_notify_needs_reset()) once the response is out,
	 *   that is after rte_vmsg_bus_poll() returns; without a bus,
	 *   rte_vmsg_dev_needs_reset() builds it for the caller to send after
	 *   the response. The model must not use the queue.
	 * - RTE_VMSG_DEV_VQ_REFUSE: [LIB] the model refuses this
	 *   configuration: the whole SET_VQUEUE changes nothing, as for the
	 *   draft's reject cases (counted in @c refused), and the driver
	 *   finds out by reading back with GET_VQUEUE. The draft does not
	 *   list such a refusal (DEV-28, DEV-29): a driver that follows it
	 *   may not expect one, so refuse only what the draft leaves to the
	 *   device (none of its checks), and prefer failing.
	 *
	 * Default (NULL): accept.
	 */
	int (*queue_enable)(void *ctx, uint32_t index, const struct rte_vmsg_dev_vq *vq);

	/**
	 * RESET_VQUEUE of enabled queue @p index with VIRTIO_F_RING_RESET
	 * negotiated: stop using the queue before returning 0 (the response is
	 * sent after). A negative errno leaves the queue as it was.
	 * Default (NULL): accept.
	 */
	int (*queue_reset)(void *ctx, uint32_t index);

	/**
	 * Device reset (status 0 written, virtio-msg §7): stop every queue and
	 * forget the negotiated state. Return 0 when the reset is complete, or
	 * -EINPROGRESS to finish it later with rte_vmsg_dev_reset_done(); until
	 * then the status reads non-zero (DEV-25). Any other negative errno is
	 * counted in model_errors and handled as -EINPROGRESS.
	 * Default (NULL): the reset completes at once.
	 */
	int (*reset)(void *ctx);

	/**
	 * Shared memory region @p shmid (GET_SHM, virtio-msg §4.10): set
	 * @p length (non-zero) and @p address and return 0, or return a negative
	 * errno for an unknown region (answered with length 0 and address 0).
	 * Default (NULL): no regions.
	 */
	int (*get_shm)(void *ctx, uint32_t shmid, uint64_t *length, uint64_t *address);

	/**
	 * EVENT_AVAIL for enabled queue @p vq_index after DRIVER_OK, with the
	 * raw next_offset (virtio-msg §4.12) when VIRTIO_F_NOTIFICATION_DATA
	 * was negotiated, else 0 whatever the driver sent (DRV-30: it means
	 * nothing then; the event is still delivered). Events for an absent or disabled
	 * queue, or before DRIVER_OK, are dropped and counted instead. A
	 * negative errno is only counted. Default (NULL): events are consumed.
	 */
	int (*event_avail)(void *ctx, uint32_t vq_index, uint32_t next_offset);
};

/**
 * What the queue_enable hook returns to refuse a configuration (the
 * SET_VQUEUE changes nothing); any other negative errno breaks the queue
 * instead (see rte_vmsg_dev_ops.queue_enable). A model that passes a lower
 * layer's errno through makes sure it is not this one.
 */
#define RTE_VMSG_DEV_VQ_REFUSE (-ECANCELED)

/** Polling-only agreement, driver to device: no EVENT_AVAIL expected (virtio-msg §8). */
#define RTE_VMSG_DEV_F_NO_EVENT_AVAIL (1ull << 0)
/** Polling-only agreement, device to driver: no EVENT_USED sent (virtio-msg §8). */
#define RTE_VMSG_DEV_F_NO_EVENT_USED (1ull << 1)

struct rte_vmsg_bus;

/**
 * Options of rte_vmsg_dev_create(); zero-initialise, then set @c sz. A
 * caller built against an older header (a smaller @c sz, for example
 * without @c bus) is accepted: the fields past its @c sz read as zero.
 */
struct rte_vmsg_dev_opts {
	size_t sz;	    /**< sizeof(struct rte_vmsg_dev_opts) */
	uint16_t dev_num;   /**< this device's number on its bus (0 is valid) */
	uint16_t reserved0; /**< must be 0 */
	/**
	 * The bus instance's maximum message size, 52..65535 (virtio-msg §3).
	 * With @c bus: 0 (the bus's) or equal to the bus's.
	 */
	uint32_t max_msg_size;
	/**
	 * The bus instance's transport feature bits (virtio-msg §3): only
	 * RTE_VMSG_F_STRICT_CONFIG_GENERATION is known; it selects the strict
	 * config profile (DEV-35). With @c bus: 0 (the bus's) or equal to the
	 * bus's.
	 */
	uint64_t transport_features;
	uint64_t flags; /**< RTE_VMSG_DEV_F_* */
	/**
	 * The device-role bus endpoint the device lives on, or NULL (an
	 * I/O-free device). With a bus, rte_vmsg_dev_create() registers the
	 * device on it under @c dev_num once it is ready to answer (the bus
	 * sends EVENT_DEVICE ADDED, BUS-22), the bus hands it its frames
	 * (through rte_vmsg_dev_handle()), rte_vmsg_dev_notify_*() send its
	 * events, and rte_vmsg_dev_destroy() unregisters it (REMOVED). The
	 * caller keeps the bus alive until the device is destroyed.
	 */
	struct rte_vmsg_bus *bus;
	/**
	 * The payload profile (enum rte_vmsg_payloads) of the frames the
	 * device parses and builds. With @c bus: 0 (the bus's) or equal to the
	 * bus's; without, the profile of the peer this I/O-free device faces.
	 */
	uint32_t payloads;
	uint32_t reserved1; /**< must be 0 */
};

/**
 * Why frames were dropped, and other counters of a device (rule 2: nothing
 * is lost silently). A dropped frame is never answered and never reaches
 * the model.
 */
struct rte_vmsg_dev_stats {
	uint64_t requests;	     /**< valid requests, each answered exactly once */
	uint64_t refused;	     /**< of them, answered with a no-change form (below) */
	uint64_t events;	     /**< EVENT_AVAIL passed to the model */
	uint64_t drop_malformed;     /**< refused by rte_vmsg_msg_parse() as malformed (§9) */
	uint64_t drop_unsupported;   /**< unknown standard ID or implementation-defined ID */
	uint64_t drop_resp_too_big;  /**< the full response would exceed max_msg_size (§9) */
	uint64_t drop_bus;	     /**< bus messages (the bus endpoint's business) */
	uint64_t drop_not_request;   /**< responses, EVENT_CONFIG, EVENT_USED sent to a device */
	uint64_t drop_dev_num;	     /**< for another device number */
	uint64_t drop_event_queue;   /**< EVENT_AVAIL for an absent or disabled queue */
	uint64_t drop_event_early;   /**< EVENT_AVAIL before DRIVER_OK (DEV-33) */
	uint64_t drop_event_polling; /**< EVENT_AVAIL with RTE_VMSG_DEV_F_NO_EVENT_AVAIL */
	uint64_t model_errors;	     /**< unexpected errors returned by the ops */
	uint64_t config_events;	     /**< EVENT_CONFIG frames built */
	uint64_t used_events;	     /**< EVENT_USED frames built */
	/**
	 * Queues broken at enable: SET_VQUEUE applied while the queue_enable
	 * hook failed (DEVICE_NEEDS_RESET set), not counted in @c refused
	 */
	uint64_t queue_errors;
	/**
	 * Resets on the driver's loss: its bus reported the peer lost while
	 * the device was set up (status not 0), and the device reset itself
	 * as for a status of 0 (rte_vmsg_bus_dev_set_lost())
	 */
	uint64_t peer_resets;
};

struct rte_vmsg_dev;

/**
 * Creates a device from a model description.
 *
 * Validates and copies @p ops (identity, offered features, queue limits):
 * @c num_queues <= 65536; admin range consistent (DEV-9); bit 39 not
 * offered (DEV-13); @c config_read present when @c config_size > 0. The
 * device starts with status 0, generation 0, every queue disabled and
 * unprogrammed. With @c opts->bus, it is then registered on that bus
 * (EVENT_DEVICE ADDED): call it on the thread that polls the bus, not from
 * a bus callback.
 *
 * @param opts       options (required)
 * @param ops        the model (required; copied, except the hooks' @p model_ctx)
 * @param model_ctx  passed to every hook
 * @param out        receives the device
 * @return 0;
 *         -EINVAL for NULL arguments, an @c sz below sizeof(size_t) in
 *         @p opts or @p ops, unknown non-zero option or
 *         ops bytes, unknown flags or transport feature bits, max_msg_size
 *         outside 52..65535, a @c bus that is not a device-role endpoint or
 *         whose max message size or transport features differ from non-zero
 *         ones in @p opts, or an invalid model description;
 *         -EEXIST when @c dev_num is in use on @c bus;
 *         -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_dev_create(const struct rte_vmsg_dev_opts *opts,
						   const struct rte_vmsg_dev_ops *ops,
						   void *model_ctx, struct rte_vmsg_dev **out);

/**
 * Frees a device. NULL is a no-op. No hook is called. A device on a bus is
 * unregistered first (the bus sends EVENT_DEVICE REMOVED and drops later
 * frames for its number): call it on the thread that polls the bus, not
 * from a bus callback.
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_dev_destroy(struct rte_vmsg_dev *dev);

/**
 * Handles one transport frame delivered by the bus for this device and
 * writes the response, if any, into @p resp_buf.
 *
 * Requests (the eleven of virtio-msg §4) are answered exactly once, in the
 * order they are handed in (DEV-5, DEV-6), with the request's token and the
 * device's dev_num (DEV-3, DEV-4), never larger than max_msg_size (DEV-1).
 * EVENT_AVAIL is consumed (never answered). Everything else is dropped and
 * counted, and never reaches the model (DEV-2): frames the codec refuses,
 * unknown or implementation-defined IDs, requests whose response would not
 * fit, bus messages, responses and device-to-driver events, and frames for
 * another dev_num.
 *
 * @param dev       the device
 * @param frame     the received frame (may be a ring slot longer than the frame,
 *                  which the peer may still write: it is parsed in place, each
 *                  field read once, rte_vmsg_msg_parse(); the data of a
 *                  SET_CONFIG and the blocks of a SET_DRIVER_FEATURES are
 *                  read in place, within msg_size)
 * @param len       bytes readable at @p frame
 * @param resp_buf  where to write the response; may be @p frame itself (the
 *                  request is consumed before the response is written), must
 *                  not otherwise overlap it
 * @param resp_cap  bytes writable at @p resp_buf; at least max_msg_size
 * @return the length of the response to send (> 0);
 *         0 when nothing is to be sent (an event consumed, a frame dropped);
 *         -EINVAL for NULL @p dev, @p frame or @p resp_buf;
 *         -ENOBUFS when @p resp_cap < max_msg_size (the frame is not looked at);
 *         -EBUSY when called from inside one of the device's hooks.
 */
RTE_VMSG_API int rte_vmsg_dev_handle(struct rte_vmsg_dev *dev, const void *frame, size_t len,
				     void *resp_buf, size_t resp_cap);

/**
 * Reports a device-originated change of config bytes [@p offset, @p offset +
 * @p length): bumps the generation (DEV-16) and builds the EVENT_CONFIG to
 * send (DEV-20), with the current status and generation (DEV-15) and the new
 * bytes when 24 + @p length fits max_msg_size, else without data but with
 * @p offset and @p length (DEV-23: the bytes stay readable with GET_CONFIG).
 * @p offset = @p length = 0 reports "something changed, range unknown".
 * Call it after the change and before the next rte_vmsg_dev_handle(); the
 * driver's own SET_CONFIG needs no call (DEV-21).
 *
 * @param buf  where to write the event; @p cap >= max_msg_size
 * @return the frame length (> 0);
 *         -EINVAL for NULL arguments or a range outside config space
 *         (nothing changes);
 *         -ENOBUFS when @p cap < max_msg_size (nothing changes);
 *         -EBUSY from inside a hook.
 */
RTE_VMSG_API int rte_vmsg_dev_config_changed(struct rte_vmsg_dev *dev, uint32_t offset,
					     uint32_t length, void *buf, size_t cap);

/**
 * Sets DEVICE_NEEDS_RESET after a fatal device error (DEV-24) and builds the
 * status-only EVENT_CONFIG (offset = length = 0, no data; DEV-22). The bit
 * stays until the driver resets the device. DRIVER_OK no longer counts as
 * reached (rte_vmsg_dev_driver_ok()). When rte_vmsg_dev_handle() set the
 * bit itself (a queue broke at enable, see rte_vmsg_dev_ops.queue_enable),
 * this call builds the event it kept, once: call it after sending the
 * response.
 *
 * @param buf  where to write the event; @p cap >= max_msg_size
 * @return the frame length (> 0);
 *         0 when the bit was already set (and its event built), or a reset
 *         is in progress (the driver is resetting already): nothing new to
 *         report;
 *         -EINVAL for NULL arguments; -ENOBUFS when @p cap < max_msg_size;
 *         -EBUSY from inside a hook.
 */
RTE_VMSG_API int rte_vmsg_dev_needs_reset(struct rte_vmsg_dev *dev, void *buf, size_t cap);

/**
 * Completes a reset that the reset hook left in progress (-EINPROGRESS):
 * the status reads 0 from now on (DEV-25).
 *
 * @return 0; -EINVAL for NULL @p dev; -EALREADY when no reset is in
 *         progress; -EBUSY from inside a hook (return 0 from the reset hook
 *         instead).
 */
RTE_VMSG_API int rte_vmsg_dev_reset_done(struct rte_vmsg_dev *dev);

/**
 * Builds EVENT_USED for queue @p vq (virtio-msg §4.13, DEV-34). Changes no
 * device state (only a counter): may be called from inside a hook, e.g. the
 * event_avail hook.
 *
 * @param buf  where to write the event; @p cap >= max_msg_size
 * @return the frame length (12);
 *         0 with RTE_VMSG_DEV_F_NO_EVENT_USED (polling-only: nothing to send);
 *         -EINVAL for NULL arguments or an absent queue;
 *         -ENOBUFS when @p cap < max_msg_size;
 *         -EPERM when the queue is not enabled or DRIVER_OK is not reached
 *         (DEV-33).
 */
RTE_VMSG_API int rte_vmsg_dev_build_event_used(struct rte_vmsg_dev *dev, uint32_t vq, void *buf,
					       size_t cap);

/**
 * Builds EVENT_USED for queue @p vq and sends it through the device's bus
 * (virtio-msg §4.13, DEV-34). Changes no device state: may be called from
 * inside a hook, e.g. the event_avail hook. A full backend sends nothing:
 * call it again later (an EVENT_USED kept nowhere, so none is sent twice).
 *
 * @return 0 when sent, or when there is nothing to send
 *         (RTE_VMSG_DEV_F_NO_EVENT_USED, polling-only);
 *         -EAGAIN when the backend is full (nothing sent: retry);
 *         -ENOTCONN when the device has no bus;
 *         -EINVAL for NULL @p dev or an absent queue;
 *         -EPERM when the queue is not enabled or DRIVER_OK is not reached
 *         (DEV-33);
 *         another negative errno from the bus or its backend (nothing sent;
 *         the shm backend: -ENOTCONN while its link is down, -EIO broken).
 */
RTE_VMSG_API int rte_vmsg_dev_notify_used(struct rte_vmsg_dev *dev, uint32_t vq);

/**
 * Reports a device-originated change of config bytes [@p offset, @p offset +
 * @p length) and sends its EVENT_CONFIG through the device's bus: what
 * rte_vmsg_dev_config_changed() builds (generation bumped, DEV-16; status,
 * generation, range and, when they fit, the bytes, DEV-20, DEV-23), sent.
 * @p offset = @p length = 0 reports "something changed, range unknown".
 *
 * A full backend does not undo the change: the generation is bumped once
 * per call, whatever happens to the event. The device keeps the event
 * (one at most, per device) and returns -EAGAIN; retry it with
 * rte_vmsg_dev_notify_flush(), not with this call, which would report (and
 * count in the generation) another change. A later rte_vmsg_dev_notify_config()
 * or rte_vmsg_dev_notify_needs_reset() folds its change into the kept event
 * (its range, or offset = length = 0 when the ranges differ) and tries
 * again. A kept event is built when it is sent, with the status, generation
 * and bytes of that moment (DEV-15), and is dropped when the driver resets
 * the device. EVENT_USED does not wait for it (no order between the two).
 *
 * @return 0 when sent;
 *         -EAGAIN when the backend is full (the change is made, the event
 *         kept: rte_vmsg_dev_notify_flush());
 *         -ENOTCONN when the device has no bus (nothing changes);
 *         -EINVAL for NULL @p dev or a range outside config space (nothing
 *         changes);
 *         -EBUSY from inside a hook (nothing changes);
 *         another negative errno from the bus or its backend (the change is
 *         made, the event dropped).
 */
RTE_VMSG_API int rte_vmsg_dev_notify_config(struct rte_vmsg_dev *dev, uint32_t offset,
					    uint32_t length);

/**
 * Sets DEVICE_NEEDS_RESET after a fatal device error (DEV-24) and sends the
 * status-only EVENT_CONFIG (DEV-22) through the device's bus: what
 * rte_vmsg_dev_needs_reset() builds, sent. A full backend keeps the event
 * as rte_vmsg_dev_notify_config() says; as the bit is set once, calling this
 * again is a retry too (it sends the kept event, as
 * rte_vmsg_dev_notify_flush() does). So is a call after rte_vmsg_dev_handle()
 * set the bit itself (a queue broke at enable): it sends the event kept
 * then.
 *
 * @return 0 when sent (now, or the kept event on a retry);
 *         -EAGAIN when the backend is full (the bit is set, the event
 *         kept: call again or rte_vmsg_dev_notify_flush());
 *         -EALREADY when the bit was already set, or a reset is in
 *         progress, and no event is kept: nothing new to report;
 *         -ENOTCONN when the device has no bus (nothing changes);
 *         -EINVAL for NULL @p dev; -EBUSY from inside a hook (nothing
 *         changes);
 *         another negative errno from the bus or its backend (the bit is
 *         set, the event dropped).
 */
RTE_VMSG_API int rte_vmsg_dev_notify_needs_reset(struct rte_vmsg_dev *dev);

/**
 * Sends the EVENT_CONFIG kept by rte_vmsg_dev_notify_config() or
 * rte_vmsg_dev_notify_needs_reset() after -EAGAIN, or by
 * rte_vmsg_dev_handle() when a queue broke at enable (DEVICE_NEEDS_RESET,
 * see rte_vmsg_dev_ops.queue_enable), built now (current status,
 * generation and bytes). Changes no device state: the retry of those
 * calls. The config_read hook may run. A model on a bus calls it after
 * each rte_vmsg_bus_poll() that may have broken a queue.
 *
 * @return 1 when the kept event was sent; 0 when no event is kept;
 *         -EAGAIN when the backend is still full (still kept);
 *         -ENOTCONN when the device has no bus; -EINVAL for NULL @p dev;
 *         -EBUSY from inside a hook;
 *         another negative errno from the bus or its backend (the event is
 *         dropped).
 */
RTE_VMSG_API int rte_vmsg_dev_notify_flush(struct rte_vmsg_dev *dev);

/* Getters for the model and the data path. Read-only; callable from hooks. */

/**
 * The status the driver reads: what it wrote (bits are only cleared by a
 * reset), FEATURES_OK only if accepted, DEVICE_NEEDS_RESET when set. While a
 * reset is in progress, the status at the time of the request, or
 * DEVICE_NEEDS_RESET if that was 0: never 0 before the reset is complete.
 * 0 for NULL @p dev.
 */
RTE_VMSG_API uint32_t rte_vmsg_dev_status(const struct rte_vmsg_dev *dev);

/**
 * Tells whether the data path may run (DEV-33): DRIVER_OK and FEATURES_OK
 * set, and no reset in progress, FAILED or DEVICE_NEEDS_RESET. The device
 * takes DRIVER_OK only with FEATURES_OK: set alone, or in the write whose
 * features it refused, DRIVER_OK is left clear (virtio 1.x 3.1.1).
 *
 * @return 1 or 0 (0 for NULL @p dev).
 */
RTE_VMSG_API int rte_vmsg_dev_driver_ok(const struct rte_vmsg_dev *dev);

/**
 * Copies the state of queue @p index.
 *
 * @return 0; -EINVAL for NULL arguments or @p index >= num_queues (an
 *         existing index with max_size 0 succeeds and reads as absent).
 */
RTE_VMSG_API int rte_vmsg_dev_vq_get(const struct rte_vmsg_dev *dev, uint32_t index,
				     struct rte_vmsg_dev_vq *vq);

/**
 * Tells whether feature @p bit was negotiated: selected by the driver and
 * accepted with FEATURES_OK (cleared by a reset).
 *
 * @return 1 or 0 (0 for NULL @p dev).
 */
RTE_VMSG_API int rte_vmsg_dev_has_feature(const struct rte_vmsg_dev *dev, uint32_t bit);

/**
 * Copies @p n negotiated feature blocks from @p block_index into @p blocks
 * (host order; zero past the offered blocks, and all zero before
 * FEATURES_OK was accepted).
 *
 * @return 0; -EINVAL for NULL arguments (@p blocks may be NULL when @p n is 0).
 */
RTE_VMSG_API int rte_vmsg_dev_features_get(const struct rte_vmsg_dev *dev, uint32_t block_index,
					   uint32_t *blocks, uint32_t n);

/** The current config generation (0 for NULL @p dev). */
RTE_VMSG_API uint32_t rte_vmsg_dev_generation(const struct rte_vmsg_dev *dev);

/** The device number given at creation (0 for NULL @p dev). */
RTE_VMSG_API uint16_t rte_vmsg_dev_num(const struct rte_vmsg_dev *dev);

/** The bus the device was created on (rte_vmsg_dev_opts.bus), or NULL (none, or NULL @p dev). */
RTE_VMSG_API struct rte_vmsg_bus *rte_vmsg_dev_bus(const struct rte_vmsg_dev *dev);

/**
 * The maximum message size of the device's bus instance: as given at
 * creation, or taken from its bus (0 for NULL @p dev). Buffers for
 * rte_vmsg_dev_handle() and the rte_vmsg_dev_build_*() calls need this many
 * bytes.
 */
RTE_VMSG_API uint32_t rte_vmsg_dev_max_msg_size(const struct rte_vmsg_dev *dev);

/**
 * Copies the counters.
 *
 * @return 0; -EINVAL for NULL arguments.
 */
RTE_VMSG_API int rte_vmsg_dev_stats_get(const struct rte_vmsg_dev *dev,
					struct rte_vmsg_dev_stats *st);

/* ======================================================================== */
/* Driver side: rte_vmsg_drv_*                                              */
/* ======================================================================== */

/*
 * @warning EXPERIMENTAL: the driver-side API may change before 1.0.
 *
 * One handle drives one remote device (a dev_num) over a driver-role bus
 * endpoint (rte_vmsg_bus.h). Every request of virtio-msg §4 has an
 * asynchronous call (suffix _async: the request is submitted, @p done runs
 * exactly once from a later rte_vmsg_bus_poll() with 0 or a negative errno,
 * and the input and output buffers must stay valid until then) and a
 * synchronous one, which submits the same and polls the bus (and the
 * poll_peer hook) until it completes or the handle's timeout passed.
 * Chunked calls (features, config) run as several requests, each bounded by
 * the bus timeout, no new one started past the handle's timeout (DRV-10). A
 * request that timed out leaves the device state unknown: the handle is
 * then marked as needing a reset (rte_vmsg_drv_init() recovers).
 *
 * Concurrency contract: a handle is used by one thread at a time, the one
 * that polls its bus. Synchronous calls must not be made from a bus
 * callback (they return -EBUSY there, as rte_vmsg_bus_poll() does).
 * Asynchronous calls may. Nothing blocks except the synchronous calls, which
 * spin for at most their bound. A synchronous call returns -ECANCELED when
 * the handle is closed (rte_vmsg_drv_close()) from a callback it runs, or
 * when the handle's @c cancel (rte_vmsg_drv_opts) says stop.
 */

struct rte_vmsg_bus;
struct rte_vmsg_drv;

/** Completion of an asynchronous driver call: @p status is 0 or a negative errno. */
typedef void (*rte_vmsg_drv_done_fn)(void *arg, int status);

/**
 * EVENT_CONFIG for the handle's device (virtio-msg §4.11, DRV-32): @p ev
 * holds the device status, generation, the changed range and, when the
 * event carries it, the new data (valid during the call). offset = length =
 * 0 without data means "re-read what you need" with GET_CONFIG.
 */
typedef void (*rte_vmsg_drv_config_fn)(void *arg, struct rte_vmsg_drv *drv,
				       const struct rte_vmsg_config *ev);

/** EVENT_USED for queue @p vq_index of the handle's device (DRV-31). */
typedef void (*rte_vmsg_drv_used_fn)(void *arg, struct rte_vmsg_drv *drv, uint32_t vq_index);

/**
 * Install the handle as the bus's event callback (one handle per bus
 * endpoint); without it, the application forwards events with
 * rte_vmsg_drv_event().
 */
#define RTE_VMSG_DRV_F_BUS_EVENTS (1ull << 0)

/**
 * Options of rte_vmsg_drv_open(); zero-initialise, then set @c sz. An older
 * caller's smaller struct is accepted: the fields past its @c sz read as
 * zero.
 */
struct rte_vmsg_drv_opts {
	size_t sz;	     /**< sizeof(struct rte_vmsg_drv_opts) */
	uint64_t flags;	     /**< RTE_VMSG_DRV_F_* */
	uint64_t timeout_ns; /**< bound of one driver call, chunks included; 0: 2 s */
	/** Bound of the wait for a reset to complete (virtio-msg §7); 0: 1 s. */
	uint64_t reset_timeout_ns;
	/**
	 * Optional, for in-process buses (loop backend) where the device side
	 * runs on the same thread: called with @c poll_peer_arg in every turn
	 * of the synchronous wait, to poll the device-side bus.
	 */
	void (*poll_peer)(void *arg);
	void *poll_peer_arg;
	/**
	 * Optional: asked in every turn of a synchronous call's wait (and of
	 * the reset's); non-zero stops it. The call returns -ECANCELED, its
	 * request goes on detached (it ends later, writing and sending
	 * nothing; a cancelled init, queue set-up or DRIVER_OK flow ends with
	 * the call, so the next one can start at once), and the handle needs
	 * a reset (rte_vmsg_drv_needs_reset()): the device's state is unknown.
	 * For a thread that must give up a slow device at once, e.g. when its
	 * program stops. Called on the waiting thread.
	 */
	int (*cancel)(void *arg);
	void *cancel_arg; /**< passed to @c cancel */
};

/**
 * Opens a handle on device @p dev_num of a driver-role bus endpoint. Sends
 * nothing. The config profile comes from the bus's transport feature bit
 * RTE_VMSG_F_STRICT_CONFIG_GENERATION (DRV-4).
 *
 * @param bus      a driver-role bus endpoint (the caller keeps it alive)
 * @param dev_num  the device number
 * @param opts     options, or NULL for the defaults
 * @param out      receives the handle
 * @return 0; -EINVAL for NULL @p bus or @p out, a bus endpoint not in the
 *         driver role, an @c sz below sizeof(size_t), unknown non-zero
 *         bytes (past the fields known here) or flags;
 *         -ENOMEM. With RTE_VMSG_DRV_F_BUS_EVENTS
 *         the handle replaces the bus's event callback.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_drv_open(struct rte_vmsg_bus *bus, uint16_t dev_num,
						 const struct rte_vmsg_drv_opts *opts,
						 struct rte_vmsg_drv **out);

/**
 * Closes a handle. Calls still in flight end later without calling their
 * @p done nor writing their outputs (the handle's memory is freed when the
 * last one ends: poll or destroy the bus afterwards). With
 * RTE_VMSG_DRV_F_BUS_EVENTS the bus event callback is cleared. NULL is a
 * no-op. It may be called from a callback (a done callback, the config and
 * used callbacks, the poll_peer hook, a bus callback), also while a
 * synchronous call on the handle waits: that call stops waiting and returns
 * -ECANCELED, and the handle is freed once it returned and nothing is in
 * flight.
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_drv_close(struct rte_vmsg_drv *drv);

/**
 * Hands a transport event to the handle (when the application owns the bus
 * event callback). EVENT_CONFIG updates the newest generation seen (DRV-6),
 * marks the handle as needing reset when the status has DEVICE_NEEDS_RESET
 * (DRV-27) and runs the config callback (DRV-32); EVENT_USED runs the used
 * callback (DRV-31). Malformed frames are dropped (DRV-9), and so are an
 * EVENT_USED for a queue the handle has not set up (rte_vmsg_drv_vq_setup())
 * and an EVENT_CONFIG whose bytes lie past the device's config space: the
 * callbacks only get values that name this device's queues and config.
 *
 * @return 0 when consumed; -EINVAL for NULL arguments; -EBADMSG for a
 *         malformed frame, one that is not EVENT_CONFIG / EVENT_USED, or
 *         one dropped as above; -ENODEV for another device number.
 */
RTE_VMSG_API int rte_vmsg_drv_event(struct rte_vmsg_drv *drv, const void *frame, size_t len);

/** Sets (or clears, with NULL) the EVENT_CONFIG callback (DRV-32). @return 0 or -EINVAL. */
RTE_VMSG_API int rte_vmsg_drv_set_config_cb(struct rte_vmsg_drv *drv, rte_vmsg_drv_config_fn fn,
					    void *arg);

/** Sets (or clears, with NULL) the EVENT_USED callback (DRV-31). @return 0 or -EINVAL. */
RTE_VMSG_API int rte_vmsg_drv_set_used_cb(struct rte_vmsg_drv *drv, rte_vmsg_drv_used_fn fn,
					  void *arg);

/* Requests (virtio-msg §4). Common errors of every call below:
 * -EINVAL for NULL arguments; -ENOMEM; -ESTALE when the handle needs a
 * reset (rte_vmsg_drv_needs_reset(): DEVICE_NEEDS_RESET, a request timed
 * out, a peer lost...), until the next successful reset (I/O calls only: all but GET_DEVICE_INFO, the status
 * calls and the reset); the errors of rte_vmsg_bus_submit() (-EAGAIN,
 * -EMSGSIZE...) for the first request; and in @p done or from the
 * synchronous call: -ETIMEDOUT (bus or handle timeout), the bus's failure
 * errno, -EPROTO for a response that does not answer the request (wrong
 * kind, echoed index/offset/count differs: nothing is used, DRV-3, DRV-9). */

/** GET_DEVICE_INFO (§4.1): fills @p info and keeps it in the handle (DRV-13, DRV-34). */
RTE_VMSG_API int rte_vmsg_drv_get_info_async(struct rte_vmsg_drv *drv,
					     struct rte_vmsg_dev_info *info,
					     rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous GET_DEVICE_INFO. */
RTE_VMSG_API int rte_vmsg_drv_get_info(struct rte_vmsg_drv *drv, struct rte_vmsg_dev_info *info);

/**
 * GET_DEVICE_FEATURES (§4.2): offered blocks @p block_index ..
 * @p block_index + @p n - 1 into @p blocks (host order), in as many requests
 * as the max message size needs (DRV-16, DRV-35). -EINVAL for @p n 0.
 */
RTE_VMSG_API int rte_vmsg_drv_get_features_async(struct rte_vmsg_drv *drv, uint32_t block_index,
						 uint32_t n, uint32_t *blocks,
						 rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous GET_DEVICE_FEATURES. */
RTE_VMSG_API int rte_vmsg_drv_get_features(struct rte_vmsg_drv *drv, uint32_t block_index,
					   uint32_t n, uint32_t *blocks);

/**
 * SET_DRIVER_FEATURES (§4.3), chunked like GET_DEVICE_FEATURES. -EINVAL for
 * @p n 0 or when bit 39 (VIRTIO_F_NOTIF_CONFIG_DATA) is set (DRV-17). The
 * blocks are remembered as the driver-selected set.
 */
RTE_VMSG_API int rte_vmsg_drv_set_features_async(struct rte_vmsg_drv *drv, uint32_t block_index,
						 uint32_t n, const uint32_t *blocks,
						 rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous SET_DRIVER_FEATURES. */
RTE_VMSG_API int rte_vmsg_drv_set_features(struct rte_vmsg_drv *drv, uint32_t block_index,
					   uint32_t n, const uint32_t *blocks);

/**
 * GET_CONFIG (§4.4): @p len bytes at @p offset into @p buf, in chunks that
 * fit the max message size; when the generations of the chunks differ the
 * whole read restarts (DRV-8), up to 8 times. @p generation (optional)
 * receives the generation of the data.
 *
 * @return (or @p done gets) -EINVAL for @p len 0 or a range past config_size
 *         (DRV-15); -EPERM before GET_DEVICE_INFO succeeded; -EIO when the
 *         device answered without data; -EAGAIN when the generation never
 *         settled.
 */
RTE_VMSG_API int rte_vmsg_drv_get_config_async(struct rte_vmsg_drv *drv, uint32_t offset,
					       uint32_t len, void *buf, uint32_t *generation,
					       rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous GET_CONFIG. */
RTE_VMSG_API int rte_vmsg_drv_get_config(struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len,
					 void *buf, uint32_t *generation);

/**
 * SET_CONFIG (§4.5) of @p len bytes at @p offset, in chunks (each all or
 * nothing on the device; the whole is not atomic). Generation: 0 in the
 * baseline profile (DRV-5), the newest seen in the strict one (DRV-6).
 * Success only when each response length equals the request length
 * (DRV-28).
 *
 * @return (or @p done gets) -EINVAL / -EPERM as rte_vmsg_drv_get_config();
 *         -EAGAIN in the strict profile when the device refused a chunk: the
 *         range was re-read with GET_CONFIG (DRV-7), the generation is fresh,
 *         the caller may retry; -EIO when a chunk was not applied otherwise.
 */
RTE_VMSG_API int rte_vmsg_drv_set_config_async(struct rte_vmsg_drv *drv, uint32_t offset,
					       uint32_t len, const void *buf,
					       rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous SET_CONFIG. */
RTE_VMSG_API int rte_vmsg_drv_set_config(struct rte_vmsg_drv *drv, uint32_t offset, uint32_t len,
					 const void *buf);

/**
 * GET_DEVICE_STATUS (§4.6) into @p status. DEVICE_NEEDS_RESET in it marks
 * the handle (DRV-27).
 */
RTE_VMSG_API int rte_vmsg_drv_get_status_async(struct rte_vmsg_drv *drv, uint32_t *status,
					       rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous GET_DEVICE_STATUS. */
RTE_VMSG_API int rte_vmsg_drv_get_status(struct rte_vmsg_drv *drv, uint32_t *status);

/**
 * SET_DEVICE_STATUS (§4.6) with @p status (bits 31:8 must be 0, and
 * DEVICE_NEEDS_RESET is the device's: -EINVAL); @p result (optional)
 * receives the status the device answered. Writing 0 does not wait for the
 * reset: use rte_vmsg_drv_reset().
 */
RTE_VMSG_API int rte_vmsg_drv_set_status_async(struct rte_vmsg_drv *drv, uint32_t status,
					       uint32_t *result, rte_vmsg_drv_done_fn done,
					       void *arg);
/** Synchronous SET_DEVICE_STATUS. */
RTE_VMSG_API int rte_vmsg_drv_set_status(struct rte_vmsg_drv *drv, uint32_t status,
					 uint32_t *result);

/**
 * Device reset (§7, DRV-26): SET_DEVICE_STATUS(0), then GET_DEVICE_STATUS
 * until it reads 0 or reset_timeout_ns passed (DRV-10: -ETIMEDOUT). On
 * success the handle forgets the negotiated state and the needs-reset mark.
 */
RTE_VMSG_API int rte_vmsg_drv_reset_async(struct rte_vmsg_drv *drv, rte_vmsg_drv_done_fn done,
					  void *arg);
/** Synchronous device reset. */
RTE_VMSG_API int rte_vmsg_drv_reset(struct rte_vmsg_drv *drv);

/** GET_VQUEUE (§4.7) of queue @p index into @p vq (max_size 0: absent, DRV-19). */
RTE_VMSG_API int rte_vmsg_drv_get_vqueue_async(struct rte_vmsg_drv *drv, uint32_t index,
					       struct rte_vmsg_vqueue *vq,
					       rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous GET_VQUEUE. */
RTE_VMSG_API int rte_vmsg_drv_get_vqueue(struct rte_vmsg_drv *drv, uint32_t index,
					 struct rte_vmsg_vqueue *vq);

/**
 * SET_VQUEUE (§4.8) as given in @p vq (index, flags, size, addresses;
 * max_size ignored). Checked first (DRV-20): reserved 0, flags[31:6] 0,
 * op != 3, size <= the max_size last read with GET_VQUEUE for that queue
 * when not ignored, else -EINVAL. The device answers the same whatever it
 * did: read back with GET_VQUEUE (or use rte_vmsg_drv_vq_setup()).
 */
RTE_VMSG_API int rte_vmsg_drv_set_vqueue_async(struct rte_vmsg_drv *drv,
					       const struct rte_vmsg_vqueue *vq,
					       rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous SET_VQUEUE. */
RTE_VMSG_API int rte_vmsg_drv_set_vqueue(struct rte_vmsg_drv *drv,
					 const struct rte_vmsg_vqueue *vq);

/**
 * RESET_VQUEUE (§4.9) of queue @p index; completes when the device answered
 * (DRV-25). -EOPNOTSUPP, without sending anything, unless
 * VIRTIO_F_RING_RESET was negotiated by rte_vmsg_drv_init().
 */
RTE_VMSG_API int rte_vmsg_drv_reset_vqueue_async(struct rte_vmsg_drv *drv, uint32_t index,
						 rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous RESET_VQUEUE. */
RTE_VMSG_API int rte_vmsg_drv_reset_vqueue(struct rte_vmsg_drv *drv, uint32_t index);

/** GET_SHM (§4.10) of region @p shmid; length 0 means no such region. */
RTE_VMSG_API int rte_vmsg_drv_get_shm_async(struct rte_vmsg_drv *drv, uint32_t shmid,
					    uint64_t *length, uint64_t *address,
					    rte_vmsg_drv_done_fn done, void *arg);
/** Synchronous GET_SHM. */
RTE_VMSG_API int rte_vmsg_drv_get_shm(struct rte_vmsg_drv *drv, uint32_t shmid, uint64_t *length,
				      uint64_t *address);

/*
 * Initialization flow (§5). Each call has an asynchronous form (suffix
 * _async) and a synchronous one that runs the same flow and polls the bus
 * (and the poll_peer hook) until it completes.
 *
 * The asynchronous form is a small state machine: it checks its arguments
 * and submits its first request, then each completion submits the next
 * request; it never blocks and never polls the bus itself (the completions
 * run inside rte_vmsg_bus_poll()). So N handles, on one bus or several,
 * initialise with their requests in flight together. @p done runs exactly
 * once, from rte_vmsg_bus_poll() (or rte_vmsg_bus_fail_all(),
 * rte_vmsg_bus_destroy()), with 0 or a negative errno, and the handle is
 * then in exactly the state the synchronous call leaves (the synchronous
 * call is the asynchronous one and a wait). When the async call itself
 * returns an error, nothing is in flight and @p done is not called.
 *
 * One flow at a time per handle: an init, vq_setup or driver_ok call
 * (either form) while another runs on the handle returns -EBUSY. The
 * single requests above may run beside a flow; their answers change the
 * handle as they always do.
 *
 * Errors of a request in flight end the flow with that request's errno:
 * -ETIMEDOUT (the bus timeout; the handle is marked as needing a reset),
 * -ECONNRESET when the bus lost its peer (the peer died or restarted:
 * every request in flight fails at once, so every flow on that bus
 * completes once with -ECONNRESET and sends nothing more), -ECANCELED when
 * the bus is destroyed, -EAGAIN when the bus's in-flight table or its
 * backend was full for the next request (nothing of it was sent: keep the
 * number of flows in flight on a bus within its max_inflight and its
 * link's capacity). The handle keeps what the completed steps did (for
 * example a device reset), as after a synchronous call that failed there.
 *
 * Buffers (@p wanted is copied at the call; @p negotiated) must stay valid
 * until @p done ran. rte_vmsg_drv_close() during a flow: the flow ends
 * without calling @p done (as every async call). Concurrency: as for every
 * call on the handle (one thread, the one that polls its bus); the async
 * forms may be called from a bus callback, @p done included (to start the
 * next flow of the handle: the handle is free again when @p done runs).
 */

/**
 * Runs §5 steps 2-7 (DRV-13, DRV-14): GET_DEVICE_INFO; reset with a bounded
 * wait (DRV-26, DRV-10); ACKNOWLEDGE; DRIVER; reads the offered feature
 * blocks; selects @p wanted AND offered, without bit 39 (DRV-16, DRV-17);
 * SET_DRIVER_FEATURES; FEATURES_OK, checked in the returned status (DRV-18).
 * Then set up queues with rte_vmsg_drv_vq_setup() and finish with
 * rte_vmsg_drv_driver_ok(). Also the way back after DEVICE_NEEDS_RESET.
 *
 * @param wanted      @p nblocks feature words (host order); may be NULL when
 *                    @p nblocks is 0; copied at the call
 * @param nblocks     words in @p wanted and @p negotiated
 * @param negotiated  optional; receives the negotiated set (@p nblocks
 *                    words) on success
 * @param done        completion (required)
 * @param arg         passed to @p done
 * @return 0 (the flow runs; @p done gets its result);
 *         -EINVAL for NULL @p drv or @p done, or NULL @p wanted with
 *         @p nblocks > 0; -EBUSY while another flow runs on the handle;
 *         -ENOMEM; the errors of the first request (GET_DEVICE_INFO).
 *         @p done gets 0; the errors of the requests (see above);
 *         -EPROTO for a device reporting more than 4096 feature blocks or a
 *         status without the bits written; -ENOTSUP when the device
 *         refused the feature set (FEATURES_OK clear; FAILED is then
 *         written); -ESTALE when the device asks for a reset during the
 *         flow; -ENOMEM.
 */
RTE_VMSG_API int rte_vmsg_drv_init_async(struct rte_vmsg_drv *drv, const uint32_t *wanted,
					 uint32_t nblocks, uint32_t *negotiated,
					 rte_vmsg_drv_done_fn done, void *arg);

/**
 * Synchronous rte_vmsg_drv_init_async(): the same flow, polled until done.
 *
 * @return what rte_vmsg_drv_init_async() returns or its @p done gets
 *         (-EINVAL for NULL @p drv or NULL @p wanted with @p nblocks > 0);
 *         -EBUSY from a bus callback; -ETIMEDOUT when a step outlived its
 *         bound (the handle needs a reset).
 */
RTE_VMSG_API int rte_vmsg_drv_init(struct rte_vmsg_drv *drv, const uint32_t *wanted,
				   uint32_t nblocks, uint32_t *negotiated);

/**
 * Sets up and enables queue @p index (§5 step 9): GET_VQUEUE (DRV-19),
 * SET_VQUEUE with op 1 (DRV-20), GET_VQUEUE to confirm size, addresses and
 * the enabled bit (DRV-22). Split-ring alignment is required: @p desc 16,
 * @p driver 2, @p device 4 bytes.
 *
 * @return 0 (the flow runs); -EINVAL for NULL @p drv or @p done, size 0 or
 *         misaligned addresses; -EBUSY while another flow runs on the
 *         handle; -EPERM before rte_vmsg_drv_init() succeeded; the errors
 *         of the first request (GET_VQUEUE: -ESTALE when the handle needs
 *         a reset...).
 *         @p done gets 0; -ENOENT when the queue does not exist (max_size
 *         0); -EBUSY when it is enabled already (DRV-21); -EINVAL for a
 *         size above max_size; -EIO when the read-back differs (when it
 *         shows the queue enabled, but not as asked, the handle then needs
 *         a reset: the device may use the memory given); the errors of the
 *         requests (see above).
 */
RTE_VMSG_API int rte_vmsg_drv_vq_setup_async(struct rte_vmsg_drv *drv, uint32_t index,
					     uint32_t size, uint64_t desc, uint64_t driver,
					     uint64_t device, rte_vmsg_drv_done_fn done, void *arg);

/**
 * Synchronous rte_vmsg_drv_vq_setup_async().
 *
 * @return 0; -EPERM before rte_vmsg_drv_init() succeeded; -ENOENT when the
 *         queue does not exist (max_size 0); -EBUSY when it is enabled
 *         already (DRV-21), while another flow runs on the handle or from
 *         a bus callback; -EINVAL for NULL @p drv, size 0, above max_size,
 *         or misaligned addresses; -EIO when the read-back differs (see
 *         the asynchronous call); -ETIMEDOUT when a step outlived its
 *         bound; the request errors.
 */
RTE_VMSG_API int rte_vmsg_drv_vq_setup(struct rte_vmsg_drv *drv, uint32_t index, uint32_t size,
				       uint64_t desc, uint64_t driver, uint64_t device);

/**
 * Sets DRIVER_OK (§5 step 10, DRV-24) and checks it in the returned status.
 *
 * @return 0 (the flow runs); -EINVAL for NULL @p drv or @p done; -EBUSY
 *         while another flow runs on the handle; -EPERM before
 *         rte_vmsg_drv_init() succeeded; -ESTALE when the handle needs a
 *         reset; the errors of the request (SET_DEVICE_STATUS).
 *         @p done gets 0; -EIO when the returned status lacks DRIVER_OK;
 *         -ESTALE when it has DEVICE_NEEDS_RESET; the errors of the
 *         request (see above).
 */
RTE_VMSG_API int rte_vmsg_drv_driver_ok_async(struct rte_vmsg_drv *drv, rte_vmsg_drv_done_fn done,
					      void *arg);

/**
 * Synchronous rte_vmsg_drv_driver_ok_async().
 *
 * @return 0; -EINVAL for NULL @p drv; -EPERM before rte_vmsg_drv_init()
 *         succeeded; -ESTALE when the handle needs a reset or the status
 *         has DEVICE_NEEDS_RESET; -EIO when the returned status lacks
 *         DRIVER_OK; -EBUSY while another flow runs on the handle or from
 *         a bus callback; -ETIMEDOUT; the request errors.
 */
RTE_VMSG_API int rte_vmsg_drv_driver_ok(struct rte_vmsg_drv *drv);

/**
 * Sends EVENT_AVAIL for queue @p vq_index (virtio-msg §4.12): new buffers
 * are available. For the event notify policy only: in polling-only mode the
 * driver sends none (DRV-29, DRV-33). Fire and forget: never answered.
 *
 * @param next_offset  0 without VIRTIO_F_NOTIFICATION_DATA; with it, the
 *                     value rte_vmsg_vq_drv_kick() gives (DRV-30)
 * @return 0; -EINVAL for NULL @p drv or a non-zero @p next_offset without
 *         NOTIFICATION_DATA; -EPERM before DRIVER_OK or for a queue this
 *         handle did not set up with rte_vmsg_drv_vq_setup(), or one being
 *         reset (DRV-23); -EAGAIN when the bus backend is full (retry); the
 *         errors of rte_vmsg_bus_send_event().
 */
RTE_VMSG_API int rte_vmsg_drv_event_avail(struct rte_vmsg_drv *drv, uint32_t vq_index,
					  uint32_t next_offset);

/* Getters. */

/**
 * 1 when, since the last successful reset, DEVICE_NEEDS_RESET was seen, a
 * request timed out (on the bus, or a call of several requests past the
 * handle's timeout; a reset that never completed), a write was answered
 * with another request's echo, a request went with a lost peer, or the bus
 * lost its peer after the handle set its device up (the device side resets
 * every device then). 0 for NULL. Bus thread.
 */
RTE_VMSG_API int rte_vmsg_drv_needs_reset(const struct rte_vmsg_drv *drv);

/** 1 when feature @p bit was negotiated by rte_vmsg_drv_init() (0 for NULL). */
RTE_VMSG_API int rte_vmsg_drv_has_feature(const struct rte_vmsg_drv *drv, uint32_t bit);

/** The newest config generation seen (GET/SET_CONFIG responses, EVENT_CONFIG). */
RTE_VMSG_API uint32_t rte_vmsg_drv_generation(const struct rte_vmsg_drv *drv);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_TRANSPORT_H */
