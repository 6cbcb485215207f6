"""Golden tests for format 1, the PubMed abstract page copied as text.

Expected values are written by hand from the seed and fixture files."""

import dataclasses
import json

import pytest

from conftest import FIXTURES, SEEDS
from golden import SEED_000_ABSTRACT, expected, fixture_records, person
from litdb.readers import READERS, decode, detect, pubmed_page
from litdb.readers.pubmed_page import parse_pubmed_page
from litdb.records import Author, MeshTerm, RecordError, Reference

SEED_000 = SEEDS / "000_a766678b1bddf855.txt"
PAGES = FIXTURES / "pubmed_page"

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
    return sorted(p for p in PAGES.glob("pubmed_*.txt") if p.with_suffix(".expected.json").exists())


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
    """A second, independently written expectation of the seed (tests/fixtures/pubmed_page)."""
    expected = json.loads((PAGES / "pubmed_seed_000.expected.json").read_text(encoding="utf-8"))
    record = dataclasses.asdict(parse_pubmed_page(SEED_000.read_text(encoding="utf-8")))
    assert record == expected


# ---------------------------------------------------------------------------
# Every layout of issue 15, one fixture each in tests/fixtures/pubmed_page/ (beside the
# newer-layout pages with their .expected.json), every field compared to values written
# out by hand.

LAYOUTS = PAGES

# Each case below states what its page says on top of an empty record (golden.expected).


def mesh(term, qualifier=None, major=False):
    return {"term": term, "qualifier": qualifier, "major": major}


def ref(position, citation, **fields):
    return dataclasses.asdict(Reference(position, citation, **fields))


EMORY_NEUROLOGY = "Department of Neurology, Emory University School of Medicine, Atlanta, GA 30322, USA."
KIEL_NEUROLOGY = "Department of Neurology, University Medical Center Schleswig-Holstein, Kiel, Germany."
NESTED_REFERENCE = dict(journal="Neurology", year=1991, month=2, volume="41", issue="2 ( Pt 1)", pages="234-237")

