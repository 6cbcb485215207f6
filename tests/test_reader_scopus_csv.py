"""Golden tests for the Scopus CSV export reader.

The fixtures in tests/fixtures/scopus_csv/ are written by hand in the layouts of real
Scopus exports (Export -> CSV, all information): scopus_current.csv as Scopus writes it
now (a byte order mark, CRLF, every field quoted, "; " between authors, "Author full
names" with Scopus author ids), scopus_2019.csv as it wrote it before (a header without
quotes, numbers unquoted, ", " between authors, no full names, "Funding Text 1"). Every
expected value below is typed by hand from those files."""

import dataclasses

import pytest

from golden import expected, fixture_records, fixture_text, person
from litdb.build import read_seed_file
from litdb.readers import UNKNOWN_FORMAT, detect, scopus_csv, unknown_format
from litdb.records import Claim, Grant, RecordError, Reference

NEUROLOGY_FLORIDA = "Department of Neurology, University of Florida, Gainesville, FL, United States"
SAPIENZA = "Department of Human Neurosciences, Sapienza University of Rome, Rome, Italy"
BRUXELLES = "Unité d'Étude du Mouvement, Université Libre de Bruxelles, Brussels, Belgium"
NINDS = "National Institute of Neurological Disorders and Stroke"


def test_current_export_every_field():
    review, conference, letter, erratum = fixture_records(scopus_csv, "scopus_current.csv")
    # a review: full names (Scopus ids dropped), an affiliation each from "Authors with
    # affiliations" (Hass's two kept as one text), the copyright split off the abstract,
    # author then index keywords once each, a grant each id of one funder said twice
    assert dataclasses.asdict(review) == expected("scopus_csv",
        line=2, title="Dissecting the links between cerebellum and dystonia", doi="10.1007/s12311-014-0601-4",
        pmid="25146823",
        abstract="Dystonia is a disabling movement disorder. The cerebellum has long been thought to take part in it.",
        copyright="© 2014, Springer Science+Business Media New York.",
        journal_title="Cerebellum", journal_abbreviation="Cerebellum", year=2014, publication_date="2014",
        volume="13", issue="6", pages="666-668", citation_count=45, issns=["1473-4222"],
        authors=[person("Ailish Malone", "Malone", "Ailish", affiliations=[NEUROLOGY_FLORIDA]),
                 person("Mario Manto", "Manto", "Mario", affiliations=[BRUXELLES]),
                 person("Chris Hass", "Hass", "Chris", affiliations=[
                     "Department of Neurology, University of Florida, Gainesville, FL, United States, Department of "
                     "Applied Physiology and Kinesiology, University of Florida, Gainesville, FL, United States"])],
        publication_types=["Journal Article", "Review"],
        keywords=["Basal ganglia", "Cerebellum", "Dystonia", "human", "Review"],
        grants=[Grant("R01NS088528 (National Institute of Neurological Disorders and Stroke)", "R01NS088528", "NINDS",
                      NINDS),
                Grant("U54NS065701 (National Institute of Neurological Disorders and Stroke)", "U54NS065701", "NINDS",
                      NINDS)],
        references=[
            Reference(1, "Bologna M., Berardelli A., Cerebellum: An explanation for dystonia?, Cerebellum and Ataxias, "
                         "4, 1, (2017)", authors="Bologna M., Berardelli A.",
                      title="Cerebellum: An explanation for dystonia?", journal="Cerebellum and Ataxias", year=2017,
                      volume="4", issue="1"),
            Reference(2, "Prudente C.N., Hess E.J., Jinnah H.A., Dystonia as a network disorder: What is the role of "
                         "the cerebellum?, Neuroscience, 260, pp. 23-35, (2014)",
                      authors="Prudente C.N., Hess E.J., Jinnah H.A.",
                      title="Dystonia as a network disorder: What is the role of the cerebellum?", journal="Neuroscience",
                      year=2014, volume="260", pages="23-35"),
            Reference(3, "Jinnah H.A., Hess E.J., A new twist on the anatomy of dystonia: The basal ganglia and the "
                         "cerebellum?, Neurology, 67, 10, pp. 1740-1741, (2006)", authors="Jinnah H.A., Hess E.J.",
                      title="A new twist on the anatomy of dystonia: The basal ganglia and the cerebellum?",
                      journal="Neurology", year=2006, volume="67", issue="10", pages="1740-1741"),
        ],
        claims=[Claim("accession_number", "2-s2.0-84911865938", "Scopus"), Claim("language", "English"),
                Claim("publisher", "Springer New York LLC")],
    )
    # a conference paper: no pages, its article number instead; the abstract holds a new
    # line inside its quotes; "All Open Access; Green Open Access"; ISSN 1557170X
    assert dataclasses.asdict(conference) == expected("scopus_csv",
        line=3, title="Cerebellar theta-burst stimulation in cervical dystonia: a pilot study",
        doi="10.1109/embc44109.2020.9175421",
        abstract="Background: cerebellar stimulation may modulate dystonia. Methods: ten patients received "
                 "theta-burst stimulation over the cerebellum.",
        copyright="© 2020 IEEE.",
        journal_title="Proceedings of the Annual International Conference of the IEEE Engineering in Medicine and "
                      "Biology Society, EMBS",
        journal_abbreviation="Proc Annu Int Conf IEEE Eng Med Biol Soc EMBS", year=2020, publication_date="2020",
        volume="2020-July", pages="9175421", citation_count=2, is_open_access=True, issns=["1557-170X"],
        authors=[person("Matteo Bologna", "Bologna", "Matteo", affiliations=[SAPIENZA]),
                 person("Alfredo Berardelli", "Berardelli", "Alfredo", affiliations=[SAPIENZA])],
        publication_types=["Conference Paper"],
        keywords=["cerebellum", "dystonia", "theta-burst stimulation", "Transcranial magnetic stimulation"],
        grants=[Grant("RF-2018-12365589 (Ministero della Salute)", "RF-2018-12365589", "MS", "Ministero della Salute")],
        claims=[Claim("accession_number", "2-s2.0-85091041234", "Scopus"), Claim("language", "English"),
                Claim("publisher", "Institute of Electrical and Electronics Engineers Inc.")],
    )
    # "[No abstract available]" is no abstract; the PubMed ID; "Article in press" a status
    assert dataclasses.asdict(letter) == expected("scopus_csv",
        line=5, title="Reply to: The cerebellum in dystonia", doi="10.1002/mds.29999", pmid="38212345",
        journal_title="Movement Disorders", journal_abbreviation="Mov. Disord.", year=2024, publication_date="2024",
        citation_count=0, is_open_access=True, issns=["0885-3185"],
        authors=[person("Mark Hallett", "Hallett", "Mark", affiliations=[
            "Human Motor Control Section, National Institute of Neurological Disorders and Stroke, Bethesda, MD, "
            "United States"])],
        publication_types=["Journal Article", "Letter"],
        claims=[Claim("status", "Article in press", "Publication Stage"),
                Claim("accession_number", "2-s2.0-85182345678", "Scopus"), Claim("language", "English"),
                Claim("publisher", "John Wiley and Sons Inc")],
    )
    # "[No author name available]" is no author; a page start alone is the page
    assert dataclasses.asdict(erratum) == expected("scopus_csv",
        line=6, title="Erratum: Dissecting the links between cerebellum and dystonia", doi="10.1007/s12311-014-0630-z",
        journal_title="Cerebellum", journal_abbreviation="Cerebellum", year=2015, publication_date="2015",
        volume="14", issue="1", pages="92", citation_count=0, issns=["1473-4222"],
        publication_types=["Erratum"],
        claims=[Claim("accession_number", "2-s2.0-84922345678", "Scopus"), Claim("language", "English")],
    )


