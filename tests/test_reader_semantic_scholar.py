"""Golden tests for the Semantic Scholar Graph API reader: one paper with every field,
a search page (an empty openAccessPdf url, a paper without title, a javascript: link),
a batch list with null for an id not found. Values typed by hand from the fixtures."""

import dataclasses
import json

import pytest

from conftest import FIXTURES
from golden import expected, fixture_records, person
from litdb.readers import decode, detect, semantic_scholar
from litdb.records import RecordError

DIR = FIXTURES / "semantic_scholar"


def s2(paper_id):
    return dict(field="semantic_scholar", value=paper_id, note="Semantic Scholar paper id")


def test_paper_every_field():
    [record] = fixture_records(semantic_scholar, "paper.json")
    assert dataclasses.asdict(record) == expected("semantic_scholar",
        title="Cerebellum: An explanation for dystonia?",
        doi="10.1186/s40673-017-0064-8", pmid="28515951", pmcid="PMC5429509",
        abstract="Dystonia is a movement disorder that is characterized by involuntary muscle contractions. "
                 "We focus on the cerebellum.",
        journal_title="Cerebellum & Ataxias", year=2017, publication_date="2017-05-12", volume="4",
        citation_count=45, is_open_access=True,
        open_access_url="https://cerebellumandataxias.biomedcentral.com/counter/pdf/10.1186/s40673-017-0064-8",
        issns=["2053-8871"],  # from publicationVenue
        authors=[person("M. Bologna", "Bologna", "M."), person("A. Berardelli", "Berardelli", "A.")],
        publication_types=["Journal Article", "Review"],
        keywords=[],  # fieldsOfStudy are classifiers, not keywords
        claims=[s2("8f1b2c3d4e5f60718293a4b5c6d7e8f901234567")],
    )


def test_search_page():
    first, bad, third = fixture_records(semantic_scholar, "search.json")
    assert dataclasses.asdict(first) == expected("semantic_scholar",
        title="Eyeblink classical conditioning is impaired in cervical dystonia and predicts response to botulinum toxin",
        doi="10.1002/mds.27118", journal_title="Movement Disorders", year=2017, publication_date="2017-09-04",
        volume="32", pages="1562-1570", citation_count=15, is_open_access=False,
        open_access_url=None,  # "url": ""
        authors=[person("Johanna M Kessler", "Kessler", "Johanna M"),
                 person("Diego Arroyo-Blanco", "Arroyo-Blanco", "Diego"),
                 person("Sarah Fenwick", "Fenwick", "Sarah")],
        publication_types=["Journal Article"], claims=[s2("0a1b2c3d4e5f60718293a4b5c6d7e8f9aabbccdd")], line=6,
    )
    assert bad == RecordError(position=2, line=48, reason="paper ffeeddccbbaa99887766554433221100ffeeddcc has no title")
    assert dataclasses.asdict(third) == expected("semantic_scholar",
        title="A spiking model of the cerebellar nuclei in dystonia",
        abstract="We model the deep cerebellar nuclei.\n\nBursting emerges.",
        # journal {"name": "ArXiv", "volume": "abs/2104.01234"}, venue "arXiv.org": a preprint server, no journal
        year=2021, publication_date="2021", citation_count=1,
        is_open_access=True, open_access_url=None,
        authors=[person("Dystonia Modelling Consortium", None, None, group=True)],
        claims=[dict(field="open_access_url", value="javascript:alert(1)", note="ignored: not an http(s) link"),
                s2("1234abcd5678ef901234abcd5678ef901234abcd"),
                dict(field="arxiv", value="2104.01234", note="arXiv identifier")],
        line=65,
    )


def test_batch_with_an_id_not_found():
    first, missing, third = fixture_records(semantic_scholar, "batch.json")
    assert dataclasses.asdict(first) == expected("semantic_scholar",
        title="Olivary hypertrophy and cerebellar dystonia: a clinicopathological series",
        doi="10.1093/brain/awy095", pmid="29701787", year=2018, publication_date="2018",
        authors=[person("P. Natarajan", "Natarajan", "P."), person("O. Walsh", "Walsh", "O.")],
        references=[dict(position=1, citation="Phenomenology and classification of dystonia: a consensus update",
                         authors=None, title="Phenomenology and classification of dystonia: a consensus update",
                         journal="Movement Disorders", year=2013, month=None, day=None, volume=None, issue=None,
                         pages=None, doi="10.1002/mds.25475", pmid="23649720")],  # the untitled one is left out
        claims=[s2("2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e")], line=1,
    )
    assert missing == RecordError(position=2, line=2, reason="null: Semantic Scholar found no paper for this id")
    assert (third.title, third.doi, third.line) == (
        "Cerebellar output and dystonic posture in the tottering mouse", "10.1007/s12311-011-0301-x", 3)


def test_aggregator_records_are_not_semantic_scholar():
    # S2 field names without the Graph API's ids, beside a lower-case "doi": the aggregator's
    text = json.dumps({"title": "T", "doi": "10.1000/x", "citationCount": 3, "openAccessPdf": {"url": "https://a/b"}})
    assert detect(text) == "aggregator_json"
    assert detect(json.dumps({"paperId": "abc", "title": "T", "citationCount": 3})) == "semantic_scholar"


