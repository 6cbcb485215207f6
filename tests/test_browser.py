"""The site in a real browser: Debian's Chromium, headless, driven by Playwright,
against the real server on 127.0.0.1. Screenshots go to test-artifacts/
(`make screenshots`)."""

import os
import urllib.parse

import bibtexparser
import pytest

from conftest import CHROMIUM, screenshot, watched_page

OLD = "486bd29b069a"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")


@pytest.fixture
def page(browser, server):
    """A page that records console errors and every request it makes."""
    with watched_page(browser, server, accept_downloads=True) as page:
        yield page
    host = urllib.parse.urlsplit(server).netloc
    assert page.console_errors == []
    assert [u for u in page.requests if urllib.parse.urlsplit(u).netloc != host] == []


def test_home_page_has_chart_and_search_box(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Cerebellum and dystonia literature"
    chart = page.locator("svg.year-chart")
    assert chart.count() == 1 and chart.locator("rect.bar").count() == 2
    assert chart.locator("text", has_text="2015").count() == 1  # empty years keep their slot
    assert page.locator("#search-q").is_visible()
    assert page.locator(".counts li").all_inner_texts() == [
        "2\npapers", "2\njournals", "3\nauthors", "5\nreferences", "2\nsource files"]
    screenshot(page, "home")


def test_search_all_tables_finds_the_seed_papers(page):
    page.goto("/-/search?q=dystonia")
    results = page.locator("text=Dissecting the links between cerebellum and dystonia")
    results.first.wait_for()
    assert page.locator("text=Cerebellum: An explanation for dystonia?").count() >= 1
    screenshot(page, "search-all")


def test_clicking_a_facet_filters_the_rows(page):
    page.goto("/literature/papers")
    assert page.locator("table.rows-and-columns tbody tr").count() == 2
    page.locator(".facet-info", has_text="Publication type").locator("a", has_text="Editorial").click()
    page.wait_for_url("**publication_types__arraycontains=Editorial**")
    rows = page.locator("table.rows-and-columns tbody tr")
    assert rows.count() == 1
    assert "Dissecting the links between cerebellum and dystonia" in rows.first.inner_text()
    screenshot(page, "papers-facet")


def test_paper_page_shows_references_and_provenance(page):
    page.goto(f"/literature/papers/{OLD}")
    assert page.locator("h1").inner_text() == "Dissecting the links between cerebellum and dystonia"
    assert page.locator(".paper-authors").inner_text() == "Ailish Malone, et al."
    assert page.locator("ol.references li").count() == 5
    assert page.locator("ol.references li").first.inner_text().startswith("Eur J Neurol. 2015 May;22(5):762-7")
    rows = page.locator("table.provenance tbody tr")
    assert rows.count() == 13
    assert "000_a766678b1bddf855.txt" in page.locator("section.provenance-source h3").first.text_content()
    assert page.locator("a[href='https://doi.org/10.1007/s12311-014-0601-4']").count() == 1
    screenshot(page, "paper")


def test_journal_and_author_pages_list_papers(page):
    page.goto(f"/literature/papers/{OLD}")
    page.click(".paper-authors a")
    assert page.locator("h1").inner_text() == "Ailish Malone"
    assert page.locator("ol.paper-list li").all_inner_texts()[0].startswith("Dissecting the links")
    screenshot(page, "author")
    page.goto(f"/literature/papers/{OLD}")
    page.click(".paper-meta a")
    assert page.locator("h1").inner_text() == "Cerebellum"
    assert page.locator("ol.paper-list li").count() == 1
    screenshot(page, "journal")


def test_bibtex_export_link_downloads_a_parseable_file(page, tmp_path):
    page.goto(f"/literature/papers/{OLD}")
    with page.expect_download() as download:
        page.click("text=BibTeX")
    path = tmp_path / "paper.bib"
    download.value.save_as(path)
    [entry] = bibtexparser.parse_string(path.read_text(encoding="utf-8")).entries
    assert entry["title"] == "Dissecting the links between cerebellum and dystonia"
    assert entry["doi"] == "10.1007/s12311-014-0601-4"


def test_table_export_link_downloads_bibtex(page, tmp_path):
    page.goto("/literature/papers")
    with page.expect_download() as download:
        page.click("a[href^='/literature/papers.bib']")
    path = tmp_path / "papers.bib"
    download.value.save_as(path)
    library = bibtexparser.parse_string(path.read_text(encoding="utf-8"))
    assert sorted(e["title"] for e in library.entries) == [
        "Cerebellum: An explanation for dystonia?", "Dissecting the links between cerebellum and dystonia"]
