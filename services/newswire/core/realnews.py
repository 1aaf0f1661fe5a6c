"""The real-news evaluation set (tests/corpus/realnews, see its README): English pages
of the public ScrapingHub benchmark, whose text is read from the dataset at evaluation
time (labels are keyed by page id and the body's SHA-256, the text is not copied), and
articles the team wrote in other languages, stored whole.

Labels are names as a reader writes them ("Donald Trump", "Nigeria Police",
"وزارة النقل"), with alternatives after "|". A prediction matches a label when the
gazetteer resolves the label to the prediction's id, or when their names read alike
(`name_key`: folded words without a leading "the", Cyrillic words by stem), or, for people, when the
prediction is the label's surname (the last words of the name). Each label is matched
once: a second prediction for the same label is an extra.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newswire.core.enrich import enrich
from newswire.core.enrichers.config import EnrichmentConfig
from newswire.core.enrichers.gazetteer import default_gazetteer
from newswire.core.enrichers.names import name_key as word_key
from newswire.core.enrichers.tokens import tokenize
from newswire.core.evaluate import Score, label_ids, name_index
from newswire.core.models import EnrichedArticle, Source
from newswire.core.sources import build_article
from newswire.core.textnorm import normalize

REALNEWS_FIELDS = ("language", "places", "organizations", "people", "dates")
PUBLIC = "public"  # text nobody on the team wrote
OURS = "ours"  # text the team wrote
# More public pages, labelled after the recognisers were tuned on the others and blind to
# their output (heldout.jsonl): scored apart, never in "all".
HELDOUT = "held-out"


class DatasetError(Exception):
    """The public dataset is missing or is not the one the labels were written for."""


@dataclass(frozen=True)
class Item:
    key: str
    origin: str  # PUBLIC, OURS or HELDOUT
    article: dict[str, Any]
    labels: dict[str, Any]


def name_key(name: str) -> tuple[str, ...]:
    """How a name is compared: its folded words, without a leading "the", a Cyrillic word
    by its stem without a final vowel (Жирнова and Жирнов, Андрея and Андрей read alike)."""
    words = [word_key(t) for t in tokenize(name).surface]
    return tuple(words[1:] if words[:1] == ["the"] and len(words) > 1 else words)


def load(labels_dir: Path, dataset_dir: Path) -> list[Item]:
    """The labelled items: public pages (text from dataset_dir/ground-truth.json) and the
    written ones. Raises DatasetError when a page is missing or its text changed."""
    truth_path = dataset_dir / "ground-truth.json"
    try:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise DatasetError(f"cannot read the article-extraction benchmark at {truth_path}: {err}") from err
    items = []
    pages = [(PUBLIC, line) for line in _lines(labels_dir / "public.jsonl")]
    if (labels_dir / "heldout.jsonl").is_file():
        pages += [(HELDOUT, line) for line in _lines(labels_dir / "heldout.jsonl")]
    for origin, line in pages:
        page = truth.get(line["page"])
        if page is None:
            raise DatasetError(f"{line['key']}: page {line['page']} is not in {truth_path}")
        body = page["articleBody"]
        if hashlib.sha256(body.encode("utf-8")).hexdigest() != line["body_sha256"]:
            raise DatasetError(f"{line['key']}: the text of page {line['page']} changed; its labels no longer apply")
        items.append(Item(line["key"], origin, {"body": body, "url": page.get("url")}, line["labels"]))
    items += [Item(line["key"], OURS, line["article"], line["labels"]) for line in _lines(labels_dir / "written.jsonl")]
    return items


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Prediction:
    id: str | None
    name: str
    method: str = "gazetteer"


def _alternatives(label: str) -> list[str]:
    return [a.strip() for a in label.split("|") if a.strip()]


def score_entities(score: Score, key: str, labels: Iterable[str], predicted: list[Prediction], names: dict[str, str],
                   surnames: bool = False) -> None:
    """Add one article's entity matches to `score` (the rules in the module docstring)."""
    gold = []
    gazetteer = default_gazetteer()
    for label in labels:
        alternatives = _alternatives(label)
        ids = {i for a in alternatives for i in label_ids(a, names)}
        for a in alternatives:  # what the gazetteer reads the whole label as ("Gomel": Homyel')
            tokens = tokenize(a)
            found = gazetteer.find(tokens)
            if len(found) == 1 and (found[0].start, found[0].end) == (0, len(tokens.folded)):
                ids |= {e.id for e in (found[0].entity, *found[0].alternatives)}
        gold.append((alternatives[0], ids, {name_key(a) for a in alternatives}))
    matched: set[int] = set()
    for p in predicted:
        pkey = name_key(p.name)
        hit = next((i for i, (_, ids, keys) in enumerate(gold)
                    if (p.id is not None and p.id in ids) or pkey in keys
                    or (surnames and pkey and any(len(k) > len(pkey) and k[-len(pkey):] == pkey for k in keys))),
                   None)
        counts = score.by_method.setdefault(p.method, [0, 0])
        if hit is None or hit in matched:
            score.fp += 1
            counts[1] += 1
            score.extras.append(f"{key}: {p.name}" + ("" if hit is None else " (again)"))
        else:
            matched.add(hit)
            score.tp += 1
            counts[0] += 1
    for i, (label, _, _) in enumerate(gold):
        if i not in matched:
            score.fn += 1
            score.misses.append(f"{key}: {label}")


def predictions(article: EnrichedArticle, field: str, names: dict[str, str]) -> list[Prediction]:
    e = article.enrichment
    refs = [Prediction(ref.id, ref.name, ref.found_by) for ref in getattr(e, field) if ref.count]
    if field == "organizations":  # wire agencies are organisations to a reader too
        refs += [Prediction(names.get(normalize(a)), a) for a in e.agencies if all(r.name != a for r in refs)]
    return refs


Scores = dict[str, dict[str, Score]]  # "all", "public", "ours", each language, "held-out" -> field -> Score


def evaluate(labels_dir: Path, dataset_dir: Path, config: EnrichmentConfig | None = None) -> Scores:
    config = config or EnrichmentConfig()
    names = name_index()
    scores: Scores = {}
    for item in load(labels_dir, dataset_dir):
        source = Source(name="realnews", kind="jsonl", location=f"{labels_dir}#{item.key}")
        enriched = enrich(build_article(item.article, source=source), config)
        labels = item.labels
        for group in (item.origin,) if item.origin == HELDOUT else ("all", item.origin, labels["language"]):
            field_scores = scores.setdefault(group, {f: Score() for f in REALNEWS_FIELDS})
            field_scores["language"].add(item.key, {labels["language"]}, {enriched.enrichment.language})
            for field in ("places", "organizations", "people"):
                score_entities(field_scores[field], item.key, labels.get(field, []), predictions(enriched, field, names),
                               names, surnames=field == "people")
            field_scores["dates"].add(item.key, set(labels.get("dates", [])),
                                      {d.value for d in enriched.enrichment.dates if d.resolved})
    return scores
