"""One paper, many sources: the same paper in both formats becomes one row."""

import json

import sqlite_utils

from conftest import FIXTURES, SEEDS, build_quietly, copy_seeds
from litdb.merge import is_abbreviation_of, name_key, same_person
from litdb.records import Author

OLD = "486bd29b069a"

# The seed-000 paper as an aggregator would export it: upper-case DOI URL, the full
# author list, the journal's full title, a day in the date, HTML in the title.
SAME_PAPER_JSON = {
    "title": "Dissecting the Links Between <i>Cerebellum</i> and Dystonia",
    "authors": "A. Malone, M. Manto, C. Hass",
    "doi": "https://doi.org/10.1007/S12311-014-0601-4",
    "abstract": None,
    "journal": {"name": "The Cerebellum", "volume": "13 ", "pages": "666 - 668"},
    "publicationDate": "2014-12-01",
    "publicationTypes": "JournalArticle",
    "isOpenAccess": False,
    "openAccessPdf": None,
    "citationCount": "30",
    "JCR": "Q2",
}
# A paper the seed-000 page cites ("Cerebellum. 2014 Oct;13(5):558-67"), known only
# under the journal's full title.
CITED_JSON = {
    "title": "A cited paper",
    "authors": "Jane Roe",
    "doi": "10.1007/s12311-014-0585-0",
    "journal": {"name": "The Cerebellum", "volume": "13", "pages": "558-567"},
    "publicationDate": "2014-10-01",
}


def build_with(tmp_path, extra: dict[str, dict]):
    seeds = copy_seeds(tmp_path)
    for name, data in extra.items():
        (seeds / name).write_text(json.dumps(data) + "\n引用次数: 30\n", encoding="utf-8")
    db_path = tmp_path / "literature.db"
    assert build_quietly(seeds, db_path) == 0
    return sqlite_utils.Database(db_path)


def test_same_paper_in_both_formats_is_one_row(tmp_path):
    db = build_with(tmp_path, {"002_same.json": SAME_PAPER_JSON})
    assert db["papers"].count == 2
    paper = db["papers"].get(OLD)  # the id follows the DOI, so it is the PubMed-only id
    assert paper["doi"] == "10.1007/s12311-014-0601-4"
    # "Dissecting the Links Between Cerebellum and Dystonia" is the same title once
    # normalised: shown as the more trusted source (the PubMed page) prints it.
    assert paper["title"] == "Dissecting the links between cerebellum and dystonia"
    assert paper["publication_date"] == "2014-12-01" and paper["year"] == 2014  # most precise
    assert paper["abstract"].startswith("Dystonia is a common movement disorder")
    assert (paper["volume"], paper["issue"], paper["pages"]) == ("13", "6", "666-668")
    assert paper["citation_count"] == 30 and paper["is_open_access"] == 0
    # The page's list is cut ("et al."): the complete list wins; "A. Malone" is upgraded to
    # the full name the page gives.
    assert json.loads(paper["authors"]) == ["Ailish Malone", "M. Manto", "C. Hass"]
    assert paper["authors_complete"] == 1
    # types as the most trusted source names them (the aggregator's "JournalArticle" stays in provenance)
    assert json.loads(paper["publication_types"]) == ["Editorial"]
    assert paper["source_count"] == 2 and paper["reference_count"] == 5
    # One journal known under both names.
    journal = db["journals"].get(paper["journal_id"])
    assert (journal["name"], journal["title"], journal["abbreviation"]) == ("The Cerebellum", "The Cerebellum", "Cerebellum")
    assert [a["name"] for a in db.query(
        "select authors.name from authors join paper_authors on author_id = authors.id where paper_id = ? order by position",
        [OLD])] == ["Ailish Malone", "M. Manto", "C. Hass"]


