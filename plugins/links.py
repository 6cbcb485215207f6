"""Links and highlights in canned-query results.

Table pages already link foreign keys; query results do not, so paper ids there
become links to the paper's page, and the search snippet shows its matches.
"""

import re

from datasette import hookimpl
from markupsafe import Markup, escape

PAPER_ID_COLUMNS = {"paper_id", "cited_paper_id"}


@hookimpl
def render_cell(value, column, table, database, datasette):
    if table is not None or not isinstance(value, str) or not value:
        return None
    if column in PAPER_ID_COLUMNS and re.fullmatch(r"[0-9a-f]{12}", value):
        url = datasette.urls.row(database, "papers", value)
        return Markup(f'<a href="{escape(url)}">{escape(value)}</a>')
    if column == "snippet":
        # snippet() marks matches with **…**; everything else is escaped.
        parts = str(escape(value)).split("**")
        return Markup("".join(f"<mark>{p}</mark>" if i % 2 else p for i, p in enumerate(parts)))
    return None
