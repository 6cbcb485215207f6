"""PubMed-style search queries, parsed and translated into parameterised SQL over
literature.db. Pure: no I/O; plugins/search.py runs the SQL.

    query    := item (operator? item)*         left to right, as PubMed reads it:
                                               a OR b AND c is (a OR b) AND c
    operator := AND | OR | NOT                 any case (people type "and")
    item     := "(" query ")" | term
    term     := words [tag] | "phrase" [tag]   a tag applies to all the words since the
                                               last operator, parenthesis or phrase:
                                               Malone A[au], basal ganglia[mh]
    words    := cerebell* ...                  '*' ends a word: truncation, inside
                                               quotes too ("cerebell* nucle*")

What people paste is read as PubMed reads it: curly quotes are quotes; a PMID, a DOI
(bare, a doi.org link, "doi:") or a PMCID alone finds that paper; "a AND NOT b" is
"a NOT b"; author names compare without accents (Lehericy S[au] finds Lehéricy, and the
other way round) and without a Jr/Sr suffix.

MeSH as PubMed reads it: dystonia[mh], a heading with one subheading (dystonia/physiopathology[mh],
dystonia/pp[mh], "Dystonia / physiopathology"[mh] as the paper pages print it), [majr] for a
major topic, physiopathology[sh] for a subheading on any heading. Headings are not exploded
(there is no MeSH tree here): a note says so, except after [mh:noexp], [majr:noexp], [sh:noexp].

Untagged words are searched one by one (ANDed) in title, abstract and keywords; the words
of a tagged term or a phrase are searched together. Every value the user typed reaches
SQLite as a bound parameter (":p0", ":p1", ...), never as SQL text; text searches are
FTS5 expressions in which each word is a quoted string, so that FTS5's own syntax (NEAR,
^, column filters, +, -) in what the user typed is only searched for as words.

Errors are QueryError: one line saying what is wrong, with the character position.
Where PubMed forgives (a trailing operator, a word of punctuation only), the query runs
and a note says what was ignored.
"""

from __future__ import annotations

import functools
import re
import sqlite3
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from litdb.facets import top
from litdb.readers.common import PARTICLES  # "van", "der", "de", ...: the readers split family names by them too

# Bounds on what one query may ask of the database (see SECURITY.md).
MAX_LENGTH = 1000  # characters
MAX_TERMS = 64
MAX_DEPTH = 10  # nested parentheses
MIN_PREFIX = 3  # letters before a '*': "a*" would scan most of the index

# bm25 weights of the papers_fts columns (title, abstract, keywords): title first.
BM25 = "bm25(papers_fts, 10.0, 1.0, 4.0)"

# Field tags, PubMed's short and long spellings, to what they search.
TAGS = {
    "ti": "title", "title": "title",
    "ab": "abstract", "abstract": "abstract",
    "tiab": "tiab", "title/abstract": "tiab",
    "tw": "text", "text word": "text", "all": "text", "all fields": "text",
    "au": "author", "author": "author", "auth": "author",
    "ta": "journal", "journal": "journal", "jour": "journal", "jt": "journal",
    "mh": "mesh", "mesh": "mesh", "mesh terms": "mesh",
    "majr": "mesh_major", "mesh major topic": "mesh_major",
    "sh": "subheading", "subheading": "subheading", "mesh subheading": "subheading",
    "kw": "keyword", "ot": "keyword", "keyword": "keyword", "keywords": "keyword", "other term": "keyword",
    "cn": "author", "corporate author": "author", "fau": "author", "full author name": "author",
    "pt": "type", "publication type": "type",
    "topic": "topic",
    "dp": "date", "pdat": "date", "publication date": "date", "date - publication": "date",
    "pmid": "pmid", "uid": "pmid", "doi": "doi", "aid": "doi", "lid": "doi", "pmc": "pmcid", "pmcid": "pmcid",
}
FTS_COLUMNS = {"title": "{title}", "abstract": "{abstract}", "tiab": "{title abstract}",
               "keyword": "{keywords}", "text": None}
KNOWN_TAGS = ("[ti] [ab] [tiab] [tw] [au] [cn] [ta] [journal] [mh] [majr] [sh] [kw] [ot] [pt] [topic] [dp] [pdat] "
              "[pmid] [doi] [pmc]")
MESH_FIELDS = ("mesh", "mesh_major", "subheading")  # the fields that may take ":noexp" ([mh:noexp])

# MeSH's topical subheadings (qualifiers), as MEDLINE and PubMed's XML write them, and
# the two-letter abbreviations PubMed reads in their place (dystonia/pp[mh]). The last
# three were replaced by "diagnostic imaging" in 2016 and are still on older records.
SUBHEADINGS = {
    "ab": "abnormalities", "ad": "administration & dosage", "ae": "adverse effects", "ag": "agonists",
    "aa": "analogs & derivatives", "an": "analysis", "ah": "anatomy & histology", "ai": "antagonists & inhibitors",
    "bi": "biosynthesis", "bl": "blood", "bs": "blood supply", "cf": "cerebrospinal fluid",
    "cs": "chemical synthesis", "ci": "chemically induced", "ch": "chemistry", "cl": "classification",
    "co": "complications", "cn": "congenital", "ct": "contraindications", "cy": "cytology", "df": "deficiency",
    "di": "diagnosis", "dg": "diagnostic imaging", "du": "diagnostic use", "dh": "diet therapy",
    "de": "drug effects", "dt": "drug therapy", "ec": "economics", "ed": "education", "em": "embryology",
    "en": "enzymology", "ep": "epidemiology", "es": "ethics", "eh": "ethnology", "et": "etiology",
    "ge": "genetics", "gd": "growth & development", "hi": "history", "im": "immunology", "in": "injuries",
    "ir": "innervation", "is": "instrumentation", "ip": "isolation & purification",
    "lj": "legislation & jurisprudence", "ma": "manpower", "me": "metabolism", "mt": "methods",
    "mi": "microbiology", "mo": "mortality", "nu": "nursing", "og": "organization & administration",
    "ps": "parasitology", "py": "pathogenicity", "pa": "pathology", "pk": "pharmacokinetics",
    "pd": "pharmacology", "ph": "physiology", "pp": "physiopathology", "po": "poisoning",
    "pc": "prevention & control", "px": "psychology", "re": "radiation effects", "rt": "radiotherapy",
    "rh": "rehabilitation", "sc": "secondary", "se": "secretion", "st": "standards",
    "sn": "statistics & numerical data", "sd": "supply & distribution", "su": "surgery",
    "tu": "therapeutic use", "th": "therapy", "to": "toxicity", "tm": "transmission", "tr": "transplantation",
    "td": "trends", "ul": "ultrastructure", "ur": "urine", "ut": "utilization", "ve": "veterinary",
    "vi": "virology", "ra": "radiography", "ri": "radionuclide imaging", "us": "ultrasonography",
}
SUBHEADING_NAMES = set(SUBHEADINGS.values())


