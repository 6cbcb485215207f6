"""The pipeline, one way: read each seed (in parallel), detect, parse, merge each record
on its own, write its rows (to a worker's shard, copied in) and stage it; group the
staged records, merge again the few papers with several records; link, index, then
swap the finished file into place."""

from __future__ import annotations

import functools
import hashlib
import itertools
import multiprocessing
import os
import sqlite3
import sys
import time
from pathlib import Path

import sqlite_utils

from . import load
from .readers import UNKNOWN_FORMAT, decode, detect, read as parse
from .merge import SourceRecord, paper_rows
from .normalize import without_shadow_links
from .records import PaperRecord
from .topics import load_vocabulary

def read_seed_file(path: Path) -> tuple[dict, list[PaperRecord]]:
    """A ``sources`` row (without its id) and the records of one seed file."""
    data = path.read_bytes()
    source = {
        "filename": path.name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
        "format": None, "status": "loaded", "error": None, "records": 0,
    }
    try:
        text = decode(data)
        source["format"] = detect(text)
        if source["format"] is None:
            raise ValueError(UNKNOWN_FORMAT)
        records = parse(source["format"], text)
    except Exception as e:  # a bad seed must never stop the build
        message = str(e) if isinstance(e, ValueError) else f"could not be parsed ({type(e).__name__}: {e})"
        source["status"], source["error"] = "rejected", " ".join(message.split())
        return without_shadow_links(source), []
    source["records"] = len(records)
    # The one place links to shadow libraries are taken out of free text: none goes
    # further than this, in any text of any record (or of its sources row).
    return without_shadow_links(source), [without_shadow_links(r) for r in records]


def read_chunk(item: tuple[Path, list[tuple[int, Path]]]) -> list[dict]:
    """Read, parse and merge a chunk of seed files, writing their rows to a shard (a
    database of their own, which the main process copies in with SQL: rows need no
    pickling between processes); returns the files' ``sources`` rows. Runs in a worker."""
    shard_path, files = item
    shard = load.create_shard(shard_path)
    batches, written, sources = load.Batches(shard, shard=True), set(), []
    for source_id, path in files:
        source, records = read_seed_file(path)
        source["id"] = source_id
        sources.append(source)
        for position, record in enumerate(records):
            # Each record merged on its own: most papers have one.
            rows = merge_paper([SourceRecord(source_id, path.name, record)])
            paper_id = rows["papers"][0][0]
            # A paper id seen before means a paper with several records: merged again later.
            # (One that an earlier shard has is left out when the shards are copied in.)
            first = paper_id not in written
            where = load.staged(source_id, path.name, source["sha256"], position, record)
            batches.add({"records": [(*where, paper_id, first)], **(rows if first else {})})
            written.add(paper_id)
    batches.flush()
    shard.conn.commit()
    shard.close()
    return sources


def take_in(db, shards: list[Path]) -> None:
    """Copy finished shards into the database, then delete them."""
    if shards:
        load.take_in_shards(db, shards)
        for shard in shards:
            shard.unlink()


def worker_pool(workers: int):
    """Processes for parsing and merging (None for one: the work is done here), forked
    once at the start while this process is still small (each keeps its share of
    whatever the parent holds when forked)."""
    return multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None


