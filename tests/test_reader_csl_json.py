"""Golden tests for the CSL-JSON reader: a Zotero export (PubMed ids in "note" and as
variables, date parts as strings, a literal group name, a chapter with a raw date), a
citeproc item, and an array with bad items. Values typed by hand from the fixtures."""

import dataclasses
import json

import pytest

from golden import expected, fixture_records, person
from litdb.readers import csl_json, detect
from litdb.records import RecordError



def test_zotero_export_every_field():
    one, two, three = fixture_records(csl_json, "zotero_export.json")
    assert dataclasses.asdict(one) == expected("csl_json", publication_types=["Journal Article"],
        title="Cerebellum: An explanation for dystonia?", doi="10.1186/s40673-017-0064-8",
        pmid="28515951", pmcid="PMC5429509",  # from the "note" lines
        abstract="Dystonia is a movement disorder that is characterized by involuntary muscle contractions.\n\n"
                 "We focus on the cerebellum.",
        journal_title="Cerebellum & Ataxias", journal_abbreviation="Cerebellum Ataxias",
        year=2017, publication_date="2017", volume="4", pages="6", issns=["2053-8871"],
        authors=[person("Matteo Bologna", "Bologna", "Matteo"), person("Alfredo Berardelli", "Berardelli", "Alfredo")],
        claims=[dict(field="language", value="eng", note=None)], line=2,
    )
    assert dataclasses.asdict(two) == expected("csl_json", publication_types=["Journal Article"],
        title="Cerebellar volume in DYT1 dystonia: a multicentre MRI study", doi="10.1371/journal.pone.0245678",
        pmid="33400123", pmcid="PMC7787654", journal_title="PLOS ONE", journal_abbreviation="PLoS One",
        year=2021, publication_date="2021-01-05", volume="16", issue="1", pages="e0245678", issns=["1932-6203"],
        authors=[person("Sara Lindqvist", "Lindqvist", "Sara"), person("Tomas Berg", "Berg", "Tomas"),
                 person("DYST-NET Consortium", None, None, group=True)],
        keywords=["cerebellum", "DYT1", "magnetic resonance imaging"],
        claims=[dict(field="language", value="en", note=None)], line=44,
    )
    assert dataclasses.asdict(three) == expected("csl_json",
        title="The cerebellum in dystonia", journal_title="Handbook of Clinical Neurology",
        year=2018, publication_date="2018-03", volume="154", pages="423-441",
        authors=[person("Ludwig van den Berg", "van den Berg", "Ludwig")],  # editors are not authors
        publication_types=["Book Chapter"], line=83,
    )


def test_citeproc_single_item_every_field():
    [record] = fixture_records(csl_json, "citeproc_item.json")
    assert dataclasses.asdict(record) == expected("csl_json", publication_types=["Journal Article"],
        title="Cerebellar involvement in dystonia: evidence from imaging", doi="10.1002/mds.26512",
        journal_title="Movement Disorders", journal_abbreviation="Mov Disord",
        year=2016, publication_date="2016-03-15", volume="31", issue="3", pages="301-310",
        issns=["0885-3185", "1531-8257"],
        authors=[person("Mark Hallett", "Hallett", "Mark", "0000-0002-3180-6811")],
        authors_complete=False,  # {"literal": "et al."}
        keywords=["cerebellum", "dystonia", "imaging"],
    )


def test_bad_items_are_errors_in_their_place():
    good, no_title, string, no_date = fixture_records(csl_json, "bad_items.json")
    assert (good.title, good.doi, good.publication_date, good.line) == (
        "Purkinje cell firing in a rat model of paroxysmal dystonia", "10.1016/j.nbd.2020.104951", "2020-05-20", 2)
    assert no_title == RecordError(2, 6, "item has no title and no identifier (DOI, PMID, PMCID)")
    assert string == RecordError(3, 8, "item is a string, expected an object")
    assert (no_date.title, no_date.pmid, no_date.year, no_date.line) == (
        "Writer's cramp and the cerebellum", "37000001", None, 9)


def test_bracketed_text_is_not_json():
    assert detect("[Wilson disease].\nAbstract\nA text.") is None
    assert not csl_json.looks_like('["just", "strings"]')


@pytest.mark.parametrize("text, message", [
    ('[{"title": "A", "type": "article-journal"}', "invalid JSON at line 1, column 43: Expecting ',' delimiter$"),
    ('{"type": "article-journal", "DOI": "10.1000/xyz"}', "item 10.1000/xyz has no title$"),
    ('[{"title": "A", "type": "article-journal"}] x', "invalid JSON at line 1, column 45: Extra data$"),
    ('[]', "no records: the JSON list is empty$"),
    ('[' * 100000 + ']' * 100000, "invalid JSON: nested too deeply$"),
])
def test_bad_files_give_one_line_errors(text, message):
    with pytest.raises(ValueError, match="^" + message):
        list(csl_json.read(text))


@pytest.mark.parametrize("wrong", [-1, True, "Malone, Ailish", {"family": "Malone"}])
def test_an_author_list_of_a_wrong_type_is_ignored(wrong):
    # "author": -1 was a TypeError (in a list, a bad item for no reason the user could read)
    text = json.dumps([{"id": "x", "type": "article-journal", "title": "T", "author": wrong},
                       {"id": "y", "type": "article-journal", "title": "U"}])
    first, second = csl_json.read(text)
    assert dataclasses.asdict(first) == expected("csl_json", title="T", publication_types=["Journal Article"], line=1)
    assert dataclasses.asdict(second) == expected("csl_json", title="U", publication_types=["Journal Article"], line=1)


def test_a_list_whose_first_item_is_not_an_object_is_still_csl():
    text = '[\n  3,\n  {"id": "y", "type": "article-journal", "title": "U"}\n]'
    assert detect(text) == "csl_json"
    bad, record = csl_json.read(text)
    assert bad == RecordError(1, 2, "item is a number, expected an object")
    assert dataclasses.asdict(record) == expected("csl_json", title="U", publication_types=["Journal Article"], line=3)


def test_name_particles_and_suffix():
    # Zotero's and citeproc's name parts: a dropping particle ("van" of Beethoven, dropped
    # when sorting in CSL) is still part of the family name, as every other reader keeps it
    # (it used to be glued to the given names: "Ludwig van"); a suffix shows in the name only
    [record] = fixture_records(csl_json, "name_particles.json")
    assert dataclasses.asdict(record) == expected("csl_json", publication_types=["Journal Article"],
        title="Cerebellar signs in musicians with focal dystonia", doi="10.1002/mds.26000",
        journal_title="Movement Disorders", journal_abbreviation="Mov Disord", year=2015, publication_date="2015-04",
        volume="30", issue="4", pages="512-519", issns=["0885-3185"],
        authors=[person("Ludwig van Beethoven", "van Beethoven", "Ludwig"),
                 person("Johanna van den Berg", "van den Berg", "Johanna"),
                 person("Theo van de Gogh", "van de Gogh", "Theo"),
                 person("Martin Luther King Jr.", "King", "Martin Luther")],
        claims=[dict(field="language", value="eng", note=None)], line=2,
    )
