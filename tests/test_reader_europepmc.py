"""Golden tests for the Europe PMC reader: a core search page (a MEDLINE journal article
with MeSH, keywords, an ORCID, affiliations, a grant and its PMC full text; a bad record;
a medRxiv preprint), a lite search page, the answer of /article/ (a GeneReviews chapter)
and two cursor pages saved one after the other. Every field compared to values typed
by hand from the fixtures; a build shows the same papers from MEDLINE and Europe PMC
merged."""

import dataclasses
import io
import json
import sqlite3

import pytest

from conftest import FIXTURES
from golden import expected, fixture_records, fixture_text, person
from litdb.build import build
from litdb.readers import aggregator_json, csl_json, detect, europepmc
from litdb.records import RecordError

DIR = FIXTURES / "europepmc"
SAPIENZA = ("Department of Neurology and Psychiatry, Sapienza University of Rome, Viale dell'Universita, 30, "
            "00185 Rome, Italy.")


def claim(field, value, note=None):
    return dict(field=field, value=value, note=note)


def mesh(term, qualifier=None, major=False):
    return dict(term=term, qualifier=qualifier, major=major)


def test_core_search_page_every_field():
    article, bad, preprint = fixture_records(europepmc, "core_search.json")
    assert dataclasses.asdict(article) == expected("europepmc",
        title="Cerebellum: An explanation for dystonia?",
        doi="10.1186/s40673-017-0064-8", pmid="28515951", pmcid="PMC5427546",
        abstract="Dystonia is a movement disorder that is characterized by involuntary muscle contractions, abnormal "
                 "movements and postures, as well as by non-motor symptoms, and is due to abnormalities in different "
                 "brain areas. In this article, we focus on the growing number of experimental studies aimed at "
                 "explaining the pathophysiological role of the cerebellum in dystonia.",
        # NLM's title and MEDLINE abbreviation; the issue's date as PubMed's DP gives it ("2017 "): the year,
        # not printPublicationDate's padded 2017-01-01
        journal_title="Cerebellum & ataxias", journal_abbreviation="Cerebellum Ataxias",
        year=2017, publication_date="2017", epub_date="2017-05-12", volume="4", pages="6",
        citation_count=45, is_open_access=True,
        # the open access links before the free one, an article page before its PDF
        open_access_url="https://europepmc.org/articles/PMC5427546",
        issns=["2053-8871"],  # issn and essn the same: once
        authors=[person("Matteo Bologna", "Bologna", "Matteo", None, [SAPIENZA, "IRCCS Neuromed Institute, Pozzilli, IS Italy."]),
                 person("Alfredo Berardelli", "Berardelli", "Alfredo", "0000-0003-1234-567X", [SAPIENZA])],
        # PubMed's types in their order; the JATS "review-article" adds none
        publication_types=["Journal Article", "Review"],
        keywords=["Cerebellum", "Dystonia", "Pathophysiology"],  # "dystonia" again, in lower case: once
        mesh_terms=[mesh("Humans"), mesh("Dystonia", "physiopathology", True), mesh("Cerebellum", "pathology"),
                    mesh("Cerebellum", "physiopathology", True)],
        grants=[dict(text="R01 NS088528/NS/NINDS NIH HHS", grant_id="R01 NS088528", acronym="NS",
                     agency="NINDS NIH HHS", country=None)],
        claims=[claim("europepmc", "MED/28515951", "Europe PMC record (source/id)"),
                claim("language", "eng", "Europe PMC language"),
                claim("license", "cc by", "licence Europe PMC states")],
        line=16,
    )
    assert bad == RecordError(position=2, line=225, reason="item MED/29701235 has no title")
    assert dataclasses.asdict(preprint) == expected("europepmc",
        title="Cerebellar theta-burst stimulation in cervical dystonia: a pilot study",
        doi="10.1101/2023.07.26.23293187",
        # the <h4> headings label their paragraphs; <sub> and &lt; as text
        abstract="Background: The cerebellum is a node of the dystonia network.\n\n"
                 "Methods: Ten patients received stimulation over the cerebellum (T1 weighted imaging before and "
                 "after).\n\nResults: Symptoms improved (p<0.05).",
        # medRxiv is no journal; the day it was posted
        year=2023, publication_date="2023-07-28", citation_count=0,
        is_open_access=True, open_access_url="https://doi.org/10.1101/2023.07.26.23293187",  # free, says the list
        authors=[person("Mei-Ling Zhou", "Zhou", "Mei-Ling", "0000-0001-5109-3700",
                        ["Department of Neurology, Huashan Hospital, Fudan University, Shanghai, China."]),
                 person("Dystonia Coalition", group=True)],
        publication_types=["Preprint"],
        claims=[claim("europepmc", "PPR/PPR699981", "Europe PMC record (source/id)"),
                claim("publisher", "medRxiv", "the preprint server (bookOrReportDetails.publisher)"),
                claim("language", "eng", "Europe PMC language"),
                claim("license", "cc by-nc-nd", "licence Europe PMC states")],
        line=251,
    )


