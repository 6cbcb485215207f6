"""Each paper exported as the kind of work it is, by its publication types: a book chapter
as @incollection / CHAP / chapter with its book where BibTeX, RIS and CSL put a book
title, a book as @book / BOOK / book, a conference paper as @inproceedings / CPAPER /
paper-conference, a journal article as before. Before, every paper was @article with a
journal, TY JOUR and article-journal: a GeneReviews chapter came into reference managers
as an article of the journal "GeneReviews®".

The expected texts and fields are typed by hand from the formats' definitions: BibTeX's
entry types (btxdoc: @incollection and @inproceedings have a booktitle, @book a series),
the RIS specification's TY (rispy's TYPE_OF_REFERENCE_MAPPING: CHAP, BOOK, CPAPER, THES,
DATA, RPRT, ELEC, MGZN; T2 the secondary title: a chapter's book, a book's series; SN an
ISSN for journals only, an ISBN otherwise), CSL 1.0.2's item types (article for a
preprint; review is a review OF a work, not a review article)."""

import json
import shutil
import sqlite3
from pathlib import Path

import bibtexparser
import pytest
import rispy

from conftest import build_quietly, get, serving
from litdb.citations import to_bibtex, to_csl_json, to_ris
from test_citations import csl_validator

FIXTURES = Path(__file__).parent / "fixtures"

# Papers as fetch_papers gives them (a papers row, its journal's names and ISSN).
# A GeneReviews chapter, as PubMed's MEDLINE export types it (its book as journal).
CHAPTER = {
    "id": "c1", "title": "Early-Onset Isolated Dystonia Overview", "authors": '["Laurie Ozelius", "Naomi Lubarr"]',
    "authors_complete": 1, "year": 1993, "publication_date": "1993", "pmid": "20301665",
    "publication_types": '["Review", "Book Chapter"]', "keywords": "[]",
    "journal_title": "GeneReviews®", "journal_abbreviation": None, "journal_issn": None,
}
# A book in a series (the series is what the paper names its journal), the series' ISSN.
BOOK = {
    "id": "b1", "title": "Handbook of Dystonia", "authors": '["Mark A Stacy"]', "authors_complete": 1,
    "year": 2012, "publication_date": "2012", "volume": "2", "doi": "10.5555/handbook-of-dystonia",
    "publication_types": '["Book"]', "keywords": "[]",
    "journal_title": "Neurological Disease and Therapy", "journal_abbreviation": None, "journal_issn": "0000-0019",
}
CONFERENCE = {
    "id": "p1", "title": "Surround inhibition in dystonia", "authors": '["Mark Hallett"]', "authors_complete": 1,
    "year": 2008, "publication_date": "2008-06", "pages": "S12-S13", "doi": "10.5555/surround-inhibition",
    "publication_types": '["Conference Paper"]', "keywords": '["surround inhibition"]',
    "journal_title": "12th International Congress of Parkinson's Disease and Movement Disorders",
    "journal_abbreviation": None, "journal_issn": None,
}
ARTICLE = {
    "id": "a1", "title": "Dissecting the links between cerebellum and dystonia", "authors": '["Ailish Malone"]',
    "authors_complete": 0, "year": 2014, "publication_date": "2014-12", "volume": "13", "issue": "6",
    "pages": "666-668", "doi": "10.1007/s12311-014-0601-4", "pmid": "25160856",
    "publication_types": '["Journal Article", "Editorial"]', "keywords": "[]",
    "journal_title": "Cerebellum (London, England)", "journal_abbreviation": "Cerebellum", "journal_issn": "1473-4222",
}
PAPERS = [CHAPTER, BOOK, CONFERENCE, ARTICLE]

