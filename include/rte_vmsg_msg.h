/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Wire codec of virtio-msg (v2 draft, transport revision 1): build, parse and
 * validate, and print every transport and bus message. Pure functions over
 * byte buffers: nothing here allocates, blocks, logs or keeps state.
 */

#ifndef RTE_VMSG_MSG_H
#define RTE_VMSG_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <rte_vmsg_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Size of the frame header; the payload starts at this offset. */
#define RTE_VMSG_HDR_SIZE 8u
/** Smallest maximum message size a link may advertise (virtio-msg §3). */
#define RTE_VMSG_MAX_SIZE_MIN 52u
/** Largest maximum message size (msg_size is 16 bits). */
#define RTE_VMSG_MAX_SIZE_MAX 65535u
/** Recommended maximum message size (virtio-msg §3, "should be ≤ 264"). */
#define RTE_VMSG_MAX_SIZE_DEFAULT 264u

/* Header byte offsets (virtio-msg §2, GEN-2). */
#define RTE_VMSG_OFF_TYPE 0u
#define RTE_VMSG_OFF_MSG_ID 1u
#define RTE_VMSG_OFF_DEV_NUM 2u
#define RTE_VMSG_OFF_TOKEN 4u
#define RTE_VMSG_OFF_MSG_SIZE 6u

/* Bits of the type byte; bits 7:2 are reserved, sent as 0 and ignored. */
#define RTE_VMSG_TYPE_RESPONSE 0x01u
#define RTE_VMSG_TYPE_BUS 0x02u
#define RTE_VMSG_TYPE_KNOWN_MASK 0x03u

/* Bits of the msg_id byte. */
#define RTE_VMSG_ID_EVENT 0x40u
#define RTE_VMSG_ID_IMPL 0x80u

/* Transport message IDs (virtio-msg §4). */
#define RTE_VMSG_ID_GET_DEVICE_INFO 0x02u
#define RTE_VMSG_ID_GET_DEVICE_FEATURES 0x03u
#define RTE_VMSG_ID_SET_DRIVER_FEATURES 0x04u
#define RTE_VMSG_ID_GET_CONFIG 0x05u
#define RTE_VMSG_ID_SET_CONFIG 0x06u
#define RTE_VMSG_ID_GET_DEVICE_STATUS 0x07u
#define RTE_VMSG_ID_SET_DEVICE_STATUS 0x08u
#define RTE_VMSG_ID_GET_VQUEUE 0x09u
#define RTE_VMSG_ID_SET_VQUEUE 0x0Au
#define RTE_VMSG_ID_RESET_VQUEUE 0x0Bu
#define RTE_VMSG_ID_GET_SHM 0x0Cu
#define RTE_VMSG_ID_EVENT_CONFIG 0x40u
#define RTE_VMSG_ID_EVENT_AVAIL 0x41u
#define RTE_VMSG_ID_EVENT_USED 0x42u

/* Bus message IDs (virtio-msg §10); they travel with RTE_VMSG_TYPE_BUS. */
#define RTE_VMSG_BUS_ID_GET_DEVICES 0x02u
#define RTE_VMSG_BUS_ID_PING 0x03u
#define RTE_VMSG_BUS_ID_EVENT_DEVICE 0x40u

/* Device status bits (virtio-msg §4.6). */
#define RTE_VMSG_STATUS_ACKNOWLEDGE 0x01u
#define RTE_VMSG_STATUS_DRIVER 0x02u
#define RTE_VMSG_STATUS_DRIVER_OK 0x04u
#define RTE_VMSG_STATUS_FEATURES_OK 0x08u
#define RTE_VMSG_STATUS_DEVICE_NEEDS_RESET 0x40u
#define RTE_VMSG_STATUS_FAILED 0x80u

/* SET_VQUEUE flags (virtio-msg §4.8). */
#define RTE_VMSG_VQ_OP_MASK 0x3u
#define RTE_VMSG_VQ_OP_KEEP_DISABLED 0x0u
#define RTE_VMSG_VQ_OP_ENABLE 0x1u
#define RTE_VMSG_VQ_OP_KEEP_STATE 0x2u
#define RTE_VMSG_VQ_OP_RESERVED 0x3u
#define RTE_VMSG_VQ_IGNORE_SIZE 0x4u
#define RTE_VMSG_VQ_IGNORE_DESC 0x8u
#define RTE_VMSG_VQ_IGNORE_DRIVER 0x10u
#define RTE_VMSG_VQ_IGNORE_DEVICE 0x20u
#define RTE_VMSG_VQ_FLAGS_RESERVED 0xFFFFFFC0u
/* GET_VQUEUE response flags. */
#define RTE_VMSG_VQ_ENABLED 0x1u

