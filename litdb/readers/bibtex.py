"""BibTeX and BibLaTeX, as Zotero and JabRef write them.

bibtexparser 2 cuts the file into blocks (entries, @string, @preamble, @comment) and keeps
going past a broken entry, which it hands back as a failed block with its line: that block
is a RecordError in its place and the entries around it load. Its default middleware is
not used: it resolves a macro only when it is the whole value (not `mds # " Journal"`), and
removing the braces first would lose what marks a group author ({Dystonia Coalition}).
So values are evaluated here (braces and quotes, `#` joins, @string macros, month macros),
names are split with bibtexparser's BibTeX name grammar ("Malone, Ailish", "Ailish Malone",
"van den Berg, Johanna", "Smith, Jr, John"), and LaTeX is decoded ({\\"o} -> ö, \\c{c} -> ç,
{\\o} -> ø, -- -> en dash, ~ -> space, {DNA} -> DNA, $\\alpha$ -> α, Na$^{+}$ -> Na+,
CO$_{2}$ -> CO2, {\\copyright} -> ©): a value holding only the common escapes (an accent on
one letter, {\\o} {\\ss}..., \\% \\& \\_ \\# \\$, grouping braces) by a table, any other by
pylatexenc, which gives the same text ~20 times slower.
Identifiers and links (doi, url, eprint, pmid) are never LaTeX-decoded: % and _ are
literal there.

Text outside an entry is a comment, as BibTeX reads it: tools head their files with a few
lines of it (Mendeley Desktop, JabRef 2, Scopus) or with % comments (JabRef, BibDesk,
Papers); see looks_like.

crossref: an entry with `crossref = {key}` (a chapter of a book, a paper of proceedings)
takes each field it lacks from the entry of that key, as BibTeX and biber do, one level
deep: the parent's title becomes its booktitle; the parent's author, title, abstract,
keywords, identifiers and links (NOT_INHERITED) stay the parent's own. A cross-referenced
entry without an author of its own (a book with editors) only holds what its children
share, and is no paper. A paper keeps of the inherited fields what it reads of its own
(year, month, volume, ISSN, language...): a book title, publisher or editor has no field
of a paper but the booktitle, which is a chapter's or a conference paper's journal, as
MEDLINE has a chapter's book.

What the writers do: Zotero (BibTeX) writes UTF-8 text, capitals protected in braces,
`month = dec`, `journal`, `pmid`/`pmcid` from its Extra field, keywords joined by ", ";
Zotero (BibLaTeX) `journaltitle`, `shortjournal`, `date = {2014-12}`, `langid`,
`eprinttype = {pubmed}` with `eprint`; JabRef `@Article{`, aligned fields, names given
first or family first, LaTeX accents, @string macros, `and others`, @Comment{jabref-meta};
Mendeley Desktop three lines of text above the entries, fields in alphabetical order, titles
in double braces, `month = {may}`, its own `file` and `mendeley-groups`.
Scopus opens the file with "Scopus" and "EXPORT DATE: ..." lines, writes `pubmed_id`,
`abbrev_source_title`, `art_number`, `author_keywords`, ISSNs without their hyphen,
`source = {Scopus}` and its document type: older exports `note = {cited By 45}` and
`document_type = {Review}`, current ones `type = {Review}`, `publication_stage = {Final}`
and `note = {Cited by: 45; All Open Access, Gold Open Access}`; Web of Science doubles
braces and writes `EISSN`, `Journal-ISO`, `Times-Cited`, `Unique-ID = {{WOS:...}}` and
`Type`, several joined by ";" (`Type = {{Article; Proceedings Paper}}`, "Review; Early
Access"). Document types read as in RIS (ris.document_types): "Proceedings Paper" and
"Conference paper" -> "Conference Paper", "Article" dropped, "Early Access" a status claim.
Abstracts that end with the copyright line (Scopus, publishers' abstracts in Zotero) have it
split off, as in RIS.

Entry types map to PubMed's wording so that types from every source read alike:
article -> "Journal Article", inproceedings -> "Conference Paper", incollection ->
"Book Chapter", book -> "Book", thesis -> "Thesis", report -> "Report", online -> "Web
Page"; misc, unpublished and unknown types say nothing.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock, String
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from ..normalize import clean_paragraphs, clean_space, expand_pages, html_to_text, iso_date, normalize_doi
from ..records import Claim, PaperRecord, RecordError
from .common import GROUP_WORDS, author, digits, keywords_once, parse_date, valid_issn
from .ris import COPYRIGHT, ISSN, LABELLED_PMCID, LABELLED_PMID, MARKUP, SCOPUS_CITED_BY, document_types

NAME = "bibtex"
TRUST = 3

# A broken entry is reported as a RecordError; bibtexparser's own log lines about it
# would only repeat that on stderr.
logging.getLogger("bibtexparser.splitter").setLevel(logging.CRITICAL)

# Where bibtexparser's splitter starts a block (its _BLOCK_START, at the start of a line):
# "@" and the type with nothing between ("@ article{" is no block to it), so that the pieces
# of split_records are the blocks it finds in the whole file.
BLOCK_START = re.compile(r"[ \t]*@(\w*)[ \t]*[{(]")
NOT_RECORDS = {"string", "preamble", "comment"}
TYPE_WORDS = {
    "article": "Journal Article", "inproceedings": "Conference Paper", "conference": "Conference Paper",
    "incollection": "Book Chapter", "inbook": "Book Chapter", "book": "Book", "mvbook": "Book",
    "collection": "Book", "phdthesis": "Thesis", "mastersthesis": "Thesis", "thesis": "Thesis",
    "techreport": "Report", "report": "Report", "online": "Web Page", "electronic": "Web Page",
    "www": "Web Page", "dataset": "Dataset", "patent": "Patent",
}
# Lines of free text a tool writes above the first entry (Mendeley Desktop three, JabRef 2 and
# Scopus two): more before the first "@" is some other text that quotes an entry
HEADER_LINES = 5
CONTAINED_IN_BOOKS = {"incollection", "inbook", "inproceedings", "conference"}
# What is the cross-referenced entry's own, never a child's (its title is the child's booktitle)
NOT_INHERITED = {"author", "title", "subtitle", "booktitle", "abstract", "keywords", "author_keywords", "doi", "url",
                 "eprint", "eprinttype", "pmid", "pmcid", "pubmed_id", "unique-id", "crossref"}
# A file where an entry cross-references another is read whole (see split_records)
CROSSREF = re.compile(r"\bcrossref\s*=", re.I)
MONTH_MACROS = {m: m for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")}

_context = get_default_latex_context_db()
# \url{..} as its text (not "<..>"); Zotero writes the HTML tags it could not turn into
# LaTeX as {\textless}sup{\textgreater}: back to tags, then dropped like any markup; Scopus
# writes the copyright sign as {\copyright}, which pylatexenc does not know (it knows \textcopyright)
_context.add_context_category("litdb", prepend=True, macros=[
    MacroTextSpec("url", simplify_repl="%s"), MacroTextSpec("textless", simplify_repl="<"),
    MacroTextSpec("textgreater", simplify_repl=">"), MacroTextSpec("copyright", simplify_repl="©")])
_LATEX = LatexNodes2Text(latex_context=_context, math_mode="text")
NEEDS_LATEX = re.compile(r"[\\{}$~%&^_]|--|``|''")


def looks_like(text: str) -> bool:
    """A line in the first 4096 characters opens an @ block, with nothing above it but blank
    lines, % comments and at most HEADER_LINES lines of other text. BibTeX reads text outside
    an entry as a comment, and tools head their files with some: Mendeley Desktop
    ("Automatically generated by Mendeley Desktop 1.19.8" and two more lines), JabRef 2 ("This
    file was created with JabRef 2.1." and "Encoding: Cp1252"), Scopus ("Scopus", "EXPORT
    DATE: ..."); JabRef ("% Encoding: UTF-8"), BibDesk and Papers ("%% ...") in % comments.
    A page or record that quotes an entry has more text above it, and an "@" inside a line
    (an e-mail address) opens no block."""
    free = 0
    for line in text[:4096].lstrip("\ufeff").split("\n"):
        stripped = line.strip()
        if BLOCK_START.match(stripped):
            return True
        if stripped and not stripped.startswith("%"):
            free += 1
            if free > HEADER_LINES:
                return False
    return False


def split_records(text: str) -> list[tuple[int, str]]:
    """The file cut at each line that opens an @ block (bibtexparser starts a new block
    there too, even inside a broken entry); @comment and @preamble pieces left out. A file
    with @string macros or a crossref field stays whole: its entries need the macros read
    before them, a cross-referencing entry the entry it names."""
    lines = text.lstrip("\ufeff").split("\n")
    starts = [(n, m.group(1).lower()) for n, line in enumerate(lines) if (m := BLOCK_START.match(line))]
    if any(kind == "string" for _, kind in starts) or CROSSREF.search(text):
        return [(1, text)]
    pieces = []
    for i, (n, kind) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        if kind not in NOT_RECORDS:
            pieces.append((n + 1, "\n".join(lines[n:end]).rstrip() + "\n"))
    return pieces


def read(text: str):
    try:
        library = bibtexparser.parse_string(text.lstrip("\ufeff"), parse_stack=[])
    except Exception as e:  # the splitter's own state errors: the file as a whole cannot be read
        raise ValueError(f"BibTeX could not be read: {clean_space(str(e)) or type(e).__name__}") from None
    strings = dict(MONTH_MACROS)
    blocks = []  # (block, its fields' values for an entry), values read with the macros above it
    for block in library.blocks:
        if isinstance(block, String):
            strings[block.key.lower()] = _value(block.value, strings)
            continue
        if isinstance(block, DuplicateBlockKeyBlock):  # a key used twice is still a paper of its own
            block = block.ignore_error_block
        blocks.append((block, _values(block, strings) if isinstance(block, Entry) else None))
    # crossref: the entries by key (BibTeX matches keys whatever their case), and those another names
    by_key, parents = {}, set()
    for block, values in blocks:
        if values is not None:
            by_key.setdefault(block.key.lower(), values)
            parent = _crossref(values)
            if parent and parent != block.key.lower():
                parents.add(parent)
    results, position = [], 0
    for block, values in blocks:
        line = block.start_line + 1 if block.start_line is not None else None
        if isinstance(block, Entry):
            key = block.key.lower()
            if key in parents and not clean_space(values.get("author")):
                continue  # a book that only holds its chapters' common fields
            parent = by_key.get(_crossref(values))
            position += 1
            try:
                results.append(_record(block, _inherit(values, parent) if parent else values, line))
            except ValueError as e:
                results.append(RecordError(position=position, line=line, reason=str(e)))
        elif isinstance(block, ParsingFailedBlock):
            kind = BLOCK_START.match((block.raw or "").lstrip())
            if kind and kind.group(1).lower() in NOT_RECORDS:
                continue
            position += 1
            reason = getattr(block.error, "abort_reason", None) or str(block.error) or "syntax error"
            results.append(RecordError(position=position, line=line,
                                       reason=f"BibTeX entry could not be parsed: {clean_space(reason)}"))
    if not results:
        raise ValueError("no BibTeX entry in the file")
    return results


def _values(entry: Entry, strings: dict[str, str]) -> dict[str, str]:
    """An entry's fields by their lower-case names (the first of a name twice), evaluated."""
    raw = {}
    for f in entry.fields:
        raw.setdefault(f.key.lower(), f.value if isinstance(f.value, str) else str(f.value))
    return {key: _value(v, strings) for key, v in raw.items()}


def _crossref(values: dict[str, str]) -> str:
    """The key an entry cross-references, in lower case ("" for none)."""
    return (clean_space(values.get("crossref", "").replace("{", "").replace("}", "")) or "").lower()


def _inherit(values: dict[str, str], parent: dict[str, str]) -> dict[str, str]:
    """An entry's fields with those it lacks taken from the entry it cross-references: the
    parent's title as booktitle, none of NOT_INHERITED."""
    out = dict(values)
    if not clean_space(out.get("booktitle")) and (book := parent.get("booktitle") or parent.get("title")):
        out["booktitle"] = book
    for key, value in parent.items():
        if key not in NOT_INHERITED and not clean_space(out.get(key)):
            out[key] = value
    return out


def _record(entry: Entry, value: dict[str, str], line: int | None) -> PaperRecord:
    def text(*keys):
        for key in keys:
            if clean_space(value.get(key)):
                return _latex(value[key])
        return None

    def literal(key):  # identifiers and links: braces off, nothing decoded
        return clean_space(value.get(key, "").replace("{", "").replace("}", ""))

    kind = entry.entry_type.lower()
    title = text("title")
    if title and text("subtitle"):
        title = f"{title}: {text('subtitle')}"
    record = PaperRecord(format=NAME, title=title or "")

    eprint_type = (literal("eprinttype") or "").lower()
    record.doi = normalize_doi(literal("doi")) or normalize_doi(literal("url"))
    pmid = literal("pmid") or literal("pubmed_id") or (literal("eprint") if eprint_type in ("pubmed", "pmid") else None)
    # Zotero and JabRef users keep PubMed's ids in a note: "PMID: 20301665", "PMCID: PMC5815386"
    note = literal("note") or ""
    record.pmid = digits(pmid) or (m.group(1) if (m := LABELLED_PMID.search(note)) else None)
    pmcid = literal("pmcid") or (literal("eprint") if eprint_type in ("pmc", "pmcid") else None) or (
        m.group(1) if (m := LABELLED_PMCID.search(note)) else None)
    record.pmcid = pmcid.upper() if pmcid and re.fullmatch(r"PMC\d{1,9}", pmcid, re.I) else None
    if not record.title and not (record.doi or record.pmid or record.pmcid):
        # (a key may run across lines in a broken file: the reason stays on one line)
        key = clean_space(entry.key)
        raise ValueError(f"BibTeX entry {key or 'without a key'} has no title, DOI, PMID or PMCID")

    record.journal_title = text("journal", "journaltitle")
    if not record.journal_title and kind in CONTAINED_IN_BOOKS:
        # a chapter's book, a conference paper's proceedings: its journal, as the MEDLINE and
        # PubMed XML readers have a chapter's book (and the exports give it back as booktitle)
        record.journal_title = text("booktitle")
    # Zotero's shortjournal, Web of Science's Journal-ISO, Scopus's abbrev_source_title
    record.journal_abbreviation = text("shortjournal", "journal-iso", "abbrev_source_title")
    record.volume = literal("volume")
    record.issue = literal("number") or literal("issue")
    pages = literal("pages")
    record.pages = expand_pages(re.sub(r"\s*(?:-{1,3}|\u2013|\u2014)\s*", "-", pages)) if pages else \
        literal("art_number")  # Scopus: an article number where there are no pages
    issns = []
    for m in ISSN.finditer(" ".join(filter(None, (literal("issn"), literal("eissn"))))):
        issn = f"{m.group(1)}-{m.group(2).upper()}"
        if valid_issn(issn) and issn not in issns:
            issns.append(issn)
    record.issns = issns

    date = literal("date")  # BibLaTeX: "2014-12-05", "2014-12", "2014-12-05/2014-12-07"
    year, month, day = parse_date(date)
    if year is None:
        year, month, day = parse_date(" ".join(filter(None, (literal("year"), literal("month"), literal("day")))))
    record.year = year
    record.publication_date = iso_date(year, month, day)

    authors = []
    for name in split_multiple_persons_names(value.get("author") or ""):
        if name.strip().lower() == "others":
            record.authors_complete = False
            continue
        person = _author(name)
        if person:
            authors.append(person)
    record.authors = authors
    # Scopus: author keywords, then its index keywords (repeats kept once)
    record.keywords = _keywords("; ".join(filter(None, (value.get("author_keywords"), value.get("keywords")))) if
                                value.get("author_keywords") else value.get("keywords"))
    record.abstract = clean_paragraphs(text("abstract"))
    if record.abstract and (m := COPYRIGHT.search(record.abstract)) and m.start() > 0:
        record.abstract, record.copyright = record.abstract[:m.start()].rstrip(), m.group(1)
    accession = literal("unique-id")
    wos = bool(accession and accession.upper().startswith("WOS:"))
    scopus = (literal("source") or "").lower() == "scopus"
    record.publication_types = [TYPE_WORDS[kind]] if kind in TYPE_WORDS else []
    # the source's own wording of its document type ("Review", "Editorial Material"): Scopus's
    # older exports in document_type, current ones in type; Web of Science in Type
    type_key = ("document_type" if text("document_type") else "type") if scopus else "type" if wos else None
    statuses = document_types(record.publication_types, text(type_key)) if type_key else []
    if wos:
        record.citation_count = _count(literal("times-cited"))
    elif scopus and (m := SCOPUS_CITED_BY.search(literal("note") or "")):
        record.citation_count = int(m.group(1))
    language = text("langid", "language")
    record.claims = [Claim("status", status, f"{type_key} = {{{text(type_key)}}}") for status in statuses]
    if language:
        record.claims.append(Claim("language", language))
    if wos:
        record.claims.append(Claim("accession_number", accession, "Web of Science"))
    record.line = line
    return record


def _count(value: str | None) -> int | None:
    return int(number) if (number := digits(value)) and len(number) < 10 else None


def _split_concatenation(raw: str) -> list[str]:
    """The parts of `a # {b} # "c"` at the top level."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return parts


def _value(raw: str, strings: dict[str, str]) -> str:
    """A field's value as BibTeX means it: {..} and ".." stripped once, numbers as they
    are, macros replaced (months by their names, unknown ones by their name), joined at #."""
    out = []
    for part in _split_concatenation(raw) if "#" in raw else [raw]:
        part = part.strip()
        if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
            out.append(part[1:-1])
        elif digits(part):
            out.append(part)
        else:
            out.append(strings.get(part.lower(), part))
    return "".join(out)


# The escapes reference managers write most (\\% \\& \\_ \\# \\$, an accent on one letter,
# {\\o} {\\ss} {\\aa}...) decoded by a table: pylatexenc reads a value one character at a
# time (about 45 ms for an abstract), so it sees only values that hold anything else.
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304", ".": "\u0307",
            "c": "\u0327", "u": "\u0306", "v": "\u030c", "H": "\u030b", "k": "\u0328", "r": "\u030a"}
