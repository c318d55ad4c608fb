#!/bin/sh
# Installs into a scratch prefix and builds the examples against the installed headers
# and pkg-config file only, with -pedantic: proves the public API stands on its own.
set -eu
build=${1:-build}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
make --no-print-directory install PREFIX=/usr DESTDIR="$dest" BUILD="$build" >/dev/null
export PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_PATH="$dest/usr/lib/pkgconfig"
flags="$(pkg-config --cflags libverify) -I$dest/usr/include"
libs="-L$dest/usr/lib $(pkg-config --libs --static libverify)"
n=0
for ex in examples/*.c; do
  out="$dest/$(basename "$ex" .c)"
  cc -std=c11 -Wall -Wextra -Werror -pedantic $flags "$ex" -o "$out" $libs -Wl,-rpath,"$dest/usr/lib"
  n=$((n+1))
done
# The installed shared library runs.
"$dest/mrz_check" 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' \
                  'L898902C36UTO7408122F1204159ZE184226B<<<<<10' >/dev/null
# ... and reads and verifies the built-in specimen through the installed library.
"$dest/verify_passport" sim data/specimen/csca.pem \
    'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F3404159ZE184226B<<<<<16' |
    grep -q '^genuine'
test -f "$dest/usr/share/man/man1/vfy.1"
echo "check-install: installed, $n examples built against the installed API"
