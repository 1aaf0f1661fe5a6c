"""Article extraction from web pages: main text and what the page states about itself.

Pure functions on lxml; nothing here knows of Kafka, metrics or settings.
"""

from newswire.core.extraction.page import ExtractedPage, extract_page

__all__ = ["ExtractedPage", "extract_page"]
