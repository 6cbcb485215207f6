"""Topics: the vocabulary loads, and the seed papers get exactly the right tags."""

import itertools
import json
import re

import pytest
import sqlite_utils
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from litdb.topics import FIELDS, TOKEN, Topic, Vocabulary, _phrase, load_vocabulary, tag

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
    assert db["topics"].count == 27  # the "- id:" entries of litdb/topics.yml


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
    assert topic_ids(vocabulary, abstract="the motor cortex") == ["cerebral-cortex"]


def test_mesh_terms_tag_too(vocabulary):
    [hit] = tag(vocabulary, {"mesh": "Conditioning, Eyelid / physiology"})
    assert (hit["topic"].id, hit["matched"], hit["fields"]) == ("eyeblink-conditioning", ["conditioning, eyelid"], ["mesh"])


def test_vocabulary_errors_are_clear(tmp_path):
    path = tmp_path / "topics.yml"
    path.write_text("- id: x\n  label: X\n  category: disorder\n  description: d\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"^topics.yml: topic 1 lacks synonyms$"):
        load_vocabulary(path)


def test_phrases_do_not_cross_sentences_and_hyphens_separate_words(vocabulary):
    assert topic_ids(vocabulary, abstract="The nucleus was basal. Ganglia were spared.") == []
    assert topic_ids(vocabulary, abstract="cerebello-thalamo-cortical loops") == [
        "cerebellum", "thalamus", "cerebral-cortex"]



# The tagger is made fast (one scan finds the few places where a phrase may start,
# each place is read once). It must tag exactly as the plain algorithm below does:
# at every place where the expression of the vocabulary's first words finds a start,
# read the tokens from there, record each exclusion, and keep each topic's longest
# synonym there unless it overlaps an exclusion or the topic's previous match.

# The reference reads tokens and phrases itself, with the readable pattern (the tagger's
# own TOKEN is its non-backtracking twin, compared below), so it checks the tagger with
# nothing of the tagger's.
PLAIN_TOKEN = re.compile(r"\w[\w']*\w|\w|[^\w\s-]")


def plain_phrase(synonym: str):
    synonym = str(synonym).lower().replace("\u2019", "'")
    return tuple(PLAIN_TOKEN.findall(synonym.rstrip("*-"))), synonym.endswith("*")


def plain_tagger(vocabulary, excludes: dict):
    """The plain algorithm over a vocabulary's synonyms and its excluded phrases (by topic id)."""
    first, prefixed, exclude_first = {}, [], {}
    for topic in vocabulary:
        topic_phrases = [plain_phrase(x) for x in topic.synonyms]
        topic_excludes = [plain_phrase(x) for x in excludes.get(topic.id, [])]
        for phrase in topic_excludes:
            exclude_first.setdefault(phrase[0][0], []).append((topic, phrase))
        for phrase in topic_phrases:
            if len(phrase[0]) == 1 and phrase[1]:
                prefixed.append((topic, phrase))
            else:
                first.setdefault(phrase[0][0], []).append((topic, phrase))
    longest = max(len(plain_phrase(x)[0]) for t in vocabulary for x in t.synonyms + excludes.get(t.id, []))
    words = sorted(set(first) | set(exclude_first), key=len, reverse=True)
    prefixes = sorted({p[0][0] for _, p in prefixed}, key=len, reverse=True)
    starts = re.compile(r"(?<!\w)(?:" + "|".join(
        [re.escape(w) for w in words] + [re.escape(p) + r"[\w']*" for p in prefixes]) + r")(?!\w|'\w)")

    def matches_at(toks, phrase):  # number of tokens matched, or 0
        words, prefix = phrase
        if len(words) > len(toks):
            return 0
        for k, word in enumerate(words):
            if not (toks[k][0] == word or (k == len(words) - 1 and prefix and toks[k][0].startswith(word))):
                return 0
        return len(words)

    def find(text):
        low = text.lower()
        if len(low) != len(text):
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
        excluded, found, next_free = {}, {}, {}
        for start in starts.finditer(low):
            toks = [(m.group().lower(), m.start(), m.end())
                    for m in itertools.islice(PLAIN_TOKEN.finditer(low, start.start()), longest)]
            for topic, phrase in exclude_first.get(toks[0][0], ()):
                n = matches_at(toks, phrase)
                if n:
                    excluded.setdefault(topic.id, []).append((toks[0][1], toks[n - 1][2]))
            best = {}
            for topic, phrase in first.get(toks[0][0], []) + [
                    (t, p) for t, p in prefixed if toks[0][0].startswith(p[0][0])]:
                n = 0 if toks[0][1] < next_free.get(topic.id, 0) else matches_at(toks, phrase)
                if n and not any(a < toks[n - 1][2] and toks[0][1] < b for a, b in excluded.get(topic.id, ())):
                    best[topic.id] = max(best.get(topic.id, 0), n)
            for topic_id, n in best.items():
                words = " ".join(low[toks[0][1]:toks[n - 1][2]].split())
                if words not in found.setdefault(topic_id, []):
                    found[topic_id].append(words)
                next_free[topic_id] = toks[n - 1][2]
        return found

    def tag(texts):
        by_field = {f: find((texts.get(f) or "").replace("\u2019", "'")) for f in FIELDS}
        tags = []
        for topic in vocabulary:
            fields = [f for f in FIELDS if topic.id in by_field[f]]
            if fields:
                matched = []
                for f in fields:
                    matched += [w for w in by_field[f][topic.id] if w not in matched]
                tags.append((topic.id, matched, fields))
        return tags

    return tag


def texts_of(pieces):
    """Strategy: a paper's texts made of the pieces, in any case, joined by separators of all kinds."""
    separators = ["", " ", "  ", "-", " - ", "\n", ", ", ". ", "; ", "/", "(", ")", "'", "''", "\u2019", "'s ", "_",
                  "\u00a0"]
    cases = [str, str.upper, str.title, str.swapcase]
    # One draw a piece: every (piece, case, separator) written out beforehand, the same
    # texts as three draws and a map would give, at a fraction of Hypothesis's cost
    # (drawing was most of this file's time).
    piece = st.sampled_from([case(p) + separator for p in sorted(pieces) for case in cases for separator in separators])
    text = st.lists(piece, max_size=12).map("".join)
    return st.fixed_dictionaries({}, optional={f: st.one_of(text, st.none()) for f in FIELDS})


def vocabulary_of(synonyms: dict, exclude: dict) -> Vocabulary:
    return Vocabulary([
        Topic(id=i, label=i, category="c", description="d", synonyms=s,
              phrases=[_phrase(x) for x in s], exclude=[_phrase(x) for x in exclude.get(i, [])])
        for i, s in synonyms.items()])


# Letters whose lower case is longer (İ), apostrophes in and after words, prefixes
# running into other words, a word that is the first of several phrases.
ODD_PIECES = {"x", "s", "İ", "ß", "é", "7", "'", "\u2019", "-", "cerebellothalamic's", "tms''dbs", "x'tms",
              "cortico-spinal", "thalamo", "cerebello'tms", "motor cortex cortex", "cerebellar cortex"}
VOCABULARY = load_vocabulary()
TOPIC_PIECES = ({s.rstrip("*-") for t in VOCABULARY for s in t.synonyms}
                | {" ".join(p[0]) for t in VOCABULARY for p in t.phrases + t.exclude}
                | {w for t in VOCABULARY for p in t.phrases + t.exclude for w in p[0]})
# A made-up vocabulary for what topics.yml does not have (yet): phrases that begin or
# end with punctuation, longer phrases ending in a prefix, one-token and prefix exclusions.
MADE_UP_EXCLUDES = {"one": ["ab c d", "a b"], "two": ["ab"], "three": ["ca*", "( a", "b"]}
MADE_UP = vocabulary_of(
    {"one": ["a", "ab c", "abc*", "(", "a'b c"], "two": ["ab", "ab c d*", "ab c", "b a", "+ a", "c-*", "x y z w"],
     "three": ["ab", "a''b", "ca*", "b (", "a b c d", "ab i*"], "four": ["c a", "c a b d*", "c a b", "abi*"]},
    MADE_UP_EXCLUDES)
MADE_UP_PIECES = {"a", "ab", "abc", "b", "ba", "c", "ca", "cab", "d", "x", "y", "z", "w", "a'b", "a''b", "(", "+",
                  "İ", "İx", "a''b a", "ab c d", "c a b dd", "ab İx", "abcİ"}
YML_EXCLUDES = {entry["id"]: entry.get("exclude") or []
                for entry in yaml.safe_load((ROOT / "litdb" / "topics.yml").read_text(encoding="utf-8"))}
PLAIN_TAG, PLAIN_MADE_UP = plain_tagger(VOCABULARY, YML_EXCLUDES), plain_tagger(MADE_UP, MADE_UP_EXCLUDES)


@settings(max_examples=800, derandomize=True, deadline=None)
@given(texts=texts_of(TOPIC_PIECES | ODD_PIECES))
def test_topics_yml_tags_as_the_plain_algorithm_does(texts):
    assert [(t["topic"].id, t["matched"], t["fields"]) for t in tag(VOCABULARY, texts)] == PLAIN_TAG(texts)


@settings(max_examples=800, derandomize=True, deadline=None)
@given(texts=texts_of(MADE_UP_PIECES | ODD_PIECES))
def test_any_vocabulary_tags_as_the_plain_algorithm_does(texts):
    assert [(t["topic"].id, t["matched"], t["fields"]) for t in tag(MADE_UP, texts)] == PLAIN_MADE_UP(texts)


@given(st.text(alphabet="ab7_é'\u2019 -.(İ\n", max_size=20))
@settings(derandomize=True)
def test_the_fast_token_pattern_finds_the_same_tokens(text):
    assert re.findall(r"\w[\w']*\w|\w|[^\w\s-]", text) == TOKEN.findall(text)


@pytest.mark.parametrize("second, message", [
    ({"id": "tremor", "label": "Shaking"}, "topics.yml: topic id 'tremor' is used twice"),
    ({"id": "shaking", "label": "Tremor"}, "topics.yml: topic label 'Tremor' is used twice"),
])
def test_a_topic_id_or_label_used_twice_is_refused(tmp_path, second, message):
    entry = {"id": "tremor", "label": "Tremor", "category": "disorder", "description": "Tremor.",
             "synonyms": ["tremor"]}
    path = tmp_path / "topics.yml"
    path.write_text(yaml.safe_dump([entry, {**entry, **second}]), encoding="utf-8")
    with pytest.raises(ValueError) as refused:
        load_vocabulary(path)
    assert str(refused.value) == message
