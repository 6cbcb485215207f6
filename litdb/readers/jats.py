"""Format: a JATS XML article, as publishers deliver it and PMC serves it (the Open
Access .nxml files, efetch db=pmc and the PMC OAI service). One <article> a file, or a
<pmc-articleset> (efetch) or an OAI-PMH response holding several: one record each.

Parsed with common.parse_xml (lxml, entities never expanded, nothing fetched). Real
JATS files use named entities (&nbsp;, &mdash;) that their external DTD declares; as
the DTD is never loaded they stay entity references, turned here into the characters
HTML5 names (common.element_text). The PMC OAI service puts the article in the JATS
namespace: tags are read by their local name.
"""

from __future__ import annotations

import re

from ..normalize import clean_paragraphs, expand_pages, iso_date, normalize_doi
from ..records import Claim, Grant, PaperRecord, RecordError, Reference
from .common import (publication_type, author, author_from_display, author_from_inverted, digits, element_text, only_prolog,
                     parse_date, parse_xml, pmcid_of)

NAME = FORMAT = "jats"
TRUST = 1

# The root of a JATS article, of efetch db=pmc's wrapper, or of an OAI-PMH answer;
# the article of OAI-PMH must hold its JATS front matter to be ours.
ROOT = re.compile(r"<(?:[A-Za-z][\w.-]*:)?(article|pmc-articleset|OAI-PMH)[\s>]")
JATS_MARKS = ("<front", "<article-meta", "<journal-meta", "JATS", "-//NLM//DTD")


def looks_like(text: str) -> bool:
    """The first element is <article> (or a PMC article set / OAI-PMH answer) and the
    start holds JATS front matter or a JATS/NLM doctype."""
    head = text[:8192]
    m = ROOT.search(head)
    if not m or not only_prolog(head[: m.start()]):
        return False
    return any(mark in head for mark in JATS_MARKS) and (m.group(1) != "OAI-PMH" or "<article" in text[:20000])


def read(text: str):
    root = parse_xml(text)
    _strip_namespaces(root)
    if root.tag == "article":
        articles = [root]
    else:
        # efetch's <pmc-articleset>, or OAI-PMH's GetRecord/ListRecords: every article
        # that is not inside another one (sub-articles are parts of theirs).
        articles = [a for a in root.iter("article") if not any(p.tag == "article" for p in a.iterancestors())]
        if not articles:
            raise ValueError(f"no <article> in the <{root.tag}>")
    for position, article in enumerate(articles, 1):
        try:
            record = read_article(article)
        except ValueError as e:
            if len(articles) == 1:
                raise
            yield RecordError(position, article.sourceline, str(e))
            continue
        record.line = article.sourceline if len(articles) > 1 else None
        yield record


def _strip_namespaces(root) -> None:
    """Tags by their local names: OAI-PMH puts the article in the JATS namespace, and
    MathML keeps its prefix; attributes (xlink:href, xml:lang) keep theirs."""
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith("{"):
            element.tag = element.tag.rsplit("}", 1)[1]


def _first(element, path: str):
    return element.find(path) if element is not None else None


def _text_at(element, path: str) -> str | None:
    return element_text(_first(element, path))


