"""What several readers need: authors from their parts, ORCIDs, dates as bibliographic
sources print them, JSON and XML parsed safely with one-line errors."""

from __future__ import annotations

import csv
import html.entities
import io
import json
import re
import unicodedata

from lxml import etree

from ..normalize import (MONTHS, clean_paragraphs, clean_space, expand_pages, html_to_text, is_shadow_library_url,
                         strip_controls)
from ..records import Author, Claim, Grant, RecordError

# Hyphens optional: PubMed and MEDLINE sometimes write an ORCID as 16 characters without them.
ORCID = re.compile(r"(?<![0-9])([0-9]{4})-?([0-9]{4})-?([0-9]{4})-?([0-9]{3}[0-9X])(?![0-9])", re.IGNORECASE)


def orcid(value: str | None) -> str | None:
    """'https://orcid.org/0000-0002-1825-0097' or '000000021825009X' -> '0000-0002-1825-0097'
    (hyphenated, X upper case); None if there is none."""
    m = ORCID.search(value or "")
    return "-".join(m.groups()).upper() if m else None


def author(family: str | None = None, given: str | None = None, name: str | None = None,
           orcid_id: str | None = None, affiliations=(), group: bool = False) -> Author | None:
    """An Author from the parts a source gives; the display name is "given family" unless
    a name is given. None when there is no name at all."""
    family, given, name = clean_space(family), clean_space(given), clean_space(name)
    if group or (name and not family and not given):
        return Author(name=name or family or given, group=group) if (name or family or given) else None
    if not family and not given:
        return None
    if not family:  # a single name given as "given" (mononym): it is the family name
        family, given = given, None
    display = name or (f"{given} {family}" if given else family)
    texts = [t for t in (clean_space(a) for a in affiliations) if t]
    return Author(name=display, family=family, given=given, orcid=orcid(orcid_id), affiliations=texts)


def author_from_inverted(text: str, **extra) -> Author | None:
    """'Malone, Ailish' or 'Malone, A.' (family first, as MEDLINE FAU, RIS and BibTeX
    print it) -> Author('Ailish Malone', 'Malone', 'Ailish')."""
    family, _, given = (text or "").partition(",")
    if not _:
        return author(name=text, **extra)
    return author(family=family, given=given, **extra)


SEASONS = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}  # NLM's own mapping
DATE_START = re.compile(
    r"^\s*(?P<year>(?:1[5-9]|20)\d\d)(?:[\s/-]+(?P<month>[A-Za-z]+|\d{1,2})\.?(?:[\s/-]+(?P<day>\d{1,2})\b)?)?"
)


def parse_date(text: str | None) -> tuple[int | None, int | None, int | None]:
    """The start of a date as bibliographic records print it: '2014 Dec', '2006 Sep 6',
    '2019 Mar-Apr', '1998 Dec-1999 Jan' (-> 1998, 12), '2019 Spring' (-> 2019 only: a
    season is no month), '2017/05/12', '2017-05'. (None, None, None) when no year."""
    m = DATE_START.match(text or "")
    if not m:
        return None, None, None
    year, month_text, day = int(m.group("year")), m.group("month"), m.group("day")
    month = None
    if month_text:
        if digits(month_text):
            month = int(month_text) if 1 <= int(month_text) <= 12 else None
        else:
            month = MONTHS.get(month_text[:3].lower()) if month_text.lower() not in SEASONS else None
    day_number = int(day) if day and month and 1 <= int(day) <= 31 else None
    return year, month, day_number


# "13(6):666-8" after a citation's date: volume, issue, pages. An issue may hold one level of
# parentheses itself ("41(2 ( Pt 1)):234-7", a part of an issue as MEDLINE prints it).
# A paper's relations to others, as PubMed names them in words ("Erratum in:",
# "Retraction of", Europe PMC's commentCorrection types), case aside, and the claim each
# is (the fields the PubMed XML and page readers give them)
RELATION_FIELDS = {"comment in": "comment_in", "comment on": "comment_on", "erratum in": "erratum_in",
                   "erratum for": "erratum_for", "retraction in": "retraction_in", "retraction of": "retraction_of",
                   "update in": "update_in", "update of": "update_of",
                   "expression of concern in": "expression_of_concern_in", "republished in": "republished_in",
                   "republished from": "republished_from", "corrected and republished in": "republished_in",
                   "corrected and republished from": "republished_from", "preprint in": "preprint_in"}


