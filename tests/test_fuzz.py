"""Ingestion under bad input: every reader's own fixtures, mutated, never break a reader
or the build.

The fuzzer is seeded with the fixtures of every reader in litdb/readers (READERS): the
files in tests/fixtures/<reader name>/, plus, for the two first formats, the real seeds,
tests/fixtures/pubmed_page/ and tests/fixtures/variants/. Mutations: cut short, bytes
flipped, inserted (NUL, invalid UTF-8, byte order marks, the syntax of every format:
braces, quotes, tags, comments, CDATA, record starts and ends, tag lines), deleted or
duplicated, very long lines, every encoding the build decodes; for the JSON formats also
every value of a record given a wrong type. Hypothesis draws them with a fixed seed
(``derandomize``): every run tries the same cases.

What must hold, for every mutated file, reader by reader (in-process, about 2,300 files):

- decoding gives text or a one-line ValueError;
- the reader that claims the text gives PaperRecords and RecordErrors in file order, or
  raises one ValueError of one line; never another exception;
- every record is well-formed: each field of the type records.py gives it, identifiers
  in their normal form (DOI lower case "10.…", PMID digits, PMCID "PMC…", ORCID, ISO
  dates); no text holds a control character (but tab and new line) or a lone surrogate;
- a RecordError says its place (its position among the file's records) and one line of
  reason that says what is wrong (never "unexpected value", an exception caught blind);
- a format that can be cut into records (split_records) gives, piece by piece as the
  build reads a big export among its workers, exactly what the whole file gives (and no
  record at all when the whole file is rejected);
- a bad record never loses the others: one record of a multi-record fixture damaged in
  its body (or, in a JSON list, one item given wrong values), every other record still
  comes out as it did.

And for builds of such files beside the real seeds (a few builds of many files each):

- the build returns 0 and nothing escapes it: the build never fails because of one bad
  file;
- every file is ``loaded`` or ``rejected``; a rejected one has a one-line error that says
  what is wrong (one of the messages the readers write, listed here by hand; never an
  internal exception), printed as ``path: rejected: reason``; nothing else is printed but
  the lines of the bad records;
- the real seeds' ``papers`` rows are exactly those of a build of the real seeds alone
  (when the batch holds records of other papers only; the new formats' fixtures hold
  records of the seeds' papers too: then those papers are there, merged);
- ``PRAGMA integrity_check`` is ok and ``PRAGMA foreign_key_check`` is empty;
- no stored text holds a NUL or another control character but tab and newline;
- no link to a shadow library survives the build, wherever it was put in any format.

Hand-made cases, for the two first formats (the PubMed page and the aggregator record,
each case a paper of its own: "Fuzz case 12: ...", 10.5555/fuzz.12): truncation every
few bytes, every encoding, bytes that are not text (NUL, bytes Windows-1252 leaves
undefined, broken UTF-16), control characters raw and escaped, every field with every
wrong type, SQL and HTML in every text field and in file names, long lines of every
pattern (50 kB and 1 MB), deeply nested JSON, arrays of records, broken page structure,
titles and journals without Latin letters, a 10 MB page, the command line on a mixed
folder; and the smallest inputs the fuzzer found, tried on every run.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, SEEDS, aggregator_seed, copy_seeds, run_build
from litdb.build import build
from litdb.readers import BY_NAME, READERS, decode, detect
from litdb.records import Author, Claim, Grant, MeshTerm, PaperRecord, RecordError, Reference

# --- the seeds of the fuzzer: every reader's fixtures ----------------------------------

# Written out by hand: a reader added to READERS without being named here fails
# test_every_reader_is_fuzzed, so that none is left out of the fuzz.
READER_NAMES = ["aggregator_json", "bibtex", "crossref", "csl_json", "endnote_xml", "europepmc", "jats", "medline",
                "openalex", "pmc_page", "pubmed_csv", "pubmed_page", "pubmed_summary", "pubmed_xml", "ris",
                "scopus_csv", "semantic_scholar", "wos"]


def fixtures_of(name: str) -> list[Path]:
    # (a .expected.json beside a page is what a test expects of it, not a file to read)
    files = sorted(p for p in (FIXTURES / name).glob("*") if p.is_file() and ".expected" not in p.name)
    if name == "pubmed_page":
        files += [SEEDS / "000_a766678b1bddf855.txt", *sorted((FIXTURES / "variants").glob("p*.txt"))]
    if name == "aggregator_json":
        files += [SEEDS / "001_51f3e96b9982b093.txt", *sorted((FIXTURES / "variants").glob("a*.txt"))]
    return files


FIXTURE_BYTES = {name: [p.read_bytes() for p in fixtures_of(name)] for name in READER_NAMES}
JSON_READERS = ["aggregator_json", "crossref", "csl_json", "europepmc", "openalex", "semantic_scholar"]


def test_every_reader_is_fuzzed():
    assert sorted(r.NAME for r in READERS) == READER_NAMES
    # (fixtures are added all the time: at least two a reader, so that one is never all)
    assert [name for name, files in FIXTURE_BYTES.items() if len(files) < 2] == []


# --- what every reading must give -------------------------------------------------------

# Never in a stored text: C0 controls but tab and newline, DEL, C1; lone surrogates.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
ISO_DATE = re.compile(r"\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?")
ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
TEXT_FIELDS = ["doi", "pmid", "pmcid", "abstract", "journal_title", "journal_abbreviation", "publication_date",
               "epub_date", "volume", "issue", "pages", "open_access_url", "issn_l", "copyright"]


def one_line(message: str) -> None:
    assert message.strip() and "\n" not in message and "\r" not in message, repr(message)
    assert "Traceback" not in message and not CONTROL.search(message), repr(message)


def optional(value, kind) -> bool:
    return value is None or (isinstance(value, kind) and not isinstance(value, bool) if kind is not bool
                             else isinstance(value, bool))


def texts(value):
    """Every string inside a record (dataclasses, lists, dicts)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from texts(getattr(value, f.name))
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from texts(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from texts(k)
            yield from texts(v)


def check_record(record: PaperRecord, name: str) -> None:
    """A record as records.py says it is: each field of its type, values normalised."""
    why = f"{name}: {record!r:.300}"
    assert record.format == name and isinstance(record.title, str), why
    for field in TEXT_FIELDS:
        value = getattr(record, field)
        assert value is None or (isinstance(value, str) and value.strip()), f"{field}={value!r}: {why}"
    assert record.doi is None or (record.doi.startswith("10.") and record.doi == record.doi.lower()), why
    assert record.pmid is None or record.pmid.isdigit(), why
    assert record.pmcid is None or re.fullmatch(r"PMC\d+", record.pmcid), why
    for date in (record.publication_date, record.epub_date):
        assert date is None or ISO_DATE.fullmatch(date), why
    assert optional(record.year, int) and optional(record.citation_count, int), why
    assert optional(record.is_open_access, bool) and isinstance(record.authors_complete, bool), why
    assert record.line is None or (isinstance(record.line, int) and record.line >= 1), why
    for kind, values in [(str, record.issns), (str, record.publication_types), (str, record.keywords),
                         (Author, record.authors), (MeshTerm, record.mesh_terms), (Grant, record.grants),
                         (Reference, record.references), (Claim, record.claims)]:
        assert isinstance(values, list) and all(isinstance(v, kind) for v in values), why
    for a in record.authors:
        assert isinstance(a.name, str) and a.name.strip() and isinstance(a.group, bool), why
        assert optional(a.family, str) and optional(a.given, str), why
        assert a.orcid is None or ORCID.fullmatch(a.orcid), why
        assert isinstance(a.affiliations, list) and all(isinstance(x, str) for x in a.affiliations), why
    for m in record.mesh_terms:
        assert isinstance(m.term, str) and m.term.strip() and optional(m.qualifier, str), why
        assert isinstance(m.major, bool), why
    for g in record.grants:
        assert isinstance(g.text, str) and all(optional(v, str) for v in (g.grant_id, g.acronym, g.agency,
                                                                          g.country)), why
    for r in record.references:
        assert isinstance(r.position, int) and r.position >= 1 and isinstance(r.citation, str), why
        assert optional(r.year, int) and r.month in (None, *range(1, 13)) and r.day in (None, *range(1, 32)), why
        assert all(optional(getattr(r, f), str) for f in ("authors", "title", "journal", "volume", "issue",
                                                          "pages", "doi", "pmid")), why
    for c in record.claims:
        assert isinstance(c.field, str) and c.field and optional(c.value, str) and optional(c.note, str), why
    for text in texts(record):
        assert not CONTROL.search(text), f"control character or lone surrogate in {text[:200]!r}: {why}"


def check_items(name: str, items: list) -> None:
    """A whole file's items: records and errors, each error at its own place."""
    assert items, f"{name}: a file it claims gave no record and no error"
    for position, item in enumerate(items, 1):
        if isinstance(item, RecordError):
            assert item.position == position, f"{name}: {item} is item {position}"
            assert item.line is None or (isinstance(item.line, int) and item.line >= 1), item
            one_line(item.reason)
            # read_items' net for a TypeError or AttributeError: a shape the reader did not foresee
            assert not item.reason.startswith("unexpected value"), f"{name}: {item}"
        else:
            assert isinstance(item, PaperRecord), f"{name}: {type(item).__name__}"
            check_record(item, name)


def outline(items) -> list | None:
    """What a reading gives, the places of its lines left out (a piece counts from 1)."""
    if items is None:
        return None
    return [("error",) if isinstance(i, RecordError) else dataclasses.replace(i, line=None) for i in items]


def read_file(data: bytes):
    """Read a file's bytes as the build does, checking everything on the way; gives
    (reader name, items) or (None, the ValueError's message)."""
    try:
        text = decode(data)
    except ValueError as e:
        one_line(str(e))
        return None, str(e)
    assert not CONTROL.search(text.replace("\ufeff", ""))
    name = detect(text)
    if name is None:
        return None, "unknown format"
    reader = BY_NAME[name]
    try:
        items = list(reader.read(text))
    except ValueError as e:
        one_line(str(e))
        items = None
    else:
        check_items(name, items)
    if hasattr(reader, "split_records"):
        pieces = reader.split_records(text)
        assert pieces and [line for line, _ in pieces] == sorted({line for line, _ in pieces}), name
        if len(pieces) > 1:
            # The build reads a big export piece by piece, among its workers (a piece that
            # cannot be read is one bad record): the same file must give the same records
            # and errors whatever its size; a file rejected whole gives no record in pieces.
            parts = []
            for _, piece in pieces:
                try:
                    parts += reader.read(piece)
                except ValueError as e:
                    one_line(str(e))
                    parts.append(RecordError(1, 1, str(e)))
            why = f"{name}: read whole and in pieces differ: {text[:500]!r}"
            if items is None:
                assert [p for p in parts if isinstance(p, PaperRecord)] == [], why
            else:
                assert outline(parts) == outline(items), why
    return name, items


# --- the mutations ----------------------------------------------------------------------
def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True



SHADOW_LINKS = [b" https://sci-hub.se/10.1007/x ", b" http://libgen.rs/scimag/1 ", b"www.z-lib.org/book/2",
                b"https:\\/\\/annas-archive.org\\/md5\\/3"]
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
INSERTS = [
    # bytes that are not text, or text that is not clean
    b"\x00", b"\xff", b"\xfe\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe2\x82",
    b"\x1b[31m", b"\x07\x08\x0b\x0c", b"\x7f", b"\xc2\x85", "\u2028\u2029".encode(), codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE, b"\r", b"\r\n", b"\n\n", b"\t",
    # JSON
    b"{", b"[", b"}", b"]", b'"', b"\\", b",", b":", b"\\u0000", b"\\ud800", b"\\uDFFF\\ud83d", b"NaN", b"-Infinity",
    b"1e999", b"9" * 5000, b"null", b"[]", b"{}", b'"title": null, ',
    # XML and HTML
    b"<", b">", b"&", b"&#0;&#x1b;&#xd800;", b"&amp;", b"&nbsp;", b"&undefined;", b"<![CDATA[", b"]]>", b"<!--",
    b"-->", b"<?pi x?>", b"<p>", b"</", b"<i>", b"<sup>2</sup>", b"<PubmedArticle>", b"</PubmedArticle>",
    b"<article>", b"</article>", b"<!DOCTYPE x>", b'<!ENTITY x "y">', b'xmlns="urn:x"',
    # tagged exports and BibTeX
    b"\nER  - \n", b"\nTY  - JOUR\n", b"\nPMID- 1\n", b"\nAU  - ", b"\nFAU - ", b"\n      ", b"  - ", b"- ",
    b"\nER\n", b"\nPT J\n", b"\nCR ", b"\n   ", b"\nEF\n",
    b"\n@article{x,\n", b"@string{a = b}", b"@comment{", b"{\\", b"\\'", b"$", b"%", b"#", b" and others",
    b"\n\n\n", b'""', b'","', b'"\n"',
    # pages
    b"\nPubMed Disclaimer\n", b"\nAbstract\n", b"\nReferences\n", b"\n. 2014 Dec;13(6:666-8.\n",
    b"\nCited by 3 articles. 2014.\n", b"\nAffiliations\n", b"\nPMID: \n", b"\nPMCID: PMC\n", b"\ndoi: \n",
    b"\nKeywords: \n", b"\n" + "引用次数: 9".encode() + b"9" * 40 + b"\n",
    *SHADOW_LINKS, *(s.encode() for s in HOSTILE),
]
LONG_LINE_PIECES = [b"x", b" ", b"a ", b". ", b"\t", b"1 ", b"Ab Cd, ", b" - DOI", b"(", b"[", b"{", b"<b>",
                    b"AU  - ", b"&amp;", b"\\'{e}"]

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

operation = st.one_of(
    st.tuples(st.just("truncate"), st.integers(0, 10**6)),
    st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255)),
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(INSERTS) | st.binary(min_size=1, max_size=6)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 200)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6), st.integers(1, 400)),
    st.tuples(st.just("long line"), st.integers(0, 10**6), st.sampled_from(LONG_LINE_PIECES), st.integers(1, 20_000)),
)
operations = st.lists(operation, min_size=1, max_size=4)


