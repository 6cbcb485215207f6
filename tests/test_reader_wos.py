"""Golden tests for the Web of Science plain text reader (savedrecs.txt).

The fixtures in tests/fixtures/wos/ are written by hand in the layout of Web of
Science's "Export → Plain text file, Full Record and Cited References" (FN/VR header,
two-letter tags, three-space continuation lines, ER after each record, EF at the end).
Every expected value below is typed by hand from those files."""

import dataclasses

from golden import expected, fixture_records, fixture_text
from litdb.build import read_seed_file
from litdb.readers import decode, detect, wos
from litdb.records import Author, Claim, Reference, RecordError


def test_full_record_and_cited_references_every_field():
    first, second = fixture_records(wos, "savedrecs.txt")
    assert dataclasses.asdict(first) == expected("wos",
        line=3, title="Dissecting the links between cerebellum and dystonia",
        doi="10.1007/s12311-014-0601-4", pmid="25146823",
        abstract="Dystonia is a disabling movement disorder. The cerebellum has long been thought to take part in it.",
        journal_title="CEREBELLUM", journal_abbreviation="Cerebellum", issns=["1473-4222", "1473-4230"],
        year=2014, publication_date="2014-12", volume="13", issue="6", pages="666-668", citation_count=45,
        authors=[
            Author("Ailish Malone", "Malone", "Ailish",
                   affiliations=["Univ Florida, Dept Neurol, Gainesville, FL 32611 USA."]),
            Author("Mario Manto", "Manto", "Mario", orcid="0000-0001-6176-8453",
                   affiliations=["Univ Libre Bruxelles, Unite Etud Neurophysiol Expt, Brussels, Belgium."]),
            Author("Chris Hass", "Hass", "Chris", affiliations=["Univ Florida, Dept Neurol, Gainesville, FL 32611 USA."]),
        ],
        publication_types=["Journal Article", "Review"],
        keywords=["Cerebellum", "Dystonia", "Basal ganglia", "Purkinje cells", "DEEP-BRAIN-STIMULATION",
                  "ANIMAL-MODEL"],
        references=[
            Reference(1, "Bologna M, 2016, CEREBELLUM, V15, P80, DOI 10.1007/s12311-015-0694-8", authors="Bologna M",
                      journal="CEREBELLUM", year=2016, volume="15", pages="80", doi="10.1007/s12311-015-0694-8"),
            Reference(2, "[Anonymous], 2013, DYSTONIA TREATMENT", journal="DYSTONIA TREATMENT", year=2013),
            Reference(3, "Prudente CN, 2014, NEUROSCIENCE, V260, P23, DOI [10.1016/j.neuroscience.2013.11.062, "
                         "10.1016/j.x.2013.1]", authors="Prudente CN", journal="NEUROSCIENCE", year=2014,
                      volume="260", pages="23", doi="10.1016/j.neuroscience.2013.11.062"),
        ],
        claims=[Claim("accession_number", "WOS:000344560200002", "Web of Science"), Claim("language", "English"),
                Claim("publisher", "SPRINGER")],
    )
    # PT S (a book series): the kind of paper is DT's; "Early Access" is a status, EA the
    # date it was first online; an address without [authors] is nobody's; CA a group
    assert dataclasses.asdict(second) == expected("wos",
        line=55, title="The cerebellum in dystonia - from networks to therapy: proceedings",
        doi="10.1002/adn3.12292", abstract="Proceedings of a meeting.", journal_title="ADVANCES IN NEUROLOGY",
        issns=["0091-3952"], year=2020, publication_date="2020-01", epub_date="2019-11", volume="7",
        pages="e12292", citation_count=0,
        authors=[Author("Matteo Bologna", "Bologna", "Matteo"), Author("Alfredo Berardelli", "Berardelli", "Alfredo"),
                 Author("Dystonia Coalition", group=True)],
        publication_types=["Conference Paper"],
        claims=[Claim("status", "Early Access", "DT Article; Proceedings Paper; Early Access"),
                Claim("accession_number", "WOS:000500000000001", "Web of Science"), Claim("language", "English")],
    )


