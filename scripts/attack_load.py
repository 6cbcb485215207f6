#!/usr/bin/env python3
"""Visitors' latency while one attack runs: the goals of issue 14, as figures.

    python scripts/attack_load.py DB [--seconds 60] [--rate 1] [--attack NAME ...]

Serves DB as `make serve` does (litdb.serve, 127.0.0.1, a free port), then for each
attack: sends it at --rate requests a second for --seconds (each request on its own
connection, not waiting for the previous one), while a visitor loads the home page and
a paper page in turn, one after the other, and a second visitor searches once a second
(an expensive request, so it meets the attacker's in the per-client and total caps; from
127.0.0.1, the attacks from 127.0.0.2). Prints a Markdown row per attack: visitor
p50/p95/max in ms, visitor errors, the searches' p95 and errors, the attack's statuses,
the server's peak RSS. The "slow readers" attack opens 64 connections asking for a big
answer and never reads; "4 addresses never reading" opens one such connection a second
from each of 127.0.0.2-5.
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
    # the biggest answer the result budget lets through (16 MB of values)
    "big JSON (700 rows x 20 KB)": "/literature.json?" + urllib.parse.urlencode(
        {"sql": R + "select printf('%.*c', 20000, 'a') as v from c limit 700"}),
    "malformed input": "/literature/disagreements.json?_next=abc",
    "slow readers (64 never reading)": "slow",
    # round three: the routes added since
    "4 addresses never reading (big JSON)": "hold",
    "whole-set BibTeX export": "/-/export/literature/papers.bib",
    "search, 64 author terms": "/literature/search.json?" + urllib.parse.urlencode(
        {"q": " OR ".join(f"a{n}[au]" for n in range(64))}),
    "search, 20 truncated words, 200 a page": "/literature/search?" + urllib.parse.urlencode(
        {"q": " OR ".join(w + "*" for w in "cer dys neu bra mot mov pat cli stu res tre dis pur nuc bas gan tha cor "
                                         "cel act".split()), "_size": 200}),
    "sitemap.xml": "/sitemap.xml",
    "_where with white-space runs": "/literature/papers.json?" + urllib.parse.urlencode(
        [("_where", f"1 {' ' * 4_000}= {n}") for n in (1, 2, 3)]),
    "250 KB author terms (pubmed_author)": None,  # made per request: distinct terms
}
ATTACKER = "127.0.0.2"


def get(port: int, path: str, timeout: float = 60, source: str = "127.0.0.1") -> tuple[int, float]:
    start = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout, source_address=(source, 0))
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


def never_reading(port: int, source: str) -> socket.socket:
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    s.sendall(f"GET {ATTACKS['big JSON (700 rows x 20 KB)']} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return s


def slow_readers(port: int, stop: threading.Event, statuses: collections.Counter) -> None:
    sockets = [never_reading(port, ATTACKER) for _ in range(64)]
    statuses["64 sockets"] += 1
    stop.wait()
    for s in sockets:
        s.close()


def holders(port: int, stop: threading.Event, statuses: collections.Counter) -> None:
    """Each second, from each of four addresses, one more request that is never read;
    a socket is closed 20 s after it was opened."""
    sockets = collections.deque()
    while not stop.is_set():
        for n in range(2, 6):
            sockets.append((time.monotonic(), never_reading(port, f"127.0.0.{n}")))
            statuses["requests"] += 1
        while sockets and sockets[0][0] < time.monotonic() - 20:
            sockets.popleft()[1].close()
        stop.wait(1)
    for _, s in sockets:
        s.close()


def run_attack(port: int, pid: int, name: str, seconds: float, rate: float) -> dict:
    statuses, stop, threads = collections.Counter(), threading.Event(), []
    peak = [rss_mb(pid, "VmRSS")]

    def one(path):
        statuses[get(port, path, source=ATTACKER)[0]] += 1

    def attacker():
        n = 0
        while not stop.is_set():
            path = ATTACKS[name] or "/literature.json?" + urllib.parse.urlencode({"sql": PER_REQUEST[name](n)})
            t = threading.Thread(target=one, args=(path,))
            t.start()
            threads.append(t)
            n += 1
            stop.wait(1 / rate)

    def sampler():
        while not stop.is_set():
            peak[0] = max(peak[0], rss_mb(pid, "VmRSS"))
            stop.wait(0.2)

    special = {"slow": slow_readers, "hold": holders}.get(ATTACKS[name])
    attack = threading.Thread(target=special or attacker, args=(port, stop, statuses) if special else ())
    attack.start()
    threading.Thread(target=sampler, daemon=True).start()
    searches = []

    def searcher():
        while not stop.is_set():
            searches.append(get(port, "/literature/search?q=dystonia+AND+cerebell%2A"))
            stop.wait(1)

    search_thread = threading.Thread(target=searcher)
    search_thread.start()
    times, errors, end = [], 0, time.monotonic() + seconds
    paper = "/literature/papers/" + PAPER_ID
    while time.monotonic() < end:
        for path in ("/", paper):
            status, elapsed = get(port, path)
            times.append(elapsed)
            errors += status != 200
    stop.set()
    attack.join()
    search_thread.join()
    for t in threads:
        t.join()
    times.sort()
    search_times = sorted(t for _, t in searches)
    return {"p50": statistics.median(times) * 1000, "p95": times[int(0.95 * (len(times) - 1))] * 1000,
            "max": times[-1] * 1000, "n": len(times), "errors": errors, "statuses": statuses, "peak": peak[0],
            "search_p95": search_times[int(0.95 * (len(search_times) - 1))] * 1000,
            "search_errors": sum(status != 200 for status, _ in searches), "searches": len(searches)}


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
                  "searches: p95 ms, errors/n | attack statuses | server peak RSS MB |\n"
                  "|---|---:|---:|---:|---:|---:|---:|---|---:|")
            for name in args.attack or ATTACKS:
                r = run_attack(port, process.pid, name, args.seconds, args.rate)
                statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
                print(f"| {name} | {r['p50']:.0f} | {r['p95']:.0f} | {r['max']:.0f} | {r['n']} | {r['errors']} | "
                      f"{r['search_p95']:.0f}, {r['search_errors']}/{r['searches']} | {statuses} | {r['peak']:.0f} |",
                      flush=True)
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
# The attacks whose URL is made per request (n = 0, 1, ...): a new SQL each time.
PER_REQUEST = {
    "distinct zero-row queries": lambda n: f"select * from papers where title = 'no such title {n}'",
    # pubmed_author() (plugins/search.py) is callable from any SQL; its parser kept every
    # distinct term it saw (256 of them), however long
    "250 KB author terms (pubmed_author)": lambda n: (
        R + f"select length(pubmed_author('x', printf('%.*c', 250000, 'a') || '{n}-' || x)) as n from c limit 60"),
}

if __name__ == "__main__":
    sys.exit(main())
