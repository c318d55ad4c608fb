#!/usr/bin/env python3
"""vfy serve in operation and under faults (docs/service.md), one scenario per run:

  config     a --config file (JSON) instead of flags; flags override it; --log-level
  host       the Host header check against DNS rebinding
  reload     a trust store switched on disk (DIR/current, as vfy trust import does it)
             and SIGHUP: picked up between inspections, recorded in the audit trail
  rules      rule sets in the service: a POST with an eligibility case gets the decision
  removed    the document taken away mid-read (sim remove_after): a typed failure event,
             and the service goes on
  sse        event-stream clients that disconnect: the others are told (stream_closed),
             the service goes on, no descriptor or thread is left behind
  reader-gone  (with --reader CONN --rig-pid PID) the reader disappears mid-read: typed
             events (inspection_failed, reader_detached) and the service goes on

Each scenario starts its own `vfy serve` (--vfy BIN) on a free loopback port in --work
and stops it with SIGTERM. Standard library only; every wait is bounded. Exits 0 when
every check passed.

usage: serve_ops.py SCENARIO --vfy BIN --root REPO --work DIR [--reader CONN --rig-pid PID]
"""
import argparse
import http.client
import hashlib
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

L1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
L2 = "L898902C36UTO7408122F3404159ZE184226B<<<<<16"
# Nothing of the traveller may reach a log line: the MRZ, its fields, the name.
PERSONAL = ["L898902C3", "ERIKSSON", "ANNA", "740812", "UTO7408122", L1, L2]
from checks import check, summary  # noqa: E402 (tests/tools/checks.py)


