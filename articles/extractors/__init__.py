"""Extractors: pure functions from (article URL, response bytes) to article data. No I/O."""

from .base import Extracted, NotAnArticle, RelatedLinkData
from .decoding import decode_html
from .dispatch import extract, fetch_url_for

__all__ = [
    "Extracted",
    "NotAnArticle",
    "RelatedLinkData",
    "decode_html",
    "extract",
    "fetch_url_for",
]
