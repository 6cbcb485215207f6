"""Citations out: papers as BibTeX, RIS, CSL-JSON and a readable reference.

The writers take paper dicts as ``PAPER_SQL`` selects them (a ``papers`` row, JSON
columns still as text, plus the journal's name, title, abbreviation and ISSN when the
journals table has one) and, when the caller has them, the paper's structured authors
in ``paper["author_names"]`` (see ``structured_name``); without them the printed names
of ``papers.authors`` are split here. Each writer formats one chunk of papers, so an
export of any size is written chunk by chunk (plugins/exports.py); ``CitationKeys``
keeps keys unique across the chunks of one export.

BibTeX is written by bibtexparser 2 and RIS by rispy, the libraries the tests read them
back with, so that what we write is what they read. Two things stay here: LaTeX
escaping of special characters (bibtexparser writes values as given) and folding white
space in RIS values (RIS is one value per line; rispy writes values as given).

What kind of work a paper is (a journal article, a book chapter, a book, a conference
paper...) comes from its publication types, by KINDS and TYPE_KINDS below, the one
mapping every writer uses: the entry type, RIS TY and CSL type, and the field that
holds where the paper appeared (papers name it their journal: for a chapter it is the
book, as PubMed's book records and Scopus give it).
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from typing import NamedTuple

import bibtexparser
import rispy
from bibtexparser.library import Library
from bibtexparser.middlewares import AddEnclosingMiddleware
from bibtexparser.model import Entry, Field
from bibtexparser.writer import BibtexFormat

from .normalize import MONTHS

# Papers with their journal's names, by id: for the paper page and the downloads.
PAPER_SQL = """
select papers.*, journals.name as journal_name, journals.title as journal_title,
       journals.abbreviation as journal_abbreviation
