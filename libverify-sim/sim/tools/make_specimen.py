#!/usr/bin/env python3
"""Writes the built-in specimen passport of the simulated chip into data/embed/specimen/:
EF_COM.bin, DG1.bin, DG2.bin and EF_CardAccess.bin (raw bytes as a chip would hold them).

The ICAO TD3 specimen (9303-4): ERIKSSON, ANNA MARIA, L898902C3, UTO, born 1974-08-12,
expiry moved to 2034-04-15. DG2 holds a synthetic portrait (tools/face_jpeg.c, no real
person) in an ISO/IEC 19794-5 record inside the ICAO biometric templates (9303-10 4.7.2).
EF.CardAccess offers PACE ECDH generic mapping, AES-128, brainpoolP256r1 (parameter 13).
EF.SOD, DG11/12/14/15 and the AA/CA keys come from the passive-authentication tooling.

Usage: python3 libverify-sim/sim/tools/make_specimen.py   (from the repository root; needs cc and libjpeg)
"""
import os
import subprocess
import sys
import tempfile

OUT = os.path.join("data", "embed", "specimen")
MRZ = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
       "L898902C36UTO7408122F3404159ZE184226B<<<<<16")


def length(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x100:
        return bytes([0x81, n])
    if n < 0x10000:
        return bytes([0x82, n >> 8, n & 0xFF])
    return bytes([0x83, n >> 16, (n >> 8) & 0xFF, n & 0xFF])


def tlv(tag, value):
    t = tag.to_bytes((tag.bit_length() + 7) // 8, "big")
    return t + length(len(value)) + value


def ef_com():
    return tlv(0x60, tlv(0x5F01, b"0107") + tlv(0x5F36, b"040000") + tlv(0x5C, bytes([0x61, 0x75])))


def dg1():
    assert len(MRZ) == 88
    return tlv(0x61, tlv(0x5F1F, MRZ.encode("ascii")))


def face_jpeg():
    here = os.path.dirname(os.path.abspath(__file__))
    with tempfile.TemporaryDirectory() as tmp:
        exe = os.path.join(tmp, "face_jpeg")
        subprocess.run(["cc", "-O2", "-o", exe, os.path.join(here, "face_jpeg.c"), "-ljpeg"], check=True)
        return subprocess.run([exe], check=True, stdout=subprocess.PIPE).stdout


def iso19794_5(jpeg, width=240, height=320):
    image_info = bytes([
        0x01,                   # face image type: full frontal
        0x00,                   # image data type: JPEG
    ]) + width.to_bytes(2, "big") + height.to_bytes(2, "big") + bytes([
        0x01,                   # colour space: 24-bit RGB
        0x02,                   # source type: digital still camera
        0x00, 0x00,             # device type: unspecified
        0x00, 0x00,             # quality: unspecified
    ])
    facial_info_len = 20 + len(image_info) + len(jpeg)
    facial_info = facial_info_len.to_bytes(4, "big") + bytes([
        0x00, 0x00,             # feature points: none
        0x02,                   # gender: female
        0x00,                   # eye colour: unspecified
        0x00,                   # hair colour: unspecified
        0x00, 0x00, 0x00,       # property mask
        0x00, 0x00,             # expression: unspecified
        0x00, 0x00, 0x00,       # pose angles
        0x00, 0x00, 0x00,       # pose angle uncertainty
    ])
    record_len = 14 + facial_info_len
    header = b"FAC\x00" + b"010\x00" + record_len.to_bytes(4, "big") + (1).to_bytes(2, "big")
    return header + facial_info + image_info + jpeg


def dg2():
    bht = tlv(0xA1, tlv(0x80, b"\x01\x01") + tlv(0x81, b"\x02") + tlv(0x82, b"\x00")
              + tlv(0x87, b"\x01\x01") + tlv(0x88, b"\x00\x08"))
    bit = tlv(0x7F60, bht + tlv(0x5F2E, iso19794_5(face_jpeg())))
    return tlv(0x75, tlv(0x7F61, tlv(0x02, b"\x01") + bit))


def card_access():
    # PACEInfo: id-PACE-ECDH-GM-AES-CBC-CMAC-128 (0.4.0.127.0.7.2.2.4.2.2), version 2, parameterId 13
    oid = bytes([0x04, 0x00, 0x7F, 0x00, 0x07, 0x02, 0x02, 0x04, 0x02, 0x02])
    info = tlv(0x30, tlv(0x06, oid) + tlv(0x02, b"\x02") + tlv(0x02, b"\x0d"))
    return tlv(0x31, info)


def main():
    os.makedirs(OUT, exist_ok=True)
    files = {"EF_COM.bin": ef_com(), "DG1.bin": dg1(), "DG2.bin": dg2(),
             "EF_CardAccess.bin": card_access()}
    for name, data in files.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
