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
in each of the num_sql_threads threads, and in a cluster process on the event loop's
thread too, where a page's first 100 ms of SQL run: see "SQL on the event loop's thread"):
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

import asyncio
import base64
import hashlib
import heapq
import itertools
import json
import os
import re
import sqlite3
import sys
import threading
import time
import urllib.parse
import weakref
from contextlib import contextmanager
from pathlib import Path

import datasette
import datasette.database
import datasette.handle_exception
from datasette import hookimpl
from datasette.utils.asgi import Base400, Response
from markupsafe import Markup, escape
from datasette.database import Database, QueryInterrupted
from datasette.views.base import DatasetteError

import litdb.serve
from litdb.normalize import may_hold_link, strip_shadow_links
from litdb.serve import PUBLIC_URL_ENV, REQUEST, SETTINGS, RequestBudget

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
# other value). A full page of 1,000 papers with abstracts is ~4 MB. A page's answer
# holds about three times its values in memory while it is written (rows, JSON text,
# bytes), and four expensive requests may be written at once: at 32 MB, four clients
# that never read took the server to 388 MB (scripts/attack_load.py; goal 400 MB).
# Streams and whole-set downloads keep only a chunk at a time, but one of their
# queries may read more (the citation keys' pass over every paper: ~200 bytes a paper).
MAX_RESULT_BYTES = 16 * 1024 * 1024
MAX_STREAM_RESULT_BYTES = 32 * 1024 * 1024

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


# --- input, checked before Datasette's costly steps -------------------------------

MAX_PARAMS = 64  # query-string parameters, after repeated ones are dropped
MAX_NAME_BYTES = 256
MAX_VALUE_BYTES_QS = 4096  # any value but sql=
MAX_FACETS = 5  # distinct _facet, _facet_array, _facet_date values
FACET_PARAMS = ("_facet", "_facet_array", "_facet_date")
# Datasette's SELECT check (validate_sql_select) runs a regular expression whose time is
# quadratic in a run of white space after a leading comment: 1.3 s for 16 KB, in the
# event loop (docs/upstream.md). What comes before the first keyword is bounded here.
MAX_SQL_SPACE_RUN = 256
MAX_SQL_PREFIX = 4096
_SPACE_RUN = re.compile(r"\s{%d}" % (MAX_SQL_SPACE_RUN + 1))
# Parameters that change only how a result is written, not what it costs to compute.
CHEAP_PARAMS = {"_shape", "_nl", "_json", "_header", "_dl", "_labels", "_nolabels"}
EXPORT_SUFFIXES = (".csv", ".tsv", ".bib", ".ris", ".csljson", ".ndjson", ".jsonl", ".xml")
WHOLE_SET_SUFFIXES = (".bib", ".ris", ".csljson")  # of a table or query: always the whole set
# Parameters that filter the rows: their pages are one visitor's, their facets are not
# worth computing again in the background.
FILTER_PARAMS = ("_where", "_search", "_filter_column", "_through")


class BadInput(Exception):
    pass


def sql_prefix_problem(sql: str) -> str | None:
    """Comments and white space before the first keyword, as Datasette's SELECT check
    reads them (lines starting with -- removed, stripped), in linear time."""
    text = "\n".join(line for line in sql.split("\n") if not line.strip().startswith("--")).strip()
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():  # what the regular expression's \s matches
            start = i
            while i < n and text[i].isspace():
                i += 1
            if i - start > MAX_SQL_SPACE_RUN:
                return (f"SQL may not have more than {MAX_SQL_SPACE_RUN} characters of white space "
                        "in a row before its first keyword")
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end < 0:
                return None  # Datasette refuses it at once ("Statement must be a SELECT")
            i = end + 2
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        else:
            break
        if i > MAX_SQL_PREFIX:
            return f"SQL may not have more than {MAX_SQL_PREFIX} characters of comments before its first keyword"
    return None


