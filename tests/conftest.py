"""Shared fixtures: the seed database, a real Datasette server on 127.0.0.1."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))

from litdb.build import build  # noqa: E402
from litdb.serve import free_port, start_site  # noqa: E402,F401  (free_port: for the tests)


def pytest_addoption(parser):
    parser.addoption("--fail-on-skip", action="store_true", default=bool(os.environ.get("CI")),
                     help="fail the run when any test is skipped (on by default when CI is set)")


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if session.config.getoption("--fail-on-skip") and reporter and reporter.stats.get("skipped"):
        reporter.write_line(f"FAILED: {len(reporter.stats['skipped'])} test(s) skipped; skips are failures here")
        session.exitstatus = 1


def build_quietly(seeds: Path, db: Path, strict: bool = False) -> int:
    with open(os.devnull, "w") as null:
        return build(seeds, db, strict=strict, out=null, err=null)


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """literature.db built from the repository's seeds/."""
    db = tmp_path_factory.mktemp("seed_db") / "literature.db"
    assert build_quietly(SEEDS, db) == 0
    return db


CHROMIUM = "/usr/bin/chromium"  # Debian's package; tests never download a browser


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium driven by Playwright, launched the way the developers' guide says.
    Per module: Playwright's sync API keeps an event loop running while it is open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


class ServerURL(str):
    """The server's base URL (a str, as the tests join paths to it) that also knows the
    server's process id and log file (for tests/test_security.py)."""

    pid: int
    log: Path


@pytest.fixture(scope="session")
def server(seed_db):
    """Datasette serving the seed database exactly as `make serve` does; yields its base URL
    (with .pid and .log)."""
    log = seed_db.parent / "datasette.log"
    process, url = start_site(seed_db, log)
    base = ServerURL(url)
    base.pid, base.log = process.pid, log
    yield base
    process.terminate()
    process.wait(timeout=10)
