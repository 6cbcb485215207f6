"""CSL-JSON: what Zotero ("Export: CSL JSON"), Mendeley, citeproc-js and pandoc read and
write. One item or an array of items:

    [{"id": "http://zotero.org/users/local/x/items/ABCD", "type": "article-journal",
      "title": "...", "container-title": "Cerebellum & Ataxias", "page": "6", "volume": "4",
      "DOI": "10.1186/...", "ISSN": "2053-8871", "journalAbbreviation": "Cerebellum Ataxias",
      "note": "PMID: 28515951\\nPMCID: PMC5429509", "author": [{"family": "Bologna", "given": "Matteo"}],
      "issued": {"date-parts": [["2017", 5, 12]]}}]

Zotero writes date parts as strings or numbers and keeps PubMed ids in "note" lines
(newer versions as PMID / PMCID variables): both are read. A {"literal": ...} name is an
institution (Zotero's single-field creators) and becomes a group author. Name particles
(dropping and non-dropping) are part of the family name; a suffix only of the display name.

This module also holds the small JSON helpers every JSON reader uses (the items of a
top-level array with the line each starts on, text values, dates as date-parts, ISSNs).
"""

from __future__ import annotations

import re

from ..normalize import clean_space, expand_pages, iso_date, normalize_doi
from ..records import Claim, PaperRecord
from .common import (publication_type, 
    as_list, author, date_parts, has_any, issns, json_head, paragraphs, plain, pmcid_of, pmid_of, read_items, text_of,
)

NAME = "csl_json"
TRUST = 3

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
    from . import aggregator_json, crossref, europepmc, openalex, semantic_scholar  # the other JSON shapes
    if (crossref.is_crossref(head) or openalex.is_openalex(head) or semantic_scholar.is_semantic_scholar(head)
            or europepmc.is_europepmc(head) or aggregator_json.is_aggregator(text, head)):
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
    for name in as_list(item.get("author")):
        if not isinstance(name, dict):
            continue
        literal = text_of(name.get("literal"))
        if (literal or text_of(name.get("family")) or "").lower() in CUT_MARKERS:
            record.authors_complete = False
            continue
        if literal:
            a = author(name=literal, group=True)
        else:
            # both particles belong to the family name, as the other readers keep them:
            # {"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"} ->
            # "van Beethoven"; a suffix ("Jr.") shows in the name only, as in Crossref's
            family, given = text_of(name.get("family")), text_of(name.get("given"))
            if family:
                family = " ".join(filter(None, [text_of(name.get("dropping-particle")),
                                                text_of(name.get("non-dropping-particle")), family]))
            suffix = text_of(name.get("suffix"))
            a = author(family=family, given=given, orcid_id=text_of(name.get("ORCID")),
                       name=" ".join(filter(None, [given, family, suffix])) if suffix and family else None)
        if a:
            record.authors.append(a)
    kind = text_of(item.get("type"))
    record.publication_types = publication_type(kind)
    keywords = item.get("keyword")
    if isinstance(keywords, list):  # not CSL, but some writers give a list
        keywords = ", ".join(k for k in keywords if isinstance(k, str))
    record.keywords = [k for k in (clean_space(k) for k in KEYWORD_SEPARATOR.split(text_of(keywords) or "")) if k]
    language = text_of(item.get("language"))
    if language:
        record.claims.append(Claim("language", language, None))
    return record
