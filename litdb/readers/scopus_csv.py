"""Scopus's CSV export (Scopus → Export → CSV, the columns chosen, "all information" at
most), the export bibliometric tools (bibliometrix, VOSviewer, litstudy) read. UTF-8, most
often with a byte order mark (decode() drops it), one row a paper under a header of the
columns chosen, in Scopus's order:

    Authors, Author full names, Author(s) ID, Title, Year, Source title, Volume, Issue,
    Art. No., Page start, Page end, Page count, Cited by, DOI, Link, Affiliations,
    Authors with affiliations, Abstract, Author Keywords, Index Keywords, ..., Funding
    Details, Funding Texts, References, Correspondence Address, Editors, Publisher, ...,
    ISSN, ISBN, CODEN, PubMed ID, Language of Original Document, Abbreviated Source
    Title, Document Type, Publication Stage, Open Access, Source, EID

Two layouts, as found in real exports:
- current (2023 on): every field quoted; Authors "Hao J.; High R.; Siu K.-C." (";"
  between authors); "Author full names" "Hao, Jie (57221302630); High, Robin (...)";
  "Authors with affiliations" "Hao J., Department of ..., United States; High R., ...";
  references "Kang W., Huang Y., Title, Proc. IEEE, 104, pp. 2040-2061, (2016)".
- older: a header without quotes, numbers unquoted; Authors "Phillips J.C., Braun R."
  (", " between authors); no full names; "Authors with affiliations" "Phillips, J.C.,
  Beckman Institute, ..."; references "Kalé, L., Skeel, R., (1999) J Comp Phys, 151, p. 283";
  "Funding Text 1", "Funding Text 2" instead of "Funding Texts".

What the columns give:
- Authors: "Author full names" (family, given, Scopus's author id in brackets, dropped)
  when the export has it, else Authors (family, initials); "[No author name available]"
  is no author. Each author's affiliation is their entry of "Authors with affiliations",
  the name in front of it taken off, when there are as many entries as authors; an
  author's several affiliations are joined by commas there as their parts are, and so
  stay one text. "Author(s) ID" and Affiliations (nobody's in particular) are left out.
- Title; "Source title" is the journal (or the proceedings, the book); "Abbreviated
  Source Title" its abbreviation; Year; Volume; Issue; "Page start"-"Page end", else
  "Art. No." (as the RIS reader's C7); ISSN ("14734222", without its hyphen; checked as
  the RIS reader checks them); "PubMed ID"; DOI.
- Abstract: "[No abstract available]" is none; the copyright line Scopus ends it with
  ("© 2014, Springer ...") is the paper's copyright, split off as the RIS reader does.
- "Author Keywords" then "Index Keywords", each kept once.
- "Cited by" (times cited in Scopus) is the citation count.
- "Document Type" ("Article", "Review", "Conference paper", "Book chapter", "Letter"):
  "Article", "Review", "Letter", "Editorial", "Note"... are a "Journal Article" (of that
  kind), as Web of Science's records are; the kinds in the RIS reader's words for
  Scopus's types (ris.document_types). "Article in Press" (a type in older exports) and
  "Publication Stage" "Article in press" are a status.
- "Open Access" ("All Open Access; Gold Open Access") marks the paper open access; an
  empty cell says nothing (Scopus leaves it empty when it knows of no free copy).
- "Funding Details": "Agency, ACRONYM, (id1, id2)" (current) or "Agency, ACRONYM: id"
  (older), entries joined by "; ": a grant each id; an agency again without an id is
  the same funder said twice.
- References: the "; "-joined citations, as printed, with their authors, title, journal,
  volume, issue, pages and year where the layout shows them (Scopus prints no DOI there:
  a cited paper in the dataset is found by its journal, volume and first page). A citation that itself holds "; "
  (an editors' list in an old export) is cut there: Scopus's own separator cannot tell.
- Claims: the EID (accession number, Scopus), the language and the publisher.
  "Correspondence Address" (an e-mail address) is left out.

Rows are cut where each ends, after the EID when it is the last column (a quoted new line
inside an abstract is common, and never ends in an EID), then each is read by the csv
module: a quote left open in a damaged row stays in that row. Two exports concatenated
repeat the header: that row is skipped. No split_records: Scopus exports at most 20,000
rows a file (read whole in a few seconds), as PubMed's CSV export is read whole.
"""

