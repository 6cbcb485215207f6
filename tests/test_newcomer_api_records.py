"""A newcomer's corpus of API and XML records, end to end: efetch PubMed XML (two pages
saved one after the other, a book chapter, a bad record), a PMC .nxml, a Crossref works
list, OpenAlex snapshot lines, a Semantic Scholar batch answer opening with null, a Zotero
CSL-JSON export and a billion-laughs file, dropped into seeds/ and built. Every document
is written here by hand; every expected value is typed by hand."""

from __future__ import annotations

import json
import sqlite3

from conftest import run_build

P1_DOI, P2_DOI = "10.1007/s12311-019-01001-1", "10.1002/mds.28002"
EFETCH_HEAD = ('<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January '
               '2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n')

PUBMED_PAGE_1 = EFETCH_HEAD + """<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">31000001</PMID>
    <Article PubModel="Print-Electronic">
      <Journal>
        <ISSN IssnType="Electronic">1473-4230</ISSN>
        <JournalIssue CitedMedium="Internet"><Volume>18</Volume><Issue>5</Issue>
          <PubDate><Year>2019</Year><Month>Oct</Month></PubDate></JournalIssue>
        <Title>Cerebellum (London, England)</Title>
        <ISOAbbreviation>Cerebellum</ISOAbbreviation>
      </Journal>
      <ArticleTitle>Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial.</ArticleTitle>
      <Pagination><MedlinePgn>866-74</MedlinePgn></Pagination>
      <Abstract><AbstractText Label="BACKGROUND">Cervical dystonia involves the <i>cerebellum</i>.</AbstractText></Abstract>
      <AuthorList CompleteYN="Y">
        <Author ValidYN="Y"><LastName>Malone</LastName><ForeName>Ailish</ForeName><Initials>A</Initials>
          <Identifier Source="ORCID">0000000218250097</Identifier>
          <AffiliationInfo><Affiliation>Department of Neurology, Trinity College Dublin, Dublin, Ireland.</Affiliation></AffiliationInfo>
        </Author>
        <Author ValidYN="Y"><LastName>Kjær</LastName><ForeName>Søren</ForeName><Initials>S</Initials></Author>
      </AuthorList>
      <Language>eng</Language>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
    </Article>
    <MedlineJournalInfo><Country>United States</Country><MedlineTA>Cerebellum</MedlineTA><ISSNLinking>1473-4222</ISSNLinking></MedlineJournalInfo>
  </MedlineCitation>
  <PubmedData><PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList><ArticleId IdType="pubmed">31000001</ArticleId><ArticleId IdType="doi">10.1007/s12311-019-01001-1</ArticleId><ArticleId IdType="pmc">PMC7000001</ArticleId></ArticleIdList>
  </PubmedData>
</PubmedArticle>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <Article PubModel="Print"><Journal><Title>Movement disorders</Title></Journal><AuthorList/></Article>
  </MedlineCitation>
</PubmedArticle>
</PubmedArticleSet>
"""
PUBMED_PAGE_2 = EFETCH_HEAD + """<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">31000002</PMID>
    <Article PubModel="Print">
      <Journal>
        <ISSN IssnType="Electronic">1531-8257</ISSN>
        <JournalIssue CitedMedium="Internet"><Volume>33</Volume><Issue>2</Issue>
          <PubDate><MedlineDate>2018 Mar-Apr</MedlineDate></PubDate></JournalIssue>
        <Title>Movement disorders : official journal of the Movement Disorder Society</Title>
        <ISOAbbreviation>Mov Disord</ISOAbbreviation>
      </Journal>
      <ArticleTitle>Purkinje cell firing in a mouse model of <i>DYT1</i> dystonia.</ArticleTitle>
      <Pagination><MedlinePgn>301-9</MedlinePgn></Pagination>
      <AuthorList CompleteYN="Y">
        <Author ValidYN="Y"><LastName>Kjær</LastName><ForeName>Søren</ForeName><Initials>S</Initials></Author>
      </AuthorList>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
    </Article>
    <MedlineJournalInfo><Country>United States</Country><MedlineTA>Mov Disord</MedlineTA><ISSNLinking>0885-3185</ISSNLinking></MedlineJournalInfo>
  </MedlineCitation>
  <PubmedData><PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList><ArticleId IdType="pubmed">31000002</ArticleId><ArticleId IdType="doi">10.1002/mds.28002</ArticleId></ArticleIdList>
  </PubmedData>
</PubmedArticle>
<PubmedBookArticle>
  <BookDocument>
    <PMID Version="1">20301334</PMID>
    <ArticleIdList><ArticleId IdType="bookaccession">NBK1155</ArticleId></ArticleIdList>
    <Book>
      <Publisher><PublisherName>University of Washington, Seattle</PublisherName></Publisher>
      <BookTitle book="gene">GeneReviews<sup>®</sup></BookTitle>
      <PubDate><Year>1993</Year></PubDate>
    </Book>
    <ArticleTitle book="gene" part="dyt1">Dystonia Overview</ArticleTitle>
    <AuthorList Type="authors"><Author><LastName>Klein</LastName><ForeName>Christine</ForeName></Author></AuthorList>
    <PublicationType UI="D000072">Review</PublicationType>
  </BookDocument>
  <PubmedBookData><ArticleIdList><ArticleId IdType="pubmed">20301334</ArticleId></ArticleIdList></PubmedBookData>
</PubmedBookArticle>
</PubmedArticleSet>
"""

