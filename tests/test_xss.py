"""Hostile seed files and hostile URLs: nothing a seed or a visitor writes may run as
script on the site.

A database is built from two seeds written here: an aggregator record whose title,
abstract, authors, journal, volume, publication types and extra fields carry script
(entity-encoded where the reader strips tags, so that it reaches the database as
markup), and a copy of seeds/000 with the same in its title, author and abstract
lines. It is served exactly as `make serve` serves (litdb.serve).

What each test proves (and why it is cheaper than one browser context per page, waiting
for network idle, as it was):

- test_served_html_escapes_every_payload, on every kind of page and on URLs that
  reflect hostile query parameters (44 of them), fetched as HTML without a browser:
  no payload reaches the page as markup (none of its raw text is in the HTML, and the
  HTML, parsed, holds no event-handler attribute, no script that runs mentioning the
  payload's flag and no javascript: link); every resource the page loads is the site's own (no
  request can leave the site: the CSP's default-src 'none' and the same-origin URLs);
  the page sends a Content-Security-Policy that allows no inline script but the listed
  hashes; and where the payload was in the data shown, the page shows it as text. The
  escaping is decided on the server: if the served HTML holds no markup from a payload,
  no browser can build an element out of it.
- test_no_script_runs_in_a_browser, in headless Chromium (one browser, one context,
  one page for the whole module; the load event), on the pages whose own scripts read
  the data or the URL (the home page's chart, the paper pages, the table page's column
  menus and facets, the SQL editor, the search pages, an error page): no dialog opened,
  the payloads' global flag was never set, no element came out of a payload, no request
  left the site, and the page raised no Content-Security-Policy violation (an injected
  handler would raise one even though the CSP blocks it). Those are the checks only a
  browser can make: what the scripts do with the data after the page is loaded.
- test_search_all_page_script_still_renders_results: the /-/search page's script
  fetches each table's JSON and writes the rows: the hostile titles arrive as text.
- test_javascript_open_access_link_is_never_published: the javascript: open-access
  link is neither in the JSON nor in the paper page.
"""

import html
import json
import os
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request

import lxml.html
import pytest

from conftest import CHROMIUM, SEEDS, build_quietly, serving

# Each sets window.__xss before opening a dialog, should it ever run.
SCRIPT = "<script>window.__xss=1;alert(1)</script>"
IMG = '<img src=x onerror="window.__xss=1;alert(1)">'
SVG = '"><svg onload=window.__xss=1;alert(1)>'
PAYLOADS = [SCRIPT, IMG, SVG]
SVG_NO_DOT = '"><svg onload=alert(1)>'  # PubMed's short citation line ends the author at a "."
# A payload that became markup: its opening tag as written, in the served HTML.
RAW = ["<script>window.__xss", "<img src=x onerror", "<svg onload"]

# Seen by the browser: markers that a payload became an element or a handler.
INJECTED_ELEMENTS = """() => { const RUNS = ['', 'text/javascript', 'module']; return [
  ...document.querySelectorAll('svg[onload], img[onerror], [onload], [onerror]'),
  ...[...document.scripts].filter(s => RUNS.includes((s.type || '').toLowerCase()) && s.text.includes('__xss')),
  ...[...document.querySelectorAll('a[href]')].filter(a => (a.getAttribute('href') || '').trim().toLowerCase().startsWith('javascript:')),
].map(e => e.outerHTML) }"""
# Script elements a browser runs (a JSON-LD or JSON data block is not run: the payload may
# be in it, JSON-escaped, which RAW above checks)
RUN_TYPES = ("", "text/javascript", "module")

