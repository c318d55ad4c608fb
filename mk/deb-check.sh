#!/bin/sh
# Builds the Debian packages from a clean copy of the committed tree (the suite already
# ran: nocheck), checks them with lintian at its default level, installs them, runs the
# installed vfy on the built-in simulated passport, and removes them again.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" archive --format=tar --prefix=libverify/ HEAD | tar -x -C "$work"
cd "$work/libverify"
DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log"; exit 1; }
cd "$work"
ls ./*.deb
lintian --fail-on error,warning ./*.deb
apt-get install -y --no-install-recommends ./libverify0_*.deb ./libverify-dev_*.deb \
  ./libverify-sim0_*.deb ./libverify-sim-dev_*.deb ./libverify-nfc_*.deb ./vfy_*.deb >/dev/null
vfy read --reader sim --trust /usr/share/libverify/specimen/csca.pem \
    --mrz 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F3404159ZE184226B<<<<<16' |
  grep -q 'genuine'
pkg-config --exists libverify
# vfy serve finds the installed console (/usr/share/libverify/console) without --console.
python3 - "$work" <<'PY'
import subprocess, sys, urllib.request
work = sys.argv[1]
p = subprocess.Popen(["vfy", "serve", "--reader", "sim", "--listen", "127.0.0.1:0",
                      "--token-file", work + "/token"], stdout=subprocess.PIPE, text=True,
                     cwd="/")
try:
    port = int(p.stdout.readline().rsplit(":", 1)[1])
    page = urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=10).read()
    assert b"console.js" in page, page[:200]
finally:
    p.terminate()
    p.wait(timeout=20)
PY
test -x /usr/libexec/libverify/vfy-nfc-worker
# The worker is its own package, which libverify0 recommends: a program that links
# libverify0 alone reaches libnfc readers too, without pulling libnfc into every install.
dpkg -S /usr/libexec/libverify/vfy-nfc-worker | grep -q '^libverify-nfc:'
dpkg-deb -f "$work"/libverify0_*.deb Recommends | grep -q 'libverify-nfc'
pkg-config --exists libverify-sim
test -f /usr/include/libverify/verify/sim.h
# The simulator's files are in its own packages only.
if dpkg -L libverify0 libverify-dev | grep -E 'sim\.h|specimen\.h|libverify-sim'; then
  echo "deb-check: simulator files in libverify0 or libverify-dev" >&2; exit 1
fi
apt-get remove -y vfy libverify-nfc libverify-sim-dev libverify-sim0 libverify-dev libverify0 >/dev/null
echo "deb-check: libverify0, libverify-dev, libverify-sim0, libverify-sim-dev, libverify-nfc and vfy built, lintian-clean, installed, ran (read, serve with its console), removed"
