#!/bin/sh
# Line and branch coverage of libverify/ per module, from the gcov data of a coverage run.
set -eu
dir=$1
gcovr --root . --object-directory "$dir" --filter 'libverify/' --filter 'hw/' --filter 'libverify-sim/' \
  --json-summary "$dir/summary.json" --json-summary-pretty --txt "$dir/coverage.txt" \
  --exclude-unreachable-branches --exclude-throw-branches >/dev/null
python3 - "$dir/summary.json" <<'PY'
import json, sys, collections
s = json.load(open(sys.argv[1]))
mods = collections.OrderedDict()
for f in sorted(s["files"], key=lambda f: f["filename"]):
    parts = f["filename"].split("/")
    mod = "/".join(parts[:2]) if parts[0] in ("libverify", "hw", "libverify-sim") else parts[0]
    m = mods.setdefault(mod, [0, 0, 0, 0])
    m[0] += f["line_covered"]; m[1] += f["line_total"]
    m[2] += f["branch_covered"]; m[3] += f["branch_total"]
def pct(a, b):
    return 100.0 * a / b if b else 100.0
print("%-22s %8s %8s" % ("module", "lines", "branches"))
for mod, (lc, lt, bc, bt) in mods.items():
    print("%-22s %7.1f%% %7.1f%%" % (mod, pct(lc, lt), pct(bc, bt)))
lib = [sum(v[i] for k, v in mods.items() if k.startswith("libverify/")) for i in range(4)]
print("%-22s %7.1f%% %7.1f%%   (issue 12: 95%% / 85%%)" % ("libverify/ total", pct(lib[0], lib[1]), pct(lib[2], lib[3])))
print("%-22s %7.1f%% %7.1f%%" % ("libverify/, hw/, libverify-sim/", s["line_percent"], s["branch_percent"]))
PY
echo "per-file detail: $dir/coverage.txt"
python3 mk/coverage-explained.py "$dir/coverage.txt" docs/coverage || true