RECORD_CSP_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
"""


def write_hostile_seeds(folder):
    folder.mkdir()
    entity = [html.escape(p, quote=False) for p in PAYLOADS]  # the reader strips tags, then unescapes
    record = {
        "title": "XSS aggregator title " + " ".join(entity),
        "authors": [{"name": "Eve " + e} for e in entity],
        "doi": "10.5555/xss.1",
        "abstract": "<p>XSS abstract " + " ".join(entity) + "</p>",
        "journal": {"name": "Journal of " + " ".join(PAYLOADS), "volume": IMG, "pages": "1-2"},
        "publicationDate": "2020-01-01",
        "publicationTypes": ["JournalArticle", SCRIPT],
        "isOpenAccess": True,
        "openAccessPdf": {"url": "javascript:window.__xss=1;alert(1)"},
        "venue": SCRIPT,
        "fieldsOfStudy": [SVG],
        "citationCount": 3,
    }
    (folder / "aggregator_xss.txt").write_text(json.dumps(record, ensure_ascii=False) + "\n引用次数: 3\n",
                                              encoding="utf-8")
    page = (SEEDS / "000_a766678b1bddf855.txt").read_text(encoding="utf-8")
    page = page.replace("Dissecting the links between cerebellum and dystonia", "PubMed XSS title " + " ".join(PAYLOADS))
    page = re.sub(r"Ailish Malone(\s+et al\.)", lambda m: "Mallory " + SVG_NO_DOT + m.group(1), page)
    page = page.replace("doi: 10.1007/s12311-014-0601-4.", "doi: 10.5555/xss.2.")
    page = page.replace("Dystonia is a common movement disorder", f"Abstract {SCRIPT} {IMG}. Dystonia is a common movement disorder")
    (folder / "pubmed_xss.txt").write_text(page, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile database, served as `make serve` serves; yields (base URL, ids)."""
    work = tmp_path_factory.mktemp("xss")
    write_hostile_seeds(work / "seeds")
    db = work / "literature.db"
    assert build_quietly(work / "seeds", db) == 0
    conn = sqlite3.connect(db)
    ids = {
        "aggregator_paper": conn.execute("select id from papers where doi = '10.5555/xss.1'").fetchone()[0],
        "pubmed_paper": conn.execute("select id from papers where doi = '10.5555/xss.2'").fetchone()[0],
        "author": conn.execute("select id from authors where name = ?", ["Eve " + SCRIPT]).fetchone()[0],
        "pubmed_author": conn.execute("select id from authors where name like 'Mallory%'").fetchone()[0],
        "journal": conn.execute("select id from journals where name like 'Journal of %'").fetchone()[0],
    }
    # The payloads reached the database as markup, so the pages below really test escaping.
    [title] = conn.execute("select title from papers where id = ?", [ids["aggregator_paper"]]).fetchone()
    assert all(p in title for p in PAYLOADS)
    assert conn.execute("select name from authors where id = ?", [ids["pubmed_author"]]).fetchone()[0] == "Mallory " + SVG_NO_DOT
    conn.close()

    with serving(db, work / "datasette.log") as (_, base):
        yield base, ids


def q(**params):
    return "?" + urllib.parse.urlencode(params)


