"""The results cache of plugins/cache.py: bounded in bytes, least recently used first."""

import asyncio

from conftest import plugin_module

cache_plugin = plugin_module("cache")


class Results:
    def __init__(self, rows):
        self.rows = rows


def test_same_query_runs_once():
    calls = []

    async def execute(sql, params=None, **kwargs):
        calls.append((sql, params))
        return Results([(len(calls),)])

    cache = cache_plugin.ResultCache()
    execute_cached = cache_plugin.cached(execute, cache)
    first = asyncio.run(execute_cached("select 1", {"a": 1}))
    again = asyncio.run(execute_cached("select 1", {"a": 1}))
    other = asyncio.run(execute_cached("select 1", {"a": 2}))
    assert first is again and other.rows == [(2,)]
    assert len(calls) == 2 and (cache.hits, cache.misses) == (1, 2)


def test_errors_are_not_cached():
    calls = []

    async def execute(sql, params=None, **kwargs):
        calls.append(sql)
        raise RuntimeError("interrupted")

    execute_cached = cache_plugin.cached(execute, cache_plugin.ResultCache())
    for _ in range(2):
        try:
            asyncio.run(execute_cached("select slow()"))
        except RuntimeError:
            pass
    assert calls == ["select slow()", "select slow()"]


def test_bounded_in_bytes_least_recently_used_first():
    # each entry, as Python holds it (string, row, key, bookkeeping): ~1.5 KB
    cache = cache_plugin.ResultCache(max_bytes=5000)
    for n in range(5):
        cache.put(n, Results([("x" * 900,)]))
        cache.get(0)  # 0 stays in use
    assert cache.bytes <= 5000
    assert set(cache.entries) == {0, 3, 4}  # 1 and 2 went first; 0, always in use, stays
    cache.put("huge", Results([("x" * (2 * 1024 * 1024),)]))
    assert "huge" not in cache.entries


def test_facet_that_times_out_is_computed_once_in_the_background_one_at_a_time():
    import pytest
    from datasette.database import QueryInterrupted, Results as DatasetteResults

    runs, release = [], None

    async def execute(sql, params=None, **kwargs):
        raise QueryInterrupted(Exception("interrupted"), sql, params)

    async def execute_fn(fn):
        runs.append(fn)
        await release.wait()
        return DatasetteResults([("Cerebellum", 2)], False, [("value",), ("count",)])

    async def until(condition):
        """Let the event loop run (the background task) until condition() holds: a
        task's progress, polled, not a wait of some milliseconds."""
        for _ in range(1000):
            if condition():
                return
            await asyncio.sleep(0)
        raise AssertionError("the background task never got there")

    async def scenario():
        nonlocal release
        release = asyncio.Event()
        cache = cache_plugin.ResultCache()
        execute_cached = cache_plugin.cached(execute, cache, execute_fn)
        with pytest.raises(QueryInterrupted):
            await execute_cached("select facet", None, custom_time_limit=500)
        await until(lambda: len(runs) == 1)  # started in the background, waiting for release
        with pytest.raises(QueryInterrupted):
            await execute_cached("select facet where year = :p0", {"p0": "2014"}, custom_time_limit=500)
        for _ in range(20):  # every chance to start a second one
            await asyncio.sleep(0)
        assert len(runs) == 1 and len(cache.pending) == 1  # the second was not started while the first ran
        release.set()
        await until(lambda: not cache.pending)
        whole = await execute_cached("select facet", None, custom_time_limit=500)
        with pytest.raises(QueryInterrupted):  # its turn now
            await execute_cached("select facet where year = :p0", {"p0": "2014"}, custom_time_limit=500)
        await until(lambda: not cache.pending)
        filtered = await execute_cached("select facet where year = :p0", {"p0": "2014"}, custom_time_limit=500)
        return whole, filtered

    whole, filtered = asyncio.run(scenario())
    assert whole.rows == filtered.rows == [("Cerebellum", 2)]
    assert len(runs) == 2


def test_array_facet_query_is_swapped_for_a_faster_one_with_the_same_counts(tmp_path):
    """Datasette's own facet SQL and ours give the same counts, repeated values included."""
    import sqlite3
    from datasette.facets import ArrayFacet

    facet_sql = None

    class Capture:
        def setting(self, name):
            return 500

        async def execute(self, database, sql, params, **kwargs):
            nonlocal facet_sql
            facet_sql = sql
            raise RuntimeError("captured")

    # Datasette builds the query inside facet_results(); capture it exactly as it is sent.
    facet = ArrayFacet.__new__(ArrayFacet)
    facet.ds, facet.database, facet.sql, facet.params = Capture(), "db", "select * from t", []
    facet.get_configs = lambda: [{"config": {"simple": "tags"}, "source": "request"}]
    facet.get_facet_size = lambda: 30
    try:
        asyncio.run(facet.facet_results())
    except RuntimeError:
        pass
    assert cache_plugin.faster_sql(facet_sql) != facet_sql
    conn = sqlite3.connect(tmp_path / "t.db")
    conn.execute("create table t (id integer primary key, tags text)")
    conn.executemany("insert into t (tags) values (?)", [
        ('["a", "b", "a"]',), ('["b"]',), ('[]',), ('["c", "a"]',), ('[1, "1"]',), ('["b"]',)])
    expected = [("b", 3), ("a", 2), (1, 1), ("1", 1), ("c", 1)]  # per row, a value counts once
    assert conn.execute(facet_sql).fetchall() == expected
    assert conn.execute(cache_plugin.faster_sql(facet_sql)).fetchall() == expected
