"""PubMed-style search (litdb/search.py, plugins/search.py) on a fixture corpus of 12
papers (tests/fixtures/search/: PubMed pages p01-p03, p10; aggregator records for the
rest; each paper's DOI is 10.5555/search.<label>). Every expected set below was worked
out by hand from the fixture texts."""

import html
import json
import re
import sqlite3
import urllib.parse

import bibtexparser
import pytest

from conftest import CHROMIUM, FIXTURES, build_quietly, get, screenshot, serving
from litdb import search as pubmed

CORPUS = FIXTURES / "search"
ALL = {f"p{i:02d}" for i in range(1, 13)}
DYSTONIA = {"p01", "p02", "p03", "p05", "p06", "p08", "p09", "p10"}  # the word, in title, abstract or keywords
CEREBELL = {"p01", "p02", "p03", "p04", "p07", "p08", "p11", "p12"}  # a word starting "cerebell"
CEREBELLUM = {"p03", "p07", "p08"}  # the word "cerebellum" itself


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("search") / "literature.db"
    assert build_quietly(CORPUS, path) == 0
    return path


@pytest.fixture(scope="module")
def conn(db):
    c = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    pubmed.register_functions(c)
    yield c
    c.close()


def label(doi):
    return doi.rsplit(".", 1)[1]


def found(conn, query) -> list[str]:
    """The labels of the papers a query finds, in result order."""
    search = pubmed.translate(query)
    sql, params = pubmed.ids_sql(search)
    ids = [row[0] for row in conn.execute(sql, params)]
    labels = dict(conn.execute("select id, doi from papers"))
    return [label(labels[i]) for i in ids]


