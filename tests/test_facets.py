"""Facet counts from the facet columns held in memory (litdb/facets.py) and the table
pages that use them (plugins/cache.py): the counts SQLite gives, in SQLite's order,
typed out here by hand; columns the memory cannot vouch for left to SQL."""

import asyncio
import json
import sqlite3
import sys
from pathlib import Path

import pytest

from litdb.facets import FacetColumns, read_facet_columns, top

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
import cache  # noqa: E402  plugins/cache.py, as Datasette loads it (by file name)


def table(rows, columns="year, journal, open, authors, types"):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"create table papers (id text primary key, {columns})")
    for row in rows:
        conn.execute(f"insert into papers values ({', '.join('?' * len(row))})", row)
    return conn


PAPERS = [
    # id, year, journal, open, authors (JSON), types (JSON)
    ("a", 2020, "Brain", 1, json.dumps(["Zoë Kim", "Anna Li", "Zoë Kim"]), json.dumps(["Review"])),
    ("b", 2021, "Brain", 0, json.dumps(["Anna Li"]), json.dumps([])),
    ("c", 2020, "Émile Journal", None, json.dumps(["Zed Young", "Anna Li"]), None),
    ("d", None, "Zeta", 1, None, json.dumps(["Review", "Case Reports"])),
    ("e", 2019, None, 1, json.dumps(["Émile Roux"]), json.dumps(["Case Reports"])),
]


def test_counts_are_sqlites_in_sqlites_order():
    columns = read_facet_columns(table(PAPERS), "papers", ["year", "journal", "open"], ["authors", "types"])
    every = [1, 2, 3, 4, 5]
    # NULL years left out; 2020 twice; ties by value, numbers ascending
    assert columns.counts("column", "year", every, 31) == [(2020, 2), (2019, 1), (2021, 1)]
    # text by its UTF-8 bytes: "Brain" < "Zeta" < "Émile Journal" (É is 0xC3 0x89)
    assert columns.counts("column", "journal", every, 31) == [("Brain", 2), ("Zeta", 1), ("Émile Journal", 1)]
    assert columns.counts("column", "open", every, 31) == [(1, 3), (0, 1)]
    # a name twice in one paper counts once; "Zed" < "Zoë" < "Émile"
    assert columns.counts("array", "authors", every, 31) == [
        ("Anna Li", 3), ("Zed Young", 1), ("Zoë Kim", 1), ("Émile Roux", 1)]
    assert columns.counts("array", "types", every, 31) == [("Case Reports", 2), ("Review", 2)]
    # the rows asked for only: b and c
    assert columns.counts("array", "authors", [2, 3], 31) == [("Anna Li", 2), ("Zed Young", 1)]
    assert columns.counts("column", "year", [], 31) == []


def test_limit_keeps_the_first_by_count_then_value():
    columns = read_facet_columns(table(PAPERS), "papers", ["year"], ["authors"])
    assert columns.counts("array", "authors", [1, 2, 3, 4, 5], 2) == [("Anna Li", 3), ("Zed Young", 1)]
    assert columns.counts("column", "year", [1, 2, 3, 4, 5], 1) == [(2020, 2)]
    assert top(__import__("collections").Counter({"b": 2, "a": 2, "c": 1}), 1) == [("a", 2)]


def test_the_same_counts_as_sqlite_for_each_subset():
    """Against SQLite's answer to the queries Datasette writes (an independent count)."""
    conn = table(PAPERS)
    columns = read_facet_columns(conn, "papers", ["year", "journal", "open"], ["authors", "types"])
    for where in ["", "where year = 2020", "where open = 1", "where journal is null", "where rowid > 2"]:
        rowids = [r[0] for r in conn.execute(f"select rowid from papers {where}")]
        for column in ["year", "journal", "open"]:
            expected = conn.execute(f"select {column} as value, count(*) as count from (select * from papers {where})"
                                    f" where {column} is not null group by {column} order by count desc, value"
                                    " limit 31").fetchall()
            assert columns.counts("column", column, rowids, 31) == expected, (where, column)
        for column in ["authors", "types"]:
            expected = conn.execute(
                f"with inner as (select * from papers {where}), deduped as (select distinct j.value, inner.* "
                f"from json_each(inner.{column}) j join inner) select value, count(*) from deduped "
                "group by value order by count(*) desc, value limit 31").fetchall()
            assert columns.counts("array", column, rowids, 31) == expected, (where, column)


