"""Golden tests for the MEDLINE (.nbib) reader.

The fixtures in tests/fixtures/medline/ are written by hand in the exact layout of
PubMed's "Save: PubMed format" files (tags padded to four characters, six-space
continuation lines, FAU/AU/AUID/AD per author, LID/AID, PHST, ...). Every expected
value below is typed by hand from those files."""

import dataclasses

import pytest

from conftest import SEEDS
from golden import SEED_000_ABSTRACT, expected, fixture_text
from litdb.readers import decode, detect, medline, pubmed_page, ris
from litdb.readers.common import nlm_grant
from litdb.records import Author, Claim, Grant, MeshTerm, RecordError



SAPIENZA = "Department of Neurology and Psychiatry, Sapienza University of Rome, Viale dell'Universita, 30, 00185 Rome, Italy."

SET = [
    expected("medline",
        line=2, pmid="25146823", title="Dissecting the links between cerebellum and dystonia.",
        doi="10.1007/s12311-014-0601-4", abstract=SEED_000_ABSTRACT,
        journal_title="Cerebellum (London, England)", journal_abbreviation="Cerebellum",
        issns=["1473-4230", "1473-4222"], issn_l="1473-4222",
        year=2014, publication_date="2014-12", volume="13", issue="6", pages="666-668",
        authors=[
            Author("Ailish Malone", "Malone", "Ailish", affiliations=[
                "School of Public Health, Physiotherapy and Population Science, University College Dublin, Dublin, Ireland."]),
            Author("Mario Manto", "Manto", "Mario", orcid="0000-0002-1825-0097", affiliations=[
                "Unite d'Etude du Mouvement (UEM), FNRS, ULB-Erasme, Brussels, Belgium.",
                "Service des Neurosciences, University of Mons, Mons, Belgium."]),
            Author("Chris Hass", "Hass", "Chris"),
        ],
        publication_types=["Editorial"],
        mesh_terms=[MeshTerm("Animals"), MeshTerm("Cerebellum", "physiopathology", True),
                    MeshTerm("Dystonia", "physiopathology", True), MeshTerm("Humans")],
        claims=[Claim("language", "eng", "LA")],
    ),
    expected("medline",
        line=63, pmid="28515951", title="Cerebellum: An explanation for dystonia?",
        doi="10.1186/s40673-017-0064-8", pmcid="PMC5427546",
        abstract=("Dystonia is a movement disorder that is characterized by involuntary muscle contractions, abnormal "
                  "movements and postures, as well as by non-motor symptoms, and is due to abnormalities in different "
                  "brain areas. In this article, we focus on the growing number of experimental studies aimed at "
                  "explaining the pathophysiological role of the cerebellum in dystonia."),
        journal_title="Cerebellum & ataxias", journal_abbreviation="Cerebellum Ataxias",
        issns=["2053-8871"], issn_l="2053-8871",
        year=2017, publication_date="2017", epub_date="2017-05-12", volume="4", pages="6",
        authors=[
            Author("Matteo Bologna", "Bologna", "Matteo", affiliations=[SAPIENZA,
                                                                        "IRCCS Neuromed Institute, Pozzilli, IS Italy."]),
            Author("Alfredo Berardelli", "Berardelli", "Alfredo", orcid="0000-0003-1234-567X", affiliations=[SAPIENZA]),
        ],
        publication_types=["Journal Article", "Review"],
        keywords=["Cerebellum", "Dystonia", "Pathophysiology"],
        claims=[Claim("language", "eng", "LA"), Claim("received", "2017-02-02", "PHST [received]"),
                Claim("accepted", "2017-04-27", "PHST [accepted]")],
    ),
    expected("medline",
        line=120, pmid="31234567",
        title="Cerebellar and basal ganglia outputs in DYT1 dystonia: a multicentre imaging study.",
        doi="10.1002/mds.27777",
        abstract=("BACKGROUND: The cerebellum is increasingly implicated in dystonia. METHODS: We imaged 40 carriers. "
                  "RESULTS: Cerebellar outflow was reduced. CONCLUSIONS: Both circuits are involved."),
        copyright="(c) 2019 International Parkinson and Movement Disorder Society.",
        journal_title="Movement disorders : official journal of the Movement Disorder Society",
        journal_abbreviation="Mov Disord", issns=["0885-3185", "1531-8257"], issn_l="0885-3185",
        year=2019, publication_date="2019", epub_date="2019-07-04", volume="34", issue="2", pages="e12345",
        authors=[
            Author("Stéphane Lehéricy", "Lehéricy", "Stéphane", orcid="0000-0002-1825-009X",
                   affiliations=["Institut du Cerveau et de la Moelle epiniere, Paris, France."]),
            Author("Johanna C van der Berg", "van der Berg", "Johanna C"),
            Author("Dystonia Coalition Investigators", group=True),
            Author("John A Smith Jr", "Smith", "John A",
                   affiliations=["Department of Neurology, Emory University, Atlanta, GA, USA."]),
        ],
        publication_types=["Journal Article", "Multicenter Study", "Research Support, N.I.H., Extramural"],
        keywords=["DYT1", "cerebellum"],
        mesh_terms=[MeshTerm("Adult"), MeshTerm("Basal Ganglia", "diagnostic imaging", False),
                    MeshTerm("Basal Ganglia", "physiopathology", True), MeshTerm("Cerebellum", None, True),
                    MeshTerm("Dystonia Musculorum Deformans", "genetics", True), MeshTerm("Humans"),
                    MeshTerm("Molecular Chaperones", "genetics", False)],
        grants=[
            Grant("R01 NS088528/NS/NINDS NIH HHS/United States", "R01 NS088528", "NS", "NINDS NIH HHS", "United States"),
            Grant("BB/K001817/1/BB_/Biotechnology and Biological Sciences Research Council/United Kingdom",
                  "BB/K001817/1", "BB_", "Biotechnology and Biological Sciences Research Council", "United Kingdom"),
            Grant("Howard Hughes Medical Institute/United States", None, None, "Howard Hughes Medical Institute",
                  "United States"),
            Grant("24K23757/KAKENHI/", "24K23757", None, "KAKENHI", None),
        ],
        claims=[Claim("language", "eng", "LA"), Claim("nihms_id", "NIHMS1041234", "MID: NIH manuscript id"),
                Claim("received", "2018-11-02", "PHST [received]"), Claim("accepted", "2019-05-27", "PHST [accepted]")],
    ),
    expected("medline",
        line=191, pmid="10023456", title="[Wilson disease].",
        abstract=("Wilson disease is an autosomal recessive disorder of copper metabolism. "
                  "Dystonia is a frequent neurological sign."),
        copyright="Copyright 1998 Springer-Verlag.",
        journal_title="Der Nervenarzt", journal_abbreviation="Nervenarzt", issns=["0028-2804"], issn_l="0028-2804",
        year=1998, publication_date="1998-12", volume="69", issue="12", pages="1101-1109",
        authors=[Author("T Muller", "Muller", "T", affiliations=["Neurologische Klinik, Universitat Bochum."]),
                 Author("W Kuhn", "Kuhn", "W")],
        publication_types=["English Abstract", "Journal Article", "Review"],
        mesh_terms=[MeshTerm("Dystonia", "etiology", False), MeshTerm("Hepatolenticular Degeneration", "diagnosis", True),
                    MeshTerm("Hepatolenticular Degeneration", "genetics", False)],
        claims=[Claim("language", "ger", "LA"),
                Claim("original_title", "Morbus Wilson.", "TT: the title in its original language")],
    ),
    expected("medline",
        line=230, pmid="38456789", title="Cerebellar transcranial stimulation in cervical dystonia.",
        doi="10.1016/j.jns.2024.122915", copyright="Copyright © 2024 Elsevier B.V. All rights reserved.",
        journal_title="Journal of the neurological sciences", journal_abbreviation="J Neurol Sci",
        issns=["1878-5883"], issn_l="0022-510X",
        year=2024, publication_date="2024-03-05", epub_date="2024-03-05", volume="458", pages="122915",
        authors=[Author("Thi Mai Nguyen", "Nguyen", "Thi Mai")],
        publication_types=["Journal Article"], keywords=["Cervical dystonia"],
        claims=[Claim("language", "eng", "LA"), Claim("received", "2023-10-10", "PHST [received]"),
                Claim("accepted", "2024-03-01", "PHST [accepted]"),
                Claim("status", "Online ahead of print", "PST - aheadofprint")],
    ),
]


