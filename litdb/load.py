"""Writing the database: staging, grouping, rows, links, then indexes and search.

Every record is read once: workers parse chunks of seed files (or slices of a big
export) and stage each record, with the keys that identify its paper, in a shard (a
database of the worker's own, copied into the staging database with SQL, in file
order). Records of the same paper are grouped there with SQL; then workers merge each
paper exactly once, reading its records from staging and writing its rows to a shard
of their own, copied into the output in cluster order. Memory stays flat however many
records there are: everything waits on disk, rows are written in batches.
"""

from __future__ import annotations

import pickle
import re
import sqlite3

import sqlite_utils

from .merge import assign_journals, journal_matches
from .normalize import fold, title_key
from .schema import FTS, INDEXES, TABLES, VIEWS
from .topics import topic_rows

BATCH = 500

# The build's own tables, declared once (for creating and for writing them): name ->
# (database, columns). "staging" is a file beside the output, dropped at the end.
WORK_TABLES = {
    # every record read, pickled, with where it is and the keys that say which records are one paper
    "records": ("staging", ("source_id", "filename", "position", "doi", "pmid", "tkey", "year", "akey", "record")),
    "journal_mentions": ("staging", ("paper_id", "title", "abbreviation", "issn_l", "issns")),
    "author_names": ("staging", ("author_id", "paper_id", "name", "orcid")),
    "merged": ("temp", ("cluster", "paper_id", "clash")),  # the paper each cluster became
}


def create_tables(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        db[name].create(
            spec["columns"],
            pk=spec["pk"],
            not_null=spec.get("not_null"),
            foreign_keys=spec.get("foreign_keys"),
            column_order=list(spec["columns"]),
        )


def create_work_tables(db: sqlite_utils.Database, staging_path) -> None:
    db.execute("ATTACH DATABASE ? AS staging", [str(staging_path)])
    db.conn.executescript("PRAGMA staging.journal_mode = OFF; PRAGMA staging.synchronous = OFF;")
    for name, (database, columns) in WORK_TABLES.items():
        # records also have a rowid that keeps their order, and the cluster grouping gives them
        extra = "rid INTEGER PRIMARY KEY, cluster INTEGER, " if name == "records" else ""
        db.execute(f"CREATE TABLE {database}.{name} ({extra}{', '.join(columns)})")


def columns_of(table: str) -> list[str]:
    """The columns of a published table or a work table, in order."""
    return list(WORK_TABLES[table][1] if table in WORK_TABLES else TABLES[table]["columns"])


def table_values(table: str, rows: list[dict]) -> list[tuple]:
    """Rows (of a published table or a work table) as tuples of its columns, in order,
    ready to insert."""
    columns = columns_of(table)
    return [tuple(map(row.get, columns)) for row in rows]


def insert_values(db: sqlite_utils.Database, table: str, values: list[tuple], shard: bool = False) -> None:
    """Insert rows (of a published table or a work table) in the order given: ids and
    rowids follow it, so builds are repeatable. Into a shard, work tables are written
    as its own ("records", not "staging.records")."""
    if values:
        name = f"{WORK_TABLES[table][0]}.{table}" if table in WORK_TABLES and not shard else table
        columns = columns_of(table)
        placeholders = ", ".join("?" * len(columns))
        db.conn.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({placeholders})", values)


def insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    insert_values(db, table, table_values(table, rows))


def staged(source_id: int, filename: str, position: int, record) -> tuple:
    """A parsed record as staging keeps it: where it is, the keys that say which
    records are the same paper, and the record itself."""
    return (source_id, filename, position, record.doi, record.pmid, title_key(record.title) or None,
            record.year, first_author_key(record), pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))


def first_author_key(record) -> str | None:
    """The last word of the first person's family name, folded ("van de Warrenburg" and
    "Warrenburg" -> "warrenburg", "Lehéricy" -> "lehericy"): records whose titles and years
    agree are one paper only if their first authors do too ("Dystonia", 2018, is a review
    by Balint and a chapter by Jankovic). None without a person among the authors."""
    person = next((a for a in record.authors if not a.group and (a.family or a.name)), None)
    words = re.findall(r"[^\W\d_]+", fold(person.family or person.name)) if person else []
    return words[-1] if words else None


