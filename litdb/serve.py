"""How the site is served: the command line of `make serve`, and the one way the tests,
the benchmark and the load test start a server like it and wait for it.

    python -m litdb.serve [--port 8001] [--db literature.db] [--public-url URL]

It builds the same Datasette as `datasette serve -i` would (immutable file, the settings
below, our metadata, templates and plugins) and runs it under uvicorn itself, because
`datasette serve` offers none of uvicorn's connection settings and uvicorn has no
time limit on a client that sends its request slowly or never reads the answer:
GuardedH11Protocol adds both (see TIMEOUTS and SECURITY.md).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextvars
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATASETTE = str(Path(sys.executable).parent / "datasette")  # the one installed beside this Python

# Read-only SQL is guaranteed by serving the file immutable; these bound the work
# any one query can ask for (plugins/security.py bounds a whole request).
SETTINGS = {
    "sql_time_limit_ms": 1000,
    "facet_time_limit_ms": 500,
    "max_returned_rows": 1000,
    "default_page_size": 50,
    "num_sql_threads": 3,
    "truncate_cells_html": 160,
    "max_csv_mb": 50,
    # Suggesting facets runs a query per column on every table page: too slow at 100,000 papers.
    "suggest_facets": False,
}

# Seconds of a page's SQL that may run on the event loop's own thread before the rest goes
# to the SQL threads (plugins/security.py): 0 here, where the loop serves many requests at
# once and the threads let SQLite use the second core; scripts/cluster.py's processes,
# which serve one request at a time, set it.
SQL_ON_LOOP_S = 0.0

# Also set by scripts/cluster.py for its processes. A folder where the processes of one
# cluster (one database, one site code) keep what each would otherwise compute at its
# start: plugins/cache.py's facet columns, 1 s of CPU a start here. And whether a start
# warms the most visited pages: nginx caches those pages for every process of a cluster.
SHARED_FOLDER: Path | None = None
WARM_PAGES = True

# Connection time limits, in seconds.
TIMEOUTS = {
    # uvicorn's: a kept-alive connection with no new request is closed after this.
    "keep_alive": 5,
    # Ours: a request's line and headers must all have arrived this long after the
    # connection opened (or the previous answer ended); slow senders are cut off.
    "request": 10,
    # Ours: a client that reads nothing of an answer for this long is disconnected and
    # what was waiting for it is dropped (the answer stops, see plugins/security.py).
    "write": 15,
}


def override_from_environment(variable: str, table: dict, number: str, kind: str, convert) -> None:
    """name=value,... in the environment variable changes those entries of table (the
    tests' servers, the load test's experiments); a name table lacks, or a value that is
    not such a number, is refused in one line."""
    for item in (item for item in os.environ.get(variable, "").split(",") if item):
        name, _, value = item.partition("=")
        if name not in table or isinstance(table[name], bool) or not re.fullmatch(number, value):
            raise SystemExit(f"{variable}: {item} is not a {kind} setting of litdb/serve.py")
        table[name] = convert(value)


# LITDB_TIMEOUTS="request=1,write=1": the tests' own server uses it.
override_from_environment("LITDB_TIMEOUTS", TIMEOUTS, r"[0-9]+(\.[0-9]+)?", "seconds", float)
# LITDB_SETTINGS="sql_time_limit_ms=10000": the tests whose subject is not the time limit
# give their servers room on a loaded machine; the load test's experiments.
override_from_environment("LITDB_SETTINGS", SETTINGS, r"[0-9]+", "whole-number", int)

# Open connections plus requests in progress; beyond it uvicorn answers 503 at once.
LIMIT_CONCURRENCY = 512

# What one request may cost (plugins/security.py enforces it on every route; the
# results cache and its background work count against it too). Seconds are SQL time,
# measured in the SQL threads; queries are every statement the request runs.
BUDGETS = {
    "page": {"sql_s": 3.0, "queries": 500},  # any page, JSON or export of one page
    "stream": {"sql_s": 20.0, "queries": 500},  # _stream=on, and exports of a page with parameters
    # whole-set downloads (plugins/exports.py): 100,000 papers take 200 queries and ~15 s of
    # SQL on a quiet machine; at most 2 run at once, so a longer budget costs others little
    "export": {"sql_s": 60.0, "queries": 1000},
    "internal": {"sql_s": 120.0, "queries": 10_000},  # the cache's warm-up at start
}


class RequestBudget:
    """The SQL time and statements one request has left, shared by everything it starts
    (its facets, its background work: REQUEST is a context variable, and asyncio tasks
    inherit the context they are created in). A child budget draws on its parent's."""

    def __init__(self, kind: str = "page", expensive: bool = False, filtered: bool = False, parent=None):
        self.kind, self.expensive, self.filtered = kind, expensive, filtered
        self.sql_s, self.max_queries = BUDGETS[kind]["sql_s"], BUDGETS[kind]["queries"]
        self.account = parent.account if parent else {"spent_s": 0.0, "queries": 0, "disconnected": False}

    def child(self) -> "RequestBudget":
        """For work that goes on in the background: counted as expensive, same account."""
        child = RequestBudget(self.kind, True, self.filtered, parent=self)
        child.sql_s, child.max_queries = self.sql_s, self.max_queries
        return child

    def remaining_s(self) -> float:
        return self.sql_s - self.account["spent_s"]

    def refusal(self) -> str | None:
        """Why another query may not start, or None."""
        if self.account["disconnected"]:
            return "the client has gone"
        if self.account["queries"] >= self.max_queries:
            return f"more than {self.max_queries} queries for one request"
        if self.remaining_s() <= 0:
            return f"more than {self.sql_s:g} s of SQL for one request"
        return None

    def charge(self, seconds: float) -> None:
        self.account["spent_s"] += seconds
        self.account["queries"] += 1