def test_bad_records_are_rejected_alone_with_position_and_line():
    records = fixture_records(wos, "bad-records.txt")
    assert [type(r).__name__ for r in records] == ["PaperRecord", "RecordError", "RecordError", "PaperRecord"]
    assert records[1] == RecordError(2, 10, "record has no title (TI)")
    assert records[2] == RecordError(3, 16, "line 19: not a Web of Science tag line: 'lost its three spaces'")
    assert dataclasses.asdict(records[0]) == expected("wos",
        line=3, title="Purkinje cell firing in a mouse model of dystonia", journal_title="BRAIN", year=2018,
        publication_date="2018", authors=[Author("R Fremont", "Fremont", "R")], publication_types=["Journal Article"])
    assert dataclasses.asdict(records[3]) == expected("wos",
        line=23, title="Deep brain stimulation of the dentate nucleus", year=2018, publication_date="2018-07",
        authors=[Author("S Horisawa", "Horisawa", "S")], publication_types=["Journal Article"])


def test_split_records_cuts_where_read_does():
    text = fixture_text("wos", "bad-records.txt")
    pieces = wos.split_records(text)
    assert [line for line, _ in pieces] == [3, 10, 16, 23]
    assert pieces[1][1] == "PT J\nAU Nobody, N\nSO NO TITLE HERE\nPY 2019"
    from_pieces = [r for k, (line, piece) in enumerate(pieces, 1) for r in wos.read(piece, line, k)]
    assert from_pieces == list(wos.read(text))


def test_detected_by_its_header_or_its_first_record():
    assert detect("FN Thomson Reuters Web of Science™\nVR 1.0\nPT J\nTI A title\nER\nEF\n") == "wos"
    assert detect("PT J\nAU Malone, A\nTI A title\nER\n") == "wos"  # the header cut off
    assert detect("PT J\nTI A title with no end\n") is None  # two letters and a J are not enough
    assert detect("TY  - JOUR\nTI  - A title\nER  - \n") == "ris"


def test_a_windows_export_with_a_byte_order_mark_and_crlf(tmp_path):
    path = tmp_path / "savedrecs.txt"
    path.write_bytes(b"\xef\xbb\xbfFN Clarivate Analytics Web of Science\r\nVR 1.0\r\nPT J\r\nAU Hass, C\r\n"
                     b"TI Gait in dystonia\r\nSO MOVEMENT DISORDERS\r\nPY 2021\r\nER\r\n\r\nEF\r\n")
    read = read_seed_file(path)
    assert read.source["format"] == "wos" and read.source["status"] == "loaded"
    [(position, record)] = read.records
    assert (position, record.title, record.journal_title, record.year, record.authors) == (
        0, "Gait in dystonia", "MOVEMENT DISORDERS", 2021, [Author("C Hass", "Hass", "C")])
    assert decode(path.read_bytes()).startswith("FN Clarivate")


def test_tab_delimited_export_every_field():
    """Export → Tab delimited file: a header row of the tags (a byte order mark before it,
    a tab after every row), a record a row, values of a field joined by "; "; a row
    without a title is a bad record in its place."""
    first, bad, second = fixture_records(wos, "savedrecs-tab-delimited.txt")
    assert dataclasses.asdict(first) == expected("wos",
        line=2, title="Dissecting the links between cerebellum and dystonia",
        doi="10.1007/s12311-014-0601-4", pmid="25146823", abstract="Dystonia is a disabling movement disorder.",
        journal_title="CEREBELLUM", journal_abbreviation="Cerebellum", issns=["1473-4222", "1473-4230"],
        year=2014, publication_date="2014-12", volume="13", issue="6", pages="666-668", citation_count=45,
        authors=[
            Author("Ailish Malone", "Malone", "Ailish", affiliations=["Univ Florida, Dept Neurol, Gainesville, FL 32611 USA"]),
            Author("Mario Manto", "Manto", "Mario", orcid="0000-0001-6176-8453",
                   affiliations=["Univ Libre Bruxelles, Brussels, Belgium"]),
            Author("Chris Hass", "Hass", "Chris", affiliations=["Univ Florida, Dept Neurol, Gainesville, FL 32611 USA"]),
        ],
        publication_types=["Journal Article", "Review"],
        keywords=["Cerebellum", "Dystonia", "Purkinje cells", "DEEP-BRAIN-STIMULATION", "ANIMAL-MODEL"],
        references=[
            Reference(1, "Bologna M, 2016, CEREBELLUM, V15, P80, DOI 10.1007/s12311-015-0694-8", authors="Bologna M",
                      journal="CEREBELLUM", year=2016, volume="15", pages="80", doi="10.1007/s12311-015-0694-8"),
            Reference(2, "[Anonymous], 2013, DYSTONIA TREATMENT", journal="DYSTONIA TREATMENT", year=2013),
        ],
        claims=[Claim("accession_number", "WOS:000344560200002", "Web of Science"), Claim("language", "English"),
                Claim("publisher", "SPRINGER")],
    )
    assert bad == RecordError(2, 3, "record has no title (TI)")
    assert dataclasses.asdict(second) == expected("wos",
        line=4, title="Cerebellum: an explanation for dystonia?", doi="10.1186/s40673-017-0064-8",
        journal_title="CEREBELLUM & ATAXIAS", journal_abbreviation="Cerebellum Ataxias", issns=["2053-8871"],
        year=2017, publication_date="2017-05-12", epub_date="2017-04", volume="4", pages="6", citation_count=12,
        authors=[Author("Matteo Bologna", "Bologna", "Matteo"), Author("Alfredo Berardelli", "Berardelli", "Alfredo"),
                 Author("Dystonia Coalition", group=True)],
        publication_types=["Journal Article", "Review"],
        claims=[Claim("status", "Early Access", "DT Review; Early Access"),
                Claim("accession_number", "WOS:000401234500001", "Web of Science"), Claim("language", "English")],
    )
    # read in one pass: the whole file is its one piece
    text = fixture_text("wos", "savedrecs-tab-delimited.txt")
    assert wos.split_records(text) == [(1, text)]
    assert detect("PT\tAU\tBA\tBE\tGP\tAF\tBF\tCA\tTI\tSO\nJ\tHass, C\t\t\t\t\t\t\tGait\tBRAIN\n") == "wos"