def subheading_name(typed: str) -> str | None:
    """The MeSH subheading a user typed, as records store it: its name in any case, with
    "and" for "&" (prevention and control), or its two-letter abbreviation (PC); None
    when it is none of MeSH's."""
    key = " ".join(typed.casefold().replace("&", " & ").split()).replace(" and ", " & ")
    if key in SUBHEADING_NAMES:
        return key
    return SUBHEADINGS.get(key)

OPERATORS = {"AND", "OR", "NOT"}


class QueryError(ValueError):
    """A query that cannot be run: what is wrong, and where (0-based character position)."""

    def __init__(self, message: str, position: int):
        super().__init__(f"{message} (at character {position + 1})")
        self.position = position


# --- the tree -----------------------------------------------------------------------


@dataclass
class Term:
    text: str  # the words as typed, '*' included
    field: str  # a value of TAGS, or "text" when untagged
    position: int
    tag: str = ""  # the field tag as typed, without its brackets ("mh", "MeSH Terms:NoExp")
    noexp: bool = False  # [mh:noexp], [majr:noexp], [sh:noexp]: the MeSH tree asked not to be followed


@dataclass
class Op:
    op: str  # AND, OR, NOT (binary: left and not right)
    left: object
    right: object


@dataclass
class Not:
    """A leading NOT: every paper but these (NOT review[pt])."""
    child: object


# --- reading the query ----------------------------------------------------------------

_WORD = re.compile(r'[^\s()"\[\]]+')
# A DOI as people paste it: bare, as a doi.org link or after "doi:". It may hold
# parentheses (10.1016/S0140-6736(20)30183-5), so it is read before words are cut.
_DOI = re.compile(r'(?:https?://(?:dx\.)?doi\.org/|doi:\s*)?(10\.\d{4,9}/[^\s"\[\]]+)', re.I)
# Curly quotes and apostrophes, as word processors and PDFs paste them: the straight
# ones for the parser (one character for one, so positions stay right).
_STRAIGHT = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
                           "\u2018": "'", "\u2019": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'"})
# A query that is only PMIDs, pasted alone ("39100001", "PMID: 39100001", a list):
# PubMed finds those papers. A bare number needs 5 digits (a year is not a PMID).
_PMIDS = re.compile(r"\s*(?:(?:PMID:?\s*\d{1,8}|\d{5,8})(?:[\s,;]+|$))+", re.I)


def _doi_at(query: str, i: int) -> tuple[str, int] | None:
    """(DOI, length read) when a DOI starts at i; a trailing full stop, comma or
    semicolon, or a ')' that closes nothing in it, is not part of it."""
    m = _DOI.match(query, i)
    if not m:
        return None
    doi = m.group(1)
    while doi and (doi[-1] in ".,;" or doi[-1] == ")" and doi.count(")") > doi.count("(")):
        doi = doi[:-1]
    return doi, m.start(1) - i + len(doi)
_PMCID = re.compile(r"PMC\d{4,9}", re.I)
_LETTERS = re.compile(r"[^\W_]+")  # what FTS5's unicode61 tokenizer keeps, near enough


def _has_letters(text: str) -> bool:
    return bool(_LETTERS.search(text))


def tokens(query: str, notes: list[str]):
    """(kind, text, position): kinds "(", ")", "op", "word", "phrase", "tag"."""
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c in "()":
            yield c, c, i
            i += 1
        elif c == '"':
            end = query.find('"', i + 1)
            if end < 0:  # forgiven, as PubMed does: the phrase runs to the end
                notes.append(f"the quote at character {i + 1} is never closed: the phrase runs to the end")
                end = n
            text = " ".join(query[i + 1:end].split())
            doi = _doi_at(text, 0)
            if doi and doi[1] == len(text):  # "10.1002/mds.29901", quoted as some paste it
                yield "doi", doi[0], i
            elif not _has_letters(text):
                notes.append(f"ignored the empty phrase at character {i + 1}")
            else:
                yield "phrase", text, i
            i = end + 1
        elif c == "[":
            end = query.find("]", i + 1)
            if end < 0:
                raise QueryError("a field tag '[' is opened and never closed", i)
            yield "tag", query[i + 1:end], i
            i = end + 1
        elif c == "]":
            raise QueryError("']' without a '[' before it", i)
        elif _doi_at(query, i):
            doi, length = _doi_at(query, i)
            yield "doi", doi, i
            i += length
        else:
            word = _WORD.match(query, i).group()
            if word.upper() in OPERATORS:
                yield "op", word.upper(), i
            elif word in ("/", "&"):  # "Dystonia / physiopathology[mh]", "prevention & control[sh]": the parser decides
                yield "slash" if word == "/" else "amp", word, i
            elif not _has_letters(word):
                notes.append(f"ignored '{word}' at character {i + 1} (no letters or digits)")
            else:
                yield "word", word, i
            i += len(word)


