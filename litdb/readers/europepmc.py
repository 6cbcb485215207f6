"""Europe PMC REST API JSON (www.ebi.ac.uk/europepmc/webservices/rest): a search page
({"version", "hitCount", "nextCursorMark", "request", "resultList": {"result": [...]}},
resultType=lite or core), the answer of /article/{source}/{id} ({"version", "hitCount",
"request", "result": {...}}), a list of results, or one result alone.

Cursor-paged searches are saved one page after another (`curl ... >> epmc.json`): a
file of several JSON documents, pretty-printed, one a line (NDJSON) or glued together,
is read as the records of each in order (the openalex and semantic_scholar readers read
one record a line so; here a line may as well hold a page). A document that is no JSON
is a RecordError at its line, and reading goes on at the next line that opens an object
or an array in its first column (inside a pretty-printed document lines are indented);
a single document that is no JSON is the file's ValueError.

TRUST 2: Europe PMC is an index. Its MED records are PubMed's data, but re-served
(the lite result's journal is the NLM abbreviation alone, dates come padded to a day
that PubMed does not give); a PubMed export of the same paper wins a merge.

The representation is PubMed's, so that a paper found in both merges cleanly: a MeSH
heading is one MeshTerm a qualifier (major when the descriptor or the qualifier is), a
grant's text its parts joined by "/", the journal NLM's title and MEDLINE abbreviation,
the publication date PubMed's (journalInfo.dateOfPublication, "2014 Dec"), the
electronic date epub_date, comments and errata claims named as the PubMed readers name
them. Publication types are PubMed's wording: the JATS types Europe PMC adds from PMC
("research-article", "correction") are mapped as common.TYPE_WORDS maps them, and
lite's lower-case "review; journal article" is given PubMed's capitals.

Which result is what:
- lite has no authorList, abstract or journalInfo: authors from authorString
  ("Malone A, Manto M, Dystonia Coalition."; an entry that is not "Family INITIALS"
  is a group when it reads as one), the journal from journalTitle (the NLM
  abbreviation for MEDLINE records), journalVolume, issue, journalIssn, the year alone
  (firstPublicationDate is the print date padded to its first day).
- a preprint (source PPR) has no journal: bookOrReportDetails.publisher ("bioRxiv",
  "medRxiv") is the server, a "publisher" claim; its date is firstPublicationDate,
  the day it was posted.
- a book or chapter (NCBI Bookshelf: GeneReviews, StatPearls) has
  bookOrReportDetails.comprisingTitle, the book: it is the journal_title of a chapter,
  as the PubMed readers have it; the publisher is a claim, bookid the Bookshelf
  accession.
- is_open_access says "free to read", as the merge reads it: true when isOpenAccess is
  "Y", when the full text is in Europe PMC or PMC (inEPMC, inPMC) or when
  fullTextUrlList has a link "Open access" or "Free"; false when isOpenAccess is "N"
  and nothing says it is free. The link: the open access ones before the free ones, an
  article page before a PDF; never one to a shadow library (common.open_access_link).
  The licence ("cc by") is a claim.
- HTML in titles and abstracts (<i>, <sup>, <h4>Background</h4>) is taken out, a
  heading becoming the label of its paragraph ("Background: ...") as PubMed prints
  the labels of a structured abstract.
Left out: the investigators (investigatorList: not authors), authorIdList (ORCIDs not
tied to a person), chemicals, subsets, text-mined and data-link flags, Europe PMC's
internal journalIssueId, and the record-keeping dates (dateOfCreation, dateOfRevision).
"""

from __future__ import annotations

import json
import re

from ..normalize import expand_pages, iso_date, normalize_doi
from ..records import Claim, Grant, MeshTerm, PaperRecord
from .common import (GROUP_WORDS, RELATION_FIELDS, TYPE_WORDS, _item_record, author, digits, has_any, integer, issns,
                     json_error, json_head, json_kind, keywords_once, open_access_link, orcid, paragraphs, parse_date,
                     plain, pmcid_of, text_of)
from .medline import author_from_initials

NAME = "europepmc"
TRUST = 2

# Keys only Europe PMC's results have (its flags, its camel-case lists); a page has
# resultList, and the answer of /article/ that found nothing its hitCount and request.
EPMC_KEYS = ("resultList", "authorString", "journalInfo", "pubTypeList", "inEPMC", "inPMC", "hasTextMinedTerms",
             "hasDbCrossReferences", "citedByCount", "fullTextUrlList", "meshHeadingList", "pageInfo",
             "bookOrReportDetails", "firstPublicationDate", "pubYear")


