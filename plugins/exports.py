"""Paging that loses nothing, and exports of every matching paper.

Paging. Datasette 0.65 (datasette/views/table.py, TableView._data_traced) pages a table
by keyset: the next token is the sort value and primary key of the last row shown, and
the next page asks for rows after it, ordered by (sort column, primary key). But the
FIRST page is ordered by the sort column alone ("order by year desc"), so among rows
tied on the sort value (and NULLs are ties too) it shows an arbitrary subset; the
second page then skips the tied rows whose key is below the token and repeats those
above it. That is the whole loss: the papers default sort is "sort_desc: year" with many
papers per year, and every sortable column has ties. Views are paged by offset, with no
ORDER BY at all, or with the sort column alone, so their order among ties is not fixed
from one page's query to the next. The CSV stream (_stream=on, views/base.py as_csv)
walks the same pages, so it lost and repeated the same rows.

The correction gives every page query a total order, the one the next tokens already
assume: the table's primary key (rowid for rowid tables) appended to the page's ORDER
BY, and for views every column of the view (the disagreements view's own order,
paper_id, field, source, is kept: its second column, paper_title, depends on paper_id
alone). It relies on three things of Datasette 0.65's internals, each checked here:
  - TableView.data(request, ...) is called for every table, view and canned-query page,
    the JSON and CSV streams included; it is wrapped to note which table it serves
    (a context variable, so nothing else is touched);
  - the page's query is the one Database.execute call made with truncate=True, and its
    SQL ends in "[order by X[ desc][, pk…]] limit N[ offset M]" (table.py builds it
    with "select {columns} from {table} {where}{order_by} limit {page_size}{offset}");
    only that suffix is rewritten, so a _where clause is never parsed;
  - the next token is (sort value, primary key) with "pk > token" as tie-breaker,
    ascending, whatever the sort direction; the appended keys are ascending to match.

Exports. /-/export/<database>/<table or canned query>.<format>?<the page's arguments>
and /-/export/<database>.<format>?sql=… stream every matching paper as BibTeX (bib),
RIS (ris), CSL-JSON (csljson), CSV (csv) or newline-delimited JSON (ndjson), chunk by
chunk. The pages' own .bib, .ris and .csljson links (/literature/papers.bib?year=2015,
/literature.bib?sql=…) are served here too: Datasette 0.65's output renderers see one
page of rows only. Datasette's own JSON and CSV are unchanged.
  - A table or view: its filters are Datasette's own (Filters and the
    filters_from_request hooks: column filters, facet selections, __arraycontains,
    _where, _search, _through); its paper ids are read in chunks of CHUNK by keyset on
    the paper id column, so memory does not grow with the export. Each chunk's query
    runs under the SQL time limit; there is no cap on the number of papers.
  - A SQL or canned query: it is run once, under the SQL time limit, for its paper ids
    (its paper_id, cited_paper_id or id column), in its order, at most
    MAX_QUERY_PAPERS of them (about 70 bytes each in memory).
  - A limit that cuts an export (the time limit, the cap) is written in the file: a
    @comment in BibTeX, a "#" line outside any record in RIS, a trailing item in
    CSL-JSON, a trailing line in NDJSON, a trailing row in CSV. The table and query
    pages say so above the table (templates/table.html, templates/query.html).
  - The stream stops when the client disconnects (uvicorn drops writes to a closed
    socket silently, so the request's receive channel is watched for http.disconnect);
    each chunk waits for the socket to drain (uvicorn's flow control). At most
    MAX_CONCURRENT_EXPORTS run at once; more get a 503 with Retry-After.
  - BibTeX and CSL-JSON keys are the same in every export: a key that several papers
    of the database share is suffixed a, b… by paper id (litdb.citations.shared_keys,
    one pass over the papers, made in the background at startup and kept per file).
  - Queries go through Database.execute_fn (the SQL threads, Datasette's
    sqlite_timelimit looked up at each call), not Database.execute, so that chunks of
    an export do not fill the results cache of plugins/cache.py.
"""

from __future__ import annotations

import asyncio
import contextvars
import csv
import io
import json
import os
import re
import sqlite3
import sys
import urllib.parse

import datasette
import datasette.database
from datasette import hookimpl
from datasette.database import Database, QueryInterrupted
from datasette.filters import Filters
from datasette.plugins import pm
from datasette.utils import await_me_maybe, derive_named_parameters, escape_sqlite, tilde_decode
from datasette.utils.asgi import Response
from datasette.version import __version__ as DATASETTE_VERSION
from datasette.views.base import ureg
from datasette.views.table import TableView

