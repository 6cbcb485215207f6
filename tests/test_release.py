"""make release (scripts/release.py) on the seeds' database: the files, their bytes, the
Frictionless package (validated with frictionless), CITATION.cff (validated against the
CFF 1.2.0 JSON schema), SHA256SUMS (checked with sha256sum), CHANGES.md against a
previous release, and byte-identical releases of the same seeds."""

from __future__ import annotations

import gzip
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import frictionless
import jsonschema
import pytest
import yaml

from conftest import FIXTURES, ROOT, SEEDS, build_quietly

RELEASE = [sys.executable, str(ROOT / "scripts" / "release.py")]
TABLES = ["journals", "papers", "authors", "paper_authors", "paper_references", "mesh_terms", "grants", "topics",
          "paper_topics", "sources", "rejected_records", "disagreement_fields", "provenance"]
FILES = sorted(["CHANGES.md", "CITATION.cff", "SHA256SUMS", "datapackage.json", "inspect-data.json",
                "literature.db"] + [f"{t}.{ext}" for t in TABLES for ext in ("csv.gz", "ndjson.gz")])
# The CFF 1.2.0 schema, as shipped in cffconvert 2.0.0 (cffconvert/schemas/1.2.0/schema.json).
CFF_SCHEMA = json.loads((FIXTURES / "cff" / "schema-1.2.0.json").read_text())


