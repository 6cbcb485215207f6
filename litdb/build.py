"""The pipeline, one way: read each seed, detect, parse, merge, load, swap into place."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import sqlite_utils

from . import load
from .formats import FORMATS, decode, detect
from .merge import SourceRecord, merge
from .topics import add_topics, load_vocabulary


def read_sources(seeds_dir: Path, err=sys.stderr) -> tuple[list[dict], list[SourceRecord]]:
    """A ``sources`` row for every file in the folder, and the records of those that parse."""
    sources, items = [], []
    files = sorted(p for p in seeds_dir.iterdir() if p.is_file())
    for source_id, path in enumerate(files, 1):
        data = path.read_bytes()
        source = {
            "id": source_id, "filename": path.name, "sha256": hashlib.sha256(data).hexdigest(),
            "bytes": len(data), "format": None, "status": "loaded", "error": None, "records": 0,
        }
        try:
            text = decode(data)
            source["format"] = detect(text)
            if source["format"] is None:
                raise ValueError("unknown format: neither a PubMed abstract page nor an aggregator JSON record")
            parse = next(parse for name, _, parse in FORMATS if name == source["format"])
            records = parse(text)
        except Exception as e:  # a bad seed must never stop the build
            message = str(e) if isinstance(e, ValueError) else f"could not be parsed ({type(e).__name__}: {e})"
            source["status"], source["error"] = "rejected", " ".join(message.split())
            print(f"{path}: rejected: {source['error']}", file=err)
        else:
            source["records"] = len(records)
            items.extend(SourceRecord(source_id, path.name, r) for r in records)
        sources.append(source)
    return sources, items


def write_database(db_path: Path, sources: list[dict], rows: dict[str, list[dict]]) -> None:
    """Build in a temporary file beside the target, then move it into place in one step."""
    db_path = db_path.resolve()
    for stale in db_path.parent.glob(f".{db_path.name}.*.tmp"):
        stale.unlink(missing_ok=True)  # left by a build that was killed
    tmp = db_path.parent / f".{db_path.name}.{os.getpid()}.tmp"
    try:
        db = sqlite_utils.Database(tmp, recreate=True)
        db.execute("PRAGMA journal_mode = OFF")  # safe: nobody reads the temporary file
        db.execute("PRAGMA synchronous = OFF")
        load.create_tables(db)
        load.insert_rows(db, "sources", sources)
        for table in ("journals", "papers", "authors", "paper_authors", "paper_references",
                      "mesh_terms", "grants", "topics", "paper_topics", "provenance"):
            load.insert_rows(db, table, rows[table])
        load.finish(db)
        db.execute("PRAGMA journal_mode = DELETE")
        db.conn.commit()
        db.close()
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, db_path)
    finally:
        tmp.unlink(missing_ok=True)


def build(seeds_dir: Path, db_path: Path, strict: bool = False, out=sys.stdout, err=sys.stderr) -> int:
    if not seeds_dir.is_dir():
        print(f"{seeds_dir}: not a folder of seed files", file=err)
        return 2
    sources, items = read_sources(seeds_dir, err)
    rows = merge(items)
    add_topics(rows, load_vocabulary())
    write_database(db_path, sources, rows)
    rejected = sum(s["status"] == "rejected" for s in sources)
    print(
        f"{db_path}: {len(sources) - rejected} files loaded, {rejected} rejected; "
        f"{len(rows['papers'])} papers, {len(rows['paper_references'])} references, "
        f"{len(rows['authors'])} authors, {len(rows['journals'])} journals",
        file=out,
    )
    return 1 if strict and rejected else 0
