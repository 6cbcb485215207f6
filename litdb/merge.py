"""One paper, many sources: merge the records of one paper into its rows.

Identity (the grouping itself runs in SQL, litdb/load.py): records are the same paper
when they share a DOI (compared lower-case) or a PMID; records with the same
normalised title and year join them, unless the papers so joined would carry
different DOIs.

Merge rule, field by field ("most complete wins"; ties go to the higher-priority
source: PubMed pages before aggregator records, then file name order):
- title, abstract, volume, issue, pages, journal title: the longest value;
- publication_date, epub_date: the most precise date ("2017-05-12" over "2017")
  among those that agree with the highest-priority source's (a more precise date
  never moves a paper to another year or month); year follows the chosen date;
- doi, pmid, pmcid, journal abbreviation, open_access_url, copyright: the first given;
- citation_count: the highest (counts only grow, so the highest is the latest);
- is_open_access: true when any source says the paper is free to read, else false
  when any source says it is not;
- authors: the longest list (then the one with more characters: full names over
  initials); names are then upgraded from other sources where the same person
  (same surname, same first initial) is given more fully;
- publication_types, keywords: the union, in source order;
- references, MeSH terms, grants, affiliations: the source that lists the most.
Every source's value of every field goes to ``provenance``, with ``chosen`` = 1
when it is the value the paper shows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .normalize import fold, stable_id, title_key, to_json
from .records import PaperRecord
from .topics import Vocabulary, paper_topics

SOURCE_PRIORITY = {"pubmed_page": 0, "aggregator_json": 1}
JOURNAL_STOPWORDS = {"and", "of", "the", "for", "in", "on", "a", "an", "de", "la", "und", "et"}


@dataclass
class SourceRecord:
    source_id: int
    filename: str
    record: PaperRecord


def priority_order(group: list[SourceRecord]) -> list[SourceRecord]:
    """Sources of one paper, highest priority first: PubMed pages, then file name order."""
    return sorted(group, key=lambda s: (SOURCE_PRIORITY.get(s.record.format, 9), s.filename, s.source_id))


def paper_rows(group: list[SourceRecord], topics: Vocabulary, salt: str | None = None) -> dict[str, list[dict]]:
    """All rows one paper contributes, from the records of its sources: the papers
    row, its authors, references, MeSH terms, grants, topics and provenance, and the
    journal as its sources name it (resolved to a journal id once all are known)."""
    paper = merge_group(priority_order(group), salt)
    chosen = paper.pop("_chosen")
    title, abbreviation = paper.pop("_journal")
    rows = {"papers": [paper], "paper_authors": [], "author_names": [], "paper_references": [],
            "mesh_terms": [], "grants": [], "provenance": chosen["provenance"],
            "journal_mentions": [{"paper_id": paper["id"], "title": title, "abbreviation": abbreviation}]}
    for position, (name, affiliations) in enumerate(chosen["authors"], 1):
        author_id = stable_id("author", name_key(name))
        rows["paper_authors"].append({
            "paper_id": paper["id"], "author_id": author_id, "position": position,
            "affiliations": to_json(affiliations) if affiliations else None,
        })
        rows["author_names"].append({"author_id": author_id, "paper_id": paper["id"], "name": name})
    for ref in chosen["references"]:
        rows["paper_references"].append({**vars(ref), "paper_id": paper["id"]})  # flat dataclasses: vars() is asdict() without the deep copy
    for position, term in enumerate(chosen["mesh_terms"], 1):
        rows["mesh_terms"].append({"paper_id": paper["id"], "position": position, **vars(term)})
    for position, grant in enumerate(chosen["grants"], 1):
        rows["grants"].append({"paper_id": paper["id"], "position": position, **vars(grant)})
    rows["paper_topics"] = paper_topics(topics, paper, rows["mesh_terms"])
    return rows


def _first(values):
    return values[0] if values else None


def _longest(values):
    return max(values, key=len) if values else None  # max() keeps the first of equals


def _most_precise_date(values):
    """The most precise of the dates that agree with the first source's date: a more
    precise date never moves a paper to another year or month ("2022-01" stays even
    when another source says "2021-10-05", its e-publication date)."""
    if not values:
        return None
    agreeing = [v for v in values if v.startswith(values[0]) or values[0].startswith(v)]
    return max(agreeing, key=len)


RULES = {
    "title": _longest, "abstract": _longest, "volume": _longest, "issue": _longest,
    "pages": _longest, "journal_title": _longest, "publication_date": _most_precise_date,
    "epub_date": _most_precise_date, "doi": _first, "pmid": _first, "pmcid": _first,
    "journal_abbreviation": _first, "open_access_url": _first, "copyright": _first,
    "citation_count": lambda vs: max(vs) if vs else None,
    "is_open_access": lambda vs: (True in vs) or (False if False in vs else None),
}


def merge_group(group: list[SourceRecord], salt: str | None = None) -> dict:
    """One ``papers`` row (plus the chosen child lists and provenance) from one cluster."""
    records = [s.record for s in group]
    merged = {}
    for field, rule in RULES.items():
        merged[field] = rule([getattr(r, field) for r in records if getattr(r, field) is not None])
    years = [r.year for r in records if r.year is not None]
    merged["year"] = int(merged["publication_date"][:4]) if merged["publication_date"] else _first(years)

    authors, complete, author_source = merge_authors(records)
    merged["authors"] = authors
    merged["authors_complete"] = complete
    merged["publication_types"] = _union(r.publication_types for r in records)
    merged["keywords"] = _union(r.keywords for r in records)
    most = {k: max(records, key=lambda r: len(getattr(r, k))) for k in ("references", "mesh_terms", "grants")}

    if merged["doi"]:
        identity = "doi:" + merged["doi"]
    elif merged["pmid"]:
        identity = "pmid:" + merged["pmid"]
    elif title_key(merged["title"]):
        identity = f"title:{title_key(merged['title'])}:{merged['year']}"
    else:  # a title of punctuation only ("???"): the paper is known by where it came from
        identity = f"source:{group[0].filename}:{group[0].record.title}"
    # The salt sets apart a paper whose identity another paper has already (see
    # load.take_out_shared_papers).
    paper_id = stable_id("paper", identity, *([salt] if salt else []))

    # Affiliation texts by author, when the source that gave the names printed them.
    with_affiliations = []
    for k, name in enumerate(authors):
        texts = []
        if author_source is not None and k < len(author_source.author_affiliations):
            numbers = author_source.author_affiliations[k]
            texts = [author_source.affiliations[n] for n in numbers if n in author_source.affiliations]
        with_affiliations.append((name, texts))

    provenance = []
    for s in group:
        for field, value, note in _source_values(s.record):
            chosen_value = _shown(field, merged, most)
            provenance.append({
                "paper_id": paper_id, "source_id": s.source_id, "field": field, "value": value,
                "chosen": None if field.startswith("aggregator:") or note else int(value == chosen_value),
                "note": note,
            })
    return {
        "id": paper_id,
        "doi": merged["doi"],
        "pmid": merged["pmid"],
        "pmcid": merged["pmcid"],
        "title": merged["title"],
        "abstract": merged["abstract"],
        "journal_id": None,
        "_journal": (merged["journal_title"], merged["journal_abbreviation"]),
        "year": merged["year"],
        "publication_date": merged["publication_date"],
        "epub_date": merged["epub_date"],
        "volume": merged["volume"],
        "issue": merged["issue"],
        "pages": merged["pages"],
        "citation_count": merged["citation_count"],
        "is_open_access": None if merged["is_open_access"] is None else int(merged["is_open_access"]),
        "open_access_url": merged["open_access_url"],
        "authors_complete": int(complete),
        "authors": to_json(authors),
        "publication_types": to_json(merged["publication_types"]),
        "keywords": to_json(merged["keywords"]),
        "copyright": merged["copyright"],
        "reference_count": len(most["references"].references),
        "source_count": len({s.source_id for s in group}),
        "_chosen": {
            "authors": with_affiliations,
            "references": most["references"].references,
            "mesh_terms": most["mesh_terms"].mesh_terms,
            "grants": most["grants"].grants,
            "provenance": provenance,
        },
    }


def _union(lists) -> list[str]:
    out, seen = [], set()
    for items in lists:
        for item in items:
            if item.casefold() not in seen:
                seen.add(item.casefold())
                out.append(item)
    return out


def merge_authors(records: list[PaperRecord]) -> tuple[list[str], bool, PaperRecord | None]:
    """The longest author list, names upgraded from the other sources; is it complete?"""
    with_authors = [r for r in records if r.authors]
    if not with_authors:
        return [], False, None
    best = max(with_authors, key=lambda r: (len(r.authors), sum(map(len, r.authors))))
    names = list(best.authors)
    for other in with_authors:
        if other is best:
            continue
        for k, name in enumerate(names):
            for candidate in other.authors:
                if len(candidate) > len(name) and same_person(name, candidate):
                    names[k] = candidate
    complete = best.authors_complete or any(
        r.authors_complete and len(r.authors) == len(names) for r in with_authors
    )
    return names, complete, best


def name_key(name: str) -> str:
    """A name's words, folded: 'Lehéricy S' -> 'lehericy s'; names in any script keep their letters."""
    return re.sub(r"[\W\d_]+", " ", fold(name)).strip()


