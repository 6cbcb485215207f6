#!/usr/bin/env python3
"""The bare loader: the speed floor the real build (build.py) is compared against.

    python scripts/floor_loader.py --seeds DIR --db PATH

Reads every file in the folder, and from every record in it (one in a page or a single
JSON work, many in an export) pulls out DOI, title, authors, abstract and references
with the format's standard parser where it has one (json, csv, lxml for XML) and
regular expressions otherwise: no litdb, no validation, no decoding of LaTeX or
markup beyond taking the text, no merging, no provenance, no topics. It inserts them
with executemany into two tables, papers and refs, and builds an FTS5 index on title +
abstract, all in one transaction, in one process. It does the work any loader must do,
and nothing more; files (and records) it cannot read are skipped.
"""

import argparse
import csv
import json
import os
import re
import sqlite3
import sys
import time

from lxml import etree

DOI = re.compile(r"(10\.\d{4,9}/[^\s\"<>]+?)\.?(?=\s|$)")
LINK_LABELS = re.compile(r"(\s+-\s+(DOI|PMC|PubMed))+\s*$")
TAG = re.compile(r"<[^>]+>")
STOP = {"PubMed Disclaimer", "Similar articles", "Cited by", "References", "Publication types", "MeSH terms",
        "Grants and funding", "LinkOut - more resources", "Conflict of interest statement", "Figures"}


def doi_of(text):
    m = DOI.search(text or "")
    return m.group(1).lower() if m else None


def from_json(text):
    """Aggregator record: the JSON object (or a list of them), then trailer lines."""
    data, end = json.JSONDecoder().raw_decode(text)
    data = data[0] if isinstance(data, list) else data
    authors = data.get("authors") or []
    if isinstance(authors, str):
        authors = re.split(r"\s*[,;]\s*|\s+and\s+", authors)
    names = [a.get("name") if isinstance(a, dict) else a for a in authors]
    abstract = TAG.sub(" ", data.get("abstract") or "").strip()
    if not abstract and "\nAbstract\n" in text[end:]:
        abstract = text[end:].split("\nAbstract\n", 1)[1].strip()
    return doi_of(str(data.get("doi") or "")), data.get("title"), [n for n in names if isinstance(n, str)], abstract, []


def from_pubmed(text):
    """PubMed page: the citation line ('. 2014 Dec;13(6):666-8.'), title and authors
    after it, then the Abstract and References sections."""
    lines = [line.replace("\u00a0", " ").strip() for line in text.splitlines()]
    at = next(i for i, line in enumerate(lines) if re.match(r"^\. (19|20)\d\d\b", line))
    doi = doi_of(" ".join(lines[at:at + 3]))
    front = [line for line in lines[at + 1:at + 40] if line and not line.startswith(("doi:", "Epub", "Online ahead"))]
    title, after = front[0], front[1]
    if after.startswith("Affiliation") or after == title:  # older layout: "Ailish Malone et al. Cerebellum. 2014 Dec."
        after = next((line.split(". ")[0] for line in front[2:] if re.search(r"\. (19|20)\d\d\b", line)), "")
        after = re.sub(r" et al$", "", after)
    authors = [re.sub(r"[\s\d#*]+$", "", name) for name in re.split(r",\s*|;\s*", after) if name.strip()]
    sections, current = {}, None
    for line in lines[at:]:
        if line in STOP or line == "Abstract":
            current = sections.setdefault(line, [])
        elif current is not None and line and not line.startswith(("Show all", "See all")):
            current.append(line)
    abstract = " ".join(line for line in sections.get("Abstract", [])
                        if not line.startswith(("Keywords:", "©", "Copyright")))
    refs = [LINK_LABELS.sub("", re.sub(r"^\d+\.\s+", "", line)) for line in sections.get("References", [])]
    return doi or doi_of(" ".join(front[:8])), title, authors, abstract, refs


def strip_tags(text):
    return TAG.sub(" ", text or "").strip()


