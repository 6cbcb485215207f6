"""What a Datasette process does once, at its start (litdb/serve.py, plugins/cache.py):
pint's unit registry is not built unless something uses it, and what starting and
warming made is frozen out of the garbage collector's sight. Checked in a process of its
own, started as a served one is (a frozen collector would stay frozen in this one)."""

import json
import subprocess
import sys

from conftest import ROOT, plugin_module

PROBE = """
import asyncio, gc, json, sys
from pathlib import Path
sys.path[:0] = [sys.argv[3]]
from litdb import serve
ds = serve.make_datasette(Path(sys.argv[1]), Path(sys.argv[2]))
from datasette.views import base

def registry_built():  # pint's own UnitRegistry is built when made
    return not getattr(base.ureg, "_litdb_deferred", False) or base.ureg._registry is not None

facts = {"registry_built_at_start": registry_built()}

async def main():
    await ds.invoke_startup()
    facts["frozen_before_warm"] = gc.get_freeze_count()
    from plugins.cache import warm  # the module Datasette loaded from plugins/
    await warm(ds)
    facts["frozen_after_warm"] = gc.get_freeze_count()
    facts["home"] = (await ds.client.get("/")).status_code
    facts["registry_built_by_home"] = registry_built()
    facts["two_metres_in_cm"] = base.ureg("2 m").to("cm").magnitude  # built on first use, and works

asyncio.run(main())
print(json.dumps(facts))
"""


def test_unit_registry_on_first_use_and_startup_objects_frozen(seed_db, tmp_path):
    inspect = tmp_path / "inspect-data.json"  # none: make_datasette works without one
    result = subprocess.run([sys.executable, "-c", PROBE, str(seed_db), str(inspect), str(ROOT)],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    facts = json.loads(result.stdout.strip().splitlines()[-1])
    assert facts["registry_built_at_start"] is False
    assert facts["frozen_before_warm"] == 0
    assert facts["frozen_after_warm"] > 10_000  # Datasette, the plugins, templates: tens of thousands
    assert facts["home"] == 200
    assert facts["registry_built_by_home"] is False
    assert facts["two_metres_in_cm"] == 200


def test_facet_columns_read_once_for_all_the_processes_of_a_cluster(seed_db, tmp_path, monkeypatch):
    """With litdb.serve.SHARED_FOLDER set (scripts/cluster.py sets it), the facet columns
    are read from the database once and kept there; the next process loads them. A copy
    for other columns, or one that cannot be read, is read again from the database."""
    import pickle
    import sqlite3

    import litdb.serve
    from litdb.facets import read_facet_columns

    cache = plugin_module("cache")
    conn = sqlite3.connect(f"file:{seed_db}?mode=ro", uri=True)
    wanted = ("papers", ["year", "journal_id"], ["topics"])
    kept = tmp_path / "facet-columns-papers.pickle"

    monkeypatch.setattr(litdb.serve, "SHARED_FOLDER", None)
    cache.shared_facet_columns(conn, *wanted)
    assert list(tmp_path.iterdir()) == []  # make serve: nothing kept

    monkeypatch.setattr(litdb.serve, "SHARED_FOLDER", tmp_path)
    def held(columns):
        return columns.scalar, columns.arrays, columns.rows

    first = cache.shared_facet_columns(conn, *wanted)
    assert [p.name for p in tmp_path.iterdir()] == ["facet-columns-papers.pickle"]
    direct = read_facet_columns(conn, *wanted)
    assert held(first) == held(direct)
    assert any(direct.scalar["year"]) and any(direct.arrays["topics"])  # something to keep
    assert pickle.loads(kept.read_bytes())[0] == wanted

    kept.write_bytes(pickle.dumps((wanted, "the copy kept")))
    assert cache.shared_facet_columns(conn, *wanted) == "the copy kept"  # loaded, not read

    kept.write_bytes(pickle.dumps((("papers", ["year"], []), "other columns")))
    again = cache.shared_facet_columns(conn, *wanted)
    assert held(again) == held(direct)
    assert pickle.loads(kept.read_bytes())[0] == wanted  # kept anew

    kept.write_bytes(kept.read_bytes()[:100])  # cut short
    assert held(cache.shared_facet_columns(conn, *wanted)) == held(direct)
    assert [p.name for p in tmp_path.iterdir()] == ["facet-columns-papers.pickle"]  # no partial copy left
    conn.close()


def test_facet_columns_kept_nowhere_are_still_read(seed_db, tmp_path, monkeypatch):
    """A shared folder that cannot be written (gone, here) costs the copy, not the columns."""
    import sqlite3

    import litdb.serve
    from litdb.facets import read_facet_columns

    cache = plugin_module("cache")
    conn = sqlite3.connect(f"file:{seed_db}?mode=ro", uri=True)
    monkeypatch.setattr(litdb.serve, "SHARED_FOLDER", tmp_path / "gone")
    columns = cache.shared_facet_columns(conn, "papers", ["year"], ["topics"])
    direct = read_facet_columns(conn, "papers", ["year"], ["topics"])
    assert (columns.scalar, columns.arrays, columns.rows) == (direct.scalar, direct.arrays, direct.rows)
    assert not (tmp_path / "gone").exists()
    conn.close()
