/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vm-pmd: the test card (tools/vmsg-card) driven by a DPDK application
 * through the ethdev API alone, its port a net_vmsg vdev with bus=pcie: the
 * PMD opens the card through vfio-pci (drivers/pcie_amp) and drives its
 * virtio-net device. Run in the vm suite's guest (dynamically linked: the
 * harness copies its libraries into the initramfs).
 *
 *   vm-pmd --card BDF|--vdev DEVARGS [--count N] [--seed S] [--notify poll|event]
 *          [--timeout S] [--cue NAME] [--peer-timeout MS] [--unbind]
 *          [--zerocopy] [--qsize N] [--hold] [--starve]
 *
 * --vdev: the port's whole vdev string instead (net_vmsg0,...): the card
 * then lies behind it, e.g. a vmsg-fwd between this port and the card.
 *
 * One round of the card's traffic (tools/vmsg_card_frames.h): START, then N
 * DATA frames each way, every frame the card sends checked byte by byte
 * here and in order, then the card's VERDICT on ours (all good, none bad).
 * A card that restarts under the port, or hangs past --peer-timeout (the
 * PMD's peer_timeout=, the bus keepalive), shows as the port's peer lost
 * and its link down, then up again: the round starts over on the card.
 * --cue NAME prints "VMSYNC NAME" halfway through the round and then holds
 * its frames back until such a recovery (the host restarts the card on the
 * cue), which the run then requires.
 *
 * --unbind (with --card): at the cue, a thread of this program asks the
 * kernel for the card back as an operator would (its driver's unbind file:
 * the write returns once the port has closed the card), checks that it is
 * on no driver, waits a second and binds it to vfio-pci again
 * (drivers_probe; its driver_override is still vfio-pci). The port must
 * open it again by itself and the round start over.
 *
 * --zerocopy: the port's zerocopy=1 (its receive mbufs in the card's DMA
 * memory); --qsize: the port's qsize= (128 by default). --hold (with
 * --zerocopy and --cue): the last burst received before the cue is kept
 * across the card's restart, its bytes checked once the link is back (the
 * port closed the card, and its DMA memory must stay readable while
 * mbufs over it are out), then freed. --starve (with --cue): from the
 * cue, a thread of this program takes every hugepage of the guest that
 * is or becomes free (the old card's DMA memory too, once the port frees
 * it: the port opens the card again 200 ms later). With --hold it keeps
 * them to the end (the thread stopped first), so that the held mbufs'
 * memory is the only memory the card's next open could have: the held
 * burst is checked and freed 2 s after the card went away, and the port
 * must open the card then, without trying before. Without --hold, it gives
 * them back 3 s after the card went away, and the port, which found no
 * memory meanwhile, must open the card then (its tries in between backing
 * off).
 *
 * Exit 0 and "vm-pmd: ok" when the round passed; 1 with one line saying
 * what failed; 2 for a usage error.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "vmsg_card_frames.h"

#define NAME "vm-pmd"
#define BURST 32u
#define PORT 0

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static __attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	va_list ap;

	printf(NAME ": FAIL: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(1);
}

static uint64_t xstat(const char *name)
{
	uint64_t id, v = 0;

	if (rte_eth_xstats_get_id_by_name(PORT, name, &id) == 0)
		rte_eth_xstats_get_by_id(PORT, &id, &v, 1);
	return v;
}

/* Writes @p text to the sysfs file @p path; 0 or -errno. */
static int sysfs_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		rc = -errno;
	close(fd);
	return rc;
}

/*
 * --unbind: the card taken from vfio-pci under the running port and given
 * back a second later. A failure here ends the program (fail()).
 */
