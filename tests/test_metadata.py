"""metadata.yml documents the dataset, every table and every column."""

import sqlite_utils
import yaml

from conftest import ROOT
from litdb.schema import TABLES, VIEWS

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


def test_schema_declares_what_is_built(seed_db):
    db = sqlite_utils.Database(seed_db)
    for name, spec in TABLES.items():
        assert list(db[name].columns_dict) == list(spec["columns"]), name
    assert set(db.view_names()) == set(VIEWS)


def test_foreign_keys_and_faceted_columns_are_indexed(seed_db):
    db = sqlite_utils.Database(seed_db)
    for name in TABLES:
        indexed = {tuple(i.columns)[0] for i in db[name].indexes}
        for fk in db[name].foreign_keys:
            assert fk.column in indexed, f"{name}.{fk.column}"
        for facet in DOCUMENTED[name].get("facets", []):
            column = facet["array"] if isinstance(facet, dict) else facet
            if not isinstance(facet, dict):  # array facets use json_each, not an index
                assert column in indexed, f"{name}.{column}"


def test_full_text_search_covers_title_abstract_keywords(seed_db):
    db = sqlite_utils.Database(seed_db)
    assert db["papers"].detect_fts() == "papers_fts"
    assert db["papers_fts"].columns_dict.keys() == {"title", "abstract", "keywords"}


def test_data_dictionary_is_up_to_date():
    from scripts.data_dictionary import TARGET, render
    assert TARGET.read_text(encoding="utf-8") == render(), "run: python scripts/data_dictionary.py"
