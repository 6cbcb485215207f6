"""RIS, as Zotero, EndNote, Mendeley, Scopus and Web of Science write it.

A record is a run of tag lines, "TY  - JOUR" first and "ER  -" last; a line that is not
a tag line continues the value of the tag before it. What the writers do differently
(studied on real exports of the same records through each writer):

- Zotero: TI, AU, T2 (journal), J2 (its abbreviation), DA "2012/07/03/", PY, SP and EP,
  SN, UR, L1/L2/L4 links, KW one a line, "ER  - " with a trailing space, a blank line
  between records.
- EndNote: tags in alphabetical order; several values of one field on continuation lines
  without a tag (KW one keyword a line, SN "1473-4222 (Electronic)" then
  "1473-4222 (Linking)", AD one address a line); SP "666-8" holds the whole range; AN the
  PMID and C2 the PMCID of records that came from PubMed (DP "NLM"). Those records have
  their MeSH headings among the keywords, as MEDLINE's MH writes them
  ("Cerebellum/*physiopathology"): a heading with a qualifier or a star is a MeSH term
  here, read as the MEDLINE reader reads MH; a heading alone ("Animals") cannot be told
  from an author's keyword and stays a keyword.
- Mendeley: T2, SP and EP (equal for an article number), UR several times, "null" for a
  missing given name ("van den Hoven, null"), no blank line between records.
- Scopus: a byte order mark, T2 (full name) and J2 (abbreviation), SN "20411723 (ISSN)"
  without its hyphen, C2 the PMID, C7 the article number, M3 the document type ("Review"),
  N1 "Export Date: ...; Cited By: 2; Correspondence Address: ..." (current exports "Cited By
  :45; Export Date: ..." or "Cited by: 3; All Open Access, ..."), DB "Scopus".
- Web of Science: T2 in capitals, J9 (29-character abbreviation) and JI (ISO abbreviation),
  DA "SEP 22" (month and day without the year, which is in PY), one SN a line, AN "WOS:...",
  abstract paragraphs on continuation lines indented by three spaces, N1 "Times Cited in Web
  of Science Core Collection:  142", M3 its document types joined by ";" ("Article;
  Proceedings Paper", "Review; Early Access").

Journal tags: T2 and JF hold the full name; J2, JA and JI the abbreviation; JO is used both
ways by writers, so it is the abbreviation beside a full name and the name when alone (as
Zotero reads it). EndNote's records from PubMed have them the other way round (T2 "Mov
Disord", J2 "Movement disorders : official journal of ..."): the longer is the name. T2
names a journal only for journal-like types (for a chapter it is the book, for a
conference paper the conference).

Why not rispy (a dependency): on real files it loses records without a word. A last record
without "ER  -" is dropped, a file written with one space ("TY - JOUR") gives no record, a
record missing its TY line vanishes into the one before or after, a second SN (the
electronic ISSN in Web of Science) is dropped, AU and A1 are kept apart so the author order
is lost, and no line numbers are kept for the error of a bad record. The line grammar is
a few lines (the one Zotero uses); the mapping below is needed whatever parses the lines.
"""

from __future__ import annotations

import re

from ..normalize import clean_paragraphs, clean_space, html_to_text, iso_date, normalize_doi
from ..records import Claim, PaperRecord, RecordError
from .common import (GROUP_WORDS, author, author_from_display, digits, keywords_once, page_range, parse_date, valid_issn,
                     year_completed)
from .medline import mesh_terms

NAME = "ris"
TRUST = 3

# "TY  - JOUR", "ER  -", also with one space before the dash (Zotero accepts it too)
TAG_LINE = re.compile(r"([A-Z][A-Z0-9]) {1,2}-(?: (.*))?")
# Where a record starts, in the file's bytes: the build cuts a big export there into parts
# for its workers (a byte order mark may stand before TY in files joined with cat).
RECORD_START = re.compile(rb"\n(?=(?:\xef\xbb\xbf)?TY {1,2}- )")
START_LINE = re.compile(r"TY {1,2}- ?\S")
ANY_TAG = re.compile(r"^[A-Z][A-Z0-9] {1,2}-(?: |$)", re.M)