def test_provenance_keeps_every_source_value(tmp_path):
    db = build_with(tmp_path, {"002_same.json": SAME_PAPER_JSON})
    rows = list(db.query("""select sources.filename, field, value, chosen, note from provenance
        join sources on sources.id = source_id where paper_id = ? and field in
        ('title', 'publication_date', 'authors', 'aggregator:JCR', 'doi') order by field, filename""", [OLD]))
    assert rows == [
        {"filename": "002_same.json", "field": "aggregator:JCR", "value": "Q2", "chosen": None,
         "note": "JCR quartile of the journal, as the aggregator states it"},
        {"filename": "000_a766678b1bddf855.txt", "field": "authors", "value": '["Ailish Malone"]', "chosen": 0, "note": None},
        {"filename": "002_same.json", "field": "authors", "value": '["A. Malone", "M. Manto", "C. Hass"]', "chosen": 0, "note": None},
        {"filename": "000_a766678b1bddf855.txt", "field": "doi", "value": "10.1007/s12311-014-0601-4", "chosen": 1, "note": None},
        {"filename": "002_same.json", "field": "doi", "value": "10.1007/s12311-014-0601-4", "chosen": 1, "note": None},
        {"filename": "000_a766678b1bddf855.txt", "field": "publication_date", "value": "2014-12", "chosen": 0, "note": None},
        {"filename": "002_same.json", "field": "publication_date", "value": "2014-12-01", "chosen": 1, "note": None},
        {"filename": "000_a766678b1bddf855.txt", "field": "title",
         "value": "Dissecting the links between cerebellum and dystonia", "chosen": 1, "note": None},
        {"filename": "002_same.json", "field": "title",
         "value": "Dissecting the Links Between Cerebellum and Dystonia", "chosen": 1, "note": None},
    ]


def test_disagreements_view_lists_fields_where_sources_differ(tmp_path):
    db = build_with(tmp_path, {"002_same.json": SAME_PAPER_JSON})
    fields = sorted({r["field"] for r in db.query("select field from disagreements where paper_id = ?", [OLD])})
    assert fields == ["authors", "authors_complete", "publication_date", "publication_types"]
    # the DOI is the same once normalised, volume "13 " is "13", the titles differ only in
    # case and markup: no disagreement there
    # The canned query source_disagreements (metadata.yml), as the site runs it: on the
    # seeds alone it has no row (tests/test_datasette.py), here a row per source and field.
    import yaml
    from conftest import ROOT
    canned = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    sql = canned["databases"]["literature"]["queries"]["source_disagreements"]["sql"]
    page, same = "000_a766678b1bddf855.txt", "002_same.json"
    assert [row[2:] for row in db.execute(sql).fetchall()] == [
        ("authors", page, '["Ailish Malone"]', 0),
        ("authors", same, '["A. Malone", "M. Manto", "C. Hass"]', 0),  # the paper has both lists' best
        ("authors_complete", page, "false", 0),  # "Ailish Malone et al."
        ("authors_complete", same, "true", 1),
        ("publication_date", page, "2014-12", 0),
        ("publication_date", same, "2014-12-01", 1),  # the most precise
        ("publication_types", page, '["Editorial"]', 1),  # the most trusted source
        ("publication_types", same, '["Journal Article"]', 0),  # "JournalArticle" in PubMed's wording
    ]
    assert {row[:2] for row in db.execute(sql).fetchall()} == {(OLD, "Dissecting the links between cerebellum and dystonia")}


def test_reference_links_to_cited_paper_by_journal_volume_and_page(tmp_path):
    db = build_with(tmp_path, {"002_same.json": SAME_PAPER_JSON, "003_cited.json": CITED_JSON})
    cited = db.execute("select id from papers where doi = '10.1007/s12311-014-0585-0'").fetchone()[0]
    links = dict(db.execute("select position, cited_paper_id from paper_references where paper_id = ?", [OLD]).fetchall())
    assert links == {1: None, 2: cited, 3: None, 4: None, 5: None}
    assert db["journals"].count == 2  # The Cerebellum (with its abbreviation) and Cerebellum and Ataxias


