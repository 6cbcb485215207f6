#!/usr/bin/env python3
"""Write a release of the built database: everything a mirror, a citation or a re-use needs.

    python scripts/release.py [--db literature.db] [--out dist] [--previous dist-old/]
                              [--version V]

dist/ then holds:
  literature.db, inspect-data.json   the database (copied byte for byte) and its
                                     `datasette inspect` file, ready to serve with -i
  <table>.csv.gz, <table>.ndjson.gz  every table of litdb/schema.py TABLES, rows in primary-key
                                     order, gzip with mtime 0 and no file name in the header
  datapackage.json                   Frictionless Data Package v2: every resource and field,
                                     described from metadata.yml, typed from TABLES
  CITATION.cff                       CITATION.cff of the repository with this release's version
  CHANGES.md                         what changed in the data since --previous (papers added,
                                     removed, changed field by field; rows of every table
                                     added, removed, changed, by primary key)
  SHA256SUMS                         `sha256sum -c` format, every other file

Reproducible: nothing depends on the clock, the machine or the path, so the same database
gives the same bytes (the release date is written only when SOURCE_DATE_EPOCH is set, the
reproducible-builds convention). The tables are streamed row by row: memory stays flat.
The release is written beside --out and moved into place only when complete.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import html.parser
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from litdb.schema import TABLES  # noqa: E402

DATASETTE = str(Path(sys.executable).parent / "datasette")
DB_NAME, INSPECT_NAME = "literature.db", "inspect-data.json"
PACKAGE_NAME = "cerebellum-dystonia-literature"
FIELD_TYPES = {str: "string", int: "integer", float: "number"}
BATCH = 1000  # rows fetched at a time
# CHANGES.md quotes at most this much of a changed value (abstracts are long).
QUOTE_CHARS = 160
# ...and lists at most this many papers under each heading (the counts are always complete).
LIST_LIMIT = 1000


class ReleaseError(Exception):
    pass


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def open_ro(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise ReleaseError(f"{path}: no such database (run make build first)")
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.DatabaseError as e:
        raise ReleaseError(f"{path}: not an SQLite database ({e})") from None
    return conn


def pk_columns(table: str) -> list[str]:
    pk = TABLES[table]["pk"]
    return [pk] if isinstance(pk, str) else list(pk)


def table_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns in TABLES' order, after checking the database has exactly those."""
    declared = list(TABLES[table]["columns"])
    actual = [row[1] for row in conn.execute(f'pragma table_info("{table}")')]
    if sorted(actual) != sorted(declared):
        raise ReleaseError(f"table {table}: the database has columns {actual}, litdb/schema.py declares {declared}")
    return declared


def rows(conn: sqlite3.Connection, table: str, columns: list[str]):
    """Every row of table in primary-key order, fetched BATCH at a time."""
    cols = ", ".join(f'"{c}"' for c in columns)
    order = ", ".join(f'"{c}"' for c in pk_columns(table))
    cursor = conn.execute(f'select {cols} from "{table}" order by {order}')
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def deterministic_gzip(path: Path):
    """A gzip writer whose header holds neither a time nor a file name."""
    raw = open(path, "wb")
    return raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9)


def write_csv(conn, table: str, columns: list[str], path: Path) -> int:
    raw, gz = deterministic_gzip(path)
    count = 0
    with raw, gz, io.TextIOWrapper(gz, encoding="utf-8", newline="") as text:
        writer = csv.writer(text)  # RFC 4180: quotes when needed, CRLF line ends
        writer.writerow(columns)
        for row in rows(conn, table, columns):
            writer.writerow(["" if v is None else v for v in row])
            count += 1
    return count


def write_ndjson(conn, table: str, columns: list[str], path: Path) -> int:
    raw, gz = deterministic_gzip(path)
    count = 0
    with raw, gz, io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as text:
        for row in rows(conn, table, columns):
            text.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    return count


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(markup: str) -> str:
    parser = _Text()
    parser.feed(markup)
    return " ".join(" ".join(parser.parts).split())


def load_metadata() -> dict:
    return yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))