@pytest.mark.parametrize("rows, refused", [
    ([("a", 2020, "x"), ("b", "2021", "y")], "year"),  # an integer and a text: not one type
    ([("a", 2020.5, "x")], "year"),  # a real (SQLite groups 1 and 1.0 together)
])
def test_a_scalar_column_it_cannot_vouch_for_is_left_to_sql(rows, refused):
    columns = read_facet_columns(table(rows, "year, journal"), "papers", ["year", "journal"], [])
    assert not columns.holds("column", refused)
    assert columns.holds("column", "journal")


@pytest.mark.parametrize("value", ['"Anna Li"', '{"name": "Anna Li"}', '[1, 2]', '[["Anna"]]', "not json", "",
                                   '["\\ud800"]'])
def test_an_array_column_it_cannot_vouch_for_is_left_to_sql(value):
    rows = [("a", json.dumps(["Anna Li"]), json.dumps(["Review"])), ("b", value, json.dumps(["Review"]))]
    columns = read_facet_columns(table(rows, "authors, types"), "papers", [], ["authors", "types"])
    assert not columns.holds("array", "authors")
    assert columns.holds("array", "types")
    assert columns.counts("array", "types", [1, 2], 31) == [("Review", 2)]


def test_sparse_rowids_are_not_held():
    conn = table([("a", 2020)], "year")
    conn.execute("insert into papers (rowid, id, year) values (100000, 'b', 2021)")
    assert read_facet_columns(conn, "papers", ["year"], []) is None


def test_a_rowid_it_does_not_have_is_an_error_not_a_count():
    columns = FacetColumns({"year": [None, 2020]}, {}, 1)
    with pytest.raises(IndexError):
        columns.counts("column", "year", [1, 7], 31)
    with pytest.raises(TypeError):
        columns.counts("column", "year", ["x"], 31)


# --- the table view's questions, as Datasette 0.65 writes them ---------------------------

INNER = "select id, title, year, authors from papers where \"year\" = :p0 "


def test_datasette_count_and_facet_queries_are_recognised():
    count = 'select count(*) from papers where "year" = :p0 '
    column = f"""
                select year as value, count(*) as count from (
                    {INNER}
                )
                where year is not null
                group by year order by count desc, value limit 31
            """
    array = f"""
                with inner as ({INNER}),
                deduped_array_items as (
                    select
                        distinct j.value,
                        inner.*
                    from
                        json_each([inner].authors) j
                        join inner
                )
                select
                    value as value,
                    count(*) as count
                from
                    deduped_array_items
                group by
                    value
                order by
                    count(*) desc, value limit 11
            """
    assert cache.facet_question(count, "papers") == ("count", None, 'where "year" = :p0', None)
    assert cache.facet_question(column, "papers") == ("column", "year", 'where "year" = :p0', 31)
    assert cache.facet_question(array, "papers") == ("array", "authors", 'where "year" = :p0', 11)
    unfiltered = column.replace(INNER, "select id, title, year, authors from papers ")
    assert cache.facet_question(unfiltered, "papers") == ("column", "year", "", 31)
    # another table, a column its rows lack, a query of someone else's
    assert cache.facet_question(count.replace("papers", "authors"), "papers") is None
    assert cache.facet_question(column.replace("select year as", "select volume as")
                                .replace("where year is", "where volume is")
                                .replace("group by year", "group by volume"), "papers") is None
    assert cache.facet_question("select count(*) from papers", "papers") is None
    assert cache.facet_question("select year, count(*) from papers group by year", "papers") is None


# --- the served pages: the same counts as Datasette's own queries, on a generated corpus ---

