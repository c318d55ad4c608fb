#!/usr/bin/env python3
"""Load benchmark of `vfy serve` (issue 15): N inspections (default 1,000) through the
service on the simulated reader `sim?present=FILE`, one after another as at a kiosk:
POST the MRZ, place the document, wait for result_ready on the event stream, check the
result is genuine, take the document away, wait for document_removed. Prints the median
and 99th-percentile time per inspection (POST to result), the resident memory after the
first 100 and at the end, and the open file descriptors; exits 1 when an inspection is
not genuine, memory grew by 1 MB or more after the first 100, or descriptors grew.
Loopback only; bounded waits. The service's own exit status counts too: under ASan a
leak report at exit makes it non-zero, so `--leak-check` (a smaller run on the ASan
build, from the test suite) skips the memory figures and fails on that alone.

usage: bench/serve.py [--vfy build/bin/vfy] [--count 1000] [--leak-check]
"""
import argparse
import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

L1 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
L2 = "L898902C36UTO7408122F3404159ZE184226B<<<<<16"


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vfy", default="build/bin/vfy")
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--trust", default="data/specimen/csca.pem")
    # Results are kept this long (the service's default is 300 s): a short time to live
    # measures what the service leaks, not what it is asked to keep.
    ap.add_argument("--ttl", type=int, default=1)
    ap.add_argument("--leak-check", action="store_true",
                    help="no memory figures (ASan's allocator makes them meaningless)")
    a = ap.parse_args()
    ok = run(a)
    return 0 if ok else 1


def run(a):
    work = tempfile.mkdtemp(prefix="vfy-bench-serve-")
    on = os.path.join(work, "doc")
    serve = subprocess.Popen(  # setpriv: the service dies with this script, however it ends
        ["setpriv", "--pdeathsig", "KILL", a.vfy, "serve", "--reader", "sim?present=" + on, "--trust", a.trust, "--listen",
         "127.0.0.1:0", "--token-file", os.path.join(work, "token"), "--result-ttl", str(a.ttl)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    bad = 0
    ok = False
    try:
        port = int(serve.stdout.readline().rsplit(":", 1)[1])
        token = open(os.path.join(work, "token")).read().strip()
        auth = {"Authorization": "Bearer " + token}
        ev = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        ev.request("GET", "/api/v1/events", headers=auth)
        stream = ev.getresponse().fp

        def wait_event(kind, job=None):
            name = None
            while True:
                line = stream.readline()
                if not line:
                    raise RuntimeError("the event stream ended")
                line = line.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: ") and name == kind:
                    d = json.loads(line[6:])
                    if job is None or d.get("id") == job:
                        return d

        api = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

        def settled():
            """RSS once every kept result has expired (compared like with like)."""
            time.sleep(a.ttl + 1.2)
            api.request("GET", "/api/v1/inspections/" + "0" * 32, headers=auth)  # expires
            api.getresponse().read()
            return rss_kb(serve.pid)
        times = []
        rss100 = fds100 = None
        body = json.dumps({"mrz": [L1, L2]}).encode()
        for i in range(a.count):
            t0 = time.perf_counter()
            api.request("POST", "/api/v1/inspections", body,
                        dict(auth, **{"Content-Type": "application/json"}))
            r = api.getresponse()
            job = json.loads(r.read())["id"]
            open(on, "w").close()
            d = wait_event("result_ready", job)
            times.append(time.perf_counter() - t0)
            api.request("GET", "/api/v1/inspections/" + job, headers=auth)
            res = json.loads(api.getresponse().read())
            if (d.get("verdict") != "genuine" or res.get("status") != "done" or
                    res["inspection"]["verdict"] != "genuine"):
                bad += 1
                if bad <= 3:   # say why, without the traveller's data
                    ins = res.get("inspection", {})
                    print("inspection %d not genuine: event %s, %s %s, checks not ok: %s" % (
                        i, d.get("verdict"), res.get("status"), ins.get("verdict"),
                        [(c.get("id"), c.get("code")) for c in ins.get("checks", [])
                         if c.get("status") not in ("ok", "not_supported", "not_checked")]
                        or res.get("error")), flush=True)
            os.unlink(on)
            wait_event("document_removed")
            if i == 99 and not a.leak_check:
                rss100, fds100 = settled(), fds(serve.pid)
        rss_end, fds_end = (settled() if not a.leak_check else 0), fds(serve.pid)
        times.sort()
        med = statistics.median(times) * 1000
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
        print("inspections: %d, not genuine: %d" % (a.count, bad))
        print("time per inspection: median %.1f ms, p99 %.1f ms" % (med, p99))
        if rss100 is not None:
            growth = rss_end - rss100
            print("RSS after 100: %d kB, at the end: %d kB, growth %d kB (target: under 1024 kB: %s)"
                  % (rss100, rss_end, growth, "met" if growth < 1024 else "NOT met"))
            print("open descriptors after 100: %d, at the end: %d" % (fds100, fds_end))
        ok = bad == 0 and (rss100 is None or (rss_end - rss100 < 1024 and fds_end <= fds100))
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            rc = serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
            rc = -1
        print("vfy serve exit status: %d%s" % (rc, "" if rc == 0 else " (a leak report under ASan?)"))
        if os.path.exists(on):
            os.unlink(on)
        for f in os.listdir(work):
            os.unlink(os.path.join(work, f))
        os.rmdir(work)
    return ok and rc == 0


if __name__ == "__main__":
    sys.exit(main())
