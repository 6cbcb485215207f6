"""A retracted paper says so next to its title, as PubMed shows it: a heading of its own
("This paper has been retracted") with the retraction notice's citation and PMID, and
smaller lines for expressions of concern, errata and what a notice retracts
(plugins/pages.py paper_notices, templates/row-literature-papers.html).

The corpus, tests/fixtures/retraction/, by hand:
  retracted.xml   PMID 31000002, Retracted Publication, RetractionIn "Sci Rep. 2021 Mar
                  1;11(1):5000" PMID 33640001 (the tester's repro, unchanged)
  notices.xml     PMID 33640001, its Retraction Note (Retraction of Publication,
                  RetractionOf PMID 31000002);
                  PMID 31000003, ExpressionOfConcernIn "Mov Disord. 2020 Jan;35(1):200.
                  <script>alert(1)</script>" PMID 31990001 and ErratumIn "Mov Disord. 2019
                  Aug;34(8):1250" (no PMID);
                  PMID 31000005, a journal article no source marks as retracted, and
                  PMID 31000006, "Retraction notice to ..." whose RetractionOf names 31000005
  type-only.nbib  PMID 31000004, MEDLINE, Retracted Publication as its only sign
  medline-rin.nbib PMID 31000007, MEDLINE, Retracted Publication and RIN "Cerebellum. 2020
                  Feb;19(1):150. PMID: 31990002"
"""

from __future__ import annotations

import os
import sqlite3

import lxml.html
import pytest

from conftest import CHROMIUM, FIXTURES, ROOT, build_quietly, get, plugin_module, screenshot, serving, watched_page

CORPUS = FIXTURES / "retraction"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("retraction") / "literature.db"
    assert build_quietly(CORPUS, path) == 0
    return path


