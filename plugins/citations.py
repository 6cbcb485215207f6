"""Output renderers: .bib, .ris and .csljson links on the pages of papers.

Datasette 0.65's renderers see one page of rows. For table and query pages the links
they make (/literature/papers.bib?…, /literature.bib?sql=…) are served by the
whole-set export of plugins/exports.py, a route that comes before Datasette's own;
what reaches these renderers is a row page (/literature/papers/<id>.bib, one paper).
Registering them is also what makes Datasette show the links on every page of papers.
"""

import json
import os
import sqlite3

from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils.asgi import Response

from litdb.citations import CitationKeys, cached_shared_keys, fetch_papers, to_bibtex, to_csl_json, to_ris


def _id_column(columns, table):
    if table == "papers" and "id" in columns:
        return "id"
    for column in ("paper_id", "cited_paper_id"):
        if column in columns:
            return column
    return None


def can_render(columns, table=None):
    return _id_column(columns, table) is not None


def _renderer(extension, content_type, render):
    async def render_papers(datasette, database, rows, columns, table, request):
        column = _id_column(columns, table)
        ids = list(dict.fromkeys(row[column] for row in rows if row[column]))
        db = datasette.get_database(database)
        papers = await db.execute_fn(lambda conn: fetch_papers(conn, ids))
        try:  # the keys the whole-set exports give these papers (plugins/exports.py)
            stat = os.stat(db.path)
            cache_key = (db.name, db.path, stat.st_size, stat.st_mtime_ns)
            keys = CitationKeys(await db.execute_fn(lambda conn: cached_shared_keys(conn, cache_key))).keys(papers)
        except (OSError, TypeError, sqlite3.Error, QueryInterrupted):
            keys = None
        name = f"{table or request.url_vars.get('table') or 'papers'}.{extension}"
        return Response(
            render(papers, keys), content_type=content_type,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return {"extension": extension, "render": render_papers, "can_render": can_render}


@hookimpl
def register_output_renderer(datasette):
    return [
        _renderer("bib", "application/x-bibtex; charset=utf-8", to_bibtex),
        _renderer("ris", "application/x-research-info-systems; charset=utf-8", lambda papers, keys: to_ris(papers)),
        _renderer("csljson", "application/vnd.citationstyles.csl+json; charset=utf-8",
                  lambda papers, keys: json.dumps(to_csl_json(papers, keys), ensure_ascii=False, indent=2)),
    ]