def checked_parameters(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The query string's (name, value) pairs with repeats dropped and limits checked;
    raises BadInput with a one-line reason. Values Datasette 0.65 turns into 500s are
    refused here."""
    pairs = list(dict.fromkeys(pairs))  # a repeated name=value means nothing more
    if len(pairs) > MAX_PARAMS:
        raise BadInput(f"more than {MAX_PARAMS} query-string parameters")
    facets = 0
    for name, value in pairs:
        if len(name.encode("utf-8", "replace")) > MAX_NAME_BYTES:
            raise BadInput(f"a parameter name is longer than {MAX_NAME_BYTES} bytes")
        if name != "sql" and len(value.encode("utf-8", "replace")) > MAX_VALUE_BYTES_QS:
            raise BadInput(f"{name[:40]}: value longer than {MAX_VALUE_BYTES_QS} bytes")
        if name in FACET_PARAMS:
            facets += 1
        if name == "sql":
            problem = sql_prefix_problem(value)
            if problem:
                raise BadInput(problem)
        elif name == "_where" and _SPACE_RUN.search(value):
            # Pasted into the page's SQL, which plugins/exports.py reads with a regular
            # expression that is quadratic in a run of white space (0.2 s of the event
            # loop for four runs of 4,000 spaces).
            raise BadInput(f"_where may not have more than {MAX_SQL_SPACE_RUN} characters of white space in a row")
        elif name == "_timelimit" and not value.isdigit():
            raise BadInput("_timelimit must be a whole number of milliseconds")
        elif name == "_through":
            try:
                through = json.loads(value)
            except ValueError:
                through = None
            if not (isinstance(through, dict) and all(isinstance(through.get(k), str)
                                                      for k in ("table", "column", "value"))):
                raise BadInput('_through must be JSON: {"table": …, "column": …, "value": …}')
        elif name.endswith(("__in", "__notin")) and value.startswith("["):
            # Datasette reads a value in brackets as a JSON list and fails with a 500.
            try:
                ok = isinstance(json.loads(value), list)
            except ValueError:
                ok = False
            if not ok:
                raise BadInput(f"{name[:40]}: a list must be JSON, like [1, 2], or comma-separated: 1,2")
    if facets > MAX_FACETS:
        raise BadInput(f"at most {MAX_FACETS} _facet parameters")
    if any(name == "_stream" for name, _ in pairs):
        # Datasette's CSV stream pages by _size: _size=1 would run one query per row.
        pairs = [(k, v) for k, v in pairs if k != "_size"] + [("_size", "max")]
    return pairs


def encode_query(pairs) -> bytes:
    """The query string written back, every special character percent-encoded: what
    Datasette copies into next_url, Link headers and page links is never raw input."""
    return urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote, safe="").encode("ascii")


def bad_parameters(query_string: bytes) -> str | None:
    """The reason a query string is refused, or None (kept for the tests and scripts)."""
    try:
        checked_parameters(urllib.parse.parse_qsl(query_string.decode("latin1"), keep_blank_values=True))
    except BadInput as e:
        return str(e)
    return None


def classify(path: str, pairs) -> RequestBudget:
    names = {name for name, _ in pairs}
    # whole-set downloads (plugins/exports.py) stream every matching paper, filtered or not
    whole_set = path.startswith("/-/export/") or path.endswith(WHOLE_SET_SUFFIXES)
    stream = "_stream" in names or path.endswith(EXPORT_SUFFIXES) and bool(names - CHEAP_PARAMS)
    expensive = bool(names - CHEAP_PARAMS) or path.endswith(EXPORT_SUFFIXES) or whole_set
    filtered = any(n.startswith(FILTER_PARAMS) or not n.startswith("_") for n in names if n != "sql")
    kind = "export" if whole_set else "stream" if stream else "page"
    return RequestBudget(kind, expensive=expensive, filtered=filtered)


# --- concurrency: expensive requests per client and in total ---------------------------

PER_CLIENT_EXPENSIVE = 1  # expensive requests of one address in progress at once
TOTAL_EXPENSIVE = 4
# Whole-set downloads at once (plugins/exports.py refuses a third at once with a 503):
# here they wait their turn like other expensive requests, so that one whose client
# reads nothing gives its place up to them (STALLED_CONTENDED_S below).
TOTAL_EXPORTS = 2
QUEUE_WAIT_S = 5.0  # how long an expensive request may wait for its turn
# SQL threads that expensive requests' queries may hold at once: one is always left
# for ordinary pages (litdb/serve.py num_sql_threads).
EXPENSIVE_SQL_THREADS = max(1, SETTINGS["num_sql_threads"] - 1)


class Gate:
    """At most PER_CLIENT_EXPENSIVE requests per client and TOTAL_EXPENSIVE in all;
    the others wait their turn for up to QUEUE_WAIT_S, then are refused."""

    def __init__(self):
        self.clients: dict = {}  # address -> [semaphore, users]
        self.total = self.exports = None
        self.waiting = 0  # requests waiting for one of the TOTAL_EXPENSIVE or TOTAL_EXPORTS places

    async def enter(self, client, export: bool = False) -> str | None:
        if self.total is None:
            self.total, self.exports = asyncio.Semaphore(TOTAL_EXPENSIVE), asyncio.Semaphore(TOTAL_EXPORTS)
        entry = self.clients.setdefault(client, [asyncio.Semaphore(PER_CLIENT_EXPENSIVE), 0])
        entry[1] += 1
        try:
            await asyncio.wait_for(entry[0].acquire(), QUEUE_WAIT_S)
        except asyncio.TimeoutError:
            self._forget(client)
            return "429", "too many expensive requests at once from your address; try again in a moment"
        held = []
        self.waiting += 1
        try:
            for place in ([self.exports] if export else []) + [self.total]:
                await asyncio.wait_for(place.acquire(), QUEUE_WAIT_S)
                held.append(place)
        except asyncio.TimeoutError:
            for place in held + [entry[0]]:
                place.release()
            self._forget(client)
            what = "downloads of whole sets" if export and not held else "expensive requests"
            return "503", f"the server is busy with {what}; try again in a moment"
        finally:
            self.waiting -= 1
        return None

    def contended(self, client) -> bool:
        """Whether a request waits for a place that client's request holds."""
        entry = self.clients.get(client)
        return self.waiting > 0 or entry is not None and entry[1] > PER_CLIENT_EXPENSIVE

    def leave(self, client, export: bool = False) -> None:
        self.total.release()
        if export:
            self.exports.release()
        self.clients[client][0].release()
        self._forget(client)

    def _forget(self, client):
        entry = self.clients[client]
        entry[1] -= 1
        if entry[1] == 0:
            del self.clients[client]


GATE = Gate()
_expensive_sql = None


# --- responses: no absolute paths, bodies written in pieces -----------------------------

BODY_CHUNK = 64 * 1024  # a big body goes out in pieces, so a slow reader holds back the writer
# A client that reads nothing must not keep an expensive request's place (its address's
# and one of the TOTAL_EXPENSIVE): four of them, from four addresses, held every place
# for the whole write timeout (15 s), and every other visitor's search, facet page or
# query waited 5 s for a 503. An expensive request whose piece of body cannot be
# written for STALLED_CONTENDED_S while another request waits for a place, or for
# STALLED_S in any case, is dropped as if its client had gone.
STALLED_CONTENDED_S = 1.0
STALLED_S = 5.0
STALL_CHECK_S = 0.25
HIDDEN_PATHS = ("/-/threads",)  # thread names and task lists: nothing a visitor needs


class ClientGone(Exception):
    pass


def private_prefixes(datasette) -> list[bytes]:
    """Absolute folders whose names must not appear in responses (longest first): the
    served files' folders, the repository, Python's installation, the temporary folder."""
    import tempfile

    folders = {str(Path(db.path).resolve().parent) for db in datasette.databases.values() if db.path}
    folders |= {str(Path(__file__).resolve().parent.parent), sys.prefix, sys.base_prefix, tempfile.gettempdir()}
    folders |= {os.path.realpath(f) for f in folders}
    return sorted({f.rstrip("/").encode() + b"/" for f in folders if len(f) > 1}, key=len, reverse=True)


_PREFIXES: dict = {}  # id(datasette) -> private_prefixes(datasette), worked out once


class Redactor:
    """Removes private folder names from a body given in pieces (a name may straddle two)."""

    def __init__(self, prefixes: list[bytes]):
        self.prefixes, self.keep, self.tail = prefixes, max(map(len, prefixes)) - 1, b""

    def _clean(self, data: bytes) -> bytes:
        for prefix in self.prefixes:
            if prefix in data:
                data = data.replace(prefix, b"")
        return data

    def feed(self, data: bytes, last: bool) -> bytes:
        data = self._clean(self.tail + data)
        if last:
            self.tail = b""
            return data
        cut = max(0, len(data) - self.keep)
        self.tail = data[cut:]
        return data[:cut]


def public_origin():
    origin = urllib.parse.urlsplit(os.environ.get(PUBLIC_URL_ENV) or "http://localhost")
    return origin.scheme, origin.netloc.encode("ascii")


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
            query_string = scope.get("query_string") or b""
            if len(raw_path) + len(query_string) > MAX_URL_BYTES:
                return await _send_plain(send, 414, f"414: URL longer than {MAX_URL_BYTES} bytes\n")
            path = scope.get("path", "")
            if path.rstrip("/").removesuffix(".json") in HIDDEN_PATHS:
                return await _send_plain(send, 404, "404: Not found\n")
            try:
                pairs = checked_parameters(urllib.parse.parse_qsl(query_string.decode("latin1"),
                                                                 keep_blank_values=True))
            except BadInput as e:
                return await _send_plain(send, 400, f"400: {e}\n")
            # Links are built from the published address, never from Host; the path
            # and query string Datasette copies into them are percent-encoded.
            scheme, host = public_origin()
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"host"]
            scope = dict(scope, scheme=scheme, headers=[(b"host", host)] + headers,
                         raw_path=urllib.parse.quote_from_bytes(raw_path, safe="/%~-._!$&'()*+,;=:@").encode(),
                         query_string=encode_query(pairs))
            inherited = REQUEST.get()
            if inherited is not None and inherited.kind == "internal":
                budget = inherited  # the cache's own warm-up requests (plugins/cache.py)
            else:
                budget = classify(path, pairs)
            client = (scope.get("client") or ("?",))[0]
            release_slot = scope.get("litdb.release_slot")  # set by scripts/cluster.py's SlottedServer
            if budget.kind in ("export", "stream") and callable(release_slot):
                release_slot()  # a long download: the process may take the next page meanwhile
            if budget.expensive:
                refused = await GATE.enter(client, export=budget.kind == "export")
                if refused:
                    status, reason = refused
                    return await _send_plain(send, int(status), f"{status}: {reason}\n", [(b"retry-after", b"1")])
            token = REQUEST.set(budget)
            try:
                await _serve(app, scope, receive, send, budget, datasette, path, client)
            finally:
                REQUEST.reset(token)
                if budget.expensive:
                    GATE.leave(client, export=budget.kind == "export")

        return security_app

    return wrap


