"""Small normalisers shared by the parsers and the merge step."""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata
import urllib.parse
from html.parser import HTMLParser

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}

_to_json = json.JSONEncoder(ensure_ascii=False).encode


def to_json(value) -> str:
    """json.dumps(value, ensure_ascii=False), without setting up an encoder at every call;
    a list of strings (most of what the build writes: names, keywords, topics) directly."""
    if value.__class__ is list and all(v.__class__ is str for v in value):
        return "[" + ", ".join(map(json.encoder.encode_basestring, value)) + "]"
    return _to_json(value)


# Hosts of shadow libraries: a link to any of them is never published.
SHADOW_LIBRARY_HOSTS = re.compile(
    r"(sci-?hub|scihub|libgen|lib-gen|gen\.lib\.rus\.ec|library\.lol|z-?lib|zlibrary|1lib\."
    r"|b-ok\.|booksc\.|annas-archive|anna's archive|sci\.hub|twirpx|freefullpdf)",
    re.IGNORECASE,
)
URL = re.compile(r"(?:https?://|www\.)[^\s\"'<>]+", re.IGNORECASE)
# Never stored: control characters (C0 but tab and newline, DEL, C1) and lone
# surrogates (from a JSON "\ud800" escape), which SQLite cannot even store.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
LONE_SURROGATES = re.compile(r"[\ud800-\udfff]")


def strip_controls(text: str) -> str:
    """Control characters become spaces, lone surrogates U+FFFD."""
    # The usual case: controls and surrogates are never printable; the new lines and
    # tabs of a whole file are not either, but they are kept.
    if text.isprintable() or text.replace("\n", " ").replace("\t", " ").isprintable():
        return text
    return LONE_SURROGATES.sub("\ufffd", CONTROL_CHARACTERS.sub(" ", text))


