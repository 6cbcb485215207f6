"""Golden tests for PubMed's lists of results: the "Summary (text)" save and a results
page copied from a browser.

The fixtures in tests/fixtures/pubmed_summary/ are written by hand in the layouts of the
real files: summary_text_save.txt as today's "Save, Format: Summary (text)" writes it
("1: " numbering, NLM citations wrapped at 80 columns, two blank lines between entries),
legacy_summary_text.txt as the legacy site wrote it ("PubMed PMID: …; PubMed Central
PMCID: …", "Review." and the language after the citation), results_page_copied.txt as
Chrome copies today's results page (furniture and filters, then title, authors, citation
and a PMID line whose spans are glued: "PMID: 27734238Free PMC article.Review."),
legacy_results_page.txt as the legacy site's Summary display ("1.", "Select item …",
"Similar articles" under each result). Every expected value below is typed by hand from
those files."""

import dataclasses

import pytest

from golden import expected, fixture_records, person
from litdb.build import read_seed_file
from litdb.readers import detect, pubmed_summary
from litdb.records import Claim, RecordError


def initials(family: str, given: str):
    """An author as NLM's citations print them: family name and initials."""
    return person(f"{given} {family}", family, given)


SHAKKOTTAI_AUTHORS = [
    initials("Shakkottai", "V G"), initials("Batla", "A"), initials("Bhatia", "K"), initials("Dauer", "W T"),
    initials("Dresel", "C"), initials("Niethammer", "M"), initials("Eidelberg", "D"), initials("Raike", "R S"),
    initials("Smith", "Y"), initials("Jinnah", "H A"), initials("Hess", "E J"), initials("Meunier", "S"),
    initials("Hallett", "M"), initials("Fremont", "R"), initials("Khodakhah", "K"), initials("LeDoux", "M S"),
    initials("Popa", "T"), initials("Gallea", "C"), initials("Lehericy", "S"), initials("Bostan", "A C"),
    initials("Strick", "P L"),
]
FOCAL_DYSTONIAS_AUTHORS = [
    initials("Jinnah", "H A"), initials("Berardelli", "A"), initials("Comella", "C"), initials("Defazio", "G"),
    initials("Delong", "M R"), initials("Factor", "S"), initials("Galpern", "W R"), initials("Hallett", "M"),
    initials("Ludlow", "C L"), initials("Perlmutter", "J S"), initials("Rosen", "A R"),
    person("Dystonia Coalition Investigators", group=True),
]
TEWARI = dict(
    title="It's not just the basal ganglia: Cerebellum as a target for dystonia therapeutics",
    doi="10.1002/mds.27123", pmid="28949046", journal_abbreviation="Mov Disord", year=2017,
    publication_date="2017-11", epub_date="2017-09-27", volume="32", issue="11", pages="1537-1545",
    authors=[initials("Tewari", "A"), initials("Fremont", "R"), initials("Khodakhah", "K")],
)