def year_completed(year_field: tuple, date_field: tuple) -> tuple:
    """(year, month, day) of a record that gives its year in one field and a date in
    another (RIS PY and DA, EndNote XML year and pub-dates): the year field's, its month
    and day from the date when the date is of the same year; the date's when there is no
    year."""
    year, month, day = year_field
    if year is None:
        return date_field
    if date_field[0] == year and date_field[1] and not month:
        return year, date_field[1], date_field[2]
    return year, month, day


def read_pieces(pieces: list[tuple[int, str]], parse):
    """parse() of each (first line, text) piece of a file, in order: the record with its
    line, or a RecordError in its place for a piece that cannot be read (ValueError)."""
    for position, (line, piece) in enumerate(pieces, 1):
        try:
            record = parse(piece)
        except ValueError as e:
            yield RecordError(position=position, line=line, reason=str(e))
            continue
        record.line = line
        yield record


def unpadded(year: int | None, month: int | None, day: int | None) -> tuple[int | None, int | None, int | None]:
    """A date as OpenAlex and Semantic Scholar write it, its padding taken off: they write
    every date whole, an unknown month or day as 01 (Crossref's [[2017, 4]] becomes
    "2017-04-01", [[2020]] "2020-01-01"), so a first day stands for an unknown day and a
    first of January for an unknown month. A real first of the month is lost here, but
    the sources that print it (MEDLINE's "2020 Jan 1") give it back in the merge, which
    keeps the most precise date that agrees."""
    if day == 1:
        day = None
        if month == 1:
            month = None
    return year, month, day


VIP = re.compile(r"^(?P<volume>[^(:]*)(?:\((?P<issue>[^()]*(?:\([^()]*\)[^()]*)*)\))?(?::\s*(?P<pages>.+))?$")


def json_error(e: Exception) -> str:
    """Why a JSON text could not be decoded, whole and on one line: json says
    "Unterminated string starting at" and puts the place in lineno/colno; json.loads
    raises RecursionError when nesting is too deep, ValueError (from int()) on a number
    of thousands of digits."""
    if isinstance(e, json.JSONDecodeError):
        return (f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
                f"{' line %d, column %d' % (e.lineno, e.colno) if e.msg.endswith(' at') else ''}")
    if isinstance(e, RecursionError):
        return "invalid JSON: nested too deeply"
    return "invalid JSON: a number with thousands of digits"


def parse_json(text: str):
    """The decoded JSON, or ValueError with the whole reason on one line."""
    try:
        return json.loads(text)
    except (RecursionError, ValueError) as e:  # JSONDecodeError is a ValueError
        raise ValueError(json_error(e)) from None


def json_start(text: str) -> str:
    """The first characters of a JSON text, white space removed (for looks_like)."""
    return "".join(text[:4096].split())[:400]


_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                              remove_comments=True, remove_pis=True)


ENTITIES_REFUSED = "XML with an internal DTD or entity declarations is refused (entities are never expanded)"


def parse_xml(text: str) -> etree._Element:
    """The root element of an XML text. Entities are never expanded and nothing is
    fetched: a DOCTYPE that declares entities (billion laughs, an entity pointing at a
    local file) is refused outright; the usual DOCTYPE naming a public DTD is fine."""
    head = text[:65536]
    if "<!ENTITY" in head or ("<!DOCTYPE" in head and "[" in head.split("<!DOCTYPE", 1)[1].split(">", 1)[0]):
        raise ValueError(ENTITIES_REFUSED)
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=_XML_PARSER)
    except etree.XMLSyntaxError as e:
        # lxml's message already ends with ", line N, column M": said once, at the front
        # one line: lxml may quote text after it
        reason = re.sub(r", line \d+, column \d+$", "", (e.msg or "").split("\n")[0])
        raise ValueError(f"invalid XML at line {e.position[0]}, column {e.position[1]}: {reason}") from None
    if root is None:
        raise ValueError("invalid XML: no root element")
    # A DOCTYPE past the first 64 KB (behind a long comment) is found in the parsed tree.
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ValueError(ENTITIES_REFUSED)
    return root