BIBTEX = r"""@incollection{ozelius1993early,
  title = {Early-Onset Isolated Dystonia Overview},
  author = {Ozelius, Laurie and Lubarr, Naomi},
  booktitle = {GeneReviews®},
  year = {1993},
  pmid = {20301665}
}

@book{stacy2012handbook,
  title = {Handbook of Dystonia},
  author = {Stacy, Mark A},
  series = {Neurological Disease and Therapy},
  year = {2012},
  volume = {2},
  issn = {0000-0019},
  doi = {10.5555/handbook-of-dystonia},
  url = {https://doi.org/10.5555/handbook-of-dystonia}
}

@inproceedings{hallett2008surround,
  title = {Surround inhibition in dystonia},
  author = {Hallett, Mark},
  booktitle = {12th International Congress of Parkinson's Disease and Movement Disorders},
  year = {2008},
  month = jun,
  pages = {S12--S13},
  doi = {10.5555/surround-inhibition},
  url = {https://doi.org/10.5555/surround-inhibition},
  keywords = {surround inhibition}
}

@article{malone2014dissecting,
  title = {Dissecting the links between cerebellum and dystonia},
  author = {Malone, Ailish and others},
  journal = {Cerebellum (London, England)},
  shortjournal = {Cerebellum},
  year = {2014},
  month = dec,
  volume = {13},
  number = {6},
  pages = {666--668},
  issn = {1473-4222},
  doi = {10.1007/s12311-014-0601-4},
  pmid = {25160856},
  url = {https://doi.org/10.1007/s12311-014-0601-4}
}

"""

# No SN for the book: SN of a BOOK is an ISBN (an ISSN there would be read as one); no J2
# but for the journal (a journal's abbreviation).
RIS = """TY  - CHAP
TI  - Early-Onset Isolated Dystonia Overview
AU  - Ozelius, Laurie
AU  - Lubarr, Naomi
PY  - 1993
DA  - 1993///
T2  - GeneReviews®
AN  - PMID:20301665
ER  - 

TY  - BOOK
TI  - Handbook of Dystonia
AU  - Stacy, Mark A
PY  - 2012
DA  - 2012///
T2  - Neurological Disease and Therapy
VL  - 2
DO  - 10.5555/handbook-of-dystonia
UR  - https://doi.org/10.5555/handbook-of-dystonia
ER  - 

TY  - CPAPER
TI  - Surround inhibition in dystonia
AU  - Hallett, Mark
PY  - 2008
DA  - 2008/06//
T2  - 12th International Congress of Parkinson's Disease and Movement Disorders
SP  - S12
EP  - S13
DO  - 10.5555/surround-inhibition
UR  - https://doi.org/10.5555/surround-inhibition
KW  - surround inhibition
ER  - 

TY  - JOUR
TI  - Dissecting the links between cerebellum and dystonia
AU  - Malone, Ailish
PY  - 2014
DA  - 2014/12//
T2  - Cerebellum (London, England)
J2  - Cerebellum
VL  - 13
IS  - 6
SP  - 666
EP  - 668
SN  - 1473-4222
DO  - 10.1007/s12311-014-0601-4
UR  - https://doi.org/10.1007/s12311-014-0601-4
AN  - PMID:25160856
ER  - 

"""

CSL = [
    {"id": "ozelius1993early", "type": "chapter", "title": "Early-Onset Isolated Dystonia Overview",
     "author": [{"family": "Ozelius", "given": "Laurie"}, {"family": "Lubarr", "given": "Naomi"}],
     "issued": {"date-parts": [[1993]]}, "container-title": "GeneReviews®", "PMID": "20301665"},
    {"id": "stacy2012handbook", "type": "book", "title": "Handbook of Dystonia",
     "author": [{"family": "Stacy", "given": "Mark A"}], "issued": {"date-parts": [[2012]]},
     "collection-title": "Neurological Disease and Therapy", "volume": "2", "ISSN": "0000-0019",
     "DOI": "10.5555/handbook-of-dystonia", "URL": "https://doi.org/10.5555/handbook-of-dystonia"},
    {"id": "hallett2008surround", "type": "paper-conference", "title": "Surround inhibition in dystonia",
     "author": [{"family": "Hallett", "given": "Mark"}], "issued": {"date-parts": [[2008, 6]]},
     "container-title": "12th International Congress of Parkinson's Disease and Movement Disorders",
     "page": "S12-S13", "DOI": "10.5555/surround-inhibition", "URL": "https://doi.org/10.5555/surround-inhibition",
     "keyword": "surround inhibition"},
    {"id": "malone2014dissecting", "type": "article-journal",
     "title": "Dissecting the links between cerebellum and dystonia",
     "author": [{"family": "Malone", "given": "Ailish"}], "issued": {"date-parts": [[2014, 12]]},
     "container-title": "Cerebellum (London, England)", "container-title-short": "Cerebellum", "volume": "13",
     "issue": "6", "page": "666-668", "ISSN": "1473-4222", "DOI": "10.1007/s12311-014-0601-4", "PMID": "25160856",
     "URL": "https://doi.org/10.1007/s12311-014-0601-4"},
]