def test_older_export_every_field():
    review, article, conference, chapter = fixture_records(scopus_csv, "scopus_2019.csv")
    # ", " between authors, initials only; "Authors with affiliations" as "Bologna, M., ...";
    # "Agency, ACRONYM: id" funding; references "(1999) J Comp Phys, 151, p. 283"
    assert dataclasses.asdict(review) == expected("scopus_csv",
        line=2, title="Cerebellum: An explanation for dystonia?", doi="10.1186/s40673-017-0064-8", pmid="28515951",
        abstract="Dystonia is a movement disorder with sustained muscle contractions. The cerebellum may be involved.",
        copyright="© 2017 The Author(s).",
        journal_title="Cerebellum and Ataxias", journal_abbreviation="Cerebellum Ataxias", year=2017,
        publication_date="2017", volume="4", issue="1", pages="6", citation_count=72, issns=["2053-8871"],
        authors=[person("M. Bologna", "Bologna", "M.", affiliations=[
                     "Department of Human Neurosciences, Sapienza University of Rome, Viale dell'Università 30, Rome, "
                     "00185, Italy"]),
                 person("A. Berardelli", "Berardelli", "A.", affiliations=[
                     "Department of Human Neurosciences, Sapienza University of Rome, Viale dell'Università 30, Rome, "
                     "00185, Italy, IRCCS Neuromed, Pozzilli, IS, Italy"])],
        publication_types=["Journal Article", "Review"],
        keywords=["Cerebellum", "Dystonia", "basal ganglia", "human", "review"],
        grants=[Grant("RF-2010-2319877 (Ministero della Salute)", "RF-2010-2319877", "MS", "Ministero della Salute")],
        references=[
            Reference(1, "Kalé, L., Skeel, R., Bhandarkar, M., (1999) J Comp Phys, 151, p. 283",
                      authors="Kalé L., Skeel R., Bhandarkar M.", journal="J Comp Phys", year=1999, volume="151",
                      pages="283"),
            Reference(2, "Prudente, C.N., Hess, E.J., Jinnah, H.A., Dystonia as a network disorder: What is the role "
                         "of the cerebellum? (2014) Neuroscience, 260, pp. 23-35", authors="Prudente C.N., Hess E.J., Jinnah H.A.",
                      title="Dystonia as a network disorder: What is the role of the cerebellum?", journal="Neuroscience",
                      year=2014, volume="260", pages="23-35"),
        ],
        claims=[Claim("accession_number", "2-s2.0-85019112233", "Scopus"), Claim("language", "English"),
                Claim("publisher", "BioMed Central Ltd.")],
    )
    # "Article" is a journal article; "Copyright © 2015 ..." split off; the older "All Open
    # Access, Green"; two grants of one funder
    assert dataclasses.asdict(article) == expected("scopus_csv",
        line=3,
        title="Aberrant Purkinje cell activity is the cause of dystonia in a shRNA-based mouse model of Rapid Onset "
              "Dystonia-Parkinsonism",
        doi="10.1016/j.nbd.2015.05.018", pmid="26049141",
        abstract="Rapid Onset Dystonia-Parkinsonism is caused by mutations in the α3 subunit of the Na+/K+ ATPase.",
        copyright="Copyright © 2015 Elsevier Inc. All rights reserved.",
        journal_title="Neurobiology of Disease", journal_abbreviation="Neurobiol. Dis.", year=2015,
        publication_date="2015", volume="82", pages="32-42", citation_count=58, is_open_access=True,
        issns=["0969-9961"],
        authors=[person("R. Fremont", "Fremont", "R.", affiliations=[
                     "Dominick P. Purpura Department of Neuroscience, Albert Einstein College of Medicine, Bronx, NY, "
                     "United States"]),
                 person("A. Tewari", "Tewari", "A.", affiliations=[
                     "Dominick P. Purpura Department of Neuroscience, Albert Einstein College of Medicine, Bronx, NY, "
                     "United States"]),
                 person("K. Khodakhah", "Khodakhah", "K.", affiliations=[
                     "Dominick P. Purpura Department of Neuroscience, Albert Einstein College of Medicine, Bronx, NY, "
                     "United States"])],
        publication_types=["Journal Article"],
        keywords=["Cerebellum", "Dystonia", "Purkinje cell", "animal", "mouse"],
        grants=[Grant("R01NS050808 (National Institute of Neurological Disorders and Stroke)", "R01NS050808", "NINDS",
                      NINDS),
                Grant("R01NS079750 (National Institute of Neurological Disorders and Stroke)", "R01NS079750", "NINDS",
                      NINDS)],
        claims=[Claim("accession_number", "2-s2.0-84933222111", "Scopus"), Claim("language", "English"),
                Claim("publisher", "Academic Press Inc.")],
    )
    # "Conference Paper" (older capitals); a group among the authors; one entry of "Authors
    # with affiliations" for two authors: nobody's affiliation is guessed
    assert dataclasses.asdict(conference) == expected("scopus_csv",
        line=4, title="Gait in cervical dystonia", journal_title="Movement Disorders in Clinical Practice",
        journal_abbreviation="Mov. Disord. Clin. Pract.", year=2019, publication_date="2019", pages="201-210",
        citation_count=0,
        authors=[person("C. Hass", "Hass", "C."), person("Dystonia Coalition Investigators", group=True)],
        publication_types=["Conference Paper"],
        claims=[Claim("accession_number", "2-s2.0-85060001112", "Scopus"), Claim("language", "English"),
                Claim("publisher", "Springer Nature")],
    )
    assert dataclasses.asdict(chapter) == expected("scopus_csv",
        line=5, title="Dystonia", doi="10.1016/b978-0-444-63956-1.00014-5", pmid="29903441",
        journal_title="Handbook of Clinical Neurology", journal_abbreviation="Handb. Clin. Neurol.", year=2018,
        publication_date="2018", volume="154", pages="229-245", citation_count=3, issns=["0072-9752"],
        authors=[person("H.A. Jinnah", "Jinnah", "H.A.")],
        publication_types=["Book Chapter"],
        claims=[Claim("accession_number", "2-s2.0-85049998877", "Scopus"), Claim("language", "English"),
                Claim("publisher", "Elsevier B.V.")],
    )