def local_name(element) -> str:
    """A tag without its namespace: '{http://www.w3.org/1998/Math/MathML}math' -> 'math'."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


FIRST_TAG = re.compile(r"<([A-Za-z_][\w.-]*)")


def first_element(text: str) -> re.Match | None:
    """The first element's opening of an XML text (group 1 its name), past the XML
    declaration, doctype and comments in its first 8 KB, when only a prolog stands before
    it; else None. How the XML readers tell their formats by the root."""
    head = text[:8192]
    at = 0
    while (m := FIRST_TAG.search(head, at)) is not None:
        before = head[:m.start()]
        if before.count("<!--") > before.count("-->"):  # inside a comment: look on
            at = m.end()
            continue
        return m if only_prolog(before) else None
    return None


def only_prolog(text: str) -> bool:
    """Nothing but an XML declaration, a doctype, comments, processing instructions
    and white space comes before the root element."""
    # a doctype with an internal subset ("<!DOCTYPE article [ <!ENTITY ...> ]>") is prolog
    # too: the reader then refuses the file for its entities, with that reason
    rest = re.sub(r"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>", "", text, flags=re.S)
    return not rest.strip()


def element_text(element, skip=(), parts_of=()) -> str | None:
    """The text of an element, inline markup dropped, white space folded; entity
    references the DTD would declare (&nbsp;, &mdash;) become their characters, an
    <etal/> the words it stands for, and the descendants named in ``skip`` (a <label>,
    an <xref>) are left out. Children named in ``parts_of`` that the file prints with
    nothing between them ("<institution>A</institution><country>B</country>") are
    kept apart by a comma."""
    if element is None:
        return None
    parts: list[str] = []
    _collect(element, parts, skip, parts_of)
    return clean_space("".join(parts))


# MathML's annotations repeat a formula in another notation (TeX, content MathML).
NOT_TEXT = {"annotation", "annotation-xml"}


def _collect(element, parts: list[str], skip, parts_of) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        name = local_name(child)
        if isinstance(child, etree._Entity):
            # "&nbsp;" -> U+00A0; an entity no list names stays as it was written
            parts.append(html.entities.html5.get(child.name + ";", child.text))
        elif child.tag == "etal" and not len(child) and not child.text:
            parts.append(" et al")
        elif name == "alternatives":
            # one formula in several forms (TeX source, MathML, a picture): said once,
            # as MathML when there is one
            forms = [c for c in child if isinstance(c.tag, str)]
            chosen = next((c for c in forms if local_name(c) == "math"), None)
            if chosen is None:
                chosen = next((c for c in forms if local_name(c) not in ("tex-math", "inline-graphic", "graphic")),
                              None)
            if chosen is not None:
                _collect(chosen, parts, skip, parts_of)
            elif (tex := next((c for c in forms if local_name(c) == "tex-math"), None)) is not None:
                parts.append(tex_text(tex.text))
        elif name == "tex-math":
            parts.append(tex_text(child.text))
        elif name in NOT_TEXT:
            pass
        elif isinstance(child.tag, str) and child.tag not in skip:
            if child.tag in parts_of and parts and parts[-1][-1:].isalnum():
                parts.append(", ")
            _collect(child, parts, skip, parts_of)
        if child.tail:
            parts.append(child.tail)


TEX_DOCUMENT = re.compile(r"\\begin\{document\}(.*?)\\end\{document\}", re.S)
TEX_COMMAND = re.compile(r"\\([A-Za-z]+) ?")
TEX_STYLES = {"mathrm", "text", "mathit", "mathbf", "textrm", "rm", "it", "bf", "left", "right"}


def tex_text(tex: str | None) -> str:
    """A TeX formula as plain text, as near as can be without typesetting it: PMC wraps
    each in a LaTeX document ("\\documentclass...\\begin{document}$$\\theta$$\\end{document}");
    Greek letters become letters ("\\theta" -> "θ"), style commands, braces, "$", "^" and
    "_" go ("\\mathrm{Ca}^{2+}" -> "Ca2+")."""
    if not tex:
        return ""
    m = TEX_DOCUMENT.search(tex)
    body = m.group(1) if m else tex

    def command(m):
        word = m.group(1)
        if word in TEX_STYLES:
            return ""
        try:
            return unicodedata.lookup(f"GREEK {'CAPITAL' if word[0].isupper() else 'SMALL'} LETTER {word.upper()}")
        except KeyError:
            return m.group(0)
    body = TEX_COMMAND.sub(command, body)
    return clean_space(re.sub(r"[${}^_]", "", body)) or ""


# Name particles that belong to the family name: "Ludwig van Beethoven" -> "van Beethoven".
PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "ter", "ten", "dos", "das"}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
GROUP_WORDS = re.compile(r"\b(group|consortium|coalition|society|committee|network|investigators|collaborat\w*|"
                         r"study|team|association|council|foundation|working|task force|initiative)\b", re.I)


def author_from_display(text: str, **extra) -> Author | None:
    """'Ailish Malone' (given names first, as pages print them) -> family 'Malone', given
    'Ailish'; 'Ludwig van Beethoven' -> family 'van Beethoven'; 'Dystonia Coalition' and
    other collective names -> a group author; one word -> a family name."""
    name = clean_space(text)
    if not name:
        return None
    if GROUP_WORDS.search(name):
        return author(name=name, group=True)
    words = name.split()
    if len(words) > 2 and words[-1].lower() in SUFFIXES:
        words.pop()
    if len(words) == 1:
        return author(family=words[0], name=name, **extra)
    k = len(words) - 1
    while k > 1 and words[k - 1].lower() in PARTICLES:
        k -= 1
    return author(family=" ".join(words[k:]), given=" ".join(words[:k]), name=name, **extra)


# ---------------------------------------------------------------------------------------------
# JSON: what the JSON readers (csl_json, crossref, openalex, semantic_scholar) share.

HEAD = 65536  # how far looks_like looks for keys: the first record's keys, whatever their order
_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")


def json_head(text: str) -> str | None:
    """The first characters of a text that opens a JSON object or an array of objects
    ('{"' or '[{'), else None: '[Wilson disease]' and other bracketed text is no JSON.
    An array of records whose first items are not objects (a batch answer's nulls for ids
    not found, an item damaged into a number or a string) is one too when an object
    follows a few such items. Every JSON reader's looks_like uses this one gate, so that
    they stay exclusive (their keys tell them apart)."""
    start = json_start(text)
    if start.startswith('{"') or start.startswith("[{") or start.startswith("[]"):
        return text[:HEAD]
    if leading_items(text) == "object":
        return text[:HEAD]
    return None


LEADING_ITEMS = 20  # how many items that are not objects may open an array of records
OBJECT_START = re.compile(r'\{[ \t\n\r]*"')


def leading_items(text: str) -> str | None:
    """How a JSON array opens when its first items are not objects: "object" when an object
    follows a few such items, "closed" when the array ends after them ("[null]"), None
    when the text is no such array (text in brackets, "[Wilson disease]", is no JSON)."""
    pos = len(text) - len(text.lstrip())
    if not text.startswith("[", pos):
        return None
    pos = _SPACE.match(text, pos + 1).end()
    for _ in range(LEADING_ITEMS):
        try:  # each item decoded as a whole
            _, end = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError):
            return None
        pos = _SPACE.match(text, end).end()
        if text.startswith("]", pos):
            return "closed"
        if not text.startswith(",", pos) or pos > HEAD:
            return None
        pos = _SPACE.match(text, pos + 1).end()
        if OBJECT_START.match(text, pos):
            return "object"
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
            raise ValueError(f"JSON is a {json_kind(data)}, expected an object or a list of objects")
        return [parse_item(data)]
    out = [_item_record(position, line, item, parse_item, lambda item: f"item is {json_kind(item)}, expected an object")
           for position, (line, item) in enumerate(items, 1)]
    if not out:
        raise ValueError("no records: the JSON list is empty")
    return out


def json_kind(value) -> str:
    return "null" if value is None else {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number")


def as_list(value) -> list:
    """A value expected to be a JSON list: itself, else [] (a number, a string or an object
    where a list belongs is ignored, never iterated)."""
    return value if isinstance(value, list) else []


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


SECTION_TITLE = re.compile(r"[A-Z][\w ,/&-]{0,40}")


def jats_abstract(value: str | None) -> str | None:
    """Plain text; JATS section titles ("<jats:title>Methods</jats:title>") become
    labels of their paragraph ("Methods: …"), a leading "Abstract" title goes."""
    paragraphs = (html_to_text(value) or "").split("\n\n")
    if paragraphs and paragraphs[0].strip().lower() == "abstract":
        paragraphs = paragraphs[1:]
    out = []
    for paragraph in paragraphs:
        if out and SECTION_TITLE.fullmatch(out[-1]) and not out[-1].endswith(":"):
            out[-1] = f"{out[-1]}: {paragraph}"
        else:
            out.append(paragraph)
    return "\n\n".join(p for p in out if p) or None


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


ASCII_DIGITS = re.compile(r"[0-9]+")


def digits(value: str | None) -> str | None:
    """The value if it is a number written in ASCII digits ("²" and "١٢" pass str.isdigit()
    and are no number here), white space around it removed; else None."""
    value = clean_space(value) if isinstance(value, str) else None
    return value if value and ASCII_DIGITS.fullmatch(value) else None


def integer(value) -> int | None:
    """A count: a whole number from 0 up to what SQLite stores."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and (number := digits(value)) and len(number) < 19:
        value = int(number)
    return value if isinstance(value, int) and 0 <= value < 2**63 else None


