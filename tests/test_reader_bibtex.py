"""Golden tests of the BibTeX / BibLaTeX reader: every field of every record of each
fixture (Zotero BibTeX, Zotero BibLaTeX, JabRef), written out by hand."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from golden import expected, fixture_records, fixture_text, person
from litdb.readers import bibtex, decode, detect
from litdb.records import Author, Claim, PaperRecord, RecordError

FIXTURES = Path(__file__).parent / "fixtures" / "bibtex"


MALONE = [person("Ailish Malone", "Malone", "Ailish"), person("Mario Manto", "Manto", "Mario"),
          person("Chris Hass", "Hass", "Chris")]


def test_zotero_bibtex():
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "zotero.bib")]
    assert records == [
        expected("bibtex",
            title="Dissecting the links between cerebellum and dystonia", doi="10.1007/s12311-014-0601-4",
            pmid="25146823",
            abstract="Dystonia is a common movement disorder characterized by sustained muscle contractions. Recent "
            "human studies show that 50% of the cerebellum circuitry matters in DYT1 carriers, p < 0.05.",
            journal_title="Cerebellum (London, England)", year=2014, publication_date="2014-12", volume="13",
            issue="6", pages="666-668", issns=["1473-4230"], authors=MALONE, publication_types=["Journal Article"],
            keywords=["Humans", "Dystonia", "Cerebellum"], claims=[Claim("language", "eng")], line=2),
        expected("bibtex",
            title="Cerebellum: An explanation for dystonia?", doi="10.1186/s40673-017-0064-8", pmid="28515951",
            pmcid="PMC5427546", journal_title="Cerebellum & Ataxias", year=2017, publication_date="2017-05",
            volume="4", pages="6", issns=["2053-8871"],
            authors=[person("Matteo Bologna", "Bologna", "Matteo"),
                     person("Alfredo Berardelli", "Berardelli", "Alfredo")],
            publication_types=["Journal Article"], line=21),
        # {Dystonia Coalition} in braces is one group author; the editor is no author,
        # the book title the chapter's journal (as MEDLINE has it), the ISBN no ISSN
        expected("bibtex",
            title="The role of the cerebellum in DYT1 dystonia", journal_title="Dystonia: a handbook",
            year=2019, publication_date="2019",
            pages="101-120", authors=[Author(name="Dystonia Coalition", group=True)],
            publication_types=["Book Chapter"], line=37),
    ]


def test_zotero_biblatex():
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "zotero-biblatex.bib")]
    assert records == [
        expected("bibtex",
            title="Dissecting the links between cerebellum and dystonia", doi="10.1007/s12311-014-0601-4",
            pmid="25146823", journal_title="Cerebellum", journal_abbreviation="Cerebellum", year=2014,
            publication_date="2014-12", volume="13", issue="6", pages="666-668", issns=["1473-4222", "1473-4230"],
            authors=MALONE, publication_types=["Journal Article"], keywords=["Cerebellum", "Dystonia"],
            claims=[Claim("language", "english")], line=2),
        expected("bibtex",
            title="The functional neuroanatomy of dystonia", doi="10.1016/j.nbd.2011.01.026",
            journal_title="Neurobiology of Disease", journal_abbreviation="Neurobiol. Dis.", year=2011,
            publication_date="2011-05-05", volume="42", issue="2", pages="185-201",
            authors=[person("Vladimir K. Neychev", "Neychev", "Vladimir K."),
                     person("Robert E. Gross", "Gross", "Robert E."), person("Stéphane Lehéricy", "Lehéricy", "Stéphane"),
                     person("Ellen J. Hess", "Hess", "Ellen J."), person("H. A. Jinnah", "Jinnah", "H. A.")],
            publication_types=["Journal Article"], claims=[Claim("language", "english")], line=21),
    ]


def test_jabref_latex_macros_and_others():
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "jabref.bib")]
    assert records == [
        # the journal is an @string macro joined with # to a braced part; keywords with ";"
        expected("bibtex",
            title="The basal ganglia and the cerebellum: nodes in an integrated network",
            doi="10.1038/s41583-018-0002-7", journal_title="Nature Reviews Neuroscience", year=2018,
            publication_date="2018-06", volume="19", issue="6", pages="338-350", issns=["1471-003X"],
            authors=[person("Andreea C. Bostan", "Bostan", "Andreea C."),
                     person("Peter L. Strick", "Strick", "Peter L.")],
            publication_types=["Journal Article"], keywords=["basal ganglia", "cerebellum", "Models, Neurological"],
            line=7),
        # LaTeX accents, {\o}, \c{c}, ~---, $\alpha$, {DYT1} braces, "and others", a paragraph break
        expected("bibtex",
            title="Cerebellar and basal ganglia outputs in DYT1 dystonia — a multicentre MRI study of α-synuclein",
            abstract="We studied DYT1 carriers.\n\nCerebellar outputs differed – as expected.",
            journal_title="Movement Disorders", year=2019, publication_date="2019", volume="34", pages="e12345",
            authors=[person("Stéphane Lehéricy", "Lehéricy", "Stéphane"),
                     person("Johanna C. van der Berg", "van der Berg", "Johanna C."), person("Jörg Müller", "Müller", "Jörg"),
                     person("Françoise François", "François", "Françoise"), person("Søren Kjær", "Kjær", "Søren")],
            authors_complete=False, publication_types=["Journal Article"], line=22),
    ]


def test_broken_entry_never_loses_its_neighbours():
    records = fixture_records(bibtex, "bad-records.bib")
    assert [type(r).__name__ for r in records] == ["PaperRecord", "RecordError", "RecordError", "PaperRecord"]
    assert records[1] == RecordError(
        position=2, line=9, reason="BibTeX entry could not be parsed: Unexpected block start: `@misc`. "
        "Was still looking for field-value closing `,` or `}`")
    assert records[2] == RecordError(position=3, line=14, reason="BibTeX entry nothing has no title, DOI, PMID or PMCID")
    assert dataclasses.asdict(records[0]) == expected("bibtex",
        title="The neural substrates of rapid-onset Dystonia-Parkinsonism", doi="10.1038/nn.2753",
        journal_title="Nature Neuroscience", year=2011, publication_date="2011",
        authors=[person("Dawn P. Calderon", "Calderon", "Dawn P."), person("Rachel Fremont", "Fremont", "Rachel"),
                 person("Felix Kraenzlin", "Kraenzlin", "Felix"),
                 person("Kamran Khodakhah", "Khodakhah", "Kamran")], publication_types=["Journal Article"], line=1)
    assert dataclasses.asdict(records[3]) == expected("bibtex",
        title="Cerebellothalamocortical connectivity regulates penetrance in dystonia",
        journal_title="Journal of Neuroscience", year=2009, publication_date="2009", volume="29", issue="31",
        pages="9740-9747", authors=[person("Miklos Argyelan", "Argyelan", "Miklos"),
                                    person("Maren Carbon", "Carbon", "Maren")],
        publication_types=["Journal Article"], line=19)


def test_split_records():
    pieces = bibtex.split_records(decode((FIXTURES / "bad-records.bib").read_bytes()))
    assert [line for line, _ in pieces] == [1, 9, 14, 19]
    assert pieces[2][1] == "@misc{nothing,\n  note = {No title and no identifier},\n  year = {2011},\n}\n"
    read = [bibtex.read(piece) for _, piece in pieces]
    assert [r[0].line for r in read] == [1, 1, 1, 1]
    # each piece read alone (so at its own line 1): the title that never closes runs to the end
    assert read[1] == [RecordError(1, 1, "BibTeX entry could not be parsed: Unexpectedly reached end of file.")]
    assert read[2] == [RecordError(1, 1, "BibTeX entry nothing has no title, DOI, PMID or PMCID")]
    assert read[3][0].pages == "9740-9747"
    # a file with @string macros stays whole; a leading blank line (Zotero) is no piece
    jabref = decode((FIXTURES / "jabref.bib").read_bytes())
    assert bibtex.split_records(jabref) == [(1, jabref)]
    assert [line for line, _ in bibtex.split_records(decode((FIXTURES / "zotero.bib").read_bytes()))] == [2, 21, 37]


def test_comments_and_preambles_are_not_records():
    text = "@comment{x}\n@preamble{\"\\relax\"}\n@article{a, title = {Only one}}\n@Comment{jabref-meta: x;}\n"
    records = bibtex.read(text)
    assert [(r.title, r.line) for r in records] == [("Only one", 3)]
    assert bibtex.split_records(text) == [(3, "@article{a, title = {Only one}}\n")]


def test_every_fixture_is_claimed_as_bibtex_only():
    for path in sorted(FIXTURES.glob("*.bib")):
        text = decode(path.read_bytes())
        assert bibtex.looks_like(text), path.name
        assert detect(text) == "bibtex", path.name


@pytest.mark.parametrize("text", [
    "TY  - JOUR\nTI  - @article{x}\nER  - \n",
    "PMID- 1\nTI  - x\n",
    "Email me @home {today}\n",
    '{"title": "@article{x, }"}',
])
def test_other_formats_are_not_bibtex(text):
    assert not bibtex.looks_like(text)


def test_no_entry_is_a_one_line_value_error():
    with pytest.raises(ValueError) as e:
        bibtex.read("@comment{nothing here}\n% and a comment\n")
    assert str(e.value) == "no BibTeX entry in the file"


def test_truncated_input_never_raises_anything_else():
    full = decode((FIXTURES / "jabref.bib").read_bytes()) + decode((FIXTURES / "zotero.bib").read_bytes())
    for cut in range(0, len(full), 11):
        try:
            results = bibtex.read(full[:cut])
        except ValueError as e:
            assert "\n" not in str(e)
            continue
        assert all(isinstance(r, (PaperRecord, RecordError)) for r in results)
        assert all("\n" not in r.reason for r in results if isinstance(r, RecordError))
    deep = "@article{a, title = {" + "{" * 3000 + "x" + "}" * 3000 + "}}\n"
    assert bibtex.read(deep)[0].title == "x"


def test_five_thousand_entries_are_five_thousand_records():
    # 2,500 copies of a 32-line file of two entries (at its lines 2 and 21), keys made unique.
    # (How long it takes, and against twice as many, is scripts/bench_readers.py's: no clock in a test.)
    one = decode((FIXTURES / "zotero-biblatex.bib").read_bytes())
    text = "".join(one.replace("_2014,", f"_{i},").replace("_2011,", f"_b{i},") for i in range(2500))
    records = bibtex.read(text)
    assert len(records) == 5000 and all(isinstance(r, PaperRecord) for r in records)
    assert [(r.doi, r.line) for r in records[:2] + records[-2:]] == [
        ("10.1007/s12311-014-0601-4", 2), ("10.1016/j.nbd.2011.01.026", 21),
        ("10.1007/s12311-014-0601-4", 32 * 2499 + 2), ("10.1016/j.nbd.2011.01.026", 32 * 2499 + 21)]
    assert {r.title for r in records} == {"Dissecting the links between cerebellum and dystonia",
                                          "The functional neuroanatomy of dystonia"}
    pieces = bibtex.split_records(text)
    assert [line for line, _ in pieces[-2:]] == [32 * 2499 + 2, 32 * 2499 + 21] and len(pieces) == 5000


def test_scopus_bibtex_with_its_export_header():
    # Scopus opens its .bib with "Scopus" and "EXPORT DATE: ..." lines; it writes the PMID
    # as pubmed_id, the abbreviation as abbrev_source_title, an article number as
    # art_number, "cited By 45" in note, ISSNs without their hyphen, the copyright at the
    # end of the abstract, author and index keywords apart.
    text = decode((FIXTURES / "scopus.bib").read_bytes())
    assert detect(text) == "bibtex"
    records = [dataclasses.asdict(r) for r in bibtex.read(text)]
    assert records == [
        expected("bibtex",
            title="Dissecting the links between cerebellum and dystonia", doi="10.1007/s12311-014-0601-4",
            pmid="25146823",
            abstract="Dystonia is a common movement disorder characterized by sustained muscle contractions.",
            copyright="© 2014, Springer Science+Business Media New York.",
            journal_title="Cerebellum", journal_abbreviation="Cerebellum", year=2014, publication_date="2014",
            volume="13", issue="6", pages="666-668", citation_count=45, issns=["1473-4222"],
            authors=[person("A. Malone", "Malone", "A."), person("M. Manto", "Manto", "M."),
                     person("C. Hass", "Hass", "C.")],
            publication_types=["Journal Article", "Review"],
            keywords=["Cerebellum", "Dystonia", "animal", "human"],
            claims=[Claim("language", "English")], line=4),
        expected("bibtex",
            title="Cerebellum: An explanation for dystonia?", doi="10.1186/s40673-017-0064-8", pmid="28515951",
            journal_title="Cerebellum and Ataxias", journal_abbreviation="Cerebellum Ataxias", year=2017,
            publication_date="2017", volume="4", issue="1", pages="6", citation_count=12, issns=["2053-8871"],
            authors=[person("M. Bologna", "Bologna", "M."),
                     person("A. Berardelli", "Berardelli", "A.")], publication_types=["Journal Article"],
            claims=[Claim("language", "English")], line=30),
    ]
    assert [piece[0] for piece in bibtex.split_records(text)] == [4, 30]


def test_web_of_science_bibtex():
    # Web of Science doubles its braces, puts the electronic ISSN in EISSN, the ISO
    # abbreviation in Journal-ISO, the citation count in Times-Cited, its accession number
    # in Unique-ID and its document type in Type; Keywords-Plus are its own index terms.
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "wos.bib")]
    assert records == [
        expected("bibtex",
            title="Dissecting the links between cerebellum and dystonia", doi="10.1007/s12311-014-0601-4",
            abstract="Dystonia is a common movement disorder characterized by sustained muscle contractions.",
            journal_title="CEREBELLUM", journal_abbreviation="Cerebellum", year=2014, publication_date="2014-12",
            volume="13", issue="6", pages="666-668", citation_count=45, issns=["1473-4222", "1473-4230"],
            authors=MALONE, publication_types=["Journal Article", "Editorial Material"],
            keywords=["Dystonia", "Cerebellum"],
            claims=[Claim("language", "English"), Claim("accession_number", "WOS:000344817400001", "Web of Science")],
            line=1),
    ]


@pytest.mark.parametrize("text", [
    "Scopus\nEXPORT DATE: 01 December 2024\n\nTY  - JOUR\nTI  - x\nER  - \n",  # a Scopus RIS is no BibTeX
    "Scopus\nEXPORT DATE: 01 December 2024\n\nMalone A., Manto M.\nDissecting the links\n",  # Scopus plain text
])
def test_scopus_header_before_other_text_is_not_bibtex(text):
    assert not bibtex.looks_like(text)


def test_a_key_across_lines_gives_a_reason_on_one_line():
    # the fuzz found an entry whose key runs across lines (a tag line pasted into it):
    # the reason named the key with its new lines in it
    text = "@article{nothin\nPMID- 1\ng,\n  year = {2019}\n}\n@article{ok,\n title = {Fine}\n}\n"
    bad, good = bibtex.read(text)
    assert bad == RecordError(1, 1, "BibTeX entry nothin PMID- 1 g has no title, DOI, PMID or PMCID")
    assert (good.title, good.line) == ("Fine", 6)


def test_pieces_are_the_blocks_bibtexparser_finds():
    # "@ rticle{" (a space after "@") opens no block for bibtexparser: it is no piece of
    # split_records either (it was one, which alone read as "no BibTeX entry": the fuzz found it)
    text = "@article{a,\n  title = {One},\n}\n\n@ rticle{b,\n  title = {Two},\n}\n@article{c,\n  title = {Three},\n}\n"
    assert [line for line, _ in bibtex.split_records(text)] == [1, 8]
    assert [(r.title, r.line) for r in bibtex.read(text)] == [("One", 1), ("Three", 8)]


# The escape table before pylatexenc (bibtex._simple_latex): the same text both ways.
ESCAPES = [
    r'{\"o}', r'\"o', r'\"{o}', r"\'e", r"{\'e}", r"\'{E}", r"\`a", r"\^o", r"\~n", r"\=a", r"\.z", r"\c{c}",
    r"{\c c}", r"{\c{c}}", r"\v{s}", r"{\v s}", r"\H{o}", r"\k{a}", r"\r{a}", r"\u{g}", r"{\o}", r"{\O}", r"{\ss}",
    r"{\aa}", r"{\AA}", r"{\ae}", r"{\AE}", r"{\oe}", r"{\OE}", r"{\l}", r"{\L}", r"{\i}", r"50\% of", r"A \& B",
    r"a\_b", r"\#1", r"\$5", r"{DNA} and {RNA}", r"Schr{\"o}dinger's {\"U}ber-{T}est", r"Lehéricy, St{\'e}phane",
    r"Dvo{\v r}{\'a}k", r"Erd{\H o}s", r"{\L}{\'o}d{\'z}", r"Gr{\o}nb{\ae}k", r"M{\"u}ller--Lyer",
    r"``quoted''", r"x~y", r"$\alpha$-synuclein", r"\textit{in vivo}", r"{\"{\i}}", r"na{\"\i}ve", r"10\%--20\%",
    r"Parkinson`s", r"caf\'e au lait", r"\'{}", "{\\'e}\n\nSecond paragraph",
]


def _both_ways(text):
    fast = bibtex._latex.__wrapped__(text)
    table = bibtex._simple_latex
    try:
        bibtex._simple_latex = lambda value: None  # every value through pylatexenc
        slow = bibtex._latex.__wrapped__(text)
    finally:
        bibtex._simple_latex = table
    return fast, slow


@pytest.mark.parametrize("text", ESCAPES)
def test_the_escape_table_gives_what_pylatexenc_gives(text):
    fast, slow = _both_ways(text)
    assert fast == slow


def test_the_escape_table_decodes_common_escapes_itself():
    # typed by hand; None: left to pylatexenc
    assert [bibtex._simple_latex(t) for t in (r'{\"o}', r"\'e", r"{\c c}", r"\v{s}", r"{\ss}", r"50\% of",
                                               r"{DNA}", r"$x$", r"\textit{a}", r"a--b")] == [
        "ö", "é", "ç", "š", "ß", "50% of", "DNA", None, None, None]


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.bib")))
def test_every_fixture_reads_the_same_with_and_without_the_escape_table(name, monkeypatch):
    text = decode((FIXTURES / name).read_bytes())
    bibtex._latex.cache_clear()
    fast = [dataclasses.asdict(r) for r in bibtex.read(text)]
    monkeypatch.setattr(bibtex, "_simple_latex", lambda value: None)
    bibtex._latex.cache_clear()
    slow = [dataclasses.asdict(r) for r in bibtex.read(text)]
    bibtex._latex.cache_clear()
    assert fast == slow


def test_scopus_current_bibtex_document_type_and_cited_by():
    # Scopus's current .bib: the document type in `type` (no longer `document_type`),
    # `publication_stage`, `source = {Scopus}`, `note = {Cited by: 45}` or with the open
    # access words after it; @CONFERENCE with type "Conference paper" is one type
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "scopus_current.bib")]
    assert records == [
        expected("bibtex",
            title="Dissecting the links between cerebellum and dystonia", doi="10.1007/s12311-014-0601-4",
            pmid="25146823", abstract="Dystonia is a disabling movement disorder.",
            copyright="© 2014, Springer Science+Business Media New York.",
            journal_title="Cerebellum", journal_abbreviation="Cerebellum", year=2014, publication_date="2014",
            volume="13", issue="6", pages="666-668", citation_count=45, issns=["1473-4222"],
            authors=[person("A. Malone", "Malone", "A."), person("M. Manto", "Manto", "M."),
                     person("C. Hass", "Hass", "C.")],
            publication_types=["Journal Article", "Review"],
            keywords=["Basal ganglia", "Cerebellum", "Dystonia", "animal", "human"],
            claims=[Claim("language", "English")], line=4),
        expected("bibtex",
            title="Cerebellum: An explanation for dystonia?", doi="10.1186/s40673-017-0064-8",
            journal_title="Cerebellum and Ataxias", journal_abbreviation="Cerebellum Ataxias", year=2017,
            publication_date="2017", volume="4", issue="1", pages="6", citation_count=3, issns=["2053-8871"],
            authors=[person("M. Bologna", "Bologna", "M."), person("A. Berardelli", "Berardelli", "A.")],
            publication_types=["Journal Article", "Editorial"], claims=[Claim("language", "English")], line=31),
        expected("bibtex",
            title="Surround inhibition in dystonia", year=2008, publication_date="2008", pages="12-14",
            citation_count=0, authors=[person("M. Hallett", "Hallett", "M.")],
            publication_types=["Conference Paper"], line=49),
    ]


def test_web_of_science_bibtex_document_types_joined_by_semicolons():
    # Type = {{Article; Proceedings Paper}}: a conference paper printed in a journal;
    # {{Review; Early Access}}: a review, online before its issue (a status, not a type)
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "wos_document_types.bib")]
    assert records == [
        expected("bibtex",
            title="Neurophysiology of dystonia: The role of inhibition", doi="10.1016/j.nbd.2010.08.025",
            abstract="The pathophysiology of dystonia has been best studied.",
            journal_title="NEUROBIOLOGY OF DISEASE", journal_abbreviation="Neurobiol. Dis.", year=2011,
            publication_date="2011-05", volume="42", issue="2, SI", pages="177-184", citation_count=142,
            issns=["0969-9961", "1095-953X"], authors=[person("Mark Hallett", "Hallett", "Mark")],
            publication_types=["Journal Article", "Conference Paper"],
            keywords=["Dystonia", "Inhibition", "Surround inhibition"],
            claims=[Claim("accession_number", "WOS:000289391300009", "Web of Science")], line=3),
        expected("bibtex",
            title="The functional neuroanatomy of dystonia", doi="10.1016/j.nbd.2011.01.026",
            journal_title="NEUROBIOLOGY OF DISEASE", journal_abbreviation="Neurobiol. Dis.", year=2011,
            publication_date="2011-05", volume="42", issue="2", pages="185-201", citation_count=392,
            issns=["0969-9961"],
            authors=[person("Vladimir K. Neychev", "Neychev", "Vladimir K."),
                     person("Robert E. Gross", "Gross", "Robert E."),
                     person("Stephane Lehericy", "Lehericy", "Stephane"), person("Ellen J. Hess", "Hess", "Ellen J."),
                     person("H. A. Jinnah", "Jinnah", "H. A.")],
            publication_types=["Journal Article", "Review"],
            claims=[Claim("status", "Early Access", "type = {Review; Early Access}"),
                    Claim("accession_number", "WOS:000289391300010", "Web of Science")], line=25),
    ]


def test_greek_letters_as_zotero_writes_them_in_text():
    """Zotero writes a Greek letter in a title or abstract as textgreek's {\\textalpha}:
    kept as the letter (pylatexenc alone dropped it: "the 3 isoform")."""
    [record] = bibtex.read("@article{k,\n  title = {The {\\textalpha}3 isoform and {\\textbeta}-amyloid},\n"
                           "  abstract = {Mutations of the {\\textalpha}3 subunit; 5 {\\textmu}m; $\\gamma$ band.},\n}\n")
    assert (record.title, record.abstract) == ("The α3 isoform and β-amyloid", "Mutations of the α3 subunit; 5 µm; γ band.")


def test_mendeley_desktop_header_is_a_comment():
    # Mendeley Desktop opens its .bib with three lines of free text (no "%"), which BibTeX
    # reads as a comment; the file was an unknown format. Mendeley writes the fields in
    # alphabetical order, the title in double braces, `month = {may}`, PubMed's short page
    # ranges, keywords joined by "," and its own file and mendeley-groups fields.
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "mendeley.bib")]
    assert records == [
        expected("bibtex",
            title="Neurophysiology of dystonia: The role of inhibition.", doi="10.1016/j.nbd.2010.08.025",
            abstract="The pathophysiology of dystonia has been best studied in focal hand dystonia.",
            journal_title="Neurobiology of disease", year=2011, publication_date="2011-05", volume="42", issue="2",
            pages="177-184", issns=["1095-953X"], authors=[person("Mark Hallett", "Hallett", "Mark")],
            publication_types=["Journal Article"], keywords=["Dystonia", "Inhibition", "Surround inhibition"],
            line=6),
        expected("bibtex",
            title="Cerebellum: An explanation for dystonia?", doi="10.1186/s40673-017-0064-8",
            journal_title="Cerebellum & Ataxias", year=2017, publication_date="2017", volume="4", pages="6",
            issns=["2053-8871"], authors=[person("Matteo Bologna", "Bologna", "Matteo"),
                                          person("Alfredo Berardelli", "Berardelli", "Alfredo")],
            publication_types=["Journal Article"], line=22),
    ]
    assert [line for line, _ in bibtex.split_records(fixture_text("bibtex", "mendeley.bib"))] == [6, 22]


@pytest.mark.parametrize("header", [
    # the headers other tools write above the first entry (as found in public .bib files)
    "This file was created with JabRef 2.1 beta 2.\nEncoding: Cp1252\n\n",  # JabRef 2: free text
    "% This file was created with JabRef 2.7b.\n% Encoding: UTF-8\n\n",
    "% Encoding: UTF-8\n\n",  # JabRef 5
    "%% This BibTeX bibliography file was created using BibDesk.\n%% http://bibdesk.sourceforge.net/\n\n\n"
    "%% Created for Rob Managan at 2006-11-15 12:53:16 -0800 \n\n\n"
    "%% Saved with string encoding Unicode (UTF-8) \n\n\n\n",
    "%% Created using Papers on Thu, 11 Aug 2016.\n%% http://papersapp.com/papers/\n\n",
    "Scopus\nEXPORT DATE: 01 March 2024\n\n",
    "\n",  # Zotero
])
def test_tools_headers_before_the_first_entry(header):
    text = header + ("@article{Estrada2010,\nauthor = {Estrada, Ernesto},\n"
                     "title = {{Quantifying network heterogeneity}},\n}\n")
    assert detect(text) == "bibtex"
    assert [(r.title, r.authors[0].name) for r in bibtex.read(text)] == [("Quantifying network heterogeneity",
                                                                          "Ernesto Estrada")]


def test_more_than_a_header_of_text_before_an_entry_is_not_bibtex():
    # a page copied as text that quotes a BibTeX entry (a "Cite" box) is no BibTeX file:
    # six lines of text before the first "@" are more than any tool's header
    page = ("Dissecting the links between cerebellum and dystonia\n\nAilish Malone, Mario Manto, Chris Hass\n"
            "Cerebellum. 2014 Dec;13(6):666-8.\ndoi: 10.1007/s12311-014-0601-4.\nPMID: 25146823\nCite\n"
            "@article{malone2014,\n  title = {Dissecting the links between cerebellum and dystonia},\n}\n")
    assert not bibtex.looks_like(page)
    assert bibtex.looks_like(page.split("\n", 2)[2])  # five lines of text: a header
    # an "@" inside a line (an e-mail address) opens no entry
    assert not bibtex.looks_like("Corresponding author\nmmanto@ulb.ac.be {Brussels}\n")


def test_crossref_entries_inherit_from_their_parent_which_is_no_paper():
    # A chapter (or a conference paper) cross-references its book (or proceedings): it takes
    # the fields it lacks from it (Hallett2008 its year and month, its language), never the
    # parent's own identity (its title, DOI, link, keywords). The parents have editors and no
    # authors: they are no papers of their own.
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "crossref.bib")]
    assert records == [
        expected("bibtex",
            title="Early-Onset Isolated Dystonia Overview", journal_title="GeneReviews®", year=2016,
            publication_date="2016", pmid="20301665",  # from its note
            authors=[person("Laurie Ozelius", "Ozelius", "Laurie"), person("Naomi Lubarr", "Lubarr", "Naomi")],
            publication_types=["Book Chapter"], line=3),
        expected("bibtex",  # the proceedings' title, inherited as booktitle: its journal
            title="Surround inhibition in dystonia",
            journal_title="Abstracts of the 12th International Congress of Parkinson's Disease and Movement Disorders",
            year=2008, publication_date="2008-06", pages="12-14",
            authors=[person("Mark Hallett", "Hallett", "Mark")], publication_types=["Conference Paper"],
            claims=[Claim("language", "English")], line=11),
    ]
    # read in pieces, a chapter would not find its book: a file with crossref stays whole
    text = fixture_text("bibtex", "crossref.bib")
    assert bibtex.split_records(text) == [(1, text)]


def test_crossref_book_title_and_what_is_not_inherited():
    # the parent's title is the child's booktitle; its author, title, identifiers, links,
    # abstract and keywords are its own
    parent = {"title": "GeneReviews{\\textregistered}", "editor": "Adam, Margaret P.", "author": "Pagon, Roberta",
              "publisher": "University of Washington, Seattle", "year": "1993", "doi": "10.5555/x",
              "url": "https://www.ncbi.nlm.nih.gov/books/NBK1116/", "abstract": "About the book.", "keywords": "a, b"}
    child = {"title": "Early-Onset Isolated Dystonia Overview", "crossref": "GeneReviews", "year": "2016"}
    assert bibtex._inherit(child, parent) == {
        "title": "Early-Onset Isolated Dystonia Overview", "crossref": "GeneReviews", "year": "2016",
        "booktitle": "GeneReviews{\\textregistered}", "editor": "Adam, Margaret P.",
        "publisher": "University of Washington, Seattle"}


def test_a_cross_referenced_entry_with_authors_is_a_paper():
    # a monograph with authors whose chapter is listed too is two papers; the parent may come
    # first, keys match whatever their case, an unknown key is no parent
    text = ("@book{Jankovic2007,\n  author = {Jankovic, Joseph and Tolosa, Eduardo},\n"
            "  title = {Parkinson's Disease and Movement Disorders},\n  year = {2007},\n}\n"
            "@incollection{ch,\n  author = {Hallett, Mark},\n  title = {Dystonia},\n"
            "  crossref = {jankovic2007},\n}\n"
            "@incollection{lost,\n  title = {Its book is elsewhere},\n  crossref = {nowhere},\n}\n")
    assert [(r.title, r.year, r.publication_types) for r in bibtex.read(text)] == [
        ("Parkinson's Disease and Movement Disorders", 2007, ["Book"]), ("Dystonia", 2007, ["Book Chapter"]),
        ("Its book is elsewhere", None, ["Book Chapter"])]


def test_scopus_math_and_copyright_macro_in_an_abstract():
    # Scopus writes the copyright sign as {\copyright} and ions as Na$^{+}$: the abstract read
    # "... Na^+/K^+ ATPase ... dystonia-parkinsonism. 2014 the authors." with no copyright
    records = [dataclasses.asdict(r) for r in fixture_records(bibtex, "scopus_math.bib")]
    assert records == [
        expected("bibtex",
            title="Abnormal high-frequency burst firing of cerebellar neurons in rapid-onset dystonia-parkinsonism",
            doi="10.1523/jneurosci.1409-14.2014",
            abstract="Loss-of-function mutations in the α3 isoform of the Na+/K+ ATPase cause rapid-onset "
            "dystonia-parkinsonism.", copyright="© 2014 the authors.", journal_title="Journal of Neuroscience",
            year=2014, publication_date="2014", volume="34", issue="35", pages="11723-11732", issns=["0270-6474"],
            authors=[person("Rachel Fremont", "Fremont", "Rachel"),
                     person("D. Paola Calderon", "Calderon", "D. Paola"), person("Sara Maleki", "Maleki", "Sara"),
                     person("Kamran Khodakhah", "Khodakhah", "Kamran")],
            publication_types=["Journal Article"], line=4),
    ]


def test_sub_and_superscripts_in_math_are_their_text():
    # as <sup> and <sub> are dropped from HTML: Ca$^{2+}$ -> Ca2+, CO$_{2}$ -> CO2; a
    # superscript circle is the degree sign; \copyright and \textcopyright are ©
    [record] = bibtex.read("@article{k,\n  title = {Ca$^{2+}$ waves, CO$_2$ and H$_{2}$O$_{2}$ at 37$^{\\circ}$C "
                           "in $\\alpha$-motor neurons of $x^2$ mice},\n"
                           "  abstract = {Purkinje cells fire. Copyright {\\copyright} 2015 Elsevier Inc.},\n}\n")
    assert (record.title, record.abstract, record.copyright) == (
        "Ca2+ waves, CO2 and H2O2 at 37°C in α-motor neurons of x2 mice", "Purkinje cells fire.",
        "Copyright © 2015 Elsevier Inc.")
    # an escaped dollar is no math: its ^ and _ are left to the LaTeX decoding
    assert bibtex._latex.__wrapped__("\\$5 and \\$6") == "$5 and $6"


def test_pubmed_ids_in_a_note():
    text = ("@incollection{ozelius2016,\n  title = {Early-Onset Isolated Dystonia Overview},\n"
            "  author = {Ozelius, Laurie},\n  note = {PMID: 20301665 PMCID: PMC1234567},\n}\n")
    [record] = bibtex.read(text)
    assert (record.pmid, record.pmcid) == ("20301665", "PMC1234567")


def test_escaped_literals_and_negative_exponents_keep_their_meaning():
    """Mendeley escapes a literal tilde, caret and bar ("{\\~{}}5 Hz", "2{\\^{}}3",
    "{\\textbar}"): they stay; a negative exponent in math is NLM's "10(-8)", not "10-8"."""
    text = ("@article{s2017,\n  title = {T},\n  abstract = {fell to {\\~{}}5 Hz; 2{\\^{}}3 design; a {\\textbar} b; "
            "$p = 2 \\times 10^{-8}$; 1200 mm$^{3}$},\n}\n")
    [record] = bibtex.read(text)
    assert record.abstract == "fell to ~5 Hz; 2^3 design; a | b; p = 2 × 10(-8); 1200 mm3"