def mutate(data: bytes, ops) -> bytes:
    for op, at, *args in ops:
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


def mutant_of(name: str):
    """Strategy: the bytes of one of the reader's fixtures, re-encoded and damaged."""
    return st.tuples(st.sampled_from(range(len(FIXTURE_BYTES[name]))), st.sampled_from(sorted(ENCODINGS)),
                     operations).map(lambda c: mutate(reencode(FIXTURE_BYTES[name][c[0]], c[1]), c[2]))


def reencode(data: bytes, encoding: str) -> bytes:
    return ENCODINGS[encoding](data.decode("utf-8-sig"))


FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=100, report_multiple_bugs=False,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


# --- reader by reader -------------------------------------------------------------------

@pytest.mark.parametrize("name", READER_NAMES)
def test_fixtures_as_they_are_read_cleanly(name):
    """The fixtures themselves, in every encoding, before any damage: the reader each was
    written for reads it, and every encoding gives the same records."""
    for data in FIXTURE_BYTES[name]:
        readings = {encoding: read_file(reencode(data, encoding)) for encoding in ENCODINGS}
        assert readings["utf-8"][0] == name
        assert all(outline(items) == outline(readings["utf-8"][1]) for _, items in readings.values())


@pytest.mark.parametrize("name", READER_NAMES)
@FUZZ
@given(data=st.data())
def test_mutated_fixtures_give_records_or_one_line_errors(name, data):
    read_file(data.draw(mutant_of(name)))