/* EVENT_AVAIL next_offset with VIRTIO_F_NOTIFICATION_DATA (virtio-msg §4.12). */
#define RTE_VMSG_AVAIL_WRAP 0x80000000u
#define RTE_VMSG_AVAIL_OFF_MASK 0x7FFFFFFFu

/* EVENT_DEVICE bus states (virtio-msg §10). */
#define RTE_VMSG_DEVICE_BUS_STATE_ADDED 0x0001u
#define RTE_VMSG_DEVICE_BUS_STATE_REMOVED 0x0002u

/* Transport feature bits carried by the bus instance (virtio-msg §3). */
#define RTE_VMSG_F_STRICT_CONFIG_GENERATION (1ull << 0)

/* Exact frame sizes of the fixed-size messages (header included). */
#define RTE_VMSG_SIZE_DEVICE_INFO_RESP 52u
#define RTE_VMSG_SIZE_FEATURES_BASE 16u
#define RTE_VMSG_SIZE_CONFIG_BASE 20u
#define RTE_VMSG_SIZE_EVENT_CONFIG_BASE 24u
#define RTE_VMSG_SIZE_GET_VQUEUE_RESP 48u
#define RTE_VMSG_SIZE_SET_VQUEUE_REQ 48u
#define RTE_VMSG_SIZE_GET_SHM_RESP 32u
#define RTE_VMSG_SIZE_GET_DEVICES_RESP_BASE 14u

/**
 * What a frame is: one value per request, response and event of the v2 draft,
 * plus RTE_VMSG_MSG_IMPL for implementation-defined IDs (0x80-0xFF) in either
 * namespace, which the codec carries as an opaque payload.
 */
enum rte_vmsg_msg_kind {
	RTE_VMSG_MSG_INVALID = 0,
	RTE_VMSG_MSG_GET_DEVICE_INFO_REQ,
	RTE_VMSG_MSG_GET_DEVICE_INFO_RESP,
	RTE_VMSG_MSG_GET_DEVICE_FEATURES_REQ,
	RTE_VMSG_MSG_GET_DEVICE_FEATURES_RESP,
	RTE_VMSG_MSG_SET_DRIVER_FEATURES_REQ,
	RTE_VMSG_MSG_SET_DRIVER_FEATURES_RESP,
	RTE_VMSG_MSG_GET_CONFIG_REQ,
	RTE_VMSG_MSG_GET_CONFIG_RESP,
	RTE_VMSG_MSG_SET_CONFIG_REQ,
	RTE_VMSG_MSG_SET_CONFIG_RESP,
	RTE_VMSG_MSG_GET_DEVICE_STATUS_REQ,
	RTE_VMSG_MSG_GET_DEVICE_STATUS_RESP,
	RTE_VMSG_MSG_SET_DEVICE_STATUS_REQ,
	RTE_VMSG_MSG_SET_DEVICE_STATUS_RESP,
	RTE_VMSG_MSG_GET_VQUEUE_REQ,
	RTE_VMSG_MSG_GET_VQUEUE_RESP,
	RTE_VMSG_MSG_SET_VQUEUE_REQ,
	RTE_VMSG_MSG_SET_VQUEUE_RESP,
	RTE_VMSG_MSG_RESET_VQUEUE_REQ,
	RTE_VMSG_MSG_RESET_VQUEUE_RESP,
	RTE_VMSG_MSG_GET_SHM_REQ,
	RTE_VMSG_MSG_GET_SHM_RESP,
	RTE_VMSG_MSG_EVENT_CONFIG,
	RTE_VMSG_MSG_EVENT_AVAIL,
	RTE_VMSG_MSG_EVENT_USED,
	RTE_VMSG_MSG_BUS_GET_DEVICES_REQ,
	RTE_VMSG_MSG_BUS_GET_DEVICES_RESP,
	RTE_VMSG_MSG_BUS_PING_REQ,
	RTE_VMSG_MSG_BUS_PING_RESP,
	RTE_VMSG_MSG_BUS_EVENT_DEVICE,
	RTE_VMSG_MSG_IMPL,
	RTE_VMSG_MSG_KIND_COUNT /**< number of kinds; not a kind */
};

