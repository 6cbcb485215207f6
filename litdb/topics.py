"""Topics: tag each paper with the concepts of the controlled vocabulary in topics.yml.

A topic applies when one of its synonyms occurs, as whole words and in any case, in
the paper's title, abstract, keywords or MeSH terms.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

VOCABULARY = Path(__file__).with_name("topics.yml")
FIELDS = ("title", "abstract", "keywords", "mesh")


@dataclass
class Topic:
    id: str
    label: str
    category: str
    description: str
    synonyms: list[str]
    pattern: re.Pattern
    exclude: re.Pattern | None


def _phrase(synonym: str) -> str:
    """'deep brain stimulation' also matches 'deep-brain stimulation'; 'cerebello*' is a prefix."""
    synonym = synonym.lower().replace("\u2019", "'")
    prefix = synonym.endswith("*")
    words = [re.escape(w) for w in re.split(r"[\s-]+", synonym.rstrip("*")) if w]
    body = r"[\s-]+".join(words)
    if prefix:
        body += r"[\w-]*" if synonym.rstrip("*").endswith("-") else r"\w*"
    return body


def _regex(phrases: list[str]) -> re.Pattern:
    # longest first, so "eyeblink classical conditioning" wins over "eyeblink"
    alternatives = sorted((_phrase(p) for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w])", re.IGNORECASE)


def load_vocabulary(path: Path = VOCABULARY) -> list[Topic]:
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
            pattern=_regex([str(s) for s in entry["synonyms"]]),
            exclude=_regex(entry["exclude"]) if entry.get("exclude") else None,
        ))
    return topics


def tag(topics: list[Topic], texts: dict[str, str]) -> list[dict]:
    """[{topic, matched words, fields}] for one paper's texts, by field name."""
    tags = []
    for topic in topics:
        matched, fields = [], []
        for field in FIELDS:
            text = (texts.get(field) or "").replace("\u2019", "'")
            if topic.exclude:
                text = topic.exclude.sub(" ", text)
            found = [" ".join(m.lower().split()) for m in topic.pattern.findall(text)]
            if found:
                fields.append(field)
                matched += [w for w in found if w not in matched]
        if fields:
            tags.append({"topic": topic, "matched": matched, "fields": fields})
    return tags


def paper_topics(topics: list[Topic], paper: dict, mesh_terms: list[dict]) -> list[dict]:
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
