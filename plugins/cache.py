"""Query results cache for immutable databases.

The published file never changes while it is served (-i), so the answer to the same
SQL with the same parameters never changes either: facet counts over 100,000 papers
are computed once, not on every page view. The cache is bounded by what it really
holds (the memory of its results as Python measures it, and their number) and drops
the least recently used results first. Errors and time-outs are never cached, nor the
pages of a stream.

A facet that runs past the facet time limit is computed once more in the
background under a longer limit, drawn from the budget of the request that asked for
it (plugins/security.py); once it is cached every later page shows it. Only one such
computation runs at a time (others are simply not started), never for a filtered page
(_where, _search, column filters), so visitors cannot pile up background work.

Datasette 0.65's array facet removes repeated values within a row with
``select distinct j.value, inner.*``, which sorts every whole row (abstract
included): 1.3 s for the authors of 10,000 papers. The same counts come from
de-duplicating each row's small array on its own, 25 times faster; that query is
swapped in for it.

On the table pages of papers (FACETED_TABLES), the count and the facets come from the
facet columns held in memory (litdb/facets.py): the page's rows are found once, by a
query of their rowids with the page's own WHERE clause, and every facet is counted from
them. This reads three texts of Datasette 0.65's table view (views/table.py and
facets.py): `select count(*) from <table> where ...`, the column facet's query and the
array facet's (ARRAY_FACET), each with the page's `select <columns> from <table>
<where>` inside. It is used only on those tables' own pages (TABLE_PAGE), where
Datasette wrote the SQL; a query typed in the SQL editor always runs as written.
"""

import asyncio
import contextvars
import gc
import json
import os
import pickle
import re
import sqlite3
import sys
from array import array
from pathlib import Path

import cachetools
import datasette.database
from datasette import hookimpl
from datasette.database import QueryInterrupted, Results

from litdb.facets import read_facet_columns
import litdb.serve
from litdb.serve import REQUEST, RequestBudget

MAX_BYTES = 64 * 1024 * 1024  # all cached results together, as Python objects in memory
MAX_RESULT_BYTES = 1024 * 1024  # one result; larger ones are not kept
MAX_ENTRIES = 4096  # results kept, whatever their size (a zero-row result is not free)
BACKGROUND_LIMIT_MS = 30_000  # for a facet computed once more in the background
WARM_PAGES = ["/", "/literature/papers", "/literature/paper_references"]


def _size(key, results) -> int:
    """The memory one cached result holds, in bytes, as Python counts it: the key (its
    SQL text and parameters), the row list, each row, its values (a multi-byte string
    takes 2 or 4 bytes a character) and the column description. Shared small values
    (ints, None) are counted every time: an overestimate, never an underestimate."""
    getsizeof = sys.getsizeof
    parts = key if isinstance(key, tuple) else (key,)
    size = ENTRY_OVERHEAD + sum(getsizeof(part) for part in parts) + getsizeof(results.rows)
    for row in results.rows:
        values = tuple(row)
        size += getsizeof(row) + getsizeof(values) + sum(getsizeof(v) for v in values)
    for column in getattr(results, "description", None) or ():
        size += getsizeof(column) + sum(getsizeof(part) for part in column)
    return size


# The Results object, the entry's tuple and its slots in the cache's dictionaries.
ENTRY_OVERHEAD = 400