QUERIES = [
    # words, AND, OR, NOT, in either case; untagged words are ANDed
    ("dystonia", DYSTONIA),
    ("cerebell*", CEREBELL),
    ("cerebellum", CEREBELLUM),
    ("dystonia AND cerebellum", {"p03", "p08"}),
    ("dystonia and cerebellum", {"p03", "p08"}),
    ("dystonia cerebellum", {"p03", "p08"}),
    ("dystonia OR ataxia", DYSTONIA | {"p04"}),
    ("dystonia or ataxia", DYSTONIA | {"p04"}),
    ("dystonia NOT cerebellum", {"p01", "p02", "p05", "p06", "p09", "p10"}),
    ("dystonia not review[pt]", {"p01", "p02", "p05", "p08", "p09", "p10"}),
    ("cerebell* AND (dystonia OR \"writer's cramp\") NOT review[pt]", {"p01", "p02", "p08"}),
    # left to right, as PubMed reads: (ataxia OR tremor) AND cerebellum
    ("ataxia OR tremor AND cerebellum", {"p07"}),
    ("ataxia OR (tremor AND cerebellum)", {"p04", "p07"}),
    ("((ataxia OR tremor)) AND (cerebellum)", {"p07"}),
    # phrases, truncation, truncation inside quotes
    ('"basal ganglia"', {"p03", "p11"}),
    ("tremor essential", {"p07", "p12"}),
    ('"tremor essential"', set()),
    ('"essential tremor"', {"p07", "p12"}),
    ('"cerebell* circ*"', {"p11"}),
    ("cerebell* circ*", {"p07", "p11"}),  # p07: olivocerebellar ... cerebellum, circuits
    ("spinocerebell*", {"p04"}),
    # title, abstract, title/abstract, keywords
    ("purkinje[ti]", {"p01"}),
    ("dystonia[ti]", {"p01", "p03", "p05", "p06", "p08", "p09", "p10"}),
    ("dystonia[ab]", {"p01", "p02", "p03", "p06", "p08", "p09", "p10"}),
    ("dystonia[title]", {"p01", "p03", "p05", "p06", "p08", "p09", "p10"}),
    ("cerebellum[tiab]", CEREBELLUM),
    ("torsina", {"p01"}),  # only a keyword of p01
    ("torsina[tiab]", set()),
    ("torsinA[kw]", {"p01"}),
    ("torsina[ot]", {"p01"}),
    ("tractography", {"p10", "p12"}),
    ("tractography[kw]", {"p10"}),
    ("dentate nucleus[kw]", {"p10"}),
    ("theta-burst stimulation[ti]", {"p02"}),
    # authors: family name and initials, as PubMed writes them
    ("Malone A[au]", {"p01", "p02", "p08"}),  # Ailish Malone, Aoife B Malone, A Malone; not Mark
    ("malone a[au]", {"p01", "p02", "p08"}),
    ('"Malone A"[au]', {"p01", "p02", "p08"}),
    ("Malone AB[au]", {"p02"}),
    ("Malone[au]", {"p01", "p02", "p05", "p08"}),
    ("Malone M[author]", {"p05"}),
    ("Ailish Malone[au]", {"p01", "p08"}),  # A Malone may be Ailish; Aoife may not
    ("Malone, Ailish[au]", {"p01", "p08"}),
    ("Malo*[au]", {"p01", "p02", "p05", "p08"}),
    ("van der Berg M[au]", {"p09"}),
    ("Dupont JP[au]", {"p09"}),
    ("Ferreira-Lima T[au]", {"p10"}),
    ("Wei C[au]", {"p10", "p12"}),
    ("Bologna M[au] AND Wei C[au]", {"p12"}),
    # untagged, a family name and initials in capitals are searched as an author too, as
    # PubMed does ("Malone A" finds the papers of Malone A[au]); words that only look so
    # ("type A", "vitamin D") add no paper by an author of that name
    ("Malone A", {"p01", "p02", "p08"}),
    ("Malone A dystonia", {"p01", "p02", "p08"}),
    ("Bologna M Wei C", {"p12"}),
    ("malone a", set()),  # in lower case: words only, as typed
    ("malone A", set()),
    # journals: name, title or abbreviation
    ("Mov Disord[ta]", {"p01", "p03", "p08", "p12"}),
    ("movement disorders[journal]", {"p01", "p03", "p08", "p12"}),
    ("Brain[ta]", {"p05", "p07", "p10"}),
    ('"Clin Neurophysiol"[ta]', {"p02"}),
    ("Lancet Neurol*[ta]", {"p09"}),
    ("Lancet[ta]", set()),
    # MeSH (only the PubMed pages have MeSH terms)
    ("basal ganglia[mh]", {"p01", "p03"}),
    ("Basal Ganglia[MeSH Terms]", {"p01", "p03"}),
    ("dystonia[mh]", {"p01", "p03"}),
    ("dystoni*[mh]", {"p01", "p02", "p03", "p10"}),
    ("cerebellum[mh]", {"p01", "p02", "p03"}),
    ("cerebellum[majr]", {"p02", "p03"}),
    # a heading with one subheading, as PubMed reads it (the fixtures' MeSH lists, by hand:
    # p01 Basal Ganglia/physiopathology*, Cerebellum/pathology, Dystonia/genetics*,
    # Molecular Chaperones/genetics; p02 Dystonic Disorders/therapy*, Cerebellum/physiology*,
    # Transcranial Magnetic Stimulation/methods*; p03 Basal Ganglia, Cerebellum and
    # Dystonia, each /physiopathology*; p10 Cerebellar Nuclei/diagnostic imaging*,
    # Dystonic Disorders/diagnostic imaging)
    ("dystonia/physiopathology[mh]", {"p03"}),
    ("Dystonia/pp[mh]", {"p03"}),  # the two-letter abbreviation
    ("Dystonia / physiopathology[mh]", {"p03"}),  # as the paper pages print it
    ('"Dystonia/physiopathology"[Mesh]', {"p03"}),  # as PubMed's search builder writes it
    ("dystonia/genetics[mh]", {"p01"}),
    ("basal ganglia/physiopathology[mh]", {"p01", "p03"}),
    ("cerebellum/pathology[mh]", {"p01"}),
    ("cerebellum/pathology[majr]", set()),  # p01's Cerebellum/pathology is no major topic
    ("cerebellum/physiopathology[majr]", {"p03"}),
    ("Cerebellar Nuclei/diagnostic imaging[majr]", {"p10"}),
    ("dystonic disorders/dg[mh]", {"p10"}),
    ("dystonic disorders/dg[majr]", set()),
    ("dystoni*/physiopathology[mh]", {"p03"}),
    ("dystonia/physio*[mh]", {"p03"}),
    ("Dystonia/*physiopathology[mh]", {"p03"}),  # MEDLINE's MH line pasted: '*' is a major topic
    ("*Cerebellum[mh]", {"p02", "p03"}),
    # a subheading on any heading, free-floating; not the same as heading/subheading
    ("physiopathology[sh]", {"p01", "p03"}),
    ("pp[sh]", {"p01", "p03"}),
    ("Physiopathology[Subheading]", {"p01", "p03"}),
    ("genetics[sh]", {"p01"}),
    ("diagnostic imaging[sh]", {"p10"}),
    ("methods[sh]", {"p02"}),
    ("cerebellum[mh] AND physiopathology[sh]", {"p01", "p03"}),  # p01: Basal Ganglia's physiopathology
    ("physiopathology[sh] NOT cerebellum/physiopathology[mh]", {"p01"}),
    ("cerebellum[sh]", set()),  # no subheading: searched as written, with a note (below)
    # [mh:noexp], [majr:noexp]: what [mh] and [majr] do here
    ("dystonia[mh:noexp]", {"p01", "p03"}),
    ("cerebellum[Majr:NoExp]", {"p02", "p03"}),
    ("physiopathology[sh:noexp]", {"p01", "p03"}),
    # publication types
    ("review[pt]", {"p03", "p06"}),
    ("randomized controlled trial[pt]", {"p02"}),
    ("clinical trial[pt]", {"p08"}),
    ("journal article[pt]", ALL - {"p02", "p03", "p06"}),
    ("NOT journal article[pt]", {"p02", "p03", "p06"}),
    # topics, by label or id
    ("purkinje cells[topic]", {"p01"}),
    ("ataxia[topic]", {"p04"}),
    ("tremor[topic]", {"p07", "p12"}),
    ("botulinum-toxin[topic]", {"p06"}),
    # publication dates
    ("2015[dp]", {"p03", "p05", "p12"}),
    ("2015:2016[dp]", {"p01", "p03", "p05", "p12"}),
    ("2015/03:2016[dp]", {"p01", "p03", "p12"}),
    ("2015/03[dp]", {"p03"}),
    ("2015/12/01[dp]", {"p12"}),
    ("2010:2013[pdat]", {"p07", "p09", "p10"}),
    ("2020:3000[dp]", {"p04", "p06"}),
    ('"2015/01/20"[dp]', {"p05"}),
    # mixed fields
    ("cerebell* AND 2015:2020[dp]", {"p01", "p02", "p03", "p04", "p08", "p12"}),
    ("dystonia OR 2020[dp]", DYSTONIA | {"p04"}),
    ("(Malone A[au] OR Bologna M[au]) AND Mov Disord[ta] NOT review[pt]", {"p01", "p08", "p12"}),
    # forgiving: a trailing operator, punctuation-only words
    ("dystonia AND", DYSTONIA),
    ("dystonia OR", DYSTONIA),
    ("cerebellum NOT", CEREBELLUM),
    ("dystonia \"writer's cramp", {"p02"}),  # an unclosed quote runs to the end
    ('cerebellum" OR (', set()),  # the phrase "OR (", that is the word "or": no abstract here has both
    ('"cerebellum" + "dystonia"', {"p03", "p08"}),
    # FTS5 syntax in what people type is only words
    ("NEAR(tremor essential)", set()),  # needs the word "near": FTS5's NEAR would find p07, p12
    ("NEAR(globus capsule)", {"p09"}),  # p09 does say "near"
    ("title:purkinje", set()),  # not a column filter: the words "title purkinje" together
    ("{title}: purkinje", set()),
    ("^dystonia", DYSTONIA),
    ("dystonia*", DYSTONIA),
]


