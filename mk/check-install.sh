#!/bin/sh
# Installs into a scratch prefix (with a multiarch LIBDIR) and builds the examples against
# the installed headers and pkg-config file only, with -pedantic, plus a C++ program
# through <libverify/verify.h>; runs them against the installed shared libraries (the
# examples that read a passport link libverify-sim, the simulated chip's library, and
# one of them is also linked statically from the installed archives); checks that each
# shared library exports its public API only; then uninstalls and checks that nothing is
# left behind.
set -eu
build=${1:-build}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
libdir=/usr/lib/x86_64-linux-gnu
make --no-print-directory install PREFIX=/usr LIBDIR=$libdir DESTDIR="$dest" BUILD="$build" >/dev/null
export PKG_CONFIG_SYSROOT_DIR="$dest" PKG_CONFIG_PATH="$dest$libdir/pkgconfig"
n=0
for ex in examples/*.c; do
  out="$dest/$(basename "$ex" .c)"
  pc=libverify
  if grep -q '<verify/sim.h>' "$ex"; then pc=libverify-sim; fi
  cc -std=c11 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags $pc) -I"$dest/usr/include" \
     "$ex" -o "$out" -L"$dest$libdir" $(pkg-config --libs $pc) -Wl,-rpath,"$dest$libdir"
  n=$((n+1))
done
test "$(pkg-config --modversion libverify-sim)" = "$(pkg-config --modversion libverify)"
# Statically, from the installed archives: their namespaces hold the exported API only.
cc -std=c11 -Wall -Wextra -Werror -pedantic $(pkg-config --cflags libverify-sim) \
   examples/verify_passport.c -o "$dest/verify_passport_static" \
   "$dest$libdir/libverify-sim.a" "$dest$libdir/libverify.a" \
   $(pkg-config --libs --static libverify-sim | tr ' ' '\n' | grep -vE '^-l(verify|verify-sim)$' | tr '\n' ' ')
# C++: only the collision-free include path, no -I of the libverify folder.
c++ -std=c++20 -Wall -Wextra -Werror -pedantic -I"$dest/usr/include" mk/install_check.cpp \
    -o "$dest/cxx_check" -L"$dest$libdir" -lverify -Wl,-rpath,"$dest$libdir"
"$dest/cxx_check" >/dev/null
# The installed shared library runs.
"$dest/mrz_check" 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' \
                  'L898902C36UTO7408122F1204159ZE184226B<<<<<10' >/dev/null
# ... and reads and verifies the built-in specimen through the installed library, with the
# installed specimen CSCA.
"$dest/verify_passport" sim "$dest/usr/share/libverify/specimen/csca.pem" \
    'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F3404159ZE184226B<<<<<16' |
    grep -q '^genuine'
"$dest/verify_passport_static" sim "$dest/usr/share/libverify/specimen/csca.pem" \
    'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<' 'L898902C36UTO7408122F3404159ZE184226B<<<<<16' |
    grep -q '^genuine'
if readelf -d "$dest/verify_passport_static" | grep -q 'NEEDED.*libverify'; then
  echo "check-install: the static example needs a libverify shared library" >&2; exit 1
fi
test -f "$dest/usr/share/man/man1/vfy.1"
# Every installed path that the installed man page and vfy --help name is there, and
# neither points into the source tree's data/ (nor keeps a placeholder).
! grep -q '@DATADIR@' "$dest/usr/share/man/man1/vfy.1"
named=$( { cat "$dest/usr/share/man/man1/vfy.1"; "$dest/usr/bin/vfy" --help; "$dest/usr/bin/vfy" read --help;
           "$dest/usr/bin/vfy" rules --help; "$dest/usr/bin/vfy" serve --help; } |
         grep -o '/usr/share/libverify/[A-Za-z0-9_./-]*' | sed 's/[.,)]*$//' | sort -u)
test -n "$named"
for p in $named; do
  test -e "$dest$p" || { echo "check-install: $p is named but not installed" >&2; exit 1; }
done
if "$dest/usr/bin/vfy" --help | grep -q ' data/'; then echo "check-install: help names data/" >&2; exit 1; fi
test -f "$dest/usr/share/libverify/schema/inspection.schema.json"
test ! -e "$dest/usr/share/libverify/rules/keys/DEVELOPMENT-ONLY-rules-signing.key"
# Exports: vfy_* under the LIBVERIFY_0 version node, nothing else.
other=$(nm -D --defined-only "$dest$libdir/libverify.so" | awk '$2 ~ /[TDBR]/ {print $3}' |
        grep -v '^vfy_' | grep -v '^LIBVERIFY_0$' || true)
if [ -n "$other" ]; then echo "check-install: exported beyond vfy_*: $other" >&2; exit 1; fi
objdump -T "$dest$libdir/libverify.so" | grep -q 'LIBVERIFY_0 *vfy_version$'
other=$(nm -D --defined-only "$dest$libdir/libverify-sim.so" | awk '$2 ~ /[TDBR]/ {print $3}' |
        grep -vE '^vfy_(sim|specimen)_' | grep -v '^LIBVERIFY_SIM_0$' || true)
if [ -n "$other" ]; then echo "check-install: libverify-sim exports beyond its API: $other" >&2; exit 1; fi
objdump -T "$dest$libdir/libverify-sim.so" | grep -q 'LIBVERIFY_SIM_0 *vfy_sim_register$'
if nm -D "$dest$libdir/libverify.so" | grep -qE 'vfy_(sim|specimen)_'; then
  echo "check-install: libverify.so holds simulator symbols" >&2; exit 1
fi
# Uninstall leaves nothing.
make --no-print-directory uninstall PREFIX=/usr LIBDIR=$libdir DESTDIR="$dest" BUILD="$build" >/dev/null
left=$(cd "$dest" && find usr -type f -o -type l | head -5)
if [ -n "$left" ]; then echo "check-install: uninstall left: $left" >&2; exit 1; fi
echo "check-install: installed, $n C examples (one also static) and a C++ program built against the installed API, exports of libverify and libverify-sim checked, uninstalled cleanly"
