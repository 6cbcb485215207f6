"""Ingestion under bad input: thousands of mutated seed files, none may break the build.

Every case is a copy of one of the two real seeds, given its own DOI, title and journal
("Fuzz case 12: …", 10.5555/fuzz.12) so that it is a paper of its own and can never merge
into the real papers, then damaged: cut short, bytes flipped, NUL bytes, invalid UTF-8,
byte order marks, UTF-16, CRLF, control characters, very long lines, deeply nested JSON,
every JSON field given every wrong type, SQL and HTML in every text field, a 50 MB file.
Many cases go into one build, beside the two real seeds, and after every build:

- the build returns 0 and nothing escapes it;
- every file is ``loaded`` or ``rejected``; a rejected one has a one-line error that says
  what is wrong (one of the messages the readers write, never an internal exception),
  printed as ``path: rejected: reason`` and nothing else is printed;
- the real seeds' ``papers`` rows are exactly those of a build of the real seeds alone;
- ``PRAGMA integrity_check`` is ok and ``PRAGMA foreign_key_check`` is empty;
- no stored text holds a NUL or another control character but tab and newline.

Hypothesis draws the random mutations with a fixed seed (``derandomize``): every run
builds the same 1,500 random cases, plus about 3,200 hand-made ones and a 50 MB file.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SEEDS, aggregator_seed, copy_seeds, run_build
from litdb.build import build
from litdb.normalize import html_to_text

PUBMED = (SEEDS / "000_a766678b1bddf855.txt").read_text(encoding="utf-8")
AG_RECORD, AG_TRAILER = aggregator_seed()  # AG_TRAILER: "\n引用次数: 45\nAbstract\n…"
PUBMED_TITLE = "Dissecting the links between cerebellum and dystonia"

# Every message a reader writes when it rejects a file; anything else is a bug.
REJECTIONS = re.compile(
    r"empty file"
    r"|not UTF-8 text: invalid byte 0x[0-9a-f]{2} at offset \d+"
    r"|invalid UTF-16 at byte \d+: .+"
    r"|binary file: NUL byte at offset \d+"
    r"|invalid JSON at line \d+, column \d+: .+"
    r"|invalid JSON: nested more than \d+ levels deep"
    r"|invalid JSON: a number with thousands of digits"
    r"|JSON is a \w+, expected an object or a list of objects"
    r"|record has no title"
    r"|unknown format: not a format this build reads"
    r"|no citation line like '\. 2014 Dec;13\(6\):666-8\.' before the abstract"
    r"|no title after the citation line"
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")

# SQL, HTML and template injections: stored as the text they are, never run or escaped.
HOSTILE = [
    "'; DROP TABLE papers; --",
    "Robert'); DROP TABLE sources;--",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "&lt;script&gt;alert('x')&lt;/script&gt;",
    "javascript:alert(document.cookie)",
    "{{7*7}} ${7*7} %s%n%x",
    "\u202eevil\u202c \ufeff zero\u200bwidth",
]


# --- the cases -------------------------------------------------------------------------

def pubmed_text(k: int) -> str:
    """The real PubMed page as the page of another paper, number k."""
    return (PUBMED.replace("10.1007/s12311-014-0601-4", f"10.5555/fuzz.{k}")
            .replace(PUBMED_TITLE, f"Fuzz case {k}: {PUBMED_TITLE}")
            .replace("et al. Cerebellum. 2014", "et al. Fuzz Journal. 2014"))


def aggregator_record(k: int) -> dict:
    """The real aggregator record as the record of another paper, number k."""
    record = json.loads(json.dumps(AG_RECORD))
    record.update(title=f"Fuzz case {k}: {AG_RECORD['title']}", doi=f"10.5555/fuzz.{k}",
                  ListUrlMain=f"https://doi.org/10.5555/fuzz.{k}", PeriodicalName="Fuzz Journal of Tests")
    record["journal"]["name"] = "Fuzz Journal of Tests"
    return record


def aggregator_text(data, trailer: str = AG_TRAILER, ensure_ascii: bool = False) -> str:
    return json.dumps(data, ensure_ascii=ensure_ascii) + trailer


def json_bytes_end(text: str) -> int:
    """Byte offset where the first JSON value of the text ends."""
    return len(text[: json.JSONDecoder().raw_decode(text)[1]].encode("utf-8"))


ENCODINGS = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-bom": lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    "utf-16-le-bom": lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"),
    "utf-16-be-bom": lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"),
    "crlf": lambda t: t.replace("\n", "\r\n").encode("utf-8"),
    "cr": lambda t: t.replace("\n", "\r").encode("utf-8"),
    "utf-16-crlf": lambda t: t.replace("\n", "\r\n").encode("utf-16"),
    "utf-8-bom-crlf": lambda t: codecs.BOM_UTF8 + t.replace("\n", "\r\n").encode("utf-8"),
}


class Batch:
    """Files for one build: name -> (bytes, what must become of it)."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, dict]] = {}

    def add(self, name: str, data: bytes | str, **expect) -> None:
        """expect: status="loaded"/"rejected", error=exact message, error_start=prefix,
        title=the paper's title when loaded, stored=[texts some cell must hold verbatim]."""
        assert name not in self.files and not name.startswith(("000_", "001_"))
        self.files[name] = (data.encode("utf-8") if isinstance(data, str) else data, expect)

    def __len__(self):
        return len(self.files)


