"""Any other web page: OpenGraph, Twitter cards, JSON-LD, then plain HTML.

Precedence follows what publishers curate for sharing: og:* first (it is what social cards
show), then JSON-LD, then <title> and the page's own markup. Where og:title and the visible
<h1> are the same headline in different typography, the <h1>'s spelling is kept.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from .base import (
    BODY_TEXT_LIMIT,
    Extracted,
    NotAnArticle,
    RelatedLinkData,
    clean_block_text,
    clean_text,
    join_names,
)
from .dates import parse_datetime
from .lede import summary_of
from .links import canonical_link, collect_links, labelled_by_address
from .page import Page, block_text, ld_names, ld_text, ld_url, looks_like_url

_DATE_METAS = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "published_time", "article.published", "datepublished", "publishdate", "publish_date",
    "pubdate", "date", "dc.date", "dc.date.issued", "dcterms.date", "dcterms.created",
    "dcterms.issued", "citation_publication_date", "citation_date", "sailthru.date",
    "parsely-pub-date", "article:published", "pub_date",
)  # fmt: skip
_AUTHOR_METAS = (
    "author", "article:author", "og:article:author", "parsely-author", "sailthru.author",
    "dc.creator", "dcterms.creator", "byl", "citation_author",
)  # fmt: skip
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "‟": '"',
     "″": '"', "–": "-", "—": "-", "\u00a0": " "}
)  # fmt: skip
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|:|/|»)\s+")
_BY = re.compile(r"^(?:(?:by|von|par|por)\s+|作者\s*[:：]?\s*)", re.IGNORECASE)
MIN_PARAGRAPH = 30
_STANDFIRST = " | ".join(
    f'//*[self::p or self::div][contains(concat(" ", normalize-space(@class), " "), " {name} ")]'
    for name in ("standfirst", "dig-vorspann", "article-standfirst", "dek", "article-dek")
)


def _comparable(text: str) -> str:
    """A title reduced to what two spellings of it share (quotes, dashes, spaces, case)."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_QUOTES).split()).casefold()


def pick_title(page: Page, ld: dict[str, Any], publication: str) -> str:
    title = page.first_meta("og:title", "twitter:title") or ld_text(ld.get("headline"))
    title = strip_site_name(title, publication)
    h1s = page.h1_texts()
    if title:
        for h1 in h1s:
            if _comparable(h1) == _comparable(title):
                return h1
        return title
    tag = page.title_tag
    for h1 in h1s:
        # "<h1> | Site" in <title>: the h1 is the headline.
        if _comparable(tag).startswith(_comparable(h1)):
            return h1
    return strip_site_name(tag, publication) or (h1s[0] if h1s else "")


def strip_site_name(title: str, site: str) -> str:
    """`Headline | Site` -> `Headline` when the tail is the site's name."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) > 1 and site and _comparable(site) in _comparable(parts[-1]):
        return _TITLE_SEPARATORS.split(title, maxsplit=len(parts) - 2)[0].strip()
    return title


def pick_published(page: Page, ld: dict[str, Any]) -> datetime | None:
    # article:published_time is first: JSON-LD often rounds it to the second.
    for value in (page.first_meta("article:published_time"), ld_text(ld.get("datePublished"))):
        parsed = parse_datetime(value)
        if parsed:
            return parsed
    # itemprop=datePublished on any element; the first one belongs to the article, later
    # ones to teasers of related stories.
    for element in page.root.xpath('//@itemprop[.="datePublished"]/..'):
        value = element.get("content") or element.get("datetime") or element.text_content()
        parsed = parse_datetime(clean_text(value))
        if parsed:
            return parsed
        break
    for key in _DATE_METAS:
        parsed = parse_datetime(page.first_meta(key))
        if parsed:
            return parsed
    for element in page.root.xpath("//time[@pubdate or @datetime]")[:1]:
        parsed = parse_datetime(element.get("datetime")) or parse_datetime(element.get("pubdate"))
        if parsed:
            return parsed
    return None


def pick_author(page: Page, ld: dict[str, Any]) -> str:
    names = ld_names(ld.get("author")) or ld_names(ld.get("creator"))
    if names:
        return join_names(names)
    for key in _AUTHOR_METAS:
        values = [clean_text(_BY.sub("", v)) for v in page.meta.get(key, [])]
        names = [v for v in values if v and not looks_like_url(v)]
        if names:
            return join_names(names)
    # Ghost and others: twitter:label1 "Written by" / twitter:data1 "<name>".
    for n in ("1", "2"):
        if page.first_meta(f"twitter:label{n}").lower() in ("written by", "author", "by"):
            name = page.first_meta(f"twitter:data{n}")
            if name:
                return name
    return ""


def pick_image(page: Page, ld: dict[str, Any]) -> str:
    image = page.first_meta(
        "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"
    )
    image = image or ld_url(ld.get("image")) or page.link_href("image_src")
    return page.absolute(image)


def declared_canonical(page: Page) -> tuple[str, dict[str, str]]:
    """The canonical URL the page declares, if usable, and notes on where and what it is."""
    declared = (("link", page.link_href("canonical")), ("og:url", page.first_meta("og:url")))
    for source, raw in declared:
        if not raw:
            continue
        notes = {"canonical_source": source, "canonical_kind": "not_http"}
        url = page.absolute(raw)
        if not url:
            return "", {**notes, "canonical_declared": raw}
        notes["canonical_kind"] = canonical_kind(url, page.url)
        if notes["canonical_kind"] == "same_host" and _is_home(url) and not _is_home(page.url):
            # A CMS default that points every page at the home page: not this article's URL.
            return "", {**notes, "canonical_declared": url, "canonical_ignored": "home page"}
        return canonical_link(url), notes
    return "", {}


def canonical_kind(canonical: str, page_url: str) -> str:
    """same_host, doi (a DOI resolver) or other_host: where a declared canonical points."""
    host = (urlsplit(canonical).hostname or "").removeprefix("www.")
    if host == (urlsplit(page_url).hostname or "").removeprefix("www."):
        return "same_host"
    return "doi" if host in ("doi.org", "dx.doi.org") else "other_host"


def _is_home(url: str) -> bool:
    return urlsplit(url).path in ("", "/")


def main_container(page: Page) -> HtmlElement | None:
    """The element holding the article text: articleBody, <article>, or <main>."""
    found = page.root.xpath('//@itemprop[.="articleBody"]/.. | //article | //main')
    for test in (lambda e: e.get("itemprop") == "articleBody", lambda e: e.tag == "article"):
        matches = [e for e in found if test(e)]
        if matches:
            return max(matches, key=lambda e: len(e.findall(".//p")))
    return found[0] if found else None


def paragraphs_text(root: HtmlElement) -> str:
    out, size = [], 0
    for paragraph in root.iter("p"):
        text = clean_text(paragraph.text_content())
        if len(text) >= MIN_PARAGRAPH:
            out.append(text)
            size += len(text)
            if size >= BODY_TEXT_LIMIT:
                break
    return "\n".join(out)[:BODY_TEXT_LIMIT]


def densest_block(page: Page) -> HtmlElement | None:
    """The element whose own paragraphs hold the most text (no article markup on the page)."""
    scores: dict[HtmlElement, int] = {}
    for paragraph in page.root.iter("p"):
        parent = paragraph.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(paragraph.text_content())
    return max(scores, key=scores.__getitem__) if scores else None


def standfirst(page: Page) -> str:
    """A standfirst the page shows under its headline but declares nowhere (a CMS class name)."""
    for element in page.root.xpath(_STANDFIRST):
        text = clean_text(element.text_content())
        if len(text) >= MIN_PARAGRAPH:
            return text
    return ""


def article_text(page: Page, ld: dict[str, Any], container: HtmlElement | None) -> str:
    """The article's own text: JSON-LD articleBody, else the paragraphs of its container."""
    article_body = ld.get("articleBody")
    if isinstance(article_body, str) and article_body.strip():
        return clean_block_text(article_body)
    if container is not None:
        return paragraphs_text(container) or block_text(container)
    block = densest_block(page)
    return paragraphs_text(block) if block is not None else ""


