"""A PubMed abstract page, copied from a browser or saved as plain text.

Layouts seen in the wild, all read here:
- today's site (pubmed.ncbi.nlm.nih.gov), two copies: in the older one the journal is
  missing from the header line (``. 2014 Dec;13(6):666-8.``) and the authors survive only
  in the short citation line (``Ailish Malone et al. Cerebellum. 2014 Dec.``); in the
  newer one the journal abbreviation stands on its own line above the date line,
  authors carry affiliation numbers, and identifiers share one ``PMID: … PMCID: … DOI: …``
  line;
- the page saved without its furniture: the title first, then the citation line
  (``Cerebellum. 2014 Dec;13(6):666-8.``), then authors and identifiers, and the
  abstract without an "Abstract" heading;
- the legacy site (www.ncbi.nlm.nih.gov/pubmed, "Display Settings", "Send to"): the
  journal inline in the citation line, the title after it, authors as "Neychev VK1",
  numbered affiliations under "Author information", "KEYWORDS:", and the identifiers
  after the abstract ("PMID: 23649720 [PubMed - indexed for MEDLINE]", the number
  possibly on the next line);
- a page without a citation line that still has a title over a PMID (and DOI) line;
- PubMed's "Save, Format: Abstract (text)" ("Send to: File, Abstract", efetch
  rettype=abstract): numbered records ("1. Cerebellum. 2014 Dec;…"), one paper each, read
  by parse_abstract_record with its own identifier lines; a record that cannot be read is
  a RecordError in its place. split_records cuts them (read() does the same), but there is
  no RECORD_START: where a record starts cannot be told from bytes alone (it takes the
  numbering, the blank line before it, and the last record's PMID line or a citation),
  and PubMed saves at most 10,000 records a file, read whole in about 3 s.
- several of today's pages in one copy (a results page shown as abstracts, or pages pasted
  one after another): each article under its own header (". 2014 Dec;…" under its
  journal), read as a page of its own, one that cannot be read a RecordError in its place.
Mirrors and proxies that add a line or two at the top change none of this.

The page is cut into sections at its headings; page furniture (banner, sidebars,
similar articles, footer) is never read for facts. A PMC article page is not a
PubMed page (pmc_page reads it) and is refused here.
"""

from __future__ import annotations

import re

from ..normalize import (
    clean_paragraphs,
    clean_space,
    expand_pages,
    iso_date,
    normalize_doi,
)
from ..records import Claim, MeshTerm, PaperRecord, Reference
from . import pmc_page
from .common import PAGE_PMCID as PMCID, PAGE_PMID as PMID
from .common import VIP, nlm_grant, GROUP_WORDS, author, author_from_display, digits, parse_date, read_pieces

NAME = FORMAT = "pubmed_page"
TRUST = 0

# Section headings, as the page prints them on a line of their own.
HEADINGS = {
    "Abstract": "abstract",
    "No abstract available": "no_abstract",
    "PubMed Disclaimer": "disclaimer",
    "Conflict of interest statement": "conflict",
    "Figures": "furniture",
    "Similar articles": "furniture",
    "Cited by": "furniture",
    "References": "references",
    "Publication types": "publication_types",
    "Publication Types": "publication_types",  # legacy site
    "Publication type": "publication_types",
    "MeSH terms": "mesh",
    "MeSH Terms": "mesh",  # legacy site
    "Substances": "substances",
    "Supplementary concepts": "supplementary",
    "Grants and funding": "grants",
    "Grant support": "grants",  # legacy site
    "Grant Support": "grants",
    "Recent Activity": "furniture",
    "Related citations in PubMed": "furniture",
    "LinkOut - more resources": "furniture",
    "Related information": "furniture",
    "Full text links": "furniture",
    "Associated data": "furniture",
    "Supplementary info": "furniture",
    "Comment in": "comment_in",
    "Comment on": "comment_on",
    "Erratum in": "erratum_in",
    "Erratum for": "erratum_for",
    "Update of": "update_of",
    "Update in": "update_in",
    "Retraction in": "retraction_in",
    "Retraction of": "retraction_of",
    "Expression of concern in": "expression_of_concern_in",
    "Republished in": "republished_in",
    "Republished from": "republished_from",
    "Corrected and republished in": "republished_in",
    "Corrected and republished from": "republished_from",
    "Secondary source ID": "secondary_source_id",
    "Personal name as subject": "personal_name_as_subject",
    "Other Literature Sources": "furniture",
    "Full Text Sources": "furniture",
    "Medical": "furniture",
    "Research Materials": "furniture",
    "Miscellaneous": "furniture",
    "Follow NCBI": "furniture",
    "FOLLOW NCBI": "furniture",
    "NCBI Literature Resources": "furniture",
    "Connect with NLM": "furniture",
    "Actions": "furniture",
    "Share": "furniture",
    "Page navigation": "furniture",
    "Cite": "furniture",
    "Add to Collections": "furniture",
    "Add to My Bibliography": "furniture",
}
# "Cited by 12 articles", "Similar articles (5)", "Show all 45 references"
HEADING_WITH_COUNT = re.compile(r"^(Cited by|Similar articles|References)\b.*\d.*$")
COUNTED_HEADINGS = ("Cited by", "Similar articles", "References")  # cheap check first
# The legacy site's collapsed block: "Publication Types, MeSH Terms, Substances, Grant Support"
COLLAPSED_HEADINGS = re.compile(r"^(?:Publication Types?|MeSH Terms|Substances|Grant Support)"
                                r"(?:, (?:Publication Types?|MeSH Terms|Substances|Grant Support))+$", re.I)
