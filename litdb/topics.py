"""Topics: tag each paper with the concepts of the controlled vocabulary in topics.yml.

A topic applies when one of its synonyms occurs, as whole words and in any case, in
the paper's title, abstract, keywords or MeSH terms.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

VOCABULARY = Path(__file__).with_name("topics.yml")
FIELDS = ("title", "abstract", "keywords", "mesh")


Phrase = tuple[tuple[str, ...], bool]  # (tokens, last token is a prefix)

# Words (apostrophes inside them kept: "writer's") and punctuation marks are tokens;
# spaces and hyphens only separate them, so "deep-brain stimulation" reads like
# "deep brain stimulation", "cerebello-thalamo-cortical" names three regions, and
# "basal. Ganglia" never reads like "basal ganglia".
TOKEN = re.compile(r"\w[\w']*\w|\w|[^\w\s-]")


@dataclass
class Topic:
    id: str
    label: str
    category: str
    description: str
    synonyms: list[str]
    phrases: list[Phrase]
    exclude: list[Phrase]


class Vocabulary(list):
    """The topics, indexed by the first token of their phrases. One regular
    expression finds where any phrase could start, so only those few places of a
    long abstract are looked at closely."""

    def __init__(self, topics: list[Topic]):
        super().__init__(topics)
        self.first: dict[str, list[tuple[Topic, Phrase]]] = {}
        self.prefixed: list[tuple[Topic, Phrase]] = []
        self.exclude_first: dict[str, list[tuple[Topic, Phrase]]] = {}
        for topic in topics:
            for phrase in topic.exclude:
                self.exclude_first.setdefault(phrase[0][0], []).append((topic, phrase))
            for phrase in topic.phrases:
                if len(phrase[0]) == 1 and phrase[1]:
                    self.prefixed.append((topic, phrase))
                else:
                    self.first.setdefault(phrase[0][0], []).append((topic, phrase))
        self.longest = max(len(p[0]) for t in topics for p in t.phrases + t.exclude)
        words = sorted(set(self.first) | set(self.exclude_first), key=len, reverse=True)
        prefixes = sorted({p[0][0] for _, p in self.prefixed}, key=len, reverse=True)
        alternatives = [re.escape(w) for w in words] + [re.escape(p) + r"[\w']*" for p in prefixes]
        # a whole token: not inside a word, and not cut before an apostrophe that joins it
        self.starts = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w|'\w)")


def _tokens(text: str, start: int = 0, limit: int | None = None) -> list[tuple[str, int, int]]:
    """(token in lower case, start, end) for the tokens from ``start`` on (``limit`` of them)."""
    found = TOKEN.finditer(text, start)
    if limit is not None:
        found = itertools.islice(found, limit)
    return [(m.group().lower(), m.start(), m.end()) for m in found]


def _phrase(synonym: str) -> Phrase:
    """'deep brain stimulation' -> (('deep', 'brain', 'stimulation'), False);
    'cerebello*' -> (('cerebello',), True): a trailing * matches any ending."""
    synonym = str(synonym).lower().replace("\u2019", "'")
    prefix = synonym.endswith("*")
    return tuple(t for t, *_ in _tokens(synonym.rstrip("*-"))), prefix


def _matches_at(toks, i: int, phrase: Phrase) -> int:
    """End index (exclusive) of the phrase matched at token i, or 0."""
    words, prefix = phrase
    end = i + len(words)
    if end > len(toks):
        return 0
    for k, word in enumerate(words):
        token = toks[i + k][0]
        last = k == len(words) - 1
        if not (token == word or (last and prefix and token.startswith(word))):
            return 0
    return end


def _find(vocabulary: Vocabulary, text: str) -> dict[str, list[str]]:
    """Topic id -> the phrases found in the text (lower case, in order, once each)."""
    low = text.lower()
    if len(low) != len(text):  # lower() changed the length (rare letters): positions must agree
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    excluded: dict[str, list[tuple[int, int]]] = {}  # topic id -> character spans not to use
    found: dict[str, list[str]] = {}
    next_free: dict[str, int] = {}  # per topic, matches do not overlap (longest first)
    for start in vocabulary.starts.finditer(low):
        toks = _tokens(low, start.start(), vocabulary.longest)
        token = toks[0][0]
        for topic, phrase in vocabulary.exclude_first.get(token, ()):
            end = _matches_at(toks, 0, phrase)
            if end:
                excluded.setdefault(topic.id, []).append((toks[0][1], toks[end - 1][2]))
        candidates = vocabulary.first.get(token, []) + [
            (t, p) for t, p in vocabulary.prefixed if token.startswith(p[0][0])]
        best: dict[str, int] = {}
        for topic, phrase in candidates:
            if toks[0][1] < next_free.get(topic.id, 0):
                continue
            end = _matches_at(toks, 0, phrase)
            if end and not any(a < toks[end - 1][2] and toks[0][1] < b for a, b in excluded.get(topic.id, ())):
                best[topic.id] = max(best.get(topic.id, 0), end)
        for topic_id, end in best.items():
            words = " ".join(low[toks[0][1] : toks[end - 1][2]].split())
            if words not in found.setdefault(topic_id, []):
                found[topic_id].append(words)
            next_free[topic_id] = toks[end - 1][2]
    return found


def load_vocabulary(path: Path = VOCABULARY) -> Vocabulary:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics, seen = [], set()
    for n, entry in enumerate(entries, 1):
        missing = [k for k in ("id", "label", "category", "description", "synonyms") if not entry.get(k)]
        if missing:
            raise ValueError(f"{path.name}: topic {n} lacks {', '.join(missing)}")
        if entry["id"] in seen:
            raise ValueError(f"{path.name}: topic id {entry['id']!r} is used twice")
        seen.add(entry["id"])
        topics.append(Topic(
            id=entry["id"], label=entry["label"], category=entry["category"],
            description=entry["description"], synonyms=[str(s) for s in entry["synonyms"]],
            phrases=[_phrase(s) for s in entry["synonyms"]],
            exclude=[_phrase(s) for s in entry.get("exclude") or []],
        ))
    return Vocabulary(topics)


def tag(vocabulary: Vocabulary, texts: dict[str, str]) -> list[dict]:
    """[{topic, matched words, fields}] for one paper's texts, by field name, in vocabulary order."""
    by_field = {f: _find(vocabulary, (texts.get(f) or "").replace("\u2019", "'")) for f in FIELDS}
    tags = []
    for topic in vocabulary:
        fields = [f for f in FIELDS if topic.id in by_field[f]]
        if fields:
            matched = []
            for f in fields:
                matched += [w for w in by_field[f][topic.id] if w not in matched]
            tags.append({"topic": topic, "matched": matched, "fields": fields})
    return tags


def paper_topics(topics: Vocabulary, paper: dict, mesh_terms: list[dict]) -> list[dict]:
    """``paper_topics`` rows for one paper; also sets the paper's ``topics`` array."""
    texts = {
        "title": paper["title"],
        "abstract": paper["abstract"],
        "keywords": "; ".join(json.loads(paper["keywords"])),
        "mesh": "; ".join(t["term"] + (f" / {t['qualifier']}" if t["qualifier"] else "") for t in mesh_terms),
    }
    tags = tag(topics, texts)
    paper["topics"] = json.dumps([t["topic"].label for t in tags], ensure_ascii=False)
    return [
        {"paper_id": paper["id"], "topic_id": t["topic"].id,
         "matched": json.dumps(t["matched"], ensure_ascii=False), "fields": json.dumps(t["fields"])}
        for t in tags
    ]


def topic_rows(topics: list[Topic]) -> list[dict]:
    """``topics`` rows; paper counts are filled in once every paper is tagged."""
    return [
        {"id": t.id, "label": t.label, "category": t.category, "description": t.description,
         "synonyms": json.dumps(t.synonyms, ensure_ascii=False), "paper_count": 0}
        for t in topics
    ]