async def _serve(app, scope, receive, send, budget, datasette, path, client=None):
    """Run the app, watching for the client's disconnection (which stops its queries and
    its stream), with security headers, safe redirects, bodies in pieces, no private
    folder names, and expensive requests whose client stopped reading dropped."""
    first = await receive()  # a GET's (empty) body; then only a disconnection can come
    gone = asyncio.Event()
    finished = False  # the whole answer was handed to the server

    async def watch():
        while (await receive())["type"] != "http.disconnect":
            pass
        if not finished:  # servers also say "disconnect" once the answer is complete
            budget.account["disconnected"] = True
        gone.set()

    watcher = asyncio.get_running_loop().create_task(watch())
    delivered = False

    async def app_receive():
        nonlocal delivered
        if not delivered:
            delivered = True
            return first
        await gone.wait()
        return {"type": "http.disconnect"}

    # An expensive request's writes are watched (the rule above STALLED_S): a task looks
    # every STALL_CHECK_S at how long the write in progress has waited, and cancels the
    # request when its client reads nothing. Timing each write itself would cost ~30 µs
    # a write, and Datasette's CSV stream writes once a row.
    loop = asyncio.get_running_loop()
    writing_since = None
    dropped = False
    serving = asyncio.current_task()

    async def deliver(message):
        nonlocal writing_since
        writing_since = loop.time()
        try:
            return await send(message)
        finally:
            writing_since = None

    async def watch_writes():
        nonlocal dropped
        while True:
            await asyncio.sleep(STALL_CHECK_S)
            if writing_since is None:  # then the request is not waiting in a write
                continue
            stalled = loop.time() - writing_since
            if stalled >= STALLED_S or stalled >= STALLED_CONTENDED_S and GATE.contended(client):
                dropped = True
                budget.account["disconnected"] = True  # its queries and its stream stop too
                gone.set()
                serving.cancel()  # raised in the write it waits in (uvicorn waits there for the socket to drain)
                return

    write_watcher = loop.create_task(watch_writes()) if budget.expensive else None

    redact = not path.startswith(("/-/static", "/site/"))
    if redact and id(datasette) not in _PREFIXES:
        _PREFIXES[id(datasette)] = private_prefixes(datasette)
    redactor = Redactor(_PREFIXES[id(datasette)]) if redact else None
    held = None  # the response start, sent with the first piece of body (its length may change)

    async def secure_send(message):
        nonlocal held, finished
        if budget.account["disconnected"]:
            raise ClientGone()
        if message["type"] == "http.response.start":
            headers = []
            for name, value in message.get("headers", []):
                lname = name.lower() if isinstance(name, bytes) else name.encode("latin1").lower()
                if lname in _SECURITY_HEADER_NAMES:
                    continue
                if lname == b"location":
                    value = safe_location(value.decode("latin1")).encode("latin1")
                headers.append((name, value))
            held = dict(message, headers=headers + SECURITY_HEADERS)
            return
        if message["type"] != "http.response.body":
            return await send(message)
        body, more = message.get("body", b""), message.get("more_body", False)
        finished = not more
        if redactor is not None:
            body = redactor.feed(body, last=not more)
        if held is not None:
            start, held = held, None
            if not more and scope.get("method") != "HEAD":  # the whole body is known: send its length
                start["headers"] = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                start["headers"].append((b"content-length", str(len(body)).encode()))
            await deliver(start)
        for i in range(0, max(len(body), 1), BODY_CHUNK):
            piece = body[i:i + BODY_CHUNK]
            last_piece = i + BODY_CHUNK >= len(body)
            await deliver({"type": "http.response.body", "body": piece, "more_body": more or not last_piece})
            if budget.account["disconnected"]:
                raise ClientGone()

    try:
        await app(scope, app_receive, secure_send)
    except ClientGone:
        pass  # nobody is reading: stop here (uvicorn closes the connection)
    except asyncio.CancelledError:
        if not dropped:
            raise
        serving.uncancel()  # our own cancellation: the client is treated as gone
    finally:
        watcher.cancel()
        if write_watcher is not None:
            write_watcher.cancel()