def test_lite_search_page_every_field():
    editorial, review, preprint = fixture_records(europepmc, "lite_search.json")
    assert dataclasses.asdict(editorial) == expected("europepmc",
        title="Dissecting the links between cerebellum and dystonia.",
        doi="10.1007/s12311-014-0601-4", pmid="25146823",
        journal_abbreviation="Cerebellum",  # lite's journalTitle: the NLM abbreviation
        year=2014, publication_date="2014",  # firstPublicationDate 2014-12-01 is padded: the year alone
        volume="13", issue="6", pages="666-668", citation_count=27, is_open_access=False,
        issns=["1473-4222", "1473-4230"],
        authors=[person("A Malone", "Malone", "A"), person("M Manto", "Manto", "M"), person("C Hass", "Hass", "C")],
        publication_types=["Editorial"],
        claims=[claim("europepmc", "MED/25146823", "Europe PMC record (source/id)")],
        line=14,
    )
    assert dataclasses.asdict(review) == expected("europepmc",
        title="Deep brain stimulation in TOR1A dystonia: a multicentre cohort.",
        doi="10.1002/mds.27790", pmid="31300011", journal_abbreviation="Mov Disord",
        year=2019, publication_date="2019", volume="34", issue="10", pages="1457-1463", citation_count=12,
        is_open_access=False, issns=["0885-3185", "1531-8257"],  # "1531-8257; " in lower case, a last "; "
        authors=[person("Dystonia Coalition", group=True), person("HA Jinnah", "Jinnah", "HA"),
                 person("JP van der Berg", "van der Berg", "JP"), person("GS Öztürk Fincan", "Öztürk Fincan", "GS")],
        # lite's lower-case types in PubMed's capitals
        publication_types=["Review", "Journal Article", "Research Support, N.I.H., Extramural", "Meta-Analysis",
                           "Clinical Trial, Phase II"],
        claims=[claim("europepmc", "MED/31300011", "Europe PMC record (source/id)")],
        line=43,
    )
    assert dataclasses.asdict(preprint) == expected("europepmc",
        title="Purkinje cell burst firing drives dystonic movements in mice",
        doi="10.1101/2023.03.22.533812", year=2023, publication_date="2023-03-24", citation_count=2,
        is_open_access=False,
        authors=[person("AM Brown", "Brown", "AM"), person("RV Sillitoe", "Sillitoe", "RV")],
        publication_types=["Preprint"],
        claims=[claim("europepmc", "PPR/PPR642412", "Europe PMC record (source/id)"),
                claim("publisher", "bioRxiv", "the preprint server (bookOrReportDetails.publisher)")],
        line=72,
    )


GENEREVIEWS_CLAIMS = [claim("europepmc", "MED/20301665", "Europe PMC record (source/id)"),
                      claim("publisher", "University of Washington, Seattle", "publisher of the book"),
                      claim("bookaccession", "NBK1492", "NCBI Bookshelf accession")]


