/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * virtio-net over virtio-msg: a device model with packet backends
 * (rte_vmsg_net_dev_*) and a driver helper that turns packet bursts into
 * virtqueue operations (rte_vmsg_net_drv_*).
 */

#ifndef RTE_VMSG_NET_H
#define RTE_VMSG_NET_H

#include <stddef.h>
#include <stdint.h>

#include <rte_vmsg_common.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_transport.h>
#include <rte_vmsg_virtq.h>

#ifdef __cplusplus
extern "C" {
#endif

struct rte_vmsg_bus;

/**
 * @file
 * @warning EXPERIMENTAL: this API may change before 1.0.
 *
 * Queue numbering (virtio 1.x 5.1.2): pair q has its receive queue at
 * index 2q and its transmit queue at 2q + 1; the control queue follows the
 * last pair (index 2 * max_queue_pairs). Every packet on a queue is
 * preceded by a 12-byte struct rte_vmsg_virtio_net_hdr (VERSION_1 is
 * required, so num_buffers is always present).
 *
 * Threads. Device: rte_vmsg_net_dev_poll(), _recv_burst() and _send_burst()
 * of pair q run on one thread per pair (several pairs may share a thread;
 * _forward_burst() runs on the thread of both its pairs);
 * everything that talks to the bus (the device's hooks inside
 * rte_vmsg_bus_poll(), rte_vmsg_net_dev_service()) runs on the thread that
 * polls the device-role bus. The two meet only through per-pair words (a
 * gate the bus thread closes before it attaches or detaches a queue, and
 * counters with one writer each). Driver: every call of a handle runs on the
 * thread that polls the driver-role bus, except that in polling mode, or
 * in event mode with RTE_VMSG_NET_DRV_F_DEFER_EVENTS, the bursts of pair q
 * (tx, rx, rx_zc, rx_release and the _ext calls) may run on a thread of
 * their own (they then send no message): the receive calls (rx, rx_zc,
 * rx_release, rx_post_ext, rx_burst_ext) and the transmit calls (tx,
 * tx_burst_ext, tx_done_ext) of a pair may even run on two, as long as the
 * pair lends nothing (rx_burst_zc() and the tx_burst() that sends what it
 * lent share the pair's buffers: one thread). A reset or destroy runs
 * while no burst of the handle does.
 */

/* virtio-net feature bits (virtio 1.x 5.1.3), bit numbers. */
#define RTE_VMSG_NET_F_CSUM 0u		 /**< device handles partial checksums (TX) */
#define RTE_VMSG_NET_F_GUEST_CSUM 1u	 /**< driver handles partial checksums (RX) */
#define RTE_VMSG_NET_F_MTU 3u		 /**< config mtu is valid */
#define RTE_VMSG_NET_F_MAC 5u		 /**< config mac is valid */
#define RTE_VMSG_NET_F_GUEST_TSO4 7u	 /**< driver takes TSOv4 packets */
#define RTE_VMSG_NET_F_GUEST_TSO6 8u	 /**< driver takes TSOv6 packets */
#define RTE_VMSG_NET_F_HOST_TSO4 11u	 /**< device takes TSOv4 packets */
#define RTE_VMSG_NET_F_HOST_TSO6 12u	 /**< device takes TSOv6 packets */
#define RTE_VMSG_NET_F_MRG_RXBUF 15u	 /**< a received packet may span buffers */
#define RTE_VMSG_NET_F_STATUS 16u	 /**< config status is valid */
#define RTE_VMSG_NET_F_CTRL_VQ 17u	 /**< control queue */
#define RTE_VMSG_NET_F_CTRL_RX 18u	 /**< RX mode control class */
#define RTE_VMSG_NET_F_MQ 22u		 /**< several queue pairs */
#define RTE_VMSG_NET_F_CTRL_MAC_ADDR 23u /**< MAC address control class */
/** VIRTIO_F_VERSION_1 (virtio 1.x 6): required by this model. */
#define RTE_VMSG_VIRTIO_F_VERSION_1 32u

/** Config status bit: the link is up. */
#define RTE_VMSG_NET_S_LINK_UP 1u

/** Most queue pairs of one device. */
#define RTE_VMSG_NET_MAX_QP 64u
/** Packets one rte_vmsg_net_dev_poll() moves per queue at most. */
#define RTE_VMSG_NET_BURST 32u

/** Header flag: the packet needs a checksum (csum_start, csum_offset). */
#define RTE_VMSG_NET_HDR_F_NEEDS_CSUM 1u
/** Header flag: the checksum was validated. */
#define RTE_VMSG_NET_HDR_F_DATA_VALID 2u
/** GSO types of the header. */
#define RTE_VMSG_NET_HDR_GSO_NONE 0u
#define RTE_VMSG_NET_HDR_GSO_TCPV4 1u
#define RTE_VMSG_NET_HDR_GSO_UDP 3u
#define RTE_VMSG_NET_HDR_GSO_TCPV6 4u

/** The virtio-net header as it is in the buffers (little-endian), 12 bytes. */
struct rte_vmsg_virtio_net_hdr {
	uint8_t flags;		   /**< RTE_VMSG_NET_HDR_F_* */
	uint8_t gso_type;	   /**< RTE_VMSG_NET_HDR_GSO_* */
	rte_vmsg_le16 hdr_len;	   /**< Ethernet + IP + transport header bytes */
	rte_vmsg_le16 gso_size;	   /**< segment payload bytes */
	rte_vmsg_le16 csum_start;  /**< where checksumming starts */
	rte_vmsg_le16 csum_offset; /**< where to store it, from csum_start */
	rte_vmsg_le16 num_buffers; /**< receive buffers the packet spans (RX only) */
};

/** The virtio-net config space (virtio 1.x 5.1.4), little-endian, 12 bytes. */
struct rte_vmsg_net_config {
	uint8_t mac[6];			   /**< with RTE_VMSG_NET_F_MAC */
	rte_vmsg_le16 status;		   /**< RTE_VMSG_NET_S_* (RTE_VMSG_NET_F_STATUS) */
	rte_vmsg_le16 max_virtqueue_pairs; /**< with RTE_VMSG_NET_F_MQ */
	rte_vmsg_le16 mtu;		   /**< with RTE_VMSG_NET_F_MTU */
};

#if defined(__cplusplus)
static_assert(sizeof(struct rte_vmsg_virtio_net_hdr) == 12, "virtio-net header is 12 bytes");
static_assert(offsetof(struct rte_vmsg_virtio_net_hdr, num_buffers) == 10, "header layout");
static_assert(sizeof(struct rte_vmsg_net_config) == 12, "virtio-net config is 12 bytes");
static_assert(offsetof(struct rte_vmsg_net_config, mtu) == 10, "config layout");
#else
_Static_assert(sizeof(struct rte_vmsg_virtio_net_hdr) == 12, "virtio-net header is 12 bytes");
_Static_assert(offsetof(struct rte_vmsg_virtio_net_hdr, num_buffers) == 10, "header layout");
_Static_assert(sizeof(struct rte_vmsg_net_config) == 12, "virtio-net config is 12 bytes");
_Static_assert(offsetof(struct rte_vmsg_net_config, mtu) == 10, "config layout");
#endif

/** The virtio-net header in host order, as packets carry it through the API. */
struct rte_vmsg_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers; /**< set on receive; ignored on transmit */
};