# TY values whose T2 is the journal, and the publication type each stands for. The words
# are those PubMed uses, so that types from every source read alike.
JOURNAL_TYPES = {"JOUR", "EJOUR", "JFULL", "ABST", "INPR", "MGZN", "NEWS"}
CONTAINED_IN_BOOKS = {"CHAP", "ECHAP", "CONF", "CPAPER"}
TYPE_WORDS = {
    "JOUR": "Journal Article", "EJOUR": "Journal Article", "JFULL": "Journal Article",
    "MGZN": "Magazine Article", "NEWS": "Newspaper Article",
    "BOOK": "Book", "EBOOK": "Book", "EDBOOK": "Book",
    "CHAP": "Book Chapter", "ECHAP": "Book Chapter",
    "CONF": "Conference Paper", "CPAPER": "Conference Paper",
    "THES": "Thesis", "RPRT": "Report", "ELEC": "Web Page", "WEB": "Web Page",
    "DATA": "Dataset", "PAT": "Patent",
}

ISSN = re.compile(r"(?<![\d-])(\d{4})-?(\d{3}[\dXx])(?![\d-])")
PUBMED_LINK = re.compile(r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|europepmc\.org/abstract/MED/"
                         r"|europepmc\.org/article/MED/)(\d{1,9})(?!\d)", re.I)
PMC_LINK = re.compile(r"(?:ncbi\.nlm\.nih\.gov/pmc/articles/|pmc\.ncbi\.nlm\.nih\.gov/articles/"
                      r"|europepmc\.org/articles?/(?:PMC/)?)(PMC\d{1,9})(?!\d)", re.I)
# DB/DP of a record that came from PubMed ("NLM", "PubMed", "Ovid MEDLINE(R)"): its accession
# number is the PMID, its keywords hold MeSH headings.
PUBMED_DATABASE = re.compile(r"pubmed|medline|nlm", re.I)
LABELLED_PMID = re.compile(r"\bPMID:\s*(\d{1,9})\b")
LABELLED_PMCID = re.compile(r"\bPMCID:\s*(PMC\d{1,9})\b")
# "Cited By: 2", "Cited By :45", "Cited by: 3" (RIS), "cited By 45" (older BibTeX)
SCOPUS_CITED_BY = re.compile(r"\bcited by\s*:?\s*(\d{1,9})\b", re.I)
WOS_CITED_BY = re.compile(r"Times Cited in Web of Science Core Collection:\s*(\d{1,9})\b")
# Zotero titles and abstracts may hold the few HTML tags it allows (<i>, <sup>...);
# anything else with "<" (p < 0.05) is left alone.
MARKUP = re.compile(r"</?(?:i|b|em|strong|sup|sub|sc|span|p|br)\b[^<>]*>|&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});",
                    re.I)
