"""JATS reader (PMC Open Access, efetch db=pmc, PMC OAI, publishers): golden fixtures
compared field by field with values written by hand, named entities of the JATS DTD,
bad articles in a set, and hostile XML."""

from __future__ import annotations

from dataclasses import asdict

import pytest

from conftest import FIXTURES
from golden import fixture_records
from litdb.readers import jats, pubmed_xml
from litdb.records import Author, Claim, Grant, PaperRecord, RecordError, Reference

DIR = FIXTURES / "jats"
DOCTYPE = ('<!DOCTYPE article PUBLIC "-//NLM//DTD JATS (Z39.96) Journal Publishing DTD v1.2 20190208//EN" '
           '"JATS-journalpublishing1.dtd">\n')


def test_pmc_open_access_article_every_field():
    got, = fixture_records(jats, "pmc_oa_article.nxml")
    assert asdict(got) == asdict(PaperRecord(
        format="jats",
        title="Cerebellar output shapes Tor1a dystonia in mice: a role for the dentate nucleus",
        doi="10.5555/s12311-022-01402-7",
        pmid="99940021",
        pmcid="PMC9994021",
        # the sections' titles lead their first paragraph; the body is not the abstract
        abstract=("Background: The cerebellum is implicated in Tor1a dystonia.\n\n"
                  "Methods: We silenced dentate output with DREADDs.\n\n"
                  "Motor behaviour was scored blind.\n\n"
                  "Results: Silencing reduced dystonic postures by 40 %."),
        journal_title="Cerebellum (London, England)",
        journal_abbreviation="Cerebellum",
        year=2023,
        publication_date="2023-06",  # the print issue's date
        epub_date="2022-05-14",
        volume="22",
        issue="3",
        pages="412-424",
        issns=["1473-4222", "1473-4230"],
        authors=[
            Author("Anna K. Lindqvist", "Lindqvist", "Anna K.", "0000-0002-1694-233X",
                   ["Department of Neuroscience, Example University, Uppsala, Sweden",
                    "Institute of Movement Disorders, Pune, India"]),
            Author("Rahul Deshpande", "Deshpande", "Rahul", None, ["Institute of Movement Disorders, Pune, India"]),
            # its member listed inside the collab is not an author of the paper; the editor neither
            Author("Cerebellar Dystonia Working Group", group=True),
        ],
        publication_types=["Journal Article"],
        keywords=["Cerebellum", "Dentate nucleus", "DYT1 dystonia"],
        grants=[Grant("R01 NS088528/National Institute of Neurological Disorders and Stroke", "R01 NS088528", None,
                      "National Institute of Neurological Disorders and Stroke")],
        copyright="© The Author(s) 2022",
        references=[
            Reference(1, "Hallett M. Neurophysiology of dystonia: the role of inhibition. Neurobiol Dis. 2011;42(2):177-184.",
                      authors="Hallett M", title="Neurophysiology of dystonia: the role of inhibition", journal="Neurobiol Dis",
                      year=2011, volume="42", issue="2", pages="177-184", doi="10.1016/j.nbd.2010.08.025", pmid="20817092"),
            Reference(2, "Fremont R, Tewari A, Khodakhah K et al. Aberrant Purkinje cell activity is the cause of dystonia "
                         "in a shRNA-based mouse model of Rapid Onset Dystonia-Parkinsonism. Neurobiol Dis. 2015;82:200-212.",
                      authors="Fremont R, Tewari A, Khodakhah K et al",
                      title="Aberrant Purkinje cell activity is the cause of dystonia in a shRNA-based mouse model of "
                            "Rapid Onset Dystonia-Parkinsonism",
                      journal="Neurobiol Dis", year=2015, volume="82", pages="200-212"),
            Reference(3, "World Health Organization. Neurological disorders: public health challenges. Geneva: WHO; 2006.",
                      authors="World Health Organization", journal="Neurological disorders: public health challenges",
                      year=2006),
        ],
        claims=[Claim("license", "https://creativecommons.org/licenses/by/4.0/", "licence of the article (JATS permissions)")],
    ))