def cluster_records(db: sqlite_utils.Database) -> None:
    """Give records of the same paper the same cluster. Records sharing a DOI, or a
    PMID where their papers carry one DOI between them, are one paper; then records with the same title and year join, unless the
    papers they would join carry different DOIs or their records different first
    authors (two papers may share a title)."""
    conn = db.conn
    conn.executescript("""
        UPDATE staging.records SET cluster = rid;
        CREATE INDEX staging.records_doi ON records (doi, cluster);
        CREATE INDEX staging.records_pmid ON records (pmid, cluster);
        CREATE INDEX staging.records_title ON records (tkey, year, cluster);
        CREATE INDEX staging.records_cluster ON records (cluster, rid);
    """)
    while True:
        # A PMID joins two records' papers only when those carry one DOI between them: a
        # record that gives a preprint's DOI beside its published version's PMID (Semantic
        # Scholar may) must not make one paper of the two versions.
        _spread(conn, """
            WITH cluster_dois AS (SELECT cluster, min(doi) AS doi, count(DISTINCT doi) AS n
                                  FROM staging.records GROUP BY cluster)
            SELECT r.rid, r.cluster, min(r.cluster,
                coalesce((SELECT min(o.cluster) FROM staging.records o WHERE o.doi = r.doi), r.cluster),
                coalesce((SELECT min(o.cluster) FROM staging.records o JOIN cluster_dois od ON od.cluster = o.cluster
                          WHERE o.pmid = r.pmid AND (od.doi IS NULL OR rd.doi IS NULL
                                                     OR (od.n = 1 AND rd.n = 1 AND od.doi = rd.doi))),
                         r.cluster)) AS best
            FROM staging.records r JOIN cluster_dois rd ON rd.cluster = r.cluster
            WHERE r.doi IS NOT NULL OR r.pmid IS NOT NULL""")
        # A title group joins only when all its papers together carry at most one DOI, and
        # their records name one first author (or none).
        moved = _spread(conn, """
            WITH cluster_dois AS (SELECT cluster, min(doi) AS doi, count(DISTINCT doi) AS n
                                  FROM staging.records GROUP BY cluster),
                 title_groups AS (SELECT tkey, year, min(r.cluster) AS best,
                                         count(DISTINCT d.doi) AS dois, max(d.n) AS most,
                                         count(DISTINCT r.akey) AS first_authors
                                  FROM staging.records r JOIN cluster_dois d USING (cluster)
                                  WHERE tkey IS NOT NULL GROUP BY tkey, year)
            SELECT r.rid, r.cluster, g.best FROM staging.records r
            JOIN title_groups g ON g.tkey = r.tkey AND g.year IS r.year
            WHERE g.dois <= 1 AND g.most <= 1 AND g.first_authors <= 1""", once=True)
        if not moved:
            break


def _spread(conn, candidates_sql: str, once: bool = False) -> int:
    """Move whole clusters to the lowest cluster the query finds for any of their
    records, until nothing moves (or after one round); returns the number of moves."""
    total = 0
    while True:
        conn.execute("DROP TABLE IF EXISTS temp.moves")
        conn.execute(f"CREATE TEMP TABLE moves AS SELECT cluster AS old, min(best) AS best FROM ({candidates_sql}) "
                     "WHERE best < cluster GROUP BY cluster")
        n = conn.execute("SELECT count(*) FROM temp.moves").fetchone()[0]
        if not n:
            return total
        total += n
        conn.execute("""UPDATE staging.records SET cluster = (SELECT best FROM temp.moves WHERE old = cluster)
                        WHERE cluster IN (SELECT old FROM temp.moves)""")
        if once:
            return total


# Every table with rows of one paper.
PAPER_TABLES = ("papers", "paper_authors", "paper_references", "mesh_terms", "grants", "paper_topics",
                "provenance", "disagreement_fields", "staging.author_names", "staging.journal_mentions")


def paper_id_column(table: str) -> str:
    """Where a table of PAPER_TABLES keeps the id of the paper its rows belong to."""
    return "id" if table == "papers" else "paper_id"