# --- errors -------------------------------------------------------------------------

# Datasette's own error handler (which runs for every error, after ours) prints the
# traceback through rich, with every local variable, when rich is installed: seconds of
# the event loop for an error on a page of papers, and for a 404 rich raises (it needs
# an exception being handled), which turns the 404 into a 500. The plain traceback
# module it falls back to is enough for the log.
datasette.handle_exception.rich = None

# Raised from request input that does not fit (see handle_exception); json's
# JSONDecodeError and UnicodeError are ValueErrors, IndexError and KeyError LookupErrors.
INPUT_ERRORS = (ValueError, LookupError, sqlite3.ProgrammingError, sqlite3.InterfaceError)


class BudgetExceeded(QueryInterrupted):
    """A request that has used up its budget (or whose client has gone) starts no query."""

    def __init__(self, reason: str):
        super().__init__(sqlite3.OperationalError("interrupted"), f"-- not run: {reason}", None)
        self.reason = reason

    def __str__(self):
        return self.reason


BUDGET_ERRORS = (BudgetExceeded,)
# SQLite's messages for SQL beyond its limits (its parser's stack, expression depth,
# compound SELECTs, variables, joins, columns, arguments) and for our result budget.
TOO_COMPLEX = ("parser stack overflow", "Expression tree is too large", "too many terms in compound SELECT",
               "too many SQL variables", "at most 64 tables in a join", "too many columns",
               "too many arguments on function", "too many FROM clause terms", "LIKE or GLOB pattern too complex",
               "query result too large")

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
    if isinstance(exception, BUDGET_ERRORS):
        return _error_response(datasette, request, 400, "Too expensive", str(exception))
    if isinstance(exception, QueryInterrupted) or (
            isinstance(exception, sqlite3.OperationalError) and exception.args == ("interrupted",)):
        # Outside Datasette's own views (a plugin's route): the time limit or the budget.
        return _error_response(datasette, request, 400, "SQL Interrupted",
                               "SQL query took too long, or this request used up its SQL time")
    if isinstance(exception, INPUT_ERRORS):
        # Input Datasette or a renderer could not use (a non-numeric _next on a view, the
        # wrong number or type of keys in a row URL, a format a table cannot be written
        # in): the request's fault, not the server's. Datasette's handler logs the traceback.
        first_line = (str(exception).splitlines() or [type(exception).__name__])[0][:200]
        return _error_response(datasette, request, 400, "Bad request",
                               f"This URL asks for something this page cannot give ({first_line})")
    if isinstance(exception, sqlite3.DataError) or (
            isinstance(exception, sqlite3.DatabaseError) and str(exception) == "not authorized"):
        # Refused by a limit ("string or blob too big") or by the authorizer. Datasette
        # turns only OperationalError into "Invalid SQL"; these would be 500s.
        return _error_response(datasette, request, 400, "Invalid SQL", str(exception))
    if isinstance(exception, sqlite3.OperationalError) and str(exception).startswith(TOO_COMPLEX):
        # SQL a plugin's route built from the request that SQLite will not run (a search
        # of 64 author terms joined by OR nests 64 levels of parentheses: "parser stack
        # overflow"): the request is too much, the server is not broken.
        return _error_response(datasette, request, 400, "Too complex",
                               f"This request is more than the database can run ({exception})")
    # Anything else is our bug: Datasette's own handler logs the traceback; the page
    # shows no exception text (paths, SQL, values).
    return _error_response(datasette, request, 500, None, "Internal server error")