/**
 * Why a frame was refused: the rule of virtio-msg §9 it breaks. Given through
 * the optional out-parameter of rte_vmsg_msg_parse(), for logs, counters and
 * tests; the return value stays a negative errno.
 */
enum rte_vmsg_msg_err {
	RTE_VMSG_MSG_OK = 0,
	RTE_VMSG_MSG_ERR_ARG,		 /**< NULL pointer or bad argument (-EINVAL) */
	RTE_VMSG_MSG_ERR_MAX_SIZE,	 /**< link max outside 52..65535 (-EINVAL) */
	RTE_VMSG_MSG_ERR_SHORT_BUFFER,	 /**< buffer shorter than the 8-byte header */
	RTE_VMSG_MSG_ERR_SIZE_UNDER_HDR, /**< msg_size < 8 */
	RTE_VMSG_MSG_ERR_SIZE_OVER_MAX,	 /**< msg_size > the link's maximum */
	RTE_VMSG_MSG_ERR_TRUNCATED,	 /**< msg_size > bytes available in the buffer */
	RTE_VMSG_MSG_ERR_SIZE,		 /**< msg_size differs from the message's fixed size */
	RTE_VMSG_MSG_ERR_COUNT,		 /**< msg_size disagrees with an embedded count/length */
	RTE_VMSG_MSG_ERR_EVENT_RESPONSE, /**< response bit set on an event ID */
	RTE_VMSG_MSG_ERR_BUS_DEV_NUM,	 /**< dev_num != 0 on a bus message */
	RTE_VMSG_MSG_ERR_UNKNOWN_ID,	 /**< standard ID not defined in that namespace */
	RTE_VMSG_MSG_ERR_RESP_OVER_MAX,	 /**< request whose full response exceeds the max */
	RTE_VMSG_MSG_ERR_COUNT_OF_ERRS	 /**< number of reasons; not a reason */
};

/** Decoded header, host byte order. */
struct rte_vmsg_hdr {
	uint8_t type;	   /**< as on the wire (reserved bits 7:2 kept for traces, else ignored) */
	uint8_t msg_id;	   /**< as on the wire */
	uint16_t dev_num;  /**< device number; 0 on bus messages */
	uint16_t token;	   /**< bus-owned correlation value */
	uint16_t msg_size; /**< header + payload bytes */
};

/** GET_DEVICE_INFO response payload (virtio-msg §4.1). */
struct rte_vmsg_dev_info {
	uint32_t device_id;
	uint32_t vendor_id;
	uint8_t uuid[16]; /**< raw bytes, never byte-swapped; all zero = no UUID */
	uint32_t num_feature_blocks;
	uint32_t config_size;
	uint32_t max_virtqueues;
	uint32_t admin_vq_start;
	uint32_t admin_vq_count;
};

/**
 * GET_DEVICE_FEATURES request and response, SET_DRIVER_FEATURES request
 * (virtio-msg §4.2, §4.3). @c blocks points at @c num_blocks little-endian
 * 32-bit words (any alignment); read them with rte_vmsg_msg_feature_block().
 * NULL (and unused) in the GET_DEVICE_FEATURES request.
 */
struct rte_vmsg_features {
	uint32_t block_index;
	uint32_t num_blocks;
	const uint8_t *blocks;
};

/**
 * GET_CONFIG and SET_CONFIG requests and responses, EVENT_CONFIG (virtio-msg
 * §4.4, §4.5, §4.11). @c data points at @c length bytes, or is NULL when the
 * frame carries no data (GET_CONFIG request; SET_CONFIG response of 20 bytes;
 * EVENT_CONFIG of 24 bytes). @c device_status is used by EVENT_CONFIG only,
 * @c generation by all but the GET_CONFIG request.
 */
struct rte_vmsg_config {
	uint32_t device_status;
	uint32_t generation;
	uint32_t offset;
	uint32_t length;
	const uint8_t *data;
};

/**
 * GET_VQUEUE response and SET_VQUEUE request (virtio-msg §4.7, §4.8).
 * @c max_size is for GET_VQUEUE only, @c reserved for SET_VQUEUE only (a
 * builder always writes it as 0; a parser reports what it found). @c size is
 * cur_size in GET_VQUEUE and the requested size in SET_VQUEUE.
 */