# "... rule. © The Author(s) 2024." / "... in Britain. Copyright 2023 Barker et al."
COPYRIGHT = re.compile(r"(?:(?<=[.!?])\s+|\n\n)(©[^\n]{0,300}|Copyright (?:©\s*)?\d{4}\b[^\n]{0,300})$")
LINK_TAGS = ("UR", "L1", "L2", "L3", "L4", "LK")
# The document types of Web of Science and Scopus (RIS M3, BibTeX Type / type /
# document_type) in the words the entry types map to; None: no type of its own ("Article"
# is what TY or the entry type already says). Any other is kept as the source words it
# ("Review", "Editorial Material", "Letter").
DOCUMENT_TYPES = {
    "article": None, "journal article": None, "proceedings paper": "Conference Paper",
    "conference paper": "Conference Paper", "book chapter": "Book Chapter",
}
# Web of Science's "Early Access" and Scopus's "Article in Press" (older exports) among
# the types: published online before its issue, a status, not a kind of paper.
STATUS_TYPES = {"early access": "Early Access", "article in press": "Article in Press"}
# A MeSH heading as MEDLINE's MH writes it, EndNote keeping it as a keyword: a descriptor,
# then qualifiers (always lower case) after "/", a star on a major one
# ("Cerebellum/*physiopathology", "*Dystonia", "Brain/pathology/physiopathology").
MESH_HEADING = re.compile(r"\*[^/*]+|\*?[^/*]+(?:/\*?[a-z][a-z ,&-]*)+")
# ... whose qualifiers are MeSH's own (NLM's list of topical qualifiers): an author's
# keyword "dystonia/parkinsonism" or "motor learning/adaptation" is no heading.
MESH_QUALIFIERS = {
    "abnormalities", "administration & dosage", "adverse effects", "agonists", "analogs & derivatives", "analysis",
    "anatomy & histology", "antagonists & inhibitors", "biosynthesis", "blood", "blood supply", "cerebrospinal fluid",
    "chemical synthesis", "chemically induced", "chemistry", "classification", "complications", "congenital",
    "cytology", "deficiency", "diagnosis", "diagnostic imaging", "diet therapy", "drug effects", "drug therapy",
    "economics", "education", "embryology", "enzymology", "epidemiology", "ethics", "ethnology", "etiology",
    "genetics", "growth & development", "history", "immunology", "injuries", "innervation", "instrumentation",
    "isolation & purification", "legislation & jurisprudence", "manpower", "metabolism", "methods", "microbiology",
    "mortality", "nursing", "organization & administration", "parasitology", "pathogenicity", "pathology",
    "pharmacokinetics", "pharmacology", "physiology", "physiopathology", "poisoning", "prevention & control",
    "psychology", "radiation effects", "radiotherapy", "rehabilitation", "secondary", "standards",
    "statistics & numerical data", "supply & distribution", "surgery", "therapeutic use", "therapy", "toxicity",
    "transmission", "transplantation", "trends", "ultrastructure", "urine", "utilization", "veterinary", "virology",
}


def is_mesh_heading(keyword: str) -> bool:
    """'Cerebellum/*physiopathology', '*Dystonia': a MeSH heading as MEDLINE's MH writes it."""
    return MESH_HEADING.fullmatch(keyword) is not None and all(
        q.strip().lstrip("*") in MESH_QUALIFIERS for q in keyword.split("/")[1:])


def looks_like(text: str) -> bool:
    """A TY tag line among the first lines (a few writers put a header or a record
    number before it)."""
    seen = 0
    for line in text[:4096].split("\n"):
        line = line.strip()
        if not line:
            continue
        if START_LINE.match(line):
            return True
        seen += 1
        if seen > 5:
            return False
    return False


def split_records(text: str) -> list[tuple[int, str]]:
    """The file cut after each "ER  -" line: (first line, text) of each record, from its
    first tag line (blank lines, record numbers and headers before it left out). Text after
    the last ER (Web of Science's "EF", blank lines) is kept only if it holds tag lines."""
    pieces: list[tuple[int, str]] = []
    lines = text.replace("\ufeff", "").split("\n")  # files concatenated: a byte order mark mid-file
    start = None
    for number, line in enumerate(lines, 1):
        tag_line = line[:2].isalnum() and TAG_LINE.fullmatch(line.rstrip())
        if start is None and tag_line and not line.startswith("ER"):  # a stray ER ends nothing (as in read)
            start = number
        if start is not None and tag_line and line.startswith("ER"):
            pieces.append((start, "\n".join(lines[start - 1:number]) + "\n"))
            start = None
    if start is not None:
        pieces.append((start, "\n".join(lines[start - 1:])))
    return pieces or [(1, text)]  # no tag line at all ("TY  -l"): the file is one piece, read says why


