"""The site's own pages as tools read them: Highwire Press citation_* meta tags and
schema.org JSON-LD parsed back and compared with the database, the citations, the
provenance of a paper with two sources, robots.txt and the sitemap (and the sitemap
index past MAX_URLS), on a real server started as `make serve` starts it.

The "rich" corpus is the repository's seeds plus two hand-made sources: the JATS
fixture tests/fixtures/jats/publisher_article.xml (it cites the seed paper of Bologna
and Berardelli by DOI, and a paper that is not in the dataset) and a Crossref work for
that same seed paper, written here, which disagrees with the aggregator's record on the
journal's name ("Cerebellum & Ataxias") and the citation count."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import urllib.parse
import urllib.request
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from conftest import FIXTURES, SEEDS, build_quietly, get, plugin_module, serving

OLD = "486bd29b069a"  # Dissecting the links between cerebellum and dystonia (seed 000)
NEW = "9c8f9033fd60"  # Cerebellum: An explanation for dystonia? (seed 001)
JATS = "eca52a6055f0"  # The cerebellum in dystonia — from networks to therapy (JATS fixture)

CROSSREF_BOLOGNA = {
    "DOI": "10.1186/s40673-017-0064-8", "type": "journal-article",
    "title": ["Cerebellum: an explanation for dystonia?"],
    "author": [
        {"given": "Matteo", "family": "Bologna", "sequence": "first",
         "affiliation": [{"name": "Department of Human Neurosciences, Sapienza University of Rome"}]},
        {"ORCID": "http://orcid.org/0000-0002-1825-0097", "authenticated-orcid": False, "given": "Alfredo",
         "family": "Berardelli", "sequence": "additional",
         "affiliation": [{"name": "Department of Human Neurosciences, Sapienza University of Rome"}]},
    ],
    "container-title": ["Cerebellum &amp; Ataxias"], "short-container-title": ["Cerebellum Ataxias"],
    "volume": "4", "issue": "1", "article-number": "6", "ISSN": ["2053-8871"],
    "issn-type": [{"value": "2053-8871", "type": "electronic"}],
    "published-online": {"date-parts": [[2017, 5, 12]]}, "issued": {"date-parts": [[2017, 5, 12]]},
    "publisher": "Springer Science and Business Media LLC", "source": "Crossref",
    "is-referenced-by-count": 52, "reference-count": 0,
}


def make_rich_seeds(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for seed in SEEDS.iterdir():
        shutil.copy(seed, folder / seed.name)
    shutil.copy(FIXTURES / "jats" / "publisher_article.xml", folder / "jats_article.xml")
    (folder / "crossref_bologna.json").write_text(json.dumps(CROSSREF_BOLOGNA, indent=1), encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def rich_db(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("rich")
    db = base / "literature.db"
    assert build_quietly(make_rich_seeds(base / "seeds"), db) == 0
    return db


@pytest.fixture(scope="session")
def rich_server(rich_db):
    with serving(rich_db, rich_db.parent / "datasette.log") as (_, url):
        yield url


def page(server, path) -> lxml.html.HtmlElement:
    status, _, body = get(server, path)
    assert status == 200, body[:500]
    return lxml.html.fromstring(body)


def meta(doc, name) -> list[str]:
    return [m.get("content") for m in doc.xpath(f"//head/meta[@name='{name}']")]


def json_ld(doc) -> list[dict]:
    return [json.loads(s.text) for s in doc.xpath("//script[@type='application/ld+json']")]


def db_rows(db, sql, params=()):
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


# --- Highwire Press tags ---------------------------------------------------------

def test_highwire_tags_of_a_seed_paper(server):
    doc = page(server, f"/literature/papers/{OLD}")
    assert meta(doc, "citation_title") == ["Dissecting the links between cerebellum and dystonia"]
    assert meta(doc, "citation_author") == ["Malone, Ailish"]
    assert meta(doc, "citation_publication_date") == ["2014/12"]  # Scholar's 2010/5/12 shape
    assert meta(doc, "citation_journal_title") == ["Cerebellum"]
    assert meta(doc, "citation_volume") == ["13"]
    assert meta(doc, "citation_issue") == ["6"]
    assert meta(doc, "citation_firstpage") == ["666"]
    assert meta(doc, "citation_lastpage") == ["668"]
    assert meta(doc, "citation_doi") == ["10.1007/s12311-014-0601-4"]
    assert meta(doc, "citation_pmid") == []  # the seed gives none
    assert meta(doc, "citation_abstract_html_url") == [f"{server}/literature/papers/{OLD}"]
    assert doc.xpath("//head/link[@rel='canonical']/@href") == [f"{server}/literature/papers/{OLD}"]


def test_highwire_tags_of_a_jats_paper(rich_server):
    doc = page(rich_server, f"/literature/papers/{JATS}")
    assert meta(doc, "citation_title") == ["The cerebellum in dystonia — from networks to therapy"]
    assert meta(doc, "citation_author") == ["Wang, Li", "O’Neill, Christopher J."]
    assert meta(doc, "citation_author_orcid") == ["https://orcid.org/0000-0003-0000-0001"]
    assert meta(doc, "citation_author_institution") == [
        "Department of Neurology, Example Hospital, Shanghai, China",
        "Centre for Motor Control, Example University, Dublin, Ireland"]
    assert meta(doc, "citation_publication_date") == ["2021"]  # the collection date
    assert meta(doc, "citation_online_date") == ["2021/6/8"]
    assert meta(doc, "citation_journal_title") == ["Frontiers in Neurology"]
    assert meta(doc, "citation_journal_abbrev") == ["Front. Neurol."]
    assert meta(doc, "citation_issn") == ["1664-2295"]
    assert meta(doc, "citation_firstpage") == ["654321"]  # an article number
    assert meta(doc, "citation_lastpage") == []
    assert meta(doc, "citation_keywords") == ["cerebellum", "dystonia", "deep brain stimulation"]


# Every paper of the rich corpus, typed from its sources: (title, citation_author,
# JSON-LD author names, DOI, volume). None of them has a PMID: the tag with one is
# test_highwire_tags_with_a_pmid_and_a_group_author below.
RICH_PAPERS = {
    OLD: ("Dissecting the links between cerebellum and dystonia", ["Malone, Ailish"], ["Ailish Malone"],
          "10.1007/s12311-014-0601-4", "13"),
    NEW: ("Cerebellum: an explanation for dystonia?",  # Crossref's title, the publisher record
          ["Bologna, Matteo", "Berardelli, Alfredo"], ["Matteo Bologna", "Alfredo Berardelli"],
          "10.1186/s40673-017-0064-8", "4"),
    JATS: ("The cerebellum in dystonia — from networks to therapy", ["Wang, Li", "O’Neill, Christopher J."],
           ["Li Wang", "Christopher J. O’Neill Jr."], "10.5555/fneur.2021.654321", "12"),
}


def test_every_paper_page_tags_agree_with_its_sources(rich_server, rich_db):
    assert sorted(r["id"] for r in db_rows(rich_db, "select id from papers")) == sorted(RICH_PAPERS)
    for paper_id, (title, cited_as, names, doi, volume) in RICH_PAPERS.items():
        doc = page(rich_server, f"/literature/papers/{paper_id}")
        assert meta(doc, "citation_title") == [title]
        assert meta(doc, "citation_author") == cited_as
        assert meta(doc, "citation_doi") == [doi]
        assert meta(doc, "citation_pmid") == []
        assert meta(doc, "citation_volume") == [volume]
        [article] = json_ld(doc)
        assert article["name"] == title
        assert [p["name"] for p in article["author"]] == names


def test_highwire_tags_with_a_pmid_and_a_group_author():
    pages = load_pages_plugin()
    paper = {"title": "T", "year": 2016, "publication_date": None, "pmid": "26813926", "pages": "12-",
             "doi": None, "keywords": None, "journal_issns": None}
    authors = [{"name": "Ailish Malone", "family": "Malone", "given": "Ailish", "affiliations": []},
               {"name": "Dystonia Coalition", "family": None, "given": None, "affiliations": []}]
    assert pages.highwire_tags(paper, authors, "https://example.org/p") == [
        ("citation_title", "T"), ("citation_author", "Malone, Ailish"),
        ("citation_author", "Dystonia Coalition"),  # a group: its name as it is
        ("citation_publication_date", "2016"), ("citation_firstpage", "12"), ("citation_pmid", "26813926"),
        ("citation_abstract_html_url", "https://example.org/p")]


# --- schema.org ------------------------------------------------------------------

# The schema.org properties each type used here may carry (https://schema.org/<Type>,
# including the properties inherited from CreativeWork and Thing), and the ones we
# require (Google's guidance for Article and Dataset).
SCHEMA = {
    "ScholarlyArticle": ({"@context", "@id", "url", "name", "headline", "author", "datePublished", "isPartOf",
                          "pageStart", "pageEnd", "pagination", "identifier", "sameAs", "abstract", "keywords",
                          "genre", "isAccessibleForFree", "citation"}, {"name", "headline", "url"}),
    "Person": ({"@context", "name", "familyName", "givenName", "url", "identifier", "affiliation"}, {"name"}),
    "Organization": ({"name", "url"}, {"name"}),
    "Periodical": ({"@context", "@id", "url", "name", "alternateName", "issn"}, {"name"}),
    "PublicationVolume": ({"volumeNumber", "isPartOf"}, {"volumeNumber", "isPartOf"}),
    "PublicationIssue": ({"issueNumber", "isPartOf"}, {"issueNumber", "isPartOf"}),
    "PropertyValue": ({"propertyID", "value"}, {"propertyID", "value"}),
    "CreativeWork": ({"name", "url"}, {"name"}),
    "Dataset": ({"@context", "@id", "url", "name", "description", "license", "creator", "isAccessibleForFree",
                 "keywords", "temporalCoverage", "variableMeasured", "distribution"}, {"name", "description"}),
    "DataDownload": ({"encodingFormat", "contentUrl", "name"}, {"encodingFormat", "contentUrl"}),
    "DefinedTerm": ({"@context", "@id", "url", "name", "description", "alternateName", "inDefinedTermSet"}, {"name"}),
}


def check_schema(item, path="$"):
    """Every object has a known @type, only that type's properties, and its required ones."""
    if isinstance(item, list):
        for i, x in enumerate(item):
            check_schema(x, f"{path}[{i}]")
        return
    if not isinstance(item, dict):
        return
    kind = item.get("@type")
    assert kind in SCHEMA, f"{path}: unknown @type {kind!r}"
    allowed, required = SCHEMA[kind]
    assert set(item) - {"@type"} <= allowed, f"{path}: {sorted(set(item) - {'@type'} - allowed)}"
    assert required <= set(item), f"{path}: missing {sorted(required - set(item))}"
    for key, value in item.items():
        if key not in ("@context", "@id"):
            check_schema(value, f"{path}.{key}")