def table_schema(table: str, meta_tables: dict) -> dict:
    described = meta_tables.get(table, {}).get("columns", {})
    fields = []
    for column, kind in TABLES[table]["columns"].items():
        if column not in described:
            raise ReleaseError(f"metadata.yml describes no column {table}.{column}")
        field = {"name": column, "type": FIELD_TYPES[kind], "description": " ".join(str(described[column]).split())}
        if column in TABLES[table].get("not_null", ()) or column in pk_columns(table):
            field["constraints"] = {"required": True}
        fields.append(field)
    schema = {"$schema": "https://datapackage.org/profiles/2.0/tableschema.json", "fields": fields,
              "primaryKey": pk_columns(table), "missingValues": [""]}
    keys = [{"fields": [column], "reference": {"resource": target, "fields": [target_column]}}
            for column, target, target_column in TABLES[table].get("foreign_keys", [])]
    if keys:
        schema["foreignKeys"] = keys
    return schema


def datapackage(meta: dict, version: str, stats: dict, db_hash: str) -> dict:
    """The descriptor: one CSV and one NDJSON resource per table, same schema."""
    meta_tables = meta["databases"]["literature"]["tables"]
    resources = []
    for table in TABLES:
        if table not in meta_tables or not meta_tables[table].get("description"):
            raise ReleaseError(f"metadata.yml has no description of table {table}")
        description = " ".join(str(meta_tables[table]["description"]).split())
        schema = table_schema(table, meta_tables)
        for fmt, suffix, media in (("csv", "csv.gz", "text/csv"), ("ndjson", "ndjson.gz", "application/x-ndjson")):
            name = table if fmt == "csv" else f"{table}-ndjson"
            path = f"{table}.{suffix}"
            resource = {
                "$schema": "https://datapackage.org/profiles/2.0/dataresource.json",
                "name": name, "type": "table", "path": path, "format": fmt, "mediatype": media,
                "encoding": "utf-8", "compression": "gz", "title": f"{table} ({fmt.upper()})",
                "description": description, "bytes": stats[path]["bytes"], "hash": f"sha256:{stats[path]['sha256']}",
                "schema": schema,
            }
            if fmt == "ndjson":
                # Foreign keys name the CSV resources; the NDJSON copy has the same rows.
                resource["schema"] = {k: v for k, v in schema.items() if k != "foreignKeys"}
            resources.append(resource)
    resources.append({
        "$schema": "https://datapackage.org/profiles/2.0/dataresource.json",
        "name": "literature-sqlite", "path": DB_NAME, "format": "sqlite",
        "mediatype": "application/vnd.sqlite3", "title": "The whole database (SQLite)",
        "description": "Every table, view, index and the full-text index, as served by the site "
                       f"(Datasette: `datasette serve -i {DB_NAME} --inspect-file {INSPECT_NAME}`).",
        "bytes": stats[DB_NAME]["bytes"], "hash": f"sha256:{db_hash}",
    })
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": PACKAGE_NAME,
        "title": meta["title"],
        "description": plain_text(meta.get("description_html", "")),
        "version": version,
        "licenses": [{"name": "CC0-1.0", "path": meta["license_url"], "title": meta["license"]}],
        "sources": [{"title": meta["source"], "path": meta["source_url"]}],
        "keywords": ["cerebellum", "dystonia", "bibliography", "literature", "PubMed"],
        "resources": resources,
    }


def release_date() -> str | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    if not epoch.isdigit():
        raise ReleaseError(f"SOURCE_DATE_EPOCH must be seconds since 1970, not {epoch!r}")
    return datetime.fromtimestamp(int(epoch), timezone.utc).date().isoformat()


def citation(version: str, db_hash: str) -> str:
    """The repository's CITATION.cff with this release's version (and date, when known)."""
    data = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    data["version"] = version
    date = release_date()
    if date:
        data["date-released"] = date
    else:
        data.pop("date-released", None)
    data["identifiers"] = [{"type": "other", "value": f"sha256:{db_hash}",
                            "description": f"SHA-256 of {DB_NAME}, the database of this release"}]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def quote(value) -> str:
    if value is None:
        return "(empty)"
    text = " ".join(str(value).split())
    if len(text) > QUOTE_CHARS:
        text = text[:QUOTE_CHARS - 1] + "…"
    return "`" + text.replace("`", "'") + "`"