from __future__ import annotations

import csv
import re

from ..normalize import clean_paragraphs, clean_space, expand_pages, iso_date, normalize_doi
from ..records import Claim, Grant, PaperRecord, Reference
from .common import (GROUP_WORDS, author, author_from_inverted, digits, integer, keywords_once, page_range,
                     read_csv_export, valid_issn)
from .ris import COPYRIGHT, ISSN, TYPE_WORDS, document_types


NAME = "scopus_csv"
TRUST = 2  # an index, as OpenAlex and Web of Science

# Scopus's document types of items in journals: a "Journal Article" as Web of Science's
# PT J and RIS's TY JOUR say, then the kind ("Review"); conference papers, books and
# chapters are not.
# (an erratum is not: PubMed files a correction as "Published Erratum", never as a journal article)
JOURNAL_ITEMS = {"article", "review", "letter", "editorial", "note", "short survey", "retracted", "data paper"}

REQUIRED = ["Title"]
# The end of a row whose last column is the EID: "...","Scopus","2-s2.0-85136453267"
ROW_END = re.compile(r'2-s2\.0-[0-9]{1,20}"?\n')
SCOPUS_LINK = re.compile(r"scopus\.com|/inward/record\.uri\?eid=2-s2\.0-")
NO_AUTHOR = "[No author name available]"
NO_ABSTRACT = "[No abstract available]"
AUTHOR_ID = re.compile(r"\s*\(\d+\)$")  # "Hao, Jie (57221302630)"
# "Siu K.-C.", "Phillips J.C.", "Kalé L.": family name, then initials
SHORT_NAME = re.compile(r"(?P<family>.+?)\s+(?P<given>(?:[^\W\d_]{1,2}\.(?:-|\s)?)+)")
# "National Natural Science Foundation of China, NSFC, (11804211, 12104348)" (current),
# "National Center for Research Resources, NCRR: P41RR005969" (older)
FUNDING = re.compile(r"(?P<agency>.+?)(?:,\s*(?P<acronym>[A-Z][A-Za-z0-9&-]{1,15}))?"
                     r"(?:,\s*\((?P<ids>[^()]*)\)|:\s*(?P<id>.+))?")
REFERENCE_YEAR_END = re.compile(r"\(((?:1[5-9]|20)\d\d)\)$")  # current: "..., (2016)"
REFERENCE_YEAR = re.compile(r"\(((?:1[5-9]|20)\d\d)\)")  # older: "..., (1999) J Comp Phys, ..."
REFERENCE_PAGES = re.compile(r"\bpp?\.\s*([A-Za-z]?\d+(?:-[A-Za-z]?\d+)?)\b")
CURRENT_AUTHOR = re.compile(r"[^\W\d][\w'’ -]*? (?:[A-Z]\.-?)+")  # "Koch G.", "Siu K.-C.", "van der Berg J.C."


def looks_like(text: str) -> bool:
    """Its first line is a header with Scopus's own columns: Title and "Source title",
    and the EID (or a Link to a Scopus record)."""
    first = text[:8192].lstrip("\ufeff").split("\n", 1)[0]
    if "Source title" not in first:
        return False
    try:
        names = {clean_space(name) for name in next(csv.reader([first]))}
    except csv.Error:
        return False
    if "Title" not in names or "Source title" not in names:
        return False
    return "EID" in names or ("Link" in names and SCOPUS_LINK.search(text[:65536]) is not None)


def read(text: str):
    """Every row as a PaperRecord in file order; a row that cannot be read is a
    RecordError (its position among the rows, the line it starts on) in its place."""
    return read_csv_export(text, "Scopus CSV", REQUIRED, _row_ends, _record)


def _row_ends(body: str, header: list[str]) -> list[int]:
    """Where rows end: after the EID, when it is the last column."""
    return [m.end() for m in ROW_END.finditer(body)] if header[-1] == "EID" else []


