#!/usr/bin/env python3
"""Benchmark: build speed and memory against a bare floor, then serving latency
against stock Datasette. Prints one table of figures; it asserts nothing.

    python scripts/bench.py --n 100000 [--requests 30] [--rounds 2] [--work DIR] [--record docs/benchmarks.md]

Steps: generate N synthetic seed files (scripts/generate_corpus.py), run the floor
loader (scripts/floor_loader.py) and build.py on them in turns, each after the files
were read once (a cold file cache would weigh on whichever ran first), measuring wall
time and the peak memory of each whole process tree; then serve the database the way
`make serve` does and, on another port, with stock Datasette over a copy of the
file without our indexes, settings or immutability, and time the same pages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litdb.serve import DATASETTE, free_port, start, start_site  # noqa: E402

PYTHON = sys.executable


def tree_pss_kb(pid: int) -> int:
    """Memory of a process and all its descendants, in kB: the proportional set size,
    so pages that forked workers share with their parent are counted once."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def run_measured(command: list[str], env=None) -> tuple[float, int, str]:
    """Run a command; (seconds, peak memory (PSS) of its process tree in MB, stdout)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak, done = 0, threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_pss_kb(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return seconds, peak // 1024, stdout.strip()


def timed_ms(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def latency_ms(url: str, requests: int) -> tuple[float, float]:
    """(first request, p50 of the next ``requests``), in milliseconds."""
    first = timed_ms(url)
    return first, statistics.median(timed_ms(url) for _ in range(requests))


def pages(db_path: Path) -> dict[str, str]:
    """The pages to time: same URLs on both servers (facets named explicitly, since
    stock Datasette has no metadata)."""
    conn = sqlite3.connect(db_path)
    paper_id = conn.execute("select id from papers order by rowid limit 1 offset 1000").fetchone() or \
        conn.execute("select id from papers limit 1").fetchone()
    conn.close()
    facets = "_facet=year&_facet=journal_id&_facet=is_open_access&_facet_array=publication_types&_facet_array=authors&_facet_array=topics"
    return {
        "papers table + facets": f"/literature/papers?{facets}",
        "full-text search, ranked (canned query)": "/literature/search?q=cerebellar+dystonia",  # stock: same SQL, see stock_path
        "search in the papers table + facets": f"/literature/papers?_search=cerebellar+dystonia&{facets}",
        "paper page": f"/literature/papers/{paper_id[0]}",
        "100-row JSON": "/literature/papers.json?_size=100&_shape=array",
        "references by journal, year": "/literature/paper_references?_facet=journal&_facet=year",
    }


def stock_path(path: str) -> str:
    """Stock Datasette has no canned queries: it runs the same SQL as arbitrary SQL."""
    if not path.startswith("/literature/search?"):
        return path
    import yaml
    sql = yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["literature"]["queries"]["search"]["sql"]
    q = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["q"][0]
    return "/literature?" + urllib.parse.urlencode({"sql": sql, "q": q})


def read_all(folder: Path) -> None:
    """Read every file of the folder once: what follows finds them in the file cache."""
    for path in folder.iterdir():
        path.read_bytes()


def stock_copy(db_path: Path, work: Path) -> Path:
    """The same data with only what sqlite-utils' defaults would give: no extra indexes."""
    copy = work / "stock" / "literature.db"
    copy.parent.mkdir(exist_ok=True)
    shutil.copy(db_path, copy)
    conn = sqlite3.connect(copy)
    for (name,) in conn.execute("select name from sqlite_master where type = 'index' and sql is not null").fetchall():
        conn.execute(f"drop index [{name}]")
    conn.execute("drop table if exists sqlite_stat1")
    conn.commit()
    conn.close()
    return copy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="seed files to generate")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--rounds", type=int, default=2, help="runs of the floor and of the build (the best counts)")
    parser.add_argument("--record", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    work = args.work / f"n{args.n}"
    seeds = work / "seeds"
    if not seeds.exists():
        print(f"generating {args.n:,} seed files in {seeds} ...", flush=True)
        subprocess.run([PYTHON, str(ROOT / "scripts" / "generate_corpus.py"), "--n", str(args.n), "--out", str(seeds)], check=True)
    floor_db, build_db = work / "floor.db", work / "literature.db"
    for path in (floor_db, build_db):
        path.unlink(missing_ok=True)

    # Floor and build take turns, each after the seed files were read once, so that
    # neither pays for a cold file cache; the best time of each counts.
    runs = {"floor": [], "build": []}
    commands = {
        "floor": [PYTHON, str(ROOT / "scripts" / "floor_loader.py"), "--seeds", str(seeds), "--db", str(floor_db)],
        "build": [PYTHON, str(ROOT / "build.py"), "--seeds", str(seeds), "--db", str(build_db)],
    }
    for round_ in range(1, args.rounds + 1):
        for name, command in commands.items():
            read_all(seeds)
            print(f"{name} (round {round_}) ...", flush=True)
            runs[name].append(run_measured(command))
            print(f"  {runs[name][-1][0]:.1f} s, {runs[name][-1][1]} MB", flush=True)
    (floor_s, _, floor_out), (build_s, _, build_out) = min(runs["floor"]), min(runs["build"])
    floor_mb, build_mb = max(r[1] for r in runs["floor"]), max(r[1] for r in runs["build"])

    print("serving ...", flush=True)
    stock_port, stock_db = free_port(), stock_copy(build_db, work)
    ours_server, ours_url = start_site(build_db, work / "ours.log")
    stock_server, stock_url = start([DATASETTE, "serve", str(stock_db), "--host", "127.0.0.1", "--port", str(stock_port)],
                                    stock_port, work / "stock.log")
    servers = [ours_server, stock_server]
    latency = {}
    try:
        time.sleep(5)  # let the server finish warming its cache, as a published one has
        for name, path in pages(build_db).items():
            ours_first, ours = latency_ms(ours_url + path, args.requests)
            stock_first, stock = latency_ms(stock_url + stock_path(path), args.requests)
            latency[name] = (ours, stock, ours_first, stock_first)
    finally:
        for server in servers:
            server.terminate()
            server.wait()

    lines = [
        f"Benchmark, {date.today().isoformat()}, {platform.node()} ({os.cpu_count()} cores, Python {platform.python_version()})",
        "",
        f"| build of {args.n:,} seed files | seconds | seeds/s | peak memory, PSS (MB) |",
        "|---|---:|---:|---:|",
        f"| floor (scripts/floor_loader.py) | {floor_s:.1f} | {args.n / floor_s:,.0f} | {floor_mb} |",
        f"| build.py | {build_s:.1f} | {args.n / build_s:,.0f} | {build_mb} |",
        f"| build / floor | {build_s / floor_s:.2f}x | | |",
        "",
        f"Best of {args.rounds} runs each, taking turns, each after the seed files were read once; all runs (s): "
        f"floor {', '.join(f'{r[0]:.1f}' for r in runs['floor'])}; build {', '.join(f'{r[0]:.1f}' for r in runs['build'])}.",
        "",
        f"`{floor_out.splitlines()[-1] if floor_out else ''}`  ",
        f"`{build_out.splitlines()[-1] if build_out else ''}`",
        "",
        "| page | ours p50 (ms) | stock p50 (ms) | stock / ours | ours first (ms) | stock first (ms) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, (ours, stock, ours_first, stock_first) in latency.items():
        lines.append(f"| {name} | {ours:.1f} | {stock:.1f} | {stock / ours:.1f}x | {ours_first:.0f} | {stock_first:.0f} |")
    lines.append("")
    lines.append(f"p50 of {args.requests} requests after a first one; \"first\" is that first request.")
    table = "\n".join(lines)
    print("\n" + table)
    if args.record:
        with open(args.record, "a", encoding="utf-8") as f:
            f.write("\n" + table + "\n")
    (work / "results.json").write_text(json.dumps({
        "n": args.n, "floor_s": floor_s, "floor_mb": floor_mb, "build_s": build_s, "build_mb": build_mb,
        "runs_s": {name: [r[0] for r in results] for name, results in runs.items()},
        "latency_ms": latency}, indent=2))


if __name__ == "__main__":
    main()