@pytest.fixture(scope="module")
def reference_papers(seed_db) -> list[dict]:
    """The real seeds' papers rows, from a build of the real seeds alone."""
    return rows(seed_db, "SELECT * FROM papers ORDER BY id")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def rows(db_path: Path, sql: str, params=()) -> list[dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def build_and_check(batch: Batch, workdir: Path, reference_papers: list[dict]) -> Path:
    """Build the batch beside the real seeds and check every invariant; the database."""
    folder = Path(tempfile.mkdtemp(dir=workdir))
    seeds = copy_seeds(folder)
    for name, (data, _) in batch.files.items():
        (seeds / name).write_bytes(data)
    db = folder / "literature.db"
    out, err = io.StringIO(), io.StringIO()
    assert build(seeds, db, out=out, err=err) == 0
    stderr = err.getvalue()
    assert "Traceback" not in stderr

    sources = {s["filename"]: s for s in rows(db, "SELECT * FROM sources")}
    assert sorted(sources) == sorted(p.name for p in seeds.iterdir())
    rejected = [s for s in sources.values() if s["status"] == "rejected"]
    for name, source in sources.items():
        data, expect = batch.files.get(name, (None, {"status": "loaded"}))
        why = f"{name}: {expect} -> {source}"
        assert source["status"] in ("loaded", "rejected"), why
        if source["status"] == "rejected":
            error = source["error"]
            assert error and "\n" not in error and "\r" not in error and len(error) < 200, why
            assert "Traceback" not in error and not CONTROL.search(error), why
            assert REJECTIONS.fullmatch(error), f"unclear or internal error: {why}"
            assert f"{seeds / name}: rejected: {error}\n" in stderr, why
        else:
            assert source["error"] is None and source["records"] >= 1, why
        if "status" in expect:
            assert source["status"] == expect["status"], why
        if "error" in expect:
            assert source["error"] == expect["error"], why
        if "error_start" in expect:
            assert (source["error"] or "").startswith(expect["error_start"]), why
    assert len(stderr.splitlines()) == len(rejected), stderr  # nothing else on stderr

    # The real papers are exactly as a build of the real seeds alone makes them.
    ids = [p["id"] for p in reference_papers]
    assert rows(db, f"SELECT * FROM papers WHERE id IN ({', '.join('?' * len(ids))}) ORDER BY id",
                ids) == reference_papers

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        texts = []
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if "_fts" not in t]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM [{table}]"):
                for value in row:
                    if isinstance(value, str):
                        assert not CONTROL.search(value), f"control character in {table}: {value[:200]!r}"
                        texts.append(value)
    finally:
        conn.close()

    # Loaded cases: the paper they describe, their text stored as given.
    titles = {p["title"] for p in rows(db, "SELECT title FROM papers")}
    for name, (_, expect) in batch.files.items():
        if "title" in expect:
            assert expect["title"] in titles, f"{name}: no paper titled {expect['title']!r}"
        for text in expect.get("stored", []):
            assert any(text in t for t in texts), f"{name}: {text!r} not stored verbatim"
    return db


