"""Hostile visitors, round two (issue 14): requests that would cost the site more than
their share. Each class of attack with variants, through the real server; then an
attacker and an ordinary visitor at the same time: the visitor gets no error. No
wall-clock assertions here: latency goals are measured by scripts/attack_load.py.

The budget, the gate, the cache and the stream guard are also tested in-process, on
the plugin modules themselves."""

import asyncio
import json
import re
import socket
import sqlite3
import sys
import threading
import urllib.parse

import pytest

from conftest import ROOT, plugin_module
from test_security import fetch, rss_kb, sql, RUNAWAY

sys.path.insert(0, str(ROOT / "plugins"))
import security  # noqa: E402
from litdb import serve  # noqa: E402

cache_plugin = plugin_module("cache")

SPACE_RUN = "400: SQL may not have more than 256 characters of white space in a row before its first keyword\n"
COSTLY_WHERE = ("(select count(*) from (" + RUNAWAY + "select x from c limit 100000000)) > 0")


# --- 1. the quadratic SELECT check ------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "/* a */" + " " * 12_000 + "select 1",
    "/* a */" + " " * 12_000 + "x",
    "/* a */" + "\n" * 4_000 + "with x as (select 1) select * from x",
    "/* a */" + "\t" * 5_000 + "explain select 1",
    "/* a */ /* b */" + " \r\n" * 1_500 + "select 1",
    "-- a\n/* b */" + " " * 300 + "select 1",
    "/* a */" + "\u2003" * 1_500 + "select 1",  # Unicode white space: the regular expression's \s
])
def test_long_white_space_before_the_first_keyword_is_refused_before_datasette(server, query):
    path = "/literature.json?" + urllib.parse.urlencode({"sql": query})
    status, _, body = fetch(server, path)
    assert (status, body) == (400, SPACE_RUN)


def test_many_comments_before_the_first_keyword_are_refused(server):
    query = "/* a */ " * 600 + "select 1"
    status, _, body = fetch(server, "/literature.json?" + urllib.parse.urlencode({"sql": query}))
    assert (status, body) == (400, "400: SQL may not have more than 4096 characters of comments "
                                   "before its first keyword\n")


@pytest.mark.parametrize("query", [
    "/* a */" + " " * 256 + "select 1 as one",
    "select 1 as one" + " " * 10_000,  # white space after the keyword costs nothing
    "-- " + "x" * 5_000 + "\nselect 1 as one",  # Datasette drops -- lines before its check
])
def test_ordinary_sql_with_comments_and_space_is_answered(server, query):
    status, body = sql(server, query, _shape="array")
    assert (status, body) == (200, [{"one": 1}])


def test_sql_prefix_check():
    assert security.sql_prefix_problem("/* x */" + " " * 256 + "select 1") is None
    assert security.sql_prefix_problem("/* x */" + " " * 257 + "select 1") == (
        "SQL may not have more than 256 characters of white space in a row before its first keyword")
    assert security.sql_prefix_problem("/* x */ " * 600 + "select 1") == (
        "SQL may not have more than 4096 characters of comments before its first keyword")
    assert security.sql_prefix_problem("/* never closed" + " " * 10_000) is None  # refused at once by Datasette
    assert security.sql_prefix_problem("select" + " " * 10_000 + "1") is None


# --- 2. facet and parameter amplification -----------------------------------------------------

def facets_of(server, query):
    status, _, body = fetch(server, "/literature/papers.json?" + query)
    assert status == 200, body[:300]
    return sorted(json.loads(body)["facet_results"])


def test_repeated_facets_run_once(server):
    assert facets_of(server, "_facet=journal_id&" * 30 + "_size=1") == facets_of(server, "_facet=journal_id&_size=1")
    assert facets_of(server, "_facet_array=topics&" * 30 + "_facet=year&" * 5) == \
        facets_of(server, "_facet_array=topics&_facet=year")


@pytest.mark.parametrize("query", [
    "&".join(f"_facet={c}" for c in ["year", "journal_id", "title", "doi", "pmid", "abstract"]),
    "&".join(f"_facet_array={c}" for c in ["topics", "keywords", "a", "b", "c", "d"]),
    "_facet=year&_facet_array=topics&_facet_date=a&_facet=b&_facet=c&_facet=d",
])
def test_more_than_five_distinct_facets_are_refused(server, query):
    status, _, body = fetch(server, "/literature/papers.json?" + query)
    assert (status, body) == (400, "400: at most 5 _facet parameters\n")