def is_europepmc(head: str) -> bool:
    return has_any(head, EPMC_KEYS) or (has_any(head, ("hitCount",)) and has_any(head, ("request",)))


def looks_like(text: str) -> bool:
    head = json_head(text)
    return head is not None and is_europepmc(head)


_DECODER = json.JSONDecoder()
_SPACE = re.compile(r"[ \t\n\r]*")
# A document saved after a broken one opens a line (a page pretty-printed, or one a line):
# indented lines are inside a document.
NEXT_DOCUMENT = re.compile(r"\n(?=[\[{])")


def _documents(text: str) -> list[tuple[int, int, object]]:
    """(start, end, value or the ValueError it is not) of each JSON document of the
    text, one after the other. After a broken one, the next line opening an object or
    an array starts the next; a broken first document with none after it is a
    ValueError of the whole file (text that is no JSON after good documents is one
    broken document more)."""
    documents, pos = [], _SPACE.match(text, 0).end()
    while pos < len(text):
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError) as e:
            following = NEXT_DOCUMENT.search(text, pos + 1)
            if following is None and not documents:
                raise ValueError(json_error(e)) from None
            end = following.start() + 1 if following else len(text)
            documents.append((pos, end, ValueError(json_error(e))))
            pos = _SPACE.match(text, end).end()
            continue
        documents.append((pos, end, value))
        pos = _SPACE.match(text, end).end()
    return documents


class _Lines:
    """The line of an offset of the text, counted on from the last one asked (offsets
    come in order: a page of 1,000 results is not counted from its start 1,000 times)."""

    def __init__(self, text: str):
        self.text, self.at, self.line = text, 0, 1

    def __call__(self, at: int) -> int:
        if at < self.at:
            self.at, self.line = 0, 1
        self.line += self.text.count("\n", self.at, at)
        self.at = at
        return self.line


RESULTS = re.compile(r'"resultList"\s*:\s*\{\s*"result"\s*:\s*\[')
ITEM_END = re.compile(r"[ \t\n\r]*(,|\])")


def _items(text: str, lines: _Lines, start: int, end: int, value) -> tuple[bool, list[tuple[int | None, object]]]:
    """(is it a list, [(line, item)]) of one document: a search page's results, the
    result of an /article/ answer, a list of results, or a result alone."""
    if isinstance(value, list):
        return True, _located(text, lines, start, value)
    if not isinstance(value, dict):
        return False, [(lines(start), value)]
    results = value.get("resultList")
    if isinstance(results, dict) and isinstance(results.get("result"), list):
        m = RESULTS.search(text, start, end)
        return True, (_located(text, lines, m.end() - 1, results["result"]) if m
                      else [(None, r) for r in results["result"]])
    if "result" in value and "title" not in value:  # /article/{source}/{id}
        return False, [(lines(start), value["result"])]
    if "resultList" in value or ("hitCount" in value and "title" not in value):
        return True, []  # a page of nothing, an /article/ answer that found nothing
    return False, [(lines(start), value)]


def _located(text: str, lines: _Lines, start: int, items: list) -> list[tuple[int | None, object]]:
    """The items of the array that opens at text[start], each with the line it starts on."""
    out, pos = [], _SPACE.match(text, start + 1).end()
    for item in items:
        out.append((lines(pos), item))
        try:
            _, end = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError):
            return [(None, item) for item in items]
        m = ITEM_END.match(text, end)
        if m is None:
            return [(None, item) for item in items]
        pos = _SPACE.match(text, m.end()).end()
    return out


def read(text: str):
    documents, lines = _documents(text), _Lines(text)
    parts = []  # (is it a list, [(line, item or ValueError)])
    for start, end, value in documents:
        if isinstance(value, ValueError):
            parts.append((True, [(lines(start), value)]))
        else:
            parts.append(_items(text, lines, start, end, value))
    if len(parts) == 1 and not parts[0][0]:  # one result alone: it is the file
        [(line, item)] = parts[0][1]
        if not isinstance(item, dict):
            raise ValueError(f"JSON is {json_kind(item)}, expected an object or a list of objects")
        return [parse_result(item)]
    records = []
    for _, items in parts:
        for line, item in items:
            records.append(_item_record(len(records) + 1, line, item, parse_result,
                                        lambda item: f"item is {json_kind(item)}, expected an object"))
    if not records:
        if isinstance(documents[0][2], list):
            raise ValueError("no records: the JSON list is empty")
        raise ValueError("no records: the Europe PMC answer holds no result")
    return records


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value, key: str) -> list:
    """Europe PMC's lists: {"author": [...]} under authorList, {"keyword": [...]} under
    keywordList...; a lone value where the list belongs is a list of one."""
    inner = _object(value).get(key)
    return inner if isinstance(inner, list) else [inner] if inner is not None else []


