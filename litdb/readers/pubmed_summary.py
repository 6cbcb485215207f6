"""PubMed's lists of results: the "Summary (text)" save, and a results page copied as text.

1. "Save, Format: Summary (text)": one citation a paper, numbered.

Each entry is one paragraph (wrapped at about 80 columns), entries apart by blank lines:

    1: Tewari A, Fremont R, Khodakhah K. It's not just the basal ganglia: Cerebellum
    as a target for dystonia therapeutics. Mov Disord. 2017 Nov;32(11):1537-1545.
    doi: 10.1002/mds.27123. Epub 2017 Sep 27. PMID: 28949046; PMCID: PMC5815386.

that is NLM's citation: authors (family name and initials, a group after "; "), the
title, the journal's NLM abbreviation, date;volume(issue):pages, then doi, Epub date and
the identifiers. The legacy site wrote "PubMed PMID: …; PubMed Central PMCID: …" and
might add "Review."; some saves number "1." rather than "1:". A book chapter (GeneReviews)
reads "Authors. Title. 2003 Oct 28 [Updated 2017 Jun 22]. In: Editors, editors. Book
[Internet]. Place: Publisher; 1993-2024. PMID: …".

What the save does not hold, the record does not have: no abstract, affiliations or
MeSH terms; authors are complete unless the entry ends them with "et al.". An entry
without its PMID or its citation is a RecordError in its place.

2. A page of search results (pubmed.ncbi.nlm.nih.gov/?term=…, or the legacy site's
"Summary" display) copied from a browser: page furniture, then for each result its
title, its authors (NLM style), its citation and its PMID line, each on a line of its own:

    1
    Current Opinions and Areas of Consensus on the Role of the Cerebellum in Dystonia.
    Shakkottai VG, Batla A, Bhatia K, Dauer WT, Dresel C, Niethammer M, Eidelberg D, …
    Cerebellum. 2017 Apr;16(2):577-594. doi: 10.1007/s12311-016-0825-6.
    PMID: 27734238 Free PMC article. Review.
    A number of studies have indicated that the cerebellum may play a role …   (a snippet)
    Cite
    Share

A result is found by its PMID line under a citation line under an author line (a PMID
line under no citation it can read is a RecordError in its place); the
title is the line above. The snippet is a few sentences of the abstract cut with "…":
never read as the abstract. "Free PMC article" makes the paper free to read and the
publication types the page prints (Review, Clinical Trial, …) are its types. A page is
a results page when it has two results or more and the first comes before any heading of
an abstract page ("PubMed Disclaimer", "Affiliations", "Similar articles", …): an
abstract page lists similar articles in the same form, under such a heading, and stays
pubmed_page's. (A results page of one result is read as a page, by pubmed_page.)
"""

from __future__ import annotations

import re

from ..normalize import clean_space, iso_date
from ..records import Claim, PaperRecord, RecordError
from .common import RELATION_FIELDS, author, parse_date, read_pieces
from .pubmed_page import BOOK_DATE, BOOK_TITLE, CITATION_LINE, YEAR, citation_facts, nlm_author, tail_facts

NAME = FORMAT = "pubmed_summary"
# PubMed's own values, but a digest of its record: initials only, "Review" its only
# publication type; PubMed's full records (pages, MEDLINE, XML) come before it.
TRUST = 1

ENTRY_START = re.compile(r"^(\d{1,5})[.:] +(?=\S)")
# The identifiers that end an entry: "PMID: 28949046; PMCID: PMC5815386." (today),
# "PubMed PMID: 27734238; PubMed Central PMCID: PMC5336511." (legacy); the last PMID of
# the entry is its own
IDENTIFIERS = re.compile(
    r"\s(?:PubMed )?PMID: *(?P<pmid>\d+)\b(?:[;,]? *(?:PubMed Central )?PMCID: *(?P<pmcid>PMC\d+))?"
    r"(?:[;,]? *NIHMSID: *\S+?)?(?P<after>[;.][^;.]*(?:[;.][^;.]*)?)?$"
)
PMID_MARK = re.compile(r"\s(?:PubMed )?PMID: *\d")
# What a citation's tail may name after the paper's own facts: each to the next, a claim
# (named as the PubMed XML and page readers name them); its doi is the other paper's.
RELATION = re.compile(
    r"(?:^|(?<=\. ))(Erratum in|Erratum for|Retraction in|Retraction of|Comment in|Comment on|Update in|Update of|"
    r"Expression of concern in|Expression of Concern in|Republished in|Republished from|"
    r"Corrected and republished in|Corrected and republished from): ")