REQUEST = contextvars.ContextVar("litdb_request_budget", default=None)

# Where the site is published: every absolute link (Link headers, next_url) is built
# from it, never from the Host header (plugins/security.py reads it from here).
PUBLIC_URL_ENV = "LITDB_PUBLIC_URL"


def datasette_command(db: Path, inspect_file: Path, port: int, public_url: str | None = None) -> list[str]:
    """The command that serves db on 127.0.0.1:port as `make serve` does."""
    command = [sys.executable, "-m", "litdb.serve", "--db", str(db), "--inspect-file", str(inspect_file),
               "--port", str(port)]
    return command + (["--public-url", public_url] if public_url else [])


DATABASE_NAME = "literature"


# The plugins reach into Datasette 0.65's internals (each reach is described where it is
# made: plugins/exports.py how table pages are cut, plugins/security.py the SQL threads,
# time limits and execute_fn, plugins/cache.py the facet SQL, remember_schemas below the
# schema questions, build_units_on_first_use the unit registry): another version is refused.
SUPPORTED_DATASETTE = "0.65."


def check_datasette_version() -> None:
    from datasette.version import __version__

    if not __version__.startswith(SUPPORTED_DATASETTE):
        raise SystemExit(f"Datasette {__version__} is installed; this site is written for Datasette "
                         f"{SUPPORTED_DATASETTE}x (its plugins use that version's internals): "
                         "install the pinned requirements (make serve does)")


def build_units_on_first_use() -> None:
    """Datasette 0.65 imports its vendored pint and builds pint's whole unit registry when
    datasette.views.base is first imported (`ureg = pint.UnitRegistry()`: 0.6 s of CPU
    here, nearly half of making and starting a Datasette), for filters on columns with
    units and metadata's custom_units, of which our metadata has none. A stand-in module
    takes pint's place until then; its registry imports pint and builds the real one the
    first time anything uses it. Relies on that call being pint's only use in Datasette.
    Call before anything imports datasette.app or datasette.views."""
    import importlib
    import types

    import datasette.vendored

    name = "datasette.vendored.pint"
    if name in sys.modules:  # pint already imported (its registry may be built): nothing to save
        return

    class UnitRegistryOnFirstUse:
        _litdb_deferred = True
        _registry = None

        def _built(self):
            if self._registry is None:
                if getattr(sys.modules.get(name), "_litdb_stand_in", False):
                    del sys.modules[name]
                self._registry = importlib.import_module(name).UnitRegistry()
            return self._registry

        def __getattr__(self, attribute):
            return getattr(self._built(), attribute)

        def __call__(self, *args, **kwargs):
            return self._built()(*args, **kwargs)

    stand_in = types.ModuleType(name, "pint, until its unit registry is first used (litdb.serve)")
    stand_in._litdb_stand_in = True
    stand_in.UnitRegistry = UnitRegistryOnFirstUse
    sys.modules[name] = datasette.vendored.pint = stand_in


