"""The public server under attack: what this plugin enforces (see SECURITY.md).

HTTP, on every response (an ASGI wrapper around the whole app, static files included):
  - security headers: a Content-Security-Policy (no inline script except Datasette's
    own constant snippets, allowed by hash; no framing), X-Frame-Options,
    X-Content-Type-Options, Referrer-Policy, Permissions-Policy, Cross-Origin-Opener-Policy;
  - only GET and HEAD (the site is read-only: no request bodies to buffer, no forms to forge);
  - URLs longer than MAX_URL_BYTES are refused (414);
  - a redirect never points off-site (Datasette's "strip the trailing slash" redirect
    would otherwise send /\\example.com/ to /\\example.com, which browsers read as
    //example.com).

SQLite, on every connection Datasette opens (prepare_connection runs on each one,
in each of the num_sql_threads threads):
  - limits (LIMITS below): value length, SQL length, columns, LIKE/GLOB pattern
    length, no attached databases;
  - an authorizer that refuses anything but reading: writes, schema changes, ATTACH,
    PRAGMAs other than the read-only ones Datasette uses, load_extension();
  - a per-query result budget (MAX_RESULT_BYTES), so 1000 rows of big values cannot
    pile up in the server's memory;
  - trim/ltrim/rtrim with a second argument are replaced by linear versions: SQLite's
    are quadratic (12 s for one call on 256 KB strings) inside one VM step that no time
    limit can interrupt; printf/format check widths and precisions first, for the same
    reason (guarded_printf).

The time limit: Datasette checks it from a progress handler every 1000 SQLite VM steps,
and one step can run for seconds (a LIKE over a long string, once per row). A watchdog
thread calls conn.interrupt() when a query overruns its limit by WATCHDOG_GRACE_S, which
stops it at the next row.

Errors: user mistakes Datasette reports as 500 (an unknown _sort column) become 400;
unexpected exceptions give a plain 500 page without the exception text.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import itertools
import json
import re
import sqlite3
import threading
import time
import urllib.parse
import weakref
from contextlib import contextmanager
from pathlib import Path

import datasette
import datasette.database
from datasette import hookimpl
from datasette.utils.asgi import Base400, Response
from datasette.views.base import DatasetteError

# --- SQLite limits ---------------------------------------------------------------

# The longest value in literature.db is a few kilobytes (an abstract, a provenance
# value); 256 KiB leaves a wide margin while keeping the quadratic built-ins that run
# inside a single VM step short: instr() and replace() take ~0.35 s at 256 KiB, 8 s
# at 1 MB (measured, SECURITY.md).
MAX_VALUE_BYTES = 256 * 1024

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_VALUE_BYTES,
    # Longer than any URL we accept (MAX_URL_BYTES); canned queries are < 1 KB.
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 64 * 1024,
    # Our widest table has 24 columns; bounds one row to 100 x MAX_VALUE_BYTES.
    sqlite3.SQLITE_LIMIT_COLUMN: 100,
    # LIKE/GLOB cost grows with string length x pattern length (default limit 50,000).
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 256,
    # Nothing may be attached to a served database.
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}

# Rows a single query may hand to Python, in bytes of str/bytes values (plus 8 per
# other value). A full page of 1,000 papers with abstracts is ~4 MB.
MAX_RESULT_BYTES = 32 * 1024 * 1024

WATCHDOG_GRACE_S = 0.05

# --- HTTP -------------------------------------------------------------------------

MAX_URL_BYTES = 16 * 1024
ALLOWED_METHODS = {"GET", "HEAD"}

_DATASETTE_TEMPLATES = Path(datasette.__file__).parent / "templates"


def _inline_scripts(template: str, substitutions: dict | None = None) -> list[str]:
    """The bodies of the inline <script> elements of one of Datasette's templates."""
    text = (_DATASETTE_TEMPLATES / template).read_text(encoding="utf-8")
    bodies = re.findall(r"<script>(.*?)</script>", text, re.S)
    out = []
    for body in bodies:
        variants = [body]
        for placeholder, values in (substitutions or {}).items():
            variants = [v.replace(placeholder, value) for v in variants for value in values]
        out += variants
    return out


