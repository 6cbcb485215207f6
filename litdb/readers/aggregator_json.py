"""Format 2: a record exported by a literature aggregator from Semantic Scholar data.

The file is one JSON object (or an array of them) followed by non-JSON lines:
``引用次数: 45`` ("citation count") and ``Abstract`` with the abstract as plain text.
Values may be null, carry HTML, stray spaces or the wrong JSON type.
"""

from __future__ import annotations

import json
import re

from ..normalize import (
    clean_space,
    expand_pages,
    html_to_text,
    iso_date,
    normalize_doi,
    strip_controls,
    to_json,
)
from ..records import Claim, PaperRecord, RecordError
from .common import (
    array_items, author_from_display, digits, has_any, integer, jats_abstract, json_error, json_head, json_kind,
    leading_items, open_access_link, pmcid_of, publication_types, text_of,
)

NAME = FORMAT = "aggregator_json"
TRUST = 3

# Fields that are the aggregator's own judgement, not facts about the paper:
# they go to provenance as labelled claims.
AGGREGATOR_CLAIMS = {
    "JCR": "JCR quartile of the journal, as the aggregator states it",
    "JCRName": "JCR subject category, as the aggregator states it",
    "PeriodicalIF": "journal impact factor, as the aggregator states it",
    "RegionNum": "aggregator's region ranking of the journal",
    "RegionCategory": "aggregator's region category of the journal",
    "FirstCategoryId": "aggregator's subject category id",
    "PeriodicalId": "aggregator's journal id",
    "PubModel": "publication model, as the aggregator states it",
    "platform": "platform the aggregator took the record from",
    "paperid": "aggregator's paper id",
    "Score": "aggregator's score",
    "Total": "aggregator's total",
    "resultStr": "aggregator's result string",
    "fieldsOfStudy": "fields of study, as the aggregator states them",
    "TitleCN": "title in Chinese, from the aggregator",
    "AbstractTextCN": "abstract in Chinese, from the aggregator",
    "ArticlePicture": "article pictures listed by the aggregator",
    "ListUrlMain": "main link listed by the aggregator",
    "url": "link listed by the aggregator",
    "DOIUrl": "DOI link listed by the aggregator",
    "EPubDate": "aggregator's e-publication date; month 1 day 1 at midnight stands for the year only",
    "PeriodicalName": "journal name, as the aggregator states it",
}
# Fields read into the record itself.
PAPER_FIELDS = {
    "title", "authors", "doi", "abstract", "journal", "publicationDate", "publicationTypes",
    "isOpenAccess", "openAccessPdf", "citationCount", "PMCID", "pmcid", "PMID", "pmid",
    "pubmedId", "year",
}
TRAILER_CITATIONS = re.compile(r"^\s*(?:引用次数|Citations?)\s*[:：]\s*([0-9]+)\s*$")
# Compiled once: the module-level re functions look each pattern up on every call.
SURNAME_FIRST = re.compile(r"^([^,]+),\s*([^,]+)$")
ONE_SURNAME_FIRST = re.compile(r"[^\W\d_][\w'\u2019-]*, [^,]+ [A-Z]\.?")
ONE_SURNAME_FIRST_PARTS = re.compile(r"^([^,]+), (.+)$")
AUTHOR_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*")
ISO_DATE = re.compile(r"((?:1[89]|20)\d\d)(?:-(\d\d)(?:-(\d\d))?)?(?:[T ].*)?")
SLASH_DATE = re.compile(r"((?:1[89]|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})")
YEAR = re.compile(r"(?:1[89]|20)[0-9][0-9]")
# No real record nests deeper than 3; json and the code below recurse per level.
MAX_DEPTH = 32


# Keys only the aggregator writes (its own fields, in its capitalisation).
OWN_KEYS = ("PeriodicalId", "PeriodicalName", "PeriodicalIF", "ListUrlMain", "platform", "EPubDate", "JCRName",
            "PubModel", "DOIUrl", "TitleCN", "AbstractTextCN", "FirstCategoryId", "RegionNum", "RegionCategory",
            "ArticlePicture", "resultStr")
# Semantic Scholar's names, which the aggregator keeps beside a lower-case "doi"
# (the Graph API itself has no "doi" at the top: its DOI is in externalIds).
S2_STYLE_KEYS = ("publicationDate", "citationCount", "isOpenAccess", "openAccessPdf", "publicationTypes")
# The lines after the JSON: "引用次数: 45" / "Citations: 5", then "Abstract". Outside a
# JSON string such a line is no JSON at all, so no other JSON format has one.
TRAILER_LINE = re.compile(r"\n[ \t]*(?:引用次数|Citations?)[ \t]*[:：]|\n[ \t]*Abstract[ \t]*(?:\n|$)")


def looks_like(text: str) -> bool:
    head = json_head(text)
    if head is None and leading_items(text) == "closed":
        # an array of no object at all ("[null]"), followed by the aggregator's trailer lines
        return bool(TRAILER_LINE.search(text))
    return head is not None and is_aggregator(text, head)


