#!/usr/bin/env python3
"""How long each reader takes on a big input, and on one twice as big: the figures the
reader tests no longer assert (no clock in a test, issue 13).

    .venv/bin/python scripts/bench_readers.py [--records 5000] [--only ris,bibtex]

For each reader, an input made of its own fixtures (tests/fixtures/<name>/): a
multi-record format repeated until it holds about --records records (files concatenated,
as `cat a b` makes them, or the items of a JSON list repeated); a single-record format
(PubMed and PMC pages, JATS) given a long tail of what pages carry (similar articles,
references) and long lines of the characters the parsers look for. Each is read as the
build reads it (decode, detect, read; split_records and each piece when the reader has
it), at size N and 2N. Printed: records, megabytes, seconds at N, seconds at 2N, and their
ratio (about 2 for a linear reader; 4 would be quadratic). One run each, on a shared
machine: figures to compare, not to assert.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litdb.readers import BY_NAME, decode, detect  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def fixture(name: str, filename: str) -> str:
    return decode((FIXTURES / name / filename).read_bytes())


def repeated(name: str, filename: str):
    """A file of records concatenated k times ("\n\n" between the copies)."""
    one = fixture(name, filename).rstrip("\n") + "\n\n"
    per_copy = len(list(BY_NAME[detect(one)].read(one)))
    return lambda records: one * max(1, records // per_copy)


def json_list(name: str, filename: str, path: tuple = ()):
    """The items of a fixture's JSON list repeated (in its wrapper: message.items, results)."""
    data = json.loads(fixture(name, filename))

    def make(records: int) -> str:
        copy = json.loads(json.dumps(data))
        place = copy
        for key in path[:-1]:
            place = place[key]
        items = place[path[-1]] if path else copy
        grown = (items * (records // len(items) + 1))[:records]
        if path:
            place[path[-1]] = grown
            return json.dumps(copy, indent=1)
        return json.dumps(grown, indent=1)
    return make


def lines(name: str, filename: str):
    """One JSON record a line (NDJSON), the lines repeated."""
    rows = [line for line in fixture(name, filename).split("\n") if line.strip()]
    return lambda records: "\n".join((rows * (records // len(rows) + 1))[:records]) + "\n"


TAIL_LINES = 10  # lines of tail a record's worth: at N = 5,000, a page of 50,000 lines (about 4 MB)


def long_page(name: str, filename: str, tail: str):
    """A single-record page or article with `tail` repeated, TAIL_LINES times a record."""
    page = fixture(name, filename)
    if tail.startswith("<"):  # JATS: inside the body, before </body>
        return lambda records: page.replace("</body>", tail * records * TAIL_LINES + "</body>", 1)
    return lambda records: page + "\n" + tail * records * TAIL_LINES


def pubmed_xml_set(records: int) -> str:
    text = fixture("pubmed_xml", "efetch_two_records.xml")
    start, end = text.index("<PubmedArticle>"), text.rindex("</PubmedArticleSet>")
    return text[:start] + text[start:end] * max(1, records // 2) + text[end:]


SIMILAR = "Similar article: cerebellum and dystonia, a review of 120 cases. Some J. 2020;13(6):666-8.\n"
INPUTS = {
    "medline": repeated("medline", "pubmed-cerebellum-set.nbib"),
    "ris": repeated("ris", "wos.ris"),
    "bibtex": repeated("bibtex", "zotero-biblatex.bib"),
    "pubmed_csv": repeated("pubmed_csv", "csv-cerebellum-set.csv"),
    "pubmed_xml": pubmed_xml_set,
    "aggregator_json": repeated("variants", "a06_two_records_concatenated.txt"),
    "crossref": json_list("crossref", "work_list.json", ("message", "items")),
    "openalex": json_list("openalex", "results_page.json", ("results",)),
    "semantic_scholar": json_list("semantic_scholar", "batch.json"),
    "csl_json": json_list("csl_json", "zotero_export.json"),
    "openalex NDJSON": lines("openalex", "snapshot_part.jsonl"),
    "pubmed_page": long_page("pubmed_page", "legacy_format_abstract.txt", SIMILAR),
    "pmc_page": long_page("pmc_page", "new_layout_frontiers.txt", SIMILAR),
    "jats": long_page("jats", "pmc_oa_article.nxml", "<p>Dystonia &amp; the <i>cerebellum</i>: a paragraph.</p>\n"),
}


def read_as_the_build(text: str) -> tuple[str, int]:
    """(reader, records and errors) of a text, read whole and, when it can be, in pieces."""
    name = detect(text)
    reader = BY_NAME[name]
    items = list(reader.read(text))
    if hasattr(reader, "split_records"):
        pieces = reader.split_records(text)
        if len(pieces) > 1:
            for _, piece in pieces:
                list(reader.read(piece))
    return name, len(items)


def measure(make, records: int) -> tuple[str, int, float, float]:
    text = make(records)
    started = time.perf_counter()
    name, count = read_as_the_build(text)
    return name, count, len(text.encode()) / 2**20, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5000, help="records (or tail lines) at size N")
    parser.add_argument("--only", default="", help="comma-separated input names")
    args = parser.parse_args()
    chosen = [n for n in INPUTS if not args.only or n in args.only.split(",")]
    print(f"{'input':<18} {'reader':<17} {'items':>7} {'MB':>6} {'s at N':>7} {'s at 2N':>8} {'ratio':>6}")
    for label in chosen:
        name, count, mb, small = measure(INPUTS[label], args.records)
        _, _, _, big = measure(INPUTS[label], 2 * args.records)
        print(f"{label:<18} {name:<17} {count:>7} {mb:>6.1f} {small:>7.2f} {big:>8.2f} {big / small:>6.2f}", flush=True)


if __name__ == "__main__":
    main()
