"""Driver of bench/locust/eight (see there): eight xk6-neo4j workers under one Locust master.

For each number of query names K, a fresh master (web UI) and WORKERS fresh workers (the name
cap counts over a worker's life) run one user per worker, each cycling through K names.
The workers reach the master through a TCP proxy here that reads the ZeroMQ frames going to
the master and notes every stats report's size and number of entries. The master's CPU is
read from /proc/<pid>/stat (utime+stime): first IDLE seconds with the workers ready
(heartbeats only), then SECS seconds while they run; the difference, per report received,
is the master's CPU per worker report. Nothing polls the web UI during either window.
After each run the master's total must equal the sum of the workers' own summaries.
A last phase kills a worker mid-run and times the master's reaction.
"""

import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

import msgpack

ROOT = os.getcwd()
XK6, VENV, WORK = os.environ["XK6"], os.environ["VENV"], os.environ["WORK"]
WORKERS, SECS, IDLE = int(os.environ["WORKERS"]), int(os.environ["SECS"]), int(os.environ["IDLE"])
NAMES = [int(n) for n in os.environ["NAMES"].split()]
CLK = os.sysconf("SC_CLK_TCK")

SCRIPT = """import neo4j from 'k6/x/neo4j';
import { sleep } from 'k6';
const db = neo4j.connect(__ENV.NEO4J_URI, { user: __ENV.NEO4J_USER || 'neo4j', password: __ENV.NEO4J_PASSWORD });
const K = Number(__ENV.K), PAUSE = Number(__ENV.PAUSE);
export default function () {
  db.read('RETURN 1 AS x', {}, { tags: { name: `q-${__ITER % K}` } });
  if (PAUSE > 0) sleep(PAUSE);
}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """user+system CPU of a running process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


class Proxy:
    """Forwards worker connections to the master and notes each message sent to it.

    ZMTP 3: a 64-byte greeting, then frames of a flags byte (0x02: 8-byte size, else one
    byte; 0x04: a command) and a body. A message frame's body is the msgpack array
    [type, data, node_id]; a stats report's size is its body's length.
    """

    def __init__(self, target):
        self.target = target
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.lock = threading.Lock()
        self.reports = []  # (time, bytes, entries, requests)
        self.conns = []
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            d = socket.create_connection(self.target)
            for s in (c, d):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self.lock:
                self.conns += [c, d]
            threading.Thread(target=self.pump, args=(d, c, False), daemon=True).start()
            threading.Thread(target=self.pump, args=(c, d, True), daemon=True).start()

    def pump(self, src, dst, to_master):
        buf, greeted = b"", False
        try:
            while True:
                b = src.recv(1 << 16)
                if not b:
                    break
                dst.sendall(b)
                if not to_master:
                    continue
                buf += b
                if not greeted:
                    if len(buf) < 64:
                        continue
                    buf, greeted = buf[64:], True
                buf = self.frames(buf)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def frames(self, buf):
        while buf:
            flags = buf[0]
            if flags & 0x02:
                if len(buf) < 9:
                    return buf
                size, head = int.from_bytes(buf[1:9], "big"), 9
            else:
                if len(buf) < 2:
                    return buf
                size, head = buf[1], 2
            if len(buf) < head + size:
                return buf
            body, buf = buf[head:head + size], buf[head + size:]
            if flags & 0x04:
                continue  # a ZMTP command (READY, PING)
            try:
                msg = msgpack.unpackb(body, raw=False, strict_map_key=False)
            except Exception:
                continue
            if isinstance(msg, list) and msg and msg[0] == "stats":
                with self.lock:
                    data = msg[1]
                    total = data.get("stats_total", {}).get("num_requests", 0)
                    self.reports.append((time.time(), len(body), len(data.get("stats", [])), total))
        return buf

    def between(self, t0, t1):
        with self.lock:
            return [r for r in self.reports if t0 <= r[0] < t1]

    def close(self):
        self.sock.close()
        with self.lock:
            for s in self.conns:
                s.close()