# (path, text the page must show as text: proof the payload was there and escaped)
PAGES = [
    ("/", None),
    ("/literature", None),
    ("/literature/papers", "<script>"),
    ("/literature/papers" + q(_facet="journal_id"), "<script>"),
    ("/literature/papers/{aggregator_paper}", SCRIPT),
    ("/literature/papers/{pubmed_paper}", SVG),
    ("/literature/authors/{author}", SCRIPT),
    ("/literature/authors/{pubmed_author}", SVG_NO_DOT),
    ("/literature/journals/{journal}", IMG),
    ("/literature/authors", "<script>"),
    ("/literature/journals", "<script>"),
    ("/literature/provenance", "<script>"),
    ("/literature/disagreements", None),
    ("/-/search" + q(q="XSS"), None),  # the results are written by the page's script: see below
    ("/-/search" + q(q=SCRIPT), SCRIPT),
    ("/-/search" + q(q=SVG), SVG),
    ("/literature/search" + q(q="XSS"), "<script>"),
    ("/literature/search" + q(q=SCRIPT), None),
    ("/literature/papers_by_author" + q(author="Eve"), SCRIPT),
    ("/literature/papers_by_author" + q(author=SVG), SVG),
    ("/literature/references_of_paper" + q(paper_id="{pubmed_paper}"), None),
    ("/literature/references_of_paper" + q(paper_id=IMG), None),
    ("/literature/source_disagreements", None),
    ("/literature/papers" + q(_search=SCRIPT), None),
    ("/literature/papers" + q(_search=IMG, _searchmode="raw"), None),
    ("/literature/papers" + q(_sort=IMG), IMG),
    ("/literature/papers" + q(_sort_desc=SVG), None),
    ("/literature/papers" + q(_facet=SVG), None),
    ("/literature/papers" + q(_facet_array=SCRIPT), None),
    ("/literature/papers" + q(title__contains=SVG), None),
    ("/literature/papers" + q(title__contains="XSS"), "<script>"),
    ("/literature/papers" + q(authors__arraycontains="Eve " + SCRIPT), "<script>"),
    ("/literature/papers" + q(_col=SCRIPT), None),
    ("/literature/papers" + q(_next=IMG), None),
    ("/literature/papers" + q(_where=SCRIPT), None),
    ("/literature/papers" + q(**{SVG: "1"}), None),
    ("/literature" + q(sql=f"select '{SCRIPT}' as a, '{IMG}' as b, 1 as \"{SVG}\""), SCRIPT),
    ("/literature" + q(sql="select title from papers where title like :t", t="%XSS%"), "<script>"),
    ("/literature" + q(sql=SCRIPT), None),
    # the "SQL Interrupted" error page, one-line and multi-line SQL
    ("/literature" + q(sql="with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"), None),
    ("/literature" + q(sql=f"with recursive c(x) as (select 1 union all select x + 1 from c)\n"
                           f"select count(*), '{SCRIPT}' from c"), None),
    ("/literature/" + urllib.parse.quote(SCRIPT), None),
    ("/literature/papers/" + urllib.parse.quote(IMG), None),
    ("/" + urllib.parse.quote(SVG), None),
]
# Pages whose own scripts read the data or the URL: also visited in the browser.
IN_BROWSER = [
    "/",  # the papers-per-year chart
    "/literature/papers/{aggregator_paper}",
    "/literature/papers/{pubmed_paper}",
    "/literature/papers" + q(_facet="journal_id"),  # facets and the column menus (table.js)
    "/literature/papers" + q(_sort=IMG),
    "/literature" + q(sql=f"select '{SCRIPT}' as a, '{IMG}' as b, 1 as \"{SVG}\""),  # the SQL editor
    "/-/search" + q(q=SCRIPT),  # search-all.js, with a hostile query
    "/literature/search" + q(q="XSS"),
    "/" + urllib.parse.quote(SVG),  # an error page
]
assert set(IN_BROWSER) <= {path for path, _ in PAGES}


def with_ids(path: str, ids: dict) -> str:
    for name, value in ids.items():
        path = path.replace("{%s}" % name, value).replace("%%7B%s%%7D" % name, value)
    return path


def fetch(url: str):
    """(status, headers, body) of a GET; an HTTP error is an answer like any other."""
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers, r.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode("utf-8")


def script_sources(csp: str) -> list[str]:
    [directive] = [d.split()[1:] for d in csp.split(";") if d.split()[:1] == ["script-src"]]
    return directive


