"""Format: PubMed XML, as efetch (db=pubmed, retmode=xml) and PubMed's "Download XML"
give it: a <PubmedArticleSet> of <PubmedArticle> (and <PubmedBookArticle>) elements,
NLM's DTD (https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_*.dtd) named but never loaded.

Each record is parsed on its own (common.parse_xml: entities never expanded, nothing
fetched), cut from the text at its start and end tags: that keeps memory to one record,
a broken record becomes a RecordError while the others load, and split_records can
share a big file among the workers. The cut is exact because "<PubmedArticle" can only
be a tag where the file has no comment, CDATA section or processing instruction (text
and attribute values escape "<"); a file that has one is parsed whole instead.
"""

from __future__ import annotations

import re

from ..normalize import clean_paragraphs, clean_space, expand_pages, iso_date, normalize_doi
from ..records import Claim, Grant, MeshTerm, PaperRecord, RecordError, Reference
from .pubmed_page import reference_from_text
from .common import (
    ENTITIES_REFUSED, author, digits, element_text, first_element, orcid, parse_date, parse_xml, pmcid_of,
)

NAME = FORMAT = "pubmed_xml"
TRUST = 0

ROOTS = ("PubmedArticleSet", "PubmedArticle", "PubmedBookArticle")
RECORD_TAG = re.compile(r"<(PubmedArticle|PubmedBookArticle)[\s>]")
# Where a record starts in the file's bytes, for the build to cut a big file in parts
# (only when byte_parts_allowed says the file may be cut so)
RECORD_START = re.compile(rb"(?=<(?:PubmedArticle|PubmedBookArticle)[\s>])")
# what a record's text can never hold but a comment, CDATA section or PI can
UNCUTTABLE = ("<!--", "<![CDATA[", "<?")
# Where one efetch page ends and the next begins, in pages saved one after the other:
# the end of a set, the next page's XML declaration and doctype (no internal subset:
# one that declares entities leaves the file uncuttable, and refused whole), a new set.
JOINT = re.compile(r"</PubmedArticleSet>\s*(?:<\?xml[^?>]*\?>\s*)?(?:<!DOCTYPE[^>\[]*>\s*)?<PubmedArticleSet\s*>")


def looks_like(text: str) -> bool:
    """The first element (after the XML declaration, doctype and comments) is a
    PubmedArticleSet, or a lone PubmedArticle / PubmedBookArticle."""
    m = first_element(text)
    return m is not None and m.group(1) in ROOTS


def split_records(text: str) -> list[tuple[int, str]]:
    """(first line, text) of each record; the whole text when it cannot be cut exactly,
    or when its prolog is refused (a broken XML declaration, entities declared): read
    whole it is rejected, and so its pieces must give no record either."""
    pieces = _pieces(text)
    if pieces is None:
        return [(1, text)]
    try:
        _check_prolog(text[: RECORD_TAG.search(text).start()])
    except ValueError:
        return [(1, text)]
    return pieces


def byte_parts_allowed(data) -> bool:
    """Whether the file's bytes (a big file, mapped) may be read in parts cut at its
    records, each part alone: as split_records would cut the whole text. Not when its
    prolog is refused (entities declared) or declares namespaces, nor when a comment,
    CDATA section or processing instruction lies past its XML declaration (the file is
    then parsed whole, and refused whole if it must be)."""
    first = RECORD_START.search(data)
    if first is None:
        return False
    try:
        prolog = data[: first.start()].decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if "xmlns" in prolog.split("<PubmedArticleSet", 1)[-1]:
        return False
    try:
        _check_prolog(prolog)
    except ValueError:
        return False
    after_declaration = prolog.find("?>") + 2 if prolog.lstrip().startswith("<?xml") else 0
    return not any(data.find(mark.encode(), after_declaration) >= 0 for mark in UNCUTTABLE) \
        and data.find(b"<PubmedArticleSet", data.find(b"<PubmedArticleSet") + 1) < 0  # pages saved one after another