def check(batch: Batch, workdir: Path, reference_papers: list[dict]) -> None:
    db = build_and_check(batch, workdir, reference_papers)
    shutil.rmtree(db.parent)


# --- random mutations (hypothesis, fixed seed) ----------------------------------------

INSERTS = [
    b"\x00", b"\x00\x00\x00\x00", b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf",
    b"\xf4\x90\x80\x80", b"\xe2\x82", b"\x1b[31m", b"\x07\x08\x0b\x0c", b"\x7f", b"\xc2\x85",
    "\u2028\u2029".encode(), b"\r", b"\r\n", b"\n\n", b"{", b"[", b"}", b"]", b'"', b"\\",
    b"\\u0000", b"\\ud800", b"\\uDFFF\\ud83d", b"&#0;&#x1b;&#xd800;", b"<![CDATA[", b"<!--", b"<p>",
    b"\nPubMed Disclaimer\n", b"\nAbstract\n", b"\nReferences\n", b"\n. 2014 Dec;13(6:666-8.\n",
    b"\nCited by 3 articles. 2014.\n", b"\nAffiliations\n", b"\n" + "引用次数: 9".encode() + b"9" * 40 + b"\n",
    b"NaN", b"-Infinity", b"1e999", b"9" * 5000, codecs.BOM_UTF8, codecs.BOM_UTF16_LE,
    *(s.encode() for s in HOSTILE),
]
LONG_LINE_PIECES = [b"x", b" ", b"a ", b". ", b"\t", b"1 ", b"Ab Cd, ", b" - DOI", b"(", b"["]

operation = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(INSERTS) | st.binary(min_size=1, max_size=6)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 200)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6), st.integers(1, 400)),
    st.tuples(st.just("long line"), st.integers(0, 10**6), st.sampled_from(LONG_LINE_PIECES), st.integers(1, 40_000)),
)
mutant = st.tuples(st.sampled_from(["pubmed", "aggregator"]), st.sampled_from(sorted(ENCODINGS)),
                   st.lists(operation, min_size=1, max_size=4))

FILES_PER_EXAMPLE, EXAMPLES = 30, 50


def mutate(data: bytes, operations) -> bytes:
    for op, at, *args in operations:
        at = at % (len(data) + 1)
        if op == "truncate":
            data = data[:at]
        elif op == "flip" and data:
            at = at % len(data)
            data = data[:at] + bytes([data[at] ^ args[0]]) + data[at + 1:]
        elif op == "insert":
            data = data[:at] + args[0] + data[at:]
        elif op == "delete":
            data = data[:at] + data[at + args[0]:]
        elif op == "duplicate":
            data = data[:at + args[0]] + data[at:]
        elif op == "long line":
            data = data[:at] + b"\n" + args[0] * args[1] + b"\n" + data[at:]
    return data


@settings(derandomize=True, database=None, max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutants=st.lists(mutant, min_size=FILES_PER_EXAMPLE, max_size=FILES_PER_EXAMPLE))
def test_random_mutations_never_break_the_build(mutants, workdir, reference_papers):
    batch = Batch()
    for k, (base, encoding, operations) in enumerate(mutants):
        text = pubmed_text(k) if base == "pubmed" else aggregator_text(aggregator_record(k))
        data = mutate(ENCODINGS[encoding](text), operations)
        expect = {}
        if not operations:  # only re-encoded, never damaged: it loads as the paper it is
            title = f"Fuzz case {k}: {PUBMED_TITLE}" if base == "pubmed" else aggregator_record(k)["title"]
            expect = {"status": "loaded", "title": title}
        batch.add(f"m{k:03d}_{base}_{encoding}_{len(operations)}ops.txt", data, **expect)
    check(batch, workdir, reference_papers)