def parse_result(result: dict) -> PaperRecord:
    source = text_of(result.get("source"))
    ident = text_of(result.get("id"))
    title = plain(result.get("title"))
    record = PaperRecord(format=NAME, title=title or "")
    record.doi = normalize_doi(text_of(result.get("doi")))
    record.pmid = digits(text_of(result.get("pmid"))) or (digits(ident) if source == "MED" else None)
    pmcid = text_of(result.get("pmcid")) or (ident if source == "PMC" else None)
    record.pmcid = pmcid_of(pmcid) if pmcid and re.fullmatch(r"PMC[0-9]+", pmcid, re.I) else None
    if not title:
        what = f"{source}/{ident}" if source and ident else record.doi or record.pmid or record.pmcid
        raise ValueError(f"item {what} has no title" if what else
                         "item has no title and no identifier (DOI, PMID, PMCID)")
    preprint = source == "PPR"
    book = _object(result.get("bookOrReportDetails"))

    record.abstract = _abstract(result.get("abstractText"))
    _authors(record, result)
    _journal(record, result, book, preprint)
    _dates(record, result, preprint)
    record.pages = _pages(text_of(result.get("pageInfo")))
    record.citation_count = integer(result.get("citedByCount"))
    record.publication_types = _publication_types(result)
    record.keywords = keywords_once([plain(k) for k in _list(result.get("keywordList"), "keyword")])
    record.mesh_terms = _mesh(result.get("meshHeadingList"))
    record.grants = _grants(result.get("grantsList"))
    _open_access(record, result)

    claims = record.claims
    if source and ident:
        claims.append(Claim("europepmc", f"{source}/{ident}", "Europe PMC record (source/id)"))
    if preprint and (server := plain(book.get("publisher"))):
        claims.append(Claim("publisher", server, "the preprint server (bookOrReportDetails.publisher)"))
    elif book and (publisher := plain(book.get("publisher"))):
        claims.append(Claim("publisher", publisher, "publisher of the book"))
    if (bookid := text_of(result.get("bookid"))):
        claims.append(Claim("bookaccession", bookid, "NCBI Bookshelf accession"))
    if (language := text_of(result.get("language"))):
        claims.append(Claim("language", language, "Europe PMC language"))
    if (licence := text_of(result.get("license"))):
        claims.append(Claim("license", licence, "licence Europe PMC states"))
    if text_of(result.get("publicationStatus")) == "aheadofprint":
        claims.append(Claim("status", "Online ahead of print", "publicationStatus aheadofprint"))
    claims += _relations(result.get("commentCorrectionList"))
    return record


HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>\s*", re.IGNORECASE | re.DOTALL)


def _abstract(value) -> str | None:
    """The abstract's paragraphs, markup removed; Europe PMC's section headings
    ("<h4>Background</h4>Dystonia is ...") are the labels of their paragraphs
    ("Background: Dystonia is ..."), as PubMed prints a structured abstract; a leading
    "Abstract" heading goes."""
    text = (value if isinstance(value, str) else text_of(value) or "").strip()
    if not text:
        return None

    def label(m):
        heading = plain(m.group(2))
        if not heading or (m.start() == 0 and heading.lower().rstrip(":") == "abstract"):
            return "<p>"
        return f"<p>{heading}{'' if heading[-1] in ':?.!' else ':'} "
    return paragraphs(HEADING.sub(label, text) if "<h" in text.lower() else text)


ET_AL = re.compile(r",?\s*\bet al\.?$")


def _authors(record: PaperRecord, result: dict) -> None:
    """authorList (core), else authorString (lite): "Malone A, Manto M, Dystonia Coalition."."""
    people = [p for p in _list(result.get("authorList"), "author") if isinstance(p, dict)]
    if people:
        for person in people:
            found = _person(person)
            if found:
                record.authors.append(found)
        return
    names = plain(result.get("authorString"))
    if not names:
        return
    if ET_AL.search(names):
        names, record.authors_complete = ET_AL.sub("", names), False
    for name in names.rstrip(".").split(","):
        words = name.split()
        if not words:
            continue
        if len(words) == 1 or words[-1].isupper():  # "Malone A", "O'Neill AF", "Hass"
            found = author_from_initials(name)
        else:  # a collective name ("Dystonia Coalition"), or a name not in PubMed's form
            found = author(name=name, group=bool(GROUP_WORDS.search(name)))
        if found:
            record.authors.append(found)


