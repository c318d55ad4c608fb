#!/usr/bin/env python3
"""Drives a running `vfy serve` (started by tests/test_serve.c on the simulated reader
`sim?present=FILE`) through its whole HTTP contract (docs/service.md) and checks every
answer against the JSON Schemas of docs/schema/. Standard library and python3-jsonschema
only. Every wait is bounded; exits 0 when every check passed, 1 with the failures listed.

usage: serve_check.py --port N --token-file F --presence F --schemas DIR --mrz L1 L2
"""
import argparse
import http.client
import json
import os
import queue
import signal
import sys
import threading
import time

import jsonschema

from checks import check, summary  # noqa: E402 (tests/tools/checks.py)


class Service:
    def __init__(self, port, token, schemas):
        self.port = port
        self.token = token
        self.schemas = schemas

    def request(self, method, path, body=None, headers=None, token=True):
        h = {} if headers is None else dict(headers)
        if token is True:
            h["Authorization"] = "Bearer " + self.token
        elif isinstance(token, str):
            h["Authorization"] = token
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data

    def post_json(self, obj=None, raw=None, ctype="application/json", **kw):
        body = raw if raw is not None else json.dumps(obj).encode()
        return self.request("POST", "/api/v1/inspections", body, {"Content-Type": ctype}, **kw)

    def valid(self, name, obj, what):
        try:
            jsonschema.validate(obj, self.schemas[name])
            return check(True, what)
        except jsonschema.ValidationError as e:
            return check(False, "%s: %s does not match %s: %s" % (what, obj, name, e.message))


class Events(threading.Thread):
    """The event stream, read on its own connection; events land in a queue."""

    def __init__(self, port, token):
        super().__init__(daemon=True)
        self.q = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/api/v1/events", headers={"Authorization": "Bearer " + token})
        self.resp = self.conn.getresponse()

    def run(self):
        kind, data = None, None
        try:
            while True:
                line = self.resp.fp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: "):
                    data = json.loads(line[6:])
                elif line == "" and kind is not None:
                    self.q.put((kind, data))
                    kind, data = None, None
        except (OSError, ValueError):
            return

    def wait_for(self, kind, job=None, timeout=30):
        """The first event of this kind (for this job), skipping others; None on timeout."""
        deadline = time.monotonic() + timeout
        seen = []
        while time.monotonic() < deadline:
            try:
                k, d = self.q.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                break
            seen.append(k)
            if k == kind and (job is None or d.get("id") == job):
                return d
        print("events seen while waiting for %s: %s" % (kind, seen), flush=True)
        return None

    def drain(self):
        out = []
        while True:
            try:
                out.append(self.q.get_nowait())
            except queue.Empty:
                return out


def error_is(svc, status, hdr, data, want_status, want_code, what, field=None):
    check(status == want_status, "%s: HTTP %d, want %d" % (what, status, want_status))
    try:
        e = json.loads(data)
    except ValueError:
        return check(False, "%s: body is not JSON: %r" % (what, data[:80]))
    svc.valid("service-error", e, what + " (error shape)")
    check(isinstance(e.get("status"), int) and e.get("schema") == "libverify.error/1",
          "%s: status member %s (the libverify status number)" % (what, e.get("status")))
    if want_code.endswith("*"):
        check(e.get("code", "").startswith(want_code[:-1]), "%s: code %s" % (what, e.get("code")))
    else:
        check(e.get("code") == want_code, "%s: code %s, want %s" % (what, e.get("code"), want_code))
    if field is not None:
        check(e.get("field") == field, "%s: field %s, want %s" % (what, e.get("field"), field))
    return e