def test_bibtex_text():
    assert to_bibtex(PAPERS) == BIBTEX


def test_bibtex_reads_back_as_written():
    library = bibtexparser.parse_string(to_bibtex(PAPERS))
    assert library.failed_blocks == []
    got = [(e.entry_type, e.key, {k: e[k] for k in ("journal", "booktitle", "series") if k in e.fields_dict})
           for e in library.entries]
    assert got == [
        ("incollection", "ozelius1993early", {"booktitle": "GeneReviews®"}),
        ("book", "stacy2012handbook", {"series": "Neurological Disease and Therapy"}),
        ("inproceedings", "hallett2008surround",
         {"booktitle": "12th International Congress of Parkinson's Disease and Movement Disorders"}),
        ("article", "malone2014dissecting", {"journal": "Cerebellum (London, England)"}),
    ]


def test_ris_text():
    assert to_ris(PAPERS) == RIS


def test_ris_reads_back_as_written():
    got = [(r["type_of_reference"], r.get("secondary_title"), r.get("alternate_title1"), r.get("issn"))
           for r in rispy.loads(to_ris(PAPERS))]
    assert got == [
        ("CHAP", "GeneReviews®", None, None),
        ("BOOK", "Neurological Disease and Therapy", None, None),
        ("CPAPER", "12th International Congress of Parkinson's Disease and Movement Disorders", None, None),
        ("JOUR", "Cerebellum (London, England)", "Cerebellum", "1473-4222"),
    ]


def test_csl_json_items_are_valid():
    items = to_csl_json(PAPERS)
    assert items == CSL
    assert [e.message for e in csl_validator().iter_errors(items)] == []