class ResultCache:
    """Results by key, least recently used dropped first (cachetools' LRUCache, sized by
    _size), at most max_bytes in all and max_entries results."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_entries: int = MAX_ENTRIES):
        self.entries = cachetools.LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry[1])
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self.hits = self.misses = 0
        self.pending: set = set()  # keys being computed in the background

    @property
    def bytes(self) -> int:
        return self.entries.currsize

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None:
            self.hits += 1
            return entry[0]
        self.misses += 1
        return None

    def put(self, key, results) -> None:
        size = _size(key, results)
        if size > MAX_RESULT_BYTES or size > self.max_bytes:
            return
        self.entries[key] = (results, size)  # drops the least recently used to make room
        while len(self.entries) > self.max_entries:
            self.entries.popitem()


ARRAY_FACET = re.compile(
    r"^\s*with inner as \((?P<sql>.*)\),\s*deduped_array_items as \(\s*select\s+distinct j\.value,\s+inner\.\*"
    r"\s+from\s+json_each\(\[inner\]\.(?P<col>\[[^\]]+\]|\w+)\) j\s+join inner\s*\)\s*select\s+value as value,"
    r"\s+count\(\*\) as count\s+from\s+deduped_array_items\s+group by\s+value\s+order by\s+count\(\*\) desc, "
    r"value limit (?P<limit>\d+)\s*$",
    re.S,
)
FAST_ARRAY_FACET = """with inner as ({sql}),
deduped as (select (select json_group_array(distinct j.value) from json_each(inner.{col}) j) as items from inner)
select j.value as value, count(*) as count from deduped, json_each(deduped.items) j
group by j.value order by count(*) desc, value limit {limit}"""


def faster_sql(sql: str) -> str:
    """The array facet query with the same results, computed per row (see above)."""
    m = ARRAY_FACET.match(sql)
    return FAST_ARRAY_FACET.format(**m.groupdict()) if m else sql


# --- facets counted from memory ---------------------------------------------------------

FACETED_TABLES = ("papers",)  # the table whose pages visitors filter and search most
MATCHING_ROWIDS_BYTES = 16 * 1024 * 1024  # the rowids of recent pages' rows, 8 bytes each
# The page being answered is a table page of one of FACETED_TABLES (set by asgi_wrapper).
TABLE_PAGE = contextvars.ContextVar("litdb_table_page", default=None)
TABLE_PATH = re.compile(r"^/[^/]+/(?P<table>[^/.]+)(\.(json|csv))?$")

NAME = r"(?:\[[^\]]*\]|\w+)"
INNER = re.compile(rf"^\s*select (?P<columns>{NAME}(?:, {NAME})*) from (?P<table>{NAME})(?:\s+(?P<where>where .*?))?\s*$",
                   re.S)
COUNT = re.compile(rf"^select count\(\*\) from (?P<table>{NAME}) (?P<where>where .*)$", re.S)
COLUMN_FACET = re.compile(
    r"^\s*select (?P<col>\S+) as value, count\(\*\) as count from \(\s*(?P<sql>.*?)\s*\)\s*"
    r"where (?P=col) is not null\s*group by (?P=col) order by count desc, value limit (?P<limit>\d+)\s*$",
    re.S,
)
_ROW_SHAPE = sqlite3.connect(":memory:", check_same_thread=False).execute("select 1 as value, 1 as count")


def unquoted(name: str) -> str:
    return name[1:-1] if name.startswith("[") else name


def facet_question(sql: str, table: str):
    """(kind, column, where, limit) when sql is one of the table view's count or facet
    queries of this table: kind "count" (column and limit None), "column" or "array"."""
    m = COUNT.match(sql)
    if m:
        return ("count", None, m["where"].strip(), None) if unquoted(m["table"]) == table else None
    kind, m = "column", COLUMN_FACET.match(sql)
    if m is None:
        kind, m = "array", ARRAY_FACET.match(sql)
    inner = m and INNER.match(m["sql"])
    if not inner or unquoted(inner["table"]) != table:
        return None
    column = unquoted(m["col"])
    if column not in {unquoted(c) for c in inner["columns"].split(", ")}:
        return None  # the query asks for a column its rows do not have: SQLite says so
    return kind, column, inner["where"] or "", int(m["limit"])


def shared_facet_columns(conn, table: str, scalar: list[str], arrays: list[str]):
    """read_facet_columns, or the copy another process of the same cluster kept in
    litdb.serve.SHARED_FOLDER after reading them (0.03 s to load instead of 1 s to read
    here). Pickle, because the folder is the cluster's own (made by its supervisor for
    this database and code) and only its processes write there; a copy that cannot be
    read is read again from the database."""
    folder = litdb.serve.SHARED_FOLDER
    if folder is None:
        return read_facet_columns(conn, table, scalar, arrays)
    path = Path(folder) / f"facet-columns-{table}.pickle"
    wanted = (table, scalar, arrays)
    try:
        with open(path, "rb") as file:
            kept, columns = pickle.load(file)
        if kept == wanted:
            return columns
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        pass
    columns = read_facet_columns(conn, table, scalar, arrays)
    partial = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        with open(partial, "wb") as file:
            pickle.dump((wanted, columns), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)  # whole or not at all, for a process reading it meanwhile
    except OSError:  # not kept (a full disk, say): the next process reads them too
        partial.unlink(missing_ok=True)
    return columns


class FacetShortcut:
    """The count and facets of a table page of a faceted table, from memory."""

    def __init__(self, db, table: str, scalar: list[str], arrays: list[str]):
        self.db, self.table, self.scalar, self.arrays = db, table, scalar, arrays
        self.columns = None  # litdb.facets.FacetColumns, once read
        self.matching = cachetools.LRUCache(maxsize=MATCHING_ROWIDS_BYTES, getsizeof=lambda ids: 64 + 8 * len(ids))
        self.in_progress: dict = {}  # key: the task finding those rowids (a page's facets ask at once)

    async def read(self) -> None:
        if self.columns is None:
            self.columns = await self.db.execute_fn(
                lambda conn: shared_facet_columns(conn, self.table, self.scalar, self.arrays))

    async def answer(self, sql: str, params, custom_time_limit):
        """Results for sql, or None when it is not a question this can answer."""
        if self.columns is None or TABLE_PAGE.get() != self.table:
            return None
        question = facet_question(sql, self.table)
        if question is None:
            return None
        kind, column, where, limit = question
        if kind != "count" and not self.columns.holds(kind, column):
            return None
        rowids = await self.cached_rowids(f"select rowid from [{self.table}] {where}", params, custom_time_limit)
        if rowids is None:
            return None
        if kind == "count":
            return Results([(len(rowids),)], False, (("count(*)",) + (None,) * 6,))
        try:
            counts = self.columns.counts(kind, column, rowids, limit)
        except (IndexError, TypeError):  # not rowids of this table: let SQLite answer
            return None
        return Results([sqlite3.Row(_ROW_SHAPE, item) for item in counts], False, _ROW_SHAPE.description)

    async def cached_rowids(self, sql: str, params, custom_time_limit=None):
        """query_rowids, each answer kept (MATCHING_ROWIDS_BYTES in all) and computed once
        however many ask for it at the same moment."""
        key = (sql, json.dumps(params, sort_keys=True, default=str))
        found = self.matching.get(key)
        if found is not None:
            return found
        task = self.in_progress.get(key)
        if task is None:
            task = self.in_progress[key] = asyncio.ensure_future(self.query_rowids(sql, params, custom_time_limit))
            task.add_done_callback(lambda _: self.in_progress.pop(key, None))
        found = await asyncio.shield(task)
        if found is not None:
            self.matching[key] = found
        return found

    async def query_rowids(self, sql: str, params, custom_time_limit=None):
        """The rowids sql selects (its one column), as an array; None when SQLite refuses
        the query; QueryInterrupted past the time limit, as Database.execute."""
        limit_ms = self.db.ds.sql_time_limit_ms
        if custom_time_limit and custom_time_limit < limit_ms:
            limit_ms = custom_time_limit

        def run(conn):
            with datasette.database.sqlite_timelimit(conn, limit_ms):  # plugins/security.py's, at call time
                cursor = conn.cursor()
                cursor.row_factory = None  # plain tuples; at most 8 bytes a row of the table
                try:
                    return array("q", (row[0] for row in cursor.execute(sql, params if params is not None else {})))
                except sqlite3.OperationalError as e:
                    if e.args == ("interrupted",):
                        raise QueryInterrupted(e, sql, params)
                    return None  # SQLite will say what is wrong with the page's own query
                except (sqlite3.DatabaseError, TypeError, OverflowError):
                    return None

        return await self.db.execute_fn(run)


def cached(execute, cache: ResultCache, execute_fn=None, shortcuts=()):

    async def compute_in_background(key, sql, params, budget):
        if budget is not None:
            # This task's own context: its queries draw on the request's budget, and
            # count as expensive work (plugins/security.py).
            REQUEST.set(budget.child())
        try:
            def run(conn):
                with datasette.database.sqlite_timelimit(conn, BACKGROUND_LIMIT_MS):
                    cursor = conn.execute(sql, params if params is not None else {})
                    return Results(cursor.fetchall(), False, cursor.description)

            cache.put(key, await execute_fn(run))
        except Exception:  # still too slow, or failed: the facet stays "timed out"
            pass
        finally:
            cache.pending.discard(key)

    async def execute_cached(sql, params=None, truncate=False, custom_time_limit=None, page_size=None,
                             log_sql_errors=True):
        asked, sql = sql, faster_sql(sql)
        key = (sql, json.dumps(params, sort_keys=True, default=str), truncate, custom_time_limit, page_size)
        results = cache.get(key)
        if results is None:
            budget = REQUEST.get()
            try:
                for shortcut in shortcuts:
                    results = await shortcut.answer(asked, params, custom_time_limit)
                    if results is not None:
                        break
                else:
                    results = await execute(sql, params, truncate=truncate, custom_time_limit=custom_time_limit,
                                            page_size=page_size, log_sql_errors=log_sql_errors)
            except QueryInterrupted:
                is_facet = custom_time_limit is not None and not truncate
                # Not for one visitor's filtered page (_where, _search, column filters):
                # nobody else will ask for it again.
                wanted = budget is None or not budget.filtered
                if is_facet and wanted and execute_fn and not cache.pending:
                    cache.pending.add(key)
                    asyncio.get_running_loop().create_task(compute_in_background(key, sql, params, budget))
                raise
            if budget is None or budget.kind not in ("stream", "export"):  # their pages would only push others out
                cache.put(key, results)
        return results

    return execute_cached


async def warm(datasette) -> None:
    """The facet columns, then the pages most visitors open first (unless
    litdb.serve.WARM_PAGES is off): pay their facet queries once, at start. Facets that
    time out are computed in the background one at a time, so the pages are asked for
    again until every facet on them is in the cache."""
    REQUEST.set(RequestBudget("internal"))  # this task's requests: a budget of their own
    for db in datasette.databases.values():
        for shortcut in getattr(db, "facet_shortcuts", ()):
            try:
                await shortcut.read()
            except Exception:  # not read: that table's facets stay queries
                pass
    caches = [db.result_cache for db in datasette.databases.values() if hasattr(db, "result_cache")]
    for _ in range(8 if litdb.serve.WARM_PAGES else 0):
        misses = sum(c.misses for c in caches)
        for path in WARM_PAGES:
            try:
                await datasette.client.get(path)
            except Exception:  # a failed warm-up only means a slower first visit
                pass
        while any(c.pending for c in caches):
            await asyncio.sleep(0.1)
        if sum(c.misses for c in caches) == misses:
            break  # everything those pages ask for came from the cache
    # What starting and warming made (Datasette, the plugins, templates, styles, the
    # warm pages' results) lives as long as the process: out of the collector's sight
    # from now on. A full collection under load took up to 155 ms, the loop stopped
    # meanwhile; 40 ms after this (600 pages of the load test's mix in one process).
    gc.collect()
    gc.freeze()


def facet_shortcut(datasette, db, table: str):
    """The table's FacetShortcut over the facets its metadata declares, if it has any."""
    scalar, arrays = [], []
    for facet in datasette.table_metadata(db.name, table).get("facets") or []:
        if isinstance(facet, str):
            scalar.append(facet)
        elif isinstance(facet, dict) and isinstance(facet.get("array"), str):
            arrays.append(facet["array"])
        elif isinstance(facet, dict) and isinstance(facet.get("column") or facet.get("simple"), str):
            scalar.append(facet.get("column") or facet.get("simple"))
    return FacetShortcut(db, table, scalar, arrays) if scalar or arrays else None


@hookimpl
def startup(datasette):
    async def inner():
        for db in datasette.databases.values():
            if not db.is_mutable and db.name != "_internal":
                db.result_cache = ResultCache()
                db.facet_shortcuts = [shortcut for table in FACETED_TABLES
                                      if (shortcut := facet_shortcut(datasette, db, table))]
                db.execute = cached(db.execute, db.result_cache, db.execute_fn, db.facet_shortcuts)

    return inner


@hookimpl
def asgi_wrapper(datasette):
    """Warm the cache in the event loop that serves: `datasette serve` runs the
    startup hooks in a loop of their own, before the server starts."""

    def wrap(app):
        async def warming(scope, receive, send):
            if scope["type"] == "lifespan" and not getattr(datasette, "_litdb_warming", False):
                datasette._litdb_warming = True
                asyncio.get_running_loop().create_task(warm(datasette))
            page = TABLE_PATH.match(scope.get("path", "")) if scope["type"] == "http" else None
            if page and page["table"] in FACETED_TABLES:
                token = TABLE_PAGE.set(page["table"])
                try:
                    await app(scope, receive, send)
                finally:
                    TABLE_PAGE.reset(token)
            else:
                await app(scope, receive, send)

        return warming

    return wrap
