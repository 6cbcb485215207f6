"""Web of Science plain text ("savedrecs.txt"): Export → Plain text file, "Full Record and
Cited References", the export bibliometric tools (bibliometrix, VOSviewer, CiteSpace)
read; and its tab-delimited export (Export → Tab delimited file), the same tags as the
columns of a header row, one record a row, several values of a field joined by "; ".

Written by hand: the layout is a few lines of rules, as Clarivate's "Web of Science Core
Collection field tags" describe it:

    FN Clarivate Analytics Web of Science     the file's header (FN, VR), then records
    VR 1.0
    PT J                                      a record starts with PT (J journal, B book,
    AU Malone, A                              S series, P patent) and ends with ER;
       Manto, M                               a two-character tag, a space, the value;
    AF Malone, Ailish                         continuation lines start with three spaces
       Manto, Mario                           (one author, address or cited reference a
    TI Dissecting the links between           line; titles and abstracts wrapped)
       cerebellum and dystonia
    ER
    EF                                        the end of the file

Choices, where Web of Science leaves one:
- AF (full names) is preferred to AU (initials), in the same order; C1 "[Malone, Ailish;
  Manto, Mario] Univ Mons, ..." gives the bracketed authors that address; an address
  without brackets (older records) names no author and is not attributed. OI "Manto,
  Mario/0000-0001-6176-8453" gives that author's ORCID. CA is a group author.
- SO, the journal, is kept as Web of Science prints it (in capitals: "NEUROBIOLOGY OF
  DISEASE"; another source's journal name wins a merge); JI is the ISO abbreviation.
- PY is the year; PD ("DEC", "DEC 15", "JAN-FEB", "FAL") its month and day when it has
  them; EA, the early access date ("JAN 2024"), is the date the paper was first online.
- DT "Article; Proceedings Paper" and "Review; Early Access": the document types in the
  words the RIS reader uses for the same values (ris.document_types); "Early Access" is
  a status.
- TC (times cited in the Web of Science Core Collection) is the citation count, as the
  RIS and BibTeX readers take it from Web of Science's notes; Z9 (all databases) is not.
- DE (author keywords) and ID (Keywords Plus, Web of Science's own) are both keywords.
- CR "Bologna M, 2016, CEREBELLUM, V15, P80, DOI 10.1007/s12311-015-0694-8": a
  reference, its parts read where the layout gives them.
- Claims: the accession number (UT "WOS:..."), language (LA) and publisher (PU).
- Tab-delimited: AU, AF, CA, OI, CR and C1 split on "; " (C1 before each "[authors]"
  when it has them); DE and ID are split as in the plain text. No split_records of its
  own: the rows are read in one pass (a piece is the whole file).
"""

from __future__ import annotations

import re

from ..normalize import clean_space, iso_date, normalize_doi
from ..records import Claim, PaperRecord, RecordError, Reference
from .common import (GROUP_WORDS, author, author_from_inverted, digits, issns, keywords_once, orcid, page_range,
                     parse_date, valid_issn)
from .ris import TYPE_WORDS, document_types

NAME = "wos"
TRUST = 2  # an index, as OpenAlex and Semantic Scholar

TAG_LINE = re.compile(r"([A-Z][A-Z0-9])(?: (.*))?$")
HEADER_TAGS = {"FN", "VR"}
# Where a record starts, in the file's bytes (the build cuts a big export there for its
# workers; split_records of a part cuts it as of the whole).
RECORD_START = re.compile(rb"\n(?=PT [A-Z]\r?\n)")
# PT: J a journal's, P a patent; B (book) and S (book series) hold books, chapters and
# proceedings papers alike, which DT tells apart ("Book", "Book Chapter", "Proceedings Paper").
PUBLICATION_TYPES = {"J": TYPE_WORDS["JOUR"], "P": TYPE_WORDS["PAT"]}
C1_AUTHORS = re.compile(r"^\[([^\]]*)\]\s*(.*)$")
# "Bologna M, 2016, CEREBELLUM, V15, P80, DOI 10.1007/s12311-015-0694-8": parts after the
# first comma; "[Anonymous]" authors; DOIs may come as "DOI [10.1/a, 10.1/b]".
REFERENCE_YEAR = re.compile(r"(?:1[5-9]|20)\d\d")
REFERENCE_DOI = re.compile(r"\bDOI \[?(10\.[^\s,\]]+)", re.IGNORECASE)
REFERENCE_PART = re.compile(r"V\d\S*|P[A-Za-z]?\d\S*|DOI .*")  # "V15", "P80", "Pe0151234", "DOI 10..."


# The tab-delimited export's header row starts so (then BA, BE, GP, AF, ... TI, SO, ...).
TAB_HEADER = re.compile(r"PT\tAU\t(?:[A-Z][A-Z0-9]\t)*TI\t")
TAB_LISTS = {"AU", "AF", "BA", "BF", "CA", "GP", "OI", "RI", "CR", "EM"}  # "; " between values