def test_scholarly_article_json_ld(rich_server):
    doc = page(rich_server, f"/literature/papers/{NEW}")
    [article] = json_ld(doc)
    check_schema(article)
    assert article["@context"] == "https://schema.org"
    assert article["name"] == "Cerebellum: an explanation for dystonia?"  # Crossref, the publisher record, wins
    assert article["datePublished"] == "2017-05-12"
    assert article["isPartOf"] == {
        "@type": "PublicationIssue", "issueNumber": "1", "isPartOf": {
            "@type": "PublicationVolume", "volumeNumber": "4", "isPartOf": {
                "@type": "Periodical", "name": "Cerebellum & Ataxias", "alternateName": "Cerebellum Ataxias",
                "issn": ["2053-8871"], "url": f"{rich_server}/literature/journals/a6d5cc27217e"}}}
    assert article["author"][1] == {
        "@type": "Person", "name": "Alfredo Berardelli", "familyName": "Berardelli", "givenName": "Alfredo",
        "url": f"{rich_server}/literature/authors/edf9a364f3a6", "identifier": "https://orcid.org/0000-0002-1825-0097",
        "affiliation": [{"@type": "Organization", "name": "Department of Human Neurosciences, Sapienza University of Rome"}]}
    assert article["identifier"] == [{"@type": "PropertyValue", "propertyID": "DOI", "value": "10.1186/s40673-017-0064-8"}]
    assert article["sameAs"] == ["https://doi.org/10.1186/s40673-017-0064-8"]
    assert article["isAccessibleForFree"] is False