# (publication types, BibTeX entry type and the field of the venue, RIS TY, CSL type and
# the variable of the venue); RIS has the venue in T2 in every type.
KINDS = [
    ('["Book Chapter"]', "incollection", "booktitle", "CHAP", "chapter", "container-title"),
    ('["Review", "Book Chapter"]', "incollection", "booktitle", "CHAP", "chapter", "container-title"),  # GeneReviews
    ('["Book Section"]', "incollection", "booktitle", "CHAP", "chapter", "container-title"),  # Semantic Scholar
    ('["book-part"]', "incollection", "booktitle", "CHAP", "chapter", "container-title"),  # Crossref, kept as given
    ('["BOOK  CHAPTER"]', "incollection", "booktitle", "CHAP", "chapter", "container-title"),  # case and spaces aside
    ('["Book"]', "book", "series", "BOOK", "book", "collection-title"),
    ('["Conference Paper"]', "inproceedings", "booktitle", "CPAPER", "paper-conference", "container-title"),
    ('["Conference"]', "inproceedings", "booktitle", "CPAPER", "paper-conference", "container-title"),
    ('["Thesis"]', "phdthesis", "howpublished", "THES", "thesis", "container-title"),
    ('["Academic Dissertation"]', "phdthesis", "howpublished", "THES", "thesis", "container-title"),
    ('["Preprint"]', "misc", "howpublished", "JOUR", "article", "publisher"),
    ('["Dataset"]', "misc", "howpublished", "DATA", "dataset", "publisher"),
    ('["Report"]', "techreport", "howpublished", "RPRT", "report", "collection-title"),
    ('["Web Page"]', "misc", "howpublished", "ELEC", "webpage", "container-title"),
    ('["Magazine Article"]', "article", "journal", "MGZN", "article-magazine", "container-title"),
    ('["Newspaper Article"]', "article", "journal", "NEWS", "article-newspaper", "container-title"),
    # a chapter that is also a book: the chapter
    ('["Book", "Book Chapter"]', "incollection", "booktitle", "CHAP", "chapter", "container-title"),
    # filed in a journal by its source (Web of Science "Article; Proceedings Paper", PT J): the journal's
    ('["Journal Article", "Conference Paper"]', "article", "journal", "JOUR", "article-journal", "container-title"),
    ('["Journal Article", "Book Chapter"]', "article", "journal", "JOUR", "article-journal", "container-title"),
    ('["Journal Article", "Review"]', "article", "journal", "JOUR", "article-journal", "container-title"),
    # a review article is a journal article (CSL's "review" is a review of a work)
    ('["Review"]', "article", "journal", "JOUR", "article-journal", "container-title"),
    # PubMed's meeting reports and consensus statements are what a journal printed
    ('["Congress"]', "article", "journal", "JOUR", "article-journal", "container-title"),
    ('["Consensus Development Conference"]', "article", "journal", "JOUR", "article-journal", "container-title"),
    ('[]', "article", "journal", "JOUR", "article-journal", "container-title"),
    (None, "article", "journal", "JOUR", "article-journal", "container-title"),
    ("not JSON", "article", "journal", "JOUR", "article-journal", "container-title"),
]


@pytest.mark.parametrize("types, entry_type, bib_venue, ty, csl_type, csl_venue", KINDS)
def test_kind_by_publication_types(types, entry_type, bib_venue, ty, csl_type, csl_venue):
    paper = {"id": "x", "title": "T", "authors": '["Ann Author"]', "authors_complete": 1, "year": 2020,
             "keywords": "[]", "journal_title": "The Venue", "journal_abbreviation": "Venue",
             "journal_issn": "1234-5679"}
    if types is not None:
        paper["publication_types"] = types
    [entry] = bibtexparser.parse_string(to_bibtex([paper])).entries
    venues = {k: entry[k] for k in ("journal", "booktitle", "series", "howpublished") if k in entry.fields_dict}
    assert (entry.entry_type, venues) == (entry_type, {bib_venue: "The Venue"})
    assert ("shortjournal" in entry.fields_dict) == (bib_venue == "journal")
    [record] = rispy.loads(to_ris([paper]))
    assert (record["type_of_reference"], record["secondary_title"]) == (ty, "The Venue")
    assert ("issn" in record) == (ty in ("JOUR", "MGZN", "NEWS"))  # SN an ISSN for periodicals only
    [item] = to_csl_json([paper])
    venues = {k: item[k] for k in ("container-title", "collection-title", "publisher") if k in item}
    assert (item["type"], venues) == (csl_type, {csl_venue: "The Venue"})
    assert [e.message for e in csl_validator().iter_errors([item])] == []


# --- every export path of a running server -------------------------------------------

