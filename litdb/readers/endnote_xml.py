"""EndNote's own XML (File → Export, "XML"; EndNote X7-X9, 20, 21), and what Mendeley,
Zotero, Papers and Bookends write under that name: <xml><records><record>... in the layout
of EndNote's DTD.

Studied on real exports in public repositories and on the importers of Zotero (Endnote
XML.js) and JabRef (EndnoteXmlImporter):

- EndNote writes the whole file on one line after its XML declaration (UTF-8, EndNote 20's
  with a byte order mark), one <record> after the other; other writers indent.
- Every value is wrapped in <style face="normal" font="default" size="100%">; a value with
  italics or superscripts in it is several such runs, joined as they are ("Cerebellum: An
  explanation for " + <style face="italic">dystonia</style> + "?"). Some writers give the
  text bare.
- Several values of one field are lines of it, parted by a carriage return (&#xD;): the
  ISSNs in <isbn> ("1473-4222 (Electronic)&#xD;1473-4222 (Linking)"), the addresses in
  <auth-address>, the types in <work-type>, an abstract's paragraphs.
- Records imported from PubMed (remote-database-provider "NLM", remote-database-name
  "PubMed" or "MEDLINE") have the PMID in <accession-num>, the PMCID in <custom2>, MeSH
  headings among the keywords ("Cerebellum/*physiopathology"), the NLM abbreviation as
  the journal (secondary-title, periodical/full-title) and the full name as the alternate
  one (alt-title, alt-periodical): as in EndNote's RIS, read here by the RIS reader's rules.
  Other databases put their own ids in <accession-num> ("WOS:000356201700010",
  "L600012345" of Embase), kept as an accession number.

What the elements give:
- ref-type: its name ("Journal Article", "Book Section"; its number when it has none) in
  the words of the RIS reader's types; "Conference Proceedings" is a "Conference Paper".
  <work-type> (Type of Article: "Review", "Conference Abstract") adds document types as
  the RIS reader's M3 does; "Article in Press" there is a status.
- titles/title (else short-title): the title; a record without one is a bad record.
- contributors/authors/author: "Family, Given" (initials too); a name that ends with a
  comma is a corporate author, as EndNote marks one ("Dystonia Coalition,"); "et al." says
  the list is incomplete. Editors (secondary-authors) are no authors.
- auth-address: the record's addresses, one a line, nobody's in particular: an author's
  affiliations when the record has one author only, else each an "author_address" claim.
- The journal, for the types of journal items only: periodical/full-title, else
  secondary-title; its abbreviation periodical/abbr-1 (abbr-2, abbr-3), else the alternate
  journal (alt-title, alt-periodical); the longer of the two is the name, as in the RIS
  reader (PubMed's imports have them the other way round). An item of no known type reads
  its journal from <periodical> only; a chapter's or a proceedings paper's
  secondary-title, the book or the conference, is its journal, as RIS's T2 is.
- volume; number (else issue): the issue of a journal item (of another kind, a report's
  number or a book's in its series, a "number" claim); pages ("666-8" expanded), else
  custom7 (the article number) of a journal item; a book's or thesis's pages are its
  number of pages, left out.
- dates/year and dates/pub-dates/date: "Dec", "Apr 12", "12 Apr", "2017 Apr 12",
  "April 12, 2017", "Dec 2016", "2017/04/12"; "04/12/2017" is read when one of the two
  numbers is more than 12, else only its year is (month and day cannot be told apart); a
  date of another year than <year> is left out, as the RIS reader leaves out a DA that
  disagrees.
- isbn: ISSNs (print, electronic, linking) as the RIS reader reads SN; an ISBN is none.
- electronic-resource-num: the DOI, also as a link, "doi:10..." or "DOI 10..." (Web of
  Science's imports); else a doi.org link the URLs agree on.
- The PMID from accession-num (digits in a record from PubMed, "PMID: 25146823" or
  "25146823 [PubMed - indexed for MEDLINE]" in any), else a "PMID:" in the notes or a
  PubMed link the URLs agree on; the PMCID from custom2, else a "PMCID:" in the notes or a
  PMC link; the accession number that is no PMID (its database named), custom6's NIHMS
  id, the language and the publisher as claims.
- keywords/keyword: one each (a keyword of "a; b" parted); in a record from PubMed the
  MeSH headings with a qualifier or a star are MeSH terms, as the RIS reader reads them.
- abstract: its paragraphs; a copyright line at its end (PubMed's "Copyright © 2015
  Elsevier Inc. ...") is the paper's copyright, split off as the RIS reader does.
Left out: the library's own fields (database, rec-number, foreign-keys, label, notes but
for the ids in them, research-notes, call-num, pdf-urls and the other attachments), the
Epub Date (edition), as the RIS reader leaves out ET, times cited written in notes, the
editors, places and editions of books.

A record is cut from the text at its <record> start tag, and parsed on its own
(common.parse_xml: entities never expanded, nothing fetched), as the PubMed XML reader
does: a broken record becomes a RecordError while the others load, a truncated export
loads its whole records, and split_records and RECORD_START share a big export among
the workers. The cut is exact because "<record" can only be a tag where the file has no
comment, CDATA section or processing instruction (text and attribute values escape "<");
a file that has one is parsed whole instead. Two exports saved one after the other
(`cat a.xml b.xml`) are read as one: the joint between them is no record.
"""

