#!/usr/bin/env python3
"""Load test: the site as `make serve` serves it, under many concurrent visitors.

    python scripts/loadtest.py [--duration 60] [--concurrency 32] [--papers 10000]
                               [--work DIR] [--record docs/loadtest.md]

Steps: generate a synthetic corpus of at least --papers papers
(scripts/generate_corpus.py; reused when already there), build literature.db from it
with build.py (reused while the build code is unchanged), start Datasette exactly as
`make serve` does (litdb.serve) on 127.0.0.1 and a free port, then keep --concurrency
connections busy for --duration seconds with a fixed mix of pages: home, facets,
full-text search (the canned query, the table search and /-/search), paper pages,
author and journal pages, JSON and CSV. Paper ids, authors, journals, years and
search words are read from the database.

Bounded and local: the only server it talks to is the one it starts on 127.0.0.1,
for --duration seconds (at most 600), with at most 256 connections.

Prints requests/s, latency percentiles (overall and per kind of page), status counts,
the server's memory, and exits 1 on any 5xx response or connection error.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litdb.serve import DATASETTE, SETTINGS, datasette_command, free_port, serve_env, start  # noqa: E402

PYTHON = sys.executable
FILES_PER_PAPER = 1.10  # the generator's files: ~5% twins of another paper, ~1% broken


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def code_stamp() -> str:
    """Changes whenever the build code does: a database built by other code is rebuilt."""
    digest = hashlib.sha256()
    for path in sorted([ROOT / "build.py", *(ROOT / "litdb").glob("*.py"), *(ROOT / "litdb").glob("*.yml")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def prepare(work: Path, papers: int) -> tuple[Path, Path]:
    """The corpus (≥ papers papers) and its database, made or reused; returns (db, inspect file)."""
    work.mkdir(parents=True, exist_ok=True)
    seeds, db, inspect = work / "seeds", work / "literature.db", work / "inspect-data.json"
    files = int(papers * FILES_PER_PAPER) + 1
    corpus_stamp, db_stamp = work / "corpus.stamp", work / "db.stamp"
    wanted_corpus = json.dumps({"files": files, "seed": 42})
    generator = ROOT / "scripts" / "generate_corpus.py"
    if not (corpus_stamp.exists() and corpus_stamp.read_text() == wanted_corpus):
        log(f"generating {files} seed files in {seeds}")
        if seeds.exists():
            for old in seeds.iterdir():
                old.unlink()
        subprocess.run([PYTHON, str(generator), "--n", str(files), "--out", str(seeds), "--seed", "42"],
                       check=True, stdout=subprocess.DEVNULL)
        corpus_stamp.write_text(wanted_corpus)
        db_stamp.unlink(missing_ok=True)
    wanted_db = wanted_corpus + code_stamp()
    if not (db.exists() and db_stamp.exists() and db_stamp.read_text() == wanted_db):
        log(f"building {db}")
        started = time.perf_counter()
        subprocess.run([PYTHON, str(ROOT / "build.py"), "--seeds", str(seeds), "--db", str(db)], check=True,
                       stderr=subprocess.DEVNULL)
        log(f"built in {time.perf_counter() - started:.0f} s")
        subprocess.run([DATASETTE, "inspect", str(db), "--inspect-file", str(inspect)], check=True)
        db_stamp.write_text(wanted_db)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        count = conn.execute("select count(*) from papers").fetchone()[0]
    if count < papers:
        sys.exit(f"{db} has {count} papers, fewer than {papers}: raise FILES_PER_PAPER")
    return db, inspect


def start_server(db: Path, inspect: Path, work: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    try:
        return start(datasette_command(db, inspect, port), port, work / "datasette.log", env=serve_env(), timeout=30)
    except RuntimeError as e:
        sys.exit(str(e))


def memory_kb(pid: int) -> dict:
    out = {}
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        pass
    return out


def url_mix(db: Path, rng: random.Random) -> list[tuple[str, int, callable]]:
    """(kind, weight, make a path) for the pages visitors open."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    paper_ids = [r[0] for r in conn.execute("select id from papers order by id")]
    author_ids = [r[0] for r in conn.execute("select id from authors order by paper_count desc limit 2000")]
    journal_ids = [r[0] for r in conn.execute("select id from journals order by id")]
    years = [r[0] for r in conn.execute("select distinct year from papers where year is not null order by year")]
    words = Counter()
    for (title,) in conn.execute("select title from papers order by id limit 3000"):
        words.update(w for w in re.findall(r"[a-z]{5,}", title.lower()))
    search_words = [w for w, _ in words.most_common(200)]
    conn.close()

    def word():
        return rng.choice(search_words)

    def two_words():
        return f"{word()} {word()}"

    q = urllib.parse.urlencode
    return [
        ("home", 8, lambda: "/"),
        ("facet", 6, lambda: "/literature/papers"),
        ("facet", 4, lambda: "/literature/papers?" + q({"year": rng.choice(years)})),
        ("facet", 3, lambda: "/literature/papers?" + q({"journal_id": rng.choice(journal_ids)})),
        ("facet", 2, lambda: "/literature/papers?" + q({"_facet_array": "authors"})),
        ("facet", 2, lambda: "/literature/papers?" + q({"topics__arraycontains": "Cerebellum",
                                                         "year": rng.choice(years)})),
        ("search", 6, lambda: "/literature/search?" + q({"q": two_words()})),
        ("search", 4, lambda: "/literature/papers?" + q({"_search": word()})),
        ("search", 3, lambda: "/-/search?" + q({"q": word()})),
        ("paper", 22, lambda: f"/literature/papers/{rng.choice(paper_ids)}"),
        ("author/journal", 5, lambda: f"/literature/authors/{rng.choice(author_ids)}"),
        ("author/journal", 3, lambda: f"/literature/journals/{rng.choice(journal_ids)}"),
        ("json", 10, lambda: f"/literature/papers/{rng.choice(paper_ids)}.json?_shape=array"),
        ("json", 5, lambda: "/literature/papers.json?" + q({"_shape": "array", "year": rng.choice(years)})),
        ("json", 5, lambda: "/literature/search.json?" + q({"q": word(), "_shape": "array"})),
        ("json", 2, lambda: "/literature/paper_references.json?" + q({"paper_id": rng.choice(paper_ids),
                                                                      "_shape": "array"})),
        ("csv", 2, lambda: "/literature/papers.csv?" + q({"year": rng.choice(years)})),
    ]


