"""A PMC article page (www.ncbi.nlm.nih.gov/pmc/articles/PMC…/ or pmc.ncbi.nlm.nih.gov),
copied from a browser as plain text.

Two layouts are seen in the wild:
- today's site (pmc.ncbi.nlm.nih.gov): "<Journal> logo" / "Link to <Journal>" (often glued,
  "Neurology logoLink to Neurology"), then the citation line without its journal
  (". 2013 Jul 2;81(1):40–45. doi: 10.1212/…"), the title, the authors with affiliation
  numbers ("Jennifer E Fugate 1, Samuel A Moore 1,*"), "Author information", "Article
  notes", "Copyright and License information", then "PMCID: PMC3770208  PMID: 23685933";
- the older www.ncbi.nlm.nih.gov/pmc: "Journal List", "Logo of frontneurol", the citation
  line with its journal ("Front Neurol. 2019; 10: 123."), "Published online 2019 Feb 21.
  doi: …", "PMCID:" and "PMID:" lines, the title, the authors ("Jane Doe,1,2 John Roe,3,*
  and Mary Major1"), and "Go to:" before every heading.
Author manuscripts put the real citation after "Published in final edited form as:".

The abstract stops where the article body begins: "Keywords:", an Introduction or
Background heading, or "Go to:". Nothing of the body is read. Written by hand: no
library reads these pages; the PubMed page reader (pubmed_page) refuses them.
"""

from __future__ import annotations

import re

from ..normalize import clean_paragraphs, clean_space, expand_pages, iso_date, normalize_doi
from ..records import Claim, PaperRecord
from .common import PAGE_PMCID as PMCID, PAGE_PMID as PMID
from .common import VIP, author_from_display, parse_date

NAME = "pmc_page"
TRUST = 1

# The first identifier label that starts a line: a PMC page prints PMCID first, a PubMed page PMID.
ID_LABEL_AT_LINE_START = re.compile(r"(?:^|\n)[ \t]*(PMCID|PMID):")
PMC_MARKERS = ("logo", "Logo of ", "Journal List", "PMC Disclaimer", "PMC Copyright", "Author manuscript",
               "Copyright and License information", "Article notes", "Find articles by", "Published online")

_DATE = (r"(?:1[89]|20)\d\d(?:\s+[A-Za-z]{3}[a-z]*\.?(?:\s*-\s*(?:(?:1[89]|20)\d\d\s+)?[A-Za-z]{3}[a-z]*)?"
         r"(?:\s+\d{1,2}(?:\s*-\s*\d{1,2})?)?)?")
# ". 2013 Jul 2;81(1):40–45. doi: …" (today) or "Front Neurol. 2019; 10: 123." (older site)
CITATION = re.compile(
    rf"^(?P<journal>[^.;]*?)\s*\.\s+(?P<date>{_DATE})\s*(?:;\s*(?P<vip>[^.]*?))?\s*\.(?:\s+(?P<rest>.*))?$"
)
FINAL_FORM = "Published in final edited form as:"
DOI = re.compile(r"\bdoi:\s*(10\.\S+?)\.?(?:\s|$)", re.IGNORECASE)
PUBLISHED_ONLINE = re.compile(rf"\bPublished online\s+({_DATE})")
NIHMSID = re.compile(r"NIHMSID:\s*(NIHMS\d+)")
AVAILABLE = re.compile(r"Author manuscript; available in PMC:?\s*(.*?)\.?$")
# "Neurology logoLink to Neurology", "Neurology logo", "Link to Neurology", "Logo of frontneurol"
LOGO = re.compile(r"^(?:(?P<name>.+?) logo(?:Link to .*| Link to .*)?|Link to (?P<link>.+))$")
AUTHOR_MARKS = re.compile(r"[*\u2709\u2020\u2021#\u00a7\u00b6]+")
AUTHOR_TOKEN = re.compile(r"^(?P<lead>\d{1,3}(?:\s+\d{1,3})*)?\s*(?P<name>\D*?)\s*(?P<trail>\d{1,3}(?:\s+\d{1,3})*)?$")
AFFILIATION = re.compile(r"^(\d{1,3})\s*(\D.*)$")
BODY_START = re.compile(
    r"^(?:(?:\d{1,2}|[IVX]{1,4})\.?\s+)?(?:Introduction|INTRODUCTION|Background|BACKGROUND|Main text|Main Text)$"
)
LABEL = re.compile(r"^[A-Z][A-Za-z /&,()-]{1,60}:?$")
KEYWORDS = re.compile(r"^(?:Keywords|Key words|KEYWORDS|KEY WORDS|Key Words)\s*:\s*(.*)$")
FURNITURE = re.compile(
    r"^(Search in PMC|Search in PubMed|View in NLM Catalog|Add to search|Journal List|User Guide|PERMALINK|Copy|"
    r"Author information|Article notes|Copyright and License information|PMC Disclaimer|PMC Copyright notice|"
    r"Go to:|Find articles by .*|Logo of .*|Skip to main content|Other Formats|PDF.*|Actions|Cite|Collections|Share|"
    r"Author information Article notes Copyright and License information.*|Learn more:.*|Permalink|Similar articles|"
    r"Cited by other articles|Links to NCBI Databases|Resources|Open in a new tab)$",
    re.IGNORECASE,
)