def in_parallel(function, items, pool, window: int = 512):
    """function(item) for each item, in order, on every worker of the pool (here, when
    there is none). Work goes out one window at a time, so memory holds a window of
    results, never the whole corpus."""
    items = iter(items)
    if pool is None:
        yield from map(function, items)
        return
    while chunk := list(itertools.islice(items, window)):
        yield from pool.imap(function, chunk, chunksize=max(1, len(chunk) // (pool._processes * 8)))


CHUNK = 128  # seed files a worker reads into one shard
SHARDS_AT_ONCE = 8  # shards copied in between two commits (SQLite attaches at most 10, staging included)

_topics = None  # the vocabulary, loaded once in each process that merges


def merge_paper(group: list[SourceRecord], salt: str | None = None) -> dict[str, list[tuple]]:
    """The rows of one paper, from its records; runs in a worker process."""
    global _topics
    if _topics is None:
        _topics = load_vocabulary()
    return load.paper_values(paper_rows(group, _topics, salt))


def merge_again(seeds_dir: Path, paper: tuple[list[tuple], str | None]) -> dict[str, list[tuple]]:
    """The rows of a paper to merge again (from ``load.papers_to_merge_again``), its
    records read again from their files; runs in a worker process. Reading twice costs
    less than keeping every record until all are grouped: few papers need it."""
    group, salt = paper
    records = []
    for source_id, filename, sha256, position in group:
        path = seeds_dir / filename
        try:
            source, file_records = read_seed_file(path)
        except OSError:
            source, file_records = {"sha256": None}, []
        if source["sha256"] != sha256 or position >= len(file_records):
            raise RuntimeError(f"{path}: changed during the build; build again")
        records.append(SourceRecord(source_id, filename, file_records[position]))
    return merge_paper(records, salt)


class Progress:
    """A one-line progress bar on a terminal; silent when the output is not one."""

    def __init__(self, stream, label: str, total: int):
        self.stream, self.label, self.total, self.done, self.shown = stream, label, total, 0, 0.0
        self.active = hasattr(stream, "isatty") and stream.isatty() and total > 0

    def step(self, n: int = 1) -> None:
        self.done += n
        now = time.monotonic()
        if self.active and (now - self.shown > 0.2 or self.done == self.total):
            self.shown = now
            filled = int(30 * self.done / self.total)
            self.stream.write(f"\r{self.label:<9} [{'#' * filled}{'.' * (30 - filled)}] {self.done:,}/{self.total:,}")
            self.stream.flush()

    def close(self) -> None:
        if self.active:
            self.stream.write("\n")


class Timings:
    """Wall time of each step of the build, printed at the end when asked for (--timings)."""

    def __init__(self, stream, active: bool):
        self.stream, self.active, self.steps, self.last = stream, active, [], time.perf_counter()

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.steps.append((step, now - self.last))
        self.last = now

    def show(self) -> None:
        if self.active:
            for step, seconds in self.steps + [("total", sum(s for _, s in self.steps))]:
                print(f"{step:<58} {seconds:8.2f} s", file=self.stream)


def build(seeds_dir: Path, db_path: Path, strict: bool = False, out=sys.stdout, err=sys.stderr,
          workers: int | None = None, timings: bool = False) -> int:
    if not seeds_dir.is_dir():
        print(f"{seeds_dir}: not a folder of seed files", file=err)
        return 2
    files = sorted(p for p in seeds_dir.iterdir() if p.is_file())
    target = db_path.resolve()
    for stale in target.parent.glob(f".{target.name}.*.tmp*"):
        stale.unlink(missing_ok=True)  # left by a build that was killed
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    shards: list[Path] = []
    staging = tmp.with_suffix(".tmp-staging")
    workers = workers or (os.cpu_count() or 1 if len(files) >= 64 else 1)
    steps = Timings(err, timings)
    pool = worker_pool(workers)
    try:
        db = sqlite_utils.Database(tmp, recreate=True)
        # Safe on a file nobody else reads, and much faster for the bulk load; larger
        # pages mean fewer reads when indexes are built over the big tables.
        db.conn.executescript("PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                              "PRAGMA cache_size = -32768;")
        load.create_tables(db)
        load.create_work_tables(db, staging)

        rejected, progress, waiting = 0, Progress(err, "reading", len(files)), []
        numbered = list(enumerate(files, 1))
        size = CHUNK if pool is None else max(1, min(CHUNK, len(files) // (workers * 16)))
        chunks = [numbered[k:k + size] for k in range(0, len(files), size)]
        shards = [tmp.with_suffix(f".tmp-shard{n}") for n in range(len(chunks))]
        # Every chunk goes out at once: a worker never waits. The main process copies
        # shards in faster than workers write them, so few wait on disk at a time.
        read = (map if pool is None else pool.imap)(read_chunk, zip(shards, chunks))
        for shard, chunk, sources in zip(shards, chunks, read):
            for (_, path), source in zip(chunk, sources):
                if source["status"] == "rejected":
                    rejected += 1
                    progress.close()  # end the bar's line before the message
                    print(f"{path}: rejected: {source['error']}", file=err)
            load.insert_rows(db, "sources", sources)
            waiting.append(shard)
            if len(waiting) == SHARDS_AT_ONCE:
                take_in(db, waiting)
                waiting = []
            progress.step(len(chunk))
        take_in(db, waiting)
        progress.close()
        steps.lap("read, parse, merge and write each record")

        load.cluster_records(db)
        again = load.take_out_shared_papers(db)
        steps.lap("group records into papers")
        progress = Progress(err, "merging", again)
        try:
            merged = in_parallel(functools.partial(merge_again, seeds_dir), load.papers_to_merge_again(db), pool)
            load.load_shared_papers(db, merged, on_paper=progress.step)
        except sqlite3.IntegrityError as e:
            raise RuntimeError(f"two papers got the same id ({e})") from None
        progress.close()
        if pool is not None:
            pool.terminate()  # the rest is SQL in this process: free the workers' memory
        steps.lap(f"read again and merge {again:,} papers with several records")
        load.add_journals(db)
        load.add_authors(db)
        load.link_references(db)
        load.add_topics(db, load_vocabulary())
        load.add_disagreements(db)
        db.conn.commit()
        db.execute("DETACH DATABASE staging")
        steps.lap("journals, authors, cited papers, topics, disagreements")
        load.finish(db)
        counts = {t: db[t].count for t in ("papers", "paper_references", "authors", "journals")}
        db.conn.commit()
        db.execute("PRAGMA journal_mode = DELETE")
        db.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
        steps.lap("indexes, full-text search, statistics, swap")
    finally:
        if pool is not None:
            pool.terminate()  # first, so that no worker writes a shard after the clean-up
        for path in [tmp, staging, *shards]:
            path.unlink(missing_ok=True)
    print(
        f"{db_path}: {len(files) - rejected} files loaded, {rejected} rejected; "
        f"{counts['papers']} papers, {counts['paper_references']} references, "
        f"{counts['authors']} authors, {counts['journals']} journals",
        file=out,
    )
    steps.show()
    return 1 if strict and rejected else 0