def same_person(a: str, b: str) -> bool:
    """'A Malone' and 'Ailish Malone': same surname, compatible first initial."""
    ta, tb = name_key(a).split(), name_key(b).split()
    return bool(ta and tb) and ta[-1] == tb[-1] and (len(ta) == 1 or len(tb) == 1 or ta[0][0] == tb[0][0])


def _value_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return to_json(value)
    return str(value)


PROVENANCE_FIELDS = [
    "title", "doi", "pmid", "pmcid", "abstract", "journal_title", "journal_abbreviation",
    "year", "publication_date", "epub_date", "volume", "issue", "pages", "citation_count",
    "is_open_access", "open_access_url", "authors", "authors_complete", "publication_types",
    "keywords", "copyright",
]


def _source_values(record: PaperRecord):
    """(field, value as text, note) for everything one record says."""
    for field in PROVENANCE_FIELDS:
        value = getattr(record, field)
        if value is None or value == []:
            continue
        if field == "authors_complete" and not record.authors:
            continue
        yield field, _value_text(value), None
    for field in ("references", "mesh_terms", "grants"):
        if getattr(record, field):
            yield field, str(len(getattr(record, field))), None
    for claim in record.claims:
        yield claim.field, claim.value, claim.note


def _shown(field, merged, most) -> str | None:
    """The value the papers row shows for a field, as text, to mark provenance as chosen."""
    if field in ("references", "mesh_terms", "grants"):
        return str(len(getattr(most[field], field)))
    return _value_text(merged.get(field))