def test_publisher_article_with_named_entities_every_field():
    got, = fixture_records(jats, "publisher_article.xml")
    assert asdict(got) == asdict(PaperRecord(
        format="jats",
        title="The cerebellum in dystonia — from networks to therapy",  # &nbsp;&mdash;
        doi="10.5555/fneur.2021.654321",
        abstract=("Dystonia was long held to be a disorder of the basal ganglia… This review covers the cerebellum’s role."
                  "\n\nWe close with therapy: deep brain stimulation–based approaches."),  # not the graphical one
        journal_title="Frontiers in Neurology",
        journal_abbreviation="Front. Neurol.",
        year=2021,
        publication_date="2021",  # the collection
        epub_date="2021-06-08",  # iso-8601-date of the electronic publication
        volume="12",
        pages="654321",  # the elocation-id stands for the pages
        issns=["1664-2295"],
        authors=[
            Author("Li Wang", "Wang", "Li", None, ["Department of Neurology, Example Hospital, Shanghai, China"]),
            Author("Christopher J. O’Neill Jr.", "O’Neill", "Christopher J.", "0000-0003-0000-0001",
                   ["Centre for Motor Control, Example University, Dublin, Ireland"]),
        ],
        publication_types=["Review"],
        keywords=["cerebellum", "dystonia", "deep brain stimulation"],  # not the French ones, nor abbreviations
        copyright="Copyright © 2021 Wang and O’Neill.",
        references=[
            Reference(1, "Shakkottai VG, Batla A, Bhatia K, Dauer WT, Dresel C, Niethammer M, et al. Current opinions and "
                         "areas of consensus on the role of the cerebellum in dystonia. Cerebellum. (2017) 16:577–94. "
                         "doi: 10.1007/s12311-016-0825-6",
                      authors="Shakkottai VG, Batla A, Bhatia K, Dauer WT, Dresel C, Niethammer M et al",
                      title="Current opinions and areas of consensus on the role of the cerebellum in dystonia",
                      journal="Cerebellum.", year=2017, volume="16", pages="577-594", doi="10.1007/s12311-016-0825-6"),
            Reference(2, "Bologna M, Berardelli A. Cerebellum: an explanation for dystonia? Cerebellum Ataxias. (2017) 4:6. "
                         "10.1186/s40673-017-0064-8",
                      authors="Bologna M, Berardelli A", title="Cerebellum: an explanation for dystonia?",
                      journal="Cerebellum Ataxias.", year=2017, volume="4", pages="6", doi="10.1186/s40673-017-0064-8"),
        ],
        claims=[Claim("license", "http://creativecommons.org/licenses/by/4.0/", "licence of the article (JATS permissions)")],
    ))


def test_efetch_pmc_articleset_one_record_an_article_and_a_bad_one_in_its_place():
    got = fixture_records(jats, "efetch_pmc_articleset.xml")
    assert asdict(got[0]) == asdict(PaperRecord(
        format="jats",
        title="Correction to: “Cerebellar volume in cervical dystonia”",
        doi="10.5555/braincomms/fcab011",
        pmid="99930011",
        pmcid="PMC9993011",
        journal_title="Brain Communications",
        journal_abbreviation="Brain Commun",
        year=2021,
        publication_date="2021",
        epub_date="2021-02-03",
        volume="3",
        issue="1",
        pages="fcab011",
        issns=["2632-1297"],
        publication_types=["Published Erratum"],
        line=3,
    ))
    assert got[1] == RecordError(2, 38, "a JATS article with no title and no DOI, PMID or PMCID")
    assert asdict(got[2]) == asdict(PaperRecord(
        format="jats",
        title="Cerebellar volume in cervical dystonia",
        pmcid="PMC9993012",
        journal_title="Brain Communications",
        journal_abbreviation="Brain Commun",
        year=2021,
        publication_date="2021-01",  # season "Jan-Feb"
        epub_date="2021-01",
        volume="3",
        pages="e1-e9",
        issns=["2632-1297"],
        # one affiliation, linked to nobody: every author's
        authors=[Author("Chidinma Okafor", "Okafor", "Chidinma", None,
                        ["Department of Clinical Neuroscience, Example University, Example City, UK"]),
                 Author("Jane Roe", "Roe", "Jane", None,
                        ["Department of Clinical Neuroscience, Example University, Example City, UK"])],
        publication_types=["Journal Article"],
        line=52,
    ))
    assert len(got) == 3


