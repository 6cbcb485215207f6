"""Shared fixtures and helpers: the seed database, a real Datasette server on 127.0.0.1,
build.py on the command line, the seeds copied or taken apart."""

from __future__ import annotations

import copy
import json
import importlib.util
import os
import shutil
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

# Every pytest process (the controller and each xdist worker) rewrites the asserts of
# every test module it imports; written to tests/__pycache__ (git-ignored), the rewritten
# modules are read back on the next run instead of being made again (about 2 s of CPU a
# process here, where PYTHONDONTWRITEBYTECODE is set). The servers and builds the tests
# start keep the environment's setting.
sys.dont_write_bytecode = False

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT))

from litdb.build import build  # noqa: E402
from litdb.serve import build_units_on_first_use, start_site  # noqa: E402

# As in a served process: the test modules that import Datasette's views would otherwise
# build pint's unit registry in each pytest process (0.6 s of CPU each; no test uses it).
build_units_on_first_use()


def pytest_addoption(parser):
    parser.addoption("--fail-on-skip", action="store_true", default=bool(os.environ.get("CI")),
                     help="fail the run when any test is skipped (on by default when CI is set)")


# pytest-xdist (pytest.ini: -n 3 --dist loadfile). Each test file is one unit of work,
# run whole by one worker in file order, so that its module fixtures (a server, a
# corpus, a browser) are built once and tests that rely on the ones before them still
# can. The slowest files go first, and the slowest of all are cut into parts that
# different workers run (each part builds its own fixtures: a second browser or
# cluster start costs less than one long file left for the end).
SLOWEST_FIRST = {  # file: parts. Seconds in one process on a quiet machine (--durations).
    "test_browser_datasette_pages.py": 2,  # 20 s; half of the pages each
    "test_cluster.py": 2,  # 17 s; the tests of the module's cluster, then the ones that start their own
    "test_hostile.py": 2,  # 23 s
    "test_browser_pages.py": 1,  # 15 s (its last tests check the links the first ones saw)
    "test_fuzz.py": 1,  # 12 s
    "test_bench.py": 2,  # 11 s, 10 of them the benchmark's end-to-end run
    "test_paging.py": 1,  # 7 s (one corpus of 300 files, built once)
    "test_exports.py": 1,  # 7 s (one corpus of 700 files)
    "test_interrupt.py": 1,  # 7 s
}


def work_units(nodeids: list[str]) -> dict[str, str]:
    """{test id: its unit of work}: its file, or "file:part" for a file cut in parts
    (consecutive tests, in file order)."""
    by_file: dict[str, list[str]] = {}
    for nodeid in nodeids:
        by_file.setdefault(nodeid.split("::")[0], []).append(nodeid)
    units = {}
    for path, ids in by_file.items():
        parts = SLOWEST_FIRST.get(Path(path).name, 1)
        for i, nodeid in enumerate(ids):
            units[nodeid] = f"{path}:{i * parts // len(ids)}" if parts > 1 else path
    return units


def pytest_collection_modifyitems(config, items):
    """In an xdist worker, the slowest files first (every worker orders them the same;
    the units of work are handed out in that order: --no-loadscope-reorder)."""
    if os.environ.get("PYTEST_XDIST_WORKER"):
        rank = {name: i for i, name in enumerate(SLOWEST_FIRST)}
        items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: file order kept


def pytest_xdist_make_scheduler(config, log):
    """--dist loadfile, with the slowest files in parts (xdist's own loadgroup cannot
    regroup tests under pytest 9, whose node ids it can no longer rename)."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class FilesInParts(LoadScopeScheduling):
        units: dict[str, str] = {}

        def schedule(self):
            if self.collection is None and self.collection_is_completed:
                self.units = work_units(list(next(iter(self.registered_collections.values()))))
            super().schedule()

        def _split_scope(self, nodeid):
            return self.units[nodeid]

    return FilesInParts(config, log)


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if session.config.getoption("--fail-on-skip") and reporter and reporter.stats.get("skipped"):
        reporter.write_line(f"FAILED: {len(reporter.stats['skipped'])} test(s) skipped; skips are failures here")
        session.exitstatus = 1


def build_quietly(seeds: Path, db: Path, strict: bool = False) -> int:
    with open(os.devnull, "w") as null:
        return build(seeds, db, strict=strict, out=null, err=null)


def run_build(*args, cwd=ROOT, timeout=None) -> subprocess.CompletedProcess:
    """build.py on the command line, as CI and `make` run it; its output captured as text."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout)


