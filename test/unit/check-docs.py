#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The librte_vmsg authors
#
# Keeps a program's documentation true to its --help: every option (and,
# when --help has a "modes:" list, every mode) is in the manual page and in
# the user guide, and groff -man -ww has nothing to say about the manual page.
# usage: check-docs.py <program> <manual page> <user guide (markdown)>
# Exit 77 (skip) only when groff is missing and everything else passed.
import re
import shutil
import subprocess
import sys

prog, man_path, guide_path = sys.argv[1:4]
help_text = subprocess.run([prog, "--help"], stdout=subprocess.PIPE, text=True,
                           check=True).stdout
# roff spells a dash \- and switches fonts with \fB, \fI, \fR, \fP.
man = re.sub(r"\\f[BIRP]", "", open(man_path).read().replace("\\-", "-"))
guide = open(guide_path).read()
# An option line starts with a dash; its names end at the first wide gap.
opts = sorted({o for line in re.findall(r"^\s+(-.*)$", help_text, re.M)
               for o in re.findall(r"--[a-z][a-z0-9-]*", re.split(r" {2,}", line)[0])})
modes = []
if re.search(r"^modes:", help_text, re.M):
    section = help_text.split("modes:", 1)[1].split("options:")[0]
    modes = re.findall(r"^  ([a-z][a-z-]+) {2,}", section, re.M)
errors = []
if not opts:
    errors.append(f"{prog} --help lists no option")
for o in opts:
    if not re.search(re.escape(o) + r"\b", man):
        errors.append(f"{o}: not in {man_path}")
    if f"`{o}" not in guide:
        errors.append(f"{o}: not in {guide_path} (as `{o}...`)")
for m in modes:
    if f".B {m}" not in man:
        errors.append(f"mode {m}: not in {man_path}")
    if f"`{m}`" not in guide:
        errors.append(f"mode {m}: not in {guide_path}")
groff = shutil.which("groff")
if groff:
    r = subprocess.run([groff, "-man", "-ww", "-z", man_path],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0 or r.stdout:
        errors.append(f"groff -man -ww: {r.stdout.strip()} (exit {r.returncode})")
for e in errors:
    print("FAIL:", e)
print(f"{len(opts)} options, {len(modes)} modes{': ' if modes else ''}{' '.join(modes)}")
if errors:
    sys.exit(1)
if not groff:
    print("skip: groff is not installed (scripts/install-deps.sh installs groff-base):"
          " the manual page's syntax is not checked")
    sys.exit(77)
