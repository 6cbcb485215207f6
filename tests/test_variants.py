"""Seed documents of both formats that are not in seeds/: both PubMed layouts as real
users paste them, and aggregator records with every quirk the format allows.

Files: tests/fixtures/variants/. Expected values written by hand from each file."""

import pytest

from conftest import FIXTURES, SEEDS, build_quietly
from litdb.readers import decode, detect, read as parse_text
from litdb.records import Author

VARIANTS = FIXTURES / "variants"


def A(name, family, given, *affiliations, group=False):
    """An expected author, written out by hand."""
    return Author(name=name, family=family, given=given, affiliations=list(affiliations), group=group)


NINDS = "Human Motor Control Section, NINDS, National Institutes of Health, Bethesda, MD, USA."

EXPECTED = {
    "p01_old_single_author_review.txt": dict(
        title="Cerebellar involvement in dystonia: evidence from imaging", authors=[A("Mark Hallett", "Hallett", "Mark")],
        authors_complete=True, journal_abbreviation="Mov Disord", publication_date="2016-03",
        epub_date="2016-01-19", volume="31", issue="3", pages="301-310", publication_types=["Review"]),
    "p02_old_two_authors_no_type.txt": dict(
        authors=[A("Ailish Malone", "Malone", "Ailish"), A("Nicholas W Wood", "Wood", "Nicholas W")], authors_complete=True, journal_abbreviation="Cerebellum",
        publication_date="2012-02", volume="11", issue="1", pages="45-52", publication_types=[]),
    "p03_old_no_affiliations_line.txt": dict(
        title="Basal ganglia and cerebellar loops in motor control", authors=[A("J C Houk", "Houk", "J C")], authors_complete=False,
        journal_abbreviation="Curr Opin Neurobiol", publication_date="1995-12", volume="5"),
    "p04_new_review_single_affiliation_refs.txt": dict(
        authors=[A("Mark Hallett", "Hallett", "Mark", NINDS)],
        publication_types=["Review"], publication_date="2015-03-15", epub_date="2015-01-14", journal_abbreviation="J Neurol Sci",
        copyright="Copyright © 2015 Elsevier B.V. All rights reserved.", keywords=["Basal ganglia", "Cerebellum", "Dystonia"]),
    "p05_new_plos_ecollection_group.txt": dict(
        authors=[A("Sara Lindqvist", "Lindqvist", "Sara"), A("Tomas Berg", "Berg", "Tomas"), A("Hana Sato", "Sato", "Hana"),
                 A("DYST-NET Consortium", None, None, group=True)], pmid="33400123", pmcid="PMC7787654",
        publication_date="2021-01-05", volume="16", issue="1", pages="e0245678", is_open_access=True,
        open_access_url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC7787654/"),
    "p06_new_ahead_of_print_with_similar.txt": dict(
        title="Cerebellar transcranial alternating current stimulation in writer's cramp", doi="10.1016/j.jns.2023.122800",
        publication_date="2023-11-02", journal_abbreviation="J Neurol Sci", authors=[A("Lucia Romero", "Romero", "Lucia"), A("Kenji Ito", "Ito", "Kenji")],
        volume=None),
    "p07_new_ahead_of_print_plain.txt": dict(
        title="Cerebellar transcranial alternating current stimulation in writer's cramp", doi="10.1016/j.jns.2023.122800",
        publication_date="2023-11-02"),
    "p08_new_glued_ids.txt": dict(
        pmcid="PMC6001234", doi="10.1093/brain/awy095", is_open_access=True,
        authors=[A("Priya Natarajan", "Natarajan", "Priya"), A("Owen Walsh", "Walsh", "Owen")]),
    "p09_new_title_two_lines.txt": dict(
        title="Eyeblink classical conditioning is impaired in cervical dystonia and predicts response to botulinum toxin",
        authors=[A("Johanna M Kessler", "Kessler", "Johanna M"), A("Diego Arroyo-Blanco", "Arroyo-Blanco", "Diego"),
                 A("Sarah Fenwick", "Fenwick", "Sarah")]),
    "p10_new_keywords_own_line_wiley.txt": dict(
        keywords=["cerebellum", "musician's dystonia", "voxel-based morphometry"],
        copyright="This article is protected by copyright. All rights reserved.",
        abstract="Musician's dystonia was associated with cerebellar grey matter loss.", publication_date="2022-01"),
    "p11_new_crown_copyright.txt": dict(
        copyright="Crown Copyright © 2020. Published by Elsevier Inc. All rights reserved.",
        abstract="Purkinje cells fired irregularly during attacks."),
    "p12_new_journal_dropdown_open.txt": dict(journal_abbreviation="Cerebellum", publication_types=["Review"]),
    "p13_old_letter_comment.txt": dict(
        authors=[A("Karin Lindholm", "Lindholm", "Karin")], authors_complete=False, publication_types=["Comment", "Letter"], pages="1478-1479"),
    "a01_authors_list_float_count.txt": dict(
        authors=["Mei-Ling Zhou", "Jane Roe"], citation_count=12, journal_title="Movement Disorders", epub_date="2019-02-12"),
    "a02_html_entities_elocator.txt": dict(
        title="Cerebellar GABAA receptors and dystonia\u2014a PET study of [11C]flumazenil binding",
        doi="10.1093/braincomms/fcaa123", volume="2", pages="e123"),
    "a03_epubdate_real_date.txt": dict(publication_date="2019-07-15", epub_date="2019-07-15", year=2019),
    "a04_authors_surname_comma.txt": dict(authors=["Oliver Grant", "Emily Shaw"]),
    "a05_array_with_trailer.txt": dict(
        citation_count=33, abstract="We describe six patients with olivary hypertrophy and dystonia."),
    "a07_wrong_types.txt": dict(volume="28", authors=["Alberto Albanese", "Kailash Bhatia"], authors_complete=False),
    "a08_no_trailer_legit_pdf.txt": dict(
        open_access_url="https://tremorjournal.org/articles/10.7916/D8V69X3S/galley/123/download/", doi="10.7916/d8v69x3s"),
    "a09_shadow_variants.txt": dict(open_access_url=None),
    "a10_jats_abstract_encoded_doi.txt": dict(
        doi="10.1002/mds.26512",
        abstract="Imaging studies increasingly implicate the cerebellum in dystonia.\n\nMethods: We reviewed 120 studies."),
    "a11_authors_and.txt": dict(authors=["Hiro Tanaka", "Mika Sato", "Kenji Ito"]),
    "a12_www_doi_prefix.txt": dict(doi="10.1016/j.jns.2023.122800"),
    "a14_nlm_long_journal_title.txt": dict(
        journal_title="The Journal of neuroscience : the official journal of the Society for Neuroscience", volume="29"),
}


def parse(name):
    text = decode((VARIANTS / name).read_bytes())
    fmt = detect(text)
    return parse_text(fmt, text)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_variant(name):
    [record] = parse(name)
    for field, value in EXPECTED[name].items():
        actual = getattr(record, field)
        if field == "authors" and value and isinstance(value[0], str):
            # aggregator records (a*): the names only; their reader's own golden tests
            # (tests/test_reader_aggregator_json.py) compare the whole Author values
            actual = [person.name for person in actual]
        assert actual == value, field


def test_two_records_in_one_file():
    first, second = parse("a06_two_records_concatenated.txt")
    assert (first.doi, first.citation_count, first.abstract) == (
        "10.1002/mds.27118", 15, "Eyeblink conditioning was impaired.")
    assert (second.doi, second.citation_count) == ("10.1111/ene.15123", 4)


def test_sidebar_entries_never_become_the_paper():
    [record] = parse("p06_new_ahead_of_print_with_similar.txt")
    # the paper's own identifiers (line 69), not those of the "Similar articles" below it
    # (10.1038/nn.2753, PMID 21297628; 10.1093/brain/awt138, PMID 23775978)
    assert (record.doi, record.pmid, record.pmcid) == ("10.1016/j.jns.2023.122800", "37950001", None)


def test_references_with_years_in_titles_and_bare_dois():
    [record] = parse("p04_new_review_single_affiliation_refs.txt")
    refs = {r.position: r for r in record.references}
    assert (refs[2].journal, refs[2].title, refs[2].volume, refs[2].pages) == (
        "CA Cancer J Clin", "Cancer statistics, 2020", "70", "7-30")
    assert (refs[3].authors, refs[3].journal, refs[3].year, refs[3].month) == (
        "GBD 2016 Neurology Collaborators", "Lancet Neurol", 2019, 5)
    assert refs[5].doi == "10.1186/s40673-017-0064-8"
    assert refs[6].doi == "10.1016/j.nbd.2010.08.025"


def test_mesh_star_on_descriptor():
    [record] = parse("p04_new_review_single_affiliation_refs.txt")
    assert [(m.term, m.qualifier, m.major) for m in record.mesh_terms if m.term == "Cerebellum"] == [
        ("Cerebellum", "physiopathology", True)]


def test_all_variants_build_together(tmp_path):
    """Merged, grouped and linked across formats: the twin records meet, the dates stay put."""
    import shutil

    import sqlite_utils
    seeds = tmp_path / "seeds"
    shutil.copytree(VARIANTS, seeds)
    for seed in SEEDS.iterdir():
        shutil.copy(seed, seeds)
    db_path = tmp_path / "variants.db"
    assert build_quietly(seeds, db_path) == 0
    db = sqlite_utils.Database(db_path)
    assert db.execute("select count(*) from sources where status = 'rejected'").fetchone() == (0,)
    # p10 (PubMed, 2022 Jan, Epub 2021 Oct 5) and a13 (aggregator, 2021-10-05) are one paper of 2022
    [paper] = db.query("select * from papers where doi = '10.1111/ene.15123'")
    assert (paper["year"], paper["publication_date"], paper["epub_date"], paper["source_count"]) == (
        2022, "2022-01", "2021-10-05", 3)
    # NLM long title and abbreviation are one journal, shown by its short name
    [journal] = db.query("select * from journals where abbreviation = 'Mov Disord'")
    assert journal["name"] == "Movement disorders"
    # the Frontiers-style reference with a bare DOI links to seed 001
    cited = db.execute("select cited_paper_id from paper_references where citation like 'Bologna M., Berardelli A. (2017)%'").fetchone()
    assert cited == ("9c8f9033fd60",)


def test_surnames_with_lowercase_particles_and_affiliations_starting_with_digits():
    from litdb.readers.pubmed_page import parse_pubmed_page
    text = (FIXTURES / "pubmed_page" / "pubmed_newer_expanded_noabstract.txt").read_text(encoding="utf-8")
    text = text.replace("Yuki Nakamura 3", "Amara d'Alessandro 2 3").replace(
        "2Movement Disorders Unit", "22nd Movement Disorders Unit").replace(
        "3Department of Neurology, Graduate", "3 2nd Department of Neurology, Graduate")
    record = parse_pubmed_page(text)
    assert [(a.name, a.family, a.given) for a in record.authors] == [
        ("Karin Lindholm", "Lindholm", "Karin"), ("Pedro Alves Dias", "Dias", "Pedro Alves"),
        ("Amara d'Alessandro", "d'Alessandro", "Amara"), ("Olumide A Bello", "Bello", "Olumide A")]
    # "22nd Movement Disorders Unit" is affiliation 2 (the authors cite 2, not 22)
    assert record.authors[2].affiliations == [
        "2nd Movement Disorders Unit, Hospital de Santa Maria, Lisbon, Portugal.",
        "2nd Department of Neurology, Graduate School of Medicine, Kyoto University, Kyoto, Japan."]
    assert record.authors[3].affiliations == [
        "Department of Clinical Neuroscience, Karolinska Institutet, Stockholm, Sweden.",
        "Department of Neurosurgery, Karolinska University Hospital, Stockholm, Sweden."]


def test_single_author_written_surname_first():
    from litdb.readers.aggregator_json import parse_aggregator_file
    [record] = parse_aggregator_file('{"title": "T", "authors": "Weber, Amélie A"}')
    assert ([(a.name, a.family, a.given) for a in record.authors], record.authors_complete) == (
        [("Amélie A Weber", "Weber", "Amélie A")], True)
