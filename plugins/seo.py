"""What crawlers read: /robots.txt and /sitemap.xml.

The sitemap lists the home page, the papers list and every paper, author, journal and
topic page, each exactly once, with absolute URLs built from the site's public address
(litdb.serve.PUBLIC_URL_ENV, as every absolute link of the site). The sitemaps protocol
allows 50,000 URLs a file (https://www.sitemaps.org/protocol.html): past that,
/sitemap.xml is a sitemap index of /sitemap-<kind>-<n>.xml files, each of at most
MAX_URLS URLs of one kind, read by keyset on the id so that no file costs more than one
indexed range scan. The meta tags and JSON-LD of the pages are built in plugins/pages.py.

Also /-/axe/axe.min.js: the npm package axe-core (package.json), served by the site
itself for the accessibility checks of tests/test_browser_pages.py; 404 when
`npm install` has not been run.
"""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from datasette import hookimpl
from datasette.utils.asgi import Response

from litdb.serve import PUBLIC_URL_ENV

DB = "literature"
# URLs per sitemap file: the protocol's limit (LITDB_SITEMAP_MAX_URLS lowers it for the tests)
MAX_URLS = int(os.environ.get("LITDB_SITEMAP_MAX_URLS") or 50_000)
KINDS = ("papers", "authors", "journals", "topics")  # each table's pages: /literature/<kind>/<id>
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
XML = "application/xml; charset=utf-8"


def site_url() -> str:
    return (os.environ.get(PUBLIC_URL_ENV) or "http://127.0.0.1:8001").rstrip("/")


ROBOTS = """\
# Crawl the pages; skip the endless variations (sorts, pages, facets, SQL, downloads).
User-agent: *
Allow: /-/static/
Disallow: /-/
Disallow: /literature?
Disallow: /literature.db
Disallow: /*.json
Disallow: /*.csv
Disallow: /*.bib
Disallow: /*.ris
Disallow: /*.csljson
Disallow: /*?*_next=
Disallow: /*?*_sort
Disallow: /*?*_facet
Disallow: /*?*_view=

Sitemap: {base}/sitemap.xml
"""


async def robots(datasette, request):
    return Response.text(ROBOTS.format(base=site_url()))


# Pages worth a search engine's visit: a topic of the vocabulary no paper has is an
# empty page (authors and journals exist only through their papers).
LISTED = {"papers": "", "authors": "", "journals": "", "topics": "where paper_count > 0"}


async def _count(db, kind: str) -> int:
    return (await db.execute(f"select count(*) from {kind} {LISTED[kind]}")).rows[0][0]


async def _ids(db, kind: str, n: int) -> list[str]:
    """The ids of the n-th file of a kind (0-based), in id order."""
    sql = f"select id from {kind} {LISTED[kind]} order by id limit {MAX_URLS} offset {n * MAX_URLS}"
    return [row[0] for row in (await db.execute(sql)).rows]


def _urlset(urls: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<url><loc>{escape(u)}</loc></url>" for u in urls]
    return "\n".join(lines + ["</urlset>", ""])


def _page_urls(kind: str, ids: list[str]) -> list[str]:
    from urllib.parse import quote

    base = site_url()
    return [f"{base}/{DB}/{kind}/{quote(i, safe='')}" for i in ids]


async def sitemap(datasette, request):
    db = datasette.get_database(DB)
    counts = {kind: await _count(db, kind) for kind in KINDS}
    base = site_url()
    front = [f"{base}/", f"{base}/{DB}/papers"]
    if len(front) + sum(counts.values()) <= MAX_URLS:
        urls = list(front)
        for kind in KINDS:
            urls += _page_urls(kind, await _ids(db, kind, 0))
        return Response(_urlset(urls), content_type=XML)
    files = [f"{base}/sitemap-front-0.xml"]
    for kind in KINDS:
        files += [f"{base}/sitemap-{kind}-{n}.xml" for n in range(-(-counts[kind] // MAX_URLS))]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"<sitemap><loc>{escape(f)}</loc></sitemap>" for f in files]
    return Response("\n".join(lines + ["</sitemapindex>", ""]), content_type=XML)


async def sitemap_part(datasette, request):
    kind, n = request.url_vars["kind"], int(request.url_vars["n"])
    if kind == "front" and n == 0:
        base = site_url()
        return Response(_urlset([f"{base}/", f"{base}/{DB}/papers"]), content_type=XML)
    if kind not in KINDS:
        return Response.text("404: no such sitemap\n", status=404)
    ids = await _ids(datasette.get_database(DB), kind, n)
    if not ids:
        return Response.text("404: no such sitemap\n", status=404)
    return Response(_urlset(_page_urls(kind, ids)), content_type=XML)


async def axe(datasette, request):
    if not AXE.exists():
        return Response.text("404: axe-core is not installed (npm install)\n", status=404)
    return Response(AXE.read_text(encoding="utf-8"), content_type="text/javascript; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/robots\.txt$", robots),
        (r"^/sitemap\.xml$", sitemap),
        (r"^/sitemap-(?P<kind>[a-z]+)-(?P<n>\d{1,6})\.xml$", sitemap_part),
        (r"^/-/axe/axe\.min\.js$", axe),
    ]
