#!/bin/sh
# Re-signs the built-in specimen passport of the simulated chip (data/embed/specimen/)
# with a fresh specimen PKI, and ships its CSCA as data/specimen/csca.pem.
#
# Kept from the simulated chip's own tooling (libverify-sim/sim/tools/make_specimen.py): DG1, DG2,
# EF_COM.bin and EF_CardAccess.bin. Written here: EF_SOD.bin (hashing DG1 and DG2 as
# they are), DG11, DG12, DG14 (Chip Authentication, ECDH brainpoolP256r1, AES-128),
# DG15 (RSA-1536 Active Authentication key), EF_CardSecurity.bin (EF.CardAccess's PACEInfo and
# DG14's SecurityInfos, signed by the same DS), aa_private.pem, chipauth_private.pem.
#
# Usage (from the repository root, after `make`): sh libverify-sim/specimen/tools/regen_builtin.sh
set -eu
vfy=${VFY:-build/bin/vfy}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$vfy" specimen --out "$tmp/s" --sig ecdsa --aa rsa --ca ec >/dev/null
# The generator copies the built-in DG1/DG2 when no --mrz/--photo is given: check it did.
cmp "$tmp/s/DG1.bin" data/embed/specimen/DG1.bin
cmp "$tmp/s/DG2.bin" data/embed/specimen/DG2.bin
for f in EF_SOD.bin EF_CardSecurity.bin DG11.bin DG12.bin DG14.bin DG15.bin aa_private.pem chipauth_private.pem; do
  cp "$tmp/s/$f" "data/embed/specimen/$f"
done
cp "$tmp/s/csca.pem" data/specimen/csca.pem
"$vfy" verify data/embed/specimen --trust data/specimen/csca.pem >/dev/null
echo "built-in specimen re-signed; anchor data/specimen/csca.pem"
