"""Golden tests for the Crossref reader: a work response (JATS abstract, references,
funders, licences), a work-list with a bad item, a bare message object. Every field
compared to values typed by hand from the fixtures."""

import dataclasses
import json

import pytest

from conftest import FIXTURES
from golden import expected, fixture_records, person
from litdb.readers import crossref, detect
from litdb.records import RecordError

DIR = FIXTURES / "crossref"
NINDS = "National Institute of Neurological Disorders and Stroke"
LUBECK = "Department of Neurology; University of Lübeck; Lübeck Germany"
CC_BY = dict(field="license", value="http://creativecommons.org/licenses/by/4.0/",
             note="licence of the version of record, as Crossref states it")


def reference(position, citation, **fields):
    ref = dict(position=position, citation=citation, authors=None, title=None, journal=None, year=None, month=None,
               day=None, volume=None, issue=None, pages=None, doi=None, pmid=None)
    ref.update(fields)
    return ref


def test_work_every_field():
    [record] = fixture_records(crossref, "work.json")
    assert dataclasses.asdict(record) == expected("crossref",
        title="Eyeblink classical conditioning is impaired in cervical dystonia and predicts response to botulinum toxin",
        doi="10.1002/mds.27118",
        # JATS: the "Abstract" heading dropped, section titles become labels, markup and entities gone
        abstract="Background: The cerebellum is implicated in cervical dystonia.\n\n"
                 "Methods: We tested eyeblink conditioning in 24 patients (n = 24).\n\n"
                 "Results: Conditioning was impaired.",
        journal_title="Movement Disorders", journal_abbreviation="Movement Disorders",
        year=2017, publication_date="2017-11", epub_date="2017-09-04",  # print date, online date
        volume="32", issue="11", pages="1562-1570", citation_count=15,
        issns=["0885-3185", "1531-8257"],
        authors=[person("Johanna M. Kessler", "Kessler", "Johanna M.", "0000-0003-1415-9265", [LUBECK]),
                 person("Diego Arroyo-Blanco", "Arroyo-Blanco", "Diego", None,
                        [LUBECK, "Institute of Neurogenetics; University of Lübeck; Lübeck Germany"]),
                 person("Sarah Fenwick", "Fenwick", "Sarah")],
        publication_types=["Journal Article"],
        grants=[dict(text=f"R01 NS088528 ({NINDS})", grant_id="R01 NS088528", acronym=None, agency=NINDS,
                     country=None),
                dict(text=f"U54 NS065701 ({NINDS})", grant_id="U54 NS065701", acronym=None, agency=NINDS,
                     country=None)],
        references=[
            reference(1, "doi:10.1002/mds.25475", doi="10.1002/mds.25475"),  # only a DOI was deposited
            reference(2, "Thompson RF. The cerebellum and eye-blink conditioning. Nat Rev Neurosci. 2004;8:1031.",
                      authors="Thompson RF", title="The cerebellum and eye-blink conditioning",
                      journal="Nat Rev Neurosci", year=2004, volume="8", pages="1031"),
            reference(3, "TeoJT van de WarrenburgBP SchneiderSA RothwellJC BhatiaKP. Neurophysiological evidence "
                         "for cerebellar dysfunction in primary focal dystonia. J Neurol Neurosurg Psychiatry "
                         "2009;80:80\u201383.", doi="10.1136/jnnp.2008.144626",
                      # the deposited text's parts, as its shape allows (its authors glued as deposited)
                      authors="TeoJT van de WarrenburgBP SchneiderSA RothwellJC BhatiaKP",
                      title="Neurophysiological evidence for cerebellar dysfunction in primary focal dystonia",
                      journal="J Neurol Neurosurg Psychiatry", year=2009, volume="80", pages="80-83"),
        ],
        # the version of record's licence, not the text-mining one
        claims=[CC_BY, dict(field="publisher", value="Wiley", note=None), dict(field="language", value="en", note=None)],
    )


