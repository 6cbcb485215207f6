"""CSL-JSON: what Zotero ("Export: CSL JSON"), Mendeley, citeproc-js and pandoc read and
write. One item or an array of items:

    [{"id": "http://zotero.org/users/local/x/items/ABCD", "type": "article-journal",
      "title": "...", "container-title": "Cerebellum & Ataxias", "page": "6", "volume": "4",
      "DOI": "10.1186/...", "ISSN": "2053-8871", "journalAbbreviation": "Cerebellum Ataxias",
      "note": "PMID: 28515951\\nPMCID: PMC5429509", "author": [{"family": "Bologna", "given": "Matteo"}],
      "issued": {"date-parts": [["2017", 5, 12]]}}]

Zotero writes date parts as strings or numbers and keeps PubMed ids in "note" lines
(newer versions as PMID / PMCID variables): both are read. A {"literal": ...} name is an
institution (Zotero's single-field creators) and becomes a group author.

This module also holds the small JSON helpers every JSON reader uses (the items of a
top-level array with the line each starts on, text values, dates as date-parts, ISSNs).
"""

from __future__ import annotations

import json
import re

from ..normalize import (clean_paragraphs, clean_space, expand_pages, html_to_text, iso_date, normalize_doi,
                         strip_controls)
from ..records import Claim, PaperRecord, RecordError
from .common import author, json_start, parse_date, parse_json

NAME = "csl_json"
TRUST = 3

# ---------------------------------------------------------------------------------------------
# JSON helpers shared by the JSON readers (crossref, openalex, semantic_scholar import them).

HEAD = 65536  # how far looks_like looks for keys: the first record's keys, whatever their order
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def json_head(text: str) -> str | None:
    """The first characters of a text that opens a JSON object or an array of objects
    ('{"' or '[{'), else None: '[Wilson disease]' and other bracketed text is no JSON."""
    start = json_start(text)
    if start.startswith('{"') or start.startswith("[{") or start.startswith("[]"):
        return text[:HEAD]
    return None


def has_any(head: str, keys) -> bool:
    """Whether one of the keys appears quoted in the head. (A quote inside a JSON string is
    escaped, so '"paperId"' with bare quotes is a key, or a whole string value.)"""
    return any(f'"{key}"' in head for key in keys)


def array_items(text: str, start: int, whole: bool = True) -> list[tuple[int, object]]:
    """(line, value) of each element of the JSON array that opens at text[start], the
    line being where the element starts; one pass, each element decoded on its own.
    Anything that is not valid JSON gives parse_json's one-line reason; whole: the array
    is the whole text (nothing may follow it)."""
    items, pos, line, counted = [], _SPACE.match(text, start + 1).end(), text.count("\n", 0, start) + 1, start
    try:
        if text.startswith("]", pos):
            return items
        while True:
            value, end = _DECODER.raw_decode(text, pos)
            line += text.count("\n", counted, pos)
            counted = pos
            items.append((line, value))
            pos = _SPACE.match(text, end).end()
            if text.startswith(",", pos):
                pos = _SPACE.match(text, pos + 1).end()
            elif text.startswith("]", pos):
                break
            else:
                raise ValueError
    except (ValueError, RecursionError):  # json.JSONDecodeError is a ValueError
        parse_json(text)  # raises with the whole reason
        raise ValueError("invalid JSON") from None
    if whole and text[pos + 1:].strip():
        parse_json(text)
        raise ValueError("invalid JSON: extra data after the array")
    return items


def json_records(text: str, wrapper) -> tuple[bool, list[tuple[int | None, object]]]:
    """(many, [(line, item)]) of a JSON text: a top-level array, or an object that
    wrapper(data) unwraps into its list of items (a results page), or a single object
    (many False, line None). wrapper returns (list, key) or None."""
    start = len(text) - len(text.lstrip())
    if text.startswith("[", start):
        return True, array_items(text, start)
    data = parse_json(text)
    unwrapped = wrapper(data) if isinstance(data, dict) else None
    if unwrapped is None:
        return False, [(None, data)]
    items, key = unwrapped
    # The lines of the items: decode the array again where the key opens it (pages are small).
    m = re.search(rf'"{re.escape(key)}"\s*:\s*\[', text)
    located = array_items(text, m.end() - 1, whole=False) if m else []
    if len(located) == len(items):
        return True, [(line, item) for (line, _), item in zip(located, items)]
    return True, [(None, item) for item in items]