from papers left join journals on journals.id = papers.journal_id
where papers.id in ({})
"""
MONTH_NAMES = list(MONTHS)  # "jan" … "dec"
# Name particles that belong to the family name: "Ludwig van Beethoven" -> "van Beethoven".
PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "ter", "ten", "dos", "das"}
SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
# A name holding one of these words is a group author ("Dystonia Coalition", "EMSA
# Study Group"): it has no given name and is written as one literal name.
GROUP_WORDS = {
    "group", "groups", "coalition", "consortium", "collaboration", "collaborative", "collaborators",
    "investigators", "network", "committee", "society", "association", "foundation", "team",
    "initiative", "council", "registry", "alliance", "study", "trial", "project", "working",
    "academy", "institute", "center", "centre", "program", "programme", "task", "force", "panel",
}


def split_name(name: str) -> dict:
    """'Ailish Malone' -> {'family': 'Malone', 'given': 'Ailish'}. Names are printed
    given-first on both source formats; a single word is a family name; a group
    ('Dystonia Coalition') is {'literal': 'Dystonia Coalition'}."""
    words = name.split()
    if len(words) > 1 and any(w.lower().strip(".,()") in GROUP_WORDS for w in words):
        return {"literal": " ".join(words)}
    suffix = None
    if len(words) > 2 and words[-1].lower() in SUFFIXES:
        suffix = words.pop()
    if len(words) == 1:
        return {"family": words[0]}
    k = len(words) - 1
    while k > 1 and words[k - 1].lower() in PARTICLES:
        k -= 1
    person = {"family": " ".join(words[k:]), "given": " ".join(words[:k])}
    if suffix:
        person["suffix"] = suffix
    return person


def structured_name(name: str, family: str | None = None, given: str | None = None) -> dict:
    """A name from paper_authors: its family and given columns when the database has
    them filled, else split from the printed name."""
    if family and given:
        person = {"family": family, "given": given}
        words = name.split()
        if words and words[-1].lower() in SUFFIXES:  # "John Smith Jr.": the columns leave the suffix out
            printed = split_name(name)
            if printed.get("suffix") and printed.get("family") == family:
                person["suffix"] = printed["suffix"]
        return person
    if family and not split_name(family).get("literal"):
        return {"family": family}
    return split_name(name)


def _names(paper: dict) -> list[dict]:
    if paper.get("author_names") is not None:
        return paper["author_names"]
    return [split_name(a) for a in json.loads(paper.get("authors") or "[]")]


def _keywords(paper: dict) -> list[str]:
    return json.loads(paper.get("keywords") or "[]")


def _date(paper: dict) -> str | None:
    """The publication date at its precision, else the year."""
    return paper.get("publication_date") or (str(paper["year"]) if paper.get("year") else None)


def _numbers(iso: str | None) -> list[int]:
    """'2014-12' -> [2014, 12]."""
    return [int(p) for p in (iso or "").split("-") if p.isdigit()]


def _date_parts(paper: dict) -> list[int]:
    return _numbers(_date(paper))


def _pages(paper: dict) -> tuple[str | None, str | None]:
    pages = paper.get("pages")
    if not pages:
        return None, None
    first, _, last = pages.partition("-")
    return first, last or None


def _journal(paper: dict) -> str | None:
    return paper.get("journal_title") or paper.get("journal_abbreviation")


# --- what kind of work a paper is -------------------------------------------------


class Kind(NamedTuple):
    """How one kind of work is written: its BibTeX entry type and the field holding
    where it appeared (the paper's "journal"), its RIS TY (where it appeared is T2, the
    secondary title, in every type), its CSL type and the CSL variable of where it
    appeared."""
    bibtex: str
    bibtex_container: str
    ris: str
    csl: str
    csl_container: str


# BibTeX's entry types (btxdoc; @misc where classic BibTeX has none: biblatex's @online
# and @dataset are not BibTeX's), RIS's TY (the RIS specification, rispy's
# TYPE_OF_REFERENCE_MAPPING) and CSL 1.0.2's item types. Where BibTeX has no field for
# where the work appeared, howpublished; a thesis of no known degree is @phdthesis, as
# Zotero writes one. CSL's book and report have a series (collection-title), a preprint
# and a dataset a repository (publisher: bioRxiv, Zenodo; Zotero's mapping). RIS has no
# type for a preprint (UNPB is an unpublished work): JOUR, the server in T2.
# In order of precedence: a paper with types of two kinds is of the first.
KINDS: dict[str, Kind] = {
    "journal article": Kind("article", "journal", "JOUR", "article-journal", "container-title"),
    "magazine article": Kind("article", "journal", "MGZN", "article-magazine", "container-title"),
    "newspaper article": Kind("article", "journal", "NEWS", "article-newspaper", "container-title"),
    "book chapter": Kind("incollection", "booktitle", "CHAP", "chapter", "container-title"),
    "conference paper": Kind("inproceedings", "booktitle", "CPAPER", "paper-conference", "container-title"),
    "book": Kind("book", "series", "BOOK", "book", "collection-title"),
    "thesis": Kind("phdthesis", "howpublished", "THES", "thesis", "container-title"),
    "report": Kind("techreport", "howpublished", "RPRT", "report", "collection-title"),
    "preprint": Kind("misc", "howpublished", "JOUR", "article", "publisher"),
    "dataset": Kind("misc", "howpublished", "DATA", "dataset", "publisher"),
    "web page": Kind("misc", "howpublished", "ELEC", "webpage", "container-title"),
}
JOURNAL_ARTICLE = KINDS["journal article"]
# The publication types the readers write, case aside, and the kind each names: PubMed's
# words, and the words the readers give other sources' types (readers/common.py,
# ris.py and bibtex.py TYPE_WORDS: "Book Chapter" for @incollection, CHAP and Crossref's
# book-chapter), Semantic Scholar's spelled out ("Book Section", "Conference"), the
# Crossref types they keep as given ("book-section", "book-part"). Any other type
# ("Review", "Editorial", "Case Reports") says nothing of the kind: such a paper is a
# journal article. Not PubMed's "Congress", "Consensus Development Conference" or
# "Monograph": PubMed indexes these as a journal printed them, and the journal is where
# they appeared.
TYPE_KINDS = {
    "journal article": "journal article",
    "magazine article": "magazine article",
    "newspaper article": "newspaper article",
    "book chapter": "book chapter", "book section": "book chapter", "book-section": "book chapter",
    "book-part": "book chapter",
    "conference paper": "conference paper", "conference": "conference paper",
    "book": "book",
    "thesis": "thesis", "dissertation": "thesis", "academic dissertation": "thesis",
    "report": "report",
    "preprint": "preprint",
    "dataset": "dataset",
    "web page": "web page",
}


def publication_types(paper: dict) -> list[str]:
    """The paper's publication types (papers.publication_types, a JSON array as text)."""
    value = paper.get("publication_types")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def work_kind(paper: dict) -> Kind:
    """The kind of work of the paper, by its publication types: a journal article when a
    type says so (a source that files a paper in a journal and as a conference paper or a
    chapter, as Web of Science's "Article; Proceedings Paper", names where it appeared:
    the journal), else the first of KINDS that a type names, else a journal article."""
    named = {TYPE_KINDS.get(" ".join(t.split()).lower()) for t in publication_types(paper)}
    return next((kind for name, kind in KINDS.items() if name in named), JOURNAL_ARTICLE)