/**
 * A packet for the burst calls of both sides: the caller owns @c data.
 * Transmit: @c data / @c len and @c hdr are read. Receive: up to @c cap
 * bytes are written at @c data, @c len and @c hdr are set.
 */
struct rte_vmsg_net_pkt {
	void *data;
	uint32_t len;
	uint32_t cap;
	struct rte_vmsg_net_hdr hdr;
};

/** Notify mode of a device or driver (virtio-msg §8). Both ends must agree. */
enum rte_vmsg_net_notify {
	/** Polling only: no EVENT_AVAIL or EVENT_USED ever (BUS-19, DRV-33). */
	RTE_VMSG_NET_NOTIFY_POLL = 0,
	/** Events: EVENT_AVAIL and EVENT_USED when the rings ask for them. */
	RTE_VMSG_NET_NOTIFY_EVENT = 1,
};

/** Counters of one queue (one writer: the thread that runs the queue). */
struct rte_vmsg_net_queue_stats {
	uint64_t packets;  /**< packets moved */
	uint64_t bytes;	   /**< their bytes, headers excluded */
	uint64_t drops;	   /**< packets dropped: no receive buffer, too big for it */
	uint64_t errors;   /**< malformed chains or packets (dropped), refused commands */
	uint64_t broken;   /**< times the queue broke (-EIO from the virtqueue) */
	uint64_t notifies; /**< EVENT_USED (device) or EVENT_AVAIL (driver) sent */
	uint64_t events;   /**< EVENT_AVAIL (device) or EVENT_USED (driver) received */
	/**
	 * Driver transmit queue: packets sent from the receive buffer they were
	 * lent in (rte_vmsg_net_drv_rx_burst_zc()), without a copy.
	 */
	uint64_t zc_packets;
};

/* ======================================================================== */
/* Device model                                                              */
/* ======================================================================== */

/** Packet backends of the device model. */
enum rte_vmsg_net_backend {
	/**
	 * Each packet transmitted on pair q is received on pair q, Ethernet
	 * addresses swapped, header carried through; without a receive buffer
	 * it is dropped and counted (in the receive queue's drops).
	 */
	RTE_VMSG_NET_BACKEND_LOOPBACK = 0,
	/** The application moves packets: rte_vmsg_net_dev_recv_burst() and _send_burst(). */
	RTE_VMSG_NET_BACKEND_APP = 1,
};

/** Options of rte_vmsg_net_dev_create(); zero-initialise, then set @c sz. */
struct rte_vmsg_net_dev_opts {
	size_t sz; /**< sizeof(struct rte_vmsg_net_dev_opts) */
	/** Device-role bus: the device is registered on it; events go through it. */
	struct rte_vmsg_bus *bus;
	/** Translates the driver's ring and buffer addresses; must outlive the device. */
	const struct rte_vmsg_memmap *map;
	uint16_t dev_num;	  /**< device number on @c bus */
	uint16_t max_queue_pairs; /**< 1..RTE_VMSG_NET_MAX_QP; 0: 1 */
	uint16_t mtu;		  /**< 68..65535; 0: 1500 */
	uint16_t reserved0;	  /**< 0 */
	uint32_t queue_size;	  /**< max queue size, a power of two up to 32768; 0: 256 */
	uint32_t backend;	  /**< enum rte_vmsg_net_backend */
	uint32_t notify;	  /**< enum rte_vmsg_net_notify */
	uint8_t mac[6];		  /**< the MAC address in config space */
	uint8_t reserved1[2];	  /**< 0 */
	/**
	 * Offered features (bit n = feature n); 0: every feature this model
	 * supports (rte_vmsg_net_dev_supported_features()); other bits: -EINVAL.
	 * MQ is offered only with @c max_queue_pairs > 1.
	 */
	uint64_t features;
};