def test_early_access_anonymous_groups_and_orcids_spelled_otherwise():
    """No PY yet (early access): the year is EY's, else EA's. OI may spell a name otherwise
    than AF. "[Anonymous]" is nobody; a group in AF and CA is one author. SU: a supplement."""
    text = ("FN Clarivate Analytics Web of Science\nVR 1.0\n"
            "PT J\nAU Shakkottai, VG\n   Koch, G\n   Dystonia Study Grp\nAF Shakkottai, Vikram G.\n   Koch, Giacomo\n"
            "   Dystonia Study Grp\nCA Dystonia Study Grp\nTI Cerebellar stimulation in dystonia\nSO MOVEMENT DISORDERS\n"
            "DT Article; Early Access\nOI Shakkottai, Vikram/0000-0001-5398-5539\nEA OCT 2024\nEY 2024\nER\n\n"
            "PT J\nAU [Anonymous]\nTI Abstracts of the congress\nSO MOVEMENT DISORDERS\nDT Meeting Abstract\nPD SEP\n"
            "PY 2019\nVL 34\nSU 2\nBP S1\nEP S900\nER\n\n"
            "PT J\nAU Roe, J\nTI Early access without EY\nSO BRAIN\nEA JAN 2025\nER\nEF\n")
    first, second, third = wos.read(text)
    assert dataclasses.asdict(first) == expected("wos",
        line=3, title="Cerebellar stimulation in dystonia", journal_title="MOVEMENT DISORDERS",
        year=2024, publication_date="2024", epub_date="2024-10",
        authors=[Author("Vikram G. Shakkottai", "Shakkottai", "Vikram G.", orcid="0000-0001-5398-5539"),
                 Author("Giacomo Koch", "Koch", "Giacomo"), Author("Dystonia Study Grp", group=True)],
        publication_types=["Journal Article"], claims=[Claim("status", "Early Access", "DT Article; Early Access")])
    assert dataclasses.asdict(second) == expected("wos",
        line=19, title="Abstracts of the congress", journal_title="MOVEMENT DISORDERS", year=2019,
        publication_date="2019-09", volume="34", issue="Suppl 2", pages="S1-S900",
        publication_types=["Journal Article", "Meeting Abstract"])
    assert (third.year, third.publication_date, third.epub_date) == (2025, "2025", "2025-01")


def test_cited_references_of_journals_named_with_p_or_v():
    """A journal's name may start like a volume (V15) or a page (P80): PLOS ONE, PAIN,
    VISION RES; a page may be an article number (Pe0151234)."""
    assert wos._reference(1, "Bologna M, 2016, PLOS ONE, V11, Pe0151234") == Reference(
        1, "Bologna M, 2016, PLOS ONE, V11, Pe0151234", authors="Bologna M", journal="PLOS ONE", year=2016,
        volume="11", pages="e0151234")
    assert wos._reference(2, "Roe J, 2001, PAIN") == Reference(2, "Roe J, 2001, PAIN", authors="Roe J", journal="PAIN",
                                                              year=2001)
    assert wos._reference(3, "Smith A, 1999, V12, P5") == Reference(3, "Smith A, 1999, V12, P5", authors="Smith A",
                                                                   year=1999, volume="12", pages="5")