# --- hand-made cases --------------------------------------------------------------------

def test_truncation_at_every_few_bytes(workdir, reference_papers):
    """Cut short anywhere: a page cut above its title or a JSON cut inside is rejected
    with its reason, a page cut below its title or a record cut in its trailer loads."""
    for base in ("pubmed", "aggregator"):
        batch = Batch()
        text = pubmed_text(1) if base == "pubmed" else aggregator_text(aggregator_record(1))
        data = text.encode("utf-8")
        # loaded once the first letter of the title, or the whole JSON, is there
        end = json_bytes_end(text) if base == "aggregator" else data.index(b"Fuzz case 1") + 1
        for at in range(0, len(data), 3):
            cut, expect = data[:at], {}
            if at == 0:
                expect = {"status": "rejected", "error": "empty file"}
            elif not is_utf8(cut):  # cut inside a character
                expect = {"status": "rejected", "error_start": "not UTF-8 text: invalid byte"}
            elif at >= end:
                expect = {"status": "loaded"}
            elif base == "aggregator":
                expect = {"status": "rejected", "error_start": "invalid JSON at line 1"}
            batch.add(f"cut_{base}_{at:05d}.txt", cut, **expect)
        check(batch, workdir, reference_papers)


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@pytest.mark.parametrize("base", ["pubmed", "aggregator"])
def test_encodings_that_can_be_decoded_are_loaded(base, workdir, reference_papers):
    batch = Batch()
    for k, (name, encode) in enumerate(sorted(ENCODINGS.items()), 1):
        text = pubmed_text(k) if base == "pubmed" else aggregator_text(aggregator_record(k))
        title = f"Fuzz case {k}: {PUBMED_TITLE}" if base == "pubmed" else aggregator_record(k)["title"]
        batch.add(f"enc_{name}.txt", encode(text), status="loaded", title=title)
    check(batch, workdir, reference_papers)
    # and the same paper comes out, whatever the encoding
    papers = []
    for encode in ENCODINGS.values():
        batch = Batch()
        text = pubmed_text(1) if base == "pubmed" else aggregator_text(aggregator_record(1))
        batch.add("only.txt", encode(text), status="loaded")
        db = build_and_check(batch, workdir, reference_papers)
        papers.append(rows(db, "SELECT * FROM papers WHERE doi = '10.5555/fuzz.1'"))
    assert all(p == papers[0] for p in papers) and len(papers[0]) == 1


