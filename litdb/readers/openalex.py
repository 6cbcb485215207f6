"""OpenAlex work JSON (api.openalex.org/works/W…): one work, a list of works, or a page
of results ({"meta": {...}, "results": [...]}).

Both shapes in the wild are read: the current one (primary_location.source, keywords,
raw_affiliation_strings, raw_author_name) and the one before 2023 (host_venue,
raw_affiliation_string). The abstract is rebuilt from abstract_inverted_index (word ->
positions). referenced_works are OpenAlex ids without any citation text, so they are
not references (a Reference is a citation as printed); concepts and topics are
OpenAlex's classifiers, not the paper's keywords, and are left out.

The snapshot (openalex-snapshot/data/works/.../part_000.gz, unzipped) has one work a
line (NDJSON): read too, each line a record, a bad line a RecordError at its line.
"""

from __future__ import annotations

import re

from ..normalize import expand_pages, iso_date, normalize_doi
from ..records import Claim, Grant, MeshTerm, PaperRecord
from .common import as_list, author_from_display, json_head, ndjson_items, parse_date, read_lines, unpadded
from .common import (publication_type, boolean, has_any, open_access_link, integer, issns, paragraphs, plain, pmcid_of, pmid_of,
                       read_items, text_of)

NAME = "openalex"
TRUST = 2

# Keys only OpenAlex works have (snake case: nothing else we read writes them).
OPENALEX_KEYS = ("abstract_inverted_index", "authorships", "publication_year", "primary_location", "host_venue",
                 "cited_by_count", "referenced_works", "display_name", "type_crossref", "best_oa_location")


def is_openalex(head: str) -> bool:
    return has_any(head, OPENALEX_KEYS) or '"id":"https://openalex.org/W' in "".join(head[:4096].split())


def looks_like(text: str) -> bool:
    head = json_head(text)
    return head is not None and is_openalex(head)


def _results(data: dict):
    results = data.get("results")
    return (results, "results") if isinstance(results, list) and ("meta" in data or "id" not in data) else None


def read(text: str):
    lines = ndjson_items(text)
    if lines is not None:  # the snapshot's files: one work a line
        return read_lines(lines, parse_work)
    return read_items(text, _results, parse_work)


OPENALEX_ID = re.compile(r"(?:https?://openalex\.org/)?(W[0-9]+)$", re.IGNORECASE)


def parse_work(work: dict) -> PaperRecord:
    ids = work.get("ids") if isinstance(work.get("ids"), dict) else {}
    title = plain(work.get("title")) or plain(work.get("display_name"))
    record = PaperRecord(format=NAME, title=title or "")
    record.doi = normalize_doi(text_of(work.get("doi"))) or normalize_doi(text_of(ids.get("doi")))
    record.pmid = pmid_of(ids.get("pmid"))
    record.pmcid = pmcid_of(ids.get("pmcid"))
    openalex_id = OPENALEX_ID.search(text_of(work.get("id")) or text_of(ids.get("openalex")) or "")
    if not title:
        what = record.doi or record.pmid or (openalex_id and openalex_id.group(1))
        raise ValueError(f"work {what} has no title" if what else "work has no title and no identifier")

    year, month, day = unpadded(*parse_date(text_of(work.get("publication_date"))))
    record.year = year or _year(work.get("publication_year"))
    record.publication_date = iso_date(year, month, day) if year else iso_date(record.year)

    record.abstract = _abstract(work.get("abstract_inverted_index"))
    _authors(record, work)
    _venue(record, work)

    biblio = work.get("biblio") if isinstance(work.get("biblio"), dict) else {}
    record.volume = text_of(biblio.get("volume"))
    record.issue = text_of(biblio.get("issue"))
    first, last = text_of(biblio.get("first_page")), text_of(biblio.get("last_page"))
    record.pages = expand_pages(f"{first}-{last}" if first and last and first != last else first or last)

    kind = text_of(work.get("type")) or text_of(work.get("type_crossref"))
    record.publication_types = publication_type(kind)
    record.citation_count = integer(work.get("cited_by_count"))

    access = work.get("open_access") if isinstance(work.get("open_access"), dict) else {}
    record.is_open_access = boolean(access.get("is_oa"))
    open_access_link(record, access.get("oa_url"), "open_access.oa_url")

    for keyword in as_list(work.get("keywords")):
        # current shape {"id", "display_name", "score"}; 2023 {"keyword", "score"}
        word = plain(keyword.get("display_name") or keyword.get("keyword")) if isinstance(keyword, dict) else None
        if word and word not in record.keywords:
            record.keywords.append(word)
    for mesh in as_list(work.get("mesh")):
        term = plain(mesh.get("descriptor_name")) if isinstance(mesh, dict) else None
        if term:
            entry = MeshTerm(term, plain(mesh.get("qualifier_name")), mesh.get("is_major_topic") is True)
            if entry not in record.mesh_terms:
                record.mesh_terms.append(entry)
    # OpenAlex lists a descriptor once bare and once per qualifier: the bare entry says
    # nothing more when a qualified one is there.
    qualified = {m.term for m in record.mesh_terms if m.qualifier}
    record.mesh_terms = [m for m in record.mesh_terms if m.qualifier or m.term not in qualified]
    _grants(record, work)

    if openalex_id:
        record.claims.append(Claim("openalex", openalex_id.group(1).upper(), "OpenAlex work id"))
    language = text_of(work.get("language"))
    if language:
        record.claims.append(Claim("language", language, None))
    if work.get("is_retracted") is True:
        record.claims.append(Claim("retracted", "true", "OpenAlex marks the work as retracted"))
        if "Retracted Publication" not in record.publication_types:  # PubMed's word for it: lists flag it
            record.publication_types.append("Retracted Publication")
    return record


