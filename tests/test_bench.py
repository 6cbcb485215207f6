"""A smoke run of the benchmark: it works, on a tiny corpus.
(The figures themselves live in docs/benchmarks.md; no test times anything.)"""

import json
import subprocess
import sys

from conftest import ROOT


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
