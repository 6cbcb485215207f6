"""The public server under attack: hostile SQL, hostile URLs, through the real server
(started as `make serve` starts it), and what plugins/security.py installs on each
SQLite connection. See SECURITY.md.

The tests run in file order; the last ones check that after all of this the server
still answers quickly and its memory stayed bounded."""

import http.client
import json
import sqlite3
import sys
import time
import urllib.parse

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "plugins"))
import security  # noqa: E402  (the plugin module itself, for the in-process tests)

MAX_ROWS = 1000  # litdb/serve.py max_returned_rows
RUNAWAY = "with recursive c(x) as (select 1 union all select x + 1 from c) "
RSS_LIMIT_KB = 400 * 1024  # peak resident memory of the server over the whole test session


def fetch(server, path, method="GET", headers=None, timeout=30):
    """(status, headers, body text) for the exact path given: no normalisation. The
    socket timeout only turns a hung server into a failure; no test asserts a duration."""
    host, port = urllib.parse.urlsplit(server).netloc.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    connection.request(method, path, headers=headers or {})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    connection.close()
    return response.status, response.headers, body


def sql(server, query, **params):
    """Run SQL through the JSON API: (status, decoded body)."""
    path = "/literature.json?" + urllib.parse.urlencode({"sql": query, **params})
    status, _, body = fetch(server, path)
    return status, json.loads(body)


def rss_kb(pid, field="VmRSS"):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


@pytest.fixture(scope="module", autouse=True)
def server_alive(server):
    assert fetch(server, "/-/versions.json")[0] == 200
    yield


# --- SQL that tries to write or reach outside the database -----------------------------

@pytest.mark.parametrize("query, error", [
    ("insert into journals (id) values ('x')", "Statement must be a SELECT"),
    ("replace into journals (id) values ('x')", "Statement must be a SELECT"),
    ("update papers set title = 'x'", "Statement must be a SELECT"),
    ("delete from papers", "Statement must be a SELECT"),
    ("drop table papers", "Statement must be a SELECT"),
    ("create table x (a)", "Statement must be a SELECT"),
    ("create temp table x (a)", "Statement must be a SELECT"),
    ("alter table papers add column x", "Statement must be a SELECT"),
    # Statements Datasette's "SELECT only" check lets through: refused by the authorizer.
    ("with x as (select 1) insert into journals (id) select * from x", "not authorized"),
    ("with x as (select 1) update journals set name = 'x'", "not authorized"),
    ("with x as (select 1) delete from journals", "not authorized"),
    ("attach database '/tmp/x.db' as x", "Statement must be a SELECT"),
    ("detach database main", "Statement must be a SELECT"),
    ("pragma journal_mode = wal", "Statement must be a SELECT"),
    ("pragma writable_schema = 1", "Statement must be a SELECT"),
    ("select * from pragma_journal_mode('wal')", "Statement contained a disallowed PRAGMA. Allowed pragma "
     "functions are pragma_database_list(), pragma_foreign_key_list(), pragma_function_list(), "
     "pragma_index_info(), pragma_index_list(), pragma_index_xinfo(), pragma_page_count(), "
     "pragma_max_page_count(), pragma_page_size(), pragma_schema_version(), pragma_table_info(), "
     "pragma_table_xinfo()"),
    ("select load_extension('/usr/lib/x86_64-linux-gnu/libsqlite3.so.0')",
     "not authorized to use function: load_extension"),
    ("select fts3_tokenizer('simple')", "not authorized to use function: fts3_tokenizer"),
    ("vacuum", "Statement must be a SELECT"),
    ("reindex", "Statement must be a SELECT"),
    ("analyze", "Statement must be a SELECT"),
    ("select 1; delete from papers", "You can only execute one statement at a time."),
    ("select 1; select 2", "You can only execute one statement at a time."),
])
def test_writes_and_escapes_are_refused(server, query, error):
    status, body = sql(server, query)
    assert (status, body["ok"], body["error"]) == (400, False, error)


