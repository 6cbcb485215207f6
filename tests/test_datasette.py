"""The published site, through a real Datasette server on 127.0.0.1 started as `make serve` starts it."""

import csv
import io
import json
import os
import subprocess
import sys
import urllib.request

import pytest

from conftest import ROOT, SEEDS, get

OLD = "486bd29b069a"  # Dissecting the links between cerebellum and dystonia (seed 000)
NEW = "9c8f9033fd60"  # Cerebellum: An explanation for dystonia? (seed 001)


def get_json(server, path, **params):
    status, _, body = get(server, path, **params)
    assert status == 200, body
    return json.loads(body)


def test_home_page_has_search_form_and_counts(server):
    status, _, body = get(server, "/")
    assert status == 200
    assert 'action="/literature/search"' in body and 'id="search-q"' in body
    assert "Cerebellum and dystonia literature" in body
    assert "CC0 1.0" in body


def test_facets_on_papers(server):
    data = get_json(server, "/literature/papers.json", _shape="objects")
    facets = data["facet_results"]
    assert list(facets) == ["year", "journal_id", "is_open_access", "publication_types", "authors", "topics"]
    assert [(r["value"], r["count"]) for r in facets["year"]["results"]] == [(2014, 1), (2017, 1)]
    assert [(r["label"], r["count"]) for r in facets["journal_id"]["results"]] == [
        ("Cerebellum", 1), ("Cerebellum and Ataxias", 1)]
    assert facets["publication_types"]["type"] == "array"
    assert [r["value"] for r in facets["publication_types"]["results"]] == ["Editorial", "Journal Article"]
    assert [r["value"] for r in facets["authors"]["results"]] == [
        "Ailish Malone", "Alfredo Berardelli", "Matteo Bologna"]
    assert [(r["value"], r["count"]) for r in facets["is_open_access"]["results"]] == [(0, 1)]
    assert [(r["value"], r["count"]) for r in facets["topics"]["results"]] == [
        ("Cerebellum", 2), ("Dystonia", 2), ("Ataxia", 1), ("Basal ganglia", 1),
        ("Motor learning and adaptation", 1), ("Rodent models", 1), ("Striatum", 1)]


def test_array_facet_filters(server):
    rows = get_json(server, "/literature/papers.json", _shape="array", authors__arraycontains="Matteo Bologna")
    assert [r["id"] for r in rows] == [NEW]


def test_default_sort_is_newest_first(server):
    rows = get_json(server, "/literature/papers.json", _shape="array")
    assert [r["id"] for r in rows] == [NEW, OLD]


def test_full_text_search_on_papers(server):
    rows = get_json(server, "/literature/papers.json", _shape="array", _search="basal ganglia")
    assert [r["id"] for r in rows] == [OLD]


def test_search_all_tables(server):
    status, _, body = get(server, "/-/search", q="dystonia")
    assert status == 200
    assert '"table": "papers"' in body  # the tables the page's script will search
    # ...which it does by fetching each searchable table's JSON:
    rows = get_json(server, "/literature/papers.json", _search="dystonia", _shape="array")
    assert sorted(r["id"] for r in rows) == sorted([OLD, NEW])


def test_canned_search_query_ranks_and_snippets(server):
    rows = get_json(server, "/literature/search.json", q="striatal", _shape="array")
    assert [r["paper_id"] for r in rows] == [OLD]
    assert "**striatal**" in rows[0]["snippet"]
    # FTS syntax in the user's text is escaped into plain words, not an error:
    # only the 2014 abstract has both "cerebellum" and the word "or".
    rows = get_json(server, "/literature/search.json", q='cerebellum" OR (', _shape="array")
    assert [r["paper_id"] for r in rows] == [OLD]


def test_canned_search_page_highlights_matches(server):
    status, _, body = get(server, "/literature/search", q="striatal")
    assert status == 200
    assert "<mark>striatal</mark>" in body
    assert f'href="/literature/papers/{OLD}"' in body


def test_papers_by_author(server):
    rows = get_json(server, "/literature/papers_by_author.json", author="bologna", _shape="array")
    assert rows == [{"paper_id": NEW, "title": "Cerebellum: An explanation for dystonia?", "year": 2017,
                     "journal": "Cerebellum and Ataxias", "author": "Matteo Bologna", "author_position": 1}]


def test_references_of_a_paper(server):
    rows = get_json(server, "/literature/references_of_paper.json", paper_id=OLD, _shape="array")
    assert [r["citation"] for r in rows] == [
        "Eur J Neurol. 2015 May;22(5):762-7", "Cerebellum. 2014 Oct;13(5):558-67",
        "Cereb Cortex. 2011 Aug;21(8):1901-9", "Curr Opin Neurobiol. 1995 Dec;5(6):786-91",
        "J Neurosci. 2006 Sep 6;26(36):9107-16"]
    assert [r["position"] for r in rows] == [1, 2, 3, 4, 5]


def test_source_disagreements_query_runs(server):
    # Each seed paper has one source: nothing to disagree on. The query's rows where
    # sources do differ: tests/test_merge.py::test_disagreements_view_lists_fields_where_sources_differ.
    assert get_json(server, "/literature/source_disagreements.json", _shape="array") == []


