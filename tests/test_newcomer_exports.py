"""A newcomer's seeds, end to end: the exports a researcher already has, dropped into
seeds/ and built. One PubMed search saved as MEDLINE (CRLF, a record edited by hand) and
as CSV (two saves concatenated), a Zotero RIS and a Google Scholar BibTeX sharing papers
with it, a PubMed page copied from the browser, an EndNote RIS in UTF-16 with an empty
record, and an EndNote XML library (rejected as an unknown format until the EndNote XML
reader; read now, its one record a paper of its own).

Every document is written here by hand; every count, merge, source and reason below is
typed by hand from them."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import run_build

MEDLINE = "\r\n".join([
    "PMID- 38100001",                                                   # 1
    "OWN - NLM",
    "STAT- MEDLINE",
    "IS  - 1531-8257 (Electronic)",
    "IS  - 0885-3185 (Print)",                                          # 5
    "IS  - 0885-3185 (Linking)",
    "VI  - 10",
    "IP  - 1",
    "DP  - 2005 Jan",
    "TI  - Cerebellar contributions to cervical dystonia: a study of",  # 10
    "      cohort 1.",
    "PG  - 100-9",
    "LID - 10.1002/nc.2000 [doi]",
    "AB  - The cerebellum is implicated in cervical dystonia.",
    "FAU - Malone, Ailish",                                             # 15
    "AU  - Malone A",
    "AUID- ORCID: 0000-0002-1825-0097",
    "AD  - Department of Neurology, Trinity College Dublin, Dublin, Ireland.",
    "LA  - eng",
    "PT  - Journal Article",                                            # 20
    "TA  - Mov Disord",
    "JT  - Movement disorders : official journal of the Movement Disorder Society",
    "",
    "PMID- 38100018",
    "IS  - 1473-4230 (Electronic)",                                     # 25
    "IS  - 1473-4222 (Linking)",
    "VI  - 11",
    "IP  - 2",
    "DP  - 2006 Aug",
    "TI  - Cerebellar contributions to essential tremor: a study of cohort 2.",  # 30
    "PG  - 111-20",
    "LID - 10.1002/nc.2001 [doi]",
    "FAU - Kowalski, Łukasz",
    "AU  - Kowalski Ł",
    "AD  - Department of Neurology, Medical University of Warsaw, Warsaw, Poland.",  # 35
    "FAU - Sørensen, Søren",
    "AU  - Sørensen S",
    "AUID- ORCID: 0000-0001-5109-3700",
    "AD  - Danish Research Centre for Magnetic Resonance, Hvidovre, Denmark.",
    "PT  - Journal Article",                                            # 40
    "TA  - Cerebellum",
    "JT  - Cerebellum (London, England)",
    "",
    "PMID- 38100035",
    "IS  - 0885-3185 (Linking)",                                        # 45
    "DP  - 2007 Spring",
    "TI  - Cerebellar contributions to Purkinje cell firing: a study of cohort 3.",
    "FAU - Shakkottai, Vikram G",
    "AU  - Shakkottai VG",
    "FAU - O'Brien, Siobhán",                                           # 50
    "AU  - O'Brien S",
    "CN  - Dystonia Coalition Investigators",
    "TA  - Mov Disord",
    "JT  - Movement disorders : official journal of the Movement Disorder Society",
    "",                                                                 # 55
    "PMID- 38999999",
    "TI  - A record someone edited by hand",
    "this line has no tag",
    "",
]) + "\r\n"

CSV_HEADER = ('\ufeff"PMID","Title","Authors","Citation","First Author","Journal/Book","Publication Year",'
              '"Create Date","PMCID","NIHMS ID","DOI"\r\n')
CSV = (
    CSV_HEADER
    + '"38100001","Cerebellar contributions to cervical dystonia: a study of cohort 1.","Malone A.",'
      '"Mov Disord. 2005 Jan;10(1):100-9. doi: 10.1002/nc.2000.","Malone A","Mov Disord","2005","2005/01/01",'
      '"","","10.1002/nc.2000"\r\n'
    + '"38100018","Cerebellar contributions to essential tremor: a study of cohort 2.","Kowalski Ł, Sørensen S.",'
      '"Cerebellum. 2006 Aug;11(2):111-20. doi: 10.1002/nc.2001.","Kowalski Ł","Cerebellum","2006","2006/08/02",'
      '"","","10.1002/nc.2001"\r\n'
    + CSV_HEADER  # a second save appended to the first
    + '"38100035","Cerebellar contributions to Purkinje cell firing: a study of cohort 3.",'
      '"Shakkottai VG, O\'Brien S; Dystonia Coalition Investigators.","Mov Disord. 2007 Spring.","Shakkottai VG",'
      '"Mov Disord","2007","2007/03/01","","",""\r\n'
    + '"38100052","Cerebellar contributions to writer\'s cramp: a study of cohort 4.","Müller J, van der Berg JM.",'
      '"Front Neurol. 2008 Dec;13(4):133-42. doi: 10.1002/nc.2003.","Müller J","Front Neurol","2008",'
      '"2008/12/01","PMC9100003","","10.1002/nc.2003"\r\n'
)

ZOTERO_RIS = "\r\n".join([
    "TY  - JOUR",
    "TI  - Cerebellar contributions to cervical dystonia: a study of cohort 1",
    "AU  - Malone, Ailish",
    "T2  - Movement Disorders: Official Journal of the Movement Disorder Society",
    "DA  - 2005/01//",
    "PY  - 2005",
    "DO  - 10.1002/NC.2000",
    "DP  - PubMed",
    "VL  - 10",
    "IS  - 1",
    "SP  - 100",
    "EP  - 109",
    "J2  - Mov Disord",
    "SN  - 1531-8257",
    "AN  - 38100001",
    "KW  - Cerebellum",
    "ER  - ",
    "",
    "TY  - JOUR",
    "TI  - <i>DYT1</i> knock-in mice show abnormal cerebellar output",
    "AU  - Fremont, Rachel",
    "AU  - Khodakhah, Kamran",
    "T2  - Neurobiology of Disease",
    "DA  - 2015/03/01/",
    "PY  - 2015",
    "DO  - 10.1016/j.nbd.2014.12.002",
    "VL  - 75",
    "SP  - 61",
    "EP  - 71",
    "SN  - 0969-9961",
    "ER  - ",
    "",
])

SCHOLAR_BIB = """@article{shakkottai2007cerebellar,
  title={Cerebellar contributions to Purkinje cell firing: a study of cohort 3},
  author={Shakkottai, Vikram G and O'Brien, Siobh{\\'a}n and others},
  journal={Movement disorders},
  year={2007},
  publisher={Wiley Online Library}
}

