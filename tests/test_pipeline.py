"""The pipeline with exports of many records: each record is a paper, a bad record is
left out on its own (listed with its file, place and reason), a big export is shared
among the workers with the same result, and a paper found in several files (of several
formats) is merged once."""

from __future__ import annotations

import json
import os

import sqlite_utils

from conftest import SEEDS, dump, run_build
from litdb import build as pipeline


def medline_record(pmid: int, title: str, doi: str | None = None, extra: str = "") -> str:
    lines = [f"PMID- {pmid}", "OWN - NLM", "STAT- MEDLINE", "DP  - 2016 Mar", f"TI  - {title}",
             "FAU - Malone, Ailish", "AU  - Malone A", "AD  - Department of Neurology, Dublin, Ireland.",
             "PT  - Journal Article", "TA  - Cerebellum", "JT  - Cerebellum (London, England)",
             "IS  - 1473-4230 (Electronic)", "IS  - 1473-4222 (Linking)"]
    if doi:
        lines.append(f"AID - {doi} [doi]")
    return "\n".join(lines) + extra + "\n"


def test_a_bad_record_is_left_out_on_its_own(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    bad = "OWN - NLM\nSTAT- MEDLINE\nDP  - 2016\nPT  - Journal Article\n"  # no PMID, no title
    text = "\n".join([medline_record(101, "First paper."), bad, medline_record(103, "Third paper.")])
    (seeds / "export.nbib").write_text(text, encoding="utf-8")
    result = run_build("--seeds", seeds, "--db", tmp_path / "out.db")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(": 1 files loaded, 0 rejected, 1 bad records left out; 2 papers, 0 references, "
                                  "1 authors, 1 journals\n")
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{seeds / 'export.nbib'}: record 2 (line 15): rejected: ")
    db = sqlite_utils.Database(tmp_path / "out.db")
    assert [(r["format"], r["status"], r["records"], r["rejected_records"]) for r in db["sources"].rows] == [
        ("medline", "loaded", 2, 1)]
    [rejected] = db["rejected_records"].rows
    assert (rejected["source_id"], rejected["position"], rejected["line"]) == (1, 2, 15)
    assert sorted(r["title"] for r in db["papers"].rows) == ["First paper.", "Third paper."]
    # the strict build says the export was not read whole
    assert run_build("--seeds", seeds, "--db", tmp_path / "strict.db", "--strict").returncode == 1


def test_a_file_of_bad_records_only_is_rejected(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "export.nbib").write_text("PMID- 1\nOWN - NLM\nDP  - 2016\n", encoding="utf-8")
    result = run_build("--seeds", seeds, "--db", tmp_path / "out.db")
    db = sqlite_utils.Database(tmp_path / "out.db")
    [source] = db["sources"].rows
    assert source["status"] == "rejected" and source["error"].startswith("no record could be read; record 1 (line 1): ")
    assert db["papers"].count == 0 and db["rejected_records"].count == 1
    assert result.stdout.endswith(": 0 files loaded, 1 rejected, 1 bad records left out; 0 papers, 0 references, "
                                  "0 authors, 0 journals\n")


def test_a_big_export_is_shared_among_workers_with_the_same_result(tmp_path, monkeypatch):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    records = [medline_record(1000 + k, f"Paper number {k} on the cerebellum.", doi=f"10.5555/p.{k}")
               for k in range(600)]
    records[300] = "PMID- 1300\nOWN - NLM\n"  # a bad one in the middle
    (seeds / "big.nbib").write_text("\n".join(records), encoding="utf-8")
    # the seed page's paper again, in a second export: one paper, two sources
    page_paper = medline_record(25223555, "Dissecting the links between cerebellum and dystonia.",
                                doi="10.1007/s12311-014-0601-4")
    (seeds / "more.nbib").write_text(page_paper, encoding="utf-8")
    for seed in SEEDS.iterdir():
        (seeds / seed.name).write_bytes(seed.read_bytes())
    with open(os.devnull, "w") as null:
        assert pipeline.build(seeds, tmp_path / "one.db", out=null, err=null, workers=1) == 0
        monkeypatch.setattr(pipeline, "SLICE_BYTES", 1000)  # every export is read in parts
        monkeypatch.setattr(pipeline, "MERGE_CHUNK", 7)
        assert pipeline.build(seeds, tmp_path / "two.db", out=null, err=null, workers=2) == 0
    assert dump(tmp_path / "one.db") == dump(tmp_path / "two.db")
    db = sqlite_utils.Database(tmp_path / "two.db")
    sources = {r["filename"]: (r["records"], r["rejected_records"]) for r in db["sources"].rows}
    assert sources["big.nbib"] == (599, 1) and sources["more.nbib"] == (1, 0)
    assert db["papers"].count == 599 + 2
    [rejected] = db["rejected_records"].rows
    assert (rejected["position"], rejected["line"]) == (301, 4501)  # 15 lines a record before it
    paper = db["papers"].get("486bd29b069a")  # the id the page's DOI gives
    assert paper["source_count"] == 2 and paper["pmid"] == "25223555"
    formats = [f for (f,) in db.execute(
        "select distinct sources.format from provenance join sources on sources.id = source_id "
        "where paper_id = '486bd29b069a' order by 1")]
    assert formats == ["medline", "pubmed_page"]
    # the curated MEDLINE record and the page agree once normalised: one title, no disagreement
    assert paper["title"] == "Dissecting the links between cerebellum and dystonia"
    assert db.execute("select count(*) from disagreement_fields where paper_id = '486bd29b069a' "
                      "and field = 'title'").fetchone() == (0,)
    journal = db["journals"].get(paper["journal_id"])
    assert journal["issn_l"] == "1473-4222" and json.loads(journal["issns"]) == ["1473-4222", "1473-4230"]


def test_a_big_export_broken_in_one_part_is_refused_whole(tmp_path, monkeypatch):
    """A byte that is no text in the last part of a big export refuses the file, as a
    whole-file read would; the records its other parts staged are not loaded."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    data = "\n".join(medline_record(1000 + k, f"Paper {k}.") for k in range(100)).encode("utf-8")
    at = len(data) - 40
    (seeds / "big.nbib").write_bytes(data[:at] + b"\x81" + data[at + 1:])  # 0x81: no character in any code page read
    monkeypatch.setattr(pipeline, "SLICE_BYTES", 2000)
    with open(os.devnull, "w") as null:
        assert pipeline.build(seeds, tmp_path / "out.db", out=null, err=null, workers=2) == 0
    db = sqlite_utils.Database(tmp_path / "out.db")
    [source] = db["sources"].rows
    assert (source["status"], source["error"], source["records"]) == (
        "rejected", f"not UTF-8 text: invalid byte 0x81 at offset {at}", 0)
    assert db["papers"].count == 0


def pubmed_xml_set(count: int, extra_prolog: str = "") -> str:
    records = "".join(
        f'<PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{40000000 + k}</PMID>'
        f"<Article><Journal><Title>Cerebellum</Title></Journal><ArticleTitle>Cerebellar paper {k}.</ArticleTitle>"
        f"</Article></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType=\"doi\">10.5555/x.{k}</ArticleId>"
        f"</ArticleIdList></PubmedData></PubmedArticle>\n" for k in range(count))
    return (f'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
            f'"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n{extra_prolog}<PubmedArticleSet>\n'
            f"{records}</PubmedArticleSet>\n")


def test_a_big_pubmed_xml_set_is_read_in_parts_with_the_same_result(tmp_path, monkeypatch):
    """A PubMed XML set bigger than a part is cut at its records' bytes, as MEDLINE is
    (before, the build stopped with a TypeError on any PubMed XML file over 4 MB); one
    with a comment past its declaration is read whole by one part."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "pubmed.xml").write_text(pubmed_xml_set(300), encoding="utf-8")
    (seeds / "commented.xml").write_text(pubmed_xml_set(40, "<!-- saved from efetch -->\n").replace(
        "Cerebellar paper", "Commented paper").replace("4000", "5000").replace("10.5555/x.", "10.5555/c."),
        encoding="utf-8")
    # entities declared in its doctype: refused whole, as a file read whole is, never in parts
    (seeds / "entities.xml").write_text(pubmed_xml_set(60).replace(
        '.dtd">', '.dtd" [<!ENTITY x "y">]>').replace("4000", "6000").replace("10.5555/x.", "10.5555/e."),
        encoding="utf-8")
    with open(os.devnull, "w") as null:
        assert pipeline.build(seeds, tmp_path / "one.db", out=null, err=null, workers=1) == 0
        monkeypatch.setattr(pipeline, "SLICE_BYTES", 2000)  # every file is read in parts
        assert pipeline.build(seeds, tmp_path / "two.db", out=null, err=null, workers=2) == 0
    assert dump(tmp_path / "one.db") == dump(tmp_path / "two.db")
    db = sqlite_utils.Database(tmp_path / "two.db")
    assert {r["filename"]: (r["status"], r["records"]) for r in db["sources"].rows} == {
        "pubmed.xml": ("loaded", 300), "commented.xml": ("loaded", 40), "entities.xml": ("rejected", 0)}
    assert db.execute("select error from sources where filename = 'entities.xml'").fetchone() == (
        "XML with an internal DTD or entity declarations is refused (entities are never expanded)",)
    assert db["papers"].count == 340
    assert db.execute("select title from papers where pmid = '40000299'").fetchone() == ("Cerebellar paper 299.",)
