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
"""

import asyncio
import json
import re
import sys

import cachetools
import datasette.database
from datasette import hookimpl
from datasette.database import QueryInterrupted, Results

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


def cached(execute, cache: ResultCache, execute_fn=None):

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
        sql = faster_sql(sql)
        key = (sql, json.dumps(params, sort_keys=True, default=str), truncate, custom_time_limit, page_size)
        results = cache.get(key)
        if results is None:
            budget = REQUEST.get()
            try:
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
    """The pages most visitors open first: pay their facet queries once, at start.
    Facets that time out are computed in the background one at a time, so the pages
    are asked for again until every facet on them is in the cache."""
    REQUEST.set(RequestBudget("internal"))  # this task's requests: a budget of their own
    caches = [db.result_cache for db in datasette.databases.values() if hasattr(db, "result_cache")]
    for _ in range(8):
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


@hookimpl
def startup(datasette):
    async def inner():
        for db in datasette.databases.values():
            if not db.is_mutable and db.name != "_internal":
                db.result_cache = ResultCache()
                db.execute = cached(db.execute, db.result_cache, db.execute_fn)

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
            await app(scope, receive, send)

        return warming

    return wrap