def test_vacuum_into_writes_no_file(server, tmp_path):
    target = tmp_path / "copy.db"
    status, body = sql(server, f"vacuum into '{target}'")
    assert (status, body["error"]) == (400, "Statement must be a SELECT")
    assert not target.exists()


def test_the_data_is_unchanged(server):
    status, body = sql(server, "select count(*) as n from papers", _shape="array")
    assert (status, body) == (200, [{"n": 2}])
    [db] = json.loads(fetch(server, "/-/databases.json")[2])
    assert db["is_mutable"] is False


# --- the authorizer and limits, on a connection prepared by the plugin ----------------
# Datasette's own "SELECT only" check stands in front of these in the server; here the
# SQL reaches SQLite directly, as it would if that check were ever bypassed.

class FakeDatasette:
    databases = {"literature": object()}


@pytest.fixture
def prepared(seed_db):
    conn = sqlite3.connect(f"file:{seed_db}?immutable=1", uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    security.prepare_connection(conn, "literature", FakeDatasette())
    yield conn
    conn.close()


@pytest.mark.parametrize("query, error", [
    ("attach database ':memory:' as m", "not authorized"),  # and SQLITE_LIMIT_ATTACHED is 0
    ("pragma journal_mode = wal", "not authorized"),
    ("pragma writable_schema = 1", "not authorized"),
    ("pragma user_version = 5", "not authorized"),
    ("pragma query_only = 0", "not authorized"),
    ("insert into journals (id) values ('x')", "not authorized"),
    ("create temp table x (a)", "not authorized"),
    ("drop table papers", "not authorized"),
    ("vacuum into '/tmp/never.db'", "authorization denied"),
    ("select load_extension('x')", "not authorized to use function: load_extension"),
])
def test_authorizer_refuses_what_the_select_check_would(prepared, query, error):
    with pytest.raises(sqlite3.DatabaseError) as refused:
        prepared.execute(query).fetchall()
    assert str(refused.value) == error


def test_authorizer_lets_datasette_introspect_and_search(prepared):
    columns = [row["name"] for row in prepared.execute("pragma table_xinfo(papers)")]
    assert columns[:3] == ["id", "title", "authors"] and "abstract" in columns
    assert [row["name"] for row in prepared.execute("select * from pragma_table_info('papers')")] == columns
    assert prepared.execute("pragma schema_version").fetchone()[0] > 0
    # only Malone's editorial says "striatal"
    found = prepared.execute("select p.id from papers_fts f join papers p on p.rowid = f.rowid "
                             "where papers_fts match 'striatal'").fetchall()
    assert [row[0] for row in found] == ["486bd29b069a"]


def test_limits_on_each_connection(prepared):
    def limit(name):
        return prepared.getlimit(getattr(sqlite3, name))

    assert limit("SQLITE_LIMIT_LENGTH") == security.MAX_VALUE_BYTES == 256 * 1024
    assert limit("SQLITE_LIMIT_ATTACHED") == 0
    assert limit("SQLITE_LIMIT_LIKE_PATTERN_LENGTH") == 256
    assert limit("SQLITE_LIMIT_COLUMN") == 100
    with pytest.raises(sqlite3.DataError, match="string or blob too big"):
        prepared.execute("select randomblob(1000000000)").fetchall()


def test_replacement_functions_match_sqlite(prepared):
    plain = sqlite3.connect(":memory:")
    for expression in ["trim('xxhixx', 'x')", "ltrim('  hi  ', ' ')", "rtrim('abcabc', 'cb')",
                       "trim(x'0001020100', x'00')", "trim(123, '1')", "trim(NULL, 'x')", "trim('x', NULL)",
                       "printf('%d|%5.2f|%-4s|%x|%%|%q|%,d', 7, 3.14159, 'ab', 255, 'it''s', 1234567)",
                       "printf('%.*c', 5, 'z')", "format('%s-%s', 'a')", "printf(NULL)", "printf('%!.3g', 1.0)"]:
        query = f"select {expression}"
        assert prepared.execute(query).fetchone()[0] == plain.execute(query).fetchone()[0], expression


# --- runaway queries: time ---------------------------------------------------------------
# No test times a query: a runaway query never ends on its own, so an answer saying it was
# interrupted proves the time limit cut it; what cuts it (the watchdog, not Datasette's
# progress handler) is proven in-process, by the watchdog's own counter.

# Datasette's per-request _timelimit (it may only lower the server's 1 s): the same
# sqlite_timelimit and watchdog path, cut after ~0.15 s instead of ~1.05 s. 100 ms, not
# 20 ms or less, below which Datasette checks the clock at every VM step instead of every
# 1000 and the watchdog would have nothing left to prove.
QUICK = {"_timelimit": "100"}
SLOW_LIKE = RUNAWAY + ("select count(*) from c where printf('%.*c', 250000 + x * 0, 'a') "
                       "like '%' || printf('%.*c', 254, 'a') || 'b'")


def assert_interrupted(status, body):
    assert (status, body["ok"], body["title"]) == (400, False, "SQL Interrupted")
    assert body["error"].startswith("<p>SQL query took too long."), body["error"]


def test_runaway_recursive_cte_is_interrupted(server):
    # The server's own limit (sql_time_limit_ms, 1 s), with no _timelimit.
    assert_interrupted(*sql(server, RUNAWAY + "select count(*) from c"))


def test_runaway_cross_join_is_interrupted(server):
    query = RUNAWAY + "select count(*) from c, papers p1, papers p2, provenance"
    assert_interrupted(*sql(server, query, **QUICK))


def test_slow_like_on_every_row_is_interrupted(server):
    # Each row runs one LIKE of a 256-character pattern over a 250 KB string, a single
    # SQLite VM step of ~0.06 s: Datasette's progress handler, called every 1000 steps,
    # would only notice after seconds. That the watchdog is what stops it is
    # test_watchdog_alone_stops_a_query_between_long_steps below.
    assert_interrupted(*sql(server, SLOW_LIKE, **QUICK))


def test_watchdog_alone_stops_a_query_between_long_steps(prepared):
    """The watchdog armed on a connection with no progress handler at all (so nothing
    else can stop the query): the query is interrupted, the watchdog counts one
    interruption, and it stopped within a few rows of ~0.06 s each."""
    rows = 0

    def row(x):  # counts the rows SQLite reaches; gives up long after the watchdog should have cut
        nonlocal rows
        rows += 1
        if rows > 500:
            raise ValueError("the watchdog did not interrupt")
        return x

    prepared.create_function("row", 1, row)
    fired = security.WATCHDOG.fired
    token = security.WATCHDOG.arm(prepared, time.monotonic() + 0.1)  # the deadline, not an assertion
    with pytest.raises(sqlite3.OperationalError) as stopped:
        prepared.execute(SLOW_LIKE.replace("from c where", "from c where row(x) and")).fetchall()
    assert str(stopped.value) == "interrupted"
    assert security.WATCHDOG.disarm(token) is True  # True: the watchdog had fired for this query
    assert security.WATCHDOG.fired == fired + 1
    assert 1 <= rows < 500


def test_long_like_and_glob_patterns_are_refused(server):
    # SQLite's own message for a pattern over SQLITE_LIMIT_LIKE_PATTERN_LENGTH (256),
    # given before the pattern is matched against anything.
    for query in ["select count(*) from papers where abstract like '" + "%a" * 200 + "'",
                  "select count(*) from papers where abstract glob '" + "*a" * 200 + "'"]:
        status, body = sql(server, query)
        assert (status, body["error"]) == (400, "LIKE or GLOB pattern too complex")


def test_patterns_within_the_limit_are_bounded_by_time(server):
    pattern = "%" + "%".join("aeiou" * 25) + "%z"  # 251 characters, backtracking
    query = RUNAWAY + f"select count(*) from c, provenance where coalesce(value, '') || x like '{pattern}'"
    assert_interrupted(*sql(server, query, **QUICK))


# --- runaway queries: memory ---------------------------------------------------------------
# Refused by a limit, not by time: the answer is the limit's own message. That no huge
# value was ever built is test_after_all_this_memory_stayed_bounded (the server's peak
# resident memory over the session stays under 400 MB, where one 1 GB blob would not).

@pytest.mark.parametrize("query", [
    "select randomblob(1000000000)",
    "select length(randomblob(1000000000))",
    "select zeroblob(1000000000)",
    "select hex(zeroblob(300000))",
    "select replace(hex(zeroblob(100000)), '0', '00')",
    "select group_concat(title) from (" + RUNAWAY + "select 'aaaaaaaaaaaaaaaaaaaa' as title from c limit 100000)",
])
def test_huge_values_are_refused_by_the_length_limit(server, query):
    status, body = sql(server, query)
    assert (status, body["ok"], body["error"]) == (400, False, "string or blob too big")


HUGE_PRINTF = [
    "select printf('%.*c', 1000000000, 'x') as v",
    "select printf('%.2000000000c', 'x') as v",
    "select format('%*.*c', 5, 1000000000, 'x') as v",
    "select printf(cast('%.*c' as blob), 1000000000, 'x') as v",
    "select printf('%.*c', '1000000000 and some text', 'x') as v",
    "select printf('%.*c', x'31303030303030303030', 'x') as v",
    "select printf('%-*c', -1000000000, 'x') as v",
    "select printf('%.*c', 1e9, 'x') as v",
]


@pytest.mark.parametrize("query", HUGE_PRINTF + [
    "select printf('%.*c', 262144, 'x') as v",  # one byte too long: SQLite's own printf says NULL, cheaply
])
def test_huge_printf_padding_gives_null(server, query):
    # SQLite's printf answers NULL when its result would pass the length limit.
    status, body = sql(server, query, _shape="array")
    assert (status, body) == (200, [{"v": None}])


@pytest.mark.parametrize("query", HUGE_PRINTF)
def test_huge_printf_padding_never_reaches_sqlites_printf(prepared, monkeypatch, query):
    # SQLite's printf('%.*c', 1000000000, 'x') writes the character a billion times in one
    # VM step (~6 s) before it finds the result too long. guarded_printf answers NULL
    # without calling it: SQLite's printf is only reached through _helper_connection.
    def never():
        raise AssertionError("SQLite's printf was called")

    monkeypatch.setattr(security, "_helper_connection", never)
    assert prepared.execute(query).fetchone()[0] is None


def test_trim_on_the_longest_values_is_answered(server):
    # SQLite's trim(X, Y) is quadratic in one VM step: 12 s on 256 KB strings, which the
    # server's 1 s limit could not cut. The plugin's linear replacement answers, with its
    # value, in ~0.01 s: far under the limit even on a loaded machine.
    query = "select length(trim(printf('%.*c', 262000, 'a'), printf('%.*c', 20000, 'b') || 'a')) as n"
    assert sql(server, query, _shape="array") == (200, [{"n": 0}])
    # instr() and replace() stay SQLite's own, quadratic too: what bounds them is the
    # length limit (no value over 256 KB: test_limits_on_each_connection, and the
    # refusals above); their time at that length (~0.3 s on a quiet machine, over 1 s
    # under load) is a measurement (SECURITY.md), not something a test can assert.


def test_trim_with_two_arguments_is_the_linear_replacement(prepared, monkeypatch):
    # Proven by what it calls, not by how long it takes: the plugin's trim reads both
    # arguments through _as_text; SQLite's own would not.
    read = []
    monkeypatch.setattr(security, "_as_text", lambda value: read.append(value) or value)
    query = "select length(trim(printf('%.*c', 262000, 'a'), printf('%.*c', 20000, 'b') || 'a'))"
    assert prepared.execute(query).fetchone()[0] == 0
    assert [len(v) for v in read] == [262000, 20001]


def test_many_big_values_exceed_the_result_budget(server):
    # Refused by the budget's own message (a query running into the time limit first
    # would say "SQL Interrupted").
    for value in ["zeroblob(200000)", "printf('%.*c', 200000, 'a')"]:
        status, body = sql(server, RUNAWAY + f"select {value} from c limit 1000")
        assert (status, body["error"]) == (400, "query result too large: more than 16 MB; "
                                                 "select fewer rows or shorter values")


def test_the_result_budget_stops_at_the_row_that_passes_it(prepared):
    # Each row is 200,000 bytes of blob + 8 for the integer: 83 rows are 16,600,664 bytes,
    # under 16 MB (16,777,216); the 84th takes the count to 16,800,672 and is refused.
    rows = 0

    def row(x):
        nonlocal rows
        rows += 1
        return x

    prepared.create_function("row", 1, row)
    with pytest.raises(security.ResultTooLarge):
        prepared.execute(RUNAWAY + "select row(x), zeroblob(200000) from c limit 1000").fetchall()
    assert security._budget.state[1] == 16_800_672  # the budget's counter of bytes handed over
    # Python's sqlite3 steps to the next row before it hands one over: SQLite reached 85
    # rows of the 1000 asked for.
    assert rows == 85


def test_interrupts_do_not_stick_to_connections(server):
    """A refused result, then queries the watchdog interrupts, on every SQL thread: the
    next queries run normally (an interrupt sticks to a connection where another
    statement is still active)."""
    from concurrent.futures import ThreadPoolExecutor

    too_large = RUNAWAY + "select zeroblob(200000) from c limit 1000"
    # Three at once: one client's expensive requests wait their turn (plugins/security.py
    # lets one run at a time per address, the others wait up to 5 s).
    with ThreadPoolExecutor(3) as pool:
        assert {s for s, _ in pool.map(lambda q: sql(server, q), [too_large] * 3)} == {400}
        assert {b["title"] for _, b in pool.map(lambda q: sql(server, q, **QUICK), [SLOW_LIKE] * 3)} == {"SQL Interrupted"}
        results = list(pool.map(lambda i: sql(server, f"select {i} as i", _shape="array"), range(30)))
    assert [(status, body) for status, body in results] == [(200, [{"i": i}]) for i in range(30)]


def test_a_connection_an_interrupt_sticks_to_is_replaced():
    import datasette.database

    conn = sqlite3.connect(":memory:", check_same_thread=False)
    leaked = conn.execute("with recursive n(x) as (select 1 union all select x + 1 from n) select x from n")
    leaked.fetchone()  # a statement left active
    conn.interrupt()
    datasette.database.connections.test_security = conn  # this thread's connection
    replaced = security.WATCHDOG.replaced
    security._after_interrupt(conn)
    assert not hasattr(datasette.database.connections, "test_security")
    assert security.WATCHDOG.replaced == replaced + 1


def test_huge_limit_is_cut_at_max_returned_rows(server):
    status, body = sql(server, RUNAWAY + "select x from c limit 1000000")
    assert status == 200 and body["truncated"] is True
    assert len(body["rows"]) == MAX_ROWS and body["rows"][-1] == [MAX_ROWS]


def test_size_max_is_cut_at_max_returned_rows(server):
    # The seed database's biggest table, provenance, has 39 rows: fewer than the cut, so
    # _size=max there gives them all; the cut itself is shown on a query of 5,000 rows.
    status, _, body = fetch(server, "/literature/provenance.json?_size=max&_shape=objects")
    assert (status, len(json.loads(body)["rows"])) == (200, 39)
    status, body = sql(server, RUNAWAY + "select x from c limit 5000", _size="max")
    assert (status, len(body["rows"]), body["truncated"]) == (200, MAX_ROWS, True)
    status, _, body = fetch(server, "/literature/provenance.json?_size=1000000")
    assert (status, json.loads(body)["error"]) == (400, "_size must be <= 1000")


def test_csv_of_a_runaway_query_is_bounded(server):
    path = "/literature.csv?" + urllib.parse.urlencode({"sql": RUNAWAY + "select x from c limit 1000000"})
    status, headers, body = fetch(server, path)
    assert status == 200 and len(body.splitlines()) == 1 + MAX_ROWS


# --- hostile URLs -------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/site/../../etc/passwd",
    "/site/../../../../../../etc/passwd",
    "/site/%2e%2e/%2e%2e/etc/passwd",
    "/site/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/site/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/site/....//....//etc/passwd",
    "/site/..%5c..%5c..%5cetc%5cpasswd",
    "/site/%252e%252e%252fetc%252fpasswd",
    "/-/static/../../../../etc/passwd",
    "/-/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
    "/-/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fapp.py",
    "/-/static/../app.py",
    "/-/static/..%2f..%2fapp.py",
    "/-/static-plugins/datasette_search_all/..%2f..%2f..%2fetc%2fpasswd",
    "/literature/..%2f..%2fetc%2fpasswd",
    "/site/",
    "/-/static/",
])
def test_no_path_traversal(server, path):
    status, _, body = fetch(server, path)
    assert status in (302, 403, 404), (status, body[:200])
    assert "root:" not in body and "import " not in body and "Traceback" not in body


