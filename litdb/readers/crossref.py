"""Crossref work JSON (api.crossref.org/works/DOI): {"status": "ok", "message-type":
"work", "message": {...}}, a list of works ({"message-type": "work-list", "message":
{"items": [...]}}), the bare message object, or a JSON array of messages.

The abstract is a JATS fragment (<jats:title>, <jats:p>, <jats:sec>): plain text, section
titles as labels of their paragraph ("Methods: …"), as the aggregator reader does it.
The print date is the publication date (PubMed's choice), the online date the epub date.
Full-text "link"s are for text mining and often behind a paywall: they are not
open-access links and are left out.
"""

from __future__ import annotations

import re

from ..normalize import expand_pages, iso_date, normalize_doi, strip_controls
from ..records import Author, Claim, Grant, PaperRecord, Reference
from .pubmed_page import reference_from_text
from .common import publication_type, as_list, author, jats_abstract, json_head
from .common import date_parts, has_any, integer, issns, plain, read_items, text_of

NAME = "crossref"
TRUST = 1

# Keys only Crossref writes (CSL-JSON has container-title and date-parts too, not these).
CROSSREF_KEYS = ("message-type", "is-referenced-by-count", "reference-count", "references-count", "content-domain",
                 "short-container-title", "issn-type", "published-print", "published-online", "deposited")


def is_crossref(head: str) -> bool:
    return has_any(head, CROSSREF_KEYS)


def looks_like(text: str) -> bool:
    head = json_head(text)
    return head is not None and is_crossref(head)


def _unwrap(data: dict):
    message = data.get("message")
    if data.get("message-type") == "work-list" and isinstance(message, dict) and isinstance(message.get("items"), list):
        return message["items"], "items"
    return None


def read(text: str):
    return read_items(text, _unwrap, lambda item: parse_work(item["message"] if _is_envelope(item) else item))


def _is_envelope(data: dict) -> bool:
    return isinstance(data.get("message"), dict) and "message-type" in data


def parse_work(work: dict) -> PaperRecord:
    if _is_envelope(work) or work.get("message-type") == "work-list":
        raise ValueError(f"a Crossref {text_of(work.get('message-type'))} response inside a list")
    title = plain(work.get("title"))
    subtitle = plain(work.get("subtitle"))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    record = PaperRecord(format=NAME, title=title or "")
    record.doi = normalize_doi(text_of(work.get("DOI")))
    if not title:
        raise ValueError(f"work {record.doi} has no title" if record.doi else "work has no title and no DOI")
    abstract = work.get("abstract")
    record.abstract = jats_abstract(strip_controls(abstract)) if isinstance(abstract, str) else None
    record.journal_title = plain(work.get("container-title"))
    record.journal_abbreviation = plain(work.get("short-container-title"))
    typed = [t.get("value") for t in as_list(work.get("issn-type")) if isinstance(t, dict)]
    record.issns = issns(work.get("ISSN"), typed)

    printed = _date(work, "published-print") or _date(work, "issued") or _date(work, "published")
    online = _date(work, "published-online")
    year, month, day = printed or online or (None, None, None)
    record.year, record.publication_date = year, iso_date(year, month, day)
    record.epub_date = iso_date(*online) if online else None

    record.volume = text_of(work.get("volume"))
    record.issue = text_of(work.get("issue"))
    record.pages = expand_pages(text_of(work.get("page")) or text_of(work.get("article-number")))
    kind = text_of(work.get("type"))
    record.publication_types = publication_type(kind)
    record.citation_count = integer(work.get("is-referenced-by-count"))

    for person in as_list(work.get("author")):
        a = _author(person) if isinstance(person, dict) else None
        if a:
            record.authors.append(a)
    for position, ref in enumerate([r for r in as_list(work.get("reference")) if isinstance(r, dict)], 1):
        reference = _reference(position, ref)
        if reference:
            record.references.append(reference)
    # renumber: references with nothing printed were skipped
    for position, reference in enumerate(record.references, 1):
        reference.position = position
    for funder in as_list(work.get("funder")):
        if isinstance(funder, dict):
            _funder(record, funder)

    licence = _licence(work.get("license"))
    if licence:
        record.claims.append(Claim("license", *licence))
    for key, field in (("publisher", "publisher"), ("language", "language")):
        value = text_of(work.get(key))
        if value:
            record.claims.append(Claim(field, value, None))
    return record


