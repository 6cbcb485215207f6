"""Paging through a real server loses and repeats nothing: every table and the view, under
its default sort and every sort its page offers, ascending and descending, in JSON
(following next_url) and in the streamed CSV, gives each row exactly once.

The corpus is made to be hard: 287 papers, then over a third of the years set to NULL
(the default sort is year descending), a fifth of the titles made identical, DOIs and
PMIDs removed here and there, so that every sort has long runs of ties and NULLs across
page boundaries. The site serves at most MAX_ROWS (100) rows a page, and the CSV stream
pages by that many rows (Datasette's as_csv), so that a table of a few hundred rows
spans several JSON pages and several CSV stream pages (with make serve's 1,000, the
corpus had to be 1,100 papers for the same).

Without plugins/exports.py's paging correction these tests fail for papers (default
sort: rows lost and repeated at the first page boundary) and for the other tables
sorted by a column with ties."""

import csv
import functools
import io
import json
import math
import sqlite3
import urllib.parse
from collections import Counter

import pytest
import yaml

from conftest import ROOT, build_quietly, get, make_corpus, plugin_module, serving

TABLES = ["papers", "authors", "journals", "paper_authors", "paper_references", "mesh_terms", "grants", "topics",
          "paper_topics", "sources", "provenance", "disagreement_fields"]
VIEW = "disagreements"
MAX_ROWS = 100  # the site's max_returned_rows here (make serve's: 1,000)
# The tables whose CSV stream takes three pages or more (the others fit in one).
CSV_PAGED = {"papers", "authors", "paper_authors", "paper_references", "mesh_terms", "paper_topics", "sources",
             "provenance"}
# Ties and NULLs on top of the corpus's own (written by hand, not derived from the code).
DAMAGE = [
    "update papers set year = null where substr(id, 1, 1) in ('0', '1', '2', '3', '4', '5')",  # 107 of 287
    "update papers set title = 'Cerebellum and dystonia' where substr(id, 2, 1) in ('3', '4', '5')",
    "update papers set doi = null where substr(id, 3, 1) in ('6', '7')",
    "update papers set pmid = null where substr(id, 3, 1) in ('8', '9')",
    "update papers set citation_count = null where substr(id, 4, 1) in ('a', 'b', 'c')",
    # the largest tables cut to 230-490 rows: three to five CSV pages (MAX_ROWS each), in a
    # fraction of the time
    "delete from paper_references where position > 2",
    # 440 of 6,378: every row of the disagreements view kept (46 rows), one in 16 of the others
    "delete from provenance where id % 16 != 0 and not exists (select 1 from disagreement_fields d"
    " where d.paper_id = provenance.paper_id and d.field = provenance.field)",
    "delete from paper_authors where position > 2",
    "delete from paper_topics where rowid % 8 != 0",
    "delete from authors where rowid % 3 != 0",
    "delete from mesh_terms where rowid % 2 = 0",
]


