"""Interrupted builds: a build killed at any moment leaves the previous database as it was.

A database is built from seeds/; then build.py is started on a corpus of a few thousand
seed files and killed (SIGKILL, the whole process group: workers too) at 22 moments
spread over a full run, from interpreter start-up to the final swap. After each kill
the database is the previous one, byte for byte (or, if the kill came after the swap,
exactly the new one), and passes ``PRAGMA integrity_check``. The next complete build
gives the same database as an uninterrupted one and leaves no temporary file behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import ROOT, SEEDS, dump, make_corpus

CORPUS_FILES = 1500
KILLS = 22


def start_build(seeds: Path, db: Path) -> subprocess.Popen:
    # A session of its own: the kill reaches the worker processes too.
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--seeds", str(seeds), "--db", str(db)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)


def run_build(seeds: Path, db: Path) -> float:
    """A complete build; its duration in seconds."""
    started = time.monotonic()
    process = start_build(seeds, db)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    return time.monotonic() - started


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def test_killed_builds_leave_the_previous_database_intact(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus, CORPUS_FILES)
    assert len(list(corpus.iterdir())) == CORPUS_FILES

    # What an uninterrupted build of the corpus gives, and how long it takes.
    reference = tmp_path / "reference" / "literature.db"
    reference.parent.mkdir()
    duration = run_build(corpus, reference)
    new_dump = dump(reference)

    site = tmp_path / "site"
    site.mkdir()
    db = site / "literature.db"
    run_build(SEEDS, db)
    previous = tmp_path / "previous.db"
    shutil.copyfile(db, previous)
    old_hash = sha256(db)
    assert integrity(db) == [("ok",)]

    moment = 0
    while moment < KILLS:
        process = start_build(corpus, db)
        started = time.monotonic()
        # From interpreter start-up to the final swap, one moment in each 22nd of a run.
        time.sleep(max(0.0, duration * (moment + 0.5) / KILLS - (time.monotonic() - started)))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            moment += 1
        else:  # this run was faster than the measured one: aim again, a little earlier
            duration *= 0.95
        process.communicate(timeout=60)
        assert db.exists(), f"kill {moment}: the database is gone"
        assert integrity(db) == [("ok",)], f"kill {moment}"
        if sha256(db) != old_hash:
            # The kill came after the swap (or the build ended first): then it is the new one, whole.
            assert dump(db) == new_dump, f"kill {moment}: the database is neither the previous nor the new one"
            shutil.copyfile(previous, db)

    # The next complete build: the same database as an uninterrupted one, no leftovers.
    run_build(corpus, db)
    assert dump(db) == new_dump
    assert integrity(db) == [("ok",)]
    assert sorted(p.name for p in site.iterdir()) == ["literature.db"]
