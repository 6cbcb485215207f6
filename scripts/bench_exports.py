#!/usr/bin/env python3
"""Time the whole-set BibTeX export of every paper, and the server's memory growth.

    python scripts/bench_exports.py --n 100000 [--work /tmp/bench_exports]

Generates N seed files (scripts/generate_corpus.py), builds them (build.py), serves the
database as `make serve` does (litdb.serve.start_site), then downloads
/literature/papers.bib once, reading it as it comes; prints the papers in the file (and
in the database), the time, the bytes, and the RSS of the server before and after and
at its peak during the download (sampled from /proc every 50 ms). Goal: under 30 s and
under 50 MB of growth. The corpus and database are kept in --work for a second run.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litdb.serve import start_site  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_exports"))
    args = parser.parse_args()
    # served as literature.db, so that its URLs are /literature/…
    folder = args.work / f"n{args.n}"
    seeds, db = folder / "seeds", folder / "literature.db"
    folder.mkdir(parents=True, exist_ok=True)
    if not db.exists():
        subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_corpus.py"), "--n", str(args.n),
                        "--out", str(seeds)], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([sys.executable, str(ROOT / "build.py"), "--seeds", str(seeds), "--db", str(db)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    papers = sqlite3.connect(db).execute("select count(*) from papers").fetchone()[0]
    process, url = start_site(db, folder / "datasette.log")
    try:
        time.sleep(3)  # let the cache warm-up of plugins/cache.py finish
        before = rss_mb(process.pid)
        peak, done = [before], threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], rss_mb(process.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        start = time.monotonic()
        size = entries = 0
        tail, marker = b"\n", b"\n@article{"  # the file's first entry starts a line too
        with urllib.request.urlopen(url + "/literature/papers.bib", timeout=120) as response:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                entries += (tail + chunk).count(marker) - tail.count(marker)
                tail = (tail + chunk)[-4096:]  # the end of the file, for a note
        elapsed = time.monotonic() - start
        done.set()
        sampler.join()
        after = rss_mb(process.pid)
        print(f"papers in the database: {papers:,}; entries in the file: {entries:,}; {size / 1e6:.1f} MB")
        print(f"time: {elapsed:.1f} s (goal < 30 s)")
        print(f"server RSS: {before:.0f} MB before, {after:.0f} MB after (+{after - before:.1f} MB), "
              f"peak {peak[0]:.0f} MB (+{peak[0] - before:.1f} MB; goal < 50 MB)")
        if "Incomplete" in tail.decode("utf-8", "replace") or entries != papers:
            print("the file says it is incomplete, or holds another number of papers", file=sys.stderr)
            sys.exit(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