RELATION_SECTIONS = {
    "comment_in", "comment_on", "erratum_in", "erratum_for", "update_of", "update_in",
    "retraction_in", "retraction_of", "expression_of_concern_in", "republished_in",
    "republished_from", "secondary_source_id", "personal_name_as_subject", "substances",
    "supplementary",
}
# Publication types PubMed prints above the citation line or after "Affiliations".
HEADER_PUBLICATION_TYPES = {
    "Editorial", "Review", "Systematic Review", "Comment", "Letter", "Case Reports",
    "Clinical Trial", "Meta-Analysis", "Randomized Controlled Trial", "Practice Guideline",
    "Guideline", "News", "Biography", "Historical Article", "Published Erratum",
    "Retracted Publication", "Retraction of Publication", "Observational Study",
    "Multicenter Study", "Comparative Study", "Consensus Development Conference",
    "Preprint", "Clinical Trial, Phase I", "Clinical Trial, Phase II",
    "Clinical Trial, Phase III", "Clinical Trial, Phase IV", "Video-Audio Media",
    "Interview", "Lecture", "Congress", "Introductory Journal Article", "Expression of Concern",
}
FURNITURE_LINE = re.compile(
    r"^(Affiliations( Expand| Collapse)?|Expand|Collapse|Item in Clipboard|Free PMC article|"
    r"Free article|Free Article|Full text links|Cite|Display options.*|Save|Email|Send to|"
    r"Clipboard|My Bibliography|Collections|Citation manager|Search:?|Search in PubMed|"
    r"Search in MeSH|Add to Search|Advanced|User Guide|Show details|Show all \d+ references|"
    r"See all .*|Show fewer|Show more|Show all \d+ authors|Show all authors|"
    r"Access keys.*|.*Main Navigation|Skip to main (page )?content|Proceed to details|"
    r"Permalink|Actions|Collections|Share|Title & authors|pubmed logo|Log in|"
    r".* full text link|Full text links|Affiliation|Collaborators, Affiliations Expand|"
    # the legacy site
    r"Display Settings:?|Send to:?|Format:.*|Author information|Free PMC Article|Free full text|"
    r"See comment in PubMed Commons below)$"
)
# "PMID: 23649720 [PubMed - indexed for MEDLINE]", "[Indexed for MEDLINE]"
STATUS = re.compile(r"\[(PubMed(?: - [A-Za-z][A-Za-z ]{0,40})?|Indexed for MEDLINE)\]")
# "[Article in Japanese]" (legacy) or "Article in French" beside a translated title
LANGUAGE_LINE = re.compile(r"^\[?Article in ([A-Z][a-z]+(?:(?:, | and )[A-Z][a-z]+)*)\]?\.?$")
_DATE = (r"(?:1[89]|20)\d\d(?:\s+[A-Za-z]{3}[a-z]*\.?"
         r"(?:\s*-\s*(?:(?:1[89]|20)\d\d\s+)?[A-Za-z]{3}[a-z]*)?"  # "Mar-Apr", "Dec-1999 Jan"
         r"(?:\s+\d{1,2}(?:\s*-\s*\d{1,2})?)?)?")
# ". 2014 Dec;13(6):666-8."  or  "Mov Disord. 2019 Mar;34(3):345-356. doi: …"; the
# "Abstract (text)" export numbers it: "1. Cerebellum. 2014 Dec;13(6):666-8."
CITATION_LINE = re.compile(
    r"^(?:\d{1,4}\.\s+(?=[A-Z]))?(?P<journal>[^.;]*?)\s*\.\s+"
    rf"(?P<date>{_DATE})"
    r"\s*(?:;(?P<vip>[^.]+?)|:(?P<locator>[^.;\s]+))?\s*\.(?:\s+(?P<rest>.*))?$"
)
# "13(6):666-8", "41(2 ( Pt 1)):234-7" (one level of parentheses inside the issue)
SHORT_CITATION = re.compile(
    r"^(?P<first>[^.]+?)(?P<etal>\s+et al\.?)?\.\s+(?P<journal>[^.]+)\.\s+"
    r"(?P<year>(?:1[89]|20)\d\d)\b[^.]*\.?$"
)
# "Juan Fernando Ortiz et al. Cureus. ." -- the same line when the page has no date for it
SHORT_CITATION_UNDATED = re.compile(r"^(?P<first>[^.]+?)(?P<etal>\s+et al)?\.\s+(?P<journal>[^.]+)\.\s+\.$")
COPYRIGHT = re.compile(
    r"(^(©|\(c\) ?\d{4}|(Crown )?Copyright\b)|protected by copyright|All rights reserved\.?$)", re.IGNORECASE
)
REFERENCE_DOI = re.compile(r"(?:(?<=doi\.org/)|(?<![\w/.]))(10\.\d{4,9}/\S+?)\.?(?:\s|$)")
REFERENCE_PMID = re.compile(r"\bPMID:\s*(\d+)")
SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
YEAR = re.compile(r"(?:1[89]|20)\d\d")
DROPDOWN_LINE = re.compile(r"^(Search in PubMed|Search in NLM Catalog|Add to Search)$")
REFERENCE_SOURCE = re.compile(
    r"^(?:(?P<journal>[A-Z][^.;]*?)\s+)?"
    r"(?P<date>(?:1[89]|20)\d\d(?:\s+[A-Za-z]{3}[a-z]*(?:-[A-Za-z]{3})?(?:\s+\d{1,2})?)?)\s*"
    r"(?:;\s*(?P<vip>[^.]+?))?\.?$"
)
AUTHOR_WITH_NUMBERS = re.compile(r"^(?P<name>.*?[^\d\s])(?P<numbers>(?:\s+\d{1,3})*)\s*$")
_LINK_LABEL = (
    r"(?:DOI|PMC|PubMed|Google Scholar|Free PMC article|Free article|"
    r"PMC free article|Article|CAS|Web of Science)"
)
# "(?:\s+-\s+LABEL)+\s*$" written to start with a plain \s: re then skips ahead to the
# next white space instead of trying the pattern at every character (2.5x faster).
LINK_LABELS = re.compile(rf"\s\s*-\s+{_LINK_LABEL}(?:\s+-\s+{_LINK_LABEL})*\s*$")
# the same labels on a line of their own, as a browser may copy a list of links: no reference
LINK_LABELS_LINE = re.compile(rf"^\s*-\s+{_LINK_LABEL}(?:\s+-\s+{_LINK_LABEL})*\s*$")
# Compiled once: the module-level re functions look a pattern up in re's cache on
# every call, and some of these run for every line or reference.
DOI_IN_TAIL = re.compile(r"\bdoi:\s*(\S+?)\.?(?:\s|$)")
EPUB_IN_TAIL = re.compile(r"\bEpub\s+((?:1[89]|20)\d\d(?:\s+[A-Za-z]{3}(?:\s+\d{1,2})?)?)")
ID_LINE_START = ("PMID:", "PMCID:", "DOI:", "[Indexed for", "[PubMed")
DOI_LABELLED = re.compile(r"DOI:\s*(10\.\S+)")
LOWER_CASE_START = re.compile(r"^[a-z]")
CITATION_TAIL = re.compile(r"^(doi:|Epub\b|Online ahead of print|eCollection|Print\b)")
AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?=\D)|\s*;\s*")
AUTHOR_MARKS = re.compile(r"\s*[#*\u2020\u2021]+")
# affiliation numbers glued to a name: "Neychev VK1", "Lehéricy S3,4" (legacy), "Malone A(1)" (text export)
GLUED_NUMBERS = re.compile(r"(?<=[^\d\s,])\(?(\d{1,3}(?:,\s*\d{1,3})*)\)?$")
INITIALS = re.compile(r"[A-Z]{1,4}")
AFFILIATION_IN_PARENS = re.compile(r"^\((\d{1,3})\)\s*")
ET_AL_END = re.compile(r"\s+et al\.?$")
ET_AL_AT_END = re.compile(r"\bet al\.?\s*$")
SHORT_AUTHOR_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+")
LEADING_DIGITS = re.compile(r"\d{1,3}")
AUTHOR_LINE_MARKS = re.compile(r"[#*\u2020\u2021]|\bet al\.?|\(\d{1,3}(?:,\s*\d{1,3})*\)|\.$")
NAME_SEPARATOR = re.compile(r"\s*[,;]\s*")
ABSTRACT_LABEL = re.compile(r"[A-Z][A-Za-z /&,-]{1,60}:")
LIST_NUMBER = re.compile(r"^\d+\.\s+")
_NAME = r"[A-Z][\w'\u2019-]+(?: [A-Za-z][\w'\u2019-]+)* [A-Z]{1,4}"
AUTHOR_LIST = re.compile(rf"{_NAME}(?:, {_NAME})*(?:,? et al)?\.?")