def make_corpus(folder: Path, n: int) -> None:
    """n seed files, made by scripts/generate_corpus.py (the same ones for the same n)."""
    subprocess.run([sys.executable, str(ROOT / "scripts" / "generate_corpus.py"), "--n", str(n), "--out", str(Path(folder).resolve()),
                    "--seed", "7"], check=True, capture_output=True, cwd=ROOT)


def plugin_module(name: str):
    """plugins/<name>.py loaded as a module of its own, as Datasette loads it from its
    plugins folder (a new copy each call; its hooks registered nowhere)."""
    spec = importlib.util.spec_from_file_location(f"{name}_plugin", ROOT / "plugins" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_seeds(tmp_path: Path) -> Path:
    """A copy of the repository's seeds/ in tmp_path/seeds."""
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


_AGGREGATOR_TEXT = (SEEDS / "001_51f3e96b9982b093.txt").read_text(encoding="utf-8")
_AGGREGATOR_RECORD, _AGGREGATOR_END = json.JSONDecoder().raw_decode(_AGGREGATOR_TEXT)


def aggregator_seed() -> tuple[dict, str]:
    """The aggregator seed (seeds/001) taken apart: a fresh (deep) copy of its JSON record,
    and the text after it (the "引用次数: 45" line, the abstract...)."""
    return copy.deepcopy(_AGGREGATOR_RECORD), _AGGREGATOR_TEXT[_AGGREGATOR_END:]


def dump(db_path: Path) -> list[str]:
    """The database as SQL statements (iterdump), opened read-only."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def get(server: str, path: str, **params) -> tuple[int, object, str]:
    """(status, headers, body) of a GET on the server; an HTTP error is returned, not raised.
    The timeout only turns a server that never answers into a failure: a whole-table
    download on a loaded machine may take many seconds."""
    url = server + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8")


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """literature.db built from the repository's seeds/."""
    db = tmp_path_factory.mktemp("seed_db") / "literature.db"
    assert build_quietly(SEEDS, db) == 0
    return db


# Debian's packages; tests never download a browser. chromium-headless-shell, Chromium's
# old headless mode (the build Playwright itself runs for headless tests), when installed:
# the same engine as chromium, for about a third less CPU a page (no browser UI behind it).
CHROMIUM = next((path for path in ("/usr/bin/chromium-headless-shell", "/usr/bin/chromium") if os.path.exists(path)),
                "/usr/bin/chromium")


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


ARTIFACTS = ROOT / "test-artifacts"


def screenshot(page, name: str) -> None:
    """test-artifacts/<name>.png, the whole page, when LITDB_SCREENSHOTS is set (`make
    screenshots`): for people to look at, as no test reads them. Off by default: the
    browser tests' full-page screenshots took 9 of the 38 CPU-seconds of
    tests/test_browser_datasette_pages.py, for no check."""
    if os.environ.get("LITDB_SCREENSHOTS"):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


@contextmanager
def watched_page(browser, base_url: str, **options):
    """A Chromium page on base_url (1280 x 900 unless options say otherwise) that records
    its console errors, as (text, the resource's URL), and every URL it requests."""
    context = browser.new_context(**{"base_url": base_url, "viewport": {"width": 1280, "height": 900}, **options})
    page = context.new_page()
    page.console_errors, page.requests = [], []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append((m.text, m.location.get("url"))))
    page.on("pageerror", lambda e: page.console_errors.append((str(e), None)))
    page.on("request", lambda r: page.requests.append(r.url))
    try:
        yield page
    finally:
        context.close()


@contextmanager
def serving(db: Path, log: Path, settings: dict | None = None):
    """Datasette serving a database exactly as `make serve` does, its output in log;
    gives (process, base URL) and stops the server at the end. settings: some of
    litdb.serve.SETTINGS changed."""
    process, url = start_site(db, log, settings)
    try:
        yield process, url
    finally:
        process.terminate()
        process.wait(timeout=10)


class ServerURL(str):
    """The server's base URL (a str, as the tests join paths to it) that also knows the
    server's process id (for tests/test_security.py)."""

    pid: int


@pytest.fixture(scope="session")
def server(seed_db):
    """Datasette serving the seed database exactly as `make serve` does; yields its base URL
    (with .pid)."""
    with serving(seed_db, seed_db.parent / "datasette.log") as (process, url):
        base = ServerURL(url)
        base.pid = process.pid
        yield base
