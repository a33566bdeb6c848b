/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * PCIe cards through VFIO (drivers/pcie_amp): open a card by PCI address,
 * get a driver-role virtio-msg bus over the AMP link it carries, close it.
 */

#ifndef RTE_VMSG_PCIE_H
#define RTE_VMSG_PCIE_H

#include <stddef.h>
#include <stdint.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_common.h>
#include <rte_vmsg_mem.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @file
 * @warning EXPERIMENTAL: this API may change before 1.0.
 *
 * A card is a PCI function bound to vfio-pci (doc/pcie.md says how) that
 * carries one AMP link: this host is the driver side of it, the card (its
 * firmware, or the process that plays it) the device side. A **profile**
 * says which BAR holds what on a given card (registers, doorbells, shared
 * RAM, the MSI-X table) and where the link goes; a **placement** says in
 * which memory the link and the virtqueues live: in the card's BAR (the
 * compatibility mode of QEMU's models and older firmware) or in host
 * hugepage memory that the card reaches by DMA (ARCHITECTURE.md §2.7: the
 * host then polls only host memory and only writes card memory).
 *
 * The bus this gives (rte_vmsg_pcie_bus()) is used exactly like an shm bus
 * in the driver role: rte_vmsg_drv_* and rte_vmsg_net_drv_* on it, with the
 * DMA area of rte_vmsg_pcie_dma() for the virtqueues and buffers. The DMA
 * area is always host hugepage memory mapped for the card (the card reaches
 * virtqueues by DMA in both placements, as QEMU's amp-pci model and the
 * Versal card do); the placement decides where the link goes. A link in a
 * BAR is touched only through the lib/mem I/O accessors.
 *
 * Concurrency: a card and its bus are used by one thread at a time (the
 * thread that runs the bus). Open and close are setup calls.
 */

/** Card profiles (struct rte_vmsg_pcie_opts @c profile). */
enum rte_vmsg_pcie_profile {
	/** Chosen by the card's PCI vendor and device ID. */
	RTE_VMSG_PCIE_PROFILE_AUTO = 0,
	/**
	 * QEMU ivshmem-doorbell or ivshmem-plain, 1af4:1110: BAR0 registers
	 * (IntrMask 0x0, IntrStatus 0x4, IVPosition 0x8, Doorbell 0xc =
	 * peer << 16 | vector), BAR1 the MSI-X table (doorbell variant), BAR2
	 * the shared RAM with the v1 layout at +4 KiB written by the card.
	 */
	RTE_VMSG_PCIE_PROFILE_IVSHMEM = 1,
	/**
	 * QEMU virtio-msg-amp-pci, 10ee:9039: BAR0 registers (VERSION 0x00
	 * must read 1, NOTIFY[i] at 0x20 + 4i: any write makes the card drain
	 * FIFO i), BAR1 RAM with FIFO 0's queues (v1: the layout at +4 KiB,
	 * written by the card; v0: the driver queue at +4 KiB, the device
	 * queue at +8 KiB), BAR2 the MSI-X table, one vector per FIFO. BAR
	 * placement only; the layout is never guessed: v1 unless asked.
	 */
	RTE_VMSG_PCIE_PROFILE_AMP_PCI = 2,
	/**
	 * The AMD Versal "Sapphire" card, 10ee:9038: HOST placement only. The
	 * link in host DMA memory, v0 by default (the driver queue at the
	 * published address, the device queue 4 KiB after it), v1 on request;
	 * the address published through the BAR1 mailbox at
	 * RTE_VMSG_PCIE_VERSAL_MAILBOX; the doorbell at
	 * RTE_VMSG_PCIE_VERSAL_DOORBELL, read back after each write to flush it.
	 */
	RTE_VMSG_PCIE_PROFILE_VERSAL = 3,
};