WRONG_VALUES = [None, 0, -1, 1.5, 1e308, 10**30, True, False, [], [1, "a", None, {"name": 2}], {},
                {"name": {"x": [1]}, "url": 3}, "", " \t ", "x" * 5000, "<p>a</p><!--", "2017-13-45T99",
                "99999999999999999999", "\u0000\u001b\ud800"]


def json_paths(value, path=()):
    """Every place in a JSON value: the value itself, its members, theirs..."""
    yield path
    if isinstance(value, dict):
        for key, member in value.items():
            yield from json_paths(member, path + (key,))
    elif isinstance(value, list):
        for k, member in enumerate(value):
            yield from json_paths(member, path + (k,))


def json_fixture(data: bytes):
    """A JSON fixture's value and the text after it (the aggregator's trailer lines)."""
    text = data.decode("utf-8-sig")
    value, end = json.JSONDecoder().raw_decode(text, len(text) - len(text.lstrip()))
    return value, text[end:]


def replaced(value, path, new):
    value = json.loads(json.dumps(value))
    if not path:
        return new
    place = value
    for key in path[:-1]:
        place = place[key]
    place[path[-1]] = new
    return value


JSON_FIXTURES = {name: [(value, trailer, list(json_paths(value)))
                        for value, trailer in map(json_fixture, FIXTURE_BYTES[name])] for name in JSON_READERS}


def wrong_values_of(name: str):
    """Strategy: a JSON fixture of the reader with one to three values given wrong types."""
    def draw(data):
        value, trailer, paths = data.draw(st.sampled_from(JSON_FIXTURES[name]))
        for _ in range(data.draw(st.integers(1, 3))):
            path = data.draw(st.sampled_from(paths))
            try:
                value = replaced(value, path, data.draw(st.sampled_from(WRONG_VALUES)))
            except (KeyError, IndexError, TypeError):  # the place went with an earlier change
                pass
        text = json.dumps(value, ensure_ascii=data.draw(st.booleans()))
        if LONE_SURROGATE.search(text):  # written as the escape it came from: "\ud800"
            text = json.dumps(value)
        return (text + trailer).encode()
    return draw


@pytest.mark.parametrize("name", JSON_READERS)
@FUZZ
@given(data=st.data())
def test_json_values_of_every_wrong_type(name, data):
    """Any value of a JSON record (an author, a date part, a list of ISSNs, the record
    itself) null, a number, a bool, a list, an object, an empty or a huge string: records
    or one-line errors, never an exception of the reader's own."""
    read_file(wrong_values_of(name)(data))



