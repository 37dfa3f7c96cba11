"""One parsed HTML page and the lookups every extractor makes on it: metas, JSON-LD, text."""

from __future__ import annotations

import json
import re
from functools import cached_property
from typing import Any

import lxml.html
from lxml import etree

from .base import BODY_TEXT_LIMIT, absolute_url, clean_block_text, clean_text
from .decoding import parse_html

BLOCK_TAGS = (
    "p", "div", "section", "article", "header", "footer", "aside", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr",
    "figure", "figcaption", "hr", "br",
)  # fmt: skip
_VOID_BLOCKS = frozenset({"br", "hr"})
_BREAK = "\ue000"  # a private-use character marks block edges while the text is joined
_NOT_TEXT = ("script", "style", "noscript", "template", "svg")

_ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "report", "scholarlyarticle", "techarticle",
        "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle", "reviewnewsarticle",
        "backgroundnewsarticle", "liveblogposting", "socialmediaposting", "posting",
        "medicalscholarlyarticle", "advertisercontentarticle", "satiricalarticle",
    }
)  # fmt: skip
_JSON_JUNK = re.compile(r"^\s*(?:<!--|//\s*<!\[CDATA\[|<!\[CDATA\[)|(?:-->|//\s*\]\]>|\]\]>)\s*$")


class Page:
    """A parsed page: one lxml parse, then cheap lookups on the tree (no re-parsing)."""

    def __init__(self, url: str, body: bytes, content_type: str = "") -> None:
        self.url = url
        self.body = body
        self.root, self.encoding = parse_html(body, content_type)

    def find(self, xpath: str, tokens: tuple[bytes, ...]) -> list[Any]:
        """The XPath's results, skipped when none of the tokens is in the raw page at all."""
        if not any(token in self.body for token in tokens):
            return []
        return list(self.root.xpath(xpath))

    @cached_property
    def meta(self) -> dict[str, list[str]]:
        """Meta contents by lower-cased property, name and itemprop, in document order."""
        index: dict[str, list[str]] = {}
        for element in self.root.iter("meta"):
            content = element.get("content")
            if content is None:
                continue
            for attr in ("property", "name", "itemprop"):
                key = element.get(attr)
                if key:
                    index.setdefault(key.strip().lower(), []).append(content)
        return index

    def first_meta(self, *keys: str) -> str:
        """The first non-blank meta value among the keys, tried in order."""
        for key in keys:
            for value in self.meta.get(key, ()):
                text = clean_text(value)
                if text:
                    return text
        return ""

    @cached_property
    def base_url(self) -> str:
        for href in self.root.xpath("//base/@href"):
            resolved = absolute_url(str(href), self.url)
            if resolved:
                return resolved
        return self.url

    def absolute(self, url: str | None) -> str:
        return absolute_url(url, self.base_url)

    @cached_property
    def title_tag(self) -> str:
        head = self.root.find("head")
        element = head.find("title") if head is not None else None
        if element is None:
            element = self.root.find(".//title")
        return clean_text(element.text_content()) if element is not None else ""

    def link_href(self, rel: str) -> str:
        for link in self.root.iter("link"):
            rels = (link.get("rel") or "").lower().split()
            if rel in rels and link.get("href"):
                return link.get("href", "").strip()
        return ""

    def by_ids(self, *ids: str) -> dict[str, lxml.html.HtmlElement]:
        """Elements by id; XPath id() reads libxml2's id index instead of walking the tree."""
        found: dict[str, lxml.html.HtmlElement] = {}
        for element in self.root.xpath(f'id("{" ".join(ids)}")'):
            found.setdefault(element.get("id"), element)
        return found

    @cached_property
    def json_ld(self) -> list[dict[str, Any]]:
        """Every JSON-LD object on the page, flattened out of lists and @graph."""
        items: list[dict[str, Any]] = []
        for text in self.root.xpath('//script[contains(@type, "ld+json")]/text()'):
            data = _load_json(str(text))
            if data is not None:
                _flatten(data, items)
        return items

    @cached_property
    def json_ld_article(self) -> dict[str, Any]:
        """The first JSON-LD item typed as an article (Article, NewsArticle, BlogPosting...)."""
        for item in self.json_ld:
            if _types(item) & _ARTICLE_TYPES:
                return item
        return {}

    def heading_texts(self, *tags: str, limit: int = 5) -> list[str]:
        texts = []
        for element in self.root.iter(*tags):
            text = clean_text(element.text_content())
            if text:
                texts.append(text)
            if len(texts) >= limit:
                break
        return texts

    def h1_texts(self, limit: int = 3) -> list[str]:
        texts = []
        for element in self.root.iter("h1"):
            text = clean_text(element.text_content())
            if text:
                texts.append(text)
            if len(texts) >= limit:
                break
        return texts


def _load_json(text: str) -> Any:
    text = _JSON_JUNK.sub("", text.strip())
    if not text:
        return None
    try:
        # strict=False: sites put raw newlines and tabs inside JSON-LD strings.
        return json.loads(text, strict=False)
    except ValueError:
        return None


def _flatten(data: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(data, list):
        for item in data:
            _flatten(item, out)
    elif isinstance(data, dict):
        out.append(data)
        graph = data.get("@graph")
        if isinstance(graph, list | dict):
            _flatten(graph, out)
        main = data.get("mainEntity")
        if isinstance(main, dict) and _types(main) & _ARTICLE_TYPES:
            out.append(main)


def _types(item: dict[str, Any]) -> set[str]:
    value = item.get("@type")
    values = value if isinstance(value, list) else [value]
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def ld_text(value: Any) -> str:
    """A JSON-LD value as text: strings directly, objects by name, lists by their first."""
    if isinstance(value, list):
        for item in value:
            text = ld_text(item)
            if text:
                return text
        return ""
    if isinstance(value, dict):
        return ld_text(value.get("name") or value.get("@value"))
    return clean_text(value) if isinstance(value, str) else ""


def ld_url(value: Any) -> str:
    """A JSON-LD URL-ish value (ImageObject, string, list) as a string."""
    if isinstance(value, list):
        for item in value:
            url = ld_url(item)
            if url:
                return url
        return ""
    if isinstance(value, dict):
        return ld_url(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return value.strip() if isinstance(value, str) else ""


def ld_names(value: Any) -> list[str]:
    """Names of the people (or bodies) in a JSON-LD author field."""
    values = value if isinstance(value, list) else [value]
    names = []
    for item in values:
        name = ld_text(item)
        if name and not looks_like_url(name):
            names.append(name)
    return names


def looks_like_url(text: str) -> bool:
    return text.startswith(("http://", "https://", "/", "www.")) or "://" in text


def block_text(element: lxml.html.HtmlElement, limit: int = BODY_TEXT_LIMIT) -> str:
    """Visible text of a subtree, one line per block; mutates the (private) tree to mark blocks.

    Joining text nodes in C (text_content) is much cheaper than walking them in Python; the
    newlines added to block elements keep paragraphs and CJK sentences from running together.
    """
    etree.strip_elements(element, *_NOT_TEXT, with_tail=False)
    for block in element.iter(*BLOCK_TAGS):
        if block.tag not in _VOID_BLOCKS:
            block.text = _BREAK + block.text if block.text else _BREAK
        block.tail = _BREAK + block.tail if block.tail else _BREAK
    # Newlines in the HTML source are spaces to a reader; only blocks and <br> break lines.
    text = element.text_content().replace("\n", " ").replace(_BREAK, "\n")
    return clean_block_text(text, limit)