# The first line of a tagged export: "TY  - JOUR" (RIS), "PMID- 123" (MEDLINE).
TAGGED_EXPORT = re.compile(r"[A-Z][A-Z0-9]{1,3} {0,3}- ")


def looks_like(text: str) -> bool:
    """A PubMed page has a page marker -- a PMID line, its disclaimer heading, the NCBI
    banner, a "- PubMed" link label or an Abstract heading, whole lines as the parser
    will see them -- and its citation line, or failing that a DOI beside its PMID, or
    failing both a marker only PubMed prints (its disclaimer heading, the NCBI banner).
    A PMC article page has most of these too and is refused, as is a page of search
    results (pubmed_summary's). (Cheap tests first: every
    line either pattern accepts holds these words, white space aside.)"""
    if TAGGED_EXPORT.match(text.lstrip()):  # RIS and MEDLINE exports quote page lines ("DB  - PubMed")
        return False
    lines = text.split("\n")
    if not any(
        _is_page_marker(clean_space(line) or "")
        for line in lines if "PubMed" in line or "PMID:" in line or "NCBI" in line or "Abstract" in line
    ):
        return False
    if pmc_page.looks_like(text):
        return False
    from . import pubmed_summary  # here: that module reads citations with this one's patterns
    if pubmed_summary.looks_like(text):  # a results page or a Summary (text) save
        return False
    return any(CITATION_LINE.match(clean_space(line) or "") for line in lines if "." in line and YEAR.search(line)) \
        or any(_is_doi_line(clean_space(line) or "") for line in lines if "DOI:" in line) \
        or any(_is_strong_marker(clean_space(line) or "") for line in lines if "PubMed" in line or "NCBI" in line)


def _is_strong_marker(line: str) -> bool:
    """Lines only a PubMed page prints: a piece of one without its citation line is still
    a PubMed page, which read() refuses with its reason (no title, no identifier) rather
    than being an unknown format."""
    return line == "PubMed Disclaimer" or line.startswith("Access keys NCBI") or line.endswith("- PubMed")


def _is_page_marker(line: str) -> bool:
    return (line in ("PubMed Disclaimer", "Abstract") or line.startswith(("PMID:", "Access keys NCBI"))
            or line.endswith("- PubMed"))


def _is_doi_line(line: str) -> bool:
    """'PMID: 24843053 DOI: 10.1007/…' or 'DOI: 10.1007/…' on a line of its own."""
    return line.startswith("DOI: 10.") or (line.startswith("PMID:") and "DOI: 10." in line)


def split_sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The lines before the first heading (the header), then each section's lines."""
    header: list[str] = []
    sections: dict[str, list[str]] = {}
    current = header
    for k, line in enumerate(lines):
        key = HEADINGS.get(line)
        if key == "furniture" and line == "Actions" and not _actions_section(lines, k):
            continue  # the label of a term's menu button ("Animals", "Actions", "Humans", "Actions")
        if key is None and len(line) < 60:
            if line.startswith(COUNTED_HEADINGS) and HEADING_WITH_COUNT.match(line):
                key = "references" if line.startswith("References") else "furniture"
            elif line and line[0] in "PMSG" and COLLAPSED_HEADINGS.match(line):
                key = "furniture"
        if key is not None:
            current = sections.setdefault(key, []) if key != "furniture" else []
            if key == "no_abstract":
                sections.setdefault("abstract", [])
            continue
        current.append(line)
    return header, sections


ACTIONS_SECTION = {"Cite", "Collections", "Add to Collections", "Permalink", "Share", "Copy"}


def _actions_section(lines: list[str], at: int) -> bool:
    """Whether the "Actions" line at ``at`` heads the page's Actions box (Cite,
    Collections, Permalink follow), rather than labelling a MeSH term's menu."""
    following = next((line for line in lines[at + 1 : at + 4] if line), None)
    return following in ACTIONS_SECTION


def read(text: str):
    """One record for a page; for an "Abstract (text)" save, one record for each numbered
    entry, a record that cannot be read being a RecordError in its place."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    pieces = split_records(text)
    if len(pieces) == 1:
        if not _record_starts(text.split("\n")):
            yield parse_pubmed_page(text)
            return
    yield from read_pieces(pieces, parse_abstract_record if _record_starts(text.split("\n")) else parse_pubmed_page)


# --- PubMed "Save, Format: Abstract (text)" ("Send to: File, Abstract"; efetch rettype=abstract) ---
# Numbered records, two blank lines between them, lines wrapped at 80 columns; in each
# record, paragraphs separated by a blank line, in this order:
#     3. Science. 2010 Jan 8;327(5962):217-20. doi: 10.1126/science.1176827. Epub 2009 Nov
#     19.                                       the citation (a chapter's: "In: …, editors. Book [Internet]. …")
#     [Article in French]                       (sometimes)
#     Overexpression of alpha2A-adrenergic …    the title
#     Rosengren AH(1), Jokubka R, …             the authors ("Bologna M(1)(2)": two affiliations)
#     Collaborators: …                          (sometimes)
#     Author information:                       numbered affiliations, wrapped
#     (1)Lund University Diabetes Centre, …
#     Erratum in / Comment in / Update of …     each over its indented entries
#         Science. 2011 Oct 7;334(6052):39.
#     BACKGROUND: …                             the abstract (structured labels start lines), if any
#     © 2013 International Society for …        the copyright
#     DOI: 10.1126/science.1176827              the record's own identifiers
#     PMCID: PMC4954603
#     PMID: 19965390  [Indexed for MEDLINE]
#     Conflict of interest statement: …         (sometimes, after the identifiers)
EXPORT_START = re.compile(r"^(\d{1,5})\.\s+(?=\S)")
EXPORT_ID_LINE = ("DOI:", "PMCID:", "PMID:", "Bookshelf ID:")
# "BACKGROUND: ", "MATERIALS AND METHODS: ": a structured abstract's label starts a paragraph
EXPORT_LABEL = re.compile(r"[A-Z][A-Z0-9 ,&/()'-]{1,60}: ")
AFFILIATION_NUMBERS = re.compile(r"\)\((?=\d)")  # "Bologna M(1)(2)" -> "Bologna M(1,2)"
EXPORT_AFFILIATION = re.compile(r"\(\d{1,3}\)")
BOOK_TITLE = re.compile(r"^In: (?:.*?\beditors?\.\s+)?(?P<book>.+?)(?:\s*\[Internet\])?\.\s")
BOOK_DATE = re.compile(r"(?P<date>(?:1[89]|20)\d\d(?: [A-Z][a-z]{2}(?: \d{1,2})?)?)(?: \[[^\]]*\])?\.?$")
CITATION_LINES = 8  # a wrapped citation (a chapter's) takes four lines at most


def split_records(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each numbered record of an "Abstract (text)" save, or of each
    article of a copy holding several (a results page shown as abstracts), cut where
    read() cuts them; a page is one piece, the whole text."""
    lines = text.split("\n")
    starts = _record_starts(lines) or _article_starts(lines)
    if not starts:
        return [(1, text)]
    return [(start + 1, "\n".join(lines[start:end]))
            for start, end in zip(starts, starts[1:] + [len(lines)])]


