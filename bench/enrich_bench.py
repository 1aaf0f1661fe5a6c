"""Enrichment throughput: articles per second on one core, whole step and per enricher.

Runs in one process (one core), on bench/workload.py's fixed set (seeds plus the
labelled corpus, about 3 KB per article, 13 languages, Arabic the largest share).
Every figure comes from the same run, so compare ratios, not absolute times across runs.

    .venv/bin/python bench/enrich_bench.py [--seconds 3] [--json bench/results/enrich.json]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from newswire.enrich import date_reference, enrich, sanitize_article  # noqa: E402
from newswire.enrichers.counts import count_chars, count_paragraphs, count_sentences, count_words  # noqa: E402
from newswire.enrichers.dates import extract_dates  # noqa: E402
from newswire.enrichers.dedup import MemoryIndex, signature  # noqa: E402
from newswire.enrichers.gazetteer import default_gazetteer  # noqa: E402
from newswire.enrichers.keywords import extract_keywords  # noqa: E402
from newswire.enrichers.language import detect_language  # noqa: E402
from newswire.enrichers.tokens import tokenize  # noqa: E402
from newswire.ids import content_hash_of  # noqa: E402
from newswire.models import Source  # noqa: E402
from newswire.pipeline import to_json  # noqa: E402
from newswire.scripts import dominant_script  # noqa: E402
from newswire.settings import Settings  # noqa: E402
from newswire.sources import build_article  # noqa: E402
from newswire.sources.reader import read_inputs  # noqa: E402
from newswire.textnorm import strip_arabic_marks  # noqa: E402


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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="time per measurement")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    settings = Settings()
    articles = load_articles()
    texts = [f"{a.title}\n\n{a.body}" for a in articles]
    plains = [strip_arabic_marks(t) for t in texts]
    tokens = [tokenize(t) for t in texts]
    gazetteer = default_gazetteer()
    langs = [detect_language(p, dominant_script(p))[0] for p in plains]
    idx = list(range(len(articles)))

    steps = {
        "sanitize": lambda i: sanitize_article(articles[i]),
        "script": lambda i: dominant_script(plains[i]),
        "language": lambda i: detect_language(plains[i], "Latn"),
        "tokenize": lambda i: tokenize(texts[i]),
        "counts": lambda i: (count_words(tokens[i].surface), count_sentences(articles[i].body),
                             count_paragraphs(articles[i].body), count_chars(plains[i])),
        "normalized text+hash": lambda i: content_hash_of(" ".join(tokens[i].folded[:12]), " ".join(tokens[i].folded[12:])),
        "keywords": lambda i: extract_keywords(tokens[i], 12, langs[i]),
        "places/orgs/people/agencies": lambda i: gazetteer.find(tokens[i]),
        "dates": lambda i: extract_dates(texts[i], date_reference(articles[i])),
        "near-dup signature": lambda i: signature(tokens[i].folded),
    }
    dedup = MemoryIndex()
    whole = rate(lambda i: enrich(articles[i], settings, dedup=dedup), idx, args.seconds)
    whole_json = rate(lambda i: to_json(enrich(articles[i], settings, dedup=dedup)), idx, args.seconds)
    per_step = {name: rate(fn, idx, args.seconds) for name, fn in steps.items()}

    sizes = [len(a.body.encode()) for a in articles]
    languages = Counter(langs)
    print(f"enrichment benchmark: {len(articles)} articles, mean body {statistics.mean(sizes):.0f} bytes, "
          f"languages {dict(languages.most_common())}")
    print(f"python {platform.python_version()}, one process (one core)\n")
    print(f"{'step':<30} {'articles/s':>11} {'us/article':>11} {'share':>7}")
    total_us = 1e6 / whole
    for name, r in per_step.items():
        print(f"{name:<30} {r:>11,.0f} {1e6 / r:>11.1f} {1e6 / r / total_us:>7.1%}")
    print(f"{'whole enrich()':<30} {whole:>11,.0f} {total_us:>11.1f} {1:>7.0%}")
    print(f"{'enrich() + JSON encode':<30} {whole_json:>11,.0f} {1e6 / whole_json:>11.1f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({
            "articles": len(articles), "mean_body_bytes": statistics.mean(sizes),
            "whole_articles_per_second": whole, "with_json_articles_per_second": whole_json,
            "steps_articles_per_second": per_step, "python": platform.python_version(),
        }, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
