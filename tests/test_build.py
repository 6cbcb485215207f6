"""build.py end to end on real files: rejections, atomic replacement, determinism."""

import codecs
import json
import os
import pty
import sqlite3
import subprocess
import sys

from pathlib import Path

import pytest
import sqlite_utils

from conftest import ROOT, SEEDS, aggregator_seed, build_quietly, copy_seeds, dump, make_corpus, run_build
from litdb import build as pipeline
from litdb import load
from litdb.readers import UNKNOWN_FORMAT


def test_cli_builds_and_prints_summary(tmp_path):
    result = run_build("--seeds", SEEDS, "--db", tmp_path / "out.db")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (f"{tmp_path / 'out.db'}: 2 files loaded, 0 rejected; "
                             "2 papers, 5 references, 3 authors, 2 journals\n")
    assert result.stderr == ""


BAD_SEEDS = {
    "empty.txt": (b"", "empty file"),
    "blank.txt": (b"  \n\n", "empty file"),
    "binary.bin": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
                   "binary file: a PNG image, not a bibliographic export (save or export it as text)"),
    "notes.docx": (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
                   "binary file: a ZIP archive (a Word, Excel or other Office document is one), not a bibliographic "
                   "export (save or export it as text)"),
    "nul.txt": (b"PMID: 1\x00\x00", "binary file: NUL byte at offset 7"),
    "truncated.json": (b'{"title": "Cerebellum", "authors": "A B", "doi": "10.1',
                       "invalid JSON at line 1, column 50: Unterminated string starting at line 1, column 50"),
    "multiline.json": (b'{\n  "title": "x",\n  "doi" "10.1000/x"\n}',
                       "invalid JSON at line 3, column 9: Expecting ':' delimiter"),
    "notes.txt": (b"Some notes about cerebellum papers to read later.\n",
                  UNKNOWN_FORMAT),
    "untitled.json": (b'{"title": "", "doi": "10.1000/x", "PeriodicalId": null}', "record has no title"),
    "other.json": (b'{"name": "not a paper", "doi": "10.1000/x"}',
                   "unknown format: JSON of no kind this build reads (CSL-JSON, OpenAlex, Crossref, Semantic Scholar, "
                   "Europe PMC, aggregator records)"),
    "page.xml": (b"<html><body>A saved web page</body></html>",
                 "unknown format: XML with root <html>, not PubMed XML, JATS or EndNote XML"),
    "scopus-excel.csv": (b"Authors;Title;Year;Source title;DOI;EID\nBologna M.;Cerebellum;2017;Cerebellum;;2-s2.0-1\n",
                         "unknown format: a CSV export saved again by a spreadsheet with ';' between the fields; "
                         "export it again, or save it as CSV with commas"),
}


def test_bad_seeds_are_rejected_and_good_ones_kept(tmp_path):
    seeds = copy_seeds(tmp_path)
    for name, (data, _) in BAD_SEEDS.items():
        (seeds / name).write_bytes(data)
    result = run_build("--seeds", seeds, "--db", tmp_path / "out.db")
    assert result.returncode == 0
    assert result.stdout.endswith(": 2 files loaded, 12 rejected; 2 papers, 5 references, 3 authors, 2 journals\n")
    db = sqlite_utils.Database(tmp_path / "out.db")
    rows = {r["filename"]: r for r in db["sources"].rows}
    assert sorted(rows) == sorted([*BAD_SEEDS, "000_a766678b1bddf855.txt", "001_51f3e96b9982b093.txt"])
    for name, (data, message) in BAD_SEEDS.items():
        assert rows[name]["status"] == "rejected"
        assert rows[name]["error"] == message
        assert rows[name]["bytes"] == len(data)
        # one clear line on stderr per rejected file, naming the file
        assert f"{seeds / name}: rejected: {message}\n" in result.stderr
    assert len(result.stderr.splitlines()) == len(BAD_SEEDS)
    assert "Traceback" not in result.stderr
    assert db["papers"].count == 2