def test_too_many_parameters_or_too_long_values_are_refused(server):
    many = "&".join(f"p{i}=1" for i in range(65))
    assert fetch(server, "/literature/papers?" + many)[:3:2] == (400, "400: more than 64 query-string parameters\n")
    repeated = "&".join("p=1" for _ in range(500))  # the same pair 500 times is one parameter
    assert fetch(server, "/literature/papers.json?_size=1&" + repeated)[0] == 200
    status, _, body = fetch(server, "/literature/papers?_search=" + "a" * 5000)
    assert (status, body) == (400, "400: _search: value longer than 4096 bytes\n")
    status, _, body = fetch(server, "/literature/papers?" + "n" * 300 + "=1")
    assert (status, body) == (400, "400: a parameter name is longer than 256 bytes\n")


def test_a_stream_pages_by_the_largest_page_whatever_size_is_asked():
    pairs = security.checked_parameters([("_stream", "on"), ("_size", "1"), ("_size", "2")])
    assert pairs == [("_stream", "on"), ("_size", "max")]


# --- 3. malformed input: 400 with a message, never 500 -----------------------------------------

@pytest.mark.parametrize("path, message", [
    ("/literature/disagreements.json?_next=abc", "invalid literal for int() with base 10: 'abc'"),
    ("/literature/disagreements.json?_next=1.5", "invalid literal for int() with base 10: '1.5'"),
    ("/literature/journals.bib", None),
    ("/literature/journals.ris", None),
    ("/literature/paper_authors/abc.json", None),
    ("/literature/paper_references/x.json", None),
])
def test_malformed_urls_are_400s_with_a_message(server, path, message):
    status, headers, body = fetch(server, path)
    assert status == 400, body[:300]
    if path.endswith(".json"):
        error = json.loads(body)["error"]
        assert error.startswith("This URL asks for something this page cannot give")
        if message:
            assert message in error
    assert "Traceback" not in body and "/work/" not in body


@pytest.mark.parametrize("query", ["year__in=[1,2", "year__in=[", "year__notin=[1,", "year__in=[1]]", 'year__in=["a'])
def test_unclosed_in_lists_are_400s(server, query):
    name = query.split("=")[0]
    status, _, body = fetch(server, "/literature/papers.json?" + urllib.parse.quote(query, safe="=_"))
    assert (status, body) == (400, f"400: {name}: a list must be JSON, like [1, 2], or comma-separated: 1,2\n")


def test_well_formed_in_lists_still_work(server):
    for query in ["year__in=[2014,2015]", "year__in=2014,2015"]:
        status, _, body = fetch(server, "/literature/papers.json?_shape=array&" + query)
        assert status == 200, body[:200]


# --- 4. no absolute paths, no reflected Host ----------------------------------------------------

def test_no_absolute_paths_in_any_response(server, seed_db):
    folder = str(seed_db.parent)
    for path in ["/-/databases.json", "/-/databases", "/literature.json?sql=select+*+from+pragma_database_list",
                 "/literature?sql=select+*+from+pragma_database_list", "/literature.json", "/-/versions.json",
                 "/literature/journals.bib", "/nope", "/literature.json?sql=select+file+from+pragma_database_list"]:
        status, _, body = fetch(server, path)
        assert status < 500 and folder not in body and str(ROOT) not in body, path
    [db] = json.loads(fetch(server, "/-/databases.json")[2])
    assert db["path"] == "literature.db"
    status, body = sql(server, "select file from pragma_database_list", _shape="array")
    assert body == [{"file": "literature.db"}]


@pytest.mark.parametrize("path", ["/-/threads", "/-/threads.json", "/-/threads/"])
def test_threads_page_is_not_published(server, path):
    assert fetch(server, path)[0] == 404


def test_links_come_from_the_public_url_not_the_host_header(server):
    status, headers, body = fetch(server, "/literature/papers.json?_size=1&_sort=title&_nocount=%22%3E%3Cb%3E",
                                     headers={"Host": "evil.example"})
    assert status == 200
    next_url = json.loads(body)["next_url"]
    assert next_url.startswith(server + "/literature/papers.json?")
    assert "evil.example" not in next_url and "<b>" not in next_url and '"' not in next_url
    assert "_nocount=%22%3E%3Cb%3E" in next_url  # reflected percent-encoded, never raw
    assert headers["link"] == f'<{next_url}>; rel="next"'
    status, headers, body = fetch(server, "/literature/papers?_size=1", headers={"Host": "evil.example"})
    assert "evil.example" not in body and "evil.example" not in headers.get("link", "")