/** Device counters besides the per-queue ones. */
struct rte_vmsg_net_dev_stats {
	uint64_t ctrl_ok;      /**< control commands acknowledged OK */
	uint64_t ctrl_err;     /**< control commands answered ERR */
	uint64_t needs_reset;  /**< DEVICE_NEEDS_RESET raised */
	uint64_t events_tx;    /**< EVENT_USED and EVENT_CONFIG frames sent */
	uint64_t events_retry; /**< sends that found the bus full (retried later) */
	/**
	 * Queues that could not be attached when the driver enabled them
	 * (rings outside the map, misaligned): each is stored as programmed
	 * and broken (its @c broken counted, DEVICE_NEEDS_RESET raised);
	 * nothing is refused
	 */
	uint64_t attach_refused;
};

struct rte_vmsg_net_dev;

/**
 * The features rte_vmsg_net_dev_create() offers by default (RING_PACKED and
 * IN_ORDER among them; a device offering neither keeps its queues split).
 * Thread-safe.
 */
RTE_VMSG_API uint64_t rte_vmsg_net_dev_supported_features(void);

/**
 * Creates a virtio-net device (device_id 1) and registers it on the bus
 * (EVENT_DEVICE ADDED). Polling mode uses RTE_VMSG_DEV_F_NO_EVENT_AVAIL |
 * NO_EVENT_USED and the POLL queue policy; event mode the EVENT policy.
 * Call on the bus thread.
 *
 * @param opts  options (required)
 * @param out   receives the device
 * @return 0; -EINVAL for NULL arguments, a bad @c sz, non-zero unknown or
 *         reserved bytes, values out of range, unsupported feature bits, a
 *         bus that is not in the device role; -EEXIST when @c dev_num is in
 *         use on the bus; -ENOMEM.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_net_dev_create(const struct rte_vmsg_net_dev_opts *opts,
						       struct rte_vmsg_net_dev **out);

/**
 * Unregisters the device from its bus and frees it (the pair threads must
 * have stopped). NULL is a no-op.
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_net_dev_destroy(struct rte_vmsg_net_dev *nd);

/** The transport device inside (for its stats and getters), or NULL. */
RTE_VMSG_API struct rte_vmsg_dev *rte_vmsg_net_dev_vdev(const struct rte_vmsg_net_dev *nd);

/**
 * Moves the packets of pair @p qp (loopback backend): up to
 * RTE_VMSG_NET_BURST transmitted chains are popped, each packet is copied
 * into receive buffers of the same pair (one copy, buffer to buffer), and
 * both queues' used rings are published once. In event mode it works only
 * when an EVENT_AVAIL marked the pair or the last call left work, and it
 * re-arms the queue (with a re-check) before going idle. A queue the driver
 * broke is counted and left alone; the other queues go on. With the APP
 * backend nothing is done (returns 0).
 *
 * Concurrency: one thread per pair; wait-free.
 *
 * @return packets moved (>= 0); -EINVAL for NULL @p nd or @p qp out of range.
 */
RTE_VMSG_API int rte_vmsg_net_dev_poll(struct rte_vmsg_net_dev *nd, uint32_t qp);

/**
 * APP backend: takes up to @p n packets the driver transmitted on pair
 * @p qp, copied out (header in @c hdr, packet at @c data). A packet larger
 * than its @c cap, or than the device takes (MTU + 18; 65550 with GSO type
 * TCPV4 or TCPV6 when the driver negotiated HOST_TSO4 or HOST_TSO6; none
 * with another GSO type) is dropped and counted (errors) and does not
 * count in the return value. Chains rte_vmsg_net_dev_forward_burst() kept on the
 * pair come first.
 *
 * Concurrency: the pair's thread; wait-free.
 *
 * @return packets taken (>= 0); -EINVAL for NULL arguments, @p qp out of
 *         range or another backend.
 */
RTE_VMSG_API int rte_vmsg_net_dev_recv_burst(struct rte_vmsg_net_dev *nd, uint32_t qp,
					     struct rte_vmsg_net_pkt *pkts, uint32_t n);

/**
 * APP backend: supplies up to @p n packets (@c data, @c len, @c hdr; its
 * num_buffers is set by the device) to the driver's receive queue of pair
 * @p qp. Stops at the first packet that finds no (or not enough) receive
 * buffers: the caller keeps the rest (a receive chain too small for the
 * header is handed back empty and counted in errors, 64 at most per packet
 * tried, so a call can stop there too). A packet bigger than a whole chain
 * without MRG_RXBUF is dropped and counted (drops) and counts as taken; so
 * is one longer than 65550 bytes (an IP datagram and its Ethernet header,
 * the most a virtio-net driver takes), with NULL @c data and a length, or
 * with a GSO type the driver did not negotiate (TCPV4, TCPV6 need
 * GUEST_TSO4, GUEST_TSO6; no other type is offered), counted in errors.
 * The burst's receive chains are popped ahead (at most 64) and their heads
 * fetched for writing; a packet that fits the next chain's single buffer is
 * written there directly (num_buffers 1), others (MRG_RXBUF spans, split
 * chains) through the general path.
 *
 * Concurrency: the pair's thread; wait-free.
 *
 * @return packets taken (>= 0); -EINVAL as rte_vmsg_net_dev_recv_burst().
 */
RTE_VMSG_API int rte_vmsg_net_dev_send_burst(struct rte_vmsg_net_dev *nd, uint32_t qp,
					     const struct rte_vmsg_net_pkt *pkts, uint32_t n);