import litdb.serve
from litdb.citations import (CitationKeys, bibtex_comment, cached_shared_keys, export_columns, fetch_papers,
                             ris_comment, to_bibtex, to_csl_json, to_ris)

if not DATASETTE_VERSION.startswith("0.65."):
    raise RuntimeError(f"plugins/exports.py relies on Datasette 0.65 internals (see its docstring); "
                       f"this is Datasette {DATASETTE_VERSION}")

# --- paging ---------------------------------------------------------------------------

_PAGE_TABLE = contextvars.ContextVar("litdb_page_table", default=None)
_TERM = r"(?:\[[^\]]*\]|\w+)"
# The end of the page query table.py builds: "{where}{order_by} limit {n}{offset}".
_LIMIT = re.compile(r" limit (?P<limit>\d+)(?: offset (?P<offset>\d+))?$")
_ORDER = re.compile(rf"{_TERM}(?: desc)?(?:, {_TERM}(?: desc)?)*")


def page_suffix(sql: str):
    """(where the ending starts, its order-by terms or None, limit, offset or None) of the
    " [order by …] limit N[ offset M]" ending Datasette gives a table page's SQL, or None.
    Found from the end (rfind), never by a search that tries every place of the user's
    _where text: that would be quadratic on a long run of white space there."""
    at = sql.rfind(" limit ")
    m = _LIMIT.match(sql, at) if at >= 0 else None
    if not m:
        return None
    head = sql[:at].rstrip()
    start, order = len(head), None
    by = head.rfind(" order by ")
    if by >= 0 and _ORDER.fullmatch(head, by + len(" order by ")):
        start, order = by, head[by + len(" order by "):]
    return start, order, m.group("limit"), m.group("offset")
_TIE_BREAKERS: dict = {}


async def _tie_breaker(db, table: str) -> str | None:
    """The ORDER BY terms that make any order on this table or view total."""
    key = (db.name, table)
    if key not in _TIE_BREAKERS:
        if await db.get_view_definition(table):
            columns = await db.table_columns(table)
        elif await db.table_exists(table):
            columns = await db.primary_keys(table) or ["rowid"]
        else:
            columns = []  # a canned query: its SQL is its own
        _TIE_BREAKERS[key] = ", ".join(c if c == "rowid" else escape_sqlite(c) for c in columns) or None
    return _TIE_BREAKERS[key]


async def page_sql(db, table: str, sql: str) -> str:
    """The page query of table with a total order (see the module's docstring)."""
    if not re.match(rf"select .+? from {re.escape(escape_sqlite(table))} ", sql, re.S):
        return sql
    suffix = page_suffix(sql)
    tail = await _tie_breaker(db, table) if suffix else None
    if not tail:
        return sql
    start, order, limit, offset = suffix
    if order == tail or (order or "").endswith(", " + tail):
        return sql  # a next page: Datasette already appended the primary key
    offset = f" offset {offset}" if offset else ""
    return f"{sql[:start]} order by {order + ', ' if order else ''}{tail} limit {limit}{offset}"


def _install_paging():
    if getattr(Database.execute, "_litdb_paging", False):
        return
    original_execute, original_data = Database.execute, TableView.data

    async def execute(self, sql, params=None, truncate=False, *args, **kwargs):
        table = _PAGE_TABLE.get()
        if table is not None and truncate:
            sql = await page_sql(self, table, sql)
        return await original_execute(self, sql, params, truncate, *args, **kwargs)

    async def data(self, request, *args, **kwargs):
        token = _PAGE_TABLE.set(tilde_decode(request.url_vars["table"]))
        try:
            return await original_data(self, request, *args, **kwargs)
        finally:
            _PAGE_TABLE.reset(token)

    execute._litdb_paging = True
    Database.execute, TableView.data = execute, data


_install_paging()

# --- exports ----------------------------------------------------------------------------

CHUNK = 500  # papers per query and per write
MAX_QUERY_PAPERS = int(os.environ.get("LITDB_EXPORT_MAX_QUERY_PAPERS", "100000"))
MAX_CONCURRENT_EXPORTS = 2
PAPER_ID_COLUMNS = ("paper_id", "cited_paper_id")
ARRAY_COLUMNS = ("authors", "publication_types", "keywords", "topics")
FORMATS = {
    "bib": ("BibTeX", "application/x-bibtex; charset=utf-8"),
    "ris": ("RIS", "application/x-research-info-systems; charset=utf-8"),
    "csljson": ("CSL-JSON", "application/vnd.citationstyles.csl+json; charset=utf-8"),
    "csv": ("CSV", "text/csv; charset=utf-8"),
    "ndjson": ("NDJSON", "application/x-ndjson; charset=utf-8"),
}
_active = 0


