"""`newswire evaluate`: precision and recall of the enrichment on a labelled corpus.

Corpus lines (see tests/corpus/README.md): {"key", "article": raw fields, "labels":
{"language", "places", "organizations", "people", "dates", "agencies", "duplicate_of"}}.
Entity labels are canonical English names; they are resolved to gazetteer ids through
the entities' names and English aliases, and a label the gazetteer does not know stays
a miss (it lowers recall, as it should).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newswire.enrich import enrich
from newswire.enrichers.dedup import MemoryIndex
from newswire.enrichers.gazetteer import default_gazetteer
from newswire.models import Source
from newswire.settings import Settings
from newswire.sources import build_article
from newswire.textnorm import normalize

ENTITY_FIELDS = ("places", "organizations", "people")
FIELDS = ("language", *ENTITY_FIELDS, "dates", "agencies", "duplicates")


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fn_unknown: int = 0  # gold labels the gazetteer has no entity for
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def known_recall(self) -> float:
        """Recall over the labels the gazetteer knows: the matcher's part of the misses."""
        known_fn = self.fn - self.fn_unknown
        return self.tp / (self.tp + known_fn) if self.tp + known_fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, key: str, gold: set[str], predicted: set[str]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)
        self.fn_unknown += sum(1 for x in gold - predicted if x.startswith("unknown:"))
        self.misses += [f"{key}: {x}" for x in sorted(gold - predicted)]
        self.extras += [f"{key}: {x}" for x in sorted(predicted - gold)]


def _name_index() -> dict[str, str]:
    """Folded canonical name or English alias -> entity id."""
    index: dict[str, str] = {}
    gazetteer = default_gazetteer()
    for entity in gazetteer.entities.values():
        index.setdefault(normalize(entity.name), entity.id)
    for alias, entity_id in gazetteer.english_aliases().items():
        index.setdefault(normalize(alias), entity_id)
    return index


def load_corpus(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate(path: Path, settings: Settings | None = None) -> dict[str, Score]:
    settings = settings or Settings()
    corpus = load_corpus(path)
    names = _name_index()
    scores = {f: Score() for f in FIELDS}
    dedup = MemoryIndex(settings.dedup_threshold)
    key_by_id: dict[str, str] = {}
    gold_pairs: set[str] = set()
    predicted_pairs: set[str] = set()
    for item in corpus:
        key, labels = item["key"], item["labels"]
        source = Source(name="corpus", kind="jsonl", location=f"{path}#{key}")
        article = build_article(item["article"], source=source)
        key_by_id[article.id] = key
        e = enrich(article, settings.enrichment(), dedup=dedup).enrichment

        scores["language"].add(key, {labels["language"]}, {e.language})
        for name in ENTITY_FIELDS:
            gold = {names.get(normalize(label), f"unknown:{label}") for label in labels.get(name, [])}
            # Labels name entities; a country only referred to by adjective is not a label.
            scores[name].add(key, gold, {ref.id for ref in getattr(e, name) if ref.count})
        scores["dates"].add(key, set(labels.get("dates", [])), {d.value for d in e.dates if d.resolved})
        gold_agencies = {names.get(normalize(label), f"unknown:{label}") for label in labels.get("agencies", [])}
        predicted_agencies = {names.get(normalize(a), a) for a in e.agencies}
        scores["agencies"].add(key, gold_agencies, predicted_agencies)
        if labels.get("duplicate_of"):
            gold_pairs.add(f"{key} -> {labels['duplicate_of']}")
        if e.duplicate_of:
            predicted_pairs.add(f"{key} -> {key_by_id.get(e.duplicate_of, e.duplicate_of)}")
    scores["duplicates"].add("corpus", gold_pairs, predicted_pairs)
    return scores


def report(scores: dict[str, Score], verbose: bool = False) -> str:
    lines = [f"{'field':<14} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
             f" {'not in gazetteer':>16} {'recall of known':>15}"]
    for name, s in scores.items():
        lines.append(f"{name:<14} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.tp:>5} {s.fp:>5} {s.fn:>5}"
                     f" {s.fn_unknown:>16} {s.known_recall:>15.3f}")
        if verbose:
            lines += [f"    missed  {m}" for m in s.misses] + [f"    extra   {x}" for x in s.extras]
    return "\n".join(lines)
