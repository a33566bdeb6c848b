/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vmsg-fwd: the packet forwarder's shared declarations (ports, streams,
 * forwarding threads, counters). No DPDK header here: port_dpdk.c keeps them.
 */

#ifndef VMSG_FWD_H
#define VMSG_FWD_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#include <rte_vmsg_bus.h>
#include <rte_vmsg_mem.h>
#include <rte_vmsg_net.h>

#define FWD_NAME "vmsg-fwd"
#define FWD_VERSION "0.1.0"

#define FWD_MAX_PORTS 16u
#define FWD_MAX_QP RTE_VMSG_NET_MAX_QP
#define FWD_MAX_BURST 32u
#define FWD_MAX_THREADS 256u
#define FWD_PATH_MAX 256u

/* Exit statuses. */
#define FWD_EXIT_OK 0
#define FWD_EXIT_FAIL 1
#define FWD_EXIT_USAGE 2

enum fwd_mode {
	FWD_MODE_IO = 0,      /* packets as they are */
	FWD_MODE_MACSWAP = 1, /* Ethernet destination and source swapped */
	FWD_MODE_TXONLY = 2,  /* generate packets on every port, receive nothing */
	FWD_MODE_RXONLY = 3,  /* receive and free, transmit nothing */
};

/* The bus under a vmsg port. */
enum fwd_bus_kind {
	FWD_BUS_SHM = 0,  /* the project's shm bus file (bus page, link, DMA area) */
	FWD_BUS_AMP = 1,  /* a bare AMP link on a plain file (a QEMU ivshmem BAR, ...) */
	FWD_BUS_PCIE = 2, /* a PCIe card through VFIO (drivers/pcie_amp; driver role) */
};

/* mem= files a bus=amp port may name. */
#define FWD_MAX_MEM 8u

enum fwd_port_kind {
	FWD_PORT_VMSG = 0,
	FWD_PORT_DPDK = 1,
};

/* Where a driver-role port is in its bring-up (main thread only). */
enum fwd_drv_state {
	FWD_DRV_ATTACH = 0, /* no file mapped: attach it (retried) */
	FWD_DRV_LINK = 1,   /* file mapped, waiting for the link to come up */
	FWD_DRV_UP = 2,	    /* the virtio-net driver is up */
};

/*
 * Counters of one queue pair of one port. One writer: the forwarding thread
 * that owns the pair (relaxed atomic stores), or the main thread while that
 * thread is paused (a driver-role port's library counters folded before its
 * handle goes: the pause handshake orders the two); the main thread reads
 * them with relaxed atomic loads for the statistics.
 */
struct fwd_qstats {
	uint64_t rx_pkts;  /* packets received from this port's queue */
	uint64_t rx_bytes; /* their bytes (frame, no virtio-net header) */
	uint64_t tx_pkts;  /* packets the port took on this queue */
	uint64_t tx_bytes;
	uint64_t drops;	 /* packets for this port dropped: no room after the retries */
	uint64_t broken; /* the library's broken count of the pair's two queues */
	uint64_t errors; /* the library's malformed-packet count of the two queues */
	/* the owner's (as above): the library values last folded in, of the handle in use */
	uint64_t lib_broken, lib_errors, lib_drops;
} __attribute__((aligned(64)));

struct fwd_dpdk_port;
struct rte_vmsg_pcie;

/* A port: its configuration (from the command line) and its run-time state. */
struct fwd_pcie_opener;