S2_TYPES = {
    "JournalArticle": "Journal Article",
    "CaseReport": "Case Reports",
    "ClinicalTrial": "Clinical Trial",
    "MetaAnalysis": "Meta-Analysis",
    "LettersAndComments": "Letter",
}
TYPE_SEPARATOR = re.compile(r"\s*[,;]\s*")
CAMEL_CASE_JOINT = re.compile(r"(?<=[a-z])(?=[A-Z])")


def publication_types(value) -> list[str]:
    """Publication types from a list or a "Review; JournalArticle" text, Semantic Scholar's
    camel-case names spelled out ("CaseReport" -> "Case Reports")."""
    if isinstance(value, str):
        items = TYPE_SEPARATOR.split(value)
    elif isinstance(value, list):
        items = [v for v in value if isinstance(v, str)]
    else:
        return []
    types = []
    for item in items:
        item = clean_space(strip_controls(item))  # (Semantic Scholar's values come here uncleaned)
        if not item:
            continue
        item = S2_TYPES.get(item, CAMEL_CASE_JOINT.sub(" ", item))
        if item not in types:
            types.append(item)
    return types


HTTP_LINK = re.compile(r"https?://", re.IGNORECASE)


def open_access_link(record, url, source: str) -> None:
    """Sets record.open_access_url from a source's link (source: the field it came from,
    for the claim's note) when it is an http(s) link to no shadow library; else says why
    in a claim. "javascript:…" or a bare word would become a link on the site."""
    url = text_of(url)
    if not url:
        return
    if not HTTP_LINK.match(url):
        record.claims.append(Claim("open_access_url", url, "ignored: not an http(s) link"))
    elif is_shadow_library_url(url):
        why = f"suppressed: {source} pointed to a shadow library (unauthorised copy), never published"
        if record.is_open_access is False:
            why += "; the record itself says the paper is not open access"
        record.claims.append(Claim("open_access_url", None, why))
    else:
        record.open_access_url = url