def stable_id(*parts: str) -> str:
    """A short id that depends only on the identity of the thing, never on build order."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


def clean_space(text: str | None) -> str | None:
    """Collapse runs of white space (no-break spaces included); None for empty text."""
    if text is None:
        return None
    return " ".join(text.split()) or None  # str.split() splits on the same white space as \s


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "section", "sec", "title", "tr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag.rpartition(":")[2] in self.BLOCKS:  # JATS tags come as "jats:p"
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        self.handle_starttag(tag, [])

    def handle_data(self, data):
        self.parts.append(data)


def html_to_text(value: str | None) -> str | None:
    """Plain text from a string that may carry HTML tags and entities.

    Block tags become paragraph breaks; inline tags (<i>, <sup>) just vanish.
    """
    if value is None:
        return None
    if "<" not in value and "&" not in value:
        return clean_paragraphs(value)
    parser = _TextExtractor()
    parser.feed(value)
    parser.close()
    return clean_paragraphs(html.unescape("".join(parser.parts)))


PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def clean_paragraphs(text: str | None) -> str | None:
    """Clean white space inside paragraphs; paragraphs joined by one blank line."""
    if text is None:
        return None
    if "\n" not in text:  # one paragraph (most values): no split needed
        return clean_space(text)
    paragraphs = [clean_space(p) for p in PARAGRAPH_BREAK.split(text)]
    return "\n\n".join(p for p in paragraphs if p) or None


# Compiled once: the module-level re functions look each pattern up on every call.
DOI_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.|dx\.)?doi\.org/", re.IGNORECASE)
DOI_PREFIX = re.compile(r"^doi:\s*", re.IGNORECASE)
DOI = re.compile(r"10\.[0-9]{4,9}/[^\s\x00-\x1f\x7f-\x9f]+")


def normalize_doi(value: str | None) -> str | None:
    """Lower-case DOI without URL or 'doi:' prefix; None when it is not a DOI."""
    if not value:
        return None
    doi = urllib.parse.unquote(value.strip())  # "10.1002%2Fmds.26512" in links
    doi = DOI_URL_PREFIX.sub("", doi)
    doi = DOI_PREFIX.sub("", doi)
    doi = doi.rstrip(".,;").lower()
    # "%00" in a link must not smuggle a control character in
    return doi if DOI.fullmatch(doi) else None


# at most 9 digits: int() refuses thousands of them, and no page number is that long
PAGE_RANGE = re.compile(r"([A-Za-z]*)([0-9]{1,9})\s*[-\u2013]\s*([A-Za-z]*)([0-9]{1,9})")


def expand_pages(value: str | None) -> str | None:
    """'666-8' -> '666-668', '1234 - 1250' -> '1234-1250'; anything else as given."""
    pages = clean_space(value)
    if pages is None:
        return None
    m = PAGE_RANGE.fullmatch(pages)
    if not m:
        return pages
    prefix, first, prefix2, last = m.groups()
    if prefix2 and prefix2 != prefix:
        return f"{prefix}{first}-{prefix2}{last}"
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    if int(last) < int(first):
        return f"{prefix}{m.group(2)}-{prefix}{m.group(4)}"
    return f"{prefix}{first}-{prefix}{last}"


def iso_date(year: int | None, month: int | None = None, day: int | None = None) -> str | None:
    """ISO 8601 date at the precision known: '2014', '2014-12', '2017-05-12'."""
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


DATE_WORDS = re.compile(
    r"(?P<year>(?:1[89]|20)\d\d)"
    r"(?:\s+(?P<month>[A-Za-z]{3})[a-z]*\.?(?:\s*-\s*[A-Za-z]{3}[a-z]*)?"
    r"(?:\s+(?P<day>\d{1,2})(?:\s*-\s*\d{1,2})?)?)?"
)


def parse_date_words(text: str) -> tuple[int, int | None, int | None] | None:
    """'2014 Dec' -> (2014, 12, None); '2006 Sep 6' -> (2006, 9, 6); '2019 Mar-Apr' -> (2019, 3, None)."""
    m = DATE_WORDS.fullmatch(text.strip())
    if not m:
        return None
    month = MONTHS.get((m.group("month") or "").lower())
    day = int(m.group("day")) if m.group("day") and month else None
    if day is not None and not 1 <= day <= 31:
        day = None
    return int(m.group("year")), month, day


def fold(text: str | None) -> str:
    """Lower case without accents, every script kept: 'Lehéricy' -> 'lehericy'."""
    if text is None:
        return ""
    if text.isascii():  # nothing to decompose, no accent to drop, and casefold() is lower()
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


NOT_WORD = re.compile(r"[\W_]+")


def title_key(title: str | None) -> str:
    """Title reduced to its letters and digits (any script), for matching the same
    paper across sources."""
    return NOT_WORD.sub("", fold(title))


def is_shadow_library_url(url: str | None) -> bool:
    return bool(url) and bool(SHADOW_LIBRARY_HOSTS.search(url))


def strip_shadow_links(text: str | None) -> str | None:
    """Free text without its links to shadow libraries (each becomes "[link removed]")."""
    if not text:
        return text
    return URL.sub(lambda m: "[link removed]" if is_shadow_library_url(m.group(0)) else m.group(0), text)


def may_hold_link(text: str) -> bool:
    """Cheap test before URL: every link it finds holds "://" or a "www." (in some case)."""
    return "://" in text or "ww" in text or "WW" in text or "Ww" in text or "wW" in text


def without_shadow_links(value):
    """The value with every link to a shadow library taken out of its texts: strings,
    lists, dicts and dataclasses (records, changed in place) are looked into."""
    kind = value.__class__
    if kind is str:
        return strip_shadow_links(value) if may_hold_link(value) else value
    if kind is list or kind is dict:
        value = value.copy()
        slots = value
    elif hasattr(kind, "__dataclass_fields__"):
        slots = vars(value)
    elif kind is tuple:
        return tuple(without_shadow_links(list(value)))
    elif kind in SCALARS:
        return value
    else:  # a kind of value this does not know how to look into must not slip through
        raise TypeError(f"cannot look for links in a {kind.__name__}")
    # Strings are checked here rather than in a call: a record holds hundreds.
    for key, v in (slots.items() if slots.__class__ is dict else enumerate(slots)):
        if v.__class__ is str:
            if may_hold_link(v):
                slots[key] = strip_shadow_links(v)
        elif v.__class__ not in SCALARS:
            slots[key] = without_shadow_links(v)
    return value


SCALARS = {int, bool, float, type(None)}
