"""Interrupted builds: a build killed at any moment leaves the previous database as it was.

A database is built from seeds/; then build.py is started on a corpus of generated
seed files (enough for the worker processes: 64 files or more) and killed, SIGKILL, as a
power cut would:

- at each step boundary of the build, by its fault hook (LITDB_FAULT_AFTER=N: the build
  kills itself, its workers with it, right after its N-th step; the steps are the ones
  --timings lists): after steps 1 to 4 the database is the previous one, byte for byte;
  after step 5 (the swap) it is exactly the new one; no process of the build is left
  (a corpus of 100 files: the hook needs no time to act in, only the workers);
- and three times from outside, the whole process group (workers too), at moments told
  by the build itself rather than by a clock: at once (interpreter start-up), and when its
  progress bar (on a terminal) first shows the reading, then the merging: the database
  is the previous one (a corpus of 300 files: the build must still be reading or merging
  when the kill lands, a moment after the bar is seen, on a loaded machine too).

After each kill the database passes ``PRAGMA integrity_check``. The next complete build
gives the same database as an uninterrupted one and leaves no temporary file behind.
No assertion depends on how long anything takes.
"""

from __future__ import annotations

import hashlib
import os
import pty
import re
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, dump, make_corpus

CORPUS_FILES = 300  # killed from outside
HOOK_CORPUS_FILES = 100  # killed by the fault hook; the build has worker processes from 64 files
# The steps of a build, as `build.py --timings` names them (test_build.py checks the same).
STEPS = ["read and stage every record", "group records into papers", "merge each paper",
         "journals, authors, cited papers, topics", "indexes, full-text search, statistics, swap"]


def start_build(seeds: Path, db: Path, fault_after: int | None = None, timings: bool = False,
                stderr=subprocess.PIPE) -> subprocess.Popen:
    # A session of its own: a kill of its group reaches the worker processes too (and the
    # fault hook kills its own group only when the build leads one).
    env = {k: v for k, v in os.environ.items() if k != "LITDB_FAULT_AFTER"}
    if fault_after is not None:
        env["LITDB_FAULT_AFTER"] = str(fault_after)
    return subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--seeds", str(seeds), "--db", str(db),
                             *(["--timings"] if timings else [])],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                            start_new_session=True)


def run_build(seeds: Path, db: Path, timings: bool = False) -> str:
    """A complete build; its stderr."""
    process = start_build(seeds, db, timings=timings)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 0, stderr.decode()
    assert b"Traceback" not in stderr
    return stderr.decode()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def integrity(path: Path) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall()
    finally:
        conn.close()


def live_members(group: int) -> list[int]:
    """Processes of the group that are still running (zombies waiting to be reaped by
    whoever adopted them are dead)."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            state, _, pgrp = stat.rsplit(")", 1)[1].split()[:3]
            if int(pgrp) == group and state != "Z":
                alive.append(int(entry.name))
    return alive


def wait_until_gone(group: int) -> list[int]:
    """The group's live processes once SIGKILL has had time to land (at most 30 s)."""
    deadline = time.monotonic() + 30
    while (alive := live_members(group)) and time.monotonic() < deadline:
        time.sleep(0.01)
    return alive


def temporary_files(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if p.name != "literature.db")


def corpus_and_dump(tmp_path_factory, files: int) -> tuple[Path, list[str]]:
    """A corpus of generated seed files, and what an uninterrupted build of it gives (its
    steps are the ones the fault hook counts)."""
    folder = tmp_path_factory.mktemp("interrupt") / "corpus"
    make_corpus(folder, files)
    assert len(list(folder.iterdir())) == files
    reference = tmp_path_factory.mktemp("reference") / "literature.db"
    stderr = run_build(folder, reference, timings=True)
    timed = [m.group(1) for m in re.finditer(r"^(.+?) +\d+\.\d\d s$", stderr, re.MULTILINE)]
    assert timed == STEPS + ["total"]
    return folder, dump(reference)


@pytest.fixture(scope="module")
def hook_corpus(tmp_path_factory):
    return corpus_and_dump(tmp_path_factory, HOOK_CORPUS_FILES)


@pytest.fixture(scope="module")
def outside_corpus(tmp_path_factory):
    return corpus_and_dump(tmp_path_factory, CORPUS_FILES)


@pytest.fixture
def site(tmp_path):
    """A folder holding the previous database, built from seeds/; (folder, its sha256,
    a copy of it)."""
    folder = tmp_path / "site"
    folder.mkdir()
    run_build(SEEDS, folder / "literature.db")
    assert integrity(folder / "literature.db") == [("ok",)]
    shutil.copyfile(folder / "literature.db", tmp_path / "previous.db")
    return folder, sha256(folder / "literature.db"), tmp_path / "previous.db"


def next_build_is_whole(corpus: Path, folder: Path, new_dump: list[str]) -> None:
    """The next complete build, over what the killed ones left: the same database as an
    uninterrupted one, and every temporary file of the killed builds removed."""
    run_build(corpus, folder / "literature.db")
    assert dump(folder / "literature.db") == new_dump
    assert temporary_files(folder) == []


def test_killed_after_each_step_by_the_fault_hook(hook_corpus, site):
    corpus, new_dump = hook_corpus
    folder, old_hash, previous = site
    db = folder / "literature.db"
    for step, name in enumerate(STEPS, 1):
        process = start_build(corpus, db, fault_after=step)
        _, stderr = process.communicate(timeout=300)
        why = f"killed after step {step} ({name})"
        assert process.returncode == -signal.SIGKILL, f"{why}: {stderr.decode()}"
        assert wait_until_gone(process.pid) == [], f"{why}: its workers outlived it"
        assert integrity(db) == [("ok",)], why
        # what a killed build leaves is only files of its own, named after the target
        assert all(name.startswith(".literature.db.") for name in temporary_files(folder)), why
        if step < len(STEPS):
            assert sha256(db) == old_hash, f"{why}: the previous database changed"
            assert temporary_files(folder), f"{why}: a build killed before its swap leaves its temporary files"
        else:
            assert dump(db) == new_dump, f"{why}: after the swap, the new database, whole"
            shutil.copyfile(previous, db)
    next_build_is_whole(corpus, folder, new_dump)


def test_killed_from_outside(outside_corpus, site):
    """SIGKILL to the whole process group, at a moment told by the build itself: at once,
    or when its progress bar (shown on a terminal) first shows the reading or the merging."""
    corpus, new_dump = outside_corpus
    folder, old_hash, _ = site
    db = folder / "literature.db"
    for moment, marker in [("start-up", b""), ("reading", b"reading   ["), ("merging", b"merging   [")]:
        leader, follower = pty.openpty()
        process = start_build(corpus, db, stderr=follower)
        os.close(follower)
        shown = b""
        try:
            while marker not in shown and process.poll() is None:
                if select.select([leader], [], [], 1)[0]:
                    try:
                        shown += os.read(leader, 4096)
                    except OSError:  # the build closed its terminal: it has ended
                        break
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
        finally:
            os.close(leader)
        assert process.returncode == -signal.SIGKILL, f"{moment}: the build ended before it was killed"
        assert wait_until_gone(process.pid) == [], f"{moment}: its workers outlived it"
        assert integrity(db) == [("ok",)], moment
        assert sha256(db) == old_hash, f"killed at {moment}: the previous database changed"
    next_build_is_whole(corpus, folder, new_dump)
