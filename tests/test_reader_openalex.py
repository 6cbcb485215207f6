"""Golden tests for the OpenAlex reader: one work in the current shape, one in the
pre-2023 shape (host_venue), a results page with a bad work among good ones. Every
field compared to values typed by hand from the fixtures."""

import dataclasses
import json

import pytest

from conftest import FIXTURES
from golden import expected, fixture_records, person
from litdb.readers import decode, detect, openalex
from litdb.records import RecordError

DIR = FIXTURES / "openalex"


def claim(field, value, note=None):
    return dict(field=field, value=value, note=note)


def test_current_shape_every_field():
    [record] = fixture_records(openalex, "work_2025.json")
    assert dataclasses.asdict(record) == expected("openalex",
        title="Cerebellum: An explanation for dystonia?",
        doi="10.1186/s40673-017-0064-8", pmid="28515951", pmcid="PMC5429509",
        abstract="Dystonia is a movement disorder that is characterized by involuntary muscle contractions. "
                 "We focus on the cerebellum.",
        journal_title="Cerebellum & Ataxias", year=2017, publication_date="2017-05-12",
        volume="4", issue="1", pages="6", citation_count=45, is_open_access=True,
        open_access_url="https://cerebellumandataxias.biomedcentral.com/counter/pdf/10.1186/s40673-017-0064-8",
        issns=["2053-8871"], issn_l="2053-8871",
        authors=[
            person("Matteo Bologna", "Bologna", "Matteo", "0000-0002-1825-0097",
                   ["Department of Human Neurosciences, Sapienza University of Rome, Viale dell'Università 30, "
                    "00185 Rome, Italy", "IRCCS Neuromed, Pozzilli, IS Italy"]),
            # no raw affiliation string: the institution OpenAlex matched
            person("Alfredo Berardelli", "Berardelli", "Alfredo", None, ["Sapienza University of Rome"]),
        ],
        publication_types=["Review"], keywords=["Dystonia", "Cerebellum"],
        # the bare "Dystonia" entry goes: a qualified one says the same and more
        mesh_terms=[dict(term="Dystonia", qualifier="physiopathology", major=True),
                    dict(term="Cerebellum", qualifier="physiopathology", major=False),
                    dict(term="Humans", qualifier=None, major=False)],
        claims=[claim("publisher", "BioMed Central"), claim("openalex", "W2613925461", "OpenAlex work id"),
                claim("language", "en")],
    )


def test_pre_2023_shape_every_field():
    [record] = fixture_records(openalex, "work_2022_host_venue.json")
    assert dataclasses.asdict(record) == expected("openalex",
        title="Cerebellar output and dystonic posture in the tottering mouse",
        doi="10.1007/s12311-011-0301-x", pmid="21647566",
        journal_title="The Cerebellum", year=2012, publication_date="2012-02",
        volume="11", issue="1", pages="45-52", citation_count=9, is_open_access=False,
        issns=["1473-4230", "1473-4222"], issn_l="1473-4222",
        authors=[
            person("Ailish Malone", "Malone", "Ailish", None,
                   ["Department of Molecular Neuroscience, UCL Institute of Neurology, Queen Square, London, "
                    "WC1N 3BG, UK"]),
            person("Nicholas W. Wood", "Wood", "Nicholas W.", "0000-0002-9500-3348"),
        ],
        publication_types=["Journal Article"],
        grants=[dict(text="G0802760 (Medical Research Council)", grant_id="G0802760", acronym=None,
                     agency="Medical Research Council", country=None)],
        claims=[claim("publisher", "Springer Nature"), claim("openalex", "W2115791342", "OpenAlex work id")],
    )


def test_primary_location_a_repository_the_journal_from_the_locations():
    # primary_location is PubMed Central ("type": "repository", hosted by the NIH); the
    # journal is the first location whose source is a journal, eLife, and so are its
    # ISSNs and its publisher; the repository gives no publisher
    [record] = fixture_records(openalex, "work_primary_repository.json")
    assert dataclasses.asdict(record) == expected("openalex",
        title="Purkinje cell burst firing drives dystonic movements in mice",
        doi="10.7554/elife.84567", pmid="37581234", pmcid="PMC10432345",
        abstract="Purkinje cells burst in dystonic mice.",
        journal_title="eLife", year=2023, publication_date="2023-08-15", volume="12", pages="e84567",
        citation_count=7, is_open_access=True,
        open_access_url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC10432345",
        issns=["2050-084X"], issn_l="2050-084X",
        authors=[
            person("Amanda M. Brown", "Brown", "Amanda M.", "0000-0002-4012-3456",
                   ["Department of Neuroscience, Baylor College of Medicine, Houston, United States"]),
            person("Roy V. Sillitoe", "Sillitoe", "Roy V."),
        ],
        publication_types=["Journal Article"], keywords=["Purkinje cell"],
        claims=[claim("publisher", "eLife Sciences Publications Ltd"),
                claim("openalex", "W4386012345", "OpenAlex work id"), claim("language", "en")],
    )