_LETTERS = {"o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "aa": "å", "AA": "Å", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ",
            "OE": "Œ", "i": "ı"}
_SIMPLE = re.compile(r"""\{\\(?P<a1>["'`^~=.])(?P<l1>[A-Za-z])\}|\\(?P<a2>["'`^~=.])\{?(?P<l2>[A-Za-z])\}?"""
                     r"""|\{\\(?P<a3>[cuvHkr]) ?(?P<l3>[A-Za-z])\}|\\(?P<a4>[cuvHkr])\{(?P<l4>[A-Za-z])\}"""
                     r"""|\{\\(?P<w>o|O|l|L|aa|AA|ss|ae|AE|oe|OE|i)\}|\\(?P<e>[%&_#$])""")
_OTHER_LATEX = re.compile(r"[\\$~^_%&]|--|``|''")


def _simple(m) -> str:
    g = m.groupdict()
    if g["e"] or g["w"]:
        return g["e"] or _LETTERS[g["w"]]
    letter = g["l1"] or g["l2"] or g["l3"] or g["l4"]
    return unicodedata.normalize("NFC", letter + _ACCENTS[g["a1"] or g["a2"] or g["a3"] or g["a4"]])


def _simple_latex(text: str) -> str | None:
    """The text with the table's escapes decoded and grouping braces dropped, or None
    when it holds any other LaTeX."""
    if _OTHER_LATEX.search(_SIMPLE.sub("", text)):
        return None
    return _SIMPLE.sub(_simple, text).replace("{", "").replace("}", "")