def build_records(tmp_path, records: list[dict], extra: dict[str, str] | None = None):
    """A build from aggregator records written as seed files, one file each, beside the
    files of extra (name: text)."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n, record in enumerate(records, 1):  # with a key the aggregator always writes: its records
        (seeds / f"{n:03d}.json").write_text(json.dumps({**record, "PeriodicalId": None}), encoding="utf-8")
    for name, text in (extra or {}).items():
        (seeds / name).write_text(text, encoding="utf-8")
    assert build_quietly(seeds, tmp_path / "out.db") == 0
    return sqlite_utils.Database(tmp_path / "out.db")


def test_references_link_by_doi_and_pmid(tmp_path):
    citing = {"title": "Citing", "doi": "10.1000/citing"}
    # aggregator records carry no references: add them as a PubMed page would list them
    page = (SEEDS / "000_a766678b1bddf855.txt").read_text(encoding="utf-8")
    page = page.replace("doi: 10.1007/s12311-014-0601-4.", "doi: 10.1000/citing.").replace(
        "    1. Eur J Neurol. 2015 May;22(5):762-7 - PubMed",
        "    1. Roe J. Cited by DOI. J Test. 2015;1:1-2. doi: 10.1000/cited. - DOI\n"
        "    1. Doe J. Cited by PMID. J Test. 2016;2:3-4. PMID: 123.")
    db = build_records(tmp_path, [citing, {"title": "Cited by DOI", "doi": "10.1000/CITED"},
                                  {"title": "Cited by PMID", "pmid": "123"}], extra={"000_page.txt": page})
    by_title = {r["title"]: r["id"] for r in db["papers"].rows}
    [citing_id] = [r["id"] for r in db["papers"].rows if r["doi"] == "10.1000/citing"]
    links = [r["cited_paper_id"] for r in db.query(
        "select cited_paper_id from paper_references where paper_id = ? order by position", [citing_id])]
    assert links[:2] == [by_title["Cited by DOI"], by_title["Cited by PMID"]]
    assert links[2:] == [None, None, None, None]


def test_identity_doi_then_pmid_then_title_and_year(tmp_path):
    db = build_records(tmp_path, [
        {"title": "A", "doi": "10.1000/a", "pmid": "1"},
        {"title": "A again", "pmid": "1"},                                   # same PMID
        {"title": "The Same  Title!", "publicationDate": "2020"},
        {"title": "the same title", "publicationDate": "2020"},              # same title and year
        {"title": "the same title", "publicationDate": "2021"},              # another year
        {"title": "Twin", "publicationDate": "2020", "doi": "10.1000/t1"},
        {"title": "Twin", "publicationDate": "2020", "doi": "10.1000/t2"},   # different DOIs: never merged
        {"title": "Twin", "publicationDate": "2020"},                        # which twin? neither
        {"title": "B", "pmid": "7", "doi": "10.1000/b"},
        {"title": "B!", "pmid": "7"},                                        # joins through the PMID...
        {"title": "b", "doi": "10.1000/B"},                                  # ...and the DOI, any case
    ])
    # which records became one paper, not only how many: (DOI, year, records merged)
    papers = sorted((r["doi"] or "", r["year"] or 0, r["source_count"]) for r in db["papers"].rows)
    assert papers == [
        ("", 2020, 1),             # the Twin without a DOI: on its own
        ("", 2020, 2),             # "The Same  Title!" and "the same title", 2020
        ("", 2021, 1),             # the same title, another year
        ("10.1000/a", 0, 2),       # A and "A again", by PMID 1
        ("10.1000/b", 0, 3),       # B, "B!" (PMID 7) and b (DOI in another case)
        ("10.1000/t1", 2020, 1),
        ("10.1000/t2", 2020, 1),
    ]


def test_name_and_journal_matching():
    def person(name, family, given):
        return Author(name=name, family=family, given=given)

    malone = person("Ailish Malone", "Malone", "Ailish")
    assert same_person(person("A Malone", "Malone", "A"), malone)
    assert not same_person(person("B Malone", "Malone", "B"), malone)
    assert not same_person(Author(name="Malone Study Group", group=True), malone)
    assert name_key("Łukasz Søren Lehéricy") == name_key("Lukasz Soren Lehericy") == "lukasz soren lehericy"
    assert is_abbreviation_of("Cerebellum Ataxias", "Cerebellum and Ataxias")
    assert is_abbreviation_of("Mov Disord", "Movement Disorders")
    assert is_abbreviation_of("Proc Natl Acad Sci U S A",
                              "Proceedings of the National Academy of Sciences of the United States of America")
    assert not is_abbreviation_of("Cerebellum", "Cerebellum and Ataxias")
    assert not is_abbreviation_of("J Neurol", "Journal of Neuroscience")
    from litdb.merge import journal_matches
    # Web of Science's 29-character abbreviation in a cited reference, a journal known by
    # its NLM abbreviation only (a PubMed page): the same journal
    assert journal_matches("MOVEMENT DISORD", None, "Mov Disord")
    assert journal_matches("NEUROBIOL DIS", "Neurobiology of disease", "Neurobiol Dis")
    assert not journal_matches("MOVEMENT DISORD", None, "Mov Disord Clin Pract")
    assert not journal_matches("J NEUROL", None, "J Neurosci")
    assert not journal_matches("J NEUROPHYSIOL", "Journal of neurology", "J Neurol")  # letters in order are not enough
    assert not journal_matches("J NEUROL", None, "J Neurophysiol")


def test_a_paper_with_one_record_states_each_field_once():
    """One record never gives a compared field twice (so a paper with one record never
    disagrees with itself)."""
    from litdb.build import read_seed_file
    from litdb.merge import SourceRecord, paper_rows
    from litdb.topics import load_vocabulary

    vocabulary, checked = load_vocabulary(), 0
    fixtures = [p for p in sorted(FIXTURES.rglob("*")) if p.is_file() and ".expected" not in p.name]
    for path in [*SEEDS.iterdir(), *fixtures]:  # every reader's fixtures
        for position, record in read_seed_file(path).records:
            rows = paper_rows([SourceRecord(1, path.name, record, position)], vocabulary)
            fields = [p["field"] for p in rows["provenance"] if p["chosen"] is not None]
            assert len(fields) == len(set(fields)), path.name
            assert rows["disagreement_fields"] == [], path.name
            checked += 1
    assert checked >= 140  # records of every reader (146 when written)


def test_a_source_naming_another_journal_adds_no_issn():
    """Journals that share an ISSN are one journal: a paper's ISSNs come from the most
    trusted source naming its journal and from the sources that agree with it."""
    from litdb.merge import journal_issns
    from litdb.records import PaperRecord
    medline = PaperRecord("medline", "T", journal_title="Movement disorders : official journal of the Movement Disorder Society",
                          journal_abbreviation="Mov Disord", issns=["1531-8257", "0885-3185"], issn_l="0885-3185")
    crossref = PaperRecord("crossref", "T", journal_title="Movement Disorders", issns=["0885-3185", "1531-8257"])
    wrong = PaperRecord("openalex", "T", journal_title="The Cerebellum", issns=["1473-4222", "1473-4230"])
    same_name = PaperRecord("ris", "T", journal_abbreviation="Mov Disord", issns=["9999-9999"])
    assert journal_issns([medline, crossref, wrong, same_name]) == ("0885-3185", ["1531-8257", "0885-3185", "9999-9999"])
    assert journal_issns([wrong, medline]) == (None, ["1473-4222", "1473-4230"])
    assert journal_issns([PaperRecord("ris", "T")]) == (None, [])
    # the same journal's name with "The", in capitals: its ISSNs agree (before, the most
    # trusted source's "The Journal of Neuroscience" with no ISSN kept them all out)
    s2 = PaperRecord("semantic_scholar", "T", journal_title="The Journal of Neuroscience")
    wos = PaperRecord("wos", "T", journal_title="JOURNAL OF NEUROSCIENCE", issns=["0270-6474", "1529-2401"])
    neurology = PaperRecord("wos", "T", journal_title="JOURNAL OF NEUROLOGY", issns=["0340-5354"])
    assert journal_issns([s2, wos, neurology]) == (None, ["0270-6474", "1529-2401"])


def test_every_record_field_has_a_merge_rule():
    """A field added to the record model without a merge rule (and so without provenance)
    fails here: the record's fields are written out by hand."""
    from dataclasses import fields
    from litdb.merge import FIELDS, LISTS, PAPER_COLUMNS
    from litdb.records import PaperRecord
    assert [f.name for f in fields(PaperRecord)] == [
        "format", "title", "doi", "pmid", "pmcid", "abstract", "journal_title", "journal_abbreviation", "year",
        "publication_date", "epub_date", "volume", "issue", "pages", "citation_count", "is_open_access",
        "open_access_url", "issns", "issn_l", "authors", "authors_complete", "publication_types", "keywords",
        "mesh_terms", "grants", "copyright", "references", "claims", "line"]
    undeclared = {f.name for f in fields(PaperRecord)} - set(FIELDS) - set(LISTS)
    assert undeclared == {"format", "claims", "line"}  # which reader, what else it said, where
    # the fields that are papers columns of the same name
    assert sorted(set(FIELDS) & set(PAPER_COLUMNS)) == [
        "abstract", "authors", "authors_complete", "citation_count", "copyright", "doi", "epub_date", "is_open_access",
        "issue", "keywords", "open_access_url", "pages", "pmcid", "pmid", "publication_date", "publication_types",
        "title", "volume", "year"]