RETRACTED = "Retracted publication"  # what the downloads say of a retracted paper (BibTeX note, RIS N1)


def is_retracted(paper: dict) -> bool:
    """Its publication types say so, as PubMed's record does (the site's notice says more)."""
    return "Retracted Publication" in publication_types(paper)


def display_date(iso: str | None) -> str:
    """'2014-12' -> '2014 Dec', '2006-09-06' -> '2006 Sep 6', as PubMed prints dates."""
    parts = _numbers(iso)
    if not parts:
        return ""
    return " ".join([str(parts[0])] + ([MONTH_NAMES[parts[1] - 1].title()] if len(parts) > 1 else [])
                    + [str(p) for p in parts[2:]])


def doi_url(paper: dict) -> str | None:
    return f"https://doi.org/{paper['doi']}" if paper.get("doi") else None


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _base_key(first: dict | None, title: str | None, year) -> str:
    """malone2014dissecting: the first author's family name, the year, the title's first word."""
    first = first or {"family": "anon"}
    family = first.get("family") or first.get("literal", "anon").split()[0]
    word = next((w for w in re.findall(r"[A-Za-z]+", _ascii(title or ""))
                 if w.lower() not in {"a", "an", "the", "on", "of", "in"}), "")
    return re.sub(r"[^a-z0-9]", "", _ascii(family).lower()) + str(year or "") + word.lower()


def _suffix(n: int) -> str:
    """'' for the first paper of a key, then a..z, aa, ab…"""
    suffix, k = "", n - 1
    while k >= 0:
        suffix = chr(ord("a") + k % 26) + suffix
        k = k // 26 - 1
    return suffix


class CitationKeys:
    """malone2014dissecting; a, b… suffixes keep keys unique. With `shared` (see
    shared_keys: every key that several papers of the database have, with their ids in
    order) a paper's key is the same in every export, whatever else the export holds and
    in whatever order; without it, suffixes go by order within one export. Holds one
    counter per distinct key seen (the only state of an export that grows with it)."""

    def __init__(self, shared: dict[str, list[str]] | None = None):
        self.used: dict[str, int] = {}
        self.shared = shared

    def key(self, paper: dict) -> str:
        names = _names(paper)
        key = _base_key(names[0] if names else None, paper.get("title"), paper.get("year"))
        ids = (self.shared or {}).get(key)
        if ids and paper.get("id") in ids:
            return key + _suffix(ids.index(paper["id"]))
        n = self.used.get(key, len(ids) if ids else 0)  # after the database's own, if ever
        self.used[key] = n + 1
        return key + _suffix(n)

    def keys(self, papers: list[dict]) -> list[str]:
        return [self.key(p) for p in papers]


