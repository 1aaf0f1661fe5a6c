"""Enrichment throughput: articles per second on one core, whole step and per enricher.

Runs in one process (one core), on bench/workload.py's fixed set (seeds plus the
labelled corpus, about 3 KB per article, 13 languages, Arabic the largest share).
Every figure comes from the same run, so compare ratios, not absolute times across runs.

    .venv/bin/python bench/enrich_bench.py [--seconds 3] [--json bench/results/enrich.json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import newswire.core.enrich  # noqa: E402
from newswire.core.enrich import date_reference, enrich, enrich_many, sanitize_article, warm_up  # noqa: E402
from newswire.core.enrichers.config import EnrichmentConfig  # noqa: E402
from newswire.core.enrichers.counts import count_chars, count_paragraphs, count_sentences, count_words  # noqa: E402
from newswire.core.enrichers.dates import extract_dates  # noqa: E402
from newswire.core.enrichers.dedup import MemoryIndex, signature  # noqa: E402
from newswire.core.enrichers.gazetteer import default_gazetteer, known_mentions, resolve_places  # noqa: E402
from newswire.core.enrichers.keywords import extract_keywords  # noqa: E402
from newswire.core.enrichers.language import detect_language  # noqa: E402
from newswire.core.enrichers.names import find_names, merge  # noqa: E402
from newswire.core.enrichers.tokens import tokenize  # noqa: E402
from newswire.core.ids import content_hash  # noqa: E402
from newswire.core.models import to_json  # noqa: E402
from newswire.core.scripts import dominant_script  # noqa: E402
from newswire.core.textnorm import strip_arabic_marks  # noqa: E402
from newswire.service.consumer import ENRICH_CHUNK  # noqa: E402
from newswire.service.settings import Settings  # noqa: E402


def load_articles() -> list:
    """The same fixed set as `bench/run.py` (bench/workload.py): about 3 KB per article,
    13 languages, Arabic the largest share."""
    sys.path.insert(0, str(REPO / "bench"))
    from workload import build_set

    return list(build_set().articles)


def rate(fn, items: list, seconds: float) -> float:
    """Items per second, best of three timed passes of at least `seconds` / 3 each."""
    for item in items[:20]:
        fn(item)  # warm caches (fold cache, regexes, the language model)
    best = 0.0
    for _ in range(3):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            for item in items:
                fn(item)
            n += len(items)
        best = max(best, n / (time.perf_counter() - start))
    return best


# What each step of the table calls inside newswire.core.enrich; timed in place, because a
# step alone (its data hot in the CPU caches) can run 2x faster than between the others,
# and only the in-place figures add up to the whole.
IN_ENRICH: dict[str, list[str]] = {
    "sanitize": ["sanitize_article"],
    "script": ["dominant_script"],
    "language": ["detect_language"],
    "tokenize": ["tokenize_plain", "tokenize", "strip_arabic_marks"],
    "counts": ["count_words", "count_sentences", "count_paragraphs", "count_chars", "reading_time_seconds"],
    "normalized text+hash": ["content_hash"],
    "keywords": ["extract_keywords"],
    # known_mentions calls Gazetteer.find: a compiled class, whose methods cannot be wrapped.
    # (So the attribution's lookup in _merge, a few words, counts as "other".)
    "places/orgs/people/agencies": ["known_mentions", "group", "group_by_kinds", "_refs"],
    "people/orgs by form": ["find_names", "merge"],
    "dates": ["extract_dates", "_dates"],
    "near-dup signature": ["signature"],
}


@contextlib.contextmanager
def timed_in_enrich(spent: dict[str, float]):
    """Wrap the functions enrich() calls so each step's time accumulates in `spent`; a
    wrapped call inside another counts for the outer one only."""
    saved = []
    depth = [0]
    for step, names in IN_ENRICH.items():
        for name in names:
            owner, attr = newswire.core.enrich, name
            original = getattr(owner, attr)  # AttributeError: the table is out of date

            def wrapper(*args, _f=original, _step=step, **kwargs):
                if depth[0]:
                    return _f(*args, **kwargs)
                depth[0] += 1
                start = time.perf_counter()
                try:
                    return _f(*args, **kwargs)
                finally:
                    spent[_step] += time.perf_counter() - start
                    depth[0] -= 1

            saved.append((owner, attr, original))
            setattr(owner, attr, wrapper)
    try:
        yield
    finally:
        for owner, attr, original in saved:
            setattr(owner, attr, original)


def in_enrich_costs(articles: list, settings: EnrichmentConfig, seconds: float) -> dict[str, float]:
    """µs per article of each step, measured inside enrich_many() over chunks of
    ENRICH_CHUNK, as the consumer runs it (plus "other": the rest)."""
    spent = dict.fromkeys(IN_ENRICH, 0.0)
    dedup = MemoryIndex()
    chunks = [articles[i:i + ENRICH_CHUNK] for i in range(0, len(articles), ENRICH_CHUNK)]
    enrich_many(articles, settings, dedup=dedup)
    with timed_in_enrich(spent):
        n, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            for chunk in chunks:
                enrich_many(chunk, settings, dedup=dedup)
            n += len(articles)
        total = time.perf_counter() - start
    costs = {step: t / n * 1e6 for step, t in spent.items()}
    costs["other (dedup index, models, glue)"] = total / n * 1e6 - sum(costs.values())
    return costs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    settings = Settings().enrichment()
    warm_up()  # as the consumer does at start (gc.freeze of the loaded data)
    articles = load_articles()
    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    plains = [strip_arabic_marks(t) for t in texts]
    tokens = [tokenize(t) for t in texts]
    gazetteer = default_gazetteer()
    langs = [detect_language(p, dominant_script(p))[0] for p in plains]
    idx = list(range(len(articles)))
    plain_texts = [strip_arabic_marks(t) for t in texts]
    plain_tokens = [tokenize(t) for t in plain_texts]
    found_mentions = [resolve_places(gazetteer.find(t)) for t in plain_tokens]

    def by_form(i: int) -> object:
        return merge(found_mentions[i], find_names(plain_texts[i], plain_tokens[i], langs[i]), gazetteer, plain_texts[i])

    steps = {
        "sanitize": lambda i: sanitize_article(articles[i]),
        "script": lambda i: dominant_script(plains[i]),
        "language": lambda i: detect_language(plains[i], "Latn"),
        "tokenize": lambda i: tokenize(texts[i]),
        "counts": lambda i: (count_words(tokens[i].surface), count_sentences(articles[i].body),
                             count_paragraphs(articles[i].body), count_chars(plains[i])),
        "normalized text+hash": lambda i: content_hash(" ".join(tokens[i].folded[:12]), " ".join(tokens[i].folded[12:])),
        "keywords": lambda i: extract_keywords(tokens[i], 12, langs[i]),
        "places/orgs/people/agencies": lambda i: known_mentions(tokens[i]),
        "people/orgs by form": lambda i: by_form(i),
        "dates": lambda i: extract_dates(texts[i], date_reference(articles[i])),
        "near-dup signature": lambda i: signature(tokens[i].folded),
    }
    dedup = MemoryIndex()
    whole = rate(lambda i: enrich(articles[i], settings, dedup=dedup), idx, args.seconds)
    whole_json = rate(lambda i: to_json(enrich(articles[i], settings, dedup=dedup)), idx, args.seconds)
    # As the consumer runs it: enrich_many over chunks of ENRICH_CHUNK, stage by stage.
    chunks = [articles[i:i + ENRICH_CHUNK] for i in range(0, len(articles), ENRICH_CHUNK)]
    batched = rate(lambda c: enrich_many(c, settings, dedup=dedup), chunks, args.seconds) * len(articles) / len(chunks)
    per_step = {name: rate(fn, idx, args.seconds) for name, fn in steps.items()}
    in_place = in_enrich_costs(articles, settings, args.seconds)

    sizes = [len(a.body.encode()) for a in articles]
    languages = Counter(langs)
    print(f"enrichment benchmark: {len(articles)} articles, mean body {statistics.mean(sizes):.0f} bytes, "
          f"languages {dict(languages.most_common())}")
    print(f"python {platform.python_version()}, one process (one core)\n")
    print("'alone': the step by itself in a loop; 'in batch': the same calls timed inside"
          f" enrich_many() over chunks of {ENRICH_CHUNK}, as the consumer runs them")
    print(f"{'step':<34} {'alone /s':>10} {'alone us':>9} {'in batch us':>15} {'share':>7}")
    in_total = sum(in_place.values())
    for name, us in in_place.items():
        alone = per_step.get(name)
        alone_cols = f"{alone:>10,.0f} {1e6 / alone:>9.1f}" if alone else f"{'':>10} {'':>9}"
        print(f"{name:<34} {alone_cols} {us:>15.1f} {us / in_total:>7.1%}")
    print(f"{f'enrich_many(), chunks of {ENRICH_CHUNK}':<34} {batched:>10,.0f} {1e6 / batched:>9.1f}"
          f" {in_total:>15.1f} {1:>7.0%}   <- the whole step, as the consumer runs it")
    print(f"{'enrich(), one article at a time':<34} {whole:>10,.0f} {1e6 / whole:>9.1f}")
    print(f"{'enrich() + JSON encode':<34} {whole_json:>10,.0f} {1e6 / whole_json:>9.1f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "articles": len(articles), "mean_body_bytes": statistics.mean(sizes),
            "whole_articles_per_second": whole, "with_json_articles_per_second": whole_json,
            "batched_articles_per_second": batched, "chunk": ENRICH_CHUNK,
            "steps_articles_per_second": per_step, "steps_us_in_enrich": in_place,
            "python": platform.python_version(),
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
