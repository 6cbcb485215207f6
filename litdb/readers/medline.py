"""PubMed MEDLINE format (.nbib, .txt): "Save: PubMed format" and "Send to: Citation
manager" on pubmed.ncbi.nlm.nih.gov, efetch rettype=medline.

Written by hand: no well-kept Python library reads it (Biopython's Medline parser would
be a heavy dependency for 50 lines, and keeps no line numbers). The layout, as NLM
describes it (MEDLINE/PubMed Data Element (Field) Descriptions):

    PMID- 25146823                 a tag of up to four letters, padded to four, then "- "
    TI  - Dissecting the links between cerebellum and
          dystonia.                continuation lines start with six spaces
    FAU - Malone, Ailish           an author: FAU (full name) then AU (initials), then
    AU  - Malone A                 AUID (ORCID) and AD (affiliations) of that author
    AD  - Department of ...

Records are separated by blank lines; a "PMID- " line always starts a record.

Choices, where PubMed leaves one:
- Titles are kept as printed, full stop included. A title in brackets ("[Wilson
  disease].") is NLM's English translation of a title in another language: PubMed's
  own pages show it with its brackets, so it is kept with them (the other PubMed
  readers then agree); the title in its original language (TT) is a claim.
- FAU is preferred to AU (AU only when there is no FAU: records before 2002). The AD
  and AUID lines after an author are that author's; editors (FED, ED) and investigators
  (IR, FIR, IRAD) are not authors.
- MH "Brain/pathology/*physiopathology" is one MeshTerm per qualifier, as PubMed's
  pages list them; a star on the descriptor or the qualifier makes it major.
- Copyright: the CI field; records from before CI existed end their abstract with
  "Copyright (c) 2001 Wiley-Liss, Inc.", which is split off the abstract then.
- A book chapter (TI and BTI) has its book as journal_title, as PubMed's CSV export
  puts it under "Journal/Book"; a whole book (BTI alone) has it as its title.
- Claims: language (LA), the title in its original language (TT), the NIH manuscript id
  (MID), received and accepted dates (PHST), "Online ahead of print" (PST), and comments,
  errata, retractions and updates (CIN, CON, EIN, EFR, RIN, ROF, UIN, UOF, ECI, RPI, RPF).
"""

from __future__ import annotations

import re

from ..normalize import clean_space, expand_pages, iso_date, normalize_doi
from ..records import Author, Claim, MeshTerm, PaperRecord, RecordError
from .common import nlm_grant, author, author_from_inverted, digits, orcid, parse_date

NAME = "medline"
TRUST = 0

# A record ends at a blank line (white space only counts as blank); a PMID line starts one
# even without a blank line before it (files concatenated by hand).
BOUNDARY = re.compile(r"\n[ \t]*(?=\n)|\n(?=PMID- )")
# Where a record starts, in the file's bytes: the build cuts a big export there into parts
# for its workers, each read on its own (split_records of a part cuts it as of the whole).
RECORD_START = re.compile(rb"\n(?=PMID- )")
ISSN = re.compile(r"(\d{4}-?\d{3}[\dXx])\s*(?:\((\w+)\))?")
ABSTRACT_COPYRIGHT = re.compile(r"\s((?:Copyright\s*(?:\(c\)|©)?|©|\(c\))\s*(?:\d{4}(?:-\d{4})?)\b[^\n]{0,300})$",
                                re.IGNORECASE)
SUFFIXES = {"Jr", "Sr", "2nd", "3rd", "II", "III", "IV"}
# Comments, errata, retractions and updates: claims named as the PubMed XML and page
# readers name them (their text "Source. PMID: n" written as the XML reader writes it)
RELATIONS = {"CIN": "comment_in", "CON": "comment_on", "EIN": "erratum_in", "EFR": "erratum_for",
             "RIN": "retraction_in", "ROF": "retraction_of", "UIN": "update_in", "UOF": "update_of",
             "ECI": "expression_of_concern_in", "RPI": "republished_in", "RPF": "republished_from"}
PHST_CLAIMS = {"received", "accepted"}  # of the history dates, the two that say something of the paper


def looks_like(text: str) -> bool:
    """A MEDLINE file starts with its first record's "PMID- " line (after blank lines).
    Some tools put other tags first: then a MEDLINE tag line, and a PMID line soon after.
    (RIS tag lines have the same shape, "TY  - JOUR", but never a "PMID- " line.)"""
    head = text[:4096].lstrip()
    if head.startswith("PMID- "):
        return True
    first = head.split("\n", 1)[0]
    return _is_tag_line(first) and not first.startswith("TY  -") and "\nPMID- " in head


def _is_tag_line(line: str) -> bool:
    tag = line[:4].rstrip()
    return (line[4:6] == "- " or line[4:] == "-") and len(tag) >= 2 and tag.isalnum() and tag.isupper()