# Where the journal starts: after the end of the title's sentence. Journal
# abbreviations have no full stops (NLM writes none), so the first ". " after a
# capitalised run that is followed by a date ends the journal.
SOURCE = re.compile(r"(?<=[.?!\]]) (?=[A-Z(\[])")
AUTHORS_END = re.compile(r"\. ")
# "Shakkottai VG", "van de Warrenburg BP", "van 't Veer LJ", "dela Cruz E", "d'Alessandro P",
# "O'Sullivan JD", "Smith J Jr", "Morillo Cox Á"
_NAME = (r"(?:(?:[a-z]{1,4}|'t|[Tt]er|[Vv]an|[Vv]on|[Dd]ella|[Dd]os|[Dd]as) )*(?:[a-z]{1,2}['\u2019])?"
         r"[A-Z\u00C0-\u024F][\w'\u2019-]*(?: [A-Za-z\u00C0-\u024F'][\w'\u2019-]*){0,4} [A-Z\u00C0-\u00DE]{1,4}"
         r"(?: (?:Jr|Sr|2nd|3rd|II|III|IV))?")
PERSON = re.compile(_NAME)
MONONYM = re.compile(r"[A-Z\u00C0-\u024F][\w'\u2019-]+")  # "Sutarni": one name, no initials
# a group author: "Dystonia Coalition Investigators", "DYT1 Study Group", "European
# Federation of Neurological Societies"
GROUP = re.compile(
    r"[A-Z0-9][^.;,]*?\b(?:[Gg]roups?|[Cc]onsorti(?:um|a)|[Ii]nvestigators|[Cc]ommittees?|[Cc]ollaborat\w*|"
    r"[Nn]etworks?|[Ss]ociet(?:y|ies)|[Ss]tudy|[Tt]eams?|[Cc]ouncils?|[Ff]oundations?|[Ii]nitiatives?|"
    r"[Aa]ssociations?|[Tt]ask [Ff]orce|[Cc]oalition|[Ff]ederations?|[Oo]rgani[sz]ations?|[Aa]cadem(?:y|ies)|"
    r"[Cc]ollege|[Pp]anel|[Bb]oard|[Aa]lliance|[Ii]nstitutes?|[Cc]ent(?:er|re)|[Pp]rogram(?:me)?|[Rr]egistry)\b"
    r"[^.;,]*")
BOOK = re.compile(
    r"^(?P<title>.+?)\. (?P<date>(?:1[89]|20)\d\d(?: [A-Z][a-z]{2}(?: \d{1,2})?)?)(?: \[[^\]]*\])?\. "
    r"In: (?:.*?\beditors?\. )?(?P<book>.+?)(?: \[Internet\])?\. "
)
# Languages the legacy save prints after the citation ("…:426-432. French. PubMed PMID: …")
LANGUAGES = {"Chinese", "Czech", "Danish", "Dutch", "French", "German", "Greek", "Hebrew", "Hungarian", "Italian",
             "Japanese", "Korean", "Norwegian", "Persian", "Polish", "Portuguese", "Romanian", "Russian", "Serbian",
             "Slovak", "Spanish", "Swedish", "Turkish", "Ukrainian"}
TAIL_WORDS = re.compile(r"(?:^|\. )([A-Z][a-z]+(?: [A-Z][a-z]+)?)(?=\.)")
TAIL_TYPES = {"Review": "Review", "Comment": "Comment", "Editorial": "Editorial", "Letter": "Letter",
              "Retracted Publication": "Retracted Publication"}


def looks_like(text: str) -> bool:
    """A Summary (text) save: the first paragraph is a numbered citation ending with its
    PMID ("1: … PMID: 28949046; PMCID: PMC5815386.") and does not start with a journal
    and its date (that is an "Abstract (text)" save, whose PMID comes later:
    pubmed_page's). A results page: two results or more, the first before any heading of
    an abstract page."""
    entries = _paragraphs(text[:20000], limit=1)
    if not entries:
        return False
    first = clean_space(entries[0][1]) or ""
    m = ENTRY_START.match(first)
    if m and IDENTIFIERS.search(first) and not CITATION_LINE.match(first[m.end():]):
        return True
    if "PMID:" not in text:
        return False
    lines = text.split("\n")
    return _first_result_before_headings(lines) and len(_results(lines, limit=2)) == 2