def _record(row: dict[str, str], line: int) -> PaperRecord:
    def value(name):
        return clean_space(row.get(name))

    title = value("Title")
    if not title or title == "[No title available]":
        raise ValueError("row has no title")
    record = PaperRecord(format=NAME, title=title, line=line)
    record.doi = normalize_doi(value("DOI"))
    record.pmid = digits(value("PubMed ID"))
    record.journal_title = value("Source title")
    record.journal_abbreviation = value("Abbreviated Source Title")
    year = digits(value("Year"))
    record.year = int(year) if year and len(year) == 4 else None
    record.publication_date = iso_date(record.year)
    record.volume = value("Volume")
    record.issue = value("Issue")
    record.pages = page_range(value("Page start"), value("Page end"), value("Art. No."))
    record.issns = []
    for m in ISSN.finditer(value("ISSN") or ""):
        issn = f"{m.group(1)}-{m.group(2).upper()}"
        if valid_issn(issn) and issn not in record.issns:
            record.issns.append(issn)
    record.citation_count = integer(value("Cited by"))

    record.authors = _authors(value("Authors"), row.get("Author full names"), row.get("Authors with affiliations"))
    abstract = clean_paragraphs(row.get("Abstract"))
    if abstract == NO_ABSTRACT:
        abstract = None
    if abstract and (m := COPYRIGHT.search(abstract)) and m.start() > 0:
        abstract, record.copyright = abstract[:m.start()].rstrip(), m.group(1)
    record.abstract = abstract
    record.keywords = keywords_once([value("Author Keywords"), value("Index Keywords")])
    record.grants = _grants(value("Funding Details"))
    citations = [c for c in (clean_space(x) for x in (value("References") or "").split("; ")) if c]
    record.references = [_reference(k, citation) for k, citation in enumerate(citations, 1)]

    kind = value("Document Type")
    # Scopus's journal items: an article, and the kinds it files apart (a review, a letter...)
    types = [TYPE_WORDS["JOUR"]] if (kind or "").lower() in JOURNAL_ITEMS else []
    statuses = document_types(types, kind)  # "Article in Press" (older exports: a type then, a stage now)
    record.publication_types = types
    record.claims = [Claim("status", status, f"Document Type {kind}") for status in statuses]
    stage = value("Publication Stage")
    if stage and stage.lower() != "final":
        record.claims.append(Claim("status", stage, "Publication Stage"))
    if "open access" in (value("Open Access") or "").lower():
        record.is_open_access = True
    if value("EID"):
        record.claims.append(Claim("accession_number", value("EID"), "Scopus"))
    for column, claim in (("Language of Original Document", "language"), ("Publisher", "publisher")):
        if value(column):
            record.claims.append(Claim(claim, value(column)))
    return record


def _authors(short: str | None, full: str | None, with_affiliations: str | None):
    """Authors from the full names (else the short ones), with their affiliations."""
    if not short or short == NO_AUTHOR:
        short = ""
    separator = ";" if ";" in short else ","
    short_names = [n for n in (clean_space(n) for n in short.split(separator)) if n]
    full_names = [n for n in (clean_space(AUTHOR_ID.sub("", n)) for n in (full or "").split(";")) if n]
    if full_names == [NO_AUTHOR]:
        full_names = []
    entries = [clean_space(e) or "" for e in (with_affiliations or "").split("; ")] if with_affiliations else []
    names = full_names or short_names
    people = []
    for k, name in enumerate(names):
        affiliations = []
        if len(entries) == len(names) and k < len(short_names):
            affiliations = [a for a in [_affiliation(entries[k], short_names[k])] if a]
        if full_names:
            if "," not in name and GROUP_WORDS.search(name):
                person = author(name=name, group=True)
            else:
                person = author_from_inverted(name, affiliations=affiliations)
        else:
            person = _short_author(name, affiliations)
        if person:
            people.append(person)
    return people


def _short_author(name: str, affiliations: list[str]):
    """'Siu K.-C.' -> K.-C. Siu; 'Dystonia Coalition' -> a group."""
    m = SHORT_NAME.fullmatch(name)
    if m and not GROUP_WORDS.search(name):
        return author(family=m.group("family"), given=m.group("given").strip(), affiliations=affiliations)
    if GROUP_WORDS.search(name):
        return author(name=name, group=True)
    return author(family=name, affiliations=affiliations)