def test_summary_text_save_every_field():
    records = fixture_records(pubmed_summary, "summary_text_save.txt")
    assert [dataclasses.asdict(r) for r in records] == [
        expected("pubmed_summary", line=1, pmcid="PMC5815386", **TEWARI),
        # the title ends with "?", the journal's name wraps onto the next line
        expected("pubmed_summary", line=6, title="Cerebellum: An explanation for dystonia?",
                 doi="10.1186/s40673-017-0064-8", pmid="28515949", pmcid="PMC5429509",
                 journal_abbreviation="Cerebellum Ataxias", year=2017, publication_date="2017-05-17", volume="4",
                 pages="6", authors=[initials("Bologna", "M"), initials("Berardelli", "A")]),
        # a group author after "; ", pages "926-43" expanded
        expected("pubmed_summary", line=11, title="The focal dystonias: current views and challenges for future research",
                 doi="10.1002/mds.25567", pmid="23893450", pmcid="PMC3733486", journal_abbreviation="Mov Disord",
                 year=2013, publication_date="2013-06-15", volume="28", issue="7", pages="926-943",
                 authors=FOCAL_DYSTONIAS_AUTHORS),
        # a GeneReviews chapter: its book is the journal, the first date the chapter's
        expected("pubmed_summary", line=18, title="Hereditary Dystonia Overview", pmid="20301334",
                 journal_title="GeneReviews®", year=2003, publication_date="2003-10-28",
                 publication_types=["Book Chapter"],
                 authors=[initials("Klein", "C"), initials("Lohmann", "K"), initials("Marras", "C"),
                          initials("Münchau", "A")]),
        expected("pubmed_summary", line=24, title="Pathogenesis of dystonia: is it of cerebellar or basal ganglia origin?",
                 doi="10.1136/jnnp-2017-316250", pmid="29089396", pmcid="PMC5909758",
                 journal_abbreviation="J Neurol Neurosurg Psychiatry", year=2018, publication_date="2018-05",
                 epub_date="2017-10-28", volume="89", issue="5", pages="488-492",
                 authors=[initials("Kaji", "R"), initials("Bhatia", "K"), initials("Graybiel", "A M")]),
        # entry 6 lost its identifiers (cut when copied): an error in its place, the others load
        dataclasses.asdict(RecordError(position=6, line=29,
                                       reason="no 'PMID: 28949046' at the end of entry 6: cut short?")),
        # an electronic page range, "Epub 2022 Aug\n3." across a line end
        expected("pubmed_summary", line=36,
                 title="Clinical and Structural Findings in Patients With Lesion-Induced Dystonic Tremor Compared to "
                       "Lesion-Induced Dystonia",
                 doi="10.1212/wnl.0000000000201042", pmid="35922253", journal_abbreviation="Neurology", year=2022,
                 publication_date="2022-10-25", epub_date="2022-08-03", volume="99", issue="17", pages="e1957-e1967",
                 authors=[initials("Corp", "D T"), initials("Greenwood", "C J"), initials("Morrison-Ham", "J"),
                          initials("Pullinen", "J"), initials("McDowall", "G M"), initials("Younger", "E F P"),
                          initials("Jinnah", "H A"), initials("Fox", "M D"), initials("Joutsa", "J")]),
        expected("pubmed_summary", line=43,
                 title="Cerebellar Brain Inhibition Is Associated With the Severity of Cervical Dystonia",
                 doi="10.1097/wnp.0000000000000861", pmid="34128825", journal_abbreviation="J Clin Neurophysiol",
                 year=2023, publication_date="2023-03-01", epub_date="2021-06-11", volume="40", issue="3",
                 pages="227-233",
                 authors=[initials("Sondergaard", "R E"), initials("Strzalkowski", "N D J"), initials("Gan", "L S"),
                          initials("Jasaui", "Y"), initials("Furtado", "S"), initials("Pringsheim", "T M"),
                          initials("Sarna", "J R"), initials("Avanzino", "L"), initials("Kiss", "Z H T"),
                          initials("Martino", "D")]),
        # ahead of print: no volume or pages, its status a claim
        expected("pubmed_summary", line=50,
                 title="Neural Scaffolding as the Foundation for Stable Performance of Aiming Movements in Essential "
                       "Tremor and Cervical Dystonia",
                 doi="10.1002/mds.29700", pmid="38197134", journal_abbreviation="Mov Disord", year=2024,
                 publication_date="2024-01-10",
                 authors=[initials("Filip", "P"), initials("Gallea", "C"), initials("Lehéricy", "S"),
                          initials("Lungu", "O"), initials("Bareš", "M")],
                 claims=[Claim("status", "Online ahead of print", "printed after the citation line")]),
    ]