async def drive(base: str, mix, duration: float, concurrency: int, rng: random.Random) -> dict:
    kinds = [m[0] for m in mix]
    weights = [m[1] for m in mix]
    makers = [m[2] for m in mix]
    latencies = defaultdict(list)
    statuses = Counter()
    errors = Counter()
    server_errors = []
    deadline = time.perf_counter() + duration
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        async def worker():
            while time.perf_counter() < deadline:
                i = rng.choices(range(len(mix)), weights)[0]
                path = makers[i]()
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    await response.aread()
                except httpx.HTTPError as e:
                    errors[type(e).__name__] += 1
                    continue
                elapsed = time.perf_counter() - started
                statuses[response.status_code] += 1
                latencies[kinds[i]].append(elapsed)
                if response.status_code >= 500:
                    server_errors.append(path)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return {"latencies": latencies, "statuses": statuses, "errors": errors, "server_errors": server_errors,
            "wall": wall}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def report(result: dict, args, papers: int, memory: dict) -> tuple[str, bool]:
    all_latencies = [x for v in result["latencies"].values() for x in v]
    total = len(all_latencies)
    fivexx = sum(n for code, n in result["statuses"].items() if code >= 500)
    connection_errors = sum(result["errors"].values())
    ms = lambda s: f"{s * 1000:.0f}"  # noqa: E731
    lines = [
        f"- date: {date.today().isoformat()}; machine: {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; server and load generator on the same machine",
        f"- corpus: {papers:,} papers; settings: num_sql_threads={SETTINGS['num_sql_threads']}, "
        f"sql_time_limit_ms={SETTINGS['sql_time_limit_ms']}",
        f"- load: {args.concurrency} concurrent connections for {result['wall']:.0f} s "
        f"(`python scripts/loadtest.py --duration {args.duration:g} --concurrency {args.concurrency}`)",
        f"- **{total:,} requests, {total / result['wall']:.1f} requests/s**; "
        f"latency p50 {ms(percentile(all_latencies, 50))} ms, p95 {ms(percentile(all_latencies, 95))} ms, "
        f"p99 {ms(percentile(all_latencies, 99))} ms, max {ms(max(all_latencies, default=0))} ms",
        "- statuses: " + ", ".join(f"{code}: {n:,}" for code, n in sorted(result["statuses"].items()))
        + f"; **5xx: {fivexx}; connection errors: {connection_errors}**"
        + (f" ({dict(result['errors'])})" if connection_errors else ""),
        f"- server memory after the run: RSS {memory.get('VmRSS', 0) / 1024:.0f} MB, "
        f"peak {memory.get('VmHWM', 0) / 1024:.0f} MB",
        "",
        "| page kind | requests | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in sorted(result["latencies"], key=lambda k: -len(result["latencies"][k])):
        values = result["latencies"][kind]
        lines.append(f"| {kind} | {len(values):,} | {ms(percentile(values, 50))} | {ms(percentile(values, 95))} "
                     f"| {ms(percentile(values, 99))} |")
    if result["server_errors"]:
        lines += ["", "5xx responses (first 10):"] + [f"- `{p}`" for p in result["server_errors"][:10]]
    return "\n".join(lines), fivexx == 0 and connection_errors == 0


BEGIN, END = "<!-- loadtest:begin -->", "<!-- loadtest:end -->"


def record(path: Path, text: str) -> None:
    """Write the figures between the markers of path (the rest of the file is kept)."""
    block = f"{BEGIN}\n{text}\n{END}"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        new = (old or "# Load test\n\n") + block + "\n"
    path.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60, at most 600)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent connections (default 32, at most 256)")
    parser.add_argument("--papers", type=int, default=10000, help="papers in the corpus, at least (default 10000)")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "litdb-loadtest",
                        help="where the corpus and database are kept between runs")
    parser.add_argument("--record", type=Path, help="also write the figures to this Markdown file")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the request mix")
    args = parser.parse_args(argv)
    if not (0 < args.duration <= 600 and 0 < args.concurrency <= 256):
        parser.error("--duration must be in (0, 600] and --concurrency in [1, 256]")

    db, inspect = prepare(args.work, args.papers)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        papers = conn.execute("select count(*) from papers").fetchone()[0]
    process, base = start_server(db, inspect, args.work)
    try:
        time.sleep(2)  # let the results cache warm its pages, as after any start
        rng = random.Random(args.seed)
        mix = url_mix(db, rng)
        log(f"{papers:,} papers; {args.concurrency} connections for {args.duration:g} s against {base}")
        result = asyncio.run(drive(base, mix, args.duration, args.concurrency, rng))
        memory = memory_kb(process.pid)
        alive = process.poll() is None
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    text, ok = report(result, args, papers, memory)
    if not alive:
        text += "\n- **the server died during the run**"
        ok = False
    print(text)
    if args.record:
        record(args.record, text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