def looks_like(text: str) -> bool:
    """The file's "FN ... Web of Science" header (Clarivate Analytics, Thomson Reuters,
    ISI), or, a header cut off, a first line "PT J" and an "ER" line after it; or the
    tab-delimited export's header row."""
    lines = text[:4096].lstrip("\ufeff \n").split("\n", 2)
    first = lines[0].rstrip()
    if TAB_HEADER.match(first):
        return True
    if first.startswith("FN ") and len(lines) > 1 and lines[1].startswith("VR "):
        return True
    return re.fullmatch(r"PT [JBSP]", first) is not None and re.search(r"\nER\s*(?:\n|$)", text[:65536]) is not None


def split_records(text: str) -> list[tuple[int, str]]:
    """(first line, text) of every record, cut where read() cuts them (a tab-delimited
    file: one piece, the whole file)."""
    if TAB_HEADER.match(text.lstrip("\ufeff \n")):
        return [(1, text)]
    return [(line, "\n".join(lines)) for line, lines in _blocks(text.replace("\ufeff", ""))]


def read(text: str, first_line: int = 1, first_position: int = 1):
    text = text.replace("\ufeff", "")
    if TAB_HEADER.match(text.lstrip(" \n")):
        yield from _read_rows(text)
        return
    blocks = list(_blocks(text, first_line))
    if not blocks:
        raise ValueError("Web of Science file with no record (no PT line)")
    for position, (line, lines) in enumerate(blocks, first_position):
        try:
            yield parse_record(lines, line)
        except ValueError as e:
            yield RecordError(position, line, str(e))


def _blocks(text: str, first_line: int = 1):
    """(first line, lines) of each record: from a PT line to its ER (the header, the EF and
    blank lines between records are no record's)."""
    current, start = None, None
    for number, line in enumerate(text.split("\n"), first_line):
        line = line.rstrip()
        if current is None:
            if line.startswith("PT "):
                current, start = [line], number
            continue
        if line == "ER":
            yield start, current
            current = None
        elif line.startswith("PT "):
            yield start, current  # a record whose ER was lost: the next one starts anyway
            current, start = [line], number
        else:
            current.append(line)
    if current:
        yield start, current


def fields_of(lines: list[str], first_line: int | None = None) -> list[tuple[str, list[str]]]:
    """(tag, its lines) in order; a continuation line (three spaces) is its tag's next line."""
    fields: list[tuple[str, list[str]]] = []
    for number, line in enumerate(lines, first_line or 1):
        if line.startswith("   ") and fields:
            fields[-1][1].append(line[3:].strip())
            continue
        if not line.strip():
            continue
        m = TAG_LINE.match(line)
        if not m:
            where = f"line {number}: " if first_line else ""
            raise ValueError(f"{where}not a Web of Science tag line: {line[:60]!r}")
        fields.append((m.group(1), [(m.group(2) or "").strip()]))
    return fields


def _read_rows(text: str):
    """The records of a tab-delimited export: a header row of tags, then a row a record."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip())
    header = lines[start].rstrip("\r").split("\t")
    rows = [(number, row) for number, row in enumerate(lines[start + 1:], start + 2) if row.strip()]
    if not rows:
        raise ValueError("Web of Science file with no record (a header row and no row)")
    for position, (number, row) in enumerate(rows, 1):
        values = row.rstrip("\r").split("\t")
        try:
            if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
                raise ValueError(f"{len(values)} values in a row of {len(header)} columns")
            tags = {}
            for tag, value in zip(header, values):
                value = value.strip()
                if value and tag:
                    tags[tag] = _tab_values(tag, value)
            yield record_of(tags, number)
        except ValueError as e:
            yield RecordError(position, number, str(e))


def _tab_values(tag: str, value: str) -> list[str]:
    if tag == "C1" and value.startswith("["):
        return [v.strip() for v in re.split(r";\s*(?=\[)", value) if v.strip()]
    if tag in TAB_LISTS or tag == "C1":
        return [v.strip() for v in value.split("; ") if v.strip()]
    return [value]


def parse_record(lines: list[str], line: int | None = None) -> PaperRecord:
    tags: dict[str, list[str]] = {}
    for tag, values in fields_of(lines, line):
        tags.setdefault(tag, []).extend(v for v in values if v)
    return record_of(tags, line)


def record_of(tags: dict[str, list[str]], line: int | None = None) -> PaperRecord:
    """A record from its fields: each tag's values (a line each in the plain text)."""

    def joined(tag: str) -> str | None:  # a wrapped value (title, abstract, journal)
        return clean_space(" ".join(tags.get(tag, [])))

    title = joined("TI")
    if not title:
        raise ValueError("record has no title (TI)")
    record = PaperRecord(format=NAME, title=title, line=line)
    record.doi = normalize_doi(joined("DI"))
    record.pmid = digits(joined("PM"))
    record.abstract = joined("AB")
    record.journal_title = joined("SO")
    record.journal_abbreviation = joined("JI")
    record.volume = joined("VL")
    record.issue = joined("IS") or (f"Suppl {joined('SU')}" if joined("SU") else None)  # MEDLINE's "Suppl 2"
    record.pages = page_range(joined("BP"), joined("EP"), joined("AR"))
    record.issns = [i for i in issns(joined("SN") or "", joined("EI") or "") if valid_issn(i)]

    early = joined("EA")
    e_year = None
    if early:
        e_year, e_month, e_day = parse_date(early if parse_date(early)[0] else " ".join(reversed(early.split())))
        record.epub_date = iso_date(e_year, e_month, e_day)
    # an early access paper has no PY until its issue: its year is EY's, else EA's
    year = parse_date(joined("PY"))[0] or parse_date(joined("EY"))[0] or e_year
    month = day = None
    pd = joined("PD")
    if joined("PY") and pd:
        pd_year, month, day = parse_date(pd if parse_date(pd)[0] else f"{year} {pd}")
        if pd_year != year:
            month = day = None
    record.year = year
    record.publication_date = iso_date(year, month, day)

    record.authors = _authors(tags)
    cited = digits(joined("TC"))
    record.citation_count = int(cited) if cited else None
    record.keywords = keywords_once([joined("DE"), joined("ID")])  # each with its lines joined: a keyword may wrap
    record.references = [_reference(i, c) for i, c in enumerate(tags.get("CR", []), 1)]

    types = [PUBLICATION_TYPES[kind]] if (kind := joined("PT")) in PUBLICATION_TYPES else []
    statuses = document_types(types, joined("DT"))
    record.publication_types = types
    claims = [Claim("status", status, f"DT {joined('DT')}") for status in statuses]
    if joined("UT"):
        claims.append(Claim("accession_number", joined("UT"), "Web of Science"))
    for tag, claim in (("LA", "language"), ("PU", "publisher")):
        if joined(tag):
            claims.append(Claim(claim, joined(tag)))
    record.claims = claims
    return record