def is_aggregator(text: str, head: str) -> bool:
    """The aggregator's own keys, or its trailer lines, or Semantic Scholar's field names
    with a top-level "doi" and none of the Graph API's own ids (nor Europe PMC's keys:
    its results have a "doi" and an "isOpenAccess" too)."""
    from .europepmc import is_europepmc
    from .semantic_scholar import S2_KEYS
    if has_any(head, OWN_KEYS) or TRAILER_LINE.search(text):
        return True
    return ('"doi"' in head and has_any(head, S2_STYLE_KEYS) and not has_any(head, S2_KEYS)
            and not is_europepmc(head))


# A line opening another JSON record ends the trailer of the one before. Found by
# the "\n" before it (a JSON value never ends in one): a search for "^" with
# re.MULTILINE would try the pattern at every character of the trailer.
NEXT_RECORD = re.compile(r"\n[ \t]*(?:\{|\[[ \t]*\{)")


def read(text: str):
    return parse_aggregator_file(text)


def parse_aggregator_file(text: str) -> list[PaperRecord]:
    """All records of one file: JSON objects (or arrays of them), each followed by
    optional trailer lines, one after the other."""
    records, decoder = [], json.JSONDecoder()
    pos = len(text) - len(text.lstrip())
    while pos < len(text):
        try:
            data, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise ValueError(json_error(e)) from None
        except RecursionError:
            raise ValueError(f"invalid JSON: nested more than {MAX_DEPTH} levels deep") from None
        except ValueError:  # int() refuses a number of thousands of digits
            raise ValueError("invalid JSON: a number with thousands of digits") from None
        data = _clean(data)
        following = NEXT_RECORD.search(text, end)
        stop = following.start() + 1 if following else len(text)
        if isinstance(data, list) and data:
            # An export of many records: a bad item is a RecordError in its place, at the
            # line it starts on (the array decoded again item by item, for those lines).
            lines = [line for line, _ in array_items(text, pos, whole=False)]
            trailer = text[end:stop] if len(data) == 1 else ""  # told apart for a single record only
            for line, item in zip(lines, data):
                records.append(_item(item, trailer, len(records) + 1, line))
        else:
            records.append(_record(data, text[end:stop]))
        pos = stop
    return records


def _clean(value, depth: int = 0):
    """The decoded JSON with its strings (keys too) free of control characters and
    lone surrogates ("\\u0000", "\\ud800" escapes); too deep a nesting is an error."""
    if depth > MAX_DEPTH:
        raise ValueError(f"invalid JSON: nested more than {MAX_DEPTH} levels deep")
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {strip_controls(k): _clean(v, depth + 1) for k, v in value.items()}
    return value


def _record(data, trailer: str) -> PaperRecord:
    """The record of a JSON value that is not a list of records: an object, else ValueError."""
    if isinstance(data, dict):
        return parse_aggregator_record(data, trailer)
    raise ValueError(f"JSON is a {type(data).__name__}, expected an object or a list of objects")


def _item(item, trailer: str, position: int, line: int) -> PaperRecord | RecordError:
    """One item of an array of records: its record, or a RecordError saying why not."""
    if not isinstance(item, dict):
        return RecordError(position, line, f"item is {json_kind(item)}, expected an object")
    try:
        record = parse_aggregator_record(item, trailer)
    except ValueError as e:
        return RecordError(position, line, str(e))
    record.line = line
    return record


def parse_trailer(trailer: str) -> tuple[int | None, str | None]:
    """The lines after the JSON: citation count and a plain-text abstract."""
    count, abstract_lines, in_abstract = None, [], False
    for line in trailer.splitlines():
        m = TRAILER_CITATIONS.match(line)
        if m and not in_abstract:
            count = integer(m.group(1))
        elif line.strip() == "Abstract" and not in_abstract:
            in_abstract = True
        elif in_abstract:
            abstract_lines.append(line)
    return count, html_to_text("\n".join(abstract_lines))