def test_legacy_summary_text_every_field():
    review, french, neychev = fixture_records(pubmed_summary, "legacy_summary_text.txt")
    assert dataclasses.asdict(review) == expected("pubmed_summary", line=1,
        title="Current Opinions and Areas of Consensus on the Role of the Cerebellum in Dystonia",
        doi="10.1007/s12311-016-0825-6", pmid="27734238", pmcid="PMC5336511", journal_abbreviation="Cerebellum",
        year=2017, publication_date="2017-04", volume="16", issue="2", pages="577-594",
        authors=SHAKKOTTAI_AUTHORS, publication_types=["Review"])
    # no authors: the entry starts with its title, NLM's translation in brackets kept
    assert dataclasses.asdict(french) == expected("pubmed_summary", line=9,
        title="[Cerebellar involvement in dystonia]", pmid="27476419", journal_abbreviation="Rev Neurol (Paris)",
        year=2016, publication_date="2016-09", volume="172", issue="8-9", pages="426-432",
        claims=[Claim("language", "French", "printed after the citation")])
    assert dataclasses.asdict(neychev) == expected("pubmed_summary", line=13,
        title="The functional neuroanatomy of dystonia", doi="10.1016/j.nbd.2011.01.026", pmid="21303695",
        pmcid="PMC3478782", journal_abbreviation="Neurobiol Dis", year=2011, publication_date="2011-05",
        epub_date="2011-02-01", volume="42", issue="2", pages="185-201", publication_types=["Review"],
        authors=[initials("Neychev", "V K"), initials("Gross", "R E"), initials("Lehéricy", "S"),
                 initials("Hess", "E J"), initials("Jinnah", "H A")])


def test_results_page_copied_every_field():
    records = fixture_records(pubmed_summary, "results_page_copied.txt")
    # the snippets under the PMID lines are never the abstract
    assert [dataclasses.asdict(r) for r in records] == [
        expected("pubmed_summary", line=39,
                 title="Current Opinions and Areas of Consensus on the Role of the Cerebellum in Dystonia",
                 doi="10.1007/s12311-016-0825-6", pmid="27734238", journal_abbreviation="Cerebellum", year=2017,
                 publication_date="2017-04", volume="16", issue="2", pages="577-594", is_open_access=True,
                 authors=SHAKKOTTAI_AUTHORS, publication_types=["Review"]),
        expected("pubmed_summary", line=48, title="Cerebellum: An explanation for dystonia?",
                 doi="10.1186/s40673-017-0064-8", pmid="28515949", journal_abbreviation="Cerebellum Ataxias",
                 year=2017, publication_date="2017-05-17", volume="4", pages="6", is_open_access=True,
                 authors=[initials("Bologna", "M"), initials("Berardelli", "A")], publication_types=["Review"]),
        expected("pubmed_summary", line=57, title="[Cerebellar involvement in dystonia]",
                 doi="10.1016/j.neurol.2016.07.004", pmid="27476419", journal_abbreviation="Rev Neurol (Paris)",
                 year=2016, publication_date="2016-09", epub_date="2016-07-28", volume="172", issue="8-9",
                 pages="426-432", authors=[initials("Vidailhet", "M"), initials("Méneret", "A"), initials("Roze", "E")],
                 claims=[Claim("language", "French", "printed beside the PMID")]),
        expected("pubmed_summary", line=65,
                 title="Cerebellar theta-burst stimulation in cervical dystonia: a randomized, sham-controlled trial",
                 doi="10.1016/j.brs.2014.05.002", pmid="24881805", journal_abbreviation="Brain Stimul", year=2014,
                 publication_date="2014-07", epub_date="2014-05-14", volume="7", issue="4", pages="564-572",
                 publication_types=["Clinical Trial"],
                 authors=[initials("Koch", "G"), initials("Porcacchia", "P"), initials("Ponzo", "V"),
                          initials("Carrillo", "F"), initials("Cáceres-Redondo", "M T"), initials("Brusa", "L"),
                          initials("Desiato", "M T"), initials("Arciprete", "F"), initials("Di Lorenzo", "F"),
                          initials("Pisani", "A"), initials("Caltagirone", "C"), initials("Palomar", "F J"),
                          initials("Mir", "P")]),
        expected("pubmed_summary", line=73, title="Dystonia Coalition: a pan-American consortium",
                 doi="10.1002/mds.23700", pmid="21614940", journal_abbreviation="Mov Disord", year=2011,
                 publication_date="2011-06", volume="26 Suppl 1", pages="S1-S2"),
        # "van de Warrenburg BP": the particles are part of the family name
        expected("pubmed_summary", line=81,
                 title="Dystonia and the cerebellum: a new field of interest in movement disorders?",
                 doi="10.1016/j.clinph.2011.04.024", pmid="22071216", journal_abbreviation="Clin Neurophysiol",
                 year=2012, publication_date="2012-01", epub_date="2011-11-10", volume="123", issue="1", pages="61-64",
                 publication_types=["Review"],
                 authors=[initials("Sadnicka", "A"), initials("Hoffland", "B S"), initials("Bhatia", "K P"),
                          initials("van de Warrenburg", "B P"), initials("Edwards", "M J")]),
        # no author line at all: the title stands over the citation
        expected("pubmed_summary", line=89, title="Botulinum toxin for cervical dystonia: a guideline summary",
                 doi="10.1212/wnl.0000000000002560", pmid="27164716", journal_abbreviation="Neurology", year=2016,
                 publication_date="2016-05-10", volume="86", issue="19", pages="1818-1826",
                 publication_types=["Practice Guideline"]),
        # a GeneReviews chapter: "In: …" for its citation, the book its journal, free to read
        expected("pubmed_summary", line=96, title="DYT-TOR1A Dystonia", pmid="20301665", journal_title="GeneReviews®",
                 year=1999, publication_date="1999-04-14", is_open_access=True,
                 publication_types=["Book Chapter", "Review"],
                 authors=[initials("Ozelius", "L"), initials("Lubarr", "N")]),
    ]