LAYOUT_CASES = {
    # www.ncbi.nlm.nih.gov/pubmed before 2016: "Display Settings:", "Abstract", "Send to:" above an
    # inline citation line, "Neychev VK1" authors, "Author information", KEYWORDS:, "PMID: … [PubMed - …]"
    "legacy_display_settings.txt": {
        "title": "The functional neuroanatomy of dystonia",
        "doi": "10.5555/j.nbd.2011.01.026", "pmid": "99990695", "pmcid": "PMC9990782",
        "abstract": "Dystonia is a neurological disorder characterized by involuntary muscle contractions. For many "
                    "years it was attributed to the basal ganglia alone.\n\nRecent evidence from several lines of "
                    "study points to a network that also involves the cerebellum, thalamus and cortex.",
        "journal_abbreviation": "Neurobiol Dis", "year": 2011, "publication_date": "2011-05",
        "epub_date": "2011-02-05", "volume": "42", "issue": "2", "pages": "185-201",
        "is_open_access": True, "open_access_url": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC9990782/",
        "authors": [
            person("V K Neychev", "Neychev", "V K", affiliations=[EMORY_NEUROLOGY]),
            person("R E Gross", "Gross", "R E",
                   affiliations=["Department of Neurosurgery, Emory University School of Medicine, Atlanta, GA 30322, USA."]),
            person("S Lehéricy", "Lehéricy", "S",
                   affiliations=["Centre de NeuroImagerie de Recherche, Groupe Hospitalier Pitié-Salpêtrière, Paris, France.",
                   "Université Pierre et Marie Curie, Paris, France."]),
            person("E J Hess", "Hess", "E J", affiliations=[EMORY_NEUROLOGY]),
            person("H A Jinnah", "Jinnah", "H A", affiliations=[EMORY_NEUROLOGY,
                   "Department of Human Genetics, Emory University School of Medicine, Atlanta, GA 30322, USA."]),
        ],
        "publication_types": ["Research Support, N.I.H., Extramural", "Review"],
        "keywords": ["basal ganglia", "cerebellum", "dystonia", "motor network"],
        "mesh_terms": [mesh("Animals"), mesh("Basal Ganglia", "physiopathology", True),
                       mesh("Cerebellum", "physiopathology", True), mesh("Dystonia", "pathology"), mesh("Humans")],
        "grants": [{"text": "R01 NS040470/NS/NINDS NIH HHS/United States", "grant_id": "R01 NS040470",
                    "acronym": "NS", "agency": "NINDS NIH HHS", "country": "United States"}],
        "copyright": "Copyright © 2011 Elsevier Inc. All rights reserved.",
        "claims": [{"field": "status", "value": "PubMed - indexed for MEDLINE", "note": "printed beside the PMID"}],
    },
    # the legacy site from 2016: "Format: Abstract", affiliation numbers on lines of their own,
    # "KEYWORDS:" over its list, the PMID and DOI on the lines after their labels
    "legacy_format_abstract.txt": {
        "title": "Cerebellar grey matter and eyeblink conditioning in isolated cervical dystonia",
        "doi": "10.5555/mds.2018.27401", "pmid": "29990401",
        "abstract": "BACKGROUND: Eyeblink conditioning depends on the cerebellum and is abnormal in some patients "
                    "with cervical dystonia.\n\nMETHODS: We compared cerebellar grey matter volume with conditioning "
                    "rates in 31 patients and 29 controls.\n\nRESULTS: Lower volume of lobule VI predicted fewer "
                    "conditioned responses.",
        "journal_abbreviation": "Mov Disord", "year": 2018, "publication_date": "2018-09",
        "epub_date": "2018-07-03", "volume": "33", "issue": "9", "pages": "1462-1470",
        "authors": [
            person("J M Kessler", "Kessler", "J M", affiliations=[KIEL_NEUROLOGY,
                                                                  "Institute of Psychology, Kiel University, Kiel, Germany."]),
            person("D Arroyo-Blanco", "Arroyo-Blanco", "D",
                   affiliations=["Movement Disorders Unit, Hospital Universitario La Paz, Madrid, Spain."]),
            person("S Fenwick", "Fenwick", "S", affiliations=[KIEL_NEUROLOGY]),
        ],
        "publication_types": ["Comparative Study", "Research Support, Non-U.S. Gov't"],
        "keywords": ["cerebellum", "cervical dystonia", "eyeblink conditioning", "voxel-based morphometry"],
        "mesh_terms": [mesh("Adult"), mesh("Cerebellum", "diagnostic imaging", True),
                       mesh("Conditioning, Eyelid", "physiology", True), mesh("Torticollis", "physiopathology", True)],
        "grants": [{"text": "MR/N026101/1/MRC_/Medical Research Council/United Kingdom", "grant_id": "MR/N026101/1",
                    "acronym": "MRC_", "agency": "Medical Research Council", "country": "United Kingdom"}],
        "copyright": "© 2018 International Parkinson and Movement Disorder Society.",
        "claims": [{"field": "status", "value": "Indexed for MEDLINE", "note": "printed beside the PMID"}],
    },
    # saved without furniture: the (translated, bracketed) title first, then the citation line;
    # no "Abstract" heading; starts with "[" and is still no JSON
    "title_first_translated.txt": {
        "title": "[Wilson disease]", "pmid": "99990501",
        "abstract": "Wilson disease is an autosomal recessive disorder of copper metabolism caused by mutations of "
                    "ATP7B. Neurological forms present with tremor, dystonia and cerebellar ataxia.\n\n"
                    "Early chelation therapy improves the neurological outcome.",
        "journal_abbreviation": "Nihon Rinsho", "year": 2016, "publication_date": "2016-07",
        "volume": "74", "issue": "7", "pages": "1171-1175",
        "authors": [person("Taro Yamada", "Yamada", "Taro"), person("Hanako Suzuki", "Suzuki", "Hanako")],
        "claims": [{"field": "language", "value": "Japanese", "note": "printed beside the title"}],
    },
    # two lines of a proxy on top, then the summary: title, authors (family name and initials), citation, PMID
    "mirror_summary_title_first.txt": {
        "title": "Dissecting the links between cerebellum and dystonia",
        "doi": "10.1007/s12311-014-0601-4", "pmid": "24843053",
        "journal_abbreviation": "Cerebellum", "year": 2014, "publication_date": "2014-12",
        "volume": "13", "issue": "6", "pages": "666-668",
        "authors": [person("A Malone", "Malone", "A"), person("M Manto", "Manto", "M"), person("C Hass", "Hass", "C")],
    },
    # today's older copy whose short citation has no date; a reference with nested parentheses
    "old_layout_undated_short_citation.txt": {
        "title": "Cerebellar Ataxia and Dystonia in Adult-Onset Wilson Disease: A Systematic Review",
        "doi": "10.5555/cureus.12672",
        "abstract": "Wilson disease can present in adults with cerebellar ataxia, dystonia or both. We reviewed 41 reports.",
        "journal_abbreviation": "Cureus", "year": 2021, "publication_date": "2021-01-13",
        "volume": "13", "issue": "1", "pages": "e12672", "is_open_access": True,
        "authors": [person("Juan Fernando Ortiz", "Ortiz", "Juan Fernando")], "authors_complete": False,
        "publication_types": ["Review"], "keywords": ["ataxia", "dystonia", "wilson disease"],
        "copyright": "Copyright © 2021, Ortiz et al.",
        "references": [
            ref(1, "Brewer GJ, Yuzbasiyan-Gurkan V. Wilson disease. Medicine (Baltimore). 1992 May;71(3):139-64.",
                authors="Brewer GJ, Yuzbasiyan-Gurkan V", title="Wilson disease", journal="Medicine (Baltimore)",
                year=1992, month=5, volume="71", issue="3", pages="139-164"),
            ref(2, "Neurology. 1991 Feb;41(2 ( Pt 1)):234-7", **NESTED_REFERENCE),
        ],
    },
    # no citation line at all: a title over the authors and the "PMID: … DOI: …" line
    "no_citation_line.txt": {
        "title": "Cerebellar Purkinje cell firing in a knock-in mouse model of DYT1 dystonia",
        "doi": "10.5555/nbd.2022.105560", "pmid": "99991122",
        "abstract": "Purkinje cells of DYT1 knock-in mice fired in irregular bursts.",
        "authors": [person("Rosa Herrera-Vidal", "Herrera-Vidal", "Rosa"), person("Ren Nakashima", "Nakashima", "Ren")],
        "references": [ref(1, "Hess EJ, Jinnah HA. Neurology. 1991 Feb;41(2 ( Pt 1)):234-7.",
                           authors="Hess EJ, Jinnah HA", **NESTED_REFERENCE)],
    },
}