def parse(query: str) -> tuple[object | None, list[str]]:
    """The tree of a query (None when it holds no term) and notes on what was ignored."""
    if len(query) > MAX_LENGTH:
        raise QueryError(f"the query is {len(query):,} characters long; at most {MAX_LENGTH:,} are searched", MAX_LENGTH)
    bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", query)
    if bad:
        raise QueryError(f"the query holds a control character (U+{ord(bad.group()):04X})", bad.start())
    query = query.translate(_STRAIGHT)
    if _PMIDS.fullmatch(query):
        query = " OR ".join(f"{n}[pmid]" for n in re.findall(r"\d+", query))
    notes: list[str] = []
    stream = list(tokens(query, notes))
    parser = _Parser(stream, len(query), notes)
    tree = parser.sequence(depth=0)
    if parser.i < len(stream):  # sequence() stops only at a ')' it did not open
        raise QueryError("')' without a '(' before it", stream[parser.i][2])
    return tree, notes


# An untagged family name with its capital, then initials in capitals ("Hallett M",
# "Jinnah HA", "O'Brien C"), as an author is written; "vitamin D" is not one ("Hepatitis
# B" is, and only adds what an author of that name wrote).
AUTHOR_WORD = re.compile(r"[^\W\d_a-z][^\W\d_'-]*(?:['-][^\W\d_]+)*")
INITIALS = re.compile(r"[A-Z]{1,3}")


def tag_field(name: str) -> tuple[str | None, bool]:
    """(the field a tag searches, or None when unknown; whether it is a MeSH tag with
    ":noexp"): "MeSH Terms" -> ("mesh", False), "Majr:NoExp" -> ("mesh_major", True)."""
    key = re.sub(r"\s*:\s*", ":", " ".join(name.lower().split()))
    base, noexp = (key[:-len(":noexp")], True) if key.endswith(":noexp") else (key, False)
    field = TAGS.get(base)
    return (None, False) if noexp and field not in MESH_FIELDS else (field, noexp)


class _Parser:
    def __init__(self, stream, length, notes):
        self.stream, self.length, self.notes = stream, length, notes
        self.i = 0
        self.terms = 0

    def term(self, text, tag, position):
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise QueryError(f"more than {MAX_TERMS} search terms", position)
        if tag is None:
            # PMC1234567 pasted alone or among words: that paper
            return Term(text, "pmcid" if _PMCID.fullmatch(text) else "text", position)
        name, tag_position = tag
        field, noexp = tag_field(name)
        if field is None:
            raise QueryError(f"unknown field tag [{name}]; known tags: {KNOWN_TAGS}", tag_position)
        return Term(text, field, position, name, noexp)

    def items(self):
        """The items of one level, as (kind, node or operator, position): terms and
        parenthesised groups ("item") and operators ("op"); stops before a ')'."""
        out, words = [], []  # words: untagged words waiting for a tag or for the next item

        def ignore_slashes():
            for w, p in [(w, p) for w, p in words if w == "/"]:
                self.notes.append(f"ignored '/' at character {p + 1} (no letters or digits)")
            words[:] = [(w, p) for w, p in words if w != "/"]

        def flush():
            ignore_slashes()
            k = 0
            while k < len(words):
                (w, p), following = words[k], words[k + 1][0] if k + 1 < len(words) else ""
                if AUTHOR_WORD.fullmatch(w) and INITIALS.fullmatch(following):
                    # "Hallett M": PubMed searches a name and its initials as an author too
                    name = f"{w} {following}"
                    text = Op("AND", self.term(w, None, p), self.term(following, None, words[k + 1][1]))
                    out.append(("item", Op("OR", text, self.term(name, ("au", p), p)), p))
                    self.notes.append(f"searched {name} as words and as an author ({name}[au])")
                    k += 2
                    continue
                out.append(("item", self.term(w, None, p), p))
                k += 1
            words.clear()

        while self.i < len(self.stream):
            kind, text, position = self.stream[self.i]
            if kind == ")":
                break
            self.i += 1
            if kind == "word":
                words.append((text, position))
            elif kind in ("amp", "op") and text in ("&", "AND") and self.subheading_goes_on(words):
                words.append(("&", position))  # Stroke/prevention and control[mh]: a subheading's "and"
            elif kind == "amp":
                self.notes.append(f"ignored '&' at character {position + 1} (no letters or digits)")
            elif kind == "slash":  # kept for a MeSH heading/subheading; else ignored, as any punctuation
                if words:
                    words.append((text, position))
                else:
                    self.notes.append(f"ignored '/' at character {position + 1} (no letters or digits)")
            elif kind == "tag" and out and out[-1][0] == "doi" and not words:
                if TAGS.get(" ".join(text.lower().split())) != "doi":
                    raise QueryError(f"the field tag [{text}] follows a DOI: a DOI is searched as a DOI", position)
            elif kind == "tag":
                if words and tag_field(text)[0] not in MESH_FIELDS:
                    ignore_slashes()
                if words:  # the tag takes every word since the last operator, phrase or group
                    out.append(("item", self.term(" ".join(w for w, _ in words), (text, position), words[0][1]), words[0][1]))
                    words.clear()
                elif out and out[-1][0] == "phrase":
                    _, node, p = out[-1]
                    out[-1] = ("item", self.term(node.text, (text, position), p), p)
                    self.terms -= 1  # the phrase was counted once already
                elif out and out[-1][0] == "group":
                    raise QueryError(f"the field tag [{text}] follows a ')': put it on each term inside", position)
                else:
                    raise QueryError(f"the field tag [{text}] has no term before it", position)
            else:
                flush()
                if kind == "phrase":
                    out.append(("phrase", self.term(text, None, position), position))
                elif kind == "doi":
                    out.append(("doi", self.term(text, ("doi", position), position), position))
                elif kind == "op":
                    out.append(("op", text, position))
                elif kind == "(":
                    node = self.group(position)
                    out.append(("group", node, position))
        flush()
        return [("item" if k in ("phrase", "group", "doi") else k, v, p) for k, v, p in out]

    def subheading_goes_on(self, words) -> bool:
        """Whether the 'and' or '&' just read is inside a subheading's name, as in
        "thromboembolism/prevention and control[mh]" or "growth and development[sh]":
        the words before it (after the '/') and the words after it, up to a MeSH tag, name
        one of MeSH's subheadings."""
        j, following = self.i, []
        while j < len(self.stream) and self.stream[j][0] == "word":
            following.append(self.stream[j][1])
            j += 1
        if not words or not following or j >= len(self.stream) or self.stream[j][0] != "tag":
            return False
        field = tag_field(self.stream[j][1])[0]
        typed = " ".join(w for w, _ in words)
        if field == "subheading":
            before = typed
        elif field in MESH_FIELDS and "/" in typed:
            before = typed.rsplit("/", 1)[1]
        else:
            return False
        return subheading_name(f"{before.lstrip('*')} & {' '.join(following)}") is not None

    def group(self, opened_at):
        depth = getattr(self, "_depth", 0) + 1
        if depth > MAX_DEPTH:
            raise QueryError(f"parentheses nested more than {MAX_DEPTH} deep", opened_at)
        self._depth = depth
        node = self.sequence(depth)
        self._depth = depth - 1
        if self.i >= len(self.stream):
            raise QueryError("a '(' is never closed", opened_at)
        self.i += 1  # the ')'
        if node is None:
            raise QueryError("empty parentheses", opened_at)
        return node

    def sequence(self, depth):
        """Fold one level left to right; adjacent items are ANDed."""
        items = self.items()
        at_end = self.i >= len(self.stream)
        tree, pending = None, None  # pending: (operator, position) waiting for its right side
        for kind, value, position in items:
            if kind == "op":
                if pending and pending[0] == "AND" and value == "NOT":
                    pending = (value, position)  # "a AND NOT b", as people type it, is "a NOT b"
                    continue
                if pending:
                    raise QueryError(f"{value} follows {pending[0]}: a term is missing between them", position)
                if tree is None and value != "NOT":
                    raise QueryError(f"{value} has no term before it", position)
                pending = (value, position)
            elif tree is None:
                tree = Not(value) if pending else value
                pending = None
            else:
                tree = Op(pending[0] if pending else "AND", tree, value)
                pending = None
        if pending:
            if not (at_end and depth == 0):
                raise QueryError(f"{pending[0]} has no term after it", pending[1])
            self.notes.append(f"ignored the {pending[0]} at the end (character {pending[1] + 1})")
            if tree is None:
                return None
        return tree