# textgreek's letters, as Zotero writes Greek in text ("{\textalpha}3 isoform"): pylatexenc
# knows the math ones ($\alpha$) and \textmu (the micro sign) but not these, and drops them.
TEXT_GREEK = re.compile(r"\\text(alpha|beta|gamma|delta|epsilon|zeta|eta|theta|iota|kappa|lambda|nu|xi|omicron|pi|"
                        r"rho|sigma|tau|upsilon|phi|chi|psi|omega|Alpha|Beta|Gamma|Delta|Epsilon|Zeta|Eta|Theta|Iota|"
                        r"Kappa|Lambda|Mu|Nu|Xi|Omicron|Pi|Rho|Sigma|Tau|Upsilon|Phi|Chi|Psi|Omega)(?![A-Za-z])\s*")


def _greek(m: re.Match) -> str:
    name = m.group(1)
    return unicodedata.lookup(f"GREEK {'CAPITAL' if name[0].isupper() else 'SMALL'} LETTER {name.upper()}")


# Sub- and superscripts in math (Na$^{+}$, CO$_{2}$, Ca$^{2+}$, $x^2$) are their text, as <sup> and
# <sub> are dropped from HTML: pylatexenc kept the marks ("Na^+"). A superscript circle
# ($^{\circ}$C) is the degree sign. A math span opens at a "$" that is not escaped (\$5).
MATH = re.compile(r"(?<!\\)\$((?:\\.|[^$\\])+)\$")
SCRIPT = re.compile(r"([\^_])\s*(?:\{([^{}]*)\}|(\\[A-Za-z]+|[^\s\\{}]))")