def test_legacy_results_page_every_field():
    tewari, neychev, focal = fixture_records(pubmed_summary, "legacy_results_page.txt")
    assert dataclasses.asdict(tewari) == expected("pubmed_summary", line=21, is_open_access=True,
                                                  publication_types=["Review"], **TEWARI)
    assert dataclasses.asdict(neychev) == expected("pubmed_summary", line=28,
        title="The functional neuroanatomy of dystonia", doi="10.1016/j.nbd.2011.01.026", pmid="21303695",
        journal_abbreviation="Neurobiol Dis", year=2011, publication_date="2011-05", epub_date="2011-02-01",
        volume="42", issue="2", pages="185-201", is_open_access=True, publication_types=["Review"],
        authors=[initials("Neychev", "V K"), initials("Gross", "R E"), initials("Lehéricy", "S"),
                 initials("Hess", "E J"), initials("Jinnah", "H A")])
    assert dataclasses.asdict(focal) == expected("pubmed_summary", line=35,
        title="The focal dystonias: current views and challenges for future research", doi="10.1002/mds.25567",
        pmid="23893450", journal_abbreviation="Mov Disord", year=2013, publication_date="2013-06-15", volume="28",
        issue="7", pages="926-943", is_open_access=True, authors=FOCAL_DYSTONIAS_AUTHORS)


RESULT = """Dystonia and the cerebellum.
Hallett M, Popa T.
Brain. 2020 Jan;143(1):1-10. doi: 10.1093/brain/awz001.
PMID: 31000001
Cite
"""


