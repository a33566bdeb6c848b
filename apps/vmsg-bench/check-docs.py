#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Every option and mode of `vmsg-bench --help` is in the manual page and in
# the user guide, and the manual page is clean for groff (-ww: every
# warning; it must print nothing).
# usage: check-docs.py <vmsg-bench> <doc directory>
import re
import shutil
import subprocess
import sys

bench, doc = sys.argv[1], sys.argv[2]
help_text = subprocess.run([bench, "--help"], stdout=subprocess.PIPE, text=True,
                           check=True).stdout
man = open(f"{doc}/man/vmsg-bench.1").read().replace("\\-", "-")
guide = open(f"{doc}/vmsg-bench.md").read()
opts = sorted(set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)", help_text, re.M)))
modes = re.findall(r"^  ([a-z][a-z-]+) {2,}", help_text.split("options:")[0], re.M)
errors = []
for o in opts:
    if o not in man:
        errors.append(f"{o}: not in the manual page")
    if f"`{o}" not in guide:
        errors.append(f"{o}: not in doc/vmsg-bench.md")
for m in modes:
    if f".B {m}" not in man:
        errors.append(f"mode {m}: not in the manual page")
    if f"`{m}`" not in guide:
        errors.append(f"mode {m}: not in doc/vmsg-bench.md")
if shutil.which("groff"):
    r = subprocess.run(["groff", "-man", "-ww", "-z", f"{doc}/man/vmsg-bench.1"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0 or r.stdout:
        errors.append(f"groff -man -ww: {r.stdout.strip()} (exit {r.returncode})")
else:
    print("note: no groff here, the manual page's syntax is not checked")
for e in errors:
    print("FAIL:", e)
print(f"{len(opts)} options, {len(modes)} modes: {' '.join(modes)}")
sys.exit(1 if errors else 0)