@article{fremont2015dyt1,
  title={DYT1 knock-in mice show abnormal cerebellar output},
  author={Fremont, Rachel and Khodakhah, Kamran},
  journal={Neurobiology of disease},
  volume={75},
  pages={61--71},
  year={2015},
  publisher={Elsevier}
}
"""

PUBMED_PAGE = """Skip to main page content
An official website of the United States government
Full text links
Cite
Display options
Cerebellum
. 2006 Aug;11(2):111-20.
 doi: 10.1002/nc.2001. Epub 2006 Aug 2.

Cerebellar contributions to essential tremor: a study of cohort 2
Łukasz Kowalski 1, Søren Sørensen 2
Affiliations
Expand
Affiliations
1 Department of Neurology, Medical University of Warsaw, Warsaw, Poland.
2 Danish Research Centre for Magnetic Resonance, Hvidovre, Denmark.
PMID: 38100018 DOI: 10.1002/nc.2001
Abstract
The cerebellum is implicated in essential tremor.
PubMed Disclaimer
"""

ENDNOTE_RIS = "\r\n".join([
    "TY  - JOUR",  # 1
    "AN  - 38100052",
    "AU  - Müller, J.",
    "AU  - van der Berg, J. M.",
    "DB  - NLM",  # 5
    "DO  - 10.1002/nc.2003",
    "DP  - NLM",
    "J2  - Frontiers in neurology",
    "PY  - 2008",
    "SN  - 1664-2295 (Linking)",  # 10
    "SP  - 133-42",
    "T2  - Front Neurol",
    "TI  - Cerebellar contributions to writer's cramp: a study of cohort 4",
    "VL  - 13",
    "ER  - ",  # 15
    "",
    "",
    "TY  - JOUR",  # 18
    "AU  - Nobody, A.",
    "PY  - 2019",
    "ER  - ",
    "",
])

ENDNOTE_XML = ('<?xml version="1.0" encoding="UTF-8" ?><xml><records><record><database name="My EndNote Library.enl">'
               'My EndNote Library.enl</database><source-app name="EndNote" version="20.0">EndNote</source-app>'
               '<ref-type name="Journal Article">17</ref-type><titles><title><style face="normal" font="default" '
               'size="100%">Cerebellar contributions to cervical dystonia</style></title></titles></record></records>'
               '</xml>\n')

P1, P2, P3, P5, P6 = "38100001", "38100018", "38100035", "38100052", "10.1016/j.nbd.2014.12.002"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    seeds = tmp_path_factory.mktemp("seeds")
    (seeds / "pubmed-cerebellum.nbib").write_bytes(MEDLINE.encode("utf-8"))
    (seeds / "csv-cerebellum.csv").write_bytes(CSV.encode("utf-8"))
    (seeds / "Zotero Library.ris").write_bytes(ZOTERO_RIS.encode("utf-8"))
    (seeds / "scholar.bib").write_bytes(SCHOLAR_BIB.encode("utf-8"))
    (seeds / "pubmed 38100018.txt").write_bytes(PUBMED_PAGE.encode("utf-8"))
    (seeds / "endnote.ris").write_bytes(ENDNOTE_RIS.encode("utf-16"))  # with its byte order mark
    (seeds / "My EndNote Library.xml").write_bytes(ENDNOTE_XML.encode("utf-8"))
    db_path = seeds.parent / "literature.db"
    result = run_build("--seeds", seeds, "--db", db_path)
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(db_path)
    yield db, result
    db.close()


def paper(db, key):
    column = "doi" if key.startswith("10.") else "pmid"
    return db.execute(f"SELECT id FROM papers WHERE {column} = ?", (key,)).fetchone()[0]


def test_the_summary_and_the_sources(built):
    db, result = built
    assert result.stdout.endswith(": 7 files loaded, 0 rejected, 2 bad records left out; 6 papers, 0 references, 10 authors, 4 journals\n")
    rows = db.execute("SELECT filename, format, status, records, rejected_records FROM sources ORDER BY filename")
    assert rows.fetchall() == [
        ("My EndNote Library.xml", "endnote_xml", "loaded", 1, 0),
        ("Zotero Library.ris", "ris", "loaded", 2, 0),
        ("csv-cerebellum.csv", "pubmed_csv", "loaded", 4, 0),
        ("endnote.ris", "ris", "loaded", 1, 1),
        ("pubmed 38100018.txt", "pubmed_page", "loaded", 1, 0),
        ("pubmed-cerebellum.nbib", "medline", "loaded", 3, 1),
        ("scholar.bib", "bibtex", "loaded", 2, 0),
    ]
    assert db.execute("SELECT count(*) FROM sources WHERE status = 'rejected'").fetchone() == (0,)


def test_bad_records_are_listed_with_their_place_and_reason(built):
    db, result = built
    rows = db.execute("SELECT filename, position, line, reason FROM rejected_records "
                      "JOIN sources ON sources.id = source_id ORDER BY filename")
    assert rows.fetchall() == [
        ("endnote.ris", 2, 18, "RIS record without a title, DOI, PMID or PMCID"),
        ("pubmed-cerebellum.nbib", 4, 56, "line 58: not a MEDLINE tag line: 'this line has no tag'"),
    ]
    assert "pubmed-cerebellum.nbib: record 4 (line 56): rejected: line 58: not a MEDLINE tag line" in result.stderr


def test_every_paper_once_with_the_sources_that_gave_it(built):
    db, _ = built
    sources = {}
    for paper_id, filename in db.execute("SELECT DISTINCT paper_id, filename FROM provenance "
                                         "JOIN sources ON sources.id = source_id"):
        sources.setdefault(paper_id, set()).add(filename)
    assert {key: sources[paper(db, key)] for key in (P1, P2, P3, P5, P6)} == {
        P1: {"pubmed-cerebellum.nbib", "csv-cerebellum.csv", "Zotero Library.ris"},
        P2: {"pubmed-cerebellum.nbib", "csv-cerebellum.csv", "pubmed 38100018.txt"},
        P3: {"pubmed-cerebellum.nbib", "csv-cerebellum.csv", "scholar.bib"},  # Scholar's: by title and year
        P5: {"csv-cerebellum.csv", "endnote.ris"},
        P6: {"Zotero Library.ris", "scholar.bib"},
    }
    # the EndNote XML library's record: a title only, another than P1's ("...: a study of cohort 1.")
    [(endnote,)] = db.execute("SELECT id FROM papers WHERE title = 'Cerebellar contributions to cervical dystonia'")
    assert sources[endnote] == {"My EndNote Library.xml"}
    assert len(sources) == 6
    counts = db.execute("SELECT pmid, doi, source_count FROM papers ORDER BY source_count DESC, pmid").fetchall()
    assert counts == [(P1, "10.1002/nc.2000", 3), (P2, "10.1002/nc.2001", 3), (P3, None, 3),
                      (None, P6, 2), (P5, "10.1002/nc.2003", 2), (None, None, 1)]  # SQLite sorts NULL first


def test_the_chosen_values_and_nothing_invented(built):
    db, _ = built
    rows = db.execute("SELECT pmid, title, year, publication_date, volume, issue, pages, abstract, authors_complete "
                      "FROM papers ORDER BY title").fetchall()
    assert rows == [
        (P3, "Cerebellar contributions to Purkinje cell firing: a study of cohort 3.", 2007, "2007", None, None,
         None, None, 1),  # MEDLINE's complete list beats Scholar's "and others"
        (None, "Cerebellar contributions to cervical dystonia", None, None, None, None, None, None, 0),  # no authors
        (P1, "Cerebellar contributions to cervical dystonia: a study of cohort 1.", 2005, "2005-01", "10", "1",
         "100-109", "The cerebellum is implicated in cervical dystonia.", 1),
        (P2, "Cerebellar contributions to essential tremor: a study of cohort 2.", 2006, "2006-08", "11", "2",
         "111-120", "The cerebellum is implicated in essential tremor.", 1),
        (P5, "Cerebellar contributions to writer's cramp: a study of cohort 4.", 2008, "2008-12", "13", "4",
         "133-142", None, 1),
        (None, "DYT1 knock-in mice show abnormal cerebellar output", 2015, "2015-03-01", "75", None, "61-71", None, 1),
    ]


def test_authors_as_structured_data(built):
    db, _ = built
    rows = db.execute("SELECT position, name, family, given, orcid, affiliations FROM paper_authors "
                      "WHERE paper_id = ? ORDER BY position", (paper(db, P2),)).fetchall()
    assert rows == [
        (1, "Łukasz Kowalski", "Kowalski", "Łukasz", None,
         '["Department of Neurology, Medical University of Warsaw, Warsaw, Poland."]'),
        (2, "Søren Sørensen", "Sørensen", "Søren", "0000-0001-5109-3700",
         '["Danish Research Centre for Magnetic Resonance, Hvidovre, Denmark."]'),
    ]
    rows = db.execute("SELECT position, name, family, given FROM paper_authors WHERE paper_id = ? ORDER BY position",
                      (paper(db, P3),)).fetchall()
    assert rows == [(1, "Vikram G Shakkottai", "Shakkottai", "Vikram G"), (2, "Siobhán O'Brien", "O'Brien", "Siobhán"),
                    (3, "Dystonia Coalition Investigators", None, None)]
    [(orcid,)] = db.execute("SELECT orcid FROM paper_authors WHERE paper_id = ?", (paper(db, P1),)).fetchall()
    assert orcid == "0000-0002-1825-0097"


def test_journals_merge_by_issn(built):
    db, _ = built
    journal_of = {key: db.execute("SELECT journal_id FROM papers WHERE id = ?", (paper(db, key),)).fetchone()[0]
                  for key in (P1, P2, P3, P5, P6)}
    assert journal_of[P1] == journal_of[P3]  # Zotero's title-cased name and MEDLINE's, one ISSN
    rows = db.execute("SELECT title, abbreviation, issn_l, issns, paper_count FROM journals ORDER BY title").fetchall()
    assert rows == [
        ("Cerebellum (London, England)", "Cerebellum", "1473-4222", '["1473-4222", "1473-4230"]', 1),
        ("Frontiers in neurology", "Front Neurol", "1664-2295", '["1664-2295"]', 1),
        ("Movement disorders : official journal of the Movement Disorder Society", "Mov Disord", "0885-3185",
         '["0885-3185", "1531-8257"]', 2),
        ("Neurobiology of Disease", None, None, '["0969-9961"]', 1),
    ]