/** Where the link and the virtqueues live (struct rte_vmsg_pcie_opts @c placement). */
enum rte_vmsg_pcie_placement {
	/** The profile's default: ivshmem and amp-pci BAR, versal HOST. */
	RTE_VMSG_PCIE_PLACEMENT_DEFAULT = 0,
	/**
	 * The link in the card's BAR, where the card writes the layout (the
	 * compatibility mode of QEMU's models): each frame costs the host BAR
	 * reads (the card's index, the frames it sent).
	 */
	RTE_VMSG_PCIE_PLACEMENT_BAR = 1,
	/**
	 * The link in host hugepage memory mapped for the card's DMA: this host
	 * writes the layout at the start of its DMA memory and publishes the
	 * address through the card's mailbox; it then polls only host memory
	 * and only writes to the card (doorbells, the mailbox): no BAR read on
	 * the data path (ARCHITECTURE.md §2.7).
	 */
	RTE_VMSG_PCIE_PLACEMENT_HOST = 2,
};

/**
 * ivshmem profile, BAR placement: where the card writes the v1 layout in
 * BAR2 (the first 4 KiB stay free, as QEMU's amp-pci models keep them).
 */
#define RTE_VMSG_PCIE_IVSHMEM_LINK_OFFSET 4096u
/**
 * ivshmem profile, BAR placement: the end of the link window in BAR2. The
 * card's layout must fit in
 * [RTE_VMSG_PCIE_IVSHMEM_LINK_OFFSET, RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET).
 */
#define RTE_VMSG_PCIE_IVSHMEM_DMA_OFFSET 65536u

/**
 * ivshmem profile, HOST placement: the mailbox this project defines for its
 * test card, three 32-bit little-endian words at this offset of BAR2: the
 * link's bus address (IOVA) low at +0, high at +4, then enable at +8,
 * written 1 last (after a write barrier). The card takes the address when
 * it sees enable 1 and writes enable back to 0. The same words as the
 * Versal mailbox (doc/pcie.md).
 */
#define RTE_VMSG_PCIE_IVSHMEM_MAILBOX 0u
/** Versal profile: the mailbox in BAR1 (address low, high, then enable = 1). */
#define RTE_VMSG_PCIE_VERSAL_MAILBOX 0x4000u
/** Versal profile: the host-to-card doorbell register in BAR1. */
#define RTE_VMSG_PCIE_VERSAL_DOORBELL 0x50000u
/** Mailbox words, as byte offsets from the mailbox. */
#define RTE_VMSG_PCIE_MBOX_ADDR_LO 0u
#define RTE_VMSG_PCIE_MBOX_ADDR_HI 4u
#define RTE_VMSG_PCIE_MBOX_ENABLE 8u
/** amp-pci profile: BAR0 registers. */
#define RTE_VMSG_PCIE_AMP_PCI_VERSION 0x00u
#define RTE_VMSG_PCIE_AMP_PCI_NOTIFY 0x20u
/** amp-pci profile: where FIFO 0's queues start in BAR1. */
#define RTE_VMSG_PCIE_AMP_PCI_LINK_OFFSET 4096u

/** The link's layout (struct rte_vmsg_pcie_opts @c layout). */
enum rte_vmsg_pcie_layout {
	/** The profile's: v1, but v0 for versal. */
	RTE_VMSG_PCIE_LAYOUT_DEFAULT = 0,
	/** The 2026 v1 virtio-msg-amp layout (header, queue heads, handshake). */
	RTE_VMSG_PCIE_LAYOUT_V1 = 1,
	/** The older v0 spsc layout: two 4 KiB queues, no header, no handshake. */
	RTE_VMSG_PCIE_LAYOUT_V0 = 2,
};

/** How each side learns that the other sent (struct rte_vmsg_pcie_opts @c notify). */
enum rte_vmsg_pcie_notify {
	/** Polling only: no doorbell write, no interrupt (ARCHITECTURE.md §1). */
	RTE_VMSG_PCIE_NOTIFY_POLL = 0,
	/**
	 * Doorbells: a register write host to card (ivshmem: Doorbell) after
	 * each frame sent, and an MSI-X vector card to host (an eventfd that
	 * rte_vmsg_pcie_wait() sleeps on).
	 */
	RTE_VMSG_PCIE_NOTIFY_EVENT = 1,
};