def test_pmc_oai_record_in_the_jats_namespace():
    got, = fixture_records(jats, "pmc_oai_getrecord.xml")
    assert asdict(got) == asdict(PaperRecord(
        format="jats",
        title="Essential tremor with dystonia: a cerebellar signature?",
        doi="10.5555/tohm.801",
        pmid="99920001",
        pmcid="PMC9992001",
        abstract="Tremor and dystonia often co-occur.",
        journal_title="Tremor and Other Hyperkinetic Movements",
        journal_abbreviation="Tremor Other Hyperkinet Mov (N Y)",
        year=2023,
        publication_date="2023",
        epub_date="2023-10-18",
        volume="13",
        pages="37",
        issns=["2160-8288"],
        authors=[Author("Mei-Ling Zhou", "Zhou", "Mei-Ling", None,
                        ["Department of Neurology, University of Example, Example City, USA"])],
        publication_types=["Journal Article"],
    ))


def test_an_entity_no_list_names_stays_as_written():
    text = DOCTYPE + ('<article><front><article-meta><title-group><article-title>A &unknownthing; B &amp;lt; C</article-title>'
                      '</title-group></article-meta></front></article>')
    got, = jats.read(text)
    assert got.title == "A &unknownthing; B &lt; C"


def test_an_article_without_title_or_identifier_is_a_value_error():
    text = DOCTYPE + "<article><front><article-meta><title-group><article-title/></title-group></article-meta></front></article>"
    with pytest.raises(ValueError, match="^a JATS article with no title and no DOI, PMID or PMCID$"):
        list(jats.read(text))


@pytest.mark.parametrize("text, message", [
    (DOCTYPE + "<article><front><journal-meta/></front></article>", "a JATS article without <front>/<article-meta>"),
    ('<pmc-articleset><journal-meta/></pmc-articleset>', "no <article> in the <pmc-articleset>"),
    # cut after the 30 characters of line 2; the reason after the place is libxml2's (lxml pinned)
    (DOCTYPE + "<article><front><article-meta>",
     "invalid XML at line 2, column 31: Premature end of data in tag article-meta line 2"),
])
def test_broken_files_give_one_line_value_errors(text, message):
    with pytest.raises(ValueError) as e:
        list(jats.read(text))
    assert "\n" not in str(e.value)
    assert str(e.value) == message


def test_looks_like_claims_jats_only():
    for path in sorted(DIR.iterdir()):
        text = path.read_text(encoding="utf-8")
        assert jats.looks_like(text) and not pubmed_xml.looks_like(text), path.name
    for path in sorted((FIXTURES / "pubmed_xml").iterdir()):
        assert not jats.looks_like(path.read_text(encoding="utf-8")), path.name
    assert not jats.looks_like("<html><body><article><front>not JATS</front></article></body></html>")
    assert not jats.looks_like('{"message": {"abstract": "<jats:p>JATS inside Crossref JSON</jats:p>"}}')
    assert not jats.looks_like("TY  - JOUR\nN2  - <article><front>\nER  - \n")
    assert not jats.looks_like('<?xml version="1.0"?><OAI-PMH><ListRecords><record><metadata><oai_dc:dc/>'
                               '</metadata></record></ListRecords></OAI-PMH>')


# Hostile XML: refused or inert, and nothing of /etc/passwd reaches a record.
TITLE = "<article><front><article-meta><title-group><article-title>{}</article-title></title-group></article-meta></front></article>"
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE article [\n<!ENTITY lol "lol">\n'
          + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">\n' for i in range(1, 10))
          + ']>\n' + TITLE.format("&lol9;"))
EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' + TITLE.format("&xxe;")
PARAMETER = ('<?xml version="1.0"?>\n<!DOCTYPE article [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n'
             + TITLE.format("Title"))
XINCLUDE = DOCTYPE + TITLE.format(
    'Title <xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="file:///etc/passwd" parse="text"/>')
HIDDEN = EXTERNAL.replace("?>\n", "?>\n<!--" + "x" * 70000 + "-->\n", 1)  # the doctype past where parse_xml looks


def test_a_deeply_nested_50_mb_file_is_refused_at_depth_256():
    # lxml stops at its depth limit (huge_tree off): no tree of millions of levels is
    # built. (How long it takes is scripts/bench_readers.py's: no clock in a test.)
    depth = 50 * 1024 * 1024 // 7
    text = DOCTYPE + "<article><front><article-meta>" + "<p>" * depth + "</p>" * depth + "</article-meta></front></article>"
    with pytest.raises(ValueError, match="Excessive depth in document: 256"):
        list(jats.read(text))


