"""Golden tests for the PubMed CSV export reader.

The fixtures in tests/fixtures/pubmed_csv/ are written by hand in the layout of
PubMed's "Save: CSV" files (UTF-8 with a byte order mark, every field quoted, PubMed's
eleven columns); every expected value below is typed by hand from them."""

import dataclasses

import pytest

from golden import expected, fixture_text
from litdb.readers import detect, medline, pubmed_csv, pubmed_page
from litdb.records import Author, Claim, PaperRecord, RecordError

HEADER = ('"PMID","Title","Authors","Citation","First Author","Journal/Book","Publication Year","Create Date",'
          '"PMCID","NIHMS ID","DOI"\n')


def one_row(**columns) -> PaperRecord:
    """The record of a file of one row: the columns given, the others empty."""
    names = ["PMID", "Title", "Authors", "Citation", "First Author", "Journal/Book", "Publication Year",
             "Create Date", "PMCID", "NIHMS ID", "DOI"]
    row = ",".join('"%s"' % columns.get(name.replace(" ", "_").replace("/", "_"), "") for name in names)
    [record] = pubmed_csv.read(HEADER + row + "\n")
    return record


def test_saved_csv_every_field():
    records = list(pubmed_csv.read(fixture_text("pubmed_csv", "csv-cerebellum-set.csv")))
    assert [dataclasses.asdict(r) for r in records] == [
        expected("pubmed_csv", line=2, pmid="25146823", title="Dissecting the links between cerebellum and dystonia.",
                 doi="10.1007/s12311-014-0601-4", journal_abbreviation="Cerebellum",
                 year=2014, publication_date="2014-12", volume="13", issue="6", pages="666-668",
                 authors=[Author("A Malone", "Malone", "A"), Author("M Manto", "Manto", "M"),
                          Author("C Hass", "Hass", "C")]),
        expected("pubmed_csv", line=3, pmid="28515951", title="Cerebellum: An explanation for dystonia?",
                 doi="10.1186/s40673-017-0064-8", pmcid="PMC5427546", journal_abbreviation="Cerebellum Ataxias",
                 year=2017, publication_date="2017-05-12", volume="4", pages="6",
                 authors=[Author("M Bologna", "Bologna", "M"), Author("A Berardelli", "Berardelli", "A")]),
        expected("pubmed_csv", line=4, pmid="31234567",
                 title="Cerebellar and basal ganglia outputs in DYT1 dystonia: a multicentre imaging study.",
                 doi="10.1002/mds.27777", pmcid="PMC6712345", journal_abbreviation="Mov Disord",
                 year=2019, publication_date="2019", epub_date="2019-07-04", volume="34", issue="2", pages="e12345",
                 authors=[Author("S Lehéricy", "Lehéricy", "S"), Author("JC van der Berg", "van der Berg", "JC"),
                          Author("JA Smith Jr", "Smith", "JA"),
                          Author("Dystonia Coalition Investigators", group=True)],
                 claims=[Claim("nihms_id", "NIHMS1041234", "NIHMS ID")]),
        expected("pubmed_csv", line=5, pmid="10023456", title="[Wilson disease].", journal_abbreviation="Nervenarzt",
                 year=1998, publication_date="1998-12", volume="69", issue="12", pages="1101-1109",
                 authors=[Author("T Müller", "Müller", "T"), Author("W Kuhn", "Kuhn", "W")]),
        expected("pubmed_csv", line=6, pmid="38456789", title="Cerebellar transcranial stimulation in cervical dystonia.",
                 doi="10.1016/j.jns.2024.122915", journal_abbreviation="J Neurol Sci",
                 year=2024, publication_date="2024-03-05", volume="458", pages="122915",
                 authors=[Author("TM Nguyen", "Nguyen", "TM")],
                 claims=[Claim("status", "Online ahead of print", "printed at the end of the citation")]),
        # a book chapter: Journal/Book is the book, the citation has no journal shape
        expected("pubmed_csv", line=7, pmid="20301665", title="DYT-TOR1A Dystonia.", journal_title="GeneReviews®",
                 year=1993, publication_date="1993",
                 authors=[Author("L Ozelius", "Ozelius", "L"), Author("N Lubarr", "Lubarr", "N")]),
    ]