def shared_keys(conn) -> dict[str, list[str]]:
    """The citation keys that more than one paper of the database would have, each with
    its papers' ids in id order (the first keeps the bare key, the next get a, b…): what
    makes keys the same in every export. One pass over the papers and their first
    authors; runs on a sqlite3 connection."""
    structured = {"family", "given"} <= _columns(conn, "paper_authors")
    # positions start at 1 (load.py numbers authors from 1)
    first_author = ("left join paper_authors pa on pa.paper_id = p.id and pa.position = 1 "
                    "left join authors a on a.id = pa.author_id" if structured else "")
    columns = "pa.position, a.name, pa.family, pa.given" if structured else "null, null, null, null"
    first_id: dict[str, str] = {}
    shared: dict[str, list[str]] = {}
    for paper_id, title, year, printed, position, name, family, given in conn.execute(
            f"select p.id, p.title, p.year, json_extract(p.authors, '$[0]'), {columns} from papers p {first_author}"):
        if position is not None:  # as fetch_papers names the first author
            first = structured_name(printed or name, family, given)
        else:
            first = split_name(printed) if printed else None
        key = _base_key(first, title, year)
        if key in first_id:
            shared.setdefault(key, [first_id[key]]).append(paper_id)
        else:
            first_id[key] = paper_id
    return {key: sorted(ids) for key, ids in shared.items()}


_SHARED: dict[tuple, dict[str, list[str]]] = {}
_SHARED_LOCK = threading.Lock()


def cached_shared_keys(conn, cache_key: tuple) -> dict[str, list[str]]:
    """shared_keys(conn), computed once per cache_key (the server's plugins give the
    database's name, path, size and modification time: the file is served immutable).
    A second caller waits for the first one's pass instead of making its own."""
    with _SHARED_LOCK:
        if cache_key not in _SHARED:
            _SHARED.clear()  # one database version at a time
            _SHARED[cache_key] = shared_keys(conn)
        return _SHARED[cache_key]


def citation_keys(papers: list[dict]) -> list[str]:
    return CitationKeys().keys(papers)


_LATEX = {"\\": r"\textbackslash{}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
          **{c: "\\" + c for c in "{}&%$#_"}}


def _bibtex_escape(value: str) -> str:
    """LaTeX's special characters escaped, in one pass: the braces of \\textbackslash{}
    must not be escaped in turn (that printed a backslash followed by '{}')."""
    return re.sub(r"[\\~^{}&%$#_]", lambda m: _LATEX[m.group()], value)


def _bibtex_name(name: dict) -> str:
    if "literal" in name:  # braces keep BibTeX from splitting a group's name
        return "{" + _bibtex_escape(name["literal"]) + "}"
    return ", ".join(_bibtex_escape(p) for p in (name["family"], name.get("suffix"), name.get("given")) if p)


_BIBTEX_FORMAT = BibtexFormat()
_BIBTEX_FORMAT.indent = "  "
_BIBTEX_FORMAT.block_separator = "\n"


def to_bibtex(papers: list[dict], keys: list[str] | None = None) -> str:
    """One entry per paper (@article, @incollection, @book… as work_kind says), each
    followed by a blank line."""
    entries = []
    for key, paper in zip(keys or citation_keys(papers), papers):
        kind = work_kind(paper)
        periodical = kind.bibtex_container == "journal"
        names = _names(paper)
        authors = " and ".join(_bibtex_name(n) for n in names)
        if names and not paper.get("authors_complete"):
            authors += " and others"
        parts = _date_parts(paper)
        first, last = _pages(paper)
        fields = [
            ("title", paper.get("title")),
            ("author", authors or None),
            (kind.bibtex_container, _journal(paper)),
            ("shortjournal", paper.get("journal_abbreviation") if periodical and paper.get("journal_title") else None),
            ("year", str(parts[0]) if parts else None),
            ("month", MONTH_NAMES[parts[1] - 1] if len(parts) > 1 else None),
            ("volume", paper.get("volume")),
            ("number", paper.get("issue")),
            ("pages", f"{first}--{last}" if last else first),
            ("issn", paper.get("journal_issn")),
            ("doi", paper.get("doi")),
            ("pmid", paper.get("pmid")),
            ("pmcid", paper.get("pmcid")),
            ("url", doi_url(paper)),
            ("keywords", ", ".join(_keywords(paper)) or None),
            ("note", RETRACTED if is_retracted(paper) else None),
            ("abstract", paper.get("abstract")),
        ]
        entries.append(Entry(kind.bibtex, key, [
            # month = dec, the BibTeX macro, unbraced; the author list is escaped name by name;
            # doi and url are verbatim fields (biblatex, \url in the styles): an escaped "_"
            # would put a backslash into the link
            Field(name, value, enclosing="no-enclosing") if name == "month"
            else Field(name, value if name in ("author", "doi", "url") else _bibtex_escape(value))
            for name, value in fields if value]))
    if not entries:
        return ""
    enclose = AddEnclosingMiddleware(reuse_previous_enclosing=False, enclose_integers=True,
                                     default_enclosing="{", allow_inplace_modification=True)
    return bibtexparser.write_string(Library(entries), unparse_stack=[enclose],
                                     bibtex_format=_BIBTEX_FORMAT) + "\n"