def test_bad_rows_are_rejected_alone_with_position_and_line():
    records = fixture_records(scopus_csv, "bad-rows.csv")
    assert [type(r).__name__ for r in records] == ["PaperRecord", "RecordError", "RecordError", "RecordError",
                                                   "PaperRecord"]
    assert records[1] == RecordError(2, 3, "a row of 8 fields under a header of 9")
    assert records[2] == RecordError(3, 4, "invalid CSV: ',' expected after '\"'")
    assert records[3] == RecordError(4, 5, "row has no title")
    assert dataclasses.asdict(records[0]) == expected("scopus_csv",
        line=2, title="Purkinje cell firing in a mouse model of dystonia", journal_title="Brain", year=2018,
        publication_date="2018", authors=[person("Rachel Fremont", "Fremont", "Rachel")],
        publication_types=["Journal Article"], claims=[Claim("accession_number", "2-s2.0-85040000001", "Scopus")])
    assert dataclasses.asdict(records[4]) == expected("scopus_csv",
        line=6, title="Deep brain stimulation of the dentate nucleus", doi="10.3171/2017.10.jns171234",
        journal_title="Journal of Neurosurgery", year=2018, publication_date="2018",
        authors=[person("Shiro Horisawa", "Horisawa", "Shiro")], publication_types=["Journal Article"],
        claims=[Claim("accession_number", "2-s2.0-85040000005", "Scopus")])