def test_names_in_capitals_are_shown_as_a_source_prints_them_in_mixed_case(tmp_path):
    """Web of Science (an index, trusted above reference-manager exports) prints journal
    names in capitals: the same name from a BibTeX export, in mixed case, is the one the
    paper and the journal show; the capitals stay in provenance. Alone, the capitals."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "savedrecs.txt").write_text(
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Smith, J\nTI Gait in dystonia\n"
        "SO NEUROBIOLOGY OF DISEASE\nPY 2021\nVL 150\nDI 10.1016/j.nbd.2021.105250\nER\n\n"
        "PT J\nAU Roe, J\nTI CEREBELLAR OUTFLOW IN DYSTONIA\nSO MOVEMENT DISORDERS\nPY 2020\nER\n\n"
        "PT J\nAU Doe, J\nTI Tremor and the cerebellum\nSO NEUROBIOLOGY OF DISEASE\nPY 2019\nER\nEF\n", encoding="utf-8")
    (seeds / "zotero.bib").write_text(
        "@article{smith2021,\n  title = {Gait in Dystonia},\n  author = {Smith, John},\n"
        "  journal = {Neurobiology of Disease},\n  year = {2021},\n  doi = {10.1016/j.nbd.2021.105250}\n}\n",
        encoding="utf-8")
    assert build_quietly(seeds, tmp_path / "literature.db") == 0
    db = sqlite_utils.Database(tmp_path / "literature.db")
    rows = db.execute("select p.title, j.name from papers p join journals j on j.id = p.journal_id "
                      "order by p.title").fetchall()
    # the third paper's only source names its journal in capitals; the journal, the second
    # paper's too, has its name in mixed case
    assert rows == [("CEREBELLAR OUTFLOW IN DYSTONIA", "MOVEMENT DISORDERS"),
                    ("Gait in dystonia", "Neurobiology of Disease"),
                    ("Tremor and the cerebellum", "Neurobiology of Disease")]
    shown = db.execute("select p.title, v.value from provenance v join papers p on p.id = v.paper_id "
                       "where v.field = 'journal_title' and v.chosen = 1 order by p.title, v.value").fetchall()
    assert shown == [("CEREBELLAR OUTFLOW IN DYSTONIA", "MOVEMENT DISORDERS"),
                     ("Gait in dystonia", "NEUROBIOLOGY OF DISEASE"), ("Gait in dystonia", "Neurobiology of Disease"),
                     ("Tremor and the cerebellum", "NEUROBIOLOGY OF DISEASE")]


def test_one_author_however_initials_are_written(tmp_path):
    """Web of Science (and MEDLINE, PubMed's CSV) glue initials ("Shakkottai, VG"), RIS
    and PubMed's pages space or dot them ("Shakkottai, V. G."): one person, one authors
    row across the two papers; a full name is another spelling's author."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "savedrecs.txt").write_text(
        "FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Shakkottai, VG\n   Hess, EJ\n"
        "TI Cerebellar outflow in dystonia\nSO MOVEMENT DISORDERS\nPY 2020\nER\nEF\n", encoding="utf-8")
    (seeds / "zotero.ris").write_text(
        "TY  - JOUR\nAU  - Shakkottai, V. G.\nAU  - Hess, Ellen J.\nTI  - Purkinje cells in dystonia\n"
        "PY  - 2021\nER  - \n", encoding="utf-8")
    assert build_quietly(seeds, tmp_path / "literature.db") == 0
    db = sqlite_utils.Database(tmp_path / "literature.db")
    assert db.execute("select name, paper_count from authors order by name").fetchall() == [
        ("EJ Hess", 1), ("Ellen J. Hess", 1), ("V. G. Shakkottai", 2)]


