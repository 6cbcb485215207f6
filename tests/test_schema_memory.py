"""litdb.serve.remember_schemas: Datasette's questions about the immutable file's schema
are answered from memory after the first time, with the same answers; made-up names are
not remembered; callers get copies; the schemas are copied into _internal once."""

import asyncio

import pytest
from datasette.database import Database

from conftest import ROOT  # noqa: F401  (puts the repository on sys.path)
from litdb.serve import make_datasette


@pytest.fixture
def site(seed_db, tmp_path):
    return make_datasette(seed_db, tmp_path / "no-inspect-file.json")


def queries_run(ds, coroutine_function):
    """(what coroutine_function returned, {database: statements it ran}) on ds."""
    counted = {}
    original = Database.execute_fn

    async def counting(self, fn):
        counted[self.name] = counted.get(self.name, 0) + 1
        return await original(self, fn)

    async def scenario():
        await ds.invoke_startup()
        Database.execute_fn = counting
        try:
            return await coroutine_function()
        finally:
            Database.execute_fn = original

    return asyncio.run(scenario()), counted


def test_the_second_asking_runs_no_query_and_gets_the_same_answers(site):
    db = site.get_database("literature")

    async def ask_twice():
        answers = []
        for _ in range(2):
            answers.append((await db.primary_keys("papers"), await db.table_exists("papers"),
                            await db.fts_table("papers"), "papers_fts" in await db.hidden_table_names(),
                            [c.name for c in await db.table_column_details("paper_authors")][:3]))
        return answers

    (first, second), counted = queries_run(site, ask_twice)
    assert first == second == (["id"], True, "papers_fts", True, ["paper_id", "author_id", "position"])
    assert counted["literature"] == 6  # all in the first asking: the second ran none


def test_made_up_names_are_asked_each_time_and_not_kept(site):
    db = site.get_database("literature")

    async def ask():
        return [await db.primary_keys("no_such_table") for _ in range(3)]

    answers, counted = queries_run(site, ask)
    assert answers == [[], [], []]
    assert counted["literature"] >= 3  # each asking reached SQLite


def test_callers_get_copies(site):
    db = site.get_database("literature")

    async def change_and_ask_again():
        keys = await db.primary_keys("papers")
        keys.append("changed")
        foreign = await db.foreign_keys_for_table("paper_authors")
        foreign[0]["other_table"] = "changed"
        return await db.primary_keys("papers"), (await db.foreign_keys_for_table("paper_authors"))[0]["other_table"]

    (keys, other_table), _ = queries_run(site, change_and_ask_again)
    assert keys == ["id"] and other_table != "changed"


def test_pages_copy_the_schemas_into_internal_once(site):
    async def three_pages():
        statuses = [(await site.client.get(path)).status_code
                    for path in ("/literature/papers", "/literature/authors", "/literature/papers")]
        tables = await site.get_database("_internal").execute(
            "select table_name from tables where database_name = 'literature' and table_name = 'papers'")
        return statuses, [tuple(row) for row in tables.rows]

    (statuses, tables), counted = queries_run(site, three_pages)
    assert statuses == [200, 200, 200] and tables == [("papers",)]  # the schema is there, copied once
    first_only, _ = queries_run(site, lambda: site.client.get("/literature/journals"))
    _, counted_after = queries_run(site, lambda: site.client.get("/literature/journals"))
    assert "_internal" not in counted_after  # no schema check, no catalogue question, once the first page ran


def test_a_visitors_permissions_are_asked_once_per_action_and_resource(site, monkeypatch):
    from datasette.plugins import pm

    asked = []
    original = pm.hook.permission_allowed

    class Counting:
        def __call__(self, **kwargs):
            asked.append((kwargs["actor"], kwargs["action"], kwargs["resource"]))
            return original(**kwargs)

    monkeypatch.setattr(pm.hook, "permission_allowed", Counting())

    async def checks():
        answers = []
        for _ in range(2):
            answers += [await site.permission_allowed(None, "view-table", ("literature", "papers"), default=True),
                        await site.permission_allowed(None, "view-table", ("literature", "made_up"), default=True),
                        await site.permission_allowed(None, "execute-sql", "literature", default=True),
                        await site.permission_allowed({"id": "someone"}, "view-instance", default=True)]
        return answers

    answers, _ = queries_run(site, checks)
    assert answers == [True] * 8
    assert asked == [  # the first round; in the second, only what is not remembered
        (None, "view-table", ("literature", "papers")), (None, "view-table", ("literature", "made_up")),
        (None, "execute-sql", "literature"), ({"id": "someone"}, "view-instance", None),
        (None, "view-table", ("literature", "made_up")), ({"id": "someone"}, "view-instance", None)]
