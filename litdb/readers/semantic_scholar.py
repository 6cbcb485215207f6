"""Semantic Scholar Graph API paper JSON (api.semanticscholar.org/graph/v1/paper/...):
one paper, the list a batch request returns (null where an id was not found), or a
search page ({"total": ..., "offset": ..., "next": ..., "data": [...]}).

fieldsOfStudy and s2FieldsOfStudy are Semantic Scholar's classifiers, not the paper's
keywords, and are left out. openAccessPdf is {"url", "status", ...}; its url may be
empty, and a link that is not http(s) is never taken. One paper a line (NDJSON) is read
too: the files of the datasets ("papers", its fields in lower case) and API answers
saved a line each.

A preprint server (arXiv, bioRxiv, medRxiv, SSRN, Research Square...) is no journal:
Semantic Scholar's journal {"name": "ArXiv", "volume": "abs/2101.00001"} and venue
"arXiv.org" give no journal, volume or ISSN; the arXiv id is the "arxiv" claim.
"""

from __future__ import annotations

import re

from ..normalize import expand_pages, iso_date, normalize_doi
from ..records import Claim, PaperRecord, RecordError, Reference
from .common import as_list, author_from_display, json_head, ndjson_items, parse_date, publication_types, read_lines, unpadded
from .common import (boolean, has_any, open_access_link, integer, issns, paragraphs, plain, pmcid_of, pmid_of,
                       read_items, text_of)

NAME = "semantic_scholar"
TRUST = 2

# Keys of the Graph API's paper that no other JSON we read has (the aggregator's records,
# made from Semantic Scholar data, share citationCount, openAccessPdf and the like).
S2_KEYS = ("paperId", "externalIds", "corpusId", "s2FieldsOfStudy", "influentialCitationCount", "publicationVenue",
           "citationStyles", "externalids", "corpusid", "influentialcitationcount")  # the last: the datasets' names


def is_semantic_scholar(head: str) -> bool:
    return has_any(head, S2_KEYS)


def looks_like(text: str) -> bool:
    # (a batch answer whose first ids were not found opens with nulls: [null, {"paperId": ...)
    head = json_head(text)
    if head is None or not is_semantic_scholar(head):
        return False
    from .aggregator_json import is_aggregator
    return not is_aggregator(text, head)


def _data(data: dict):
    items = data.get("data")
    return (items, "data") if isinstance(items, list) and "paperId" not in data else None


NOT_FOUND = "null: Semantic Scholar found no paper for this id"


def read(text: str):
    lines = ndjson_items(text)
    if lines is not None:  # one paper a line: the datasets' files, API answers saved a line each
        return read_lines(lines, parse_paper)
    # /paper/batch answers null in the place of an id it does not know: say so
    return [RecordError(r.position, r.line, NOT_FOUND)
            if isinstance(r, RecordError) and r.reason.startswith("item is null") else r
            for r in read_items(text, _data, parse_paper)]




# The datasets (api.semanticscholar.org/datasets/v1, "papers") name the API's fields in
# lower case; their papers have no paperId, only a corpus id.
DATASET_KEYS = {"externalids": "externalIds", "corpusid": "corpusId", "citationcount": "citationCount",
                "isopenaccess": "isOpenAccess", "publicationtypes": "publicationTypes",
                "publicationdate": "publicationDate", "referencecount": "referenceCount",
                "influentialcitationcount": "influentialCitationCount", "s2fieldsofstudy": "s2FieldsOfStudy",
                "publicationvenueid": "publicationVenueId"}