def _person(person: dict):
    collective = plain(person.get("collectiveName"))
    if collective:
        return author(name=collective, group=True)
    ids = person.get("authorId")
    ids = [i for i in (ids if isinstance(ids, list) else [ids]) if isinstance(i, dict)]
    orcid_id = next((text_of(i.get("value")) for i in ids if (text_of(i.get("type")) or "").upper() == "ORCID"), None)
    affiliations = [plain(a.get("affiliation")) for a in
                    _list(person.get("authorAffiliationDetailsList"), "authorAffiliation") if isinstance(a, dict)]
    if not any(affiliations):
        affiliations = [plain(person.get("affiliation"))]
    affiliations = [a for a in affiliations if a]
    family, given = plain(person.get("lastName")), plain(person.get("firstName")) or plain(person.get("initials"))
    if family or given:
        return author(family=family, given=given, orcid_id=orcid_id, affiliations=affiliations)
    full = plain(person.get("fullName"))  # "Malone A", as authorString prints it
    found = author_from_initials(full) if full else None
    if found:
        found.orcid, found.affiliations = orcid(orcid_id), affiliations
    return found


def _journal(record: PaperRecord, result: dict, book: dict, preprint: bool) -> None:
    info = _object(result.get("journalInfo"))
    journal = _object(info.get("journal"))
    if info or journal:  # core
        record.journal_title = plain(journal.get("title"))
        record.journal_abbreviation = plain(journal.get("medlineAbbreviation")) or plain(journal.get("isoabbreviation"))
        record.issns = issns(journal.get("issn"), journal.get("essn"))
        record.volume = text_of(info.get("volume"))
        record.issue = text_of(info.get("issue"))
    else:  # lite
        record.journal_abbreviation = plain(result.get("journalTitle"))
        record.issns = issns(text_of(result.get("journalIssn")))
        record.volume = text_of(result.get("journalVolume"))
        record.issue = text_of(result.get("issue"))
    if preprint:  # a preprint server is no journal
        record.journal_title = record.journal_abbreviation = record.volume = record.issue = None
        record.issns = []
    elif not record.journal_title and not record.journal_abbreviation:
        book_title = plain(book.get("comprisingTitle"))  # a chapter: the book holds it (not a whole book)
        record.journal_title = book_title if book_title != record.title else None


def _dates(record: PaperRecord, result: dict, preprint: bool) -> None:
    info = _object(result.get("journalInfo"))
    year = _year(result.get("pubYear"))
    date = (None, None, None)
    if preprint:
        date = parse_date(text_of(result.get("firstPublicationDate")))
    elif (printed := text_of(info.get("dateOfPublication"))):
        date = parse_date(printed)  # "2014 Dec", "2006 Sep 6", "2019 Mar-Apr": PubMed's DP
    elif _year(info.get("yearOfPublication")):
        month = integer(info.get("monthOfPublication"))
        date = (_year(info.get("yearOfPublication")), month if month and 1 <= month <= 12 else None, None)
    if date[0] is None or (year and preprint and date[0] != year):
        date = (year, None, None)
    record.year = date[0]
    record.publication_date = iso_date(*date)
    electronic = parse_date(text_of(result.get("electronicPublicationDate")))
    record.epub_date = iso_date(*electronic) if electronic[0] else None


def _year(value) -> int | None:
    year = integer(value)
    return year if year is not None and 1000 <= year <= 2999 else None


def _pages(value: str | None) -> str | None:
    if not value or value.lower() in ("not available", "n/a"):
        return None
    return expand_pages(value)  # "666-8" -> "666-668"


# PubMed's publication types with words kept in lower case or spelled otherwise than
# capitalised ("Clinical Trial, Phase II", "Consensus Development Conference, NIH").
SMALL_WORDS = {"of", "and", "for", "in", "on", "the", "a", "an", "to"}
ODD_WORDS = {"nih": "NIH", "ii": "II", "iii": "III", "iv": "IV", "i": "I"}
WORD = re.compile(r"[A-Za-z']+")


def _pubmed_case(kind: str) -> str:
    """lite's "research support, non-u.s. gov't" -> "Research Support, Non-U.S. Gov't"."""
    def word(m):
        w = m.group(0)
        if w in ODD_WORDS:
            return ODD_WORDS[w]
        if w in SMALL_WORDS and m.start() > 0:
            return w
        return w[:1].upper() + w[1:]
    return WORD.sub(word, kind)


JATS_TOKEN = re.compile(r"[a-z]+(?:-[a-z]+)+")  # "article-commentary", as PMC gives a JATS article-type