class UI:
    """The master's web UI API."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"

    def stats(self):
        with urllib.request.urlopen(self.base + "/stats/requests", timeout=10) as r:
            return json.load(r)

    def post(self, path, form=None):
        data = urllib.parse.urlencode(form or {}).encode()
        with urllib.request.urlopen(self.base + path, data=data, timeout=30) as r:
            body = r.read().decode()
        if '"success": true' not in body:
            raise SystemExit(f"POST {path}: {body}")

    def until(self, what, timeout, ok):
        deadline, last = time.time() + timeout, None
        while time.time() < deadline:
            try:
                last = self.stats()
                if ok(last):
                    return last
            except OSError:
                pass
            time.sleep(0.25)
        raise SystemExit(f"not {what} within {timeout}s; last state {last and last.get('state')}, "
                         f"workers {last and [(w['state'], w['user_count']) for w in last.get('workers', [])]}")


def in_state(s, state):
    return sum(1 for w in s.get("workers", []) if w["state"] == state)


def aggregated(s):
    return next((e["num_requests"] for e in s["stats"] if e["name"] == "Aggregated"), 0)


class Run:
    """One master, a proxy and WORKERS workers running K names."""

    def __init__(self, tag, k, pause):
        self.tag, self.procs = tag, []
        self.master_port, self.web_port = free_port(), free_port()
        self.master = self.spawn("master", [os.path.join(ROOT, "locust", "master"), "--master-bind-port",
                                            str(self.master_port), "--web-port", str(self.web_port)],
                                 {"LOCUST_VENV": VENV})
        self.ui = UI(self.web_port)
        self.ui.until("the web UI up", 60, lambda s: True)
        self.proxy = Proxy(("127.0.0.1", self.master_port))
        script = os.path.join(WORK, "names.js")
        with open(script, "w") as f:
            f.write(SCRIPT)
        self.exports = []
        self.workers = []
        for i in range(WORKERS):
            export = os.path.join(WORK, f"{tag}.w{i}.summary.json")
            self.exports.append(export)
            self.workers.append(self.spawn(f"w{i}", [XK6, "worker", "--quiet", "--no-summary", "--summary-export", export,
                                                    "--master", f"127.0.0.1:{self.proxy.port}",
                                                    "-e", f"K={k}", "-e", f"PAUSE={pause}", script], {}))
        self.ui.until(f"{WORKERS} workers ready", 120,
                      lambda s: s.get("worker_count") == WORKERS and in_state(s, "ready") == WORKERS)

    def spawn(self, name, args, env):
        p = subprocess.Popen(args, env={**os.environ, **env},
                             stdout=open(os.path.join(WORK, f"{self.tag}.{name}.out"), "w"),
                             stderr=open(os.path.join(WORK, f"{self.tag}.{name}.err"), "w"))
        self.procs.append(p)
        return p

    def swarm(self, users):
        self.ui.post("/swarm", {"user_count": users, "spawn_rate": users})
        self.ui.until("every worker running", 60,
                      lambda s: s["state"] == "running" and in_state(s, "running") == WORKERS and s["user_count"] == users)

    def stop_all(self):
        """Quits the master (its workers follow) and ends whatever is left."""
        if self.master.poll() is None:
            self.master.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.proxy.close()


def measure(k):
    # Each name needs a request in every 3 s report: one user per worker makes at least
    # K/3 queries per second, or 20/s when that is less.
    rate = max(20.0, k / 3 * 1.5)
    pause = max(0.0, 1 / rate - 0.0015) if rate < 400 else 0.0
    run = Run(f"k{k}", k, pause)
    try:
        m = run.master.pid
        t0, c0 = time.time(), cpu_seconds(m)
        time.sleep(IDLE)
        t1, c1 = time.time(), cpu_seconds(m)
        idle_rate = (c1 - c0) / (t1 - t0)

        run.swarm(WORKERS)
        time.sleep(7)  # past the first report of every worker, and a full report cycle
        t2, c2 = time.time(), cpu_seconds(m)
        time.sleep(SECS)
        t3, c3 = time.time(), cpu_seconds(m)
        reports = run.proxy.between(t2, t3)

        run.ui.post("/stop")
        s = run.ui.until("stopped, every worker ready", 60,
                         lambda s: s["state"] == "stopped" and in_state(s, "ready") == WORKERS)
        master_total = aggregated(s)
        master_rows = len([e for e in s["stats"] if e["name"] != "Aggregated"])
    finally:
        run.stop_all()
    own = 0
    for path in run.exports:
        with open(path) as f:
            own += int(json.load(f)["metrics"]["neo4j_queries"]["count"])
    if own != master_total:
        raise SystemExit(f"K={k}: the master counts {master_total} requests, the workers' summaries {own}")
    busy = (c3 - c2) - idle_rate * (t3 - t2)
    n = len(reports)
    entries = sum(r[2] for r in reports) / n
    size = sum(r[1] for r in reports) / n
    return {
        "k": k, "reports": n, "entries": entries, "bytes": size, "rows": master_rows,
        "idle_ms_s": idle_rate * 1000, "busy_pct": (c3 - c2) / (t3 - t2) * 100,
        "ms_report": busy / n * 1000, "reqs": master_total, "qps": sum(r[3] for r in reports) / (t3 - t2),
    }


def kill_phase():
    """A worker SIGKILLed mid-run: how long until the master counts it out, and until it
    calls the stopped test stopped."""
    run = Run("kill", 1, 0.05)
    try:
        run.swarm(WORKERS)
        time.sleep(4)
        victim = run.workers[-1]
        victim.kill()
        killed = time.time()
        run.ui.until("the worker count down by one", 60, lambda s: s["worker_count"] == WORKERS - 1)
        noticed = time.time() - killed
        time.sleep(2)
        run.ui.post("/stop")
        stopped_at = time.time()
        run.ui.until("stopped", 120, lambda s: s["state"] == "stopped")
        stopping = time.time() - stopped_at
    finally:
        run.stop_all()
    return noticed, stopping


def main():
    print(f"{WORKERS} workers, one user each, one Locust master (web UI), one Neo4j; "
          f"master CPU idle over {IDLE}s, then busy over {SECS}s per row")
    print(f"{'names':>6} {'reports':>8} {'entries/rep':>12} {'bytes/rep':>10} {'bytes/entry':>12} "
          f"{'master cpu %':>13} {'ms cpu/rep':>11} {'µs/entry':>9} {'req/s':>7}  totals")
    rows = []
    for k in NAMES:
        r = measure(k)
        rows.append(r)
        print(f"{r['k']:>6} {r['reports']:>8} {r['entries']:>12.1f} {r['bytes']:>10.0f} {r['bytes'] / (r['entries'] + 1):>12.0f} "
              f"{r['busy_pct']:>13.1f} {r['ms_report']:>11.2f} {r['ms_report'] * 1000 / (r['entries'] + 1):>9.0f} "
              f"{r['qps']:>7.0f}  master {r['reqs']} = workers' own", flush=True)
    idle = statistics.mean(r["idle_ms_s"] for r in rows)
    print(f"\nmaster idle (heartbeats only): {idle:.2f} ms CPU per second with {WORKERS} workers, "
          f"{idle / WORKERS * 1000:.0f} µs per worker heartbeat")
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        slope = (b["ms_report"] - a["ms_report"]) / (b["entries"] - a["entries"])
        bslope = (b["bytes"] - a["bytes"]) / (b["entries"] - a["entries"])
        base = a["ms_report"] - slope * a["entries"]
        print(f"fit over {a['k']}..{b['k']} names: master CPU per report = {base:.2f} ms + {slope * 1000:.0f} µs per entry; "
              f"report size = {a['bytes'] - bslope * a['entries']:.0f} B + {bslope:.0f} B per entry")
    if os.environ.get("KILL", "1") == "1":
        noticed, stopping = kill_phase()
        print(f"worker SIGKILLed mid-run: the master's worker count dropped after {noticed:.1f}s; "
              f"after /stop its state stayed 'stopping' for {stopping:.1f}s (until it dropped the missing worker)")


main()
