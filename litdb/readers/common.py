"""What several readers need: authors from their parts, ORCIDs, dates as bibliographic
sources print them, JSON and XML parsed safely with one-line errors."""

from __future__ import annotations

import json
import re

from lxml import etree

from ..normalize import MONTHS, clean_space
from ..records import Author

ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", re.IGNORECASE)


def orcid(value: str | None) -> str | None:
    """'https://orcid.org/0000-0002-1825-0097' -> '0000-0002-1825-0097'; None if there is none."""
    m = ORCID.search(value or "")
    return m.group(1).upper() if m else None


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
        if month_text.isdigit():
            month = int(month_text) if 1 <= int(month_text) <= 12 else None
        else:
            month = MONTHS.get(month_text[:3].lower()) if month_text.lower() not in SEASONS else None
    day_number = int(day) if day and month and 1 <= int(day) <= 31 else None
    return year, month, day_number


def parse_json(text: str):
    """The decoded JSON, or ValueError with the whole reason on one line."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        # json says "Unterminated string starting at" and puts the place in lineno/colno
        raise ValueError(f"invalid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
                         f"{' line %d, column %d' % (e.lineno, e.colno) if e.msg.endswith(' at') else ''}") from None
    except RecursionError:
        raise ValueError("invalid JSON: nested too deeply") from None
    except ValueError:  # int() refuses a number of thousands of digits
        raise ValueError("invalid JSON: a number with thousands of digits") from None


def json_start(text: str) -> str:
    """The first characters of a JSON text, white space removed (for looks_like)."""
    return "".join(text[:4096].split())[:400]


_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                              remove_comments=True, remove_pis=True)


def parse_xml(text: str) -> etree._Element:
    """The root element of an XML text. Entities are never expanded and nothing is
    fetched: a DOCTYPE that declares entities (billion laughs, an entity pointing at a
    local file) is refused outright; the usual DOCTYPE naming a public DTD is fine."""
    head = text[:65536]
    if "<!ENTITY" in head or ("<!DOCTYPE" in head and "[" in head.split("<!DOCTYPE", 1)[1].split(">", 1)[0]):
        raise ValueError("XML with an internal DTD or entity declarations is refused (entities are never expanded)")
    try:
        root = etree.fromstring(text.encode("utf-8"), parser=_XML_PARSER)
    except etree.XMLSyntaxError as e:
        raise ValueError(f"invalid XML at line {e.position[0]}, column {e.position[1]}: {e.msg}") from None
    if root is None:
        raise ValueError("invalid XML: no root element")
    return root


def xml_text(element) -> str | None:
    """All the text of an element, inline markup (<i>, <sup>, <b>) dropped, white space folded."""
    if element is None:
        return None
    return clean_space("".join(element.itertext()))


def local_name(element) -> str:
    """A tag without its namespace: '{http://www.w3.org/1998/Math/MathML}math' -> 'math'."""
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


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
