#!/usr/bin/env python3
"""Lists the lines of libverify/ that the coverage run did not reach and that no file of
docs/coverage/ names (file.c:LINE, file.c:A-B, lists with commas). Issue 12: every
remaining uncovered line is tested or explained. Exit 1 when some are unexplained."""
import collections
import glob
import os
import re
import sys

cov_txt, docs_dir = sys.argv[1], sys.argv[2]
ref = re.compile(r'([A-Za-z0-9_./-]+\.[ch])((?::| lines? )(?:\d+(?:[-–]\d+)?)(?:(?:, ?| and |, and )\d+(?:[-–]\d+)?)*)')
explained = collections.defaultdict(set)
for path in glob.glob(os.path.join(docs_dir, '*.md')):
    for m in ref.finditer(open(path, encoding='utf-8').read()):
        for a, b in re.findall(r'(\d+)(?:[-–](\d+))?', m.group(2)):
            explained[os.path.basename(m.group(1))].update(range(int(a), int(b or a) + 1))
missing = {}
for line in open(cov_txt, encoding='utf-8'):
    parts = line.split()
    if len(parts) < 5 or not parts[0].startswith('libverify/'):
        continue
    lines = set()
    for a, b in re.findall(r'(\d+)(?:-(\d+))?', parts[4]):
        lines.update(range(int(a), int(b or a) + 1))
    left = sorted(lines - explained[os.path.basename(parts[0])])
    if left:
        missing[parts[0]] = left
if missing:
    print('uncovered lines of libverify/ that docs/coverage/ does not explain:')
    for f, v in missing.items():
        print('  %s: %s' % (f, ', '.join(map(str, v))))
    sys.exit(1)
print('every uncovered line of libverify/ is explained in docs/coverage/')
