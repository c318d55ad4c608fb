"""The check counter the service's test scripts share (serve_check, serve_ops,
console_e2e): each check is counted, each failure printed at once and remembered, and
summary() prints the line the C tests look for and gives the exit code."""
FAILURES = []
_count = [0]


def check(cond, what):
    _count[0] += 1
    if not cond:
        FAILURES.append(what)
        print("FAIL:", what, flush=True)
    return cond


def summary():
    print("%d passed, %d failed" % (_count[0] - len(FAILURES), len(FAILURES)), flush=True)
    return 1 if FAILURES else 0