# --- 5. the budget of a request, in-process ------------------------------------------------------

class FakeDatasette:
    databases = {"literature": object()}


def run_with_budget(seed_db, budget, queries):
    """Run queries through a real Database of Datasette, under budget; returns outcomes."""
    from datasette.app import Datasette

    ds = Datasette([], immutables=[str(seed_db)], settings={"num_sql_threads": 2, "sql_time_limit_ms": 300})
    db = ds.get_database("literature")

    async def scenario():
        serve.REQUEST.set(budget)
        outcomes = []
        for query in queries:
            try:
                await db.execute(query)
                outcomes.append("ok")
            except security.BudgetExceeded as e:
                outcomes.append(str(e))
            except Exception as e:  # QueryInterrupted
                outcomes.append(type(e).__name__)
        return outcomes

    return asyncio.run(scenario())


def test_a_request_that_used_its_budget_runs_no_more_queries(seed_db):
    budget = serve.RequestBudget("page")
    budget.sql_s = 0.5
    outcomes = run_with_budget(seed_db, budget, [RUNAWAY + "select count(*) from c"] * 3 + ["select 1"])
    # the first two are interrupted by Datasette's 300 ms limit; then 0.6 s is spent
    assert outcomes == ["QueryInterrupted", "QueryInterrupted",
                        "query not run: more than 0.5 s of SQL for one request",
                        "query not run: more than 0.5 s of SQL for one request"]
    assert budget.account["queries"] == 2


def test_queries_per_request_are_counted_and_capped(seed_db):
    budget = serve.RequestBudget("page")
    budget.max_queries = 3
    outcomes = run_with_budget(seed_db, budget, ["select 1"] * 5)
    assert outcomes == ["ok", "ok", "ok"] + ["query not run: more than 3 queries for one request"] * 2


def test_background_work_draws_on_the_same_account():
    parent = serve.RequestBudget("page", filtered=False)
    child = parent.child()
    child.charge(2.5)
    assert child.expensive and parent.remaining_s() == pytest.approx(0.5)
    parent.account["disconnected"] = True
    assert child.refusal() == "the client has gone"


@pytest.mark.parametrize("query, expensive, filtered, kind", [
    ("", False, False, "page"),
    ("_shape=array", False, False, "page"),
    ("_facet=year", True, False, "page"),
    ("_where=1", True, True, "page"),
    ("_search=x", True, True, "page"),
    ("year=2014", True, True, "page"),
    ("sql=select+1", True, False, "page"),
    ("_stream=on", True, False, "stream"),
])
def test_requests_are_classified(query, expensive, filtered, kind):
    budget = security.classify("/literature/papers", urllib.parse.parse_qsl(query))
    assert (budget.expensive, budget.filtered, budget.kind) == (expensive, filtered, kind)


def test_no_background_recomputation_for_filtered_requests():
    from datasette.database import QueryInterrupted

    started = []

    async def execute(sql, params=None, **kwargs):
        raise QueryInterrupted(Exception("interrupted"), sql, params)

    async def execute_fn(fn):
        started.append(fn)

    async def scenario(budget):
        serve.REQUEST.set(budget)
        execute_cached = cache_plugin.cached(execute, cache_plugin.ResultCache(), execute_fn)
        with pytest.raises(QueryInterrupted):
            await execute_cached("select facet", None, custom_time_limit=500)
        await asyncio.sleep(0.01)

    asyncio.run(scenario(serve.RequestBudget("page", expensive=True, filtered=True)))
    assert started == []
    asyncio.run(scenario(serve.RequestBudget("page", expensive=True, filtered=False)))
    assert len(started) == 1


# --- 6. the cache holds what it says --------------------------------------------------------------

class Results:
    def __init__(self, rows, description=()):
        self.rows, self.description = rows, description


def test_zero_row_results_take_room():
    cache = cache_plugin.ResultCache(max_bytes=10_000)
    for n in range(100):
        cache.put(("select nothing", str(n)), Results([]))
    assert 0 < len(cache.entries) < 100  # each empty result counts several hundred bytes
    assert cache.bytes <= 10_000


def test_sizes_are_memory_not_characters():
    ascii_size = cache_plugin._size(("k",), Results([("a" * 10_000,)]))
    wide_size = cache_plugin._size(("k",), Results([("\U0001F600" * 10_000,)]))  # 4 bytes a character
    assert ascii_size > 10_000 and wide_size > 40_000
    assert cache_plugin._size(("k" * 16_000,), Results([])) > 16_000  # the SQL in the key counts too