from __future__ import annotations

import html.entities
import re

from lxml import etree

from ..normalize import MONTHS, clean_paragraphs, clean_space, iso_date, normalize_doi, strip_controls
from ..records import Claim, PaperRecord, RecordError
from .common import (ENTITIES_REFUSED, author, digits, first_element, keywords_once, local_name, page_range, year_completed,
                     parse_date, parse_xml)
from .medline import mesh_terms
from .ris import (CONTAINED_IN_BOOKS, COPYRIGHT, JOURNAL_TYPES, LABELLED_PMCID, LABELLED_PMID, PMC_LINK, PUBMED_DATABASE, PUBMED_LINK,
                  TYPE_WORDS, agreed, author_of, document_types, is_mesh_heading, issn_lines)

NAME = "endnote_xml"
TRUST = 3  # a citation manager's export, as RIS and BibTeX

# EndNote's reference types as the RIS types EndNote exports them as: the RIS reader's
# words name them, and its JOURNAL_TYPES say which are items of a journal. Any other
# ("Personal Communication", "Government Document") is kept as EndNote names it;
# "Generic" says nothing.
REF_TYPES = {
    "Journal Article": "JOUR", "Electronic Article": "EJOUR", "Magazine Article": "MGZN",
    "Newspaper Article": "NEWS", "Book": "BOOK", "Electronic Book": "EBOOK", "Edited Book": "EDBOOK",
    "Book Section": "CHAP", "Electronic Book Section": "ECHAP", "Conference Paper": "CPAPER",
    "Conference Proceedings": "CONF", "Thesis": "THES", "Report": "RPRT", "Web Page": "ELEC",
    "Dataset": "DATA", "Patent": "PAT",
}
# The numbers EndNote gives them (a ref-type without its name attribute)
REF_TYPE_NUMBERS = {
    "17": "Journal Article", "43": "Electronic Article", "19": "Magazine Article", "23": "Newspaper Article",
    "6": "Book", "44": "Electronic Book", "28": "Edited Book", "5": "Book Section", "60": "Electronic Book Section",
    "47": "Conference Paper", "10": "Conference Proceedings", "32": "Thesis", "27": "Report", "12": "Web Page",
    "59": "Dataset", "25": "Patent", "13": "Generic",
}
NO_TYPE = {"Generic"}
# <pages> of these is the number of pages
PAGE_COUNT_TYPES = {"BOOK", "EBOOK", "EDBOOK", "THES"}

ROOT_START = re.compile(r"<xml(?:\s[^<>]*)?>\s*<records[\s>/]")
RECORD_TAG = re.compile(r"<record[\s>/]")
END_TAG = "</record>"
# Where a record starts, in the file's bytes: the build cuts a big export there into parts
# for its workers (split_records of a part cuts it as of the whole).
RECORD_START = re.compile(rb"(?=<record[\s>/])")
# what a record's text can never hold but a comment, CDATA section or PI can
UNCUTTABLE = ("<!--", "<![CDATA[", "<?")
# Where one export ends and the next begins, in files saved one after the other: the end
# of the records, the next file's byte order mark, XML declaration and doctype (no internal
# subset: one that declares entities leaves the file uncuttable, and refused whole).
JOINT = re.compile(r"</records>\s*</xml>\s*(?:\ufeff\s*)?(?:<\?xml[^?>]*\?>\s*)?(?:<!DOCTYPE[^>\[]*>\s*)?"
                   r"<xml(?:\s[^<>]*)?>\s*<records\s*>")
OPEN_OR_CLOSE = re.compile(r"<(/?)([A-Za-z_][\w.-]*)[^<>]*?(/?)>")
XML_PLACE = re.compile(r"\bline (\d+)(?:, column (\d+))?")

