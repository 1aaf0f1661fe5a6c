"""newswire: message-driven ingestion of news articles through Kafka."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("newswire")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0.0.0+unknown"

# Bumped whenever enrichment output changes meaning, so downstream can tell
# records enriched by different logic apart.
PIPELINE_VERSION = f"newswire/{__version__}/enrich-1"