def split_records(text: str) -> list[tuple[int, str]]:
    """(first line, text) of every record, cut where read() cuts them: read(piece,
    first_line=line, first_position=k) of the k-th piece gives that record as read()
    of the whole file does, its line and position included."""
    return list(_blocks(text.replace("\ufeff", "")))


def _blocks(text: str):
    """(first line, text) of each record: the non-blank runs of lines between boundaries."""
    line, at = 1, 0  # the line number of offset `at`
    start = 0
    for m in BOUNDARY.finditer(text):
        yield from _block(text, start, m.start(), line, at)
        line, at = line + text.count("\n", at, m.end()), m.end()
        start = m.end()
    yield from _block(text, start, len(text), line, at)


def _block(text, start, end, line, at):
    # blank lines before the record's first line move its start
    while start < end and text[start] == "\n":
        start += 1
    if text[start:end].strip():
        yield line + text.count("\n", at, start), text[start:end]


def read(text: str, first_line: int = 1, first_position: int = 1):
    """Every record of the text, in order; a record that cannot be read is a RecordError
    in its place. first_line and first_position say where the text starts in its file
    (for a piece from split_records)."""
    text = text.replace("\ufeff", "")  # files concatenated: the second one's byte order mark
    if not _is_tag_line(text.lstrip().split("\n", 1)[0]):
        raise ValueError("not a MEDLINE file: its first line is not a tag line such as 'PMID- 25146823'")
    for position, (line, block) in enumerate(_blocks(text), first_position):
        line += first_line - 1
        try:
            yield _record(_fields(block, line), line)
        except _BadRecord as e:
            yield RecordError(position=position, line=line, reason=str(e))


class _BadRecord(Exception):
    pass


def _fields(block: str, first_line: int) -> list[tuple[str, str]]:
    """The (tag, value) pairs of a record, continuation lines joined to their field."""
    fields: list[tuple[str, list[str]]] = []
    for number, line in enumerate(block.split("\n"), first_line):
        if line[:1] in (" ", "\t"):
            if not fields:
                raise _BadRecord(f"line {number}: a continuation line before any tag")
            if line.strip():
                fields[-1][1].append(line.strip())
        elif not line:  # the end of the file
            continue
        elif _is_tag_line(line):
            fields.append((line[:4].rstrip(), [line[6:].strip()]))
        else:
            raise _BadRecord(f"line {number}: not a MEDLINE tag line: {line[:60]!r}")
    return [(tag, " ".join(parts).strip()) for tag, parts in fields]


def _record(fields: list[tuple[str, str]], line: int) -> PaperRecord:
    record = PaperRecord(format=NAME, title="", line=line)
    title = book_title = abstract = None
    current: Author | None = None  # the author the next AU/AUID/AD lines belong to
    after_fau = False  # the next AU is the short form of the FAU just read
    languages, claims, relations = [], {}, []
    for tag, value in fields:
        if tag in ("FAU", "AU"):
            if tag == "AU" and after_fau:
                after_fau = False
                continue
            current = author_from_full(value) if tag == "FAU" else author_from_initials(value)
            after_fau = tag == "FAU"
            if current:
                record.authors.append(current)
            continue
        after_fau = False
        if tag == "AD":
            if current and (text := clean_space(value)):  # none before the first author
                current.affiliations.append(text)
            continue
        if tag == "AUID":
            if current and value.upper().startswith("ORCID"):
                current.orcid = orcid(value)
            continue
        if tag == "CN":
            current = author(name=value, group=True)
            if current:
                record.authors.append(current)
            continue
        current = None  # investigators (IR, FIR, IRAD) and every other field end an author
        if tag == "PMID":
            if not digits(value):
                raise _BadRecord(f"PMID is not a number: {value[:40]!r}")
            record.pmid = value
        elif tag == "TI":
            title = clean_space(value)
        elif tag == "BTI":  # a book's title (a chapter has its own TI)
            book_title = clean_space(value)
        elif tag == "TT":
            claims.setdefault("original_title", Claim("original_title", clean_space(value),
                                                      "TT: the title in its original language"))
        elif tag == "AB":
            abstract = clean_space(value)
        elif tag == "CI":
            record.copyright = clean_space(value)
        elif tag in ("LID", "AID"):
            if value.endswith("[doi]") and not record.doi:
                record.doi = normalize_doi(value[:-5])
        elif tag == "PMC":
            if re.fullmatch(r"PMC\d+", value):
                record.pmcid = value
        elif tag == "MID":
            claims.setdefault("nihms_id", Claim("nihms_id", value, "MID: NIH manuscript id"))
        elif tag == "JT":
            record.journal_title = clean_space(value)
        elif tag == "TA":
            record.journal_abbreviation = clean_space(value)
        elif tag == "IS":
            _issn(record, value)
        elif tag == "VI":
            record.volume = clean_space(value)
        elif tag == "IP":
            record.issue = clean_space(value)
        elif tag == "PG":
            record.pages = expand_pages(value)
        elif tag == "DP":
            year, month, day = parse_date(value)
            record.year, record.publication_date = year, iso_date(year, month, day)
        elif tag == "DEP":
            record.epub_date = _yyyymmdd(value)
        elif tag == "MH":
            record.mesh_terms.extend(mesh_terms(value))
        elif tag == "PT":
            if value and value not in record.publication_types:
                record.publication_types.append(value)
        elif tag == "OT":
            keyword = clean_space(value.lstrip("*"))  # "*NUCLEIC ACIDS": a star marked major topics
            if keyword and keyword not in record.keywords:
                record.keywords.append(keyword)
        elif tag == "GR":
            record.grants.append(nlm_grant(value))
        elif tag == "LA":
            languages.append(value)
        elif tag == "PHST":
            date, _, kind = value.partition(" [")  # "2017/02/02 00:00 [received]"
            kind = kind.rstrip("]")
            if kind in PHST_CLAIMS and kind not in claims:
                claims[kind] = Claim(kind, iso_date(*parse_date(date)), f"PHST [{kind}]")
        elif tag in RELATIONS:  # "RIN - Sci Rep. 2021 Mar 1;11(1):4839. PMID: 33640001"
            relations.append(Claim(RELATIONS[tag], re.sub(r"\.\s+(?=PMID:)", " ", clean_space(value) or ""), tag))
        elif tag == "PST":
            if value == "aheadofprint":
                claims["status"] = Claim("status", "Online ahead of print", "PST - aheadofprint")
    record.title = title or book_title or ""
    if title and book_title and not record.journal_title:  # a chapter: the book holds it
        record.journal_title = book_title
    if not record.title and not record.pmid:
        raise _BadRecord("a record with neither a PMID nor a title")
    if abstract and not record.copyright and (m := ABSTRACT_COPYRIGHT.search(abstract)):
        abstract, record.copyright = abstract[: m.start()].rstrip(), m.group(1)
    record.abstract = abstract
    if languages:
        record.claims.append(Claim("language", "; ".join(languages), "LA"))
    record.claims.extend(claims.values())
    record.claims.extend(c for c in relations if c.value)
    return record


