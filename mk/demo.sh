#!/bin/sh
# make demo: the main job on built-in data — read the built-in specimen passport from the
# simulated chip and prove it genuine — then the other capabilities on built-in data.
set -eu
vfy=$1
L1='P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'
L2='L898902C36UTO7408122F3404159ZE184226B<<<<<16'
photos=$(mktemp -d /tmp/vfy-demo-face-XXXXXX)
photo=$photos/face.jpg   # --photo writes a new file only
trap 'rm -rf "$photos"' EXIT
echo "== libverify demo: $($vfy version)"

echo
echo "== vfy read: the built-in specimen passport on the simulated chip, proved genuine"
echo "   (PACE, every file, Passive Authentication against data/specimen/csca.pem,"
echo "    Active and Chip Authentication)"
$vfy read --reader sim --mrz "$L1" "$L2" --trust data/specimen/csca.pem --photo "$photo"
rc=$?
[ "$rc" = 0 ] || { echo "demo: the specimen was not genuine (exit $rc)" >&2; exit 1; }

echo
echo "-- the same read through BAC on a short-APDU reader, as JSON (sim?pace=off&reader=short)"
$vfy read --reader 'sim?pace=off&reader=short' --json --doc L898902C3 --dob 740812 --expiry 340415

echo
echo "-- a clone: the same data on a chip without the document's keys is refused"
clone=$(mktemp -d /tmp/vfy-demo-clone-XXXXXX)
trap 'rm -rf "$photos" "$clone"' EXIT
$vfy read --reader sim --mrz "$L1" "$L2" --save "$clone" >/dev/null
$vfy specimen --out "$clone.keys" >/dev/null 2>&1 && cp "$clone.keys/aa_private.pem" "$clone.keys/chipauth_private.pem" "$clone/" && rm -rf "$clone.keys"
if $vfy read --reader "sim:$clone" --mrz "$L1" "$L2" --trust data/specimen/csca.pem --json >"$clone/out.json" 2>/dev/null; then
  echo "demo: a clone passed" >&2; exit 1
fi
python3 - "$clone/out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print("   verdict %s, gate %s: %s" % (r["verdict"], r["gate"], r["summary"]))
for c in r["checks"]:
    if c["status"] == "failed":
        print("   failed %-12s %s (%s)" % (c["id"], c["reason"], c["code"]))
PY

# vfy mrz on the ICAO 9303 specimens of each format (parts 4 to 7).
mrz_demo() {
  title=$1; shift
  echo
  echo "== vfy mrz: $title"
  $vfy mrz "$@"
}
mrz_demo "TD1 identity card (9303-5)" \
  'I<UTOD231458907<<<<<<<<<<<<<<<' '7408122F1204159UTO<<<<<<<<<<<6' 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'
mrz_demo "TD2 identity card (9303-6)" \
  'I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<' 'D231458907UTO7408122F1204159<<<<<<<6'
mrz_demo "TD3 passport (9303-4)" \
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'
mrz_demo "MRV-A visa (9303-7)" \
  'V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L8988901C4XXX4009078F96121096ZE184226B<<<<<<'
mrz_demo "MRV-B visa (9303-7)" \
  'V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<' 'L8988901C4XXX4009078F9612109<<<<<<<<'
echo "-- vfy mrz --json --repair: an optical reader's O for 0 in the birth date, proved by its check digit"
$vfy mrz --json --repair 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO74O8122F1204159ZE184226B<<<<<10' || true

echo
echo "== vfy rules eval: facilitated-visa eligibility from signed rule sets, with its trail"
$vfy rules eval --rules data/rules/eu-2018-1806.json --rules data/rules/eu-vc-2024.json \
  --trust data/rules/keys/DEVELOPMENT-ONLY-rules-signing.pub --allow-development-key \
  --case tests/data/rules/cases/e01-adult-tourist.json || true

echo
echo "== libverify demo: done (the specimen passport is genuine)"
