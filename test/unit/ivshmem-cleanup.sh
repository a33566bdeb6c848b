#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vmsg-ivshmem-server that fails after making its --shm file (here: a
# socket in a directory that does not exist) removes that file, and keeps a
# --shm file that was there before it started.
# usage: ivshmem-cleanup.sh <vmsg-ivshmem-server>
server=$1
mem=/dev/shm/vmsg-ivshmem-cleanup-test.$$
trap 'rm -f "$mem"' EXIT
rm -f "$mem"
"$server" --socket /nonexistent-dir/q.sock --card-socket /nonexistent-dir/c.sock \
	--size 1M --shm "$mem" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; exit 1; }
if [ -e "$mem" ]; then
	echo "$mem: the file the failed server created is left behind"; exit 1
fi
: >"$mem"
"$server" --socket /nonexistent-dir/q.sock --card-socket /nonexistent-dir/c.sock \
	--size 1M --shm "$mem" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; exit 1; }
if [ ! -e "$mem" ]; then
	echo "$mem: a file that was there before the server was removed"; exit 1
fi
echo "ok: the server's own file removed, an existing one kept"