def _date(work: dict, key: str):
    year, month, day = date_parts(work.get(key))
    return (year, month, day) if year else None


def _author(person: dict) -> Author | None:
    affiliations = [text_of(a.get("name")) for a in as_list(person.get("affiliation")) if isinstance(a, dict)]
    if text_of(person.get("name")) and not (person.get("family") or person.get("given")):
        return author(name=text_of(person.get("name")), group=True)  # an organisation as author
    family = text_of(person.get("family"))
    suffix = text_of(person.get("suffix"))
    return author(family=family, given=text_of(person.get("given")), orcid_id=text_of(person.get("ORCID")),
                  affiliations=[a for a in affiliations if a],
                  name=None if not suffix else " ".join(filter(None, [text_of(person.get("given")), family, suffix])))


YEAR = re.compile(r"(1[5-9]|20)[0-9][0-9]")


def _reference(position: int, ref: dict) -> Reference | None:
    """A Reference from Crossref's reference entry: the text as deposited
    ("unstructured"), else one made of its parts."""
    doi = normalize_doi(text_of(ref.get("DOI")))
    year_text = text_of(ref.get("year")) or ""
    year = int(YEAR.search(year_text).group(0)) if YEAR.search(year_text) else None
    parts = dict(authors=plain(ref.get("author")), title=plain(ref.get("article-title")),
                 journal=plain(ref.get("journal-title") or ref.get("volume-title") or ref.get("series-title")),
                 volume=text_of(ref.get("volume")), issue=text_of(ref.get("issue")),
                 pages=expand_pages(text_of(ref.get("first-page"))))
    citation = plain(ref.get("unstructured"))
    if not citation:  # as Vancouver prints it: "Thompson RF. Title. Nat Rev Neurosci. 2004;8(1):1031."
        where = (str(year) if year else "") + (f";{parts['volume']}" if parts["volume"] else "") + (
            f"({parts['issue']})" if parts["issue"] else "") + (f":{parts['pages']}" if parts["pages"] else "")
        bits = [parts["authors"], parts["title"], parts["journal"], where.lstrip(";:")]
        citation = ". ".join(b.rstrip(".") for b in bits if b) + "." if any(bits) else (f"doi:{doi}" if doi else None)
    if not citation:
        return None
    if ref.get("unstructured") and not any(parts.values()):  # the deposited text alone: its parts where its shape allows
        found = reference_from_text(position, citation)
        found.doi, found.year = doi or found.doi, year or found.year
        return found
    return Reference(position=position, citation=citation, year=year, doi=doi, **parts)


def _funder(record: PaperRecord, funder: dict):
    agency = plain(funder.get("name"))
    awards = [a for a in (text_of(x) for x in as_list(funder.get("award")) if isinstance(x, str)) if a]
    for award in awards or [None]:
        if not (agency or award):
            continue
        entry = Grant(text=f"{award} ({agency})" if award and agency else award or agency, grant_id=award,
                      agency=agency)
        if entry not in record.grants:
            record.grants.append(entry)


def _licence(licences) -> tuple[str, str] | None:
    """The URL of the licence of the version of record ("vor") and a note saying so;
    without one, the first other licence (the accepted manuscript's, "am", or one given
    for no particular version), said as such. A text-and-data-mining licence ("tdm",
    Springer's, Elsevier's) says what a machine may do with the text, not the article's
    licence: never taken."""
    entries = [entry for entry in as_list(licences) if isinstance(entry, dict) and text_of(entry.get("URL"))
               and entry.get("content-version") != "tdm"]
    chosen = next((e for e in entries if e.get("content-version") == "vor"), entries[0] if entries else None)
    if chosen is None:
        return None
    version = chosen.get("content-version")
    note = LICENCE_NOTES.get(version, "licence Crossref gives for no particular version (content-version "
                                      f"{text_of(version) or 'absent'})")
    return text_of(chosen.get("URL")), note


LICENCE_NOTES = {"vor": "licence of the version of record, as Crossref states it",
                 "am": "licence of the accepted manuscript, as Crossref states it (none for the version of record)"}
