"""Hostile XML given to every XML reader: refused with a one-line reason, or read with
nothing of it acting (no entity expanded, no file read). The documents are those of
each reader's tests, in its own format."""

from __future__ import annotations

from dataclasses import asdict

import pytest

import test_reader_jats as jats_documents
import test_reader_pubmed_xml as pubmed_xml_documents
from litdb.readers import jats, pubmed_xml


def passwd_words() -> list[str]:
    """Words of /etc/passwd ("root:", "daemon:x:") that must appear in no record."""
    try:
        with open("/etc/passwd", encoding="utf-8") as f:
            return [line.split(":")[0] + ":x:" for line in f if line.count(":") >= 6][:5] + ["root:"]
    except OSError:
        return ["root:"]


ATTACKS = {
    jats: ["LAUGHS", "EXTERNAL", "PARAMETER", "XINCLUDE", "HIDDEN"],
    pubmed_xml: ["LAUGHS", "EXTERNAL", "PARAMETER", "XINCLUDE", "EXTERNAL_DTD", "HIDDEN"],
}
DOCUMENTS = {jats: jats_documents, pubmed_xml: pubmed_xml_documents}
CASES = [(reader, getattr(DOCUMENTS[reader], name)) for reader, names in ATTACKS.items() for name in names]
IDS = [f"{reader.NAME}-{name.lower()}" for reader, names in ATTACKS.items() for name in names]


@pytest.mark.parametrize("reader, document", CASES, ids=IDS)
def test_hostile_xml_is_refused_or_inert(reader, document):
    try:
        got = [asdict(r) for r in reader.read(document)]
    except ValueError as e:
        got = [str(e)]
        assert "\n" not in str(e)
    dump = repr(got)
    assert not any(word in dump for word in passwd_words())
    assert "lollollol" not in dump


DECLARING = ["LAUGHS", "EXTERNAL", "PARAMETER", "HIDDEN"]  # documents that declare entities


@pytest.mark.parametrize("reader, document", [(r, getattr(DOCUMENTS[r], n)) for r in DOCUMENTS for n in DECLARING],
                         ids=[f"{r.NAME}-{n.lower()}" for r in DOCUMENTS for n in DECLARING])
def test_entity_declarations_are_refused_with_a_reason(reader, document):
    with pytest.raises(ValueError, match="entity declarations is refused"):
        list(reader.read(document))