@pytest.mark.parametrize("query, expected", QUERIES, ids=[q for q, _ in QUERIES])
def test_query_finds_exactly(conn, query, expected):
    assert set(found(conn, query)) == expected


def test_cerebell_ti_is_titles_only(conn):
    # the titles of p01 ("Purkinje cell ...") and p07 ("... olivocerebellar circuits") have no word starting "cerebell"
    assert set(found(conn, "cerebell*[ti]")) == {"p02", "p03", "p04", "p11", "p12"}


def test_title_matches_rank_first(conn):
    # "dystonia" in the title of p01, p03, p05, p06, p08, p09, p10; only in the abstract and keywords of p02
    assert found(conn, "dystonia")[-1] == "p02"
    # "tractography" in the title of neither; in the abstract of p12, the abstract and keywords of p10
    assert found(conn, "tractography") == ["p10", "p12"]


def test_searches_without_words_are_newest_first(conn):
    # no text to rank by: newest first, papers without a year last, ids breaking ties
    order = found(conn, "journal article[pt]")
    assert order[:3] == ["p04", "p08", "p01"]  # 2020, 2017, 2016
    assert set(order[3:5]) == {"p05", "p12"} and order[-1] == "p11"  # the two of 2015; p11 has no date


@pytest.mark.parametrize("query, expected, sizes", [
    ("dystonia", DYSTONIA, [3, 3, 2, 0, 0]),  # 8 papers
    ("journal article[pt]", ALL - {"p02", "p03", "p06"}, [3, 3, 3, 0, 0]),  # 9
    ("cerebell* OR 2015[dp]", CEREBELL | {"p03", "p05", "p12"}, [3, 3, 3, 0, 0]),  # 9: 2015 adds p05
    ("NOT review[pt]", ALL - {"p03", "p06"}, [3, 3, 3, 1, 0]),  # 10
])
def test_pages_never_lose_or_repeat(conn, query, expected, sizes):
    search = pubmed.translate(query)
    pages = [[label(row[6]) for row in conn.execute(*pubmed.page_sql(search, 3, offset))]
             for offset in range(0, 15, 3)]
    assert [len(page) for page in pages] == sizes
    paged = [paper for page in pages for paper in page]
    assert sorted(paged) == sorted(expected)  # each expected paper once: none lost, none repeated
    # the same order as one page of them all (the order ends with the unique id, so it is total)
    assert paged == [label(row[6]) for row in conn.execute(*pubmed.page_sql(search, 100, 0))]
    assert conn.execute(*pubmed.count_sql(search)).fetchone()[0] == len(expected)