def test_seeds_in_subfolders_are_read_and_hidden_ones_passed_over(tmp_path):
    """Researchers keep exports in folders of their own (seeds/scopus/, seeds/pubmed/...):
    every file below seeds/ is a seed, named by its path there; hidden files and folders
    (.git, .DS_Store) are not seeds."""
    seeds = tmp_path / "seeds"
    (seeds / "pubmed" / "2014").mkdir(parents=True)
    (seeds / "other").mkdir()
    (seeds / ".git" / "objects").mkdir(parents=True)
    (seeds / "pubmed" / "2014" / "a.txt").write_bytes((SEEDS / "000_a766678b1bddf855.txt").read_bytes())
    (seeds / "other" / "a.txt").write_bytes((SEEDS / "001_51f3e96b9982b093.txt").read_bytes())
    (seeds / "notes.txt").write_bytes(b"Some notes about cerebellum papers to read later.\n")
    (seeds / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (seeds / "other" / "._a.txt").write_bytes(b"\x00\x05\x16\x07")
    (seeds / ".git" / "objects" / "ab").write_bytes(b"x\x01")
    result = run_build("--seeds", seeds, "--db", tmp_path / "out.db")
    assert result.returncode == 0, result.stderr
    assert result.stdout.endswith(": 2 files loaded, 1 rejected; 2 papers, 5 references, 3 authors, 2 journals\n")
    assert result.stderr == f"{seeds / 'notes.txt'}: rejected: {UNKNOWN_FORMAT}\n"
    db = sqlite_utils.Database(tmp_path / "out.db")
    assert [(r["id"], r["filename"], r["status"]) for r in db["sources"].rows_where(order_by="id")] == [
        (1, "notes.txt", "rejected"), (2, "other/a.txt", "loaded"), (3, "pubmed/2014/a.txt", "loaded")]
    assert [r["filename"] for r in db.query("select distinct filename from provenance join sources "
                                            "on sources.id = source_id order by filename")] == [
        "other/a.txt", "pubmed/2014/a.txt"]


def test_a_folder_of_seeds_that_cannot_be_read_is_said_and_fails_strict(tmp_path, monkeypatch):
    """A subfolder os.walk cannot list (its permissions; this suite may run as root, whom
    none stop, so the walk's error is made here) is one line naming it, and --strict fails."""
    seeds = copy_seeds(tmp_path)
    (seeds / "locked").mkdir()
    walk = os.walk

    def walk_failing_on_locked(top, onerror=None, **kw):
        for folder, subfolders, names in walk(top, onerror=onerror, **kw):
            if "locked" in subfolders:
                subfolders.remove("locked")
                onerror(PermissionError(13, "Permission denied", str(Path(folder) / "locked")))
            yield folder, subfolders, names

    monkeypatch.setattr(pipeline.os, "walk", walk_failing_on_locked)
    out, err, db = tmp_path / "out.txt", tmp_path / "err.txt", tmp_path / "literature.db"
    with open(out, "w") as o, open(err, "w") as e:
        assert pipeline.build(seeds, db, strict=True, out=o, err=e) == 1
    assert err.read_text() == f"{seeds / 'locked'}/: rejected: a folder that cannot be read (Permission denied)\n"
    assert out.read_text().endswith(": 2 files loaded, 0 rejected, 1 folders that cannot be read; 2 papers, 5 references, "
                                    "3 authors, 2 journals\n")


def test_strict_exits_non_zero_when_a_seed_is_rejected(tmp_path):
    seeds = copy_seeds(tmp_path)
    assert run_build("--seeds", seeds, "--db", tmp_path / "a.db", "--strict").returncode == 0
    (seeds / "empty.txt").write_bytes(b"")
    result = run_build("--seeds", seeds, "--db", tmp_path / "b.db", "--strict")
    assert result.returncode == 1
    assert (tmp_path / "b.db").exists()  # the database is still written


def test_missing_seeds_folder_is_a_clear_error(tmp_path):
    result = run_build("--seeds", tmp_path / "nowhere", "--db", tmp_path / "out.db")
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path / 'nowhere'}: not a folder of seed files\n"


@pytest.mark.parametrize("encode", [
    lambda t: codecs.BOM_UTF8 + t.encode("utf-8"),
    lambda t: t.encode("utf-16"),  # with BOM
    lambda t: t.replace("\n", "\r\n").encode("utf-8"),
], ids=["utf8-bom", "utf16-bom", "crlf"])
def test_encodings_that_can_be_decoded_are(tmp_path, encode):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for seed in SEEDS.iterdir():
        (seeds / seed.name).write_bytes(encode(seed.read_text(encoding="utf-8")))
    assert build_quietly(seeds, tmp_path / "out.db") == 0
    papers = _papers(tmp_path / "out.db")
    assert [p["title"] for p in papers] == ["Dissecting the links between cerebellum and dystonia",
                                            "Cerebellum: An explanation for dystonia?"]
    assert papers == _papers_of_seeds(tmp_path)