/** rte_vmsg_net_dev_forward_burst(): swap the Ethernet addresses in the destination buffer. */
#define RTE_VMSG_NET_FWD_F_MACSWAP (1u << 0)

/** What one rte_vmsg_net_dev_forward_burst() call moved. */
struct rte_vmsg_net_fwd_result {
	uint32_t taken;	      /**< packets taken from the source (its transmit queue's packets) */
	uint32_t sent;	      /**< of them, written to the destination (the return value) */
	uint64_t taken_bytes; /**< their bytes, headers excluded */
	uint64_t sent_bytes;  /**< bytes of those sent, headers excluded */
};

/**
 * APP backend, both devices: moves up to @p n (at most RTE_VMSG_NET_BURST)
 * packets the driver of @p src transmitted on pair @p src_qp into the
 * receive queue of pair @p dst_qp of @p dst, with one copy (the source
 * driver's transmit buffer to the destination driver's receive buffers),
 * header carried through (num_buffers set by @p dst, which spans buffers
 * with MRG_RXBUF). It is rte_vmsg_net_dev_recv_burst() then
 * rte_vmsg_net_dev_send_burst() without the buffer in between, with the
 * same checks and counters: both drivers' addresses are translated and
 * bounds-checked through their device's map, a queue either driver broke
 * is counted (broken, DEVICE_NEEDS_RESET raised by that device's
 * rte_vmsg_net_dev_service()) and only that queue stops; malformed
 * transmit chains count in the source's transmit errors.
 *
 * A transmit chain is taken only when @p dst has a receive chain for it:
 * without room the packets stay with the source driver (not completed:
 * back-pressure, as a NIC gives), nothing is dropped for lack of room. A
 * packet that needs more receive buffers (MRG_RXBUF) than are posted is
 * kept, popped and not completed, and goes first at the next call. Dropped
 * and counted in the destination's receive drops: a packet larger than
 * @p dst takes (MTU + 18, or 65550 bytes with GSO when its driver took
 * GUEST_TSO4/6) or, without MRG_RXBUF, than its receive buffer.
 * Counters: the source's transmit queue counts each packet taken
 * (packets, bytes), the destination's receive queue each packet written
 * (packets, bytes) or dropped (drops); in event mode each queue asks for
 * its EVENT_USED as the other burst calls do. @p src and @p dst may be the
 * same device, and @p src_qp and @p dst_qp the same pair.
 *
 * Concurrency: the thread that runs pair @p src_qp of @p src and pair
 * @p dst_qp of @p dst (no other call on either pair meanwhile); wait-free.
 * A pair whose gate is closed (the device not running, a queue being
 * changed) moves nothing.
 *
 * @param src     the device whose driver transmitted
 * @param src_qp  its pair
 * @param dst     the device whose driver receives (may be @p src)
 * @param dst_qp  its pair (may be @p src_qp of the same device)
 * @param n       packets at most; 0 moves nothing
 * @param flags   0 or RTE_VMSG_NET_FWD_F_MACSWAP
 * @param res     optional: receives what was taken and sent (zeroed first)
 * @return packets written to @p dst (>= 0); -EINVAL for a NULL device, a
 *         pair out of range, a device without the APP backend or unknown
 *         @p flags.
 */
RTE_VMSG_API int rte_vmsg_net_dev_forward_burst(struct rte_vmsg_net_dev *src, uint32_t src_qp,
						struct rte_vmsg_net_dev *dst, uint32_t dst_qp,
						uint32_t n, uint32_t flags,
						struct rte_vmsg_net_fwd_result *res);

/**
 * The bus thread's share of the work: answers the control queue
 * (VQ_PAIRS_SET; RX mode and MAC classes acknowledged), sends the EVENT_USED
 * frames the pair threads asked for, and raises DEVICE_NEEDS_RESET (an
 * EVENT_CONFIG) once a queue broke. Call it after each rte_vmsg_bus_poll()
 * of the device bus. A full bus leaves the event pending for the next call.
 *
 * @return events sent (>= 0); -EINVAL for NULL @p nd.
 */
RTE_VMSG_API int rte_vmsg_net_dev_service(struct rte_vmsg_net_dev *nd);

/** Queue pairs the driver enabled (1 unless changed with VQ_PAIRS_SET); 0 for NULL. */
RTE_VMSG_API uint32_t rte_vmsg_net_dev_active_pairs(const struct rte_vmsg_net_dev *nd);

/**
 * Copies the counters of queue @p index (2q: receive, 2q + 1: transmit,
 * 2 * max_queue_pairs: control) and, optionally, the device counters.
 *
 * @return 0; -EINVAL for NULL @p nd, both outputs NULL or a bad index.
 */
RTE_VMSG_API int rte_vmsg_net_dev_stats_get(const struct rte_vmsg_net_dev *nd, uint32_t index,
					    struct rte_vmsg_net_queue_stats *qs,
					    struct rte_vmsg_net_dev_stats *ds);

/**
 * The device half of queue @p index while it is attached (for its virtqueue
 * stats), or NULL. Bus thread, or the pair's thread.
 */
RTE_VMSG_API struct rte_vmsg_vq_dev *rte_vmsg_net_dev_vq(const struct rte_vmsg_net_dev *nd,
							 uint32_t index);

/* ======================================================================== */
/* Driver helper                                                             */
/* ======================================================================== */

/**
 * Let the driver handle take the bus's event callback
 * (RTE_VMSG_DRV_F_BUS_EVENTS); without it, hand events in with
 * rte_vmsg_net_drv_event().
 */
#define RTE_VMSG_NET_DRV_F_BUS_EVENTS (1u << 0)