/**
 * Option flag: do not wait at all in rte_vmsg_pcie_open(): a card whose
 * layout is not written yet fails with -EAGAIN (open again later); a link
 * not up yet comes up in the bus poll (rte_vmsg_bus_connected() says when).
 */
#define RTE_VMSG_PCIE_F_NO_WAIT (1u << 0)
/**
 * Option flag: no VFIO_DEVICE_RESET at open and close (vfio-pci resets a
 * function that supports it on open and release anyway).
 */
#define RTE_VMSG_PCIE_F_NO_RESET (1u << 1)
/**
 * Option flag: the card sees host memory at its physical address (IOVA =
 * PA, read from /proc/self/pagemap as root and mapped with that IOVA): for
 * the project's test card in a QEMU guest, whose emulator reads guest RAM
 * at guest-physical offsets. The DMA memory must then be physically
 * contiguous (one hugepage at least as large as it; -ENOMEM otherwise).
 */
#define RTE_VMSG_PCIE_F_IOVA_PA (1u << 2)

/** Most BARs of a PCI function. */
#define RTE_VMSG_PCIE_MAX_BARS 6u

/** Options of rte_vmsg_pcie_open(); zero-initialise, then set @c sz. */
struct rte_vmsg_pcie_opts {
	size_t sz;	    /**< sizeof(struct rte_vmsg_pcie_opts) */
	uint32_t profile;   /**< enum rte_vmsg_pcie_profile; 0: by PCI ID */
	uint32_t placement; /**< enum rte_vmsg_pcie_placement; 0: the profile's default */
	uint32_t notify;    /**< enum rte_vmsg_pcie_notify; 0: polling only */
	uint32_t flags;	    /**< RTE_VMSG_PCIE_F_* */
	/**
	 * Link queue sizes. The side that writes the layout chooses them. BAR
	 * placement (the card writes it): what this host expects, 0 takes what
	 * the card wrote, non-zero must equal it (-EPROTO). HOST placement v1
	 * (this host writes it): what it lays out, 0: 64 elements of 64 bytes.
	 * v0: fixed, 0 or 62 elements of 64 bytes.
	 */
	uint32_t num_elems; /**< elements per direction, 2..65535; 0: any */
	uint32_t elem_size; /**< bytes per element, a power of two, 64..32768; 0: any */
	/** The payload profile the card speaks (enum rte_vmsg_payloads); 0: v2. */
	uint32_t payloads;
	/**
	 * ivshmem: the card's peer ID, the one Doorbell writes go to (the
	 * ivshmem server's first client, ID 0, by default). Other profiles: 0.
	 */
	uint32_t peer_id;
	/** ivshmem: the card's interrupt vector that Doorbell writes raise; 0 by default. */
	uint32_t peer_vector;
	/** The host's MSI-X vector the card raises after sending; 0 by default. */
	uint32_t msix_vector;
	/**
	 * Bytes of the DMA area (virtqueues and buffers) in host hugepage
	 * memory; 0: 2 MiB less the link (HOST placement), 2 MiB (BAR). At
	 * most 1 GiB.
	 */
	uint64_t dma_size;
	uint32_t max_inflight; /**< of the bus endpoint (rte_vmsg_bus_opts); 0: its default */
	uint32_t layout;       /**< enum rte_vmsg_pcie_layout; 0: the profile's */
	uint64_t timeout_ns;   /**< per-request timeout of the bus endpoint; 0: its default */
	/**
	 * How long rte_vmsg_pcie_open() waits for the card's layout and then
	 * the link (the card's side running too); 0: 10 s. Must be 0 with
	 * RTE_VMSG_PCIE_F_NO_WAIT.
	 */
	uint64_t wait_ns;
	/** Optional: asked about every millisecond while waiting; non-zero stops it. */
	int (*cancel)(void *arg);
	void *cancel_arg; /**< passed to @c cancel */
	/**
	 * The bus endpoint's keepalive (rte_vmsg_bus_opts.peer_timeout_ms): a
	 * card that stops answering for this many milliseconds is taken for
	 * lost; 0: off.
	 */
	uint32_t peer_timeout_ms;
};

