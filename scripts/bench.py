#!/usr/bin/env python3
"""Benchmark: build speed, memory and CPU use against a bare floor, then serving
latency against stock Datasette. Prints one table of figures; it asserts nothing.

    python scripts/bench.py --n 100000 [--corpus exports|medline|pages] [--requests 30] [--rounds 2]
                            [--no-serve] [--work DIR] [--record docs/benchmarks.md]

Steps: generate a synthetic corpus of N records (--corpus exports, the default: every
seed format, pages and multi-record exports, papers shared between them, from
scripts/generate_exports.py; medline: one MEDLINE file of N records; pages: N
single-record files in the two original formats, from scripts/generate_corpus.py), run
the floor loader (scripts/floor_loader.py) and build.py on it in turns, each after the
files were read once (a cold file cache would weigh on whichever ran first), measuring
wall time, the peak memory (PSS) and the CPU time of each whole process tree, and for
the build the CPU use of each of its steps; then (unless --no-serve) serve the database
the way `make serve` does and, on another port, with stock Datasette over a copy of the
file without our indexes, settings or immutability, and time the same pages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litdb.serve import DATASETTE, free_port, start, start_site  # noqa: E402

PYTHON = sys.executable


TICK = os.sysconf("SC_CLK_TCK")


def tree_usage(pid: int) -> tuple[int, float]:
    """Memory of a process and all its descendants, in kB: the proportional set size,
    so pages that forked workers share with their parent are counted once; and their CPU
    time so far, in seconds (user + system, with that of children already reaped, which
    the kernel adds to their parent's)."""
    total, ticks, stack = 0, 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack += [int(c) for c in f.read().split()]
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total, ticks / TICK


def run_measured(command: list[str], env=None) -> dict:
    """Run a command: its seconds, the peak memory (PSS) of its process tree in MB, the
    CPU seconds of the whole tree (from the kernel's accounting of reaped children), a
    timeline of (seconds, CPU seconds so far) sampled every 20 ms, stdout and stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak, timeline, done = 0, [], threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            pss, cpu = tree_usage(process.pid)
            peak = max(peak, pss)
            timeline.append((time.perf_counter() - start, cpu))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {"s": seconds, "mb": peak // 1024, "cpu": cpu, "timeline": timeline, "out": stdout.strip(), "err": stderr}


STEP_LINE = re.compile(r"^(\S.*?)\s+([\d.]+) s$")


def step_usage(run: dict) -> list[tuple[str, float, float]]:
    """(step, wall seconds, CPU seconds) of each step build.py --timings printed; the steps
    are placed at the end of the run (before them: starting Python and the imports)."""
    steps = [(m.group(1), float(m.group(2))) for line in run["err"].splitlines()
             if (m := STEP_LINE.match(line)) and m.group(1) != "total"]
    timeline = [(0.0, 0.0)] + run["timeline"] + [(run["s"], run["cpu"])]

    def cpu_at(t):  # the last sample at or before t
        return max((c for s, c in timeline if s <= t), default=0.0)

    out, at = [], run["s"] - sum(s for _, s in steps)
    for name, seconds in steps:
        out.append((name, seconds, cpu_at(at + seconds) - cpu_at(at)))
        at += seconds
    return out


def timed_ms(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def latency_ms(url: str, requests: int) -> tuple[float, float] | str:
    """(first request, p50 of the next ``requests``), in milliseconds; or what the server
    answered instead (a page over the server's SQL time limit is a 400 "SQL Interrupted")."""
    try:
        first = timed_ms(url)
        return first, statistics.median(timed_ms(url) for _ in range(requests))
    except urllib.error.HTTPError as e:
        title = re.search(rb"<title>(.*?)</title>", e.read(2000))
        return f"HTTP {e.code}" + (f" ({title.group(1).decode(errors='replace')})" if title else "")


def pages(db_path: Path) -> dict[str, str]:
    """The pages to time: same URLs on both servers (facets named explicitly, since
    stock Datasette has no metadata)."""
    conn = sqlite3.connect(db_path)
    paper_id = conn.execute("select id from papers order by rowid limit 1 offset 1000").fetchone() or \
        conn.execute("select id from papers limit 1").fetchone()
    conn.close()
    # five facets: the public server refuses more in one request (issue 14)
    facets = "_facet=year&_facet=journal_id&_facet_array=publication_types&_facet_array=authors&_facet_array=topics"
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


GENERATORS = {  # how each corpus is made: the command, then what --n means
    "exports": (["generate_exports.py", "--records"], "records in every seed format"),
    "medline": (["generate_exports.py", "--single-medline", "--records"], "records in one MEDLINE file"),
    "pages": (["generate_corpus.py", "--n"], "single-record seed files (PubMed pages, aggregator records)"),
}


def load_average() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="records to generate")
    parser.add_argument("--corpus", choices=sorted(GENERATORS), default="exports", help="what the corpus holds")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-work")
    parser.add_argument("--rounds", type=int, default=2, help="runs of the floor and of the build (the best counts)")
    parser.add_argument("--no-serve", action="store_true", help="time the build only")
    parser.add_argument("--record", type=Path, help="append the results to this Markdown file")
    parser.add_argument("--settle", type=float, default=5, help="seconds the servers warm their caches before timing")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")

    work = args.work / f"{args.corpus}-n{args.n}"
    seeds = work / "seeds"
    command, what = GENERATORS[args.corpus]
    if not seeds.exists():
        print(f"generating {args.n:,} {what} in {seeds} ...", flush=True)
        subprocess.run([PYTHON, str(ROOT / "scripts" / command[0]), *command[1:], str(args.n), "--out", str(seeds)],
                       check=True)
    files = sorted(seeds.iterdir())
    corpus_mb = sum(p.stat().st_size for p in files) / 1e6
    floor_db, build_db = work / "floor.db", work / "literature.db"
    for path in (floor_db, build_db):
        path.unlink(missing_ok=True)

    # Floor and build take turns, each after the seed files were read once, so that
    # neither pays for a cold file cache; the best time of each counts.
    runs = {"floor": [], "build": []}
    commands = {
        "floor": [PYTHON, str(ROOT / "scripts" / "floor_loader.py"), "--seeds", str(seeds), "--db", str(floor_db)],
        "build": [PYTHON, str(ROOT / "build.py"), "--seeds", str(seeds), "--db", str(build_db), "--timings"],
    }
    loads = [load_average()]
    for round_ in range(1, args.rounds + 1):
        for name, command in commands.items():
            read_all(seeds)
            print(f"{name} (round {round_}) ...", flush=True)
            runs[name].append(run := run_measured(command))
            print(f"  {run['s']:.1f} s, {run['mb']} MB, {run['cpu']:.1f} CPU s ({run['cpu'] / run['s']:.2f} cores)",
                  flush=True)
            loads.append(load_average())
    floor, build = (min(runs[name], key=lambda r: r["s"]) for name in ("floor", "build"))
    floor_mb, build_mb = max(r["mb"] for r in runs["floor"]), max(r["mb"] for r in runs["build"])
    steps = step_usage(build)

    def save(latency):  # the build's figures first, so that a failure while serving loses none of them
        (work / "results.json").write_text(json.dumps({
            "n": args.n, "corpus": args.corpus, "files": len(files), "corpus_mb": corpus_mb, "load_average": loads,
            "floor_s": floor["s"], "floor_mb": floor_mb, "floor_cpu_s": floor["cpu"],
            "build_s": build["s"], "build_mb": build_mb, "build_cpu_s": build["cpu"],
            "runs_s": {name: [r["s"] for r in results] for name, results in runs.items()},
            "runs_mb": {name: [r["mb"] for r in results] for name, results in runs.items()},
            "steps": steps, "latency_ms": {name: {"ours": ours, "stock": stock} for name, (ours, stock) in latency.items()}},
            indent=2))

    save({})
    latency = {}
    if not args.no_serve:
        print("serving ...", flush=True)
        stock_port, stock_db = free_port(), stock_copy(build_db, work)
        ours_server, ours_url = start_site(build_db, work / "ours.log")
        stock_server, stock_url = start([DATASETTE, "serve", str(stock_db), "--host", "127.0.0.1", "--port",
                                         str(stock_port)], stock_port, work / "stock.log")
        try:
            time.sleep(args.settle)  # let the server finish warming its cache, as a published one has
            for name, path in pages(build_db).items():
                latency[name] = (latency_ms(ours_url + path, args.requests),
                                 latency_ms(stock_url + stock_path(path), args.requests))
        finally:
            for server in (ours_server, stock_server):
                server.terminate()
                server.wait()

    all_runs = {name: ", ".join(f"{r['s']:.1f}" for r in results) for name, results in runs.items()}
    lines = [
        f"Benchmark, {date.today().isoformat()}, {platform.node()} ({os.cpu_count()} cores, Python "
        f"{platform.python_version()}); corpus `--corpus {args.corpus}`: {args.n:,} {what}, {len(files):,} files, "
        f"{corpus_mb:,.0f} MB; load average (1, 5, 15 min) before and after each run: {'; '.join(loads)}",
        "",
        f"| build of {args.n:,} records | seconds | records/s | peak memory, PSS (MB) | CPU seconds | cores busy |",
        "|---|---:|---:|---:|---:|---:|",
        f"| floor (scripts/floor_loader.py) | {floor['s']:.1f} | {args.n / floor['s']:,.0f} | {floor_mb} | "
        f"{floor['cpu']:.1f} | {floor['cpu'] / floor['s']:.2f} |",
        f"| build.py | {build['s']:.1f} | {args.n / build['s']:,.0f} | {build_mb} | {build['cpu']:.1f} | "
        f"{build['cpu'] / build['s']:.2f} |",
        f"| build / floor | {build['s'] / floor['s']:.2f}x | | | | |",
        "",
        f"Best of {args.rounds} runs each, taking turns, each after the seed files were read once; all runs (s): "
        f"floor {all_runs['floor']}; build {all_runs['build']}. Memory: the highest of the runs.",
        "",
        f"`{floor['out'].splitlines()[-1] if floor['out'] else ''}`  ",
        f"`{build['out'].splitlines()[-1] if build['out'] else ''}`",
        "",
        "| step of the best build (`--timings`) | seconds | CPU seconds | cores busy |",
        "|---|---:|---:|---:|",
    ]
    for name, seconds, cpu in steps:
        lines.append(f"| {name} | {seconds:.1f} | {cpu:.1f} | {cpu / seconds if seconds else 0:.2f} |")
    if latency:
        lines += [
            "",
            "| page | ours p50 (ms) | stock p50 (ms) | stock / ours | ours first (ms) | stock first (ms) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, (ours, stock) in latency.items():
            if isinstance(ours, str) or isinstance(stock, str):  # an error answer: said as it came
                cells = [f"{x[1]:.1f}" if isinstance(x, tuple) else x for x in (ours, stock)]
                firsts = [f"{x[0]:.0f}" if isinstance(x, tuple) else "" for x in (ours, stock)]
                lines.append(f"| {name} | {cells[0]} | {cells[1]} | | {firsts[0]} | {firsts[1]} |")
            else:
                lines.append(f"| {name} | {ours[1]:.1f} | {stock[1]:.1f} | {stock[1] / ours[1]:.1f}x | {ours[0]:.0f} | "
                             f"{stock[0]:.0f} |")
        lines += ["", f"p50 of {args.requests} requests after a first one; \"first\" is that first request."]
    table = "\n".join(lines)
    print("\n" + table)
    if args.record:
        with open(args.record, "a", encoding="utf-8") as f:
            f.write("\n" + table + "\n")
    save(latency)


if __name__ == "__main__":
    main()