def test_the_mixed_case_spelling_is_of_the_same_value_only():
    from litdb.merge import FIELDS
    journal, title = FIELDS["journal_title"], FIELDS["title"]
    assert journal(["CEREBELLUM & ATAXIAS", "Cerebellum and Ataxias"]) == "Cerebellum and Ataxias"  # a journal's words
    assert journal(["BRAIN", "Brain Research", "Brain"]) == "Brain"
    assert journal(["BRAIN", "Brain Research"]) == "BRAIN"  # another journal: the capitals stay
    assert title(["CEREBELLAR OUTFLOW IN DYSTONIA", "Cerebellar outflow in dystonia."]) == "Cerebellar outflow in dystonia."
    assert title(["CEREBELLAR OUTFLOW", "Cerebellar outflow in dystonia"]) == "CEREBELLAR OUTFLOW"
    assert title(["Gait in dystonia", "GAIT IN DYSTONIA"]) == "Gait in dystonia"
    assert journal(["JAMA", "Jama"]) == "JAMA"  # an acronym is printed in capitals
    assert journal(["NEUROLOGY", "Neurology"]) == "Neurology"


def test_author_key_sets_initials_apart_and_nothing_else():
    from litdb.merge import author_key

    def key(name, family, given):
        return author_key(Author(name, family, given))

    assert key("VG Shakkottai", "Shakkottai", "VG") == key("V G Shakkottai", "Shakkottai", "V G") == "v g shakkottai"
    assert key("JA SMITH", "SMITH", "JA") == key("JA Smith", "Smith", "JA") == "j a smith"
    assert key("ANN SMITH", "SMITH", "ANN") == "ann smith"  # beside capitals, three letters may be a name
    assert key("ÅK Berg", "Berg", "ÅK") == "a k berg"
    assert key("Juan DE LA Cruz", "Cruz", "Juan DE LA") == "juan de la cruz"
    assert key("Jean-MARC Dupont", "Dupont", "Jean-MARC") == "jean marc dupont"
    assert author_key(Author("Dystonia Coalition", group=True)) == "dystonia coalition"


