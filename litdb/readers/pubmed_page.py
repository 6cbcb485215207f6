"""Format 1: a PubMed abstract page, copied from a browser as plain text.

Two layouts are seen in the wild. In the older copy the journal is missing from
the header line (``. 2014 Dec;13(6):666-8.``) and the authors survive only in the
short citation line (``Ailish Malone et al. Cerebellum. 2014 Dec.``). In the newer
one the journal abbreviation stands on its own line above the date line, authors
carry affiliation numbers, and identifiers share one ``PMID: … PMCID: … DOI: …`` line.

The page is cut into sections at its headings; page furniture (banner, sidebars,
similar articles, footer) is never read for facts.
"""

from __future__ import annotations

import re

from ..normalize import (
    clean_paragraphs,
    clean_space,
    expand_pages,
    iso_date,
    normalize_doi,
    parse_date_words,
)
from ..records import Claim, Grant, MeshTerm, PaperRecord, Reference
from .common import author_from_display

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
    "MeSH terms": "mesh",
    "Substances": "substances",
    "Supplementary concepts": "supplementary",
    "Grants and funding": "grants",
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
    r".* full text link|Full text links|Affiliation|Collaborators, Affiliations Expand)$"
)
# ". 2014 Dec;13(6):666-8."  or  "Mov Disord. 2019 Mar;34(3):345-356. doi: …"
CITATION_LINE = re.compile(
    r"^(?P<journal>[^.;]*?)\s*\.\s+"
    r"(?P<date>(?:1[89]|20)\d\d(?:\s+[A-Za-z]{3}[a-z]*\.?(?:\s*-\s*[A-Za-z]{3}[a-z]*)?(?:\s+\d{1,2}(?:\s*-\s*\d{1,2})?)?)?)"
    r"\s*(?:;(?P<vip>[^.]+?)|:(?P<locator>[^.;\s]+))?\s*\.(?:\s+(?P<rest>.*))?$"
)
VIP = re.compile(r"^(?P<volume>[^(:]*)(?:\((?P<issue>[^)]*)\))?(?::(?P<pages>.+))?$")
SHORT_CITATION = re.compile(
    r"^(?P<first>[^.]+?)(?P<etal>\s+et al\.?)?\.\s+(?P<journal>[^.]+)\.\s+"
    r"(?P<year>(?:1[89]|20)\d\d)\b[^.]*\.?$"
)
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
# Compiled once: the module-level re functions look a pattern up in re's cache on
# every call, and some of these run for every line or reference.
DOI_IN_TAIL = re.compile(r"\bdoi:\s*(\S+?)\.?(?:\s|$)")
EPUB_IN_TAIL = re.compile(r"\bEpub\s+((?:1[89]|20)\d\d(?:\s+[A-Za-z]{3}(?:\s+\d{1,2})?)?)")
PMID = re.compile(r"PMID:\s*(\d+)")
PMCID = re.compile(r"PMCID:\s*(PMC\d+)")
DOI_LABELLED = re.compile(r"DOI:\s*(10\.\S+)")
LOWER_CASE_START = re.compile(r"^[a-z]")
CITATION_TAIL = re.compile(r"^(doi:|Epub\b|Online ahead of print|eCollection|Print\b)")
AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?=\D)|\s*;\s*")
AUTHOR_MARKS = re.compile(r"\s*[#*\u2020\u2021]+")
ET_AL_END = re.compile(r"\s+et al\.?$")
ET_AL_AT_END = re.compile(r"\bet al\.?\s*$")
SHORT_AUTHOR_SEPARATOR = re.compile(r"\s*,\s*|\s+and\s+")
LEADING_DIGITS = re.compile(r"\d{1,3}")
AUTHOR_LINE_MARKS = re.compile(r"[#*\u2020\u2021]|\bet al\.?")
NAME_SEPARATOR = re.compile(r"\s*[,;]\s*")
ABSTRACT_LABEL = re.compile(r"[A-Z][A-Za-z /&,-]{1,60}:")
LIST_NUMBER = re.compile(r"^\d+\.\s+")
_NAME = r"[A-Z][\w'\u2019-]+(?: [A-Za-z][\w'\u2019-]+)* [A-Z]{1,4}"
AUTHOR_LIST = re.compile(rf"{_NAME}(?:, {_NAME})*(?:,? et al)?\.?")


