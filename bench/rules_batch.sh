#!/bin/sh
# vfy rules eval --batch end to end: N generated cases (JSON Lines) piped through the
# release build of vfy, decisions out to /dev/null; prints decisions per second of wall
# time and of the process's CPU time (the machine's cores are shared with other jobs),
# beside the target of issue 11 (100,000/s on one core) and the figure before the
# workspace (4,496/s, wall time, 2026-12-03). A benchmark, not a test: it never fails on
# a figure. usage: sh bench/rules_batch.sh [VFY] [N]   (from the repository root)
set -eu
vfy=${1:-build/bin/vfy}
n=${2:-100000}
[ -x "$vfy" ] || { echo "rules_batch: $vfy not built (make first)"; exit 0; }
tmp=$(mktemp -d /tmp/vfy-rules-batch-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
# Varied cases: four nationalities (one visa-exempt), birth years 1950-2019, lodging
# across the year, every fifth a student claim, every third with a visa history.
awk -v n="$n" 'BEGIN {
    split("KAZ ARM BLR USA", nat, " ");
    for (i = 0; i < n; i++) {
        m = 1 + i % 12; by = 1950 + i % 70;
        claims = (i % 5 == 0) ? ",\"claims\":[{\"category\":\"student\",\"evidence\":[\"student_card\"],\"verified\":true}]" : "";
        hist = (i % 3 == 0) ? "{\"type\":\"C\",\"entries\":\"multiple\",\"issue_date\":\"2023-03-01\",\"valid_from\":\"2023-03-01\",\"valid_to\":\"2025-02-28\",\"lawful_use\":\"yes\"}" : "";
        printf "{\"case_id\":\"b%d\",\"traveller\":{\"nationality\":\"%s\",\"birth_date\":\"%d-%02d-15\",", i, nat[1 + i % 4], by, m;
        printf "\"document\":{\"type\":\"ordinary\",\"biometric\":true,\"issue_date\":\"2020-03-01\",\"expiry_date\":\"2030-02-28\",\"blank_pages\":4}},";
        printf "\"application\":{\"dates\":{\"lodging\":\"2025-%02d-10\",\"intended_entry\":\"2026-%02d-01\",\"intended_exit\":\"2026-%02d-20\"},", m, m, m;
        printf "\"destination\":\"DEU\"%s},\"visa_history\":[%s]}\n", claims, hist;
    }
}' > "$tmp/cases.jsonl"
keys="--allow-development-key --trust data/rules/keys/DEVELOPMENT-ONLY-rules-signing.pub --rules data/rules"
for header in "" "--header"; do
    /usr/bin/time -f "%e %U %S" -o "$tmp/time" "$vfy" rules eval $keys --batch "$tmp/cases.jsonl" $header > /dev/null 2>"$tmp/err" || true
    read -r wall user sys < "$tmp/time"
    awk -v n="$n" -v wall="$wall" -v user="$user" -v sys="$sys" -v h="${header:-(metadata on every line)}" 'BEGIN {
        cpu = user + sys; if (cpu <= 0) cpu = 0.001; if (wall <= 0) wall = 0.001;
        printf "rules --batch %s: %d lines, %.0f decisions/s of CPU time, %.0f/s wall; target 100000/s (issue 11), before 4496/s\n",
               h, n, n / cpu, n / wall;
    }'
done