def _papers(db_path):
    return list(sqlite_utils.Database(db_path).query("select * from papers order by id"))


def _papers_of_seeds(tmp_path):
    build_quietly(SEEDS, tmp_path / "reference.db")
    return _papers(tmp_path / "reference.db")


def test_failed_build_leaves_previous_database_untouched(tmp_path, monkeypatch):
    db_path = tmp_path / "literature.db"
    assert build_quietly(SEEDS, db_path) == 0
    before = dump(db_path)

    def explode(db):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(load, "finish", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        build_quietly(SEEDS, db_path)
    assert dump(db_path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["literature.db"]  # no temporary file left


def test_stale_temporary_files_are_removed_by_the_next_build(tmp_path):
    (tmp_path / ".literature.db.12345.tmp").write_bytes(b"half a database")
    assert build_quietly(SEEDS, tmp_path / "literature.db") == 0
    assert [p.name for p in tmp_path.iterdir()] == ["literature.db"]


def test_same_seeds_give_the_same_database(tmp_path):
    assert build_quietly(SEEDS, tmp_path / "a.db") == 0
    assert build_quietly(SEEDS, tmp_path / "b.db") == 0
    assert dump(tmp_path / "a.db") == dump(tmp_path / "b.db")


def test_the_same_database_however_the_files_are_shared_among_workers_and_shards(tmp_path, monkeypatch):
    """Workers write chunks of files to shards that are copied in in order; a paper whose
    records lie in different shards is merged again like any other."""
    seeds = tmp_path / "seeds"
    make_corpus(seeds, 300)
    monkeypatch.setattr(pipeline, "CHUNK", 10_000)
    with open(os.devnull, "w") as null:
        assert pipeline.build(seeds, tmp_path / "one.db", out=null, err=null, workers=1) == 0
        monkeypatch.setattr(pipeline, "CHUNK", 4)
        assert pipeline.build(seeds, tmp_path / "many.db", out=null, err=null, workers=2) == 0
    assert dump(tmp_path / "one.db") == dump(tmp_path / "many.db")
    # The case this is about: papers whose records were written by different shards (of 4 files).
    conn = sqlite3.connect(tmp_path / "many.db")
    spread = conn.execute("""SELECT count(*) FROM (SELECT paper_id FROM provenance GROUP BY paper_id
                             HAVING count(DISTINCT (source_id - 1) / 4) > 1)""").fetchone()[0]
    assert spread >= 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many.db", "one.db", "seeds"]  # no shard left


def test_paper_ids_are_stable_when_seeds_are_added(tmp_path):
    assert build_quietly(SEEDS, tmp_path / "a.db") == 0
    seeds = copy_seeds(tmp_path)
    (seeds / "002_other.json").write_text('{"title": "Another paper", "doi": "10.1000/other", "PeriodicalId": null}')
    assert build_quietly(seeds, tmp_path / "b.db") == 0
    ids_a = {r["doi"]: r["id"] for r in _papers(tmp_path / "a.db")}
    ids_b = {r["doi"]: r["id"] for r in _papers(tmp_path / "b.db")}
    # The seeds' two papers, with the ids the site's links use (486bd29b069a in the tests
    # of the pages): the same before and after a third paper is added.
    seed_ids = {"10.1007/s12311-014-0601-4": "486bd29b069a", "10.1186/s40673-017-0064-8": "9c8f9033fd60"}
    assert ids_a == seed_ids
    assert {k: v for k, v in ids_b.items() if k in seed_ids} == seed_ids
    assert sorted(ids_b) == ["10.1000/other", "10.1007/s12311-014-0601-4", "10.1186/s40673-017-0064-8"]


def test_database_is_valid_and_in_rollback_journal_mode(seed_db):
    conn = sqlite3.connect(seed_db)
    assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    assert conn.execute("pragma journal_mode").fetchone() == ("delete",)


def test_no_shadow_library_link_anywhere(seed_db):
    text = "\n".join(dump(seed_db)).lower()
    for host in ("sci-hub", "scihub", "libgen"):
        assert host not in text
    [note] = sqlite_utils.Database(seed_db).execute(
        "select note from provenance where field = 'open_access_url' and value is null").fetchall()
    assert note[0].startswith("suppressed: openAccessPdf pointed to a shadow library")


def test_shadow_library_links_in_any_text_never_reach_the_database(tmp_path):
    """The last line of defence: links the parsers do not look for (in a title, an
    abstract, an author's name, a keyword, a reference, a file name), in any case and
    behind JSON escapes, are taken out before anything is stored."""
    seeds = copy_seeds(tmp_path)
    record, trailer = aggregator_seed()
    record.update(
        doi="10.5555/shadow.1",
        title="Cerebellar dystonia, mirrored at Http://Sci-Hub.se/10.5555/shadow.1 and https://example.org/ok",
        abstract="Full text: WWW.LIBGEN.RS/book/1 (not ours). Dystonia and the cerebellum.",
        authors="Ada Lovelace, Grace https://z-lib.org/x Hopper",
        keywords=["dystonia", "see https:\\/\\/annas-archive.org/md5/1"],
    )
    raw = json.dumps(record, ensure_ascii=False).replace("https:\\\\/\\\\/", "https:\\/\\/")
    (seeds / "www.sci-hub.se.json").write_text(raw + trailer, encoding="utf-8")
    result = run_build("--seeds", seeds, "--db", tmp_path / "out.db")
    assert result.returncode == 0, result.stderr
    everything = "\n".join(dump(tmp_path / "out.db"))
    for host in ("sci-hub", "libgen", "z-lib", "annas-archive"):
        assert host not in everything.lower()
    db = sqlite_utils.Database(tmp_path / "out.db")
    [paper] = db.execute("select title, abstract from papers where doi = '10.5555/shadow.1'").fetchall()
    assert paper == ("Cerebellar dystonia, mirrored at [link removed] and https://example.org/ok",
                     "Full text: [link removed] (not ours). Dystonia and the cerebellum.")
    assert db.execute("select filename from sources where filename like '%link removed%'").fetchall() == [
        ("[link removed]",)]


def test_a_big_tab_delimited_export_read_in_parts_keeps_every_row_in_its_place(tmp_path, monkeypatch):
    """A Web of Science tab-delimited export past the size at which big exports are shared
    among workers: its rows are one piece (read in one pass), each still at its own
    position; two bad rows are two rejected records, not one position twice."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    header = "PT\tAU\tAF\tTI\tSO\tPY\tUT\n"
    rows = [f"J\tRoe, J\tRoe, Jane\t{'' if k in (2, 5) else f'Paper {k}'}\tBRAIN\t2020\tWOS:00000000000{k}\n"
            for k in range(1, 8)]
    (seeds / "savedrecs.txt").write_text(header + "".join(rows), encoding="utf-8")
    monkeypatch.setattr(pipeline, "SLICE_BYTES", 100)  # read in parts
    with open(os.devnull, "w") as null:
        assert pipeline.build(seeds, tmp_path / "literature.db", out=null, err=null, workers=1) == 0
    db = sqlite_utils.Database(tmp_path / "literature.db")
    assert [(r["position"], r["line"], r["reason"]) for r in db["rejected_records"].rows_where(order_by="position")] == [
        (2, 3, "record has no title (TI)"), (5, 6, "record has no title (TI)")]
    assert sorted(r["title"] for r in db["papers"].rows) == ["Paper 1", "Paper 3", "Paper 4", "Paper 6", "Paper 7"]


def test_a_seed_changed_during_the_build_stops_it(tmp_path):
    """A big export is read in parts, by several workers: a file that changed between
    the plan and the reading of a part is an error, never a silent mix of two versions."""
    from litdb.build import read_part
    path = tmp_path / "big.nbib"
    path.write_text("PMID- 1\nTI  - A title.\n", encoding="utf-8")
    planned = (path.stat().st_size, path.stat().st_mtime_ns)
    assert read_part(path, "big.nbib", 0, 2, planned).source["records"] == 1
    path.write_text("PMID- 1\nTI  - Another title.\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="^big.nbib: changed during the build; build again$"):
        read_part(path, "big.nbib", 1, 2, planned)


def test_progress_bar_only_on_a_terminal(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for n in range(70):  # enough files for the parallel path
        for seed in SEEDS.iterdir():
            (seeds / f"{n:03d}_{seed.name}").write_bytes(seed.read_bytes())
    command = [sys.executable, str(ROOT / "build.py"), "--seeds", str(seeds), "--db", str(tmp_path / "a.db")]
    piped = subprocess.run(command, capture_output=True, text=True)
    assert piped.returncode == 0 and piped.stderr == ""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command[:-1] + [str(tmp_path / "b.db")], stdout=subprocess.DEVNULL,
                               stderr=follower)
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait() == 0
    assert b"reading   [" in shown and b"140/140" in shown and b"merging   [" in shown


def test_timings_of_each_step_on_request(tmp_path):
    quiet = run_build("--seeds", SEEDS, "--db", tmp_path / "a.db")
    assert quiet.returncode == 0 and quiet.stderr == ""
    timed = run_build("--seeds", SEEDS, "--db", tmp_path / "b.db", "--timings")
    assert timed.returncode == 0
    steps = [line.rsplit(None, 2)[0] for line in timed.stderr.splitlines()]
    assert steps == ["read and stage every record", "group records into papers", "merge each paper",
                     "journals, authors, cited papers, topics",
                     "indexes, full-text search, statistics, swap", "total"]
    assert all(line.endswith(" s") for line in timed.stderr.splitlines())


def _aggregator_seed(seeds, name, **fields):
    """A copy of the aggregator seed with other values (no DOI or PMID unless given)."""
    record, trailer = aggregator_seed()
    record.update({"doi": None, "ListUrlMain": None, "PMCID": None, **fields})
    (seeds / name).write_text(json.dumps(record, ensure_ascii=False) + trailer, encoding="utf-8")


def test_different_papers_that_would_share_an_id_each_get_their_own(tmp_path, monkeypatch):
    """Two DOI-less "Editorial" papers of one year stay apart when the title group also
    holds two papers with different DOIs; so do two "???" records of one file. Neither
    stops the build; the first of each keeps the id the identity rule gives."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    _aggregator_seed(seeds, "a.json", title="Editorial", doi="10.5555/ed.a")
    _aggregator_seed(seeds, "b.json", title="Editorial", doi="10.5555/ed.b")
    _aggregator_seed(seeds, "c.json", title="Editorial")
    _aggregator_seed(seeds, "d.json", title="Editorial")
    record, _ = aggregator_seed()
    record.update(doi=None, ListUrlMain=None, title="???")
    (seeds / "e.json").write_text(json.dumps([record, record]), encoding="utf-8")
    result = run_build("--seeds", seeds, "--db", tmp_path / "out.db")
    assert result.returncode == 0, result.stderr
    db = sqlite_utils.Database(tmp_path / "out.db")
    papers = db.execute("select id, title, doi from papers order by title, doi").fetchall()
    assert len(papers) == 6 and len({p[0] for p in papers}) == 6
    assert [(t, d) for _, t, d in papers] == [("???", None), ("???", None), ("Editorial", None), ("Editorial", None),
                                             ("Editorial", "10.5555/ed.a"), ("Editorial", "10.5555/ed.b")]
    title_id = "0933f5d92e46"  # sha256("paper\x1ftitle:editorial:2017"), first 12 hex digits
    assert title_id in {p[0] for p in papers}
    assert db.execute("select count(*) from provenance where paper_id not in (select id from papers)").fetchone() == (0,)
    again = run_build("--seeds", seeds, "--db", tmp_path / "again.db")
    assert again.returncode == 0, again.stderr
    assert dump(tmp_path / "out.db") == dump(tmp_path / "again.db")
    # The same when each file is read into a shard of its own, by two workers.
    monkeypatch.setattr(pipeline, "CHUNK", 1)
    with open(os.devnull, "w") as null:
        assert pipeline.build(seeds, tmp_path / "sharded.db", out=null, err=null, workers=2) == 0
    assert dump(tmp_path / "sharded.db") == dump(tmp_path / "out.db")


def test_the_link_walker_looks_into_every_kind_of_value_or_refuses():
    from litdb.normalize import without_shadow_links
    link = "see HTTPS://sci-hub.se/1"
    assert without_shadow_links((link, [link], {"k": link}, 3, None)) == (
        "see [link removed]", ["see [link removed]"], {"k": "see [link removed]"}, 3, None)
    with pytest.raises(TypeError, match="cannot look for links in a set"):
        without_shadow_links({link})


def test_a_build_that_cannot_go_on_says_why_in_one_line(tmp_path, monkeypatch, capsys):
    import build as cli
    read_part = pipeline.read_part

    def seed_changed(path, name, part, parts, stat):  # as if the file changed after the plan
        if part == 1 and path.name.startswith("000"):
            os.utime(path, ns=(stat[1], stat[1] + 1))
        return read_part(path, name, part, parts, stat)

    seeds = copy_seeds(tmp_path)
    (tmp_path / "literature.db").write_bytes(b"previous")
    monkeypatch.setattr(pipeline, "read_part", seed_changed)
    monkeypatch.setattr(pipeline, "SLICE_BYTES", 1000)  # every file is read in parts
    assert cli.main(["--seeds", str(seeds), "--db", str(tmp_path / "literature.db")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == ["build failed: 000_a766678b1bddf855.txt: changed during the build; build again"]
    assert (tmp_path / "literature.db").read_bytes() == b"previous"


def test_a_worker_that_fails_leaves_no_file_behind(tmp_path, monkeypatch):
    """The build's own files, the workers' shards among them, are removed when it fails;
    the workers are stopped first, so that none goes on to write a shard."""
    seeds = tmp_path / "seeds"
    make_corpus(seeds, 200)
    (tmp_path / "literature.db").write_bytes(b"previous")
    read_seed_file = pipeline.read_seed_file

    def failing(path, part=0, parts=1, stat=None, name=None):
        if path.name == "seed_0000011.txt":
            raise RuntimeError(f"{path}: changed during the build; build again")
        return read_seed_file(path, part, parts, stat, name)

    monkeypatch.setattr(pipeline, "read_seed_file", failing)
    monkeypatch.setattr(pipeline, "CHUNK", 1)
    with open(os.devnull, "w") as null, pytest.raises(RuntimeError, match="seed_0000011.txt: changed"):
        pipeline.build(seeds, tmp_path / "literature.db", out=null, err=null, workers=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["literature.db", "seeds"]
    assert (tmp_path / "literature.db").read_bytes() == b"previous"


def test_a_windows_1252_export_is_read_and_binary_is_not(tmp_path):
    """EndNote and Excel on Windows save Windows-1252; a file that is neither UTF-8 nor
    such text (control characters, undefined bytes) is still rejected as binary."""
    from litdb.readers import decode
    ris = b"TY  - JOUR\r\nTI  - Caf\xe9 au lait spots and dystonia\r\nAU  - M\xfcller, J\xfcrgen\r\nPY  - 2015\r\nER  - \r\n"
    assert decode(ris) == "TY  - JOUR\nTI  - Café au lait spots and dystonia\nAU  - Müller, Jürgen\nPY  - 2015\nER  - \n"
    with pytest.raises(ValueError, match="^not UTF-8 text: invalid byte 0xe9 at offset 3$"):
        decode(b"Caf\xe9\x01\x02 binary")
    with pytest.raises(ValueError, match="^not UTF-8 text: invalid byte 0x81 at offset 0$"):
        decode(b"\x81 undefined in Windows-1252")


def test_a_database_in_a_folder_that_does_not_exist_is_one_line(tmp_path):
    result = run_build("--seeds", SEEDS, "--db", tmp_path / "missing" / "literature.db")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"{tmp_path / 'missing' / 'literature.db'}: its folder missing does not exist\n"


def test_a_rejection_is_one_short_line_even_when_a_parser_quotes_a_long_value(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    uri = "http://www.w3.org/1" + "\u2e20" * 3000 + "999/xlink"  # as the fuzz suite damaged one
    (seeds / "a.nxml").write_text(f'<article xmlns:xlink="{uri}"><front/></article>', encoding="utf-8")
    assert build_quietly(seeds, tmp_path / "out.db") == 0
    [source] = sqlite_utils.Database(tmp_path / "out.db")["sources"].rows
    assert source["status"] == "rejected" and len(source["error"]) == 240 and source["error"].endswith("…")
    assert source["error"].startswith("invalid XML at line 1, column ")