def looks_like(text: str) -> bool:
    """A line starting "PMCID:" before any line starting "PMID:" (a PubMed page prints
    its PMID first), and one of the marks only PMC pages print ("… logo", "Journal List",
    "PMC Disclaimer", "Author manuscript", "Article notes" …)."""
    m = ID_LABEL_AT_LINE_START.search(text)
    return bool(m) and m.group(1) == "PMCID" and any(marker in text for marker in PMC_MARKERS)


def read(text: str):
    yield parse_pmc_page(text)


def parse_pmc_page(text: str) -> PaperRecord:
    lines = [clean_space(line) or "" for line in text.split("\n")]
    abstract_at = next((i for i, line in enumerate(lines) if line in ("Abstract", "ABSTRACT", "Summary")), len(lines))
    head = lines[:abstract_at]
    record = PaperRecord(format=NAME, title="")
    claims: list[Claim] = []

    at, cite = _citation(head)
    if cite is None:
        raise ValueError("not a PMC article page: no citation line like '. 2013 Jul 2;81(1):40–45.' "
                         "above the abstract")
    year, month, day = parse_date(cite.group("date"))
    record.year, record.publication_date = year, iso_date(year, month, day)
    if cite.group("vip") and (vip := VIP.match(cite.group("vip").strip())):
        record.volume = clean_space(vip.group("volume"))
        record.issue = clean_space(vip.group("issue"))
        record.pages = expand_pages(vip.group("pages"))  # "40–45" -> "40-45"; "123" (article number) as printed
    journal = clean_space(cite.group("journal"))
    if journal:
        record.journal_abbreviation = journal
    for line in head[:at]:
        m = LOGO.match(line) if "logo" in line or line.startswith("Link to ") else None
        name = m and clean_space(m.group("name") or m.group("link"))
        if name and "Author Manuscript" not in name and not line.startswith("Logo of "):
            record.journal_title = name
            break

    ids = " ".join(head)
    if (m := DOI.search(" ".join(head[at : at + 3]))):
        record.doi = normalize_doi(m.group(1))
    if (m := PUBLISHED_ONLINE.search(ids)):
        record.epub_date = iso_date(*parse_date(m.group(1)))
    if (m := PMCID.search(ids)):
        record.pmcid = m.group(1)
        record.is_open_access = True  # a PMC article page is free to read
        record.open_access_url = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{record.pmcid}/"
    if (m := PMID.search(ids)):
        record.pmid = m.group(1)
    if (m := NIHMSID.search(ids)):
        claims.append(Claim("nihmsid", m.group(1), "NIH manuscript id printed beside the PMCID"))
    for line in head:
        if line.startswith(". Author manuscript") or line.startswith("Author manuscript"):
            m = AVAILABLE.search(line)
            claims.append(Claim("status", "Author manuscript",
                                f"available in PMC {m.group(1)}" if m and m.group(1) else None))
            break

    # After the citation: furniture and identifier lines, then the title and the authors.
    after = [line for line in head[at + 1 :] if line and not _is_front_line(line)]
    if not after:
        raise ValueError("no title after the citation line")
    record.title = after[0].rstrip(".") if not after[0].endswith("..") else after[0]
    affiliations: dict[int, str] = {}
    numbers_of: list[list[int]] = []
    if len(after) > 1:
        names, numbers_of = _author_line(after[1])
        record.authors = [a for a in (author_from_display(n) for n in names) if a]
        numbers_of = [nums for n, nums in zip(names, numbers_of) if author_from_display(n)]
    for line in after[2:]:
        if (m := AFFILIATION.match(line)) and len(line) > 10:
            affiliations.setdefault(int(m.group(1)), m.group(2).strip())
        elif line.startswith(("Copyright", "©")) and record.copyright is None:
            record.copyright = line
    for person, numbers in zip(record.authors, numbers_of):
        person.affiliations = [affiliations[n] for n in numbers if n in affiliations]

    _abstract(record, lines[abstract_at + 1 :])
    record.claims = claims
    return record