struct fwd_port {
	/* configuration */
	uint32_t index;
	uint32_t kind; /* enum fwd_port_kind */
	uint32_t role; /* RTE_VMSG_BUS_DEVICE or RTE_VMSG_BUS_DRIVER */
	char file[FWD_PATH_MAX];
	char spec[FWD_PATH_MAX]; /* the --port argument, for messages */
	uint32_t qp;
	uint32_t qsize;
	uint32_t notify;   /* enum rte_vmsg_net_notify */
	uint64_t ring_off; /* ring=, in_order=: RING_PACKED, IN_ORDER left out of the features */
	uint64_t
		ring_on; /* ring=, in_order=: of them, those a driver port wants beyond its default */
	uint16_t mtu;
	uint16_t dev_num;
	uint8_t mac[6];
	int have_mac;
	int zerocopy; /* device role: a DMA area with room for a zero-copy driver's mbufs */
	int peer;     /* the port its packets go to; -1: not set */
	int numa;     /* NUMA node of the port's memory (numa=, else --numa-node); -1: not bound */
	char dpdk_name[FWD_PATH_MAX];
	/* vmsg ports, bus=amp: a bare AMP link on a plain file (no bus page). */
	uint32_t bus_kind;	  /* enum fwd_bus_kind */
	uint64_t offset;	  /* offset=: where the layout starts in the file */
	uint64_t size;		  /* size=: creates a missing file of this size; 0: must exist */
	uint32_t esize;		  /* esize=: element size, for the side that writes the layout */
	uint32_t elems;		  /* elems=: elements per direction, likewise; 0: as many as fit */
	uint32_t payloads;	  /* payloads=: enum rte_vmsg_payloads */
	uint32_t peer_timeout_ms; /* peer_timeout=: a hung peer taken for lost after it; 0: off */
	uint32_t layout;	  /* layout=: enum rte_vmsg_amp_layout */
	uint32_t nmem;		  /* mem= given */
	char mem[FWD_MAX_MEM][FWD_PATH_MAX]; /* the peer's memory files */
	uint64_t mem_base[FWD_MAX_MEM];	     /* bus address of offset 0 of each */

	/* pcie ports (bus_kind FWD_BUS_PCIE; file holds the PCI address): */
	uint32_t pcie_profile;	 /* profile=: enum rte_vmsg_pcie_profile */
	uint32_t pcie_placement; /* placement=: enum rte_vmsg_pcie_placement */
	uint32_t pcie_notify;	 /* notify=: enum rte_vmsg_pcie_notify (the card's doorbells) */
	uint32_t pcie_layout;	 /* layout=: enum rte_vmsg_pcie_layout */
	int pcie_iova_pa;	 /* iova=pa: RTE_VMSG_PCIE_F_IOVA_PA */

	/* vmsg run-time state (main thread, except the handles the pair threads call) */
	struct rte_vmsg_bus_shm *shm;
	struct fwd_amp_end *amp;	/* bus=amp */
	struct rte_vmsg_pcie *card;	/* pcie: */
	struct fwd_pcie_opener *opener; /* pcie: an open in its own thread (port_pcie.c) */
	struct rte_vmsg_bus *bus;
	struct rte_vmsg_net_dev *ndev;
	struct rte_vmsg_net_drv *ndrv;
	char path[FWD_PATH_MAX]; /* the file as mapped */
	int created;		 /* the file is ours (device role) */
	uint32_t drv_state;	 /* enum fwd_drv_state */
	uint64_t next_try_ns;	 /* driver role: next attach or bring-up attempt */
	uint64_t file_dev;	 /* driver role, shm and amp: the file attached (stat() after */
	uint64_t file_ino;	 /* the mapping; 0: unknown, so always attached again) */
	int waiting_said;	 /* a "waiting for" line was printed */
	int released;		 /* pcie: the kernel took the card back; open once bound again */
	int connected;		 /* last rte_vmsg_bus_connected() seen */
	int driver_ok;		 /* device role: last DRIVER_OK seen */
	uint64_t peer_lost_seen; /* bus stats peer_lost at the last look */
	uint64_t peer_losses;	 /* peers lost (died, restarted, left) */
	uint64_t resets;	 /* driver role: resets after DEVICE_NEEDS_RESET */
	uint64_t reconnects;	 /* driver role: bring-ups after the first */
	uint64_t ups;		 /* bring-ups done */
	uint32_t mtu_warned;	 /* driver role: the device MTU last said too big for the buffers */
	int init_rc;		 /* driver role: the last failed bring-up's error; 0: none */
	uint64_t init_wait_ns;	 /* driver role: the wait after it (doubles while it repeats) */

	/*
	 * Whether the pair threads may use the port. Written by the main
	 * thread only while every pair thread is paused (fwd_pause()), read by
	 * the pair threads: the pause handshake orders the accesses.
	 */
	int up;

	/* DPDK */
	struct fwd_dpdk_port *dp;

	struct fwd_qstats qs[FWD_MAX_QP];
};

