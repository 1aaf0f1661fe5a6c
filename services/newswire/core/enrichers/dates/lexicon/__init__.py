"""The words the date extractor reads: data only, one module per kind or language family."""