def test_saved_pubmed_format_file_every_field():
    records = list(medline.read(fixture_text("medline", "pubmed-cerebellum-set.nbib")))
    assert len(records) == 5
    for got, want in zip(records, SET):
        assert dataclasses.asdict(got) == want


def test_book_chapter_editors_are_not_authors():
    [record] = medline.read(fixture_text("medline", "genereviews-book.nbib"))
    assert dataclasses.asdict(record) == expected("medline",
        line=1, pmid="20301665", title="DYT-TOR1A Dystonia.", journal_title="GeneReviews(®)",
        abstract=("CLINICAL CHARACTERISTICS: DYT-TOR1A dystonia typically presents in childhood or adolescence and "
                  "only on rare occasions in adulthood."),
        copyright=("Copyright © 1993-2024, University of Washington, Seattle. GeneReviews is a registered trademark "
                   "of the University of Washington, Seattle. All rights reserved."),
        year=1993, publication_date="1993",
        authors=[Author("Laurie Ozelius", "Ozelius", "Laurie",
                        affiliations=["Department of Neurology, Massachusetts General Hospital, Boston, MA, USA"]),
                 Author("Naomi Lubarr", "Lubarr", "Naomi")],
        publication_types=["Review", "Book Chapter"],
        claims=[Claim("language", "eng", "LA")],
    )


