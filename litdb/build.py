"""The pipeline, one way: read every seed (in parallel: chunks of small files, slices of
a big export) and stage each record once; group the staged records into papers with
SQL; merge each paper exactly once (in parallel); link, index, then swap the finished
file into place."""

from __future__ import annotations

import codecs
import hashlib
import itertools
import mmap
import multiprocessing
import os
import re
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils
from tqdm import tqdm

from . import load
from .merge import SourceRecord, paper_rows
from .normalize import without_shadow_links
from .readers import BY_NAME, decode, detect, unknown_format
from .records import PaperRecord, RecordError
from .topics import load_vocabulary

CHUNK = 128  # small seed files a worker reads into one shard
SLICE_BYTES = 4 << 20  # a file this big whose format can be cut into records is shared among workers
MERGE_CHUNK = 256  # records a worker merges into one shard
SHARDS_AT_ONCE = 8  # shards copied in between two commits (SQLite attaches at most 10, staging included)


@dataclass
class FileRead:
    """What reading one seed file, or one part of a big export, gave."""

    source: dict  # the sources row, without its id
    records: list[tuple[int, PaperRecord]] = field(default_factory=list)  # (position in the file, record)
    errors: list[RecordError] = field(default_factory=list)
    parts: int = 1  # a part of a big export has its positions and lines counted from its own start:
    pieces: int = 0  # it holds so many records (good and bad)
    lines: int = 0  # and so many lines; the main process moves them to their place in the file


def _reason(e: Exception) -> str:
    return one_line(str(e) if isinstance(e, ValueError) else f"could not be parsed ({type(e).__name__}: {e})")


def one_line(message: str) -> str:
    """One line, and a short one: a parser may quote a whole damaged value in its message."""
    message = " ".join(message.split())
    return message if len(message) <= 240 else message[:239] + "…"


def read_seed_file(path: Path, part: int = 0, parts: int = 1, stat: tuple | None = None,
                   name: str | None = None) -> FileRead:
    """The sources row and the records of one seed file, or of one part of a big export
    (the ``part``-th of ``parts``, when it is shared among workers); name: the file's
    name in the seeds folder (seed_files), its own name when not given."""
    name = name or path.name
    if parts > 1:
        return read_part(path, name, part, parts, stat)
    data = path.read_bytes()
    source = {
        "filename": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
        "format": None, "status": "loaded", "error": None, "records": 0, "rejected_records": 0,
    }
    out = FileRead(source)
    try:
        text = decode(data)
        del data
        source["format"] = detect(text)
        if source["format"] is None:
            raise ValueError(unknown_format(text))
        for position, item in enumerate(BY_NAME[source["format"]].read(text)):
            _add(out, position, item, 0)
    except Exception as e:  # a bad seed must never stop the build
        source["status"], source["error"] = "rejected", _reason(e)
        out.records, out.errors = [], []
        return without_shadow_links(out)
    return _counted(out)


def _counted(out: FileRead) -> FileRead:
    out.source["records"], out.source["rejected_records"] = len(out.records), len(out.errors)
    # The one place links to shadow libraries are taken out of free text: none goes
    # further than this, in any text of any record (or of its sources row).
    return without_shadow_links(out)


HEAD_BYTES = 65536  # what a part looks at to tell the format: readers look at the start