# Inputs the fuzzer found, each the smallest form of its case (kept here so that they are
# tried on every run, whatever the random draws).
FOUND = {
    "bibtex key across lines": b"@article{nothin\nPMID- 1\ng,\n  year = {2019}\n}\n@article{ok,\n title = {Fine}\n}\n",
    "XML CDATA never closed": b'<?xml version="1.0"?>\n<article><front><article-meta><title-group><article-title>A'
                              b'<![CDATA[ x\n<b>y</b></article-title></title-group></article-meta></front></article>',
    "XML declaration broken": b'<?xml!version="1.0"?>\n<PubmedArticleSet>\n<PubmedArticle><MedlineCitation><PMID>1</PMID>'
                              b"<Article><ArticleTitle>A.</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
                              b"<PubmedArticle><MedlineCitation><PMID>2</PMID><Article><ArticleTitle>B.</ArticleTitle>"
                              b"</Article></MedlineCitation></PubmedArticle>\n</PubmedArticleSet>\n",
    "RIS end of record twice": b"TY  - JOUR\nTI  - A\nER  - \nER  - \nTY  - JOUR\nTI  - B\nER  - \n",
    "MEDLINE stray line": b"PMID- 1001\nTI  - Paper 1.\n\nPMID- 1002\nTI  - Paper 2.\n\nstray line\n\nPMID- 1003\nTI  - Paper 3.\n",
    "Crossref authors a number": b'{"message-type": "work", "message": {"title": ["T"], "DOI": "10.1/x", "author": 1.5}}',
    "Crossref ISSN types a bool": b'{"message-type": "work", "message": {"title": ["T"], "DOI": "10.1/x", "issn-type": true}}',
    "OpenAlex authorships a number": b'{"id": "https://openalex.org/W1", "display_name": "T", "authorships": 1.5}',
    "Semantic Scholar authors a number": b'{"paperId": "a", "title": "T", "externalIds": {}, "authors": -1}',
    "Europe PMC author list a number": b'{"id": "1", "source": "MED", "title": "T", "pubYear": "2020", '
                                       b'"authorList": {"author": 1.5}, "meshHeadingList": []}',
    "CSL-JSON author a number": b'{"id": "x", "type": "article-journal", "title": "T", "author": -1}',
    "PubMed CSV header only": b'"PMID","Title","Authors","Citation","First Author","Journal/Book","Publication Year",'
                              b'"Create Date","PMCID","NIHMS ID","DOI"\n',
    "CSL-JSON list, author a number": b'[{"id": "x", "type": "article-journal", "title": "T", "author": -1},'
                                      b' {"id": "y", "type": "article-journal", "title": "U"}]',
}


@pytest.mark.parametrize("data", FOUND.values(), ids=FOUND.keys())
def test_inputs_the_fuzzer_found(data):
    read_file(data)

# --- a bad record never loses the others ------------------------------------------------

TEXT_INSERTS = [i.decode("utf-8") for i in INSERTS
                if b"\x00" not in i and not i.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE)) and is_utf8(i)]
# Inside one record: what is inserted or taken out stays in that record's text.
text_operation = st.one_of(
    st.tuples(st.just("insert"), st.integers(0, 10**6), st.sampled_from(TEXT_INSERTS)),
    st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 200)),
    st.tuples(st.just("duplicate"), st.integers(0, 10**6), st.integers(1, 200)),
    st.tuples(st.just("replace"), st.integers(0, 10**6), st.sampled_from('<>&"{}\\,;:=-\n\t @#%')),
)


def mutate_text(text: str, ops) -> str:
    for op, at, arg in ops:
        at = at % (len(text) + 1)
        if op == "insert":
            text = text[:at] + arg + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + arg:]
        elif op == "duplicate":
            text = text[:at + arg] + text[at:]
        elif op == "replace":
            text = text[:at] + arg + text[at + 1:]
    return text


def record_bodies(name: str, text: str) -> list[tuple[int, int, str]]:
    """Each record of a multi-record text: where its body lies, (start, end), past the line
    that opens it (and, in XML, before the line that closes it), so that damage there
    leaves the record boundaries where they are; and the record's text, to read alone."""
    out, at = [], 0
    if name in ("pubmed_csv", "scopus_csv"):  # rows on one line of their own (others hold quoted new lines)
        header = text[:text.index("\n") + 1]
        for number, line in enumerate(text.split("\n")):
            if number and line.startswith('"') and line.count('"') % 2 == 0:
                out.append((at, at + len(line), header + line + "\n"))
            at += len(line) + 1
        return out
    for _, piece in BY_NAME[name].split_records(text):
        start = text.index(piece, at)
        at = start + len(piece)
        body = piece.rstrip()
        first = body.find("\n") + 1
        last = body.rfind("\n") if name == "pubmed_xml" else len(body)
        if 0 < first < last:
            out.append((start + first, start + last, piece))
    return out


def multi_record_fixtures(name: str) -> list[tuple[str, list[tuple[int, int, str]]]]:
    out = []
    for data in FIXTURE_BYTES[name]:
        text = decode(data)
        if detect(text) == name and len(records := record_bodies(name, text)) >= 3:
            out.append((text, records))
    return out


SPLIT_FORMATS = ["bibtex", "endnote_xml", "medline", "pubmed_csv", "pubmed_page", "pubmed_summary", "pubmed_xml", "ris",
                 "scopus_csv", "wos"]
MULTI = {name: multi_record_fixtures(name) for name in SPLIT_FORMATS}
# A comment, CDATA section or processing instruction opened and not closed changes how
# the whole XML document must be read (it is then parsed whole, and is not well-formed):
# that is damage to the file, not to one record.
XML_FILE_MARKS = ("<!--", "<![CDATA[", "<?")


def records_of(name: str, text: str) -> list:
    return [dataclasses.replace(r, line=None) for r in BY_NAME[name].read(text) if isinstance(r, PaperRecord)]


def left_open(row: str) -> bool:
    """Whether a CSV row ends inside a quoted field (a quote left open, or an escaped pair
    "" where a field should close): a line after it is then read as part of it."""
    try:
        return list(csv.reader(io.StringIO(row + "\nend of the row\n")))[-1] != ["end of the row"]
    except csv.Error:  # a carriage return in an unquoted field: the reader refuses that row alone
        return False