def test_footnote_marks_are_no_part_of_the_title():
    text = DOCTYPE + TITLE.format('Dystonia and the cerebellum<xref ref-type="fn" rid="fn1">&#x2020;</xref>')
    got, = jats.read(text)
    assert got.title == "Dystonia and the cerebellum"


def test_mathml_and_tex_in_title_and_abstract():
    # PMC prints a formula in every form it has (<alternatives>: TeX source, MathML, a
    # picture) and MathML may carry its TeX as an annotation: the text is the formula once
    got, = fixture_records(jats, "pmc_oa_math_title.nxml")
    assert asdict(got) == asdict(PaperRecord(
        format="jats",
        title="Cerebellar θ-burst stimulation and Ca2+ currents in Mus musculus",
        doi="10.1186/s40673-019-0097-1", pmid="31000003", pmcid="PMC7000003",
        abstract="Trains of θ bursts raised Ca2+ influx in Mus musculus Purkinje cells.",
        journal_title="Cerebellum & Ataxias", journal_abbreviation="Cerebellum Ataxias",
        year=2019, publication_date="2019", epub_date="2019-09-02", volume="6", pages="9",
        issns=["2053-8871"],
        authors=[Author("Kenji Ito", "Ito", "Kenji", None, ["The University of Tokyo, Tokyo, Japan"])],
        publication_types=["Journal Article"],
        copyright="© The Author(s) 2019",
        claims=[Claim("license", "https://creativecommons.org/licenses/by/4.0/",
                      "licence of the article (JATS permissions)")],
    ))


@pytest.mark.parametrize("text", [LAUGHS, EXTERNAL, PARAMETER], ids=["billion-laughs", "external-entity",
                                                                     "parameter-entity"])
def test_a_hostile_article_is_claimed_so_the_build_says_why_it_is_refused(text):
    # an internal DTD is part of the prolog: the file is JATS, refused for its entities
    # (not "unknown format")
    from litdb.readers import detect
    assert detect(text) == "jats"


def test_bmc_licence_url_only_in_the_licence_text():
    # BMC's files in PMC: no xlink:href on <license>, no ali:license_ref; the licence URL is
    # an <ext-link> in <license-p>, before the data waiver's (CC0 for the data, not the article)
    got, = fixture_records(jats, "bmc_licence_in_text.nxml")
    affiliation = "Department of Human Neurosciences, Sapienza University of Rome, Viale dell’Università 30, 00185 Rome, Italy"
    assert asdict(got) == asdict(PaperRecord(
        format="jats",
        title="Cerebellum: an explanation for dystonia?",
        doi="10.1186/s40673-017-0064-8",
        pmid="28515951",
        pmcid="PMC5429509",
        abstract=("Background: Dystonia is a movement disorder…\n\n"
                  "Main body: Recent evidence suggests the cerebellum – not only the basal ganglia."),
        journal_title="Cerebellum & Ataxias",
        journal_abbreviation="Cerebellum Ataxias",
        year=2017,
        publication_date="2017",  # the collection's year
        epub_date="2017-05-12",
        volume="4",
        pages="6",  # the elocation-id
        issns=["2053-8871"],
        authors=[
            Author("Matteo Bologna", "Bologna", "Matteo", "0000-0001-6391-0000",
                   [affiliation, "Neuromed Institute IRCCS, Pozzilli, IS Italy"]),
            Author("Alfredo Berardelli", "Berardelli", "Alfredo", None, [affiliation]),
            Author("The Dystonia Coalition", group=True),
        ],
        publication_types=["Review"],
        keywords=["Dystonia", "Cerebellum", "Basal ganglia"],
        grants=[Grant("GR-2011/Ministero della Salute", "GR-2011", None, "Ministero della Salute")],
        copyright="© The Author(s). 2017",
        references=[
            Reference(1, "Hallett M. Neurophysiology of dystonia: the role of inhibition. Neurobiol Dis. 2011;42:177–184.",
                      authors="Hallett M", title="Neurophysiology of dystonia: the role of inhibition",
                      journal="Neurobiol Dis", year=2011, volume="42", pages="177-184"),
            Reference(2, "Filip P et al. Dystonia and the cerebellum. Clin Neurophysiol. 2013;124:1269-1276.",
                      authors="Filip P et al", title="Dystonia and the cerebellum", journal="Clin Neurophysiol",
                      year=2013, volume="124", pages="1269-1276"),
        ],
        claims=[Claim("license", "http://creativecommons.org/licenses/by/4.0/", "licence of the article (JATS permissions)")],
    ))


