"""Topics: tag each paper with the concepts of the controlled vocabulary in topics.yml.

A topic applies when one of its synonyms occurs, as whole words and in any case, in
the paper's title, abstract, keywords or MeSH terms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import yaml

from .normalize import to_json

VOCABULARY = Path(__file__).with_name("topics.yml")
FIELDS = ("title", "abstract", "keywords", "mesh")


Phrase = tuple[tuple[str, ...], bool]  # (tokens, last token is a prefix)

# Words (apostrophes inside them kept: "writer's") and punctuation marks are tokens;
# spaces and hyphens only separate them, so "deep-brain stimulation" reads like
# "deep brain stimulation", "cerebello-thalamo-cortical" names three regions, and
# "basal. Ganglia" never reads like "basal ganglia".
# (That is \w[\w']*\w|\w|[^\w\s-], written so that it never backtracks.)
TOKEN = re.compile(r"\w++(?:'++\w++)*+|[^\w\s-]")


@dataclass
class Topic:
    id: str
    label: str
    category: str
    description: str
    synonyms: list[str]
    phrases: list[Phrase]
    exclude: list[Phrase]


class Start(NamedTuple):
    """What to look for where a token starts: the phrases beginning with it."""
    single: list[str]  # ids of the topics with a one-token synonym that is the token
    # (topic id, words, last word is a prefix, is an exclusion) for the longer
    # synonyms and the exclusions: exclusions first, then synonyms, longest first
    phrases: list[tuple[str, tuple[str, ...], bool, bool]]
    read: re.Pattern | None  # reads the tokens the phrases need (None: no phrases)
    read_lower: re.Pattern | None  # the same, for text whose tokens are lowered before they compare


class Vocabulary(list):
    """The topics, indexed by the first token of their phrases. One regular
    expression finds where any phrase could start, so only those few places of a
    long abstract are looked at closely, and each with what starts there (``at``)."""

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
        words = set(self.first) | set(self.exclude_first)
        prefixes = {p[0][0] for _, p in self.prefixed}
        # What starts at each vocabulary word; a token that only a prefix matches
        # ("cerebellopontine") gets its Start when it is met.
        self.at = {word: self.start(word) for word in words}
        # A start is a vocabulary word not followed by a word character (nor cut
        # before an apostrophe that joins it), or a word beginning with a prefix. The
        # words are a trie, one branch per letter, so that a failed try ends early; it
        # tries longer words first, so that a start's match is the longest word there.
        alternatives = [_trie(words) + r"(?!\w|'\w)"] if words else []
        alternatives += [_trie(prefixes) + r"[\w']*"] if prefixes else []
        # The scan tries only after a character that is no word character (found fast
        # in a bitmap: [^a-zA-Z0-9_], then (?<!\w) for non-ASCII letters), and looks
        # ahead from there: group 1 is the start's match, group 2 its first token.
        # _find passes over the starts inside the previous start's match, as finditer
        # over "(?<!\w)(?:alternatives)" does.
        after = r"(?=(" + "|".join(alternatives) + r"))(?=(" + TOKEN.pattern + "))"
        self.starts = re.compile(r"[^a-zA-Z0-9_](?<!\w)" + after)
        self.ascii_starts = re.compile(r"[^a-zA-Z0-9_]" + after)  # the same, for ASCII text

    def start(self, token: str) -> Start:
        """What to try where ``token`` (lower case) starts."""
        synonyms = self.first.get(token, []) + [(t, p) for t, p in self.prefixed if token.startswith(p[0][0])]
        single = list(dict.fromkeys(t.id for t, p in synonyms if len(p[0]) == 1))
        longer = sorted([(t, p) for t, p in synonyms if len(p[0]) > 1], key=lambda tp: -len(tp[1][0]))
        phrases = [(t.id, words, prefix, True) for t, (words, prefix) in self.exclude_first.get(token, [])]
        phrases += [(t.id, words, prefix, False) for t, (words, prefix) in longer]
        if not phrases:
            return Start(single, phrases, None, None)
        size = max(len(p[1]) for p in phrases)
        # In lower-case text, no phrase can match unless its second word follows.
        seconds = {p[1][1] for p in phrases if len(p[1]) > 1}
        filtered = all(len(p[1]) > 1 for p in phrases)
        return Start(single, phrases, _reader(size, seconds if filtered else ()), _reader(size))


def _trie(words) -> str:
    """A regular expression matching any of the words, trying longer ones first."""
    root: dict = {}
    for word in words:
        node = root
        for c in word:
            node = node.setdefault(c, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict) -> str:
        alternatives = [re.escape(c) + pattern(child) for c, child in sorted(node.items()) if c]
        if "" in node:
            alternatives.append("")  # ending here is tried last
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return pattern(root)


def _reader(n: int, seconds=()) -> re.Pattern:
    """The n tokens from a start on, as TOKEN.finditer reads them (it skips spaces
    and hyphens), None for those missing; with ``seconds``, only where one of them
    begins the second token."""
    rest = ""
    for _ in range(n - 1):
        rest = r"(?:[\s-]*(" + TOKEN.pattern + ")" + rest + ")?"
    second = r"(?=[\s-]*(?:" + "|".join(map(re.escape, sorted(seconds))) + "))" if seconds else ""
    return re.compile("(" + TOKEN.pattern + ")" + second + rest)


def _phrase(synonym: str) -> Phrase:
    """'deep brain stimulation' -> (('deep', 'brain', 'stimulation'), False);
    'cerebello*' -> (('cerebello',), True): a trailing * matches any ending."""
    synonym = str(synonym).lower().replace("\u2019", "'")
    prefix = synonym.endswith("*")
    return tuple(TOKEN.findall(synonym.rstrip("*-"))), prefix


def _prefix_matches(toks: tuple, words: tuple[str, ...]) -> bool:
    """Whether the tokens (lower case, None when missing) start with the words, the last a prefix."""
    last = toks[len(words) - 1]
    return last is not None and toks[:len(words) - 1] == words[:-1] and last.startswith(words[-1])


def _find(vocabulary: Vocabulary, text: str) -> dict[str, dict[str, None]]:
    """Topic id -> the phrases found in the text (lower case, in order, once each: dict keys)."""
    low = text.lower()
    if len(low) != len(text):  # lower() changed the length (rare letters): positions must agree
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    relower = not low.isascii() and low != low.lower()  # else its tokens are in lower case already
    low = " " + low  # so that a start at 0 follows a character too (positions are one more)
    found: dict[str, dict[str, None]] = {}
    # Per topic, where its next match may start: after its last match (matches do not
    # overlap) and after the exclusions met (they began at or before any later start,
    # so a match overlaps one exactly when it starts before the exclusion's end).
    free: dict[str, int] = {}
    resume, at = 0, vocabulary.at
    for m in (vocabulary.ascii_starts if low.isascii() else vocabulary.starts).finditer(low):
        start, stop = m.span(1)
        if start < resume:  # inside the previous start's match
            continue
        resume = stop
        first = m.group(2)
        token = first.lower() if relower else first
        here = at.get(token) or vocabulary.start(token)
        read = here.read and (here.read_lower if relower else here.read).match(low, start)
        if read:
            toks = read.groups()
            if relower:
                toks = tuple(t and t.lower() for t in toks)
            # Exclusions first; then a topic's longest synonym here, once recorded,
            # keeps its shorter ones out (its next match starts after its end).
            for topic_id, words, prefix, exclusion in here.phrases:
                n = len(words)
                if toks[:n] == words or prefix and _prefix_matches(toks, words):
                    end = read.end(n)
                    if exclusion:
                        free[topic_id] = max(free.get(topic_id, 0), end)
                    elif start >= free.get(topic_id, 0):
                        found.setdefault(topic_id, {})[" ".join(low[start:end].split())] = None
                        free[topic_id] = end
        for topic_id in here.single:  # a one-token synonym: the first token is the match
            if start >= free.get(topic_id, 0):
                found.setdefault(topic_id, {})[first] = None
                free[topic_id] = m.end(2)
    return found


def load_vocabulary(path: Path = VOCABULARY) -> Vocabulary:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    topics, seen, labels = [], set(), set()
    for n, entry in enumerate(entries, 1):
        missing = [k for k in ("id", "label", "category", "description", "synonyms") if not entry.get(k)]
        if missing:
            raise ValueError(f"{path.name}: topic {n} lacks {', '.join(missing)}")
        if entry["id"] in seen:
            raise ValueError(f"{path.name}: topic id {entry['id']!r} is used twice")
        # A paper's topics column holds labels: the search's topic facet and the papers
        # list count and link topics by them.
        if entry["label"] in labels:
            raise ValueError(f"{path.name}: topic label {entry['label']!r} is used twice")
        seen.add(entry["id"])
        labels.add(entry["label"])
        topics.append(Topic(
            id=entry["id"], label=entry["label"], category=entry["category"],
            description=entry["description"], synonyms=[str(s) for s in entry["synonyms"]],
            phrases=[_phrase(s) for s in entry["synonyms"]],
            exclude=[_phrase(s) for s in entry.get("exclude") or []],
        ))
    return Vocabulary(topics)


def tag(vocabulary: Vocabulary, texts: dict[str, str]) -> list[dict]:
    """[{topic, matched words, fields}] for one paper's texts, by field name, in vocabulary order."""
    by_topic: dict[str, tuple[list[str], dict[str, None]]] = {}  # topic id -> (fields, matched words)
    for f in FIELDS:
        for topic_id, words in _find(vocabulary, (texts.get(f) or "").replace("\u2019", "'")).items():
            if topic_id in by_topic:
                by_topic[topic_id][0].append(f)
                by_topic[topic_id][1].update(words)  # new words go last, in order
            else:
                by_topic[topic_id] = ([f], words)
    return [{"topic": topic, "matched": list(by_topic[topic.id][1]), "fields": by_topic[topic.id][0]}
            for topic in vocabulary if topic.id in by_topic]


def paper_topics(topics: Vocabulary, paper: dict, mesh_terms: list[dict]) -> list[dict]:
    """``paper_topics`` rows for one paper; also sets the paper's ``topics`` array."""
    texts = {
        "title": paper["title"],
        "abstract": paper["abstract"],
        "keywords": "; ".join(json.loads(paper["keywords"])),
        "mesh": "; ".join(t["term"] + (f" / {t['qualifier']}" if t["qualifier"] else "") for t in mesh_terms),
    }
    tags = tag(topics, texts)
    paper["topics"] = to_json([t["topic"].label for t in tags])
    return [
        {"paper_id": paper["id"], "topic_id": t["topic"].id,
         "matched": to_json(t["matched"]), "fields": to_json(t["fields"])}
        for t in tags
    ]


def topic_rows(topics: list[Topic]) -> list[dict]:
    """``topics`` rows; paper counts are filled in once every paper is tagged."""
    return [
        {"id": t.id, "label": t.label, "category": t.category, "description": t.description,
         "synonyms": json.dumps(t.synonyms, ensure_ascii=False), "paper_count": 0}
        for t in topics
    ]
