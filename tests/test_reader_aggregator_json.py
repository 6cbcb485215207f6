"""Golden tests for format 2, the aggregator JSON record (Semantic Scholar data).

Expected values are written by hand from the seed; variants cover what the format
allows: numbers as strings, nulls, HTML, arrays of records, wrong types."""

import dataclasses
import json

import pytest

from conftest import SEEDS
from litdb.readers.aggregator_json import parse_aggregator_file
from litdb.readers import decode, detect
from litdb.records import Claim, RecordError

SEED_001 = SEEDS / "001_51f3e96b9982b093.txt"

SEED_001_ABSTRACT = (
    "Dystonia is a movement disorder that is characterized by involuntary muscle contractions, "
    "abnormal movements and postures, as well as by non-motor symptoms, and is due to abnormalities "
    "in different brain areas. In this article, we focus on the growing number of experimental "
    "studies aimed at explaining the pathophysiological role of the cerebellum in dystonia. Lastly, "
    "we highlight gaps in current knowledge and issues that future research studies should focus on "
    "as well as some of the potential applications of this research avenue. Clarifying the "
    "pathophysiological role of cerebellum in dystonia is an important concern given the increasing "
    "availability of invasive and non-invasive stimulation techniques and their potential "
    "therapeutic role in this condition."
)

SUPPRESSED = (
    "suppressed: openAccessPdf pointed to a shadow library (unauthorised copy), never published; "
    "the record itself says the paper is not open access"
)


def test_seed_001_is_detected_as_aggregator_json():
    assert detect(decode(SEED_001.read_bytes())) == "aggregator_json"


def test_seed_001_every_field():
    [record] = parse_aggregator_file(SEED_001.read_text(encoding="utf-8"))
    assert dataclasses.asdict(record) == {
        "format": "aggregator_json",
        "title": "Cerebellum: An explanation for dystonia?",
        "doi": "10.1186/s40673-017-0064-8",
        "pmid": None,
        "pmcid": None,
        "abstract": SEED_001_ABSTRACT,
        "journal_title": "Cerebellum and Ataxias",
        "journal_abbreviation": None,
        "year": 2017,
        "publication_date": "2017-05-12",
        "epub_date": None,
        "volume": "4",
        "issue": None,
        "pages": "6",
        "citation_count": 45,
        "is_open_access": False,
        "open_access_url": None,
        "issns": [],
        "issn_l": None,
        "authors": [
            {"name": "Matteo Bologna", "family": "Bologna", "given": "Matteo", "orcid": None, "affiliations": [],
             "group": False},
            {"name": "Alfredo Berardelli", "family": "Berardelli", "given": "Alfredo", "orcid": None,
             "affiliations": [], "group": False},
        ],
        "authors_complete": True,
        "publication_types": ["Journal Article"],
        "keywords": [],
        "mesh_terms": [],
        "grants": [],
        "copyright": None,
        "references": [],
        "claims": [
            dataclasses.asdict(c) for c in [
                Claim("open_access_url", None, SUPPRESSED),
                Claim("aggregator:PeriodicalId", "36752", "aggregator's journal id"),
                Claim("aggregator:PeriodicalIF", "0.0", "journal impact factor, as the aggregator states it"),
                Claim("aggregator:platform", "Semanticscholar", "platform the aggregator took the record from"),
                Claim("aggregator:PeriodicalName", "Cerebellum and Ataxias", "journal name, as the aggregator states it"),
                Claim("aggregator:FirstCategoryId", "1085", "aggregator's subject category id"),
                Claim("aggregator:ListUrlMain", "https://doi.org/10.1186/s40673-017-0064-8",
                      "main link listed by the aggregator"),
                Claim("aggregator:RegionNum", "0", "aggregator's region ranking of the journal"),
                Claim("aggregator:EPubDate", "2017/1/1 0:00:00",
                      "aggregator's e-publication date; month 1 day 1 at midnight stands for the year only"),
                Claim("aggregator:PubModel", "eCollection", "publication model, as the aggregator states it"),
                Claim("aggregator:JCR", "Q3", "JCR quartile of the journal, as the aggregator states it"),
                Claim("aggregator:JCRName", "Medicine", "JCR subject category, as the aggregator states it"),
                Claim("aggregator:Total", "0", "aggregator's total"),
            ]
        ],
        "line": None,
    }