PMC_NXML = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Archiving and Interchange DTD v1.3 20210610//EN" "JATS-archivearticle1-3.dtd">
<article xmlns:mml="http://www.w3.org/1998/Math/MathML" xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article">
  <front>
    <journal-meta>
      <journal-id journal-id-type="nlm-ta">Cerebellum</journal-id>
      <journal-title-group><journal-title>The Cerebellum</journal-title></journal-title-group>
      <issn pub-type="ppub">1473-4222</issn>
      <issn pub-type="epub">1473-4230</issn>
    </journal-meta>
    <article-meta>
      <article-id pub-id-type="pmid">31000001</article-id>
      <article-id pub-id-type="pmc">PMC7000001</article-id>
      <article-id pub-id-type="doi">10.1007/s12311-019-01001-1</article-id>
      <title-group><article-title>Cerebellar <inline-formula><alternatives><tex-math id="M1">\\documentclass[12pt]{minimal}\\begin{document}$$\\theta$$\\end{document}</tex-math><mml:math id="M2"><mml:mi>θ</mml:mi></mml:math></alternatives></inline-formula>-burst stimulation in cervical dystonia: a randomized trial</article-title></title-group>
      <contrib-group>
        <contrib contrib-type="author"><name><surname>Malone</surname><given-names>Ailish</given-names></name><xref ref-type="aff" rid="Aff1">1</xref></contrib>
        <contrib contrib-type="author"><name><surname>Kjær</surname><given-names>Søren</given-names></name><xref ref-type="aff" rid="Aff1">1</xref></contrib>
        <aff id="Aff1"><label>1</label><institution>Trinity College Dublin</institution>, <country>Ireland</country></aff>
      </contrib-group>
      <pub-date pub-type="epub"><day>14</day><month>5</month><year>2019</year></pub-date>
      <pub-date pub-type="ppub"><month>10</month><year>2019</year></pub-date>
      <volume>18</volume><issue>5</issue><fpage>866</fpage><lpage>874</lpage>
      <abstract><p>Cervical dystonia involves the <italic>cerebellum</italic>.</p></abstract>
    </article-meta>
  </front>