def split_records(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each entry of a Summary (text) save: every paragraph (a run of
    non-blank lines), and within one, a line starting with the next number after a line
    ending with a full stop (a save pasted without its blank lines). A results page is
    one piece, the whole text: its results are found by reading lines around each PMID
    line."""
    if not _is_summary_save(text):
        return [(1, text)]
    entries = []
    for first, paragraph in _paragraphs(text):
        lines = paragraph.split("\n")
        starts = [0]
        for k in range(1, len(lines)):
            # the next number, after a line that ends an entry with its full stop
            if lines[k - 1].rstrip().endswith(".") and (m := ENTRY_START.match(lines[k].lstrip())) \
                    and (last := ENTRY_START.match(lines[starts[-1]].lstrip())) and int(m[1]) == int(last[1]) + 1:
                starts.append(k)
        entries += [(first + a, "\n".join(lines[a:b])) for a, b in zip(starts, starts[1:] + [len(lines)])]
    return entries


def _is_summary_save(text: str) -> bool:
    entries = _paragraphs(text[:20000], limit=1)
    return bool(entries) and bool(ENTRY_START.match(entries[0][1].lstrip()))


def _paragraphs(text: str, limit: int | None = None) -> list[tuple[int, str]]:
    """(first line, text) of each run of non-blank lines, as the file has it."""
    found, current, start = [], [], 0
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            found.append((start, "\n".join(current)))
            current = []
            if limit and len(found) >= limit:
                return found
    if current:
        found.append((start, "\n".join(current)))
    return found


def read(text: str):
    if not _is_summary_save(text):
        yield from read_results_page(text)
        return
    yield from read_pieces(split_records(text), parse_entry)


def parse_entry(entry: str) -> PaperRecord:
    """One entry of the save, its lines joined."""
    entry = clean_space(entry) or ""
    m = ENTRY_START.match(entry)
    if not m:
        raise ValueError(f"not a numbered entry ('1: Authors. Title. Journal. Date.'): {entry[:60]!r}")
    body = entry[m.end():]
    marks = list(PMID_MARK.finditer(body))
    ids = IDENTIFIERS.match(body, marks[-1].start()) if marks else None
    if not ids:
        raise ValueError(f"no 'PMID: 28949046' at the end of entry {m.group(1)}: cut short?")
    body = body[: ids.start()].strip()
    authors, rest = _split_authors(body)
    try:
        record = _cited(rest, m.group(1))
    except ValueError:
        if authors is None:
            raise
        authors, record = None, _cited(body, m.group(1))  # what read as authors was the title's start
    record.pmid, record.pmcid = ids.group("pmid"), ids.group("pmcid")
    _add_authors(record, authors)
    return record


def _cited(rest: str, number: str) -> PaperRecord:
    """The record of an entry's title and citation (its authors taken off)."""
    record = PaperRecord(format=FORMAT, title="")
    claims: list[Claim] = []
    if (book := BOOK.match(rest)):
        record.title = book.group("title")
        record.journal_title = book.group("book")
        record.publication_types = ["Book Chapter"]
        year, month, day = parse_date(book.group("date"))
        record.year, record.publication_date = year, iso_date(year, month, day)
    else:
        title, cite = _title_and_citation(rest)
        if cite is None:
            raise ValueError(f"no citation like 'Mov Disord. 2017 Nov;32(11):1537-1545.' in entry {number}")
        record.title = title
        record.journal_abbreviation = clean_space(cite.group("journal"))
        citation_facts(record, claims, cite)
        tail, relations = _relations(cite.group("rest") or "")
        tail_facts(record, claims, tail)
        words = TAIL_WORDS.findall(tail)
        record.publication_types = [TAIL_TYPES[word] for word in words if word in TAIL_TYPES]
        claims.extend(Claim("language", word, "printed after the citation") for word in words if word in LANGUAGES)
        claims.extend(relations)
        if any(c.field == "retraction_in" for c in relations) and "Retracted Publication" not in record.publication_types:
            record.publication_types.append("Retracted Publication")
    if not record.title:
        raise ValueError(f"no title in entry {number}")
    record.claims = claims
    return record


def _relations(tail: str) -> tuple[str, list[Claim]]:
    """The paper's own tail ("doi: …. Epub …."), and a claim for each "Erratum in: …",
    "Retraction in: …" that follows it."""
    marks = list(RELATION.finditer(tail))
    if not marks:
        return tail, []
    claims = []
    for k, mark in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(tail)
        value = tail[mark.end():end].strip().rstrip(".")
        if value:
            claims.append(Claim(RELATION_FIELDS[mark.group(1).lower()], value, f"{mark.group(1)}: after the citation"))
    return tail[: marks[0].start()], claims


def _split_authors(body: str) -> tuple[str | None, str]:
    """("Tewari A, Fremont R, Khodakhah K", the rest) -- or (None, body) when the entry
    starts with its title (a paper without authors). (parse_entry tries again without
    authors when the rest then holds no citation.)"""
    end = AUTHORS_END.search(body)
    if end and _is_author_list(body[: end.start()]):
        return body[: end.start()], body[end.end():]
    return None, body


def _is_author_list(text: str) -> bool:
    """NLM's authors: names ("Bologna M"), groups after "; " and the odd name of one word,
    "et al." at the end; a list of one only when that one is a name or a group."""
    parts = [p.strip() for p in re.split(r"[;,] ", re.sub(r",? et al$", "", text)) if p.strip()]
    kinds = [_kind_of(p) for p in parts]
    if not parts or None in kinds:
        return False
    return "name" in kinds or "group" in kinds if len(parts) > 1 else kinds[0] in ("name", "group")


def _kind_of(part: str) -> str | None:
    if PERSON.fullmatch(part):
        return "name"
    if GROUP.fullmatch(part):
        return "group"
    return "mononym" if MONONYM.fullmatch(part) else None


def _title_and_citation(rest: str):
    """The title and the citation match: the first sentence start after which the text
    reads as 'Journal. Date;vol(issue):pages.' (a title may hold full stops itself)."""
    for start in SOURCE.finditer(rest):
        cite = CITATION_LINE.match(rest[start.end():])
        if cite and clean_space(cite.group("journal")):
            title = rest[: start.start()].strip()
            if title.endswith(".") and not title.endswith(".."):
                title = title[:-1]
            return title, cite
    return None, None


def _add_authors(record: PaperRecord, authors: str | None) -> None:
    """People apart by ", ", groups and runs of people apart by "; " ("… Davies NG; Centre
    for … Working Group; Cook AR, Jit M"), in the order printed."""
    if not authors:
        return
    record.authors_complete = not re.search(r",? et al$", authors)
    authors = re.sub(r",? et al$", "", authors)
    for segment in [g.strip() for g in authors.split(";") if g.strip()]:
        names = [n.strip() for n in segment.split(",") if n.strip()]
        if not GROUP.fullmatch(segment) and all(_kind_of(n) in ("name", "mononym") for n in names):
            record.authors.extend(person for person in map(nlm_author, names) if person)
        elif (person := author(name=segment, group=True)):  # a group: its name as printed
            record.authors.append(person)


# --- a results page copied as text ---
PMID_LINE = re.compile(r"^PMID: ?(?P<pmid>\d+)(?!\d)(?P<flags>.*)$")  # "PMID: 29123945Free PMC article.Review." (Chrome glues the spans)
# Abstract page headings: the results before one of these are the page's "Similar
# articles" or "Cited by", not a list of results.
ABSTRACT_PAGE_HEADINGS = {"PubMed Disclaimer", "Affiliations", "Similar articles", "Cited by", "Full text links",
                          "MeSH terms", "Publication types", "Grants and funding", "Author information",
                          "References", "LinkOut - more resources"}  # not "Abstract": a results page's filters
PAGE_TYPES = {"Review", "Systematic Review", "Meta-Analysis", "Clinical Trial", "Randomized Controlled Trial",
              "Case Reports", "Comparative Study", "Observational Study", "Editorial", "Letter", "Comment",
              "Practice Guideline", "Guideline", "Multicenter Study", "Retracted Publication", "Preprint",
              "Published Erratum", "Clinical Trial Protocol", "Consensus Development Conference"}
FLAG = re.compile(r"([A-Z][A-Za-z-]+(?: [A-Za-z-]+)*)\.")


def _results(lines: list[str], stop_at_heading: bool = False, limit: int | None = None) -> list[int]:
    """Indexes of the PMID lines of results: under a citation line ("Cerebellum. 2017
    Apr;16(2):577-594.") under an author line ("Shakkottai VG, Batla A", "[No authors
    listed]") or a title alone (a result without authors)."""
    found = []
    seen = [clean_space(line) or "" for line in lines]
    for i, line in enumerate(seen):
        if stop_at_heading and line in ABSTRACT_PAGE_HEADINGS:
            break
        if i >= 2 and line.startswith("PMID:") and PMID_LINE.match(line) and _is_citation(seen[i - 1]) \
                and seen[i - 2]:
            found.append(i)
            if limit and len(found) >= limit:
                break
    return found


def _first_result_before_headings(lines: list[str]) -> bool:
    """A result with its author line comes before any heading of an abstract page (the
    legacy results page prints "Similar articles" under each result: after the first)."""
    seen = [clean_space(line) or "" for line in lines]
    return any(_is_author_line(seen[at - 2]) for at in _results(lines, stop_at_heading=True))


def _is_citation(line: str) -> bool:
    if line.startswith("In: "):  # a chapter's: "In: Adam MP, …, editors. GeneReviews® [Internet]. …; 1993-2025. 2003 Oct 28."
        return bool(BOOK_DATE.search(line))
    return "." in line and bool(YEAR.search(line)) and not line.startswith(".") and bool(CITATION_LINE.match(line))


def _is_author_line(line: str) -> bool:
    line = line[:-1] if line.endswith(".") else line
    return _is_author_list(line)


def read_results_page(text: str):
    """The results of a page, in page order; one that cannot be read (no title above its
    authors) is a RecordError in its place."""
    lines = text.split("\n")
    seen = [clean_space(line) or "" for line in lines]
    results = set(_results(lines))
    if not results:
        raise ValueError("no results: no 'PMID: 27734238' line under a citation line and an author line")
    # every PMID line of a results page is a result's: one whose citation is not read is
    # an error in its place, not a result left out without a word
    pmid_lines = [i for i, line in enumerate(seen) if line.startswith("PMID:") and PMID_LINE.match(line)]
    for position, at in enumerate(pmid_lines, 1):
        if at not in results:
            yield RecordError(position=position, line=at + 1,
                              reason=f"result {position}: no citation line ('Cerebellum. 2017 Apr;16(2):577-594.') "
                                     f"above its PMID line: {seen[at - 1][:60]!r}")
            continue
        above = seen[at - 2]
        if above == "[No authors listed]" or _is_author_line(above):
            title_at = next((k for k in range(at - 3, max(at - 6, -1), -1) if seen[k] and not _is_separator(seen[k])),
                            None)
        elif at < 3 or _is_separator(seen[at - 3]):
            title_at = at - 2  # a result without authors: its title over its citation
        else:
            yield RecordError(position=position, line=at - 1,
                              reason=f"result {position}: no author line ('Shakkottai VG, Batla A.') above its "
                                     f"citation: {above[:60]!r}")
            continue
        if title_at is None or PMID_LINE.match(seen[title_at]):
            yield RecordError(position=position, line=at + 1, reason=f"no title above result {position}'s authors")
            continue
        yield _page_result(seen, title_at, at, authors=None if title_at == at - 2 else above)


def _is_separator(line: str) -> bool:
    """What stands between results: their number ("2", legacy "2."), the buttons,
    "Select item 28949046", the last result's PMID line, a blank line."""
    return not line or line.rstrip(".").isdigit() or line in ("Cite", "Share", "Similar articles") \
        or line.startswith("Select item ") or bool(PMID_LINE.match(line))


def _page_result(seen: list[str], title_at: int, at: int, authors: str | None) -> PaperRecord:
    title = seen[title_at]
    if title.endswith(".") and not title.endswith(".."):
        title = title[:-1]
    pmid = PMID_LINE.match(seen[at])
    record = PaperRecord(format=FORMAT, title=title, pmid=pmid.group("pmid"), line=title_at + 1)
    claims: list[Claim] = []
    tail = ""
    if seen[at - 1].startswith("In: "):  # a book chapter: its book is the journal, as in the MEDLINE reader
        record.publication_types = ["Book Chapter"]
        if (book := BOOK_TITLE.match(seen[at - 1])):
            record.journal_title = book.group("book")
        year, month, day = parse_date(BOOK_DATE.search(seen[at - 1]).group("date"))
        record.year, record.publication_date = year, iso_date(year, month, day)
    else:
        cite = CITATION_LINE.match(seen[at - 1])
        record.journal_abbreviation = clean_space(cite.group("journal"))
        citation_facts(record, claims, cite)
        tail = cite.group("rest") or ""
        tail_facts(record, claims, tail)
    printed = pmid.group("flags") + " " + tail
    flags = [f.strip() for f in FLAG.findall(printed + ".")]
    if re.search(r"\bFree (?:PMC )?[Aa]rticle\b|\bFree Books & Documents\b", printed):
        record.is_open_access = True
    record.publication_types += [f for f in flags if f in PAGE_TYPES]
    claims.extend(Claim("language", f, "printed beside the PMID") for f in flags if f in LANGUAGES)
    if authors and authors != "[No authors listed]":
        _add_authors(record, authors[:-1] if authors.endswith(".") else authors)
    record.claims = claims
    return record
