"""The enrichment's knobs, as a small explicit object: the caller builds it (the
service from its settings, `Settings.enrichment()`); enrichment never reads the
environment itself."""

from __future__ import annotations

from dataclasses import dataclass, field

# Words per minute by language for silent reading of prose, from Trauzettel-Klosinski
# et al. (2012), "Standardized Assessment of Reading Performance" (IReST), which
# measured 17 languages with the same texts. For zh and ja the figure is characters
# per minute, because those languages are counted in characters (see enrich.py).
DEFAULT_READING_WPM: dict[str, int] = {
    "ar": 138, "nl": 202, "en": 228, "fi": 161, "fr": 195, "de": 179, "he": 187,
    "it": 188, "pl": 166, "pt": 181, "ru": 184, "sl": 180, "es": 218, "sv": 199,
    "tr": 166, "zh": 255, "ja": 357,
}
DEFAULT_WPM = 200
# See Settings.analysis_max_chars.
DEFAULT_ANALYSIS_MAX_CHARS = 50_000


@dataclass(frozen=True)
class EnrichmentConfig:
    reading_wpm: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_READING_WPM))
    default_wpm: int = DEFAULT_WPM
    include_normalized_body: bool = True
    analysis_max_chars: int = DEFAULT_ANALYSIS_MAX_CHARS