def quote_change(old, new) -> tuple[str, str]:
    """Both sides of a change, each cut to QUOTE_CHARS around where they first differ (two
    long abstracts alike for their first 160 characters would otherwise read the same)."""
    old_text, new_text = (" ".join(str(v).split()) if v is not None else None for v in (old, new))
    if old_text is None or new_text is None or max(len(old_text), len(new_text)) <= QUOTE_CHARS:
        return quote(old), quote(new)
    same = next((i for i, (a, b) in enumerate(zip(old_text, new_text)) if a != b), min(len(old_text), len(new_text)))
    start = max(0, same - QUOTE_CHARS // 4)
    start = old_text.rfind(" ", 0, start) + 1 if start else 0  # at a word's start (both texts agree up to `same`)
    return tuple(quote(("…" if start else "") + text[start:]) for text in (old_text, new_text))


def changes(new_db: Path, previous: Path | None) -> str:
    """CHANGES.md: the new database compared with the previous release's, in SQL (the two
    files attached to one connection), so memory stays flat however many papers."""
    conn = open_ro(new_db)
    papers_now = conn.execute("select count(*) from papers").fetchone()[0]
    lines = ["# Changes in the data", ""]
    if previous is None:
        lines += [f"First release: no previous release was given. {papers_now:,} papers.", ""]
        return "\n".join(lines)
    old_db = previous / DB_NAME
    if not old_db.is_file():
        raise ReleaseError(f"{previous}: no {DB_NAME} there (PREVIOUS must be the folder of an earlier release)")
    open_ro(old_db).close()
    conn.execute("attach database ? as old", (f"file:{old_db}?mode=ro&immutable=1",))
    old_hash = sha256_file(old_db)
    lines += [f"Compared with the previous release (database sha256 `{old_hash}`).", ""]

    old_tables = {r[0] for r in conn.execute("select name from old.sqlite_master where type = 'table'")}
    columns = list(TABLES["papers"]["columns"])
    if "papers" not in old_tables:
        raise ReleaseError(f"{old_db}: no papers table")
    old_columns = [r[1] for r in conn.execute('pragma old.table_info("papers")')]
    shared = [c for c in columns if c in old_columns]

    def count(sql):
        return conn.execute(sql).fetchone()[0]

    added = count("select count(*) from main.papers where id not in (select id from old.papers)")
    removed = count("select count(*) from old.papers where id not in (select id from main.papers)")
    differs = " or ".join(f'n."{c}" is not o."{c}"' for c in shared)
    changed_sql = f"from main.papers n join old.papers o on o.id = n.id where {differs}"
    changed = count(f"select count(*) {changed_sql}")
    papers_before = count("select count(*) from old.papers")
    lines += [f"Papers: {papers_before:,} before, {papers_now:,} now: "
              f"{added:,} added, {removed:,} removed, {changed:,} changed.", ""]

    def listing(title, sql, total):
        if not total:
            return
        lines.extend([f"## {title} ({total:,})", ""])
        for paper_id, title_text, year in conn.execute(sql + f" limit {LIST_LIMIT}"):
            lines.append(f"- `{paper_id}` {quote(title_text)}" + (f" ({year})" if year is not None else ""))
        if total > LIST_LIMIT:
            lines.append(f"- … and {total - LIST_LIMIT:,} more")
        lines.append("")

    listing("Papers added", "select id, title, year from main.papers "
                            "where id not in (select id from old.papers) order by id", added)
    listing("Papers removed", "select id, title, year from old.papers "
                              "where id not in (select id from main.papers) order by id", removed)
    if changed:
        lines.extend([f"## Papers changed ({changed:,})", ""])
        select = ", ".join(f'n."{c}", o."{c}"' for c in shared)
        for i, row in enumerate(conn.execute(f"select n.id, n.title, {select} {changed_sql} order by n.id")):
            if i == LIST_LIMIT:
                lines.append(f"- … and {changed - LIST_LIMIT:,} more")
                break
            lines.append(f"- `{row[0]}` {quote(row[1])}")
            for j, column in enumerate(shared):
                new, old = row[2 + 2 * j], row[3 + 2 * j]
                if new != old or (new is None) != (old is None):
                    before, after = quote_change(old, new)
                    lines.append(f"  - {column}: {before} → {after}")
        lines.append("")
        dropped = [c for c in old_columns if c not in columns]
        new_columns = [c for c in columns if c not in old_columns]
        if dropped or new_columns:
            lines += [f"Columns of papers added: {', '.join(new_columns) or 'none'}; "
                      f"removed: {', '.join(dropped) or 'none'}.", ""]

    # Every table: rows added, removed and changed, a row known by its primary key.
    lines += ["## Rows of every table", "", "| table | before | now | added | removed | changed |",
              "|---|---:|---:|---:|---:|---:|"]
    for table in TABLES:
        now = count(f'select count(*) from main."{table}"')
        if table not in old_tables:
            lines.append(f"| {table} | (none) | {now:,} | {now:,} | 0 | 0 |")
            continue
        keys = pk_columns(table)
        cols = [c for c in TABLES[table]["columns"]
                if c in {r[1] for r in conn.execute(f'pragma old.table_info("{table}")')} and c not in keys]
        same_key = " and ".join(f'o."{k}" = n."{k}"' for k in keys)
        before = count(f'select count(*) from old."{table}"')
        plus = count(f'select count(*) from main."{table}" n where not exists '
                     f'(select 1 from old."{table}" o where {same_key})')
        minus = count(f'select count(*) from old."{table}" o where not exists '
                      f'(select 1 from main."{table}" n where {same_key})')
        differs = " or ".join(f'n."{c}" is not o."{c}"' for c in cols) or "0"
        changed_rows = count(f'select count(*) from main."{table}" n join old."{table}" o on {same_key} '
                             f'where {differs}')
        lines.append(f"| {table} | {before:,} | {now:,} | {plus:,} | {minus:,} | {changed_rows:,} |")
    lines.append("")
    conn.close()
    return "\n".join(lines)


def inspect_file(db: Path, out: Path) -> None:
    """`datasette inspect`, run in the release folder so that the file name is relative."""
    subprocess.run([DATASETTE, "inspect", DB_NAME, "--inspect-file", out.name], cwd=db.parent, check=True,
                   stdout=subprocess.DEVNULL)
    data = json.loads(out.read_text())
    # Written again sorted and indented the same way whatever Datasette's version does.
    out.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def build_release(db: Path, out: Path, previous: Path | None = None, version: str | None = None) -> Path:
    conn = open_ro(db)
    for table in TABLES:
        table_columns(conn, table)  # fails early, with the table named
    conn.close()
    db_hash = sha256_file(db)
    version = version or f"db-{db_hash[:12]}"
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        shutil.copyfile(db, work / DB_NAME)
        inspect_file(work / DB_NAME, work / INSPECT_NAME)
        conn = open_ro(work / DB_NAME)
        for table in TABLES:
            columns = table_columns(conn, table)
            write_csv(conn, table, columns, work / f"{table}.csv.gz")
            write_ndjson(conn, table, columns, work / f"{table}.ndjson.gz")
        conn.close()
        stats = {p.name: {"bytes": p.stat().st_size, "sha256": sha256_file(p)} for p in work.iterdir()}
        package = datapackage(load_metadata(), version, stats, db_hash)
        (work / "datapackage.json").write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n",
                                               encoding="utf-8")
        (work / "CITATION.cff").write_text(citation(version, db_hash), encoding="utf-8")
        (work / "CHANGES.md").write_text(changes(work / DB_NAME, previous), encoding="utf-8")
        sums = "".join(f"{sha256_file(p)}  {p.name}\n" for p in sorted(work.iterdir()))
        (work / "SHA256SUMS").write_text(sums)
        for p in work.iterdir():
            os.chmod(p, 0o644)
        os.chmod(work, 0o755)
        # Swap in: the previous folder (which --previous may be) is read before this point.
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            work.rename(out)
            shutil.rmtree(old)
        else:
            work.rename(out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / DB_NAME)
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--previous", type=Path, help="folder of the previous release, for CHANGES.md")
    parser.add_argument("--version", help="release version (default: db-<first 12 hex digits of the database's sha256>)")
    args = parser.parse_args(argv)
    previous = args.previous if args.previous and str(args.previous) else None
    try:
        out = build_release(args.db, args.out, previous, args.version)
    except ReleaseError as e:
        print(f"release failed: {e}", file=sys.stderr)
        return 1
    files = sorted(out.iterdir())
    print(f"release written to {out}: {len(files)} files, {sum(p.stat().st_size for p in files):,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