@pytest.mark.parametrize("name", SPLIT_FORMATS)
@settings(FUZZ, max_examples=60)
@given(data=st.data())
def test_a_damaged_record_never_loses_the_others(name, data):
    """One record's body damaged (text inserted, deleted, doubled, a character replaced):
    every other record of the file comes out exactly as it did."""
    assert MULTI[name], f"no fixture of {name} with three records or more"
    text, records = data.draw(st.sampled_from(MULTI[name]))
    k = data.draw(st.integers(0, len(records) - 1))
    start, end, _ = records[k]
    body = mutate_text(text[start:end], data.draw(st.lists(text_operation, min_size=1, max_size=3)))
    if name in ("pubmed_xml", "endnote_xml") and any(mark in body for mark in XML_FILE_MARKS):
        return
    if name in ("pubmed_csv", "scopus_csv") and left_open(body):
        return  # by the CSV grammar the row's last field runs on to the next quote, rows below
    others = [r for j, (_, _, piece) in enumerate(records) if j != k for r in records_of(name, piece)]
    assert others
    got = records_of(name, text[:start] + body + text[end:])
    lost = [r.title for r in others if r not in got]
    assert lost == [], f"{name}: damage in record {k + 1} lost {lost}: {body!r}"


# JSON lists: where the list of records is, in each fixture that holds one (by hand).
JSON_LISTS = {("crossref", "work_list.json"): ("message", "items"), ("openalex", "results_page.json"): ("results",),
              ("semantic_scholar", "search.json"): ("data",), ("semantic_scholar", "batch.json"): (),
              ("csl_json", "zotero_export.json"): (), ("csl_json", "bad_items.json"): (),
              ("europepmc", "core_search.json"): ("resultList", "result"),
              ("europepmc", "lite_search.json"): ("resultList", "result"),
              ("aggregator_json", "a05_array_with_trailer.txt"): ()}


def json_list_cases():
    for (name, filename), at in JSON_LISTS.items():
        [path] = [p for p in fixtures_of(name) if p.name == filename]
        value, trailer = json_fixture(path.read_bytes())
        items = value
        for key in at:
            items = items[key]
        yield name, value, trailer, at, len(items)


JSON_LIST_CASES = list(json_list_cases())


@settings(FUZZ, max_examples=150)
@given(data=st.data())
def test_a_json_item_with_wrong_values_never_loses_the_others(data):
    """One item of a JSON list given wrong values (or made a number, a string, null):
    the list gives as many items as before, the others exactly as they were."""
    name, value, trailer, at, count = data.draw(st.sampled_from(JSON_LIST_CASES))
    k = data.draw(st.integers(0, count - 1))
    item = value
    for key in at + (k,):
        item = item[key]
    damaged = value
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(list(json_paths(item))))
        try:
            damaged = replaced(damaged, at + (k,) + path, data.draw(st.sampled_from(WRONG_VALUES)))
        except (KeyError, IndexError, TypeError):
            pass
    before = outline(BY_NAME[name].read(json.dumps(value) + trailer))
    text = json.dumps(damaged) + trailer
    assert detect(text) == name, f"{name}: damage in item {k + 1} changed the file's format"
    after_name, after = read_file(text.encode())
    after = outline(after)
    assert len(after) == len(before), f"{name}: damage in item {k + 1}"
    assert [a for j, a in enumerate(after) if j != k] == [b for j, b in enumerate(before) if j != k]


# --- whole builds -----------------------------------------------------------------------

# Every message a reader writes when it rejects a whole file, written out by hand from
# litdb/readers; anything else (above all "could not be parsed (TypeError: ...)", the
# build's word for an exception of a reader's own) is a bug.
REJECTIONS = re.compile("|".join([
    r"empty file",
    r"not UTF-8 text: invalid byte 0x[0-9a-f]{2} at offset \d+",
    r"invalid UTF-16 at byte \d+: .+",
    r"binary file: NUL byte at offset \d+",
    r"binary file: [^,]+, not a bibliographic export \(save or export it as text\)",
    r"unknown format: (not a format|JSON of no kind) this build reads \(.+\)",
    r"unknown format: XML with root <.+>, not PubMed XML, JATS or EndNote XML",
    r"unknown format: a CSV export saved again by a spreadsheet with ';' between the fields; export it again, "
    r"or save it as CSV with commas",
    r"invalid JSON( at line \d+, column \d+: .+| ?:? ?nested (more than \d+ levels deep|too deeply)"
    r"|: a number with thousands of digits|: extra data after the array)?",
    r"JSON is an? \w+, expected an object or a list of objects",
    r"no records: the JSON list is empty",
    r"no records: the Europe PMC answer holds no result",
    r"no records: the CSV export has a header and no row",
    r"record has no title",
    r"a Crossref .+ response inside a list",
    r"(work|paper) (.+ has no title|has no title and no (DOI|identifier))",
    r"item (has no title and no identifier \(DOI, PMID, PMCID\)|.+ has no title)",
    r"XML with an internal DTD or entity declarations is refused \(entities are never expanded\)",
    r"invalid XML at line \d+, column \d+: .+",
    r"invalid XML: no root element",
    r"no <article> in the <.+>",
    r"a JATS article (without <front>/<article-meta>|with no title and no DOI, PMID or PMCID)",
    r"a PubmedArticleSet with no PubmedArticle",
    r"not PubMed XML: the root element is <.+>",
    r"expected a PubmedArticle, found <.+>",
    r"EndNote XML with no <record>",
    r"a PubmedArticle with neither ArticleTitle nor PMID",
    r"a PubmedBookArticle (without BookDocument|with neither a title nor a PMID)",
    r"not a MEDLINE file: its first line is not a tag line such as 'PMID- 25146823'",
    r"not a RIS file: no tag line such as 'TY  - JOUR'",
    r"RIS file without a record",
    r"Web of Science file with no record \((no PT line|a header row and no row)\)",
    r"BibTeX could not be read: .+",
    r"no BibTeX entry in the file",
    r"not a PubMed CSV export: no (header row|.+ columns? in the header)",
    r"not a Scopus CSV export: no (header row|.+ columns? in the header)",
    r"not a PMC article page: no citation line like .+ above the abstract",
    r"not a PubMed page: no title and no identifier \(no citation line like .+\)",
    r"no title after the citation line",
    # a file whose every record is bad
    r"no record could be read; record \d+( \(line \d+\))?: .+",
]))
# A link to one of the hosts the mutations insert (SHADOW_LINKS, and the shadow build).
SHADOW_LINK = re.compile(r"(https?:/+|www\.)[^\s\"'<>]*(sci-hub|libgen|z-lib|annas-archive)", re.IGNORECASE)
REAL_SEEDS = ("000_", "001_")