/**
 * Event mode with the bursts on threads of their own: a burst whose kick
 * asks for EVENT_AVAIL does not send it (a burst sends no message); it
 * leaves the request for rte_vmsg_net_drv_service(), which sends it on the
 * bus thread, as late as that call's period. Without event mode: no effect.
 */
#define RTE_VMSG_NET_DRV_F_DEFER_EVENTS (1u << 1)

/**
 * The receive queues take the caller's buffers, in the DMA area
 * (rte_vmsg_net_drv_rx_post_ext(), rte_vmsg_net_drv_rx_burst_ext()): the
 * helper posts none of its own, and rx_burst(), rx_burst_zc() return
 * -ENOTSUP. For a caller whose packet buffers live in the DMA area (an
 * mbuf pool over it: drivers/net_vmsg's zerocopy=1), so that a received
 * packet is never copied. Needs @c ext_release.
 */
#define RTE_VMSG_NET_DRV_F_EXT_RX (1u << 2)

/** Options of rte_vmsg_net_drv_create(); zero-initialise, then set @c sz. */
struct rte_vmsg_net_drv_opts {
	size_t sz;		  /**< sizeof(struct rte_vmsg_net_drv_opts) */
	struct rte_vmsg_bus *bus; /**< driver-role bus (required) */
	uint16_t dev_num;	  /**< the device */
	uint16_t queue_pairs;	  /**< pairs wanted; 0: all the device has */
	uint32_t queue_size;	  /**< entries per queue (power of two); 0: min(256, max) */
	/**
	 * Features wanted (bit n = feature n); 0:
	 * rte_vmsg_net_drv_default_features() (split rings, in-order).
	 */
	uint64_t features;
	/** The DMA area: local address (64-byte aligned), bus address, bytes. */
	void *dma_addr;
	uint64_t dma_bus_addr;
	uint64_t dma_size;
	uint32_t notify;	      /**< enum rte_vmsg_net_notify */
	uint32_t flags;		      /**< RTE_VMSG_NET_DRV_F_* */
	uint64_t timeout_ns;	      /**< bound of each synchronous step; 0: 2 s */
	void (*poll_peer)(void *arg); /**< as in struct rte_vmsg_drv_opts */
	void *poll_peer_arg;
	/**
	 * Gives back a caller's buffer (its @c cookie) that the helper holds
	 * when a reset or destroy ends its use outside a burst: a receive
	 * buffer posted or reaped and not yet returned, a transmission in
	 * flight or completed and not yet collected. Called on the thread of
	 * that call, once per buffer. Required with
	 * RTE_VMSG_NET_DRV_F_EXT_RX and for rte_vmsg_net_drv_tx_burst_ext().
	 */
	void (*ext_release)(void *arg, uint32_t qp, void *cookie);
	void *ext_release_arg;
	/**
	 * As in struct rte_vmsg_drv_opts: asked in every wait of a
	 * synchronous step (bring-up, resets, control-queue commands);
	 * non-zero ends it with -ECANCELED. For a control thread that must
	 * stop at once however slow the device.
	 */
	int (*cancel)(void *arg);
	void *cancel_arg;
};

/** Driver helper counters besides the per-queue ones. */
struct rte_vmsg_net_drv_stats {
	uint64_t config_events; /**< EVENT_CONFIG received */
	uint64_t needs_reset;	/**< of them with DEVICE_NEEDS_RESET */
	uint64_t used_events;	/**< EVENT_USED received, all queues */
};

struct rte_vmsg_net_drv;

/**
 * The features rte_vmsg_net_drv_create() asks for when its opts leave
 * @c features 0: IN_ORDER but not RING_PACKED, so the queues take the split
 * ring with in-order runs, the fastest mode measured (doc/net.md). A caller
 * that wants the packed layout passes this value with
 * RTE_VMSG_VIRTIO_F_RING_PACKED added (it is used when the device offers
 * it); one that wants less passes it with bits cleared. Thread-safe.
 */
RTE_VMSG_API uint64_t rte_vmsg_net_drv_default_features(void);