/** What rte_vmsg_pcie_info() reports about an open card. */
struct rte_vmsg_pcie_info {
	size_t sz;	       /**< sizeof(struct rte_vmsg_pcie_info), set by the caller */
	char bdf[16];	       /**< the PCI address, e.g. "0000:00:03.0" */
	uint16_t vendor_id;    /**< PCI vendor ID */
	uint16_t device_id;    /**< PCI device ID */
	uint32_t profile;      /**< enum rte_vmsg_pcie_profile in use */
	uint32_t placement;    /**< enum rte_vmsg_pcie_placement in use */
	uint32_t notify;       /**< enum rte_vmsg_pcie_notify in use */
	uint32_t msix_vectors; /**< MSI-X vectors the function has (0 without MSI-X) */
	uint32_t iv_position;  /**< ivshmem: this host's own peer ID (IVPosition); else 0 */
	uint64_t bar_size[RTE_VMSG_PCIE_MAX_BARS]; /**< bytes of each BAR, 0 when absent */
	uint64_t link_offset; /**< BAR: offset in the BAR; HOST: the bus address (IOVA) */
	uint64_t link_size;   /**< bytes of the link layout */
	uint32_t layout;      /**< enum rte_vmsg_pcie_layout in use (never DEFAULT) */
	uint32_t link_bar;    /**< BAR placement: the BAR holding the link; HOST: UINT32_MAX */
};

/** Counters of an open card. */
struct rte_vmsg_pcie_stats {
	/**
	 * Reads and writes of each BAR made through the lib/mem I/O accessors,
	 * since the card was opened: registers, doorbells, the mailbox, and in
	 * the BAR placement the link. Doorbell read-backs are among the reads
	 * and also in @c doorbell_readbacks.
	 */
	uint64_t bar_reads[RTE_VMSG_PCIE_MAX_BARS];
	uint64_t bar_writes[RTE_VMSG_PCIE_MAX_BARS]; /**< see @c bar_reads */
	uint64_t doorbells;			     /**< doorbell register writes (host to card) */
	/** Reads of the doorbell register after a write, to flush it (versal). */
	uint64_t doorbell_readbacks;
	/** HOST placement: times the link address was written to the card's mailbox. */
	uint64_t publishes;
	/** Times the link broke on a value from the card that cannot be (rte_vmsg_bus_amp_stats). */
	uint64_t link_breaks;
	uint64_t link_recoveries; /**< broken links that met the card's new start */
	/** Wake-ups of rte_vmsg_pcie_wait(): MSI-X interrupts, or frames found while polling. */
	uint64_t interrupts;
	uint64_t req_notified; /**< the kernel asked for the device back (REQ notifier) */
};

/** An open card (opaque). */
struct rte_vmsg_pcie;

/**
 * Checks a PCI address, "DDDD:BB:DD.F" or "BB:DD.F" (domain 0; hex digits,
 * device at most 0x1f, function at most 7), and writes it in the kernel's
 * form ("0000:00:03.0", lower case) to @p out: what rte_vmsg_pcie_open()
 * takes, for a front end to check its arguments before.
 *
 * @return 0; -EINVAL for NULL arguments or a malformed address.
 */
RTE_VMSG_API int rte_vmsg_pcie_addr_parse(const char *bdf, char out[16]);

/**
 * Whether the function at @p bdf is bound to vfio-pci, read from sysfs
 * (its driver link) and said nowhere: for a program whose card the kernel
 * took back (rte_vmsg_pcie_release_requested()) to wait quietly until it is
 * bound again before rte_vmsg_pcie_open(), which says at length why it
 * fails. Says nothing of the IOMMU group or of who has the device open.
 *
 * Concurrency: any thread; a few system calls.
 *
 * @return 1 when bound to vfio-pci; 0 when bound to another driver or to
 *         none, or when there is no such function; -EINVAL for NULL or a
 *         malformed address.
 */
