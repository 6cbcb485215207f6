"""Typed records: what a parser returns, whatever the seed format.

A parser turns the text of one seed document into a ``PaperRecord``. Values are
already normalised (plain text, expanded page ranges, lower-case DOI, ISO dates)
but nothing is merged yet: one record says what one source said.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Reference:
    position: int  # 1-based order on the page
    citation: str  # as printed, without trailing link labels ("- DOI - PMC - PubMed")
    authors: str | None = None  # as printed: "Hallett M, Doe J"
    title: str | None = None
    journal: str | None = None  # as printed, usually the NLM abbreviation
    year: int | None = None
    month: int | None = None  # 1-12
    day: int | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # expanded: "762-767"
    doi: str | None = None  # lower case, no URL prefix
    pmid: str | None = None


@dataclass
class MeshTerm:
    term: str  # descriptor: "Dystonia"
    qualifier: str | None = None  # "physiopathology"
    major: bool = False  # marked with "*" on the page


@dataclass
class Grant:
    text: str  # as printed: "R01 NS088528/NS/NINDS NIH HHS/United States"
    grant_id: str | None = None
    acronym: str | None = None
    agency: str | None = None
    country: str | None = None


@dataclass
class Claim:
    """A value a source states that is not a column of ``papers``.

    Aggregator-only values (JCR quartile, region, category ids) and suppressed
    links end up in ``provenance`` through these, labelled with their source.
    """

    field: str
    value: str | None
    note: str | None = None


@dataclass
class PaperRecord:
    format: str  # "pubmed_page" or "aggregator_json"
    title: str
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    abstract: str | None = None
    journal_title: str | None = None  # full name: "Cerebellum and Ataxias"
    journal_abbreviation: str | None = None  # NLM abbreviation: "Cerebellum"
    year: int | None = None
    publication_date: str | None = None  # ISO 8601 at its precision: "2014-12"
    epub_date: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    citation_count: int | None = None
    is_open_access: bool | None = None
    open_access_url: str | None = None
    authors: list[str] = field(default_factory=list)
    authors_complete: bool = True
    affiliations: dict[int, str] = field(default_factory=dict)  # number -> text
    author_affiliations: list[list[int]] = field(default_factory=list)  # per author
    publication_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    mesh_terms: list[MeshTerm] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    copyright: str | None = None
    references: list[Reference] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