def from_item(d):
    """One work of any JSON export: CSL-JSON, OpenAlex, Crossref, Semantic Scholar."""
    title = d.get("title") or d.get("display_name")
    title = title[0] if isinstance(title, list) and title else title
    doi = d.get("doi") or d.get("DOI") or (d.get("externalIds") or {}).get("DOI")
    people = d.get("author") or d.get("authors") or [a.get("author") or {} for a in d.get("authorships") or []]
    names = [a.get("literal") or a.get("name") or a.get("display_name") or
             f"{a.get('given', '')} {a.get('family', '')}".strip() for a in people if isinstance(a, dict)]
    abstract = d.get("abstract")
    if abstract is None and d.get("abstract_inverted_index"):  # OpenAlex: words by position
        words = sorted((i, w) for w, places in d["abstract_inverted_index"].items() for i in places)
        abstract = " ".join(w for _, w in words)
    refs = [r.get("unstructured") or r.get("DOI") or "" for r in d.get("reference") or []]
    return doi_of(str(doi or "")), title if isinstance(title, str) else None, names, strip_tags(abstract), refs


def from_json_export(text):
    """An aggregator record (with its trailer), or a work, a list of works, an OpenAlex
    results page or a Crossref message."""
    data, end = json.JSONDecoder().raw_decode(text)
    if isinstance(data, dict) and ("PeriodicalId" in data or "ListUrlMain" in data or end < len(text.rstrip())):
        return [from_json(text)]
    if isinstance(data, dict):
        data = data.get("message", data)
        data = data.get("items") or data.get("results") or data.get("data") or data
    return [from_item(d) for d in (data if isinstance(data, list) else [data]) if isinstance(d, dict)]


def from_xml(text):
    """PubMed XML sets and JATS articles."""
    root = etree.fromstring(text.encode(), etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))

    def text_of(el):
        return " ".join("".join(el.itertext()).split()) if el is not None else ""

    out = []
    for a in root.iter("PubmedArticle"):
        doi = next((e.text for e in a.iter("ELocationID", "ArticleId") if e.get("EIdType", e.get("IdType")) == "doi"), "")
        names = [f"{x.findtext('ForeName') or ''} {x.findtext('LastName') or x.findtext('CollectiveName') or ''}".strip()
                 for x in a.iter("Author")]
        out.append((doi_of(doi), text_of(a.find(".//ArticleTitle")), names,
                    " ".join(text_of(x) for x in a.iter("AbstractText")), [text_of(c) for c in a.iter("Citation")]))
    for a in [root] if root.tag == "article" else root.iter("article"):
        doi = next((e.text for e in a.iter("article-id") if e.get("pub-id-type") == "doi"), "")
        names = [text_of(c.find("name")) or text_of(c.find("collab")) for c in a.iter("contrib")]
        out.append((doi_of(doi), text_of(a.find(".//article-title")), names, text_of(a.find(".//abstract")),
                    [text_of(r) for r in a.iter("mixed-citation", "element-citation")]))
    return out


MEDLINE_FIELD = re.compile(r"^([A-Z]{2,4}) *- (.*(?:\n {6}.*)*)", re.M)
RIS_FIELD = re.compile(r"^([A-Z][A-Z0-9])  - ?(.*)", re.M)
BIB_FIELD = re.compile(r"^\s*(\w+)\s*=\s*[{\"]?(.*?)[}\"]?,?\s*$", re.M)


def from_tagged(text, pattern, split, title_tags, author_tags, abstract_tags):
    """MEDLINE and RIS: records cut at their separator, tag lines by a regular expression."""
    out = []
    for record in re.split(split, text):
        fields = {}
        for tag, value in pattern.findall(record):
            fields.setdefault(tag, []).append(" ".join(value.split()))
        title = next((fields[t][0] for t in title_tags if t in fields), None)
        if title:
            doi = doi_of(" ".join(fields.get("LID", []) + fields.get("AID", []) + fields.get("DO", [])))
            out.append((doi, title, [n for t in author_tags for n in fields.get(t, [])],
                        next((fields[t][0] for t in abstract_tags if t in fields), ""), []))
    return out


def from_medline(text):
    return from_tagged(text, MEDLINE_FIELD, r"\n\s*\n(?=PMID- )|\n(?=PMID- )", ("TI",), ("FAU",), ("AB",))