def test_a_repository_alone_gives_no_journal_and_no_publisher():
    work = {"id": "https://openalex.org/W5", "display_name": "T", "primary_location": {"source": {
        "display_name": "PubMed Central", "type": "repository", "host_organization_name": "National Institutes of Health"}},
        "locations": [{"source": {"display_name": "Europe PMC", "type": "repository",
                                  "host_organization_name": "European Bioinformatics Institute"}}]}
    [record] = openalex.read(json.dumps(work))
    assert dataclasses.asdict(record) == expected("openalex", title="T",
                                                  claims=[claim("openalex", "W5", "OpenAlex work id")])


def test_results_page_with_a_bad_work():
    first, bad, third = fixture_records(openalex, "results_page.json")
    assert dataclasses.asdict(first) == expected("openalex",
        title="Cerebellar theta-burst stimulation in cervical dystonia: a pilot study",
        abstract="Ten patients received stimulation.",
        # a preprint server is where the work is, not its journal
        journal_title=None, year=2023, publication_date="2023-07-28", citation_count=0, is_open_access=True,
        open_access_url="https://www.medrxiv.org/content/10.1101/2023.07.26.23293187v1",
        authors=[person("Mei-Ling Zhou", "Zhou", "Mei-Ling", "0000-0001-5109-3700",
                        ["Department of Neurology, Huashan Hospital, Fudan University, Shanghai, China"])],
        authors_complete=False,  # "is_authors_truncated": true
        publication_types=["Preprint"],
        # nor is the host of a repository a publisher (medRxiv's source is "type": "repository")
        claims=[claim("openalex", "W4385291102", "OpenAlex work id"), claim("language", "en")],
        line=10,
    )
    assert bad == RecordError(position=2, line=102, reason="work 10.1002/mds.870020203 has no title")
    assert dataclasses.asdict(third) == expected("openalex",
        title="Olivary hypertrophy and cerebellar dystonia: a clinicopathological series",
        doi="10.1093/brain/awy095", pmid="29701787", pmcid="PMC6001234", abstract="We describe six patients.",
        journal_title="Brain", year=2018, publication_date="2018-06", volume="141", issue="6",
        pages="1620-1634", citation_count=33, is_open_access=False,
        issns=["0006-8950", "1460-2156"], issn_l="0006-8950",
        authors=[person("Priya Natarajan", "Natarajan", "Priya"), person("Owen Walsh", "Walsh", "Owen")],
        # is_retracted: a claim, and PubMed's type for it, so that lists flag the paper
        publication_types=["Journal Article", "Retracted Publication"], keywords=["Hypertrophic Olivary Degeneration"],
        grants=[dict(text="203139/Z/16/Z (Wellcome Trust)", grant_id="203139/Z/16/Z", acronym=None,
                     agency="Wellcome Trust", country=None)],
        claims=[claim("publisher", "Oxford University Press"), claim("openalex", "W2962541117", "OpenAlex work id"),
                claim("language", "en"), claim("retracted", "true", "OpenAlex marks the work as retracted")],
        line=117,
    )


def test_a_list_of_works_and_key_order():
    page = json.loads((DIR / "results_page.json").read_text())
    text = json.dumps(page["results"], sort_keys=True)  # keys in another order, one line
    assert detect(text) == "openalex"
    records = list(openalex.read(text))
    assert [type(r).__name__ for r in records] == ["PaperRecord", "RecordError", "PaperRecord"]
    assert [r.line for r in records] == [1, 1, 1]
    assert records[2].pages == "1620-1634"


def test_abstract_from_inverted_index_ignores_junk_positions():
    work = {"title": "T", "abstract_inverted_index": {"b": [1], "a": [0, True, "x"], "c": [10**12]}}
    assert openalex.parse_work(work).abstract == "a b c"


@pytest.mark.parametrize("text, message", [
    ('{"id": "https://openalex.org/W1", "display_name": "x", ', "invalid JSON at line 1, column 56: Expecting property name enclosed in double quotes$"),
    ('{"id": "https://openalex.org/W1", "title": null, "ids": {}}', "work W1 has no title$"),
    ('{"display_name": null}', "work has no title and no identifier$"),
    ('[{"display_name": "A"}, {"display_name": ]', "invalid JSON at line 1, column 42: Expecting value$"),
])
def test_bad_files_give_one_line_errors(text, message):
    with pytest.raises(ValueError, match="^" + message):
        list(openalex.read(text))