def make_datasette(db: Path, inspect_file: Path):
    """The Datasette instance `datasette serve -i db` would build with our options."""
    build_units_on_first_use()
    from datasette.app import Datasette
    from datasette.utils import parse_metadata

    check_datasette_version()

    inspect_data = json.loads(Path(inspect_file).read_text()) if Path(inspect_file).exists() else None
    stem = Path(db).stem
    if inspect_data and stem in inspect_data:
        inspect_data = {DATABASE_NAME if name == stem else name: data for name, data in inspect_data.items()}
    ds = Datasette(
        [], immutables=[str(db)], inspect_data=inspect_data,
        metadata=parse_metadata((ROOT / "metadata.yml").read_text(encoding="utf-8")),
        template_dir=str(ROOT / "templates"), plugins_dir=str(ROOT / "plugins"),
        static_mounts=[("site", str(ROOT / "templates" / "static"))], settings=dict(SETTINGS))
    if stem != DATABASE_NAME:  # the name pages, links and metadata.yml know, whatever the file's name
        ds.databases = {DATABASE_NAME if name == stem else name: database for name, database in ds.databases.items()}
        ds.databases[DATABASE_NAME].name = ds.databases[DATABASE_NAME].route = DATABASE_NAME
    remember_schemas(ds)
    ds.permission_allowed = _remembered_permissions(ds)
    return ds


# What Datasette 0.65 asks SQLite about a database's schema, on every page: a paper page
# made 30 queries, 19 of them these and the schema check below, each handed to an SQL
# thread and back. The file is immutable, so the answers never change while it is served.
SCHEMA_QUESTIONS = ("table_names", "view_names", "hidden_table_names", "get_all_foreign_keys", "table_exists",
                    "table_columns", "table_column_details", "primary_keys", "fts_table", "label_column_for_table",
                    "foreign_keys_for_table", "get_table_definition", "get_view_definition")


def remember_schemas(ds) -> None:
    """Each database's answers to SCHEMA_QUESTIONS asked once, then given from memory (a
    copy each time: callers may change what they get). Kept only for the database's own
    tables and views, so that asking about made-up names costs no memory. Relies on
    Datasette 0.65's Database methods of those names and on Datasette._refresh_schemas,
    which every request runs (two queries and more) to copy the schemas into _internal:
    here it runs once, and _internal, which nothing else writes, is then as fixed as the
    files are."""
    refreshed = []
    refresh = ds._refresh_schemas

    async def refresh_schemas_once():
        if not refreshed:
            await refresh()
            refreshed.append(True)

    ds._refresh_schemas = refresh_schemas_once
    for database in ds.databases.values():
        fixed = refreshed.__len__ if database.is_mutable else (lambda: True)
        asked = {question: getattr(database, question) for question in SCHEMA_QUESTIONS}
        names = []  # the database's tables and views, once known

        async def known_names(asked=asked, names=names):
            if not names:
                names.append(set(await asked["table_names"]()) | set(await asked["view_names"]()))
            return names[0]

        for question, ask in asked.items():
            setattr(database, question, _remembered(ask, fixed, known_names))


def _remembered(ask, fixed, known_names):
    answers = {}

    async def remembered(*args, **kwargs):
        key = (args, tuple(sorted(kwargs.items())))
        if key in answers:
            return _copied(answers[key])
        answer = await ask(*args, **kwargs)
        if fixed() and set(a for a in args if isinstance(a, str)) <= await known_names():
            answers[key] = _copied(answer)
        return answer

    return remembered


def _remembered_permissions(ds):
    """Datasette.permission_allowed for visitors (no actor: the site has no log-in) asked
    once per action and resource, as the answers come from metadata.yml and Datasette's
    defaults, which do not change while it serves. A page asks 5-10 times, and a table's
    check looks its name up in sqlite_master each time. Kept for the databases and their
    tables and views only (not for made-up names in URLs)."""
    ask = ds.permission_allowed
    answers = {}

    async def permission_allowed(actor, action, resource=None, default=False):
        if actor is not None or not isinstance(resource, (str, tuple, type(None))):
            return await ask(actor, action, resource=resource, default=default)
        key = (action, resource, default)
        if key in answers:
            return answers[key]
        answer = await ask(actor, action, resource=resource, default=default)
        database = ds.databases.get(resource[0] if isinstance(resource, tuple) else resource)
        if (resource is None or database is not None and (
                not isinstance(resource, tuple) or resource[1] in await database.table_names()
                or resource[1] in await database.view_names())):
            answers[key] = answer
        return answer

    return permission_allowed


def _copied(answer):
    """A copy of a schema answer: lists, dicts and sets copied all the way down, the rest
    (strings, numbers, Datasette's Column tuples) shared. copy.deepcopy did the same at
    three times the cost (5% of a cluster process's time under load)."""
    if isinstance(answer, list):
        return [_copied(item) for item in answer]
    if isinstance(answer, dict):
        return {key: _copied(value) for key, value in answer.items()}
    if isinstance(answer, set):
        return set(answer)
    return answer