def read(text: str):
    # Files concatenated (`cat a.ris b.ris`) keep the second one's byte order mark before its TY
    text = text.replace("\ufeff", "")
    if not ANY_TAG.search(text):  # a piece cut by split_records may lack its TY: that is a bad record
        raise ValueError("not a RIS file: no tag line such as 'TY  - JOUR'")
    results = []
    for position, (line, tags) in enumerate(_records(text), 1):
        try:
            results.append(_record(tags, line))
        except ValueError as e:
            results.append(RecordError(position=position, line=line, reason=str(e)))
    if not results:
        raise ValueError("RIS file without a record")
    return results


def _records(text: str):
    """(line of the record's first tag, [(tag, [value lines])]) for each record. A record
    begins at TY and ends at ER (or at the next TY, or the end of the file, when its ER is
    missing). Tag lines found outside a record make a record of their own without TY,
    which is refused; other lines there (headers, record numbers) are skipped."""
    tags = None
    start = 0
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip()
        m = TAG_LINE.fullmatch(line)
        if m:
            tag, value = m.group(1), (m.group(2) or "").strip()
            if tag == "ER":
                if tags:  # a stray ER outside a record ends nothing
                    yield start, tags
                tags = None
                continue
            if tag == "TY" or tags is None:
                if tags:
                    yield start, tags
                tags, start = [], number
            tags.append((tag, [value]))
        elif tags:
            # a continuation: keep its indentation, which marks a new paragraph in abstracts
            tags[-1][1].append(raw)
    if tags:
        yield start, tags