def record_text(**changes) -> str:
    """The seed's JSON with some fields changed, plus its trailer lines."""
    text = SEED_001.read_text(encoding="utf-8")
    data, end = json.JSONDecoder().raw_decode(text)
    data.update(changes)
    return json.dumps(data, ensure_ascii=False) + text[end:]


def parse_one(**changes):
    [record] = parse_aggregator_file(record_text(**changes))
    return record


def test_html_and_entities_become_plain_text():
    record = parse_one(
        title="<i>TOR1A</i> &amp; the cerebellum: <b>a&nbsp;review</b>",
        abstract="<p>First &lt;para&gt;.</p><p>Second <sup>2</sup> para.</p>",
    )
    assert record.title == "TOR1A & the cerebellum: a review"
    assert record.abstract == "First <para>.\n\nSecond 2 para."


def test_numbers_strings_and_stray_spaces():
    record = parse_one(citationCount=12, journal={"name": " Mov Disord ", "volume": 34, "pages": "1234 - 50"})
    assert (record.citation_count, record.journal_title, record.volume, record.pages) == (
        12, "Mov Disord", "34", "1234-1250")


def test_nulls_everywhere_but_title():
    record = parse_one(authors=None, doi=None, abstract=None, journal=None, publicationDate=None,
                       EPubDate=None, citationCount=None, isOpenAccess=None, openAccessPdf=None,
                       publicationTypes=None, PeriodicalName=None)
    assert record.authors == [] and record.authors_complete is False
    assert record.doi is None and record.journal_title is None and record.year is None
    # The abstract and the citation count survive in the lines after the JSON.
    assert record.abstract == SEED_001_ABSTRACT
    assert record.citation_count == 45
    assert record.is_open_access is None and record.open_access_url is None


def test_epubdate_placeholder_gives_only_the_year():
    record = parse_one(publicationDate=None)
    assert (record.year, record.publication_date) == (2017, "2017")


def test_legitimate_open_access_link_is_kept():
    record = parse_one(isOpenAccess=True, openAccessPdf="https://cerebellumandataxias.biomedcentral.com/x.pdf")
    assert record.is_open_access is True
    assert record.open_access_url == "https://cerebellumandataxias.biomedcentral.com/x.pdf"
    assert not [c for c in record.claims if c.field == "open_access_url"]


@pytest.mark.parametrize("url", ["https://sci-hub.se/10.1/x", "http://libgen.rs/x", "https://z-lib.org/x",
                                 "https://www.sci-hub-pdf.com/10.1186/x"])
def test_shadow_library_links_are_suppressed(url):
    record = parse_one(isOpenAccess=True, openAccessPdf={"url": url})
    assert record.open_access_url is None
    [claim] = [c for c in record.claims if c.field == "open_access_url"]
    assert claim.value is None and claim.note.startswith("suppressed: openAccessPdf pointed to a shadow library")


def test_upper_case_doi_url_is_normalised():
    assert parse_one(doi="https://doi.org/10.1186/S40673-017-0064-8").doi == "10.1186/s40673-017-0064-8"


def test_wrong_types_are_ignored_and_noted():
    record = parse_one(doi=["10.1/x"], authors={"a": 1}, citationCount=True, journal="Brain")
    assert record.doi is None and record.authors == [] and record.citation_count == 45
    notes = {c.field: c.note for c in record.claims}
    assert notes["doi"] == "ignored: expected text"
    assert notes["authors"] == "ignored: expected text"
    assert notes["journal"] == "ignored: expected an object"