def test_static_files_are_served(server):
    assert fetch(server, "/site/site.css")[0] == 200
    assert fetch(server, "/site/search-all.js")[0] == 200
    assert fetch(server, "/-/static/app.css")[0] == 200


@pytest.mark.parametrize("path", [
    "//example.com", "//example.com/", "///example.com/", "////example.com//",
    "/\\example.com", "/\\example.com/", "/\\/example.com/", "/\\\\example.com/",
    "/%2F%2Fexample.com", "/%2F%2Fexample.com/", "/%5Cexample.com/", "/%5C%5Cexample.com/",
    "/%09/example.com/", "/literature/papers/?_next=//example.com", "/literature/papers/..//example.com/",
    "/:memory:/example.com", "/:memory://example.com",
])
def test_no_open_redirect(server, path):
    status, headers, body = fetch(server, path)
    assert status < 500, (status, body[:200])
    location = headers.get("location")
    if location is None:
        return
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "\\" not in location and "\t" not in location
    resolved = urllib.parse.urlsplit(urllib.parse.urljoin(server + "/", location))
    assert resolved.netloc == urllib.parse.urlsplit(server).netloc


def test_safe_location():
    assert security.safe_location("//example.com") == "/example.com"
    assert security.safe_location("/\\example.com") == "/%5Cexample.com"
    assert security.safe_location("/\t/example.com") == "/example.com"
    assert security.safe_location("https://example.com/") == "/"
    assert security.safe_location("javascript:alert(1)") == "/"
    assert security.safe_location("/literature/papers?_sort=year") == "/literature/papers?_sort=year"


