#!/bin/sh
# make demo: the main job on built-in data.
set -eu
vfy=$1
echo "== libverify demo: $($vfy version)"

# vfy mrz on the ICAO 9303 specimens of each format (parts 4 to 7): table and JSON.
mrz_demo() {
  title=$1; shift
  echo
  echo "== vfy mrz: $title"
  $vfy mrz "$@"
  echo "-- vfy mrz --json: $title"
  $vfy mrz --json "$@"
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

# vfy read: the built-in specimen passport on the simulated chip, through PACE and BAC.
L1='P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<'
L2='L898902C36UTO7408122F3404159ZE184226B<<<<<16'
echo
echo "== vfy read: the built-in specimen through PACE (simulated chip)"
$vfy read --reader sim --mrz "$L1" "$L2"
echo "-- vfy read --json: the same through BAC (sim?pace=off)"
$vfy read --reader 'sim?pace=off' --json --doc L898902C3 --dob 740812 --expiry 340415
echo "-- vfy read: a short-APDU reader and a chip that cuts long answers at 231 bytes"
$vfy read --reader 'sim?reader=short&trunc_at=231' --can 123456