def test_bad_records_are_rejected_alone_with_position_and_line():
    records = list(medline.read(fixture_text("medline", "bad-records.txt")))
    assert [type(r).__name__ for r in records] == [
        "PaperRecord", "RecordError", "RecordError", "PaperRecord", "PaperRecord", "RecordError"]
    assert records[1] == RecordError(2, 12, "line 17: not a MEDLINE tag line: 'the second line was pasted without its six spaces.'")
    assert records[2] == RecordError(3, 20, "a record with neither a PMID nor a title")
    assert records[5] == RecordError(6, 32, "PMID is not a number: '2970abc'")
    assert dataclasses.asdict(records[0]) == expected("medline",
        line=1, pmid="29701234", title="Purkinje cell firing in a mouse model of dystonia.",
        journal_title="Brain : a journal of neurology", journal_abbreviation="Brain",
        year=2018, publication_date="2018-06-01", authors=[Author("Rachel Fremont", "Fremont", "Rachel")],
        publication_types=["Journal Article"])
    assert dataclasses.asdict(records[3]) == expected("medline",
        line=25, pmid="29701237", title="Deep brain stimulation of the dentate nucleus.",
        year=2018, publication_date="2018-07", authors=[Author("S Horisawa", "Horisawa", "S")])
    # a PMID line starts a record even without a blank line before it
    assert dataclasses.asdict(records[4]) == expected("medline",
        line=29, pmid="29701238", title="Concatenated without a blank line.",
        authors=[Author("Dystonia Coalition", group=True)])


def test_split_records_cuts_where_read_does():
    text = fixture_text("medline", "bad-records.txt")
    pieces = medline.split_records(text)
    assert [line for line, _ in pieces] == [1, 12, 20, 25, 29, 32]
    assert pieces[4][1] == "PMID- 29701238\nTI  - Concatenated without a blank line.\nCN  - Dystonia Coalition"
    # each piece read alone, told where it starts, gives what the whole file gives
    from_pieces = [r for k, (line, piece) in enumerate(pieces, 1) for r in medline.read(piece, line, k)]
    assert from_pieces == list(medline.read(text))


def test_split_records_of_the_saved_file():
    pieces = medline.split_records(fixture_text("medline", "pubmed-cerebellum-set.nbib"))
    assert [line for line, _ in pieces] == [2, 63, 120, 191, 230]
    assert all(piece.startswith("PMID- ") for _, piece in pieces)


@pytest.mark.parametrize("dp, year, date", [
    ("2014 Dec", 2014, "2014-12"), ("2014 Dec 5", 2014, "2014-12-05"), ("2019 Spring", 2019, "2019"),
    ("1998 Dec-1999 Jan", 1998, "1998-12"), ("2019 Mar-Apr", 2019, "2019-03"), ("2017", 2017, "2017"),
    ("2000 Winter-Spring", 2000, "2000"),
])
def test_publication_dates(dp, year, date):
    [record] = medline.read(f"PMID- 1\nTI  - T.\nDP  - {dp}\n")
    assert (record.year, record.publication_date) == (year, date)


@pytest.mark.parametrize("dep, epub", [("20190704", "2019-07-04"), ("2019", None), ("20191304", "2019")])
def test_epub_dates(dep, epub):
    [record] = medline.read(f"PMID- 1\nTI  - T.\nDEP - {dep}\n")
    assert record.epub_date == epub


@pytest.mark.parametrize("pg, pages", [("666-8", "666-668"), ("e123", "e123"), ("S1-7", "S1-S7"),
                                       ("1-10; discussion 11", "1-10; discussion 11")])
def test_pages(pg, pages):
    [record] = medline.read(f"PMID- 1\nTI  - T.\nPG  - {pg}\n")
    assert record.pages == pages


