#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vmsg-ivshmem-server that fails after making its --shm file (here: a
# socket in a directory that does not exist) removes that file, and keeps a
# --shm file that was there before it started (of --size bytes: one of
# another size is refused before, ivshmem-shm-file.sh), its content too.
# usage: ivshmem-cleanup.sh <vmsg-ivshmem-server>
server=$1
mem=/dev/shm/vmsg-ivshmem-cleanup-test.$$
trap 'rm -f "$mem" "$mem.ref"' EXIT
rm -f "$mem"
"$server" --socket /nonexistent-dir/q.sock --card-socket /nonexistent-dir/c.sock \
	--size 1M --shm "$mem" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; exit 1; }
if [ -e "$mem" ]; then
	echo "$mem: the file the failed server created is left behind"; exit 1
fi
head -c 1048576 /dev/urandom >"$mem" || exit 1
cp "$mem" "$mem.ref"
"$server" --socket /nonexistent-dir/q.sock --card-socket /nonexistent-dir/c.sock \
	--size 1M --shm "$mem" 2>/dev/null
rc=$?
[ "$rc" -eq 1 ] || { echo "exit $rc, expected 1"; exit 1; }
if [ ! -e "$mem" ]; then
	echo "$mem: a file that was there before the server was removed"; exit 1
fi
cmp -s "$mem" "$mem.ref" || { echo "$mem: a file that was there before was changed"; exit 1; }
echo "ok: the server's own file removed, an existing one kept"