class ExportError(Exception):
    """Bad input, said in one line to the client (400 unless status says otherwise)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def id_column(columns, table=None, query=False) -> str | None:
    """The column holding paper ids: papers.id, else paper_id or cited_paper_id, and for
    a query also a column named id (select * from papers …)."""
    if (table == "papers" or query) and "id" in columns and "paper_id" not in columns:
        return "id"
    return next((c for c in PAPER_ID_COLUMNS if c in columns), None)


def _interrupted(error: Exception) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "interrupted" in str(error)


def time_limit_ms(datasette, request) -> int:
    """The SQL time limit, or a lower ?_timelimit= (as Datasette allows one)."""
    limit = datasette.setting("sql_time_limit_ms")
    asked = request.args.get("_timelimit", "")
    return min(limit, int(asked)) if asked.isdigit() and int(asked) > 0 else limit


async def run_limited(db, ms: int, fn):
    """fn(conn) in a SQL thread under the time limit (the one plugins/security.py guards)."""
    def in_thread(conn):
        with datasette.database.sqlite_timelimit(conn, ms):
            return fn(conn)

    return await db.execute_fn(in_thread)


class TableSource:
    """The papers of a filtered table or view, chunk by chunk, by keyset on the paper id."""

    def __init__(self, table, column, where, params, ms):
        self.params, self.ms = params, ms
        self.note, self.after, self.done = None, "", False  # every paper id is a non-empty text
        where = " and ".join(f"({w})" for w in where)
        self.sql = (f"select distinct {escape_sqlite(column)} from {escape_sqlite(table)} where "
                    f"{where + ' and ' if where else ''}{escape_sqlite(column)} > :_litdb_after "
                    f"order by {escape_sqlite(column)} limit {CHUNK}")

    def next_chunk(self, conn) -> list[dict] | None:
        """The next chunk's papers (in a SQL thread), None when there are no more."""
        if self.done:
            return None
        ids = [r[0] for r in conn.execute(self.sql, dict(self.params, _litdb_after=self.after)).fetchall()]
        self.done = len(ids) < CHUNK
        if not ids:
            return None
        self.after = ids[-1]
        return fetch_papers(conn, ids)


class QuerySource:
    """The papers a SQL query names, in its order: run once, at most MAX_QUERY_PAPERS."""

    def __init__(self, sql, params, ms):
        self.sql, self.params, self.ms = sql.strip().rstrip(";"), params, ms
        self.note, self.ids, self.start = None, [], 0

    async def prepare(self, db):
        def columns(conn):
            return [d[0] for d in conn.execute(f"select * from (\n{self.sql}\n) limit 0", self.params).description]

        column = id_column(await run_limited(db, self.ms, columns), query=True)
        if column is None:
            raise ExportError("the query has no paper_id, cited_paper_id or id column to export papers from")
        wrapped = f"select {escape_sqlite(column)} from (\n{self.sql}\n)"

        def collect(conn):
            ids, stopped = {}, False
            cursor = conn.execute(wrapped, self.params)
            try:
                while len(ids) <= MAX_QUERY_PAPERS:
                    rows = cursor.fetchmany(1000)
                    if not rows:
                        break
                    ids.update((r[0], None) for r in rows if isinstance(r[0], str) and r[0])
            except sqlite3.OperationalError as e:
                if not _interrupted(e):
                    raise
                stopped = True  # keep the ids read so far, and say so
            finally:
                cursor.close()
            return list(ids), stopped

        self.ids, stopped = await run_limited(db, self.ms, collect)
        if len(self.ids) > MAX_QUERY_PAPERS:
            del self.ids[MAX_QUERY_PAPERS:]
            self.note = (f"Incomplete: this export holds the first {MAX_QUERY_PAPERS:,} papers of the query "
                         f"(exports of a SQL query stop there). Export the papers table with filters for more.")
        elif stopped:
            self.note = (f"Incomplete: the query was stopped by the SQL time limit ({self.ms:,} ms) after "
                         f"{len(self.ids):,} papers; this export holds only those.")

    def next_chunk(self, conn) -> list[dict] | None:
        ids = self.ids[self.start:self.start + CHUNK]
        self.start += CHUNK
        return fetch_papers(conn, ids) if ids else None