@functools.cache
def tables_metadata() -> dict:
    """metadata.yml's tables, read once (PyYAML's reader took a tenth of a second a table)."""
    return yaml.safe_load((ROOT / "metadata.yml").read_text())["databases"]["literature"]["tables"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("paging")
    make_corpus(folder / "seeds", 300)
    db = folder / "literature.db"
    assert build_quietly(folder / "seeds", db) == 0
    conn = sqlite3.connect(db)
    with conn:
        for sql in DAMAGE:
            conn.execute(sql)
    conn.close()
    # Their subject is completeness, not the time limit: at a load of 9 a CSV page of
    # 1,000 rows ran past 1 s and was cut (the cut is tests/test_security.py's subject).
    with serving(db, folder / "datasette.log",
                 settings={"sql_time_limit_ms": 10_000, "max_returned_rows": MAX_ROWS}) as (_, url):
        yield url, db


def keys_of(db, table):
    """The primary key columns of a table (every column of the view), and every row's key."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        pks = [r[1] for r in sorted(conn.execute(f"pragma table_info([{table}])"), key=lambda r: r[5]) if r[5]]
        columns = pks or [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
        rows = Counter(tuple(r) for r in conn.execute(f"select {', '.join(columns)} from [{table}]"))
        return columns, rows
    finally:
        conn.close()


def offered_sorts(table, columns):
    """The default order and every sort the page offers: metadata's sortable_columns, else
    every column (Datasette's default), each ascending and descending."""
    meta = tables_metadata().get(table, {})
    sortable = meta.get("sortable_columns", columns)
    return [{}] + [{"_sort": c} for c in sortable] + [{"_sort_desc": c} for c in sortable]


def walk_json(url, path, params, key_columns):
    """Follow next_url from the first page to the last; the keys of every row seen."""
    seen, pages = [], 0
    next_url = url + path + "?" + urllib.parse.urlencode(flat(dict(params, _shape="objects")))
    while next_url:
        assert next_url.startswith(url)
        status, _, body = get(url, next_url[len(url):])
        assert status == 200, body
        data = json.loads(body)
        seen += [tuple(row[c] for c in key_columns) for row in data["rows"]]
        next_url = data.get("next_url")
        pages += 1
        assert pages < 200, "next_url never ends"
    return seen, pages


def stream_csv(url, path, params, key_columns, types):
    """The keys of every row of the streamed CSV, in the database's types (CSV is text,
    NULL an empty cell)."""
    status, _, body = get(url, path + "?" + urllib.parse.urlencode(params + [("_stream", "on")]))
    assert status == 200, body
    return [tuple(None if row[c] == "" else t(row[c]) for c, t in zip(key_columns, types))
            for row in csv.DictReader(io.StringIO(body))]


def column_types(rows: Counter, width: int) -> list[type]:
    return [next((type(r[i]) for r in rows if r[i] is not None), str) for i in range(width)]


def all_columns(db, table):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[1] for r in conn.execute(f"pragma table_info([{table}])")]
    finally:
        conn.close()


def flat(params: dict) -> list[tuple]:
    return [(k, x) for k, v in params.items() for x in (v if isinstance(v, list) else [v])]


@pytest.mark.parametrize("table", TABLES + [VIEW])
def test_every_row_exactly_once_under_every_sort(site, table):
    url, db = site
    key_columns, want = keys_of(db, table)
    total = sum(want.values())
    assert total > 20
    if table in CSV_PAGED:
        assert total > 2 * MAX_ROWS
    types = column_types(want, len(key_columns))
    # pages of about a quarter of the table, so that every sort crosses several boundaries
    size = min(MAX_ROWS, max(3, math.ceil(total / 4)))
    is_view = table == VIEW
    for sort in offered_sorts(table, all_columns(db, table)):
        column = sort.get("_sort") or sort.get("_sort_desc")
        params = dict(sort, _nofacet=1, _nocount=1)
        if not is_view:  # the key and the sort column only: the same paging, lighter pages
            params["_col"] = list(dict.fromkeys(key_columns + ([column] if column else [])))
        seen, pages = walk_json(url, f"/literature/{table}.json", dict(params, _size=size), key_columns)
        assert pages >= 4
        assert Counter(seen) == want, f"{table} {sort}: JSON pages lost or repeated rows"
        got = stream_csv(url, f"/literature/{table}.csv", flat(params), key_columns, types)
        assert Counter(got) == want, f"{table} {sort}: the CSV stream lost or repeated rows"


def test_papers_default_pages_as_a_visitor_gets_them(site):
    """The papers' own JSON pages (every column, default size 50, sorted by year
    descending with NULL years last), as make serve serves them."""
    url, db = site
    _, want = keys_of(db, "papers")
    assert sum(1 for _ in want) > 2 * MAX_ROWS
    seen, pages = walk_json(url, "/literature/papers.json", {}, ["id"])
    assert pages == math.ceil(sum(want.values()) / 50)
    assert Counter(seen) == want


def test_the_page_ending_is_found_from_the_end():
    """The " [order by …] limit N[ offset M]" ending of a page's SQL, found without trying
    every place of a visitor's _where text (a run of 200,000 spaces there made it quadratic)."""
    exports = plugin_module("exports")
    assert exports.page_suffix("select a from [papers]  limit 51") == (22, None, "51", None)
    assert exports.page_suffix("select a from [papers] where x order by [year] desc, id limit 51 offset 100") == (
        30, "[year] desc, id", "51", "100")
    assert exports.page_suffix("select a from papers where t = ' limit 5' order by title limit 51") == (
        41, "title", "51", None)
    assert exports.page_suffix("select a from [papers] where " + " " * 200_000 + "1 limit 51")[1:] == (None, "51", None)
    assert exports.page_suffix("select 1") is None