def _affiliation(entry: str, short_name: str) -> str | None:
    """An author's entry of "Authors with affiliations" without the name before it: 'Hao
    J., Department of ...' (current) or 'Phillips, J.C., Beckman Institute, ...' (older)."""
    m = SHORT_NAME.fullmatch(short_name)
    prefixes = [f"{short_name}, "] + ([f"{m.group('family')}, {m.group('given').strip()}, "] if m else [])
    for prefix in prefixes:
        if entry.startswith(prefix):
            return clean_space(entry[len(prefix):])
    return None


def _grants(value: str | None) -> list[Grant]:
    grants: list[Grant] = []
    for entry in (value or "").split(";"):
        entry = clean_space(entry)
        m = FUNDING.fullmatch(entry or "")
        if not m:
            continue
        agency, acronym = clean_space(m.group("agency")), m.group("acronym")
        ids = [clean_space(i) for i in (m.group("ids") or m.group("id") or "").split(",")]
        ids = [i for i in ids if i]
        if not ids and any(g.agency == agency for g in grants):  # the same funder said again
            continue
        for grant_id in ids or [None]:
            grant = Grant(text=f"{grant_id} ({agency})" if grant_id else agency, grant_id=grant_id,
                          acronym=acronym, agency=agency)
            if grant not in grants:
                grants.append(grant)
    return grants


def _reference(position: int, citation: str) -> Reference:
    """A citation and its parts, where the layout shows them: the year, the last "(2016)"
    (current) or the first "(1999) J Comp Phys" (older); the pages ("pp. 23-35", "p.
    283"); the authors, title, journal and volume (and issue) around them:
        current: "Koch G., Porrazzini F., A title, Movement Disorders, 36, 8, pp. 1800-1810, (2021)"
        older:   "Prudente, C.N., Hess, E.J., A title (2014) Neuroscience, 260, pp. 23-35"
    A part the layout leaves in doubt is left out (a title with ", " in it is whole only
    when the journal and volume after it are found)."""
    reference = Reference(position=position, citation=citation)
    end = REFERENCE_YEAR_END.search(citation)
    m = end or REFERENCE_YEAR.search(citation)
    reference.year = int(m.group(1)) if m else None
    pages = REFERENCE_PAGES.search(citation)
    reference.pages = expand_pages(pages.group(1)) if pages else None
    if end:  # current layout: authors, title, journal, volume[, issue][, pages], (year)
        parts = citation[:end.start()].rstrip(", ").split(", ")
        if parts and pages and REFERENCE_PAGES.fullmatch(parts[-1]):
            parts.pop()
        numbers = []
        while parts and re.fullmatch(r"[A-Za-z]?\d+[A-Za-z]?", parts[-1]) and len(numbers) < 2:
            numbers.insert(0, parts.pop())
        authors = []
        while parts and (CURRENT_AUTHOR.fullmatch(parts[0]) or parts[0] == "et al."):
            authors.append(parts.pop(0))
        if numbers and len(parts) >= 2:
            reference.volume, reference.issue = numbers[0], (numbers[1] if len(numbers) > 1 else None)
            reference.journal, reference.title = parts[-1], ", ".join(parts[:-1])
        reference.authors = ", ".join(authors) or None
    elif m:  # older layout: "Family, I., Family, I., title (year) journal, volume, pages"
        before, after = citation[:m.start()].rstrip(" ,"), citation[m.end():].strip()
        pairs = re.match(r"((?:[^,()]+, (?:[A-Z]\.-?)+(?:, |$))*)(.*)", before)
        names = [f"{family} {initials}" for family, initials in re.findall(r"([^,()]+), ((?:[A-Z]\.-?)+)", pairs.group(1))]
        reference.authors = ", ".join(n.strip() for n in names) or None
        reference.title = clean_space(pairs.group(2)) or None
        rest = after.split(", ")
        reference.journal = rest[0] or None if rest and not REFERENCE_PAGES.fullmatch(rest[0]) else None
        if len(rest) > 1 and re.fullmatch(r"[A-Za-z]?\d+[A-Za-z]?", rest[1]):
            reference.volume = rest[1]
    return reference