def test_article_answer_a_book_chapter_every_field():
    [chapter] = fixture_records(europepmc, "article_med.json")
    assert dataclasses.asdict(chapter) == expected("europepmc",
        title="DYT-TOR1A Dystonia.", pmid="20301665",
        abstract="Clinical characteristics: DYT-TOR1A dystonia typically presents in childhood or adolescence and "
                 "only on rare occasions in adulthood.\n\nDiagnosis/testing: The diagnosis is established in a "
                 "proband with a heterozygous pathogenic variant in TOR1A.",
        journal_title="GeneReviews®",  # the book holds the chapter, as PubMed's readers have it
        year=1993, publication_date="1993",  # the book's year, as PubMed gives it
        citation_count=3, is_open_access=True, open_access_url="https://europepmc.org/books/NBK1492",
        authors=[person("Laurie Ozelius", "Ozelius", "Laurie", None,
                        ["Department of Neurology, Massachusetts General Hospital, Boston, MA, USA"]),
                 person("Naomi Lubarr", "Lubarr", "Naomi")],
        publication_types=["Review", "Book Chapter"],
        claims=GENEREVIEWS_CLAIMS + [claim("language", "eng", "Europe PMC language")],
    )


def test_cursor_pages_saved_one_after_the_other():
    # two lite pages of one result each, one a line: each page's records, at their lines
    chapter, article = fixture_records(europepmc, "cursor_pages.json")
    assert dataclasses.asdict(chapter) == expected("europepmc",
        title="DYT-TOR1A Dystonia.", pmid="20301665", journal_title="GeneReviews®", year=1993,
        publication_date="1993", citation_count=3,
        is_open_access=True,  # inEPMC: its full text is in Europe PMC
        authors=[person("L Ozelius", "Ozelius", "L"), person("N Lubarr", "Lubarr", "N")],
        publication_types=["Review", "Book Chapter"], claims=GENEREVIEWS_CLAIMS, line=1,
    )
    assert dataclasses.asdict(article) == expected("europepmc",
        title="Purkinje cell firing in a mouse model of dystonia.", doi="10.1093/brain/awy100", pmid="29701234",
        journal_abbreviation="Brain", year=2018, publication_date="2018", volume="141", issue="6",
        pages="1620-1634", citation_count=5, is_open_access=False, issns=["0006-8950", "1460-2156"],
        authors=[person("R Fremont", "Fremont", "R")], publication_types=["Journal Article"],
        claims=[claim("europepmc", "MED/29701234", "Europe PMC record (source/id)")], line=2,
    )


def outline(records):
    return [(r.title, r.line) if not isinstance(r, RecordError) else (r.position, r.line, r.reason) for r in records]


def test_pages_pretty_printed_or_glued_one_after_the_other():
    first, second = fixture_text("europepmc", "cursor_pages.json").splitlines()
    pretty = json.dumps(json.loads(first), indent=2) + "\n" + json.dumps(json.loads(second), indent=2) + "\n"
    assert detect(pretty) == "europepmc"
    # each page's first result opens its line 15; the second page opens line 47
    assert outline(europepmc.read(pretty)) == [("DYT-TOR1A Dystonia.", 15),
                                                ("Purkinje cell firing in a mouse model of dystonia.", 61)]
    # curl -s ... >> epmc.json: the second page right after the first, on its line
    assert outline(europepmc.read(first + second)) == [("DYT-TOR1A Dystonia.", 1),
                                                        ("Purkinje cell firing in a mouse model of dystonia.", 1)]


def test_one_result_a_line_with_a_broken_line():
    lines = ['{"id": "1", "source": "MED", "pmid": "1", "title": "First.", "pubYear": "2020"}',
             '{"id": "2", "source": "MED", "pmid": "2", "title": "Sec',
             '{"id": "3", "source": "MED", "pmid": "3", "title": "Third.", "pubYear": "2021"}',
             '["not", "a", "result"]']
    text = "\n".join(lines) + "\n"
    assert detect(text) == "europepmc"
    assert outline(europepmc.read(text)) == [
        # the line's 55 characters, then its end in the string
        ("First.", 1), (2, 2, "invalid JSON at line 2, column 56: Invalid control character at line 2, column 56"),
        ("Third.", 3), (4, 4, "item is a string, expected an object"), (5, 4, "item is a string, expected an object"),
        (6, 4, "item is a string, expected an object")]