@pytest.mark.parametrize("name", sorted(LAYOUT_CASES))
def test_every_layout_every_field(name):
    [record] = fixture_records(pubmed_page, name)
    assert dataclasses.asdict(record) == expected("pubmed_page", **LAYOUT_CASES[name])


def test_every_layout_fixture_has_a_case():
    assert sorted(p.name for p in LAYOUTS.glob("*.txt") if p not in _fixture_cases()) == \
        sorted([*LAYOUT_CASES, *SAVE_CASES])


def test_bracketed_title_first_is_claimed_by_the_page_reader_alone():
    text = (LAYOUTS / "title_first_translated.txt").read_text(encoding="utf-8")
    assert text.startswith("[Wilson disease].")
    assert pubmed_page.looks_like(text)
    assert [reader.NAME for reader in READERS if reader.looks_like(text)] == ["pubmed_page"]


@pytest.mark.parametrize("text", [
    "Abstract\n\nThe cerebellum is involved in some forms of dystonia, as several reviews argue.\n",
    "PubMed Disclaimer\nSimilar articles\n",
    "PMID:\n",
])
def test_a_fragment_with_no_title_and_no_identifier_is_refused_with_a_reason(text):
    with pytest.raises(ValueError, match="no title and no identifier"):
        list(pubmed_page.read(text))


def test_legacy_pmid_on_the_line_after_its_label():
    text = "Format: Abstract\nMov Disord. 2018 Sep;33(9):1462-70.\nA title.\nRoe J.\nAbstract\nText.\nPMID:\n29990401\n"
    [record] = pubmed_page.read(text)
    assert (record.title, record.pmid, record.pages, record.abstract) == ("A title", "29990401", "1462-1470", "Text.")


@pytest.mark.parametrize("date, iso", [
    ("2019 Spring", "2019"), ("1998 Dec-1999 Jan", "1998-12"), ("2016 Jul-Aug", "2016-07"), ("2005 Oct 1-15", "2005-10-01"),
])
def test_citation_dates_with_seasons_and_ranges(date, iso):
    [record] = pubmed_page.read(f"Abstract\nMov Disord. {date};20(4):1-9.\nA title\n")
    assert record.publication_date == iso


