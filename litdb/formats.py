"""Reading a seed file: decode its bytes, detect its format from its content, parse it.

Adding a format means adding a module with ``looks_like(text)`` and a parser
returning a list of ``PaperRecord``, and one line in ``FORMATS``.
"""

from __future__ import annotations

import codecs

from . import aggregator_json, pubmed_page
from .normalize import strip_controls
from .records import PaperRecord

# Checked in order; the first whose looks_like() accepts the text parses it.
FORMATS = [
    (aggregator_json.FORMAT, aggregator_json.looks_like, aggregator_json.parse_aggregator_file),
    (pubmed_page.FORMAT, pubmed_page.looks_like, lambda text: [pubmed_page.parse_pubmed_page(text)]),
]


def decode(data: bytes) -> str:
    """Text of a seed file: UTF-8 (with or without BOM) or UTF-16 with BOM; CRLF folded,
    other control characters (form feeds, escapes) made spaces; a NUL means binary."""
    encoding = {codecs.BOM_UTF16_LE: "utf-16-le", codecs.BOM_UTF16_BE: "utf-16-be"}.get(data[:2], "utf-8")
    try:
        text = data[2:].decode(encoding) if encoding != "utf-8" else data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        at = e.start + len(data) - len(e.object)  # offsets in the file, byte order mark included
        if encoding != "utf-8":
            raise ValueError(f"invalid UTF-16 at byte {at}: {e.reason}") from None
        raise ValueError(f"not UTF-8 text: invalid byte 0x{data[at]:02x} at offset {at}") from None
    if "\x00" in text:
        at = len(data) - len(text[text.index("\x00"):].encode(encoding))
        raise ValueError(f"binary file: NUL byte at offset {at}")
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():  # also a lone byte order mark
        raise ValueError("empty file")
    return text


UNKNOWN_FORMAT = "unknown format: neither a PubMed abstract page nor an aggregator JSON record"


def detect(text: str) -> str | None:
    for name, looks_like, _ in FORMATS:
        if looks_like(text):
            return name
    return None


def parse(name: str, text: str) -> list[PaperRecord]:
    """The records of a text in a known format (``detect`` named it), or ValueError."""
    return next(parse for fmt, _, parse in FORMATS if fmt == name)(text)