def looks_like(text: str) -> bool:
    """A PubMed page has its citation line, and a PMID line, its disclaimer heading,
    the NCBI banner, a "- PubMed" link label or an Abstract heading: whole lines, as
    the parser will see them. (Cheap tests first: every line either pattern accepts
    holds these words, white space aside.)"""
    lines = text.split("\n")
    return any(
        _is_page_marker(clean_space(line) or "")
        for line in lines if "PubMed" in line or "PMID:" in line or "NCBI" in line or "Abstract" in line
    ) and any(CITATION_LINE.match(clean_space(line) or "") for line in lines if "." in line and YEAR.search(line))


def _is_page_marker(line: str) -> bool:
    return (line in ("PubMed Disclaimer", "Abstract") or line.startswith(("PMID:", "Access keys NCBI"))
            or line.endswith("- PubMed"))


def split_sections(lines: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    """The lines before the first heading (the header), then each section's lines."""
    header: list[str] = []
    sections: dict[str, list[str]] = {}
    current = header
    for line in lines:
        key = HEADINGS.get(line)
        if (key is None and line.startswith(COUNTED_HEADINGS) and len(line) < 60
                and HEADING_WITH_COUNT.match(line)):
            key = "references" if line.startswith("References") else "furniture"
        if key is not None:
            current = sections.setdefault(key, []) if key != "furniture" else []
            if key == "no_abstract":
                sections.setdefault("abstract", [])
            continue
        current.append(line)
    return header, sections


def read(text: str):
    yield parse_pubmed_page(text)


def parse_pubmed_page(text: str) -> PaperRecord:
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    # Runs of spaces inside a line are folded too: on a line of thousands of spaces
    # the patterns below would backtrack for minutes.
    lines = [clean_space(line) or "" for line in raw_lines]
    # The "Page navigation" sidebar repeats every heading above the article, so
    # sections are only cut after the citation line.
    at = _citation_line(lines)
    if at is None:
        raise ValueError("no citation line like '. 2014 Dec;13(6):666-8.' before the abstract")
    above = lines[:at]
    cite = CITATION_LINE.match(lines[at])
    header, sections = split_sections(lines[at + 1 :])
    record = PaperRecord(format=FORMAT, title="")
    claims: list[Claim] = []

    # Above the citation line: the journal abbreviation (newer layout) and header
    # publication types such as "Editorial" or "Review".
    above_types, journal_line = [], clean_space(cite.group("journal"))
    for line in [line for line in reversed(above) if line and not DROPDOWN_LINE.match(line)][:3]:
        if line in HEADER_PUBLICATION_TYPES:
            above_types.insert(0, line)
        elif journal_line is None and _looks_like_journal(line):
            journal_line = line
        else:
            break

    year, month, day = parse_date_words(cite.group("date"))
    record.year, record.publication_date = year, iso_date(year, month, day)
    if cite.group("locator"):
        claims.append(Claim("article_locator", cite.group("locator"),
                            "article identifier printed after the date (published ahead of print)"))
    if cite.group("vip") and (vip := VIP.match(cite.group("vip"))):  # not "13(6:666-8"
        record.volume = clean_space(vip.group("volume"))
        record.issue = clean_space(vip.group("issue"))
        record.pages = expand_pages(vip.group("pages"))

    # After the citation line: doi, Epub date, title, authors, affiliations, ids.
    rest = [cite.group("rest") or ""]
    body = header
    i = 0
    while i < len(body) and (not body[i] or _is_citation_tail(body[i])):
        rest.append(body[i])
        i += 1
    tail = " ".join(rest)
    m = DOI_IN_TAIL.search(tail)
    if m:
        record.doi = normalize_doi(m.group(1))
    m = EPUB_IN_TAIL.search(tail)
    if m:
        record.epub_date = iso_date(*parse_date_words(m.group(1)))
    if "Online ahead of print" in tail:
        claims.append(Claim("status", "Online ahead of print", "printed after the citation line"))

    front = [line for line in body[i:] if line]
    title_at = next((k for k, line in enumerate(front) if not _is_front_furniture(line)), None)
    if title_at is None:
        raise ValueError("no title after the citation line")
    record.title = front[title_at]
    # A title wrapped over lines: the next line goes on in lower case.
    while title_at + 1 < len(front) and LOWER_CASE_START.match(front[title_at + 1]) and not record.title.endswith((".", "?", "!")):
        title_at += 1
        record.title += " " + front[title_at]
    record.publication_types = list(above_types)
    for line in front:
        if line in HEADER_PUBLICATION_TYPES and line not in record.publication_types:
            record.publication_types.append(line)

    short = _short_citation(front, record.year)
    _authors_and_affiliations(record, front[title_at + 1 :], short)
    if short and not journal_line:
        journal_line = clean_space(short.group("journal"))
    record.journal_abbreviation = journal_line

    ids = " ".join(front)
    # Chrome may glue them: "PMID: 29701234PMCID: PMC6001234DOI: 10.1093/brain/awy095"
    if (m := PMID.search(ids)):
        record.pmid = m.group(1)
    if (m := PMCID.search(ids)):
        record.pmcid = m.group(1)
    if not record.doi and (m := DOI_LABELLED.search(ids)):
        record.doi = normalize_doi(m.group(1))
    if "Free PMC article" in front and record.pmcid:
        record.is_open_access = True
        record.open_access_url = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{record.pmcid}/"
    elif "Free article" in front or "Free Article" in front:
        record.is_open_access = True

    _abstract(record, sections.get("abstract"))
    record.references = [
        _reference(position, line)
        for position, line in enumerate(_list_lines(sections.get("references")), 1)
    ]
    for line in _list_lines(sections.get("publication_types")):
        if line not in record.publication_types:
            record.publication_types.append(line)
    record.mesh_terms = [_mesh_term(line) for line in _list_lines(sections.get("mesh"))]
    record.grants = [_grant(line) for line in _list_lines(sections.get("grants"))]
    conflict = clean_paragraphs("\n".join(sections.get("conflict", [])))
    if conflict:
        claims.append(Claim("conflict_of_interest", conflict, "Conflict of interest statement"))
    for key in sorted(RELATION_SECTIONS & sections.keys()):
        for entry in _entries(sections[key]):
            heading = next(h for h, k in HEADINGS.items() if k == key)
            claims.append(Claim(key, entry, f'listed under "{heading}" on the page'))
    record.claims = claims
    return record


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
    """'Ailish Malone et al. Cerebellum. 2014 Dec.' -- only with the paper's own year."""
    if year is None:
        return None
    for line in front:
        # the year's digits first: most lines lack them, and the pattern is slower
        if str(year) in line and not line.startswith("PMID"):
            m = SHORT_CITATION.match(line)
            if m and int(m.group("year")) == year:
                return m
    return None


def _authors_and_affiliations(record: PaperRecord, after_title: list[str], short) -> None:
    """The author line (newer layout) or, failing that, the short citation line."""
    author_line, names, numbers_of, affiliations = None, [], [], {}
    if after_title and _looks_like_author_line(after_title[0], record.title) and (
        short is None or after_title[0] != short.group(0)
    ):
        author_line = after_title[0]
    if author_line:
        for part in AUTHOR_SEPARATOR.split(author_line):
            # "#" marks equal contribution, "*" a corresponding author: not part of the name
            m = AUTHOR_WITH_NUMBERS.match(AUTHOR_MARKS.sub("", part))
            if m and clean_space(m.group("name")):
                name = clean_space(m.group("name"))
                names.append(ET_AL_END.sub("", name))
                numbers_of.append([int(n) for n in m.group("numbers").split()])
        record.authors_complete = not ET_AL_AT_END.search(author_line)
    elif short:
        names = [clean_space(n) for n in SHORT_AUTHOR_SEPARATOR.split(short.group("first")) if clean_space(n)]
        record.authors_complete = not short.group("etal")
    else:
        record.authors_complete = False
    # Expanded affiliations: numbered lines after the "Affiliations" heading.
    in_affiliations = False
    cited = {n for numbers in numbers_of for n in numbers}
    for line in after_title:
        if line.startswith("Affiliation"):
            in_affiliations = True
            continue
        number = _affiliation_number(line, cited) if in_affiliations else None
        if number is not None:
            affiliations[number] = line[len(str(number)):].strip()
        elif in_affiliations and affiliations:
            break
    for k, name in enumerate(names):
        numbers = numbers_of[k] if k < len(numbers_of) else []
        person = author_from_display(name, affiliations=[affiliations[n] for n in numbers if n in affiliations])
        if person:
            record.authors.append(person)


def _affiliation_number(line: str, cited: set[int]) -> int | None:
    """'1Department of …' -> 1; '22nd Department of …' -> 2 when the authors cite
    affiliation 2 (the glued number is the one the author line refers to)."""
    digits = LEADING_DIGITS.match(line)
    if not digits:
        return None
    for k in range(len(digits.group()), 0, -1):
        number = int(line[:k])
        if line[k:].strip() and (number in cited or not cited and not line[k].isdigit()):
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


def _abstract(record: PaperRecord, lines: list[str] | None) -> None:
    """Abstract paragraphs; 'Keywords:' and the copyright line are split off."""
    if not lines:
        return
    paragraphs: list[str] = []
    pending_label, keywords_next = None, False
    for line in lines:
        if not line:
            continue
        if line.startswith("Keywords:") or keywords_next:
            words = line[len("Keywords:") :] if line.startswith("Keywords:") else line
            keywords_next = not words.strip()  # "Keywords:" alone: the list is on the next line
            record.keywords = [k for k in (clean_space(w) for w in words.strip().rstrip(".").split(";")) if k]
            continue
        if len(line) < 400 and COPYRIGHT.search(line):  # length first: the search is slow
            record.copyright = line
            continue
        if ABSTRACT_LABEL.fullmatch(line):  # a label on its own line
            pending_label = line
            continue
        if pending_label:
            line, pending_label = f"{pending_label} {line}", None
        paragraphs.append(line)
    record.abstract = clean_paragraphs("\n\n".join(paragraphs))


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
        if line[:1].isdigit():  # "12. " numbering (cheap check first)
            line = LIST_NUMBER.sub("", line)
        if line and not FURNITURE_LINE.match(line):
            items.append(line)
    return items


def _reference(position: int, line: str) -> Reference:
    """One reference line, split into authors, title and source where the shape allows."""
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
        date = parse_date_words(m.group("date"))
        if date:
            ref.year, ref.month, ref.day = date
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
    term, _, qualifier = line.replace("*", "").partition(" / ")
    return MeshTerm(term=term.strip(), qualifier=qualifier.strip() or None, major=major)


def _grant(line: str) -> Grant:
    """'R01 NS088528/NS/NINDS NIH HHS/United States': grant ids may hold slashes
    themselves, so the parts are taken from the right."""
    parts = [p.strip() for p in line.split("/")]
    grant = Grant(text=line)
    if len(parts) >= 4:
        grant.grant_id = "/".join(parts[:-3]) or None
        grant.acronym, grant.agency, grant.country = (p or None for p in parts[-3:])
    elif len(parts) == 3:
        grant.grant_id, grant.agency, grant.country = (p or None for p in parts)
    elif len(parts) == 2:
        grant.agency, grant.country = (p or None for p in parts)
    return grant