# --- translating the tree ---------------------------------------------------------


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_pattern(text: str, position: int) -> str:
    """A case-insensitive LIKE pattern: the whole text, or its beginning when it ends in '*'."""
    prefix = text.endswith("*")
    stem = text.rstrip("*").strip()
    if "*" in stem:
        raise QueryError("'*' can only end a term", position + text.index("*"))
    if prefix and len(stem) < MIN_PREFIX:
        raise QueryError(f"'{text}': truncation needs at least {MIN_PREFIX} characters before the '*'", position)
    return _like_escape(stem) + ("%" if prefix else "")


def fts_string(text: str, position: int) -> str:
    """One FTS5 phrase for the words of a term: each word a quoted string, '*' after a
    word making it a prefix; FTS5 syntax inside a word stays inside its quotes."""
    parts, offset = [], 0
    for word in text.split():
        prefix = word.endswith("*")
        stem = word.rstrip("*")
        if "*" in stem:
            raise QueryError("'*' can only end a word", position + text.index("*", offset))
        offset = text.index(word, offset) + len(word)
        letters = _LETTERS.findall(stem)
        if not letters:
            continue
        if prefix and len(letters[-1]) < MIN_PREFIX:
            raise QueryError(f"'{word}': truncation needs at least {MIN_PREFIX} letters before the '*'", position)
        parts.append('"' + stem.replace('"', '""') + '"' + (" *" if prefix else ""))
    return " + ".join(parts)


_DATE = re.compile(r"(\d{4})(?:[/-](\d{1,2})(?:[/-](\d{1,2}))?)?")


def _date_bound(text: str, position: int, upper: bool) -> tuple[str, int | None]:
    """('2015-03', None) for a month or day; ('', 2015) for a year alone."""
    m = _DATE.fullmatch(text)
    if not m:
        raise QueryError(f"cannot read the date '{text}': write 2015, 2015/03 or 2015/03/14", position)
    year, month, day = m.group(1), m.group(2), m.group(3)
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        raise QueryError(f"'{text}' is not a date", position)
    if not month:
        return "", int(year)
    key = f"{year}-{int(month):02d}" + (f"-{int(day):02d}" if day else "")
    return key + ("~" if upper else ""), None  # '~' sorts after '-': the whole month or day


_INITIALS = re.compile(r"[^\W\d_]{1,2}|[^\W\d_a-z]{3}")  # "A", "AB", "ab", "ABC"


# Letters that NFKD does not take apart, folded as PubMed folds them.
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ı": "i", "æ": "ae", "Æ": "AE",
                       "œ": "oe", "Œ": "OE", "ß": "ss", "þ": "th"})
# Latin letters that carry no diacritic in the names of any language we know of (r, t, d
# do in Czech: Dvořák, and s, z, c, n, g, l and the vowels in many languages).
_NEVER_ACCENTED = set("bfhjkmpqvwx")
SUFFIXES = {"Jr", "jr", "JR", "Sr", "sr", "2nd", "3rd", "II", "III", "IV"}


def fold(text: str) -> str:
    """A name as PubMed compares names: without accents (Lehéricy is Lehericy, Kühn is
    Kuhn), curly apostrophes straight."""
    text = unicodedata.normalize("NFKD", text.translate(_STRAIGHT).translate(_FOLD))
    return "".join(c for c in text if not unicodedata.combining(c))


