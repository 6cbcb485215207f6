#!/usr/bin/env python3
"""Generate a synthetic corpus of every seed format the build reads, to time it at scale.

    python scripts/generate_exports.py --records 100000 --out DIR [--seed 42] [--single-medline]

Writes files holding N records in all: single-record files (PubMed and PMC pages copied
as text, aggregator records, one OpenAlex work, one Crossref work, one Semantic Scholar
paper, one JATS article) and multi-record exports (MEDLINE files of 100-5,000 records,
PubMed XML sets, PubMed CSV exports, RIS and BibTeX libraries, CSL-JSON arrays, OpenAlex
results pages, Crossref work lists), in the shapes of tests/fixtures/<reader>/.

- Papers are shared between files: about 6% of the records are a paper already written
  in an earlier file (same DOI and PMID, usually in another format), so that the build's
  merge has real work to do.
- About 0.4% of the records of an export are bad (no title, a PMID that is not a number,
  an unclosed BibTeX brace, a CSV row short of fields, a JSON item that is not an
  object) and about 0.5% of the single-record files are broken, as
  scripts/generate_corpus.py breaks them.
- --single-medline writes one MEDLINE file of all N records instead (no sharing), to
  see whether one big export keeps every core busy.

Deterministic: the plan of files comes from the seed alone and each file is a function
of (seed, its number, its papers), so the same arguments give byte-identical files
whatever the number of worker processes. Papers, names, abstracts and references come
from scripts/generate_corpus.py's Corpus (paper p here is its paper p). Standard
library only; everything is synthetic (DOIs under the 10.5555 test prefix).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
import zlib
from multiprocessing import Pool
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate_corpus import MONTHS, Corpus, Rng, _initials, _mix, _pages  # noqa: E402

SHARE_RATE = 0.06  # records that repeat a paper of an earlier file
BAD_RATE = 0.004  # records of an export that are bad
BROKEN_RATE = 0.005  # single-record files that are broken

# (kind, share of all records, smallest and largest number of records a file, extension)
KINDS = [
    ("medline", 0.22, (100, 5000), "nbib"),
    ("pubmed_xml", 0.12, (50, 2000), "xml"),
    ("pubmed_csv", 0.05, (100, 2000), "csv"),
    ("ris", 0.10, (50, 2000), "ris"),
    ("bibtex", 0.08, (50, 2000), "bib"),
    ("csl_json", 0.05, (20, 500), "json"),
    ("openalex_page", 0.08, (25, 200), "json"),
    ("crossref_list", 0.07, (20, 1000), "json"),
    ("pubmed_page", 0.09, (1, 1), "txt"),
    ("aggregator", 0.04, (1, 1), "txt"),
    ("pmc_page", 0.02, (1, 1), "txt"),
    ("openalex_work", 0.02, (1, 1), "json"),
    ("crossref_work", 0.02, (1, 1), "json"),
    ("semantic_scholar", 0.02, (1, 1), "json"),
    ("jats", 0.02, (1, 1), "xml"),
]
KIND = {k[0]: k for k in KINDS}
DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/\S+?)\.?(?=\s|$)")
LATEX = {"ä": '{\\"a}', "ö": '{\\"o}', "ü": '{\\"u}', "é": "{\\'e}", "è": "{\\`e}", "á": "{\\'a}", "í": "{\\'i}",
         "ó": "{\\'o}", "ç": "{\\c c}", "ñ": "{\\~n}", "ø": "{\\o}", "Ł": "{\\L}", "ł": "{\\l}", "ş": "{\\c s}",
         "ğ": "{\\u g}", "Ç": "{\\c C}", "ë": '{\\"e}', "Ö": '{\\"O}', "å": "{\\aa}", "ã": "{\\~a}"}
LATEX_RE = re.compile("|".join(map(re.escape, LATEX)))


# --- the plan: which file holds which papers ---------------------------------------------

def plan(records: int, seed: int, single_medline: bool = False) -> tuple[list[tuple[int, str, list[int]]], int]:
    """([(file number, kind, papers)], number of distinct papers). A paper number below 0
    is a bad record (-1 - its slot): only exports hold them."""
    rng = Rng(_mix(seed, 90))
    if single_medline:
        slots = [-1 - i if rng.random() < BAD_RATE else i for i in range(records)]
        return [(0, "medline", slots)], records
    # a file kind is chosen with odds share / mean size, so that records come out in shares
    # (a small corpus gets small exports, so that it still holds every kind)
    cap = max(2, records // 20)
    weights = [share / ((min(lo, cap) + min(hi, cap)) / 2) for _, share, (lo, hi), _ in KINDS]
    files, p, written = [], 0, 0
    one_each = rng.sample(KINDS, len(KINDS))  # one file of each kind first: a small corpus has them all
    while written < records:
        kind, _, (lo, hi), _ = one_each.pop() if one_each else rng.choices(KINDS, weights)[0]
        size = min(records - written, rng.randint(min(lo, cap), min(hi, cap)))
        first, slots = p, []
        for i in range(size):
            if hi > 1 and rng.random() < BAD_RATE:
                slots.append(-1 - written - i)
            elif first > 0 and rng.random() < SHARE_RATE:
                slots.append(rng.randrange(first))  # a paper of an earlier file
            else:
                slots.append(p)
                p += 1
        files.append((len(files), kind, slots))
        written += size
    return files, max(p, 1)


# --- one record in each format ---------------------------------------------------------

class Exports:
    """Renders the papers of a Corpus in every export format."""

    def __init__(self, papers: int, seed: int):
        self.corpus, self.seed = Corpus(papers, seed), seed

    def paper(self, p: int, file_no: int, refs: bool = False) -> tuple[dict, dict, list[str], Rng]:
        """(meta, content, references (made only when asked for: the costly part), a random
        stream of this record in this file)."""
        meta, prng = self.corpus.paper(p)
        c = self.corpus.content(meta, prng)
        rng = Rng(_mix(self.seed, 50, file_no, p))
        count = 0 if rng.random() < 0.2 else rng.randint(1, 30)
        return meta, c, self.corpus.references(p, meta, count, old=False) if refs else [None] * count, rng

    @staticmethod
    def abstract(c: dict, sep: str = " ") -> str:
        return sep.join((c["labels"][n] + ": " if c["structured"] else "") + t for n, t in c["sections"])

    @staticmethod
    def pages(m: dict, abbreviate: bool = False) -> str:
        return str(m["first"]) if m["locator"] else _pages(m["first"], m["last"], abbreviate)

    @staticmethod
    def people(m: dict) -> list[tuple[str | None, str]]:
        return m["authors"]

    @staticmethod
    def ymd(m: dict) -> list[int]:
        return ([m["year"]] if m["precision"] == "year" else
                [m["year"], m["month"]] if m["precision"] in ("month", "season") else [m["year"], m["month"], m["day"]])

    def iso(self, m: dict) -> str:
        return "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(self.ymd(m) + [1] * (3 - len(self.ymd(m)))))

    # MEDLINE ----------------------------------------------------------------------------
    @staticmethod
    def tag(tag: str, value: str) -> str:
        """One MEDLINE field: the tag padded to four, then lines of at most 88 characters,
        continued with six spaces."""
        lines, line = [], ""
        for word in value.split():
            if line and len(line) + 1 + len(word) > 82:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        return f"{tag:<4}- " + "\n      ".join(lines)

    def medline(self, p: int, file_no: int) -> str:
        m, c, refs, rng = self.paper(p, file_no)
        t = self.tag
        out = [t("PMID", m["pmid"]), t("OWN", "NLM"), t("STAT", rng.choice(("MEDLINE", "MEDLINE", "PubMed-not-MEDLINE"))),
               t("DCOM", f"{m['year'] + 1}0{rng.randint(1, 9)}1{rng.randint(0, 9)}"), t("VI", m["volume"])]
        if m["issue"]:
            out.append(t("IP", m["issue"]))
        out += [t("DP", self.corpus.date_words(m)), t("TI", m["title"] + ("" if m["title"].endswith("?") else "."))]
        if not m["ahead"]:
            out.append(t("PG", self.pages(m, abbreviate=True)))
        out.append(t("LID", f"{m['doi']} [doi]"))
        if rng.random() < 0.95:
            out.append(t("AB", " ".join((c["labels"][n].upper() + ": " if c["structured"] else "") + s
                                        for n, s in c["sections"])))
        for (given, family), affs in zip(m["authors"], c["author_affs"]):
            if given is None:
                out.append(t("CN", family))
                continue
            out += [t("FAU", f"{family}, {given}"), t("AU", f"{family} {_initials(given)}")]
            out += [t("AD", c["affiliations"][a - 1]) for a in affs]
        out.append(t("LA", "eng"))
        out += [t("GR", g) for g in c["grants"]]
        out += [t("PT", pt) for pt in ["Journal Article"] + m["types"]]
        if m["epub"]:
            y, mo, d = m["epub"]
            out.append(t("DEP", f"{y}{mo:02d}{d:02d}"))
        out += [t("PL", "United States"), t("TA", m["abbr"]), t("JT", m["journal_title"]), t("SB", "IM")]
        for descriptor, qualifier, major in c["mesh"]:
            star = "*" if major else ""
            out.append(t("MH", f"{descriptor}/{star}{qualifier}" if qualifier else f"{star}{descriptor}"))
        out += [t("OT", k) for k in c["keywords"]]
        out += [t("EDAT", f"{m['year']}/{m['month']:02d}/{m['day']:02d}06:00"),
                t("PHST", f"{m['year']}/{m['month']:02d}/{m['day']:02d} 06:00 [pubmed]")]
        if m["pmcid"]:
            out.append(t("PMC", m["pmcid"]))
        out += [t("AID", f"{m['doi']} [doi]"), t("PST", "aheadofprint" if m["ahead"] else "ppublish"),
                t("SO", f"{m['abbr']}{self.corpus.cite_line(m, True)} doi: {m['doi']}.")]
        return "\n".join(out)

    @staticmethod
    def medline_bad(slot: int) -> str:
        if slot % 2:
            return f"PMID- {40_000_000 + slot}\nOWN - NLM\nSTAT- MEDLINE\nDP  - 2018\nPT  - Journal Article"  # no title
        return f"PMID- 29{-slot}abc\nTI  - A PMID that is not a number.\nDP  - 2018"

    # PubMed XML ------------------------------------------------------------------------
    def pubmed_xml(self, p: int, file_no: int) -> str:
        m, c, refs, rng = self.paper(p, file_no, refs=True)
        date = (f"<MedlineDate>{self.corpus.date_words(m)}</MedlineDate>" if m["precision"] == "season" else
                f"<Year>{m['year']}</Year>" + (f"<Month>{MONTHS[m['month'] - 1]}</Month>" if m["precision"] != "year"
                                                else "") + (f"<Day>{m['day']:02d}</Day>" if m["precision"] == "day"
                                                            else ""))
        if c["structured"]:
            abstract = "".join(f'<AbstractText Label="{c["labels"][n].upper()}" NlmCategory="{n.upper()}">'
                               f"{escape(s)}</AbstractText>" for n, s in c["sections"])
        else:
            abstract = f"<AbstractText>{escape(' '.join(s for _, s in c['sections']))}</AbstractText>"
        authors = []
        for (given, family), affs in zip(m["authors"], c["author_affs"]):
            if given is None:
                authors.append(f'<Author ValidYN="Y"><CollectiveName>{escape(family)}</CollectiveName></Author>')
                continue
            authors.append(f'<Author ValidYN="Y"><LastName>{escape(family)}</LastName><ForeName>{escape(given)}'
                           f"</ForeName><Initials>{_initials(given)}</Initials>" + "".join(
                               f"<AffiliationInfo><Affiliation>{escape(c['affiliations'][a - 1])}</Affiliation>"
                               "</AffiliationInfo>" for a in affs) + "</Author>")
        grants = "".join(f"<Grant><GrantID>{escape(g.split('/')[0])}</GrantID><Agency>{escape(g.split('/')[-2])}"
                         f"</Agency><Country>{g.split('/')[-1]}</Country></Grant>" for g in c["grants"])
        mesh = "".join(f'<MeshHeading><DescriptorName MajorTopicYN="{"Y" if major and not q else "N"}">{escape(d)}'
                       "</DescriptorName>" + (f'<QualifierName MajorTopicYN="{"Y" if major else "N"}">{q}</QualifierName>'
                                              if q else "") + "</MeshHeading>" for d, q, major in c["mesh"])
        ids = f'<ArticleId IdType="pubmed">{m["pmid"]}</ArticleId><ArticleId IdType="doi">{m["doi"]}</ArticleId>'
        if m["pmcid"]:
            ids += f'<ArticleId IdType="pmc">{m["pmcid"]}</ArticleId>'
        references = "".join(f"<Reference><Citation>{escape(r)}</Citation>" + (
            f'<ArticleIdList><ArticleId IdType="doi">{escape(d.group(1))}</ArticleId></ArticleIdList>'
            if (d := DOI_IN_TEXT.search(r)) else "") + "</Reference>" for r in refs)
        title = m["title"].replace(m["focus"]["region"][0], f"<i>{m['focus']['region'][0]}</i>", 1) \
            if rng.random() < 0.1 else escape(m["title"])
        return (f'<PubmedArticle>\n<MedlineCitation Status="MEDLINE" Owner="NLM">\n<PMID Version="1">{m["pmid"]}</PMID>\n'
                f'<Article PubModel="Print-Electronic"><Journal><JournalIssue CitedMedium="Internet">'
                f"<Volume>{m['volume']}</Volume>" + (f"<Issue>{m['issue']}</Issue>" if m["issue"] else "") +
                f"<PubDate>{date}</PubDate></JournalIssue><Title>{escape(m['journal_title'])}</Title>"
                f"<ISOAbbreviation>{escape(m['abbr'])}</ISOAbbreviation></Journal>\n"
                f"<ArticleTitle>{title}{'' if m['title'].endswith('?') else '.'}</ArticleTitle>\n"
                f"<Pagination><MedlinePgn>{self.pages(m, True)}</MedlinePgn></Pagination>"
                f'<ELocationID EIdType="doi" ValidYN="Y">{m["doi"]}</ELocationID>\n'
                + (f"<Abstract>{abstract}</Abstract>\n" if rng.random() < 0.95 else "") +
                f'<AuthorList CompleteYN="Y">{"".join(authors)}</AuthorList>\n<Language>eng</Language>'
                + (f'<GrantList CompleteYN="Y">{grants}</GrantList>' if grants else "") +
                "<PublicationTypeList>" + "".join(f"<PublicationType>{escape(t)}</PublicationType>"
                                                  for t in ["Journal Article"] + m["types"]) +
                "</PublicationTypeList></Article>\n"
                f"<MedlineJournalInfo><Country>United States</Country><MedlineTA>{escape(m['abbr'])}</MedlineTA>"
                f"</MedlineJournalInfo>\n<MeshHeadingList>{mesh}</MeshHeadingList>\n"
                '<KeywordList Owner="NOTNLM">' + "".join(f'<Keyword MajorTopicYN="N">{escape(k)}</Keyword>'
                                                         for k in c["keywords"]) + "</KeywordList>\n"
                f"</MedlineCitation>\n<PubmedData><PublicationStatus>ppublish</PublicationStatus>"
                f"<ArticleIdList>{ids}</ArticleIdList>" + (f"<ReferenceList>{references}</ReferenceList>" if refs else "")
                + "</PubmedData>\n</PubmedArticle>")

    @staticmethod
    def pubmed_xml_bad(slot: int) -> str:
        return (f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{40_000_000 - slot}'
                "</PMID><Article><Journal><Title>Brain</Title></Journal><ArticleTitle></ArticleTitle></Article>"
                "</MedlineCitation></PubmedArticle>")  # no title

    # PubMed CSV ------------------------------------------------------------------------
    def pubmed_csv(self, p: int, file_no: int) -> str:
        m, c, refs, rng = self.paper(p, file_no)
        short = ", ".join(family if given is None else f"{family} {_initials(given)}" for given, family in m["authors"])
        citation = f"{m['abbr']}{self.corpus.cite_line(m, True)} doi: {m['doi']}."
        if m["epub"] and not m["ahead"]:
            y, mo, d = m["epub"]
            citation += f" Epub {y} {MONTHS[mo - 1]} {d}."
        first = m["authors"][0]
        row = [m["pmid"], m["title"] + ("" if m["title"].endswith("?") else "."), short + ".", citation,
               first[1] if first[0] is None else f"{first[1]} {_initials(first[0])}", m["abbr"], str(m["year"]),
               f"{m['year']}/{m['month']:02d}/{m['day']:02d}", m["pmcid"] or "", "", m["doi"]]
        return ",".join('"' + v.replace('"', '""') + '"' for v in row)

    @staticmethod
    def pubmed_csv_bad(slot: int) -> str:
        return f'"{40_000_000 - slot}","A row that lost its last two fields.","Doe J.","Brain. 2018;1:2.","Doe J","Brain","2018","2018/04/28","",""'

    # RIS -------------------------------------------------------------------------------
    def ris(self, p: int, file_no: int) -> str:
        m, c, refs, rng = self.paper(p, file_no)
        endnote = file_no % 3 == 0  # EndNote's tags (T1, A1, JF, Y1, N2); Zotero's otherwise
        out = ["TY  - JOUR", f"{'T1' if endnote else 'TI'}  - {m['title']}"]
        out += [f"{'A1' if endnote else 'AU'}  - {family}" + (f", {given}" if given else "") for given, family in m["authors"]]
        if endnote:
            out += [f"JF  - {m['journal_title']}", f"JA  - {m['abbr']}", f"Y1  - {m['year']}/{m['month']:02d}/"]
        else:
            out += [f"T2  - {m['journal_title']}", f"J2  - {m['abbr']}", f"DA  - {m['year']}/{m['month']:02d}/",
                    f"PY  - {m['year']}"]
        if rng.random() < 0.9:
            out.append(f"{'N2' if endnote else 'AB'}  - {self.abstract(c)}")
        out += [f"DO  - {m['doi']}", f"VL  - {m['volume']}"] + ([f"IS  - {m['issue']}"] if m["issue"] else [])
        if m["locator"]:
            out.append(f"SP  - {m['first']}")
        else:
            out += [f"SP  - {m['first']}", f"EP  - {m['last']}"]
        out += [f"KW  - {k}" for k in c["keywords"]] + [f"N1  - PMID: {m['pmid']}", "ER  - "]
        return "\n".join(out)

    @staticmethod
    def ris_bad(slot: int) -> str:
        return "TY  - JOUR\nAU  - Nobody, A.\nPY  - 2011\nAB  - An abstract without a title or an identifier.\nER  - "

    # BibTeX ----------------------------------------------------------------------------
    @staticmethod
    def tex(text: str, latex: bool) -> str:
        text = text.replace("\\", "").replace("&", "\\&").replace("%", "\\%").replace("_", "\\_").replace("#", "\\#")
        return LATEX_RE.sub(lambda x: LATEX[x.group(0)], text) if latex else text

    def bibtex(self, p: int, file_no: int) -> str:
        m, c, refs, rng = self.paper(p, file_no)
        jabref = file_no % 3 == 1  # JabRef: two spaces and LaTeX accents; Zotero: tabs and UTF-8
        indent, tex = ("  ", True) if jabref else ("\t", False)
        names = " and ".join("{" + self.tex(family, tex) + "}" if given is None else
                             f"{self.tex(family, tex)}, {self.tex(given, tex)}" for given, family in m["authors"])
        key = re.sub(r"[^a-z]", "", m["authors"][0][1].lower()) + f"_{m['p']}_{m['year']}"
        title = re.sub(r"\b(DYT\w*|MRI|TMS|GABA|PET|EEG)\b", r"{\1}", self.tex(m["title"], tex))
        fields = [("title", "{" + title + "}"), ("volume", "{" + m["volume"] + "}")]
        if m["issue"]:
            fields.append(("number", "{" + m["issue"] + "}"))
        fields += [("doi", "{" + m["doi"] + "}"), ("journal", "{" + self.tex(m["journal_title"], tex) + "}"),
                   ("author", "{" + names + "}")]
        if m["precision"] != "year":
            fields.append(("month", MONTHS[m["month"] - 1].lower()))
        fields += [("year", "{" + str(m["year"]) + "}"), ("pmid", "{" + m["pmid"] + "}")]
        if rng.random() < 0.85:
            fields.append(("abstract", "{" + self.tex(self.abstract(c), tex) + "}"))
        fields += [("keywords", "{" + ", ".join(c["keywords"]) + "}"),
                   ("pages", "{" + self.pages(m).replace("-", "--") + "}")]
        return f"@article{{{key},\n" + "".join(f"{indent}{k} = {v},\n" for k, v in fields) + "}\n"

    @staticmethod
    def bibtex_bad(slot: int) -> str:
        return f"@article{{broken{-slot},\n  title = {{An entry whose title never closes,\n  year = {{2011}},\n}}\n"

    # CSL-JSON, OpenAlex, Crossref, Semantic Scholar ------------------------------------
    def csl(self, p: int, file_no: int) -> dict:
        m, c, refs, rng = self.paper(p, file_no)
        item = {"id": f"http://zotero.org/users/local/x/items/{_mix(self.seed, p) % 36 ** 8:08X}",
                "type": "article-journal", "title": m["title"], "container-title": m["journal_title"],
                "journalAbbreviation": m["abbr"], "DOI": m["doi"], "volume": m["volume"], "page": self.pages(m),
                "PMID": m["pmid"], "language": "en",
                "author": [{"literal": family} if given is None else {"family": family, "given": given}
                           for given, family in m["authors"]],
                "issued": {"date-parts": [self.ymd(m)]}, "keyword": ", ".join(c["keywords"])}
        if m["issue"]:
            item["issue"] = m["issue"]
        if m["pmcid"]:
            item["PMCID"] = m["pmcid"]
        if rng.random() < 0.9:
            item["abstract"] = self.abstract(c, "\n")
        return item

    def openalex(self, p: int, file_no: int) -> dict:
        m, c, refs, rng = self.paper(p, file_no)
        words: dict[str, list[int]] = {}
        for i, word in enumerate(self.abstract(c).split()):
            words.setdefault(word, []).append(i)
        w = f"https://openalex.org/W{4_000_000_000 + m['p']}"
        ids = {"openalex": w, "doi": f"https://doi.org/{m['doi']}", "pmid": f"https://pubmed.ncbi.nlm.nih.gov/{m['pmid']}"}
        if m["pmcid"]:
            ids["pmcid"] = f"https://www.ncbi.nlm.nih.gov/pmc/articles/{m['pmcid'][3:]}"
        authorships = []
        for k, ((given, family), affs) in enumerate(zip(m["authors"], c["author_affs"])):
            name = family if given is None else f"{given} {family}"
            orcid = f"https://orcid.org/0000-000{k % 10}-{_mix(m['p'], k) % 9000 + 1000}-{_mix(k, m['p']) % 9000 + 1000}"
            authorships.append({
                "author_position": "first" if k == 0 else "last" if k == len(m["authors"]) - 1 else "middle",
                "author": {"id": f"https://openalex.org/A5{_mix(zlib.crc32(name.encode()), k) % 10 ** 9:09d}",
                           "display_name": name, "orcid": None if rng.random() < 0.7 else orcid},
                "institutions": [], "countries": [], "is_corresponding": k == 0, "raw_author_name": name,
                "raw_affiliation_strings": [c["affiliations"][a - 1] for a in affs], "affiliations": []})
        return {
            "id": w, "doi": f"https://doi.org/{m['doi']}", "title": m["title"], "display_name": m["title"],
            "publication_year": m["year"], "publication_date": self.iso(m), "ids": ids, "language": "en",
            "primary_location": {"is_oa": m["is_oa"], "landing_page_url": f"https://doi.org/{m['doi']}", "pdf_url": None,
                                 "source": {"id": f"https://openalex.org/S{100 + m['journal']}",
                                            "display_name": m["journal_title"], "issn_l": None, "issn": None,
                                            "is_oa": m["is_oa"], "type": "journal"},
                                 "license": None, "version": "publishedVersion"},
            "type": "article", "type_crossref": "journal-article",
            "open_access": {"is_oa": m["is_oa"], "oa_status": "gold" if m["is_oa"] else "closed", "oa_url": None},
            "authorships": authorships, "cited_by_count": c["citations"],
            "biblio": {"volume": m["volume"], "issue": m["issue"], "first_page": str(m["first"]),
                       "last_page": None if m["locator"] else str(m["last"])},
            "is_retracted": False, "is_paratext": False,
            "keywords": [{"id": f"https://openalex.org/keywords/{k.lower().replace(' ', '-')}", "display_name": k,
                          "score": 0.5} for k in c["keywords"]],
            "referenced_works": [f"https://openalex.org/W{4_000_000_000 + (m['p'] * 7 + i) % 1000003}"
                                 for i in range(len(refs))],
            "abstract_inverted_index": words if rng.random() < 0.85 else None,
            "updated_date": "2025-01-09T11:02:13.120000", "created_date": f"{m['year']}-01-01",
        }

    def crossref(self, p: int, file_no: int) -> dict:
        m, c, refs, rng = self.paper(p, file_no, refs=True)
        parts = [[m["year"], m["month"], m["day"]]]
        work = {
            "indexed": {"date-parts": [[2025, 1, 14]], "date-time": "2025-01-14T09:31:02Z", "timestamp": 1736847062114},
            "reference-count": len(refs), "publisher": m["publisher"], "DOI": m["doi"], "type": "journal-article",
            "source": "Crossref", "is-referenced-by-count": c["citations"], "title": [m["title"]],
            "prefix": "10.5555", "volume": m["volume"], "page": self.pages(m),
            "author": [{"name": family, "sequence": "additional", "affiliation": []} if given is None else
                       {"given": given, "family": family, "sequence": "first" if k == 0 else "additional",
                        "affiliation": [{"name": c["affiliations"][a - 1]} for a in affs]}
                       for k, ((given, family), affs) in enumerate(zip(m["authors"], c["author_affs"]))],
            "container-title": [m["journal_title"]], "short-container-title": [m["abbr"]], "language": "en",
            "published-print": {"date-parts": parts}, "issued": {"date-parts": [self.ymd(m)]},
            "URL": f"https://doi.org/{m['doi']}", "score": 1.0,
            "reference": [{"key": f"{m['doi']}_bib{i}", **({"DOI": d.group(1)} if (d := DOI_IN_TEXT.search(r)) else {}),
                           "unstructured": r} for i, r in enumerate(refs, 1)],
        }
        if m["issue"]:
            work["issue"] = m["issue"]
        if rng.random() < 0.6:
            work["abstract"] = ("<jats:title>Abstract</jats:title>" + "".join(
                f"<jats:sec><jats:title>{c['labels'][n]}</jats:title><jats:p>{escape(s)}</jats:p></jats:sec>"
                if c["structured"] else f"<jats:p>{escape(s)}</jats:p>" for n, s in c["sections"]))
        return work

    def semantic_scholar(self, p: int, file_no: int) -> dict:
        m, c, refs, rng = self.paper(p, file_no)
        ids = {"DOI": m["doi"], "CorpusId": 1000 + m["p"], "PubMed": m["pmid"]}
        if m["pmcid"]:
            ids["PubMedCentral"] = m["pmcid"][3:]
        return {"paperId": f"{_mix(self.seed, 77, m['p']):016x}{_mix(m['p']):016x}"[:40], "externalIds": ids,
                "corpusId": 1000 + m["p"], "url": f"https://www.semanticscholar.org/paper/{m['p']:040x}",
                "title": m["title"], "abstract": self.abstract(c) if rng.random() < 0.8 else None,
                "venue": m["journal_title"], "year": m["year"], "referenceCount": len(refs),
                "citationCount": c["citations"], "isOpenAccess": m["is_oa"],
                "openAccessPdf": {"url": f"https://www.ncbi.nlm.nih.gov/pmc/articles/{m['pmcid']}/pdf/", "status": "GREEN"}
                if m["pmcid"] else None,
                "fieldsOfStudy": ["Medicine"], "publicationTypes": ["JournalArticle"] + [t.replace(" ", "") for t in m["types"]],
                "publicationDate": self.iso(m), "journal": {"name": m["journal_title"], "volume": m["volume"],
                                                            "pages": self.pages(m)},
                "authors": [{"authorId": str(_mix(zlib.crc32(f.encode()), 1) % 10 ** 8), "name": f if g is None else f"{g} {f}"}
                            for g, f in m["authors"]]}

    # JATS and the PMC page ---------------------------------------------------------------
    def jats(self, p: int, file_no: int) -> str:
        m, c, refs, rng = self.paper(p, file_no, refs=True)
        contribs = "".join(
            f'<contrib contrib-type="author"><collab>{escape(f)}</collab></contrib>' if g is None else
            f'<contrib contrib-type="author"><name><surname>{escape(f)}</surname><given-names>{escape(g)}</given-names>'
            "</name>" + "".join(f'<xref ref-type="aff" rid="aff{a}">{a}</xref>' for a in affs) + "</contrib>"
            for (g, f), affs in zip(m["authors"], c["author_affs"]))
        affs = "".join(f'<aff id="aff{i}"><label>{i}</label>{escape(a)}</aff>' for i, a in enumerate(c["affiliations"], 1))
        abstract = "".join(f"<sec><title>{c['labels'][n]}</title><p>{escape(s)}</p></sec>" if c["structured"]
                           else f"<p>{escape(s)}</p>" for n, s in c["sections"])
        ids = f'<article-id pub-id-type="pmid">{m["pmid"]}</article-id>' + (
            f'<article-id pub-id-type="pmc">{m["pmcid"][3:]}</article-id>' if m["pmcid"] else "") + \
            f'<article-id pub-id-type="doi">{m["doi"]}</article-id>'
        pages = f"<elocation-id>{m['first']}</elocation-id>" if m["locator"] else \
            f"<fpage>{m['first']}</fpage><lpage>{m['last']}</lpage>"
        refs_xml = "".join(f'<ref id="R{i}"><label>{i}.</label><mixed-citation publication-type="journal">{escape(r)}'
                           "</mixed-citation></ref>" for i, r in enumerate(refs, 1))
        return ('<?xml version="1.0" ?>\n<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and '
                'Interchange DTD v1.3 20210610//EN" "JATS-archivearticle1-3.dtd">\n'
                '<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article" xml:lang="en">'
                f'<front><journal-meta><journal-id journal-id-type="nlm-ta">{escape(m["abbr"])}</journal-id>'
                f"<journal-title-group><journal-title>{escape(m['journal_title'])}</journal-title></journal-title-group>"
                f"<publisher><publisher-name>{escape(m['publisher'])}</publisher-name></publisher></journal-meta>"
                f"<article-meta>{ids}<title-group><article-title>{escape(m['title'])}</article-title></title-group>"
                f"<contrib-group>{contribs}{affs}</contrib-group>"
                f'<pub-date pub-type="epub"><day>{m["day"]}</day><month>{m["month"]}</month><year>{m["year"]}</year>'
                f"</pub-date><volume>{m['volume']}</volume>" + (f"<issue>{m['issue']}</issue>" if m["issue"] else "") +
                f"{pages}<abstract>{abstract}</abstract>"
                '<kwd-group kwd-group-type="author">' + "".join(f"<kwd>{escape(k)}</kwd>" for k in c["keywords"]) +
                "</kwd-group></article-meta></front><body><sec><title>Introduction</title><p>Body text.</p></sec></body>"
                f"<back><ref-list><title>References</title>{refs_xml}</ref-list></back></article>\n")

    def pmc_page(self, p: int, file_no: int) -> str:
        m, c, refs, rng = self.paper(p, file_no, refs=True)
        pmcid = m["pmcid"] or f"PMC{int(m['pmid']) - 9_000_000}"
        names = ", ".join(f if g is None else f"{g} {f} " + ",".join(map(str, a))
                          for (g, f), a in zip(m["authors"], c["author_affs"]))
        out = ["Skip to main content", "An official website of the United States government", "Here's how you know",
               "Search PMC Full-Text Archive", "Search in PMC", "Advanced Search", "Journal List", "User Guide",
               "PERMALINK", "Copy",
               "As a library, NLM provides access to scientific literature. Inclusion in an NLM database does not "
               "imply endorsement of, or agreement with, the contents by NLM or the National Institutes of Health.",
               "Learn more: PMC Disclaimer | PMC Copyright Notice",
               f"{m['journal_title']} logoLink to {m['journal_title']}",
               f". {self.corpus.date_words(m)};{self.corpus.vip(m, False)}. doi: {m['doi']}",
               "Search in PMC", "Search in PubMed", "View in NLM Catalog", "Add to search", "",
               m["title"], "", names, "Author information", "Article notes", "Copyright and License information"]
        out += [f"{i}{a}" for i, a in enumerate(c["affiliations"], 1)]
        out += [f"Copyright © {m['year']} {m['authors'][0][1]} et al.", "PMC Copyright notice",
                f"PMCID: {pmcid}  PMID: {m['pmid']}", "", "Abstract", ""]
        out += [s for _, s in c["sections"]] + ["", f"Keywords: {', '.join(c['keywords'])}", "", "1. Introduction", "",
                                                 "Body text that is not the abstract.", ""]
        if refs:
            out += ["References"] + [f"{i}. {r} [DOI] [PubMed] [Google Scholar]" for i, r in enumerate(refs, 1)]
        return "\n".join(out) + "\n"

    # files -----------------------------------------------------------------------------
    def render(self, file_no: int, kind: str, slots: list[int]) -> bytes:
        records = [s for s in slots]
        if kind == "medline":
            text = "\n".join("\n" + (self.medline_bad(s) if s < 0 else self.medline(s, file_no)) for s in records) + "\n"
        elif kind == "pubmed_xml":
            text = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
                    '2024//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n<PubmedArticleSet>\n' +
                    "\n".join(self.pubmed_xml_bad(s) if s < 0 else self.pubmed_xml(s, file_no) for s in records) +
                    "\n</PubmedArticleSet>\n")
        elif kind == "pubmed_csv":
            text = ('\ufeff"PMID","Title","Authors","Citation","First Author","Journal/Book","Publication Year",'
                    '"Create Date","PMCID","NIHMS ID","DOI"\n' +
                    "".join((self.pubmed_csv_bad(s) if s < 0 else self.pubmed_csv(s, file_no)) + "\n" for s in records))
        elif kind == "ris":
            text = "\n".join((self.ris_bad(s) if s < 0 else self.ris(s, file_no)) + "\n" for s in records)
        elif kind == "bibtex":
            text = "\n".join(self.bibtex_bad(s) if s < 0 else self.bibtex(s, file_no) for s in records)
        elif kind in ("csl_json", "openalex_page", "crossref_list"):
            make = {"csl_json": self.csl, "openalex_page": self.openalex, "crossref_list": self.crossref}[kind]
            items = ["not an item" if s < 0 else make(s, file_no) for s in records]
            if kind == "csl_json":
                text = json.dumps(items, ensure_ascii=False, indent="\t") + "\n"
            elif kind == "openalex_page":
                text = json.dumps({"meta": {"count": len(items), "db_response_time_ms": 41, "page": 1 + file_no % 40,
                                            "per_page": 200, "groups_count": None},
                                   "results": items, "group_by": []}, ensure_ascii=False) + "\n"
            else:
                text = json.dumps({"status": "ok", "message-type": "work-list", "message-version": "1.0.0",
                                   "message": {"facets": {}, "total-results": len(items), "items": items,
                                               "items-per-page": len(items), "query": {"start-index": 0,
                                                                                       "search-terms": "dystonia"}}},
                                  ensure_ascii=False) + "\n"
        else:
            text = self.single(kind, records[0], file_no)
            if isinstance(text, bytes):
                return text
        return text.encode()

    def single(self, kind: str, p: int, file_no: int) -> str | bytes:
        rng = Rng(_mix(self.seed, 60, file_no))
        if rng.random() < BROKEN_RATE:
            return self.corpus.broken(p, rng)
        if kind in ("pubmed_page", "aggregator"):
            meta, prng = self.corpus.paper(p)
            c = self.corpus.content(meta, prng)
            write = self.corpus.aggregator if kind == "aggregator" else (
                self.corpus.pubmed_new if rng.random() < 0.65 else self.corpus.pubmed_old)
            return write(meta, c, rng, rng.random() < 0.1, False)
        if kind == "openalex_work":
            return json.dumps(self.openalex(p, file_no), ensure_ascii=False, indent=2) + "\n"
        if kind == "crossref_work":
            return json.dumps({"status": "ok", "message-type": "work", "message-version": "1.0.0",
                               "message": self.crossref(p, file_no)}, ensure_ascii=False) + "\n"
        if kind == "semantic_scholar":
            return json.dumps(self.semantic_scholar(p, file_no), ensure_ascii=False) + "\n"
        return {"jats": self.jats, "pmc_page": self.pmc_page}[kind](p, file_no)


# --- driving it ------------------------------------------------------------------------

_exports: Exports | None = None


def _init(papers: int, seed: int) -> None:
    global _exports
    _exports = Exports(papers, seed)


def _write(args: tuple[str, list[tuple[int, str, list[int]]]]) -> int:
    out_dir, files = args
    written = 0
    for file_no, kind, slots in files:
        data = _exports.render(file_no, kind, slots)
        with open(os.path.join(out_dir, f"{file_no:06d}_{kind}.{KIND[kind][3]}"), "wb") as f:
            f.write(data)
        written += len(data)
    return written


def generate(records: int, out_dir: str, seed: int = 42, single_medline: bool = False,
             workers: int | None = None) -> dict:
    """Write the files; returns counts of files, records, distinct papers, bad records and bytes."""
    if records < 1:
        raise ValueError("--records must be at least 1")
    os.makedirs(out_dir, exist_ok=True)
    files, papers = plan(records, seed, single_medline)
    jobs, job, size = [], [], 0
    for f in files:  # jobs of about 500 records, so that both workers stay busy to the end
        job.append(f)
        size += len(f[2])
        if size >= 500:
            jobs.append((out_dir, job))
            job, size = [], 0
    if job:
        jobs.append((out_dir, job))
    workers = workers or min(os.cpu_count() or 1, 8)
    if workers == 1 or len(jobs) == 1:
        _init(papers, seed)
        sizes = list(map(_write, jobs))
    else:
        with Pool(workers, initializer=_init, initargs=(papers, seed)) as pool:
            sizes = list(pool.imap_unordered(_write, jobs))
    return {"files": len(files), "records": sum(len(s) for _, _, s in files), "papers": papers,
            "bad": sum(x < 0 for _, _, s in files for x in s), "bytes": sum(sizes)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, required=True, help="number of records to write, in all files")
    parser.add_argument("--out", required=True, help="folder to write them to (created if missing)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default: 42)")
    parser.add_argument("--single-medline", action="store_true", help="one MEDLINE file of all the records")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        counts = generate(args.records, args.out, args.seed, args.single_medline)
    except ValueError as e:
        parser.error(str(e))
    print(f"{args.out}: {counts['files']:,} files, {counts['records']:,} records ({counts['papers']:,} papers, "
          f"{counts['bad']:,} bad records), {counts['bytes'] / 1e6:.1f} MB, {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