def bibtex_comment(text: str) -> str:
    """A note in the file that BibTeX and bibtexparser read as a comment, not an entry."""
    return "@comment{" + _bibtex_escape(" ".join(text.split())) + "}\n"


class _RisWriter(rispy.RisWriter):
    """rispy's writer without its "1.", "2." header lines (not RIS; numbered per chunk)."""

    def set_header(self, count):
        return ""


def _ris_value(value: str) -> str:
    return " ".join(value.split())


# The TY whose SN is an ISSN and whose J2 is the journal's abbreviation (for the others
# SN is an ISBN: the RIS specification; Zotero reads them so)
RIS_PERIODICALS = {"JOUR", "MGZN", "NEWS"}


def to_ris(papers: list[dict]) -> str:
    """One TY … ER record per paper (TY as work_kind says), each followed by a blank line."""
    records = []
    for paper in papers:
        kind = work_kind(paper)
        periodical = kind.ris in RIS_PERIODICALS
        parts = _date_parts(paper)
        first, last = _pages(paper)
        record = {
            "type_of_reference": kind.ris,
            "title": paper.get("title"),
            "authors": [n["literal"] if "literal" in n else
                        ", ".join(p for p in (n["family"], n.get("given"), n.get("suffix")) if p)
                        for n in _names(paper)],
            "year": str(parts[0]) if parts else None,
            # YYYY/MM/DD/other, every slash written, as the RIS specification and Zotero have it
            "date": ("/".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]] + [""] * (4 - len(parts)))
                     if parts else None),
            "secondary_title": _journal(paper),  # T2: the journal, the book of a chapter, a book's series
            "alternate_title1": paper.get("journal_abbreviation") if periodical else None,
            "volume": paper.get("volume"),
            "number": paper.get("issue"),
            "start_page": first,
            "end_page": last,
            "issn": paper.get("journal_issn") if periodical else None,
            "doi": paper.get("doi"),
            "urls": [doi_url(paper)] if paper.get("doi") else [],
            "abstract": paper.get("abstract"),
            "keywords": _keywords(paper),
            "accession_number": f"PMID:{paper['pmid']}" if paper.get("pmid") else None,
            "notes": [RETRACTED] if is_retracted(paper) else [],
        }
        records.append({k: [_ris_value(v) for v in value] if isinstance(value, list) else _ris_value(value)
                        for k, value in record.items() if value})
    # rispy separates records by a blank line but ends the last without one: chunks of an
    # export then ran together ("ER  - " then "TY  - " on the next line)
    return _RisWriter().formats(records) + "\n" if records else ""


def ris_comment(text: str) -> str:
    """A line outside any record: RIS readers (rispy among them) skip it."""
    return "# " + " ".join(text.split()) + "\n"


def to_csl_json(papers: list[dict], keys: list[str] | None = None) -> list[dict]:
    items = []
    for key, paper in zip(keys or citation_keys(papers), papers):
        kind = work_kind(paper)
        item = {"id": key, "type": kind.csl, "title": paper.get("title")}
        names = _names(paper)
        if names:
            item["author"] = [n if "given" in n or "literal" in n else {"literal": n["family"]} for n in names]
        parts = _date_parts(paper)
        if parts:
            item["issued"] = {"date-parts": [parts]}
        optional = {
            kind.csl_container: _journal(paper),
            "container-title-short": (paper.get("journal_abbreviation")
                                      if kind.csl_container == "container-title" else None),
            "volume": paper.get("volume"),
            "issue": paper.get("issue"),
            "page": paper.get("pages"),
            "ISSN": paper.get("journal_issn"),
            "DOI": paper.get("doi"),
            "PMID": paper.get("pmid"),
            "PMCID": paper.get("pmcid"),
            "URL": doi_url(paper),
            "abstract": paper.get("abstract"),
            "keyword": ", ".join(_keywords(paper)) or None,
            "status": "retracted" if is_retracted(paper) else None,  # CSL's own variable for it
        }
        item.update({k: v for k, v in optional.items() if v})
        items.append(item)
    return items