async def _table_filters(datasette, db, request, table):
    """The WHERE clauses and parameters of the table page, as TableView builds them."""
    filter_args = [(key, value) for key in request.args if not (key.startswith("_") and "__" not in key)
                   for value in request.args.getlist(key)]
    # A filter on no column (?utm_source=x) would match nothing (SQLite reads "utm_source"
    # as a string) and give an empty file: said instead.
    columns = set(await db.table_columns(table))
    unknown = sorted({key for key, _ in filter_args if key.rsplit("__", 1)[0] not in columns})
    if unknown:
        raise ExportError(f"no column {unknown[0]!r} in {table}: a filter on it would leave nothing to download "
                          f"(remove ?{unknown[0]}= from the address)")
    units = datasette.table_metadata(db.name, table).get("units", {})
    try:
        where, params = Filters(sorted(filter_args), units, ureg).build_where_clauses(table)
        for hook in pm.hook.filters_from_request(request=request, table=table, database=db.name,
                                                 datasette=datasette):
            extra = await await_me_maybe(hook)
            if extra:
                where.extend(extra.where_clauses)
                params.update(extra.params)
    except ExportError:
        raise
    except Exception as e:  # Datasette's filters raise for malformed input
        raise ExportError(f"bad filter: {e}")
    return where, params


async def make_source(datasette, db, request, name):
    """What to export: a table or view with the page's filters, a canned query, or ?sql=."""
    ms = time_limit_ms(datasette, request)
    if name is None or await datasette.get_canned_query(db.name, name, request.actor):
        if name is None:
            sql = request.args.get("sql")
            if not sql:
                raise ExportError("give the query as ?sql=select … (with a paper_id or id column)")
            await datasette.ensure_permissions(request.actor, [("execute-sql", db.name)])
        else:
            canned = await datasette.get_canned_query(db.name, name, request.actor)
            if canned.get("write"):
                raise ExportError(f"{name} is not a query of papers")
            sql = canned["sql"]
        # Parameters as QueryView takes them: every argument, "" for a missing one.
        params = {key: request.args.get(key) for key in request.args if key not in ("sql", "_shape")}
        for parameter in await derive_named_parameters(db, sql):
            params.setdefault(parameter, "")
        source = QuerySource(sql, params, ms)
        await source.prepare(db)
        return source
    if not (await db.table_exists(name) or await db.get_view_definition(name)):
        raise ExportError(f"no table, view or query named {name}", status=404)
    column = id_column(await db.table_columns(name), name)
    if column is None:
        raise ExportError(f"{name} has no paper ids to export: export papers, or a table with a paper_id column")
    where, params = await _table_filters(datasette, db, request, name)
    return TableSource(name, column, where, params, ms)


# Writers: begin(), chunk(papers) and end(note) return text; one per export.

class BibTeXWriter:
    def __init__(self, columns, shared=None):
        self.keys = CitationKeys(shared)

    def begin(self):
        return ""

    def chunk(self, papers):
        return to_bibtex(papers, self.keys.keys(papers))

    def end(self, note):
        return bibtex_comment(note) if note else ""


class RISWriter(BibTeXWriter):
    def chunk(self, papers):
        return to_ris(papers)

    def end(self, note):
        return ris_comment(note) if note else ""


class CSLWriter(BibTeXWriter):
    first = True

    def begin(self):
        return "[\n"

    def _items(self, items):
        text = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
        if text and not self.first:
            text = ",\n" + text
        self.first = self.first and not text
        return text

    def chunk(self, papers):
        return self._items(to_csl_json(papers, self.keys.keys(papers)))

    def end(self, note):
        # The note is an item of its own, so that whoever imports the file sees it.
        trailer = self._items([{"id": "litdb-export-note", "type": "document", "title": note, "note": note}]) if note else ""
        return trailer + "\n]\n"


class CSVWriter:
    def __init__(self, columns, shared=None):
        self.columns = columns

    def _rows(self, rows):
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return out.getvalue()

    def begin(self):
        return self._rows([self.columns])

    def chunk(self, papers):
        return self._rows([[p.get(c) for c in self.columns] for p in papers])

    def end(self, note):
        return self._rows([["# " + note] + [""] * (len(self.columns) - 1)]) if note else ""