/* One direction of traffic: a queue pair of one port to the same pair of another. */
struct fwd_stream {
	struct fwd_port *in, *out;
	uint32_t q;
	uint32_t held;	/* packets received and not yet taken by the out port */
	uint32_t off;	/* the first of them */
	uint32_t tries; /* failed attempts to send the held packets */
	/*
	 * Both ports device-role vmsg ports, mode io or macswap: the stream
	 * moves packets with rte_vmsg_net_dev_forward_burst() (one copy, no
	 * packet held here) instead of a receive and a send.
	 */
	int one_copy;
	struct rte_vmsg_net_pkt pkts[FWD_MAX_BURST];
	uint8_t *bufs; /* FWD_MAX_BURST buffers of cap bytes */
};

/* A forwarding thread: queue pair q of one port pair (both directions). */
struct fwd_thread {
	pthread_t tid;
	int cpu;
	int started;
	uint32_t q;
	uint32_t nstreams;
	struct fwd_stream st[2];
	uint64_t seq; /* txonly: packets generated */
	/* The pause generation this thread last acknowledged (R2, see fwd.c). */
	uint32_t ack __attribute__((aligned(64)));
	uint32_t done;
	uint8_t pad[56];
};

/* The run's configuration and state. */
struct fwd_cfg {
	struct fwd_port ports[FWD_MAX_PORTS];
	uint32_t nports;
	uint32_t mode; /* enum fwd_mode */
	uint32_t burst;
	uint32_t retries;
	uint32_t idle_us;
	uint32_t txpkt_len;
	uint32_t buf_cap; /* bytes of each packet buffer */
	double stats_period;
	double duration;
	const char *hugepages; /* "auto", "none" or "require" */
	int numa_node;	       /* --numa-node: the default of numa=; -1: not given */
	int keep;
	int quiet;
	int cpus[FWD_MAX_THREADS];
	uint32_t ncpus;
	int have_cpus;
	struct fwd_thread *threads;
	uint32_t nthreads;
	/* DPDK */
	int dpdk_argc;
	char **dpdk_argv;
	char *dpdk_words; /* the --dpdk string, split in place */
	int dpdk_on;
};

/* Global stop flag and pause generation (odd: paused), see fwd.c. */
extern uint32_t fwd_stop;
extern uint32_t fwd_pause_gen;
/* The configuration the pair threads read (set before they start). */
extern struct fwd_cfg *fwd_cfg_global;
/*
 * main.c: non-zero once SIGINT or SIGTERM came; the cancel of the driver
 * handles, so that a bring-up or reset waiting for a slow device ends at once.
 */
int fwd_interrupted(void *arg);

