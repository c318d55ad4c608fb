#!/usr/bin/env python3
"""The officer console end to end in a real browser: Debian's chromium, headless, driven
through the DevTools protocol (python3-websocket). A specimen made by `vfy specimen` is
served by `vfy serve` on `sim:DIR?present=FILE`; the script plays the kiosk's MRZ scanner
(it posts the MRZ) and the traveller (it creates and removes FILE), and reads what the
officer sees. A clone is the same folder with one byte of the face changed: its hash no
longer matches EF.SOD. Screenshots of each state go to --shots. Every wait is bounded.

With --face-format jp2 the specimen's face is JPEG 2000, which no browser shows: the
console must show the PNG the service converted it to (240x320, the synthetic face).

usage: console_e2e.py --vfy BIN --console DIR --work DIR --shots DIR [--face-format jpeg|jp2]
"""
import argparse
import base64
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import websocket

L1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
L2 = "L898902C36UTO7408122F3404159ZE184226B<<<<<16"
from checks import check, summary  # noqa: E402 (tests/tools/checks.py)


class Page:
    def __init__(self, ws_url):
        self.ws = websocket.create_connection(ws_url, timeout=20)
        self.next = 0

    def call(self, method, **params):
        self.next += 1
        self.ws.send(json.dumps({"id": self.next, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next:
                if "error" in msg:
                    raise RuntimeError("%s: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        return r.get("result", {}).get("value")

    def wait(self, expr, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.js(expr):
                return True
            time.sleep(0.05)
        print("state while waiting for %s: %s" % (what, self.js(
            "JSON.stringify({phase: $('phase').textContent, verdict: $('verdict').textContent, link: $('link').textContent})")))
        return check(False, "the console did not reach: " + what)

    def shot(self, path):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))


def post_mrz(port, token):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request("POST", "/api/v1/inspections", json.dumps({"mrz": [L1, L2]}).encode(),
              {"Content-Type": "application/json", "Authorization": "Bearer " + token})
    r = c.getresponse()
    body = r.read()
    c.close()
    check(r.status == 202, "POST mrz: %d %r" % (r.status, body[:120]))


def main():
    ap = argparse.ArgumentParser()
    for a in ("--vfy", "--console", "--work", "--shots"):
        ap.add_argument(a, required=True)
    ap.add_argument("--face-format", default="jpeg", choices=("jpeg", "jp2"))
    a = ap.parse_args()
    os.makedirs(a.shots, exist_ok=True)
    doc = os.path.join(a.work, "doc")
    on = os.path.join(a.work, "on-reader")
    subprocess.run([a.vfy, "specimen", "--out", doc, "--face-format", a.face_format], check=True,
                   stdout=subprocess.DEVNULL)
    # setpriv: the service and the browser die with this script, however it ends.
    serve = subprocess.Popen(
        ["setpriv", "--pdeathsig", "KILL", a.vfy, "serve", "--reader", "sim:%s?present=%s" % (doc, on), "--trust",
         os.path.join(doc, "csca.pem"), "--listen", "127.0.0.1:0", "--token-file",
         os.path.join(a.work, "token"), "--console", a.console],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    chrome = None
    try:
        line = serve.stdout.readline()
        port = int(line.rsplit(":", 1)[1])
        token = open(os.path.join(a.work, "token")).read().strip()
        profile = os.path.join(a.work, "chrome")
        chrome = subprocess.Popen(
            ["setpriv", "--pdeathsig", "KILL", "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
             "--user-data-dir=" + profile, "--window-size=1280,1900", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        active = os.path.join(profile, "DevToolsActivePort")
        deadline = time.monotonic() + 30
        while not os.path.exists(active) and time.monotonic() < deadline:
            time.sleep(0.05)
        devport = int(open(active).read().split()[0])
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % devport, timeout=10))
        page = Page([t for t in targets if t["type"] == "page"][0]["webSocketDebuggerUrl"])
        page.call("Page.enable")
        page.call("Page.navigate", url="http://127.0.0.1:%d/" % port)
        page.wait("document.readyState === 'complete' && typeof $ === 'function' && !!$('verdict')", "the page loaded")
        check(page.js("$('token') === document.activeElement"),
              "the token field has the keyboard focus")
        page.js("$('token').value = %s; $('login').requestSubmit(); true" % json.dumps(token))
        page.wait("$('link').textContent === 'Reader ready' || $('link').textContent === 'Connected'", "connected")
        # record every phase the officer is shown
        page.js("window.seen = []; new MutationObserver(() => seen.push($('phase').textContent))"
                ".observe($('phase'), {childList: true, characterData: true, subtree: true}); true")
        check(page.js("$('phase').textContent") == "Place your document on the reader", "place prompt")
        page.shot(os.path.join(a.shots, "1-place-document.png"))

        # the specimen: genuine, with its face
        post_mrz(port, token)
        open(on, "w").close()
        page.wait("$('verdict').textContent === 'GENUINE' && $('photo').naturalWidth > 0 && !$('photo').hidden",
                  "GENUINE with the photo")
        if a.face_format == "jp2":
            # the JPEG 2000 face, decoded: the synthetic portrait's own size, served as PNG
            check(page.js("[$('photo').naturalWidth, $('photo').naturalHeight]") == [240, 320],
                  "the JPEG 2000 face is shown at 240x320: %s"
                  % page.js("[$('photo').naturalWidth, $('photo').naturalHeight]"))
        check(any(p.startswith("Reading the chip") for p in page.js("seen")),
              "progress was shown: %s" % page.js("seen"))
        check(page.js("getComputedStyle($('verdict')).backgroundColor") == "rgb(11, 107, 46)",
              "genuine is green")
        check(page.js("document.querySelectorAll('#checks td.failed').length") == 0,
              "no failing check on the specimen")
        page.shot(os.path.join(a.shots, "2-genuine.png"))
        os.unlink(on)
        page.wait("$('result').hidden && $('phase').textContent === 'Place your document on the reader'"
                  " && !$('photo').getAttribute('src')", "cleared after removal")
        page.shot(os.path.join(a.shots, "3-cleared.png"))

        # a clone: one byte of the face changed; EF.SOD's hash of DG2 no longer holds
        dg2 = os.path.join(doc, "DG2.bin")
        data = bytearray(open(dg2, "rb").read())
        data[-100] ^= 0x01
        open(dg2, "wb").write(bytes(data))
        post_mrz(port, token)
        open(on, "w").close()
        page.wait("$('verdict').textContent === 'INVALID'", "INVALID for the clone")
        check(page.js("getComputedStyle($('verdict')).backgroundColor") == "rgb(176, 0, 32)",
              "invalid is red")
        failing = page.js("Array.from(document.querySelectorAll('#checks tr'))"
                          ".filter(r => r.cells[1] && r.cells[1].textContent === 'failed')"
                          ".map(r => r.cells[0].textContent + ': ' + r.cells[2].textContent)")
        check(failing is not None and len(failing) > 0, "the failing checks are listed: %s" % failing)
        page.shot(os.path.join(a.shots, "4-clone-invalid.png"))
        os.unlink(on)
        page.wait("$('result').hidden && $('phase').textContent === 'Place your document on the reader'",
                  "cleared after the clone's removal")
    finally:
        if chrome is not None:
            chrome.terminate()
            try:
                chrome.wait(timeout=10)
            except subprocess.TimeoutExpired:
                chrome.kill()
        serve.send_signal(signal.SIGTERM)
        try:
            check(serve.wait(timeout=20) == 0, "vfy serve stopped cleanly")
        except subprocess.TimeoutExpired:
            serve.kill()
            check(False, "vfy serve did not stop")
    return summary()


if __name__ == "__main__":
    sys.exit(main())