def test_snapshot_lines_are_works():
    # the snapshot's works files, unzipped: one work a line; a bad line stays in its place
    text = decode((DIR / "snapshot_part.jsonl").read_bytes())
    assert detect(text) == "openalex"
    first, untitled, third, cut = openalex.read(text)
    assert dataclasses.asdict(first) == dict(
        format="openalex", title="Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial",
        doi="10.1007/s12311-019-01001-1", pmid="31000001", pmcid=None,
        abstract="Cervical dystonia involves the cerebellum. We stimulated the cerebellum.",
        journal_title="The Cerebellum", journal_abbreviation=None, year=2019, publication_date="2019-05-14",
        epub_date=None, volume="18", issue="5", pages="866-874", citation_count=12, is_open_access=False,
        open_access_url=None, issns=["1473-4222", "1473-4230"], issn_l="1473-4222",
        authors=[dict(name="Ailish Malone", family="Malone", given="Ailish", orcid="0000-0002-1825-0097",
                      affiliations=["Department of Neurology, Trinity College Dublin, Dublin, Ireland"], group=False)],
        authors_complete=True, publication_types=["Journal Article"], keywords=[], mesh_terms=[], grants=[], copyright=None,
        references=[], line=1,
        claims=[dict(field="publisher", value="Springer Science+Business Media", note=None),
                dict(field="openalex", value="W2963000001", note="OpenAlex work id"),
                dict(field="language", value="en", note=None)])
    assert untitled == RecordError(2, 2, "work W2963000002 has no title")
    assert (third.title, third.doi, third.journal_title, third.line) == (
        "Dentate nucleus in vivo recordings", "10.9999/oa.snapshot.3", None, 3)
    assert cut == RecordError(4, 4, "invalid JSON at column 50: Unterminated string starting at")


def test_one_work_on_one_line_is_no_snapshot():
    # a single work saved on one line, with its final new line, is one work
    text = '{"id": "https://openalex.org/W1", "title": "One work", "publication_year": 2020}\n'
    [record] = openalex.read(text)
    assert (record.title, record.year, record.line) == ("One work", 2020, None)


@pytest.mark.parametrize("wrong", [1.5, False, "Ailish Malone", {"author": {"display_name": "Ailish Malone"}}])
def test_lists_of_a_wrong_type_are_ignored(wrong):
    # a number, a bool, a string or an object where OpenAlex writes a list: left out, the
    # rest read (authorships as a number was a TypeError)
    work = {"id": "https://openalex.org/W1", "display_name": "T", "publication_year": 2020, "authorships": wrong,
            "keywords": wrong, "mesh": wrong, "grants": wrong}
    [record] = openalex.read(json.dumps(work))
    assert dataclasses.asdict(record) == expected("openalex", title="T", year=2020, publication_date="2020",
                                               claims=[claim("openalex", "W1", "OpenAlex work id")])
    work = {"id": "https://openalex.org/W2", "display_name": "U", "authorships": [
        {"author": {"display_name": "Ailish Malone"}, "raw_affiliation_strings": None, "institutions": wrong}]}
    [record] = openalex.read(json.dumps(work))
    assert dataclasses.asdict(record) == expected("openalex", title="U",
                                                  authors=[person("Ailish Malone", "Malone", "Ailish")],
                                                  claims=[claim("openalex", "W2", "OpenAlex work id")])


@pytest.mark.parametrize("year, kept", [(2020, 2020), (22019, None), (-1, None)])
def test_a_publication_year_has_four_digits(year, kept):
    work = {"id": "https://openalex.org/W1", "display_name": "T", "publication_year": year}
    [record] = openalex.read(json.dumps(work))
    assert (record.year, record.publication_date) == (kept, str(kept) if kept else None)


def test_an_open_access_link_to_a_shadow_library_is_suppressed():
    # the rule of aggregator_json's openAccessPdf, now shared (common.open_access_link)
    work = {"id": "https://openalex.org/W3", "display_name": "T",
            "open_access": {"is_oa": False, "oa_url": "https://sci-hub.se/10.1000/x"}}
    [record] = openalex.read(json.dumps(work))
    assert (record.open_access_url, record.is_open_access) == (None, False)
    assert [dataclasses.asdict(c) for c in record.claims] == [
        claim("open_access_url", None, "suppressed: open_access.oa_url pointed to a shadow library (unauthorised "
              "copy), never published; the record itself says the paper is not open access"),
        claim("openalex", "W3", "OpenAlex work id")]


def test_a_padded_date_keeps_only_what_it_knows():
    # OpenAlex writes every date whole: a first day is an unknown day, a first of January
    # an unknown month and day (Crossref's [[2020]] becomes "2020-01-01")
    def date_of(published):
        work = {"id": "https://openalex.org/W1", "title": "One", "publication_date": published}
        [record] = openalex.read(json.dumps(work))
        return record.year, record.publication_date
    assert date_of("2020-01-01") == (2020, "2020")
    assert date_of("2017-04-01") == (2017, "2017-04")
    assert date_of("2017-04-12") == (2017, "2017-04-12")
    assert date_of("2017-01-12") == (2017, "2017-01-12")
