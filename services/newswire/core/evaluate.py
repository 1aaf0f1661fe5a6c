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

from newswire.core.enrich import enrich
from newswire.core.enrichers.config import EnrichmentConfig
from newswire.core.enrichers.dedup import MemoryIndex
from newswire.core.enrichers.gazetteer import default_gazetteer
from newswire.core.enrichers.tokens import tokenize
from newswire.core.models import Enrichment, Source
from newswire.core.sources import build_article
from newswire.core.textnorm import normalize

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
    by_method: dict[str, list[int]] = field(default_factory=dict)  # found_by -> [tp, fp] (real-news set)

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


def name_index() -> dict[str, str]:
    """Folded canonical name or English alias -> entity id."""
    index: dict[str, str] = {}
    gazetteer = default_gazetteer()
    for entity in gazetteer.entities.values():
        if entity.curated:
            index.setdefault(normalize(entity.name), entity.id)
    for alias, entity_id in gazetteer.english_aliases().items():
        index.setdefault(normalize(alias), entity_id)
    # GeoNames places after every curated name: "Washington" is the curated city, not the state.
    for entity in gazetteer.entities.values():
        index.setdefault(normalize(entity.name), entity.id)
    return index


def label_ids(label: str, names: dict[str, str]) -> set[str]:
    """The entities a label can mean: its canonical or English name, or what the gazetteer
    reads the whole label as ("Elazig": GeoNames' Elazığ; "Tripoli": either Tripoli)."""
    ids = {names[normalize(label)]} if normalize(label) in names else set()
    tokens = tokenize(label)
    found = default_gazetteer().find(tokens)
    if len(found) == 1 and (found[0].start, found[0].end) == (0, len(tokens.folded)):
        ids |= {e.id for e in (found[0].entity, *found[0].alternatives)}
    return ids


def load_corpus(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


Scores = dict[str, dict[str, Score]]  # "all" and each language -> field -> Score


def evaluate(path: Path, config: EnrichmentConfig | None = None, dedup_threshold: float = 0.5) -> Scores:
    """Scores over the whole corpus ("all") and per true language. Near-duplicates are
    scored over the whole corpus only (a pair can cross languages)."""
    config = config or EnrichmentConfig()
    corpus = load_corpus(path)
    names = name_index()
    result: Scores = {"all": {f: Score() for f in FIELDS}}
    dedup = MemoryIndex(dedup_threshold)
    key_by_id: dict[str, str] = {}
    gold_pairs: set[str] = set()
    predicted_pairs: set[str] = set()
    for item in corpus:
        key, labels = item["key"], item["labels"]
        source = Source(name="corpus", kind="jsonl", location=f"{path}#{key}")
        article = build_article(item["article"], source=source)
        key_by_id[article.id] = key
        e = enrich(article, config, dedup=dedup).enrichment
        for group in ("all", labels["language"]):
            _score_article(result.setdefault(group, {f: Score() for f in FIELDS if f != "duplicates"}), key, labels, e, names)
        if labels.get("duplicate_of"):
            gold_pairs.add(f"{key} -> {labels['duplicate_of']}")
        if e.duplicate_of:
            predicted_pairs.add(f"{key} -> {key_by_id.get(e.duplicate_of, e.duplicate_of)}")
    result["all"]["duplicates"].add("corpus", gold_pairs, predicted_pairs)
    return result


def _score_article(scores: dict[str, Score], key: str, labels: dict[str, Any], e: Enrichment, names: dict[str, str]) -> None:
    scores["language"].add(key, {labels["language"]}, {e.language})
    for name in ENTITY_FIELDS:
        predicted = {ref.id for ref in getattr(e, name) if ref.count and ref.found_by in ("gazetteer", "geonames", "listed")}
        # A label stands for the entity predicted when it can mean it, else its likeliest one.
        gold = set()
        for label in labels.get(name, []):
            ids = label_ids(label, names)
            gold.add(next(iter(sorted(ids & predicted)), None) or names.get(normalize(label))
                     or next(iter(sorted(ids)), f"unknown:{label}"))
        # Labels name entities; a country only referred to by adjective is not a label.
        # Its labels spell people in Latin whatever the script and leave out national bodies
        # (README there): they can only be compared with the gazetteer's entities; names
        # found by form are measured on the real-news set (core/realnews.py).
        scores[name].add(key, gold, predicted)
    scores["dates"].add(key, set(labels.get("dates", [])), {d.value for d in e.dates if d.resolved})
    gold_agencies = {names.get(normalize(label), f"unknown:{label}") for label in labels.get("agencies", [])}
    predicted_agencies = {names.get(normalize(a), a) for a in e.agencies}
    scores["agencies"].add(key, gold_agencies, predicted_agencies)


def report(scores: Scores, verbose: bool = False) -> str:
    """The whole set field by field, then one line per group (language, origin)."""
    overall = scores["all"]
    lines = [f"{'field':<14} {'precision':>9} {'recall':>7} {'f1':>6} {'tp':>5} {'fp':>5} {'fn':>5}"
             f" {'not in gazetteer':>16} {'recall of known':>15}"]
    for name, s in overall.items():
        lines.append(f"{name:<14} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>6.3f} {s.tp:>5} {s.fp:>5} {s.fn:>5}"
                     f" {s.fn_unknown:>16} {s.known_recall:>15.3f}")
        if s.by_method:
            lines.append("    by method (right / wrong): " + ", ".join(
                f"{m} {tp}/{fp}" for m, (tp, fp) in sorted(s.by_method.items(), key=lambda kv: -sum(kv[1]))))
        if verbose:
            lines += [f"    missed  {m}" for m in s.misses] + [f"    extra   {x}" for x in s.extras]
    groups = [g for g in scores if g != "all"]
    if groups:
        fields = [f for f in overall if f != "duplicates"]
        lines += ["", "precision / recall by group (language accuracy: recall of language)",
                  f"{'group':<8} {'n':>4} " + " ".join(f"{f[:13]:>13}" for f in fields)]
        for group in groups:
            row = scores[group]
            n = row["language"].tp + row["language"].fn
            lines.append(f"{group:<8} {n:>4} " + " ".join(
                f"{row[f].precision:>6.2f}/{row[f].recall:<6.2f}" if row[f].tp + row[f].fp + row[f].fn else f"{'-':>13}"
                for f in fields).rstrip())
    return "\n".join(lines)