def test_a_list_of_results_and_a_result_alone():
    page = json.loads(fixture_text("europepmc", "lite_search.json"))
    listed = json.dumps(page["resultList"]["result"])  # what a client saves of a page: the results, one line
    assert detect(listed) == "europepmc"
    assert [(r.pmid, r.doi, r.line) for r in europepmc.read(listed)] == [
        ("25146823", "10.1007/s12311-014-0601-4", 1), ("31300011", "10.1002/mds.27790", 1),
        (None, "10.1101/2023.03.22.533812", 1)]
    alone = json.dumps(page["resultList"]["result"][0], indent=1)
    [record] = europepmc.read(alone)
    assert (record.pmid, record.title, record.line) == ("25146823", "Dissecting the links between cerebellum and dystonia.",
                                                        None)


@pytest.mark.parametrize("text, message", [
    ('{"version": "6.9", "hitCount": 0, "request": {"queryString": "x"}, "resultList": {"result": []}}',
     "no records: the Europe PMC answer holds no result$"),
    # /article/MED/1 when there is no such article
    ('{"version": "6.9", "hitCount": 0, "request": {"id": "1", "source": "MED"}}',
     "no records: the Europe PMC answer holds no result$"),
    ('{"version": "6.9", "hitCount": 1, "result": {"id": "1", "source": "MED", "title": null}}', "item MED/1 has no title$"),
    ('{"pubYear": "2020", "authorString": "Malone A."}', r"item has no title and no identifier \(DOI, PMID, PMCID\)$"),
    ('{"version": "6.9", "hitCount": 1, "result": "none"}', "JSON is a string, expected an object or a list of objects$"),
    ('{"version": "6.9", "hitCount": 2, "resultList": {"result": [{"id": "1", "title": "A"}, ',
     "invalid JSON at line 1, column 88: Expecting value$"),  # the end of its 87 characters
])
def test_bad_files_give_one_line_errors(text, message):
    with pytest.raises(ValueError, match="^" + message):
        europepmc.read(text)


def test_a_bad_result_among_good_ones_is_an_error_in_its_place():
    text = json.dumps({"hitCount": 3, "resultList": {"result": [
        {"id": "1", "source": "MED", "title": "One"}, 7, {"id": "PMC9", "source": "PMC", "title": ""}]}})
    assert outline(europepmc.read(text)) == [("One", 1), (2, 1, "item is a number, expected an object"),
                                             (3, 1, "item PMC/PMC9 has no title")]


def test_detection_is_europe_pmcs_alone():
    # a result's "doi" and "isOpenAccess" are the aggregator's Semantic Scholar-style names too
    result = {"id": "1", "source": "MED", "doi": "10.1/x", "title": "T", "isOpenAccess": "N", "citedByCount": 0}
    text = json.dumps(result)
    assert detect(text) == "europepmc"
    assert not aggregator_json.looks_like(text) and not csl_json.looks_like(text)
    # the aggregator's own record is not Europe PMC's
    assert not europepmc.looks_like(json.dumps({"title": "T", "doi": "10.1/x", "isOpenAccess": True,
                                                "citationCount": 3}))
    assert not europepmc.looks_like("[Wilson disease].")


def test_an_author_list_that_says_et_al_is_incomplete():
    [record] = europepmc.read(json.dumps({"id": "1", "source": "AGR", "title": "T", "pubYear": "2001",
                                          "authorString": "Malone A, Manto M, et al."}))
    assert (record.authors, record.authors_complete) == (
        [person("A Malone", "Malone", "A"), person("M Manto", "Manto", "M")], False)


