"""metadata.yml documents the dataset, every table and every column."""

import sqlite_utils
import yaml

from conftest import ROOT
from litdb.schema import TABLES

METADATA = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
DOCUMENTED = METADATA["databases"]["literature"]["tables"]


def test_dataset_has_title_description_license_and_source():
    for key in ("title", "description_html", "license", "license_url", "source", "source_url"):
        assert METADATA.get(key), key
    assert "CC0" in METADATA["license"]
    assert "publishers' copyright" in METADATA["license"]


def test_every_table_and_column_in_the_built_database_is_described(seed_db):
    db = sqlite_utils.Database(seed_db)
    public = [t for t in db.table_names() if not t.startswith(("papers_fts", "sqlite_"))] + db.view_names()
    missing = []
    for name in public:
        spec = DOCUMENTED.get(name) or {}
        if not spec.get("description"):
            missing.append(name)
        columns = db[name].columns_dict
        missing += [f"{name}.{c}" for c in columns if not (spec.get("columns") or {}).get(c)]
    assert missing == []


def test_metadata_describes_nothing_that_does_not_exist(seed_db):
    db = sqlite_utils.Database(seed_db)
    for name, spec in DOCUMENTED.items():
        assert name in db.table_names() + db.view_names(), name
        assert set(spec.get("columns", {})) <= set(db[name].columns_dict), name


# The published shape, written out by hand: a column added, dropped or moved in
# litdb/schema.py without this list changing fails here.
EXPECTED_COLUMNS = {
    "journals": ["id", "name", "title", "abbreviation", "issn_l", "issns", "paper_count"],
    "papers": ["id", "title", "authors", "journal_id", "year", "publication_date", "volume", "issue", "pages",
               "doi", "pmid", "pmcid", "publication_types", "keywords", "topics", "citation_count",
               "is_open_access", "open_access_url", "authors_complete", "abstract", "epub_date", "copyright",
               "reference_count", "source_count"],
    "authors": ["id", "name", "orcid", "paper_count"],
    "paper_authors": ["paper_id", "author_id", "position", "name", "family", "given", "orcid", "affiliations"],
    "paper_references": ["paper_id", "position", "citation", "authors", "title", "journal", "year", "month", "day",
                         "volume", "issue", "pages", "doi", "pmid", "cited_paper_id"],
    "mesh_terms": ["paper_id", "position", "term", "qualifier", "major"],
    "grants": ["paper_id", "position", "grant_id", "acronym", "agency", "country", "text"],
    "topics": ["id", "label", "category", "description", "synonyms", "paper_count"],
    "paper_topics": ["paper_id", "topic_id", "matched", "fields"],
    "sources": ["id", "filename", "sha256", "bytes", "format", "status", "error", "records", "rejected_records"],
    "rejected_records": ["source_id", "position", "line", "reason"],
    "disagreement_fields": ["paper_id", "field", "value_count"],
    "provenance": ["id", "paper_id", "source_id", "field", "value", "chosen", "note"],
}


def test_the_built_database_has_the_published_shape(seed_db):
    db = sqlite_utils.Database(seed_db)
    tables = {t for t in db.table_names() if not t.startswith(("papers_fts", "sqlite_"))}
    assert tables == set(EXPECTED_COLUMNS)
    for name, columns in EXPECTED_COLUMNS.items():
        assert list(db[name].columns_dict) == columns, name
    assert db.view_names() == ["disagreements"]
    assert db["papers"].pks == ["id"] and db["paper_authors"].pks == ["paper_id", "position"]
    assert db["rejected_records"].pks == ["source_id", "position"]


# Written out by hand: a foreign key or a facet dropped from the schema or metadata.yml
# fails here instead of leaving nothing to check.
FOREIGN_KEYS = {
    ("papers", "journal_id"), ("paper_authors", "paper_id"), ("paper_authors", "author_id"),
    ("paper_references", "paper_id"), ("paper_references", "cited_paper_id"), ("mesh_terms", "paper_id"),
    ("grants", "paper_id"), ("paper_topics", "paper_id"), ("paper_topics", "topic_id"),
    ("rejected_records", "source_id"), ("disagreement_fields", "paper_id"), ("provenance", "paper_id"),
    ("provenance", "source_id"),
}
COLUMN_FACETS = {
    ("papers", "year"), ("papers", "journal_id"), ("papers", "is_open_access"), ("paper_references", "journal"),
    ("paper_references", "year"), ("mesh_terms", "term"), ("mesh_terms", "major"), ("grants", "agency"),
    ("grants", "country"), ("topics", "category"), ("paper_topics", "topic_id"), ("sources", "status"),
    ("sources", "format"), ("rejected_records", "source_id"), ("disagreement_fields", "field"),
    ("provenance", "field"), ("provenance", "source_id"), ("provenance", "chosen"),
}


def test_foreign_keys_and_faceted_columns_are_indexed(seed_db):
    db = sqlite_utils.Database(seed_db)
    foreign_keys = {(name, fk.column) for name in TABLES for fk in db[name].foreign_keys}
    facets = {(name, facet) for name in TABLES for facet in DOCUMENTED[name].get("facets", [])
              if not isinstance(facet, dict)}  # array facets use json_each, not an index
    assert foreign_keys == FOREIGN_KEYS and facets == COLUMN_FACETS
    for name, column in FOREIGN_KEYS | COLUMN_FACETS:
        assert column in {i.columns[0] for i in db[name].indexes}, f"{name}.{column}"


def test_full_text_search_covers_title_abstract_keywords(seed_db):
    db = sqlite_utils.Database(seed_db)
    assert db["papers"].detect_fts() == "papers_fts"
    assert db["papers_fts"].columns_dict.keys() == {"title", "abstract", "keywords"}


def test_data_dictionary_is_up_to_date():
    from scripts.data_dictionary import TARGET, render
    assert TARGET.read_text(encoding="utf-8") == render(), "run: python scripts/data_dictionary.py"
