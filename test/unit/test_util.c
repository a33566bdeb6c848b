/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * The helpers apps/common shares with the tests: number parsing at its
 * edges, a bounded wait that reaps or kills, a pinned pair of threads.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rte_vmsg_transport.h>

#include "vmsg_util.h"
#include "vtest.h"

static void test_parse(void)
{
	uint64_t v = 0;
	uint32_t u = 0;

	CHECK_EQ(vmsg_util_parse_u64("42", 10, 0, 0, 100, &v), 0);
	CHECK_U64(v, 42);
	CHECK_EQ(vmsg_util_parse_u64(NULL, 10, 0, 0, 100, &v), -EINVAL);
	CHECK_EQ(vmsg_util_parse_u64("", 10, 0, 0, 100, &v), -EINVAL);
	CHECK_EQ(vmsg_util_parse_u64("-1", 10, 0, 0, 100, &v), -EINVAL);
	CHECK_EQ(vmsg_util_parse_u64(" 1", 10, 0, 0, 100, &v), -EINVAL);
	CHECK_EQ(vmsg_util_parse_u64("1x", 10, 0, 0, 100, &v), -EINVAL);
	CHECK_EQ(vmsg_util_parse_u64("101", 10, 0, 0, 100, &v), -ERANGE);
	CHECK_EQ(vmsg_util_parse_u64("99999999999999999999", 10, 0, 0, UINT64_MAX, &v), -ERANGE);
	/* The power of ten only with the flag, and never past @p hi. */
	CHECK_EQ(vmsg_util_parse_u64("1e6", 10, 0, 0, UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(vmsg_util_parse_u64("1e6", 10, VMSG_UTIL_PARSE_EXP, 0, UINT64_MAX, &v), 0);
	CHECK_U64(v, 1000000);
	CHECK_EQ(vmsg_util_parse_u64("2E3", 10, VMSG_UTIL_PARSE_EXP, 0, UINT64_MAX, &v), 0);
	CHECK_U64(v, 2000);
	CHECK_EQ(vmsg_util_parse_u64("1e", 10, VMSG_UTIL_PARSE_EXP, 0, UINT64_MAX, &v), -EINVAL);
	CHECK_EQ(vmsg_util_parse_u64("1e9", 10, VMSG_UTIL_PARSE_EXP, 1, 100000000, &v), -ERANGE);
	CHECK_EQ(vmsg_util_parse_u64("1e20", 10, VMSG_UTIL_PARSE_EXP, 0, UINT64_MAX, &v), -ERANGE);
	/* Base 0: hex and octal prefixes. */
	CHECK_EQ(vmsg_util_parse_u32("0x10", 0, 0, 100, &u), 0);
	CHECK_EQ(u, 16);
	CHECK_EQ(vmsg_util_parse_u32("010", 0, 0, 100, &u), 0);
	CHECK_EQ(u, 8);
	CHECK_EQ(vmsg_util_parse_u32("08", 0, 0, 100, &u), -EINVAL);
	CHECK_EQ(vmsg_util_parse_u32("4294967296", 10, 0, UINT32_MAX, &u), -ERANGE);
}

static void test_wait_child(void)
{
	int status = -1;
	pid_t pid;

	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(7);
	CHECK_EQ(vmsg_util_wait_child(pid, 5000000000ull, 1000000, &status), 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 7);

	/* A child that never exits is killed and reaped after the bound. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		for (;;)
			pause();
	}
	CHECK_EQ(vmsg_util_wait_child(pid, 20000000, 1000000, &status), -ETIMEDOUT);
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	CHECK_EQ(vmsg_util_wait_child(pid, 0, 1000000, &status), -ECHILD);
}

struct where {
	int pinned, cpu;
};

static int side_fn(void *arg, int pinned)
{
	struct where *w = arg;

	w->pinned = pinned;
	w->cpu = sched_getcpu();
	return 5;
}

static void test_pair(void)
{
	struct vmsg_util_side side[2];
	struct where w[2];
	int cpu[2], i;

	/* One CPU only is allowed here too: the second side then runs unpinned. */
	if (vmsg_util_two_cpus(cpu) < 0)
		CHECK(cpu[0] >= 0);
	for (i = 0; i < 2; i++) {
		side[i].cpu = cpu[i];
		side[i].fn = side_fn;
		side[i].arg = &w[i];
		side[i].rc = -1;
	}
	CHECK_EQ(vmsg_util_run_pair(side, NULL, NULL), 0);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(side[i].rc, 5);
		CHECK_EQ(w[i].pinned, 0);
		if (cpu[i] >= 0)
			CHECK_EQ(w[i].cpu, cpu[i]);
	}
	CHECK_EQ(vmsg_util_pin_self(CPU_SETSIZE), -EINVAL);
}

static void test_model(void)
{
	static const uint8_t cfg[4] = { 9, 8, 7, 6 };
	struct vmsg_util_model m = { cfg, sizeof(cfg) };
	struct rte_vmsg_dev_ops ops;
	uint8_t buf[2];

	vmsg_util_model_ops(&ops, &m, 42);
	CHECK_EQ(ops.sz, sizeof(ops));
	CHECK_EQ(ops.device_id, 42);
	CHECK_EQ(ops.vendor_id, 0x1af4);
	CHECK_EQ(ops.config_size, 4);
	CHECK_EQ(ops.config_read(&m, 1, buf, 2), 0);
	CHECK_EQ(buf[0], 8);
	CHECK_EQ(buf[1], 7);
}

static void test_dir_of(void)
{
	char d[8];

	vmsg_util_dir_of("name", d, sizeof(d));
	CHECK(strcmp(d, ".") == 0);
	vmsg_util_dir_of("/name", d, sizeof(d));
	CHECK(strcmp(d, "/") == 0);
	vmsg_util_dir_of("/a/b/name", d, sizeof(d));
	CHECK(strcmp(d, "/a/b") == 0);
	vmsg_util_dir_of("a/", d, sizeof(d));
	CHECK(strcmp(d, "a") == 0);
	vmsg_util_dir_of("/abcdefghij/n", d, sizeof(d)); /* cut to the room */
	CHECK(strcmp(d, "/abcdef") == 0);
}

int main(void)
{
	test_parse();
	test_dir_of();
	test_wait_child();
	test_pair();
	test_model();
	return vtest_done("test_util");
}
