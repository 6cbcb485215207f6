"""A cluster process's SQL on its event loop's thread first (plugins/security.py,
litdb.serve.SQL_ON_LOOP_S): a page's quick queries run there, with no hand-over to a
thread; a query still running after SQL_ON_LOOP_S gives way, runs again in an SQL thread
and gives the same answer; the rest of that request's queries go to the threads; the
loop meanwhile serves others. In-process, on a real Datasette and the seed database."""

import asyncio
import sqlite3
import sys
import threading

import pytest
from datasette.app import Datasette
from datasette.database import QueryInterrupted

from conftest import ROOT, plugin_module

sys.path.insert(0, str(ROOT / "plugins"))
import security  # noqa: E402,F401  (installs the budget on Database.execute_fn)
from litdb import serve  # noqa: E402

# 400,000 steps of a recursive query: ~0.1 s here, far longer than SQL_ON_LOOP_S below
# and far shorter than the time limit, so it is answered, never interrupted by its own limit.
SLOW = ("with recursive c(x) as (select 1 union all select x + 1 from c limit 400000) "
        "select count(*) from c")
SLOW_COUNT = 400000


@pytest.fixture
def database(seed_db, monkeypatch):
    monkeypatch.setattr(serve, "SQL_ON_LOOP_S", 0.01)
    ds = Datasette([], immutables=[str(seed_db)], settings={"num_sql_threads": 2, "sql_time_limit_ms": 20000})
    return ds.get_database("literature")


def run(coroutine_function, budget):
    async def scenario():
        serve.REQUEST.set(budget)
        return await coroutine_function()
    return asyncio.run(scenario())


def thread_and(sql):
    """A function for execute_fn: (the thread it ran on, the query's one value)."""
    return lambda conn: (threading.get_ident(), conn.execute(sql).fetchone()[0])


def test_a_pages_quick_queries_run_on_the_loops_thread(database, monkeypatch):
    monkeypatch.setattr(serve, "SQL_ON_LOOP_S", 5.0)  # however loaded the machine, they are quick enough
    loop_thread = threading.get_ident()  # asyncio.run's loop runs on this thread
    budget = serve.RequestBudget("page")

    async def queries():
        return [await database.execute_fn(thread_and("select count(*) from papers")) for _ in range(3)]

    assert run(queries, budget) == [(loop_thread, 2)] * 3  # the two seed papers
    assert budget.account["queries"] == 3


def test_without_the_setting_every_query_runs_in_a_thread(database, monkeypatch):
    monkeypatch.setattr(serve, "SQL_ON_LOOP_S", 0.0)
    loop_thread = threading.get_ident()

    async def query():
        return await database.execute_fn(thread_and("select 1"))

    thread, value = run(query, serve.RequestBudget("page"))
    assert value == 1 and thread != loop_thread


@pytest.mark.parametrize("kind", ["stream", "export", "internal"])
def test_only_pages_run_on_the_loop(database, kind):
    loop_thread = threading.get_ident()

    async def query():
        return await database.execute_fn(thread_and("select 1"))

    thread, value = run(query, serve.RequestBudget(kind))
    assert value == 1 and thread != loop_thread


def test_a_slow_query_gives_way_and_the_thread_answers_it_and_the_rest(database):
    loop_thread = threading.get_ident()
    budget = serve.RequestBudget("page")

    async def queries():
        return [await database.execute_fn(thread_and(SLOW)), await database.execute_fn(thread_and("select 2"))]

    (slow_thread, count), (next_thread, two) = run(queries, budget)
    assert count == SLOW_COUNT and slow_thread != loop_thread
    assert two == 2 and next_thread != loop_thread  # the request's loop time is spent
    assert budget.account["on_loop_s"] == serve.SQL_ON_LOOP_S


def test_datasettes_execute_gives_way_too_and_returns_every_row(database):
    budget = serve.RequestBudget("page")

    async def query():
        return await database.execute(SLOW)

    assert [tuple(row) for row in run(query, budget).rows] == [(SLOW_COUNT,)]
    assert budget.account["on_loop_s"] == serve.SQL_ON_LOOP_S


def test_what_a_function_returns_after_catching_its_interruption_is_not_used(database):
    """A function that catches the interruption (as Datasette's count and facet code
    catch QueryInterrupted) would return less than the answer: it runs again whole."""
    def count_or_give_up(conn):
        try:
            return conn.execute(SLOW).fetchone()[0]
        except sqlite3.OperationalError:
            return "gave up"

    async def query():
        return await database.execute_fn(count_or_give_up)

    assert run(query, serve.RequestBudget("page")) == SLOW_COUNT


def test_a_querys_own_shorter_limit_still_interrupts_it(database, monkeypatch):
    """A limit shorter than the loop's time (a facet's, say) is the query's own: it is
    interrupted, not run again."""
    monkeypatch.setattr(serve, "SQL_ON_LOOP_S", 5.0)
    budget = serve.RequestBudget("page")

    async def query():
        return await database.execute(SLOW.replace("400000", "100000000"), custom_time_limit=50)

    with pytest.raises(QueryInterrupted):
        run(query, budget)
    assert budget.account["queries"] == 1


def test_the_loop_serves_others_while_a_slow_query_runs_in_its_thread(database):
    """What matters to a cluster process: once the slow query has given way, the loop
    is free; a timer due 1 ms later fires long before the query's answer comes."""
    events = []

    async def both():
        async def slow():
            await database.execute_fn(thread_and(SLOW))
            events.append("slow query answered")

        async def other():
            await asyncio.sleep(0.001)
            events.append("the loop ran something else")

        await asyncio.gather(slow(), other())
        return events

    assert run(both, serve.RequestBudget("page")) == ["the loop ran something else", "slow query answered"]


def test_the_facet_shortcuts_rowid_query_gives_way_too(database):
    """plugins/cache.py finds a table page's rows with its own query and time limit: that
    one gives way on the loop as Datasette's do."""
    cache_plugin = plugin_module("cache")
    shortcut = cache_plugin.FacetShortcut(database, "papers", [], [])
    budget = serve.RequestBudget("page")

    async def rowids():
        found = await shortcut.query_rowids(f"select rowid from papers where ({SLOW}) = {SLOW_COUNT} order by rowid", None)
        return list(found)

    assert run(rowids, budget) == [1, 2]  # the two seed papers
    assert budget.account["on_loop_s"] == serve.SQL_ON_LOOP_S