@functools.lru_cache(maxsize=65536)
def _journal_words(name: str | None) -> tuple[str, ...]:
    """Significant words of a journal name. NLM catalogue titles carry a subtitle
    ("Movement disorders : official journal of the Movement Disorder Society"):
    only the part before " : " names the journal."""
    # and "(London, England)" after a title only says where it is published
    name = re.sub(r"\s*\([^)]*\)\s*$", "", (name or "").split(" : ")[0]) or name or ""
    return tuple(w for w in re.findall(r"[^\W_]+", fold(name)) if w not in JOURNAL_STOPWORDS)


def is_abbreviation_of(abbreviation: str, title: str) -> bool:
    """'Cerebellum Ataxias' abbreviates 'Cerebellum and Ataxias'; 'Proc Natl Acad Sci'
    abbreviates 'Proceedings of the National Academy of Sciences': word for word, each
    abbreviated word starts like the full word and its letters follow in order."""
    full = _journal_words(title)
    # "U S A" keeps its "A": stop words are dropped from the abbreviation only if that fits.
    for short in (re.findall(r"[^\W_]+", fold(abbreviation)), _journal_words(abbreviation)):
        if short and len(short) == len(full) and all(
            a[0] == t[0] and _letters_in_order(a, t) for a, t in zip(short, full)
        ):
            return True
    return False


def _letters_in_order(short: str, word: str) -> bool:
    rest = iter(word)
    return all(ch in rest for ch in short)


def assign_journals(mentions: list[tuple[str | None, str | None]]) -> tuple[list[dict], dict]:
    """One journal per group of (title, abbreviation) mentions: the pair a paper's
    sources give joins its two names; an abbreviation seen alone joins the single
    title it abbreviates (if exactly one does). Returns the ``journals`` rows (without
    paper counts) and the journal id of every mention."""
    mentions = sorted(set(m for m in mentions if m[0] or m[1]), key=lambda m: (m[0] or "", m[1] or ""))
    parent = list(range(len(mentions)))

    def find(i):
        while parent[i] != i:
            i = parent[i]
        return i

    def join(a, b):
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    first_by: dict = {}
    for i, (title, abbreviation) in enumerate(mentions):
        for kind, name in (("t", title), ("a", abbreviation)):
            words = " ".join(_journal_words(name))
            if words:
                if (kind, words) in first_by:
                    join(first_by[(kind, words)], i)
                else:
                    first_by[(kind, words)] = i
    titles = {words: i for (kind, words), i in first_by.items() if kind == "t"}
    for (kind, words), i in first_by.items():
        if kind == "a" and mentions[i][0] is None:
            if words in titles:  # "Neuron" abbreviates the journal titled "Neuron"
                join(titles[words], i)
                continue
            matches = {find(j) for t, j in titles.items() if is_abbreviation_of(words, t)}
            if len(matches) == 1:
                join(matches.pop(), i)

    groups: dict[int, list[int]] = {}
    for i in range(len(mentions)):
        groups.setdefault(find(i), []).append(i)
    journals, journal_of, journal_ids = [], {}, set()
    for members in groups.values():
        titles_ = [mentions[i][0] for i in members if mentions[i][0]]
        abbreviations = [mentions[i][1] for i in members if mentions[i][1]]
        title = max(titles_, key=len) if titles_ else None
        abbreviation = sorted(abbreviations, key=lambda a: (-abbreviations.count(a), a))[0] if abbreviations else None
        key = " ".join(_journal_words(title or abbreviation)) or fold(title or abbreviation).strip()
        journal_id = stable_id("journal", key)
        if journal_id in journal_ids:  # names that fold alike but were not joined: keep them apart
            journal_id = stable_id("journal", key, title or "", abbreviation or "")
        journal_ids.add(journal_id)
        journals.append({
            # NLM catalogue titles carry a subtitle after " : ": the name leaves it out
            "id": journal_id, "name": (title or abbreviation).split(" : ")[0], "title": title,
            "abbreviation": abbreviation,
        })
        for i in members:
            journal_of[mentions[i]] = journal_id
    return sorted(journals, key=lambda j: j["id"]), journal_of


@functools.lru_cache(maxsize=65536)
def journal_matches(printed: str, title: str | None, abbreviation: str | None) -> bool:
    """Does a journal as printed in a reference name this journal?"""
    words = _journal_words(printed)
    return bool(words) and (
        any(words == _journal_words(n) for n in (abbreviation, title) if n)
        or bool(title and is_abbreviation_of(printed, title))
    )