def _record(tags: list[tuple[str, list[str]]], line: int) -> PaperRecord:
    if tags[0][0] != "TY":
        raise ValueError(f"RIS record without a TY line (its first tag is {tags[0][0]})")
    fields: dict[str, list[list[str]]] = {}
    for tag, lines in tags:
        fields.setdefault(tag, []).append(lines)

    def first(*names):
        """The first value of the first of these tags present, continuation lines joined."""
        for name in names:
            for lines in fields.get(name, ()):
                value = clean_space(" ".join(lines))
                if value:
                    return value
        return None

    def every(name):
        """Each value of a tag, one per line, continuation lines included (EndNote puts
        several values of one field on lines of their own)."""
        return [v for lines in fields.get(name, ()) for v in (clean_space(x) for x in lines) if v]

    ris_type = (first("TY") or "").upper()
    database = " ".join(filter(None, (first("DB"), first("DP"))))
    record = PaperRecord(format=NAME, title=_plain(first("TI", "T1", "ST")) or "")

    # Identifiers
    links = every("UR") + [v for tag in LINK_TAGS[1:] for v in every(tag)]
    record.doi = normalize_doi(first("DO"))
    if not record.doi and first("M3") and normalize_doi(first("M3")):  # PLOS wrote "M3  - doi:10..."
        record.doi = normalize_doi(first("M3"))
    if not record.doi:
        record.doi = agreed(normalize_doi(link) for link in links)
    notes = every("N1") + every("M2")
    accession = first("AN")
    pmid = None
    if digits(accession) and PUBMED_DATABASE.search(database):
        pmid = accession
        accession = None
    c2 = first("C2")
    if digits(c2) and "scopus" in database.lower():  # Scopus puts the PubMed ID in C2
        pmid = pmid or c2
    record.pmid = pmid or agreed(m.group(1) for note in notes for m in LABELLED_PMID.finditer(note)) or \
        agreed(m.group(1) for link in links for m in PUBMED_LINK.finditer(link))
    pmcid = c2 if c2 and re.fullmatch(r"PMC\d{1,9}", c2) else None  # EndNote puts the PMCID in C2
    record.pmcid = pmcid or agreed(m.group(1) for note in notes for m in LABELLED_PMCID.finditer(note)) or \
        agreed(m.group(1).upper() for link in links for m in PMC_LINK.finditer(link))
    if not record.title and not (record.doi or record.pmid or record.pmcid):
        raise ValueError("RIS record without a title, DOI, PMID or PMCID")

    # Journal
    # a chapter's book (T2, or BT), a conference paper's proceedings: its journal, as the
    # MEDLINE reader has a chapter's book
    full = first("JF") or (first("T2") if ris_type in JOURNAL_TYPES else None) or (
        first("T2", "BT") if ris_type in CONTAINED_IN_BOOKS else None)
    abbreviation = first("J2", "JA", "JI", "J1")
    if full:
        abbreviation = abbreviation or first("JO")
    else:
        full = first("JO")
    # EndNote's PubMed import files the NLM abbreviation as the journal (T2) and the full
    # name as the alternate journal (J2); an abbreviation is never the longer of the two.
    if full and abbreviation and len(abbreviation) > len(full) and not first("JF"):
        full, abbreviation = abbreviation, full
    record.journal_title = _plain(full)
    record.journal_abbreviation = _plain(abbreviation)
    record.volume = first("VL")
    record.issue = first("IS")
    record.pages = page_range(first("SP"), first("EP"), first("C7") if ris_type in JOURNAL_TYPES else None)
    record.issns, record.issn_l = issn_lines(every("SN"))

    # Dates: PY (or Y1) gives the year, DA the month and day when it agrees with it
    year, month, day = parse_date(first("PY", "Y1"))
    da = first("DA")
    if da:
        da_date = parse_date(da)
        if da_date[0] is None and year is not None:  # Web of Science "SEP 22", EndNote "Dec"
            da_date = parse_date(f"{year} {da}")
        year, month, day = year_completed((year, month, day), da_date)
    record.year = year
    record.publication_date = iso_date(year, month, day)

    # People, words, text
    authors = []
    for tag, lines in tags:
        if tag in ("AU", "A1"):  # A2-A4 are editors, series editors, translators
            value = clean_space(" ".join(lines))
            if value and re.fullmatch(r"(?:et al\.?|others)", value, re.I):
                record.authors_complete = False
                continue
            person = author_of(value)
            if person:
                authors.append(person)
    record.authors = authors
    keywords = every("KW")
    if PUBMED_DATABASE.search(database):  # EndNote's records from PubMed
        record.mesh_terms = [term for k in keywords if is_mesh_heading(k) for term in mesh_terms(k)]
        keywords = [k for k in keywords if not is_mesh_heading(k)]
    record.keywords = _keywords(keywords)
    record.abstract, record.copyright = _abstract(fields.get("AB") or fields.get("N2") or [])
    types = [TYPE_WORDS[ris_type]] if ris_type in TYPE_WORDS else []
    m3 = [v for v in every("M3") if not normalize_doi(v)]  # (PLOS wrote the DOI there)
    statuses = document_types(types, "; ".join(m3))
    record.publication_types = types
    cited_by = WOS_CITED_BY if accession and accession.upper().startswith("WOS:") else \
        SCOPUS_CITED_BY if "scopus" in database.lower() else None
    if cited_by:
        record.citation_count = agreed(int(m.group(1)) for note in notes for m in [cited_by.search(note)] if m)
    claims = [Claim("status", status, f"M3  - {'; '.join(m3)}") for status in statuses]
    if first("LA"):
        claims.append(Claim("language", first("LA")))
    if accession:
        source = "Web of Science" if accession.upper().startswith("WOS:") else (database or None)
        claims.append(Claim("accession_number", accession, source))
    record.claims = claims
    record.line = line
    return record