def boolean(value) -> bool | None:
    return value if isinstance(value, bool) else None


def _part(value) -> int | None:
    if isinstance(value, str) and (number := digits(value)) and len(number) <= 4:
        return int(number)
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


# An acronym part of an NLM grant line: "NS" (an NIH institute), "MRC_" (a UK council), "ImNIH".
GRANT_ACRONYM = re.compile(r"[A-Z]{2}|[A-Za-z]{2,6}_|ImNIH")


def nlm_grant(value: str) -> Grant:
    """NLM's GR: number/acronym/agency/country, the parts that are known ("R01
    NS088528/NS/NINDS NIH HHS/United States", "GR072308/Wellcome Trust/United Kingdom",
    "Howard Hughes Medical Institute/United States", "24K23757/KAKENHI/"). Grant numbers
    may hold slashes themselves ("BB/K001817/1/BB_/Biotechnology and ...").
    A single part is an agency."""
    text = clean_space(value) or value
    parts = [p.strip() for p in text.split("/")]
    g = Grant(text=text)
    if len(parts) == 1:
        g.agency = parts[0] or None
        return g
    g.country, g.agency, head = parts[-1] or None, parts[-2] or None, parts[:-2]
    if len(head) >= 2 and GRANT_ACRONYM.fullmatch(head[-1]):
        g.acronym, head = head[-1], head[:-1]
    g.grant_id = "/".join(head) or None
    return g