def paper_values(rows: dict[str, list[dict]]) -> dict[str, list[tuple]]:
    """One paper's rows as tuples, table by table, ready to insert."""
    return {table: table_values(table, table_rows) for table, table_rows in rows.items()}


class Batches:
    """Rows waiting to be written, table by table; written every BATCH papers."""

    def __init__(self, db: sqlite_utils.Database, shard: bool = False):
        self.db, self.shard, self.rows, self.papers = db, shard, {}, 0

    def add(self, rows: dict[str, list[tuple]]) -> None:
        """The rows one record (or one paper) gives."""
        for table, values in rows.items():
            self.rows.setdefault(table, []).extend(values)
        self.papers += 1
        if self.papers >= BATCH:
            self.flush()

    def flush(self) -> None:
        for table, values in self.rows.items():
            insert_values(self.db, table, values, self.shard)
        self.rows, self.papers = {}, 0


# What a worker writes: the records of a chunk of seed files (reading), or the rows of a
# range of papers and the paper each cluster became (merging).
READ_SHARD_TABLES = ("records",)
MERGE_SHARD_TABLES = tuple(table.split(".")[-1] for table in PAPER_TABLES) + ("merged",)


def create_shard(path, tables) -> sqlite_utils.Database:
    """A database of a worker's own; bare tables (no keys, no indexes), written once
    and read once."""
    db = sqlite_utils.Database(path, recreate=True)
    db.conn.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")
    for table in tables:
        db.execute(f"CREATE TABLE {table} ({', '.join(columns_of(table))})")
    return db


def _attached(db: sqlite_utils.Database, paths: list):
    conn = db.conn
    conn.commit()  # attaching is not allowed inside a transaction
    for k, path in enumerate(paths):
        conn.execute(f"ATTACH DATABASE ? AS shard{k}", [str(path)])
    return conn


def _detach(conn, paths: list) -> None:
    conn.commit()
    for k in range(len(paths)):
        conn.execute(f"DETACH DATABASE shard{k}")


def take_in_records(db: sqlite_utils.Database, shards: list[tuple]) -> None:
    """Copy reading shards' records into staging, in order (file order); (path, shift):
    a part of a big export counts its positions from its own start, moved by shift."""
    paths = [path for path, _ in shards]
    conn = _attached(db, paths)
    columns = columns_of("records")
    moved = ", ".join("position + ?" if c == "position" else c for c in columns)
    for k, (_, shift) in enumerate(shards):
        conn.execute(f"INSERT INTO staging.records ({', '.join(columns)}) SELECT {moved} FROM shard{k}.records "
                     "ORDER BY rowid", [shift])
    _detach(conn, paths)


def cluster_ranges(db: sqlite_utils.Database, records_per_range: int):
    """The clusters in order, cut into (first, last) ranges of about so many records."""
    first = last = None
    count = 0
    for cluster, n in db.conn.execute("SELECT cluster, count(*) FROM staging.records GROUP BY cluster ORDER BY cluster"):
        if first is None:
            first = cluster
        last, count = cluster, count + n
        if count >= records_per_range:
            yield first, last
            first, count = None, 0
    if first is not None:
        yield first, last


def staged_papers(staging_path, first: int, last: int):
    """The papers of a range of clusters, each as (cluster, [(source id, file name,
    position, record)]), read from the staging file (in a worker)."""
    conn = sqlite3.connect(f"file:{staging_path}?mode=ro", uri=True)
    try:
        group, current = [], None
        for cluster, source_id, filename, position, blob in conn.execute(
            "SELECT cluster, source_id, filename, position, record FROM records "
            "WHERE cluster BETWEEN ? AND ? ORDER BY cluster, rid", [first, last]):
            if cluster != current and group:
                yield current, group
                group = []
            current = cluster
            group.append((source_id, filename, position, pickle.loads(blob)))
        if group:
            yield current, group
    finally:
        conn.close()