def test_a_title_and_year_join_needs_the_same_first_author(tmp_path):
    """"Dystonia", 2018: a review (Balint, with a DOI) and a chapter (Jankovic, without)
    are two works; before, the chapter vanished into the review. The same paper from two
    sources whose first author is written otherwise (particles, accents, initials) still
    joins; a source naming no author does not keep it apart."""
    ris = ("TY  - CHAP\nTI  - Dystonia\nAU  - Jankovic, Joseph\nAU  - Tolosa, Eduardo\n"
           "T2  - Parkinson's Disease and Movement Disorders\nPY  - 2018\nSP  - 321\nEP  - 347\nER  - \n\n"
           "TY  - JOUR\nTI  - Cerebellar contributions to dystonia\nAU  - van de Warrenburg, Bart P\n"
           "PY  - 2016\nER  - \n")
    db = build_records(tmp_path, [
        {"title": "Dystonia", "publicationDate": "2018", "doi": "10.1038/s41572-018-0023-6",
         "authors": [{"name": "Bettina Balint"}, {"name": "Kailash P Bhatia"}]},
        {"title": "Cerebellar Contributions to Dystonia", "publicationDate": "2016",
         "authors": [{"name": "B P Warrenburg"}]},
        {"title": "Cerebellar contributions to dystonia.", "publicationDate": "2016"},
    ], extra={"library.ris": ris})
    papers = sorted((r["title"], r["year"], r["source_count"]) for r in db["papers"].rows)
    assert papers == [("Cerebellar Contributions to Dystonia", 2016, 3), ("Dystonia", 2018, 1), ("Dystonia", 2018, 1)]