def _type_name(kind: str) -> tuple[int, str]:
    """A type in PubMed's wording, and 1 when it is a JATS type mapped (or not) to it:
    lite's lower-case PubMed types capitalised as PubMed writes them; JATS's as
    TYPE_WORDS maps them ("research-article" -> "Journal Article"), one it does not map
    staying as JATS writes it ("article-commentary")."""
    if kind != kind.lower():
        return 0, kind
    if kind in TYPE_WORDS and JATS_TOKEN.fullmatch(kind):
        return 1, TYPE_WORDS[kind]
    if JATS_TOKEN.fullmatch(kind) and kind != "meta-analysis":
        return 1, kind
    return 0, TYPE_WORDS.get(kind) or _pubmed_case(kind)


def _publication_types(result: dict) -> list[str]:
    """PubMed's types in their order, then those of the JATS types that add one."""
    kinds = _list(result.get("pubTypeList"), "pubType")
    if not kinds and isinstance(result.get("pubType"), str):  # lite: "review; journal article"
        kinds = result["pubType"].split(";")
    named = [_type_name(kind) for kind in (plain(kind) for kind in kinds) if kind]
    types = []
    for _, name in sorted(named, key=lambda n: n[0]):  # (a stable sort: each group in its order)
        if name not in types:
            types.append(name)
    return types


def _yes(value) -> bool:
    return (text_of(value) or "").upper() == "Y"


def _mesh(value) -> list[MeshTerm]:
    """One MeshTerm a qualifier (major when the descriptor or the qualifier is), a
    descriptor without qualifiers one MeshTerm: as the PubMed readers give them."""
    terms = []
    for heading in _list(value, "meshHeading"):
        if not isinstance(heading, dict) or not (term := plain(heading.get("descriptorName"))):
            continue
        major = _yes(heading.get("majorTopic_YN"))
        qualifiers = [q for q in _list(heading.get("meshQualifierList"), "meshQualifier")
                      if isinstance(q, dict) and plain(q.get("qualifierName"))]
        if not qualifiers:
            terms.append(MeshTerm(term=term, major=major))
        for qualifier in qualifiers:
            terms.append(MeshTerm(term=term, qualifier=plain(qualifier.get("qualifierName")),
                                  major=major or _yes(qualifier.get("majorTopic_YN"))))
    return terms


def _grants(value) -> list[Grant]:
    """{"grantId", "acronym", "agency"}: the text its parts joined by "/", as PubMed's."""
    grants = []
    for grant in _list(value, "grant"):
        if not isinstance(grant, dict):
            continue
        parts = [text_of(grant.get(key)) for key in ("grantId", "acronym", "agency")]
        if any(parts):
            entry = Grant(text="/".join(p for p in parts if p), grant_id=parts[0], acronym=parts[1], agency=parts[2])
            if entry not in grants:
                grants.append(entry)
    return grants


FREE = {"OA": 0, "F": 1}  # availabilityCode: open access, free to read
STYLES = {"html": 0, "pdf": 1}  # an article page before a PDF, before a DOI's landing page


def _open_access(record: PaperRecord, result: dict) -> None:
    links = [u for u in _list(result.get("fullTextUrlList"), "fullTextUrl")
             if isinstance(u, dict) and text_of(u.get("availabilityCode")) in FREE and text_of(u.get("url"))]
    links.sort(key=lambda u: (FREE[text_of(u.get("availabilityCode"))], STYLES.get(text_of(u.get("documentStyle")), 2)))
    flag = (text_of(result.get("isOpenAccess")) or "").upper()
    if links or flag == "Y" or _yes(result.get("inEPMC")) or _yes(result.get("inPMC")):
        record.is_open_access = True  # free to read: its full text is in Europe PMC or PMC
    elif flag == "N":
        record.is_open_access = False
    for link in links:
        open_access_link(record, link.get("url"), f"fullTextUrlList ({text_of(link.get('site')) or 'a site'})")
        if record.open_access_url:
            break


def _relations(value) -> list[Claim]:
    """commentCorrectionList's entries: claims named by their type (common.RELATION_FIELDS)."""
    claims = []
    for item in _list(value, "commentCorrection"):
        if not isinstance(item, dict):
            continue
        kind = text_of(item.get("type"))
        key = RELATION_FIELDS.get((kind or "").lower())
        source, ident, reference = text_of(item.get("source")), text_of(item.get("id")), plain(item.get("reference"))
        if not key or not (ident or reference):
            continue
        where = (f"PMID: {ident}" if source == "MED" else f"Europe PMC {source}/{ident}" if source else ident) \
            if ident else None
        claims.append(Claim(key, " ".join(p for p in (reference, where) if p), f"commentCorrectionList {kind}"))
    return claims