/**
 * Opens device @p dev_num and brings it up: initialization and feature
 * negotiation (rte_vmsg_drv_init()), config read, virtqueues carved out of
 * the DMA area and set up (rte_vmsg_drv_vq_setup()), DRIVER_OK, the pair
 * count through the control queue when MQ was negotiated, and every receive
 * queue filled. Receive buffers are 2 KiB with MRG_RXBUF, else header + MTU
 * + 18 bytes (rounded up to 64); transmit buffers header + MTU + 18 (and
 * 64 KiB with HOST_TSO4/6). Synchronous; call on the bus thread.
 *
 * @return 0; -EINVAL for NULL arguments, a bad @c sz, unknown non-zero
 *         bytes or flags, a bad value (features with MQ but not CTRL_VQ),
 *         a device that is not virtio-net;
 *         -ENOMEM when the DMA area is too small (or malloc fails);
 *         -ENOTSUP when the device lacks VERSION_1 or refused the features;
 *         -EPROTO for a device whose offer or configuration cannot be: MQ
 *         without CTRL_VQ, with MTU an MTU below 68, with MQ no queue pair
 *         or more than RTE_VMSG_NET_MAX_QP, with CTRL_VQ no control queue;
 *         -EIO when the control queue refused the pair count;
 *         the errors of rte_vmsg_drv_*() (-ETIMEDOUT; -ECANCELED when @c cancel said stop).
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_net_drv_create(const struct rte_vmsg_net_drv_opts *opts,
						       struct rte_vmsg_net_drv **out);

/**
 * Resets the device and brings it up again over the same queues and
 * buffers: the way back after DEVICE_NEEDS_RESET (a queue the device found
 * broken) or a timed-out request (for a queue only the driver found broken,
 * rte_vmsg_net_drv_queue_reset() is enough). Transmissions in flight are
 * lost and counted (drops of the transmit queue); receive buffers are
 * posted anew. Synchronous; on the bus thread, with no tx_burst/rx_burst
 * running.
 *
 * @return 0; -EINVAL for NULL @p nd; -EPROTO when the device no longer
 *         accepts the same feature set; the errors of
 *         rte_vmsg_net_drv_create()'s steps. After a failure every pair's
 *         bursts return -EIO (nothing is queued for a device that was
 *         reset and not started) until a later call succeeds.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_net_drv_reset(struct rte_vmsg_net_drv *nd);

/**
 * Resets queue pair @p qp alone (VIRTIO_F_RING_RESET, virtio-msg §4.9 and
 * §6): RESET_VQUEUE of its transmit, then its receive queue, each waited
 * for (DRV-25); both driver halves re-initialised over the same memory;
 * both queues programmed and enabled again with read-back (DRV-19..22);
 * every receive buffer posted anew. Transmissions the device had not
 * completed are lost and counted (drops of the transmit queue); packets
 * received and not yet taken with rte_vmsg_net_drv_rx_burst() are dropped
 * without being counted. The other pairs, the control queue and the device
 * status are not touched. The way back for a queue the driver found broken
 * (-EIO from a burst); DEVICE_NEEDS_RESET still needs
 * rte_vmsg_net_drv_reset().
 *
 * Synchronous; on the bus thread, with no tx_burst/rx_burst of pair @p qp
 * running (the other pairs' bursts may go on).
 *
 * @param nd  the handle
 * @param qp  the pair, below rte_vmsg_net_drv_queue_pairs()
 * @return 0; -EINVAL for NULL @p nd or a bad @p qp; -ENOTSUP when
 *         VIRTIO_F_RING_RESET was not negotiated (nothing sent: use
 *         rte_vmsg_net_drv_reset()); -ESTALE when the device asked for a
 *         reset or a request timed out (use rte_vmsg_net_drv_reset()); the
 *         errors of rte_vmsg_drv_reset_vqueue() and rte_vmsg_drv_vq_setup().
 *         After a failure the pair's bursts return -EIO until a later call
 *         or a device reset succeeds.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_net_drv_queue_reset(struct rte_vmsg_net_drv *nd,
							    uint32_t qp);

/** Closes the handle and frees it (the DMA area is the caller's). NULL is a no-op. */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_net_drv_destroy(struct rte_vmsg_net_drv *nd);

/**
 * Transmits up to @p n packets on pair @p qp: reaps completed transmissions,
 * copies each packet with its header into a transmit buffer, adds the
 * chains and kicks once; in event mode sends EVENT_AVAIL when the kick asks
 * for it. Stops when the queue is full.
 *
 * No copy for a packet that the pair's last rte_vmsg_net_drv_rx_burst_zc()
 * lent, its @c data where that call put it: its header is written in front
 * of it and the receive buffer goes out as it is (zero-copy forwarding); a
 * free transmit buffer takes its place among the lent ones, posted by
 * rte_vmsg_net_drv_rx_release(). Counted in the queue's @c zc_packets. This
 * holds when the pair's receive and transmit buffers can stand in for one
 * another (no TSO: both hold a frame of the MTU); otherwise, or for a
 * packet anywhere else, the packet is copied. Either way the caller still
 * releases the burst.
 *
 * Concurrency: see the file comment; wait-free.
 *
 * @return packets queued (>= 0); -EINVAL for NULL arguments or a bad
 *         @p qp; -EMSGSIZE when the first packet is larger than the device
 *         takes (MTU + 18 bytes; 65550 with GSO type TCPV4 or TCPV6 and
 *         its HOST_TSO4/6; none with another GSO type); a later one ends
 *         the burst there; -EIO when the queue is broken, or the pair's last
 *         rte_vmsg_net_drv_queue_reset() failed.
 */
RTE_VMSG_API int rte_vmsg_net_drv_tx_burst(struct rte_vmsg_net_drv *nd, uint32_t qp,
					   const struct rte_vmsg_net_pkt *pkts, uint32_t n);

/**
 * Receives up to @p n packets on pair @p qp: reaps used receive chains,
 * copies each packet (merging num_buffers buffers) and its header out,
 * and re-posts the buffers (one kick). A packet larger than its @c cap,
 * with a bad num_buffers or length, or with a GSO type the driver did not
 * negotiate, is dropped and counted (errors).
 *
 * @return packets received (>= 0); -EINVAL for NULL arguments or a bad
 *         @p qp; -EBUSY while a rte_vmsg_net_drv_rx_burst_zc() burst is
 *         lent; -EIO when the queue is broken, or the pair's last
 *         rte_vmsg_net_drv_queue_reset() failed. The packets the device
 *         completed before it broke the queue are received first (and
 *         counted); the next call returns -EIO.
 */
RTE_VMSG_API int rte_vmsg_net_drv_rx_burst(struct rte_vmsg_net_drv *nd, uint32_t qp,
					   struct rte_vmsg_net_pkt *pkts, uint32_t n);

