"""PubMed's CSV export ("Save", format CSV, on pubmed.ncbi.nlm.nih.gov): UTF-8 with a
byte order mark (decode() drops it), every field quoted, one row a paper, under

    "PMID","Title","Authors","Citation","First Author","Journal/Book",
    "Publication Year","Create Date","PMCID","NIHMS ID","DOI"

Read with the csv module. What the columns hold, and what is made of them:
- Authors: PubMed's summary form, family name then initials, a full stop at the end:
  "Malone A, Manto M, Hass C." -> Author("A Malone", "Malone", "A"). Collective authors
  follow a semicolon: "Polack FP, Gruber WC; C4591001 Clinical Trial Group." An author
  list ending in "et al." is marked incomplete; so is a row with only "First Author".
- Citation: "Cerebellum. 2014 Dec;13(6):666-8. doi: 10.1007/s12311-014-0601-4. Epub
  2014 Aug 23." gives the date, volume, issue, pages (expanded), the epub date and
  "Online ahead of print"; a paper ahead of print has an article identifier after the
  date instead ("Brain. 2023 Jul 20:awad245."): an article_locator claim, as the PubMed
  page reader makes it; the journal is the "Journal/Book" column, an NLM
  abbreviation (a book chapter's citation starts "In: ": then it is the book's title).
- PMCID, DOI, NIHMS ID (a claim, as MEDLINE's MID). "Create Date" is when PubMed made
  the record, not a date of the paper: left out.

Two saves concatenated repeat the header (and its byte order mark) in the middle: that
row is skipped, not a bad record.

The rows are cut at the line each opens with its quoted PMID, then each is read by the
csv module (a quoted field may hold a new line): a quote left open in a damaged row stays
in that row. No split_records: PubMed saves at most 10,000 rows a file, read in well under
a second (scripts/bench_readers.py: 5,000 rows in 0.3 s, whole).
"""

from __future__ import annotations

import csv
import re

from ..normalize import clean_space, expand_pages, iso_date, normalize_doi
from ..records import Claim, PaperRecord
from .common import VIP, author, digits, parse_date, read_csv_export
from .medline import SUFFIXES, author_from_initials

NAME = "pubmed_csv"
TRUST = 0

HEADER = ["PMID", "Title", "Authors", "Citation", "First Author", "Journal/Book", "Publication Year",
          "Create Date", "PMCID", "NIHMS ID", "DOI"]
REQUIRED = ["PMID", "Title", "Authors", "Citation", "DOI"]
CITATION = re.compile(
    r"^(?P<journal>[^.]+)\.\s+(?P<date>(?:1[5-9]|20)\d\d\b[^;:.]*?)\s*"
    r"(?:;(?P<vip>[^.]*)|:(?P<locator>[^.;\s]+))?\.(?:\s+(?P<rest>.*))?$")
EPUB = re.compile(r"\bEpub\s+((?:1[5-9]|20)\d\d(?:\s+[A-Za-z]{3}(?:\s+\d{1,2})?)?)")
CITATION_DOI = re.compile(r"\bdoi:\s*(10\.\S+?)\.?(?:\s|$)")
ET_AL = re.compile(r",?\s*et al\.?$")


def looks_like(text: str) -> bool:
    """Its first line is PubMed's header: PMID, Title, Authors, Citation ... DOI."""
    first = text[:1024].lstrip("\ufeff").split("\n", 1)[0]
    if not first.replace('"', "").startswith("PMID,Title,Authors,Citation"):
        return False
    try:
        return "DOI" in next(csv.reader([first]))
    except csv.Error:
        return False


# Every row of PubMed's opens a line with its PMID, quoted: the rows are cut there before
# the csv module reads each, so that a quote left open in one row (a damaged file) runs
# to the end of that row only, never into the rows below.
ROW_START = re.compile(r'\n(?="[0-9]{1,9}",)')


def read(text: str):
    """Every row as a PaperRecord in file order; a row that cannot be read is a
    RecordError (its position among the rows, the line it starts on) in its place."""
    return read_csv_export(text, "PubMed CSV", REQUIRED,
                           lambda body, header: [m.start() + 1 for m in ROW_START.finditer(body)], _record)


def _record(row: dict[str, str], line: int) -> PaperRecord:
    def value(name):
        return clean_space(row.get(name))

    pmid, title = value("PMID"), value("Title")
    if pmid and not digits(pmid):
        raise ValueError(f"PMID is not a number: {pmid[:40]!r}")
    if not pmid and not title:
        raise ValueError("a row with neither a PMID nor a title")
    record = PaperRecord(format=NAME, title=title or "", pmid=pmid, line=line)
    record.doi = normalize_doi(value("DOI"))
    pmcid = value("PMCID")
    record.pmcid = pmcid if pmcid and re.fullmatch(r"PMC\d+", pmcid) else None
    if (nihms := value("NIHMS ID")):
        record.claims.append(Claim("nihms_id", nihms, "NIHMS ID"))
    _authors(record, value("Authors"), value("First Author"))
    year = value("Publication Year")
    record.year = int(year) if digits(year) and len(year) == 4 else None
    _citation(record, value("Citation") or "", value("Journal/Book"))
    if record.publication_date is None and record.year:
        record.publication_date = iso_date(record.year)
    return record


def _authors(record: PaperRecord, authors: str | None, first_author: str | None) -> None:
    """'Malone A, Manto M; Dystonia Coalition.' -> two persons, then a group."""
    if not authors:
        found = author_from_initials(first_author.rstrip(".")) if first_author else None
        record.authors = [found] if found else []
        record.authors_complete = not found
        return
    text = authors
    if ET_AL.search(text):
        text, record.authors_complete = ET_AL.sub("", text), False
    text = text.rstrip(".")  # the full stop that ends the list
    persons, *groups = text.split(";")
    for name in persons.split(","):
        words = name.split()
        if words and words[-1] in SUFFIXES:  # "Smith JA Jr"
            words = words[:-1]
        # a person is "Family INITIALS"; an entry that is not (a group before any person) is a group
        found = (author_from_initials(name) if len(words) == 1 or (words and words[-1].isupper())
                 else author(name=name, group=True))
        if found:
            record.authors.append(found)
    for group in groups:
        if (found := author(name=group, group=True)):
            record.authors.append(found)


def _citation(record: PaperRecord, citation: str, journal: str | None) -> None:
    if citation.startswith("In: "):  # a book chapter: Journal/Book is the book
        record.journal_title = journal
        return
    record.journal_abbreviation = journal
    m = CITATION.match(citation)
    if not m:
        return
    year, month, day = parse_date(m.group("date"))
    if year and (record.year is None or year == record.year):
        record.year, record.publication_date = year, iso_date(year, month, day)
    if m.group("locator"):  # "Brain. 2023 Jul 20:awad245.": ahead of print, no volume yet
        record.claims.append(Claim("article_locator", m.group("locator"),
                                   "article identifier printed after the date (published ahead of print)"))
    if m.group("vip") and (vip := VIP.match(m.group("vip").strip())):
        record.volume = clean_space(vip.group("volume"))
        record.issue = clean_space(vip.group("issue"))
        record.pages = expand_pages(vip.group("pages"))
    rest = m.group("rest") or ""
    if (epub := EPUB.search(rest)):
        record.epub_date = iso_date(*parse_date(epub.group(1)))
    if record.doi is None and (doi := CITATION_DOI.search(rest)):
        record.doi = normalize_doi(doi.group(1))
    if "Online ahead of print" in rest:
        record.claims.append(Claim("status", "Online ahead of print", "printed at the end of the citation"))
