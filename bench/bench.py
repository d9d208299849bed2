#!/usr/bin/env python3
"""Wurker's runtime benchmark, run by hand (it is not a test).

It builds the release binaries and a tiny job (stamp.c) whose first instruction records the
wall-clock time, starts real wurkerd daemons in temporary homes, drives them with the real
`wurk`, and prints the median (and spread) of:

  lateness    scheduled start after the fire time (a per-second Cron)
  restart     supervised restart after SIGKILL of the Bee (SIGKILL to the job's first instruction)
  ondemand    `wurk add ondemand` launched to the job's first instruction
  throughput  200 ondemand jobs queued at once, until the queue is empty again
  show        `wurk show` round trip with 100 Bees (hyperfine)
  idle        RSS and CPU of an idle daemon holding 1000 scheduled Bees, over 60 s

Usage: bench/bench.py [--quick] [MEASURE ...]    (default: every measure)
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RELEASE = ROOT / "target" / "release"
WURKERD = RELEASE / "wurkerd"
WURK = RELEASE / "wurk"
CLK_TCK = os.sysconf("SC_CLK_TCK")


def build(work: Path) -> Path:
    subprocess.run(
        ["cargo", "build", "--release", "-q", "-p", "wurkerd", "-p", "wurk"], cwd=ROOT, check=True
    )
    stamp = work / "stamp"
    subprocess.run(["gcc", "-O2", "-o", str(stamp), str(ROOT / "bench" / "stamp.c")], check=True)
    return stamp


def wait_for(what, check, timeout=30.0, step=0.002):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(step)
    raise SystemExit(f"bench: timed out waiting for {what}")


class Node:
    """A wurkerd in a temporary home."""

    def __init__(self, work: Path, name: str, runtime: str = ""):
        self.home = work / name
        (self.home / "etc").mkdir(parents=True)
        # A home that has its wurker.toml is not given the default definitions.
        (self.home / "etc" / "wurker.toml").write_text(
            f'[wurker]\napp_id = "{uuid.uuid4()}"\n\n[runtime]\n{runtime}'
        )
        self.log_path = work / f"{name}.log"
        self.restart()

    def restart(self):
        env = dict(os.environ, WURKER_LOG="warn")
        self.log = open(self.log_path, "a")
        self.proc = subprocess.Popen([str(WURKERD), "--home", str(self.home)],
                                     stdout=self.log, stderr=self.log, env=env)
        wait_for("the daemon", lambda: self.try_wurk(["show", "command"]).returncode == 0)

    def try_wurk(self, args, stdin=None):
        return subprocess.run([str(WURK), "--home", str(self.home), *args], input=stdin,
                              capture_output=True, text=True)

    def wurk(self, args, stdin=None):
        done = self.try_wurk(args, stdin)
        if done.returncode != 0:
            raise SystemExit(f"bench: wurk {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def add(self, kind, value):
        self.wurk(["add", kind], json.dumps(value))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.close()


def stamps(path: Path):
    if not path.exists():
        return []
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    return [(int(ns), int(pid)) for ns, pid in lines]


def summary(values, unit):
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(len(values) * 0.9))]
    return {"median": statistics.median(values), "p90": p90, "min": values[0],
            "max": values[-1], "n": len(values), "unit": unit}


def command(node: Node, stamp: Path):
    node.add("command", {"slug": "stamp", "name": "Stamp", "command": str(stamp)})


def lateness(work: Path, stamp: Path, samples: int):
    node = Node(work, "lateness")
    command(node, stamp)
    node.add("cron", {"slug": "every_second", "name": "Every second",
                      "cron": "* * * * * *", "overrun": 0})
    out = work / "lateness.stamps"
    node.add("bee", {"slug": "tick", "name": "Tick", "command_slug": "stamp",
                     "cron_slug": "every_second", "args": [str(out), "0"], "enabled": True})
    wait_for("scheduled runs", lambda: len(stamps(out)) >= samples + 1, timeout=samples + 30)
    node.stop()
    # The first run may start on the first boundary after the Bee was added: skip it.
    late = [(ns % 1_000_000_000) / 1e6 for ns, _ in stamps(out)[1:samples + 1]]
    return summary(late, "ms")


def restart(work: Path, stamp: Path, samples: int):
    # A run counts as healthy after 50 ms, so every restart here is the immediate one.
    node = Node(work, "restart", "restart_stable = 0.05\n")
    command(node, stamp)
    node.add("cron", {"slug": "always", "name": "Always", "cron": None, "overrun": 0})
    out = work / "restart.stamps"
    node.add("bee", {"slug": "server", "name": "Server", "command_slug": "stamp",
                     "cron_slug": "always", "args": [str(out), "-1"], "enabled": True})
    latencies = []
    for i in range(samples):
        wait_for("the supervised Bee", lambda: len(stamps(out)) >= i + 1)
        time.sleep(0.1)
        _, pid = stamps(out)[-1]
        killed = time.time_ns()
        os.kill(pid, signal.SIGKILL)
        wait_for("its restart", lambda: len(stamps(out)) >= i + 2)
        latencies.append((stamps(out)[-1][0] - killed) / 1e6)
    node.stop()
    return summary(latencies, "ms")


def ondemand(work: Path, stamp: Path, samples: int):
    node = Node(work, "ondemand")
    command(node, stamp)
    out = work / "ondemand.stamps"
    node.add("bee", {"slug": "once", "name": "Once", "command_slug": "stamp",
                     "args": [str(out), "0"], "enabled": True})
    latencies = []
    for i in range(samples):
        launched = time.time_ns()
        node.wurk(["add", "ondemand"], '["once"]')
        wait_for("the ondemand run", lambda: len(stamps(out)) >= i + 1)
        latencies.append((stamps(out)[-1][0] - launched) / 1e6)
        wait_for("the queue to empty", lambda: node.wurk(["show", "ondemand"]).strip() == "{}")
    node.stop()
    return summary(latencies, "ms")


def throughput(work: Path, stamp: Path, rounds: int, jobs: int = 200):
    node = Node(work, "throughput")
    command(node, stamp)
    out = work / "throughput.stamps"
    for n in range(jobs):
        node.add("bee", {"slug": f"job{n}", "name": f"Job {n}", "command_slug": "stamp",
                         "args": [str(out), "0"], "enabled": True})
    names = json.dumps([f"job{n}" for n in range(jobs)])
    rates = []
    for r in range(rounds):
        started = time.monotonic()
        node.wurk(["add", "ondemand"], names)
        wait_for("every job", lambda: len(stamps(out)) >= (r + 1) * jobs, timeout=120)
        # Asking the daemon is itself work for it: ask only every 10 ms.
        wait_for("the queue to empty", lambda: node.wurk(["show", "ondemand"]).strip() == "{}",
                 timeout=120, step=0.01)
        rates.append(jobs / (time.monotonic() - started))
    node.stop()
    return summary(rates, "jobs/s")


def show(work: Path, stamp: Path, runs: int):
    node = Node(work, "show")
    command(node, stamp)
    node.add("cron", {"slug": "hourly", "name": "Hourly", "cron": "0 * * * *", "overrun": 0})
    for n in range(100):
        node.add("bee", {"slug": f"bee{n}", "name": f"Bee {n}", "command_slug": "stamp",
                         "cron_slug": "hourly", "args": ["/dev/null", "0"], "enabled": False})
    export = work / "show.json"
    cmd = f"{WURK} --home {node.home} show"
    subprocess.run(["hyperfine", "-N", "--warmup", "10", "--runs", str(runs), "--export-json",
                    str(export), cmd], check=True, capture_output=True)
    node.stop()
    times = json.loads(export.read_text())["results"][0]["times"]
    return summary([t * 1000 for t in times], "ms")


def idle(work: Path, stamp: Path, seconds: int):
    node = Node(work, "idle")
    command(node, stamp)
    node.add("cron", {"slug": "yearly", "name": "Yearly", "cron": "0 0 1 1 *", "overrun": 0})
    for n in range(1000):
        node.add("bee", {"slug": f"bee{n}", "name": f"Bee {n}", "command_slug": "stamp",
                         "cron_slug": "yearly", "args": ["/dev/null", "0"], "enabled": True})
    time.sleep(5)
    pid = node.proc.pid
    cpu_start, rss = cpu_seconds(pid), [rss_mib(pid)]
    for _ in range(seconds // 5):
        time.sleep(5)
        rss.append(rss_mib(pid))
    cpu = cpu_seconds(pid) - cpu_start
    node.stop()
    # The same node started again: what it holds without the thousand writes behind it.
    node.restart()
    time.sleep(5)
    restarted = rss_mib(node.proc.pid)
    node.stop()
    return {"rss_max_mib": max(rss), "rss_median_mib": statistics.median(rss),
            "rss_after_restart_mib": restarted,
            "cpu_seconds_per_minute": cpu * 60 / seconds, "window_s": seconds}


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


MEASURES = {
    "lateness": (lateness, 60, 10),
    "restart": (restart, 30, 10),
    "ondemand": (ondemand, 30, 10),
    "throughput": (throughput, 5, 2),
    "show": (show, 200, 50),
    "idle": (idle, 60, 20),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("measures", nargs="*", choices=[[], *MEASURES], default=[])
    parser.add_argument("--quick", action="store_true", help="fewer samples")
    args = parser.parse_args()
    chosen = args.measures or list(MEASURES)
    with tempfile.TemporaryDirectory(prefix="wurker-bench-") as tmp:
        work = Path(tmp)
        stamp = build(work)
        results = {}
        for name in chosen:
            measure, full, quick = MEASURES[name]
            results[name] = measure(work, stamp, quick if args.quick else full)
            print(f"{name:10} {json.dumps(results[name])}", flush=True)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    sys.exit(main())