def test_oversized_query_string_is_refused(server):
    status, headers, body = fetch(server, "/literature?sql=select+'" + "a" * 100_000 + "'")
    assert status == 414 and body == "414: URL longer than 16384 bytes\n"
    assert headers["x-frame-options"] == "DENY"
    status, _, _ = fetch(server, "/literature/papers?_search=" + "a" * 100_000)
    assert status == 414


def test_long_url_within_the_limit_is_answered(server):
    status, body = sql(server, "select 1 as one /* " + "x" * 15_000 + " */", _shape="array")
    assert (status, body) == (200, [{"one": 1}])


@pytest.mark.parametrize("path", [
    "/%E0%A4%A", "/%ZZ", "/%", "/%%", "/%ff%fe", "/literature/%E0%A4%A", "/literature/papers/%ff",
    "/literature?q=%ZZ", "/literature?sql=select+%ZZ", "/literature/papers?_search=%ZZ",
    "/literature/papers?_search=%E0%A4%A", "/literature/search?q=%ZZ&_shape=array",
    "/literature/search.json?q=%E0%A4%A", "/-/search?q=%ZZ", "/-/search?q=%E0%A4%A",
    "/literature/papers?_sort=%3Cimg%20src%3Dx%3E", "/literature/papers?_sort=title&_sort_desc=year",
    "/literature/papers?_sort_desc=%ZZ", "/literature/papers?_facet=%ZZ", "/literature/papers?_facet=nope",
    "/literature/papers?_col=nope", "/literature/papers?_through=%7B%7D", "/literature/papers?_next=%ZZ",
    "/literature/papers?_size=-1", "/literature/papers?_size=abc", "/literature/papers?_timelimit=abc",
    "/literature/papers?title__exact=%00", "/literature/papers?_where=1", "/literature/papers.nope",
    "/literature/papers/486bd29b069a?_shape=%ZZ", "/literature/papers.json?_shape=nope",
    "/literature.json?sql=select+:a&a=%ZZ", "/literature/papers?_search=%22&_searchmode=raw",
])
def test_malformed_input_gives_no_500(server, path):
    status, _, body = fetch(server, path)
    assert status < 500, (status, body[:300])
    assert "Traceback" not in body and "/work/" not in body and "site-packages" not in body