def _authors(tags: dict[str, list[str]]):
    """AF (else AU) in order, with the addresses C1 gives each and the ORCIDs of OI (its
    name may be spelled otherwise: "Shakkottai, Vikram" for AF "Shakkottai, Vikram G.";
    the same family name and first initial, when one author only has them); then the
    group authors of CA not already among them. "[Anonymous]" is nobody."""
    names = [n for n in (tags.get("AF") or tags.get("AU") or []) if n.strip() != "[Anonymous]"]
    addresses: dict[str, list[str]] = {}
    for value in tags.get("C1", []):
        m = C1_AUTHORS.match(value)
        if m:
            for name in m.group(1).split(";"):
                addresses.setdefault(_key(name), []).append(m.group(2))
    orcids = {}
    for value in tags.get("OI", []):
        for item in value.split(";"):
            name, _, identifier = item.rpartition("/")
            if name and orcid(identifier):
                orcids[_key(name)] = orcid(identifier)
    people = []
    for name in names:
        key = _key(name)
        if "," not in name and GROUP_WORDS.search(name):
            person = author(name=name, group=True)
        else:
            person = author_from_inverted(name, affiliations=addresses.get(key, []), orcid_id=orcids.get(key))
        if person:
            people.append(person)
    for name, identifier in orcids.items():
        if identifier not in {p.orcid for p in people}:
            family, _, given = name.partition(",")
            alike = [p for p in people if not p.group and _key(p.family or "") == family.strip()
                     and (p.given or "")[:1].lower() == given.strip()[:1]]
            if len(alike) == 1 and alike[0].orcid is None:
                alike[0].orcid = identifier
    known = {_key(p.name) for p in people}
    people += [a for a in (author(name=group, group=True) for group in tags.get("CA", [])) if a and _key(a.name) not in known]
    return people


def _key(name: str) -> str:
    return " ".join(name.lower().replace(".", " ").split())


def _reference(position: int, citation: str) -> Reference:
    """A CR line: authors, year, source, V(olume), P(age), DOI; any part may be missing."""
    parts = [p.strip() for p in citation.split(",")]
    reference = Reference(position=position, citation=citation)
    if parts and not REFERENCE_YEAR.fullmatch(parts[0]):
        reference.authors = None if parts[0] == "[Anonymous]" else parts[0] or None
        parts = parts[1:]
    if parts and REFERENCE_YEAR.fullmatch(parts[0]):
        reference.year = int(parts[0])
        parts = parts[1:]
    if parts and not REFERENCE_PART.fullmatch(parts[0]):  # "PLOS ONE", "PAIN", "VISION RES" are journals
        reference.journal = parts[0] or None
        parts = parts[1:]
    for part in parts:
        if re.fullmatch(r"V\d\S*", part):
            reference.volume = part[1:]
        elif re.fullmatch(r"P[A-Za-z]?\d\S*", part):
            reference.pages = part[1:]
    m = REFERENCE_DOI.search(citation)
    reference.doi = normalize_doi(m.group(1)) if m else None
    return reference
