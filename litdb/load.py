"""Writing rows into a fresh SQLite file, in the shape schema.py declares."""

from __future__ import annotations

import sqlite_utils

from .normalize import strip_shadow_links
from .schema import FTS, INDEXES, TABLES, VIEWS


def create_tables(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        db[name].create(
            spec["columns"],
            pk=spec["pk"],
            not_null=spec.get("not_null"),
            foreign_keys=spec.get("foreign_keys"),
            column_order=list(spec["columns"]),
        )


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """Insert rows in the order given (ids and rowids follow it, so builds are repeatable)."""
    columns = TABLES[table]["columns"]
    clean = []
    for row in rows:
        row = {c: row.get(c) for c in columns}
        for column, value in row.items():
            if isinstance(value, str):
                # Last line of defence: no link to a shadow library is ever stored.
                row[column], _ = strip_shadow_links(value)
        clean.append(row)
    db[table].insert_all(clean, batch_size=1000)


def finish(db: sqlite_utils.Database) -> None:
    """Indexes, full-text search and views, after the bulk insert; then statistics."""
    for table, spec in TABLES.items():
        for column, _, _ in spec.get("foreign_keys", []):
            db[table].create_index([column], if_not_exists=True)
    for table, indexes in INDEXES.items():
        for columns in indexes:
            db[table].create_index(columns, if_not_exists=True)
    for table, columns in FTS.items():
        db[table].enable_fts(columns, fts_version="FTS5", create_triggers=False, replace=True)
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    db.analyze()