def test_entry_count_is_capped_least_recently_used_first():
    cache = cache_plugin.ResultCache(max_entries=3)
    for n in range(5):
        cache.put(n, Results([(n,)]))
        cache.get(0)
    assert set(cache.entries) == {0, 3, 4}


def test_stream_pages_are_not_cached():
    async def execute(sql, params=None, **kwargs):
        return Results([(1,)])

    cache = cache_plugin.ResultCache()

    async def scenario(kind):
        serve.REQUEST.set(serve.RequestBudget(kind))
        await cache_plugin.cached(execute, cache)("select page", {"n": kind})

    asyncio.run(scenario("stream"))
    asyncio.run(scenario("page"))
    assert [key[1] for key in cache.entries] == ['{"n": "page"}']


# --- 7. streams stop when the client goes -----------------------------------------------------------

def test_a_stream_stops_when_the_client_disconnects():
    written, queries_refused = [], []

    async def endless_app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        while True:
            budget = serve.REQUEST.get()
            if budget.refusal():
                queries_refused.append(budget.refusal())
            await send({"type": "http.response.body", "body": b"row\n", "more_body": True})
            written.append(1)
            await asyncio.sleep(0)

    async def scenario():
        messages = asyncio.Queue()
        await messages.put({"type": "http.request", "body": b"", "more_body": False})

        async def receive():
            return await messages.get()

        async def send(message):
            if len(written) == 10:
                await messages.put({"type": "http.disconnect"})

        app = security.asgi_wrapper(datasette=type("DS", (), {"databases": {}})())(endless_app)
        scope = {"type": "http", "method": "GET", "path": "/literature/papers.csv", "raw_path": b"/literature/papers.csv",
                 "query_string": b"_stream=on", "headers": [], "client": ("10.0.0.1", 1)}
        await asyncio.wait_for(app(scope, receive, send), 5)

    asyncio.run(scenario())
    assert 10 <= len(written) < 20  # stopped within a few writes of the disconnection


def test_one_expensive_request_at_a_time_per_client():
    async def scenario():
        gate = security.Gate()
        assert await gate.enter("a") is None
        security_wait, security.QUEUE_WAIT_S = security.QUEUE_WAIT_S, 0.05
        try:
            refused = await gate.enter("a")  # the same address waits, then is refused
            other = await gate.enter("b")  # another address goes ahead
        finally:
            security.QUEUE_WAIT_S = security_wait
        gate.leave("a")
        gate.leave("b")
        return refused, other, gate.clients

    refused, other, clients = asyncio.run(scenario())
    assert refused[0] == "429" and other is None and clients == {}


# --- 8. slow clients: a server of its own with short time limits ------------------------------------

@pytest.fixture(scope="module")
def short_timeouts_server(seed_db, tmp_path_factory):
    import os
    import subprocess

    inspect_file = tmp_path_factory.mktemp("slow") / "inspect.json"
    subprocess.run([serve.DATASETTE, "inspect", str(seed_db), "--inspect-file", str(inspect_file)], check=True)
    port = serve.free_port()
    env = dict(serve.serve_env(), LITDB_TIMEOUTS="request=1,write=1")
    process, url = serve.start(serve.datasette_command(seed_db, inspect_file, port), port,
                               inspect_file.with_name("log"), env=env)
    try:
        yield process, port
    finally:
        process.terminate()
        process.wait(timeout=10)
    os.remove(inspect_file)


def closed_by_server(sock) -> bool:
    """True when the server closes the connection (EOF or reset); False when it sends
    nothing for 60 s (its own limits are 1 s: the margin is for a loaded machine, where
    sixteen 6 MB answers take a while to start)."""
    sock.settimeout(60)
    try:
        while sock.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def test_idle_and_slow_senders_are_cut_off(short_timeouts_server):
    _, port = short_timeouts_server
    idle = socket.create_connection(("127.0.0.1", port))
    assert closed_by_server(idle)
    slow = socket.create_connection(("127.0.0.1", port))
    stop = threading.Event()

    def trickle():  # one header byte every 0.2 s: never a whole request
        for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200:
            if stop.is_set():
                return
            try:
                slow.send(bytes([byte]))
            except OSError:
                return
            stop.wait(0.2)

    threading.Thread(target=trickle, daemon=True).start()
    try:
        assert closed_by_server(slow)
    finally:
        stop.set()