RTE_VMSG_API int rte_vmsg_pcie_bound(const char *bdf);

/**
 * Opens a card by PCI address and brings its link up: the VFIO container,
 * group and device, the profile (by PCI ID, or the one asked for, which the
 * ID must fit), a reset where the device offers it, bus mastering, the BARs
 * the profile uses mapped (registered as lib/mem regions flagged
 * RTE_VMSG_REGION_F_IO), the MSI-X vector and the REQ notifier armed, the
 * DMA memory allocated and mapped, the link attached in the driver role
 * (BAR placement: the card writes the layout; HOST: this host writes it in
 * its DMA memory and publishes its address in the card's mailbox, again
 * each time the link is down for 100 ms, as a card that reset waits for
 * it), the bus endpoint created, and a bounded wait for the card's layout
 * and the link.
 *
 * Every failure logs one line naming the step and the fix (a device not
 * bound to vfio-pci, with the sysfs commands that bind it; a group not
 * viable, with the other devices in it; no IOMMU; no hugepages; a BAR
 * smaller than the profile needs). Install a log hook (rte_vmsg_log_set())
 * to see them: the library is silent by default.
 *
 * Concurrency: setup; blocking up to @c wait_ns (naps of 50 us to 1 ms).
 *
 * @param bdf   PCI address, "DDDD:BB:DD.F" or "BB:DD.F" (domain 0)
 * @param opts  options (NULL: defaults)
 * @param out   receives the card; NULL on failure
 * @return 0;
 *         -EINVAL for NULL @p bdf or @p out, a malformed address, a bad
 *         @c sz, unknown non-zero bytes or flags, an unknown profile,
 *         placement or notify mode, @c wait_ns with RTE_VMSG_PCIE_F_NO_WAIT,
 *         @c num_elems or @c elem_size outside the link's limits;
 *         -ENODEV when there is no such device, it is not bound to vfio-pci,
 *         it has no IOMMU group (IOMMU off), or the kernel asked for it
 *         back (an unbind, a hot unplug) while the open waited;
 *         -EBUSY when the group is not viable or already in use;
 *         -ENOENT when /dev/vfio/vfio is missing (vfio-pci is not loaded);
 *         -EACCES, -EPERM when /dev/vfio is not accessible;
 *         -ENOTSUP when the profile does not fit the card (amp-pci: its
 *         VERSION register is not 1), or does not offer the placement,
 *         layout or notify mode
 *         (a card without MSI-X asked for NOTIFY_EVENT);
 *         -ENOSPC when a BAR is smaller than the profile needs or the DMA
 *         area does not fit;
 *         -ENOMEM (no hugepages for the HOST placement included);
 *         -EAGAIN when the card has not written its layout (in time);
 *         -EPROTO for an invalid layout, queue sizes that differ from the
 *         options, or a malformed VFIO capability chain;
 *         -ETIMEDOUT when the link did not come up in time;
 *         -ECANCELED when @c cancel said so;
 *         -EIO when the link broke while coming up;
 *         other negative errno values of the VFIO ioctls.
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_pcie_open(const char *bdf,
						  const struct rte_vmsg_pcie_opts *opts,
						  struct rte_vmsg_pcie **out);

/**
 * Closes a card: the bus endpoint (its requests in flight complete with
 * -ECANCELED), the link (its queue head goes SHUTDOWN), interrupts off, bus
 * mastering off, the BARs unmapped, DMA unmapped, the device, group and
 * container closed. Nothing obtained from the card may be used after.
 *
 * @param card  the card; NULL does nothing
 */
RTE_VMSG_API RTE_VMSG_COLD void rte_vmsg_pcie_close(struct rte_vmsg_pcie *card);