def test_long_lines_do_not_backtrack():
    """Runs of parentheses, dots and spaces on a line thousands of characters long, an author
    line of 5,000 names, paragraphs of 40,000 characters: read as the page they are. (How
    long it takes, against a page of twice the size, is scripts/bench_readers.py's: no clock
    in a test. A pattern that backtracked on these would take minutes, not milliseconds.)"""
    line = "Mov Disord. 2019 Mar;" + "(" * 3000 + " ." * 3000 + " " * 20000 + ";34(3):1-2"
    text = f"Abstract\n{line}\n. 2019 Mar;34(3):345-356.\nA title\n{'Ab, ' * 5000}\nPMID: 1\n" + ("x " * 20000 + "\n") * 3
    [record] = pubmed_page.read(text)
    assert (record.title, record.pmid, record.year, record.publication_date, record.volume, record.issue,
            record.pages, record.journal_title) == ("A title", "1", 2019, "2019-03", "34", "3", "345-356", None)
    assert record.authors == [Author(name="Ab", family="Ab")] * 5000
    paragraph = "x " * 19999 + "x"  # each line of the page a paragraph, its trailing space gone
    assert record.abstract == f"{paragraph}\n\n{paragraph}\n\n{paragraph}"


@pytest.mark.parametrize("text", [
    "Abstract\n\nThe cerebellum is involved in dystonia, and this was copied from the middle of a page.\n"
    "\nPubMed Disclaimer\n\nSimilar articles\n",
    "Access keys NCBI Homepage MyNCBI Homepage Main Content Main Navigation\n\nAbstract\n\nSome text.\n",
])
def test_a_piece_of_a_pubmed_page_is_claimed_and_refused_with_its_reason(text):
    # claimed by this reader alone, so that the build says why, not "unknown format"
    assert [reader.NAME for reader in READERS if reader.looks_like(text)] == ["pubmed_page"]
    with pytest.raises(ValueError, match="^not a PubMed page: no title and no identifier"):
        list(pubmed_page.read(text))


def test_a_mesh_line_of_a_star_or_a_slash_alone_is_no_term():
    # the fuzz found a MeshTerm with an empty term from a line "*"
    [record] = pubmed_page.read("Abstract\nMov Disord. 2019 Mar;20(4):1-9.\nA title\n\nMeSH terms\n\nAdult\n*\n / \n"
                                "Cerebellum/physiology*\n")
    assert record.mesh_terms == [MeshTerm("Adult", None, False), MeshTerm("Cerebellum", "physiology", True)]


# ---------------------------------------------------------------------------
# PubMed "Save, Format: Abstract (text)" ("Send to: File, Abstract"): numbered records,
# lines wrapped at 80 columns. abstract_text_save.txt: an article with an erratum, a
# comment and a conflict of interest statement after its PMID; a letter without abstract
# (French, translated title); an article with a PMCID; a GeneReviews chapter.