def _check_prolog(prolog: str) -> None:
    """The text before the first record checked as parse_xml checks a file (ValueError):
    a broken XML declaration, a doctype declaring entities are refused."""
    if "<!ENTITY" in prolog:
        raise ValueError(ENTITIES_REFUSED)
    parse_xml(prolog + ("</PubmedArticleSet>" if "<PubmedArticleSet" in prolog else "<PubmedArticleSet/>"))


def _pieces(text: str) -> list[tuple[int, str]] | None:
    """The records' texts with the line each starts on, or None when the file must be
    parsed whole (a comment, CDATA or PI after the XML declaration; namespaces declared
    on the set, which the records would need)."""
    first = RECORD_TAG.search(text)
    if first is None:
        return None
    prolog = text[: first.start()]
    # past the XML declaration, as a comment before the set could hold "<PubmedArticle>" too;
    # the joints of efetch pages saved one after the other hold no record
    after_declaration = text.find("?>") + 2 if text.lstrip().startswith("<?xml") else 0
    if text.count("<PubmedArticleSet", first.start()) > 0:  # several sets: their joints taken out
        checked = JOINT.sub("", text[after_declaration:])
        uncuttable = any(mark in checked for mark in UNCUTTABLE)
    else:
        uncuttable = any(text.find(mark, after_declaration) >= 0 for mark in UNCUTTABLE)
    if uncuttable or "xmlns" in prolog.split("<PubmedArticleSet", 1)[-1]:
        return None
    pieces, line, at = [], prolog.count("\n") + 1, first.start()
    while (m := RECORD_TAG.search(text, at)) is not None:
        line += text.count("\n", at, m.start())
        end_tag = f"</{m.group(1)}>"
        end = text.find(end_tag, m.end())
        following = RECORD_TAG.search(text, m.end())
        if end < 0 or (following is not None and following.start() < end):
            end = following.start() if following else len(text)  # unclosed: parsing it says why
        else:
            end += len(end_tag)
        pieces.append((line, text[m.start():end]))
        line += text.count("\n", m.start(), end)
        at = end
    return pieces


def read(text: str):
    first = RECORD_TAG.search(text)
    prolog = text[: first.start()] if first else text
    if "<!ENTITY" in prolog:
        raise ValueError(ENTITIES_REFUSED)
    pieces = _pieces(text)
    if pieces is None:
        yield from _read_whole(text)
        return
    _check_prolog(prolog)
    for position, (line, piece) in enumerate(pieces, 1):
        try:
            element = parse_xml(piece)
        except ValueError as e:
            yield RecordError(position, line, _shift_lines(str(e), line - 1))
            continue
        yield _record_or_error(element, position, line)


def _read_whole(text: str):
    root = parse_xml(text)
    if root.tag == "PubmedArticleSet":
        elements = [e for e in root if e.tag in ("PubmedArticle", "PubmedBookArticle")]
        if not elements:
            raise ValueError("a PubmedArticleSet with no PubmedArticle")
    elif root.tag in ("PubmedArticle", "PubmedBookArticle"):
        elements = [root]
    else:
        raise ValueError(f"not PubMed XML: the root element is <{root.tag}>")
    for position, element in enumerate(elements, 1):
        yield _record_or_error(element, position, element.sourceline)


def _shift_lines(message: str, offset: int) -> str:
    """parse_xml's 'invalid XML at line 3, ...' of a record's text, with lines of the file."""
    return re.sub(r"\bline (\d+)", lambda m: f"line {int(m.group(1)) + offset}", message)


def _record_or_error(element, position: int, line: int):
    try:
        record = read_book(element) if element.tag == "PubmedBookArticle" else read_article(element)
    except ValueError as e:
        return RecordError(position, line, str(e))
    record.line = line
    return record


def _text(element, path: str) -> str | None:
    found = element.find(path) if element is not None else None
    return element_text(found)