def _drop_suffix(words: list[str]) -> list[str]:
    """'John Smith Jr', 'Smith J Jr': the suffix is not a name or an initial."""
    return words[:-1] if len(words) > 2 and words[-1] in SUFFIXES else words


def _given_words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s-]+", text.casefold()) if w]


@dataclass
class AuthorQuery:
    family: list[str]  # casefolded words: ["van", "der", "berg"]
    initials: str = ""  # "ab"
    given: list[str] = field(default_factory=list)  # full given names, when typed: ["ailish"]
    prefix: bool = False  # "Malo*": the family name's beginning


@functools.lru_cache(maxsize=256)  # called once per author row by pubmed_author
def parse_author(text: str) -> AuthorQuery:
    """PubMed's ways of naming an author: "Malone A", "Malone AB", "van der Berg J",
    "Malone", "van der Berg", "Malo*", "Malone, Ailish", "Ailish Malone"."""
    text = " ".join(_drop_suffix(fold(text).replace(".", " ").replace(",", ", ").split()))
    prefix = text.endswith("*")
    text = text.rstrip("*").strip()
    if "," in text:
        family, _, given = text.partition(",")
        words = _given_words(given)
        full = [w for w in words if len(w) > 1] if not _INITIALS.fullmatch(given.strip()) else []
        initials = "".join(w[0] for w in words) if full else "".join(given.split()).casefold()
        return AuthorQuery(family.casefold().split(), initials, full, prefix)
    words = text.split()
    if len(words) > 1 and _INITIALS.fullmatch(words[-1]):
        return AuthorQuery([w.casefold() for w in words[:-1]], words[-1].casefold(), [], prefix)
    if len(words) > 1 and all(w.casefold() in PARTICLES for w in words[:-1]):
        return AuthorQuery([w.casefold() for w in words], "", [], prefix)  # "van der Meer", "de Vries": a family name
    if len(words) > 1:  # a full name as printed, given names first: "Ailish Malone"
        given = _given_words(" ".join(words[:-1]))
        return AuthorQuery([words[-1].casefold()], "".join(w[0] for w in given), given, prefix)
    return AuthorQuery([w.casefold() for w in words], "", [], prefix)


def author_matches(name: str | None, query: str | None) -> int:
    """Whether an author's name as stored ("Ailish Malone", "A B Malone", "Malone, Ailish")
    is the author of a PubMed author term: the same family name, and initials that begin
    with the ones asked for; given names typed in full must agree with the stored ones
    (or with their initials). An SQL function (pubmed_author)."""
    if not name or not query or len(query) > MAX_LENGTH:  # longer than any search: never parsed (nor cached)
        return 0
    want = parse_author(query)
    name = " ".join(_drop_suffix(fold(name).replace(".", " ").split())).casefold()
    if "," in name:
        family_part, _, given = name.partition(",")
        family = family_part.split()
    else:
        words = name.split()
        k = len(want.family)
        if not k or len(words) < k:
            return 0
        family, given = words[len(words) - k:], " ".join(words[:len(words) - k])
    if len(family) != len(want.family) or family[:-1] != want.family[:-1]:
        return 0
    if not (family[-1].startswith(want.family[-1]) if want.prefix else family[-1] == want.family[-1]):
        return 0
    given_words = _given_words(given)
    if not "".join(w[0] for w in given_words).startswith(want.initials):
        return 0
    for typed, stored in zip(want.given, given_words):
        if typed != stored and len(stored) > 1 and len(typed) > 1:
            return 0  # "Ailish" is not "Aoife"; "A" may be either
    return 1


def _journal_key(text: str | None) -> str:
    return " ".join(re.sub(r"[.,:;()&]", " ", text or "").casefold().split())