def test_unknown_sort_column_is_a_400_with_escaped_message(server):
    status, _, body = fetch(server, "/literature/papers?_sort=%3Cimg%20src%3Dx%3E")
    assert status == 400
    assert "<img src=x>" not in body and "Cannot sort table by &lt;img src=x&gt;" in body


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"])
def test_only_get_and_head(server, method):
    status, headers, body = fetch(server, "/literature/papers", method=method)
    assert (status, headers["allow"]) == (405, "GET, HEAD")
    assert fetch(server, "/literature/papers", method="HEAD")[0] == 200


# --- security headers ----------------------------------------------------------------------------

@pytest.mark.parametrize("path, content_type", [
    ("/", "text/html"),
    ("/literature/papers", "text/html"),
    ("/literature/papers/486bd29b069a", "text/html"),
    ("/-/search?q=dystonia", "text/html"),
    ("/literature/search?q=dystonia", "text/html"),
    ("/literature/papers.json", "application/json"),
    ("/literature.json?sql=select+1", "application/json"),
    ("/literature/papers.csv", "text/plain"),
    ("/literature/papers.bib", "application/x-bibtex"),
    ("/site/site.css", "text/css"),
    ("/-/static/app.css", "text/css"),
    ("/-/static/table.js", "text/javascript"),
    ("/nope", "text/html"),
    ("/literature.json?sql=delete+from+papers", "application/json"),
    ("/literature/papers/", None),  # a redirect
])
def test_security_headers_on_every_response(server, path, content_type):
    status, headers, _ = fetch(server, path)
    if content_type:
        assert headers["content-type"].startswith(content_type), headers["content-type"]
    csp = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" not in csp
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers.get_all("content-security-policy") == [csp]  # once, not doubled