def read_article(element) -> PaperRecord:
    if element.tag != "PubmedArticle":
        raise ValueError(f"expected a PubmedArticle, found <{element.tag}>")
    citation = element.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    data = element.find("PubmedData")
    pmid = _text(citation, "PMID")
    title = _text(article, "ArticleTitle") or _text(article, "VernacularTitle")
    if not title and not pmid:
        raise ValueError("a PubmedArticle with neither ArticleTitle nor PMID")
    record = PaperRecord(format=FORMAT, title=title or "", pmid=digits(pmid))
    claims: list[Claim] = []
    _ids(record, data)
    if record.doi is None and article is not None:
        for location in article.findall("ELocationID"):
            if location.get("EIdType") == "doi" and location.get("ValidYN", "Y") == "Y":
                record.doi = normalize_doi(element_text(location))
                break
    if article is not None:
        journal = article.find("Journal")
        record.journal_title = _text(journal, "Title")
        # the NLM title abbreviation, as the PubMed page and MEDLINE (TA) print it
        record.journal_abbreviation = (_text(citation, "MedlineJournalInfo/MedlineTA")
                                       or _text(journal, "ISOAbbreviation"))
        issn = _text(journal, "ISSN")
        record.issns = [issn] if issn else []
        record.volume = _text(journal, "JournalIssue/Volume")
        record.issue = _text(journal, "JournalIssue/Issue")
        year, month, day = _date(journal.find("JournalIssue/PubDate") if journal is not None else None)
        record.year, record.publication_date = year, iso_date(year, month, day)
        for date in article.findall("ArticleDate"):
            if date.get("DateType", "Electronic") == "Electronic":
                record.epub_date = iso_date(*_date(date))
        record.pages = _pages(article.find("Pagination"))
        record.abstract, record.copyright = _abstract(article.find("Abstract"))
        record.authors, record.authors_complete = _authors(article.find("AuthorList"))
        record.publication_types = _unique(element_text(t)
                                           for t in article.iterfind("PublicationTypeList/PublicationType"))
        record.grants = [_grant(g) for g in article.iterfind("GrantList/Grant")]
        record.grants = [g for g in record.grants if g.text]
        if vernacular := _text(article, "VernacularTitle"):
            claims.append(Claim("vernacular_title", vernacular, "the title in the article's own language"))
        for language in article.iterfind("Language"):
            if lang := element_text(language):
                claims.append(Claim("language", lang, "PubMed Language"))
    record.issn_l = _text(citation, "MedlineJournalInfo/ISSNLinking")
    if citation is not None:
        record.mesh_terms = _mesh(citation.find("MeshHeadingList"))
        record.keywords = _unique(element_text(k) for k in citation.iterfind("KeywordList/Keyword"))
        if coi := element_text(citation.find("CoiStatement")):
            claims.append(Claim("conflict_of_interest", coi, "CoiStatement"))
        claims += _relations(citation)
    record.references = _references(data, citation)
    status = _text(data, "PublicationStatus")
    if status == "aheadofprint":
        claims.append(Claim("status", "Online ahead of print", "PublicationStatus aheadofprint"))
    record.claims = claims
    return record