def test_ahead_of_print_article_identifier_after_the_date():
    # "Brain. 2023 Jul 20:awad245.": no volume yet, the journal's article identifier after
    # the date (the pattern used to stop at ':' and lose the date, the status and the
    # identifier); the claims are the PubMed page reader's for the same line
    records = list(pubmed_csv.read(fixture_text("pubmed_csv", "ahead-of-print.csv")))
    assert [dataclasses.asdict(r) for r in records] == [
        expected("pubmed_csv", line=2, pmid="38182410",
                 title="Cerebellar stimulation for cervical dystonia: a sham-controlled trial.",
                 doi="10.1136/jnnp-2023-332211", journal_abbreviation="J Neurol Neurosurg Psychiatry",
                 year=2024, publication_date="2024-01-05",
                 authors=[Author("J Lee", "Lee", "J"), Author("S Kim", "Kim", "S"),
                          Author("HJ Park", "Park", "HJ")],
                 claims=[Claim("article_locator", "jnnp-2023-332211",
                               "article identifier printed after the date (published ahead of print)"),
                         Claim("status", "Online ahead of print", "printed at the end of the citation")]),
        # the DOI column empty: the DOI of the citation
        expected("pubmed_csv", line=3, pmid="37471490", title="Purkinje cell loss in idiopathic dystonia.",
                 doi="10.1093/brain/awad245", journal_abbreviation="Brain", year=2023, publication_date="2023-07-20",
                 authors=[Author("S Horisawa", "Horisawa", "S"), Author("K Kohara", "Kohara", "K")],
                 claims=[Claim("article_locator", "awad245",
                               "article identifier printed after the date (published ahead of print)"),
                         Claim("status", "Online ahead of print", "printed at the end of the citation")]),
    ]


def test_bad_rows_are_rejected_alone_with_position_and_line():
    records = list(pubmed_csv.read(fixture_text("pubmed_csv", "bad-rows.csv")))
    assert [type(r).__name__ for r in records] == [
        "PaperRecord", "RecordError", "RecordError", "PaperRecord", "RecordError", "RecordError", "PaperRecord"]
    assert records[1] == RecordError(2, 3, "a row of 10 fields under a header of 11")
    assert records[2] == RecordError(3, 4, "a row with neither a PMID nor a title")
    assert records[4] == RecordError(5, 7, "PMID is not a number: '2970abc'")
    assert records[5] == RecordError(6, 8, "invalid CSV: ',' expected after '\"'")
    assert dataclasses.asdict(records[0]) == expected("pubmed_csv",
        line=2, pmid="29701234", title="Purkinje cell firing in a mouse model of dystonia.", doi="10.1093/brain/awy095",
        journal_abbreviation="Brain", year=2018, publication_date="2018-06-01", volume="141", issue="6",
        pages="1625-1637", authors=[Author("R Fremont", "Fremont", "R"), Author("T Yu", "Yu", "T")],
        authors_complete=False)
    # a quoted new line inside a field: the row starts on line 5 and the next one on line 7
    assert dataclasses.asdict(records[3]) == expected("pubmed_csv",
        line=5, pmid="29701236", title="A title printed over two lines.", journal_abbreviation="Brain",
        year=2018, publication_date="2018", volume="141", pages="3", authors=[Author("R Roe", "Roe", "R")],
        authors_complete=False)
    assert dataclasses.asdict(records[6]) == expected("pubmed_csv",
        line=9, pmid="29701239", title="The last row loads.", journal_abbreviation="Brain", year=2018,
        publication_date="2018-07", volume="141", issue="7", pages="4", authors=[Author("S Horisawa", "Horisawa", "S")])


def test_doi_from_the_citation_when_the_column_is_empty():
    record = one_row(PMID="1", Title="T.", Citation="Brain. 2018;1:2. doi: 10.1093/Brain/awy095. Epub 2018 Mar 3.",
                     Publication_Year="2018")
    assert (record.doi, record.epub_date) == ("10.1093/brain/awy095", "2018-03-03")


def test_a_group_alone_and_a_group_after_persons():
    assert one_row(PMID="1", Title="T.", Authors="Dystonia Coalition.").authors == [
        Author("Dystonia Coalition", group=True)]
    assert one_row(PMID="1", Title="T.", Authors="Polack FP, Gruber WC; C4591001 Clinical Trial Group.").authors == [
        Author("FP Polack", "Polack", "FP"), Author("WC Gruber", "Gruber", "WC"),
        Author("C4591001 Clinical Trial Group", group=True)]


def test_publication_year_stands_when_the_citation_says_another():
    record = one_row(PMID="1", Title="T.", Citation="Brain. 2019 Jan;1(1):2.", Publication_Year="2018")
    assert (record.year, record.publication_date, record.volume) == (2018, "2018", "1")


def test_an_issue_with_a_part_in_parentheses():
    # MEDLINE prints a part of an issue inside the issue: "41(2 ( Pt 1))" (a stale copy of
    # the pattern here gave no volume, issue or pages)
    record = one_row(PMID="1", Title="T.", Citation="Neurology. 1991 Feb;41(2 ( Pt 1)):234-7.",
                     Publication_Year="1991")
    assert (record.volume, record.issue, record.pages, record.publication_date) == (
        "41", "2 ( Pt 1)", "234-237", "1991-02")


