"""Datasette's own pages (database, table, SQL and canned-query, row pages of the tables
that have no template of ours, /-/search, error pages) in a real browser, as
tests/test_browser_pages.py drives the site's own pages: Debian's Chromium, headless, at
1280 and 390 px; no horizontal page scroll (a wide table scrolls in its own box), no
console error, no request leaving 127.0.0.1, axe-core (served by the site from the npm
package) with no serious or critical violation. Screenshots go to
test-artifacts/datasette-<name>-<width>.png (`make screenshots`).

What templates/table.html, query.html, database.html, static/sql-editor-label.js and
site.css change is checked by name too: the filter controls' labels, the SQL editor's,
the "Format SQL" button's colour, a filter applied through the labelled form.

One browser, one context and one page for the module; pages are waited for until their
load event."""

import os
import urllib.parse

import pytest

from conftest import CHROMIUM, ROOT, screenshot, watched_page
from test_browser_pages import serious_violations
from test_pages import JATS, rich_db, rich_server  # noqa: F401 (fixtures)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")

# name, path, HTTP status, the h1, selectors that must be visible
PAGES = [
    ("database", "/literature", 200, "literature", ["form.sql .CodeMirror", "#sql-format", "h2#tables"]),
    ("journals", "/literature/journals", 200, "journals", ["form.filters", "details.column-help", "table.rows-and-columns"]),
    ("authors", "/literature/authors", 200, "authors", ["form.filters", "table.rows-and-columns"]),
    ("topics", "/literature/topics", 200, "topics", ["form.filters", "table.rows-and-columns"]),
    ("paper-references", "/literature/paper_references", 200, "paper_references",
     ["form.filters", ".whole-set-export", "table.rows-and-columns"]),
    ("sources", "/literature/sources", 200, "sources", ["form.filters", "table.rows-and-columns"]),
    ("sources-filtered-faceted", "/literature/sources?status=loaded&_facet=format", 200, "sources",
     [".filter-row select[name=_filter_column_1]", ".facet-info a.cross", "table.rows-and-columns"]),
    ("provenance", "/literature/provenance", 200, "provenance", ["form.filters", ".whole-set-export"]),
    ("disagreements", "/literature/disagreements", 200, "disagreements (view)", ["form.filters", "table.rows-and-columns"]),
    ("sql", "/literature?sql=select+*+from+papers", 200, "literature",
     ["form.sql .CodeMirror", "#sql-format", ".whole-set-export", ".table-wrapper table.rows-and-columns"]),
    ("sql-error", "/literature?sql=select+nonsense", 400, "literature", ["form.sql .CodeMirror", "p.message-error"]),
    ("canned-query", "/literature/source_disagreements", 200, "Where sources disagree",
     ["pre#sql-query", ".whole-set-export", "table.rows-and-columns"]),
    ("canned-query-parameter", "/literature/papers_by_author?author=Bol", 200, "Papers by author",
     ["pre#sql-query", "input#qp1", "table.rows-and-columns"]),
    ("row-sources", "/literature/sources/1", 200, "sources: 1", ["table.rows-and-columns"]),
    ("row-paper-references", f"/literature/paper_references/{JATS},1", 200, f"paper_references: {JATS}, 1",
     ["table.rows-and-columns"]),
    ("row-provenance", "/literature/provenance/1", 200, "provenance: 1", ["table.rows-and-columns"]),
    ("search-all", "/-/search?q=dystonia", 200, "Search every table", ["#search-all-q", "ul.search-all-list li > a"]),
    ("not-found", "/literature/no_such_table", 404, "Error 404", [".content"]),
    ("bad-request", "/literature/papers?_sort=no_such_column", 400, "Error 400", [".content"]),
]
WIDTHS = [1280, 390]


@pytest.fixture(scope="module")
def page(browser, rich_server):  # noqa: F811
    assert AXE.exists(), "run `npm ci` (package.json: axe-core)"
    with watched_page(browser, rich_server) as page:
        yield page


def visit(page, path, width):
    page.console_errors.clear()
    page.requests.clear()
    page.set_viewport_size({"width": width, "height": 900})
    return page.goto(path, wait_until="load")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name,path,status,heading,visible", PAGES, ids=[p[0] for p in PAGES])
def test_page(page, rich_server, name, path, status, heading, visible, width):  # noqa: F811
    response = visit(page, path, width)
    assert response.status == status
    assert page.locator("h1").first.inner_text() == heading
    for selector in visible:
        # /-/search lists its rows after the load event (each table's JSON, fetched)
        page.locator(selector).first.wait_for(state="visible", timeout=30_000)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 0:  # which elements stick out, for the message (a walk of every element)
        wide = page.evaluate("""w => [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > w || e.scrollWidth > e.clientWidth + 1)
            .slice(0, 5).map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)""", width)
        pytest.fail(f"{name} scrolls sideways by {overflow} px at {width} px: {wide}")
    assert serious_violations(page) == []
    screenshot(page, f"datasette-{name}-{width}")
    host = urllib.parse.urlsplit(rich_server).netloc
    assert [u for u in page.requests if urllib.parse.urlsplit(u).netloc != host] == []
    # An error page's own status is reported by Chromium as a console error; nothing else may be.
    expected = [(f"Failed to load resource: the server responded with a status of {status} "
                 f"({response.status_text})", response.url)] if status != 200 else []
    assert page.console_errors == expected


def test_a_wide_result_scrolls_in_its_own_focusable_box(page):
    visit(page, "/literature?sql=select+*+from+papers", 1280)
    box = page.locator(".table-wrapper")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # 3 papers x 24 columns: wider than the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert box.get_attribute("tabindex") == "0"
    assert page.get_by_role("region", name="the rows of this query").count() == 1


def test_filter_controls_are_labelled_and_still_filter(page):
    visit(page, "/literature/sources?status=loaded", 390)
    assert page.get_by_label("Filter 1: column").input_value() == "status"
    assert page.get_by_label("Filter 1: how to compare").input_value() == "exact"
    assert page.get_by_label("Filter 1: value").input_value() == "loaded"
    assert page.get_by_label("Sort by").is_visible()  # the phones-only sort select
    page.get_by_label("New filter: column").select_option("format")
    page.get_by_label("New filter: value").fill("jats")
    page.click("input[type=submit][value=Apply]")
    page.wait_for_url("**format__exact=jats**")
    assert page.locator("h3").first.inner_text() == '1 row where format = "jats" and status = "loaded" sorted by filename'
    assert page.locator("table.rows-and-columns tbody tr").count() == 1


@pytest.mark.parametrize("path", ["/literature", "/literature?sql=select+1"])
def test_sql_editor_is_named_and_format_button_readable(page, path):
    visit(page, path, 1280)
    assert page.get_by_role("textbox", name="SQL query").count() == 1  # CodeMirror's own textarea
    assert page.locator(".CodeMirror textarea").get_attribute("aria-label") == "SQL query"
    # #0a58a8 on white, 7.0:1 (Datasette's #007bff is 3.97:1)
    assert page.locator("#sql-format").evaluate("b => getComputedStyle(b).color") == "rgb(10, 88, 168)"