def _sha256(script: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode() + "'"


# Datasette's own inline scripts have constant text: allowed by hash, read from the
# installed templates so that they follow the pinned version. Nothing else inline runs.
SCRIPT_HASHES = sorted({
    _sha256(s)
    for s in (
        _inline_scripts("_close_open_menus.html")  # every page: closes open menus
        + _inline_scripts("_codemirror_foot.html")  # database and query pages: the SQL editor
        + _inline_scripts("table.html", {"{{ datasette_allow_facet }}": ("true", "false")})
    )
})

CSP = "; ".join([
    "default-src 'none'",
    "script-src 'self' " + " ".join(SCRIPT_HASHES),
    # Datasette's templates set style="" attributes (database colours) and <style>
    # blocks (per-table column labels); CSS cannot run script, and everything
    # interpolated into them is escaped. Residual 'unsafe-inline', styles only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",  # app.css uses data: SVG icons
    "font-src 'self'",
    "connect-src 'self'",  # /-/search fetches each table's JSON
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
])

SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
_SECURITY_HEADER_NAMES = {name for name, _ in SECURITY_HEADERS}


def safe_location(location: str) -> str:
    """A redirect target that stays on this site: a path, never //host, /\\host or scheme:."""
    # Browsers drop tabs and newlines anywhere in a URL and read "\" as "/".
    cleaned = re.sub(r"[\t\r\n]", "", location).strip()
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", cleaned):
        return "/"  # Datasette only ever redirects to paths
    cleaned = cleaned.replace("\\", "%5C")
    # "//host" and "/%5C..." are harmless once there is a single leading slash.
    return "/" + cleaned.lstrip("/")


def bad_parameters(query_string: bytes) -> str | None:
    """Query-string values that Datasette 0.65 turns into a 500 instead of a 400."""
    if b"_timelimit" not in query_string and b"_through" not in query_string:
        return None
    for name, value in urllib.parse.parse_qsl(query_string.decode("latin1"), keep_blank_values=True):
        if name == "_timelimit" and not value.isdigit():
            return "_timelimit must be a whole number of milliseconds"
        if name == "_through":
            try:
                through = json.loads(value)
            except ValueError:
                through = None
            if not (isinstance(through, dict) and all(isinstance(through.get(k), str)
                                                      for k in ("table", "column", "value"))):
                return '_through must be JSON: {"table": …, "column": …, "value": …}'
    return None


async def _send_plain(send, status: int, text: str, extra_headers=()):
    body = text.encode("utf-8")
    await send({
        "type": "http.response.start",
        "status": status,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()), *extra_headers, *SECURITY_HEADERS],
    })
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def security_app(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            if scope.get("method", "GET") not in ALLOWED_METHODS:
                return await _send_plain(send, 405, "405: This site is read-only: GET and HEAD only\n",
                                         [(b"allow", b"GET, HEAD")])
            raw_path = scope.get("raw_path") or scope.get("path", "").encode("utf-8", "replace")
            if len(raw_path) + len(scope.get("query_string") or b"") > MAX_URL_BYTES:
                return await _send_plain(send, 414, f"414: URL longer than {MAX_URL_BYTES} bytes\n")
            problem = bad_parameters(scope.get("query_string") or b"")
            if problem:
                return await _send_plain(send, 400, f"400: {problem}\n")

            async def secure_send(message):
                if message["type"] == "http.response.start":
                    headers = []
                    for name, value in message.get("headers", []):
                        lname = name.lower() if isinstance(name, bytes) else name.encode("latin1").lower()
                        if lname in _SECURITY_HEADER_NAMES:
                            continue
                        if lname == b"location":
                            value = safe_location(value.decode("latin1")).encode("latin1")
                        headers.append((name, value))
                    message = dict(message, headers=headers + SECURITY_HEADERS)
                await send(message)

            return await app(scope, receive, secure_send)

        return security_app

    return wrap


# --- errors -------------------------------------------------------------------------

# Datasette raises these for bad query-string input with its default status, 500.
_CLIENT_ERRORS_AS_500 = ("Cannot sort table by", "Cannot use _sort and _sort_desc", "Invalid _through")


@hookimpl
def handle_exception(datasette, request, exception):
    if isinstance(exception, DatasetteError):
        if exception.status == 500 and str(exception.message).startswith(_CLIENT_ERRORS_AS_500):
            exception.status = 400  # Datasette's own handler renders it, as a 400
        elif exception.title == "SQL Interrupted" and exception.message_is_html:
            # Drop the page's inline script (it only resizes the textarea): the CSP
            # would refuse it, and its text varies with the SQL, so no hash fits.
            exception.message = re.sub(r"\s*<script>.*?</script>", "", exception.message, flags=re.S)
        return None
    if isinstance(exception, Base400):
        return None
    if isinstance(exception, sqlite3.DataError) or (
            isinstance(exception, sqlite3.DatabaseError) and str(exception) == "not authorized"):
        # Refused by a limit ("string or blob too big") or by the authorizer. Datasette
        # turns only OperationalError into "Invalid SQL"; these would be 500s.
        return _error_response(datasette, request, 400, "Invalid SQL", str(exception))
    # Anything else is our bug: Datasette's own handler logs the traceback; the page
    # shows no exception text (paths, SQL, values).
    return _error_response(datasette, request, 500, None, "Internal server error")


def _error_response(datasette, request, status, title, message):
    async def inner():
        info = {"ok": False, "error": message, "status": status, "title": title}
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        html = await template.render_async(dict(
            info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: []))
        return Response.html(html, status=status)

    return inner


# --- SQLite connections -------------------------------------------------------------

# PRAGMAs Datasette itself runs on a served database (introspection), and their
# table-valued forms; all read-only.
READ_ONLY_PRAGMAS = {
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "database_list", "function_list", "module_list", "pragma_list", "collation_list",
    "compile_options", "page_count", "page_size", "schema_version", "user_version",
    "application_id", "data_version", "freelist_count", "encoding", "max_page_count",
}
DENIED_FUNCTIONS = {"load_extension", "fts3_tokenizer", "readfile", "writefile", "edit"}
ALLOWED_ACTIONS = {
    sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE,
    sqlite3.SQLITE_PRAGMA, sqlite3.SQLITE_TRANSACTION, sqlite3.SQLITE_SAVEPOINT,
}


def read_only_authorizer(action, arg1, arg2, db_name, trigger):
    if action not in ALLOWED_ACTIONS:
        # FTS5's constructor prepares an UPDATE of sqlite_master (never run here: the
        # file is immutable, and SQLite itself refuses user writes to sqlite_master).
        if action == sqlite3.SQLITE_UPDATE and arg1 == "sqlite_master":
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name not in READ_ONLY_PRAGMAS:
            return sqlite3.SQLITE_DENY
        # "PRAGMA user_version = 5" sets; "PRAGMA table_info(papers)" names a table.
        if arg2 is not None and name not in {"table_info", "table_xinfo", "index_list", "index_info",
                                              "index_xinfo", "foreign_key_list"}:
            return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


class ResultTooLarge(sqlite3.OperationalError):
    pass


_budget = threading.local()
_helper = threading.local()


def _helper_connection():
    """A private in-memory connection (one per thread) for SQLite's own printf and casts."""
    conn = getattr(_helper, "conn", None)
    if conn is None:
        conn = _helper.conn = sqlite3.connect(":memory:", check_same_thread=False)
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    return conn


def budget_row_factory(cursor, row):
    """sqlite3.Row, counting the bytes one query has returned so far (one cursor = one query)."""
    state = getattr(_budget, "state", None)
    if state is None or state[0]() is not cursor:
        state = _budget.state = [weakref.ref(cursor), 0]
    size = 0
    for value in row:
        size += len(value) if isinstance(value, (str, bytes)) else 8
    state[1] += size
    if state[1] > MAX_RESULT_BYTES:
        # Reset the statement now: raised from here, the query would stay active on the
        # connection for as long as the exception's traceback lives (and a later
        # interrupt() would then stick to the connection).
        cursor.close()
        raise ResultTooLarge(
            f"query result too large: more than {MAX_RESULT_BYTES // (1024 * 1024)} MB; "
            "select fewer rows or shorter values")
    return sqlite3.Row(cursor, row)


def _as_text(value):
    """A trim() argument as SQLite reads it: text (numbers as SQLite prints them)."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (int, float)):
        return _helper_connection().execute("select cast(? as text)", (value,)).fetchone()[0]
    return value


def _make_trim(left: bool, right: bool):
    """trim(X, Y) in linear time, with SQLite's results (text; Y as a set of characters)."""

    def trim(value, chars):
        if value is None or chars is None:
            return None
        value, chars = _as_text(value), _as_text(chars).split("\0")[0]
        members = set(chars)
        start, end = 0, len(value)
        if left:
            while start < end and value[start] in members:
                start += 1
        if right:
            while end > start and value[end - 1] in members:
                end -= 1
        return value[start:end]

    return trim


_TRIMS = {"trim": _make_trim(True, True), "ltrim": _make_trim(True, False), "rtrim": _make_trim(False, True)}

# One printf conversion: flags, width, precision, size, type (SQLite's printf syntax).
_PRINTF_SPEC = re.compile(r"%[-+ 0#!,]*(\*|\d+)?(?:\.(\*|\d*))?l{0,2}(.)", re.S)


_NUMERIC_PREFIX = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _as_integer(value) -> int:
    """abs() of a printf "*" argument as SQLite reads it: a text's leading number counts."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        m = _NUMERIC_PREFIX.match(value)
        value = float(m.group(0)) if m else 0
    if isinstance(value, float):
        return abs(int(value)) if value == value and abs(value) != float("inf") else 0
    return abs(value) if isinstance(value, int) else 0


def guarded_printf(*args):
    """SQLite's printf()/format(), with widths and precisions checked first.

    SQLite's printf gives NULL when its result would be over the length limit, but
    "%.*c" repeats the character once per unit of precision before it finds out:
    printf('%.*c', 1000000000, 'x') runs ~6 s in one VM step, which no time limit can
    interrupt. Here a width or precision over the limit gives NULL at once; other calls
    go to SQLite's own printf on a private in-memory connection, so the output is
    exactly SQLite's."""
    if not args:
        return None
    fmt, rest = args[0], list(args[1:])
    if isinstance(fmt, bytes):  # SQLite reads a blob format as text
        fmt = fmt.decode("utf-8", "replace")
    if isinstance(fmt, str):
        for m in _PRINTF_SPEC.finditer(fmt):
            width, precision, kind = m.groups()
            for part in (width, precision):
                if part == "*":
                    number = _as_integer(rest.pop(0) if rest else None)
                elif part:
                    number = int(part)
                else:
                    continue
                if number > MAX_VALUE_BYTES:
                    return None  # what SQLite's printf gives for a result over the limit
            if kind != "%" and rest:
                rest.pop(0)
    placeholders = ", ".join("?" * len(args))
    return _helper_connection().execute(f"select printf({placeholders})", args).fetchone()[0]


@hookimpl
def prepare_connection(conn, database, datasette):
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    if database == "_internal" or database not in datasette.databases:
        # Datasette's own connections: the _internal catalogue (which it writes; only
        # root may query it) and the throwaway one /-/versions uses to probe for FTS.
        return
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)
    for name, function in _TRIMS.items():
        conn.create_function(name, 2, function, deterministic=True)
    for name in ("printf", "format"):
        conn.create_function(name, -1, guarded_printf, deterministic=True)
    conn.row_factory = budget_row_factory
    conn.set_authorizer(read_only_authorizer)