def test_json_shapes(server):
    array = get_json(server, "/literature/journals.json", _shape="array")
    assert array == [
        {"id": "0cf861b7e02d", "name": "Cerebellum", "title": None, "abbreviation": "Cerebellum", "issn_l": None,
         "issns": None, "paper_count": 1},
        {"id": "a6d5cc27217e", "name": "Cerebellum and Ataxias", "title": "Cerebellum and Ataxias",
         "abbreviation": None, "issn_l": None, "issns": None, "paper_count": 1},
    ]
    assert get_json(server, "/literature/journals.json", _shape="objects")["rows"] == array
    status, _, body = get(server, "/literature/journals.json", _shape="array", _nl="on")
    assert [json.loads(line) for line in body.splitlines()] == array
    default = get_json(server, "/literature/journals.json")
    assert default["columns"] == ["id", "name", "title", "abbreviation", "issn_l", "issns", "paper_count"]
    assert default["rows"][0] == ["0cf861b7e02d", "Cerebellum", None, "Cerebellum", None, None, 1]


def test_csv(server):
    status, headers, body = get(server, "/literature/paper_references.csv")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 5 and rows[0]["pages"] == "762-767"


def test_labels_show_names_for_foreign_keys(server):
    rows = get_json(server, "/literature/papers.json", _shape="array", _labels="on", id=OLD)
    assert rows[0]["journal_id"] == {"value": "0cf861b7e02d", "label": "Cerebellum"}


def test_row_page(server):
    status, _, body = get(server, f"/literature/papers/{OLD}")
    assert status == 200 and "Dissecting the links between cerebellum and dystonia" in body


@pytest.mark.parametrize("sql", [
    "delete from papers",
    "update papers set title = 'x'",
    "insert into journals (id) values ('x')",
    "drop table papers",
    "select 1; delete from papers",
    "attach database '/tmp/x.db' as x",
    "pragma journal_mode = wal",
])
def test_writes_are_refused(server, sql):
    status, _, body = get(server, "/literature.json", sql=sql)
    assert status == 400
    assert json.loads(body)["ok"] is False
    assert get_json(server, "/literature/papers.json", _shape="array", _size=10).__len__() == 2


def test_read_only_sql_works_and_is_bounded(server):
    rows = get_json(server, "/literature.json", sql="select count(*) as n from papers", _shape="array")
    assert rows == [{"n": 2}]
    settings = get_json(server, "/-/settings.json")
    assert settings["sql_time_limit_ms"] == 1000 and settings["max_returned_rows"] == 1000
    status, _, body = get(server, "/literature.json", _shape="array",
                          sql="with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c")
    assert status == 400 and "interrupted" in body.lower()


def test_served_immutable_with_inspect_counts(server):
    [db] = get_json(server, "/-/databases.json")
    assert db["name"] == "literature" and db["is_mutable"] is False
    counts = {t["name"]: t["count"] for t in get_json(server, "/literature.json")["tables"]}
    assert {name: counts[name] for name in ("papers", "authors", "journals", "paper_references", "sources")} == {
        "papers": 2, "authors": 3, "journals": 2, "paper_references": 5, "sources": 2}


def test_a_database_file_of_another_name_is_served_as_literature(tmp_path):
    """Pages, links and metadata.yml know the database as "literature", whatever the
    file is called (a site serving papers-2026.db answered the home page with an error)."""
    from conftest import build_quietly
    from litdb.serve import start_site
    db = tmp_path / "papers-2026.db"
    assert build_quietly(SEEDS, db) == 0
    process, base = start_site(db, tmp_path / "serve.log")
    try:
        for path in ("/", "/literature/papers", "/literature/papers/486bd29b069a", "/literature/search?q=dystonia"):
            with urllib.request.urlopen(base + path) as response:
                assert response.status == 200, path
        with urllib.request.urlopen(base + "/-/databases.json") as response:
            assert [d["name"] for d in json.load(response)] == ["literature"]
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_another_datasette_version_is_refused_with_a_clear_message(monkeypatch):
    import datasette.version
    from litdb import serve
    monkeypatch.setattr(datasette.version, "__version__", "1.0a19")
    with pytest.raises(SystemExit, match=r"^Datasette 1\.0a19 is installed; this site is written for Datasette 0\.65\.x"):
        serve.check_datasette_version()


def test_settings_from_the_environment_only_whole_numbers_it_knows():
    run = lambda value: subprocess.run(  # noqa: E731
        [sys.executable, "-c", "import litdb.serve as s; print(s.SETTINGS['sql_time_limit_ms'], s.SETTINGS['num_sql_threads'])"],
        capture_output=True, text=True, cwd=ROOT, env={**os.environ, "LITDB_SETTINGS": value})
    ok = run("sql_time_limit_ms=10000,num_sql_threads=4")
    assert (ok.returncode, ok.stdout) == (0, "10000 4\n")
    for bad in ("foo=1", "sql_time_limit_ms=1.5", "suggest_facets=1", "sql_time_limit_ms", "sql_time_limit_ms=\u00b2"):
        refused = run(bad)
        assert refused.returncode == 1
        assert refused.stderr == f"LITDB_SETTINGS: {bad} is not a whole-number setting of litdb/serve.py\n"