def test_user_text_is_bound_never_pasted(conn):
    search = pubmed.translate("O'Brien; DROP TABLE papers[au] OR 50%_off*[pt] OR x';--[ti]")
    sql = pubmed.page_sql(search, 10, 0)[0]
    assert "Brien" not in sql and "DROP" not in sql and "50" not in sql and "x';" not in sql
    assert set(search.params.values()) == {
        "%papers%",  # the cheap LIKE on the family name (the last word: no initials after it)
        "% p_p___ %",  # and on a name with accents: a word of 6 letters, p where "papers" has p
        "O'Brien; DROP TABLE papers",
        r"50\%\_off%",  # LIKE wildcards typed are escaped; the '*' is the only wildcard
        '{title} : ("x\';--")'}  # an FTS5 string, quoted
    assert list(conn.execute(*pubmed.page_sql(search, 10, 0))) == []


def test_fts_words_are_quoted():
    search = pubmed.translate('near(a b) "x""" title:purk*')
    assert search.rank == '(((("near") AND (("a") AND ("b"))) AND ("x")) AND ("title:purk" *))'



# --- messages: what is wrong, and where ---------------------------------------------

ERRORS = [
    ("(dystonia OR ataxia", "a '(' is never closed (at character 1)"),
    ("dystonia) OR ataxia", "')' without a '(' before it (at character 9)"),
    ("dystonia AND OR ataxia", "OR follows AND: a term is missing between them (at character 14)"),
    ("(dystonia OR) ataxia", "OR has no term after it (at character 11)"),
    ("AND dystonia", "AND has no term before it (at character 1)"),
    ("dystonia ()", "empty parentheses (at character 10)"),
    ("dystonia[xx]", "unknown field tag [xx]; known tags: [ti] [ab] [tiab] [tw] [au] [cn] [ta] [journal] [mh] [majr] "
                     "[sh] [kw] [ot] [pt] [topic] [dp] [pdat] [pmid] [doi] [pmc] (at character 9)"),
    ("dystonia[ti:noexp]", "unknown field tag [ti:noexp]; known tags: [ti] [ab] [tiab] [tw] [au] [cn] [ta] [journal] "
                           "[mh] [majr] [sh] [kw] [ot] [pt] [topic] [dp] [pdat] [pmid] [doi] [pmc] (at character 9)"),
    ("Brain/pathology/physiopathology[mh]", "'Brain/pathology/physiopathology': one subheading at a time after a MeSH "
                                            "heading, as on PubMed: Brain/pathology[mh] OR Brain/physiopathology[mh] "
                                            "(at character 1)"),
    ("/physiopathology[mh]", "'/physiopathology': no MeSH heading before the '/' (a subheading on any heading is "
                             "physiopathology[sh]) (at character 1)"),
    ("dystonia/[mh]", "'dystonia/': no subheading after the '/' (at character 1)"),
    ("dystonia/pp[sh]", "'dystonia/pp' has a '/': [sh] takes a subheading alone (a heading with its subheading is "
                        "dystonia/pp[mh]) (at character 1)"),
    ("[ti]", "the field tag [ti] has no term before it (at character 1)"),
    ("dystonia[ti", "a field tag '[' is opened and never closed (at character 9)"),
    ("dystonia]", "']' without a '[' before it (at character 9)"),
    ("(a OR b)[ti]", "the field tag [ti] follows a ')': put it on each term inside (at character 9)"),
    ("ce*", "'ce*': truncation needs at least 3 letters before the '*' (at character 1)"),
    ("cere*bellum", "'*' can only end a word (at character 5)"),
    ("2015:20x[dp]", "cannot read the date '20x': write 2015, 2015/03 or 2015/03/14 (at character 1)"),
    ("2015/13[dp]", "'2015/13' is not a date (at character 1)"),
    ("dystonia\x00", "the query holds a control character (U+0000) (at character 9)"),
    ("(" * 5000 + "a" + ")" * 5000, "the query is 10,001 characters long; at most 1,000 are searched (at character 1001)"),
    (" ".join(f"w{i}" for i in range(1000)), "the query is 4,889 characters long; at most 1,000 are searched (at character 1001)"),
    (" ".join(f"w{i}" for i in range(65)), "more than 64 search terms (at character 247)"),
    ("(" * 11 + "a" + ")" * 11, "parentheses nested more than 10 deep (at character 11)"),
]