def test_a_shadow_library_link_is_never_the_open_access_link():
    result = {"id": "PMC1", "source": "PMC", "title": "T", "pubYear": "2020", "isOpenAccess": "Y",
              "fullTextUrlList": {"fullTextUrl": [
                  {"availabilityCode": "OA", "documentStyle": "html", "site": "Europe_PMC", "url": "https://sci-hub.se/10.1/x"},
                  {"availabilityCode": "OA", "documentStyle": "pdf", "site": "Europe_PMC", "url": "javascript:alert(1)"},
                  {"availabilityCode": "F", "documentStyle": "html", "site": "PubMedCentral",
                   "url": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/"},
                  {"availabilityCode": "S", "documentStyle": "doi", "site": "DOI", "url": "https://doi.org/10.1/x"}]}}
    [record] = europepmc.read(json.dumps(result))
    assert (record.pmcid, record.is_open_access, record.open_access_url) == (
        "PMC1", True, "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC1/")
    assert [dataclasses.asdict(c) for c in record.claims[:2]] == [
        claim("open_access_url", None, "suppressed: fullTextUrlList (Europe_PMC) pointed to a shadow library "
              "(unauthorised copy), never published"),
        claim("open_access_url", "javascript:alert(1)", "ignored: not an http(s) link")]


def test_relations_and_status_claims():
    result = {"id": "2", "source": "MED", "pmid": "2", "title": "T", "pubYear": "2024",
              "publicationStatus": "aheadofprint",
              "commentCorrectionList": {"commentCorrection": [
                  {"id": "39293462", "source": "MED", "type": "Erratum for", "orderIn": 1,
                   "reference": "Lancet. 2024 Sep 28;404(10459):1227-1239. doi: 10.1016/S0140-6736(24)01653-2."},
                  {"id": "PPR179288", "source": "PPR", "type": "Preprint in", "note": "CrossRef Pre-print loader"},
                  {"id": "5", "source": "MED", "type": "Cites"}]}}
    [record] = europepmc.read(json.dumps(result))
    assert [dataclasses.asdict(c) for c in record.claims[1:]] == [
        claim("status", "Online ahead of print", "publicationStatus aheadofprint"),
        claim("erratum_for", "Lancet. 2024 Sep 28;404(10459):1227-1239. doi: 10.1016/S0140-6736(24)01653-2. "
              "PMID: 39293462", "commentCorrectionList Erratum for"),
        claim("preprint_in", "Europe PMC PPR/PPR179288", "commentCorrectionList Preprint in")]


def test_the_same_papers_from_medline_and_europe_pmc_are_one_paper_each(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for fmt, name in [("medline", "pubmed-cerebellum-set.nbib"), ("medline", "genereviews-book.nbib"),
                      ("europepmc", "core_search.json"), ("europepmc", "lite_search.json"),
                      ("europepmc", "article_med.json")]:
        (seeds / name).write_bytes((FIXTURES / fmt / name).read_bytes())
    db = tmp_path / "t.db"
    assert build(seeds, db, out=io.StringIO(), err=io.StringIO()) == 0
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT pmid, title, pmcid, publication_date, epub_date, citation_count, is_open_access, "
                        "source_count FROM papers WHERE pmid IN ('28515951', '25146823', '20301665') "
                        "ORDER BY pmid").fetchall()
    assert rows == [
        ("20301665", "DYT-TOR1A Dystonia.", None, "1993", None, 3, 1, 2),
        # MEDLINE's month; Europe PMC's lite record has the year alone
        ("25146823", "Dissecting the links between cerebellum and dystonia.", None, "2014-12", None, 27, 0, 2),
        ("28515951", "Cerebellum: An explanation for dystonia?", "PMC5427546", "2017", "2017-05-12", 45, 1, 2),
    ]
    # one journal a paper, the ISSNs of both sources
    assert conn.execute("SELECT j.title, j.issn_l, j.issns FROM papers p JOIN journals j ON j.id = p.journal_id "
                        "WHERE p.pmid = '28515951'").fetchall() == [("Cerebellum & ataxias", "2053-8871", '["2053-8871"]')]
    # Europe PMC's MeSH (the fuller list) and grant for the paper MEDLINE gives none of
    assert conn.execute("SELECT m.term, m.qualifier, m.major FROM mesh_terms m JOIN papers p ON p.id = m.paper_id "
                        "WHERE p.pmid = '28515951' ORDER BY m.position").fetchall() == [
        ("Humans", None, 0), ("Dystonia", "physiopathology", 1), ("Cerebellum", "pathology", 0),
        ("Cerebellum", "physiopathology", 1)]
    conn.close()
