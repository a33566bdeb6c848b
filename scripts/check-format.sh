#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Checks the C and C++ sources against .clang-format (STYLE.md point 1):
# every *.c, *.h and *.cc under include lib apps test tools drivers, build
# directories left out. Shows what would change in each file that is off.
#
# usage: scripts/check-format.sh [--fix]   (--fix: reformat those files in place)
set -eu

cd "$(dirname "$0")/.."
clang_format=${CLANG_FORMAT:-clang-format}
fix=0
case "${1:-}" in
--fix) fix=1 ;;
'') ;;
*) echo "usage: $0 [--fix]" >&2; exit 2 ;;
esac

dirs=
for d in include lib apps test tools drivers; do
	[ -d "$d" ] && dirs="$dirs $d"
done
# shellcheck disable=SC2086 # $dirs is a list of plain names
files=$(find $dirs -type d -name 'build*' -prune -o \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) -print | LC_ALL=C sort)

bad=
for f in $files; do
	if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then
		bad="$bad $f"
	fi
done

if [ -z "$bad" ]; then
	echo "format: $(echo "$files" | wc -w) files ok ($("$clang_format" --version))"
	exit 0
fi
if [ $fix -eq 1 ]; then
	for f in $bad; do
		"$clang_format" -i "$f"
		echo "format: reformatted $f"
	done
	exit 0
fi
for f in $bad; do
	echo "format: $f differs from .clang-format:"
	"$clang_format" "$f" | diff -u "$f" - | sed -n '3,60p' || true
done
echo "format: $(echo "$bad" | wc -w) of $(echo "$files" | wc -w) files need formatting:$bad"
echo "format: run scripts/check-format.sh --fix"
exit 1
