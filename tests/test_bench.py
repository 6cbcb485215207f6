"""The benchmark's pieces work, on tiny corpora: the generator of every format, the
floor loader, and a smoke run of scripts/bench.py. (The figures themselves live in
docs/benchmarks.md; no test times anything.)"""

import collections
import json
import sqlite3
import subprocess
import sys

from conftest import FIXTURES, ROOT

from litdb.readers import BY_NAME, decode, detect
from litdb.records import RecordError

sys.path.insert(0, str(ROOT / "scripts"))
import generate_exports  # noqa: E402

# what each kind of file the generator writes must be read as
READ_AS = {"medline": "medline", "pubmed_xml": "pubmed_xml", "pubmed_csv": "pubmed_csv", "ris": "ris",
           "bibtex": "bibtex", "csl_json": "csl_json", "openalex_page": "openalex", "crossref_list": "crossref",
           "pubmed_page": "pubmed_page", "aggregator": "aggregator_json", "pmc_page": "pmc_page",
           "openalex_work": "openalex", "crossref_work": "crossref", "semantic_scholar": "semantic_scholar",
           "jats": "jats"}


def read_folder(folder):
    """{file name: (format, records, RecordErrors)} for every file the readers accept."""
    out = {}
    for path in sorted(folder.iterdir()):
        try:
            text = decode(path.read_bytes())
        except ValueError:
            continue  # a broken file (binary, empty), as the generator makes a few
        name = detect(text)
        try:
            items = list(BY_NAME[name].read(text)) if name else []
        except ValueError:
            items = []  # a truncated JSON record
        out[path.name] = (name, [i for i in items if not isinstance(i, RecordError)],
                          [i for i in items if isinstance(i, RecordError)])
    return out


def test_every_format_in_a_small_export_corpus(tmp_path):
    counts = generate_exports.generate(600, str(tmp_path / "a"), seed=3, workers=2)
    assert counts["records"] == 600
    read = read_folder(tmp_path / "a")
    kinds = {name.split("_", 1)[1].rsplit(".", 1)[0] for name in read}
    assert kinds == set(READ_AS)  # all fifteen kinds of file are there
    for name, (fmt, records, errors) in read.items():
        kind = name.split("_", 1)[1].rsplit(".", 1)[0]
        if fmt is not None:
            assert fmt == READ_AS[kind], name
    by_format = collections.defaultdict(list)
    for fmt, records, errors in read.values():
        by_format[fmt] += records
    # multi-record files hold many records
    assert max(len(r) for f, r, e in read.values() if f == "medline") > 1
    # papers are shared between formats: one DOI in files of two different formats
    formats_of = collections.defaultdict(set)
    for fmt, records, _ in read.values():
        for record in records:
            if record.doi:
                formats_of[record.doi].add(fmt)
    assert any(len(f) > 1 for f in formats_of.values())
    # every record has a title, except the generator's bad ones (which the build rejects)
    untitled = sum(1 for fmt, records, _ in read.values() for r in records if not (r.title or "").strip())
    errors = sum(len(e) for _, _, e in read.values())
    assert untitled + errors == counts["bad"] > 0


def test_exports_are_the_same_for_the_same_arguments(tmp_path):
    generate_exports.generate(300, str(tmp_path / "a"), seed=5, workers=1)
    generate_exports.generate(300, str(tmp_path / "b"), seed=5, workers=2)
    generate_exports.generate(300, str(tmp_path / "c"), seed=6, workers=1)
    a = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    assert a == {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert a != {p.name: p.read_bytes() for p in (tmp_path / "c").iterdir()}


def test_one_medline_file_of_all_records(tmp_path):
    counts = generate_exports.generate(250, str(tmp_path / "m"), seed=5, single_medline=True)
    files = list((tmp_path / "m").iterdir())
    assert [p.name for p in files] == ["000000_medline.nbib"]
    text = decode(files[0].read_bytes())
    assert detect(text) == "medline" and text.count("\nPMID- ") == 250 == counts["records"]


def test_floor_reads_every_format(tmp_path):
    """The floor on the readers' own fixtures: the records and titles counted by hand."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    picks = ["medline/pubmed-cerebellum-set.nbib", "ris/zotero.ris", "bibtex/zotero.bib",
             "pubmed_csv/csv-cerebellum-set.csv", "crossref/work_list.json", "openalex/results_page.json",
             "pubmed_xml/efetch_two_records.xml", "jats/pmc_oa_article.nxml", "pmc_page/new_layout_frontiers.txt",
             "semantic_scholar/paper.json", "csl_json/zotero_export.json"]
    for pick in picks:
        (seeds / pick.replace("/", "_")).write_bytes((FIXTURES / pick).read_bytes())
    db = tmp_path / "floor.db"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "floor_loader.py"), "--seeds", str(seeds), "--db", str(db)],
                   check=True, capture_output=True)
    conn = sqlite3.connect(db)
    per_file = dict(conn.execute("select file, count(*) from papers group by file"))
    assert per_file["medline_pubmed-cerebellum-set.nbib"] == 5
    assert per_file["ris_zotero.ris"] == 3
    assert per_file["bibtex_zotero.bib"] == 3
    assert per_file["pubmed_csv_csv-cerebellum-set.csv"] == 6
    assert per_file["pubmed_xml_efetch_two_records.xml"] == 2
    assert per_file["jats_pmc_oa_article.nxml"] == 1
    assert per_file["semantic_scholar_paper.json"] == 1
    titles = {t for (t,) in conn.execute("select title from papers")}
    assert "Dissecting the links between cerebellum and dystonia." in titles  # MEDLINE
    assert "Cerebellar Contributions to Isolated Dystonia: A Review of Imaging and Physiology" in titles  # PMC page
    assert ("Cerebellar output shapes Tor1a dystonia in mice: a role for the dentate nucleus"
            in titles)  # JATS: markup dropped, white space folded
    dois = {d for (d,) in conn.execute("select doi from papers where file = 'crossref_work_list.json'")}
    assert "10.1371/journal.pone.0245678" in dois


def test_benchmark_runs_end_to_end(tmp_path):
    # 30 records: 20 files, every one of the generator's 15 kinds among them (120 took
    # 0.4 to 0.7 s more CPU for the same run of every step; no figure is checked here)
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench.py"), "--n", "30", "--requests", "2", "--work", str(tmp_path),
         "--settle", "0"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "| build / floor |" in out and "| floor (scripts/floor_loader.py) |" in out
    assert "| read and stage every record |" in out  # the build's steps, with their CPU use
    for page in ("papers table + facets", "full-text search, ranked (canned query)",
                 "search in the papers table + facets", "paper page", "100-row JSON", "references by journal, year"):
        assert f"| {page} |" in out
    assert "Best of 2 runs each, taking turns" in out
    results = json.loads((tmp_path / "exports-n30" / "results.json").read_text())
    assert [len(results["runs_s"][name]) for name in ("floor", "build")] == [2, 2]
    assert results["build_s"] == min(results["runs_s"]["build"])
    assert results["build_cpu_s"] > 0 and results["build_mb"] > 0
