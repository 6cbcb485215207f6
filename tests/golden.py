"""What the golden reader tests share: the records of a fixture file, a record written out
as a dict, an author. The empty record is typed out here by hand (not taken from the
model), so that a change to a default of PaperRecord shows in every reader's test."""

from __future__ import annotations

import copy
import dataclasses

from conftest import FIXTURES
from litdb.readers import decode, detect
from litdb.records import Author

EMPTY = {
    "format": None, "title": None, "doi": None, "pmid": None, "pmcid": None, "abstract": None,
    "journal_title": None, "journal_abbreviation": None, "year": None, "publication_date": None,
    "epub_date": None, "volume": None, "issue": None, "pages": None, "citation_count": None,
    "is_open_access": None, "open_access_url": None, "issns": [], "issn_l": None, "authors": [],
    "authors_complete": True, "publication_types": [], "keywords": [], "mesh_terms": [], "grants": [],
    "copyright": None, "references": [], "claims": [], "line": None,
}


def fixture_text(fmt: str, name: str) -> str:
    """The text of tests/fixtures/<fmt>/<name>, decoded as the build decodes a file."""
    return decode((FIXTURES / fmt / name).read_bytes())


def fixture_records(reader, name: str) -> list:
    """Every record (or RecordError) the reader gives for its fixture file; the file must be
    detected as the reader's format (as the build would read it)."""
    text = fixture_text(reader.NAME, name)
    assert detect(text) == reader.NAME, f"{name} is not detected as {reader.NAME}"
    return list(reader.read(text))


def _plain(value):
    """Values as dataclasses.asdict gives them: Author, Claim, ... become dicts."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def expected(fmt: str, **fields) -> dict:
    """A record as dataclasses.asdict gives it: the fields named, every other one empty."""
    unknown = set(fields) - set(EMPTY)
    assert not unknown, f"no such field: {sorted(unknown)}"
    record = copy.deepcopy(EMPTY)
    record["format"] = fmt
    record.update({key: _plain(value) for key, value in fields.items()})
    return record


def person(name: str, family: str | None = None, given: str | None = None, orcid: str | None = None,
           affiliations=(), group: bool = False) -> Author:
    """An author as a reader should give it."""
    return Author(name=name, family=family, given=given, orcid=orcid, affiliations=list(affiliations), group=group)


# The abstract of the paper of seeds/000 (Malone et al., Cerebellum 2014), as PubMed gives it:
# several readers' fixtures hold that paper.
SEED_000_ABSTRACT = (
    "Dystonia is a common movement disorder characterized by sustained muscle contractions. "
    "These contractions generate twisting and repetitive movements or typical abnormal postures, "
    "often exacerbated by voluntary movement. Dystonia can affect almost all the voluntary muscles. "
    "For several decades, the discussion on the pathogenesis has been focused on basal ganglia "
    "circuits, especially striatal networks. So far, although dystonia has been observed in some "
    "forms of ataxia such as dominant ataxias, the link between the cerebellum and dystonia has "
    "remained unclear. Recent human studies and experimental data mainly in rodents show that the "
    "cerebellum circuitry could also be a key player in the pathogenesis of some forms of dystonia. "
    "In particular, studies based on behavioral adaptation paradigm shed light on the links between "
    "dystonia and cerebellum. The spectrum of movement disorders in which the cerebellum is "
    "implicated is continuously expanding, and manipulation of cerebellar circuits might even "
    "emerge as a candidate therapy in the coming years."
)