SEVILLE = "Department of Neurology, Hospital Universitario Virgen del Rocio, Seville, Spain."
NEWCASTLE = "Institute of Neuroscience, Newcastle University, Newcastle upon Tyne, United Kingdom."
SAPIENZA = "Department of Human Neurosciences, Sapienza University of Rome, Rome, Italy."
NEUROMED = "IRCCS Neuromed, Pozzilli, Italy."
INDEXED = {"field": "status", "value": "Indexed for MEDLINE", "note": "printed beside the PMID"}
SAVE_RECORDS = [
    expected(
        "pubmed_page", line=1,
        title="Cerebellar theta burst stimulation in cervical dystonia: a randomized sham-controlled trial",
        doi="10.5555/mds.2019.27601", pmid="99992001",
        abstract="BACKGROUND: Cerebellar stimulation has been proposed as a treatment for cervical dystonia.\n\n"
                 "METHODS: Twenty patients received ten sessions of cerebellar theta burst stimulation or sham "
                 "stimulation.\n\nRESULTS: Dystonia scores improved after real stimulation only.",
        journal_abbreviation="Mov Disord", year=2019, publication_date="2019-03", epub_date="2019-01-14",
        volume="34", issue="3", pages="345-356",
        authors=[person("L Ortega-Ruiz", "Ortega-Ruiz", "L", affiliations=[SEVILLE, NEWCASTLE]),
                 person("K S Brandt", "Brandt", "K S", affiliations=[NEWCASTLE]),
                 person("Dystonia Study Group", group=True)],
        copyright="© 2019 International Parkinson and Movement Disorder Society.",
        claims=[INDEXED,
                {"field": "conflict_of_interest", "value": "The authors declare no competing interests.",
                 "note": "Conflict of interest statement"},
                {"field": "comment_in", "value": "Mov Disord. 2019 Mar;34(3):301-303. doi: 10.5555/mds.2019.27650.",
                 "note": 'listed under "Comment in" on the page'},
                {"field": "erratum_in", "value": "Mov Disord. 2019 Jun;34(6):912.",
                 "note": 'listed under "Erratum in" on the page'}],
    ),
    expected(
        "pubmed_page", line=35,
        title="[Cerebellum and dystonia: a letter about a case]", doi="10.5555/neurol.2018.0560", pmid="99992002",
        journal_abbreviation="Rev Neurol (Paris)", year=2018, publication_date="2018-10",
        volume="174", issue="8", pages="560-561",
        authors=[person("M Dupont", "Dupont", "M"), person("A Leclerc", "Leclerc", "A")],
        claims=[{"field": "language", "value": "French", "note": "printed beside the title"}, INDEXED],
    ),
    expected(
        "pubmed_page", line=47,
        title="Cerebellum: an explanation for dystonia?", doi="10.5555/s40673-017-0064-8", pmid="99992003",
        pmcid="PMC9992003",
        abstract="Dystonia is a movement disorder whose pathophysiology involves a network of brain areas.\n\n"
                 "The cerebellum takes part in this network.",
        journal_abbreviation="Cerebellum Ataxias", year=2017, publication_date="2017-05-12", volume="4", pages="6",
        authors=[person("M Bologna", "Bologna", "M", affiliations=[SAPIENZA, NEUROMED]),
                 person("A Berardelli", "Berardelli", "A", affiliations=[SAPIENZA, NEUROMED])],
    ),
    expected(
        "pubmed_page", line=68,
        title="DYT-TOR1A Dystonia", pmid="99992004",
        abstract="CLINICAL CHARACTERISTICS: DYT-TOR1A dystonia typically starts in childhood or adolescence in a limb.",
        journal_title="GeneReviews®", year=1999, publication_date="1999-08-16", publication_types=["Book Chapter"],
        authors=[person("L Ozelius", "Ozelius", "L",
                        affiliations=["Department of Neurology, Massachusetts General Hospital, Boston, Massachusetts."]),
                 person("N Lubarr", "Lubarr", "N", affiliations=["Department of Neurology, Mount Sinai, New York, New York."])],
        copyright="Copyright © 1993-2024, University of Washington, Seattle. GeneReviews is a registered trademark "
                  "of the University of Washington, Seattle. All rights reserved.",
    ),
]
SAVE_CASES = {"abstract_text_save.txt": SAVE_RECORDS}


def _save_text():
    return (LAYOUTS / "abstract_text_save.txt").read_text(encoding="utf-8")


def test_abstract_text_save_every_record_every_field():
    records = fixture_records(pubmed_page, "abstract_text_save.txt")
    assert [dataclasses.asdict(r) for r in records] == SAVE_RECORDS


def test_abstract_text_save_each_record_keeps_its_own_identifiers():
    """The tester's file: record 2's PMCID was given to record 1, and record 2 was lost."""
    text = ("1. Cerebellum. 2014 Dec;13(6):666-8. doi: 10.1007/s12311-014-0601-4.\n\n"
            "Dissecting the links between cerebellum and dystonia.\n\nMalone A(1), Manto M, Hass C.\n\n"
            "Author information:\n(1)Department of Physiology, Trinity College Dublin, Dublin, Ireland.\n\n"
            "Dystonia is a disabling movement disorder.\n\n"
            "DOI: 10.1007/s12311-014-0601-4\nPMID: 25146823  [Indexed for MEDLINE]\n\n\n"
            "2. Cerebellum Ataxias. 2017 May 12;4:6. doi: 10.1186/s40673-017-0064-8. \neCollection 2017.\n\n"
            "Cerebellum: an explanation for dystonia?\n\nBologna M(1)(2), Berardelli A(1)(2).\n\n"
            "BACKGROUND: Dystonia is a movement disorder.\n\n"
            "DOI: 10.1186/s40673-017-0064-8\nPMCID: PMC5429509\nPMID: 28515951\n")
    first, second = pubmed_page.read(text)
    assert (first.pmid, first.pmcid, first.doi) == ("25146823", None, "10.1007/s12311-014-0601-4")
    assert first.abstract == "Dystonia is a disabling movement disorder."  # no "DOI: ..." glued on
    assert (second.pmid, second.pmcid, second.doi) == ("28515951", "PMC5429509", "10.1186/s40673-017-0064-8")
    assert (second.title, second.line) == ("Cerebellum: an explanation for dystonia?", 16)


