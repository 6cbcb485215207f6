"""The search page: PubMed-style queries (litdb/search.py) over literature.db.

    /literature/search?q=...&page=N         the page (templates/search.html)
    /literature/search.json?q=...&page=N    the same as JSON (_shape=array: the rows alone)

It takes the place of the canned query of the same name (plugin routes come before
Datasette's own). An empty query shows the form and the syntax help; a query that cannot
be read is a 400 with one line saying what is wrong and where. Every query runs under the
server's SQL time limit; the facets under the facet limit, and a page without facets is
shown when they take longer.
"""

from __future__ import annotations

import json
import math
import urllib.parse

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from litdb import search as pubmed

DB = "literature"
PAGE_SIZE = 50
MAX_SIZE = 200
MAX_PAGE = 100_000
FACET_TIME_LIMIT_MS = 500
FACETS = [("year", "Year", "dp"), ("journal", "Journal", "ta"), ("type", "Publication type", "pt"),
          ("topic", "Topic", "topic")]
# Whole-set downloads: plugins/exports.py streams every paper of the search's own SQL
# (/-/export/literature.<format>?sql=...&<its parameters>).
EXPORTS = [("bib", "BibTeX"), ("ris", "RIS"), ("csljson", "CSL-JSON"), ("csv", "CSV"), ("ndjson", "NDJSON")]
MAX_EXPORT_PARAMS = 60  # plugins/security.py refuses URLs with more than 64 parameters



@hookimpl
def prepare_connection(conn):
    pubmed.register_functions(conn)


@hookimpl
def register_routes():
    return [(rf"^/{DB}/search(?P<as_json>\.json)?$", search_view)]


def marked(text: str | None) -> Markup:
    """Text with FTS5's marks as <mark> elements; everything else escaped."""
    return Markup("").join(Markup("<mark>{}</mark>").format(piece) if is_marked else escape(piece)
                           for piece, is_marked in pubmed.marked_parts(text))


def starred(text: str | None) -> str:
    """The same for JSON: matched words between ** as the canned query had them."""
    return "".join(f"**{piece}**" if is_marked else piece for piece, is_marked in pubmed.marked_parts(text))


def search_url(q: str, page: int = 1, as_json: bool = False, size: int = PAGE_SIZE) -> str:
    params = {"q": q} | ({"page": page} if page > 1 else {}) | ({"_size": size} if size != PAGE_SIZE else {})
    return f"/{DB}/search{'.json' if as_json else ''}?" + urllib.parse.urlencode(params)


def export_links(search: pubmed.Search) -> list[dict]:
    """Downloads of every paper a search finds: its SQL and parameters, as plugins/exports.py
    reads them; none for a search with too many parameters for one URL."""
    sql, params = pubmed.export_sql(search)
    if len(params) > MAX_EXPORT_PARAMS:
        return []
    query = urllib.parse.urlencode({"sql": " ".join(sql.split()), **params})
    return [{"ext": ext, "label": label, "url": f"/-/export/{DB}.{ext}?{query}"} for ext, label in EXPORTS]


class Refused(Exception):
    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