@pytest.mark.parametrize("path, shown", PAGES)
def test_served_html_escapes_every_payload(hostile, path, shown):
    base, ids = hostile
    status, headers, body = fetch(base + with_ids(path, ids))
    assert headers["content-type"].startswith("text/html"), (status, headers["content-type"])
    for raw in RAW:
        assert raw not in body, f"{raw!r} reached the page as markup"

    csp = headers["content-security-policy"]
    assert csp.startswith("default-src 'none'")
    # the site's own scripts, and inline ones only by their hashes
    assert [s for s in script_sources(csp) if s != "'self'" and not s.startswith("'sha256-")] == []

    doc = lxml.html.document_fromstring(body)
    handlers = [f"<{e.tag} {a}=...>" for e in doc.iter() if isinstance(e.tag, str) for a in e.attrib
                if a.lower().startswith("on")]
    assert handlers == []
    assert [s.text for s in doc.iter("script")
            if (s.get("type") or "").lower() in RUN_TYPES and "__xss" in (s.text or "")] == []
    host = urllib.parse.urlsplit(base).netloc
    for element in doc.iter():
        for attribute in ("href", "src", "action", "formaction", "data"):
            url = (element.get(attribute) or "").strip() if isinstance(element.tag, str) else ""
            assert not url.lower().startswith("javascript:"), f"<{element.tag} {attribute}={url!r}>"
            if element.tag in ("script", "link", "img", "iframe", "object", "embed", "source", "form"):
                # what the page loads or sends: the site's own (a relative URL, or this host)
                assert urllib.parse.urlsplit(url).netloc in ("", host), f"<{element.tag} {attribute}={url!r}>"
    if shown:
        for hidden in doc.xpath("//script | //style | //template"):
            hidden.drop_tree()
        assert shown in doc.text_content()


@pytest.fixture(scope="module")
def page(browser, hostile):
    """One page in one context for the whole module; what it records is cleared before
    each visit."""
    base, _ = hostile
    context = browser.new_context(base_url=base)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.dialogs, page.csp_console, page.requests = [], [], []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: "Content Security Policy" in m.text and page.csp_console.append(m.text))
    page.on("request", lambda r: page.requests.append(r.url))
    yield page
    context.close()


def visit(page, path: str) -> None:
    page.dialogs.clear(), page.csp_console.clear(), page.requests.clear()
    page.goto(path, wait_until="load")


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
@pytest.mark.parametrize("path", IN_BROWSER)
def test_no_script_runs_in_a_browser(page, hostile, path):
    base, ids = hostile
    visit(page, with_ids(path, ids))
    assert page.dialogs == []
    assert page.evaluate("window.__xss") is None
    assert page.evaluate(INJECTED_ELEMENTS) == []
    assert page.evaluate("window.__csp") == [] and page.csp_console == []
    host = urllib.parse.urlsplit(base).netloc
    assert [u for u in page.requests if urllib.parse.urlsplit(u).netloc != host] == []
    assert not [u for u in page.requests if urllib.parse.urlsplit(u).path in ("/x", "/literature/x")]


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_search_all_page_script_still_renders_results(page, hostile):
    """The /-/search page's script (/site/search-all.js) fetches each table's JSON and
    writes a line a row (innerHTML, through its autoescape): the hostile titles arrive as
    text."""
    visit(page, "/-/search" + q(q="XSS"))
    page.locator("#search-all-results ul.search-all-list li").first.wait_for()
    text = page.inner_text("#search-all-results")
    assert "2 results in papers" in text
    assert SCRIPT in text and IMG in text
    assert page.evaluate("window.__xss") is None
    assert page.evaluate(INJECTED_ELEMENTS) == [] and page.dialogs == []


def test_javascript_open_access_link_is_never_published(hostile):
    base, ids = hostile
    with urllib.request.urlopen(base + f"/literature/papers/{ids['aggregator_paper']}.json?_shape=array") as r:
        [paper] = json.loads(r.read())
    assert paper["open_access_url"] is None
    with urllib.request.urlopen(base + f"/literature/papers/{ids['aggregator_paper']}") as r:
        body = r.read().decode()
    assert 'href="javascript:' not in body.lower()
    assert "&lt;script&gt;window.__xss=1;alert(1)&lt;/script&gt;" in body and SCRIPT not in body