def test_clients_that_never_read_are_dropped_and_memory_stays_bounded(short_timeouts_server):
    process, port = short_timeouts_server
    # About 6 MB of JSON each; the clients read nothing.
    query = RUNAWAY + "select printf('%.*c', 100000, 'a') as v from c limit 60"
    request = ("GET /literature.json?" + urllib.parse.urlencode({"sql": query}) +
               " HTTP/1.1\r\nHost: x\r\n\r\n").encode()
    before = rss_kb(process.pid)
    sockets = []
    for _ in range(16):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.connect(("127.0.0.1", port))
        s.sendall(request)
        sockets.append(s)
    try:
        assert all(closed_by_server(s) for s in sockets)
    finally:
        for s in sockets:
            s.close()
    status, _, _ = fetch(f"http://127.0.0.1:{port}", "/")
    assert status == 200
    grown_mb = (rss_kb(process.pid, "VmHWM") - before) / 1024
    assert grown_mb < 200, f"peak grew by {grown_mb:.0f} MB"


# --- 9. an attacker and an ordinary visitor at the same time -----------------------------------------

ATTACKS = {
    "quadratic SELECT check": "/literature.json?" + urllib.parse.urlencode({"sql": "/* a */" + " " * 15_000 + "x"}),
    "runaway query": "/literature.json?" + urllib.parse.urlencode({"sql": RUNAWAY + "select count(*) from c"}),
    "facets x30 on a costly _where": "/literature/papers.json?" + urllib.parse.urlencode(
        [("_where", COSTLY_WHERE)] + [("_facet", "year")] * 30 + [("_facet", "journal_id")]),
    "five costly facets": "/literature/papers.json?" + urllib.parse.urlencode(
        [("_where", COSTLY_WHERE)] + [("_facet", c) for c in ("year", "journal_id", "title", "doi", "pmid")]),
    "stream of one-row pages": "/literature/provenance.csv?_stream=on&_size=1",
    "malformed input": "/literature/disagreements.json?_next=abc",
}


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_visitor_gets_no_error_while_an_attack_runs(server, attack):
    attacker_statuses, stop = [], threading.Event()

    def attacker():
        while not stop.is_set():
            attacker_statuses.append(fetch(server, ATTACKS[attack], timeout=60)[0])

    threads = [threading.Thread(target=attacker) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        visitor = [fetch(server, path)[0] for _ in range(4)
                   for path in ("/", "/literature/papers", "/literature/papers/486bd29b069a")]
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert visitor == [200] * 12
    assert attacker_statuses and all(s < 500 for s in attacker_statuses), attacker_statuses


def test_background_work_goes_on_after_a_complete_answer():
    """Servers say "disconnect" once an answer is complete: that is not the client
    leaving, and the request's background work (its facets) may still run."""
    seen = []

    async def app(scope, receive, send):
        seen.append(serve.REQUEST.get())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"done"})
        await asyncio.sleep(0.01)  # the watcher hears the "disconnect" meanwhile

    async def scenario():
        messages = [{"type": "http.request", "body": b"", "more_body": False}, {"type": "http.disconnect"}]

        async def receive():
            return messages.pop(0) if messages else await asyncio.Event().wait()

        async def send(message):
            pass

        wrapped = security.asgi_wrapper(datasette=type("DS", (), {"databases": {}})())(app)
        await wrapped({"type": "http", "method": "GET", "path": "/", "raw_path": b"/", "query_string": b"",
                       "headers": [], "client": ("10.0.0.2", 1)}, receive, send)

    asyncio.run(scenario())
    assert seen[0].refusal() is None and seen[0].account["disconnected"] is False


@pytest.mark.parametrize("path", ["/nope", "/literature/nope", "/literature/papers/nope", "//example.com"])
def test_not_found_is_a_404_whatever_is_installed(server, path):
    # Datasette's own error handler prints tracebacks through rich when it is installed,
    # and rich fails for a 404 (no exception being handled): plugins/security.py turns
    # that off. Status 302 for the redirect Datasette makes of //example.com.
    assert fetch(server, path)[0] in (302, 404)


@pytest.mark.parametrize("path, query, kind", [
    ("/literature/papers.bib", "", "export"),
    ("/literature/papers.ris", "year=2014", "export"),
    ("/-/export/literature/papers.ndjson", "", "export"),
    ("/-/export/literature.csljson", "sql=select+id+from+papers", "export"),
    ("/literature/papers.csv", "", "page"),
    ("/literature/papers.csv", "_stream=on", "stream"),
])
def test_whole_set_downloads_are_expensive_and_get_the_export_budget(path, query, kind):
    budget = security.classify(path, urllib.parse.parse_qsl(query))
    assert (budget.kind, budget.expensive) == (kind, True)