@pytest.mark.parametrize("licence_p, url", [
    # a link that is not a licence (the publisher's terms) is none
    ('See <ext-link ext-link-type="uri" xlink:href="https://www.springer.com/terms">the terms</ext-link>.', None),
    ('Public domain: <uri xlink:href="https://creativecommons.org/publicdomain/mark/1.0/">mark</uri>.',
     "https://creativecommons.org/publicdomain/mark/1.0/"),
    ('Licensed CC BY-NC (<ext-link>http://creativecommons.org/licenses/by-nc/4.0/</ext-link>).',
     "http://creativecommons.org/licenses/by-nc/4.0/"),
])
def test_licence_link_in_the_text(licence_p, url):
    text = (DOCTYPE + '<article xmlns:xlink="http://www.w3.org/1999/xlink"><front><article-meta><title-group>'
            '<article-title>T</article-title></title-group><permissions><license><license-p>' + licence_p +
            '</license-p></license></permissions></article-meta></front></article>')
    [record] = jats.read(text)
    assert record.claims == ([Claim("license", url, "licence of the article (JATS permissions)")] if url else [])


def test_a_mixed_citation_without_punctuation_is_printed_from_its_parts():
    """Some publishers' mixed-citations hold their parts with nothing between them: read
    as text they would run together; they are printed as an element-citation is. One
    with its own punctuation keeps it."""
    bare = ('<mixed-citation publication-type="journal"><person-group person-group-type="author"><name>'
            '<surname>Hallett</surname><given-names>M</given-names></name></person-group><article-title>'
            'Neurophysiology of dystonia: the role of inhibition</article-title><source>Neurobiol Dis</source>'
            '<year>2011</year><volume>42</volume><fpage>177</fpage><lpage>184</lpage>'
            '<pub-id pub-id-type="doi">10.1016/j.nbd.2010.08.025</pub-id></mixed-citation>')
    punctuated = ('<mixed-citation><collab>World Health Organization</collab>. <source>Neurological disorders'
                  '</source>. <publisher-loc>Geneva</publisher-loc>: <publisher-name>WHO</publisher-name>; '
                  '<year>2006</year>.</mixed-citation>')
    text = ('<article><front><article-meta><title-group><article-title>A title</article-title></title-group>'
            '</article-meta></front><back><ref-list>'
            f'<ref id="r1">{bare}</ref><ref id="r2">{punctuated}</ref></ref-list></back></article>')
    got, = jats.read(text)
    assert got.references == [
        Reference(1, "Hallett M. Neurophysiology of dystonia: the role of inhibition. Neurobiol Dis. 2011;42:177-184.",
                  authors="Hallett M", title="Neurophysiology of dystonia: the role of inhibition",
                  journal="Neurobiol Dis", year=2011, volume="42", pages="177-184", doi="10.1016/j.nbd.2010.08.025"),
        Reference(2, "World Health Organization. Neurological disorders. Geneva: WHO; 2006.",
                  authors="World Health Organization", journal="Neurological disorders", year=2006),
    ]


def test_a_string_name_with_its_parts_gives_family_and_given_names():
    """<string-name> holding <surname> and <given-names> (some publishers' JATS) is a
    structured name; a bare string-name stays a display name."""
    text = ('<article><front><article-meta><title-group><article-title>A title</article-title></title-group>'
            '<contrib-group><contrib contrib-type="author"><string-name><given-names>Ana</given-names> '
            '<surname>da Silva</surname></string-name></contrib>'
            '<contrib contrib-type="author"><string-name>Mark Hallett</string-name></contrib>'
            '</contrib-group></article-meta></front></article>')
    got, = jats.read(text)
    assert got.authors == [Author("Ana da Silva", "da Silva", "Ana"), Author("Mark Hallett", "Hallett", "Mark")]
