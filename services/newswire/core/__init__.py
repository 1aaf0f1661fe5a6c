"""Pure code: parsing, extraction and measurement that know nothing of Kafka, metrics or settings."""
