"""Every reader claims its own format and nothing else: each fixture file of every
reader (tests/fixtures/<reader name>/) and every seed is claimed by exactly one
reader's looks_like, the one it was written for."""

from __future__ import annotations

import pytest

from conftest import FIXTURES, SEEDS
from litdb.readers import READERS, decode

EXPECTED = {SEEDS / "000_a766678b1bddf855.txt": "pubmed_page", SEEDS / "001_51f3e96b9982b093.txt": "aggregator_json"}
for reader in READERS:
    for path in sorted((FIXTURES / reader.NAME).glob("*")) if (FIXTURES / reader.NAME).is_dir() else []:
        if path.is_file() and ".expected" not in path.name and not path.name.startswith("bad_"):
            EXPECTED[path] = reader.NAME


def test_every_reader_has_fixtures():
    have = set(EXPECTED.values())
    assert [r.NAME for r in READERS if r.NAME not in have] == []


@pytest.mark.parametrize("path", sorted(EXPECTED), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_fixture_is_claimed_by_its_own_reader_only(path):
    text = decode(path.read_bytes())
    claimed = [r.NAME for r in READERS if r.looks_like(text)]
    assert claimed == [EXPECTED[path]]


def test_reader_modules_declare_name_trust_and_reader():
    for reader in READERS:
        assert isinstance(reader.NAME, str) and reader.TRUST in (0, 1, 2, 3), reader.__name__
        assert callable(reader.looks_like) and callable(reader.read), reader.NAME
        assert reader.__name__ == f"litdb.readers.{reader.NAME}"


def test_type_names_of_crossref_openalex_csl_and_jats_in_pubmeds_wording():
    from litdb.readers.common import publication_type
    assert [publication_type(t) for t in ("journal-article", "article-journal", "article", "research-article",
                                          "review-article", "book-chapter", "posted-content", "Editorial")] == [
        ["Journal Article"], ["Journal Article"], ["Journal Article"], ["Journal Article"], ["Review"],
        ["Book Chapter"], ["Preprint"], ["Editorial"]]
    assert publication_type("peer-review") == ["peer-review"] and publication_type(None) == []


def test_the_unknown_format_message_is_whole_in_a_sources_row():
    """The build cuts a reason to 240 characters (litdb/build.py one_line): the message that
    names every format must fit, or its end is cut off as the readers grow."""
    from litdb.build import one_line
    from litdb.readers import UNKNOWN_FORMAT
    assert one_line(UNKNOWN_FORMAT) == UNKNOWN_FORMAT