def test_a_result_whose_author_line_cannot_be_read_is_an_error_in_its_place():
    text = RESULT + "Second paper.\n" + RESULT.replace("Hallett M, Popa T.", "Hallett, Mark & Popa, Traian") \
        .replace("Dystonia and the cerebellum.", "Cerebellar stimulation.").replace("31000001", "31000002") \
        + RESULT.replace("31000001", "31000003")
    assert detect(text) == "pubmed_summary"
    records = list(pubmed_summary.read(text))
    assert [getattr(r, "pmid", None) for r in records] == ["31000001", None, "31000003"]
    assert records[1] == RecordError(position=2, line=8, reason="result 2: no author line ('Shakkottai VG, Batla A.') "
                                                                "above its citation: 'Hallett, Mark & Popa, Traian'")


def test_a_result_whose_citation_cannot_be_read_is_an_error_in_its_place():
    text = RESULT + RESULT.replace("Brain. 2020 Jan;143(1):1-10.", "Brain, twenty twenty.").replace("31000001", "31000002") \
        + RESULT.replace("31000001", "31000003")
    records = list(pubmed_summary.read(text))
    assert [getattr(r, "pmid", None) for r in records] == ["31000001", None, "31000003"]
    assert records[1] == RecordError(position=2, line=9, reason="result 2: no citation line ('Cerebellum. 2017 "
                                                                "Apr;16(2):577-594.') above its PMID line: 'Brain, "
                                                                "twenty twenty. doi: 10.1093/brain/awz001.'")


def test_an_abstract_page_with_similar_articles_stays_a_page():
    # its own identifiers and headings come first; the similar articles' entries, below
    # "Similar articles", have the results' form
    page = ("Cerebellum\n. 2014 Dec;13(6):666-8.\ndoi: 10.1007/s12311-014-0601-4.\n\n"
            "Dissecting the links between cerebellum and dystonia\nAilish Malone 1, Mario Manto 2\n"
            "Affiliations\n1 Department of Neurology.\n2 ULB.\nPMID: 25146823 DOI: 10.1007/s12311-014-0601-4\n"
            "Abstract\nDystonia is a disabling movement disorder.\nPubMed Disclaimer\nSimilar articles\n\n"
            + RESULT + "\n" + RESULT.replace("31000001", "31000002"))
    assert detect(page) == "pubmed_page"


def test_an_abstract_text_save_stays_pubmed_pages():
    save = ("1. Cerebellum. 2014 Dec;13(6):666-8. doi: 10.1007/s12311-014-0601-4.\n\n"
            "Dissecting the links between cerebellum and dystonia.\n\nMalone A(1), Manto M.\n\n"
            "PMID: 25146823  [Indexed for MEDLINE]\n")
    assert detect(save) == "pubmed_page"


def test_whole_file_errors():
    with pytest.raises(ValueError, match="^no results: no 'PMID: 27734238' line under a citation line and an author "
                                         "line$"):
        list(pubmed_summary.read("Dystonia and the cerebellum.\nSome text.\n"))


def test_a_save_read_by_the_build(tmp_path):
    path = tmp_path / "pubmed-cerebellum-set.txt"
    path.write_bytes(("1: Tewari A, Fremont R, Khodakhah K. It's not just the basal ganglia: Cerebellum\r\n"
                      "as a target for dystonia therapeutics. Mov Disord. 2017 Nov;32(11):1537-1545.\r\n"
                      "doi: 10.1002/mds.27123. Epub 2017 Sep 27. PMID: 28949046; PMCID: PMC5815386.\r\n").encode())
    read = read_seed_file(path)
    assert read.source["format"] == "pubmed_summary" and read.source["status"] == "loaded"
    [(_, record)] = read.records
    assert dataclasses.asdict(record) == expected("pubmed_summary", line=1, pmcid="PMC5815386", **TEWARI)