def article_links(
    page: Page, container: HtmlElement | None, canonical: str, notes: dict[str, str]
) -> list[RelatedLinkData]:
    is_doi = notes.get("canonical_kind") == "doi" and canonical
    links = [RelatedLinkData("DOI", canonical)] if is_doi else []
    if container is not None:
        # Only links whose address says what they are (arXiv, DOI, GitHub, Hugging Face...):
        # on news pages, anchor words like "code" or "paper" label too much in-site navigation.
        hrefs = labelled_by_address(a.get("href") for a in container.iter("a"))
        anchors = [(page.absolute(href), "") for href in hrefs]
        links += collect_links(anchors, exclude=[page.url, canonical, *(x.url for x in links)])
    return links


def page_metadata(page: Page, canonical: str, notes: dict[str, str]) -> dict[str, Any]:
    metadata: dict[str, Any] = {**notes}
    if notes.get("canonical_kind") == "doi":
        metadata["doi"] = urlsplit(canonical).path.lstrip("/")
    section = page.first_meta("article:section")
    if section:
        metadata["section"] = section
    tags = [clean_text(t) for t in page.meta.get("article:tag", [])]
    if tags:
        metadata["tags"] = list(dict.fromkeys(t for t in tags if t))
    return metadata


def extract_generic(url: str, body: bytes, content_type: str = "") -> Extracted:
    page = Page(url, body, content_type)
    ld = page.json_ld_article
    publisher = ld.get("publisher") if isinstance(ld.get("publisher"), dict) else {}
    publication = (
        page.first_meta("og:site_name") or ld_text(publisher) or page.first_meta("application-name")
    )
    title = pick_title(page, ld, publication)
    if not title:
        raise NotAnArticle("empty", "The page has no title: it does not look like an article.")
    canonical, notes = declared_canonical(page)
    container = main_container(page)
    body_text = article_text(page, ld, container)
    description = (
        page.first_meta("og:description", "twitter:description", "description")
        or ld_text(ld.get("description"))
        or standfirst(page)
    )
    home = urlsplit(canonical if notes.get("canonical_kind") == "same_host" else url)
    site_url = page.absolute(ld_url(publisher.get("url"))) if publisher else ""
    return Extracted(
        kind="web",
        title=title,
        publication=publication,
        author=pick_author(page, ld),
        description=description,
        summary=summary_of(body_text, description, title=title, site=publication),
        image_url=pick_image(page, ld),
        published_at=pick_published(page, ld),
        related_links=article_links(page, container, canonical, notes),
        metadata=page_metadata(page, canonical, notes),
        canonical_url=canonical,
        site_url=canonical_link(site_url or f"{home.scheme}://{home.netloc}/"),
        body_text=body_text,
    )