def read_book(element) -> PaperRecord:
    """A book or a chapter of one (StatPearls, GeneReviews): what maps onto a paper.
    The book's title goes to the journal title of a chapter, as it is where the
    chapter appears."""
    document = element.find("BookDocument")
    if document is None:
        raise ValueError("a PubmedBookArticle without BookDocument")
    book = document.find("Book")
    pmid = _text(document, "PMID")
    chapter = _text(document, "ArticleTitle")
    book_title = _text(book, "BookTitle")
    title = chapter or book_title or _text(document, "VernacularTitle")
    if not title and not pmid:
        raise ValueError("a PubmedBookArticle with neither a title nor a PMID")
    record = PaperRecord(format=FORMAT, title=title or "", pmid=digits(pmid))
    _ids(record, element.find("PubmedBookData"))
    for ids in (document, book):
        for article_id in ids.iterfind("ArticleIdList/ArticleId") if ids is not None else []:
            if article_id.get("IdType") == "doi" and record.doi is None:
                record.doi = normalize_doi(element_text(article_id))
    if chapter:
        record.journal_title = book_title
    year, month, day = _date(book.find("PubDate") if book is not None else None)
    record.year, record.publication_date = year, iso_date(year, month, day)
    record.abstract, record.copyright = _abstract(document.find("Abstract"))
    lists = [a for a in document.findall("AuthorList") + (book.findall("AuthorList") if book is not None else [])
             if a.get("Type", "authors") == "authors"]
    record.authors, record.authors_complete = _authors(lists[0] if lists else None)
    # the XML lists a book's PublicationType ("Review") but not what PubMed's MEDLINE export
    # of the same record says it is: "Book Chapter" for a chapter, "Book" for a whole book
    kind = "Book Chapter" if chapter else "Book"
    record.publication_types = _unique([*(element_text(t) for t in document.iterfind("PublicationType")), kind])
    record.keywords = _unique(element_text(k) for k in document.iterfind("KeywordList/Keyword"))
    record.grants = [g for g in (_grant(g) for g in document.iterfind("GrantList/Grant")) if g.text]
    claims = []
    if publisher := _text(book, "Publisher/PublisherName"):
        claims.append(Claim("publisher", publisher, "publisher of the book"))
    for article_id in document.iterfind("ArticleIdList/ArticleId"):
        if article_id.get("IdType") == "bookaccession" and (value := element_text(article_id)):
            claims.append(Claim("bookaccession", value, "NCBI Bookshelf accession"))
    record.claims = claims
    record.references = _references(document, None)
    return record


def _ids(record: PaperRecord, data) -> None:
    """The record's own identifiers (PubmedData/ArticleIdList, not the references')."""
    for article_id in data.iterfind("ArticleIdList/ArticleId") if data is not None else []:
        kind, value = article_id.get("IdType"), element_text(article_id)
        if not value:
            continue
        if kind == "doi" and record.doi is None:
            record.doi = normalize_doi(value)
        elif kind == "pubmed" and record.pmid is None and digits(value):
            record.pmid = digits(value)
        elif kind == "pmc" and record.pmcid is None and value:
            record.pmcid = pmcid_of(value)


def _date(element) -> tuple:
    """(year, month, day) of a PubDate / ArticleDate: Year, Month ("Dec" or "12"), Day;
    a Season ("Spring": the year alone); or a MedlineDate ("1998 Dec-1999 Jan")."""
    if element is None:
        return None, None, None
    medline_date = _text(element, "MedlineDate")
    if medline_date:
        return parse_date(medline_date)
    parts = [_text(element, name) for name in ("Year", "Month", "Day")]
    if parts[1] is None and (season := _text(element, "Season")):
        parts[1] = season
    return parse_date(" ".join(p for p in parts if p))


def _pages(pagination) -> str | None:
    if pagination is None:
        return None
    if medline_pages := _text(pagination, "MedlinePgn"):
        return expand_pages(medline_pages)
    first, last = _text(pagination, "StartPage"), _text(pagination, "EndPage")
    if first:
        return expand_pages(f"{first}-{last}" if last and last != first else first)
    return None


def _abstract(abstract) -> tuple[str | None, str | None]:
    """Paragraphs of the abstract, a structured one's as "Label: text" (as the PubMed
    page prints them), blank lines between; and its copyright line."""
    if abstract is None:
        return None, None
    paragraphs = []
    for part in abstract.findall("AbstractText"):
        text, label = element_text(part), clean_space(part.get("Label"))
        if text:
            paragraphs.append(f"{label}: {text}" if label else text)
    return clean_paragraphs("\n\n".join(paragraphs)), _text(abstract, "CopyrightInformation")


def _authors(author_list) -> tuple[list, bool]:
    if author_list is None:
        return [], True
    authors = []
    for person in author_list.findall("Author"):
        if person.get("ValidYN", "Y") == "N":  # a name PubMed marks as wrong (corrected by an erratum)
            continue
        affiliations = [element_text(a) for a in person.iterfind("AffiliationInfo/Affiliation")]
        orcid_id = next((orcid(element_text(i)) for i in person.findall("Identifier")
                         if (i.get("Source") or "").upper() == "ORCID"), None)
        collective = _text(person, "CollectiveName")
        if collective:
            found = author(name=collective, group=True)
        else:
            family = _text(person, "LastName")
            given = _text(person, "ForeName") or _text(person, "Initials")
            suffix = _text(person, "Suffix")
            display = " ".join(p for p in (given, family, suffix) if p) if suffix and family else None
            found = author(family=family, given=given, name=display, orcid_id=orcid_id,
                           affiliations=[a for a in affiliations if a])
        if found:
            authors.append(found)
    return authors, author_list.get("CompleteYN", "Y") != "N"