def _script(m: re.Match) -> str:
    body = m.group(2) if m.group(2) is not None else m.group(3)
    if m.group(1) == "^" and body.strip() == "\\circ":
        return "°"
    # a negative exponent in parentheses, as NLM writes it in PubMed's abstracts: 10$^{-8}$
    # is "10(-8)", never "10-8" (ten minus eight); others as written (Ca2+, mm3)
    if m.group(1) == "^" and body.strip()[:1] in "-−" and len(body.strip()) > 1:
        return f"({body.strip()})"
    return body


# Escaped characters that stand for themselves (Mendeley writes "{\~{}}5 Hz", "2{\^{}}3"):
# pylatexenc drops them.
LITERALS = re.compile(r"\{\\~\{\}\}|\\~\{\}|\{\\\^\{\}\}|\\\^\{\}|\{?\\textbar\}?(?:\{\})?|"
                      r"\{?\\textasciitilde\}?(?:\{\})?|\{?\\textasciicircum\}?(?:\{\})?")


TILDE = "\ue000"  # a "~" that is no tie, kept from pylatexenc (which reads "~" as a space) until the end


def _literal(m: re.Match) -> str:
    text = m.group(0)
    return "|" if "textbar" in text else TILDE if "~" in text or "tilde" in text else "^"