static void *unbind_main(void *arg)
{
	const char *bdf = arg;
	char path[256], link[256];
	uint64_t t0 = now_ns();
	ssize_t n;
	int rc;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver/unbind", bdf);
	rc = sysfs_write(path, bdf);
	if (rc < 0)
		fail("unbind: writing %s: %s", path, strerror(-rc));
	printf(NAME ": unbind: the kernel had the card back in %" PRIu64 " ms\n",
	       (now_ns() - t0) / 1000000u);
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", bdf);
	n = readlink(path, link, sizeof(link) - 1);
	if (n >= 0) {
		link[n] = '\0';
		fail("unbind: the card is still bound (%s)", link);
	}
	sleep(1);
	rc = sysfs_write("/sys/bus/pci/drivers_probe", bdf);
	if (rc < 0)
		fail("unbind: drivers_probe: %s", strerror(-rc));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0 || (link[n] = '\0', strstr(link, "/vfio-pci") == NULL))
		fail("unbind: the card is not on vfio-pci again");
	printf(NAME ": unbind: bound to vfio-pci again\n");
	return NULL;
}

/*
 * --starve: a thread maps every 2 MiB hugepage that is free, one at a
 * time, and any that becomes free (every 5 ms), until told to stop.
 */
#define STARVE_MAX 512u
static void *starved[STARVE_MAX];
static uint32_t nstarved, starve_stop;

static void *starve_main(void *arg)
{
	(void)arg;
	while (!__atomic_load_n(&starve_stop, __ATOMIC_ACQUIRE)) {
		void *p = nstarved < STARVE_MAX
				  ? mmap(NULL, 2u << 20, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_POPULATE,
					 -1, 0)
				  : MAP_FAILED;

		if (p != MAP_FAILED) {
			starved[nstarved] = p;
			__atomic_store_n(&nstarved, nstarved + 1, __ATOMIC_RELEASE);
		} else {
			usleep(5000);
		}
	}
	return NULL;
}

/* --hold: the held mbufs' bytes as they were received, then the mbufs freed. */
static void held_release(struct rte_mbuf **held, uint32_t nheld, const uint8_t *copy, uint32_t seed,
			 const char *when)
{
	uint32_t i;

	for (i = 0; i < nheld; i++)
		if (memcmp(rte_pktmbuf_mtod(held[i], const uint8_t *),
			   copy + (size_t)i * VMSG_CARD_MAX_LEN, held[i]->pkt_len) != 0)
			fail("round %u: held mbuf %u changed across the card's restart", seed, i);
	printf(NAME ": held %u zero-copy mbufs across the card's restart, their bytes intact%s\n",
	       nheld, when);
	rte_pktmbuf_free_bulk(held, nheld);
}