def test_pii_is_not_a_doi_and_lid_comes_before_aid():
    [record] = medline.read("PMID- 1\nTI  - T.\nLID - S0022-510X(24)00077-1 [pii]\nAID - 10.1000/First [doi]\n"
                            "AID - 10.1000/second [doi]\n")
    assert record.doi == "10.1000/first"
    [record] = medline.read("PMID- 1\nTI  - T.\nLID - 12 [pii]\n")
    assert record.doi is None


@pytest.mark.parametrize("mh, terms", [
    ("Dystonia/*physiopathology", [MeshTerm("Dystonia", "physiopathology", True)]),
    ("*Cerebellum", [MeshTerm("Cerebellum", None, True)]),
    ("Humans", [MeshTerm("Humans", None, False)]),
    ("Brain/pathology/*physiopathology", [MeshTerm("Brain", "pathology", False), MeshTerm("Brain", "physiopathology", True)]),
    ("*Raynaud Disease/blood/chemically induced",
     [MeshTerm("Raynaud Disease", "blood", True), MeshTerm("Raynaud Disease", "chemically induced", True)]),
    ("Physicians, Family/*statistics & numerical data", [MeshTerm("Physicians, Family", "statistics & numerical data", True)]),
])
def test_mesh_terms(mh, terms):
    assert medline.mesh_terms(mh) == terms


@pytest.mark.parametrize("gr, parts", [
    ("ZIA NS003034-01/ImNIH/Intramural NIH HHS/United States",
     ("ZIA NS003034-01", "ImNIH", "Intramural NIH HHS", "United States")),
    ("GR072308/Wellcome Trust/United Kingdom", ("GR072308", None, "Wellcome Trust", "United Kingdom")),
    ("R93/1108/The Dunhill Medical Trust/United Kingdom", ("R93/1108", None, "The Dunhill Medical Trust", "United Kingdom")),
    ("097816/WT_/Wellcome Trust/United Kingdom", ("097816", "WT_", "Wellcome Trust", "United Kingdom")),
    ("MIUR, Italian Ministry of Education and Research/", (None, None, "MIUR, Italian Ministry of Education and Research", None)),
    ("Wellcome Trust", (None, None, "Wellcome Trust", None)),
])
def test_grants(gr, parts):
    g = nlm_grant(gr)
    assert (g.text, g.grant_id, g.acronym, g.agency, g.country) == (gr, *parts)


@pytest.mark.parametrize("au, name, family, given", [
    ("Malone A", "A Malone", "Malone", "A"), ("Pronk LJU", "LJU Pronk", "Pronk", "LJU"),
    ("De Grassi A", "A De Grassi", "De Grassi", "A"), ("Smith JA Jr", "JA Smith Jr", "Smith", "JA"),
    ("Aristotle", "Aristotle", "Aristotle", None),
])
def test_authors_without_fau(au, name, family, given):
    a = medline.author_from_initials(au)
    assert (a.name, a.family, a.given, a.group) == (name, family, given, False)


def test_ad_and_auid_belong_to_the_author_before_them_not_to_investigators():
    text = ("PMID- 1\nTI  - T.\nFAU - Doe, Jane\nAU  - Doe J\nAUID- ORCID: 0000000179131932\n"
            "AD  - First place.\nAD  - Second\n      place.\nCN  - The Study Group\nAD  - Group place.\n"
            "LA  - eng\nLA  - fre\nIR  - Roe R\nFIR - Roe, Richard\nIRAD- Investigator place.\nAD  - Stray place.\n")
    [record] = medline.read(text)
    assert record.authors == [
        Author("Jane Doe", "Doe", "Jane", orcid="0000-0001-7913-1932", affiliations=["First place.", "Second place."]),
        Author("The Study Group", group=True, affiliations=["Group place."]),
    ]
    assert record.claims == [Claim("language", "eng; fre", "LA")]


def test_detection_claims_medline_only():
    for name in ("pubmed-cerebellum-set.nbib", "bad-records.txt", "genereviews-book.nbib"):
        text = fixture_text("medline", name)
        assert medline.looks_like(text) and detect(text) == "medline"
        assert not pubmed_page.looks_like(text) and not ris.looks_like(text)
    assert not medline.looks_like("TY  - JOUR\nTI  - A title\nN1  - PMID- 123\nER  - \n")
    assert not medline.looks_like(decode((SEEDS / "000_a766678b1bddf855.txt").read_bytes()))
    assert not medline.looks_like('"PMID","Title","Authors"\n"1","T","A"\n')
    assert not medline.looks_like('{"pmid": "1"}')
    # another tag first, the PMID line soon after (some tools write them so)
    assert medline.looks_like("OWN - NLM\nPMID- 12\nTI  - T.\n")