def release(db: Path, out: Path, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([*RELEASE, "--db", str(db), "--out", str(out), *map(str, extra)],
                          capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("release-db") / "literature.db"
    build_quietly(SEEDS, db)
    return db


@pytest.fixture(scope="module")
def dist(seeds_db, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "dist"
    result = release(seeds_db, out)
    assert result.returncode == 0, result.stderr
    return out


def test_files(dist, seeds_db):
    assert sorted(p.name for p in dist.iterdir()) == FILES
    assert (dist / "literature.db").read_bytes() == seeds_db.read_bytes()
    inspect = json.loads((dist / "inspect-data.json").read_text())
    assert inspect["literature"]["file"] == "literature.db"
    assert inspect["literature"]["tables"]["papers"]["count"] == 2
    assert inspect["literature"]["tables"]["topics"]["count"] == 27


def test_same_seeds_same_bytes(dist, tmp_path):
    """Built again from the same seeds elsewhere, released elsewhere: every byte equal."""
    db = tmp_path / "again" / "literature.db"
    db.parent.mkdir()
    build_quietly(SEEDS, db)
    out = tmp_path / "somewhere" / "else"
    assert release(db, out).returncode == 0
    assert sorted(p.name for p in out.iterdir()) == FILES
    for name in FILES:
        assert (out / name).read_bytes() == (dist / name).read_bytes(), name


def test_gzip_headers_hold_no_time_and_no_name(dist):
    for name in FILES:
        if name.endswith(".gz"):
            head = (dist / name).read_bytes()[:10]
            assert head[:3] == b"\x1f\x8b\x08", name
            assert head[3] == 0, f"{name}: flags set (a file name?)"
            assert head[4:8] == b"\0\0\0\0", f"{name}: a modification time"


def test_csv_and_ndjson_rows(dist):
    with gzip.open(dist / "sources.csv.gz", "rt", newline="") as f:
        lines = f.read().split("\r\n")
    assert lines[0] == "id,filename,sha256,bytes,format,status,error,records,rejected_records"
    assert lines[1] == ("1,000_a766678b1bddf855.txt,025d35669a982349247b3cb7c0aa0136378eff08cabb85cc3750157fc2f621d9,"
                        "2170,pubmed_page,loaded,,1,0")
    assert lines[3:] == [""] and len(lines) == 4
    with gzip.open(dist / "journals.ndjson.gz", "rt") as f:
        assert f.read().splitlines() == [
            '{"id":"0cf861b7e02d","name":"Cerebellum","title":null,"abbreviation":"Cerebellum","issn_l":null,'
            '"issns":null,"paper_count":1}',
            '{"id":"a6d5cc27217e","name":"Cerebellum and Ataxias","title":"Cerebellum and Ataxias",'
            '"abbreviation":null,"issn_l":null,"issns":null,"paper_count":1}',
        ]
    with gzip.open(dist / "papers.ndjson.gz", "rt") as f:
        papers = [json.loads(line) for line in f]
    assert [(p["id"], p["title"], p["year"], p["pages"]) for p in papers] == [
        ("486bd29b069a", "Dissecting the links between cerebellum and dystonia", 2014, "666-668"),
        ("9c8f9033fd60", "Cerebellum: An explanation for dystonia?", 2017, "6"),
    ]
    assert gzip.decompress((dist / "mesh_terms.csv.gz").read_bytes()) == b"paper_id,position,term,qualifier,major\r\n"
    assert gzip.decompress((dist / "mesh_terms.ndjson.gz").read_bytes()) == b""


def test_sha256sums_check_with_sha256sum(dist):
    result = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=dist, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == len(FILES) - 1
    assert "SHA256SUMS: OK" not in result.stdout


def test_datapackage_valid_with_frictionless(dist):
    report = frictionless.validate(str(dist / "datapackage.json"))
    failed = {task.name: [e.note for e in task.errors] for task in report.tasks if not task.valid}
    # frictionless 5.21's JSONL parser cannot read an empty file ("generator raised
    # StopIteration" from next() on it): these tables are empty in the seeds' database
    # and their NDJSON is zero bytes, which is a valid empty NDJSON file (checked above).
    assert failed == {f"{t}-ndjson": ["generator raised StopIteration"]
                      for t in ("mesh_terms", "grants", "rejected_records", "disagreement_fields")}
    rows = {task.name: task.stats.get("rows") for task in report.tasks}
    assert rows["papers"] == rows["papers-ndjson"] == 2
    assert rows["topics"] == rows["topics-ndjson"] == 27
    assert rows["provenance"] == 39


def test_datapackage_fields_from_metadata_and_schema(dist):
    package = json.loads((dist / "datapackage.json").read_text())
    assert package["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert package["licenses"][0]["name"] == "CC0-1.0"
    names = [r["name"] for r in package["resources"]]
    assert names == [n for t in TABLES for n in (t, f"{t}-ndjson")] + ["literature-sqlite"]
    papers = package["resources"][names.index("papers")]
    assert papers["path"] == "papers.csv.gz" and papers["format"] == "csv" and papers["compression"] == "gz"
    fields = {f["name"]: f for f in papers["schema"]["fields"]}
    assert len(fields) == 24
    assert fields["year"] == {"name": "year", "type": "integer", "description": "Year of publication (integer)."}
    assert fields["title"]["type"] == "string" and fields["title"]["constraints"] == {"required": True}
    assert fields["doi"]["description"] == "Digital Object Identifier, lower case, without the https://doi.org/ prefix."
    assert papers["schema"]["primaryKey"] == ["id"]
    assert papers["schema"]["foreignKeys"] == [
        {"fields": ["journal_id"], "reference": {"resource": "journals", "fields": ["id"]}}]
    refs = package["resources"][names.index("paper_references")]["schema"]
    assert refs["primaryKey"] == ["paper_id", "position"]
    db = package["resources"][-1]
    assert db["path"] == "literature.db" and db["bytes"] == (dist / "literature.db").stat().st_size


def test_frictionless_sees_a_damaged_file(dist, tmp_path):
    """The validation can fail: a CSV whose integer column holds a word is an error, and
    its bytes and hash no longer match the descriptor's."""
    copy = tmp_path / "copy"
    shutil.copytree(dist, copy)
    text = gzip.decompress((copy / "sources.csv.gz").read_bytes()).decode()
    (copy / "sources.csv.gz").write_bytes(gzip.compress(text.replace(",2170,", ",many,").encode()))
    report = frictionless.validate(str(copy / "datapackage.json"))
    task = next(t for t in report.tasks if t.name == "sources")
    assert sorted(e.type for e in task.errors) == ["byte-count", "hash-count", "type-error"]


def test_citation_cff_valid_per_schema(dist):
    cff = yaml.safe_load((dist / "CITATION.cff").read_text())
    jsonschema.validate(cff, CFF_SCHEMA)
    db_hash = (dist / "SHA256SUMS").read_text().split("  literature.db\n")[0].rsplit("\n", 1)[-1]
    assert cff["version"] == "db-" + db_hash[:12]
    assert cff["identifiers"][0]["value"] == "sha256:" + db_hash
    assert "date-released" not in cff  # no SOURCE_DATE_EPOCH: no date, so the bytes do not depend on the day
    jsonschema.validate(yaml.safe_load((ROOT / "CITATION.cff").read_text()), CFF_SCHEMA)
    broken = dict(cff)
    del broken["authors"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, CFF_SCHEMA)


def test_version_and_date(seeds_db, tmp_path):
    out = tmp_path / "dist"
    result = subprocess.run([*RELEASE, "--db", str(seeds_db), "--out", str(out), "--version", "2026.12"],
                            capture_output=True, text=True, env={"SOURCE_DATE_EPOCH": "1796083200", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 0, result.stderr
    cff = yaml.safe_load((out / "CITATION.cff").read_text())
    assert cff["version"] == "2026.12" and cff["date-released"] == "2026-12-01"
    jsonschema.validate(cff, CFF_SCHEMA)
    assert json.loads((out / "datapackage.json").read_text())["version"] == "2026.12"


def test_first_release_changes(dist):
    assert (dist / "CHANGES.md").read_text() == (
        "# Changes in the data\n\nFirst release: no previous release was given. 2 papers.\n")


def test_changes_since_previous(seeds_db, tmp_path):
    """A previous release that had another title and year for one paper, lacked one paper
    and had one that is gone now."""
    previous = tmp_path / "dist-old"
    previous.mkdir()
    old = previous / "literature.db"
    shutil.copyfile(seeds_db, old)
    with sqlite3.connect(old) as conn:
        conn.execute("update papers set title = 'Dissecting links', year = 2013, volume = null "
                     "where id = '486bd29b069a'")
        conn.execute("delete from papers where id = '9c8f9033fd60'")
        conn.execute("insert into papers (id, title, authors, year, authors_complete, publication_types, keywords,"
                     " topics) values ('0000withdrawn', 'A withdrawn paper', '[]', 1999, 0, '[]', '[]', '[]')")
    conn.close()
    out = tmp_path / "dist"
    result = release(seeds_db, out, "--previous", previous)
    assert result.returncode == 0, result.stderr
    text = (out / "CHANGES.md").read_text()
    assert "Papers: 2 before, 2 now: 1 added, 1 removed, 1 changed.\n" in text
    assert ("## Papers added (1)\n\n"
            "- `9c8f9033fd60` `Cerebellum: An explanation for dystonia?` (2017)\n") in text
    assert "## Papers removed (1)\n\n- `0000withdrawn` `A withdrawn paper` (1999)\n" in text
    assert ("## Papers changed (1)\n\n"
            "- `486bd29b069a` `Dissecting the links between cerebellum and dystonia`\n"
            "  - title: `Dissecting links` → `Dissecting the links between cerebellum and dystonia`\n"
            "  - year: `2013` → `2014`\n"
            "  - volume: (empty) → `13`\n\n") in text
    assert "| table | before | now | added | removed | changed |\n" in text
    assert "| papers | 2 | 2 | 1 | 1 | 1 |\n" in text  # rows known by their primary key
    assert "| journals | 2 | 2 | 0 | 0 | 0 |\n" in text


def test_a_changed_long_value_is_quoted_where_it_changes():
    sys.path.insert(0, str(ROOT / "scripts"))
    import release as release_script

    old = "Dystonia is a movement disorder " + "of many kinds " * 20 + "seen in adults."
    new = "Dystonia is a movement disorder " + "of many kinds " * 20 + "seen in children."
    before, after = release_script.quote_change(old, new)
    # They differ at character 320 ("adults"/"children"): each quoted from the word 40
    # characters before.
    assert before == "`…kinds of many kinds of many kinds seen in adults.`"
    assert after == "`…kinds of many kinds of many kinds seen in children.`"
    assert release_script.quote_change("short", None) == ("`short`", "(empty)")


def test_previous_may_be_the_output_folder(seeds_db, dist, tmp_path):
    out = tmp_path / "dist"
    shutil.copytree(dist, out)  # the module's release of seeds_db (a release of its own cost 1.5 s of CPU)
    result = release(seeds_db, out, "--previous", out)
    assert result.returncode == 0, result.stderr
    assert "Papers: 2 before, 2 now: 0 added, 0 removed, 0 changed.\n" in (out / "CHANGES.md").read_text()
    assert sorted(p.name for p in out.iterdir()) == FILES
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]  # no temporary folder left


def test_bad_input_one_line_errors(seeds_db, tmp_path):
    result = release(tmp_path / "missing.db", tmp_path / "dist")
    assert result.returncode == 1
    assert result.stderr == f"release failed: {tmp_path / 'missing.db'}: no such database (run make build first)\n"
    result = release(seeds_db, tmp_path / "dist", "--previous", tmp_path)
    assert result.returncode == 1
    assert result.stderr == (f"release failed: {tmp_path}: no literature.db there "
                             "(PREVIOUS must be the folder of an earlier release)\n")
    assert not (tmp_path / "dist").exists()
    text_file = tmp_path / "notes.db"
    text_file.write_text("not a database, just words " * 100)
    result = release(text_file, tmp_path / "dist")
    assert result.returncode == 1 and result.stderr.startswith(f"release failed: {text_file}: not an SQLite database")