struct rte_vmsg_vqueue {
	uint32_t index;
	uint32_t max_size;
	uint32_t size;
	uint32_t flags;
	uint32_t reserved;
	uint64_t desc_addr;
	uint64_t driver_addr;
	uint64_t device_addr;
};

/** GET_SHM request (shmid only) and response (virtio-msg §4.10). */
struct rte_vmsg_shm {
	uint32_t shmid;
	uint32_t reserved; /**< written as 0; reported as found */
	uint64_t length;
	uint64_t address;
};

/** EVENT_AVAIL (virtio-msg §4.12). */
struct rte_vmsg_event_avail {
	uint32_t vq_index;
	uint32_t next_offset;
};

/**
 * BUS GET_DEVICES request (offset, count) and response (virtio-msg §10).
 * @c bitmap points at (count + 7) / 8 bytes of the response, NULL in the request.
 */
struct rte_vmsg_get_devices {
	uint16_t offset;
	uint16_t next_offset;
	uint16_t count;
	const uint8_t *bitmap;
};

/** BUS EVENT_DEVICE (virtio-msg §10). */
struct rte_vmsg_event_device {
	uint16_t device_number;
	uint16_t state;
};

/** Implementation-defined message (ID 0x80-0xFF): the payload, opaque. */
struct rte_vmsg_impl {
	const uint8_t *payload; /**< may be NULL when @c len is 0 */
	uint16_t len;
};

/**
 * A typed view of one frame. rte_vmsg_msg_parse() fills it from a buffer
 * (pointers inside it point into that buffer and live as long as it does);
 * rte_vmsg_msg_build() encodes one. @c u holds the member named by @c kind:
 *
 * | kind                                   | member     |
 * |----------------------------------------|------------|
 * | GET_DEVICE_INFO_RESP                   | dev_info   |
 * | GET_DEVICE_FEATURES_REQ/RESP, SET_DRIVER_FEATURES_REQ | features |
 * | GET_CONFIG_REQ/RESP, SET_CONFIG_REQ/RESP, EVENT_CONFIG | config |
 * | GET/SET_DEVICE_STATUS_REQ/RESP (not GET_..._REQ) | status |
 * | GET_VQUEUE_REQ, RESET_VQUEUE_REQ, EVENT_USED | vq_index |
 * | GET_VQUEUE_RESP, SET_VQUEUE_REQ        | vqueue     |
 * | GET_SHM_REQ/RESP                       | shm        |
 * | EVENT_AVAIL                            | event_avail|
 * | BUS_GET_DEVICES_REQ/RESP               | get_devices|
 * | BUS_PING_REQ/RESP                      | ping       |
 * | BUS_EVENT_DEVICE                       | event_device|
 * | IMPL                                   | impl       |
 *
 * The other kinds have an empty payload.
 */
struct rte_vmsg_msg {
	enum rte_vmsg_msg_kind kind;
	struct rte_vmsg_hdr hdr;
	union {
		struct rte_vmsg_dev_info dev_info;
		struct rte_vmsg_features features;
		struct rte_vmsg_config config;
		uint32_t status;
		uint32_t vq_index;
		struct rte_vmsg_vqueue vqueue;
		struct rte_vmsg_shm shm;
		struct rte_vmsg_event_avail event_avail;
		struct rte_vmsg_get_devices get_devices;
		uint32_t ping;
		struct rte_vmsg_event_device event_device;
		struct rte_vmsg_impl impl;
	} u;
};