def headers_hardened(hdr, what):
    csp = hdr.get("content-security-policy", "")
    check("script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp,
          "%s: Content-Security-Policy %r" % (what, csp))
    check(hdr.get("x-content-type-options") == "nosniff", what + ": nosniff")
    check(hdr.get("cache-control") == "no-store", what + ": no-store")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--token-file", required=True)
    ap.add_argument("--presence", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--mrz", nargs=2, required=True)
    ap.add_argument("--pid", type=int, help="the service's process, for SIGHUP")
    a = ap.parse_args()
    token = open(a.token_file).read().strip()
    schemas = {}
    for n in ("service-error", "service-health", "service-inspection", "service-request",
              "inspection", "trust-status"):
        with open(os.path.join(a.schemas, n + ".schema.json")) as f:
            schemas[n] = json.load(f)
    svc = Service(a.port, token, schemas)
    good = {"mrz": a.mrz}
    svc.valid("service-request", good, "the test's own request matches the request schema")

    # health: no token needed; trust freshness from the library
    st, hdr, data = svc.request("GET", "/api/v1/health", token=False)
    check(st == 200, "health: HTTP %d" % st)
    headers_hardened(hdr, "health")
    h = json.loads(data)
    svc.valid("service-health", h, "health")
    svc.valid("trust-status", h["trust"], "health.trust")
    check(h["readers"] == [{"kind": "sim", "attached": True}], "health readers %s" % h["readers"])

    ev = Events(a.port, token)
    ev.start()
    check(ev.resp.status == 200 and ev.resp.getheader("Content-Type") == "text/event-stream",
          "events: 200 text/event-stream")

    # 401: no token, wrong token, another scheme, a token one character short
    for what, tok in (("no token", False), ("wrong token", "Bearer " + "0" * len(token)),
                      ("basic scheme", "Basic " + token), ("short token", "Bearer " + token[:-1])):
        st, hdr, data = svc.post_json(good, token=tok)
        error_is(svc, st, hdr, data, 401, "VFY_E_UNAUTHORIZED", "POST with " + what)
        check(hdr.get("www-authenticate", "").startswith("Bearer"), what + ": WWW-Authenticate")
        st, hdr, data = svc.request("GET", "/api/v1/inspections/" + "0" * 32, token=tok)
        error_is(svc, st, hdr, data, 401, "VFY_E_UNAUTHORIZED", "GET result with " + what)
    st, hdr, data = svc.request("GET", "/api/v1/events", token=False)
    error_is(svc, st, hdr, data, 401, "VFY_E_UNAUTHORIZED", "events without token")

    # another origin is refused, even with the token; the service's own is not
    st, hdr, data = svc.post_json(good, headers=None) if False else (None, None, None)
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=20)
    c.request("POST", "/api/v1/inspections", json.dumps(good).encode(),
              {"Content-Type": "application/json", "Authorization": "Bearer " + token,
               "Origin": "http://attacker.invalid"})
    r = c.getresponse()
    error_is(svc, r.status, {}, r.read(), 403, "VFY_E_ORIGIN_REFUSED", "POST from another origin")
    c.close()
    st, hdr, data = svc.request("GET", "/", headers={"Origin": "http://127.0.0.1:1"}, token=False)
    error_is(svc, st, hdr, data, 403, "VFY_E_ORIGIN_REFUSED", "console from another port")

    # malformed requests: 400/413 with the error shape, and the reader is never touched
    cases = [
        ("invalid JSON", dict(raw=b'{"mrz": ['), 400, "VFY_E_REQUEST_MALFORMED", None),
        ("not an object", dict(raw=b'["x"]'), 400, "VFY_E_REQUEST_MALFORMED", None),
        ("unknown member", dict(obj={"mrz": a.mrz, "pin": "1234"}), 400, "VFY_E_REQUEST_MALFORMED", "pin"),
        ("duplicate member", dict(raw=b'{"can":"123456","can":"123456"}'), 400, "VFY_E_REQUEST_MALFORMED", None),
        ("both mrz and can", dict(obj={"mrz": a.mrz, "can": "123456"}), 400, "VFY_E_REQUEST_MALFORMED", "can"),
        ("neither", dict(obj={}), 400, "VFY_E_REQUEST_MALFORMED", "mrz"),
        ("one MRZ line", dict(obj={"mrz": a.mrz[:1]}), 400, "VFY_E_REQUEST_MALFORMED", "mrz"),
        ("MRZ line too long", dict(obj={"mrz": [a.mrz[0] + "<", a.mrz[1]]}), 400, "VFY_E_REQUEST_MALFORMED", "mrz"),
        ("bad check digit", dict(obj={"mrz": [a.mrz[0], a.mrz[1][:9] + "0" + a.mrz[1][10:]]}), 400, "VFY_E_MRZ_CHECK_DIGIT", "mrz"),
        # every check digit holds, but 9303-5 allows no Q on a TD1 card: the library's own
        # finding, VFY_E_MRZ_DOCUMENT_CODE, is the error's code
        ("document code 9303 forbids", dict(obj={"mrz": ["Q<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
                                                         "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]}), 400, "VFY_E_MRZ_DOCUMENT_CODE", "mrz"),
        ("not MRZ characters", dict(obj={"mrz": ["p<uto", "x"]}), 400, "VFY_E_MRZ_*", "mrz"),
        ("CAN not digits", dict(obj={"can": "12a456"}), 400, "VFY_E_*", "can"),
        ("CAN a number", dict(obj={"can": 123456}), 400, "VFY_E_REQUEST_MALFORMED", "can"),
        ("seal odd hex", dict(obj={"can": "123456", "seal": "abc"}), 400, "VFY_E_REQUEST_MALFORMED", "seal"),
        ("seal not hex", dict(obj={"can": "123456", "seal": "zz"}), 400, "VFY_E_REQUEST_MALFORMED", "seal"),
        ("case without rules", dict(obj={"can": "123456", "case": {}}), 400, "VFY_E_REQUEST_MALFORMED", "case"),
        ("text/plain", dict(obj=good, ctype="text/plain"), 400, "VFY_E_REQUEST_MEDIA_TYPE", None),
        ("form", dict(obj=good, ctype="application/x-www-form-urlencoded"), 400, "VFY_E_REQUEST_MEDIA_TYPE", None),
        ("latin-1 JSON", dict(obj=good, ctype="application/json; charset=latin-1"), 400, "VFY_E_REQUEST_MEDIA_TYPE", None),
        ("body over 64 KiB", dict(raw=b'{"can":"' + b"1" * 65536 + b'"}'), 413, "VFY_E_REQUEST_TOO_LARGE", None),
        ("NUL in string", dict(raw=b'{"can":"12\\u00003456"}'), 400, "VFY_E_REQUEST_MALFORMED", None),
    ]
    for what, kw, want, code, field in cases:
        st, hdr, data = svc.post_json(**kw)
        e = error_is(svc, st, hdr, data, want, code, what, field)
        headers_hardened(hdr, what)
        if what == "invalid JSON" and isinstance(e, dict):
            check(e.get("offset") == 9, "invalid JSON: offset %s, want 9" % e.get("offset"))
    # exactly 64 KiB is still read (and refused only for what it says)
    body = b'{"can":"' + b"1" * (65536 - 10) + b'"}'
    check(len(body) == 65536, "boundary body length")
    st, hdr, data = svc.post_json(raw=body)
    error_is(svc, st, hdr, data, 400, "VFY_E_REQUEST_MALFORMED", "64 KiB body", "can")
    st, hdr, data = svc.request("GET", "/api/v1/health", token=False)
    check(json.loads(data)["pending"] == 0, "no malformed request was queued")
    touched = [k for k, _ in ev.drain() if k not in ("reader_attached",)]
    check(touched == [], "malformed requests touched the reader: events %s" % touched)

    # unknown ids, methods and paths
    for what, method, path, want in (
            ("unknown id", "GET", "/api/v1/inspections/" + "0" * 32, 404),
            ("malformed id", "GET", "/api/v1/inspections/..%2f..%2fetc", 404),
            ("upper-case id", "GET", "/api/v1/inspections/" + "A" * 32, 404),
            ("unknown endpoint", "GET", "/api/v1/nothing", 404),
            ("PUT inspections", "PUT", "/api/v1/inspections", 405),
            ("DELETE a result", "DELETE", "/api/v1/inspections/" + "0" * 32, 405),
            ("POST health", "POST", "/api/v1/health", 405)):
        st, hdr, data = svc.request(method, path, b"" if method in ("PUT", "POST") else None)
        error_is(svc, st, hdr, data, want, "VFY_E_*", what)

    # a traveller: posted, then the document is placed, read, inspected, removed
    st, hdr, data = svc.post_json(good)
    check(st == 202, "POST mrz: HTTP %d %r" % (st, data[:200]))
    acc = json.loads(data)
    svc.valid("service-inspection", acc, "202 body")
    job = acc["id"]
    check(hdr.get("location") == "/api/v1/inspections/" + job, "Location header")
    check(ev.wait_for("waiting_for_document", job) is not None, "waiting_for_document event")
    st, hdr, data = svc.request("GET", "/api/v1/inspections/" + job)
    r = json.loads(data)
    svc.valid("service-inspection", r, "pending result")
    check(st == 200 and r["status"] == "pending", "before placement: %s" % r.get("status"))
    open(a.presence, "w").close()
    check(ev.wait_for("document_placed", job) is not None, "document_placed event")
    p = ev.wait_for("progress", job)
    check(p is not None and p.get("phase") == "reading" and 0 <= p.get("percent", -1) <= 100,
          "progress event %s" % p)
    ready = ev.wait_for("result_ready", job)
    check(ready is not None and ready.get("verdict") == "genuine", "result_ready %s" % ready)
    st, hdr, data = svc.request("GET", "/api/v1/inspections/" + job)
    r = json.loads(data)
    svc.valid("service-inspection", r, "done result")
    if check(r.get("status") == "done", "done: %s" % r.get("status")):
        svc.valid("inspection", r["inspection"], "the library's inspection JSON")
        check(r["inspection"]["verdict"] == "genuine", "verdict %s" % r["inspection"]["verdict"])
    # the face, as the chip holds it (the specimen's is JPEG), with the token only
    st, hdr, data = svc.request("GET", "/api/v1/inspections/%s/photo" % job)
    check(st == 200 and hdr.get("content-type") == "image/jpeg" and data[:3] == b"\xff\xd8\xff",
          "photo: HTTP %d %s" % (st, hdr.get("content-type")))
    headers_hardened(hdr, "photo")
    st, hdr, data = svc.request("GET", "/api/v1/inspections/%s/photo" % job, token=False)
    error_is(svc, st, hdr, data, 401, "VFY_E_UNAUTHORIZED", "photo without token")
    st, hdr, data = svc.request("GET", "/api/v1/inspections/%s/photo" % ("0" * 32))
    error_is(svc, st, hdr, data, 404, "VFY_E_NOT_FOUND", "photo of an unknown inspection")
    # the console's files: served, hardened, no inline script
    for path, ctype in (("/", "text/html"), ("/console.js", "text/javascript"),
                        ("/console.css", "text/css")):
        st, hdr, data = svc.request("GET", path, token=False)
        check(st == 200 and hdr.get("content-type", "").startswith(ctype), "console %s: %d" % (path, st))
        headers_hardened(hdr, "console " + path)
        if path == "/":
            html = data.decode()
            check("<script>" not in html and "<script src=\"/console.js\"" in html and "http" not in html.replace("http-equiv", ""),
                  "console page: no inline script, no outside resource")
    st, hdr, data = svc.request("GET", "/index.html", token=False)
    error_is(svc, st, hdr, data, 404, "VFY_E_NOT_FOUND", "only the console's own names are served")
    os.unlink(a.presence)
    check(ev.wait_for("document_removed") is not None, "document_removed event")

    # a wrong CAN: the chip refuses PACE; the job fails with the error shape
    st, hdr, data = svc.post_json({"can": "654321"})
    check(st == 202, "POST wrong CAN: HTTP %d" % st)
    job2 = json.loads(data)["id"]
    open(a.presence, "w").close()
    failed = ev.wait_for("inspection_failed", job2)
    check(failed is not None and failed.get("code", "").startswith("VFY_E_"), "inspection_failed %s" % failed)
    st, hdr, data = svc.request("GET", "/api/v1/inspections/" + job2)
    r = json.loads(data)
    svc.valid("service-inspection", r, "failed result")
    if check(r.get("status") == "failed", "wrong CAN: %s" % r.get("status")):
        svc.valid("service-error", r["error"], "failed result's error")
    st, hdr, data = svc.request("GET", "/api/v1/inspections/%s/photo" % job2)
    error_is(svc, st, hdr, data, 404, "VFY_E_NOT_FOUND", "photo of a failed inspection")
    os.unlink(a.presence)

    # SIGHUP reloads the trust store between inspections, and says so
    if a.pid:
        ev.drain()
        os.kill(a.pid, signal.SIGHUP)
        check(ev.wait_for("trust_reloaded") is not None, "SIGHUP: trust_reloaded event")
        st, hdr, data = svc.request("GET", "/api/v1/health", token=False)
        check(st == 200 and json.loads(data)["trust"] is not None, "health after reload")

    # no personal data in event names or data: nothing of the MRZ appears
    for k, d in ev.drain():
        text = k + json.dumps(d)
        check("ERIKSSON" not in text and "L898902C3" not in text, "personal data in event %s" % text)

    return summary()


if __name__ == "__main__":
    sys.exit(main())
