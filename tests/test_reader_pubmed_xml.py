"""PubMed XML reader (efetch db=pubmed retmode=xml): golden fixtures compared field by
field with values written by hand, bad records among good ones, the record split, and
hostile XML (entities, external files, XInclude, deep nesting)."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from conftest import FIXTURES
from golden import fixture_records
from litdb.readers import jats, pubmed_xml
from litdb.records import Author, Claim, Grant, MeshTerm, PaperRecord, RecordError, Reference

DIR = FIXTURES / "pubmed_xml"
HEAD = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2024//EN" '
        '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n')


def article(pmid: str, title: str) -> str:
    return (f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>'
            f'<Article PubModel="Print"><ArticleTitle>{title}</ArticleTitle></Article></MedlineCitation></PubmedArticle>')


MOV_DISORD = PaperRecord(
    format="pubmed_xml",
    title="Cerebellar theta-burst stimulation restores eyeblink conditioning in TOR1A (DYT1) carriers: a crossover trial.",
    doi="10.5555/mds.2019.0412",
    pmid="99990412",
    pmcid="PMC99990147",
    abstract=("BACKGROUND: Converging evidence implicates the cerebellum in dystonia.\n\n"
              "METHODS: Twenty-four carriers received 10 sessions of cTBS at 50 Hz and sham; the 95% CI used t tests "
              "with α0 = 0.05 and r2 < 0.25.\n\n"
              "CONCLUSIONS: Cerebellar cTBS transiently normalizes associative learning."),
    journal_title="Movement disorders : official journal of the Movement Disorder Society",
    journal_abbreviation="Mov Disord",
    year=2019,
    publication_date="2019-03",
    epub_date="2019-02-12",
    volume="34",
    issue="3",
    pages="345-356",
    issns=["1531-8257"],
    issn_l="0885-3185",
    authors=[
        Author("Mei-Ling Zhou", "Zhou", "Mei-Ling", "0000-0002-1825-0097",
               ["Department of Neurology, University of Example, Example City, USA.",
                "Cerebellar Research Unit, Example Institute, Example City, USA."]),
        Author("Tomás Ferreira-Lima", "Ferreira-Lima", "Tomás", "0000-0003-4590-746X",
               ["Instituto de Neurociências, Lisboa, Portugal."]),
        Author("J Michael Gaziano Jr", "Gaziano", "J Michael"),
        # the author PubMed marks ValidYN="N" is left out
        Author("Dystonia Coalition Investigators", group=True),
    ],
    authors_complete=True,
    publication_types=["Clinical Trial", "Journal Article", "Research Support, N.I.H., Extramural"],
    keywords=["cerebellum", "eyeblink conditioning", "theta-burst stimulation"],
    mesh_terms=[
        MeshTerm("Adult", None, False),
        MeshTerm("Cerebellum", "physiopathology", True),
        MeshTerm("Cerebellum", "physiology", False),
        MeshTerm("Dystonia", "therapy", True),
    ],
    grants=[
        Grant("R01 NS088528/NS/NINDS NIH HHS/United States", "R01 NS088528", "NS", "NINDS NIH HHS", "United States"),
        Grant("MR/K01417X/1/Medical Research Council/United Kingdom", "MR/K01417X/1", None, "Medical Research Council",
              "United Kingdom"),
    ],
    copyright="© 2019 International Parkinson and Movement Disorder Society.",
    references=[
        # each Citation's parts, as its shape allows; its ArticleIds for DOI and PMID
        Reference(1, "Hallett M. Neurophysiology of dystonia: the role of inhibition. Neurobiol Dis. 2011 May;42(2):177-84.",
                  authors="Hallett M", title="Neurophysiology of dystonia: the role of inhibition",
                  journal="Neurobiol Dis", year=2011, month=5, volume="42", issue="2", pages="177-184",
                  doi="10.1016/j.nbd.2010.08.025", pmid="20817092"),
        Reference(2, "Neychev VK, Fan X, Mitev VI, Hess EJ, Jinnah HA. The basal ganglia and cerebellum interact in the "
                     "expression of dystonic movement. Brain. 2008;131(Pt 9):2499-509.",
                  authors="Neychev VK, Fan X, Mitev VI, Hess EJ, Jinnah HA",
                  title="The basal ganglia and cerebellum interact in the expression of dystonic movement",
                  journal="Brain", year=2008, volume="131", issue="Pt 9", pages="2499-2509"),
    ],
    claims=[
        Claim("language", "eng", "PubMed Language"),
        Claim("conflict_of_interest", "The authors declare no conflicts of interest.", "CoiStatement"),
        Claim("erratum_in", "Mov Disord. 2019 Jun;34(6):930 PMID: 99990999", "CommentsCorrections ErratumIn"),
    ],
    line=4,
)

NERVENARZT = PaperRecord(
    format="pubmed_xml",
    title="[Wilson disease].",  # the translated title in brackets, as PubMed shows it
    pmid="99980077",
    journal_title="Der Nervenarzt",
    journal_abbreviation="Nervenarzt",
    year=1998,
    publication_date="1998-12",  # MedlineDate "1998 Dec-1999 Jan"
    volume="69",
    issue="12",
    pages="1063-1068",
    issns=["0028-2804"],
    issn_l="0028-2804",
    authors=[
        Author("K Müller", "Müller", "K", None, ["Neurologische Klinik, Universität Beispielstadt."]),
        Author("JP van der Berg", "van der Berg", "JP"),  # no ForeName: the initials
    ],
    authors_complete=False,  # AuthorList CompleteYN="N"
    publication_types=["Journal Article", "Review"],
    mesh_terms=[MeshTerm("Hepatolenticular Degeneration", None, True), MeshTerm("Humans", None, False)],
    references=[  # an old record: what it cites is in CommentsCorrections RefType="Cites"
        Reference(1, "Neurology. 1991 Feb;41(2 ( Pt 1)):234-7", pmid="1992367"),
        Reference(2, "Lancet. 1952 Jun 28;1(6722):1306"),
    ],
    claims=[
        Claim("vernacular_title", "Morbus Wilson.", "the title in the article's own language"),
        Claim("language", "ger", "PubMed Language"),
    ],
    line=176,
)


def test_two_efetch_records_every_field():
    got = fixture_records(pubmed_xml, "efetch_two_records.xml")
    assert [asdict(r) for r in got] == [asdict(MOV_DISORD), asdict(NERVENARZT)]


def test_season_start_page_ahead_of_print_and_a_book_chapter():
    got = fixture_records(pubmed_xml, "efetch_season_book.xml")
    assert [asdict(r) for r in got] == [asdict(PaperRecord(
        format="pubmed_xml",
        title="Purkinje cell firing in a mouse model of Sgce myoclonus-dystonia.",
        doi="10.5555/s40673-024-0012-x",
        pmid="99970001",
        abstract="Myoclonus-dystonia is caused by SGCE mutations.\n\nWe recorded Purkinje cells in awake mice.",
        journal_title="Cerebellum & ataxias",
        journal_abbreviation="Cerebellum Ataxias",
        year=2024,
        publication_date="2024",  # "2024 Spring": a season is no month
        epub_date="2024-04-03",
        volume="11",
        pages="12",  # StartPage alone
        issns=["2053-8871"],
        issn_l="2053-8871",
        authors=[Author("Chidinma Okafor", "Okafor", "Chidinma", "0000-0001-5109-3700",
                        ["Department of Neuroscience, Example University, Example City, Nigeria. c.okafor@example.edu."])],
        publication_types=["Journal Article"],
        keywords=["Purkinje cell", "myoclonus-dystonia", "epsilon-sarcoglycan"],  # both lists, once each
        claims=[Claim("language", "eng", "PubMed Language"),
                Claim("status", "Online ahead of print", "PublicationStatus aheadofprint")],
        line=4,
    )), asdict(PaperRecord(
        format="pubmed_xml",
        title="Cervical Dystonia",
        pmid="99960002",
        abstract="Cervical dystonia is the most common focal dystonia.",
        journal_title="StatPearls",  # the book a chapter appears in
        year=2025,
        publication_date="2025-01",
        authors=[Author("Jane Roe", "Roe", "Jane", None, ["Example Medical Center"])],
        publication_types=["Review", "Book Chapter"],  # the chapter's kind, as MEDLINE's PT says it
        copyright="Copyright © 2025, StatPearls Publishing LLC.",
        claims=[Claim("publisher", "StatPearls Publishing", "publisher of the book"),
                Claim("bookaccession", "NBK599999", "NCBI Bookshelf accession")],
        line=74,
    ))]


def test_bad_records_among_good_ones_keep_their_place():
    got = fixture_records(pubmed_xml, "efetch_bad_records.xml")
    assert [type(r).__name__ for r in got] == ["PaperRecord", "RecordError", "RecordError", "PaperRecord"]
    assert (got[0].title, got[0].pmid, got[0].line) == ("First good record.", "99950001", 4)
    assert got[1] == RecordError(2, 12, "a PubmedArticle with neither ArticleTitle nor PMID")
    # the place of the error is a line of the file, not of the record
    assert got[2] == RecordError(3, 19, "invalid XML at line 23, column 41: "
                                        "Opening and ending tag mismatch: i line 23 and b")
    assert (got[3].title, got[3].pmid, got[3].line) == ("Last good record.", "99950004", 27)


def test_split_records_cuts_at_the_records_and_each_piece_reads_alone():
    text = (DIR / "efetch_two_records.xml").read_text(encoding="utf-8")
    pieces = pubmed_xml.split_records(text)
    assert [line for line, _ in pieces] == [4, 176]
    assert pieces[0][1].startswith("<PubmedArticle>\n  <MedlineCitation") and pieces[0][1].endswith("</PubmedArticle>")
    assert pieces[1][1].startswith("<PubmedArticle>\n    <MedlineCitation")
    first, = pubmed_xml.read(pieces[0][1])
    assert (first.pmid, first.title, first.line) == ("99990412", MOV_DISORD.title, 1)


def test_a_file_with_a_comment_is_read_whole_and_not_split():
    text = HEAD + "<PubmedArticleSet>\n<!-- <PubmedArticle> in a comment -->\n" + article("11", "One.") + "\n" \
        + article("12", "Two.") + "\n</PubmedArticleSet>\n"
    assert pubmed_xml.split_records(text) == [(1, text)]
    got = list(pubmed_xml.read(text))
    assert [(r.pmid, r.title, r.line) for r in got] == [("11", "One.", 5), ("12", "Two.", 6)]


def test_a_lone_pubmed_article_is_read():
    text = HEAD + article("13", "Lone <b>bold</b> title.")
    assert pubmed_xml.looks_like(text)
    got, = pubmed_xml.read(text)
    assert (got.pmid, got.title, got.line) == ("13", "Lone bold title.", 3)


def test_truncated_file_keeps_the_records_before_the_cut():
    text = (DIR / "efetch_two_records.xml").read_text(encoding="utf-8")
    got = list(pubmed_xml.read(text[: text.index("<Title>Der Nervenarzt")]))
    assert got[0].pmid == "99990412"
    assert isinstance(got[1], RecordError) and (got[1].position, got[1].line) == (2, 176)
    # the cut is on line 194 after its 16 spaces, inside the <Journal> opened on line 185
    assert got[1].reason == "invalid XML at line 194, column 17: Premature end of data in tag Journal line 185"


@pytest.mark.parametrize("text, reason", [
    (HEAD + "<PubmedArticleSet>\n</PubmedArticleSet>\n", "a PubmedArticleSet with no PubmedArticle"),
    # the "&" is character 27 of the line; the reason after the place is libxml2's (lxml pinned)
    ("<PubmedArticleSet>garbage & more", "invalid XML at line 1, column 28: xmlParseEntityRef: no name"),
])
def test_empty_or_broken_files_give_one_line_value_errors(text, reason):
    with pytest.raises(ValueError) as e:
        list(pubmed_xml.read(text))
    message = str(e.value)
    assert "\n" not in message
    assert message == reason


def test_a_file_cut_inside_its_only_record_is_one_record_error():
    got = list(pubmed_xml.read("<PubmedArticleSet><PubmedArticle><MedlineCitation>"))
    assert len(got) == 1 and isinstance(got[0], RecordError) and (got[0].position, got[0].line) == (1, 1)
    # the record read on its own: "<PubmedArticle><MedlineCitation>" is 32 characters
    assert got[0].reason == "invalid XML at line 1, column 33: Premature end of data in tag MedlineCitation line 1"


def test_looks_like_claims_pubmed_xml_only():
    for name in ("efetch_two_records.xml", "efetch_season_book.xml", "efetch_bad_records.xml"):
        text = (DIR / name).read_text(encoding="utf-8")
        assert pubmed_xml.looks_like(text) and not jats.looks_like(text)
    for path in sorted((FIXTURES / "jats").iterdir()):
        assert not pubmed_xml.looks_like(path.read_text(encoding="utf-8")), path.name
    assert not pubmed_xml.looks_like("<!-- <PubmedArticleSet> --><html><body>PubmedArticleSet</body></html>")
    assert not pubmed_xml.looks_like("PMID- 99990412\nTI  - <PubmedArticleSet>\n")
    assert not pubmed_xml.looks_like('{"PubmedArticleSet": []}')


# Hostile XML: every attack is refused or inert, and nothing of /etc/passwd is read.
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY lol "lol">\n'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">\n' for i in range(1, 10))
          + ']>\n<PubmedArticleSet>' + article("1", "&lol9;") + "</PubmedArticleSet>\n")
EXTERNAL = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
            '<PubmedArticleSet>' + article("1", "&xxe;") + "</PubmedArticleSet>\n")
PARAMETER = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'
             '<PubmedArticleSet>' + article("1", "Title.") + "</PubmedArticleSet>\n")
XINCLUDE = (HEAD + '<PubmedArticleSet>' + article(
    "1", 'Title <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>.')
    + "</PubmedArticleSet>\n")
EXTERNAL_DTD = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet SYSTEM "file:///etc/passwd">\n'
                '<PubmedArticleSet>' + article("1", "Title.") + "</PubmedArticleSet>\n")
HIDDEN = EXTERNAL.replace("?>\n", "?>\n<!--" + "x" * 70000 + "-->\n", 1)  # the doctype past where parse_xml looks


def test_a_deeply_nested_50_mb_file_is_refused_at_depth_256():
    # lxml stops at its depth limit (huge_tree off): no tree of millions of levels is
    # built. (How long it takes is scripts/bench_readers.py's: no clock in a test.)
    depth = 50 * 1024 * 1024 // 7  # "<a>" and "</a>": 7 bytes a level
    text = HEAD + "<PubmedArticleSet><PubmedArticle>" + "<a>" * depth + "</a>" * depth + "</PubmedArticle></PubmedArticleSet>"
    got = list(pubmed_xml.read(text))
    assert len(got) == 1 and isinstance(got[0], RecordError)
    assert "Excessive depth in document: 256" in got[0].reason


@pytest.mark.parametrize("text", [LAUGHS, EXTERNAL, PARAMETER], ids=["billion-laughs", "external-entity",
                                                                     "parameter-entity"])
def test_a_hostile_set_is_claimed_so_the_build_says_why_it_is_refused(text):
    from litdb.readers import detect
    assert detect(text) == "pubmed_xml"


CONCATENATED_FIRST = PaperRecord(
    format="pubmed_xml", title="Purkinje cell firing in a mouse model of DYT1 dystonia.",
    doi="10.1002/mds.28002", pmid="31000002",
    journal_title="Movement disorders : official journal of the Movement Disorder Society",
    journal_abbreviation="Mov Disord", year=2018, publication_date="2018-03",  # MedlineDate "2018 Mar-Apr"
    volume="33", issue="2", pages="301-309", issns=["1531-8257"], issn_l="0885-3185",
    authors=[Author("Søren Kjær", "Kjær", "Søren", None,
                    ["Danish Research Centre for Magnetic Resonance, Hvidovre, Denmark."])],
    publication_types=["Journal Article"], claims=[Claim("language", "eng", "PubMed Language")], line=4)
CONCATENATED_SECOND = PaperRecord(
    format="pubmed_xml", title="The Atcayji-hes mouse and cerebellar dystonia.", pmid="31000004",
    journal_title="Cerebellum & ataxias", journal_abbreviation="Cerebellum Ataxias", year=2019,
    publication_date="2019", volume="6", pages="11", issns=["2053-8871"], issn_l="2053-8871",
    authors=[Author("Dystonia Coalition Investigators", group=True)],
    publication_types=["Journal Article"], claims=[Claim("language", "eng", "PubMed Language")], line=62)


def test_efetch_pages_concatenated_are_one_file_of_records():
    # efetch pages (retstart=0, 1, ...) saved one after the other: each page keeps its
    # XML declaration and doctype; every record is read, at its line
    first, second = fixture_records(pubmed_xml, "efetch_pages_concatenated.xml")
    assert asdict(first) == asdict(CONCATENATED_FIRST)
    assert asdict(second) == asdict(CONCATENATED_SECOND)
    text = (DIR / "efetch_pages_concatenated.xml").read_text(encoding="utf-8")
    assert [line for line, _ in pubmed_xml.split_records(text)] == [4, 62]


def test_concatenated_sets_with_an_entity_declaration_are_refused():
    text = (DIR / "efetch_pages_concatenated.xml").read_text(encoding="utf-8")
    second = text.index("<!DOCTYPE", 200)
    hostile = text[:second] + '<!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + \
        text[text.index(">", text.index("pubmed_250101.dtd", second)) + 1:]
    with pytest.raises(ValueError, match="entity declarations is refused"):
        list(pubmed_xml.read(hostile))


@pytest.mark.parametrize("prolog, reason", [
    ('<?xml!version="1.0"?>\n',
     "invalid XML at line 1, column 6: XML declaration allowed only at the start of the document"),
    ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [<!ENTITY x "y">]>\n',
     "XML with an internal DTD or entity declarations is refused (entities are never expanded)"),
])
def test_a_refused_prolog_is_refused_whole_and_in_pieces(prolog, reason):
    # the fuzz found a broken XML declaration: the file was rejected whole, but its pieces
    # each read as a record. Now split_records keeps such a file whole: same answer both ways.
    text = prolog + "<PubmedArticleSet>\n" + article("1", "A.") + "\n" + article("2", "B.") + "\n</PubmedArticleSet>\n"
    with pytest.raises(ValueError) as e:
        list(pubmed_xml.read(text))
    assert str(e.value) == reason
    assert pubmed_xml.split_records(text) == [(1, text)]