def test_no_internal_details_leak(server):
    for path in ["/-/settings.json", "/-/databases.json", "/_internal", "/_internal.json?sql=select+1",
                 "/_memory.json?sql=select+1", "/-/actor.json"]:
        status, _, body = fetch(server, path)
        assert status in (200, 403, 404), path
        assert "Traceback" not in body
    status, _, _ = fetch(server, "/_internal.json?sql=select+*+from+databases")
    assert status == 403


# --- and afterwards ---------------------------------------------------------------------------------

def test_after_all_this_the_server_still_answers(server):
    # Still serving, every SQL thread usable (a query stuck on one would leave three
    # requests at once waiting): the seed papers, several times at once, and the home
    # page. How fast it answers is measured by make bench and make loadtest, not here.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(5) as pool:
        answers = list(pool.map(lambda _: fetch(server, "/literature/papers.json?_shape=array", timeout=10), range(5)))
    for status, _, body in answers:
        assert status == 200
        assert sorted(p["id"] for p in json.loads(body)) == ["486bd29b069a", "9c8f9033fd60"]
    status, _, body = fetch(server, "/", timeout=10)
    # the home page's counts, each from a query of its own
    assert status == 200 and "2014: 1 paper" in body and "2017: 1 paper" in body


def test_after_all_this_memory_stayed_bounded(server):
    rss, peak = rss_kb(server.pid), rss_kb(server.pid, "VmHWM")
    print(f"server RSS {rss / 1024:.0f} MB, peak {peak / 1024:.0f} MB")
    assert peak < RSS_LIMIT_KB, f"peak RSS {peak / 1024:.0f} MB"
    assert rss < RSS_LIMIT_KB
