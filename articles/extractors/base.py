"""The data every extractor returns, the error for pages that are not articles, and text helpers."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

BODY_TEXT_LIMIT = 20_000
SUMMARY_LIMIT = 300


@dataclass(frozen=True)
class RelatedLinkData:
    label: str
    url: str
    # Where the link was found: "body" (the article's text), "metadata" (the page's or an
    # API's own fields) or "editor" (set by hand).
    source: str = "body"


@dataclass
class Extracted:
    kind: str
    title: str = ""
    publication: str = ""
    author: str = ""
    # What the page declares about itself (og:description, an API's description field)...
    description: str = ""
    # ...and the summary we write from it: the page's own lede where it has a body.
    summary: str = ""
    image_url: str = ""
    published_at: datetime | None = None
    related_links: list[RelatedLinkData] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    canonical_url: str = ""
    # Only WeChat articles name their publication with a stable id (the account's __biz);
    # websites are told apart by domain, which canonical_url/site_url already carry.
    source_key: str = ""
    site_url: str = ""
    body_text: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (dates as ISO 8601), the shape the extract_page command prints."""
        return {
            "kind": self.kind,
            "title": self.title,
            "publication": self.publication,
            "author": self.author,
            "description": self.description,
            "summary": self.summary,
            "image_url": self.image_url,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "related_links": [
                {"label": x.label, "url": x.url, "source": x.source} for x in self.related_links
            ],
            "metadata": self.metadata,
            "canonical_url": self.canonical_url,
            "source_key": self.source_key,
            "site_url": self.site_url,
        }


DEFAULT_MESSAGES = {
    "expired": "The link has expired; ask for a permanent link to the article.",
    "deleted": "The publisher has deleted this article.",
    "violation": "The platform has taken this article down for violating its rules.",
    "verification": "The site asked for a verification (captcha) instead of showing the article.",
    "rate_limited": "The site refused the request because of too many requests; try again later.",
    "not_found": "The page or record does not exist.",
    "moved": "The page has moved to another address.",
    "error": "The site answered with an error instead of the article.",
    "empty": "The page has no article content.",
    "blocked": "Access to this page is blocked.",
    "unparsable": "The response is not a page this extractor can read.",
}


class NotAnArticle(Exception):
    """The response is a real answer, but not an article: an error page, a wall, an empty feed."""

    def __init__(self, code: str, message: str = "") -> None:
        self.code = code
        self.message = message or DEFAULT_MESSAGES.get(code, "The page is not an article.")
        super().__init__(self.message)


_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]{1,31});")
_SPACES = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")


def unescape(text: str) -> str:
    """Undo HTML entities left in text that was escaped twice (JSON-LD, JS vars, some metas)."""
    return html.unescape(text) if "&" in text and _ENTITY.search(text) else text


def clean_text(text: str | None) -> str:
    """One line of display text: entities undone, whitespace collapsed."""
    if not text:
        return ""
    return _SPACES.sub(" ", unescape(text)).strip()


def clean_block_text(text: str, limit: int = BODY_TEXT_LIMIT) -> str:
    """Body text: spaces collapsed within lines, one newline between blocks, capped."""
    # Collapsing whitespace only shortens text: what lies past a few times the cap is never kept.
    text = text[: limit * 4]
    text = _LINE_SPACES.sub(" ", text.replace("\u00a0", " ").replace("\u3000", " "))
    text = _BLANK_LINES.sub("\n", text).strip()
    return text[:limit]


# A sentence ends at CJK full stops (no space follows them) or at Latin ones followed by space.
_SENTENCE_END = re.compile(
    r"(?<=[。！？!?…])(?![”’」』）)。！？!?…])|(?<=[。！？][”’」』）)])|(?<=[.!?])(?=\s)|\n"
)


def first_sentences(text: str, min_chars: int = 80, max_chars: int = SUMMARY_LIMIT) -> str:
    """The opening sentences of a text, for a summary when the page gives none."""
    out = ""
    for piece in _SENTENCE_END.split(text[: max_chars * 4]):
        piece = piece.strip()
        if not piece:
            continue
        joiner = "" if not out or _is_cjk(out[-1]) or _is_cjk(piece[0]) else " "
        candidate = out + joiner + piece
        if out and len(candidate) > max_chars:
            break
        out = candidate
        if len(out) >= min_chars:
            break
    if len(out) > max_chars:
        out = out[: max_chars - 1].rstrip() + "…"
    return out


def _is_cjk(char: str) -> bool:
    return "\u2e80" <= char <= "\u9fff" or "\uf900" <= char <= "\uffef"


def absolute_url(url: str | None, base: str) -> str:
    """An absolute http(s) URL, or '' for empty, data: and javascript: values."""
    if not url:
        return ""
    url = unescape(url.strip())
    if not url or url.startswith(("data:", "javascript:", "#", "about:", "mailto:")):
        return ""
    if url.startswith("//"):
        scheme = urlsplit(base).scheme or "https"
        return f"{scheme}:{url}"
    joined = urljoin(base, url) if base else url
    return joined if joined.startswith(("http://", "https://")) else ""


def join_names(names: list[str]) -> str:
    """People joined the way the Article model stores them (arXiv's convention)."""
    seen: list[str] = []
    for name in names:
        name = clean_text(name)
        if name and name not in seen:
            seen.append(name)
    return "; ".join(seen)
