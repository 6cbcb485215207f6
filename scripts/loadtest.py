#!/usr/bin/env python3
"""Load test: the site as `make serve` serves it and as `make serve-cluster` does, one after
the other on the same corpus, under the same crowd of visitors.

    python scripts/loadtest.py [--duration 60] [--warmup 30] [--concurrency 32] [--papers 10000]
                               [--kill-every 10] [--only single|cluster]
                               [--work DIR] [--record docs/loadtest.md]

Steps: generate a synthetic corpus of at least --papers papers
(scripts/generate_corpus.py; reused when already there), build literature.db from it
with build.py (reused while the build code is unchanged); then, for each set-up, start
it on 127.0.0.1 and free ports and keep --concurrency visitors busy for --warmup seconds
(not counted: a site that has been up a while, its caches as visitors have filled them),
then for --duration seconds, counted. "single" is one Datasette process exactly as `make serve` runs it
(litdb.serve); "cluster" is scripts/cluster.py, Datasette processes (one per core, and a spare) behind
nginx, during which one Datasette process is killed (SIGKILL) every --kill-every seconds,
in turn.

The visitors (realistic for a public site, so that a cache does not see only a few
URLs): every paper page is reachable and paper popularity is Zipf-like (the k-th most
visited paper is visited about 1/k as often as the first), the same for authors,
journals and years; searches are drawn from the vocabulary (the topics' labels and
synonyms, the words of the titles), one or two words, also Zipf-like. Each of the
--concurrency connections carries one visit after another: VISIT_REQUESTS requests from
an address of its own (127.0.0.2, 127.0.0.3, ...: all of 127.0.0.0/8 is this machine),
then the next visitor's, from another address, as a crowd would come, so that per-client
limits see a crowd and not a few robots.

Bounded and local: the only servers it talks to are those it starts on 127.0.0.1, for
--duration seconds each (at most 600), with at most 256 connections.

Prints, for each set-up, requests/s, latency percentiles (overall and per kind of page),
status counts and the servers' memory, then as its last line
  loadtest: single R1 req/s p99 P1 ms; cluster R2 req/s p99 P2 ms; errors E; killed K
where E counts, over both runs, 5xx and 429 answers, connection errors, time-outs and
cut answers, and K the processes killed. It exits 1 when E is not 0 or a server died.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import hashlib
import json
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litdb.serve import DATASETTE, SETTINGS, datasette_command, free_port, serve_env, start  # noqa: E402
from scripts.cluster import Cluster, children  # noqa: E402

PYTHON = sys.executable
FILES_PER_PAPER = 1.10  # the generator's files: ~5% twins of another paper, ~1% broken


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def code_stamp() -> str:
    """Changes whenever the build code does (build.py, every module it imports, the topic
    vocabulary): a database built by other code is rebuilt, not one the serving code changed."""
    listing = ("import sys, litdb.build; print('\\n'.join(m.__file__ for n, m in sys.modules.items() "
               "if n.split('.')[0] == 'litdb' and getattr(m, '__file__', None)))")  # in a process of its own:
    modules = [Path(line) for line in subprocess.run(  # this one has imported the serving modules too
        [PYTHON, "-c", listing], cwd=ROOT, check=True, capture_output=True, text=True).stdout.split()]
    digest = hashlib.sha256()
    for path in sorted({ROOT / "build.py", *modules, *(ROOT / "litdb").glob("*.yml")}):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
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


class Zipf:
    """Items drawn with Zipf-like popularity: the k-th (in a seeded shuffle, so that
    popularity is not tied to id order) with weight 1/k^exponent. Every item can come."""

    def __init__(self, items: list, rng: random.Random, exponent: float = 1.0, shuffle: bool = True):
        self.items = list(items)
        if not self.items:
            raise ValueError("no items to draw from")
        if shuffle:
            rng.shuffle(self.items)
        total, self.cumulative = 0.0, []
        for k in range(1, len(self.items) + 1):
            total += 1.0 / k ** exponent
            self.cumulative.append(total)
        self.rng = rng

    def __call__(self):
        x = self.rng.random() * self.cumulative[-1]
        return self.items[min(bisect.bisect_left(self.cumulative, x), len(self.items) - 1)]


def vocabulary(conn: sqlite3.Connection) -> list[str]:
    """Search words: the topics' labels and synonyms (the controlled vocabulary), then the
    words of the titles, most frequent first."""
    words: dict[str, None] = {}
    for label, synonyms in conn.execute("select label, synonyms from topics order by paper_count desc, id"):
        for term in [label] + json.loads(synonyms or "[]"):
            term = term.rstrip("*-").lower().strip()  # "cerebello*" and "cortico-*" are stems
            if len(term) >= 3 and re.fullmatch(r"[a-z0-9' ]+", term):
                words.setdefault(term)
    counts = Counter()
    for (title,) in conn.execute("select title from papers"):
        counts.update(re.findall(r"[a-z]{4,}", title.lower()))
    for word, _ in counts.most_common(3000):
        words.setdefault(word)
    return list(words)


def url_mix(db: Path, rng: random.Random) -> list[tuple[str, int, callable]]:
    """(kind, weight, make a path) for the pages visitors open."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    paper = Zipf([r[0] for r in conn.execute("select id from papers order by id")], rng)
    author = Zipf([r[0] for r in conn.execute("select id from authors order by paper_count desc, id")], rng,
                  shuffle=False)  # the most prolific authors are the most visited
    journal = Zipf([r[0] for r in conn.execute("select id from journals order by paper_count desc, id")], rng,
                   shuffle=False)
    year = Zipf([r[0] for r in conn.execute("select year from papers where year is not null group by year "
                                            "order by count(*) desc, year")], rng, shuffle=False)
    topics = [r for r in conn.execute("select id, label from topics order by paper_count desc, id")]
    topic = Zipf([label for _, label in topics], rng, shuffle=False)
    topic_id = Zipf([i for i, _ in topics], rng, shuffle=False)
    word = Zipf(vocabulary(conn), rng, shuffle=False)
    conn.close()

    def terms():
        return word() if rng.random() < 0.6 else f"{word()} {word()}"

    q = urllib.parse.urlencode
    return [
        ("home", 4, lambda: "/"),
        ("facet", 3, lambda: "/literature/papers"),
        ("facet", 4, lambda: "/literature/papers?" + q({"year": year()})),
        ("facet", 3, lambda: "/literature/papers?" + q({"journal_id": journal()})),
        ("facet", 1, lambda: "/literature/papers?" + q({"_facet_array": "authors"})),
        ("facet", 3, lambda: "/literature/papers?" + q({"topics__arraycontains": topic(), "year": year()})),
        ("search", 6, lambda: "/literature/search?" + q({"q": terms()})),
        ("search", 4, lambda: "/literature/papers?" + q({"_search": terms()})),
        ("search", 3, lambda: "/-/search?" + q({"q": word()})),
        ("paper", 26, lambda: f"/literature/papers/{paper()}"),
        ("author/journal", 6, lambda: f"/literature/authors/{author()}"),
        ("author/journal", 2, lambda: f"/literature/journals/{journal()}"),
        ("topic", 2, lambda: "/literature/topics/" + urllib.parse.quote(topic_id())),
        ("json", 12, lambda: f"/literature/papers/{paper()}.json?_shape=array"),
        ("json", 4, lambda: "/literature/papers.json?" + q({"_shape": "array", "year": year()})),
        ("json", 5, lambda: "/literature/search.json?" + q({"q": terms(), "_shape": "array"})),
        ("json", 3, lambda: "/literature/paper_references.json?" + q({"paper_id": paper(), "_shape": "array"})),
        ("csv", 2, lambda: "/literature/papers.csv?" + q({"year": year()})),
        ("static", 7, lambda: rng.choice(["/site/site.css", "/-/static/app.css"])),
    ]


