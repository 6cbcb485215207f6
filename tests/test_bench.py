"""Smoke runs of the benchmark and the progress bar: they work, on a tiny corpus.
(The figures themselves live in docs/benchmarks.md; no test times anything.)"""

import json
import os
import pty
import subprocess
import sys

from conftest import ROOT, SEEDS


def test_benchmark_runs_end_to_end(tmp_path):
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--n", "80", "--requests", "2", "--work", str(tmp_path)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "| build / floor |" in out and "| floor (scripts/floor_loader.py) |" in out
    for page in ("papers table + facets", "full-text search, ranked (canned query)",
                 "search in the papers table + facets", "paper page", "100-row JSON", "references by journal, year"):
        assert f"| {page} |" in out
    assert "Best of 2 runs each, taking turns" in out
    results = json.loads((tmp_path / "n80" / "results.json").read_text())
    assert [len(results["runs_s"][name]) for name in ("floor", "build")] == [2, 2]
    assert results["build_s"] == min(results["runs_s"]["build"])


def test_progress_bar_only_on_a_terminal(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(70):  # enough files for the parallel path
        for seed in SEEDS.iterdir():
            (seeds / f"{n:03d}_{seed.name}").write_bytes(seed.read_bytes())
    command = [sys.executable, str(ROOT / "build.py"), "--seeds", str(seeds), "--db", str(tmp_path / "a.db")]
    piped = subprocess.run(command, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command[:-1] + [str(tmp_path / "b.db")], stdout=subprocess.DEVNULL,
                               stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait() == 0
    assert b"reading   [" in shown and b"140/140" in shown and b"merging   [" in shown
