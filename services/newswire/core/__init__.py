"""The core: message models and codec, text rules, ids, readers, enrichment and the
one-message pipeline. Pure Python over the standard library and the parsing/enrichment
libraries: nothing here imports Kafka, Prometheus, Redis, settings or the service layer
(checked by the import-linter contract in pyproject.toml)."""