# Today's article header: the journal on a line of its own, then ". 2014 Dec;13(6):666-8.";
# a page prints it once (similar articles print the journal inline).
ARTICLE_HEADER = re.compile(r"^\s*\.\s+(?:1[89]|20)\d\d\b")


def _article_starts(lines: list[str]) -> list[int]:
    """Where each article starts in a copy of several: at the line before each header (its
    journal), with the article's number above it ("2") when there is one; the first at the
    top of the text (the page's banner is the first article's furniture). Empty for one."""
    headers = [i for i, line in enumerate(lines)
               if line[:3].strip()[:1] == "." and len(line) < 300 and ARTICLE_HEADER.match(line)
               and CITATION_LINE.match(line.strip())]
    if len(headers) < 2:
        return []
    starts = [0]
    for header in headers[1:]:
        start = header
        for step in range(3):  # the journal's line, its type label ("Review"), the article's number
            above = next((k for k in range(start - 1, max(start - 4, -1), -1) if lines[k].strip()), None)
            if above is None or above <= starts[-1]:
                break
            line = lines[above].strip()
            if not (step == 0 or line.isdigit() or (step == 1 and line in HEADER_PUBLICATION_TYPES)):
                break
            start = above
        starts.append(start)
    return starts


def _record_starts(lines: list[str]) -> list[int]:
    """Indexes of the lines that start records: "12. " after a blank line, the number above
    the last record's, and either the last record has had its "PMID:" line or the paragraph
    is a citation. The first non-blank line must start one (else the text is a page)."""
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None or not EXPORT_START.match(lines[first]) or not _export_citation(lines, first):
        return []
    starts, last, pmid_seen = [first], int(EXPORT_START.match(lines[first]).group(1)), False
    for i in range(first + 1, len(lines)):
        line = lines[i]
        if line.startswith("PMID:"):
            pmid_seen = True
        elif line[:1].isdigit() and not lines[i - 1].strip() and (m := EXPORT_START.match(line)) \
                and int(m.group(1)) > last and (pmid_seen or _export_citation(lines, i)):
            starts.append(i)
            last, pmid_seen = int(m.group(1)), False
    return starts


def _export_citation(lines: list[str], at: int) -> bool:
    """The paragraph at line ``at`` is a numbered citation: "1. Cerebellum. 2014 Dec;…" or a
    chapter's "1. In: …"."""
    head = _citation_text(_block_at(lines, at))
    return head.startswith("In: ") or bool(YEAR.search(head) and CITATION_LINE.match(head))


def _block_at(lines: list[str], at: int) -> list[str]:
    block = []
    for line in lines[at : at + CITATION_LINES + 1]:
        if not line.strip():
            break
        block.append(line)
    return block


def _citation_text(block: list[str]) -> str:
    return EXPORT_START.sub("", clean_space(" ".join(block)) or "", count=1)


def _blocks(text: str) -> list[list[str]]:
    """The paragraphs of a record: runs of non-blank lines (right-trimmed; indentation kept)."""
    blocks, current = [], []
    for line in text.split("\n"):
        if line.strip():
            current.append(line.rstrip())
        elif current:
            blocks.append(current)
            current = []
    return blocks + ([current] if current else [])


def _joined(block: list[str]) -> str:
    """A paragraph's wrapped lines as one line."""
    return clean_space(" ".join(block)) or ""