# The seeds: PubMed's MEDLINE export of a GeneReviews chapter (tests/fixtures/medline/
# genereviews-book.nbib: PT Review and Book Chapter, BTI the book) and a CSL-JSON library
# with a book, a conference paper and a journal article. What each is exported as, by
# title: (BibTeX entry type, its venue field and value), (RIS TY, T2), (CSL type, venue).
LIBRARY = [
    {"id": "b", "type": "book", "title": "Handbook of Dystonia", "author": [{"family": "Stacy", "given": "Mark A."}],
     "issued": {"date-parts": [[2012]]}, "DOI": "10.5555/handbook-of-dystonia"},
    {"id": "p", "type": "paper-conference", "title": "Surround inhibition in dystonia",
     "author": [{"family": "Hallett", "given": "Mark"}], "issued": {"date-parts": [[2008, 6]]},
     "DOI": "10.5555/surround-inhibition", "page": "S12-S13",
     "container-title": "12th International Congress of Parkinson's Disease and Movement Disorders"},
    {"id": "a", "type": "article-journal", "title": "Dissecting the links between cerebellum and dystonia",
     "author": [{"family": "Malone", "given": "Ailish"}], "issued": {"date-parts": [[2014, 12]]},
     "DOI": "10.1007/s12311-014-0601-4", "container-title": "Cerebellum", "volume": "13", "issue": "6",
     "page": "666-668"},
]
CONGRESS = "12th International Congress of Parkinson's Disease and Movement Disorders"
SERVED = {
    "DYT-TOR1A Dystonia.": {"bib": ("incollection", {"booktitle": "GeneReviews(®)"}),
                            "ris": ("CHAP", "GeneReviews(®)"),
                            "csljson": ("chapter", {"container-title": "GeneReviews(®)"})},
    "Handbook of Dystonia": {"bib": ("book", {}), "ris": ("BOOK", None), "csljson": ("book", {})},
    "Surround inhibition in dystonia": {"bib": ("inproceedings", {"booktitle": CONGRESS}), "ris": ("CPAPER", CONGRESS),
                                        "csljson": ("paper-conference", {"container-title": CONGRESS})},
    "Dissecting the links between cerebellum and dystonia": {
        "bib": ("article", {"journal": "Cerebellum"}), "ris": ("JOUR", "Cerebellum"),
        "csljson": ("article-journal", {"container-title": "Cerebellum"})},
}


def kinds(fmt, text):
    """{title: what SERVED gives for the format} of an export."""
    if fmt == "bib":
        library = bibtexparser.parse_string(text)
        assert library.failed_blocks == []
        return {e["title"]: (e.entry_type, {k: e[k] for k in ("journal", "booktitle", "series", "howpublished")
                                            if k in e.fields_dict}) for e in library.entries}
    if fmt == "ris":
        return {r["title"]: (r["type_of_reference"], r.get("secondary_title")) for r in rispy.loads(text)}
    items = json.loads(text)
    assert [e.message for e in csl_validator().iter_errors(items)] == []
    return {i["title"]: (i["type"], {k: i[k] for k in ("container-title", "collection-title", "publisher") if k in i})
            for i in items}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export_types")
    seeds = folder / "seeds"
    seeds.mkdir()
    shutil.copy(FIXTURES / "medline" / "genereviews-book.nbib", seeds / "genereviews-book.nbib")
    (seeds / "library.json").write_text(json.dumps(LIBRARY), encoding="utf-8")
    db = folder / "literature.db"
    assert build_quietly(seeds, db) == 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = dict(conn.execute("select title, id from papers").fetchall())
    conn.close()
    assert set(ids) == set(SERVED)
    with serving(db, folder / "datasette.log") as (_, url):
        yield url, ids


@pytest.mark.parametrize("fmt", ["bib", "ris", "csljson"])
def test_every_export_path_writes_the_kinds(site, fmt):
    url, ids = site
    want = {title: kinds_of[fmt] for title, kinds_of in SERVED.items()}
    for path, params in [
        (f"/-/export/literature/papers.{fmt}", {}),  # the whole-set streaming export
        (f"/literature/papers.{fmt}", {}),  # the table page's link (served by the same export)
        (f"/literature.{fmt}", {"sql": "select id from papers"}),  # a SQL query
        (f"/literature/search.{fmt}", {"q": "dystonia"}),  # a search's downloads
    ]:
        status, _, text = get(url, path, **params)
        assert status == 200, (path, text)
        assert kinds(fmt, text) == want, path
    for title, paper_id in ids.items():  # a paper's own download (Datasette's output renderer)
        status, _, text = get(url, f"/literature/papers/{paper_id}.{fmt}")
        assert status == 200, (paper_id, text)
        assert kinds(fmt, text) == {title: want[title]}, paper_id