# A visit: this many requests from one person (one address, one kept-alive connection),
# then that connection's next visitor comes from another address. A crowd, as nginx's and
# the processes' per-client limits see it: each of the --concurrency connections sending
# without pause from one address for the whole run would be one robot above any person's
# rate (the cluster answered 64 requests/s a connection, beyond nginx's 50 per address).
VISIT_REQUESTS = 20
ADDRESSES = 250 * 256  # 127.0.0.2 onwards: the loopback addresses the visitors come from


def visitor_address(i: int) -> str:
    """127.0.0.2, 127.0.0.3, ... 127.0.1.1, ...: the i-th visitor's loopback address."""
    n = i % ADDRESSES + 2
    return f"127.{n // 65536}.{n // 256 % 256}.{n % 256}"


async def drive(base: str, mix, duration: float, concurrency: int, rng: random.Random,
                kill=None, kill_every: float = 0, warmup: float = 0) -> dict:
    """concurrency connections, each carrying visits in turn (VISIT_REQUESTS requests from
    an address of its own, the next request sent when the last is answered, then the next
    visitor from a new address); kill() every kill_every s.
    The first warmup seconds are the same crowd, not counted (and no kill): a site that
    has been up a while, not one just started."""
    kinds = [m[0] for m in mix]
    weights = [m[1] for m in mix]
    makers = [m[2] for m in mix]
    latencies = defaultdict(list)
    statuses = Counter()
    errors = Counter()
    cache = Counter()  # X-Cache-Status: how nginx answered (HIT, MISS, EXPIRED...)
    warmup_errors = Counter()  # 5xx and 429 answers of the warm-up, by status
    failed = []
    kills = 0
    counted_from = time.perf_counter() + warmup
    deadline = counted_from + duration

    async def connection(i: int):
        visit = 0
        while time.perf_counter() < deadline:
            await visitor(i + visit * concurrency)
            visit += 1

    async def visitor(i: int):
        # aiohttp rather than httpx: the generator shares the machine with the servers, and
        # aiohttp costs it a quarter of httpx's CPU a request (0.26 ms against 1.19 for a
        # paper page from nginx's cache), CPU left to the servers.
        # Bodies are read as they come, gzip and all (a visitor asks for gzip, as browsers
        # do): whether an answer arrived whole is in its framing (length, chunks), and
        # inflating it would only take CPU from the servers.
        connector = aiohttp.TCPConnector(limit=1, local_addr=(visitor_address(i), 0))
        timeout = aiohttp.ClientTimeout(total=30.0)
        async with aiohttp.ClientSession(base, connector=connector, timeout=timeout, auto_decompress=False) as client:
            for _ in range(VISIT_REQUESTS):
                if time.perf_counter() >= deadline:
                    break
                k = rng.choices(range(len(mix)), weights)[0]
                path = makers[k]()
                started = time.perf_counter()
                try:
                    async with client.get(path, allow_redirects=False) as response:
                        await response.read()  # an answer cut short raises here
                except (aiohttp.ClientError, asyncio.TimeoutError) as e:
                    errors[type(e).__name__] += 1  # counted even in the warm-up: an error is an error
                    failed.append(f"{type(e).__name__}: {path}")
                    continue
                if started < counted_from:
                    if response.status >= 500 or response.status == 429:
                        warmup_errors[response.status] += 1
                        failed.append(f"{response.status} (warm-up): {path}")
                    continue
                latencies[kinds[k]].append(time.perf_counter() - started)
                statuses[response.status] += 1
                cache[response.headers.get("x-cache-status", "-")] += 1
                if response.status >= 500 or response.status == 429:
                    failed.append(f"{response.status}: {path}")

    async def killer():
        nonlocal kills
        await asyncio.sleep(warmup)
        while True:
            await asyncio.sleep(kill_every)
            if time.perf_counter() >= deadline:
                return
            if await kill(kills):
                kills += 1

    cpu = {}  # the machine's CPU seconds when counting starts (warmup seconds from now)
    asyncio.get_running_loop().call_later(warmup, lambda: cpu.setdefault("start", cpu_seconds()))
    killing = asyncio.get_running_loop().create_task(killer()) if kill and kill_every else None
    await asyncio.gather(*(connection(i) for i in range(concurrency)))
    wall = time.perf_counter() - counted_from
    end = cpu_seconds()
    if killing:
        killing.cancel()
    return {"latencies": latencies, "statuses": statuses, "errors": errors, "failed": failed, "wall": wall,
            "kills": kills, "cache": cache, "warmup_errors": warmup_errors,
            "cpu": {part: end[part] - cpu["start"][part] for part in end}}