def _error_response(datasette, request, status, title, message, extra=None):
    async def inner():
        info = dict(extra or {}, ok=False, error=message, status=status, title=title)
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        html = await template.render_async(dict(
            info, urls=datasette.urls, app_css_hash=datasette.app_css_hash(), menu_links=lambda: []))
        return Response.html(html, status=status)

    return inner


# --- cells: no link to a shadow library, whatever the SQL ---------------------------

@hookimpl
def render_cell(value):
    """A cell holding a link to a shadow library is shown as text, the link removed.

    The build cleans every stored text of such links, but a visitor's own SQL can make
    any value (select 'https://sci-hub.se/' || doi from papers), and Datasette shows a
    value that is a URL as a link: the site would publish them, from a URL anyone can
    send. The JSON and CSV of that query still hold the visitor's own text; no page
    links to it."""
    if isinstance(value, str) and may_hold_link(value):
        cleaned = strip_shadow_links(value)
        if cleaned != value:
            return Markup(escape(cleaned))
    return None


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
    limit = getattr(_budget, "limit", MAX_RESULT_BYTES)  # set by execute_fn for the request's kind
    if state[1] > limit:
        # Reset the statement now: raised from here, the query would stay active on the
        # connection for as long as the exception's traceback lives (and a later
        # interrupt() would then stick to the connection).
        cursor.close()
        raise ResultTooLarge(
            f"query result too large: more than {limit // (1024 * 1024)} MB; "
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
            if self._heap[0][1] == token:
                # The earliest deadline now: the thread must wake sooner than it planned.
                # Otherwise it wakes at the earlier one anyway, and a notify would only
                # hand it the GIL for nothing (once a query: 14% of a process's CPU).
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
            if _on_loop.deadline is None:
                with original(conn, ms):
                    yield
            else:
                with _loop_timelimit(conn, ms):
                    yield
        finally:
            if WATCHDOG.disarm(token):
                _after_interrupt(conn)

    sqlite_timelimit._litdb_watchdog = True
    datasette.database.sqlite_timelimit = sqlite_timelimit


# Database.execute looks sqlite_timelimit up in datasette.database at each call.
_install_watchdog()


# --- the per-request budget, on every query of every route ---------------------------

def _install_budget():
    """Every query any view or plugin runs goes through Database.execute_fn: there the
    request's budget (REQUEST, set by asgi_wrapper) is checked, its time is charged,
    the watchdog interrupts it when the budget runs out, and expensive requests share
    EXPENSIVE_SQL_THREADS threads."""
    original = Database.execute_fn
    if getattr(original, "_litdb_budget", False):
        return

    async def execute_fn(self, fn):
        budget = REQUEST.get()
        if budget is None or self.name == "_internal":
            return await original(self, fn)
        reason = budget.refusal()
        if reason:
            raise BudgetExceeded(f"query not run: {reason}")

        def budgeted(conn):
            start = time.monotonic()
            token = WATCHDOG.arm(conn, start + max(0.0, budget.remaining_s()))
            _budget.limit = MAX_STREAM_RESULT_BYTES if budget.kind in ("stream", "export") else MAX_RESULT_BYTES
            try:
                return fn(conn)
            finally:
                _budget.limit = MAX_RESULT_BYTES
                budget.charge(time.monotonic() - start)
                if WATCHDOG.disarm(token):
                    _after_interrupt(conn)

        if budget.kind == "page" and budget.account.get("on_loop_s", 0.0) < litdb.serve.SQL_ON_LOOP_S:
            result = _run_on_loop(self, budgeted, budget)
            if result is not _OVERRAN:
                return result
        global _expensive_sql
        gate = None
        if budget.expensive:
            if _expensive_sql is None:
                _expensive_sql = asyncio.Semaphore(EXPENSIVE_SQL_THREADS)
            gate = _expensive_sql
            await gate.acquire()
        try:
            return await original(self, budgeted)
        finally:
            if gate is not None:
                gate.release()

    execute_fn._litdb_budget = True
    Database.execute_fn = execute_fn


_install_budget()


# --- SQL on the event loop's thread, first (the cluster's processes) ---------------------
#
# A cluster process serves one request at a time (scripts/cluster.py SlottedServer), so
# its SQL threads buy it no concurrency, only a hand-over per query: the loop gives the
# query to a thread and waits to be woken, and the two pass the GIL back and forth (a
# quarter of such a process's samples under load). There (litdb.serve.SQL_ON_LOOP_S > 0)
# a page's queries run first on the loop's own thread, for at most SQL_ON_LOOP_S of SQL
# per request: a query still running then is stopped and run again in a thread, as
# every query is in `make serve`, and so is every later query of that request. A slow
# query, a visitor's or a hostile client's, thus holds its process's loop for no longer
# than that; then the SQL threads and their gates above apply as before. Running a query
# twice is safe: the file is immutable and the connections read-only.

_OVERRAN = object()


class _OnLoop(threading.local):
    deadline = None  # when this thread's SQL must give way (None: not on the loop)
    cut = False  # it had to


_on_loop = _OnLoop()


def _loop_connection(database):
    """The event loop thread's connection to database, made and kept as Datasette makes
    its SQL threads' (datasette/database.py Database.execute_fn, in_thread: one per
    thread in datasette.database.connections, under the database's name)."""
    local = datasette.database.connections
    conn = getattr(local, database.name, None)
    if not conn:
        conn = database.connect()
        database.ds._prepare_connection(conn, database.name)
        setattr(local, database.name, conn)
    return conn


def _give_way_handler(deadline: float, own_deadline: float | None = None):
    """A progress handler stopping the query at the earlier deadline; noting in
    _on_loop.cut when it is the loop's (the query may run again in a thread)."""
    def handler():
        now = time.monotonic()
        if own_deadline is not None and now >= own_deadline and own_deadline <= deadline:
            return 1
        if now >= deadline:
            _on_loop.cut = True
            return 1
        return 0
    return handler


@contextmanager
def _loop_timelimit(conn, ms):
    """datasette.utils.sqlite_timelimit for a query on the loop's thread: the query's
    own limit (checked as often as Datasette checks it) or the loop's deadline, whichever
    comes first; then the loop's handler again, for the rest of the request's function."""
    n = 1 if ms <= 20 else 1000  # as Datasette's
    conn.set_progress_handler(_give_way_handler(_on_loop.deadline, time.monotonic() + ms / 1000), n)
    try:
        yield
    finally:
        conn.set_progress_handler(_give_way_handler(_on_loop.deadline), 1000)


def _run_on_loop(database, budgeted, budget):
    """budgeted(conn) (the query with its budget, execute_fn's) on this thread; _OVERRAN
    when it had to give way (what it returned then is not used: a function may have
    caught the interruption)."""
    conn = _loop_connection(database)
    start = time.monotonic()
    left = min(litdb.serve.SQL_ON_LOOP_S - budget.account.get("on_loop_s", 0.0), budget.remaining_s())
    _on_loop.deadline, _on_loop.cut = start + left, False
    conn.set_progress_handler(_give_way_handler(_on_loop.deadline), 1000)
    try:
        result = budgeted(conn)
    except (QueryInterrupted, sqlite3.OperationalError):
        if not _on_loop.cut:
            raise
        result = _OVERRAN
    finally:
        conn.set_progress_handler(None, 1000)
        cut, _on_loop.deadline = _on_loop.cut, None
        budget.account["on_loop_s"] = budget.account.get("on_loop_s", 0.0) + time.monotonic() - start
    if cut:
        budget.account["on_loop_s"] = litdb.serve.SQL_ON_LOOP_S  # the rest of this request in threads
        return _OVERRAN
    return result