# --- round three: the new routes (search, whole-set exports, sitemap, pages) ----------------------

def test_white_space_runs_in_where_are_refused_before_the_page_query(server):
    # plugins/exports.py reads the page's SQL (the _where pasted in) with a regular
    # expression that is quadratic in a run of white space: 0.2 s of the event loop for
    # four runs of 4,000 spaces in one 16 KB URL.
    query = urllib.parse.urlencode([("_where", f"1 {' ' * 4_000}= {n}") for n in (1, 2, 3)])
    status, _, body = fetch(server, "/literature/papers.json?" + query)
    assert (status, body) == (400, "400: _where may not have more than 256 characters of white space in a row\n")
    tabs = urllib.parse.urlencode({"_where": "1 =" + "\t" * 257 + "1"})
    assert fetch(server, "/-/export/literature/papers.bib?" + tabs)[0] == 400
    status, _, body = fetch(server, "/literature/papers.json?_shape=array&_size=1&" +
                               urllib.parse.urlencode({"_where": "1 =" + " " * 256 + "1"}))
    assert status == 200 and len(json.loads(body)) == 1


def test_author_terms_longer_than_any_search_are_not_kept_in_memory():
    # pubmed_author() is an SQL function any visitor's SQL may call; its parser keeps the
    # last 256 queries (functools.lru_cache), so 256 distinct 250 KB terms stayed in the
    # server's memory: 8 requests of 60 rows each kept +120 MB. A search is at most
    # MAX_LENGTH characters: longer terms are not a search's and must not be kept.
    from litdb import search as pubmed

    misses = pubmed.parse_author.cache_info().misses
    for n in range(3):
        assert pubmed.author_matches("Ailish Malone", "Malone " + "a" * 2_000 + str(n)) == 0
    assert pubmed.parse_author.cache_info().misses == misses
    assert pubmed.author_matches("Ailish Malone", "Malone A") == 1  # ordinary terms still match


def stalled_request(monkeypatch, path="/literature/papers.json", query=b"_facet=year", client="10.0.0.3"):
    """The ASGI wrapper serving one request whose client reads nothing: (wrapper task
    factory, what the app saw). Time limits shortened for the test."""
    monkeypatch.setattr(security, "STALL_CHECK_S", 0.01)
    seen = []

    async def app(scope, receive, send):
        seen.append(serve.REQUEST.get())
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"x" * 200_000})

    def start():
        never = asyncio.Event()
        messages = [{"type": "http.request", "body": b"", "more_body": False}]

        async def receive():
            return messages.pop(0) if messages else await never.wait()

        async def send(message):
            if message["type"] == "http.response.body":
                await never.wait()  # the client reads nothing: every write waits

        wrapped = security.asgi_wrapper(datasette=type("DS", (), {"databases": {}})())(app)
        scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query,
                 "headers": [], "client": (client, 1)}
        return asyncio.get_running_loop().create_task(wrapped(scope, receive, send))

    return start, seen


def test_a_client_that_reads_nothing_gives_up_its_place_to_a_waiting_one(monkeypatch):
    # Four non-reading clients from four addresses held all four places for the whole
    # write timeout: every other visitor's search or facet page waited 5 s for a 503.
    monkeypatch.setattr(security, "TOTAL_EXPENSIVE", 1)
    monkeypatch.setattr(security, "STALLED_CONTENDED_S", 0.05)
    monkeypatch.setattr(security, "STALLED_S", 3600)  # only a waiting request may push it out
    gate = security.Gate()
    monkeypatch.setattr(security, "GATE", gate)
    start, seen = stalled_request(monkeypatch)

    async def scenario():
        stalled = start()
        while not seen:
            await asyncio.sleep(0.01)
        other = await gate.enter("10.0.0.4")  # another visitor waits for the only place
        await asyncio.wait_for(stalled, 10)
        clients = dict(gate.clients)
        gate.leave("10.0.0.4")
        return other, clients

    other, clients = asyncio.run(scenario())
    assert other is None and list(clients) == ["10.0.0.4"]
    assert seen[0].refusal() == "the client has gone"  # its queries stop too