def _citation(head: list[str]):
    """Index and match of the article's citation line; an author manuscript's is the one
    after "Published in final edited form as:" (on the same line or the next)."""
    for i, line in enumerate(head):
        if line.startswith(FINAL_FORM):
            rest = line[len(FINAL_FORM):].strip() or (head[i + 1] if i + 1 < len(head) else "")
            if (m := CITATION.match(rest)):
                return i, m
    for i, line in enumerate(head):
        if "." in line and not line.startswith(". Author manuscript") and (m := CITATION.match(line)):
            return i, m
    return None, None


def _is_front_line(line: str) -> bool:
    """Lines between the citation and the title that are not the title."""
    return bool(FURNITURE.match(line)) or line.startswith(
        ("PMCID:", "PMID:", "NIHMSID:", "Published online", "Published in final edited form as:", "eCollection",
         "doi:", "Author manuscript"))


def _author_line(line: str) -> tuple[list[str], list[list[int]]]:
    """'Jane Doe,1,2 John Roe,3,* and Mary Major1' or 'Jennifer E Fugate 1, Samuel A Moore 1,*'
    -> the names and each one's affiliation numbers. A group comes after "; ", as PubMed
    separates it: "Kirsten R Müller-Vahl 6; Dystonia Coalition Investigators"."""
    names: list[str] = []
    numbers_of: list[list[int]] = []
    for token in re.split(r"[,;]", AUTHOR_MARKS.sub(" ", line.replace(" and ", ", "))):
        m = AUTHOR_TOKEN.match(token.strip())
        if not m:
            continue
        if m.group("lead") and numbers_of:  # "2 John Roe": the 2 is the previous author's
            numbers_of[-1] += [int(n) for n in m.group("lead").split()]
        name = clean_space(m.group("name"))
        if name and name.lower() != "and":
            names.append(name[4:] if name.startswith("and ") else name)
            numbers_of.append([])
        if m.group("trail") and numbers_of:
            numbers_of[-1] += [int(n) for n in m.group("trail").split()]
    return names, numbers_of


def _abstract(record: PaperRecord, lines: list[str]) -> None:
    """Paragraphs up to the body (an Introduction or Background heading, "Go to:", or the
    line after the keywords); labels on a line of their own join their paragraph."""
    paragraphs: list[str] = []
    label, keywords_next = None, False
    for line in lines:
        if not line:
            continue
        if keywords_next:
            record.keywords = _keywords(line)
            break
        if (m := KEYWORDS.match(line)):
            if m.group(1):
                record.keywords = _keywords(m.group(1))
                break
            keywords_next = True
            continue
        if line == "Go to:" and paragraphs:
            break
        if paragraphs and BODY_START.match(line):  # a first "Background" is the abstract's own label
            break
        if _is_abstract_furniture(line):
            continue
        if len(line) <= 60 and LABEL.match(line) and not line.endswith("."):
            label = line.rstrip(":")
            continue
        paragraphs.append(f"{label}: {line}" if label else line)
        label = None
    record.abstract = clean_paragraphs("\n\n".join(paragraphs))


def _is_abstract_furniture(line: str) -> bool:
    return line in ("Go to:", "Open in a new tab") or line.startswith("Graphical abstract")


def _keywords(text: str) -> list[str]:
    """'Delphi technique, digital health; eHealth.' -> three keywords (commas and semicolons)."""
    return [k for k in (clean_space(w) for w in re.split(r"[,;]", text.strip().rstrip("."))) if k]