def ndjson_items(text: str) -> list[tuple[int, object]] | None:
    """(line, value or the reason it is no JSON) of each line of a text of one JSON object a
    line (NDJSON, JSON Lines: the OpenAlex snapshot, Semantic Scholar's datasets), or None
    when the text is not one: its first line is not a whole object, or nothing follows it
    (a pretty-printed object opens with a line "{" alone)."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or not lines[start].lstrip().startswith("{"):
        return None
    try:
        if not isinstance(json.loads(lines[start]), dict):
            return None
    except (ValueError, RecursionError):
        return None
    if not any(line.strip() for line in lines[start + 1:]):
        return None
    items = []
    for number, line in enumerate(lines[start:], start + 1):
        if not line.strip():
            continue
        try:
            items.append((number, json.loads(line)))
        except json.JSONDecodeError as e:
            items.append((number, ValueError(f"invalid JSON at column {e.colno}: {e.msg}")))
        except (ValueError, RecursionError):
            items.append((number, ValueError("invalid JSON: nested too deeply or a number too long")))
    return items


def read_lines(items, parse_item):
    """Records of the lines of an NDJSON text: a bad line is a RecordError in its place."""
    return [_item_record(position, line, item, parse_item, lambda item: "line is no JSON object")
            for position, (line, item) in enumerate(items, 1)]


def _item_record(position: int, line: int | None, item, parse_item, not_object):
    """parse_item(item) with its line, or a RecordError in its place: item is no object
    (not_object(item) says so), is the ValueError of a line that is no JSON, or holds a
    value the parser cannot read."""
    try:
        if isinstance(item, ValueError):
            raise item
        if not isinstance(item, dict):
            raise ValueError(not_object(item))
        record = parse_item(item)
        record.line = line
        return record
    except (ValueError, TypeError, AttributeError, RecursionError) as e:
        # TypeError/AttributeError: a value of a shape the parser did not foresee
        return RecordError(position, line, str(e) if isinstance(e, ValueError) else
                           f"unexpected value in the record ({type(e).__name__})")


# The type names of Crossref, OpenAlex, CSL and JATS ("journal-article", "article-journal",
# "book-chapter") in PubMed's wording, as the RIS and BibTeX readers name them, so that
# one kind of paper is one facet value whichever source named it. Others stay as given.
TYPE_WORDS = {
    "journal-article": "Journal Article", "article-journal": "Journal Article", "article": "Journal Article",
    "book-chapter": "Book Chapter", "chapter": "Book Chapter", "proceedings-article": "Conference Paper",
    "paper-conference": "Conference Paper", "posted-content": "Preprint", "preprint": "Preprint",
    "review": "Review", "editorial": "Editorial", "letter": "Letter", "erratum": "Published Erratum",
    "retraction": "Retraction of Publication", "book": "Book", "monograph": "Book", "edited-book": "Book",
    "dissertation": "Thesis", "thesis": "Thesis", "report": "Report", "dataset": "Dataset",
    # JATS article-type
    "research-article": "Journal Article", "review-article": "Review", "case-report": "Case Reports",
    "correction": "Published Erratum", "brief-report": "Journal Article",
}


def publication_type(kind: str | None) -> list[str]:
    """A source's type as a list of publication types, in PubMed's wording where known."""
    return [TYPE_WORDS.get(kind.lower(), kind)] if kind else []


# Identifiers as the PubMed and PMC pages label them: "PMID: 23649720", "PMCID: PMC3770208".
PAGE_PMID = re.compile(r"PMID:\s*(\d+)")
PAGE_PMCID = re.compile(r"PMCID:\s*(PMC\d+)")


def read_csv_export(text: str, kind: str, required: list[str], row_cuts, record_of):
    """The records of a CSV export of `kind` ("PubMed CSV", "Scopus CSV"): a header row,
    then a record a row, each a PaperRecord (record_of(row as a dict, its line)) or, when
    it cannot be read, a RecordError (its position among the rows, its line) in its
    place. row_cuts(body, header): where the rows may be cut apart before the csv module
    reads them, so that a quote left open in one row runs to the end of that row only."""
    text = text.lstrip("\ufeff")
    first_line, _, body = text.partition("\n")
    try:
        header = [clean_space(name) or "" for name in next(csv.reader([first_line], strict=True))]
    except (StopIteration, csv.Error):
        header = []
    if not any(header):
        raise ValueError(f"not a {kind} export: no header row")
    missing = [name for name in required if name not in header]
    if missing:
        raise ValueError(f"not a {kind} export: no {', '.join(missing)} column in the header")
    position, line, at = 0, 2, 0
    for cut in row_cuts(body, header) + [len(body)]:
        chunk = body[at:cut]
        for row_line, row in _csv_rows(chunk, line):
            if isinstance(row, str):  # the csv module's reason
                position += 1
                yield RecordError(position, row_line, f"invalid CSV: {row}")
                continue
            if not row or _is_header(row, header):  # a blank line; two exports concatenated: the second header
                continue
            position += 1
            if len(row) != len(header):
                yield RecordError(position, row_line, f"a row of {len(row)} fields under a header of {len(header)}")
                continue
            try:
                yield record_of(dict(zip(header, row)), row_line)
            except ValueError as e:
                yield RecordError(position, row_line, str(e))
        line += chunk.count("\n")
        at = cut
    if position == 0:  # a header alone is no export of anything, as an empty JSON list
        raise ValueError("no records: the CSV export has a header and no row")


def _csv_rows(chunk: str, first_line: int):
    """(line, row or the csv module's error) of each row of a piece of the file."""
    reader = csv.reader(io.StringIO(chunk), strict=True)
    while True:
        line = first_line + reader.line_num
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield line, str(e)
            continue
        yield line, row


def _is_header(row: list[str], header: list[str]) -> bool:
    """The header row again, its byte order mark (then outside the quotes) included."""
    return row[0][:1] in ("\ufeff", '"', header[0][:1]) and \
        [(clean_space(c) or "").lstrip("\ufeff").strip('"') for c in row] == header


def keywords_once(values: list[str | None]) -> list[str]:
    """Keywords from values of "a; b; c" (several fields, or a field's lines joined), each
    kept once, case aside, in order."""
    seen, words = set(), []
    for word in ";".join(v for v in values if v).split(";"):
        word = clean_space(word)
        if word and word.lower() not in seen:
            seen.add(word.lower())
            words.append(word)
    return words


def valid_issn(issn: str) -> bool:
    """An ISSN ("1473-4222") whose check digit is right: a number of eight digits that
    is not one (a misprint, an article id) is not taken for one."""
    digits = issn.replace("-", "")
    total = sum(int(d) * w for d, w in zip(digits[:7], range(8, 1, -1)))
    check = (11 - total % 11) % 11
    return digits[7] == ("X" if check == 10 else str(check))


def page_range(first: str | None, last: str | None, article_number: str | None = None) -> str | None:
    """Pages from a first and a last page ("666", "668" -> "666-668"; a first page that
    holds the range, EndNote's "666-8"; one page twice, Mendeley's), else the article
    number (Scopus and Web of Science: "e12292")."""
    if first and last and last != first and not re.search(r"[-\u2013]", first):
        return expand_pages(f"{first}-{last}")
    if first or last:
        return expand_pages(first or last)
    return clean_space(article_number)
