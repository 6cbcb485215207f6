"""Readers: one module a seed format. Reading a seed file is decode its bytes, detect
its format from its content (never its name), read its records.

Each reader module declares, at its top:
    NAME = "medline"            # its name, stored in sources.format and records' format
    TRUST = 0                   # which source wins a merge: 0 curated bibliographic records
                                # (PubMed), 1 publisher records (JATS, Crossref, PMC pages),
                                # 2 indexes (OpenAlex, Semantic Scholar, Web of Science,
                                # Scopus, Europe PMC),
                                # 3 the aggregator and citation-manager exports (RIS,
                                # BibTeX, CSL-JSON, EndNote XML)
    def looks_like(text) -> bool            # cheap; claims only its own format
    def read(text) -> Iterator[PaperRecord | RecordError]
and, when a file holds many records that can be cut apart cheaply,
    def split_records(text) -> list[tuple[int, str]]   # (first line, text of one record)
so that a big export is shared among the workers: read() of each piece gives its record.

read() raises ValueError (one line) when the whole file cannot be read; a bad record
inside a good file is a RecordError in its place, and the others still load. Values
are normalised as records.py says; nothing is merged yet. Every paper has a title: the
build makes a record without one a RecordError.

Adding a format: its module here, one line in READERS, golden fixtures in
tests/fixtures/<name>/ with their tests in tests/test_reader_<name>.py, a line in the
README's table of seed formats.
"""

from __future__ import annotations

import codecs

from ..normalize import strip_controls
from .common import local_name, parse_json, parse_xml
from . import (aggregator_json, bibtex, crossref, csl_json, endnote_xml, europepmc, jats, medline, openalex,
               pmc_page, pubmed_csv, pubmed_page, pubmed_summary, pubmed_xml, ris, scopus_csv, semantic_scholar, wos)

# Checked in this order; the first whose looks_like() accepts the text reads it.
READERS = [
    crossref, openalex, semantic_scholar, europepmc, csl_json, aggregator_json,  # JSON
    pubmed_xml, jats, endnote_xml,  # XML (each known by its root element: PubmedArticleSet, article, xml)
    medline, ris, wos, bibtex, pubmed_csv, scopus_csv,  # exports (the two CSV headers share no first column)
    pubmed_summary, pmc_page, pubmed_page,  # PubMed's Summary (text) save; pages copied as text
]
BY_NAME = {reader.NAME: reader for reader in READERS}
TRUST = {reader.NAME: reader.TRUST for reader in READERS}


# Files a folder of papers holds beside the exports, known by their first bytes
BINARY_KINDS = [(b"PK\x03\x04", "a ZIP archive (a Word, Excel or other Office document is one)"),
                (b"%PDF-", "a PDF"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc, .xls)"),
                (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image")]


def decode(data: bytes) -> str:
    """Text of a seed file: UTF-8 (with or without BOM) or UTF-16 with BOM; CRLF folded,
    other control characters (form feeds, escapes) made spaces; a NUL means binary."""
    for magic, what in BINARY_KINDS:
        if data.startswith(magic):  # said for what it is, not as text in an unknown encoding
            raise ValueError(f"binary file: {what}, not a bibliographic export (save or export it as text)")
    encoding = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}.get(data[:2], "utf-8")
    try:
        text = data[2:].decode(encoding) if encoding != "utf-8" else data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        at = e.start + len(data) - len(e.object)  # offsets in the file, byte order mark included
        if encoding != "utf-8":
            raise ValueError(f"invalid UTF-16 at byte {at}: {e.reason}") from None
        # EndNote and Excel on Windows save Windows-1252: text of that code page (no control
        # characters, no byte it leaves undefined) is read as such; anything else is binary.
        text = _windows_1252(data)
        if text is None:
            raise ValueError(f"not UTF-8 text: invalid byte 0x{data[at]:02x} at offset {at}") from None
    if "\x00" in text:
        at = len(data) - len(text[text.index("\x00"):].encode(encoding))
        raise ValueError(f"binary file: NUL byte at offset {at}")
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():  # also a lone byte order mark
        raise ValueError("empty file")
    return text


def _windows_1252(data: bytes) -> str | None:
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: undefined there
        return None
    return None if any(c < " " and c not in "\t\n\r\f" for c in text) else text


UNKNOWN_FORMAT = ("unknown format: not a format this build reads (PubMed or PMC pages and saves, MEDLINE, PubMed "
                  "XML/CSV, RIS, EndNote XML, Web of Science, Scopus CSV, BibTeX, CSL-JSON, OpenAlex, Crossref, "
                  "Semantic Scholar, Europe PMC, JATS, aggregator JSON)")


def detect(text: str) -> str | None:
    """The NAME of the first reader that claims the text, or None."""
    for reader in READERS:
        if reader.looks_like(text):
            return reader.NAME
    return None


def unknown_format(text: str) -> str:
    """Why no reader claims a text, in one line: a broken JSON or XML file is told so,
    with the place where it breaks, rather than called a format we do not know."""
    start = text.lstrip()[:1]
    try:
        if start in ("{", "["):
            parse_json(text)
            return ("unknown format: JSON of no kind this build reads (CSL-JSON, OpenAlex, Crossref, "
                    "Semantic Scholar, Europe PMC, aggregator records)")
        if start == "<":
            root = parse_xml(text)
            return f"unknown format: XML with root <{local_name(root)}>, not PubMed XML, JATS or EndNote XML"
    except ValueError as e:
        return str(e)
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    if ";" in first and "," not in first.replace('","', "") and any(
            name in first for name in ("Source title", "PMID;", "Title;")):
        # Excel, in many languages, saves a CSV again with ";" between the fields
        return ("unknown format: a CSV export saved again by a spreadsheet with ';' between the fields; "
                "export it again, or save it as CSV with commas")
    return UNKNOWN_FORMAT


def read(name: str, text: str):
    """The records (and RecordErrors) of a text in a known format, in file order."""
    return list(BY_NAME[name].read(text))