class Serve:
    """A vfy serve process with its stderr (the log) in a file."""

    def __init__(self, a, args, reader=None, expect_start=True):
        self.a = a
        self.log_path = os.path.join(a.work, "serve-%d.log" % time.monotonic_ns())
        self.token_file = os.path.join(a.work, "token")
        # setpriv (util-linux, always there): the service dies with this script, however
        # it ends, so a test that times out leaves no server behind.
        cmd = ["setpriv", "--pdeathsig", "KILL", a.vfy, "serve"]
        if reader is not None:
            cmd += ["--reader", reader]
        cmd += args
        self.log = open(self.log_path, "w")
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.port = None
        if expect_start:
            line = self.p.stdout.readline()
            check(line.startswith("listening on http://127.0.0.1:"), "started: %r" % line)
            self.port = int(line.rsplit(":", 1)[1]) if line else 0
            self.token = open(self.token_file).read().strip()

    def request(self, method, path, body=None, headers=None, token=True):
        h = {} if headers is None else dict(headers)
        if token:
            h["Authorization"] = "Bearer " + self.token
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, data

    def post(self, obj):
        st, data = self.request("POST", "/api/v1/inspections", json.dumps(obj).encode(),
                                {"Content-Type": "application/json"})
        body = json.loads(data) if data else {}
        return st, body

    def result(self, job, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            st, data = self.request("GET", "/api/v1/inspections/" + job)
            body = json.loads(data)
            if body.get("status") in ("done", "failed"):
                return body
            time.sleep(0.05)
        check(False, "inspection %s did not end within %d s" % (job, timeout))
        return {}

    def health(self):
        st, data = self.request("GET", "/api/v1/health", token=False)
        return st, json.loads(data) if st == 200 else None

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            self.p.wait()
            rc = -9
        self.log.close()
        self.p.stdout.close()
        return rc

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()


class Events(threading.Thread):
    def __init__(self, port, token):
        super().__init__(daemon=True)
        self.q = queue.Queue()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.conn.request("GET", "/api/v1/events", headers={"Authorization": "Bearer " + token})
        self.resp = self.conn.getresponse()
        self.start()

    def run(self):
        kind = None
        try:
            while True:
                line = self.resp.fp.readline()
                if not line:
                    return
                line = line.decode().rstrip("\n")
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind is not None:
                    self.q.put((kind, json.loads(line[6:])))
                    kind = None
        except (OSError, ValueError):
            return

    def wait_for(self, kind, timeout=30, job=None):
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

    def close(self):
        try:
            self.conn.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.conn.close()


def common(a, presence, extra=()):
    return ["--trust", os.path.join(a.root, "data/specimen/csca.pem"), "--listen",
            "127.0.0.1:0", "--token-file", os.path.join(a.work, "token"), "--console",
            os.path.join(a.root, "data/console")] + list(extra)


def place(path):
    open(path, "w").close()


def remove(path):
    if os.path.exists(path):
        os.unlink(path)


def traveller(s, ev, presence, want="genuine", extra=None):
    body = {"mrz": [L1, L2]}
    if extra:
        body.update(extra)
    st, r = s.post(body)
    check(st == 202, "POST: %d %s" % (st, r))
    job = r.get("id", "")
    place(presence)
    res = s.result(job)
    check(res.get("status") == "done", "inspection done: %s" % json.dumps(res)[:300])
    verdict = res.get("inspection", {}).get("verdict")
    if want is not None:
        check(verdict == want, "outcome %s, want %s" % (verdict, want))
    remove(presence)
    if ev is not None:
        check(ev.wait_for("document_removed") is not None, "document_removed")
    return res


def no_personal_data(text, what):
    for p in PERSONAL:
        check(p not in text, "%s holds personal data (%s)" % (what, p))


# ---- scenarios ------------------------------------------------------------------------

def scenario_config(a):
    presence = os.path.join(a.work, "doc")
    cfg = os.path.join(a.work, "serve.json")
    conf = {"reader": "sim?present=" + presence,
            "trust": [os.path.join(a.root, "data/specimen/csca.pem")],
            # not an address of this machine: starting fails unless a flag overrides it
            "listen": "192.0.2.1:0",
            "token-file": os.path.join(a.work, "token"),
            "console": os.path.join(a.root, "data/console"),
            "result-ttl": 60,
            "log-level": "debug"}
    with open(cfg, "w") as f:
        json.dump(conf, f)
    s = Serve(a, ["--config", cfg], expect_start=False)
    rc = s.p.wait(timeout=20)
    s.stop()
    check(rc == 4, "the file's listen address alone cannot be bound: exit %d" % rc)
    s = Serve(a, ["--config", cfg, "--listen", "127.0.0.1:0"])
    st, h = s.health()
    check(st == 200 and h["readers"][0]["kind"] == "sim", "health from the file's reader: %s" % h)
    ev = Events(s.port, s.token)
    res = traveller(s, ev, presence)
    ev.close()
    check(s.stop() == 0, "stopped cleanly")
    log = s.log_text()
    job = res.get("id", "?")
    check("info: inspection %s: genuine" % job in log, "the inspection is logged: %r" % log[-400:])
    check("debug: POST /api/v1/inspections" in log, "debug lines at --log-level debug")
    no_personal_data(log, "the debug log")
    # error level: no info lines at all
    with open(cfg, "w") as f:
        json.dump(dict(conf, **{"log-level": "error", "listen": "127.0.0.1:0"}), f)
    s = Serve(a, ["--config", cfg])
    traveller(s, None, presence)
    check(s.stop() == 0, "stopped cleanly")
    check(s.log_text() == "", "nothing logged at --log-level error: %r" % s.log_text()[:200])
    # refused files: exit 2, nothing started
    for bad, why in (({"reader": "sim", "pin": "1234"}, "unknown key"),
                     ({"reader": ["sim"]}, "wrong type"),
                     ({"reader": "sim", "result-ttl": "soon"}, "a number as text"),
                     ({"reader": "sim", "config": "other.json"}, "a file naming another")):
        with open(cfg, "w") as f:
            json.dump(bad, f)
        r = subprocess.run([a.vfy, "serve", "--config", cfg], capture_output=True, timeout=20)
        check(r.returncode == 2, "%s: exit %d, want 2" % (why, r.returncode))
    # the example the systemd unit reads holds only known settings of the right types
    r = subprocess.run([a.vfy, "serve", "--config", os.path.join(a.root, "data/systemd/serve.json"),
                        "--help"], capture_output=True, timeout=20)
    check(r.returncode == 0, "data/systemd/serve.json is a valid configuration: %s" % r.stderr[:200])
    with open(cfg, "w") as f:
        f.write('{"reader": "sim", "reader": "pcsc"}')
    r = subprocess.run([a.vfy, "serve", "--config", cfg], capture_output=True, timeout=20)
    check(r.returncode == 2, "duplicate key: exit %d" % r.returncode)


def scenario_host(a):
    presence = os.path.join(a.work, "doc")
    s = Serve(a, common(a, presence), reader="sim?present=" + presence)
    for host, want in (("127.0.0.1:%d" % s.port, 200), ("localhost:%d" % s.port, 200),
                       ("LOCALHOST:%d" % s.port, 200), ("evil.example:%d" % s.port, 403),
                       ("evil.example", 403), ("127.0.0.1:%d" % (s.port + 1), 403),
                       ("127.0.0.1", 403), ("localhost.evil.example:%d" % s.port, 403)):
        st, data = s.request("GET", "/api/v1/health", headers={"Host": host}, token=False)
        check(st == want, "Host %s: %d, want %d" % (host, st, want))
        if want == 403:
            e = json.loads(data)
            check(e.get("code") == "VFY_E_HOST_REFUSED" and e.get("status") == 906,
                  "Host %s: %s" % (host, e))
        if want == 403:
            # the API is refused too, token or not
            st, data = s.request("POST", "/api/v1/inspections",
                                 json.dumps({"mrz": [L1, L2]}).encode(),
                                 {"Host": host, "Content-Type": "application/json"})
            check(st == 403, "POST with Host %s: %d" % (host, st))
    st, h = s.health()
    check(h is not None and h["pending"] == 0, "no refused POST reached the queue: %s" % h)
    check(s.stop() == 0, "stopped cleanly")
    # the wildcard address has no name a Host could carry: refused at start
    r = subprocess.run([a.vfy, "serve", "--reader", "sim", "--listen", "0.0.0.0:0",
                        "--token-file", os.path.join(a.work, "token")], capture_output=True,
                       timeout=20)
    check(r.returncode == 2, "--listen 0.0.0.0: exit %d, want 2" % r.returncode)


def audit_records(a, log, kind):
    r = subprocess.run([a.vfy, "audit", "show", log, "--json"], capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 0, "audit show: %d %s" % (r.returncode, r.stderr[:200]))
    try:
        records = json.loads(r.stdout)
    except ValueError:
        records = []
    out = [rec for rec in records if isinstance(rec, dict) and rec.get("kind") == kind]
    return out


def scenario_reload(a):
    presence = os.path.join(a.work, "doc")
    # two specimens with their own CSCAs; the store starts with the built-in one's
    other = os.path.join(a.work, "other")
    subprocess.run([a.vfy, "specimen", "--out", other], check=True, stdout=subprocess.DEVNULL)
    store = os.path.join(a.work, "store")
    for gen, src in (("gen1", os.path.join(a.root, "data/specimen/csca.pem")),
                     ("gen2", os.path.join(other, "csca.pem"))):
        os.makedirs(os.path.join(store, gen))
        shutil.copy(src, os.path.join(store, gen, "csca.pem"))
    os.symlink("gen1", os.path.join(store, "current"))
    key = os.path.join(a.work, "kiosk")
    subprocess.run([a.vfy, "audit", "keygen", "--out", key], check=True, stdout=subprocess.DEVNULL)
    log = os.path.join(a.work, "audit.db")
    args = ["--trust", os.path.join(store, "current"), "--listen", "127.0.0.1:0", "--token-file",
            os.path.join(a.work, "token"), "--console", os.path.join(a.root, "data/console"),
            "--audit", log, "--audit-key", key]
    s = Serve(a, args, reader="sim:%s?present=%s" % (other, presence))
    ev = Events(s.port, s.token)
    # gen1 does not know the other specimen's CSCA: not genuine
    res = traveller(s, ev, presence, want=None)
    first = res.get("inspection", {}).get("outcome")
    check(first != "genuine", "before the switch the other specimen is %s" % first)
    # the switch vfy trust import makes: a new link renamed over current
    tmp = os.path.join(store, "current.new")
    os.symlink("gen2", tmp)
    os.rename(tmp, os.path.join(store, "current"))
    check(ev.wait_for("trust_reloaded", timeout=10) is not None, "trust_reloaded after the switch")
    traveller(s, ev, presence, want="genuine")
    # SIGHUP reloads as well
    s.p.send_signal(signal.SIGHUP)
    check(ev.wait_for("trust_reloaded", timeout=10) is not None, "trust_reloaded after SIGHUP")
    # a store that no longer loads leaves the one in force
    tmp = os.path.join(store, "current.bad")
    os.symlink("missing-generation", tmp)
    os.rename(tmp, os.path.join(store, "current"))
    failed = ev.wait_for("trust_reload_failed", timeout=10)
    check(failed is not None and failed.get("code", "").startswith("VFY_E_"),
          "trust_reload_failed with a code: %s" % failed)
    traveller(s, ev, presence, want="genuine")
    ev.close()
    check(s.stop() == 0, "stopped cleanly")
    changes = audit_records(a, log, "trust_change")
    check(len(changes) == 2, "two trust_change records (switch, SIGHUP): %d" % len(changes))
    text = json.dumps(changes)
    check("changed on disk" in text and "SIGHUP" in text, "the records say why: %s" % text[:300])
    # each names what it loaded by the store's digest, as vfy trust show reports it
    shown = subprocess.run([a.vfy, "trust", "show", "--json", os.path.join(store, "gen2")],
                           capture_output=True, timeout=30)
    gen2 = json.loads(shown.stdout).get("digest")
    check(gen2 is not None and all(c.get("digest") == gen2 for c in changes),
          "the trust_change records name the new store's digest %s: %s" %
          (gen2, [c.get("digest") for c in changes]))
    r = subprocess.run([a.vfy, "audit", "verify", "--key", key + ".pub", log], capture_output=True,
                       timeout=30)
    check(r.returncode == 0, "the audit trail verifies: %s" % r.stdout[-200:])


def scenario_rules(a):
    presence = os.path.join(a.work, "doc")
    rules = ["--rules", os.path.join(a.root, "data/rules/eu-vc-2024.json"),
             "--rules", os.path.join(a.root, "data/rules/eu-2018-1806.json"),
             "--rules-trust", os.path.join(a.root, "data/rules/keys/DEVELOPMENT-ONLY-rules-signing.pub"),
             "--allow-development-key"]
    key = os.path.join(a.work, "kiosk")
    subprocess.run([a.vfy, "audit", "keygen", "--out", key], check=True, stdout=subprocess.DEVNULL)
    log = os.path.join(a.work, "audit.db")
    s = Serve(a, common(a, presence, rules + ["--audit", log, "--audit-key", key]),
              reader="sim?present=" + presence)
    ev = Events(s.port, s.token)
    case = json.load(open(os.path.join(a.root, "tests/data/rules/cases/e04-uto-adult.json")))
    res = traveller(s, None, presence, extra={"case": case})
    e = res.get("inspection", {}).get("eligibility") or {}
    # Utopia is in neither annex of 2018/1806: the visa requirement is for an officer, and
    # the fee is the Visa Code 2024's for an adult only provisionally (fail closed)
    fee = (e.get("decision") or {}).get("fee") or {}
    check(fee.get("value") is None and fee.get("modality") == "officer_review" and
          fee.get("provisional") == 90,
          "an adult would pay the Visa Code 2024 fee, decided in the service: %s" %
          {k: v for k, v in fee.items() if k != "trail"})
    check(len(e.get("rulesets", [])) == 2, "both rule sets named: %s" % e.get("rulesets"))
    # SIGHUP reloads the rule sets too, recorded in the audit trail with their digest:
    # BLAKE2b-256 over each set's "id version digest" line, in load order
    s.p.send_signal(signal.SIGHUP)
    check(ev.wait_for("rules_reloaded", timeout=10) is not None, "rules_reloaded after SIGHUP")
    ev.close()
    h = hashlib.blake2b(digest_size=32)
    for rs in e.get("rulesets", []):
        h.update(("%s %s %s\n" % (rs.get("id"), rs.get("version"), rs.get("digest"))).encode())
    # a case that is not a case: refused at once, nothing queued
    st, r = s.post({"mrz": [L1, L2], "case": {"traveller": 5}})
    check(st == 400 and r.get("field", "").startswith("case"), "a broken case: %d %s" % (st, r))
    st, health = s.health()
    check(health["pending"] == 0, "the broken case was not queued")
    check(s.stop() == 0, "stopped cleanly")
    changes = audit_records(a, log, "rules_change")
    check(len(changes) == 1 and "SIGHUP" in json.dumps(changes), "one rules_change record: %s" % changes)
    check(all(c.get("digest") == h.hexdigest() for c in changes),
          "the rules_change record names the sets' digest %s: %s" %
          (h.hexdigest(), [c.get("digest") for c in changes]))
    # without rule sets a case is refused
    s = Serve(a, common(a, presence), reader="sim?present=" + presence)
    st, r = s.post({"mrz": [L1, L2], "case": case})
    check(st == 400 and r.get("code") == "VFY_E_REQUEST_MALFORMED", "no rules: %d %s" % (st, r))
    check(s.stop() == 0, "stopped cleanly")


def scenario_removed(a):
    presence = os.path.join(a.work, "doc")
    s = Serve(a, common(a, presence), reader="sim?present=%s&remove_after=12" % presence)
    ev = Events(s.port, s.token)
    for round_ in range(2):
        st, r = s.post({"mrz": [L1, L2]})
        check(st == 202, "POST %d: %d" % (round_, st))
        place(presence)
        failed = ev.wait_for("inspection_failed", job=r.get("id"))
        check(failed is not None and failed.get("code") == "VFY_E_CARD_REMOVED",
              "typed event for the removal: %s" % failed)
        res = s.result(r.get("id", ""))
        check(res.get("status") == "failed" and res.get("error", {}).get("code") == "VFY_E_CARD_REMOVED",
              "the inspection failed typed: %s" % json.dumps(res)[:300])
        remove(presence)
        st, h = s.health()
        check(st == 200 and h["readers"][0]["attached"], "still serving, reader attached: %s" % h)
    ev.close()
    check(s.stop() == 0, "stopped cleanly")
    log = s.log_text()
    check("VFY_E_CARD_REMOVED" in log, "the failure is logged")
    no_personal_data(log, "the log")


def fds_and_threads(pid):
    return len(os.listdir("/proc/%d/fd" % pid)), len(os.listdir("/proc/%d/task" % pid))


def scenario_sse(a):
    presence = os.path.join(a.work, "doc")
    s = Serve(a, common(a, presence), reader="sim?present=" + presence)
    watcher = Events(s.port, s.token)
    check(watcher.wait_for("reader_attached", timeout=10) is not None, "the watcher's stream is up")
    time.sleep(0.2)
    base = fds_and_threads(s.p.pid)
    for i in range(5):
        gone = Events(s.port, s.token)
        gone.wait_for("reader_attached", timeout=10)
        gone.close()
        # the service notices at its next event or keep-alive: make one
        st, r = s.post({"mrz": [L1, L2]})
        check(st == 202, "POST while a client left: %d" % st)
        closed = watcher.wait_for("stream_closed", timeout=15)
        check(closed is not None and closed.get("streams") == 1,
              "stream_closed reported, one stream left: %s" % closed)
        place(presence)
        check(watcher.wait_for("result_ready", job=r.get("id")) is not None, "still inspecting")
        remove(presence)
        check(watcher.wait_for("document_removed") is not None, "document_removed")
    time.sleep(0.5)
    after = fds_and_threads(s.p.pid)
    check(after[0] <= base[0], "descriptors %d -> %d" % (base[0], after[0]))
    check(after[1] <= base[1], "threads %d -> %d" % (base[1], after[1]))
    watcher.close()
    check(s.stop() == 0, "stopped cleanly")


def scenario_reader_gone(a):
    presence_free = ["--trust", os.path.join(a.root, "data/specimen/csca.pem"), "--listen",
                     "127.0.0.1:0", "--token-file", os.path.join(a.work, "token"), "--console",
                     os.path.join(a.root, "data/console")]
    s = Serve(a, presence_free, reader=a.reader)
    ev = Events(s.port, s.token)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not s.health()[1]["readers"][0]["attached"]:
        time.sleep(0.1)
    check(s.health()[1]["readers"][0]["attached"], "the PN532 reader is attached")
    st, r = s.post({"mrz": [L1, L2]})
    check(st == 202, "POST: %d" % st)
    got = ev.wait_for("progress", job=r.get("id"), timeout=30)
    check(got is not None, "the read started")
    os.kill(a.rig_pid, signal.SIGKILL)   # the reader is pulled out mid-read
    failed = ev.wait_for("inspection_failed", job=r.get("id"), timeout=30)
    check(failed is not None and failed.get("code") in
          ("VFY_E_READER_GONE", "VFY_E_READER", "VFY_E_CARD_REMOVED", "VFY_E_TIMEOUT", "VFY_E_TRANSPORT"),
          "typed event for the lost reader: %s" % failed)
    check(ev.wait_for("reader_detached", timeout=30) is not None, "reader_detached")
    st, h = s.health()
    check(st == 200 and not h["readers"][0]["attached"], "still serving, reader detached: %s" % h)
    st, r2 = s.post({"mrz": [L1, L2]})
    check(st == 202, "new requests are still taken: %d" % st)
    st, data = s.request("GET", "/api/v1/inspections/" + r2.get("id", ""))
    check(st == 200 and json.loads(data).get("status") == "pending", "and wait for the reader")
    ev.close()
    check(s.stop() == 0, "stopped cleanly")
    no_personal_data(s.log_text(), "the log")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    for x in ("--vfy", "--root", "--work"):
        ap.add_argument(x, required=True)
    ap.add_argument("--reader")
    ap.add_argument("--rig-pid", type=int)
    a = ap.parse_args()
    fn = globals().get("scenario_" + a.scenario.replace("-", "_"))
    if fn is None:
        print("unknown scenario", a.scenario)
        return 2
    fn(a)
    return summary()


if __name__ == "__main__":
    sys.exit(main())