def take_in_papers(db: sqlite_utils.Database, paths: list) -> None:
    """Copy merging shards' rows in, in order, with SQL. A paper whose id an earlier
    paper took (different papers that would share an id) is left out here and noted in
    temp.merged as a clash: it is merged again under an id of its own."""
    conn = _attached(db, paths)
    for k in range(len(paths)):
        conn.execute(f"CREATE TEMP TABLE seen AS SELECT id FROM shard{k}.papers WHERE id IN (SELECT id FROM main.papers)")
        for table in PAPER_TABLES:
            name = table.split(".")[-1]
            columns = ", ".join(columns_of(name))
            conn.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM shard{k}.{name} "
                         f"WHERE {paper_id_column(name)} NOT IN temp.seen ORDER BY rowid")
        conn.execute(f"INSERT INTO temp.merged SELECT cluster, paper_id, clash OR paper_id IN temp.seen "
                     f"FROM shard{k}.merged ORDER BY rowid")
        conn.execute("DROP TABLE temp.seen")
    _detach(conn, paths)


def clashing_papers(db: sqlite_utils.Database):
    """The clusters whose paper id another paper had taken, with their records, in order."""
    clusters = [c for (c,) in db.conn.execute("SELECT cluster FROM temp.merged WHERE clash ORDER BY cluster")]
    for cluster in clusters:
        group = [(source_id, filename, position, pickle.loads(blob)) for source_id, filename, position, blob in
                 db.conn.execute("SELECT source_id, filename, position, record FROM staging.records "
                                 "WHERE cluster = ? ORDER BY rid", [cluster])]
        yield cluster, group


def load_papers(db: sqlite_utils.Database, papers) -> None:
    """Write the rows of papers merged here (from ``paper_values``) in batches."""
    batches = Batches(db)
    for rows in papers:
        batches.add(rows)
    batches.flush()


def add_journals(db: sqlite_utils.Database) -> None:
    """Journals from the names the sources gave, then every paper's journal_id."""
    mentions = db.conn.execute("SELECT DISTINCT title, abbreviation, issn_l, issns FROM staging.journal_mentions").fetchall()
    journals, journal_of = assign_journals([tuple(m) for m in mentions])
    insert_rows(db, "journals", [{**j, "paper_count": 0} for j in journals])
    db.conn.execute("CREATE TEMP TABLE journal_of (title TEXT, abbreviation TEXT, issn_l TEXT, issns TEXT, journal_id TEXT)")
    db.conn.executemany("INSERT INTO journal_of VALUES (?, ?, ?, ?, ?)", [(*m, j) for m, j in journal_of.items()])
    db.conn.executescript("""
        CREATE INDEX staging.journal_mentions_paper ON journal_mentions (paper_id);
        UPDATE papers SET journal_id = (
            SELECT journal_of.journal_id FROM staging.journal_mentions m
            JOIN journal_of ON journal_of.title IS m.title AND journal_of.abbreviation IS m.abbreviation
                            AND journal_of.issn_l IS m.issn_l AND journal_of.issns IS m.issns
            WHERE m.paper_id = papers.id);
    """)
    db["papers"].create_index(["journal_id"], if_not_exists=True)  # the one finish() would make
    db.execute("UPDATE journals SET paper_count = (SELECT count(*) FROM papers WHERE journal_id = journals.id)")


def add_authors(db: sqlite_utils.Database) -> None:
    """One row per author; the fullest spelling names them ("Ailish Malone" over "A Malone")."""
    db.conn.executescript("""
        CREATE INDEX staging.author_names_id ON author_names (author_id, name);
        INSERT INTO authors (id, name, orcid, paper_count)
        SELECT author_id,
               (SELECT name FROM staging.author_names n2 WHERE n2.author_id = n.author_id
                ORDER BY length(name) DESC, name LIMIT 1),
               min(orcid),
               count(DISTINCT paper_id)
        FROM staging.author_names n GROUP BY author_id ORDER BY author_id;
    """)