def _abstract(index) -> str | None:
    """The text of an inverted index {"Despite": [0], "in": [3, 57]}: words put back at
    their positions (sorted, never an array as long as the largest position)."""
    if not isinstance(index, dict):
        return None
    placed = sorted((p, word) for word, positions in index.items() if isinstance(positions, list)
                    for p in positions if isinstance(p, int) and not isinstance(p, bool))
    return paragraphs(" ".join(word for _, word in placed)) if placed else None


def _authors(record: PaperRecord, work: dict):
    for authorship in as_list(work.get("authorships")):
        if not isinstance(authorship, dict):
            continue
        person = authorship.get("author") if isinstance(authorship.get("author"), dict) else {}
        name = text_of(person.get("display_name")) or text_of(authorship.get("raw_author_name"))
        raw = authorship.get("raw_affiliation_strings")  # current shape: a list
        if not isinstance(raw, list):
            raw = [authorship.get("raw_affiliation_string")]  # before 2023: one string
        affiliations = [t for t in (plain(a) for a in raw) if t]
        if not affiliations:
            affiliations = [t for t in (plain(i.get("display_name")) for i in as_list(authorship.get("institutions"))
                                        if isinstance(i, dict)) if t]
        a = author_from_display(name or "", orcid_id=text_of(person.get("orcid")), affiliations=affiliations)
        if a:
            record.authors.append(a)
    # Lists of works give at most 100 authors a work and say so.
    record.authors_complete = work.get("is_authors_truncated") is not True


def _venue(record: PaperRecord, work: dict):
    """The journal: the source of the first location that is a journal, the primary
    location first, then the others in their order ("locations"; before 2023,
    host_venue then alternate_host_venues). A repository (PubMed Central, arXiv,
    medRxiv, a university's) is where a copy is, not the journal, and its host
    (the National Institutes of Health for PMC) is not the publisher: no journal, ISSN
    or publisher from it. A source of another type (a conference, a book series) stands
    when there is no journal."""
    locations = [location for location in [work.get("primary_location")] + as_list(work.get("locations"))
                 if isinstance(location, dict)]
    if locations:
        sources, publisher_key = [location.get("source") for location in locations], "host_organization_name"
    else:  # before 2023
        sources = [work.get("host_venue")] + as_list(work.get("alternate_host_venues"))
        publisher_key = "publisher"
    sources = [s for s in sources if isinstance(s, dict) and text_of(s.get("type")) != "repository"]
    source = next((s for s in sources if text_of(s.get("type")) == "journal"), sources[0] if sources else {})
    record.journal_title = plain(source.get("display_name"))
    record.issn_l = (issns(source.get("issn_l")) or [None])[0]
    record.issns = issns(source.get("issn"))
    publisher = text_of(source.get(publisher_key))
    if publisher:
        record.claims.append(Claim("publisher", publisher, None))


def _grants(record: PaperRecord, work: dict):
    """"grants" [{"funder", "funder_display_name", "award_id"}] until 2025, then
    "awards" [{"funder_award_id", "funder_display_name", ...}]."""
    for grant in [g for key in ("grants", "awards") if isinstance(work.get(key), list) for g in work[key]]:
        if not isinstance(grant, dict):
            continue
        agency = plain(grant.get("funder_display_name"))
        grant_id = text_of(grant.get("award_id") or grant.get("funder_award_id"))
        if not (agency or grant_id):
            continue
        entry = Grant(text=f"{grant_id} ({agency})" if grant_id and agency else grant_id or agency,
                      grant_id=grant_id, agency=agency)
        if entry not in record.grants:
            record.grants.append(entry)


def _year(value) -> int | None:
    """A year given as a number: a four-digit one (a damaged 22019 is no year)."""
    year = integer(value)
    return year if year is not None and 1000 <= year <= 2999 else None