def read_article(article) -> PaperRecord:
    front = article.find("front")
    meta = _first(front, "article-meta")
    if meta is None:
        raise ValueError("a JATS article without <front>/<article-meta>")
    journal = _first(front, "journal-meta")
    # footnote and affiliation marks ("*", "†") are no part of a title
    title = element_text(_first(meta, "title-group/article-title"), skip=("xref", "fn"))
    record = PaperRecord(format=FORMAT, title=title or "")
    claims: list[Claim] = []

    for article_id in meta.findall("article-id"):
        kind, value = article_id.get("pub-id-type"), element_text(article_id)
        if kind == "doi" and not record.doi:
            record.doi = normalize_doi(value)
        elif kind == "pmid" and digits(value):
            record.pmid = digits(value)
        elif kind in ("pmc", "pmcid") and pmcid_of(value):
            record.pmcid = pmcid_of(value)
    if not record.title and not (record.doi or record.pmid or record.pmcid):
        raise ValueError("a JATS article with no title and no DOI, PMID or PMCID")

    # Journal: full title, NLM abbreviation (the journal-id PMC names nlm-ta), ISSNs.
    record.journal_title = _text_at(journal, "journal-title-group/journal-title") or _text_at(journal, "journal-title")
    ids = {j.get("journal-id-type"): element_text(j)
           for j in (journal.findall("journal-id") if journal is not None else [])}
    record.journal_abbreviation = (ids.get("nlm-ta") or ids.get("iso-abbrev")
                                   or _text_at(journal, "journal-title-group/abbrev-journal-title")
                                   or _text_at(journal, "abbrev-journal-title"))
    for issn in journal.findall("issn") if journal is not None else []:
        value = element_text(issn)
        if value and re.fullmatch(r"\d{4}-?\d{3}[\dXx]", value):
            value = f"{value[:4]}-{value[-4:]}".upper()
            if issn.get("pub-type") == "issn-l" or issn.get("publication-format") == "linking":
                record.issn_l = value
            elif value not in record.issns:
                record.issns.append(value)
    if journal is not None and (linking := _text_at(journal, "issn-l")):
        record.issn_l = linking

    _dates(record, meta)
    record.volume = _text_at(meta, "volume")
    record.issue = _text_at(meta, "issue")
    first, last = _text_at(meta, "fpage"), _text_at(meta, "lpage")
    if first:
        record.pages = expand_pages(f"{first}-{last}" if last and last != first else first)
    else:
        # an article number stands where the pages would ("e46493"), as PubMed prints it
        record.pages = _text_at(meta, "elocation-id") or _text_at(meta, "page-range")

    record.authors = _authors(meta)
    record.abstract = _abstract(meta)
    record.keywords = _keywords(meta, article.get("{http://www.w3.org/XML/1998/namespace}lang", "en"))
    record.publication_types = publication_type(article.get("article-type"))
    record.copyright = _text_at(meta, "permissions/copyright-statement")
    licence = _first(meta, "permissions/license")
    if licence is not None:
        url = licence.get(XLINK_HREF) or _text_at(licence, "license_ref") or _licence_link(licence)
        if url:
            claims.append(Claim("license", url, "licence of the article (JATS permissions)"))
    record.grants = _grants(meta)
    record.references = _references(article.find("back"))
    record.claims = claims
    return record


XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
LICENCE_URL = re.compile(r"^https?://(?:www\.)?creativecommons\.org/(?:licenses|publicdomain)/\S+$", re.IGNORECASE)


def _licence_link(licence) -> str | None:
    """BMC and PMC name the licence only in its text: <license-p>... <ext-link
    ext-link-type="uri" xlink:href="http://creativecommons.org/licenses/by/4.0/">; the
    first such link (or <uri>) that is a Creative Commons licence or public domain URL:
    BMC names the article's licence first, then the CC0 waiver that covers its data.
    Other links in the text (the publisher's terms) are no licence URL."""
    for link in licence.iter("ext-link", "uri"):
        url = (link.get(XLINK_HREF) or element_text(link) or "").strip()
        if LICENCE_URL.match(url):
            return url
    return None


def _dates(record: PaperRecord, meta) -> None:
    """The issue's date (print, else the collection, else the electronic one) and the
    electronic date. JATS 1.0 names them by pub-type; 1.1 and later by date-type and
    publication-format."""
    found: dict[str, tuple] = {}
    for pub_date in meta.findall("pub-date"):
        kind = pub_date.get("pub-type") or pub_date.get("date-type") or "pub"
        medium = pub_date.get("publication-format")
        if kind == "pub":
            kind = {"electronic": "epub", "print": "ppub"}.get(medium, "ppub")
        date = _date(pub_date)
        if date[0] is not None:
            found.setdefault(kind, date)
    issue_date = next((found[k] for k in ("ppub", "collection", "epub-ppub", "epub") if k in found), None)
    if issue_date:
        record.year = issue_date[0]
        record.publication_date = iso_date(*issue_date)
    if "epub" in found:
        record.epub_date = iso_date(*found["epub"])


def _date(element) -> tuple:
    """(year, month, day) of a JATS date: its iso-8601-date attribute, else its parts
    (a season such as "Spring" or "Jan-Feb" gives its year, or its first month)."""
    if element.get("iso-8601-date"):
        date = parse_date(element.get("iso-8601-date"))
        if date[0] is not None:
            return date
    parts = [_text_at(element, name) for name in ("year", "month", "day")]
    if parts[1] is None and (season := _text_at(element, "season")):
        parts[1] = season.split("-")[0]
    return parse_date(" ".join(p for p in parts if p))


