#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Runs a command and passes only if it exits with the given status and says
# something on stderr (a clear error, not a crash or a silent exit); with
# EXPECT_SAYS set, stderr must contain that text (the reason, not another);
# with EXPECT_LINES set, stderr must be that many lines.
# usage: [EXPECT_SAYS=TEXT] [EXPECT_LINES=N] expect-exit.sh <status> <command> [args...]
want=$1; shift
err=$("$@" 2>&1 >/dev/null)
got=$?
if [ "$got" -ne "$want" ]; then
	echo "exit $got, expected $want: $*"; echo "$err"; exit 1
fi
if [ -z "$err" ]; then
	echo "no message on stderr: $*"; exit 1
fi
if [ -n "$EXPECT_SAYS" ]; then
	case $err in
	*"$EXPECT_SAYS"*) ;;
	*) echo "stderr does not say '$EXPECT_SAYS': $*"; echo "$err"; exit 1 ;;
	esac
fi
if [ -n "$EXPECT_LINES" ]; then
	lines=$(printf '%s\n' "$err" | wc -l)
	if [ "$lines" -ne "$EXPECT_LINES" ]; then
		echo "stderr has $lines lines, expected $EXPECT_LINES: $*"; echo "$err"; exit 1
	fi
fi
echo "exit $got as expected: $err"