def read_number(request, name: str, default: int, highest: int) -> int:
    raw = request.args.get(name, str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= highest:
        raise Refused(f"{name} must be a whole number from 1 to {highest:,}")
    return int(raw)


async def facets_in_memory(db):
    """(the papers' FacetShortcut, journal labels, topic ids) when plugins/cache.py holds
    the papers' facet columns in memory, else None: then a search finds its papers'
    rowids once and counts its facets from them (litdb.search.facets_from_columns)."""
    shortcut = next((s for s in getattr(db, "facet_shortcuts", ()) if s.table == "papers"), None)
    if shortcut is None or shortcut.columns is None:
        return None
    labels = getattr(db, "litdb_facet_labels", None)
    if labels is None:  # the file never changes: read once
        journals = await db.execute("select id, coalesce(name, title, abbreviation) from journals")
        topics = await db.execute("select label, id from topics")
        labels = db.litdb_facet_labels = ({r[0]: r[1] for r in journals.rows}, {r[0]: r[1] for r in topics.rows})
    return (shortcut, *labels)


async def run(datasette, q: str, page: int, size: int = PAGE_SIZE, with_facets: bool = True) -> dict:
    """Everything the page and the JSON show for one query (the facets only when asked:
    the JSON's array shape has none)."""
    try:
        search = pubmed.translate(q)
    except pubmed.QueryError as e:
        raise Refused(str(e), e.position)
    if search is None:
        return {"q": q, "search": None, "count": 0, "rows": [], "notes": [] if not q.strip() else
                ["nothing to search for in this query"]}
    db = datasette.get_database(DB)
    memory = await facets_in_memory(db) if with_facets else None
    rowids = None
    try:
        if memory:
            rowids = await memory[0].cached_rowids(*pubmed.rowids_sql(search))
        count = len(rowids) if rowids is not None else (await db.execute(*pubmed.count_sql(search))).first()[0]
        pages = max(1, math.ceil(count / size))
        rows = [dict(r) for r in (await db.execute(*pubmed.page_sql(search, size, (page - 1) * size))).rows]
        marks = {}
        if search.rank and rows:
            result = await db.execute(*pubmed.snippets_sql(search, [r["rid"] for r in rows]))
            marks = {r["rid"]: (r["title"], r["snippet"]) for r in result.rows}
    except QueryInterrupted:
        raise Refused("this search took longer than the server allows: make it narrower (a field tag, "
                      "a phrase, fewer truncated words)")
    for r in rows:
        r["authors"] = json.loads(r["authors"] or "[]")
        r["publication_types"] = json.loads(r["publication_types"] or "[]")
        title, snippet = marks.get(r["rid"], (None, None))
        abstract = r.pop("abstract") or ""
        r["marked_title"] = title or r["title"]
        r["snippet"] = snippet or (abstract[:240] + ("…" if len(abstract) > 240 else ""))
    facets = None
    try:
        if with_facets:
            found = None
            if rowids is not None:
                shortcut, journal_labels, topic_ids = memory
                try:
                    found = pubmed.facets_from_columns(shortcut.columns, rowids, journal_labels, topic_ids)
                except (KeyError, TypeError, IndexError):  # a column not held, a rowid not of papers
                    pass
            if found is None:
                found = (await db.execute(*pubmed.facets_sql(search), custom_time_limit=FACET_TIME_LIMIT_MS)).rows
            facets = {name: [] for name, _, _ in FACETS}
            for facet, value, label, n in found:
                facets[facet].append({"value": value, "label": label, "count": n})
    except QueryInterrupted:
        pass  # the page is worth more without facets than not at all
    return {"q": q, "search": search, "count": count, "page": page, "pages": pages, "size": size, "rows": rows,
            "facets": facets, "notes": search.notes}


def facet_links(data: dict) -> list[dict]:
    out = []
    for name, title, tag in FACETS:
        values = []
        for v in (data.get("facets") or {}).get(name, []):
            refined = pubmed.refine(data["q"], str(v["label"] if name in ("journal", "topic") else v["value"]), tag)
            ok = refined and len(refined) <= pubmed.MAX_LENGTH
            values.append(dict(v, url=search_url(refined) if ok else None))
        out.append({"title": title, "values": values})
    return out


async def search_view(datasette, request):
    as_json = bool(request.url_vars.get("as_json"))
    q = request.args.get("q", "")
    try:
        page = read_number(request, "page", 1, MAX_PAGE)
        size = read_number(request, "_size", PAGE_SIZE, MAX_SIZE)
        data = await run(datasette, q, page, size,
                         with_facets=not (as_json and request.args.get("_shape") == "array"))
    except Refused as e:
        if as_json:
            return Response.json({"ok": False, "error": str(e), "position": e.position, "status": 400}, status=400)
        return Response.html(await render(datasette, request, {"q": q, "error": str(e), "position": e.position}),
                             status=400)
    if as_json:
        rows = [{"paper_id": r["id"], "title": r["title"], "authors": r["authors"], "journal": r["journal"],
                 "year": r["year"], "doi": r["doi"], "publication_types": r["publication_types"],
                 "score": r["score"], "snippet": starred(r["snippet"])} for r in data["rows"]]
        if request.args.get("_shape") == "array":
            return Response.json(rows)
        more = data.get("page", 1) < data.get("pages", 1)
        return Response.json({
            "ok": True, "q": q, "count": data["count"], "page": data.get("page", 1), "page_size": size,
            "next_url": search_url(q, page + 1, as_json=True, size=size) if more else None,
            "notes": data["notes"], "rows": rows, "facets": data.get("facets"),
        })
    return Response.html(await render(datasette, request, data))


async def render(datasette, request, data: dict) -> str:
    search, page, size = data.get("search"), data.get("page", 1), data.get("size", PAGE_SIZE)
    context = dict(
        data,
        marked=marked,
        facet_list=facet_links(data) if search else [],
        exports=export_links(search) if search else [],
        first=(page - 1) * size + 1,
        size=size,
        previous_url=search_url(data["q"], page - 1, size=size) if search and page > 1 else None,
        next_url=search_url(data["q"], page + 1, size=size) if search and page < data.get("pages", 1) else None,
        json_url=search_url(data["q"], page, as_json=True, size=size) if search else None,
        max_length=pubmed.MAX_LENGTH,
    )
    return await datasette.render_template("search.html", context, request=request)

