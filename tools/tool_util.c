/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Command-line helpers of the test card's programs.
 */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "tool_util.h"
#include "vmsg_util.h"

int tool_parse_size(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char num[32];
	unsigned int shift = 0;
	size_t len;
	uint64_t v;
	int rc;

	if (s == NULL || (len = strlen(s)) == 0 || len >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, len + 1);
	switch (num[len - 1]) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	default:
		break;
	}
	if (shift != 0)
		num[len - 1] = '\0';
	rc = vmsg_util_parse_u64(num, 0, 0, 0, UINT64_MAX >> shift, &v);
	if (rc < 0)
		return rc;
	v <<= shift;
	if (v < lo || v > hi)
		return -ERANGE;
	*out = v;
	return 0;
}

volatile sig_atomic_t tool_stop;

static void on_stop_signal(int sig)
{
	(void)sig;
	tool_stop = 1;
}

void tool_process_setup(void)
{
	struct sigaction sa;

	setvbuf(stdout, NULL, _IOLBF, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}