/**
 * Receives up to @p n packets on pair @p qp without copying them: each
 * pkts[k].data points at the packet in the receive buffer the device wrote
 * (@c len and @c hdr set, @c cap the room in that buffer), lent to the
 * caller until rte_vmsg_net_drv_rx_release(), which posts the buffers
 * again. What @c data and @c cap held before is ignored. The bytes are the
 * device's, as with rte_vmsg_net_drv_rx_burst(): treat them as untrusted.
 * Each packet is one buffer: a packet that spans several (MRG_RXBUF with a
 * packet larger than a buffer, i.e. with GUEST_TSO) ends the burst before
 * it, and when it comes first the call returns -EMSGSIZE: take it with
 * rte_vmsg_net_drv_rx_burst(), which merges. A packet with a bad length or
 * num_buffers is dropped and counted (errors).
 *
 * Concurrency: see the file comment; wait-free. One lent burst at a time
 * per pair.
 *
 * @return packets received (>= 0; with 0 nothing is lent); -EINVAL for NULL
 *         arguments or a bad @p qp; -EBUSY while a burst is lent (release
 *         it first; rte_vmsg_net_drv_rx_burst() says the same); -EMSGSIZE
 *         as above; -EIO when the queue is broken, or the pair's last
 *         rte_vmsg_net_drv_queue_reset() failed (packets completed before
 *         the break are lent first, as rte_vmsg_net_drv_rx_burst() says).
 */
RTE_VMSG_API int rte_vmsg_net_drv_rx_burst_zc(struct rte_vmsg_net_drv *nd, uint32_t qp,
					      struct rte_vmsg_net_pkt *pkts, uint32_t n);

/**
 * Gives back the buffers of the last rte_vmsg_net_drv_rx_burst_zc() of pair
 * @p qp: they are posted again (one kick); the packets' @c data pointers
 * are no longer the caller's. Nothing lent: nothing to do. A queue reset
 * (pair or device) takes the lent buffers back with the others.
 *
 * Concurrency: see the file comment; wait-free.
 *
 * @return 0; -EINVAL for a NULL @p nd or a bad @p qp; -EIO when the queue is
 *         broken, or the pair's last rte_vmsg_net_drv_queue_reset() failed.
 */
RTE_VMSG_API int rte_vmsg_net_drv_rx_release(struct rte_vmsg_net_drv *nd, uint32_t qp);

/** A buffer of the caller's in the DMA area, for the _ext calls. */
struct rte_vmsg_net_xbuf {
	/**
	 * Where the 12-byte virtio-net header goes (any alignment), the packet
	 * right after it; all of [addr, addr + len) in the DMA area.
	 */
	void *addr;
	/**
	 * rx_post_ext: bytes the device may write (header included);
	 * rx_burst_ext: packet bytes in this buffer (after the header in a
	 * packet's first); tx_burst_ext: header + packet.
	 */
	uint32_t len;
	uint32_t flags;		     /**< rx_burst_ext: RTE_VMSG_NET_XBUF_F_* */
	void *cookie;		     /**< the caller's, handed back with the buffer */
	struct rte_vmsg_net_hdr hdr; /**< rx: the packet's (its first buffer); tx: sent */
};

/** rx_burst_ext: the packet goes on in the next entry (MRG_RXBUF). */
#define RTE_VMSG_NET_XBUF_F_MORE (1u << 0)
/**
 * rx_burst_ext: no packet here (a malformed one, dropped and counted in
 * @c errors): the buffer is the caller's again, to post or free.
 */
#define RTE_VMSG_NET_XBUF_F_DROP (1u << 1)

/**
 * The least @c len a buffer posted with rte_vmsg_net_drv_rx_post_ext() may
 * have (header included): a frame of the MTU, or 2 KiB with MRG_RXBUF, as
 * the helper's own. 0 for NULL.
 */
RTE_VMSG_API uint32_t rte_vmsg_net_drv_rx_buf_len(const struct rte_vmsg_net_drv *nd);

/**
 * The part of the DMA area the helper left unused at create (64-byte
 * aligned), for the caller's own buffers (the _ext calls). With
 * RTE_VMSG_NET_DRV_F_EXT_RX it includes the receive buffers the helper
 * did not make.
 *
 * @return 0 (@p len may be 0); -EINVAL for NULL arguments.
 */
RTE_VMSG_API int rte_vmsg_net_drv_dma_spare(const struct rte_vmsg_net_drv *nd, void **addr,
					    uint64_t *bus_addr, uint64_t *len);

/**
 * Posts the caller's receive buffers @p bufs[0 .. n) (@c addr, @c len,
 * @c cookie) on pair @p qp, in one add and one kick; the device may write
 * them until rte_vmsg_net_drv_rx_burst_ext() or a reset gives them back.
 * Needs RTE_VMSG_NET_DRV_F_EXT_RX.
 *
 * Concurrency: the receive burst's (see the file comment).
 *
 * @return buffers posted (>= 0; fewer than @p n when the queue is full);
 *         -EINVAL for NULL arguments, a bad @p qp, a buffer outside the
 *         part of the DMA area rte_vmsg_net_drv_dma_spare() gives, or
 *         shorter than rte_vmsg_net_drv_rx_buf_len() (none posted); -ENOTSUP without the flag; -EIO when the queue is
 *         broken, or the pair's last reset failed.
 */
RTE_VMSG_API int rte_vmsg_net_drv_rx_post_ext(struct rte_vmsg_net_drv *nd, uint32_t qp,
					      const struct rte_vmsg_net_xbuf *bufs, uint32_t n);