DOI_IN_TEXT = re.compile(r"10\.[0-9]{4,9}/\S+")
DOI_LABEL = re.compile(r"^(?:doi\b\s*:?\s*)", re.I)
# "PMID: 25146823", "PMID:25146823", "25146823 [PubMed - indexed for MEDLINE]"
PMID_ACCESSION = re.compile(r"PMID:?\s*(\d{1,9})(?:\s*\[[^\]]*\])?|(\d{1,9})\s*\[(?:PubMed|MEDLINE)\b[^\]]*\]", re.I)
PMCID = re.compile(r"\bPMC\d{1,9}\b", re.I)
NIHMSID = re.compile(r"\bNIHMS\d{1,9}\b", re.I)
INCOMPLETE = re.compile(r"(?:et al\.?|others)", re.I)
# Dates EndNote's Date field holds beside the year: "04/12/2017", "12 Apr 2017", "April 12, 2017"
NUMERIC_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/((?:1[5-9]|20)\d\d)\b")
DAY_FIRST = re.compile(r"(\d{1,2})\s+([A-Za-z]{3,})\.?(?:,?\s+((?:1[5-9]|20)\d\d))?\b")
MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+((?:1[5-9]|20)\d\d)\b")
MONTH_YEAR = re.compile(r"([A-Za-z]{3,})\.?,?\s+((?:1[5-9]|20)\d\d)\b")


def looks_like(text: str) -> bool:
    """The first element (after the XML declaration and comments) is <xml>, and the
    next one <records>."""
    m = first_element(text)
    return m is not None and m.group(1) == "xml" and ROOT_START.match(text, m.start()) is not None