HEADER = '"Authors","Title","Year","Source title","Source","EID"\n'


def test_a_quote_left_open_stays_in_its_row():
    # rows are cut after the EID that ends each: the open quote of row 1 runs to its end only
    text = (HEADER + '"Malone A.","An open "quote,"2014","Cerebellum","Scopus","2-s2.0-1"\n'
            '"Manto M.","The next row","2015","Cerebellum","Scopus","2-s2.0-2"\n')
    first, second = scopus_csv.read(text)
    assert isinstance(first, RecordError) and (first.position, first.line) == (1, 2)
    assert (second.title, second.line, second.authors) == ("The next row", 3, [person("M. Manto", "Manto", "M.")])


def test_two_exports_concatenated_skip_the_second_header():
    text = HEADER + '"Malone A.","One","2014","Cerebellum","Scopus","2-s2.0-1"\n'
    records = list(scopus_csv.read(text + "\ufeff" + text))
    assert [(r.title, r.line) for r in records] == [("One", 2), ("One", 4)]


def test_whole_file_errors():
    with pytest.raises(ValueError, match="^no records: the CSV export has a header and no row$"):
        list(scopus_csv.read(HEADER))
    with pytest.raises(ValueError, match="^not a Scopus CSV export: no Title column in the header$"):
        list(scopus_csv.read('"Authors","Source title","EID"\n"Malone A.","Cerebellum","2-s2.0-1"\n'))