/**
 * Parses and validates one frame.
 *
 * Checks, in order: the arguments; the header fits in @p len; msg_size ≥ 8,
 * ≤ @p max_size and ≤ @p len; an event ID does not carry the response bit; a
 * bus message has dev_num 0; the namespace and ID are known (0x80-0xFF pass
 * as RTE_VMSG_MSG_IMPL); msg_size equals the message's fixed size or its size
 * formula with the embedded count or length; a GET_CONFIG or
 * GET_DEVICE_FEATURES request does not ask for a response larger than
 * @p max_size. Reserved type bits 7:2 are ignored (GEN-4). Never reads past
 * msg_size or @p len.
 *
 * Parsing in place: @p buf may be memory the peer can still write (a ring
 * slot, a shared buffer). Every header field and every fixed payload field
 * (counts, lengths, offsets, indices) is read from @p buf exactly once, into
 * the view, and the checks above are made on that copy: the view is
 * consistent whatever the peer writes meanwhile (its counts and lengths are
 * the ones validated against msg_size). The variable-length part (feature
 * blocks, config data, the GET_DEVICES bitmap, an implementation-defined
 * payload) is not copied: the view points into @p buf, within msg_size, and
 * the peer may change those bytes after the call; a caller that validates
 * their content copies them first. (Reading each field once was chosen over
 * copying the frame's fixed part first: vmsg-bench-gbench BM_msg_parse
 * measured the copy slower.)
 *
 * Thread-safe; wait-free; no allocation.
 *
 * @param buf       the frame; may hold more than msg_size bytes (a ring slot)
 * @param len       bytes readable at @p buf
 * @param max_size  the link's maximum message size, 52..65535
 * @param out       receives the typed view (pointers into @p buf); untouched on error
 * @param why       optional; receives the broken rule, RTE_VMSG_MSG_OK on success
 * @return 0 on success;
 *         -EINVAL for NULL @p buf / @p out or @p max_size out of range;
 *         -EBADMSG for a malformed frame (see @p why);
 *         -EOPNOTSUPP for a standard ID unknown in its namespace.
 */
RTE_VMSG_API int rte_vmsg_msg_parse(const void *buf, size_t len, uint32_t max_size,
				    struct rte_vmsg_msg *out, enum rte_vmsg_msg_err *why);

/**
 * Encodes a message. The type byte and msg_id come from @c m->kind (the
 * reserved type bits are written as 0); for RTE_VMSG_MSG_IMPL they come from
 * @c m->hdr.msg_id (0x80-0xFF) and bits 1:0 of @c m->hdr.type. dev_num and
 * token come from @c m->hdr (dev_num must be 0 for bus messages); msg_size is
 * computed and @c m->hdr.msg_size is ignored. Reserved payload fields are
 * written as 0.
 *
 * Thread-safe; wait-free; no allocation.
 *
 * @param buf  destination
 * @param cap  bytes writable at @p buf (pass the link's maximum message size
 *             or less to enforce it)
 * @param m    the message
 * @return the frame size (msg_size) on success;
 *         -EINVAL for NULL pointers, an unknown kind, a payload pointer NULL
 *         with a non-zero count, dev_num != 0 on a bus message, an IMPL msg_id
 *         below 0x80, or a response bit on an event ID;
 *         -EMSGSIZE if the frame exceeds @p cap or 65535 bytes.
 */
RTE_VMSG_API int rte_vmsg_msg_build(void *buf, size_t cap, const struct rte_vmsg_msg *m);

/**
 * The frame size a message would have, as rte_vmsg_msg_build() computes it.
 *
 * @return the size in bytes (may exceed 65535 for absurd counts), or 0 for an
 *         unknown kind.
 */
RTE_VMSG_API size_t rte_vmsg_msg_size(const struct rte_vmsg_msg *m);

/**
 * Formats one frame as one line of text (no newline), for traces: the
 * message name, header fields and payload fields, or the reason it is
 * malformed. snprintf() semantics: always NUL-terminates when @p cap > 0.
 *
 * @param out       destination text buffer
 * @param cap       its size
 * @param buf       the frame
 * @param len       bytes readable at @p buf
 * @param max_size  the link's maximum message size, 52..65535
 * @return the length the full line has (which may be ≥ @p cap), or -EINVAL
 *         for NULL @p out with @p cap > 0 or NULL @p buf.
 */
RTE_VMSG_API int rte_vmsg_msg_format(char *out, size_t cap, const void *buf, size_t len,
				     uint32_t max_size);

/** The name of a kind, e.g. "GET_CONFIG_RESP"; "INVALID" for unknown values. */
RTE_VMSG_API const char *rte_vmsg_msg_kind_name(enum rte_vmsg_msg_kind kind);

/** A short description of a parse error reason; "unknown" for unknown values. */
RTE_VMSG_API const char *rte_vmsg_msg_err_str(enum rte_vmsg_msg_err why);

/**
 * The kind that answers @p req (e.g. GET_CONFIG_RESP for GET_CONFIG_REQ), or
 * RTE_VMSG_MSG_INVALID when @p req is not a standard request.
 */
RTE_VMSG_API enum rte_vmsg_msg_kind rte_vmsg_msg_response_kind(enum rte_vmsg_msg_kind req);

/**
 * Tells whether @p resp answers @p req by the header rules of GEN-7: response
 * bit set, same namespace, same msg_id, same dev_num. The token is the bus's
 * business and is not compared.
 */
