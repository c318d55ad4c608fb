#!/bin/sh
# Runs the Criterion suite under ASan+UBSan and prints one summary line.
set -u
bin=$1
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
log=$(mktemp)
"$bin" --jobs "${TEST_JOBS:-2}" --timeout 120 2>&1 | tee "$log"
rc=$?
# A sanitizer report fails the run even when the test that caused it was counted.
if ! python3 "$(dirname "$0")/sanitizer-reports.py" "$log"; then
  echo "make test: sanitizer report found" >&2
  rc=1
fi
line=$(grep -E 'Synthesis: Tested:' "$log" | tail -n 1)
rm -f "$log"
tested=$(echo "$line" | sed -n 's/.*Tested: \([0-9]*\).*/\1/p')
passing=$(echo "$line" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
failing=$(echo "$line" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
crashing=$(echo "$line" | sed -n 's/.*Crashing: \([0-9]*\).*/\1/p')
skipped=$(( ${tested:-0} - ${passing:-0} - ${failing:-0} ))
[ "$skipped" -lt 0 ] && skipped=0
echo "tests: ${passing:-0} passed, ${failing:-0} failed" | tee "$(dirname "$bin")/../test-summary.txt"
if [ -z "$line" ] || [ "${failing:-1}" != 0 ] || [ "${crashing:-1}" != 0 ]; then rc=1; fi
exit $rc