def test_hard_cases_every_field():
    """Real entries a tester found read wrong (summary_hard_cases.txt): people after a group
    in mid-list, "van 't Veer", entries pasted without their blank lines, "Erratum in:" and
    "Retraction in:" (their doi is the other paper's), a paper without authors whose title
    ends like a name ("… type A"), "Smith J Jr", a name of one word and a plural group."""
    records = fixture_records(pubmed_summary, "summary_hard_cases.txt")
    assert [dataclasses.asdict(r) for r in records] == [
        expected("pubmed_summary", line=1,
                 title="Projecting contact matrices in 177 geographical regions: An update and comparison with "
                       "empirical data for the COVID-19 era",
                 doi="10.1371/journal.pcbi.1009098", pmid="34310590", pmcid="PMC8354454",
                 journal_abbreviation="PLoS Comput Biol", year=2021, publication_date="2021-07-26", volume="17",
                 issue="7", pages="e1009098",
                 authors=[initials("Prem", "K"), initials("Zandvoort", "K V"), initials("Klepac", "P"),
                          initials("Eggo", "R M"), initials("Davies", "N G"),
                          person("Centre for the Mathematical Modelling of Infectious Diseases COVID-19 Working Group",
                                 group=True),
                          initials("Cook", "A R"), initials("Jit", "M")],
                 claims=[Claim("erratum_in", "PLoS Comput Biol. 2024 Sep 18;20(9):e1012454. doi: "
                                             "10.1371/journal.pcbi.1012454", "Erratum in: after the citation")]),
        expected("pubmed_summary", line=10,
                 title="N-ras mutations in human cutaneous melanoma from sun-exposed body sites", pmid="2674680",
                 pmcid="PMC362785", journal_abbreviation="Mol Cell Biol", year=1989, publication_date="1989-07",
                 volume="9", issue="7", pages="3114-3116",
                 authors=[initials("van 't Veer", "L J"), initials("Burgering", "B M"), initials("Versteeg", "R"),
                          initials("Boot", "A J"), initials("Ruiter", "D J"), initials("Osanto", "S"),
                          initials("Schrier", "P I"), initials("Bos", "J L")]),
        # retracted: the relation a claim, and the type PubMed gives such a paper
        expected("pubmed_summary", line=16,
                 title="Influence of Multiple Music Styles and Composition Styles on College Students' Mental Health",
                 doi="10.1155/2022/6167197", pmid="35936831", pmcid="PMC9296337", journal_abbreviation="Occup Ther Int",
                 year=2022, publication_date="2022-07-12", volume="2022", pages="6167197",
                 authors=[initials("Zheng", "Q"), initials("Lam", "V")], publication_types=["Retracted Publication"],
                 claims=[Claim("retraction_in", "Occup Ther Int. 2023 Oct 4;2023:9763538. doi: 10.1155/2023/9763538",
                               "Retraction in: after the citation")]),
        # no doi of its own: the erratum's is not taken
        expected("pubmed_summary", line=20,
                 title="Image reconstruction in SNR units: a general method for SNR measurement", pmid="16261576",
                 pmcid="PMC2570032", journal_abbreviation="Magn Reson Med", year=2005, publication_date="2005-12",
                 volume="54", issue="6", pages="1439-1447",
                 authors=[initials("Kellman", "P"), initials("McVeigh", "E R")],
                 claims=[Claim("erratum_in", "Magn Reson Med. 2007 Jul;58(1):211-2. doi: 10.1002/mrm.21293",
                               "Erratum in: after the citation")]),
        expected("pubmed_summary", line=24, title="Cervical dystonia and botulinum toxin type A", pmid="30000011",
                 journal_abbreviation="Toxicon", year=2001, publication_date="2001-01", volume="39", issue="1",
                 pages="1-5"),
        expected("pubmed_summary", line=28, title="Tremor", pmid="30000006", journal_abbreviation="Brain", year=2019,
                 publication_date="2019-03-01", volume="142", issue="3", pages="600-610",
                 authors=[person("J Smith Jr", "Smith", "J"), initials("O'Sullivan", "J D"),
                          person("Sutarni", "Sutarni"),
                          person("European Federation of Neurological Societies", group=True)]),
    ]