def parse_aggregator_record(data: dict, trailer: str = "") -> PaperRecord:
    claims: list[Claim] = []

    def text(key: str) -> str | None:
        """A field expected to hold text; numbers are accepted, other types noted and ignored."""
        value = data.get(key)
        if value is None or isinstance(value, bool):
            if isinstance(value, bool):
                claims.append(Claim(key, json.dumps(value), "ignored: expected text"))
            return None
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, str):
            return value
        claims.append(Claim(key, json.dumps(value, ensure_ascii=False), "ignored: expected text"))
        return None

    title = html_to_text(text("title"))
    if not title:
        raise ValueError("record has no title")
    record = PaperRecord(format=FORMAT, title=clean_space(title))

    record.doi = normalize_doi(text("doi")) or normalize_doi(text("DOIUrl"))
    record.pmid = digits(text("pmid") or text("PMID") or text("pubmedId"))
    pmcid = clean_space(text("PMCID") or text("pmcid"))
    record.pmcid = pmcid_of(pmcid)
    if pmcid and not record.pmcid:
        claims.append(Claim("pmcid", pmcid, "ignored: not a PMCID"))

    record.authors, record.authors_complete = _authors(data.get("authors"), claims)

    count, trailer_abstract = parse_trailer(trailer)
    record.abstract = jats_abstract(text("abstract")) or trailer_abstract
    if trailer_abstract and trailer_abstract != record.abstract:
        claims.append(Claim("abstract", trailer_abstract, "plain-text abstract after the JSON differs"))

    journal = data.get("journal")
    if isinstance(journal, dict):
        record.journal_title = clean_space(text_of(journal.get("name")))
        record.volume = clean_space(text_of(journal.get("volume")))
        record.issue = clean_space(text_of(journal.get("issue")))
        record.pages = expand_pages(text_of(journal.get("pages")))
    elif journal is not None:
        claims.append(Claim("journal", json.dumps(journal, ensure_ascii=False), "ignored: expected an object"))
    record.journal_title = record.journal_title or clean_space(text("PeriodicalName"))

    _dates(record, text("publicationDate"), text("EPubDate"), text("year"), claims)
    record.publication_types = publication_types(data.get("publicationTypes"))

    record.citation_count = integer(data.get("citationCount"))
    if record.citation_count is None:
        record.citation_count = count
    elif count is not None and count != record.citation_count:
        claims.append(Claim("citation_count", str(count), "count in the line after the JSON differs"))

    record.is_open_access = _boolean(data.get("isOpenAccess"))
    pdf = data.get("openAccessPdf")
    if isinstance(pdf, dict):
        pdf = pdf.get("url")
    record.claims = claims
    open_access_link(record, pdf if isinstance(pdf, str) else None, "openAccessPdf")

    for key, value in data.items():
        if key in PAPER_FIELDS or value in (None, "", [], {}):
            continue
        note = AGGREGATOR_CLAIMS.get(key, "field of the aggregator's record not used by the dataset")
        shown = value if isinstance(value, str) else to_json(value)
        claims.append(Claim(f"aggregator:{key}", shown, note))
    return record


def _authors(value, claims: list[Claim]) -> tuple[list[str], bool]:
    """Names, given name first, and whether the list is complete, from
    'Matteo Bologna, Alfredo Berardelli', 'Grant, Oliver; Shaw, Emily',
    'Mika Sato and Kenji Ito' or a list of names (or of {"name": …})."""
    complete = True
    if isinstance(value, str):
        value = clean_space(value) or ""  # the split below backtracks on long runs of spaces
        if ";" in value:
            names = [SURNAME_FIRST.sub(r"\2 \1", n.strip()) for n in value.split(";")]
        elif ONE_SURNAME_FIRST.fullmatch(value):
            names = [ONE_SURNAME_FIRST_PARTS.sub(r"\2 \1", value)]  # one author, "Weber, Amélie A"
        else:
            names = AUTHOR_SEPARATOR.split(value)
    elif isinstance(value, list):
        names = [n.get("name") if isinstance(n, dict) else n for n in value]
        if not all(isinstance(n, str) for n in names):
            complete = False
            claims.append(Claim("authors", json.dumps(value, ensure_ascii=False),
                                "entries that are not names were left out; the list may be incomplete"))
        names = [n for n in names if isinstance(n, str)]
    else:
        if value is not None:
            claims.append(Claim("authors", json.dumps(value, ensure_ascii=False), "ignored: expected text"))
        return [], False
    names = [name for name in (clean_space(html_to_text(n)) for n in names) if name]  # each cleaned once
    return [author_from_display(name) for name in names], complete and bool(names)


def _dates(record: PaperRecord, published: str | None, epub: str | None, year: str | None, claims):
    published = clean_space(published)
    m = ISO_DATE.fullmatch(published or "")
    if m:
        record.year = int(m.group(1))
        month = int(m.group(2)) if m.group(2) and 1 <= int(m.group(2)) <= 12 else None
        day = int(m.group(3)) if month and m.group(3) and 1 <= int(m.group(3)) <= 31 else None
        record.publication_date = iso_date(record.year, month, day)
    elif published:
        claims.append(Claim("publication_date", published, "ignored: not an ISO date"))
    # EPubDate "2017/1/1 0:00:00" stands for "some time in 2017": only its year is
    # used. Any other day is a real date of electronic publication.
    m = SLASH_DATE.match(clean_space(epub) or "")
    if m:
        year, month, day = (int(g) for g in m.groups())
        placeholder = (month, day) == (1, 1)
        if not placeholder and 1 <= month <= 12 and 1 <= day <= 31:
            record.epub_date = iso_date(year, month, day)
        if record.year is None:
            record.year = year
            record.publication_date = iso_date(year) if placeholder else record.epub_date or iso_date(year)
    if record.year is None and year and YEAR.fullmatch(year.strip()):
        record.year = int(year.strip())
        record.publication_date = iso_date(record.year)


def _boolean(value) -> bool | None:
    if isinstance(value, bool):
        return value
    if value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None
