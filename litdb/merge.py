"""One paper, many sources: merge the records of one paper into its rows.

Identity (the grouping itself runs in SQL, litdb/load.py): records are the same paper
when they share a DOI (compared lower-case) or a PMID; records with the same
normalised title and year join them, unless the papers so joined would carry
different DOIs or their records name different first authors (the last word of the
first person's family name, folded: "Dystonia", 2018, is a review and a chapter).

Merge rule. Sources are trusted by kind, not by length: curated bibliographic records
(PubMed page, MEDLINE, PubMed XML, PubMed CSV) first, then publisher records (JATS,
Crossref, PMC pages) and PubMed's lists of results, then indexes (OpenAlex, Semantic
Scholar, Europe PMC, Web of Science, Scopus), then the aggregator
and citation-manager exports (RIS, BibTeX, CSL-JSON); within a kind, file name order,
then order in the file (each reader's TRUST, litdb/readers). Field by field (FIELDS):
- most fields: the value of the most trusted source that gives one. Values are
  compared normalised (case, markup, white space, a trailing full stop): titles that
  differ only so are one title, shown as the most trusted source prints it (a title
  or journal name in capitals only, as Web of Science prints journals, is shown as a
  less trusted source prints the same value in mixed case, when one does);
- publication_date, epub_date: the most precise date ("2017-05-12" over "2017") among
  those that agree with the most trusted source's (a more precise date never moves a
  paper to another year or month); year follows the chosen date;
- citation_count: the highest (counts only grow, so the highest is the latest);
- is_open_access: true when any source says the paper is free to read, else false
  when any source says it is not;
- authors: the most trusted complete list (else the longest list, ties to trust): a
  complete list completes an "et al." one. Each person is then completed from the
  other sources (same family name and first initial): a fuller name, an ORCID,
  affiliations;
- publication_types: the most trusted kind of source's lists (sources name types in
  vocabularies of their own: "Journal Article", "journal-article", "article-journal"):
  the longest, completed by the types the others of that kind add (a PubMed page never
  shows "Journal Article", which the same paper's MEDLINE record lists);
- keywords: the union, in trust order;
- the journal's ISSN-L and ISSNs: those of the most trusted source that names a journal
  and of the sources that agree with it (same name, or an ISSN in common): mentions that
  share an ISSN are one journal, so a source naming another journal adds none;
- references, MeSH terms, grants: the source that lists the most (ties to trust).
Every source's value of every field goes to ``provenance``, with ``chosen`` = 1 when
it is (normalised) the value the paper shows (keywords: always, each source's being part
of the union); a field whose sources give different
normalised values is a disagreement.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

from .normalize import fold, stable_id, title_key, to_json
from .readers import TRUST
from .records import Author, PaperRecord
from .schema import TABLES
from .topics import Vocabulary, paper_topics

JOURNAL_STOPWORDS = {"and", "of", "the", "for", "in", "on", "a", "an", "de", "la", "und", "et"}


@dataclass
class SourceRecord:
    source_id: int
    filename: str
    record: PaperRecord
    position: int = 0  # the record's place in its file


def priority_order(group: list[SourceRecord]) -> list[SourceRecord]:
    """Sources of one paper, most trusted first: by kind, then file name, then place."""
    return sorted(group, key=lambda s: (TRUST.get(s.record.format, 9), s.filename, s.source_id, s.position))


def paper_rows(group: list[SourceRecord], topics: Vocabulary, salt: str | None = None) -> dict[str, list[dict]]:
    """All rows one paper contributes, from the records of its sources: the papers
    row, its authors, references, MeSH terms, grants, topics, provenance and
    disagreements, and the journal as its sources name it (resolved to a journal id
    once all are known)."""
    paper = merge_group(priority_order(group), salt)
    chosen = paper.pop("_chosen")
    journal = paper.pop("_journal")
    rows = {"papers": [paper], "paper_authors": [], "author_names": [], "paper_references": [],
            "mesh_terms": [], "grants": [], "provenance": chosen["provenance"],
            "disagreement_fields": chosen["disagreements"],
            "journal_mentions": [{"paper_id": paper["id"], **journal}]}
    for position, person in enumerate(chosen["authors"], 1):
        author_id = stable_id("author", author_key(person))
        rows["paper_authors"].append({
            "paper_id": paper["id"], "author_id": author_id, "position": position, "name": person.name,
            "family": person.family, "given": person.given, "orcid": person.orcid,
            "affiliations": to_json(person.affiliations) if person.affiliations else None,
        })
        rows["author_names"].append({"author_id": author_id, "paper_id": paper["id"], "name": person.name,
                                     "orcid": person.orcid})
    for ref in chosen["references"]:
        rows["paper_references"].append({**vars(ref), "paper_id": paper["id"]})  # flat dataclasses: vars() is asdict() without the deep copy
    for position, term in enumerate(chosen["mesh_terms"], 1):
        rows["mesh_terms"].append({"paper_id": paper["id"], "position": position, **vars(term)})
    for position, grant in enumerate(chosen["grants"], 1):
        rows["grants"].append({"paper_id": paper["id"], "position": position, **vars(grant)})
    rows["paper_topics"] = paper_topics(topics, paper, rows["mesh_terms"])
    return rows


MARKUP = re.compile(r"<[^>]{0,200}>")


def value_key(text: str | None) -> str | None:
    """A value as compared between sources: markup, case, white space and a trailing
    full stop do not count ("Cerebellum and dystonia." is "cerebellum and Dystonia")."""
    if text is None:
        return None
    if "<" in text:
        text = MARKUP.sub("", text)
    return " ".join(fold(text).split()).rstrip(".").rstrip()


def _trusted(values):
    return values[0] if values else None


def _trusted_in_mixed_case(values, key=None):
    """The most trusted value; printed in capitals only ("NEUROBIOLOGY OF DISEASE"), the
    same value as another source prints it in mixed case, if one does: the same fact,
    not shouted. key: what makes two values the same (value_key; a journal's words for a
    journal, "CEREBELLUM & ATAXIAS" being "Cerebellum and Ataxias")."""
    if not values:
        return None
    first, key = values[0], key or value_key
    if first.isupper() and (len(first.split()) > 1 or len(first) >= 5):  # not an acronym: "JAMA", "BMJ", "DYT1"
        return next((v for v in values[1:] if not v.isupper() and key(v) == key(first)), first)
    return first


def _most_precise_date(values):
    """The most precise of the dates that agree with the most trusted source's date: a
    more precise date never moves a paper to another year or month ("2022-01" stays
    even when another source says "2021-10-05", its e-publication date)."""
    if not values:
        return None
    agreeing = [v for v in values if v.startswith(values[0]) or values[0].startswith(v)]
    return max(agreeing, key=len)  # max() keeps the first (most trusted) of equals


def _trusted_list(values):
    return values[0] if values else []


def merge_types(records: list[PaperRecord]) -> list[str]:
    """The publication types of the most trusted kind of source that gives any: its
    longest list (the first of equals), then the types the others of that kind add."""
    typed = [r for r in records if r.publication_types]
    if not typed:
        return []
    top = TRUST.get(typed[0].format, 9)
    lists = [r.publication_types for r in typed if TRUST.get(r.format, 9) == top]
    return _union([max(lists, key=len), *lists])


def _union(lists) -> list[str]:
    out, seen = [], set()
    for items in lists:
        for item in items:
            key = value_key(item)
            if key not in seen:
                seen.add(key)
                out.append(item)
    return out


# Every field of a record that becomes a value of the paper: its merge rule. Provenance
# lists these fields (and the counts of references, MeSH terms, grants) for every source.
FIELDS = {
    "title": _trusted_in_mixed_case, "doi": _trusted, "pmid": _trusted, "pmcid": _trusted, "abstract": _trusted,
    "journal_title": lambda vs: _trusted_in_mixed_case(vs, _journal_words), "journal_abbreviation": _trusted, "issn_l": None, "issns": None,  # journal_issns
    "year": _trusted, "publication_date": _most_precise_date,
    "epub_date": _most_precise_date, "volume": _trusted, "issue": _trusted, "pages": _trusted,
    "citation_count": lambda vs: max(vs) if vs else None,
    "is_open_access": lambda vs: (True in vs) or (False if False in vs else None),
    "open_access_url": _trusted, "authors": None, "authors_complete": None,  # merge_authors
    "publication_types": _trusted_list, "keywords": _union, "copyright": _trusted,
}
LISTS = ("references", "mesh_terms", "grants")  # the fullest list wins
PAPER_COLUMNS = TABLES["papers"]["columns"]  # the fields above that are papers columns keep their names


def column_value(field: str, value):
    """A merged value as its papers column holds it: lists as JSON (authors by name),
    truth values as 0 and 1."""
    if field == "authors":
        return to_json([a.name for a in value])
    if isinstance(value, bool):
        return int(value)
    return to_json(value) if isinstance(value, list) else value


def merge_group(group: list[SourceRecord], salt: str | None = None) -> dict:
    """One ``papers`` row (plus the chosen child lists, provenance and disagreements)
    from the records of one paper, most trusted first."""
    records = [s.record for s in group]
    merged = {}
    for field, rule in FIELDS.items():
        if rule is not None:
            merged[field] = rule([v for r in records if (v := getattr(r, field)) is not None and v != []])
    if merged["publication_date"]:
        merged["year"] = int(merged["publication_date"][:4])
    merged["publication_types"] = merge_types(records)
    merged["authors"], merged["authors_complete"] = merge_authors(records)
    merged["issn_l"], merged["issns"] = journal_issns(records)
    most = {k: max(records, key=lambda r: len(getattr(r, k))) for k in LISTS}  # max() keeps the first of equals

    if merged["doi"]:
        identity = "doi:" + merged["doi"]
    elif merged["pmid"]:
        identity = "pmid:" + merged["pmid"]
    elif title_key(merged["title"]):
        identity = f"title:{title_key(merged['title'])}:{merged['year']}"
    else:  # a title of punctuation only ("???"): the paper is known by where it came from
        identity = f"source:{group[0].filename}:{group[0].position}:{group[0].record.title}"
    # The salt sets apart a paper whose identity another paper has already (see
    # load.clashing_papers: such papers are merged again with one).
    paper_id = stable_id("paper", identity, *([salt] if salt else []))

    provenance, keys_by_field = [], {}
    for s in group:
        for field, value, note in _source_values(s.record):
            shown = _shown(field, merged, most)
            key = value_key(value)
            is_claim = field.startswith("aggregator:") or note is not None or field not in _COMPARED
            if not is_claim:
                keys_by_field.setdefault(field, set()).add(key)
            provenance.append({
                "paper_id": paper_id, "source_id": s.source_id, "field": field, "value": value,
                # (keywords are every source's together: each source's list is part of what is shown)
                "chosen": None if is_claim else int(field == "keywords" or key == value_key(shown)), "note": note,
            })
    disagreements = [{"paper_id": paper_id, "field": field, "value_count": len(keys)}
                     for field, keys in sorted(keys_by_field.items()) if len(keys) > 1]
    paper = {field: column_value(field, merged[field]) for field in FIELDS if field in PAPER_COLUMNS}
    return {
        **paper,
        "id": paper_id,
        "journal_id": None,
        "_journal": {"title": merged["journal_title"], "abbreviation": merged["journal_abbreviation"],
                     "issn_l": merged["issn_l"], "issns": to_json(merged["issns"]) if merged["issns"] else None},
        "reference_count": len(most["references"].references),
        "source_count": len({s.source_id for s in group}),
        "_chosen": {
            "authors": merged["authors"],
            "references": most["references"].references,
            "mesh_terms": most["mesh_terms"].mesh_terms,
            "grants": most["grants"].grants,
            "provenance": provenance,
            "disagreements": disagreements,
        },
    }


def journal_issns(records: list[PaperRecord]) -> tuple[str | None, list[str]]:
    """The ISSN-L and ISSNs of the paper's journal: those of the most trusted source that
    names a journal, and of the sources that agree with it (the same journal name, its
    significant words compared, or an ISSN in common). A source that names another journal adds none: journals sharing an ISSN
    are one journal, so one wrong source would otherwise join two journals."""
    named = [r for r in records if r.journal_title or r.journal_abbreviation or r.issns or r.issn_l]
    if not named:
        return None, []
    first = named[0]
    # the same significant words: "The Journal of Neuroscience" and "JOURNAL OF NEUROSCIENCE"
    names = {_journal_words(n) for n in (first.journal_title, first.journal_abbreviation) if n} - {()}
    issns = {*first.issns, *([first.issn_l] if first.issn_l else [])}
    agreeing = [first] + [r for r in named[1:] if names & {_journal_words(n) for n in (r.journal_title, r.journal_abbreviation) if n}
                          or issns & {*r.issns, *([r.issn_l] if r.issn_l else [])}]
    linking = next((r.issn_l for r in agreeing if r.issn_l), None)
    return linking, _union(r.issns for r in agreeing)


def merge_authors(records: list[PaperRecord]) -> tuple[list[Author], bool]:
    """The most trusted complete author list (else the longest), each person completed
    from the other sources; is the list complete?"""
    with_authors = [r for r in records if r.authors]
    if not with_authors:
        return [], False
    complete = [r for r in with_authors if r.authors_complete]
    best = complete[0] if complete else max(with_authors, key=lambda r: len(r.authors))
    people = [Author(**vars(a)) for a in best.authors]  # copies: the records stay as read
    for other in with_authors:
        if other is best:
            continue
        for person in people:
            match = next((c for c in other.authors if same_person(person, c)), None)
            if match is None:
                continue
            # a fuller name ("Ailish Malone" over "A Malone"); a full stop is no fuller
            if len(name_key(match.name)) > len(name_key(person.name)) and not person.group:
                person.name, person.given = match.name, match.given or person.given
                person.family = match.family or person.family
            person.orcid = person.orcid or match.orcid
            person.affiliations = person.affiliations or list(match.affiliations)
    return people, bool(complete)


# Letters that Unicode does not decompose into a Latin letter and an accent
# ("Łukasz" would stay apart from "Lukasz"): folded by hand.
LATIN_LETTERS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ð": "d", "Ð": "d",
                               "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th",
                               "ı": "i", "ħ": "h", "Ħ": "h", "ŀ": "l", "Ŀ": "l", "ŧ": "t", "Ŧ": "t"})


def name_key(name: str) -> str:
    """A name's words, folded: 'Lehéricy S' -> 'lehericy s', 'Łukasz' -> 'lukasz',
    'Søren' -> 'soren'; names in any script keep their letters."""
    return re.sub(r"[\W\d_]+", " ", fold(name.translate(LATIN_LETTERS) if not name.isascii() else name)).strip()


def author_key(person: Author) -> str:
    """Who an author is across papers: the name's words, folded, initials apart ("VG
    Shakkottai", as MEDLINE, PubMed's CSV and Web of Science give initials, is "V G
    Shakkottai", as PubMed's pages do); a group's whole name. Initials are a given name
    of two or three capitals ("ÅK" too); beside a family name in capitals ("SMITH, ANN"
    of old records) only two: "ANN" may be a name."""
    given = person.given or ""
    longest = 2 if (person.family or "").isupper() else 3
    if person.group or not (given.isalpha() and given.isupper() and 2 <= len(given) <= longest):
        return name_key(person.name)
    return name_key(person.name.replace(given, " ".join(given), 1))


def same_person(a: Author, b: Author) -> bool:
    """'A Malone' and 'Ailish Malone': same family name, compatible first initial."""
    if a.group or b.group:
        return a.group and b.group and name_key(a.name) == name_key(b.name)
    fa, fb = name_key(a.family or a.name.split()[-1]), name_key(b.family or b.name.split()[-1])
    ga, gb = name_key(a.given or ""), name_key(b.given or "")
    return bool(fa) and fa == fb and (not ga or not gb or ga[0] == gb[0])


def _value_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return to_json(value)
    return str(value)


def _source_values(record: PaperRecord):
    """(field, value as text, note) for everything one record says."""
    for field in FIELDS:
        value = getattr(record, field)
        if value is None or value == []:
            continue
        if field == "authors_complete" and not record.authors:
            continue
        if field == "authors":
            value = [a.name for a in value]
        yield field, _value_text(value), None
    for field in LISTS:
        if getattr(record, field):
            yield field, str(len(getattr(record, field))), None
    for claim in record.claims:
        yield claim.field, claim.value, claim.note


def _shown(field, merged, most) -> str | None:
    """The value the papers row shows for a field, as text, to mark provenance as chosen."""
    if field in LISTS:
        return str(len(getattr(most[field], field)))
    if field == "authors":
        return _value_text([a.name for a in merged["authors"]])
    return _value_text(merged.get(field))


# Fields whose sources' values are compared (chosen, disagreements); the rest are claims.
_COMPARED = set(FIELDS) | set(LISTS)


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


def assign_journals(mentions: list[tuple]) -> tuple[list[dict], dict]:
    """One journal per group of (title, abbreviation, issn_l, issns as JSON) mentions:
    mentions that share an ISSN are one journal; the pair a paper's sources give joins
    its two names; an abbreviation seen alone joins the single title it abbreviates (if
    exactly one does). Returns the ``journals`` rows (without paper counts) and the
    journal id of every mention."""
    mentions = sorted(set(m for m in mentions if m[0] or m[1]), key=lambda m: tuple(v or "" for v in m))
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
    for i, (title, abbreviation, issn_l, issns) in enumerate(mentions):
        names = [("t", " ".join(_journal_words(title))), ("a", " ".join(_journal_words(abbreviation)))]
        for kind, key in names + [("issn", issn) for issn in _issns(issn_l, issns)]:
            if key:
                if (kind, key) in first_by:
                    join(first_by[(kind, key)], i)
                else:
                    first_by[(kind, key)] = i
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
        linking = [mentions[i][2] for i in members if mentions[i][2]]
        issns = sorted({issn for i in members for issn in _issns(mentions[i][2], mentions[i][3])})
        # the longest name; of names as long, one in mixed case rather than capitals only
        title = max(titles_, key=lambda t: (len(t), not t.isupper())) if titles_ else None
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
            "issn_l": sorted(linking, key=lambda v: (-linking.count(v), v))[0] if linking else None,
            "issns": to_json(issns) if issns else None,
        })
        for i in members:
            journal_of[mentions[i]] = journal_id
    return sorted(journals, key=lambda j: j["id"]), journal_of


def _issns(issn_l: str | None, issns: str | None) -> list[str]:
    """The ISSNs of a mention: its linking ISSN and the JSON list of the others."""
    out = [issn_l] if issn_l else []
    if issns:
        out += json.loads(issns)
    return [v.upper() for v in out]


@functools.lru_cache(maxsize=65536)
def journal_matches(printed: str, title: str | None, abbreviation: str | None) -> bool:
    """Does a journal as printed in a reference name this journal? The same words, or an
    abbreviation of its title; a journal known by its abbreviation only (a PubMed page
    names no title), another abbreviation of the same words, each word of one the start
    of the other's (Web of Science's "MOVEMENT DISORD" and NLM's "Mov Disord"; not "J
    NEUROPHYSIOL" and "J Neurol"). (A reference links by journal with its volume and
    first page too.)"""
    words = _journal_words(printed)
    return bool(words) and (
        any(words == _journal_words(n) for n in (abbreviation, title) if n)
        or bool(title and is_abbreviation_of(printed, title))
        or bool(not title and abbreviation and _word_starts_alike(words, _journal_words(abbreviation)))
    )


def _word_starts_alike(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    return len(a) == len(b) and all(x.startswith(y) or y.startswith(x) for x, y in zip(a, b))