# --- the time-limit watchdog ----------------------------------------------------------

class Watchdog:
    """One thread; interrupts a connection whose query has overrun its deadline."""

    def __init__(self):
        self._cond = threading.Condition()
        self._heap: list = []
        self._live: set = set()
        self._tokens = itertools.count()
        self._thread = None
        self.fired = 0  # queries interrupted by the watchdog
        self.replaced = 0  # connections replaced after an interrupt stuck to them

    def arm(self, conn, deadline: float) -> int:
        with self._cond:
            token = next(self._tokens)
            heapq.heappush(self._heap, (deadline, token, conn))
            self._live.add(token)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sql-watchdog", daemon=True)
                self._thread.start()
            self._cond.notify()
            return token

    def disarm(self, token: int) -> bool:
        """True when the watchdog interrupted this query. Once this returns, the query's
        connection is never interrupted for it."""
        with self._cond:
            if token in self._live:
                self._live.discard(token)
                return False
            return True

    def _run(self):
        with self._cond:
            while True:
                while self._heap and self._heap[0][1] not in self._live:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                deadline, token, conn = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
                self._live.discard(token)
                try:
                    conn.interrupt()
                    self.fired += 1
                except sqlite3.Error:
                    pass


WATCHDOG = Watchdog()


def _after_interrupt(conn) -> None:
    """SQLite clears an interrupt when the next statement starts, unless another statement
    is still active on the connection: then every later query on it would be interrupted.
    Check, and if so give this thread a fresh connection (Datasette opens and prepares
    one when its thread-local slot is empty)."""
    try:
        conn.execute("select 1").fetchall()
        return
    except sqlite3.Error:
        pass
    local = datasette.database.connections  # Datasette's per-thread connections
    for name, value in list(vars(local).items()):
        if value is conn:
            delattr(local, name)
    WATCHDOG.replaced += 1
    try:
        conn.close()
    except sqlite3.Error:
        pass


def _install_watchdog():
    original = datasette.database.sqlite_timelimit
    if getattr(original, "_litdb_watchdog", False):
        return

    @contextmanager
    def sqlite_timelimit(conn, ms):
        token = WATCHDOG.arm(conn, time.monotonic() + ms / 1000 + WATCHDOG_GRACE_S)
        try:
            with original(conn, ms):
                yield
        finally:
            if WATCHDOG.disarm(token):
                _after_interrupt(conn)

    sqlite_timelimit._litdb_watchdog = True
    datasette.database.sqlite_timelimit = sqlite_timelimit


# Database.execute looks sqlite_timelimit up in datasette.database at each call.
_install_watchdog()