static inline int rte_vmsg_msg_answers(const struct rte_vmsg_hdr *req,
				       const struct rte_vmsg_hdr *resp)
{
	return (resp->type & RTE_VMSG_TYPE_RESPONSE) != 0 &&
	       (req->type & RTE_VMSG_TYPE_RESPONSE) == 0 &&
	       (req->type & RTE_VMSG_TYPE_BUS) == (resp->type & RTE_VMSG_TYPE_BUS) &&
	       req->msg_id == resp->msg_id && req->dev_num == resp->dev_num;
}

/**
 * Payload profiles: which revision of the payloads a bus instance speaks
 * (ARCHITECTURE.md §2.4b). There is no revision on the wire: the side that
 * faces a peer is configured for it.
 */
enum rte_vmsg_payloads {
	/** The v2 draft: every layout of this header (the default). */
	RTE_VMSG_PAYLOADS_V2 = 0,
	/**
	 * The older revision the 2026 Linux virtio-msg-amp driver and QEMU's
	 * AMP code speak (reference amp-pcie.md §1.8). Five payloads differ;
	 * they are mapped onto the same views, so that the transport above
	 * works unchanged:
	 * - GET_DEVICES response: count @2, next_offset @4 (v2: the reverse);
	 * - GET_DEVICE_INFO response (32-byte frame): num_feature_bits on the
	 *   wire is num_feature_blocks × 32 in the view; no UUID (nil in the
	 *   view, not sent); 16-bit admin queue start and count;
	 * - GET_VQUEUE response (44-byte frame): no flags on the wire; a view
	 *   parsed from one has the enabled bit set when its size is not 0;
	 * - SET_VQUEUE request (44-byte frame): no flags and no op: it parses as
	 *   "program and enable" (flags 1); only that can be built. The unused
	 *   word @4 is the view's @c reserved (0 when valid);
	 * - GET_SHM response (20-byte frame): 32-bit shmid, length, address.
	 * A view that the older layout cannot carry (an admin queue number
	 * above 65535, a shared memory region beyond 4 GiB, a SET_VQUEUE other
	 * than "program and enable") is refused by the builder (-ERANGE).
	 */
	RTE_VMSG_PAYLOADS_PRE_V2 = 1,
};

/** The number of payload profiles (not a profile). */
#define RTE_VMSG_PAYLOADS_COUNT 2u

/**
 * rte_vmsg_msg_parse() for a payload profile: the same checks, with the
 * sizes and layouts of @p prof. RTE_VMSG_PAYLOADS_V2 is rte_vmsg_msg_parse().
 *
 * @return as rte_vmsg_msg_parse(); -EINVAL for an unknown @p prof.
 */
RTE_VMSG_API int rte_vmsg_msg_parse_profile(const void *buf, size_t len, uint32_t max_size,
					    enum rte_vmsg_payloads prof, struct rte_vmsg_msg *out,
					    enum rte_vmsg_msg_err *why);

/**
 * rte_vmsg_msg_build() for a payload profile.
 *
 * @return as rte_vmsg_msg_build(); -EINVAL for an unknown @p prof; -ERANGE
 *         for a view the profile cannot carry (see enum rte_vmsg_payloads).
 */
RTE_VMSG_API int rte_vmsg_msg_build_profile(void *buf, size_t cap, enum rte_vmsg_payloads prof,
					    const struct rte_vmsg_msg *m);

/** rte_vmsg_msg_size() for a payload profile (0 for an unknown @p prof). */
RTE_VMSG_API size_t rte_vmsg_msg_size_profile(const struct rte_vmsg_msg *m,
					      enum rte_vmsg_payloads prof);

/** Feature block @p k (0-based, < num_blocks) of a features view, host order. */
static inline uint32_t rte_vmsg_msg_feature_block(const struct rte_vmsg_features *f, uint32_t k)
{
	return rte_vmsg_get_le32(f->blocks + 4u * RTE_VMSG__CAST(size_t, k));
}

/** Tells whether device @p offset + @p i is present in a GET_DEVICES response view. */
static inline int rte_vmsg_msg_device_present(const struct rte_vmsg_get_devices *g, uint16_t i)
{
	return i < g->count &&
	       (RTE_VMSG__CAST(unsigned int, g->bitmap[i / 8u]) >> (i % 8u) & 1u) != 0;
}

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_MSG_H */
