"""Golden tests for format 1, the PubMed abstract page copied as text.

Expected values are written by hand from the seed and fixture files."""

import dataclasses
import json

import pytest

from conftest import FIXTURES, SEEDS
from litdb.readers import decode, detect
from litdb.readers.pubmed_page import parse_pubmed_page
from litdb.records import Reference

SEED_000 = SEEDS / "000_a766678b1bddf855.txt"

SEED_000_ABSTRACT = (
    "Dystonia is a common movement disorder characterized by sustained muscle contractions. "
    "These contractions generate twisting and repetitive movements or typical abnormal postures, "
    "often exacerbated by voluntary movement. Dystonia can affect almost all the voluntary muscles. "
    "For several decades, the discussion on the pathogenesis has been focused on basal ganglia "
    "circuits, especially striatal networks. So far, although dystonia has been observed in some "
    "forms of ataxia such as dominant ataxias, the link between the cerebellum and dystonia has "
    "remained unclear. Recent human studies and experimental data mainly in rodents show that the "
    "cerebellum circuitry could also be a key player in the pathogenesis of some forms of dystonia. "
    "In particular, studies based on behavioral adaptation paradigm shed light on the links between "
    "dystonia and cerebellum. The spectrum of movement disorders in which the cerebellum is "
    "implicated is continuously expanding, and manipulation of cerebellar circuits might even "
    "emerge as a candidate therapy in the coming years."
)


def test_seed_000_is_detected_as_pubmed_page():
    assert detect(decode(SEED_000.read_bytes())) == "pubmed_page"


@pytest.mark.parametrize("marker, found", [
    ("Abstract", True), ("PMID: 24843053", True), ("PubMed  Disclaimer", True), ("Access keys NCBI Homepage", True),
    ("Cerebellum - PubMed", True),
    ("The Abstract is here", False), ("see PMID: 24843053 here", False), ("PubMed Disclaimer below", False),
])
def test_page_markers_count_only_as_whole_lines(marker, found):
    text = f"{marker}\n. 2014 Dec;13(6):666-8.\nA title\n"
    assert (detect(text) == "pubmed_page") is found


def test_seed_000_every_field():
    record = parse_pubmed_page(SEED_000.read_text(encoding="utf-8"))
    assert dataclasses.asdict(record) == {
        "format": "pubmed_page",
        "title": "Dissecting the links between cerebellum and dystonia",
        "doi": "10.1007/s12311-014-0601-4",
        "pmid": None,
        "pmcid": None,
        "abstract": SEED_000_ABSTRACT,
        "journal_title": None,
        "journal_abbreviation": "Cerebellum",
        "year": 2014,
        "publication_date": "2014-12",
        "epub_date": None,
        "volume": "13",
        "issue": "6",
        "pages": "666-668",
        "citation_count": None,
        "is_open_access": None,
        "open_access_url": None,
        "issns": [],
        "issn_l": None,
        "authors": [{"name": "Ailish Malone", "family": "Malone", "given": "Ailish", "orcid": None,
                     "affiliations": [], "group": False}],
        "authors_complete": False,
        "publication_types": ["Editorial"],
        "keywords": [],
        "mesh_terms": [],
        "grants": [],
        "copyright": None,
        "references": [
            dataclasses.asdict(r) for r in [
                Reference(1, "Eur J Neurol. 2015 May;22(5):762-7", journal="Eur J Neurol", year=2015,
                          month=5, volume="22", issue="5", pages="762-767"),
                Reference(2, "Cerebellum. 2014 Oct;13(5):558-67", journal="Cerebellum", year=2014,
                          month=10, volume="13", issue="5", pages="558-567"),
                Reference(3, "Cereb Cortex. 2011 Aug;21(8):1901-9", journal="Cereb Cortex", year=2011,
                          month=8, volume="21", issue="8", pages="1901-1909"),
                Reference(4, "Curr Opin Neurobiol. 1995 Dec;5(6):786-91", journal="Curr Opin Neurobiol",
                          year=1995, month=12, volume="5", issue="6", pages="786-791"),
                Reference(5, "J Neurosci. 2006 Sep 6;26(36):9107-16", journal="J Neurosci", year=2006,
                          month=9, day=6, volume="26", issue="36", pages="9107-9116"),
            ]
        ],
        "claims": [],
        "line": None,
    }


def _fixture_cases():
    return sorted(p for p in FIXTURES.glob("pubmed_*.txt") if p.with_suffix(".expected.json").exists())


@pytest.mark.parametrize("path", _fixture_cases(), ids=lambda p: p.name)
def test_fixture_pages_every_field(path):
    """Newer-layout pages: every field against the hand-written .expected.json beside it."""
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    record = dataclasses.asdict(parse_pubmed_page(decode(path.read_bytes())))
    assert detect(decode(path.read_bytes())) == "pubmed_page"
    for field in expected:
        assert record[field] == expected[field], field
    assert set(record) == set(expected)


def test_there_are_newer_layout_fixtures():
    assert len(_fixture_cases()) >= 2


def test_seed_000_against_second_hand_written_expectation():
    """A second, independently written expectation of the seed (tests/fixtures)."""
    expected = json.loads((FIXTURES / "pubmed_seed_000.expected.json").read_text(encoding="utf-8"))
    record = dataclasses.asdict(parse_pubmed_page(SEED_000.read_text(encoding="utf-8")))
    assert record == expected