def cpu_seconds() -> dict:
    """CPU seconds used so far: by the whole machine (every process, from /proc/stat) and by
    this load generator. What the machine used beyond the generator is the servers' work
    (on a quiet machine; another session's work would count too)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6]  # user, nice, system, irq, softirq (not steal)
    usage = os.times()
    return {"machine": busy / os.sysconf("SC_CLK_TCK"), "generator": usage.user + usage.system}


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def summary(result: dict) -> dict:
    all_latencies = [x for v in result["latencies"].values() for x in v]
    bad = sum(n for code, n in result["statuses"].items() if code >= 500 or code == 429)
    bad += sum(result["warmup_errors"].values())
    return {"requests": len(all_latencies), "rate": len(all_latencies) / result["wall"],
            "p99_ms": percentile(all_latencies, 99) * 1000, "errors": bad + sum(result["errors"].values()),
            "all": all_latencies}


def report(name: str, result: dict, args, memory_mb: float, extra: str = "") -> str:
    s = summary(result)
    ms = lambda x: f"{x * 1000:.0f}"  # noqa: E731
    lat = s["all"]
    connection_errors = sum(result["errors"].values())
    lines = [
        f"**{name}**{extra}",
        "",
        f"- **{s['requests']:,} requests, {s['rate']:.1f} requests/s**; latency p50 {ms(percentile(lat, 50))} ms, "
        f"p95 {ms(percentile(lat, 95))} ms, p99 {ms(percentile(lat, 99))} ms, max {ms(max(lat, default=0))} ms",
        "- statuses: " + ", ".join(f"{code}: {n:,}" for code, n in sorted(result["statuses"].items()))
        + (f"; in the warm-up: {dict(result['warmup_errors'])}" if result["warmup_errors"] else "")
        + f"; **errors: {s['errors']}** (5xx and 429 answers, connection errors, time-outs, cut answers)"
        + (f"; connection errors {dict(result['errors'])}" if connection_errors else ""),
        f"- server memory after the run: RSS {memory_mb:.0f} MB",
        cpu_line(result, s["requests"]),
        "",
        "| page kind | requests | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind in sorted(result["latencies"], key=lambda k: -len(result["latencies"][k])):
        values = result["latencies"][kind]
        lines.append(f"| {kind} | {len(values):,} | {ms(percentile(values, 50))} | {ms(percentile(values, 95))} "
                     f"| {ms(percentile(values, 99))} |")
    if result["failed"]:
        lines += ["", "Failed requests (first 10):"] + [f"- `{p}`" for p in result["failed"][:10]]
    return "\n".join(lines) + "\n"


def cpu_line(result: dict, requests: int) -> str:
    """Where the machine's CPU went, per request, and what that allows: requests/s if all
    its cores did nothing else, the load generator's share included (the ceiling this
    set-up's costs put on it, whatever the crowd). The generator's share is this process:
    the visitors, and in the cluster run the supervisor's and the killer's threads."""
    cpu, n = result["cpu"], max(requests, 1)
    servers = max(cpu["machine"] - cpu["generator"], 0.0)
    per_request = cpu["machine"] / n
    ceiling = os.cpu_count() / per_request if per_request else float("nan")
    return (f"- CPU: {1000 * servers / n:.1f} ms a request for the servers, {1000 * cpu['generator'] / n:.1f} ms "
            f"for the load generator; the machine busy {cpu['machine'] / result['wall'] / os.cpu_count():.0%} of "
            f"the time: at these costs, the generator's included, {os.cpu_count()} cores allow at most "
            f"{ceiling:.0f} requests/s")


def memory_mb(pids: list[int]) -> float:
    return sum(memory_kb(pid).get("VmRSS", 0) for pid in pids) / 1024


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


def run_single(db, inspect, work, args, papers) -> tuple[dict, float, bool]:
    process, base = start_server(db, inspect, work)
    try:
        time.sleep(args.settle)  # let the results cache warm its pages, as after any start
        mix = url_mix(db, random.Random(args.seed))
        log(f"single: {papers:,} papers; {args.concurrency} visitors for {args.duration:g} s against {base}")
        result = asyncio.run(drive(base, mix, args.duration, args.concurrency, random.Random(args.seed + 1),
                                   warmup=args.warmup))
        memory = memory_mb([process.pid])
        alive = process.poll() is None
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
    return result, memory, alive


def run_cluster(db, inspect, work, args, papers) -> tuple[dict, float, bool, Cluster]:
    runtime = work / "cluster"
    shutil.rmtree(runtime, ignore_errors=True)  # a cold cache, as after a deployment
    cluster = Cluster(db, inspect, free_port(), workers=args.workers, runtime=runtime, slots=args.slots,
                      spare=not args.no_spare)
    cluster.start()
    cluster.supervise_in_background()
    try:
        time.sleep(args.settle)
        mix = url_mix(db, random.Random(args.seed))
        kill_times: list[float] = []

        async def kill(n: int) -> bool:
            """SIGKILL to the next process in turn, once every process is up: never the
            last one standing while the previous victim is still starting again (its
            start takes seconds on a loaded machine); the wait is logged."""
            waited = time.perf_counter()
            while not await asyncio.to_thread(cluster.ready):
                if time.perf_counter() - waited > 30:
                    log("cluster: a restarted process is still not up after 30 s; killing anyway")
                    break
                await asyncio.sleep(0.2)
            waited = time.perf_counter() - waited
            worker = cluster.workers[n % len(cluster.workers)]
            if worker.process.poll() is not None:
                return False
            log(f"cluster: SIGKILL to Datasette process {worker.index} (pid {worker.process.pid})"
                + (f", after waiting {waited:.1f} s for the previous one to be back" if waited > 0.5 else ""))
            os.kill(worker.process.pid, signal.SIGKILL)
            kill_times.append(time.perf_counter())
            return True

        log(f"cluster: {len(cluster.workers)} Datasette processes behind nginx; {args.concurrency} visitors for "
            f"{args.duration:g} s against {cluster.url}; a process killed every {args.kill_every:g} s")
        result = asyncio.run(drive(cluster.url, mix, args.duration, args.concurrency, random.Random(args.seed + 1),
                                   kill=kill, kill_every=args.kill_every, warmup=args.warmup))
        gaps = [b - a for a, b in zip(kill_times, kill_times[1:])]
        result["kill_gaps"] = (min(gaps), max(gaps)) if gaps else None
        pids = [w.process.pid for w in cluster.every_process()] + [cluster.nginx.pid, *children(cluster.nginx.pid)]
        memory = memory_mb(pids)
        alive = cluster.nginx.poll() is None
    finally:
        cluster.stop()
    return result, memory, alive, cluster


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per set-up (default 60, at most 600)")
    parser.add_argument("--concurrency", type=int, default=32, help="concurrent visitors (default 32, at most 256)")
    parser.add_argument("--warmup", type=float, default=30,
                        help="seconds of the same load before the counted ones, per set-up (default 30)")
    parser.add_argument("--papers", type=int, default=10000, help="papers in the corpus, at least (default 10000)")
    parser.add_argument("--kill-every", type=float, default=10, help="seconds between two SIGKILLs in the cluster run "
                                                                      "(default 10; 0: none)")
    parser.add_argument("--workers", type=int, help="Datasette processes of the cluster (default: one per core)")
    parser.add_argument("--slots", type=int, help="requests each process of the cluster serves at a time (default: scripts/cluster.py SLOTS)")
    parser.add_argument("--no-spare", action="store_true", help="the cluster without its spare process")
    parser.add_argument("--only", choices=("single", "cluster"), help="run one set-up only")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "litdb-loadtest",
                        help="where the corpus and database are kept between runs")
    parser.add_argument("--record", type=Path, help="also write the figures to this Markdown file")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the request mix")
    parser.add_argument("--settle", type=float, default=2,
                        help="seconds of rest after each set-up's start, before its load (default 2: the results "
                             "cache warms its pages, as after any start; 0: none)")
    args = parser.parse_args(argv)
    if not (0 < args.duration <= 600 and 0 <= args.warmup <= 600 and 0 < args.concurrency <= 256
            and args.kill_every >= 0 and args.settle >= 0):
        parser.error("--duration must be in (0, 600], --warmup in [0, 600], --concurrency in [1, 256], "
                     "--kill-every >= 0, --settle >= 0")

    db, inspect = prepare(args.work, args.papers)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        papers = conn.execute("select count(*) from papers").fetchone()[0]
    sections = [
        f"- date: {date.today().isoformat()}; machine: {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}; servers and load generator on the same "
        "machine",
        f"- corpus: {papers:,} papers; Datasette settings: num_sql_threads={SETTINGS['num_sql_threads']}, "
        f"sql_time_limit_ms={SETTINGS['sql_time_limit_ms']}",
        f"- load: {args.concurrency} visitors for {args.duration:g} s per set-up, counted after {args.warmup:g} s "
        f"of the same load (`python scripts/loadtest.py --duration {args.duration:g} --warmup {args.warmup:g} "
        f"--concurrency {args.concurrency}"
        f"{f' --kill-every {args.kill_every:g}' if args.kill_every != 10 else ''}`)",
        "",
    ]
    summaries, alive_all, kills = {}, True, 0
    if args.only != "cluster":
        result, memory, alive = run_single(db, inspect, args.work, args, papers)
        summaries["single"] = summary(result)
        alive_all &= alive
        sections.append(report("single: one Datasette process (make serve)", result, args, memory,
                               "" if alive else " **(the server died during the run)**"))
    if args.only != "single":
        result, memory, alive, cluster = run_cluster(db, inspect, args.work, args, papers)
        summaries["cluster"] = summary(result)
        kills = result["kills"]
        alive_all &= alive
        restarts = sum(w.restarts for w in cluster.workers)
        cache = result["cache"]
        answered = sum(cache.values()) or 1
        sections.append(report(
            f"cluster: {len(cluster.workers)} Datasette processes behind nginx, {cluster.slots} "
            f"request{'s' if cluster.slots != 1 else ''} at a time each{' and a spare' if cluster.spare else ''} "
            "(make serve-cluster)", result, args,
            memory, f"; {kills} process{'es' if kills != 1 else ''} killed with SIGKILL"
                    + (f" ({result['kill_gaps'][0]:.0f} to {result['kill_gaps'][1]:.0f} s apart)"
                       if result["kill_gaps"] else "") + f", {restarts} restarts; nginx cache: "
                    + ", ".join(f"{k} {n / answered:.0%}" for k, n in cache.most_common())))
    text = "\n".join(sections)
    errors = sum(s["errors"] for s in summaries.values())

    def part(name):
        s = summaries.get(name)
        return f"{name} {s['rate']:.1f} req/s p99 {s['p99_ms']:.0f} ms" if s else f"{name} not run"

    last = f"loadtest: {part('single')}; {part('cluster')}; errors {errors}; killed {kills}"
    print(text)
    if args.record:
        record(args.record, text + "\n`" + last + "`\n")
    print(last)
    return 0 if errors == 0 and alive_all else 1


if __name__ == "__main__":
    sys.exit(main())
