#!/bin/sh
# Runs every libFuzzer harness from its seed corpus for a bounded time.
set -u
dir=$1; shift
secs=${FUZZ_SECONDS:-20}
fail=0; ok=0
for h in "$@"; do
  corpus=fuzz/corpus/$h
  work=$(mktemp -d)
  [ -d "$corpus" ] && cp -r "$corpus"/. "$work"/ 2>/dev/null
  out=$(mktemp)
  if "$dir/$h" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "$work" >"$out" 2>&1; then
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out")
    echo "fuzz-smoke: $h ok, ${execs:-?} executions in ${secs}s"
    ok=$((ok+1))
  else
    echo "fuzz-smoke: $h FAILED" >&2
    tail -n 40 "$out" >&2
    fail=$((fail+1))
  fi
  rm -rf "$work" "$out"
done
echo "fuzz-smoke: $ok passed, $fail failed"
[ "$fail" = 0 ]
