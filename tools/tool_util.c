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

const char *tool_opt_name(const struct option *lo, int c, const char *arg, char *buf, size_t cap)
{
	const char *name = NULL;

	for (; lo->name != NULL; lo++)
		if (lo->flag == NULL && lo->val == c) {
			name = lo->name;
			break;
		}
	if (name == NULL)
		snprintf(buf, cap, "-%c", c);
	else if (arg != NULL && strncmp(arg, "--", 2) == 0)
		snprintf(buf, cap, "--%s", name);
	else
		snprintf(buf, cap, "-%c (--%s)", c, name);
	return buf;
}

const char *tool_opt_word(char *const argv[])
{
	return optind >= 2 && optarg == argv[optind - 1] ? argv[optind - 2] : argv[optind - 1];
}

int tool_opt_error(const char *prog, const struct option *lo, int c, char *const argv[])
{
	char buf[64];

	if (c == ':')
		fprintf(stderr, "%s: option %s needs a value (see --help)\n", prog,
			tool_opt_name(lo, optopt, argv[optind - 1], buf, sizeof(buf)));
	else if (optopt > 0 && optopt < 256)
		/* A short option: its character (optind need not have moved past -xy). */
		fprintf(stderr, "%s: unknown option -%c (see --help)\n", prog, optopt);
	else
		fprintf(stderr, "%s: unknown option %s (see --help)\n", prog, argv[optind - 1]);
	return 2;
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