def _mesh(heading_list) -> list[MeshTerm]:
    """One MeshTerm a qualifier (major when either the descriptor or the qualifier is
    a major topic); a descriptor without qualifiers is one MeshTerm."""
    terms = []
    for heading in heading_list.findall("MeshHeading") if heading_list is not None else []:
        descriptor = heading.find("DescriptorName")
        term = element_text(descriptor)
        if not term:
            continue
        major = descriptor.get("MajorTopicYN") == "Y"
        qualifiers = heading.findall("QualifierName")
        if not qualifiers:
            terms.append(MeshTerm(term=term, major=major))
        for qualifier in qualifiers:
            terms.append(MeshTerm(term=term, qualifier=element_text(qualifier),
                                  major=major or qualifier.get("MajorTopicYN") == "Y"))
    return terms


def _grant(grant) -> Grant:
    """The parts PubMed gives, and the text its page prints: the parts joined by "/"
    ("R01 NS088528/NS/NINDS NIH HHS/United States")."""
    parts = [_text(grant, name) for name in ("GrantID", "Acronym", "Agency", "Country")]
    return Grant(text="/".join(p for p in parts if p), grant_id=parts[0], acronym=parts[1], agency=parts[2],
                 country=parts[3])


RELATIONS = {"CommentIn": "comment_in", "CommentOn": "comment_on", "ErratumIn": "erratum_in",
             "ErratumFor": "erratum_for", "RetractionIn": "retraction_in", "RetractionOf": "retraction_of",
             "UpdateIn": "update_in", "UpdateOf": "update_of", "ExpressionOfConcernIn": "expression_of_concern_in",
             "RepublishedIn": "republished_in", "RepublishedFrom": "republished_from"}


def _relations(citation) -> list[Claim]:
    """Comments, errata, retractions and updates, with the field names the PubMed page
    reader gives them."""
    claims = []
    for item in citation.iterfind("CommentsCorrectionsList/CommentsCorrections"):
        key = RELATIONS.get(item.get("RefType"))
        source = _text(item, "RefSource")
        if key and source:
            pmid = _text(item, "PMID")
            claims.append(Claim(key, f"{source} PMID: {pmid}" if pmid else source,
                                f"CommentsCorrections {item.get('RefType')}"))
    return claims


def _references(data, citation) -> list[Reference]:
    """PubmedData's ReferenceList (nested lists too); older records list what they
    cite as CommentsCorrections RefType="Cites" instead."""
    references = []
    for reference in data.iter("Reference") if data is not None else []:
        text = _text(reference, "Citation")
        if not text:
            continue
        ref = reference_from_text(len(references) + 1, text)  # the parts the text's shape allows
        ids = {}  # the first id of each kind, which the text's own (if any) gives way to
        for article_id in reference.iterfind("ArticleIdList/ArticleId"):
            kind, value = article_id.get("IdType"), element_text(article_id)
            if kind == "doi" and "doi" not in ids and normalize_doi(value):
                ids["doi"] = normalize_doi(value)
            elif kind == "pubmed" and "pubmed" not in ids and digits(value):
                ids["pubmed"] = digits(value)
        ref.doi, ref.pmid = ids.get("doi", ref.doi), ids.get("pubmed", ref.pmid)
        references.append(ref)
    if not references and citation is not None:
        for item in citation.iterfind("CommentsCorrectionsList/CommentsCorrections"):
            if item.get("RefType") == "Cites" and (text := _text(item, "RefSource")):
                pmid = _text(item, "PMID")
                references.append(Reference(position=len(references) + 1, citation=text,
                                            pmid=digits(pmid)))
    return references


def _unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))