@pytest.mark.parametrize("query, message", ERRORS, ids=[q[:40] for q, _ in ERRORS])
def test_malformed_and_hostile_queries_say_what_and_where(query, message):
    with pytest.raises(pubmed.QueryError) as e:
        pubmed.translate(query)
    assert str(e.value) == message


def test_forgiven_mistakes_get_a_note():
    assert pubmed.translate("dystonia AND").notes == ["ignored the AND at the end (character 10)"]
    assert pubmed.translate("Hallett M dystonia").notes == ["searched Hallett M as words and as an author (Hallett M[au])"]
    assert pubmed.translate("vitamin D deficiency").notes == []
    assert pubmed.translate("dystonia + ataxia").notes == ["ignored '+' at character 10 (no letters or digits)"]
    assert pubmed.translate("dystonia \"\"").notes == ["ignored the empty phrase at character 10"]
    unclosed = pubmed.translate("dystonia \"writer's cramp")
    assert unclosed.notes == ["the quote at character 10 is never closed: the phrase runs to the end"]
    assert unclosed.rank == '(("dystonia") AND ("writer\'s" + "cramp"))'


NOT_EXPLODED = ("MeSH terms are not exploded as on PubMed: a heading or subheading finds the papers indexed with it, "
                "not those indexed only with the narrower ones under it in the MeSH tree (add them with OR)")


def test_mesh_searches_say_what_they_cannot_do():
    # no MeSH tree here: every MeSH search says once that it is not exploded, unless :noexp asks for that
    assert pubmed.translate("dystonia/physiopathology[mh]").notes == [NOT_EXPLODED]
    assert pubmed.translate("dystonia[mh] OR physiopathology[sh] OR ataxia[majr]").notes == [NOT_EXPLODED]
    assert pubmed.translate("dystonia/pp[mh:noexp] OR cerebellum[majr:noexp]").notes == []
    # a subheading MeSH does not have is searched as written, and said so
    assert pubmed.translate("dystonia/foo[mh:noexp]").notes == [
        "'foo' at character 10 is not one of MeSH's subheadings: searched as written "
        "(a subheading is its name, as physiopathology, or its two letters, as pp)"]
    assert pubmed.translate("cerebellum[sh:noexp]").notes == [
        "'cerebellum' at character 1 is not one of MeSH's subheadings: searched as written "
        "(a subheading is its name, as physiopathology, or its two letters, as pp)"]
    assert pubmed.translate("Dystonia/*physiopathology[mh:noexp]").notes == [
        "read the '*' before 'physiopathology' as MEDLINE's mark of a major topic (searched as [majr])"]
    # a '/' among words that are no MeSH term is ignored, as before
    slash = pubmed.translate("dystonia / ataxia")
    assert slash.notes == ["ignored '/' at character 10 (no letters or digits)"]
    assert slash.rank == '(("dystonia") AND ("ataxia"))'
    assert pubmed.translate("a / cerebellum[ti]").rank == '{title} : ("a" + "cerebellum")'  # the tag takes both words


def test_subheadings_by_name_or_abbreviation():
    assert pubmed.subheading_name("prevention and control") == "prevention & control"
    assert pubmed.subheading_name("Prevention & Control") == "prevention & control"
    assert pubmed.subheading_name("PC") == "prevention & control"
    assert pubmed.subheading_name("dg") == "diagnostic imaging"
    assert pubmed.subheading_name("Diagnostic  Imaging") == "diagnostic imaging"
    assert pubmed.subheading_name("cerebellum") is None
    # both spellings of '&' are asked for: the SQL is parameterised, nothing typed in it
    search = pubmed.translate("stroke/prevention and control[mh]")
    assert "prevention" not in search.where and "stroke" not in search.where
    assert set(search.params.values()) == {"stroke", "prevention & control", "prevention and control"}
    # the "and" of a subheading's name is no operator (as PubMed's own example,
    # thromboembolism/prevention and control[mh]); '&' is read the same way
    for query in ("stroke/prevention & control[mh]", "stroke / Prevention AND Control[mh]"):
        assert pubmed.translate(query).params == search.params, query
    assert set(pubmed.translate("growth and development[sh]").params.values()) == {
        "growth & development", "growth and development"}
    # elsewhere "and" is still AND, and a lone '&' still ignored
    assert pubmed.translate("stroke/pc and dystonia[mh]").rank == '("stroke/pc")'
    assert pubmed.translate("dystonia & ataxia").notes == ["ignored '&' at character 10 (no letters or digits)"]