def read_items(text: str, wrapper, parse_item):
    """Records of a JSON text: parse_item(dict) -> PaperRecord for each item; in a list, a
    bad item is a RecordError in its place; a single object that cannot be read, ValueError."""
    many, items = json_records(text, wrapper)
    if not many:
        data = items[0][1]
        if not isinstance(data, dict):
            raise ValueError(f"JSON is a {_kind(data)}, expected an object or a list of objects")
        return [parse_item(data)]
    out = []
    for position, (line, item) in enumerate(items, 1):
        try:
            if not isinstance(item, dict):
                raise ValueError(f"item is {_kind(item)}, expected an object")
            record = parse_item(item)
            record.line = line
            out.append(record)
        except (ValueError, TypeError, AttributeError, RecursionError) as e:
            # TypeError/AttributeError: a value of a shape the parser did not foresee
            out.append(RecordError(position, line, str(e) if isinstance(e, ValueError) else
                                   f"unexpected value in the record ({type(e).__name__})"))
    if not out:
        raise ValueError("no records: the JSON list is empty")
    return out


def _kind(value) -> str:
    return "null" if value is None else {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number")


def text_of(value) -> str | None:
    """A value expected to be text, white space folded: numbers become text, other
    types None; control characters (from JSON escapes) removed."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # "volume": 28.0
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, list) and value:  # Crossref and some CSL writers: ["The title"]
        return text_of(value[0])
    return clean_space(strip_controls(value)) if isinstance(value, str) else None


def plain(value) -> str | None:
    """Text that may carry HTML/JATS markup, as plain text on one line."""
    value = text_of(value)
    return clean_space(html_to_text(value)) if value else None


def paragraphs(value) -> str | None:
    """A long text (an abstract) with its paragraphs kept, markup removed."""
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, str):
        return None
    return html_to_text(strip_controls(value)) if ("<" in value or "&" in value) else clean_paragraphs(
        strip_controls(value))


def integer(value) -> int | None:
    """A count: a whole number from 0 up to what SQLite stores."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 19:
        value = int(value.strip())
    return value if isinstance(value, int) and 0 <= value < 2**63 else None


def boolean(value) -> bool | None:
    return value if isinstance(value, bool) else None


def _part(value) -> int | None:
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 4:
        return int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def date_parts(value) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of a CSL / Crossref date: {"date-parts": [[2014, 12, 5]]} (parts
    as numbers or strings; a range gives its start; [[null]] is no date), else its "raw"
    or "literal" text ("2014 Dec", "2017-05-12")."""
    if not isinstance(value, dict):
        return parse_date(text_of(value)) if isinstance(value, str) else (None, None, None)
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        numbers = [_part(p) for p in parts[0][:3]] + [None, None]
        year, month, day = numbers[:3]
        if year is not None and 1000 <= year <= 2999:
            month = month if month and 1 <= month <= 12 else None
            day = day if month and day and 1 <= day <= 31 else None
            return year, month, day
    for key in ("raw", "literal"):
        if isinstance(value.get(key), str):
            return parse_date(text_of(value[key]))
    return None, None, None


ISSN = re.compile(r"([0-9]{4})-?([0-9]{3}[0-9Xx])")


def issns(*values) -> list[str]:
    """ISSNs as "1234-5678" from strings ("2053-8871", "1531-8257, 0885-3185") or lists of them."""
    out = []
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            for m in ISSN.finditer(text_of(item) or ""):
                issn = f"{m.group(1)}-{m.group(2).upper()}"
                if issn not in out:
                    out.append(issn)
    return out


def pmid_of(value) -> str | None:
    """'28515951', 'https://pubmed.ncbi.nlm.nih.gov/28515951' or 28515951 -> '28515951'."""
    m = re.search(r"([0-9]{1,9})/?$", text_of(value) or "")
    return m.group(1) if m else None


def pmcid_of(value) -> str | None:
    """'PMC5429509', '5429509' or '.../pmc/articles/PMC5429509' -> 'PMC5429509'."""
    m = re.search(r"(?:^|/|PMC)([0-9]{1,9})/?$", text_of(value) or "", re.IGNORECASE)
    return "PMC" + m.group(1) if m else None


# ---------------------------------------------------------------------------------------------
# CSL-JSON itself.

# Keys only CSL items have (Crossref's hyphenated keys are told apart by crossref.CROSSREF_KEYS).
CSL_KEYS = ("date-parts", "container-title", "container-title-short", "journalAbbreviation", "citation-key",
            "title-short", "collection-title", "publisher-place", "number-of-pages", "event-place")
CSL_TYPES = ('"article-journal"', '"article-magazine"', '"article-newspaper"', '"paper-conference"', '"chapter"',
             '"manuscript"', '"report"', '"thesis"')


def looks_like(text: str) -> bool:
    head = json_head(text)
    if head is None:
        return False
    from . import aggregator_json, crossref, openalex, semantic_scholar  # the other JSON shapes
    if (crossref.is_crossref(head) or openalex.is_openalex(head) or semantic_scholar.is_semantic_scholar(head)
            or aggregator_json.is_aggregator(text, head)):
        return False
    return has_any(head, CSL_KEYS) or any(f'"type":{t}' in "".join(head[:4096].split()) for t in CSL_TYPES)


def read(text: str):
    return read_items(text, lambda data: None, parse_item)


NOTE_ID = re.compile(r"^\s*(PMID|PMCID)\s*:\s*(\S+)\s*$", re.MULTILINE | re.IGNORECASE)
KEYWORD_SEPARATOR = re.compile(r"\s*[,;]\s*")
CUT_MARKERS = {"et al", "et al.", "others", "and others"}


def parse_item(item: dict) -> PaperRecord:
    title = plain(item.get("title"))
    record = PaperRecord(format=NAME, title=title or "")
    record.doi = normalize_doi(text_of(item.get("DOI")))
    notes = dict((k.upper(), v) for k, v in NOTE_ID.findall(item["note"])) if isinstance(item.get("note"), str) else {}
    record.pmid = pmid_of(item.get("PMID") or notes.get("PMID"))
    record.pmcid = pmcid_of(item.get("PMCID") or notes.get("PMCID"))
    if not title and not (record.doi or record.pmid or record.pmcid):
        raise ValueError("item has no title and no identifier (DOI, PMID, PMCID)")
    if not title:
        raise ValueError(f"item {record.doi or record.pmid or record.pmcid} has no title")
    abstract = item.get("abstract")
    # Zotero and citeproc separate paragraphs (and the parts of structured abstracts) by one new line
    record.abstract = paragraphs(abstract.replace("\n", "\n\n") if isinstance(abstract, str) else None)
    record.journal_title = plain(item.get("container-title"))
    record.journal_abbreviation = plain(item.get("container-title-short") or item.get("journalAbbreviation"))
    year, month, day = date_parts(item.get("issued"))
    record.year, record.publication_date = year, iso_date(year, month, day)
    record.volume = text_of(item.get("volume"))
    record.issue = text_of(item.get("issue"))
    record.pages = expand_pages(text_of(item.get("page")) or text_of(item.get("number")))
    record.issns = issns(item.get("ISSN"))
    for name in item.get("author") or []:
        if not isinstance(name, dict):
            continue
        literal = text_of(name.get("literal"))
        if (literal or text_of(name.get("family")) or "").lower() in CUT_MARKERS:
            record.authors_complete = False
            continue
        if literal:
            a = author(name=literal, group=True)
        else:
            particle = text_of(name.get("non-dropping-particle"))
            family = text_of(name.get("family"))
            a = author(family=f"{particle} {family}" if particle and family else family,
                       given=" ".join(filter(None, [text_of(name.get("given")), text_of(name.get("dropping-particle"))])),
                       orcid_id=text_of(name.get("ORCID")))
        if a:
            record.authors.append(a)
    kind = text_of(item.get("type"))
    record.publication_types = [kind] if kind else []
    keywords = item.get("keyword")
    if isinstance(keywords, list):  # not CSL, but some writers give a list
        keywords = ", ".join(k for k in keywords if isinstance(k, str))
    record.keywords = [k for k in (clean_space(k) for k in KEYWORD_SEPARATOR.split(text_of(keywords) or "")) if k]
    language = text_of(item.get("language"))
    if language:
        record.claims.append(Claim("language", language, None))
    return record
