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
class Author:
    """One author as a source gives them. ``name`` is the display form, given names
    first ("Ailish Malone", "A Malone" when only initials are known); a group author
    ("Dystonia Coalition") has a name and no family or given name."""

    name: str
    family: str | None = None  # "Malone"; "van der Berg" keeps its particles
    given: str | None = None  # "Ailish", or initials "A" / "A B"
    orcid: str | None = None  # bare: "0000-0002-1825-0097", no URL
    affiliations: list[str] = field(default_factory=list)  # texts, in the order printed
    group: bool = False  # a collective / corporate author


@dataclass
class RecordError:
    """A record of a multi-record file that cannot be read; the file's other records
    still load. ``position`` counts records from 1; ``line`` is where it starts."""

    position: int
    line: int | None
    reason: str  # one line, no file name (the build adds it)


@dataclass
class PaperRecord:
    format: str  # the NAME of the reader that read it ("pubmed_page", "medline", ...)
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
    issns: list[str] = field(default_factory=list)  # "1473-4222", print and electronic, as given
    issn_l: str | None = None  # the linking ISSN, when a source names it
    authors: list[Author] = field(default_factory=list)
    authors_complete: bool = True  # False when the source lists only some ("et al.", "and others")
    publication_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    mesh_terms: list[MeshTerm] = field(default_factory=list)
    grants: list[Grant] = field(default_factory=list)
    copyright: str | None = None
    references: list[Reference] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    line: int | None = None  # where the record starts in its file (multi-record files)
