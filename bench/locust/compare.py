"""Driver of bench/locust/compare (see there): runs the rounds, prints the table."""

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.getcwd()
USERS, SECS, ROUNDS = int(os.environ["USERS"]), int(os.environ["SECS"]), int(os.environ["ROUNDS"])
XK6, VENV, WORK = os.environ["XK6"], os.environ["VENV"], os.environ["WORK"]
LOCUSTFILE = os.path.join(ROOT, "bench", "locust", "dumbuser.py")
SCRIPT = os.path.join(ROOT, "bench", "locust", "dumbuser.js")
ROWS = {"xk6-neo4j": "hello-world (xk6-neo4j)", "python": "hello-world (python)"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """user+system CPU of a running process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_line(path, pattern, proc, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(path) as f:
            if re.search(pattern, f.read()):
                return
        if proc.poll() is not None:
            raise SystemExit(f"the master exited early; see {path}")
        time.sleep(0.05)
    raise SystemExit(f"no {pattern!r} in {path} within {timeout}s")


def one_round(r):
    port = free_port()
    prefix = os.path.join(WORK, f"round{r}")
    merr = prefix + ".master.err"
    master = subprocess.Popen(
        [os.path.join(VENV, "bin", "locust"), "-f", LOCUSTFILE, "--master", "--master-bind-host", "127.0.0.1",
         "--master-bind-port", str(port), "--headless", "-u", str(2 * USERS), "-r", str(2 * USERS),
         "-t", f"{SECS}s", "--expect-workers", "2", "--expect-workers-max-wait", "60",
         "--json-file", prefix, "--only-summary"],
        stdout=open(prefix + ".master.out", "w"), stderr=open(merr, "w"))
    workers = {
        "python": subprocess.Popen(
            [os.path.join(VENV, "bin", "locust"), "-f", LOCUSTFILE, "--worker",
             "--master-host", "127.0.0.1", "--master-port", str(port)],
            stdout=open(prefix + ".python.out", "w"), stderr=open(prefix + ".python.err", "w")),
        "xk6-neo4j": subprocess.Popen(
            [XK6, "worker", "--quiet", "--no-summary", "--master", f"127.0.0.1:{port}", SCRIPT],
            stdout=open(prefix + ".xk6.out", "w"), stderr=open(prefix + ".xk6.err", "w")),
    }
    try:
        wait_for_line(merr, r"All users spawned", master, 120)
        cpu0 = {k: cpu_seconds(p.pid) for k, p in workers.items()}
        wait_for_line(merr, r"--run-time limit reached", master, SECS + 60)
        cpu1 = {k: cpu_seconds(p.pid) for k, p in workers.items()}
        if master.wait(60) != 0:
            sys.stderr.write(open(merr).read())
        for p in workers.values():
            p.wait(60)
    finally:
        for p in [master, *workers.values()]:
            if p.poll() is None:
                p.kill()
                p.wait()
    with open(prefix + ".xk6.err") as f:
        spawned = re.findall(r"users running: (\d+)", f.read())
    if not spawned or int(spawned[-1]) != USERS:
        raise SystemExit(f"round {r}: the xk6-neo4j worker ran {spawned} users, want {USERS} (as many as the Python one)")
    with open(prefix + ".json") as f:
        entries = {e["name"]: e for e in json.load(f)}
    out = {}
    for side, row in ROWS.items():
        e = entries.get(row)
        if e is None or e["num_requests"] == 0:
            raise SystemExit(f"round {r}: the master has no requests from the {side} worker: {list(entries)}")
        if e["num_failures"]:
            raise SystemExit(f"round {r}: {side}: {e['num_failures']} failures")
        n = e["num_requests"]
        out[side] = (n, n / SECS, (cpu1[side] - cpu0[side]) * 1e6 / n)
    return out


def main():
    print(f"{USERS} users on each worker, {SECS}s per round, {ROUNDS} rounds; one master, one Neo4j")
    print(f"{'round':<6} {'worker':<10} {'requests':>9} {'req/s':>8} {'cpu-µs/req':>11}")
    rows = []
    for r in range(1, ROUNDS + 1):
        res = one_round(r)
        for side in ("xk6-neo4j", "python"):
            n, rps, cpu = res[side]
            rows.append((side, rps, cpu))
            print(f"{r:<6} {side:<10} {n:>9} {rps:>8.0f} {cpu:>11.1f}", flush=True)

    def med(side, i):
        return statistics.median(row[i] for row in rows if row[0] == side)

    xr, pr, xc, pc = med("xk6-neo4j", 1), med("python", 1), med("xk6-neo4j", 2), med("python", 2)
    print(f"\nmedians: xk6-neo4j {xr:.0f} req/s, {xc:.1f} cpu-µs/req; python {pr:.0f} req/s, {pc:.1f} cpu-µs/req")
    print(f"ratio xk6-neo4j/python: requests per second {xr / pr:.2f}x, client CPU per request {xc / pc:.2f}x")


main()