def issn_lines(values: list[str]) -> tuple[list[str], str | None]:
    """The ISSNs of SN lines as EndNote and Scopus write them ("1473-4222 (Electronic)",
    "1473-4222 (Linking)", "20411723 (ISSN)"), each once, those whose check digit is
    wrong left out; and the linking one (issn_l), the line that says "Linking"."""
    issns, issn_l = [], None
    for value in values:
        for m in ISSN.finditer(value):
            issn = f"{m.group(1)}-{m.group(2).upper()}"
            if not valid_issn(issn):
                continue
            if "linking" in value.lower():
                issn_l = issn
            if issn not in issns:
                issns.append(issn)
    return issns, issn_l


def document_types(types: list[str], value: str | None) -> list[str]:
    """Adds to types (those of the entry type) the document types of a "Review",
    "Article; Proceedings Paper" or "Review; Early Access" value, each in the words of
    DOCUMENT_TYPES where it has one, none twice (case aside); returns the statuses found
    among them ("Early Access")."""
    statuses = []
    for part in (value or "").split(";"):
        part = clean_space(part)
        if not part:
            continue
        if part.lower() in STATUS_TYPES:
            statuses.append(STATUS_TYPES[part.lower()])
            continue
        kind = DOCUMENT_TYPES.get(part.lower(), part)
        if kind and kind.lower() not in {t.lower() for t in types}:
            types.append(kind)
    return statuses


def _plain(text: str | None) -> str | None:
    """Plain text of a value: Zotero's rich-text tags and HTML entities removed."""
    if text and MARKUP.search(text):
        return clean_space(html_to_text(text))
    return clean_space(text)


def agreed(values):
    """The one value all these give, or None (none, or they disagree)."""
    found = {v for v in values if v is not None}
    return found.pop() if len(found) == 1 else None


def author_of(value: str | None):
    """'Malone, Ailish', 'Sampson, SD', 'Wilson, L.N.', 'Lastname, Firstname, Jr.' (the
    spec's form); 'Malone A' (MEDLINE style); 'Ailish Malone'; 'Dystonia Coalition'."""
    if not value:
        return None
    if "," in value:
        family, given, *rest = [part.strip() for part in value.split(",")] + [""]
        if given.lower() == "null":  # Mendeley's missing given name
            given = ""
        if not given and GROUP_WORDS.search(family):
            return author(name=family, group=True)
        suffix = " ".join(p for p in rest if p)
        name = " ".join(p for p in (given, family, suffix) if p)
        return author(family=family, given=given or None, name=name)
    m = re.fullmatch(r"(.+?) ([A-Z]{1,3})", value)
    if m and not GROUP_WORDS.search(value):
        return author(family=m.group(1), given=m.group(2), name=f"{m.group(2)} {m.group(1)}")
    return author_from_display(value)


def _keywords(values: list[str]) -> list[str]:
    """One keyword a line; "a; b" split; a lone value with commas split on them (as
    Zotero reads it). Repeats (Scopus lists author and index keywords) kept once."""
    words = [w.strip() for value in values for w in value.split(";")]
    if len(words) == 1 and "," in words[0]:
        words = words[0].split(",")
    return keywords_once(words)


def _abstract(values: list[list[str]]) -> str | None:
    """The abstract's lines: an indented line, or one after a line that ends a sentence,
    starts a paragraph (Web of Science, Zotero, Mendeley); other continuation lines are
    long fields wrapped at 70 characters, as the spec allows, and join with a space."""
    if not values:
        return None, None
    lines = values[0]
    text = lines[0].strip()
    for line in lines[1:]:
        if not line.strip():
            text += "\n\n"
        elif line[:1].isspace() or text.rstrip().endswith((".", "!", "?", ":")):
            text += "\n\n" + line.strip()
        else:
            text += " " + line.strip()
    text = html_to_text(text) if MARKUP.search(text) else clean_paragraphs(text)
    # Scopus (and publishers' abstracts copied into Zotero) end with the copyright line
    m = COPYRIGHT.search(text or "")
    if m and m.start() > 0:
        return text[:m.start()].rstrip() or None, m.group(1)
    return text, None
