#!/usr/bin/python3
"""libverify test rig: vsmartcard's vicc as an ICAO ePassport (BAC, 3DES secure
messaging) connected to vpcd, with the MRZ and LDS files a test chooses.

An independent chip implementation for the PC/SC tests. Debian 12's
python3-virtualsmartcard cannot run `vicc -t ePass` as shipped (see
shared/research/test-peers.md, section 1.1): its package directory is not on
sys.path, it imports 'Crypto' where Debian ships 'Cryptodome', CardGenerator
prompts with Python 2's raw_input(), and str/bytes mix-ups break TLV packing,
the BAC key XOR and secure messaging. This launcher imports Debian's modules
unchanged on disk, patches those few lines in memory while importing (each
patch must match exactly, so a changed package fails loudly instead of
silently), builds the passport itself and runs vicc's VirtualICC loop.

Further rig behaviour:
  * connects to vpcd with retries until --connect-timeout, so the test need
    not order start-up with sleeps;
  * re-arms TCP_QUICKACK before each recv (Debian's vpcd sends the length and
    the APDU in two writes without TCP_NODELAY: ~43 ms per APDU otherwise) and
    reads whole messages (vicc's single recv() may return part of one);
  * --sm icao (or --icao-sm): DO'99' in every SM response and every status
    word MACed, as ICAO 9303-11 requires; --sm no-do99: every response MACed
    but without DO'99' (what some chips send, which a terminal should accept);
    --sm stock (default): vicc as shipped — no DO'99', and status words other
    than 9000 unprotected, even 6282 with DO'87' data past the end of a file
    (unauthenticated data, which a terminal must refuse);
  * vicc's internal exceptions answer 6F00 instead of killing the card.

Usage: epass_vicc.py [--mrz MRZ88] [--dir DIR] [--port P] [--sm stock|no-do99|icao]
DIR may hold raw LDS files COM, SOD, DG1..DG16 (or EF_COM.bin, EF_SOD.bin,
DG1.bin ... as libverify dumps them); BAC keys always come from --mrz.
"""
import argparse
import importlib.abc
import importlib.util
import logging
import os
import socket
import sys
import time

PKG_ROOT = os.environ.get("VICC_PKG_ROOT",
                          "/usr/lib/python3/site-packages/virtualsmartcard")

# module -> [(old, new[, count])]: in-memory source fixes of Debian's vicc 0.8
PATCHES = {
    "TLVutils": [
        ('        result = result + value\n\n    return b"".join(result)',
         '        result = result + value\n\n    return result'),
    ],
    "CryptoUtils": [
        ("from Crypto.Cipher import", "from Cryptodome.Cipher import"),
        ("from Crypto.Hash import HMAC", "from Cryptodome.Hash import HMAC"),
        ("from Crypto.Hash import SHA, MD5", "from Cryptodome.Hash import SHA, MD5"),
        ('    result = []\n    for i in range(len(string1)):\n'
         '        result.append(chr(op(ord(string1[i]), ord(string2[i]))))\n'
         '    return "".join(result)',
         '    return bytes([op(a, b) for a, b in zip(string1, string2)])'),
        # The send sequence counter is 8 bytes (9303-11 9.8.6.3), but inttostring()
        # without a length drops leading zero bytes: whenever the random counter starts
        # with 00 (1 session in 256) vicc MACs over 7 bytes and answers 6988 to the
        # terminal's first protected command, a flaky test rather than a finding.
        ("            data = inttostring(ssc) + data",
         "            data = inttostring(ssc, 8) + data"),
    ],
    "SEutils": [
        ('        return_data = ["", ]\n', '        return_data = [b"", ]\n'),
        ('            to_authenticate = ""\n', '            to_authenticate = b""\n'),
        ("padding_indicator = stringtoint(value[0])",
         "padding_indicator = value[0]"),
        ('data="".join(return_data))', 'data=b"".join(return_data))'),
        ('        return_data = ""\n', '        return_data = b""\n'),
        ('        if result != "":  # Encrypt', '        if result != b"":  # Encrypt'),
        ('            encrypted = "\\x01" + encrypted',
         '            encrypted = b"\\x01" + encrypted'),
    ],
}


class _PatchingLoader(importlib.abc.SourceLoader):
    def __init__(self, name, path):
        self.name, self.path = name, path

    def get_filename(self, fullname):
        return self.path

    def get_data(self, path):
        with open(path, "rb") as f:
            src = f.read().decode("utf-8")
        for patch in PATCHES.get(self.name.rsplit(".", 1)[-1], []):
            old, new, want = (patch + (1,))[:3]
            found = src.count(old)
            if found != want:
                raise ImportError("epass_vicc: patch for %s matched %d times: %r"
                                  % (self.name, found, old[:60]))
            src = src.replace(old, new)
        return src.encode("utf-8")

    def path_stats(self, path):   # never use byte code compiled from the unpatched file
        raise OSError


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if fullname != "virtualsmartcard" and not fullname.startswith("virtualsmartcard."):
            return None
        base = os.path.join(PKG_ROOT, *fullname.split("."))
        if os.path.isdir(base):
            fn = os.path.join(base, "__init__.py")
            return importlib.util.spec_from_file_location(
                fullname, fn, loader=_PatchingLoader(fullname, fn),
                submodule_search_locations=[base])
        if os.path.exists(base + ".py"):
            return importlib.util.spec_from_file_location(
                fullname, base + ".py", loader=_PatchingLoader(fullname, base + ".py"))
        return None


sys.meta_path.insert(0, _Finder())

