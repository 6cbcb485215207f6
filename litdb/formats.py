"""Reading a seed file: decode its bytes, detect its format from its content, parse it.

Adding a format means adding a module with ``looks_like(text)`` and a parser
returning a list of ``PaperRecord``, and one line in ``FORMATS``.
"""

from __future__ import annotations

import codecs

from . import aggregator_json, pubmed_page
from .records import PaperRecord

# Checked in order; the first whose looks_like() accepts the text parses it.
FORMATS = [
    (aggregator_json.FORMAT, aggregator_json.looks_like, aggregator_json.parse_aggregator_file),
    (pubmed_page.FORMAT, pubmed_page.looks_like, lambda text: [pubmed_page.parse_pubmed_page(text)]),
]


def decode(data: bytes) -> str:
    """Text of a seed file: UTF-8 (with or without BOM) or UTF-16 with BOM; CRLF folded."""
    if not data.strip():
        raise ValueError("empty file")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise ValueError(f"invalid UTF-16 at byte {e.start}") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ValueError(f"not UTF-8 text: invalid byte 0x{data[e.start]:02x} at offset {e.start}") from None
    if "\x00" in text:
        raise ValueError(f"binary file: NUL byte at offset {text.index(chr(0))}")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect(text: str) -> str | None:
    for name, looks_like, _ in FORMATS:
        if looks_like(text):
            return name
    return None


def read_seed(data: bytes) -> tuple[str, list[PaperRecord]]:
    """(format, records) of one seed file, or ValueError saying what is wrong."""
    text = decode(data)
    name = detect(text)
    if name is None:
        raise ValueError("unknown format: neither a PubMed abstract page nor an aggregator JSON record")
    parse = next(parse for fmt, _, parse in FORMATS if fmt == name)
    return name, parse(text)