# The repro of the defect: a MEDLINE record (Dystonia/*physiopathology) found by nothing
# but dystonia[mh]; dystonia/physiopathology[mh] gave 0 papers and no note.
MEDLINE_RECORD = """PMID- 22078259
STAT- MEDLINE
DP  - 2012 Jan
TI  - The cerebellum in dystonia - help or hindrance?
PG  - 65-70
VI  - 123
IP  - 1
FAU - Sadnicka, Anna
AU  - Sadnicka A
PT  - Journal Article
PT  - Review
TA  - Clin Neurophysiol
JT  - Clinical neurophysiology
MH  - Animals
MH  - Basal Ganglia/physiopathology
MH  - Cerebellum/*physiopathology
MH  - Dystonia/*physiopathology
MH  - Brain/pathology/*diagnostic imaging
MH  - Humans
SO  - Clin Neurophysiol. 2012 Jan;123(1):65-70.
"""


def test_subheadings_of_a_medline_record(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "sadnicka.nbib").write_text(MEDLINE_RECORD, encoding="utf-8")
    assert build_quietly(tmp_path / "seeds", tmp_path / "literature.db") == 0
    c = sqlite3.connect(tmp_path / "literature.db")
    pubmed.register_functions(c)
    pmids = dict(c.execute("select id, pmid from papers"))

    def finds(query):
        search = pubmed.translate(query)
        return [pmids[row[0]] for row in c.execute(*pubmed.ids_sql(search))]

    for query in ("dystonia/physiopathology[mh]", "dystonia/pp[majr]", "physiopathology[sh]", "Dystonia[mh]",
                  "basal ganglia/physiopathology[mh]", "brain/diagnostic imaging[majr]", "brain/pathology[mh]",
                  "diagnostic imaging[sh]"):
        assert finds(query) == ["22078259"], query
    for query in ("basal ganglia/physiopathology[majr]", "brain/pathology[majr]", "dystonia/genetics[mh]",
                  "genetics[sh]", "humans/physiopathology[mh]"):
        assert finds(query) == [], query
    c.close()


def test_empty_queries_search_nothing():
    assert pubmed.translate("") is None
    assert pubmed.translate("   ") is None
    assert pubmed.translate("*") is None


def test_sixty_four_terms_and_ten_levels_are_fine(conn):
    assert set(found(conn, " OR ".join(["dystonia"] * 64))) == DYSTONIA
    assert found(conn, "(" * 10 + "ataxia" + ")" * 10) == ["p04"]


def test_marks_are_balanced_and_escaped_by_the_page():
    assert pubmed.marked_parts("a \x02b\x03 c\x03 \x02d") == [("a ", False), ("b", True), (" c", False), (" ", False), ("d", True)]


# --- the endpoint, on a real server ------------------------------------------------


@pytest.fixture(scope="module")
def site(db):
    with serving(db, db.parent / "datasette.log") as (_, base):
        yield base


def get_json(site, path, **params):
    status, _, body = get(site, path, **params)
    return status, json.loads(body)


def doi_labels(conn, ids):
    dois = dict(conn.execute("select id, doi from papers"))
    return [label(dois[i]) for i in ids]


