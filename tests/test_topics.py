"""Topics: the vocabulary loads, and the seed papers get exactly the right tags."""

import json

import pytest
import sqlite_utils

from litdb.topics import load_vocabulary, tag

OLD = "486bd29b069a"
NEW = "9c8f9033fd60"


def test_seed_papers_are_tagged(seed_db):
    db = sqlite_utils.Database(seed_db)
    rows = db.query("select paper_id, topic_id, matched, fields from paper_topics order by paper_id, topic_id")
    assert [(r["paper_id"], r["topic_id"], json.loads(r["matched"]), json.loads(r["fields"])) for r in rows] == [
        (OLD, "ataxia", ["ataxia", "ataxias"], ["abstract"]),
        (OLD, "basal-ganglia", ["basal ganglia"], ["abstract"]),
        (OLD, "cerebellum", ["cerebellum", "cerebellar"], ["title", "abstract"]),
        (OLD, "dystonia", ["dystonia"], ["title", "abstract"]),
        (OLD, "motor-learning", ["behavioral adaptation"], ["abstract"]),
        (OLD, "rodent-models", ["rodents"], ["abstract"]),
        (OLD, "striatum", ["striatal"], ["abstract"]),
        (NEW, "cerebellum", ["cerebellum"], ["title", "abstract"]),
        (NEW, "dystonia", ["dystonia"], ["title", "abstract"]),
    ]
    assert json.loads(db["papers"].get(NEW)["topics"]) == ["Cerebellum", "Dystonia"]
    assert db["topics"].get("cerebellum")["paper_count"] == 2
    assert db["topics"].count == len(load_vocabulary())


@pytest.fixture(scope="module")
def vocabulary():
    return load_vocabulary()


def topic_ids(vocabulary, **texts):
    return [t["topic"].id for t in tag(vocabulary, texts)]


def test_synonyms_match_whole_words_in_any_case_and_hyphenation(vocabulary):
    assert topic_ids(vocabulary, title="Deep-Brain Stimulation of the GPi") == ["deep-brain-stimulation"]
    assert topic_ids(vocabulary, abstract="Writer’s cramp and TMS") == [
        "focal-hand-dystonia", "transcranial-magnetic-stimulation"]
    assert topic_ids(vocabulary, title="Atmospheric stems") == []  # no "tms" inside words


def test_cerebellar_cortex_is_not_the_cerebral_cortex(vocabulary):
    assert topic_ids(vocabulary, abstract="Purkinje cells of the cerebellar cortex") == [
        "cerebellum", "purkinje-cells"]
    assert "cerebral-cortex" in topic_ids(vocabulary, abstract="the motor cortex")


def test_mesh_terms_tag_too(vocabulary):
    [hit] = tag(vocabulary, {"mesh": "Conditioning, Eyelid / physiology"})
    assert (hit["topic"].id, hit["matched"], hit["fields"]) == ("eyeblink-conditioning", ["conditioning, eyelid"], ["mesh"])


def test_vocabulary_errors_are_clear(tmp_path):
    path = tmp_path / "topics.yml"
    path.write_text("- id: x\n  label: X\n  category: disorder\n  description: d\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^topics.yml: topic 1 lacks synonyms$"):
        load_vocabulary(path)


def test_phrases_do_not_cross_sentences_and_hyphens_separate_words(vocabulary):
    assert "basal-ganglia" not in topic_ids(vocabulary, abstract="The nucleus was basal. Ganglia were spared.")
    assert topic_ids(vocabulary, abstract="cerebello-thalamo-cortical loops") == [
        "cerebellum", "thalamus", "cerebral-cortex"]
