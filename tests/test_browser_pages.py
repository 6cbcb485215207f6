"""The pages of plugins/pages.py in a real browser (Debian's Chromium, headless, driven by
Playwright, as tests/test_browser.py launches it) at 1280 and 390 px: what must be
visible, no horizontal page scroll, no console error, no request leaving 127.0.0.1,
axe-core (served by the site itself from the npm package, /-/axe/axe.min.js) with no
serious or critical violation, and every link of every page answering. Screenshots go
to test-artifacts/pages-<name>-<width>.png (`make screenshots`).

One browser and one page for the whole module (the viewport changes between widths);
pages are waited for until their load event, never network idle."""

import os
import urllib.parse

import pytest

from conftest import CHROMIUM, ROOT, screenshot, watched_page
from test_pages import JATS, NEW, OLD, rich_db, rich_server  # noqa: F401 (fixtures)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")

# name, path, the h1, selectors that must be visible
PAGES = [
    ("home", "/", "Cerebellum and dystonia literature", ["#search-q", "svg.year-chart", ".counts"]),
    ("papers", "/literature/papers", "Papers", ["table.papers-table", ".papers-facets", ".whole-set-export"]),
    ("papers-topic", "/literature/papers?topics__arraycontains=Cerebellum&year=2017", "Papers",
     ["table.papers-table", ".papers-facets li.selected"]),
    ("papers-columns", "/literature/papers?_view=columns", "Papers", ["table.rows-and-columns"]),
    ("paper-two-sources", f"/literature/papers/{NEW}", "Cerebellum: an explanation for dystonia?",
     [".paper-authors", "#cite-ama", "details.provenance > summary"]),
    ("paper-references", f"/literature/papers/{JATS}", "The cerebellum in dystonia — from networks to therapy",
     ["ol.references", ".paper-abstract"]),
    ("paper-seed", f"/literature/papers/{OLD}", "Dissecting the links between cerebellum and dystonia",
     [".paper-meta", "#cite-apa"]),
    ("author", "/literature/authors/edf9a364f3a6", "Alfredo Berardelli", ["dl.facts", "ol.paper-list", "svg.year-chart"]),
    ("journal", "/literature/journals/a6d5cc27217e", "Cerebellum & Ataxias", ["dl.facts", "ol.paper-list"]),
    ("topic", "/literature/topics/cerebellum", "Cerebellum", ["dl.facts", "ul.topics", "ol.paper-list"]),
]
WIDTHS = [1280, 390]
LINKS: set[str] = set()  # every same-site link seen, checked once at the end


@pytest.fixture(scope="module")
def page(browser, rich_server):  # noqa: F811
    assert AXE.exists(), "run `npm install` (package.json: axe-core)"
    with watched_page(browser, rich_server) as page:
        yield page


def serious_violations(page) -> list[str]:
    page.add_script_tag(url="/-/axe/axe.min.js")
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
    }""")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name,path,heading,visible", PAGES, ids=[p[0] for p in PAGES])
def test_page(page, rich_server, name, path, heading, visible, width):  # noqa: F811
    page.console_errors.clear()
    page.requests.clear()
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(path, wait_until="load")
    assert response.status == 200
    assert page.locator("h1").first.inner_text() == heading
    for selector in visible:
        assert page.locator(selector).first.is_visible(), selector
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:  # which elements stick out, for the message (a walk of every element)
        wide = page.evaluate("""w => [...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > w)
            .slice(0, 5).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)""", width)
        pytest.fail(f"{name} scrolls sideways by {overflow} px at {width} px: {wide}")
    # chart labels stay readable when the chart shrinks to a phone's width
    heights = page.eval_on_selector_all("svg.year-chart text", "ts => ts.map(t => t.getBoundingClientRect().height)")
    assert all(h >= 11 for h in heights), heights
    assert serious_violations(page) == []
    screenshot(page, f"pages-{name}-{width}")
    host = urllib.parse.urlsplit(rich_server).netloc
    assert [u for u in page.requests if urllib.parse.urlsplit(u).netloc != host] == []
    assert page.console_errors == []
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)"):
        parts = urllib.parse.urlsplit(href)
        if parts.netloc == host and parts.scheme in ("http", "https"):
            LINKS.add(urllib.parse.urlunsplit(parts._replace(fragment="")))


def test_every_link_of_the_pages_answers(page):
    assert len(LINKS) > 50
    broken = []
    for url in sorted(LINKS):
        response = page.request.head(url) if "/-/export/" in url else page.request.get(url)
        if response.status != 200:
            broken.append(f"{response.status} {url}")
    assert broken == []


def test_paper_page_provenance_opens_and_citations_read_well(page):
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"/literature/papers/{NEW}", wait_until="load")
    table = page.locator("table.disagreements")
    assert not table.is_visible()  # folded by default
    page.click("details.provenance > summary")
    assert table.is_visible()
    assert page.locator("section.provenance-source").count() == 2
    assert page.locator("#cite-ama").input_value().startswith("Bologna M, Berardelli A. Cerebellum: an explanation for dystonia? Cerebellum")
    # the page itself stays 390 px wide: the tables scroll in their own box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert serious_violations(page) == []  # open, too
    screenshot(page, "pages-paper-provenance-open-390")


def test_papers_list_abstract_and_facets(page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/literature/papers", wait_until="load")
    first = page.locator("table.papers-table tbody tr").first
    abstract = first.locator("details.abstract p")
    assert not abstract.is_visible()
    first.locator("details.abstract summary").click()
    assert abstract.is_visible() and "cerebellum" in abstract.inner_text()
    page.locator(".papers-facets .facet-info", has_text="Journal").locator("a", has_text="Cerebellum & Ataxias").click()
    page.wait_for_url("**journal_id=a6d5cc27217e**")
    assert page.locator("table.papers-table tbody tr").count() == 1
    page.click("text=Show every column")
    page.wait_for_url("**_view=columns**")
    assert page.locator("table.rows-and-columns th[data-column=abstract]").count() == 1


def test_home_search_box_leads_to_the_ranked_search(page):
    page.goto("/", wait_until="load")
    page.fill("#search-q", "purkinje OR cerebellum[ti]")
    page.press("#search-q", "Enter")
    page.wait_for_url("**/literature/search?q=**")
    assert page.locator("h1").inner_text() == "Search papers"


@pytest.mark.parametrize("width", WIDTHS)
def test_search_every_table_lists_linked_rows(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/-/search?q=dystonia", wait_until="load")
    links = page.locator("ul.search-all-list li > a")
    links.first.wait_for()
    assert sorted(links.all_inner_texts()) == [
        "Cerebellum: an explanation for dystonia?", "Dissecting the links between cerebellum and dystonia",
        "The cerebellum in dystonia — from networks to therapy"]
    assert sorted(links.evaluate_all("links => links.map(a => a.getAttribute('href'))")) == [
        f"/literature/papers/{OLD}", f"/literature/papers/{NEW}", f"/literature/papers/{JATS}"]
    # a line a paper: authors, journal, year; never the abstract
    assert "Dystonia is a" not in page.locator("#search-all-results").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert serious_violations(page) == []
    assert page.console_errors == []
    screenshot(page, f"pages-search-all-{width}")