def test_endpoint_json(site, conn):
    status, data = get_json(site, "/literature/search.json", q="cerebell* AND (dystonia OR \"writer's cramp\") NOT review[pt]")
    assert status == 200 and data["count"] == 3
    assert set(doi_labels(conn, [r["paper_id"] for r in data["rows"]])) == {"p01", "p02", "p08"}
    assert data["facets"]["year"] == [{"value": 2018, "label": 2018, "count": 1}, {"value": 2017, "label": 2017, "count": 1},
                                      {"value": 2016, "label": 2016, "count": 1}]
    assert data["facets"]["type"] == [{"value": "Journal Article", "label": "Journal Article", "count": 2},
                                      {"value": "Clinical Trial", "label": "Clinical Trial", "count": 1},
                                      {"value": "Randomized Controlled Trial", "label": "Randomized Controlled Trial", "count": 1}]
    assert [(j["label"], j["count"]) for j in data["facets"]["journal"]] == [("Movement Disorders", 2), ("Clin Neurophysiol", 1)]
    # Topics, from the two papers' texts and litdb/topics.yml: p07 (cerebellum, olivary,
    # tremor, imaging) and p12 (cerebello-thalamic, dystonic tremor, tractography, imaging).
    status, data = get_json(site, "/literature/search.json", q="tremor[topic]")
    assert [(t["value"], t["label"], t["count"]) for t in data["facets"]["topic"]] == [
        ("cerebellum", "Cerebellum", 2), ("neuroimaging", "Neuroimaging", 2), ("tremor", "Tremor", 2),
        ("brainstem", "Brainstem", 1), ("dystonia", "Dystonia", 1), ("thalamus", "Thalamus", 1)]
    status, rows = get_json(site, "/literature/search.json", q="purkinje", _shape="array")
    assert [r["title"] for r in rows] == ["Purkinje cell dysfunction in a mouse model of DYT1 dystonia"]
    assert "We recorded **Purkinje** cells" in rows[0]["snippet"]


def test_endpoint_mesh_subheadings(site, conn):
    status, data = get_json(site, "/literature/search.json", q="dystonia/physiopathology[mh]")
    assert status == 200 and data["count"] == 1 and data["notes"] == [NOT_EXPLODED]
    assert doi_labels(conn, [r["paper_id"] for r in data["rows"]]) == ["p03"]
    status, data = get_json(site, "/literature/search.json", q="physiopathology[sh]")
    assert status == 200 and set(doi_labels(conn, [r["paper_id"] for r in data["rows"]])) == {"p01", "p03"}
    status, data = get_json(site, "/literature/search.json", q="dystonia/foo[mh]")
    assert status == 200 and data["count"] == 0
    assert data["notes"][0].startswith("'foo' at character 10 is not one of MeSH's subheadings")
    status, _, body = get(site, "/literature/search", q="dystonia/pp[mh]")
    assert status == 200 and "<strong>1</strong> paper found" in body
    assert "Note: MeSH terms are not exploded as on PubMed" in body


def test_endpoint_pages_through_every_result_once(site, conn):
    # ranked (p06 says "review") and unranked papers, ties in year, a paper without a year
    ids, url = [], "/literature/search.json?" + urllib.parse.urlencode({"q": "journal article[pt] OR review", "_size": 4})
    while url:
        status, data = get_json(site, url)
        assert status == 200 and data["count"] == 10
        ids += [r["paper_id"] for r in data["rows"]]
        url = data["next_url"]
    assert len(ids) == 10 and set(doi_labels(conn, ids)) == ALL - {"p02", "p03"}


def test_endpoint_page_reads_like_a_literature_list(site, conn):
    status, _, body = get(site, "/literature/search", q="purkinje OR Malone A[au]")
    assert status == 200
    assert "<strong>3</strong> papers found" in body
    p01 = conn.execute("select id from papers where doi = '10.5555/search.p01'").fetchone()[0]
    assert f'<a class="title" href="/literature/papers/{p01}"><mark>Purkinje</mark> cell dysfunction' in body
    assert "Ailish Malone, Jonas K Weber · Movement Disorders · 2016" in body
    assert "We recorded <mark>Purkinje</mark> cells" in body
    assert body.count('href="/-/export/literature.') == 5  # bib, ris, csljson, csv, ndjson: plugins/exports.py
    # a facet value narrows the search
    assert 'href="/literature/search?q=%28purkinje+OR+Malone+A%5Bau%5D%29+AND+%222016%22%5Bdp%5D">2016</a>' in body


def test_empty_query_shows_the_form_and_help(site):
    for params in ({}, {"q": ""}, {"q": "  "}):
        status, _, body = get(site, "/literature/search", **params)
        assert status == 200 and 'id="search-q"' in body and "How to search" in body
        assert "Cannot search" not in body and "papers found" not in body


def test_malformed_query_is_a_400_with_one_line(site):
    status, _, body = get(site, "/literature/search", q="(dystonia OR ataxia")
    assert status == 400 and "a &#39;(&#39; is never closed (at character 1)" in body
    status, data = get_json(site, "/literature/search.json", q="dystonia[xx]")
    assert status == 400 and data["error"].startswith("unknown field tag [xx]") and data["position"] == 8
    status, data = get_json(site, "/literature/search.json", q="dystonia", page="0")
    assert status == 400 and data["error"] == "page must be a whole number from 1 to 100,000"