def split_records(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each record, the records that start on one line in one piece
    (EndNote writes them all on one: the build shares such a file among its workers by
    RECORD_START, each worker reads its part as one piece); the whole text when it cannot
    be cut exactly, or when its prolog is refused (a broken XML declaration, entities
    declared): read whole it is rejected, and so its pieces must give no record either."""
    pieces = _pieces(text)
    if pieces is None:
        return [(1, text)]
    try:
        _check_prolog(text[:RECORD_TAG.search(text).start()])
    except ValueError:
        return [(1, text)]
    out: list[tuple[int, int, int]] = []  # line, start, end
    for line, start, _, piece in pieces:
        if out and out[-1][0] == line:
            out[-1] = (line, out[-1][1], start + len(piece))
        else:
            out.append((line, start, start + len(piece)))
    return [(line, text[start:end]) for line, start, end in out]


def read(text: str) -> list:
    first = RECORD_TAG.search(text)
    prolog = text[:first.start()] if first else text
    if "<!ENTITY" in prolog:
        raise ValueError(ENTITIES_REFUSED)
    pieces = _pieces(text)
    if pieces is None:
        return _read_whole(text)
    _check_prolog(prolog)
    out = []
    for position, (line, _, column, piece) in enumerate(pieces, 1):
        try:
            element = parse_xml(piece)
        except ValueError as e:
            out.append(RecordError(position, line, _shifted(str(e), line - 1, column)))
            continue
        out.append(_record_or_error(element, position, line))
    return out


def _pieces(text: str) -> list[tuple[int, int, int, str]] | None:
    """(line, offset, column, text) of each record: where its start tag is (its line, its
    place in the text, its column counted from 0) and its text, to its end tag (or, left
    open, to the next record); None when the file must be parsed whole (a comment, CDATA
    or PI past the XML declaration and the joints of files saved one after the other;
    namespaces declared before the records)."""
    first = RECORD_TAG.search(text)
    if first is None:
        return None
    after_declaration = text.find("?>") + 2 if text.lstrip().startswith("<?xml") else 0
    rest = text[after_declaration:]
    if "</records>" in rest:  # the joints of exports saved one after the other taken out
        rest = JOINT.sub("", rest)
    if any(mark in rest for mark in UNCUTTABLE) or "xmlns" in text[:first.start()]:
        return None
    pieces, line, at = [], 1, 0
    line_start = 0  # where the line of `at` starts
    end = 0  # where the next end tag is (-1: there is none further on)
    while (m := RECORD_TAG.search(text, at)) is not None:
        line += text.count("\n", at, m.start())
        line_start = max(line_start, text.rfind("\n", at, m.start()) + 1)
        if 0 <= end < m.end():
            end = text.find(END_TAG, m.end())
        following = RECORD_TAG.search(text, m.end())
        if end < 0 or (following is not None and following.start() < end):
            stop = following.start() if following else len(text)  # left open: parsing it says why
        else:
            stop = end + len(END_TAG)
        pieces.append((line, m.start(), m.start() - line_start, text[m.start():stop]))
        line += text.count("\n", m.start(), stop)
        line_start = max(line_start, text.rfind("\n", m.start(), stop) + 1)
        at = stop
    return pieces


def _check_prolog(prolog: str) -> None:
    """The text before the first record checked as parse_xml checks a file (ValueError):
    a broken XML declaration, a doctype declaring entities, text where none may be."""
    if "<!ENTITY" in prolog:
        raise ValueError(ENTITIES_REFUSED)
    opened = []
    for m in OPEN_OR_CLOSE.finditer(prolog):
        if m.group(1):
            if opened:
                opened.pop()
        elif not m.group(3):
            opened.append(m.group(2))
    parse_xml(prolog + "<record/>" + "".join(f"</{tag}>" for tag in reversed(opened)))


def _shifted(message: str, lines: int, columns: int) -> str:
    """parse_xml's 'invalid XML at line 1, column 40: ... title line 1 and titles' of a
    record's text, in the file's lines (and columns, on the record's first line)."""
    def place(m):
        line = int(m.group(1))
        if m.group(2) is None:
            return f"line {line + lines}"
        column = int(m.group(2))
        return f"line {line + lines}, column {column + columns if line == 1 else column}"
    return XML_PLACE.sub(place, message)


def _read_whole(text: str) -> list:
    root = parse_xml(text)
    elements = [e for e in root.iter() if local_name(e) == "record"
                and not any(local_name(a) == "record" for a in e.iterancestors())]
    if not elements:
        raise ValueError("EndNote XML with no <record>")
    return [_record_or_error(element, position, element.sourceline)
            for position, element in enumerate(elements, 1)]


def _record_or_error(element, position: int, line: int | None):
    try:
        record = read_record(element)
    except ValueError as e:
        return RecordError(position, line, str(e))
    record.line = line
    return record


# --- the values of a record -----------------------------------------------------------

def _child(element, name: str):
    if element is None:
        return None
    return next((child for child in element if local_name(child) == name), None)


def _at(element, *path: str):
    for name in path:
        element = _child(element, name)
    return element


def _children(element, name: str) -> list:
    return [] if element is None else [child for child in element if local_name(child) == name]


def _raw(element) -> str:
    """An element's text as written: its <style> runs joined as they are, line breaks
    (EndNote's &#xD;) kept."""
    if element is None:
        return ""
    parts: list[str] = []
    _collect(element, parts)
    return "".join(parts)


def _collect(element, parts: list[str]) -> None:
    if element.text:
        parts.append(element.text)
    for child in element:
        if isinstance(child, etree._Entity):  # "&nbsp;" of a doctype's DTD (never loaded)
            parts.append(html.entities.html5.get(child.name + ";", child.text))
        elif isinstance(child.tag, str):
            _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


def _value(element) -> str | None:
    """An element's text on one line."""
    return clean_space(strip_controls(_raw(element)))


def _lines(element) -> list[str]:
    """The lines of an element's text: parted by carriage returns (&#xD;, as EndNote writes
    them), else by new lines; each on one line, blank ones left out."""
    raw = _raw(element)
    lines = raw.split("\r") if "\r" in raw else raw.split("\n")
    return [line for line in (clean_space(strip_controls(x)) for x in lines) if line]


def read_record(rec) -> PaperRecord:
    """One <record> element as a PaperRecord; ValueError when it has no title."""
    kind, tag = _ref_type(_child(rec, "ref-type"))
    title = _value(_at(rec, "titles", "title")) or _value(_at(rec, "titles", "short-title"))
    if not title:
        raise ValueError("EndNote XML record without a title (<titles><title>)")
    record = PaperRecord(format=NAME, title=title)
    database = " ".join(filter(None, (_value(_child(rec, "remote-database-name")),
                                      _value(_child(rec, "remote-database-provider")))))
    from_pubmed = PUBMED_DATABASE.search(database) is not None
    journal_item = tag in JOURNAL_TYPES

    # Identifiers
    urls = [url for group in ("web-urls", "related-urls", "text-urls")
            for element in _children(_at(rec, "urls", group), "url") for url in _lines(element)]
    notes = _lines(_child(rec, "notes")) + _lines(_child(rec, "research-notes"))
    record.doi = _doi(_lines(_child(rec, "electronic-resource-num"))) or agreed(normalize_doi(url) for url in urls)
    accession = _value(_child(rec, "accession-num"))
    pmid = None
    if accession and digits(accession) and from_pubmed:
        pmid = accession
    elif accession and (m := PMID_ACCESSION.fullmatch(accession)):
        pmid = m.group(1) or m.group(2)
    record.pmid = pmid or agreed(m.group(1) for note in notes for m in LABELLED_PMID.finditer(note)) or \
        agreed(m.group(1) for url in urls for m in PUBMED_LINK.finditer(url))
    if pmid or accession == record.pmid:
        accession = None
    custom2 = PMCID.findall(_value(_child(rec, "custom2")) or "")
    record.pmcid = (custom2[0].upper() if len(set(custom2)) == 1 else None) or \
        agreed(m.group(1) for note in notes for m in LABELLED_PMCID.finditer(note)) or \
        agreed(m.group(1).upper() for url in urls for m in PMC_LINK.finditer(url))

    # Journal, volume, pages, ISSNs
    record.journal_title, record.journal_abbreviation = _journal(rec, journal_item, tag is None)
    if not record.journal_title and tag in CONTAINED_IN_BOOKS:
        # a chapter's book, a proceedings paper's conference: its journal, as the RIS,
        # BibTeX and MEDLINE readers have them
        record.journal_title = _value(_at(rec, "titles", "secondary-title"))
    record.volume = _value(_child(rec, "volume"))
    number = _value(_child(rec, "number")) or _value(_child(rec, "issue"))
    if journal_item or tag is None:
        record.issue = number
    if tag not in PAGE_COUNT_TYPES:
        record.pages = page_range(_value(_child(rec, "pages")), None,
                                  _value(_child(rec, "custom7")) if journal_item else None)
    record.issns, record.issn_l = issn_lines(_lines(_child(rec, "isbn")))

    # Date: the year, and the month and day of the Date field when it agrees with it
    year, month, day = parse_date(_value(_at(rec, "dates", "year")))
    date = _value(_at(rec, "dates", "pub-dates", "date"))
    if date:
        year, month, day = year_completed((year, month, day), _date(date, year))
    record.year = year
    record.publication_date = iso_date(year, month, day)

    # People
    record.authors, record.authors_complete = _authors(rec)
    addresses = list(dict.fromkeys(_lines(_child(rec, "auth-address"))))
    if len(record.authors) == 1 and not record.authors[0].group:
        record.authors[0].affiliations, addresses = addresses, []

    # Words, text, kind
    keywords = [line for element in _children(_child(rec, "keywords"), "keyword") for line in _lines(element)]
    if from_pubmed:
        record.mesh_terms = [term for k in keywords if is_mesh_heading(k) for term in mesh_terms(k)]
        keywords = [k for k in keywords if not is_mesh_heading(k)]
    record.keywords = keywords_once(keywords)
    record.abstract, record.copyright = _abstract(_raw(_child(rec, "abstract")))
    types = [TYPE_WORDS[tag]] if tag else ([kind] if kind and kind not in NO_TYPE else [])
    work_type = "; ".join(_lines(_child(rec, "work-type")))
    # a thesis's Type of Work is its degree ("Ph.D. thesis"), not a kind of document
    thesis_degree = work_type if tag == "THES" and work_type else None
    statuses = document_types(types, "" if thesis_degree else work_type)
    record.publication_types = types

    claims = [Claim("status", status, f"work-type: {work_type}") for status in statuses]
    if thesis_degree:
        claims.append(Claim("thesis_type", thesis_degree, "work-type of a Thesis"))
    if language := _value(_child(rec, "language")):
        claims.append(Claim("language", language))
    if number and not (journal_item or tag is None):  # a report's number, a book's in its series
        claims.append(Claim("number", number, f"EndNote's Number of a {kind}"))
    if accession:
        source = "Web of Science" if accession.upper().startswith("WOS:") else (database or None)
        claims.append(Claim("accession_number", accession, source))
    if nihms := NIHMSID.search(_value(_child(rec, "custom6")) or ""):
        claims.append(Claim("nihms_id", nihms.group(0).upper(), "custom6: NIH manuscript id"))
    if publisher := _value(_child(rec, "publisher")):
        claims.append(Claim("publisher", publisher))
    claims += [Claim("author_address", address, "EndNote's Author Address: the record's, no author's in particular")
               for address in addresses]
    record.claims = claims
    return record


def _ref_type(element) -> tuple[str | None, str | None]:
    """(EndNote's name of the type, the RIS type it is exported as)."""
    if element is None:
        return None, None
    name = clean_space(strip_controls(element.get("name") or "")) or REF_TYPE_NUMBERS.get(digits(_value(element)) or "")
    return name, REF_TYPES.get(name or "")


def _doi(lines: list[str]) -> str | None:
    """The first DOI of electronic-resource-num's lines: '10.1007/…', a doi.org link,
    'doi:10.1007/…', 'DOI 10.1002/…' (Web of Science's imports), '10.1007/… [doi]'."""
    for line in lines:
        doi = normalize_doi(line) or normalize_doi(DOI_LABEL.sub("", line))
        if not doi and (m := DOI_IN_TEXT.search(line)):
            doi = normalize_doi(m.group(0))
        if doi:
            return doi
    return None


def _journal(rec, journal_item: bool, untyped: bool) -> tuple[str | None, str | None]:
    """(name, abbreviation) of the journal of a journal item (an item of no known type:
    from <periodical> only)."""
    if not (journal_item or untyped):
        return None, None
    periodical, alternate = _child(rec, "periodical"), _child(rec, "alt-periodical")
    names = [_value(_child(periodical, "full-title"))]
    short = [_value(_child(periodical, f"abbr-{n}")) for n in (1, 2, 3)]
    others = [_value(_child(alternate, "full-title"))] + [_value(_child(alternate, f"abbr-{n}")) for n in (1, 2, 3)]
    if journal_item:
        names.append(_value(_at(rec, "titles", "secondary-title")))
        others.insert(0, _value(_at(rec, "titles", "alt-title")))
    name = next((n for n in names if n), None)
    given = [s for s in short + others if s]
    abbreviation = next((s for s in given if s != name), given[0] if given else None)
    if name is None:
        return None, abbreviation
    if abbreviation and len(abbreviation) > len(name):  # an abbreviation is never the longer
        name, abbreviation = abbreviation, name
    return name, abbreviation


def _date(text: str, year: int | None) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) of EndNote's Date field, the record's year completing it."""
    if m := NUMERIC_DATE.match(text):
        first, second, of_year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= first <= 12 and (second > 12 or second == first) and second <= 31:
            return of_year, first, second  # 04/23/2017, US order
        if 1 <= second <= 12 and 12 < first <= 31:
            return of_year, second, first  # 23/04/2017
        return of_year, None, None  # 04/12/2017: April 12 or 4 December
    if (m := DAY_FIRST.match(text)) and (month := MONTHS.get(m.group(2)[:3].lower())):
        of_year = int(m.group(3)) if m.group(3) else year
        day = int(m.group(1))
        return of_year, month, day if 1 <= day <= 31 else None
    if m := MONTH_DAY_YEAR.match(text):
        return parse_date(f"{m.group(3)} {m.group(1)} {m.group(2)}")
    if m := MONTH_YEAR.match(text):
        return parse_date(f"{m.group(2)} {m.group(1)}")
    found = parse_date(text)
    if found[0] is None and year is not None:
        found = parse_date(f"{year} {text}")  # "Dec", "Apr 12", "Mar-Apr"
    return found


def _authors(rec) -> tuple[list, bool]:
    """The authors, and whether the list is complete."""
    people, complete = [], True
    for element in _children(_at(rec, "contributors", "authors"), "author"):
        name = _value(element)
        if not name:  # the DTD's attributes, which some writers use instead of the text
            corporate = clean_space(strip_controls(element.get("corp-name") or ""))
            person = author(name=corporate, group=True) if corporate else author(
                family=strip_controls(element.get("last-name") or ""),
                given=strip_controls(element.get("first-name") or ""))
        elif INCOMPLETE.fullmatch(name):
            complete = False
            continue
        elif name.endswith(",") and name.count(",") == 1:  # EndNote's mark of a corporate author
            person = author(name=name.rstrip(", "), group=True)
        else:
            person = author_of(name)
        if person:
            people.append(person)
    return people, complete


def _abstract(raw: str) -> tuple[str | None, str | None]:
    """The abstract's paragraphs (lines parted by carriage returns; a new line in the
    file's text is white space) and the copyright line at its end, split off."""
    text = clean_paragraphs(strip_controls(raw.replace("\r", "\n\n")))
    m = COPYRIGHT.search(text or "")
    if m and m.start() > 0:
        return text[:m.start()].rstrip() or None, m.group(1)
    return text, None
