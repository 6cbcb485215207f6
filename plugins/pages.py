"""Data for the site's own pages: the home page (counts, papers-per-year chart) and the
paper, journal, author and topic pages. Everything is read from the database the
page serves; nothing is fetched from elsewhere."""

import json
import re

from datasette import hookimpl
from markupsafe import Markup, escape

from litdb.citations import PAPER_SQL, display_date, doi_url, format_reference

DB = "literature"


async def _rows(datasette, sql, params=None):
    result = await datasette.get_database(DB).execute(sql, params or [])
    return [dict(r) for r in result.rows]


def year_chart(counts: list[dict], width: int = 640, height: int = 180) -> Markup:
    """An inline SVG bar chart of papers per year; every year between the first and
    the last gets a slot, and each bar links to that year's papers."""
    if not counts:
        return Markup("<p>No papers yet.</p>")
    by_year = {r["year"]: r["n"] for r in counts}
    years = list(range(min(by_year), max(by_year) + 1))
    top = max(by_year.values())
    left, bottom, top_pad = 36, 24, 12
    slot = (width - left) / len(years)
    bar = max(2.0, slot * 0.7)
    plot = height - bottom - top_pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="year-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="year-chart-title">',
        '<title id="year-chart-title">Papers per year</title>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" font-size="11">{top}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="11">0</text>',
    ]
    label_every = max(1, len(years) // 12)
    for i, year in enumerate(years):
        x = left + i * slot + (slot - bar) / 2
        n = by_year.get(year, 0)
        h = plot * n / top
        if n:
            parts.append(
                f'<a href="/{DB}/papers?year={year}"><rect class="bar" x="{x:.1f}" y="{height - bottom - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}" fill="#276890"><title>{year}: {n} paper{"s" if n != 1 else ""}'
                f"</title></rect></a>"
            )
        if i % label_every == 0 or i == len(years) - 1:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 8}" text-anchor="middle" font-size="11">{year}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def abstract_paragraphs(abstract):
    """Paragraphs with structured labels ("Background: …") set in bold."""
    out = []
    for paragraph in (abstract or "").split("\n\n"):
        m = re.match(r"^([A-Z][A-Za-z /&,-]{1,40}):\s+(.*)$", paragraph, re.S)
        if m:
            out.append(Markup("<strong>{}:</strong> {}").format(m.group(1), m.group(2)))
        elif paragraph:
            out.append(escape(paragraph))
    return out


async def home(datasette):
    [counts] = await _rows(datasette, """
        select (select count(*) from papers) as papers, (select count(*) from journals) as journals,
               (select count(*) from authors) as authors, (select count(*) from paper_references) as "references",
               (select count(*) from sources) as sources,
               (select count(*) from sources where status = 'rejected') as rejected""")
    per_year = await _rows(datasette, "select year, count(*) as n from papers where year is not null group by year order by year")
    top_topics = await _rows(datasette, "select id, label, paper_count from topics where paper_count > 0 order by paper_count desc, label limit 12")
    return {"counts": counts, "year_chart": year_chart(per_year), "top_topics": top_topics}


async def paper_page(datasette, paper_id):
    rows = await _rows(datasette, PAPER_SQL.format("?"), [paper_id])
    if not rows:
        return {}
    paper = rows[0]
    authors = await _rows(datasette, """
        select authors.id, authors.name, paper_authors.affiliations from paper_authors
        join authors on authors.id = paper_authors.author_id where paper_id = ? order by position""", [paper_id])
    for a in authors:
        a["affiliations"] = json.loads(a["affiliations"] or "[]")
    references = await _rows(datasette, """
        select paper_references.*, cited.title as cited_title from paper_references
        left join papers as cited on cited.id = paper_references.cited_paper_id
        where paper_id = ? order by position""", [paper_id])
    cited_by = await _rows(datasette, """
        select distinct papers.id, papers.title, papers.year from paper_references
        join papers on papers.id = paper_references.paper_id
        where cited_paper_id = ? order by papers.year desc, papers.title""", [paper_id])
    mesh = await _rows(datasette, "select term, qualifier, major from mesh_terms where paper_id = ? order by position", [paper_id])
    grants = await _rows(datasette, "select * from grants where paper_id = ? order by position", [paper_id])
    topics = await _rows(datasette, """
        select topics.id, topics.label, paper_topics.matched from paper_topics
        join topics on topics.id = paper_topics.topic_id where paper_id = ? order by topics.label""", [paper_id])
    for t in topics:
        t["matched"] = ", ".join(json.loads(t["matched"]))
    provenance = await _rows(datasette, """
        select provenance.field, provenance.value, provenance.chosen, provenance.note,
               sources.id as source_id, sources.filename, sources.format,
               (provenance.chosen is not null and provenance.field in
                 (select field from disagreement_fields where paper_id = ?)) as disagrees
        from provenance join sources on sources.id = provenance.source_id
        where paper_id = ? order by provenance.chosen is null, provenance.field, sources.filename""",
        [paper_id, paper_id])
    return {
        "paper": paper,
        "paper_authors": authors,
        "has_affiliations": any(a["affiliations"] for a in authors),
        "keywords": json.loads(paper["keywords"]),
        "publication_types": json.loads(paper["publication_types"]),
        "abstract": abstract_paragraphs(paper["abstract"]),
        "doi_url": doi_url(paper),
        "date": display_date(paper["publication_date"]),
        "epub": display_date(paper["epub_date"]),
        "reference": format_reference(paper),
        "references": references,
        "cited_by": cited_by,
        "mesh": mesh,
        "grants": grants,
        "paper_topics": topics,
        "provenance": provenance,
        "disagreeing_fields": sorted({p["field"] for p in provenance if p["disagrees"]}),
    }


PAPER_LIST = """
    select papers.id, papers.title, papers.year, papers.authors, papers.authors_complete,
           journals.name as journal
    from papers left join journals on journals.id = papers.journal_id
    where papers.id in ({}) order by papers.year desc, papers.title
"""


async def paper_list(datasette, id_sql, params):
    rows = await _rows(datasette, PAPER_LIST.format(id_sql), params)
    for r in rows:
        r["authors"] = json.loads(r["authors"])
    return rows


@hookimpl
def extra_template_vars(template, request, datasette):
    async def inner():
        if template == "index.html":
            return await home(datasette)
        if not template.startswith("row-literature-"):
            return {}
        pk = request.url_vars.get("pks", "") if request else ""
        pk = pk.replace("~", "") if re.fullmatch(r"[\w-]+", pk.replace("~", "")) else ""
        if template == "row-literature-papers.html":
            return await paper_page(datasette, pk)
        lists = {
            "row-literature-journals.html": ("journals", "name", "select id from papers where journal_id = ?"),
            "row-literature-authors.html": ("authors", "name", "select paper_id from paper_authors where author_id = ?"),
            "row-literature-topics.html": ("topics", "label", "select paper_id from paper_topics where topic_id = ?"),
        }
        if template in lists:
            table, label, id_sql = lists[template]
            heading = await _rows(datasette, f"select {label} as heading from {table} where id = ?", [pk])
            return {
                "heading": heading[0]["heading"] if heading else pk,
                "papers_list": await paper_list(datasette, id_sql, [pk]),
            }
        return {}

    return inner