HOSTILE = [
    ("dystonia\x00", 400, "the query holds a control character (U+0000) (at character 9)"),
    ("(" * 2000 + ")" * 2000, 400, "the query is 4,000 characters long; at most 1,000 are searched (at character 1001)"),
    (" ".join(["a"] * 1000), 400, "the query is 1,999 characters long; at most 1,000 are searched (at character 1001)"),
    ("(" * 9 + "ataxia OR " * 60 + "ataxia" + ")" * 9, 200, None),
    ('NEAR("a" "b", 2) OR x:^y*', 400, "'x:^y*': truncation needs at least 3 letters before the '*' (at character 21)"),
    ('NEAR("a" "b", 2) OR tremor:^essential', 200, None),
    ('"' * 999, 200, None),  # 499 empty phrases and an unclosed one: nothing to search
]


@pytest.mark.parametrize("query, status, error", HOSTILE, ids=[q[:30] for q, _, _ in HOSTILE])
def test_hostile_queries_are_refused_or_bounded(site, query, status, error):
    # (how fast: scripts/attack_load.py measures; no clock in a test)
    got, _, body = get(site, "/literature/search.json", q=query)
    assert (got, json.loads(body).get("error")) == (status, error)


def test_ten_kilobytes_of_parentheses_are_refused(site):
    # percent-encoded, 30 KB: the server's URL limit (plugins/security.py) refuses it first
    status, _, body = get(site, "/literature/search", q="(" * 5000 + "a" + ")" * 5000)
    assert status == 414 and body == "414: URL longer than 16384 bytes\n"


def test_reflected_query_is_escaped(site):
    for query, expected in (('<img src=x onerror=alert(1)> "', 200), ("<img src=x onerror=alert(1)>[xx]", 400)):
        status, _, body = get(site, "/literature/search", q=query)
        assert status == expected and "<img src=x" not in body and "&lt;img src=x onerror=alert(1)&gt;" in body


def export_url(body, fmt):
    return html.unescape(re.search(rf'href="(/-/export/literature\.{fmt}\?[^"]+)"', body).group(1))


def test_downloads_hold_every_paper_of_the_search(site):
    _, _, page = get(site, "/literature/search", q="Malone A[au]")
    status, _, body = get(site, export_url(page, "bib"))
    assert status == 200
    titles = {e.fields_dict["title"].value for e in bibtexparser.parse_string(body).entries}
    assert titles == {"Purkinje cell dysfunction in a mouse model of DYT1 dystonia",
                      "Cerebellar theta-burst stimulation in writer's cramp: a randomized trial",
                      "Eyeblink conditioning in cervical dystonia"}
    _, _, page = get(site, "/literature/search", q="2015[dp] OR ataxia")
    status, _, body = get(site, export_url(page, "ndjson"))
    assert status == 200
    assert {label(json.loads(line)["doi"]) for line in body.splitlines()} == {"p03", "p04", "p05", "p12"}


def test_home_page_box_leads_to_the_search(site):
    status, _, body = get(site, "/")
    assert 'action="/literature/search"' in body and 'name="q"' in body


# --- in a browser ------------------------------------------------------------------


@pytest.mark.skipif(not __import__("os").path.exists(CHROMIUM), reason="Debian's chromium is not installed")
def test_search_page_in_chromium(site, browser):
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto("/")
    page.fill("#search-q", 'cerebell* and (dystonia OR "writer\'s cramp") not review[pt]')
    page.press("#search-q", "Enter")
    page.wait_for_url("**/literature/search?q=*")
    assert page.locator("ol.search-list > li").count() == 3
    assert page.locator("ol.search-list mark").count() >= 3
    assert page.locator(".search-facets h3").all_inner_texts() == ["Year", "Journal", "Publication type", "Topic"]
    screenshot(page, "search")
    assert errors == []
    context.close()


def test_a_family_name_with_particles_alone_is_a_family_name():
    """"van der Meer[au]", "de Vries[au]": PubMed reads particles and a name as the family
    name (before, "van der" were taken for given names, and nothing was found)."""
    from litdb.search import author_matches
    assert author_matches("Johan N van der Meer", "van der Meer") == 1
    assert author_matches("van der Meer, Johan N", "van der Meer") == 1
    assert author_matches("Hugo de Vries", "de Vries") == 1
    assert author_matches("Hugo de Vries", "De Vries") == 1
    assert author_matches("Johan Meer", "van der Meer") == 0
    assert author_matches("Ailish Malone", "Ailish Malone") == 1  # a full name, given names first, as before