def parse_abstract_record(text: str) -> PaperRecord:
    """One numbered record of an "Abstract (text)" save (its lines as split_records cuts
    them). Identifiers come from its own identifier lines (and the doi of its citation)."""
    blocks = _blocks(text)
    if not blocks or len(blocks[0]) > CITATION_LINES:
        raise ValueError("no citation at the start of the record (a paragraph like "
                         "'1. Mov Disord. 2019 Mar;34(3):345-356.')")
    record = PaperRecord(format=FORMAT, title="")
    claims: list[Claim] = []
    head = _citation_text(blocks[0])
    if head.startswith("In: "):  # a book chapter: its book is the journal, as MEDLINE's reader has it
        record.publication_types = ["Book Chapter"]
        if (m := BOOK_TITLE.match(head)):
            record.journal_title = m.group("book")
        if (m := BOOK_DATE.search(head)):
            year, month, day = parse_date(m.group("date"))
            record.year, record.publication_date = year, iso_date(year, month, day)
    else:
        cite = CITATION_LINE.match(head) if YEAR.search(head) else None
        if cite is None:
            raise ValueError(f"no citation line like 'Mov Disord. 2019 Mar;34(3):345-356.' at the start "
                             f"of the record: {head[:60]!r}")
        record.journal_abbreviation = clean_space(cite.group("journal"))
        citation_facts(record, claims, cite)
        tail_facts(record, claims, cite.group("rest") or "")
    id_at = next((k for k, block in enumerate(blocks) if k and block[0].startswith(EXPORT_ID_LINE)), None)
    if id_at is None:
        raise ValueError("no identifier lines ('PMID: 25146823') at the end of the record: cut short?")
    body, id_lines, after = blocks[1:id_at], [clean_space(line) or "" for line in blocks[id_at]], blocks[id_at + 1 :]

    k = 0
    while k < len(body) and (m := LANGUAGE_LINE.match(_joined(body[k]))):
        claims.append(Claim("language", m.group(1), "printed beside the title"))
        k += 1
    if k == len(body):
        raise ValueError("no title after the citation line")
    record.title = _joined(body[k])
    if record.title.endswith(".") and not record.title.endswith("..") and len(record.title) > 1:
        record.title = record.title[:-1]
    k += 1
    while k < len(body) and (m := LANGUAGE_LINE.match(_joined(body[k]))):
        claims.append(Claim("language", m.group(1), "printed beside the title"))
        k += 1
    people = []
    if k < len(body) and _joined(body[k]).strip() == "[No authors listed]":
        k += 1  # PubMed's words for a record without authors (an editorial, a notice)
    elif k < len(body) and _looks_like_author_line(line := AFFILIATION_NUMBERS.sub(",", _joined(body[k])), record.title):
        people, k = [line], k + 1
    affiliations, paragraphs, relations = [], [], {}
    for block in body[k:]:
        first = block[0].strip()
        if first.startswith("Author information:"):
            affiliations = ["Author information:"] + _export_affiliations([first[len("Author information:"):]] + block[1:])
        elif first.startswith("Collaborators:"):
            continue  # investigators are not authors (as the MEDLINE reader reads IR)
        elif HEADINGS.get(first) in RELATION_SECTIONS:
            relations.setdefault(HEADINGS[first], []).extend(_export_entries(block[1:]))
        else:
            paragraphs += _export_paragraphs(block[1:] if first == "Excerpt" else block)
    _authors_and_affiliations(record, people + affiliations, None)
    record.authors_complete = not people or record.authors_complete  # the save lists every author
    _abstract(record, paragraphs)
    _identifiers(record, claims, id_lines)
    if record.pmid is None:
        raise ValueError("no 'PMID: 25146823' line among the record's identifier lines")
    for block in after:
        text = _joined(block)
        if text.startswith("Conflict of interest statement:"):
            if (statement := clean_space(text[len("Conflict of interest statement:"):])):
                claims.append(Claim("conflict_of_interest", statement, "Conflict of interest statement"))
    for key in sorted(relations):
        heading = next(h for h, k in HEADINGS.items() if k == key)
        claims.extend(Claim(key, entry, f'listed under "{heading}" on the page') for entry in relations[key])
    record.claims = claims
    return record


def _export_affiliations(lines: list[str]) -> list[str]:
    """'(1)Department of …' lines, their wrapped continuations joined on."""
    out = []
    for line in (clean_space(line) for line in lines):
        if not line:
            continue
        if EXPORT_AFFILIATION.match(line) or not out:
            out.append(line)
        else:
            out[-1] += " " + line
    return out


def _export_entries(lines: list[str]) -> list[str]:
    """The indented entries under 'Comment in' and the like; an entry wrapped over lines
    (its line does not end with a full stop) is joined."""
    out, joined = [], False
    for line in (clean_space(line) for line in lines):
        if not line:
            continue
        if out and joined:
            out[-1] += " " + line
        else:
            out.append(line)
        joined = not line.endswith(".")
    return out


def _export_paragraphs(block: list[str]) -> list[str]:
    """A paragraph's wrapped lines as one line; a structured abstract's label
    ('RESULTS: ') at the start of a line starts a paragraph of its own."""
    out = []
    for line in block:
        line = clean_space(line)
        if not line:
            continue
        # a label starts a paragraph after a sentence's end: "...in 2 groups:" then a line
        # "MRI: scans were..." is the same sentence going on
        if not out or (EXPORT_LABEL.match(line) and out[-1].rstrip().endswith((".", "?", "!"))):
            out.append(line)
        else:
            out[-1] += " " + line
    return out


def parse_pubmed_page(text: str) -> PaperRecord:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Runs of spaces inside a line are folded too: on a line of thousands of spaces
    # the patterns below would backtrack for minutes.
    lines = [clean_space(line) or "" for line in raw_lines]
    record = PaperRecord(format=FORMAT, title="")
    claims: list[Claim] = []
    above_types, journal_line = [], None
    # The "Page navigation" sidebar repeats every heading above the article, so
    # sections are only cut after the citation line (or the title).
    at = _citation_line(lines)
    if at is not None:
        cite = CITATION_LINE.match(lines[at])
        journal_line = clean_space(cite.group("journal"))
        citation_facts(record, claims, cite)
        header, sections = split_sections(lines[at + 1 :])
        # After the citation line: doi and Epub date, on it or on lines of their own.
        rest, i = [cite.group("rest") or ""], 0
        while i < len(header) and (not header[i] or _is_citation_tail(header[i])):
            rest.append(header[i])
            i += 1
        tail_facts(record, claims, " ".join(rest))
        front = [line for line in header[i:] if line]
        before = _title_before(lines[:at], front, lines[at])
        if before:  # saved without furniture: title (and authors) above the citation line
            front = before + front
        else:
            # Above the citation line: the journal abbreviation (newer layout) and
            # header publication types such as "Editorial" or "Review".
            for line in [line for line in reversed(lines[:at]) if line and not DROPDOWN_LINE.match(line)][:3]:
                if line in HEADER_PUBLICATION_TYPES:
                    above_types.insert(0, line)
                elif journal_line is None and _looks_like_journal(line):
                    journal_line = line
                else:
                    break
    else:
        title_at = _title_over_identifiers(lines)
        if title_at is None:
            raise ValueError("not a PubMed page: no title and no identifier (no citation line like "
                             "'Mov Disord. 2019 Mar;34(3):345-356.' and no title over a 'PMID:' line)")
        header, sections = split_sections(lines[title_at + 1 :])
        front = [lines[title_at]] + [line for line in header if line]

    title_at = next((k for k, line in enumerate(front) if _could_be_title(line)), None)
    if title_at is None:
        raise ValueError("no title after the citation line")
    record.title = front[title_at]
    # A title wrapped over lines: the next line goes on in lower case.
    while (title_at + 1 < len(front) and LOWER_CASE_START.match(front[title_at + 1])
           and not record.title.endswith((".", "?", "!"))):
        title_at += 1
        record.title += " " + front[title_at]
    # The legacy site and MEDLINE end titles with a full stop; today's page does not.
    if record.title.endswith(".") and not record.title.endswith("..") and len(record.title) > 1:
        record.title = record.title[:-1]
    record.publication_types = list(above_types)
    for line in front:
        if line in HEADER_PUBLICATION_TYPES and line not in record.publication_types:
            record.publication_types.append(line)
        elif line[:1] in "[A" and (m := LANGUAGE_LINE.match(line)):
            claims.append(Claim("language", m.group(1), "printed beside the title"))

    short = _short_citation(front, record.year)
    after_title = front[title_at + 1 :]
    author_lines = _authors_and_affiliations(record, after_title, short)
    if short and not journal_line:
        journal_line = clean_space(short.group("journal"))
    record.journal_abbreviation = journal_line

    abstract_lines = sections.get("abstract")
    if abstract_lines is None:  # no "Abstract" heading: the paragraphs after the identifiers
        abstract_lines = _abstract_without_heading(after_title[author_lines:], short)
    after_abstract = _abstract(record, abstract_lines)
    _identifiers(record, claims, front + after_abstract)

    record.references = [
        reference_from_text(position, line)
        for position, line in enumerate((line for line in _list_lines(sections.get("references"))
                                         if not LINK_LABELS_LINE.match(line)), 1)
    ]
    for line in _list_lines(sections.get("publication_types")):
        if line not in record.publication_types:
            record.publication_types.append(line)
    # (a line of a star or a slash alone names no term)
    record.mesh_terms = [m for m in map(_mesh_term, _list_lines(sections.get("mesh"))) if m.term]
    record.grants = [nlm_grant(line) for line in _list_lines(sections.get("grants"))]
    conflict = clean_paragraphs("\n".join(sections.get("conflict", [])))
    if conflict:
        claims.append(Claim("conflict_of_interest", conflict, "Conflict of interest statement"))
    for key in sorted(RELATION_SECTIONS & sections.keys()):
        for entry in _entries(sections[key]):
            heading = next(h for h, k in HEADINGS.items() if k == key)
            claims.append(Claim(key, entry, f'listed under "{heading}" on the page'))
    record.claims = claims
    return record