@pytest.mark.parametrize("text, message", [
    ('{"total": 1, "offset": 0, "data": [{"paperId": "a", "title": "T"}', "invalid JSON at line 1, column 66: "
     "Expecting ',' delimiter$"),
    ('{"paperId": "abc", "title": null}', "paper abc has no title$"),
    ('[null]', None),
])
def test_bad_files_give_one_line_errors(text, message):
    if message is None:  # a list of nothing readable: each item its own error
        assert list(semantic_scholar.read(text)) == [RecordError(1, 1, "null: Semantic Scholar found no paper for this id")]
        return
    with pytest.raises(ValueError, match="^" + message):
        list(semantic_scholar.read(text))


def test_batch_whose_first_id_was_not_found():
    # /paper/batch answers null for an id it does not know, in its place: the first one too
    missing, found, last = fixture_records(semantic_scholar, "batch_first_not_found.json")
    assert missing == RecordError(position=1, line=2, reason="null: Semantic Scholar found no paper for this id")
    assert dataclasses.asdict(found) == expected("semantic_scholar",
        title="Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial",
        doi="10.1007/s12311-019-01001-1", pmid="31000001", pmcid="PMC7000001",
        journal_title="The Cerebellum", year=2019, publication_date="2019-05-14", volume="18", pages="866-874",
        is_open_access=True, open_access_url=None,  # "url": "" (the notice is no link)
        authors=[person("Ailish Malone", "Malone", "Ailish"), person("Søren Kjær", "Kjær", "Søren")],
        claims=[s2("5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081")], line=3,
    )
    assert last == RecordError(position=3, line=19, reason="null: Semantic Scholar found no paper for this id")


def test_a_list_of_nulls_only_is_no_semantic_scholar_batch():
    # nothing in it says whose it is
    assert detect("[null, null]") is None


def test_datasets_papers_lines():
    # the datasets' "papers" files: one paper a line, the API's fields in lower case, no paperId
    text = decode((DIR / "datasets_papers.jsonl").read_bytes())
    assert detect(text) == "semantic_scholar"
    first, untitled = semantic_scholar.read(text)
    assert dataclasses.asdict(first) == expected("semantic_scholar",
        title="Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial",
        doi="10.1007/s12311-019-01001-1", pmid="31000001", pmcid="PMC7000001",
        journal_title="The Cerebellum", year=2019, publication_date="2019-05-14", volume="18", pages="866-874",
        citation_count=10, is_open_access=True, authors=[person("Ailish Malone", "Malone", "Ailish")],
        publication_types=["Journal Article", "Study"],
        claims=[dict(field="semantic_scholar_corpus", value="201234567", note="Semantic Scholar corpus id")], line=1)
    assert untitled == RecordError(2, 2, "paper with corpus id 201234568 has no title")


def test_graph_api_papers_a_line_each():
    first, second = fixture_records(semantic_scholar, "graph_lines.jsonl")
    assert (first.title, first.doi, first.year, first.line) == (
        "Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial",
        "10.1007/s12311-019-01001-1", 2019, 1)
    assert (second.title, second.doi, second.year, second.line) == ("Eyeblink conditioning in cervical dystonia", None,
                                                                    2016, 3)  # a blank line between


@pytest.mark.parametrize("wrong", [-1, True, "Ailish Malone", {"name": "Ailish Malone"}])
def test_lists_of_a_wrong_type_are_ignored(wrong):
    # authors as a number was a TypeError; now the field is left out and the paper read
    paper = {"paperId": "a1", "title": "T", "externalIds": {}, "authors": wrong, "references": wrong}
    [record] = semantic_scholar.read(json.dumps(paper))
    assert dataclasses.asdict(record) == expected("semantic_scholar", title="T", claims=[s2("a1")])


@pytest.mark.parametrize("first, bad", [("1", 1), ('"x"', 1), ("true", 1), ("[1, 2]", 1), ("null, 3", 2),
                                        ('{"x": 1}', 1)])
def test_a_batch_whose_first_items_are_not_papers_is_still_semantic_scholar(first, bad):
    # detection looks past the first items (a batch's nulls, an item damaged) to the first
    # paper's keys; each item that is not a paper is a RecordError in its place
    text = f'[{first}, {{"paperId": "a1", "title": "T", "externalIds": {{"DOI": "10.1000/X"}}}}]'
    assert detect(text) == "semantic_scholar"
    *errors, record = semantic_scholar.read(text)
    assert [(type(e), e.position, e.line) for e in errors] == [(RecordError, k, 1) for k in range(1, bad + 1)]
    assert (record.title, record.doi, record.line) == ("T", "10.1000/x", 1)


def test_text_in_brackets_or_a_list_of_numbers_is_no_batch():
    assert detect("[Wilson disease]\n\nPMID: 1\n") is None
    assert detect('[1, 2, "paperId"]') is None