/* Sends one frame of @p len bytes from @p buf; 1 when the port took it. */
static int send_one(struct rte_mempool *mp, const uint8_t *buf, uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	char *d;

	if (m == NULL)
		fail("no mbuf");
	d = rte_pktmbuf_append(m, (uint16_t)len);
	if (d == NULL)
		fail("an mbuf too small for %u bytes", len);
	memcpy(d, buf, len);
	if (rte_eth_tx_burst(PORT, 0, &m, 1) == 1)
		return 1;
	rte_pktmbuf_free(m);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "card", required_argument, NULL, 'c' },
		{ "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "notify", required_argument, NULL, 'N' },
		{ "timeout", required_argument, NULL, 't' },
		{ "cue", required_argument, NULL, 'q' },
		{ "vdev", required_argument, NULL, 'v' },
		{ "peer-timeout", required_argument, NULL, 'P' },
		{ "unbind", no_argument, NULL, 'u' },
		{ "zerocopy", no_argument, NULL, 'z' },
		{ "qsize", required_argument, NULL, 'Q' },
		{ "hold", no_argument, NULL, 'H' },
		{ "starve", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *card = NULL, *notify = "poll", *cue = NULL, *vdev_arg = NULL;
	uint32_t count = 1000, seed = 1, tx_next = 0, rx_next = 0, good = 0, bad = 0, i;
	uint64_t timeout_s = 50, deadline, t0;
	char vdev[256], *eal_argv[20];
	uint8_t buf[VMSG_CARD_MAX_LEN];
	struct rte_eth_conf conf;
	struct rte_mbuf *m[BURST];
	struct rte_mempool *mp;
	struct rte_eth_link l;
	int eal_argc = 0, c, started = 0, verdict = 0, cued = 0, unbind = 0, zc = 0, hold = 0;
	int starving = 0, give_back;
	uint32_t qsize = 128, nheld = 0;
	struct rte_mbuf *held[BURST];
	uint8_t *held_copy = NULL;
	pthread_t unbind_tid, starve_tid;
	uint64_t downs_seen, polls = 0;
	uint32_t recoveries = 0, peer_timeout = 0;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			card = optarg;
			break;
		case 'n':
			count = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'N':
			notify = optarg;
			break;
		case 't':
			timeout_s = strtoull(optarg, NULL, 0);
			break;
		case 'q':
			cue = optarg;
			break;
		case 'v':
			vdev_arg = optarg;
			break;
		case 'P':
			peer_timeout = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'u':
			unbind = 1;
			break;
		case 'z':
			zc = 1;
			break;
		case 'Q':
			qsize = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'H':
			hold = 1;
			break;
		case 'S':
			starving = 1;
			break;
		default:
			return 2;
		}
	}
	if ((card == NULL) == (vdev_arg == NULL) || count == 0 ||
	    (strcmp(notify, "poll") != 0 && strcmp(notify, "event")) ||
	    (vdev_arg != NULL && strlen(vdev_arg) >= sizeof(vdev)) ||
	    (unbind && (card == NULL || cue == NULL || strlen(card) > 32)) ||
	    (hold && (!zc || cue == NULL)) || (starving && cue == NULL) || qsize == 0 ||
	    qsize > 4096)
		return fprintf(stderr, "usage: " NAME " --card BDF|--vdev DEVARGS [--count N] "
				       "[--seed S] [--notify poll|event] [--timeout S] "
				       "[--cue NAME] [--peer-timeout MS] [--unbind (with --card, "
				       "--cue)] [--zerocopy] [--qsize N] [--hold (with --zerocopy, "
				       "--cue)] [--starve (with --cue)]\n"),
		       2;
	give_back = starving && !hold; /* else the held mbufs' memory is what comes back */
	setvbuf(stdout, NULL, _IOLBF, 0);
	/*
	 * The card's emulator reads the guest's RAM at guest-physical offsets:
	 * the DMA area goes at IOVA = PA. qsize=128 keeps it within one 2 MiB
	 * hugepage, physically contiguous (with zerocopy=1, qsize=32 does).
	 */
	if (vdev_arg != NULL)
		snprintf(vdev, sizeof(vdev), "%s", vdev_arg);
	else
		snprintf(vdev, sizeof(vdev),
			 "net_vmsg0,bus=pcie,card=%s,role=driver,iova=pa,qsize=%u,notify=%s,"
			 "peer_timeout=%u%s",
			 card, qsize, notify, peer_timeout, zc ? ",zerocopy=1" : "");
	eal_argv[eal_argc++] = argv[0];
	eal_argv[eal_argc++] = (char *)(uintptr_t) "-l";
	eal_argv[eal_argc++] = (char *)(uintptr_t) "0";
	eal_argv[eal_argc++] = (char *)(uintptr_t) "--no-huge"; /* the hugepages: the card's DMA */
	eal_argv[eal_argc++] = (char *)(uintptr_t) "-m";
	eal_argv[eal_argc++] = (char *)(uintptr_t) "64";
	eal_argv[eal_argc++] = (char *)(uintptr_t) "--no-pci";
	eal_argv[eal_argc++] = (char *)(uintptr_t) "--no-shconf";
	eal_argv[eal_argc++] = (char *)(uintptr_t) "--no-telemetry";
	eal_argv[eal_argc++] = (char *)(uintptr_t) "--log-level=lib.eal:error";
	eal_argv[eal_argc++] = (char *)(uintptr_t) "--vdev";
	eal_argv[eal_argc++] = vdev;
	eal_argv[eal_argc] = NULL;
	if (hold && (held_copy = malloc((size_t)BURST * VMSG_CARD_MAX_LEN)) == NULL)
		fail("no memory");
	if (rte_eal_init(eal_argc, eal_argv) < 0)
		fail("EAL init (%s)", vdev);
	if (rte_eth_dev_count_avail() != 1)
		fail("no net_vmsg port (%s)", vdev);
	mp = rte_pktmbuf_pool_create("mp", 1023, 32, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     (int)rte_socket_id());
	if (mp == NULL)
		fail("the mbuf pool");
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(PORT, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(PORT, 0, 128, (unsigned int)rte_socket_id(), NULL, mp) != 0 ||
	    rte_eth_tx_queue_setup(PORT, 0, 128, (unsigned int)rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_start(PORT) != 0)
		fail("port set-up");
	t0 = now_ns();
	deadline = t0 + timeout_s * 1000000000ull;
	do {
		if (now_ns() > deadline)
			fail("no link in %" PRIu64 " s", timeout_s);
		usleep(10000);
		rte_eth_link_get_nowait(PORT, &l);
	} while (l.link_status != RTE_ETH_LINK_UP);
	printf(NAME ": link up in %" PRIu64 " ms\n", (now_ns() - t0) / 1000000u);
	downs_seen = xstat("link_downs");

	while (!verdict) {
		uint16_t k;

		if (now_ns() > deadline)
			fail("round %u: at tx %u rx %u after %" PRIu64 " s", seed, tx_next, rx_next,
			     timeout_s);
		if ((polls++ & 15) == 0 && xstat("link_downs") != downs_seen) {
			/*
			 * The card went away: the port's link went down (its old
			 * handle is out of use by then); the round starts over once
			 * the link is back, on the new card.
			 */
			uint64_t gone = now_ns();

			downs_seen = xstat("link_downs");
			printf(NAME ": round %u: the card went away at tx %u rx %u; recovering\n",
			       seed, tx_next, rx_next);
			do {
				if (now_ns() > deadline)
					fail("round %u: no link again in %" PRIu64 " s", seed,
					     timeout_s);
				if (starving && nheld != 0 && now_ns() - gone > 2000000000ull) {
					/*
					 * Their memory is all the card's next open can
					 * have: the thread stops taking pages (it keeps
					 * those it has), then they are freed.
					 */
					__atomic_store_n(&starve_stop, 1, __ATOMIC_RELEASE);
					pthread_join(starve_tid, NULL);
					held_release(held, nheld, held_copy, seed,
						     " (freed 2 s after the card went away)");
					nheld = 0;
					hold = 0;
				}
				if (give_back && starving == 2 && now_ns() - gone > 3000000000ull) {
					__atomic_store_n(&starve_stop, 1, __ATOMIC_RELEASE);
					pthread_join(starve_tid, NULL);
					for (i = 0; i < nstarved; i++)
						munmap(starved[i], 2u << 20);
					printf(NAME
					       ": starve: gave the %u hugepages back 3 s after "
					       "the card went away\n",
					       nstarved);
					starving = 3;
				}
				usleep(10000);
				rte_eth_link_get_nowait(PORT, &l);
			} while (l.link_status != RTE_ETH_LINK_UP);
			recoveries++;
			if (starving && hold)
				fail("round %u: --starve, but the link came back with the held "
				     "mbufs' memory still out",
				     seed);
			if (nheld != 0) {
				/* The card is gone and back: the mbufs held over its old DMA memory. */
				held_release(held, nheld, held_copy, seed, "");
				nheld = 0;
				hold = 0;
			}
			started = 0;
			tx_next = rx_next = 0;
			continue;
		}
		if (cue != NULL && !cued && rx_next >= count / 2) {
			if (starving) {
				if (pthread_create(&starve_tid, NULL, starve_main, NULL) != 0)
					fail("starve: no thread");
				while (__atomic_load_n(&nstarved, __ATOMIC_ACQUIRE) == 0)
					usleep(1000);
				usleep(50000); /* the rest of the free ones */
				printf(NAME ": starve: took the guest's %u free hugepages\n",
				       __atomic_load_n(&nstarved, __ATOMIC_ACQUIRE));
				starving = 2;
			}
			printf("VMSYNC %s\n", cue);
			cued = 1;
			if (unbind && pthread_create(&unbind_tid, NULL, unbind_main,
						     (void *)(uintptr_t)card) != 0)
				fail("unbind: no thread");
		}
		if (cued && recoveries == 0) {
			/* After the cue, nothing is sent until the card has restarted. */
		} else if (!started) {
			started = send_one(mp, buf,
					   vmsg_card_control(buf, VMSG_CARD_TO_CARD,
							     VMSG_CARD_START, 0, count, seed));
		} else {
			for (i = 0; i < BURST && tx_next < count; i++) {
				uint32_t len = vmsg_card_data(buf, seed, VMSG_CARD_TO_CARD, tx_next,
							      count);

				if (!send_one(mp, buf, len))
					break;
				tx_next++;
			}
		}
		k = rte_eth_rx_burst(PORT, 0, m, BURST);
		for (i = 0; i < k; i++) {
			const uint8_t *d = rte_pktmbuf_mtod(m[i], const uint8_t *);
			uint32_t len = m[i]->pkt_len;
			struct vmsg_card_hdr h;
			int32_t at;

			if (m[i]->nb_segs != 1 || vmsg_card_parse(d, len, &h) < 0)
				fail("round %u: a frame of %u bytes that is not the card's", seed,
				     len);
			if (h.kind == VMSG_CARD_VERDICT) {
				if (rx_next != count)
					fail("round %u: the card's verdict after %u of its %u "
					     "frames",
					     seed, rx_next, count);
				verdict = 1;
				good = h.seq;
				bad = h.count;
			} else if (h.kind != VMSG_CARD_DATA || verdict) {
				fail("round %u: a frame of kind %u out of place", seed, h.kind);
			} else {
				at = vmsg_card_check(d, len, seed, VMSG_CARD_TO_DRIVER, rx_next,
						     count);
				if (at >= 0)
					fail("round %u: the card's frame %u (%u bytes) differs "
					     "from "
					     "byte %d",
					     seed, rx_next, len, at);
				rx_next++;
			}
		}
		if (hold && !cued && nheld == 0 && k != 0 && rx_next >= count / 2) {
			/* --hold: this burst stays out across the card's restart. */
			for (i = 0; i < k; i++) {
				if (strncmp(m[i]->pool->name, "nvmzc", 5) != 0)
					fail("--hold: a received mbuf of pool %s, not a zero-copy "
					     "pool",
					     m[i]->pool->name);
				memcpy(held_copy + (size_t)i * VMSG_CARD_MAX_LEN,
				       rte_pktmbuf_mtod(m[i], const uint8_t *), m[i]->pkt_len);
				held[i] = m[i];
			}
			nheld = k;
			k = 0;
		}
		if (k != 0)
			rte_pktmbuf_free_bulk(m, k);
	}
	if (unbind && cued)
		pthread_join(unbind_tid, NULL);
	if (good != count || bad != 0)
		fail("round %u: the card took %u of our %u frames good and %u bad", seed, good,
		     count, bad);
	if (cue != NULL && recoveries == 0)
		fail("round %u: --cue, but the card never went away", seed);
	if (hold)
		fail("round %u: --hold, but no mbufs were held across a restart", seed);
	if (zc && xstat("rx_zero_copy_packets") == 0)
		fail("round %u: zerocopy=1, but no packet was received without a copy", seed);
	if (zc)
		printf(NAME ": rx_zero_copy_packets %" PRIu64 "\n", xstat("rx_zero_copy_packets"));
	if (recoveries != 0 && xstat("peer_lost") == 0)
		fail("round %u: the link went down %u time(s), but no peer was lost", seed,
		     recoveries);
	if (recoveries != 0)
		printf(NAME ": recovered from %u card restart(s), link down and up\n", recoveries);
	printf(NAME ": round %u: %u frames each way checked byte by byte, in %" PRIu64 " ms\n",
	       seed, count, (now_ns() - t0) / 1000000u);
	printf(NAME ": events sent %" PRIu64 ", received %" PRIu64 ", peer lost %" PRIu64 "\n",
	       xstat("events_sent"), xstat("events_received"), xstat("peer_lost"));
	rte_eth_dev_stop(PORT);
	rte_eth_dev_close(PORT);
	rte_mempool_free(mp);
	free(held_copy);
	rte_eal_cleanup();
	printf(NAME ": ok\n");
	return 0;
}