static inline uint64_t fwd_load(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

static inline void fwd_add(uint64_t *p, uint64_t v)
{
	/* One writer: a relaxed load and store, no locked instruction. */
	__atomic_store_n(p, __atomic_load_n(p, __ATOMIC_RELAXED) + v, __ATOMIC_RELAXED);
}

/* cli.c: fills @p cfg from the command line; 0, 1 (--help, --version: done) or -FWD_EXIT_*. */
int fwd_parse_args(struct fwd_cfg *cfg, int argc, char **argv);

/* stats.c */
void fwd_print_stats(const struct fwd_cfg *cfg, double elapsed, double dt);
void fwd_print_final(const struct fwd_cfg *cfg, double elapsed);

/* fwd.c: the pair threads */
int fwd_threads_start(struct fwd_cfg *cfg);
void fwd_threads_stop(struct fwd_cfg *cfg);
void fwd_pause(struct fwd_cfg *cfg);
void fwd_resume(struct fwd_cfg *cfg);

/* port_vmsg.c */
int fwd_vmsg_open(struct fwd_cfg *cfg, struct fwd_port *p);
/*
 * port_amp.c, bus=amp: maps the link file (creating it with size=) and the
 * mem= files, makes the amp end and the bus. 0; -ENOENT (no such file);
 * -EAGAIN (driver: the layout is not written yet); another -errno (said).
 */
int fwd_amp_open(const struct fwd_cfg *cfg, struct fwd_port *p);
void fwd_amp_close(struct fwd_port *p);
/* The driver's DMA area: the first mem= file (its local address, bus address, size). */
void fwd_amp_dma(const struct fwd_port *p, void **addr, uint64_t *bus_addr, uint64_t *size);
/*
 * port_pcie.c, pcie:BDF: opens the card (rte_vmsg_pcie_open(), not
 * waiting) and takes its bus. 0; -EAGAIN (the card has not written its
 * layout yet: retry); -ENOTSUP (built without drivers/pcie_amp); another
 * -errno (the library logged why). At start-up: a card set up wrong fails
 * at once.
 */
int fwd_pcie_open(const struct fwd_cfg *cfg, struct fwd_port *p);
/*
 * The control path's open: in a thread of its own, which waits up to
 * FWD_PCIE_WAIT_NS for the card's layout and then for the link (cancelled
 * by SIGINT or fwd_pcie_close()), rather than opening and closing (each a
 * reset of the card) five times a second. -EINPROGRESS while it runs;
 * then its result, as fwd_pcie_open()'s.
 */
int fwd_pcie_open_async(struct fwd_port *p);
/* What a card's DMA area may be (rte_vmsg_pcie_opts.dma_size). */
#define FWD_PCIE_DMA_MAX (1ull << 30)
/* The DMA area a pcie: port asks of the card for its qp and qsize. */
uint64_t fwd_pcie_dma_bytes(const struct fwd_port *p);
/* Closes the card, or gives up an open in progress (and closes what it opened). */
void fwd_pcie_close(struct fwd_port *p);
/* The card's DMA area (its local address, bus address, size). */
void fwd_pcie_dma(const struct fwd_port *p, void **addr, uint64_t *bus_addr, uint64_t *size);
/* 1 when the kernel asked for the open card back (an unbind, a hot unplug). */
int fwd_pcie_released(const struct fwd_port *p);
/* 1 when the port's function is bound to vfio-pci (quiet). */
int fwd_pcie_bound(const struct fwd_port *p);
/* Whether this vmsg-fwd was built with drivers/pcie_amp. */
int fwd_pcie_available(void);
/* A pcie: port's address, checked and in the kernel's form (16 bytes at @p out); -EINVAL. */
int fwd_pcie_addr(const char *in, char *out);
/* The port's control path; returns non-zero while it wants frequent calls. */
int fwd_vmsg_control(struct fwd_cfg *cfg, struct fwd_port *p, uint64_t now);
void fwd_vmsg_close(struct fwd_cfg *cfg, struct fwd_port *p);
const char *fwd_vmsg_state(const struct fwd_port *p);
int fwd_vmsg_rx(struct fwd_port *p, uint32_t q, struct rte_vmsg_net_pkt *pkts, uint32_t n);
/*
 * Packets the port took (>= 0; -EMSGSIZE, -EIO...), with in *@p sent and
 * *@p bytes those it delivered (a device-role port's library drops some it
 * takes: counted in its own drops or errors).
 */
int fwd_vmsg_tx(struct fwd_port *p, uint32_t q, const struct rte_vmsg_net_pkt *pkts, uint32_t n,
		uint64_t *sent, uint64_t *bytes);
void fwd_vmsg_lib_stats(struct fwd_port *p, uint32_t q);
/* Whether in -> out can use fwd_vmsg_forward() (both device-role vmsg ports). */
int fwd_vmsg_one_copy(const struct fwd_port *in, const struct fwd_port *out, uint32_t buf_cap);
int fwd_vmsg_forward(struct fwd_port *in, struct fwd_port *out, uint32_t q, uint32_t n,
		     uint32_t flags, struct rte_vmsg_net_fwd_result *res);

/* port_dpdk.c (or its stubs without DPDK) */
int fwd_dpdk_available(void);
/*
 * The largest frame a DPDK port carries: one mbuf's data room, a 16-bit
 * count that holds the headroom too (65407 in DPDK's default build).
 */
uint32_t fwd_dpdk_frame_max(void);
int fwd_dpdk_init(int argc, char **argv);
void fwd_dpdk_fini(void);
int fwd_dpdk_open(struct fwd_port *p, uint32_t buf_cap);
void fwd_dpdk_close(struct fwd_port *p);
int fwd_dpdk_rx(struct fwd_port *p, uint32_t q, struct rte_vmsg_net_pkt *pkts, uint32_t n);
int fwd_dpdk_tx(struct fwd_port *p, uint32_t q, const struct rte_vmsg_net_pkt *pkts, uint32_t n);
/* Packets the device dropped or failed on (imissed + ierrors + oerrors), or 0. */
uint64_t fwd_dpdk_hw_drops(const struct fwd_port *p);

/* time */
uint64_t fwd_now_ns(void);

#endif /* VMSG_FWD_H */