class NDJSONWriter(CSVWriter):
    """One papers row per line, its JSON-array columns as arrays; a note as a last line."""

    def begin(self):
        return ""

    def chunk(self, papers):
        lines = []
        for paper in papers:
            row = {c: paper.get(c) for c in self.columns}
            for c in ARRAY_COLUMNS:
                if isinstance(row.get(c), str):
                    row[c] = json.loads(row[c])
            lines.append(json.dumps(row, ensure_ascii=False) + "\n")
        return "".join(lines)

    def end(self, note):
        return json.dumps({"_export_note": note}, ensure_ascii=False) + "\n" if note else ""


WRITERS = {"bib": BibTeXWriter, "ris": RISWriter, "csljson": CSLWriter, "csv": CSVWriter, "ndjson": NDJSONWriter}


async def _watch_disconnect(receive, disconnected: asyncio.Event):
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            disconnected.set()
            return


def _limit_note(error: Exception, count: int, ms: int) -> str | None:
    """What to write in the file when a limit stopped the export, None for other errors."""
    if isinstance(error, QueryInterrupted) and type(error) is not QueryInterrupted:
        reason = str(error)  # a request budget of plugins/security.py, which says which one
    elif isinstance(error, QueryInterrupted) or _interrupted(error):
        # the watchdog of plugins/security.py interrupts the same way when a budget runs out
        reason = f"the SQL time limit ({ms:,} ms per step) or this request's SQL budget"
    else:
        return None
    return f"Incomplete: stopped by {reason} after {count:,} papers; this export holds only those."


def database_key(db) -> tuple:
    """What identifies the served file's contents, for caches of what is derived from it."""
    try:
        stat = os.stat(db.path)
        return (db.name, db.path, stat.st_size, stat.st_mtime_ns)
    except (OSError, TypeError):
        return (db.name, id(db))


@hookimpl
def startup(datasette):
    """The shared citation keys of each database of papers, computed in the background
    as the server starts (a few seconds at 100,000 papers), so that no export pays for
    them out of its SQL budget."""
    async def inner():
        for db in list(datasette.databases.values()):
            if db.name != "_internal" and not db.is_memory and await db.table_exists("papers"):
                asyncio.get_running_loop().create_task(shared_keys(db))

    return inner


async def shared_keys(db):
    """The citation keys several papers share (litdb.citations.shared_keys), once per
    database file: they make a paper's BibTeX and CSL-JSON key the same in every export
    (a whole table, a search, a query), so that .bib files exported at different times
    can be used together. None (keys then go by order within the export) when the
    database has no papers table or the request's SQL budget stops the pass."""
    try:
        return await db.execute_fn(lambda conn: cached_shared_keys(conn, database_key(db)))
    except (sqlite3.Error, QueryInterrupted):
        return None


async def stream_export(db, source, fmt, filename, receive, send, head=False):
    """Send the export: headers once the first chunk is read (a bad query still gets a
    400), then chunk by chunk, each read in one call to the SQL threads; stops when the
    client goes."""
    columns = await run_limited(db, source.ms, export_columns)
    note = None
    try:
        papers = await run_limited(db, source.ms, source.next_chunk)
    except Exception as e:
        note = _limit_note(e, 0, source.ms)
        if note is None:
            if isinstance(e, sqlite3.OperationalError):
                raise ExportError(f"Invalid SQL: {e}")
            raise
        papers = None
    writer = WRITERS[fmt](columns, await shared_keys(db) if fmt in ("bib", "csljson") else None)
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", FORMATS[fmt][1].encode()),
        (b"content-disposition", f'attachment; filename="{filename}"'.encode()),
    ]})
    if head:
        return await send({"type": "http.response.body", "body": b""})

    async def write(text):
        if text:
            await send({"type": "http.response.body", "body": text.encode("utf-8"), "more_body": True})

    disconnected = asyncio.Event()
    watcher = asyncio.get_running_loop().create_task(_watch_disconnect(receive, disconnected))
    count = 0
    try:
        await write(writer.begin())
        while papers is not None and not disconnected.is_set():
            # written in a thread: 500 papers of BibTeX take 100-300 ms the event loop owes others
            await write(await asyncio.to_thread(writer.chunk, papers))
            count += len(papers)
            papers = await run_limited(db, source.ms, source.next_chunk)
    except Exception as e:  # the headers are sent: say in the file why it ends here
        await asyncio.sleep(0)  # let the watcher see a disconnection first
        if disconnected.is_set():
            return
        note = _limit_note(e, count, source.ms)
        if note is None:
            sys.stderr.write(f"export failed after {count} papers: {e!r}\n")
            note = f"Incomplete: stopped by a server error after {count:,} papers; this export holds only those."
    finally:
        watcher.cancel()
    if disconnected.is_set():
        return
    await write(writer.end(note or source.note))
    await send({"type": "http.response.body", "body": b""})