@pytest.mark.parametrize("text", ["hello world\n", "{\"title\": \"x\"}", "      continuation first\n"])
def test_not_medline_is_one_line_value_error(text):
    with pytest.raises(ValueError) as e:
        list(medline.read(text))
    assert "\n" not in str(e.value)


def test_truncated_file_keeps_what_it_has():
    text = fixture_text("medline", "pubmed-cerebellum-set.nbib")
    cut = text[: text.index("      study.")]  # in the middle of the third record's title
    records = list(medline.read(cut))
    assert [r.pmid for r in records] == ["25146823", "28515951", "31234567"]
    assert records[2].title == "Cerebellar and basal ganglia outputs in DYT1 dystonia: a multicentre imaging"


def test_two_saves_concatenated_with_a_byte_order_mark_in_the_middle():
    # `cat a.nbib b.nbib` of files that start with a byte order mark: the second one's
    # PMID line starts with it, and is still a PMID line
    text = fixture_text("medline", "two-saves-concatenated.nbib")
    records = [dataclasses.asdict(r) for r in medline.read(text)]
    assert records == [
        expected("medline", title="Dissecting the links between cerebellum and dystonia.", pmid="25146823", year=2014,
                 publication_date="2014-12", authors=[Author("Ailish Malone", "Malone", "Ailish")], line=1),
        expected("medline", title="Cerebellum: An explanation for dystonia?", pmid="28515951", year=2017,
                 publication_date="2017", authors=[Author("Matteo Bologna", "Bologna", "Matteo")], line=7),
    ]
    assert [line for line, _ in medline.split_records(text)] == [1, 7]
    assert [dataclasses.asdict(r) for line, piece in medline.split_records(text)
            for r in medline.read(piece, first_line=line)] == records


@pytest.mark.parametrize("pmid", ["١٢", "²", "12³"])
def test_a_pmid_of_digits_other_than_ascii_is_refused(pmid):
    # str.isdigit() is true for these; a PMID is ASCII digits
    assert list(medline.read(f"PMID- {pmid}\nTI  - T.\n")) == [RecordError(1, 1, f"PMID is not a number: {pmid!r}")]


@pytest.mark.parametrize("text, expected", [
    ("ORCID: 0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("ORCID: 000000021825009x", "0000-0002-1825-009X"),  # MEDLINE's compact form, hyphens put back
    ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("ORCID: 10000000218250097", None),  # 17 digits: no ORCID inside a longer number
    ("ORCID: 0000-0002-1825", None),
])
def test_orcids_bare_linked_and_compact(text, expected):
    from litdb.readers.common import orcid
    assert orcid(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("PMC5429509", "PMC5429509"), ("pmc5429509", "PMC5429509"), ("5429509", "PMC5429509"),
    ("https://www.ncbi.nlm.nih.gov/pmc/articles/PMC5429509/", "PMC5429509"), ("PMC", None), ("PMC١٢", None),
])
def test_pmcids(text, expected):
    from litdb.readers.common import pmcid_of
    assert pmcid_of(text) == expected


def test_retractions_errata_and_comments_are_claims():
    """RIN, EIN, CIN ... lines: claims named and written as the PubMed XML reader has them
    (the paper page's retraction notice reads retraction_in)."""
    text = ("PMID- 33000001\nTI  - A retracted study of cerebellar stimulation.\nPT  - Journal Article\n"
            "PT  - Retracted Publication\nRIN - Sci Rep. 2021 Mar 1;11(1):4839. PMID: 33640001\n"
            "EIN - Sci Rep. 2020 Dec 2;10(1):21000. PMID: 33260001\nCIN - Mov Disord. 2021 Jan;36(1):1-2. PMID: 33300001\n"
            "CIN - Brain. 2021 Feb;144(2):3. PMID: 33300002\n")
    [record] = medline.read(text)
    assert record.claims == [
        Claim("retraction_in", "Sci Rep. 2021 Mar 1;11(1):4839 PMID: 33640001", "RIN"),
        Claim("erratum_in", "Sci Rep. 2020 Dec 2;10(1):21000 PMID: 33260001", "EIN"),
        Claim("comment_in", "Mov Disord. 2021 Jan;36(1):1-2 PMID: 33300001", "CIN"),
        Claim("comment_in", "Brain. 2021 Feb;144(2):3 PMID: 33300002", "CIN"),
    ]