@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    """A Datasette as the site serves it (plugins, metadata) over 300 generated seed files,
    its facet columns read as at start; in this process, through datasette.client."""
    from conftest import build_quietly, make_corpus
    from litdb.serve import make_datasette

    folder = tmp_path_factory.mktemp("facets")
    make_corpus(folder / "seeds", 300)
    db_path = folder / "literature.db"
    assert build_quietly(folder / "seeds", db_path) == 0
    ds = make_datasette(db_path, folder / "no-inspect-file.json")  # counts computed, as without -i
    loop = asyncio.new_event_loop()
    loop.run_until_complete(ds.invoke_startup())
    db = ds.get_database("literature")
    for shortcut in db.facet_shortcuts:
        loop.run_until_complete(shortcut.read())
    yield ds, db, loop
    loop.run_until_complete(loop.shutdown_asyncgens())
    loop.close()


def answers_with_and_without_memory(ds, db, loop, path):
    """The JSON of path counted from memory, then with the columns forgotten (every
    facet a query, as Datasette writes it), each from an empty results cache."""
    [shortcut] = db.facet_shortcuts
    answers = []
    for columns in (shortcut.columns, None):
        held, shortcut.columns = shortcut.columns, columns
        db.result_cache.entries.clear()
        shortcut.matching.clear()
        response = loop.run_until_complete(ds.client.get(path))
        shortcut.columns = held if columns is None else shortcut.columns
        assert response.status_code == 200, (path, response.text[:300])
        data = response.json()
        data.pop("query_ms", None)
        answers.append(data)
    return answers


TABLE_PAGES = [
    "/literature/papers.json",
    "/literature/papers.json?year=2019",
    "/literature/papers.json?_search=cerebellum",
    "/literature/papers.json?_search=dystonia&_sort=title",
    "/literature/papers.json?topics__arraycontains=Dystonia&year__gte=2015",
    "/literature/papers.json?is_open_access=1&_facet_size=3",
    "/literature/papers.json?_facet_size=max",
    "/literature/papers.json?_facet=volume",
    "/literature/papers.json?_facet_array=keywords&year__lt=2020",
    "/literature/papers.json?_where=citation_count>10",
    "/literature/papers.json?_search=nothingmatchesthis",
]


@pytest.mark.parametrize("path", TABLE_PAGES)
def test_table_page_facets_from_memory_are_datasettes(corpus_site, path):
    ds, db, loop = corpus_site
    from_memory, from_sql = answers_with_and_without_memory(ds, db, loop, path)
    assert from_memory["facet_results"] == from_sql["facet_results"]
    assert from_memory["filtered_table_rows_count"] == from_sql["filtered_table_rows_count"]
    assert from_memory == from_sql
    assert any(facet["results"] for facet in from_sql["facet_results"].values()) or "nothing" in path


def test_table_pages_do_count_from_memory(corpus_site):
    """The rows of a filtered page are found once and kept: the counts came from memory."""
    ds, db, loop = corpus_site
    [shortcut] = db.facet_shortcuts
    shortcut.matching.clear()
    db.result_cache.entries.clear()
    loop.run_until_complete(ds.client.get("/literature/papers?year=2018"))
    assert [key[0] for key in shortcut.matching.keys()] == ['select rowid from [papers] where "year" = :p0']
    shortcut.matching.clear()
    loop.run_until_complete(ds.client.get("/literature/search?q=2018%5Bdp%5D"))
    assert [key[0] for key in shortcut.matching.keys()] == [
        " SELECT rid FROM (SELECT p.rowid AS rid, NULL AS score FROM papers p "
        "WHERE p.year >= CAST(:p0 AS INTEGER) AND p.year <= CAST(:p1 AS INTEGER))"]


SEARCHES = ["cerebellum", "dystonia AND 2019[dp]", "tremor OR ataxia", "review[pt]", "cerebell*",
            "nothingmatchesthis", "dystonia NOT cerebellum"]


@pytest.mark.parametrize("q", SEARCHES)
def test_search_facets_from_memory_are_the_sql_ones(corpus_site, q):
    ds, db, loop = corpus_site
    from_memory, from_sql = answers_with_and_without_memory(
        ds, db, loop, "/literature/search.json?" + __import__("urllib.parse").parse.urlencode({"q": q}))
    assert from_memory == from_sql
    assert from_sql["facets"] is not None
