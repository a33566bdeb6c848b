/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The librte_vmsg authors
 *
 * Command-line helpers of the test card's programs (tools/); not part of
 * librte_vmsg.
 */

#ifndef VMSG_TOOL_UTIL_H
#define VMSG_TOOL_UTIL_H

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

#endif /* VMSG_TOOL_UTIL_H */