def citation_facts(record: PaperRecord, claims: list[Claim], cite) -> None:
    """Date, volume, issue and pages of the citation line (CITATION_LINE's match; the
    PubMed summary reader reads its citations with it too)."""
    year, month, day = parse_date(cite.group("date"))
    record.year, record.publication_date = year, iso_date(year, month, day)
    if cite.group("locator"):
        claims.append(Claim("article_locator", cite.group("locator"),
                            "article identifier printed after the date (published ahead of print)"))
    if cite.group("vip") and (vip := VIP.match(cite.group("vip"))):  # not "13(6:666-8"
        record.volume = clean_space(vip.group("volume"))
        record.issue = clean_space(vip.group("issue"))
        record.pages = expand_pages(vip.group("pages"))


def tail_facts(record: PaperRecord, claims: list[Claim], tail: str) -> None:
    """'doi: 10.1002/mds.25532. Epub 2013 May 6.' and the like after the citation."""
    if (m := DOI_IN_TAIL.search(tail)):
        record.doi = normalize_doi(m.group(1))
    if (m := EPUB_IN_TAIL.search(tail)):
        record.epub_date = iso_date(*parse_date(m.group(1)))
    if "Online ahead of print" in tail:
        claims.append(Claim("status", "Online ahead of print", "printed after the citation line"))


def _identifiers(record: PaperRecord, claims: list[Claim], lines: list[str]) -> None:
    """PMID, PMCID and DOI from the identifier lines (today's page: under the authors;
    the legacy one: after the abstract, the number possibly on the next line)."""
    ids = " ".join(lines)
    # Chrome may glue them: "PMID: 29701234PMCID: PMC6001234DOI: 10.1093/brain/awy095"
    if (m := PMID.search(ids)):
        record.pmid = m.group(1)
    if (m := PMCID.search(ids)):
        record.pmcid = m.group(1)
    if not record.doi and (m := DOI_LABELLED.search(ids)):
        record.doi = normalize_doi(m.group(1))
    if "[" in ids and (m := STATUS.search(ids)):
        claims.append(Claim("status", m.group(1), "printed beside the PMID"))
    if "Free PMC article" in lines or "Free PMC Article" in lines:
        record.is_open_access = True
        if record.pmcid:
            record.open_access_url = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{record.pmcid}/"
    elif "Free article" in lines or "Free Article" in lines or "Free full text" in lines:
        record.is_open_access = True


def _citation_line(lines: list[str]) -> int | None:
    """Index of the article's own citation line. The page prints it with the journal
    on the line above (". 2019 Mar;34(3):345-356."); sidebar entries ("Similar
    articles") print the journal inline, so an inline one only counts before the
    "PubMed Disclaimer" heading that follows the abstract."""
    first = None
    for i, line in enumerate(lines):
        # "." first: most lines have none, and the citation line needs one
        if "." in line and YEAR.search(line) and CITATION_LINE.match(line):
            if line.startswith("."):
                return i
            if first is None:
                first = i
    end = lines.index("PubMed Disclaimer") if "PubMed Disclaimer" in lines else len(lines)
    return first if first is not None and first < end else None


def _could_be_title(line: str) -> bool:
    return not (_is_front_furniture(line) or line in HEADINGS or "://" in line or line.startswith(("www.", "PMID:"))
                or (line[:1] in "[A" and LANGUAGE_LINE.match(line)))


def _title_before(above: list[str], front: list[str], cite_line: str) -> list[str] | None:
    """[title] or [title, author line] when the page was saved with the title above an
    inline citation line ("Cerebellum. 2014 Dec;13(6):666-8."); None when the title
    follows it, as on today's page (". 2014 Dec;…") and the legacy one (furniture such as
    "Send to:" above, the title below)."""
    if cite_line.startswith("."):
        return None
    if front and _could_be_title(front[0]) and len(front[0]) <= 300 and not front[0].startswith(ID_LINE_START) \
            and not _looks_like_author_line(front[0], ""):
        return None  # the title is below
    near = [line for line in above[-6:] if line][-2:]
    if not near or not _could_be_title(near[-1]) or near[-1] in HEADER_PUBLICATION_TYPES:
        return None
    if len(near) == 2 and _looks_like_author_line(near[1], near[0]) and _could_be_title(near[0]):
        return near  # summary style: title, authors, citation line
    return near[-1:]


def _title_over_identifiers(lines: list[str]) -> int | None:
    """A page without a citation line: the title is the first line above the first
    'PMID:' line that is neither furniture, an affiliation nor the author line."""
    id_at = next((i for i, line in enumerate(lines) if line.startswith("PMID:")), None)
    if id_at is None:
        return None
    candidates = [i for i in range(id_at - 1, max(id_at - 60, -1), -1) if lines[i]]
    k = 0
    # affiliations ("1Department of …", "Affiliations") and furniture between authors and ids
    while k < len(candidates) and (digits(lines[candidates[k]][:1]) or _is_front_furniture(lines[candidates[k]])
                                   or lines[candidates[k]].startswith("Affiliation")):
        k += 1
    if k < len(candidates) and k + 1 < len(candidates) and _looks_like_author_line(lines[candidates[k]], ""):
        k += 1
    if k < len(candidates) and _could_be_title(lines[candidates[k]]) and not lines[candidates[k]].endswith(":"):
        return candidates[k]
    return None