def _authors(meta) -> list:
    """Authors of the article's contrib-groups; affiliations from the <aff> their
    <xref ref-type="aff"> point at, or held inside the contrib itself."""
    affs = {aff.get("id"): _aff_text(aff) for aff in meta.iter("aff") if aff.get("id")}
    contribs = [c for group in meta.findall("contrib-group") for c in group.findall("contrib")
                if c.get("contrib-type", "author").lower() == "author"]
    referenced = {rid for c in meta.iter("contrib") for x in c.iter("xref") if x.get("ref-type") == "aff"
                  for rid in (x.get("rid") or "").split()}
    # An article with one list of affiliations and no links to them: they are every author's.
    shared = [text for aff in meta.iter("aff") if aff.get("id") not in referenced
              and not any(p.tag == "contrib" for p in aff.iterancestors()) and (text := _aff_text(aff))]
    anyone_linked = any(rid in affs for rid in referenced)
    authors = []
    for contrib in contribs:
        texts = [_aff_text(aff) for aff in contrib.findall("aff")]
        for xref in contrib.findall("xref"):
            if xref.get("ref-type") == "aff":
                texts += [affs[rid] for rid in (xref.get("rid") or "").split() if rid in affs]
        if not texts and not anyone_linked:
            texts = shared
        orcid_id = next((element_text(i) for i in contrib.findall("contrib-id")
                         if (i.get("contrib-id-type") or "").lower() == "orcid"), None)
        orcid_id = orcid_id or next((element_text(u) for u in contrib.findall("uri")
                                     if "orcid" in (element_text(u) or "")), None)
        texts = list(dict.fromkeys(t for t in texts if t))
        collab = contrib.find("collab")
        if collab is not None:
            # a consortium may list its members inside itself: only its own name counts
            found = author(name=element_text(collab, skip=("contrib-group", "xref", "sup")), group=True)
        else:
            name = contrib.find("name")
            string_name = contrib.find("string-name")
            if name is None and string_name is not None and string_name.find("surname") is not None:
                name = string_name  # "<string-name><given-names>Ana</given-names> <surname>da Silva</surname>"
            if name is None and contrib.find("name-alternatives") is not None:
                options = contrib.findall("name-alternatives/name")
                name = next((n for n in options if n.get("name-style") in (None, "western")),
                            options[0] if options else None)
            if name is not None:
                family, given = _text_at(name, "surname"), _text_at(name, "given-names")
                suffix = _text_at(name, "suffix")
                display = " ".join(p for p in (given, family, suffix) if p) if suffix else None
                found = author(family=family, given=given, name=display, orcid_id=orcid_id, affiliations=texts)
            else:
                # a bare string-name is a display name: "Mark Hallett" (or "Hallett, Mark")
                printed = _text_at(contrib, "string-name") or ""
                split = author_from_inverted if "," in printed else author_from_display
                found = split(printed, orcid_id=orcid_id, affiliations=texts)
        if found:
            authors.append(found)
    return authors


def _aff_text(aff) -> str | None:
    """An affiliation as printed, without its label ("1", "a") and the ids of its
    institution (a ROR or Ringgold id is no text)."""
    return element_text(aff, skip=("label", "sup", "institution-id", "email", "fn"), parts_of=AFF_PARTS)


AFF_PARTS = {"institution", "institution-wrap", "addr-line", "city", "state", "postal-code", "country"}


def _abstract(meta) -> str | None:
    """The article's abstract (not a graphical abstract, teaser or digest): its
    paragraphs, each section's paragraphs after "Title: ", blank lines between."""
    abstracts = meta.findall("abstract")
    chosen = next((a for a in abstracts if a.get("abstract-type") in (None, "abstract", "structured")), None)
    if chosen is None:
        return None
    paragraphs: list[str] = []
    for child in chosen:
        if child.tag == "sec":
            title = _text_at(child, "title")
            texts = [t for p in child if p.tag != "title" and p.tag != "label" and (t := element_text(p))]
            if texts:
                first = f"{title.rstrip(':')}: {texts[0]}" if title else texts[0]
                paragraphs += [first] + texts[1:]
        elif child.tag not in ("title", "label", "object-id") and (t := element_text(child)):
            paragraphs.append(t)
    return clean_paragraphs("\n\n".join(paragraphs))