def format_reference(paper: dict) -> str:
    """A reference in the NLM/Vancouver style PubMed uses, for copying."""
    names = []
    for person in _names(paper):
        if "literal" in person:
            names.append(person["literal"])
            continue
        initials = "".join(w[0] for w in re.split(r"[\s-]+", person.get("given", "")) if w)
        names.append(f"{person['family']} {initials}".strip())
    if len(names) > 6:
        names = names[:3] + ["et al"]
    elif names and not paper.get("authors_complete"):
        names.append("et al")
    text = (", ".join(names) + ". ") if names else ""
    text += (paper.get("title") or "").rstrip(".") + ". "
    journal = paper.get("journal_abbreviation") or paper.get("journal_title")
    source = display_date(_date(paper))
    if paper.get("volume"):
        source += f";{paper['volume']}" + (f"({paper['issue']})" if paper.get("issue") else "")
    if paper.get("pages"):
        source += f":{paper['pages']}"
    if journal:
        text += f"{journal}. "
    if source:
        text += f"{source}. "
    if paper.get("doi"):
        text += f"doi:{paper['doi']}"
    return text.strip()


# --- reading papers for the exports ------------------------------------------------

def _columns(conn, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"pragma table_info([{table}])").fetchall()}


def _paper_sql(conn) -> str:
    """PAPER_SQL, with the journal's ISSN: its linking ISSN, else the first of its ISSNs
    (the journals table of literature.db has issn_l and issns, a JSON array)."""
    columns = _columns(conn, "journals")
    issn = ""
    if {"issn_l", "issns"} <= columns:
        issn = (", coalesce(nullif(journals.issn_l, ''), "
                "json_extract(case when json_valid(journals.issns) then journals.issns end, '$[0]')) as journal_issn")
    elif "issn" in columns:
        issn = ", journals.issn as journal_issn"
    return PAPER_SQL.replace(" as journal_abbreviation", " as journal_abbreviation" + issn)


def export_columns(conn) -> list[str]:
    """The columns of the papers fetch_papers reads (CSV and NDJSON export them)."""
    return [d[0] for d in conn.execute(_paper_sql(conn).format("select null where 0")).description]


def fetch_papers(conn, ids: list[str]) -> list[dict]:
    """The papers of ids (those that exist, in the order of ids), as the writers take
    them: the papers row, its journal's names (and ISSN when journals has the column)
    and, when paper_authors has family/given columns, structured names in author_names.
    Runs on a sqlite3 connection (inside Datasette's execute_fn)."""
    if not ids:
        return []
    marks = ", ".join("?" * len(ids))
    cursor = conn.execute(_paper_sql(conn).format(marks), ids)
    names = [d[0] for d in cursor.description]
    found = {row[0]: dict(zip(names, row)) for row in cursor.fetchall()}
    author_columns = _columns(conn, "paper_authors")
    if {"family", "given"} <= author_columns:
        structured = {}
        for paper_id, position, name, family, given in conn.execute(f"""
                select paper_authors.paper_id, paper_authors.position, authors.name,
                       paper_authors.family, paper_authors.given
                from paper_authors join authors on authors.id = paper_authors.author_id
                where paper_authors.paper_id in ({marks}) order by paper_authors.paper_id, paper_authors.position""",
                ids).fetchall():
            structured.setdefault(paper_id, []).append((position, name, family, given))
        for paper_id, paper in found.items():
            if paper_id not in structured:
                continue  # no authorship rows: the printed names, split here
            printed = json.loads(paper.get("authors") or "[]")
            paper["author_names"] = [
                structured_name(printed[position - 1] if 0 < position <= len(printed) else name, family, given)
                for position, name, family, given in structured[paper_id]]
    return [found[i] for i in ids if i in found]