def author_from_full(text: str) -> Author | None:
    """FAU: 'Malone, Ailish' -> Author('Ailish Malone', 'Malone', 'Ailish'); a suffix
    ends the display name: 'Smith, John A Jr' -> 'John A Smith Jr', given 'John A'."""
    given = text.partition(",")[2].split()
    if len(given) > 1 and given[-1] in SUFFIXES:
        found = author_from_inverted(text[: text.rindex(given[-1])])
        if found:
            found.name = f"{found.name} {given[-1]}"
        return found
    return author_from_inverted(text)


def author_from_initials(text: str) -> Author | None:
    """'Malone A' or 'De Grassi A' (family name, then initials: MEDLINE AU, PubMed
    CSV) -> Author('A Malone', 'Malone', 'A'); 'Smith JA Jr' -> 'JA Smith Jr', given 'JA'."""
    words = (text or "").split()
    suffix = words.pop() if len(words) > 2 and words[-1] in SUFFIXES else None
    if len(words) == 1:
        return author(family=words[0])
    if len(words) < 2 or not words[-1].isupper():
        return author(name=" ".join(words + ([suffix] if suffix else [])))
    found = author(family=" ".join(words[:-1]), given=words[-1])
    if found and suffix:
        found.name = f"{found.name} {suffix}"
    return found


def mesh_terms(value: str) -> list[MeshTerm]:
    """'Dystonia/*physiopathology' -> [MeshTerm('Dystonia', 'physiopathology', True)];
    'Brain/pathology/*physiopathology' -> one term per qualifier."""
    descriptor, *qualifiers = [part.strip() for part in value.split("/")]
    major = descriptor.startswith("*")
    term = descriptor.lstrip("*").strip()
    if not term:
        return []
    if not qualifiers:
        return [MeshTerm(term, None, major)]
    return [MeshTerm(term, q.lstrip("*").strip(), major or q.startswith("*")) for q in qualifiers if q.lstrip("*")]


def _issn(record: PaperRecord, value: str) -> None:
    m = ISSN.match(value.strip())
    if not m:
        return
    issn = m.group(1).upper()
    if "-" not in issn:
        issn = f"{issn[:4]}-{issn[4:]}"
    if m.group(2) == "Linking":
        record.issn_l = issn
    elif issn not in record.issns:
        record.issns.append(issn)


def _yyyymmdd(value: str) -> str | None:
    """'20210927' -> '2021-09-27' (DEP); None when it is not such a date."""
    value = value.strip()
    if not (digits(value) and len(value) == 8):
        return None
    year, month, day = int(value[:4]), int(value[4:6]), int(value[6:])
    if not 1 <= month <= 12:
        return iso_date(year)
    return iso_date(year, month, day if 1 <= day <= 31 else None)