class Batch:
    """Files for one build: name -> (bytes, what must become of it)."""

    def __init__(self):
        self.files: dict[str, tuple[bytes, dict]] = {}

    def add(self, name: str, data: bytes | str, **expect) -> None:
        """expect: status="loaded"/"rejected", error=exact message, error_start=prefix,
        title=the paper's title when loaded, stored=[texts some cell must hold verbatim]."""
        assert name not in self.files and not name.startswith(REAL_SEEDS)
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


def build_and_check(batch: Batch, workdir: Path, reference_papers: list[dict], same_seed_papers=True) -> Path:
    """Build the batch beside the real seeds and check every invariant; the database.
    same_seed_papers=False when the batch holds other records of the seeds' papers (the
    fixtures of the new formats do): then those papers must be there, merged."""
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
            assert error and "\n" not in error and "\r" not in error and len(error) < 300, why
            assert "Traceback" not in error and not CONTROL.search(error), why
            assert REJECTIONS.fullmatch(error), f"unclear or internal error: {why}"
            if not source["rejected_records"]:
                assert f"{seeds / name}: rejected: {error}\n" in stderr, why
        else:
            assert source["error"] is None and source["records"] >= 1, why
        if "status" in expect:
            assert source["status"] == expect["status"], why
        if "error" in expect:
            assert source["error"] == expect["error"], why
        if "error_start" in expect:
            assert (source["error"] or "").startswith(expect["error_start"]), why
    bad_records = rows(db, "SELECT * FROM rejected_records")
    for bad in bad_records:
        one_line(bad["reason"])
        assert not bad["reason"].startswith("unexpected value"), bad
    # nothing else on stderr: a line for each rejected file, a line for each bad record
    assert len(stderr.splitlines()) == len([s for s in rejected if not s["rejected_records"]]) + len(bad_records), \
        stderr

    # The real papers are exactly as a build of the real seeds alone makes them.
    ids = [p["id"] for p in reference_papers]
    seed_papers = rows(db, f"SELECT * FROM papers WHERE id IN ({', '.join('?' * len(ids))}) ORDER BY id", ids)
    if same_seed_papers:
        assert seed_papers == reference_papers
    else:
        found = [p["id"] for p in seed_papers]
        if found != ids:
            # A mutant can mix two of the seeds' papers in one record (a range of one record
            # doubled into the next: one paper's DOI beside the other's PMID); that record
            # joins them, as the merge rule says. The seeds are still there, in fewer papers.
            papers_of = {}  # each seed file: the papers it gives
            for r in rows(db, "SELECT DISTINCT substr(filename, 1, 4) AS seed, paper_id FROM provenance JOIN sources "
                              "ON sources.id = source_id WHERE substr(filename, 1, 4) IN (?, ?)", list(REAL_SEEDS)):
                papers_of.setdefault(r["seed"], set()).add(r["paper_id"])
            assert sorted(papers_of) == sorted(REAL_SEEDS), (found, ids)
            assert found and set().union(*papers_of.values()) == set(found), (found, ids, papers_of)

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        stored = []
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                  if "_fts" not in t]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM [{table}]"):
                for value in row:
                    if isinstance(value, str):
                        assert not CONTROL.search(value), f"control character in {table}: {value[:200]!r}"
                        assert not SHADOW_LINK.search(value), f"a shadow library link in {table}: {value[:300]!r}"
                        stored.append(value)
    finally:
        conn.close()

    # Loaded cases: the paper they describe, their text stored as given.
    titles = {p["title"] for p in rows(db, "SELECT title FROM papers")}
    for name, (_, expect) in batch.files.items():
        if "title" in expect:
            assert expect["title"] in titles, f"{name}: no paper titled {expect['title']!r}"
        for text in expect.get("stored", []):
            assert any(text in t for t in stored), f"{name}: {text!r} not stored verbatim"
    return db


def check(batch: Batch, workdir: Path, reference_papers: list[dict], same_seed_papers=True) -> None:
    db = build_and_check(batch, workdir, reference_papers, same_seed_papers)
    shutil.rmtree(db.parent)


