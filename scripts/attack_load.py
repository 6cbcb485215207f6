#!/usr/bin/env python3
"""Visitors' latency while one attack runs: the goals of issue 14, as figures.

    python scripts/attack_load.py DB [--seconds 60] [--rate 1] [--attack NAME ...]

Serves DB as `make serve` does (litdb.serve, 127.0.0.1, a free port), then for each
attack: sends it at --rate requests a second for --seconds (each request on its own
connection, not waiting for the previous one), while a visitor loads the home page and
a paper page in turn, one after the other. Prints a Markdown row per attack: visitor
p50/p95/max in ms, visitor errors, the attack's statuses, the server's peak RSS.
The "slow readers" attack opens 64 connections asking for a big answer and never reads.
"""

from __future__ import annotations

import argparse
import collections
import re
import http.client
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litdb.serve import start_site  # noqa: E402

R = "with recursive c(x) as (select 1 union all select x + 1 from c) "
COSTLY_WHERE = "(select count(*) from (" + R + "select x from c limit 100000000)) > 0"
ATTACKS = {
    "quadratic SELECT check (16 KB)": "/literature.json?" + urllib.parse.urlencode(
        {"sql": "/* a */" + " " * 16_000 + "x"}),
    "runaway SQL": "/literature.json?" + urllib.parse.urlencode({"sql": R + "select count(*) from c"}),
    "30 x _facet, costly _where": "/literature/papers.json?" + urllib.parse.urlencode(
        [("_where", COSTLY_WHERE)] + [("_facet", "year")] * 30),
    "5 facets, costly _where": "/literature/papers?" + urllib.parse.urlencode(
        [("_where", COSTLY_WHERE)] + [("_facet", c) for c in ("year", "journal_id", "pmid", "doi", "title")]),
    "distinct zero-row queries": None,  # made per request: a new one each time
    "CSV stream, _size=1": "/literature/paper_references.csv?_stream=on&_size=1",
    "big JSON (1000 rows x 20 KB)": "/literature.json?" + urllib.parse.urlencode(
        {"sql": R + "select printf('%.*c', 20000, 'a') as v from c limit 1000"}),
    "malformed input": "/literature/disagreements.json?_next=abc",
    "slow readers (64 never reading)": "slow",
}


def get(port: int, path: str, timeout: float = 60) -> tuple[int, float]:
    start = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, time.perf_counter() - start
    except OSError:
        return 0, time.perf_counter() - start  # 0: connection error


def rss_mb(pid: int, field: str) -> float:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def slow_readers(port: int, stop: threading.Event) -> collections.Counter:
    path = ATTACKS["big JSON (1000 rows x 20 KB)"]
    sockets = []
    for _ in range(64):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        sockets.append(s)
    stop.wait()
    for s in sockets:
        s.close()
    return collections.Counter({"64 sockets": 1})


def run_attack(port: int, pid: int, name: str, seconds: float, rate: float) -> dict:
    statuses, stop, threads = collections.Counter(), threading.Event(), []
    peak = [rss_mb(pid, "VmRSS")]

    def one(path):
        statuses[get(port, path)[0]] += 1

    def attacker():
        n = 0
        while not stop.is_set():
            path = ATTACKS[name] or "/literature.json?" + urllib.parse.urlencode(
                {"sql": f"select * from papers where title = 'no such title {n}'"})
            t = threading.Thread(target=one, args=(path,))
            t.start()
            threads.append(t)
            n += 1
            stop.wait(1 / rate)

    def sampler():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(pid, "VmRSS"))
            stop.wait(0.2)

    attack = threading.Thread(target=slow_readers if ATTACKS[name] == "slow" else attacker,
                              args=(port, stop) if ATTACKS[name] == "slow" else ())
    attack.start()
    threading.Thread(target=sampler, daemon=True).start()
    times, errors, end = [], 0, time.monotonic() + seconds
    paper = "/literature/papers/" + PAPER_ID
    while time.monotonic() < end:
        for path in ("/", paper):
            status, elapsed = get(port, path)
            times.append(elapsed)
            errors += status != 200
    stop.set()
    attack.join()
    for t in threads:
        t.join()
    times.sort()
    return {"p50": statistics.median(times) * 1000, "p95": times[int(0.95 * (len(times) - 1))] * 1000,
            "max": times[-1] * 1000, "n": len(times), "errors": errors, "statuses": statuses, "peak": peak[0]}


def main() -> int:
    global PAPER_ID
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rate", type=float, default=1.0)
    parser.add_argument("--attack", action="append", choices=list(ATTACKS))
    args = parser.parse_args()
    PAPER_ID = sqlite3.connect(f"file:{args.db}?mode=ro", uri=True).execute(
        "select id from papers order by id limit 1 offset 100").fetchone()[0]
    with tempfile.TemporaryDirectory() as work:
        process, url = start_site(args.db, Path(work) / "datasette.log")
        try:
            port = int(url.rsplit(":", 1)[1])
            time.sleep(5)  # the cache's warm-up
            print(f"{time.strftime('%Y-%m-%d %H:%M')}, load average {open('/proc/loadavg').read().split()[0]}, "
                  f"{args.seconds:g} s per attack at {args.rate:g}/s")
            print("| attack | visitor p50 ms | p95 ms | max ms | visitor requests | visitor errors | "
                  "attack statuses | server peak RSS MB |\n|---|---:|---:|---:|---:|---:|---|---:|")
            for name in args.attack or ATTACKS:
                r = run_attack(port, process.pid, name, args.seconds, args.rate)
                statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
                print(f"| {name} | {r['p50']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | {r['n']} | {r['errors']} | "
                      f"{statuses} | {r['peak']:.0f} |", flush=True)
            print(f"server peak RSS over the run (VmHWM): {rss_mb(process.pid, 'VmHWM'):.0f} MB; "
                  f"load average {open('/proc/loadavg').read().split()[0]}")
            log = (Path(work) / "datasette.log").read_text()
            errors = [line for line in log.splitlines() if re.search(r'HTTP/1\.[01]" 5\d\d', line)]
            print(f"5xx answers in the server log: {len(errors)}")
            for line in errors[:10]:
                print("   ", line[:300])
        finally:
            process.terminate()
            process.wait(timeout=10)
    return 0


PAPER_ID = ""

if __name__ == "__main__":
    sys.exit(main())