def test_a_client_that_reads_nothing_is_dropped_from_an_expensive_request(monkeypatch):
    # ... and, with nobody waiting, after STALLED_S: an export's own cap (two at once)
    # is not held by clients that never read either.
    monkeypatch.setattr(security, "STALLED_S", 0.05)
    gate = security.Gate()
    monkeypatch.setattr(security, "GATE", gate)
    start, seen = stalled_request(monkeypatch, path="/-/export/literature/papers.bib", query=b"")

    async def scenario():
        await asyncio.wait_for(start(), 10)
        return gate.clients

    assert asyncio.run(scenario()) == {}
    assert seen[0].kind == "export" and seen[0].account["disconnected"] is True


@pytest.mark.parametrize("path, dropped", [("/", False), ("/-/export/literature/papers.bib", True)])
def test_a_cheap_request_keeps_the_write_timeout(monkeypatch, path, dropped):
    # A cheap request holds no place: only the server's write timeout (15 s) drops its
    # client. With no stall allowed and the check on every turn of the event loop, an
    # expensive one (a whole download) is dropped within 100 turns; the cheap one is not.
    start, seen = stalled_request(monkeypatch, path=path, query=b"")
    monkeypatch.setattr(security, "STALLED_S", 0)
    monkeypatch.setattr(security, "STALL_CHECK_S", 0)

    async def scenario():
        task = start()
        for _ in range(100):
            await asyncio.sleep(0)
        ended = task.done()
        task.cancel()
        return ended

    assert asyncio.run(scenario()) is dropped
    assert seen[0].account["disconnected"] is dropped


def test_a_visitor_gets_expensive_pages_while_four_addresses_never_read(server):
    # The attacker-and-visitor kind: four sockets, from 127.0.0.2-5, ask for a 10 MB JSON
    # answer and read nothing; a visitor from 127.0.0.1 then searches and facets.
    host, port = urllib.parse.urlsplit(server).netloc.split(":")
    query = RUNAWAY + "select printf('%.*c', 50000, 'a') as v from c limit 200"
    request = ("GET /literature.json?" + urllib.parse.urlencode({"sql": query}) +
               " HTTP/1.1\r\nHost: x\r\n\r\n").encode()
    sockets = []
    try:
        for n in range(2, 6):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.bind((f"127.0.0.{n}", 0))
            s.connect((host, int(port)))
            s.sendall(request)
            sockets.append(s)
        first = fetch(server, "/literature.json?sql=select+1")  # queued behind them or not
        statuses = [first[0]] + [fetch(server, path, timeout=60)[0] for path in
                                         ("/literature/search?q=dystonia", "/literature/papers?_facet=year",
                                          "/literature/papers.json?_facet=journal_id")]
    finally:
        for s in sockets:
            s.close()
    assert statuses == [200, 200, 200, 200]


def test_no_page_links_to_a_shadow_library_whatever_the_sql(server):
    # Datasette shows a value that is a URL as a link: a visitor's SQL made the site
    # publish links to shadow libraries, from a URL anyone can send.
    query = ("select 'https://sci-hub.se/10.1000/x' as a, 'see http://libgen.rs/b now' as b, "
             "'https://doi.org/10.1000/x' as c, 'https://SCI-HUB.ru/x' as d")
    status, _, body = fetch(server, "/literature?" + urllib.parse.urlencode({"sql": query}))
    assert status == 200
    cells = re.findall(r'<td class="col-(\w)">(.*?)</td>', body)
    assert cells == [("a", "[link removed]"), ("b", "see [link removed] now"),
                     ("c", '<a href="https://doi.org/10.1000/x">https://doi.org/10.1000/x</a>'),
                     ("d", "[link removed]")]


