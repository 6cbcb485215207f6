"""Citations out: papers rows as BibTeX, RIS, CSL-JSON and a readable reference.

The exports take paper dicts as ``PAPER_SQL`` selects them: a ``papers`` row (JSON
columns still as text) plus the journal's name, title and abbreviation.
"""

from __future__ import annotations

import json
import re
import unicodedata

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


def split_name(name: str) -> dict:
    """'Ailish Malone' -> {'family': 'Malone', 'given': 'Ailish'}. Names are printed
    given-first on both source formats; a single word is a family (or group) name."""
    words = name.split()
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


def _authors(paper: dict) -> list[str]:
    return json.loads(paper.get("authors") or "[]")


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


def citation_keys(papers: list[dict]) -> list[str]:
    """malone2014dissecting; a, b… suffixes keep keys unique within one export."""
    keys, used = [], {}
    for paper in papers:
        authors = _authors(paper)
        family = split_name(authors[0])["family"] if authors else "anon"
        word = next((w for w in re.findall(r"[A-Za-z]+", _ascii(paper.get("title") or ""))
                     if w.lower() not in {"a", "an", "the", "on", "of", "in"}), "")
        key = re.sub(r"[^a-z0-9]", "", _ascii(family).lower()) + str(paper.get("year") or "") + word.lower()
        n = used.get(key, 0)
        used[key] = n + 1
        keys.append(key + ("" if n == 0 else chr(ord("a") + n - 1)))
    return keys


def _bibtex_escape(value: str) -> str:
    value = value.replace("\\", r"\textbackslash{}")
    value = re.sub(r"([{}&%$#_])", r"\\\1", value)
    return value.replace("~", r"\textasciitilde{}").replace("^", r"\textasciicircum{}")


def to_bibtex(papers: list[dict]) -> str:
    entries = []
    for key, paper in zip(citation_keys(papers), papers):
        names = [split_name(a) for a in _authors(paper)]
        authors = " and ".join(
            ", ".join(p for p in (n["family"], n.get("suffix"), n.get("given")) if p) for n in names)
        if names and not paper.get("authors_complete"):
            authors += " and others"
        parts = _date_parts(paper)
        first, last = _pages(paper)
        fields = [
            ("title", paper.get("title")),
            ("author", authors or None),
            ("journal", paper.get("journal_title") or paper.get("journal_abbreviation")),
            ("shortjournal", paper.get("journal_abbreviation") if paper.get("journal_title") else None),
            ("year", str(parts[0]) if parts else None),
            ("month", MONTH_NAMES[parts[1] - 1] if len(parts) > 1 else None),
            ("volume", paper.get("volume")),
            ("number", paper.get("issue")),
            ("pages", f"{first}--{last}" if last else first),
            ("doi", paper.get("doi")),
            ("pmid", paper.get("pmid")),
            ("pmcid", paper.get("pmcid")),
            ("url", doi_url(paper)),
            ("keywords", ", ".join(_keywords(paper)) or None),
            ("abstract", paper.get("abstract")),
        ]
        body = ",\n".join(
            f"  {name} = {value}" if name == "month" else f"  {name} = {{{_bibtex_escape(value)}}}"
            for name, value in fields if value)
        entries.append(f"@article{{{key},\n{body}\n}}\n")
    return "\n".join(entries)


def to_ris(papers: list[dict]) -> str:
    records = []
    for paper in papers:
        lines = [("TY", "JOUR"), ("TI", paper.get("title"))]
        lines += [("AU", ", ".join(p for p in (n["family"], n.get("given"), n.get("suffix")) if p))
                  for n in map(split_name, _authors(paper))]
        parts = _date_parts(paper)
        first, last = _pages(paper)
        lines += [
            ("PY", str(parts[0]) if parts else None),
            ("DA", "/".join([f"{parts[0]:04d}"] + [f"{p:02d}" for p in parts[1:]] + [""] * (3 - len(parts)))
             if parts else None),
            ("T2", paper.get("journal_title") or paper.get("journal_abbreviation")),
            ("J2", paper.get("journal_abbreviation")),
            ("VL", paper.get("volume")),
            ("IS", paper.get("issue")),
            ("SP", first),
            ("EP", last),
            ("DO", paper.get("doi")),
            ("UR", doi_url(paper)),
            ("AB", paper.get("abstract")),
        ]
        lines += [("KW", k) for k in _keywords(paper)]
        if paper.get("pmid"):
            lines.append(("AN", f"PMID:{paper['pmid']}"))
        lines.append(("ER", ""))
        records.append("\n".join(f"{tag}  - {' '.join(value.split())}".rstrip()
                                 for tag, value in lines if value is not None))
    return "\n\n".join(records) + "\n"


def to_csl_json(papers: list[dict]) -> list[dict]:
    items = []
    for key, paper in zip(citation_keys(papers), papers):
        item = {"id": key, "type": "article-journal", "title": paper.get("title")}
        authors = [split_name(a) for a in _authors(paper)]
        if authors:
            item["author"] = [n if "given" in n else {"literal": n["family"]} for n in authors]
        parts = _date_parts(paper)
        if parts:
            item["issued"] = {"date-parts": [parts]}
        optional = {
            "container-title": paper.get("journal_title") or paper.get("journal_abbreviation"),
            "container-title-short": paper.get("journal_abbreviation"),
            "volume": paper.get("volume"),
            "issue": paper.get("issue"),
            "page": paper.get("pages"),
            "DOI": paper.get("doi"),
            "PMID": paper.get("pmid"),
            "PMCID": paper.get("pmcid"),
            "URL": doi_url(paper),
            "abstract": paper.get("abstract"),
            "keyword": ", ".join(_keywords(paper)) or None,
        }
        item.update({k: v for k, v in optional.items() if v})
        items.append(item)
    return items


def format_reference(paper: dict) -> str:
    """A reference in the NLM/Vancouver style PubMed uses, for copying."""
    names = []
    for person in map(split_name, _authors(paper)):
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