# (a failing build names its file; shrinking would build again hundreds of times)
@settings(FUZZ, max_examples=3, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(data=st.data())
def test_builds_of_mutants_of_every_reader(data, workdir, reference_papers):
    """Three builds, each of a mutant of every fixture of every reader (about 90 files) beside
    the real seeds."""
    batch = Batch()
    for name in READER_NAMES:
        for k, original in enumerate(FIXTURE_BYTES[name]):
            encoding = data.draw(st.sampled_from(sorted(ENCODINGS)))
            damaged = mutate(reencode(original, encoding), data.draw(operations))
            batch.add(f"m_{name}_{k:02d}_{encoding}", damaged)
    check(batch, workdir, reference_papers, same_seed_papers=False)


def with_link_in_every_value(name: str, data: bytes, link: str) -> bytes:
    """The fixture with the link in every free text it holds (a text of words, not an
    identifier or a type: one with a space in it), the format kept: JSON strings, XML
    texts, tag lines' values, BibTeX fields, CSV cells, lines of a page."""
    text = data.decode("utf-8-sig")
    if name in JSON_READERS:
        value, trailer = json_fixture(data)

        def linked(v):  # every free text (a string with a space in it: not a type or an id)
            if isinstance(v, str):
                return f"{v} {link}" if " " in v else v
            if isinstance(v, list):
                return [linked(x) for x in v]
            if isinstance(v, dict):
                return {k: linked(x) for k, x in v.items()}
            return v
        text = json.dumps(linked(value)) + trailer + (f"\n{link}\n" if name == "aggregator_json" else "")
        return (text.replace("://", ":\\/\\/") if len(text) % 2 else text).encode()  # JSON may escape "/"
    if name in ("jats", "pubmed_xml", "endnote_xml"):
        return re.sub(r">([^<\s][^<]* [^<]*)<", lambda m: f">{m.group(1)} {link}<", text).encode()
    if name == "bibtex":
        return re.sub(r"(=\s*[{\"])(?=[^}\"\n]* )", lambda m: f"{m.group(1)}{link} ", text).encode()
    if name in ("pubmed_csv", "scopus_csv"):
        table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        out = io.StringIO()
        csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(
            [table[0]] + [[f"{cell} {link}" if " " in cell else cell for cell in row] for row in table[1:]])
        return out.getvalue().encode()
    if name == "wos" and text.startswith("PT\t"):  # the tab-delimited export: every cell of words
        return "\n".join("\t".join(f"{cell} {link}" if " " in cell else cell for cell in line.split("\t"))
                         if number else line for number, line in enumerate(text.split("\n"))).encode()
    # tagged exports: every value of words; pages: every sentence of a paragraph (a title line
    # with a link pasted to it would be no title any more)
    def free_text(line):
        return len(line) > 100 and line.endswith(".") if name.endswith(("_page", "_summary")) else len(line.split()) > 2
    return "\n".join(f"{line} {link}" if free_text(line) else line for line in text.split("\n")).encode()


def test_shadow_library_links_in_every_text_of_every_format(workdir, reference_papers):
    """Every fixture of every reader with a shadow-library link in every value it holds
    (four hosts, written as links are: https://, http://, www., JSON-escaped slashes):
    the build cleans them all out, and the files load."""
    batch = Batch()
    links = ["https://sci-hub.se/10.1007/s12311-014-0601-4", "http://libgen.rs/scimag/10.1186/x",
             "www.z-lib.org/book/1", "https://annas-archive.org/md5/0123"]
    for name in READER_NAMES:
        for k, data in enumerate(FIXTURE_BYTES[name]):
            link = links[k % len(links)]
            batch.add(f"shadow_{name}_{k:02d}", with_link_in_every_value(name, data, link), status="loaded")
    db = build_and_check(batch, workdir, reference_papers, same_seed_papers=False)
    assert rows(db, "SELECT count(*) AS n FROM papers WHERE title LIKE '%[link removed]%'")[0]["n"] >= 40
    shutil.rmtree(db.parent)


# --- hand-made cases: the two first formats, the PubMed page and the aggregator record ---

PUBMED = (SEEDS / "000_a766678b1bddf855.txt").read_text(encoding="utf-8")
AG_RECORD, AG_TRAILER = aggregator_seed()  # AG_TRAILER: "\n引用次数: 45\nAbstract\n…"
PUBMED_TITLE = "Dissecting the links between cerebellum and dystonia"



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

# --- hand-made cases --------------------------------------------------------------------

# The five bytes Windows-1252 leaves undefined: a file that is not UTF-8 and holds one is
# no text in either encoding.
CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


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
            elif not is_utf8(cut) and set(cut) & CP1252_UNDEFINED:  # cut inside a character
                expect = {"status": "rejected", "error_start": "not UTF-8 text: invalid byte"}
            elif at >= end:  # (a cut in a character is Windows-1252 text, mojibake but text)
                expect = {"status": "loaded"}
            elif base == "aggregator":
                expect = {"status": "rejected", "error_start": "invalid JSON at line 1"}
            batch.add(f"cut_{base}_{at:05d}.txt", cut, **expect)
        check(batch, workdir, reference_papers)


@pytest.mark.parametrize("base", ["pubmed", "aggregator"])
def test_encodings_that_can_be_decoded_are_loaded(base, workdir, reference_papers):
    batch = Batch()
    for k, (name, encode) in enumerate(sorted(ENCODINGS.items()), 1):
        text = pubmed_text(k) if base == "pubmed" else aggregator_text(aggregator_record(k))
        title = f"Fuzz case {k}: {PUBMED_TITLE}" if base == "pubmed" else aggregator_record(k)["title"]
        batch.add(f"enc_{name}.txt", encode(text), status="loaded", title=title)
    check(batch, workdir, reference_papers)
    # and the same record comes out, whatever the encoding (the build makes the paper
    # from the record alone)
    text = pubmed_text(1) if base == "pubmed" else aggregator_text(aggregator_record(1))
    readings = [read_file(encode(text)) for encode in ENCODINGS.values()]
    assert all(outline(items) == outline(readings[0][1]) for _, items in readings) and len(readings[0][1]) == 1


def test_bytes_that_are_not_text_are_rejected(workdir, reference_papers):
    batch = Batch()
    for base in ("pubmed", "aggregator"):
        data = (pubmed_text(1) if base == "pubmed" else aggregator_text(aggregator_record(1))).encode()
        for at in range(0, len(data), 97):
            batch.add(f"nul_{base}_{at}.txt", data[:at] + b"\x00" + data[at:],
                      status="rejected", error_start="binary file: NUL byte at offset")
            for n, bad in enumerate([b"\x81", b"\x8d\xff", b"\x8f", b"\x90\x90", b"\x9d\xc0\xaf"]):
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
    # Not UTF-8 but Windows-1252 text (EndNote and Excel on Windows save it): read as such.
    assert decode(b"Caf\xe9 \x93cerebellum\x94 \x96 dystonia\xff") == "Caf\u00e9 \u201ccerebellum\u201d \u2013 dystonia\u00ff"


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


# 26 kB: hundreds of times a real title or abstract, over six SQLite pages (was 260 kB: 1.7 s
# more CPU for the same outcome; a long text's linear reading is test_very_long_lines')
HUGE = "dystonia cerebellum " * 1_300
WRONG_TYPED = {
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
        for label, value in WRONG_TYPED.items():
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
    for label, value in WRONG_TYPED.items():
        if not isinstance(value, dict):
            batch.add(f"type_toplevel_{label}.json", json.dumps(value) + AG_TRAILER, status="rejected")
    # Authors listed as a list of anything
    for label, value in WRONG_TYPED.items():
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
# What is left of a payload in a field that may hold HTML: the tags dropped, the entities
# decoded (the others are stored as they are).
AS_TEXT = {"<script>alert(1)</script>": "alert(1)", '"><img src=x onerror=alert(1)>': '">',
           "&lt;script&gt;alert('x')&lt;/script&gt;": "<script>alert('x')</script>"}


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
                stored = [AS_TEXT.get(hostile, hostile) if key in HTML_FIELDS | {"trailer"} else hostile]
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
                              "Robert'); DROP TABLE sources;--", "%s%n{{7*7}}.txt", "x..", "…"]):
        # (a name that starts with "." is a hidden file, passed over: test_build.py)
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
    # and lines of a megabyte (2 MB took twice the CPU for the same outcome: a reading that
    # is not linear never ends on either)
    (1_000_000, [(piece, place) for piece in ("spaces", "tabs") for place in PLACES]
     + [("x", "pubmed furniture"), ("x", "pubmed reference"), ("x", "json JCR")]),
], ids=["50kB", "1MB"])
def test_very_long_lines(length, cases):
    """Long lines, of one character or of a pattern the parsers look for, in the page,
    in a JSON string and in the trailer: each is read as its paper (in linear time: a
    pattern that backtracks quadratically takes minutes on these). Read as the build reads
    a file; the build itself is the same for a long line as for a short one."""
    for k, (piece, place) in enumerate(cases, 3000):
        line = LONG_LINES[piece] * (length // len(LONG_LINES[piece]))
        name, items = read_file(with_long_line(k, place, line).encode())
        assert name == ("aggregator_json" if place.startswith("json") else "pubmed_page"), (piece, place)
        assert len(items) == 1 and isinstance(items[0], PaperRecord), (piece, place)


@pytest.mark.parametrize("name", READER_NAMES)
def test_very_long_lines_in_every_format(name):
    """A 50 kB line of each piece the readers look for (tags, braces, markup, entities,
    spaces...) in the middle of the first fixture of each reader: records or one-line
    errors, in linear time."""
    data = FIXTURE_BYTES[name][0]
    middle = data.index(b"\n", len(data) // 2)
    for piece in LONG_LINE_PIECES:
        read_file(data[:middle] + b"\n" + piece * (50_000 // len(piece)) + data[middle:])


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
    batch.add("array_empty.json", "[]", status="rejected", error="unknown format: JSON of no kind this build reads "
              "(CSL-JSON, OpenAlex, Crossref, Semantic Scholar, Europe PMC, aggregator records)")
    # a bad record inside a good export is left out on its own (README, "Building")
    batch.add("array_mixed.json", json.dumps([aggregator_record(9), 1]), status="loaded",
              title=aggregator_record(9)["title"])
    batch.add("array_nested.json", json.dumps([[aggregator_record(10)]]), status="rejected")
    batch.add("array_trailing_garbage.json", json.dumps([aggregator_record(11)]) + "\n{oops", status="rejected")
    batch.add("array_untitled.json", json.dumps([aggregator_record(12), {"doi": "10.5555/x", "PeriodicalId": None}]),
              status="loaded", title=aggregator_record(12)["title"])
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
    batch.add("cjk_1.json", json.dumps({"title": "小脳とジストニア", "year": 2020, "PeriodicalId": None}), status="loaded")
    batch.add("cjk_2.json", json.dumps({"title": "ジストニアの病態", "year": 2020, "PeriodicalId": None}), status="loaded")
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


def test_a_10_megabyte_page_is_read_in_one_pass():
    """A 10 MB page (furniture sidebars pasted with it, 178,100 lines) is read as the paper
    it is, the sidebars left out. (Read as the build reads a file; the build of it took 25 s
    here at 50 MB, most of it writing the file and staging it: the reading is what could go
    wrong. No reader looks at more than a file's first 64 kB in a special way: 50 MB took
    five times the CPU of 10 MB, the same outcome.)"""
    similar = "".join(f"Similar article {n}: cerebellum and dystonia. Some J. 2020.\n" for n in range(100))
    big = (pubmed_text(1) + "\nSimilar articles\n\n" + similar * (10 * 2**20 // len(similar) + 1)).encode()
    assert len(big) > 10 * 2**20
    name, [record] = read_file(big)
    assert (name, record.title, record.doi) == ("pubmed_page", f"Fuzz case 1: {PUBMED_TITLE}", "10.5555/fuzz.1")
    assert "Similar article" not in (record.abstract or "")


def test_cli_on_a_mixed_folder(tmp_path):
    """The command line, as CI and `make` run it: the bad files are rejected, stderr holds
    one line per rejection, the exit status is 0."""
    seeds = copy_seeds(tmp_path)
    (seeds / "good.txt").write_text(pubmed_text(1), encoding="utf-8")
    (seeds / "nul.txt").write_bytes(b"PMID: 1\x00")
    (seeds / "deep.json").write_text("[" * 100_000)
    (seeds / "huge_number.json").write_text('{"title": "x", "PeriodicalId": null, "citationCount": ' + "9" * 5000 + "}")
    (seeds / "surrogate.json").write_text('{"title": "x\\ud800", "PeriodicalId": null, "doi": "10.5555/%00x"}')
    result = run_build("--seeds", seeds, "--db", tmp_path / "out.db", timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(result.stderr.splitlines()) == [
        f"{seeds}/deep.json: rejected: invalid JSON: nested too deeply",
        f"{seeds}/huge_number.json: rejected: invalid JSON: a number with thousands of digits",
        f"{seeds}/nul.txt: rejected: binary file: NUL byte at offset 7",
    ]
    assert result.stdout.startswith(f"{tmp_path / 'out.db'}: 4 files loaded, 3 rejected; 4 papers")
    assert rows(tmp_path / "out.db", "SELECT title, doi FROM papers WHERE title LIKE 'x%'") == [
        {"title": "x\ufffd", "doi": None}]