def test_downloads_wait_their_turn_and_a_stalled_one_gives_its_place_up(monkeypatch):
    # plugins/exports.py runs two whole-set downloads at once and answered a third 503 at
    # once: two non-reading clients kept every download refused for 15 s at a time.
    monkeypatch.setattr(security, "STALLED_CONTENDED_S", 0.05)
    monkeypatch.setattr(security, "STALLED_S", 3600)
    gate = security.Gate()
    monkeypatch.setattr(security, "GATE", gate)
    start, seen = stalled_request(monkeypatch, path="/-/export/literature/papers.bib", query=b"", client="10.0.0.5")
    start_too, seen_too = stalled_request(monkeypatch, path="/literature/papers.ris", query=b"", client="10.0.0.6")

    async def scenario():
        stalled = [start(), start_too()]
        while len(seen) + len(seen_too) < 2:
            await asyncio.sleep(0.01)
        third = await gate.enter("10.0.0.7", export=True)  # waits: both places are taken
        # One stalled download gave its place up. The other may have too, or, once nobody
        # waits, keep its place (its rule is then STALLED_S): which one depends on when
        # each write's watch looked. Its client goes now.
        gave_up, kept = await asyncio.wait(stalled, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        for task in kept:
            task.cancel()
        await asyncio.gather(*kept, return_exceptions=True)
        clients = list(gate.clients)
        gate.leave("10.0.0.7", export=True)
        return third, len(gave_up), clients

    third, gave_up, clients = asyncio.run(scenario())
    assert third is None and gave_up >= 1 and clients == ["10.0.0.7"]
    assert gate.exports._value == security.TOTAL_EXPORTS and gate.total._value == security.TOTAL_EXPENSIVE


def test_a_third_download_waits_then_is_refused_with_a_reason():
    async def scenario():
        gate = security.Gate()
        assert await gate.enter("a", export=True) is None and await gate.enter("b", export=True) is None
        wait, security.QUEUE_WAIT_S = security.QUEUE_WAIT_S, 0.05
        try:
            refused = await gate.enter("c", export=True)
            other = await gate.enter("c")  # not a download: a place of its own
        finally:
            security.QUEUE_WAIT_S = wait
        for client, export in (("a", True), ("b", True), ("c", False)):
            gate.leave(client, export=export)
        return refused, other, gate.clients

    refused, other, clients = asyncio.run(scenario())
    assert refused == ("503", "the server is busy with downloads of whole sets; try again in a moment")
    assert other is None and clients == {}


@pytest.mark.parametrize("q", [
    " OR ".join(f"a{n}[au]" for n in range(64)),  # 64 levels of parentheses in the SQL
    " AND ".join(f"a{n}[au]" for n in range(64)),
])
def test_a_search_sqlite_cannot_parse_is_a_400_not_a_500(server, q):
    status, _, body = fetch(server, "/literature/search.json?" + urllib.parse.urlencode({"q": q}))
    assert status == 400, body[:300]
    assert json.loads(body)["ok"] is False


def test_an_export_writes_its_chunks_outside_the_event_loop(seed_db):
    # plugins/exports.py made each chunk's text (500 papers of BibTeX: 130 ms on a quiet
    # machine, 200-300 ms loaded) in the event loop: while one whole-set download ran,
    # every other visitor waited behind each chunk (scripts/attack_load.py: visitor p95
    # 316 ms and a quarter of the usual requests, the worst of every attack).
    import concurrent.futures

    exports = plugin_module("exports")
    threads = []

    class Recording(exports.BibTeXWriter):
        def chunk(self, papers):
            threads.append(threading.get_ident())
            return super().chunk(papers)

    class DB:  # what stream_export uses of Datasette's Database: its SQL thread
        name, path = "literature", str(seed_db)
        pool = concurrent.futures.ThreadPoolExecutor(1)

        async def execute_fn(self, fn):
            def in_thread():
                conn = sqlite3.connect(f"file:{seed_db}?immutable=1", uri=True, check_same_thread=False)
                conn.row_factory = sqlite3.Row
                return fn(conn)

            return await asyncio.get_running_loop().run_in_executor(self.pool, in_thread)

    async def scenario():
        sent = []

        async def receive():
            return await asyncio.Event().wait()

        async def send(message):
            sent.append(message)

        source = exports.TableSource("papers", "id", [], {}, 1000)
        await exports.stream_export(DB(), source, "bib", "papers.bib", receive, send)
        return threading.get_ident(), sent

    exports.WRITERS["bib"] = Recording
    exports.CHUNK = 1  # several chunks from the seed database
    loop_thread, sent = asyncio.run(scenario())
    assert b"@article{" in b"".join(m.get("body", b"") for m in sent)
    assert len(threads) > 1 and loop_thread not in threads


def test_a_page_answer_is_bounded_tighter_than_a_stream(server):
    # Four non-reading clients held four 20 MB answers at once: 388 MB of server memory.
    query = RUNAWAY + "select printf('%.*c', 20000, 'a') as v from c limit 1000"  # 20 MB of values
    status, body = sql(server, query)
    assert (status, body["error"]) == (400, "query result too large: more than 16 MB; "
                                            "select fewer rows or shorter values")
    status, _, body = fetch(server, "/literature.csv?_stream=on&" + urllib.parse.urlencode({"sql": query}))
    assert status == 200 and body.count("a" * 20000) == 1000  # a stream keeps a page at a time