def test_work_list_with_a_bad_item():
    first, bad, third = fixture_records(crossref, "work_list.json")
    assert dataclasses.asdict(first) == expected("crossref",
        title="Cerebellar volume in DYT1 dystonia: a multicentre MRI study",
        doi="10.1371/journal.pone.0245678", journal_title="PLOS ONE", journal_abbreviation="PLoS ONE",
        year=2021, publication_date="2021-01-05", epub_date="2021-01-05", volume="16", issue="1",
        pages="e0245678", citation_count=2, issns=["1932-6203"],
        authors=[person("Sara Lindqvist", "Lindqvist", "Sara"),
                 person("Tomas Berg Jr.", "Berg", "Tomas"),
                 person("DYST-NET Consortium", None, None, group=True)],  # editors are not authors
        publication_types=["Journal Article"],
        claims=[CC_BY, dict(field="publisher", value="Public Library of Science (PLoS)", note=None),
                dict(field="language", value="en", note=None)],
        line=1,  # the whole response is one line
    )
    assert bad == RecordError(position=2, line=1, reason="work 10.1016/j.jns.2023.122800 has no title")
    assert dataclasses.asdict(third) == expected("crossref",
        title="Cerebellar contributions to dystonia: a critical review", doi="10.1007/s12311-018-0987-2",
        journal_title="The Cerebellum", journal_abbreviation="Cerebellum",
        year=2019, publication_date="2019-04", epub_date="2018-10-22", volume="18", issue="2", pages="268-279",
        citation_count=5, issns=["1473-4222", "1473-4230"],
        authors=[person("Hiro Tanaka", "Tanaka", "Hiro"), person("Mika Sato", "Sato", "Mika"),
                 person("Kenji Ito", "Ito", "Kenji")],
        publication_types=["Journal Article"],
        claims=[dict(field="publisher", value="Springer Science and Business Media LLC", note=None),
                dict(field="language", value="en", note=None)],
        line=1,
    )


def test_bare_message_every_field():
    [record] = fixture_records(crossref, "bare_message.json")
    assert dataclasses.asdict(record) == expected("crossref",
        title="Cerebellar tremor and dystonia: two sides of one network?",  # title and subtitle
        doi="10.3389/fneur.2019.00123",
        journal_title="Frontiers in Neurology", journal_abbreviation="Front. Neurol.",
        year=2019, publication_date="2019", epub_date=None,  # "published-online": [[null]] is no date
        volume="10", pages="123",  # the article number
        citation_count=12, issns=["1664-2295"],
        authors=[person("Erik Halvorsen", "Halvorsen", "Erik", None, ["University of Oslo"])],
        publication_types=["Journal Article"],
        claims=[dict(field="publisher", value="Frontiers Media SA", note=None),
                dict(field="language", value="en", note=None)],
    )


def test_an_array_of_messages_gives_lines():
    message = json.loads((DIR / "bare_message.json").read_text())
    text = "[\n" + json.dumps(message) + ",\n" + json.dumps({"DOI": "10.1000/x", "title": []}) + "\n]\n"
    assert detect(text) == "crossref"
    good, bad = crossref.read(text)
    assert (good.line, good.doi) == (2, "10.3389/fneur.2019.00123")
    assert bad == RecordError(position=2, line=3, reason="work 10.1000/x has no title")


def test_key_order_does_not_matter_for_detection():
    data = json.loads((DIR / "work.json").read_text())
    assert detect(json.dumps(data, sort_keys=True)) == "crossref"
    assert detect(json.dumps(data["message"], sort_keys=True, indent=2)) == "crossref"


@pytest.mark.parametrize("text, message", [
    ('{"status":"ok","message-type":"work","message":{"DOI":"10.1/x","title":["T"]', "invalid JSON at line 1, "
     "column 77: Expecting ',' delimiter$"),
    ('{"status":"ok","message-type":"work","message":{"reference-count":0}}', "work has no title and no DOI$"),
    ('{"status":"ok","message-type":"work-list","message":{"items":[]}}', "no records: the JSON list is empty$"),
])
def test_bad_files_give_one_line_errors(text, message):
    with pytest.raises(ValueError, match="^" + message):
        list(crossref.read(text))