def test_control_characters_in_publication_types_are_removed():
    # "\u0000" and "\u001b" escapes in a type (the fuzz found them kept as they were)
    paper = {"paperId": "a1", "title": "T", "publicationTypes": ["Journal\\u0000Article", "\\u001bReview"]}
    [record] = semantic_scholar.read(json.dumps(paper).replace("\\\\u", "\\u"))
    assert record.publication_types == ["Journal Article", "Review"]


@pytest.mark.parametrize("year, kept", [(2019, 2019), (22019, None), (19, None), ("2019", 2019)])
def test_a_year_has_four_digits(year, kept):
    # the fuzz with other seeds found "year": 22019 stored as the year and date "22019"
    paper = {"paperId": "a1", "title": "T", "year": year, "references": [{"title": "R", "year": year}]}
    [record] = semantic_scholar.read(json.dumps(paper))
    assert (record.year, record.publication_date, record.references[0].year) == (
        kept, str(kept) if kept else None, kept)


def test_an_open_access_link_to_a_shadow_library_is_suppressed():
    # the rule of aggregator_json's openAccessPdf, now shared (common.open_access_link)
    text = json.dumps({"paperId": "abc", "title": "T", "openAccessPdf": {"url": "https://libgen.is/x.pdf"}})
    [record] = semantic_scholar.read(text)
    assert record.open_access_url is None
    assert [(c.field, c.value, c.note) for c in record.claims if c.field == "open_access_url"] == [
        ("open_access_url", None,
         "suppressed: openAccessPdf pointed to a shadow library (unauthorised copy), never published")]


def test_a_preprint_server_is_no_journal():
    # Semantic Scholar names arXiv as a journal ({"name": "ArXiv", "volume": "abs/2101.00001"})
    # and as the venue ("arXiv.org", with arXiv's ISSN 2331-8422); bioRxiv as a journal too
    arxiv, biorxiv, conference = fixture_records(semantic_scholar, "preprints_batch.json")
    assert dataclasses.asdict(arxiv) == expected("semantic_scholar",
        title="A cerebellar network model of dystonic tremor", doi="10.48550/arxiv.2101.00001",
        year=2021, publication_date="2021", citation_count=3, is_open_access=False,
        authors=[person("Kim van Dijk", "van Dijk", "Kim"), person("Tomás Ruiz", "Ruiz", "Tomás")],
        claims=[s2("7d1e2f3a4b5c6d7e8f9012a3b4c5d6e7f8091a2b"),
                dict(field="arxiv", value="2101.00001", note="arXiv identifier")],
        line=2,
    )
    assert dataclasses.asdict(biorxiv) == expected("semantic_scholar",
        title="Torsin A loss in Purkinje cells causes dystonia-like postures", doi="10.1101/2023.05.02.539123",
        year=2023, publication_date="2023-05-03", citation_count=0, is_open_access=True,
        open_access_url="https://www.biorxiv.org/content/biorxiv/early/2023/05/03/2023.05.02.539123.full.pdf",
        authors=[person("Jane Doe", "Doe", "Jane")],
        claims=[s2("8e2f3a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c")],
        line=24,
    )
    # the journal is arXiv, the venue a conference: the conference stands
    assert dataclasses.asdict(conference) == expected("semantic_scholar",
        title="Learning cerebellar forward models from dystonic movement",
        journal_title="Neural Information Processing Systems", year=2022, publication_date="2022-06-09",
        citation_count=11, is_open_access=False, authors=[person("Richard Roe", "Roe", "Richard")],
        publication_types=["Journal Article", "Conference"],
        claims=[s2("9f3a4b5c6d7e8f9012a3b4c5d6e7f8091a2b3c4d"),
                dict(field="arxiv", value="2206.04321", note="arXiv identifier")],
        line=40,
    )


@pytest.mark.parametrize("name", ["ArXiv", "arXiv.org", "CoRR", "bioRxiv", "medRxiv",
                                  "medRxiv : the preprint server for health sciences", "ChemRxiv", "PsyArXiv",
                                  "SSRN Electronic Journal", "Research Square"])
def test_preprint_servers_by_name(name):
    paper = {"paperId": "p1", "title": "T", "venue": name, "journal": {"name": name, "volume": "7", "pages": "1 - 2"}}
    record = semantic_scholar.parse_paper(paper)
    assert (record.journal_title, record.volume, record.pages) == (None, None, None)


def test_the_arxiv_id_from_the_volume_when_external_ids_lack_it():
    paper = {"paperId": "p1", "title": "T", "journal": {"name": "CoRR", "volume": "abs/2104.01234"}}
    assert [dataclasses.asdict(c) for c in semantic_scholar.parse_paper(paper).claims] == [
        s2("p1"), dict(field="arxiv", value="2104.01234", note="arXiv identifier")]
    # a journal stays a journal
    paper = {"paperId": "p2", "title": "T", "journal": {"name": "Journal of Neurophysiology", "volume": "12"}}
    assert semantic_scholar.parse_paper(paper).journal_title == "Journal of Neurophysiology"