from virtualsmartcard.CardGenerator import CardGenerator  # noqa: E402
from virtualsmartcard.SmartcardFilesystem import MF, DF, TransparentStructureEF  # noqa: E402
from virtualsmartcard.TLVutils import pack  # noqa: E402
from virtualsmartcard.cards.ePass import PassportSAM  # noqa: E402
from virtualsmartcard.VirtualSmartcard import VirtualICC  # noqa: E402

# ICAO 9303-11 appendix D worked example (document L898902C<, 690806, 940623)
DEFAULT_MRZ = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
               "L898902C<3UTO6908061F9406236ZE184226B<<<<<14")

LDS = {"COM": (0x011E, 0x1E), "SOD": (0x011D, 0x1D)}
for _n in range(1, 17):
    LDS["DG%d" % _n] = (0x0100 + _n, _n)
DG_TAGS = {1: 0x61, 2: 0x75, 3: 0x63, 4: 0x76, 5: 0x65, 6: 0x66, 7: 0x67, 8: 0x68,
           9: 0x69, 10: 0x6A, 11: 0x6B, 12: 0x6C, 13: 0x6D, 14: 0x6E, 15: 0x6F, 16: 0x70}


def build_files(mrz, directory):
    files = {}
    raw = mrz.encode("ascii")
    dg1 = pack([(0x5F1F, len(raw), raw)])
    files["DG1"] = pack([(0x61, len(dg1), dg1)])
    if directory:
        for name in LDS:
            for fn in (name, "EF_%s.bin" % name, "%s.bin" % name):
                p = os.path.join(directory, fn)
                if os.path.exists(p):
                    with open(p, "rb") as f:
                        files[name] = f.read()
                    break
    if "COM" not in files:
        tags = bytes(DG_TAGS[n] for n in range(1, 17) if "DG%d" % n in files)
        com = pack([(0x5F01, 4, b"0107"), (0x5F36, 6, b"040000"), (0x5C, len(tags), tags)])
        files["COM"] = pack([(0x60, len(com), com)])
    return files


def protected_response(with_do99):
    """An SM response builder for vicc's ePass: DO'87' (when data), DO'99'
    (when with_do99), DO'8E' over them, whatever the status word."""
    def protect(self, sw, result):
        from virtualsmartcard.utils import inttostring
        import virtualsmartcard.CryptoUtils as vsCrypto
        out = b""
        if result:
            enc = b"\x01" + self.encipher(0x82, 0x80, result)
            out += pack([(0x87, len(enc), enc)])
        if with_do99:
            out += pack([(0x99, 2, inttostring(sw, 2))])
        mac = self.compute_cryptographic_checksum(
            0x8E, 0x80, vsCrypto.append_padding(self.cct.blocklength, out))
        return sw, out + pack([(0x8E, len(mac), mac)])
    return protect


def make_card(files, mrz, sm_mode):
    if sm_mode != "stock":
        from virtualsmartcard.cards.ePass import ePass_SE
        ePass_SE.protect_response = protected_response(sm_mode == "icao")
    mf = MF()
    df = DF(parent=mf, fid=4, dfname=b"\xa0\x00\x00\x02\x47\x10\x01", bertlv_data=[])
    for name, data in files.items():
        fid, sfi = LDS[name]
        df.append(TransparentStructureEF(parent=df, fid=fid, shortfid=sfi,
                                         filedescriptor=0, data=data))
    mf.append(df)
    sam = PassportSAM(mf)   # derives the BAC keys from DG1 at offset 5
    if files["DG1"][5:] != mrz.encode("ascii"):
        sam.mrz2 = mrz.encode("ascii")[44:]
        sam._PassportSAM__computeKeys()
    return mf, sam


class WholeMessageSocket:
    """Reads whole vpcd messages, and ACKs at once (TCP_QUICKACK)."""

    def __init__(self, sock):
        self._s = sock

    def recv(self, n, *args):
        buf = b""
        while len(buf) < n:
            try:
                self._s.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            except OSError:
                pass
            chunk = self._s.recv(n - len(buf), *args)
            if not chunk:
                return buf
            buf += chunk
        return buf

    def __getattr__(self, name):
        return getattr(self._s, name)


def connect_with_retry(host, port, timeout_s):
    deadline = time.monotonic() + timeout_s
    while True:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.connect((host, port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mrz", default=DEFAULT_MRZ)
    ap.add_argument("--dir")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=35963)
    ap.add_argument("--connect-timeout", type=float, default=10.0)
    ap.add_argument("--sm", choices=["stock", "no-do99", "icao"], default="stock")
    ap.add_argument("--icao-sm", dest="sm", action="store_const", const="icao")
    ap.add_argument("-v", "--verbose", action="count", default=0)
    a = ap.parse_args()
    if len(a.mrz) != 88:
        sys.exit("epass_vicc: --mrz takes the 88 characters of a TD3 MRZ")
    files = build_files(a.mrz, a.dir)
    mf, sam = make_card(files, a.mrz, a.sm)
    CardGenerator.getCard = lambda self: (mf, sam)
    timeout = a.connect_timeout
    VirtualICC.connectToPort = staticmethod(lambda h, p: connect_with_retry(h, p, timeout))
    level = [logging.CRITICAL, logging.ERROR, logging.WARNING, logging.INFO,
             logging.DEBUG][min(a.verbose, 4)]
    vicc = VirtualICC(None, "ePass", a.host, a.port, logginglevel=level)
    vicc.sock = WholeMessageSocket(vicc.sock)
    execute = vicc.os.execute

    def guarded(msg):
        try:
            return execute(msg)
        except Exception:
            logging.exception("vicc failed on %s", msg.hex())
            return b"\x6f\x00"
    vicc.os.execute = guarded
    print("epass_vicc: connected; files %s" % " ".join(sorted(files)), flush=True)
    try:
        vicc.run()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