def test_detection_claims_pubmed_csv_only():
    for name in ("csv-cerebellum-set.csv", "bad-rows.csv", "ahead-of-print.csv"):
        text = fixture_text("pubmed_csv", name)
        assert pubmed_csv.looks_like(text) and detect(text) == "pubmed_csv"
        assert not medline.looks_like(text) and not pubmed_page.looks_like(text)
    # the header unquoted, as other tools write it, is still PubMed's
    assert pubmed_csv.looks_like("PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year,"
                                 "Create Date,PMCID,NIHMS ID,DOI\n")
    assert not pubmed_csv.looks_like('"Title","Authors","Year"\n"T","A","2020"\n')
    assert not pubmed_csv.looks_like("PMID- 1\nTI  - T.\n")


@pytest.mark.parametrize("text, reason", [
    ('"Title","Authors"\n"T","A"\n', "not a PubMed CSV export: no PMID, Citation, DOI column in the header"),
    ("", "not a PubMed CSV export: no header row"),
    ('"PMID","Title\n', "not a PubMed CSV export: no header row"),
    # a header alone, once or twice (the fuzz found it "loaded" with no record)
    (HEADER, "no records: the CSV export has a header and no row"),
    (HEADER + "\n" + HEADER, "no records: the CSV export has a header and no row"),
])
def test_not_pubmed_csv_is_one_line_value_error(text, reason):
    with pytest.raises(ValueError) as e:
        list(pubmed_csv.read(text))
    assert str(e.value) == reason


def test_truncated_file_keeps_the_rows_it_has():
    text = fixture_text("pubmed_csv", "csv-cerebellum-set.csv")
    cut = text[: text.index('"Müller T"')]  # inside the fourth row
    records = list(pubmed_csv.read(cut))
    assert [r.pmid for r in records[:3]] == ["25146823", "28515951", "31234567"]
    assert records[3] == RecordError(4, 5, "a row of 5 fields under a header of 11")


def test_two_saves_concatenated_repeat_their_header_which_is_no_record():
    # `cat a.csv b.csv`: the second file's header (with its byte order mark) is in the middle
    records = list(pubmed_csv.read(fixture_text("pubmed_csv", "two-saves-concatenated.csv")))
    assert [dataclasses.asdict(r) for r in records] == [
        expected("pubmed_csv",
            title="Dissecting the links between cerebellum and dystonia.", pmid="25146823",
            doi="10.1007/s12311-014-0601-4", journal_abbreviation="Cerebellum", year=2014,
            publication_date="2014-12", volume="13", issue="6", pages="666-668",
            authors=[Author("A Malone", "Malone", "A"), Author("M Manto", "Manto", "M"), Author("C Hass", "Hass", "C")],
            line=2),
        expected("pubmed_csv",
            title="Cerebellum: An explanation for dystonia?", pmid="28515951", pmcid="PMC5427546",
            doi="10.1186/s40673-017-0064-8", journal_abbreviation="Cerebellum Ataxias", year=2017,
            publication_date="2017-05-12", volume="4", pages="6",
            authors=[Author("M Bologna", "Bologna", "M"), Author("A Berardelli", "Berardelli", "A")], line=4),
    ]


def test_a_quote_left_open_loses_no_row_below():
    # a damaged row whose last field never closes its quote ('""' is a quote inside it): by
    # the CSV grammar it would run on into the rows below, and take the next one with it
    rows = ['"31234567","A damaged row.","Roe R.","Brain. 2018;141:3.","Roe R","Brain""',
            '"31234568","The row below.","Doe J.","Brain. 2018;141:4.","Doe J","Brain","2018","2018/04/28","","",""',
            '"31234569","And the last.","","","","","2019","","","",""']
    damaged, below, last = pubmed_csv.read(HEADER + "\n".join(rows) + "\n")
    assert damaged == RecordError(1, 2, "invalid CSV: unexpected end of data")
    assert dataclasses.asdict(below) == expected("pubmed_csv",
        line=3, pmid="31234568", title="The row below.", journal_abbreviation="Brain", year=2018,
        publication_date="2018", volume="141", pages="4", authors=[Author("J Doe", "Doe", "J")])
    assert dataclasses.asdict(last) == expected("pubmed_csv", line=4, pmid="31234569", title="And the last.", year=2019,
                                                publication_date="2019")


def test_digits_other_than_ascii_are_no_pmid_and_no_year():
    # str.isdigit() is true for "١٢" and "١٩٩٩" (Arabic-Indic digits)
    [error] = pubmed_csv.read(HEADER + '"١٢","T.","","","","","","","","",""\n')
    assert error == RecordError(1, 2, "PMID is not a number: '١٢'")
    assert one_row(PMID="12", Title="T.", Publication_Year="١٩٩٩").year is None