def test_abstract_text_save_of_one_record_has_no_identifier_in_its_abstract():
    text = ("1. Cerebellum. 2014 Dec;13(6):666-8.\n\nA title.\n\nRoe J.\n\nSome text.\n\n"
            "DOI: 10.1007/s12311-014-0601-4\nPMCID: PMC1\nPMID: 25146823\n")
    [record] = pubmed_page.read(text)
    assert (record.abstract, record.doi, record.pmcid, record.pmid) == (
        "Some text.", "10.1007/s12311-014-0601-4", "PMC1", "25146823")


def test_abstract_text_save_a_label_starts_a_paragraph_only_after_a_sentence():
    text = ("1. Mov Disord. 2019 Mar;34(3):345.\n\nA title.\n\nRoe J.\n\nBACKGROUND: Patients were split in 2\n"
            "groups by imaging:\nMRI: scans were done at 3 T.\nRESULTS: Both groups improved.\n\n"
            "DOI: 10.1002/mds.27700\nPMID: 30900001\n")
    [record] = pubmed_page.read(text)
    assert record.abstract == ("BACKGROUND: Patients were split in 2 groups by imaging: MRI: scans were done at 3 T."
                               "\n\nRESULTS: Both groups improved.")


def test_abstract_text_save_no_authors_listed_is_no_author_and_no_abstract():
    text = ("1. Mov Disord. 2019 Mar;34(3):345.\n\nCorrection to: Cerebellar outflow.\n\n[No authors listed]\n\n"
            "DOI: 10.1002/mds.27700\nPMID: 30900001\n")
    [record] = pubmed_page.read(text)
    assert (record.title, record.authors, record.abstract, record.pmid) == (
        "Correction to: Cerebellar outflow", [], None, "30900001")


@pytest.mark.parametrize("damage, reason", [
    # the citation line of record 2 broken: no date after the journal
    (("2. Rev Neurol (Paris). 2018 Oct;174(8):560-561.", "2. Rev Neurol (Paris) Oct"),
     "no citation line like 'Mov Disord. 2019 Mar;34(3):345-356.' at the start of the record: "
     "'Rev Neurol (Paris) Oct'"),
    # record 2 cut short: its identifier lines blanked (the line count kept, for the lines below)
    (("DOI: 10.5555/neurol.2018.0560\nPMID: 99992002  [Indexed for MEDLINE]\n", "\n\n"),
     "no identifier lines ('PMID: 25146823') at the end of the record: cut short?"),
    # record 2's PMID line blanked, its DOI line left
    (("PMID: 99992002  [Indexed for MEDLINE]\n", "\n"),
     "no 'PMID: 25146823' line among the record's identifier lines"),
])
def test_abstract_text_save_a_damaged_middle_record_is_a_record_error_and_the_others_load(damage, reason):
    old, new = damage
    assert _save_text().count(old) == 1
    items = list(pubmed_page.read(_save_text().replace(old, new)))
    assert items[1] == RecordError(position=2, line=35, reason=reason)
    assert [dataclasses.asdict(r) for r in items[:1] + items[2:]] == SAVE_RECORDS[:1] + SAVE_RECORDS[2:]


def test_abstract_text_save_split_records_cuts_where_read_does():
    pieces = pubmed_page.split_records(_save_text())
    assert [line for line, _ in pieces] == [1, 35, 47, 68]
    assert pieces[1][1].startswith("2. Rev Neurol (Paris).") and pieces[1][1].endswith("[Indexed for MEDLINE]\n\n")
    for (line, piece), record in zip(pieces, SAVE_RECORDS):
        [alone] = pubmed_page.read(piece)
        assert dataclasses.asdict(alone) == {**record, "line": 1}
    # a page is one piece, read as before
    page = (LAYOUTS / "legacy_format_abstract.txt").read_text(encoding="utf-8")
    assert pubmed_page.split_records(page) == [(1, page)]