/**
 * Closes a card as rte_vmsg_pcie_close() does, but keeps its DMA memory
 * (the area rte_vmsg_pcie_dma() describes, and in the HOST placement the
 * link before it) mapped in this process: unmapped from the IOMMU (the
 * card can no longer reach it), at the same address, the caller's to read
 * and to free with rte_vmsg_region_destroy(). For buffers still in use
 * after the card is gone, e.g. zero-copy mbufs the application holds while
 * the card restarts. rte_vmsg_region_addr() of @p dma is where the memory
 * starts (before the area, in the HOST placement).
 *
 * Concurrency: setup; as rte_vmsg_pcie_close().
 *
 * @param card  the card
 * @param dma   receives the DMA memory; NULL on failure
 * @return 0; -EINVAL for NULL @p card or @p dma (a NULL @p card is not closed).
 */
RTE_VMSG_API RTE_VMSG_COLD int rte_vmsg_pcie_close_keep_dma(struct rte_vmsg_pcie *card,
							    struct rte_vmsg_region **dma);

/**
 * The driver-role bus endpoint over the card's link, owned by the card.
 *
 * @param card  the card
 * @return the bus, or NULL for NULL @p card.
 */
RTE_VMSG_API struct rte_vmsg_bus *rte_vmsg_pcie_bus(const struct rte_vmsg_pcie *card);

/**
 * The DMA area for virtqueues and buffers: its local address, the bus
 * address the card sees it at (the IOVA: what SET_VQUEUE and descriptors
 * carry) and its size. Any output pointer may be NULL. Host hugepage
 * memory in both placements.
 *
 * @return 0; -EINVAL for NULL @p card.
 */
RTE_VMSG_API int rte_vmsg_pcie_dma(const struct rte_vmsg_pcie *card, void **addr,
				   uint64_t *bus_addr, uint64_t *size);

/**
 * Sleeps until the card signals (its MSI-X vector), a frame is there to
 * read, @p timeout_ns passes or a signal comes; polls with naps in polling
 * mode. Run the bus poll after.
 *
 * Concurrency: the thread that runs the bus. Blocking.
 *
 * @return 1 when something can be read (or the link broke); 0 on timeout
 *         or while the link is not up; -EINTR; -EINVAL for NULL @p card.
 */
RTE_VMSG_API int rte_vmsg_pcie_wait(struct rte_vmsg_pcie *card, uint64_t timeout_ns);

/**
 * Whether the kernel asked for the device back (the VFIO REQ notifier: an
 * unbind or a hot unplug is waiting). The bus then reports the peer lost;
 * the application must stop using the card and close it soon: the kernel
 * waits for the close. Opening it again before it is bound to vfio-pci
 * once more fails: rte_vmsg_pcie_bound() says when it is.
 *
 * Concurrency: the thread that runs the bus (it reads the notifier, an
 * eventfd, once; nothing else of the card is touched).
 *
 * @return 1 when asked, 0 otherwise; -EINVAL for NULL @p card.
 */
RTE_VMSG_API int rte_vmsg_pcie_release_requested(struct rte_vmsg_pcie *card);

/**
 * Describes the open card.
 *
 * @param card  the card
 * @param info  receives the description; set its @c sz first
 * @return 0; -EINVAL for NULL arguments or a bad @c sz.
 */
RTE_VMSG_API int rte_vmsg_pcie_info(const struct rte_vmsg_pcie *card,
				    struct rte_vmsg_pcie_info *info);

/**
 * Copies the counters.
 *
 * @return 0; -EINVAL for NULL arguments.
 */
RTE_VMSG_API int rte_vmsg_pcie_stats_get(const struct rte_vmsg_pcie *card,
					 struct rte_vmsg_pcie_stats *st);

/**
 * The profile of a name: "auto", "ivshmem", "amp-pci" or "versal" (for
 * command lines).
 *
 * @return the enum rte_vmsg_pcie_profile value (≥ 0); -EINVAL for NULL or
 *         an unknown name.
 */
RTE_VMSG_API int rte_vmsg_pcie_profile_from_name(const char *name);

/** The name of a profile ("auto", "ivshmem", ...), or NULL for an unknown value. */
RTE_VMSG_API const char *rte_vmsg_pcie_profile_name(uint32_t profile);

#ifdef __cplusplus
}
#endif

#endif /* RTE_VMSG_PCIE_H */