@functools.lru_cache(maxsize=8192)  # pylatexenc takes ~1 ms a value; journals and names recur
def _latex(text: str | None) -> str | None:
    """Plain Unicode from a LaTeX value."""
    if text is None:
        return None
    if "\\text" in text:
        text = TEXT_GREEK.sub(_greek, text)
    if "{}" in text or "\\text" in text:
        text = LITERALS.sub(_literal, text)
    if "$" in text:
        text = MATH.sub(lambda m: "$" + SCRIPT.sub(_script, m.group(1)) + "$", text)
    if not NEEDS_LATEX.search(text):
        plain = clean_space(text) if "\n\n" not in text else clean_paragraphs(text)
        return plain.replace(TILDE, "~") if plain else plain
    try:
        decoded = _simple_latex(text)
        if decoded is None:
            decoded = _LATEX.latex_to_text(text)
    except Exception:  # pylatexenc on a value it cannot parse (deep nesting): braces and commands dropped
        decoded = re.sub(r"\\[A-Za-z]+|[{}\\]", "", text)
    decoded = html_to_text(decoded) if MARKUP.search(decoded) else clean_paragraphs(decoded)
    return decoded.replace(TILDE, "~") if decoded else decoded


def _author(name: str):
    """One name of an author list: '{Dystonia Coalition}' (all in braces) is a group
    author; 'Malone, Ailish', 'Ailish Malone', 'van der Berg, Johanna', 'Smith, Jr, John'."""
    stripped = name.strip()
    if stripped.startswith("{") and stripped.endswith("}") and _one_group(stripped):
        return author(name=_latex(stripped), group=True)
    if "," not in stripped and GROUP_WORDS.search(stripped):
        return author(name=_latex(stripped), group=True)
    parts = parse_single_name_into_parts(stripped, strict=False)
    family = _latex(" ".join(parts.von + parts.last))
    given = _latex(" ".join(parts.first))
    suffix = _latex(" ".join(parts.jr))
    display = " ".join(p for p in (given, family, suffix) if p)
    return author(family=family, given=given, name=display or None)


def _one_group(text: str) -> bool:
    """True when the opening brace closes only at the very end: {Dystonia Coalition}, not
    {Malone}, {Ailish}."""
    depth = 0
    for i, ch in enumerate(text):
        depth += ch == "{"
        depth -= ch == "}"
        if depth == 0 and i < len(text) - 1:
            return False
    return True


def _keywords(raw: str | None) -> list[str]:
    """Zotero and JabRef join keywords with ", "; some files use ";" (then commas are
    part of a keyword: "Models, Biological")."""
    if not raw:
        return []
    words = raw.split(";") if ";" in raw else raw.split(",")
    return keywords_once([_latex(w) for w in words])
