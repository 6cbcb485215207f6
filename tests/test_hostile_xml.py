"""Hostile XML given to every XML reader: refused with a one-line reason, or read with
nothing of it acting (no entity expanded, no file read). The documents are those of
each reader's tests, in its own format."""

from __future__ import annotations

from dataclasses import asdict

import pytest

import test_reader_endnote_xml as endnote_xml_documents
import test_reader_jats as jats_documents
import test_reader_pubmed_xml as pubmed_xml_documents
from litdb.readers import endnote_xml, jats, pubmed_xml


def passwd_words() -> list[str]:
    """Words of /etc/passwd ("root:", "daemon:x:") that must appear in no record."""
    try:
        with open("/etc/passwd", encoding="utf-8") as f:
            return [line.split(":")[0] + ":x:" for line in f if line.count(":") >= 6][:5] + ["root:"]
    except OSError:
        return ["root:"]


REFUSED = "XML with an internal DTD or entity declarations is refused (entities are never expanded)"
# What each reader gives for each attack, typed by hand: the refusal, or the one record's
# title with nothing of the attack in it (the XInclude element dropped, not followed; the
# external DTD never fetched).
CASES = [
    (jats, "LAUGHS", REFUSED), (jats, "EXTERNAL", REFUSED), (jats, "PARAMETER", REFUSED),
    (jats, "XINCLUDE", "Title"), (jats, "HIDDEN", REFUSED),
    (pubmed_xml, "LAUGHS", REFUSED), (pubmed_xml, "EXTERNAL", REFUSED), (pubmed_xml, "PARAMETER", REFUSED),
    (pubmed_xml, "XINCLUDE", "Title ."),  # 'Title <xi:include .../>.': the element's place left empty
    (pubmed_xml, "EXTERNAL_DTD", "Title."), (pubmed_xml, "HIDDEN", REFUSED),
    (endnote_xml, "LAUGHS", REFUSED), (endnote_xml, "EXTERNAL", REFUSED), (endnote_xml, "PARAMETER", REFUSED),
    (endnote_xml, "XINCLUDE", "Title ."), (endnote_xml, "EXTERNAL_DTD", "Title."), (endnote_xml, "HIDDEN", REFUSED),
]
DOCUMENTS = {jats: jats_documents, pubmed_xml: pubmed_xml_documents, endnote_xml: endnote_xml_documents}


@pytest.mark.parametrize("reader, name, outcome", CASES, ids=[f"{r.NAME}-{n.lower()}" for r, n, _ in CASES])
def test_hostile_xml_is_refused_or_inert(reader, name, outcome):
    document = getattr(DOCUMENTS[reader], name)
    if outcome == REFUSED:
        with pytest.raises(ValueError) as refused:
            list(reader.read(document))
        assert str(refused.value) == REFUSED  # one line, the whole reason
        return
    [record] = reader.read(document)
    assert record.title == outcome
    dump = repr(asdict(record))
    assert not any(word in dump for word in passwd_words())
    assert "lollollol" not in dump
