"""Output renderers: any table or query with paper ids downloads as BibTeX (.bib),
RIS (.ris) or CSL-JSON (.csljson) from the page's export links."""

import json

from datasette import hookimpl
from datasette.utils.asgi import Response

from litdb.citations import PAPER_SQL, to_bibtex, to_csl_json, to_ris


def _id_column(columns, table):
    if table == "papers" and "id" in columns:
        return "id"
    for column in ("paper_id", "cited_paper_id"):
        if column in columns:
            return column
    return None


def can_render(columns, table=None):
    return _id_column(columns, table) is not None


async def _papers(datasette, database, rows, columns, table):
    column = _id_column(columns, table)
    ids = list(dict.fromkeys(row[column] for row in rows if row[column]))
    db = datasette.get_database(database)
    found = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        result = await db.execute(PAPER_SQL.format(", ".join("?" * len(chunk))), chunk)
        found.update({row["id"]: dict(row) for row in result.rows})
    return [found[i] for i in ids if i in found]


def _renderer(extension, content_type, render):
    async def render_papers(datasette, database, rows, columns, table, request):
        papers = await _papers(datasette, database, rows, columns, table)
        name = f"{table or request.url_vars.get('table') or 'papers'}.{extension}"
        return Response(
            render(papers), content_type=content_type,
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return {"extension": extension, "render": render_papers, "can_render": can_render}


@hookimpl
def register_output_renderer(datasette):
    return [
        _renderer("bib", "application/x-bibtex; charset=utf-8", to_bibtex),
        _renderer("ris", "application/x-research-info-systems; charset=utf-8", to_ris),
        _renderer("csljson", "application/vnd.citationstyles.csl+json; charset=utf-8",
                  lambda papers: json.dumps(to_csl_json(papers), ensure_ascii=False, indent=2)),
    ]
