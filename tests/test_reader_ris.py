"""Golden tests of the RIS reader: every field of every record of each fixture, written
out by hand. The fixtures follow what each writer exports (Zotero, EndNote, Mendeley,
Scopus, Web of Science) and the variants older writers and hand-made files show."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from golden import expected, fixture_records, person
from litdb.readers import decode, detect, ris
from litdb.records import Author, Claim, MeshTerm, PaperRecord, RecordError

FIXTURES = Path(__file__).parent / "fixtures" / "ris"


MALONE_ABSTRACT = "Dystonia is a common movement disorder characterized by sustained muscle contractions."
DISSECTING = "Dissecting the links between cerebellum and dystonia"
EXPLANATION = "Cerebellum: An explanation for dystonia?"


def test_zotero():
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "zotero.ris")]
    assert records == [
        expected("ris",
            title=DISSECTING, doi="10.1007/s12311-014-0601-4", pmid="25146823",
            abstract=MALONE_ABSTRACT + "\n\nThe spectrum of movement disorders in which the cerebellum is implicated "
            "is continuously expanding.",
            journal_title="Cerebellum (London, England)", journal_abbreviation="Cerebellum", year=2014,
            publication_date="2014-12", volume="13", issue="6", pages="666-668", issns=["1473-4230"],
            authors=[person("Ailish Malone", "Malone", "Ailish"), person("Mario Manto", "Manto", "Mario"),
                     person("Chris Hass", "Hass", "Chris")],
            publication_types=["Journal Article"], keywords=["Humans", "Dystonia", "Cerebellum"],
            claims=[Claim("language", "eng")], line=1),
        expected("ris",
            title=EXPLANATION, doi="10.1186/s40673-017-0064-8", pmcid="PMC5427546",
            abstract="Dystonia is a movement disorder that is characterized by involuntary muscle contractions, "
            "abnormal movements and postures.",
            journal_title="Cerebellum & Ataxias", journal_abbreviation="Cerebellum Ataxias", year=2017,
            publication_date="2017-05-12", volume="4", pages="6", issns=["2053-8871"],
            authors=[person("Matteo Bologna", "Bologna", "Matteo"),
                     person("Alfredo Berardelli", "Berardelli", "Alfredo")],
            publication_types=["Journal Article"], keywords=["Basal ganglia", "Dystonia"], line=28),
        # a chapter: T2 is the book (its journal, as MEDLINE has a chapter's book), A2 the
        # editor, SN an ISBN; the <i> markup is dropped
        expected("ris",
            title="The role of the cerebellum in DYT1 dystonia", journal_title="Dystonia: a handbook",
            year=2019, publication_date="2019",
            pages="101-120", authors=[Author(name="Dystonia Coalition", group=True)],
            publication_types=["Book Chapter"], line=48),
    ]


def test_endnote():
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "endnote.ris")]
    assert records == [
        expected("ris",
            title=DISSECTING, doi="10.1007/s12311-014-0601-4", pmid="25146823",
            abstract=MALONE_ABSTRACT + " These contractions generate twisting and repetitive movements or typical "
            "abnormal postures, often exacerbated by voluntary movement.",
            journal_title="Cerebellum", journal_abbreviation="Cerebellum", year=2014, publication_date="2014-12",
            volume="13", issue="6", pages="666-668", issns=["1473-4230", "1473-4222"], issn_l="1473-4222",
            authors=[person("A. Malone", "Malone", "A."), person("M. Manto", "Manto", "M."),
                     person("C. Hass", "Hass", "C.")],
            publication_types=["Journal Article", "Editorial"], keywords=["Animals", "Humans"],
            # the MeSH headings with a qualifier EndNote keeps among the keywords of PubMed's records
            mesh_terms=[MeshTerm("Cerebellum", "physiopathology", True), MeshTerm("Dystonia", "physiopathology", True)],
            claims=[Claim("language", "eng")], line=1),
        expected("ris",
            title=EXPLANATION, doi="10.1186/s40673-017-0064-8", pmid="28515951", pmcid="PMC5427546",
            abstract="Dystonia is a movement disorder that is characterized by involuntary muscle contractions, "
            "abnormal movements and postures, as well as by non-motor symptoms.",
            journal_title="Cerebellum Ataxias", journal_abbreviation="Cerebellum Ataxias", year=2017,
            publication_date="2017", volume="4", pages="6", issns=["2053-8871"], issn_l="2053-8871",
            authors=[person("M. Bologna", "Bologna", "M."), person("A. Berardelli", "Berardelli", "A.")],
            publication_types=["Journal Article"], keywords=["Basal ganglia", "Cerebellum", "Dystonia"],
            claims=[Claim("language", "eng")], line=41),
    ]


def test_mendeley():
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "mendeley.ris")]
    assert records == [
        # no DO: the DOI and the PMID come from the record's links, which agree
        expected("ris",
            title=DISSECTING + ".", doi="10.1007/s12311-014-0601-4", pmid="25146823",
            abstract=MALONE_ABSTRACT + "\n\n• Recent human studies and experimental data mainly in rodents show that "
            "the cerebellum circuitry could also be a key player.",
            journal_title="Cerebellum (London, England)", year=2014, publication_date="2014", volume="13",
            issue="6", pages="666-668",
            authors=[person("Ailish Malone", "Malone", "Ailish"), person("Mario Manto", "Manto", "Mario"),
                     person("Chris Hass", "Hass", "Chris")],
            publication_types=["Journal Article"], keywords=["Cerebellum", "Dystonia"], line=1),
        expected("ris",
            title=EXPLANATION, doi="10.1186/s40673-017-0064-8", pmcid="PMC5427546",
            abstract="Dystonia is a movement disorder that is characterized by involuntary muscle contractions.",
            journal_title="Cerebellum & Ataxias", year=2017, publication_date="2017", volume="4", pages="6",
            authors=[Author(name="Bologna", family="Bologna"), person("Alfredo Berardelli", "Berardelli", "Alfredo")],
            publication_types=["Journal Article"], line=24),
    ]


def test_scopus():
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "scopus.ris")]
    assert records == [
        expected("ris",
            title=DISSECTING, doi="10.1007/s12311-014-0601-4", pmid="25146823", abstract=MALONE_ABSTRACT,
            copyright="© 2014, Springer Science+Business Media New York.",
            journal_title="Cerebellum", journal_abbreviation="Cerebellum", year=2014, publication_date="2014",
            volume="13", issue="6", pages="666-668", issns=["1473-4222"], citation_count=21,
            authors=[person("A. Malone", "Malone", "A."), person("M. Manto", "Manto", "M."),
                     person("C. Hass", "Hass", "C.")],
            publication_types=["Journal Article", "Editorial"],
            keywords=["Cerebellum", "Dystonia", "editorial", "human"],
            claims=[Claim("language", "English")], line=1),
        expected("ris",
            title="The basal ganglia and the cerebellum: Nodes in an integrated network",
            doi="10.1038/s41583-018-0002-7",
            abstract="The basal ganglia and the cerebellum are considered to be distinct subcortical systems that "
            "perform unique functional operations.",
            copyright="© 2018 Macmillan Publishers Ltd., part of Springer Nature.",
            journal_title="Nature Reviews Neuroscience", journal_abbreviation="Nat. Rev. Neurosci.", year=2018,
            publication_date="2018", volume="19", issue="6", pages="338-350", issns=["1471-003X"],
            citation_count=512, authors=[person("A.C. Bostan", "Bostan", "A.C."),
                                         person("P.L. Strick", "Strick", "P.L.")],
            publication_types=["Journal Article", "Review"], claims=[Claim("language", "English")], line=32),
    ]


def test_web_of_science():
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "wos.ris")]
    assert records == [
        expected("ris",
            title="The basal ganglia and cerebellum interact in the expression of dystonic movement",
            doi="10.1093/brain/awn168",
            abstract="Dystonia is a neurological disorder characterized by involuntary twisting movements and "
            "abnormal postures.\n\nLesions of the basal ganglia and the cerebellum were studied in a mouse model.",
            journal_title="BRAIN", journal_abbreviation="Brain", year=2008, publication_date="2008-09",
            volume="131", issue="9", pages="2499-2509", issns=["0006-8950", "1460-2156"], citation_count=187,
            authors=[person("VK Neychev", "Neychev", "VK"), person("XL Fan", "Fan", "XL"),
                     person("VI Mitev", "Mitev", "VI"), person("EJ Hess", "Hess", "EJ"),
                     person("HA Jinnah", "Jinnah", "HA")],
            publication_types=["Journal Article"],
            keywords=["dystonia", "basal ganglia", "cerebellum", "TORSION DYSTONIA"],
            claims=[Claim("language", "English"), Claim("accession_number", "WOS:000258998300025", "Web of Science")],
            line=1),
        expected("ris",
            title="The Anatomical Basis for Dystonia: The Motor Network Model", doi="10.7916/d8v69x3s",
            abstract="The dystonias are a group of disorders characterized by excessive muscle contractions.",
            journal_title="TREMOR AND OTHER HYPERKINETIC MOVEMENTS", journal_abbreviation="Tremor Other Hyperkinet. Mov.",
            year=2017, publication_date="2017-10-23", volume="7", pages="506", issns=["2160-8288"],
            citation_count=140, authors=[person("HA Jinnah", "Jinnah", "HA"), person("V Neychev", "Neychev", "V"),
                                         person("EJ Hess", "Hess", "EJ")],
            publication_types=["Journal Article"],
            claims=[Claim("language", "English"), Claim("accession_number", "WOS:000414011900001", "Web of Science")],
            line=38),
    ]


def test_variants():
    """One space before the dash, record numbers, A1 and Y1 and N2 and JF/JO, a title and
    an abstract wrapped over lines, trailing spaces, "et al.", the DOI in M3 and as a URL in
    DO, a MEDLINE-style and a group author, "a; b" keywords, records without ER (one
    followed by TY, one at the end of the file)."""
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "variants.ris")]
    assert records == [
        expected("ris",
            title="Cerebellothalamocortical connectivity regulates penetrance in dystonia",
            doi="10.1523/jneurosci.2300-09.2009",
            abstract="Dystonia is a movement disorder that can be inherited as an autosomal dominant trait with "
            "incomplete penetrance. We used diffusion tensor imaging to study cerebellothalamocortical pathways "
            "in carriers.",
            journal_title="The Journal of Neuroscience", journal_abbreviation="J Neurosci", year=2009,
            publication_date="2009", volume="29", issue="31", pages="9740-9747",
            authors=[person("M. Argyelan", "Argyelan", "M."), person("M. Carbon", "Carbon", "M."),
                     person("M. Niethammer", "Niethammer", "M.")],
            authors_complete=False, publication_types=["Journal Article"], line=2),
        expected("ris",
            title="Global, regional, and national burden of neurological disorders, 1990-2016",
            doi="10.1016/s1474-4422(18)30499-x", journal_title="Lancet Neurol", year=2019,
            publication_date="2019-05-01", volume="18", issue="5", pages="459-480",
            authors=[Author(name="GBD 2016 Neurology Collaborators", group=True), person("VL Feigin", "Feigin", "VL")],
            publication_types=["Journal Article"], keywords=["burden", "neurological disorders", "epidemiology"],
            line=24),
        expected("ris",
            title="Phenomenology and classification of dystonia: a consensus update", year=2013,
            publication_date="2013-05-06", authors=[person("Alberto Albanese", "Albanese", "Alberto"),
                                                    person("Kailash Bhatia", "Bhatia", "Kailash")],
            publication_types=["Journal Article"], keywords=["dystonia", "classification", "consensus"], line=35),
    ]


def test_bad_records_are_refused_alone():
    records = fixture_records(ris, "bad-records.ris")
    assert [type(r).__name__ for r in records] == ["PaperRecord", "RecordError", "RecordError", "PaperRecord"]
    assert records[1] == RecordError(position=2, line=8, reason="RIS record without a TY line (its first tag is AU)")
    assert records[2] == RecordError(position=3, line=13, reason="RIS record without a title, DOI, PMID or PMCID")
    assert (records[0].doi, records[0].line) == ("10.1038/nn.2753", 1)
    assert (records[3].doi, records[3].line) == ("10.1016/j.nbd.2011.01.026", 19)
    assert records[3].authors[1] == person("Stéphane Lehéricy", "Lehéricy", "Stéphane")
    assert records[3].journal_title == "Neurobiology of Disease"


def test_split_records():
    text = decode((FIXTURES / "bad-records.ris").read_bytes())
    pieces = ris.split_records(text)
    assert [line for line, _ in pieces] == [1, 8, 13, 19]
    assert pieces[1][1] == ("AU  - Gross, Robert E.\nTI  - The functional neuroanatomy of dystonia\nPY  - 2011\n"
                            "ER  - \n")
    # each piece read alone gives its record, lines counted from the piece
    read = [ris.read(piece) for _, piece in pieces]
    assert [len(r) for r in read] == [1, 1, 1, 1]
    assert read[0][0].doi == "10.1038/nn.2753" and read[0][0].line == 1
    assert read[1][0] == RecordError(position=1, line=1, reason="RIS record without a TY line (its first tag is AU)")
    # Web of Science: "EF" after the last record is no piece; Zotero's CRLF file cut alike
    wos = ris.split_records(decode((FIXTURES / "wos.ris").read_bytes()))
    assert [line for line, _ in wos] == [1, 38]
    assert wos[1][1].endswith("Cited Reference Count:  144\nER  -\n")
    zotero = ris.split_records(decode((FIXTURES / "zotero.ris").read_bytes()))
    assert [line for line, _ in zotero] == [1, 28, 48]


def test_every_fixture_is_claimed_as_ris_only():
    for path in sorted(FIXTURES.glob("*.ris")):
        text = decode(path.read_bytes())
        assert ris.looks_like(text), path.name
        assert detect(text) == "ris", path.name


@pytest.mark.parametrize("text", [
    "PMID- 25146823\nOWN - NLM\nTI  - Dissecting the links\nAU  - Malone A\n",  # MEDLINE shares AU and TI
    "@article{malone2014,\n  title = {TY  - JOUR}\n}\n",
    "Dissecting the links between cerebellum and dystonia\n\nAilish Malone et al. Cerebellum. 2014 Dec.\n",
    '{"title": "TY  - JOUR"}',
])
def test_other_formats_are_not_ris(text):
    assert not ris.looks_like(text)


@pytest.mark.parametrize("text, message", [
    ("Dissecting the links between cerebellum and dystonia\n", "not a RIS file: no tag line such as 'TY  - JOUR'"),
    ("garbage\x00\x01 line\nTY-JOUR\n", "not a RIS file: no tag line such as 'TY  - JOUR'"),
])
def test_not_ris_is_a_one_line_value_error(text, message):
    with pytest.raises(ValueError) as e:
        ris.read(text)
    assert str(e.value) == message


def test_truncated_and_odd_input_never_raises_anything_else():
    full = decode((FIXTURES / "endnote.ris").read_bytes())
    for cut in range(0, len(full), 7):
        try:
            results = ris.read(full[:cut])
        except ValueError as e:
            assert "\n" not in str(e)
            continue
        assert all(isinstance(r, (PaperRecord, RecordError)) for r in results)
    assert ris.read("TY  - JOUR\nER  -\nER  -\nTY  - \n") == [
        RecordError(position=1, line=1, reason="RIS record without a title, DOI, PMID or PMCID"),
        RecordError(position=2, line=4, reason="RIS record without a title, DOI, PMID or PMCID"),
    ]


def test_identifiers_from_disagreeing_links_are_not_taken():
    text = ("TY  - JOUR\nTI  - Two links\nUR  - https://pubmed.ncbi.nlm.nih.gov/111/\n"
            "UR  - https://pubmed.ncbi.nlm.nih.gov/222/\nUR  - https://doi.org/10.1000/a\n"
            "L2  - https://doi.org/10.1000/b\nER  - \n")
    (record,) = ris.read(text)
    assert (record.pmid, record.doi) == (None, None)


def test_five_thousand_records_are_five_thousand_records():
    # 2,500 copies of Web of Science's 61-line file of two records (at its lines 1 and 38,
    # "EF" its last line). (How long it takes, and against twice as many, is
    # scripts/bench_readers.py's: no clock in a test.)
    one = decode((FIXTURES / "wos.ris").read_bytes())
    text = one * 2500
    records = ris.read(text)
    pieces = ris.split_records(text)
    assert len(records) == 5000 and len(pieces) == 5000
    assert all(isinstance(r, PaperRecord) for r in records)
    assert [(r.doi, r.line) for r in records[:2] + records[-2:]] == [
        ("10.1093/brain/awn168", 1), ("10.7916/d8v69x3s", 38),
        ("10.1093/brain/awn168", 61 * 2499 + 1), ("10.7916/d8v69x3s", 61 * 2499 + 38)]
    assert [line for line, _ in pieces[-2:]] == [61 * 2499 + 1, 61 * 2499 + 38]


def test_endnote_from_pubmed_puts_the_abbreviation_in_t2():
    # EndNote's PubMed import files the NLM abbreviation (TA) as the Journal (T2) and the
    # full name (JT) as the Alternate Journal (J2): the longer of the two is the name.
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "endnote_pubmed_journals.ris")]
    assert records == [
        expected("ris",
            title="Cerebellar contributions to myoclonus-dystonia: a study of cohort 10", doi="10.1002/nc.2009",
            pmid="38100154", pmcid="PMC9100009", journal_title="Parkinsonism & related disorders",
            journal_abbreviation="Parkinsonism Relat Disord", year=2014, publication_date="2014-04", volume="19",
            issue="4", pages="199-208", issns=["1873-5126", "1353-8020"], issn_l="1353-8020",
            authors=[person("Ł. Kowalski", "Kowalski", "Ł."),
                     person("S. Sørensen", "Sørensen", "S.")], publication_types=["Journal Article"],
            keywords=["Cerebellum", "Dystonia"], claims=[Claim("language", "eng")], line=1),
    ]


def test_two_exports_concatenated_with_a_byte_order_mark_in_the_middle():
    # `cat a.ris b.ris` of Scopus-style files that start with a byte order mark
    text = decode((FIXTURES / "two-exports-concatenated.ris").read_bytes())
    records = [dataclasses.asdict(r) for r in ris.read(text)]
    assert records == [
        expected("ris", title=DISSECTING, doi="10.1007/s12311-014-0601-4", year=2014, publication_date="2014",
                 authors=[person("A. Malone", "Malone", "A.")], publication_types=["Journal Article"], line=1),
        expected("ris", title=EXPLANATION, doi="10.1186/s40673-017-0064-8", year=2017, publication_date="2017",
                 authors=[person("M. Bologna", "Bologna", "M.")], publication_types=["Journal Article"], line=8),
    ]
    assert [line for line, _ in ris.split_records(text)] == [1, 8]


def test_an_end_of_record_twice_is_no_record_whole_or_in_pieces():
    # the fuzz found "ER  -" twice: read whole, two records; cut by split_records, the
    # stray ER was a piece of its own and a bad record. A stray ER starts no piece now.
    text = "TY  - JOUR\nTI  - A\nER  - \nER  - \nTY  - JOUR\nTI  - B\nER  - \n"
    assert ris.split_records(text) == [(1, "TY  - JOUR\nTI  - A\nER  - \n"), (5, "TY  - JOUR\nTI  - B\nER  - \n")]
    assert [(r.title, r.line) for r in ris.read(text)] == [("A", 1), ("B", 5)]


def test_a_file_with_no_tag_line_is_one_piece():
    # "TY  -l" looks like RIS but holds no tag line: split_records gave no piece at all
    assert ris.split_records("TY  -l") == [(1, "TY  -l")]
    with pytest.raises(ValueError, match="^not a RIS file: no tag line such as 'TY  - JOUR'$"):
        ris.read("TY  -l")


def test_scopus_current_cited_by():
    # Scopus's current RIS: "Cited By :45; Export Date: ..." (a space before the colon) and
    # "Cited by: 3; All Open Access, ..." (lower-case "by"); M3 the document type
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "scopus_current.ris")]
    assert records == [
        expected("ris",
            title=DISSECTING, doi="10.1007/s12311-014-0601-4", pmid="25146823",
            abstract="Dystonia is a disabling movement disorder.",
            copyright="© 2014, Springer Science+Business Media New York.",
            journal_title="Cerebellum", journal_abbreviation="Cerebellum", year=2014, publication_date="2014",
            volume="13", issue="6", pages="666-668", issns=["1473-4222"], citation_count=45,
            authors=[person("A. Malone", "Malone", "A."), person("M. Manto", "Manto", "M."),
                     person("C. Hass", "Hass", "C.")],
            publication_types=["Journal Article", "Review"],
            keywords=["Basal ganglia", "Cerebellum", "Dystonia", "animal", "human"],
            claims=[Claim("language", "English")], line=1),
        expected("ris",
            title=EXPLANATION, doi="10.1186/s40673-017-0064-8", pmid="28515951",
            journal_title="Cerebellum and Ataxias", journal_abbreviation="Cerebellum Ataxias", year=2017,
            publication_date="2017", volume="4", issue="1", pages="6", issns=["2053-8871"], citation_count=72,
            authors=[person("M. Bologna", "Bologna", "M."), person("A. Berardelli", "Berardelli", "A.")],
            publication_types=["Journal Article"], line=33),
        expected("ris",
            title="Group-authored paper in Scopus", doi="10.1212/wnl.0000000000009999", journal_title="Neurology",
            year=2020, publication_date="2020", citation_count=3,
            authors=[Author(name="Dystonia Coalition Investigators", group=True)],
            publication_types=["Journal Article", "Letter"], line=51),
    ]


def test_web_of_science_document_types_joined_by_semicolons():
    # M3 "Article; Proceedings Paper": a conference paper printed in a journal; "Review;
    # Early Access": a review, online before its issue (a status, not a type); a
    # proceedings paper of a CONF record is its one type
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "wos_document_types.ris")]
    assert records == [
        expected("ris",
            title="Neurophysiology of dystonia: The role of inhibition", doi="10.1016/j.nbd.2010.08.025",
            abstract="The pathophysiology of dystonia has been best studied in patients with focal hand dystonia."
            "\n\nLoss of inhibition is found at many levels of the nervous system.",
            journal_title="NEUROBIOLOGY OF DISEASE", journal_abbreviation="Neurobiol. Dis.", year=2011,
            publication_date="2011-05", volume="42", issue="2", pages="177-184", issns=["0969-9961", "1095-953X"],
            citation_count=142, authors=[person("M Hallett", "Hallett", "M")],
            publication_types=["Journal Article", "Conference Paper"],
            keywords=["Dystonia", "Inhibition", "Surround inhibition"],
            claims=[Claim("language", "English"), Claim("accession_number", "WOS:000289391300009", "Web of Science")],
            line=1),
        expected("ris",
            title="The functional neuroanatomy of dystonia", doi="10.1016/j.nbd.2011.01.026",
            journal_title="NEUROBIOLOGY OF DISEASE", journal_abbreviation="Neurobiol. Dis.", year=2011,
            publication_date="2011-05", volume="42", issue="2", pages="185-201", issns=["0969-9961", "1095-953X"],
            citation_count=392,
            authors=[person("VK Neychev", "Neychev", "VK"), person("RE Gross", "Gross", "RE"),
                     person("S Lehericy", "Lehericy", "S"), person("EJ Hess", "Hess", "EJ"),
                     person("HA Jinnah", "Jinnah", "HA")],
            publication_types=["Journal Article", "Review"],
            claims=[Claim("status", "Early Access", "M3  - Review; Early Access"), Claim("language", "English"),
                    Claim("accession_number", "WOS:000289391300010", "Web of Science")],
            line=31),
        expected("ris",  # a proceedings paper: T2, the conference, is its journal
            title="Surround inhibition in dystonia",
            journal_title="12th International Congress of Parkinson's Disease and Movement Disorders", year=2008,
            publication_date="2008", citation_count=3,
            authors=[person("M Hallett", "Hallett", "M")], publication_types=["Conference Paper"],
            claims=[Claim("accession_number", "WOS:000258000000001", "Web of Science")], line=58),
    ]


def test_endnote_from_pubmed_mesh_headings_are_mesh_terms():
    # EndNote files PubMed's MeSH headings (MH) among the keywords, one a line, qualifiers
    # after "/" and "*" on a major one: those with a qualifier or a star are MeSH terms, as
    # the MEDLINE reader reads MH; a heading alone ("Animals") cannot be told from an
    # author's keyword and stays one. A record not from PubMed (no DB/DP "NLM") keeps its
    # keywords as they are.
    records = [dataclasses.asdict(r) for r in fixture_records(ris, "endnote_pubmed_mesh.ris")]
    assert records == [
        expected("ris",
            title=DISSECTING, doi="10.1007/s12311-014-0601-4", pmid="25146823", pmcid="PMC4248563",
            abstract="BACKGROUND: Dystonia is a movement disorder. METHODS: We reviewed. RESULTS: Many. "
            "CONCLUSIONS: Cerebellum matters.",
            journal_title="The Cerebellum", journal_abbreviation="Cerebellum", year=2014, publication_date="2014-12",
            volume="13", issue="6", pages="666-668", issns=["1473-4222"], issn_l="1473-4222",
            authors=[person("A. Malone", "Malone", "A."), person("M. Manto", "Manto", "M."),
                     person("C. Hass", "Hass", "C.")],
            publication_types=["Journal Article"], keywords=["Animals", "Humans"],
            mesh_terms=[MeshTerm("Basal Ganglia", "physiopathology", False),
                        MeshTerm("Cerebellum", "physiopathology", True), MeshTerm("Dystonia", "physiopathology", True)],
            claims=[Claim("language", "eng")], line=1),
        expected("ris",
            title="The functional neuroanatomy of dystonia", doi="10.1016/j.nbd.2011.01.026", pmid="21303695",
            journal_title="Neurobiol Dis", year=2011, publication_date="2011",
            authors=[person("V. K. Neychev", "Neychev", "V. K."), person("R. E. Gross", "Gross", "R. E.")],
            publication_types=["Journal Article"], keywords=["deep brain stimulation"],
            mesh_terms=[MeshTerm("Dystonia", None, True), MeshTerm("Brain", "pathology", False),
                        MeshTerm("Brain", "physiopathology", True),
                        MeshTerm("Imaging, Three-Dimensional", "methods", False)],
            claims=[Claim("language", "eng")], line=39),
        expected("ris",
            title="Neurophysiology of dystonia: The role of inhibition", doi="10.1016/j.nbd.2010.08.025",
            journal_title="Neurobiology of Disease", year=2011, publication_date="2011",
            authors=[person("M. Hallett", "Hallett", "M.")], publication_types=["Journal Article"],
            keywords=["Cerebellum/physiopathology", "surround inhibition"], line=57),
    ]


def test_an_author_keyword_with_a_slash_is_no_mesh_heading():
    """Only MeSH's own qualifiers make a keyword a heading: "dystonia/parkinsonism" and
    "motor learning/adaptation" are an author's words, even in a record from PubMed."""
    assert ris.is_mesh_heading("Cerebellum/*physiopathology") and ris.is_mesh_heading("*Dystonia")
    assert ris.is_mesh_heading("Brain/pathology/physiopathology")
    assert ris.is_mesh_heading("Levodopa/administration & dosage")
    assert not ris.is_mesh_heading("dystonia/parkinsonism")
    assert not ris.is_mesh_heading("motor learning/adaptation")
    assert not ris.is_mesh_heading("Animals")