def test_detected_by_scopus_columns_only():
    assert detect(HEADER + '"Malone A.","One","2014","Cerebellum","Scopus","2-s2.0-1"\n') == "scopus_csv"
    assert detect("\ufeffAuthors,Title,Year,Source title,EID\nMalone A.,One,2014,Cerebellum,2-s2.0-1\n") == "scopus_csv"
    # no EID column: a Link to a Scopus record says it
    linked = ('"Authors","Title","Source title","Link"\n"Malone A.","One","Cerebellum",'
              '"https://www.scopus.com/inward/record.uri?eid=2-s2.0-1&partnerID=40"\n')
    assert detect(linked) == "scopus_csv"
    assert detect(linked.replace("www.scopus.com", "example.org").replace("eid=2-s2.0-1", "id=1")) is None
    # Dimensions also names a "Source title", with no EID and no Scopus link
    dimensions = ('"Rank","Publication ID","DOI","Title","Source title","Dimensions URL"\n'
                  '"1","pub.1","10.1/x","One","Cerebellum","https://app.dimensions.ai/details/publication/pub.1"\n')
    assert detect(dimensions) is None and unknown_format(dimensions) == UNKNOWN_FORMAT
    # PubMed's CSV export is PubMed's
    assert detect(fixture_text("pubmed_csv", "csv-cerebellum-set.csv")) == "pubmed_csv"
    assert not scopus_csv.looks_like(fixture_text("pubmed_csv", "csv-cerebellum-set.csv"))


def test_a_windows_export_read_by_the_build(tmp_path):
    path = tmp_path / "scopus.csv"
    path.write_bytes(b'\xef\xbb\xbf"Authors","Author full names","Title","Year","Source title","EID"\r\n'
                     b'"Hass C.","Hass, Chris (6602345678)","Gait in dystonia","2021","Movement Disorders",'
                     b'"2-s2.0-85100000001"\r\n')
    read = read_seed_file(path)
    assert read.source["format"] == "scopus_csv" and read.source["status"] == "loaded"
    [(position, record)] = read.records
    assert (position, record.title, record.journal_title, record.year, record.authors) == (
        0, "Gait in dystonia", "Movement Disorders", 2021, [person("Chris Hass", "Hass", "Chris")])


def test_an_older_export_files_article_in_press_as_a_type_it_is_a_status():
    text = ('Authors,Title,Year,Source title,Document Type,Source,EID\n'
            'Roe J.,Cerebellum in press,2019,Brain,Article in Press,Scopus,2-s2.0-85000000009\n')
    [record] = scopus_csv.read(text)
    assert (record.publication_types, record.claims[0]) == (
        [], Claim("status", "Article in Press", "Document Type Article in Press"))