def test_array_of_records():
    text = json.dumps([{"title": "One", "doi": "10.1000/ONE"}, {"title": "Two", "authors": ["A B", "C D"]}])
    one, two = parse_aggregator_file(text)
    assert (one.title, one.doi, two.title) == ("One", "10.1000/one", "Two")
    assert [(a.name, a.family, a.given) for a in two.authors] == [("A B", "B", "A"), ("C D", "D", "C")]


def test_s2_publication_types_are_spelled_out():
    assert parse_one(publicationTypes="JournalArticle,Review").publication_types == ["Journal Article", "Review"]


@pytest.mark.parametrize("text, message", [
    ('{"title": "x", "doi": ', "invalid JSON at line 1, column 23: Expecting value"),
    ('{"title": null}', "record has no title"),
    ('"just a string"', "JSON is a str, expected an object or a list of objects"),
])
def test_bad_records_raise_clear_errors(text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)") + "$"):
        parse_aggregator_file(text)


@pytest.mark.parametrize("text, claimed", [
    # its own keys, wherever they are
    ('{"title": "T", "authors": "A B", "PeriodicalName": "Brain"}', True),
    ('{"title": "T", "x": [' + '1, ' * 5000 + '1], "ListUrlMain": "https://doi.org/10.1000/x"}', True),  # far on
    # its trailer lines
    ('{"title": "T"}\n引用次数: 3\n', True),
    ('[{"title": "T"}]\nCitations: 3\nAbstract\nText.', True),
    # Semantic Scholar's names beside a lower-case doi, without the Graph API's ids
    ('{"title": "T", "doi": "10.1000/x", "publicationDate": "2020-01-01"}', True),
    # other JSON: not the aggregator's any more
    ('{"title": "T", "DOI": "10.1000/x", "type": "article-journal"}', False),
    ('{"paperId": "abc", "title": "T", "citationCount": 3}', False),
    ('{"id": "https://openalex.org/W1", "doi": "https://doi.org/10.1000/x", "display_name": "T"}', False),
    ('{"some": "json"}', False),
    ('[Wilson disease]\nAbstract\nText.', False),
])
def test_claims_only_its_own_records(text, claimed):
    from litdb.readers import aggregator_json
    assert aggregator_json.looks_like(text) is claimed


def test_a_bad_item_of_an_array_is_a_record_error_in_its_place():
    # [record, 1] and [record, untitled] rejected the whole file; now each bad item is a
    # RecordError at its position and line, and the others load
    text = '[\n{"title": "One", "doi": "10.1000/ONE"},\n1,\n{"doi": "10.5555/x", "PeriodicalId": null},\n' \
           '"x",\n{"title": "Two"}\n]\n引用次数: 3\n'
    assert detect(text) == "aggregator_json"
    one, number, untitled, string, two = parse_aggregator_file(text)
    assert (one.title, one.doi, one.line, one.citation_count) == ("One", "10.1000/one", 2, None)
    assert number == RecordError(2, 3, "item is a number, expected an object")
    assert untitled == RecordError(3, 4, "record has no title")
    assert string == RecordError(4, 5, "item is a string, expected an object")
    assert (two.title, two.line) == ("Two", 6)


def test_an_array_of_no_record_before_the_trailer_is_still_the_aggregators():
    # its trailer lines say whose it is; the item is a RecordError, so the file loads nothing
    assert detect('[null]\n引用次数: 3\nAbstract\nText.') == "aggregator_json"
    assert parse_aggregator_file('[null]\n引用次数: 3\n') == [RecordError(1, 1, "item is null, expected an object")]
    # without them, no format
    assert detect("[null]") is None and detect("[Wilson disease]\nAbstract\nText.") is None


def test_a_cut_record_says_its_whole_reason():
    """A record cut inside a string: the reason says where, whole (it stopped at
    "Unterminated string starting at" before, as issue 13 found in another reader)."""
    with pytest.raises(ValueError) as e:
        parse_aggregator_file('{"Title": "Cerebellar stimulation in dystonia", "DOI": "10.1000/x", "Abstract": "cut')
    assert str(e.value) == "invalid JSON at line 1, column 81: Unterminated string starting at line 1, column 81"