def parse_paper(paper: dict) -> PaperRecord:
    if "externalids" in paper or "corpusid" in paper:
        paper = {DATASET_KEYS.get(key, key): value for key, value in paper.items()}
    ids = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    title = plain(paper.get("title"))
    record = PaperRecord(format=NAME, title=title or "")
    # "doi" at the top: the older v1 API (api.semanticscholar.org/v1/paper/...)
    record.doi = normalize_doi(text_of(ids.get("DOI"))) or normalize_doi(text_of(paper.get("doi")))
    record.pmid = pmid_of(ids.get("PubMed"))
    record.pmcid = pmcid_of(ids.get("PubMedCentral"))
    paper_id = text_of(paper.get("paperId"))
    corpus_id = text_of(paper.get("corpusId")) if not paper_id else None
    if not title:
        what = record.doi or record.pmid or paper_id or (corpus_id and f"with corpus id {corpus_id}")
        raise ValueError(f"paper {what} has no title" if what else "paper has no title and no identifier")
    record.abstract = paragraphs(paper.get("abstract"))

    journal = paper.get("journal") if isinstance(paper.get("journal"), dict) else {}
    venue = paper.get("publicationVenue") if isinstance(paper.get("publicationVenue"), dict) else {}
    # a preprint server is where the paper is, not its journal: {"name": "ArXiv", "volume":
    # "abs/2101.00001"} gives no journal and no volume, the venue "arXiv.org" no ISSN
    arxiv_volume = ARXIV_VOLUME.match(text_of(journal.get("volume")) or "") if journal.get("name") else None
    if is_preprint_server(plain(journal.get("name"))):
        journal = {}
    if is_preprint_server(plain(venue.get("name"))):
        venue = {}
    record.journal_title = (plain(journal.get("name")) or plain(venue.get("name"))
                            or (None if is_preprint_server(plain(paper.get("venue"))) else plain(paper.get("venue"))))
    record.volume = text_of(journal.get("volume"))
    record.pages = expand_pages(text_of(journal.get("pages")))
    record.issns = issns(venue.get("issn"), venue.get("alternate_issns"))

    year, month, day = unpadded(*parse_date(text_of(paper.get("publicationDate"))))
    record.year = year or _year(paper.get("year"))
    record.publication_date = iso_date(year, month, day) if year else iso_date(record.year)

    for person in as_list(paper.get("authors")):
        name = text_of(person.get("name")) if isinstance(person, dict) else None
        a = author_from_display(name) if name else None
        if a:
            record.authors.append(a)
    record.publication_types = publication_types(paper.get("publicationTypes"))
    record.citation_count = integer(paper.get("citationCount"))
    record.is_open_access = boolean(paper.get("isOpenAccess"))
    pdf = paper.get("openAccessPdf")
    open_access_link(record, pdf.get("url") if isinstance(pdf, dict) else None, "openAccessPdf")

    for position, ref in enumerate([r for r in as_list(paper.get("references")) if isinstance(r, dict)], 1):
        cited = plain(ref.get("title"))
        if cited:
            ref_ids = ref.get("externalIds") if isinstance(ref.get("externalIds"), dict) else {}
            record.references.append(Reference(
                position=len(record.references) + 1, citation=cited, title=cited, year=_year(ref.get("year")),
                journal=plain(ref.get("venue")) or None, doi=normalize_doi(text_of(ref_ids.get("DOI"))),
                pmid=pmid_of(ref_ids.get("PubMed"))))
    if paper_id:
        record.claims.append(Claim("semantic_scholar", paper_id, "Semantic Scholar paper id"))
    elif corpus_id:
        record.claims.append(Claim("semantic_scholar_corpus", corpus_id, "Semantic Scholar corpus id"))
    arxiv = text_of(ids.get("ArXiv")) or (arxiv_volume.group(1) if arxiv_volume and not journal else None)
    if arxiv:
        record.claims.append(Claim("arxiv", arxiv, "arXiv identifier"))
    return record


# Preprint servers as Semantic Scholar names them (journal.name, publicationVenue.name,
# venue): "ArXiv", "arXiv.org", "CoRR" (arXiv's computing section, as DBLP names it),
# "bioRxiv", "medRxiv", "ChemRxiv", "PsyArXiv", "SSRN Electronic Journal", "Research Square".
PREPRINT_SERVER = re.compile(r"^(?:\w*rxiv\b.*|corr|ssrn\b.*|social science research network|research square\b.*|"
                             r"preprints(?:\.org)?|osf preprints|authorea(?: preprints)?)$", re.IGNORECASE)
# arXiv's id as a DBLP-style "volume": "abs/2101.00001", "abs/cs/0112017"
ARXIV_VOLUME = re.compile(r"^abs/(\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})$")


def is_preprint_server(name: str | None) -> bool:
    return bool(name) and PREPRINT_SERVER.match(name.strip()) is not None


def _year(value) -> int | None:
    """A year given as a number: a four-digit one (a damaged 22019 is no year)."""
    year = integer(value)
    return year if year is not None and 1000 <= year <= 2999 else None
