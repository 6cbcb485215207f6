"""Golden tests for the PMC article page reader (pmc_page): both layouts of the site and an
author manuscript, every field against values written out by hand; PMC and PubMed pages
never taken for each other."""

import dataclasses

import pytest

from conftest import FIXTURES, SEEDS
from golden import expected, fixture_records, person
from litdb.readers import decode, pmc_page, pubmed_page

PMC = FIXTURES / "pmc_page"


LUBECK = "Department of Neurology, University of Lübeck, Lübeck, Germany"
FUDAN = "Department of Neurology, Fudan University, Shanghai, China"

CASES = {
    # pmc.ncbi.nlm.nih.gov: "<journal> logoLink to <journal>", ". 2019 Feb 21;10:123. doi: …",
    # "PMCID: …  PMID: …" after the notes, the body from "1. Introduction"
    "new_layout_frontiers.txt": {
        "title": "Cerebellar Contributions to Isolated Dystonia: A Review of Imaging and Physiology",
        "doi": "10.5555/fneur.2019.00123", "pmid": "99993359", "pmcid": "PMC9993412",
        "abstract": "Dystonia has long been attributed to the basal ganglia. Imaging and physiology now point to the "
                    "cerebellum as well.\n\nWe review both lines of evidence and the models that join them.",
        "journal_title": "Frontiers in Neurology", "year": 2019, "publication_date": "2019-02-21",
        "volume": "10", "pages": "123", "is_open_access": True,
        "open_access_url": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC9993412/",
        "authors": [
            person("Jane Doe", "Doe", "Jane", affiliations=[LUBECK,
                                                            "Institute of Neurogenetics, University of Lübeck, Lübeck, Germany"]),
            person("John Roe", "Roe", "John",
                   affiliations=["Movement Disorders Group, Institute of Neurology, London, United Kingdom"]),
            person("Mary Major", "Major", "Mary", affiliations=[LUBECK]),
        ],
        "keywords": ["dystonia", "cerebellum", "Purkinje cell", "eyeblink conditioning", "network"],
        "copyright": "Copyright © 2019 Doe, Roe and Major.",
    },
    # www.ncbi.nlm.nih.gov/pmc: "Journal List" breadcrumb, "Logo of movdis", the journal in the
    # citation line, "Published online", "Jane Roe,3 and Tomás Ferreira-Lima1,*", "Go to:"
    "old_layout_structured.txt": {
        "title": "Cerebellar Theta-Burst Stimulation Restores Eyeblink Conditioning in Cervical Dystonia",
        "doi": "10.5555/mds.2019.0412", "pmid": "99990412", "pmcid": "PMC9990147",
        "abstract": "Background: The cerebellum is implicated in cervical dystonia.\n\n"
                    "Methods: Twenty-four patients received cerebellar stimulation and sham stimulation.\n\n"
                    "Conclusions: Cerebellar stimulation transiently normalized eyeblink conditioning.",
        "journal_abbreviation": "Mov Disord", "year": 2019, "publication_date": "2019-03",
        "epub_date": "2019-02-12", "volume": "34", "issue": "3", "pages": "345-356", "is_open_access": True,
        "open_access_url": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC9990147/",
        "authors": [
            person("Mei-Ling Zhou", "Zhou", "Mei-Ling", affiliations=[FUDAN,
                                                                      "Institute of Brain Science, Fudan University, Shanghai, China"]),
            person("Jane Roe", "Roe", "Jane",
                   affiliations=["Department of Clinical Neurosciences, University of Cambridge, Cambridge, United Kingdom"]),
            person("Tomás Ferreira-Lima", "Ferreira-Lima", "Tomás", affiliations=[FUDAN]),
        ],
        "keywords": ["cerebellum", "cervical dystonia", "eyeblink conditioning"],
        "copyright": "Copyright © 2019 The Authors. Movement Disorders published by Wiley Periodicals, Inc.",
    },
    # an author manuscript: the citation after "Published in final edited form as:", upper-case labels
    "author_manuscript.txt": {
        "title": "When Do Essential Tremor Patients Develop Dystonic Head Tremor? Influences of Age and Duration",
        "doi": "10.5555/mds.26512", "pmid": "99990504", "pmcid": "PMC9998254",
        "abstract": "BACKGROUND: Head tremor develops in a third of patients with essential tremor, some of them with "
                    "dystonic features.\n\nMETHODS: 363 patients were examined on video.\n\n"
                    "CONCLUSION: Age, not duration, predicts head tremor.",
        "journal_abbreviation": "Mov Disord", "year": 2016, "publication_date": "2016-03",
        "volume": "31", "issue": "3", "pages": "301-310", "is_open_access": True,
        "open_access_url": "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC9998254/",
        "authors": [person("Elan D Louis", "Louis", "Elan D",
                           affiliations=["Department of Neurology, Yale School of Medicine, New Haven, CT, USA",
                           "Department of Chronic Disease Epidemiology, Yale School of Public Health, New Haven, CT, USA",
                           "Center for Neuroepidemiology and Clinical Neurological Research, Yale School of Medicine, "
                           "New Haven, CT, USA"])],
        "keywords": ["essential tremor", "head tremor", "dystonia", "age"],
        "claims": [{"field": "nihmsid", "value": "NIHMS998010", "note": "NIH manuscript id printed beside the PMCID"},
                   {"field": "status", "value": "Author manuscript", "note": "available in PMC 2017 Mar 1"}],
    },
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_field(name):
    [record] = fixture_records(pmc_page, name)
    assert dataclasses.asdict(record) == expected("pmc_page", **CASES[name])


def test_every_fixture_has_a_case():
    assert sorted(p.name for p in PMC.glob("*.txt")) == sorted(CASES)


def pubmed_pages():
    return sorted([*SEEDS.glob("000_*.txt"), *(FIXTURES / "pubmed_page").glob("*.txt"),
                   *(FIXTURES / "variants").glob("p*.txt")])


@pytest.mark.parametrize("path", sorted(PMC.glob("*.txt")), ids=lambda p: p.name)
def test_a_pmc_page_is_never_a_pubmed_page(path):
    assert not pubmed_page.looks_like(decode(path.read_bytes()))


@pytest.mark.parametrize("path", pubmed_pages(), ids=lambda p: p.name)
def test_a_pubmed_page_is_never_a_pmc_page(path):
    text = decode(path.read_bytes())
    assert pubmed_page.looks_like(text) and not pmc_page.looks_like(text)


def test_there_are_pubmed_pages_to_check():
    assert len(pubmed_pages()) >= 20


@pytest.mark.parametrize("text", [
    "We cite the article (PMCID: PMC9993412) and its logo.\n",  # inside a sentence
    "PMID: 99993359\nPMCID: PMC9993412\nJournal List\n",  # PMID first: PubMed's order
    "PMCID: PMC9993412\nNothing else a PMC page prints.\n",
])
def test_detection_needs_a_pmcid_line_first_and_a_pmc_mark(text):
    assert not pmc_page.looks_like(text)


@pytest.mark.parametrize("text, reason", [
    ("PMCID: PMC9993412\nJournal List\nAbstract\nSome text.\n", "no citation line"),
    (". 2019 Feb 21;10:123.\nPMCID: PMC1  PMID: 2\nAbstract\n", "no title"),
])
def test_truncated_pages_are_refused_with_one_line(text, reason):
    with pytest.raises(ValueError, match=reason) as error:
        list(pmc_page.read(text))
    assert "\n" not in str(error.value)


def test_the_abstract_stops_at_the_body_and_keywords_on_their_own_line():
    text = ("Journal List\nNeurology logoLink to Neurology\n. 2013 Jul 2;81(1):40–45. doi: 10.1212/x.1\n\nA title\n\n"
            "Ann Lee 1\nPMCID: PMC1  PMID: 2\nAbstract\nFirst paragraph.\nKeywords:\nataxia; tremor, gait\n"
            "Background\nThe body, never read.\n")
    [record] = pmc_page.read(text)
    assert (record.abstract, record.keywords, record.journal_title, record.pages) == (
        "First paragraph.", ["ataxia", "tremor", "gait"], "Neurology", "40-45")
    text = text.replace("Keywords:\nataxia; tremor, gait\n", "")
    [record] = pmc_page.read(text)
    assert (record.abstract, record.keywords) == ("First paragraph.", [])


def test_a_group_after_a_semicolon_is_an_author_and_the_person_before_it_too():
    # PubMed's separator for a group; before, "Müller-Vahl 6; Dystonia Coalition
    # Investigators" was one token that read as no name: both were left out
    names, numbers = pmc_page._author_line(
        "Egidio D'Angelo 5, Kirsten R Müller-Vahl 6; Dystonia Coalition Investigators")
    assert names == ["Egidio D'Angelo", "Kirsten R Müller-Vahl", "Dystonia Coalition Investigators"]
    assert numbers == [[5], [6], []]