def test_bytes_that_are_not_text_are_rejected(workdir, reference_papers):
    batch = Batch()
    for base in ("pubmed", "aggregator"):
        data = (pubmed_text(1) if base == "pubmed" else aggregator_text(aggregator_record(1))).encode()
        for at in range(0, len(data), 97):
            batch.add(f"nul_{base}_{at}.txt", data[:at] + b"\x00" + data[at:],
                      status="rejected", error_start="binary file: NUL byte at offset")
            for n, bad in enumerate([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88\x80\x80\x80"]):
                batch.add(f"utf8_{base}_{at}_{n}.txt", data[:at] + bad + data[at:],
                          status="rejected", error=f"not UTF-8 text: invalid byte 0x{bad[0]:02x} at offset {at}")
        # in UTF-16: a lone surrogate, an odd number of bytes
        utf16 = codecs.BOM_UTF16_LE + data.decode().encode("utf-16-le")
        batch.add(f"utf16_surrogate_{base}.txt", utf16[:100] + b"\x00\xd8" + b"a\x00" + utf16[100:],
                  status="rejected", error="invalid UTF-16 at byte 100: illegal UTF-16 surrogate")
        batch.add(f"utf16_odd_{base}.txt", utf16 + b"\x00", status="rejected",
                  error=f"invalid UTF-16 at byte {len(utf16)}: truncated data")
        batch.add(f"utf16_no_bom_{base}.txt", data.decode().encode("utf-16-le"), status="rejected")
    for name, data in {"bom_only": codecs.BOM_UTF8, "bom16_only": codecs.BOM_UTF16_BE, "spaces": b" \t\n \r\n",
                       "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "controls": bytes(range(1, 32)) * 3}.items():
        batch.add(f"junk_{name}.bin", data, status="rejected")
    check(batch, workdir, reference_papers)


def test_control_characters_are_never_stored(workdir, reference_papers):
    """Raw in the page or the JSON, or escaped in a JSON string: control characters
    become spaces; the paper still loads."""
    controls = "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 32), 127, 0x85]))
    batch = Batch()
    text = pubmed_text(1).replace(PUBMED_TITLE, f"Dissecting{controls}the links")
    batch.add("ctl_pubmed.txt", text, status="loaded", title="Fuzz case 1: Dissecting the links")
    record = aggregator_record(2)
    batch.add("ctl_raw.json", aggregator_text(record).replace("Fuzz case 2:", f"Fuzz{controls}case 2:"),
              status="loaded", title=record["title"])
    for n, key in enumerate(AG_RECORD):
        record = aggregator_record(10 + n)
        record[key] = f"a\u0000b{controls}c\ud800d"  # written as JSON escapes: \u0000, \ud800
        batch.add(f"ctl_escaped_{key}.json", aggregator_text(record, ensure_ascii=True),
                  **({"status": "loaded"} if key != "title" else {"status": "loaded", "title": "a b c\ufffdd"}))
    check(batch, workdir, reference_papers)


HUGE = "dystonia cerebellum " * 13_000  # 260 kB
WRONG_VALUES = {
    "null": None, "zero": 0, "negative": -1, "float": 1.5, "huge_float": 1e308, "huge_int": 10**30,
    "true": True, "false": False, "empty_list": [], "list": [1, "a", None, {"name": 2}],
    "empty_object": {}, "object": {"name": {"x": [1]}, "url": 3}, "empty_string": "", "blank": " \t ",
    "huge_string": HUGE, "html": "<p>a</p><!--", "date_like": "2017-13-45T99", "number_string": "99999999999999999999999",
}
NUMBERS = {"zero", "negative", "float", "huge_float", "huge_int", "date_like", "number_string"}


def test_every_field_with_every_wrong_type(workdir, reference_papers):
    """Each field of the aggregator record (and of its journal) set to null, a number,
    a bool, a list, an object, an empty or a huge string: the record loads, or has no
    title and is rejected for that."""
    batch, k = Batch(), 100
    fields = [(key, None) for key in AG_RECORD] + [("journal", sub) for sub in ("name", "volume", "issue", "pages")] \
        + [("openAccessPdf", "url"), ("pmid", None), ("PMID", None), ("pubmedId", None), ("year", None), ("pmcid", None)]
    for key, sub in fields:
        for label, value in WRONG_VALUES.items():
            k += 1
            record = aggregator_record(k)
            if (key, sub) == ("journal", "name") and label in NUMBERS:
                continue  # a journal named "1.5": see test_journal_names_without_latin_letters
            if sub is None:
                record[key] = value
            elif key == "journal":
                record["journal"][sub] = value
            else:
                record[key] = {sub: value}
            expect = {"status": "loaded"}
            if key == "title" and sub is None and (value is None or isinstance(value, (bool, list, dict))
                                                   or isinstance(value, str) and not value.strip()):
                expect = {"status": "rejected", "error": "record has no title"}
            batch.add(f"type_{key}_{sub}_{label}.json", aggregator_text(record), **expect)
    # The record is not an object at all
    for label, value in WRONG_VALUES.items():
        if not isinstance(value, dict):
            batch.add(f"type_toplevel_{label}.json", json.dumps(value) + AG_TRAILER, status="rejected")
    # Authors listed as a list of anything
    for label, value in WRONG_VALUES.items():
        k += 1
        record = aggregator_record(k)
        record["authors"] = ["Ann Author", value, {"name": value}]
        batch.add(f"type_author_entry_{label}.json", aggregator_text(record), status="loaded",
                  stored=["Ann Author"])
    check(batch, workdir, reference_papers)


# The fields of the aggregator record that are not kept as given: identifiers and
# numbers are validated, lists split, and the HTML-bearing ones reduced to their text.
NOT_VERBATIM = {"authors", "doi", "journal", "publicationTypes", "isOpenAccess", "citationCount",
                "PMID", "pmid", "pubmedId", "year"}
HTML_FIELDS = {"title", "abstract"}


def test_sql_and_html_in_every_text_field_are_stored_as_text(workdir, reference_papers):
    batch, k = Batch(), 1000
    for n, hostile in enumerate(HOSTILE):
        for key in [*AG_RECORD, "journal.name", "journal.volume", "trailer"]:
            k += 1
            record, trailer = aggregator_record(k), AG_TRAILER
            if key == "trailer":
                trailer = AG_TRAILER + " " + hostile  # (a line opening with "{" starts another record)
                record["abstract"] = None
            elif key.startswith("journal."):
                record["journal"][key.split(".")[1]] = hostile
            else:
                record[key] = hostile
            stored = []
            if key not in NOT_VERBATIM:
                stored = [html_to_text(hostile) if key in HTML_FIELDS | {"trailer"} else hostile]
            batch.add(f"sql_{n}_{key}.json", aggregator_text(record, trailer), status="loaded", stored=stored)
        # the PubMed page: title, abstract, author line, a reference, a MeSH-like section
        k += 1
        page = pubmed_text(k).replace(f"Fuzz case {k}: {PUBMED_TITLE}", hostile)
        page = page.replace("Dystonia is a common movement disorder", f"{hostile} Dystonia is a common movement disorder")
        page = page.replace("Ailish Malone et al.", f"{hostile} et al.")
        page = page.replace("    1. J Neurosci.", f"    1. {hostile}\n    1. J Neurosci.")
        page = page.replace("10.5555/fuzz", f"10.5555/{hostile.replace(' ', '')}")
        page += f"\nMeSH terms\n\n{hostile}\nGrants and funding\n\n{hostile}\n"
        batch.add(f"sql_{n}_pubmed.txt", page, status="loaded", title=hostile,
                  stored=[hostile, f"{hostile} Dystonia is a common movement disorder"])
    check(batch, workdir, reference_papers)


def test_sql_and_html_in_file_names(workdir, reference_papers):
    batch = Batch()
    for n, name in enumerate(["'; DROP TABLE papers; --.txt", "<script>alert(1)<\u2215script>.json",
                              "Robert'); DROP TABLE sources;--", "%s%n{{7*7}}.txt", "..."]):
        batch.add(name, aggregator_text(aggregator_record(n)), status="loaded", stored=[name])
    check(batch, workdir, reference_papers)


LONG_LINES = {"x": "x", "spaces": " ", "words": "Ab Cd, ", "dots": ". ", "labels": " - DOI", "digits": "1 ",
              "citation": ". 2014 Dec;13(6):666-8. ", "parens": "(", "tabs": "\t", "amp": "&amp;"}
PLACES = ["pubmed furniture", "pubmed title", "pubmed abstract", "pubmed reference",
          "json title", "json abstract", "json authors", "json JCR", "json trailer"]


def with_long_line(k: int, place: str, line: str) -> str:
    if place.startswith("json"):
        key = place.split()[1]
        record = aggregator_record(k)
        if key == "trailer":
            return aggregator_text(record, AG_TRAILER + line)
        record[key] = f"{record[key]} {line}"
        return aggregator_text(record)
    page = pubmed_text(k)
    return {
        "pubmed furniture": page.replace("Access keys NCBI", f"{line}\nAccess keys NCBI"),
        "pubmed title": page.replace(PUBMED_TITLE, PUBMED_TITLE + line),
        "pubmed abstract": page.replace("Dystonia is a common", f"{line}\nDystonia is a common"),
        "pubmed reference": page.replace("    1. J Neurosci.", f"    1. {line}\n    1. J Neurosci."),
    }[place]


@pytest.mark.parametrize("length, cases", [
    # every pattern everywhere: a pattern that backtracks quadratically takes minutes here
    (50_000, [(piece, place) for piece in LONG_LINES for place in PLACES]),
    # and lines of megabytes
    (2_000_000, [(piece, place) for piece in ("spaces", "tabs") for place in PLACES]
     + [("x", "pubmed furniture"), ("x", "pubmed reference"), ("x", "json JCR")]),
], ids=["50kB", "2MB"])
def test_very_long_lines(length, cases, workdir, reference_papers):
    """Long lines, of one character or of a pattern the parsers look for, in the page,
    in a JSON string and in the trailer: they load, in linear time."""
    batch = Batch()
    for k, (piece, place) in enumerate(cases, 3000):
        line = LONG_LINES[piece] * (length // len(LONG_LINES[piece]))
        batch.add(f"long_{place.replace(' ', '_')}_{piece}.txt", with_long_line(k, place, line), status="loaded")
    check(batch, workdir, reference_papers)


def test_deeply_nested_json(workdir, reference_papers):
    batch = Batch()
    for depth in (33, 100, 999, 1000, 5000, 100_000):
        batch.add(f"deep_array_{depth}.json", "[" * depth + "]" * depth, status="rejected")
        batch.add(f"deep_object_{depth}.json", '{"a":' * depth + "1" + "}" * depth, status="rejected")
        batch.add(f"deep_unclosed_{depth}.json", "[" * depth, status="rejected")
        record = aggregator_record(depth)
        record["fieldsOfStudy"] = "@"
        nested = aggregator_text(record).replace('"@"', "[" * depth + "]" * depth)
        batch.add(f"deep_field_{depth}.json", nested, status="rejected",
                  error_start="invalid JSON: nested more than")
    for depth in (2, 10, 30):  # nesting a real record could have is kept
        record = aggregator_record(depth)
        record["fieldsOfStudy"] = json.loads("[" * depth + '"Medicine"' + "]" * depth)
        batch.add(f"nested_field_{depth}.json", aggregator_text(record), status="loaded")
    check(batch, workdir, reference_papers)


def test_json_arrays_of_records(workdir, reference_papers):
    batch = Batch()
    records = [aggregator_record(k) for k in range(1, 6)]
    batch.add("array_5.json", json.dumps(records), status="loaded", title=records[4]["title"])
    batch.add("array_1_trailer.json", aggregator_text([aggregator_record(6)]), status="loaded",
              title=aggregator_record(6)["title"])
    batch.add("array_concatenated.json", aggregator_text(aggregator_record(7)) + "\n" + aggregator_text(aggregator_record(8)),
              status="loaded", title=aggregator_record(8)["title"])
    batch.add("array_1000.json", json.dumps([aggregator_record(k) for k in range(100, 1100)]), status="loaded",
              title=aggregator_record(1099)["title"])
    batch.add("array_empty.json", "[]", status="rejected", error="JSON is a list, expected an object or a list of objects")
    batch.add("array_mixed.json", json.dumps([aggregator_record(9), 1]), status="rejected")
    batch.add("array_nested.json", json.dumps([[aggregator_record(10)]]), status="rejected")
    batch.add("array_trailing_garbage.json", json.dumps([aggregator_record(11)]) + "\n{oops", status="rejected")
    batch.add("array_untitled.json", json.dumps([aggregator_record(12), {"doi": "10.5555/x"}]), status="rejected",
              error="record has no title")
    check(batch, workdir, reference_papers)


def test_pubmed_pages_with_broken_structure(workdir, reference_papers):
    """Shapes the PubMed reader once tripped over, and headings in odd places."""
    batch = Batch()
    page = pubmed_text(1)
    cases = {
        "bad_volume": (page.replace("13(6):666-8", "13(6:666-8"), "loaded"),
        "bad_reference_volume": (page.replace("2015 May;22(5):762-7", "2015 May;22(5:762-7"), "loaded"),
        "heading_as_citation": (page.replace(". 2014 Dec;13(6):666-8.", "Cited by 3. 2014 Dec.")
                                .replace("doi: 10.5555/fuzz.1.", ""), None),
        "no_title": (page.replace(f"Fuzz case 1: {PUBMED_TITLE}", ""), None),
        "only_citation": (". 2014 Dec;13(6):666-8.\nAbstract\n", "rejected"),
        "headings_only": ("\n".join(["PubMed Disclaimer", "Abstract", "References", ". 2014."]), "rejected"),
        "many_citation_lines": ((". 2014 Dec;13(6):666-8.\n" * 20_000) + page, None),
        "many_headings": (page + "\nAbstract\nReferences\nMeSH terms\n" * 20_000, "loaded"),
        "numbers_everywhere": (page.replace("Ailish Malone et al.", "1 2 3 4 5 6 7 8 9 et al."), "loaded"),
    }
    for name, (text, status) in cases.items():
        batch.add(f"page_{name}.txt", text, **({"status": status} if status else {}))
    check(batch, workdir, reference_papers)


def test_merge_of_papers_without_a_latin_title(workdir, reference_papers):
    """Two records with neither DOI nor PMID and a title with no Latin letter or digit
    (title_key is empty) must stay two papers, not collide on one id."""
    batch = Batch()
    batch.add("cjk_1.json", json.dumps({"title": "小脳とジストニア", "year": 2020}), status="loaded")
    batch.add("cjk_2.json", json.dumps({"title": "ジストニアの病態", "year": 2020}), status="loaded")
    check(batch, workdir, reference_papers)


def test_journal_names_without_latin_letters(workdir, reference_papers):
    """Journals named in another script, or by a number (a wrong type), are journals of
    their own: they must not collide on one id."""
    batch = Batch()
    for k, name in enumerate(["中华神经科杂志", "神経内科", "1.5", "2017"], 1):
        record = aggregator_record(k)
        record["journal"]["name"] = name
        batch.add(f"journal_{k}.json", aggregator_text(record), status="loaded", stored=[name])
    check(batch, workdir, reference_papers)


def test_cli_on_a_50_megabyte_file_and_a_mixed_folder(tmp_path):
    """The command line, as CI and `make` run it: a 50 MB page (furniture sidebars pasted
    with it) loads, the bad files are rejected, stderr holds one line per rejection."""
    seeds = copy_seeds(tmp_path)
    similar = "".join(f"Similar article {n}: cerebellum and dystonia. Some J. 2020.\n" for n in range(100))
    big = pubmed_text(1) + "\nSimilar articles\n\n" + similar * (50 * 2**20 // len(similar) + 1)
    (seeds / "big.txt").write_text(big, encoding="utf-8")
    assert (seeds / "big.txt").stat().st_size > 50 * 2**20
    (seeds / "nul.txt").write_bytes(b"PMID: 1\x00")
    (seeds / "deep.json").write_text("[" * 100_000)
    (seeds / "huge_number.json").write_text('{"title": "x", "citationCount": ' + "9" * 5000 + "}")
    (seeds / "surrogate.json").write_text('{"title": "x\\ud800", "doi": "10.5555/%00x"}')
    result = run_build("--seeds", seeds, "--db", tmp_path / "out.db", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"{seeds}/deep.json: rejected: invalid JSON: nested more than 32 levels deep",
        f"{seeds}/huge_number.json: rejected: invalid JSON: a number with thousands of digits",
        f"{seeds}/nul.txt: rejected: binary file: NUL byte at offset 7",
    ]
    assert result.stdout.startswith(f"{tmp_path / 'out.db'}: 4 files loaded, 3 rejected; 4 papers")
    assert rows(tmp_path / "out.db", "SELECT title, doi FROM papers WHERE title LIKE 'x%'") == [
        {"title": "x\ufffd", "doi": None}]