def _looks_like_journal(line: str) -> bool:
    return (
        len(line) <= 120
        and line not in HEADINGS
        and not FURNITURE_LINE.match(line)
        and not line.endswith((":", "?", "."))
    )


def _is_citation_tail(line: str) -> bool:
    return bool(CITATION_TAIL.match(line))


def _is_front_furniture(line: str) -> bool:
    return bool(FURNITURE_LINE.match(line)) or line in HEADER_PUBLICATION_TYPES


def _short_citation(front: list[str], year: int | None):
    """'Ailish Malone et al. Cerebellum. 2014 Dec.' -- only with the paper's own year --
    or, with no date at all, 'Juan Fernando Ortiz et al. Cureus. .'"""
    for line in front:
        if line.endswith(". ."):
            if (m := SHORT_CITATION_UNDATED.match(line)):
                return m
        # the year's digits first: most lines lack them, and the pattern is slower
        elif year is not None and str(year) in line and not line.startswith("PMID"):
            m = SHORT_CITATION.match(line)
            if m and int(m.group("year")) == year:
                return m
    return None


def _authors_and_affiliations(record: PaperRecord, after_title: list[str], short) -> int:
    """The author line (today's page, legacy "Neychev VK1"), failing that the short
    citation line; affiliations from the numbered lines under "Affiliations" or
    "Author information". Returns how many lines of after_title they took."""
    author_line, names, numbers_of, affiliations = None, [], [], {}
    if after_title and _looks_like_author_line(after_title[0], record.title) and (
        short is None or after_title[0] != short.group(0)
    ):
        author_line = after_title[0]
    if author_line:
        line = author_line.rstrip(" ,")  # a comma at the end separates no name: it is not part of the last one
        for part in AUTHOR_SEPARATOR.split(line.rstrip(".") if line.endswith(".") else line):
            # "#" marks equal contribution, "*" a corresponding author: not part of the name
            part = AUTHOR_MARKS.sub("", part)
            glued = GLUED_NUMBERS.search(part)
            if glued:
                part = part[: glued.start()]
            m = AUTHOR_WITH_NUMBERS.match(part)
            if m and clean_space(m.group("name")):
                names.append(ET_AL_END.sub("", clean_space(m.group("name"))))
                numbers = m.group("numbers").split() + (glued.group(1).replace(" ", "").split(",") if glued else [])
                numbers_of.append([int(n) for n in numbers])
        record.authors_complete = not ET_AL_AT_END.search(author_line)
    elif short:
        names = [clean_space(n) for n in SHORT_AUTHOR_SEPARATOR.split(short.group("first")) if clean_space(n)]
        record.authors_complete = not short.group("etal")
    else:
        record.authors_complete = False
    # Affiliations: numbered lines after the "Affiliations" or "Author information" heading
    # ("1Department …", "1 Department …", "(1)Department …", or "1" alone over its text);
    # the legacy page may print one affiliation without a number.
    used = 1 if author_line else 0
    in_affiliations, unnumbered, pending = False, [], None
    cited = {n for numbers in numbers_of for n in numbers}
    for k, line in enumerate(after_title):
        if line.startswith("Affiliation") or line in ("Author information", "Author information:"):
            in_affiliations, legacy = True, line.startswith("Author")
            used = k + 1
            continue
        if not in_affiliations:
            continue
        if pending is not None:
            affiliations[pending], pending, used = line, None, k + 1
            continue
        if digits(line) and len(line) <= 3:
            pending = int(line)
            continue
        number = _affiliation_number(AFFILIATION_IN_PARENS.sub(r"\1", line), cited)
        if number is not None:
            affiliations[number] = AFFILIATION_IN_PARENS.sub(r"\1", line)[len(str(number)):].strip()
            used = k + 1
        elif legacy and not cited and not affiliations and not unnumbered and not _is_front_furniture(line) \
                and not line.startswith(ID_LINE_START):
            unnumbered.append(line)
            used = k + 1
        elif affiliations or unnumbered or line.startswith(ID_LINE_START):
            break
    people = [nlm_author(name) for name in names]
    for k, person in enumerate(people):
        if person is None:
            continue
        numbers = numbers_of[k] if k < len(numbers_of) else []
        person.affiliations = [affiliations[n] for n in numbers if n in affiliations]
        if unnumbered and k == 0:  # before 2014 MEDLINE kept the first author's affiliation only
            person.affiliations = unnumbered
        record.authors.append(person)
    return used


def nlm_author(name: str):
    """'Mei-Ling Zhou' (today's page) or 'Neychev VK' (legacy and NLM citations: family
    name, then initials; 'Smith J Jr')."""
    words = name.split()
    suffix = words.pop() if len(words) >= 3 and words[-1] in NAME_SUFFIXES else None  # "Smith J Jr"
    if len(words) >= 2 and INITIALS.fullmatch(words[-1]) and not GROUP_WORDS.search(name):
        given, family = " ".join(words[-1]), " ".join(words[:-1])  # "VK" -> "V K"
        return author(family=family, given=given, name=f"{given} {family} {suffix}" if suffix else None)
    return author_from_display(name)


NAME_SUFFIXES = {"Jr", "Sr", "2nd", "3rd", "II", "III", "IV"}


def _affiliation_number(line: str, cited: set[int]) -> int | None:
    """'1Department of …' -> 1; '22nd Department of …' -> 2 when the authors cite
    affiliation 2 (the glued number is the one the author line refers to)."""
    leading = LEADING_DIGITS.match(line)
    if not leading:
        return None
    for k in range(len(leading.group()), 0, -1):
        number = int(line[:k])
        if line[k:].strip() and (number in cited or not cited and not digits(line[k])):
            return number
    return None


NAME_WORD = re.compile(
    r"^([A-Z\u00C0-\u024F][\w.'\u2019-]*|[a-z]{1,3}['\u2019][A-Z\u00C0-\u024F][\w'\u2019-]*"  # d'Alessandro
    r"|(van|von|der|den|de|del|della|di|da|du|le|la|dos|das|ter|ten|y|e)|\d{1,3})$"
)


def _looks_like_author_line(line: str, title: str) -> bool:
    """'Mei-Ling Zhou 1 2, Jane Roe 3' or 'Dystonia Coalition Investigators' -- not the
    title printed again, not furniture, not an identifier line; capitalised words only."""
    if line == title or _is_front_furniture(line) or line.startswith(("PMID:", "PMCID:", "DOI:", "\u2022")):
        return False
    names = [n for n in NAME_SEPARATOR.split(AUTHOR_LINE_MARKS.sub(" ", line)) if n.strip()]
    return bool(names) and all(
        len(n.split()) <= 8 and all(NAME_WORD.match(w) for w in n.split()) for n in names
    )


