/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * vhost-user: the reference of the net mode, DPDK's own pair (dpdk-testpmd
 * with net_vhost against dpdk-testpmd with net_virtio_user, one forwarding
 * core each on the bench's two CPUs, mac forwarding), measured in the same
 * run as our packets (vhost_ref.c drives the two processes).
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "vhost_ref.h"

int vhost_usable(char *why, size_t cap)
{
	return vhost_ref_available(why, cap);
}

const char *bench_vhost_path_name(int path)
{
	return vhost_ref_path_name((enum vhost_ref_path)path);
}

int bench_vhost_npaths(void)
{
	return VHOST_REF_NPATHS;
}

int vhost_run(struct bench_env *env, struct bench_case *c, struct bench_run *out)
{
	struct vhost_ref_cfg cfg;
	struct vhost_ref_result res;
	int rc;

	memset(&cfg, 0, sizeof(cfg));
	cfg.cpu[0] = (unsigned int)env->cfg->cpu[0];
	cfg.cpu[1] = (unsigned int)env->cfg->cpu[1];
	cfg.pkt_len = c->elem_size;
	cfg.path = (enum vhost_ref_path)c->path;
	cfg.mem = (enum vhost_ref_mem)env->cfg->dpdk_mem;
	/*
	 * Three samples of half a second after the half-second warm-up: one
	 * run's samples agree within a few percent, runs differ far more, so
	 * the time goes into runs (start-up is most of one) rather than samples.
	 */
	cfg.seconds = env->cfg->quick ? 1.0 : 1.5;
	cfg.verbose = env->cfg->verbose;
	memset(&res, 0, sizeof(res));
	rc = vhost_ref_run(&cfg, &res);
	c->hugepages = res.hugepages;
	if (rc < 0) {
		snprintf(c->note, sizeof(c->note), "%s",
			 res.error[0] != '\0' ? res.error : strerror(-rc));
		fprintf(stderr, "vmsg-bench: vhost-user %s %u B: %s\n",
			vhost_ref_path_name(cfg.path), c->elem_size, c->note);
		return rc == -ENOTSUP ? -ENOTSUP : -1;
	}
	snprintf(c->rx_path, sizeof(c->rx_path), "%s", res.rx_path);
	c->msg_bytes = c->elem_size;
	out->nohuge = !res.hugepages;
	out->mps = res.rx_mpps * 1e6;
	/* testpmd's samples are cfg.seconds / nsamples apart: that is the timed part. */
	out->real_ns = cfg.seconds * 1e9;
	out->iterations = (uint64_t)(out->mps * cfg.seconds);
	out->cpu_ns = out->real_ns; /* one forwarding core per side, always spinning */
	return 0;
}
