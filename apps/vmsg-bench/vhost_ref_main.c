/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vhost-ref: runs the vhost-user <-> virtio-user reference alone and prints
 * every virtio-user path by three packet sizes (a test tool for vhost_ref.c).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vhost_ref.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vhost-ref [-c A,B] [-s SECONDS] [-p PATH] [-l LEN] [-m MEM] [-t TESTPMD] "
		"[-v]\n"
		"  -c A,B     CPUs: vhost forwards on A, virtio-user on B (default 0,1)\n"
		"  -s SECONDS sampled time per measurement (default 3: 3 samples)\n"
		"  -p PATH    split, split-inorder, packed-inorder, split-nomrg,\n"
		"             split-inorder-nomrg, split-vec, packed, packed-nomrg,\n"
		"             packed-inorder-nomrg or packed-vec (default: all)\n"
		"  -m MEM     auto (default: hugepages when free), huge or nohuge\n"
		"  -l LEN     packet length (default: 64, 256 and 1518)\n"
		"  -t TESTPMD dpdk-testpmd to run (default: $VMSG_TESTPMD, then $PATH)\n"
		"  -v         show the commands and testpmd's output\n");
}

int main(int argc, char **argv)
{
	static const unsigned sizes[] = { 64, 256, 1518 };
	struct vhost_ref_cfg cfg = { .cpu = { 0, 1 }, .seconds = 3 };
	unsigned nsizes = 3, one_len = 0;
	int one_path = -1, failed = 0;
	char why[512];

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "-v") == 0) {
			cfg.verbose = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		}
		if (v == NULL || a[0] != '-' || a[1] == '\0' || a[2] != '\0') {
			usage(stderr);
			return 2;
		}
		i++;
		switch (a[1]) {
		case 'c':
			if (sscanf(v, "%u,%u", &cfg.cpu[0], &cfg.cpu[1]) != 2) {
				usage(stderr);
				return 2;
			}
			break;
		case 's':
			cfg.seconds = atof(v);
			break;
		case 'l':
			one_len = (unsigned)strtoul(v, NULL, 10);
			break;
		case 't':
			/* Through the environment, so that the availability check sees it too. */
			if (setenv("VMSG_TESTPMD", v, 1) != 0) {
				perror("vhost-ref: setenv");
				return 1;
			}
			break;
		case 'm':
			if (vhost_ref_mem_parse(v) < 0) {
				usage(stderr);
				return 2;
			}
			cfg.mem = (enum vhost_ref_mem)vhost_ref_mem_parse(v);
			break;
		case 'p':
			for (int p = 0; p < VHOST_REF_NPATHS; p++)
				if (strcmp(v, vhost_ref_path_name((enum vhost_ref_path)p)) == 0)
					one_path = p;
			if (one_path < 0) {
				usage(stderr);
				return 2;
			}
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!vhost_ref_available(why, sizeof(why))) {
		fprintf(stderr, "vhost-ref: cannot run the reference: %s\n", why);
		return 1;
	}
	printf("# vhost-user <-> virtio-user, testpmd %s, CPUs %u,%u, Mpps on the vhost side\n",
	       why, cfg.cpu[0], cfg.cpu[1]);
	printf("%-20s %5s %8s %8s %8s %8s %7s %6s %4s  %s\n", "path", "len", "rx_mpps", "tx_mpps",
	       "rx_min", "rx_max", "bytes", "time_s", "huge", "samples; virtio-user Rx path");
	fflush(stdout);
	for (int p = 0; p < VHOST_REF_NPATHS; p++) {
		if (one_path >= 0 && p != one_path)
			continue;
		for (unsigned k = 0; k < nsizes; k++) {
			struct vhost_ref_result res;
			double lo, hi;
			int rc;

			cfg.path = (enum vhost_ref_path)p;
			cfg.pkt_len = one_len ? one_len : sizes[k];
			rc = vhost_ref_run(&cfg, &res);
			if (rc < 0) {
				printf("%-20s %5u  failed (-%s after %.1f s): %s\n",
				       vhost_ref_path_name(cfg.path), cfg.pkt_len,
				       strerrorname_np(-rc), res.run_s, res.error);
				failed = 1;
			} else {
				lo = hi = res.samples[0];
				for (unsigned i = 1; i < res.nsamples; i++) {
					lo = res.samples[i] < lo ? res.samples[i] : lo;
					hi = res.samples[i] > hi ? res.samples[i] : hi;
				}
				printf("%-20s %5u %8.3f %8.3f %8.3f %8.3f %7.1f %6.1f %4s ",
				       vhost_ref_path_name(cfg.path), cfg.pkt_len, res.rx_mpps,
				       res.tx_mpps, lo, hi, res.pkt_bytes, res.run_s,
				       res.hugepages ? "yes" : "no");
				for (unsigned i = 0; i < res.nsamples; i++)
					printf(" %.3f", res.samples[i]);
				printf("; %s\n", res.rx_path);
			}
			fflush(stdout);
			if (one_len)
				break;
		}
	}
	return failed;
}
