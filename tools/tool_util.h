/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Command-line helpers of the test card's programs (tools/); not part of
 * librte_vmsg.
 */

#ifndef VMSG_TOOL_UTIL_H
#define VMSG_TOOL_UTIL_H

#include <getopt.h>
#include <signal.h>
#include <stdint.h>

/** Set by SIGINT and SIGTERM once tool_process_setup() ran: the main loop stops. */
extern volatile sig_atomic_t tool_stop;

/**
 * What both programs of the test card do first: stdout a line at a time
 * (their logs are read while they run), SIGINT and SIGTERM set tool_stop,
 * SIGPIPE ignored (a peer that hangs up is seen in the send's error).
 */
void tool_process_setup(void);

/**
 * A byte count or offset in [@p lo, @p hi]: a number as
 * vmsg_util_parse_u64() reads it (0x for hex), optionally followed by one
 * of k, M, G (binary multiples).
 * @return 0 with the value in @p out; -EINVAL (not such a number) or
 *         -ERANGE (outside the bounds, or overflowing).
 */
int tool_parse_size(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/**
 * How the user names option @p c of @p lo: "--name" when the word that
 * named it (@p arg: tool_opt_word()) is a long option, else "-c (--name)";
 * written to @p buf (@p cap bytes), which is returned.
 */
const char *tool_opt_name(const struct option *lo, int c, const char *arg, char *buf, size_t cap);

/**
 * The word of @p argv that named the option getopt_long() just returned
 * with its value in optarg: the word before the value when the value was a
 * word of its own ("--offset 100"), else the last word ("--offset=100").
 */
const char *tool_opt_word(char *const argv[]);

/**
 * The one line on stderr for what getopt_long() returned as @p c, ':' (an
 * option without its value: optstring starts with ':') or '?' (an unknown
 * option), with opterr 0: "PROG: option --x needs a value (see --help)" or
 * "PROG: unknown option -x (see --help)".
 * @return 2, the exit status of bad usage.
 */
int tool_opt_error(const char *prog, const struct option *lo, int c, char *const argv[]);

#endif /* VMSG_TOOL_UTIL_H */
