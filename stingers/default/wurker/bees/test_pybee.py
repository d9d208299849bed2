"""A stand-in PyBee for trying Wurker out.

Wurker calls ``run(**args)`` with the Bee's args object. This one writes a timestamped "ping"
line every ``interval_seconds`` (to ``log``, or to standard output) until ``duration`` seconds
have passed; a ``duration`` of 0 (the default) runs until stopped. With ``exit`` set to N, it
fails on purpose after N pings: it prints an error on standard error and exits with code N.
"""

import datetime
import os
import sys
import time


def _say(log, text):
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    line = f"{stamp} test_pybee[{os.getpid()}]: {text}\n"
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(line)
    else:
        sys.stdout.write(line)
        sys.stdout.flush()


def run(log=None, interval_seconds=10, duration=0, exit=0, **_ignored):
    interval = float(interval_seconds)
    if interval <= 0:
        raise ValueError("interval_seconds must be more than 0")
    fail_after = int(exit)
    started = time.monotonic()
    _say(log, f"started (duration {duration}s, interval {interval:g}s)")
    pings = 0
    while True:
        pings += 1
        _say(log, f"ping {pings}")
        if 0 < fail_after <= pings:
            sys.stderr.write(f"test_pybee: failing on purpose after {pings} pings\n")
            raise SystemExit(fail_after)
        elapsed = time.monotonic() - started
        if duration and elapsed + interval > float(duration):
            break
        time.sleep(interval)
    _say(log, f"done after {pings} pings")