</article>
"""


def crossref_work(doi, title, issued, container, issns, authors):
    return {"indexed": {"date-parts": [[2024, 3, 1]]}, "reference-count": 0, "publisher": "Wiley",
            "DOI": doi, "type": "journal-article", "is-referenced-by-count": 3, "title": [title],
            "author": authors, "container-title": [container], "issued": {"date-parts": [issued]},
            "ISSN": issns, "issn-type": [{"type": "print", "value": issns[0]}], "subtitle": []}


CROSSREF_LIST = {"status": "ok", "message-type": "work-list", "message-version": "1.0.0", "message": {
    "facets": {}, "total-results": 3, "items-per-page": 20, "query": {"start-index": 0, "search-terms": "dystonia"},
    "items": [
        crossref_work(P2_DOI, "Purkinje Cell Firing in a Mouse Model of DYT1 Dystonia", [2018, 3, 2],
                      "Movement Disorders", ["0885-3185", "1531-8257"],
                      [{"given": "Søren", "family": "Kjær", "sequence": "first", "affiliation": []}]),
        crossref_work("10.9999/cr.yearonly", "A Crossref-only paper dated by its year alone", [2015],
                      "The Cerebellum", ["1473-4222"], []),
        {"DOI": "10.9999/cr.notitle", "type": "journal-article", "title": [], "issued": {"date-parts": [[None]]}},
    ]}}

OPENALEX_LINES = [
    {"id": "https://openalex.org/W2963000001", "doi": "https://doi.org/" + P1_DOI,
     "title": "Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial", "publication_year": 2019,
     "publication_date": "2019-05-14", "ids": {"pmid": "https://pubmed.ncbi.nlm.nih.gov/31000001"},
     "primary_location": {"source": {"display_name": "The Cerebellum", "issn_l": "1473-4222",
                                     "issn": ["1473-4222", "1473-4230"], "type": "journal"}},
     "authorships": [{"author": {"display_name": "Ailish Malone", "orcid": "https://orcid.org/0000-0002-1825-0097"},
                      "raw_affiliation_strings": ["Trinity College Dublin, Ireland"]}],
     "abstract_inverted_index": {"Cervical": [0], "dystonia": [1], "involves": [2], "the": [3], "cerebellum.": [4]},
     "cited_by_count": 12, "type": "article"},
    {"id": "https://openalex.org/W2963000009", "doi": "https://doi.org/10.9999/oa.only",
     "title": "An OpenAlex-only paper on the inferior olive", "publication_year": 2021,
     "primary_location": {"source": {"display_name": "The Cerebellum", "issn_l": "1473-4222", "issn": ["1473-4222"]}},
     "authorships": [], "type": "article"},
]

S2_BATCH = [None,
            {"paperId": "c" * 40, "externalIds": {"DOI": P2_DOI.upper(), "PubMed": "31000002"},
             "title": "Purkinje cell firing in a mouse model of DYT1 dystonia", "year": 2018,
             "authors": [{"authorId": "1", "name": "S. Kjær"}]},
            {"paperId": "d" * 40, "externalIds": {}, "title": "A Semantic Scholar-only preprint", "year": 2022,
             "authors": [], "openAccessPdf": None}]

ZOTERO = [
    {"id": "http://zotero.org/users/local/AbCd/items/ABCD1234", "type": "article-journal",
     "title": "Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial",
     "container-title": "The Cerebellum", "volume": "18", "issue": "5", "page": "866-874", "DOI": P1_DOI,
     "note": "PMID: 31000001\nPMCID: PMC7000001", "author": [{"family": "Malone", "given": "Ailish"}],
     "issued": {"date-parts": [["2019", 10]]}},
    {"id": "http://zotero.org/users/local/AbCd/items/EFGH5678", "type": "chapter", "title": "Dystonia overview",
     "container-title": "GeneReviews®", "note": "PMID: 20301334", "author": [{"family": "Klein", "given": "Christine"}],
     "issued": {"date-parts": [["1993"]]}},
]

LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE PubmedArticleSet [\n <!ENTITY lol "lol">\n'
          ' <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
          ' <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">\n]>\n'
          '<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>&lol2;</ArticleTitle>'
          '</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>\n')


def test_a_newcomers_api_records_merge_into_papers(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "pubmed_efetch.xml").write_text(PUBMED_PAGE_1 + PUBMED_PAGE_2, encoding="utf-8")
    (seeds / "PMC7000001.nxml").write_text(PMC_NXML, encoding="utf-8")
    (seeds / "crossref.json").write_text("\ufeff" + json.dumps(CROSSREF_LIST, ensure_ascii=False), encoding="utf-8")
    (seeds / "openalex.jsonl").write_text("".join(json.dumps(w) + "\n" for w in OPENALEX_LINES), encoding="utf-8")
    (seeds / "s2_batch.json").write_text(json.dumps(S2_BATCH, indent=2), encoding="utf-8")
    (seeds / "zotero.json").write_text(json.dumps(ZOTERO, indent="\t", ensure_ascii=False), encoding="utf-8")
    (seeds / "laughs.xml").write_text(LAUGHS, encoding="utf-8")
    result = run_build("--seeds", seeds, "--db", tmp_path / "literature.db")
    assert result.returncode == 0, result.stderr
    db = sqlite3.connect(tmp_path / "literature.db")
    q = lambda sql, *args: db.execute(sql, args).fetchall()  # noqa: E731

    assert q("SELECT filename, format, status, records, rejected_records FROM sources ORDER BY filename") == [
        ("PMC7000001.nxml", "jats", "loaded", 1, 0),
        ("crossref.json", "crossref", "loaded", 2, 1),
        ("laughs.xml", "pubmed_xml", "rejected", 0, 0),
        ("openalex.jsonl", "openalex", "loaded", 2, 0),
        ("pubmed_efetch.xml", "pubmed_xml", "loaded", 3, 1),
        ("s2_batch.json", "semantic_scholar", "loaded", 2, 1),
        ("zotero.json", "csl_json", "loaded", 2, 0),
    ]
    assert q("SELECT error FROM sources WHERE filename = 'laughs.xml'") == [
        ("XML with an internal DTD or entity declarations is refused (entities are never expanded)",)]
    assert q("SELECT s.filename, r.position, r.line, r.reason FROM rejected_records r JOIN sources s ON s.id = r.source_id "
             "ORDER BY s.filename") == [
        ("crossref.json", 3, 1, "work 10.9999/cr.notitle has no title"),
        ("pubmed_efetch.xml", 2, 34, "a PubmedArticle with neither ArticleTitle nor PMID"),
        ("s2_batch.json", 1, 2, "null: Semantic Scholar found no paper for this id"),
    ]

    # 12 records read, 6 papers
    assert q("SELECT title, doi, pmid, pmcid, year, publication_date, pages, source_count FROM papers "
             "ORDER BY title") == [
        ("A Crossref-only paper dated by its year alone", "10.9999/cr.yearonly", None, None, 2015, "2015", None, 1),
        ("A Semantic Scholar-only preprint", None, None, None, 2022, "2022", None, 1),
        ("An OpenAlex-only paper on the inferior olive", "10.9999/oa.only", None, None, 2021, "2021", None, 1),
        # PubMed's wording (the most trusted source), its full stop included
        ("Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial.", P1_DOI, "31000001",
         "PMC7000001", 2019, "2019-10", "866-874", 4),  # OpenAlex's 2019-05-14 is another month
        ("Dystonia Overview", None, "20301334", None, 1993, "1993", None, 2),
        ("Purkinje cell firing in a mouse model of DYT1 dystonia.", P2_DOI, "31000002", None, 2018, "2018-03-02",
         "301-309", 3),
    ]
    p1 = q("SELECT id FROM papers WHERE pmid = '31000001'")[0][0]
    assert q("SELECT DISTINCT s.filename FROM provenance v JOIN sources s ON s.id = v.source_id WHERE v.paper_id = ? "
             "ORDER BY 1", p1) == [("PMC7000001.nxml",), ("openalex.jsonl",), ("pubmed_efetch.xml",), ("zotero.json",)]
    # every source's title, as each printed it (the JATS one with its formula once, no TeX)
    assert q("SELECT s.filename, v.value, v.chosen FROM provenance v JOIN sources s ON s.id = v.source_id "
             "WHERE v.paper_id = ? AND v.field = 'title' ORDER BY 1", p1) == [
        ("PMC7000001.nxml", "Cerebellar θ-burst stimulation in cervical dystonia: a randomized trial", 0),
        ("openalex.jsonl", "Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial", 1),
        ("pubmed_efetch.xml", "Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial.", 1),
        ("zotero.json", "Cerebellar theta-burst stimulation in cervical dystonia: a randomized trial", 1),
    ]
    assert q("SELECT abstract FROM papers WHERE id = ?", p1) == [("BACKGROUND: Cervical dystonia involves the cerebellum.",)]
    assert q("SELECT position, name, family, given, orcid, affiliations FROM paper_authors WHERE paper_id = ? "
             "ORDER BY position", p1) == [
        (1, "Ailish Malone", "Malone", "Ailish", "0000-0002-1825-0097",
         '["Department of Neurology, Trinity College Dublin, Dublin, Ireland."]'),
        (2, "Søren Kjær", "Kjær", "Søren", None, '["Trinity College Dublin, Ireland"]'),  # from the JATS
    ]
    p2 = q("SELECT id FROM papers WHERE pmid = '31000002'")[0][0]
    assert q("SELECT DISTINCT s.filename FROM provenance v JOIN sources s ON s.id = v.source_id WHERE v.paper_id = ? "
             "ORDER BY 1", p2) == [("crossref.json",), ("pubmed_efetch.xml",), ("s2_batch.json",)]

    # journals merged by ISSN: The Cerebellum of four sources is one journal
    assert q("SELECT title, issn_l, issns, paper_count FROM journals ORDER BY title") == [
        ("Cerebellum (London, England)", "1473-4222", '["1473-4222", "1473-4230"]', 3),
        ("GeneReviews®", None, None, 1),
        ("Movement disorders : official journal of the Movement Disorder Society", "0885-3185",
         '["0885-3185", "1531-8257"]', 1),
    ]