def link_references(db: sqlite_utils.Database) -> None:
    """Point each reference at the cited paper when it is in the dataset: by DOI, else
    PMID, else journal + volume + first page."""
    conn = db.conn
    for column in ("doi", "pmid"):  # the indexes finish() would make, made now for the lookups
        db["papers"].create_index([column], if_not_exists=True)
    conn.executescript("""
        UPDATE paper_references SET cited_paper_id = (SELECT id FROM papers WHERE papers.doi = paper_references.doi)
        WHERE doi IS NOT NULL;
        UPDATE paper_references SET cited_paper_id = (SELECT id FROM papers WHERE papers.pmid = paper_references.pmid)
        WHERE cited_paper_id IS NULL AND pmid IS NOT NULL;
        CREATE TEMP TABLE located AS
            SELECT papers.id, volume, CASE WHEN instr(pages, '-') THEN substr(pages, 1, instr(pages, '-') - 1)
                                           ELSE pages END AS first_page,
                   journals.title, journals.abbreviation
            FROM papers JOIN journals ON journals.id = papers.journal_id
            WHERE volume IS NOT NULL AND pages IS NOT NULL;
        CREATE INDEX temp.located_at ON located (volume, first_page);
    """)
    candidates = conn.execute("""
        SELECT r.rowid, r.journal, located.id, located.title, located.abbreviation
        FROM paper_references r JOIN located ON located.volume = r.volume AND located.first_page =
            CASE WHEN instr(r.pages, '-') THEN substr(r.pages, 1, instr(r.pages, '-') - 1) ELSE r.pages END
        WHERE r.cited_paper_id IS NULL AND r.journal IS NOT NULL AND located.id != r.paper_id
        ORDER BY r.rowid, located.id
    """)  # streamed, not fetched: a common volume and page can match many papers
    conn.execute("CREATE TEMP TABLE links (ref INTEGER PRIMARY KEY, paper_id TEXT)")
    links, last = [], None
    for rowid, printed, paper_id, title, abbreviation in candidates:
        if rowid != last and journal_matches(printed, title, abbreviation):
            last = rowid  # the first matching paper wins (candidates come in rowid order)
            links.append((rowid, paper_id))
            if len(links) >= 10 * BATCH:
                conn.executemany("INSERT INTO temp.links VALUES (?, ?)", links)
                links = []
    conn.executemany("INSERT INTO temp.links VALUES (?, ?)", links)
    conn.executescript("""
        UPDATE paper_references SET cited_paper_id = (SELECT paper_id FROM temp.links WHERE ref = paper_references.rowid)
        WHERE rowid IN (SELECT ref FROM temp.links);
        UPDATE paper_references SET cited_paper_id = NULL WHERE cited_paper_id = paper_id;
        DROP TABLE temp.links;
        DROP TABLE temp.located;
    """)


def add_topics(db: sqlite_utils.Database, topics) -> None:
    insert_rows(db, "topics", topic_rows(topics))
    db.conn.executescript("""
        CREATE TEMP TABLE topic_counts AS SELECT topic_id, count(*) AS n FROM paper_topics GROUP BY topic_id;
        UPDATE topics SET paper_count = coalesce((SELECT n FROM temp.topic_counts WHERE topic_id = topics.id), 0);
        DROP TABLE temp.topic_counts;""")


def finish(db: sqlite_utils.Database) -> None:
    """Indexes, full-text search and views, after the bulk insert; then statistics."""
    for table, spec in TABLES.items():
        pk = spec["pk"] if isinstance(spec["pk"], tuple) else (spec["pk"],)
        led = {pk[0]} | {columns[0] for columns in INDEXES.get(table, [])}
        for column, _, _ in spec.get("foreign_keys", []):
            if column not in led:  # an index (or the primary key) that starts with it serves already
                db[table].create_index([column], if_not_exists=True)
    for table, indexes in INDEXES.items():
        for columns in indexes:
            db[table].create_index(columns, if_not_exists=True)
    for table, columns in FTS.items():
        db[table].enable_fts(columns, fts_version="FTS5", create_triggers=False, replace=True)
        db.execute(f"INSERT INTO [{table}_fts]([{table}_fts]) VALUES ('optimize')")
    for name, sql in VIEWS.items():
        db.create_view(name, sql.strip(), replace=True)
    db.execute("PRAGMA analysis_limit = 1000")  # statistics from a sample: enough for the planner
    db.analyze()