@pytest.fixture(scope="module")
def ids(db):
    """{PMID: paper id}, read from the database."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(conn.execute("select pmid, id from papers"))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def site(db):
    with serving(db, db.parent / "datasette.log") as (_, url):
        yield url


def paper_page(site, paper_id) -> tuple[str, lxml.html.HtmlElement]:
    status, _, body = get(site, f"/literature/papers/{paper_id}")
    assert status == 200, body[:300]
    return body, lxml.html.fromstring(body)


def text(element) -> str:
    return " ".join(element.text_content().split())


def test_a_retracted_paper_says_so_under_its_title(site, ids):
    _, doc = paper_page(site, ids["31000002"])
    notice = doc.xpath("//article[@class='paper']/h1/following-sibling::*[1]")[0]
    assert notice.tag == "section" and "retracted" in notice.get("class")  # before the authors, first of all
    heading = notice.xpath("./h2")[0]
    assert text(heading) == "This paper has been retracted"
    assert notice.get("aria-labelledby") == heading.get("id")
    assert text(notice.xpath("./p")[0]) == "Retraction in: Sci Rep. 2021 Mar 1;11(1):5000 PMID: 33640001"
    links = {a.text_content(): a.get("href") for a in notice.xpath(".//a")}
    assert links == {"Sci Rep. 2021 Mar 1;11(1):5000": f"/literature/papers/{ids['33640001']}",  # the notice is here
                     "PMID: 33640001": "https://pubmed.ncbi.nlm.nih.gov/33640001/"}


def test_the_retraction_notice_says_what_it_retracts(site, ids):
    _, doc = paper_page(site, ids["33640001"])
    assert doc.xpath("//section[contains(@class, 'retracted')]") == []  # a notice is not itself retracted
    notes = doc.xpath("//section[@aria-label='Corrections and notices']")[0]
    assert [text(li) for li in notes.xpath(".//li")] == ["Retraction of: Sci Rep. 2019 Apr 2;9(1):5512 PMID: 31000002"]
    assert notes.xpath(".//a/@href") == [f"/literature/papers/{ids['31000002']}", "https://pubmed.ncbi.nlm.nih.gov/31000002/"]


def test_a_notice_in_the_dataset_flags_the_paper_its_own_record_does_not(site, ids):
    # PMID 31000005's record says nothing; the retraction notice 31000006 names it
    _, doc = paper_page(site, ids["31000005"])
    notice = doc.xpath("//section[contains(@class, 'retracted')]")[0]
    assert text(notice) == ("This paper has been retracted Retraction in: Retraction notice to \"Purkinje cell firing "
                            "in writer's cramp\". (2020) PMID: 31000006")
    assert notice.xpath(".//a/@href") == [f"/literature/papers/{ids['31000006']}", "https://pubmed.ncbi.nlm.nih.gov/31000006/"]


def test_expression_of_concern_and_erratum_are_smaller_lines_escaped(site, ids):
    body, doc = paper_page(site, ids["31000003"])
    assert doc.xpath("//section[contains(@class, 'retracted')]") == [] and "has been retracted" not in body
    notes = doc.xpath("//article[@class='paper']/h1/following-sibling::*[1]")[0]
    assert notes.get("aria-label") == "Corrections and notices"
    assert [text(li) for li in notes.xpath(".//li")] == [
        "Expression of concern in: Mov Disord. 2020 Jan;35(1):200. <script>alert(1)</script> PMID: 31990001",
        "Erratum in: Mov Disord. 2019 Aug;34(8):1250"]
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert doc.xpath("//article//script") == []


def test_a_medline_retraction_line_gives_the_notice(site, ids):
    _, doc = paper_page(site, ids["31000007"])
    notice = doc.xpath("//section[contains(@class, 'retracted')]")[0]
    assert text(notice) == "This paper has been retracted Retraction in: Cerebellum. 2020 Feb;19(1):150 PMID: 31990002"


def test_the_type_alone_is_enough(site, ids):
    _, doc = paper_page(site, ids["31000004"])
    notice = doc.xpath("//section[contains(@class, 'retracted')]")[0]
    assert text(notice) == ("This paper has been retracted Its publication type is Retracted Publication; the sources "
                            "do not cite the retraction notice (see its PubMed record).")
    assert notice.xpath(".//a/@href") == ["https://pubmed.ncbi.nlm.nih.gov/31000004/"]


def test_paper_notices_one_line_per_notice():
    pages = plugin_module("pages")
    notices = pages.paper_notices(
        ["Journal Article"],
        [("retraction_in", "Sci Rep. 2021 Mar 1;11(1):5000 PMID: 33640001"),  # pubmed_xml
         ("retraction_in", "Sci Rep. 2021;11:5000. doi: 10.1038/S41598-021-84001-0. PMID: 33640001."),  # a PubMed page
         ("comment_in", "Mov Disord. 2020;35:1."), ("aggregator:retraction_in", "x"), ("erratum_in", "")])
    assert notices["retracted"] is True
    assert notices["retraction"] == [{"field": "retraction_in", "label": "Retraction in", "pmid": "33640001",
                                      "citation": "Sci Rep. 2021 Mar 1;11(1):5000", "doi": None, "paper_id": None}]
    assert notices["others"] == []
    page_only = pages.paper_notices([], [("retraction_in", "Sci Rep. 2021;11:5000. doi: 10.1038/S41598-021-84001-0.")])
    assert page_only["retraction"][0]["doi"] == "10.1038/s41598-021-84001-0" and page_only["retraction"][0]["pmid"] is None
    assert pages.paper_notices(["Journal Article", "Review"], []) == {"retracted": False, "retraction": [], "others": []}
    assert pages.paper_notices(["Published Erratum"], [])["others"][0]["label"] == "This is an erratum"
    # an index's flag alone (OpenAlex's is_retracted): retracted, no notice to cite
    assert pages.paper_notices(["Journal Article"], [("retracted", "true")]) == {
        "retracted": True, "retraction": [], "others": []}
    assert pages.paper_notices(["Journal Article"], [("retracted", "false")])["retracted"] is False


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("pmid", ["31000002", "31000003"])
def test_notices_in_chromium_visible_and_accessible(browser, site, ids, pmid, width):
    assert AXE.exists(), "run `npm install` (package.json: axe-core)"
    with watched_page(browser, site, viewport={"width": width, "height": 900}) as page:
        assert page.goto(f"/literature/papers/{ids[pmid]}", wait_until="load").status == 200
        notice = page.locator(".paper-notice").first
        assert notice.is_visible()
        if pmid == "31000002":
            assert page.get_by_role("heading", name="This paper has been retracted").is_visible()
            # above the fold, between the title and the authors
            assert page.locator("h1").bounding_box()["y"] < notice.bounding_box()["y"] < \
                page.locator(".paper-authors").bounding_box()["y"] < 900
        else:
            assert page.get_by_role("region", name="Corrections and notices").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
        page.add_script_tag(url="/-/axe/axe.min.js")
        violations = page.evaluate("""async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
        }""")
        assert violations == []
        screenshot(page, f"paper-notice-{pmid}-{width}")
        assert page.console_errors == []


def test_lists_say_retracted_before_the_title(site, ids):
    """Search results and the paper lists of journal and author pages put the word
    "Retracted" before a retracted paper's title; other papers carry none."""
    status, _, body = get(site, "/literature/search?q=31000004")
    assert status == 200
    [item] = lxml.html.fromstring(body).xpath("//ol[@class='search-list']/li")
    assert text(item).startswith("Retracted Eyeblink conditioning in DYT1 dystonia")
    _, doc = paper_page(site, ids["31000007"])
    journal = doc.xpath("//a[@class='journal' or contains(@href, '/literature/journals/')]/@href")[0]
    status, _, body = get(site, journal)
    items = {text(li.xpath("a[@class='title']")[0]): li.xpath("strong[@class='retracted-badge']/text()")
             for li in lxml.html.fromstring(body).xpath("//ol[@class='paper-list']/li")}
    assert items["Eyeblink conditioning in DYT1 dystonia."] == ["Retracted"]
    assert items["Cerebellar volume in cervical dystonia."] == ["Retracted"]
    assert items == {"Cerebellar volume in cervical dystonia.": ["Retracted"],
                     "Eyeblink conditioning in DYT1 dystonia.": ["Retracted"]}
    status, _, body = get(site, "/literature/search?q=31000003")  # an expression of concern: not retracted
    [item] = lxml.html.fromstring(body).xpath("//ol[@class='search-list']/li")
    assert item.xpath("strong[@class='retracted-badge']") == [] and "Retracted" not in text(item)


def test_a_notice_printed_without_its_pmid_by_another_source_is_one_line():
    pages = plugin_module("pages")
    notices = pages.paper_notices(["Retracted Publication"], [
        ("retraction_in", "Mov Disord. 2021 Mar;36(3):800"),  # a PubMed summary save prints no PMID
        ("retraction_in", "Mov Disord. 2021 Mar;36(3):800 PMID: 34000999"),  # MEDLINE
    ])
    assert [(i["citation"], i["pmid"]) for i in notices["retraction"]] == [("Mov Disord. 2021 Mar;36(3):800", "34000999")]