def test_a_pmid_never_joins_papers_of_two_dois(tmp_path):
    """A record giving a preprint's DOI beside its published version's PMID (Semantic
    Scholar may) joins the preprint by its DOI, but its PMID does not pull the published
    version (another DOI) into the same paper; a PMID still joins a record without DOI."""
    db = build_records(tmp_path, [
        {"title": "Cerebellar output in dystonia (preprint)", "doi": "10.1101/2022.05.20.492532",
         "publicationDate": "2022"},
        {"title": "Cerebellar output in dystonia", "doi": "10.1038/s41593-023-01560-9", "pmid": "38212585",
         "publicationDate": "2024"},
        {"title": "Cerebellar output in dystonia", "doi": "10.1101/2022.05.20.492532", "pmid": "38212585",
         "publicationDate": "2022"},  # the conflated record
        {"title": "Cerebellar output in dystonia", "pmid": "38212585", "publicationDate": "2024"},  # no DOI
    ])
    papers = sorted((r["doi"], r["year"], r["source_count"]) for r in db["papers"].rows)
    # the published version with the DOI-less record of its PMID; the preprint with the conflated record
    assert papers == [("10.1038/s41593-023-01560-9", 2024, 2), ("10.1101/2022.05.20.492532", 2022, 2)]


def test_publication_types_of_the_most_trusted_kind_together():
    """A PubMed page never shows "Journal Article"; the same paper's MEDLINE record lists
    it: the paper has both, whichever file sorts first. Less trusted kinds add nothing."""
    from litdb.merge import merge_types
    from litdb.records import PaperRecord
    page = PaperRecord("pubmed_page", "T", publication_types=["Review"])
    medline = PaperRecord("medline", "T", publication_types=["Journal Article", "Review"])
    xml = PaperRecord("pubmed_xml", "T", publication_types=["Review", "Research Support, N.I.H., Extramural"])
    crossref = PaperRecord("crossref", "T", publication_types=["Journal Article", "Preprint"])
    assert merge_types([page, medline, xml, crossref]) == ["Journal Article", "Review",
                                                           "Research Support, N.I.H., Extramural"]
    assert merge_types([PaperRecord("ris", "T"), crossref]) == ["Journal Article", "Preprint"]
    assert merge_types([PaperRecord("ris", "T")]) == []