def _abstract(record: PaperRecord, lines: list[str] | None) -> list[str]:
    """Abstract paragraphs; 'Keywords:' and the copyright line are split off. The
    legacy page prints its identifiers after the abstract: those lines are returned."""
    if not lines:
        return []
    paragraphs: list[str] = []
    pending_label, keywords_next = None, False
    for k, line in enumerate(lines):
        if not line:
            continue
        if line.startswith(("PMID:", "PMCID:", "DOI:")):  # the identifiers: the abstract ends
            record.abstract = clean_paragraphs("\n\n".join(paragraphs))
            return lines[k:]
        keywords_here = line[:9].lower() == "keywords:"
        if keywords_here or keywords_next:
            words = line[len("Keywords:") :] if keywords_here else line
            keywords_next = not words.strip()  # "KEYWORDS:" alone: the list is on the next line
            record.keywords = [k for k in (clean_space(w) for w in words.strip().rstrip(".").split(";")) if k]
            continue
        # length first: the search is slow (a long line is copyright only when it says so first)
        if (len(line) < 400 or line[:1] == "\u00a9" or line[:9].lower() == "copyright") and COPYRIGHT.search(line):
            record.copyright = line
            continue
        if ABSTRACT_LABEL.fullmatch(line):  # a label on its own line
            pending_label = line
            continue
        if pending_label:
            line, pending_label = f"{pending_label} {line}", None
        paragraphs.append(line)
    record.abstract = clean_paragraphs("\n\n".join(paragraphs))
    return []


def _abstract_without_heading(lines: list[str], short) -> list[str]:
    """A page saved without its headings: the abstract is what follows the author,
    affiliation and identifier lines (the identifiers may also come after it)."""
    last_id = max((k for k, line in enumerate(lines) if line.startswith(ID_LINE_START)), default=-1)
    if last_id >= 0 and not any(_is_abstract_line(line, short) for line in lines[last_id + 1 :]):
        last_id = -1  # identifiers after the abstract (legacy order)
    return [line for line in lines[last_id + 1 :] if _is_abstract_line(line, short) or line.startswith(ID_LINE_START)]


def _is_abstract_line(line: str, short) -> bool:
    return not (_is_front_furniture(line) or line.startswith(ID_LINE_START) or (short and line == short.group(0))
                or (line[:1] in "[A" and LANGUAGE_LINE.match(line)))


def _entries(lines: list[str]) -> list[str]:
    """Items of a related-articles list: title, authors, source and a closing PMID line
    make one entry; a list without PMID lines has one entry per line."""
    items = _list_lines(lines)
    if not any(line.startswith("PMID:") for line in items):
        return items
    entries, current = [], []
    for line in items:
        current.append(line)
        if line.startswith("PMID:"):
            entries.append(" ".join(current))
            current = []
    return entries + ([" ".join(current)] if current else [])


def _list_lines(lines: list[str] | None) -> list[str]:
    """Non-empty lines of a list section, without the numbering and 'Show all' links."""
    items = []
    for line in lines or []:
        if digits(line[:1]):  # "12. " numbering (cheap check first)
            line = LIST_NUMBER.sub("", line)
        if line and not FURNITURE_LINE.match(line):
            items.append(line)
    return items


def reference_from_text(position: int, line: str) -> Reference:
    """One reference as printed, split into authors, title and source where the shape
    allows (NLM's "Authors. Title. Journal. 2011 May;42(2):177-84." and its kin); the
    PubMed XML and Crossref readers split their references' texts with it too."""
    citation = LINK_LABELS.sub("", line).strip()
    ref = Reference(position=position, citation=citation)
    # "doi: 10.…", "https://doi.org/10.…" or a bare "10.…" (Frontiers style).
    # Both patterns try every character: they only run from where their text is.
    if (at := citation.find("10.")) >= 0 and (m := REFERENCE_DOI.search(citation, at)):
        ref.doi = normalize_doi(m.group(1))
    if (at := citation.find("PMID:")) >= 0 and (m := REFERENCE_PMID.search(citation, at)):
        ref.pmid = m.group(1)
    # Sentences end with ". " (or "? " / "! " after a title). The source is the
    # sentence starting with a year, the journal the sentence before it
    # ("Neurobiol Dis. 2011 May;42(2):177-84."), or both share one sentence in the
    # style without a period ("N Engl J Med 2019;381:2311-21.").
    # A title may end in a year too ("Cancer statistics, 2020."): a sentence that
    # also has ";volume" beats one with a year alone.
    # The parts of a stripped citation are stripped and not empty already.
    parts = SENTENCE_END.split(citation) if citation else []
    # The first source with a volume, else the first source: the loop stops at the former.
    source = first_source = None
    for k, p in enumerate(parts):
        m = REFERENCE_SOURCE.match(p) if YEAR.search(p) else None
        if m and (m.group("journal") or k > 0) and not (m.group("journal") or "").endswith(","):
            if m.group("vip"):
                source = (k, m)
                break
            first_source = first_source or (k, m)
    source = source or first_source
    if source is not None:
        k, m = source
        ref.year, ref.month, ref.day = parse_date(m.group("date"))
        if m.group("vip") and (vip := VIP.match(m.group("vip"))):
            ref.volume = clean_space(vip.group("volume"))
            ref.issue = clean_space(vip.group("issue"))
            ref.pages = expand_pages(vip.group("pages"))
        if m.group("journal"):
            ref.journal, before = m.group("journal"), parts[:k]
        else:
            ref.journal, before = parts[k - 1].rstrip("."), parts[: k - 1]
        if len(before) >= 2:
            ref.authors = before[0].rstrip(".")
            ref.title = " ".join(before[1:]).rstrip(".")
        elif len(before) == 1:
            if _looks_like_author_list(before[0]):
                ref.authors = before[0].rstrip(".")
            else:
                ref.title = before[0].rstrip(".")
    return ref


def _looks_like_author_list(text: str) -> bool:
    """'Hallett M', 'Neychev VK, Gross RE, et al' -- surnames followed by initials."""
    return bool(AUTHOR_LIST.fullmatch(text))


def _mesh_term(line: str) -> MeshTerm:
    """'Cerebellum / physiopathology*' -> term, qualifier, major topic."""
    major = "*" in line  # on the qualifier ("Cerebellum / physiopathology*") or the descriptor
    # the legacy site writes "Cerebellum/physiopathology*", without spaces
    term, _, qualifier = line.replace("*", "").partition("/")
    return MeshTerm(term=term.strip(), qualifier=qualifier.strip() or None, major=major)