def _keywords(meta, language: str) -> list[str]:
    """Keywords of the article's language; lists of abbreviations are no keywords."""
    words: list[str] = []
    for group in meta.findall("kwd-group"):
        lang = group.get("{http://www.w3.org/XML/1998/namespace}lang", language)
        if (lang.split("-")[0].lower() != language.split("-")[0].lower()
                or "abbrev" in (group.get("kwd-group-type") or "")):
            continue
        for kwd in group.iter("kwd"):
            if (word := element_text(kwd)) and word not in words:
                words.append(word)
    return words


def _grants(meta) -> list[Grant]:
    grants = []
    for award in meta.iter("award-group"):
        agency = element_text(award.find("funding-source"), skip=("institution-id",))
        for award_id in award.findall("award-id") or [None]:
            grant_id = element_text(award_id)
            if grant_id or agency:
                grants.append(Grant(text="/".join(p for p in (grant_id, agency) if p), grant_id=grant_id,
                                    agency=agency))
    return grants


CITATIONS = ("mixed-citation", "element-citation", "citation", "nlm-citation")


def _references(back) -> list[Reference]:
    if back is None:
        return []
    references = []
    for ref in back.iter("ref"):
        cited = next((c for c in ref.iter(*CITATIONS)), None)
        if cited is None:
            continue
        reference = Reference(position=len(references) + 1, citation="")
        names = []
        for person_group in cited.findall("person-group"):
            if person_group.get("person-group-type", "author") == "author":
                names += [n for n in (_cited_name(n) for n in person_group) if n]
        names += [n for n in (_cited_name(n) for n in cited if n.tag in ("name", "string-name", "collab")) if n]
        if names:
            reference.authors = ", ".join(names) + (" et al" if cited.find(".//etal") is not None else "")
        reference.title = _text_at(cited, "article-title") or _text_at(cited, "chapter-title")
        reference.journal = _text_at(cited, "source")
        if (year := _text_at(cited, "year")) and (m := re.match(r"\d{4}", year)):
            reference.year = int(m.group(0))
        reference.volume, reference.issue = _text_at(cited, "volume"), _text_at(cited, "issue")
        first, last = _text_at(cited, "fpage"), _text_at(cited, "lpage")
        if first:
            reference.pages = expand_pages(f"{first}-{last}" if last and last != first else first)
        else:
            reference.pages = _text_at(cited, "elocation-id") or _text_at(cited, "page-range")
        for pub_id in cited.iter("pub-id"):
            kind, value = pub_id.get("pub-id-type"), element_text(pub_id)
            if kind == "doi" and not reference.doi:
                reference.doi = normalize_doi(value)
            elif kind == "pmid" and digits(value):
                reference.pmid = digits(value)
        if reference.doi is None and (link := cited.find("ext-link[@ext-link-type='doi']")) is not None:
            reference.doi = normalize_doi(element_text(link))
        if cited.tag == "mixed-citation" and _punctuated(cited):
            reference.citation = element_text(cited) or ""
        else:
            reference.citation = _citation_text(reference) or element_text(cited) or ""
        if reference.citation:
            references.append(reference)
    return references


def _punctuated(citation) -> bool:
    """Whether a mixed-citation has its own text between its parts (". ", "; ", ":"), as
    it should; some publishers' have none, and read as text would run together
    ("HallettMNeurophysiology of dystonia...Neurobiol Dis201142177184"): those are
    printed from their parts, as an element-citation is."""
    own = [citation.text, *(child.tail for child in citation)]
    return any(t and t.strip() for t in own) or len(citation) == 0


def _cited_name(name) -> str | None:
    """'Hallett M' from <name><surname>Hallett</surname><given-names>M</given-names></name>."""
    if name.tag == "name":
        return " ".join(p for p in (_text_at(name, "surname"), _text_at(name, "given-names")) if p) or None
    if name.tag in ("string-name", "collab"):
        return element_text(name)
    return None


def _citation_text(ref: Reference) -> str | None:
    """An element-citation carries no punctuation: its parts are printed the way
    PubMed prints a reference ("Authors. Title. Source. 2012;7(9):e46493.")."""
    place = "".join([f";{ref.volume}" if ref.volume else "", f"({ref.issue})" if ref.issue else "",
                     f":{ref.pages}" if ref.pages else ""])
    date = f"{ref.year or ''}{place}".lstrip(";") or None
    parts = [p.rstrip(".") for p in (ref.authors, ref.title, ref.journal, date) if p]
    return ". ".join(parts) + "." if parts else None
