#!/usr/bin/env python3
"""The bare loader: the speed floor the real build (build.py) is compared against.

    python scripts/floor_loader.py --seeds DIR --db PATH

Reads every file in the folder, pulls out DOI, title, authors, abstract and
references with json and regular expressions only (no litdb, no merging, no
provenance, no topics), inserts them with executemany into two tables, papers and
refs, and builds an FTS5 index on title + abstract, all in one transaction. It does
the work any loader must do, and nothing more; files it cannot read are skipped.
"""

import argparse
import json
import os
import re
import sqlite3
import sys
import time

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
            doi, title, authors, abstract, citations = (from_json if text[:1] in "{[" else from_pubmed)(text)
        except (ValueError, StopIteration, IndexError, UnicodeDecodeError, AttributeError):
            continue  # empty, binary, truncated or unknown: skipped
        n_papers += 1
        papers.append((n_papers, name, doi, title, json.dumps(authors, ensure_ascii=False), abstract))
        refs += [(n_papers, i, c, doi_of(c)) for i, c in enumerate(citations, 1)]
        if len(papers) == 1000 or name == files[-1]:  # in batches: memory stays flat
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
    print(f"floor: {len(files)} files, {n_papers} papers, {n_refs} references in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