@pytest.mark.parametrize("wrong", [1.5, True, "Malone, Ailish", {"family": "Malone"}])
def test_lists_of_a_wrong_type_are_ignored(wrong):
    # a number, a bool, a string or an object where Crossref writes a list: the field is
    # left out, the rest of the work is read (these were a TypeError)
    work = {"title": ["T"], "DOI": "10.1000/X", "volume": "4", "author": wrong, "issn-type": wrong, "reference": wrong,
            "funder": wrong, "license": wrong}
    [record] = crossref.read(json.dumps({"message-type": "work", "message": work}))
    assert dataclasses.asdict(record) == expected("crossref", title="T", doi="10.1000/x", volume="4")
    # the lists inside an author and a funder too
    work = {"title": ["T"], "DOI": "10.1000/x", "author": [{"family": "Malone", "given": "Ailish", "affiliation": wrong}],
            "funder": [{"name": "NINDS", "award": wrong}]}
    [record] = crossref.read(json.dumps({"message-type": "work", "message": work}))
    assert dataclasses.asdict(record) == expected("crossref",
        title="T", doi="10.1000/x", authors=[person("Ailish Malone", "Malone", "Ailish")],
        grants=[dict(text="NINDS", grant_id=None, acronym=None, agency="NINDS", country=None)])


def test_in_a_list_a_wrong_typed_author_list_is_no_bad_item():
    text = json.dumps([{"message-type": "work", "message": {"title": ["T"], "DOI": "10.1000/x", "author": 1.5}},
                       {"title": ["U"], "DOI": "10.1000/y", "reference-count": 0}])
    assert [(r.title, r.authors, r.line) for r in crossref.read(text)] == [("T", [], 1), ("U", [], 1)]


def test_a_text_mining_licence_alone_is_no_licence_of_the_article():
    # Springer deposits only its text-and-data-mining licence ("content-version": "tdm",
    # http://www.springer.com/tdm) for a paper that is not open access: it says what a
    # machine may do with the text, not under which licence the article is published
    [record] = fixture_records(crossref, "work_tdm_licence_only.json")
    assert dataclasses.asdict(record) == expected("crossref",
        title="Dissecting the Links Between Cerebellum and Dystonia", doi="10.1007/s12311-014-0601-4",
        abstract="Dystonia is a disabling movement disorder.\n\nMethods: We reviewed in vivo data.",
        journal_title="The Cerebellum", journal_abbreviation="Cerebellum", year=2014, publication_date="2014-12",
        epub_date="2014-08-23", volume="13", issue="6", pages="666-668", citation_count=52,
        issns=["1473-4222", "1473-4230"], publication_types=["Journal Article"],
        authors=[person("Ailish Malone", "Malone", "Ailish"),
                 person("Mario Manto", "Manto", "Mario", None, ["Université Libre de Bruxelles"]),
                 person("Charles Hass", "Hass", "Charles", "0000-0002-1825-0097"),
                 person("Dystonia Coalition", group=True)],
        references=[
            reference(1, "M Hallett. Neurobiol Dis. 2011;42:177.", authors="M Hallett", journal="Neurobiol Dis",
                      year=2011, volume="42", pages="177", doi="10.1016/j.nbd.2010.08.025"),
            reference(2, "Filip P, Lungu OV, Bares M. Dystonia and the cerebellum. Clin Neurophysiol. "
                         "2013;124:1269-76.", authors="Filip P, Lungu OV, Bares M", title="Dystonia and the cerebellum",
                      journal="Clin Neurophysiol", year=2013, volume="124", pages="1269-1276"),
        ],
        claims=[dict(field="publisher", value="Springer Science and Business Media LLC", note=None),
                dict(field="language", value="en", note=None)],
    )


TDM = {"content-version": "tdm", "delay-in-days": 0, "URL": "https://www.springernature.com/gp/researchers/text-and-data-mining"}
AM = {"content-version": "am", "delay-in-days": 365,
      "URL": "https://www.springernature.com/gp/open-research/policies/accepted-manuscript-terms"}
VOR = {"content-version": "vor", "delay-in-days": 0, "URL": "http://creativecommons.org/licenses/by/4.0/"}


@pytest.mark.parametrize("licences, claim", [
    ([TDM], None),
    ([TDM, VOR], CC_BY),
    ([TDM, AM], dict(field="license", value="https://www.springernature.com/gp/open-research/policies/"
                                             "accepted-manuscript-terms",
                     note="licence of the accepted manuscript, as Crossref states it (none for the version of record)")),
    ([AM, VOR], CC_BY),
])
def test_the_licence_of_the_version_of_record_never_the_text_mining_one(licences, claim):
    work = {"DOI": "10.1000/x", "title": ["T"], "type": "journal-article", "license": licences}
    [record] = crossref.read(json.dumps({"status": "ok", "message-type": "work", "message": work}))
    assert [dataclasses.asdict(c) for c in record.claims if c.field == "license"] == ([claim] if claim else [])