def guarded_protocol():
    """uvicorn's h11 protocol with a time limit on receiving a request and on a stalled
    write. uvicorn closes idle kept-alive connections, but any byte received cancels
    that timer, and a client that never reads keeps its whole answer in the server's
    write buffer for as long as it likes."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class GuardedH11Protocol(H11Protocol):
        _request_timer = _write_timer = None

        def _arm_request_timer(self):
            if self._request_timer is not None:
                self._request_timer.cancel()
            self._request_timer = self.loop.call_later(TIMEOUTS["request"], self._request_expired)

        def _request_expired(self):
            self._request_timer = None
            if self.cycle is None or self.cycle.response_complete:  # no request in progress
                self.transport.abort()

        def connection_made(self, transport):
            super().connection_made(transport)
            self._arm_request_timer()

        def handle_events(self):
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete and self._request_timer is not None:
                self._request_timer.cancel()  # a whole request arrived: the app has it
                self._request_timer = None

        def on_response_complete(self):
            self._arm_request_timer()  # before: the next pipelined request may start inside
            super().on_response_complete()

        def pause_writing(self):
            super().pause_writing()
            if self._write_timer is None:
                self._write_timer = self.loop.call_later(TIMEOUTS["write"], self.transport.abort)

        def resume_writing(self):
            super().resume_writing()
            if self._write_timer is not None:
                self._write_timer.cancel()
                self._write_timer = None

        def connection_lost(self, exc):
            for timer in (self._request_timer, self._write_timer):
                if timer is not None:
                    timer.cancel()
            super().connection_lost(exc)

    return GuardedH11Protocol


def run(db: Path, inspect_file: Path, port: int, public_url: str) -> None:
    import uvicorn
    from datasette.cli import check_databases

    os.environ[PUBLIC_URL_ENV] = public_url
    ds = make_datasette(db, inspect_file)
    # As `datasette serve` does: startup hooks and checks in a loop of their own.
    asyncio.run(ds.invoke_startup())
    asyncio.run(check_databases(ds))
    config = uvicorn.Config(ds.app(), host="127.0.0.1", port=port, log_level="info", lifespan="on",
                            http=guarded_protocol(), timeout_keep_alive=TIMEOUTS["keep_alive"],
                            limit_concurrency=LIMIT_CONCURRENCY)
    uvicorn.Server(config).run()


def serve_env() -> dict:
    """The environment to serve in: the plugins import the litdb package from here."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command: list[str], port: int, log_path: Path, env=None, timeout: float = 60) -> tuple[subprocess.Popen, str]:
    """Start a Datasette command in the background and wait until it answers; returns
    (process, base URL). Raises RuntimeError with the end of its log if it does not."""
    log = open(log_path, "w")
    process = subprocess.Popen(command, stdout=log, stderr=log, env=env)
    log.close()  # the child keeps its own handle
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            return process, base
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"datasette did not start: {Path(log_path).read_text()[-2000:]}")


def write_inspect_file(db: Path, inspect_file: Path) -> None:
    """`datasette inspect DB --inspect-file FILE`, the same command's code and the same file,
    run in this process: a second interpreter importing Datasette cost ~0.9 s of CPU for
    ~0.05 s of work. In a thread with a loop of its own (the caller may be inside one)."""
    build_units_on_first_use()
    from datasette.cli import inspect

    def run():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            inspect.main([str(db), "--inspect-file", str(inspect_file)], standalone_mode=False)
        finally:
            loop.close()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(run).result()


def start_site(db: Path, log_path: Path, settings: dict | None = None) -> tuple[subprocess.Popen, str]:
    """Serve a database exactly as `make serve` does (inspect file beside it), on 127.0.0.1;
    settings: some of SETTINGS changed (LITDB_SETTINGS)."""
    inspect_file = Path(db).with_name(Path(db).stem + "-inspect.json")
    write_inspect_file(db, inspect_file)
    port = free_port()
    env = serve_env()
    if settings:
        env["LITDB_SETTINGS"] = ",".join(f"{name}={value}" for name, value in settings.items())
    return start(datasette_command(Path(db), inspect_file, port), port, log_path, env=env)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve literature.db with Datasette")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--db", type=Path, default=ROOT / "literature.db")
    parser.add_argument("--inspect-file", type=Path, default=ROOT / "inspect-data.json")
    parser.add_argument("--public-url", help="the site's address, for absolute links "
                                             "(default http://127.0.0.1:PORT)")
    args = parser.parse_args()
    public_url = args.public_url or f"http://127.0.0.1:{args.port}"
    parsed = urllib.parse.urlsplit(public_url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.query or parsed.fragment:
        parser.error(f"--public-url must be http(s)://host[:port][/path], not {public_url!r}")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # the plugins import litdb
    print(f"Serving {args.db.name} at http://127.0.0.1:{args.port}/", flush=True)
    run(args.db, args.inspect_file, args.port, public_url.rstrip("/"))


if __name__ == "__main__":
    main()
