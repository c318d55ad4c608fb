#!/bin/sh
# Installs the Debian packages libverify needs, when they are missing.
# As root it runs apt-get; otherwise it prints the command to run.
set -eu
PKGS="gcc make clang pkg-config libclang-rt-14-dev
 libssl-dev openssl libsodium-dev zlib1g-dev libjansson-dev libcriterion-dev
 libnfc-dev libnfc-bin libpcsclite-dev pcscd libeac-dev libldap-dev
 vsmartcard-vpcd python3-virtualsmartcard python3-pycryptodome python3-pyscard
 mrtdreader socat iproute2 util-linux python3-jsonschema gcovr
 libsqlite3-dev sqlite3 libmicrohttpd-dev libopenjp2-7-dev libpng-dev chromium python3-websocket g++ debhelper dpkg-dev lintian fakeroot"
missing=""
for p in $PKGS; do
  s=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
  case "$s" in ii*) ;; *) missing="$missing $p" ;; esac
done
if [ -z "$missing" ]; then
  echo "deps: all Debian packages present"
  exit 0
fi
echo "deps: missing:$missing"
if [ "$(id -u)" != 0 ]; then
  echo "deps: run as root:  apt-get install -y$missing" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
echo "deps: installed:$missing"