def read_part(path: Path, name: str, part: int, parts: int, stat: tuple) -> FileRead:
    """One part of a big export whose reader says where records start in its bytes
    (RECORD_START): the records from the first start at or after the part's share of the
    bytes to the next part's first. Each worker so maps the file and decodes only its
    part: memory stays flat however big the export. A format cut otherwise is read whole
    by the first part; the others give nothing."""
    now = path.stat()
    if (now.st_size, now.st_mtime_ns) != tuple(stat):
        raise RuntimeError(f"{name}: changed during the build; build again")
    source = {"filename": name, "sha256": None, "bytes": now.st_size, "format": None, "status": "loaded",
              "error": None, "records": 0, "rejected_records": 0}
    out = FileRead(source, parts=parts)
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        reader = _cut_by_bytes(mm[:HEAD_BYTES])
        if reader is None or not getattr(reader, "byte_parts_allowed", lambda _: True)(mm):
            return read_seed_file(path, name=name) if part == 0 else out
        if part == 0:
            source["sha256"] = hashlib.sha256(mm).hexdigest()
        source["format"] = reader.NAME
        size = len(mm)
        start = 0 if part == 0 else _record_start(reader, mm, size * part // parts)
        end = size if part == parts - 1 else _record_start(reader, mm, size * (part + 1) // parts)
        if start >= end:
            return out
        try:
            text = decode(mm[start:end])
        except ValueError as e:  # the whole file is refused; say where, in the file's bytes
            if str(e) != "empty file":
                source["status"], source["error"] = "rejected", OFFSET.sub(lambda m: f"{m[1]} {int(m[2]) + start}",
                                                                            _reason(e))
            return without_shadow_links(out)
    position = 0  # a record a piece, mostly; a piece may hold many (a tab-delimited export is one)
    for line, piece in reader.split_records(text):
        try:
            items = list(reader.read(piece))
        except ValueError as e:  # a piece that cannot be read is one bad record
            items = [RecordError(1, 1, _reason(e))]
        for item in items:
            _add(out, position, item, line - 1)
            position += 1
    out.pieces, out.lines = position, text.count("\n")
    return _counted(out)


OFFSET = re.compile(r"(at offset|at byte) (\d+)")


def _cut_by_bytes(head: bytes):
    """The reader of a file that begins so, if it says where its records start in bytes."""
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return None
    try:
        name = detect(decode(head[:head.rfind(b"\n") + 1] or head))
    except ValueError:
        return None
    reader = BY_NAME.get(name)
    return reader if hasattr(reader, "RECORD_START") else None


def _record_start(reader, mm, at: int) -> int:
    """Where the first record starting at or after byte ``at`` begins (the end if none)."""
    m = reader.RECORD_START.search(mm, max(at - 1, 0))
    return m.end() if m else len(mm)


def _add(out: FileRead, position: int, item, line_offset: int) -> None:
    """A record or a record's error, at its place in the whole file."""
    if not isinstance(item, RecordError) and not (item.title or "").strip():
        # every paper has a title (a record of identifiers only says too little to show)
        item = RecordError(position + 1, item.line, "record has no title")
    if isinstance(item, RecordError):
        out.errors.append(RecordError(position + 1, item.line + line_offset if item.line else None,
                                      one_line(item.reason)))
    else:
        if item.line is not None:
            item.line += line_offset
        out.records.append((position, item))


def read_chunk(item: tuple[Path, list[tuple]]) -> list[FileRead]:
    """Read a chunk of seed files (or one part of a big one), staging their records in a
    shard (a database of the worker's own, copied in by the main process with SQL: no
    records are pickled between processes); returns what each file gave, without its
    records. Runs in a worker."""
    shard_path, files = item
    shard = load.create_shard(shard_path, load.READ_SHARD_TABLES)
    reads = []
    for source_id, path, name, part, parts, stat in files:
        read = read_seed_file(path, part, parts, stat, name)
        load.insert_values(shard, "records", [load.staged(source_id, name, position, record)
                                              for position, record in read.records], shard=True)
        read.records = []
        reads.append(read)
    shard.conn.commit()
    shard.close()
    return reads


_topics = None  # the vocabulary, loaded once in each process that merges


def merge_paper(group: list[tuple], salt: str | None = None) -> dict[str, list[tuple]]:
    """The rows of one paper, from its (source id, file name, position, record)s."""
    global _topics
    if _topics is None:
        _topics = load_vocabulary()
    records = [SourceRecord(source_id, filename, record, position) for source_id, filename, position, record in group]
    return load.paper_values(paper_rows(records, _topics, salt))


def merge_chunk(item: tuple[Path, Path, int, int]) -> int:
    """Merge the papers of a range of clusters, read from staging, writing their rows to
    a shard; returns how many. Runs in a worker."""
    shard_path, staging, first, last = item
    shard = load.create_shard(shard_path, load.MERGE_SHARD_TABLES)
    batches, written, n = load.Batches(shard, shard=True), set(), 0
    for cluster, group in load.staged_papers(staging, first, last):
        rows = merge_paper(group)
        paper_id = rows["papers"][0][0]
        clash = paper_id in written  # two papers of this range would share an id
        batches.add({"merged": [(cluster, paper_id, clash)], **({} if clash else rows)})
        written.add(paper_id)
        n += 1
    batches.flush()
    shard.conn.commit()
    shard.close()
    return n


def worker_pool(workers: int):
    """Processes for reading and merging (None for one: the work is done here), forked
    once at the start while this process is still small."""
    return multiprocessing.get_context("fork").Pool(workers) if workers > 1 else None


def take_in(db, shards: list[Path], copy) -> None:
    """Copy finished shards into the database, then delete them."""
    if shards:
        copy(db, shards)
        for shard in shards:
            (shard[0] if isinstance(shard, tuple) else shard).unlink()


def in_shards(db, results, copy):
    """Copy shards in as their workers finish them, SHARDS_AT_ONCE at a time; yields
    each worker's result in order. (A result may come with what copy needs of it.)"""
    waiting = []
    for shard, result, *how in results:
        waiting.append((shard, *how) if how else shard)
        if len(waiting) == SHARDS_AT_ONCE:
            take_in(db, waiting, copy)
            waiting = []
        yield result
    take_in(db, waiting, copy)


def seed_files(seeds_dir: Path) -> tuple[list[tuple[Path, str]], list[tuple[str, OSError]]]:
    """Every seed file in seeds_dir and in its subfolders, as (path, name in the folder:
    "scopus/export.ris"), in name order; and the folders that cannot be read, as (name,
    why), so that none is passed over in silence. Hidden files and folders (".git",
    ".DS_Store", "._x" of macOS) are not seeds and are passed over."""
    found, unreadable = [], []

    def name_of(path) -> str:
        return Path(path).relative_to(seeds_dir).as_posix()

    for folder, subfolders, names in os.walk(seeds_dir, onerror=lambda e: unreadable.append((name_of(e.filename), e))):
        subfolders[:] = [d for d in subfolders if not d.startswith(".")]
        for n in names:
            path = Path(folder) / n
            if not n.startswith(".") and path.is_file():
                found.append((name_of(path), path))
    return [(path, name) for name, path in sorted(found)], sorted(unreadable, key=lambda u: u[0])


def reading_units(files: list[tuple[Path, str]], workers: int) -> list[list[tuple]]:
    """Work for the readers, as (source id, path, name, part, parts, (size, mtime)): chunks
    of small files; a big file in parts of about SLICE_BYTES, at least two per worker."""
    units, small = [], []
    size = CHUNK if workers == 1 else max(1, min(CHUNK, len(files) // (workers * 16)))
    for source_id, (path, name) in enumerate(files, 1):
        stat = path.stat()
        if stat.st_size < SLICE_BYTES:
            small.append((source_id, path, name, 0, 1, None))
            if len(small) == size:
                units.append(small)
                small = []
            continue
        if small:
            units.append(small)
            small = []
        parts = max(2 * workers if workers > 1 else 1, -(-stat.st_size // SLICE_BYTES))
        units += [[(source_id, path, name, part, parts, (stat.st_size, stat.st_mtime_ns))] for part in range(parts)]
    if small:
        units.append(small)
    return units


def placed(results):
    """(shard, reads, shift) from (shard, reads): a part's bad records moved to their
    place in the whole file, and the shift of its staged records' positions. Parts come
    in order, so the parts before are known."""
    before: dict[str, tuple[int, int]] = {}  # file name -> (records, lines) of its earlier parts
    for shard, reads in results:
        shift = 0
        for read in reads:
            if read.parts > 1:
                positions, lines = before.get(read.source["filename"], (0, 0))
                for e in read.errors:
                    e.position += positions
                    e.line = e.line + lines if e.line else None
                shift = positions  # a part is a unit of its own: one shift a shard
                before[read.source["filename"]] = (positions + read.pieces, lines + read.lines)
        yield shard, reads, shift


def combine_parts(reads):
    """One FileRead per file from the reads of its parts (which come one after the other).
    A file refused by one of its parts is refused whole."""
    current = None
    for read in reads:
        if current is not None and read.source["filename"] == current.source["filename"]:
            current.source["sha256"] = current.source["sha256"] or read.source["sha256"]
            current.source["format"] = current.source["format"] or read.source["format"]
            if read.source["status"] == "rejected" and current.source["status"] != "rejected":
                current.source.update(status="rejected", error=read.source["error"])
            current.source["records"] += read.source["records"]
            current.source["rejected_records"] += read.source["rejected_records"]
            current.errors += read.errors
            continue
        if current is not None:
            yield _whole(current)
        current = read
    if current is not None:
        yield _whole(current)


def _whole(read: FileRead) -> FileRead:
    if read.source["status"] == "rejected":
        read.source.update(records=0, rejected_records=0)
        read.errors = []
    return read


def progress_bar(stream, label: str, total: int) -> tqdm:
    """A one-line progress bar on a terminal; silent when the output is not one. (Its
    size is fixed: a terminal that tells none, a bare pty say, would otherwise hide it.)"""
    return tqdm(total=total, desc=label, file=stream, disable=not (hasattr(stream, "isatty") and stream.isatty()),
                ascii=".#", bar_format="{desc:<9} [{bar:30}] {n_fmt}/{total_fmt}", ncols=80, nrows=24, mininterval=0.2)


class Timings:
    """Wall time of each step of the build, printed at the end when asked for (--timings).

    The end of each step is also where the interruption tests stop a build: with
    LITDB_FAULT_AFTER=N in the environment, the build kills itself (SIGKILL, its workers
    with it) right after its N-th step, as a power cut there would."""

    def __init__(self, stream, active: bool):
        self.stream, self.active, self.steps, self.last = stream, active, [], time.perf_counter()
        self.fault_after = int(os.environ.get("LITDB_FAULT_AFTER") or 0)

    def lap(self, step: str) -> None:
        now = time.perf_counter()
        self.steps.append((step, now - self.last))
        self.last = now
        if len(self.steps) == self.fault_after:
            if os.getpgid(0) == os.getpid():  # a session of its own (as the tests start it): workers too
                os.killpg(0, signal.SIGKILL)
            os.kill(os.getpid(), signal.SIGKILL)

    def show(self) -> None:
        if self.active:
            for step, seconds in self.steps + [("total", sum(s for _, s in self.steps))]:
                print(f"{step:<58} {seconds:8.2f} s", file=self.stream)


def add_sources(db, reads, seeds_dir: Path, err, progress) -> int:
    """The sources and rejected_records rows, and a line on stderr for each rejection;
    returns how many files were rejected."""
    rejected = 0
    for source_id, read in enumerate(reads, 1):
        read.source["id"] = source_id
        if read.source["status"] == "loaded" and read.errors and not read.source["records"]:
            first = read.errors[0]
            read.source.update(status="rejected", error=f"no record could be read; record {first.position}"
                                                      f"{f' (line {first.line})' if first.line else ''}: {first.reason}")
        name = seeds_dir / read.source["filename"]
        if read.source["status"] == "rejected" or read.errors:
            progress.clear()  # the messages go above the bar
        for e in read.errors:
            print(f"{name}: record {e.position}{f' (line {e.line})' if e.line else ''}: rejected: {e.reason}", file=err)
        if read.source["status"] == "rejected":
            rejected += 1
            if not read.errors:
                print(f"{name}: rejected: {read.source['error']}", file=err)
        load.insert_rows(db, "sources", [read.source])
        load.insert_rows(db, "rejected_records", [{"source_id": source_id, **vars(e)} for e in read.errors])
        progress.update()
    return rejected


def build(seeds_dir: Path, db_path: Path, strict: bool = False, out=sys.stdout, err=sys.stderr,
          workers: int | None = None, timings: bool = False) -> int:
    if not seeds_dir.is_dir():
        print(f"{seeds_dir}: not a folder of seed files", file=err)
        return 2
    files, folders = seed_files(seeds_dir)
    for name, e in folders:
        print(f"{seeds_dir / name}/: rejected: a folder that cannot be read ({e.strerror or e})", file=err)
    target = db_path.resolve()
    if not target.parent.is_dir():
        print(f"{db_path}: its folder {target.parent.name or target.parent} does not exist", file=err)
        return 2
    for stale in target.parent.glob(f".{target.name}.*.tmp*"):
        stale.unlink(missing_ok=True)  # left by a build that was killed
    tmp = target.parent / f".{target.name}.{os.getpid()}.tmp"
    staging = tmp.with_suffix(".tmp-staging")
    shard_names = (tmp.with_suffix(f".tmp-shard{n}") for n in itertools.count())
    made: list[Path] = []
    big = any(p.stat().st_size >= SLICE_BYTES for p, _ in files)
    workers = workers or (os.cpu_count() or 1 if len(files) >= 64 or big else 1)
    steps = Timings(err, timings)
    pool = worker_pool(workers)
    run = map if pool is None else pool.imap  # in order, every worker busy
    try:
        db = sqlite_utils.Database(tmp, recreate=True)
        # Safe on a file nobody else reads, and much faster for the bulk load; larger
        # pages mean fewer reads when indexes are built over the big tables.
        db.conn.executescript("PRAGMA page_size = 16384; PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
                              "PRAGMA cache_size = -32768;")
        load.create_tables(db)
        load.create_work_tables(db, staging)

        units = reading_units(files, workers)
        shards = [next(shard_names) for _ in units]
        made += shards
        progress = progress_bar(err, "reading", len(files))
        reads = in_shards(db, placed(zip(shards, run(read_chunk, zip(shards, units)))), load.take_in_records)
        rejected = add_sources(db, combine_parts(itertools.chain.from_iterable(reads)), seeds_dir, err,
                               progress)
        # a big export refused by one of its parts: the records its other parts staged go too
        db.execute("DELETE FROM staging.records WHERE source_id IN "
                   "(SELECT id FROM sources WHERE status = 'rejected')")
        progress.close()
        db.conn.commit()
        steps.lap("read and stage every record")

        load.cluster_records(db)
        db.conn.commit()
        steps.lap("group records into papers")

        ranges = list(load.cluster_ranges(db, MERGE_CHUNK))
        shards = [next(shard_names) for _ in ranges]
        made += shards
        progress = progress_bar(err, "merging", len(ranges))
        work = ((shard, staging, first, last) for shard, (first, last) in zip(shards, ranges))
        for _ in in_shards(db, zip(shards, run(merge_chunk, work)), load.take_in_papers):
            progress.update()
        progress.close()
        try:  # different papers that would share an id: each gets one of its own
            load.load_papers(db, (merge_paper(group, salt=f"{group[0][1]}:{group[0][2]}")
                                  for _, group in load.clashing_papers(db)))
        except sqlite3.IntegrityError as e:
            raise RuntimeError(f"two papers got the same id ({e})") from None
        if pool is not None:
            pool.terminate()  # the rest is SQL in this process: free the workers' memory
        steps.lap("merge each paper")
        load.add_journals(db)
        load.add_authors(db)
        load.link_references(db)
        load.add_topics(db, load_vocabulary())
        db.conn.commit()
        db.execute("DETACH DATABASE staging")
        steps.lap("journals, authors, cited papers, topics")
        load.finish(db)
        counts = {t: db[t].count for t in ("papers", "paper_references", "authors", "journals", "rejected_records")}
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
        for path in [tmp, staging, *made]:
            path.unlink(missing_ok=True)
    print(
        f"{db_path}: {len(files) - rejected} files loaded, {rejected} rejected"
        f"{f', {len(folders)} folders that cannot be read' if folders else ''}"
        f"{f', {bad:,} bad records left out' if (bad := counts['rejected_records']) else ''}; "
        f"{counts['papers']} papers, {counts['paper_references']} references, "
        f"{counts['authors']} authors, {counts['journals']} journals",
        file=out,
    )
    steps.show()
    return 1 if strict and (rejected or folders or counts["rejected_records"]) else 0