def from_ris(text):
    return from_tagged(text, RIS_FIELD, r"\nER  -.*", ("TI", "T1"), ("AU", "A1"), ("AB", "N2"))


def from_bibtex(text):
    out = []
    for entry in re.split(r"\n(?=@)", text):
        fields = dict((k.lower(), v) for k, v in BIB_FIELD.findall(entry))
        if fields.get("title"):
            out.append((doi_of(fields.get("doi")), fields["title"], fields.get("author", "").split(" and "),
                        fields.get("abstract", ""), []))
    return out


def from_csv(text):
    rows = csv.reader(text.splitlines()[1:])
    return [(doi_of(r[10]), r[1], r[2].split(", "), "", []) for r in rows if len(r) == 11 and r[1]]


def from_pmc(text):
    """PMC article page: the title two lines under the citation line, the abstract up to
    the keywords."""
    lines = [line.strip() for line in text.splitlines()]
    at = next(i for i, line in enumerate(lines) if re.match(r"^\. (19|20)\d\d\b", line))
    front = [line for line in lines[at + 1:at + 20] if line and not line.startswith(("Search in", "View in", "Add to"))]
    start = lines.index("Abstract") + 1
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("Keywords:") or re.match(r"^\d+\. ", lines[i]))
    refs = lines[lines.index("References") + 1:] if "References" in lines else []
    return [(doi_of(lines[at]), front[0], [re.sub(r"[\s\d,*]+$", "", n) for n in front[1].split(", ")],
             " ".join(x for x in lines[start:end] if x), refs)]


def records_of(text):
    """(doi, title, authors, abstract, references) of every record of a seed text."""
    head = text[:200]
    if head[:1] in "{[":
        return from_json_export(text)
    if head.startswith("<"):
        return from_xml(text)
    if head.startswith("PMID- "):
        return from_medline(text)
    if head.startswith("TY  - "):
        return from_ris(text)
    if head.startswith("@"):
        return from_bibtex(text)
    if head.startswith('"PMID","Title"'):
        return from_csv(text)
    if "\nPMCID: " in text:
        return from_pmc(text)
    return [from_pubmed(text)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", required=True, help="folder of seed files")
    parser.add_argument("--db", required=True, help="database to write (replaced)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if os.path.exists(args.db):
        os.remove(args.db)
    db = sqlite3.connect(args.db)
    db.executescript("""
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
        CREATE TABLE papers (id INTEGER PRIMARY KEY, file TEXT, doi TEXT, title TEXT, authors TEXT, abstract TEXT);
        CREATE TABLE refs (paper_id INTEGER REFERENCES papers(id), position INTEGER, citation TEXT, doi TEXT);
    """)
    files = sorted(os.listdir(args.seeds))
    papers, refs, n_papers, n_refs = [], [], 0, 0
    db.execute("BEGIN")
    for name in files:
        try:
            with open(os.path.join(args.seeds, name), encoding="utf-8-sig") as f:
                text = f.read().lstrip()
            records = records_of(text)
        except (ValueError, StopIteration, IndexError, UnicodeDecodeError, AttributeError, etree.XMLSyntaxError):
            continue  # empty, binary, truncated or unknown: skipped
        for doi, title, authors, abstract, citations in records:
            n_papers += 1
            papers.append((n_papers, name, doi, title, json.dumps(authors, ensure_ascii=False), abstract))
            refs += [(n_papers, i, c, doi_of(c)) for i, c in enumerate(citations, 1)]
        if len(papers) >= 1000 or name == files[-1]:  # in batches: memory stays flat
            db.executemany("INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?)", papers)
            db.executemany("INSERT INTO refs VALUES (?, ?, ?, ?)", refs)
            n_refs += len(refs)
            papers, refs = [], []
    db.executemany("INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?)", papers)  # the rest, if the last file was skipped
    db.executemany("INSERT INTO refs VALUES (?, ?, ?, ?)", refs)
    n_refs += len(refs)
    db.execute("CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, content='papers', content_rowid='id')")
    db.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    db.commit()
    db.close()
    print(f"floor: {len(files)} files, {n_papers} records, {n_refs} references in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