def test_json_ld_cannot_be_closed_by_the_data(rich_server):
    status, _, body = get(rich_server, f"/literature/papers/{JATS}")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1)
    assert "<" not in block and ">" not in block and "&" not in block
    assert json.loads(block)["citation"][1] == {
        "@type": "CreativeWork", "url": f"{rich_server}/literature/papers/{NEW}",
        "name": "Bologna M, Berardelli A. Cerebellum: an explanation for dystonia? Cerebellum Ataxias. (2017) 4:6. 10.1186/s40673-017-0064-8"}


def test_home_page_dataset_json_ld(server):
    doc = page(server, "/")
    [dataset] = json_ld(doc)
    check_schema(dataset)
    assert dataset["name"] == "Cerebellum and dystonia literature"
    assert dataset["license"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert dataset["description"].startswith("An open dataset of the scientific literature on the cerebellum and dystonia")
    assert 50 <= len(dataset["description"]) <= 5000  # Google's bounds for a Dataset description
    assert dataset["temporalCoverage"] == "2014/2017"
    assert [d["contentUrl"] for d in dataset["distribution"]] == [
        f"{server}/literature.db", f"{server}/-/export/literature/papers.csv",
        f"{server}/-/export/literature/papers.ndjson", f"{server}/-/export/literature/papers.bib",
        f"{server}/-/export/literature/papers.ris"]
    for download in dataset["distribution"]:
        request = urllib.request.Request(download["contentUrl"], method="HEAD")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200, download


def test_author_journal_topic_json_ld(rich_server):
    for path, kind, name in [("/literature/authors/edf9a364f3a6", "Person", "Alfredo Berardelli"),
                             ("/literature/journals/c5639d59c0cf", "Periodical", "Frontiers in Neurology"),
                             ("/literature/topics/cerebellum", "DefinedTerm", "Cerebellum")]:
        [item] = json_ld(page(rich_server, path))
        check_schema(item)
        assert (item["@type"], item["name"]) == (kind, name)


# --- the paper page ----------------------------------------------------------------

def test_citations_have_no_doubled_punctuation(server):
    doc = page(server, f"/literature/papers/{NEW}")
    assert doc.get_element_by_id("cite-ama").text == (
        "Bologna M, Berardelli A. Cerebellum: An explanation for dystonia? Cerebellum and Ataxias. 2017;4:6. "
        "doi:10.1186/s40673-017-0064-8")
    assert doc.get_element_by_id("cite-apa").text == (
        "Bologna, M., & Berardelli, A. (2017). Cerebellum: An explanation for dystonia? Cerebellum and Ataxias, "
        "4, 6. https://doi.org/10.1186/s40673-017-0064-8")
    doc = page(server, f"/literature/papers/{OLD}")  # only the first author is known
    assert doc.get_element_by_id("cite-ama").text == (
        "Malone A, et al. Dissecting the links between cerebellum and dystonia. Cerebellum. 2014;13(6):666-668. "
        "doi:10.1007/s12311-014-0601-4")
    assert doc.get_element_by_id("cite-apa").text == (
        "Malone, A., et al. (2014). Dissecting the links between cerebellum and dystonia. Cerebellum, 13(6), "
        "666–668. https://doi.org/10.1007/s12311-014-0601-4")


def test_provenance_is_folded_grouped_by_source_and_says_why(rich_server):
    doc = page(rich_server, f"/literature/papers/{NEW}")
    [details] = doc.xpath("//details[@class='provenance']")
    assert details.get("open") is None  # folded
    summary = " ".join(details.find("summary").text_content().split())
    assert summary == "2 source files describe this paper. They disagree on: citation_count, journal_title."  # the types agree once Crossref's is in PubMed's wording
    sources = [" ".join(h.text_content().split()) for h in details.xpath(".//section[@class='provenance-source']/h3")]
    assert sources == ["crossref_bologna.json crossref, publisher record",
                       "001_51f3e96b9982b093.txt aggregator_json, export"]
    rows = {" ".join(tr.xpath("th")[0].text_content().split()): [" ".join(td.text_content().split()) for td in tr.xpath("td")]
            for tr in details.xpath(".//table[@class='disagreements']/tbody/tr")}
    assert rows["journal_title"] == [
        "Cerebellum & Ataxias (crossref_bologna.json, publisher record)",
        "the value of the most trusted source that gives one",
        "Cerebellum and Ataxias (001_51f3e96b9982b093.txt, export)"]
    assert rows["citation_count"] == [
        "52 (crossref_bologna.json, publisher record)", "the highest count (counts only grow)",
        "45 (001_51f3e96b9982b093.txt, export)"]
    text = details.text_content()
    # the aggregator's claims with content are shown, those without (0, 0.0) are not
    assert "Q3" in text and "JCR quartile" in text
    for empty in ("RegionNum", "PeriodicalIF", "Total"):
        assert empty not in text
    assert "3 aggregator values with no content (0, 0.0 or empty) not shown." in " ".join(text.split())
    # the suppressed link is said, with its reason
    assert "suppressed: openAccessPdf pointed to a shadow library" in text


def test_references_link_to_the_cited_paper_else_doi(rich_server):
    doc = page(rich_server, f"/literature/papers/{JATS}")
    links = [li.xpath("a")[0].get("href") for li in doc.xpath("//ol[@class='references']/li")]
    assert links == ["https://doi.org/10.1007/s12311-016-0825-6", f"/literature/papers/{NEW}"]
    doc = page(rich_server, f"/literature/papers/{NEW}")
    assert [a.get("href") for a in doc.xpath("//h2[@id='cited-by']/following-sibling::ul[1]/li/a")] == [
        f"/literature/papers/{JATS}"]


# --- author, journal and topic pages -------------------------------------------------

def text_of(doc, xpath) -> list[str]:
    return [" ".join(e.text_content().split()) for e in doc.xpath(xpath)]


def test_author_page(rich_server):
    doc = page(rich_server, "/literature/authors/edf9a364f3a6")
    assert text_of(doc, "//h1") == ["Alfredo Berardelli"]
    facts = dict(zip(text_of(doc, "//dl[@class='facts']/dt"), text_of(doc, "//dl[@class='facts']/dd")))
    assert facts == {"ORCID": "0000-0002-1825-0097",
                     "Affiliations": "Department of Human Neurosciences, Sapienza University of Rome",
                     "Papers here": "1"}
    assert text_of(doc, "//section[h2='Co-authors']//li") == ["Matteo Bologna 1 paper"]
    assert text_of(doc, "//section[h2='Topics']//li") == ["Cerebellum 1", "Dystonia 1"]
    assert text_of(doc, "//h3[@class='year-heading']") == ["2017"]
    exports = {a.text: a.get("href") for a in doc.xpath("//p[@class='entity-links']/a")}
    through = urllib.parse.quote_plus(json.dumps({"table": "paper_authors", "column": "author_id", "value": "edf9a364f3a6"}))
    assert exports["BibTeX"] == f"/-/export/literature/papers.bib?_through={through}"
    status, _, bib = get(rich_server, exports["BibTeX"])
    assert status == 200 and bib.count("@article{") == 1 and "Berardelli, Alfredo" in bib
    status, _, ris = get(rich_server, exports["RIS"])
    assert status == 200 and ris.count("ER  -") == 1


def test_journal_page(rich_server):
    doc = page(rich_server, "/literature/journals/c5639d59c0cf")
    facts = dict(zip(text_of(doc, "//dl[@class='facts']/dt"), text_of(doc, "//dl[@class='facts']/dd")))
    assert facts == {"Full title": "Frontiers in Neurology", "Abbreviation": "Front. Neurol.", "ISSN": "1664-2295",
                     "Papers here": "1"}
    assert doc.xpath("//svg[@class='year-chart']//rect[@class='bar']/parent::a/@href") == [
        "/literature/papers?journal_id=c5639d59c0cf&year=2021"]


def test_topic_page(rich_server):
    doc = page(rich_server, "/literature/topics/cerebellum")
    assert text_of(doc, "//p[@class='lede']") == ["The cerebellum and cerebellar circuits as a whole."]
    facts = dict(zip(text_of(doc, "//dl[@class='facts']/dt"), text_of(doc, "//dl[@class='facts']/dd")))
    assert facts["Synonyms"] == "cerebellum, cerebella, cerebellar, cerebello* (a trailing * matches any ending)"
    assert facts["Words that matched"] == "cerebellum (3), cerebellar (1)"
    assert facts["Papers here"] == "3"
    assert text_of(doc, "//h2[.='Related topics']/following-sibling::ul[1]/li")[0] == "Dystonia 3"
    [list_link] = doc.xpath("//p[@class='entity-links']/a[1]/@href")
    assert list_link == "/literature/papers?topics__arraycontains=Cerebellum"
    listing = page(rich_server, list_link)
    assert len(listing.xpath("//table[contains(@class, 'papers-table')]/tbody/tr")) == 3


# --- the papers list -------------------------------------------------------------------

def test_papers_list_one_readable_row_per_paper(rich_server, rich_db):
    doc = page(rich_server, "/literature/papers")
    rows = doc.xpath("//table[contains(@class, 'papers-table')]/tbody/tr")
    assert [" | ".join(" ".join(td.text_content().split()) for td in tr.xpath("td")[1:6]) for tr in rows] == [
        "Li Wang, Christopher J. O’Neill Jr. | Frontiers in Neurology | 2021 | Review | Unknown",
        # Crossref's "journal-article", in PubMed's wording as the aggregator gives it
        "Matteo Bologna, Alfredo Berardelli | Cerebellum & Ataxias | 2017 | Journal Article | No",
        "Ailish Malone et al. | Cerebellum | 2014 | Editorial | Unknown"]
    assert [tr.xpath("td[7]//li/a/text()") for tr in rows] == [
        ["Cerebellum", "Basal ganglia", "Dystonia", "Deep brain stimulation"],
        ["Cerebellum", "Dystonia"],
        ["Cerebellum", "Basal ganglia", "Striatum", "Dystonia", "Ataxia", "Motor learning and adaptation", "Rodent models"]]
    assert rows[1].xpath("td[7]//li/a/@href") == ["/literature/topics/cerebellum", "/literature/topics/dystonia"]
    first = rows[0].xpath("td")[0]
    assert first.xpath("a/@href") == [f"/literature/papers/{JATS}"]
    assert first.xpath("details/summary/text()") == ["Abstract"]  # one click away
    assert rows[2].xpath("td[2]/a/@href") == ["/literature/authors/1aea9f1e670d"]
    facets = {" ".join(d.xpath("h3")[0].text_content().split()): [" ".join(li.text_content().split()) for li in d.xpath("ul/li")]
              for d in doc.xpath("//aside[@class='papers-facets']/div")}
    assert facets["Open access"] == ["No 1"]
    assert facets["Journal"] == ["Cerebellum 1", "Cerebellum & Ataxias 1", "Frontiers in Neurology 1"]
    assert list(facets) == ["Year", "Journal", "Publication type", "Author", "Topic", "Open access"]
    # a configured facet asked for again in the address is shown once (Datasette gives it twice)
    again = page(rich_server, "/literature/papers?_facet=year&_facet=journal_id&_facet_array=authors")
    assert [" ".join(h.text_content().split()) for h in again.xpath("//aside[@class='papers-facets']/div/h3")] == [
        "Year", "Journal", "Publication type", "Author", "Topic", "Open access"]
    # every column one click away, and Datasette's JSON unchanged
    all_columns = page(rich_server, "/literature/papers?_view=columns")
    assert "abstract" in all_columns.xpath("//table[@class='rows-and-columns']/thead/tr/th/@data-column")
    status, _, body = get(rich_server, "/literature/papers.json?_shape=array")
    assert [p["id"] for p in json.loads(body)] == [JATS, NEW, OLD]
    assert json.loads(body)[1]["authors"] == '["Matteo Bologna", "Alfredo Berardelli"]'


def test_papers_list_keeps_the_whole_set_downloads(rich_server):
    doc = page(rich_server, "/literature/papers?year=2017")
    links = {a.text: a.get("href") for a in doc.xpath("//p[@class='whole-set-export']/a")}
    assert links["BibTeX"] == "/-/export/literature/papers.bib?year=2017"
    assert doc.xpath("//p[@class='whole-set-export']/small")  # the note on limits
    assert len(doc.xpath("//table[contains(@class, 'papers-table')]/tbody/tr")) == 1


def test_home_page_says_the_licence_once_and_no_datasette_jargon(server):
    status, _, body = get(server, "/")
    doc = lxml.html.fromstring(body)
    for script in doc.xpath("//script"):
        script.drop_tree()
    [content] = doc.xpath("//section[@class='content']")  # the menu is datasette-search-all's
    text = " ".join(content.text_content().split()) + " ".join(doc.xpath("//footer")[0].text_content().split())
    assert text.count("CC0 1.0") == 1
    assert doc.xpath("//a[.='CC0 1.0']/@href") == ["https://creativecommons.org/publicdomain/zero/1.0/"]
    for jargon in ("rows in", "hidden table", "tables", "view"):
        assert jargon not in text.replace("read-only SQL", ""), jargon
    hrefs = doc.xpath("//a/@href")
    assert len([h for h in hrefs if "_facet" in h]) == 0  # a facet link doubled the configured facets
    assert doc.xpath("//form[@action='/literature/search']//input[@id='search-q']")


# --- robots.txt and the sitemap --------------------------------------------------------------

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(server, path) -> list[str]:
    status, headers, body = get(server, path)
    assert status == 200 and headers["content-type"].startswith("application/xml")
    return lxml.etree.fromstring(body.encode()).xpath("//s:loc/text()", namespaces=SITEMAP_NS)


def test_robots_txt_points_to_the_sitemap(server):
    status, _, body = get(server, "/robots.txt")
    assert status == 200
    assert f"Sitemap: {server}/sitemap.xml" in body.splitlines()
    assert "Disallow: /-/" in body.splitlines() and "Disallow: /literature?" in body.splitlines()


def test_sitemap_lists_every_page_once(rich_server, rich_db):
    urls = sitemap_urls(rich_server, "/sitemap.xml")
    assert len(urls) == len(set(urls))
    papers = sorted(u for u in urls if "/literature/papers/" in u)
    assert papers == [f"{rich_server}/literature/papers/{i}" for i in sorted([OLD, NEW, JATS])]
    for kind in ("authors", "journals"):
        ids = [r["id"] for r in db_rows(rich_db, f"select id from {kind}")]
        assert sorted(u for u in urls if f"/literature/{kind}/" in u) == sorted(
            f"{rich_server}/literature/{kind}/{i}" for i in ids)
    # Only the topics some paper has (the "Dissecting the links" abstract's seven, as its
    # page lists them, and the JATS paper's deep brain stimulation): an empty page is not
    # worth a search engine's visit.
    assert sorted(u for u in urls if "/literature/topics/" in u) == [
        f"{rich_server}/literature/topics/{i}" for i in ("ataxia", "basal-ganglia", "cerebellum",
                                                         "deep-brain-stimulation", "dystonia", "motor-learning",
                                                         "rodent-models", "striatum")]
    # home and papers list, 3 papers, 5 authors, 3 journals, 8 topics
    assert len(urls) == 2 + 3 + 5 + 3 + 8
    for url in urls[:8]:
        status, _, _ = get(rich_server, urllib.parse.urlsplit(url).path)
        assert status == 200, url


def test_sitemap_index_past_the_limit(rich_db, tmp_path, monkeypatch):
    """With at most 2 URLs a file, /sitemap.xml is an index; its files hold every page once."""
    monkeypatch.setenv("LITDB_SITEMAP_MAX_URLS", "2")
    with serving(rich_db, tmp_path / "datasette.log") as (_, url):
        files = sitemap_urls(url, "/sitemap.xml")
        assert files[:4] == [f"{url}/sitemap-front-0.xml", f"{url}/sitemap-papers-0.xml",
                             f"{url}/sitemap-papers-1.xml", f"{url}/sitemap-authors-0.xml"]
        parts = [sitemap_urls(url, urllib.parse.urlsplit(f).path) for f in files]
        pages = [u for part in parts for u in part]
        status, _, _ = get(url, "/sitemap-papers-2.xml")
        assert status == 404
    assert len(pages) == len(set(pages))
    assert sorted(u for u in pages if "/literature/papers/" in u) == [
        f"{url}/literature/papers/{i}" for i in sorted([OLD, NEW, JATS])]
    assert [len(part) for part in parts][:4] == [2, 2, 1, 2]


# --- helpers of plugins/pages.py, on their own ---------------------------------------------

def load_pages_plugin():
    return plugin_module("pages")


def test_structured_abstract_labels_and_scholar_dates():
    pages = load_pages_plugin()
    assert [str(p) for p in pages.abstract_paragraphs(
        "BACKGROUND: Dystonia is common.\n\nMaterials and methods: We scanned 20 patients.\n\n"
        "We close with therapy: deep brain stimulation.\n\nA < b & c")] == [
        "<strong>BACKGROUND:</strong> Dystonia is common.",
        "<strong>Materials and methods:</strong> We scanned 20 patients.",
        "We close with therapy: deep brain stimulation.",
        "A &lt; b &amp; c"]
    assert pages._scholar_date("2006-09-06") == "2006/9/6"
    assert pages._scholar_date("2014-12") == "2014/12"
    assert pages._scholar_date("2014") == "2014"
    assert pages._scholar_date(None) is None


def test_citation_punctuation_repairs():
    pages = load_pages_plugin()
    item = {"id": "x", "type": "article-journal", "title": "Is the cerebellum involved in dystonia?",
            "author": [{"family": "Doe", "given": "Jane"}, {"literal": "et al."}],
            "issued": {"date-parts": [[2020]]}, "container-title": "Mov Disord", "volume": "35", "page": "1-9"}
    assert pages.styled_reference(item, "AMA") == "Doe J, et al. Is the cerebellum involved in dystonia? Mov Disord. 2020;35:1-9."
    assert pages.styled_reference(item, "APA") == "Doe, J., et al. (2020). Is the cerebellum involved in dystonia? Mov Disord, 35, 1–9."
    # no author: the title in the author's place, and not again after it
    erratum = {"id": "e", "type": "article-journal", "title": "Erratum: Dissecting the links",
               "issued": {"date-parts": [[2015]]}, "container-title": "Cerebellum", "volume": "14", "page": "92"}
    assert pages.styled_reference(erratum, "AMA") == "Erratum: Dissecting the links. Cerebellum. 2015;14:92."
    assert pages.styled_reference(erratum, "APA") == "Erratum: Dissecting the links. (2015). Cerebellum, 14, 92."


def test_the_papers_list_rows_escape_every_value():
    """The papers list's rows (plugins/pages.py papers_table_rows, written in Python for
    speed): the markup the template wrote, every value escaped, typed out by hand."""
    import sys
    import types

    import jinja2

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
    import pages as pages_plugin

    datasette = types.SimpleNamespace(urls=types.SimpleNamespace(table=lambda db, name: f"/{db}/{name}"),
                                      jinja_env=jinja2.Environment())
    paper = {"id": "p<1>", "title": 'Tremor & "dystonia"', "abstract": "x " * 700, "authors_complete": 1,
             "author_links": [{"id": "a1", "name": "O'Brien, A"}, {"id": None, "name": "<b>Li</b>"}],
             "journal_id": "j1", "journal": "Brain & Mind", "year": 2017, "publication_types": ["Review", "<x>"],
             "is_open_access": None, "topic_links": [{"id": "tremor", "label": "Tremor"}, {"id": None, "label": "A&B"}]}
    assert str(pages_plugin.papers_table_rows(datasette, "literature", "papers", [paper])) == (
        '<tr>\n<td class="title" data-label="Title"><a href="/literature/papers/p&lt;1&gt;">Tremor &amp; '
        '&#34;dystonia&#34;</a>\n<details class="abstract"><summary>Abstract</summary><p>' + "x " * 597 + "x..."
        '</p></details></td>\n'
        '<td data-label="Authors"><a href="/literature/authors/a1">O&#39;Brien, A</a>, &lt;b&gt;Li&lt;/b&gt;</td>\n'
        '<td data-label="Journal"><a href="/literature/journals/j1">Brain &amp; Mind</a></td>\n'
        '<td data-label="Year">2017</td>\n<td data-label="Type">Review, &lt;x&gt;</td>\n'
        '<td data-label="Open access">Unknown</td>\n'
        '<td data-label="Topics"><ul class="chips"><li><a href="/literature/topics/tremor">Tremor</a></li>'
        '<li>A&amp;B</li></ul></td>\n</tr>\n')


def test_disagreements_say_what_is_shown_and_why_for_lists():
    """Keywords are every source's together: the list shown is the paper's own, each
    source's among the others; publication types are the most trusted source's list."""
    pages = load_pages_plugin()

    def row(source, filename, fmt, field, value, chosen):
        return {"source_id": source, "filename": filename, "format": fmt, "field": field, "value": value,
                "chosen": chosen, "disagrees": 1, "note": None}

    rows = [row(1, "wos/savedrecs.txt", "wos", "keywords", '["Cerebellum", "ANIMAL-MODEL"]', 1),
            row(2, "zotero.bib", "bibtex", "keywords", '["Cerebellum", "Purkinje cells"]', 1),
            row(1, "wos/savedrecs.txt", "wos", "publication_types", '["Journal Article", "Review"]', 1),
            row(2, "zotero.bib", "bibtex", "publication_types", '["Journal Article"]', 0)]
    view = pages.provenance_view(rows, {"keywords": '["Cerebellum", "ANIMAL-MODEL", "Purkinje cells"]'})
    keywords, types = view["disagreements"]
    assert keywords["field"] == "keywords" and keywords["why"] == "every source's values together"
    assert keywords["shown"]["value"] == '["Cerebellum", "ANIMAL-MODEL", "Purkinje cells"]'
    assert [o["value"] for o in keywords["others"]] == ['["Cerebellum", "ANIMAL-MODEL"]', '["Cerebellum", "Purkinje cells"]']
    assert types["why"] == ("the most trusted kind of source's longest list, with the types the others of that kind "
                            "add (sources name types in vocabularies of their own)")
    assert types["shown"]["value"] == '["Journal Article", "Review"]' and types["shown"]["source"]["filename"] == \
        "wos/savedrecs.txt"


def test_year_chart_labels_never_run_into_each_other():
    pages = load_pages_plugin()

    def labels(first, last):
        svg = str(pages.year_chart([{"year": first, "n": 1}, {"year": last, "n": 2}]))
        return [int(y) for y in re.findall(r'font-size="13">(\d{4})</text>', svg)]

    # 26 years: a label every 4; the last year's one slot after 2023 would overlap it
    # ("2023024"): the newest year is labelled, 2023 is not
    assert labels(1999, 2024) == [1999, 2003, 2007, 2011, 2015, 2019, 2024]
    assert labels(1999, 2023) == [1999, 2002, 2005, 2008, 2011, 2014, 2017, 2020, 2023]  # 25 slots: every third
    assert labels(2014, 2017) == [2014, 2015, 2016, 2017]
    assert labels(2016, 2016) == [2016]
