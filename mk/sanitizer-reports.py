#!/usr/bin/env python3
"""Counts the sanitizer reports in a test log that are about our code.

Exits 1 when there is one, 0 when there is none. One kind of report is set aside, by
name: a LeakSanitizer report of the test runner itself whose every leaked block was
allocated by libcriterion with no other frame on its stack (Criterion 2.4 keeps a timeout
record of the runner process unfreed at exit in some runs). A leak with any frame of
ours, of a test, or of another library still counts."""
import re
import sys

text = open(sys.argv[1], errors="replace").read()
found = 0
if re.search(r"ERROR: AddressSanitizer|runtime error:", text):
    found += 1
for report in re.split(r"(?m)^=+\d+=+ERROR: LeakSanitizer", text)[1:]:
    report = report.split("SUMMARY:", 1)[0]
    blocks = re.split(r"(?m)^(?:Direct|Indirect) leak of ", report)[1:]
    runner_only = bool(blocks)
    for b in blocks:
        frames = re.findall(r"(?m)^\s+#(\d+) 0x[0-9a-f]+ (.*)$", b)
        ours = [f for n, f in frames if n != "0"]
        if not ours or not all("libcriterion.so" in f for f in ours):
            runner_only = False
    if runner_only:
        print("make test: set aside a leak report of the Criterion runner itself "
              "(every frame in libcriterion)", file=sys.stderr)
    else:
        found += 1
sys.exit(1 if found else 0)