/**
 * Receives on pair @p qp into the caller's buffers: fills up to @p n
 * entries, one per buffer the device used, with whole packets only. A
 * packet's first entry has its header (read once, into @c hdr) and
 * @c len the packet bytes after it; with MRG_RXBUF a packet may take
 * several entries (RTE_VMSG_NET_XBUF_F_MORE on all but its last), each
 * @c len its bytes. Entries with RTE_VMSG_NET_XBUF_F_DROP carry no packet
 * (a bad length or num_buffers, or more than 64 KiB in all: counted in
 * @c errors; a packet of more buffers than @p n is dropped the same way,
 * over several calls). Every
 * entry's buffer is the caller's again; the packet bytes are the device's,
 * in shared memory: treat them as untrusted, and as the peer's to write
 * still when it is hostile. Needs RTE_VMSG_NET_DRV_F_EXT_RX.
 *
 * Concurrency: the receive burst's (see the file comment).
 *
 * @return entries filled (>= 0); -EINVAL for NULL arguments or a bad
 *         @p qp; -ENOTSUP without the flag; -EIO when the queue is
 *         broken, or the pair's last reset failed.
 */
RTE_VMSG_API int rte_vmsg_net_drv_rx_burst_ext(struct rte_vmsg_net_drv *nd, uint32_t qp,
					       struct rte_vmsg_net_xbuf *out, uint32_t n);

/**
 * Transmits the caller's buffers @p pkts[0 .. n) on pair @p qp without a
 * copy: each header (@c hdr) is written at @c addr, and the device reads
 * [addr, addr + len). The buffers stay the device's until
 * rte_vmsg_net_drv_tx_done_ext() hands their cookies back (or a reset,
 * through @c ext_release); this call does not reap, so a caller collects
 * once per burst, or its slots run out (the queue then reads full). May
 * be mixed with rte_vmsg_net_drv_tx_burst()
 * on the same queue, packets going out in call order. Counted in the
 * queue's @c packets and @c zc_packets.
 *
 * Concurrency: the transmit burst's (see the file comment).
 *
 * @return packets queued (>= 0; fewer when the queue is full);
 *         -EINVAL for NULL arguments, a bad @p qp, a buffer outside the
 *         part of the DMA area rte_vmsg_net_drv_dma_spare() gives, or
 *         shorter than the header (when it comes first);
 *         -EMSGSIZE when the first packet is larger than the device takes
 *         (as rte_vmsg_net_drv_tx_burst());
 *         -ENOTSUP without @c ext_release; -EIO when the queue is broken,
 *         or the pair's last reset failed.
 */
RTE_VMSG_API int rte_vmsg_net_drv_tx_burst_ext(struct rte_vmsg_net_drv *nd, uint32_t qp,
					       const struct rte_vmsg_net_xbuf *pkts, uint32_t n);

/**
 * Collects up to @p n cookies of rte_vmsg_net_drv_tx_burst_ext() buffers
 * the device has finished with (it reaps the queue first): those buffers
 * are the caller's again.
 *
 * Concurrency: the transmit burst's (see the file comment).
 *
 * @return cookies written (>= 0); -EINVAL for NULL arguments or a bad
 *         @p qp; -EIO when the queue is broken, or the pair's last reset
 *         failed.
 */
RTE_VMSG_API int rte_vmsg_net_drv_tx_done_ext(struct rte_vmsg_net_drv *nd, uint32_t qp,
					      void **cookies, uint32_t n);

/**
 * Hands a transport event (EVENT_CONFIG, EVENT_USED) of this device to the
 * handle, when the application owns the bus's event callback.
 *
 * @return 0; the errors of rte_vmsg_drv_event().
 */
RTE_VMSG_API int rte_vmsg_net_drv_event(struct rte_vmsg_net_drv *nd, const void *frame, size_t len);

/**
 * The bus thread's share of the work with RTE_VMSG_NET_DRV_F_DEFER_EVENTS:
 * sends the EVENT_AVAIL each queue's bursts asked for since the last call
 * (one per queue, with the latest position; counted in its @c notifies).
 * A full bus leaves the rest for the next call. Without the flag, or in
 * polling mode, nothing to do. Call on the bus thread.
 *
 * @return EVENT_AVAILs sent (>= 0); -EINVAL for NULL @p nd.
 */
RTE_VMSG_API int rte_vmsg_net_drv_service(struct rte_vmsg_net_drv *nd);

/** Queue pairs in use (after VQ_PAIRS_SET); 0 for NULL. */
RTE_VMSG_API uint32_t rte_vmsg_net_drv_queue_pairs(const struct rte_vmsg_net_drv *nd);

/** The config space as read at create (host copy, little-endian fields). @return 0 or -EINVAL. */
RTE_VMSG_API int rte_vmsg_net_drv_config(const struct rte_vmsg_net_drv *nd,
					 struct rte_vmsg_net_config *cfg);

/** The transport handle inside (getters, rte_vmsg_drv_needs_reset()), or NULL. */
RTE_VMSG_API struct rte_vmsg_drv *rte_vmsg_net_drv_handle(const struct rte_vmsg_net_drv *nd);

/** The driver half of queue @p index, or NULL. */
RTE_VMSG_API struct rte_vmsg_vq_drv *rte_vmsg_net_drv_vq(const struct rte_vmsg_net_drv *nd,
							 uint32_t index);

/**
 * Copies the counters of queue @p index (2q, 2q + 1) and, optionally, the
 * handle's counters.
 *
 * @return 0; -EINVAL for NULL @p nd, both outputs NULL or a bad index.
 */
RTE_VMSG_API int rte_vmsg_net_drv_stats_get(const struct rte_vmsg_net_drv *nd, uint32_t index,
					    struct rte_vmsg_net_queue_stats *qs,
					    struct rte_vmsg_net_drv_stats *ds);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_NET_H */
