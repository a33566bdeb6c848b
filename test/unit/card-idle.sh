#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vmsg-card --idle-us at its maximum (1000000: a whole second) naps between
# idle polls instead of spinning: over 2 s with no driver, it uses well under
# half a second of CPU.
# usage: card-idle.sh <vmsg-card>
card=$1
mem=/dev/shm/vmsg-card-idle-test.$$
trap 'rm -f "$mem"' EXIT
truncate -s 1M "$mem" || exit 1
"$card" --shm "$mem" --idle-us 1000000 >/dev/null &
pid=$!
sleep 2
# utime and stime, fields 14 and 15 of /proc/PID/stat, in clock ticks (the
# command name, field 2, has no blank: vmsg-card).
ticks=$(awk '{ print $14 + $15 }' /proc/$pid/stat 2>/dev/null)
hz=$(getconf CLK_TCK)
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
if [ -z "$ticks" ]; then
	echo "vmsg-card exited early (status $rc)"; exit 1
fi
echo "vmsg-card: $ticks ticks of CPU in 2 s (CLK_TCK $hz), exit $rc"
if [ "$ticks" -ge $((hz / 2)) ]; then
	echo "vmsg-card --idle-us 1000000 spins"; exit 1
fi
[ "$rc" -eq 0 ] || { echo "exit $rc after SIGTERM"; exit 1; }