async def export(datasette, request, receive, send):
    global _active
    fmt = request.url_vars["format"]
    database = tilde_decode(request.url_vars["database"])
    name = request.url_vars.get("name")
    name = tilde_decode(name) if name else None
    try:
        db = datasette.get_database(database)
    except KeyError:
        return Response.text(f"404: no database named {database}\n", status=404)
    if _active >= MAX_CONCURRENT_EXPORTS:
        return Response.text("503: too many exports running; try again in a few seconds\n", status=503,
                             headers={"retry-after": "5"})
    _active += 1
    try:
        source = await make_source(datasette, db, request, name)
        filename = re.sub(r"[^\w.-]", "_", f"{name or database}.{fmt}")
        await stream_export(db, source, fmt, filename, receive, send, head=request.method == "HEAD")
    except ExportError as e:
        return Response.text(f"{e.status}: {e}\n", status=e.status)
    except QueryInterrupted as e:  # a budget, before any byte is sent
        return Response.text(f"400: {e}\n", status=400)
    except sqlite3.OperationalError as e:  # the query itself is wrong (before any byte is sent)
        if _interrupted(e):
            return Response.text(f"400: the query ran past the SQL time limit ({time_limit_ms(datasette, request)} ms)\n",
                                 status=400)
        return Response.text(f"400: Invalid SQL: {e}\n", status=400)
    finally:
        _active -= 1


@hookimpl
def register_routes():
    formats = "|".join(FORMATS)
    citation = "bib|ris|csljson"
    return [
        (rf"^/-/export/(?P<database>[^/]+)/(?P<name>[^/]+)\.(?P<format>{formats})$", export),
        (rf"^/-/export/(?P<database>[^/]+)\.(?P<format>{formats})$", export),
        # the export links of Datasette's table and query pages (its output renderers)
        (rf"^/(?P<database>[^/-][^/]*)/(?P<name>[^/]+)\.(?P<format>{citation})$", export),
        (rf"^/(?P<database>[^/-][^/]*)\.(?P<format>{citation})$", export),
    ]


# --- what the pages say before the click --------------------------------------------------

def _budget_words() -> str:
    budget = getattr(litdb.serve, "BUDGETS", {}).get("export", {}).get("sql_s")  # plugins/security.py's
    return f", and the whole download within {budget:g} s of SQL" if budget else ""


@hookimpl
def extra_template_vars(template, database, table, columns, request, datasette):
    if template == "search.html":
        # plugins/search.py's downloads are exports of the search's SQL: the same limits
        ms = datasette.setting("sql_time_limit_ms")
        return {"litdb_search_export_note": (
            f"Downloads hold every paper of the search, up to {MAX_QUERY_PAPERS:,}, when the search finishes "
            f"within the SQL time limit ({ms:,} ms){_budget_words()}; a file cut by a limit ends with a note "
            f"saying so.")}
    if template not in ("table.html", "query.html") or not request or not database:
        return {}
    name = table or request.url_vars.get("table")
    is_sql = name is None
    if id_column(columns or [], table, query=template == "query.html") is None:
        return {}
    args = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
            if k not in ("_next", "_size")]
    query = ("?" + urllib.parse.urlencode(args)) if args else ""
    path = f"/-/export/{database}" + ("" if is_sql else f"/{name}")
    links = {label: datasette.urls.path(f"{path}.{fmt}{query}") for fmt, (label, _) in FORMATS.items()}
    ms = datasette.setting("sql_time_limit_ms")
    whole = _budget_words()
    if template == "table.html":
        note = (f"Downloads hold every matching paper, not only the rows shown (this page's .bib, .ris and "
                f".csljson links too). Each step of a download must finish within the SQL time limit "
                f"({ms:,} ms){whole}; a file cut by a limit ends with a note saying so.")
    else:
        note = (f"Downloads hold every paper the query names, up to {MAX_QUERY_PAPERS:,}, when the query "
                f"finishes within the SQL time limit ({ms:,} ms){whole}; a file cut by a limit ends with a "
                f"note saying so.")
    return {"litdb_export": {"links": links, "note": note}}