def test_a_numbered_paragraph_inside_an_abstract_starts_no_record():
    """'2. ' after a blank line before the record's PMID line, with no citation, is the abstract's."""
    text = ("1. Cerebellum. 2014 Dec;13(6):666-8.\n\nA title.\n\nRoe J.\n\n1. First point.\n\n"
            "2. Second point, 2014 too.\n\nPMID: 25146823\n\n\n"
            "3. Brain. 2015 Jan;138(1):1-2.\n\nB title.\n\nPMID: 25146824\n")
    first, second = pubmed_page.read(text)
    assert first.abstract == "1. First point.\n\n2. Second point, 2014 too."
    assert (second.title, second.pmid, second.line) == ("B title", "25146824", 14)


def test_actions_beside_each_mesh_term_is_a_menu_label_not_a_heading():
    """Copied with its menu buttons, each MeSH term is followed by "Actions": the terms
    are all kept; the Actions box (Cite, Collections) is still furniture."""
    lines = ["MeSH terms", "", "Animals", "Actions", "Cerebellum / physiopathology*", "Actions", "Humans", "Actions",
             "", "Actions", "Cite", "Collections", "Grants and funding", "R01 NS088528/NS/NINDS NIH HHS/United States"]
    header, sections = pubmed_page.split_sections(lines)
    assert sections["mesh"] == ["", "Animals", "Cerebellum / physiopathology*", "Humans", ""]
    assert sections["grants"] == ["R01 NS088528/NS/NINDS NIH HHS/United States"]


def test_a_copy_of_several_articles_gives_each_one():
    """A results page shown as abstracts, or pages pasted one after another, holds several
    articles, each under its own header (journal, then ". 2015 Mar;…"): each is read;
    before, only the first was, and the others were lost without a word."""
    pages = [decode((FIXTURES / "variants" / name).read_bytes()) for name in
             ("p04_new_review_single_affiliation_refs.txt", "p06_new_ahead_of_print_with_similar.txt",
              "p08_new_glued_ids.txt")]
    text = pages[0] + "\n2\n" + pages[1] + "\n" + pages[2]
    records = list(pubmed_page.read(text))
    assert [(r.pmid, r.doi, len(r.authors), len(r.references)) for r in records] == [
        ("25612345", "10.1016/j.jns.2015.01.012", 1, 7),
        ("37950001", "10.1016/j.jns.2023.122800", 2, 0),
        ("29701234", "10.1093/brain/awy095", 2, 0),
    ]
    assert records[0].title == "The cerebellum in dystonia: help or hindrance?"
    assert [r.line for r in records][0] == 1 and all(r.line > 1 for r in records[1:])


def test_results_shown_as_abstracts_keep_each_articles_type_label():
    """A results page in Abstract format (tests/fixtures/pubmed_page_multi/, written by a
    tester in today's layout): each article's type label stands above its journal, and
    stays with its own article."""
    text = decode((FIXTURES / "pubmed_page_multi" / "results_shown_as_abstracts.txt").read_bytes())
    assert detect(text) == "pubmed_page"
    records = list(pubmed_page.read(text))
    assert [(r.pmid, r.publication_types) for r in records] == [
        ("28949046", ["Review"]), ("28515949", ["Review"]), ("24881805", ["Clinical Trial"])]


def test_link_labels_on_lines_of_their_own_are_no_references():
    """A browser may copy each reference's links ("- DOI - PMC - PubMed", or one a line)
    under it (tests/fixtures/pubmed_page_multi/link_labels_own_lines.txt, a tester's copy):
    they are no references (before, each became one, and the source then listed the most
    references and won the merge)."""
    text = decode((FIXTURES / "pubmed_page_multi" / "link_labels_own_lines.txt").read_bytes())
    for copy in (text, text.replace("    - DOI - PMC - PubMed", "    - DOI\n    - PMC\n    - PubMed")):
        [record] = pubmed_page.read(copy)
        assert [(r.position, r.journal, r.year, r.doi) for r in record.references] == [
            (1, "Mov Disord", 2013, "10.1002/mds.25475"), (2, "Neurobiol Dis", 2011, "10.1016/j.nbd.2011.01.026"),
            (3, "Nat Neurosci", 2011, "10.1038/nn.2753")]