def journal_matches(name: str | None, title: str | None, abbreviation: str | None, query: str | None) -> int:
    """Whether a journal is the one a [ta] term names: its name, title or abbreviation,
    dots, case and punctuation aside ("J Neurosci" is "J. Neurosci."); an NLM title's
    subtitle may be left out ("Movement disorders" for "Movement disorders : official
    journal of ..."); 'Mov Disord*' is a prefix. An SQL function (pubmed_journal)."""
    if not query:
        return 0
    prefix = query.rstrip().endswith("*")
    want = _journal_key(query.rstrip().rstrip("*"))
    for value in (name, title, abbreviation):
        if not value:
            continue
        for key in {_journal_key(value), _journal_key(re.split(r" [:=] | \(", value)[0])}:
            if key == want or prefix and key.startswith(want):
                return 1
    return 0


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL functions the translated queries call."""
    conn.create_function("pubmed_author", 2, author_matches, deterministic=True)
    conn.create_function("pubmed_journal", 4, journal_matches, deterministic=True)


@dataclass
class Search:
    """A query translated: `where` is an SQL condition on `papers AS p`; `rank` the FTS5
    expression that orders (bm25) and marks (snippet) the results, None when nothing in
    the query is a text search; `pure` when the whole query is that one FTS5 expression."""

    query: str
    where: str
    rank: str | None
    pure: bool
    params: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


class _Translator:
    def __init__(self):
        self.params: dict[str, object] = {}
        self.notes: list[str] = []  # what the search does otherwise than PubMed would

    def bind(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return ":" + name

    def fts(self, node) -> str | None:
        """The FTS5 expression of a subtree made only of text terms; else None."""
        if isinstance(node, Term):
            if node.field not in FTS_COLUMNS:
                return None
            phrase = fts_string(node.text, node.position)
            if not phrase:
                return None
            columns = FTS_COLUMNS[node.field]
            return f"{columns} : ({phrase})" if columns else f"({phrase})"
        if isinstance(node, Op):
            left, right = self.fts(node.left), self.fts(node.right)
            if left and right:
                return f"({left} {node.op} {right})"
        return None

    def positive(self, node) -> list[str]:
        """The FTS5 expressions of the text terms that a result is found by (not under NOT)."""
        if isinstance(node, Term):
            expression = self.fts(node)
            return [expression] if expression else []
        if isinstance(node, Op):
            return self.positive(node.left) + ([] if node.op == "NOT" else self.positive(node.right))
        return []

    def sql(self, node) -> str:
        expression = self.fts(node)
        if expression:
            return f"p.rowid IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH {self.bind(expression)})"
        if isinstance(node, Not):
            return f"NOT ({self.sql(node.child)})"
        if isinstance(node, Op):
            left, right = self.sql(node.left), self.sql(node.right)
            return f"({left}) AND NOT ({right})" if node.op == "NOT" else f"({left}) {node.op} ({right})"
        return self.field_sql(node)

    def field_sql(self, term: Term) -> str:
        text, at = term.text, term.position
        if term.field in FTS_COLUMNS:  # a text term without letters: matches nothing
            return "0"
        if term.field == "author":
            family = parse_author(text).family
            if not family:
                raise QueryError(f"'{text}' is not an author's name", at)
            narrow = self.author_narrowing(family[-1], text)
            return ("p.id IN (SELECT pa.paper_id FROM paper_authors pa JOIN authors a ON a.id = pa.author_id "
                    f"WHERE {narrow}pubmed_author(a.name, {self.bind(text)}))")
        if term.field == "journal":
            return ("p.journal_id IN (SELECT id FROM journals "
                    f"WHERE pubmed_journal(name, title, abbreviation, {self.bind(text)}))")
        if term.field in MESH_FIELDS:
            return self.mesh_sql(term)
        if term.field == "type":
            return (f"EXISTS (SELECT 1 FROM json_each(p.publication_types) WHERE value LIKE "
                    f"{self.bind(_like_pattern(text, at))} ESCAPE '\\')")
        if term.field == "topic":
            pattern = self.bind(_like_pattern(text, at))
            return ("p.id IN (SELECT paper_id FROM paper_topics WHERE topic_id IN (SELECT id FROM topics "
                    f"WHERE label LIKE {pattern} ESCAPE '\\' OR id LIKE {pattern} ESCAPE '\\'))")
        if term.field == "date":
            return self.date_sql(text.replace(" ", ""), at)
        if term.field == "pmid":
            pmid = text.strip().lstrip("0")
            if not re.fullmatch(r"\d{1,8}", pmid):
                raise QueryError(f"'{text}' is not a PMID (a number of up to 8 digits)", at)
            return f"p.pmid = {self.bind(pmid)}"
        if term.field == "doi":
            doi = _doi_at(text.strip(), 0)
            if not doi or doi[1] != len(text.strip()):
                raise QueryError(f"'{text}' is not a DOI (10.<registrant>/<suffix>)", at)
            return f"lower(p.doi) = {self.bind(doi[0].lower())}"  # DOIs are case-insensitive
        if term.field == "pmcid":
            pmcid = text.strip().upper()
            if not re.fullmatch(r"(PMC)?\d{1,9}", pmcid):
                raise QueryError(f"'{text}' is not a PMC id (PMC1234567)", at)
            return f"upper(p.pmcid) = {self.bind(pmcid if pmcid.startswith('PMC') else 'PMC' + pmcid)}"
        raise AssertionError(term.field)

    def mesh_sql(self, term: Term) -> str:
        """[mh], [majr], [sh], as PubMed reads them: a heading (Dystonia[mh]), a heading
        with one subheading (Dystonia/physiopathology[mh], Dystonia/pp[mh]: papers indexed
        with that heading under that subheading; as a major topic with [majr]), or a
        subheading alone on any heading (physiopathology[sh]). A '*' before a heading or a
        subheading (MEDLINE's "Dystonia/*physiopathology", pasted) marks a major topic.
        mesh_terms holds one row for each heading and subheading, major when either is."""
        at = term.position
        text = " ".join(term.text.split())
        parts = [part.strip() for part in text.split("/")]
        if term.field == "subheading":
            if len(parts) > 1:
                raise QueryError(f"'{text}' has a '/': [{term.tag}] takes a subheading alone "
                                 f"(a heading with its subheading is {text}[mh])", at)
            heading, subheading = None, parts[0]
        else:
            if len(parts) > 2:
                raise QueryError(f"'{text}': one subheading at a time after a MeSH heading, as on PubMed: "
                                 f"{parts[0]}/{parts[1]}[{term.tag}] OR {parts[0]}/{parts[2]}[{term.tag}]", at)
            heading, subheading = parts[0], parts[1] if len(parts) == 2 else None
            if not heading.lstrip("*"):
                raise QueryError(f"'{text}': no MeSH heading before the '/' (a subheading on any heading "
                                 f"is {subheading or 'physiopathology'}[sh])", at)
            if subheading is not None and not subheading.lstrip("*"):
                raise QueryError(f"'{text}': no subheading after the '/'", at)
        major = term.field == "mesh_major"
        for part in (heading, subheading):
            if part and part.startswith("*"):
                major = True
                self.note(f"read the '*' before '{part.lstrip('*')}' as MEDLINE's mark of a major topic "
                          f"(searched as [majr])")
        heading, subheading = heading and heading.lstrip("*").strip(), subheading and subheading.lstrip("*").strip()
        conditions = []
        if heading:
            conditions.append(f"term LIKE {self.bind(_like_pattern(heading, at))} ESCAPE '\\'")
        if subheading:
            slash = term.text.rfind("/")
            conditions.append(self.subheading_sql(subheading, at + slash + 1 if slash >= 0 else at))
        if major:
            conditions.append("major = 1")
        if not term.noexp:
            self.note("MeSH terms are not exploded as on PubMed: a heading or subheading finds the papers "
                      "indexed with it, not those indexed only with the narrower ones under it in the MeSH tree "
                      "(add them with OR)")
        return f"p.id IN (SELECT paper_id FROM mesh_terms WHERE {' AND '.join(conditions)})"

    def subheading_sql(self, typed: str, at: int) -> str:
        if typed.endswith("*"):  # physio*: the beginning of a subheading's name
            return f"qualifier LIKE {self.bind(_like_pattern(typed, at))} ESCAPE '\\'"
        name = subheading_name(typed)
        if name is None:
            self.note(f"'{typed}' at character {at + 1} is not one of MeSH's subheadings: searched as written "
                      "(a subheading is its name, as physiopathology, or its two letters, as pp)")
            name = " ".join(typed.split())
        names = sorted({name, name.replace(" & ", " and ")})  # records write "&"; a few sources "and"
        return "(" + " OR ".join(f"qualifier LIKE {self.bind(_like_escape(n))} ESCAPE '\\'" for n in names) + ")"

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def author_narrowing(self, stem: str, typed: str) -> str:
        """A cheap LIKE before the Python function (pubmed_author), or "". LIKE folds
        ASCII case only, so a name with other characters (Lehéricy, which Lehericy S[au]
        finds) is kept when it has a word as long as the family name, with the same
        letters where the family name has letters that never carry accents (Kühn for
        kuhn: '% k_h_ %'), or when it holds a separate accent (a decomposed é: bytes CC
        or CD in UTF-8) or a comma ('Family, Given'). 80 ms at 130,000 authors, where
        sending every name with an accent to the function took 500 ms. A typed ß, æ, œ
        or þ (one letter for two) is not narrowed."""
        if not stem.isascii() or any(c in typed for c in "ßæœþÆŒÞ"):
            return ""
        word = "% " + "".join(c if c in _NEVER_ACCENTED else "_" for c in stem) + " %"
        return (f"(a.name LIKE {self.bind('%' + _like_escape(stem) + '%')} ESCAPE '\\' "
                "OR (length(a.name) < length(CAST(a.name AS BLOB)) "  # not ASCII
                f"AND ((' ' || a.name || ' ') LIKE {self.bind(word)} OR instr(a.name, ',') "
                "OR instr(CAST(a.name AS BLOB), X'CC') OR instr(CAST(a.name AS BLOB), X'CD')))) AND ")

    def date_sql(self, text: str, at: int) -> str:
        start, _, end = text.partition(":")
        end = end or start
        (low_key, low_year), (high_key, high_year) = _date_bound(start, at, False), _date_bound(end, at, True)
        conditions = []
        date = "coalesce(p.publication_date, CAST(p.year AS TEXT))"
        if low_year is not None:
            conditions.append(f"p.year >= CAST({self.bind(low_year)} AS INTEGER)")
        else:
            conditions.append(f"{date} >= {self.bind(low_key)}")
        if high_year is not None:
            conditions.append(f"p.year <= CAST({self.bind(high_year)} AS INTEGER)")
        else:
            conditions.append(f"{date} <= {self.bind(high_key)}")
        return " AND ".join(conditions)


def translate(query: str) -> Search | None:
    """The Search for a query; None for a query with nothing to search (empty, or only
    ignored words). Raises QueryError."""
    tree, notes = parse(query)
    if tree is None:
        return None
    t = _Translator()
    whole = t.fts(tree)
    if whole:
        rank, pure, where = whole, True, ""
    else:
        where = t.sql(tree)
        positive = t.positive(tree)
        rank, pure = (" OR ".join(positive) if positive else None), False
    search = Search(query, where, rank, pure, t.params, notes + [n for n in t.notes if n not in notes])
    if rank:
        search.params["rank"] = rank
    return search


# --- the SQL that runs a Search ------------------------------------------------------


def _source(search: Search, columns: str, scored: bool = True) -> tuple[str, str]:
    """(WITH clause or "", SELECT <columns>, score FROM ... WHERE ...) for the papers a
    search finds; unscored (score NULL, cheaper: no bm25) for counts and facets."""
    if search.rank is None:
        return "", f"SELECT {columns}, NULL AS score FROM papers p WHERE {search.where}"
    ranked = (f"WITH ranked AS MATERIALIZED (SELECT rowid AS rid, {BM25 if scored else 'NULL'} AS score "
              f"FROM papers_fts WHERE papers_fts MATCH :rank)")
    if search.pure:
        return ranked, f"SELECT {columns}, ranked.score FROM ranked JOIN papers p ON p.rowid = ranked.rid"
    return ranked, (f"SELECT {columns}, ranked.score FROM papers p LEFT JOIN ranked ON ranked.rid = p.rowid "
                    f"WHERE {search.where}")


# Best first; papers that only a non-text condition found (no score) after, newest
# first; the paper id breaks every tie, so pages never lose or repeat a paper.
ORDER = "ORDER BY score IS NULL, score, year IS NULL, year DESC, id"

PAGE_COLUMNS = ("p.rowid AS rid, p.id, p.title, p.authors, p.authors_complete, p.year, p.doi, "
                "p.publication_types, p.abstract, "
                "(SELECT coalesce(j.name, j.title, j.abbreviation) FROM journals j WHERE j.id = p.journal_id) AS journal")


def page_sql(search: Search, limit: int, offset: int) -> tuple[str, dict]:
    with_, select = _source(search, PAGE_COLUMNS)
    sql = f"{with_} SELECT * FROM ({select}) {ORDER} LIMIT :limit OFFSET :offset"
    return sql, dict(search.params, limit=limit, offset=offset)


def ids_sql(search: Search) -> tuple[str, dict]:
    """Every paper id the search finds, best first: for whole-set exports."""
    with_, select = _source(search, "p.id, p.year")
    return f"{with_} SELECT id FROM ({select}) {ORDER}", dict(search.params)


EXPORT_COLUMNS = ("p.id, p.title, p.authors, p.year, p.doi, p.pmid, p.publication_types, "
                  "(SELECT coalesce(j.name, j.title, j.abbreviation) FROM journals j WHERE j.id = p.journal_id) AS journal")


def export_sql(search: Search) -> tuple[str, dict]:
    """Every paper the search finds, best first, with the columns a download wants."""
    # paper_id: the column plugins/citations.py reads the papers of a query by.
    with_, select = _source(search, EXPORT_COLUMNS)
    return (f"{with_} SELECT id AS paper_id, title, authors, journal, year, doi, pmid, publication_types "
            f"FROM ({select}) {ORDER}"), dict(search.params)


def count_sql(search: Search) -> tuple[str, dict]:
    with_, select = _source(search, "p.id", scored=False)
    return f"{with_} SELECT count(*) AS n FROM ({select})", dict(search.params)


FACET_LIMIT = 10


def facets_sql(search: Search) -> tuple[str, dict]:
    """(facet, value, label, n) rows: the FACET_LIMIT commonest years, journals,
    publication types and topics among the papers found."""
    # CROSS JOIN keeps the papers found as the outer loop: left to itself, SQLite's planner
    # scans every journal and looks each up among the papers found.
    # Topics counted from the papers' own array of labels (the same facts as paper_topics,
    # written by the build together), not by a look-up in paper_topics for each paper
    # found: 58 ms instead of 93 for a search finding all 10,000 papers.
    with_, select = _source(search, "p.id, p.year, p.journal_id, p.publication_types, p.topics", scored=False)
    head = (with_ + ", " if with_ else "WITH ") + f"found AS MATERIALIZED ({select})"
    parts = [
        "SELECT 'year', year, year, count(*) AS n FROM found WHERE year IS NOT NULL GROUP BY year ORDER BY n DESC, year DESC",
        "SELECT 'journal', j.id, coalesce(j.name, j.title, j.abbreviation), count(*) AS n FROM found "
        "CROSS JOIN journals j ON j.id = found.journal_id GROUP BY j.id ORDER BY n DESC, 3",
        "SELECT 'type', e.value, e.value, count(*) AS n FROM found, json_each(found.publication_types) e "
        "GROUP BY e.value ORDER BY n DESC, e.value",
        "SELECT 'topic', t.id, t.label, c.n FROM (SELECT e.value AS label, count(*) AS n FROM found, "
        "json_each(found.topics) e GROUP BY e.value) c JOIN topics t ON t.label = c.label ORDER BY c.n DESC, t.label",
    ]
    body = " UNION ALL ".join(f"SELECT * FROM ({p} LIMIT {FACET_LIMIT})" for p in parts)
    return f"{head} {body}", dict(search.params)


def rowids_sql(search: Search) -> tuple[str, dict]:
    """The rowids of the papers a search finds: their count and, counted from the
    facet columns held in memory (facets_from_columns), their facets."""
    with_, select = _source(search, "p.rowid AS rid", scored=False)
    return f"{with_} SELECT rid FROM ({select})", dict(search.params)


def facets_from_columns(columns, rowids, journal_labels: dict, topic_ids: dict) -> list[tuple]:
    """The rows facets_sql gives, in its order, counted from the papers' facet columns
    held in memory (litdb.facets.FacetColumns) for the papers with these rowids.
    journal_labels: {journals.id: its label as facets_sql writes it}; topic_ids:
    {topics.label: topics.id}. Raises KeyError when columns lacks one of the four."""
    if not all(columns.holds(kind, name) for kind, name in FACET_COLUMNS):
        raise KeyError("a facet column is not held")
    years = top(columns.counter("column", "year", rowids), FACET_LIMIT, key=lambda item: (-item[1], -item[0]))
    journals = [(journal_labels[j], j, n) for j, n in columns.counter("column", "journal_id", rowids).items()
                if j in journal_labels]
    journals.sort(key=lambda item: (-item[2], item[0] is not None, item[0] or ""))  # NULL first, as SQLite
    types = top(columns.counter("array", "publication_types", rowids), FACET_LIMIT)
    topics = top(Counter({label: n for label, n in columns.counter("array", "topics", rowids).items()
                          if label in topic_ids}), FACET_LIMIT)
    return ([("year", y, y, n) for y, n in years]
            + [("journal", j, label, n) for label, j, n in journals[:FACET_LIMIT]]
            + [("type", t, t, n) for t, n in types]
            + [("topic", topic_ids[label], label, n) for label, n in topics])


FACET_COLUMNS = [("column", "year"), ("column", "journal_id"), ("array", "publication_types"), ("array", "topics")]


# Marks around matched words in snippets: characters no stored text holds (the build
# replaces control characters), turned into <mark> only after the text is escaped.
MARK_OPEN, MARK_CLOSE = "\x02", "\x03"


def snippets_sql(search: Search, rowids: list[int]) -> tuple[str, dict]:
    """(rid, title, snippet) for the papers of one page, matched words between marks."""
    names = [f"r{i}" for i in range(len(rowids))]
    sql = (f"SELECT rowid AS rid, highlight(papers_fts, 0, '{MARK_OPEN}', '{MARK_CLOSE}') AS title, "
           f"snippet(papers_fts, 1, '{MARK_OPEN}', '{MARK_CLOSE}', '…', 40) AS snippet "
           f"FROM papers_fts WHERE papers_fts MATCH :rank AND rowid IN ({', '.join(':' + n for n in names)})")
    return sql, dict(zip(names, rowids), rank=search.rank)


def marked_parts(text: str) -> list[tuple[str, bool]]:
    """Text with marks as (piece, marked) pairs; marks always balanced."""
    parts, marked = [], False
    for piece in re.split(f"([{MARK_OPEN}{MARK_CLOSE}])", text or ""):
        if piece == MARK_OPEN:
            marked = True
        elif piece == MARK_CLOSE:
            marked = False
        elif piece:
            parts.append((piece, marked))
    return parts


def refine(query: str, value: str, tag: str) -> str | None:
    """The query narrowed to a facet value: (query) AND "value"[tag]; None when the value
    cannot be written as a term (a quote in it)."""
    if '"' in value or not value.strip():
        return None
    return f'({query}) AND "{value}"[{tag}]'
